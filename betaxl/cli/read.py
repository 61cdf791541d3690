"""Reading tables of prices or returns from files: CSV, Parquet, xlsx/xlsm, wide or long.

Every reader ends in one wide frame: rows are dates (oldest first), columns are assets.
The date column is found by type and name anywhere in the table; text columns are
refused (or skipped with a note when asked); a long (tidy) table ``date, id, value`` is
pivoted.  Sizes are checked before memory is committed: compressed CSVs are read through
a stream that stops at a decompressed-byte limit, Parquet from its footer, workbooks from
their zip directory.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from ..errors import BetaxlError
from ..safeio import check_input

__all__ = ["Limits", "ReadError", "ReadOptions", "Table", "read_table", "tidy_to_wide"]


class ReadError(BetaxlError):
    """A data file that cannot be read as a table of prices or returns."""


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
    layout: str = "auto"  # "auto", "wide" or "long"
    id_column: str | None = None
    value_column: str | None = None
    skip_text: bool = False
    limits: Limits = field(default_factory=Limits)


@dataclass
class Table:
    """A wide table read from a file, with the notes a user should see."""

    frame: pd.DataFrame
    source: str
    notes: list[str] = field(default_factory=list)
    text: dict[str, pd.Series] = field(default_factory=dict)


def _fail(path: Path | str, text: str) -> ReadError:
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
            raise _fail(self._name, f"is damaged or truncated ({first})") from None
        if len(data) > self._left:
            raise _fail(self._name, f"holds more than {self._limit:,} bytes once "
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
            raise _fail(path, f"is not a readable zip file ({exc})") from None
        members = [i for i in archive.infolist() if not i.is_dir()]
        if len(members) != 1:
            archive.close()
            raise _fail(path, f"holds {len(members)} files; a zipped table must hold "
                        "exactly one")
        if members[0].file_size > limits.max_bytes:
            archive.close()
            raise _fail(path, f"{members[0].filename} inflates to "
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
        body = "\n".join(lines[1:])
        comma_decimal = re.search(r"(?<![\d.])-?\d+,\d+(?![\d.,])", body)
        if sep != "," and comma_decimal and not re.search(r"\d\.\d", body):
            decimal = ","
        else:
            decimal = "."
    if sep == decimal:
        raise ReadError(f"the separator and the decimal mark are both {sep!r}; pass --sep "
                        "and --decimal")
    return sep, decimal


def _read_csv(path: Path, opts: ReadOptions) -> pd.DataFrame:
    stream, inner = _open_text_bytes(path, opts.limits)
    with stream:
        try:
            sample = stream.peek(1 << 16)[: 1 << 16].decode("utf-8-sig", errors="replace")
            sep, decimal = _sniff(sample, opts.sep, opts.decimal)
            text = io.TextIOWrapper(stream, encoding="utf-8-sig")
            return pd.read_csv(text, sep=sep, decimal=decimal, thousands=opts.thousands,
                               low_memory=False)
        except ReadError as exc:
            if str(exc).startswith(path.name):
                raise
            raise _fail(path, str(exc)) from None
        except UnicodeDecodeError:
            raise _fail(path, f"{inner} is not UTF-8 text (for a workbook use its .xlsx "
                        "or .xlsm name)") from None
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError,
                zlib.error) as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
            raise _fail(path, f"cannot be read as a table ({first})") from None


def _read_parquet(paths: list[Path], opts: ReadOptions, name: str) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise _fail(name, "reading Parquet needs pyarrow: pip install 'betaxl[parquet]'") \
            from None
    total_bytes = total_cells = 0
    for p in paths:
        try:
            meta = pq.ParquetFile(p).metadata
        except Exception as exc:  # pyarrow raises its own ArrowInvalid/OSError kinds
            raise _fail(p, f"is not a readable Parquet file ({str(exc)[:120]})") from None
        total_cells += meta.num_rows * meta.num_columns
        total_bytes += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if total_bytes > opts.limits.max_bytes or total_cells > opts.limits.max_cells:
        raise _fail(name, f"holds {total_cells:,} cells ({total_bytes:,} bytes uncompressed); "
                    f"the limit is {opts.limits.max_cells:,} cells / "
                    f"{opts.limits.max_bytes:,} bytes (use --engine dask for larger data)")
    try:
        frames = [pd.read_parquet(p) for p in paths]
    except Exception as exc:
        raise _fail(name, f"cannot be read ({str(exc)[:120]})") from None
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
        raise _fail(path, f"has no sheet range or defined name {name!r}")
    ref = found[0]
    if "!" not in ref or "," in ref:
        raise _fail(path, f"the name {name!r} refers to {ref!r}, not one rectangular range")
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
            raise _fail(path, f"has no sheet {sheet_name!r} (sheets: {', '.join(names)})")
        sheet = book.get_sheet_by_name(sheet_name)
        height, width = sheet.total_height, sheet.total_width
        if height * width > opts.limits.max_cells:
            raise _fail(path, f"sheet {sheet_name!r} spans {height:,} x {width:,} cells; the "
                        f"limit is {opts.limits.max_cells:,}")
        rows = sheet.to_python(skip_empty_area=False)
    except ReadError:
        raise
    except Exception as exc:
        raise _fail(path, f"cannot be read as a workbook ({str(exc)[:120]})") from None
    if cells:
        m = _A1.match(cells)
        assert m is not None
        c0, r0 = _col_index(m[1]), int(m[2]) - 1
        c1, r1 = (_col_index(m[3]), int(m[4]) - 1) if m[3] else (c0, r0)
        rows = [list(r[c0:c1 + 1]) + [""] * max(0, c1 + 1 - len(r))
                for r in rows[r0:r1 + 1]]
    rows = [r for r in rows if any(v not in ("", None) for v in r)]
    if not rows:
        raise _fail(path, f"sheet {sheet_name!r}{' ' + cells if cells else ''} is empty")
    header = [str(v) if v not in ("", None) else f"column {i + 1}" for i, v in enumerate(rows[0])]
    body = [[None if v == "" else v for v in r] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header)
    for col in frame.columns:
        as_num = pd.to_numeric(frame[col], errors="coerce")
        if as_num.notna().sum() == frame[col].notna().sum():
            frame[col] = as_num.astype(float)
    return frame


_DATE_NAME = re.compile(r"^(date|dates|datetime|time|timestamp|period|month|day|as_?of|"
                        r"trade_?date|yyyymmdd)$", re.IGNORECASE)


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})\s*$")


def _day_month(col: pd.Series, text: pd.Series,
               order: str | None) -> pd.DatetimeIndex | None:
    """Numeric dates such as ``01/02/2020``: day first or month first, whichever reads
    every value; refused when both do (and no ``order``), never guessed per value."""
    parts = text.str.extract(_NUMERIC_DATE)
    if parts.isna().any().any() or parts[1].nunique() != 1 or parts[3].str.len().nunique() != 1:
        return None
    sep, year = parts[1].iloc[0], "%Y" if len(parts[3].iloc[0]) == 4 else "%y"
    formats = {"dmy": f"%d{sep}%m{sep}{year}", "mdy": f"%m{sep}%d{sep}{year}"}
    stripped = col.astype("string").str.strip()
    parsed = {k: pd.to_datetime(stripped, format=f, errors="coerce") for k, f in formats.items()}
    fits = [k for k, v in parsed.items() if v.notna().sum() == len(text)]
    if order is not None:
        if order not in fits:
            raise ReadError(f"column {col.name!r} does not read as {order} dates "
                            f"(such as {text.iloc[0]!r})")
        return pd.DatetimeIndex(parsed[order])
    if len(fits) == 2:
        raise ReadError(f"column {col.name!r} holds dates such as {text.iloc[0]!r} that read "
                        "day first and month first; pass --date-order dmy or mdy")
    return pd.DatetimeIndex(parsed[fits[0]]) if fits else None


def _as_dates(col: pd.Series, named: bool,
              order: str | None = None) -> pd.DatetimeIndex | None:
    """The column as dates if it is unmistakably dates, else None; ``order`` ("dmy" or
    "mdy") settles numeric dates that read both ways (else they are refused)."""
    values = col.dropna()
    if values.empty:
        return None
    if pd.api.types.is_datetime64_any_dtype(col):
        out = pd.DatetimeIndex(col)
        return out.tz_localize(None) if out.tz is not None else out
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        if not named:
            return None
        ints = values.astype("float64")
        if (ints % 1 == 0).all() and ints.between(18000101, 22001231).all():
            parsed = pd.to_datetime(ints.astype("int64").astype(str), format="%Y%m%d",
                                    errors="coerce")
            if parsed.notna().all():
                return pd.DatetimeIndex(pd.to_datetime(
                    col.astype("Int64").astype(str), format="%Y%m%d", errors="coerce"))
        if (ints % 1 == 0).all() and ints.between(1, 2958465).all():  # Excel serials
            return pd.DatetimeIndex(pd.Timestamp("1899-12-30") + pd.to_timedelta(col, "D"))
        return None
    text = values.astype(str)
    if not text.str.contains(r"\d").all():
        return None
    if text.str.match(_NUMERIC_DATE).all():
        return _day_month(col, text, order)
    try:
        parsed = pd.to_datetime(col, errors="coerce", format="mixed")
    except (ValueError, TypeError):
        return None
    if parsed.notna().sum() != len(values):
        return None
    return pd.DatetimeIndex(parsed)


_INDEX_NAME = re.compile(r"^(Unnamed: \d+|index|)$")
_THOUSANDS = re.compile(r"^\s*[-+(]?\d{1,3}([,.' ]\d{3})+([.,]\d+)?\)?\s*$")


def _find_dates(frame: pd.DataFrame, opts: ReadOptions, notes: list[str],
                name: str) -> pd.DataFrame:
    if opts.date_column is not None:
        if opts.date_column not in frame.columns:
            raise _fail(name, f"has no column {opts.date_column!r} for --date-column")
        try:
            dates = _as_dates(frame[opts.date_column], named=True, order=opts.date_order)
        except ReadError as exc:
            raise _fail(name, str(exc)) from None
        if dates is None:
            raise _fail(name, f"column {opts.date_column!r} does not hold dates")
        return _set_dates(frame, str(opts.date_column), dates, name)
    found = []
    # dtypes in one pass: looking a column up by name in a wide frame costs more per
    # column the wider it is, so a loop of frame[col] grows faster than linearly
    for j, (col, kind) in enumerate(zip(frame.columns, frame.dtypes)):
        named = bool(_DATE_NAME.match(str(col).strip())) or str(col).lower().endswith("date")
        if not named and pd.api.types.is_numeric_dtype(kind):
            continue
        try:
            dates = _as_dates(frame.iloc[:, j], named, order=opts.date_order)
        except ReadError as exc:
            raise _fail(name, str(exc)) from None
        if dates is not None:
            found.append((col, dates))
    if len(found) > 1:
        named_ones = [f for f in found if _DATE_NAME.match(str(f[0]).strip())]
        if len(named_ones) == 1:
            found = named_ones
        else:
            raise _fail(name, "has several date columns ("
                        + ", ".join(repr(str(c)) for c, _ in found)
                        + "); pass --date-column")
    if found:
        col, dates = found[0]
        if col != frame.columns[0]:
            notes.append(f"dates from column {str(col)!r}")
        return _set_dates(frame, str(col), dates, name)
    return frame


def _set_dates(frame: pd.DataFrame, col: str, dates: pd.DatetimeIndex,
               name: str) -> pd.DataFrame:
    if dates.isna().any():
        row = int(np.flatnonzero(np.asarray(dates.isna()))[0]) + 2
        raise _fail(name, f"column {col!r} has a missing or unreadable date on line {row}")
    out = frame.drop(columns=[col])
    out.index = pd.DatetimeIndex(dates, name="date")
    return out


def tidy_to_wide(frame: pd.DataFrame, id_col: str, value_col: str, name: str) -> pd.DataFrame:
    """Pivot a long table (one row per date and id) to one column per id."""
    dup = frame.index.to_frame(index=False).assign(_id=frame[id_col].to_numpy()).duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise _fail(name, f"has two rows for id {frame[id_col].iloc[row]!r} on "
                    f"{frame.index[row]}; a long table needs one value per date and id")
    values = pd.to_numeric(frame[value_col], errors="coerce")
    wide = pd.DataFrame({"v": values.to_numpy(), "id": frame[id_col].astype(str).to_numpy()},
                        index=frame.index).pivot(columns="id", values="v")
    wide.columns.name = None
    return wide


def _clean_columns(frame: pd.DataFrame, opts: ReadOptions, notes: list[str],
                   name: str) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Drop a pandas index column, refuse (or skip) text columns; numbers as float."""
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    if len(set(frame.columns)) != len(frame.columns):
        dup = frame.columns[frame.columns.duplicated()][0]
        raise _fail(name, f"has two columns named {dup!r}")
    first = frame.columns[0] if frame.shape[1] else None
    if first is not None and _INDEX_NAME.match(first):
        col = pd.to_numeric(frame[first], errors="coerce")
        if col.notna().all() and (col.to_numpy() == np.arange(len(col))).all():
            frame = frame.drop(columns=[first])
            notes.append(f"skipped {first!r} (a row number column, as pandas writes)")
    text: dict[str, pd.Series] = {}
    refused = []
    converted: dict[str, pd.Series] = {}
    # numbers are converted in one step; only the other columns are looked at one by one
    # (assigning columns one at a time to a wide frame costs time quadratic in its width)
    for col in [c for c, kind in zip(frame.columns, frame.dtypes)
                if not (pd.api.types.is_numeric_dtype(kind)
                        and not pd.api.types.is_bool_dtype(kind))]:
        s = frame[col]
        if pd.api.types.is_bool_dtype(s):
            refused.append(col)
            continue
        values = s.dropna().astype(str).str.strip()
        values = values[values != ""]
        if values.empty:
            converted[col] = pd.Series(np.nan, index=frame.index)
            continue
        as_num = pd.to_numeric(values, errors="coerce")
        if as_num.notna().all():
            converted[col] = pd.to_numeric(s, errors="coerce").astype(float)
            continue
        if values.str.match(_THOUSANDS).mean() > 0.5 and opts.thousands is None:
            raise _fail(name, f"column {col!r} holds numbers with thousands separators "
                        f"({values.iloc[0]!r}); pass --thousands ',' (and --decimal) to "
                        "read them")
        if as_num.notna().mean() > 0.9:
            bad = values[as_num.isna()].iloc[0]
            raise _fail(name, f"column {col!r} is numbers except {bad!r}; fix or blank "
                        "that value")
        text[col] = s
        refused.append(col)
    if converted:
        frame = frame.assign(**converted)
    if refused:
        if not opts.skip_text:
            raise _fail(name, "has text columns that are not dates or numbers: "
                        + ", ".join(repr(c) for c in refused[:6])
                        + "; remove them, or pass --skip-text to leave them out")
        frame = frame.drop(columns=refused)
        notes.append("left out text columns " + ", ".join(repr(c) for c in refused[:6]))
    if not all(pd.api.types.is_float_dtype(t) for t in frame.dtypes):
        frame = frame.astype(float)
    return frame, text


