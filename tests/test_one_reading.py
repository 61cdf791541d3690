"""One reading of a table, one answer through every door (issue 16): dates and frequency.

Each test gives the same file to the Python API (read with pandas as an analyst would),
the command line and, once, the Dask engine, and asserts one verdict: the same numbers,
or the same refusal.  The Excel functions get the same tables in
``tests/runtimes/reading.py`` (both dispatchers).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.cli import main as cli
from betaxl.data.periods import infer_periods_per_year
from betaxl.errors import BetaxlError

from . import reading_cases as cases


def run(capsys, *argv: object) -> tuple[int, str, str]:
    """Exit code, standard output and both streams together (notes and refusals)."""
    code = cli([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.out + out.err


def refused(capsys, *argv: object) -> str:
    code, out, both = run(capsys, *argv)
    err = both[len(out):]
    assert code == 2, both
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def expected_risk(frame: pd.DataFrame, t: float) -> pd.DataFrame:
    return bx.risk_table(frame[cases.ASSETS], frame["Mkt"], periods_per_year=t).to_frame()


# -- month labels: Jan-13 (Excel's mmm-yy export) ---------------------------------------


def test_month_labels_are_months_in_every_door(tmp_path: Path, capsys) -> None:
    frame = cases.last_months()[[*cases.ASSETS, "Mkt"]]
    text = cases.excel_export_csv(frame)
    assert text.splitlines()[1].startswith("Apr-12,")  # as Excel writes mmm-yy
    want = expected_risk(frame, 12)
    # the API, on the file as pandas reads it: text labels 'Apr-12' are months
    read = pd.read_csv(io.StringIO(text), index_col="Date")
    got_api = bx.risk_table(read[cases.ASSETS], read["Mkt"]).to_frame()
    np.testing.assert_allclose(got_api.to_numpy(), want.to_numpy(), rtol=1e-12)
    # the command line: no "sorted" note, 12 periods a year, the same numbers
    path = tmp_path / "export.csv"
    path.write_text(text)
    code, _, err = run(capsys, "risk", path, "--benchmark", "Mkt", "-o", tmp_path / "r.csv")
    assert code == 0, err
    assert "sorted" not in err and "12 periods a year" in err
    got_cli = pd.read_csv(tmp_path / "r.csv", index_col=0)
    np.testing.assert_allclose(got_cli[want.columns].to_numpy(), want.to_numpy(),
                               rtol=1e-12)
    # ISO month labels (2013-04) and month-end dates read the same
    iso = text.replace("Date,", "month,", 1)
    for stamp in frame.index:
        iso = iso.replace(f"{stamp:%b-%y},", f"{stamp:%Y-%m},", 1)
    path.write_text(iso)
    assert run(capsys, "risk", path, "--benchmark", "Mkt", "-o", tmp_path / "i.csv")[0] == 0
    np.testing.assert_allclose(pd.read_csv(tmp_path / "i.csv", index_col=0)[
        want.columns].to_numpy(), want.to_numpy(), rtol=1e-12)
    # resample: months in, months out (no OutOfBoundsDatetime traceback)
    path.write_text(text)
    assert run(capsys, "resample", path, "--to", "quarter", "-o", tmp_path / "q.csv")[0] == 0
    quarters = pd.read_csv(tmp_path / "q.csv")
    core = bx.resample_returns(frame, to="quarter").returns
    np.testing.assert_allclose(quarters[cases.ASSETS].to_numpy(),
                               core[cases.ASSETS].to_numpy(), rtol=1e-12)


def test_a_month_label_lines_up_with_the_month_end_date_of_another_column() -> None:
    frame = cases.last_months(36)
    labels = pd.Index([f"{d:%b-%y}" for d in frame.index])
    returns = frame[cases.ASSETS].set_axis(labels)
    rf = frame["RF"]  # month-end dates: 'Jan-15' stands for 2015-01-31
    got = bx.ols_beta(returns, frame["Mkt"].set_axis(labels), risk_free=rf)
    want = bx.ols_beta(frame[cases.ASSETS], frame["Mkt"], risk_free=rf)
    np.testing.assert_allclose(got.beta, want.beta, rtol=1e-12)


# -- yyyymm: Ken French's month codes ---------------------------------------------------


def test_french_month_codes_are_months_in_every_door(tmp_path: Path, capsys) -> None:
    frame = cases.french_monthly()[[*cases.ASSETS, "Mkt"]]
    text = cases.french_csv(frame, percent=False)  # percent units: the units rule
    assert text.splitlines()[1].startswith("194901,")
    numbers = cases.french_numbers(frame, percent=False)
    want = bx.ols_beta(numbers[cases.ASSETS], numbers["Mkt"]).to_frame().T
    # the API: read_csv(index_col=0) leaves yyyymm as whole numbers under a blank corner
    read = pd.read_csv(io.StringIO(text), index_col=0)
    assert infer_periods_per_year(read.index) == 12
    got_api = bx.ols_beta(read[cases.ASSETS], read["Mkt"]).to_frame().T
    np.testing.assert_allclose(got_api.to_numpy(), want.to_numpy(), rtol=1e-12)
    # the command line: the codes are the dates (from 1949), not an asset column
    path = tmp_path / "F-F_Research_Data_Factors.csv"
    path.write_text(text)
    code, _, err = run(capsys, "betas", path, "--market", "Mkt", "-o", tmp_path / "b.csv")
    assert code == 0, err
    got_cli = pd.read_csv(tmp_path / "b.csv", index_col=0)
    assert list(got_cli.index) == cases.ASSETS
    np.testing.assert_allclose(got_cli[want.columns].to_numpy(), want.to_numpy(),
                               rtol=1e-12)
    # resample reads the codes as months too
    assert run(capsys, "resample", path, "--to", "year", "-o", tmp_path / "y.csv")[0] == 0
    years = pd.read_csv(tmp_path / "y.csv")
    assert str(years["period"].iloc[0]) == "1949" and len(years) == -(-len(frame) // 12)


def test_numbers_not_headed_as_dates_never_become_dates(tmp_path: Path, capsys) -> None:
    frame = cases.last_months(36)[[*cases.ASSETS, "Mkt"]]
    codes = pd.Index([int(f"{d:%Y%m}") for d in frame.index], name="id")
    with pytest.raises(BetaxlError, match="has no dates to infer it from"):
        infer_periods_per_year(codes)
    # a column named as data keeps its numbers, whatever they look like
    numbered = frame.reset_index(drop=True)
    numbered.insert(0, "Code", codes)
    numbered.to_csv(tmp_path / "n.csv", index=False)
    err = refused(capsys, "risk", tmp_path / "n.csv", "--benchmark", "Mkt")
    assert "column 'Code' does not look like returns" in err  # a data column, not the dates


# -- frequency: the same rule, the same refusals ----------------------------------------


def _risk_cli(tmp_path: Path, capsys, frame: pd.DataFrame, *extra: object) -> pd.DataFrame:
    path = tmp_path / "data.csv"
    frame.to_csv(path)  # pandas' default to_csv: ISO dates in the first column
    code, _, err = run(capsys, "risk", path, "--benchmark", "Mkt", "-o", tmp_path / "r.csv",
                       *extra)
    assert code == 0, err
    return pd.read_csv(tmp_path / "r.csv", index_col=0)


def test_semiannual_dates_are_two_periods_a_year_in_every_door(tmp_path: Path,
                                                               capsys) -> None:
    frame = cases.semiannual()
    want = expected_risk(frame, 2)
    got_api = bx.risk_table(frame[cases.ASSETS], frame["Mkt"]).to_frame()
    np.testing.assert_allclose(got_api.to_numpy(), want.to_numpy(), rtol=1e-12)
    got_cli = _risk_cli(tmp_path, capsys, frame)
    np.testing.assert_allclose(got_cli[want.columns].to_numpy(), want.to_numpy(),
                               rtol=1e-12)


@pytest.mark.parametrize(("make", "why"), [
    (cases.calendar_daily, "the dates are daily including weekends"),
    (cases.six_day_daily, "the dates are daily on 6 days of the week"),
    (cases.gapped_monthly, "the dates are irregular (only"),
    (cases.holed_monthly, "its monthly dates jump 3684 days from 1958-12-31 to 1969-01-31"),
])
def test_unclear_frequencies_are_refused_alike(tmp_path: Path, capsys, make, why) -> None:
    frame = make()
    with pytest.raises(BetaxlError, match=r"^risk_table: periods_per_year was not given "
                       r"and " + why.replace("(", r"\(")):
        bx.risk_table(frame[cases.ASSETS], frame["Mkt"])
    path = tmp_path / "data.csv"
    frame.to_csv(path)
    err = refused(capsys, "risk", path, "--benchmark", "Mkt")
    assert err.startswith("error: data.csv: --periods-per-year was not given and " + why) \
        or f"data.csv: --periods-per-year was not given and {why}" in err, err
    assert "pass --periods-per-year (12 monthly" in err
    # given, every door answers, with the same numbers
    want = expected_risk(frame, 252)
    got = _risk_cli(tmp_path, capsys, frame, "--periods-per-year", "252")
    np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(), rtol=1e-12)


def test_no_dates_and_no_periods_per_year_is_refused(tmp_path: Path, capsys) -> None:
    frame = cases.undated()
    with pytest.raises(BetaxlError, match="^risk_table: periods_per_year was not given and "
                       "returns has no dates to infer it from; pass periods_per_year"):
        bx.risk_table(frame[cases.ASSETS], frame["Mkt"])
    frame.to_csv(tmp_path / "u.csv", index=False)
    err = refused(capsys, "risk", tmp_path / "u.csv", "--benchmark", "Mkt")
    assert "risk: --periods-per-year was not given and u.csv has no dates to infer it " \
           "from; pass --periods-per-year" in err  # the file named once


# -- Dask: the same reading of the same dates -------------------------------------------


def test_dask_reads_month_labels_and_infers_the_frequency_alike(tmp_path: Path,
                                                                capsys) -> None:
    pytest.importorskip("distributed")
    frame = cases.last_months()[[*cases.ASSETS, "Mkt"]]
    labelled = frame.reset_index()
    labelled["Date"] = [f"{d:%b-%y}" for d in frame.index]
    labelled.to_parquet(tmp_path / "m.parquet", index=False)
    code, _, err = run(capsys, "risk", tmp_path / "m.parquet", "--benchmark", "Mkt",
                       "--engine", "dask", "--workers", "1", "-o", tmp_path / "r.csv")
    assert code == 0, err
    assert "12 periods a year" in err
    want = expected_risk(frame, 12)
    got = pd.read_csv(tmp_path / "r.csv", index_col=0)
    np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(), rtol=1e-12)
    # business-daily dates: 252, as the API says (never Dask's old default of 12)
    daily = frame.set_axis(pd.bdate_range("2020-01-01", periods=len(frame), name="date"))
    daily.reset_index().to_parquet(tmp_path / "d.parquet", index=False)
    code, _, err = run(capsys, "risk", tmp_path / "d.parquet", "--benchmark", "Mkt",
                       "--engine", "dask", "--workers", "1", "-o", tmp_path / "d.csv")
    assert code == 0, err
    assert "252 periods a year" in err
    want = expected_risk(daily, 252)
    np.testing.assert_allclose(pd.read_csv(tmp_path / "d.csv", index_col=0)[
        want.columns].to_numpy(), want.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("index_name", ["Date", None])
def test_pandas_default_to_parquet_is_read_alike_by_every_engine(tmp_path: Path, capsys,
                                                                 index_name) -> None:
    """pandas' default ``to_parquet`` keeps the dates as the index (a column named after
    it, or ``__index_level_0__``, with metadata making it the index): Dask once failed
    on it with ``KeyError``."""
    pytest.importorskip("distributed")
    frame = cases.last_months()[[*cases.ASSETS, "Mkt"]].rename_axis(index_name)
    frame.to_parquet(tmp_path / "p.parquet")  # pandas' default: the index is kept
    back = pd.read_parquet(tmp_path / "p.parquet")  # the API, as an analyst reads it
    want = bx.risk_table(back[cases.ASSETS], back["Mkt"]).to_frame()
    np.testing.assert_allclose(want.to_numpy(), expected_risk(frame, 12).to_numpy(),
                               rtol=1e-12)
    for engine in ("memory", "dask"):
        code, _, err = run(capsys, "risk", tmp_path / "p.parquet", "--benchmark", "Mkt",
                           "--engine", engine, *(["--workers", "1"] if engine == "dask"
                                                 else []), "-o", tmp_path / f"{engine}.csv")
        assert code == 0, err
        assert "12 periods a year" in err, err
        got = pd.read_csv(tmp_path / f"{engine}.csv", index_col=0)
        np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(),
                                   rtol=1e-12)


# -- names: a column name twice is refused, naming it, in every format -------------------

TWICE = ("has the column name 'MKT' more than once; every column needs its own name "
         "(rename one")


def test_a_repeated_column_name_is_refused_in_every_door(tmp_path: Path, capsys) -> None:
    header, body = cases.repeated_names()
    # the API: a DataFrame with the two names (pandas keeps them as given)
    frame = body.set_axis(header[1:], axis=1)
    with pytest.raises(BetaxlError, match=r"^ols_beta: returns " + TWICE.replace("(", r"\(")):
        bx.ols_beta(frame, body["c"])
    # the command line: a CSV (pandas alone would call the second one MKT.1) ...
    path = tmp_path / "vendor.csv"
    path.write_text(cases.repeated_names_csv())
    assert pd.read_csv(path).columns[-1] == "MKT.1"  # what would have happened
    err = refused(capsys, "betas", path, "--market", "MKT")
    assert f"vendor.csv: {TWICE}" in err
    # ... and the same header in a workbook (no TypeError traceback)
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for d, row in zip(body.index, body.to_numpy(), strict=True):
        sheet.append([d.to_pydatetime(), *map(float, row)])
    book.save(tmp_path / "vendor.xlsx")
    err = refused(capsys, "betas", tmp_path / "vendor.xlsx", "--market", "MKT")
    assert f"vendor.xlsx: {TWICE}" in err
    # a semicolon CSV says the same
    (tmp_path / "semi.csv").write_text(cases.repeated_names_csv().replace(",", ";"))
    assert f"semi.csv: {TWICE}" in refused(capsys, "risk", tmp_path / "semi.csv",
                                           "--benchmark", "B")


def test_a_header_longer_than_the_sample_is_checked_whole(tmp_path: Path, capsys) -> None:
    """A header past the 64 KiB sniffing sample: names s0 ... s10999 are all different
    (the sample's last, cut name "s1094" of "s10940" is no repeat), and a name repeated
    at the header's end, 130 KiB in, is refused like any other."""
    k = 11_000
    names = [f"s{j}" for j in range(k)]
    rows = np.random.default_rng(3).normal(0, 0.01, (5, k + 1))
    header = ",".join([*names, "MKT"])
    assert len(header) > 1 << 16
    body = "\n".join(",".join(f"{v:.6f}" for v in r) for r in rows)
    (tmp_path / "wide.csv").write_text(header + "\n" + body + "\n")
    code, out, err = run(capsys, "betas", tmp_path / "wide.csv", "--market", "MKT", "-q",
                         "-o", tmp_path / "b.csv")
    assert code == 0, err
    assert len(pd.read_csv(tmp_path / "b.csv")) == k
    (tmp_path / "twice.csv").write_text(header + ",s1\n" + "\n".join(
        ",".join(f"{v:.6f}" for v in [*r, r[0]]) for r in rows) + "\n")
    err = refused(capsys, "betas", tmp_path / "twice.csv", "--market", "MKT")
    assert "twice.csv: has the column name 's1' more than once" in err


# -- units: a risk-free rate is a decimal per period -------------------------------------

PERCENT = r"risk_free holds 5, more than 100% a period: give the rate per period as a decimal"
ANNUAL = (r"risk_free holds 0.03 a period, which is 756% a year over 252 periods a year: an "
          r"annual rate\? give the rate per period as a decimal")


def cli_words(pattern: str) -> str:
    """The command line's wording of a refusal: the flag, not the API's argument."""
    return "--" + pattern.replace("risk_free", "risk-free", 1)


def test_a_percent_or_annual_risk_free_rate_is_refused_in_every_door(tmp_path: Path,
                                                                     capsys) -> None:
    frame = cases.last_months(36)[[*cases.ASSETS, "Mkt"]]
    for call, func in [(lambda rf: bx.risk_table(frame[cases.ASSETS], frame["Mkt"],
                                                 risk_free=rf), "risk_table"),
                       (lambda rf: bx.ols_beta(frame[cases.ASSETS], frame["Mkt"],
                                               risk_free=rf), "ols_beta")]:
        with pytest.raises(BetaxlError, match=rf"^{func}: {PERCENT}"):
            call(5)
    frame.to_csv(tmp_path / "m.csv")
    for command in ("risk", "betas"):
        key = "--benchmark" if command == "risk" else "--market"
        err = refused(capsys, command, tmp_path / "m.csv", key, "Mkt", "--risk-free", "5")
        assert re.search(cli_words(PERCENT), err), err
    # an annual 3% given as the daily rate: 756% a year
    daily = frame.set_axis(pd.bdate_range("2020-01-01", periods=len(frame), name="date"))
    with pytest.raises(BetaxlError, match=rf"^risk_table: {ANNUAL}"):
        bx.risk_table(daily[cases.ASSETS], daily["Mkt"], risk_free=0.03)
    daily.to_csv(tmp_path / "d.csv")
    err = refused(capsys, "risk", tmp_path / "d.csv", "--benchmark", "Mkt", "--risk-free",
                  "0.03")
    assert re.search(cli_words(ANNUAL), err), err
    # the per-period rate of 3% a year passes, with the same numbers as the API
    rate = bx.per_period_rate(0.03, 252)
    want = bx.risk_table(daily[cases.ASSETS], daily["Mkt"], risk_free=rate).to_frame()
    got = _risk_cli(tmp_path, capsys, daily, "--risk-free-annual", "0.03")
    np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(), rtol=1e-12)


