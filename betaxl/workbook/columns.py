"""One column of a sheet as one list, kept while formulas write into it, so that a range
of one column is a slice: running totals (``=SUM(A$1:A99)`` in A100) read each range
at the cost of its cells, not of a row-by-row walk over the sheet's rows."""

from __future__ import annotations

from itertools import compress, repeat
from operator import is_not
from typing import Any

import numpy as np

from .cells import Ref

__all__ = ["Columns", "stored_cells"]

#: Ranges of fewer rows are read from the rows themselves; a longer one holds its column.
_FEW = 64


class Columns:
    """The columns of a sheet's rows (``values``, None = blank) read so far."""

    def __init__(self) -> None:
        self.held: dict[int, list[Any]] = {}

    def block(self, values: list[list[Any]], ref: Ref, blank_text: bool) -> list[list[Any]]:
        """The rows of a one-column range, each a new list of one cell, the blank rows
        after its last cell left out (as :meth:`.book.Sheet.block`).  A range of a few
        rows is read from the rows; a longer one from the column, held once (a sheet's
        million rows are walked once, not by every range)."""
        column = self.held.get(ref.c1)
        if column is None and ref.r2 - ref.r1 < _FEW:
            cells = _cells(values[ref.r1 - 1:ref.r2], ref.c1, blank_text)
            return _kept(cells, 0, len(cells))
        if column is None:
            column = self.held[ref.c1] = _cells(values, ref.c1, blank_text)
        return _kept(column, ref.r1 - 1, ref.r2)

    def put(self, r: int, c: int, value: Any, blank_text: bool) -> None:
        """A cell written (the column's list follows it, if held)."""
        column = self.held.get(c)
        if column is None:
            return
        if len(column) < r:
            column.extend([None] * (r - len(column)))
        column[r - 1] = None if blank_text and value == "" else value


def _cells(rows: list[list[Any]], c1: int, blank_text: bool) -> list[Any]:
    """Column ``c1`` of ``rows``, None where a row ends before it, and for "" where
    ``blank_text`` (calamine's blank cells)."""
    c = c1 - 1
    column = [row[c] if c < len(row) else None for row in rows]
    return [None if v == "" else v for v in column] if blank_text else column


def _kept(column: list[Any], start: int, stop: int) -> list[list[Any]]:
    """``column[start:stop]`` as rows of one cell, the blank ones after its last cell
    left out."""
    stop = min(stop, len(column))
    while stop > start and column[stop - 1] is None:
        stop -= 1
    return [[v] for v in column[start:stop]]


def stored_cells(values: list[list[Any]], ref: Ref, blank_text: bool) -> list[list[Any]]:
    """The cells of a range that hold something, row by row, each row's packed to the
    left, the rows with none left out: what an aggregate that reads its cells in any
    order (``SUM``, ``COUNT``) needs of a sparse block, at the cost of the cells that
    exist rather than of rows times the widest column's cells."""
    rows = values[ref.r1 - 1:ref.r2]
    lengths = np.fromiter(map(len, rows), np.int64, len(rows))
    out: list[list[Any]] = []
    for i in np.flatnonzero(lengths >= ref.c1).tolist():  # the rows reaching the range
        part = rows[i][ref.c1 - 1:ref.c2]
        held = list(compress(part, map(is_not, part, repeat(None))))
        if blank_text and "" in held:  # calamine's blank cells
            held = [v for v in held if v != ""]
        if held:
            out.append(held)
    return out
