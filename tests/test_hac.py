"""Newey-West standard errors and the beta intervals against statsmodels (and scipy's t).

Fama-French monthly data with holes: each asset is fitted on its own complete rows in
date order, as statsmodels on the series with those rows dropped.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

import betaxl as bx
from betaxl.data.units import trusted_returns
from betaxl.errors import InputError
from betaxl.hac import default_lags, t_quantile
from tests.french_data import ASSETS, FACTORS, french_panel


@pytest.fixture(scope="module")
def panel():
    return french_panel()


def _statsmodels(y, x, lags: int | None):
    rows = np.isfinite(y).to_numpy() & np.isfinite(x).all(axis=1).to_numpy()
    model = sm.OLS(y[rows], sm.add_constant(x[rows]))
    if lags is None:
        return model.fit()
    return model.fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)


@pytest.mark.parametrize("lags", [None, 0, 3, "default"])
def test_ols_beta_hac_matches_statsmodels(panel, lags) -> None:
    kwargs = {} if lags is None else {"se": "hac"}
    if isinstance(lags, int):
        kwargs["hac_lags"] = lags
    fit = bx.ols_beta(panel[ASSETS], panel["MktRF"], **kwargs)
    for asset in ASSETS:
        n = int(fit.n_obs[asset])
        ref = _statsmodels(panel[asset], panel[["MktRF"]],
                           default_lags(n) if lags == "default" else lags)
        got = np.array([fit.alpha_se[asset], fit.beta_se[asset]])
        np.testing.assert_allclose(got, ref.bse.to_numpy(), rtol=1e-11, atol=0)
        np.testing.assert_allclose([fit.alpha_t[asset], fit.beta_t[asset]],
                                   ref.tvalues.to_numpy(), rtol=1e-11, atol=0)
        low, high = ref.conf_int().iloc[1]
        assert fit.beta_ci_low[asset] == pytest.approx(low, rel=1e-11, abs=1e-14)
        assert fit.beta_ci_high[asset] == pytest.approx(high, rel=1e-11, abs=1e-14)


@pytest.mark.parametrize("lags", [None, 2, "default"])
def test_factor_betas_hac_matches_statsmodels(panel, lags) -> None:
    kwargs = {} if lags is None else {"se": "hac"}
    if isinstance(lags, int):
        kwargs["hac_lags"] = lags
    fit = bx.factor_betas(panel[ASSETS], panel[FACTORS], **kwargs)
    for asset in ASSETS:
        n = int(fit.n_obs[asset])
        ref = _statsmodels(panel[asset], panel[FACTORS],
                           default_lags(n) if lags == "default" else lags)
        np.testing.assert_allclose(fit.se.loc[asset].to_numpy(), ref.bse.to_numpy(),
                                   rtol=1e-11, atol=0)
        ci = ref.conf_int()
        np.testing.assert_allclose(fit.beta_ci_low.loc[asset].to_numpy(),
                                   ci[0].to_numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(fit.beta_ci_high.loc[asset].to_numpy(),
                                   ci[1].to_numpy(), rtol=1e-10, atol=1e-14)


def test_default_lags_rule() -> None:
    # floor(4 (n/100)^(2/9)): 4 at n = 100; 6 at 819 months; 9 at 5000 days
    assert [default_lags(n) for n in (100, 819, 5000, 99)] == [4, 6, 9, 3]


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 5, 7, 10, 30, 117, 817, 1000, 1001, 5000,
                                 10**6])
def test_t_quantile_matches_scipy(dof: int) -> None:
    assert t_quantile(dof) == pytest.approx(stats.t.ppf(0.975, dof), rel=1e-12, abs=0)


def test_hac_widens_daily_like_intervals() -> None:
    # AR(1) residuals: positive autocorrelation, so Newey-West's errors are the larger
    rng = np.random.default_rng(19)
    x = rng.normal(0, 0.01, 2000)
    e = np.zeros(2000)
    for i in range(1, 2000):
        e[i] = 0.6 * e[i - 1] + rng.normal(0, 0.01)
    x_ar = np.convolve(x, np.ones(5) / 5, mode="same")
    y = 1.2 * x_ar + e
    classical = bx.ols_beta(y, x_ar)
    hac = bx.ols_beta(y, x_ar, se="hac")
    assert hac.beta_se.iloc[0] > 1.3 * classical.beta_se.iloc[0]
    assert hac.beta.iloc[0] == classical.beta.iloc[0]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"se": "robust"}, r"^ols_beta: se must be 'classical' or 'hac'"),
    ({"hac_lags": 3}, r"^ols_beta: hac_lags is given but se is 'classical'"),
    ({"se": "hac", "hac_lags": -1}, r"^ols_beta: hac_lags must be a whole number"),
    ({"se": "hac", "hac_lags": 2.5}, r"^ols_beta: hac_lags must be a whole number"),
])
def test_se_arguments_are_checked(kwargs, message) -> None:
    with pytest.raises(InputError, match=message):
        bx.ols_beta([0.01, 0.02, -0.01, 0.0], [0.0, 0.01, -0.02, 0.01], **kwargs)


def test_hac_loses_no_digits_on_a_regressor_far_from_zero() -> None:
    # beta's HAC standard error does not move when x is shifted: statsmodels on the
    # centred x is the exact reference (inv(X'X) of the shifted x lost 1e-3 at 1e4)
    rng = np.random.default_rng(11)
    m = rng.normal(0, 0.01, 500)
    y = 0.3 + 1.2 * m + rng.normal(0, 0.02, 500)
    lags = int(np.floor(4 * (500 / 100) ** (2 / 9)))
    ref = sm.OLS(y, sm.add_constant(m)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    for offset in (1.0, 100.0, 1e4):
        # a market of median size above 1 is refused as prices (data.units); lifted
        # here, as --trust-input-type does, to test the numbers at that level
        with trusted_returns():
            fit = bx.ols_beta(y[:, None], m + offset, se="hac")
        assert fit.beta_se.iloc[0] == pytest.approx(ref.bse[1], rel=1e-9)
