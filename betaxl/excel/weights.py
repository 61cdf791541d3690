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

from .cells import (
    _date_header,
    _is_header,
    _is_text,
    date_serial,
    fail,
    read_dates,
    read_row,
    read_table,
    rows_of,
)

__all__ = ["read_weights"]


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
    header = len(rows) > 1 and _is_header(rows)
    body = rows[1:] if header else rows
    first = [row[0] for row in body]
    wide = len(rows[0]) > 1 and bool(body)
    texts = wide and all(_is_text(c) for c in first) and not any(
        math.isnan(v) for v in _serials(first, arg))
    dated = texts or (wide and header and _date_header(rows[0][0]))
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
