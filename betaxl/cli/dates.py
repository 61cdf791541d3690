"""Finding and reading the date column: by name and type, numeric dates never guessed.

The command line's date rules in one place: which column names say "dates"
(:data:`DATE_NAME`), which values are unmistakably dates (date types, text, month labels
and, in a date-named column, the numbers :func:`betaxl.data.table.number_dates` reads),
and numeric dates such as
``01/02/2020`` that read day first and month first, refused unless ``--date-format``
(or ``--date-order``) settles them.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.dates import order_problem
from ..data.labels import first_bad_code
from ..data.periods import FREQUENCIES, GAP_TIMES
from ..data.table import (
    CODE_TEXT,
    DATE_NAME,
    NUMERIC_DATE,
    check_format,
    code_dates,
    day_month,
    in_format,
    is_date_name,
    month_labels,
    number_dates,
)
from .names import check_names
from .sources import ReadError, ReadOptions, read_error

__all__ = ["CLI_FORMAT", "DATE_NAME", "SORT_HOW", "as_dates", "cli_format", "corner_column",
           "files_in_order", "find_dates", "not_dates"]

#: How to be explicit about the order of dates on the command line (both engines).
SORT_HOW = "sort the rows oldest first, or pass --sort-dates to have betaxl sort them"


def sorted_hole(dates: pd.DatetimeIndex) -> str | None:
    """Why ``--sort-dates`` must not sort these dates, or None: sorted, they would jump
    further than the hole rule allows (:data:`betaxl.data.periods.GAP_TIMES` times the
    widest gap of their median's class), as two-digit years read across the 1930-2029
    window do (``Jul-26 .. Jun-31``: 1930-1931, then 2026-2029)."""
    ordered = dates.sort_values()
    if len(ordered) < 3:
        return None
    days = np.asarray((ordered[1:] - ordered[:-1]).total_seconds()) / 86_400.0  # any unit
    median = float(np.median(days))
    widest = next((hi for _, _, lo, hi in FREQUENCIES if lo - 0.5 <= median <= hi + 0.5),
                  None)
    at = int(np.argmax(days))
    if widest is None or days[at] <= GAP_TIMES * widest:
        return None
    return (f"--sort-dates would put a hole in the dates: sorted, they jump {days[at]:g} "
            f"days from {ordered[at]:%Y-%m-%d} to {ordered[at + 1]:%Y-%m-%d} (two-digit "
            "years read across the 1930-2029 window?); write four-digit years, or sort "
            "the rows yourself")


#: A first column without a header (Ken French's files, pandas' index) is looked at as
#: dates too: its numbers are dates only if they are codes or serials (number_dates).
_NO_HEADER = re.compile(r"^(Unnamed: 0|\s*)$")
#: How the command line spells the explicit date format, in its refusals.
CLI_FORMAT = "--date-format '{}'"


def cli_format(args: argparse.Namespace) -> str | None:
    """``--date-format``, checked by the core's rule (a strftime format), or None."""
    try:
        return check_format(getattr(args, "date_format", None), CLI_FORMAT)
    except ValueError as exc:
        raise ReadError(str(exc)) from None


def as_dates(col: pd.Series, named: bool, order: str | None = None,
             fmt: str | None = None) -> pd.DatetimeIndex | None:
    """The column as dates if it is unmistakably dates, else None; ``order`` ("dmy" or
    "mdy") settles numeric dates that read both ways (else they are refused), ``fmt``
    (``--date-format``) is the format every date text follows (the core's rules,
    :mod:`betaxl.data.table`)."""
    values = col.dropna()
    if values.empty:
        return None
    if pd.api.types.is_datetime64_any_dtype(col):
        out = pd.DatetimeIndex(col)
        return out.tz_localize(None) if out.tz is not None else out
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        if not named or col.isna().any():
            return None
        found = number_dates(col.to_numpy())  # yyyymm, yyyymmdd, serials 1950-2099
        return None if found is None else pd.DatetimeIndex(found)
    text = values.astype(str)
    if not text.str.contains(r"\d").all():
        return None
    if fmt is not None:
        try:
            found = in_format(list(col), fmt)
        except ValueError as exc:
            raise ReadError(f"column {col.name!r} {exc}") from None
        if found is None and named:
            raise ReadError(f"column {col.name!r} holds {values.iloc[0]!r} (row 1), which "
                            f"does not read as the date format {fmt!r}")
        return found
    months = month_labels(list(col.astype(str))) if len(values) == len(col) else None
    if months is not None:  # Jan-18, 2018-01: months, as their month ends
        return months
    if named and len(values) == len(col) and text.str.match(CODE_TEXT).all():
        codes = code_dates([int(t) for t in text])  # yyyymm codes stored as text
        if codes is not None:
            return pd.DatetimeIndex(codes)
    if text.str.match(NUMERIC_DATE).all():
        try:
            found = day_month(list(text), CLI_FORMAT, order)
        except ValueError as exc:
            raise ReadError(f"column {col.name!r} {exc}") from None
        if found is None or len(found) == len(col):
            return found
        out = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns]")
        out[values.index] = found  # a blank date stays missing: refused by its line
        return pd.DatetimeIndex(out)
    try:
        parsed = pd.to_datetime(col, errors="coerce", format="mixed")
    except (ValueError, TypeError):
        return None
    if parsed.notna().sum() != len(values):
        return None
    return pd.DatetimeIndex(parsed)


