"""betaxl recalc on workbooks that are not the template: the user's own layouts.

Every value the recalculation writes is checked against an independent source: the
direct Python call of the betaxl function on the same cells, or LibreOffice's own
recalculation of the same native formula.
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pytest
import xlsxwriter

from betaxl import udfs
from betaxl.cli import main as cli
from betaxl.workbook.book import Book
from betaxl.workbook.cells import MAX_CELLS, XlError
from betaxl.workbook.engine import Engine
from betaxl.workbook.evaluation import evaluate
from betaxl.workbook.formula import Unsupported, parse
from betaxl.workbook.recalc import PARTIAL_EXIT, recalculate_file

from . import libreoffice

N = 25  # price rows, with a header row above


def _prices() -> tuple[list[dt.datetime], np.ndarray]:
    rng = np.random.default_rng(7)
    dates = [dt.datetime(2020, 1, 31) + dt.timedelta(days=30 * i) for i in range(N)]
    moves = rng.normal(0.005, 0.04, N)
    market = 100 * np.cumprod(1 + moves)
    assets = 50 * np.cumprod(1 + moves[:, None] * np.array([1.2, 0.6])
                             + rng.normal(0, 0.02, (N, 2)), axis=0)
    return dates, np.column_stack([assets, market])


def build_layout(path: Path) -> None:
    """Data, native returns, betaxl over them, natives over betaxl, spills, names, notes.

    XlsxWriter stores 0 as every formula's value: a real recalculation must replace it.
    """
    dates, values = _prices()
    book = xlsxwriter.Workbook(str(path), {"use_future_functions": True})
    fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    data = book.add_worksheet("Data")
    data.write_row(0, 0, ["date", "alpha", "beta", "market"])
    for i, (day, row) in enumerate(zip(dates, values)):
        data.write_datetime(i + 1, 0, day, fmt)
        data.write_row(i + 1, 1, [float(v) for v in row])
    book.define_name("prices", f"=Data!$B$1:$C${N + 1}")
    book.define_name("market", f"=Data!$D$1:$D${N + 1}")
    book.define_name("weights", "='My Calc'!$L$2:$M$2")
    calc = book.add_worksheet("My Calc")
    calc.write_row(0, 1, ["alpha", "beta", "market"])
    for i in range(N - 1):
        for j, col in enumerate("BCD"):
            calc.write_formula(i + 1, 1 + j, f"=Data!{col}{i + 3}/Data!{col}{i + 2}-1")
    last = N  # returns in rows 2..N
    calc.write_dynamic_array_formula(
        1, 5, 12, 7, f"=BETA_OLS('My Calc'!B1:C{last},'My Calc'!D1:D{last},,TRUE)")
    calc.write_row(1, 11, [0.25, 0.75])
    calc.write_formula("J2", "=G3+H3")                                  # betaxl -> native
    calc.write_formula("J3", "=SUMPRODUCT(G3:H3,weights)")
    calc.write_formula("J4", f"=SLOPE(B2:B{last},D2:D{last})")         # native check
    calc.write_formula("J5", '=IFERROR(1/0,"div")')
    calc.write_formula("J6", '=INDEX(F2:H13,MATCH("r_squared",F2:F13,0),2)')
    calc.write_formula("J7", f"=RSQ(B2:B{last},D2:D{last})")
    calc.write_formula("J8", f"=_xlfn.STDEV.S(B2:B{last})*SQRT(12)")
    calc.write_formula("J9", f"=AVERAGE(B2:C{last})+COVARIANCE.P(B2:B{last},D2:D{last})")
    calc.write_formula("J10", "=EXP(SUM(LN(1+B2)))")
    calc.write_formula("J11", '=IF(J4>1,"aggressive","defensive")&" "&ROUND(J4,2)')
    calc.write_formula("J12", "=OFFSET(A1,1,1)", None, 42)            # unsupported: kept
    calc.write_formula("J13", f"=MAX(C2:C{last})-MIN(C2:C{last})")
    calc.write_formula("J14", "=-2^2+10%")
    calc.write_formula("J15", f"=CORREL(B2:B{last},D2:D{last})^2-J7")
    report = book.add_worksheet("Report")
    report.write_dynamic_array_formula(0, 0, 0, 0, "=RETURNS(prices)")   # spills N x 2
    report.write_dynamic_array_formula(0, 3, 39, 3, "=RETURNS(market)")  # declared too big
    report.write_string(9, 6, "my note")                                # blocks the spill
    report.write_dynamic_array_formula(0, 5, 0, 5, '=BETA_ROLLING(prices,market,6,"prices")')
    report.write_formula("I1", "='My Calc'!G3*100")                   # across sheets
    report.write_formula("I2", "=SUM(A2:B5)")                           # reads a spill
    report.write_dynamic_array_formula(0, 10, 0, 10, "=A2:B3*2")        # native spill
    book.close()


def _direct(source: Path) -> dict[str, Any]:
    """What the betaxl functions give when called directly on the file's own cells."""
    sheet = openpyxl.load_workbook(source, data_only=True)["Data"]
    values = np.array([[c.value for c in row[1:4]] for row in sheet.iter_rows(min_row=2)],
                      dtype=float)
    prices = [["alpha", "beta"]] + [[float(a), float(b)] for a, b in values[:, :2]]
    market = [["market"]] + [[float(m)] for m in values[:, 2]]
    returns = values[1:] / values[:-1] - 1
    table = udfs.BETA_OLS([["alpha", "beta"]] + returns[:, :2].tolist(),
                          [["market"]] + returns[:, 2:].tolist(), None, True)
    return {"ols": table, "returns": udfs.RETURNS(prices), "market": udfs.RETURNS(market),
            "raw_returns": returns}


