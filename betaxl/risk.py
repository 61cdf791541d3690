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

from .data.dates import labelled, takes_date_format
from .data.labels import as_column
from .data.panel import FieldTable, as_panel, index_of
from .data.periods import infer_periods_per_year
from .data.units import check_rate, check_returns, in_decimals, read_units
from .data.values import ArrayLike, no_total_loss
from .errors import DataError, problem, public
from .regression import check_fit, fit_columns
from .risk_analyst import analyst_measures
from .risk_measures import pa_measures

__all__ = ["RISK_FIELDS", "RISK_UNITS", "RiskTable", "own_rows_fit", "risk_table", "rows_used"]


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
    # Rows added with the analysts' definitions (risk_analyst.py); PA's variants by name.
    up_capture_pa: pd.Series
    down_capture_pa: pd.Series
    up_number: pd.Series
    down_number: pd.Series
    up_percent: pd.Series
    down_percent: pd.Series
    downside_deviation_annual: pd.Series
    sortino_per_period: pd.Series
    information_ratio_geometric: pd.Series
    information_ratio_pa: pd.Series
    active_premium: pd.Series
    alpha_annual: pd.Series
    calmar_full: pd.Series
    omega: pd.Series
    pain_index: pd.Series
    ulcer_index: pd.Series
    batting_average: pd.Series
    appraisal_ratio: pd.Series
    fama_beta: pd.Series
    net_selectivity: pd.Series


#: Row labels of the risk table, in order (also RISK_TABLE's rows).
RISK_FIELDS = tuple(f.name for f in fields(RiskTable))

_A_YEAR = "a year"
_SHARE = "share of periods (0 to 1)"
#: The units of each field of :class:`RiskTable` (returns are fractions: 0.01 = 1%).
RISK_UNITS = {
    "n_obs": "rows used", "mean": "per period", "variance": "per period², population (n)",
    "variance_sample": "per period², sample (n − 1)", "std": "per period, population",
    "std_sample": "per period, sample (n − 1)", "annual_std": "a year (std × √t)",
    "annual_return": "a year, geometric", "benchmark_annual_return": "a year, geometric",
    "sharpe": "ratio, annual", "m2": "a year, geometric",
    "m2_excess_geometric": "a year, over the benchmark, geometric",
    "m2_excess_arithmetic": "a year, over the benchmark, arithmetic",
    "alpha": "per period", "beta": "ratio", "jensen_alpha": _A_YEAR,
    "covariance": "per period², population", "annual_covariance": "a year (covariance × t)",
    "correlation": "ratio (−1 to 1)", "r_squared": "ratio (0 to 1)",
    "systematic_risk": _A_YEAR, "specific_risk": _A_YEAR, "total_risk": _A_YEAR,
    "tracking_error": _A_YEAR, "information_ratio": "ratio, annual, arithmetic",
    "treynor": "a year per unit of beta", "sharpe_arithmetic": "ratio, annual, arithmetic",
    "downside_deviation": "per period, below MAR", "sortino": "ratio, annual, over MAR",
    "max_drawdown": "fraction of value lost",
    "calmar": "ratio (annual return / drawdown, trailing 3 years)",
    "var_historical": "return per period, 95%", "var_gaussian": "return per period, 95%",
    "var_modified": "return per period, 95%", "es_historical": "return per period, 95%",
    "up_capture": "ratio", "down_capture": "ratio", "skewness": "ratio",
    "excess_kurtosis": "ratio",
    "up_capture_pa": "ratio", "down_capture_pa": "ratio",
    "up_number": _SHARE, "down_number": _SHARE, "up_percent": _SHARE, "down_percent": _SHARE,
    "downside_deviation_annual": "a year, below MAR",
    "sortino_per_period": "ratio, per period, MAR",
    "information_ratio_geometric": "ratio, annual, geometric",
    "information_ratio_pa": "ratio, annual (active premium / tracking error)",
    "active_premium": "a year, geometric", "alpha_annual": "a year, compounded",
    "calmar_full": "ratio (annual return / drawdown, whole sample)", "omega": "ratio, at MAR",
    "pain_index": "fraction of value, mean drawdown",
    "ulcer_index": "fraction of value, root mean square drawdown",
    "batting_average": _SHARE, "appraisal_ratio": "ratio, annual",
    "fama_beta": "ratio", "net_selectivity": "a year",
}


def annualise_return(log_growth: np.ndarray, n: np.ndarray, t: float) -> np.ndarray:
    """Geometric annualisation ``prod(1 + r)^(t/n) - 1``, from ``sum(ln(1 + r))``.

    Summing logs instead of multiplying keeps long series from overflowing.
    """
    return np.expm1(log_growth * (t / n))


