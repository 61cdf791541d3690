"""Validation at the edge: turn what a caller passes into clean float arrays, once.

Every public core function calls these helpers first and works on plain numpy arrays
afterwards.  Missing values (None, NaN) become NaN and are never filled with zeros; text,
booleans and infinities are refused with a message naming the argument and the cell.
Inputs are copied, never modified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .errors import Arg, problem

__all__ = ["Panel", "as_column", "as_panel", "as_weights", "choice", "same_index"]

#: Anything the core accepts as a table of numbers.
ArrayLike = Any
#: The largest magnitude accepted: squares and cross products must fit in a double.
MAX_MAGNITUDE = 1e100


@dataclass(frozen=True, eq=False)
class Panel:
    """A float table (rows = periods, oldest first; columns = assets) and its labels."""

    values: np.ndarray  # (n, k) float64, read-only (may be a view of the caller's data)
    names: tuple[str, ...]
    index: pd.Index | None

    @cached_property
    def columns(self) -> pd.Index:
        """The asset names as a pandas Index, built once."""
        return pd.Index(self.names)

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    @property
    def k(self) -> int:
        return int(self.values.shape[1])

    def frame(self, values: np.ndarray, index: pd.Index | None = None) -> pd.DataFrame:
        """Wrap an (n, k) result in a DataFrame with these column names."""
        return pd.DataFrame(values, index=self.index if index is None else index,
                            columns=self.columns, copy=False)

    def series(self, values: np.ndarray, name: str) -> pd.Series:
        """Wrap one value per asset in a Series indexed by asset name."""
        return pd.Series(values, index=self.columns, name=name, copy=False)


class FieldTable:
    """Mixin for frozen result dataclasses whose fields are Series indexed by asset."""

    def to_frame(self) -> pd.DataFrame:
        """One row per field, one column per asset."""
        from dataclasses import fields

        return pd.DataFrame({f.name: getattr(self, f.name)
                             for f in fields(self)}).T  # type: ignore[arg-type]


def _to_float(raw: np.ndarray, arg: str) -> np.ndarray:
    """Convert to float64, refusing text, booleans and infinities with the cell's place."""
    if raw.dtype == bool:
        raise problem("", arg, "holds TRUE/FALSE values where numbers were expected")
    if raw.dtype == np.float64:
        # A read-only view: no copy, and any attempt to write into it fails loudly,
        # so the caller's data cannot be modified.
        out = raw.view()
        out.flags.writeable = False
    elif raw.dtype.kind in "iuf":
        out = raw.astype(np.float64)
    else:
        out = np.empty(raw.shape, dtype=np.float64)
        flat_in, flat_out = raw.reshape(-1), out.reshape(-1)
        for pos, cell in enumerate(flat_in):
            if cell is None or (isinstance(cell, float) and np.isnan(cell)):
                flat_out[pos] = np.nan
            elif isinstance(cell, (bool, np.bool_)) or not isinstance(
                cell, (int, float, np.integer, np.floating)
            ):
                row, col = np.unravel_index(pos, raw.shape) if raw.ndim == 2 else (pos, 0)
                shown = cell.item() if isinstance(cell, np.generic) else cell
                raise problem(
                    "", arg, "has a non-numeric value {value!r} at row {row}, column {col}",
                    value=shown if isinstance(shown, str) else str(shown)[:40],
                    row=int(row) + 1, col=int(col) + 1,
                )
            else:
                flat_out[pos] = float(cell)
    magnitude = np.abs(out)
    if (magnitude > MAX_MAGNITUDE).any():  # NaN compares False: missing values pass
        row = int(np.argwhere(magnitude > MAX_MAGNITUDE)[0][0]) + 1
        what = "an infinite value" if np.isinf(out).any() else "a value beyond 1e100"
        raise problem("", arg, "has {what} at row {row}; betaxl accepts numbers up to "
                      "1e100 in size (their squares must fit a double)", what=what, row=row)
    return out


