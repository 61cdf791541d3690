"""Evaluation order and spills: every formula of a book computed once, in dependency order.

Every formula cell is parsed (:mod:`.formula`), ordered by what it reads (a range
depends on the formulas inside it and on the array formulas spilling into it), and
evaluated once, in that order (:mod:`.evaluation`), through the betaxl functions of
:mod:`betaxl.udfs` and the natives of :data:`.natives.NATIVES`.  A dynamic-array result
spills; a spill that would cover a non-empty cell, or run past row 1,048,576 or column
16,384, gives ``#SPILL!`` as Excel does.  A formula that cannot be evaluated keeps its
cached value and is reported.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import BetaxlError
from ..excel import functions as udfs
from .book import Book, Formula, Sheet
from .cells import (
    MAX_ARRAY,
    MAX_CELLS,
    MAX_COLS,
    MAX_ROWS,
    Grid,
    Ref,
    Serial,
    XlError,
    datetime_of,
    serial_of,
)
from .columns import stored_cells
from .evaluation import evaluate
from .formula import Node, Unsupported, parse, references
from .order import Inputs, dependency_order
from .reads import Reads
from .sheetxml import file_error, formula_cell
from .spills import hidden_spill_readers, stale_spills, where

__all__ = ["CellReport", "Engine", "Recalculation"]

#: Every Excel function betaxl registers (one list: a new function is computed at once).
UDF_NAMES = frozenset(udfs.__all__)
_SPILL = XlError("#SPILL!")
#: The workbook-wide budget of one command: cells its formulas read, over all formulas
#: (a whole column or an empty block costs only the cells that exist), and seconds.
MAX_WORK_CELLS = 200_000_000
MAX_SECONDS = 1800
#: Passes over the formulas while spills turn out larger than they were ordered over (a
#: spill still growing after them is listed).
MAX_PASSES = 4


@dataclass(frozen=True)
class CellReport:
    """A cell whose formula was not evaluated, or evaluated to an error, and why."""

    cell: str
    reason: str


@dataclass
class Recalculation:
    """What a recalculation did: counts and the cells that need the user's eye."""

    formulas: int = 0
    computed: int = 0
    spilled_cells: int = 0
    unsupported: list[CellReport] = field(default_factory=list)
    errors: list[CellReport] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """True when some formula kept its cached value (``betaxl recalc`` exits 3)."""
        return bool(self.unsupported)


_PLAIN_TYPES = frozenset((float, str, bool, type(None), int))


def _udf_argument(value: Any, date1904: bool) -> Any:
    """A value as the classic xlwings runtime hands it to a UDF (errors as their text,
    date-formatted numbers as datetimes); whole columns or rows as far as their data."""
    if isinstance(value, Grid):
        (rows, cols), ref = value.shape, value.ref
        if ref is not None and ref.r2 == MAX_ROWS:
            rows = min(rows, max(len(value.rows), 1))
        if ref is not None and ref.c2 == MAX_COLS:
            cols = min(cols, max((len(r) for r in value.rows), default=1))
        block = value.top(rows, cols, MAX_CELLS)  # as many cells as one command may read
        return [row if _PLAIN_TYPES.issuperset(map(type, row)) else
                [_udf_cell(v, date1904) for v in row] for row in block]
    return _udf_cell(value, date1904)


def _udf_cell(value: Any, date1904: bool) -> Any:
    if isinstance(value, XlError):
        return value.code
    if isinstance(value, Serial):
        try:
            return datetime_of(value, date1904)
        except OverflowError:
            return float(value)
    return value


def _arity(name: str, signature: inspect.Signature, given: int) -> str:
    """Why a betaxl function's call is not computed: its arguments, in words."""
    params = list(signature.parameters.values())
    needed = sum(p.default is inspect.Parameter.empty for p in params)
    counts = f"{needed}" if needed == len(params) else f"{needed} to {len(params)}"
    return (f"{name} takes {counts} argument{'s' if len(params) != 1 else ''} "
            f"({', '.join(p.name for p in params)}), not {given}")


def _udf_value(value: Any, date1904: bool) -> Any:
    """A UDF's datetime as the serial of the book's date system."""
    if isinstance(value, dt.date):
        serial = serial_of(value, date1904)
        if serial is None:
            raise Unsupported("a betaxl function gave a date before 1900-03-01")
        return serial
    return value


