"""Reading a data range into a :class:`Table`: header, date column, notes and totals rows.

Reading a data range (:func:`read_table`), the same in both runtimes:

1. trailing blank rows and columns are trimmed (:func:`.ranges.rows_and_count`), and
   the size limit applies to what is left, on every path;
2. the first row is the header when it holds text and no numbers (:func:`is_header`:
   numeric text is a name only if its column holds no numbers stored as text);
3. a date column (a date header, or a first column of whole days rising each row) is
   taken out as the table's dates (:func:`.dates.date_column`); other dates are serial
   numbers;
4. numbers stored as text follow :func:`.values.parse_number_text`; blanks, errors,
   other text and TRUE/FALSE are missing values.

Rows in messages are counted from the first data row below the header.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..data.table import (
    NAME_TWICE,
    RESAMPLED,
    TITLE_LINES,
    repeated_name,
    resampled_rows,
    table_ends,
    titled_table,
)
from .dates import date_column, dates_of
from .failures import fail
from .ranges import rows_and_count, transpose
from .values import (
    ERROR_CODES,
    cell_number,
    data_number,
    decimal_comma,
    is_blank,
    is_empty,
    is_number_text,
    is_text,
    parse_number_text,
    shown,
)

__all__ = [
    "SUMMARY_LABELS",
    "Table",
    "is_header",
    "read_cells",
    "read_optional_table",
    "read_table",
]


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
_NUMBER_TYPES = {float, int}


def _numbers_only(body: Sequence[Sequence[Any]]) -> np.ndarray | None:
    """A range of plain numbers as floats with no look at each cell's type, else None.

    numpy's own reading of the rows gives float64 only when every cell is a number (a
    blank or a text makes it an object or text array), so one call both checks and
    converts.  Error codes, TRUE/FALSE (numpy's 1/0) and infinities are left to
    :func:`_fast_body`'s scan; so are ranges whose sampled rows hold anything but
    floats and ints (a blank or text seen there: this attempt would be wasted).
    """
    step = max(1, len(body) // 64)
    if not all(set(map(type, row)) <= _NUMBER_TYPES for row in body[::step]):
        return None
    try:
        with np.errstate(all="ignore"):
            out = np.array(body)
    except (TypeError, ValueError, OverflowError):
        return None
    if out.dtype != np.float64 or out.ndim != 2 or not out.size:
        return None
    low, high = out.min(), out.max()  # NaN and infinities show in one or the other
    if not (np.isfinite(low) and np.isfinite(high)) or low < -2.1e9:  # -2.1e9: a code?
        return None
    maybe_bool = np.argwhere((out == 0.0) | (out == 1.0))
    if len(maybe_bool) > out.size // 8 or any(
            isinstance(body[i][j], (bool, np.bool_)) for i, j in maybe_bool.tolist()):
        return None
    return out


def _fast_body(body: Sequence[Sequence[Any]]) -> np.ndarray | None:
    """All cells as floats in one numpy call, or None when a cell needs reading one by one.

    Only ranges of numbers, blanks (None), booleans and classic error codes take this
    path (numpy would parse text by its own rules, not :func:`.values.parse_number_text`).
    numpy takes TRUE/FALSE as 1/0 and error codes as numbers: put right here.
    """
    plain = _numbers_only(body)
    if plain is not None:
        return plain
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
    return tuple(str(c).strip() if is_text(c) else f"{prefix}_{j + 1}"
                 for j, c in enumerate(first))


def is_header(rows: Sequence[Sequence[Any]]) -> bool:
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
    if not any(is_text(c) for c in first):
        return False
    if any(cell_number(c) is not None for c in first):
        return False
    if not all(is_number_text(c) or not is_text(c) for c in first):
        return True  # a name that is not a number
    if len(rows) < 2:
        return False
    return all(_code_over(str(c), [row[j] for row in rows[1:]])
               for j, c in enumerate(first) if is_number_text(c))


def _code_over(text: str, below: list[Any]) -> bool:
    """Whether a number-like first-row text is a name over the cells ``below`` it."""
    code = text.strip()
    if not any(is_number_text(c) for c in below):
        return True
    if not code.isdigit():
        return False
    if len(code) > 1 and code[0] == "0":
        return True
    numbers = [n for n in map(data_number, below) if n is not None and math.isfinite(n)]
    return len(code) > 1 and bool(numbers) and all(abs(n) < 1 for n in numbers)


def _labelled_row(rows: list[list[Any]]) -> bool:
    """One row that starts with a name and goes on with numbers: a series along a row."""
    if len(rows) != 1 or len(rows[0]) < 2:
        return False
    first, rest = rows[0][0], rows[0][1:]
    return (is_text(first) and not is_number_text(first)
            and any(data_number(c) is not None for c in rest))


#: First cells that label a summary row under the data, not a period.
SUMMARY_LABELS = {"average", "avg", "mean", "total", "totals", "sum", "median", "std",
                  "stdev", "std dev", "stdev.s", "stdev.p", "min", "max", "count",
                  "annualised", "annualized", "cumulative", "total return"}


def _wording(cell: Any) -> bool:
    """Text that is words: not a number, nor a number with a decimal comma."""
    return (is_text(cell) and parse_number_text(str(cell)) is None
            and not decimal_comma(str(cell)))


def _summary_label(cell: Any) -> bool:
    return is_text(cell) and " ".join(str(cell).lower().replace(":", " ").split()
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
        if not (_summary_label(row[0]) or all(_wording(c) or is_empty(c) for c in row)):
            break
        end -= 1
    if end < len(body):  # blank rows between the data and the notes go too
        while end > 1 and all(is_empty(c) for c in body[end - 1]):
            end -= 1
    return end


def read_table(value: Any, *, arg: str, prefix: str = "asset", along_rows: bool = False,
               dates: bool = True, cell_by_cell: bool = False) -> Table:
    """Read a data range: rows are periods, columns are assets; first text row = names.

    ``along_rows`` reads the range the other way (one asset per row, dates across).
    With ``dates`` a date column inside the range is taken out as the table's dates.
    ``cell_by_cell`` skips the numpy fast path (the reference it is tested against).
    """
    rows, total = rows_and_count(value, arg=arg, as_lists=False)
    title = None if along_rows else _title_rows(rows)
    if title:  # Ken French's layout (data.table): the other ranges' rows would not line up
        width = len(_line(rows[title + 1]).split("\t")[0])
        last = next((i for i in range(title + 1, len(rows))
                     if table_ends(_line(rows[i]), "\t", width)), len(rows))
        raise fail(arg, f"opens with {title} title rows above its header (Ken French's "
                   f"layout: title lines over a table of yyyymm rows): select the table "
                   f"alone, rows {title + 1} to {last} of this range, and the same rows "
                   "for the other ranges")
    if along_rows or _labelled_row(rows):
        rows, total = transpose(rows), len(rows[0])
    while len(rows) > 2 and all(map(is_empty, rows[0])) and is_header(rows[1:]):
        rows = rows[1:]  # a blank row above the names (beside another range's title)
    header = is_header(rows)
    while header and len(rows) > 2 and is_header(rows[1:]) and all(
            _wording(c) or is_empty(c) for c in rows[1]):
        # two rows of text: a title row (fewer names than the row below, or any text
        # above the name of a one-column range) is skipped; two full rows are refused
        if len(rows[0]) > 1 and sum(map(is_text, rows[0])) >= sum(map(is_text, rows[1])):
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
    if header and dates:  # a RESAMPLE_RETURNS spill: period, rows, partial are no assets
        rows, body, values = _resampled(rows, body, values, arg)
    names = _names(rows[0], header, prefix)
    stamps = None
    if dates:
        found = date_column(values, body, rows[0], header, arg)
        if found is not None:
            j, serials = found
            stamps = dates_of(serials)
            values = np.delete(values, j, axis=1)
            names = names[:j] + names[j + 1:] if header else _names(
                [None] * values.shape[1], False, prefix)
            if values.shape[1] == 0:
                raise fail(arg, "holds only dates; give the data beside them")
    twice = repeated_name(names) if header else None
    if twice is not None:
        raise fail(arg, NAME_TWICE.format(name=twice))
    return Table(values, names, header, stamps, total)


def _title_rows(rows: Sequence[Sequence[Any]]) -> int | None:
    """:func:`betaxl.data.table.titled_table` of the range's first lines.  Asked first of
    each line's first cell alone (and a second, empty one): what that finds nothing in,
    the whole lines hold nothing either (the rule looks at first cells, and at a title
    line's first character, which a first cell with text holds), so a range of numbers
    costs its first cells, not thousands of texts."""
    top = rows[:TITLE_LINES + 2]
    if titled_table([_line(r[:1]) + "\t" for r in top], "\t") is None:
        return None
    return titled_table([_line(r) for r in top], "\t")


def _resampled(rows: list[Any], body: list[Any], values: np.ndarray, arg: str
               ) -> tuple[list[Any], list[Any], np.ndarray]:
    """The range without the ``period``, ``rows`` and ``partial`` columns of a
    ``resample`` output (the core's rule, :func:`betaxl.data.table.resampled_rows`;
    its partial periods are kept, as RESAMPLE_RETURNS' ``drop_partial`` left them)."""
    names = [str(c).strip() if is_text(c) else "" for c in rows[0]]
    try:
        flags = resampled_rows(names, [r[names.index("partial")] for r in body]
                               if "partial" in names else [])
    except ValueError as exc:
        raise fail(arg, str(exc)) from None
    if flags is None:
        return rows, body, values
    keep = [j for j, n in enumerate(names) if n not in RESAMPLED]
    return ([[r[j] for j in keep] for r in rows], [[r[j] for j in keep] for r in body],
            values[:, keep])


def _line(row: Sequence[Any]) -> str:
    """A row as the line of text a CSV would hold (whole numbers without ``.0``), for
    the core's rules on lines (:func:`betaxl.data.table.titled_table`)."""
    cells = ["" if is_empty(c) else str(int(c)) if isinstance(c, float) and c.is_integer()
             else str(c).replace("\t", " ") for c in row]
    return "\t".join(cells)


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
