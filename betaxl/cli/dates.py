"""Finding and reading the date column: by name and type, numeric dates never guessed.

The command line's date rules in one place: which column names say "dates"
(:data:`DATE_NAME`), which values are unmistakably dates (date types, text, ``yyyymmdd``
numbers and Excel serials in a date-named column), and numeric dates such as
``01/02/2020`` that read day first and month first, refused unless ``--date-order``
settles them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .sources import ReadError, ReadOptions, read_error

__all__ = ["DATE_NAME", "as_dates", "find_dates"]

DATE_NAME = re.compile(r"^(date|dates|datetime|time|timestamp|period|month|day|as_?of|"
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


def find_dates(frame: pd.DataFrame, opts: ReadOptions, notes: list[str],
               name: str) -> pd.DataFrame:
    """The frame indexed by its date column: ``--date-column``, else the one column that
    is dates (by type, or by name for numbers); unchanged when there is none."""
    if opts.date_column is not None:
        if opts.date_column not in frame.columns:
            raise read_error(name, f"has no column {opts.date_column!r} for --date-column")
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
        named = bool(DATE_NAME.match(str(col).strip())) or str(col).lower().endswith("date")
        if not named and pd.api.types.is_numeric_dtype(kind):
            continue
        try:
            dates = as_dates(frame.iloc[:, j], named, order=opts.date_order)
        except ReadError as exc:
            raise read_error(name, str(exc)) from None
        if dates is not None:
            found.append((col, dates))
    if len(found) > 1:
        named_ones = [f for f in found if DATE_NAME.match(str(f[0]).strip())]
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