class Engine:
    """Evaluates a book's formulas in dependency order (implements evaluation.Context)."""

    def __init__(self, book: Book, progress: Callable[[int, int], None] | None = None
                 ) -> None:
        self.book = book
        self.progress = progress
        self.report = Recalculation()
        self.sheet = ""
        self.row = self.col = 0
        self.implicit = False  # a plain formula: Excel's implicit intersection
        self.cells_read = 0
        self.deadline = time.monotonic() + MAX_SECONDS
        self.names: dict[tuple[str | None, str], Node] = {}
        self.messages: list[str] = []
        self.changed: dict[str, dict[tuple[int, int], Any]] = {}
        self.new_areas: dict[tuple[str, int, int], Ref | None] = {}
        self.occupied: dict[tuple[str, int, int], tuple[int, int]] = {}
        self.reads = Reads()
        self.inputs = Inputs([])  # what each formula reads
        self.areas: dict[int, Ref] = {}  # spills ordered over their computed area
        self.original: dict[tuple[str, int, int], Any] = {}  # cells before a pass

    # evaluation.Context
    def grid(self, ref: Ref) -> Grid:
        assert ref.sheet is not None
        try:
            sheet = self.book.sheet(ref.sheet)
        except KeyError:
            return Grid([[XlError("#REF!")]])
        cached = self.reads.get(ref)
        if cached is not None:  # read before, and no formula wrote into it since
            self.spend(cached[1])
            return cached[0]
        rows, cols = sheet.extent  # beyond them every cell is blank: not read, not held
        r2, c2 = min(ref.r2, rows), min(ref.c2, cols)
        cost = max(r2 - ref.r1 + 1, 0) * max(c2 - ref.c1 + 1, 0)
        if cost > MAX_ARRAY:  # a block over a sparse sheet: the cells that exist
            block = sheet.cells(Ref(ref.sheet, ref.r1, ref.c1, r2, c2))
            cost = len(block) + sum(map(len, block))  # its rows and their cells
            self.spend(cost)
        else:
            self.spend(cost)  # before the block is built: a refusal costs nothing
            block = [] if r2 < ref.r1 or c2 < ref.c1 else sheet.block(
                Ref(ref.sheet, ref.r1, ref.c1, r2, c2))
        grid = Grid(block, (ref.r2 - ref.r1 + 1, ref.c2 - ref.c1 + 1), ref)
        self.reads.keep(ref, grid, cost)
        return grid

    def cells_of(self, ref: Ref) -> Grid | None:
        """A sparse block's cells that hold something, packed (an aggregate reading them
        in any order: ``SUM(D!A:XFD)``), or None where the block is read as such."""
        assert ref.sheet is not None
        try:
            sheet = self.book.sheet(ref.sheet)
        except KeyError:
            return None
        rows, cols = sheet.extent
        if max(min(ref.r2, rows) - ref.r1 + 1, 0) * max(min(ref.c2, cols) - ref.c1 + 1,
                                                          0) <= MAX_ARRAY:
            return None
        block = stored_cells(sheet.values, ref, sheet.blank_text)
        self.spend(len(block) + sum(map(len, block)))  # its rows and their cells
        return Grid(block, (ref.r2 - ref.r1 + 1, ref.c2 - ref.c1 + 1))

    def memo(self, name: str, args: list[Any], native: Callable[..., Any]) -> Any:
        return self.reads.memo(name, args, native)

    def spend(self, cells: int) -> None:
        """Count cells read by formulas against the workbook-wide budget, and the time."""
        if self.cells_read + cells > MAX_WORK_CELLS:  # this cell listed, not the book
            raise Unsupported(f"reading {cells:,} more cells would pass the command's "
                              f"budget of {MAX_WORK_CELLS:,} cells read in all")
        self.cells_read += cells
        if time.monotonic() > self.deadline:
            raise file_error(self.book.path.name, f"its formulas took more than "
                             f"{MAX_SECONDS:,} s; refusing (nothing was written)")

    def name(self, sheet: str | None, name: str) -> Any:
        node = self._name_tree(sheet or self.sheet, name)
        if node is None:
            self.messages.append(f"{name} is not a defined name (#NAME?)")
            return XlError("#NAME?")
        return evaluate(node, self, "range")

    def _name_tree(self, sheet: str, name: str) -> Node | None:
        key = (sheet, name.upper())
        if key not in self.names:
            text = self.book.defined_name(sheet, name)
            if text is None:
                return None
            self.names[key] = parse(text)
        return self.names[key]

    def udf(self, name: str) -> Callable[..., Any] | None:
        if name not in UDF_NAMES:
            short = name.rsplit(".", 1)[-1]
            if short not in UDF_NAMES:
                return None
            name = short
        function = getattr(udfs, name)
        signature = inspect.signature(function)

        def call(*args: Any) -> Any:
            try:
                signature.bind(*args)
            except TypeError:
                raise Unsupported(_arity(name, signature, len(args))) from None
            try:
                result = function(*[_udf_argument(a, self.book.date1904) for a in args])
            except BetaxlError as exc:
                self.messages.append(str(exc))
                return XlError("#VALUE!")
            system = self.book.date1904
            if isinstance(result, (list, tuple)):
                rows = [[_udf_value(v, system) for v in r] if isinstance(r, (list, tuple))
                        else [_udf_value(r, system)] for r in result]
                if rows and all(not isinstance(r, (list, tuple)) for r in result):
                    rows = [[_udf_value(v, system) for v in result]]
                return Grid(rows)
            return _udf_value(result, system)
        return call

    # dependencies
    def _refs(self, formula: Formula) -> Iterator[Ref]:
        assert formula.tree is not None
        seen: set[tuple[str, str]] = set()
        stack = [(formula.sheet, formula.tree)]
        while stack:
            sheet, tree = stack.pop()
            for node in references(tree):
                if node.kind == "ref":
                    ref: Ref = node.value
                    yield ref if ref.sheet else Ref(sheet, ref.r1, ref.c1, ref.r2, ref.c2)
                else:
                    scope, name = node.value
                    key = (scope or sheet, name.upper())
                    if key in seen:
                        continue
                    seen.add(key)
                    try:
                        inner = self._name_tree(scope or sheet, name)
                    except Unsupported:
                        inner = None
                    if inner is not None:
                        stack.append((scope or sheet, inner))

    def order(self, formulas: list[Formula]) -> list[Formula]:
        """Formulas in an order where each comes after everything it reads."""
        ordered, self.inputs = dependency_order(formulas, self._refs, self.areas)
        return ordered

    def run(self, formulas: list[Formula]) -> Recalculation:
        for f in formulas:
            if f.problem is None:
                try:
                    f.tree = parse(f.text)
                except Unsupported as exc:
                    f.problem = str(exc)
                except RecursionError:
                    f.problem = "a formula nested too deeply"
        first = {id(f): f.problem for f in formulas}
        listed: dict[int, str] = {}  # readers of a spill not computed (its quadrant)
        remeasured = 0
        while True:
            for f in formulas:
                f.problem = first[id(f)] or listed.get(id(f))
            ordered = self.order(formulas)
            self._pass(ordered, formulas)
            hidden = hidden_spill_readers(ordered, self.book.sheet, self._is_formula,
                                          self._refs)
            stale = stale_spills(ordered, lambda f: self.areas.get(id(f), f.area),
                                 lambda f: self.new_areas.get((f.sheet, f.row, f.col)),
                                 self._refs)
            if not hidden and not stale:
                break
            listed.update(hidden)  # more listed each time: a pass per reader at most
            remeasured += bool(stale)
            if remeasured >= MAX_PASSES:  # its size changes as it is computed again
                listed.update((k, "a spill whose size changed each time it was computed")
                              for k in stale)
            self.areas.update(stale)
            self._restore()
        return self.report

    def _restore(self) -> None:
        """The sheets' cells as read, before the formulas are computed again."""
        for (name, r, c), value in self.original.items():
            self.book.sheet(name).put(r, c, value)
        self.original, self.changed, self.new_areas, self.occupied = {}, {}, {}, {}
        self.reads = Reads()

    def _pass(self, ordered: list[Formula], formulas: list[Formula]) -> None:
        """Evaluate every formula once, in order, storing values and spills."""
        report = self.report = Recalculation(formulas=len(formulas))
        for done, f in enumerate(ordered, 1):
            cell = where(f)
            if f.problem is None:  # what reads a cell not computed is not computed
                missing = self.inputs.missing(f)
                if missing is not None:
                    f.problem = f"depends on {where(missing)}, not computed"
            if f.problem is None and f.tree is not None:
                self.sheet, self.row, self.col = f.sheet, f.row, f.col
                self.implicit = f.kind == "cell"
                self.messages = []
                try:
                    value = evaluate(f.tree, self)
                except Unsupported as exc:
                    f.problem = str(exc)
                except RecursionError:
                    f.problem = "a formula nested too deeply"
                else:
                    self._store(f, value)
                    report.computed += 1
                    for message in self.messages:
                        report.errors.append(CellReport(cell, message))
            if f.problem is not None:
                report.unsupported.append(CellReport(cell, f.problem))
            if self.progress is not None:
                self.progress(done, len(ordered))

    def _store(self, f: Formula, value: Any) -> None:
        sheet = self.book.sheet(f.sheet)
        edits = self.changed.setdefault(sheet.name, {})

        def put(r: int, c: int, v: Any) -> None:
            self.original.setdefault((sheet.name, r, c), sheet.get(r, c))
            sheet.put(r, c, v)
            edits[(r, c)] = v

        blank = None if _udf_result(f) else 0.0  # a blank a formula gives shows 0
        grid_shape = value.shape if isinstance(value, Grid) and f.kind == "dynamic" else (1, 1)
        for area in (f.area or Ref(f.sheet, f.row, f.col, f.row, f.col), Ref(
                f.sheet, f.row, f.col, f.row + grid_shape[0] - 1, f.col + grid_shape[1] - 1)):
            self.reads.written(f.sheet, area)
        if f.kind == "cell":
            put(f.row, f.col, _single(value, blank))
            return
        grid = value.dense() if isinstance(value, Grid) else Grid([[value]])
        rows, cols = grid.shape
        old = f.area or Ref(f.sheet, f.row, f.col, f.row, f.col)
        if f.kind == "array":  # a legacy array formula fills its fixed range
            for r in range(old.r1, old.r2 + 1):
                for c in range(old.c1, old.c2 + 1):
                    i, j = r - old.r1, c - old.c1
                    i = 0 if rows == 1 else i
                    j = 0 if cols == 1 else j
                    put(r, c, _plain(grid.rows[i][j], blank) if i < rows and j < cols
                        else XlError("#N/A"))
            return
        new = Ref(f.sheet, f.row, f.col, f.row + rows - 1, f.col + cols - 1)
        blocked = new.r2 > MAX_ROWS or new.c2 > MAX_COLS
        if not blocked:
            for r in range(new.r1, new.r2 + 1):
                for c in range(new.c1, new.c2 + 1):
                    if (r, c) == (f.row, f.col) or _inside(old, r, c) and \
                            (f.sheet, r, c) not in self.occupied:
                        continue
                    if sheet.get(r, c) is not None or self._is_formula(sheet, r, c) or \
                            (f.sheet, r, c) in self.occupied:
                        blocked = True
                        break
                if blocked:
                    break
        for r in range(old.r1, old.r2 + 1):  # the last spill is ours to clear
            for c in range(old.c1, old.c2 + 1):
                if (r, c) != (f.row, f.col) and (f.sheet, r, c) not in self.occupied and (
                        blocked or not _inside(new, r, c)):
                    put(r, c, None)
        if blocked:
            put(f.row, f.col, _SPILL)
            self.new_areas[(f.sheet, f.row, f.col)] = None
            self.messages.append("the result would spill over non-empty cells or past the "
                                 "sheet's edge (#SPILL!)")
            return
        for i, line in enumerate(grid.rows):
            for j, v in enumerate(line):
                put(f.row + i, f.col + j, _plain(v, blank))
                if i or j:
                    self.occupied[(f.sheet, f.row + i, f.col + j)] = (f.row, f.col)
        self.report.spilled_cells += rows * cols - 1
        self.new_areas[(f.sheet, f.row, f.col)] = new

    @staticmethod
    def _is_formula(sheet: Sheet, r: int, c: int) -> bool:
        if sheet.xml is None:
            return False
        row = sheet.xml.rows.get(r)
        return formula_cell(row.cells.get(c) if row else None) is not None


def _inside(ref: Ref, r: int, c: int) -> bool:
    return ref.r1 <= r <= ref.r2 and ref.c1 <= c <= ref.c2


def _plain(value: Any, blank: Any) -> Any:
    if value is None:
        return blank
    if isinstance(value, float) and not math.isfinite(value):
        return XlError("#NUM!")
    if isinstance(value, float) and value == 0:
        return 0.0  # Excel has no negative zero: =-0 and =0*-1 are 0
    return value


def _udf_result(f: Formula) -> bool:
    """Whether the formula is a betaxl function's call (its blank cells stay blank)."""
    return f.tree is not None and f.tree.kind == "func" and (
        f.tree.value in UDF_NAMES or f.tree.value.rsplit(".", 1)[-1] in UDF_NAMES)


def _single(value: Any, blank: Any) -> Any:
    """A plain formula's value: an array's top-left value (ranges were intersected)."""
    if isinstance(value, Grid):
        value = value.rows[0][0] if value.rows and value.rows[0] else None
    return _plain(value, blank)
