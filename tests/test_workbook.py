"""workbook_template.xlsm, headless recalculation and the command line."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlwings

import betaxl as bx
import betaxl.workbook.package as package
from betaxl import udfs
from betaxl.cli import main as cli
from betaxl.workbook.book import Book
from betaxl.workbook.engine import Engine
from betaxl.workbook.recalc import (
    BUTTON_COMMAND,
    INPUT_NAMES,
    OUTPUT_SHEET,
    PARTIAL_EXIT,
    check_xlwings_version,
    find_value,
    recalculate_file,
)
from betaxl.workbook.template import build_template
from betaxl.workbook.template_sheets import RECALCULATE_MACRO

from . import libreoffice

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_template.xlsm"
UDF_NAMES = tuple(udfs.__all__)  # every Excel function betaxl registers
SEVEN = ("BETA_OLS", "PORT_RETURNS", "EQUAL_WEIGHT_RETURN", "BETA_RECONCILE", "RISK_TABLE",
         "RETURNS", "BETA_ROLLING")


@pytest.fixture(scope="module")
def vba() -> dict[str, str]:
    """The template's VBA modules' source code, as oletools reads it."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(TEMPLATE))
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_committed_template_is_a_fresh_build(tmp_path: Path) -> None:
    build_template(tmp_path / "fresh.xlsm")
    assert (tmp_path / "fresh.xlsm").read_bytes() == TEMPLATE.read_bytes(), \
        "rebuild it: betaxl template -o workbook_template.xlsm"


def test_vba_is_xlwings_own_and_nothing_runs_on_open(vba: dict[str, str]) -> None:
    source = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(TEMPLATE) as b:
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")
    assert set(vba) >= {"ThisWorkbook.cls", "Module1.bas", "xlwings.bas"}
    assert "xlwings64-0.37.8.dll" in vba["xlwings.bas"]
    every = "\n".join(vba.values())
    for auto in ("Workbook_Open", "Auto_Open", "Workbook_Activate", "Auto_Exec"):
        assert not re.search(rf"Sub\s+{auto}\b", every, re.IGNORECASE), auto
    assert vba["ThisWorkbook.cls"].strip().splitlines()[-1].startswith("Attribute") or \
        "Sub " not in vba["ThisWorkbook.cls"]


def test_buttons_run_macros_that_exist(vba: dict[str, str]) -> None:
    with zipfile.ZipFile(TEMPLATE) as z:
        vml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".vml"))
    macros = [m for m in re.findall(r"<x:FmlaMacro>\[0\]!([^<]+)</x:FmlaMacro>", vml)]
    captions = re.findall(r"<font[^>]*>([^<]+)</font>", vml)
    assert sorted(macros) == sorted([RECALCULATE_MACRO, "ImportPythonUDFs"])
    assert {"Recalculate", "Import Functions"} <= set(captions)
    code = "\n".join(vba.values())
    assert re.search(r"^\s*(Public\s+)?Sub\s+ImportPythonUDFs\s*\(", code, re.MULTILINE)
    # Recalculate: xlwings' own RunPython with betaxl's entry point, so the button works
    # whatever the workbook is called (no Python file named after it is needed)
    assert RECALCULATE_MACRO == f"'RunPython \"{BUTTON_COMMAND}\"'"
    assert re.search(r"^\s*(Public\s+)?Function\s+RunPython\s*\(", code, re.MULTILINE)
    assert "workbook_template" not in BUTTON_COMMAND


def test_the_button_command_recalculates_the_calling_workbook(monkeypatch) -> None:
    calls = []

    class App:
        def calculate(self) -> None:
            calls.append("calculate")

    class Caller:
        app = App()

    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: Caller()))
    exec(BUTTON_COMMAND, {})  # what RunPython runs
    assert calls == ["calculate"]