# -- units: returns are decimals, prices are not returns ---------------------------------

NOT_RETURNS = (r"column 'NoDur' does not look like returns \(its median size is [0-9.]+, a "
               r"move of more than 100% a period\): ")


def test_prices_given_as_returns_are_refused_in_every_door(tmp_path: Path, capsys) -> None:
    frame = cases.last_months(36)[cases.ASSETS]
    prices = 100 * (1 + frame).cumprod()
    for call, func in [(lambda: bx.equal_weight_returns(prices), "equal_weight_returns"),
                       (lambda: bx.resample_returns(prices, to="quarter"),
                        "resample_returns")]:
        arg = "data" if func == "equal_weight_returns" else "returns"
        with pytest.raises(BetaxlError, match=rf"^{func}: {arg} {NOT_RETURNS}for prices give "
                           r'input_type="prices"'):
            call()
    # given as prices they are read
    want = bx.equal_weight_returns(prices, input_type="prices").returns
    np.testing.assert_allclose(want.to_numpy(), frame.iloc[1:].mean(axis=1), rtol=1e-12)
    prices.to_csv(tmp_path / "p.csv")
    for argv in (("betas", "--market", "Hlth"), ("resample", "--to", "quarter"),
                 ("risk", "--benchmark", "Hlth")):
        err = refused(capsys, argv[0], tmp_path / "p.csv", *argv[1:])
        assert re.search(rf"p.csv: {NOT_RETURNS}pass --input-type prices", err), err


