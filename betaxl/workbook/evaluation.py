"""Evaluating a parsed formula against the workbook that holds it.

:func:`evaluate` computes a tree against a :class:`Context` that the workbook engine
provides (cell values, defined names, the betaxl functions): operators through the
value model (:mod:`.values`), functions through the betaxl functions or the natives of
:data:`.natives.NATIVES`.  IF, IFERROR and IFNA are evaluated here, lazily: they choose
which of their arguments to evaluate, so they need the evaluator itself.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Protocol

from .cells import NA, VALUE, Grid, Ref, XlError
from .formula import Node, Unsupported
from .natives import NATIVES
from .values import OPERATORS, Raised, caught, map1, map2, scalar, to_number

__all__ = ["Context", "evaluate"]


class Context(Protocol):
    """What a formula needs from its workbook."""

    sheet: str
    row: int
    col: int

    def grid(self, ref: Ref) -> Grid: ...

    def name(self, sheet: str | None, name: str) -> Any: ...

    def udf(self, name: str) -> Callable[..., Any] | None: ...


def evaluate(node: Node, ctx: Context) -> Any:
    """The value of a tree: a scalar, :class:`XlError` or :class:`Grid`."""
    try:
        return _eval(node, ctx)
    except Raised as raised:
        return raised.error


def _eval(node: Node, ctx: Context) -> Any:
    kind = node.kind
    if kind in ("num", "str", "bool", "err"):
        return node.value
    if kind == "missing":
        return None
    if kind == "ref":
        ref: Ref = node.value
        return ctx.grid(ref if ref.sheet else Ref(ctx.sheet, ref.r1, ref.c1, ref.r2, ref.c2))
    if kind == "name":
        return ctx.name(*node.value)
    if kind == "neg":
        return map1(lambda v: -to_number(v), _eval(node.args[0], ctx))
    if kind == "pct":
        return map1(lambda v: to_number(v) / 100, _eval(node.args[0], ctx))
    if kind == "op":
        left, right = _eval(node.args[0], ctx), _eval(node.args[1], ctx)
        return map2(OPERATORS[node.value], left, right)
    if kind == "array":
        width = node.value
        items = [_eval(n, ctx) for n in node.args]
        return Grid([items[i:i + width] for i in range(0, len(items), width)])
    if kind == "func":
        name = node.value
        if name in _LAZY:
            return _LAZY[name](node.args, ctx)
        udf = ctx.udf(name)
        if udf is not None:
            return udf(*[_eval(a, ctx) for a in node.args])
        native = NATIVES.get(name)
        if native is None:
            raise Unsupported(f"the function {name}")
        args = [_eval(a, ctx) for a in node.args]
        try:
            inspect.signature(native).bind(*args)
        except TypeError:
            raise Unsupported(f"{name} takes other arguments than {len(args)}") from None
        return native(*args)
    raise Unsupported(kind)


def _if(args: tuple[Node, ...], ctx: Context) -> Any:
    if not 1 < len(args) <= 3:
        raise Raised(VALUE)
    test = _eval(args[0], ctx)
    if isinstance(test, Grid):
        raise Unsupported("IF over an array")
    value = scalar(test)
    if isinstance(value, str):
        raise Raised(VALUE)
    chosen = bool(to_number(value)) if value is not None else False
    if chosen:
        return _eval(args[1], ctx) if args[1].kind != "missing" else 0.0
    if len(args) < 3:
        return False
    return _eval(args[2], ctx) if args[2].kind != "missing" else 0.0


def _iferror(args: tuple[Node, ...], ctx: Context, only_na: bool = False) -> Any:
    if len(args) != 2:
        raise Raised(VALUE)
    try:
        value = _eval(args[0], ctx)
    except Raised as raised:
        value = raised.error

    def pick(v: Any) -> Any:
        if isinstance(v, XlError) and (not only_na or v == NA):
            return scalar(_eval(args[1], ctx))
        return v

    if isinstance(value, Grid):
        return Grid([[caught(pick, v) for v in row] for row in value.rows])
    return pick(value)


_LAZY: dict[str, Callable[[tuple[Node, ...], Context], Any]] = {
    "IF": _if, "IFERROR": _iferror, "IFNA": lambda a, c: _iferror(a, c, only_na=True),
}
