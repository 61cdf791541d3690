"""betaxl's Excel functions: the module a workbook's ``xlwings.conf`` names as "UDF Modules".

This module holds the functions only; each is an adapter: read the cells, call one core
function, shape the result.  They run unchanged in classic xlwings (Windows Excel,
"Import Functions") and in xlwings Lite / Server (Office.js): every argument is declared
``"raw"`` so both runtimes hand over the cell values untouched, and nothing but a
one-line :class:`~betaxl.BetaxlError` can come out of a call.

Rules shared by every function: rows are periods, oldest first; columns are assets; a
first row of text holds the asset names; blanks, errors, text and TRUE/FALSE inside the
data are missing values; ``input_type`` is "returns" (default), "prices" (returns are
computed first, so results have one row fewer) or "log_returns".

A new Excel function follows the same pattern (append it at the end of this module, add
its name at the end of ``__all__`` and any new argument to ``ARG_HELP`` in
:mod:`.registry`)::

    @excel('''
        Reference text for the README: what the result holds, conventions, formulas.
        ''')
    def NEW_FUNCTION(asset_returns: Any, market_returns: Any, option: Any = None) -> Any:
        '''One or two plain sentences for the function wizard, at most 255 characters.'''
        with cell_errors("NEW_FUNCTION", {"returns": "asset_returns",
                                          "market": "market_returns"}):
            data = Inputs(asset_returns, "returns", market=market_returns)
            result = core_function(data.returns, data.market)  # one core call
            return cells(result.to_frame(), corner="statistic")

The parts, one module each: ``@excel`` (:mod:`.registry`) registers the function;
``Inputs`` (:mod:`.inputs`) reads, trims, lines up and converts the data ranges
(:func:`.tables.read_table` reads any other table); ``read_choice`` / ``read_flag`` /
``read_number`` (:mod:`.arguments`) read options; ``cells`` / ``column``
(:mod:`.results`) shape results; ``cell_errors`` and ``fail(arg, text)``
(:mod:`.failures`) word a failure as a :class:`~betaxl.BetaxlError`, which ``@excel``
turns into the cell's one-line text.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data.units import in_decimals
from ..equal_weight import EQUAL_WEIGHT_METHODS, equal_weight_returns
from ..estimators import ESTIMATORS, beta_estimates
from ..factors import factor_betas
from ..frequency import FREQUENCIES, RATE_METHODS, per_period_rate, resample_returns
from ..hac import SE_KINDS
from ..portfolio import HOLDINGS, REBALANCE_MODES, portfolio_returns
from ..reconcile import ASSET_COLUMNS, SUMMARY_FIELDS, beta_reconcile
from ..regression import OLS_FIELDS, ols_beta
from ..returns import INPUT_TYPES, RETURN_METHODS, to_returns
from ..risk import RISK_FIELDS, risk_table
from ..rolling import rolling_beta
from .arguments import read_choice, read_flag, read_number
from .dates import read_dates
from .failures import cell_errors, fail
from .inputs import EXCEL_FACTORS, Inputs, check_returns, decimals, is_row, per_asset, read_units
from .ranges import rows_of
from .registry import excel
from .results import cells, column
from .tables import read_optional_table, read_table
from .values import is_blank
from .weights import read_weights

__all__ = [
    "BETA_OLS",
    "BETA_RECONCILE",
    "BETA_ROLLING",
    "EQUAL_WEIGHT_RETURN",
    "PORT_RETURNS",
    "RETURNS",
    "RISK_TABLE",
    # factor betas, beta estimators and frequencies (issue 12), appended
    "BETA_ESTIMATES",
    "BETA_FACTORS",
    "PER_PERIOD_RATE",
    "RESAMPLE_RETURNS",
]


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
    beta_se, alpha_se, beta_t, alpha_t, resid_std, n_obs, adjusted_beta, beta_ci_low,
    beta_ci_high``.  Alpha is per period; ``resid_std`` is Excel's STEYX; rows with a
    missing value in either series are left out (``n_obs``).  With ``risk_free`` both
    sides are excess returns (CAPM).  ``se`` "hac" gives Newey-West standard errors and
    t statistics (Bartlett, ``hac_lags`` lags, default floor(4 (n/100)^(2/9))); the 95%
    interval uses Student t with n - 2 degrees of freedom and the chosen errors.
    """)
