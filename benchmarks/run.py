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
from betaxl.data.units import trusted_returns


def best(fn: Callable[[], Any], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_python_memory(fn: Callable[[], Any]) -> int:
    """Peak Python memory (``tracemalloc``) of one call of ``fn``, in bytes."""
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def recalc_runs(paths: dict[str, Path], folder: Path, computed: int | None = None
                ) -> Callable[[str], Callable[[], None]]:
    """``run(label)``: one ``betaxl recalc`` of ``paths[label]`` into ``folder``, checked:
    nothing unsupported and, when given, ``computed`` formulas computed."""
    from betaxl.workbook.recalc import recalculate_file

    def run(label: str) -> Callable[[], None]:
        def go() -> None:
            report = recalculate_file(paths[label], folder / f"{label}_out.xlsx").report
            assert not report.unsupported, report.unsupported
            assert computed is None or report.computed == computed, report.computed
        return go
    return run


def paired(ours: Callable[[], Any], base: Callable[[], Any], rounds: int = 5,
           repeat: tuple[int, int] = (11, 3)) -> tuple[float, float]:
    """Least CPU time of ``ours`` and of ``base``, measured in turns (``rounds`` times
    ``repeat`` calls each), so that both see the same load on a shared machine."""
    times = [best_cpu(fn, count) for _ in range(rounds)
             for fn, count in ((ours, repeat[0]), (base, repeat[1]))]
    return min(times[0::2]), min(times[1::2])


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

    ours, base = paired(lambda: bx.rolling_beta(y, x, 252), pandas_rolling)
    np.testing.assert_allclose(bx.rolling_beta(y, x, 252).to_numpy()[251:],
                               pandas_rolling().to_numpy()[251:], rtol=1e-8)
    print(f"rolling_beta window 252, 2520x50: {ours * 1e3:.2f} ms (CPU time, in turns with "
          "pandas)")
    print(f"  vs pandas rolling cov/var ({base * 1e3:.1f} ms): {base / ours:.1f}x faster "
          f"(target >= 10x)")
    short = best_cpu(lambda: bx.rolling_beta(y, x, 21), 21)
    ours = best_cpu(lambda: bx.rolling_beta(y, x, 252), 21)
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
    ours, base = paired(udf, bare, 3, (3, 3))
    print(f"BETA_OLS(stats TRUE) on 2520x500, 1% blank cells: {ours * 1e3:.1f} ms (CPU time, "
          "in turns)")
    print(f"  vs bare cells->float array + numpy closed-form beta ({base * 1e3:.1f} ms): "
          f"{ours / base:.2f}x its time (target <= 2x)")
    small_y, small_x = excel_cells(y[:252, :1]), excel_cells(x[:252, None])

    def one() -> object:
        return xlwings.udfs.call_udf("betaxl.udfs", "BETA_OLS",
                                     (small_y, small_x, -2147352572, -2147352572,
                                      -2147352572))

    per_call = best_cpu(lambda: [one() for _ in range(100)], 3) / 100
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

        ours, base = paired(recalc, calamine, rounds=3, repeat=(1, 1))
        print(f"python-calamine reads the values: {base:.2f} s (the baseline; CPU time, "
              "in turns)")
        print(f"betaxl recalc (read, compute, write): {ours:.2f} s = {ours / base:.2f}x "
              "the baseline (target <= 3x)")


def bench_recalc_whole_columns() -> None:
    """betaxl recalc of ``BETA_OLS(Data!B:SG, Data!A:A, , TRUE)`` over 2,520 x 500 on a data
    sheet that also holds a formula, against python-calamine's read of the same file."""
    import tempfile

    import python_calamine
    import xlsxwriter

    print("== betaxl recalc: whole-column BETA_OLS(Data!B:SG, Data!A:A, , TRUE), 2,520 x "
          "500, the data sheet holding a formula ==")
    n, k = 2520, 500
    returns, market = panel(n, k, 0.01, seed=11)
    with tempfile.TemporaryDirectory() as folder:
        sources = {}
        for label, cached in (("current", 2), ("stale", 0)):
            source = sources[label] = Path(folder) / f"{label}.xlsx"
            book = xlsxwriter.Workbook(str(source), {"constant_memory": True})
            data = book.add_worksheet("Data")
            data.write_row(0, 0, ["market"] + [f"asset_{j + 1}" for j in range(k)])
            data.write_formula(0, k + 2, "=1+1", None, cached)  # a formula on the data sheet
            for i in range(n):
                data.write_row(i + 1, 0, [float(market[i])] + [
                    None if np.isnan(v) else float(v) for v in returns[i]])
            book.add_worksheet("Betas").write_dynamic_array_formula(
                0, 0, 11, k - 1, "=BETA_OLS(Data!B:SG,Data!A:A,,TRUE)")
            book.close()

        def calamine() -> None:
            workbook = python_calamine.CalamineWorkbook.from_path(str(sources["current"]))
            for name in workbook.sheet_names:
                workbook.get_sheet_by_name(name).to_python()

        recalc = recalc_runs(sources, Path(folder), 2)

        for label, what in (("current", "the formula's saved value current, as Excel saves"),
                            ("stale", "its saved value stale: the data sheet rewritten")):
            ours, base = paired(recalc(label), calamine, rounds=3, repeat=(1, 1))
            print(f"python-calamine reads the values: {base:.2f} s (the baseline; CPU time, "
                  "in turns)")
            print(f"betaxl recalc, {what}: {ours:.2f} s = {ours / base:.2f}x the baseline "
                  "(target <= 3x)")


def _whole_column_ratio(runtime: str) -> None:
    """One runtime's whole-column ratio (each runtime decides xlwings at import: own process)."""
    rows, blank_rows = 36, 1_048_576 - 37
    y, x = panel(rows, 3, 0.0, seed=3)
    if runtime == "classic":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "runtimes"))
        from standins import install_stand_ins

        install_stand_ins()
        import xlwings.udfs

        blank: Any = None
        missing: Any = -2147352572

        def call(asset: Any, market: Any) -> object:
            return xlwings.udfs.call_udf("betaxl.udfs", "BETA_OLS",
                                         (asset, market, missing, missing, missing))

        def grid(head: list[Any], body: np.ndarray, n_blank: int) -> Any:
            out = [tuple(head)] + [tuple(float(v) for v in r) for r in body]
            return tuple(out + [(blank,) * len(head) for _ in range(n_blank)])
    else:
        import asyncio
        import os

        os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
        os.environ["XLWINGS_ON_SERVER"] = "true"
        import xlwings
        from xlwings.server import custom_functions_call

        import betaxl.udfs

        blank = ""

        def call(asset: Any, market: Any) -> object:
            data = {"func_name": "BETA_OLS", "args": [asset, market, None, None, None],
                    "version": xlwings.__version__, "client": "Office.js",
                    "runtime": "1.4", "culture_info_name": "en-US",
                    "date_format": "m/d/yyyy", "caller_address": "Sheet1!A1"}
            return asyncio.run(custom_functions_call(data, betaxl.udfs))

        def grid(head: list[Any], body: np.ndarray, n_blank: int) -> Any:
            out = [list(head)] + [[float(v) for v in r] for r in body]
            return out + [[blank] * len(head) for _ in range(n_blank)]

    asset_data, market_data = grid(["A", "B", "C"], y, 0), grid(["Market"], x[:, None], 0)
    asset_whole = grid(["A", "B", "C"], y, blank_rows)
    market_whole = grid(["Market"], x[:, None], blank_rows)
    assert repr(call(asset_whole, market_whole)) == repr(call(asset_data, market_data))
    # distinct row objects, as xlwings builds them: no identity shortcut in the baseline
    blank_asset, blank_market = [blank] * 3, [blank]
    if runtime == "classic":
        blank_asset, blank_market = (blank,) * 3, (blank,)

    def one_pass() -> int:  # one C-level look at each row xlwings hands over
        return asset_whole.count(blank_asset) + market_whole.count(blank_market)

    whole = best(lambda: call(asset_whole, market_whole), 5)
    data = best(lambda: call(asset_data, market_data), 21)
    look = best(one_pass, 5)
    print(f"{runtime}: BETA_OLS(B:D, E:E) with 36 data rows: {whole * 1e3:.1f} ms; data rows "
          f"only {data * 1e3:.2f} ms + one pass over the blank rows {look * 1e3:.1f} ms: "
          f"{whole / (data + look):.2f}x (target <= 2x)")


