"""Changing the frequency of returns: compounding within calendar periods, per-period rates.

Simple returns compound: a month's return is ``prod(1 + r_t) - 1`` over the month's
rows, never their sum and never an average of log returns.  Rates quoted per year are
turned into rates per period with the compounding the caller names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .data.dates import takes_date_format
from .data.options import choice
from .data.panel import as_panel
from .data.units import check_returns, in_decimals, read_units
from .data.values import ArrayLike
from .errors import problem, public

__all__ = ["FREQUENCIES", "RATE_METHODS", "Resampled", "check_flag", "per_period_rate",
           "resample_returns"]

Frequency = Literal["week", "month", "quarter", "year"]
#: The calendar periods ``resample_returns`` knows, and pandas' period codes for them.
FREQUENCIES: tuple[Frequency, ...] = ("week", "month", "quarter", "year")
_PERIOD_CODE = {"week": "W-SUN", "month": "M", "quarter": "Q-DEC", "year": "Y-DEC"}
RateMethod = Literal["compound", "simple"]
RATE_METHODS: tuple[RateMethod, ...] = ("compound", "simple")


@dataclass(frozen=True)
class Resampled:
    """Returns compounded within calendar periods, with what each period held.

    ``returns``: one row per period, indexed by the period's last date in the data;
    ``period``: its calendar label (``2024-01``, ``2024Q1``, ...); ``rows``: how many
    input rows it compounds; ``partial``: True for a first or last period the data
    cover only in part (see :func:`resample_returns`); ``dropped``: the labels of the
    partial periods left out with ``drop_partial=True``.
    """

    returns: pd.DataFrame
    period: pd.Series
    rows: pd.Series
    partial: pd.Series
    dropped: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The returns with the columns ``period``, ``rows`` and ``partial`` in front."""
        info = pd.DataFrame({"period": self.period, "rows": self.rows,
                             "partial": self.partial})
        return pd.concat([info, self.returns], axis=1)


def _dates(returns: ArrayLike, dates: ArrayLike | None, n: int) -> pd.DatetimeIndex:
    """The rows' dates: ``dates`` if given, else the DatetimeIndex of ``returns``."""
    if dates is None:
        index = returns.index if isinstance(returns, (pd.Series, pd.DataFrame)) else None
        if not isinstance(index, pd.DatetimeIndex):
            raise problem("", "returns", "needs a DatetimeIndex (or pass dates=...) to be "
                          "cut into calendar periods")
    else:
        try:
            index = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates).reshape(-1)))
        except (ValueError, TypeError) as exc:
            raise problem("", "dates", "are not all dates ({what})",
                          what=str(exc).splitlines()[0][:60]) from None
        if len(index) != n:
            raise problem("", "dates", "has {m} dates but {returns} has {n} rows",
                          m=len(index), n=n)
    if index.tz is not None:
        index = index.tz_localize(None)
    index = index.as_unit("ns")  # asi8 below counts nanoseconds whatever the input unit
    if index.hasnans:
        raise problem("", "dates" if dates is not None else "returns",
                      "has a missing date at row {row}",
                      row=int(np.flatnonzero(index.isna())[0]) + 1)
    step = np.diff(index.asi8)
    if (step <= 0).any():
        row = int(np.flatnonzero(step <= 0)[0]) + 2
        what = ("repeats the date before it" if step[row - 2] == 0
                else "is earlier than the row before")
        raise problem("", "dates" if dates is not None else "returns",
                      "row {row} ({date}) " + what + "; dates must be unique and oldest first",
                      row=row, date=str(index[row - 1].date()))
    return index


