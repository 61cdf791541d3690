"""betaxl recalc against the second attack: each class found, one regression test.

Expected values are Excel's (the source beside each); where betaxl cannot compute as
Excel does, the cell must be listed (exit 3) with its reason, never answered.
"""

from __future__ import annotations

from pathlib import Path

from betaxl.workbook.cells import XlError

from .recalc_xml import fc, recalc_xml
from .test_recalc_excel import recalc

VALUE = XlError("#VALUE!")


def test_a_formula_reading_its_own_cell_is_a_circular_reference(tmp_path: Path) -> None:
    # Excel: "There are one or more circular references where a formula refers to its
    # own cell" (Microsoft, "Remove or allow a circular reference"): never a value grown
    # from the cached one.
    values, missing = recalc(tmp_path, {
        "A1": 1, "A2": 2, "A3": "=SUM(A1:A3)", "B3": "=B3+1", "A5": "=SUM(A:A)",
        "C1": "=me+1", "C2": "=SUM(A1:A2)",
    }, prepare=lambda book: book.defined_names.add(
        __import__("openpyxl").workbook.defined_name.DefinedName("me", attr_text="S!$C$1")))
    assert sorted(missing) == ["S!A3", "S!A5", "S!B3", "S!C1"]
    assert values["C2"] == 3


def test_a_betaxl_function_given_the_wrong_number_of_arguments_is_listed(
        tmp_path: Path) -> None:
    values, missing = recalc(tmp_path, {
        "A1": 0.01, "A2": 0.02, "B1": "=RETURNS()",
        "B2": '=PER_PERIOD_RATE(0.05,12,"compound",1,2)', "B3": "=BETA_OLS(A1:A2)",
    })
    assert missing == ["S!B1", "S!B2", "S!B3"]
    _, reasons = recalc_xml(tmp_path, [("S", '<row r="1">' + fc("A1", "RETURNS()") +
                                        "</row>")], [])
    assert reasons == {"S!A1": "RETURNS takes 1 to 4 arguments (prices, method, "
                                "dividends, date_format), not 0"}


def test_round_of_a_number_already_whole_at_the_digits_is_that_number(tmp_path: Path
                                                                       ) -> None:
    # LibreOffice (and Excel's ROUND reference: "rounds a number to a specified number of
    # digits"): a whole number beyond 15 digits is already rounded at 0 or -3 digits of
    # its own binary value; the 15-digit decimal would move it by 3072.
    values, missing = recalc(tmp_path, {
        "A1": 1234567890123456789, "B1": "=ROUND(A1,0)-A1", "B2": "=ROUND(2^60,-3)-2^60",
        "B3": "=ROUND(1.005,2)", "B4": "=ROUND(2^60,-18)",
    })
    assert missing == []
    assert (values["B1"], values["B2"], values["B3"], values["B4"]) == (0, 0, 1.01, 1e18)


def test_a_formula_tag_with_whitespace_is_a_formula(tmp_path: Path) -> None:
    sheet = '<row r="1"><c r="A1"><v>5</v></c><c r="B1"><f\n>A1*2</f\n><v>999</v></c></row>'
    values, missing = recalc_xml(tmp_path, [("S", sheet)], ["S!B1"])
    assert (values, missing) == ({"S!B1": 10}, {})


def test_escaped_characters_and_phonetic_runs_in_strings(tmp_path: Path) -> None:
    # ECMA-376 Part 1, 22.9.2.19 ST_Xstring: _xHHHH_ is the character U+HHHH; a phonetic
    # run (rPh) is a reading aid, not the cell's text (as python-calamine reads both).
    inline = ('<c r="B1" t="inlineStr"><is><t>a_x0009_b</t><rPh sb="0" eb="1"><t>PH</t>'
              '</rPh></is></c>')
    data = f'<c r="A1" t="s"><v>0</v></c>{inline}'
    formulas = '<row r="1">' + fc("A1", 'D!A1&"|"&D!B1') + "</row>"
    for row in (f'<row r="1">{data}</row>',  # a formula-free sheet: python-calamine
                f'<row r="1">{data}{fc("C1", "1")}</row>'):  # a formula row: exact reader
        values, missing = recalc_xml(tmp_path, [("F", formulas), ("D", row)], ["F!A1"],
                                     strings=("a_x0009_b",))
        assert (values, missing) == ({"F!A1": "a\tb|a\tb"}, {})


