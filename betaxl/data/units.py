"""Units: returns are decimals, a risk-free rate a decimal per period, in every door.

The rules, stated once (the README's "Reading a table" has the same rows):

- a column given as returns whose median absolute value is above 1
  (:data:`RETURNS_LIMIT`: a typical period moving more than 100%) is refused: prices,
  index levels, date serials and percents (2.5 for 2.5%) always do that, real returns
  never (even a column of +-90% moves passes).  Each door says how to be explicit in its
  own terms (:func:`not_returns`'s ``how``); the command line's ``--trust-input-type``
  lifts it for one command (:func:`trusted_returns`);

- where the calculation uses the periods per year (the risk measures), a column given
  as returns, with no units declared, whose median absolute value times the square
  root of the periods per year is above :data:`PERCENT_LIMIT` (2: a typical yearly
  move of about 300%) is refused as looking like percent: daily percents (0.6 for a
  0.6% day: 9.5 over 252 days) do that, real decimal returns never (a stock with 100%
  annual volatility gives about 0.67).  ``units="decimal"`` says they are decimals and
  lifts this rule (never the one above);
- ``units="percent"`` (``--units percent``, Excel's ``units`` argument) declares every
  number of the call in percent: the returns, the market or benchmark, the risk-free
  rate (a column or a number: Ken French's ``RF`` of 0.27 is 0.27%) and the MAR are
  divided by 100 when read; then the rules above apply to the decimals.  Results are
  decimals;
- a rate above 100% a period in size (:data:`RATE_LIMIT`: ``5`` meaning 5%, or a
  date's serial) is refused;
- when the periods per year are known (given, or inferred from the dates), a rate whose
  simple annual equivalent ``|rate| * periods_per_year`` is above 25% a year
  (:data:`ANNUAL_LIMIT`) is refused as an annual rate given per period: an annual 5%
  given as the monthly rate is 60% a year, an annual 3% given as the daily rate 756%.
  The highest US bill rate in Ken French's data, 1.35% in June 1981, is 16.2% a year
  and passes; so would any risk-free rate short of a high-inflation currency's (give
  such a rate per period with the periods unknown, or compute excess returns first).
"""

from __future__ import annotations

import contextvars
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from ..errors import BetaxlError, problem

__all__ = ["ANNUAL_LIMIT", "API_HOW", "DECLARE_HOW", "PERCENT_LIMIT", "RATE_HOW", "RATE_LIMIT",
           "RETURNS_LIMIT",
           "UNITS", "check_rate", "check_returns", "column_medians", "dated_periods",
           "in_decimals",
           "not_returns", "read_units", "trusted_returns"]

#: The largest median absolute value of a column read as returns.
RETURNS_LIMIT = 1.0
#: How the Python API says to be explicit about prices given as returns.
API_HOW = ('for prices give input_type="prices" where the function has one, else '
           'to_returns(prices); returns are decimals (0.025 for 2.5%): for percents give '
           'units="percent"')
#: The largest median absolute value times sqrt(periods per year), undeclared units.
PERCENT_LIMIT = 2.0
#: The units a table of returns (and its rates) can be declared in.
UNITS = ("decimal", "percent")
_API_UNITS = ('give units="percent" if they are percents (2.5 for 2.5%), or '
              'units="decimal" if they are decimals')
_SERIALS = (18_264, 73_050)  # 1950-01-01 to 2099-12-31 in Excel's 1900 system
_TRUSTED: contextvars.ContextVar[bool] = contextvars.ContextVar("betaxl_trusted_returns",
                                                               default=False)


@contextmanager
def trusted_returns() -> Iterator[None]:
    """Read columns given as returns as returns, however large, inside the block (the
    command line's ``--trust-input-type``)."""
    token = _TRUSTED.set(True)
    try:
        yield
    finally:
        _TRUSTED.reset(token)