def BETA_OLS(asset_returns: Any, market_returns: Any, risk_free: Any = None,
             stats: Any = False, input_type: Any = "returns", se: Any = "classical",
             hac_lags: Any = None,
             date_format: Any = None, units: Any = None) -> Any:
    """Beta of each asset on the market (least squares with an intercept). Set stats to TRUE for alpha, R squared, standard errors and more."""  # noqa: E501
    with cell_errors("BETA_OLS", {"returns": "asset_returns", "market": "market_returns"},
                     dates=date_format):
        data = Inputs(asset_returns, input_type, market=market_returns, units=units)
        full = read_flag(stats, arg="stats")
        rf = data.per_period(risk_free, arg_name="risk_free")
        kind, lags = _read_se(se, hac_lags)
        frame = per_asset(data, lambda r: ols_beta(r, data.market, risk_free=rf, se=kind,
                                                   hac_lags=lags).to_frame())
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
                 holdings_type: Any = "weights", detail: Any = False,
                 date_format: Any = None) -> Any:
    """Portfolio return each period from asset returns (or prices) and weights; buy and hold unless rebalance says otherwise."""  # noqa: E501
    with cell_errors("PORT_RETURNS", {"returns": "asset_returns", "prices": "asset_returns",
                                      "holdings": "holdings_type"}, dates=date_format):
        data = Inputs(asset_returns, input_type)
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
                        dividends: Any = None,
                        date_format: Any = None, units: Any = None) -> Any:
    """Return of an equally weighted portfolio each period: rebalanced (default), buy and hold, or equal shares."""  # noqa: E501
    with cell_errors("EQUAL_WEIGHT_RETURN", {"distributions": "dividends",
                                             "returns": "data", "prices": "data"},
                     dates=date_format):
        how = read_choice(method, EQUAL_WEIGHT_METHODS, arg="method", default="rebalance")
        kind = read_choice(input_type, INPUT_TYPES, arg="input_type", default="returns")
        table = decimals(read_table(data, arg="data"), read_units(units, prices=kind == "prices"))
        if kind != "prices":
            check_returns(table.values, table.names, "data")
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
                   dates: Any = None,
                   date_format: Any = None) -> Any:
    """Why the portfolio's beta differs from the weighted sum of its assets' betas, effect by effect."""  # noqa: E501
    with cell_errors("BETA_RECONCILE", {"returns": "asset_returns",
                                        "market": "market_returns",
                                        "prices": "asset_returns",
                                        "holdings": "holdings_type"}, dates=date_format):
        data = Inputs(asset_returns, input_type, market=market_returns)
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


def _read_se(se: Any, hac_lags: Any) -> tuple[str, int | None]:
    """The ``se`` and ``hac_lags`` arguments of BETA_OLS and BETA_FACTORS."""
    kind = read_choice(se, SE_KINDS, arg="se", default="classical")
    lags = read_number(hac_lags, arg="hac_lags", whole=True, minimum=0)
    if lags is not None and kind == "classical":
        raise fail("hac_lags", 'is given but se is "classical"; set se to "hac" or leave '
                   "hac_lags blank")
    return kind, None if lags is None else int(lags)


def _cell(value: Any) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None


@excel("""
    Gives a table with one column per returns column and one row per measure (see the
    README's conventions): population variances unless the name says ``_sample``,
    geometric annual returns, risk annualised by sqrt(periods_per_year).  Units of the
    rows: per period (decimal returns): ``mean, std, std_sample, alpha, var_historical,
    var_gaussian, var_modified, es_historical, downside_deviation``; per period squared:
    ``variance, variance_sample, covariance``; annual (decimal): ``annual_std,
    annual_return, benchmark_annual_return, m2, m2_excess_*, jensen_alpha,
    systematic_risk, specific_risk, total_risk, tracking_error, active_premium,
    alpha_annual, downside_deviation_annual, net_selectivity, treynor`` and
    ``annual_covariance`` (squared); ratios of annual figures: ``sharpe,
    sharpe_arithmetic, information_ratio*, sortino, calmar, calmar_full,
    appraisal_ratio``; per-period ratio: ``sortino_per_period``; fractions of value
    (positive): ``max_drawdown, pain_index, ulcer_index``; shares of periods (0 to 1):
    ``up_number, down_number, up_percent, down_percent, batting_average``; pure numbers:
    ``n_obs, beta, fama_beta, correlation, r_squared, up_capture*, down_capture*,
    omega, skewness, excess_kurtosis``.
    ``up_capture`` and ``down_capture`` are Morningstar's (annualised over the up or
    down months); ``calmar`` uses the trailing 3 years (blank with fewer);
    ``var_modified`` is blank where the Cornish-Fisher expansion is not monotone (very
    fat tails); the ``_pa`` rows and ``calmar_full``, ``sortino_per_period``,
    ``information_ratio_pa`` are PerformanceAnalytics' definitions.  VaR and ES are
    returns (a loss is negative), 95%.  ``mar`` (per period) sets the downside rows,
    both Sortinos and ``omega``.  Without ``periods_per_year`` it is inferred from a date
    column in the data (or the benchmark's), as ``risk_table`` does (see Frequency in
    the conventions); without dates it must be given.
    """)
