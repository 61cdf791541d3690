"""The summary table a command prints on a terminal never cuts a number (issue 17):
``betaxl`` run as a subprocess on a pseudo-terminal of 80 (and 60, 132) columns."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_a_terminal(*argv: object, cwd: Path, columns: int) -> list[str]:
    """The lines ``betaxl ARGV`` prints to a terminal ``columns`` wide (colours removed)."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": str(columns), "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    done = subprocess.Popen([sys.executable, "-m", "betaxl.cli", *map(str, argv)],
                            stdout=slave, stderr=subprocess.PIPE, cwd=cwd, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert done.wait(timeout=120) == 0, done.stderr.read() if done.stderr else ""
    return ANSI.sub("", out.decode()).replace("\r", "").splitlines()


@pytest.fixture()
def stocks(tmp_path: Path) -> Path:
    """Monthly returns of 30 stocks with long names, small and large, beside MKT."""
    rng = np.random.default_rng(23)
    names = [f"Stock_{i:02d}_Holdings_International_Plc" for i in range(30)]
    data = rng.normal(0.01, 0.05, (48, 31)) * np.r_[np.full(15, 1e-4), np.ones(16)]
    frame = pd.DataFrame(data, index=pd.date_range("2020-01-31", periods=48, freq="ME"),
                         columns=[*names, "MKT"])
    frame.index.name = "date"
    path = tmp_path / "stocks.csv"
    frame.to_csv(path)
    return path


def _body(lines: list[str]) -> list[list[str]]:
    """The table's rows as cells, a label folded over two lines joined again (its second
    line has no values, and its first fills the label column's 24 characters)."""
    rows: list[list[str]] = []
    for line in lines:
        if not line.startswith("│"):
            continue
        raw = line.split("│")[1:-1]
        cells = [c.strip() for c in raw]
        if rows and not any(cells[1:]) and len(raw[0].strip()) and rows[-1][-1] == "full":
            rows[-1][0] += cells[0]
            continue
        rows.append([*cells, "full" if len(cells[0]) == 24 else ""])
    return [row[:-1] for row in rows]


@pytest.mark.parametrize("columns", [80, 60, 132])
@pytest.mark.parametrize(("argv", "table"), [
    (["risk", "--benchmark", "MKT"], "risk"),
    (["betas", "--market", "MKT"], "betas"),
    (["rolling", "--market", "MKT", "--window", "12"], "rolling_12"),
])
def test_the_summary_never_cuts_a_number(stocks: Path, argv: list[str], table: str,
                                         columns: int) -> None:
    lines = on_a_terminal(argv[0], stocks.name, *argv[1:], "-o", "out.csv",
                          cwd=stocks.parent, columns=columns)
    assert max(map(len, lines)) <= columns, "\n".join(lines)
    written = pd.read_csv(stocks.parent / "out.csv", index_col=0)
    rows = _body(lines)
    assert len(rows) == min(15, len(written)), "\n".join(lines)
    shown = len(rows[0]) - 1
    assert shown >= 1
    for cells, (label, want) in zip(rows, written.iloc[:15].iterrows(), strict=True):
        assert cells[0] == str(label)
        assert cells[1:] == ["" if pd.isna(v) else f"{float(v):.6g}"
                             for v in want.iloc[:shown]], "\n".join(lines)
    title = next(line for line in lines if f"{argv[0]}: {table}" in line)
    if shown < written.shape[1]:
        assert f"{shown} of {written.shape[1]} columns" in " ".join(lines[:3]), title