#: The largest rate per period, in size, read as a decimal.
RATE_LIMIT = 1.0
#: The largest simple annual equivalent (rate x periods per year), in size: 25% a year
#: (French's highest bill rate, 1.35% a month in 1981, is 16.2%).
ANNUAL_LIMIT = 0.25

#: How to give a rate per period, in the API's and the command line's words ({cli}: the
#: command line's annual flag, for the rates that have one; Excel has its own,
#: :data:`betaxl.excel.inputs.EXCEL_RATE`).
RATE_HOW = ("give the rate per period as a decimal (5% a year over 12 periods is "
            "per_period_rate(0.05, 12), PER_PERIOD_RATE(0.05, 12) in Excel{cli}), or declare "
            'percents: units="percent", --units percent')
#: How the API and the command line declare a rate per period above the annual rule.
DECLARE_HOW = 'units="decimal" (--units decimal)'
#: the command line's way to give an annual rate, for the rates that have one
_ANNUAL_FLAG = {"risk_free": ", --risk-free-annual 0.05 on the command line"}


def check_rate(values: np.ndarray, arg: str, periods_per_year: float | None = None,
               how: str | None = None, *, least: bool = False, declared: bool = False,
               declare: str = DECLARE_HOW) -> None:
    """Refuse a per-period rate that is a percent or an annual rate (the module's rule);
    ``how`` says how to be explicit in the caller's door; ``least``: the periods are the
    fewest the dates could be (:func:`dated_periods`), not their frequency; ``declared``:
    the units were declared (``units="decimal"`` or ``"percent"``), which lifts the
    annual-equivalent rule (a real 42% a year: Turkey's 0.035 a month), not the
    100%-a-period one; ``declare``: how the caller's door declares them.

    >>> check_rate(np.array([0.0001]), "risk_free", 252)
    >>> try:
    ...     check_rate(np.array([0.03]), "risk_free", 252)
    ... except ValueError as exc:
    ...     print(str(exc)[:60])
    : risk_free holds 0.03 a period, which is 756% a year over 2
    """
    if how is None:
        how = RATE_HOW.replace("{cli}", _ANNUAL_FLAG.get(arg, ""))
    size = np.abs(np.nan_to_num(np.asarray(values, dtype=float).reshape(-1)))
    big = np.flatnonzero(size > RATE_LIMIT)
    if big.size:
        raise problem("", arg, "holds {v:.6g}, more than 100% a period: {how}", how=how,
                      v=float(np.asarray(values, dtype=float).reshape(-1)[big[0]]))
    if declared or periods_per_year is None or not np.isfinite(periods_per_year):
        return
    over = np.flatnonzero(size * periods_per_year > ANNUAL_LIMIT)
    if over.size:
        v = float(np.asarray(values, dtype=float).reshape(-1)[over[0]])
        over_t = ("at least {a:.0%} a year over the fewest periods a year the dates allow, "
                  "{t:.3g}" if least else "{a:.0%} a year over {t:g} periods a year")
        raise problem("", arg, "holds {v:.6g} a period, which is " + over_t + ": an annual "
                      "rate? {how}; or, if it is the rate per period, declare {declare}",
                      how=how, v=v, a=abs(v) * periods_per_year, t=periods_per_year,
                      declare=declare)


def dated_periods(index: pd.Index | None) -> tuple[float | None, bool]:
    """The periods per year for the rate rule where they are not given, and whether
    they are only the fewest the dates could be: the frequency the dates imply
    (:func:`betaxl.data.periods.infer_periods_per_year`), else, where the dates do not
    decide it (calendar-daily, gapped or irregular dates), the fewest periods a year
    they could be (:func:`betaxl.data.periods.least_periods_per_year`), so that an
    annual rate or a percent is still refused; (None, False) without dates.
    """
    from .dates import labelled
    from .periods import infer_periods_per_year, least_periods_per_year

    if index is None or not labelled(index):
        return None, False
    try:
        return float(infer_periods_per_year(index)), False
    except BetaxlError:
        least = least_periods_per_year(index)
        return least, least is not None


