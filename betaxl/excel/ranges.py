"""A range value from either runtime as a rectangular list of rows.

Trailing blank rows and columns are trimmed (:func:`rows_and_count`), and the size limit
applies to what is left, on every path every function reads ranges through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .failures import fail
from .values import is_empty, is_error, shown

__all__ = ["rows_and_count", "rows_of", "transpose"]

_MAX_CELLS = 50_000_000


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
                and all(is_empty(c) for c in last)):
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


def rows_and_count(value: Any, *, arg: str, trim: bool = True, as_lists: bool = True
                   ) -> tuple[list[Any], int]:
    """Any runtime's range value as a rectangular list of rows, and its row count.

    Trailing blank rows and columns are not data: they are trimmed here, the one place
    every function reads ranges through, and the size limit applies to what is left
    (the count is the range's rows before trimming).  ``as_lists=False``: the rows as
    they came (classic's tuples), for a reader that never changes them.
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
            rows = ([row if isinstance(row, list) else list(row) for row in value]
                    if as_lists else list(value))
        elif any(isinstance(row, (list, tuple)) for row in value):
            raise fail(arg, "is ragged: some rows are ranges and some are single cells")
        else:
            rows, total = [list(value)], 1  # Office.js sends a one-row range as a flat list
    else:
        rows, total = [[value]], 1
    width = len(rows[0])
    if width == 0:
        raise fail(arg, "is an empty range")
    if total == 1 and width == 1 and is_error(rows[0][0]):
        # the whole argument is one error (a lookup that failed): name it as such
        raise fail(arg, f"is {shown(rows[0][0])}")
    if any(len(row) != width for row in rows):
        raise fail(arg, "is ragged: its rows have different lengths")
    if trim:
        keep = width
        while keep > 1 and all(is_empty(row[keep - 1]) for row in rows):
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
    return [list(col) for col in zip(*rows, strict=False)]
