"""Ex-post risk and risk-adjusted return measures (Bacon, *Practical Portfolio
Performance Measurement and Attribution*, as summarised in seed 002).

Conventions, written into every name:

- returns are simple, per period; ``t = periods_per_year`` (12 monthly, 4 quarterly,
  52 weekly, 252 daily);
- variance and standard deviation divide by n (population) unless the name ends in
  ``_sample`` (n - 1);
- annual return is geometric: ``prod(1 + r)^(t/n) - 1``; annual risk is ``std * sqrt(t)``;
- the risk-free rate is given per period and annualised geometrically like a return;
- the regression is the portfolio's excess return on the benchmark's excess return,
  with an intercept (raw returns when no risk-free rate is given); ``alpha`` is per
  period;
- each returns column is measured over the rows where it, the benchmark and the
  risk-free rate all have values.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from .data.dates import labelled
from .data.labels import as_column
from .data.panel import FieldTable, as_returns, index_of
from .data.periods import infer_periods_per_year
from .data.units import check_rate
from .data.values import ArrayLike, no_total_loss
from .errors import DataError, problem, public
from .regression import check_fit, fit_columns
from .risk_measures import pa_measures

__all__ = ["RISK_FIELDS", "RiskTable", "risk_table"]


@dataclass(frozen=True)
class RiskTable(FieldTable):
    """Risk measures per returns column; see :func:`risk_table` for every formula."""

    n_obs: pd.Series
    mean: pd.Series
    variance: pd.Series
    variance_sample: pd.Series
    std: pd.Series
    std_sample: pd.Series
    annual_std: pd.Series
    annual_return: pd.Series
    benchmark_annual_return: pd.Series
    sharpe: pd.Series
    m2: pd.Series
    m2_excess_geometric: pd.Series
    m2_excess_arithmetic: pd.Series
    alpha: pd.Series
    beta: pd.Series
    jensen_alpha: pd.Series
    covariance: pd.Series
    annual_covariance: pd.Series
    correlation: pd.Series
    r_squared: pd.Series
    systematic_risk: pd.Series
    specific_risk: pd.Series
    total_risk: pd.Series
    tracking_error: pd.Series
    information_ratio: pd.Series
    # Measures as PerformanceAnalytics 2.1 defines them (see risk_measures.py).
    treynor: pd.Series
    sharpe_arithmetic: pd.Series
    downside_deviation: pd.Series
    sortino: pd.Series
    max_drawdown: pd.Series
    calmar: pd.Series
    var_historical: pd.Series
    var_gaussian: pd.Series
    var_modified: pd.Series
    es_historical: pd.Series
    up_capture: pd.Series
    down_capture: pd.Series
    skewness: pd.Series
    excess_kurtosis: pd.Series


#: Row labels of the risk table, in order (also RISK_TABLE's rows).
RISK_FIELDS = tuple(f.name for f in fields(RiskTable))


def annualise_return(log_growth: np.ndarray, n: np.ndarray, t: float) -> np.ndarray:
    """Geometric annualisation ``prod(1 + r)^(t/n) - 1``, from ``sum(ln(1 + r))``.

    Summing logs instead of multiplying keeps long series from overflowing.
    """
    return np.expm1(log_growth * (t / n))


@public("risk_table")
def risk_table(
    returns: ArrayLike,
    benchmark: ArrayLike,
    *,
    risk_free: ArrayLike | None = None,
    periods_per_year: float | None = None,
) -> RiskTable:
    """Variance, Sharpe, M², alpha, beta, Jensen's alpha and more, per returns column.

    Parameters
    ----------
    returns : shape (n,) or (n, k)
        Per-period simple returns of one or more portfolios, oldest first.
    benchmark : shape (n,)
        The benchmark's returns over the same periods.
    risk_free : float or shape (n,), optional
        Risk-free return per period (not annual).  Default 0.
    periods_per_year : float, optional
        t: 12 for monthly data, 4 quarterly, 52 weekly, 252 daily.  Not given, it is
        inferred from the dates of ``returns`` (or of ``benchmark``) by the median gap
        between them: 1-4 days 252 (trading days; data with weekend dates are refused),
        5-9 days 52, 27-32 days 12, 88-93 days 4, 364-367 days 1, with at least 80% of
        the gaps in that class.  Without dates, or with irregular ones, it is refused:
        betaxl never assumes monthly data.

    Returns
    -------
    RiskTable

    Notes
    -----
    With r the returns, b the benchmark, f the risk-free rate, n the rows used and
    ``A(x) = prod(1 + x)^(t/n) - 1``:

    - ``mean = sum(r)/n``; ``variance = sum((r - mean)^2)/n``; ``variance_sample`` divides
      by n - 1; ``std``, ``std_sample`` their square roots; ``annual_std = std sqrt(t)``.
    - ``annual_return = A(r)``; ``benchmark_annual_return = A(b)``; annual rf ``F = A(f)``.
    - ``sharpe = (annual_return - F) / annual_std``.
    - ``m2 = F + (annual_return - F) sigma_b / sigma_p`` (annual population stds);
      ``m2_excess_geometric = (1 + m2)/(1 + A(b)) - 1``; ``m2_excess_arithmetic = m2 - A(b)``.
    - ``alpha``, ``beta``: OLS of ``r - f`` on ``b - f`` with an intercept (alpha per period).
    - ``jensen_alpha = annual_return - (F + beta (A(b) - F))``.
    - ``covariance = sum((r - mean_r)(b - mean_b))/n``; ``annual_covariance = covariance t``;
      ``correlation = covariance / (std std_b)``; ``r_squared`` of the regression
      (the squared correlation of the excess returns; equal to ``correlation²`` when
      the risk-free rate is constant).
    - ``systematic_risk = beta sigma_b sqrt(t)``; ``specific_risk = sqrt(SSR/n) sqrt(t)``
      (population std of the residuals); ``total_risk = sqrt(systematic² + specific²)``,
      which equals ``annual_std`` exactly when the risk-free rate is constant (with a
      varying rate, sigma_b is the raw benchmark's, so it is close but not equal).
    - ``tracking_error = std(r - b) sqrt(t)`` (population);
      ``information_ratio = (annual_return - A(b)) / tracking_error``.
    - ``treynor`` ... ``excess_kurtosis``: PerformanceAnalytics' definitions with its
      default arguments (95%, MAR 0), formulas in :mod:`betaxl.risk_measures`.  Sign
      convention: ``var_*`` and ``es_historical`` are returns (a loss is negative, as
      PA's ``VaR``/``ES``); ``max_drawdown`` is the fraction lost, positive (as PA's
      ``maxDrawdown``).

    Examples
    --------
    >>> rt = risk_table([0.02, -0.01, 0.03, 0.01], [0.01, -0.02, 0.02, 0.01],
    ...                 periods_per_year=4)
    >>> round(float(rt.mean.iloc[0]), 12), round(float(rt.variance.iloc[0]), 12)
    (0.0125, 0.00021875)
    """
    panel = as_returns(returns, arg="returns")
    b = as_column(benchmark, arg="benchmark", n=panel.n, index=panel.index)
    f = (np.zeros(panel.n) if risk_free is None
         else as_column(risk_free, arg="risk_free", n=panel.n, scalar_ok=True,
                        index=panel.index))
    no_total_loss(b, "benchmark")
    no_total_loss(f, "risk_free")
    if periods_per_year is None:
        dates = panel.index if labelled(panel.index) else index_of(benchmark)
        periods_per_year = infer_periods_per_year(dates)
    try:
        t = float(periods_per_year)
    except (TypeError, ValueError, OverflowError):
        t = float("nan")
    if not np.isfinite(t) or t <= 0 or isinstance(periods_per_year, bool):
        raise problem("", "periods_per_year", "must be a positive number (12 for monthly "
                      "data), got {v!r}", v=periods_per_year)
    check_rate(f, "risk_free", t)  # a percent or an annual rate: refused (data.units)

    r = panel.values
    valid = ~(np.isnan(r) | np.isnan(b)[:, None] | np.isnan(f)[:, None])
    bb = np.where(valid, b[:, None], np.nan)
    ff = np.where(valid, f[:, None], np.nan)
    rr = np.where(valid, r, np.nan)
    stats = fit_columns(rr - ff, bb - ff)
    check_fit(stats, panel.names, market="benchmark")
    for name, series in (("returns", rr), ("benchmark", bb), ("risk_free", ff)):
        if (series <= -1).any():
            raise problem("", name, "has a return at or below -100%, so the geometric "
                          "annual return is undefined", kind=DataError)

    n = valid.sum(axis=0).astype(np.float64)
    with np.errstate(all="ignore"):  # overflow is checked on the results below
        measures = _measures(rr, bb, ff, valid, n, t, stats)
    if not (np.isfinite(measures["annual_return"]).all()
            and np.isfinite(measures["benchmark_annual_return"]).all()):
        raise problem("", "returns", "compound to a number too large to annualise",
                      kind=DataError)
    return RiskTable(**{name: panel.series(measures[name], name) for name in RISK_FIELDS})


def _measures(rr: np.ndarray, bb: np.ndarray, ff: np.ndarray, valid: np.ndarray,
              n: np.ndarray, t: float, stats: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every measure of :func:`risk_table`, from validated, masked arrays."""

    def mean(a: np.ndarray) -> np.ndarray:
        return np.where(valid, a, 0.0).sum(axis=0) / n

    def gross(a: np.ndarray) -> np.ndarray:
        return np.where(valid, np.log1p(np.where(valid, a, 0.0)), 0.0).sum(axis=0)

    mu, mu_b = mean(rr), mean(bb)
    dev, dev_b = np.where(valid, rr - mu, 0.0), np.where(valid, bb - mu_b, 0.0)
    variance = (dev * dev).sum(axis=0) / n
    variance_b = (dev_b * dev_b).sum(axis=0) / n
    covariance = (dev * dev_b).sum(axis=0) / n
    active = np.where(valid, rr - bb, 0.0)
    active_dev = np.where(valid, active - active.sum(axis=0) / n, 0.0)
    root_t = np.sqrt(t)
    std, std_b = np.sqrt(variance), np.sqrt(variance_b)
    annual_std, annual_std_b = std * root_t, std_b * root_t
    annual_return = annualise_return(gross(rr), n, t)
    annual_b = annualise_return(gross(bb), n, t)
    annual_f = annualise_return(gross(ff), n, t)
    beta = stats["beta"]
    systematic = beta * annual_std_b
    specific = np.sqrt(stats["ssr"] / n) * root_t
    tracking = np.sqrt((active_dev * active_dev).sum(axis=0) / n) * root_t
    m2 = annual_f + (annual_return - annual_f) * annual_std_b / annual_std
    m2 = np.where(np.isfinite(m2), m2, np.nan)  # a constant asset: no M2, nor its excess
    measures = {
        "n_obs": n, "mean": mu, "variance": variance,
        "variance_sample": variance * n / (n - 1), "std": std,
        "std_sample": np.sqrt(variance * n / (n - 1)), "annual_std": annual_std,
        "annual_return": annual_return, "benchmark_annual_return": annual_b,
        "sharpe": (annual_return - annual_f) / annual_std,
        "m2": m2, "m2_excess_geometric": (1.0 + m2) / (1.0 + annual_b) - 1.0,
        "m2_excess_arithmetic": m2 - annual_b,
        "alpha": stats["alpha"], "beta": beta,
        "jensen_alpha": annual_return - (annual_f + beta * (annual_b - annual_f)),
        "covariance": covariance, "annual_covariance": covariance * t,
        "correlation": covariance / (std * std_b), "r_squared": stats["r_squared"],
        "systematic_risk": systematic, "specific_risk": specific,
        "total_risk": np.hypot(systematic, specific), "tracking_error": tracking,
        "information_ratio": (annual_return - annual_b) / tracking,
    }
    measures.update(pa_measures(rr, bb, ff, valid, t, beta))
    for name in ("sharpe", "m2", "information_ratio"):
        measures[name] = np.where(np.isfinite(measures[name]), measures[name], np.nan)
    return measures
