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

    import os

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def run() -> None:  # this tree's betaxl, whatever is installed
        subprocess.run(argv, cwd=cwd, check=True, capture_output=True, env=env)

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
        # the large case (2520 x 500 and one BETA_OLS over it) is bench_recalc_engine


def bench_recalc_engine() -> None:
    """betaxl recalc of 2520 x 500 with one BETA_OLS(..., TRUE), against calamine's read."""
    import tempfile

    import python_calamine
    import xlsxwriter
    from xlsxwriter.utility import xl_col_to_name

    from betaxl.workbook.recalc import recalculate_file

    print("== betaxl recalc engine: 2520 x 500 and one BETA_OLS(..., TRUE) over it ==")
    n, k = 2520, 500
    returns, market = panel(n, k, 0.01, seed=11)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "panel.xlsx"
        book = xlsxwriter.Workbook(str(source), {"constant_memory": True})
        data = book.add_worksheet("Data")
        data.write_row(0, 0, [f"asset_{j + 1}" for j in range(k)] + ["market"])
        for i in range(n):
            data.write_row(i + 1, 0, [None if np.isnan(v) else float(v) for v in returns[i]]
                           + [float(market[i])])
        last, mkt = xl_col_to_name(k - 1), xl_col_to_name(k)
        book.add_worksheet("Betas").write_dynamic_array_formula(
            0, 0, 11, k, f"=BETA_OLS(Data!A1:{last}{n + 1},Data!{mkt}1:{mkt}{n + 1},,TRUE)")
        book.close()

        def calamine() -> None:
            workbook = python_calamine.CalamineWorkbook.from_path(str(source))
            for name in workbook.sheet_names:
                workbook.get_sheet_by_name(name).to_python()

        def recalc() -> None:
            result = recalculate_file(source, Path(folder) / "out.xlsx")
            assert result.report.computed == 1 and not result.report.unsupported

        base = best(calamine, 3)
        ours = best(recalc, 3)
        print(f"python-calamine reads the values: {base:.2f} s (the baseline)")
        print(f"betaxl recalc (read, compute, write): {ours:.2f} s = {ours / base:.2f}x "
              "the baseline (target <= 3x)")


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
                                           "recalc": bench_recalc,
                                           "engine": bench_recalc_engine,
                                           "safeio": bench_safeio}


def main(argv: list[str]) -> None:
    chosen = argv or list(SECTIONS)
    for name in chosen:
        SECTIONS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
