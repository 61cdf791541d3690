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

>>> slope([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
1.5
>>> stdev_s([0.1, 0.2, 0.3]) == 0.1
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

__all__ = ["average", "correl", "covariance_p", "intercept", "rsq", "slope", "stdev_p",
           "stdev_s", "steyx", "sumproduct"]


def _exact(values: Sequence[float]) -> list[Fraction]:
    return [Fraction(float(v)) for v in values]


def _mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _moments(y: Sequence[float], x: Sequence[float]) -> tuple[Fraction, Fraction, Fraction,
                                                               Fraction, Fraction, int]:
    """(Sxx, Syy, Sxy, x̄, ȳ, n) of the pairs, exactly."""
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("exact: x and y need the same length, at least 2")
    fx, fy = _exact(x), _exact(y)
    mx, my = _mean(fx), _mean(fy)
    dx = [v - mx for v in fx]
    dy = [v - my for v in fy]
    sxx = sum((d * d for d in dx), Fraction(0))
    syy = sum((d * d for d in dy), Fraction(0))
    sxy = sum((a * b for a, b in zip(dx, dy)), Fraction(0))
    return sxx, syy, sxy, mx, my, len(fx)


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
    return float(_mean(_exact(values)))


def stdev_p(values: Sequence[float]) -> float:
    """STDEV.P: √(Σ(v - v̄)² / n)."""
    fv = _exact(values)
    m = _mean(fv)
    return _sqrt(sum(((v - m) ** 2 for v in fv), Fraction(0)) / len(fv))


def stdev_s(values: Sequence[float]) -> float:
    """STDEV.S: √(Σ(v - v̄)² / (n - 1))."""
    fv = _exact(values)
    m = _mean(fv)
    return _sqrt(sum(((v - m) ** 2 for v in fv), Fraction(0)) / (len(fv) - 1))


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
    return float(sum((x * y for x, y in zip(_exact(a), _exact(b))), Fraction(0)))