def test_a_parse_error_is_said_in_words(tmp_path: Path) -> None:
    _, reasons = recalc_xml(tmp_path, [("S", '<row r="1">' + fc("A1", ")") + "</row>")],
                            [])
    assert reasons == {"S!A1": "cannot parse: a closing parenthesis or brace without "
                               "its opening one"}


def test_a_cell_at_the_sheets_far_corner_costs_what_its_cells_cost(tmp_path: Path) -> None:
    # Two cells at A1 and XFD1048576: python-calamine would hold the 17-billion-cell box
    # (549 GB, the process aborted); the box is measured from the bytes and such a sheet
    # read by the exact reader (time and memory: benchmarks/run.py far_cells).
    data = ('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576">'
            '<v>2</v></c></row>')
    formulas = '<row r="1">' + fc("A1", "D!A1+1") + fc("B1", "SUMPRODUCT(D!A:A*1)") + \
        fc("C1", "COUNT(D!A:XFD)") + "</row>"
    values, missing = recalc_xml(tmp_path, [("D", data), ("F", formulas)],
                                 ["F!A1", "F!B1", "F!C1", "D!XFD1048576"])
    # the whole sheet's 17 billion cells cost the two rows that hold cells
    assert values == {"F!A1": 2, "F!B1": 1, "F!C1": 2, "D!XFD1048576": 2}
    assert missing == {}


def test_sum_adds_left_to_right_as_excel(tmp_path: Path) -> None:
    # Excel: =SUM(123.45,56.78,-180.23) is 2.8421709430404E-14 (Microsoft Q&A, "Excel
    # decimal fractions", 2023): left-to-right double addition; an exact sum gives 1.4E-14.
    # LibreOffice agrees on =SUM(1E+16,1,-1E+16) (0) and =SUM(0.1,0.2,-0.3).
    values, missing = recalc(tmp_path, {
        "A1": "=SUM(123.45,56.78,-180.23)", "A2": "=SUM(1E+16,1,-1E+16)",
        "A3": "=SUM(0.1,0.2,-0.3)", "A4": "=AVERAGE(1E+16,1,-1E+16)",
        "A5": "=SUMPRODUCT({1E+16;1;-1E+16},{1;1;1})",
    })
    assert missing == []
    assert values["A1"] == 123.45 + 56.78 - 180.23 == 2.842170943040401e-14
    assert (values["A2"], values["A3"]) == (0, 0.1 + 0.2 - 0.3)
    assert (values["A4"], values["A5"]) == (0, 0)


def test_an_iso_date_cell_is_its_serial_in_the_books_date_system(tmp_path: Path) -> None:
    # ECMA-376 Part 1, 18.17.4: a t="d" cell holds an ISO 8601 date; Excel holds every
    # date as its serial: 2024-01-31 is 45322 (1900 system), 43860 (1904 system).
    dates = ('<c r="A1" t="d"><v>2024-01-31T00:00:00</v></c>'
             '<c r="B1" t="d"><v>2024-02-01T12:00:00</v></c>')
    texts = ("SUM(D!A1:B1)", "MAX(D!A1:B1)", "ISNUMBER(D!A1)", "AVERAGE(D!A1:B1)",
             "D!A1+0", "COUNT(D!A1:B1)")
    formulas = "".join(fc(f"{c}1", f) for c, f in zip("BCDEFG", texts, strict=True))
    for date1904, base in ((False, 45322), (True, 43860)):
        for data in (f'<row r="1">{dates}</row>',  # a formula-free sheet (calamine)
                     f'<row r="1">{dates}{fc("C1", "1")}</row>'):  # a formula row
            values, missing = recalc_xml(
                tmp_path, [("F", f'<row r="1">{formulas}</row>'), ("D", data)],
                [f"F!{c}1" for c in "BCDEFG"], date1904=date1904)
            assert missing == {}
            assert list(values.values()) == [2 * base + 1.5, base + 1.5, True,
                                             base + 0.75, base, 2]