def _libreoffice(source: Path, folder: Path) -> Path:
    return libreoffice.recalculate(source, folder, out_name="lo")


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("layout")
    source = folder / "mine.xlsx"
    build_layout(source)
    out = recalculate_file(source, folder / "out.xlsx")
    return {"source": source, "out": out.path, "lo": _libreoffice(source, folder),
            "folder": folder}


def _cells(path: Path, formulas: bool = False) -> dict[tuple[str, str], Any]:
    book = openpyxl.load_workbook(path, data_only=not formulas)
    out = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                value = c.value.text if hasattr(c.value, "text") else c.value
                if value is not None:
                    out[(ws.title, c.coordinate)] = value
    return out


def test_every_value_written_equals_python_or_libreoffice(layout: dict[str, Path]) -> None:
    ours, lo = _cells(layout["out"]), _cells(layout["lo"])
    formulas = _cells(layout["source"], formulas=True)
    direct = _direct(layout["source"])
    betaxl_cells: dict[tuple[str, str], Any] = {}
    for i, row in enumerate(direct["ols"]):
        for j, v in enumerate(row):
            betaxl_cells[("My Calc", f"{'FGH'[j]}{2 + i}")] = v
    for i, row in enumerate(direct["returns"]):
        for j, v in enumerate(row):
            betaxl_cells[("Report", f"{'AB'[j]}{1 + i}")] = v
    for i, row in enumerate(direct["market"]):
        betaxl_cells[("Report", f"D{1 + i}")] = row[0]
    beta = direct["ols"][1]
    r2 = direct["ols"][3]
    # natives over betaxl results: by hand from the direct call
    betaxl_cells[("My Calc", "J2")] = beta[1] + beta[2]
    betaxl_cells[("My Calc", "J3")] = math.fsum([0.25 * beta[1], 0.75 * beta[2]])
    betaxl_cells[("My Calc", "J6")] = r2[1]
    betaxl_cells[("Report", "I1")] = beta[1] * 100
    block = [direct["returns"][i][j] for i in range(1, 5) for j in range(2)]
    betaxl_cells[("Report", "I2")] = math.fsum(block)
    for i in range(2):
        for j in range(2):
            betaxl_cells[("Report", f"{'KL'[j]}{1 + i}")] = direct["returns"][1 + i][j] * 2
    betaxl_cells[("Report", "F1")] = "#SPILL!"  # BETA_ROLLING would cover G10's note
    checked_lo = checked_py = 0
    for key, value in ours.items():
        if key in betaxl_cells:
            expected = betaxl_cells[key]
            if isinstance(expected, float):
                assert value == pytest.approx(expected, rel=1e-13, abs=1e-15), key
            else:
                assert value == expected, key
            checked_py += 1
        elif isinstance(formulas.get(key), str) and str(formulas[key]).startswith("=") \
                and key != ("My Calc", "J12"):
            expected = lo.get(key)
            if isinstance(expected, float):
                assert value == pytest.approx(expected, rel=1e-12, abs=1e-15), key
            else:
                assert value == expected, (key, value, expected)
            checked_lo += 1
    assert checked_py > 80 and checked_lo > 70
    # every formula cell of the source got a value (J12 is unsupported: its cached 42)
    for key, text in formulas.items():
        if isinstance(text, str) and text.startswith("="):
            assert key in ours, key
    assert ours[("My Calc", "J12")] == 42
    # the native check of the betaxl beta agrees with it
    assert ours[("My Calc", "J4")] == pytest.approx(ours[("My Calc", "G3")], rel=1e-13)
    assert ours[("My Calc", "J5")] == "div"


