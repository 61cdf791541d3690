"""Workbooks written byte by byte, for the recalc tests that need XML openpyxl does not
write (rows without numbers, inline strings with phonetic runs, ``t="d"`` cells ...)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from betaxl.workbook.book import Book
from betaxl.workbook.recalc import recalculate_file

NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def write_book(path: Path, sheets: list[tuple[str, str]], strings: tuple[str, ...] = (),
               date1904: bool = False) -> Path:
    """A workbook of ``sheets`` (name, the inside of ``<sheetData>``) and shared strings."""
    n = len(sheets)
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
                        f'ContentType="{_CT}.worksheet+xml"/>' for i in range(n))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", f'<Types xmlns="{_PKG}/content-types">'
                   f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   f'package.relationships+xml"/><Default Extension="xml" ContentType='
                   f'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
                   f'"{_CT}.sheet.main+xml"/>{overrides}<Override PartName='
                   f'"/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/></Types>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="{_PKG}/relationships">'
                   f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
        listed = "".join(f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                         for i, (name, _) in enumerate(sheets))
        z.writestr("xl/workbook.xml", f"<workbook {NS}>{pr}<sheets>{listed}</sheets>"
                   "</workbook>")
        rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{_DOC}/worksheet" '
                       f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(n))
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{_PKG}/'
                   f'relationships">{rels}<Relationship Id="rId{n + 1}" Type="{_DOC}/'
                   'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        items = "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in strings)
        z.writestr("xl/sharedStrings.xml", f'<sst {NS} count="{len(strings)}" '
                   f'uniqueCount="{len(strings)}">{items}</sst>')
        for i, (_, inner) in enumerate(sheets):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml",
                       f"<worksheet {NS}><sheetData>{inner}</sheetData></worksheet>")
    return path


def recalc_xml(tmp_path: Path, sheets: list[tuple[str, str]], cells: list[str], *,
               strings: tuple[str, ...] = (), date1904: bool = False
               ) -> tuple[dict[str, Any], dict[str, str]]:
    """Recalculate the book; the values of ``cells`` (``Sheet!A1``) and the listed cells
    with their reasons."""
    from .test_recalc_excel import _rc

    source = write_book(tmp_path / "in.xlsx", sheets, strings, date1904)
    done = recalculate_file(source, tmp_path / "out.xlsx")
    out = Book(done.path)
    try:
        values = {}
        for where in cells:
            sheet, cell = where.split("!")
            values[where] = out.sheet(sheet).get(*_rc(cell))
    finally:
        out.close()
    return values, {r.cell: r.reason for r in done.report.unsupported}


def fc(ref: str, formula: str, cached: str | None = None) -> str:
    """A formula cell (its cached value, if any)."""
    text = formula.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    v = f"<v>{cached}</v>" if cached is not None else ""
    return f'<c r="{ref}"><f>{text}</f>{v}</c>'
