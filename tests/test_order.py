"""Order: dates newest first, out of order or twice are refused by every function.

betaxl refuses rather than sorts (README "Conventions"): another argument may be matched
to the rows by position, and sorting one of them would silently pair the wrong rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl import InputError

DATES = pd.date_range("2020-01-31", periods=8, freq="ME")
RNG = np.random.default_rng(3)
R = pd.DataFrame(RNG.normal(0.01, 0.03, (8, 2)), index=DATES, columns=["A", "B"])
M = pd.Series(RNG.normal(0.01, 0.02, 8), index=DATES)
P = (1 + R).cumprod() * 100


def calls(r: pd.DataFrame, m: pd.Series, p: pd.DataFrame):
    return {
        "ols_beta": lambda: bx.ols_beta(r, m),
        "rolling_beta": lambda: bx.rolling_beta(r, m, 4),
        "portfolio_returns": lambda: bx.portfolio_returns(r, [1, 1]),
        "beta_reconcile": lambda: bx.beta_reconcile(r, m, [1, 1]),
        "risk_table": lambda: bx.risk_table(r, m, periods_per_year=12),
        "equal_weight_returns": lambda: bx.equal_weight_returns(r),
        "to_returns": lambda: bx.to_returns(p),
    }


@pytest.mark.parametrize("name", list(calls(R, M, P)))
@pytest.mark.parametrize("how, words", [
    (lambda x: x.iloc[::-1], "newest first"),
    (lambda x: x.iloc[[0, 2, 1, 3, 4, 5, 6, 7]], "not in time order"),
])
def test_unordered_dates_are_refused_everywhere(name, how, words) -> None:
    call = calls(how(R), how(M), how(P))[name]
    with pytest.raises(InputError, match=rf"^{name}: \w+ has dates {words}; betaxl needs "
                       r"them oldest first"):
        call()


@pytest.mark.parametrize("name", list(calls(R, M, P)))
def test_duplicated_dates_are_refused_everywhere(name) -> None:
    twice = [0, 1, 2, 2, 3, 4, 5, 6]
    call = calls(R.iloc[twice], M.iloc[twice], P.iloc[twice])[name]
    with pytest.raises(InputError, match=rf"^{name}: \w+ has the row label 2020-03-31 more "
                       r"than once"):
        call()


def test_a_newest_first_market_is_refused_even_with_ordered_returns() -> None:
    with pytest.raises(InputError, match=r"^ols_beta: market has dates newest first"):
        bx.ols_beta(R, M.iloc[::-1])


def test_numeric_and_period_indexes_are_checked_too() -> None:
    years = R.set_axis(list(range(2027, 2019, -1)))  # years, newest first
    with pytest.raises(InputError, match=r"returns has dates newest first"):
        bx.ols_beta(years, M.to_numpy())
    periods = R.to_period("M").iloc[::-1]
    with pytest.raises(InputError, match=r"data has dates newest first"):
        bx.equal_weight_returns(periods)
    stamps = R.set_axis([d.date() for d in DATES[::-1]])  # python dates: an object index
    with pytest.raises(InputError, match=r"returns has dates newest first"):
        bx.ols_beta(stamps, M.to_numpy())


def test_calendar_dates_out_of_order_or_twice() -> None:
    for dates in (list(DATES[::-1]), list(DATES[[0, 1, 1, 2, 3, 4, 5, 6]])):
        with pytest.raises(InputError, match=r"^portfolio_returns: dates must be in time "
                           r"order, oldest first, each date once"):
            bx.portfolio_returns(R.to_numpy(), [1, 1], rebalance="month", dates=dates)


@pytest.mark.parametrize("gaps", [False, True])
def test_rolling_windows_never_look_ahead(gaps: bool) -> None:
    # changing the future never changes a past window's beta (beyond the last digits:
    # the refit test looks at whole blocks of rows)
    rng = np.random.default_rng(5)
    x = rng.normal(0.01, 0.02, 300)
    y = np.column_stack([1.2 * x + rng.normal(0, 0.01, 300), rng.normal(0, 0.02, 300)])
    if gaps:
        y[rng.random(y.shape) < 0.05] = np.nan
    before = bx.rolling_beta(y, x, 30, min_obs=20).to_numpy()
    y[200:] = y[200:] * 3 + 0.5
    x[200:] -= 0.3
    after = bx.rolling_beta(y, x, 30, min_obs=20).to_numpy()
    np.testing.assert_allclose(after[:200], before[:200], rtol=1e-13, atol=1e-13)
    assert not np.allclose(after[200:230], before[200:230], equal_nan=True)
    path_before = bx.portfolio_returns(R, [1, 2]).returns.to_numpy()
    path_after = bx.portfolio_returns(R.iloc[:5], [1, 2]).returns.to_numpy()
    np.testing.assert_array_equal(path_before[:5], path_after)
