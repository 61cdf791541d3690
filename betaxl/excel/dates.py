"""Date cells and dates written as text: date headers, date columns, date arguments.

A date is its Excel serial number in both runtimes (Office.js hands dates over as
nothing else); texts follow :func:`parse_date_text`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..data.dates import order_problem
from ..data.labels import first_bad_code
from ..data.table import (
    CODE_TEXT,
    NUMERIC_DATE,
    SERIAL_RANGE,
    code_dates,
    day_month,
    explicit_format,
    is_date_name,
    month_labels,
)
from ..errors import BetaxlError
from .failures import EXCEL_FORMAT, fail
from .ranges import rows_of
from .values import EXCEL_EPOCH, cell_number, excel_serial, is_blank, is_text, shown

__all__ = [
    "date_column",
    "date_serial",
    "dates_of",
    "is_date_header",
    "numeric_column",
    "parse_date_text",
    "read_dates",
]

_SERIAL_MAX = 2_958_465  # 9999-12-31
_SERIAL_MIN = -36_522  # 1800-01-01: dates read from text or codes start there (CODE_YEARS)
_PLAUSIBLE = SERIAL_RANGE  # 1950-01-01 .. 2099-12-31: plain numbers read as dates
_ISO_DATE = re.compile(r"^\d{4}([-/])\d{1,2}\1\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def is_date_header(name: Any) -> bool:
    """Whether a header cell names a date column: the core's rule
    (:func:`betaxl.data.table.is_date_name`)."""
    return is_text(name) and is_date_name(str(name))


def parse_date_text(text: str) -> pd.Timestamp | None:
    """The date a text cell holds, or None: betaxl's one rule for dates written as text.

    ISO dates (``2024-01-31``, with an optional time) are dates.  Day and month written
    the other way round (``31/01/2024``, ``01/31/2024``) are read only when one of the
    two is above 12; ``01/02/2024`` could be either and is refused (:class:`InputError`
    raised by the callers, which know the argument).  A column of them is read as a
    whole first (:func:`numeric_column`, the core's rule).  With the function's
    ``date_format``, every text is read in that format and nothing else.  Month labels ("Jan-24",
    "2024-01") are their month ends (:func:`betaxl.data.table.month_labels`).  Anything
    else ("20240131" as text) is not a date.

    >>> [str(parse_date_text(t)) for t in ["2024-01-31", "31/01/2024", "Jan-24", "x"]]
    ['2024-01-31 00:00:00', '2024-01-31 00:00:00', '2024-01-31 00:00:00', 'None']
    """
    body = text.strip()
    fmt = explicit_format()  # the function's date_format argument
    if fmt is not None:
        stamp = pd.to_datetime(body, format=fmt, errors="coerce")
        return None if pd.isna(stamp) else pd.Timestamp(stamp)
    month = month_labels([body])
    if month is not None:
        return month[0]
    match = _DMY_DATE.match(body)
    if match is not None:
        a, b, year = (int(g) for g in match.groups())
        if a <= 12 and b <= 12 and a != b:
            raise _Ambiguous(body)
        day, month = (a, b) if a > 12 or a == b else (b, a)
        body = f"{year:04d}-{month:02d}-{day:02d}"
    elif not _ISO_DATE.match(body):
        return None
    try:
        return pd.Timestamp(body)
    except (ValueError, OverflowError):
        return None


class _Ambiguous(Exception):
    """A d/m/y text whose day and month could be either way round."""


def _ambiguous(arg: str, where: str, text: str) -> BetaxlError:
    return fail(arg, f"{where} is {text!r}, which could be day/month or month/day: write "
                "dates as ISO text (2024-02-01) or as date cells, or give "
                + EXCEL_FORMAT.format("%d/%m/%Y") + " or " + EXCEL_FORMAT.format("%m/%d/%Y"))


def date_serial(cell: Any, arg: str, where: str) -> float:
    """A cell as an Excel date serial (NaN when it holds no date): numbers and date cells
    as they are, text by :func:`parse_date_text`."""
    number = cell_number(cell)
    if number is not None:
        return number
    if is_text(cell):
        try:
            stamp = parse_date_text(str(cell))
        except _Ambiguous:
            raise _ambiguous(arg, where, str(cell).strip()) from None
        if stamp is not None:
            return excel_serial(stamp.to_pydatetime())
    return math.nan


def _plausible(col: np.ndarray) -> np.ndarray:
    return ~np.isnan(col) & (col >= _PLAUSIBLE[0]) & (col < _PLAUSIBLE[1] + 1)


def date_column(values: np.ndarray, body: Sequence[Sequence[Any]],
                 first: Sequence[Any], header: bool, arg: str
                 ) -> tuple[int, np.ndarray] | None:
    """Which column of the data holds the dates, and their serials (the rule of both
    runtimes).

    With a header row, a column is the dates when its header is a date phrase ("Date",
    "Month", "Period end", ...; :func:`betaxl.data.table.is_date_name`): it must then
    hold dates, oldest first, else it is refused: date cells and date texts (ISO, month
    labels) of any year Excel holds, yyyymm or yyyymmdd codes
    (:func:`betaxl.data.table.number_dates`), or plain serial numbers of dates from 1950
    to 2099 (Office.js hands date cells over as plain numbers, so there a date cell
    before 1950 needs ISO text); a year (2001) or a month number (1..12) is not a date.
    A blank first header over yyyymm or yyyymmdd codes (Ken French's corner) is the
    dates too.  With no header row, the first of several columns is the dates when every
    value is a whole number of days between 1950 and 2099 (or an ISO text), strictly
    increasing by at most 366 days a row.  A header row without a date word has no date column.
    """
    k = values.shape[1]
    headed = [j for j in range(k) if is_date_header(first[j])] if header else []
    if len(headed) > 1:  # as the command line's several date columns: never one picked
        raise fail(arg, f"has {len(headed)} columns headed as dates ("
                   + ", ".join(repr(str(first[j]).strip()) for j in headed[:3])
                   + "): keep one date column in the range (rename the others if data)")
    for j in headed:
        name = str(first[j]).strip()
        cells = [row[j] for row in body]
        col = date_serials(values[:, j], cells, arg,
                           f"column {name!r} is headed as dates but its ")
        stamps = dates_of(col)
        text = order_problem(col, cells, stamps, "sort the rows oldest first: Data > "
                             f"Sort by column {name!r}, Oldest to Newest")
        if text is not None:
            raise fail(arg, text)
        return j, col
    if header and k >= 2 and is_blank(first[0]):
        codes = code_dates(values[:, 0])  # Ken French's blank corner over yyyymm codes
        if codes is not None and not any(isinstance(r[0], dt.date) for r in body):
            return 0, np.array([excel_serial(c.to_pydatetime()) for c in codes])
    if header or k < 2 or values.shape[0] < 3:
        return None
    cells = [row[0] for row in body]
    texts = np.array([is_text(c) for c in cells], dtype=bool)
    col = np.where(texts, np.nan, values[:, 0])  # a text is never the number it spells
    if np.isnan(col).all():
        col = _raw_dates(col, cells, arg)
    steps = np.diff(col)
    if (_plausible(col).all() and (col == np.round(col)).all()
            and (steps > 0).all() and (steps <= 366).all()):
        return 0, col
    return None


def date_serials(numbers: np.ndarray, cells: Sequence[Any], arg: str,
                 where: str = "") -> np.ndarray:
    """A column of dates as serials, by the one rule for a column headed as dates (the
    core's, :mod:`betaxl.data.table`): date cells are dates; texts are read as text
    only (:func:`parse_date_text`, yyyymm or yyyymmdd codes written as text, or the
    ``date_format``), never as the number they spell; plain numbers are yyyymm or
    yyyymmdd codes (all of them, :func:`betaxl.data.table.code_dates`), else serials from
    1950 to 2099.  Dates read from cells, texts or codes may be of years 1800 to 2200
    (Excel's own cells start in 1900).  Anything else is refused, ``where`` (``"column
    'Date' is headed as dates but its "``) before the row's name."""
    col = _raw_dates(numbers, cells, arg, "date column" if where else "")
    real = np.array([isinstance(c, dt.date) or is_text(c) for c in cells], dtype=bool)
    codes = None if real.any() else code_dates(col)  # yyyymm / yyyymmdd (French)
    if codes is not None:
        col = np.array([excel_serial(s.to_pydatetime()) for s in codes])
        real[:] = True
    wrong = None if real.any() or codes is not None else first_bad_code(col)
    if wrong is not None:  # codes, one of them not a date: named, not row 1's valid one
        r, v, kind = wrong
        how = "give date cells, ISO text (2024-01-31) or valid yyyymm or yyyymmdd codes"
        raise fail(arg, f"{where}row {r} ({v}) is not a valid {kind} code: {how} (rename "
                   "the header if the column is data)" if where else
                   f"row {r} is not a valid {kind} code ({v}); {how}")
    bad = ~(_plausible(col) | real & (col >= _SERIAL_MIN) & (col <= _SERIAL_MAX))
    if bad.any():
        i = int(np.argmax(bad))
        lite = "" if real[i] else (" (xlwings Lite hands a date cell over as its serial "
                                   "number: before 1950, write the date as ISO text, "
                                   '=TEXT(A2,"yyyy-mm-dd"))')
        how = ("give date cells, ISO text (2024-01-31), month labels (Jan-24), yyyymm codes "
               f"or serial numbers from 1950 to 2099{lite}; years and month numbers are not "
               "dates")
        raise fail(arg, f"{where}row {i + 1} ({shown(cells[i])}) is not a date: {how} (rename "
                   "the header if the column is data)" if where else
                   f"row {i + 1} is not a date ({shown(cells[i])}); {how}")
    return col


def numeric_column(cells: Sequence[Any], arg: str, where: str) -> np.ndarray | None:
    """Date texts such as ``31/01/2024`` read as one column, day first or month first,
    whichever reads every one (the core's rule, :func:`betaxl.data.table.day_month`),
    as serials; None when the cells are not all such texts (or a ``date_format`` was
    given); refused when both orders read, saying how to be explicit."""
    if explicit_format() is not None or not cells or not all(
            is_text(c) and NUMERIC_DATE.match(str(c)) for c in cells):
        return None
    try:
        found = day_month([str(c) for c in cells], EXCEL_FORMAT)
    except ValueError as exc:
        raise fail(arg, f"{where} {exc}".strip()) from None
    if found is None:
        return None
    return np.array([excel_serial(s.to_pydatetime()) for s in found])


def _raw_dates(numbers: np.ndarray, cells: Sequence[Any], arg: str,
               label: str = "date column") -> np.ndarray:
    """A column as date serials: numbers and date cells as they are, texts read as date
    texts (never as the number they spell: "201504" is a yyyymm code, "1990" no date)."""
    col = np.array(numbers, dtype=float, copy=True)
    texts = np.flatnonzero(np.isnan(col) | np.array([is_text(c) for c in cells], dtype=bool))
    picked = [cells[i] for i in texts.tolist()]
    fmt = explicit_format()
    if fmt is not None:  # the function's date_format reads every text, nothing else
        _in_format(col, cells, fmt, arg, label)
        return col
    whole = numeric_column(picked, arg, label)
    if whole is None:
        whole = _code_texts(picked)
    if whole is not None:
        col[texts] = whole
        return col
    for i in texts.tolist():
        col[i] = date_serial(cells[i], arg, f"row {i + 1}" + (f" of the {label}" if label
                                                              else ""))
    return col


def _in_format(col: np.ndarray, cells: Sequence[Any], fmt: str, arg: str, label: str) -> None:
    """The text cells of ``col`` read in the date format ``fmt`` (in place), the first
    that does not read refused, naming it and the format (the core's wording)."""
    for i, cell in enumerate(cells):
        if not is_text(cell):
            continue
        stamp = pd.to_datetime(str(cell).strip(), format=fmt, errors="coerce")
        if pd.isna(stamp):
            raise fail(arg, f"{label} holds {str(cell).strip()!r} (row {i + 1}), which does "
                       f"not read as the date format {fmt!r}".strip())
        col[i] = excel_serial(pd.Timestamp(stamp).to_pydatetime())


def _code_texts(cells: Sequence[Any]) -> np.ndarray | None:
    """Texts that are all yyyymm or all yyyymmdd codes (Ken French's, stored as text), as
    serials; None otherwise, or with a ``date_format`` (which then reads them)."""
    if explicit_format() is not None or not cells or not all(
            is_text(c) and CODE_TEXT.match(str(c)) for c in cells):
        return None
    codes = code_dates([int(str(c)) for c in cells])
    return None if codes is None else np.array([excel_serial(s.to_pydatetime())
                                                for s in codes])


def dates_of(serials: np.ndarray) -> tuple[pd.Timestamp, ...]:
    """Excel date serials as timestamps (to the second)."""
    base = pd.Timestamp(EXCEL_EPOCH)
    return tuple(base + pd.to_timedelta(serials, unit="D").round("s"))


def read_dates(value: Any, *, arg: str) -> list[pd.Timestamp]:
    """A column (or row) of dates: date cells, Excel serial numbers or date texts.

    Texts follow :func:`parse_date_text` (ISO, or day and month that cannot be mixed
    up); a first text cell that is not a date is a header.
    """
    rows = rows_of(value, arg=arg)
    if len(rows[0]) != 1 and len(rows) != 1:
        raise fail(arg, f"must be one column, got {len(rows)} x {len(rows[0])}")
    flat = [c for row in rows for c in row]
    if (len(flat) > 1 and is_text(flat[0])
            and math.isnan(date_serial(flat[0], arg, "row 1"))):
        flat = flat[1:]  # a header cell
    if not flat or all(is_blank(c) for c in flat):
        raise fail(arg, "holds no dates: give the rows' dates, one column, oldest first")
    numbers = np.array([math.nan if is_text(c) or (n := cell_number(c)) is None else n
                        for c in flat], dtype=float)
    return list(dates_of(date_serials(numbers, flat, arg)))