def test_sheets_names_formulas_conf_and_chart() -> None:
    book = openpyxl.load_workbook(TEMPLATE, keep_vba=True)
    assert book.sheetnames == ["Inputs", "Returns", "Functions", OUTPUT_SHEET,
                               "xlwings.conf"]
    conf = book["xlwings.conf"]
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "betaxl.udfs")
    assert set(INPUT_NAMES) <= set(book.defined_names)
    assert dict(book.defined_names["bond_prices"].destinations) == {"Inputs": "$B$4:$C$15"}
    formulas = [str(c.value) for row in book["Functions"].iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")] + [
        str(c.value.text) for row in book["Functions"].iter_rows() for c in row
        if hasattr(c.value, "text")]
    for name in SEVEN:  # each beside its native check
        assert any(name + "(" in f for f in formulas), name
    output = [str(c.value.text) for row in book["Output"].iter_rows() for c in row
              if hasattr(c.value, "text")]
    for shown in ("BETA_FACTORS(multi_prices,multi_factors", "BETA_ESTIMATES(",
                  "PORT_RETURNS(multi_prices,multi_schedule"):  # issue 12's analytics
        assert any(shown in f for f in output), shown
    for native in ("SLOPE(", "INTERCEPT(", "RSQ(", "CORREL(", "STEYX(", "STDEV.P(",
                   "STDEV.S(", "SUMPRODUCT("):
        assert any(native in f for f in formulas), native
    with zipfile.ZipFile(TEMPLATE) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
        assert "<c:scatterChart>" in chart and "<c:trendlineType val=\"linear\"/>" in chart
        assert "Returns!$C$4:$C$13" in chart  # market returns on the x axis
        assert not any(n.startswith("xl/externalLinks") for n in z.namelist())


def _libreoffice(source: Path, folder: Path) -> Path:
    return libreoffice.recalculate(source, folder, out_name="out")


def test_libreoffice_recalculates_native_checks_to_betaxl_numbers(tmp_path: Path) -> None:
    # cached values are 0 here, so matching numbers prove a real recalculation
    source = tmp_path / "uncached.xlsm"
    checks = build_template(source, cached=False)
    assert len(checks) >= 40
    result = openpyxl.load_workbook(_libreoffice(source, tmp_path), data_only=True)
    for check in checks:
        value = result[check.sheet][check.cell].value
        assert isinstance(value, float), (check.label, value)
        assert value == pytest.approx(check.expected, rel=1e-9, abs=1e-12), check.label
    # the betaxl cells are formulas LibreOffice cannot evaluate, as expected; every
    # native formula of the template gives a value, never an error
    assert result["Functions"]["A4"].value == "#NAME?"
    natives = 0
    for sheet in openpyxl.load_workbook(source).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value.text if hasattr(cell.value, "text") else cell.value
                if not (isinstance(text, str) and text.startswith("=")):
                    continue
                if any(name + "(" in text for name in UDF_NAMES):
                    continue
                natives += 1
                got = result[sheet.title][cell.coordinate].value
                assert not (isinstance(got, str) and got.startswith("#")), \
                    (sheet.title, cell.coordinate, text, got)
    assert natives > 300


def test_every_template_formula_parses_and_spill_ranges_fit(tmp_path: Path) -> None:
    book = Book(TEMPLATE)
    try:
        engine = Engine(book)
        formulas = book.formulas()
        report = engine.run(formulas)
    finally:
        book.close()
    assert report.unsupported == [] and report.errors == []
    assert report.computed == report.formulas == len(formulas) > 390
    dynamic = [f for f in formulas if f.kind == "dynamic"]
    assert len(dynamic) > 20
    for f in dynamic:  # each declared range is the size of its real result
        new = engine.new_areas[(f.sheet, f.row, f.col)]
        assert f.area is not None and new is not None
        assert (new.r1, new.c1, new.r2, new.c2) == (f.area.r1, f.area.c1, f.area.r2,
                                                    f.area.c2), (f.sheet, f.text)
    # the one-cell BETA_OLS is a dynamic-array formula (Excel shows no =@)
    assert any(f.sheet == "Functions" and (f.row, f.col) == (5, 10) for f in dynamic)
    with zipfile.ZipFile(TEMPLATE) as z:
        sheet = z.read("xl/worksheets/sheet3.xml").decode()
    assert "<f>= SUMPRODUCT" not in sheet
    # the label "= SUMPRODUCT(weights, betas):" is a text cell (a shared string), found by
    # its text rather than its address, which moves when a table above grows
    label = openpyxl.load_workbook(TEMPLATE)["Functions"]
    cells = [c for row in label.iter_rows() for c in row
             if c.value == "= SUMPRODUCT(weights, betas):"]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_native_checks_equal_the_udf_results_on_the_same_cells(tmp_path: Path) -> None:
    # SLOPE, INTERCEPT, RSQ, CORREL and STEYX beside BETA_OLS: the same numbers
    checks = {c.label: c.expected for c in build_template(tmp_path / "t.xlsm")}
    book = Book(TEMPLATE)
    try:
        engine = Engine(book)
        prices = engine.name(None, "bond_prices").rows
        market = engine.name(None, "bond_market").rows
    finally:
        book.close()
    table = udfs.BETA_OLS(prices, market, None, True, "prices")
    stats = {row[0]: row[1:] for row in table[1:]}
    for label in ("beta", "alpha", "r_squared", "correlation", "resid_std"):
        for j, bond in enumerate(("bond_one", "bond_two")):
            assert stats[label][j] == pytest.approx(checks[f"{label} {bond}"], rel=1e-14)


