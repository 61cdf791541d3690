"""Weights from a worksheet range: one row or column of numbers, or a dated schedule.

A schedule is a table whose first column holds the rebalancing dates (cells formatted
as dates, or ISO texts such as 2024-03-29) and whose other columns hold one weight per
asset; a header row above it names the assets (matched to the data's header by label),
without one the columns are taken in the data's order.  Excel serial numbers in the
first column count as dates only under a header whose first cell is a date word
("Date"; otherwise 45000 could be a market value), and a table of date cells without
a header is refused (Office.js hands date cells over as plain numbers: it would read
differently in the two runtimes).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .dates import date_serial, is_date_header, read_dates
from .failures import fail
from .ranges import rows_of
from .tables import is_header, read_table
from .values import data_number, is_text, shown

__all__ = ["read_row", "read_weights"]


def _serials(cells: list[Any], arg: str) -> list[float]:
    """Each cell as a date serial (NaN when it is no date), date texts included."""
    return [date_serial(c, arg, f"row {i + 1} of the first column")
            for i, c in enumerate(cells)]


def read_weights(value: Any, *, arg: str = "weights"
                 ) -> np.ndarray | pd.Series | pd.DataFrame:
    """A weights row/column as numbers, or a dated table as a schedule DataFrame.

    >>> read_weights([["date", "a", "b"], ["2024-01-31", 0.6, 0.4],
    ...               ["2024-02-29", 0.5, 0.5]]).to_dict("list")
    {'a': [0.6, 0.5], 'b': [0.4, 0.5]}
    >>> read_weights([[0.6, 0.4]]).tolist()
    [0.6, 0.4]
    """
    rows = rows_of(value, arg=arg)
    header = len(rows) > 1 and is_header(rows)
    body = rows[1:] if header else rows
    first = [row[0] for row in body]
    wide = len(rows[0]) > 1 and bool(body)
    texts = wide and all(is_text(c) for c in first) and not any(
        math.isnan(v) for v in _serials(first, arg))
    dated = texts or (wide and header and is_date_header(rows[0][0]))
    if not dated:
        if (wide and not header and len(body) > 1 and all(
                18_264 <= v <= 73_050 for v in _serials(first, arg))):
            # date cells without a header: Office.js hands them over as plain numbers,
            # so the table would read differently in the two runtimes
            raise fail(arg, "looks like a weight schedule without a header row: put a "
                       "header row above it (Date, then the asset names)")
        return read_row(value, arg=arg)
    stamps = read_dates([[c] for c in first], arg=arg)
    values = read_table([row[1:] for row in body], arg=arg).values
    if values.shape[0] != len(stamps):  # a text row inside the table
        raise fail(arg, "has a row that is not dates and numbers")
    columns: Any = ([str(c).strip() for c in rows[0][1:]] if header
                    else pd.RangeIndex(values.shape[1]))
    return pd.DataFrame(values, index=pd.DatetimeIndex(stamps, name="date"),
                        columns=columns)


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
        return all(data_number(c) is None for c in line) and any(is_text(c) for c in line)

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
    names = [str(c).strip() if is_text(c) else "" for c in keys]
    if "" in names:
        raise fail(arg, f"has a blank label for value number {names.index('') + 1}: label "
                   "every value or none")
    return pd.Series(out, index=pd.Index(names, dtype=object), dtype=float)
