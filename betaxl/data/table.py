"""How a table writes its dates: the one rule every door reads date labels by.

The Python API (row labels), the command line and Dask (a date column of a file) and
the Excel functions (a date column of a range) all ask this module what a column of
labels means, so one file gets one reading everywhere (the README's "Reading a table"
table states the same rules):

- **month labels are months**: ``Jan-18``, ``Jan 2018``, ``January 2018`` (Excel's
  month formats; a two-digit year is 1930-2029, Excel's own window: ``00``-``29`` are
  20xx, ``30``-``99`` 19xx) and ``2018-01`` / ``2018/01`` as text, and ``194901``
  (yyyymm, Ken French's month codes) as a number in a column headed as dates.  A month
  stands for its last calendar day (``Jan-18`` is 2018-01-31), so two files of month
  labels line up month by month; lined up with another file's dates (a risk-free
  column, a factors file dated 2018-01-15, or 2018-03-30, a business month end), a
  month label matches the one date of that file in its calendar month
  (:func:`written_as_months`, :func:`by_month`);
- ``20180131`` (yyyymmdd) as a number in a column headed as dates is that day;
- a column of plain numbers not headed as dates is never dates, and a column headed as
  dates holds either yyyymm codes or yyyymmdd codes, not a mix;
- day and month written as numbers (``31/01/2020``, ``01.31.20``) are read day first
  or month first for the whole column, whichever reads every value
  (:func:`day_month`); when both do (``01/02/2020``) they are refused, saying how to be
  explicit: ``--date-format`` (command line), ``date_format=`` (Python API) or the
  ``date_format`` argument (Excel), a strftime format such as ``%d/%m/%Y`` that every
  date text must then follow (:func:`in_format`, set for a call by
  :func:`date_format`);
- every other text is left to the door's own day rules (ISO 8601);
- a column name that appears twice is refused, naming it (:data:`NAME_TWICE`): a CSV
  read by pandas would call the second ``MKT`` ``MKT.1`` and a market given by name
  would be the wrong column;
- a file laid out as Ken French distributes his (lines of title text, then a header
  whose first cell is blank or a date word over yyyymm or yyyymmdd rows, then a blank
  line and other tables or a copyright line) is its first table: the title lines are
  skipped, the table ends at its first row that is not a code of the same length, and
  what follows is left out, named in a note (:func:`titled_table`, :func:`table_ends`);
- a table with the columns ``period``, ``rows`` and ``partial`` (what ``resample``
  writes, :data:`RESAMPLED`) is returns with its bookkeeping: those three columns are
  never assets, the dates stay the dates, and a period flagged ``partial`` is kept with
  a note naming it, or left out on request (:func:`resampled_rows`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CODE_TEXT", "CODE_YEARS", "DATE_NAME", "MONTH_LABEL", "NAME_TWICE", "NUMERIC_DATE",
           "RESAMPLED", "SERIAL_RANGE", "TITLE_LINES", "by_month", "check_format", "code_dates",
           "date_format", "day_month", "explicit_format", "in_format", "is_date_name",
           "month_end", "month_labels", "number_dates", "partial_note", "repeated_name",
           "resampled_rows", "table_ends", "titled_table", "written_as_months"]

#: The one refusal of a repeated column name, in every door (after its own prefix).
NAME_TWICE = ("has the column name {name!r} more than once; every column needs its own "
              "name (rename one: betaxl never picks one of them for you)")

#: A header names a date column when every word of it is one of these and one is a
#: date word: "Date", "Month end", "Trade date", "As of"; "Datex Corp" is an asset.
_DATE_WORDS = {"date", "dates", "day", "week", "month", "quarter", "year", "period",
               "time", "datetime", "timestamp", "asof", "yyyymm", "yyyymmdd"}
_DATE_PHRASE = _DATE_WORDS | {"as", "of", "end", "ending", "start", "trade", "value",
                              "valuation", "pricing", "close", "business", "calendar",
                              "rebalance", "rebalancing", "effective", "from"}
#: Single-word headers of date columns as files write them (``trade_date``, ``asof``).
DATE_NAME = re.compile(r"^(date|dates|datetime|time|timestamp|period|month|day|as_?of|"
                       r"trade_?date|yyyymm|yyyymmdd)$", re.IGNORECASE)


def is_date_name(name: Any) -> bool:
    """Whether a header names a date column: every word a date phrase word, one of them
    a date word ("Date", "Month end", "Trade date", "As of", "trade_date").

    >>> [is_date_name(n) for n in ["Month end", "trade_date", "Datex Corp", 45000]]
    [True, True, False, False]
    """
    if not isinstance(name, str):
        return False
    if DATE_NAME.match(name.strip()):
        return True
    words = re.findall(r"[a-z]+", name.lower())
    return bool(words) and set(words) <= _DATE_PHRASE and (
        bool(set(words) & _DATE_WORDS) or "".join(words) in _DATE_WORDS)  # "As of"

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
           "dec")
#: A month written as text: ``Jan-18``, ``Jan 2018``, ``January 2018``, ``2018-01``.
MONTH_LABEL = re.compile(
    r"^\s*(?:(?P<name>[A-Za-z]{3,9})\.?[-\s/']?(?P<year>\d{2}|\d{4})"
    r"|(?P<y4>\d{4})[-/](?P<m2>\d{1,2}))\s*$")
#: yyyymm and yyyymmdd codes: the years they may name.
CODE_YEARS = (1800, 2200)
#: Plain numbers read as Excel serials (1900 system) in a column headed as dates:
#: 1950-01-01 to 2099-12-31.  Wider, a year (2001) or a count would pass for a date.
SERIAL_RANGE = (18_264, 73_050)
_EPOCH = pd.Timestamp("1899-12-30")


def month_end(year: int, month: int) -> pd.Timestamp:
    """The date that stands for a month: its last calendar day."""
    return pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)


def _month(text: str) -> pd.Timestamp | None:
    match = MONTH_LABEL.match(text)
    if match is None:
        return None
    if match["name"] is not None:
        name = match["name"].lower()
        full = ("january", "february", "march", "april", "may", "june", "july",
                "august", "september", "october", "november", "december")
        month = next((i + 1 for i, m in enumerate(_MONTHS)
                      if name == m or name == full[i] or name == "sept" and m == "sep"),
                     None)
        if month is None:
            return None
        year = int(match["year"])
        if len(match["year"]) == 2:
            year += 2000 if year < 30 else 1900
        return month_end(year, month)
    month = int(match["m2"])
    return month_end(int(match["y4"]), month) if 1 <= month <= 12 else None


def month_labels(values: Sequence[Any]) -> pd.DatetimeIndex | None:
    """Texts that are all month labels, as their month ends; None if any is not one.

    >>> list(month_labels(["Jan-18", "Feb-18"]).strftime("%Y-%m-%d"))
    ['2018-01-31', '2018-02-28']
    >>> month_labels(["Jan-18", "2018-02-03"]) is None
    True
    """
    if len(values) == 0:
        return None
    out = []
    for v in values:
        stamp = _month(v) if isinstance(v, str) else None
        if stamp is None:
            return None
        out.append(stamp)
    return pd.DatetimeIndex(out)


def code_dates(values: Any) -> pd.DatetimeIndex | None:
    """Whole numbers that are all yyyymm month codes (as month ends) or all yyyymmdd
    day codes, years 1800-2200; None otherwise.  Only for a column headed as dates.

    >>> list(code_dates([194901, 194902]).strftime("%Y-%m-%d"))
    ['1949-01-31', '1949-02-28']
    >>> code_dates([20180131, 20180228])[0]
    Timestamp('2018-01-31 00:00:00')
    >>> code_dates([2001, 2002]) is None  # years are not dates
    True
    """
    try:
        numbers = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return None
    if numbers.size == 0 or not (np.abs(numbers) < 1e9).all() or (numbers % 1 != 0).any():
        return None  # infinite, missing or of 10 digits (past int64, too): no code
    ints = numbers.astype(np.int64)
    lo, hi = CODE_YEARS
    if ((ints >= lo * 100 + 1) & (ints <= hi * 100 + 12)).all():
        months = ints % 100
        if ((months >= 1) & (months <= 12)).all():
            return pd.DatetimeIndex([month_end(int(y), int(m))
                                     for y, m in zip(ints // 100, months, strict=True)])
        return None
    if ((ints >= lo * 10_000 + 101) & (ints <= hi * 10_000 + 1231)).all():
        parsed = pd.to_datetime(pd.Series(ints).astype(str), format="%Y%m%d",
                                errors="coerce")
        return pd.DatetimeIndex(parsed) if parsed.notna().all() else None
    return None


def number_dates(values: Any) -> pd.DatetimeIndex | None:
    """Plain numbers in a column headed as dates: yyyymm or yyyymmdd codes
    (:func:`code_dates`), else whole Excel serials (1900 system) of dates from 1950 to
    2099; None when they are neither.  A CSV cannot say which date system its serials
    count in: they are read as the 1900 system, which is what Excel writes.

    >>> number_dates([43131, 43159])[0]  # serials of 2018-01-31 and 2018-02-28
    Timestamp('2018-01-31 00:00:00')
    >>> number_dates([1, 2, 3]) is None
    True
    """
    codes = code_dates(values)
    if codes is not None:
        return codes
    try:
        numbers = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return None
    lo, hi = SERIAL_RANGE
    if numbers.size == 0 or not np.isfinite(numbers).all() or (numbers % 1 != 0).any() \
            or (numbers < lo).any() or (numbers > hi).any():
        return None
    return pd.DatetimeIndex(_EPOCH + pd.to_timedelta(numbers, unit="D"))


def repeated_name(names: Sequence[Any]) -> str | None:
    """The first column name that appears more than once (as text, blanks stripped).

    >>> repeated_name(["date", "MKT", "B", "MKT "])
    'MKT'
    >>> repeated_name(["MKT", "MKT.1"]) is None
    True
    """
    seen: set[str] = set()
    for name in names:
        text = str(name).strip()
        if text in seen:
            return text
        seen.add(text)
    return None


#: The columns ``resample`` writes beside the returns (``Resampled.to_frame()``,
#: ``RESAMPLE_RETURNS``): each period's label, its row count and whether the data cover
#: it only in part.  A table holding all three is read as returns without them.
RESAMPLED = ("period", "rows", "partial")
_TRUE, _FALSE = {"true", "1", "1.0", "yes"}, {"false", "0", "0.0", "no", ""}


def resampled_rows(names: Sequence[Any], partial: Sequence[Any]) -> np.ndarray | None:
    """Which rows of a ``resample`` output are partial periods: None when ``names`` are
    not that layout (:data:`RESAMPLED` all among them); refused (ValueError naming the
    cell) when the ``partial`` column holds anything but True or False.

    >>> resampled_rows(["date", "period", "rows", "partial", "A"], [True, "FALSE", 0])
    array([ True, False, False])
    >>> resampled_rows(["date", "A"], []) is None
    True
    """
    if not set(RESAMPLED) <= {str(n).strip() for n in names}:
        return None
    flags = []
    for i, value in enumerate(partial):
        text = str(value).strip().lower()
        if isinstance(value, (bool, np.bool_)) or text in _TRUE | _FALSE:
            flags.append(bool(value) if isinstance(value, (bool, np.bool_)) else text in _TRUE)
        else:
            raise ValueError(f"column 'partial' (as resample writes it) holds {value!r} at "
                             f"row {i + 1}; it must be True or False")
    return np.array(flags, dtype=bool)


def partial_note(periods: Sequence[Any], dropped: bool, how: str) -> str:
    """The note every door gives about the partial periods of a ``resample`` output:
    left out (``dropped``), or kept and named with how to leave them out (``how``).

    >>> partial_note(["2020-01", "2020-06"], True, "--drop-partial")
    'left out 2 partial periods (2020-01, 2020-06)'
    >>> partial_note(["2020-06"], False, "--drop-partial")[-37:]
    'pass --drop-partial to leave them out'
    """
    shown = ", ".join(str(p) for p in list(periods)[:4]) + (" ..." if len(periods) > 4 else "")
    noun = "period" if len(periods) == 1 else "periods"
    if dropped:
        return f"left out {len(periods)} partial {noun} ({shown})"
    return (f"kept {len(periods)} partial {noun} ({shown}), which the data cover only in "
            f"part; pass {how} to leave them out")


#: Day and month written as numbers: ``31/01/2020``, ``1.2.20``, ``01-31-2020``.
NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})\s*$")
_FORMAT: ContextVar[str | None] = ContextVar("betaxl_date_format", default=None)


@contextmanager
def date_format(fmt: str | None, how: str = "date_format='{}'") -> Iterator[None]:
    """Read every date text inside the block with the strftime format ``fmt`` (None:
    the rules above; an outer format stays).  ``how`` spells the option in the
    caller's door, for the refusal of a format that is not one."""
    fmt = check_format(fmt, how)
    if fmt is None:
        yield
        return
    token = _FORMAT.set(fmt)
    try:
        yield
    finally:
        _FORMAT.reset(token)


