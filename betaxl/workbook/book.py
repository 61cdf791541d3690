"""A workbook package opened for recalculation: its sheets, defined names and formulas.

- the package is checked from its zip directory first (:func:`.package.check_archive`);
- a sheet's values are read by python-calamine (Rust) when first used; on a sheet
  that holds formulas, its rows are located (:mod:`.rowscan`) and the rows that hold
  a formula are read by the streaming reader of :mod:`.sheetxml`, as the writer's
  rows are; a sheet with error cells, or outside the locating rules, is read by the
  streaming reader whole;
- shared formulas are expanded with openpyxl's formula translator, dynamic-array
  formulas are told apart from legacy array formulas by their cell-metadata flag.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import operator
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import numpy as np

from .cells import MAX_CELLS, Ref, Serial, serial_of
from .columns import Columns
from .formula import Node, column_letters, parse_area
from .package import FileError, check_archive, snapshot
from .rowscan import LazyRows, cell_box, may_hold_errors, may_hold_formulas, scan_sheet
from .sheetxml import (
    SheetReader,
    SheetXml,
    cell_value,
    date_styles,
    file_error,
    formula_cell,
    shared_strings,
)

__all__ = ["Book", "Formula", "Sheet"]

_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships")
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class Sheet:
    """One sheet's values as rows from A1 (None = blank), and its XML when parsed."""

    name: str
    part: str
    values: list[list[Any]]
    xml: SheetXml | None = None
    #: calamine's rows give "" for a blank cell (a sheet read by the XML reader holds
    #: "" only as a formula's empty text, which is not blank)
    blank_text: bool = False
    width: int = -1  # the widest row, once measured
    columns: Columns = field(default_factory=Columns)  # one-column ranges: slices

    def block(self, ref: Ref) -> list[list[Any]]:
        if ref.c1 == ref.c2:
            return self.columns.block(self.values, ref, self.blank_text)
        out = []
        width = ref.c2 - ref.c1 + 1
        last = min(ref.r2, len(self.values))  # rows past the last with a cell in the
        values = self.values
        while last >= ref.r1:  # range are left out (the grid's fill, blank): a far cell
            row = values[last - 1]  # in another column costs 0
            if row is not _NO_ROW and any(v is not None and not (
                    v == "" and self.blank_text) for v in row[ref.c1 - 1:ref.c2]):
                break
            last -= 1
        for r in range(ref.r1 - 1, last):
            row = self.values[r][ref.c1 - 1:ref.c2]
            if self.blank_text and "" in row:  # calamine's blank cells
                row = [None if v == "" else v for v in row]
            if len(row) < width:
                row += [None] * (width - len(row))
            out.append(row)
        return out

    def cells(self, ref: Ref) -> list[list[Any]]:
        """The range's rows, each only as far as its last cell that is not blank (a row
        with none: one shared empty list; beyond a row's end every cell is blank): a
        block over a sparse sheet (A1 and XFD1048576) holds the cells that exist."""
        rows = self.values[ref.r1 - 1:ref.r2]
        out: list[list[Any]] = [_NO_ROW] * len(rows)
        lengths = np.fromiter(map(len, rows), np.int64, len(rows))
        for i in np.flatnonzero(lengths >= ref.c1).tolist():  # the rows reaching the range
            part = rows[i][ref.c1 - 1:ref.c2]
            if self.blank_text and "" in part:  # calamine's blank cells
                part = [None if v == "" else v for v in part]
            end = len(part)
            while end and part[end - 1] is None:
                end -= 1
            out[i] = part[:end] if end else _NO_ROW
        while out and not out[-1]:
            out.pop()
        return out

    def get(self, r: int, c: int) -> Any:
        if r - 1 < len(self.values) and c - 1 < len(self.values[r - 1]):
            v = self.values[r - 1][c - 1]
            return None if v == "" and self.blank_text else v
        return None

    def put(self, r: int, c: int, value: Any) -> None:
        if len(self.values) < r:  # rows between hold nothing: one shared empty row
            self.values.extend([_NO_ROW] * (r - len(self.values)))
        row = self.values[r - 1]
        if row is _NO_ROW:
            row = self.values[r - 1] = []
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = value
        self.columns.put(r, c, value, self.blank_text)
        self.width = max(self.width, c) if self.width >= 0 else -1

    @property
    def extent(self) -> tuple[int, int]:
        """Rows and columns that may hold a cell (beyond them, every cell is blank)."""
        if self.width < 0:
            self.width = max(map(len, self.values), default=0)
        return len(self.values), self.width


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


