"""The order over ranges of many formulas (issue 18): a range over a column's formulas is
a few edges to a segment tree of them, and still finds every cycle and every formula
not computed that it holds, as one edge per formula did."""

from __future__ import annotations

from pathlib import Path

from .recalc_xml import fc, recalc_xml


def _column(formulas: dict[int, str]) -> str:
    return "".join(f'<row r="{r}">' + fc(f"A{r}", text) + "</row>"
                   for r, text in sorted(formulas.items()))


def test_a_running_total_reading_its_own_cell_among_many_is_circular(tmp_path: Path
                                                                     ) -> None:
    rows = {1: "1", **{r: f"SUM(A$1:A{r - 1})*0+1" for r in range(2, 41)}}
    rows[30] = "SUM(A$1:A30)"  # its own cell, inside a range of 30 formulas
    values, reasons = recalc_xml(tmp_path, [("S", _column(rows))], ["S!A29", "S!A20"])
    assert values == {"S!A29": 1, "S!A20": 1}
    assert reasons["S!A30"] == "a circular reference"
    assert reasons["S!A31"] == "depends on S!A30, not computed"
    assert set(reasons) == {f"S!A{r}" for r in range(30, 41)}


def test_a_range_names_its_first_formula_not_computed(tmp_path: Path) -> None:
    rows = {r: f"{r}+0" for r in range(1, 60)}
    rows[17], rows[44] = "N(5)", "N(6)"  # not computed
    sheet = _column(rows) + '<row r="70">' + fc("B70", "SUM(A3:A59)") + \
        fc("C70", "SUM(A20:A59)") + fc("D70", "SUM(A20:A43)") + "</row>"
    values, reasons = recalc_xml(tmp_path, [("S", sheet)], ["S!D70"])
    assert reasons["S!B70"] == "depends on S!A17, not computed"
    assert reasons["S!C70"] == "depends on S!A44, not computed"
    assert "S!D70" not in reasons
    assert values["S!D70"] == sum(range(20, 44))


def test_running_totals_cost_edges_in_the_ranges_not_their_cells() -> None:
    # 4,000 running totals read 8 million formula cells in all; the graph holds a few
    # edges per range (the segments covering it), not one per formula read.
    from betaxl.workbook.book import Formula
    from betaxl.workbook.cells import Ref
    from betaxl.workbook.formula import parse
    from betaxl.workbook.order import dependency_order

    n = 4000
    formulas = [Formula("S", r, 1, f"SUM(A$1:A{r - 1})", "cell", None) for r in
                range(2, n + 1)]
    for f in formulas:
        f.tree = parse(f.text)

    def refs(f: Formula) -> list[Ref]:
        return [Ref("S", 1, 1, f.row - 1, 1)]

    ordered, graph = dependency_order(formulas, refs)
    assert [f.row for f in ordered] == list(range(2, n + 1))
    assert all(f.problem is None for f in formulas)
    assert sum(map(len, graph.edges)) < 40 * n


def test_a_column_read_as_slices_follows_the_cells_written(tmp_path: Path) -> None:
    from betaxl.workbook.book import Sheet
    from betaxl.workbook.cells import Ref

    sheet = Sheet("S", "p", [[1.0, 2.0], [None], [3.0, ""], [], [4.0]], blank_text=True)
    assert sheet.block(Ref("S", 1, 2, 9, 2)) == [[2.0]]  # "" is calamine's blank
    assert sheet.block(Ref("S", 1, 1, 9, 1)) == [[1.0], [None], [3.0], [None], [4.0]]
    sheet.put(7, 1, 5.0)
    sheet.put(2, 2, 6.0)
    assert sheet.block(Ref("S", 2, 1, 9, 1)) == [[None], [3.0], [None], [4.0], [None],
                                                 [5.0]]
    assert sheet.block(Ref("S", 1, 2, 9, 2)) == [[2.0], [6.0]]
    assert sheet.block(Ref("S", 1, 1, 9, 2))[1] == [None, 6.0]


def test_aggregates_over_a_sparse_block_cost_the_cells_that_exist(tmp_path: Path) -> None:
    # 300 numbers at column XFD in rows 7, 3,507, ...: SUM and COUNT over the whole
    # sheet read those cells (and their rows), not 300 rows of 16,384 cells each.
    import xlsxwriter

    from betaxl.workbook.book import Book
    from betaxl.workbook.engine import Engine

    path = tmp_path / "far.xlsx"
    book = xlsxwriter.Workbook(str(path))
    s, d = book.add_worksheet("S"), book.add_worksheet("D")
    s.write_formula("A1", "=SUM(D!A1:XFD1048576)")
    s.write_formula("A2", "=COUNT(D!A:XFD)+COUNTA(D!A:XFD)")
    s.write_formula("A3", "=MAX(D!A:XFD)+MIN(D!B:XFD)+AVERAGE(D!A:XFD)")
    for i in range(300):
        d.write_number(6 + 3500 * i, 16383, 0.5 + i)
    d.write_string(2, 16383, "text")
    book.close()
    opened = Book(path)
    try:
        engine = Engine(opened)
        report = engine.run(opened.formulas())
        sheet = opened.sheet("S")
        values = [sheet.get(r, 1) for r in range(1, 4)]
    finally:
        opened.close()
    total = sum(0.5 + i for i in range(300))
    assert not report.unsupported
    assert values == [total, 300 + 301, 299.5 + 0.5 + total / 300]
    assert engine.cells_read < 20_000  # 6 x 300 rows x 16,384 cells: 29.5 million
