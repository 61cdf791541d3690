"""Downside, tail, drawdown and capture measures as R PerformanceAnalytics 2.1 defines them.

Each function takes one column of simple per-period returns without missing values and
uses PerformanceAnalytics' default arguments: confidence 95%, minimum acceptable
return (MAR) 0, geometric chaining.  Sign conventions (PA's): VaR and ES are *returns*,
so a loss is negative; the maximum drawdown is the fraction of value lost, positive.
With ``m_k = sum((r - mean)^k) / n`` the central moments (population, as PA's
``centeredmoment``) and ``z = Phi^-1(0.05)``:

(``downside_deviation`` and ``sortino_per_period``, PA's ``DownsideDeviation(R, MAR)``
and ``SortinoRatio(R, MAR)``, are in :mod:`betaxl.risk_analyst` with the other measures
at a MAR.)
- ``max_drawdown = max_t 1 - W_t / max(1, W_1..W_t)`` with ``W = cumprod(1 + r)``:
  ``maxDrawdown(R)``.
- ``calmar_full = annual_return / max_drawdown`` over the whole sample: ``CalmarRatio(R)``.
- ``var_historical``: the 5% quantile of r, R's type 7 (linear interpolation):
  ``VaR(R, method="historical")``.
- ``var_gaussian = mean + z sqrt(m_2)``: ``VaR(R, method="gaussian")``.
- ``var_modified = mean + h(z) sqrt(m_2)``, Cornish-Fisher h below: ``VaR(R)``, blank
  where h is not increasing on ``[z, 0]`` (below).
- ``es_historical``: the mean of the returns strictly below ``var_historical``:
  ``ES(R, method="historical")``.
- ``up_capture_pa = (prod(1 + r) - 1) / (prod(1 + b) - 1)`` over the rows with b > 0,
  ``down_capture_pa`` the same over b <= 0: ``UpDownRatios(R, b, "Capture", "Up"/"Down")``.
- ``skewness = m_3 / m_2^1.5``: ``skewness(R)``; ``excess_kurtosis = m_4 / m_2^2 - 3``:
  ``kurtosis(R)``.
- ``treynor = A(r - f) / beta``, A the geometric annualisation and beta the slope of
  ``r - f`` on ``b - f``: ``TreynorRatio(R, b, Rf)``.
- ``sharpe_arithmetic = mean(r - f) t / (sd(r - f) sqrt(t))``, sd with n - 1:
  ``SharpeRatio.annualized(R, Rf)`` (whose default is ``geometric=FALSE``).

``h = z + (z^2 - 1) S / 6 + (z^3 - 3z) K / 24 - (2z^3 - 5z) S^2 / 36`` with S the
skewness and K the excess kurtosis above.  The expansion is a quantile only where it
is monotone (Maillard 2012, "A User's Guide to the Cornish Fisher Expansion"):
``h'(z) = a z^2 + b z + c`` with ``a = K/8 - S^2/6``, ``b = S/3``,
``c = 1 - K/8 + 5 S^2/36`` must be positive on ``[z, 0]`` (at both ends and, when
``a > 0``, at the vertex ``-b / 2a`` if it lies inside); with S = 0 at 95% that is
``-4.69 < K < 8``.  Outside, PA's number is milder than the Gaussian VaR for heavy
tails, and betaxl leaves ``var_modified`` blank.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from .risk_analyst import analyst_measures

__all__ = ["CONFIDENCE", "cornish_fisher_monotone", "pa_measures"]

#: Confidence level of VaR and ES (PerformanceAnalytics' default p = 0.95).
CONFIDENCE = 0.95
_Z = NormalDist().inv_cdf(1.0 - CONFIDENCE)


def drawdown_max(r: np.ndarray) -> float:
    """Largest fall from a running peak of ``cumprod(1 + r)``, the start (1) included.

    >>> drawdown_max(np.array([0.1, -0.5, 0.2]))  # 1.1 -> 0.55: half lost
    0.5
    """
    wealth = np.cumprod(1.0 + r)
    peak = np.maximum.accumulate(np.maximum(wealth, 1.0))
    return float(np.max(1.0 - wealth / peak)) if len(r) else float("nan")


def quantile_type7(r: np.ndarray, p: float) -> float:
    """R's default ``quantile`` (type 7): linear interpolation at ``(n - 1) p``.

    >>> quantile_type7(np.array([4.0, 1.0, 3.0, 2.0]), 0.05)  # 1 + 0.15 (2 - 1)
    1.15
    """
    return float(np.quantile(r, p, method="linear"))


def capture(r: np.ndarray, b: np.ndarray, up: bool) -> float:
    """PA's geometric capture ratio over the rows where the benchmark rose (fell).

    >>> round(capture(np.array([0.1, -0.1]), np.array([0.2, -0.2]), up=True), 12)
    0.5
    """
    rows = b > 0 if up else b <= 0
    if not rows.any():
        return float("nan")
    bench = float(np.prod(1.0 + b[rows]) - 1.0)
    return float(np.prod(1.0 + r[rows]) - 1.0) / bench if bench != 0 else float("nan")


def column_measures(r: np.ndarray, b: np.ndarray, f: np.ndarray, t: float,
                    beta: float, mar: float = 0.0) -> dict[str, float]:
    """Every measure for one column without missing values (see :func:`pa_measures`
    and :func:`~betaxl.risk_analyst.analyst_measures`)."""
    n = len(r)
    rr, bb = np.asarray(r, float)[:, None], np.asarray(b, float)[:, None]
    valid = np.ones((n, 1), dtype=bool)
    out = pa_measures(rr, bb, np.asarray(f, float)[:, None], valid, t, np.array([beta]))
    out.update(analyst_measures(rr, bb, valid, t, mar))
    return {name: float(values[0]) for name, values in out.items()}


def cornish_fisher_monotone(skew: np.ndarray, kurt: np.ndarray) -> np.ndarray:
    """Whether ``h'(z) > 0`` on ``[z_a, 0]`` (see the module's docstring).

    >>> cornish_fisher_monotone(np.array([0.0, 0.0, 0.0]), np.array([7.9, 8.1, -4.8]))
    array([ True, False, False])
    """
    a, b, c = kurt / 8 - skew ** 2 / 6, skew / 3, 1 - kurt / 8 + 5 * skew ** 2 / 36
    with np.errstate(all="ignore"):
        vertex = -b / (2 * a)
    inside = (a > 0) & (vertex > _Z) & (vertex < 0)
    lowest = np.minimum(a * _Z ** 2 + b * _Z + c, c)
    lowest = np.where(inside, np.minimum(lowest, c - b * b / (4 * a)), lowest)
    return np.asarray(lowest > 0)


def pa_measures(rr: np.ndarray, bb: np.ndarray, ff: np.ndarray, valid: np.ndarray,
                t: float, beta: np.ndarray) -> dict[str, np.ndarray]:
    """Every measure for each column of (n, k) arrays, over the rows where ``valid``.

    One pass of whole-array operations for all columns (no per-column loop).  Rows left
    out are set to a zero return where that is exact (drawdown: a zero return moves
    neither the value nor its peak; products: a factor of 1) and masked elsewhere.
    """
    n = valid.sum(axis=0).astype(np.float64)
    with np.errstate(all="ignore"):
        r0 = np.where(valid, rr, 0.0)
        b0 = np.where(valid, bb, 0.0)
        x0 = np.where(valid, rr - ff, 0.0)
        mu = r0.sum(axis=0) / n
        d = np.where(valid, rr - mu, 0.0)
        d2 = d * d
        m2, m3, m4 = d2.sum(axis=0) / n, (d2 * d).sum(axis=0) / n, (d2 * d2).sum(axis=0) / n
        spread = m2 > 0
        skew = np.where(spread, m3 / m2 ** 1.5, np.nan)
        kurt = np.where(spread, m4 / m2 ** 2 - 3.0, np.nan)
        wealth = np.cumprod(1.0 + r0, axis=0)
        peak = np.maximum.accumulate(np.maximum(wealth, 1.0), axis=0)
        mdd = np.where(n > 0, np.max(1.0 - wealth / peak, axis=0, initial=0.0), np.nan)
        annual = np.expm1(np.log1p(r0).sum(axis=0) * t / n)
        h = (_Z + (_Z ** 2 - 1) * skew / 6 + (_Z ** 3 - 3 * _Z) * kurt / 24
             - (2 * _Z ** 3 - 5 * _Z) * skew ** 2 / 36)
        masked = np.where(valid, rr, np.nan)
        var_h = _quantiles(masked, n, 1.0 - CONFIDENCE)
        tail = valid & (masked < var_h)
        es = np.where(tail, rr, 0.0).sum(axis=0) / tail.sum(axis=0)
        x_mean = x0.sum(axis=0) / n
        x_sd = np.sqrt((np.where(valid, rr - ff - x_mean, 0.0) ** 2).sum(axis=0) / (n - 1))
        annual_x = np.expm1(np.log1p(x0).sum(axis=0) * t / n)
        sqrt_m2 = np.sqrt(m2)
        out = {
            "treynor": annual_x / beta,
            "sharpe_arithmetic": x_mean * t / (x_sd * np.sqrt(t)),
            "max_drawdown": mdd,
            "calmar_full": annual / mdd,
            "var_historical": var_h,
            "var_gaussian": mu + _Z * sqrt_m2,
            "var_modified": np.where(cornish_fisher_monotone(skew, kurt),
                                     mu + h * sqrt_m2, np.nan),
            "es_historical": es,
            "up_capture_pa": _capture(r0, b0, valid & (bb > 0)),
            "down_capture_pa": _capture(r0, b0, valid & (bb <= 0)),
            "skewness": skew,
            "excess_kurtosis": kurt,
        }
    return {name: np.where(np.isfinite(v), v, np.nan) for name, v in out.items()}


def _quantiles(masked: np.ndarray, n: np.ndarray, p: float) -> np.ndarray:
    """R's type 7 quantile of each column, missing values (NaN) left out: one sort."""
    k = masked.shape[1]
    if masked.shape[0] == 0:
        return np.full(k, np.nan)
    ordered = np.sort(masked, axis=0)  # NaN sorts last
    h = np.maximum(n - 1, 0) * p
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0).astype(np.int64))
    cols = np.arange(k)
    low, high = ordered[lo, cols], ordered[hi, cols]
    return np.where(n > 0, low + (h - lo) * (high - low), np.nan)


def _capture(r0: np.ndarray, b0: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Compound return of r over ``rows`` divided by that of b (PA's geometric capture)."""
    own = np.expm1(np.where(rows, np.log1p(r0), 0.0).sum(axis=0))
    bench = np.expm1(np.where(rows, np.log1p(b0), 0.0).sum(axis=0))
    return np.where(rows.any(axis=0) & (bench != 0), own / bench, np.nan)