def _values(path: Path) -> dict[tuple[str, str], object]:
    book = openpyxl.load_workbook(path, data_only=True)
    return {(ws.title, c.coordinate): c.value for ws in book.worksheets
            for row in ws.iter_rows() for c in row if c.value is not None}


def test_recalc_computes_every_formula_and_leaves_the_input_alone(tmp_path: Path) -> None:
    source = tmp_path / "book.xlsm"
    build_template(source, cached=False)
    before = source.read_bytes()
    result = recalculate_file(source, tmp_path / "out.xlsm")
    assert source.read_bytes() == before
    assert result.report.unsupported == [] and result.report.computed > 390
    written = result.path
    assert find_value(written, OUTPUT_SHEET, "portfolio_beta") == pytest.approx(
        1.5200058242029, abs=1e-12)
    # every check cell holds the number betaxl computes for it (cached 0 before)
    values = _values(written)
    for check in build_template(tmp_path / "again.xlsm", cached=False):
        assert values[(check.sheet, check.cell)] == pytest.approx(check.expected,
                                                                  rel=1e-12, abs=1e-15)
    # the betaxl cells hold exactly what the functions give on the file's own inputs
    old = _values(source)
    bonds = [["bond_one", "bond_two"]] + [[old[("Inputs", f"{c}{r}")] for c in "BC"]
                                          for r in range(5, 16)]
    market = [["market"]] + [[old[("Inputs", f"D{r}")]] for r in range(5, 16)]
    table = udfs.BETA_OLS(bonds, market, None, True, "prices")
    for i, row in enumerate(table):
        for j, cell in enumerate(row):
            got = values.get(("Functions", f"{'ABC'[j]}{4 + i}"))
            assert got == cell, (i, j)
    # nothing else changed: the input cells, text and styles are the same
    for key, value in old.items():
        if key[0] == "Inputs" or isinstance(value, str) and not value.startswith("="):
            assert values.get(key) == value, key
    # VBA, buttons and chart survive; the .xlsx has neither macros nor armed buttons
    with zipfile.ZipFile(written) as z:
        assert "xl/vbaProject.bin" in z.namelist() and "xl/charts/chart1.xml" in z.namelist()
        assert b"RunPython" in z.read("xl/drawings/vmlDrawing1.vml")
    plain = recalculate_file(source, tmp_path / "out.xlsx").path
    with zipfile.ZipFile(plain) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
        assert b"macroEnabled" not in z.read("[Content_Types].xml")
        assert b"vbaProject" not in z.read("xl/_rels/workbook.xml.rels")
        vml = z.read("xl/drawings/vmlDrawing1.vml")
        assert b"FmlaMacro" not in vml and b"Recalculate" in vml
    assert _values(plain) == values
    # recalculating again gives the same file
    again = recalculate_file(written, tmp_path / "again.xlsm").path
    assert again.read_bytes() == written.read_bytes()


