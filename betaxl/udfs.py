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

from typing import Any

import numpy as np
import pandas as pd
from xlwings import arg, func

from .excel import (
    cell_errors,
    cells,
    column,
    fail,
    read_choice,
    read_dates,
    read_flag,
    read_number,
    read_row,
    read_table,
)
from .portfolio import (
    EQUAL_WEIGHT_METHODS,
    REBALANCE_MODES,
    equal_weight_returns,
    portfolio_returns,
)
from .reconcile import ASSET_COLUMNS, SUMMARY_FIELDS, beta_reconcile
from .regression import OLS_FIELDS, ols_beta, rolling_beta
from .returns import INPUT_TYPES, returns_from, to_returns
from .risk import RISK_FIELDS, risk_table

__all__ = [
    "BETA_OLS",
    "BETA_RECONCILE",
    "BETA_ROLLING",
    "EQUAL_WEIGHT_RETURN",
    "PORT_RETURNS",
    "RETURNS",
    "RISK_TABLE",
]

_DATA = ("Rows are periods (oldest first), columns are assets; a first row of text "
         "holds the names")
_INPUT = 'Optional: "returns" (default), "prices" or "log_returns"'
_RF = "Optional: risk-free return per period (a number or a column), not annual"
_REBALANCE = 'Optional: "none" (buy and hold, default), "period", "month", "quarter", "year"'


class _Inputs:
    """Asset and market data read as simple returns (one place for input_type)."""

    def __init__(self, asset: Any, kind: Any, *, asset_arg: str = "asset_returns",
                 market: Any = None, market_arg: str = "market_returns",
                 dividends: Any = None) -> None:
        self.kind = read_choice(kind, INPUT_TYPES, arg="input_type", default="returns")
        self.table = read_table(asset, arg=asset_arg)
        cash = None if _blank(dividends) else read_table(dividends, arg="dividends").values
        panel = returns_from(self.table.values, self.kind, arg=asset_arg, distributions=cash)
        self.returns = pd.DataFrame(panel.values, columns=list(self.table.names), copy=False)
        self.market: np.ndarray | None = None
        if market is not None:
            mkt = read_table(market, arg=market_arg, prefix="market")
            if mkt.values.shape[1] != 1:
                raise_input(market_arg, f"must be one column, got {mkt.values.shape[1]} "
                            "columns")
            if mkt.values.shape[0] != self.table.values.shape[0]:
                raise_input(market_arg, f"has {mkt.values.shape[0]} rows but {asset_arg} "
                            f"has {self.table.values.shape[0]}")
            self.market = returns_from(mkt.values, self.kind, arg=market_arg).values[:, 0]

    @property
    def prices(self) -> np.ndarray | None:
        return self.table.values if self.kind == "prices" else None

    def per_period(self, value: Any, *, arg_name: str) -> Any:
        """A number, or a column with one value per data row (price rows allowed)."""
        if _blank(value):
            return None
        if not isinstance(value, (list, tuple)):
            return read_number(value, arg=arg_name)
        values = read_table(value, arg=arg_name).values
        if values.shape[1] != 1 and values.shape[0] != 1:
            raise_input(arg_name, "must be a number or one column")
        flat = values.reshape(-1)
        if flat.size == 1:
            return float(flat[0])
        n = len(self.returns)
        if flat.size == n + 1 and self.kind == "prices":
            flat = flat[1:]
        if flat.size != n:
            raise_input(arg_name, f"has {flat.size} rows but the data have {n} periods")
        return flat

    def dates(self, value: Any) -> list[pd.Timestamp] | None:
        """Dates, one per data row (with prices the first, starting date is dropped)."""
        if _blank(value):
            return None
        stamps = read_dates(value, arg="dates")
        if len(stamps) == len(self.returns) + 1:
            stamps = stamps[1:]
        return stamps


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def raise_input(arg_name: str, text: str) -> None:
    raise fail(arg_name, text)