def _number(value: float) -> str:
    """A number as written: a whole one as an integer (20150230, not 2.01502e+07)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def not_dates(column: pd.Series, col: str) -> str:
    """Why a column headed as dates (or named by ``--date-column``) is refused, in both
    engines' words: a code that is not one (its row), a year, or no dates."""
    if not pd.api.types.is_numeric_dtype(column.dtype):
        return f"column {col!r} does not hold dates"
    first = column.dropna()  # a Year of 1990, 1991...: as in Excel
    bad = first_bad_code(first.to_numpy())
    if bad is not None:  # a column of codes with one that is not a date
        return (f"column {col!r} holds {bad[1]} (row {bad[0]}), which is not a valid "
                f"{bad[2]} code; give ISO dates (1990-12-31), yyyymm codes or yyyymmdd "
                "codes, or pass --date-column for another column")
    if not len(first):
        return f"column {col!r} is headed as dates but is blank; pass --date-column for " \
               "another column"
    return (f"column {col!r} is headed as dates but holds {_number(first.iloc[0])} (not a "
            "date: years and month numbers are not dates); give ISO dates (1990-12-31), "
            "yyyymm codes or yyyymmdd codes, or pass --date-column for another column")


def find_dates(frame: pd.DataFrame, opts: ReadOptions, notes: list[str],
               name: str) -> pd.DataFrame:
    """The frame indexed by its date column: ``--date-column``, else the one column that
    is dates (by type, or by name for numbers); unchanged when there is none."""
    if opts.date_column is not None:
        check_names([opts.date_column], list(frame.columns), source=Path(name).name,
                    flag="--date-column")
        try:
            dates = as_dates(frame[opts.date_column], named=True, order=opts.date_order,
                             fmt=opts.date_format)
        except ReadError as exc:
            raise read_error(name, str(exc)) from None
        if dates is None:
            raise read_error(name, f"column {opts.date_column!r} does not hold dates")
        return _set_dates(frame, str(opts.date_column), dates, name)
    found = []
    # dtypes in one pass: looking a column up by name in a wide frame costs more per
    # column the wider it is, so a loop of frame[col] grows faster than linearly
    for j, (col, kind) in enumerate(zip(frame.columns, frame.dtypes, strict=False)):
        named = is_date_name(str(col)) or str(col).lower().endswith("date")
        if not named and j == 0 and _NO_HEADER.match(str(col)) \
                and pd.api.types.is_numeric_dtype(kind):  # Ken French's blank corner
            codes = code_dates(frame.iloc[:, 0].to_numpy()) \
                if not frame.iloc[:, 0].isna().any() else None
            if codes is not None:
                found.append((col, codes))
            continue
        if not named and pd.api.types.is_numeric_dtype(kind):
            continue
        try:
            dates = as_dates(frame.iloc[:, j], named, order=opts.date_order,
                             fmt=opts.date_format)
        except ReadError as exc:
            raise read_error(name, str(exc)) from None
        if dates is not None:
            found.append((col, dates))
        elif is_date_name(str(col)) and pd.api.types.is_numeric_dtype(kind):
            raise read_error(name, not_dates(frame.iloc[:, j], str(col)))
    if len(found) > 1:
        named_ones = [f for f in found if is_date_name(str(f[0]))]
        if len(named_ones) == 1:
            found = named_ones
        else:
            raise read_error(name, "has several date columns ("
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
        raise read_error(name, f"column {col!r} has a missing or unreadable date on line {row}")
    out = frame.drop(columns=[col])
    out.index = pd.DatetimeIndex(dates, name="date")
    return out


def corner_column(files: list[str], names: list[str]) -> str | None:
    """The date column of a Parquet dataset with none by type or name, as the memory
    engine finds it: a first column with no header (``Unnamed: 0``, blank, or pandas'
    unnamed index ``__index_level_0__``) of yyyymm or yyyymmdd codes (Ken French's
    corner, :func:`betaxl.data.table.code_dates`); None otherwise."""
    import pyarrow.dataset as ds

    stored = [n for n in names if n.startswith("__index_level_")]
    corner = stored[0] if stored else (names[0] if names else None)
    if corner is None or not (stored or _NO_HEADER.match(corner)):
        return None
    column = ds.dataset(files, format="parquet").to_table(columns=[corner]).column(0)
    try:
        values = column.to_numpy()
    except Exception:  # text or nested: not codes
        return None
    numeric = values.dtype.kind in "iuf"
    return corner if numeric and code_dates(values) is not None else None


def files_in_order(args: argparse.Namespace, files: list[str], date: str) -> None:
    """The order rule of every door (:func:`betaxl.data.dates.order_problem`) for
    ``--engine dask``, file by file: a dataset's files are a set, their rows lined up
    by date (:meth:`betaxl.cli.cluster.Dataset.read`)."""
    import pyarrow.parquet as pq

    for path in files:
        given = pq.read_table(path, columns=[date]).to_pandas(ignore_metadata=True)[date]
        found = as_dates(given, named=True, order=args.date_order, fmt=cli_format(args))
        if found is None:
            continue
        dates = pd.DatetimeIndex(found)
        text = order_problem(dates.asi8, given.to_numpy(), dates, SORT_HOW)
        if text is not None and not (getattr(args, "sort_dates", False) and dates.is_unique):
            raise ReadError(f"{Path(path).name}: {text}")
        hole = sorted_hole(dates) if text is not None else None
        if hole is not None:
            raise ReadError(f"{Path(path).name}: {hole}")
        if text is not None:
            print(f"note: dates sorted oldest first (--sort-dates): {Path(path).name} "
                  + text.split(":")[0], file=sys.stderr)
