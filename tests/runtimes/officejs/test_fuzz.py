"""A few thousand random Excel-shaped calls through this runtime's dispatcher (see
tests/runtimes/fuzz.py for the 100,000-case command)."""

from __future__ import annotations

import os

from ..fuzz import FUNCTIONS, run

CASES = int(os.environ.get("BETAXL_FUZZ_CASES", "400"))


def test_random_excel_input_gives_a_result_or_betaxls_own_error(xl) -> None:
    tally = run(xl, CASES, seed=int(os.environ.get("BETAXL_FUZZ_SEED", "0")))
    escapes = {name: {k: v for k, v in counts.items() if k not in ("result", "error")}
               for name, counts in tally.items() if counts["escape"]}
    assert not escapes, escapes
    assert set(tally) == set(FUNCTIONS)
    # the generator reaches both outcomes for every function
    assert all(counts["result"] and counts["error"] for counts in tally.values()), tally