def _layout(frame: pd.DataFrame, opts: ReadOptions, notes: list[str],
            name: str) -> pd.DataFrame:
    """Pivot long tables: ``--id-column``/``--value-column``, or date + one text + one number."""
    if opts.layout == "wide":
        return frame
    id_col, value_col = opts.id_column, opts.value_column
    if id_col is None and isinstance(frame.index, pd.DatetimeIndex):
        cols = [str(c) for c in frame.columns]
        texty = [c for c, kind in zip(cols, frame.dtypes)
                 if not pd.api.types.is_numeric_dtype(kind)
                 or c.lower() in ("id", "ticker", "permno", "asset", "symbol", "isin")]
        nums = [c for c in cols if c not in texty]
        if len(texty) == 1 and len(nums) == 1 and frame.index.has_duplicates:
            id_col, value_col = texty[0], nums[0]
    if id_col is None:
        if opts.layout == "long":
            raise _fail(name, "is not a long table (date, id, value): pass --id-column and "
                        "--value-column")
        return frame
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise _fail(name, "is a long table without a date column; pass --date-column")
    if id_col not in frame.columns:
        raise _fail(name, f"has no column {id_col!r} for --id-column")
    if value_col is None:
        rest = [c for c in frame.columns if c != id_col]
        if len(rest) != 1:
            raise _fail(name, "has several value columns (" + ", ".join(map(repr, rest[:6]))
                        + "); pass --value-column")
        value_col = rest[0]
    if value_col not in frame.columns:
        raise _fail(name, f"has no column {value_col!r} for --value-column")
    extra = [c for c in frame.columns if c not in (id_col, value_col)]
    if extra:
        notes.append("left out columns " + ", ".join(map(repr, extra[:6])))
    wide = tidy_to_wide(frame, id_col, value_col, name)
    notes.append(f"long table: {wide.shape[1]} ids from {id_col!r}, values from "
                 f"{value_col!r}")
    return wide