def test_spills_fill_block_and_shrink(layout: dict[str, Path]) -> None:
    ours = _cells(layout["out"])
    # RETURNS(market) was declared over D1:D40 but gives N rows: the rest is cleared
    assert ("Report", f"D{N}") in ours and ("Report", f"D{N + 1}") not in ours
    assert not any(("Report", f"D{r}") in ours for r in range(N + 1, 41))
    # BETA_ROLLING would cover the user's note: #SPILL!, and the note is still there
    assert ours[("Report", "F1")] == "#SPILL!"
    assert ours[("Report", "G10")] == "my note"
    assert not any(("Report", f"{c}{r}") in ours for c in "FGH" for r in range(2, 30)
                   if (c, r) != ("G", 10))
    with zipfile.ZipFile(layout["out"]) as z:
        sheet = z.read("xl/worksheets/sheet3.xml").decode()
    assert f'ref="D1:D{N}"' in sheet and 'ref="A1:B25"' in sheet and 'ref="F1"' in sheet


def test_the_partial_report_lists_each_cell(layout: dict[str, Path], capsys) -> None:
    code = cli(["recalc", str(layout["source"]), "-o", str(layout["folder"] / "x.xlsx")])
    err = capsys.readouterr().err
    assert code == PARTIAL_EXIT
    assert "'My Calc'!J12: the function OFFSET" in err
    assert err.count("\n") == 2  # the header line and the one cell


def test_no_cached_values_at_all(tmp_path: Path) -> None:
    # openpyxl stores formulas without values: they are computed from what they read
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    ws.append(["a", "m"])
    rng = np.random.default_rng(3)
    rows = rng.normal(0, 0.02, (30, 2))
    for a, m in rows:
        ws.append([float(a), float(m)])
    ws["D1"] = "=BETA_OLS(A2:A31,B2:B31)"  # unnamed: one number, usable in =D1*2
    ws["D2"] = "=D1*2"
    ws["D3"] = "=SLOPE(A2:A31,B2:B31)"
    ws["D4"] = "=SUM(A:A)"          # a whole column
    ws["D5"] = "=D6+1"
    ws["D6"] = "=D4*0+5"            # evaluated before D5 although it comes after
    path = tmp_path / "bare.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as z:  # no formula carries a value (with lxml, openpyxl
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))  # writes <v/>)
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    formulas = sheet.findall(".//m:c[m:f]", ns)
    assert len(formulas) == 6
    assert all(not (c.findtext("m:v", default="", namespaces=ns)) for c in formulas)
    out = openpyxl.load_workbook(recalculate_file(path, tmp_path / "o.xlsx").path,
                                 data_only=True)["S"]
    # the values as the file holds them: openpyxl writes 16 significant digits, not
    # always the double it was given, and BETA_OLS of those is what the cell must equal
    stored = np.array([[c.value for c in r] for r in
                       openpyxl.load_workbook(path)["S"].iter_rows(min_row=2, max_col=2)])
    beta = udfs.BETA_OLS(stored[:, :1].tolist(), stored[:, 1:].tolist())
    assert out["D1"].value == beta
    assert out["D2"].value == beta * 2
    assert out["D3"].value == pytest.approx(beta, rel=1e-12)
    assert out["D4"].value == pytest.approx(math.fsum(rows[:, 0]), rel=1e-14)
    assert (out["D5"].value, out["D6"].value) == (6, 5)


