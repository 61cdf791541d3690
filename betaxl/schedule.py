"""Weight schedules (weights that change over time) and trading costs for portfolios.

A schedule is a DataFrame indexed by dates, one row per rebalancing date and one column
per asset, as PerformanceAnalytics' ``Return.portfolio`` takes an xts of weights: the
weights dated ``d`` take effect after the close of ``d``, so the first return row they
govern is the first one dated after ``d``; in between, the holdings drift with returns.
One rule, that of PerformanceAnalytics' ``Return.portfolio``: weights dated ``d``
govern every return row dated after ``d``, until the schedule's next date.  Dated on a
return row, they are traded at that row's close; dated between two return rows (a
weekend, a holiday, mid-month for monthly data), they govern the next row, whose return
starts at the close of the row before ``d``, so they are traded at that close.  Every
schedule row must govern a return row: a row dated on or after the last return, or
replaced by the next schedule row before any return, is refused with its date (never
ignored silently); the first row must be dated before the first return.

Trading cost (``cost_bps``): at each rebalance before return row t the portfolio trades
from the drifted weights ``w_end[t-1]`` to the target ``w*[t]``; its turnover is
``TO_t = sum_i |w*_{t,i} - w_end_{t-1,i}|`` (one-way: buying 10% and selling 10% is 0.2)
and the cost ``c_t = cost_bps / 10,000 * TO_t`` is a fraction of the portfolio's value,
deducted at the rebalance pro rata across assets (so the weights after it are still the
target).  The net return of row t is ``(1 - c_t)(1 + sum_i w*_{t,i} r_{t,i}) - 1``.  The
initial allocation is not a rebalance and costs nothing (``TO_0 = 0``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .data.panel import as_panel
from .errors import BetaxlError, problem

__all__ = ["is_schedule", "schedule_targets", "turnover_costs"]


def _date_index(index: pd.Index) -> pd.DatetimeIndex | None:
    """The index as dates: a DatetimeIndex, or ISO date texts (pandas' default CSV)."""
    if isinstance(index, pd.DatetimeIndex):
        return index
    if len(index) and index.inferred_type == "string":
        try:
            return pd.DatetimeIndex(pd.to_datetime(index, format="ISO8601"))
        except (ValueError, TypeError, OverflowError):
            return None
    return None


def is_schedule(weights: Any) -> bool:
    """True for a DataFrame of weights indexed by dates (a weight schedule), including
    ISO date texts as ``pd.read_csv`` leaves them without ``parse_dates``.

    >>> is_schedule(pd.DataFrame({"a": [1.0]}, index=["2024-01-31"]))
    True
    >>> is_schedule(pd.DataFrame({"w": [0.5, 0.5]}, index=["AAPL", "MSFT"]))
    False
    """
    return isinstance(weights, pd.DataFrame) and _date_index(weights.index) is not None


def aligned(schedule: pd.DataFrame, names: tuple[str, ...]) -> np.ndarray:
    """The schedule's columns in the order of ``names``: by label, never by position
    unless the schedule has no labels (0..k-1)."""
    labels = [str(c) for c in schedule.columns]
    k = len(names)
    if isinstance(schedule.columns, pd.RangeIndex) and len(labels) == k:
        order = list(range(k))
    elif sorted(labels) == sorted(names) and len(set(labels)) == len(labels):
        order = [labels.index(name) for name in names]
    else:
        missing = [n for n in names if n not in labels]
        extra = [c for c in labels if c not in names]
        raise problem("", "weights", "columns must name the assets of returns ({what}); "
                      "label the schedule's columns as returns' columns",
                      what=(f"missing {missing[:3]}" if missing else f"unknown {extra[:3]}"))
    values = as_panel(schedule, arg="weights").values[:, order]
    if np.isnan(values).any():
        row, col = np.argwhere(np.isnan(values))[0]
        raise problem("", "weights", "is missing the weight of {a!r} on {d}",
                      a=names[int(col)], d=str(schedule.index[int(row)].date()))
    return values


def schedule_targets(schedule: pd.DataFrame, names: tuple[str, ...],
                     row_dates: pd.DatetimeIndex,
                     scale: Callable[[np.ndarray], np.ndarray] | None = None,
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Target weights in force for each return row, and where a new row takes effect.

    Returns ``(targets, changed)``: ``targets[t]`` is the schedule row with the latest
    date before ``row_dates[t]`` (passed through ``scale``, whose refusal names that
    row's date); ``changed[t]`` is True on row 0 and where that row differs from the one
    in force at row t - 1.

    >>> s = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]},
    ...                  index=pd.to_datetime(["2024-01-31", "2024-02-15"]))
    >>> rows = pd.to_datetime(["2024-02-09", "2024-02-29", "2024-03-31"])
    >>> t, c = schedule_targets(s, ("a", "b"), rows)
    >>> t.tolist(), c.tolist()
    ([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], [True, True, False])

    A row that governs no return row (here the first, replaced before any return) is
    refused, never ignored:

    >>> schedule_targets(s, ("a", "b"), rows[1:])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    betaxl.errors.InputError: : weights dated 2024-01-31 govern no return row: the row ...
    """
    values = aligned(schedule, names)
    when = _date_index(schedule.index)
    assert when is not None  # callers check is_schedule first
    if when.isna().any():
        raise problem("", "weights", "has a row without a date")
    if len(when) == 0:
        raise problem("", "weights", "has no rows")
    if when.tz is not None and row_dates.tz is None or when.tz is None and row_dates.tz is not None:
        raise problem("", "weights", "dates and returns' dates must both have a time zone "
                      "or both have none")
    # asi8 counts the index's own unit (s from a workbook, us from a CSV): nanoseconds both
    when, row_dates = when.as_unit("ns"), row_dates.as_unit("ns")
    if not (np.diff(when.asi8) > 0).all():
        raise problem("", "weights", "dates must be distinct and in time order, oldest first")
    pos = np.searchsorted(when.asi8, row_dates.asi8, side="left") - 1
    if len(pos) and pos[0] < 0:
        raise problem("", "weights", "start on {w}, not before the first return ({r}); "
                      "date the starting weights before it or drop the earlier returns",
                      w=str(when[0].date()), r=str(row_dates[0].date()))
    _each_row_governs(when, row_dates, pos)
    changed = np.ones(len(pos), dtype=bool)
    changed[1:] = pos[1:] != pos[:-1]
    if scale is not None:
        values = values.copy()
        for j in np.unique(pos):
            try:
                values[j] = scale(values[j])
            except BetaxlError as exc:
                raise problem("", "weights", "dated {d}: {e}", d=str(when[j].date()),
                              e=str(exc).split(" weights ", 1)[-1]) from None
    return values[pos], changed


def _each_row_governs(when: pd.DatetimeIndex, row_dates: pd.DatetimeIndex,
                      pos: np.ndarray) -> None:
    """Refuse a schedule row that governs no return row (``pos``: the schedule row in
    force per return row): dated on or after the last return, or replaced by a later
    schedule row before any return falls after it.  Such a row would be ignored
    silently, which hides a schedule that does not fit the data."""
    unused = np.setdiff1d(np.arange(len(when)), pos)
    if not unused.size:
        return
    j = int(unused[0])
    d = str(when[j].date())
    if j > int(pos[-1]):
        raise problem("", "weights", "dated {d} govern no return row: the returns end "
                      "{end}, and weights take effect after the close of their date; "
                      "drop the schedule's rows from {d} on or give returns after them",
                      d=d, end=str(row_dates[-1].date()))
    nxt = int(np.searchsorted(row_dates.asi8, when.asi8[j], side="right"))
    raise problem("", "weights", "dated {d} govern no return row: the row dated {later} "
                  "replaces them before the next return ({r}); drop one of the two",
                  d=d, later=str(when[j + 1].date()), r=str(row_dates[nxt].date()))


def turnover_costs(targets: np.ndarray, w_start: np.ndarray, w_end: np.ndarray,
                   reset: np.ndarray, cost_bps: float) -> tuple[np.ndarray, np.ndarray]:
    """One-way turnover ``sum |w*_t - w_end_{t-1}|`` at each rebalance, and its cost.

    >>> w0 = np.array([[0.5, 0.5], [0.5, 0.5]])
    >>> w1 = np.array([[0.6, 0.4], [0.55, 0.45]])
    >>> to, c = turnover_costs(w0, w0, w1, np.array([True, True]), 10.0)
    >>> [round(float(x), 12) for x in to], [round(float(x), 12) for x in c]
    ([0.0, 0.2], [0.0, 0.0002])
    """
    n = len(reset)
    turnover = np.zeros(n)
    if n > 1:
        moved = np.abs(w_start[1:] - w_end[:-1]).sum(axis=1)
        turnover[1:] = np.where(reset[1:], moved, 0.0)
    return turnover, turnover * (cost_bps / 10_000.0)


def check_cost(cost_bps: Any) -> float:
    """A finite cost in basis points, at least 0 and below 10,000 (100%)."""
    try:
        value = float(cost_bps)
    except (TypeError, ValueError):
        value = float("nan")
    if isinstance(cost_bps, bool) or not np.isfinite(value) or not 0 <= value < 10_000:
        raise problem("", "cost_bps", "must be a number of basis points from 0 to below "
                      "10000 (10 = 0.1% of the value traded), got {v!r}", v=cost_bps)
    return value
