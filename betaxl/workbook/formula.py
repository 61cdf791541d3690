"""Excel formulas: parsed with openpyxl's tokenizer, evaluated with Excel's rules.

The parser turns a formula's tokens (:class:`openpyxl.formula.tokenizer.Tokenizer`)
into a small tree; :func:`evaluate` computes it against a :class:`Context` that the
workbook engine provides (cell values, defined names, the betaxl functions).

Values are Python values as a cell holds them: ``float``, ``str``, ``bool``, ``None``
(a blank cell), :class:`XlError` (``#N/A``, ``#DIV/0!`` ...), and :class:`Grid` for a
range or an array.  Natives follow Excel's documented rules: ranges skip text, logical
values and blanks (SUM, AVERAGE, STDEV.S ...), the paired statistics (SLOPE, RSQ,
CORREL ...) use the pairs where both cells are numbers, an error anywhere in an
argument is the result, and arithmetic on ranges works element by element.

A formula that uses anything not listed in :data:`NATIVES` (or a betaxl function) raises
:class:`Unsupported`: the engine then keeps the cell's cached value and reports it.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from openpyxl.formula.tokenizer import Token, Tokenizer

__all__ = ["NATIVES", "Context", "Grid", "Node", "Unsupported", "XlError", "evaluate",
           "parse", "references"]

MAX_ROWS, MAX_COLS = 1_048_576, 16_384
_EPOCH = dt.datetime(1899, 12, 30)


class Unsupported(Exception):
    """A formula the engine does not evaluate (its cached value is kept and reported)."""


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


class _Raised(Exception):
    """An error value travelling up to the formula (or to IFERROR)."""

    def __init__(self, error: XlError) -> None:
        super().__init__(error.code)
        self.error = error


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


# -- the tree -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One node of a parsed formula: ``kind`` with its ``value`` and ``args``."""

    kind: str  # num str bool err ref name func neg pct op array missing
    value: Any = None
    args: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Ref:
    """A rectangle of cells, 1-based and inclusive; ``sheet`` None = the formula's sheet."""

    sheet: str | None
    r1: int
    c1: int
    r2: int
    c2: int


_COL = r"\$?([A-Za-z]{1,3})"
_ROW = r"\$?(\d{1,7})"
_AREA = re.compile(rf"^{_COL}{_ROW}(?::{_COL}{_ROW})?$")
_COLS = re.compile(rf"^{_COL}:{_COL}$")
_ROWS = re.compile(rf"^{_ROW}:{_ROW}$")
_NAME = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.\\?]*$")


