"""The native function library: the Excel functions the engine evaluates itself.

Natives follow Excel's documented rules: ranges skip text, logical values and blanks
(SUM, AVERAGE, STDEV.S ...), the paired statistics (SLOPE, RSQ, CORREL ...) use the pairs
where both cells are numbers, and an error anywhere in an argument is the result.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

from .cells import DIV0, NA, NUM, REF, VALUE, Grid, XlError
from .values import Raised, checked, power, rank, scalar, to_number

__all__ = ["NATIVES"]


def _numbers(args: Sequence[Any]) -> list[float]:
    """Numbers of the arguments, Excel's way: ranges skip text, logicals and blanks."""
    out: list[float] = []
    for arg in args:
        if isinstance(arg, Grid):
            for v in arg.cells():
                if isinstance(v, XlError):
                    raise Raised(v)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    out.append(float(v))
                elif isinstance(v, (dt.date, dt.datetime)):
                    out.append(to_number(v))
        elif arg is not None:
            out.append(to_number(arg))
    return out


def _pairs(ys: Any, xs: Any) -> tuple[list[float], list[float]]:
    """The pairs where both cells are numbers (SLOPE, RSQ, CORREL, COVARIANCE ...)."""
    gy = ys if isinstance(ys, Grid) else Grid([[ys]])
    gx = xs if isinstance(xs, Grid) else Grid([[xs]])
    ylist, xlist = list(gy.cells()), list(gx.cells())
    if len(ylist) != len(xlist):
        raise Raised(NA)
    out_y, out_x = [], []
    for y, x in zip(ylist, xlist, strict=False):
        for v in (y, x):
            if isinstance(v, XlError):
                raise Raised(v)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (y, x)):
            out_y.append(float(y))
            out_x.append(float(x))
    return out_y, out_x


def _moments(ys: Any, xs: Any) -> tuple[int, float, float, float, float, float]:
    y, x = _pairs(ys, xs)
    n = len(y)
    if n == 0:
        raise Raised(DIV0)
    my, mx = math.fsum(y) / n, math.fsum(x) / n
    sxx = math.fsum((v - mx) ** 2 for v in x)
    syy = math.fsum((v - my) ** 2 for v in y)
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(x, y, strict=False))
    return n, my, mx, sxx, syy, sxy


def _slope(ys: Any, xs: Any) -> float:
    n, my, mx, sxx, syy, sxy = _moments(ys, xs)
    if sxx == 0:
        raise Raised(DIV0)
    return sxy / sxx


def _intercept(ys: Any, xs: Any) -> float:
    n, my, mx, sxx, syy, sxy = _moments(ys, xs)
    if sxx == 0:
        raise Raised(DIV0)
    return my - sxy / sxx * mx


def _correl(ys: Any, xs: Any) -> float:
    n, my, mx, sxx, syy, sxy = _moments(ys, xs)
    if sxx == 0 or syy == 0:
        raise Raised(DIV0)
    return sxy / math.sqrt(sxx * syy)


def _steyx(ys: Any, xs: Any) -> float:
    n, my, mx, sxx, syy, sxy = _moments(ys, xs)
    if n < 3 or sxx == 0:
        raise Raised(DIV0)
    return math.sqrt(max(syy - sxy * sxy / sxx, 0.0) / (n - 2))


def _covariance(ddof: int) -> Callable[[Any, Any], float]:
    def run(a: Any, b: Any) -> float:
        n, my, mx, sxx, syy, sxy = _moments(a, b)
        if n - ddof <= 0:
            raise Raised(DIV0)
        return sxy / (n - ddof)
    return run


def _variance(ddof: int) -> Callable[..., float]:
    def run(*args: Any) -> float:
        values = _numbers(args)
        n = len(values)
        if n - ddof <= 0:
            raise Raised(DIV0)
        mean = math.fsum(values) / n
        return math.fsum((v - mean) ** 2 for v in values) / (n - ddof)
    return run


def _average(*args: Any) -> float:
    values = _numbers(args)
    if not values:
        raise Raised(DIV0)
    return math.fsum(values) / len(values)


def _sumproduct(*args: Any) -> float:
    grids = [a if isinstance(a, Grid) else Grid([[a]]) for a in args]
    if not grids or len({g.shape for g in grids}) != 1:
        raise Raised(VALUE)
    total = []
    for cells in zip(*(list(g.cells()) for g in grids), strict=False):
        product = 1.0
        for v in cells:
            if isinstance(v, XlError):
                raise Raised(v)
            product *= float(v) if isinstance(v, (int, float)) and not isinstance(
                v, bool) else 0.0
        total.append(product)
    return math.fsum(total)


def _ln(value: Any) -> float:
    x = to_number(value)
    if x <= 0:
        raise Raised(NUM)
    return math.log(x)


def _exp(value: Any) -> float:
    try:
        return math.exp(to_number(value))
    except OverflowError:
        raise Raised(NUM) from None


def _sqrt(value: Any) -> float:
    x = to_number(value)
    if x < 0:
        raise Raised(NUM)
    return math.sqrt(x)


