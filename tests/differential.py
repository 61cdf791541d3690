"""A differential test of ``betaxl recalc`` against LibreOffice: seeded random formulas.

:func:`formulas` generates nested formulas over every native function the README lists,
over a data block (sheet ``D``) holding numbers, blanks, text, text numbers, booleans and
errors; :func:`compare` writes them into one workbook, recalculates it with LibreOffice
(one run for all of them) and with betaxl, and compares cell by cell.

The expected value is Excel's.  Where LibreOffice differs from Excel the generator goes
around the construct; the closed list of those constructs, each with its source, is
:data:`LIBREOFFICE_DIFFERS`.  Cells betaxl lists as not computed are counted apart.

    python -m tests.differential SEEDS PER_SEED   # a large run, reported on stdout
"""

from __future__ import annotations

import math
import random
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.formula import ArrayFormula

from betaxl.workbook.recalc import recalculate_file

from . import libreoffice

#: Where LibreOffice does not compute what Excel computes, and how the generator avoids it.
LIBREOFFICE_DIFFERS = {
    "SQRT, LN, LOG, LOG10 outside their domain":
        "Excel gives #NUM! (Microsoft's SQRT and LN references: 'If number is negative, "
        "SQRT returns the #NUM! error value'); LibreOffice gives Err:502 'invalid "
        "argument', saved as #VALUE! (LibreOffice Help, 'Error codes in Calc'). "
        "Generated around: their arguments are ABS(x)+1",
    "0^0 and POWER(0,0)":
        "Excel gives #NUM! (Microsoft's POWER and calculation-operators references); "
        "LibreOffice gives 1 (LibreOffice Help, POWER). Generated around: exponents are "
        "2 or 3",
    "a negative base to a fractional power (POWER(-8,1/3))":
        "Excel gives #NUM!; LibreOffice gives the real odd root -2 (LibreOffice Help, "
        "POWER). Generated around: exponents are 2 or 3",
    "logical values where Excel has no numbers (ISNUMBER(TRUE), TRUE in a range)":
        "Excel's TRUE is a logical value: ISNUMBER(TRUE) is FALSE and SUM, COUNT ... skip "
        "it in a range (Microsoft's ISNUMBER and SUM references); LibreOffice's TRUE is "
        "the number 1 formatted as a boolean (LibreOffice Help, 'Logical functions'). "
        "Generated around: the booleans column is read cell by cell, in arithmetic or "
        "as a condition, never by an IS function or as a range",
    "number to text of 1E+15 and beyond (\"\"&1E+15)":
        "Excel's General format gives 1E+15 (15 significant digits, Microsoft's "
        "'Display numbers in scientific notation'); LibreOffice writes every digit. "
        "Generated around: & joins cells and literals below 1E+15",
    "an error inside SUMPRODUCT's arrays":
        "Excel gives the error; LibreOffice sometimes skips it (SUMPRODUCT(C5:C8,B3:B6) "
        "with #N/A in C5 and text in B3 gives a number), undocumented. Generated "
        "around: SUMPRODUCT reads the columns without errors",
    "different errors in one function's ranges (SUM over #DIV/0! and #N/A)":
        "not documented by Microsoft; LibreOffice gives the last for SUM and the first "
        "for MAX. betaxl lists such cells as not computed (refusals, not mismatches)",
    "error cells inside the ranges of paired statistics (SLOPE, PEARSON ...)":
        "Excel gives the error a range holds (Microsoft, 'How to correct a #N/A error': "
        "a function whose argument is #N/A gives #N/A); LibreOffice's PEARSON over "
        "C4:C8 (holding #N/A) and B1:B5 gave #DIV/0!. Generated around: paired "
        "statistics read the columns without errors",
    "STEYX over fewer than three pairs":
        "Excel gives #DIV/0! (Microsoft's STEYX reference); LibreOffice gives #VALUE!. "
        "Generated around: STEYX reads at least three rows of the all-number columns",
    "COVARIANCE.S over one pair":
        "Excel gives #DIV/0! (Microsoft's COVARIANCE.S reference: 'If array1 and array2 "
        "each contain only 1 data point'); LibreOffice gives #VALUE!. Generated around: "
        "COVARIANCE.S reads at least two rows of the all-number columns",
    "an error as MATCH's lookup value from a nested MATCH":
        "Excel gives the error (an error argument propagates; LibreOffice itself gives "
        "#N/A for MATCH(NA(),{1,2},1)), but LibreOffice gave #VALUE! for "
        "MATCH(MATCH(\"ch*\",D!A1:A6,0),D!F1:F8). Generated around: the lookup value is "
        "IFERROR(x,-1)",
    "paired statistics over ranges with no pair of numbers":
        "Microsoft's SLOPE, PEARSON, RSQ references give #N/A for 'empty' arrays, its "
        "CORREL reference #DIV/0!; LibreOffice gives #VALUE!. betaxl lists them as not "
        "computed",
    "text numbers typed as arguments of AVERAGE, MAX ... (AVERAGE(\"3\"))":
        "Excel counts them (Microsoft's AVERAGE and MAX references: 'text representations "
        "of numbers that you type directly into the list of arguments are counted'); "
        "LibreOffice gives #VALUE!. Generated around: a typed argument is (x)*1",
    "which of two different errors wins where they meet":
        "Excel gives the left-most (=NA()+(1/0) is #N/A, the operands in order; the "
        "issue's Excel run); LibreOffice agrees on that and on (1/0)+NA(), but gave #N/A "
        "for (D!F6-D!D3)<=MATCH(...) where the left operand is #VALUE! (text minus a "
        "number) and the right #N/A, undocumented. Not generated around (nesting makes "
        "two errors meet anywhere): such cells, both an error of another kind, are "
        "counted and reported apart from mismatches",
    "INDEX out of its range":
        "Excel gives #REF! (Microsoft's INDEX reference); LibreOffice gives #VALUE!. "
        "Generated around: row and column numbers within the range, or negative (#VALUE! "
        "in both)",
    "IFERROR or IFNA over a range in a plain formula, the intersected cell no error":
        "Excel intersects a value argument with the formula's row (Microsoft, 'Implicit "
        "intersection operator: @'), also inside SUM: SUM(IFERROR(A1:A3,0)) in row 1 is "
        "A1; LibreOffice intersects to test for an error but, finding none, hands the "
        "whole range on (SUM(IFERROR(A1:A3,0)) in row 1 with #DIV/0! in A2 gave "
        "#DIV/0!; SUM(IFNA(A1:A3,0)) in row 4 gave #DIV/0!, Excel #VALUE!). Generated "
        "around: IFERROR over a range in a row outside it (#VALUE!, so the fallback, in "
        "both), IFERROR and IFNA where the intersected cell is the error they catch",
    "the near-zero rule on + and - inside a formula":
        "Excel sets a result that is zero but for binary residue to 0 only after the "
        "formula's last + or - (Microsoft KB 78113: =1*(0.5-0.4-0.1) keeps -2.78E-17); "
        "LibreOffice does it after every + and - (rtl::math::approxAdd, approxSub), with "
        "a wider bound (2^-48 of the operands). Not generated around: the residues are "
        "below the comparison's 1e-12",
    "MATCH's exact match of a text number against numbers (MATCH(\"3\",{1;3},0))":
        "Excel gives #N/A: a text never equals a number in a lookup (Microsoft, 'How to "
        "correct a #N/A error in the VLOOKUP function': the lookup value and the data "
        "are different types, numbers stored as text); LibreOffice finds the number "
        "(observed here: MATCH(IFERROR(\"3\",-1),D!C2:C8,0) gave 2). Generated around: "
        "MATCH's lookup values are never text numbers (literals drawn again, column B "
        "with its \"3\" not a lookup array of values)",
    "text that reads as a number too large for a double (\"1E400\"+0)":
        "Excel gives #VALUE! (it holds no such number); LibreOffice gives "
        "1.79769313486232E+308. Not generated (no such literal)",
}

