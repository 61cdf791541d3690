"""factor_betas against statsmodels, R's lm() and exact arithmetic; edges and errors."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

import betaxl as bx
from betaxl.data.units import trusted_returns
from betaxl.errors import DataError, InputError

from .french_data import ASSETS, FACTORS, french_panel

DATA = Path(__file__).parent / "data"
FF3 = ["MktRF", "SMB", "HML"]


def _reference(y: np.ndarray, f: np.ndarray, method: str = "qr") -> dict[str, np.ndarray]:
    """statsmodels OLS with an intercept, rows with a missing value dropped.

    ``method="qr"`` by default: statsmodels' own default (a pseudo-inverse) can lose up
    to about 1e-9 of a tiny alpha's relative precision, QR does not (see the exact
    fractions below).
    """
    keep = ~(np.isnan(y) | np.isnan(f).any(axis=1))
    res = sm.OLS(y[keep], sm.add_constant(f[keep], has_constant="add")).fit(method=method)
    return {"coef": res.params, "se": res.bse, "t": res.tvalues, "r_squared": res.rsquared,
            "adj_r_squared": res.rsquared_adj, "resid_std": np.sqrt(res.scale),
            "n_obs": res.nobs}


def _assert_matches(fit: bx.FactorFit, y: pd.DataFrame, f: pd.DataFrame,
                    rtol: float = 1e-9, method: str = "qr") -> None:
    for col in y:
        ref = _reference(y[col].to_numpy(), f.to_numpy(), method)
        for key in ("coef", "se", "t"):
            np.testing.assert_allclose(getattr(fit, key).loc[col], ref[key], rtol=rtol,
                                       err_msg=f"{col} {key}")
        for key in ("r_squared", "adj_r_squared", "resid_std", "n_obs"):
            np.testing.assert_allclose(getattr(fit, key)[col], ref[key], rtol=rtol,
                                       err_msg=f"{col} {key}")


@pytest.mark.parametrize("factors", [FF3, FACTORS], ids=["ff3", "ff4"])
def test_fama_french_matches_statsmodels(factors: list[str]) -> None:
    data = french_panel()  # gaps: a late start, an early end, scattered, and in SMB
    fit = bx.factor_betas(data[ASSETS], data[factors], risk_free=data["RF"])
    for method in ("qr", "pinv"):  # statsmodels' default fit too
        _assert_matches(fit, data[ASSETS].sub(data["RF"], axis=0), data[factors],
                        method=method)
    assert list(fit.coef.columns) == ["alpha", *factors]
    assert list(fit.coef.index) == ASSETS
    # Durbl: 24 late months and the two SMB gaps (rows 100, 101) are left out
    assert fit.n_obs["Durbl"] == 819 - 24 - 2
    assert fit.n_obs["NoDur"] == 819 - 2


def test_matches_r_lm() -> None:
    """R's summary(lm(...)) on the same data: tests/data/make_reference.R."""
    ref = pd.read_csv(DATA / "r_reference.csv")
    data = french_panel()
    for model, factors in (("ff3", FF3), ("ff4", FACTORS)):
        table = bx.factor_betas(data[ASSETS], data[factors], risk_free=data["RF"]).to_frame()
        table = table.rename(columns={name: f"coef:{name}" for name in ["alpha", *factors]})
        rows = ref[ref.model == model]
        assert len(rows) == len(ASSETS) * (3 * (len(factors) + 1) + 4)
        for asset, quantity, value in rows[["asset", "quantity", "value"]].itertuples(
                index=False):
            assert table.loc[asset, quantity] == pytest.approx(value, rel=1e-10), \
                (asset, quantity)


def test_exact_against_fractions() -> None:
    """A small system solved in exact rational arithmetic: coefficients to 1e-14."""
    rng = np.random.default_rng(7)
    f = np.round(rng.normal(0, 0.05, (9, 3)), 4)
    y = np.round(f @ [1.2, -0.4, 0.3] + 2e-5 + rng.normal(0, 0.01, 9), 4)
    x = [[Fraction(1), *map(Fraction, row)] for row in f.tolist()]
    xtx = [[sum(r[i] * r[j] for r in x) for j in range(4)] for i in range(4)]
    xty = [sum(r[i] * Fraction(v) for r, v in zip(x, y.tolist())) for i in range(4)]
    # Gauss-Jordan elimination in fractions
    a = [row[:] + [b] for row, b in zip(xtx, xty)]
    for i in range(4):
        a[i] = [v / a[i][i] for v in a[i]]
        for r in range(4):
            if r != i:
                a[r] = [vr - a[r][i] * vi for vr, vi in zip(a[r], a[i])]
    exact = np.array([float(row[-1]) for row in a])
    fit = bx.factor_betas(y, f)
    np.testing.assert_allclose(fit.coef.iloc[0].to_numpy(), exact, rtol=1e-13)


