"""Writing result tables: CSV, Parquet or xlsx by extension, all files or none.

The format follows the extension (an unknown one is refused); xlsx gets real dates,
integers as integers and number formats, and is refused past Excel's 1,048,576 rows x
16,384 columns.  Every output goes through :mod:`betaxl.safeio` with the inputs
named, so an output can never replace an input.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..safeio import atomic_files, check_output
from ..safeio.attributes import new_file_mode
from .sources import ReadError

__all__ = ["DATASET_SUFFIXES", "FORMATS", "XLSX_COLUMNS", "XLSX_ROWS", "as_text",
           "check_dataset_name", "output_format", "output_paths", "publish_dataset",
           "write_outputs"]

XLSX_ROWS = 1_048_576
XLSX_COLUMNS = 16_384
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx"}

Sheets = Mapping[str, pd.DataFrame]

#: the tables' counts: rows used, rows per period, constituents; written as integers
COUNTS = frozenset({"n_obs", "n_obs_own", "rows", "n_assets", "n", "count", "periods"})


def _whole(values: pd.Series) -> bool:
    kept = values.dropna()
    return bool(pd.api.types.is_float_dtype(values) and np.isfinite(kept).all()
                and (kept % 1 == 0).all())


def integer_counts(frame: pd.DataFrame, *, rows: bool = True) -> pd.DataFrame:
    """``frame`` with its count columns (:data:`COUNTS`, whole numbers) as integers, blank
    where missing; with ``rows``, a count row of a measure-by-column table (risk's
    ``n_obs``) too, as Python ints in an object column (CSV writes ``60``, not ``60.0``).
    """
    out = frame.copy()
    for col in out.columns:
        if str(col) in COUNTS and _whole(out[col]):
            out[col] = out[col].astype("Int64")
    counted = [label for label in out.index if str(label) in COUNTS]
    counted = [label for label in counted
               if _whole(pd.to_numeric(out.loc[label], errors="coerce").astype(float))]
    if rows and counted:
        out = out.astype(object)
        for label in counted:
            out.loc[label] = [None if pd.isna(v) else int(v) for v in out.loc[label]]
    return out


def output_format(path: Path) -> str:
    """The format an output path asks for, or a refusal naming the known extensions."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ReadError(f"{path.name}: unknown output extension {path.suffix or '(none)'!r}; "
                        "use .csv, .parquet or .xlsx")
    return fmt


#: what a spreadsheet takes as the start of a formula in a CSV cell (OWASP's list)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(name: object) -> object:
    """A name a spreadsheet opening the CSV would run as a formula (``=1+1``,
    ``@SUM(A1)``), written with a leading ``'`` as OWASP advises; numbers and every
    other name as they are.

    >>> as_text("=HYPERLINK(1)"), as_text("-0.5"), as_text("Mkt-RF"), as_text(3)
    ("'=HYPERLINK(1)", '-0.5', 'Mkt-RF', 3)
    """
    if not isinstance(name, str) or not name.startswith(FORMULA_START):
        return name
    try:
        float(name)
        return name
    except ValueError:
        return "'" + name


def _csv(frame: pd.DataFrame) -> bytes:
    out = integer_counts(frame)
    out = out.rename(columns=as_text, index=as_text) \
        if not isinstance(out.index, pd.MultiIndex) else out.rename(columns=as_text)
    return out.to_csv(date_format="%Y-%m-%d", float_format=None).encode()


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    out = integer_counts(frame, rows=False)  # a Parquet column holds one type
    out.columns = [str(c) for c in out.columns]
    try:
        out.to_parquet(buffer)
    except ImportError:
        raise ReadError("writing Parquet needs pyarrow: pip install 'betaxl[parquet]'") \
            from None
    return buffer.getvalue()


