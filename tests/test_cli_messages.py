"""The command line's refusals in words a user can act on (issue 17): a mistyped choice,
a missing flag, a column name not in the file, all through ``betaxl`` as a subprocess on
files laid out as users have them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from betaxl.cli.names import closest, listing

from .test_cli_new_user import betaxl_run


def refused(*argv: object, cwd: Path | None = None) -> str:
    """The one line of error after argparse's usage (or alone), exit 2, no traceback."""
    done = betaxl_run(*argv, cwd=cwd)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == "" and "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    last = [i for i, line in enumerate(lines) if line.startswith("betaxl")]
    assert len(last) == 1 and last[0] == len(lines) - 1, done.stderr  # one line, at the end
    return lines[-1]


@pytest.fixture()
def returns_csv(tmp_path: Path) -> Path:
    """Monthly returns as a user saves them: date, three stocks, MktRF, SPX, RF."""
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(rng.normal(0.01, 0.05, (36, 5)),
                         index=pd.date_range("2021-01-31", periods=36, freq="ME"),
                         columns=["AAPL", "MSFT", "NVDA", "MktRF", "SPX"])
    frame["RF"] = 0.001
    frame.index.name = "date"
    path = tmp_path / "returns.csv"
    frame.to_csv(path)
    return path


ARGPARSE = [  # argv (FILE where the data file goes), the line of error
    (["betas", "FILE", "--market", "MktRF", "--input-type", "retrun"],
     "betaxl betas: error: --input-type: 'retrun' is not a choice; did you mean 'returns'? "
     "(choose from returns, prices, log_returns)"),
    (["resample", "FILE", "--to", "mnth"],
     "betaxl resample: error: --to: 'mnth' is not a choice; did you mean 'month'? "
     "(choose from week, month, quarter, year)"),
    (["betas", "FILE", "--market", "MktRF", "--layout", "tall"],
     "betaxl betas: error: --layout: 'tall' is not a choice (choose from auto, wide, long)"),
    (["bets", "FILE"],
     "betaxl: error: 'bets' is no command; did you mean 'betas'? (choose from demo, recalc, "
     "template, returns, betas, rolling, portfolio, equal-weight, reconcile, risk, factors, "
     "estimators, resample, report)"),
    (["betas", "FILE"],
     "betaxl betas: error: missing: give --market MARKET (the market column's name (or id))"),
    (["resample", "--to", "month"],
     "betaxl resample: error: missing: give FILE (a .csv (.gz/.bz2/.xz/.zip), .parquet "
     "(a file, folder or glob) or .xlsx/.xlsm file)"),
    (["betas", "FILE", "--market"],
     "betaxl betas: error: --market needs a value (the market column's name (or id))"),
    (["rolling", "FILE", "--market", "MktRF", "--window", "3y"],
     "betaxl rolling: error: --window: '3y' is not a whole number"),
    (["risk", "FILE", "--benchmark", "SPX", "--mar", "1%"],
     "betaxl risk: error: --mar: '1%' is not a number (a decimal: 0.05 for 5%)"),
    (["betas", "FILE", "--market", "MktRF", "--widow", "12"],
     "betaxl betas: error: no option '--widow' here; did you mean --window? "
     "('betaxl betas --help' lists what it takes)"),
    (["betas", "FILE", "FILE", "--market", "MktRF"],
     "betaxl betas: error: one argument too many: 'returns.csv'; 'betaxl betas --help' "
     "lists what it takes"),
]


@pytest.mark.parametrize(("argv", "line"), ARGPARSE)
def test_argparse_refusals_name_what_to_give(returns_csv: Path, argv: list[str],
                                             line: str) -> None:
    got = refused(*(returns_csv.name if a == "FILE" else a for a in argv),
                  cwd=returns_csv.parent)
    assert got == line
    assert not list(returns_csv.parent.glob("*_*.csv"))  # nothing written


def test_the_names_helper() -> None:
    assert closest("Mkt-RF", ["AAPL", "MktRF", "RF"]) == "MktRF"
    assert closest("spx", ["SPX", "AAPL"]) == "SPX"
    assert closest("QQQ", ["AAPL", "MSFT"]) is None
    names = [f"S{i:02d}" for i in range(16)]
    assert listing(names, 16) == ", ".join(f"'{n}'" for n in names)
    assert listing(names, 10).endswith("'S09' and 6 more")
