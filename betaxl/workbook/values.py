"""Excel's value model: coercions, comparison, arithmetic, and broadcasting over grids.

One place for Excel's rules, which every operator and native goes through:

- text to number as VALUE reads it (:func:`to_number`): ASCII digits, thousands
  separators in groups of three, a decimal point, an exponent, a trailing ``%``, a
  leading ``$``, ``(5)`` for -5; ``"1_000"`` and non-ASCII digits are ``#VALUE!``; text
  that reads as a date or a time depends on the locale and is not computed;
- a blank is 0 in arithmetic and ``""`` in text; TRUE is 1;
- number to text (``&``) with up to 15 significant digits, ``1E+15`` beyond;
- comparison of numbers at 15 significant digits (``0.1+0.2=0.3`` is TRUE), text
  without case but letter by letter (``"ß"="ss"`` is FALSE: no case folding); numbers <
  text < logical values;
- text as a logical value (IF's condition, AND, NOT): ``"TRUE"`` or ``"FALSE"`` in any
  case, other text ``#VALUE!`` (:func:`logical_of_text`);
- Excel's near-zero rule (:func:`near_zero`): a formula whose last operation is + or -
  gives 0 where the result is zero but for the binary residue of its operands;
- an error value met on the way travels up as :class:`Raised` and the evaluator turns it
  back into a value at every operator and function, so that IS functions see it; the
  left-most error of an operator wins;
- arithmetic on ranges works element by element, a 1 x 1, 1 x n or n x 1 side
  repeating (:func:`map2`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import struct
import sys
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import numpy as np

from .cells import DIV0, EPOCH, MAX_ARRAY, NA, NUM, VALUE, Grid, Unsupported, XlError

__all__ = ["OPERATORS", "Raised", "caught", "checked", "digits15", "excel_round",
           "excel_sum_repeated", "lifted", "logical_of_text", "map1", "map2", "near_zero",
           "power", "rank", "scalar", "text_of", "to_number"]


class Raised(Exception):
    """An error value travelling up to the formula (or to IFERROR)."""

    def __init__(self, error: XlError) -> None:
        super().__init__(error.code)
        self.error = error


def scalar(value: Any) -> Any:
    """A single value: the top-left cell of a grid (errors raised)."""
    if isinstance(value, Grid):
        value = value.at(0, 0)
    if isinstance(value, XlError):
        raise Raised(value)
    return value


_DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
_NUMBER_TEXT = re.compile(
    rf"(?P<sign>[+-]?)(?P<cur>\$ *(?P<after>[+-]?))?(?P<int>{_DIGITS})?(?P<frac>\.[0-9]*)?"
    r"(?P<exp>[eE][+-]?[0-9]+)?"
    r"(?P<pct>%?)", re.ASCII)
_MONTHS = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
                     r"\b(am|pm)\b", re.IGNORECASE)


def number_of_text(text: str) -> float:
    """A text read as Excel's VALUE reads it (en-US); ``#VALUE!`` if it is not a number."""
    body = text.strip(" ")
    negative = body.startswith("(") and body.endswith(")")
    if negative:
        body = body[1:-1].strip(" ")
    m = _NUMBER_TEXT.fullmatch(body)
    if m is None and re.fullmatch(r"[+-]?(\$ *[+-]?)?[0-9,]*,[0-9,]*(\.[0-9]*)?%?", body,
                                 re.ASCII):
        raise Unsupported(f"the text {text[:30]!r} with thousands separators out of place")
    if m is None or not (m["int"] or (m["frac"] or "").strip(".")):
        if re.search(r"[0-9]\s*[:/-]\s*[0-9]", body, re.ASCII) or (
                _MONTHS.search(body) and re.search(r"[0-9]", body, re.ASCII)):
            raise Unsupported(f"the text {text[:30]!r} read as a date or a time (it depends "
                              "on the locale)")
        bare = _NUMBER_TEXT.fullmatch(re.sub(r"[ $()+%-]", "", body))
        if bare is not None and (bare["int"] or (bare["frac"] or "").strip(".")):
            # "- 5", "5-", "5$", "$(5)", "5 %": numbers to LibreOffice, undocumented by
            # Microsoft: listed, never answered with a guess
            raise Unsupported(f"the text {text[:30]!r}, a number with a sign, currency or "
                              "percent sign where Excel's reading is not documented")
        raise Raised(VALUE)
    # the sign before or after the currency sign, spaces after it ("$-5", "-$5", "$ 5"
    # are -5, -5 and 5 in LibreOffice's en-US VALUE); one sign only ("-$-5" #VALUE!)
    sign = m["sign"] + (m["after"] or "")
    if (negative and sign) or len(sign) > 1:
        raise Raised(VALUE)
    if m["cur"] and (m["pct"] or m["exp"]) or negative and m["pct"]:  # LibreOffice:
        # #VALUE!; Excel: not documented ("$5%", "$5e1", "(5%)")
        raise Unsupported(f"the text {text[:30]!r} with a currency sign or parentheses and "
                          "a percent sign, or a currency sign and an exponent")
    number = float(sign + (m["int"] or "0").replace(",", "") +
                   (m["frac"] or "") + (m["exp"] or ""))
    if m["pct"]:
        number /= 100
    if math.isinf(number):  # "1E400" is no number Excel holds: not one, #VALUE!
        raise Raised(VALUE)
    return -checked(number) if negative else checked(number)  # "1E-310" is 0


