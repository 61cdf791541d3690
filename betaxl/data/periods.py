"""Periods per year inferred from the spacing of the dates (when not given)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import Arg, BetaxlError, problem
from .dates import row_dates

__all__ = ["FREQUENCIES", "GAP_TIMES", "REGULAR_SHARE", "TRADING_WEEKDAYS", "WEEKDAY_SHARE",
           "infer_periods_per_year", "least_periods_per_year"]


#: Periods per year by spacing of dates: (name, t, shortest and longest typical gap in days).
FREQUENCIES = (("daily", 252, 1, 4), ("weekly", 52, 5, 9), ("monthly", 12, 27, 32),
               ("quarterly", 4, 88, 93), ("semiannual", 2, 180, 185),
               ("annual", 1, 364, 367))
#: A day of the week counts as one the data trade on if it holds more than this share of
#: the dates (a rare special session, a Saturday make-up day, does not count).
WEEKDAY_SHARE = 0.02
#: Daily dates on at most this many days of the week are trading days (252 a year): Monday
#: to Friday, or Sunday to Thursday (Tel Aviv, Riyadh, Cairo, Kuwait, Doha); on 7 days
#: they are calendar days, and on 6 (Saturday sessions) neither 252 nor 365: both refused.
TRADING_WEEKDAYS = 5
#: The share of the gaps that must fall in the class of the median gap.
REGULAR_SHARE = 0.8
#: A gap longer than this many times its class's widest gap is a hole in the data, not
#: the frequency: 80 days for daily data (a market closure stays under it: New York's
#: after 2001-09-11 made a 7-day gap, Athens' in 2015 a 38-day one, Cairo's in 2011 a
#: 55-day one), 640 for monthly (about 20 missing months), 20 years for annual data.
GAP_TIMES = 20


def infer_periods_per_year(index: pd.Index | None, *, arg: str = "periods_per_year",
                           like: str = "returns") -> int:
    """Periods per year from dates, or a refusal saying to pass ``periods_per_year``.

    The rule: the gaps between consecutive dates, in calendar days, are classed as
    daily (1-4 days), weekly (5-9), monthly (27-32), quarterly (88-93), semiannual
    (180-185) or annual (364-367), giving 252, 52, 12, 4, 2 or 1.  The median gap
    picks the class, and at least 80% of the gaps must fall in it, none longer than
    :data:`GAP_TIMES` times the class's widest gap (a hole: given, ``periods_per_year``
    reads the rows as consecutive periods).  Daily data count as trading days (252) if
    they fall on at most 5 days of the week (:data:`TRADING_WEEKDAYS`; a day holding at
    most 1 date in 50 is not counted): Monday to Friday or Sunday to Thursday alike;
    on 7 days (calendar days: 365 or 252?) or 6 (Saturday sessions) they are refused.
    """
    def refuse(why: str, **values: Any) -> BetaxlError:
        return problem("", arg, "was not given and " + why + "; pass {ppy} "
                       "(12 monthly, 4 quarterly, 52 weekly, 252 daily)", ppy=Arg(arg),
                       **values)

    index = row_dates(index)  # dates in any spelling check_rows accepts
    if not isinstance(index, pd.DatetimeIndex):
        raise refuse("{like} has no dates to infer it from", like=Arg(like))
    if len(index) < 3:
        raise refuse("{like} has fewer than 3 dates to infer it from",
                             like=Arg(like))
    local = index.tz_localize(None) if index.tz is not None else index  # local days
    days = np.asarray((local[1:] - local[:-1]).total_seconds()) / 86_400.0
    median = float(np.median(days))
    for name, t, lo, hi in FREQUENCIES:
        if lo - 0.5 <= median <= hi + 0.5:
            share = float(np.mean((days >= lo - 0.5) & (days <= hi + 0.5)))
            if share < REGULAR_SHARE:
                raise refuse("the dates are irregular (only {p:.0%} of the gaps "
                                     "are {name})", p=share, name=name)
            if name == "daily":
                per_day = np.bincount(local.day_of_week, minlength=7) / len(local)
                weekdays = int(np.sum(per_day > WEEKDAY_SHARE))
                if weekdays == 7:
                    raise refuse("the dates are daily including weekends (252 trading "
                                 "or 365 calendar days a year?)")
                if weekdays > TRADING_WEEKDAYS:
                    raise refuse("the dates are daily on {n} days of the week (a six-day "
                                 "week: neither 252 trading nor 365 calendar days a year)",
                                 n=weekdays)
            hole = int(np.argmax(days))
            if days[hole] > GAP_TIMES * hi:
                raise refuse("its {name} dates jump {d:g} days from {a:%Y-%m-%d} to "
                             "{b:%Y-%m-%d} (rows {i} to {j}), more than {k} times the "
                             "widest {name} gap ({hi} days): a hole in the data (given, "
                             "{ppy} reads the rows as consecutive periods)", name=name,
                             d=round(float(days[hole]), 1), a=local[hole],
                             b=local[hole + 1], i=hole + 1, j=hole + 2, k=GAP_TIMES, hi=hi)
            return t
    raise refuse("its dates are {d:g} days apart (median), which is not daily, "
                         "weekly, monthly, quarterly or annual", d=round(median, 1))


def least_periods_per_year(index: pd.Index | None) -> float | None:
    """The fewest periods a year dates could be, where they do not decide the frequency
    (the rate rule's bound, :func:`betaxl.data.units.dated_periods`): 252 for daily gaps
    (1-4 days median: 252 trading or 365 calendar days, the fewer), else 365.25 over
    the median gap in days; None with fewer than 2 dates.

    >>> least_periods_per_year(pd.date_range("2020-01-01", periods=9, freq="D"))
    252.0
    >>> round(least_periods_per_year(pd.DatetimeIndex(["2018-01-31", "2018-03-31",
    ...                                                "2018-04-30", "2018-06-30"])), 2)
    6.19
    """
    index = row_dates(index)
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        return None
    local = index.tz_localize(None) if index.tz is not None else index
    median = float(np.median(np.asarray((local[1:] - local[:-1]).total_seconds()))) / 86_400.0
    daily = FREQUENCIES[0]
    if median <= daily[3] + 0.5:
        return float(daily[1])
    return 365.25 / median
