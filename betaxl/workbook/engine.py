"""Recalculate every formula of a workbook file, headless, and write the values back.

How a file is read:

- the package is checked from its zip directory first (:func:`.package.check_archive`);
- sheets that hold formulas (or error cells) are read with a streaming XML parser
  (expat, with document type declarations refused) that keeps, for every row and cell,
  where its bytes start and end; the other sheets' values are read by python-calamine
  (Rust) only when a formula refers to them;
- shared formulas are expanded with openpyxl's formula translator, dynamic-array
  formulas are told apart from legacy array formulas by their cell-metadata flag.

How it computes: every formula cell is parsed (:mod:`.formula`), ordered by what it
reads (a range depends on the formulas inside it and on the array formulas spilling
into it), and evaluated once, in that order, through the betaxl functions of
:mod:`betaxl.udfs` and the natives of :data:`.formula.NATIVES`.  A dynamic-array result
spills; a spill that would cover a non-empty cell, or run past row 1,048,576 or column
16,384, gives ``#SPILL!`` as Excel does.  A formula that cannot be evaluated keeps its
cached value and is reported.

How it writes: only the ``<c>`` elements of cells whose value changed are replaced (and
cells a spill needs are inserted); every other byte of every part is copied as it was,
so VBA, buttons, charts, styles, names and the user's cells stay untouched.
"""

from __future__ import annotations

import datetime as dt
import math
import io
import posixpath
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET

from ..excel import functions as udfs
from ..errors import BetaxlError
from .formula import (
    MAX_COLS,
    MAX_ROWS,
    Grid,
    Node,
    Ref,
    Unsupported,
    XlError,
    column_letters,
    column_number,
    evaluate,
    parse,
    parse_area,
    references,
)
from .package import FileError, check_archive, snapshot

__all__ = ["MAX_CELLS", "Book", "CellReport", "Recalculation", "recalculate_package"]

#: Cells one command may read, over all sheets (values held in memory as Python objects).
MAX_CELLS = 20_000_000
#: Every Excel function betaxl registers (one list: a new function is computed at once).
UDF_NAMES = frozenset(udfs.__all__)
_MAINS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "http://purl.oclc.org/ooxml/spreadsheetml/main")
_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships")
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_EPOCH = dt.datetime(1899, 12, 30)
_SPILL = XlError("#SPILL!")
_CIRCULAR = "a circular reference"


def _fail(part: str, text: str) -> FileError:
    return FileError(f"{part}: {text}", func="recalc")


# -- reading ----------------------------------------------------------------------------


@dataclass(slots=True)
class CellXml:
    """Where one ``<c>`` element sits in its sheet's bytes, and what it holds."""

    start: int
    end: int
    attrs: dict[str, str]
    value: Any = None
    formula: str | None = None
    f_kind: str = ""  # "", "shared", "array", "dataTable"
    f_attrs: dict[str, str] = field(default_factory=dict)
    f_span: tuple[int, int] | None = None


#: A cell without a formula, kept small: (start, end, value); its attributes are read
#: again from its start tag only if it is edited.
PlainCell = tuple[int, int, Any]


@dataclass(slots=True)
class RowXml:
    start: int
    end: int = -1
    open_end: int = -1  # just after the start tag
    self_closing: bool = False
    cells: dict[int, CellXml | PlainCell] = field(default_factory=dict)


def _formula_cell(cell: CellXml | PlainCell | None) -> CellXml | None:
    return cell if isinstance(cell, CellXml) and cell.f_span is not None else None


def _cell_start(cell: CellXml | PlainCell) -> int:
    return cell.start if isinstance(cell, CellXml) else cell[0]


def _cell_value(cell: CellXml | PlainCell | None) -> Any:
    if cell is None:
        return None
    return cell.value if isinstance(cell, CellXml) else cell[2]


def _attrs_at(data: bytes, start: int) -> dict[str, str]:
    """The attributes of the start tag at ``start`` (read again for an edited cell)."""
    tag = data[start:_tag_end(data, start)]
    snippet = tag if tag.endswith(b"/>") else tag[:-1] + b"/>"
    found: dict[str, str] = {}
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda name, attrs: found.update(attrs)
    parser.Parse(snippet, True)
    return found


@dataclass
class SheetXml:
    """A sheet read with the streaming parser: its bytes and every row's and cell's span."""

    data: bytes
    prefix: str
    rows: dict[int, RowXml]
    data_start: int
    data_end: int
    data_close: int  # where </sheetData> starts (-1: <sheetData/>)
    dimension: tuple[int, int] | None


def _tag_end(data: bytes, at: int) -> int:
    """The offset just past the tag starting at ``at`` (quotes respected)."""
    quote = 0
    i = at
    n = len(data)
    while i < n:
        ch = data[i]
        if quote:
            if ch == quote:
                quote = 0
        elif ch in (34, 39):
            quote = ch
        elif ch == 62:
            return i + 1
        i += 1
    raise ValueError("unclosed tag")


_CELL_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_COLUMNS: dict[str, int] = {}


def _cell_ref(text: str, part: str) -> tuple[int, int]:
    """``"B12"`` -> (12, 2): a cell's own reference (no ``$``, no range)."""
    match = _CELL_REF.fullmatch(text)
    if match is not None:
        letters, digits = match.groups()
        col = _COLUMNS.get(letters)
        if col is None:
            col = _COLUMNS[letters] = column_number(letters)
        row = int(digits)
        if col <= MAX_COLS and row <= MAX_ROWS:
            return row, col
    raise _fail(part, f"has a cell reference {text!r} that is not one cell")


