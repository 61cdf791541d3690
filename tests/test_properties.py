"""Properties that must hold for any data (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import betaxl as bx
from betaxl.regression import fit_columns

ret = st.floats(-0.5, 0.5, allow_nan=False, allow_subnormal=False)


@st.composite
def panels(draw: st.DrawFn, min_rows: int = 5, max_rows: int = 40, max_cols: int = 4
           ) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(min_rows, max_rows))
    k = draw(st.integers(1, max_cols))
    returns = draw(arrays(np.float64, (n, k), elements=ret))
    market = draw(arrays(np.float64, (n,), elements=ret))
    assume(np.ptp(market) > 1e-3)
    return returns, market


weights_st = st.lists(st.floats(0.05, 1.0), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(panels(), st.floats(0.1, 2), st.floats(0, 1))  # stays above -100%
def test_beta_scales_with_y_and_ignores_constants(data, scale, shift) -> None:
    # fit_columns: ols_beta's numbers, without its refusal of columns of median size
    # above 1 (a shift of 1 makes them so)
    returns, market = data
    base = bx.ols_beta(returns, market).beta.to_numpy()
    moved = fit_columns(returns * scale + shift, market[:, None])["beta"]
    np.testing.assert_allclose(moved, base * scale, rtol=1e-9, atol=1e-9)
    # the intercept absorbs the constant, not the slope
    shifted_x = fit_columns(returns, market[:, None] + shift)["beta"]
    np.testing.assert_allclose(shifted_x, base, rtol=1e-9, atol=1e-9)


@settings(max_examples=150, deadline=None)
@given(panels(), weights_st)
def test_constant_weights_portfolio_beta_is_weighted_sum(data, raw) -> None:
    returns, market = data
    k = returns.shape[1]
    w = np.resize(np.asarray(raw), k)
    w = w / w.sum()
    port = bx.portfolio_returns(returns, w, rebalance="period").returns
    lhs = bx.ols_beta(port, market).beta.iloc[0]
    rhs = w @ bx.ols_beta(returns, market).beta.to_numpy()
    assert abs(lhs - rhs) <= 1e-12 * max(1.0, abs(rhs))
    rec = bx.beta_reconcile(returns, market, w, rebalance="period")
    assert abs(rec.portfolio_beta - rec.weighted_beta_end) <= 1e-12 * max(1.0, abs(rhs))
    assert abs(rec.timing_effect) <= 1e-12 and abs(rec.drift_effect) <= 1e-12


@settings(max_examples=150, deadline=None)
@given(panels(), weights_st, st.sampled_from(["none", "period", "month", "quarter"]))
def test_reconciliation_parts_add_up_exactly(data, raw, mode) -> None:
    returns, market = data
    w = np.resize(np.asarray(raw), returns.shape[1])
    dates = np.datetime64("2020-01-31") + np.arange(len(market)) * 17
    rec = bx.beta_reconcile(returns, market, w, rebalance=mode, dates=dates)
    scale = max(1.0, abs(rec.portfolio_beta), float(rec.assets.beta.abs().max()))
    assert abs(rec.assets.contribution.sum() - rec.portfolio_beta) <= 1e-12 * scale
    gap = rec.portfolio_beta - rec.weighted_beta_end
    assert abs(rec.timing_effect + rec.drift_effect - gap) <= 1e-12 * scale
    assert abs(rec.assets.gap.sum() - gap) <= 1e-12 * scale
    path = rec.path
    np.testing.assert_allclose(path.contributions.sum(axis=1), path.returns, atol=1e-15)
    np.testing.assert_allclose(path.weights_start.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(path.weights_end.sum(axis=1), 1.0, rtol=1e-12)


@settings(max_examples=150, deadline=None)
@given(panels(min_rows=1, max_cols=6))
def test_equal_weight_rebalance_is_portfolio_with_equal_weights(data) -> None:
    returns, _ = data
    k = returns.shape[1]
    ew = bx.equal_weight_returns(returns).returns.to_numpy()
    port = bx.portfolio_returns(returns, np.full(k, 1.0 / k), rebalance="period")
    np.testing.assert_allclose(ew, port.returns.to_numpy(), rtol=1e-14, atol=1e-16)
    bh = bx.equal_weight_returns(returns, method="buy_and_hold").returns.to_numpy()
    bh_port = bx.portfolio_returns(returns, np.ones(k)).returns.to_numpy()
    np.testing.assert_allclose(bh, bh_port, rtol=1e-14, atol=1e-16)


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 4)),
              elements=st.floats(0.5, 200)))
def test_buy_and_hold_equals_normalised_prices(prices) -> None:
    # equal money at the start = prices normalised to 1 at the start, added up
    ew = bx.equal_weight_returns(prices, method="buy_and_hold", input_type="prices")
    value = (prices / prices[0]).sum(axis=1)
    # prices from 0.5 to 200 make returns up to +39,900%: 1e-12 absolute is ~1 ulp there
    np.testing.assert_allclose(ew.returns.to_numpy(), value[1:] / value[:-1] - 1,
                               rtol=1e-11, atol=1e-12)
    # and log-price input round-trips
    logs = bx.to_returns(prices, method="log").to_numpy()
    simple = bx.to_returns(prices).to_numpy()
    np.testing.assert_allclose(bx.log_to_simple(logs), simple, rtol=1e-11, atol=1e-14)


@settings(max_examples=60, deadline=None)
@given(panels(min_rows=12, max_rows=60), st.integers(3, 12))
def test_rolling_beta_equals_windowed_ols(data, window) -> None:
    returns, market = data
    rolled = bx.rolling_beta(returns, market, window).to_numpy()
    for t in range(window - 1, len(market)):
        xs = market[t - window + 1:t + 1]
        if np.ptp(xs) < 1e-6:
            continue
        direct = bx.ols_beta(returns[t - window + 1:t + 1], xs).beta.to_numpy()
        np.testing.assert_allclose(rolled[t], direct, rtol=1e-8, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 70), st.integers(0, 3), st.integers(1, 5), st.integers(0, 10**6))
def test_lean_rolling_path_equals_the_general_one(window, extra_blocks, k, seed) -> None:
    from betaxl.rolling import rolling_with_gaps

    rng = np.random.default_rng(seed)
    n = window * (1 + extra_blocks) + int(rng.integers(0, window))
    x = rng.normal(0.001, 0.02, n) + rng.choice([0.0, 0.05]) * np.sin(np.arange(n) / 9)
    y = x[:, None] * rng.uniform(-1, 2, k) + rng.normal(0, 0.01, (n, k))
    lean = bx.rolling_beta(y, x, window).to_numpy()[window - 1:]
    general = rolling_with_gaps(y, x, window, window)
    np.testing.assert_allclose(lean, general, rtol=1e-10, atol=1e-12)
