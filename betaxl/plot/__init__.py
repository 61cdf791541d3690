"""The report's pictures as matplotlib figures, for notebooks and ``betaxl report``.

Every function takes the core's inputs (returns, a benchmark, a result of the core) and
returns a :class:`matplotlib.figure.Figure` (built without pyplot, so no window and no
global state); :func:`to_svg` turns one into the inline SVG the report embeds.
matplotlib is the optional extra ``betaxl[report]``: the Excel functions never import
this package.

>>> import betaxl.plot as bp                                  # doctest: +SKIP
>>> bp.growth(returns, market)                                 # doctest: +SKIP
"""

from .charts import (
    ROLLING_WINDOWS,
    drawdown_path,
    drawdowns,
    growth,
    growth_path,
    regression,
    rolling_betas,
    rolling_window,
    to_svg,
)
from .reconciliation import contributions, effects, weighted_betas

__all__ = ["ROLLING_WINDOWS", "contributions", "drawdown_path", "drawdowns", "effects",
           "growth", "growth_path", "regression", "rolling_betas", "rolling_window",
           "to_svg", "weighted_betas"]