class _SheetReader:
    """expat handlers collecting rows, cells, values and formulas of one sheet."""

    def __init__(self, data: bytes, part: str, strings: list[str], dates: set[int]) -> None:
        self.data, self.part, self.strings, self.dates = data, part, strings, dates
        self.rows: dict[int, RowXml] = {}
        self.row: RowXml | None = None
        self.row_number = 0
        self.col = 0
        self.cell: CellXml | None = None
        self.cell_type = "n"
        self.text: list[str] = []
        self.in_value = self.in_formula = self.in_inline = False
        self.prefix = ""
        self.data_start = self.data_end = self.data_close = -1
        self.dimension: tuple[int, int] | None = None
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.namespace_prefixes = True
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.chars
        self.parser.StartDoctypeDeclHandler = self.refuse
        self.parser.EntityDeclHandler = self.refuse

    def refuse(self, *args: Any) -> None:
        raise _fail(self.part, "declares a document type or entities; refused")

    def run(self) -> SheetXml:
        try:
            self.parser.Parse(self.data, True)
        except expat.ExpatError as exc:
            raise _fail(self.part, f"is not well-formed XML ({exc})") from None
        except (ValueError, IndexError) as exc:
            raise _fail(self.part, f"cannot be read ({exc})") from None
        if self.data_start < 0:
            raise _fail(self.part, "has no sheetData")
        return SheetXml(self.data, self.prefix, self.rows, self.data_start, self.data_end,
                        self.data_close, self.dimension)

    _names: dict[str, tuple[str, str]] = {}

    @classmethod
    def local(cls, name: str) -> tuple[str, str]:
        found = cls._names.get(name)
        if found is None:
            parts = name.split(" ")
            found = (parts[0], parts[1]) if len(parts) >= 2 else ("", parts[0])
            cls._names[name] = found
        return found

    @staticmethod
    def plain(attrs: dict[str, str]) -> dict[str, str]:
        if not any(" " in key for key in attrs):
            return attrs
        out = {}
        for key, value in attrs.items():
            parts = key.split(" ")
            out[f"{parts[2]}:{parts[1]}" if len(parts) == 3 else parts[-1]] = value
        return out

    def start(self, name: str, attrs: dict[str, str]) -> None:
        uri, tag = self.local(name)
        if uri not in _MAINS:
            return
        at = self.parser.CurrentByteIndex
        if tag == "c":
            if self.row is None:
                raise _fail(self.part, "has a cell outside a row")
            a = self.plain(attrs)
            if "r" in a:
                row, col = _cell_ref(a["r"], self.part)
                if row != self.row_number:
                    raise _fail(self.part, f"has cell {a['r']} inside row {self.row_number}")
            else:
                col = self.col + 1
            if col <= self.col:
                raise _fail(self.part, f"row {self.row_number} has its cells out of order")
            self.col = col
            self.cell = CellXml(at, -1, a)
            self.cell_type = a.get("t", "n")
            self.row.cells[col] = self.cell
        elif tag == "row":
            a = self.plain(attrs)
            try:
                number = int(a["r"]) if "r" in a else self.row_number + 1
            except ValueError:
                raise _fail(self.part, f"has a row number {a['r']!r}") from None
            if not self.row_number < number <= MAX_ROWS:
                raise _fail(self.part, f"has row {number} after row {self.row_number}")
            self.row_number = number
            self.col = 0
            self.row = RowXml(at)
            self.row.open_end = _tag_end(self.data, at)
            self.row.self_closing = self.data[self.row.open_end - 2] == 47
            self.rows[number] = self.row
        elif tag == "v" and self.cell is not None:
            self.in_value, self.text = True, []
        elif tag == "f" and self.cell is not None:
            self.in_formula, self.text = True, []
            self.cell.f_attrs = self.plain(attrs)
            self.cell.f_kind = self.cell.f_attrs.get("t", "")
            self.cell.f_span = (at, -1)
        elif tag == "is" and self.cell is not None:
            self.in_inline, self.text = True, []
        elif tag == "t" and self.in_inline:
            pass
        elif tag == "sheetData":
            self.data_start = at
            self.prefix = name.split(" ")[2] + ":" if name.count(" ") == 2 else ""
        elif tag == "dimension":
            self.dimension = (at, _tag_end(self.data, at))

    def end_offset(self, start: int) -> int:
        """Just past the element that started at ``start`` (``<x/>`` or ``<x>...</x>``)."""
        head_end = _tag_end(self.data, start)
        if self.data[head_end - 2:head_end] == b"/>":
            return head_end
        at = self.parser.CurrentByteIndex  # at the end tag "</..."
        return self.data.index(b">", at) + 1

    def end(self, name: str) -> None:
        uri, tag = self.local(name)
        if uri not in _MAINS:
            return
        if tag == "c" and self.cell is not None:
            cell = self.cell
            cell.end = self.end_offset(cell.start)
            if cell.value is None and self.cell_type == "inlineStr" and self.text:
                cell.value = "".join(self.text)
            if cell.f_span is None and self.row is not None:  # kept small: (start, end, value)
                self.row.cells[self.col] = (cell.start, cell.end, cell.value)
            self.cell = None
        elif tag == "v" and self.in_value and self.cell is not None:
            self.in_value = False
            self.cell.value = self.value("".join(self.text))
        elif tag == "f" and self.in_formula and self.cell is not None:
            self.in_formula = False
            self.cell.formula = "".join(self.text)
            span = self.cell.f_span
            assert span is not None
            self.cell.f_span = (span[0], self.end_offset(span[0]))
        elif tag == "is":
            self.in_inline = False
            if self.cell is not None:
                self.cell.value = "".join(self.text)
        elif tag == "row" and self.row is not None:
            self.row.end = self.end_offset(self.row.start)
            self.row = None
        elif tag == "sheetData":
            self.data_end = self.end_offset(self.data_start)
            at = self.parser.CurrentByteIndex
            closing = self.data[self.data_end - 2:self.data_end] != b"/>"
            self.data_close = at if closing else -1

    def chars(self, text: str) -> None:
        if self.in_value or self.in_formula or self.in_inline:
            self.text.append(text)

    def value(self, text: str) -> Any:
        kind = self.cell_type
        try:
            if kind == "s":
                return self.strings[int(text)]
            if kind in ("str", "inlineStr"):
                return text
            if kind == "b":
                if text.strip() not in ("0", "1"):
                    raise ValueError(text)
                return text.strip() == "1"
            if kind == "e":
                return XlError(text.strip())
            if kind == "d":
                return dt.datetime.fromisoformat(text.strip())
            if text.strip() == "":
                return None
            number = float(text)
            if not math.isfinite(number):
                raise ValueError(text)
            assert self.cell is not None
            if self.dates and int(self.cell.attrs.get("s", "0") or 0) in self.dates:
                return _EPOCH + dt.timedelta(days=number)
            return number
        except (ValueError, IndexError, OverflowError):
            where = self.cell.attrs.get("r", "?") if self.cell else "?"
            what = "a shared-string index" if kind == "s" else "a value"
            raise _fail(self.part, f"cell {where} holds {what} {text[:40]!r} that cannot "
                        "be read") from None


