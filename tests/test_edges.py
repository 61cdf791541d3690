"""Numbers at the edges, each against an independent reference (statsmodels, mpmath or
exact fractions), with the tolerance the README's table states; or the documented error.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import statsmodels.api as sm

import betaxl as bx
from betaxl.errors import BetaxlError, DataError, InputError
from betaxl.regression import fit_columns

mpmath.mp.dps = 50


def exact_ols(y: list[float], x: list[float]) -> tuple[Fraction, Fraction, Fraction]:
    """beta, alpha and SSR in exact rational arithmetic."""
    fy, fx = [Fraction(v) for v in y], [Fraction(v) for v in x]
    n = len(fy)
    mx, my = sum(fx) / n, sum(fy) / n
    sxx = sum((a - mx) ** 2 for a in fx)
    sxy = sum((a - mx) * (b - my) for a, b in zip(fx, fy))
    beta = sxy / sxx
    alpha = my - beta * mx
    ssr = sum((b - alpha - beta * a) ** 2 for a, b in zip(fx, fy))
    return beta, alpha, ssr


def test_daily_returns_of_1e_minus_8() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1e-8, 500)
    y = 0.7 * x + rng.normal(0, 5e-9, 500)
    fit = bx.ols_beta(y, x)
    res = sm.OLS(y, sm.add_constant(x)).fit()
    assert fit.beta.iloc[0] == pytest.approx(res.params[1], rel=1e-10)
    assert fit.beta_se.iloc[0] == pytest.approx(res.bse[1], rel=1e-10)
    beta, alpha, _ = exact_ols(list(y), list(x))
    assert fit.beta.iloc[0] == pytest.approx(float(beta), rel=1e-12)
    assert fit.alpha.iloc[0] == pytest.approx(float(alpha), rel=1e-9, abs=1e-22)


def test_price_levels_of_1e9() -> None:
    rng = np.random.default_rng(2)
    prices = 1e9 * np.cumprod(1 + rng.normal(0, 1e-3, (300, 2)), axis=0)
    returns = bx.to_returns(prices).to_numpy()
    exact = [[float(Fraction(prices[t + 1, j]) / Fraction(prices[t, j]) - 1) for j in range(2)]
             for t in range(299)]
    np.testing.assert_allclose(returns, exact, rtol=1e-12)
    # regressing the price levels themselves: raw moments would lose every digit here
    x, y = prices[:, 0], 0.5 * prices[:, 0] + prices[:, 1] * 1e-3
    beta, alpha, _ = exact_ols(list(y), list(x))
    fit = fit_columns(y[:, None], x[:, None])  # ols_beta refuses levels as returns
    assert fit["beta"][0] == pytest.approx(float(beta), rel=1e-10)
    assert fit["alpha"][0] == pytest.approx(float(alpha), rel=1e-6)


def test_a_market_that_moves_in_one_period_only() -> None:
    x = [0.0] * 9 + [0.05]
    y = [0.01, -0.01, 0.02, 0.0, 0.01, -0.02, 0.0, 0.01, 0.0, 0.06]
    fit = bx.ols_beta(y, x)
    beta, alpha, ssr = exact_ols(y, x)
    res = sm.OLS(np.array(y), sm.add_constant(np.array(x))).fit()
    assert fit.beta.iloc[0] == pytest.approx(float(beta), rel=1e-13)
    assert fit.alpha.iloc[0] == pytest.approx(float(alpha), rel=1e-12, abs=1e-17)
    assert fit.beta.iloc[0] == pytest.approx(res.params[1], rel=1e-10)
    assert fit.resid_std.iloc[0] == pytest.approx(float(mpmath.sqrt(mpmath.mpf(ssr.numerator)
                                                  / ssr.denominator / 8)), rel=1e-13)
    # in a rolling window that misses the move, the market is constant: blank, not noise
    rolled = bx.rolling_beta(y, x, 5).to_numpy()[:, 0]
    assert np.isnan(rolled[4:9]).all() and np.isfinite(rolled[9])


def test_three_observations() -> None:
    y, x = [0.02, -0.01, 0.04], [0.01, -0.02, 0.03]
    fit = bx.ols_beta(y, x)
    res = sm.OLS(np.array(y), sm.add_constant(np.array(x))).fit()
    for got, want in ((fit.beta, res.params[1]), (fit.alpha, res.params[0]),
                      (fit.beta_se, res.bse[1]), (fit.resid_std, np.sqrt(res.scale))):
        assert got.iloc[0] == pytest.approx(want, rel=1e-10)
    with pytest.raises(DataError, match="has 2 usable rows"):
        bx.ols_beta(y[:2], x[:2])


def test_100000_rows_of_rolling_betas_do_not_drift() -> None:
    rng = np.random.default_rng(3)
    n = 100_000
    x = rng.normal(3e-4, 0.01, n) + 0.02 * np.sin(np.arange(n) / 5000)  # wandering mean
    y = np.column_stack([1.2 * x + rng.normal(0, 0.01, n), -0.3 * x + rng.normal(0, 0.02, n)])
    rolled = bx.rolling_beta(y, x, 252).to_numpy()
    for t in (251, 50_000, n - 1000, n - 1):
        window = slice(t - 251, t + 1)
        exact = [exact_ols(list(y[window, j]), list(x[window]))[0] for j in range(2)]
        np.testing.assert_allclose(rolled[t], [float(b) for b in exact], rtol=1e-10)


def test_perfectly_collinear_assets() -> None:
    x = np.array([0.01, -0.02, 0.03, 0.0, 0.015])
    y = np.column_stack([0.002 + 1.5 * x, 2 * (0.002 + 1.5 * x)])
    fit = bx.ols_beta(y, x)
    np.testing.assert_allclose(fit.beta, [1.5, 3.0], rtol=1e-13)
    np.testing.assert_allclose(fit.r_squared, [1.0, 1.0], rtol=1e-13)
    assert (fit.resid_std.to_numpy() < 1e-15).all()  # an exact fit: no residual
    rec = bx.beta_reconcile(y, x, [0.5, 0.5], rebalance="period")
    assert rec.portfolio_beta == pytest.approx(2.25, rel=1e-13)


def test_weights_that_sum_to_1e_minus_12() -> None:
    r = np.array([[0.01, 0.02], [0.03, -0.01]])
    # tiny but all positive: scaling to 1 is exact, the answer is the 50/50 portfolio
    tiny = bx.portfolio_returns(r, [5e-13, 5e-13]).returns.to_numpy()
    np.testing.assert_allclose(tiny, bx.portfolio_returns(r, [1, 1]).returns, rtol=1e-15)
    # long-short netting to 1e-12 of gross: no portfolio value, the documented error
    with pytest.raises(InputError, match="weights must add up to a positive total"):
        bx.portfolio_returns(r, [1.0, -1.0 + 1e-12])


@pytest.mark.parametrize("scale", [1e-150, 1e-250, 1e90])
def test_tiny_and_huge_magnitudes(scale: float) -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(0.5, 1.5, 40)  # positive: scaled up, a negative value would be a
    y = 2 * x + rng.normal(0, 0.1, 40)  # return below -100%, which is refused
    base = fit_columns(y[:, None], x[:, None])  # ols_beta's numbers; it refuses y ~ 2
    fit = fit_columns(y[:, None] * scale, x[:, None] * scale)
    assert fit["beta"][0] == pytest.approx(base["beta"][0], rel=1e-12)
    assert fit["correlation"][0] == pytest.approx(base["correlation"][0], rel=1e-12)
    assert fit["alpha"][0] / scale == pytest.approx(base["alpha"][0], rel=1e-9)


def test_beyond_1e100_is_refused() -> None:
    with pytest.raises(InputError, match="a value beyond 1e100 at row 2"):
        bx.ols_beta([0.1, 1e300, 0.2], [0.1, 0.2, 0.3])
    with pytest.raises(BetaxlError, match="log return|beyond 1e100"):
        bx.equal_weight_returns([[710.0]], input_type="log_returns")
