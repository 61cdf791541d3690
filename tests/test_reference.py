"""betaxl against independent references: statsmodels OLS and RollingOLS on real data,
and a plain-Python transcription of Bacon's formulas (the conventions of R's
PerformanceAnalytics: population moments, geometric annualisation)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.regression.rolling import RollingOLS

import betaxl as bx

from .conftest import daily_panel


def _statsmodels_fit(y: np.ndarray, x: np.ndarray) -> dict[str, float]:
    keep = ~(np.isnan(y) | np.isnan(x))
    res = sm.OLS(y[keep], sm.add_constant(x[keep])).fit()
    return {
        "beta": res.params[1], "alpha": res.params[0], "r_squared": res.rsquared,
        "correlation": np.sign(res.params[1]) * np.sqrt(res.rsquared),
        "beta_se": res.bse[1], "alpha_se": res.bse[0], "beta_t": res.tvalues[1],
        "alpha_t": res.tvalues[0], "resid_std": np.sqrt(res.scale), "n_obs": res.nobs,
        "adjusted_beta": 2 / 3 * res.params[1] + 1 / 3,
    }


def test_ols_matches_statsmodels_on_fama_french_industries(industries) -> None:
    returns, market, _ = industries
    fit = bx.ols_beta(returns, market).to_frame()
    for col in returns:
        ref = _statsmodels_fit(returns[col].to_numpy(), market.to_numpy())
        for field, value in ref.items():
            assert fit.loc[field, col] == pytest.approx(value, rel=1e-10, abs=1e-14), field


def test_capm_excess_regression_matches_statsmodels(industries) -> None:
    returns, market, rf = industries
    fit = bx.ols_beta(returns, market, risk_free=rf).to_frame()
    for col in returns:
        ref = _statsmodels_fit((returns[col] - rf).to_numpy(), (market - rf).to_numpy())
        for field, value in ref.items():
            assert fit.loc[field, col] == pytest.approx(value, rel=1e-10, abs=1e-14), field


def test_pairwise_missing_matches_statsmodels_per_column(industries) -> None:
    returns, market, _ = industries
    holed = returns.copy()
    rng = np.random.default_rng(3)
    holed = holed.mask(rng.random(holed.shape) < 0.05)
    holed.iloc[:100, 2] = np.nan  # a late starter
    m = market.mask(rng.random(len(market)) < 0.02)
    fit = bx.ols_beta(holed, m).to_frame()
    for col in holed:
        ref = _statsmodels_fit(holed[col].to_numpy(), m.to_numpy())
        for field, value in ref.items():
            assert fit.loc[field, col] == pytest.approx(value, rel=1e-10, abs=1e-14), field


def test_excel_steyx_convention() -> None:
    # STEYX(known_y, known_x) = sqrt(SSR / (n - 2)); in percent, y = 1, 3, 2, 5 on
    # x = 1, 2, 3, 4: beta = 1.1, alpha = 0.25, residuals -0.35, 0.55, -1.55 + 1.3 ...,
    # SSR = 2.7 (%^2); as decimals (0.01 for 1%) resid_std is sqrt(2.7 / 2) / 100
    fit = bx.ols_beta([0.01, 0.03, 0.02, 0.05], [0.01, 0.02, 0.03, 0.04])
    assert fit.beta.iloc[0] == pytest.approx(1.1, abs=1e-14)
    assert fit.resid_std.iloc[0] == pytest.approx(math.sqrt(2.7 / 2) / 100, rel=1e-13)


def test_rolling_beta_matches_statsmodels_rolling_ols() -> None:
    returns, market = daily_panel(2520, 6)
    ours = bx.rolling_beta(returns, market, 252).to_numpy()
    for j in range(returns.shape[1]):
        ref = RollingOLS(returns[:, j], sm.add_constant(market), window=252).fit()
        np.testing.assert_allclose(ours[:, j], ref.params[:, 1], rtol=1e-10, atol=1e-13)
    assert np.isnan(ours[:251]).all() and np.isfinite(ours[251:]).all()


def test_rolling_beta_matches_direct_fit_on_fama_french_with_gaps(industries) -> None:
    returns, market, _ = industries
    holed = returns.mask(np.random.default_rng(5).random(returns.shape) < 0.03)
    ours = bx.rolling_beta(holed, market, 60, min_obs=50)
    for t in (59, 200, 500, len(holed) - 1):
        window = holed.iloc[t - 59:t + 1]
        direct = bx.ols_beta(window, market.iloc[t - 59:t + 1]).beta
        counts = window.notna().sum()
        for col in holed:
            if counts[col] >= 50:
                assert ours.iloc[t][col] == pytest.approx(direct[col], rel=1e-10)
            else:
                assert np.isnan(ours.iloc[t][col])


def _risk_oracle(r: list[float], b: list[float], f: list[float], t: int) -> dict:
    """Bacon's definitions transcribed literally, one scalar at a time."""
    n = len(r)
    mean = sum(r) / n
    mean_b = sum(b) / n
    var = sum((x - mean) ** 2 for x in r) / n
    var_b = sum((x - mean_b) ** 2 for x in b) / n
    cov = sum((x - mean) * (y - mean_b) for x, y in zip(r, b)) / n
    ann = math.prod(1 + x for x in r) ** (t / n) - 1
    ann_b = math.prod(1 + x for x in b) ** (t / n) - 1
    ann_f = math.prod(1 + x for x in f) ** (t / n) - 1
    sig, sig_b = math.sqrt(var * t), math.sqrt(var_b * t)
    ex, ex_b = [x - y for x, y in zip(r, f)], [x - y for x, y in zip(b, f)]
    me, meb = sum(ex) / n, sum(ex_b) / n
    beta = sum((x - me) * (y - meb) for x, y in zip(ex, ex_b)) / sum(
        (y - meb) ** 2 for y in ex_b)
    alpha = me - beta * meb
    resid = [x - alpha - beta * y for x, y in zip(ex, ex_b)]
    m2 = ann_f + (ann - ann_f) * sig_b / sig
    active = [x - y for x, y in zip(r, b)]
    ma = sum(active) / n
    te = math.sqrt(sum((a - ma) ** 2 for a in active) / n * t)
    return {
        "n_obs": n, "mean": mean, "variance": var, "variance_sample": var * n / (n - 1),
        "std": math.sqrt(var), "std_sample": math.sqrt(var * n / (n - 1)),
        "annual_std": sig, "annual_return": ann, "benchmark_annual_return": ann_b,
        "sharpe": (ann - ann_f) / sig, "m2": m2,
        "m2_excess_geometric": (1 + m2) / (1 + ann_b) - 1, "m2_excess_arithmetic": m2 - ann_b,
        "alpha": alpha, "beta": beta,
        "jensen_alpha": ann - (ann_f + beta * (ann_b - ann_f)),
        "covariance": cov, "annual_covariance": cov * t,
        "correlation": cov / math.sqrt(var * var_b),
        "systematic_risk": abs(beta) * sig_b,
        "specific_risk": math.sqrt(sum(e * e for e in resid) / n * t),
        "tracking_error": te, "information_ratio": ma * t / te,
        "information_ratio_pa": (ann - ann_b) / te, "active_premium": ann - ann_b,
        "information_ratio_geometric": ((1 + ann) / (1 + ann_b) - 1) / te,
        "alpha_annual": (1 + alpha) ** t - 1,
        "fama_beta": sig / sig_b,
        "appraisal_ratio": (ann - (ann_f + beta * (ann_b - ann_f)))
        / math.sqrt(sum(e * e for e in resid) / n * t),
    }


