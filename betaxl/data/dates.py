"""Row labels as dates: which rows are dates, in any spelling, and the oldest-first check.

Rows are labelled unless they are a RangeIndex (positions); labelled rows must be
unique and, if they are dates (also dates written as text) or numbers, oldest first:
betaxl refuses other orders rather than sorting (:func:`check_rows`).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from functools import wraps
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ..errors import Arg, BetaxlError, count, problem
from .table import (
    NUMERIC_DATE,
    check_format,
    code_dates,
    date_format,
    day_month,
    explicit_format,
    in_format,
    is_date_name,
    month_labels,
    number_dates,
    written_as_months,
)

__all__ = ["API_FORMAT", "as_dates", "check_rows", "labelled", "months_of", "order_problem",
           "row_dates", "row_named", "show_label", "takes_date_format", "text_dates"]

#: How the Python API spells the explicit date format, in its refusals.
API_FORMAT = "date_format='{}'"
F = TypeVar("F", bound=Callable[..., Any])


def takes_date_format(fn: F) -> F:
    """A public function's ``date_format=`` keyword: every date text it reads (row
    labels, ``dates``) follows that strftime format (:func:`betaxl.data.table.date_format`).
    Placed under ``@public``, so a refusal carries the function's name."""
    @wraps(fn)
    def inner(*args: Any, **kwargs: Any) -> Any:
        fmt = kwargs.get("date_format")
        try:
            check_format(fmt, API_FORMAT)
        except ValueError:
            raise problem("", "date_format", "is {v!r}, not a date format: give a strftime "
                          "format such as '%d/%m/%Y'", v=fmt) from None
        with date_format(fmt, API_FORMAT):
            return fn(*args, **kwargs)

    return inner  # type: ignore[return-value]


def labelled(index: pd.Index | None) -> bool:
    """Rows (or columns) carry labels unless they are absent or a RangeIndex (positions)."""
    return index is not None and not isinstance(index, pd.RangeIndex)


def _date_like(index: pd.Index) -> bool:
    return isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) or (
        index.dtype == object and len(index) > 0
        and all(isinstance(v, (dt.date, np.datetime64)) for v in index))


def text_dates(index: pd.Index) -> pd.DatetimeIndex | None:
    """Row labels that are dates written as text: in the caller's ``date_format``, else
    ISO 8601 (YYYY-MM-DD...), month labels (``Jan-18``, ``2018-01``: their month ends)
    or day and month as numbers that read only one way for the whole index
    (``31/01/2020``; :mod:`betaxl.data.table`); None otherwise."""
    if index.dtype.kind not in "OU" and not pd.api.types.is_string_dtype(index.dtype):
        return None
    fmt = explicit_format()
    if fmt is not None and len(index) and all(isinstance(v, str) for v in index):
        try:
            return in_format(list(index), fmt)
        except ValueError:
            return None  # refused, naming the label, by check_rows
    months = month_labels(list(index))
    if months is not None:
        return months
    try:  # 31/01/2020: day first or month first for the whole index, or refused
        numeric = day_month(list(index), API_FORMAT)
    except ValueError:
        return None  # read both ways: refused, saying how to be explicit, by check_rows
    if numeric is not None:
        return numeric
    if len(index) == 0 or not all(isinstance(v, str) and 6 <= len(v) <= 30
                                  and any(c in v for c in "-/.") for v in index):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.DatetimeIndex(pd.to_datetime(index, format="ISO8601"))
    except (TypeError, ValueError, OverflowError):
        return None


def _iso_date(label: str) -> bool:
    return text_dates(pd.Index([label], dtype=object)) is not None


#: The shapes of dates written as text: 31/01/2020, 2020.1.31, 20200131, 2020Q1, Jan 2020.
_DATE_SHAPE = re.compile(
    r"\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}|^\s*\d{8}\s*$|\d{4}\s*-?Q[1-4]|Q[1-4]\s*-?\d{4}"
    r"|(?i:\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s*\d"
    r"|\d\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))")


def _date_text(label: Any) -> bool:
    """Text that some reader would take for a date ('31/01/2020', 'Jan 2020', '20200131').

    A cheap look at its shape first (a long index of plain labels costs a regex per
    label), then pandas' own parser, which is what would read it.
    """
    if not isinstance(label, str) or not 6 <= len(label) <= 40 \
            or _DATE_SHAPE.search(label) is None:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return not pd.isna(pd.to_datetime(label))
    except (TypeError, ValueError, OverflowError):
        return False


