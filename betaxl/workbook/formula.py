"""The formula language: Excel formulas parsed with openpyxl's tokenizer into a tree.

The parser turns a formula's tokens (:class:`openpyxl.formula.tokenizer.Tokenizer`)
into a small tree of :class:`Node`; references are read in A1 notation
(:func:`parse_area`, :func:`column_letters`).  A formula that uses anything the
engine does not evaluate raises :class:`Unsupported`: the engine then keeps the cell's
cached value and reports it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError

from .cells import MAX_COLS, MAX_ROWS, Ref, Unsupported, XlError

__all__ = ["Node", "Unsupported", "column_letters", "column_number", "function_name",
           "parse", "parse_area", "references"]


@dataclass(frozen=True)
class Node:
    """One node of a parsed formula: ``kind`` with its ``value`` and ``args``."""

    kind: str  # num str bool err ref name func neg pct op paren array missing
    value: Any = None
    args: tuple[Node, ...] = ()


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
        except TokenizerError as exc:  # its messages are words: "Mismatched ( and )"
            raise Unsupported(f"cannot parse: {exc}") from None
        except IndexError:  # the tokenizer pops its stack of open parentheses and braces
            raise Unsupported("cannot parse: a closing parenthesis or brace without its "
                              "opening one") from None
        except Exception as exc:  # noqa: BLE001  the tokenizer raises bare errors
            raise Unsupported(f"cannot parse ({type(exc).__name__})") from None
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
            # a + or - in parentheses is kept apart: Excel's near-zero rule looks at a
            # formula's last operation, and there the parentheses are last
            return Node("paren", None, (inner,)) if inner.kind == "op" and \
                inner.value in ("+", "-") else inner
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
    """Every ``ref`` and ``name`` node of a tree, left to right (with a stack, so a
    long flat formula such as ``=1+1+...+1`` cannot exhaust Python's recursion)."""
    stack = [node]
    while stack:
        node = stack.pop()
        if node.kind in ("ref", "name"):
            yield node
        stack.extend(reversed(node.args))
