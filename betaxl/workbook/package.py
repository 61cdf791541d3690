"""Workbook files from anyone: checked before reading, written atomically.

Reading: the file must be a zip holding ``xl/workbook.xml`` whose parts are of sane
size (checked from the zip directory *before* anything is inflated); values are read
with openpyxl in read-only mode (streaming, with defusedxml guarding the XML), and
nothing in the file is executed or followed (macros, external links).

Writing: the output is the input with only the ``Output`` sheet's cells replaced, so
the VBA project, the buttons and the charts survive; it is written through
:func:`betaxl.safeio.atomic_file` (complete or not at all, never over the input unless
in place, permissions kept).  Writing ``.xlsx`` from an ``.xlsm`` drops the VBA project.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET

from ..safeio import FileError, atomic_file

__all__ = [
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "FileError",
    "atomic_file",
    "check_archive",
    "read_names",
    "write_output",
]

MAX_PART_BYTES = 256 << 20   # one part (a sheet's XML) inflated
MAX_TOTAL_BYTES = 1 << 30    # the whole package inflated
MAX_RATIO = 200              # inflated / compressed, for parts over 1 MiB
MAX_NAMED_CELLS = 20_000_000  # cells one input name may cover
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _fail(path: Path | str, text: str) -> FileError:
    return FileError(f"{Path(path).name}: {text}", func="recalc", arg=str(path))


def check_archive(path: Path) -> zipfile.ZipFile:
    """Open ``path`` as a workbook package after checking it from its zip directory."""
    if not path.exists():
        raise _fail(path, "no such file")
    if not path.is_file():
        raise _fail(path, "is not a file")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _fail(path, f"is not a workbook (not a zip file: {exc})") from None
    try:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise _fail(path, "is a zip file but not an Excel workbook (no xl/workbook.xml)")
        total = 0
        for info in archive.infolist():
            total += info.file_size
            if info.file_size > MAX_PART_BYTES:
                raise _fail(path, f"part {info.filename} inflates to {info.file_size:,} "
                            f"bytes; the limit is {MAX_PART_BYTES:,}")
            if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                raise _fail(path, f"part {info.filename} is compressed {ratio}:1; refusing "
                            "a likely decompression bomb")
        if total > MAX_TOTAL_BYTES:
            raise _fail(path, f"inflates to {total:,} bytes; the limit is "
                        f"{MAX_TOTAL_BYTES:,}")
    except BaseException:
        archive.close()
        raise
    return archive


_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _cell_index(ref: str) -> tuple[int, int]:
    match = _CELL.match(ref.strip())
    if not match:
        raise ValueError(ref)
    letters, digits = match.groups()
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return int(digits), col


def read_names(path: Path, names: list[str]) -> dict[str, list[list[Any]]]:
    """The values of each named range, as rows of cells (blank = None, errors as text)."""
    import openpyxl

    check_archive(path).close()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True,
                                      keep_links=False, keep_vba=False)
    except Exception as exc:  # noqa: BLE001  openpyxl raises many kinds on bad files
        raise _fail(path, f"cannot be read as a workbook ({type(exc).__name__}: "
                    f"{str(exc).splitlines()[0][:100] if str(exc) else ''})") from None
    try:
        defined = book.defined_names
        missing = [n for n in names if n not in defined]
        if missing:
            raise _fail(path, "lacks the input names " + ", ".join(missing) +
                        " (see Formulas > Name Manager; betaxl template makes a workbook "
                        "that has them)")
        boxes: dict[str, dict[str, tuple[int, int, int, int]]] = {}
        for name in names:
            destinations = list(defined[name].destinations)
            if len(destinations) != 1:
                raise _fail(path, f"name {name} must refer to one range on one sheet")
            sheet, ref = destinations[0]
            if sheet not in book.sheetnames:
                raise _fail(path, f"name {name} refers to a missing sheet {sheet!r}")
            first, _, last = ref.partition(":")
            try:
                (r1, c1), (r2, c2) = _cell_index(first), _cell_index(last or first)
            except ValueError:
                raise _fail(path, f"name {name} does not refer to a range ({ref})") from None
            if (r2 - r1 + 1) * (c2 - c1 + 1) > MAX_NAMED_CELLS:
                raise _fail(path, f"name {name} covers more than {MAX_NAMED_CELLS:,} cells")
            boxes.setdefault(sheet, {})[name] = (r1, c1, r2, c2)
        out: dict[str, list[list[Any]]] = {}
        for sheet, wanted in boxes.items():
            out.update(_read_sheet(book[sheet], wanted))
        return out
    finally:
        book.close()


def _read_sheet(sheet: Any, wanted: dict[str, tuple[int, int, int, int]]
                ) -> dict[str, list[list[Any]]]:
    """Every wanted range of one sheet, in a single streaming pass over its rows."""
    top = min(box[0] for box in wanted.values())
    bottom = max(box[2] for box in wanted.values())
    left = min(box[1] for box in wanted.values())
    right = max(box[3] for box in wanted.values())
    out: dict[str, list[list[Any]]] = {name: [] for name in wanted}
    for number, row in enumerate(sheet.iter_rows(min_row=top, max_row=bottom, min_col=left,
                                                 max_col=right, values_only=True), top):
        for name, (r1, c1, r2, c2) in wanted.items():
            if r1 <= number <= r2:
                cells = list(row[c1 - left:c2 - left + 1])
                out[name].append(cells + [None] * (c2 - c1 + 1 - len(cells)))
    for name, (r1, c1, r2, c2) in wanted.items():  # rows past the sheet's end are blank
        out[name] += [[None] * (c2 - c1 + 1) for _ in range(r2 - r1 + 1 - len(out[name]))]
    return out


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip path of a worksheet's XML, found through workbook.xml and its rels."""
    book = SafeET.fromstring(archive.read("xl/workbook.xml"))
    rid = None
    for node in book.iter(f"{{{_MAIN}}}sheet"):
        if node.get("name") == sheet:
            rid = node.get(f"{{{_REL}}}id")
    if rid is None:
        raise FileError(f"the workbook has no sheet named {sheet!r}")
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{{{_PKG}}}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
    raise FileError(f"the workbook's sheet {sheet!r} has no part")