_DATE_FORMATS = set(range(14, 23)) | {45, 46, 47}


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles whose number format is a date (as calamine decides)."""
    try:
        root = SafeET.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    ns = "{" + root.tag[1:].split("}")[0] + "}" if root.tag.startswith("{") else ""
    custom = {}
    for fmt in root.iter(f"{ns}numFmt"):
        code = fmt.get("formatCode", "")
        bare = "".join(part for i, part in enumerate(code.split('"')) if i % 2 == 0)
        bare = "".join(ch for ch in bare.split("[")[0] + "".join(
            p.split("]", 1)[-1] for p in bare.split("[")[1:]))
        custom[int(fmt.get("numFmtId", "0"))] = any(ch in bare.lower() for ch in "dmy")
    out = set()
    xfs = root.find(f"{ns}cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else []):
        number = int(xf.get("numFmtId", "0"))
        if number in _DATE_FORMATS or custom.get(number, False):
            out.add(i)
    return out


def _shared_strings(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    part = "xl/sharedStrings.xml"
    if part not in names:
        return []
    out: list[str] = []
    for _, node in SafeET.iterparse(archive.open(part), events=("end",)):
        if node.tag.endswith("}si"):
            out.append("".join(t.text or "" for t in node.iter() if t.tag.endswith("}t")
                               and not _inside_phonetic(node, t)))
            node.clear()
    return out


def _inside_phonetic(si: Any, t: Any) -> bool:
    return any(t in list(r.iter()) for r in si if r.tag.endswith("}rPh"))


def _may_hold_formulas(data: bytes) -> bool:
    """A cheap look at the bytes: could this sheet hold a formula or an error cell?

    Every formula element (``<f>``, ``<f t=...>``, ``<f/>``, ``<x:f>``) has an ``f``
    followed by ``>``, a space or ``/``, and every error cell a ``t="e"``; a false alarm
    (text such as "of the" in an inline string) only costs the slower exact reader.
    Searching for patterns that start with a rare byte keeps this at memory speed.
    """
    return any(token in data for token in (b"f>", b"f ", b"f/", b'"e"', b"'e'"))


@dataclass
class Sheet:
    """One sheet's values as rows from A1 (None = blank), and its XML when parsed."""

    name: str
    part: str
    values: list[list[Any]]
    xml: SheetXml | None = None

    def block(self, ref: Ref) -> list[list[Any]]:
        out = []
        width = ref.c2 - ref.c1 + 1
        for r in range(ref.r1 - 1, min(ref.r2, len(self.values))):
            row = self.values[r][ref.c1 - 1:ref.c2]
            if "" in row:  # calamine's blank cells
                row = [None if v == "" else v for v in row]
            if len(row) < width:
                row += [None] * (width - len(row))
            out.append(row)
        return out

    def get(self, r: int, c: int) -> Any:
        if r - 1 < len(self.values) and c - 1 < len(self.values[r - 1]):
            v = self.values[r - 1][c - 1]
            return None if v == "" else v
        return None

    def put(self, r: int, c: int, value: Any) -> None:
        while len(self.values) < r:
            self.values.append([])
        row = self.values[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = value

    @property
    def extent(self) -> tuple[int, int]:
        return len(self.values), max((len(r) for r in self.values), default=0)


@dataclass
class Formula:
    """One formula cell (or the anchor of an array formula)."""

    sheet: str
    row: int
    col: int
    text: str
    kind: str  # "cell", "array" (legacy, fixed range) or "dynamic" (spills)
    area: Ref | None  # the range the array formula covered when saved
    tree: Node | None = None
    problem: str | None = None


@dataclass(frozen=True)
class CellReport:
    """A cell whose formula was not evaluated, or evaluated to an error, and why."""

    cell: str
    reason: str


@dataclass
class Recalculation:
    """What a recalculation did: counts and the cells that need the user's eye."""

    formulas: int = 0
    computed: int = 0
    spilled_cells: int = 0
    unsupported: list[CellReport] = field(default_factory=list)
    errors: list[CellReport] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """True when some formula kept its cached value (``betaxl recalc`` exits 3)."""
        return bool(self.unsupported)


class Book:
    """A workbook package opened for recalculation."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = snapshot(path)  # read once: values and the copy come from these bytes
        self.archive = check_archive(path, self.data)
        self.names_in_zip = set(self.archive.namelist())
        self.cells_read = 0
        try:
            self._read_workbook()
            self.strings = _shared_strings(self.archive, self.names_in_zip)
            self.date_styles = _date_styles(self.archive)
        except FileError:
            self.archive.close()
            raise
        except Exception as exc:  # noqa: BLE001  parsers raise many kinds on bad files
            self.archive.close()
            raise _fail(path.name, f"cannot be read as a workbook ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:100] if str(exc) else ''})") from None
        self.sheets: dict[str, Sheet] = {}
        self._calamine: Any = None
        self._formulas: dict[str, bool] = {}

    def holds_formulas(self, name: str) -> bool:
        """Whether a sheet may hold formulas (looked at once, from its bytes)."""
        if name not in self._formulas:
            with self.archive.open(self.sheet_parts[name]) as handle:
                self._formulas[name] = _may_hold_formulas(handle.read())
        return self._formulas[name]

    def close(self) -> None:
        self.archive.close()

    def _read_workbook(self) -> None:
        root = SafeET.fromstring(self.archive.read("xl/workbook.xml"))
        rels_part = "xl/_rels/workbook.xml.rels"
        targets = {}
        if rels_part in self.names_in_zip:
            for rel in SafeET.fromstring(self.archive.read(rels_part)).iter(
                    f"{{{_PKG}}}Relationship"):
                target = rel.get("Target", "")
                targets[rel.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                          else posixpath.normpath(posixpath.join("xl", target)))
        self.sheet_parts: dict[str, str] = {}
        self.order: list[str] = []
        for node in root.iter():
            if node.tag.split("}")[-1] == "sheet":
                rid = next((v for k, v in node.attrib.items() if k.split("}")[-1] == "id"
                            and k.startswith("{") and k[1:].split("}")[0] in _REL), None)
                part = targets.get(rid)
                if part is None or part not in self.names_in_zip:
                    continue  # a chart sheet or a dangling entry: nothing to compute
                name = node.get("name", "")
                self.sheet_parts[name] = part
                self.order.append(name)
        self.defined: dict[tuple[str | None, str], str] = {}
        for node in root.iter():
            if node.tag.split("}")[-1] == "definedName" and node.text:
                local = node.get("localSheetId")
                scope = None
                if local is not None and local.isdigit() and int(local) < len(self.order):
                    scope = self.order[int(local)]
                self.defined[(scope, node.get("name", "").upper())] = node.text

    def _count(self, cells: int, sheet: str) -> None:
        self.cells_read += cells
        if self.cells_read > MAX_CELLS:
            raise _fail(self.path.name, f"holds more than {MAX_CELLS:,} cells to read "
                        f"(at sheet {sheet!r}); refusing to hold them in memory")

    def sheet(self, name: str) -> Sheet:
        """A sheet's values (read on first use)."""
        found = self.sheets.get(name)
        if found is not None:
            return found
        key = next((n for n in self.sheet_parts if n.upper() == name.upper()), None)
        if key is None:
            raise KeyError(name)
        if key in self.sheets:
            return self.sheets[key]
        part = self.sheet_parts[key]
        data = self.archive.read(part)
        self._count(data.count(b"<c ") + data.count(b":c ") + data.count(b"<c>"), key)
        self._formulas[key] = _may_hold_formulas(data)
        if self._formulas[key]:
            xml = _SheetReader(data, part, self.strings, self.date_styles).run()
            values: list[list[Any]] = []
            sheet = Sheet(key, part, values, xml)
            for r, row in xml.rows.items():
                for c, cell in row.cells.items():
                    value = _cell_value(cell)
                    if value is not None:
                        sheet.put(r, c, value)
        else:
            sheet = Sheet(key, part, self._calamine_values(key))
        rows, cols = sheet.extent
        self._count(max(rows * cols - data.count(b"<c "), 0), key)
        self.sheets[key] = sheet
        return sheet

    def _calamine_values(self, name: str) -> list[list[Any]]:
        import python_calamine

        try:
            if self._calamine is None:
                self._calamine = python_calamine.CalamineWorkbook.from_filelike(
                    io.BytesIO(self.data))
            sheet = self._calamine.get_sheet_by_name(name)
            if sheet.total_height * sheet.total_width > MAX_CELLS:
                raise _fail(self.path.name, f"sheet {name!r} spans "
                            f"{sheet.total_height:,} x {sheet.total_width:,} cells")
            return sheet.to_python(skip_empty_area=False)
        except FileError:
            raise
        except Exception as exc:  # noqa: BLE001  calamine raises its own kinds
            raise _fail(self.path.name, f"sheet {name!r} cannot be read "
                        f"({str(exc).splitlines()[0][:100] if str(exc) else exc})") from None

    def formulas(self) -> list[Formula]:
        """Every formula cell of every sheet that may hold one, shared ones expanded."""
        from openpyxl.formula.translate import Translator

        out: list[Formula] = []
        for name in self.order:
            if not self.holds_formulas(name):
                continue
            sheet = self.sheet(name)
            assert sheet.xml is not None
            masters: dict[str, tuple[str, str]] = {}
            for r, row in sheet.xml.rows.items():
                for c, item in row.cells.items():
                    cell = _formula_cell(item)
                    if cell is None:
                        continue
                    where = f"{column_letters(c)}{r}"
                    text = cell.formula or ""
                    kind, area = "cell", None
                    if cell.f_kind == "shared":
                        si = cell.f_attrs.get("si", "")
                        if text:
                            masters[si] = (text, where)
                        elif si in masters:
                            master, origin = masters[si]
                            try:
                                text = Translator("=" + master, origin=origin
                                                  ).translate_formula(where)[1:]
                            except Exception:  # noqa: BLE001  a reference off the sheet
                                text = ""
                    elif cell.f_kind == "array":
                        area = parse_area(cell.f_attrs.get("ref", where))
                        kind = "dynamic" if "cm" in cell.attrs else "array"
                    formula = Formula(name, r, c, text, kind, area)
                    if cell.f_kind == "dataTable":
                        formula.problem = "a data table (What-If analysis)"
                    elif not text:
                        formula.problem = "an empty or unreadable formula"
                    out.append(formula)
        return out

    def defined_name(self, sheet: str | None, name: str) -> str | None:
        key = name.upper()
        if sheet is not None and (sheet, key) in self.defined:
            return self.defined[(sheet, key)]
        return self.defined.get((None, key))


# -- computing --------------------------------------------------------------------------


_PLAIN = (float, str, bool, type(None), int, dt.datetime)


def _udf_argument(value: Any) -> Any:
    """A value as the classic xlwings runtime hands it to a UDF (errors as their text)."""
    if isinstance(value, Grid):
        return [row if all(type(v) in _PLAIN for v in row) else [_udf_cell(v) for v in row]
                for row in value.rows]
    return _udf_cell(value)


def _udf_cell(value: Any) -> Any:
    if isinstance(value, XlError):
        return value.code
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


class Engine:
    """Evaluates a book's formulas in dependency order (implements formula.Context)."""

    def __init__(self, book: Book, progress: Callable[[int, int], None] | None = None
                 ) -> None:
        self.book = book
        self.progress = progress
        self.report = Recalculation()
        self.sheet = ""
        self.row = self.col = 0
        self.names: dict[tuple[str | None, str], Node] = {}
        self.messages: list[str] = []
        self.changed: dict[str, dict[tuple[int, int], Any]] = {}
        self.new_areas: dict[tuple[str, int, int], Ref | None] = {}
        self.occupied: dict[tuple[str, int, int], tuple[int, int]] = {}

    # formula.Context
    def grid(self, ref: Ref) -> Grid:
        assert ref.sheet is not None
        try:
            sheet = self.book.sheet(ref.sheet)
        except KeyError:
            return Grid([[XlError("#REF!")]])
        rows, cols = sheet.extent
        r2, c2 = min(ref.r2, max(rows, ref.r1)), min(ref.c2, max(cols, ref.c1))
        if ref.r2 == MAX_ROWS or ref.c2 == MAX_COLS:  # whole columns or rows: the used part
            ref = Ref(ref.sheet, ref.r1, ref.c1, r2 if ref.r2 == MAX_ROWS else ref.r2,
                      c2 if ref.c2 == MAX_COLS else ref.c2)
        cells = (ref.r2 - ref.r1 + 1) * (ref.c2 - ref.c1 + 1)
        if cells > MAX_CELLS:
            raise Unsupported(f"a range of {cells:,} cells")
        block = sheet.block(ref)
        width = ref.c2 - ref.c1 + 1
        block += [[None] * width for _ in range(ref.r2 - ref.r1 + 1 - len(block))]
        return Grid(block)

    def name(self, sheet: str | None, name: str) -> Any:
        node = self._name_tree(sheet or self.sheet, name)
        if node is None:
            self.messages.append(f"{name} is not a defined name (#NAME?)")
            return XlError("#NAME?")
        return evaluate(node, self)

    def _name_tree(self, sheet: str, name: str) -> Node | None:
        key = (sheet, name.upper())
        if key not in self.names:
            text = self.book.defined_name(sheet, name)
            if text is None:
                return None
            self.names[key] = parse(text)
        return self.names[key]

    def udf(self, name: str) -> Callable[..., Any] | None:
        if name not in UDF_NAMES:
            short = name.rsplit(".", 1)[-1]
            if short not in UDF_NAMES:
                return None
            name = short
        function = getattr(udfs, name)

        def call(*args: Any) -> Any:
            try:
                result = function(*[_udf_argument(a) for a in args])
            except BetaxlError as exc:
                self.messages.append(str(exc))
                return XlError("#VALUE!")
            if isinstance(result, (list, tuple)):
                rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in result]
                if rows and all(not isinstance(r, (list, tuple)) for r in result):
                    rows = [list(result)]
                return Grid(rows)
            return result
        return call

    # dependencies
    def _refs(self, formula: Formula) -> Iterator[Ref]:
        assert formula.tree is not None
        seen: set[tuple[str, str]] = set()
        stack = [(formula.sheet, formula.tree)]
        while stack:
            sheet, tree = stack.pop()
            for node in references(tree):
                if node.kind == "ref":
                    ref: Ref = node.value
                    yield ref if ref.sheet else Ref(sheet, ref.r1, ref.c1, ref.r2, ref.c2)
                else:
                    scope, name = node.value
                    key = (scope or sheet, name.upper())
                    if key in seen:
                        continue
                    seen.add(key)
                    try:
                        inner = self._name_tree(scope or sheet, name)
                    except Unsupported:
                        inner = None
                    if inner is not None:
                        stack.append((scope or sheet, inner))

    def order(self, formulas: list[Formula]) -> list[Formula]:
        """Formulas in an order where each comes after everything it reads."""
        by_cell: dict[tuple[str, int, int], Formula] = {}
        per_sheet: dict[str, list[Formula]] = {}
        arrays: dict[str, list[Formula]] = {}
        for f in formulas:
            by_cell[(f.sheet.upper(), f.row, f.col)] = f
            per_sheet.setdefault(f.sheet.upper(), []).append(f)
            if f.area is not None:
                arrays.setdefault(f.sheet.upper(), []).append(f)
        rows_of: dict[str, dict[int, list[Formula]]] = {}
        for sheet, items in per_sheet.items():
            index: dict[int, list[Formula]] = {}
            for f in items:
                index.setdefault(f.row, []).append(f)
            rows_of[sheet] = index
        deps: dict[int, list[Formula]] = {}
        for f in formulas:
            if f.tree is None:
                continue
            found: list[Formula] = []
            for ref in self._refs(f):
                key = (ref.sheet or f.sheet).upper()
                index = rows_of.get(key, {})
                if (ref.r2 - ref.r1) < len(index):
                    for r in range(ref.r1, ref.r2 + 1):
                        found.extend(g for g in index.get(r, ()) if ref.c1 <= g.col <= ref.c2)
                else:
                    found.extend(g for r, items in index.items() if ref.r1 <= r <= ref.r2
                                 for g in items if ref.c1 <= g.col <= ref.c2)
                for g in arrays.get(key, ()):
                    area = g.area
                    assert area is not None
                    if area.r1 <= ref.r2 and ref.r1 <= area.r2 and area.c1 <= ref.c2 and \
                            ref.c1 <= area.c2:
                        found.append(g)
            deps[id(f)] = found
        ordered: list[Formula] = []
        state: dict[int, int] = {}  # 1 visiting, 2 done
        for root in formulas:
            if state.get(id(root)):
                continue
            stack: list[tuple[Formula, int]] = [(root, 0)]
            state[id(root)] = 1
            while stack:
                f, i = stack.pop()
                children = deps.get(id(f), [])
                if i < len(children):
                    stack.append((f, i + 1))
                    child = children[i]
                    if child is f:
                        continue
                    if state.get(id(child)) == 1:
                        f.problem = f.problem or _CIRCULAR
                        child.problem = child.problem or _CIRCULAR
                    elif not state.get(id(child)):
                        state[id(child)] = 1
                        stack.append((child, 0))
                else:
                    state[id(f)] = 2
                    ordered.append(f)
        return ordered

    def run(self, formulas: list[Formula]) -> Recalculation:
        report = self.report
        report.formulas = len(formulas)
        for f in formulas:
            if f.problem is None:
                try:
                    f.tree = parse(f.text)
                except Unsupported as exc:
                    f.problem = str(exc)
                except RecursionError:
                    f.problem = "a formula nested too deeply"
        ordered = self.order(formulas)
        self._pass(ordered)
        if self._stale(ordered):  # a spill grew into cells read before it was computed
            for f in ordered:
                if f.kind == "dynamic" and (f.sheet, f.row, f.col) in self.new_areas:
                    f.area = self.new_areas[(f.sheet, f.row, f.col)] or Ref(
                        f.sheet, f.row, f.col, f.row, f.col)
            self.occupied = {}
            self.report = report = Recalculation(formulas=len(formulas))
            self._pass(ordered)
        return report

    def _pass(self, ordered: list[Formula]) -> None:
        """Evaluate every formula once, in order, storing values and spills."""
        report = self.report
        for done, f in enumerate(ordered, 1):
            where = f"{_quote(f.sheet)}!{column_letters(f.col)}{f.row}"
            if f.problem is None and f.tree is not None:
                self.sheet, self.row, self.col = f.sheet, f.row, f.col
                self.messages = []
                try:
                    value = evaluate(f.tree, self)
                except Unsupported as exc:
                    f.problem = str(exc)
                except RecursionError:
                    f.problem = "a formula nested too deeply"
                else:
                    self._store(f, value)
                    report.computed += 1
                    for message in self.messages:
                        report.errors.append(CellReport(where, message))
            if f.problem is not None:
                report.unsupported.append(CellReport(where, f.problem))
            if self.progress is not None:
                self.progress(done, len(ordered))

    def _stale(self, ordered: list[Formula]) -> bool:
        """Whether a formula read cells that a spill computed after it now covers."""
        grown = []
        for i, f in enumerate(ordered):
            new = self.new_areas.get((f.sheet, f.row, f.col))
            if f.kind == "dynamic" and new is not None and f.area is not None and (
                    new.r2 > f.area.r2 or new.c2 > f.area.c2):
                grown.append((i, new))
        for i, g in enumerate(ordered):
            if g.tree is None or g.problem is not None:
                continue
            for j, area in grown:
                if i < j and any(ref.sheet is not None and ref.sheet.upper() ==
                                 (area.sheet or "").upper() and ref.r1 <= area.r2 and
                                 area.r1 <= ref.r2 and ref.c1 <= area.c2 and
                                 area.c1 <= ref.c2 for ref in self._refs(g)):
                    return True
        return False

    def _store(self, f: Formula, value: Any) -> None:
        sheet = self.book.sheet(f.sheet)
        edits = self.changed.setdefault(sheet.name, {})

        def put(r: int, c: int, v: Any) -> None:
            sheet.put(r, c, v)
            edits[(r, c)] = v

        if f.kind == "cell":
            put(f.row, f.col, _single(value, f, self))
            return
        grid = value if isinstance(value, Grid) else Grid([[value]])
        rows, cols = grid.shape
        old = f.area or Ref(f.sheet, f.row, f.col, f.row, f.col)
        if f.kind == "array":  # a legacy array formula fills its fixed range
            for r in range(old.r1, old.r2 + 1):
                for c in range(old.c1, old.c2 + 1):
                    i, j = r - old.r1, c - old.c1
                    i = 0 if rows == 1 else i
                    j = 0 if cols == 1 else j
                    put(r, c, _plain(grid.rows[i][j]) if i < rows and j < cols
                        else XlError("#N/A"))
            return
        new = Ref(f.sheet, f.row, f.col, f.row + rows - 1, f.col + cols - 1)
        blocked = new.r2 > MAX_ROWS or new.c2 > MAX_COLS
        if not blocked:
            for r in range(new.r1, new.r2 + 1):
                for c in range(new.c1, new.c2 + 1):
                    if (r, c) == (f.row, f.col) or _inside(old, r, c) and \
                            (f.sheet, r, c) not in self.occupied:
                        continue
                    if sheet.get(r, c) is not None or self._is_formula(sheet, r, c) or \
                            (f.sheet, r, c) in self.occupied:
                        blocked = True
                        break
                if blocked:
                    break
        for r in range(old.r1, old.r2 + 1):  # the last spill is ours to clear
            for c in range(old.c1, old.c2 + 1):
                if (r, c) != (f.row, f.col) and (f.sheet, r, c) not in self.occupied and (
                        blocked or not _inside(new, r, c)):
                    put(r, c, None)
        if blocked:
            put(f.row, f.col, _SPILL)
            self.new_areas[(f.sheet, f.row, f.col)] = None
            self.messages.append("the result would spill over non-empty cells or past the "
                                 "sheet's edge (#SPILL!)")
            return
        for i, line in enumerate(grid.rows):
            for j, v in enumerate(line):
                put(f.row + i, f.col + j, _plain(v))
                if i or j:
                    self.occupied[(f.sheet, f.row + i, f.col + j)] = (f.row, f.col)
        self.report.spilled_cells += rows * cols - 1
        self.new_areas[(f.sheet, f.row, f.col)] = new

    @staticmethod
    def _is_formula(sheet: Sheet, r: int, c: int) -> bool:
        if sheet.xml is None:
            return False
        row = sheet.xml.rows.get(r)
        return _formula_cell(row.cells.get(c) if row else None) is not None


