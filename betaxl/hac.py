"""Newey-West (HAC) standard errors and Student-t confidence intervals for the OLS fits.

Convention (statsmodels' ``OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": L})``
with its defaults: Bartlett kernel, no small-sample correction): with ``g_t = x_t e_t``
the scores over an asset's own complete rows in date order (a missing row is dropped,
not a gap of zeros), ``w_l = 1 - l / (L + 1)``,

    S = sum_t g_t g_t' + sum_{l=1..L} w_l sum_t (g_t g_{t-l}' + g_{t-l} g_t'),
    cov = (X'X)^-1 S (X'X)^-1,

and ``L`` defaults to ``floor(4 (n / 100)^(2/9))`` (Newey and West 1994), n the asset's
rows.  Confidence intervals are 95%, ``coef +- t_{0.975, dof} se`` with the residual
degrees of freedom (n - 2 for one market, n - p - 1 for p factors).
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np

from .errors import problem

__all__ = ["SE_KINDS", "default_lags", "hac_se", "read_se", "t_quantile"]

#: The standard errors betaxl computes.
SE_KINDS = ("classical", "hac")


def read_se(se: object, hac_lags: object) -> int | None:
    """Check ``se`` and ``hac_lags``; the lag count to use (None: classical or default).

    Returns -1 for HAC with the default lags, a lag count for HAC with given lags, and
    None for classical standard errors.
    """
    kind = se.strip().lower() if isinstance(se, str) else se
    if kind not in SE_KINDS:
        raise problem("", "se", "must be 'classical' or 'hac' (Newey-West), got {v!r}", v=se)
    if hac_lags is None:
        return None if kind == "classical" else -1
    if kind == "classical":
        raise problem("", "hac_lags", "is given but {se} is 'classical'; set {se} to 'hac' "
                      "or leave {hac_lags} out")
    try:
        lags = float(hac_lags)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        lags = float("nan")
    if isinstance(hac_lags, bool) or not (lags >= 0 and lags == int(lags) and lags < 1e9):
        raise problem("", "hac_lags", "must be a whole number of periods, 0 or more, got "
                      "{v!r}", v=hac_lags)
    return int(lags)


def default_lags(n: int) -> int:
    """Newey and West's (1994) rule ``floor(4 (n/100)^(2/9))``.

    >>> default_lags(100), default_lags(819), default_lags(5000)
    (4, 6, 9)
    """
    return int(math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0)))


def hac_se(x: np.ndarray, resid: np.ndarray, valid: np.ndarray,
           lags: int) -> np.ndarray:
    """HAC standard errors (k, p) of each column's fit on the design ``x`` (m, p).

    ``x``'s first column is the constant.  ``resid`` (m, k) holds each column's
    residuals on its ``valid`` rows; ``lags`` is the lag count, or -1 for each column's
    default.  Columns with the same rows are done together.  The regressors are centred
    on their means over those rows before the sandwich is formed (the slopes' covariance
    does not change; the intercept's is taken back with ``a = g - c'b``), so a regressor
    far from zero loses no digits in ``inv(X'X)``.
    """
    k, p = resid.shape[1], x.shape[1]
    out = np.full((k, p), np.nan)
    if k == 0:
        return out
    packed = np.packbits(valid, axis=0).T
    _, group = np.unique(packed, axis=0, return_inverse=True)
    group = group.reshape(-1)
    for g in range(int(group.max()) + 1):
        cols = np.flatnonzero(group == g)
        rows = valid[:, cols[0]]
        xg = x[rows].copy()
        m = xg.shape[0]
        if m <= p:
            continue
        centre = xg[:, 1:].mean(axis=0)
        xg[:, 1:] -= centre
        scores = xg[:, None, :] * resid[rows][:, cols][:, :, None]  # (m, c, p)
        s = np.einsum("tcp,tcq->cpq", scores, scores)
        for lag in range(1, min(default_lags(m) if lags < 0 else lags, m - 1) + 1):
            w = 1.0 - lag / ((default_lags(m) if lags < 0 else lags) + 1.0)
            cross = np.einsum("tcp,tcq->cpq", scores[lag:], scores[:-lag])
            s += w * (cross + cross.transpose(0, 2, 1))
        bread = np.linalg.inv(xg.T @ xg)
        back = np.eye(p)
        back[0, 1:] = -centre  # intercept of the uncentred design
        cov = back @ (bread @ s @ bread) @ back.T
        out[cols] = np.sqrt(np.maximum(np.einsum("cii->ci", cov), 0.0))
    return out


@lru_cache(maxsize=4096)  # a sheet of small regressions asks for the same few
def t_quantile(dof: float, p: float = 0.975) -> float:
    """Student t quantile for ``dof`` > 0 degrees of freedom, ``p`` above one half.

    Newton's method from the normal quantile on ``P(T > q) = I_x(dof/2, 1/2) / 2`` with
    ``x = dof / (dof + q^2)``, the regularised incomplete beta function evaluated by its
    continued fraction (Numerical Recipes, ``betacf``; Lentz's method).

    >>> round(t_quantile(1), 10), round(t_quantile(10), 10)  # tan(0.45 pi); tables
    (12.7062047362, 2.228138852)
    """
    if not dof > 0:
        return float("nan")
    if dof == 1:
        return math.tan(math.pi * (p - 0.5))
    if dof == 2:
        target = 2.0 * p - 1.0
        return target * math.sqrt(2.0 / (1.0 - target * target))
    q = NormalDist().inv_cdf(p)
    if dof > 1000:  # A&S 26.7.5, error O(dof^-5); lgamma differences would lose digits
        z = q
        g1 = (z ** 3 + z) / 4
        g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
        g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
        g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
        return z + g1 / dof + g2 / dof ** 2 + g3 / dof ** 3 + g4 / dof ** 4
    log_c = math.lgamma((dof + 1) / 2) - math.lgamma(dof / 2) - 0.5 * math.log(dof * math.pi)
    for _ in range(60):
        upper = 0.5 * _beta_reg(dof / (dof + q * q), dof / 2, 0.5)
        density = math.exp(log_c - (dof + 1) / 2 * math.log1p(q * q / dof))
        step = (upper - (1.0 - p)) / density  # d(upper)/dq = -density
        q += step
        if abs(step) <= 4e-16 * q:
            break
    return q


def _beta_reg(x: float, a: float, b: float) -> float:
    """Regularised incomplete beta ``I_x(a, b)`` by its continued fraction."""
    if x <= 0.0 or x >= 1.0:
        return 0.0 if x <= 0.0 else 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - _beta_reg(1.0 - x, b, a)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100000):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) <= 1e-16:
            break
    return math.exp(log_front) * h / a
