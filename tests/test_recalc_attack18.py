"""betaxl recalc against the attack of issue 18 (fourth round): each class, one test.

Expected values are Excel's (the source beside each); a cell betaxl does not compute is
listed with its reason (exit 3), never answered.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from betaxl.errors import InputError
from betaxl.excel.functions import PER_PERIOD_RATE
from betaxl.workbook.cells import XlError
from betaxl.workbook.recalc import recalculate_file
from betaxl.workbook.sheetxml import SheetReader
from betaxl.workbook.writing import patch_sheet

from .recalc_xml import fc, recalc_xml
from .test_recalc_excel import recalc


def test_every_cell_of_a_cycle_and_every_cell_reading_one_is_listed(tmp_path: Path
                                                                    ) -> None:
    # Excel marks a circular reference and computes none of its cells (Microsoft, "Remove
    # or allow a circular reference"): A2, between the two ends of the back edge, was
    # written as 1 (blank + 1); B1 reads the ring, C1 reads B1: neither is computed.
    values, missing = recalc(tmp_path, {
        "A1": "=A2+1", "A2": "=A3+1", "A3": "=A1+1", "B1": "=A2*2", "C1": "=B1+1",
        "D1": "=5", "D2": "=D1+1", "E1": "=E1", "F1": "=G1", "G1": "=F1",
    })
    assert missing == ["S!A1", "S!A2", "S!A3", "S!B1", "S!C1", "S!E1", "S!F1", "S!G1"]
    assert values["D2"] == 6
    _, reasons = recalc_xml(tmp_path, [("S", '<row r="1">' + fc("A1", "B1+1") +
                                        fc("B1", "A1+1") + fc("C1", "B1*2", "7") +
                                        "</row>")], [])
    assert reasons == {"S!A1": "a circular reference", "S!B1": "a circular reference",
                       "S!C1": "depends on S!B1, not computed"}


def test_a_ring_of_5000_cells_and_a_chain_of_20000_pass_no_recursion_limit(
        tmp_path: Path) -> None:
    ring = "".join(f'<row r="{r}">' + fc(f"A{r}", f"A{r % 5000 + 1}+1") + "</row>"
                   for r in range(1, 5001))
    chain = "".join(f'<row r="{r}">' + fc(f"B{r}", f"B{r - 1}+1" if r > 1 else "1") +
                    "</row>" for r in range(1, 20001))
    values, reasons = recalc_xml(tmp_path, [("R", ring), ("C", chain)], ["C!B20000"])
    assert reasons == {f"R!A{r}": "a circular reference" for r in range(1, 5001)}
    assert values["C!B20000"] == 20000


def test_a_formula_reading_a_cell_not_computed_is_not_computed(tmp_path: Path) -> None:
    # A1's function is not supported; B1 = A1+1 was 1 (a blank read for A1), Excel 6.
    # B1 keeps its saved value (7 here; openpyxl saves none) and names what it reads.
    values, reasons = recalc_xml(tmp_path, [("S", '<row r="1">' + fc("A1", "N(5)") +
                                        fc("B1", "A1+1", "7") + fc("C1", "SUM(B1:B2)") +
                                        fc("D1", "IFERROR(A1,0)") + fc("E1", "1+1") +
                                        "</row>")], ["S!B1", "S!E1"])
    assert values == {"S!B1": 7, "S!E1": 2}
    assert reasons["S!B1"] == "depends on S!A1, not computed"
    assert reasons["S!C1"] == "depends on S!B1, not computed"
    assert reasons["S!D1"] == "depends on S!A1, not computed"
    assert set(reasons) == {"S!A1", "S!B1", "S!C1", "S!D1"}


def test_array_parameters_take_a_computed_array_whole_in_a_plain_formula(tmp_path: Path
                                                                         ) -> None:
    # Excel's function table gives SLOPE, CORREL ... parameters of array class ("VA",
    # LibreOffice's sc/source/filter/excel/xlformula.cxx): LN(B1:B4) is the four
    # logarithms, not the one of the formula's row (#N/A before). Values: LibreOffice.
    data = {"B1": 1, "B2": 2, "B3": 4, "B4": 3, "C1": 1, "C2": 2, "C3": 3, "C4": 4}
    values, missing = recalc(tmp_path, {
        **data, "A1": "=SLOPE(LN(B1:B4),C1:C4)", "A2": "=CORREL(B1:B4*2,C1:C4)",
        "A3": "=RSQ(B1:B4*2,C1:C4)", "A4": "=INTERCEPT(B1:B4+1,C1:C4)",
        "A5": "=COVAR(B1:B4*2,C1:C4)", "A6": "=PEARSON(B1:B4*2,C1:C4)",
        "A7": "=STEYX(B1:B4*2,C1:C4)", "A8": "=COVARIANCE.S(B1:B4*2,C1:C4)",
        "A9": "=SUM(B1:B4*2)", "E2": "=SUM(B1:B4*2)",
    })
    assert missing == []
    expected = {"A1": 0.398898404656427, "A2": 0.8, "A3": 0.64, "A4": 1.5, "A5": 2.0,
                "A6": 0.8, "A7": 1.89736659610103, "A8": 8 / 3}
    for where, value in expected.items():
        assert abs(values[where] - value) < 1e-12, where
    # SUM's parameters are of reference class ("RX"): the expression is intersected
    # (row 9: no cell of B1:B4, #VALUE!; row 2: B2*2)
    assert (values["A9"], values["E2"]) == (XlError("#VALUE!"), 4)


def test_a_block_over_a_sparse_sheet_costs_the_cells_that_exist(tmp_path: Path) -> None:
    # D holds A1 = 5 and XFD1048576 = 7: the block A1:XFD1048576 has 17,179,869,184
    # cells, of which two exist (refused before: past the budget of cells read).
    data = '<row r="1"><c r="A1"><v>5</v></c></row>' \
           '<row r="1048576"><c r="XFD1048576"><v>7</v></c></row>'
    formulas = ["SUM(D!A1:XFD1048576)", "COUNT(D!B:XFD)", "COUNTA(D!A1:XFD1048576)",
                "MAX(D!A1:XFD1048576)", "MIN(D!B2:XFD1048576)", "AVERAGE(D!A:XFD)",
                "SUM(D!A1:XFD1048576,D!A1:XFD1048576)", "ROWS(D!A:XFD)"]
    rows = "".join(f'<row r="{i}">' + fc(f"A{i}", f) + "</row>"
                   for i, f in enumerate(formulas, 1))
    values, reasons = recalc_xml(tmp_path, [("S", rows), ("D", data)],
                                 [f"S!A{i}" for i in range(1, len(formulas) + 1)])
    assert reasons == {}
    assert list(values.values()) == [12, 1, 2, 7, 7, 6, 24, 1048576]


def test_a_blank_rate_is_refused_and_no_nan_is_written(tmp_path: Path) -> None:
    # PER_PERIOD_RATE(F1,12) with F1 blank gave NaN, written as an empty <v></v>, exit 0
    with pytest.raises(InputError, match=r"^PER_PERIOD_RATE: annual is missing$"):
        PER_PERIOD_RATE(None, 12)
    values, _ = recalc(tmp_path, {"A1": "=PER_PERIOD_RATE(F1,12)",
                                  "A2": "=PER_PERIOD_RATE(0.05,F1)"})
    assert values == {"A1": XlError("#VALUE!"), "A2": XlError("#VALUE!")}
    done = recalculate_file(tmp_path / "in.xlsx", tmp_path / "again.xlsx")
    assert [(e.cell, e.reason) for e in done.report.errors] == [
        ("S!A1", "PER_PERIOD_RATE: annual is missing"),
        ("S!A2", "PER_PERIOD_RATE: periods_per_year is missing")]
    # whatever reaches the writer, a NaN or an infinity is written as Excel shows it
    data = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>')
    sheet = SheetReader(data, "sheet1.xml", [], set()).run()
    out = patch_sheet(sheet, {(1, 1): math.nan, (1, 2): math.inf, (1, 3): 2.5}, {})
    assert b'<c r="A1" t="e"><v>#NUM!</v></c><c r="B1" t="e"><v>#NUM!</v></c>' \
        b'<c r="C1"><v>2.5</v></c>' in out


def test_currency_text_and_empty_arguments_read_as_excel_does(tmp_path: Path) -> None:
    # LibreOffice's en-US VALUE: "$-5" -5, "$ 5" 5, "-$ 5" -5, one sign only; a currency
    # sign with a percent or an exponent is #VALUE! there, undocumented by Microsoft:
    # listed. An empty argument of an aggregate is the number 0 (LibreOffice, Excel).
    values, missing = recalc(tmp_path, {
        "A1": '="$-5"+0', "A2": '="$ 5"+0', "A3": '="-$ 5"*1', "A4": '="-$-5"+0',
        "A5": '="$5%"+0', "B1": 1, "B2": 2, "C1": "=COUNT(B1,,B2)", "C2": "=MAX(-1,)",
        "C3": "=AVERAGE(2,)", "C4": "=PRODUCT(2,)", "C5": "=COUNTA(1,)",
        "C6": "=AND(TRUE,)", "C7": "=STDEV(1,2,)", "C8": "=SUM(1,,2)",
    })
    assert missing == ["S!A5"]
    assert [values[f"A{i}"] for i in range(1, 5)] == [-5, 5, -5, XlError("#VALUE!")]
    assert [values[f"C{i}"] for i in range(1, 9)] == [3, 0, 1, 0, 2, False, 1, 3]


def test_a_spilled_range_reference_is_listed_as_what_it_is(tmp_path: Path) -> None:
    sheet = '<row r="1"><c r="A1"><v>1</v></c>' + fc("B1", "SUM(_xlfn.ANCHORARRAY(A1))") + \
        "</row>"
    _, reasons = recalc_xml(tmp_path, [("S", sheet)], [])
    assert reasons == {"S!B1": "a spilled range reference (A1#, stored _xlfn.ANCHORARRAY)"}


def test_numbers_with_signs_where_excel_does_not_document_them_are_listed(tmp_path: Path
                                                                          ) -> None:
    # LibreOffice reads "- 5" -5, "5-" -5, "5$" 5, "$(5)" -5 and "5 %" 0.05; Microsoft's
    # VALUE documents none of them: listed, never #VALUE! or a number by guess. Text that
    # is no number at all stays #VALUE!.
    values, missing = recalc(tmp_path, {
        "A1": '="- 5"+0', "A2": '="5-"+0', "A3": '="5$"+0', "A4": '="$(5)"+0',
        "A5": '="5 %"+0', "A6": '="--"+0', "A7": '="$"+0', "A8": '="5e"+0',
    })
    assert missing == [f"S!A{i}" for i in range(1, 6)]
    assert [values[f"A{i}"] for i in range(6, 9)] == [XlError("#VALUE!")] * 3


def test_moments_that_do_not_need_y_squared_do_not_overflow_on_it(tmp_path: Path) -> None:
    # y near 1E+155: SLOPE, INTERCEPT and COVAR never square y (LibreOffice and by hand:
    # 9.47368421052632E+154, -1.05263157894737E+155); STEYX needs y's squares: #NUM!
    values, missing = recalc(tmp_path, {
        "B1": 1e155, "B2": -1e155, "B3": 3e155, "C1": 1, "C2": 2, "C3": 3.5,
        "D1": "=SLOPE(B1:B3,C1:C3)", "D2": "=INTERCEPT(B1:B3,C1:C3)",
        "D3": "=COVAR(B1:B3,C1:C3)", "D4": "=_xlfn.COVARIANCE.S(B1:B3,C1:C3)",
        "D5": "=STEYX(B1:B3,C1:C3)",
    })
    assert missing == []
    y, x = [1e155, -1e155, 3e155], [1, 2, 3.5]
    my, mx = sum(y) / 3, sum(x) / 3
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = math.fsum((a - mx) ** 2 for a in x)
    assert values["D1"] == sxy / sxx and math.isclose(values["D1"], 9.47368421052632e154,
                                                     rel_tol=1e-14)
    assert values["D2"] == my - sxy / sxx * mx
    assert (values["D3"], values["D4"]) == (sxy / 3, sxy / 2)
    assert values["D5"] == XlError("#NUM!")


def test_an_error_given_as_the_lookup_array_is_matchs_answer(tmp_path: Path) -> None:
    values, missing = recalc(tmp_path, {"A1": "=MATCH(4,1/0,0)", "A2": "=MATCH(4,SQRT(-1),0)",
                                        "A3": "=MATCH(4,NA(),0)", "A4": "=MATCH(4,4,0)"})
    assert missing == []
    assert [values[f"A{i}"] for i in range(1, 5)] == [
        XlError("#DIV/0!"), XlError("#NUM!"), XlError("#N/A"), 1]


def test_numbers_below_the_smallest_excel_holds_are_zero(tmp_path: Path) -> None:
    # Microsoft, Excel specifications and limits: smallest positive number 2.2251E-308;
    # LibreOffice gives 0 for each of these
    values, missing = recalc(tmp_path, {
        "A1": '="1E-310"+0', "A2": '="1E-310"*1E+300', "A3": "=2.2250738585072014E-308/2",
        "A4": "=2.2250738585072014E-308*1", "A5": '=-"1E-310"', "A6": "=1E-300*1E-10",
        "A7": "=SUM(1E-300*1E-10,1)",
    })
    assert missing == []
    assert [values[f"A{i}"] for i in range(1, 8)] == [0, 0, 0, 2.2250738585072014e-308, 0,
                                                      0, 1]


def test_a_percent_in_parentheses_is_listed_as_its_neighbours_are(tmp_path: Path) -> None:
    values, missing = recalc(tmp_path, {"A1": '="(5%)"+0', "A2": '="(5)"+0',
                                        "A3": '="($5)"+0', "A4": '="5%"+0'})
    assert missing == ["S!A1"]
    assert [values[f"A{i}"] for i in range(2, 5)] == [-5, -5, 0.05]