def _inside(ref: Ref, r: int, c: int) -> bool:
    return ref.r1 <= r <= ref.r2 and ref.c1 <= c <= ref.c2


def _quote(sheet: str) -> str:
    return sheet if sheet.replace("_", "").replace(".", "").isalnum() else \
        "'" + sheet.replace("'", "''") + "'"


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return XlError("#NUM!")
    return value


def _single(value: Any, f: Formula, engine: Engine) -> Any:
    """A plain (non-array) formula's value: Excel's implicit intersection for references."""
    if isinstance(value, Grid):
        rows, cols = value.shape
        assert f.tree is not None
        if f.tree.kind in ("ref", "name") and (rows > 1 or cols > 1):
            area = f.tree.value if f.tree.kind == "ref" else None
            if isinstance(area, Ref) and cols == 1 and area.r1 <= f.row <= area.r2:
                value = value.rows[f.row - area.r1][0]
            elif isinstance(area, Ref) and rows == 1 and area.c1 <= f.col <= area.c2:
                value = value.rows[0][f.col - area.c1]
            else:
                return XlError("#VALUE!")
        else:
            value = value.rows[0][0] if rows and cols else None
        if value is None and f.tree.kind in ("ref", "name"):
            return 0.0  # =A1 of a blank cell shows 0
    return _plain(value)


