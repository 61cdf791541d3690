"""Writing recalculated values into a sheet's XML, every other byte as it was.

Only the ``<c>`` elements of cells whose value changed are replaced (and cells a spill
needs are inserted); every other byte of every part is copied as it was, so VBA,
buttons, charts, styles, names and the user's cells stay untouched.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from xml.sax.saxutils import escape

from .cells import EPOCH, Ref, XlError
from .formula import column_letters, parse_area
from .sheetxml import CellXml, SheetXml, attrs_at, cell_ref, cell_start, cell_value, formula_cell

__all__ = ["area_changed", "cell_col", "cell_row", "patch_sheet", "same_value", "saved_value"]


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
        value = (value - EPOCH).total_seconds() / 86400
    elif isinstance(value, dt.date):
        value = float((value - EPOCH.date()).days)
    formula = bool(f_xml)
    if value is None:
        if not formula:
            return (head + "/>").encode()
        empty = f"<{prefix}v></{prefix}v></{prefix}c>"
        return (head + ' t="str">').encode() + f_xml + empty.encode()
    if isinstance(value, float) and not math.isfinite(value):
        value = XlError("#NUM!")  # no NaN or inf in a file: what Excel shows for them
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
    return cell_ref(cell.attrs["r"], "")[0]


def cell_col(cell: CellXml) -> int:
    return cell_ref(cell.attrs["r"], "")[1]


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
                data = _cell_xml(p, r, c, value, attrs_at(sheet.data, cell[0]))
                patches.append((cell[0], cell[1], data))
            elif value is not None:
                data = _cell_xml(p, r, c, value, {})
                if row is None:
                    new_rows.setdefault(r, []).append((c, data))
                    continue
                after = [k for k in row.cells if k > c]
                at = cell_start(row.cells[min(after)]) if after else \
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


def saved_value(sheet: SheetXml, r: int, c: int) -> Any:
    row = sheet.rows.get(r)
    return cell_value(row.cells.get(c) if row else None)


def same_value(old: Any, new: Any) -> bool:
    if type(old) is not type(new):
        return False
    if isinstance(old, float):
        return old == new or (math.isnan(old) and math.isnan(new))
    return bool(old == new)


def area_changed(sheet: SheetXml, r: int, c: int, area: Ref | None) -> bool:
    row = sheet.rows.get(r)
    cell = formula_cell(row.cells.get(c) if row else None)
    if cell is None:
        return False
    old = cell.f_attrs.get("ref", "")
    new = (f"{column_letters(c)}{r}" if area is None else
           f"{column_letters(area.c1)}{area.r1}:{column_letters(area.c2)}{area.r2}")
    if old == new:
        return False
    return not (area is not None and area.r1 == area.r2 and area.c1 == area.c2 and
                old in (new, f"{new}:{new}"))
