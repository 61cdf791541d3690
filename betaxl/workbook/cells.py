"""The cell model of the recalculation engine: error values, grids, references, limits.

Values are Python values as a cell holds them: ``float``, ``str``, ``bool``, ``None``
(a blank cell), :class:`XlError` (``#N/A``, ``#DIV/0!`` ...), and :class:`Grid` for a
range or an array; a :class:`Ref` is a rectangle of cells.  The sheet's edges and the
cells one command may hold are the limits every part of the engine checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["DIV0", "EPOCH", "EPOCH_1904", "ERROR_CODES", "MAX_CELLS", "MAX_COLS", "MAX_ROWS",
           "MAX_ARRAY", "NA", "NAME", "NUM", "REF", "VALUE", "Grid", "Ref", "Serial", "Unsupported",
           "XlError",
           "datetime_of", "serial_of"]

MAX_ROWS, MAX_COLS = 1_048_576, 16_384
#: Cells one command may read, over all sheets (values held in memory as Python objects).
MAX_CELLS = 20_000_000
#: Excel's day 0 (the 1900 date system): serial numbers count days from it.
EPOCH = dt.datetime(1899, 12, 30)
#: Day 0 of the 1904 date system (``<workbookPr date1904="1"/>``).
EPOCH_1904 = dt.datetime(1904, 1, 1)


class Serial(float):
    """A number in a cell formatted as a date, a time or an elapsed time.

    Formulas see the number (Excel stores nothing else); betaxl functions get a
    datetime, as classic xlwings hands a date-formatted cell to a UDF.
    """

    __slots__ = ()


def datetime_of(serial: float, date1904: bool) -> dt.datetime:
    """The datetime COM gives for a serial (1900 system: day 0 is 1899-12-30)."""
    return (EPOCH_1904 if date1904 else EPOCH) + dt.timedelta(days=float(serial))


def serial_of(value: dt.date, date1904: bool) -> Serial | None:
    """A date or datetime as the serial of the book's system; None where the 1900
    system's fictional 1900-02-29 makes it ambiguous (dates before 1900-03-01)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime(
        value.year, value.month, value.day)
    if date1904:
        return Serial((moment - EPOCH_1904).total_seconds() / 86400)
    if moment < dt.datetime(1900, 3, 1):
        return None
    return Serial((moment - EPOCH).total_seconds() / 86400)


@dataclass(frozen=True)
class XlError:
    """An Excel error value such as ``#N/A``."""

    code: str

    def __str__(self) -> str:
        return self.code


NA, DIV0, VALUE, NUM, REF, NAME = (XlError(c) for c in
                                   ("#N/A", "#DIV/0!", "#VALUE!", "#NUM!", "#REF!", "#NAME?"))
ERROR_CODES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
               "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!",
               "#CONNECT!", "#BUSY!", "#PYTHON!"}


class Unsupported(Exception):
    """A formula the engine does not evaluate (its cached value is kept and reported)."""


#: Cells one array operation may compute element by element (a spill, ``A1:A9*2``).
MAX_ARRAY = 2_000_000


@dataclass
class Grid:
    """A rectangular block of values: a range's cells or an array result.

    Sparse: ``rows`` hold the top-left block that has cells (each row as wide as the
    block); ``size``, when given, is the whole shape, and every cell beyond ``rows`` is
    ``fill`` (a range: blank; ``(A:A>0)*B:B``: what a blank gives, 0), so that a whole
    column or a huge empty block costs what its data cost.  ``ref`` is the range it was
    read from, if any.
    """

    rows: list[list[Any]]
    size: tuple[int, int] | None = None
    ref: Ref | None = None
    fill: Any = None

    @property
    def shape(self) -> tuple[int, int]:
        if self.size is not None:
            return self.size
        return len(self.rows), len(self.rows[0]) if self.rows else 0

    @property
    def stored(self) -> tuple[int, int]:
        """Rows and columns of the block held (every cell beyond is ``fill``)."""
        return len(self.rows), max((len(r) for r in self.rows), default=0)

    @property
    def rest(self) -> int:
        """How many cells beyond the stored ones (each of them ``fill``)."""
        rows, cols = self.shape
        return rows * cols - sum(len(r) for r in self.rows)

    def cells(self) -> Iterator[Any]:
        """Every cell: the stored ones, then the rest (left out when blank)."""
        for row in self.rows:
            yield from row
        if self.fill is not None:
            for _ in range(self.rest):
                yield self.fill

    def at(self, i: int, j: int) -> Any:
        """The value at 0-based row ``i`` and column ``j`` (None: blank)."""
        if i < len(self.rows):
            row = self.rows[i]
            return row[j] if j < len(row) else self.fill
        return self.fill

    def top(self, rows: int, cols: int, limit: int = MAX_ARRAY) -> list[list[Any]]:
        """The top-left ``rows`` x ``cols`` block, the rest filled in (at most ``limit``)."""
        if rows * cols > limit:
            raise Unsupported(f"an array of {rows * cols:,} cells (more than "
                              f"{limit:,} computed one by one)")
        out = []
        for i in range(rows):
            row = self.rows[i] if i < len(self.rows) else []
            out.append(row[:cols] + [self.fill] * (cols - len(row)) if len(row) != cols
                       else row)
        return out

    def dense(self) -> Grid:
        """Every cell of the whole shape (refused beyond :data:`MAX_ARRAY` cells)."""
        if self.size is None:
            return self
        return Grid(self.top(*self.size))

    def flat(self) -> list[Any]:
        """Row by row, as far as a stored cell goes when every cell after is blank; every
        cell otherwise."""
        if self.fill is not None:
            return [v for row in self.top(*self.shape) for v in row]
        width = self.shape[1]
        return [v for row in self.top(len(self.rows), width) for v in row]


@dataclass(frozen=True)
class Ref:
    """A rectangle of cells, 1-based and inclusive; ``sheet`` None = the formula's sheet."""

    sheet: str | None
    r1: int
    c1: int
    r2: int
    c2: int
