"""The order of evaluation: every formula after the formulas in the ranges it reads.

Formulas are indexed per sheet and column by row, so a range finds the formulas inside
it by bisection; a range over many formulas of a column is not one edge per formula but
a few edges to the nodes of a segment tree over that column's formulas (built as ranges
need them), so running totals (``=SUM(A$1:A99)`` in A100, for 10,000 rows) cost about
the ranges, not the square of the rows.  A cycle is reported on every cell of it
(``problem``), not guessed; a formula that reads its own cell (``=SUM(A1:A3)`` in A3, a
name for its cell) is one, as in Excel.  A cell that reads a cycle is not computed
either (:meth:`Inputs.missing` names what it reads that was not computed).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from .book import Formula
from .cells import Ref

__all__ = ["CIRCULAR", "Inputs", "dependency_order"]

CIRCULAR = "a circular reference"
_DIRECT = 8  # a range over at most this many formulas of a column: one edge to each


class Inputs:
    """The graph: formulas are nodes ``0 .. n-1``, segments of a column's formulas the
    nodes after them; per formula, the ranges it reads as groups of nodes."""

    def __init__(self, formulas: list[Formula]) -> None:
        self.formulas = formulas
        self.number = {id(f): i for i, f in enumerate(formulas)}
        self.edges: list[list[int]] = [[] for _ in formulas]
        self.groups: list[list[tuple[list[int], list[int]]]] = [[] for _ in formulas]
        self.spans: list[tuple[list[int], int, int]] = []  # a segment: column, lo, hi
        self.segments: dict[tuple[int, int, int], int] = {}
        self.first: dict[int, int] = {}  # a segment's first formula not computed (-1)

    def segment(self, column: list[int], key: int, lo: int, hi: int) -> int:
        """The node of the column's formulas ``lo .. hi-1`` (a formula when one)."""
        if hi - lo == 1:
            return column[lo]
        node = self.segments.get((key, lo, hi))
        if node is None:
            node = len(self.formulas) + len(self.spans)
            self.segments[(key, lo, hi)] = node
            self.spans.append((column, lo, hi))
            mid = (lo + hi) // 2
            self.edges.append([])
            self.edges[node] = [self.segment(column, key, lo, mid),
                                self.segment(column, key, mid, hi)]
        return node

    def cover(self, column: list[int], key: int, lo: int, hi: int, out: list[int]) -> None:
        """The nodes covering the column's formulas ``lo .. hi-1`` (a segment tree's
        canonical pieces of the whole column's tree ``0 .. len``)."""
        if hi - lo <= _DIRECT:
            out.extend(column[lo:hi])
            return
        stack = [(0, len(column))]
        while stack:
            a, b = stack.pop()
            if b <= lo or hi <= a:
                continue
            if lo <= a and b <= hi:
                out.append(self.segment(column, key, a, b))
                continue
            mid = (a + b) // 2
            stack.append((mid, b))
            stack.append((a, mid))

    def missing(self, f: Formula) -> Formula | None:
        """The first formula ``f`` reads that has a problem (row by row within a range;
        the ranges in the order the formula reads them), or None."""
        for inside, arrays in self.groups[self.number[id(f)]]:
            found = [self.formulas[k] for k in map(self._first, inside) if k >= 0]
            if found:
                return min(found, key=lambda g: (g.row, g.col))
            for k in arrays:
                if self.formulas[k].problem is not None:
                    return self.formulas[k]
        return None

    def _first(self, node: int) -> int:
        """The node's first formula (by row) with a problem, -1 for none.  A segment is
        looked at once: the formulas in it come before any formula reading it."""
        if node < len(self.formulas):
            return node if self.formulas[node].problem is not None else -1
        if node not in self.first:
            column, lo, hi = self.spans[node - len(self.formulas)]
            self.first[node] = next((k for k in column[lo:hi]
                                     if self.formulas[k].problem is not None), -1)
        return self.first[node]


def dependency_order(formulas: list[Formula], refs: Callable[[Formula], Iterable[Ref]],
                     areas: dict[int, Ref] | None = None) -> tuple[list[Formula], Inputs]:
    """Formulas in an order where each comes after everything it reads (``refs``: the
    ranges a formula reads), and what each reads; every formula on a cycle gets its
    problem set.  ``areas``: an array formula's area (by ``id``) where it is not the
    saved one (a spill measured when computed)."""
    areas = areas or {}
    graph = Inputs(formulas)
    number = graph.number
    arrays: dict[str, list[tuple[Ref, int]]] = {}
    by_col: dict[str, dict[int, list[Formula]]] = {}
    for f in formulas:
        by_col.setdefault(f.sheet.upper(), {}).setdefault(f.col, []).append(f)
        area = areas.get(id(f), f.area)
        if area is not None:
            arrays.setdefault(f.sheet.upper(), []).append((area, number[id(f)]))
    columns_of: dict[str, dict[int, tuple[list[int], list[int], int]]] = {}
    for sheet, per_col in by_col.items():  # per column, the formulas by row
        columns_of[sheet] = {}
        for col, column in per_col.items():
            column.sort(key=lambda g: g.row)
            columns_of[sheet][col] = ([g.row for g in column],
                                      [number[id(g)] for g in column], len(columns_of) *
                                      16_385 + col)
    for i, f in enumerate(formulas):
        if f.tree is None:
            continue
        edges, groups = graph.edges[i], graph.groups[i]
        for ref in refs(f):
            key = (ref.sheet or f.sheet).upper()
            columns = columns_of.get(key, {})
            cols = range(ref.c1, ref.c2 + 1) if ref.c2 - ref.c1 < len(columns) else \
                sorted(c for c in columns if ref.c1 <= c <= ref.c2)
            inside: list[int] = []
            for c in cols:
                if c in columns:
                    rows, nodes, tag = columns[c]
                    graph.cover(nodes, tag, bisect_left(rows, ref.r1),
                                bisect_right(rows, ref.r2), inside)
            covering = [k for area, k in arrays.get(key, ()) if area.r1 <= ref.r2 and
                        ref.r1 <= area.r2 and area.c1 <= ref.c2 and ref.c1 <= area.c2]
            edges.extend(inside)
            edges.extend(covering)
            groups.append((inside, covering))
    return _components(graph), graph


def _components(graph: Inputs) -> list[Formula]:
    """The formulas with each after what it reads, every cell of a cycle marked.

    Tarjan's strongly connected components, iterative (a ring of 5,000 cells or a chain
    of 20,000 passes no recursion limit) and linear in the nodes and their edges: a
    component comes out after every component it reads, and a component of more than
    one node (segments are a tree: a cycle holds a formula), or a cell that reads
    itself, is a circular reference on every formula of it.
    """
    formulas, edges = graph.formulas, graph.edges
    n, total = len(formulas), len(edges)
    ordered: list[Formula] = []
    index = [-1] * total
    low = [0] * total
    on_stack = [False] * total
    stack: list[int] = []
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work: list[tuple[int, int]] = [(root, 0)]
        while work:
            v, i = work[-1]
            children = edges[v]
            if i < len(children):
                work[-1] = (v, i + 1)
                w = children[i]
                if index[w] < 0:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[v] < low[parent]:
                    low[parent] = low[v]
            if low[v] != index[v]:
                continue
            component: list[int] = []
            while True:
                w = stack.pop()
                on_stack[w] = False
                component.append(w)
                if w == v:
                    break
            cells = [formulas[w] for w in reversed(component) if w < n]
            if len(component) > 1 or v in children:
                for g in cells:  # itself included: Excel's circular reference
                    g.problem = g.problem or CIRCULAR
            ordered.extend(cells)
    return ordered
