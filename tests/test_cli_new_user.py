"""The command line as a new user meets it (issue 17): ``betaxl`` run as a subprocess and
through :func:`betaxl.cli.main` on files laid out as users have them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import betaxl

from .test_cli_batch import run

ROOT = Path(__file__).resolve().parents[1]


def betaxl_run(*argv: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m betaxl.cli ARGV`` as a user's shell runs it, importing this copy."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "betaxl.cli", *map(str, argv)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


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


@pytest.fixture()
def monthly(tmp_path: Path) -> Path:
    """Five years of monthly returns as a user saves them: a date column, a column per
    stock, the market (MktRF) and the risk-free rate (RF)."""
    rng = np.random.default_rng(17)
    dates = pd.date_range("2019-01-31", periods=60, freq="ME")
    frame = pd.DataFrame(rng.normal(0.01, 0.05, (60, 4)), index=dates,
                         columns=["AAA", "BBB", "CCC", "MktRF"])
    frame["RF"] = 0.001
    frame.index.name = "date"
    path = tmp_path / "returns.csv"
    frame.to_csv(path)
    return path


COUNTED = [  # command, its flags, the count columns (or rows, for risk) of its first table
    (["betas", "--market", "MktRF"], "asset", ["n_obs"]),
    (["factors", "--factors", "MktRF"], "asset", ["n_obs"]),
    (["equal-weight"], "date", ["n_assets"]),
    (["resample", "--to", "quarter"], "date", ["rows"]),
    (["reconcile", "--market", "MktRF", "--weights", "AAA=0.5,BBB=0.3,CCC=0.2,RF=0"],
     "asset", ["n_obs_own"]),
]


@pytest.mark.parametrize(("argv", "index", "counts"), COUNTED)
@pytest.mark.parametrize("ext", [".csv", ".parquet", ".xlsx"])
def test_counts_are_integers_in_every_format(tmp_path: Path, monthly: Path, capsys,
                                             argv: list[str], index: str, counts: list[str],
                                             ext: str) -> None:
    out = tmp_path / f"out{ext}"
    assert run(capsys, argv[0], monthly, *argv[1:], "-o", out)[0] == 0
    if ext == ".csv":
        text = out.read_text().splitlines()
        header = text[0].split(",")
        for name in counts:
            cells = [line.split(",")[header.index(name)] for line in text[1:]]
            assert all(c.isdigit() for c in cells), (name, cells[:3])
    elif ext == ".parquet":
        frame = pd.read_parquet(out)
        for name in counts:
            assert pd.api.types.is_integer_dtype(frame[name]), frame[name].dtype
    else:
        sheet = openpyxl.load_workbook(out).worksheets[0]
        header = [c.value for c in sheet[1]]
        for name in counts:
            col = header.index(name) + 1
            cell = sheet.cell(row=2, column=col)
            assert isinstance(cell.value, int) and cell.number_format == "0", \
                (cell.value, cell.number_format)


@pytest.mark.parametrize("ext", [".csv", ".xlsx"])
def test_risk_n_obs_row_is_an_integer(tmp_path: Path, monthly: Path, capsys, ext: str) -> None:
    out = tmp_path / f"risk{ext}"
    assert run(capsys, "risk", monthly, "--benchmark", "MktRF", "-o", out)[0] == 0
    if ext == ".csv":
        rows = {line.split(",")[0]: line.split(",")[1:] for line in out.read_text().splitlines()}
        assert rows["n_obs"] == ["60"] * 4
        assert float(rows["mean"][0]) == pytest.approx(pd.read_csv(monthly)["AAA"].mean(),
                                                        rel=1e-12)
    else:
        sheet = openpyxl.load_workbook(out).worksheets[0]
        row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "n_obs")
        assert [c.value for c in row[1:]] == [60] * 4
        assert sheet.row_dimensions[row[0].row].number_format == "0" or \
            all(c.number_format == "0" for c in row[1:])


DATA_COMMANDS = ["returns", "betas", "rolling", "portfolio", "equal-weight", "reconcile",
                 "risk", "factors", "estimators", "resample"]


@pytest.mark.parametrize("command", DATA_COMMANDS)
def test_help_names_the_excel_function_and_the_columns(command: str) -> None:
    from betaxl import udfs

    done = betaxl_run(command, "--help")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    named = [name for name in udfs.__all__ if f"Excel function {name} " in text]
    assert len(named) == 1, text
    listing = " ".join(betaxl_run("--help").stdout.split())
    assert f"{command} " in listing and f"({named[0]})" in listing  # the one-line help
    assert "FACTOR_BETAS" not in text and "(RESAMPLE)" not in text
    assert "Writes " in text


def test_help_lists_every_column_a_command_writes(tmp_path: Path, monthly: Path,
                                                  capsys) -> None:
    weights = "AAA=0.5,BBB=0.3,CCC=0.2,RF=0"
    for argv in (["betas", "--market", "MktRF"], ["estimators", "--market", "MktRF"],
                 ["reconcile", "--market", "MktRF", "--weights", weights],
                 ["equal-weight"], ["resample", "--to", "month"]):
        out = tmp_path / f"{argv[0]}.csv"
        assert run(capsys, argv[0], monthly, *argv[1:], "-o", out)[0] == 0
        text = " ".join(betaxl_run(argv[0], "--help").stdout.split())
        written = list(pd.read_csv(out, index_col=0).columns)
        if argv[0] == "resample":
            written = written[:3]  # then the assets
        for col in written:
            assert col in text, (argv[0], col)
    summary = pd.read_csv(tmp_path / "reconcile_summary.csv", index_col=0)
    text = " ".join(betaxl_run("reconcile", "--help").stdout.split())
    assert all(figure in text for figure in summary.index)
    assert "beta_own_sample" in text and "n_obs_own" in text


def test_estimators_without_halflife_says_why_ewma_is_blank(tmp_path: Path,
                                                           monthly: Path, capsys) -> None:
    code, _, err = run(capsys, "estimators", monthly, "--market", "MktRF",
                       "-o", tmp_path / "e.csv")
    assert code == 0
    assert pd.read_csv(tmp_path / "e.csv")["ewma"].isna().all()
    notes = [line for line in err.splitlines() if "ewma" in line]
    assert notes == ["note: the ewma column is blank: EWMA beta needs --halflife N (in rows; "
                     "RiskMetrics' lambda 0.94 is a half-life of about 11.2 rows)"]
    code, _, err = run(capsys, "estimators", monthly, "--market", "MktRF", "--halflife",
                       "11.2", "-o", tmp_path / "e2.csv")
    assert code == 0 and "ewma" not in err
    assert pd.read_csv(tmp_path / "e2.csv")["ewma"].notna().all()


@pytest.mark.parametrize("argv", [["template", "-o", "t.xlsm"], ["recalc", "in.xlsm"],
                                  ["demo"]])
def test_a_missing_workbook_package_advises_the_workbook_extra(tmp_path: Path,
                                                              argv: list[str]) -> None:
    (tmp_path / "in.xlsm").write_bytes(b"")
    script = ("import sys\n"
              "for name in ('xlsxwriter', 'defusedxml', 'openpyxl'):\n"
              "    sys.modules[name] = None  # as if not installed\n"
              "from betaxl.cli import main\n"
              f"sys.exit(main({argv!r}))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith(f"betaxl {argv[0]}: this needs "), done.stderr
    assert line.endswith("not installed: pip install 'betaxl[workbook]'"), line


def test_template_as_xlsx_is_refused(tmp_path: Path) -> None:
    done = betaxl_run("template", "-o", "t.xlsx", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == ("betaxl template: t.xlsx: the template carries macros "
                                   "(its buttons), and only an .xlsm holds them; give -o "
                                   "NAME.xlsm")
    assert list(tmp_path.iterdir()) == []
