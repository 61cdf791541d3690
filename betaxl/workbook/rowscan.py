"""A large sheet that holds formulas, read fast: its rows located, each parsed when used.

The exact reader (:class:`.sheetxml.SheetReader`) calls Python for every element, 15-22 s
for 1.26 M cells.  A sheet of data with one formula needs it only for the rows that hold
a formula and the rows the writer edits; the values come from python-calamine.  Here the
``<row>`` elements of ``<sheetData>`` are located in the bytes, which is exact once the
sheet has no comment, CDATA section, processing instruction or document type (in XML a
``<`` is markup everywhere else) and binds the main namespace once, on its root element;
each row is parsed with the exact reader when it is first used, its offsets those of the
whole sheet.  A sheet outside those rules gives None: the exact reader reads it whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from .formula import column_number
from .sheetxml import RowXml, SheetReader, SheetXml, attrs_at

__all__ = ["LazyRows", "cell_box", "may_hold_errors", "may_hold_formulas",
           "scan_sheet"]

_MAINS = (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          b"http://purl.oclc.org/ooxml/spreadsheetml/main")


def _end(data: bytes, at: int) -> int:
    """Just past the tag starting at ``at`` (quotes respected; 0 if it does not end)."""
    quote = 0
    for i in range(at, len(data)):
        ch = data[i]
        if quote:
            quote = 0 if ch == quote else quote
        elif ch in (34, 39):
            quote = ch
        elif ch == 62:
            return i + 1
    return 0


class LazyRows(Mapping[int, RowXml]):
    """A sheet's rows by number, each parsed by the exact reader on first use."""

    def __init__(self, data: bytes, part: str, strings: list[str], dates: set[int],
                 head: bytes, close: bytes) -> None:
        self.data, self.part, self.strings, self.dates = data, part, strings, dates
        self.head, self.close = head, close  # the root and sheetData tags around a row
        self.spans: dict[int, tuple[int, int, bool]] = {}  # start, end, may hold a formula
        self.parsed: dict[int, RowXml] = {}

    def __getitem__(self, number: int) -> RowXml:
        found = self.parsed.get(number)
        if found is None:
            start, end, _ = self.spans[number]
            fragment = self.head + self.data[start:end] + self.close
            rows = SheetReader(fragment, self.part, self.strings, self.dates).run().rows
            (got, row), = rows.items()
            assert got == number
            found = self.parsed[number] = _shifted(row, start - len(self.head))
        return found

    def __contains__(self, number: object) -> bool:
        return number in self.spans

    def __iter__(self) -> Iterator[int]:
        return iter(self.spans)

    def __len__(self) -> int:
        return len(self.spans)

    def formula_items(self) -> Iterator[tuple[int, RowXml]]:
        """The rows that may hold a formula (an ``<f`` tag in their bytes), parsed."""
        for number, (_, _, formulas) in self.spans.items():
            if formulas:
                yield number, self[number]


def _shifted(row: RowXml, by: int) -> RowXml:
    out = RowXml(row.start + by, row.end + by, row.open_end + by, row.self_closing)
    for c, cell in row.cells.items():
        if isinstance(cell, tuple):
            out.cells[c] = (cell[0] + by, cell[1] + by, cell[2])
        else:
            cell.start, cell.end = cell.start + by, cell.end + by
            if cell.f_span is not None:
                cell.f_span = (cell.f_span[0] + by, cell.f_span[1] + by)
            out.cells[c] = cell
    return out


def _tag_at(data: bytes, name: bytes, start: int, stop: int) -> int:
    """Where the start tag ``<name`` (followed by a space, ``>`` or ``/``) is, or -1."""
    at = data.find(b"<" + name, start, stop)
    while at >= 0 and data[at + len(name) + 1:at + len(name) + 2] not in (
            b" ", b">", b"/", b"\t", b"\n", b"\r"):
        at = data.find(b"<" + name, at + 1, stop)
    return at


