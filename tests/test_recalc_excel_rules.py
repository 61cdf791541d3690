"""betaxl recalc against Excel's answers: argument classes, the near-zero rule, error kinds.

One regression test per class; each expected value is Excel's, with its source beside it
(Microsoft's function reference or KB article), not the engine's own output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from betaxl.workbook.cells import XlError

from .test_recalc_excel import recalc

DIV0, NA, VALUE, NUM, REF = (XlError(c) for c in ("#DIV/0!", "#N/A", "#VALUE!", "#NUM!",
                                                  "#REF!"))
DATA = {"A1": 1, "A2": "=1/0", "A3": 3, "A4": "TRUE"}


def test_a_value_argument_is_intersected_whatever_function_holds_it(tmp_path: Path
                                                                    ) -> None:
    # Microsoft, "Implicit intersection operator: @": in a formula that is not an array
    # formula, a range given where one value is expected is the cell in the formula's
    # row (#VALUE! if there is none).  IFERROR's and IFNA's arguments are values, also
    # inside SUM; SUMPRODUCT's arguments are arrays; IF's branches may be references.
    values, missing = recalc(tmp_path, {
        **DATA,
        "C1": "=SUM(IFERROR(A1:A3,0))",      # A1: 1
        "C2": "=SUM(IFERROR(A1:A3,0))",      # A2 is #DIV/0!: 0
        "C3": "=SUM(IFERROR(A1:A3,0))",      # A3: 3
        "C7": "=SUM(IFERROR(A1:A3,0))",      # no cell in row 7: #VALUE!, so 0 (not 4)
        "D7": "=SUM(_xlfn.IFNA(A1:A3,0))",   # #VALUE! is not #N/A: #VALUE!
        "E7": "=SUMPRODUCT(IFERROR(A1:A3,0))",  # an array argument: 1+0+3
        "F7": "=SUM(IF(TRUE,A1:A3))",        # IF gives the reference: #DIV/0! of A2
        "G3": "=COUNT(IFERROR(A1:A3,0))",    # one value, 3: 1
        "H7": "=SUM(ABS(A1:A3))",            # ABS takes a value: #VALUE!
    })
    assert missing == []
    assert (values["C1"], values["C2"], values["C3"], values["C7"]) == (1, 0, 3, 0)
    assert (values["D7"], values["E7"], values["F7"]) == (VALUE, 4, DIV0)
    assert (values["G3"], values["H7"]) == (1, VALUE)


def test_the_near_zero_rule_after_a_last_plus_or_minus(tmp_path: Path) -> None:
    # Microsoft KB 78113 ("Floating-point arithmetic may give inaccurate results in
    # Excel"): a last + or - whose result is zero but for binary residue gives 0; not
    # when the last operation is another (1*(...), the parentheses, a negation).
    values, missing = recalc(tmp_path, {
        "A1": 0.3, "A2": "=0.1+0.2",
        "B1": "=0.5-0.4-0.1",                # 0 (the KB's example)
        "B2": "=(0.5-0.4-0.1)",              # -2.78E-17: the parentheses are last
        "B3": "=1*(0.5-0.4-0.1)",            # -2.78E-17 (the KB's example)
        "B4": "=A1-A2",                      # 0.3 - 0.30000000000000004: 0
        "B5": "=0.3-(0.1+0.2)",              # the last operation is -: 0
        "B6": "=-(0.5-0.4-0.1)",             # a negation last: 2.78E-17
        "B7": "=1-0.9999999999999",          # 1.00031E-13 is no residue: kept
        "B9": "=INDEX(A1:A2,1)-A2",          # a cell INDEX gives is a cell: 0
        "B8": "=0=0.5-0.4-0.1",              # a comparison last: FALSE, as Excel
        #                                      (the residue is compared, not zeroed)
    })
    residue = 0.5 - 0.4 - 0.1
    assert missing == []
    assert values["B1"] == 0 and values["B4"] == 0 and values["B5"] == 0 and \
        values["B9"] == 0
    assert values["B2"] == residue and values["B3"] == residue and values["B6"] == -residue
    assert values["B7"] == 1 - 0.9999999999999 and values["B8"] is False


def test_the_near_zero_bound_is_seven_units_in_the_last_place(tmp_path: Path) -> None:
    # Measured in Excel (see values.NEAR_ZERO_UNITS): operands 1 to 7 units in the last
    # place apart give 0, 8 apart keep the difference.
    ulp = 2.0 ** -52
    values, missing = recalc(tmp_path, {
        "A1": "=1+7*2^-52", "A2": "=1+8*2^-52", "A3": "=-(1+7*2^-52)",  # exact
        "B1": "=A1-1", "B2": "=A2-1", "B3": "=A3+1", "B4": "=1-A1*1",
        "B5": "=818562.54-778536.1+-40026.44",  # 8 units: Excel 5.82077E-11
        "B6": "=A1+1",                          # no cancellation: 2
    })
    assert missing == []
    assert (values["B1"], values["B2"], values["B3"], values["B4"]) == (0, 8 * ulp, 0, 0)
    assert values["B5"] == 818562.54 - 778536.1 + -40026.44 != 0
    assert values["B6"] == 2 + 7 * ulp


def test_minor_error_kinds(tmp_path: Path) -> None:
    values, missing = recalc(tmp_path, {
        **DATA,
        "B1": "=INDEX(A1:A3,-1)",    # #VALUE! (Microsoft's INDEX: negative numbers)
        "B2": "=INDEX(A1:A3,4)",     # #REF! (beyond the range)
        "B3": '="1E400"+0',          # #VALUE!: no number Excel holds (not #NUM!)
        "B4": '=COUNT("1E400",1)',   # 1: the text does not read as a number
        "B5": '=IF("TRUE",1,2)',     # 1: the text TRUE is a logical value
        "B6": '=IF("false",1,2)',    # 2
        "B7": "=IF(A4,1,2)",         # 1 (A4 holds the text TRUE)
        "B8": '=IF("x",1,2)',        # #VALUE!
        "B9": '="ß"="ss"',           # FALSE: no case, but no case folding
        "B10": '="STRASSE"="strasse"',  # TRUE
        "B11": '=MATCH("ss",{"ß","SS"},0)',  # 2
        "B12": "=LOG(-1,1)",         # #NUM!: the number out of the domain first
        "B13": "=LOG(2,1)",          # #DIV/0!: log of the base is 0
        "B14": '=IF(" TRUE",1,2)',   # spaces around TRUE: not documented, listed
        "C1": "=-0", "C2": "=0*-1", "C3": "=ROUND(-0.4,0)",  # 0: Excel has no -0
        "D1": "=INDEX(A1:A3,3,1,1)",  # area 1 of one range: 3 (Microsoft's INDEX)
        "D2": "=INDEX(A1:A3,3,1,2)",  # no area 2: #REF!
    })
    assert missing == ["S!B14"]
    assert [values[f"B{i}"] for i in range(1, 14)] == [
        VALUE, REF, VALUE, 1, 1, 2, 1, VALUE, False, True, 2, NUM, DIV0]
    assert [str(values[f"C{i}"]) for i in (1, 2, 3)] == ["0.0"] * 3
    assert (values["D1"], values["D2"]) == (3, REF)


def test_a_named_range_and_a_column_of_index_are_intersected_too(tmp_path: Path) -> None:
    # The same rule for every range where one value is wanted: a defined name of a
    # range and the column INDEX(...,0,n) gives are references (Microsoft's INDEX:
    # "returns the reference"), intersected with the formula's row in a plain formula.
    from openpyxl.workbook.defined_name import DefinedName

    def prepare(book: Any) -> None:
        book.defined_names["Prices"] = DefinedName("Prices", attr_text="S!$A$1:$A$3")

    values, missing = recalc(tmp_path, {
        "A1": 10, "A2": 20, "A3": 30, "B1": 1, "B2": 2, "B3": 3,
        "C2": "=Prices*2",                  # A2*2: 40
        "C7": "=Prices*2",                  # no row 7 in the name: #VALUE!
        "D3": "=SUM(Prices)",               # a range argument: 60
        "E2": "=INDEX(A1:B3,0,2)+1",        # B2+1: 3
        "E7": "=INDEX(A1:B3,0,2)+1",        # #VALUE!
        "F3": "=SUM(INDEX(A1:B3,0,2))",     # 6
    }, prepare=prepare)
    assert missing == []
    assert (values["C2"], values["C7"], values["D3"]) == (40, VALUE, 60)
    assert (values["E2"], values["E7"], values["F3"]) == (3, VALUE, 6)


def test_choose_truncates_its_index_and_passes_references(tmp_path: Path) -> None:
    # Microsoft's CHOOSE reference: index_num truncated, #VALUE! below 1 or beyond the
    # last value; the values may be references (=SUM(CHOOSE(2,A1,A1:A3))).
    values, missing = recalc(tmp_path, {
        **DATA,
        "B1": "=CHOOSE(2.7,10,20,30)", "B2": "=CHOOSE(0,10,20)", "B3": "=CHOOSE(3,10,20)",
        "B4": "=SUM(CHOOSE(2,A1,A1:A3))",       # the range: #DIV/0! of A2
        "B5": "=SUM(CHOOSE(1,A3:A3,A1))",       # 3
        "B6": "=CHOOSE(2,1/0,5)",               # only the chosen value is evaluated: 5
        "C3": "=CHOOSE(A1:A3,7,8,9)",           # the index intersected: A3 is 3, so 9
        "C9": "=CHOOSE(1,A1:A3)",               # intersected, no row 9: #VALUE!
    })
    assert missing == []
    assert [values[f"B{i}"] for i in range(1, 7)] == [20, VALUE, VALUE, DIV0, 3, 5]
    assert (values["C3"], values["C9"]) == (9, VALUE)