#: The data block: rows 1-8 of sheet D.  A numbers, B numbers with text, a text number
#: and a blank, C numbers with errors and a blank, D text (text numbers, wildcards),
#: E booleans (cell by cell only), F sorted numbers (for approximate MATCH).
DATA = {
    "A": [1, 2.5, -3, 0, 4, 10, 0.1, 7],
    "B": [5, None, "text", "3", 2, -1.5, 0.2, 9],
    "C": [1, "=1/0", 3, None, "=NA()", 6, 0.3, 8],
    "D": ["apple", "Banana", "kiwi", None, "3", " 2.5", "b*x", "cherry"],
    "E": [True, False, True, True, False, True, False, True],
    "F": [1, 2, 3, 5, 8, 13, 21, 34],
}
_RANGE_COLUMNS = "ABCD"  # E never read as a range (LibreOffice's booleans are numbers)
_AGGREGATES = ["SUM", "AVERAGE", "MIN", "MAX", "PRODUCT", "COUNT", "COUNTA", "STDEV.S",
               "STDEV.P", "STDEV", "STDEVP", "VAR.S", "VAR.P", "VAR", "VARP"]
_PAIRED = ["SLOPE", "INTERCEPT", "RSQ", "CORREL", "PEARSON", "STEYX", "COVARIANCE.S",
           "COVARIANCE.P", "COVAR"]
