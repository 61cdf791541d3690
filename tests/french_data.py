"""Real test data: Ken French's monthly factors and portfolios, as shipped by linearmodels.

Shared by the tests and by ``tests/data/make_reference.py`` (which feeds the same frame
to R), so both sides see exactly the same numbers, holes included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FACTORS = ["MktRF", "SMB", "HML", "Mom"]
ASSETS = ["NoDur", "Durbl", "Manuf", "Enrgy", "Chems", "BusEq", "Telcm", "Utils", "Shops",
          "Hlth", "Money", "Other"]


def french_panel(*, holes: bool = True) -> pd.DataFrame:
    """The 819 months 1949-01 .. 2017-03: factors, RF and the 12 industry returns.

    With ``holes`` some cells are blanked the way real data have gaps: ``Durbl`` starts
    two years late, ``Telcm`` ends a year early, ``Money`` misses every 17th month, and
    ``SMB`` (a factor) misses months 100 and 101.  Values are decimal returns per month.
    """
    from linearmodels.datasets import french

    data = french.load()
    frame = data.set_index(pd.DatetimeIndex(data["dates"]).to_period("M").to_timestamp("M"))
    frame = frame[FACTORS + ["RF"] + ASSETS].astype(np.float64)
    frame.index.name = "date"
    if holes:
        frame.iloc[:24, frame.columns.get_loc("Durbl")] = np.nan
        frame.iloc[-12:, frame.columns.get_loc("Telcm")] = np.nan
        frame.iloc[::17, frame.columns.get_loc("Money")] = np.nan
        frame.iloc[100:102, frame.columns.get_loc("SMB")] = np.nan
    return frame
