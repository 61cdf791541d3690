"""Excel cell values in and out, for both xlwings runtimes; no xlwings import here.

The UDFs declare every argument ``"raw"``, so xlwings hands over the values untouched
and this module is the one place that understands them:

============== ======================== ===========================================
cell           classic (Windows COM)    Office.js (xlwings Lite / Server)
============== ======================== ===========================================
number         float                    float (int for whole numbers)
blank          None                     ""
error          int code (-2146826246)   {"type": "Error", "basicValue": "#N/A"}
date           datetime                 serial number (days since 1899-12-30)
1 x 1 range    the value itself         the value itself
1-row range    tuple of one tuple       a flat list
============== ======================== ===========================================

Reading a data range (:func:`read_table`), the same in both runtimes:

1. trailing blank rows and columns are trimmed (:func:`rows_and_count`), and the size
   limit applies to what is left, on every path;
2. the first row is the header when it holds text and no numbers (:func:`_is_header`:
   numeric text is a name only if its column holds no numbers stored as text);
3. a date column (a date header, or a first column of whole days rising each row) is
   taken out as the table's dates (:func:`_date_column`); other dates are serial numbers;
4. numbers stored as text follow :func:`parse_number_text`; blanks, errors, other
   text and TRUE/FALSE are missing values.

Rows in messages are counted from the first data row below the header.  Results go
back as lists of rows with ``None`` for "no value": NaN would show as #NUM! in Office.js.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, overload

import numpy as np
import pandas as pd

from ..errors import BetaxlError, InputError, labels, problem

__all__ = [
    "ERROR_CODES",
    "SUMMARY_LABELS",
    "data_number",
    "date_serial",
    "decimal_comma",
    "parse_date_text",
    "parse_number_text",
    "shown",
    "rows_and_count",
    "transpose",
    "InternalError",
    "Table",
    "cell_errors",
    "cells",
    "column",
    "fail",
    "read_choice",
    "read_dates",
    "read_flag",
    "read_number",
    "read_row",
    "read_table",
]

#: Classic xlwings' integer codes for Excel's error values.
ERROR_CODES = {
    -2146826288: "#NULL!", -2146826281: "#DIV/0!", -2146826273: "#VALUE!",
    -2146826265: "#REF!", -2146826259: "#NAME?", -2146826252: "#NUM!",
    -2146826246: "#N/A", -2146826245: "#GETTING_DATA", -2146826243: "#SPILL!",
    -2146826238: "#CALC!", -2146826239: "#BLOCKED!", -2146826242: "#CONNECT!",
    -2146826241: "#FIELD!", -2146826240: "#UNKNOWN!", -2146826237: "#BUSY!",
    -2146826236: "#PYTHON!",
}
_ERROR_TEXT = set(ERROR_CODES.values())
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_MAX_CELLS = 50_000_000


class InternalError(BetaxlError):
    """A bug in betaxl, reported as one line in the cell instead of a traceback."""


@contextmanager
def cell_errors(func: str, names: Mapping[str, str] | None = None) -> Iterator[None]:
    """Run a UDF body: errors are worded with the Excel names; nothing else escapes."""
    with labels(func, names):
        try:
            yield
        except BetaxlError:
            raise
        except (MemoryError, RecursionError) as exc:
            raise InputError(f"{func}: the ranges are too large to compute "
                             f"({type(exc).__name__})", func=func) from exc
        except Exception as exc:  # a bug: one line for the cell, the cause chained
            text = str(exc).splitlines()[0][:120] if str(exc) else ""
            raise InternalError(f"{func}: internal error ({type(exc).__name__}: {text}); "
                                f"please report it", func=func) from exc


def fail(arg: str, text: str) -> BetaxlError:
    """An input error for an Excel argument, worded already (cell text may hold braces).

    The function's name comes from the labels set by :func:`cell_errors`.
    """
    return problem("", arg, text.replace("{", "{{").replace("}", "}}"))




def _is_error(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get("type") == "Error"
    if isinstance(value, str):
        return value.strip().upper() in _ERROR_TEXT
    return isinstance(value, int) and not isinstance(value, bool) and value in ERROR_CODES


def is_blank(value: Any) -> bool:
    """An empty cell or an omitted argument: None, or text of only blanks."""
    return value is None or (isinstance(value, str) and not value.strip())


def _serial(value: dt.date) -> float:
    """A date or date-time as Excel's serial number (days since 1899-12-30), as Excel
    itself stores it: Office.js hands dates over as these numbers already."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return (value - _EXCEL_EPOCH).total_seconds() / 86400.0