def RISK_TABLE(returns: Any, benchmark_returns: Any, risk_free: Any = None,
               periods_per_year: Any = None, mar: Any = None,
               date_format: Any = None, units: Any = None) -> Any:
    """Risk and risk-adjusted return measures (volatility, Sharpe, M squared, alpha, beta and more) for each returns column."""  # noqa: E501
    with cell_errors("RISK_TABLE", {"benchmark": "benchmark_returns"}, dates=date_format):
        data = Inputs(returns, "returns", asset_arg="returns", market=benchmark_returns,
                       market_arg="benchmark_returns", units=units,
                       periods_per_year=periods_per_year)
        t = data.periods
        rf = data.per_period(risk_free, arg_name="risk_free")
        floor = in_decimals(read_number(mar, arg="mar", default=0.0), data.units)
        declared = None if data.units is None else "decimal"  # read as decimals (Inputs)
        table = per_asset(data, lambda r: risk_table(r, data.market, risk_free=rf,
                                                      periods_per_year=t, mar=floor,
                                                      units=declared).to_frame())
        return cells(table.loc[list(RISK_FIELDS)], corner="measure")


@excel("""
    Gives one column of returns per price column, with the names as a header row when
    the prices had one.  A return needs both its prices: a blank price leaves its own
    return and the next one blank.  A single row of prices is read along the row.
    """)
def RETURNS(prices: Any, method: Any = "simple", dividends: Any = None,
            date_format: Any = None) -> Any:
    """Returns from prices: (price + dividend) / previous price - 1, or its logarithm. One row fewer than the prices."""  # noqa: E501
    with cell_errors("RETURNS", {"distributions": "dividends"}, dates=date_format):
        how = read_choice(method, RETURN_METHODS, arg="method", default="simple")
        table = read_table(prices, arg="prices", along_rows=is_row(prices))
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
                 input_type: Any = "returns",
                 date_format: Any = None, units: Any = None) -> Any:
    """Beta of each asset on the market over a rolling window of rows; blank until the first full window."""  # noqa: E501
    with cell_errors("BETA_ROLLING", {"returns": "asset_returns",
                                      "market": "market_returns"}, dates=date_format):
        data = Inputs(asset_returns, input_type, market=market_returns, units=units)
        rows = read_number(window, arg="window", whole=True, minimum=3)
        if rows is None:
            raise fail("window", "is missing: give the number of rows per window, e.g. 36")
        betas = rolling_beta(data.returns, data.market, int(rows))
        out = cells(betas, header=data.table.has_header)
        if data.kind == "prices":  # keep the rows level with the input's price rows
            out.insert(1 if data.table.has_header else 0, [None] * betas.shape[1])
        return out


# --- Factor betas, beta estimators and frequencies (issue 12) -------------------------
# The core does the work (betaxl.factors, .estimators, .frequency).


@excel("""
    Gives one row per asset: ``alpha`` and one coefficient per factor, their standard
    errors (``se:``) and t statistics (``t:``), ``r_squared``, ``adj_r_squared``,
    ``resid_std`` and ``n_obs``, then the 95% intervals (``ci_low:``, ``ci_high:``,
    Student t with n - p - 1 degrees of freedom).  For one asset the numbers are
    LINEST's (which lists the coefficients in reverse order, intercept last;
    ``resid_std`` is its se_y).  ``se`` "hac": Newey-West standard errors, t statistics
    and intervals.  Rows with a missing asset or factor value are left out for that
    asset; a risk-free rate is taken off the asset side only (factors such as Mkt-RF
    are already excess).
""")
def BETA_FACTORS(asset_returns: Any, factors: Any, risk_free: Any = None,
                 input_type: Any = "returns", se: Any = "classical",
                 hac_lags: Any = None,
                 date_format: Any = None, units: Any = None,
                 factor_units: Any = None) -> Any:
    """Each asset regressed on several factors at once (Fama-French); LINEST for many assets."""
    with cell_errors("BETA_FACTORS", {"returns": "asset_returns"}, dates=date_format):
        data = Inputs(asset_returns, input_type, units=units)
        funits = data.units if is_blank(factor_units) else read_units(factor_units,
                                                                        arg="factor_units")
        table = read_table(factors, arg="factors", prefix="factor")
        rows = table.values[1:] if data.kind == "prices" and \
            len(table.values) == len(data.returns) + 1 else table.values
        rows = in_decimals(rows, funits)  # French's factors in percent, RF with them
        check_returns(rows, table.names, "factors", EXCEL_FACTORS)  # as a market is
        kind, lags = _read_se(se, hac_lags)
        fit = factor_betas(data.returns, pd.DataFrame(rows, columns=list(table.names)),
                           risk_free=data.per_period(risk_free, arg_name="risk_free",
                                                     units=funits),
                           se=kind, hac_lags=lags)
        return cells(fit.to_frame(), corner="asset")


