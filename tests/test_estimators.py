"""beta_estimates against PerformanceAnalytics, statsmodels, pandas and hand arithmetic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import betaxl as bx
from betaxl.errors import DataError, InputError

from .french_data import ASSETS, french_panel

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    """tests/data/r_reference.csv, made by tests/data/make_reference.py (R 4.2.2,
    PerformanceAnalytics 2.1.0, xts 0.13.0)."""
    table = pd.read_csv(DATA / "r_reference.csv")
    return table.set_index(["model", "quantity", "asset"]).sort_index()


@pytest.mark.parametrize("with_rf", [False, True], ids=["no_rf", "rf"])
def test_ols_bull_bear_equal_performance_analytics(reference: pd.DataFrame,
                                                   with_rf: bool) -> None:
    """CAPM.beta, CAPM.beta.bull and CAPM.beta.bear (digits = NULL), gaps included."""
    data = french_panel()
    if with_rf:
        est = bx.beta_estimates(data[ASSETS], data["MktRF"] + data["RF"],
                                risk_free=data["RF"])
    else:
        est = bx.beta_estimates(data[ASSETS], data["MktRF"])
    model = "pa_rf" if with_rf else "pa"
    for ours, theirs in (("ols", "beta"), ("bull", "bull"), ("bear", "bear")):
        expected = reference.loc[(model, theirs)]["value"].reindex(ASSETS)
        np.testing.assert_allclose(getattr(est, ours).to_numpy(), expected.to_numpy(),
                                   rtol=1e-12, err_msg=ours)


def test_dimson_equals_statsmodels_on_the_lagged_market() -> None:
    data = french_panel()
    x = data["MktRF"]
    for lags in (0, 1, 3):
        est = bx.beta_estimates(data[ASSETS], x, lags=lags)
        design = pd.concat({f"lag{j}": x.shift(j) for j in range(-lags, lags + 1)}, axis=1)
        for asset in ASSETS:
            frame = pd.concat([data[asset], design], axis=1).dropna()
            res = sm.OLS(frame[asset], sm.add_constant(frame[design.columns])).fit(
                method="qr")
            assert est.dimson[asset] == pytest.approx(res.params.iloc[1:].sum(),
                                                      rel=1e-10), (lags, asset)


def test_dimson_equals_r_lm(reference: pd.DataFrame) -> None:
    data = french_panel()
    est = bx.beta_estimates(data[ASSETS], data["MktRF"], lags=1)
    expected = reference.loc[("dimson1", "dimson")]["value"].reindex(ASSETS)
    np.testing.assert_allclose(est.dimson.to_numpy(), expected.to_numpy(), rtol=1e-10)


def test_dimson_with_no_lags_is_ols() -> None:
    data = french_panel()
    est = bx.beta_estimates(data[ASSETS], data["MktRF"], lags=0)
    np.testing.assert_allclose(est.dimson, est.ols, rtol=1e-12)


def test_scholes_williams_by_its_definition() -> None:
    """(b_-1 + b_0 + b_+1) / (1 + 2 rho), each piece from statsmodels on the common rows."""
    data = french_panel()
    x = data["MktRF"]
    est = bx.beta_estimates(data[ASSETS], x)
    rho = x.autocorr(1)
    for asset in ASSETS:
        frame = pd.concat({"y": data[asset], "m1": x.shift(1), "m0": x, "p1": x.shift(-1)},
                          axis=1).dropna()
        slopes = [sm.OLS(frame.y, sm.add_constant(frame[c])).fit().params.iloc[1]
                  for c in ("m1", "m0", "p1")]
        assert est.scholes_williams[asset] == pytest.approx(sum(slopes) / (1 + 2 * rho),
                                                            rel=1e-10)


def test_blume_and_vasicek_by_hand() -> None:
    """Three assets; the Vasicek weights worked out from ols_beta's betas and errors."""
    data = french_panel(holes=False)
    cols = ["NoDur", "Enrgy", "BusEq"]
    est = bx.beta_estimates(data[cols], data["MktRF"])
    fit = bx.ols_beta(data[cols], data["MktRF"])
    np.testing.assert_allclose(est.blume, 2 / 3 * fit.beta + 1 / 3, rtol=1e-15)
    b, se = fit.beta.to_numpy(), fit.beta_se.to_numpy()
    s2 = sum((v - b.mean()) ** 2 for v in b) / 2  # sample variance across assets
    w = s2 / (s2 + se ** 2)
    np.testing.assert_allclose(est.vasicek, w * b + (1 - w) * b.mean(), rtol=1e-13)
    # shrinkage pulls every beta towards the mean, never past it
    assert ((est.vasicek - b.mean()).abs() <= (est.ols - b.mean()).abs()).all()


