"""Opening data files within limits: compressed CSVs, Parquet, workbooks, path patterns.

Sizes are checked before memory is committed: compressed CSVs are read through a stream
that stops at a decompressed-byte limit, Parquet from its footer, workbooks from their
zip directory.  A CSV's separator and decimal mark are sniffed; a workbook is read with
calamine (a sheet, an A1 range or a defined name).  What comes out is the table as
pandas reads it: its dates and layout are found by :func:`betaxl.cli.table.read_table`.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

from ..data.table import NAME_TWICE, repeated_name, table_ends, titled_table
from ..errors import BetaxlError
from ..safeio import check_input
from .parquet import read_parquet_frame
from .sniffing import column_name, decimal_mark, title_rows

__all__ = ["Limits", "ReadError", "ReadOptions", "expand_paths", "read_error", "read_raw"]


class ReadError(BetaxlError):
    """A data file that cannot be read as a table of prices or returns."""

    #: a workbook's sheets, where the sheet asked for is not one of them (for "did you
    #: mean", :func:`betaxl.cli.names.check_names`)
    sheets: list[str] | None = None


@dataclass(frozen=True)
class Limits:
    """What one command may read: decompressed bytes and cells, over all its inputs."""

    max_bytes: int = 1 << 30
    max_cells: int = 200_000_000


@dataclass
class ReadOptions:
    """How to read a file; every ``None`` means "find it out and say so if ambiguous"."""

    sep: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    sheet: str | None = None
    cells: str | None = None  # an A1 range ("B2:F100") or a defined name
    date_column: str | None = None
    date_order: str | None = None  # "dmy" or "mdy" for numeric dates that read both ways
    date_format: str | None = None  # a strftime format every date text follows
    layout: str = "auto"  # "auto", "wide" or "long"
    id_column: str | None = None
    value_column: str | None = None
    skip_text: bool = False
    drop_partial: bool = False  # leave out the partial periods of a resample output
    sort_dates: bool = False  # --sort-dates: dates out of order sorted (with a note)
    limits: Limits = field(default_factory=Limits)


def read_error(path: Path | str, text: str) -> ReadError:
    """A :class:`ReadError` that starts with the file's name."""
    return ReadError(f"{Path(path).name}: {text}")


class _Capped(io.RawIOBase):
    """A binary stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, raw: IO[bytes], limit: int, name: str) -> None:
        self._raw, self._left, self._limit, self._name = raw, limit, limit, name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        try:
            data = self._raw.read(min(len(view), self._left + 1))
        except (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile) as exc:
            # whatever a decompressor raises, wherever it is read (sniffing or parsing)
            first = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
            raise read_error(self._name, f"is damaged or truncated ({first})") from None
        if len(data) > self._left:
            raise read_error(self._name, f"holds more than {self._limit:,} bytes once "
                             "decompressed; refusing it (a likely decompression bomb, or split "
                             "the file)")
        self._left -= len(data)
        view[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


_COMPRESSED: dict[str, Callable[[Path], Any]] = {
    ".gz": lambda p: gzip.open(p, "rb"),
    ".bz2": lambda p: bz2.open(p, "rb"),
    ".xz": lambda p: lzma.open(p, "rb"),
}


def _open_text_bytes(path: Path, limits: Limits) -> tuple[Any, str]:
    """A capped byte stream of the CSV inside ``path`` and the inner file's name."""
    suffix = path.suffix.lower()
    if suffix in _COMPRESSED:
        raw = _COMPRESSED[suffix](path)
        inner = path.stem
    elif suffix == ".zip":
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise read_error(path, f"is not a readable zip file ({exc})") from None
        members = [i for i in archive.infolist() if not i.is_dir()]
        if len(members) != 1:
            archive.close()
            raise read_error(path, f"holds {len(members)} files; a zipped table must hold "
                             "exactly one")
        if members[0].file_size > limits.max_bytes:
            archive.close()
            raise read_error(path, f"{members[0].filename} inflates to "
                             f"{members[0].file_size:,} bytes; the limit is "
                             f"{limits.max_bytes:,}")
        raw = archive.open(members[0])
        inner = members[0].filename
    else:
        raw = open(path, "rb")
        inner = path.name
    capped = io.BufferedReader(_Capped(raw, limits.max_bytes, path.name), 1 << 20)
    return capped, inner


