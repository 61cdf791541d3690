"""betaxl recalc at scale: many formulas over one whole column, array arithmetic over
whole columns in a tiny file.  Every expected value is exact (computed here by hand
from the cells written); the cost is measured in ``benchmarks/run.py``, not here."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from betaxl.workbook.book import Book
from betaxl.workbook.cells import XlError
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


#: Array arithmetic over whole columns of a 5-row file, with Excel's values: a blank
#: beyond the data is a blank (0 in arithmetic, FALSE for A:A>0, TRUE for A:A=0).
_ROWS = 1_048_576
_WHOLE = {
    "D1": ("=SUMPRODUCT((A:A>0)*B:B)", 30.0 + 40 + 50),
    "D2": ("=SUMPRODUCT((A:A=0)*1)", 1.0 + _ROWS - 5),        # A2 and every blank
    "D3": ("=SUMPRODUCT((A:A=0)*B:B)", 20.0),
    "D4": ("=SUMPRODUCT(A:A*B:B)", -10.0 + 0 + 30 + 80 + 150),
    "D5": ("=SUMPRODUCT((A:A<>1)+0)", _ROWS - 1.0),
    "D6": ("=SUMPRODUCT(-(A:A>=0),B:B+1)", -(21.0 + 31 + 41 + 51) - (_ROWS - 5)),
    "D7": ("=SUMPRODUCT((B:B+1)*1)", 10.0 + 20 + 30 + 40 + 50 + _ROWS),
    "D8": ("=SUMPRODUCT((A:A>0)*(B:B>15))", 3.0),
    "D9": ("=SUMPRODUCT(1/(B:B+1))", 1 / 11 + 1 / 21 + 1 / 31 + 1 / 41 + 1 / 51 + _ROWS - 5),
}


def _whole_book() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    ws = book.active
    for i in range(1, 6):
        ws.append([i - 2, 10 * i])
    for where, (formula, _) in _WHOLE.items():
        ws[where] = formula
    return book


def test_array_arithmetic_over_whole_columns_counts_every_blank(tmp_path: Path) -> None:
    """Each blank beyond the data counts as Excel counts it (what a blank gives), while
    only the cells that exist are computed one by one."""
    out = _recalc(tmp_path, _whole_book())
    try:
        sheet = out.sheet("Sheet")
        for where, (formula, expected) in _WHOLE.items():
            got = sheet.get(int(where[1:]), 4)
            assert got == expected or abs(got - expected) <= 1e-12 * abs(expected), (
                formula, got, expected)
    finally:
        out.close()


def test_whole_columns_agree_with_libreoffice(tmp_path: Path) -> None:
    from . import libreoffice

    source = tmp_path / "whole.xlsx"
    _whole_book().save(source)
    theirs = Book(libreoffice.recalculate(source, tmp_path))
    ours = _recalc(tmp_path, _whole_book())
    try:
        for where, (formula, expected) in _WHOLE.items():
            row = int(where[1:])
            lo, got = theirs.sheet("Sheet").get(row, 4), ours.sheet("Sheet").get(row, 4)
            assert abs(lo - got) <= 1e-12 * abs(expected), (formula, lo, got)
    finally:
        theirs.close()
        ours.close()


def _data_book(path: Path) -> None:
    """A data sheet holding formulas among numbers, text, dates and blanks, read by
    formulas on another sheet; one array formula writes into the data sheet's rows."""
    import datetime as dt

    from openpyxl.worksheet.formula import ArrayFormula

    book = openpyxl.Workbook()
    data = book.active
    data.title = "Data"
    data.append(["date", "x", "y", "label"])
    for i in range(1, 40):
        data.append([dt.date(2024, 1, i % 28 + 1), i * 0.25, None if i % 5 == 0 else -i,
                     f"t{i}" if i % 3 else ""])
    data["F7"] = '=""'                      # a formula's empty text: not blank
    data["F8"] = "=SUM(B:B)"
    data["G2"] = ArrayFormula("G2:G4", "=B2:B4*2")
    data["E20"] = "=F8+1"
    out = book.create_sheet("Out")
    out["A1"] = "=COUNTA(Data!F:F)"
    out["A2"] = "=SUMPRODUCT((Data!C:C<0)*1)"
    out["A5"] = "=SUMPRODUCT((Data!C:C<0)*Data!B:B)"  # "x"*FALSE in the header: #VALUE!
    out["A3"] = "=SUM(Data!G:G)+Data!E20"
    out["A4"] = "=MAX(Data!A:A)"
    book.save(path)


