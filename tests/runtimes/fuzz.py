"""Random Excel-shaped input for every betaxl function, through a real xlwings dispatcher.

Each case draws arguments the way a spreadsheet can produce them (ragged and empty
ranges, blanks, every error value, text, TRUE/FALSE, dates, whole numbers, NaN, +-inf,
1e-300 and 1e300, header rows in odd places, garbage in every optional argument) and
calls the function through the runtime's own dispatcher.  The outcome must be a result
or betaxl's own one-line error naming the function; anything else is an escape.

    python -m tests.runtimes.fuzz --runtime classic --cases 100000
    python -m tests.runtimes.fuzz --runtime officejs --cases 100000

The CI runs a few thousand cases per runtime (tests/runtimes/*/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

from .sheet import BLANK, CLASSIC_CODES, OMIT, Err

FUNCTIONS = {  # name: (required ranges, optional arguments)
    "BETA_OLS": (2, 3), "PORT_RETURNS": (2, 5), "EQUAL_WEIGHT_RETURN": (1, 3),
    "BETA_RECONCILE": (3, 4), "RISK_TABLE": (2, 2), "RETURNS": (1, 2),
    "BETA_ROLLING": (3, 1),
    "BETA_FACTORS": (2, 2), "BETA_ESTIMATES": (2, 4), "RESAMPLE_RETURNS": (2, 1),
    "PER_PERIOD_RATE": (2, 1),
}
WORDS = ["none", "period", "month", "quarter", "year", "prices", "returns", "log_returns",
         "units", "weights", "rebalance", "buy_and_hold", "equal_shares", "simple", "log",
         "TRUE", "FALSE", "", " ", "{x}", "#N/A", "0.5", "weekly", "Prices ", "ünïcode"]


def cell(rng: random.Random) -> Any:
    kind = rng.random()
    if kind < 0.45:
        return rng.gauss(0.005, 0.05)
    if kind < 0.55:
        return rng.uniform(1, 200)  # price-like
    if kind < 0.62:
        return BLANK
    if kind < 0.68:
        return Err(rng.choice(list(CLASSIC_CODES)))
    if kind < 0.72:
        return rng.choice([float("nan"), float("inf"), -float("inf"), 1e300, -1e300,
                           1e-300, 0.0, -1.0, -2.0, 5e-324])
    if kind < 0.78:
        return rng.randint(-3, 300)
    if kind < 0.84:
        return rng.choice(WORDS) if rng.random() < 0.5 else "".join(
            rng.choice("abc{}#!0.5 ") for _ in range(rng.randint(0, 6)))
    if kind < 0.90:
        return rng.random() < 0.5
    if kind < 0.95:
        return dt.datetime(2000, 1, 31) + dt.timedelta(days=rng.randint(0, 9000))
    return None


def a_range(rng: random.Random) -> Any:
    shape = rng.random()
    if shape < 0.04:
        return rng.choice([[], [[]], [[], []]])
    if shape < 0.10:
        return cell(rng)  # a single cell
    rows, cols = rng.randint(1, 14), rng.randint(1, 4)
    grid = [[cell(rng) for _ in range(cols)] for _ in range(rows)]
    if rng.random() < 0.3:  # a header row, usually on top, sometimes anywhere
        at = 0 if rng.random() < 0.7 else rng.randrange(rows)
        grid[at] = [rng.choice(["A", "B", "price", "600519", "", "x{y}"]) for _ in range(cols)]
    if rng.random() < 0.05:  # ragged
        grid[rng.randrange(rows)] = grid[0][: max(0, cols - 1)] + [cell(rng)] * rng.randint(0, 2)
    if rng.random() < 0.05:
        return grid[0]  # a flat row
    return grid


def optional(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.35:
        return OMIT
    if roll < 0.65:
        return rng.choice(WORDS)
    if roll < 0.85:
        return cell(rng)
    return a_range(rng)


def plausible(rng: random.Random, rows: int, cols: int, prices: bool) -> list[list[Any]]:
    """A range that mostly makes sense: numbers, with a few odd cells and maybe names."""
    def value() -> Any:
        if rng.random() < 0.06:
            return cell(rng)
        return rng.uniform(50, 150) if prices else rng.gauss(0.005, 0.05)

    grid = [[value() for _ in range(cols)] for _ in range(rows)]
    if rng.random() < 0.5:
        grid.insert(0, [f"asset {j}" if rng.random() < 0.9 else cell(rng)
                        for j in range(cols)])
    return grid


def arguments(name: str, rng: random.Random) -> list[Any]:
    required, optionals = FUNCTIONS[name]
    if rng.random() < 0.35:  # anything at all
        args = [a_range(rng) for _ in range(required)]
        if name == "BETA_ROLLING":
            args[2] = rng.choice([rng.randint(-2, 16), cell(rng), a_range(rng)])
        return args + [optional(rng) for _ in range(optionals)]
    rows, cols = rng.randint(2, 30), rng.randint(1, 4)
    prices = rng.random() < 0.4
    kind = "prices" if prices else rng.choice(["returns", OMIT, "log_returns"])
    data = plausible(rng, rows, cols, prices)
    market = plausible(rng, rows, 1, prices)
    weights = [[rng.choice([rng.uniform(0, 1), rng.uniform(-1, 1), cell(rng)])
                for _ in range(cols)]]
    mode = rng.choice(["none", "period", "month", "quarter", "year", OMIT, optional(rng)])
    dates = [[dt.datetime(2020, 1, 31) + dt.timedelta(days=7 * i)] for i in range(rows)]
    args: dict[str, list[Any]] = {
        "BETA_OLS": [data, market, rng.choice([OMIT, 0.001, optional(rng)]),
                     rng.choice([True, False, OMIT, optional(rng)]), kind],
        "PORT_RETURNS": [data, weights, mode, kind, rng.choice([dates, OMIT, optional(rng)]),
                         rng.choice(["weights", "units", OMIT]), rng.choice([True, OMIT])],
        "EQUAL_WEIGHT_RETURN": [data, rng.choice(["rebalance", "buy_and_hold",
                                                   "equal_shares", OMIT]), kind,
                                rng.choice([OMIT, plausible(rng, rows, cols, False)])],
        "BETA_RECONCILE": [data, market, weights, mode, kind,
                           rng.choice(["weights", "units", OMIT]),
                           rng.choice([OMIT, 0.001, optional(rng)])],
        "RISK_TABLE": [data, market, rng.choice([OMIT, 0.001, optional(rng)]),
                       rng.choice([OMIT, 12, 252, optional(rng)])],
        "RETURNS": [plausible(rng, rows, cols, True), rng.choice(["simple", "log", OMIT]),
                    rng.choice([OMIT, plausible(rng, rows, cols, False)])],
        "BETA_ROLLING": [data, market, rng.choice([3, 5, rows, rng.randint(-2, 40)]), kind],
        "BETA_FACTORS": [data, plausible(rng, rows, rng.randint(1, 3), False),
                         rng.choice([OMIT, 0.001, optional(rng)]), kind],
        "BETA_ESTIMATES": [data, market, rng.choice([OMIT, 0, 1, 2, optional(rng)]),
                           rng.choice([OMIT, 3, 12.5, optional(rng)]),
                           rng.choice([OMIT, 0.001, optional(rng)]), kind],
        "RESAMPLE_RETURNS": [data, rng.choice([dates, dates[::-1], optional(rng)]),
                             rng.choice(["week", "month", "quarter", "year", OMIT,
                                         optional(rng)])],
        "PER_PERIOD_RATE": [rng.choice([rng.uniform(-0.5, 0.5), plausible(rng, rows, 1,
                                                                          False)]),
                            rng.choice([12, 252, 0, -1, optional(rng)]),
                            rng.choice(["compound", "simple", OMIT, optional(rng)])],
    }
    return args[name]


def outcome(call: Callable[..., Any], name: str, args: list[Any]) -> str:
    """"result", "error" (betaxl's own one line) or a description of the escape."""
    from betaxl.errors import BetaxlError
    from betaxl.excel.failures import InternalError

    try:
        with warnings.catch_warnings():
            # a numerical warning means a number may be silently wrong: an escape too
            warnings.simplefilter("error", RuntimeWarning)
            call(name, *args)
    except InternalError as exc:
        return f"internal: {exc}"
    except BetaxlError as exc:
        text = str(exc)
        if not text.startswith(name + ": ") or "\n" in text:
            return f"badly worded: {text!r}"
        return "error"
    except Exception as exc:  # noqa: BLE001 - this is what the fuzzer is looking for
        return f"escape: {type(exc).__name__}: {str(exc)[:200]}"
    return "result"


def run(call: Callable[..., Any], cases: int, seed: int = 0,
        names: list[str] | None = None) -> dict[str, Counter[str]]:
    """``cases`` random calls per function; the count of each kind of outcome."""
    tally: dict[str, Counter[str]] = {}
    for name in names or list(FUNCTIONS):
        rng = random.Random(f"{seed}-{name}")
        counts: Counter[str] = Counter()
        for _ in range(cases):
            result = outcome(call, name, arguments(name, rng))
            counts[result if result in ("result", "error") else "escape"] += 1
            if result not in ("result", "error"):
                counts[result] += 1
        tally[name] = counts
    return tally


def test_random_excel_input_gives_a_result_or_betaxls_own_error(xl: Any) -> None:
    """A few thousand cases (BETAXL_FUZZ_CASES per function) through ``xl``."""
    import os

    cases = int(os.environ.get("BETAXL_FUZZ_CASES", "400"))
    tally = run(xl, cases, seed=int(os.environ.get("BETAXL_FUZZ_SEED", "0")))
    escapes = {name: {k: v for k, v in counts.items() if k not in ("result", "error")}
               for name, counts in tally.items() if counts["escape"]}
    assert not escapes, escapes
    assert set(tally) == set(FUNCTIONS)
    # the generator reaches both outcomes for every function
    assert all(counts["result"] and counts["error"] for counts in tally.values()), tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", choices=["classic", "officejs"], required=True)
    parser.add_argument("--cases", type=int, default=100_000, help="per function")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.runtime == "classic":  # importing the conftest sets the runtime up
        from .classic.conftest import Classic as Runtime
    else:
        from .officejs.conftest import OfficeJs as Runtime
    start = time.perf_counter()
    tally = run(Runtime(), args.cases, args.seed)
    escapes = 0
    for name, counts in tally.items():
        escapes += counts["escape"]
        print(f"{args.runtime} {name}: {args.cases} cases, {counts['result']} results, "
              f"{counts['error']} betaxl errors, {counts['escape']} escapes")
        for kind, count in counts.items():
            if kind not in ("result", "error", "escape"):
                print(f"    {count} x {kind}")
    print(f"{args.runtime}: {args.cases * len(tally)} cases in "
          f"{time.perf_counter() - start:.0f} s, {escapes} escapes")
    return 1 if escapes else 0


if __name__ == "__main__":
    sys.exit(main())
