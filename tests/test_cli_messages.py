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
    assert listing(names).count(",") == 15
    assert listing(names, 10).endswith("'S09' and 6 more")


@pytest.fixture()
def wide_csv(tmp_path: Path) -> Path:
    """Monthly returns of 40 stocks with long names beside the market (MKT)."""
    rng = np.random.default_rng(11)
    names = [f"Stock_{i:02d}_Holdings_Plc" for i in range(40)]
    frame = pd.DataFrame(rng.normal(0.01, 0.05, (24, 41)),
                         index=pd.date_range("2022-01-31", periods=24, freq="ME"),
                         columns=[*names, "MKT"])
    frame.index.name = "date"
    path = tmp_path / "stocks.csv"
    frame.to_csv(path)
    return path


COLUMNS = "'AAPL', 'MSFT', 'NVDA', 'MktRF', 'SPX', 'RF'"
NAMES = [  # argv, the line of error
    (["factors", "FILE", "--factors", "Mkt-RF"],
     "betaxl factors: returns.csv: no column named 'Mkt-RF' for --factors; did you mean "
     f"'MktRF'? (its columns: {COLUMNS})"),
    (["factors", "FILE", "--factors", "Mkt-RF,SMB"],
     "betaxl factors: returns.csv: no columns named 'Mkt-RF', 'SMB' for --factors; did you "
     f"mean 'MktRF' for 'Mkt-RF'? (its columns: {COLUMNS})"),
    (["risk", "FILE", "--benchmark", "spx"],
     "betaxl risk: returns.csv: no column named 'spx' for --benchmark; did you mean 'SPX'? "
     f"(its columns: {COLUMNS})"),
    (["betas", "FILE", "--market", "QQQ"],
     f"betaxl betas: returns.csv: no column named 'QQQ' for --market (its columns: {COLUMNS})"),
    (["betas", "FILE", "--market", "MktRF", "--risk-free", "rf"],
     "betaxl betas: --risk-free: 'rf' is neither a column of returns.csv nor a number; did "
     "you mean 'RF'?"),
    (["betas", "FILE", "--market", "MktRF", "--date-column", "Date"],
     "betaxl betas: returns.csv: no column named 'Date' for --date-column; did you mean "
     f"'date'? (its columns: 'date', {COLUMNS})"),
    (["portfolio", "FILE", "--weights", "AAPL=0.5,MSTF=0.5"],
     "betaxl portfolio: returns.csv: no column named 'MSTF' for --weights; did you mean "
     f"'MSFT'? (its asset columns: {COLUMNS})"),
]


@pytest.mark.parametrize(("argv", "line"), NAMES)
def test_a_name_not_in_the_file_is_refused_with_did_you_mean(returns_csv: Path,
                                                             argv: list[str],
                                                             line: str) -> None:
    got = refused(*(returns_csv.name if a == "FILE" else a for a in argv),
                  cwd=returns_csv.parent)
    assert got == line


def test_the_files_columns_are_never_cut_short(wide_csv: Path) -> None:
    got = refused("betas", wide_csv, "--market", "mkt")
    listed = ", ".join(f"'Stock_{i:02d}_Holdings_Plc'" for i in range(40))
    assert got == (f"betaxl betas: stocks.csv: no column named 'mkt' for --market; did you "
                   f"mean 'MKT'? (its columns: {listed}, 'MKT')")


def test_missing_weights_are_listed_complete_or_with_how_many_more(wide_csv: Path) -> None:
    given = ",".join(f"Stock_{i:02d}_Holdings_Plc=0.25" for i in range(4))
    got = refused("portfolio", wide_csv, "--weights", given + ",MKT=0")
    missing = ", ".join(f"'Stock_{i:02d}_Holdings_Plc'" for i in range(4, 40))
    assert got.startswith("betaxl portfolio: --weights: no weight for 'Stock_04_Holdings_Plc', ")
    assert got.endswith("'Stock_23_Holdings_Plc' and 16 more (give 0 to leave one out, or "
                        "choose the columns with --assets)")
    assert got.count("Stock_") == 20 and missing.startswith(got.split("for ")[1][:40])
    given = ",".join(f"Stock_{i:02d}_Holdings_Plc=0.05" for i in range(24))  # 16 missing
    got = refused("portfolio", wide_csv, "--weights", given + ",MKT=0")
    assert got == ("betaxl portfolio: --weights: no weight for "
                   + ", ".join(f"'Stock_{i:02d}_Holdings_Plc'" for i in range(24, 40))
                   + " (give 0 to leave one out, or choose the columns with --assets)")


ASSETS = [  # a command and its flags: the special columns it reads
    ["returns"], ["betas", "--market", "MktRF", "--risk-free", "RF", "--window", "12"],
    ["rolling", "--market", "MktRF", "--window", "12"],
    ["portfolio", "--weights", "NVDA=0.7,AAPL=0.3", "--rebalance", "month", "--detail"],
    ["equal-weight"], ["reconcile", "--market", "MktRF", "--weights", "NVDA=0.7,AAPL=0.3"],
    ["risk", "--benchmark", "SPX", "--risk-free", "RF"],
    ["factors", "--factors", "MktRF,SPX", "--risk-free", "RF"],
    ["estimators", "--market", "MktRF"], ["resample", "--to", "quarter"],
]