def test_a_file_saved_by_libreoffice_recalculates_the_same(layout: dict[str, Path],
                                                           tmp_path: Path) -> None:
    # LibreOffice writes shared formulas and its own cached values (#NAME? for betaxl)
    result = recalculate_file(layout["lo"], tmp_path / "again.xlsx")
    ours, first = _cells(result.path), _cells(layout["out"])
    # (LibreOffice stores the dynamic arrays as legacy arrays of their first size)
    for key in [("My Calc", "J4"), ("My Calc", "J7"), ("My Calc", "G3"), ("My Calc", "J2"),
                ("My Calc", "H13"), ("Report", "I1")]:
        assert ours[key] == pytest.approx(first[key], rel=1e-13), key
    assert ours[("My Calc", "B5")] == pytest.approx(first[("My Calc", "B5")], rel=1e-15)


def test_circular_references_are_reported_not_guessed(tmp_path: Path, capsys) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"], ws["A2"], ws["A3"] = "=A2+1", "=A1+1", "=5"
    path = tmp_path / "loop.xlsx"
    book.save(path)
    assert cli(["recalc", str(path)]) == PARTIAL_EXIT
    err = capsys.readouterr().err
    assert "Sheet!A1: a circular reference" in err and "Sheet!A2: a circular" in err
    assert openpyxl.load_workbook(tmp_path / "loop_recalculated.xlsx",
                                  data_only=True).active["A3"].value == 5


def test_a_users_cells_are_never_removed(tmp_path: Path) -> None:
    # formulas, notes and styles around the computed cells stay byte for byte
    build_layout(tmp_path / "mine.xlsx")
    out = recalculate_file(tmp_path / "mine.xlsx", tmp_path / "out.xlsx").path
    before = _cells(tmp_path / "mine.xlsx", formulas=True)
    after = _cells(out, formulas=True)
    for key, value in before.items():
        if not (isinstance(value, (int, float)) and value == 0):  # XlsxWriter's stand-ins
            assert after.get(key) == value, key
    with zipfile.ZipFile(tmp_path / "mine.xlsx") as a, zipfile.ZipFile(out) as b:
        for name in a.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                assert a.read(name) == b.read(name), name
        assert a.read("xl/worksheets/sheet1.xml") == b.read("xl/worksheets/sheet1.xml")


class _Bare:
    """A context for formulas that read no cells."""

    sheet, row, col = "S", 1, 1

    def grid(self, ref: Any) -> Any:
        raise AssertionError(ref)

    def name(self, sheet: Any, name: str) -> Any:
        raise AssertionError(name)

    def udf(self, name: str) -> None:
        return None


@pytest.mark.parametrize("formula, expected", [
    ("1+2*3", 7.0), ("-2^2", 4.0), ("2^3^2", 64.0), ("10%", 0.1), ('"a"&1.5&TRUE', "a1.5TRUE"),
    ("1/0", XlError("#DIV/0!")), ("IFERROR(LN(0),-1)", -1.0), ('IF("x",1,2)', XlError("#VALUE!")),
    ("SUM(1,\"2\",TRUE)", 4.0), ("MATCH(3,{1,2,3,4},0)", 3.0), ("INDEX({1,2;3,4},2,1)", 3.0),
    ("AVERAGE({1,2,3})", 2.0), ('"b">"A"', True), ("1=1.0", True), ("NA()", XlError("#N/A")),
    ("SQRT(-1)", XlError("#NUM!")), ("STDEV.P({2,4,4,4,5,5,7,9})", 2.0),
])
def test_natives_by_hand(formula: str, expected: Any) -> None:
    assert evaluate(parse(formula), _Bare()) == expected


