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
           "NA", "NAME", "NUM", "REF", "VALUE", "Grid", "Ref", "Serial", "XlError",
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


@dataclass
class Grid:
    """A rectangular block of values: a range's cells or an array result."""

    rows: list[list[Any]]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0]) if self.rows else 0

    def cells(self) -> Iterator[Any]:
        for row in self.rows:
            yield from row


@dataclass(frozen=True)
class Ref:
    """A rectangle of cells, 1-based and inclusive; ``sheet`` None = the formula's sheet."""

    sheet: str | None
    r1: int
    c1: int
    r2: int
    c2: int