def _text_rows(index: pd.Index, arg: str) -> pd.DatetimeIndex | None:
    """Text row labels: ISO dates (as dates), other text (None), or refused.

    A label set that mixes dates and other text, or holds dates written in any other
    way than ISO 8601, is refused: whether '01/02/2020' is 1 February or 2 January
    cannot be told from the text, and betaxl never guesses.
    """
    fmt = explicit_format()
    if fmt is not None and all(isinstance(v, str) for v in index):
        try:
            found = in_format(list(index), fmt)
        except ValueError as exc:
            raise problem("", arg, "{e}", e=str(exc)) from None
        if found is not None:
            return found
        if _date_text(index[0]) or _iso_date(index[0]) or month_labels(index[:1]) is not None:
            raise problem("", arg, "holds {v!r} (row 1), which does not read as the date "
                          "format {f!r}", v=index[0], f=fmt)
    try:
        day_month(list(index), API_FORMAT)
    except ValueError as exc:
        raise problem("", arg, "{e}", e=str(exc)) from None
    dates = text_dates(index)
    if dates is not None or not any(_date_text(v) or isinstance(v, (dt.date, np.datetime64))
                                    for v in index):
        return dates
    odd = next((v for v in index if not (isinstance(v, (dt.date, np.datetime64))
                                         or isinstance(v, str) and _iso_date(v))), None)
    if odd is None:
        raise problem("", arg, "mixes kinds of dates (text and date objects, or several "
                      "time zones, such as {v!r}); convert the index with "
                      "pd.to_datetime(index, utc=True)", v=str(index[-1]))
    if _date_text(odd):
        shape = NUMERIC_DATE.match(str(odd))
        sep, year = (shape[2], "%Y" if len(shape[4]) == 4 else "%y") if shape else ("/", "%Y")
        raise problem("", arg, "has dates written as text that are not ISO (YYYY-MM-DD), "
                      "such as {v!r}; betaxl does not guess whether day or month comes "
                      "first: pass {dmy} (day first) or {mdy} (month first), or convert "
                      "the index with pd.to_datetime(index, dayfirst=True)", v=odd,
                      dmy=API_FORMAT.format(f"%d{sep}%m{sep}{year}"),
                      mdy=API_FORMAT.format(f"%m{sep}%d{sep}{year}"))
    raise problem("", arg, "has the row label {v!r} among dates; every row must be one "
                  "period (drop total or note rows)", v=str(odd))


def _zoned(index: pd.Index, arg: str) -> pd.Index:
    """Dates held as Python objects (maybe in several time zones) as one DatetimeIndex."""
    if index.dtype != object:
        return index
    stamps = [pd.Timestamp(v) for v in index]
    aware = {s.tz is not None for s in stamps}
    if len(aware) > 1:
        raise problem("", arg, "mixes dates with and without a time zone; give every date "
                      "a time zone (tz_localize) or none")
    if aware == {True}:
        return pd.DatetimeIndex([s.tz_convert("UTC") for s in stamps])
    return pd.DatetimeIndex(stamps)


def _plain(index: pd.Index) -> pd.Index:
    """A categorical index as the index of its values (dates stay dates)."""
    return pd.Index(index.to_numpy()) if isinstance(index, pd.CategoricalIndex) else index


def row_dates(index: pd.Index | None) -> pd.DatetimeIndex | None:
    """The rows as dates, if they are dates (DatetimeIndex, PeriodIndex, date objects or
    ISO text); None otherwise.  Assumes :func:`check_rows` passed."""
    if index is None or isinstance(index, pd.RangeIndex):
        return None
    index = _plain(index)
    if isinstance(index, pd.DatetimeIndex):
        return index
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    if _date_like(index):
        try:
            return pd.DatetimeIndex(_zoned(index, "index"))
        except (TypeError, ValueError, BetaxlError):
            return None
    codes = code_dates_of(index)
    return codes if codes is not None else text_dates(index)


def code_dates_of(index: pd.Index) -> pd.DatetimeIndex | None:
    """Whole-number row labels as dates, by the date column's rule of every door: when
    the index is unnamed (as ``read_csv(index_col=0)`` leaves Ken French's blank corner),
    yyyymm or yyyymmdd codes (:func:`betaxl.data.table.code_dates`); when it is named as
    dates (``date``, ``Month``...), also Excel serials of 1950-2099 in the 1900 system
    (:func:`betaxl.data.table.number_dates`, as the command line and the Excel functions
    read a column headed as dates); None otherwise.

    >>> code_dates_of(pd.Index([43131, 43159], name="date"))[1]
    Timestamp('2018-02-28 00:00:00')
    >>> code_dates_of(pd.Index([43131, 43159])) is None  # unnamed: codes only
    True
    >>> code_dates_of(pd.Index(["201501", "201502"], name="date"))[0]  # codes as text
    Timestamp('2015-01-31 00:00:00')
    """
    named = index.name is not None and is_date_name(str(index.name))
    blank = index.name is None or str(index.name).strip() == "" \
        or str(index.name).startswith("Unnamed: ")
    if index.dtype.kind not in "iuf":  # text: codes only, never the serial it spells
        digits = digit_labels(index)
        return code_dates(digits) if digits is not None and (named or blank) else None
    if named:
        return number_dates(index.to_numpy())
    return code_dates(index.to_numpy()) if blank else None


