"""Beta estimators side by side: OLS, Blume, Vasicek, Dimson, Scholes-Williams, bull,
bear and exponentially weighted.

Every estimator regresses the asset on the market (asset = y, market = x, with an
intercept); they differ in the rows used, the weights and the shrinkage.  With a
risk-free rate both sides are excess returns first, as in :func:`betaxl.ols_beta` and
PerformanceAnalytics' ``CAPM.beta``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from .data.dates import takes_date_format
from .data.values import ArrayLike
from .errors import DataError, problem, public
from .factors import fit_factors
from .regression import MIN_OBS, check_fit, fit_columns, read_pair

__all__ = ["ESTIMATORS", "BetaEstimates", "beta_estimates"]

#: The estimators, in the order of the columns of :meth:`BetaEstimates.to_frame`.
ESTIMATORS = ("ols", "blume", "vasicek", "dimson", "scholes_williams", "bull", "bear",
              "ewma")


@dataclass(frozen=True)
class BetaEstimates:
    """Several estimates of each asset's beta; every field is a Series indexed by asset.

    See :func:`beta_estimates` for the formulas.
    """

    ols: pd.Series
    blume: pd.Series
    vasicek: pd.Series
    dimson: pd.Series
    scholes_williams: pd.Series
    bull: pd.Series
    bear: pd.Series
    ewma: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """One row per asset, one column per estimator."""
        return pd.DataFrame({f.name: getattr(self, f.name) for f in fields(self)})


def _shift(x: np.ndarray, lag: int) -> np.ndarray:
    """``x`` lagged by ``lag`` rows (lead when negative): out[t] = x[t - lag], NaN-padded."""
    out = np.full(x.shape, np.nan)
    if abs(lag) >= len(x):
        return out
    if lag >= 0:
        out[lag:] = x[:len(x) - lag]
    else:
        out[:lag] = x[-lag:]
    return out


def _slopes(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """OLS slopes of each column of ``y`` on ``x`` (n,); NaN with < 3 pairs or flat x."""
    stats = fit_columns(y, x[:, None])
    return np.where((stats["n_obs"] >= MIN_OBS) & ~stats["flat_market"], stats["beta"],
                    np.nan)


def _ewma(y: np.ndarray, x: np.ndarray, halflife: float) -> np.ndarray:
    """Exponentially weighted beta: weighted covariance over weighted variance."""
    n = len(x)
    decay = np.exp2(-(n - 1 - np.arange(n)) / halflife)  # 1 on the last row
    valid = ~(np.isnan(y) | np.isnan(x)[:, None])
    w = np.where(valid, decay[:, None], 0.0)
    total = w.sum(axis=0)
    safe = np.where(total > 0, total, 1.0)
    xs, ys = np.where(valid, x[:, None], 0.0), np.where(valid, y, 0.0)
    mx, my = (w * xs).sum(axis=0) / safe, (w * ys).sum(axis=0) / safe
    xc = np.where(valid, xs - mx, 0.0)
    yc = np.where(valid, ys - my, 0.0)
    sxx = (w * xc * xc).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = (w * xc * yc).sum(axis=0) / sxx
    return np.where((valid.sum(axis=0) >= MIN_OBS) & (sxx > 0), beta, np.nan)


def _whole(value: object, arg: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) \
            or float(value) != int(value) or value < minimum:
        raise problem("", arg, "must be a whole number of at least {m}, got {v!r}",
                      m=minimum, v=value)
    return int(value)


@public("beta_estimates")
@takes_date_format
def beta_estimates(returns: ArrayLike, market: ArrayLike, *, lags: int = 1,
                   halflife: float | None = None,
                   risk_free: ArrayLike | None = None,
                   date_format: str | None = None,
                   units: str | None = None) -> BetaEstimates:
    """Eight estimates of each asset's beta, from plain OLS to lag-adjusted and weighted.

    OLS, Blume, Vasicek, Dimson, Scholes-Williams, bull, bear and EWMA.

    Parameters
    ----------
    returns : DataFrame, Series or array, shape (n,) or (n, k)
        Per-period returns, oldest first, one column per asset; NaN = missing.
    market : Series or array, shape (n,)
        The market's returns over the same periods.
    lags : int, default 1
        Market lags and leads in the Dimson regression (-lags .. +lags); 0 makes it OLS.
    halflife : float, optional
        Half-life of the EWMA weights, in rows; ``ewma`` is NaN when it is not given.
    risk_free : float or array of shape (n,), optional
        Risk-free return per period; both sides become excess returns.
    date_format : str, optional
        The strftime format of dates written as text in the row labels (and ``dates``),
        such as ``"%d/%m/%Y"``; needed when they read day first and month first.
    units : {"decimal", "percent"}, optional
        The units of the returns, the market and the risk-free rate (see
        :mod:`betaxl.data.units`): ``"percent"`` divides them by 100; either, declared,
        lifts the risk-free rate's annual-equivalent rule (a real 42% a year).

    Returns
    -------
    BetaEstimates
        One Series per estimator; ``to_frame()`` gives assets x estimators.

    Raises
    ------
    InputError
        Mismatched lengths, text, infinite values, ``lags`` or ``halflife`` not valid.
    DataError
        An asset with fewer than 3 rows paired with the market, a constant market, or
        too few rows for the Dimson regression.

    Notes
    -----
    ``x`` is the market, ``y`` the asset; rows with either missing are left out.

    - ``ols``: ``cov(x, y) / var(x)``, as :func:`betaxl.ols_beta`.
    - ``blume``: ``2/3 ols + 1/3`` (Blume, "Betas and their regression tendencies",
      Journal of Finance 30, 1975).
    - ``vasicek``: ``w ols + (1 - w) mean(ols)`` with ``w = s2 / (s2 + se^2)``, where
      ``mean(ols)`` and ``s2`` (ddof 1) are the cross-sectional mean and variance of the
      OLS betas and ``se`` the asset's OLS standard error (Vasicek, "A note on using
      cross-sectional information in Bayesian estimation of security betas", Journal of
      Finance 28, 1973).  Needs two assets or more; NaN for one asset.
    - ``dimson``: the sum of the slopes of ``y_t`` on ``x_{t-lags} .. x_{t+lags}`` in one
      multiple regression with an intercept, over the rows where all of them exist
      (Dimson, "Risk measurement when shares are subject to infrequent trading", Journal
      of Financial Economics 7, 1979).
    - ``scholes_williams``: ``(b_-1 + b_0 + b_+1) / (1 + 2 rho)``, with ``b_j`` the
      slope of ``y_t`` on ``x_{t+j}`` over the rows where ``y_t, x_{t-1}, x_t, x_{t+1}``
      all exist, and ``rho`` the correlation of ``x_t`` with ``x_{t-1}`` over all
      consecutive pairs (Scholes and Williams, "Estimating betas from nonsynchronous
      data", Journal of Financial Economics 5, 1977).  Always one lag.
    - ``bull`` / ``bear``: OLS over the rows where the (excess) market return is > 0 /
      < 0, as PerformanceAnalytics' ``CAPM.beta.bull`` / ``CAPM.beta.bear`` (with
      ``digits=NULL``; their default rounds to 3 digits).  NaN with fewer than 3 such
      rows.
    - ``ewma``: ``sum w (x - mx)(y - my) / sum w (x - mx)^2`` with weights
      ``w_t = 2^(-(n - 1 - t) / halflife)`` (1 on the last row, 1/2 ``halflife`` rows
      earlier) and weighted means ``mx``, ``my``: the ratio of pandas'
      ``ewm(halflife=...).cov`` to ``.var`` on the last row (RiskMetrics, 1996).

    Examples
    --------
    An asset that is exactly 2 x market + 1%: OLS, Dimson (any lags), bull and bear all
    find 2, Blume 2/3 x 2 + 1/3 = 5/3; Vasicek needs two assets, EWMA a half-life.

    >>> x = [0.01, -0.02, 0.03, 0.00, -0.01, 0.02, -0.03, 0.01]
    >>> est = beta_estimates([0.01 + 2 * v for v in x], x, lags=1).to_frame()
    >>> est.drop(columns="scholes_williams").round(12).iloc[0].to_dict()
    ... # doctest: +NORMALIZE_WHITESPACE
    {'ols': 2.0, 'blume': 1.666666666667, 'vasicek': nan, 'dimson': 2.0, 'bull': 2.0,
     'bear': 2.0, 'ewma': nan}
    """
    panel, y, x = read_pair(returns, market, risk_free, units=units)
    lags = _whole(lags, "lags", 0)
    if 2 * lags + 3 > panel.n:  # before building 2 lags + 1 market columns
        raise problem("", "lags", "is {lags}: the Dimson regression needs at least "
                      "2 x lags + 3 = {need} rows, and {returns} has {n}", kind=DataError,
                      lags=lags, need=2 * lags + 3, n=panel.n)
    if halflife is not None and (isinstance(halflife, bool) or not isinstance(
            halflife, (int, float, np.integer, np.floating)) or not halflife > 0
            or not np.isfinite(halflife)):
        raise problem("", "halflife", "must be a positive number of rows, got {h!r}",
                      h=halflife)
    stats = fit_columns(y, x[:, None])
    check_fit(stats, panel.names)
    ols = stats["beta"]
    k = panel.k
    if k >= 2:
        s2 = float(np.var(ols, ddof=1))
        se2 = stats["beta_se"] ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(s2 + se2 > 0, s2 / (s2 + se2), 1.0)
        vasicek = w * ols + (1.0 - w) * float(np.mean(ols))
    else:
        vasicek = np.full(k, np.nan)

    leads = np.column_stack([_shift(x, lag) for lag in range(lags, -lags - 1, -1)])
    dim = fit_factors(y, leads)
    short = np.flatnonzero(dim["n_obs"] < leads.shape[1] + 2)
    if short.size:
        j = int(short[0])
        raise problem("", "returns", "column {name!r} has {m} rows with the market and its "
                      "{lags} lags and leads; the Dimson regression needs {need}",
                      kind=DataError, name=panel.names[j], m=int(dim["n_obs"][j]),
                      lags=lags, need=leads.shape[1] + 2)
    dimson = dim["coef"][:, 1:].sum(axis=1)

    before, after = _shift(x, 1), _shift(x, -1)
    common = np.where(np.isnan(before) | np.isnan(after) | np.isnan(x), np.nan, 1.0)
    yc = y * common[:, None]
    pairs = ~(np.isnan(x) | np.isnan(before))
    rho = float(np.corrcoef(x[pairs], before[pairs])[0, 1]) if pairs.sum() >= MIN_OBS \
        and np.ptp(x[pairs]) > 0 and np.ptp(before[pairs]) > 0 else np.nan
    scholes = (_slopes(yc, before) + _slopes(yc, x) + _slopes(yc, after)) / (1.0 + 2.0 * rho)

    bull = _slopes(y, np.where(x > 0, x, np.nan))
    bear = _slopes(y, np.where(x < 0, x, np.nan))
    ewma = np.full(k, np.nan) if halflife is None else _ewma(y, x, float(halflife))
    values = {"ols": ols, "blume": 2.0 / 3.0 * ols + 1.0 / 3.0, "vasicek": vasicek,
              "dimson": dimson, "scholes_williams": scholes, "bull": bull, "bear": bear,
              "ewma": ewma}
    return BetaEstimates(**{name: panel.series(np.asarray(values[name], dtype=np.float64),
                                               name) for name in ESTIMATORS})