@public("risk_table")
@takes_date_format
def risk_table(
    returns: ArrayLike,
    benchmark: ArrayLike,
    *,
    risk_free: ArrayLike | None = None,
    periods_per_year: float | None = None,
    mar: float = 0.0,
    date_format: str | None = None,
    units: str | None = None,
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
    mar : float, default 0
        Minimum acceptable return per period (not annual), for ``downside_deviation``,
        ``sortino``, ``sortino_per_period`` and ``omega``.
    date_format : str, optional
        The strftime format of dates written as text in the row labels (and ``dates``),
        such as ``"%d/%m/%Y"``; needed when they read day first and month first.
    units : {"decimal", "percent"}, optional
        The units of every return and rate given (``mar`` too) (see :mod:`betaxl.data.units`):
        ``"percent"`` divides them all by 100 when read (Ken French's files: 2.5 for
        2.5%, his ``RF`` of 0.27 for 0.27%); results are decimals.  Not given, they are
        decimals and a column whose median size is above 1 is refused, and so is one
        whose median size times sqrt(periods_per_year) is above 2 (daily percents);
        ``"decimal"`` lifts that second rule.

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
    - ``systematic_risk = |beta| sigma_b sqrt(t)``; ``specific_risk = sqrt(SSR/n) sqrt(t)``
      (population std of the residuals); ``total_risk = sqrt(systematic² + specific²)``,
      which equals ``annual_std`` exactly when the risk-free rate is constant (with a
      varying rate, sigma_b is the raw benchmark's, so it is close but not equal).
    - ``tracking_error = std(r - b) sqrt(t)`` (population);
      ``information_ratio = mean(r - b) t / tracking_error`` (arithmetic, as the CFA
      curriculum and Grinold-Kahn); ``active_premium = annual_return - A(b)``;
      ``information_ratio_pa = active_premium / tracking_error`` (PA's
      ``InformationRatio``); ``information_ratio_geometric = ((1 + annual_return) /
      (1 + A(b)) - 1) / tracking_error`` (Bacon's geometric excess return).
    - ``alpha_annual = (1 + alpha)^t - 1``.
    - ``appraisal_ratio = jensen_alpha / specific_risk``; ``fama_beta = annual_std /
      annual_std_b``; ``net_selectivity = jensen_alpha - (fama_beta - beta)(A(b) - F)``
      (Bacon pp. 77-78; PA ``AppraisalRatio``, ``FamaBeta``, ``NetSelectivity``).
    - ``up_capture`` (Morningstar), ``calmar`` (Young, trailing 3 years),
      ``downside_deviation``, ``sortino`` (annual), ``omega``, ``pain_index``,
      ``ulcer_index``, the up/down numbers and percents and ``batting_average``: formulas
      in :mod:`betaxl.risk_analyst`.
    - ``treynor``, ``sharpe_arithmetic``, ``max_drawdown``, the VaRs and ES, skewness and
      kurtosis, and the ``_pa`` / ``_full`` / ``_per_period`` variants:
      PerformanceAnalytics' definitions with its default arguments (95%), formulas in
      :mod:`betaxl.risk_measures`; ``var_modified`` is blank where the Cornish-Fisher
      expansion is not monotone.  Sign
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
    unit = read_units(units)
    returns, benchmark, risk_free, mar = (in_decimals(v, unit)
                                          for v in (returns, benchmark, risk_free, mar))
    panel = as_panel(returns, arg="returns")
    bench_name = [getattr(benchmark, "name", None) or "benchmark"]
    check_returns(panel.values, panel.names, "returns")  # prices or percents as returns
    b = as_column(benchmark, arg="benchmark", n=panel.n, index=panel.index)
    f = (np.zeros(panel.n) if risk_free is None
         else as_column(risk_free, arg="risk_free", n=panel.n, scalar_ok=True,
                        index=panel.index))
    check_returns(b[:, None], bench_name, "benchmark")
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
    if unit is None:  # daily percents: the rule with the periods per year
        check_returns(panel.values, panel.names, "returns", periods_per_year=t)
        check_returns(b[:, None], bench_name, "benchmark", periods_per_year=t)
    no_total_loss(panel.values, "returns")
    no_total_loss(b, "benchmark")
    no_total_loss(f, "risk_free")
    mar = _per_period_mar(mar)
    # a percent or an annual rate: refused, unless the units are declared (data.units)
    check_rate(f, "risk_free", t, declared=unit is not None)
    check_rate(np.array([mar]), "mar", t, declared=unit is not None)  # the rate's units

    valid, rr, bb, ff, stats = own_rows_fit(panel.values, b, f)
    check_fit(stats, panel.names, market="benchmark")
    for name, series in (("returns", rr), ("benchmark", bb), ("risk_free", ff)):
        if (series <= -1).any():
            raise problem("", name, "has a return at or below -100%, so the geometric "
                          "annual return is undefined", kind=DataError)

    n = valid.sum(axis=0).astype(np.float64)
    with np.errstate(all="ignore"):  # overflow is checked on the results below
        measures = _measures(rr, bb, ff, valid, n, t, stats)
        measures.update(analyst_measures(rr, bb, valid, t, mar))
    if not (np.isfinite(measures["annual_return"]).all()
            and np.isfinite(measures["benchmark_annual_return"]).all()):
        raise problem("", "returns", "compound to a number too large to annualise",
                      kind=DataError)
    return RiskTable(**{name: panel.series(measures[name], name) for name in RISK_FIELDS})


def rows_used(r: np.ndarray, b: np.ndarray, f: np.ndarray) -> np.ndarray:
    """The rows each returns column of ``r`` (n, k) is measured over, True where it, the
    benchmark ``b`` (n,) and the risk-free rate ``f`` (n,) all have values: the one rule
    of the risk table, which :mod:`betaxl.plot`'s charts follow too.

    >>> rows_used(np.array([[0.1], [np.nan], [0.2]]), np.array([0.1, 0.1, np.nan]),
    ...           np.zeros(3))[:, 0].tolist()
    [True, False, False]
    """
    return ~(np.isnan(r) | np.isnan(b)[:, None] | np.isnan(f)[:, None])


def own_rows_fit(r: np.ndarray, b: np.ndarray, f: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                            dict[str, np.ndarray]]:
    """Each returns column's regression over its own rows (:func:`rows_used`):
    ``(valid, r, b, f, fit)`` with ``r``, ``b`` and ``f`` (n, k) missing outside each
    column's rows and ``fit`` :func:`betaxl.regression.fit_columns` of ``r - f`` on the
    one column ``b - f`` (``n_obs`` the rows used).  The risk table's ``beta`` and the
    reconciliation's ``beta_own_sample`` both come from here: the same bytes.

    >>> v, _, _, _, fit = own_rows_fit(np.array([[0.1], [0.3], [0.2], [0.0]]),
    ...                                np.array([0.1, 0.2, 0.15, 0.0]),
    ...                                np.array([0.0, np.nan, 0.0, 0.0]))
    >>> fit["n_obs"].tolist(), round(float(fit["beta"][0]), 12)  # rows 1, 3, 4: 9/7
    ([3.0], 1.285714285714)
    """
    valid = rows_used(r, b, f)
    bb = np.where(valid, b[:, None], np.nan)
    ff = np.where(valid, f[:, None], np.nan)
    rr = np.where(valid, r, np.nan)
    # one market column (the excess benchmark), each column's own rows by its missing
    # values: the path of every other one-market regression (ols_beta, the
    # reconciliation's), whose sums do not depend on the CPU
    return valid, rr, bb, ff, fit_columns(rr - ff, (b - f)[:, None])


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
    systematic = np.abs(beta) * annual_std_b
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
        "information_ratio": mean(rr - bb) * t / tracking,
        "information_ratio_geometric": ((1.0 + annual_return) / (1.0 + annual_b) - 1.0)
        / tracking,
        "information_ratio_pa": (annual_return - annual_b) / tracking,
        "active_premium": annual_return - annual_b,
        "alpha_annual": np.expm1(t * np.log1p(stats["alpha"])),
    }
    jensen, fama = measures["jensen_alpha"], annual_std / annual_std_b
    measures.update({"appraisal_ratio": jensen / specific, "fama_beta": fama,
                     "net_selectivity": jensen - (fama - beta) * (annual_b - annual_f)})
    measures.update(pa_measures(rr, bb, ff, valid, t, beta))
    for name in ("sharpe", "m2", "information_ratio", "information_ratio_geometric",
                 "information_ratio_pa", "alpha_annual", "appraisal_ratio"):
        measures[name] = np.where(np.isfinite(measures[name]), measures[name], np.nan)
    return measures


def _per_period_mar(mar: object) -> float:
    """The minimum acceptable return as a float above -100%, or a one-line refusal."""
    try:
        value = float(mar)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        value = float("nan")
    if isinstance(mar, bool) or not np.isfinite(value) or value <= -1:
        raise problem("", "mar", "must be a return per period above -1 (0.005 for 0.5% a "
                      "month), got {v!r}", v=mar)
    return value