def _neighbour(index: pd.DatetimeIndex, sign: int) -> pd.Timestamp:
    """The date one typical step before (sign -1) the first row or after (+1) the last.

    Business-day data (no weekend dates, daily spacing) step by one business day;
    anything else by the median spacing of the dates.
    """
    edge = index[0] if sign < 0 else index[-1]
    if len(index) < 2:
        return edge
    gaps = np.diff(index.asi8)
    median = pd.Timedelta(int(np.median(gaps)), "ns")
    if median <= pd.Timedelta(days=1) and (index.day_of_week < 5).all():
        return edge + sign * pd.offsets.BDay(1)
    if pd.Timedelta(days=27) <= median <= pd.Timedelta(days=31):
        return edge + sign * pd.DateOffset(months=1)  # monthly data: calendar months
    return edge + sign * median


@public("resample_returns")
@takes_date_format
def resample_returns(returns: ArrayLike, *, to: Frequency = "month",
                     dates: ArrayLike | None = None,
                     drop_partial: bool = False, date_format: str | None = None,
                     units: str | None = None) -> Resampled:
    """Compound simple returns into weekly, monthly, quarterly or yearly returns.

    Parameters
    ----------
    returns : DataFrame or Series, shape (n,) or (n, k)
        Simple returns per row, oldest first, indexed by a DatetimeIndex (or give
        ``dates``).  NaN = missing.
    to : {"week", "month", "quarter", "year"}
        Calendar periods: weeks Monday to Sunday, calendar months, quarters ending
        March, June, September and December, calendar years.
    dates : sequence of dates, shape (n,), optional
        The rows' dates, when ``returns`` has no DatetimeIndex.
    drop_partial : bool, default False
        Leave out the periods flagged ``partial`` (their labels are in ``dropped``).
    date_format : str, optional
        The strftime format of dates written as text in the row labels (and ``dates``),
        such as ``"%d/%m/%Y"``; needed when they read day first and month first.
    units : {"decimal", "percent"}, optional
        The units of the returns (see :mod:`betaxl.data.units`): ``"percent"`` divides them by
        100 when read (2.5 for 2.5%, as in Ken French's files); results are decimals.

    Returns
    -------
    Resampled
        ``returns`` (one row per period that has data, indexed by its last date),
        ``period``, ``rows`` and ``partial``.

    Raises
    ------
    InputError
        No dates, dates not increasing or repeated, a return below -100%.

    Notes
    -----
    Each period's return is ``prod(1 + r_t) - 1`` over its rows (computed as
    ``expm1(sum(log1p(r_t)))``, the same number without the rounding of ``1 + r`` for
    tiny returns).  A period in which an asset has a missing value is missing for that
    asset: a gap is never taken as a zero return.

    The return on the first row covers the time since the date before it, which the
    data do not show.  The first period is reported ``partial`` when one typical step
    before the first date (one business day for business-day data, one month for
    monthly data, else the median spacing) still falls inside that period, and the
    last period when one step after the last date does.  Holidays are not known, so a
    period starting on a holiday may be reported partial: the flag says where to look;
    partial periods are kept unless ``drop_partial`` asks to leave them out.

    Examples
    --------
    Two months of weekly-ish rows: January compounds 10% and -10% to -1%.

    >>> r = pd.Series([0.10, -0.10, 0.05], name="a",
    ...               index=pd.to_datetime(["2024-01-10", "2024-01-31", "2024-02-29"]))
    >>> out = resample_returns(r, to="month")
    >>> [round(float(v), 12) for v in out.returns["a"]]
    [-0.01, 0.05]
    >>> list(out.period), list(out.rows)
    (['2024-01', '2024-02'], [2, 1])
    """
    how = choice(to, FREQUENCIES, arg="to")
    returns = in_decimals(returns, read_units(units))
    panel = as_panel(returns, arg="returns", min_rows=1)
    check_returns(panel.values, panel.names, "returns")  # prices given as returns
    index = _dates(returns, dates, panel.n)
    values = panel.values
    below = values < -1.0  # NaN compares False
    if below.any():
        row, col = np.argwhere(below)[0]
        raise problem("", "returns", "column {name!r} has a return of {v:.6g} at row {row}; "
                      "a simple return cannot be below -100%", name=panel.names[col],
                      v=float(values[row, col]), row=int(row) + 1)
    periods = index.to_period(_PERIOD_CODE[how])
    codes = periods.asi8
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    with np.errstate(divide="ignore"):  # a -100% return: log1p = -inf, compounds to -1
        logs = np.log1p(values)
    total = np.add.reduceat(logs, starts, axis=0)  # NaN anywhere in a period stays NaN
    compounded = np.expm1(total)
    last = np.r_[starts[1:], len(index)] - 1
    out_index = pd.DatetimeIndex(index[last], name=index.name)
    labels = periods[starts]
    partial = np.zeros(len(starts), dtype=bool)
    partial[0] = _neighbour(index, -1) >= labels[0].start_time
    partial[-1] |= _neighbour(index, +1) <= labels[-1].end_time
    names = [str(p) for p in labels]
    keep = ~partial if check_flag(drop_partial, "drop_partial") else np.ones_like(partial)
    out_index = out_index[keep]
    return Resampled(
        returns=pd.DataFrame(compounded[keep], index=out_index, columns=panel.columns),
        period=pd.Series(np.array(names, dtype=object)[keep], index=out_index,
                         name="period"),
        rows=pd.Series(np.diff(np.r_[starts, len(index)])[keep], index=out_index,
                       name="rows"),
        partial=pd.Series(partial[keep], index=out_index, name="partial"),
        dropped=tuple(n for n, k in zip(names, keep, strict=True) if not k),
    )