def test_rows_located_read_as_the_exact_reader_reads(tmp_path: Path, monkeypatch) -> None:
    """A sheet with formulas read by calamine and the rows located gives the same file,
    byte for byte in every part, as the exact reader reading it whole."""
    import zipfile

    from betaxl.workbook import book as book_module

    source = tmp_path / "data.xlsx"
    _data_book(source)
    fast = recalculate_file(source, tmp_path / "fast.xlsx")
    monkeypatch.setattr(book_module, "scan_sheet", lambda *args: None)
    exact = recalculate_file(source, tmp_path / "exact.xlsx")
    assert fast.report == exact.report and not fast.report.unsupported
    with zipfile.ZipFile(fast.path) as a, zipfile.ZipFile(exact.path) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
    values = Book(fast.path)
    try:
        out = values.sheet("Out")
        column_b = sum(i * 0.25 for i in range(1, 40))
        assert out.get(1, 1) == 2.0      # F7 (its "" is not blank) and F8
        assert out.get(2, 1) == 39.0 - 7  # y < 0 but where blank; the header "y" too
        assert out.get(5, 1) == XlError("#VALUE!")
        assert out.get(3, 1) == 2 * (0.25 + 0.5 + 0.75) + column_b + 1
    finally:
        values.close()


def test_a_sheet_outside_the_locating_rules_is_read_whole(tmp_path: Path) -> None:
    from betaxl.workbook.rowscan import scan_sheet

    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>')
    row = b'<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>'
    tail = b"</sheetData></worksheet>"
    located = scan_sheet(head + row + tail, "s.xml", [], set())
    assert located is not None and located.rows[1].cells[1].formula == "1+1"
    for odd in (head + b"<!-- a comment -->" + row + tail,        # a comment
                head + row + b"<x/>" + tail,                      # not a row in sheetData
                head.replace(b"<sheetData>", b'<sheetData xmlns:y="urn:y">') + row + tail,
                head + row + row + tail):                         # row 1 twice
        assert scan_sheet(odd, "s.xml", [], set()) is None


def test_the_cheap_look_at_bytes_finds_what_a_search_of_its_patterns_finds() -> None:
    """may_hold_formulas visits the rare bytes one by one where there are few and searches
    the patterns where there are many: both ways give the verdict of searching every
    pattern, on random bytes over the characters that matter and on large sheets."""
    import random

    from betaxl.workbook import rowscan

    patterns = (b"f>", b"f ", b"f/", b"f\n", b"f\t", b"f\r", b'"e"', b"'e'")
    rng = random.Random(20261207)
    cases = [bytes(rng.choice(b'fe"\'> /\n\t\rx<:1') for _ in range(rng.randint(0, 12)))
             for _ in range(20_000)]
    numbers = b"".join(b'<c r="A%d"><v>0.%d</v></c>' % (i, i) for i in range(20_000))
    cases += [numbers, numbers + b"<f>1</f>", numbers + b'<c t="e">', b"ef" * 5000,
              b"e" * 5000 + b"'e'", b"f" * 5000 + b"f\r"]
    for data in cases:
        assert rowscan.may_hold_formulas(data) == any(p in data for p in patterns), data
        assert rowscan.may_hold_errors(data) == any(p in data for p in patterns[-2:]), data


def test_sums_at_c_speed_are_the_left_to_right_doubles() -> None:
    """excel_sum of a long array (numpy's accumulate) and excel_sum_repeated (a whole
    column's fill, whole numbers shortcut) give the doubles of adding one by one, left
    to right, as Excel's SUM shows them."""
    import numpy as np

    from betaxl.workbook.values import excel_sum, excel_sum_repeated

    def one_by_one(values: list[float], start: float = 0.0) -> float:
        total = start
        for v in values:
            total += v
        return total

    rng = np.random.default_rng(20261207)
    for n in (257, 1000, 20_000):
        for scale in (1e-3, 1.0, 1e16):
            a = rng.normal(0, scale, n) * rng.choice([1, 1e10, 1e-10], n)
            kept, start = a.copy(), float(rng.normal())
            assert excel_sum(a, start) == one_by_one(a.tolist(), start)
            assert (a == kept).all()  # the caller's array is not changed
    for value in (0.1, 1.0, 1 / 3, 1e16, -2.5, 3.0, 2.0 ** 52):
        for start in (0.7, 0.0, 5.0, 2.0 ** 53, 1e20):
            for n in (0, 5, 256, 257, (1 << 20) + 7):
                assert excel_sum_repeated(value, n, start) == one_by_one([value] * n, start)


def test_short_and_long_ranges_of_a_column_read_the_same_cells(tmp_path: Path) -> None:
    # a range of a few rows is read from the rows, a longer one from the column held as a
    # list; both see a formula's value written into the column, and a far cell elsewhere
    book = openpyxl.Workbook()
    data = book.active
    data.title = "D"
    for i in range(1, 101):
        data.cell(i, 1, i)
    data["A101"] = "=A1+1"  # written while the others are computed
    data["A103"] = "text"
    data["XFD1048576"] = 2
    formulas = book.create_sheet("F")
    formulas["A1"] = "=SUM(D!A99:A101)"  # 3 rows
    formulas["A2"] = "=SUM(D!A1:A101)"  # 101 rows
    formulas["A3"] = "=COUNTA(D!A99:A110)"  # 12 rows, a text cell and blanks
    formulas["A4"] = "=COUNTA(D!A1:A1048576)"
    formulas["A5"] = "=D!A101*D!XFD1048576"
    formulas["A6"] = "=ROWS(D!A100:A104)"
    values = _recalc(tmp_path, book)
    sheet = values.sheet("F")
    assert [sheet.get(r, 1) for r in range(1, 7)] == [201, 5052, 4, 102, 4, 5]
