"""Correctly rounded Excel statistics, for the values a workbook file stores byte for byte.

The template caches the value of every native check formula (SLOPE, STDEV.P,
SUMPRODUCT, ...).  Those bytes are committed, so they must not depend on which BLAS or
SIMD kernel the machine dispatches to (a dot product summed in another order differs in
the last bit).  Each function here evaluates Excel's definition in exact rational
arithmetic on the given doubles (``fractions.Fraction``) and rounds once, to the nearest
double: the result is the same on every CPU, and it is an independent reference for the
library's floating-point results.

Conventions (Excel's): x̄, ȳ the means; Sxx = Σ(x - x̄)², Syy = Σ(y - ȳ)²,
Sxy = Σ(x - x̄)(y - ȳ).

>>> slope([1.0, 2.0, 4.0], [1.0, 2.0, 3.0])  # SLOPE(known_y, known_x)
1.5
>>> stdev_p([1.0, 3.0]), stdev_s([2.0, 4.0, 6.0])
(1.0, 2.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

__all__ = ["average", "correl", "covariance_p", "intercept", "rsq", "slope", "stdev_p",
           "stdev_s", "steyx", "sumproduct"]


def _scaled(values: Sequence[float]) -> tuple[list[int], Fraction]:
    """Integers k and a power of two u with values = k · u exactly (sums stay integers)."""
    if not all(math.isfinite(float(v)) for v in values):
        raise ValueError("exact: values must be finite")
    ratios = [float(v).as_integer_ratio() for v in values]
    unit = max(d for _, d in ratios)  # denominators are powers of two
    return [n * (unit // d) for n, d in ratios], Fraction(1, unit)


def _sums(values: Sequence[float]) -> tuple[Fraction, Fraction, int]:
    """(Σv, Σ(v - v̄)², n), exactly."""
    k, u = _scaled(values)
    n = len(k)
    total = sum(k)
    squares = Fraction(n * sum(i * i for i in k) - total * total, n) * u * u
    return total * u, squares, n


def _moments(y: Sequence[float], x: Sequence[float]) -> tuple[Fraction, Fraction, Fraction,
                                                               Fraction, Fraction, int]:
    """(Sxx, Syy, Sxy, x̄, ȳ, n) of the pairs, exactly."""
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("exact: x and y need the same length, at least 2")
    kx, ux = _scaled(x)
    ky, uy = _scaled(y)
    n = len(kx)
    sum_x, sum_y = sum(kx), sum(ky)
    sxy = Fraction(n * sum(a * b for a, b in zip(kx, ky, strict=False)) - sum_x * sum_y,
                   n) * ux * uy
    _, sxx, _ = _sums(x)
    _, syy, _ = _sums(y)
    return sxx, syy, sxy, sum_x * ux / n, sum_y * uy / n, n


def _sqrt(q: Fraction) -> float:
    """The double nearest to √q (ties to even), for an exact non-negative q."""
    if q < 0:
        raise ValueError("exact: square root of a negative number")
    if q == 0:
        return 0.0
    f = math.sqrt(float(q))
    while True:
        down, up = math.nextafter(f, 0.0), math.nextafter(f, math.inf)
        low = (Fraction(down) + Fraction(f)) / 2
        high = (Fraction(f) + Fraction(up)) / 2
        if low * low > q:
            f = down
        elif high * high < q:
            f = up
        elif low * low == q or high * high == q:  # a tie: the even neighbour
            other = down if low * low == q else up
            return f if math.frexp(f)[0] * 2 ** 53 % 2 == 0 else other
        else:
            return f


def average(values: Sequence[float]) -> float:
    """AVERAGE: Σv / n."""
    total, _, n = _sums(values)
    return float(total / n)


def stdev_p(values: Sequence[float]) -> float:
    """STDEV.P: √(Σ(v - v̄)² / n)."""
    _, squares, n = _sums(values)
    return _sqrt(squares / n)


def stdev_s(values: Sequence[float]) -> float:
    """STDEV.S: √(Σ(v - v̄)² / (n - 1))."""
    _, squares, n = _sums(values)
    return _sqrt(squares / (n - 1))


def covariance_p(y: Sequence[float], x: Sequence[float]) -> float:
    """COVARIANCE.P: Sxy / n."""
    _, _, sxy, _, _, n = _moments(y, x)
    return float(sxy / n)


def slope(y: Sequence[float], x: Sequence[float]) -> float:
    """SLOPE(y, x): Sxy / Sxx."""
    sxx, _, sxy, _, _, _ = _moments(y, x)
    return float(sxy / sxx)


def intercept(y: Sequence[float], x: Sequence[float]) -> float:
    """INTERCEPT(y, x): ȳ - x̄ · Sxy / Sxx."""
    sxx, _, sxy, mx, my, _ = _moments(y, x)
    return float(my - mx * sxy / sxx)


def rsq(y: Sequence[float], x: Sequence[float]) -> float:
    """RSQ(y, x): Sxy² / (Sxx · Syy)."""
    sxx, syy, sxy, _, _, _ = _moments(y, x)
    return float(sxy * sxy / (sxx * syy))


def correl(y: Sequence[float], x: Sequence[float]) -> float:
    """CORREL(y, x): Sxy / √(Sxx · Syy)."""
    sxx, syy, sxy, _, _, _ = _moments(y, x)
    r = _sqrt(sxy * sxy / (sxx * syy))
    return -r if sxy < 0 else r


def steyx(y: Sequence[float], x: Sequence[float]) -> float:
    """STEYX(y, x): √((Syy - Sxy² / Sxx) / (n - 2))."""
    sxx, syy, sxy, _, _, n = _moments(y, x)
    return _sqrt((syy - sxy * sxy / sxx) / (n - 2))


def sumproduct(a: Sequence[float], b: Sequence[float]) -> float:
    """SUMPRODUCT: Σ aᵢ bᵢ."""
    if len(a) != len(b):
        raise ValueError("exact: sumproduct needs two sequences of the same length")
    ka, ua = _scaled(a)
    kb, ub = _scaled(b)
    return float(sum(x * y for x, y in zip(ka, kb, strict=False)) * ua * ub)
