"""Risk-free rates and factors in percent through the Excel functions (issue 16).

The tables of ``tests/test_one_reading_rates.py`` given to the Excel functions through
each runtime's own dispatcher: French's RF in percent beside decimal returns is refused
over the periods the range's dates imply, as by the API and the command line; French's
factors in percent are refused, and read with ``factor_units`` "percent".  Imported by
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

RATE = (r"risk_free holds 0\.\d+ a period, which is \d+% a year over 12 periods a year: an "
        r'annual rate\? give the rate per period as a decimal \(5% a year over 12 periods '
        r'is PER_PERIOD_RATE\(0\.05, 12\)\), or declare percents: units "percent"; or, if it '
        r'is the rate per period, declare units "decimal"$')


def _ranges(frame: pd.DataFrame, dates: list) -> tuple[list[list], list[list], list[list]]:
    assets = cases.sheet(frame[cases.ASSETS], dates)
    market = [["Mkt"], *[[float(v)] for v in frame["Mkt"]]]
    rf = [["RF"], *[[float(v)] for v in frame["RF"]]]
    return assets, market, rf


def test_a_percent_risk_free_is_refused_by_every_beta_function(xl) -> None:
    frame = cases.french_monthly().iloc[120:240][[*cases.ASSETS, "Mkt", "RF"]].copy()
    frame["RF"] = (100 * frame["RF"]).round(2)  # French's RF in percent: 0.27 a month
    for dates in ([float(f"{d:%Y%m}") for d in frame.index],  # French's yyyymm codes
                  [f"{d:%Y-%m-%d}" for d in frame.index]):
        assets, market, rf = _ranges(frame, dates)
        calls = {"BETA_OLS": (assets, market, rf),
                 "RISK_TABLE": (assets, market, rf),
                 "BETA_ESTIMATES": (assets, market, OMIT, OMIT, rf),
                 "BETA_FACTORS": (assets, market, rf),
                 "BETA_RECONCILE": (assets, market, [[0.5, 0.5]], OMIT, OMIT, OMIT, rf)}
        for func, args in calls.items():
            with pytest.raises(BetaxlError, match=rf"^{func}: {RATE}"):
                xl(func, *args)
        # a number alone: the same rule over the same dates
        with pytest.raises(BetaxlError, match=rf"^BETA_OLS: {RATE}"):
            xl("BETA_OLS", assets, market, 0.27)
    # periods_per_year given (RISK_TABLE) decides without dates
    undated = [row[1:] for row in assets]
    with pytest.raises(BetaxlError, match=r"^RISK_TABLE: risk_free holds 0\.\d+ a period, "
                       r"which is \d+% a year over 12 periods"):
        xl("RISK_TABLE", undated, market, rf, 12)
    dec = frame.assign(RF=frame["RF"] / 100)
    assets, market, rf = _ranges(dec, [f"{d:%Y-%m-%d}" for d in frame.index])
    _, betas = xl("BETA_OLS", assets, market, rf)
    want = bx.ols_beta(dec[cases.ASSETS], dec["Mkt"], risk_free=dec["RF"]).beta
    np.testing.assert_allclose(betas, want, rtol=1e-12)


def test_percent_factors_are_refused_and_read_with_factor_units(xl) -> None:
    frame = cases.french_monthly().iloc[-120:]
    dec = cases.french_numbers(frame[["Mkt", "RF"]], percent=False)
    pct = cases.french_numbers(frame[["Mkt", "RF"]], percent=True)
    assets = cases.sheet(frame[cases.ASSETS], [f"{d:%Y-%m-%d}" for d in frame.index])
    factors = [["Mkt"], *[[float(v)] for v in pct["Mkt"]]]
    rf = [["RF"], *[[float(v)] for v in pct["RF"]]]
    with pytest.raises(BetaxlError, match=r"^BETA_FACTORS: factors column 'Mkt' does not "
                       r"look like returns .*: factors are decimal returns \(0\.025 for "
                       r"2\.5%\): for factors in percent \(Ken French's files\) give "
                       r'factor_units "percent"$'):
        xl("BETA_FACTORS", assets, factors)
    got = xl("BETA_FACTORS", assets, factors, rf, OMIT, OMIT, OMIT, OMIT, OMIT, "percent")
    header, *rows = got
    table = pd.DataFrame([[result_value(v) for v in r[1:]] for r in rows],
                         index=[r[0] for r in rows], columns=header[1:])
    want = bx.factor_betas(frame[cases.ASSETS], dec[["Mkt"]], risk_free=dec["RF"]).to_frame()
    np.testing.assert_allclose(table[want.columns].to_numpy(float), want.to_numpy(),
                               rtol=1e-12)


def test_a_rate_is_checked_where_the_dates_do_not_decide_the_frequency(xl) -> None:
    from ..test_one_reading_rates import LEAST, undecided

    for frame, v, t in undecided():
        assets, market, rf = _ranges(frame, [f"{d:%Y-%m-%d}" for d in frame.index])
        for func, args in {"BETA_OLS": (assets, market, rf),
                           "BETA_ESTIMATES": (assets, market, OMIT, OMIT, rf),
                           "BETA_RECONCILE": (assets, market, [[0.5, 0.5]], OMIT, OMIT,
                                              OMIT, rf)}.items():
            with pytest.raises(BetaxlError, match=rf"^{func}: {LEAST.format(v=v, t=t)}"):
                xl(func, *args)


def test_a_high_rate_is_refused_until_declared_decimal(xl) -> None:
    """Turkey's 3.5% a month (42% a year): refused as an annual rate, answered with
    ``units "decimal"`` as by the API (tests/test_one_reading_high_rates.py)."""
    from ..test_one_reading_high_rates import turkish_monthly

    frame = turkish_monthly()
    assets, market, rf = _ranges(frame, [f"{d:%Y-%m-%d}" for d in frame.index])
    a, m, f = frame[cases.ASSETS], frame["Mkt"], frame["RF"]
    calls = {"BETA_OLS": ((assets, market, rf, OMIT, OMIT, OMIT, OMIT, OMIT),
                          lambda: bx.ols_beta(a, m, risk_free=f, units="decimal").beta),
             "RISK_TABLE": ((assets, market, rf, OMIT, OMIT, OMIT),
                            lambda: bx.risk_table(a, m, risk_free=f,
                                                  units="decimal").to_frame()),
             "BETA_FACTORS": ((assets, market, rf, OMIT, OMIT, OMIT, OMIT),
                              lambda: bx.factor_betas(a, frame[["Mkt"]], risk_free=f,
                                                      units="decimal").to_frame()["Mkt"])}
    for func, (args, api) in calls.items():
        with pytest.raises(BetaxlError, match=rf"^{func}: {RATE}"):
            xl(func, *args)
        got = xl(func, *args, "decimal")
        want = api()
        if func == "BETA_OLS":
            np.testing.assert_allclose(got[1], want, rtol=1e-12)
        elif func == "RISK_TABLE":
            table = pd.DataFrame([[result_value(v) for v in r[1:]] for r in got[1:]],
                                 columns=got[0][1:])
            np.testing.assert_allclose(table.to_numpy(float), want.to_numpy(), rtol=1e-12)
        else:
            col = got[0].index("Mkt")
            np.testing.assert_allclose([result_value(r[col]) for r in got[1:]], want,
                                       rtol=1e-12)
    with pytest.raises(BetaxlError, match=r"^BETA_OLS: risk_free holds 5, more than 100% "
                       r"a period"):
        xl("BETA_OLS", assets, market, 5, OMIT, OMIT, OMIT, OMIT, OMIT, "decimal")