def _number(value: Any) -> float | None:
    """The cell's number, or None when the cell is not a number (blank, text, error...).

    A date is its serial number in both runtimes (classic xlwings hands over a
    ``datetime``, Office.js the serial number itself), as in Excel's own formulas.
    """
    if isinstance(value, (bool, np.bool_)) or _is_error(value):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            return float(value)
        except OverflowError:  # an int beyond float range: not a cell value
            return math.inf if value > 0 else -math.inf
    if isinstance(value, (dt.date, pd.Timestamp)) and not pd.isna(value):
        return _serial(value)
    return None


_NUMBER_TEXT = re.compile(
    r"""^(?P<sign>[+-])?
        (?P<digits>\d+(?:\.\d*)?|\.\d+|[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?)
        (?P<exp>[eE][+-]?\d+)?
        (?P<pct>%)?$""", re.VERBOSE)


def parse_number_text(text: str) -> float | None:
    """The number a text cell holds, or None: betaxl's one rule for numbers stored as text.

    Accepted (surrounding blanks ignored): a decimal number with an optional sign and
    exponent (``"0.5"``, ``"-1e-3"``); the minus sign may be Unicode's (U+2212) or come
    last (``"0.5-"``, as some ledgers print it); a trailing ``%`` divides by 100
    (``"2.5%"`` is 0.025); commas only as thousands separators in groups of three after
    a first group that is not 0 (``"1,234.5"``; ``"0,012"`` is a decimal comma, not 12);
    accounting negatives in brackets (``"(0.5)"``, ``"(2.5%)"``).  Anything else is not
    a number: ``"nan"``, ``"inf"``, ``"1_000"``, ``"1,5"`` (decimal comma; refused with
    a message inside data, see :func:`decimal_comma`), currency signs.  Used alike by
    both Excel runtimes.

    >>> [parse_number_text(t) for t in ["0.5", " 2.5% ", "1,234", "(0.5)", "1,5", "nan"]]
    [0.5, 0.025, 1234.0, -0.5, None, None]
    >>> [parse_number_text(t) for t in ["\u22120.0385", "0.0385-", "0,012"]]
    [-0.0385, -0.0385, None]
    """
    body = text.strip().replace("\u2212", "-")
    negative = False
    if len(body) > 2 and body[0] == "(" and body[-1] == ")":
        body, negative = body[1:-1].strip(), True
        if body[:1] in "+-" and body:
            return None  # "(-0.5)" is not a way to write a number
    elif len(body) > 1 and body[-1] == "-" and body[0] not in "+-":
        body, negative = body[:-1].rstrip(), True  # a trailing minus: "0.5-"
    match = _NUMBER_TEXT.match(body)
    if match is None:
        return None
    number = float(match["digits"].replace(",", "") + (match["exp"] or ""))
    if match["sign"] == "-":
        number = -number
    if match["pct"]:
        number /= 100.0
    if not math.isfinite(number):
        return None
    return -number if negative else number


_DECIMAL_COMMA = re.compile(r"^[(]?[+\u2212-]?\d+,\d+%?[)]?-?$")


def decimal_comma(text: str) -> bool:
    """Whether a text is a number written with a decimal comma ("0,5", "-1,25%",
    "0,012"): refused inside data rather than read as missing, or as thousands."""
    body = text.strip()
    return bool(_DECIMAL_COMMA.match(body)) and parse_number_text(body) is None


def data_number(value: Any) -> float | None:
    """A data cell's number: a number or date, or a number stored as text, else None."""
    number = _number(value)
    if number is None and isinstance(value, str) and not _is_error(value):
        return parse_number_text(value)
    return number


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not _is_error(value)


def _is_number_text(value: Any) -> bool:
    return isinstance(value, str) and parse_number_text(value) is not None


def _blank_cell(value: Any) -> bool:
    return value is None or value == ""