def _expand(path_text: str) -> list[Path]:
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
    paths = _expand(path_text)
    name = Path(path_text).name
    if not paths:
        raise _fail(path_text, "no files match")
    for p in paths:  # says what a non-file is: missing, a FIFO, a folder, a loop, '-'
        check_input(p, func="read")
    suffixes = {p.suffix.lower() for p in paths}
    if suffixes <= set(PARQUET):
        return _read_parquet(paths, opts, name)
    if len(paths) > 1:
        raise _fail(name, "names several files; only Parquet datasets may")
    path = paths[0]
    if path.suffix.lower() in WORKBOOK:
        return _read_workbook(path, opts)
    if path.suffix.lower() == ".xls":
        raise _fail(path, "is an old .xls workbook; save it as .xlsx")
    return _read_csv(path, opts)


def read_table(path_text: str, opts: ReadOptions | None = None) -> Table:
    """Read ``path_text`` (a file, a Parquet folder or a glob) as one wide table."""
    opts = opts or ReadOptions()
    name = Path(path_text).name
    raw = read_raw(path_text, opts)
    if raw.size > opts.limits.max_cells:
        raise _fail(name, f"holds {raw.size:,} cells; the limit is {opts.limits.max_cells:,}")
    notes: list[str] = []
    frame = _find_dates(raw, opts, notes, name)
    frame = _layout(frame, opts, notes, name)
    frame, text = _clean_columns(frame, opts, notes, name)
    if isinstance(frame.index, pd.DatetimeIndex):
        if frame.index.has_duplicates:
            raise _fail(name, f"has the date {frame.index[frame.index.duplicated()][0]:%Y-%m-%d} "
                        "twice")
        if not frame.index.is_monotonic_increasing:
            if frame.index.is_monotonic_decreasing:
                notes.append("dates were newest first: sorted oldest first")
            else:
                notes.append("dates were out of order: sorted oldest first")
            frame = frame.sort_index()
    if frame.shape[1] == 0:
        raise _fail(name, "has no numeric columns")
    return Table(frame, name, notes, text)


def numeric_columns(frame: pd.DataFrame) -> Iterable[str]:
    return [str(c) for c in frame.columns]
