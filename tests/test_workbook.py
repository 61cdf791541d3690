"""workbook_template.xlsm, headless recalculation and the command line."""

from __future__ import annotations

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
from betaxl import udfs
from betaxl.cli import main as cli
from betaxl.workbook.template import build_template
from betaxl.workbook.recalc import (
    FIRST_OUTPUT_ROW,
    INPUT_NAMES,
    OUTPUT_SHEET,
    XlwingsBook,
    check_xlwings_version,
    compute,
    find_value,
    recalculate,
    recalculate_file,
)
from betaxl.workbook.package import read_names

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_template.xlsm"
UDF_NAMES = ("BETA_OLS", "PORT_RETURNS", "EQUAL_WEIGHT_RETURN", "BETA_RECONCILE",
             "RISK_TABLE", "RETURNS", "BETA_ROLLING")


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
    macros = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    captions = re.findall(r"<font[^>]*>([^<]+)</font>", vml)
    assert sorted(macros) == ["ImportPythonUDFs", "SampleCall"]
    assert {"Recalculate", "Import Functions"} <= set(captions)
    code = "\n".join(vba.values())
    for macro in macros:
        assert re.search(rf"^\s*(Public\s+)?Sub\s+{macro}\s*\(", code, re.MULTILINE), macro
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in code
    assert (ROOT / "workbook_template.py").read_text().count("from betaxl.workbook import "
                                                              "main") == 1


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
    for name in UDF_NAMES:
        assert any(name + "(" in f for f in formulas), name
    for native in ("SLOPE(", "INTERCEPT(", "RSQ(", "CORREL(", "STEYX(", "STDEV.P(",
                   "STDEV.S(", "SUMPRODUCT("):
        assert any(native in f for f in formulas), native
    with zipfile.ZipFile(TEMPLATE) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
        assert "<c:scatterChart>" in chart and "<c:trendlineType val=\"linear\"/>" in chart
        assert "Returns!$C$4:$C$13" in chart  # market returns on the x axis
        assert not any(n.startswith("xl/externalLinks") for n in z.namelist())