@pytest.mark.parametrize("argv", ASSETS, ids=lambda a: a[0])
def test_assets_gives_what_the_file_of_those_columns_gives(returns_csv: Path,
                                                           argv: list[str]) -> None:
    """``--assets NVDA,AAPL`` on the whole file writes what the command writes on a file
    holding only those columns (and the special ones), byte for byte."""
    folder = returns_csv.parent
    frame = pd.read_csv(returns_csv, index_col="date")
    if argv[0] == "returns":  # prices, for the command that reads prices
        frame = (1 + frame).cumprod() * 100
        frame.to_csv(returns_csv)
    keep = ["NVDA", "AAPL", *(c for c in ("MktRF", "SPX", "RF") if c in ",".join(argv).split(","))]
    frame[keep].to_csv(folder / "trimmed.csv")
    done = betaxl_run(argv[0], returns_csv.name, *argv[1:], "--assets", "NVDA,AAPL",
                      "-o", "chosen.csv", cwd=folder)
    assert done.returncode == 0, done.stderr
    done = betaxl_run(argv[0], "trimmed.csv", *argv[1:], "-o", "whole.csv", cwd=folder)
    assert done.returncode == 0, done.stderr
    chosen = sorted(folder.glob("chosen*.csv"))
    assert [p.name.replace("chosen", "whole") for p in chosen] == \
        [p.name for p in sorted(folder.glob("whole*.csv"))]
    for path in chosen:
        text = path.read_text()
        assert text == (folder / path.name.replace("chosen", "whole")).read_text()
        assert "MSFT" not in text


def test_assets_in_a_report(returns_csv: Path) -> None:
    pytest.importorskip("matplotlib")
    done = betaxl_run("report", returns_csv.name, "--benchmark", "SPX", "--assets", "MSFT",
                      "-o", "r.html", cwd=returns_csv.parent)
    assert done.returncode == 0, done.stderr
    page = (returns_csv.parent / "r.html").read_text()
    assert "MSFT" in page and "NVDA" not in page and "AAPL" not in page


ASSETS_REFUSED = [
    (["betas", "FILE", "--market", "MktRF", "--assets", "AAPL,nvda"],
     "betaxl betas: returns.csv: no column named 'nvda' for --assets; did you mean 'NVDA'? "
     "(its asset columns: 'AAPL', 'MSFT', 'NVDA', 'SPX', 'RF')"),
    (["betas", "FILE", "--market", "MktRF", "--assets", "AAPL,MktRF"],
     "betaxl betas: --assets: 'MktRF' is the --market column, which is always read; "
     "--assets chooses among the other columns"),
    (["risk", "FILE", "--benchmark", "SPX", "--risk-free", "RF", "--assets", "RF"],
     "betaxl risk: --assets: 'RF' is the --risk-free column, which is always read; "
     "--assets chooses among the other columns"),
    (["factors", "FILE", "--factors", "MktRF,SPX", "--assets", "AAPL,SPX"],
     "betaxl factors: --assets: 'SPX' is a --factors column, which is always read; "
     "--assets chooses among the other columns"),
    (["equal-weight", "FILE", "--assets", "AAPL,,MSFT"],
     "betaxl equal-weight: --assets: 'AAPL,,MSFT' must be column names separated by commas"),
    (["equal-weight", "FILE", "--assets", "AAPL,MSFT,AAPL"],
     "betaxl equal-weight: --assets: 'AAPL' named twice"),
    (["portfolio", "FILE", "--assets", "AAPL,MSFT", "--weights", "AAPL=0.5,NVDA=0.5"],
     "betaxl portfolio: --weights: 'NVDA' left out by --assets; give weights for the chosen "
     "assets only ('AAPL', 'MSFT')"),
]


@pytest.mark.parametrize(("argv", "line"), ASSETS_REFUSED)
def test_assets_refusals(returns_csv: Path, argv: list[str], line: str) -> None:
    got = refused(*(returns_csv.name if a == "FILE" else a for a in argv),
                  cwd=returns_csv.parent)
    assert got == line


