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


def run_under(kernel: str, code: str, cwd: Path) -> None:
    """Run ``code`` in a fresh Python using this tree's betaxl and the given kernel."""
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "OPENBLAS_VERBOSE": "0",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                       os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{kernel}: {done.stderr[-2000:]}"


def test_template_is_the_same_bytes_under_every_kernel(tmp_path: Path) -> None:
    for kernel in KERNELS:
        run_under(kernel, "from betaxl.workbook.template import build_template; "
                          f"build_template({kernel + '.xlsm'!r})", tmp_path)
    built = {k: (tmp_path / f"{k}.xlsm").read_bytes() for k in KERNELS}
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