@func
@arg("asset_returns", "raw", doc=_DATA)
@arg("market_returns", "raw", doc="The market's returns (or prices), one column, same rows")
@arg("risk_free", "raw", doc=_RF)
@arg("stats", "raw", doc="Optional: FALSE (default) for betas only, TRUE for the full table")
@arg("input_type", "raw", doc=_INPUT)
def BETA_OLS(asset_returns: Any, market_returns: Any, risk_free: Any = None,
             stats: Any = False, input_type: Any = "returns") -> Any:
    """Beta of each asset on the market (OLS with an intercept); TRUE for all statistics."""
    with cell_errors("BETA_OLS", {"returns": "asset_returns", "market": "market_returns"}):
        data = _Inputs(asset_returns, input_type, market=market_returns)
        full = read_flag(stats, arg="stats")
        rf = data.per_period(risk_free, arg_name="risk_free")
        fit = ols_beta(data.returns, data.market, risk_free=rf)
        if not full:
            betas = [float(b) for b in fit.beta]
            return betas[0] if len(betas) == 1 else [betas]
        return cells(fit.to_frame().loc[list(OLS_FIELDS)], corner="statistic")


@func
@arg("asset_returns", "raw", doc=_DATA)
@arg("weights", "raw", doc="One weight (or market value, or units) per asset")
@arg("rebalance", "raw", doc=_REBALANCE)
@arg("input_type", "raw", doc=_INPUT)
@arg("dates", "raw", doc="Optional: a column of dates, one per data row (for calendar "
     "rebalancing)")
@arg("holdings_type", "raw", doc='Optional: "weights" (default) or "units" (needs prices)')
@arg("detail", "raw", doc="Optional: TRUE adds each asset's start weight and contribution")
def PORT_RETURNS(asset_returns: Any, weights: Any, rebalance: Any = "none",
                 input_type: Any = "returns", dates: Any = None,
                 holdings_type: Any = "weights", detail: Any = False) -> Any:
    """Portfolio return per period from asset returns and weights (buy and hold by default)."""
    with cell_errors("PORT_RETURNS", {"returns": "asset_returns", "prices": "asset_returns",
                                      "holdings": "holdings_type"}):
        data = _Inputs(asset_returns, input_type)
        mode = read_choice(rebalance, REBALANCE_MODES, arg="rebalance", default="none")
        holdings = read_choice(holdings_type, ("weights", "units"), arg="holdings_type",
                               default="weights")
        path = portfolio_returns(data.returns, read_row(weights, arg="weights"),
                                 rebalance=mode, dates=data.dates(dates), holdings=holdings,
                                 prices=data.prices)
        if not read_flag(detail, arg="detail"):
            name = "portfolio" if data.table.has_header else None
            return column(path.returns.to_numpy(), name=name)
        table = pd.concat([path.returns.rename("portfolio"),
                           path.weights_start.add_prefix("weight_start:"),
                           path.contributions.add_prefix("contribution:")], axis=1)
        return cells(table)


@func
@arg("data", "raw", doc=_DATA)
@arg("method", "raw", doc='Optional: "rebalance" (default), "buy_and_hold", "equal_shares"')
@arg("input_type", "raw", doc=_INPUT)
@arg("dividends", "raw", doc="Optional: cash paid per unit on each date, shaped like the "
     "prices")
def EQUAL_WEIGHT_RETURN(data: Any, method: Any = "rebalance", input_type: Any = "returns",
                        dividends: Any = None) -> Any:
    """Return of an equal-weighted portfolio each period (rebalanced, buy and hold, shares)."""
    with cell_errors("EQUAL_WEIGHT_RETURN", {"distributions": "dividends"}):
        how = read_choice(method, EQUAL_WEIGHT_METHODS, arg="method", default="rebalance")
        kind = read_choice(input_type, INPUT_TYPES, arg="input_type", default="returns")
        table = read_table(data, arg="data")
        cash = None if _blank(dividends) else read_table(dividends, arg="dividends").values
        result = equal_weight_returns(table.values, method=how, input_type=kind,
                                      distributions=cash)
        return column(result.returns.to_numpy(),
                      name="equal_weight" if table.has_header else None)


