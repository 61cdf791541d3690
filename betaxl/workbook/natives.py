"""The native function library: the Excel functions the engine evaluates itself.

Natives follow Excel's documented rules: ranges skip text, logical values and blanks
(SUM, AVERAGE, STDEV.S ...), the paired statistics (SLOPE, RSQ, CORREL ...) use the pairs
where both cells are numbers, and an error anywhere in an argument is the result.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from .cells import DIV0, MAX_ARRAY, MAX_CELLS, NA, NUM, REF, VALUE, Grid, Ref, Unsupported, XlError
from .values import (
    Raised,
    checked,
    excel_round,
    excel_sum,
    excel_sum_repeated,
    lifted,
    logical_of_text,
    number_of_text,
    power,
    rank,
    scalar,
    to_number,
)

__all__ = ["NATIVES", "RANGE_ARGUMENTS"]


def _raise_errors(errors: set[XlError]) -> None:
    """The error a function's ranges hold; two kinds: Excel's pick is not documented."""
    if len(errors) > 1:
        raise Unsupported("one function's ranges hold different errors (" +
                          ", ".join(sorted(e.code for e in errors)) + "): which one Excel "
                          "gives is not documented")
    if errors:
        raise Raised(errors.pop())


def _numbers(args: Sequence[Any], copies: str = "all") -> list[float]:
    """Numbers of the arguments, Excel's way: ranges skip text, logicals and blanks.

    A sparse range's cells beyond its data are its fill, counted without being listed
    where the function allows: ``copies`` "once" (MIN, MAX: a repeated number changes
    nothing), "nonzero" (SUM: adding 0 changes nothing); "all" lists them, refused (the
    cell listed) beyond :data:`.cells.MAX_ARRAY` cells.
    """
    out: list[float] = []
    errors: set[XlError] = set()
    for arg in args:
        if isinstance(arg, Grid):
            for row in arg.rows:
                for v in row:
                    if isinstance(v, float) or (isinstance(v, int) and not isinstance(v, bool)):
                        out.append(float(v))
                    elif isinstance(v, XlError):
                        errors.add(v)
            fill, rest = arg.fill, arg.rest if arg.fill is not None else 0  # beyond: fill
            if rest and (isinstance(fill, float) or (isinstance(fill, int) and
                                                     not isinstance(fill, bool))):
                if copies == "once" or (copies == "nonzero" and fill == 0):
                    rest = 1 if copies == "once" else 0
                elif rest > MAX_ARRAY:
                    raise Unsupported(f"{rest:,} copies of one number in a function's "
                                      f"range (more than {MAX_ARRAY:,} added one by one)")
                out.extend([float(fill)] * rest)
            elif rest and isinstance(fill, XlError):
                errors.add(fill)
        elif arg is not None:
            if isinstance(arg, XlError) and not errors:
                raise Raised(arg)  # a typed argument's error, left to right
            if isinstance(arg, XlError):
                errors.add(arg)
            else:
                out.append(to_number(arg))
    _raise_errors(errors)
    return out


def _pairs(ys: Any, xs: Any) -> tuple[list[float], list[float]]:
    """The pairs where both cells are numbers (SLOPE, RSQ, CORREL, COVARIANCE ...)."""
    gy = ys if isinstance(ys, Grid) else Grid([[ys]])
    gx = xs if isinstance(xs, Grid) else Grid([[xs]])
    if gy.shape[0] * gy.shape[1] != gx.shape[0] * gx.shape[1]:
        raise Raised(NA)
    ylist, xlist = gy.flat(), gx.flat()  # beyond the longer one: blank, no pair
    n = max(len(ylist), len(xlist))
    ylist += [None] * (n - len(ylist))
    xlist += [None] * (n - len(xlist))
    out_y, out_x = [], []
    errors = {v for v in ylist + xlist if isinstance(v, XlError)}
    for y, x in zip(ylist, xlist, strict=True):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (y, x)):
            out_y.append(float(y))
            out_x.append(float(x))
    if not out_y:  # Microsoft's references say #N/A for "empty"; LibreOffice #VALUE!
        raise Unsupported("a paired statistic over ranges with no pair of numbers")
    _raise_errors(errors)
    return out_y, out_x


def _moments(ys: Any, xs: Any, yy: bool = True) -> tuple[float, ...]:
    """Count, means, sums of squares and cross products; ``yy=False`` skips y's squares
    (NaN), which SLOPE, INTERCEPT and COVAR never use (y near 1E+155 overflows them)."""
    y, x = _pairs(ys, xs)
    n = len(y)
    my, mx = math.fsum(y) / n, math.fsum(x) / n
    sxx = math.fsum((v - mx) ** 2 for v in x)
    syy = math.fsum((v - my) ** 2 for v in y) if yy else math.nan
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(x, y, strict=False))
    return n, my, mx, sxx, syy, sxy


def _slope(ys: Any, xs: Any) -> float:
    n, my, mx, sxx, syy, sxy = _moments(ys, xs, yy=False)
    if sxx == 0:
        raise Raised(DIV0)
    return sxy / sxx


def _intercept(ys: Any, xs: Any) -> float:
    n, my, mx, sxx, syy, sxy = _moments(ys, xs, yy=False)
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
    return math.sqrt(max(syy - sxy / sxx * sxy, 0.0) / (n - 2))  # an exact fit: 0


def _covariance(ddof: int) -> Callable[[Any, Any], float]:
    def run(a: Any, b: Any) -> float:
        n, my, mx, sxx, syy, sxy = _moments(a, b, yy=False)
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
        mean = excel_sum(values) / n  # two passes (Microsoft KB 828888), sums as SUM's
        return excel_sum((v - mean) ** 2 for v in values) / (n - ddof)
    return run


def _average(*args: Any) -> float:
    values = _numbers(args)
    if not values:
        raise Raised(DIV0)
    return excel_sum(values) / len(values)


def _sumproduct(*args: Any) -> float:
    grids = [a if isinstance(a, Grid) else Grid([[a]]) for a in args]
    if not grids or len({g.shape for g in grids}) != 1:
        raise Raised(VALUE)
    rows, cols = grids[0].shape  # the cells held, then the rest: each grid's fill
    held = max(g.stored[0] for g in grids)
    flats = [[v for row in g.top(held, cols, MAX_CELLS) for v in row] for g in grids]
    rest = rows * cols - held * cols
    fills = [g.fill for g in grids] if rest else []
    _raise_errors({v for f in flats + [fills] for v in f if isinstance(v, XlError)})

    def product(cells: Sequence[Any]) -> float:
        out = 1.0
        for v in cells:
            out *= float(v) if isinstance(v, (int, float)) and not isinstance(
                v, bool) else 0.0
        return out

    total = [product(cells) for cells in zip(*flats, strict=True)]
    last = product(fills) if rest else 0.0
    held_sum = excel_sum(total)  # then the rest, row by row, as SUM adds
    if last and rest > MAX_ARRAY:
        raise Unsupported(f"{rest:,} copies of one product in SUMPRODUCT (more than "
                          f"{MAX_ARRAY:,} added one by one)")
    return excel_sum_repeated(last, rest, held_sum) if last else held_sum


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


def _index(array: Any, row: Any = None, col: Any = None, area: Any = None) -> Any:
    if area is not None and int(to_number(area)) != 1:  # one range: one area (#REF!)
        raise Raised(VALUE if to_number(area) < 1 else REF)
    grid = array if isinstance(array, Grid) else Grid([[array]])
    rows, cols = grid.shape
    r = int(to_number(row)) if row is not None else 0
    c = int(to_number(col)) if col is not None else 0
    if rows == 1 and col is None:  # INDEX(row_vector, n) picks the n-th column
        r, c = 1, r
    if r < 0 or c < 0:  # Microsoft's INDEX: a negative number is #VALUE!, beyond #REF!
        raise Raised(VALUE)
    if r > rows or c > cols:
        raise Raised(REF)
    if r and c:  # a cell of a range is a reference (SUM skips its text), of an array a value
        return Grid([[grid.at(r - 1, c - 1)]]) if grid.ref is not None else \
            grid.at(r - 1, c - 1)
    ref = grid.ref  # a row or a column of a range is a range (a plain formula
    if r:           # intersects it with its own row or column)
        return Grid([[grid.at(r - 1, j) for j in range(cols)]], None, None if ref is None
                    else Ref(ref.sheet, ref.r1 + r - 1, ref.c1, ref.r1 + r - 1, ref.c2))
    if c:
        return Grid([[line[c - 1] if c - 1 < len(line) else None] for line in grid.rows],
                    (rows, 1), None if ref is None else
                    Ref(ref.sheet, ref.r1, ref.c1 + c - 1, ref.r2, ref.c1 + c - 1))
    return grid


def _wildcard(pattern: str) -> re.Pattern[str]:
    """MATCH's pattern: ``*`` any run, ``?`` one character, ``~`` escapes, no case."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern) and pattern[i + 1] in "*?~":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _match(value: Any, array: Any, kind: Any = 1.0) -> float:
    target = scalar(value)
    if target is None:
        raise Raised(NA)
    if isinstance(array, XlError):  # an error for the lookup array is the answer
        raise Raised(array)
    if isinstance(array, Grid) and min(array.shape) > 1:
        raise Raised(NA)  # MATCH looks in one row or one column
    cells = array.flat() if isinstance(array, Grid) else [array]
    mode = int(to_number(kind)) if kind is not None else 1
    goal = rank(target)
    if mode == 0:
        pattern = _wildcard(target) if isinstance(target, str) else None
        for i, v in enumerate(cells):
            if v is None or isinstance(v, XlError):
                continue
            if pattern is not None:
                if isinstance(v, str) and pattern.fullmatch(v):
                    return float(i + 1)
            elif rank(v) == goal:
                return float(i + 1)
        raise Raised(NA)
    keys = [(i, rank(v)) for i, v in enumerate(cells)
            if v is not None and not isinstance(v, XlError) and rank(v)[0] == goal[0]]
    ordered = [k for _, k in keys]
    if ordered != sorted(ordered, reverse=mode < 0):
        raise Unsupported("MATCH's approximate match over an unsorted range (Excel's "
                          "binary search answers depend on its steps)")
    found = None
    for i, key in keys:
        if (mode > 0 and key <= goal) or (mode < 0 and key >= goal):
            found = i
        else:
            break
    if found is None:
        raise Raised(NA)
    return float(found + 1)


