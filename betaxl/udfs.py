"""betaxl's Excel functions: the module a workbook's ``xlwings.conf`` names as "UDF Modules".

Each function is an adapter: read the cells (:mod:`betaxl.excel`), call one core
function, shape the result.  They run unchanged in classic xlwings (Windows Excel,
"Import Functions") and in xlwings Lite / Server (Office.js): every argument is declared
``"raw"`` so both runtimes hand over the cell values untouched, and nothing but a
one-line :class:`~betaxl.BetaxlError` can come out of a call.

Rules shared by every function: rows are periods, oldest first; columns are assets; a
first row of text holds the asset names; blanks, errors, text and TRUE/FALSE inside the
data are missing values; ``input_type`` is "returns" (default), "prices" (returns are
computed first, so results have one row fewer) or "log_returns".
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from xlwings import arg, func

from .excel import (
    cell_errors,
    cells,
    column,
    fail,
    is_blank,
    read_choice,
    read_dates,
    read_flag,
    read_number,
    read_optional_table,
    read_table,
)
from .portfolio import (
    EQUAL_WEIGHT_METHODS,
    HOLDINGS,
    REBALANCE_MODES,
    equal_weight_returns,
    portfolio_returns,
)
from .reconcile import ASSET_COLUMNS, SUMMARY_FIELDS, beta_reconcile
from .regression import OLS_FIELDS, ols_beta, rolling_beta
from .returns import INPUT_TYPES, RETURN_METHODS, returns_from, to_returns
from .risk import RISK_FIELDS, risk_table
from .schedule_cells import read_weights

__all__ = [
    "BETA_OLS",
    "BETA_RECONCILE",
    "BETA_ROLLING",
    "EQUAL_WEIGHT_RETURN",
    "PORT_RETURNS",
    "RETURNS",
    "RISK_TABLE",
]

#: What each argument means; the same name means the same thing in every function.
#: (function, argument) entries override the plain ones.  Shown by Excel's function
#: wizard and in the README's function reference.
ARG_HELP: dict[str | tuple[str, str], str] = {
    "asset_returns": "Rows are periods (oldest first), columns are assets; a first row of "
                     "text holds the names",
    "market_returns": "The market's returns (or prices), one column, same rows",
    "returns": "Returns per period, one column per portfolio; a first row of text holds "
               "the names",
    "benchmark_returns": "The benchmark's returns, one column, same rows",
    "data": "Rows are periods (oldest first), columns are assets; a first row of text "
            "holds the names",
    "prices": "Prices, oldest first, one column per asset; strictly positive",
    "weights": "One weight (or market value, or units held) per asset, a row or a column; "
               "or a schedule: dates in the first column, one row per rebalancing date, "
               "in force after the close of that date",
    "risk_free": "Optional: risk-free return per period (a number or a column), not annual",
    "stats": "Optional: FALSE (default) for betas only, TRUE for the full table",
    "input_type": 'Optional: "returns" (default), "prices" or "log_returns"',
    "rebalance": 'Optional: "none" (buy and hold, default), "period", "week" (ISO, Monday '
                 'to Sunday), "month", "quarter" or "year"',
    "dates": "Optional: a column of dates, one per data row (needed for calendar "
             "rebalancing and for a weight schedule)",
    "holdings_type": 'Optional: "weights" (default) or "units" (quantities; needs prices)',
    "detail": "Optional: TRUE adds each asset's start-of-period weight and contribution",
    "method": 'Optional: "rebalance" (default), "buy_and_hold" or "equal_shares" (prices)',
    ("RETURNS", "method"): 'Optional: "simple" (default) or "log"',
    "dividends": "Optional: cash paid per unit on each date, shaped like the prices",
    "periods_per_year": "Optional: 12 (default) for monthly data, 4 quarterly, 252 daily",
    "window": "Rows per window, for example 36 months or 252 days",
}


def arg_help(function: str, name: str) -> str:
    """The help text of one argument of one Excel function."""
    return ARG_HELP.get((function, name)) or ARG_HELP[name]


F = TypeVar("F", bound=Callable[..., Any])


def excel(fn: F) -> F:
    """Register an Excel function: every argument raw, with its help text."""
    for name in reversed(inspect.signature(fn).parameters):
        fn = arg(name, "raw", doc=arg_help(fn.__name__, name))(fn)
    return func(fn)


class _Inputs:
    """Asset and market data read as simple returns (one place for input_type)."""

    def __init__(self, asset: Any, kind: Any, *, asset_arg: str = "asset_returns",
                 market: Any = None, market_arg: str = "market_returns",
                 dividends: Any = None) -> None:
        self.kind = read_choice(kind, INPUT_TYPES, arg="input_type", default="returns")
        self.table = read_table(asset, arg=asset_arg)
        cash = read_optional_table(dividends, arg="dividends")
        panel = returns_from(self.table.values, self.kind, arg=asset_arg, distributions=cash)
        self.returns = pd.DataFrame(panel.values, columns=list(self.table.names), copy=False)
        self.market: np.ndarray | None = None
        if market is not None:
            mkt = read_table(market, arg=market_arg, prefix="market")
            if mkt.values.shape[1] != 1:
                raise fail(market_arg, f"must be one column, got {mkt.values.shape[1]} "
                            "columns")
            if mkt.values.shape[0] != self.table.values.shape[0]:
                raise fail(market_arg, f"has {mkt.values.shape[0]} rows but {asset_arg} "
                            f"has {self.table.values.shape[0]}")
            self.market = returns_from(mkt.values, self.kind, arg=market_arg).values[:, 0]

    @property
    def prices(self) -> np.ndarray | None:
        return self.table.values if self.kind == "prices" else None

    def per_period(self, value: Any, *, arg_name: str) -> Any:
        """A number, or a column with one value per data row (price rows allowed)."""
        if is_blank(value):
            return None
        if not isinstance(value, (list, tuple)):
            return read_number(value, arg=arg_name)
        values = read_table(value, arg=arg_name).values
        if values.shape[1] != 1 and values.shape[0] != 1:
            raise fail(arg_name, "must be a number or one column")
        flat = values.reshape(-1)
        if flat.size == 1:
            return float(flat[0])
        n = len(self.returns)
        if flat.size == n + 1 and self.kind == "prices":
            flat = flat[1:]
        if flat.size != n:
            raise fail(arg_name, f"has {flat.size} rows but the data have {n} periods")
        return flat

    def dates(self, value: Any) -> list[pd.Timestamp] | None:
        """Dates, one per data row (with prices the first, starting date is dropped)."""
        if is_blank(value):
            return None
        stamps = read_dates(value, arg="dates")
        if len(stamps) == len(self.returns) + 1:
            stamps = stamps[1:]
        return stamps


@excel
def BETA_OLS(asset_returns: Any, market_returns: Any, risk_free: Any = None,
             stats: Any = False, input_type: Any = "returns") -> Any:
    """Beta of each asset on the market (OLS with an intercept); TRUE for all statistics.

    Gives a row of betas, one per asset (one number for one asset).  With ``stats``
    TRUE: a table with a header row of asset names and the rows ``beta, alpha,
    r_squared, correlation, beta_se, alpha_se, beta_t, alpha_t, resid_std, n_obs,
    adjusted_beta``.  Alpha is per period; ``resid_std`` is Excel's STEYX; rows with a
    missing value in either series are left out (``n_obs``).  With ``risk_free`` both
    sides are excess returns (CAPM).
    """
    with cell_errors("BETA_OLS", {"returns": "asset_returns", "market": "market_returns"}):
        data = _Inputs(asset_returns, input_type, market=market_returns)
        full = read_flag(stats, arg="stats")
        rf = data.per_period(risk_free, arg_name="risk_free")
        fit = ols_beta(data.returns, data.market, risk_free=rf)
        if not full:
            betas = [float(b) for b in fit.beta]
            return betas[0] if len(betas) == 1 else [betas]
        return cells(fit.to_frame().loc[list(OLS_FIELDS)], corner="statistic")


@excel
def PORT_RETURNS(asset_returns: Any, weights: Any, rebalance: Any = "none",
                 input_type: Any = "returns", dates: Any = None,
                 holdings_type: Any = "weights", detail: Any = False) -> Any:
    """Portfolio return per period from asset returns and weights (buy and hold by default).

    Gives one column of portfolio returns (headed "portfolio" when the data had names).
    With ``detail`` TRUE: the return, each asset's beginning-of-period weight and its
    contribution (weight x return), which add up to the return.  Weights are scaled to
    sum to 1; "units" are valued at the first row of prices (bonds per 100 nominal:
    units = nominal / 100).  Calendar rebalancing resets the weights after the last
    period of each week (ISO, Monday to Sunday), month, quarter or year.  A weights
    table whose first column holds dates is a schedule: the weights dated d take effect
    after the close of d (needs ``dates``).
    """
    with cell_errors("PORT_RETURNS", {"returns": "asset_returns", "prices": "asset_returns",
                                      "holdings": "holdings_type"}):
        data = _Inputs(asset_returns, input_type)
        mode = read_choice(rebalance, REBALANCE_MODES, arg="rebalance", default="none")
        holdings = read_choice(holdings_type, HOLDINGS, arg="holdings_type",
                               default="weights")
        path = portfolio_returns(data.returns, read_weights(weights, arg="weights"),
                                 rebalance=mode, dates=data.dates(dates), holdings=holdings,
                                 prices=data.prices)
        if not read_flag(detail, arg="detail"):
            name = "portfolio" if data.table.has_header else None
            return column(path.returns.to_numpy(), name=name)
        table = pd.concat([path.returns.rename("portfolio"),
                           path.weights_start.add_prefix("weight_start:"),
                           path.contributions.add_prefix("contribution:")], axis=1)
        return cells(table)


@excel
def EQUAL_WEIGHT_RETURN(data: Any, method: Any = "rebalance", input_type: Any = "returns",
                        dividends: Any = None) -> Any:
    """Return of an equal-weighted portfolio each period (rebalanced, buy and hold, shares).

    Gives one column.  "rebalance": the mean of the simple returns present that period.
    "buy_and_hold": equal money at the start, then drift.  "equal_shares": one unit of
    each (price weighted; needs prices).  Log returns are converted to simple returns
    first, never averaged as logs; dividends make it a total return.
    """
    with cell_errors("EQUAL_WEIGHT_RETURN", {"distributions": "dividends",
                                             "returns": "data"}):
        how = read_choice(method, EQUAL_WEIGHT_METHODS, arg="method", default="rebalance")
        kind = read_choice(input_type, INPUT_TYPES, arg="input_type", default="returns")
        table = read_table(data, arg="data")
        cash = read_optional_table(dividends, arg="dividends")
        result = equal_weight_returns(table.frame(), method=how, input_type=kind,
                                      distributions=cash)
        return column(result.returns.to_numpy(),
                      name="equal_weight" if table.has_header else None)


@excel
def BETA_RECONCILE(asset_returns: Any, market_returns: Any, weights: Any,
                   rebalance: Any = "none", input_type: Any = "returns",
                   holdings_type: Any = "weights", risk_free: Any = None,
                   dates: Any = None) -> Any:
    """Why the portfolio's beta differs from the weighted sum of its assets' betas.

    Gives a table: one row per asset with ``beta, weight_start, weight_avg, weight_end,
    weighted_beta_end, contribution, gap``, a ``total`` row, then the summary rows
    ``portfolio_beta, weighted_beta_end, weighted_beta_start, weighted_beta_avg,
    timing_effect, drift_effect, sample_effect, reverse_regression_portfolio,
    reverse_regression_weighted`` with the value in the second column.  Contributions
    add up to the portfolio beta exactly; timing + drift = portfolio beta - weighted
    beta with end weights.  Weights may be a dated schedule, as in PORT_RETURNS.
    """
    with cell_errors("BETA_RECONCILE", {"returns": "asset_returns",
                                        "market": "market_returns",
                                        "prices": "asset_returns",
                                        "holdings": "holdings_type"}):
        data = _Inputs(asset_returns, input_type, market=market_returns)
        rec = beta_reconcile(
            data.returns, data.market, read_weights(weights, arg="weights"),
            dates=data.dates(dates),
            rebalance=read_choice(rebalance, REBALANCE_MODES, arg="rebalance",
                                  default="none"),
            holdings=read_choice(holdings_type, HOLDINGS, arg="holdings_type",
                                 default="weights"),
            prices=data.prices, risk_free=data.per_period(risk_free, arg_name="risk_free"))
        table = rec.assets[list(ASSET_COLUMNS)].copy()
        table.loc["total"] = table.sum()
        table.loc["total", "beta"] = np.nan
        out = cells(table, corner="asset")
        pad = [None] * (len(ASSET_COLUMNS) - 1)
        out.extend([name, float(getattr(rec, name)), *pad] for name in SUMMARY_FIELDS)
        return [[None if isinstance(v, float) and not np.isfinite(v) else v for v in row]
                for row in out]


@excel
def RISK_TABLE(returns: Any, benchmark_returns: Any, risk_free: Any = None,
               periods_per_year: Any = 12) -> Any:
    """Risk and risk-adjusted return measures (Sharpe, M², alpha, beta, VaR, ...) per column.

    Gives a table with one column per returns column and one row per measure (see the
    README's conventions): population variances unless the name says ``_sample``,
    geometric annual returns, risk annualised by sqrt(periods_per_year).  The rows from
    ``treynor`` on are PerformanceAnalytics' definitions (95%, MAR 0): VaR and ES as
    returns (a loss is negative), max_drawdown as the fraction lost (positive).
    """
    with cell_errors("RISK_TABLE", {"benchmark": "benchmark_returns"}):
        data = _Inputs(returns, "returns", asset_arg="returns", market=benchmark_returns,
                       market_arg="benchmark_returns")
        t = read_number(periods_per_year, arg="periods_per_year", default=12.0, minimum=1e-9)
        table = risk_table(data.returns, data.market,
                           risk_free=data.per_period(risk_free, arg_name="risk_free"),
                           periods_per_year=t)
        return cells(table.to_frame().loc[list(RISK_FIELDS)], corner="measure")


@excel
def RETURNS(prices: Any, method: Any = "simple", dividends: Any = None) -> Any:
    """Returns from prices, (P + D) / P_previous - 1 or its log; one row fewer than prices.

    Gives one column of returns per price column, with the names as a header row when
    the prices had one.  A return needs both its prices: a blank price leaves its own
    return and the next one blank.
    """
    with cell_errors("RETURNS", {"distributions": "dividends"}):
        how = read_choice(method, RETURN_METHODS, arg="method", default="simple")
        table = read_table(prices, arg="prices")
        cash = read_optional_table(dividends, arg="dividends")
        frame = to_returns(table.values, method=how, distributions=cash)
        frame.columns = list(table.names)
        return cells(frame, header=table.has_header)


@excel
def BETA_ROLLING(asset_returns: Any, market_returns: Any, window: Any,
                 input_type: Any = "returns") -> Any:
    """Rolling-window beta of each asset on the market; blank until the first full window.

    Gives one column per asset with as many rows as the input (with prices, a blank
    first row keeps the rows level); each beta uses the ``window`` rows ending on its
    row, and a window with a missing value is blank.
    """
    with cell_errors("BETA_ROLLING", {"returns": "asset_returns",
                                      "market": "market_returns"}):
        data = _Inputs(asset_returns, input_type, market=market_returns)
        rows = read_number(window, arg="window", whole=True, minimum=3)
        betas = rolling_beta(data.returns, data.market, int(rows or 0))
        out = cells(betas, header=data.table.has_header)
        if data.kind == "prices":  # keep the rows level with the input's price rows
            out.insert(1 if data.table.has_header else 0, [None] * betas.shape[1])
        return out