def test_a_native_with_the_wrong_arguments_is_not_guessed() -> None:
    with pytest.raises(Unsupported, match="EXP takes other arguments"):
        evaluate(parse("EXP(1,2)"), _Bare())
    for formula, why in [("[1]Prices!A1*2", "external"), ("Jan:Dec!B2", "3-D"),
                         ("SUM(A1:B2 B1:C2)", "intersection"), ("OFFSET(A1,1,1)", "OFFSET"),
                         ("A1:INDEX(B:B,3)", "built by a function")]:
        with pytest.raises(Unsupported, match=why):
            evaluate(parse(formula), _Bare())


def test_size_limit_covers_the_whole_command(tmp_path: Path, monkeypatch, capsys) -> None:
    # the cap counts every sheet read, not one range at a time
    monkeypatch.setattr("betaxl.workbook.book.MAX_CELLS", 50)
    book = openpyxl.Workbook()
    for name in ("A", "B"):
        ws = book.create_sheet(name)
        for i in range(1, 6):
            ws.append(list(range(6)))
    book["A"]["H1"] = "=SUM(A1:F5)+SUM(B!A1:F5)"
    path = tmp_path / "big.xlsx"
    book.save(path)
    assert cli(["recalc", str(path)]) == 2
    assert "holds more than 50 cells to read" in capsys.readouterr().err
    assert MAX_CELLS == 20_000_000


def test_spill_past_the_last_row_is_refused(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "edge.xlsx"))
    ws = book.add_worksheet("S")
    ws.write_column(0, 0, [1.0, 2.0, 3.0])
    ws.write_dynamic_array_formula(1_048_575, 1, 1_048_575, 1, "=A1:A3")
    book.close()
    out = recalculate_file(tmp_path / "edge.xlsx", tmp_path / "o.xlsx")
    assert out.report.spilled_cells == 0
    book2 = Book(out.path)
    try:
        assert book2.sheet("S").get(1_048_576, 2) == XlError("#SPILL!")
    finally:
        book2.close()
    assert Engine  # the engine used above


def test_long_recalculations_show_progress_on_a_terminal(tmp_path: Path, monkeypatch) -> None:
    import io
    import sys

    from betaxl.workbook import recalc

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    template = Path(__file__).resolve().parents[1] / "workbook_template.xlsm"
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    recalculate_file(template, tmp_path / "o.xlsm", progress=True)
    book = Book(template)  # the bar counts every formula of the workbook
    try:
        total = len(book.formulas())
    finally:
        book.close()
    assert f"/{total} [" in screen.getvalue() and "formula/s" in screen.getvalue()
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal: no bar
    assert recalc.stderr_progress() is None


def test_shared_formulas_as_excel_writes_them(tmp_path: Path) -> None:
    # Excel stores a filled-down formula once (the master) and refers to it from the
    # other cells: each is computed with its own relative references
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    for r, v in enumerate([1.5, 2.5, 4.0], start=1):
        ws.cell(r, 1, v)
        ws.cell(r, 2, f"=A{r}*$C$1+1")
    ws["C1"] = 10.0
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    shared = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(shared, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>A1*$C$1+1</f>",
                                    b'<f t="shared" ref="B1:B3" si="0">A1*$C$1+1</f>')
                for r in (2, 3):
                    data = data.replace(f"<f>A{r}*$C$1+1</f>".encode(),
                                        b'<f t="shared" si="0"/>')
                assert data.count(b'si="0"') == 3
            out.writestr(info, data)
    result = recalculate_file(shared, tmp_path / "out.xlsx")
    assert result.report.computed == 3 and not result.report.unsupported
    values = openpyxl.load_workbook(result.path, data_only=True)["S"]
    assert [values[f"B{r}"].value for r in (1, 2, 3)] == [16.0, 26.0, 41.0]
    with zipfile.ZipFile(result.path) as z:  # the formulas are stored as they were
        assert z.read("xl/worksheets/sheet1.xml").count(b'<f t="shared" si="0"/>') == 2