def _trailing_blank_rows(rows: Sequence[Any], width: int) -> int:
    """How many rows at the end of ``rows`` are blank in every cell.

    The rows are counted against the last blank row with the C-level ``count`` (one
    comparison per row, no Python code per row); when the first such row is where the
    trailing run must start, that is all (a whole column costs one look at each row),
    else the run is measured in growing blocks from the end.  Rows blank in another way
    (None in one, "" in another) start a new run with their own template.
    """
    total = n = len(rows)
    while n > 1:
        last = rows[n - 1]
        if not (isinstance(last, (list, tuple)) and len(last) == width
                and all(_blank_cell(c) for c in last)):
            break
        start = n
        if n == total:  # usual case: the blank rows are all at the end, one pass
            blanks = rows.count(last)
            if rows.index(last) == total - blanks:
                n = max(total - blanks, 1)
                continue
        block = 1
        while n > 1:
            step = min(block, n - 1)
            if rows[n - step:n].count(last) == step:
                n -= step
                block = min(block * 2, 1 << 16)
            elif step > 1:
                block = step // 2
            else:
                break
        if n == start:
            break
    return total - n


def rows_and_count(value: Any, *, arg: str, trim: bool = True
                   ) -> tuple[list[list[Any]], int]:
    """Any runtime's range value as a rectangular list of rows, and its row count.

    Trailing blank rows and columns are not data: they are trimmed here, the one place
    every function reads ranges through, and the size limit applies to what is left
    (the count is the range's rows before trimming).
    """
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if not value:
            raise fail(arg, "is an empty range")
        total = len(value)
        if trim and isinstance(value[0], (list, tuple)) and len(value) > 1:
            cut = _trailing_blank_rows(value, len(value[0]))
            value = value[:max(total - cut, 1)]
        if all(isinstance(row, (list, tuple)) for row in value):
            rows = [row if isinstance(row, list) else list(row) for row in value]
        elif any(isinstance(row, (list, tuple)) for row in value):
            raise fail(arg, "is ragged: some rows are ranges and some are single cells")
        else:
            rows, total = [list(value)], 1  # Office.js sends a one-row range as a flat list
    else:
        rows, total = [[value]], 1
    width = len(rows[0])
    if width == 0:
        raise fail(arg, "is an empty range")
    if total == 1 and width == 1 and _is_error(rows[0][0]):
        # the whole argument is one error (a lookup that failed): name it as such
        raise fail(arg, f"is {shown(rows[0][0])}")
    if any(len(row) != width for row in rows):
        raise fail(arg, "is ragged: its rows have different lengths")
    if trim:
        keep = width
        while keep > 1 and all(_blank_cell(row[keep - 1]) for row in rows):
            keep -= 1
        if keep < width:
            rows = [row[:keep] for row in rows]
    cells_ = len(rows) * len(rows[0])
    if cells_ > _MAX_CELLS:
        raise fail(arg, f"has {cells_:,} cells of data; at most {_MAX_CELLS:,} are accepted")
    return rows, total


def rows_of(value: Any, *, arg: str, trim: bool = True) -> list[list[Any]]:
    """:func:`rows_and_count` without the count."""
    return rows_and_count(value, arg=arg, trim=trim)[0]


def transpose(rows: list[list[Any]]) -> list[list[Any]]:
    """A range read along its rows instead of its columns."""
    return [list(col) for col in zip(*rows)]


@dataclass(frozen=True)
class Table:
    """A data range as floats (NaN = missing) with its column names, if it had a header.

    ``dates`` holds the range's own date column, when it had one (taken out of
    ``values``); ``rows`` is the range's row count before trailing blank rows were
    trimmed, header included (ranges over the same sheet rows have the same ``rows``).
    """

    values: np.ndarray
    names: tuple[str, ...]
    has_header: bool
    dates: tuple[pd.Timestamp, ...] | None = None
    rows: int = 0

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, columns=list(self.names), copy=False)


_FAST_TYPES = {float, int, type(None), bool, np.float64}


