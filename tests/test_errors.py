"""Bad input: betaxl's own error, one line, naming the function and the argument."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.errors import BetaxlError, DataError, InputError, labels

X = [0.01, -0.02, 0.03, 0.0, 0.02]
Y = [0.02, -0.03, 0.05, 0.01, 0.02]


def raises(kind: type[BetaxlError], pattern: str, fn, *args, **kwargs) -> BetaxlError:
    with pytest.raises(kind, match=pattern) as info:
        fn(*args, **kwargs)
    assert "\n" not in str(info.value)
    return info.value


CASES = [
    # (function, args, kwargs, expected message start)
    (bx.ols_beta, (Y, X[:4]), {}, r"^ols_beta: market has 4 rows but returns has 5$"),
    (bx.ols_beta, (Y[:2], X[:2]), {}, r"^ols_beta: returns column 'returns' has 2 usable"),
    (bx.ols_beta, (Y, [0.01] * 5), {}, r"^ols_beta: market is constant"),
    (bx.ols_beta, ([np.nan] * 5, X), {}, r"^ols_beta: returns column 'returns' has no values"),
    (bx.ols_beta, ([0.1, "x", 0.2, 0.1, 0.0], X), {},
     r"^ols_beta: returns has a non-numeric value 'x' at row 2"),
    (bx.ols_beta, ([0.1, np.inf, 0.2, 0.1, 0.0], X), {},
     r"^ols_beta: returns has an infinite value at row 2"),
    (bx.ols_beta, (Y, X), {"risk_free": [0.0] * 3},
     r"^ols_beta: risk_free has 3 rows but returns has 5"),
    (bx.to_returns, ([10.0, 0.0, 11.0],), {}, r"^to_returns: prices must be positive; row 2"),
    (bx.to_returns, ([10.0, -1.0],), {}, r"^to_returns: prices must be positive"),
    (bx.to_returns, ([10.0, 11.0],), {"method": "geometric"},
     r"^to_returns: method must be one of 'simple', 'log', got 'geometric'"),
    (bx.to_returns, ([10.0],), {}, r"^to_returns: prices has 1 row; at least 2"),
    (bx.portfolio_returns, ([[0.1, 0.2]], [1.0]), {},
     r"^portfolio_returns: weights has 1 value but returns has 2 columns"),
    (bx.portfolio_returns, ([[0.1, 0.2]], [1.0, -1.0]), {},
     r"^portfolio_returns: weights must add up to a positive total"),
    (bx.portfolio_returns, ([[0.1, 0.2]], [0.5, 0.5]), {"rebalance": "weekly"},
     r"^portfolio_returns: rebalance must be one of"),
    (bx.portfolio_returns, ([[0.1, 0.2]], [0.5, 0.5]), {"rebalance": "month"},
     r"^portfolio_returns: dates are needed to rebalance every month"),
    (bx.portfolio_returns, ([[0.1, np.nan]], [0.5, 0.5]), {},
     r"^portfolio_returns: returns is missing row 1 of 'returns_2'"),
    (bx.portfolio_returns, ([[0.1, 0.2]], [1, 1]), {"holdings": "units"},
     r"^portfolio_returns: prices is needed when holdings are units"),
    (bx.equal_weight_returns, ([[0.1, 0.2]],), {"method": "equal_shares"},
     r"^equal_weight_returns: method 'equal_shares' needs prices"),
    (bx.equal_weight_returns, ([[0.1, 0.2]],), {"distributions": [[0, 1]]},
     r"^equal_weight_returns: distributions needs prices"),
    (bx.equal_weight_returns, ([[-1.5, 0.2]],), {},
     r"^equal_weight_returns: data has a return below -100%"),
    (bx.beta_reconcile, (np.column_stack([Y, Y]), X, [1.0]), {},
     r"^beta_reconcile: weights has 1 value but returns has 2 columns"),
    (bx.beta_reconcile, (np.column_stack([Y, Y]), [0.01] * 5, [1.0, 1.0]), {},
     r"^beta_reconcile: market is constant"),
    (bx.risk_table, (Y, X), {"periods_per_year": 0},
     r"^risk_table: periods_per_year must be a positive number"),
    (bx.risk_table, (Y, X[:3]), {}, r"^risk_table: benchmark has 3 rows but returns has 5"),
    (bx.rolling_beta, (Y, X, 2), {}, r"^rolling_beta: window must be between 3 and the 5"),
    (bx.rolling_beta, (Y, X, 2.5), {}, r"^rolling_beta: window must be a whole number"),
]


@pytest.mark.parametrize("fn, args, kwargs, pattern", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_gives_one_line_error(fn, args, kwargs, pattern) -> None:
    raises(BetaxlError, pattern, fn, *args, **kwargs)


def test_error_kinds() -> None:
    assert isinstance(raises(InputError, "rows", bx.ols_beta, Y, X[:4]), ValueError)
    raises(DataError, "constant", bx.ols_beta, Y, [0.01] * 5)


def test_labels_rename_function_and_arguments() -> None:
    with labels("BETA_OLS", {"market": "market_returns", "returns": "asset_returns"}):
        raises(InputError, r"^BETA_OLS: market_returns has 4 rows but asset_returns has 5$",
               bx.ols_beta, Y, X[:4])
    # and the labels are gone afterwards
    raises(InputError, r"^ols_beta: market has 4", bx.ols_beta, Y, X[:4])


def test_pandas_inputs_missing_dates_are_refused_not_realigned() -> None:
    r = pd.Series(Y, index=pd.date_range("2020-01-31", periods=5, freq="ME"))
    m = pd.Series(X, index=pd.date_range("2020-02-29", periods=5, freq="ME"))
    raises(InputError, r"^ols_beta: market has no row for 1 of the dates of returns \(2020-01-31\)",
           bx.ols_beta, r, m)


def test_inputs_are_never_modified() -> None:
    returns = pd.DataFrame({"a": Y, "b": [np.nan, *Y[1:]]})
    market = np.array(X)
    weights = np.array([3.0, 1.0])
    copies = returns.copy(), market.copy(), weights.copy()
    bx.ols_beta(returns, market, risk_free=0.001)
    bx.rolling_beta(returns, market, 3, min_obs=3)
    bx.portfolio_returns(returns.fillna(0.0), weights)
    bx.beta_reconcile(returns, market, weights)
    bx.risk_table(returns, market, risk_free=0.001, periods_per_year=12)
    bx.equal_weight_returns(returns)
    pd.testing.assert_frame_equal(returns, copies[0])
    np.testing.assert_array_equal(market, copies[1])
    np.testing.assert_array_equal(weights, copies[2])


def test_missing_values_are_dropped_never_zero_filled() -> None:
    y = np.array(Y + [np.nan])
    x = np.array(X + [0.5])
    full = bx.ols_beta(Y, X)
    holed = bx.ols_beta(y, x)
    assert holed.n_obs.iloc[0] == 5
    assert holed.beta.iloc[0] == pytest.approx(full.beta.iloc[0], rel=1e-14)
    zero_filled = bx.ols_beta(np.nan_to_num(y), x)
    assert zero_filled.beta.iloc[0] != pytest.approx(full.beta.iloc[0])


def test_late_starting_asset_gives_a_sample_effect() -> None:
    rng = np.random.default_rng(2)
    m = rng.normal(0, 0.02, 40)
    r = np.column_stack([m * 1.2 + rng.normal(0, 0.01, 40), m * 0.7 + rng.normal(0, 0.01, 40)])
    r[:10, 1] = np.nan  # asset 2 lists 10 periods late
    rec = bx.beta_reconcile(r, m, [0.5, 0.5])
    assert rec.n_obs == 30 and rec.path.returns.shape == (30,)
    assert rec.assets.n_obs_own.tolist() == [40, 30]
    expected = rec.assets.weight_end @ (rec.assets.beta_own_sample - rec.assets.beta)
    assert rec.sample_effect == pytest.approx(expected, abs=1e-15)
    assert rec.sample_effect != 0.0
    r[20, 0] = np.nan  # a hole inside the shared period is refused, not skipped
    raises(InputError, r"^beta_reconcile: returns is missing row 21 of 'returns_1' inside",
           bx.beta_reconcile, r, m, [0.5, 0.5])
