"""Tables of numbers read once: :class:`Panel` (values, names, rows) and its readers.

A 1-D input is one asset; columns are named after the caller's labels or made up;
labelled rows are checked (:func:`~betaxl.data.dates.check_rows`) before any value is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..errors import count, problem
from .dates import check_rows, labelled
from .table import NAME_TWICE, repeated_name
from .values import ArrayLike, holds_bool, no_total_loss, read_floats, real_dtype, to_float

__all__ = ["FieldTable", "Panel", "as_array", "as_panel", "as_returns", "index_of"]

# The dtype pandas gives an Index of text (str, or object before pandas 3): given up
# front, the names are not looked over again to infer it.
_TEXT = pd.Index(["name"]).dtype


@dataclass(frozen=True, eq=False)
class Panel:
    """A float table (rows = periods, oldest first; columns = assets) and its labels."""

    values: np.ndarray  # (n, k) float64, read-only (may be a view of the caller's data)
    names: tuple[str, ...]
    index: pd.Index | None
    named: bool = False  #: the column names are the caller's labels, not made up
    #: the values' least and largest when none is missing (read once, by :func:`as_panel`)
    bounds: tuple[float, float] | None = None

    @cached_property
    def columns(self) -> pd.Index:
        """The asset names as a pandas Index, built once (per panel: never shared between
        results, whose labels a caller may write into)."""
        return pd.Index(self.names, dtype=_TEXT if self.names else None)

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


def as_panel(data: ArrayLike, *, arg: str, min_rows: int = 0) -> Panel:
    """Read a table of numbers: DataFrame, Series, 1-D or 2-D array or nested lists.

    A 1-D input is one asset.  Columns are named after the DataFrame's columns, the
    Series' name, or ``<arg>_1, <arg>_2, ...`` for arrays.  Labelled rows (any index but
    a RangeIndex) must be unique and, when they are dates or numbers, oldest first.
    """
    if data is None:
        raise problem("", arg, "is missing")
    if isinstance(data, Mapping):  # {"A": [...], "B": [...]}: columns by name
        try:
            data = pd.DataFrame(dict(data))
        except (TypeError, ValueError):
            raise problem("", arg, "is a dict that is not a table: give one list of "
                          "numbers per asset, all of the same length") from None
    if isinstance(data, (list, tuple)) and any(isinstance(v, (pd.Series, pd.DataFrame))
                                               for v in data):
        raise problem("", arg, "is a list of pandas objects; combine them first with "
                      "pd.concat(list, axis=1), which matches their rows by label")
    index: pd.Index | None = None
    named = False
    if isinstance(data, pd.DataFrame):
        names = tuple(str(c) for c in data.columns)
        named = labelled(data.columns)
        index = data.index
        raw = data.to_numpy(dtype=object) if not all(real_dtype(t) for t in data.dtypes) \
            else data.to_numpy(dtype=np.float64, na_value=np.nan)
    elif isinstance(data, pd.Series):
        names = (str(data.name) if data.name is not None else arg,)
        named = data.name is not None
        index = data.index
        raw = (data.to_numpy(dtype=np.float64, na_value=np.nan) if real_dtype(data.dtype)
               else data.to_numpy(dtype=object)).reshape(-1, 1)
    else:
        try:
            raw = np.asarray(data)
            if raw.dtype.kind in "USV":
                raw = np.asarray(data, dtype=object)
            elif raw.dtype.kind in "iuf" and isinstance(data, (list, tuple)) \
                    and holds_bool(data):
                raw = np.asarray(data, dtype=object)  # True must not be read as 1.0
        except (ValueError, OverflowError):
            try:
                raw = np.asarray(data, dtype=object)
            except ValueError:
                raw = np.empty(0, dtype=object)
            if raw.dtype != object or any(
                isinstance(r, (list, tuple, np.ndarray)) for r in raw.reshape(-1)
            ):
                raise problem("", arg, "is ragged: its rows have different lengths") \
                    from None
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
    twice = repeated_name(names) if named else None
    if twice is not None:
        raise problem("", arg, NAME_TWICE, name=twice)
    check_rows(index, arg=arg)
    values, bounds = read_floats(np.asarray(raw), arg, names if named else None)
    if values.ndim == 1:
        values = values.reshape(-1, 1)
    if values.shape[1] == 0:
        raise problem("", arg, "has no columns")
    if values.shape[0] < min_rows:
        raise problem("", arg, "has {n}; at least {m} are needed",
                      n=count(values.shape[0], "row"), m=min_rows)
    return Panel(values, names, index, named, bounds)


def as_array(data: ArrayLike, *, arg: str) -> np.ndarray:
    """Any shape of numbers as a float array of the same shape, validated like a panel."""
    if isinstance(data, (pd.DataFrame, pd.Series)):
        panel = as_panel(data, arg=arg)
        return panel.values.reshape(data.shape)
    if data is None:
        raise problem("", arg, "is missing")
    try:
        raw = np.asarray(data, dtype=object) if isinstance(data, (list, tuple)) and \
            holds_bool(data) else np.asarray(data)
        if raw.dtype.kind not in "iuf":
            raw = np.asarray(data, dtype=object)
    except (ValueError, OverflowError):
        raise problem("", arg, "is ragged: its rows have different lengths") from None
    if raw.dtype == object and any(isinstance(v, (list, tuple, np.ndarray, Mapping))
                                   for v in raw.reshape(-1)):
        raise problem("", arg, "is ragged: its rows have different lengths")
    return to_float(raw, arg)


def as_returns(data: ArrayLike, *, arg: str = "returns", min_rows: int = 0) -> Panel:
    """Read a table of simple returns (:func:`as_panel`), refusing returns below -100%."""
    panel = as_panel(data, arg=arg, min_rows=min_rows)
    no_total_loss(panel.values, arg)
    return panel


def index_of(data: ArrayLike) -> pd.Index | None:
    """The pandas index of ``data``, if it has one."""
    return data.index if isinstance(data, (pd.DataFrame, pd.Series)) else None
