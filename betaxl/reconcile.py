"""Why a portfolio's regression beta differs from the weighted sum of its assets' betas.

OLS is linear in the dependent variable.  The portfolio's return is
``R_t = sum_i w_{t-1,i} r_{t,i}``, so over one sample

    beta(R on market) = sum_i beta(w_{t-1,i} r_{t,i} on market)       (exact)

and with constant weights ``w`` that is ``sum_i w_i beta_i``.  The sum an analyst
usually computes, ``sum_i w_end_i beta_i`` with today's weights, differs from the
portfolio's beta for four reasons, which :func:`beta_reconcile` measures one by one:

- *timing*: today's weights are not the weights held over the sample;
- *drift*: under buy and hold the weights moved every period, and moved with the
  returns themselves, so no constant weight reproduces the path;
- *sample*: each asset's beta was measured over its own rows, not the shared ones;
- *direction*: the regression was run backwards (market on asset), which is not a beta
  of the asset at all and is not additive across assets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .data.dates import as_dates, row_named, takes_date_format
from .data.labels import align_table, as_column, as_weights
from .data.options import choice
from .data.panel import as_panel, as_returns
from .data.units import check_rate, dated_periods, in_decimals, read_units
from .data.values import ArrayLike, no_total_loss
from .errors import DataError, problem, public
from .portfolio import HOLDINGS, Holdings, PortfolioPath, Rebalance, portfolio_returns
from .regression import check_fit, fit_columns
from .risk import own_rows_fit
from .schedule import aligned, is_schedule

__all__ = ["ASSET_COLUMNS", "SUMMARY_FIELDS", "Reconciliation", "beta_reconcile"]

#: Columns of the per-asset table, in order (also BETA_RECONCILE's header row).
ASSET_COLUMNS = ("beta", "weight_start", "weight_avg", "weight_end", "weighted_beta_end",
                 "contribution", "gap")
#: The summary figures, in order (also BETA_RECONCILE's summary rows).
SUMMARY_FIELDS = ("portfolio_beta", "weighted_beta_end", "weighted_beta_start",
                  "weighted_beta_avg", "timing_effect", "drift_effect", "sample_effect",
                  "reverse_regression_portfolio", "reverse_regression_weighted")


@dataclass(frozen=True)
class Reconciliation:
    """The portfolio beta, the weighted sums of component betas, and what separates them.

    ``assets`` has one row per asset and the columns ``ASSET_COLUMNS`` plus
    ``beta_own_sample`` and ``n_obs_own`` (each asset on all its own rows).

    Identities (exact up to rounding):
    ``assets.contribution.sum() == portfolio_beta``;
    ``portfolio_beta - weighted_beta_end == timing_effect + drift_effect``;
    ``assets.gap.sum() == portfolio_beta - weighted_beta_end``.
    """

    assets: pd.DataFrame
    portfolio_beta: float
    weighted_beta_end: float
    weighted_beta_start: float
    weighted_beta_avg: float
    timing_effect: float
    drift_effect: float
    sample_effect: float
    reverse_regression_portfolio: float
    reverse_regression_weighted: float
    n_obs: int
    path: PortfolioPath

    def summary(self) -> pd.Series:
        """The summary figures (``SUMMARY_FIELDS``) as a Series."""
        return pd.Series({name: getattr(self, name) for name in SUMMARY_FIELDS},
                         name="value")

    def explain(self) -> str:
        """The reconciliation in plain words, for a report or a terminal."""
        own = self.weighted_beta_end + self.sample_effect
        gap = self.portfolio_beta - self.weighted_beta_end
        lines = [
            (f"Portfolio beta (portfolio returns regressed on the market, {self.n_obs} "
             f"periods, {self.path.rebalance!r} rebalancing): {self.portfolio_beta:.6f}"),
            (f"Weighted sum of component betas with end-of-sample weights:   "
             f"{self.weighted_beta_end:.6f}"),
            (f"                                  with start-of-sample weights: "
             f"{self.weighted_beta_start:.6f}"),
            (f"                                  with average weights:         "
             f"{self.weighted_beta_avg:.6f}"),
            (f"Gap portfolio - end-weighted sum = {gap:+.6f} = timing "
             f"{self.timing_effect:+.6f} (today's weights are not the weights held) + drift "
             f"{self.drift_effect:+.6f} (weights moved with the returns)."),
            ("Each asset's exact contribution is the beta of w[t-1]*r[t] on the market; "
             "the contributions add up to the portfolio beta exactly."),
        ]
        if self.sample_effect != 0.0:
            lines.append(
                f"With each asset's beta over its own rows the end-weighted sum would be "
                f"{own:.6f} (sample effect {self.sample_effect:+.6f}).")
        weighted = (f"give {self.reverse_regression_weighted:.6f}"
                    if np.isfinite(self.reverse_regression_weighted) else
                    "have no value (a held asset that never moves, such as cash, has no "
                    "market-on-asset slope)")
        lines.append(
            f"Regressed backwards (market on portfolio) the 'beta' is "
            f"{self.reverse_regression_portfolio:.6f}, and end weights x market-on-asset "
            f"slopes {weighted}: a reverse regression is not a beta and does not add up "
            f"across assets.")
        return "\n".join(lines)


def _shared_rows(r: np.ndarray, held: np.ndarray, names: Sequence[str],
                 index: pd.Index | None) -> slice:
    """The rows where every held asset has a return; they must be contiguous."""
    complete = ~np.isnan(r[:, held]).any(axis=1)
    rows = np.flatnonzero(complete)
    if rows.size == 0:
        raise problem("", "returns", "has no row where every held asset has a value",
                      kind=DataError)
    first, last = int(rows[0]), int(rows[-1])
    if rows.size != last - first + 1:
        gap = first + int(np.flatnonzero(~complete[first:last + 1])[0])
        col = np.flatnonzero(held)[int(np.flatnonzero(np.isnan(r[gap, held]))[0])]
        raise problem("", "returns", "is missing {r} of {name!r} inside the period "
                      "all held assets share; fill or drop that row first",
                      r=row_named(index, gap), name=names[int(col)])
    return slice(first, last + 1)


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """``sum(a b)`` by numpy's own additions: a BLAS dot adds in an order that depends
    on the CPU's kernel, and the reconciliation is written to files."""
    return float(np.add.reduce(a * b))


