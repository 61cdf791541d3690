"""Workbook files from anyone: checked before reading, written atomically, never in place.

Reading: the file must be a zip holding ``xl/workbook.xml`` whose parts are of sane
size (checked from the zip directory *before* anything is inflated); nothing in the file
is executed or followed (macros, external links).

Writing: the output is the input with only the recalculated sheets' parts replaced, so
the VBA project, the buttons and the charts survive; it is written through
:func:`betaxl.safeio.atomic_file` (complete or not at all, never over the input unless
in place, permissions kept).  Writing ``.xlsx`` from an ``.xlsm`` drops the VBA project
and disarms the buttons.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any

import defusedxml.ElementTree as SafeET

try:  # ISA-L's deflate (the workbook extra): a sheet of numbers 3.5x faster than zlib's
    from isal import isal_zlib  # fastest level, and smaller; without it, zlib
except ImportError:
    isal_zlib = None

from ..safeio import FileError, atomic_file

__all__ = [
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "FileError",
    "atomic_file",
    "check_archive",
    "deflated",
    "has_vba",
    "write_package",
]

MAX_PART_BYTES = 256 << 20   # one part (a sheet's XML) inflated
MAX_TOTAL_BYTES = 1 << 30    # the whole package inflated
MAX_RATIO = 200              # inflated / compressed, for parts over 1 MiB
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _fail(path: Path | str, text: str) -> FileError:
    return FileError(f"{Path(path).name}: {text}", func="recalc", arg=str(path))


def snapshot(path: Path) -> bytes:
    """The bytes of the file at ``path``, read once through one open descriptor.

    Everything after works on these bytes, so a workbook saved while betaxl runs gives
    either the old or the new package, never parts of both.  What is not a regular file
    is named (:func:`betaxl.safeio.describe_input`), never read.
    """
    from ..safeio import read_input

    return read_input(path, func="recalc")


def check_archive(path: Path, data: bytes | None = None) -> zipfile.ZipFile:
    """Open ``path`` as a workbook package after checking it from its zip directory.

    ``data``: the file's bytes, already read (:func:`snapshot`); by default they are.
    """
    if data is None:
        data = snapshot(path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
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


_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PLAIN_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_VBA_TYPE = "application/vnd.ms-office.vbaProject"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"


def _strip_vba(name: str, data: bytes) -> bytes | None:
    """Edit one part so that an .xlsx without the VBA project is valid (None = drop it).

    The content types and the workbook's relationships are edited as XML trees; the
    buttons of the legacy drawings lose their macro (they stay, disarmed).
    """
    import xml.etree.ElementTree as ET

    if name == "xl/vbaProject.bin" or name.endswith("vbaProjectSignature.bin") or \
            name.endswith("vbaData.xml") or name.endswith("vbaData.xml.rels"):
        return None
    if name == "[Content_Types].xml":
        ET.register_namespace("", _CT)
        root = SafeET.fromstring(data)
        for node in list(root):
            kind = node.get("ContentType", "")
            if kind == _MACRO_MAIN:
                node.set("ContentType", _PLAIN_MAIN)
            elif kind.startswith(_VBA_TYPE) or "vbaProject" in node.get("PartName", ""):
                root.remove(node)
        return ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    if name == "xl/_rels/workbook.xml.rels":
        ET.register_namespace("", _PKG)
        root = SafeET.fromstring(data)
        for node in list(root):
            if node.get("Type", "").endswith("/vbaProject"):
                root.remove(node)
        return ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    if name.endswith(".vml"):
        return _disarm_buttons(name, data)
    return data


def _disarm_buttons(name: str, data: bytes) -> bytes:
    """A legacy drawing with every ``<x:FmlaMacro>`` (a button's macro) cut out."""
    from xml.parsers import expat

    spans: list[tuple[int, int]] = []
    parser = expat.ParserCreate()
    opened: list[int] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.split(":")[-1] == "FmlaMacro":
            opened.append(parser.CurrentByteIndex)

    def end(tag: str) -> None:
        if tag.split(":")[-1] == "FmlaMacro" and opened:
            at = parser.CurrentByteIndex
            stop = data.index(b">", at) + 1
            spans.append((opened.pop(), stop))

    def refuse(*args: object) -> None:
        raise FileError(f"{name}: declares entities; refused")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise FileError(f"{name}: its buttons cannot be disarmed for an .xlsx ({exc}); "
                        "write an .xlsm instead") from None
    out, pos = [], 0
    for first, last in sorted(spans):
        out.append(data[pos:first])
        pos = last
    out.append(data[pos:])
    return b"".join(out)


def has_vba(archive: zipfile.ZipFile) -> bool:
    """Whether the package carries a VBA project."""
    return "xl/vbaProject.bin" in archive.namelist()


def write_package(source: Path, target: Path, parts: dict[str, bytes], *,
                  in_place: bool = False, data: bytes | None = None) -> None:
    """Copy ``source`` to ``target`` with ``parts`` replaced, atomically.

    Every other part is copied byte for byte.  The extension decides the content:
    ``.xlsx`` drops the VBA project and disarms the buttons; ``.xlsm`` needs a VBA
    project in the source (an ``.xlsm`` without macros would be mislabelled).
    ``data``: the source's bytes as read for computing (:func:`snapshot`), so that the
    copy is of the very package the values came from; by default it is read now.
    """
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise _fail(target, "the output must end in .xlsx or .xlsm")
    if data is None:
        data = snapshot(source)
    with check_archive(source, data) as archive:
        macros = has_vba(archive)
        if suffix == ".xlsm" and not macros:
            raise _fail(target, f"{source.name} has no macros, so the output must be .xlsx")
        strip = suffix == ".xlsx" and macros
        with atomic_file(target, inputs=[source], in_place=in_place) as handle, \
                zipfile.ZipFile(
                handle, "w", compression=zipfile.ZIP_DEFLATED) as out:
            raw = io.BytesIO(data)
            for info in archive.infolist():
                part: bytes | None = parts.get(info.filename)
                if part is None and not (strip and _may_strip(info.filename)):
                    _copy_compressed(raw, info, out)  # byte for byte, not re-inflated
                    continue
                if part is None:
                    part = archive.read(info.filename)
                if strip:
                    part = _strip_vba(info.filename, part)
                if part is None:
                    continue
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.external_attr = info.external_attr
                _write_deflated(out, copy, part)


#: Without ISA-L, a part rewritten above this size is deflated by zlib at level 1 (twice
#: as fast as level 3 on a sheet of numbers, about 7% larger).
_LARGE_PART = 8 << 20
#: ISA-L's level: on a 45 MB sheet of numbers 162 ms and 13.6 MB, where zlib's level 1
#: takes 615 ms for 14.4 MB and its level 3 1.25 s for 13.7 MB.
_ISAL_LEVEL = 2


def deflated(part: bytes) -> tuple[bytes, int]:
    """``part`` as a raw deflate stream (a zip member's body) and its CRC-32: ISA-L's
    when installed, else zlib's; either inflates with any zip reader."""
    if isal_zlib is not None:
        packer = isal_zlib.compressobj(_ISAL_LEVEL, isal_zlib.DEFLATED, -15)
        return packer.compress(part) + packer.flush(), isal_zlib.crc32(part)
    packer = zlib.compressobj(1 if len(part) > _LARGE_PART else 3, zlib.DEFLATED, -15)
    return packer.compress(part) + packer.flush(), zlib.crc32(part)


def _write_deflated(out: zipfile.ZipFile, copy: zipfile.ZipInfo, part: bytes) -> None:
    """Write a rewritten part, deflated by :func:`deflated`, as the member ``copy``."""
    body, crc = deflated(part)
    copy.compress_type = zipfile.ZIP_DEFLATED
    copy.CRC, copy.compress_size, copy.file_size = crc, len(body), len(part)
    _write_member(out, copy, body)


def _may_strip(name: str) -> bool:
    return name in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels") or \
        name.endswith((".vml", ".bin", "vbaData.xml", "vbaData.xml.rels"))


def _copy_compressed(raw: IO[bytes], info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """Copy one member's compressed bytes as they are (its CRC and sizes unchanged).

    Python's zipfile has no public raw copy, so the local header is written with
    ``ZipInfo.FileHeader`` and the entry registered as ``ZipFile.write`` does; the
    checks of :func:`check_archive` (sizes, ratios) ran on the same directory before.
    """
    raw.seek(info.header_offset)
    header = raw.read(30)
    if header[:4] != b"PK\x03\x04":
        raise FileError(f"{info.filename}: bad local header in the zip file")
    name_len = int.from_bytes(header[26:28], "little")
    extra_len = int.from_bytes(header[28:30], "little")
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    body = raw.read(info.compress_size)
    if len(body) != info.compress_size:
        raise FileError(f"{info.filename}: the zip file is truncated")
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = info.compress_type
    copy.external_attr = info.external_attr
    copy.create_system = info.create_system
    copy.flag_bits = info.flag_bits & ~0x08  # sizes go in the header, no data descriptor
    copy.CRC, copy.compress_size, copy.file_size = info.CRC, info.compress_size, \
        info.file_size
    _write_member(out, copy, body)


def _write_member(out: zipfile.ZipFile, copy: zipfile.ZipInfo, body: bytes) -> None:
    """Write a member's local header and compressed ``body`` (``copy`` says its CRC and
    sizes) and register it, as ``ZipFile.write`` does."""
    fp: Any = out.fp
    copy.header_offset = fp.tell()
    fp.write(copy.FileHeader(zip64=copy.file_size > zipfile.ZIP64_LIMIT or
                             copy.compress_size > zipfile.ZIP64_LIMIT))
    fp.write(body)
    out.filelist.append(copy)
    out.NameToInfo[copy.filename] = copy
    out.start_dir = fp.tell()
