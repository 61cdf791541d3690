"""One reading of a table through the Excel functions (issue 16): dates and frequency.

The same tables as ``tests/test_one_reading.py`` (``tests/reading_cases.py``), given to
the Excel functions through each runtime's own dispatcher; the numbers must equal the
Python API's and the refusals must give the same reason.  Imported by
``classic/test_reading.py`` and ``officejs/test_reading.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.errors import BetaxlError

from .. import reading_cases as cases
from .sheet import OMIT, result_value


def _table(result: list[list]) -> pd.DataFrame:
    header, *rows = result
    return pd.DataFrame([[result_value(v) for v in r[1:]] for r in rows],
                        index=[r[0] for r in rows], columns=header[1:])


def _risk(xl, frame: pd.DataFrame, dates: list, corner: str = "Date",
          periods_per_year: object = OMIT) -> pd.DataFrame:
    returns = cases.sheet(frame[cases.ASSETS], dates, corner)
    bench = [["Mkt"], *[[float(v)] for v in frame["Mkt"]]]
    return _table(xl("RISK_TABLE", returns, bench, OMIT, periods_per_year))


def _want(frame: pd.DataFrame, t: float) -> pd.DataFrame:
    return bx.risk_table(frame[cases.ASSETS], frame["Mkt"], periods_per_year=t).to_frame()


def test_month_labels_are_months(xl) -> None:
    frame = cases.last_months()
    want = _want(frame, 12)
    for labels in ([f"{d:%b-%y}" for d in frame.index], [f"{d:%Y-%m}" for d in frame.index]):
        got = _risk(xl, frame, labels)
        np.testing.assert_allclose(got.to_numpy(float), want.to_numpy(), rtol=1e-12)


def test_french_month_codes_are_months(xl) -> None:
    frame = cases.french_monthly()
    numbers = cases.french_numbers(frame[[*cases.ASSETS, "Mkt"]], percent=False)
    codes = [float(f"{d:%Y%m}") for d in frame.index]
    want = bx.ols_beta(numbers[cases.ASSETS], numbers["Mkt"]).beta
    for corner in ("", "yyyymm", "Month"):  # French's blank corner, or a date header
        assets = cases.sheet(numbers[cases.ASSETS], codes, corner)
        market = [["Mkt"], *[[float(v)] for v in numbers["Mkt"]]]
        names, betas = xl("BETA_OLS", assets, market)
        assert names == cases.ASSETS, corner
        np.testing.assert_allclose(betas, want, rtol=1e-12)
    got = _risk(xl, numbers, codes, "")
    np.testing.assert_allclose(got.to_numpy(float), _want(numbers, 12).to_numpy(),
                               rtol=1e-12)


def test_dates_before_1950(xl) -> None:
    """Real date cells and ISO texts of any year; plain serials only from 1950 to 2099:
    Office.js hands a date cell over as a plain serial, so there it is refused."""
    frame = cases.french_monthly().iloc[:120]  # 1949-01 .. 1958-12
    want = _want(frame, 12)
    got = _risk(xl, frame, [f"{d:%Y-%m-%d}" for d in frame.index])
    np.testing.assert_allclose(got.to_numpy(float), want.to_numpy(), rtol=1e-12)
    if xl.name == "classic":
        got = _risk(xl, frame, cases.date_cells(frame))
        np.testing.assert_allclose(got.to_numpy(float), want.to_numpy(), rtol=1e-12)
    else:
        with pytest.raises(BetaxlError, match=r"^RISK_TABLE: returns column 'Date' is headed "
                           r"as dates but its row 1 \(17929\) is not a date: give date cells, "
                           r"ISO text \(2024-01-31\), month labels"):
            _risk(xl, frame, cases.date_cells(frame))


def test_semiannual_dates_are_two_periods_a_year(xl) -> None:
    frame = cases.semiannual()
    got = _risk(xl, frame, [f"{d:%Y-%m-%d}" for d in frame.index])
    np.testing.assert_allclose(got.to_numpy(float), _want(frame, 2).to_numpy(), rtol=1e-12)


@pytest.mark.parametrize(("make", "why"), [
    (cases.calendar_daily, "the dates are daily including weekends"),
    (cases.six_day_daily, "the dates are daily on 6 days of the week"),
    (cases.gapped_monthly, r"the dates are irregular \(only"),
    (cases.holed_monthly, "its monthly dates jump 3684 days from 1958-12-31 to 1969-01-31"),
])
def test_unclear_frequencies_are_refused(xl, make, why) -> None:
    frame = make()
    dates = [f"{d:%Y-%m-%d}" for d in frame.index]
    with pytest.raises(BetaxlError, match=r"^RISK_TABLE: periods_per_year was not given "
                       r"and " + why):
        _risk(xl, frame, dates)
    got = _risk(xl, frame, dates, periods_per_year=252)
    np.testing.assert_allclose(got.to_numpy(float), _want(frame, 252).to_numpy(),
                               rtol=1e-12)


@pytest.mark.parametrize("make", [cases.greek_daily, cases.cairo_daily])
def test_market_closures_and_sunday_to_thursday_weeks_are_trading_days(xl, make) -> None:
    frame = make()
    got = _risk(xl, frame, [f"{d:%Y-%m-%d}" for d in frame.index])
    np.testing.assert_allclose(got.to_numpy(float), _want(frame, 252).to_numpy(),
                               rtol=1e-12)


def test_no_dates_and_no_periods_per_year_is_refused(xl) -> None:
    frame = cases.undated()
    returns = [cases.ASSETS, *[list(map(float, r)) for r in frame[cases.ASSETS].to_numpy()]]
    bench = [["Mkt"], *[[float(v)] for v in frame["Mkt"]]]
    with pytest.raises(BetaxlError, match=r"^RISK_TABLE: periods_per_year was not given "
                       r"and returns has no dates to infer it from; pass periods_per_year"):
        xl("RISK_TABLE", returns, bench)


def test_a_repeated_column_name_is_refused(xl) -> None:
    header, body = cases.repeated_names()
    rows = [header, *[[f"{d:%Y-%m-%d}", *map(float, r)]
                      for d, r in zip(body.index, body.to_numpy(), strict=True)]]
    market = [["MKT"], *[[float(v)] for v in body["c"]]]
    with pytest.raises(BetaxlError, match=r"^BETA_OLS: asset_returns has the column name "
                       r"'MKT' more than once; every column needs its own name \(rename one"):
        xl("BETA_OLS", rows, market)


def test_a_percent_or_annual_risk_free_rate_is_refused(xl) -> None:
    frame = cases.last_months(36)
    iso = [f"{d:%Y-%m-%d}" for d in frame.index]
    returns = cases.sheet(frame[cases.ASSETS], iso)
    bench = [["Mkt"], *[[float(v)] for v in frame["Mkt"]]]
    with pytest.raises(BetaxlError, match=r"^RISK_TABLE: risk_free holds 5, more than 100% "
                       r"a period: give the rate per period as a decimal"):
        xl("RISK_TABLE", returns, bench, 5)
    days = pd.bdate_range("2020-01-01", periods=len(frame))
    daily = cases.sheet(frame[cases.ASSETS], [f"{d:%Y-%m-%d}" for d in days])
    with pytest.raises(BetaxlError, match=r"^RISK_TABLE: risk_free holds 0.03 a period, "
                       r"which is 756% a year over 252 periods a year: an annual rate\?"):
        xl("RISK_TABLE", daily, bench, 0.03)
    rate = bx.per_period_rate(0.03, 252)
    got = _table(xl("RISK_TABLE", daily, bench, rate))
    want = bx.risk_table(frame[cases.ASSETS].set_axis(days), frame["Mkt"].set_axis(days),
                         risk_free=rate).to_frame()
    np.testing.assert_allclose(got.to_numpy(float), want.to_numpy(), rtol=1e-12)


def test_prices_given_as_returns_are_refused(xl) -> None:
    frame = cases.last_months(36)[cases.ASSETS]
    prices = 100 * (1 + frame).cumprod()
    iso = [[f"{d:%Y-%m-%d}"] for d in prices.index]
    rows = cases.sheet(prices, [d[0] for d in iso])
    numbers = [list(map(str, prices.columns)), *[list(map(float, r)) for r in prices.to_numpy()]]
    why = (r"column 'NoDur' does not look like returns \(its median size is [0-9.]+, a move of "
           r'more than 100% a period\): for prices give input_type "prices"')
    with pytest.raises(BetaxlError, match=rf"^EQUAL_WEIGHT_RETURN: data {why}"):
        xl("EQUAL_WEIGHT_RETURN", rows)
    with pytest.raises(BetaxlError, match=rf"^RESAMPLE_RETURNS: returns {why}"):
        xl("RESAMPLE_RETURNS", numbers, [["Date"], *iso], "quarter")
    got = xl("EQUAL_WEIGHT_RETURN", rows, OMIT, "prices")
    want = bx.equal_weight_returns(prices, input_type="prices").returns.to_numpy()
    np.testing.assert_allclose([result_value(r[0]) for r in got][-len(want):], want,
                               rtol=1e-12)


def test_resample_leaves_out_partial_periods_on_request(xl) -> None:
    days = pd.bdate_range("2018-01-15", "2018-10-12")
    frame = pd.DataFrame(cases.last_months(len(days))[cases.ASSETS].to_numpy() / 21,
                         index=days, columns=cases.ASSETS)
    numbers = [cases.ASSETS, *[list(map(float, r)) for r in frame.to_numpy()]]
    dates = [["Date"], *[[f"{d:%Y-%m-%d}"] for d in days]]
    for drop in (False, True):
        got = xl("RESAMPLE_RETURNS", numbers, dates, "month", drop)
        want = bx.resample_returns(frame, to="month", drop_partial=drop).to_frame()
        assert got[0] == ["date", "period", "rows", "partial", *cases.ASSETS]
        assert [r[1] for r in got[1:]] == list(want["period"])
        np.testing.assert_allclose([[result_value(v) for v in r[4:]] for r in got[1:]],
                                   want[cases.ASSETS].to_numpy(), rtol=1e-12)
    assert len(got) == 1 + 8  # the two partial months, January and October, left out


def test_day_and_month_read_both_ways_are_refused_or_read_as_told(xl) -> None:
    """01/02/2018 could be either: refused as in every door, saying how to be explicit;
    with date_format (the new last argument) read as the API reads date_format=."""
    days = pd.DatetimeIndex([f"2018-{m:02d}-{d:02d}" for m in range(1, 13)
                             for d in (3, 10)])
    frame = pd.DataFrame(cases.last_months(len(days))[[*cases.ASSETS, "Mkt"]].to_numpy() / 2,
                         index=days, columns=[*cases.ASSETS, "Mkt"])
    uk = [f"{d:%d/%m/%Y}" for d in days]
    returns = cases.sheet(frame[cases.ASSETS], uk)
    bench = [["Mkt"], *[[float(v)] for v in frame["Mkt"]]]
    with pytest.raises(BetaxlError, match=r"^RISK_TABLE: returns date column holds dates "
                       r"such as '03/01/2018' that read day first and month first; betaxl "
                       r'does not guess: pass date_format "%d/%m/%Y" \(day first\) or '
                       r'date_format "%m/%d/%Y" \(month first\)'):
        xl("RISK_TABLE", returns, bench, OMIT, 24)
    want = bx.risk_table(frame[cases.ASSETS].set_axis(uk), frame["Mkt"].set_axis(uk),
                         periods_per_year=24, date_format="%d/%m/%Y").to_frame()
    np.testing.assert_allclose(want.to_numpy(), _want(frame, 24).to_numpy(), rtol=1e-12)
    got = _table(xl("RISK_TABLE", returns, bench, OMIT, 24, OMIT, "%d/%m/%Y"))
    np.testing.assert_allclose(got.to_numpy(float), want.to_numpy(), rtol=1e-12)
    # resampled by the dates argument: months as the API makes them
    numbers = [cases.ASSETS, *[list(map(float, r)) for r in frame[cases.ASSETS].to_numpy()]]
    with pytest.raises(BetaxlError, match=r"^RESAMPLE_RETURNS: dates holds dates such as "
                       r"'03/01/2018' that read day first and month first"):
        xl("RESAMPLE_RETURNS", numbers, [["Date"], *[[u] for u in uk]], "month")
    got = xl("RESAMPLE_RETURNS", numbers, [["Date"], *[[u] for u in uk]], "month", OMIT,
             "%d/%m/%Y")
    core = bx.resample_returns(frame[cases.ASSETS], to="month").to_frame()
    assert [r[1] for r in got[1:]] == list(core["period"])
    np.testing.assert_allclose([[result_value(v) for v in r[4:]] for r in got[1:]],
                               core[cases.ASSETS].to_numpy(), rtol=1e-12)
    with pytest.raises(BetaxlError, match=r"^RISK_TABLE: date_format is 'dmy', not a date "
                       r"format"):
        xl("RISK_TABLE", returns, bench, OMIT, 24, OMIT, "dmy")


def test_a_french_range_with_its_title_is_refused_in_one_line(xl) -> None:
    """French's file pasted whole: the title rows would shift the rows of the other
    ranges, so the range is refused, saying which rows to select; selected, it reads."""
    frame = cases.french_monthly()[[*cases.ASSETS, "Mkt"]].iloc[:60]
    numbers = cases.french_numbers(frame, percent=False)
    text = cases.french_file(frame, percent=False).splitlines()
    rows = [[(float(c) if c.strip().lstrip("-").replace(".", "").isdigit() else c.strip()
              or None) for c in (line.split(",") + ["", "", ""])[:4]] for line in text]
    assets, market = [r[:3] for r in rows], [r[3:] for r in rows]
    with pytest.raises(BetaxlError, match=r"^BETA_OLS: asset_returns opens with 3 title "
                       r"rows above its header \(Ken French's layout: title lines over a "
                       r"table of yyyymm rows\): select the table alone, rows 4 to 64 of "
                       r"this range"):
        xl("BETA_OLS", assets, market)
    names, betas = xl("BETA_OLS", assets[3:64], market[3:64])
    assert names == cases.ASSETS
    np.testing.assert_allclose(betas, bx.ols_beta(numbers[cases.ASSETS],
                                                  numbers["Mkt"]).beta, rtol=1e-12)


@pytest.mark.parametrize(("bad", "kind", "fmt"), [(192613, "yyyymm", "%Y%m"),
                                                  (20150230, "yyyymmdd", "%Y%m%d")])
def test_one_bad_code_is_named_with_its_row_and_cause(xl, bad, kind, fmt) -> None:
    frame = cases.last_months(12)
    codes = [float(f"{d:{fmt}}") for d in frame.index]
    codes[5] = float(bad)  # row 6: a thirteenth month, a 30 February
    with pytest.raises(BetaxlError, match=rf"^RISK_TABLE: returns column 'Date' is headed "
                       rf"as dates but its row 6 \({bad}\) is not a valid {kind} code: give "
                       r"date cells, ISO text \(2024-01-31\) or valid yyyymm or yyyymmdd "
                       r"codes \(rename the header if the column is data\)$"):
        _risk(xl, frame, codes)