# -- writing ----------------------------------------------------------------------------


def _number_text(value: float) -> str:
    return repr(float(value))


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _cell_xml(prefix: str, r: int, c: int, value: Any, attrs: dict[str, str],
              f_xml: bytes = b"") -> bytes:
    """One ``<c>`` element: its attributes kept (but the type), the formula, the value."""
    keep = {k: v for k, v in attrs.items() if k not in ("r", "t")}
    head = f'<{prefix}c r="{column_letters(c)}{r}"' + "".join(
        f' {k}="{_attr(v)}"' for k, v in keep.items())
    if isinstance(value, dt.datetime):
        value = (value - _EPOCH).total_seconds() / 86400
    elif isinstance(value, dt.date):
        value = float((value - _EPOCH.date()).days)
    formula = bool(f_xml)
    if value is None:
        if not formula:
            return (head + "/>").encode()
        empty = f"<{prefix}v></{prefix}v></{prefix}c>"
        return (head + ' t="str">').encode() + f_xml + empty.encode()
    if isinstance(value, bool):
        kind, body = ' t="b"', f"<{prefix}v>{int(value)}</{prefix}v>"
    elif isinstance(value, (int, float)):
        kind, body = "", f"<{prefix}v>{_number_text(value)}</{prefix}v>"
    elif isinstance(value, XlError):
        kind, body = ' t="e"', f"<{prefix}v>{escape(value.code)}</{prefix}v>"
    else:
        text = escape(str(value))
        space = ' xml:space="preserve"' if text != text.strip() else ""
        if formula:
            kind, body = ' t="str"', f"<{prefix}v{space}>{text}</{prefix}v>"
        else:
            kind = ' t="inlineStr"'
            body = f"<{prefix}is><{prefix}t{space}>{text}</{prefix}t></{prefix}is>"
    return (head + kind + ">").encode() + f_xml + f"{body}</{prefix}c>".encode()