_LITERALS = ["0", "1", "2", "3", "-1", "0.5", "1.005", "0.285", "100", "0.001", "7",
             "2.675", "1E-3", '"3"', '"x"', '" 2.5"', '"1,000"', '"50%"', '"$-5"', '"$ 5"',
             '"-$5"']
#: Texts compared with = and <> (no case, no case folding: "ß" is not "ss").
_WORDS = ['"ß"', '"ss"', '"SS"', '"Straße"', '"STRASSE"', '"é"', '"É"', '"apple"',
          '"APPLE"', '"kiwi "']


class Generator:
    """Random formulas of one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.row = 0  # the row of sheet F the formula goes to (0: not known)

    def cell(self, columns: str = "ABCD") -> str:
        return f"D!{self.rng.choice(columns)}{self.rng.randint(1, 8)}"

    def column_range(self, columns: str = _RANGE_COLUMNS, length: int | None = None
                     ) -> tuple[str, int]:
        col = self.rng.choice(columns)
        n = length or self.rng.randint(1, 8)
        top = self.rng.randint(1, 9 - n)
        return f"D!{col}{top}:{col}{top + n - 1}", n

    def block(self) -> tuple[str, int, int]:
        c1, c2 = sorted(self.rng.sample(range(len(_RANGE_COLUMNS)), 2))
        r1 = self.rng.randint(1, 8)
        r2 = self.rng.randint(r1, 8)
        a, b = _RANGE_COLUMNS[c1], _RANGE_COLUMNS[c2]
        return f"D!{a}{r1}:{b}{r2}", r2 - r1 + 1, c2 - c1 + 1

    def slice(self) -> str:
        """A row or a column of a block, as INDEX gives it (a range)."""
        text, rows, cols = self.block()
        return f"INDEX({text},0,{self.rng.randint(1, cols)})" if self.rng.random() < 0.5 \
            else f"INDEX({text},{self.rng.randint(1, rows)},0)"

    def number(self, depth: int) -> str:
        """An expression that never gives a logical value."""
        r = self.rng
        if depth <= 0:
            return r.choice([r.choice(_LITERALS), self.cell(), self.cell("AF")])
        pick = r.randrange(17)
        sub = depth - 1
        if pick == 0:
            return f"({self.number(sub)}{r.choice('+-*/')}{self.number(sub)})"
        if pick == 1:
            return f"({self.number(sub)}^{r.choice('23')})"
        if pick == 2:
            return f"-{self.number(sub)}" if r.random() < 0.5 else f"{self.number(0)}%"
        if pick == 3:
            fn = r.choice(["LN", "SQRT", "LOG10", "LOG"])
            return f"{fn}(ABS({self.number(sub)})+1)"
        if pick == 4:
            return r.choice([f"ABS({self.number(sub)})", f"EXP(ROUND({self.number(sub)},0)/10)",
                             f"POWER({self.number(sub)},{r.choice('23')})",
                             f"ROUND({self.number(sub)},{r.choice(['0', '1', '2', '-1'])})"])
        if pick in (5, 6):
            fn = r.choice(_AGGREGATES)
            args = [self.column_range()[0] if r.random() < 0.6 else self.block()[0]
                    if r.random() < 0.4 else self.slice() if r.random() < 0.2
                    else f"CHOOSE({r.choice('12')},{self.column_range()[0]}," \
                         f"{self.block()[0]})" if r.random() < 0.1
                    else f"({self.number(sub)})*1" for _ in range(r.randint(1, 3))]
            if r.random() < 0.15:  # an empty argument: the number 0 (COUNT(B1,,B2) is 3)
                args.insert(r.randint(1, len(args)), "")
            return f"{fn}({','.join(args)})"
        if pick == 7:  # not C: LibreOffice skips some errors; STEYX over >= 3 numbers
            fn = r.choice(_PAIRED)
            cols_, n = ("AF", r.randint(3, 8)) if fn == "STEYX" else (
                "AF", r.randint(2, 8)) if fn == "COVARIANCE.S" else ("AABFFD", r.randint(2, 8))
            first = self.column_range(cols_, n)[0]
            if r.random() < 0.3:  # an array parameter: an expression is a whole array
                first = self.computed_array(self.column_range("AF", n)[0])
            return f"{fn}({first},{self.column_range(cols_, n)[0]})"
        if pick == 8:
            cols_ = "ABDF"  # not C: LibreOffice skips some errors inside SUMPRODUCT
            first = self.column_range(cols_, 4)[0]
            return f"SUMPRODUCT({self.computed_array(self.column_range('AF', 4)[0])}," \
                   f"{first})" if r.random() < 0.3 else \
                f"SUMPRODUCT({first},{self.column_range(cols_, 4)[0]})"
        if pick == 9:
            text, rows, cols = self.block()
            if r.random() < 0.1:  # a negative number: #VALUE! (Microsoft's INDEX)
                return f"INDEX({text},{r.choice([-1, 1])},{-r.randint(1, 2)})"
            area = r.choice(["", "", "", ",1", ",2"])  # area_num: one range, area 1
            return f"INDEX({text},{r.randint(1, rows)},{r.randint(1, cols)}{area})"
        if pick == 10:
            text, n = self.column_range()
            target = r.choice([f"IFERROR({self.lookup()},-1)", '"b*"', '"?pple"', '"KIWI"',
                                '"ch*"'])
            return f"MATCH({target},{text},0)"
        if pick == 11:
            return f"MATCH(IFERROR({self.lookup(sub)},-1),D!F1:F8,{r.choice(['1', ''])})" \
                .replace(",)", ")")
        if pick == 12:
            return f"{r.choice(['ROWS', 'COLUMNS'])}({self.block()[0]})"
        if pick == 13:
            test = r.choice(['"TRUE"', '"false"', '"x"']) if r.random() < 0.1 else \
                self.condition(sub)  # text as a logical value: TRUE, FALSE or #VALUE!
            return f"IF({test},{self.number(sub)},{self.number(sub)})"
        if pick == 14:
            if r.random() < 0.3 and self.row > 8:  # a range in a value argument, in a row
                # below the data (the tour's rows are not known): #VALUE!, the fallback
                fn = r.choice(_AGGREGATES)
                rows = self.column_range(length=r.randint(2, 8))[0]  # one cell: its value
                return f"{fn}(IFERROR({rows},({self.number(sub)})*1))"
            return f"{r.choice(['IFERROR', 'IFNA'])}({self.number(sub)},{self.number(sub)})"
        if pick == 15:
            if r.random() < 0.3:  # CHOOSE: index truncated, #VALUE! outside 1..n
                index = r.choice(["1", "2", "3", "2.7", "0", "4", self.number(sub)])
                return f"CHOOSE({index},{self.number(sub)},{self.number(sub)}," \
                       f"{self.number(sub)})"
            return f"({self.cell('E')}{r.choice('+*')}{self.number(sub)})"
        return r.choice(["NA()", self.number(0)])

    def computed_array(self, cells: str) -> str:
        """An expression over a range of numbers, for an array parameter of Excel's
        function table (SLOPE's, SUMPRODUCT's ...): computed whole in a plain formula."""
        return self.rng.choice([f"LN(ABS({cells})+1)", f"{cells}*2", f"({cells}+1)",
                                f"SQRT(ABS({cells}))", f"-{cells}"])

    def condition(self, depth: int) -> str:
        r = self.rng
        sub = max(depth - 1, 0)
        pick = r.randrange(6)
        if pick == 0 or depth <= 0:
            return f"{self.number(sub)}{r.choice(['=', '<>', '<', '>', '<=', '>='])}" \
                   f"{self.number(sub)}"
        if pick == 1:
            return f"{r.choice(['AND', 'OR'])}({self.condition(sub)},{self.condition(sub)})"
        if pick == 2:
            return f"NOT({self.condition(sub)})"
        if pick == 3:
            fn = r.choice(["ISBLANK", "ISERROR", "ISNA", "ISNUMBER", "ISTEXT"])
            return f"{fn}({r.choice([self.number(sub), self.cell()])})"
        if pick == 4:
            return self.cell("E") if r.random() < 0.7 else \
                f"{r.choice(_WORDS + [self.cell('D')])}{r.choice(['=', '<>'])}" \
                f"{r.choice(_WORDS + [self.cell('D')])}"
        return r.choice(["TRUE()", "FALSE()", "TRUE", "FALSE"])

    def text(self) -> str:
        r = self.rng
        left = r.choice(['"a"', self.cell("ABCD")])
        return f"{left}&{r.choice([self.cell('ABCD'), r.choice(_LITERALS)])}"

    def lookup(self, depth: int = 0) -> str:
        """A MATCH lookup value that is no text number (LIBREOFFICE_DIFFERS)."""
        while True:
            text = self.number(depth)
            if not re.search(r'"[ 0-9.,%-]*[0-9][ 0-9.,%-]*"', text) and "D!B" not in text \
                    and "D!D" not in text:
                return text

    def array(self) -> str:
        """A one-cell array formula (``{=...}``, as Ctrl+Shift+Enter enters it) whose
        functions of one value are given arrays: computed for each element."""
        r = self.rng
        n = r.randint(2, 6)
        a, b, c = (self.column_range("ABCF", n)[0] for _ in range(3))
        values = self.column_range("ACF", n)[0]  # MATCH's lookup values: no text number
        fn = r.choice(["SUM", "COUNT", "MAX", "MIN"])
        pick = r.randrange(5)
        if pick == 0:
            return f"{{={fn}(IFERROR({a}/{b},{c}))}}"
        if pick == 1:
            return f"{{={fn}(IFNA(MATCH({values},{self.column_range('AF')[0]},0),-1))}}"
        if pick == 2:
            return f"{{={fn}(INDEX(D!F1:F8,{{{r.randint(1, 8)};{r.randint(1, 8)}}}))}}"
        if pick == 3:
            return f"{{={fn}(ROUND({a}*{self.number(1)},{r.choice('01')}))}}"
        return f"{{={fn}(IFERROR(MATCH({values},{b},0),0)*{self.number(1)})}}"

    def formula(self) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.05:
            return self.array()
        if kind < 0.7:
            return "=" + self.number(r.randint(1, 4))
        if kind < 0.9:
            return "=" + self.condition(r.randint(1, 3))
        return "=" + self.text()


    def tour(self) -> list[str]:
        """One formula per function at least, each with random arguments."""
        out = [f"={fn}({self.column_range()[0]},({self.number(2)})*1)" for fn in _AGGREGATES]
        for fn in _PAIRED:
            cols, n = ("AF", 5) if fn in ("STEYX", "COVARIANCE.S") else ("ABF", 6)
            out.append(f"={fn}({self.column_range(cols, n)[0]},{self.column_range(cols, n)[0]})")
        out += [f"={fn}({self.computed_array('D!A1:A5')},D!F2:F6)" for fn in _PAIRED]
        out.append(f"=SUMPRODUCT({self.computed_array('D!A1:A4')},D!F2:F5)")
        for fn in ("LN", "SQRT", "LOG10", "LOG", "EXP", "ABS"):
            out.append(f"={fn}(ABS({self.number(2)})+1)" if fn != "EXP" else
                       f"=EXP(ROUND({self.number(2)},0)/10)")
        out += [f"=POWER({self.number(2)},2)", f"=ROUND({self.number(2)},1)",
                "=SUMPRODUCT(D!A1:A4,D!F2:F5)", f"=INDEX({self.block()[0]},1,1)",
                '=MATCH("b*",D!D1:D8,0)', f"=MATCH(IFERROR({self.number(1)},-1),D!F1:F8,1)",
                f"=ROWS({self.block()[0]})+COLUMNS({self.block()[0]})",
                f"=IF({self.condition(2)},{self.number(2)},{self.number(2)})",
                f"=IFERROR({self.number(2)},-1)", f"=IFNA({self.number(2)},-1)",
                f"=CHOOSE(2,{self.number(1)},{self.number(1)})",
                f"=AND({self.condition(1)},TRUE())", f"=OR({self.condition(1)},FALSE())",
                f"=NOT({self.condition(1)})", "=NA()", "=TRUE", "=FALSE",
                "{=SUM(IFERROR(D!A1:A6/D!C1:C6,D!F1:F6))}",
                "{=SUM(IFNA(MATCH(D!A1:A8,D!F1:F8,0),-1))}", "{=SUM(INDEX(D!F1:F8,{3;1}))}"]
        out += [f"={fn}({self.number(2)})" for fn in ("ISBLANK", "ISERROR", "ISNA",
                                                       "ISNUMBER", "ISTEXT")]
        # rows 2 and 5: a range in IFERROR's and IFNA's value argument, intersected with
        # the row on the error it catches (D!C2 is #DIV/0!, D!C5 #N/A)
        out.insert(1, "=SUM(IFERROR(D!C1:C8,-1))")
        out.insert(4, "=SUM(IFNA(D!C3:C6,7))")
        return out


def formulas(seed: int, count: int) -> list[str]:
    """``count`` formulas of a seed: a tour of every function, then random ones."""
    gen = Generator(seed)
    out = gen.tour()
    while len(out) < count:
        gen.row = len(out) + 1
        out.append(gen.formula())
    return out[:count]


_FUTURE = re.compile(r"\b(IFNA|STDEV\.S|STDEV\.P|VAR\.S|VAR\.P|COVARIANCE\.S|"
                     r"COVARIANCE\.P)\(")


def _stored(formula: str) -> str:
    """A formula as Excel stores it: functions newer than Excel 2007 prefixed _xlfn."""
    return _FUTURE.sub(r"_xlfn.\1(", formula)


@dataclass
class Outcome:
    """What one comparison found."""

    tried: int = 0
    refused: int = 0
    mismatches: list[tuple[str, Any, Any]] = field(default_factory=list)
    #: both an error, of different kinds: which of two errors wins (see LIBREOFFICE_DIFFERS)
    error_kinds: list[tuple[str, Any, Any]] = field(default_factory=list)


def _same(ours: Any, theirs: Any) -> bool:
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return ours == theirs and type(ours) is type(theirs)
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-12)
    return ours == theirs or (ours in (None, "") and theirs in (None, ""))


def _error(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("#") and value.upper() == value


def compare(items: list[str], folder: Path) -> Outcome:
    """Recalculate ``items`` (column A of sheet F) with LibreOffice and betaxl."""
    book = openpyxl.Workbook()
    data = book.active
    data.title = "D"
    for col, values in DATA.items():
        for i, value in enumerate(values, 1):
            data[f"{col}{i}"] = value
    sheet = book.create_sheet("F")
    for i, text in enumerate(items, 1):
        if text.startswith("{="):  # a one-cell array formula
            sheet[f"A{i}"] = ArrayFormula(f"A{i}", _stored(text[1:-1]))
        else:
            sheet.cell(i, 1, _stored(text))
    source = folder / "cases.xlsx"
    book.save(source)
    lo = openpyxl.load_workbook(libreoffice.recalculate(source, folder), data_only=True)["F"]
    done = recalculate_file(source, folder / "betaxl.xlsx")
    refused = {r.cell for r in done.report.unsupported}
    ours = openpyxl.load_workbook(done.path, data_only=True)["F"]
    outcome = Outcome(tried=len(items))
    for i, text in enumerate(items, 1):
        if f"F!A{i}" in refused:
            outcome.refused += 1
            continue
        mine, theirs = ours.cell(i, 1).value, lo.cell(i, 1).value
        if _same(mine, theirs):
            continue
        if _error(mine) and _error(theirs):
            outcome.error_kinds.append((text, mine, theirs))
        else:
            outcome.mismatches.append((text, mine, theirs))
    return outcome


def main(argv: list[str]) -> int:
    seeds, per_seed = int(argv[0]), int(argv[1])
    total = Outcome()
    for seed in range(seeds):
        with tempfile.TemporaryDirectory() as folder:
            found = compare(formulas(seed, per_seed), Path(folder))
        total.tried += found.tried
        total.refused += found.refused
        total.mismatches += found.mismatches
        total.error_kinds += found.error_kinds
    for text, mine, theirs in total.mismatches:
        print(f"MISMATCH {text}  betaxl={mine!r}  LibreOffice={theirs!r}")
    for text, mine, theirs in total.error_kinds:
        print(f"ERROR KIND {text}  betaxl={mine!r}  LibreOffice={theirs!r}")
    print(f"{total.tried} formulas, {len(total.mismatches)} mismatches, "
          f"{len(total.error_kinds)} errors of another kind where two errors meet, "
          f"{total.refused} listed as not computed")
    return 1 if total.mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