def check_format(fmt: Any, how: str) -> str | None:
    """A strftime date format (None stays None), or a refusal (ValueError) spelling the
    option as the caller's door does (``how``).

    >>> check_format("%Y%m%d", "--date-format '{}'")
    '%Y%m%d'
    """
    if fmt is None:
        return None
    if not isinstance(fmt, str) or "%" not in fmt or len(fmt) > 40:
        raise ValueError(f"{how.format(fmt)} is not a date format: give a strftime "
                         f"format such as {how.format('%d/%m/%Y')}")
    return fmt.strip()


def explicit_format() -> str | None:
    """The date format the caller gave for this call (:func:`date_format`), if any."""
    return _FORMAT.get()


def in_format(texts: Sequence[Any], fmt: str) -> pd.DatetimeIndex | None:
    """Texts read with the caller's format ``fmt``: all of them (their dates), none
    (None: not a date column), or some, which is refused (ValueError naming the first
    that does not read).

    >>> list(in_format(["01/02/2020", "13/02/2020"], "%d/%m/%Y").month)
    [2, 2]
    >>> in_format(["NoDur", "Hlth"], "%d/%m/%Y") is None
    True
    """
    values = pd.Series([str(v).strip() if isinstance(v, str) else v for v in texts],
                       dtype=object)
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    ok = parsed.notna().to_numpy() | values.isna().to_numpy()  # a blank stays missing
    if not parsed.notna().any():
        return None
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise ValueError(f"holds {texts[i]!r} (row {i + 1}), which does not read as the "
                         f"date format {fmt!r}")
    return pd.DatetimeIndex(parsed)