def _fast_body(body: Sequence[Sequence[Any]]) -> np.ndarray | None:
    """All cells as floats in one numpy call, or None when a cell needs reading one by one.

    Only ranges of numbers, blanks (None), booleans and classic error codes take this
    path (numpy would parse text by its own rules, not :func:`parse_number_text`).
    numpy takes TRUE/FALSE as 1/0 and error codes as numbers: put right here.
    """
    kinds: set[type] = set()
    for row in body:
        kinds.update(map(type, row))  # C-level per row
    if not kinds <= _FAST_TYPES:
        return None
    try:
        with np.errstate(all="ignore"):
            out = np.array(body, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None
    if out.ndim != 2 or np.isinf(out).any():
        return None
    if int in kinds:
        codes = out < -2.1e9
        if codes.any():
            out[codes & np.isin(out, list(ERROR_CODES))] = np.nan
    if bool in kinds:
        for i, j in np.argwhere((out == 0.0) | (out == 1.0)):
            if isinstance(body[i][j], (bool, np.bool_)):
                out[i, j] = np.nan
    return out


def _names(first: Sequence[Any], header: bool, prefix: str) -> tuple[str, ...]:
    if not header:
        return tuple(f"{prefix}_{j + 1}" for j in range(len(first)))
    return tuple(str(c).strip() if _is_text(c) else f"{prefix}_{j + 1}"
                 for j, c in enumerate(first))


def _is_header(rows: Sequence[Sequence[Any]]) -> bool:
    """Whether the first row holds names: the rule is the same in every runtime.

    The first row is a header when it holds text and no numbers (dates count as numbers).
    Text that reads as a number (a ticker "600519", or a value stored as text "0.5") is
    a name when it is a code: digits only, and either a leading zero ("000001": no one
    writes a number so) or, two digits or more, over a column of fractions between -1
    and 1 ("600519" above "0.0138": a return of 60,051,900% is not data);
    otherwise it is a name only when the rest of its column holds no numbers stored as
    text, so a column of numbers stored as text never loses its first value.
    """
    first = rows[0]
    if not any(_is_text(c) for c in first):
        return False
    if any(_number(c) is not None for c in first):
        return False
    if not all(_is_number_text(c) or not _is_text(c) for c in first):
        return True  # a name that is not a number
    if len(rows) < 2:
        return False
    return all(_code_over(str(c), [row[j] for row in rows[1:]])
               for j, c in enumerate(first) if _is_number_text(c))


def _code_over(text: str, below: list[Any]) -> bool:
    """Whether a number-like first-row text is a name over the cells ``below`` it."""
    code = text.strip()
    if not any(_is_number_text(c) for c in below):
        return True
    if not code.isdigit():
        return False
    if len(code) > 1 and code[0] == "0":
        return True
    numbers = [n for n in map(data_number, below) if n is not None and math.isfinite(n)]
    return len(code) > 1 and bool(numbers) and all(abs(n) < 1 for n in numbers)


#: A header names a date column when every word of it is one of these and one is a
#: date word: "Date", "Month end", "Trade date", "As of"; "Datex Corp" is an asset.
_DATE_WORDS = {"date", "dates", "day", "week", "month", "quarter", "year", "period",
               "time", "datetime", "timestamp", "asof"}
_DATE_PHRASE = _DATE_WORDS | {"as", "of", "end", "ending", "start", "trade", "value",
                              "valuation", "pricing", "close", "business", "calendar",
                              "rebalance", "rebalancing", "effective", "from"}
_SERIAL_MAX = 2_958_465  # 9999-12-31
_PLAUSIBLE = (18_264, 73_050)  # 1950-01-01 .. 2099-12-31: the serials of dates in data
_ISO_DATE = re.compile(r"^\d{4}([-/])\d{1,2}\1\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _date_header(name: Any) -> bool:
    if not _is_text(name):
        return False
    words = re.findall(r"[a-z]+", str(name).lower())
    return bool(words) and set(words) <= _DATE_PHRASE and (
        bool(set(words) & _DATE_WORDS) or "".join(words) in _DATE_WORDS)  # "As of"


def parse_date_text(text: str) -> pd.Timestamp | None:
    """The date a text cell holds, or None: betaxl's one rule for dates written as text.

    ISO dates (``2024-01-31``, with an optional time) are dates.  Day and month written
    the other way round (``31/01/2024``, ``01/31/2024``) are read only when one of the
    two is above 12; ``01/02/2024`` could be either and is refused (:class:`InputError`
    raised by the callers, which know the argument).  Anything else ("Jan-24",
    "2024-01", "20240131") is not a date.

    >>> [parse_date_text(t) for t in ["2024-01-31", "31/01/2024", "Jan-24"]]
    [Timestamp('2024-01-31 00:00:00'), Timestamp('2024-01-31 00:00:00'), None]
    """
    body = text.strip()
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
                "dates as ISO text (2024-02-01) or as date cells")


def date_serial(cell: Any, arg: str, where: str) -> float:
    """A cell as an Excel date serial (NaN when it holds no date): numbers and date cells
    as they are, text by :func:`parse_date_text`."""
    number = _number(cell)
    if number is not None:
        return number
    if _is_text(cell):
        try:
            stamp = parse_date_text(str(cell))
        except _Ambiguous:
            raise _ambiguous(arg, where, str(cell).strip()) from None
        if stamp is not None:
            return _serial(stamp.to_pydatetime())
    return math.nan


def _plausible(col: np.ndarray) -> np.ndarray:
    return ~np.isnan(col) & (col >= _PLAUSIBLE[0]) & (col < _PLAUSIBLE[1] + 1)


def _date_column(values: np.ndarray, body: Sequence[Sequence[Any]],
                 first: Sequence[Any], header: bool, arg: str
                 ) -> tuple[int, np.ndarray] | None:
    """Which column of the data holds the dates, and their serials (the rule of both
    runtimes).

    With a header row, a column is the dates when its header is a date phrase ("Date",
    "Month", "Period end", ...): it must then hold dates between 1950 and 2099 (date
    cells, their serial numbers, or ISO texts), oldest first, else it is refused, since
    a year (2001), a month number (1..12) or yyyymm (202401) is not a date.  With no
    header row, the first of several columns is the dates when every value is a whole
    number of days between 1950 and 2099 (or an ISO text), strictly increasing by at most
    366 days a row.  A header row without a date word has no date column.
    """
    k = values.shape[1]
    for j in range(k) if header else ():
        if not _date_header(first[j]):
            continue
        col = _raw_dates(values, body, j, arg)
        name = str(first[j]).strip()
        bad = ~_plausible(col)
        if bad.any():
            i = int(np.argmax(bad))
            raise fail(arg, f"column {name!r} is headed as dates but its row {i + 1} "
                       f"({shown(body[i][j])}) is not a date from 1950 to 2099: give date "
                       "cells or ISO text (2024-01-31); years, month numbers and yyyymm "
                       "are not dates (rename the header if the column is data)")
        if not (np.diff(col) > 0).all():
            raise fail(arg, f"dates in column {name!r} must be oldest first and strictly "
                       "increasing (sort the rows by date)")
        return j, col
    if header or k < 2 or values.shape[0] < 3:
        return None
    col = values[:, 0]
    if np.isnan(col).all():
        col = _raw_dates(values, body, 0, arg)
    steps = np.diff(col)
    if (_plausible(col).all() and (col == np.round(col)).all()
            and (steps > 0).all() and (steps <= 366).all()):
        return 0, col
    return None


def _raw_dates(values: np.ndarray, body: Sequence[Sequence[Any]], j: int,
               arg: str) -> np.ndarray:
    """Column ``j`` as date serials: the numbers already read, texts read as dates."""
    col = values[:, j].copy()
    for i in np.flatnonzero(np.isnan(col)).tolist():
        col[i] = date_serial(body[i][j], arg, f"row {i + 1} of the date column")
    return col


def _dates_of(serials: np.ndarray) -> tuple[pd.Timestamp, ...]:
    base = pd.Timestamp(_EXCEL_EPOCH)
    return tuple(base + pd.to_timedelta(serials, unit="D").round("s"))


def _labelled_row(rows: list[list[Any]]) -> bool:
    """One row that starts with a name and goes on with numbers: a series along a row."""
    if len(rows) != 1 or len(rows[0]) < 2:
        return False
    first, rest = rows[0][0], rows[0][1:]
    return (_is_text(first) and not _is_number_text(first)
            and any(data_number(c) is not None for c in rest))


#: First cells that label a summary row under the data, not a period.
SUMMARY_LABELS = {"average", "avg", "mean", "total", "totals", "sum", "median", "std",
                  "stdev", "std dev", "stdev.s", "stdev.p", "min", "max", "count",
                  "annualised", "annualized", "cumulative", "total return"}


def _wording(cell: Any) -> bool:
    """Text that is words: not a number, nor a number with a decimal comma."""
    return (_is_text(cell) and parse_number_text(str(cell)) is None
            and not decimal_comma(str(cell)))


def _summary_label(cell: Any) -> bool:
    return _is_text(cell) and " ".join(str(cell).lower().replace(":", " ").split()
                                       ) in SUMMARY_LABELS


def _data_end(body: Sequence[Sequence[Any]]) -> int:
    """Where the periods end: notes and summary rows under the data are not periods.

    Read from the bottom: rows holding text and no numbers ("Source: BBG"), rows whose
    first cell is a summary label (Average, Total, Mean, Sum, Median, Std, Min, Max...)
    and blank rows among them are left out.  Rows above the last data row stay, blank
    or not (a missing period).
    """
    end = len(body)
    while end > 1:
        row = body[end - 1]
        if not (_summary_label(row[0]) or all(_wording(c) or _blank_cell(c) for c in row)):
            break
        end -= 1
    if end < len(body):  # blank rows between the data and the notes go too
        while end > 1 and all(_blank_cell(c) for c in body[end - 1]):
            end -= 1
    return end


def read_table(value: Any, *, arg: str, prefix: str = "asset", along_rows: bool = False,
               dates: bool = True, cell_by_cell: bool = False) -> Table:
    """Read a data range: rows are periods, columns are assets; first text row = names.

    ``along_rows`` reads the range the other way (one asset per row, dates across).
    With ``dates`` a date column inside the range is taken out as the table's dates.
    ``cell_by_cell`` skips the numpy fast path (the reference it is tested against).
    """
    rows, total = rows_and_count(value, arg=arg)
    if along_rows or _labelled_row(rows):
        rows, total = transpose(rows), len(rows[0])
    while len(rows) > 2 and all(map(_blank_cell, rows[0])) and _is_header(rows[1:]):
        rows = rows[1:]  # a blank row above the names (beside another range's title)
    header = _is_header(rows)
    while header and len(rows) > 2 and _is_header(rows[1:]) and all(
            _wording(c) or _blank_cell(c) for c in rows[1]):
        # two rows of text: a title row (fewer names than the row below, or any text
        # above the name of a one-column range) is skipped; two full rows are refused
        if len(rows[0]) > 1 and sum(map(_is_text, rows[0])) >= sum(map(_is_text, rows[1])):
            raise fail(arg, f"has two rows of names ({shown(rows[0][0])} and "
                       f"{shown(rows[1][0])} ...): select the range from the row that "
                       "names the columns")
        rows = rows[1:]
    body = rows[1:] if header else rows
    body = body[:_data_end(body)]
    if not body:
        raise fail(arg, "has a header row but no data below it")
    values = None if cell_by_cell else _fast_body(body)
    if values is None:
        values = _read_cells(body, arg)
    names = _names(rows[0], header, prefix)
    stamps = None
    if dates:
        found = _date_column(values, body, rows[0], header, arg)
        if found is not None:
            j, serials = found
            stamps = _dates_of(serials)
            values = np.delete(values, j, axis=1)
            names = names[:j] + names[j + 1:] if header else _names(
                [None] * values.shape[1], False, prefix)
            if values.shape[1] == 0:
                raise fail(arg, "holds only dates; give the data beside them")
    return Table(values, names, header, stamps, total)


def _read_cells(body: Sequence[Sequence[Any]], arg: str) -> np.ndarray:
    out = np.empty((len(body), len(body[0])))
    for i, row in enumerate(body):
        for j, cell in enumerate(row):
            number = data_number(cell)
            if number is not None and math.isinf(number):
                raise fail(arg, f"has an infinite value at row {i + 1}, column "
                           f"{j + 1}")
            if number is None and isinstance(cell, str) and decimal_comma(cell):
                raise fail(arg, f"row {i + 1}, column {j + 1} holds {cell.strip()!r}, a "
                           "number with a decimal comma: write it with a decimal point "
                           "(0.5), or as a number cell")
            out[i, j] = np.nan if number is None else number
    return out


def read_cells(value: Any, *, arg: str, prefix: str = "asset") -> Table:
    """:func:`read_table` cell by cell (the reference the fast path is tested against)."""
    return read_table(value, arg=arg, prefix=prefix, cell_by_cell=True)


def read_optional_table(value: Any, *, arg: str) -> np.ndarray | None:
    """A data range that may be left out (dividends): its values, or None when blank."""
    return None if is_blank(value) else read_table(value, arg=arg, dates=False).values


def read_row(value: Any, *, arg: str) -> np.ndarray | pd.Series:
    """One number per asset from a row or a column (weights, units, market values).

    Labels are matched, never skipped: a row of names above a row of numbers, or a
    column of names beside a column of numbers (under an optional header row such as
    "Ticker, Weight"), gives a Series keyed by the names, which the core matches to the
    data's column names (or refuses, naming the unknown or missing ones).  Plain numbers
    give an array, matched by position.
    """
    rows = rows_of(value, arg=arg)

    def labels_only(line: list[Any]) -> bool:
        return all(data_number(c) is None for c in line) and any(_is_text(c) for c in line)

    keys: list[Any] | None = None
    if len(rows) == 2 and labels_only(rows[0]):
        keys, rows = rows[0], rows[1:]
    elif len(rows) > 2 and len(rows[0]) == 1 and labels_only(rows[0]):
        rows = rows[1:]  # a column's header ("Weight") names no asset
    elif len(rows[0]) == 2 and labels_only([r[0] for r in rows]):
        if len(rows) > 2 and labels_only(rows[0]):
            rows = rows[1:]  # a header row over the table ("Ticker", "Weight")
        keys, rows = [r[0] for r in rows], [[r[1]] for r in rows]
    if len(rows) > 1 and len(rows[0]) > 1:
        raise fail(arg, f"must be one row or one column, got {len(rows)} x {len(rows[0])}")
    flat = [c for row in rows for c in row]
    out = []
    for j, cell in enumerate(flat):
        number = data_number(cell)
        if number is None or math.isnan(number):
            raise fail(arg, f"value number {j + 1} is not a number ({shown(cell)})")
        if math.isinf(number):
            raise fail(arg, f"value number {j + 1} is infinite")
        out.append(number)
    if keys is None:
        return np.asarray(out)
    names = [str(c).strip() if _is_text(c) else "" for c in keys]
    if "" in names:
        raise fail(arg, f"has a blank label for value number {names.index('') + 1}: label "
                   "every value or none")
    return pd.Series(out, index=pd.Index(names, dtype=object), dtype=float)


def shown(cell: Any) -> str:
    """A cell's value as messages show it, the same in both runtimes: numbers as Excel's
    General format shows them (3, not 3.0), dates as their serial numbers (Office.js
    hands dates over as nothing else), TRUE/FALSE, error codes, text quoted."""
    if is_blank(cell):
        return "blank"
    if _is_error(cell):
        if isinstance(cell, dict):
            return str(cell.get("basicValue", "an error"))
        return ERROR_CODES.get(cell, str(cell)) if isinstance(cell, int) else str(cell)
    if isinstance(cell, (bool, np.bool_)):
        return "TRUE" if cell else "FALSE"
    number = _number(cell)
    if number is not None:
        return _general(number)
    if isinstance(cell, str):
        return repr(cell[:40])
    return type(cell).__name__


def _general(number: float) -> str:
    """A number as Excel's General format shows it: up to 15 significant digits."""
    if not math.isfinite(number):
        return "blank" if math.isnan(number) else ("-" if number < 0 else "") + "infinity"
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.15g}"


