"""Excel's value model: coercions, comparison, arithmetic, and broadcasting over grids.

Conversions follow Excel's rules (blank is 0 in arithmetic, TRUE is 1, numeric text is a
number, anything else ``#VALUE!``); an error value met on the way travels up as
:class:`Raised`; arithmetic on ranges works element by element, a 1 x 1, 1 x n or
n x 1 side repeating (:func:`map2`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from .cells import DIV0, EPOCH, NA, NUM, VALUE, Grid, XlError

__all__ = ["OPERATORS", "Raised", "caught", "checked", "map1", "map2", "power", "rank",
           "scalar", "to_number"]


class Raised(Exception):
    """An error value travelling up to the formula (or to IFERROR)."""

    def __init__(self, error: XlError) -> None:
        super().__init__(error.code)
        self.error = error


def scalar(value: Any) -> Any:
    """A single value: the top-left cell of a grid (errors raised)."""
    if isinstance(value, Grid):
        value = value.rows[0][0] if value.rows and value.rows[0] else None
    if isinstance(value, XlError):
        raise Raised(value)
    return value


def to_number(value: Any) -> float:
    """Excel's conversion for arithmetic: blank 0, TRUE 1, numeric text, else #VALUE!."""
    value = scalar(value)
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return (value - EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - EPOCH.date()).days)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise Raised(VALUE) from None
    raise Raised(VALUE)


def _text(value: Any) -> str:
    value = scalar(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else \
            format(value, ".15g")
    return str(value)


def checked(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise Raised(NUM)
    return value


def _divide(a: Any, b: Any) -> float:
    den = to_number(b)
    num = to_number(a)
    if den == 0:
        raise Raised(DIV0)
    return num / den


def power(a: Any, b: Any) -> float:
    base, exponent = to_number(a), to_number(b)
    if base == 0 and exponent <= 0:
        raise Raised(DIV0 if exponent < 0 else NUM)
    try:
        result = base ** exponent
    except OverflowError:
        raise Raised(NUM) from None
    if isinstance(result, complex):
        raise Raised(NUM)
    return checked(result)


def rank(value: Any) -> tuple[int, Any]:
    value = scalar(value)
    if value is None:
        return (0, 0.0)
    if isinstance(value, bool):
        return (3, value)
    if isinstance(value, str):
        return (2, value.lower())
    return (1, to_number(value))


def _compare(op: str) -> Callable[[Any, Any], bool]:
    def run(a: Any, b: Any) -> bool:
        left, right = rank(a), rank(b)
        if left[0] == 0:  # blank compares as 0, "" or FALSE, whatever the other side is
            left = (right[0], {1: 0.0, 2: "", 3: False}.get(right[0], 0.0))
        if right[0] == 0:
            right = (left[0], {1: 0.0, 2: "", 3: False}.get(left[0], 0.0))
        return {"=": left == right, "<>": left != right, "<": left < right,
                ">": left > right, "<=": left <= right, ">=": left >= right}[op]
    return run


OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: checked(to_number(a) + to_number(b)),
    "-": lambda a, b: checked(to_number(a) - to_number(b)),
    "*": lambda a, b: checked(to_number(a) * to_number(b)),
    "/": _divide, "^": power, "&": lambda a, b: _text(a) + _text(b),
    **{op: _compare(op) for op in ("=", "<>", "<", ">", "<=", ">=")},
}


def caught(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except Raised as raised:
        return raised.error


def map1(fn: Callable[[Any], Any], value: Any) -> Any:
    if isinstance(value, Grid) and value.shape != (1, 1):
        return Grid([[caught(fn, v) for v in row] for row in value.rows])
    return fn(value)


def map2(fn: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    """Element by element, Excel's broadcasting: a 1 x 1, 1 x n or n x 1 side repeats."""
    if not isinstance(a, Grid) and not isinstance(b, Grid):
        return fn(a, b)
    if (not isinstance(a, Grid) or a.shape == (1, 1)) and (
            not isinstance(b, Grid) or b.shape == (1, 1)):
        return fn(a, b)  # one cell with one cell: a single value, as Excel gives
    ga = a if isinstance(a, Grid) else Grid([[a]])
    gb = b if isinstance(b, Grid) else Grid([[b]])
    (ra, ca), (rb, cb) = ga.shape, gb.shape
    rows, cols = max(ra, rb), max(ca, cb)

    def at(g: Grid, r: int, c: int, i: int, j: int) -> Any:
        i = 0 if r == 1 else i
        j = 0 if c == 1 else j
        return g.rows[i][j] if i < r and j < c else NA

    return Grid([[caught(fn, at(ga, ra, ca, i, j), at(gb, rb, cb, i, j))
                  for j in range(cols)] for i in range(rows)])
