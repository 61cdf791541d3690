"""betaxl recalc against Excel's own answers: one regression test per class of difference.

Each expected value is Excel's (Microsoft's function reference, or Excel's documented
behaviour cited beside it), not the engine's own output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from betaxl.workbook.book import Book
from betaxl.workbook.cells import XlError
from betaxl.workbook.recalc import recalculate_file

DIV0, NA, VALUE, NUM = (XlError(c) for c in ("#DIV/0!", "#N/A", "#VALUE!", "#NUM!"))


def recalc(tmp_path: Path, cells: dict[str, Any], *, sheet: str = "S",
           prepare: Any = None) -> tuple[dict[str, Any], list[str]]:
    """Write ``cells`` into one sheet, recalculate, give every cell's value and the
    cells listed as not computed."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for where, value in cells.items():
        ws[where] = value
    if prepare is not None:
        prepare(book)
    source = tmp_path / "in.xlsx"
    book.save(source)
    done = recalculate_file(source, tmp_path / "out.xlsx")
    out = Book(done.path)
    try:
        values = {where: out.sheet(sheet).get(*_rc(where)) for where in cells}
    finally:
        out.close()
    return values, [r.cell for r in done.report.unsupported]


def _rc(where: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(where)
    return row, column_index_from_string(letters)


def test_is_functions_see_errors_and_the_leftmost_error_wins(tmp_path: Path) -> None:
    values, missing = recalc(tmp_path, {
        "A1": 5, "A2": 0, "D1": "apple", "D2": "banana", "D3": "cherry",
        "B1": "=ISERROR(1/0)",                       # TRUE (Excel's IS functions)
        "B2": "=IF(ISERROR(A1/A2),0,A1/A2)",         # 0
        "B3": '=ISNUMBER(MATCH("kiwi",D1:D3,0))',    # FALSE
        "B4": "=NA()+(1/0)",                         # #N/A: the left operand first
        "B5": "=(1/0)+NA()",                         # #DIV/0!
        "B6": "=ISNA(NA())", "B7": "=ISERROR(A1)", "B8": '=ISTEXT(MATCH("x",D1:D3,0))',
        "B9": "=SUM(NA(),1/0)",                      # #N/A
    })
    assert missing == []
    assert [values[f"B{i}"] for i in range(1, 10)] == [True, 0.0, False, NA, DIV0, True,
                                                       False, False, NA]


def test_text_to_number_follows_value(tmp_path: Path) -> None:
    values, missing = recalc(tmp_path, {
        "B1": '="1,000"+1', "B2": '="50%"+0', "B3": '="1_000"+1', "B4": '="\u0661"+1',
        "B5": '=" 2.5 "*2', "B6": '="$3"+0', "B7": '="(4)"+0', "B8": '="1e3"+0',
        "B9": '="1,00"+0', "B10": '="abc"+0', "B11": '="2024-01-05"+0',
    })
    assert [values[f"B{i}"] for i in range(1, 11)] == [1001.0, 0.5, VALUE, VALUE, 5.0, 3.0,
                                                       -4.0, 1000.0, None, VALUE]
    # a date typed as text depends on the locale, and so does a comma out of place
    assert missing == ["S!B9", "S!B11"]


def test_comparison_and_round_on_15_significant_digits(tmp_path: Path) -> None:
    values, missing = recalc(tmp_path, {
        "B1": "=0.1+0.2=0.3", "B2": "=ROUND(1.005,2)", "B3": "=ROUND(0.285,2)",
        "B4": "=ROUND(-2.5,0)", "B5": "=ROUND(1234.5,-2)", "B6": "=ROUND(5,400)",
        "B7": "=ROUND(1,-400)", "B8": "=STDEV(1E+200,-1E+200)", "B9": "=1/3=0.333333333333333",
    })
    assert missing == []
    assert [values[f"B{i}"] for i in range(1, 10)] == [True, 1.01, 0.29, -3.0, 1200.0, 5.0,
                                                       0.0, NUM, True]


def test_blank_results_show_zero(tmp_path: Path) -> None:
    values, missing = recalc(tmp_path, {
        "A1": 1, "B1": "=IF(TRUE,A5)", "B2": "=INDEX(A1:A5,5)", "B3": "=IFERROR(A5,1)",
        "B4": "=A5", "B5": '=""', "B6": "=COUNTA(B5)", "B7": '=COUNT("1",TRUE,"x")',
        "B8": '=""&1E+15', "B9": '=""&123456789012345', "B10": '="a"&1/4',
    })
    assert missing == []
    assert [values[f"B{i}"] for i in range(1, 11)] == [0.0, 0.0, 0.0, 0.0, "", 1.0, 2.0,
                                                       "1E+15", "123456789012345", "a0.25"]


def test_match_wildcards_and_approximate_match(tmp_path: Path) -> None:
    values, missing = recalc(tmp_path, {
        "A1": "apple", "A2": "banana", "A3": "b*", "C1": 1, "C2": 3, "C3": 2,
        "B1": '=MATCH("b*",A1:A3,0)', "B2": '=MATCH("?pple",A1:A3,0)',
        "B3": '=MATCH("b~*",A1:A3,0)', "B4": '=MATCH("BAN*",A1:A3,0)',
        "B5": "=MATCH(2,C1:C3,1)",  # unsorted: Excel's binary search, not guessed
    })
    assert [values[f"B{i}"] for i in range(1, 5)] == [2.0, 1.0, 3.0, 2.0]
    assert missing == ["S!B5"]


def test_implicit_intersection_of_a_computed_array(tmp_path: Path) -> None:
    values, missing = recalc(tmp_path, {
        "A1": 1, "A2": 2, "A3": 3, "A4": 4, "E1": 10, "F1": 20,
        "C2": "=A1:A4*2",          # 4: the cell of A1:A4 in row 2, doubled
        "C7": "=A1:A4*2",          # #VALUE!: row 7 meets no cell of A1:A4
        "C3": "=SUM(A1:A4)",       # a range argument keeps its range: 10
        "C4": "=SUMPRODUCT(A1:A4*2)",  # SUMPRODUCT evaluates arrays: 20
        "F3": "=E1:F1+1",          # the cell of row 1 in column F: 21
        "C1": "=ABS(-A1:A4)",      # 1
        "D4": "=A1:A4",            # 4
    })
    assert missing == []
    assert [values[k] for k in ("C2", "C7", "C3", "C4", "F3", "C1", "D4")] == [
        4.0, VALUE, 10.0, 20.0, 21.0, 1.0, 4.0]


def test_implicit_intersection_of_a_block_takes_the_row_and_the_column(
        tmp_path: Path) -> None:
    # Excel (and LibreOffice): a plain =D!A1:B10 in S!B3 is D's cell in row 3 and column
    # B; outside the block in either direction it is #VALUE!
    def prepare(book: Any) -> None:
        data = book.create_sheet("D")
        for i in range(1, 11):
            data.cell(i, 1, 10 * i)
            data.cell(i, 2, 100 * i)

    values, missing = recalc(tmp_path, {"B3": "=D!A1:B10", "B4": "=D!A1:B10*1",
                                        "A5": "=D!A1:B10+0", "C3": "=D!A1:B10",
                                        "B12": "=D!A1:B10"}, prepare=prepare)
    assert missing == []
    assert [values[k] for k in ("B3", "B4", "A5", "C3", "B12")] == [
        300.0, 400.0, 50.0, VALUE, VALUE]


def test_a_long_flat_formula_is_listed_not_a_traceback(tmp_path: Path) -> None:
    # 1,100 terms (2,200 characters, Excel's limit is 8,192): listed as not computed
    values, missing = recalc(tmp_path, {"A1": "=" + "+".join(["1"] * 1100), "A2": "=1+1"})
    assert missing == ["S!A1"] and values["A2"] == 2.0


def test_dynamic_arrays_still_spill(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "dyn.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    ws.write_column(0, 0, [1, 2, 3, 4])
    ws.write_dynamic_array_formula("C1:C1", "=A1:A4*2")
    ws.write_dynamic_array_formula("D1:D1", "=ISNUMBER(A1:A4)")
    book.close()
    out = Book(recalculate_file(path, tmp_path / "o.xlsx").path)
    try:
        assert [out.sheet("S").get(r, 3) for r in range(1, 5)] == [2.0, 4.0, 6.0, 8.0]
        assert [out.sheet("S").get(r, 4) for r in range(1, 5)] == [True] * 4
    finally:
        out.close()


@pytest.mark.parametrize("formula", ["=ROUND(5,400)", "=ROUND(1,-400)",
                                     "=STDEV(1E+200,-1E+200)", "=POWER(10,400)",
                                     "=EXP(1000)", "=PRODUCT(1E+200,1E+200)"])
def test_no_tracebacks(tmp_path: Path, formula: str) -> None:
    values, missing = recalc(tmp_path, {"A1": formula})
    assert missing == [] and values["A1"] is not None


def _formatted(book: Any, title: str, with_formula: bool) -> None:
    ws = book.create_sheet(title)
    for i, (value, fmt) in enumerate([(0.5, "h:mm"), (30, "yyyy-mm-dd"), (-5, "yyyy-mm-dd"),
                                      (5, "#,##0\\ \\k\\m"), (5, '#,##0" km"'),
                                      (1.5, "[h]:mm"), (45000.25, "yyyy-mm-dd hh:mm"),
                                      (1.75, "h:mm"), (60, "d-mmm-yyyy")], 1):
        ws.cell(i, 1, value).number_format = fmt
    if with_formula:
        ws["C1"] = "=1+1"


def test_a_formatted_cell_has_one_value_on_any_sheet(tmp_path: Path) -> None:
    def prepare(book: Any) -> None:
        _formatted(book, "O", with_formula=False)   # read by python-calamine
        _formatted(book, "F", with_formula=True)    # read by the exact XML reader

    cells = {f"{col}{i}": f"={sheet}!A{i}*24" for col, sheet in (("A", "O"), ("B", "F"))
             for i in range(1, 10)}
    values, missing = recalc(tmp_path, cells, prepare=prepare)
    assert missing == []
    # Excel: the serial number times 24 (a time of 0.5 is 12 hours; serial 30 is 720 h
    # whatever the 1900 leap-year bug does to its display; -5 is a number all the same)
    expected = [12.0, 720.0, -120.0, 120.0, 120.0, 36.0, 45000.25 * 24, 42.0, 1440.0]
    assert [values[f"A{i}"] for i in range(1, 10)] == expected
    assert [values[f"B{i}"] for i in range(1, 10)] == expected


def test_the_1904_date_system(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    def prepare(book: Any) -> None:
        book.epoch = CALENDAR_MAC_1904
        data = book.create_sheet("D")
        day = dt.datetime(2024, 1, 1)
        for i in range(60):
            data.cell(i + 1, 1, day + dt.timedelta(days=i)).number_format = "yyyy-mm-dd"
            data.cell(i + 1, 2, 0.001 * (i % 7 - 3))

    values, missing = recalc(tmp_path, {
        "A1": "=INDEX(RESAMPLE_RETURNS(D!B1:B60,D!A1:A60,\"month\"),2,1)",  # below the header
        "A2": "=D!A1",             # the serial the cell holds in the 1904 system
    }, prepare=prepare)
    assert missing == []
    # 2024-01-31 is 1904 serial (2024-01-31 - 1904-01-01) = 43829 days
    assert values["A1"] == (dt.date(2024, 1, 31) - dt.date(1904, 1, 1)).days
    assert values["A2"] == (dt.date(2024, 1, 1) - dt.date(1904, 1, 1)).days


def test_whole_columns_and_empty_blocks_cost_what_the_data_cost(tmp_path: Path) -> None:
    import tracemalloc

    cells: dict[str, Any] = {"A1": 1, "A2": 2, "A3": "x", "B1": 3, "B2": 4}
    cells |= {f"AA{i}": f"=SUM(C1:V999999)+SUM(A:B)+{i}" for i in range(1, 41)}
    cells |= {"AB1": "=ROWS(A:A)", "AB2": "=COLUMNS(3:3)", "AB3": "=COUNTA(A:A)",
              "AB4": "=SUMPRODUCT(A:A,B:B)", "AB5": "=MATCH(2,A:A,0)",
              "AB6": "=INDEX(A:A,1000000)", "AB7": "=AVERAGE(A1:Z999999)",
              "AB8": "=SLOPE(B:B,A:A)", "AB9": "=COUNT(C1:Z1048576)"}
    tracemalloc.start()
    values, missing = recalc(tmp_path, cells)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert missing == []
    assert [values[f"AA{i}"] for i in (1, 40)] == [11.0, 50.0]
    # ROWS of a whole column is Excel's 1,048,576 (its used part is not its size)
    assert [values[f"AB{i}"] for i in range(1, 10)] == [1048576.0, 16384.0, 3.0, 11.0, 2.0,
                                                       0.0, 2.5, 1.0, 0.0]
    assert peak < 100_000_000  # 20 million blank cells per SUM were never held


def test_the_workbook_wide_budget_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from betaxl.cli import main as cli

    monkeypatch.setattr("betaxl.workbook.engine.MAX_WORK_CELLS", 100)
    book = openpyxl.Workbook()
    ws = book.active
    for _ in range(10):
        ws.append(list(range(10)))
    for i in range(1, 4):
        ws.cell(12, i, "=SUM(A1:J10)")  # 100 cells each: 300 in all
    book.save(tmp_path / "w.xlsx")
    assert cli(["recalc", str(tmp_path / "w.xlsx")]) == 3  # the cells beyond it listed
    err = capsys.readouterr().err.strip().splitlines()
    reason = "reading 100 more cells would pass the command's budget of 100 cells read in all"
    assert err[1:] == [f"  Sheet!B12: {reason}", f"  Sheet!C12: {reason}"]