# -- day and month as numbers: one rule, and how to be explicit -------------------------


def test_dates_that_read_both_ways_are_refused_alike_and_read_as_told(tmp_path: Path,
                                                                      capsys) -> None:
    pytest.importorskip("distributed")
    days = pd.DatetimeIndex([f"2018-{m:02d}-{d:02d}" for m in range(1, 13)
                             for d in (3, 10)], name="date")
    frame = pd.DataFrame(cases.last_months(len(days))[[*cases.ASSETS, "Mkt"]].to_numpy() / 2,
                         index=days, columns=[*cases.ASSETS, "Mkt"])
    want = expected_risk(frame, 24)
    uk = frame.set_axis(pd.Index([f"{d:%d/%m/%Y}" for d in days], name="date"))
    why = ("holds dates such as '03/01/2018' that read day first and month first; betaxl "
           "does not guess: pass {0}'%d/%m/%Y' (day first) or {0}'%m/%d/%Y' (month first)")
    # the API: row labels as pandas reads the CSV (text)
    with pytest.raises(BetaxlError, match=re.escape("risk_table: returns "
                                                    + why.format("date_format="))):
        bx.risk_table(uk[cases.ASSETS], uk["Mkt"], periods_per_year=24)
    got = bx.risk_table(uk[cases.ASSETS], uk["Mkt"], periods_per_year=24,
                        date_format="%d/%m/%Y").to_frame()
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    # the command line and Dask: the same file, the same refusal, the same numbers
    uk.to_csv(tmp_path / "uk.csv")
    uk.reset_index().to_parquet(tmp_path / "uk.parquet", index=False)
    for path, engine in ((tmp_path / "uk.csv", []),
                         (tmp_path / "uk.parquet", ["--engine", "dask", "--workers", "1"])):
        argv = ("risk", path, "--benchmark", "Mkt", "--periods-per-year", "24", *engine)
        err = refused(capsys, *argv)
        assert f"{path.name}: column 'date' " + why.format("--date-format ") in err \
            or "column 'date' " + why.format("--date-format ") in err, err
        code, _, err = run(capsys, *argv, "--date-format", "%d/%m/%Y", "-o",
                           tmp_path / "r.csv")
        assert code == 0, err
        got = pd.read_csv(tmp_path / "r.csv", index_col=0)
        np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(), rtol=1e-12)
    # a date that does not follow the format given is refused, naming it
    err = refused(capsys, "risk", tmp_path / "uk.csv", "--benchmark", "Mkt",
                  "--date-format", "%Y-%m-%d")
    assert "column 'date' holds '03/01/2018' (row 1), which does not read as the date " \
           "format '%Y-%m-%d'" in err, err


