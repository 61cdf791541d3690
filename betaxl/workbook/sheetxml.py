"""Sheet XML read for recalculation: every row's and cell's byte span, values, formulas.

Sheets that hold formulas (or error cells) are read with a streaming XML parser (expat,
with document type declarations refused) that keeps, for every row and cell, where its
bytes start and end, so that the writer can replace single cells and copy every other
byte.  Shared strings and the date styles of ``xl/styles.xml`` are read here too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

import defusedxml.ElementTree as SafeET

from .cells import MAX_COLS, MAX_ROWS, Serial, XlError
from .formula import column_number
from .package import FileError

__all__ = ["CellXml", "PlainCell", "RowXml", "SheetReader", "SheetXml", "attrs_at",
           "cell_ref", "cell_start", "cell_value", "date_styles", "file_error", "is_date_format",
           "formula_cell", "shared_strings"]

_MAINS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "http://purl.oclc.org/ooxml/spreadsheetml/main")


def file_error(part: str, text: str) -> FileError:
    return FileError(f"{part}: {text}", func="recalc")


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


def formula_cell(cell: CellXml | PlainCell | None) -> CellXml | None:
    return cell if isinstance(cell, CellXml) and cell.f_span is not None else None


def cell_start(cell: CellXml | PlainCell) -> int:
    return cell.start if isinstance(cell, CellXml) else cell[0]


def cell_value(cell: CellXml | PlainCell | None) -> Any:
    if cell is None:
        return None
    return cell.value if isinstance(cell, CellXml) else cell[2]


def attrs_at(data: bytes, start: int) -> dict[str, str]:
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
    rows: Mapping[int, RowXml]
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


def cell_ref(text: str, part: str) -> tuple[int, int]:
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
    raise file_error(part, f"has a cell reference {text!r} that is not one cell")


class SheetReader:
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
        self.in_text = self.in_phonetic = False  # an inline string's <t>, its <rPh>
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
        raise file_error(self.part, "declares a document type or entities; refused")

    def run(self) -> SheetXml:
        try:
            self.parser.Parse(self.data, True)
        except expat.ExpatError as exc:
            raise file_error(self.part, f"is not well-formed XML ({exc})") from None
        except (ValueError, IndexError) as exc:
            raise file_error(self.part, f"cannot be read ({exc})") from None
        if self.data_start < 0:
            raise file_error(self.part, "has no sheetData")
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
                raise file_error(self.part, "has a cell outside a row")
            a = self.plain(attrs)
            if "r" in a:
                row, col = cell_ref(a["r"], self.part)
                if row != self.row_number:
                    raise file_error(self.part, f"has cell {a['r']} inside row {self.row_number}")
            else:
                col = self.col + 1
            if col <= self.col:
                raise file_error(self.part, f"row {self.row_number} has its cells out of order")
            self.col = col
            self.cell = CellXml(at, -1, a)
            self.cell_type = a.get("t", "n")
            self.row.cells[col] = self.cell
        elif tag == "row":
            a = self.plain(attrs)
            try:
                number = int(a["r"]) if "r" in a else self.row_number + 1
            except ValueError:
                raise file_error(self.part, f"has a row number {a['r']!r}") from None
            if not self.row_number < number <= MAX_ROWS:
                raise file_error(self.part, f"has row {number} after row {self.row_number}")
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
            self.in_text = not self.in_phonetic  # a phonetic reading is not the value
        elif tag == "rPh" and self.in_inline:
            self.in_phonetic = True
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
                cell.value = unescaped("".join(self.text))
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
        elif tag == "t":
            self.in_text = False
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "is":
            self.in_inline = False
            if self.cell is not None:
                self.cell.value = unescaped("".join(self.text))
        elif tag == "row" and self.row is not None:
            self.row.end = self.end_offset(self.row.start)
            self.row = None
        elif tag == "sheetData":
            self.data_end = self.end_offset(self.data_start)
            at = self.parser.CurrentByteIndex
            closing = self.data[self.data_end - 2:self.data_end] != b"/>"
            self.data_close = at if closing else -1

    def chars(self, text: str) -> None:
        if self.in_value or self.in_formula or self.in_text:
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
            if not _DOUBLE.match(text.strip()):  # not float()'s: "1_000", "nan", "inf"
                raise ValueError(text)
            number = float(text)
            if not math.isfinite(number):  # 1e400
                raise ValueError(text)
            assert self.cell is not None
            if self.dates and int(self.cell.attrs.get("s", "0") or 0) in self.dates:
                return Serial(number)
            return number
        except (ValueError, IndexError, OverflowError):
            where = self.cell.attrs.get("r", "?") if self.cell else "?"
            what = "a shared-string index" if kind == "s" else "a value"
            raise file_error(self.part, f"cell {where} holds {what} {text[:40]!r} that cannot "
                        "be read") from None


#: Built-in date and time formats: 14-22 and 45-47, and the East Asian 27-36 and 50-58.
_DATE_FORMATS = set(range(14, 23)) | {45, 46, 47} | set(range(27, 37)) | set(range(50, 59))
_ELAPSED = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)


def is_date_format(code: str) -> bool:
    r"""Whether a number format shows a date, a time or an elapsed time.

    The first section's codes are read as Excel reads them: quoted text (``"km"``),
    escaped characters (``\k``), ``_x`` spaces and ``*x`` fills are text; brackets are
    colours, conditions or locales, except elapsed ``[h]``, ``[mm]``, ``[ss]``; the date
    and time codes are d, m, y, h, s and AM/PM (``0.00E+00``'s E is not one).
    """
    i = 0
    while i < len(code):
        ch = code[i]
        if ch == ";":
            return False
        if ch == '"':
            close = code.find('"', i + 1)
            i = len(code) if close < 0 else close + 1
            continue
        if ch in "\\_*":
            i += 2
            continue
        if ch == "[":
            close = code.find("]", i)
            if close < 0:
                return False
            if _ELAPSED.fullmatch(code[i:close + 1]):
                return True
            i = close + 1
            continue
        if ch.lower() in "dmyhs" or code[i:i + 5].upper() == "AM/PM" or \
                code[i:i + 3].upper() == "A/P":
            return True
        if code[i:i + 7].lower() == "general":
            i += 7
            continue
        i += 1
    return False


def date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles whose number format is a date or a time."""
    try:
        root = SafeET.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    ns = "{" + root.tag[1:].split("}")[0] + "}" if root.tag.startswith("{") else ""
    custom = {int(fmt.get("numFmtId", "0")): is_date_format(fmt.get("formatCode", ""))
              for fmt in root.iter(f"{ns}numFmt")}
    out = set()
    xfs = root.find(f"{ns}cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else []):
        number = int(xf.get("numFmtId", "0"))
        if custom.get(number, number in _DATE_FORMATS):
            out.add(i)
    return out


def shared_strings(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    part = "xl/sharedStrings.xml"
    if part not in names:
        return []
    out: list[str] = []
    for _, node in SafeET.iterparse(archive.open(part), events=("end",)):
        if node.tag.endswith("}si"):
            out.append(unescaped("".join(
                t.text or "" for t in node.iter() if t.tag.endswith("}t") and
                not _inside_phonetic(node, t))))
            node.clear()
    return out


_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
#: A number cell's value: an XML Schema double as Excel writes them (its whitespace
#: collapsed; INF and NaN, which Excel cannot hold, refused).
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def unescaped(text: str) -> str:
    """A string as Excel shows it: ``_xHHHH_`` is the character U+HHHH (ECMA-376 Part 1,
    22.9.2.19 ST_Xstring; ``_x005F_`` is the underscore that escapes a literal one), as
    python-calamine reads it too.

    >>> unescaped("a_x0009_b"), unescaped("_x005F_x0009_")
    ('a\\tb', '_x0009_')
    """
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _inside_phonetic(si: Any, t: Any) -> bool:
    return any(t in list(r.iter()) for r in si if r.tag.endswith("}rPh"))