def logical_of_text(text: str) -> bool:
    """A text as a logical value: TRUE or FALSE in any case, other text ``#VALUE!``."""
    word = text.upper()
    if word in ("TRUE", "FALSE"):
        return word == "TRUE"
    if word.strip() in ("TRUE", "FALSE"):
        raise Unsupported(f"the text {text[:30]!r} as a logical value (with spaces around "
                          "TRUE or FALSE: Excel's reading is not documented)")
    raise Raised(VALUE)


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
        return number_of_text(value)
    raise Raised(VALUE)


def text_of(value: Any) -> str:
    """A value as ``&`` and the text functions see it (numbers in General format)."""
    value = scalar(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, dt.datetime)):
        value = to_number(value)
    if isinstance(value, (int, float)):
        number = float(value)
        if number == 0:
            return "0"
        if abs(number) < 1e-4:
            raise Unsupported("a number below 0.0001 turned into text")
        text = format(number, ".15g")
        if "e" in text:
            mantissa, exponent = text.split("e")
            return f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}"
        return text
    return str(value)


def digits15(x: float) -> float:
    """``x`` at the 15 significant digits Excel shows and compares."""
    return float(format(x, ".15g")) if math.isfinite(x) else x


_DECIMALS = Context(prec=400, Emax=10_000, Emin=-10_000)


def excel_round(x: float, digits: int) -> float:
    """ROUND: half away from zero on the 15-significant-digit decimal the user sees.

    From 1E+15 on, those 15 digits stop before the units: the number's own digits are
    rounded there (the exact binary value), so a number that is already whole at the
    digits asked comes back unchanged (``ROUND(2^60,0)`` is 2^60, as in LibreOffice).
    """
    if x == 0 or digits > 330:
        return x
    if digits < -330:
        return 0.0
    shown = Decimal(format(x, ".15g")) if abs(x) < 1e15 else Decimal(x)
    step = Decimal(1).scaleb(-digits, _DECIMALS)
    return checked(float(shown.quantize(step, rounding=ROUND_HALF_UP, context=_DECIMALS)))


#: Excel's near-zero rule (Microsoft KB 78113, "Floating-point arithmetic may give
#: inaccurate results in Excel"): when the last operation of a formula is + or - and the
#: result is zero but for the binary residue of the operands, Excel gives 0.  The rule is
#: the formula's last operation only: ``=(0.5-0.4-0.1)`` (the parentheses are last) and
#: ``=1*(0.5-0.4-0.1)`` keep -2.78E-17.  Microsoft gives no bound; measured in Excel
#: (microsoft.public.excel.worksheet.functions, April 2009, and Stack Overflow 40293983,
#: independently): the result is 0 when the two operands, of one sign, are 1 to 7 units
#: in the last place apart, not from 8 (818562.54-778536.1+-40026.44: 8 units, 5.82E-11
#: in Excel).
NEAR_ZERO_UNITS = 8


def _units(x: float) -> int:
    """``|x|`` as the integer of its IEEE 754 bits: neighbours differ by one."""
    return int(struct.unpack("<q", struct.pack("<d", abs(x)))[0])


def near_zero(result: Any, a: Any, b: Any, op: str = "-") -> Any:
    """The result of a formula's last + or - (``op``), after Excel's near-zero rule."""
    if not isinstance(result, float) or result == 0:
        return result
    x, y = to_number(a), to_number(b)
    y = -y if op == "+" else y  # a + b cancels as a - (-b)
    if (x > 0) == (y > 0) and abs(_units(x) - _units(y)) < NEAR_ZERO_UNITS:
        return 0.0
    return result


