"""Options read at the edge: a mode string from its list, a whole number of rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np

from ..errors import problem

__all__ = ["choice", "whole"]


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


def whole(value: Any, *, arg: str) -> int:
    """A whole number of rows (an int, or a float with no fraction), or a refusal."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    raise problem("", arg, "must be a whole number of rows, got {v!r}", v=value)