_PLAIN_TYPES = frozenset((float, str, int, bool))
#: A sheet whose bounding box holds more than 4 cells for each cell it has, and a
#: million more, is read by the exact reader (python-calamine would hold the box).
SPARSE_BOX, SPARSE_SLACK = 4, 1_000_000
#: the sheets' bytes held between the look for formulas and the reading (decompressing a
#: 55 MB sheet takes 0.24 s); beyond this total a sheet is decompressed again
HELD_BYTES = 256 * 2**20
_NO_ROW: list[Any] = []  # a row with no cell, shared (put gives a row its own list)


def _as_serials(values: list[list[Any]], date1904: bool) -> bool:
    """calamine's dates turned back into the serial numbers the cells hold, in place.

    calamine gives a ``date`` for a whole-day date-formatted number, which is exact; a
    datetime is rounded to the millisecond, a time drops the days, a negative number
    becomes midnight and 1900-02-29 does not exist: False then (the sheet is read by the
    exact reader instead), so that a cell has the same value on any sheet.
    """
    for row in values:
        if _PLAIN_TYPES.issuperset(map(type, row)):
            continue  # numbers and text: nothing to turn back (checked at C speed)
        for j, v in enumerate(row):
            kind = type(v)
            if kind is float or kind is str or kind is int or kind is bool:
                continue
            if kind is not dt.date:
                return False
            serial = serial_of(v, date1904)
            if serial is None:
                return False
            row[j] = serial
    return True


#: a text cell's type (either quote); one regular expression with a literal start runs
#: at memory speed, where six counts of its spellings took 0.2 s on a 55 MB sheet
_TEXT_CELL = re.compile(rb't=(["\'])(?:s|str|inlineStr)\1')