def _f_xml(sheet: SheetXml, cell: CellXml, area: Ref | None, changed: bool) -> bytes:
    """The cell's formula element: its bytes as they were, or with the new spill range."""
    assert cell.f_span is not None
    original = sheet.data[cell.f_span[0]:cell.f_span[1]]
    if not changed:
        return original
    attrs = dict(cell.f_attrs)
    if area is None:
        attrs["ref"] = f"{column_letters(cell_col(cell))}{cell_row(cell)}"
    else:
        attrs["ref"] = (f"{column_letters(area.c1)}{area.r1}:"
                        f"{column_letters(area.c2)}{area.r2}")
    p = sheet.prefix
    return (f"<{p}f" + "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items()) + ">"
            + escape(cell.formula or "") + f"</{p}f>").encode()


def cell_row(cell: CellXml) -> int:
    return _cell_ref(cell.attrs["r"], "")[0]


def cell_col(cell: CellXml) -> int:
    return _cell_ref(cell.attrs["r"], "")[1]


def patch_sheet(sheet: SheetXml, edits: dict[tuple[int, int], Any],
                areas: dict[tuple[int, int], Ref | None]) -> bytes:
    """The sheet's bytes with the edited cells replaced or inserted, the rest as it was."""
    p = sheet.prefix
    patches: list[tuple[int, int, bytes]] = []
    new_rows: dict[int, list[tuple[int, bytes]]] = {}
    by_row: dict[int, list[tuple[int, Any]]] = {}
    for (r, c), value in edits.items():
        by_row.setdefault(r, []).append((c, value))
    max_r = max_c = 0
    for r, items in sorted(by_row.items()):
        items.sort()
        row = sheet.rows.get(r)
        if row is not None and row.self_closing:
            body = b"".join(_cell_xml(p, r, c, v, {}) for c, v in items if v is not None)
            head = sheet.data[row.start:row.open_end - 2].rstrip() + b">"
            patches.append((row.start, row.end, head + body + f"</{p}row>".encode()))
            continue
        inserts: dict[int, list[bytes]] = {}
        for c, value in items:
            max_r, max_c = max(max_r, r), max(max_c, c)
            cell = row.cells.get(c) if row is not None else None
            if isinstance(cell, CellXml):
                area_key = (r, c)
                f_xml = _f_xml(sheet, cell, areas.get(area_key), area_key in areas)
                data = _cell_xml(p, r, c, value, cell.attrs, f_xml)
                patches.append((cell.start, cell.end, data))
            elif cell is not None:
                data = _cell_xml(p, r, c, value, _attrs_at(sheet.data, cell[0]))
                patches.append((cell[0], cell[1], data))
            elif value is not None:
                data = _cell_xml(p, r, c, value, {})
                if row is None:
                    new_rows.setdefault(r, []).append((c, data))
                    continue
                after = [k for k in row.cells if k > c]
                at = _cell_start(row.cells[min(after)]) if after else \
                    sheet.data.rindex(b"<", row.open_end, row.end)
                inserts.setdefault(at, []).append(data)
        for at, chunks in inserts.items():
            patches.append((at, at, b"".join(chunks)))
    if new_rows:
        existing = sorted(sheet.rows)
        groups: dict[int, list[bytes]] = {}
        for r, cells in sorted(new_rows.items()):
            later = [k for k in existing if k > r]
            at = sheet.rows[later[0]].start if later else sheet.data_close
            body = f'<{p}row r="{r}">'.encode() + b"".join(d for _, d in sorted(cells)) + \
                f"</{p}row>".encode()
            groups.setdefault(at, []).append(body)
        for at, chunks in groups.items():
            if at < 0:  # <sheetData/>: write it out whole
                patches.append((sheet.data_start, sheet.data_end,
                                f"<{p}sheetData>".encode() + b"".join(chunks) +
                                f"</{p}sheetData>".encode()))
            else:
                patches.append((at, at, b"".join(chunks)))
    if sheet.dimension is not None and max_r:
        patches.append(_dimension_patch(sheet, max_r, max_c))
    patches.sort(key=lambda item: (item[0], item[1]))
    out = []
    pos = 0
    for start, end, data in patches:
        out.append(sheet.data[pos:start])
        out.append(data)
        pos = max(pos, end)
    out.append(sheet.data[pos:])
    return b"".join(out)


