"""The UDFs through xlwings' Office.js dispatcher (see conftest.py)."""

from __future__ import annotations

from ..shared import *


def test_one_row_ranges_arrive_flattened_and_still_work(xl) -> None:
    # Office.js sends a 1-row range as a flat list: weights given as one row
    flat_weights = [0.5, 0.5]
    out = xl.raw("PORT_RETURNS", [[0.1, -0.1], [0.2, 0.0]], flat_weights, None, None,
                 None, None, None)
    # buy and hold: period 1 returns 0 and leaves weights 0.55 / 0.45; 0.55 x 20% = 11%
    assert [row[0] for row in out] == [pytest.approx(0.0, abs=1e-15),
                                       pytest.approx(0.11, abs=1e-15)]


def test_nan_never_reaches_a_cell(xl) -> None:
    # a NaN would show as #NUM! in Office.js: blanks must come back as ""
    out = xl("BETA_ROLLING", [0.1, 0.2, 0.0, 0.3], [0.1, 0.3, 0.2, 0.4], 3)
    assert out[0] == [""] and out[1] == [""]
    assert isinstance(out[2][0], float)