def digit_labels(index: pd.Index) -> np.ndarray | None:
    """Text labels that are all ASCII digits ('201501', as a Parquet string column set as
    the index leaves yyyymm codes) as the whole numbers they spell; None otherwise."""
    if index.dtype.kind not in "OU" and not pd.api.types.is_string_dtype(index.dtype):
        return None  # dates, numbers: no text to look at (a dated index is not listed)
    values = list(index)
    if not values or not all(isinstance(v, str) and v.strip().isascii()
                             and v.strip().isdigit() and len(v.strip()) <= 9 for v in values):
        return None
    return np.array([int(v) for v in values], dtype=np.int64)


def months_of(index: pd.Index | None) -> bool:
    """Whether row labels are months as written (``Jan-18``, ``2018-01``, yyyymm codes
    under a blank or date header; :func:`betaxl.data.table.written_as_months`)."""
    if index is None or isinstance(index, (pd.RangeIndex, pd.DatetimeIndex)) \
            or len(index) == 0:
        return False
    if isinstance(index, pd.PeriodIndex):
        return index.freqstr.startswith("M")
    if index.dtype.kind in "iuf":
        return code_dates_of(index) is not None and written_as_months(list(index))
    return (index.dtype == object or pd.api.types.is_string_dtype(index.dtype)) \
        and written_as_months(list(index))


def order_problem(keys: Any, given: Any, read: Any, how: str) -> str | None:
    """The order rule of every door, in one wording: None when ``keys`` (one comparable
    value a row: dates as read, or numbers) rise strictly, else the problem naming the
    first pair out of order (rows from 1, each shown as :func:`shown_as_read` shows
    ``given[row]`` read as ``read[row]``) and ``how`` to be explicit, the door's own
    way of sorting.

    >>> keys = pd.DatetimeIndex(["2029-11-30", "2029-12-31", "1930-01-31"])
    >>> order_problem(keys, ["Nov-29", "Dec-29", "Jan-30"], keys, "sort them")
    'has dates not in time order: row 3 (Jan-30 = 1930-01-31) is older than row 2 \
(Dec-29 = 2029-12-31); betaxl needs them oldest first and never reorders rows itself \
(sort them)'
    """
    keys = np.asarray(keys)
    if len(keys) < 2:
        return None
    steps = keys[1:] > keys[:-1]
    if steps.all():
        return None
    i = int(np.flatnonzero(~steps)[0]) + 1

    def shown(row: int) -> str:
        return shown_as_read(given[row], read[row])

    if keys[i] == keys[i - 1]:
        return (f"has the date {shown(i)} twice (rows {i} and {i + 1}); every period must "
                "appear once")
    order = "newest first" if (keys[1:] < keys[:-1]).all() else "not in time order"
    return (f"has dates {order}: row {i + 1} ({shown(i)}) is older than row {i} "
            f"({shown(i - 1)}); betaxl needs them oldest first and never reorders rows "
            f"itself ({how})")


def check_rows(index: pd.Index | None, *, arg: str) -> None:
    """Labelled rows must be unique, and dates (or numbers) in time order, oldest first.

    Text labels are either all ISO dates (then checked as dates) or text that is not a
    date (asset-style labels, left as they are); anything in between is refused
    (:func:`_text_rows`), as is a missing label.  betaxl refuses rather than sorts: a
    caller's other arguments may be matched to these rows by position, and sorting one
    of them would silently pair the wrong rows.
    """
    positions = isinstance(index, pd.RangeIndex) and index.start in (0, 1)
    if index is not None and len(index) and index.name is not None and not positions \
            and is_date_name(str(index.name)) and (
                pd.api.types.is_numeric_dtype(index.dtype) or digit_labels(index) is not None
            ) and code_dates_of(index) is None:  # a Year column (a RangeIndex of years too)
        raise problem("", arg, "index {c!r} is named as dates but holds {v} (not a date: "
                      "years and month numbers are not dates, {s}); give dates (a "
                      "DatetimeIndex), yyyymm or yyyymmdd codes, or rename the index",
                      c=str(index.name), v=show_label(index[0]), s="serials are read from "
                      "1950 to 2099" if pd.api.types.is_numeric_dtype(index.dtype) else
                      "and numbers written as text are dates only as yyyymm or yyyymmdd codes")
    if not labelled(index):
        return
    assert index is not None
    index = _plain(index)
    if isinstance(index, pd.MultiIndex):
        raise problem("", arg, "has rows labelled by {m} levels (a long table?); give one "
                      "row per date and one column per asset (DataFrame.unstack)",
                      m=index.nlevels)
    if index.hasnans:
        row = int(np.flatnonzero(pd.isna(index))[0]) + 1
        raise problem("", arg, "has no label (a missing date) at row {r}; every row needs "
                      "its date (drop the row, or fix the index)", r=row)
    if not index.is_unique:
        twice = index[index.duplicated()][0]
        raise problem("", arg, "has the row label {v} more than once; every period must "
                      "appear once", v=show_label(twice))
    given = index
    codes = code_dates_of(index) if not pd.api.types.is_numeric_dtype(index.dtype) else None
    if codes is not None:  # yyyymm or yyyymmdd codes as text: ordered as their dates
        index = codes
    elif _date_like(index):
        index = _zoned(index, arg)
    elif not pd.api.types.is_numeric_dtype(index.dtype):
        index = _text_rows(index, arg)  # dates written as text are in time order too
        if index is None:
            return
    text = order_problem(index, given, index, "sort them oldest first with .sort_index()")
    if text is not None:
        raise problem("", arg, "{why}", why=text)


