"""One reading of a table's units through the Excel functions (issue 16, units).

The same tables as ``tests/test_one_reading_units.py``, given to the Excel functions
through each runtime's own dispatcher: French's percent file with ``units`` "percent"
gives the decimal file's numbers at 1e-12; without it, the same refusal as the other
doors.  Imported by ``classic/test_reading.py`` and ``officejs/test_reading.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.errors import BetaxlError

from .. import reading_cases as cases
from .sheet import OMIT, result_value

COLUMNS = [*cases.ASSETS, "Mkt", "RF"]


def _table(result: list[list]) -> pd.DataFrame:
    header, *rows = result
    return pd.DataFrame([[result_value(v) for v in r[1:]] for r in rows],
                        index=[r[0] for r in rows], columns=header[1:])


def _french(percent: bool) -> tuple[list[list], list[list], list[list], pd.DataFrame]:
    """French's file as a sheet: yyyymm codes under a blank corner, the assets, the
    market and RF as their own ranges; and the numbers."""
    frame = cases.french_monthly()[COLUMNS]
    numbers = cases.french_numbers(frame, percent=percent)
    codes = [float(f"{d:%Y%m}") for d in frame.index]
    assets = cases.sheet(numbers[cases.ASSETS], codes, "")
    market = [["Mkt"], *[[float(v)] for v in numbers["Mkt"]]]
    rf = [["RF"], *[[float(v)] for v in numbers["RF"]]]
    return assets, market, rf, numbers


def test_a_french_percent_file_gives_the_decimal_numbers(xl) -> None:
    assets, market, rf, _ = _french(percent=True)
    dec_assets, dec_market, dec_rf, dec = _french(percent=False)
    want = bx.ols_beta(dec[cases.ASSETS], dec["Mkt"], risk_free=dec["RF"])
    names, betas = xl("BETA_OLS", assets, market, rf, OMIT, OMIT, OMIT, OMIT, OMIT, "percent")
    assert names == cases.ASSETS
    np.testing.assert_allclose(betas, want.beta, rtol=1e-12)
    full = _table(xl("BETA_OLS", assets, market, rf, True, OMIT, OMIT, OMIT, OMIT, "Percent"))
    np.testing.assert_allclose(full.to_numpy(float), want.to_frame().to_numpy(),
                               rtol=1e-12, atol=1e-15)
    risk = _table(xl("RISK_TABLE", assets, market, rf, OMIT, OMIT, OMIT, "percent"))
    want_risk = bx.risk_table(dec[cases.ASSETS], dec["Mkt"], risk_free=dec["RF"]).to_frame()
    np.testing.assert_allclose(risk.to_numpy(float), want_risk.to_numpy(), rtol=1e-12,
                               atol=1e-15)
    # a number given with percent units is a percent: risk_free 0.27, mar 0.1
    risk = _table(xl("RISK_TABLE", assets, market, 0.27, OMIT, 0.1, OMIT, "percent"))
    want_risk = bx.risk_table(dec[cases.ASSETS], dec["Mkt"], risk_free=0.0027,
                              mar=0.001).to_frame()
    np.testing.assert_allclose(risk.to_numpy(float), want_risk.to_numpy(), rtol=1e-12,
                               atol=1e-15)
    rolling = xl("BETA_ROLLING", assets, market, 36, OMIT, OMIT, "percent")
    want_rolling = bx.rolling_beta(dec[cases.ASSETS], dec["Mkt"], 36).to_numpy()
    got = np.array([[np.nan if result_value(v) in (None, "") else result_value(v)
                     for v in row] for row in rolling[1:]], dtype=float)
    np.testing.assert_allclose(got, want_rolling, rtol=1e-12, equal_nan=True)
    # BETA_FACTORS: French's factors in percent, RF with them
    fit = _table(xl("BETA_FACTORS", assets, market, rf, OMIT, OMIT, OMIT, OMIT, "percent"))
    want_f = bx.factor_betas(dec[cases.ASSETS], dec[["Mkt"]], risk_free=dec["RF"]).to_frame()
    np.testing.assert_allclose(fit.to_numpy(float), want_f.to_numpy(), rtol=1e-12,
                               atol=1e-15)
    # EQUAL_WEIGHT_RETURN and RESAMPLE_RETURNS
    got = xl("EQUAL_WEIGHT_RETURN", assets, OMIT, OMIT, OMIT, OMIT, "percent")
    want_ew = bx.equal_weight_returns(dec[cases.ASSETS]).returns.to_numpy()
    np.testing.assert_allclose([result_value(r[0]) for r in got][-len(want_ew):], want_ew,
                               rtol=1e-12)
    iso = [["Date"], *[[f"{d:%Y-%m-%d}"] for d in cases.french_monthly().index]]
    numbers = [list(cases.ASSETS), *[list(r[1:]) for r in assets[1:]]]
    got = _table(xl("RESAMPLE_RETURNS", numbers, iso, "year", OMIT, OMIT, "percent"))
    dated = dec.set_axis(cases.french_monthly().index)
    years = bx.resample_returns(dated[cases.ASSETS], to="year").returns
    np.testing.assert_allclose(got[cases.ASSETS].to_numpy(float), years.to_numpy(),
                               rtol=1e-12)
    # the decimal file reads the same without units
    _, betas = xl("BETA_OLS", dec_assets, dec_market, dec_rf)
    np.testing.assert_allclose(betas, want.beta, rtol=1e-12)


def test_a_french_percent_file_without_units_is_refused(xl) -> None:
    assets, market, rf, _ = _french(percent=True)
    why = (r"column 'NoDur' does not look like returns \(its median size is [0-9.]+, a move "
           r'of more than 100% a period\): for prices give input_type "prices"; returns are '
           r'decimals \(0.025 for 2.5%\): for percents give units "percent"$')
    with pytest.raises(BetaxlError, match=rf"^BETA_OLS: asset_returns {why}"):
        xl("BETA_OLS", assets, market, rf)
    with pytest.raises(BetaxlError, match=rf"^RISK_TABLE: returns {why}"):
        xl("RISK_TABLE", assets, market, rf)
    with pytest.raises(BetaxlError, match=r'^BETA_OLS: units must be one of decimal, '
                       r"percent; got"):
        xl("BETA_OLS", assets, market, rf, OMIT, OMIT, OMIT, OMIT, OMIT, "pct")


def test_daily_percents_are_refused_by_risk_table(xl) -> None:
    frame = 100 * cases.last_months(120)[[*cases.ASSETS, "Mkt"]] / np.sqrt(21)
    days = pd.bdate_range("2015-01-01", periods=len(frame))
    returns = cases.sheet(frame[cases.ASSETS], [f"{d:%Y-%m-%d}" for d in days])
    bench = [["Mkt"], *[[float(v)] for v in frame["Mkt"]]]
    with pytest.raises(BetaxlError, match=r"^RISK_TABLE: returns column 'NoDur' looks like "
                       r"percent returns \(its median size [0-9.]+ times sqrt\(252 periods a "
                       r'year\) is [0-9.]+, above 2\): give units "percent" if they are '
                       r"percents"):
        xl("RISK_TABLE", returns, bench)
    got = _table(xl("RISK_TABLE", returns, bench, OMIT, OMIT, OMIT, OMIT, "percent"))
    dated = (frame / 100).set_axis(days)
    want = bx.risk_table(dated[cases.ASSETS], dated["Mkt"]).to_frame()
    np.testing.assert_allclose(got.to_numpy(float), want.to_numpy(), rtol=1e-12, atol=1e-15)
