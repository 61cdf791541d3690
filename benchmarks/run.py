"""betaxl speed, as ratios to baselines measured in the same run (machines are noisy).

    python benchmarks/run.py            # everything
    python benchmarks/run.py core       # only the core's ratios

Each timing is the best of several repeats; only ratios are meant to be compared.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import betaxl as bx


def best(fn: Callable[[], Any], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def panel(n: int, k: int, missing: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    market = rng.normal(3e-4, 0.01, n)
    returns = market[:, None] * rng.uniform(0.2, 1.8, k) + rng.normal(0, 0.015, (n, k))
    if missing:
        returns[rng.random((n, k)) < missing] = np.nan
    return returns, market


def numpy_closed_form_beta(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The bare textbook closed form with pairwise-missing rows: raw sums, beta only."""
    valid = ~np.isnan(y)
    y0 = np.where(valid, y, 0.0)
    n = valid.sum(axis=0)
    sx, sxx = x @ valid, (x * x) @ valid
    sy, sxy = y0.sum(axis=0), x @ y0
    return (sxy - sx * sy / n) / (sxx - sx * sx / n)


def statsmodels_loop(y: np.ndarray, x: np.ndarray) -> list[tuple[float, ...]]:
    """statsmodels OLS per asset, reading the same statistics ols_beta returns."""
    import statsmodels.api as sm

    out = []
    for j in range(y.shape[1]):
        keep = ~np.isnan(y[:, j]) & ~np.isnan(x)
        res = sm.OLS(y[keep, j], sm.add_constant(x[keep])).fit()
        out.append((*res.params, *res.bse, *res.tvalues, res.rsquared, np.sqrt(res.scale),
                    res.nobs))
    return out


def bench_core() -> None:
    print("== core ==")
    y, x = panel(2520, 500, 0.01)
    ours = best(lambda: bx.ols_beta(y, x), 21)
    bare = best(lambda: numpy_closed_form_beta(y, x), 21)
    loop = best(lambda: statsmodels_loop(y, x), 3)
    np.testing.assert_allclose(bx.ols_beta(y, x).beta, numpy_closed_form_beta(y, x),
                               rtol=1e-10)
    print(f"ols_beta 2520x500, 1% missing: {ours * 1e3:.1f} ms (all 11 statistics)")
    print(f"  vs statsmodels per-asset loop ({loop * 1e3:.0f} ms): "
          f"{loop / ours:.0f}x faster (target >= 50x)")
    print(f"  vs bare numpy closed-form beta ({bare * 1e3:.1f} ms): "
          f"{ours / bare:.2f}x its time (target <= 2x)")

    y, x = panel(2520, 50, 0.0, seed=1)
    frame, mkt = pd.DataFrame(y), pd.Series(x)

    def pandas_rolling() -> pd.DataFrame:
        cov = frame.rolling(252).cov(mkt)
        return cov.div(mkt.rolling(252).var(), axis=0)

    ours = best(lambda: bx.rolling_beta(y, x, 252), 21)
    base = best(pandas_rolling, 7)
    np.testing.assert_allclose(bx.rolling_beta(y, x, 252).to_numpy()[251:],
                               pandas_rolling().to_numpy()[251:], rtol=1e-8)
    print(f"rolling_beta window 252, 2520x50: {ours * 1e3:.2f} ms")
    print(f"  vs pandas rolling cov/var ({base * 1e3:.1f} ms): {base / ours:.1f}x faster "
          f"(target >= 10x)")
    short = best(lambda: bx.rolling_beta(y, x, 21), 21)
    print(f"  window 21 vs 252: {short / ours:.2f}x the time (independent of the window)")


def excel_cells(values: np.ndarray) -> tuple[tuple[float | None, ...], ...]:
    """A float array as classic xlwings delivers a range: row tuples, None for blanks."""
    return tuple(tuple(None if np.isnan(v) else float(v) for v in row) for row in values)