def test_risk_table_matches_literal_formulas_on_fama_french(industries) -> None:
    returns, market, rf = industries
    sample = returns.iloc[-120:]
    table = bx.risk_table(sample, market.iloc[-120:], risk_free=rf.iloc[-120:],
                          periods_per_year=12).to_frame()
    for col in sample:
        ref = _risk_oracle(sample[col].tolist(), market.iloc[-120:].tolist(),
                           rf.iloc[-120:].tolist(), 12)
        for name, value in ref.items():
            assert table.loc[name, col] == pytest.approx(value, rel=1e-10, abs=1e-15), name
    # with a constant risk-free rate, systematic^2 + specific^2 = total variance exactly
    flat = bx.risk_table(sample, market.iloc[-120:], risk_free=0.003,
                         periods_per_year=12).to_frame()
    np.testing.assert_allclose(flat.loc["total_risk"], flat.loc["annual_std"], rtol=1e-12)


def test_risk_table_regression_matches_statsmodels(industries) -> None:
    returns, market, rf = industries
    table = bx.risk_table(returns, market, risk_free=rf).to_frame()
    for col in returns:
        ref = _statsmodels_fit((returns[col] - rf).to_numpy(), (market - rf).to_numpy())
        assert table.loc["alpha", col] == pytest.approx(ref["alpha"], rel=1e-10)
        assert table.loc["beta", col] == pytest.approx(ref["beta"], rel=1e-10)
        assert table.loc["r_squared", col] == pytest.approx(ref["r_squared"], rel=1e-10)


def test_calendar_rebalancing_against_a_loop(industries) -> None:
    returns, _, _ = industries
    r = returns.iloc[:60, :4]
    w = np.array([0.4, 0.3, 0.2, 0.1])
    path = bx.portfolio_returns(r, w, rebalance="quarter")
    # plain loop: hold amounts, reset to w after each quarter's last month
    value, out = w.copy(), []
    for t, (date, row) in enumerate(r.iterrows()):
        if t and (date.year, (date.month - 1) // 3) != (r.index[t - 1].year,
                                                        (r.index[t - 1].month - 1) // 3):
            value = w * value.sum()
        before = value.sum()
        value = value * (1 + row.to_numpy())
        out.append(value.sum() / before - 1)
    np.testing.assert_allclose(path.returns.to_numpy(), out, rtol=1e-12)
    np.testing.assert_allclose(path.contributions.sum(axis=1), path.returns, atol=1e-15)
    assert pd.Series(path.weights_start.index).equals(pd.Series(r.index))
