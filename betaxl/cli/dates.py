"""Finding and reading the date column: by name and type, numeric dates never guessed.

The command line's date rules in one place: which column names say "dates"
(:data:`DATE_NAME`), which values are unmistakably dates (date types, text, month labels
and, in a date-named column, the numbers :func:`betaxl.data.table.number_dates` reads),
and numeric dates such as
``01/02/2020`` that read day first and month first, refused unless ``--date-order``
settles them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.table import DATE_NAME, code_dates, is_date_name, month_labels, number_dates
from .names import check_names
from .sources import ReadError, ReadOptions, read_error

__all__ = ["DATE_NAME", "as_dates", "find_dates"]


#: A first column without a header (Ken French's files, pandas' index) is looked at as
#: dates too: its numbers are dates only if they are codes or serials (number_dates).
_NO_HEADER = re.compile(r"^(Unnamed: 0|\s*)$")
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


def as_dates(col: pd.Series, named: bool,
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
        if not named or col.isna().any():
            return None
        found = number_dates(col.to_numpy())  # yyyymm, yyyymmdd, serials 1950-2099
        return None if found is None else pd.DatetimeIndex(found)
    text = values.astype(str)
    if not text.str.contains(r"\d").all():
        return None
    months = month_labels(list(col.astype(str))) if len(values) == len(col) else None
    if months is not None:  # Jan-18, 2018-01: months, as their month ends
        return months
    if text.str.match(_NUMERIC_DATE).all():
        return _day_month(col, text, order)
    try:
        parsed = pd.to_datetime(col, errors="coerce", format="mixed")
    except (ValueError, TypeError):
        return None
    if parsed.notna().sum() != len(values):
        return None
    return pd.DatetimeIndex(parsed)


def find_dates(frame: pd.DataFrame, opts: ReadOptions, notes: list[str],
               name: str) -> pd.DataFrame:
    """The frame indexed by its date column: ``--date-column``, else the one column that
    is dates (by type, or by name for numbers); unchanged when there is none."""
    if opts.date_column is not None:
        check_names([opts.date_column], list(frame.columns), source=Path(name).name,
                    flag="--date-column")
        try:
            dates = as_dates(frame[opts.date_column], named=True, order=opts.date_order)
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
            dates = as_dates(frame.iloc[:, j], named, order=opts.date_order)
        except ReadError as exc:
            raise read_error(name, str(exc)) from None
        if dates is not None:
            found.append((col, dates))
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