def column_medians(values: np.ndarray | pd.DataFrame) -> np.ndarray:
    """Each column's median absolute value (NaN for an all-blank column), a few MB of
    columns at a time (a median's temporaries are several times its data)."""
    n, k = values.shape
    out = np.full(k, np.nan)
    step = max(1, (1 << 20) // max(n, 1))
    for start in range(0, k, step):
        cols = slice(start, start + step)
        block = (values.iloc[:, cols].to_numpy(dtype=float) if isinstance(values, pd.DataFrame)
                 else np.asarray(values[:, cols], dtype=float))
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-blank column
            if n:
                out[cols] = np.nanmedian(np.abs(block), axis=0)
    return out


def _may_exceed(values: np.ndarray | pd.DataFrame, limit: float,
                bounds: tuple[float, float] | None = None) -> np.ndarray:
    """The columns whose median absolute value can be above ``limit``: those
    with ``c - c // 2`` of their ``c`` values above it or more (a median of ``c`` sorted
    values is at most the one at 1-based place ``c // 2 + 1``), a few MB at a time.
    ``bounds``: the least and largest of ``values`` (an array), when known: they stand
    for a block of every column."""
    n, k = values.shape
    keep = np.zeros(k, dtype=bool)
    step = max(1, (1 << 20) // max(n, 1))
    if bounds is not None and n and step >= k and isinstance(values, np.ndarray) \
            and -limit <= bounds[0] and bounds[1] <= limit:
        return np.flatnonzero(keep)  # as the block's own check below: none over
    for start in range(0, k, step):
        cols = slice(start, start + step)
        block = (values.iloc[:, cols].to_numpy(dtype=float) if isinstance(values, pd.DataFrame)
                 else np.asarray(values[:, cols], dtype=float))
        # no value above the limit, blanks aside (fmin/fmax pass over NaN; all blank: NaN,
        # which fails both): none over, as the counts would find (a blank column's median
        # is NaN, never over)
        if n and -limit <= np.fmin.reduce(block, axis=None) and \
                np.fmax.reduce(block, axis=None) <= limit:
            continue
        with np.errstate(invalid="ignore"):
            over = (np.abs(block) > limit).sum(axis=0)
        valid = (~np.isnan(block)).sum(axis=0)
        keep[cols] = over >= valid - valid // 2
    return np.flatnonzero(keep)


def not_returns(values: np.ndarray | pd.DataFrame, names: Sequence[object],
                how: str, *, periods_per_year: float | None = None,
                units: str | None = None, units_how: str = _API_UNITS,
                bounds: tuple[float, float] | None = None,
                dates_how: str | None = None) -> str | None:
    """The problem with the first column that cannot be returns (the module's rule), or
    None; ``how`` says how to be explicit in the caller's door, ``units_how`` how to
    declare the units (where ``periods_per_year`` is given and ``units`` is None, the
    percent rule applies); ``dates_how`` (``{name}``: the column), how to read Excel
    serial dates under pandas' name for a blank header (``Unnamed: 0``), the advice then.

    >>> print(not_returns(np.array([[101.0], [102.5], [99.0]]), ["SPX"], "give returns"))
    ... # doctest: +NORMALIZE_WHITESPACE
    column 'SPX' does not look like returns (its median size is 101, a move of more
    than 100% a period): give returns
    >>> not_returns(np.array([[0.9], [-0.9], [0.01]]), ["A"], "") is None
    True
    """
    if _TRUSTED.get() or values.shape[0] == 0 or values.shape[1] == 0:
        return None
    ppy = periods_per_year
    rule = units is None and ppy is not None and bool(np.isfinite(ppy))
    root = float(np.sqrt(ppy)) if rule and ppy is not None else 0.0  # None: for mypy
    limit = (min(RETURNS_LIMIT, PERCENT_LIMIT / root * (1 - 1e-12)) if rule and root > 0
             else RETURNS_LIMIT)  # a little under: the rounding of median * root
    maybe = _may_exceed(values, limit, bounds)  # a count first: medians only where one can be over
    if not maybe.size:  # none can be over the smaller limit: neither rule refuses
        return None
    picked = values.iloc[:, maybe] if isinstance(values, pd.DataFrame) else values[:, maybe]
    medians = column_medians(picked)
    bad = np.flatnonzero(medians > RETURNS_LIMIT)
    if not bad.size:
        if not rule:
            return None
        big = np.flatnonzero(medians * root > PERCENT_LIMIT)
        if not big.size:
            return None
        j, median = int(maybe[big[0]]), medians[big[0]]
        return (f"column {str(names[j])!r} looks like percent returns (its median size "
                f"{median:.4g} times sqrt({periods_per_year:g} periods a year) is "
                f"{median * root:.3g}, above {PERCENT_LIMIT:g}): {units_how}")
    j, median = int(maybe[bad[0]]), medians[bad[0]]
    col = (values.iloc[:, j].to_numpy(dtype=float) if isinstance(values, pd.DataFrame)
           else np.asarray(values[:, j], dtype=float))
    col = col[~np.isnan(col)]
    serials = bool(col.size) and (col == np.round(col)).all() \
        and col.min() >= _SERIALS[0] and col.max() <= _SERIALS[1]
    if serials and dates_how and re.fullmatch(r"Unnamed: \d+", str(names[j])):
        return (f"column {str(names[j])!r} has no header and holds whole numbers that read "
                "as Excel serial dates (1950-2099), not returns: "
                + dates_how.format(name=repr(str(names[j]))))
    hint = ("; it looks like dates: put them in the first column, oldest first, or head "
            "the column Date" if serials else "")
    return (f"column {str(names[j])!r} does not look like returns (its median size is "
            f"{median:.6g}, a move of more than 100% a period): {how}{hint}")


def check_returns(values: np.ndarray, names: Sequence[object], arg: str,
                  how: str = API_HOW, *, periods_per_year: float | None = None,
                  units: str | None = None, bounds: tuple[float, float] | None = None
                  ) -> None:
    """Refuse a column given as returns that cannot be returns (:func:`not_returns`;
    ``bounds``: the values' least and largest, when known)."""
    message = not_returns(values, names, how, periods_per_year=periods_per_year,
                          units=units, bounds=bounds)
    if message is not None:
        raise problem("", arg, "{m}", m=message)


def read_units(units: object, arg: str = "units") -> str | None:
    """``"decimal"``, ``"percent"`` or None (not declared: the size rules decide).

    >>> read_units("Percent"), read_units(None)
    ('percent', None)
    """
    if units is None:
        return None
    text = str(units).strip().lower() if isinstance(units, str) else None
    if text not in UNITS:
        raise problem("", arg, 'must be "decimal" or "percent", got {v!r}', v=units)
    return text


def in_decimals(value: Any, units: str | None) -> Any:
    """``value`` (a table, a column, a list or a number; None stays None) over 100 when
    ``units`` is ``"percent"``, else as given; what cannot be divided (text) is left for
    the reader to refuse.

    >>> in_decimals([2.5, -1.0], "percent"), in_decimals(0.27, "percent")
    ([0.025, -0.01], 0.0027)
    """
    if units != "percent" or value is None or isinstance(value, bool):
        return value
    try:
        if isinstance(value, (pd.DataFrame, pd.Series, np.ndarray)):
            return value / 100.0
        if isinstance(value, (int, float, np.number)):
            return float(value) / 100.0
        out = np.asarray(value, dtype=float) / 100.0
        return out.tolist() if isinstance(value, (list, tuple)) else out
    except (TypeError, ValueError):
        return value