def shown_as_read(given: Any, read: Any) -> str:
    """A row's label in a refusal: as read, with the text it was read from when that
    differs ("Jan-30 = 1930-01-31": a two-digit year's century made visible).

    >>> shown_as_read("Dec-29", pd.Timestamp("2029-12-31")), shown_as_read(194901, 194901)
    ('Dec-29 = 2029-12-31', '194901')
    """
    text = show_label(read)
    return f"{given} = {text}" if isinstance(given, str) and given.strip() != text else text


def as_dates(dates: Any, index: pd.Index | None, n: int, *, arg: str = "dates",
             like: str = "returns") -> pd.DatetimeIndex | None:
    """The date of each of ``n`` rows: ``dates`` if given, else ``like``'s row dates.

    Given dates must be dates (Timestamps, datetime64, PeriodIndex, date objects or ISO
    text, never numbers, which would be read as nanoseconds after 1970), one per row,
    each once and oldest first, and must agree with ``like``'s own dated rows if it has
    them.  None if there are no dates anywhere.
    """
    own = row_dates(index)
    if dates is None:
        return own
    if isinstance(dates, (str, bytes, Mapping, pd.DataFrame)) or np.ndim(dates) != 1:
        raise problem("", arg, "must be a list of {n} dates, one per row of {like}",
                      n=n, like=Arg(like))
    values = pd.Index(list(dates), dtype=object) if not isinstance(dates, pd.Index) else dates
    if len(values) != n:
        raise problem("", arg, "has {m} but {like} has {n}", m=count(len(values), "date"),
                      n=count(n, "row"), like=Arg(like))
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(
            values.dtype) or any(isinstance(v, (bool, int, float, np.number, Decimal,
                                                Fraction)) and not pd.isna(v)
                                 for v in values):
        raise problem("", arg, "holds numbers where dates were expected; give dates "
                      "(pd.to_datetime(...)) or ISO text such as '2020-01-31'")
    check_rows(values, arg=arg)
    stamps = row_dates(values)
    if stamps is None:
        raise problem("", arg, "must be dates, got {v!r}; give dates (pd.to_datetime(...)) "
                      "or ISO text such as '2020-01-31'", v=str(values[0])[:40])
    if own is not None:
        a = (own.tz_localize(None) if own.tz is not None else own).as_unit("ns")
        b = (stamps.tz_localize(None) if stamps.tz is not None else stamps).as_unit("ns")
        if not np.array_equal(a.asi8, b.asi8):
            row = int(np.flatnonzero(a.asi8 != b.asi8)[0])
            raise problem("", arg, "disagrees with the dates of {like} at row {r} ({d} "
                          "against {e}); leave {other} out to use the dates of {like}",
                          like=Arg(like), r=row + 1, d=show_label(stamps[row]),
                          e=show_label(own[row]), other=Arg(arg))
    return stamps


def row_named(index: pd.Index | None, row: int) -> str:
    """Row ``row`` (from 0) as a refusal names it: "row 11 (2019-11-30)" where the rows
    are dated, the date being what a user finds in the file, else "row 11".

    >>> row_named(pd.DatetimeIndex(["2019-10-31", "2019-11-30"]), 1)
    'row 2 (2019-11-30)'
    >>> row_named(pd.RangeIndex(3), 1)
    'row 2'
    """
    if isinstance(index, pd.DatetimeIndex) and 0 <= row < len(index):
        return f"row {row + 1} ({show_label(index[row])})"
    return f"row {row + 1}"


def show_label(label: Any) -> str:
    if isinstance(label, pd.Timestamp) and label == label.normalize() and label.tz is None:
        return str(label.date())
    return str(label)
