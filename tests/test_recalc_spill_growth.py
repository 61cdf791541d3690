"""betaxl recalc and spills larger than their saved range, or not computed (issue 18).

A dynamic-array formula saved with a smaller spill range than its result (xlsxwriter and
openpyxl write the anchor alone; data grown since Excel saved) is ordered over the area
it really spills into; one that is not computed may spill anywhere right of and below
its cell, so what reads a blank cell there is listed, never answered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from betaxl.workbook.book import Book
from betaxl.workbook.recalc import recalculate_file

from .test_recalc_excel import _rc


def _run(tmp_path: Path, numbers: dict[str, float], formulas: dict[str, str],
         dynamic: dict[str, tuple[str, str]]) -> tuple[dict[str, Any], dict[str, str], int]:
    """A book of one sheet S: numbers, plain formulas and dynamic-array formulas (their
    saved spill range, then text); the values of every cell named, the cells listed."""
    path = tmp_path / "in.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    for where, v in numbers.items():
        ws.write_number(where, v)
    for where, text in formulas.items():
        ws.write_formula(where, text)
    for area, text in dynamic.values():
        ws.write_dynamic_array_formula(area, text)
    book.close()
    done = recalculate_file(path, tmp_path / "out.xlsx")
    out = Book(done.path)
    try:
        names = [*numbers, *formulas, *dynamic, "C1", "C2", "C3", "C4"]
        values = {w: out.sheet("S").get(*_rc(w)) for w in names}
    finally:
        out.close()
    return values, {r.cell: r.reason for r in done.report.unsupported}, \
        done.report.computed


_DATA = {"A1": 1.0, "A2": 2.0, "A3": 3.0, "A4": 4.0}


def test_a_spill_that_grows_into_its_own_input_is_circular(tmp_path: Path) -> None:
    # Excel: C1 =C2:C4+1 would spill over C1:C3, the cells it reads: a circular
    # reference, whether saved as C1:C1 (xlsxwriter's) or as C1:C3.
    for area in ("C1:C1", "C1:C3"):
        _, reasons, computed = _run(tmp_path, _DATA, {}, {"C1": (area, "=C2:C4+1")})
        assert reasons == {"S!C1": "a circular reference"}, area
        assert computed == 0


def test_a_cell_read_by_a_spill_that_reads_the_spill_is_circular(tmp_path: Path) -> None:
    # A3 =C2 and C1 =A1:A4*2: C1 spills over C2, which A3 reads, and reads A3: a cycle.
    for area in ("C1:C1", "C1:C4"):
        _, reasons, _ = _run(tmp_path, {"A1": 1.0, "A2": 2.0, "A4": 4.0},
                             {"A3": "=C2"}, {"C1": (area, "=A1:A4*2")})
        assert reasons == {"S!A3": "a circular reference",
                           "S!C1": "a circular reference"}, area


def test_a_spill_grown_past_its_saved_range_is_read_after_it_is_computed(
        tmp_path: Path) -> None:
    # D1 reads C3 before any spill was saved there: it still reads C1's result (Excel 7).
    values, reasons, _ = _run(tmp_path, _DATA, {"D1": "=C3+1"},
                              {"C1": ("C1:C1", "=A1:A4*2")})
    assert reasons == {}
    assert [values[c] for c in ("C1", "C2", "C3", "C4", "D1")] == [2, 4, 6, 8, 7]


def test_what_reads_where_a_spill_not_computed_may_spill_is_listed(tmp_path: Path) -> None:
    # INDIRECT is not computed: C1 spills over C1:C4 in Excel, so D1 =C3+1 is 7 there,
    # not 1; D1 is listed.  E1 reads A2 (left of C1, a number): computed.
    values, reasons, _ = _run(tmp_path, _DATA, {"D1": "=C3+1", "E1": "=A2+1",
                                                "F1": "=SUM(C2:C9)", "G1": "=D1*2"},
                              {"C1": ("C1:C1", '=INDIRECT("A1:A4")*2')})
    assert set(reasons) == {"S!C1", "S!D1", "S!F1", "S!G1"}
    assert reasons["S!D1"] == "depends on S!C1, not computed (its spill)"
    assert reasons["S!G1"] == "depends on S!D1, not computed"
    assert values["E1"] == 3