def bench_udf() -> None:
    """BETA_OLS through xlwings' own classic dispatcher (pywin32 stand-ins, no Excel)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "runtimes"))
    from standins import install_stand_ins

    if "xlwings" not in sys.modules:
        install_stand_ins()
    import xlwings.udfs

    print("== Excel functions (classic call_udf) ==")
    y, x = panel(2520, 500, 0.01, seed=2)
    asset, market = excel_cells(y), excel_cells(x[:, None])

    def udf() -> object:
        return xlwings.udfs.call_udf("betaxl.udfs", "BETA_OLS",
                                     (asset, market, -2147352572, True, -2147352572))

    def bare() -> np.ndarray:
        return numpy_closed_form_beta(np.array(asset, dtype=float),
                                      np.array(market, dtype=float)[:, 0])

    udf()
    ours, base = best(udf, 5), best(bare, 5)
    print(f"BETA_OLS(stats TRUE) on 2520x500, 1% blank cells: {ours * 1e3:.1f} ms")
    print(f"  vs bare cells->float array + numpy closed-form beta ({base * 1e3:.1f} ms): "
          f"{ours / base:.2f}x its time (target <= 2x)")
    small_y, small_x = excel_cells(y[:252, :1]), excel_cells(x[:252, None])

    def one() -> object:
        return xlwings.udfs.call_udf("betaxl.udfs", "BETA_OLS",
                                     (small_y, small_x, -2147352572, -2147352572,
                                      -2147352572))

    per_call = best(lambda: [one() for _ in range(100)], 3) / 100
    print(f"BETA_OLS on 252x1: {per_call * 1e6:.0f} us per call; a sheet of 1,000 such "
          f"cells: {per_call * 1000:.2f} s of Python time")


def _wall(argv: list[str], cwd: str, repeat: int = 3) -> float:
    import subprocess

    def run() -> None:
        subprocess.run(argv, cwd=cwd, check=True, capture_output=True)

    return best(run, repeat)


def bench_recalc() -> None:
    """betaxl recalc, as a command, against starting Python and importing betaxl."""
    import tempfile

    from betaxl.workbook.template import build_template

    print("== betaxl recalc (wall time of the whole command) ==")
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as folder:
        baseline = _wall([sys.executable, "-c", "import betaxl"], folder, 5)
        print(f'python -c "import betaxl": {baseline:.2f} s (the baseline)')
        template = root / "workbook_template.xlsm"
        cmd = [sys.executable, "-m", "betaxl.cli", "recalc", str(template), "-o",
               str(Path(folder) / "out.xlsm")]
        small = _wall(cmd, folder, 3)
        print(f"recalc workbook_template.xlsm: {small:.2f} s = {small / baseline:.1f}x "
              "the baseline")
        rng = np.random.default_rng(5)
        n, k = 2520, 500
        dates = pd.bdate_range("2015-01-01", periods=n + 1)
        market_r = rng.normal(3e-4, 0.01, n)
        asset_r = market_r[:, None] * rng.uniform(0.3, 1.7, k) + rng.normal(0, 0.015, (n, k))
        prices = pd.DataFrame(50 * np.vstack([np.ones(k), np.cumprod(1 + asset_r, axis=0)]),
                              index=dates, columns=[f"asset_{j + 1}" for j in range(k)])
        market = pd.Series(1000 * np.concatenate([[1.0], np.cumprod(1 + market_r)]),
                           index=dates, name="market")
        big = Path(folder) / "big.xlsm"
        start = time.perf_counter()
        build_template(big, larger=(prices.round(4), market.round(4)))
        print(f"(built a workbook of {n} days x {k} assets in "
              f"{time.perf_counter() - start:.1f} s, {big.stat().st_size / 1e6:.1f} MB)")
        cmd = [sys.executable, "-m", "betaxl.cli", "recalc", str(big), "-o",
               str(Path(folder) / "big_out.xlsm")]
        large = _wall(cmd, folder, 1)
        print(f"recalc on {n} days x {k} assets: {large:.2f} s = {large / baseline:.1f}x "
              "the baseline")


def bench_checks() -> None:
    """What the input checks and level-proof rolling sums cost, as ratios."""
    print("== input checks and levels ==")
    y, x = panel(2520, 50, 0.0, seed=1)
    plain = best(lambda: bx.rolling_beta(y, x, 252), 21)
    level = best(lambda: bx.rolling_beta(1e9 + y * 1e3, 1e9 + x * 1e3, 252), 21)
    print(f"rolling_beta on data at 1e9 (prices): {level / plain:.2f}x the time on returns "
          "(no window refitted; target ~1x)")
    dates = pd.bdate_range("2010-01-01", periods=2520)
    frame, market = pd.DataFrame(y, index=dates), pd.Series(x, index=dates)
    labelled = best(lambda: bx.rolling_beta(frame, market, 252), 21)
    print(f"  with DatetimeIndex labels (order check, alignment): {labelled / plain:.2f}x")
    wide, mkt = panel(2520, 500, 0.01)
    wide_frame = pd.DataFrame(wide, index=dates)
    shifted = pd.Series(mkt, index=dates)[::-1].sort_index()  # equal, not identical
    arrays = best(lambda: bx.ols_beta(wide, mkt), 21)
    frames = best(lambda: bx.ols_beta(wide_frame, shifted), 21)
    print(f"ols_beta 2520x500 from labelled pandas: {frames / arrays:.2f}x the time from "
          "arrays (target <= 1.2x)")


def bench_gaps() -> None:
    """rolling_beta on data with gaps (the per-column refit path), prices at 1e9 included."""
    print("== rolling with gaps ==")
    y, x = panel(2520, 50, 0.01, seed=2)
    y[:, -1] = np.nan  # one empty column: must not send the others' windows to a refit
    frame, mkt = pd.DataFrame(y), pd.Series(x)

    def pandas_rolling() -> pd.DataFrame:
        cov = frame.rolling(252, min_periods=200).cov(mkt)
        return cov.div(mkt.rolling(252, min_periods=200).var(), axis=0)

    base = best(pandas_rolling, 7)
    ours = best(lambda: bx.rolling_beta(y, x, 252, min_obs=200), 11)
    print(f"rolling_beta window 252, 2520x50, 1% missing, an empty column: {ours * 1e3:.1f} "
          f"ms; pandas rolling cov/var {base * 1e3:.1f} ms: {base / ours:.1f}x faster")
    level = best(lambda: bx.rolling_beta(1e9 + y, 1e9 + x, 252, min_obs=200), 5)
    print(f"  the same at a level of 1e9: {level / ours:.2f}x the time")
    ols = best(lambda: bx.ols_beta(1e9 + y[:, :-1], 1e9 + x), 11)
    bare = best(lambda: numpy_closed_form_beta(y[:, :-1], x), 11)
    print(f"ols_beta at a level of 1e9 (two-pass refit), 2520x49: {ols / bare:.2f}x the "
          "bare numpy closed-form beta")


SECTIONS: dict[str, Callable[[], None]] = {"core": bench_core, "udf": bench_udf,
                                           "recalc": bench_recalc, "checks": bench_checks,
                                           "gaps": bench_gaps}


def main(argv: list[str]) -> None:
    chosen = argv or list(SECTIONS)
    for name in chosen:
        SECTIONS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