def _round(value: Any, digits: Any = 0.0) -> float:
    return excel_round(to_number(value), int(to_number(digits)))


def _flags(args: Sequence[Any]) -> list[bool]:
    """AND/OR: ranges give their numbers and logicals; a typed text must be TRUE/FALSE."""
    out = []
    for arg in args:
        if isinstance(arg, str):
            out.append(logical_of_text(arg))
            continue
        if isinstance(arg, XlError):
            raise Raised(arg)
        values = _held(arg) if isinstance(arg, Grid) else [arg]  # the fill once
        _raise_errors({v for v in values if isinstance(v, XlError)})
        out.extend(bool(v) for v in values if isinstance(v, (bool, int, float)))
    if not out:
        raise Raised(VALUE)
    return out


def _count(*args: Any) -> float:
    """Numbers in ranges; typed arguments also when logical or text that reads as one."""
    n = 0
    for arg in args:
        if isinstance(arg, Grid):
            held = _held(arg)
            n += sum(1 for v in held if isinstance(v, (int, float, dt.date))
                     and not isinstance(v, bool))
            fill = arg.fill  # the cells beyond the data: counted, not listed
            if arg.fill is not None and arg.rest and isinstance(
                    fill, (int, float, dt.date)) and not isinstance(fill, bool):
                n += arg.rest - 1
        elif isinstance(arg, (int, float, dt.date)):  # bool is an int: counted, as Excel
            n += 1
        elif isinstance(arg, str):
            try:
                number_of_text(arg)
            except Raised:
                continue
            n += 1
    return float(n)


