"""Shaping results into cells: lists of rows with ``None`` for "no value".

NaN would show as #NUM! in Office.js, so missing and non-finite values go back as None.
A table is shaped with numpy, a block of columns at a time, into :class:`Cells`, a list
of rows, so that a spill of a million cells costs what building its lists costs.  Called
by an xlwings dispatcher (inside :func:`for_sheet`), the blanks are written as the empty
text both runtimes write for an empty cell, and the dispatcher takes the rows as they
are (:mod:`.registry`) instead of looking at each cell again.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Cells", "cells", "column", "for_sheet"]

_BLANK: contextvars.ContextVar[Any] = contextvars.ContextVar("blank", default=None)


@contextlib.contextmanager
def for_sheet() -> Iterator[None]:
    """Shape results for a sheet while inside: blanks as ``""``, not ``None``."""
    token = _BLANK.set("")
    try:
        yield
    finally:
        _BLANK.reset(token)


class Cells(list):  # type: ignore[type-arg]
    """Rows of result cells: a ``list`` of lists.

    ``plain``: every cell is a Python ``float``, ``int``, ``bool``, ``str`` or ``None``.
    ``ready``: shaped inside :func:`for_sheet` and not changed since, so a sheet can take
    the rows as they are; any change to the list itself clears it.
    """

    plain: bool = True
    ready: bool = False

    def _changed(self) -> None:
        self.ready = False

    def append(self, item: Any) -> None:
        self._changed()
        super().append(item)

    def extend(self, items: Any) -> None:
        self._changed()
        super().extend(items)

    def insert(self, index: Any, item: Any) -> None:
        self._changed()
        super().insert(index, item)

    def __setitem__(self, index: Any, item: Any) -> None:
        self._changed()
        super().__setitem__(index, item)

    def __iadd__(self, items: Any) -> Any:  # type: ignore[misc]
        self._changed()
        return super().__iadd__(items)


def _out(value: Any) -> Any:
    """One result cell: plain Python numbers, None for missing or non-finite values."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if value is None or (isinstance(value, pd.Timestamp) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _number_rows(values: np.ndarray, blank: Any) -> list[list[Any]]:
    """A 2-d float array as rows of Python floats, ``blank`` where not finite."""
    rows: list[list[Any]] = values.tolist()
    bad = ~np.isfinite(values)
    if not bad.any():
        return rows
    whole = bad.all(axis=1)
    width = values.shape[1]
    for i in np.flatnonzero(whole).tolist():
        rows[i] = [blank] * width
    ii, jj = np.nonzero(bad & ~whole[:, None])
    for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
        rows[i][j] = blank
    return rows


def _rows(frame: pd.DataFrame, blank: Any) -> tuple[list[list[Any]], bool]:
    """The frame's cells as rows, and whether they are all plain."""
    if {dtype.kind for dtype in frame.dtypes} <= {"f"}:
        return _number_rows(frame.to_numpy(dtype=float), blank), True
    out = np.empty(frame.shape, dtype=object)
    plain = True
    for j in range(frame.shape[1]):
        col = frame.iloc[:, j]
        if col.dtype.kind == "f":
            values = col.to_numpy(dtype=float)
            out[:, j] = values.astype(object)
            out[~np.isfinite(values), j] = blank
        elif col.dtype.kind in "iub":  # Python ints and bools
            out[:, j] = col.to_numpy().astype(object)
        else:
            out[:, j] = [blank if v is None else v
                         for v in (_out(v) for v in col.to_numpy(dtype=object))]
            plain = plain and all(isinstance(v, (str, float, int)) or v is None
                                  for v in out[:, j])
    return out.tolist(), plain


def cells(frame: pd.DataFrame, *, corner: str | None = None, header: bool = True
          ) -> Cells:
    """A DataFrame as rows of cells: optional header row, optional label column."""
    blank = _BLANK.get()
    rows, plain = _rows(frame, blank)
    out = Cells()
    if corner is not None:
        if header:
            out.append([corner, *[str(c) for c in frame.columns]])
        out.extend([str(label), *row]
                   for label, row in zip(frame.index, rows, strict=True))
    else:
        if header:
            out.append([str(c) for c in frame.columns])
        out.extend(rows)
    out.plain, out.ready = plain, blank is not None
    return out


def column(values: Sequence[float] | np.ndarray, *, name: str | None = None) -> Cells:
    """A series as one column of cells, with a header cell when ``name`` is given."""
    blank = _BLANK.get()
    out = Cells([[name]] if name is not None else [])
    out.extend(_number_rows(np.asarray(values, dtype=float).reshape(-1, 1), blank))
    out.ready = blank is not None
    return out