def bench_whole_columns() -> None:
    """Whole-column calls in both dispatchers, each in its own process."""
    import subprocess

    print("== whole-column ranges (trailing blank rows trimmed) ==")
    for runtime in ("classic", "officejs"):
        subprocess.run([sys.executable, __file__, "_whole", runtime], check=True)


def _dispatcher(runtime: str) -> Callable[..., Any]:
    """A call through one runtime's own xlwings dispatcher (classic with the stand-ins)."""
    if runtime == "classic":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "runtimes"))
        from standins import install_stand_ins

        install_stand_ins()
        import xlwings.udfs

        def classic(name: str, *args: Any) -> object:
            return xlwings.udfs.call_udf("betaxl.udfs", name,
                                         tuple(-2147352572 if a is None else a for a in args))
        return classic
    import asyncio
    import os

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    os.environ["XLWINGS_ON_SERVER"] = "true"
    import xlwings
    from xlwings.server import custom_functions_call

    import betaxl.udfs

    def office(name: str, *args: Any) -> object:
        data = {"func_name": name, "args": list(args), "version": xlwings.__version__,
                "client": "Office.js", "runtime": "1.4", "culture_info_name": "en-US",
                "date_format": "m/d/yyyy", "caller_address": "Sheet1!A1"}
        return asyncio.run(custom_functions_call(data, betaxl.udfs))
    return office