def _sniff(sample: str, sep: str | None, decimal: str | None) -> tuple[str, str]:
    """The separator and decimal mark of a CSV sample, or a refusal saying how to give them."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if sep is None:
        counts = {c: [line.count(c) for line in lines] for c in (",", ";", "\t", "|")}
        steady = {c: n[0] for c, n in counts.items() if n and n[0] > 0 and len(set(n)) == 1}
        if len(steady) == 1:
            sep = next(iter(steady))
        elif not steady:
            sep = ","  # one column (or ragged): let pandas read it as comma-separated
        else:
            # several candidates: the one that splits most wins if clearly ahead
            best = sorted(steady.items(), key=lambda kv: -kv[1])
            if best[0][1] > best[1][1] and best[0][0] in (";", "\t", "|"):
                sep = best[0][0]
            elif best[0][0] == "," and best[0][1] > best[1][1]:
                sep = ","
            else:
                raise ReadError("cannot tell the separator: both "
                                f"{best[0][0]!r} and {best[1][0]!r} split every line alike; "
                                "pass --sep")
    if decimal is None:
        decimal = decimal_mark(lines[1:], sep)
    if sep == decimal:
        raise ReadError(f"the separator and the decimal mark are both {sep!r}; pass --sep "
                        "and --decimal")
    return sep, decimal


def _refuse_repeated(sample: str, sep: str) -> None:
    """A header naming a column twice, refused before pandas renames the second
    (``MKT`` to ``MKT.1``) and a column asked for by name becomes the wrong one."""
    first = next((line for line in sample.splitlines(keepends=True) if line.strip()), "")
    names = next(csv.reader([first], delimiter=sep), [])
    if not first.endswith(("\n", "\r")):  # the header runs past the sample: its last
        names = names[:-1]                 # name may be cut ("s1094" of "s10940")
    twice = repeated_name([n for n in names if n.strip()])
    if twice is not None:
        raise ReadError(NAME_TWICE.format(name=twice))


def _first_table(text: IO[str], header: int, sep: str,
                 notes: list[str]) -> tuple[io.StringIO, str]:
    """The first table of a file in Ken French's layout (the core's rule,
    :func:`betaxl.data.table.titled_table`): its header and rows, the title lines above
    and whatever follows (annual rows, a copyright line) left out, named in a note."""
    for _ in range(header):
        text.readline()
    lines = [text.readline(), text.readline()]
    width = len(lines[1].split(sep)[0].strip())
    after = ""
    for line in text:
        if table_ends(line, sep, width):
            after = line.strip() or next((t.strip() for t in text if t.strip()), "")
            break
        lines.append(line)
    rows = f"{header + 1}-{header + len(lines)}"
    notes.append(f"read the table on lines {rows}; left out {header} title lines above it"
                 + (f" and what follows it, from {after[:40]!r}" if after else ""))
    block = "".join(lines)
    return io.StringIO(block), block[: 1 << 16]


def _read_csv(path: Path, opts: ReadOptions) -> pd.DataFrame:
    stream, inner = _open_text_bytes(path, opts.limits)
    with stream:
        start = b""
        try:
            head = stream.peek(1 << 20)  # the buffer: a header of 100,000 names fits
            start = head[: 1 << 16]
            sample = start.decode("utf-8-sig", errors="replace")
            text: IO[str] = io.TextIOWrapper(stream, encoding="utf-8-sig")
            header = titled_table(sample.splitlines(), opts.sep or ",")
            notes: list[str] = []
            if header is not None:  # Ken French's layout: title, table, other tables
                text, sample = _first_table(text, header, opts.sep or ",", notes)
            sep, decimal = _sniff(sample, opts.sep, opts.decimal)
            _refuse_repeated(sample if header is not None
                             else head.decode("utf-8-sig", errors="replace"), sep)
            frame = pd.read_csv(text, sep=sep, decimal=decimal, thousands=opts.thousands,
                                low_memory=False)
            frame.attrs["notes"] = notes
            return frame
        except ReadError as exc:
            if str(exc).startswith(path.name):
                raise
            raise read_error(path, str(exc)) from None
        except UnicodeDecodeError:
            what = "is" if inner == path.name else f"holds {inner}, which is"
            utf16 = start[:2] in (b"\xff\xfe", b"\xfe\xff")
            how = ("UTF-16 text: save it as UTF-8 (CSV UTF-8 in Excel)" if utf16 else
                   "not UTF-8 text (save it as UTF-8; for a workbook use its .xlsx or .xlsm "
                   "name)")
            raise read_error(path, f"{what} {how}") from None
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError,
                zlib.error) as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
            raise read_error(path, f"cannot be read as a table ({first})") from None


def _read_parquet(paths: list[Path], opts: ReadOptions, name: str) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise read_error(name, "reading Parquet needs pyarrow: pip install 'betaxl[parquet]'") \
            from None
    total_bytes = total_cells = 0
    for p in paths:
        try:
            meta = pq.ParquetFile(p).metadata
        except Exception as exc:  # pyarrow raises its own ArrowInvalid/OSError kinds
            raise read_error(p, f"is not a readable Parquet file ({str(exc)[:120]})") from None
        twice = repeated_name(pq.ParquetFile(p).schema_arrow.names)
        if twice is not None:
            raise read_error(p, NAME_TWICE.format(name=twice))
        total_cells += meta.num_rows * meta.num_columns
        total_bytes += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if total_bytes > opts.limits.max_bytes or total_cells > opts.limits.max_cells:
        raise read_error(name, f"holds {total_cells:,} cells ({total_bytes:,} bytes uncompressed); "
                         f"the limit is {opts.limits.max_cells:,} cells / "
                         f"{opts.limits.max_bytes:,} bytes (use --engine dask for larger data)")
    try:
        frames = [read_parquet_frame(p) for p in paths]
    except Exception as exc:
        raise read_error(name, f"cannot be read ({str(exc)[:120]})") from None
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _defined_name(path: Path, name: str) -> tuple[str, str]:
    """The sheet and A1 range of a workbook's defined name, from ``xl/workbook.xml``."""
    from defusedxml import ElementTree

    from ..workbook.package import check_archive

    with check_archive(path) as archive:
        root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    found = []
    for node in root.iter(f"{ns}definedName"):
        if (node.get("name") or "").lower() == name.lower():
            found.append(node.text or "")
    if not found:
        raise read_error(path, f"has no sheet range or defined name {name!r}")
    ref = found[0]
    if "!" not in ref or "," in ref:
        raise read_error(path, f"the name {name!r} refers to {ref!r}, not one rectangular range")
    sheet, cells = ref.rsplit("!", 1)
    return sheet.strip("'").replace("''", "'"), cells.replace("$", "")