def _scalar(value: Any, arg: str) -> Any:
    """A single-cell argument: unwrap 1 x 1 ranges; larger ranges are an error."""
    if isinstance(value, (list, tuple, np.ndarray)):
        rows = rows_of(value, arg=arg)
        if len(rows) != 1 or len(rows[0]) != 1:
            raise fail(arg, f"must be a single value, got a {len(rows)} x {len(rows[0])} "
                        "range")
        return rows[0][0]
    return value


@overload
def read_number(value: Any, *, arg: str, default: float, whole: bool = ...,
                minimum: float | None = ...) -> float: ...
@overload
def read_number(value: Any, *, arg: str, default: None = ..., whole: bool = ...,
                minimum: float | None = ...) -> float | None: ...
def read_number(value: Any, *, arg: str, default: float | None = None,
                whole: bool = False, minimum: float | None = None) -> float | None:
    """A single number; a blank or omitted argument gives ``default``."""
    value = _scalar(value, arg)
    if is_blank(value):
        return default
    number = data_number(value)
    if number is None or math.isnan(number) or math.isinf(number):
        raise fail(arg, f"must be a number, got {shown(value)}")
    if whole and number != int(number):
        raise fail(arg, f"must be a whole number, got {_general(number)}")
    if minimum is not None and number < minimum:
        raise fail(arg, f"must be at least {_general(minimum)}, got {_general(number)}")
    return number