def _counta(*args: Any) -> float:
    """Cells that are not blank (a formula's "" counts); a typed argument always."""
    return float(sum(sum(1 for v in _held(arg) if v is not None) + (
        arg.rest - 1 if arg.fill is not None and arg.rest else 0) if isinstance(arg, Grid)
        else 1 for arg in args))


def _held(grid: Grid) -> list[Any]:
    """A grid's stored cells, and its fill once if any cell is beyond them."""
    out = [v for row in grid.rows for v in row]
    if grid.fill is not None and grid.rest:
        out.append(grid.fill)
    return out


def _extreme(pick: Callable[[list[float]], float]) -> Callable[..., float]:
    def run(*args: Any) -> float:
        values = _numbers(args, "once")
        return pick(values) if values else 0.0
    return run


def _product(*args: Any) -> float:
    return checked(math.prod(_numbers(args))) if _numbers(args) else 0.0


def _is(test: Callable[[Any], bool]) -> Callable[[Any], Any]:
    """An IS function: it sees error values (never raises them), element by element."""
    def one(value: Any) -> bool:
        if isinstance(value, Grid):
            value = value.at(0, 0)
        return test(value)

    def run(value: Any) -> Any:
        if isinstance(value, Grid) and value.shape != (1, 1):
            if value.size is not None:  # sparse: the cells held, the rest's fill once
                return Grid([[test(v) for v in row] for row in value.rows], value.size,
                            fill=test(value.fill))
            return Grid([[one(v) for v in row] for row in value.rows])
        return one(value)
    run.elementwise = True  # type: ignore[attr-defined]  # sparse: not lifted cell by cell
    return run


