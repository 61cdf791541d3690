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

from .errors import BetaxlError, InputError, labels, problem

__all__ = [
    "ERROR_CODES",
    "parse_number_text",
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
        (?P<digits>\d+(?:\.\d*)?|\.\d+|\d{1,3}(?:,\d{3})+(?:\.\d*)?)
        (?P<exp>[eE][+-]?\d+)?
        (?P<pct>%)?$""", re.VERBOSE)


def parse_number_text(text: str) -> float | None:
    """The number a text cell holds, or None: betaxl's one rule for numbers stored as text.

    Accepted (surrounding blanks ignored): a decimal number with an optional sign and
    exponent (``"0.5"``, ``"-1e-3"``); a trailing ``%`` divides by 100 (``"2.5%"`` is
    0.025); commas only as thousands separators in groups of three (``"1,234.5"``);
    accounting negatives in brackets (``"(0.5)"``, ``"(2.5%)"``).  Anything else is
    not a number: ``"nan"``, ``"inf"``, ``"1_000"``, ``"1,5"`` (decimal comma),
    currency signs.  Used alike by both Excel runtimes and the command line.

    >>> [parse_number_text(t) for t in ["0.5", " 2.5% ", "1,234", "(0.5)", "1,5", "nan"]]
    [0.5, 0.025, 1234.0, -0.5, None, None]
    """
    body = text.strip()
    negative = False
    if len(body) > 2 and body[0] == "(" and body[-1] == ")":
        body, negative = body[1:-1].strip(), True
        if body[:1] in "+-" and body:
            return None  # "(-0.5)" is not a way to write a number
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


def _data_number(value: Any) -> float | None:
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
    Text that reads as a number (a ticker "600519", or a value stored as text "0.5")
    makes a header only when the rest of its column holds no numbers stored as text:
    a column of numbers stored as text never loses its first value to the header.
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
    numeric = [j for j, c in enumerate(first) if _is_number_text(c)]
    return not any(_is_number_text(row[j]) for row in rows[1:] for j in numeric)


_DATE_HEADERS = {"date", "dates", "day", "week", "month", "quarter", "year", "period",
                 "time", "as of", "asof", "datetime", "timestamp", "month end",
                 "period end", "end of month", "date time"}
_SERIAL_MAX = 2_958_465  # 9999-12-31
_PLAUSIBLE = (18_264, 73_050)  # 1950-01-01 .. 2099-12-31: headerless date columns


def _date_header(name: Any) -> bool:
    if not _is_text(name):
        return False
    text = " ".join(str(name).replace("_", " ").lower().split())
    return text in _DATE_HEADERS or text.startswith("date")


def _date_column(values: np.ndarray, first: Sequence[Any], header: bool,
                 arg: str) -> int | None:
    """Which column of the data holds the dates, if one does (the rule of both runtimes).

    A column is the dates when its header says so (date, Date, month, period, ...) and it
    holds dates (serial numbers in Office.js, datetimes in classic), or, with no such
    header, when it is the first of several columns and every value is a whole number of
    days between 1950 and 2099, strictly increasing by at most 366 days a row.  Returns
    and prices are never whole numbers in that range in every row, rising each time.
    """
    k = values.shape[1]
    named = [j for j in range(k) if header and _date_header(first[j])]
    for j in named:
        col = values[:, j]
        if np.isnan(col).any() or (col < 1).any() or (col > _SERIAL_MAX).any():
            row = int(np.argmax(np.isnan(col) | (col < 1) | (col > _SERIAL_MAX))) + 1
            raise fail(arg, f"column {str(first[j]).strip()!r} is headed as dates but its "
                       f"row {row} is not a date")
        if not (np.diff(col) > 0).all():
            raise fail(arg, f"dates in column {str(first[j]).strip()!r} must be oldest "
                       "first and strictly increasing (sort the rows by date)")
        return j
    if k < 2 or values.shape[0] < 3:
        return None
    col = values[:, 0]
    steps = np.diff(col)
    if (np.isfinite(col).all() and (col == np.round(col)).all()
            and col.min() >= _PLAUSIBLE[0] and col.max() <= _PLAUSIBLE[1]
            and (steps > 0).all() and (steps <= 366).all()):
        return 0
    return None


def _dates_of(serials: np.ndarray) -> tuple[pd.Timestamp, ...]:
    base = pd.Timestamp(_EXCEL_EPOCH)
    return tuple(base + pd.to_timedelta(serials, unit="D").round("s"))


def _labelled_row(rows: list[list[Any]]) -> bool:
    """One row that starts with a name and goes on with numbers: a series along a row."""
    if len(rows) != 1 or len(rows[0]) < 2:
        return False
    first, rest = rows[0][0], rows[0][1:]
    return (_is_text(first) and not _is_number_text(first)
            and any(_data_number(c) is not None for c in rest))


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
    header = _is_header(rows)
    body = rows[1:] if header else rows
    if not body:
        raise fail(arg, "has a header row but no data below it")
    values = None if cell_by_cell else _fast_body(body)
    if values is None:
        values = _read_cells(body, arg)
    names = _names(rows[0], header, prefix)
    stamps = None
    if dates:
        j = _date_column(values, rows[0], header, arg)
        if j is not None:
            stamps = _dates_of(values[:, j])
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
            number = _data_number(cell)
            if number is not None and math.isinf(number):
                raise fail(arg, f"has an infinite value at row {i + 1}, column "
                           f"{j + 1}")
            out[i, j] = np.nan if number is None else number
    return out


def read_cells(value: Any, *, arg: str, prefix: str = "asset") -> Table:
    """:func:`read_table` cell by cell (the reference the fast path is tested against)."""
    return read_table(value, arg=arg, prefix=prefix, cell_by_cell=True)


def read_optional_table(value: Any, *, arg: str) -> np.ndarray | None:
    """A data range that may be left out (dividends): its values, or None when blank."""
    return None if is_blank(value) else read_table(value, arg=arg, dates=False).values


def read_row(value: Any, *, arg: str) -> np.ndarray:
    """One number per asset from a row or a column (weights, units, market values).

    A header row above a row of numbers, or a label column beside a column of numbers,
    is skipped.
    """
    rows = rows_of(value, arg=arg)

    def labels_only(line: list[Any]) -> bool:
        return all(_data_number(c) is None for c in line) and any(_is_text(c) for c in line)

    if len(rows) == 2 and len(rows[0]) > 1 and labels_only(rows[0]):
        rows = rows[1:]
    elif len(rows[0]) == 2 and len(rows) > 1 and labels_only([r[0] for r in rows]):
        rows = [[r[1]] for r in rows]
    if len(rows) > 1 and len(rows[0]) > 1:
        raise fail(arg, f"must be one row or one column, got {len(rows)} x {len(rows[0])}")
    flat = [c for row in rows for c in row]
    out = []
    for j, cell in enumerate(flat):
        number = _data_number(cell)
        if number is None or math.isnan(number):
            raise fail(arg, f"value number {j + 1} is not a number ({_shown(cell)})")
        if math.isinf(number):
            raise fail(arg, f"value number {j + 1} is infinite")
        out.append(number)
    return np.asarray(out)


def _shown(cell: Any) -> str:
    if is_blank(cell):
        return "blank"
    if _is_error(cell):
        if isinstance(cell, dict):
            return str(cell.get("basicValue", "an error"))
        return ERROR_CODES.get(cell, str(cell)) if isinstance(cell, int) else str(cell)
    return repr(cell)[:40]


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
    number = _data_number(value)
    if number is None or math.isnan(number) or math.isinf(number):
        raise fail(arg, f"must be a number, got {_shown(value)}")
    if whole and number != int(number):
        raise fail(arg, f"must be a whole number, got {number:g}")
    if minimum is not None and number < minimum:
        raise fail(arg, f"must be at least {minimum:g}, got {number:g}")
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
    raise fail(arg, f"must be TRUE or FALSE, got {_shown(value)}")


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
    raise fail(arg, f"must be one of {', '.join(options)}; got {_shown(value)}")


def read_dates(value: Any, *, arg: str) -> list[pd.Timestamp]:
    """A column (or row) of dates: datetimes, Excel serial numbers or ISO texts."""
    rows = rows_of(value, arg=arg)
    if len(rows[0]) != 1 and len(rows) != 1:
        raise fail(arg, f"must be one column, got {len(rows)} x {len(rows[0])}")
    flat = [c for row in rows for c in row]
    if flat and _is_text(flat[0]):
        try:
            pd.Timestamp(flat[0])
        except (ValueError, TypeError, OverflowError):
            flat = flat[1:]  # a header cell
    out = []
    for i, cell in enumerate(flat):
        stamp: Any = None
        if isinstance(cell, (dt.datetime, dt.date, pd.Timestamp)):
            stamp = pd.Timestamp(cell)
        elif _number(cell) is not None and 0 < float(cell) < 2_958_466:
            stamp = pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=float(cell)))
        elif _is_text(cell):
            try:
                stamp = pd.Timestamp(cell.strip())
            except (ValueError, TypeError, OverflowError):
                stamp = None
        if stamp is None or pd.isna(stamp):
            raise fail(arg, f"row {i + 1} is not a date ({_shown(cell)})")
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
