"""Factor betas: every asset regressed on several factors at once (OLS with an intercept).

Convention: for each asset, over the rows where the asset and every factor have values,

    y_t - rf_t = alpha + b_1 f_1t + ... + b_p f_pt + e_t,

with the risk-free rate (if given) taken off the asset side only: factors are used as
given, as in Fama-French data where ``Mkt-RF`` is already an excess return.  Alpha is
per period.  Standard errors are the classical (homoskedastic) ones, as statsmodels'
``OLS(...).fit()`` and Excel's LINEST give, or Newey-West's with ``se="hac"``
(:mod:`betaxl.hac`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data.dates import takes_date_format
from .data.labels import by_label, row_positions
from .data.panel import as_panel, as_returns
from .data.units import check_returns, in_decimals, read_units
from .data.values import ArrayLike
from .errors import DataError, problem, public
from .hac import hac_se, read_se, t_quantile
from .regression import excess

__all__ = ["FACTOR_STATS", "FactorFit", "factor_betas", "fit_factors"]

_EPS = np.finfo(np.float64).eps
#: Per-asset statistics besides the coefficient tables, in order.
FACTOR_STATS = ("r_squared", "adj_r_squared", "resid_std", "n_obs")
#: Above this condition number (of the factors' correlation matrix on an asset's rows)
#: the factors are taken as collinear and the fit is refused.
_COLLINEAR = 1e10
#: Missing-data patterns up to this many are fitted one pattern at a time (one QR each);
#: beyond it, all assets at once from their own cross-product matrices.
_PATTERNS = 16


@dataclass(frozen=True)
class FactorFit:
    """OLS of each asset on the factors; one row per asset in every field.

    ``coef``, ``se`` and ``t`` are DataFrames with the columns ``alpha`` and one per
    factor; ``r_squared``, ``adj_r_squared`` = 1 - (1 - R²)(n - 1)/(n - p - 1),
    ``resid_std`` = sqrt(SSR / (n - p - 1)) and ``n_obs`` are Series;
    ``beta_ci_low`` and ``beta_ci_high`` (columns as ``coef``) the 95% intervals
    ``coef +- t_{0.975, n-p-1} se``.
    """

    coef: pd.DataFrame
    se: pd.DataFrame
    t: pd.DataFrame
    r_squared: pd.Series
    adj_r_squared: pd.Series
    resid_std: pd.Series
    n_obs: pd.Series
    beta_ci_low: pd.DataFrame
    beta_ci_high: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row per asset: the coefficients, ``se:<name>``, ``t:<name>``, the stats,
        then ``ci_low:<name>`` and ``ci_high:<name>``."""
        return pd.concat([self.coef, self.se.add_prefix("se:"), self.t.add_prefix("t:"),
                          self.r_squared, self.adj_r_squared, self.resid_std,
                          self.n_obs, self.beta_ci_low.add_prefix("ci_low:"),
                          self.beta_ci_high.add_prefix("ci_high:")], axis=1)