def check_flag(value: object, arg: str) -> bool:
    """A True/False option (numpy booleans too), or a refusal naming it."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise problem("", arg, "must be True or False, got {v!r}", v=value)


@public("per_period_rate")
def per_period_rate(annual: ArrayLike, periods_per_year: float, *,
                    method: RateMethod = "compound") -> ArrayLike:
    """Turn an annual rate (0.05 for 5% a year) into the rate for one period.

    Parameters
    ----------
    annual : float, Series or array
        The annual rate as a decimal fraction.  NaN = missing (stays missing).
    periods_per_year : float
        12 for months, 52 for weeks, 252 for trading days, 4 for quarters.
    method : {"compound", "simple"}
        "compound" (default): the rate that compounds to ``annual`` over a year,
        ``(1 + annual) ** (1 / periods_per_year) - 1``; "simple": ``annual /
        periods_per_year`` (money-market and T-bill quotes, which are not compounded).

    Returns
    -------
    float, Series or ndarray, shaped like ``annual``

    Raises
    ------
    InputError
        ``periods_per_year`` not positive; an annual rate at or below -100% with
        "compound"; text or infinite values.

    Examples
    --------
    >>> round(per_period_rate(0.21, 2), 12)  # 1.1 ** 2 = 1.21
    0.1
    >>> per_period_rate(0.06, 12, method="simple")
    0.005
    """
    how = choice(method, RATE_METHODS, arg="method")
    if isinstance(periods_per_year, bool) or not isinstance(
            periods_per_year, (int, float, np.integer, np.floating)) \
            or not np.isfinite(periods_per_year) or periods_per_year <= 0:
        raise problem("", "periods_per_year", "must be a positive number, got {p!r}",
                      p=periods_per_year)
    scalar = np.ndim(annual) == 0 and not isinstance(annual, (pd.Series, pd.DataFrame))
    panel = as_panel([annual] if scalar else annual, arg="annual")
    values = panel.values
    if how == "compound":
        if (values <= -1.0).any():
            raise problem("", "annual", "has a rate of -100% or below, which cannot be "
                          "compounded; use {method}='simple'")
        rate = np.expm1(np.log1p(values) / float(periods_per_year))
    else:
        rate = values / float(periods_per_year)
    if scalar:
        return float(rate[0, 0])
    if isinstance(annual, pd.Series):
        return pd.Series(rate[:, 0], index=annual.index, name=annual.name)
    if isinstance(annual, pd.DataFrame):
        return pd.DataFrame(rate, index=annual.index, columns=annual.columns)
    return rate.reshape(np.shape(annual))
