"""The order rule through the Excel functions (issue 16): the tables of
``tests/test_one_reading_order.py`` refused in the same wording as the API and the
command line, the first pair out of order named.  Imported by ``classic/test_reading.py``
and ``officejs/test_reading.py``.
"""

from __future__ import annotations

import pytest

from betaxl.errors import BetaxlError

from .. import reading_cases as cases
from ..test_one_reading_order import BREAK, NEWEST, old_export

HOW = r" \(sort the rows oldest first: Data > Sort by column 'Date', Oldest to Newest\)$"


def test_dates_out_of_order_are_refused_naming_the_first_pair(xl) -> None:
    frame, _ = old_export()
    labels = [f"{d:%b-%y}" for d in frame.index]  # the export's texts: Jul-26 ... Jun-31
    assets = cases.sheet(frame[cases.ASSETS], labels)
    market = [["Mkt"], *[[float(v)] for v in frame["Mkt"]]]
    for func in ("BETA_OLS", "RISK_TABLE"):
        with pytest.raises(BetaxlError, match=rf"^{func}: \w+ {BREAK}{HOW}"):
            xl(func, assets, market)
    recent = cases.last_months(120).iloc[::-1]
    back = cases.sheet(recent[cases.ASSETS], cases.date_cells(recent))
    market = [["Mkt"], *[[float(v)] for v in recent["Mkt"]]]
    with pytest.raises(BetaxlError, match=rf"^BETA_OLS: asset_returns {NEWEST}{HOW}"):
        xl("BETA_OLS", back, market)
