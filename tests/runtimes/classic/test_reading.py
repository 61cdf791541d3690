"""Issue 16: one reading of a table, through the classic dispatcher (see ../reading.py)."""

from __future__ import annotations

from ..reading import *  # noqa: F403
