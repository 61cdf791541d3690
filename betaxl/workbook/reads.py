"""Ranges read by formulas, kept while no formula writes into them, and the natives'
results over them: 3,000 ``=SUM(C:C)+A1`` cells read and sum the column once.

A kept range is the same :class:`.cells.Grid` object for every formula that reads it;
a native's result is remembered for the same ranges (the very objects kept) and the same
plain values.  Writing a cell forgets every kept range that holds it, and the results
over that range.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .cells import Grid, Ref, XlError
from .values import caught

__all__ = ["Reads"]

#: Ranges kept (each of at most this many cells read), and results remembered.
KEPT_RANGES, KEPT_CELLS, KEPT_RESULTS = 64, 100_000, 1024


class Reads:
    """The ranges a recalculation has read, and the natives' results over them."""

    def __init__(self) -> None:
        self.grids: dict[Ref, tuple[Grid, int]] = {}
        self.results: dict[tuple[str, tuple[Any, ...]], Any] = {}

    def get(self, ref: Ref) -> tuple[Grid, int] | None:
        """A range read before (its grid and the cells reading it cost), if kept."""
        return self.grids.get(ref)

    def keep(self, ref: Ref, grid: Grid, cost: int) -> None:
        if cost > KEPT_CELLS:
            return
        if len(self.grids) >= KEPT_RANGES:
            self._forget(next(iter(self.grids)))
        self.grids[ref] = (grid, cost)

    def memo(self, name: str, args: list[Any], native: Callable[..., Any]) -> Any:
        """``native(*args)`` (errors as values), computed once for the same kept ranges
        and plain values."""
        key = _key(name, args)
        if key is None or not all(a.ref is not None and a.ref in self.grids and
                                  self.grids[a.ref][0] is a
                                  for a in args if isinstance(a, Grid)):
            return caught(native, *args)
        if key in self.results:
            return self.results[key]
        result = caught(native, *args)
        if not isinstance(result, Grid):  # an array result may be changed by its user
            if len(self.results) >= KEPT_RESULTS:
                self.results.pop(next(iter(self.results)))
            self.results[key] = result
        return result

    def written(self, sheet: str, area: Ref) -> None:
        """Forget the kept ranges of ``sheet`` that ``area`` overlaps."""
        name = sheet.upper()
        for ref in [r for r in self.grids if (r.sheet or "").upper() == name and
                    r.r1 <= area.r2 and area.r1 <= r.r2 and r.c1 <= area.c2 and
                    area.c1 <= r.c2]:
            self._forget(ref)

    def _forget(self, ref: Ref) -> None:
        del self.grids[ref]
        for key in [k for k in self.results if ("grid", ref) in k[1]]:
            del self.results[key]


def _key(name: str, args: list[Any]) -> tuple[str, tuple[Any, ...]] | None:
    """A native call's key: its ranges and its plain values (None: not remembered)."""
    parts: list[Any] = []
    for a in args:
        kind = type(a)
        if kind is Grid and a.ref is not None:
            parts.append(("grid", a.ref))
        elif kind is float:
            parts.append(("num", a.hex()))  # -0.0 apart from 0.0
        elif kind in (str, bool, XlError) or a is None:
            parts.append((kind.__name__, a))
        else:
            return None
    return name, tuple(parts)