def _libreoffice(source: Path, folder: Path) -> Path:
    """Recalculate ``source`` in headless LibreOffice, forcing recalculation on load."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: run scripts/system-deps.sh (make test does)"
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
        'xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
        "</oor:items>\n")
    out = folder / "out"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "xlsx", "--outdir", str(out),
                    str(source)], check=True, capture_output=True, timeout=180)
    return out / (source.stem + ".xlsx")


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
    # and the betaxl cells are formulas LibreOffice cannot evaluate, as expected
    assert result["Functions"]["A4"].value == "#NAME?"


def test_native_checks_equal_the_udf_results_on_the_same_cells(tmp_path: Path) -> None:
    # SLOPE, INTERCEPT, RSQ, CORREL and STEYX beside BETA_OLS: the same numbers
    checks = {c.label: c.expected for c in build_template(tmp_path / "t.xlsm")}
    values = read_names(TEMPLATE, list(INPUT_NAMES))
    table = udfs.BETA_OLS(values["bond_prices"], values["bond_market"], None, True, "prices")
    stats = {row[0]: row[1:] for row in table[1:]}
    for label in ("beta", "alpha", "r_squared", "correlation", "resid_std"):
        for j, bond in enumerate(("bond_one", "bond_two")):
            assert stats[label][j] == pytest.approx(checks[f"{label} {bond}"], rel=1e-14)


def test_recalc_writes_the_udf_results_and_leaves_the_input_alone(tmp_path: Path) -> None:
    source = tmp_path / "book.xlsm"
    shutil.copy(TEMPLATE, source)
    before = source.read_bytes()
    written, blocks = recalculate_file(source, tmp_path / "out.xlsm")
    assert source.read_bytes() == before
    assert find_value(blocks, "portfolio_beta") == pytest.approx(1.5200058242, abs=1e-10)
    # what is in the file is what the UDFs give for the inputs in the file
    expected = compute(read_names(source, list(INPUT_NAMES)).__getitem__)
    sheet = openpyxl.load_workbook(written, read_only=True)[OUTPUT_SHEET]
    rows = {i: [v for v in row] for i, row in
            enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)}
    row = FIRST_OUTPUT_ROW
    for block in expected:
        assert rows[row][0] == block.title
        for cells in block.rows:
            row += 1
            got = list(rows[row])[:len(cells)]
            got += [None] * (len(cells) - len(got))
            assert got == [None if isinstance(c, float) and np.isnan(c) else c
                           for c in cells], block.title
        row += 2
    # the label "portfolio_beta" with its value in the next cell
    labelled = [r for r in rows.values() if r and r[0] == "portfolio_beta"]
    assert labelled[0][1] == find_value(blocks, "portfolio_beta")  # the exact double
    assert labelled[0][1] == pytest.approx(1.5200058242029, abs=1e-12)
    # VBA, buttons and chart survive; the .xlsx keeps the rest without VBA
    with zipfile.ZipFile(written) as z:
        assert "xl/vbaProject.bin" in z.namelist() and "xl/charts/chart1.xml" in z.namelist()
    plain, _ = recalculate_file(source, tmp_path / "out.xlsx")
    with zipfile.ZipFile(plain) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
        assert b"macroEnabled" not in z.read("[Content_Types].xml")
    assert openpyxl.load_workbook(plain)[OUTPUT_SHEET]["A5"].value == expected[0].title
    # recalculating again gives the same file
    again, _ = recalculate_file(written, tmp_path / "again.xlsm")
    assert again.read_bytes() == written.read_bytes()


def test_a_crash_mid_write_leaves_no_partial_output(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "book.xlsm"
    shutil.copy(TEMPLATE, source)
    before = source.read_bytes()
    calls = {"n": 0}
    real = zipfile.ZipFile.writestr

    def crash(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk on fire")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", crash)
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


def test_in_place_needs_the_flag(tmp_path: Path) -> None:
    source = tmp_path / "book.xlsm"
    shutil.copy(TEMPLATE, source)
    assert cli(["recalc", str(source), "-o", str(source)]) == 2
    assert source.read_bytes() == TEMPLATE.read_bytes()
    assert cli(["recalc", str(source), "--in-place"]) == 0
    assert source.read_bytes() != TEMPLATE.read_bytes()
    assert openpyxl.load_workbook(source, read_only=True)[OUTPUT_SHEET]["A5"].value


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no such file"),
    (lambda p: p.write_bytes(b"hello"), "is not a workbook"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "x"), "not an Excel workbook"),
    (lambda p: openpyxl.Workbook().save(p), "lacks the input names bond_prices"),
])
def test_bad_files_exit_2_with_one_line(tmp_path: Path, capsys, make, message) -> None:
    path = tmp_path / "in.xlsx"
    make(path)
    assert cli(["recalc", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("betaxl recalc: ") and message in err and err.count("\n") == 1


def test_help_everywhere(capsys) -> None:
    for argv in (["--help"], ["demo", "--help"], ["recalc", "--help"],
                 ["template", "--help"], ["betas", "--help"]):
        with pytest.raises(SystemExit) as info:
            cli(argv)
        assert info.value.code == 0
        assert "usage: betaxl" in capsys.readouterr().out


def test_demo_from_the_command_line(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "betaxl.cli", "demo"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300, check=True)
    out = run.stdout
    assert "1.520006" in out and "1.606269" in out and "1.493767" in out
    assert "market-on-portfolio slope" in out
    assert "7.5000%" in out and "5.0000%" in out
    assert "information_ratio" in out
    assert f"wrote {(tmp_path / 'betaxl_demo.xlsm').resolve()}" in out
    assert "portfolio_beta cell reads 1.5200058242" in out
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


class FakeRange:
    def __init__(self, sheet: dict, value=None, anchor=None) -> None:
        self.sheet, self.value_, self.anchor = sheet, value, anchor

    def options(self, **kwargs):
        assert kwargs == {"ndim": 2}
        return self

    @property
    def value(self):
        return self.value_

    @value.setter
    def value(self, rows):
        self.sheet[self.anchor] = rows

    def clear_contents(self) -> None:
        self.sheet.clear()


def test_xlwings_door_reads_names_and_writes_only_the_output_sheet() -> None:
    values = read_names(TEMPLATE, list(INPUT_NAMES))
    written: dict = {}

    class Book:
        def __init__(self) -> None:
            self.names = {name: type("Name", (), {"refers_to_range": FakeRange({}, rows)})()
                          for name, rows in values.items()}
            self.sheets = {OUTPUT_SHEET: type("Sheet", (), {
                "range": staticmethod(lambda where: FakeRange(
                    written, anchor=where if isinstance(where, tuple) else None))})()}

    book = XlwingsBook(Book())
    blocks = recalculate(book.read, book.write)
    assert written[(FIRST_OUTPUT_ROW, 1)] == [[blocks[0].title]]
    labelled = [v[0] for v in written.values() if v[0] and v[0][0] == "portfolio_beta"]
    assert labelled[0][1] == pytest.approx(1.5200058242, abs=1e-10)


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