def _col_name(index: int) -> str:
    name = ""
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _cell_xml(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            return ""
        return f'<c r="{ref}"><v>{number!r}</v></c>'
    text = escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _sheet_data(rows: list[tuple[int, list[Any]]], keep: bytes) -> tuple[bytes, str]:
    """New <sheetData>: the rows above the output kept as they were, then ours."""
    parts = [b"<sheetData>", keep]
    last_col = 1
    last_row = 1
    for number, cells in rows:
        body = "".join(_cell_xml(f"{_col_name(j + 1)}{number}", v)
                       for j, v in enumerate(cells))
        if body:
            parts.append(f'<row r="{number}">{body}</row>'.encode())
            last_col = max(last_col, len(cells))
            last_row = number
    parts.append(b"</sheetData>")
    return b"".join(parts), f"A1:{_col_name(last_col)}{last_row}"


_ROW = re.compile(rb'<row\b[^>]*\br="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.DOTALL)


def _replace_cells(xml: bytes, rows: list[tuple[int, list[Any]]], first_row: int) -> bytes:
    """The sheet XML with every row from ``first_row`` down replaced by ``rows``."""
    match = re.search(rb"<sheetData\s*/>|<sheetData\b[^>]*>(.*?)</sheetData>", xml, re.DOTALL)
    if match is None:
        raise FileError("the output sheet has no cell data section")
    old = match.group(1) or b""
    keep = b"".join(m.group(0) for m in _ROW.finditer(old) if int(m.group(1)) < first_row)
    data, dimension = _sheet_data(rows, keep)
    xml = xml[:match.start()] + data + xml[match.end():]
    return re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>'.encode(),
                  xml, count=1)


_MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PLAIN_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _strip_vba(name: str, data: bytes) -> bytes | None:
    """Edit one part so that an .xlsx without the VBA project is valid (None = drop it)."""
    if name == "xl/vbaProject.bin" or name.endswith("vbaProjectSignature.bin"):
        return None
    if name == "[Content_Types].xml":
        data = data.replace(_MACRO_MAIN, _PLAIN_MAIN)
        data = re.sub(rb'<Override[^>]*PartName="/xl/vbaProject\.bin"[^>]*/>', b"", data)
        return re.sub(rb'<Default[^>]*ContentType="application/vnd\.ms-office\.vbaProject"'
                      rb"[^>]*/>", b"", data)
    if name == "xl/_rels/workbook.xml.rels":
        return re.sub(rb'<Relationship[^>]*Type="[^"]*/vbaProject"[^>]*/>', b"", data)
    return data


def _drop_calc_chain(name: str, data: bytes) -> bytes | None:
    """Excel rebuilds calcChain.xml; a stale one for replaced cells makes it repair."""
    if name == "xl/calcChain.xml":
        return None
    if name == "[Content_Types].xml":
        return re.sub(rb'<Override[^>]*PartName="/xl/calcChain\.xml"[^>]*/>', b"", data)
    if name == "xl/_rels/workbook.xml.rels":
        return re.sub(rb'<Relationship[^>]*Type="[^"]*/calcChain"[^>]*/>', b"", data)
    return data


def write_output(source: Path, target: Path, sheet: str,
                 rows: list[tuple[int, list[Any]]], first_row: int, *,
                 in_place: bool = False) -> None:
    """Copy ``source`` to ``target`` with the output sheet's rows replaced, atomically."""
    strip_vba = target.suffix.lower() == ".xlsx"
    with check_archive(source) as archive:
        part = _sheet_part(archive, sheet)
        with atomic_file(target, inputs=[source], in_place=in_place) as handle, \
                zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                raw = archive.read(info.filename)
                if info.filename == part:
                    raw = _replace_cells(raw, rows, first_row)
                data = _drop_calc_chain(info.filename, raw)
                if data is not None and strip_vba:
                    data = _strip_vba(info.filename, data)
                if data is None:
                    continue
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.compress_type = zipfile.ZIP_DEFLATED
                copy.external_attr = info.external_attr
                out.writestr(copy, data, compresslevel=3)
