"""One wide table from a file: the date index, long tables pivoted, columns cleaned.

Every reader ends in one wide frame: rows are dates (oldest first), columns are assets.
The date column is found by type and name anywhere in the table
(:mod:`betaxl.cli.dates`); text columns are refused (or skipped with a note when asked);
a long (tidy) table ``date, id, value`` is pivoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..data.dates import order_problem
from ..data.table import (
    NAME_TWICE,
    RESAMPLED,
    partial_note,
    repeated_name,
    resampled_rows,
    written_as_months,
)
from .dates import SORT_HOW, find_dates, sorted_hole
from .names import check_names
from .sources import ReadError, ReadOptions, read_error, read_raw

__all__ = ["Table", "read_table", "tidy_to_wide"]


@dataclass
class Table:
    """A wide table read from a file, with the notes a user should see."""

    frame: pd.DataFrame
    source: str
    notes: list[str] = field(default_factory=list)
    text: dict[str, pd.Series] = field(default_factory=dict)
    months: bool = False  #: dates written as months (Jan-18, 2018-01, 194901)


_INDEX_NAME = re.compile(r"^(Unnamed: \d+|index|)$")
#: numbers whose comma can only be a decimal mark: ``0,002``, ``-1,5``, ``12,34``
#: (no group of three digits after it, or a zero before it)
_COMMA_DECIMAL = re.compile(r"^\s*[-+(]?(0,\d+|\d+,(\d{1,2}|\d{4,}))\)?\s*$")
_THOUSANDS = re.compile(r"^\s*[-+(]?\d{1,3}([,.' ]\d{3})+([.,]\d+)?\)?\s*$")


def tidy_to_wide(frame: pd.DataFrame, id_col: str, value_col: str, name: str) -> pd.DataFrame:
    """Pivot a long table (one row per date and id) to one column per id."""
    dup = frame.index.to_frame(index=False).assign(_id=frame[id_col].to_numpy()).duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise read_error(name, f"has two rows for id {frame[id_col].iloc[row]!r} on "
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
    dup = repeated_name(frame.columns)  # 'MKT ' is 'MKT' (data.table)
    if dup is not None:
        raise read_error(name, NAME_TWICE.format(name=dup))
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
    for col in [c for c, kind in zip(frame.columns, frame.dtypes, strict=False)
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
        if values.str.match(_COMMA_DECIMAL).mean() > 0.5 and opts.decimal != ",":
            raise read_error(name, f"column {col!r} holds numbers with a decimal comma "
                             f"({values.iloc[0]!r}); pass --decimal ',' to read them")
        if values.str.match(_THOUSANDS).mean() > 0.5 and opts.thousands is None:
            raise read_error(name, f"column {col!r} holds numbers with thousands separators "
                             f"({values.iloc[0]!r}); pass --thousands ',' (and --decimal) to "
                             "read them")
        if as_num.notna().mean() > 0.9:
            bad = values[as_num.isna()].iloc[0]
            raise read_error(name, f"column {col!r} is numbers except {bad!r}; fix or blank "
                             "that value")
        text[col] = s
        refused.append(col)
    if converted:
        frame = frame.assign(**converted)
    if refused:
        if not opts.skip_text:
            raise read_error(name, "has text columns that are not dates or numbers: "
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
        texty = [c for c, kind in zip(cols, frame.dtypes, strict=False)
                 if not pd.api.types.is_numeric_dtype(kind)
                 or c.lower() in ("id", "ticker", "permno", "asset", "symbol", "isin")]
        nums = [c for c in cols if c not in texty]
        if len(texty) == 1 and len(nums) == 1 and frame.index.has_duplicates:
            id_col, value_col = texty[0], nums[0]
    if id_col is None:
        if opts.layout == "long":
            raise read_error(name, "is not a long table (date, id, value): pass --id-column and "
                             "--value-column")
        return frame
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise read_error(name, "is a long table without a date column; pass --date-column")
    check_names([id_col], list(frame.columns), source=Path(name).name, flag="--id-column")
    if value_col is None:
        rest = [c for c in frame.columns if c != id_col]
        if len(rest) != 1:
            raise read_error(name, "has several value columns (" + ", ".join(map(repr, rest[:6]))
                             + "); pass --value-column")
        value_col = rest[0]
    check_names([value_col], list(frame.columns), source=Path(name).name,
                flag="--value-column")
    extra = [c for c in frame.columns if c not in (id_col, value_col)]
    if extra:
        notes.append("left out columns " + ", ".join(map(repr, extra[:6])))
    wide = tidy_to_wide(frame, id_col, value_col, name)
    notes.append(f"long table: {wide.shape[1]} ids from {id_col!r}, values from "
                 f"{value_col!r}")
    return wide


def _resampled(raw: pd.DataFrame, opts: ReadOptions, notes: list[str],
               name: str) -> pd.DataFrame:
    """The output of ``resample`` as returns: without ``period``, ``rows`` and
    ``partial`` (the core's rule, :func:`betaxl.data.table.resampled_rows`), its partial
    periods named in a note or left out with ``--drop-partial``."""
    names = [str(c).strip() for c in raw.columns]
    try:
        flags = resampled_rows(names, raw.iloc[:, names.index("partial")].tolist()
                               if "partial" in names else [])
    except ValueError as exc:
        raise read_error(name, str(exc)) from None
    if flags is None:
        if opts.drop_partial:
            raise read_error(name, "has no 'partial' column for --drop-partial (it leaves "
                             "out the partial periods of a resample output)")
        return raw
    periods = raw.iloc[:, names.index("period")].astype(str).to_numpy()[flags]
    out = raw.drop(columns=[c for c, n in zip(raw.columns, names, strict=True)
                            if n in RESAMPLED])
    if len(periods):
        notes.append(partial_note(list(periods), opts.drop_partial, "--drop-partial"))
    if not opts.drop_partial:
        return out
    kept = out[~flags]  # dates stored as the index (a Parquet file's) stay the dates
    return kept.reset_index(drop=True) if isinstance(out.index, pd.RangeIndex) else kept


def _in_order(frame: pd.DataFrame, given: list[Any] | None, opts: ReadOptions,
              notes: list[str], name: str) -> pd.DataFrame:
    """The order rule of every door (:func:`betaxl.data.dates.order_problem`): dates
    oldest first, else refused; sorted only on request (``--sort-dates``), with a note."""
    index = frame.index
    if len(given or ()) != len(index):
        given = list(index)
    assert given is not None
    text = order_problem(index.asi8, given, index, SORT_HOW)
    if text is None:
        return frame
    if not opts.sort_dates:
        raise read_error(name, text)
    hole = sorted_hole(pd.DatetimeIndex(index))
    if hole is not None:
        raise read_error(name, hole)
    notes.append("dates sorted oldest first (--sort-dates): the file " + text.split(":")[0])
    return frame.sort_index()


def read_table(path_text: str, opts: ReadOptions | None = None) -> Table:
    """Read ``path_text`` (a file, a Parquet folder or a glob) as one wide table."""
    opts = opts or ReadOptions()
    name = Path(path_text).name
    try:
        raw = read_raw(path_text, opts)
    except ReadError as exc:
        if exc.sheets is not None and opts.sheet is not None:  # in the names' one wording
            check_names([opts.sheet], exc.sheets, source=name, flag="--sheet",
                        among="its sheets", noun="sheet")
        raise
    if raw.size > opts.limits.max_cells:
        raise read_error(name, f"holds {raw.size:,} cells; the limit is {opts.limits.max_cells:,}")
    notes: list[str] = list(raw.attrs.pop("notes", []))
    raw = _resampled(raw, opts, notes, name)
    frame = find_dates(raw, opts, notes, name)
    gone = [c for c in raw.columns if c not in frame.columns]
    months = isinstance(frame.index, pd.DatetimeIndex) and len(gone) == 1 \
        and written_as_months(raw[gone[0]].dropna().tolist())
    frame = _layout(frame, opts, notes, name)
    frame, text = _clean_columns(frame, opts, notes, name)
    if isinstance(frame.index, pd.DatetimeIndex):
        if frame.index.has_duplicates:
            raise read_error(name, "has the date "
                             f"{frame.index[frame.index.duplicated()][0]:%Y-%m-%d} twice")
        frame = _in_order(frame, raw[gone[0]].tolist() if len(gone) == 1 else None,
                          opts, notes, name)
    if frame.shape[1] == 0:
        raise read_error(name, "has no numeric columns")
    return Table(frame, name, notes, text, months=months)