def _qr_fit(f: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """OLS of each column of ``y`` (m, c) on ``[1, f]`` (m, p) by one QR: no missing values.

    Returns coef (c, p+1), the diagonal of (X'X)^-1 (p+1,), SSR and the centred SST (c,),
    and the condition number of the factors' correlation matrix.
    """
    m, c = y.shape
    cond = _condition(f)
    if not cond <= _COLLINEAR:  # refused by _check_rows; no solve on a singular matrix
        nan = np.full((c, f.shape[1] + 1), np.nan)
        return {"coef": nan, "diag": nan, "ssr": nan[:, 0], "sst": nan[:, 0],
                "cond": np.full(c, cond), "ymax": nan[:, 0]}
    x = np.hstack([np.ones((m, 1)), f])
    q, r = np.linalg.qr(x)
    qty = q.T @ y
    coef = np.linalg.solve(r, qty)  # r is (p+1, p+1), small
    resid = x @ coef
    np.subtract(y, resid, out=resid)  # residuals computed, not inferred: exact SSR
    ssr = np.einsum("ij,ij->j", resid, resid)
    # Q's first column is the intercept's (1/sqrt(m) ones, up to sign), so (Q'y)_0^2 is
    # m mean(y)^2 and the centred SST is SSR plus the other components' squares: a sum
    # of positive terms, with no cancellation and no second pass over y.
    sst = ssr + np.einsum("ij,ij->j", qty[1:], qty[1:])
    r_inv = np.linalg.inv(r)
    xtx_inv_diag = np.einsum("ij,ij->i", r_inv, r_inv)
    return {"coef": coef.T, "diag": np.broadcast_to(xtx_inv_diag, coef.T.shape),
            "ssr": ssr, "sst": sst, "cond": np.full(c, cond),
            "ymax": np.abs(y).max(axis=0, initial=0.0)}


def _condition(f: np.ndarray) -> float:
    """Condition number of the factors' correlation matrix (inf if one is constant)."""
    fc = f - f.mean(axis=0)
    norms = np.sqrt(np.einsum("ij,ij->j", fc, fc))
    scale = np.abs(f).max(axis=0, initial=0.0)
    if f.shape[0] < 2 or (norms <= np.sqrt(f.shape[0]) * 16 * _EPS * scale).any():
        return float("inf")
    return float(np.linalg.cond(fc / norms))


def _batched_fit(f: np.ndarray, y: np.ndarray, valid: np.ndarray) -> dict[str, np.ndarray]:
    """OLS of every column of ``y`` on ``[1, f]`` over its own rows ``valid[:, j]``.

    One pass for all assets: the per-asset cross products ``sum_t w_tj f_t f_t'`` are a
    single matrix product of the mask with the factors' pairwise products, then the
    (p x p) systems are solved together.  The factors are shifted by their overall mean
    first so that centring on each asset's rows loses no digits.  Missing cells of
    ``y`` must be NaN; rows with a missing factor must be ``False`` in ``valid``.
    """
    m, p = f.shape
    w = valid.astype(np.float64)
    shift = f.mean(axis=0)
    fs = f - shift
    y0 = np.where(valid, y, 0.0)
    n = w.sum(axis=0)
    safe_n = np.maximum(n, 1.0)
    pairs = (fs[:, :, None] * fs[:, None, :]).reshape(m, p * p)
    raw_ff = (pairs.T @ w).T.reshape(-1, p, p)  # (k, p, p); the long axis inside BLAS
    sum_f = (fs.T @ w).T  # (k, p)
    mean_f = sum_f / safe_n[:, None]
    sff = raw_ff - sum_f[:, :, None] * mean_f[:, None, :]
    mean_y = y0.sum(axis=0) / safe_n
    yc = np.where(valid, y - mean_y, 0.0)
    sfy = (fs.T @ yc).T  # (k, p): centred y, so no mean correction needed
    syy = np.einsum("ij,ij->j", yc, yc)
    d = np.sqrt(np.maximum(np.einsum("kii->ki", sff), 0.0))
    scale = np.abs(f).max(axis=0, initial=0.0)
    constant = (d <= np.sqrt(np.maximum(n, 1.0))[:, None] * 16 * _EPS * scale).any(axis=1)
    safe_d = np.where(d > 0, d, 1.0)
    corr = sff / safe_d[:, :, None] / safe_d[:, None, :]
    corr[constant] = np.eye(p)
    cond = np.where(constant, np.inf, np.linalg.cond(corr))
    corr[~(cond <= _COLLINEAR)] = np.eye(p)  # refused later; keep the solve regular
    beta_scaled = np.linalg.solve(corr, (sfy / safe_d)[:, :, None])[:, :, 0]
    beta = beta_scaled / safe_d
    inv_corr = np.linalg.inv(corr)
    inv_diag = np.einsum("kii->ki", inv_corr) / safe_d ** 2  # diag of Sff^-1
    mean_f_abs = mean_f + shift
    alpha = mean_y - np.einsum("kp,kp->k", beta, mean_f_abs)
    # var(alpha) / s^2 = 1/n + m' Sff^-1 m, with m the factors' means on the asset's rows
    sff_inv = inv_corr / safe_d[:, :, None] / safe_d[:, None, :]
    alpha_diag = 1.0 / safe_n + np.einsum("kp,kpq,kq->k", mean_f_abs, sff_inv, mean_f_abs)
    ssr = np.maximum(syy - np.einsum("kp,kp->k", beta, sfy), 0.0)
    return {"coef": np.column_stack([alpha, beta]),
            "diag": np.column_stack([alpha_diag, inv_diag]),
            "ssr": ssr, "sst": syy, "cond": cond,
            "ymax": np.abs(y0).max(axis=0, initial=0.0)}


def _fit_patterns(f: np.ndarray, y: np.ndarray, valid: np.ndarray) -> dict[str, np.ndarray]:
    """Fit every asset: one QR per distinct missing-data pattern, or all at once.

    Assets are grouped by the set of rows they use.  Complete data (the usual case) are
    one group and one QR for all assets.  With few patterns (assets that start on
    different dates) each pattern is one QR; with many (scattered gaps) all assets are
    solved at once from their own cross products (:func:`_batched_fit`), and any whose
    sums may have lost digits (nearly collinear factors or a nearly perfect fit) is
    refitted by QR on its own rows.
    """
    m, k = y.shape
    p = f.shape[1]
    out = {"coef": np.empty((k, p + 1)), "diag": np.empty((k, p + 1)),
           "ssr": np.empty(k), "sst": np.empty(k), "cond": np.empty(k),
           "ymax": np.empty(k)}

    def put(cols: np.ndarray, fit: Mapping[str, np.ndarray | float]) -> None:
        for key, values in out.items():
            values[cols] = fit[key]

    def qr_group(rows: np.ndarray, cols: np.ndarray) -> None:
        if rows.sum() < p + 2:  # too few rows: check_rows refuses it with a message
            put(cols, {"coef": np.nan, "diag": np.nan, "ssr": np.nan, "sst": np.nan,
                       "cond": np.inf, "ymax": np.nan})
            return
        every_row, every_col = bool(rows.all()), cols.size == k
        block = y if every_row and every_col else \
            (y[:, cols] if every_row else y[np.ix_(np.flatnonzero(rows), cols)])
        put(cols, _qr_fit(f if every_row else f[rows], block))

    full_cols = valid.all(axis=0)
    rest = np.flatnonzero(~full_cols)
    if full_cols.any():
        qr_group(np.ones(m, dtype=bool), np.flatnonzero(full_cols))
    if rest.size == 0:
        return out
    packed = np.packbits(valid[:, rest], axis=0).T  # one byte string per asset
    keys, group = np.unique(packed, axis=0, return_inverse=True)
    group = group.reshape(-1)
    if len(keys) <= _PATTERNS:
        for g in range(len(keys)):
            cols = rest[group == g]
            qr_group(valid[:, cols[0]], cols)
        return out
    fit = _batched_fit(f, y[:, rest], valid[:, rest])
    put(rest, fit)
    with np.errstate(divide="ignore", invalid="ignore"):
        # digits lost: cond^2 eps in the solve; Syy/SSR eps in SSR by subtraction
        shaky = (fit["cond"] ** 2 * _EPS > 1e-11) | (fit["sst"] * _EPS * 1e3 > fit["ssr"])
    for j in rest[shaky & np.isfinite(fit["cond"])]:
        qr_group(valid[:, j], np.array([j]))
    return out


def fit_factors(y: np.ndarray, f: np.ndarray) -> dict[str, np.ndarray]:
    """Coefficients of each column of ``y`` (n, k) on ``[1, f]`` (n, p); NaN = missing.

    No validation: rows with a missing factor are left out for every asset, rows with
    a missing ``y`` for that asset.  Keys: coef (k, p+1), diag (of (X'X)^-1), ssr, sst,
    cond (see :func:`_check_rows`) and n_obs.
    """
    complete = ~np.isnan(f).any(axis=1)
    valid = ~np.isnan(y)
    if complete.all():  # the usual case: no copy of y
        fit = _fit_patterns(f, y, valid)
    else:
        valid &= complete[:, None]
        fit = _fit_patterns(f[complete], y[complete], valid[complete])
    fit["n_obs"] = valid.sum(axis=0).astype(np.float64)
    return fit


def _check_rows(fit: dict[str, np.ndarray], n: np.ndarray, names: tuple[str, ...],
                factors: tuple[str, ...]) -> None:
    """Refuse assets with too few rows or with collinear/constant factors on their rows."""
    p = len(factors)
    short = np.flatnonzero(n < p + 2)
    if short.size:
        j = int(short[0])
        raise problem("", "returns", "column {name!r} has {m} rows where it and every factor "
                      "have values; {need} are needed for {p} factors and an intercept",
                      kind=DataError, name=names[j], m=int(n[j]), need=p + 2, p=p)
    bad = np.flatnonzero(~(fit["cond"] <= _COLLINEAR))
    if bad.size:
        j = int(bad[0])
        raise problem("", "factors", "are constant or collinear over the rows where "
                      "{returns} column {name!r} has values (condition number {c:.3g}); drop "
                      "a factor", kind=DataError, name=names[j], c=float(fit["cond"][j]))


#: How :func:`factor_betas` says to declare the factors' units.
FACTORS_HOW = ("factors are decimal returns (0.025 for 2.5%): for factors in percent (Ken "
               'French\'s files) give factor_units="percent"')


@public("factor_betas")
@takes_date_format
def factor_betas(returns: ArrayLike, factors: ArrayLike, *,
                 risk_free: ArrayLike | None = None, se: str = "classical",
                 hac_lags: int | None = None, date_format: str | None = None,
                 units: str | None = None, factor_units: str | None = None) -> FactorFit:
    """Regress each asset's returns on several factors at once (OLS with an intercept).

    Parameters
    ----------
    returns : DataFrame, Series or array, shape (n,) or (n, k)
        Per-period returns, oldest first, one column per asset; NaN = missing.
    factors : DataFrame or array, shape (n, p)
        Factor returns over the same rows, one column per factor (``Mkt-RF, SMB,
        HML``, ...).  With two pandas inputs the indexes must be equal.
    risk_free : float or array of shape (n,), optional
        Risk-free return per period (same frequency as the returns, not annual),
        subtracted from the asset returns only.
    se : {"classical", "hac"}, default "classical"
        ``"hac"``: Newey-West standard errors and t-statistics (see :mod:`betaxl.hac`).
    hac_lags : int, optional
        Lags of the Newey-West sum; default ``floor(4 (n/100)^(2/9))`` per asset.
    date_format : str, optional
        The strftime format of dates written as text in the row labels (and ``dates``),
        such as ``"%d/%m/%Y"``; needed when they read day first and month first.
    units : {"decimal", "percent"}, optional
        The units of the returns, the factors and the risk-free rate (see
        :mod:`betaxl.data.units`): ``"percent"`` divides them all by 100 when read (a
        factors file in percent, RF included, as Ken French's); results are decimals.
    factor_units : {"decimal", "percent"}, optional
        The units of the factors and the risk-free rate alone, where they differ from
        the returns': Ken French's factors file (``Mkt-RF, SMB, HML, RF`` in percent)
        beside decimal stock returns is ``factor_units="percent"``; default ``units``.
        Factors are checked as a market is: a column whose median size is above 1 (a
        typical period moving more than 100%: French's monthly percents) is refused.

    Returns
    -------
    FactorFit
        ``coef``, ``se``, ``t`` (assets x ``alpha`` + one column per factor),
        ``r_squared``, ``adj_r_squared``, ``resid_std``, ``n_obs``.

    Raises
    ------
    InputError
        Mismatched lengths or indexes, text in the data, infinite values.
    DataError
        An asset with fewer than p + 2 complete rows, or factors that are constant or
        collinear over an asset's rows.

    Notes
    -----
    For each asset, over its n rows with no missing value in the asset or any factor,
    with ``X = [1, F]``: ``coef = (X'X)^-1 X'y``, ``SSR = sum(e^2)``,
    ``resid_std = sqrt(SSR / (n - p - 1))`` (LINEST's ``se_y``),
    ``se = resid_std * sqrt(diag((X'X)^-1))``, ``t = coef / se``,
    ``r_squared = 1 - SSR / sum((y - mean(y))^2)``,
    ``adj_r_squared = 1 - (1 - r_squared)(n - 1) / (n - p - 1)``.  Equal to statsmodels
    ``OLS(y, add_constant(F), missing="drop").fit()``.  Excel's LINEST gives the same
    numbers with the coefficients in reverse order (last factor first, intercept last).
    With ``se="hac"``: statsmodels' ``fit(cov_type="HAC", cov_kwds={"maxlags": L})`` on
    the asset's own complete rows in date order.

    Examples
    --------
    y = 0.01 + 2 f1 - f2 exactly: the coefficients come back, R² is 1.

    >>> f = [[0.01, 0.02], [-0.02, 0.01], [0.03, -0.01], [0.00, 0.00], [0.02, 0.03]]
    >>> y = [0.01 + 2 * a - b for a, b in f]
    >>> fit = factor_betas(y, f)
    >>> [round(float(c), 12) for c in fit.coef.iloc[0]]
    [0.01, 2.0, -1.0]
    >>> float(round(fit.r_squared.iloc[0], 12)), int(fit.n_obs.iloc[0])
    (1.0, 5)
    """
    lags = read_se(se, hac_lags)
    unit = read_units(units)
    funit = unit if factor_units is None else read_units(factor_units, "factor_units")
    returns = in_decimals(returns, unit)
    factors, risk_free = (in_decimals(v, funit) for v in (factors, risk_free))
    panel = as_returns(returns, arg="returns", min_rows=1)
    fpanel = as_panel(factors, arg="factors")
    fvalues = fpanel.values
    check_returns(fvalues, fpanel.names, "factors", FACTORS_HOW)  # as a market is
    if by_label(fpanel.index, panel.index, arg="factors"):  # dated factors: by date
        assert panel.index is not None and fpanel.index is not None
        pos = row_positions(fpanel.index, panel.index, arg="factors")
        fvalues = fvalues if pos is None else fvalues[pos]
    elif fpanel.n != panel.n:
        raise problem("", "factors", "has {m} rows but {returns} has {n}", m=fpanel.n,
                      n=panel.n)
    names = ["alpha", *fpanel.names]
    if len(set(names)) < len(names):
        twice = next(name for name in names if names.count(name) > 1)
        raise problem("", "factors", "has two columns named {name!r} (or one named like "
                      "the intercept, 'alpha'); give each factor its own name", name=twice)
    y = excess(panel.values, risk_free, panel.n, panel.index, declared=funit is not None)
    fit = fit_factors(y, fvalues)
    n = fit["n_obs"]
    _check_rows(fit, n, panel.names, fpanel.names)
    p = fpanel.k
    dof = n - p - 1
    resid_var = fit["ssr"] / dof
    se_values = np.sqrt(resid_var[:, None] * fit["diag"])
    if lags is not None:
        valid = ~np.isnan(y) & ~np.isnan(fvalues).any(axis=1)[:, None]
        design = np.column_stack([np.ones(panel.n), np.where(np.isnan(fvalues), 0.0,
                                                             fvalues)])
        resid = np.where(valid, y - design @ fit["coef"].T, 0.0)
        se_values = hac_se(design, resid, valid, lags)
    half = np.array([t_quantile(d) for d in dof])[:, None] * se_values
    with np.errstate(divide="ignore", invalid="ignore"):
        t = fit["coef"] / se_values
        # an asset that does not move (beyond rounding) has no R²
        moves = fit["sst"] > n * (16 * _EPS * fit["ymax"]) ** 2
        r2 = np.where(moves, 1.0 - fit["ssr"] / np.where(moves, fit["sst"], 1.0), np.nan)
    r2 = np.where(moves, np.clip(r2, 0.0, 1.0), np.nan)
    adj = 1.0 - (1.0 - r2) * (n - 1.0) / dof
    cols = pd.Index(names)
    rows = panel.columns

    def table(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=rows, columns=cols)

    return FactorFit(
        coef=table(fit["coef"]), se=table(se_values), t=table(t),
        r_squared=pd.Series(r2, index=rows, name="r_squared"),
        adj_r_squared=pd.Series(adj, index=rows, name="adj_r_squared"),
        resid_std=pd.Series(np.sqrt(resid_var), index=rows, name="resid_std"),
        n_obs=pd.Series(n.astype(np.int64), index=rows, name="n_obs"),
        beta_ci_low=table(fit["coef"] - half), beta_ci_high=table(fit["coef"] + half),
    )
