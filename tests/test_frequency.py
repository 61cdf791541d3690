"""risk_table never assumes monthly data: periods_per_year comes from the caller or the dates.

The rule (risk_table's docstring): the median gap between dates picks daily (1-4 days:
252, refused if more than 1 date in 50 is on a weekend), weekly (5-9: 52), monthly
(27-32: 12), quarterly (88-93: 4) or annual (364-367: 1), and at least 80% of the gaps
must be of that kind; otherwise, or without dates, periods_per_year must be given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl import InputError

RNG = np.random.default_rng(7)


def table(index: pd.Index, **kwargs) -> bx.RiskTable:
    n = len(index)
    returns = pd.Series(RNG.normal(0.001, 0.01, n), index=index, name="A")
    bench = pd.Series(RNG.normal(0.001, 0.01, n), index=index)
    return bx.risk_table(returns, bench, **kwargs)


@pytest.mark.parametrize("index, t", [
    (pd.bdate_range("2020-01-01", periods=300), 252),
    (pd.date_range("2020-01-03", periods=120, freq="W-FRI"), 52),
    (pd.date_range("2015-01-31", periods=60, freq="ME"), 12),
    (pd.date_range("2015-01-01", periods=60, freq="MS"), 12),
    (pd.date_range("2000-03-31", periods=40, freq="QE"), 4),
    (pd.date_range("1990-12-31", periods=30, freq="YE"), 1),
    (pd.period_range("2015-01", periods=60, freq="M"), 12),
    (pd.bdate_range("2020-01-01", periods=300, tz="America/New_York"), 252),
    # business days with holidays: gaps of 1-4 days
    (pd.bdate_range("2020-01-01", periods=300).delete([5, 40, 41, 90, 200]), 252),
])
def test_frequency_is_inferred_from_dates(index, t) -> None:
    inferred = table(index)
    explicit = table(index, periods_per_year=t)
    # the t used shows in annual_std / std = sqrt(t)
    ratio = (inferred.annual_std / inferred.std).iloc[0]
    assert ratio == pytest.approx(np.sqrt(t), rel=1e-14)
    assert (explicit.annual_std / explicit.std).iloc[0] == pytest.approx(np.sqrt(t),
                                                                         rel=1e-14)


def test_daily_data_are_not_annualised_by_12() -> None:
    days = pd.bdate_range("2021-01-01", periods=252)
    returns = pd.Series(np.full(252, 0.0004), index=days)
    bench = pd.Series(RNG.normal(0.0, 0.01, 252), index=days)
    got = bx.risk_table(returns, bench)
    # (1.0004)^252 - 1, not (1.0004)^12 - 1
    assert got.annual_return.iloc[0] == pytest.approx(1.0004 ** 252 - 1, rel=1e-12)


def test_dates_on_the_benchmark_count_when_returns_have_none() -> None:
    days = pd.bdate_range("2021-01-01", periods=100)
    bench = pd.Series(RNG.normal(0, 0.01, 100), index=days)
    got = bx.risk_table(RNG.normal(0, 0.01, 100), bench)
    assert (got.annual_std / got.std).iloc[0] == pytest.approx(np.sqrt(252), rel=1e-14)


@pytest.mark.parametrize("index, why", [
    (pd.RangeIndex(50), "returns has no dates to infer it from"),
    (pd.date_range("2020-01-01", periods=100), "daily including weekends"),
    (pd.date_range("2020-01-01", periods=3, freq="ME")[:2], "fewer than 3 dates"),
    (pd.date_range("2020-01-01", periods=40, freq="14D"), "14 days apart"),
    (pd.DatetimeIndex(list(pd.bdate_range("2020-01-01", periods=30))
                      + list(pd.date_range("2020-03-31", periods=30, freq="ME"))),
     "irregular"),
])
def test_refused_when_it_cannot_tell(index, why) -> None:
    with pytest.raises(InputError, match=rf"^risk_table: periods_per_year was not given "
                       rf"and .*{why}.*; pass periods_per_year \(12 monthly"):
        table(index)


def test_explicit_periods_per_year_always_wins() -> None:
    days = pd.bdate_range("2020-01-01", periods=100)
    got = table(days, periods_per_year=12)
    assert (got.annual_std / got.std).iloc[0] == pytest.approx(np.sqrt(12), rel=1e-14)
    arrays = bx.risk_table([0.01, 0.02, -0.01, 0.0], [0.0, 0.01, -0.02, 0.01],
                           periods_per_year=4)
    assert (arrays.annual_std / arrays.std).iloc[0] == pytest.approx(2.0, rel=1e-14)


def test_a_constant_asset_has_no_m2_nor_m2_excess() -> None:
    # sigma_p = 0: M2 is undefined, and so are both its excesses (not +inf)
    t = bx.risk_table([[0.01, 0.02]] * 3 + [[0.01, -0.01]],
                      [0.01, -0.02, 0.02, 0.01], periods_per_year=4)
    for name in ("sharpe", "m2", "m2_excess_geometric", "m2_excess_arithmetic"):
        value = getattr(t, name)
        assert np.isnan(value.iloc[0]), name
        assert np.isfinite(value.iloc[1]), name
    # the excesses follow M2 exactly where it exists
    m2, b = t.m2.iloc[1], t.benchmark_annual_return.iloc[1]
    assert t.m2_excess_arithmetic.iloc[1] == m2 - b
    assert t.m2_excess_geometric.iloc[1] == (1 + m2) / (1 + b) - 1