def day_month(texts: Sequence[str], how: str,
              order: str | None = None) -> pd.DatetimeIndex | None:
    """Numeric dates (:data:`NUMERIC_DATE`), read day first or month first for the
    whole column, whichever reads every value, never guessed per value; None when the
    texts are not all numeric dates of one shape.  When both orders read (and no
    ``order``, "dmy" or "mdy"), refused (ValueError) saying how to be explicit in the
    caller's door: ``how`` spells the option ("--date-format '{}'").

    >>> day_month(["31/01/2020", "01/02/2020"], "--date-format '{}'")[1].month
    2
    >>> try:
    ...     day_month(["01/02/2020"], "date_format='{}'")
    ... except ValueError as exc:
    ...     print(str(exc)[-80:])
    pass date_format='%d/%m/%Y' (day first) or date_format='%m/%d/%Y' (month first)
    """
    parts = [NUMERIC_DATE.match(t) if isinstance(t, str) else None for t in texts]
    if not parts or any(p is None for p in parts):
        return None
    seps = {p[2] for p in parts if p is not None}
    years = {len(p[4]) for p in parts if p is not None}
    if len(seps) != 1 or len(years) != 1:
        return None
    sep, year = seps.pop(), "%Y" if years.pop() == 4 else "%y"
    formats = {"dmy": f"%d{sep}%m{sep}{year}", "mdy": f"%m{sep}%d{sep}{year}"}
    stripped = pd.Series([t.strip() for t in texts], dtype=object)
    parsed = {k: pd.to_datetime(stripped, format=f, errors="coerce")
              for k, f in formats.items()}
    fits = [k for k, v in parsed.items() if v.notna().all()]
    if order is not None:
        if order not in fits:
            raise ValueError(f"does not read as {order} dates (such as {texts[0]!r})")
        return pd.DatetimeIndex(parsed[order])
    if len(fits) == 2:
        raise ValueError(f"holds dates such as {texts[0]!r} that read day first and month "
                         f"first; betaxl does not guess: pass {how.format(formats['dmy'])} "
                         f"(day first) or {how.format(formats['mdy'])} (month first)")
    return pd.DatetimeIndex(parsed[fits[0]]) if fits else None