def _read_workbook(path: Path, opts: ReadOptions) -> pd.DataFrame:
    from python_calamine import CalamineWorkbook

    from ..workbook.package import check_archive

    check_archive(path).close()  # zip-bomb and not-a-workbook checks before calamine
    sheet_name, cells = opts.sheet, opts.cells
    if cells and not _A1.match(cells):
        sheet_name, cells = _defined_name(path, cells)
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        if sheet_name is None:
            sheet_name = names[0]
        if sheet_name not in names:
            missing = read_error(path, f"has no sheet {sheet_name!r} (sheets: "
                                 f"{', '.join(names)})")
            missing.sheets = list(names)
            raise missing
        sheet = book.get_sheet_by_name(sheet_name)
        height, width = sheet.total_height, sheet.total_width
        if height * width > opts.limits.max_cells:
            raise read_error(path, f"sheet {sheet_name!r} spans {height:,} x {width:,} cells; the "
                             f"limit is {opts.limits.max_cells:,}")
        rows = sheet.to_python(skip_empty_area=False)
    except ReadError:
        raise
    except Exception as exc:
        raise read_error(path, f"cannot be read as a workbook ({str(exc)[:120]})") from None
    if cells:
        m = _A1.match(cells)
        assert m is not None
        c0, r0 = _col_index(m[1]), int(m[2]) - 1
        c1, r1 = (_col_index(m[3]), int(m[4]) - 1) if m[3] else (c0, r0)
        rows = [list(r[c0:c1 + 1]) + [""] * max(0, c1 + 1 - len(r))
                for r in rows[r0:r1 + 1]]
    notes: list[str] = []
    titles = title_rows(rows)
    if titles:
        first = titles + 1 + (int(m[2]) - 1 if cells and (m := _A1.match(cells)) else 0)
        notes.append(f"read the table from row {first}, its header; left out the title "
                     "rows above it (pass --range to choose the table)")
        rows = rows[titles:]
    rows = [r for r in rows if any(v not in ("", None) for v in r)]
    if not rows:
        raise read_error(path, f"sheet {sheet_name!r}{' ' + cells if cells else ''} is empty")
    header = [column_name(v) if v not in ("", None) else f"column {i + 1}"
              for i, v in enumerate(rows[0])]
    twice = repeated_name(header)
    if twice is not None:
        raise read_error(path, NAME_TWICE.format(name=twice))
    body = [[None if v == "" else v for v in r] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header)
    for col in frame.columns:
        as_num = pd.to_numeric(frame[col], errors="coerce")
        if as_num.notna().sum() == frame[col].notna().sum():
            frame[col] = as_num.astype(float)
    frame.attrs["notes"] = notes
    return frame