def column_number(letters: str) -> int:
    """``"A"`` -> 1, ``"XFD"`` -> 16384."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def column_letters(number: int) -> str:
    """1 -> ``"A"``."""
    out = ""
    while number:
        number, rem = divmod(number - 1, 26)
        out = chr(65 + rem) + out
    return out


def parse_area(text: str, sheet: str | None = None) -> Ref | None:
    """``A1``, ``$A$1:$B$9``, ``A:C`` or ``3:5`` as a :class:`Ref` (None if not one)."""
    if m := _AREA.match(text):
        c1, r1 = column_number(m[1]), int(m[2])
        c2, r2 = (column_number(m[3]), int(m[4])) if m[3] else (c1, r1)
    elif m := _COLS.match(text):
        c1, c2, r1, r2 = column_number(m[1]), column_number(m[2]), 1, MAX_ROWS
    elif m := _ROWS.match(text):
        r1, r2, c1, c2 = int(m[1]), int(m[2]), 1, MAX_COLS
    else:
        return None
    r1, r2 = sorted((r1, r2))
    c1, c2 = sorted((c1, c2))
    if not (1 <= r1 and r2 <= MAX_ROWS and 1 <= c1 and c2 <= MAX_COLS):
        return None
    return Ref(sheet, r1, c1, r2, c2)


def _operand(text: str) -> Node:
    """A RANGE token: a reference, a sheet-qualified reference, or a defined name."""
    sheet = None
    body = text
    if "!" in text:
        sheet, _, body = text.rpartition("!")
        if sheet.startswith("'") and sheet.endswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        if sheet.startswith("[") or ":" in sheet:
            raise Unsupported(f"external or 3-D reference {text}")
    ref = parse_area(body, sheet)
    if ref is not None:
        return Node("ref", ref)
    if body.upper() in ("TRUE", "FALSE"):
        return Node("bool", body.upper() == "TRUE")
    if _NAME.match(body):
        return Node("name", (sheet, body))
    raise Unsupported(f"reference {text}")


_PRECEDENCE = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3,
               "*": 4, "/": 4, "^": 5}


class _Parser:
    def __init__(self, formula: str) -> None:
        try:
            tokens = Tokenizer(formula).items
        except Exception as exc:  # noqa: BLE001  the tokenizer raises bare errors
            raise Unsupported(f"cannot parse ({exc})") from None
        self.tokens = [t for t in tokens if t.type != Token.WSPACE]
        if any(t.type == Token.WSPACE and t.value.strip() == "" for t in tokens) and \
                self._has_intersection(tokens):
            raise Unsupported("the intersection operator")
        self.pos = 0

    @staticmethod
    def _has_intersection(tokens: Sequence[Token]) -> bool:
        for i in range(1, len(tokens) - 1):
            if tokens[i].type == Token.WSPACE and tokens[i - 1].type == Token.OPERAND and \
                    tokens[i + 1].type == Token.OPERAND:
                return True
        return False

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise Unsupported("the formula ends too early")
        self.pos += 1
        return token

    def expression(self, floor: int = 0) -> Node:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token.type != Token.OP_IN:
                return left
            op = token.value
            if op not in _PRECEDENCE:
                raise Unsupported(f"the operator {op!r}")
            level = _PRECEDENCE[op]
            if level <= floor and not (op == "^" and False):
                return left
            self.take()
            right = self.expression(level)
            left = Node("op", op, (left, right))

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.type == Token.OP_PRE:
            self.take()
            inner = self.unary()
            return Node("neg", None, (inner,)) if token.value == "-" else inner
        node = self.primary()
        while (token := self.peek()) is not None and token.type == Token.OP_POST:
            self.take()
            node = Node("pct", None, (node,))
        return node

    def primary(self) -> Node:
        token = self.take()
        if token.type == Token.OPERAND:
            if token.subtype == Token.NUMBER:
                return Node("num", float(token.value))
            if token.subtype == Token.TEXT:
                return Node("str", token.value[1:-1].replace('""', '"'))
            if token.subtype == Token.LOGICAL:
                return Node("bool", token.value.upper() == "TRUE")
            if token.subtype == Token.ERROR:
                return Node("err", XlError(token.value.upper()))
            return _operand(token.value)
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            name = token.value[:-1]
            if ":" in name or "!" in name:
                raise Unsupported(f"a reference built by a function ({name})")
            return Node("func", function_name(name), tuple(self.arguments()))
        if token.type == Token.PAREN and token.subtype == Token.OPEN:
            inner = self.expression()
            close = self.take()
            if close.type != Token.PAREN:
                raise Unsupported("a union of references")
            return inner
        if token.type == Token.ARRAY and token.subtype == Token.OPEN:
            return self.array()
        raise Unsupported(f"unexpected {token.value!r}")

    def arguments(self) -> list[Node]:
        args: list[Node] = []
        token = self.peek()
        if token is not None and token.type == Token.FUNC and token.subtype == Token.CLOSE:
            self.take()
            return args
        while True:
            token = self.peek()
            if token is not None and (token.type == Token.SEP or (
                    token.type == Token.FUNC and token.subtype == Token.CLOSE)):
                args.append(Node("missing"))
            else:
                args.append(self.expression())
            token = self.take()
            if token.type == Token.FUNC and token.subtype == Token.CLOSE:
                return args
            if not (token.type == Token.SEP and token.subtype == Token.ARG):
                raise Unsupported(f"unexpected {token.value!r} in an argument list")

    def array(self) -> Node:
        rows: list[list[Node]] = [[]]
        while True:
            item = self.unary()
            if item.kind not in ("num", "str", "bool", "err", "neg"):
                raise Unsupported("an array constant holding a reference")
            rows[-1].append(item)
            token = self.take()
            if token.type == Token.ARRAY and token.subtype == Token.CLOSE:
                break
            if token.type == Token.SEP and token.subtype == Token.ROW:
                rows.append([])
        if len({len(r) for r in rows}) != 1:
            raise Unsupported("a ragged array constant")
        return Node("array", len(rows[0]), tuple(n for row in rows for n in row))


def function_name(name: str) -> str:
    """Excel's stored name without the future-function prefixes, upper case."""
    upper = name.upper()
    for prefix in ("_XLFN._XLWS.", "_XLFN.", "_XLWS.", "_XLUDF."):
        if upper.startswith(prefix):
            upper = upper[len(prefix):]
    return upper


