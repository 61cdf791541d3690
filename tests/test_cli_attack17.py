"""The command line attacked as a new user meets it (issue 17's second pass): each class
of defect fixed by one rule, tested through ``betaxl`` as a subprocess on files laid out
as users have them (weights from Excel, German CSVs, exports with title rows, PERMNO
headers, Yahoo tickers)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from .test_cli_new_user import betaxl_run


def refusal(done) -> str:
    """The one line a refused command prints: exit 2, nothing on stdout, no traceback."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stdout == "", done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith(("usage:", " "))]
    assert len(lines) == 1, done.stderr
    return lines[0]


def returns_frame(n: int = 60, names: tuple[str, ...] = ("AAPL", "MSFT", "NVDA")) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    market = rng.normal(0.008, 0.04, n)
    frame = pd.DataFrame({name: 0.001 + (0.8 + 0.3 * i) * market + rng.normal(0, 0.03, n)
                          for i, name in enumerate(names)},
                         index=pd.date_range("2019-01-31", periods=n, freq="ME", name="Date"))
    frame["SPX"] = market
    frame["RF"] = 0.002
    return frame


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    path = tmp_path / "returns.csv"
    returns_frame().to_csv(path)
    return path


# -- H1: a name given twice in --weights ------------------------------------------------

@pytest.mark.parametrize("command", ["portfolio", "reconcile", "report"])
def test_a_weight_given_twice_is_refused_naming_it(tmp_path: Path, data: Path,
                                                   command: str) -> None:
    key = "--benchmark" if command == "report" else "--market"
    extra = [] if command == "portfolio" else [key, "SPX"]
    out = tmp_path / ("out.html" if command == "report" else "out.csv")
    done = betaxl_run(command, data, "--assets", "AAPL,MSFT", *extra, "--weights",
                      "AAPL=0.6,MSFT=0.4,AAPL=0.1", "-o", out, cwd=tmp_path)
    assert refusal(done).endswith("--weights: 'AAPL' is given twice; give each asset's "
                                  "weight once")
    weights = tmp_path / "w.csv"
    weights.write_text("asset,weight\nAAPL,0.6\nMSFT,0.4\nAAPL,0.1\n")
    done = betaxl_run(command, data, "--assets", "AAPL,MSFT", *extra, "--weights", weights,
                      "-o", out, cwd=tmp_path)
    assert refusal(done).endswith("w.csv: 'AAPL' is given twice; give each asset's weight "
                                  "once")
    assert not out.exists()


# -- H3: a weights file is read as the data are -----------------------------------------

def portfolio_line(tmp_path: Path, data: Path, weights: Path) -> pd.Series:
    out = tmp_path / "p.csv"
    done = betaxl_run("portfolio", data, "--assets", "AAPL,MSFT", "--weights", weights,
                      "-o", out, "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return pd.read_csv(out, index_col=0)["portfolio"]


def test_weights_files_as_users_save_them(tmp_path: Path, data: Path) -> None:
    plain = tmp_path / "w.csv"
    plain.write_text("asset,weight\nAAPL,0.6\nMSFT,0.4\n")
    expected = portfolio_line(tmp_path, data, plain)
    semicolon = tmp_path / "w_de.csv"  # Excel in a German locale: ';' and decimal commas
    semicolon.write_text("asset;weight\nAAPL;0,6\nMSFT;0,4\n")
    book = tmp_path / "w.xlsx"
    pd.DataFrame({"asset": ["AAPL", "MSFT"], "weight": [0.6, 0.4]}).to_excel(book,
                                                                              index=False)
    parquet = tmp_path / "w.parquet"
    pd.DataFrame({"asset": ["AAPL", "MSFT"], "weight": [0.6, 0.4]}).to_parquet(parquet)
    bare = tmp_path / "w_bare.csv"  # no header row
    bare.write_text("AAPL,0.6\nMSFT,0.4\n")
    for weights in (semicolon, book, parquet, bare):
        got = portfolio_line(tmp_path, data, weights)
        np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-15)


