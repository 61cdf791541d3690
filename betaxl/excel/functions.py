"""betaxl's Excel functions: the module a workbook's ``xlwings.conf`` names as "UDF Modules".

Each function is an adapter: read the cells (:mod:`betaxl.excel.cells`), call one core
function, shape the result.  They run unchanged in classic xlwings (Windows Excel,
"Import Functions") and in xlwings Lite / Server (Office.js): every argument is declared
``"raw"`` so both runtimes hand over the cell values untouched, and nothing but a
one-line :class:`~betaxl.BetaxlError` can come out of a call.

Rules shared by every function: rows are periods, oldest first; columns are assets; a
first row of text holds the asset names; blanks, errors, text and TRUE/FALSE inside the
data are missing values; ``input_type`` is "returns" (default), "prices" (returns are
computed first, so results have one row fewer) or "log_returns".

A new Excel function follows the same pattern (append it at the end, add its name to
``__all__`` and any new argument to ``ARG_HELP``)::

    @excel('''
        Reference text for the README: what the result holds, conventions, formulas.
        ''')
    def NEW_FUNCTION(asset_returns: Any, market_returns: Any, option: Any = None) -> Any:
        '''One or two plain sentences for the function wizard, at most 255 characters.'''
        with cell_errors("NEW_FUNCTION", {"returns": "asset_returns",
                                          "market": "market_returns"}):
            data = _Inputs(asset_returns, "returns", market=market_returns)
            result = core_function(data.returns, data.market)  # one core call
            return cells(result.to_frame(), corner="statistic")

``_Inputs`` reads, trims, lines up and converts the ranges; ``read_choice`` /
``read_flag`` / ``read_number`` read options; ``cells`` / ``column`` shape results; a
failure raises a :class:`~betaxl.BetaxlError` (``fail(arg, text)``), which ``@excel``
turns into the cell's one-line text.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from xlwings import arg, func

from ..data.periods import infer_periods_per_year
from ..errors import BetaxlError, count
from .cells import (
    Table,
    cell_errors,
    cells,
    column,
    data_number,
    fail,
    is_blank,
    read_choice,
    read_dates,
    read_flag,
    read_number,
    read_optional_table,
    read_table,
    rows_of,
    shown,
)
from ..equal_weight import EQUAL_WEIGHT_METHODS, equal_weight_returns
from ..portfolio import HOLDINGS, REBALANCE_MODES, portfolio_returns
from ..reconcile import ASSET_COLUMNS, SUMMARY_FIELDS, beta_reconcile
from ..regression import OLS_FIELDS, ols_beta
from ..returns import INPUT_TYPES, RETURN_METHODS, returns_from, to_returns
from ..risk import RISK_FIELDS, risk_table
from ..rolling import rolling_beta
from .weights import read_weights

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
    "periods_per_year": "Optional: periods in a year (12 monthly, 4 quarterly, 52 weekly, "
                        "252 daily); left out, inferred from a date column in the data, "
                        "else 12",
    "window": "Rows per window, for example 36 months or 252 days",
}


def arg_help(function: str, name: str) -> str:
    """The help text of one argument of one Excel function."""
    return ARG_HELP.get((function, name)) or ARG_HELP[name]


F = TypeVar("F", bound=Callable[..., Any])

#: The longer description of each function (README reference, ``help()``); the
#: docstring itself is the short text Excel's function wizard shows.
DETAILS: dict[str, str] = {}

#: Excel's function wizard cuts descriptions at this many characters.
WIZARD_LIMIT = 255


def excel(details: str) -> Callable[[F], F]:
    """Register an Excel function: every argument raw, with its help text.

    The function's docstring is its function-wizard description (a sentence or two, at
    most 255 characters, no markup); ``details`` is the reference text.  Category
    "betaxl".  Called by xlwings, an expected failure comes back as the one-line message
    as the cell's value, in both runtimes (see the README, "When things go wrong");
    called from Python it raises.
    """
    def register(fn: F) -> F:
        summary = inspect.cleandoc(fn.__doc__ or "")
        if not summary or len(summary) > WIZARD_LIMIT or "\n" in summary or "`" in summary:
            raise ValueError(f"{fn.__name__}: the docstring must be one wizard line")
        DETAILS[fn.__name__] = inspect.cleandoc(details)

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except BetaxlError as exc:
                if _from_a_dispatcher():
                    return str(exc)
                raise

        call.__doc__ = summary
        wrapped: Any = call
        for name in reversed(inspect.signature(fn).parameters):
            wrapped = arg(name, "raw", doc=arg_help(fn.__name__, name))(wrapped)
        return func(category="betaxl")(wrapped)

    return register


def _from_a_dispatcher() -> bool:
    """Whether the running UDF was called by xlwings (a cell) rather than from Python.

    Both dispatchers (classic ``xlwings.udfs.call_udf``, Office.js
    ``custom_functions_call``) call the function directly, so the caller's module tells.
    In a cell the message becomes the cell's text; Python callers (the recalculation,
    scripts) get the exception.
    """
    frame = sys._getframe(2)  # 0: here, 1: the @excel wrapper, 2: its caller
    return str(frame.f_globals.get("__name__", "")).startswith("xlwings")


def _table(value: Any, arg_name: str, prefix: str, along_rows: bool) -> Table:
    return read_table(value, arg=arg_name, prefix=prefix, along_rows=along_rows)


def _is_row(value: Any) -> bool:
    """A range of one row and several columns (Office.js: a flat list)."""
    if not isinstance(value, (list, tuple)) or not value:
        return False
    if not isinstance(value[0], (list, tuple)):
        return len(value) > 1
    return len(value) == 1 and len(value[0]) > 1


def _line_up(first: Table, second: Table, first_arg: str, second_arg: str
             ) -> tuple[Table, Table]:
    """Two tables over the same sheet rows, lined up row by row.

    Ranges with the same number of rows are taken to cover the same sheet rows: a header
    in only one of them sits beside the other's first row, which must then be blank, and
    trailing blank rows trimmed from one are given back as missing values.
    """
    n1, n2 = first.values.shape[0], second.values.shape[0]
    if n1 == n2 and first.has_header == second.has_header:
        return first, second
    if first.rows != second.rows or first.rows == 0:
        if n1 != n2:
            raise fail(second_arg, f"has {count(n2, 'row')} of data but {first_arg} has {n1}")
        return first, second
    start = max(int(first.has_header), int(second.has_header))
    end = max(int(first.has_header) + n1, int(second.has_header) + n2)

    def window(t: Table, name: str, other: str) -> Table:
        top = int(t.has_header)
        values = np.full((end - start, t.values.shape[1]), np.nan)
        skip = start - top  # data rows beside the other range's header row
        if skip and not np.isnan(t.values[:skip]).all():
            raise fail(name, f"has no header row but {other} has one over the same rows: "
                       "include the header row in both ranges or in neither")
        kept = t.values[skip:]
        values[:kept.shape[0]] = kept
        dates = t.dates[skip:] if t.dates is not None else None
        return Table(values, t.names, t.has_header, dates, t.rows)

    return window(first, first_arg, second_arg), window(second, second_arg, first_arg)


def _check_rate(values: np.ndarray, arg_name: str) -> None:
    """A rate per period above 100% (5 meaning 5%, a date's serial) is refused."""
    big = np.flatnonzero(np.abs(np.nan_to_num(values)) > 1)
    if big.size:
        raise fail(arg_name, f"holds {shown(float(values[big[0]]))}, more than 100% a "
                   "period: give the rate per period as a decimal (5% a year monthly is "
                   "PER_PERIOD_RATE(0.05, 12))")


def _check_returns(values: np.ndarray, names: tuple[str, ...], arg_name: str) -> None:
    """Refuse columns given as returns that cannot be returns: prices, dates, percents.

    The rule: a column whose median absolute value is above 1 (a typical period moving
    more than 100%) is not returns.  Real returns never do that (even a column of
    +-90% moves passes), while prices, index levels, date serials and returns written
    in percent (2.5 for 2.5%) always do.
    """
    for j in range(values.shape[1]):
        col = values[:, j][~np.isnan(values[:, j])]
        if col.size == 0 or not np.median(np.abs(col)) > 1:
            continue
        hint = ("; it looks like dates: put them in the first column, oldest first, or "
                "head the column Date" if (col == np.round(col)).all()
                and col.min() >= 18_264 and col.max() <= 73_050 else "")
        raise fail(arg_name, f"column {names[j]!r} does not look like returns (its median "
                   f"size is {float(np.median(np.abs(col))):.6g}, a move of more than 100% "
                   'a period): for prices give input_type "prices"; returns are decimals '
                   f"(0.025 for 2.5%){hint}")


_NO_MARKET: Any = object()  # a function without a market argument


def _unwrap(value: Any) -> Any:
    """A 1 x 1 range's value (classic hands over [[x]] for some callers), else the value."""
    while isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    return value


class _Inputs:
    """Asset and market data read as simple returns (one place for input_type).

    The market decides the layout: a market along a row means assets along rows too,
    and a single asset along a row goes with a market in a column.
    """

    def __init__(self, asset: Any, kind: Any, *, asset_arg: str = "asset_returns",
                 market: Any = _NO_MARKET, market_arg: str = "market_returns",
                 dividends: Any = None, along_rows: bool = False) -> None:
        self.kind = read_choice(kind, INPUT_TYPES, arg="input_type", default="returns")
        if market is _NO_MARKET:
            market = None
        elif is_blank(_unwrap(market)):  # classic None and Office.js "" alike
            raise fail(market_arg, "is missing")
        market_row = market is not None and _is_row(market)
        asset_row = _is_row(asset) and (market is not None or along_rows)
        self.table = _table(asset, asset_arg, "asset", market_row or asset_row)
        self.market: np.ndarray | None = None
        if market is not None:
            mkt = _table(market, market_arg, "market", market_row)
            if mkt.values.shape[1] != 1:
                raise fail(market_arg, f"must be one column (or one row), got "
                           f"{mkt.values.shape[1]} columns")
            self.table, mkt = _line_up(self.table, mkt, asset_arg, market_arg)
            if self.kind != "prices":
                _check_returns(mkt.values, mkt.names, market_arg)
            self.market = returns_from(mkt.frame(), self.kind, arg=market_arg).values[:, 0]
            if self.table.dates is None and mkt.dates is not None:
                self.table = Table(self.table.values, self.table.names,
                                   self.table.has_header, mkt.dates, self.table.rows)
        if self.kind != "prices":
            _check_returns(self.table.values, self.table.names, asset_arg)
        cash = read_optional_table(dividends, arg="dividends")
        panel = returns_from(self.table.frame(), self.kind, arg=asset_arg,
                             distributions=cash)
        self.returns = pd.DataFrame(panel.values, columns=list(self.table.names), copy=False)

    @property
    def prices(self) -> np.ndarray | None:
        return self.table.values if self.kind == "prices" else None

    def per_period(self, value: Any, *, arg_name: str) -> Any:
        """A number, or a column with one value per data row (price rows allowed)."""
        if is_blank(value):
            return None
        if not isinstance(value, (list, tuple)):
            rate = read_number(value, arg=arg_name)
            _check_rate(np.array([rate], dtype=float), arg_name)
            return rate
        if all(data_number(c) is None for row in rows_of(value, arg=arg_name) for c in row):
            raise fail(arg_name, "has no values (its cells are blank or not numbers)")
        table = read_table(value, arg=arg_name, dates=False)
        values = table.values
        if values.shape[1] != 1 and values.shape[0] != 1:
            raise fail(arg_name, "must be a number or one column")
        flat = values.reshape(-1)
        if np.isnan(flat).all():
            raise fail(arg_name, "has no values (its cells are blank or not numbers)")
        _check_rate(flat, arg_name)
        if flat.size == 1 and table.rows <= 1:
            return float(flat[0])
        n = len(self.returns)
        # trailing blank cells are missing values, as blanks higher up are: the
        # range's own rows count, up to the data's periods (a price row more)
        target = n + 1 if self.kind == "prices" and table.rows - table.has_header > n else n
        if values.shape[1] == 1 and flat.size < target <= table.rows - table.has_header:
            flat = np.concatenate([flat, np.full(target - flat.size, np.nan)])
        if flat.size == n + 1 and self.kind == "prices":
            flat = flat[1:]
        if flat.size != n:
            raise fail(arg_name, f"has {count(flat.size, 'row')} but the data have {n} periods")
        return flat

    def dates(self, value: Any) -> list[pd.Timestamp] | None:
        """Dates, one per data row (with prices the first, starting date is dropped).

        Without a ``dates`` argument, the date column inside the data range, if any.
        """
        if is_blank(value):
            stamps = list(self.table.dates) if self.table.dates is not None else None
        else:
            stamps = read_dates(value, arg="dates")
        if stamps is not None and len(stamps) == len(self.returns) + 1:
            stamps = stamps[1:]
        return stamps


def _per_asset(data: _Inputs, fit: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """One core call over the assets, one result column per asset (statistics as rows).

    An asset column with no value paired with the market (all blank, text or errors)
    gives a blank result column, as Excel's SLOPE gives #DIV/0! for that column only,
    instead of failing the whole call; the others are computed together as usual.
    """
    returns = data.returns
    paired = returns.notna().to_numpy()
    if data.market is not None:
        paired = paired & ~np.isnan(data.market)[:, None]
    empty = ~paired.any(axis=0)
    if not empty.any() or empty.all():
        return fit(returns)
    done = fit(returns.iloc[:, ~empty])
    out = pd.DataFrame(np.nan, index=done.index, columns=range(returns.shape[1]), dtype=object)
    out.iloc[:, np.flatnonzero(~empty)] = done.to_numpy(dtype=object)
    out.columns = returns.columns
    return out


def _labelled_row(names: tuple[str, ...], values: Any, has_header: bool) -> Any:
    """One value per asset: a row headed by the asset names when the data had names.

    A single unnamed asset gives one number (usable in ``=2*BETA_OLS(...)``).
    """
    row = [float(v) if np.isfinite(v) else None for v in values]
    if has_header:
        return [list(names), row]
    return row[0] if len(row) == 1 else [row]


@excel("""
    Gives the betas, one per asset, headed by the asset names when the data have names
    (one plain number for one unnamed asset).  With ``stats`` TRUE: a table with a
    header row of asset names and the rows ``beta, alpha, r_squared, correlation,
    beta_se, alpha_se, beta_t, alpha_t, resid_std, n_obs, adjusted_beta``.  Alpha is per
    period; ``resid_std`` is Excel's STEYX; rows with a missing value in either series
    are left out (``n_obs``).  With ``risk_free`` both sides are excess returns (CAPM).
    """)
def BETA_OLS(asset_returns: Any, market_returns: Any, risk_free: Any = None,
             stats: Any = False, input_type: Any = "returns") -> Any:
    """Beta of each asset on the market (least squares with an intercept). Set stats to TRUE for alpha, R squared, standard errors and more."""  # noqa: E501
    with cell_errors("BETA_OLS", {"returns": "asset_returns", "market": "market_returns"}):
        data = _Inputs(asset_returns, input_type, market=market_returns)
        full = read_flag(stats, arg="stats")
        rf = data.per_period(risk_free, arg_name="risk_free")
        frame = _per_asset(data, lambda r: ols_beta(r, data.market, risk_free=rf).to_frame())
        if not full:
            return _labelled_row(data.table.names, frame.loc["beta"].to_numpy(dtype=float),
                                 data.table.has_header)
        return cells(frame.loc[list(OLS_FIELDS)], corner="statistic")


@excel("""
    Gives one column of portfolio returns (headed "portfolio" when the data had names).
    With ``detail`` TRUE: the return, each asset's beginning-of-period weight and its
    contribution (weight x return), which add up to the return.  Weights are scaled to
    sum to 1; "units" are valued at the first row of prices (bonds per 100 nominal:
    units = nominal / 100).  Calendar rebalancing resets the weights after the last
    period of each week (ISO, Monday to Sunday), month, quarter or year; a date column
    inside the data range serves as ``dates``.  A weights table whose first column holds
    dates is a schedule: the weights dated d take effect after the close of d.
    """)
def PORT_RETURNS(asset_returns: Any, weights: Any, rebalance: Any = "none",
                 input_type: Any = "returns", dates: Any = None,
                 holdings_type: Any = "weights", detail: Any = False) -> Any:
    """Portfolio return each period from asset returns (or prices) and weights; buy and hold unless rebalance says otherwise."""  # noqa: E501
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


@excel("""
    Gives one column (headed "equal_weight" when the data had names).  "rebalance": the
    mean of the simple returns present that period.  "buy_and_hold": equal money at the
    start, then drift.  "equal_shares": one unit of each (price weighted; needs prices).
    Log returns are converted to simple returns first, never averaged as logs;
    dividends make it a total return.
    """)
def EQUAL_WEIGHT_RETURN(data: Any, method: Any = "rebalance", input_type: Any = "returns",
                        dividends: Any = None) -> Any:
    """Return of an equally weighted portfolio each period: rebalanced (default), buy and hold, or equal shares."""  # noqa: E501
    with cell_errors("EQUAL_WEIGHT_RETURN", {"distributions": "dividends",
                                             "returns": "data", "prices": "data"}):
        how = read_choice(method, EQUAL_WEIGHT_METHODS, arg="method", default="rebalance")
        kind = read_choice(input_type, INPUT_TYPES, arg="input_type", default="returns")
        table = read_table(data, arg="data")
        if kind != "prices":
            _check_returns(table.values, table.names, "data")
        cash = read_optional_table(dividends, arg="dividends")
        result = equal_weight_returns(table.frame(), method=how, input_type=kind,
                                      distributions=cash)
        return column(result.returns.to_numpy(),
                      name="equal_weight" if table.has_header else None)


@excel("""
    Gives a table: one row per asset with ``beta, weight_start, weight_avg, weight_end,
    weighted_beta_end, contribution, gap``, a ``total`` row, then the summary rows
    ``portfolio_beta, weighted_beta_end, weighted_beta_start, weighted_beta_avg,
    timing_effect, drift_effect, sample_effect, reverse_regression_portfolio,
    reverse_regression_weighted`` with the value in the second column.  Contributions
    add up to the portfolio beta exactly; timing + drift = portfolio beta - weighted
    beta with end weights.  An asset may itself be named ``total``: its row stays.
    Weights may be a dated schedule, as in PORT_RETURNS.
    """)
def BETA_RECONCILE(asset_returns: Any, market_returns: Any, weights: Any,
                   rebalance: Any = "none", input_type: Any = "returns",
                   holdings_type: Any = "weights", risk_free: Any = None,
                   dates: Any = None) -> Any:
    """Why the portfolio's beta differs from the weighted sum of its assets' betas, effect by effect."""  # noqa: E501
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
        assets = rec.assets[list(ASSET_COLUMNS)]
        total = assets.sum().to_numpy(dtype=float, copy=True)
        total[list(ASSET_COLUMNS).index("beta")] = np.nan
        out = cells(assets, corner="asset")  # rows by position: names may repeat ours
        out.append(["total", *[_cell(v) for v in total]])
        pad = [None] * (len(ASSET_COLUMNS) - 1)
        out.extend([name, _cell(getattr(rec, name)), *pad] for name in SUMMARY_FIELDS)
        return out


def _cell(value: Any) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None


@excel("""
    Gives a table with one column per returns column and one row per measure (see the
    README's conventions): population variances unless the name says ``_sample``,
    geometric annual returns, risk annualised by sqrt(periods_per_year).  The rows from
    ``treynor`` on are PerformanceAnalytics' definitions (95%, MAR 0): VaR and ES as
    returns (a loss is negative), max_drawdown as the fraction lost (positive).
    Without ``periods_per_year`` it is inferred from a date column in the data (or the
    benchmark's), as ``risk_table`` does (see Frequency in the conventions), else 12.
    """)
def RISK_TABLE(returns: Any, benchmark_returns: Any, risk_free: Any = None,
               periods_per_year: Any = None) -> Any:
    """Risk and risk-adjusted return measures (volatility, Sharpe, M squared, alpha, beta and more) for each returns column."""  # noqa: E501
    with cell_errors("RISK_TABLE", {"benchmark": "benchmark_returns"}):
        data = _Inputs(returns, "returns", asset_arg="returns", market=benchmark_returns,
                       market_arg="benchmark_returns")
        t = read_number(periods_per_year, arg="periods_per_year", minimum=1e-9)
        if t is None:  # the data's own dates decide; without dates, monthly
            stamps = data.dates(None)
            t = 12.0 if stamps is None else float(
                infer_periods_per_year(pd.DatetimeIndex(stamps), like="returns"))
        rf = data.per_period(risk_free, arg_name="risk_free")
        table = _per_asset(data, lambda r: risk_table(r, data.market, risk_free=rf,
                                                      periods_per_year=t).to_frame())
        return cells(table.loc[list(RISK_FIELDS)], corner="measure")


@excel("""
    Gives one column of returns per price column, with the names as a header row when
    the prices had one.  A return needs both its prices: a blank price leaves its own
    return and the next one blank.  A single row of prices is read along the row.
    """)
def RETURNS(prices: Any, method: Any = "simple", dividends: Any = None) -> Any:
    """Returns from prices: (price + dividend) / previous price - 1, or its logarithm. One row fewer than the prices."""  # noqa: E501
    with cell_errors("RETURNS", {"distributions": "dividends"}):
        how = read_choice(method, RETURN_METHODS, arg="method", default="simple")
        table = read_table(prices, arg="prices", along_rows=_is_row(prices))
        cash = read_optional_table(dividends, arg="dividends")
        frame = to_returns(table.frame(), method=how, distributions=cash)
        frame.columns = list(table.names)
        return cells(frame, header=table.has_header)


@excel("""
    Gives one column per asset with as many rows as the input (with prices, a blank
    first row keeps the rows level); each beta uses the ``window`` rows ending on its
    row, and a window with a missing value is blank.
    """)
def BETA_ROLLING(asset_returns: Any, market_returns: Any, window: Any,
                 input_type: Any = "returns") -> Any:
    """Beta of each asset on the market over a rolling window of rows; blank until the first full window."""  # noqa: E501
    with cell_errors("BETA_ROLLING", {"returns": "asset_returns",
                                      "market": "market_returns"}):
        data = _Inputs(asset_returns, input_type, market=market_returns)
        rows = read_number(window, arg="window", whole=True, minimum=3)
        if rows is None:
            raise fail("window", "is missing: give the number of rows per window, e.g. 36")
        betas = rolling_beta(data.returns, data.market, int(rows))
        out = cells(betas, header=data.table.has_header)
        if data.kind == "prices":  # keep the rows level with the input's price rows
            out.insert(1 if data.table.has_header else 0, [None] * betas.shape[1])
        return out


# --- Factor betas, beta estimators and frequencies (issue 12) -------------------------
# One block, appended: the core does the work (betaxl.factors, .estimators, .frequency).

from ..estimators import ESTIMATORS, beta_estimates  # noqa: E402
from ..factors import factor_betas  # noqa: E402
from ..frequency import FREQUENCIES, RATE_METHODS, per_period_rate, resample_returns  # noqa: E402

__all__ += ["BETA_ESTIMATES", "BETA_FACTORS", "PER_PERIOD_RATE", "RESAMPLE_RETURNS"]

ARG_HELP.update({
    "factors": "Factor returns, one column per factor (Mkt-RF, SMB, HML, ...), same rows; "
               "a first row of text holds the names",
    ("BETA_FACTORS", "risk_free"): "Optional: risk-free return per period (a number or a "
                                   "column), taken off the asset returns only",
    "lags": "Optional: market lags and leads in the Dimson beta (default 1)",
    "halflife": "Optional: half-life of the EWMA beta's weights, in rows (blank: no EWMA)",
    ("RESAMPLE_RETURNS", "dates"): "The dates of the rows, one column, oldest first",
    "to": 'Optional: "month" (default), "week", "quarter" or "year"',
    "annual": "An annual rate as a decimal (0.05 for 5%), or a column of them",
    ("PER_PERIOD_RATE", "periods_per_year"): "Periods in a year: 12 monthly, 52 weekly, "
                                             "252 daily, 4 quarterly",
    ("PER_PERIOD_RATE", "method"): 'Optional: "compound" (default) or "simple" (annual / '
                                   'periods)',
})


@excel("""
    Gives one row per asset: ``alpha`` and one coefficient per factor, their standard
    errors (``se:``) and t statistics (``t:``), ``r_squared``, ``adj_r_squared``,
    ``resid_std`` and ``n_obs``.  For one asset the numbers are LINEST's (which lists
    the coefficients in reverse order, intercept last; ``resid_std`` is its se_y).
    Rows with a missing asset or factor value are left out for that asset; a risk-free
    rate is taken off the asset side only (factors such as Mkt-RF are already excess).
""")
def BETA_FACTORS(asset_returns: Any, factors: Any, risk_free: Any = None,
                 input_type: Any = "returns") -> Any:
    """Each asset regressed on several factors at once (Fama-French); LINEST for many assets."""
    with cell_errors("BETA_FACTORS", {"returns": "asset_returns"}):
        data = _Inputs(asset_returns, input_type)
        table = read_table(factors, arg="factors", prefix="factor")
        rows = table.values[1:] if data.kind == "prices" and \
            len(table.values) == len(data.returns) + 1 else table.values
        fit = factor_betas(data.returns, pd.DataFrame(rows, columns=list(table.names)),
                           risk_free=data.per_period(risk_free, arg_name="risk_free"))
        return cells(fit.to_frame(), corner="asset")


@excel("""
    Gives one row per asset with the columns ``ols, blume, vasicek, dimson,
    scholes_williams, bull, bear, ewma`` (see the README's conventions).  Vasicek needs
    two assets or more; ``ewma`` needs a ``halflife``; bull and bear are blank with
    fewer than 3 up or down periods.
""")
def BETA_ESTIMATES(asset_returns: Any, market_returns: Any, lags: Any = 1,
                   halflife: Any = None, risk_free: Any = None,
                   input_type: Any = "returns") -> Any:
    """Eight betas per asset: OLS, Blume, Vasicek, Dimson, Scholes-Williams, bull, bear, EWMA."""
    with cell_errors("BETA_ESTIMATES", {"returns": "asset_returns",
                                        "market": "market_returns"}):
        data = _Inputs(asset_returns, input_type, market=market_returns)
        est = beta_estimates(
            data.returns, data.market,
            lags=int(read_number(lags, arg="lags", default=1.0, whole=True, minimum=0)),
            halflife=read_number(halflife, arg="halflife", minimum=1e-9),
            risk_free=data.per_period(risk_free, arg_name="risk_free"))
        return cells(est.to_frame()[list(ESTIMATORS)], corner="asset")


@excel("""
    Gives a table: ``date`` (the period's last date in the data), ``period``, ``rows``
    (rows compounded), ``partial`` (TRUE for a first or last period the data cover only
    in part; kept, not dropped) and one column per input column.  Each period's return
    is the product of (1 + r) less 1; a period with a missing value is blank.
""")
def RESAMPLE_RETURNS(returns: Any, dates: Any, to: Any = "month") -> Any:
    """Returns compounded into weekly, monthly, quarterly or yearly returns."""
    with cell_errors("RESAMPLE_RETURNS"):
        how = read_choice(to, FREQUENCIES, arg="to", default="month")
        table = read_table(returns, arg="returns")
        stamps = read_dates(_trim_blank_tail(dates), arg="dates")
        frame = table.frame()
        if len(frame) > len(stamps) and frame.iloc[len(stamps):].isna().all(axis=None):
            frame = frame.iloc[:len(stamps)]  # whole columns: blank rows past the dates
        out = resample_returns(frame, to=how, dates=stamps)
        frame = out.to_frame()
        frame.insert(0, "date", frame.index)
        return cells(frame)


def _trim_blank_tail(value: Any) -> Any:
    """A column or row of cells without its trailing blanks (whole-column references)."""
    if not isinstance(value, (list, tuple)):
        return value
    flat = [c for row in rows_of(value, arg="dates") for c in row]
    while len(flat) > 1 and is_blank(flat[-1]):
        flat.pop()
    return [[c] for c in flat]


@excel("""
    Gives a number, or a range shaped like ``annual``.  "compound" (default) compounds
    back to the annual rate over a year; "simple" divides by the periods (money-market
    quotes).  Use the result as the ``risk_free`` argument of the other functions.
""")
def PER_PERIOD_RATE(annual: Any, periods_per_year: Any,
                    method: Any = "compound") -> Any:
    """An annual rate turned into the rate per period: (1 + annual)^(1/periods) - 1."""
    with cell_errors("PER_PERIOD_RATE"):
        how = read_choice(method, RATE_METHODS, arg="method", default="compound")
        periods = read_number(periods_per_year, arg="periods_per_year", minimum=1e-9)
        if periods is None:
            raise fail("periods_per_year", "is missing")
        if not isinstance(annual, (list, tuple)):
            return per_period_rate(read_number(annual, arg="annual", default=np.nan),
                                   periods, method=how)
        table = read_table(annual, arg="annual", dates=False)
        rate = per_period_rate(table.values, periods, method=how)
        out: list[list[Any]] = [[None if np.isnan(v) else float(v) for v in row]
                                for row in rate]
        pad = table.rows - len(out) - int(table.has_header)
        return out + [[None] * rate.shape[1] for _ in range(pad)]  # shaped like annual