def _log(value: Any, base: Any = 10.0) -> float:
    x, b = to_number(value), to_number(base)
    if x <= 0 or b <= 0:  # the domain first: LOG(-1,1) is #NUM!, LOG(2,1) #DIV/0!
        raise Raised(NUM)
    if b == 1:
        raise Raised(DIV0)
    return math.log(x) / math.log(b)


def _abs(value: Any) -> float:
    return abs(to_number(value))


def _log10(value: Any) -> float:
    return _log(value, 10.0)


def _not(value: Any) -> bool:
    if isinstance(scalar(value), str):
        return not _flags([scalar(value)])[0]
    return not bool(to_number(value))


#: The native functions evaluated here, by their Excel name.
NATIVES: dict[str, Callable[..., Any]] = {
    "SUM": lambda *a: checked(excel_sum(_numbers(a, "nonzero"))),
    "AVERAGE": _average,
    "SUMPRODUCT": _sumproduct,
    "SLOPE": _slope, "INTERCEPT": _intercept,
    "RSQ": lambda y, x: _correl(y, x) ** 2, "CORREL": _correl, "PEARSON": _correl,
    "STEYX": _steyx,
    **dict.fromkeys(("STDEV.S", "STDEV"), lambda *a: math.sqrt(_variance(1)(*a))),
    **dict.fromkeys(("STDEV.P", "STDEVP"), lambda *a: math.sqrt(_variance(0)(*a))),
    "VAR.S": _variance(1), "VAR": _variance(1), "VAR.P": _variance(0), "VARP": _variance(0),
    "COVARIANCE.S": _covariance(1), "COVARIANCE.P": _covariance(0), "COVAR": _covariance(0),
    "LN": lifted(_ln), "EXP": lifted(_exp), "SQRT": lifted(_sqrt),
    "ABS": lifted(_abs), "LOG": lifted(_log), "LOG10": lifted(_log10),
    "POWER": lifted(power), "ROUND": lifted(_round),
    "MIN": _extreme(min), "MAX": _extreme(max), "PRODUCT": _product,
    "COUNT": _count, "COUNTA": _counta,
    "INDEX": _index, "MATCH": _match,
    "AND": lambda *a: all(_flags(a)), "OR": lambda *a: any(_flags(a)),
    "NOT": lifted(_not),
    "NA": lambda: NA, "TRUE": lambda: True, "FALSE": lambda: False,
    "ISBLANK": _is(lambda v: v is None), "ISERROR": _is(lambda v: isinstance(v, XlError)),
    "ISNA": _is(lambda v: v == NA),
    "ISNUMBER": _is(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
    "ISTEXT": _is(lambda v: isinstance(v, str)),
    "ROWS": lambda g: float(g.shape[0] if isinstance(g, Grid) else 1),
    "COLUMNS": lambda g: float(g.shape[1] if isinstance(g, Grid) else 1),
}

#: The arguments that take ranges (None: all of them); the others take one value each.
RANGE_ARGUMENTS: dict[str, frozenset[int] | None] = {
    **dict.fromkeys(("SUM", "AVERAGE", "SUMPRODUCT", "SLOPE", "INTERCEPT", "RSQ", "CORREL",
                     "PEARSON", "STEYX", "STDEV.S", "STDEV", "STDEV.P", "STDEVP", "VAR.S",
                     "VAR", "VAR.P", "VARP", "COVARIANCE.S", "COVARIANCE.P", "COVAR", "MIN",
                     "MAX", "PRODUCT", "COUNT", "COUNTA", "AND", "OR"), None),
    "INDEX": frozenset({0}), "MATCH": frozenset({1}), "ROWS": frozenset({0}),
    "COLUMNS": frozenset({0}),
}
