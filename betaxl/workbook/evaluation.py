"""Evaluating a parsed formula against the workbook that holds it.

:func:`evaluate` computes a tree against a :class:`Context` that the workbook engine
provides (cell values, defined names, the betaxl functions): operators through the
value model (:mod:`.values`), functions through the betaxl functions or the natives of
:data:`.natives.NATIVES`.  IF, IFERROR, IFNA and CHOOSE are evaluated here, lazily: they
choose which of their arguments to evaluate, so they need the evaluator itself.

Errors are values: every operator and function gives an error it meets back as its
value (so ``ISERROR(1/0)`` sees ``#DIV/0!``), the left-most one first.

Implicit intersection: in a plain formula (``ctx.implicit``: not an array or a
dynamic-array formula, as Excel before dynamic arrays evaluated every stored plain
formula), a range where one value is expected (an operand, a function argument of a
single value, the result) is the cell of the range in the formula's row (a one-column
range) or column (a one-row range), ``#VALUE!`` when there is none.  Arguments that take
ranges (SUM's, MATCH's lookup range ...) keep them; the array parameters of Excel's
function table (SUMPRODUCT's, SLOPE's, CORREL's ..., INDEX's first) evaluate their
expressions as arrays.  The class is the argument's, not
the caller's: IFERROR's and IFNA's arguments are values, so ``SUM(IFERROR(A1:A3,0))``
in row 7 intersects A1:A3 (``#VALUE!``, so 0); IF's second and third arguments may be
references (``SUM(IF(TRUE,A1:A3))`` sums the range), its condition is a value; so are
CHOOSE's values and its index number.

Excel's near-zero rule (:func:`.values.near_zero`) applies to a formula whose last
operation is + or - (not to one in parentheses: the parser keeps those as "paren").
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Protocol

from .cells import MAX_ARRAY, NA, VALUE, Grid, Ref, Unsupported, XlError
from .formula import Node
from .natives import NATIVES, RANGE_ARGUMENTS
from .values import (
    OPERATORS,
    Raised,
    caught,
    checked,
    logical_of_text,
    map1,
    map2,
    near_zero,
    scalar,
    to_number,
)

__all__ = ["Context", "evaluate"]

Mode = str  # "value" (one value wanted), "range" (a range argument), "array"


class Context(Protocol):
    """What a formula needs from its workbook."""

    sheet: str
    row: int
    col: int

    def grid(self, ref: Ref) -> Grid: ...

    def name(self, sheet: str | None, name: str) -> Any: ...

    def udf(self, name: str) -> Callable[..., Any] | None: ...


#: Natives whose arguments Excel evaluates as arrays even in a plain formula (None: all
#: of them): the parameters of class "VA" or "RA" (converted to an array) in Excel's
#: function table, as LibreOffice's copy of it lists them (sc/source/filter/excel/
#: xlformula.cxx, saFuncTable_4 and saFuncTable_2010; the "ForceArray" marks of
#: sc/source/core/tool/parclass.cxx agree). The other natives' parameters are "RX"
#: (SUM, COUNT, STDEV ...: a range kept, an expression intersected), "VR" or "RO".
_ARRAY_ARGUMENTS: dict[str, frozenset[int] | None] = {
    **dict.fromkeys(("SUMPRODUCT", "SLOPE", "INTERCEPT", "RSQ", "CORREL", "PEARSON",
                     "STEYX", "COVAR", "COVARIANCE.S", "COVARIANCE.P"), None),
    "INDEX": frozenset({0}),
}


#: Aggregates whose empty argument is the number 0 (LibreOffice, as the issue's Excel
#: run: COUNT(B1,,B2) 3, MAX(-1,) 0, AVERAGE(2,) 1, PRODUCT(2,) 0, AND(TRUE,) FALSE).
_EMPTY_IS_ZERO = frozenset(("SUM", "AVERAGE", "MIN", "MAX", "PRODUCT", "COUNT", "COUNTA",
                            "STDEV.S", "STDEV", "STDEV.P", "STDEVP", "VAR.S", "VAR",
                            "VAR.P", "VARP", "AND", "OR"))


#: Stored functions that are not functions to the user: the refusal says what they are.
_NOT_NATIVE = {"ANCHORARRAY": "a spilled range reference (A1#, stored _xlfn.ANCHORARRAY)"}


def evaluate(node: Node, ctx: Context, mode: Mode = "value") -> Any:
    """The value of a tree: a scalar, :class:`XlError` or :class:`Grid`.

    ``mode`` "value" for a cell's formula; "range" for a defined name's (a range it
    names is intersected, or not, where the name is used).
    """
    if mode == "value" and node.kind == "op" and node.value in ("+", "-"):
        return caught(_last_sum, node, ctx)
    return caught(_eval, node, ctx, mode)


def _last_sum(node: Node, ctx: Context) -> Any:
    """A formula's last + or -, with Excel's near-zero rule on a single result."""
    left, right = _eval(node.args[0], ctx), _eval(node.args[1], ctx)
    result = map2(OPERATORS[node.value], left, right)
    if any(isinstance(v, Grid) and v.shape != (1, 1) for v in (left, right)):
        return result  # an array formula's array: the rule is not documented there
    return near_zero(result, left, right, node.value)


def _eval(node: Node, ctx: Context, mode: Mode = "value") -> Any:
    kind = node.kind
    if kind in ("num", "str", "bool", "err"):
        return node.value
    if kind == "missing":
        return None
    if kind == "paren":
        return _eval(node.args[0], ctx, mode)
    implicit = getattr(ctx, "implicit", False) and mode == "value"
    inner: Mode = "array" if mode == "array" else "value"
    if kind == "ref":
        ref: Ref = node.value
        ref = ref if ref.sheet else Ref(ctx.sheet, ref.r1, ref.c1, ref.r2, ref.c2)
        grid = ctx.grid(ref)
        return _intersect(ref, grid, ctx) if implicit else grid
    if kind == "name":
        value = ctx.name(*node.value)
        if implicit and isinstance(value, Grid) and value.shape != (1, 1):
            if value.ref is None:  # a name for a computed array, not a range
                raise Unsupported(f"the implicit intersection of the name {node.value[1]}")
            return _intersect(value.ref, value, ctx)
        return value
    if kind == "neg":
        return caught(map1, lambda v: -to_number(v), _eval(node.args[0], ctx, inner))
    if kind == "pct":
        return caught(map1, lambda v: to_number(v) / 100, _eval(node.args[0], ctx, inner))
    if kind == "op":
        left, right = _eval(node.args[0], ctx, inner), _eval(node.args[1], ctx, inner)
        return caught(map2, OPERATORS[node.value], left, right)
    if kind == "array":
        width = node.value
        items = [scalar_or_error(_eval(n, ctx, inner)) for n in node.args]
        return Grid([items[i:i + width] for i in range(0, len(items), width)])
    if kind == "func":
        return _call(node, ctx, mode, implicit)
    raise Unsupported(kind)


def scalar_or_error(value: Any) -> Any:
    return caught(scalar, value)


#: Aggregates that read a range's cells in any order: a sparse block is given to them as
#: its cells that hold something (``SUM(D!A:XFD)`` over 3,000 cells at column XFD costs
#: those cells, not their rows times 16,384), in the sheet's row-major order.
_ANY_ORDER = frozenset(("SUM", "AVERAGE", "MIN", "MAX", "PRODUCT", "COUNT", "COUNTA"))


def _packed(node: Node, ctx: Context, packed: Callable[[Ref], Grid | None]) -> Any:
    ref: Ref = node.value
    ref = ref if ref.sheet else Ref(ctx.sheet, ref.r1, ref.c1, ref.r2, ref.c2)
    found = packed(ref)
    return ctx.grid(ref) if found is None else found


def _call(node: Node, ctx: Context, mode: Mode, implicit: bool) -> Any:
    name = node.value
    if name in _LAZY:
        return caught(_LAZY[name], node.args, ctx, mode)
    udf = ctx.udf(name)
    if udf is not None:
        arg_mode: Mode = "array" if mode == "array" else "range"
        return caught(udf, *[_eval(a, ctx, arg_mode) for a in node.args])
    native = NATIVES.get(name)
    if native is None:
        raise Unsupported(_NOT_NATIVE.get(name, f"the function {name}"))
    ranged = RANGE_ARGUMENTS.get(name, frozenset())
    arrays = _ARRAY_ARGUMENTS.get(name, frozenset())

    def mode_of(i: int) -> Mode:
        if mode == "array" or arrays is None or i in arrays:
            return "array"
        return "range" if ranged is None or i in ranged else "value"

    packed = getattr(ctx, "cells_of", None) if name in _ANY_ORDER and mode != "array" \
        else None
    args = [_packed(a, ctx, packed) if packed is not None and a.kind == "ref" else
            _eval(a, ctx, mode_of(i)) for i, a in enumerate(node.args)]
    if name in _EMPTY_IS_ZERO:  # COUNT(B1,,B2) counts the empty argument: the number 0
        args = [0.0 if a.kind == "missing" else v for a, v in zip(node.args, args,
                                                                   strict=True)]
    try:
        inspect.signature(native).bind(*args)
    except TypeError:
        raise Unsupported(f"{name} takes other arguments than {len(args)}") from None
    def one_value(i: int) -> bool:  # a parameter of one value (not a range or array)
        return ranged is not None and i not in ranged and arrays is not None and \
            i not in arrays

    lift = [i for i, a in enumerate(args) if one_value(i) and isinstance(a, Grid) and
            a.shape != (1, 1)] if not implicit and not getattr(
                native, "elementwise", False) else []
    if lift:  # an array where one value is taken: the function for each of its values
        return _lifted(native, args, lift)
    memo = getattr(ctx, "memo", None)  # the engine computes a call over the same ranges once
    result = caught(native, *args) if memo is None else memo(name, args, native)
    if isinstance(result, float):
        result = caught(checked, result)
    if implicit and name == "INDEX" and isinstance(result, Grid) and result.shape != (1, 1):
        if result.ref is None:
            raise Unsupported("the implicit intersection of an array INDEX gives")
        return _intersect(result.ref, result, ctx)  # a row or column of a range
    return result


def _lifted(native: Callable[..., Any], args: list[Any], lift: list[int]) -> Grid:
    """Excel's rule for an array given to a parameter of one value in an array formula:
    the function is computed for each element (arrays of one row or column repeat, as
    the operators broadcast; beyond a shorter array, #N/A), one value each."""
    shapes = [args[i].shape for i in lift]
    rows, cols = max(r for r, _ in shapes), max(c for _, c in shapes)
    if rows * cols > MAX_ARRAY:
        raise Unsupported(f"an array of {rows * cols:,} calls (more than {MAX_ARRAY:,})")

    def element(i: int, j: int) -> Any:
        call = list(args)
        for k in lift:
            (r, c), grid = args[k].shape, args[k]
            if (r != 1 and i >= r) or (c != 1 and j >= c):
                return NA
            call[k] = grid.at(0 if r == 1 else i, 0 if c == 1 else j)
        value = caught(native, *call)
        return caught(scalar, value) if isinstance(value, Grid) else value

    return Grid([[element(i, j) for j in range(cols)] for i in range(rows)])


def _intersect(ref: Ref, grid: Grid, ctx: Context) -> Any:
    """The cell of ``ref`` in the formula's row (a column), its column (a row), or both (a
    block); ``#VALUE!`` if there is none."""
    tall, wide = ref.r2 > ref.r1, ref.c2 > ref.c1
    if not tall and not wide:
        return grid.rows[0][0] if grid.rows and grid.rows[0] else None
    if tall and not wide and ref.r1 <= ctx.row <= ref.r2:
        i = ctx.row - ref.r1
        return grid.rows[i][0] if i < len(grid.rows) and grid.rows[i] else None
    if wide and not tall and ref.c1 <= ctx.col <= ref.c2:
        j = ctx.col - ref.c1
        row = grid.rows[0] if grid.rows else []
        return row[j] if j < len(row) else None
    if tall and wide and ref.r1 <= ctx.row <= ref.r2 and ref.c1 <= ctx.col <= ref.c2:
        i, j = ctx.row - ref.r1, ctx.col - ref.c1  # both the row and the column
        row = grid.rows[i] if i < len(grid.rows) else []
        return row[j] if j < len(row) else None
    return VALUE


def _if(args: tuple[Node, ...], ctx: Context, mode: Mode) -> Any:
    if not 1 < len(args) <= 3:
        raise Raised(VALUE)
    test = _eval(args[0], ctx, "array" if mode == "array" else "value")
    if isinstance(test, Grid) and test.shape != (1, 1):
        raise Unsupported("IF over an array")
    value = scalar(test)
    if isinstance(value, str):  # "TRUE" and "FALSE" are logical values, other text not
        chosen = logical_of_text(value)
    else:
        chosen = bool(to_number(value)) if value is not None else False
    if chosen:
        return _eval(args[1], ctx, mode) if args[1].kind != "missing" else 0.0
    if len(args) < 3:
        return False
    return _eval(args[2], ctx, mode) if args[2].kind != "missing" else 0.0


def _iferror(args: tuple[Node, ...], ctx: Context, mode: Mode, only_na: bool = False
             ) -> Any:
    if len(args) != 2:
        raise Raised(VALUE)
    mode = "array" if mode == "array" else "value"  # both arguments are values
    value = caught(_eval, args[0], ctx, mode)
    fallbacks: list[Any] = []  # the second argument, evaluated once when needed

    def pick(v: Any, i: int = 0, j: int = 0) -> Any:
        if isinstance(v, XlError) and (not only_na or v == NA):
            if not fallbacks:
                fallbacks.append(_eval(args[1], ctx, mode))
            fallback = fallbacks[0]
            if not isinstance(value, Grid):
                return fallback
            if isinstance(fallback, Grid) and fallback.shape != (1, 1):  # element-wise
                r, c = fallback.shape
                if (r != 1 and i >= r) or (c != 1 and j >= c):
                    return NA
                return scalar(fallback.at(0 if r == 1 else i, 0 if c == 1 else j))
            return scalar(fallback)
        return v

    if isinstance(value, Grid):
        if value.size is not None and value.shape != (1, 1):  # sparse: the fill once
            fill = caught(pick, value.fill)
            fb = fallbacks[0] if fallbacks else None
            if not (isinstance(fb, Grid) and fb.shape != (1, 1)):  # else: cell by cell
                return Grid([[caught(pick, v, i, j) for j, v in enumerate(row)]
                             for i, row in enumerate(value.rows)], value.size, fill=fill)
        return Grid([[caught(pick, v, i, j) for j, v in enumerate(row)]
                     for i, row in enumerate(value.dense().rows)])
    return pick(value)


def _choose(args: tuple[Node, ...], ctx: Context, mode: Mode) -> Any:
    """CHOOSE: the index_num-th value (truncated; #VALUE! outside 1..n, Microsoft's
    CHOOSE reference); the values may be references, as IF's branches."""
    if len(args) < 2:
        raise Raised(VALUE)
    index = _eval(args[0], ctx, "array" if mode == "array" else "value")
    if isinstance(index, Grid) and index.shape != (1, 1):
        raise Unsupported("CHOOSE over an array of index numbers")
    number = to_number(index)
    if not 1 <= number < len(args):
        raise Raised(VALUE)
    chosen = args[int(number)]
    return _eval(chosen, ctx, mode) if chosen.kind != "missing" else 0.0


def _single(args: tuple[Node, ...], ctx: Context, mode: Mode) -> Any:
    """The @ operator (stored ``_xlfn.SINGLE``): Microsoft, "Implicit intersection
    operator: @": a range gives the cell on the formula's row or column (#VALUE! if
    none), an array its top-left value, a single value itself."""
    if len(args) != 1:
        raise Raised(VALUE)
    value = _eval(args[0], ctx, "range")
    if not isinstance(value, Grid) or value.shape == (1, 1):
        return value.at(0, 0) if isinstance(value, Grid) else value
    if value.ref is not None:
        return _intersect(value.ref, value, ctx)
    return value.at(0, 0)


_LAZY: dict[str, Callable[[tuple[Node, ...], Context, Mode], Any]] = {
    "SINGLE": _single,
    "IF": _if, "IFERROR": _iferror, "CHOOSE": _choose,
    "IFNA": lambda a, c, m: _iferror(a, c, m, only_na=True),
}