# -- a month label against another file's dates: lined up by month --------------------


@pytest.mark.parametrize("day", ["month end", "mid-month", "business month end"])
def test_month_labels_line_up_with_another_files_dates_by_month(tmp_path: Path, capsys,
                                                                day) -> None:
    frame = cases.last_months(36)
    dated = {"month end": frame.index,
             "mid-month": frame.index - pd.offsets.MonthBegin(1) + pd.Timedelta(days=14),
             "business month end": pd.DatetimeIndex([pd.offsets.BMonthEnd().rollback(d)
                                                     for d in frame.index])}[day]
    assert day != "business month end" or (dated != frame.index).sum() > 5
    labels = pd.Index([f"{d:%Y-%m}" for d in frame.index], name="month")
    returns = frame[cases.ASSETS].set_axis(labels)
    factors = frame[["Mkt", "RF"]].set_axis(pd.DatetimeIndex(dated, name="date"))
    want = bx.factor_betas(frame[cases.ASSETS], frame[["Mkt"]], risk_free=frame["RF"])
    # the API: a month label matches the one date of its month
    got = bx.factor_betas(returns, factors[["Mkt"]], risk_free=factors["RF"])
    np.testing.assert_allclose(got.to_frame().to_numpy(float),
                               want.to_frame().to_numpy(float), rtol=1e-12)
    # the command line: a factors file beside month-labelled returns
    returns.to_csv(tmp_path / "r.csv")
    factors.to_csv(tmp_path / "f.csv")
    code, _, err = run(capsys, "factors", tmp_path / "r.csv", "--factors-file",
                       tmp_path / "f.csv", "--risk-free", "RF", "-o", tmp_path / "o.csv")
    assert code == 0, err
    assert "f.csv: lined up with r.csv by month" in err
    out = pd.read_csv(tmp_path / "o.csv", index_col=0)
    np.testing.assert_allclose(out.to_numpy(float), want.to_frame().to_numpy(float),
                               rtol=1e-12)
    # dates of a day on both sides are matched as dates: mid-month against month ends
    if day == "mid-month":
        with pytest.raises(BetaxlError, match="^ols_beta: risk_free has no row in common"):
            bx.ols_beta(frame[cases.ASSETS], frame["Mkt"], risk_free=factors["RF"])
    # two dates in one month cannot stand for a month label
    twice = pd.concat([factors, factors.iloc[:1].set_axis([factors.index[0]
                                                           - pd.Timedelta(days=3)])])
    with pytest.raises(BetaxlError, match=rf"risk_free has two dates in the month "
                       rf"{frame.index[0]:%Y-%m}"):
        bx.ols_beta(returns, frame["Mkt"].set_axis(labels),
                    risk_free=twice["RF"].sort_index())


