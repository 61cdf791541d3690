"""The measures a performance analyst reports, where they differ from PerformanceAnalytics.

Each function works on (n, k) arrays, one column per portfolio, over the rows where
``valid``; ``t`` is the periods per year and ``mar`` the minimum acceptable return per
period.  Drawdowns are the fraction lost from the running peak of ``W = cumprod(1 + r)``
(the start, 1, counts as a peak), positive.  Sources (README's convention table):

- ``up_capture``, ``down_capture`` (Morningstar): with ``A_S(x) = prod_{S}(1 + x)^(t/|S|)
  - 1`` over the rows S where the benchmark rose (b > 0) or fell (b < 0; b = 0 is in
  neither), ``A_S(r) / A_S(b)``.
- ``up_number = #(r > 0, b > 0) / #(b > 0)``, ``down_number = #(r < 0, b < 0) / #(b < 0)``,
  ``up_percent = #(r > b, b > 0) / #(b > 0)``, ``down_percent = #(r > b, b < 0) / #(b < 0)``
  (PA ``UpDownRatios`` "Number", "Percent").
- ``downside_deviation = sqrt(sum(min(r - mar, 0)^2) / n)`` (Bacon; PA
  ``DownsideDeviation(R, MAR)``), ``downside_deviation_annual`` times sqrt(t);
  ``sortino = (A(r) - ((1 + mar)^t - 1)) / downside_deviation_annual`` (Sortino and
  Price 1994, annualised as Sharpe is); ``sortino_per_period = mean(r - mar) /
  downside_deviation`` (PA ``SortinoRatio(R, MAR)``).
- ``omega = sum(max(r - mar, 0)) / sum(max(mar - r, 0))`` (Keating and Shadwick 2002;
  PA ``Omega(R, L = MAR, method = "simple")``).
- ``pain_index = mean(drawdown)``, ``ulcer_index = sqrt(mean(drawdown^2))`` over all n
  rows (Bacon p. 89; PA ``PainIndex``, ``UlcerIndex``).
- ``calmar``: annualised return over maximum drawdown, both over the trailing ``3t``
  rows (rounded to whole periods; Young 1991), blank with fewer.
- ``batting_average = #(r > b) / n``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["analyst_measures", "calmar_window", "drawdowns"]


def drawdowns(r0: np.ndarray) -> np.ndarray:
    """Fraction lost from the running peak, per row; ``r0`` zero where a row is left out.

    >>> [round(float(x), 12) for x in drawdowns(np.array([[0.1], [-0.5], [0.2]]))[:, 0]]
    [0.0, 0.5, 0.4]
    """
    wealth = np.cumprod(1.0 + r0, axis=0)
    peak = np.maximum.accumulate(np.maximum(wealth, 1.0), axis=0)
    return 1.0 - wealth / peak


def calmar_window(t: float) -> int:
    """Rows in Young's trailing three years: ``3t`` rounded (36 monthly, 756 daily)."""
    return int(round(3.0 * t))


def analyst_measures(rr: np.ndarray, bb: np.ndarray, valid: np.ndarray, t: float,
                     mar: float) -> dict[str, np.ndarray]:
    """The measures of this module's docstring, one value per column."""
    n = valid.sum(axis=0).astype(np.float64)
    with np.errstate(all="ignore"):
        r0 = np.where(valid, rr, 0.0)
        b0 = np.where(valid, bb, 0.0)
        up, down = valid & (bb > 0), valid & (bb < 0)
        n_up, n_down = up.sum(axis=0), down.sum(axis=0)
        shortfall = np.where(valid, np.minimum(rr - mar, 0.0), 0.0)
        downside = np.sqrt((shortfall * shortfall).sum(axis=0) / n)
        gain = np.where(valid, np.maximum(rr - mar, 0.0), 0.0).sum(axis=0)
        annual = np.expm1(np.log1p(r0).sum(axis=0) * t / n)
        dd = drawdowns(r0)
        window = calmar_window(t)
        # the last `window` valid rows of each column: count valid rows from the end
        from_end = np.cumsum(valid[::-1], axis=0)[::-1]
        trail = valid & (from_end <= window)
        trail_r = np.where(trail, rr, 0.0)
        trail_annual = np.expm1(np.log1p(trail_r).sum(axis=0) * t / window)
        trail_mdd = np.max(drawdowns(trail_r), axis=0, initial=0.0)
        out = {
            "up_capture": _annual_ratio(r0, b0, up, t),
            "down_capture": _annual_ratio(r0, b0, down, t),
            "up_number": (up & (rr > 0)).sum(axis=0) / n_up,
            "down_number": (down & (rr < 0)).sum(axis=0) / n_down,
            "up_percent": (up & (rr > bb)).sum(axis=0) / n_up,
            "down_percent": (down & (rr > bb)).sum(axis=0) / n_down,
            "downside_deviation": downside,
            "downside_deviation_annual": downside * np.sqrt(t),
            "sortino": (annual - np.expm1(t * np.log1p(mar))) / (downside * np.sqrt(t)),
            "sortino_per_period": (np.where(valid, rr - mar, 0.0).sum(axis=0) / n) / downside,
            "omega": gain / -shortfall.sum(axis=0),
            "pain_index": np.where(valid, dd, 0.0).sum(axis=0) / n,
            "ulcer_index": np.sqrt(np.where(valid, dd * dd, 0.0).sum(axis=0) / n),
            "calmar": np.where(n >= window, trail_annual / trail_mdd, np.nan),
            "batting_average": (valid & (rr > bb)).sum(axis=0) / n,
        }
    return {name: np.where(np.isfinite(v), v, np.nan) for name, v in out.items()}


def _annual_ratio(r0: np.ndarray, b0: np.ndarray, rows: np.ndarray, t: float) -> np.ndarray:
    """Morningstar's capture: annualised compound return of r over ``rows`` over b's."""
    m = rows.sum(axis=0)
    own = np.expm1(np.where(rows, np.log1p(r0), 0.0).sum(axis=0) * t / m)
    bench = np.expm1(np.where(rows, np.log1p(b0), 0.0).sum(axis=0) * t / m)
    return np.where((m > 0) & (bench != 0), own / bench, np.nan)