def test_hand_checked_perfect_fit_and_names() -> None:
    f = pd.DataFrame({"mkt": [0.01, -0.02, 0.03, 0.0, 0.02],
                      "smb": [0.02, 0.01, -0.01, 0.0, 0.03]})
    y = pd.DataFrame({"a": 0.01 + 2 * f.mkt - f.smb, "b": -0.5 * f.smb})
    fit = bx.factor_betas(y, f)
    np.testing.assert_allclose(fit.coef.to_numpy(), [[0.01, 2, -1], [0, 0, -0.5]],
                               atol=1e-15)
    np.testing.assert_allclose(fit.r_squared.to_numpy(), [1.0, 1.0], atol=1e-15)
    assert fit.to_frame().columns[:3].tolist() == ["alpha", "mkt", "smb"]
    assert fit.to_frame().loc["a", "n_obs"] == 5


def test_risk_free_is_taken_off_the_asset_side_only() -> None:
    data = french_panel(holes=False)
    with_rf = bx.factor_betas(data[ASSETS], data[FF3], risk_free=data["RF"])
    manual = bx.factor_betas(data[ASSETS].sub(data["RF"], axis=0), data[FF3])
    pd.testing.assert_frame_equal(with_rf.coef, manual.coef, rtol=0, atol=0)
    scalar = bx.factor_betas(data[ASSETS], data[FF3], risk_free=0.001)
    np.testing.assert_allclose(scalar.coef.alpha + 0.001,
                               bx.factor_betas(data[ASSETS], data[FF3]).coef.alpha,
                               rtol=1e-10)
    np.testing.assert_allclose(scalar.coef[FF3], manual.coef[FF3] * 0 +
                               bx.factor_betas(data[ASSETS], data[FF3]).coef[FF3],
                               rtol=1e-12)


@pytest.mark.parametrize("pattern", ["complete", "few", "many", "mixed"])
def test_missing_patterns_match_statsmodels(pattern: str) -> None:
    """Each fitting path: one QR, one QR per pattern, all assets at once."""
    rng = np.random.default_rng(11)
    n, k = 400, 60
    f = pd.DataFrame(rng.normal(0, 0.04, (n, 3)), columns=["f1", "f2", "f3"])
    y = pd.DataFrame(f.to_numpy() @ rng.normal(1, 0.5, (3, k)) + 0.002 +
                     rng.normal(0, 0.03, (n, k)))
    y.columns = [f"a{j}" for j in range(k)]
    if pattern in ("few", "mixed"):
        for j, start in enumerate(rng.integers(0, 100, 5)):
            y.iloc[:start, j * 5:(j + 1) * 5] = np.nan
    if pattern in ("many", "mixed"):
        y = y.mask(rng.random(y.shape) < 0.03)
        f.iloc[7, 1] = np.nan
    _assert_matches(bx.factor_betas(y, f), y, f)


def test_nearly_collinear_and_nearly_perfect_fits_are_refitted_exactly() -> None:
    """The all-at-once path's sums lose digits here; the QR refit must catch it."""
    rng = np.random.default_rng(5)
    n, k = 300, 40
    base = rng.normal(0, 0.04, n)
    f = pd.DataFrame({"f1": base, "f2": base + rng.normal(0, 1e-5, n),
                      "f3": rng.normal(0, 0.04, n)})
    y = pd.DataFrame(f.to_numpy() @ rng.normal(1, 0.5, (3, k)) + rng.normal(0, 1e-9, (n, k)))
    y = y.mask(rng.random(y.shape) < 0.03)  # scattered gaps: the all-at-once path
    y.columns = [f"a{j}" for j in range(k)]
    _assert_matches(bx.factor_betas(y, f), y, f, rtol=1e-7)


def test_inputs_are_not_modified() -> None:
    data = french_panel()
    before = data.copy()
    bx.factor_betas(data[ASSETS], data[FACTORS], risk_free=data["RF"])
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize("factors, message", [
    (np.ones((6, 2)), "factors are constant or collinear"),
    (np.column_stack([np.arange(6.0), 2 * np.arange(6.0)]) / 100, "factors are constant or "
                                                                   "collinear"),
])
def test_singular_factors_are_refused(factors: np.ndarray, message: str) -> None:
    y = np.arange(6.0) ** 2
    with pytest.raises(DataError, match=f"^factor_betas: {message} over the rows where "
                                        "returns column 'returns'"):
        bx.factor_betas(y, factors)