def test_a_number_cell_that_is_not_a_number_is_refused_on_any_sheet(tmp_path: Path) -> None:
    # A number cell's <v> is an XML Schema double (ECMA-376 Part 1, 18.3.1.96); Excel
    # holds no NaN or infinity.  One rule whichever reader reads the row.
    import pytest

    from betaxl.errors import BetaxlError

    formula = '<row r="2">' + fc("A2", "D!A1&\"!\"") + "</row>"
    for bad in ("ninety", "NaN", "inf", "1e400", "1_000"):
        cell = f'<c r="A1"><v>{bad}</v></c>'
        for sheets in ([("F", formula), ("D", f'<row r="1">{cell}</row>')],
                       [("D", f'<row r="1">{cell}</row>{formula.replace("D!", "")}')],
                       [("D", f'<row r="1">{cell}{fc("B1", "A1")}</row>')]):
            with pytest.raises(BetaxlError, match=f"cell A1 holds a value '{bad}'"):
                recalc_xml(tmp_path, sheets, [])
    values, missing = recalc_xml(tmp_path, [("F", formula), ("D", '<row r="1"><c r="A1">'
                                                               '<v> 7 </v></c></row>')],
                                 ["F!A2"])  # whitespace is collapsed: 7
    assert (values, missing) == ({"F!A2": "7!"}, {})


def test_rows_and_cells_placed_by_position(tmp_path: Path) -> None:
    # ECMA-376 Part 1, 18.3.1.73: a row's r is optional (the row after the last one);
    # so is a cell's (the cell after the last one).
    for second in ("<row><c r=\"A2\"><f>A1*2</f></c></row>", "<row><c><f>A1*2</f></c></row>"):
        values, missing = recalc_xml(
            tmp_path, [("S", '<row r="1"><c r="A1"><v>5</v></c></row>' + second)], ["S!A2"])
        assert (values, missing) == ({"S!A2": 10}, {})


def test_is_functions_and_iferror_over_a_whole_column_stay_sparse(tmp_path: Path) -> None:
    # ISNUMBER(blank) is FALSE and IFERROR(1/blank,0) is 0 (1/blank is #DIV/0!): computed
    # once for the cells beyond the data, not 1,048,576 times (343 s for 40 formulas).
    from betaxl.workbook.cells import Grid, Ref
    from betaxl.workbook.natives import NATIVES

    column = Grid([[1.0], ["x"]], (1_048_576, 1), Ref("D", 1, 1, 1_048_576, 1))
    out = NATIVES["ISNUMBER"](column)
    assert (out.rows, out.size, out.fill) == ([[True], [False]], (1_048_576, 1), False)
    cells = {f"A{i}": i for i in range(1, 11)}
    values, missing = recalc(tmp_path, {
        **cells, "B1": "=SUMPRODUCT(ISNUMBER(A:A)*3)", "C1": "=SUMPRODUCT(IFERROR(1/A:A,0))",
        "D1": "=SUMPRODUCT(ISBLANK(A:A)*1)", "E1": "=SUMPRODUCT(ISERROR(1/A:A)*1)",
    })
    assert missing == []
    assert values["B1"] == 30 and values["D1"] == 1_048_566
    assert values["C1"] == sum(1 / i for i in range(1, 11)) and values["E1"] == 1_048_566


