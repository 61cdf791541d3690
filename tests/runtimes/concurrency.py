"""Every UDF from 8 threads at once gives the serial answers (Office.js custom functions
can run concurrently, so nothing in betaxl may share mutable state)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from betaxl.examples import BOND_MARKET, BOND_PRICES, EW_DIVIDENDS, EW_PRICES

from .sheet import OMIT, frame_range

BONDS, MARKET = frame_range(BOND_PRICES), frame_range(BOND_MARKET.to_frame())
UNITS = [[25_000.0, 65_000.0]]
CALLS: list[tuple[Any, ...]] = [
    ("BETA_OLS", BONDS, MARKET, OMIT, True, "prices"),
    ("PORT_RETURNS", BONDS, UNITS, "none", "prices", OMIT, "units", True),
    ("EQUAL_WEIGHT_RETURN", frame_range(EW_PRICES), "rebalance", "prices",
     frame_range(EW_DIVIDENDS)),
    ("BETA_RECONCILE", BONDS, MARKET, UNITS, "none", "prices", "units"),
    ("RISK_TABLE", [[0.01, 0.02], [0.03, -0.01], [0.0, 0.01], [0.02, 0.0]],
     [0.01, 0.02, -0.01, 0.0], 0.001, 12),
    ("RETURNS", BONDS, "log"),
    ("BETA_ROLLING", BONDS, MARKET, 4, "prices"),
    # and failures: their messages must not leak between threads either
    ("BETA_OLS", [[1.0], [2.0], [3.0]], [[1.0], [2.0]]),
    ("PORT_RETURNS", [[0.1, 0.2]], [[0.5, 0.5]], "weekly"),
]


def outcome(xl: Any, call: tuple[Any, ...]) -> Any:
    try:
        return ("ok", repr(xl(*call)))
    except Exception as exc:  # noqa: BLE001 - compared, not hidden
        return ("error", type(exc).__name__, str(exc))


def check_threads_match_serial(xl: Any, rounds: int = 20) -> None:
    serial = [outcome(xl, call) for call in CALLS]
    assert sum(1 for o in serial if o[0] == "error") == 2
    jobs = [call for _ in range(rounds) for call in CALLS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda call: outcome(xl, call), jobs))
    for i, result in enumerate(results):
        assert result == serial[i % len(CALLS)], jobs[i][0]
