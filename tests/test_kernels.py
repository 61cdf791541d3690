"""Outputs must not depend on the CPU's BLAS kernel (OpenBLAS dispatches per CPU).

Each case runs in subprocesses with a different ``OPENBLAS_CORETYPE``: the kernels sum
dot products in different orders, so anything computed through BLAS can differ in the
last bits.  Committed bytes (the template) must be identical; computed outputs must
agree to 1e-12 relative.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import betaxl as bx
from betaxl.examples import BOND_MARKET, BOND_PRICES
from betaxl.workbook import exact

ROOT = Path(__file__).resolve().parents[1]
# generic, old SSE3, AVX, AVX2 and AVX-512 kernels (all x86-64 builds of OpenBLAS have them)
KERNELS = ("Prescott", "Sandybridge", "Haswell", "SkylakeX")


# numpy's own SIMD loops (its X86_V3/V4 = AVX2/AVX-512 dispatch) switched off as well
NO_NUMPY_SIMD = {"NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"}


def run_under(kernel: str, code: str, cwd: Path, extra: dict[str, str] | None = None
              ) -> None:
    """Run ``code`` in a fresh Python using this tree's betaxl and the given kernel."""
    env = {**os.environ, **(extra or {}), "OPENBLAS_CORETYPE": kernel, "OPENBLAS_VERBOSE": "0",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                       os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{kernel}: {done.stderr[-2000:]}"


def test_template_is_the_same_bytes_under_every_kernel(tmp_path: Path) -> None:
    for kernel in KERNELS:
        run_under(kernel, "from betaxl.workbook.template import build_template; "
                          f"build_template({kernel + '.xlsm'!r})", tmp_path)
    run_under("Prescott", "from betaxl.workbook.template import build_template; "
                          "build_template('plain.xlsm')", tmp_path, NO_NUMPY_SIMD)
    built = {k: (tmp_path / f"{k}.xlsm").read_bytes() for k in (*KERNELS, "plain")}
    assert len(set(built.values())) == 1, {k: len(v) for k, v in built.items()}
    assert built[KERNELS[0]] == (ROOT / "workbook_template.xlsm").read_bytes(), \
        "rebuild it: betaxl template -o workbook_template.xlsm"


# -- the exact statistics the template caches -------------------------------------------

def test_exact_statistics_are_correctly_rounded() -> None:
    x = bx.to_returns(BOND_MARKET).iloc[:, 0].tolist()
    y = bx.to_returns(BOND_PRICES).iloc[:, 0].tolist()
    fx, fy = [Fraction(v) for v in x], [Fraction(v) for v in y]
    n = len(x)
    mx, my = sum(fx) / n, sum(fy) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(fx, fy))
    sxx = sum((a - mx) ** 2 for a in fx)
    assert exact.slope(y, x) == float(sxy / sxx)
    assert exact.intercept(y, x) == float(my - mx * sxy / sxx)
    assert exact.covariance_p(y, x) == float(sxy / n)
    assert exact.average(y) == float(my)
    # Python's statistics module rounds its variances correctly too (Fractions inside)
    assert exact.stdev_s(y) == pytest.approx(statistics.stdev(y), rel=2 ** -52)
    assert exact.stdev_p(y) == pytest.approx(statistics.pstdev(y), rel=2 ** -52)
    # and agree with betaxl's own floating-point results
    fit = bx.ols_beta(bx.to_returns(BOND_PRICES), bx.to_returns(BOND_MARKET).iloc[:, 0])
    assert exact.slope(y, x) == pytest.approx(fit.beta.iloc[0], rel=1e-13)
    assert exact.rsq(y, x) == pytest.approx(fit.r_squared.iloc[0], rel=1e-13)
    assert exact.correl(y, x) == pytest.approx(fit.correlation.iloc[0], rel=1e-13)
    assert exact.steyx(y, x) == pytest.approx(fit.resid_std.iloc[0], rel=1e-13)


