"""Downside, tail, drawdown and capture measures as R PerformanceAnalytics 2.1 defines them.

Each function takes one column of simple per-period returns without missing values and
uses PerformanceAnalytics' default arguments: confidence 95%, minimum acceptable
return (MAR) 0, geometric chaining.  Sign conventions (PA's): VaR and ES are *returns*,
so a loss is negative; the maximum drawdown is the fraction of value lost, positive.
With ``m_k = sum((r - mean)^k) / n`` the central moments (population, as PA's
``centeredmoment``) and ``z = Phi^-1(0.05)``:

- ``downside_deviation = sqrt(sum(min(r - MAR, 0)^2) / n)`` over all n rows:
  ``DownsideDeviation(R)``.
- ``sortino = mean(r - MAR) / downside_deviation``, per period: ``SortinoRatio(R)``.
- ``max_drawdown = max_t 1 - W_t / max(1, W_1..W_t)`` with ``W = cumprod(1 + r)``:
  ``maxDrawdown(R)``.
- ``calmar = annual_return / max_drawdown``: ``CalmarRatio(R)``.
- ``var_historical``: the 5% quantile of r, R's type 7 (linear interpolation):
  ``VaR(R, method="historical")``.
- ``var_gaussian = mean + z sqrt(m_2)``: ``VaR(R, method="gaussian")``.
- ``var_modified = mean + h sqrt(m_2)``, Cornish-Fisher h below: ``VaR(R)``.
- ``es_historical``: the mean of the returns strictly below ``var_historical``:
  ``ES(R, method="historical")``.
- ``up_capture = (prod(1 + r) - 1) / (prod(1 + b) - 1)`` over the rows with b > 0,
  ``down_capture`` the same over b <= 0: ``UpDownRatios(R, b, "Capture", "Up"/"Down")``.
- ``skewness = m_3 / m_2^1.5``: ``skewness(R)``; ``excess_kurtosis = m_4 / m_2^2 - 3``:
  ``kurtosis(R)``.
- ``treynor = A(r - f) / beta``, A the geometric annualisation and beta the slope of
  ``r - f`` on ``b - f``: ``TreynorRatio(R, b, Rf)``.
- ``sharpe_arithmetic = mean(r - f) t / (sd(r - f) sqrt(t))``, sd with n - 1:
  ``SharpeRatio.annualized(R, Rf)`` (whose default is ``geometric=FALSE``).

``h = z + (z^2 - 1) S / 6 + (z^3 - 3z) K / 24 - (2z^3 - 5z) S^2 / 36`` with S the
skewness and K the excess kurtosis above.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

__all__ = ["CONFIDENCE", "pa_measures"]

#: Confidence level of VaR and ES (PerformanceAnalytics' default p = 0.95).
CONFIDENCE = 0.95
_Z = NormalDist().inv_cdf(1.0 - CONFIDENCE)


def _moments(r: np.ndarray) -> tuple[float, float, float, float]:
    mu = float(r.mean())
    d = r - mu
    return mu, float((d * d).mean()), float((d ** 3).mean()), float((d ** 4).mean())


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
                    beta: float) -> dict[str, float]:
    """Every PerformanceAnalytics measure for one column (rows already complete)."""
    n = len(r)
    nan = float("nan")
    if n == 0:
        return dict.fromkeys(_NAMES, nan)
    mu, m2, m3, m4 = _moments(r)
    skew = m3 / m2 ** 1.5 if m2 > 0 else nan
    kurt = m4 / m2 ** 2 - 3.0 if m2 > 0 else nan
    downside = float(np.sqrt((np.minimum(r, 0.0) ** 2).sum() / n))
    mdd = drawdown_max(r)
    annual = float(np.expm1(np.log1p(r).sum() * t / n))
    h = (_Z + (_Z ** 2 - 1) * skew / 6 + (_Z ** 3 - 3 * _Z) * kurt / 24
         - (2 * _Z ** 3 - 5 * _Z) * skew ** 2 / 36)
    var_h = quantile_type7(r, 1.0 - CONFIDENCE)
    tail = r[r < var_h]
    x = r - f
    sd_x = float(x.std(ddof=1)) if n > 1 else nan
    annual_x = float(np.expm1(np.log1p(x).sum() * t / n))
    return {
        "treynor": annual_x / beta if beta != 0 else nan,
        "sharpe_arithmetic": float(x.mean()) * t / (sd_x * np.sqrt(t)) if sd_x > 0 else nan,
        "downside_deviation": downside,
        "sortino": mu / downside if downside > 0 else nan,
        "max_drawdown": mdd,
        "calmar": annual / mdd if mdd > 0 else nan,
        "var_historical": var_h,
        "var_gaussian": mu + _Z * float(np.sqrt(m2)),
        "var_modified": mu + h * float(np.sqrt(m2)),
        "es_historical": float(tail.mean()) if len(tail) else nan,
        "up_capture": capture(r, b, up=True),
        "down_capture": capture(r, b, up=False),
        "skewness": skew,
        "excess_kurtosis": kurt,
    }


_NAMES = ("treynor", "sharpe_arithmetic", "downside_deviation", "sortino", "max_drawdown",
          "calmar", "var_historical", "var_gaussian", "var_modified", "es_historical",
          "up_capture", "down_capture", "skewness", "excess_kurtosis")


def pa_measures(rr: np.ndarray, bb: np.ndarray, ff: np.ndarray, valid: np.ndarray,
                t: float, beta: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`column_measures` for each column of masked (n, k) arrays."""
    k = rr.shape[1]
    out = {name: np.full(k, np.nan) for name in _NAMES}
    for j in range(k):
        rows = valid[:, j]
        values = column_measures(rr[rows, j], bb[rows, j], ff[rows, j], t, float(beta[j]))
        for name in _NAMES:
            out[name][j] = values[name]
    return out
