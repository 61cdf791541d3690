"""The layout matrix, printed as each runtime's cells show it, for a side-by-side check.

    python -m tests.runtimes.matrix classic
    python -m tests.runtimes.matrix officejs

Each line is one call's result as the cells show it (blank cells as None, the
failure's one-line text as text).  ``tests/test_excel.py`` runs both and asserts that
the two runtimes print exactly the same lines.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import numpy as np
import pandas as pd

from .sheet import BLANK, OMIT, Err

RNG = np.random.default_rng(8)
N = 24
MKT = [float(v) for v in RNG.normal(0.005, 0.04, N)]
A = [float(1.1 * m + e) for m, e in zip(MKT, RNG.normal(0, 0.02, N))]
B = [float(0.6 * m + e) for m, e in zip(MKT, RNG.normal(0, 0.02, N))]
PRICES = [[100.0 * float(np.prod([1 + r for r in A[:i]])),
           50.0 * float(np.prod([1 + r for r in B[:i]]))] for i in range(N)]
DATES = [(dt.datetime(2022, 1, 31) + pd.offsets.MonthEnd(i)).to_pydatetime() for i in range(N)]


def layouts() -> dict[str, tuple[list[Any], list[Any]]]:
    """Asset and market ranges laid out the ways people do (same sheet rows)."""
    head = [["A", "B"], *[[a, b] for a, b in zip(A, B)]]
    market = [["Market"], *[[m] for m in MKT]]
    holes = [row[:] for row in head]
    holes[3][0], holes[5][1], holes[7][0], holes[9][1] = BLANK, Err("#N/A"), "n/a", True
    return {
        "tidy": (head, market),
        "whole columns": ([*head, *[[BLANK, BLANK]] * 3000], [*market, *[[BLANK]] * 3000]),
        "no headers": (head[1:], market[1:]),
        "header in market only": ([[BLANK, BLANK], *head[1:]], market),
        "header in assets only": (head, [[BLANK], *market[1:]]),
        "dates inside": ([["Date", "A", "B"], *[[d, *r] for d, r in zip(DATES, head[1:])]],
                         market),
        "dates, no header": ([[d, *r] for d, r in zip(DATES, head[1:])], market[1:]),
        "text numbers": ([["A", "B"], *[[repr(a), f"{100 * b:.12f}%"] for a, b in
                                         zip(A, B)]], market),
        "errors, blanks, text, booleans inside": (holes, market),
        "one asset along a row": ([["A", *A]], [["Market", *MKT]]),
        "one asset in a row, market in a column": ([["A", *A]], market),
    }


def calls() -> list[tuple[str, tuple[Any, ...]]]:
    out: list[tuple[str, tuple[Any, ...]]] = []
    for name, (assets, market) in layouts().items():
        out.append((name, ("BETA_OLS", assets, market)))
        out.append((name, ("BETA_OLS", assets, market, OMIT, True)))
        out.append((name, ("BETA_ROLLING", assets, market, 6)))
        out.append((name, ("RISK_TABLE", assets, market, 0.001, 12)))
        if name != "one asset in a row, market in a column":
            k = 1 if "row" in name else 2
            out.append((name, ("BETA_RECONCILE", assets, market, [[1.0 / k] * k])))
            out.append((name, ("EQUAL_WEIGHT_RETURN", assets)))
            out.append((name, ("PORT_RETURNS", assets, [[1.0 / k] * k], "quarter")))
    prices = [["A", "B"], *PRICES]
    out += [("prices", ("RETURNS", prices)), ("prices", ("RETURNS", [PRICES[i][0] for i in
                                                                     range(5)])),
            ("price row", ("RETURNS", [[p[0] for p in PRICES[:5]]])),
            ("prices", ("EQUAL_WEIGHT_RETURN", prices, "buy_and_hold", "prices")),
            ("single cells", ("BETA_OLS", 0.5, 0.4)),
            ("single cells", ("EQUAL_WEIGHT_RETURN", 0.5)),
            ("missing window", ("BETA_ROLLING", [[a] for a in A], [[m] for m in MKT], BLANK))]
    return out


def shown(value: Any) -> Any:
    """A result as the cells show it: lists of rows, "" and None both blank."""
    if isinstance(value, (list, tuple)):
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value]
        return [[None if c == "" else c for c in row] for row in rows]
    return [[None if value == "" else value]]


def main(runtime: str) -> None:
    if runtime == "classic":  # importing the conftest sets the runtime up
        from .classic.conftest import Classic as Runtime
    else:
        from .officejs.conftest import OfficeJs as Runtime
    xl: Any = Runtime()
    for name, call in calls():
        print(f"{name} | {call[0]} | {shown(xl.cell(*call))!r}")


if __name__ == "__main__":
    main(sys.argv[1])