def test_a_crash_mid_write_leaves_no_partial_output(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "book.xlsm"
    shutil.copy(TEMPLATE, source)
    before = source.read_bytes()
    calls = {"n": 0}
    real = package.deflated

    def crash(part):
        calls["n"] += 1
        if calls["n"] == 2:  # the second part rewritten (unchanged ones are copied raw)
            raise RuntimeError("disk on fire")
        return real(part)

    monkeypatch.setattr(package, "deflated", crash)
    with pytest.raises(RuntimeError, match="disk on fire"):
        recalculate_file(source, tmp_path / "out.xlsm")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]
    assert source.read_bytes() == before
    # an existing output is left as it was, not half replaced
    (tmp_path / "out.xlsm").write_bytes(b"previous")
    calls["n"] = 0
    with pytest.raises(RuntimeError):
        recalculate_file(source, tmp_path / "out.xlsm")
    assert (tmp_path / "out.xlsm").read_bytes() == b"previous"


def test_partial_recalculation_exits_3_and_lists_cells(tmp_path: Path, capsys) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"], ws["A2"] = 2, "=A1*3"
    ws["A3"] = "=INDIRECT(\"A1\")"
    ws["A4"] = "=A2+1"
    path = tmp_path / "p.xlsx"
    book.save(path)
    assert cli(["recalc", str(path)]) == PARTIAL_EXIT == 3
    err = capsys.readouterr().err
    assert "partial: 1 formulas kept their cached value" in err
    assert "Sheet!A3: the function INDIRECT" in err
    out = openpyxl.load_workbook(tmp_path / "p_recalculated.xlsx", data_only=True).active
    assert (out["A2"].value, out["A3"].value, out["A4"].value) == (6, None, 7)


def test_in_place_needs_the_flag(tmp_path: Path, capsys) -> None:
    source = tmp_path / "book.xlsm"
    shutil.copy(TEMPLATE, source)
    assert cli(["recalc", str(source), "-o", str(source)]) == 2
    with pytest.raises(SystemExit) as info:  # argparse refuses the pair
        cli(["recalc", str(source), "-o", str(tmp_path / "x.xlsm"), "--in-place"])
    assert info.value.code == 2 and "not allowed with" in capsys.readouterr().err
    with pytest.raises(bx.BetaxlError, match="give either an output or in_place"):
        recalculate_file(source, tmp_path / "x.xlsm", in_place=True)
    assert source.read_bytes() == TEMPLATE.read_bytes()
    assert cli(["recalc", str(source), "--in-place"]) == 0
    assert source.read_bytes() != TEMPLATE.read_bytes()
    assert find_value(source, OUTPUT_SHEET, "portfolio_beta") == pytest.approx(1.52000582)