def written_as_months(values: Sequence[Any]) -> bool:
    """Whether labels are months as written: all month labels (``Jan-18``,
    ``2018-01``) or all yyyymm codes (``194901``), not dates of a day.

    >>> written_as_months(["Jan-18", "Feb-18"]), written_as_months([201801, 201802])
    (True, True)
    >>> written_as_months(["2018-01-31"]), written_as_months([20180131])
    (False, False)
    """
    values = list(values)
    if not values:
        return False
    if all(isinstance(v, str) for v in values):
        return month_labels(values) is not None
    codes = code_dates(values)
    return codes is not None and float(np.max(np.asarray(values, dtype=float))) < 1e6


def by_month(source: pd.DatetimeIndex, target: pd.DatetimeIndex) -> np.ndarray:
    """Where each of ``target``'s months sits in ``source`` (-1: absent), lining dates
    up by calendar month, as a month label stands for its whole month; refused
    (ValueError naming the month) when either has two dates in one month.

    >>> by_month(pd.DatetimeIndex(["2018-01-15", "2018-02-15", "2018-03-30"]),
    ...          pd.DatetimeIndex(["2018-02-28", "2018-03-31"]))
    array([1, 2])
    """
    keys = []
    for index in (source, target):
        local = index.tz_localize(None) if index.tz is not None else index
        key = pd.Index(local.year * 12 + local.month - 1)
        if key.has_duplicates:
            twice = int(key[key.duplicated()][0])
            raise ValueError(f"has two dates in the month {twice // 12}-{twice % 12 + 1:02d}, "
                             "so it cannot be lined up by month with month labels")
        keys.append(key)
    return np.asarray(keys[0].get_indexer(keys[1]))