def test_a_schedule_in_a_workbook_is_a_schedule(tmp_path: Path, data: Path) -> None:
    rows = {"date": ["2018-12-31", "2021-06-30"], "AAPL": [0.6, 0.5], "MSFT": [0.4, 0.5]}
    pd.DataFrame(rows).to_csv(tmp_path / "s.csv", index=False)
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    frame.to_excel(tmp_path / "s.xlsx", index=False)
    by_csv = portfolio_line(tmp_path, data, tmp_path / "s.csv")
    assert portfolio_line(tmp_path, data, tmp_path / "s.xlsx").equals(by_csv)
    fixed = tmp_path / "w.csv"
    fixed.write_text("AAPL,0.6\nMSFT,0.4\n")
    held = portfolio_line(tmp_path, data, fixed)  # the schedule's first row, bought and held
    assert held.loc[:"2021-06-30"].equals(by_csv.loc[:"2021-06-30"])
    assert not held.loc["2021-07-31":].equals(by_csv.loc["2021-07-31":])


def test_a_schedule_dated_in_seconds_is_matched_to_dates_in_nanoseconds() -> None:
    # a workbook's dates come as datetime64[s], a CSV's as [us] or [ns]: the schedule's
    # rows are found by date, whatever the unit of each (the core, schedule_targets)
    import betaxl as bx

    returns = returns_frame()[["AAPL", "MSFT"]]
    schedule = pd.DataFrame({"AAPL": [0.6, 0.5], "MSFT": [0.4, 0.5]},
                            index=pd.DatetimeIndex(["2018-12-31", "2021-06-30"]))
    expected = bx.portfolio_returns(returns.set_axis(returns.index.as_unit("ns")),
                                    schedule.set_axis(schedule.index.as_unit("ns"))).returns
    for unit in ("s", "ms", "us"):
        got = bx.portfolio_returns(returns.set_axis(returns.index.as_unit("ns")),
                                   schedule.set_axis(schedule.index.as_unit(unit))).returns
        np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())


@pytest.mark.parametrize(("content", "said"), [
    (b"", "w.csv: cannot be read as a table"),
    (b"asset,weight\n", "w.csv: holds no weights (only its header 'asset', 'weight')"),
    ("asset,weight\nAAPL,0.6\nMSFT,0.4\n".encode("utf-16"),
     "w.csv: is UTF-16 text: save it as UTF-8"),
    (b"asset,weight\nAAPL,0.6\nMSFT,\n", "w.csv: MSFT's weight blank is not a number"),
    (b"asset,weight,sector\nAAPL,0.6,Tech\nMSFT,0.4,Tech\n",
     "w.csv: a weights file has two columns, name and weight (it has 3"),
])
def test_a_weights_file_that_cannot_be_weights_is_refused_in_one_line(
        tmp_path: Path, data: Path, content: bytes, said: str) -> None:
    (tmp_path / "w.csv").write_bytes(content)
    done = betaxl_run("portfolio", data, "--assets", "AAPL,MSFT", "--weights", "w.csv",
                      "-o", "p.csv", cwd=tmp_path)
    assert said in refusal(done)


# -- H4: names are text in every output --------------------------------------------------

def test_a_name_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    frame = returns_frame(names=("=1+1", '=HYPERLINK("http://x","y")', "-NVDA", "http://a.b"))
    frame.to_csv(tmp_path / "inj.csv")
    assert betaxl_run("betas", "inj.csv", "--market", "SPX", "-o", "b.xlsx", "-q",
                      cwd=tmp_path).returncode == 0
    with zipfile.ZipFile(tmp_path / "b.xlsx") as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "hyperlink" not in sheet.lower()
    cells = [c.value for c in openpyxl.load_workbook(tmp_path / "b.xlsx").worksheets[0]["A"]]
    assert cells[1:5] == ["=1+1", '=HYPERLINK("http://x","y")', "-NVDA", "http://a.b"]
    assert betaxl_run("betas", "inj.csv", "--market", "SPX", "-o", "b.csv", "-q",
                      cwd=tmp_path).returncode == 0
    written = pd.read_csv(tmp_path / "b.csv", index_col=0)
    assert list(written.index) == ["'=1+1", "'=HYPERLINK(\"http://x\",\"y\")", "'-NVDA",
                                   "http://a.b", "RF"]
    assert (written["n_obs"] == 60).all() and (written["beta"].iloc[:4] > 0).all()
    first = (tmp_path / "b.csv").read_text().splitlines()[1].split(",")
    assert float(first[1]) == pytest.approx(written["beta"].iloc[0], rel=0, abs=0)