def scan_sheet(data: bytes, part: str, strings: list[str], dates: set[int]
               ) -> SheetXml | None:
    """The sheet with its rows located and parsed on use, or None (read it whole)."""
    offset = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
    if b"<!" in data or data.find(b"<?", offset) >= 0:
        return None  # comments, CDATA, document types, instructions: the exact reader
    root = data.find(b"<", offset)
    if root < 0:
        return None
    root_end = _end(data, root)
    root_tag = data[root:root_end]
    bound = [uri for uri in _MAINS if uri in root_tag]
    if len(bound) != 1 or root_tag.count(bound[0]) != 1 or root_tag.endswith(b"/>"):
        return None
    qname = root_tag[1:].split(None, 1)[0].rstrip(b">")
    prefix = qname.split(b":")[0] + b":" if b":" in qname else b""
    if b'xmlns%s="%s"' % (b":" + prefix[:-1] if prefix else b"", bound[0]) not in root_tag:
        return None
    start = _tag_at(data, prefix + b"sheetData", root_end, len(data))
    if start < 0 or data.find(b"xmlns", root_end) >= 0:
        return None
    open_end = _end(data, start)
    dim_at = _tag_at(data, prefix + b"dimension", root_end, start)
    dimension = (dim_at, _end(data, dim_at)) if dim_at >= 0 else None
    sd_open = b"<" + prefix + b"sheetData>"
    closing = b"</" + prefix + b"row>"
    rows = LazyRows(data, part, strings, dates, root_tag + sd_open,
                    b"</" + prefix + b"sheetData></" + qname + b">")
    if data[open_end - 2:open_end] == b"/>":
        return SheetXml(data, prefix.decode(), rows, start, open_end, -1, dimension)
    close = data.find(b"</" + prefix + b"sheetData>", open_end)
    if close < 0:
        return None
    row_tag, f_tag = prefix + b"row", prefix + b"f"
    pos, number, last = open_end, 0, 0
    while True:
        at = _tag_at(data, row_tag, pos, close)
        if data[pos:at if at >= 0 else close].strip():
            return None  # anything but rows in sheetData: the exact reader says what
        if at < 0:
            break
        head_end = _end(data, at)
        if data[head_end - 2:head_end] == b"/>":
            end = head_end
        else:
            end = data.find(closing, head_end, close)
            if end < 0:
                return None
            end += len(closing)
        r = attrs_at(data, at).get("r")
        if r is None:  # placed by position: a row parsed alone cannot know where it is
            return None
        try:
            number = int(r)
        except ValueError:
            return None
        if number <= last:
            return None
        last = number
        rows.spans[number] = (at, end, _tag_at(data, f_tag, head_end, end) >= 0)
        pos = end
    return SheetXml(data, prefix.decode(), rows, start, close + len(b"</" + prefix +
                                                                    b"sheetData>"),
                    close, dimension)



_CELL_REF = re.compile(rb'r="([A-Z]{1,3})[0-9]')  # a literal start: a fast scan
_ROW_NUMBER = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br\s*=\s*["\']([0-9]+)')


def cell_box(data: bytes, cells: int) -> int:
    """At least as many cells as the bounding box of a sheet's ``cells`` cells holds, from
    its bytes (its ``<dimension>`` cannot be trusted): the last row's number times the
    widest column a cell names (about 0.3 s for a million cells).  A cell or row placed
    by position (no ``r``) counts one more column or row, so the box is never under-counted;
    text that looks like a cell reference only over-counts it.
    """
    rows = data.count(b"<row") + data.count(b":row")
    last = data.rfind(b"row")
    while last > 0:  # the last numbered row: rows are ascending
        found = _ROW_NUMBER.match(data, data.rfind(b"<", 0, last))
        if found is not None:
            rows = max(rows, int(found.group(1)))
            break
        last = data.rfind(b"row", 0, last)
    if b"r='" in data:  # single-quoted attributes: no cheap look at the columns
        return rows * 16_384
    letters = _CELL_REF.findall(data)
    width = max((column_number(x.decode()) for x in set(letters)), default=0)
    width += max(cells - len(letters), 0)  # cells placed by position
    return rows * max(width, 1)


#: a byte met more often than this is not visited one by one (its patterns are searched)
_VISITS = 4096
_AFTER_F = (b">", b"/", b" ", b"\n", b"\t", b"\r")
_QUOTES = (b'"', b"'")


def may_hold_formulas(data: bytes) -> bool:
    """A cheap look at the bytes: could this sheet hold a formula or an error cell?

    Every formula element (``<f>``, ``<f t=...>``, ``<f/>``, ``<x:f>``) has an ``f``
    followed by ``>``, ``/`` or XML whitespace (space, tab, newline, carriage return: XML
    allows any of them inside a tag), and every error cell a ``t="e"``; a false alarm
    (text such as "of the" in an inline string) only costs the slower exact reader.

    >>> may_hold_formulas(b'<c r="A1"><f>1+1</f></c>'), may_hold_formulas(b'<x:f/>')
    (True, True)
    >>> may_hold_formulas(b'<c r="A1" t="e"><v>#N/A</v></c>'), may_hold_formulas(b'<v>1e5</v>')
    (True, False)
    """
    return _found(data, b"f", lambda i: data[i + 1:i + 2] in _AFTER_F,
                  tuple(b"f" + after for after in _AFTER_F)) or may_hold_errors(data)


def may_hold_errors(data: bytes) -> bool:
    """Whether the bytes may hold an error cell: an ``e`` between two equal quotes."""
    return _found(data, b"e", lambda i: data[i - 1:i] in _QUOTES and
                  data[i + 1:i + 2] == data[i - 1:i], (b'"e"', b"'e'"))


def _found(data: bytes, byte: bytes, hit: Callable[[int], bool],
           patterns: tuple[bytes, ...]) -> bool:
    """Whether ``hit`` holds at an occurrence of ``byte``.  A one-byte search runs at
    memory speed and a sheet of numbers holds few ``f`` or ``e`` (a 55 MB sheet of 1.26 M
    numbers: 0.05 s, where searching the patterns took 0.45 s); where the byte is common
    (text, exponents) the patterns are searched instead."""
    if data.count(byte) > _VISITS:
        return any(pattern in data for pattern in patterns)
    at = data.find(byte)
    while at >= 0:
        if hit(at):
            return True
        at = data.find(byte, at + 1)
    return False