def parse(formula: str) -> Node:
    """The tree of a formula (with or without its leading ``=``)."""
    text = formula if formula.startswith("=") else "=" + formula
    parser = _Parser(text)
    node = parser.expression()
    if parser.peek() is not None:
        raise Unsupported(f"unexpected {parser.peek().value!r}")  # type: ignore[union-attr]
    return node


def references(node: Node) -> Iterator[Node]:
    """Every ``ref`` and ``name`` node of a tree."""
    if node.kind in ("ref", "name"):
        yield node
    for arg in node.args:
        yield from references(arg)


# -- evaluation ---------------------------------------------------------------------------


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
    except _Raised as raised:
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
        return _map1(lambda v: -_number(v), _eval(node.args[0], ctx))
    if kind == "pct":
        return _map1(lambda v: _number(v) / 100, _eval(node.args[0], ctx))
    if kind == "op":
        left, right = _eval(node.args[0], ctx), _eval(node.args[1], ctx)
        return _map2(_OPERATORS[node.value], left, right)
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


def scalar(value: Any) -> Any:
    """A single value: the top-left cell of a grid (errors raised)."""
    if isinstance(value, Grid):
        value = value.rows[0][0] if value.rows and value.rows[0] else None
    if isinstance(value, XlError):
        raise _Raised(value)
    return value


def _number(value: Any) -> float:
    """Excel's conversion for arithmetic: blank 0, TRUE 1, numeric text, else #VALUE!."""
    value = scalar(value)
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return (value - _EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - _EPOCH.date()).days)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise _Raised(VALUE) from None
    raise _Raised(VALUE)


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


def _checked(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise _Raised(NUM)
    return value


def _divide(a: Any, b: Any) -> float:
    den = _number(b)
    num = _number(a)
    if den == 0:
        raise _Raised(DIV0)
    return num / den


def _power(a: Any, b: Any) -> float:
    base, exponent = _number(a), _number(b)
    if base == 0 and exponent <= 0:
        raise _Raised(DIV0 if exponent < 0 else NUM)
    try:
        result = base ** exponent
    except OverflowError:
        raise _Raised(NUM) from None
    if isinstance(result, complex):
        raise _Raised(NUM)
    return _checked(result)


def _rank(value: Any) -> tuple[int, Any]:
    value = scalar(value)
    if value is None:
        return (0, 0.0)
    if isinstance(value, bool):
        return (3, value)
    if isinstance(value, str):
        return (2, value.lower())
    return (1, _number(value))


def _compare(op: str) -> Callable[[Any, Any], bool]:
    def run(a: Any, b: Any) -> bool:
        left, right = _rank(a), _rank(b)
        if left[0] == 0:  # blank compares as 0, "" or FALSE, whatever the other side is
            left = (right[0], {1: 0.0, 2: "", 3: False}.get(right[0], 0.0))
        if right[0] == 0:
            right = (left[0], {1: 0.0, 2: "", 3: False}.get(left[0], 0.0))
        return {"=": left == right, "<>": left != right, "<": left < right,
                ">": left > right, "<=": left <= right, ">=": left >= right}[op]
    return run


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: _checked(_number(a) + _number(b)),
    "-": lambda a, b: _checked(_number(a) - _number(b)),
    "*": lambda a, b: _checked(_number(a) * _number(b)),
    "/": _divide, "^": _power, "&": lambda a, b: _text(a) + _text(b),
    **{op: _compare(op) for op in ("=", "<>", "<", ">", "<=", ">=")},
}