def _faithful(data: bytes, values: list[list[Any]]) -> bool:
    """Whether python-calamine's values are the cells' own: no more texts than the sheet
    has text cells (calamine gives ``<v>ninety</v>`` in a number cell as text) and every
    number finite (it reads ``NaN``, ``inf`` and ``1e400``).  False: the exact reader
    reads the sheet, and refuses such a cell naming it, whichever the sheet.
    """
    flat = list(itertools.chain.from_iterable(values))
    types = list(map(type, flat))
    if types.count(str) - flat.count("") > len(_TEXT_CELL.findall(data)):
        return False
    floats = types.count(float)
    if not floats:
        return True
    numbers = flat if floats == len(flat) else itertools.compress(
        flat, map(operator.is_, types, itertools.repeat(float)))
    return math.isfinite(sum(numbers))  # a finite overflow only costs the exact reader


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
            self.strings = shared_strings(self.archive, self.names_in_zip)
            self.date_styles = date_styles(self.archive)
        except FileError:
            self.archive.close()
            raise
        except Exception as exc:  # noqa: BLE001  parsers raise many kinds on bad files
            self.archive.close()
            raise file_error(path.name, f"cannot be read as a workbook ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:100] if str(exc) else ''})") from None
        self.sheets: dict[str, Sheet] = {}
        self._calamine: Any = None
        self._formulas: dict[str, bool] = {}
        self._held: dict[str, bytes] = {}  # sheets looked at, not yet read

    def holds_formulas(self, name: str) -> bool:
        """Whether a sheet may hold formulas (looked at once, from its bytes)."""
        if name not in self._formulas:
            data = self.archive.read(self.sheet_parts[name])
            self._formulas[name] = may_hold_formulas(data)
            if sum(map(len, self._held.values())) + len(data) <= HELD_BYTES:
                self._held[name] = data  # read again soon: not decompressed twice
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
        pr = next((n for n in root.iter() if n.tag.split("}")[-1] == "workbookPr"), None)
        #: the 1904 date system: serial 0 is 1904-01-01
        self.date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
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
            raise file_error(self.path.name, f"holds more than {MAX_CELLS:,} cells to read "
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
        data = self._held.pop(key, None) or self.archive.read(part)
        tagged = data.count(b"<c ")
        cells = tagged + data.count(b":c ") + data.count(b"<c>")
        self._count(cells, key)
        if key not in self._formulas:
            self._formulas[key] = may_hold_formulas(data)
        # python-calamine holds a sheet's bounding box: two cells at A1 and XFD1048576
        # would take 549 GB.  A box far larger than its cells is read by the exact
        # reader, which holds the cells that exist.
        sparse = cell_box(data, cells) > SPARSE_BOX * cells + SPARSE_SLACK
        fast = self._formulas[key] and not sparse and not may_hold_errors(data) and scan_sheet(
            data, part, self.strings, self.date_styles)
        boxed = not sparse  # calamine's values: the box is held
        if fast:  # calamine's values, the rows that hold formulas parsed exactly
            sheet = self._scanned(key, part, fast)
        elif self._formulas[key] or sparse:
            sheet = self._exact(key, part, data)
        else:
            values = self._calamine_values(key)
            if values is not None and _faithful(data, values) and _as_serials(
                    values, self.date1904):
                sheet = Sheet(key, part, values, blank_text=True)
            else:  # calamine lost a formatted number: read the exact values
                sheet = self._exact(key, part, data)
                boxed = False
        if boxed or sheet.xml is None:
            rows, cols = sheet.extent
            self._count(max(rows * cols - tagged, 0), key)
        self.sheets[key] = sheet
        return sheet

    def _exact(self, key: str, part: str, data: bytes) -> Sheet:
        """A sheet read whole by the exact reader: the cells that exist."""
        xml = SheetReader(data, part, self.strings, self.date_styles).run()
        sheet = Sheet(key, part, [], xml)
        width = 0
        for r, row in xml.rows.items():
            for c, cell in row.cells.items():
                value = self._value(cell, part, r, c)
                if value is not None:
                    sheet.put(r, c, value)
                    width = max(width, c)
        sheet.width = width  # measured here: not by a pass over a million empty rows
        return sheet

    def _scanned(self, key: str, part: str, xml: SheetXml) -> Sheet:
        """A sheet of data that holds formulas: calamine's values, the exact reader's
        for the rows that hold formulas (a formula's cached text "" is not blank)."""
        values = self._calamine_values(key)
        if values is None or not _faithful(xml.data, values) or not _as_serials(
                values, self.date1904):
            xml = SheetReader(xml.data, part, self.strings, self.date_styles).run()
            values = []
        for row in values:
            if "" in row:
                row[:] = [None if v == "" else v for v in row]
        sheet = Sheet(key, part, values, xml)
        rows = xml.rows
        for r, row_xml in (rows.formula_items() if isinstance(rows, LazyRows) else
                           rows.items()):
            for c in range(1, len(values[r - 1]) + 1 if r <= len(values) else 1):
                if c not in row_xml.cells:
                    sheet.put(r, c, None)
            for c, cell in row_xml.cells.items():
                sheet.put(r, c, self._value(cell, part, r, c))
        return sheet

    def _value(self, cell: Any, part: str, r: int, c: int) -> Any:
        """A cell's value; an ISO 8601 date cell (``t="d"``) is the serial number of the
        book's date system, as Excel holds every date (ECMA-376 Part 1, 18.17.4)."""
        value = cell_value(cell)
        if type(value) is not dt.datetime:
            return value
        if not self.date1904 and value < dt.datetime(1900, 3, 1):
            serial = (value - dt.datetime(1899, 12, 31)).total_seconds() / 86400
        else:  # from 1900-03-01 Excel's serials count the fictional 1900-02-29
            serial = float(serial_of(value, self.date1904) or 0.0)
        if serial < 0 or (not self.date1904 and serial < 1 and value.year < 1900):
            raise file_error(part, f"cell {column_letters(c)}{r} holds the date "
                             f"{value.isoformat()}, before the first date of the "
                             f"workbook's date system (Excel cannot hold it)")
        return Serial(serial)

    def _calamine_values(self, name: str) -> list[list[Any]] | None:
        """python-calamine's values of a sheet; None where it cannot read one (its
        reason is not the exact reader's: that reader reads it, or says which cell)."""
        import python_calamine

        try:
            if self._calamine is None:
                self._calamine = python_calamine.CalamineWorkbook.from_filelike(
                    io.BytesIO(self.data))
            sheet = self._calamine.get_sheet_by_name(name)
            if sheet.total_height * sheet.total_width > MAX_CELLS:
                raise file_error(self.path.name, f"sheet {name!r} spans "
                            f"{sheet.total_height:,} x {sheet.total_width:,} cells")
            return sheet.to_python(skip_empty_area=False)
        except FileError:
            raise
        except Exception:  # noqa: BLE001  calamine raises its own kinds
            return None

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
            rows = sheet.xml.rows
            for r, row in (rows.formula_items() if isinstance(rows, LazyRows) else
                           rows.items()):
                for c, item in row.cells.items():
                    cell = formula_cell(item)
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
