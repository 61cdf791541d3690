"""Reading the option arguments of the Excel functions: single numbers, flags, choices.

A blank or omitted argument gives the default; a 1 x 1 range is its value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeVar, overload

import numpy as np

from .failures import fail
from .ranges import rows_of
from .values import cell_number, data_number, general_format, is_blank, shown

__all__ = ["read_choice", "read_flag", "read_number"]


def _scalar(value: Any, arg: str) -> Any:
    """A single-cell argument: unwrap 1 x 1 ranges; larger ranges are an error."""
    if isinstance(value, (list, tuple, np.ndarray)):
        rows = rows_of(value, arg=arg)
        if len(rows) != 1 or len(rows[0]) != 1:
            raise fail(arg, f"must be a single value, got a {len(rows)} x {len(rows[0])} "
                        "range")
        return rows[0][0]
    return value


@overload
def read_number(value: Any, *, arg: str, default: float, whole: bool = ...,
                minimum: float | None = ...) -> float: ...
@overload
def read_number(value: Any, *, arg: str, default: None = ..., whole: bool = ...,
                minimum: float | None = ...) -> float | None: ...
def read_number(value: Any, *, arg: str, default: float | None = None,
                whole: bool = False, minimum: float | None = None) -> float | None:
    """A single number; a blank or omitted argument gives ``default``."""
    value = _scalar(value, arg)
    if is_blank(value):
        return default
    number = data_number(value)
    if number is None or math.isnan(number) or math.isinf(number):
        raise fail(arg, f"must be a number, got {shown(value)}")
    if whole and number != int(number):
        raise fail(arg, f"must be a whole number, got {general_format(number)}")
    if minimum is not None and number < minimum:
        raise fail(arg, f"must be at least {general_format(minimum)}, got {general_format(number)}")
    return number


def read_flag(value: Any, *, arg: str, default: bool = False) -> bool:
    """TRUE/FALSE (also 1/0 and the texts TRUE/FALSE); blank or omitted gives ``default``."""
    value = _scalar(value, arg)
    if is_blank(value):
        return default
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    number = cell_number(value)
    if number in (0.0, 1.0):
        return bool(number)
    if isinstance(value, str) and value.strip().upper() in ("TRUE", "FALSE"):
        return value.strip().upper() == "TRUE"
    raise fail(arg, f"must be TRUE or FALSE, got {shown(value)}")


S = TypeVar("S", bound=str)


def read_choice(value: Any, options: Sequence[S], *, arg: str, default: S) -> S:
    """One of ``options`` (case-insensitive); blank or omitted gives ``default``."""
    value = _scalar(value, arg)
    if is_blank(value):
        return default
    if isinstance(value, str):
        for option in options:
            if value.strip().lower() == option:
                return option
    raise fail(arg, f"must be one of {', '.join(options)}; got {shown(value)}")