@func
@arg("asset_returns", "raw", doc=_DATA)
@arg("market_returns", "raw", doc="The market's returns (or prices), one column, same rows")
@arg("weights", "raw", doc="Holdings at the start: weights, market values or units")
@arg("rebalance", "raw", doc=_REBALANCE)
@arg("input_type", "raw", doc=_INPUT)
@arg("holdings_type", "raw", doc='Optional: "weights" (default) or "units" (needs prices)')
@arg("risk_free", "raw", doc=_RF)
def BETA_RECONCILE(asset_returns: Any, market_returns: Any, weights: Any,
                   rebalance: Any = "none", input_type: Any = "returns",
                   holdings_type: Any = "weights", risk_free: Any = None) -> Any:
    """Why the portfolio's beta differs from the weighted sum of its assets' betas."""
    with cell_errors("BETA_RECONCILE", {"returns": "asset_returns",
                                        "market": "market_returns",
                                        "prices": "asset_returns",
                                        "holdings": "holdings_type"}):
        data = _Inputs(asset_returns, input_type, market=market_returns)
        rec = beta_reconcile(
            data.returns, data.market, read_row(weights, arg="weights"),
            rebalance=read_choice(rebalance, REBALANCE_MODES, arg="rebalance",
                                  default="none"),
            holdings=read_choice(holdings_type, ("weights", "units"), arg="holdings_type",
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


@func
@arg("returns", "raw", doc=_DATA)
@arg("benchmark_returns", "raw", doc="The benchmark's returns, one column, same rows")
@arg("risk_free", "raw", doc=_RF)
@arg("periods_per_year", "raw", doc="Optional: 12 (default) monthly, 4 quarterly, 252 daily")
def RISK_TABLE(returns: Any, benchmark_returns: Any, risk_free: Any = None,
               periods_per_year: Any = 12) -> Any:
    """Risk and risk-adjusted return measures (Sharpe, M², alpha, beta, ...) per column."""
    with cell_errors("RISK_TABLE", {"benchmark": "benchmark_returns"}):
        data = _Inputs(returns, "returns", asset_arg="returns", market=benchmark_returns,
                       market_arg="benchmark_returns")
        t = read_number(periods_per_year, arg="periods_per_year", default=12.0, minimum=1e-9)
        table = risk_table(data.returns, data.market,
                           risk_free=data.per_period(risk_free, arg_name="risk_free"),
                           periods_per_year=t)
        return cells(table.to_frame().loc[list(RISK_FIELDS)], corner="measure")


@func
@arg("prices", "raw", doc="Prices, oldest first, one column per asset; strictly positive")
@arg("method", "raw", doc='Optional: "simple" (default) or "log"')
@arg("dividends", "raw", doc="Optional: cash paid per unit on each date, shaped like the "
     "prices")
def RETURNS(prices: Any, method: Any = "simple", dividends: Any = None) -> Any:
    """Returns from prices, (P + D) / P_previous - 1 or its log; one row fewer than prices."""
    with cell_errors("RETURNS", {"distributions": "dividends"}):
        how = read_choice(method, ("simple", "log"), arg="method", default="simple")
        table = read_table(prices, arg="prices")
        cash = None if _blank(dividends) else read_table(dividends, arg="dividends").values
        frame = to_returns(table.values, method=how, distributions=cash)
        frame.columns = list(table.names)
        return cells(frame, header=table.has_header)


@func
@arg("asset_returns", "raw", doc=_DATA)
@arg("market_returns", "raw", doc="The market's returns (or prices), one column, same rows")
@arg("window", "raw", doc="Rows per window, for example 36 months or 252 days")
@arg("input_type", "raw", doc=_INPUT)
def BETA_ROLLING(asset_returns: Any, market_returns: Any, window: Any,
                 input_type: Any = "returns") -> Any:
    """Rolling-window beta of each asset on the market; blank until the first full window."""
    with cell_errors("BETA_ROLLING", {"returns": "asset_returns",
                                      "market": "market_returns"}):
        data = _Inputs(asset_returns, input_type, market=market_returns)
        rows = read_number(window, arg="window", whole=True, minimum=3)
        betas = rolling_beta(data.returns, data.market, int(rows or 0))
        out = cells(betas, header=data.table.has_header)
        if data.kind == "prices":  # keep the rows level with the input's price rows
            out.insert(1 if data.table.has_header else 0, [None] * betas.shape[1])
        return out
