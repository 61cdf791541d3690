"""OLS betas of many assets on one market, all columns at once.

Convention (the only one betaxl uses unless a name says ``reverse``): each asset's
returns ``y`` are regressed on the market's returns ``x`` with an intercept,

    y_t = alpha + beta * x_t + e_t,

so ``beta = Sxy / Sxx`` with centred sums over the rows where both values exist.
Alpha is per period, in the returns' own units.  With a risk-free rate both sides are
excess returns first (the CAPM regression; alpha is then Jensen's alpha per period).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data.dates import takes_date_format
from .data.labels import as_column
from .data.panel import FieldTable, Panel, as_panel
from .data.units import check_rate, check_returns, dated_periods, in_decimals, read_units
from .data.values import ArrayLike, no_total_loss
from .errors import Arg, DataError, count, problem, public
from .hac import hac_se, read_se, t_quantile

__all__ = ["OLS_FIELDS", "OLSFit", "ols_beta"]

_EPS = np.finfo(np.float64).eps
MIN_OBS = 3

#: Row labels of the full statistics table, in order (also BETA_OLS's ``stats`` rows).
OLS_FIELDS = ("beta", "alpha", "r_squared", "correlation", "beta_se", "alpha_se",
              "beta_t", "alpha_t", "resid_std", "n_obs", "adjusted_beta", "beta_ci_low",
              "beta_ci_high")


@dataclass(frozen=True)
class OLSFit(FieldTable):
    """OLS of each asset on the market with an intercept; every field is indexed by asset.

    ``beta``, ``alpha`` (per period), ``r_squared``, ``correlation``, ``beta_se`` and
    ``alpha_se`` (classical, homoskedastic standard errors, or Newey-West with
    ``se="hac"``), ``beta_t``, ``alpha_t``, ``resid_std`` = sqrt(SSR / (n - 2)) (Excel's
    STEYX), ``n_obs`` (rows used), ``adjusted_beta`` = 2/3 beta + 1/3 (Blume) and
    ``beta_ci_low``, ``beta_ci_high``: the 95% interval ``beta +- t_{0.975, n-2} beta_se``.
    """

    beta: pd.Series
    alpha: pd.Series
    r_squared: pd.Series
    correlation: pd.Series
    beta_se: pd.Series
    alpha_se: pd.Series
    beta_t: pd.Series
    alpha_t: pd.Series
    resid_std: pd.Series
    n_obs: pd.Series
    adjusted_beta: pd.Series
    beta_ci_low: pd.Series
    beta_ci_high: pd.Series


def fit_columns(y: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray]:
    """Closed-form OLS of each column of ``y`` on ``x`` (one column or one per y column).

    Missing values (NaN) are dropped pairwise per column.  No validation: callers check
    that every column has ``n_obs >= 3`` and a market that moves (:func:`check_fit`).

    With one market column (the usual case) the sums come from single passes over the
    zero-filled data, with numpy's own additions (not BLAS, whose kernels add in
    different orders), so the results do not depend on the CPU.  Raw moments lose digits
    when a column's mean is large next to its spread (price levels) or when the fit is
    nearly perfect; a rounding-error bound flags those columns, and they are refitted
    with the two-pass centred formula, which does not depend on the data's level.
    """
    if x.shape[1] != 1 or y.shape[1] == 0:
        return _fit_centred(y, x)
    xv = x[:, 0]
    rows_all, k = y.shape
    x_missing = np.isnan(xv)
    shift = float(np.mean(xv[~x_missing])) if (~x_missing).any() else 0.0
    x0 = np.where(x_missing, 0.0, xv - shift)
    # Missing cells are few: find them once and correct the full-column sums for them,
    # rather than building a dense mask (dense temporaries cost more than the maths).
    cells = np.flatnonzero(np.isnan(y))
    rows, cols = np.divmod(cells, k)
    keep = ~x_missing[rows]  # cells in rows without a market value are counted below
    rows, cols = rows[keep], cols[keep]
    y0 = y.copy()
    y0.reshape(-1)[cells] = 0.0
    y0[x_missing] = 0.0
    n = (rows_all - x_missing.sum()) - np.bincount(cols, minlength=k).astype(np.float64)
    sx = x0.sum() - np.bincount(cols, x0[rows], minlength=k)
    # numpy's own additions (row by row, or pairwise), never a BLAS product: the sums
    # are the same bytes under every BLAS kernel (OPENBLAS_CORETYPE), like rolling's
    sxx_raw = np.add.reduce(x0 * x0) - np.bincount(cols, x0[rows] ** 2, minlength=k)
    sy, sxy_raw = y0.sum(axis=0), np.einsum("i,ij->j", x0, y0)
    syy_raw = np.einsum("ij,ij->j", y0, y0)
    safe_n = np.maximum(n, 1.0)
    mx, my = sx / safe_n, sy / safe_n
    sxx = sxx_raw - sx * mx
    sxy = sxy_raw - sx * my
    syy = np.maximum(syy_raw - sy * my, 0.0)
    scale = np.max(np.abs(x0), initial=0.0) + abs(shift)
    flat = sxx <= n * (16 * _EPS * scale) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(flat, np.nan, sxy / np.where(flat, 1.0, sxx))
        ssr = np.maximum(syy - beta * sxy, 0.0)
        # relative rounding error of syy, sxx and ssr, from the size of what cancelled
        bound = _EPS * 64 * (syy_raw / syy + sxx_raw / sxx + syy_raw / ssr)
    redo = ~flat & ~(bound <= 1e-11)
    out = _finish(n, mx + shift, my, sxx, syy, sxy, ssr, beta, flat)
    tiny = (syy_raw < _TINY) | (sxx_raw < _TINY)  # squares near underflow: rescale
    for cols, fit in ((np.flatnonzero(redo & ~tiny), _fit_centred),
                      (np.flatnonzero(tiny & (n > 0)), _fit_scaled)):
        if cols.size:
            exact = fit(y[:, cols], x)
            for key, values in out.items():
                values[cols] = exact[key]
    return out


_TINY = 1e-200


def _fit_scaled(y: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray]:
    """Two-pass OLS on data scaled by powers of two (exact), for values near 1e-300.

    With ``x' = x 2^ea`` and ``y' = y 2^eb``: beta = beta' 2^(ea-eb), alpha = alpha'
    2^-eb, and the standard errors and sums scale the same way; R², correlation and t
    are unchanged.  Every factor is applied with ldexp, so denormal inputs (exponents
    up to 1074, beyond a double's range as a factor) scale exactly too.
    """
    def exponent(values: np.ndarray) -> np.ndarray:
        top = np.nanmax(np.where(np.isnan(values), 0.0, np.abs(values)), axis=0)
        return -np.frexp(np.where(top > 0, top, 1.0))[1]

    def scaled(values: np.ndarray, power: np.ndarray) -> np.ndarray:
        half = power // 2  # two steps: 2^1074 itself is not a double
        return np.ldexp(np.ldexp(values, half), power - half)

    ea, eb = exponent(x), exponent(y)
    fit = _fit_centred(scaled(y, eb), scaled(x, ea))
    with np.errstate(over="ignore", under="ignore"):  # the raw sums may not fit unscaled
        for key in ("beta", "beta_se"):
            fit[key] = scaled(fit[key], ea - eb)
        for key in ("alpha", "alpha_se", "resid_std"):
            fit[key] = scaled(fit[key], -eb)
        fit["ssr"], fit["syy"] = scaled(fit["ssr"], -2 * eb), scaled(fit["syy"], -2 * eb)
        fit["sxx"], fit["sxy"] = scaled(fit["sxx"], -2 * ea), scaled(fit["sxy"], -ea - eb)
        fit["adjusted_beta"] = 2.0 / 3.0 * fit["beta"] + 1.0 / 3.0
    return fit


def _fit_centred(y: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray]:
    """Corrected two-pass OLS: means over each column's own rows, then centred products.

    The computed means are rounded, so the centred values do not sum to exactly zero;
    each sum takes the correction ``- sum(xc) sum(yc) / n`` (Bjorck's corrected two-pass
    algorithm), and the means absorb ``sum(xc) / n``.  Without it, data at a level of
    1e9 with a spread of 1e-3 lose about ten digits of beta.
    """
    valid = ~(np.isnan(y) | np.isnan(x))
    n = valid.sum(axis=0).astype(np.float64)
    safe_n = np.maximum(n, 1)
    mx = np.where(valid, x, 0.0).sum(axis=0) / safe_n
    my = np.where(valid, y, 0.0).sum(axis=0) / safe_n
    xc = np.where(valid, x - mx, 0.0)
    yc = np.where(valid, y - my, 0.0)
    ex, ey = xc.sum(axis=0), yc.sum(axis=0)  # what rounding left of the means
    sxx = np.einsum("ij,ij->j", xc, xc) - ex * ex / safe_n
    syy = np.maximum(np.einsum("ij,ij->j", yc, yc) - ey * ey / safe_n, 0.0)
    sxy = np.einsum("ij,ij->j", xc, yc) - ex * ey / safe_n
    mx, my = mx + ex / safe_n, my + ey / safe_n
    scale = np.where(valid, np.abs(x), 0.0).max(axis=0, initial=0.0)
    flat = sxx <= n * (16 * _EPS * scale) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(flat, np.nan, sxy / np.where(flat, 1.0, sxx))
        resid = np.where(valid, yc - beta * xc, 0.0)
    er = resid.sum(axis=0)
    ssr = np.maximum(np.einsum("ij,ij->j", resid, resid) - er * er / safe_n, 0.0)
    return _finish(n, mx, my, sxx, syy, sxy, ssr, beta, flat)


def _finish(n: np.ndarray, mx: np.ndarray, my: np.ndarray, sxx: np.ndarray,
            syy: np.ndarray, sxy: np.ndarray, ssr: np.ndarray, beta: np.ndarray,
            flat: np.ndarray) -> dict[str, np.ndarray]:
    """Every statistic from the centred sums (shared by both fitting paths)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = my - beta * mx
        resid_std = np.sqrt(ssr / (n - 2.0))
        beta_se = resid_std / np.sqrt(sxx)
        alpha_se = resid_std * np.sqrt(1.0 / n + mx * mx / sxx)
        moves = syy > 0
        corr = np.where(moves, np.clip(sxy / np.sqrt(sxx) / np.sqrt(syy), -1.0, 1.0),
                        np.nan)
        r2 = np.where(moves, np.clip(1.0 - ssr / np.where(moves, syy, 1.0), 0.0, 1.0),
                      np.nan)
        beta_t = beta / beta_se
        alpha_t = alpha / alpha_se
    return {
        "beta": beta, "alpha": alpha, "r_squared": r2, "correlation": corr,
        "beta_se": beta_se, "alpha_se": alpha_se, "beta_t": beta_t, "alpha_t": alpha_t,
        "resid_std": resid_std, "n_obs": n, "adjusted_beta": 2.0 / 3.0 * beta + 1.0 / 3.0,
        "flat_market": flat, "ssr": ssr, "sxx": sxx, "syy": syy, "sxy": sxy,
    }


def check_fit(stats: dict[str, np.ndarray], names: tuple[str, ...], *, arg: str = "returns",
              market: str = "market") -> None:
    """Refuse fits that cannot be made: too few rows, or a market that does not move."""
    n = stats["n_obs"]
    short = np.flatnonzero(n < MIN_OBS)
    if short.size:
        j = int(short[0])
        what = "has no values" if n[j] == 0 else "has {m}"
        raise problem("", arg, "column {name!r} " + what + " paired with {market}; at "
                      "least {need} are needed", kind=DataError, name=names[j],
                      m=count(int(n[j]), "usable row"), need=MIN_OBS, market=Arg(market))
    flat = np.flatnonzero(stats["flat_market"])
    if flat.size:
        raise problem("", market, "is constant over the rows where {data} column {name!r} "
                      "has values, so beta is undefined", kind=DataError,
                      name=names[int(flat[0])], data=Arg(arg))


def excess(values: np.ndarray, risk_free: ArrayLike | None, n: int,
           index: pd.Index | None = None, *, declared: bool = False) -> np.ndarray:
    """Subtract a per-period risk-free rate (scalar or column for the n rows of ``index``);
    ``declared``: its units were declared (no annual-equivalent rule, data.units)."""
    if risk_free is None:
        return values
    rf = as_column(risk_free, arg="risk_free", n=n, scalar_ok=True, index=index)
    no_total_loss(rf, "risk_free")
    # 5 meaning 5%, or 0.27% a month as 0.27 on dated returns: refused (data.units)
    periods, least = dated_periods(index)
    check_rate(rf, "risk_free", periods, least=least, declared=declared)
    return values - (rf[:, None] if values.ndim == 2 else rf)


def read_pair(returns: ArrayLike, market: ArrayLike, risk_free: ArrayLike | None = None,
              units: object = None) -> tuple[Panel, np.ndarray, np.ndarray]:
    """Read returns (n, k) and market (n,), matched by date or position (see
    :func:`~betaxl.data.labels.as_column`); excess returns if ``risk_free``.  Prices
    given as returns are refused (:func:`betaxl.data.units.check_returns`); the numbers
    alone, for data of any level, are :func:`fit_columns`'s.  ``units="percent"``:
    all three are divided by 100 (:func:`betaxl.data.units.in_decimals`)."""
    unit = read_units(units)
    returns, market, risk_free = (in_decimals(v, unit) for v in (returns, market, risk_free))
    panel = as_panel(returns, arg="returns")
    bounds = panel.bounds  # read once: each check would pass over the data again
    check_returns(panel.values, panel.names, "returns", bounds=bounds)  # prices, percents
    no_total_loss(panel.values, "returns", low=None if bounds is None else bounds[0])
    x = as_column(market, arg="market", n=panel.n, index=panel.index)
    check_returns(x[:, None], [getattr(market, "name", None) or "market"], "market")
    no_total_loss(x, "market")
    y = excess(panel.values, risk_free, panel.n, panel.index, declared=unit is not None)
    return panel, y, excess(x, risk_free, panel.n, panel.index, declared=unit is not None)


@public("ols_beta")
@takes_date_format
def ols_beta(returns: ArrayLike, market: ArrayLike, *,
             risk_free: ArrayLike | None = None, se: str = "classical",
             hac_lags: int | None = None, date_format: str | None = None,
             units: str | None = None) -> OLSFit:
    """Regress each asset's returns on the market's returns (OLS with an intercept).

    Parameters
    ----------
    returns : DataFrame, Series or array, shape (n,) or (n, k)
        Per-period simple returns, oldest first, one column per asset; NaN = missing.
    market : Series or array, shape (n,)
        The market's returns over the same periods.  A Series with dates is matched to
        dated ``returns`` by date (it may cover more dates, never fewer); otherwise by
        position.  The same holds for a ``risk_free`` Series.
    risk_free : float or array of shape (n,), optional
        Risk-free return per period (same frequency as the returns, not annual).  Given,
        both sides become excess returns (CAPM regression).
    se : {"classical", "hac"}, default "classical"
        ``"hac"``: Newey-West standard errors and t-statistics (Bartlett kernel, no
        small-sample correction; see :mod:`betaxl.hac`), for autocorrelated or
        heteroskedastic residuals (daily data).
    hac_lags : int, optional
        Lags of the Newey-West sum; default ``floor(4 (n/100)^(2/9))`` per asset.
    date_format : str, optional
        The strftime format of dates written as text in the row labels (and ``dates``),
        such as ``"%d/%m/%Y"``; needed when they read day first and month first.
    units : {"decimal", "percent"}, optional
        The units of every return and rate given (see :mod:`betaxl.data.units`):
        ``"percent"`` divides them all by 100 when read (Ken French's files: 2.5 for
        2.5%, his ``RF`` of 0.27 for 0.27%); results are decimals.  Not given, they are
        decimals and a column whose median size is above 1 is refused.

    Returns
    -------
    OLSFit
        One value per asset in each field; see :class:`OLSFit`.

    Raises
    ------
    InputError
        Mismatched lengths, text in the data, infinite values; a column (or the market)
        whose median absolute value is above 1, which cannot be returns (prices given as
        returns, percents: see :mod:`betaxl.data.units`).
    DataError
        A column with fewer than 3 rows paired with the market, or a constant market.

    Notes
    -----
    Over the n rows where asset and market both have values:
    ``beta = sum((x - mx)(y - my)) / sum((x - mx)^2)``, ``alpha = my - beta * mx``,
    ``SSR = sum(e^2)``, ``resid_std = sqrt(SSR / (n - 2))``,
    ``beta_se = resid_std / sqrt(Sxx)``, ``alpha_se = resid_std * sqrt(1/n + mx^2 / Sxx)``,
    ``r_squared = 1 - SSR / Syy = correlation^2``.  Identical to statsmodels
    ``OLS(y, add_constant(x))`` and to Excel's SLOPE, INTERCEPT, RSQ, STEYX; with
    ``se="hac"`` to ``fit(cov_type="HAC", cov_kwds={"maxlags": L})`` on the asset's own
    complete rows in date order.

    Examples
    --------
    Asset = 2 x market + 1%: beta 2, alpha 0.01, a perfect fit.

    >>> fit = ols_beta([0.03, -0.01, 0.05, 0.01], [0.01, -0.01, 0.02, 0.0])
    >>> round(float(fit.beta.iloc[0]), 12), round(float(fit.alpha.iloc[0]), 12)
    (2.0, 0.01)
    >>> float(fit.r_squared.iloc[0]), int(fit.n_obs.iloc[0])
    (1.0, 4)
    """
    lags = read_se(se, hac_lags)
    panel, y, x = read_pair(returns, market, risk_free, units)
    stats = fit_columns(y, x[:, None])
    check_fit(stats, panel.names)
    if lags is not None:
        valid = ~(np.isnan(y) | np.isnan(x)[:, None])
        design = np.column_stack([np.ones(len(x)), x])
        resid = np.where(valid, y - stats["alpha"] - stats["beta"] * x[:, None], 0.0)
        hac = hac_se(np.where(np.isnan(design), 0.0, design), resid, valid, lags)
        stats["alpha_se"], stats["beta_se"] = hac[:, 0], hac[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            stats["alpha_t"] = stats["alpha"] / stats["alpha_se"]
            stats["beta_t"] = stats["beta"] / stats["beta_se"]
    half = np.array([t_quantile(d) for d in stats["n_obs"] - 2.0]) * stats["beta_se"]
    stats["beta_ci_low"], stats["beta_ci_high"] = stats["beta"] - half, stats["beta"] + half
    return OLSFit(**{name: panel.series(stats[name], name) for name in OLS_FIELDS})
