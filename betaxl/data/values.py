"""Numbers at the edge: cells as floats, refusing text, booleans and magnitudes beyond 1e100.

Missing values (None, NaN, pd.NA) become NaN and are never filled with zeros; text,
booleans and infinities are refused with a message naming the argument and the cell;
exact numbers (Decimal, Fraction, ints of any size) are rounded once.  Inputs are copied
or viewed read-only, never modified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from ..errors import problem
from .dates import text_dates

__all__ = ["MAX_MAGNITUDE", "ArrayLike", "holds_bool", "no_total_loss", "read_floats",
           "real_dtype", "to_float"]


#: Anything the core accepts as a table of numbers.
ArrayLike = Any
#: The largest magnitude accepted: squares and cross products must fit in a double.
MAX_MAGNITUDE = 1e100


_LARGEST = float(np.finfo(np.float64).max)


def _cell_float(cell: Any) -> float | None:
    """One Python value as a float: None for a refusal, NaN for a missing value.

    Exact types (int of any size, Decimal, Fraction) are converted with correct rounding;
    one too large for a double becomes the largest double, which the magnitude check
    refuses as beyond 1e100.
    """
    if cell is None or cell is pd.NA or (isinstance(cell, float) and cell != cell):
        return np.nan
    if isinstance(cell, (bool, np.bool_)):
        return None
    if isinstance(cell, (int, float, np.integer, np.floating, Decimal, Fraction)):
        try:
            return float(cell)
        except OverflowError:  # an int (or Fraction) beyond a double: refused as > 1e100
            return _LARGEST if cell > 0 else -_LARGEST
        except (ValueError, ArithmeticError):  # Decimal('sNaN')
            return None
    return None


def to_float(raw: np.ndarray, arg: str, names: Sequence[str] | None = None) -> np.ndarray:
    """Convert to float64, refusing text, booleans and infinities with the cell's place."""
    return read_floats(raw, arg, names)[0]


def read_floats(raw: np.ndarray, arg: str, names: Sequence[str] | None = None
                ) -> tuple[np.ndarray, tuple[float, float] | None]:
    """:func:`to_float`, and the values' least and largest when none is missing (else
    None): found by its own check, they spare later checks a pass over the data."""
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
            value = _cell_float(cell)
            if value is None:
                row, col = np.unravel_index(pos, raw.shape) if raw.ndim == 2 else (pos, 0)
                shown = cell.item() if isinstance(cell, np.generic) else cell
                where = (f"column {names[int(col)]!r}" if names is not None
                         and int(col) < len(names) else f"column {int(col) + 1}")
                if isinstance(shown, bool):
                    raise problem("", arg, "has TRUE/FALSE at row {row}, {where} where a "
                                  "number was expected", row=int(row) + 1, where=where)
                hint = ("; dates belong in the index (DataFrame.set_index, or read_csv "
                        "with index_col=0, parse_dates=True)"
                        if isinstance(shown, (dt.date, np.datetime64)) or (
                            isinstance(shown, str)
                            and text_dates(pd.Index([shown])) is not None) else "")
                raise problem(
                    "", arg, "has a non-numeric value {value!r} at row {row}, {where}" + hint,
                    value=shown if isinstance(shown, str) else str(shown)[:40],
                    row=int(row) + 1, where=where,
                )
            flat_out[pos] = value
    if out.size:  # two passes without temporaries; a NaN fails both and is looked at
        low = out.min()
        if -MAX_MAGNITUDE <= low:
            high = out.max()
            if high <= MAX_MAGNITUDE:
                return out, (low, high)
    magnitude = np.abs(out)
    if (magnitude > MAX_MAGNITUDE).any():  # NaN compares False: missing values pass
        pos = int(np.flatnonzero(magnitude.reshape(-1) > MAX_MAGNITUDE)[0])
        row = pos // (out.shape[1] if out.ndim == 2 and out.shape[1] else 1) + 1
        what = "an infinite value" if np.isinf(out).any() else "a value beyond 1e100"
        raise problem("", arg, "has {what} at row {row}; betaxl accepts numbers up to "
                      "1e100 in size (their squares must fit a double)", what=what, row=row)
    return out, None


def real_dtype(dtype: Any) -> bool:
    """A pandas/numpy dtype of real numbers (not booleans, not complex), read as floats."""
    return bool(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
                and not pd.api.types.is_complex_dtype(dtype))


def holds_bool(data: Any) -> bool:
    """True if a (nested) list or tuple holds a bool, which numpy would read as 1 or 0."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (bool, np.bool_)):
            return True
        if isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def no_total_loss(values: np.ndarray, arg: str,
                  names: Sequence[str] | None = None, *, low: float | None = None) -> None:
    """Refuse simple returns below -100% (a loss larger than the whole investment); the
    column is named by ``names`` when given, else by its number.  ``low``: the values'
    least, when already known (:func:`read_floats`)."""
    if values.size == 0 or (values.min() if low is None else low) >= -1.0:  # NaN: look
        return
    below = values < -1.0  # NaN compares False
    if below.any():
        row, col = np.argwhere(below.reshape(values.shape[0], -1))[0]
        raise problem("", arg, "has a return below -100% at row {r}, column {c} ({v!r}); "
                      "are these log returns, prices or percents?", r=int(row) + 1,
                      c=repr(names[int(col)]) if names else int(col) + 1,
                      v=float(values.reshape(values.shape[0], -1)[row, col]))
