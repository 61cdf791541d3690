"""Date columns and date arguments through the Excel functions: one rule (issue 16).

Text is read as text (ISO, month labels, yyyymm or yyyymmdd codes written as text, the
``date_format``), never as the number it spells; plain numbers are yyyymm or yyyymmdd
codes, else serials from 1950 to 2099, in a range's date column and in
RESAMPLE_RETURNS' ``dates`` alike; the same months as the API reads from French's
codes.  Imported by ``classic/test_reading.py`` and ``officejs/test_reading.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.errors import BetaxlError

from .. import reading_cases as cases
from .sheet import OMIT, result_value

NOT_A_DATE = (r"^BETA_OLS: asset_returns column 'Date' is headed as dates but its row 1 "
              r"\({v}\) is not a date: give date cells, ISO text")


def _ranges(frame: pd.DataFrame, dates: list) -> tuple[list[list], list[list]]:
    return (cases.sheet(frame[cases.ASSETS], dates),
            [["Mkt"], *[[float(v)] for v in frame["Mkt"]]])


def test_text_in_a_date_column_is_read_as_text(xl) -> None:
    frame = cases.last_months(36)
    want = bx.ols_beta(frame[cases.ASSETS].set_axis([int(f"{d:%Y%m}") for d in frame.index]),
                       frame["Mkt"].to_numpy()).beta  # the API on French's yyyymm codes
    for dates in ([f"{d:%Y%m}" for d in frame.index],  # codes stored as text
                  [float(f"{d:%Y%m}") for d in frame.index],
                  [f"{d:%Y%m%d}" for d in frame.index],
                  [f"{d:%Y-%m-%d}" for d in frame.index]):
        _, betas = xl("BETA_OLS", *_ranges(frame, dates))
        np.testing.assert_allclose(betas, want, rtol=1e-12)
    # years and counts written as text are not dates (they were serials of 1905, 1900)
    for dates, shown in (([str(1990 + i) for i in range(36)], "'1990'"),
                         ([str(100 + 30 * i) for i in range(36)], "'100'")):
        with pytest.raises(BetaxlError, match=NOT_A_DATE.format(v=shown)):
            xl("BETA_OLS", *_ranges(frame, dates))
    # date_format reads every text in that format, and names it when one does not
    _, betas = xl("BETA_OLS", *_ranges(frame, [f"{d:%Y%m%d}" for d in frame.index]),
                  OMIT, OMIT, OMIT, OMIT, OMIT, "%Y%m%d")
    np.testing.assert_allclose(betas, want, rtol=1e-12)
    with pytest.raises(BetaxlError, match=r"^BETA_OLS: asset_returns date column holds "
                       r"'\d{4}-\d\d-\d\d' \(row 1\), which does not read as the date "
                       r"format '%d/%m/%Y'$"):
        xl("BETA_OLS", *_ranges(frame, [f"{d:%Y-%m-%d}" for d in frame.index]),
           OMIT, OMIT, OMIT, OMIT, OMIT, "%d/%m/%Y")


def test_dates_from_1800_are_read_as_in_the_api(xl) -> None:
    frame = cases.last_months(36).set_axis(pd.date_range("1822-01-31", periods=36,
                                                         freq="ME", name="Date"))
    want = bx.ols_beta(frame[cases.ASSETS], frame["Mkt"]).beta
    for dates in ([f"{d:%Y-%m-%d}" for d in frame.index],
                  [float(f"{d:%Y%m}") for d in frame.index]):
        _, betas = xl("BETA_OLS", *_ranges(frame, dates))
        np.testing.assert_allclose(betas, want, rtol=1e-12)


def test_resample_dates_follow_the_date_column_rules(xl) -> None:
    frame = cases.last_months(36)
    returns = [list(cases.ASSETS), *[[float(v) for v in row]
                                     for row in frame[cases.ASSETS].to_numpy()]]
    want = bx.resample_returns(frame[cases.ASSETS], to="quarter").returns
    for dates in ([[float(f"{d:%Y%m}")] for d in frame.index],  # French's codes: months
                  [[f"{d:%Y-%m-%d}"] for d in frame.index]):
        got = xl("RESAMPLE_RETURNS", returns, dates, "quarter")
        values = np.array([[result_value(v) for v in row[4:]] for row in got[1:]], float)
        np.testing.assert_allclose(values, want.to_numpy(), rtol=1e-12)
    for dates, shown in (([[1990.0 + i] for i in range(36)], "1990"),
                         ([[100.0 + 30 * i] for i in range(36)], "100")):
        with pytest.raises(BetaxlError, match=rf"^RESAMPLE_RETURNS: dates row 1 is not a "
                           rf"date \({shown}\); give date cells"):
            xl("RESAMPLE_RETURNS", returns, dates, "quarter")
    with pytest.raises(BetaxlError, match=r"^RESAMPLE_RETURNS: dates holds no dates: give "
                       r"the rows' dates"):
        xl("RESAMPLE_RETURNS", returns, OMIT, "quarter")


def test_two_date_columns_in_a_range_are_refused(xl) -> None:
    frame = cases.last_months(36)
    assets, market = _ranges(frame, [f"{d:%Y-%m-%d}" for d in frame.index])
    twice = [[*row, row[0]] for row in assets]  # Date, NoDur, Hlth, Date
    with pytest.raises(BetaxlError, match=r"^BETA_OLS: asset_returns has 2 columns headed "
                       r"as dates \('Date', 'Date'\): keep one date column in the range"):
        xl("BETA_OLS", twice, market)


def test_a_resample_spill_feeds_the_other_functions(xl) -> None:
    frame = cases.last_months(36)
    returns = [[*cases.ASSETS, "Mkt"], *[[float(v) for v in row]
                                         for row in frame[[*cases.ASSETS, "Mkt"]].to_numpy()]]
    dates = [["Date"], *[[f"{d:%Y-%m-%d}"] for d in frame.index]]
    spill = xl("RESAMPLE_RETURNS", returns, dates, "quarter")
    assert spill[0][:4] == ["date", "period", "rows", "partial"]
    # as the sheet holds it: Office.js' formatted date is its serial number
    spill = [[c["basicValue"] if isinstance(c, dict) else c for c in row] for row in spill]
    assets = [row[:6] for row in spill]  # date, period, rows, partial, NoDur, Hlth
    market = [[row[6]] for row in spill]
    quarters = bx.resample_returns(frame[[*cases.ASSETS, "Mkt"]], to="quarter").returns
    _, betas = xl("BETA_OLS", assets, market)
    want = bx.ols_beta(quarters[cases.ASSETS], quarters["Mkt"]).beta
    np.testing.assert_allclose(betas, want, rtol=1e-12)
    risk = xl("RISK_TABLE", assets, market)
    assert risk[0] == ["measure", *cases.ASSETS]


def test_serials_under_a_date_header_read_as_the_api_reads_them(xl) -> None:
    from ..test_one_reading_serials import RATE, serial_frame

    for percent_rf in (False, True):
        frame = serial_frame(percent_rf)
        assets = cases.sheet(frame[cases.ASSETS], [float(s) for s in frame.index],
                             corner="date")
        market = [["Mkt"], *[[float(v)] for v in frame["Mkt"]]]
        rf = [["RF"], *[[float(v)] for v in frame["RF"]]]
        read = pd.DataFrame(frame.to_numpy(), columns=frame.columns,
                            index=pd.Index(frame.index.to_numpy(), name="date"))
        if percent_rf:
            with pytest.raises(BetaxlError, match=rf"^BETA_OLS: {RATE}: an annual rate\?"):
                xl("BETA_OLS", assets, market, rf)
            continue
        _, betas = xl("BETA_OLS", assets, market, rf)
        want = bx.ols_beta(read[cases.ASSETS], read["Mkt"], risk_free=read["RF"]).beta
        np.testing.assert_allclose(betas, want, rtol=1e-12)


def test_a_date_cell_before_1950_as_office_js_hands_it_over_says_to_write_iso_text(
        xl) -> None:
    frame = cases.french_monthly().iloc[:60].set_axis(
        pd.date_range("1926-07-31", periods=60, freq="ME", name="Date"))
    serials = [float((d - pd.Timestamp("1899-12-30")).days) for d in frame.index]
    with pytest.raises(BetaxlError, match=NOT_A_DATE.format(v="9709") + r".* from 1950 to "
                       r"2099 \(xlwings Lite hands a date cell over as its serial number: "
                       r"before 1950, write the date as ISO text, "
                       r'=TEXT\(A2,"yyyy-mm-dd"\)\); years and month numbers'):
        xl("BETA_OLS", *_ranges(frame, serials))
    _, betas = xl("BETA_OLS", *_ranges(frame, [f"{d:%Y-%m-%d}" for d in frame.index]))
    np.testing.assert_allclose(betas, bx.ols_beta(frame[cases.ASSETS], frame["Mkt"]).beta,
                               rtol=1e-12)