def _dimension_patch(sheet: SheetXml, max_r: int, max_c: int) -> tuple[int, int, bytes]:
    assert sheet.dimension is not None
    start, end = sheet.dimension
    element = sheet.data[start:end].decode()
    ref = element.split('ref="', 1)[1].split('"', 1)[0] if 'ref="' in element else "A1"
    first, _, last = ref.partition(":")
    area = parse_area(f"{first}:{last or first}")
    if area is None or (area.r2 >= max_r and area.c2 >= max_c):
        return (start, start, b"")
    new = (f"{column_letters(area.c1)}{area.r1}:{column_letters(max(area.c2, max_c))}"
           f"{max(area.r2, max_r)}")
    return (start, end, f'<{sheet.prefix}dimension ref="{new}"/>'.encode())


def recalculate_package(source: Path, progress: Callable[[int, int], None] | None = None
                        ) -> tuple[Book, Recalculation, dict[str, bytes]]:
    """Read and recalculate ``source``: the book, the report and the new sheet parts."""
    book = Book(source)
    try:
        engine = Engine(book, progress)
        report = engine.run(book.formulas())
        parts: dict[str, bytes] = {}
        for name, edits in engine.changed.items():
            sheet = book.sheets[name]
            if sheet.xml is None or not edits:
                continue
            current = {(r, c): _value_of(sheet.xml, r, c) for (r, c) in edits}
            real = {k: v for k, v in edits.items() if not _same(current[k], v)
                    or (name, *k) in engine.new_areas}
            areas = {(r, c): a for (s, r, c), a in engine.new_areas.items() if s == name
                     and _area_changed(sheet.xml, r, c, a)}
            for key in areas:
                real.setdefault(key, edits[key])
            if real:
                parts[sheet.part] = patch_sheet(sheet.xml, real, areas)
        return book, report, parts
    except BaseException:
        book.close()
        raise


