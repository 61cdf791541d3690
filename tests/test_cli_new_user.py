"""The command line as a new user meets it (issue 17): ``betaxl`` run as a subprocess and
through :func:`betaxl.cli.main` on files laid out as users have them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import betaxl
from betaxl.cli import main as cli

ROOT = Path(__file__).resolve().parents[1]


def betaxl_run(*argv: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m betaxl.cli ARGV`` as a user's shell runs it, importing this copy."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "betaxl.cli", *map(str, argv)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = cli([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def fail(capsys, *argv: object) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_version() -> None:
    done = betaxl_run("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"betaxl {betaxl.__version__}"


def test_recalc_of_a_csv_says_it_is_not_a_workbook(tmp_path: Path) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text("date,AAA,BBB\n2024-01-31,10,20\n2024-02-29,11,19\n")
    done = betaxl_run("recalc", "prices.csv", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == ("betaxl recalc: prices.csv: is not a workbook (a .csv "
                                   "file); recalc reads an .xlsx or .xlsm workbook (a table "
                                   "of data goes to betaxl betas, returns, ...)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prices.csv"]