def test_ewma_equals_pandas_ewm() -> None:
    data = french_panel(holes=False)
    x = data["MktRF"]
    for halflife in (6, 36.5):
        est = bx.beta_estimates(data[ASSETS], x, halflife=halflife)
        for asset in ASSETS:
            y = data[asset]
            expected = (y.ewm(halflife=halflife).cov(x).iloc[-1]
                        / x.ewm(halflife=halflife).var().iloc[-1])
            assert est.ewma[asset] == pytest.approx(expected, rel=1e-10), asset


def test_ewma_with_a_huge_halflife_is_ols() -> None:
    data = french_panel()
    est = bx.beta_estimates(data[ASSETS], data["MktRF"], halflife=1e12)
    np.testing.assert_allclose(est.ewma, est.ols, rtol=1e-8)


def test_to_frame_and_single_asset() -> None:
    x = np.array([0.01, -0.02, 0.03, 0.00, -0.01, 0.02, -0.03, 0.01])
    frame = bx.beta_estimates(pd.DataFrame({"a": 2 * x, "b": -x}), x, halflife=4).to_frame()
    assert frame.columns.tolist() == ["ols", "blume", "vasicek", "dimson",
                                      "scholes_williams", "bull", "bear", "ewma"]
    assert frame.index.tolist() == ["a", "b"]
    np.testing.assert_allclose(frame.loc["a", ["ols", "dimson", "bull", "bear", "ewma"]], 2,
                               rtol=1e-12)
    one = bx.beta_estimates(2 * x, x)
    assert np.isnan(one.vasicek.iloc[0]) and np.isnan(one.ewma.iloc[0])


def test_bull_and_bear_need_three_such_periods() -> None:
    x = [0.01, 0.02, 0.03, 0.04, -0.01, 0.02]  # one down period
    est = bx.beta_estimates([0.02, 0.03, 0.07, 0.08, -0.01, 0.05], x, lags=0)
    assert np.isnan(est.bear.iloc[0]) and np.isfinite(est.bull.iloc[0])


def test_errors() -> None:
    x = np.random.default_rng(2).normal(0, 0.05, size=8)  # returns above -100%
    with pytest.raises(InputError, match="^beta_estimates: lags must be a whole number of "
                                         "at least 0, got -1"):
        bx.beta_estimates(x, x, lags=-1)
    with pytest.raises(InputError, match="^beta_estimates: halflife must be a positive"):
        bx.beta_estimates(x, x, halflife=0)
    with pytest.raises(DataError, match="^beta_estimates: returns column 'returns' has 4 rows "
                                        "with the market and its 2 lags and leads; the "
                                        "Dimson regression needs 7"):
        bx.beta_estimates(x, x, lags=2)  # 8 rows, of which the first and last 2 drop
    with pytest.raises(DataError, match=r"^beta_estimates: lags is 9: the Dimson regression "
                                        r"needs at least 2 x lags \+ 3 = 21 rows, and "
                                        r"returns has 8"):
        bx.beta_estimates(x, x, lags=9)  # more lags than rows
    with pytest.raises(DataError, match="lags is 1000000000000"):
        bx.beta_estimates(x, x, lags=10 ** 12)  # refused at once, nothing built
    with pytest.raises(DataError, match="^beta_estimates: market is constant"):
        bx.beta_estimates(x, np.ones(8))
    with pytest.raises(InputError, match="^beta_estimates: risk_free has 8 rows labelled 1 to 8"):
        bx.beta_estimates(pd.Series(x), pd.Series(x),
                          risk_free=pd.Series(0.001, index=range(1, 9)))
    with pytest.raises(InputError, match="^beta_estimates: market has 7 rows"):
        bx.beta_estimates(x, x[:7])


@pytest.mark.parametrize("rows", [0, 1, 2, 3, 4])
def test_tiny_inputs_give_the_documented_error_or_numbers(rows: int) -> None:
    rng = np.random.default_rng(rows)
    try:
        est = bx.beta_estimates(rng.normal(size=(rows, 2)), rng.normal(size=rows), lags=0)
    except (DataError, InputError) as exc:
        assert str(exc).startswith("beta_estimates: ")
    else:
        assert np.isfinite(est.ols).all()
