"""Rolling betas: :func:`~betaxl.regression.ols_beta` over a moving window, in O(n k).

Window sums are differences of block-local running sums (:func:`window_sums`), so the
cost does not depend on the window and rounding never accumulates along the series;
windows whose sums may have lost digits are refitted with the two-pass OLS.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data.dates import takes_date_format
from .data.options import whole
from .data.values import ArrayLike
from .errors import problem, public
from .regression import MIN_OBS, fit_columns, read_pair

__all__ = ["rolling_beta", "rolling_columns", "rolling_with_gaps", "window_max", "window_sums"]

_EPS = np.finfo(np.float64).eps
_SUB = 8


def _run_size(rows: int) -> int:
    """Rows per run for the matrix-product running sums: a divisor near 8, or 0."""
    return next((s for s in (8, 7, 9, 6, 10, 12, 5, 11, 13, 4, 3) if rows % s == 0), 0)


def _run_sums(runs: np.ndarray) -> np.ndarray:
    """Running sums along axis 1 of a (runs, rows, k) array: one row added at a time to
    all runs at once.  numpy's own additions, in one order, not a BLAS product: the sums
    are the same on every machine and BLAS kernel (``OPENBLAS_CORETYPE``)."""
    out = runs.copy()
    for i in range(1, out.shape[1]):
        np.add(out[:, i], out[:, i - 1], out=out[:, i])
    return out


def _running_sums(cube: np.ndarray) -> np.ndarray:
    """Running sums along axis 1 of a (blocks, rows, k) array, as a contiguous array.

    numpy's cumsum along this axis adds one element at a time; here rows are grouped in
    runs of about eight whose running sums take one vector addition per row for all
    runs (:func:`_run_sums`), and only the runs' totals are added up one by one.
    """
    blocks, rows, k = cube.shape
    if rows < 4 * _SUB or k < _SUB:
        return np.cumsum(cube, axis=1)
    size = _run_size(rows)
    if not size:  # a prime number of rows: let numpy do it
        return np.cumsum(cube, axis=1)
    groups = rows // size
    within = _run_sums(cube.reshape(blocks * groups, size, k))
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
@takes_date_format
def rolling_beta(returns: ArrayLike, market: ArrayLike, window: int, *,
                 min_obs: int | None = None, date_format: str | None = None,
                 units: str | None = None) -> pd.DataFrame:
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
    date_format : str, optional
        The strftime format of dates written as text in the row labels (and ``dates``),
        such as ``"%d/%m/%Y"``; needed when they read day first and month first.
    units : {"decimal", "percent"}, optional
        The units of every return and rate given (see :mod:`betaxl.data.units`):
        ``"percent"`` divides them all by 100 when read (Ken French's files: 2.5 for
        2.5%, his ``RF`` of 0.27 for 0.27%); results are decimals.  Not given, they are
        decimals and a column whose median size is above 1 is refused (betas do not
        depend on the units; the refusal is of prices).

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
    panel, y, x = read_pair(returns, market, units=units)
    window = whole(window, arg="window")
    if not MIN_OBS <= window <= panel.n:
        raise problem("", "window", "must be between {lo} and the {n} rows of {returns}, "
                      "got {w}", lo=MIN_OBS, n=panel.n, w=window)
    need = window if min_obs is None else whole(min_obs, arg="min_obs")
    if not MIN_OBS <= need <= window:
        raise problem("", "min_obs", "must be between {lo} and window ({w}), got {m}",
                      lo=MIN_OBS, w=window, m=need)
    # the returns' check found bounds only where none is missing: no second look
    no_nan = panel.bounds is not None and y is panel.values
    return panel.frame(rolling_columns(y, x, window, need, no_nan=no_nan))


def rolling_columns(y: np.ndarray, x: np.ndarray, window: int, need: int, *,
                    no_nan: bool = False) -> np.ndarray:
    """The numbers of :func:`rolling_beta`: y (n, k) on x (n,), no validation (callers
    check the window, ``need`` and that the columns are returns); levels of any size
    keep the accuracy stated there.  ``no_nan=True``: the caller knows that y holds no
    NaN (else y is looked at; x always is)."""
    out = np.empty(y.shape)
    out[:window - 1] = np.nan
    # Columns in chunks of about 128k cells keep the temporaries in cache.
    step = max(8, (1 << 17) // max(y.shape[0], 1))
    # a NaN makes the min NaN
    complete = not ((not no_nan and np.isnan(y.min())) or np.isnan(x.min()))
    for start in range(0, y.shape[1], step):
        cols = slice(start, start + step)
        if complete:
            _rolling_complete(y[:, cols], x, window, out[window - 1:, cols])
        else:
            out[window - 1:, cols] = rolling_with_gaps(y[:, cols], x, window, need)
    return out


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

    The same block-local sums as :func:`window_sums`, for y and x*y together in one
    array of two halves (:func:`_run_major_betas`); one allocation besides the result
    (fresh memory costs page faults, more than the arithmetic here).
    """
    n, k = y.shape
    size = _run_size(window)
    xc = x - x[:window].mean()
    # y centred on each column's mean over the first window, as x: a level (prices,
    # 1e9 + noise) would otherwise cancel in S_xy - mean_x S_y and take the digits with
    # it.  The first window, not the whole series: no result depends on later rows.
    mean = np.add.reduce(y[:window], axis=0) / window  # np.mean's figures, less overhead
    x_top, sx, raw_xx = _market_sums(xc, window)
    sxx = raw_xx - sx * sx / window
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # beta = (S_xy - mean_x S_y) / S_xx = S_y a + S_xy b row by row; elementwise,
        # not a BLAS product (whose kernels round differently)
        a, b = -(sx / window) / sxx, 1.0 / sxx
        if size:
            top = _run_major_betas(y, xc, mean, window, size, out, a, b)
        else:  # a prime window: the general block sums
            blocks = -(-n // window)
            halves = np.zeros((2, blocks * window, k))  # zeros: the last block's padding
            yc, xy = halves[0], halves[1]
            np.subtract(y, mean, out=yc[:n])
            np.multiply(xc[:, None], yc[:n], out=xy[:n])
            per_block = yc.reshape(blocks, -1)  # extremes of y per block, for the bound
            top = np.maximum(per_block.max(axis=1), -per_block.min(axis=1))
            np.multiply(window_sums(yc, window)[:n - window + 1], a, out=out)
            s_xy = window_sums(xy, window)[:n - window + 1]
            out += np.multiply(s_xy, b, out=s_xy)
    shaky = _unstable(sx, sxx, _pair_max(top, window, n), _pair_max(x_top, window, n),
                      window)[:, 0]
    for row in np.flatnonzero(shaky):
        rows = slice(row, row + window)
        out[row] = fit_columns(y[rows], x[rows][:, None])["beta"]


def _market_sums(xc: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each block's largest ``|xc|``, and the window sums of xc and of xc * xc as (rows,
    1): :func:`window_sums`' figures, its block-local running sums taken along the
    rows of one (2, blocks, window) array (the same additions in the same order)."""
    n = xc.shape[0]
    blocks = -(-n // window)
    halves = np.zeros((2, blocks * window))  # zeros: the last block's padding
    halves[0, :n] = xc
    np.multiply(xc, xc, out=halves[1, :n])
    x_top = np.abs(halves[0]).reshape(blocks, window).max(axis=1)
    prefix = np.cumsum(halves.reshape(2, blocks, window), axis=2)
    sums = np.empty(prefix.shape)
    sums[:, 0] = prefix[:, 0]
    np.subtract(prefix[:, 1:], prefix[:, :-1], out=sums[:, 1:])
    sums[:, 1:] += prefix[:, :-1, -1:]
    sx, raw_xx = sums.reshape(2, -1)[:, window - 1:n, None]
    return x_top, sx, raw_xx


#: Cells of y per step of :func:`_run_major_betas`: its arrays then stay in the CPU's
#: second-level cache between the operations of a step (measured: 5 blocks of 252 x 50).
_STEP_CELLS = 1 << 16


def _run_major_betas(y: np.ndarray, xc: np.ndarray, mean: np.ndarray, window: int,
                     size: int, out: np.ndarray, a: np.ndarray, b: np.ndarray
                     ) -> np.ndarray:
    """Betas ``S_y a + S_xy b`` into ``out`` (rows window-1..n-1, ``a`` and ``b`` one per
    row), S_y and S_xy the window sums of y - mean and of xc (y - mean); returns each
    block's largest ``|y - mean|`` (for the error bound).

    Rows are cut into runs of ``size`` (a divisor of the window) and held run-major,
    (size, runs, k): row i of every run is one contiguous slab, so the running sums W
    within runs (one row added at a time to all runs, :func:`_run_sums`' order) are
    long vector additions.  The runs' offsets o (their totals added up one after the
    other within each block) are not added to every row but folded into the block
    differences: ``(W_b - W_{b-1}) + ((o_b - o_{b-1}) + T_{b-1})``, T a block's total.
    Two passes, a few blocks at a time (:data:`_STEP_CELLS`): centring, x*y and the
    running sums; then, after the offsets, the differences and betas, written back
    in the data's order.  The same additions in the same order as ever: the bytes do
    not depend on the step.
    """
    n, k = y.shape
    blocks, groups = -(-n // window), window // size
    runs = blocks * groups
    per = max(1, _STEP_CELLS // (window * k))  # blocks a step
    cells = 2 * size * runs * k
    memory = np.empty(cells + 2 * size * min(per, max(blocks - 1, 1)) * groups * k)
    halves = memory[:cells].reshape(2, size, runs, k)
    yc = halves[0]
    x_run = np.zeros(runs * size)
    x_run[:n] = xc
    tile = np.tile(mean, per * groups)  # the means along a row of runs: long inner loops
    top = np.empty(blocks)
    for b0 in range(0, blocks, per):
        r0, r1 = b0 * groups, min(b0 + per, blocks) * groups  # the step's runs
        whole = min(r1, n // size)  # runs the data fill
        if whole > r0:
            np.copyto(yc[:, r0:whole],
                      y[r0 * size:whole * size].reshape(-1, size, k).transpose(1, 0, 2))
            body = yc.reshape(size, runs * k)[:, r0 * k:whole * k]
            np.subtract(body, tile[:(whole - r0) * k], out=body)
        if whole < r1:  # a run that the data fill in part, then zeros: the padding
            yc[:, whole:r1] = 0.0
            rest = n - whole * size
            np.subtract(y[whole * size:], mean, out=yc[:rest, whole])
        np.multiply(x_run.reshape(runs, size).T[:, r0:r1, None], yc[:, r0:r1],
                    out=halves[1, :, r0:r1])
        part = yc[:, r0:r1].reshape(size, -1, groups * k)  # extremes of y per block
        top[r0 // groups:r1 // groups] = np.maximum(part.max(axis=2).max(axis=0),
                                                    -part.min(axis=2).min(axis=0))
        for i in range(1, size):
            np.add(halves[:, i, r0:r1], halves[:, i - 1, r0:r1], out=halves[:, i, r0:r1])
    inner = halves.reshape(2, size, blocks, groups, k)
    # The runs' totals as (groups, 2, blocks, k), added up one run after the other for
    # all blocks at once (the order of cumsum, whose walk along a middle axis goes one
    # element at a time).
    totals = np.moveaxis(inner[:, -1], 2, 0)
    offsets = totals.copy()
    for g in range(1, groups):
        np.add(offsets[g - 1], offsets[g], out=offsets[g])
    block_total = offsets[-1].copy()
    offsets -= totals
    last = inner[:, -1, 0, -1] + offsets[-1, :, 0]  # block 0: its last row only
    np.multiply(last[0], a[0], out=out[0])
    out[0] += last[1] * b[0]
    shift = np.empty((2, blocks - 1, groups, k))  # contiguous: added over long rows
    np.subtract(offsets[:, :, 1:], offsets[:, :, :-1], out=shift.transpose(2, 0, 1, 3))
    shift += block_total[:, :-1, None]
    # a and b for rows 1.., run-major as the differences: (size, blocks - 1, groups, 1)
    coef = np.zeros((2, (blocks - 1) * window))
    coef[0, :n - window], coef[1, :n - window] = a[1:, 0], b[1:, 0]
    coef = np.ascontiguousarray(
        coef.reshape(2, blocks - 1, groups, size).transpose(0, 3, 1, 2))[..., None]
    rows = n - window + 1
    for b0 in range(1, blocks, per):
        b1 = min(b0 + per, blocks)
        diff = memory[cells:cells + 2 * size * (b1 - b0) * groups * k].reshape(
            2, size, b1 - b0, groups, k)
        np.subtract(inner[:, :, b0:b1], inner[:, :, b0 - 1:b1 - 1], out=diff)
        diff += shift[:, None, b0 - 1:b1 - 1]
        np.multiply(diff[0], coef[0][:, b0 - 1:b1 - 1], out=diff[0])
        np.multiply(diff[1], coef[1][:, b0 - 1:b1 - 1], out=diff[1])
        diff[0] += diff[1]
        start = 1 + (b0 - 1) * window
        stop = min(start + (b1 - b0) * window, rows)
        filled = (stop - start) // window  # blocks whose rows all hold windows
        dest = out[start:start + filled * window].reshape(filled, groups, size, k)
        np.copyto(dest, diff[0, :, :filled].transpose(1, 2, 0, 3))
        if start + filled * window < stop:  # the data's last, partial block
            tail = diff[0, :, filled].transpose(1, 0, 2).reshape(window, k)
            out[start + filled * window:stop] = tail[:stop - start - filled * window]
    return top


def _start_centre(a: np.ndarray, valid: np.ndarray, window: int) -> np.ndarray:
    """Per column: the mean of the valid values in the first window, else the first
    valid value (a centre that never depends on later rows)."""
    count = valid[:window].sum(axis=0)
    total = np.where(valid[:window], a[:window], 0.0).sum(axis=0)
    first = a[valid.argmax(axis=0), np.arange(a.shape[1])]
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(count > 0, total / np.maximum(count, 1), first)
    return np.where(np.isnan(centre), 0.0, centre)


def rolling_with_gaps(y: np.ndarray, x: np.ndarray, window: int, need: int) -> np.ndarray:
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