def _named(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` with its columns named by :func:`column_name`; two that become one name
    (``AAPL`` and `` AAPL``) refused, as a name given twice is."""
    names = [column_name(c) for c in frame.columns]
    if names != list(frame.columns):
        twice = repeated_name(names)
        if twice is not None:
            raise read_error(name, NAME_TWICE.format(name=twice))
        frame.columns = names
    return frame


def expand_paths(path_text: str) -> list[Path]:
    """The files a path names: itself, a folder's Parquet files, or a glob's matches."""
    path = Path(path_text)
    if any(ch in path_text for ch in "*?["):
        parent = path.parent if str(path.parent) else Path(".")
        return sorted(p for p in parent.glob(path.name) if p.is_file())
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file()
                      and p.suffix.lower() in (".parquet", ".pq"))
    return [path]


PARQUET = (".parquet", ".pq")
WORKBOOK = (".xlsx", ".xlsm")


def read_raw(path_text: str, opts: ReadOptions) -> pd.DataFrame:
    """The file as pandas reads it (no dates or layout yet)."""
    paths = expand_paths(path_text)
    name = Path(path_text).name
    if not paths:
        raise read_error(path_text, "no files match")
    for p in paths:  # says what a non-file is: missing, a FIFO, a folder, a loop, '-'
        check_input(p, func="read")
    suffixes = {p.suffix.lower() for p in paths}
    if suffixes <= set(PARQUET):
        return _named(_read_parquet(paths, opts, name), name)
    if len(paths) > 1:
        raise read_error(name, "names several files; only Parquet datasets may")
    path = paths[0]
    if path.suffix.lower() in WORKBOOK:
        return _named(_read_workbook(path, opts), name)
    if path.suffix.lower() == ".xls":
        raise read_error(path, "is an old .xls workbook; save it as .xlsx")
    if opts.sheet is not None or opts.cells is not None:
        flag = "--sheet" if opts.sheet is not None else "--range"
        raise read_error(path, f"{flag} is for a workbook (.xlsx, .xlsm); this is a text "
                         f"table: leave {flag} out")
    return _named(_read_csv(path, opts), name)