def test_exact_square_root_is_the_nearest_double() -> None:
    for q in (Fraction(2), Fraction(1, 3), Fraction(10 ** 30 + 7, 3), Fraction(4),
              Fraction(1, 10 ** 20)):
        r = exact._sqrt(q)
        lo, hi = Fraction(r) - Fraction(r) * Fraction(1, 2 ** 53), \
            Fraction(r) + Fraction(r) * Fraction(1, 2 ** 53)
        assert lo * lo <= q <= hi * hi, q
    assert exact._sqrt(Fraction(4)) == 2.0
    assert exact.correl([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == -1.0


# -- computed outputs: equal to 1e-12 relative under every kernel ----------------------

def _close(a: float, b: float, scale: float) -> bool:
    """Equal to 1e-12 relative (of the value, or of its column for values near zero)."""
    return abs(a - b) <= 1e-12 * max(abs(a), abs(b), scale * 1e-3)


def test_recalculated_workbooks_agree_under_every_kernel(tmp_path: Path) -> None:
    import openpyxl

    from betaxl.workbook.recalc import OUTPUT_SHEET

    for kernel in KERNELS:
        run_under(kernel, "from betaxl.cli import main; import sys; sys.exit(main(["
                          f"'recalc', {str(ROOT / 'workbook_template.xlsm')!r}, '-o', "
                          f"{kernel + '.xlsm'!r}]))", tmp_path)
    sheets = {}
    for kernel in KERNELS:
        book = openpyxl.load_workbook(tmp_path / f"{kernel}.xlsm", read_only=True,
                                      data_only=True)
        sheets[kernel] = [list(row) for row in
                          book[OUTPUT_SHEET].iter_rows(values_only=True)]
        book.close()
    first = sheets[KERNELS[0]]
    numbers = [abs(v) for row in first for v in row if isinstance(v, float)]
    assert len(numbers) > 500  # the tables are there
    scale = max(numbers)
    for kernel in KERNELS[1:]:
        other = sheets[kernel]
        assert len(other) == len(first)
        for r, (row_a, row_b) in enumerate(zip(first, other)):
            assert len(row_a) == len(row_b)
            for a, b in zip(row_a, row_b):
                if isinstance(a, float) and isinstance(b, float):
                    assert _close(a, b, scale), (kernel, r, a, b)
                else:
                    assert a == b, (kernel, r, a, b)


def test_betas_csv_agree_under_every_kernel(tmp_path: Path) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(11)
    n, k = 600, 60  # wide enough that every kernel takes its blocked paths
    market = rng.normal(3e-4, 0.01, n)
    panel = market[:, None] * rng.uniform(0.3, 1.7, k) + rng.normal(0, 0.015, (n, k))
    frame = pd.DataFrame(panel, columns=[f"a{j}" for j in range(k)],
                         index=pd.bdate_range("2020-01-01", periods=n))
    frame["mkt"] = market
    frame.to_csv(tmp_path / "returns.csv")  # pandas' default CSV: dates, unnamed index
    for kernel in KERNELS:
        run_under(kernel, "from betaxl.cli import main; import sys; sys.exit(main(["
                          "'betas', 'returns.csv', '--market', 'mkt', '--window', '60', "
                          f"'--risk-free', '0.0001', '-o', {kernel + '.csv'!r}]))",
                  tmp_path)
    for suffix in ("", "_rolling_60"):
        tables = {k: pd.read_csv(tmp_path / f"{k}{suffix}.csv", index_col=0)
                  for k in KERNELS}
        first = tables[KERNELS[0]]
        assert first.shape[0] >= k - 1 and first.notna().to_numpy().sum() > 500
        for kernel in KERNELS[1:]:
            other = tables[kernel]
            assert list(other.columns) == list(first.columns)
            assert list(other.index) == list(first.index)
            a, b = first.to_numpy(float), other.to_numpy(float)
            assert np.array_equal(np.isnan(a), np.isnan(b))
            scale = np.nanmax(np.abs(a), axis=0, keepdims=True)
            diff = np.abs(a - b)
            bound = 1e-12 * np.maximum(np.maximum(np.abs(a), np.abs(b)), scale * 1e-3)
            worst = np.nanmax(diff / np.where(bound > 0, bound, 1) * 1e-12)
            assert np.all((diff <= bound) | np.isnan(a)), (kernel, suffix, worst)


def test_rolling_beta_is_the_same_bytes_under_every_kernel(tmp_path: Path) -> None:
    """rolling_beta adds with numpy's own loops, not BLAS: bytes, not 1e-12 (complete
    data, a window of 252 and a prime one, a level of 1e9 - rolling_beta's numbers
    without the check that refuses levels as returns - and data with gaps)."""
    code = ("import hashlib, sys, numpy as np, betaxl as bx; "
            "from betaxl.rolling import rolling_columns; "
            "rng = np.random.default_rng(5); m = rng.normal(3e-4, 0.01, 800); "
            "y = m[:, None] * rng.uniform(0.2, 1.8, 40) + rng.normal(0, 0.015, (800, 40)); "
            "out = [bx.rolling_beta(y, m, 252), bx.rolling_beta(y, m, 61), "
            "rolling_columns(1e9 + y, 1e9 + m, 96, 96)]; y[::17, 3] = np.nan; "
            "out.append(bx.rolling_beta(y, m, 252, min_obs=200)); "
            "open('digest', 'a').write("
            "hashlib.sha256(b''.join(np.asarray(o).tobytes() for o in out)).hexdigest()"
            " + '\\n')")
    for kernel in KERNELS:
        run_under(kernel, code, tmp_path)
    run_under("Prescott", code, tmp_path, NO_NUMPY_SIMD)
    digests = (tmp_path / "digest").read_text().split()
    assert len(digests) == len(KERNELS) + 1 and len(set(digests)) == 1, digests


def _managers_like(path: Path) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(21)
    m = rng.normal(0.007, 0.04, 60)
    frame = pd.DataFrame({"MKT": m, "A": 0.002 + 1.2 * m + rng.normal(0, 0.02, 60),
                          "B": 0.8 * m + rng.normal(0, 0.03, 60),
                          "C": 0.001 + 0.5 * m + rng.normal(0, 0.01, 60)},
                         index=pd.date_range("2018-01-31", periods=60, freq="ME",
                                             name="date"))
    frame.loc[frame.index[7], "MKT"] = float("nan")  # a gap: the masked paths run too
    frame.to_csv(path)


def test_report_and_reconcile_files_are_the_same_bytes_under_every_kernel(
        tmp_path: Path) -> None:
    """The report page and ``reconcile -o`` are written files: their betas and weighted
    sums add with numpy's own loops (fit_columns, beta_reconcile), not BLAS products,
    so every kernel writes the same bytes.  Without numpy's SIMD loops the
    reconciliation is the same bytes too (the report's geometric rows use numpy's
    vectorised log1p/expm1, whose last bit differs from the scalar ones: README)."""
    _managers_like(tmp_path / "d.csv")
    weights = "A=0.5,B=0.3,C=0.2"
    for kernel, extra in [(k, None) for k in KERNELS] + [("Prescott", NO_NUMPY_SIMD)]:
        name = kernel if extra is None else "plain"
        run_under(kernel, "from betaxl.cli import main; import sys; sys.exit(main(["
                          f"'reconcile', 'd.csv', '--market', 'MKT', '--weights', {weights!r}, "
                          f"'--risk-free', '0.001', '-o', {name + '.csv'!r}]))", tmp_path, extra)
        if extra is None:
            run_under(kernel, "from betaxl.cli import main; import sys; sys.exit(main(["
                              f"'report', 'd.csv', '--benchmark', 'MKT', '--weights', "
                              f"{weights!r}, '--risk-free', '0.001', '-o', "
                              f"{name + '.html'!r}]))", tmp_path)
    for suffix in (".csv", "_summary.csv", ".html"):
        names = KERNELS if suffix == ".html" else (*KERNELS, "plain")
        files = {k: (tmp_path / f"{k}{suffix}").read_bytes() for k in names}
        assert len(set(files.values())) == 1, (suffix, {k: len(v) for k, v in files.items()})
    assert b'data-chart="rolling_beta"' in files[KERNELS[0]]
