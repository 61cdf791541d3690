"""Issue 16: one reading of a table, through the officejs dispatcher (see ../reading.py and ../reading_units.py)."""

from __future__ import annotations

from ..reading import *  # noqa: F403

from ..reading_units import *  # noqa: F403

from ..reading_rates import *  # noqa: F403

from ..reading_dates import *  # noqa: F403

from ..reading_order import *  # noqa: F403