def as_panel(data: ArrayLike, *, arg: str, min_rows: int = 0) -> Panel:
    """Read a table of numbers: DataFrame, Series, 1-D or 2-D array or nested lists.

    A 1-D input is one asset.  Columns are named after the DataFrame's columns, the
    Series' name, or ``<arg>_1, <arg>_2, ...`` for arrays.
    """
    if data is None:
        raise problem("", arg, "is missing")
    index: pd.Index | None = None
    if isinstance(data, pd.DataFrame):
        names = tuple(str(c) for c in data.columns)
        index = data.index
        raw = data.to_numpy(dtype=object) if any(
            not pd.api.types.is_numeric_dtype(t) or pd.api.types.is_bool_dtype(t)
            for t in data.dtypes
        ) else data.to_numpy(dtype=np.float64, na_value=np.nan)
    elif isinstance(data, pd.Series):
        names = (str(data.name) if data.name is not None else arg,)
        index = data.index
        raw = (data.to_numpy(dtype=np.float64, na_value=np.nan)
               if pd.api.types.is_numeric_dtype(data.dtype)
               and not pd.api.types.is_bool_dtype(data.dtype)
               else data.to_numpy(dtype=object)).reshape(-1, 1)
    else:
        try:
            raw = np.asarray(data)
            if raw.dtype.kind in "USV":
                raw = np.asarray(data, dtype=object)
        except ValueError:
            raise problem("", arg, "is ragged: its rows have different lengths") from None
        if raw.dtype.kind == "O" and raw.ndim == 1 and any(
            isinstance(r, (list, tuple, np.ndarray)) for r in raw
        ):
            raise problem("", arg, "is ragged: its rows have different lengths")
        if raw.ndim == 0:
            raw = raw.reshape(1, 1)
        if raw.ndim == 1:
            raw = raw.reshape(-1, 1)
        if raw.ndim != 2:
            raise problem("", arg, "must be a table (2-D), got {d} dimensions", d=raw.ndim)
        names = tuple(f"{arg}_{j + 1}" for j in range(raw.shape[1])) if raw.shape[1] > 1 \
            else (arg,)
    values = _to_float(np.asarray(raw), arg)
    if values.ndim == 1:
        values = values.reshape(-1, 1)
    if values.shape[1] == 0:
        raise problem("", arg, "has no columns")
    if values.shape[0] < min_rows:
        raise problem("", arg, "has {n} rows; at least {m} are needed",
                      n=values.shape[0], m=min_rows)
    return Panel(values, names, index)


def as_column(data: ArrayLike, *, arg: str, n: int, like: str = "returns",
              scalar_ok: bool = False) -> np.ndarray:
    """Read one series of length ``n`` (or a scalar, broadcast, when ``scalar_ok``)."""
    if scalar_ok and np.ndim(data) == 0 and not isinstance(data, (pd.Series, pd.DataFrame)):
        value = _to_float(np.asarray([data], dtype=object), arg)[0]
        return np.full(n, value)
    panel = as_panel(data, arg=arg)
    if panel.k != 1:
        raise problem("", arg, "must be one column, got {k} columns", k=panel.k)
    if panel.n != n:
        raise problem("", arg, "has {m} rows but {like} has {n}", m=panel.n, n=n,
                      like=Arg(like))
    return panel.values[:, 0]


def as_weights(data: ArrayLike, *, arg: str, k: int, like: str = "returns") -> np.ndarray:
    """Read one number per asset (a row, a column or a 1-D sequence of length ``k``)."""
    if isinstance(data, (pd.Series, pd.DataFrame)):
        values = as_panel(data, arg=arg).values
    else:
        values = _to_float(np.atleast_1d(np.asarray(data, dtype=object)), arg)
    flat = values.reshape(-1)
    if values.ndim == 2 and 1 not in values.shape:
        raise problem("", arg, "must be one row or one column, got {r} x {c}",
                      r=values.shape[0], c=values.shape[1])
    if flat.size != k:
        raise problem("", arg, "has {m} values but {like} has {k} columns",
                      m=flat.size, k=k, like=Arg(like))
    if np.isnan(flat).any():
        j = int(np.flatnonzero(np.isnan(flat))[0]) + 1
        raise problem("", arg, "is missing value number {j}", j=j)
    return flat.copy()


S = TypeVar("S", bound=str)


def choice(value: Any, options: Sequence[S], *, arg: str) -> S:
    """Check a mode string (case-insensitive, surrounding blanks ignored)."""
    if isinstance(value, str):
        key = value.strip().lower()
        for option in options:
            if key == option:
                return option
    raise problem("", arg, "must be one of {opts}, got {value!r}",
                  opts=", ".join(repr(o) for o in options), value=value)


def same_index(a: Panel, b: pd.Index | None, *, arg: str, like: str = "returns") -> None:
    """Two pandas inputs must share their index; betaxl never re-aligns silently."""
    if a.index is not None and b is not None and not a.index.equals(b):
        raise problem(
            "", arg, "has a different index from {like}; align them first "
            "(for example with DataFrame.join(..., how='inner'))", like=Arg(like),
        )


def index_of(data: ArrayLike) -> pd.Index | None:
    """The pandas index of ``data``, if it has one."""
    return data.index if isinstance(data, (pd.Series, pd.DataFrame)) else None