def _cell(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except _Raised as raised:
        return raised.error


def _map1(fn: Callable[[Any], Any], value: Any) -> Any:
    if isinstance(value, Grid) and value.shape != (1, 1):
        return Grid([[_cell(fn, v) for v in row] for row in value.rows])
    return fn(value)


def _map2(fn: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
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

    return Grid([[_cell(fn, at(ga, ra, ca, i, j), at(gb, rb, cb, i, j))
                  for j in range(cols)] for i in range(rows)])


# -- native functions ---------------------------------------------------------------------


def _numbers(args: Sequence[Any]) -> list[float]:
    """Numbers of the arguments, Excel's way: ranges skip text, logicals and blanks."""
    out: list[float] = []
    for arg in args:
        if isinstance(arg, Grid):
            for v in arg.cells():
                if isinstance(v, XlError):
                    raise _Raised(v)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    out.append(float(v))
                elif isinstance(v, (dt.date, dt.datetime)):
                    out.append(_number(v))
        elif arg is not None:
            out.append(_number(arg))
    return out


def _pairs(ys: Any, xs: Any) -> tuple[list[float], list[float]]:
    """The pairs where both cells are numbers (SLOPE, RSQ, CORREL, COVARIANCE ...)."""
    gy = ys if isinstance(ys, Grid) else Grid([[ys]])
    gx = xs if isinstance(xs, Grid) else Grid([[xs]])
    ylist, xlist = list(gy.cells()), list(gx.cells())
    if len(ylist) != len(xlist):
        raise _Raised(NA)
    out_y, out_x = [], []
    for y, x in zip(ylist, xlist):
        for v in (y, x):
            if isinstance(v, XlError):
                raise _Raised(v)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (y, x)):
            out_y.append(float(y))
            out_x.append(float(x))
    return out_y, out_x


def _moments(ys: Any, xs: Any) -> tuple[int, float, float, float, float, float]:
    y, x = _pairs(ys, xs)
    n = len(y)
    if n == 0:
        raise _Raised(DIV0)
    my, mx = math.fsum(y) / n, math.fsum(x) / n
    sxx = math.fsum((v - mx) ** 2 for v in x)
    syy = math.fsum((v - my) ** 2 for v in y)
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(x, y))
    return n, my, mx, sxx, syy, sxy


def _slope(ys: Any, xs: Any) -> float:
    n, my, mx, sxx, syy, sxy = _moments(ys, xs)
    if sxx == 0:
        raise _Raised(DIV0)
    return sxy / sxx


def _intercept(ys: Any, xs: Any) -> float:
    n, my, mx, sxx, syy, sxy = _moments(ys, xs)
    if sxx == 0:
        raise _Raised(DIV0)
    return my - sxy / sxx * mx


def _correl(ys: Any, xs: Any) -> float:
    n, my, mx, sxx, syy, sxy = _moments(ys, xs)
    if sxx == 0 or syy == 0:
        raise _Raised(DIV0)
    return sxy / math.sqrt(sxx * syy)


def _steyx(ys: Any, xs: Any) -> float:
    n, my, mx, sxx, syy, sxy = _moments(ys, xs)
    if n < 3 or sxx == 0:
        raise _Raised(DIV0)
    return math.sqrt(max(syy - sxy * sxy / sxx, 0.0) / (n - 2))


def _covariance(ddof: int) -> Callable[[Any, Any], float]:
    def run(a: Any, b: Any) -> float:
        n, my, mx, sxx, syy, sxy = _moments(a, b)
        if n - ddof <= 0:
            raise _Raised(DIV0)
        return sxy / (n - ddof)
    return run


def _variance(ddof: int) -> Callable[..., float]:
    def run(*args: Any) -> float:
        values = _numbers(args)
        n = len(values)
        if n - ddof <= 0:
            raise _Raised(DIV0)
        mean = math.fsum(values) / n
        return math.fsum((v - mean) ** 2 for v in values) / (n - ddof)
    return run


def _average(*args: Any) -> float:
    values = _numbers(args)
    if not values:
        raise _Raised(DIV0)
    return math.fsum(values) / len(values)


def _sumproduct(*args: Any) -> float:
    grids = [a if isinstance(a, Grid) else Grid([[a]]) for a in args]
    if not grids or len({g.shape for g in grids}) != 1:
        raise _Raised(VALUE)
    total = []
    for cells in zip(*(list(g.cells()) for g in grids)):
        product = 1.0
        for v in cells:
            if isinstance(v, XlError):
                raise _Raised(v)
            product *= float(v) if isinstance(v, (int, float)) and not isinstance(
                v, bool) else 0.0
        total.append(product)
    return math.fsum(total)


def _ln(value: Any) -> float:
    x = _number(value)
    if x <= 0:
        raise _Raised(NUM)
    return math.log(x)


def _exp(value: Any) -> float:
    try:
        return math.exp(_number(value))
    except OverflowError:
        raise _Raised(NUM) from None


def _sqrt(value: Any) -> float:
    x = _number(value)
    if x < 0:
        raise _Raised(NUM)
    return math.sqrt(x)


