"""The seeds' own examples, checked by hand arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

import betaxl as bx
from betaxl.examples import (
    BOND_MARKET,
    BOND_NOTIONALS,
    BOND_PRICES,
    EW_DIVIDENDS,
    EW_PRICES,
    bond_units,
)


def test_equal_weight_seed_rebalanced_is_five_percent() -> None:
    # A: 12/10 - 1 = 20%, B: 18/20 - 1 = -10%; mean = 5% (= $10 gain on $200)
    ew = bx.equal_weight_returns(EW_PRICES, input_type="prices")
    assert ew.returns.iloc[0] == pytest.approx(0.05, abs=1e-15)
    assert ew.n_assets.iloc[0] == 2


def test_equal_weight_seed_with_dividend_is_seven_and_a_half_percent() -> None:
    # B: (18 + 1)/20 - 1 = -5%; mean(20%, -5%) = 7.5% = $215 / $200 - 1
    for method in ("rebalance", "buy_and_hold"):
        ew = bx.equal_weight_returns(EW_PRICES, method=method, input_type="prices",
                                     distributions=EW_DIVIDENDS)
        assert ew.returns.iloc[0] == pytest.approx(0.075, abs=1e-15)


def test_equal_shares_seed_is_zero() -> None:
    # one share each: (12 + 18) / (10 + 20) - 1 = 0
    ew = bx.equal_weight_returns(EW_PRICES, method="equal_shares", input_type="prices")
    assert ew.returns.iloc[0] == 0.0
    # weights follow prices: 10/30 and 20/30
    np.testing.assert_allclose(ew.weights_start.iloc[0], [1 / 3, 2 / 3], rtol=1e-15)
    # with B's $1: 31/30 - 1
    ew = bx.equal_weight_returns(EW_PRICES, method="equal_shares", input_type="prices",
                                 distributions=EW_DIVIDENDS)
    assert ew.returns.iloc[0] == pytest.approx(1 / 30, rel=1e-14)


def test_equal_weight_never_averages_log_returns() -> None:
    logs = np.log([[1.2, 0.9]])
    ew = bx.equal_weight_returns(logs, input_type="log_returns")
    assert ew.returns.iloc[0] == pytest.approx(0.05, abs=1e-15)
    assert logs.mean() != pytest.approx(0.05, abs=1e-3)


def test_total_return_formula() -> None:
    # (P_t + D_t) / P_{t-1} - 1: (18 + 1) / 20 - 1 = -0.05; log: ln(0.95)
    r = bx.to_returns(EW_PRICES, distributions=EW_DIVIDENDS)
    assert r.iloc[0].tolist() == pytest.approx([0.2, -0.05], abs=1e-15)
    lr = bx.to_returns(EW_PRICES, method="log", distributions=EW_DIVIDENDS)
    assert lr.iloc[0].tolist() == pytest.approx(np.log([1.2, 0.95]).tolist(), abs=1e-15)


@pytest.fixture()
def bonds() -> tuple:
    returns = bx.to_returns(BOND_PRICES)
    market = bx.to_returns(BOND_MARKET).iloc[:, 0]
    return returns, market


def test_bond_seed_buy_and_hold_figures(bonds: tuple) -> None:
    returns, market = bonds
    rec = bx.beta_reconcile(returns, market, bond_units(), holdings="units",
                            prices=BOND_PRICES)
    assert rec.portfolio_beta == pytest.approx(1.52001, abs=5e-6)
    assert rec.portfolio_beta == pytest.approx(1.5200058, abs=1e-7)
    assert rec.weighted_beta_end == pytest.approx(1.60627, abs=5e-6)
    assert rec.weighted_beta_start == pytest.approx(1.49377, abs=5e-6)
    # start weights: notional/100 x first price = 25000 x 100 and 65000 x 98
    start = np.array([25_000 * 100.0, 65_000 * 98.0])
    np.testing.assert_allclose(rec.assets.weight_start, start / start.sum(), rtol=1e-15)
    # end weights are the question's: notional x last price / 100, normalised
    end = BOND_NOTIONALS * BOND_PRICES.iloc[-1] / 100
    np.testing.assert_allclose(rec.assets.weight_end, end / end.sum(), rtol=1e-13)
    assert rec.assets.contribution.sum() == pytest.approx(rec.portfolio_beta, abs=1e-12)
    assert rec.timing_effect + rec.drift_effect == pytest.approx(
        rec.portfolio_beta - rec.weighted_beta_end, abs=1e-12)
    assert rec.sample_effect == 0.0


def test_bond_seed_constant_weights_add_up_but_reverse_regression_does_not(bonds: tuple
                                                                          ) -> None:
    returns, market = bonds
    end = (BOND_NOTIONALS * BOND_PRICES.iloc[-1]).to_numpy()
    w = end / end.sum()
    port = returns.to_numpy() @ w  # the question's df_port: SUMPRODUCT with fixed weights
    fit = bx.ols_beta(returns, market)
    port_beta = float(bx.ols_beta(port, market).beta.iloc[0])
    assert port_beta == pytest.approx(float(w @ fit.beta.to_numpy()), abs=1e-12)
    # the question regressed the market on the assets and on the portfolio
    rev_port = float(bx.ols_beta(market, port).beta.iloc[0])
    rev_assets = [float(bx.ols_beta(market, returns[c]).beta.iloc[0]) for c in returns]
    assert abs(rev_port - w @ np.array(rev_assets)) > 0.02
    rec = bx.beta_reconcile(returns, market, w, rebalance="period")
    assert rec.reverse_regression_portfolio == pytest.approx(rev_port, rel=1e-12)
    assert rec.reverse_regression_weighted == pytest.approx(w @ np.array(rev_assets),
                                                            rel=1e-12)
    assert rec.portfolio_beta == pytest.approx(rec.weighted_beta_end, abs=1e-12)


def test_ols_hand_arithmetic() -> None:
    # in percent (returns are decimals: 0.01 is 1%): x = 1, 2, 3 (mean 2), y = 2, 4, 5
    # (mean 11/3); Sxx = 2, Sxy = (-1)(-5/3) + 0 + (1)(4/3) = 3, beta = 1.5, alpha =
    # 11/3 - 3 = 2/3 (%); residuals: 2 - (2/3 + 1.5) = -1/6, 4 - 11/3 = 1/3,
    # 5 - 31/6 = -1/6; SSR = 1/6 (%^2); beta_se and R2 do not depend on the units
    fit = bx.ols_beta([0.02, 0.04, 0.05], [0.01, 0.02, 0.03])
    assert fit.beta.iloc[0] == pytest.approx(1.5, abs=1e-14)
    assert fit.alpha.iloc[0] == pytest.approx(2 / 300, abs=1e-16)
    assert fit.resid_std.iloc[0] == pytest.approx(np.sqrt(1 / 6) / 100, rel=1e-13)
    assert fit.beta_se.iloc[0] == pytest.approx(np.sqrt(1 / 6) / np.sqrt(2), rel=1e-13)
    # Syy = (5/3)^2 + (1/3)^2 + (4/3)^2 = 42/9; R2 = 1 - (1/6)/(42/9) = 1 - 9/252
    assert fit.r_squared.iloc[0] == pytest.approx(1 - 9 / 252, rel=1e-14)
    assert fit.adjusted_beta.iloc[0] == pytest.approx(2 / 3 * 1.5 + 1 / 3, abs=1e-14)


def test_portfolio_hand_arithmetic_buy_and_hold_and_rebalanced() -> None:
    # period 1: A +10%, B 0%; period 2: A 0%, B +20%; start 50/50
    r = np.array([[0.10, 0.0], [0.0, 0.20]])
    hold = bx.portfolio_returns(r, [0.5, 0.5])
    # after period 1: values 0.55, 0.50 -> weights 0.55/1.05, 0.50/1.05
    assert hold.returns.iloc[0] == pytest.approx(0.05, abs=1e-15)
    # period 2: B holds 0.50/1.05 of the value and gains 20%
    assert hold.returns.iloc[1] == pytest.approx(0.10 / 1.05, abs=1e-15)
    np.testing.assert_allclose(hold.weights_start.iloc[1], [0.55 / 1.05, 0.5 / 1.05])
    np.testing.assert_allclose(hold.contributions.sum(axis=1), hold.returns, atol=1e-16)
    reb = bx.portfolio_returns(r, [0.5, 0.5], rebalance="period")
    assert reb.returns.tolist() == pytest.approx([0.05, 0.10], abs=1e-15)
    np.testing.assert_allclose(reb.final_weights, [0.5, 0.5])
    # end values 0.55 and 0.60 of 1.15
    np.testing.assert_allclose(hold.final_weights, [0.55 / 1.15, 0.60 / 1.15], rtol=1e-15)