# -- Ken French's whole file: title block, monthly table, annual table, copyright -------


def test_a_french_file_with_title_and_footer_is_its_monthly_table(tmp_path: Path,
                                                                  capsys) -> None:
    frame = cases.french_monthly()[[*cases.ASSETS, "Mkt"]]
    text = cases.french_file(frame, percent=False)  # percent units: the units rule
    assert text.splitlines()[3].startswith(",NoDur") and "Copyright" in text
    numbers = cases.french_numbers(frame, percent=False)
    want = bx.ols_beta(numbers[cases.ASSETS], numbers["Mkt"]).to_frame().T
    # the API: the monthly table as pandas reads it once told where it is
    n = len(frame)
    read = pd.read_csv(io.StringIO(text), skiprows=3, nrows=n, index_col=0)
    got = bx.ols_beta(read[cases.ASSETS], read["Mkt"]).to_frame().T
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    # the command line: the same table, the title and the annual rows left out, named
    path = tmp_path / "F-F_Research_Data_Factors.CSV"
    path.write_text(text)
    code, _, err = run(capsys, "betas", path, "--market", "Mkt", "-o", tmp_path / "b.csv")
    assert code == 0, err
    assert (f"note: read the table on lines 4-{4 + n}; left out 3 title lines above it and "
            "what follows it, from 'Annual Factors: January-December'") in err, err
    got_cli = pd.read_csv(tmp_path / "b.csv", index_col=0)
    np.testing.assert_allclose(got_cli[want.columns].to_numpy(), want.to_numpy(),
                               rtol=1e-12)
    code, _, err = run(capsys, "resample", path, "--to", "year", "-o", tmp_path / "y.csv")
    assert code == 0, err
    years = pd.read_csv(tmp_path / "y.csv")
    assert len(years) == -(-n // 12)  # the monthly rows only, never the annual ones
    # a title block over a table that is not French's (no yyyymm codes) is not skipped
    (tmp_path / "t.csv").write_text("A title\n\ndate,A\n2020-01-31,0.1\n")
    assert "'A title'" in refused(capsys, "betas", tmp_path / "t.csv", "--market", "A")