def _index(array: Any, row: Any = None, col: Any = None) -> Any:
    grid = array if isinstance(array, Grid) else Grid([[array]])
    rows, cols = grid.shape
    r = int(_number(row)) if row is not None else 0
    c = int(_number(col)) if col is not None else 0
    if rows == 1 and col is None:  # INDEX(row_vector, n) picks the n-th column
        r, c = 1, r
    if r < 0 or c < 0 or r > rows or c > cols:
        raise _Raised(REF)
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
    mode = int(_number(kind)) if kind is not None else 1
    if mode == 0:
        for i, v in enumerate(cells):
            if v is not None and not isinstance(v, XlError) and _rank(v) == _rank(target):
                return float(i + 1)
        raise _Raised(NA)
    found = None
    for i, v in enumerate(cells):  # binary search in Excel; a sorted range gives the same
        if v is None or isinstance(v, XlError) or _rank(v)[0] != _rank(target)[0]:
            continue
        if (mode > 0 and _rank(v) <= _rank(target)) or (mode < 0 and _rank(v) >= _rank(target)):
            found = i
        else:
            break
    if found is None:
        raise _Raised(NA)
    return float(found + 1)


def _round(value: Any, digits: Any = 0.0) -> float:
    x, d = _number(value), int(_number(digits))
    scale = 10.0 ** d
    return math.copysign(math.floor(abs(x) * scale + 0.5) / scale, x)


def _flags(args: Sequence[Any]) -> list[bool]:
    out = []
    for arg in args:
        for v in (arg.cells() if isinstance(arg, Grid) else [arg]):
            if isinstance(v, XlError):
                raise _Raised(v)
            if isinstance(v, (bool, int, float)):
                out.append(bool(v))
    if not out:
        raise _Raised(VALUE)
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
    return _checked(math.prod(_numbers(args))) if _numbers(args) else 0.0


def _is(test: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def run(value: Any) -> bool:
        if isinstance(value, Grid):
            value = value.rows[0][0]
        return test(value)
    return run


def _log(value: Any, base: Any = 10.0) -> float:
    x, b = _number(value), _number(base)
    if x <= 0 or b <= 0 or b == 1:
        raise _Raised(NUM if b != 1 else DIV0)
    return math.log(x) / math.log(b)


#: The native functions evaluated here, by their Excel name.
NATIVES: dict[str, Callable[..., Any]] = {
    "SUM": lambda *a: _checked(math.fsum(_numbers(a))),
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
    "LN": _ln, "EXP": _exp, "SQRT": _sqrt, "ABS": lambda v: abs(_number(v)),
    "LOG": _log, "LOG10": lambda v: _log(v, 10.0),
    "POWER": _power, "ROUND": _round,
    "MIN": _extreme(min), "MAX": _extreme(max), "PRODUCT": _product,
    "COUNT": _count, "COUNTA": _counta,
    "INDEX": _index, "MATCH": _match,
    "AND": lambda *a: all(_flags(a)), "OR": lambda *a: any(_flags(a)),
    "NOT": lambda v: not bool(_number(v)),
    "NA": lambda: NA, "TRUE": lambda: True, "FALSE": lambda: False,
    "ISBLANK": _is(lambda v: v is None), "ISERROR": _is(lambda v: isinstance(v, XlError)),
    "ISNA": _is(lambda v: v == NA),
    "ISNUMBER": _is(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
    "ISTEXT": _is(lambda v: isinstance(v, str)),
    "ROWS": lambda g: float(g.shape[0] if isinstance(g, Grid) else 1),
    "COLUMNS": lambda g: float(g.shape[1] if isinstance(g, Grid) else 1),
}


def _if(args: tuple[Node, ...], ctx: Context) -> Any:
    if not 1 < len(args) <= 3:
        raise _Raised(VALUE)
    test = _eval(args[0], ctx)
    if isinstance(test, Grid):
        raise Unsupported("IF over an array")
    value = scalar(test)
    if isinstance(value, str):
        raise _Raised(VALUE)
    chosen = bool(_number(value)) if value is not None else False
    if chosen:
        return _eval(args[1], ctx) if args[1].kind != "missing" else 0.0
    if len(args) < 3:
        return False
    return _eval(args[2], ctx) if args[2].kind != "missing" else 0.0


def _iferror(args: tuple[Node, ...], ctx: Context, only_na: bool = False) -> Any:
    if len(args) != 2:
        raise _Raised(VALUE)
    try:
        value = _eval(args[0], ctx)
    except _Raised as raised:
        value = raised.error

    def pick(v: Any) -> Any:
        if isinstance(v, XlError) and (not only_na or v == NA):
            return scalar(_eval(args[1], ctx))
        return v

    if isinstance(value, Grid):
        return Grid([[_cell(pick, v) for v in row] for row in value.rows])
    return pick(value)


_LAZY: dict[str, Callable[[tuple[Node, ...], Context], Any]] = {
    "IF": _if, "IFERROR": _iferror, "IFNA": lambda a, c: _iferror(a, c, only_na=True),
}
