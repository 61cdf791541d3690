"""OLS betas of many assets on one market, all columns at once, and rolling betas.

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

from .data.labels import as_column
from .data.options import whole
from .data.panel import FieldTable, Panel, as_returns
from .data.values import ArrayLike, no_total_loss
from .errors import Arg, DataError, count, problem, public

__all__ = ["OLS_FIELDS", "OLSFit", "ols_beta", "rolling_beta"]

_EPS = np.finfo(np.float64).eps
MIN_OBS = 3

#: Row labels of the full statistics table, in order (also BETA_OLS's ``stats`` rows).
OLS_FIELDS = ("beta", "alpha", "r_squared", "correlation", "beta_se", "alpha_se",
              "beta_t", "alpha_t", "resid_std", "n_obs", "adjusted_beta")


@dataclass(frozen=True)
class OLSFit(FieldTable):
    """OLS of each asset on the market with an intercept; every field is indexed by asset.

    ``beta``, ``alpha`` (per period), ``r_squared``, ``correlation``, ``beta_se`` and
    ``alpha_se`` (classical, homoskedastic standard errors), ``beta_t``, ``alpha_t``,
    ``resid_std`` = sqrt(SSR / (n - 2)) (Excel's STEYX), ``n_obs`` (rows used) and
    ``adjusted_beta`` = 2/3 beta + 1/3 (Blume).
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



def fit_columns(y: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray]:
    """Closed-form OLS of each column of ``y`` on ``x`` (one column or one per y column).

    Missing values (NaN) are dropped pairwise per column.  No validation: callers check
    that every column has ``n_obs >= 3`` and a market that moves (:func:`check_fit`).

    With one market column (the usual case) the sums come from two small matrix
    products over the zero-filled data, a single pass each.  Raw moments lose digits
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
    sxx_raw = x0 @ x0 - np.bincount(cols, x0[rows] ** 2, minlength=k)
    sy, sxy_raw = np.vstack([np.ones_like(x0), x0]) @ y0
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
           index: pd.Index | None = None) -> np.ndarray:
    """Subtract a per-period risk-free rate (scalar or column for the n rows of ``index``)."""
    if risk_free is None:
        return values
    rf = as_column(risk_free, arg="risk_free", n=n, scalar_ok=True, index=index)
    no_total_loss(rf, "risk_free")
    return values - (rf[:, None] if values.ndim == 2 else rf)


def read_pair(returns: ArrayLike, market: ArrayLike,
              risk_free: ArrayLike | None = None) -> tuple[Panel, np.ndarray, np.ndarray]:
    """Read returns (n, k) and market (n,), matched by date or position (see
    :func:`~betaxl.data.labels.as_column`); excess returns if ``risk_free``."""
    panel = as_returns(returns, arg="returns")
    x = as_column(market, arg="market", n=panel.n, index=panel.index)
    no_total_loss(x, "market")
    y = excess(panel.values, risk_free, panel.n, panel.index)
    return panel, y, excess(x, risk_free, panel.n, panel.index)


@public("ols_beta")
def ols_beta(returns: ArrayLike, market: ArrayLike, *,
             risk_free: ArrayLike | None = None) -> OLSFit:
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

    Returns
    -------
    OLSFit
        One value per asset in each field; see :class:`OLSFit`.

    Raises
    ------
    InputError
        Mismatched lengths, text in the data, infinite values.
    DataError
        A column with fewer than 3 rows paired with the market, or a constant market.

    Notes
    -----
    Over the n rows where asset and market both have values:
    ``beta = sum((x - mx)(y - my)) / sum((x - mx)^2)``, ``alpha = my - beta * mx``,
    ``SSR = sum(e^2)``, ``resid_std = sqrt(SSR / (n - 2))``,
    ``beta_se = resid_std / sqrt(Sxx)``, ``alpha_se = resid_std * sqrt(1/n + mx^2 / Sxx)``,
    ``r_squared = 1 - SSR / Syy = correlation^2``.  Identical to statsmodels
    ``OLS(y, add_constant(x))`` and to Excel's SLOPE, INTERCEPT, RSQ, STEYX.

    Examples
    --------
    Asset = 2 x market + 1%: beta 2, alpha 0.01, a perfect fit.

    >>> fit = ols_beta([0.03, -0.01, 0.05, 0.01], [0.01, -0.01, 0.02, 0.0])
    >>> round(float(fit.beta.iloc[0]), 12), round(float(fit.alpha.iloc[0]), 12)
    (2.0, 0.01)
    >>> float(fit.r_squared.iloc[0]), int(fit.n_obs.iloc[0])
    (1.0, 4)
    """
    panel, y, x = read_pair(returns, market, risk_free)
    stats = fit_columns(y, x[:, None])
    check_fit(stats, panel.names)
    return OLSFit(**{name: panel.series(stats[name], name) for name in OLS_FIELDS})


_SUB = 8
_TRIANGLES = {s: np.tril(np.ones((s, s))) for s in range(3, 14)}


def _run_size(rows: int) -> int:
    """Rows per run for the matrix-product running sums: a divisor near 8, or 0."""
    return next((s for s in (8, 7, 9, 6, 10, 12, 5, 11, 13, 4, 3) if rows % s == 0), 0)


def _running_sums(cube: np.ndarray) -> np.ndarray:
    """Running sums along axis 1 of a (blocks, rows, k) array, as a contiguous array.

    numpy's cumsum adds one element at a time; here rows are grouped in runs of about
    eight whose running sums are one small matrix product (a lower-triangular matrix of
    ones), and only the runs' totals are added up one by one.  Same sums, faster.
    """
    blocks, rows, k = cube.shape
    if rows < 4 * _SUB or k < _SUB:
        return np.cumsum(cube, axis=1)
    size = _run_size(rows)
    if not size:  # a prime number of rows: let numpy do it
        return np.cumsum(cube, axis=1)
    groups = rows // size
    within = np.matmul(_TRIANGLES[size], cube.reshape(blocks * groups, size, k))
    within = within.reshape(blocks, groups, size, k)
    totals = within[:, :, -1, :]
    offsets = np.cumsum(totals, axis=1)
    offsets -= totals
    within += offsets[:, :, None, :]
    return within.reshape(blocks, rows, k)


def _blocks(a: np.ndarray, window: int) -> np.ndarray:
    """``a`` as (blocks, window, k), zero-padded at the end (a view when it divides)."""
    n, k = a.shape
    blocks = -(-n // window)
    if blocks * window == n:
        return a.reshape(blocks, window, k)
    padded = np.zeros((blocks * window, k))
    padded[:n] = a
    return padded.reshape(blocks, window, k)


def window_sums(a: np.ndarray, window: int) -> np.ndarray:
    """Sums of every run of ``window`` consecutive rows of ``a``: rows window-1..n-1.

    O(n) whatever the window, and without drift: rows are cut into blocks of ``window``
    and each block gets its own running sum P.  A window ending at row i of block b is
    that block's prefix plus the previous block's suffix,
    ``P[b, i] + (P[b-1, last] - P[b-1, i])``, so every figure is a sum over at most two
    blocks and rounding never accumulates along the series (a plain cumulative sum
    loses digits in proportion to the series' length).
    """
    n, k = a.shape
    prefix = _running_sums(_blocks(a, window))
    out = np.empty(prefix.shape)
    out[0] = prefix[0]
    np.subtract(prefix[1:], prefix[:-1], out=out[1:])
    out[1:] += prefix[:-1, -1:, :]
    return out.reshape(-1, k)[window - 1:n]


def window_max(a: np.ndarray, window: int) -> np.ndarray:
    """An upper bound on the largest value of each column of ``a`` in each window.

    The maximum over the two blocks of ``window`` rows that a window can touch: O(n).
    """
    block_max = _blocks(a, window).max(axis=1)
    return _pair_max(block_max, window, a.shape[0])


def _pair_max(block_max: np.ndarray, window: int, n: int) -> np.ndarray:
    """Per window (rows window-1..n-1): the larger of its two blocks' maxima.

    ``block_max`` is (blocks,) or (blocks, k); the result is (rows, 1) or (rows, k).
    """
    pair = block_max.copy()
    np.maximum(pair[1:], block_max[:-1], out=pair[1:])
    out = np.repeat(pair, window, axis=0)[window - 1:n]
    return out[:, None] if out.ndim == 1 else out


@public("rolling_beta")
def rolling_beta(returns: ArrayLike, market: ArrayLike, window: int, *,
                 min_obs: int | None = None) -> pd.DataFrame:
    """Beta of each asset on the market over a moving window of ``window`` rows.

    Parameters
    ----------
    returns : shape (n,) or (n, k)
        Per-period returns, oldest first; NaN = missing.
    market : shape (n,)
        The market's returns.
    window : int
        Rows per window (at least 3, at most n).  Row t uses rows t-window+1 .. t.
    min_obs : int, optional
        Fewest complete (asset, market) pairs a window needs; default ``window``, so a
        window with any missing value is blank, as in pandas' ``rolling``.

    Returns
    -------
    DataFrame, shape (n, k)
        Betas; the first ``window - 1`` rows, and windows with too few pairs or a
        market that does not move, are NaN.

    Notes
    -----
    The same estimator as :func:`ols_beta` on each window (asset on market, intercept).
    Cost is O(n k), independent of the window (see :func:`window_sums`); x and each
    column of y are centred on their means over the first window, so the differences
    ``Sxy = sum(xy) - sum(x) sum(y) / m`` lose no digits to the data's level (returns,
    or prices at 1e9).  Accuracy: every beta is within ``1e-13 s`` of the exact OLS
    beta of its window, where ``s = max|y - ȳ| / sigma_x`` over the window (ȳ the
    column's mean over the first window, sigma_x the market's population standard
    deviation in the window; s is about ``4 sigma_y / sigma_x`` for data without a
    trend, whatever their level).  A window whose rounding-error bound exceeds half
    that (a market that barely moves inside it, or far from its first window's mean) is
    refitted with the two-pass formula of :func:`ols_beta`.

    Examples
    --------
    >>> r = rolling_beta([0.02, -0.02, 0.04, 0.0, 0.06], [0.01, -0.01, 0.02, 0.0, 0.03], 3)
    >>> [None if np.isnan(b) else round(float(b), 12) for b in r.iloc[:, 0]]
    [None, None, 2.0, 2.0, 2.0]
    """
    panel, y, x = read_pair(returns, market)
    window = whole(window, arg="window")
    if not MIN_OBS <= window <= panel.n:
        raise problem("", "window", "must be between {lo} and the {n} rows of {returns}, "
                      "got {w}", lo=MIN_OBS, n=panel.n, w=window)
    need = window if min_obs is None else whole(min_obs, arg="min_obs")
    if not MIN_OBS <= need <= window:
        raise problem("", "min_obs", "must be between {lo} and window ({w}), got {m}",
                      lo=MIN_OBS, w=window, m=need)
    out = np.empty(y.shape)
    out[:window - 1] = np.nan
    # Columns in chunks of about 128k cells keep the temporaries in cache.
    step = max(8, (1 << 17) // panel.n)
    complete = not (np.isnan(y).any() or np.isnan(x).any())
    for start in range(0, y.shape[1], step):
        cols = slice(start, start + step)
        if complete:
            _rolling_complete(y[:, cols], x, window, out[window - 1:, cols])
        else:
            out[window - 1:, cols] = _rolling_chunk(y[:, cols], x, window, need)
    return panel.frame(out)


def _unstable(sx: np.ndarray, sxx: np.ndarray, y_max: np.ndarray, x_max: np.ndarray,
              window: int) -> np.ndarray:
    """Windows whose moment differences may have lost digits: refit those exactly.

    A bound on the rounding error, per window (and column), with x and y centred on
    their means over the first window.  Every window sum is a difference of running sums
    over the two blocks of ``window`` rows the window touches, so its error is bounded
    by the largest terms in those blocks, not in the window: ``y_max`` and ``x_max`` are
    the largest ``|y - ȳ|`` and ``|x - x̄|`` there (a large value next door would
    otherwise pass unseen).  It is measured against the scale of beta,
    ``y_max / sigma_x`` (``sigma_x`` the market's spread inside the window), never
    against an absolute number, so it does not depend on the units of y; it is tiny
    unless the market's spread inside the window is small next to its size in the
    neighbouring rows.  The arguments are (rows, 1) or (rows, k); so is the result.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        error_y = 4 * _EPS * window * y_max * (x_max + np.abs(sx) / window) / sxx
        error_x = 4 * _EPS * window * x_max * x_max / sxx
        beta_scale = y_max * np.sqrt(window / sxx)
        stable = (error_y <= 0.5e-13 * beta_scale) & (error_x <= 0.5e-13)
    return ~stable


def _rolling_complete(y: np.ndarray, x: np.ndarray, window: int, out: np.ndarray) -> None:
    """Rolling betas of complete data into ``out`` (rows window-1..n-1): the lean path.

    The same block-local sums as :func:`window_sums`, but for y and x*y together in one
    stacked array, whose memory then takes the block differences: only two arrays the
    size of the data are allocated besides the result (fresh memory costs page faults,
    which cost more than the arithmetic here).
    """
    n, k = y.shape
    blocks = -(-n // window)
    xc = x - x[:window].mean()
    stacked = np.empty((blocks * window, 2 * k))
    stacked[n:] = 0.0  # the last block's padding
    # y centred on each column's mean over the first window, as x: a level (prices,
    # 1e9 + noise) would otherwise cancel in S_xy - mean_x S_y and take the digits with
    # it.  The first window, not the whole series: no result depends on later rows.
    np.subtract(y, y[:window].mean(axis=0), out=stacked[:n, :k])
    np.multiply(xc[:, None], stacked[:n, :k], out=stacked[:n, k:])
    cube = stacked.reshape(blocks, window, 2 * k)
    block_y = cube[:, :, :k]  # extremes of y per block, for the error bound below
    top = np.maximum(block_y.max(axis=(1, 2)), -block_y.min(axis=(1, 2)))
    x_top = _blocks(np.abs(xc)[:, None], window).max(axis=(1, 2))
    size = _run_size(window)
    if size:
        # Running sums within runs of `size` rows (one small matrix product); the runs'
        # offsets are not added to every row but folded into the block differences:
        # P[b, i] - P[b-1, i] + P[b-1, last], with P = W + offset of i's run.
        groups = window // size
        inner = np.matmul(_TRIANGLES[size], cube.reshape(blocks * groups, size, 2 * k))
        inner = inner.reshape(blocks, groups, size, 2 * k)
        totals = inner[:, :, -1, :]
        offsets = np.cumsum(totals, axis=1)
        block_total = offsets[:, -1, :].copy()
        offsets -= totals
        windows = stacked.reshape(inner.shape)  # y and x*y are spent: reuse their memory
        np.subtract(inner[1:], inner[:-1], out=windows[1:])
        windows[1:] += (offsets[1:] - offsets[:-1] + block_total[:-1, None, :])[:, :, None, :]
        windows[0, -1, -1] = inner[0, -1, -1] + offsets[0, -1]  # block 0: its last row only
        sums = windows.reshape(-1, 2 * k)[window - 1:n]
    else:  # a prime window: the general block sums
        sums = window_sums(stacked, window)[:n - window + 1]
    sx = window_sums(xc[:, None], window)
    raw_xx = window_sums((xc * xc)[:, None], window)
    sxx = raw_xx - sx * sx / window
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # beta = (S_xy - mean_x S_y) / S_xx for each row at once: every row of `sums` is
        # [S_y | S_xy], so this is one batched (1 x 2) @ (2 x k) product
        coef = np.hstack([-(sx / window) / sxx, 1.0 / sxx])
        np.matmul(coef[:, None, :], sums.reshape(-1, 2, k), out=out.reshape(-1, 1, k))
    shaky = _unstable(sx, sxx, _pair_max(top, window, n), _pair_max(x_top, window, n),
                      window)[:, 0]
    for row in np.flatnonzero(shaky):
        rows = slice(row, row + window)
        out[row] = fit_columns(y[rows], x[rows][:, None])["beta"]


def _start_centre(a: np.ndarray, valid: np.ndarray, window: int) -> np.ndarray:
    """Per column: the mean of the valid values in the first window, else the first
    valid value (a centre that never depends on later rows)."""
    count = valid[:window].sum(axis=0)
    total = np.where(valid[:window], a[:window], 0.0).sum(axis=0)
    first = a[valid.argmax(axis=0), np.arange(a.shape[1])]
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(count > 0, total / np.maximum(count, 1), first)
    return np.where(np.isnan(centre), 0.0, centre)


def _rolling_chunk(y: np.ndarray, x: np.ndarray, window: int, need: int) -> np.ndarray:
    """Rolling betas of data with gaps (rows window-1..n-1): pairs are dropped per window.

    Complete data take :func:`_rolling_complete`; see :func:`rolling_beta`.
    """
    k = y.shape[1]
    xx = np.broadcast_to(x[:, None], y.shape)
    valid = ~(np.isnan(y) | np.isnan(xx))
    xc = np.where(valid, xx - _start_centre(xx, valid, window), 0.0)
    yc = np.where(valid, y - _start_centre(y, valid, window), 0.0)
    count = window_sums(valid.astype(np.float64), window)
    stacked = np.hstack([yc, xc * yc])
    raw_xx = window_sums(xc * xc, window)
    sx = window_sums(xc, window)
    safe = np.maximum(count, 1.0)
    sums = window_sums(stacked, window)
    sy, sxy = sums[:, :k], sums[:, k:]
    sxy -= sy * (sx / safe)
    sxx = raw_xx - sx * sx / safe
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = sxy / sxx
        y_max = window_max(np.abs(yc), window)
        x_max = window_max(np.abs(xc), window)
    shaky = _unstable(sx, sxx, y_max, x_max, window)  # per window and column
    short = np.broadcast_to(count < need, beta.shape)
    beta[short] = np.nan
    suspect = ~short & shaky
    for row in np.unique(np.nonzero(suspect)[0]):
        cols = np.flatnonzero(suspect[row])
        rows = slice(row, row + window)
        stats = fit_columns(y[rows][:, cols], x[rows][:, None])
        beta[row, cols] = stats["beta"]
    return beta

