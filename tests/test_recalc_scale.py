"""betaxl recalc at scale: many formulas over one whole column, array arithmetic over
whole columns in a tiny file.  Every expected value is exact (computed here by hand
from the cells written); the cost is measured in ``benchmarks/run.py``, not here."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from betaxl.workbook.book import Book
from betaxl.workbook.recalc import recalculate_file


def _recalc(tmp_path: Path, book: openpyxl.Workbook) -> Book:
    source = tmp_path / "in.xlsx"
    book.save(source)
    done = recalculate_file(source, tmp_path / "out.xlsx")
    assert not done.report.unsupported
    return Book(done.path)


def test_many_formulas_over_one_whole_column(tmp_path: Path) -> None:
    """3,000 ``=SUM(C:C)+A{i}``: each sees the whole column, formulas inside it too."""
    book = openpyxl.Workbook()
    ws = book.active
    n = 3000
    for i in range(1, n + 1):
        ws.cell(i, 1, i)
        ws.cell(i, 3, 0.5 * i if i % 7 else f"=A{i}*2")  # formulas inside the column
        ws.cell(i, 5, f"=SUM(C:C)+A{i}")
    ws["G1"] = "=SUM(E:E)"  # reads the 3,000 results
    out = _recalc(tmp_path, book)
    try:
        sheet = out.sheet(ws.title)
        column = sum(2.0 * i if i % 7 == 0 else 0.5 * i for i in range(1, n + 1))
        assert [sheet.get(i, 5) for i in range(1, n + 1)] == [
            column + i for i in range(1, n + 1)]
        assert sheet.get(1, 7) == sum(column + i for i in range(1, n + 1))
    finally:
        out.close()
