"""Shaping results into cells: lists of rows with ``None`` for "no value".

NaN would show as #NUM! in Office.js, so missing and non-finite values go back as None.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["cells", "column"]


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


def cells(frame: pd.DataFrame, *, corner: str | None = None, header: bool = True
          ) -> list[list[Any]]:
    """A DataFrame as rows of cells: optional header row, optional label column."""
    values = frame.to_numpy(dtype=object)
    out: list[list[Any]] = []
    if corner is not None:
        if header:
            out.append([corner, *[str(c) for c in frame.columns]])
        out.extend([str(label), *[_out(v) for v in row]]
                   for label, row in zip(frame.index, values, strict=False))
        return out
    if header:
        out.append([str(c) for c in frame.columns])
    out.extend([_out(v) for v in row] for row in values)
    return out


def column(values: Sequence[float] | np.ndarray, *, name: str | None = None
           ) -> list[list[Any]]:
    """A series as one column of cells, with a header cell when ``name`` is given."""
    out: list[list[Any]] = [[name]] if name is not None else []
    out.extend([_out(v)] for v in values)
    return out
