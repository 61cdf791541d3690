"""The report's pictures as matplotlib figures, for notebooks and ``betaxl report``.

Every function takes the core's inputs (returns, a benchmark, a result of the core; as
pandas objects, numpy arrays or lists) and returns a :class:`matplotlib.figure.Figure`
(built without pyplot, so no window and no global state); :func:`to_svg` turns one into
the inline SVG the report embeds.
matplotlib is the optional extra ``betaxl[report]``: the Excel functions never import
this package.

>>> import pandas as pd
>>> import betaxl.plot as bp
>>> dates = pd.date_range("2024-01-31", periods=3, freq="ME")
>>> returns = pd.DataFrame({"A": [0.1, -0.5, 1.0]}, index=dates)
>>> market = pd.Series([0.05, -0.1, 0.2], index=dates, name="M")
>>> fig = bp.growth(returns, market)
>>> [t.get_text() for t in fig.legends[0].get_texts()]
['A', 'M (benchmark)']
>>> bp.to_svg(fig).lstrip().startswith("<svg")
True
"""

from .charts import (
    ROLLING_WINDOWS,
    WINDOW_UNITS,
    drawdown_path,
    drawdowns,
    drawn,
    growth,
    growth_path,
    regression,
    rolling_betas,
    rolling_window,
    table_rows,
    to_svg,
    window_name,
)
from .reconciliation import contributions, effects, waterfall_limits, weighted_betas

__all__ = ["ROLLING_WINDOWS", "WINDOW_UNITS", "contributions", "drawdown_path", "drawdowns",
           "drawn", "effects", "growth", "growth_path", "regression", "rolling_betas",
           "rolling_window", "table_rows", "to_svg", "waterfall_limits", "weighted_betas",
           "window_name"]
