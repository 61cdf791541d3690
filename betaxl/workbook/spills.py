"""Spills measured after they are computed: what their real area means for the order.

A dynamic-array formula's saved spill range may be smaller than its result (xlsxwriter
and openpyxl save the anchor alone; the data may have grown since Excel saved).  The
engine orders formulas over the saved ranges, computes, and then checks here:

- :func:`stale_spills`: a formula ordered before a spill (or the spill itself) read a
  cell the spill now covers beyond the range it was ordered over.  The engine orders
  again over the real areas and computes again, so that what reads into a spill comes
  after it, or is a circular reference when the spill reads it (``=C2:C4+1`` in C1).
- :func:`hidden_spill_readers`: a dynamic-array formula that is not computed may spill
  anywhere right of and below its cell, as far as the sheet goes; a formula reading a
  cell of that quadrant that holds no value and no formula could be reading the spill
  and is listed (``depends on S!C1, not computed (its spill)``).  This lists more than
  Excel's spill could reach (it stops at the first cell that is not blank), never less.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .book import Formula, Sheet
from .cells import MAX_COLS, MAX_ROWS, Ref
from .formula import column_letters

__all__ = ["hidden_spill_readers", "stale_spills", "where"]

_LOOKED_AT = 100_000  # cells of one range looked at for a blank one


def _meets(ref: Ref, area: Ref) -> bool:
    return (ref.sheet or "").upper() == (area.sheet or "").upper() and \
        ref.r1 <= area.r2 and area.r1 <= ref.r2 and ref.c1 <= area.c2 and area.c1 <= ref.c2


def stale_spills(ordered: list[Formula], used: Callable[[Formula], Ref | None],
                 computed: Callable[[Formula], Ref | None],
                 refs: Callable[[Formula], Iterable[Ref]]) -> dict[int, Ref]:
    """The dynamic-array formulas (by ``id``) whose computed area reaches past the area
    they were ordered over (``used``) where a formula at or before them read: each with
    the area to order over next time."""
    grown = []
    for i, f in enumerate(ordered):
        new, old = computed(f), used(f)
        if f.kind == "dynamic" and new is not None and (
                old is None or new.r2 > old.r2 or new.c2 > old.c2):
            grown.append((i, f, new))
    stale: dict[int, Ref] = {}
    if not grown:
        return stale
    for i, g in enumerate(ordered):
        if g.tree is None or g.problem is not None:
            continue
        for j, f, area in grown:
            if i <= j and id(f) not in stale and any(_meets(r, area) for r in refs(g)):
                stale[id(f)] = area
    return stale


def _blank_inside(sheet: Sheet, ref: Ref, formula_at: Callable[[Sheet, int, int], bool]
                  ) -> bool:
    """Whether ``ref`` (clipped to the sheet) holds a cell with no value and no formula."""
    rows, cols = sheet.extent
    if ref.r2 > rows or ref.c2 > cols or (ref.r2 - ref.r1 + 1) * (ref.c2 - ref.c1 + 1) > \
            _LOOKED_AT:
        return True  # past the sheet's last row or column every cell is blank; a block
        # too large to look at is taken as holding one (listing more is safe)
    for r in range(ref.r1, ref.r2 + 1):
        for c in range(ref.c1, ref.c2 + 1):
            if sheet.get(r, c) is None and not formula_at(sheet, r, c):
                return True
    return False


def hidden_spill_readers(ordered: list[Formula], sheet_of: Callable[[str], Sheet],
                         formula_at: Callable[[Sheet, int, int], bool],
                         refs: Callable[[Formula], Iterable[Ref]]) -> dict[int, str]:
    """The computed formulas (by ``id``) that read a blank cell where a dynamic-array
    formula that was not computed may spill, each with its reason."""
    hidden = [f for f in ordered if f.kind == "dynamic" and f.problem is not None]
    found: dict[int, str] = {}
    if not hidden:
        return found
    for g in ordered:
        if g.tree is None or g.problem is not None:
            continue
        for f in hidden:
            quadrant = Ref(f.sheet, f.row, f.col, MAX_ROWS, MAX_COLS)
            sheet = sheet_of(f.sheet)
            for ref in refs(g):
                if not _meets(ref, quadrant):
                    continue
                part = Ref(f.sheet, max(ref.r1, f.row), max(ref.c1, f.col), ref.r2, ref.c2)
                if part.r1 == part.r2 == f.row and part.c1 == part.c2 == f.col:
                    continue  # the anchor itself: the dependency on it says so
                if _blank_inside(sheet, part, formula_at):
                    found[id(g)] = f"depends on {where(f)}, not computed (its spill)"
                    break
            if id(g) in found:
                break
    return found


def where(f: Formula) -> str:
    """A formula's cell as the reports name it (``S!C1``, ``'My Calc'!B2``)."""
    sheet = f.sheet if f.sheet.replace("_", "").replace(".", "").isalnum() else \
        "'" + f.sheet.replace("'", "''") + "'"
    return f"{sheet}!{column_letters(f.col)}{f.row}"
