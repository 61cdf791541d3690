"""Portfolio returns from asset returns and holdings: buy and hold, rebalanced, calendar.

Timing convention (as PerformanceAnalytics' ``Return.portfolio``): ``w_{t-1}`` are the
weights at the *beginning* of period t, after any rebalancing; the portfolio return is
``R_t = sum_i w_{t-1,i} r_{t,i}``; asset i contributes ``w_{t-1,i} r_{t,i}``; the weights
at the *end* of period t, before any rebalancing, are
``w_{t-1,i} (1 + r_{t,i}) / (1 + R_t)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

import numpy as np
import pandas as pd

from .data.dates import as_dates, row_named, takes_date_format
from .data.labels import align_table, as_weights
from .data.options import choice
from .data.panel import Panel, as_panel, as_returns
from .data.values import ArrayLike
from .errors import DataError, problem, public
from .schedule import check_cost, is_schedule, schedule_targets, turnover_costs

__all__ = ["REBALANCE_MODES", "PortfolioPath", "portfolio_returns"]

Rebalance = Literal["none", "period", "week", "month", "quarter", "year"]
REBALANCE_MODES: tuple[Rebalance, ...] = ("none", "period", "week", "month", "quarter",
                                          "year")
Holdings = Literal["weights", "units"]
HOLDINGS: tuple[Holdings, ...] = ("weights", "units")


@dataclass(frozen=True)
class PortfolioPath:
    """A portfolio's returns with the weights behind them, auditable row by row.

    ``contributions.sum(axis=1) == returns`` in every row without trading costs, and
    ``contributions == weights_start * asset returns``.
    """

    returns: pd.Series  #: portfolio return per period
    weights_start: pd.DataFrame  #: beginning-of-period weights (after rebalancing)
    weights_end: pd.DataFrame  #: end-of-period weights (after drift, before rebalancing)
    contributions: pd.DataFrame  #: w_{t-1,i} * r_{t,i}
    final_weights: pd.Series  #: holdings after the last period (rebalanced if due then)
    growth: pd.Series  #: value of 1 invested at the start, at the end of each period
    rebalance: str
    #: one-way turnover of the rebalance before each row (0 where none; row 0 is the
    #: initial allocation, not a trade)
    turnover: pd.Series
    cost: pd.Series  #: fraction of value paid for that rebalance (cost_bps / 1e4 x turnover)


def normalise(raw: np.ndarray, *, arg: str = "weights") -> np.ndarray:
    """Scale weights or market values to sum to 1 (the one place weights are scaled)."""
    total = float(raw.sum())
    gross = float(np.abs(raw).sum())
    if gross == 0.0 or total <= 1e-9 * gross:
        raise problem("", arg, "must add up to a positive total (they add up to {t:.6g}); "
                      "a portfolio with no net value has no return", t=total)
    return raw / total


def start_weights(panel: Panel, weights: ArrayLike, holdings: str,
                  prices: ArrayLike | None) -> np.ndarray:
    """Weights at the start of the first period from weights, market values or units.

    Weights labelled by asset name, and prices labelled by date and name, are matched to
    ``panel`` by label (see :func:`~betaxl.data.labels.as_weights`).
    """
    holdings = choice(holdings, HOLDINGS, arg="holdings")
    k, n = panel.k, panel.n
    raw = as_weights(weights, arg="weights", k=k, names=panel.names if panel.named else None)
    if holdings == "units":
        if prices is None:
            raise problem("", "prices", "is needed when holdings are units "
                          "(value = units x price)")
        price_panel = as_panel(align_table(prices, panel, arg="prices", extra_row=True),
                               arg="prices")
        if price_panel.values.shape != (n + 1, k):
            raise problem("", "prices", "must be {r} x {k} (one row before the first "
                          "return, then one per return), got {a} x {b}",
                          r=n + 1, k=k, a=price_panel.n, b=price_panel.k)
        first = price_panel.values[0]
        if np.isnan(first[raw != 0]).any() or (first[raw != 0] <= 0).any():
            raise problem("", "prices", "needs a positive first-row price for every asset "
                          "held")
        raw = raw * np.where(raw != 0, first, 0.0)
    return normalise(raw)


def _period_keys(stamps: pd.DatetimeIndex | None, n: int, mode: str) -> np.ndarray:
    """Calendar week (ISO: Monday to Sunday), month, quarter or year of each return row,
    as integers (the dates are checked by ``as_dates``)."""
    if stamps is None:
        raise problem("", "dates", "are needed to rebalance every {m}: give returns with "
                      "dates as their index, or pass dates", m=mode)
    if mode == "week":
        return np.asarray(stamps.tz_localize(None).to_period("W-SUN").asi8
                          if stamps.tz is not None else stamps.to_period("W-SUN").asi8)
    year, month = stamps.year.to_numpy(), stamps.month.to_numpy()
    if mode == "month":
        return year * 12 + month
    if mode == "quarter":
        return year * 4 + (month - 1) // 3
    return year


def reset_rows(n: int, mode: str, dates: pd.DatetimeIndex | None) -> np.ndarray:
    """True where period t starts from the target weights (row 0 always)."""
    reset = np.zeros(n, dtype=bool)
    if n:
        reset[0] = True
    if mode == "period":
        reset[:] = True
    elif mode in ("week", "month", "quarter", "year"):
        keys = _period_keys(dates, n, mode)
        reset[1:] = keys[1:] != keys[:-1]
    return reset


def drift(r: np.ndarray, target: np.ndarray, reset: np.ndarray) -> np.ndarray:
    """Beginning-of-period weights: the target on reset rows, drifted weights otherwise."""
    n, k = r.shape
    targets = np.broadcast_to(target, (n, k))
    if reset.all():
        return targets.copy()
    starts = np.flatnonzero(reset)
    bounds = np.append(starts, n)
    w = np.empty((n, k))
    for s, e in pairwise(bounds):
        value = np.cumprod(1.0 + r[s:e - 1], axis=0) * targets[s]
        w[s] = targets[s]
        total = value.sum(axis=1, keepdims=True)
        if (total <= 0).any():
            row = s + 1 + int(np.flatnonzero(total[:, 0] <= 0)[0])
            raise problem("", "returns", "wipe the portfolio out before row {r}; its "
                          "value reached zero", kind=DataError, r=row + 1)
        w[s + 1:e] = value / total
    return w


@public("portfolio_returns")
@takes_date_format
def portfolio_returns(
    returns: ArrayLike,
    weights: ArrayLike,
    *,
    rebalance: Rebalance = "none",
    dates: Sequence[Any] | pd.Index | None = None,
    holdings: Holdings = "weights",
    prices: ArrayLike | None = None,
    cost_bps: float = 0.0,
    date_format: str | None = None,
) -> PortfolioPath:
    """Compute a portfolio's return each period from its assets' returns and holdings.

    Parameters
    ----------
    returns : shape (n, k)
        Simple returns per period, oldest first, one column per asset.  An asset with
        weight 0 may have missing values; a held asset may not.
    weights : k numbers
        ``holdings="weights"``: weights or market values, scaled to sum to 1.
        ``holdings="units"``: quantities held (shares; bonds quoted per 100 nominal:
        units = nominal / 100), valued at the first row of ``prices``.  A dict or
        Series keyed by asset name is matched to ``returns``' columns by name (every
        asset once; 0 leaves one out); a list or array by position.
        Or a weight schedule: a DataFrame indexed by dates, one row per rebalancing date,
        columns labelled as ``returns``' columns; the weights dated ``d`` take effect
        after the close of ``d`` (from the first return row dated after ``d``) and drift
        in between, as PerformanceAnalytics' ``Return.portfolio`` (see
        :mod:`betaxl.schedule`).
    rebalance : {"none", "period", "week", "month", "quarter", "year"}
        ``"none"``: buy and hold, weights drift with returns.  ``"period"``: back to the
        weights at the start of every period (constant weights, Excel's SUMPRODUCT).
        Calendar modes: back to the weights after the last period of each calendar
        week (ISO weeks, Monday to Sunday, as PerformanceAnalytics'
        ``rebalance_on="weeks"``), month, quarter or year, read from ``dates``.  With a
        schedule, the weights in force are restored at those dates as well.
    dates : n dates, optional
        The end date of each return row; defaults to ``returns``' DatetimeIndex.
    holdings : {"weights", "units"}
    prices : shape (n + 1, k), optional
        Prices behind the returns (needed for units).
    cost_bps : float
        Proportional trading cost in basis points of the value traded, charged at each
        rebalance: ``cost_t = cost_bps / 1e4 * sum_i |w*_{t,i} - w_end_{t-1,i}|`` of the
        portfolio's value, and ``R_t = (1 - cost_t)(1 + sum_i w*_{t,i} r_{t,i}) - 1``
        (``contributions`` stay gross).  ``turnover`` and ``cost`` report each rebalance.
    date_format : str, optional
        The strftime format of dates written as text in the row labels (and ``dates``),
        such as ``"%d/%m/%Y"``; needed when they read day first and month first.

    Returns
    -------
    PortfolioPath

    Raises
    ------
    InputError
        Weights of the wrong length or adding up to zero, missing returns for a held
        asset, unknown modes, calendar rebalancing without dates.

    Notes
    -----
    ``R_t = sum_i w_{t-1,i} r_{t,i}`` with beginning-of-period weights ``w_{t-1}``; the
    end-of-period weights are ``w_{t-1,i}(1 + r_{t,i}) / (1 + R_t)``.  Buy and hold is the
    same as holding the initial amounts: ``V_t = sum_i w_i prod_{s<=t}(1 + r_{s,i})``.
    After the last period, ``final_weights`` are the target weights for ``"period"`` and
    the drifted end-of-period weights for the other modes.

    Examples
    --------
    The seed's two stocks: 10 -> 12 and 20 -> 18, equal money in each.

    >>> path = portfolio_returns([[0.2, -0.1]], [100, 100])
    >>> round(float(path.returns.iloc[0]), 12)
    0.05
    >>> [round(float(w), 6) for w in path.weights_end.iloc[0]]
    [0.571429, 0.428571]
    """
    panel = as_returns(returns, arg="returns", min_rows=1)
    mode = choice(rebalance, REBALANCE_MODES, arg="rebalance")
    cost = check_cost(cost_bps)
    stamps = as_dates(dates, panel.index, panel.n)
    if is_schedule(weights):
        target, changed = _schedule(panel, weights, holdings, stamps)
    else:
        target = start_weights(panel, weights, holdings, prices)
        changed = np.zeros(panel.n, dtype=bool)
    r = panel.values
    held = np.broadcast_to(target != 0, r.shape)  # per row: a schedule may add assets
    missing = np.isnan(r) & held
    if missing.any():
        row, col = np.argwhere(missing)[0]
        raise problem("", "returns", "is missing {r} of {name!r}, which the portfolio "
                      "holds; fill or drop that row first",
                      r=row_named(panel.index, int(row)), name=panel.names[int(col)])
    r = np.where(held, r, 0.0)
    with np.errstate(all="ignore"):  # growth beyond a double's range is refused below
        reset = reset_rows(panel.n, mode, stamps) | changed
        w0 = drift(r, target, reset)
        path = _path(panel, r, w0, target, mode, reset, cost)
    if not (np.isfinite(w0).all() and np.isfinite(path.growth.to_numpy()).all()):
        raise problem("", "returns", "compound to a value too large for a double; are "
                      "these returns?", kind=DataError)
    return path


def _schedule(panel: Panel, weights: pd.DataFrame, holdings: str,
              stamps: pd.DatetimeIndex | None) -> tuple[np.ndarray, np.ndarray]:
    """Scaled target weights per row and the rows where a new schedule row starts."""
    if choice(holdings, HOLDINGS, arg="holdings") != "weights":
        raise problem("", "holdings", "must be 'weights' with a weight schedule (dated "
                      "weights), got {h!r}", h=holdings)
    if stamps is None:
        raise problem("", "dates", "are needed with a weight schedule (dated weights): "
                      "index returns by date or pass dates")
    return schedule_targets(weights, panel.names, stamps, scale=normalise)


def _path(panel: Panel, r: np.ndarray, w0: np.ndarray, target: np.ndarray,
          mode: str, reset: np.ndarray, cost_bps: float) -> PortfolioPath:
    contributions = w0 * r
    gross = contributions.sum(axis=1)
    if (gross <= -1).any():
        row = int(np.flatnonzero(gross <= -1)[0]) + 1
        raise problem("", "returns", "lose the whole portfolio in row {r}", kind=DataError,
                      r=row)
    w1 = w0 * (1.0 + r) / (1.0 + gross)[:, None]
    turnover, cost = turnover_costs(target, w0, w1, reset, cost_bps)
    port = np.where(cost > 0, (1.0 - cost) * (1.0 + gross) - 1.0, gross)
    final = np.broadcast_to(target, w0.shape)[-1] if mode == "period" else w1[-1]
    index = panel.index if panel.index is not None else pd.RangeIndex(panel.n)
    return PortfolioPath(
        returns=pd.Series(port, index=index, name="portfolio"),
        weights_start=panel.frame(w0, index),
        weights_end=panel.frame(w1, index),
        contributions=panel.frame(contributions, index),
        final_weights=panel.series(final, "final_weights"),
        growth=pd.Series(np.cumprod(1.0 + port), index=index, name="growth"),
        rebalance=mode,
        turnover=pd.Series(turnover, index=index, name="turnover"),
        cost=pd.Series(cost, index=index, name="cost"),
    )