_CODE = re.compile(r"^\s*(\d{6}|\d{8})\s*$")
#: A yyyymm or yyyymmdd code written as text (read by :func:`code_dates`).
CODE_TEXT = _CODE
#: How many title lines a file may open with before its header (French's have 2-5).
TITLE_LINES = 30


def titled_table(lines: Sequence[str], sep: str) -> int | None:
    """The line of the header when ``lines`` open with a title block (Ken French's
    layout): lines of text (none starting with a digit) before a header whose first
    cell is blank or a date word, over a row of as many cells whose first is a yyyymm
    or yyyymmdd code.  None when the first line is the header, or for any other file.

    >>> titled_table(["Made from CRSP data.", "", ",Mkt-RF,RF", "192607, 2.96, 0.22"], ",")
    2
    >>> titled_table([",Mkt-RF,RF", "192607, 2.96, 0.22"], ",") is None
    True
    """
    for h in range(1, min(len(lines) - 1, TITLE_LINES + 1)):
        header, row = lines[h].split(sep), lines[h + 1].split(sep)
        if len(header) >= 2 and len(row) == len(header) and _CODE.match(row[0]) \
                and (not header[0].strip() or is_date_name(header[0].strip())):
            title = lines[:h]
            return h if all(not t.strip() or not t.lstrip()[:1].isdigit()
                            for t in title) else None
    return None


def table_ends(line: str, sep: str, width: int) -> bool:
    """Whether ``line`` is past the end of a titled table whose codes have ``width``
    digits: a blank line, or a first cell that is not such a code (French's annual
    rows, ``1927``, a second header, a copyright line).

    >>> [table_ends(t, ",", 6) for t in ["192608, 1.0", "", " Annual Factors:", "1927, 2"]]
    [False, True, True, True]
    """
    first = line.split(sep)[0]
    return not line.strip() or _CODE.match(first) is None or len(first.strip()) != width