def read_flag(value: Any, *, arg: str, default: bool = False) -> bool:
    """TRUE/FALSE (also 1/0 and the texts TRUE/FALSE); blank or omitted gives ``default``."""
    value = _scalar(value, arg)
    if is_blank(value):
        return default
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    number = _number(value)
    if number in (0.0, 1.0):
        return bool(number)
    if isinstance(value, str) and value.strip().upper() in ("TRUE", "FALSE"):
        return value.strip().upper() == "TRUE"
    raise fail(arg, f"must be TRUE or FALSE, got {shown(value)}")


S = TypeVar("S", bound=str)


def read_choice(value: Any, options: Sequence[S], *, arg: str, default: S) -> S:
    """One of ``options`` (case-insensitive); blank or omitted gives ``default``."""
    value = _scalar(value, arg)
    if is_blank(value):
        return default
    if isinstance(value, str):
        for option in options:
            if value.strip().lower() == option:
                return option
    raise fail(arg, f"must be one of {', '.join(options)}; got {shown(value)}")


def read_dates(value: Any, *, arg: str) -> list[pd.Timestamp]:
    """A column (or row) of dates: date cells, Excel serial numbers or date texts.

    Texts follow :func:`parse_date_text` (ISO, or day and month that cannot be mixed
    up); a first text cell that is not a date is a header.
    """
    rows = rows_of(value, arg=arg)
    if len(rows[0]) != 1 and len(rows) != 1:
        raise fail(arg, f"must be one column, got {len(rows)} x {len(rows[0])}")
    flat = [c for row in rows for c in row]
    if (len(flat) > 1 and _is_text(flat[0])
            and math.isnan(date_serial(flat[0], arg, "row 1"))):
        flat = flat[1:]  # a header cell
    if not flat:
        raise fail(arg, "holds no dates")
    out = []
    for i, cell in enumerate(flat):
        stamp: Any = None
        if isinstance(cell, (dt.datetime, dt.date, pd.Timestamp)):
            stamp = pd.Timestamp(cell)
        else:
            serial = date_serial(cell, arg, f"row {i + 1}")
            if 0 < serial <= _SERIAL_MAX:
                stamp = pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=serial))
        if stamp is None or pd.isna(stamp):
            raise fail(arg, f"row {i + 1} is not a date ({shown(cell)})")
        out.append(stamp)
    return out


def _out(value: Any) -> Any:
    """One result cell: plain Python numbers, None for missing or non-finite values."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if value is None or (isinstance(value, pd.Timestamp) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def cells(frame: pd.DataFrame, *, corner: str | None = None, header: bool = True
          ) -> list[list[Any]]:
    """A DataFrame as rows of cells: optional header row, optional label column."""
    values = frame.to_numpy(dtype=object)
    out: list[list[Any]] = []
    if corner is not None:
        if header:
            out.append([corner, *[str(c) for c in frame.columns]])
        out.extend([str(label), *[_out(v) for v in row]]
                   for label, row in zip(frame.index, values))
        return out
    if header:
        out.append([str(c) for c in frame.columns])
    out.extend([_out(v) for v in row] for row in values)
    return out


def column(values: Sequence[float] | np.ndarray, *, name: str | None = None
           ) -> list[list[Any]]:
    """A series as one column of cells, with a header cell when ``name`` is given."""
    out: list[list[Any]] = [[name]] if name is not None else []
    out.extend([_out(v)] for v in values)
    return out