def excel_sum(values: Iterable[float], start: float = 0.0) -> float:
    """Excel's SUM: double additions left to right, each rounded (IEEE 754), no
    compensation.  Microsoft documents no summation algorithm (KB 78113 says only that
    arithmetic is IEEE 754 double); the digits Excel shows match left-to-right addition,
    e.g. ``=SUM(123.45,56.78,-180.23)`` is 2.8421709430404E-14 in Excel (Microsoft Q&A,
    "Excel decimal fractions", October 2023), where an exact sum (``math.fsum``) gives
    1.42E-14; LibreOffice gives 0 for ``=SUM(1E+16,1,-1E+16)`` as this does.  Python's
    ``sum`` is not used: from Python 3.12 it compensates.

    >>> excel_sum([1e16, 1.0, -1e16]), excel_sum([123.45, 56.78, -180.23])
    (0.0, 2.842170943040401e-14)
    """
    if isinstance(values, np.ndarray) and values.size > _LOOP:
        # numpy's accumulate adds one element at a time, left to right (no pairwise
        # sums, unlike np.sum): the same doubles as the loop, at C speed
        run = values.astype(float)  # a copy: the caller's array is not changed
        run[0] = start + run[0]
        return float(np.add.accumulate(run, out=run)[-1])
    total = start
    for v in values:
        total += v
    return total


#: below this many numbers the Python loop is as fast as numpy's set-up
_LOOP = 256


def excel_sum_repeated(value: float, count: int, start: float = 0.0) -> float:
    """:func:`excel_sum` of ``count`` copies of ``value`` after ``start``, a million at a
    time (a fill of a whole column: the same doubles, in bounded memory).

    >>> excel_sum_repeated(0.1, 10) == excel_sum([0.1] * 10)
    True
    """
    if float(value).is_integer() and float(start).is_integer() and \
            abs(start) + count * abs(value) < 2.0 ** 53:
        return start + count * value  # every partial sum a whole number: exact
    if count <= _LOOP:
        return excel_sum([value] * count, start)
    total = start
    while count > 0:  # each chunk its own, added in place (numpy adds left to right)
        part = np.full(min(count, 1 << 20), value, dtype=float)
        part[0] = total + part[0]
        total = float(np.add.accumulate(part, out=part)[-1])
        count -= part.size
    return total


def checked(value: float) -> float:
    """A computed number as Excel holds it: NaN and infinity ``#NUM!``, a number below
    the smallest Excel holds (2.2251E-308, Microsoft's "Excel specifications and
    limits") 0, as Excel and LibreOffice give ``=2.2250738585072014E-308/2``."""
    if math.isnan(value) or math.isinf(value):
        raise Raised(NUM)
    return 0.0 if abs(value) < sys.float_info.min else value


def _divide(a: Any, b: Any) -> float:
    num = to_number(a)
    den = to_number(b)
    if den == 0:
        raise Raised(DIV0)
    return checked(num / den)


def power(a: Any, b: Any) -> float:
    base, exponent = to_number(a), to_number(b)
    if base == 0 and exponent <= 0:
        raise Raised(DIV0 if exponent < 0 else NUM)
    try:
        result = base ** exponent
    except (OverflowError, ZeroDivisionError):
        raise Raised(NUM) from None
    if isinstance(result, complex):
        raise Raised(NUM)
    return checked(result)


def rank(value: Any) -> tuple[int, Any]:
    """A value's place in Excel's order: (kind, key); numbers < text < logical values."""
    value = scalar(value)
    if value is None:
        return (0, 0.0)
    if isinstance(value, bool):
        return (3, value)
    if isinstance(value, str):
        return (2, value.lower())  # no case, but no folding: "ß" is not "ss"
    return (1, digits15(to_number(value)))


_PLAIN_TEXT = re.compile(r"[a-z0-9 ]*", re.ASCII)


def _compare(op: str) -> Callable[[Any, Any], bool]:
    def run(a: Any, b: Any) -> bool:
        left, right = rank(a), rank(b)
        if left[0] == 0:  # blank compares as 0, "" or FALSE, whatever the other side is
            left = (right[0], {1: 0.0, 2: "", 3: False}.get(right[0], 0.0))
        if right[0] == 0:
            right = (left[0], {1: 0.0, 2: "", 3: False}.get(left[0], 0.0))
        if op not in ("=", "<>") and left[0] == right[0] == 2 and not (
                _PLAIN_TEXT.fullmatch(left[1]) and _PLAIN_TEXT.fullmatch(right[1])):
            raise Unsupported("ordering text with punctuation or non-ASCII letters (Excel "
                              "sorts by its own collation)")
        return {"=": left == right, "<>": left != right, "<": left < right,
                ">": left > right, "<=": left <= right, ">=": left >= right}[op]
    return run