@excel("""
    Gives one row per asset with the columns ``ols, blume, vasicek, dimson,
    scholes_williams, bull, bear, ewma`` (see the README's conventions).  Vasicek needs
    two assets or more; ``ewma`` needs a ``halflife``; bull and bear are blank with
    fewer than 3 up or down periods.
""")
def BETA_ESTIMATES(asset_returns: Any, market_returns: Any, lags: Any = 1,
                   halflife: Any = None, risk_free: Any = None,
                   input_type: Any = "returns",
                   date_format: Any = None) -> Any:
    """Eight betas per asset: OLS, Blume, Vasicek, Dimson, Scholes-Williams, bull, bear, EWMA."""
    with cell_errors("BETA_ESTIMATES", {"returns": "asset_returns",
                                        "market": "market_returns"}, dates=date_format):
        data = Inputs(asset_returns, input_type, market=market_returns)
        est = beta_estimates(
            data.returns, data.market,
            lags=int(read_number(lags, arg="lags", default=1.0, whole=True, minimum=0)),
            halflife=read_number(halflife, arg="halflife", minimum=1e-9),
            risk_free=data.per_period(risk_free, arg_name="risk_free"))
        return cells(est.to_frame()[list(ESTIMATORS)], corner="asset")


@excel("""
    Gives a table: ``date`` (the period's last date in the data), ``period``, ``rows``
    (rows compounded), ``partial`` (TRUE for a first or last period the data cover only
    in part; kept unless ``drop_partial`` is TRUE) and one column per input column.
    Each period's return is the product of (1 + r) less 1; a period with a missing
    value is blank.
""")
def RESAMPLE_RETURNS(returns: Any, dates: Any, to: Any = "month",
                     drop_partial: Any = False,
                     date_format: Any = None, units: Any = None) -> Any:
    """Returns compounded into weekly, monthly, quarterly or yearly returns."""
    with cell_errors("RESAMPLE_RETURNS", dates=date_format):
        how = read_choice(to, FREQUENCIES, arg="to", default="month")
        table = decimals(read_table(returns, arg="returns"), read_units(units))
        check_returns(table.values, table.names, "returns")  # prices: refused (data.units)
        stamps = read_dates(_trim_blank_tail(dates), arg="dates")
        frame = table.frame()
        if len(frame) > len(stamps) and frame.iloc[len(stamps):].isna().all(axis=None):
            frame = frame.iloc[:len(stamps)]  # whole columns: blank rows past the dates
        out = resample_returns(frame, to=how, dates=stamps,
                               drop_partial=read_flag(drop_partial, arg="drop_partial"))
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
        if isinstance(annual, (list, tuple)) and len(annual) == 1 and isinstance(
                annual[0], (list, tuple)) and len(annual[0]) == 1:
            annual = annual[0][0]  # one cell, as a runtime may hand it: its value
        if not isinstance(annual, (list, tuple)):
            rate = read_number(annual, arg="annual")
            if rate is None:  # a blank cell: no rate, not a NaN written as a blank
                raise fail("annual", "is missing")
            return per_period_rate(rate, periods, method=how)
        table = read_table(annual, arg="annual", dates=False)
        rate = per_period_rate(table.values, periods, method=how)
        out = cells(pd.DataFrame(rate), header=False)
        pad = table.rows - len(out) - int(table.has_header)
        if pad > 0:  # shaped like annual
            out.extend([None] * rate.shape[1] for _ in range(pad))
        return out