def test_too_few_rows_and_bad_shapes() -> None:
    f = np.random.default_rng(1).normal(size=(10, 3))
    y = np.full(10, np.nan)
    y[:4] = [0.1, 0.2, 0.3, 0.1]
    with pytest.raises(DataError, match=r"^factor_betas: returns column 'returns' has 4 "
                                        r"rows where it and every factor have values; 5 "
                                        r"are needed for 3 factors"):
        bx.factor_betas(y, f)
    with pytest.raises(InputError, match="^factor_betas: factors has 9 rows but returns "
                                         "has 10"):
        bx.factor_betas(np.zeros(10), f[:9])
    with pytest.raises(InputError, match="^factor_betas: factors has 10 rows labelled 1 to "
                                         "10 but returns has 10 rows labelled 0 to 9"):
        bx.factor_betas(pd.Series(np.arange(10.0)), pd.DataFrame(f, index=range(1, 11)))
    with pytest.raises(InputError, match="^factor_betas: risk_free has 10 rows labelled 1 to 10"):
        bx.factor_betas(pd.Series(np.arange(10.0)), pd.DataFrame(f),
                        risk_free=pd.Series(0.001, index=range(1, 11)))
    with pytest.raises(InputError, match="^factor_betas: factors has a non-numeric value"):
        bx.factor_betas(np.zeros(3), [["a", 1.0], [1.0, 2.0], [3.0, 4.0]])


def test_duplicate_factor_names_are_refused() -> None:
    f = pd.DataFrame(np.random.default_rng(1).normal(size=(10, 2)), columns=["mkt", "alpha"])
    with pytest.raises(InputError, match="^factor_betas: factors has two columns named "
                                         "'alpha'"):
        bx.factor_betas(np.arange(10.0), f)
    f.columns = ["mkt", "mkt"]
    with pytest.raises(InputError, match="^factor_betas: factors has the column name 'mkt' "
                                         "more than once"):
        bx.factor_betas(np.arange(10.0), f)


def test_constant_asset_perfect_fit_and_empty_column() -> None:
    """Never a warning or a traceback: R² is undefined for a constant asset, t is infinite
    for an exact fit (a blank cell in Excel), an all-missing column is the documented
    error."""
    f = np.random.default_rng(2).normal(0, 0.05, size=(8, 2))  # returns above -100%
    fit = bx.factor_betas(np.column_stack([np.full(8, 0.01), f @ [1.0, 2.0]]), f)
    assert np.isnan(fit.r_squared.iloc[0]) and fit.coef.iloc[0, 0] == pytest.approx(0.01)
    np.testing.assert_allclose(fit.coef.iloc[1], [0, 1, 2], atol=1e-14)
    assert fit.resid_std.iloc[1] < 1e-15
    with pytest.raises(DataError, match="column 'returns_2' has 0 rows"):
        bx.factor_betas(np.column_stack([f[:, 0], np.full(8, np.nan)]), f)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(-5, 5), st.floats(-0.1, 0.1),
       st.floats(0.01, 100))
def test_linearity(seed: int, c: float, shift: float, scale: float) -> None:
    """y -> scale * y + shift + c * f1 moves the coefficients exactly that way."""
    rng = np.random.default_rng(seed)
    # kept above -100% after the move (betaxl refuses such returns)
    f = rng.normal(0, 0.02, (40, 3))
    y = rng.uniform(0.0, 0.1, 40)
    y[rng.random(40) < 0.1] = np.nan
    base = bx.factor_betas(y, f).coef.iloc[0].to_numpy()
    moved = bx.factor_betas(scale * y + shift + c * f[:, 0], f).coef.iloc[0].to_numpy()
    expected = scale * base + np.array([shift, c, 0.0, 0.0])
    np.testing.assert_allclose(moved, expected, rtol=1e-9, atol=1e-12 * (1 + abs(c)))


@pytest.mark.parametrize("rows", [0, 1, 2, 3, 4])
def test_tiny_inputs_give_the_documented_error(rows: int) -> None:
    rng = np.random.default_rng(rows)
    with pytest.raises((DataError, InputError), match="^factor_betas: "):
        bx.factor_betas(rng.normal(size=(rows, 2)), rng.normal(size=(rows, 3)))


def test_huge_and_tiny_scales() -> None:
    """Units do not matter: scaling y scales the coefficients, scaling f divides them."""
    data = french_panel(holes=False)
    data[ASSETS] = data[ASSETS] - data[ASSETS].min()  # >= 0, so any scale stays above -100%
    base = bx.factor_betas(data[ASSETS], data[FF3]).coef
    for sy, sf in ((1e40, 1.0), (1.0, 1e-30), (1e-30, 1e20)):
        with trusted_returns():  # factors of 1e20 a period: the size rule lifted
            scaled = bx.factor_betas(data[ASSETS] * sy, data[FF3] * sf).coef
        np.testing.assert_allclose(scaled["alpha"], base["alpha"] * sy, rtol=1e-9)
        np.testing.assert_allclose(scaled[FF3], base[FF3] * sy / sf, rtol=1e-9)