def _patched(tmp_path: Path, old: bytes, new: bytes) -> Path:
    """A small workbook with one formula whose sheet XML has ``old`` replaced by ``new``."""
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"], ws["A2"], ws["B1"], ws["C1"] = 1.5, "x", "=A1*2", "text"
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    path = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in data, data
                data = data.replace(old, new)
            out.writestr(info, data)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no such file"),
    (lambda p: p.write_bytes(b"hello"), "is not a workbook"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "x"), "not an Excel workbook"),
])
def test_bad_files_exit_2_with_one_line(tmp_path: Path, capsys, make, message) -> None:
    path = tmp_path / "in.xlsx"
    make(path)
    assert cli(["recalc", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("betaxl recalc: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize("old, new, message", [
    (b'<v>1.5</v>', b'<v>ninety</v>', "holds a value 'ninety'"),
    (b'<c r="C1" t="inlineStr">', b'<c r="C1" t="s"><v>99</v>', "shared-string index"),
    (b'<c r="A1"', b'<c r="6B"', "cell reference '6B'"),
    (b"</sheetData>", b"", "not well-formed"),
    (b'<row r="2">', b'<row r="1">', "has row 1 after row 1"),
    (b'<v>1.5</v>', b'<v>1e999</v>', "holds a value '1e999'"),
    (b'<c r="B1">', b'<c r="A1">', "cells out of order"),
    (b'<sheetData>', b'<!DOCTYPE x [<!ENTITY a "b">]><sheetData>', "not well-formed"),
])
def test_malformed_sheet_xml_exits_2_with_one_line(tmp_path: Path, capsys, old, new,
                                                   message) -> None:
    path = _patched(tmp_path, old, new)
    assert cli(["recalc", str(path), "-o", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("betaxl recalc: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "out.xlsx").exists()


def test_rows_and_cells_without_r_are_read_by_position(tmp_path: Path) -> None:
    path = _patched(tmp_path, b'<row r="1">', b"<row>")
    result = recalculate_file(path, tmp_path / "out.xlsx")
    assert openpyxl.load_workbook(result.path, data_only=True).active["B1"].value == 3.0


def test_extension_agrees_with_content(tmp_path: Path, capsys) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    path = tmp_path / "plain.xlsx"
    book.save(path)
    assert cli(["recalc", str(path), "-o", str(tmp_path / "o.xlsm")]) == 2
    assert "has no macros, so the output must be .xlsx" in capsys.readouterr().err
    assert not (tmp_path / "o.xlsm").exists()


def test_help_everywhere(capsys) -> None:
    for argv in (["--help"], ["demo", "--help"], ["recalc", "--help"],
                 ["template", "--help"], ["betas", "--help"]):
        with pytest.raises(SystemExit) as info:
            cli(argv)
        assert info.value.code == 0
        assert "usage: betaxl" in capsys.readouterr().out


def test_demo_from_the_command_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this tree's betaxl, not an installed one
    run = subprocess.run([sys.executable, "-m", "betaxl.cli", "demo"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300, check=True, env=env)
    out = run.stdout
    assert "1.520006" in out and "1.606269" in out and "1.493767" in out
    assert "market-on-portfolio slope" in out
    assert "7.5000%" in out and "5.0000%" in out
    assert "information_ratio" in out
    assert f"wrote {(tmp_path / 'betaxl_demo.xlsm').resolve()}" in out
    assert "portfolio_beta cell reads 1.5200058242" in out
    assert "formulas computed" in out
    assert (tmp_path / "betaxl_demo.xlsm").is_file()


def test_betas_command_on_csv_and_xlsx(tmp_path: Path, industries, capsys) -> None:
    returns, market, rf = industries
    frame = returns.iloc[-120:].copy()
    frame["market"], frame["rf"] = market.iloc[-120:], rf.iloc[-120:]
    frame.index.name = "date"
    source = tmp_path / "data.csv"
    frame.to_csv(source)
    assert cli(["betas", str(source), "--market", "market", "--risk-free", "rf",
                "--window", "36", "--progress"]) == 0
    captured = capsys.readouterr()
    assert "] 12/12 assets" in captured.err
    table = pd.read_csv(tmp_path / "data_betas.csv", index_col=0)
    core = bx.ols_beta(returns.iloc[-120:], market.iloc[-120:],
                       risk_free=rf.iloc[-120:]).to_frame().T
    np.testing.assert_allclose(table.to_numpy(), core.to_numpy(), rtol=1e-12)
    rolling = pd.read_csv(tmp_path / "data_betas_rolling_36.csv", index_col=0)
    assert rolling.shape == (120, 12) and rolling.iloc[:35].isna().all().all()
    assert cli(["betas", str(source), "--market", "market", "-o",
                str(tmp_path / "b.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "b.xlsx").sheetnames == ["betas"]
    assert cli(["betas", str(source), "--market", "nope"]) == 2
    assert "no column named 'nope'" in capsys.readouterr().err
    # Parquet in, prices: the same betas as from the returns
    prices = (1 + frame.drop(columns=["rf"])).cumprod() * 100
    prices.to_parquet(tmp_path / "prices.parquet")
    assert cli(["betas", str(tmp_path / "prices.parquet"), "--market", "market",
                "--input-type", "prices", "-o", str(tmp_path / "p.csv")]) == 0
    from_prices = pd.read_csv(tmp_path / "p.csv", index_col=0)
    raw = bx.ols_beta(returns.iloc[-119:], market.iloc[-119:]).to_frame().T
    np.testing.assert_allclose(from_prices.to_numpy(), raw.to_numpy(), rtol=1e-9)


def test_xlwings_version_is_checked() -> None:
    check_xlwings_version("0.37.8")
    with pytest.raises(bx.BetaxlError, match="built for xlwings 0.37.8 but xlwings 0.38.0 "
                                             "is installed; run: pip install "
                                             "xlwings==0.37.8"):
        check_xlwings_version("0.38.0")


def test_template_has_nothing_hidden_and_only_xlwings_suspicious_keywords() -> None:
    from oletools.olevba import VBA_Parser

    with zipfile.ZipFile(TEMPLATE) as z:
        workbook = z.read("xl/workbook.xml").decode()
        names = z.namelist()
    assert 'state="hidden"' not in workbook and 'state="veryHidden"' not in workbook
    assert not [n for n in names if "externalLink" in n or n.endswith(".bin")
                and n != "xl/vbaProject.bin"]

    def suspicious(path: Path) -> set[str]:
        parser = VBA_Parser(str(path))
        try:
            return {keyword for kind, keyword, _ in parser.analyze_macros()
                    if kind in ("AutoExec", "Suspicious")}
        finally:
            parser.close()

    ours = suspicious(TEMPLATE)
    xlwings_own = suspicious(Path(xlwings.__file__).parent / "quickstart_standalone.xlsm")
    assert ours == xlwings_own
    assert not {k for k in ours if k.lower() in ("workbook_open", "auto_open",
                                                  "document_open", "autoopen")}
    assert XLWINGS_SUSPICIOUS == ours, sorted(ours)


#: What olevba flags in xlwings' own VBA module (and so in the template; none is an
#: auto-run keyword), listed in the README: xlwings starts Python (shell, run,
#: WScript.Shell, MacScript, Exec...), loads its DLL (Lib, libc.dylib), reads its config
#: (Environ, open, binary...), and Import Functions writes the wrappers into the VBA
#: project (VBProject, VBComponents).
XLWINGS_SUSPICIOUS = {
    "Environ", "environment", "ExpandEnvironmentStrings", "open", "Write", "Output",
    "binary", "FileCopy", "Kill", "shell", "WScript.Shell", "run", "MacScript",
    "applescript", "Command", "call", "MkDir", "CreateObject", "Windows", "Lib",
    "libc.dylib", "dylib", "Chr", "VBProject", "VBComponents", "system", "Exec",
    "Hex Strings", "Base64 Strings"}


def test_every_output_table_equals_the_direct_python_call(tmp_path: Path) -> None:
    # the Output sheet's formulas, recalculated headless, against the same functions
    # called directly on the examples (what the builder sized the spills with)
    import numpy as np_

    from betaxl.examples import multi_asset_prices, multi_factors, multi_schedule
    from betaxl.workbook.template_output import output_blocks

    prices, market = multi_asset_prices()
    weights = np_.array([0.15, 0.25, 0.2, 0.25, 0.15])
    expected = [result for _, columns in output_blocks(prices, market, weights,
                                                       multi_factors(), multi_schedule())
                for _, _, result in columns]
    out = recalculate_file(TEMPLATE, tmp_path / "out.xlsm").path
    book = Book(out)
    try:
        engine = Engine(book)
        # the tables; the charts' data below them are native cells (test_template_charts)
        anchors = sorted((f.row, f.col, f.area) for f in book.formulas()
                         if f.sheet == OUTPUT_SHEET and f.kind == "dynamic")
        assert len(anchors) == len(expected) == 25
        sheet = book.sheet(OUTPUT_SHEET)
        for (row, col, area), result in zip(anchors, expected):
            rows = result if isinstance(result, list) else [[result]]
            assert area is not None
            assert (area.r2 - area.r1 + 1, area.c2 - area.c1 + 1) == (len(rows), len(rows[0]))
            got = sheet.block(area)
            for i, line in enumerate(rows):
                for j, cell in enumerate(line):
                    value = got[i][j]
                    if isinstance(cell, dt.datetime):
                        value = openpyxl.utils.datetime.from_excel(value) if \
                            isinstance(value, float) else value
                    assert value == cell, (row, col, i, j, value, cell)
    finally:
        book.close()
    assert engine