def _spill_ratios(runtime: str) -> None:
    """Large spills through one dispatcher against their floor: cells to a float array,
    the same core call on arrays, ``tolist()`` of the result."""
    call = _dispatcher(runtime)
    row: Callable[[Any], Any] = tuple if runtime == "classic" else list
    y, x = panel(2520, 500, 0.0, seed=5)
    prices = 100 * np.cumprod(1 + y, axis=0)

    def sheet(values: np.ndarray, prefix: str) -> Any:  # a header row, then the numbers
        head = [f"{prefix}{j}" for j in range(values.shape[1])]
        return row([row(head), *(row(r) for r in values.tolist())])

    def body(cells: Any) -> np.ndarray:
        return np.array(cells[1:], dtype=float)

    p_cells, y_cells, m_cells = sheet(prices, "p"), sheet(y, "a"), sheet(x[:, None], "m")
    y50 = sheet(y[:, :50], "a")
    weights = row([row([1 / 500] * 500)])

    def returns_floor() -> list[Any]:
        p = body(p_cells)
        return (p[1:] / p[:-1] - 1).tolist()

    def rolling_floor() -> list[Any]:
        return bx.rolling_beta(body(y50), body(m_cells)[:, 0], 252).to_numpy().tolist()

    def detail_floor() -> list[Any]:
        path = bx.portfolio_returns(body(y_cells), np.full(500, 1 / 500))
        return np.column_stack([path.returns, path.weights_start,
                                path.contributions]).tolist()

    def port_floor() -> list[Any]:
        return bx.portfolio_returns(body(y_cells), np.full(500, 1 / 500)).returns.to_numpy(
            ).reshape(-1, 1).tolist()

    def rate_floor() -> list[Any]:
        return bx.per_period_rate(body(y_cells) + 0.05, 252).tolist()

    rates = sheet(y + 0.05, "r")
    rows = [
        ("RETURNS 2520x500 prices", returns_floor, ("RETURNS", p_cells, None, None)),
        ("BETA_ROLLING w=252 2520x50", rolling_floor,
         ("BETA_ROLLING", y50, m_cells, 252.0, None)),
        ("PORT_RETURNS detail 2520x500", detail_floor,
         ("PORT_RETURNS", y_cells, weights, None, None, None, None, True)),
        ("PER_PERIOD_RATE 2520x500", rate_floor, ("PER_PERIOD_RATE", rates, 252.0, None)),
        ("PORT_RETURNS buy and hold (one column)", port_floor,
         ("PORT_RETURNS", y_cells, weights, None, None, None, None, None)),
    ]
    for label, floor, args in rows:
        call(*args)
        ours, base = paired(lambda a=args: call(*a), floor, 3, (2, 2))
        print(f"{runtime}: {label}: {ours * 1e3:.0f} ms; floor {base * 1e3:.0f} ms: "
              f"{ours / base:.2f}x (target <= 2x; CPU time, in turns)")