def _errors_first(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """An operator: an error operand wins (the left one first), before any conversion
    (``"a"+NA()`` is ``#N/A``, not ``#VALUE!``)."""
    def run(a: Any, b: Any) -> Any:
        return fn(scalar(a), scalar(b))
    return run


OPERATORS: dict[str, Callable[[Any, Any], Any]] = {op: _errors_first(fn) for op, fn in {
    "+": lambda a, b: checked(to_number(a) + to_number(b)),
    "-": lambda a, b: checked(to_number(a) - to_number(b)),
    "*": lambda a, b: checked(to_number(a) * to_number(b)),
    "/": _divide, "^": power, "&": lambda a, b: text_of(a) + text_of(b),
    **{op: _compare(op) for op in ("=", "<>", "<", ">", "<=", ">=")},
}.items()}


def caught(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, an error met on the way given back as its value."""
    try:
        return fn(*args)
    except Raised as raised:
        return raised.error
    except OverflowError:
        return NUM
    except ZeroDivisionError:
        return DIV0


def map1(fn: Callable[[Any], Any], value: Any) -> Any:
    if isinstance(value, Grid) and value.shape != (1, 1):
        if value.size is not None:  # sparse: the cells held, and what the rest gives
            return Grid([[caught(fn, v) for v in row] for row in value.rows], value.size,
                        fill=caught(fn, value.fill))
        return Grid([[caught(fn, v) for v in row] for row in value.dense().rows])
    return fn(value)


def _sparse2(fn: Callable[[Any, Any], Any], a: Any, b: Any) -> Grid | None:
    """``map2`` over sparse grids of one shape (or one with a single value): the cells
    either holds, and one ``fill`` for the rest, which is the same everywhere."""
    grids = [g for g in (a, b) if isinstance(g, Grid) and g.shape != (1, 1)]
    if not any(g.size is not None for g in grids) or len({g.shape for g in grids}) != 1:
        return None
    rows = max(g.stored[0] for g in grids)
    cols = max(g.stored[1] for g in grids)
    if rows * cols > MAX_ARRAY:
        raise Unsupported(f"an array of {rows * cols:,} cells held (more than "
                          f"{MAX_ARRAY:,} computed one by one)")

    def side(v: Any) -> tuple[Callable[[int, int], Any], Any]:
        if isinstance(v, Grid) and v.shape != (1, 1):
            return v.at, v.fill
        one = v.at(0, 0) if isinstance(v, Grid) else v
        return (lambda i, j: one), one

    (at_a, fill_a), (at_b, fill_b) = side(a), side(b)
    return Grid([[caught(fn, at_a(i, j), at_b(i, j)) for j in range(cols)]
                 for i in range(rows)], grids[0].shape, fill=caught(fn, fill_a, fill_b))


def map2(fn: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    """Element by element, Excel's broadcasting: a 1 x 1, 1 x n or n x 1 side repeats."""
    if not isinstance(a, Grid) and not isinstance(b, Grid):
        return fn(a, b)
    if (not isinstance(a, Grid) or a.shape == (1, 1)) and (
            not isinstance(b, Grid) or b.shape == (1, 1)):
        return fn(a, b)  # one cell with one cell: a single value, as Excel gives
    sparse = _sparse2(fn, a, b)
    if sparse is not None:
        return sparse
    ga = a.dense() if isinstance(a, Grid) else Grid([[a]])
    gb = b.dense() if isinstance(b, Grid) else Grid([[b]])
    (ra, ca), (rb, cb) = ga.shape, gb.shape
    rows, cols = max(ra, rb), max(ca, cb)
    if rows * cols > MAX_ARRAY:
        raise Unsupported(f"an array of {rows * cols:,} cells (more than {MAX_ARRAY:,} "
                          "computed one by one)")

    def at(g: Grid, r: int, c: int, i: int, j: int) -> Any:
        i = 0 if r == 1 else i
        j = 0 if c == 1 else j
        return g.rows[i][j] if i < r and j < c else NA

    return Grid([[caught(fn, at(ga, ra, ca, i, j), at(gb, rb, cb, i, j))
                  for j in range(cols)] for i in range(rows)])


def lifted(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A function of single values applied element by element to an array argument."""
    @functools.wraps(fn)  # inspect.signature follows __wrapped__: arguments are checked
    def run(*args: Any) -> Any:
        grids = [i for i, a in enumerate(args) if isinstance(a, Grid) and a.shape != (1, 1)]
        if not grids:
            return fn(*args)
        if len(args) == 1:
            return map1(fn, args[0])
        if len(args) == 2:
            return map2(fn, *args)
        raise Unsupported("an array in a function of three single values")
    run.elementwise = True  # type: ignore[attr-defined]  # evaluation lifts the others
    return run
