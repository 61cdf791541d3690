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


def _wide_csv(path: Path, n: int, k: int, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    market = rng.normal(0.007, 0.045, n)
    data = market[:, None] * rng.uniform(0.2, 1.8, k) + rng.normal(0, 0.05, (n, k))
    frame = pd.DataFrame(data.round(6), columns=[f"s{j}" for j in range(k)],
                         index=pd.date_range("2015-01-31", periods=n, freq="ME", name="date"))
    frame["market"] = market.round(6)
    frame.to_csv(path)


def bench_cli() -> None:
    """betaxl betas on wide CSVs: the cost must be linear in the number of assets."""
    import tempfile

    from betaxl.cli import main as cli

    print("== betaxl betas: 60 months x 20,000 vs 100,000 assets (CSV in, CSV out) ==")
    with tempfile.TemporaryDirectory() as folder:
        times = {}
        for k in (20_000, 100_000):
            source = Path(folder) / f"w{k}.csv"
            _wide_csv(source, 60, k)
            out = Path(folder) / f"b{k}.csv"
            times[k] = best(lambda: cli(["betas", str(source), "--market", "market", "-q",
                                         "-o", str(out)]), 2)
            print(f"{k:>7,} assets: {times[k]:.2f} s ({source.stat().st_size / 1e6:.0f} MB)")
        print(f"100,000 / 20,000 = {times[100_000] / times[20_000]:.2f} (linear: 5)")


def bench_dask() -> None:
    """--engine dask (LocalCluster, 2 workers) against the in-memory run, same data."""
    import argparse
    import resource
    import subprocess
    import tempfile

    from betaxl.cli import _parser

    n, k = 2520, 8000
    print(f"== betaxl betas --engine dask: {n} days x {k:,} assets of Parquet "
          f"({n * k * 8 / 2**20:.0f} MB as float64) ==")
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        data.mkdir()
        rng = np.random.default_rng(4)
        market = rng.normal(3e-4, 0.01, n)
        frame = pd.DataFrame(market[:, None] * rng.uniform(0.2, 1.8, k)
                             + rng.normal(0, 0.015, (n, k)), columns=[f"s{j}" for j in range(k)])
        frame["market"] = market
        frame.insert(0, "date", pd.bdate_range("2000-01-03", periods=n))
        for i, rows in enumerate(np.array_split(np.arange(n), 4)):
            frame.iloc[rows].to_parquet(data / f"part{i}.parquet", index=False)
        del frame
        cmd = [sys.executable, "-m", "betaxl.cli", "betas", str(data), "--market", "market",
               "-q", "-o", str(Path(folder) / "mem.csv")]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True,
                       env={**__import__("os").environ,
                            "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        memory_time = time.perf_counter() - start
        memory_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"in memory (one process): {memory_time:.1f} s, peak {memory_peak:.0f} MB")
        args: argparse.Namespace = _parser().parse_args(
            ["betas", str(data), "--market", "market", "--engine", "dask", "-q",
             "--memory-limit", "1GB", "-o", str(Path(folder) / "dask.csv")])
        args.peak_memory = {}
        start = time.perf_counter()
        args.run(args)
        dask_time = time.perf_counter() - start
        peaks = [v / 2**20 for v in args.peak_memory.values()]
        print(f"dask, LocalCluster 2 workers (startup included): {dask_time:.1f} s = "
              f"{dask_time / memory_time:.2f}x the in-memory time; peak per worker "
              + ", ".join(f"{p:.0f} MB" for p in peaks)
              + f" = {max(peaks) / memory_peak:.2f}x the in-memory peak")
        a = pd.read_csv(Path(folder) / "mem.csv", index_col=0)
        b = pd.read_csv(Path(folder) / "dask.csv", index_col=0).loc[a.index]
        print(f"largest relative difference in beta: "
              f"{float((abs(a['beta'] - b['beta']) / abs(a['beta'])).max()):.1e}")


def bench_safeio() -> None:
    """Atomic, fsynced writes (betaxl.safeio) against a plain open/write/fsync."""
    import os
    import tempfile

    from betaxl.safeio import atomic_file, atomic_files

    print("== output safety (betaxl.safeio) ==")
    with tempfile.TemporaryDirectory() as folder:
        for size in (64 << 10, 16 << 20):
            data = os.urandom(size)
            plain_path = Path(folder) / "plain.bin"

            def plain() -> None:
                with open(plain_path, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())

            def atomic() -> None:
                with atomic_file(Path(folder) / "atomic.bin") as handle:
                    handle.write(data)

            def two() -> None:
                with atomic_files([Path(folder) / "a.bin", Path(folder) / "b.bin"]) as hs:
                    for handle in hs:
                        handle.write(data)

            base = best(plain, 7)
            print(f"{size >> 10:>6} KiB: open/write/fsync {base * 1e3:.2f} ms (the baseline); "
                  f"atomic_file {best(atomic, 7) / base:.2f}x; "
                  f"atomic_files of two {best(two, 7) / base:.2f}x")


SECTIONS: dict[str, Callable[[], None]] = {"core": bench_core, "udf": bench_udf,
                                           "recalc": bench_recalc, "safeio": bench_safeio,
                                           "cli": bench_cli, "dask": bench_dask}


def main(argv: list[str]) -> None:
    chosen = argv or list(SECTIONS)
    for name in chosen:
        SECTIONS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