# -- M1: header names stripped -----------------------------------------------------------

def test_spaces_after_the_commas_of_a_header_are_not_part_of_the_names(tmp_path: Path) -> None:
    frame = returns_frame()
    text = frame.to_csv().splitlines()
    (tmp_path / "spaced.csv").write_text("\n".join([", ".join(text[0].split(",")),
                                                   *text[1:]]) + "\n")
    done = betaxl_run("betas", "spaced.csv", "--market", "SPX", "--risk-free", "RF",
                      "--assets", "AAPL, MSFT", "-o", "b.csv", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert list(pd.read_csv(tmp_path / "b.csv")["asset"]) == ["AAPL", "MSFT"]
    (tmp_path / "twice.csv").write_text("Date,AAPL, AAPL\n2019-01-31,0.1,0.2\n")
    done = betaxl_run("betas", "twice.csv", "--market", "AAPL", cwd=tmp_path)
    assert "twice.csv: has the column name 'AAPL' more than once" in refusal(done)


# -- M2: names with commas, Yahoo tickers with '=' --------------------------------------

def test_names_with_commas_and_equal_signs(tmp_path: Path) -> None:
    bank = "Banco Bilbao Vizcaya Argentaria, S.A."
    returns_frame(names=(bank, "EURUSD=X", "GC=F")).to_csv(tmp_path / "r.csv")
    done = betaxl_run("portfolio", "r.csv", "--weights",
                      f'"{bank}"=0.5,EURUSD=X=0.25,GC=F=0.25,SPX=0,RF=0', "-o", "p.csv",
                      "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = betaxl_run("betas", "r.csv", "--market", "SPX", "--assets", f'"{bank}",GC=F',
                      "-o", "b.csv", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert list(pd.read_csv(tmp_path / "b.csv")["asset"]) == [bank, "GC=F"]
    done = betaxl_run("factors", "r.csv", "--factors", f'SPX,"{bank}"', "--assets", "GC=F",
                      "-o", "f.csv", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"se:{bank}" in pd.read_csv(tmp_path / "f.csv").columns
    done = betaxl_run("betas", "r.csv", "--market", "SPX", "--assets", f"{bank},GC=F",
                      cwd=tmp_path)
    said = refusal(done)
    assert "no columns named 'Banco Bilbao Vizcaya Argentaria', 'S.A.' for --assets" in said
    assert f"a name holding a comma goes in double quotes: '\"{bank}\"'" in said


# -- M3: a mistyped option is named before a missing flag --------------------------------

def test_a_mistyped_option_is_named_before_the_missing_flag(data: Path) -> None:
    said = refusal(betaxl_run("betas", data, "--markt", "SPX"))
    assert said.startswith("betaxl betas: error: no option '--markt' here; did you mean "
                           "--market?"), said
    assert said.endswith("missing: give --market MARKET (the market column's name (or id))")


# -- M5: advice names only the command's flags -------------------------------------------

def test_returns_of_returns_advises_only_its_own_flags(data: Path) -> None:
    said = refusal(betaxl_run("returns", data))
    assert "looks like returns, not prices" in said
    assert "--input-type" not in said and "--trust-input-type" not in said
    assert "this command reads prices" in said


# -- M6: German CSVs ---------------------------------------------------------------------

def german(frame: pd.DataFrame) -> str:
    lines = ["Date;" + ";".join(frame.columns)]
    for stamp, row in frame.iterrows():
        lines.append(f"{stamp:%d.%m.%Y};" + ";".join(repr(float(v)).replace(".", ",")
                                                     for v in row))
    return "\n".join(lines) + "\n"


def test_a_german_csv_reads_as_the_same_numbers(tmp_path: Path, data: Path) -> None:
    (tmp_path / "de.csv").write_text(german(returns_frame()), encoding="utf-8-sig")
    for name in ("de.csv", data):
        done = betaxl_run("betas", name, "--market", "SPX", "--risk-free", "RF", "-o",
                          f"{Path(name).stem}_b.csv", "-q", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    german_betas = pd.read_csv(tmp_path / "de_b.csv", index_col=0)
    pd.testing.assert_frame_equal(german_betas, pd.read_csv(tmp_path / "returns_b.csv",
                                                            index_col=0))
    done = betaxl_run("betas", "de.csv", "--market", "SPX", "--decimal", ".", cwd=tmp_path)
    said = refusal(done)
    assert "holds numbers with a decimal comma" in said and "--decimal ','" in said
    assert "--thousands" not in said


# -- M7: workbooks with title rows; numeric headers --------------------------------------

def test_an_export_with_title_rows_and_permno_headers(tmp_path: Path, data: Path) -> None:
    frame = returns_frame(names=("10107", "14593"))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Monthly total returns export"])
    sheet.append(["Generated 2024-01-05"])
    sheet.append([])
    sheet.append(["Date", 10107, 14593, "SPX", "RF"])
    for stamp, row in frame.iterrows():
        sheet.append([stamp.to_pydatetime(), *map(float, row)])
    book.save(tmp_path / "export.xlsx")
    frame.to_csv(tmp_path / "export.csv")
    for name in ("export.xlsx", "export.csv"):
        done = betaxl_run("betas", name, "--market", "SPX", "--assets", "10107,14593",
                          "-o", f"{name}.b.csv", "-q", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert "read the table from row 4, its header" in betaxl_run(
        "betas", "export.xlsx", "--market", "SPX", "-o", "x.csv", "-q", cwd=tmp_path).stderr
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "export.xlsx.b.csv"),
                                  pd.read_csv(tmp_path / "export.csv.b.csv"))


def test_sheet_and_range_on_a_csv_are_refused(tmp_path: Path, data: Path) -> None:
    for flag, value in (("--sheet", "Data"), ("--range", "A1:C5")):
        said = refusal(betaxl_run("betas", data, "--market", "SPX", flag, value))
        assert said.endswith(f"returns.csv: {flag} is for a workbook (.xlsx, .xlsm); this "
                             f"is a text table: leave {flag} out")


# -- M8: Dask's rolling output is a Parquet dataset, named as one -----------------------

def test_dask_rolling_refuses_a_file_suffix_and_writes_readable_folders(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    returns_frame().to_parquet(tmp_path / "r.parquet")
    said = refusal(betaxl_run("rolling", "r.parquet", "--market", "SPX", "--window", "12",
                              "--engine", "dask", "-o", "new_rolling.csv", cwd=tmp_path))
    assert "new_rolling.csv: --engine dask writes a Parquet dataset" in said
    assert not (tmp_path / "new_rolling.csv").exists()
    done = betaxl_run("rolling", "r.parquet", "--market", "SPX", "--window", "12",
                      "--engine", "dask", "--workers", "1", "-o", "rolled", "-q",
                      cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "(4 assets in 1 Parquet file, window 12, on Dask)" in done.stdout
    folder = tmp_path / "rolled"
    assert folder.stat().st_mode & 0o755 == 0o755  # as mkdir makes it (umask 022)
    assert all(p.stat().st_mode & 0o644 == 0o644 for p in folder.iterdir())
    assert list(pd.read_parquet(folder).columns) == ["date", "asset", "beta"]
    assert "long, columns date, asset, beta" in " ".join(
        betaxl_run("rolling", "--help").stdout.split())


# -- M9: an annual rate given per period -------------------------------------------------

def test_an_annual_rate_given_as_monthly_is_refused_in_every_door(tmp_path: Path,
                                                                  data: Path) -> None:
    said = refusal(betaxl_run("betas", data, "--market", "SPX", "--risk-free", "0.05"))
    assert "--risk-free holds 0.05 a period, which is 60% a year over 12 periods a year: " \
           "an annual rate?" in said and "--risk-free-annual 0.05" in said
    import betaxl as bx

    frame = returns_frame()
    with pytest.raises(bx.BetaxlError, match="60% a year over 12 periods"):
        bx.ols_beta(frame[["AAPL"]], frame["SPX"], risk_free=0.05)
    done = betaxl_run("betas", data, "--market", "SPX", "--risk-free", "0.0135", "-o",
                      "b.csv", "-q", cwd=tmp_path)  # French's highest bill rate (1981)
    assert done.returncode == 0, done.stderr


# -- low: messages --------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "said"), [
    (["template", "-o"], "betaxl template: error: --output needs a value (where to write it)"),
    (["betas", "r.csv", "--market", "SPX", "--workers"],
     "--workers needs a value (LocalCluster workers)"),
    (["betas", "r.csv", "--market", "SPX", "--input-type"],
     "--input-type needs a value (what the columns hold)"),
])
def test_needs_a_value_reads_as_words(argv: list[str], said: str) -> None:
    assert refusal(betaxl_run(*argv)).endswith(said)


def test_window_limits_are_the_cores(data: Path) -> None:
    for window in ("2", "0"):
        said = refusal(betaxl_run("rolling", data, "--market", "SPX", "--window", window))
        assert said.endswith(f"--window must be at least 3 rows (a beta and its intercept "
                             f"need 3 to leave a residual); got {window}")


def test_factors_refusal_says_factors_once(data: Path) -> None:
    said = refusal(betaxl_run("factors", data))
    assert said.startswith("betaxl factors: give exactly one of --factors"), said


def test_a_flag_given_twice_is_refused(data: Path) -> None:
    said = refusal(betaxl_run("betas", data, "--market", "SPX", "--assets", "AAPL",
                              "--assets", "MSFT"))
    assert said.endswith("--assets given twice ('AAPL', then 'MSFT'); give it once (a list "
                         "is one value: A,B)")
    said = refusal(betaxl_run("betas", data, "--market=SPX", "--mark", "MktRF"))
    assert said.endswith("--market given twice ('SPX', then 'MktRF'); give it once")


def test_recalc_of_a_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    said = refusal(betaxl_run("recalc", "book", cwd=tmp_path))
    assert said == "betaxl recalc: book: is a folder, not a file: name a file to read"


def test_sessions_files_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from .test_cli_new_user import ROOT

    done = subprocess.run([sys.executable, "-m", "betaxl.cli.sessions", "--files",
                           str(tmp_path / "nothere")], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().endswith("nothere: no such folder (make it first)")


def test_the_mar_refusal_does_not_advise_the_risk_free_flag(data: Path) -> None:
    said = refusal(betaxl_run("risk", data, "--benchmark", "SPX", "--mar", "0.05"))
    assert "--mar holds 0.05 a period, which is 60% a year" in said
    assert "--risk-free-annual" not in said and "per_period_rate(0.05, 12)" in said


def test_a_missing_value_is_named_by_the_file_and_its_date(tmp_path: Path) -> None:
    frame = returns_frame()
    frame.iloc[10, 0] = np.nan
    frame.to_csv(tmp_path / "gap.csv")
    weights = "AAPL=0.5,MSFT=0.5,NVDA=0,RF=0"
    said = refusal(betaxl_run("portfolio", "gap.csv", "--weights", weights + ",SPX=0",
                              cwd=tmp_path))
    assert said == ("betaxl portfolio: gap.csv is missing row 11 (2019-11-30) of 'AAPL', "
                    "which the portfolio holds; fill or drop that row first")
    said = refusal(betaxl_run("reconcile", "gap.csv", "--market", "SPX", "--weights",
                              weights, cwd=tmp_path))
    assert said.startswith("betaxl reconcile: gap.csv is missing row 11 (2019-11-30) of "
                           "'AAPL' inside the period")


def test_the_explanation_of_a_portfolio_with_cash_says_why_a_figure_is_missing() -> None:
    import betaxl as bx

    frame = returns_frame()
    frame["CASH"] = 0.002
    result = bx.beta_reconcile(frame[["AAPL", "CASH"]], frame["SPX"], [0.5, 0.5])
    text = result.explain()
    assert "nan" not in text and "a held asset that never moves, such as cash" in text


def test_text_wraps_at_spaces_only() -> None:
    from betaxl.cli.output import wrapped

    line = ("Gap portfolio - end-weighted sum = +0.002136 = timing +0.003347 (today's "
            "weights are not the weights held) + drift -0.001211 (Mkt-RF)")
    for width in range(20, 90, 7):
        out = wrapped(line, width).splitlines()
        assert " ".join(w for piece in out for w in piece.split()) == line
        assert all(len(piece) <= width or " " not in piece.strip() for piece in out)


@pytest.mark.parametrize("columns", [60, 80])
def test_demo_never_splits_a_number_and_prints_counts_as_integers(columns: int) -> None:
    from betaxl.cli.output import wrapped
    from betaxl.cli.program import demo_text

    text = wrapped(demo_text(columns - 1), columns - 1)
    assert max(map(len, text.splitlines())) <= columns - 1
    risk = text.split("== Risk table", 1)[1].splitlines()
    assert next(line for line in risk if line.split()[:1] == ["n_obs"]).split() == \
        ["n_obs", "10", "10"]


def on_a_terminal(argv: list[object], columns: int, cwd: Path) -> str:
    """What ``betaxl ARGV`` shows on a terminal ``columns`` wide (a pseudo-terminal)."""
    import os
    import pty
    import subprocess
    import sys

    from .test_cli_new_user import ROOT

    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": str(columns), "LINES": "50"}
    with subprocess.Popen([sys.executable, "-m", "betaxl.cli", *map(str, argv)],
                          stdout=follower, stderr=subprocess.PIPE, cwd=cwd,
                          env=env) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_reconcile_explanation_at_60_columns_never_splits_a_number(tmp_path: Path,
                                                                   data: Path) -> None:
    shown = on_a_terminal(["reconcile", data, "--market", "SPX", "--weights",
                           "AAPL=0.5,MSFT=0.3,NVDA=0.2,RF=0", "-o", "r.csv"], 60, tmp_path)
    text = shown.split("Portfolio beta", 1)[1].split("\x1b", 1)[0]
    lines = ("Portfolio beta" + text).splitlines()
    assert len(lines) > 8 and max(map(len, lines)) <= 59, lines
    import re

    # every figure is whole, six decimals (a number cut in two would leave fewer)
    numbers = [w.rstrip(":,.)") for line in lines for w in line.split()
               if re.match(r"[+-]?\d", w)]
    assert numbers and all(re.fullmatch(r"[+-]?\d+(\.\d{6})?", w) for w in numbers), numbers


def test_demo_piped_fits_80_columns_with_integer_counts(tmp_path: Path) -> None:
    pytest.importorskip("xlsxwriter")
    done = betaxl_run("demo", "-o", "demo.xlsm", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = done.stdout.split("== The workbook ==", 1)[0].splitlines()
    assert max(map(len, report)) <= 80
    risk = "\n".join(report).split("== Risk table", 1)[1].splitlines()
    assert next(line for line in risk if line.split()[:1] == ["n_obs"]).split() == \
        ["n_obs", "10", "10"]


def test_permno_weights_from_a_workbook_match_permno_columns(tmp_path: Path) -> None:
    returns_frame(names=("10107", "14593")).to_csv(tmp_path / "crsp.csv")
    pd.DataFrame({"permno": [10107.0, 14593.0], "weight": [0.5, 0.5]}).to_excel(
        tmp_path / "w.xlsx", index=False)  # the ids as a sheet holds them: numbers
    (tmp_path / "w.csv").write_text("permno,weight\n10107,0.5\n14593,0.5\n")
    got = []
    for weights in ("w.xlsx", "w.csv"):
        done = betaxl_run("portfolio", "crsp.csv", "--assets", "10107,14593", "--weights",
                          weights, "-o", f"{weights}.p.csv", "-q", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        got.append(pd.read_csv(tmp_path / f"{weights}.p.csv"))
    pd.testing.assert_frame_equal(*got)


def test_a_mistyped_sheet_gets_did_you_mean(tmp_path: Path) -> None:
    returns_frame().to_excel(tmp_path / "book.xlsx", sheet_name="Returns")
    said = refusal(betaxl_run("betas", "book.xlsx", "--market", "SPX", "--sheet", "returns",
                              cwd=tmp_path))
    assert said == ("betaxl betas: book.xlsx: no sheet named 'returns' for --sheet; did you "
                    "mean 'Returns'? (its sheets: 'Returns')")