def _value_of(sheet: SheetXml, r: int, c: int) -> Any:
    row = sheet.rows.get(r)
    return _cell_value(row.cells.get(c) if row else None)


def _same(old: Any, new: Any) -> bool:
    if type(old) is not type(new):
        return False
    if isinstance(old, float):
        return old == new or (math.isnan(old) and math.isnan(new))
    return bool(old == new)


def _area_changed(sheet: SheetXml, r: int, c: int, area: Ref | None) -> bool:
    row = sheet.rows.get(r)
    cell = _formula_cell(row.cells.get(c) if row else None)
    if cell is None:
        return False
    old = cell.f_attrs.get("ref", "")
    new = (f"{column_letters(c)}{r}" if area is None else
           f"{column_letters(area.c1)}{area.r1}:{column_letters(area.c2)}{area.r2}")
    if old == new:
        return False
    return not (area is not None and area.r1 == area.r2 and area.c1 == area.c2 and
                old in (new, f"{new}:{new}"))


def stderr_progress() -> Callable[[int, int], None] | None:
    """A progress bar on a terminal (tqdm), for recalculations of many formulas."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: list[Any] = []

    def show(done: int, total: int) -> None:
        if total < 200:
            return
        if not bar:
            bar.append(tqdm(total=total, unit="formula", file=sys.stderr, leave=False))
        bar[0].update(done - bar[0].n)
        if done >= total:
            bar[0].close()
    return show