def test_assets_on_the_dask_engine(returns_csv: Path) -> None:
    """``--engine dask`` takes the same subset: its betas are the memory engine's."""
    pytest.importorskip("distributed")
    folder = returns_csv.parent
    pd.read_csv(returns_csv, parse_dates=["date"]).to_parquet(folder / "r.parquet",
                                                              index=False)
    flags = ["--market", "MktRF", "--assets", "NVDA,AAPL", "-q"]
    done = betaxl_run("betas", "r.parquet", *flags, "--engine", "dask", "--workers", "1",
                      "-o", "dask.csv", cwd=folder)
    assert done.returncode == 0, done.stderr
    done = betaxl_run("betas", "r.parquet", *flags, "-o", "memory.csv", cwd=folder)
    assert done.returncode == 0, done.stderr
    got = pd.read_csv(folder / "dask.csv", index_col=0)
    want = pd.read_csv(folder / "memory.csv", index_col=0)
    assert list(got.index) == ["NVDA", "AAPL"]
    pd.testing.assert_frame_equal(got, want, rtol=1e-12)
    line = refused("betas", "r.parquet", "--market", "MktRF", "--assets", "nvda",
                   "--engine", "dask", cwd=folder)
    assert line == ("betaxl betas: r.parquet: no column named 'nvda' for --assets; did you "
                    "mean 'NVDA'? (its asset columns: 'AAPL', 'MSFT', 'NVDA', 'SPX', 'RF')")


FLAGS = [  # the core's refusals reached through each command: named by their flags
    (["risk", "FILE", "--benchmark", "SPX", "--periods-per-year", "0"],
     "betaxl risk: --periods-per-year must be a positive number (12 for monthly data), "
     "got 0.0"),
    (["risk", "FILE", "--benchmark", "SPX", "--mar", "-2"],
     "betaxl risk: --mar must be a return per period above -1 (0.005 for 0.5% a month), "
     "got -2.0"),
    (["report", "FILE", "--benchmark", "SPX", "--periods-per-year", "-12", "-o", "r.html"],
     "betaxl report: --periods-per-year must be a positive number (12 for monthly data), "
     "got -12.0"),
    (["report", "NODATES", "--benchmark", "SPX", "-o", "r.html"],
     "betaxl report: --periods-per-year was not given and nodates.csv has no dates to infer "
     "it from; pass --periods-per-year (12 monthly, 4 quarterly, 52 weekly, 252 daily)"),
    (["betas", "FILE", "--market", "MktRF", "--se", "hac", "--hac-lags", "-1"],
     "betaxl betas: --hac-lags must be a whole number of periods, 0 or more, got -1"),
    (["betas", "FILE", "--market", "MktRF", "--hac-lags", "2"],
     "betaxl betas: --hac-lags is given but --se is 'classical'; set --se to 'hac' or leave "
     "--hac-lags out"),
    (["factors", "FILE", "--factors", "MktRF", "--se", "hac", "--hac-lags", "-3"],
     "betaxl factors: --hac-lags must be a whole number of periods, 0 or more, got -3"),
    (["estimators", "FILE", "--market", "MktRF", "--lags", "-1"],
     "betaxl estimators: --lags must be a whole number of at least 0, got -1"),
    (["estimators", "FILE", "--market", "MktRF", "--halflife", "-3"],
     "betaxl estimators: --halflife must be a positive number of rows, got -3.0"),
    (["rolling", "FILE", "--market", "MktRF", "--window", "100"],
     "betaxl rolling: --window must be between 3 and the 36 rows of returns.csv, got 100"),
    (["portfolio", "FILE", "--weights", "AAPL=1,MSFT=0,NVDA=0,MktRF=0,SPX=0,RF=0",
      "--cost-bps", "-5"],
     "betaxl portfolio: --cost-bps must be a number of basis points from 0 to below 10000 "
     "(10 = 0.1% of the value traded), got -5.0"),
    (["portfolio", "FILE", "--weights", "AAPL=1,MSFT=0,NVDA=0,MktRF=0,SPX=0,RF=0",
      "--holdings", "units"],
     "betaxl portfolio: prices (--input-type prices) is needed when holdings are units "
     "(value = units x price)"),
    (["betas", "FILE", "--market", "MktRF", "--risk-free-annual", "0.05",
      "--periods-per-year", "0"],
     "betaxl betas: --periods-per-year must be a positive number, got 0.0"),
    (["betas", "FILE", "--market", "MktRF", "--risk-free-annual", "-2",
      "--periods-per-year", "12"],
     "betaxl betas: --risk-free-annual has a rate of -100% or below, which cannot be "
     "compounded; use --rate-method='simple'"),
    (["reconcile", "NODATES", "--market", "SPX", "--weights", "AAPL=0.5,MSFT=0.5",
      "--rebalance", "month"],
     "betaxl reconcile: --rebalance month: nodates.csv has no date column, and rebalancing "
     "by the calendar needs dates; name it with --date-column, or use --rebalance period "
     "or none"),
]


@pytest.mark.parametrize(("argv", "line"), FLAGS)
def test_the_cores_refusals_name_the_flags(returns_csv: Path, argv: list[str],
                                           line: str) -> None:
    folder = returns_csv.parent
    pd.read_csv(returns_csv)[["AAPL", "MSFT", "SPX"]].to_csv(folder / "nodates.csv",
                                                             index=False)
    files = {"FILE": returns_csv.name, "NODATES": "nodates.csv"}
    assert refused(*(files.get(a, a) for a in argv), cwd=folder) == line
