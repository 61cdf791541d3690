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

In data ranges, blanks, errors, text and TRUE/FALSE are missing values (as in Excel's
own SLOPE or STDEV), except that a number stored as text ("0.5") is read as that
number; a first row with text and no numbers (numeric text such as the ticker "600519"
counts as text there) holds the asset names.
Results go back as lists of rows with ``None`` for "no value": NaN would show as #NUM!
in Office.js.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, overload

import numpy as np
import pandas as pd

from .errors import BetaxlError, InputError, labels, problem

__all__ = [
    "ERROR_CODES",
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


def _number(value: Any) -> float | None:
    """The cell's number, or None when the cell is not a number (blank, text, error...)."""
    if isinstance(value, (bool, np.bool_)) or _is_error(value):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return None


def _data_number(value: Any) -> float | None:
    """A data cell's number: a number, or a number stored as text ("0.5"), else None.

    The same rule numpy applies in :func:`_fast_body`, so both paths read alike.
    """
    number = _number(value)
    if number is None and isinstance(value, str) and not _is_error(value):
        try:
            number = float(value)
        except ValueError:
            return None
    return number


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not _is_error(value)


def rows_of(value: Any, *, arg: str) -> list[list[Any]]:
    """Any runtime's range value as a rectangular list of rows."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if not value:
            raise fail(arg, "is an empty range")
        if all(isinstance(row, (list, tuple)) for row in value):
            rows = [list(row) for row in value]
        elif any(isinstance(row, (list, tuple)) for row in value):
            raise fail(arg, "is ragged: some rows are ranges and some are single cells")
        else:
            rows = [list(value)]  # Office.js sends a one-row range as a flat list
    else:
        rows = [[value]]
    width = len(rows[0])
    if width == 0:
        raise fail(arg, "is an empty range")
    if any(len(row) != width for row in rows):
        raise fail(arg, "is ragged: its rows have different lengths")
    if len(rows) * width > _MAX_CELLS:
        raise fail(arg, f"has {len(rows) * width} cells; at most {_MAX_CELLS} are accepted")
    return rows


@dataclass(frozen=True)
class Table:
    """A data range as floats (NaN = missing) with its column names, if it had a header."""

    values: np.ndarray
    names: tuple[str, ...]
    has_header: bool

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, columns=list(self.names), copy=False)


def _fast_body(body: Sequence[Sequence[Any]]) -> np.ndarray | None:
    """All cells as floats in one numpy call, or None when some cell is not a number.

    numpy turns None into NaN and refuses text, dicts and dates (we then read cell by
    cell); it silently takes TRUE/FALSE as 1/0 and classic error codes as numbers, so
    those two are put right here: only cells equal to 0 or 1 need a type check, and
    error codes are all near -2.1e9.
    """
    try:
        with np.errstate(all="ignore"):
            out = np.array(body, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None
    if out.ndim != 2:
        return None
    codes = out < -2.1e9
    if codes.any():
        out[codes & np.isin(out, list(ERROR_CODES))] = np.nan
    for i, j in np.argwhere((out == 0.0) | (out == 1.0)):
        if isinstance(body[i][j], (bool, np.bool_)):
            out[i, j] = np.nan
    return out


def _names(first: Sequence[Any], header: bool, prefix: str) -> tuple[str, ...]:
    if not header:
        return tuple(f"{prefix}_{j + 1}" for j in range(len(first)))
    return tuple(str(c).strip() if _is_text(c) else f"{prefix}_{j + 1}"
                 for j, c in enumerate(first))


def _is_header(first: Sequence[Any]) -> bool:
    return any(_is_text(c) for c in first) and not any(_number(c) is not None
                                                        for c in first)


def read_table(value: Any, *, arg: str, prefix: str = "asset") -> Table:
    """Read a data range: rows are periods, columns are assets; first text row = names."""
    if isinstance(value, (list, tuple)) and len(value) > 1 and all(
            isinstance(row, (list, tuple)) for row in value[:2]):
        header = _is_header(value[0])
        fast = _fast_body(value[1:] if header else value)
        if fast is not None and fast.shape[1] == len(value[0]) and fast.shape[0] > 0:
            if np.isinf(fast).any():
                return read_cells(value, arg=arg, prefix=prefix)  # for the message
            return Table(fast, _names(value[0], header, prefix), header)
    return read_cells(value, arg=arg, prefix=prefix)


def read_cells(value: Any, *, arg: str, prefix: str = "asset") -> Table:
    """:func:`read_table` cell by cell: any runtime's shapes, with exact messages."""
    rows = rows_of(value, arg=arg)
    header = _is_header(rows[0])
    body = rows[1:] if header else rows
    if not body:
        raise fail(arg, "has a header row but no data below it")
    out = np.empty((len(body), len(rows[0])))
    for i, row in enumerate(body):
        for j, cell in enumerate(row):
            number = _data_number(cell)
            if number is not None and math.isinf(number):
                raise fail(arg, f"has an infinite value at row {i + 1 + header}, column "
                           f"{j + 1}")
            out[i, j] = np.nan if number is None else number
    return Table(out, _names(rows[0], header, prefix), header)


def read_optional_table(value: Any, *, arg: str) -> np.ndarray | None:
    """A data range that may be left out (dividends): its values, or None when blank."""
    return None if is_blank(value) else read_table(value, arg=arg).values


def read_row(value: Any, *, arg: str) -> np.ndarray:
    """One number per asset from a row or a column (weights, units, market values).

    A header row above a row of numbers, or a label column beside a column of numbers,
    is skipped.
    """
    rows = rows_of(value, arg=arg)

    def labels_only(line: list[Any]) -> bool:
        return all(_number(c) is None for c in line) and any(_is_text(c) for c in line)

    if len(rows) == 2 and len(rows[0]) > 1 and labels_only(rows[0]):
        rows = rows[1:]
    elif len(rows[0]) == 2 and len(rows) > 1 and labels_only([r[0] for r in rows]):
        rows = [[r[1]] for r in rows]
    if len(rows) > 1 and len(rows[0]) > 1:
        raise fail(arg, f"must be one row or one column, got {len(rows)} x {len(rows[0])}")
    flat = [c for row in rows for c in row]
    out = []
    for j, cell in enumerate(flat):
        number = _number(cell)
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
    number = _number(value)
    if number is None and isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
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