def _xlsx(sheets: Sheets, name: str) -> bytes:
    for sheet, frame in sheets.items():
        rows, cols = frame.shape[0] + 1, frame.shape[1] + 1
        if rows > XLSX_ROWS or cols > XLSX_COLUMNS:
            raise ReadError(f"{name}: sheet {sheet!r} would be {rows:,} rows x {cols:,} "
                            f"columns; xlsx holds at most {XLSX_ROWS:,} x {XLSX_COLUMNS:,}: "
                            "write .csv or .parquet instead")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter",  # in memory: no temporary files
                        datetime_format="yyyy-mm-dd", date_format="yyyy-mm-dd",
                        engine_kwargs={"options": {
                            "in_memory": True,
                            # text is text: a name "=1+1" or "http://..." is no formula
                            # or link (XlsxWriter turns both on by default)
                            "strings_to_formulas": False, "strings_to_urls": False}}) as xl:
        book = xl.book
        number = book.add_format({"num_format": "0.000000"})
        integer = book.add_format({"num_format": "0"})
        for sheet, frame in sheets.items():
            out = integer_counts(frame, rows=False)
            out = out.replace([np.inf, -np.inf], np.nan)
            out.to_excel(xl, sheet_name=sheet[:31])
            ws = xl.sheets[sheet[:31]]
            ws.set_column(0, 0, 12)
            for j, col in enumerate(out.columns, start=1):
                fmt = integer if pd.api.types.is_integer_dtype(out[col]) else number
                ws.set_column(j, j, 12, fmt)
            for i, label in enumerate(out.index, start=1):
                if str(label) in COUNTS:  # a count row (risk's n_obs): row beats column
                    ws.set_row(i, None, integer)
            ws.freeze_panes(1, 1)
    return buffer.getvalue()


def output_paths(path: Path, sheets: Sequence[str]) -> list[Path]:
    """The files a command writes for these tables: xlsx one file (a sheet per table),
    CSV/Parquet one file per table (the first under ``path``, the others under ``path``'s
    stem + ``_sheet``)."""
    if output_format(path) == "xlsx":
        return [path]
    return [path if i == 0 else path.with_name(f"{path.stem}_{sheet}{path.suffix}")
            for i, sheet in enumerate(sheets)]


def render(path: Path, sheets: Sheets) -> dict[Path, bytes]:
    """The bytes of each file of :func:`output_paths`."""
    fmt = output_format(path)
    if fmt == "xlsx":
        return {path: _xlsx(sheets, path.name)}
    writer = _csv if fmt == "csv" else _parquet
    return {target: writer(frame)
            for target, frame in zip(output_paths(path, list(sheets)), sheets.values(),
                                     strict=True)}


def write_outputs(path: Path, sheets: Sheets, *, inputs: Sequence[Path]) -> list[Path]:
    """Write every table, all files or none; refuse any output that is an input."""
    files = render(path, sheets)
    for target in files:
        check_output(target, inputs=inputs)
    with atomic_files(list(files), inputs=inputs) as handles:
        for handle, data in zip(handles, files.values(), strict=False):
            handle.write(data)
    return list(files)


#: the names a Parquet dataset's folder may have: none of a file format's suffixes
DATASET_SUFFIXES = ("", ".parquet", ".pq")


def check_dataset_name(target: Path) -> None:
    """A folder written as a Parquet dataset is named for it: ``rolling.csv`` would be a
    folder of Parquet parts where a CSV is expected, so a suffix other than none,
    ``.parquet`` or ``.pq`` is refused."""
    if target.suffix.lower() not in DATASET_SUFFIXES:
        raise ReadError(f"{target.name}: --engine dask writes a Parquet dataset (a folder "
                        "of Parquet files, long: date, asset, beta), not a "
                        f"{target.suffix} file; name the folder without a suffix or with "
                        ".parquet (or run without --engine dask for a CSV)")


def publish_dataset(staging: Path, target: Path) -> None:
    """Give a dataset staged in a private temporary folder (mode 700, parts 600) the
    modes ``open()`` and ``mkdir`` would (the umask), then move it to ``target``."""
    mode = new_file_mode()
    for part in staging.iterdir():
        os.chmod(part, mode)
    os.chmod(staging, mode | (mode & 0o444) >> 2)  # x wherever r: a folder to list
    os.rename(staging, target)