def test_spill_into_styled_blank_cells_and_empty_rows(tmp_path: Path) -> None:
    # a styled empty cell (<c r="B2" s="1"/>) keeps its style and takes the value; an
    # empty formatted row (<row r="4" .../>) gets the cell; a missing row is inserted
    path = tmp_path / "styled.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    bold = book.add_format({"bold": True})
    ws.write_column(0, 0, [1.0, 2.0, 3.0, 4.0, 5.0])
    ws.write_blank(1, 1, None, bold)
    ws.set_row(5, 30)  # row 6: formatted, no cells: <row r="6" .../>
    ws.write_dynamic_array_formula(0, 1, 0, 1, "=A1:A7*10")  # row 7 does not exist
    ws.write_dynamic_array_formula(0, 3, 0, 3, "=TRANSPOSE(A1:A5)")  # unsupported
    ws.write_string(7, 0, "after")
    book.close()
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert b'<c r="B2" s="1"/>' in xml and b'customHeight="1"/>' in xml
    result = recalculate_file(path, tmp_path / "out.xlsx")
    assert [c.cell for c in result.report.unsupported] == ["S!D1"]
    out = openpyxl.load_workbook(result.path)["S"]
    values = openpyxl.load_workbook(result.path, data_only=True)["S"]
    assert [values[f"B{r}"].value for r in range(1, 8)] == [10, 20, 30, 40, 50, 0, 0]
    assert out["B2"].font.b and out.row_dimensions[6].height == 30
    assert values["A8"].value == "after" and values["A5"].value == 5


def test_libreoffice_opens_what_recalc_wrote(layout: dict[str, Path]) -> None:
    # the edited package is a valid workbook for another reader: LibreOffice loads it
    # and recomputes the native cells to the same numbers
    folder = layout["folder"] / "second"
    folder.mkdir()
    again = _cells(_libreoffice(layout["out"], folder))
    ours = _cells(layout["out"])
    for key in [("My Calc", "J4"), ("My Calc", "J7"), ("My Calc", "J9"), ("My Calc", "B7"),
                ("Report", "G10")]:
        value = ours[key]
        assert again[key] == (pytest.approx(value, rel=1e-12) if isinstance(value, float)
                              else value), key


def test_a_deeply_nested_formula_is_reported_not_a_traceback(tmp_path: Path,
                                                              capsys) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "=" + "(" * 3000 + "1" + ")" * 3000
    book.active["A2"] = 7
    path = tmp_path / "deep.xlsx"
    book.save(path)
    assert cli(["recalc", str(path)]) == PARTIAL_EXIT
    assert "Sheet!A1: a formula nested too deeply" in capsys.readouterr().err


def test_out_of_memory_while_computing_is_one_line(tmp_path: Path, monkeypatch,
                                                    capsys) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    path = tmp_path / "m.xlsx"
    book.save(path)

    def starved(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError

    monkeypatch.setattr("betaxl.workbook.engine.Engine.run", starved)
    assert cli(["recalc", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == "betaxl recalc: m.xlsx: out of memory while reading and computing; " \
        "nothing was written\n"
    assert not (tmp_path / "m_recalculated.xlsx").exists()


def test_a_spill_that_grows_into_cells_read_earlier(tmp_path: Path) -> None:
    # C1 reads B6:B10, which only the spill anchored at B3 covers (saved as one cell):
    # nothing in the file says C1 depends on B3, so a second pass puts it right
    path = tmp_path / "grow.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    ws.write_column(0, 0, [float(v) for v in range(1, 11)])
    ws.write_formula("C1", "=SUM(B6:B10)")
    ws.write_dynamic_array_formula(2, 1, 2, 1, "=A1:A10*2")
    book.close()
    result = recalculate_file(path, tmp_path / "out.xlsx")
    assert result.report.computed == 2 and not result.report.unsupported
    values = openpyxl.load_workbook(result.path, data_only=True)["S"]
    assert [values[f"B{r}"].value for r in range(3, 13)] == [2 * v for v in range(1, 11)]
    assert values["C1"].value == 2 * (4 + 5 + 6 + 7 + 8)