def test_arrays_over_a_whole_sheet_are_sparse_or_the_cell_listed(tmp_path: Path) -> None:
    # {=COUNT(S!A:XFD*1)}: every one of the 17,179,869,184 cells gives a number (blank*1
    # is 0), counted without listing them; MAX, SUM, AND see the fill once.  A sum of
    # 17 billion copies of 0.1 is not added one by one: that cell is listed, the other
    # formulas computed (the workbook is not refused).
    from openpyxl.worksheet.formula import ArrayFormula

    def prepare(book: object) -> None:
        ws = book.create_sheet("F")  # type: ignore[attr-defined]
        for where, text in (("A1", "=COUNT(S!A:XFD*1)"), ("A2", "=AND(S!A:XFD>=0)"),
                            ("A3", "=SUM(S!A:XFD*1)"), ("A4", "=MAX(S!A:XFD*-1)"),
                            ("A5", "=SUMPRODUCT(S!A:XFD+0.1)"), ("A6", "=COUNTA(S!A:XFD)")):
            ws[where] = ArrayFormula(where, text)

    values, missing = recalc(tmp_path, {"A1": 1, "B2": 2}, prepare=prepare)
    assert missing == ["F!A5"]
    from betaxl.workbook.book import Book

    out = Book(tmp_path / "out.xlsx")
    try:
        got = [out.sheet("F").get(r, 1) for r in range(1, 7)]
    finally:
        out.close()
    assert got[:4] + got[5:] == [16_384 * 1_048_576, True, 3, 0, 2]


def test_an_array_given_to_a_parameter_of_one_value_lifts_the_function(tmp_path: Path
                                                                        ) -> None:
    # In an array formula a function of one value given an array is computed for each
    # of its elements (Microsoft, "Guidelines and examples of array formulas"; Excel
    # and LibreOffice: IFERROR(A1:A3/B1:B3,C1:C3) is 10, 20, 2).
    from openpyxl.worksheet.formula import ArrayFormula

    def prepare(book: object) -> None:
        ws = book.active  # type: ignore[attr-defined]
        ws["E1"] = ArrayFormula("E1:E3", "=IFERROR(A1:A3/B1:B3,C1:C3)")
        ws["F1"] = ArrayFormula("F1", "=SUM(IFERROR(A1:A3/B1:B3,C1:C3))")
        ws["G1"] = ArrayFormula("G1:G3", "=MATCH(C1:C3,C1:C3,0)")
        ws["H1"] = ArrayFormula("H1:H2", "=INDEX(A1:A3,{3;1})")
        ws["I1"] = ArrayFormula("I1:I3", "=IFNA(MATCH(A1:A3,{1;6},0),-1)")
        ws["J1"] = ArrayFormula("J1", "=SUM(IFERROR(1/A:A,0))")  # sparse, the fill once

    cells = {"A1": 1, "A2": 2, "A3": 6, "B1": 0, "B2": 0, "B3": 3, "C1": 10, "C2": 20,
             "C3": 30}
    values, missing = recalc(tmp_path, {**cells, **dict.fromkeys(
        ("E2", "E3", "G2", "G3", "H2", "I2", "I3"))}, prepare=prepare)
    assert missing == []
    from betaxl.workbook.book import Book

    out = Book(tmp_path / "out.xlsx")
    try:
        got = {c: out.sheet("S").get(r, k) for c, r, k in (
            ("E1", 1, 5), ("E2", 2, 5), ("E3", 3, 5), ("F1", 1, 6), ("G1", 1, 7),
            ("G2", 2, 7), ("G3", 3, 7), ("H1", 1, 8), ("H2", 2, 8), ("I1", 1, 9),
            ("I2", 2, 9), ("I3", 3, 9), ("J1", 1, 10))}
    finally:
        out.close()
    assert got == {"E1": 10, "E2": 20, "E3": 2, "F1": 32, "G1": 1, "G2": 2, "G3": 3,
                   "H1": 6, "H2": 1, "I1": 1, "I2": -1, "I3": 2, "J1": 1 + 0.5 + 1 / 6}


def test_the_at_operator_is_implicit_intersection(tmp_path: Path) -> None:
    # Microsoft, "Implicit intersection operator: @" (Excel 365 stores @ as _xlfn.SINGLE):
    # a range gives the cell on the formula's row (#VALUE! if none), an array its
    # top-left value, a single value itself.
    values, missing = recalc(tmp_path, {
        "A1": 1, "A2": 2, "A3": 3, "B2": "=_xlfn.SINGLE(A1:A3)*10",
        "B7": "=_xlfn.SINGLE(A1:A3)", "B8": "=_xlfn.SINGLE({5,6})+_xlfn.SINGLE(A3)",
    })
    assert missing == []
    assert (values["B2"], values["B7"], values["B8"]) == (20, VALUE, 8)