def _betas(y: np.ndarray, x: np.ndarray, names: Sequence[str]) -> np.ndarray:
    stats = fit_columns(y, x)
    check_fit(stats, tuple(names))
    return stats["beta"]


@public("beta_reconcile")
@takes_date_format
def beta_reconcile(
    returns: ArrayLike,
    market: ArrayLike,
    weights: ArrayLike,
    *,
    rebalance: Rebalance = "none",
    dates: Sequence[Any] | pd.Index | None = None,
    holdings: Holdings = "weights",
    prices: ArrayLike | None = None,
    risk_free: ArrayLike | None = None,
    date_format: str | None = None,
    units: str | None = None,
) -> Reconciliation:
    """Explain why the portfolio's beta is not the weighted sum of its assets' betas.

    Parameters
    ----------
    returns : shape (n, k)
        Asset returns per period, oldest first.  Assets may start or end at different
        dates: the portfolio lives on the rows all held assets share.
    market : shape (n,)
        Market returns; rows where it is missing are left out of every regression.
    weights, rebalance, dates, holdings, prices
        The holdings at the start and how they are managed, as in
        :func:`~betaxl.portfolio_returns` (a schedule of dated weights too).
    risk_free : float or shape (n,), optional
        Per-period risk-free return; given, every regression uses excess returns.
    date_format : str, optional
        The strftime format of dates written as text in the row labels (and ``dates``),
        such as ``"%d/%m/%Y"``; needed when they read day first and month first.
    units : {"decimal", "percent"}, optional
        The units of the returns, the market and the risk-free rate (see
        :mod:`betaxl.data.units`): ``"percent"`` divides them by 100 (not ``prices``);
        either, declared, lifts the risk-free rate's annual-equivalent rule.

    Returns
    -------
    Reconciliation

    Notes
    -----
    All regressions are asset (or portfolio) on market with an intercept, over the rows
    the portfolio and the market share, except ``beta_own_sample`` (each asset over all
    its own rows) and the two ``reverse_regression`` figures (market on portfolio;
    end weights times market-on-asset slopes), which show the mistake of running the
    regression backwards.

    - ``contribution_i = beta(w_{t-1,i} r_{t,i} on market)``; they add up to
      ``portfolio_beta`` exactly.
    - ``weighted_beta_X = sum_i weight_X_i beta_i`` for X = end (``final_weights`` of
      the path: today's weights), start, avg (mean beginning-of-period weight over the
      regression rows).
    - ``timing_effect = weighted_beta_avg - weighted_beta_end``;
      ``drift_effect = portfolio_beta - weighted_beta_avg``.
    - ``sample_effect = sum_i weight_end_i (beta_own_sample_i - beta_i)``.
    - With ``rebalance="period"`` and complete data, ``portfolio_beta ==
      weighted_beta_end`` exactly, and both effects are zero.

    Examples
    --------
    Constant weights: the portfolio beta is the weighted sum of betas.

    >>> mkt = [0.01, -0.02, 0.03, 0.00, 0.02]
    >>> a = [0.02, -0.03, 0.05, 0.01, 0.02]
    >>> b = [0.00, -0.01, 0.01, -0.01, 0.02]
    >>> rec = beta_reconcile(np.column_stack([a, b]), mkt, [0.5, 0.5], rebalance="period")
    >>> round(rec.portfolio_beta - rec.weighted_beta_end, 12)
    0.0
    """
    holdings = choice(holdings, HOLDINGS, arg="holdings")
    unit = read_units(units)
    returns, market, risk_free = (in_decimals(v, unit) for v in (returns, market, risk_free))
    panel = as_returns(returns, arg="returns")
    x_all = as_column(market, arg="market", n=panel.n, index=panel.index)
    rf_all = (np.zeros(panel.n) if risk_free is None
              else as_column(risk_free, arg="risk_free", n=panel.n, scalar_ok=True,
                             index=panel.index))
    no_total_loss(x_all, "market")
    no_total_loss(rf_all, "risk_free")
    schedule = is_schedule(weights)
    if schedule:
        probe = aligned(weights, panel.names).any(axis=0)
    else:
        # weights in the returns' column order (matched by name when both are labelled)
        weights = as_weights(weights, arg="weights", k=panel.k,
                             names=panel.names if panel.named else None)
        probe = weights
    rows = _shared_rows(panel.values, probe != 0, panel.names, panel.index)
    if prices is not None and holdings == "units":
        prices = as_panel(align_table(prices, panel, arg="prices", extra_row=True),
                          arg="prices").values[rows.start:rows.stop + 1]
    stamps = as_dates(dates, panel.index, panel.n)
    if risk_free is not None:  # a percent or an annual rate per period: refused (data.units)
        periods, least = dated_periods(stamps)
        check_rate(rf_all, "risk_free", periods, least=least, declared=unit is not None)
    sub_dates = None if stamps is None else stamps[rows]
    r = panel.values[rows]
    assets = panel.frame(r, pd.RangeIndex(len(r))) if schedule else r  # labels to align
    path = portfolio_returns(assets, weights, rebalance=rebalance, dates=sub_dates,
                             holdings=holdings, prices=prices)
    rf = rf_all[rows]
    x = x_all[rows] - rf
    reg = ~np.isnan(x)
    if reg.sum() < 3:
        raise problem("", "market", "has {m} values over the {s} rows the portfolio "
                      "covers; at least 3 are needed", kind=DataError, m=int(reg.sum()),
                      s=r.shape[0])
    x, held_r = x[reg], r[reg] - rf[reg, None]
    w_start = path.weights_start.to_numpy()[reg]
    port = path.returns.to_numpy()[reg] - rf[reg]
    names = panel.names

    beta = _betas(held_r, x[:, None], names)
    contribution = _betas(w_start * np.nan_to_num(held_r), x[:, None], names)
    portfolio_beta = float(_betas(port[:, None], x[:, None], ("portfolio",))[0])
    # each asset on all its own rows: the risk table's regression (the same bytes)
    own = own_rows_fit(panel.values, x_all, rf_all)[-1]
    check_fit(own, tuple(names))
    beta_own, n_own = own["beta"], own["n_obs"].astype(np.int64)
    # Backwards regressions are shown, not relied on: a constant asset (cash) has no
    # market-on-asset slope, so it gives NaN instead of stopping the reconciliation.
    reverse_port = float(fit_columns(x[:, None], port[:, None])["beta"][0])
    reverse_assets = fit_columns(np.broadcast_to(x[:, None], held_r.shape), held_r)["beta"]

    weight_start = path.weights_start.to_numpy()[0]
    weight_avg = w_start.mean(axis=0)
    weight_end = path.final_weights.to_numpy()
    weighted_end = weight_end * beta
    table = pd.DataFrame({
        "beta": beta, "weight_start": weight_start, "weight_avg": weight_avg,
        "weight_end": weight_end, "weighted_beta_end": weighted_end,
        "contribution": contribution, "gap": contribution - weighted_end,
        "beta_own_sample": beta_own, "n_obs_own": n_own,
    }, index=list(names))
    wb_end = float(weighted_end.sum())
    wb_start = _dot(weight_start, beta)
    wb_avg = _dot(weight_avg, beta)
    return Reconciliation(
        assets=table,
        portfolio_beta=portfolio_beta,
        weighted_beta_end=wb_end,
        weighted_beta_start=wb_start,
        weighted_beta_avg=wb_avg,
        timing_effect=wb_avg - wb_end,
        drift_effect=portfolio_beta - wb_avg,
        sample_effect=_dot(weight_end, beta_own - beta),
        reverse_regression_portfolio=reverse_port,
        reverse_regression_weighted=_dot(weight_end, reverse_assets),
        n_obs=int(reg.sum()),
        path=path,
    )