def _index(array: Any, row: Any = None, col: Any = None) -> Any:
    grid = array if isinstance(array, Grid) else Grid([[array]])
    rows, cols = grid.shape
    r = int(to_number(row)) if row is not None else 0
    c = int(to_number(col)) if col is not None else 0
    if rows == 1 and col is None:  # INDEX(row_vector, n) picks the n-th column
        r, c = 1, r
    if r < 0 or c < 0 or r > rows or c > cols:
        raise Raised(REF)
    if r and c:
        return grid.rows[r - 1][c - 1]
    if r:
        return Grid([grid.rows[r - 1][:]])
    if c:
        return Grid([[line[c - 1]] for line in grid.rows])
    return grid


def _match(value: Any, array: Any, kind: Any = 1.0) -> float:
    target = scalar(value)
    cells = list(array.cells()) if isinstance(array, Grid) else [array]
    mode = int(to_number(kind)) if kind is not None else 1
    if mode == 0:
        for i, v in enumerate(cells):
            if v is not None and not isinstance(v, XlError) and rank(v) == rank(target):
                return float(i + 1)
        raise Raised(NA)
    found = None
    for i, v in enumerate(cells):  # binary search in Excel; a sorted range gives the same
        if v is None or isinstance(v, XlError) or rank(v)[0] != rank(target)[0]:
            continue
        if (mode > 0 and rank(v) <= rank(target)) or (mode < 0 and rank(v) >= rank(target)):
            found = i
        else:
            break
    if found is None:
        raise Raised(NA)
    return float(found + 1)


def _round(value: Any, digits: Any = 0.0) -> float:
    x, d = to_number(value), int(to_number(digits))
    scale = 10.0 ** d
    return math.copysign(math.floor(abs(x) * scale + 0.5) / scale, x)


def _flags(args: Sequence[Any]) -> list[bool]:
    out = []
    for arg in args:
        for v in (arg.cells() if isinstance(arg, Grid) else [arg]):
            if isinstance(v, XlError):
                raise Raised(v)
            if isinstance(v, (bool, int, float)):
                out.append(bool(v))
    if not out:
        raise Raised(VALUE)
    return out


def _count(*args: Any) -> float:
    n = 0
    for arg in args:
        for v in (arg.cells() if isinstance(arg, Grid) else [arg]):
            if isinstance(v, (int, float, dt.date)) and not isinstance(v, bool):
                n += 1
    return float(n)


def _counta(*args: Any) -> float:
    return float(sum(1 for arg in args for v in (
        arg.cells() if isinstance(arg, Grid) else [arg]) if v is not None and v != ""))


def _extreme(pick: Callable[[list[float]], float]) -> Callable[..., float]:
    def run(*args: Any) -> float:
        values = _numbers(args)
        return pick(values) if values else 0.0
    return run


def _product(*args: Any) -> float:
    return checked(math.prod(_numbers(args))) if _numbers(args) else 0.0


def _is(test: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def run(value: Any) -> bool:
        if isinstance(value, Grid):
            value = value.rows[0][0]
        return test(value)
    return run


def _log(value: Any, base: Any = 10.0) -> float:
    x, b = to_number(value), to_number(base)
    if x <= 0 or b <= 0 or b == 1:
        raise Raised(NUM if b != 1 else DIV0)
    return math.log(x) / math.log(b)


#: The native functions evaluated here, by their Excel name.
NATIVES: dict[str, Callable[..., Any]] = {
    "SUM": lambda *a: checked(math.fsum(_numbers(a))),
    "AVERAGE": _average,
    "SUMPRODUCT": _sumproduct,
    "SLOPE": _slope, "INTERCEPT": _intercept,
    "RSQ": lambda y, x: _correl(y, x) ** 2, "CORREL": _correl, "PEARSON": _correl,
    "STEYX": _steyx,
    "STDEV.S": lambda *a: math.sqrt(_variance(1)(*a)), "STDEV": lambda *a: math.sqrt(
        _variance(1)(*a)),
    "STDEV.P": lambda *a: math.sqrt(_variance(0)(*a)), "STDEVP": lambda *a: math.sqrt(
        _variance(0)(*a)),
    "VAR.S": _variance(1), "VAR": _variance(1), "VAR.P": _variance(0), "VARP": _variance(0),
    "COVARIANCE.S": _covariance(1), "COVARIANCE.P": _covariance(0), "COVAR": _covariance(0),
    "LN": _ln, "EXP": _exp, "SQRT": _sqrt, "ABS": lambda v: abs(to_number(v)),
    "LOG": _log, "LOG10": lambda v: _log(v, 10.0),
    "POWER": power, "ROUND": _round,
    "MIN": _extreme(min), "MAX": _extreme(max), "PRODUCT": _product,
    "COUNT": _count, "COUNTA": _counta,
    "INDEX": _index, "MATCH": _match,
    "AND": lambda *a: all(_flags(a)), "OR": lambda *a: any(_flags(a)),
    "NOT": lambda v: not bool(to_number(v)),
    "NA": lambda: NA, "TRUE": lambda: True, "FALSE": lambda: False,
    "ISBLANK": _is(lambda v: v is None), "ISERROR": _is(lambda v: isinstance(v, XlError)),
    "ISNA": _is(lambda v: v == NA),
    "ISNUMBER": _is(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
    "ISTEXT": _is(lambda v: isinstance(v, str)),
    "ROWS": lambda g: float(g.shape[0] if isinstance(g, Grid) else 1),
    "COLUMNS": lambda g: float(g.shape[1] if isinstance(g, Grid) else 1),
}