def bench_spills() -> None:
    """Large spills through both dispatchers, each in its own process."""
    import subprocess

    print("== spills through the dispatchers, against cells -> numpy -> tolist() ==")
    for runtime in ("classic", "officejs"):
        subprocess.run([sys.executable, __file__, "_spill", runtime], check=True)


def bench_checks() -> None:
    """What the input checks and level-proof rolling sums cost, as ratios."""
    print("== input checks and levels ==")
    y, x = panel(2520, 50, 0.0, seed=1)
    plain = best(lambda: bx.rolling_beta(y, x, 252), 21)
    with trusted_returns():  # the level-proof sums on data at 1e9 (past the returns check)
        level = best(lambda: bx.rolling_beta(1e9 + y * 1e3, 1e9 + x * 1e3, 252), 21)
    print(f"rolling_beta on data at 1e9: {level / plain:.2f}x the time on returns "
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

    from betaxl.cli.program import build_parser

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
        args: argparse.Namespace = build_parser().parse_args(
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


def bench_memory(k: int = 100_000, n: int = 504) -> None:
    """Peak memory of ``betaxl betas`` (VmHWM of the child process) against the data's
    size in doubles: Parquet, then CSV.  Goal: at most 4x the data + 512 MiB."""
    import os
    import subprocess
    import tempfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    data_mib = n * k * 8 / 2**20
    print(f"== betaxl betas peak memory: {n} days x {k:,} assets ({data_mib:.0f} MiB of "
          "doubles) ==")
    rng = np.random.default_rng(7)
    market = rng.normal(3e-4, 0.01, n)
    values = market[:, None] * rng.uniform(0.2, 1.8, k) + rng.normal(0, 0.015, (n, k))
    dates = np.datetime64("2020-01-01") + np.arange(n).astype("timedelta64[D]")
    code = ("import sys; from betaxl.cli import main; main(['betas', sys.argv[1], "
            "'--market', 'market', '-q', '-o', sys.argv[2]]); "
            "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    with tempfile.TemporaryDirectory() as folder:
        parquet, csv = Path(folder) / "wide.parquet", Path(folder) / "wide.csv"
        columns = {"date": pa.array(dates)}
        columns.update({f"s{j}": pa.array(values[:, j]) for j in range(k)})
        columns["market"] = pa.array(market)
        pq.write_table(pa.table(columns), parquet)
        del columns
        frame = pd.DataFrame(values, columns=[f"s{j}" for j in range(k)])
        frame.insert(0, "date", dates)
        frame["market"] = market
        frame.to_csv(csv, index=False)
        del frame, values
        for label, source in (("Parquet", parquet), ("CSV", csv)):
            out = subprocess.run([sys.executable, "-c", code, str(source),
                                  str(Path(folder) / "betas.csv")],
                                 check=True, capture_output=True, text=True, env=env)
            peak = int(out.stdout.split()[-1]) / 1024
            print(f"{label}: peak {peak:,.0f} MiB = {peak / data_mib:.1f}x the data; "
                  f"{peak / (4 * data_mib + 512):.2f}x the goal's 4x + 512 MiB "
                  "(target <= 1)")


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


def statsmodels_factor_loop(y: np.ndarray, f: np.ndarray) -> list[tuple[float, ...]]:
    """statsmodels OLS per asset on the factors, reading what factor_betas returns."""
    import statsmodels.api as sm

    out = []
    design = sm.add_constant(f)
    complete = ~np.isnan(f).any(axis=1)
    for j in range(y.shape[1]):
        keep = complete & ~np.isnan(y[:, j])
        res = sm.OLS(y[keep, j], design[keep]).fit()
        out.append((*res.params, *res.bse, *res.tvalues, res.rsquared, res.rsquared_adj,
                    np.sqrt(res.scale), res.nobs))
    return out


def best_cpu(fn: Callable[[], Any], repeat: int = 5) -> float:
    """Least CPU time (all threads) of ``repeat`` calls: steadier than wall time when
    other processes share the cores."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def bench_factors() -> None:
    """factor_betas on 2,520 days x 500 assets against a statsmodels loop and bare lstsq.

    CPU time, not wall time: on a shared machine the wall time of the same call varied
    thirtyfold between runs.  BLAS threads spinning while they wait count as CPU time,
    so run it single-threaded for steady figures:
    ``OPENBLAS_NUM_THREADS=1 python benchmarks/run.py factors``.
    """
    print("== factor betas (2520 x 500, CPU time) ==")
    rng = np.random.default_rng(3)
    n, k = 2520, 500
    for p in (3, 5):
        f = rng.normal(2e-4, 0.01, (n, p))
        clean = f @ rng.uniform(-0.5, 1.5, (p, k)) + rng.normal(0, 0.015, (n, k))
        late = clean.copy()
        for j, start in enumerate(rng.integers(0, 500, 8)):  # 8 start dates
            late[:start, j * 60:(j + 1) * 60] = np.nan
        scattered = np.where(rng.random((n, k)) < 0.01, np.nan, clean)
        x = np.column_stack([np.ones(n), f])
        bare = best_cpu(lambda: np.linalg.lstsq(x, clean, rcond=None), 7)
        print(f"{p} factors: bare numpy lstsq, complete data, coefficients only "
              f"{bare * 1e3:.1f} ms (the baseline)")
        for label, y in (("complete", clean), ("8 start dates", late),
                         ("1% scattered gaps", scattered)):
            ours = best_cpu(lambda: bx.factor_betas(y, f), 5)
            loop = best_cpu(lambda: statsmodels_factor_loop(y, f), 2)
            ref = np.array(statsmodels_factor_loop(y, f))
            np.testing.assert_allclose(bx.factor_betas(y, f).coef, ref[:, :p + 1], rtol=1e-8)
            print(f"  {label}: factor_betas {ours * 1e3:.1f} ms = {ours / bare:.1f}x the "
                  f"baseline; statsmodels loop {loop * 1e3:.0f} ms = {loop / ours:.0f}x "
                  "slower than factor_betas")


def bench_risk() -> None:
    """risk_table's PerformanceAnalytics rows and weight schedules on a daily panel."""
    from betaxl.risk_measures import column_measures, pa_measures

    print("== risk ==")
    y, x = panel(2520, 500, 0.01, seed=2)
    table = best(lambda: bx.risk_table(y, x, periods_per_year=252), 5)
    ols = best(lambda: bx.ols_beta(y, x), 5)
    beta = bx.ols_beta(y, x).beta.to_numpy()

    def per_column() -> None:
        for j in range(y.shape[1]):
            keep = ~np.isnan(y[:, j])
            column_measures(y[keep, j], x[keep], np.zeros(int(keep.sum())), 252.0, beta[j])

    valid = ~np.isnan(y)
    bb = np.where(valid, x[:, None], np.nan)
    whole = best(lambda: pa_measures(y, bb, np.zeros_like(y), valid, 252.0, beta), 5)
    loop = best(per_column, 3)
    print(f"risk_table 2520x500 (39 rows): {table * 1e3:.0f} ms, {table / ols:.1f}x "
          f"ols_beta's time")
    print(f"  its 14 PA rows in one pass {whole * 1e3:.0f} ms vs column by column "
          f"({loop * 1e3:.0f} ms): {loop / whole:.1f}x faster")
    days = pd.bdate_range("2015-01-01", periods=2520)
    fridays = days[days.day_of_week == 4]
    frame = pd.DataFrame(np.nan_to_num(y[:, :100]), index=days).loc[days > fridays[0]]
    weights = np.full(100, 0.01)
    schedule = pd.DataFrame(np.tile(weights, (len(fridays), 1)), index=fridays)
    fixed = best(lambda: bx.portfolio_returns(frame, weights, rebalance="week"), 5)
    dated = best(lambda: bx.portfolio_returns(frame, schedule), 5)
    np.testing.assert_allclose(bx.portfolio_returns(frame, schedule).returns,
                               bx.portfolio_returns(frame, weights, rebalance="week").returns,
                               rtol=0, atol=1e-15)
    print(f"portfolio_returns 2520x100, weekly: schedule of {len(fridays)} dated rows "
          f"{dated * 1e3:.1f} ms, {dated / fixed:.2f}x rebalance='week' ({fixed * 1e3:.1f} ms)")


def bench_gaps() -> None:
    """rolling_beta on data with gaps (the per-column refit path), prices at 1e9 included."""
    print("== rolling with gaps ==")
    y, x = panel(2520, 50, 0.01, seed=2)
    y[:, -1] = np.nan  # one empty column: must not send the others' windows to a refit
    frame, mkt = pd.DataFrame(y), pd.Series(x)

    def pandas_rolling() -> pd.DataFrame:
        cov = frame.rolling(252, min_periods=200).cov(mkt)
        return cov.div(mkt.rolling(252, min_periods=200).var(), axis=0)

    ours, base = paired(lambda: bx.rolling_beta(y, x, 252, min_obs=200), pandas_rolling)
    print(f"rolling_beta window 252, 2520x50, 1% missing, an empty column: {ours * 1e3:.1f} "
          f"ms; pandas rolling cov/var {base * 1e3:.1f} ms: {base / ours:.1f}x faster "
          "(CPU time, in turns)")
    ours = best(lambda: bx.rolling_beta(y, x, 252, min_obs=200), 11)
    with trusted_returns():  # returns at a level of 1e9, not prices: the arithmetic's test
        level = best(lambda: bx.rolling_beta(1e9 + y, 1e9 + x, 252, min_obs=200), 5)
    print(f"  the same at a level of 1e9: {level / ours:.2f}x the time")
    with trusted_returns():
        ols = best(lambda: bx.ols_beta(1e9 + y[:, :-1], 1e9 + x), 11)
    bare = best(lambda: numpy_closed_form_beta(y[:, :-1], x), 11)
    print(f"ols_beta at a level of 1e9 (two-pass refit), 2520x49: {ols / bare:.2f}x the "
          "bare numpy closed-form beta")


def bench_sparse_recalc() -> None:
    """A tiny workbook whose 40 aggregates read whole columns and a 20-million-cell block,
    against the same aggregates over only the cells that hold data."""
    import tempfile

    import openpyxl

    print("== betaxl recalc: tiny workbook, 40 aggregates over whole columns and "
          "C1:V999999 ==")
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for label, area in (("huge", "C1:V999999)+SUM(A:B"), ("data", "C1:V3)+SUM(A1:B3")):
            book = openpyxl.Workbook()
            ws = book.active
            for i in range(1, 4):
                ws.append([i, 2 * i])
            for i in range(1, 41):
                ws.cell(i, 27, f"=SUM({area})+COUNT({area})+{i}")
            paths[label] = Path(folder) / f"{label}.xlsx"
            book.save(paths[label])

        run = recalc_runs(paths, Path(folder), 40)

        base, ours = best(run("data"), 5), best(run("huge"), 5)
        peak = peak_python_memory(run("huge"))
        print(f"aggregates over the data only: {base * 1000:.0f} ms (the baseline)")
        print(f"over whole columns and C1:V999999: {ours * 1000:.0f} ms = "
              f"{ours / base:.2f}x the baseline, peak Python memory {peak / 1e6:.1f} MB")


def bench_sparse_arrays() -> None:
    """A tiny workbook whose array arithmetic (``SUMPRODUCT((A:A>0)*B:B)`` ...) reads whole
    columns, against the same formulas over only the cells that hold data."""
    import tempfile

    import openpyxl

    print("== betaxl recalc: tiny workbook, array arithmetic over whole columns ==")
    formulas = ["=SUMPRODUCT(({a}>0)*{b})", "=SUMPRODUCT(({a}=0)*1)", "=SUM(({a}>1)*{b})",
                "=SUMPRODUCT({a}*{b})", "=SUMPRODUCT(1/({b}+1))"]
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for label, (a, b) in (("whole", ("A:A", "B:B")), ("data", ("A1:A5", "B1:B5"))):
            book = openpyxl.Workbook()
            ws = book.active
            for i in range(1, 6):
                ws.append([i - 2, 10 * i])
            for i, text in enumerate(formulas, 1):
                ws.cell(i, 4, text.format(a=a, b=b))
            paths[label] = Path(folder) / f"{label}.xlsx"
            book.save(paths[label])

        run = recalc_runs(paths, Path(folder), len(formulas))

        base, ours = best(run("data"), 5), best(run("whole"), 5)
        peak = peak_python_memory(run("whole"))
        print(f"over the data only (A1:A5): {base * 1000:.0f} ms (the baseline)")
        print(f"over whole columns (A:A): {ours * 1000:.0f} ms = {ours / base:.2f}x the "
              f"baseline, peak Python memory {peak / 1e6:.1f} MB")


def bench_far_cells() -> None:
    """Two data cells at A1 and XFD1048576 read by one formula, and 40 IS/IFERROR
    aggregates over a whole column of 10 cells, against a tiny book (time, peak memory)."""
    import tempfile

    import openpyxl

    print("== betaxl recalc: a cell at XFD1048576; 40 ISNUMBER/IFERROR over D!A:A ==")
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for label in ("tiny", "far", "is_column"):
            book = openpyxl.Workbook()
            data = book.active
            data.title = "D"
            formulas = book.create_sheet("F")
            for i in range(1, 11):
                data.cell(i, 1, i)
            if label == "far":
                data["XFD1048576"] = 2
            if label == "is_column":
                for i in range(1, 21):
                    formulas.cell(i, 1, f"=SUMPRODUCT(ISNUMBER(D!A:A)*{i})")
                    formulas.cell(i, 2, f"=SUMPRODUCT(IFERROR(1/D!A:A,0)*{i})")
            else:
                formulas["A1"] = "=D!A1+1"
            paths[label] = Path(folder) / f"{label}.xlsx"
            book.save(paths[label])

        run = recalc_runs(paths, Path(folder))

        base = best(run("tiny"), 5)
        print(f"tiny book, one formula: {base * 1000:.0f} ms (the baseline)")
        for label, what in (("far", "a data cell at XFD1048576"),
                            ("is_column", "40 ISNUMBER/IFERROR over D!A:A")):
            ours = best(run(label), 3)
            peak = peak_python_memory(run(label))
            print(f"{what}: {ours * 1000:.0f} ms = {ours / base:.2f}x the baseline, "
                  f"peak Python memory {peak / 1e6:.1f} MB")


def bench_column_formulas(n: int = 3000) -> None:
    """3,000 ``=SUM(C:C)+A{i}`` against 3,000 ``=C1+A{i}`` (one cell each: linear work)."""
    import tempfile

    import openpyxl

    print(f"== betaxl recalc: {n:,} formulas =SUM(C:C)+A{{i}} over one whole column ==")
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for label, text in (("cell", "=C1+A{i}"), ("column", "=SUM(C:C)+A{i}")):
            book = openpyxl.Workbook()
            ws = book.active
            for i in range(1, n + 1):
                ws.cell(i, 1, i)
                ws.cell(i, 3, 0.5 * i)
                ws.cell(i, 5, text.format(i=i))
            paths[label] = Path(folder) / f"{label}.xlsx"
            book.save(paths[label])

        run = recalc_runs(paths, Path(folder), n)

        base, ours = best(run("cell"), 3), best(run("column"), 3)
        print(f"{n:,} formulas =C1+A{{i}}: {base * 1000:.0f} ms (the baseline)")
        print(f"{n:,} formulas =SUM(C:C)+A{{i}}: {ours * 1000:.0f} ms = {ours / base:.2f}x "
              "the baseline")


def bench_running_totals() -> None:
    """Running totals ``=SUM(A$1:A{i-1})*0+1`` for 5,000 and 10,000 rows: the ratio of
    the two (2 is linear, 4 the square of the rows) and the ratio to as many plain
    ``=A{i-1}+1`` formulas."""
    import tempfile

    import xlsxwriter

    from betaxl.workbook.recalc import recalculate_file

    print("== betaxl recalc: running totals =SUM(A$1:A{i-1})*0+1 ==")
    with tempfile.TemporaryDirectory() as folder:
        def build(label: str, text: str, n: int) -> Path:
            path = Path(folder) / f"{label}{n}.xlsx"
            book = xlsxwriter.Workbook(str(path))
            ws = book.add_worksheet("S")
            ws.write_number(0, 0, 1)
            for i in range(2, n + 1):
                ws.write_formula(i - 1, 0, text.format(i=i - 1))
            book.close()
            return path

        def run(path: Path, n: int) -> Callable[[], None]:
            def go() -> None:
                out = recalculate_file(path, path.with_name(f"out_{path.name}"))
                assert out.report.computed == n - 1 and not out.report.unsupported
            return go

        times = {}
        for n in (5_000, 10_000):
            for label, text in (("plain", "=A{i}+1"), ("total", "=SUM(A$1:A{i})*0+1")):
                times[label, n] = best(run(build(label, text, n), n), 3)
        for n in (5_000, 10_000):
            print(f"{n:,} running totals: {times['total', n] * 1000:.0f} ms = "
                  f"{times['total', n] / times['plain', n]:.2f}x {n:,} plain formulas "
                  f"({times['plain', n] * 1000:.0f} ms)")
        print(f"10,000 rows / 5,000 rows: {times['total', 10_000] / times['total', 5_000]:.2f}"
              f" (plain: {times['plain', 10_000] / times['plain', 5_000]:.2f})")


def bench_far_column_block() -> None:
    """``=SUM(D!A1:XFD1048576)`` and ``=COUNT(D!A:XFD)`` over 3,000 cells at column XFD
    in random rows, against the same cells in column A (time, peak Python memory)."""
    import random
    import tempfile

    import xlsxwriter

    print("== betaxl recalc: SUM/COUNT over a sparse block, 3,000 cells at column XFD ==")
    rows = random.Random(18).sample(range(1_048_576), 3000)
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for label, col in (("column_a", 0), ("column_xfd", 16383)):
            paths[label] = Path(folder) / f"{label}.xlsx"
            book = xlsxwriter.Workbook(str(paths[label]))
            s, d = book.add_worksheet("S"), book.add_worksheet("D")
            s.write_formula("A1", "=SUM(D!A1:XFD1048576)")
            s.write_formula("A2", "=COUNT(D!A:XFD)")
            for r in rows:
                d.write_number(r, col, 1.5)
            book.close()

        run = recalc_runs(paths, Path(folder), 2)

        base, ours = best(run("column_a"), 3), best(run("column_xfd"), 3)
        peak = peak_python_memory(run("column_xfd"))
        print(f"the 3,000 cells in column A: {base * 1000:.0f} ms (the baseline)")
        print(f"the 3,000 cells at column XFD: {ours * 1000:.0f} ms = {ours / base:.2f}x "
              f"the baseline, peak Python memory {peak / 1e6:.1f} MB")


SECTIONS: dict[str, Callable[[], None]] = {
    "core": bench_core,
    "udf": bench_udf,
    "recalc": bench_recalc,
    "checks": bench_checks,
    "safeio": bench_safeio,
    "whole_columns": bench_whole_columns,
    "spills": bench_spills,
    "factors": bench_factors,
    "risk": bench_risk,
    "engine": bench_recalc_engine,
    "engine_whole_columns": bench_recalc_whole_columns,
    "sparse": bench_sparse_recalc,
    "column_formulas": bench_column_formulas,
    "running_totals": bench_running_totals,
    "far_column_block": bench_far_column_block,
    "sparse_arrays": bench_sparse_arrays,
    "far_cells": bench_far_cells,
    "gaps": bench_gaps,
    "cli": bench_cli,
    "dask": bench_dask,
    "memory": bench_memory,
}


def main(argv: list[str]) -> None:
    if argv[:1] == ["_spill"]:
        _spill_ratios(argv[1])
        return
    if argv[:1] == ["_whole"]:
        _whole_column_ratio(argv[1])
        return
    chosen = argv or list(SECTIONS)
    for name in chosen:
        SECTIONS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
