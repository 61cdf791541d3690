"""The batch subcommands of ``betaxl``: every core function, from files, to files.

``returns``, ``betas``, ``rolling``, ``portfolio``, ``equal-weight``, ``reconcile`` and
``risk`` take the same arguments, with the same defaults, as the Excel functions and
the Python API.  Input goes through :func:`betaxl.cli.table.read_table`, output through
:func:`betaxl.cli.write.write_outputs` (all files or none, never over an input).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd

from .. import (
    beta_reconcile,
    equal_weight_returns,
    ols_beta,
    per_period_rate,
    portfolio_returns,
    risk_table,
    rolling_beta,
    to_returns,
)
from ..data.units import in_decimals
from ..errors import count
from .arguments import common_arguments, mar_argument, risk_free_arguments, se_arguments
from .helptext import epilog
from .inputs import (
    Inputs,
    check_window,
    core_weights,
    declared,
    periods_per_year,
    read_dividends,
    read_input,
    read_weights,
    rebalance_dates,
)
from .output import chunked, finish, output_target, wrapped
from .sources import ReadError

__all__ = ["add_batch_commands"]


def _returns(args: argparse.Namespace) -> None:
    args.input_type = "prices"
    inputs = Inputs(read_input(args), args)
    target = output_target(args, "returns")
    dividends = read_dividends(args, inputs)
    out = to_returns(inputs.assets, method=args.method, distributions=dividends)
    finish(args, inputs, target, {"returns": out},
           f"({count(out.shape[1], 'column')}, {out.shape[0]} {args.method} returns each)")


def _betas(args: argparse.Namespace) -> None:
    if _ran_on_dask(args, "run_betas"):
        return
    inputs = Inputs(read_input(args), args, take=("market",), optional=("risk_free",))
    _window_ok(args, required=False)
    target = output_target(args, "betas", [f"rolling_{args.window}"] if args.window else [])
    returns, market, rf = inputs.returns(), inputs.column("market"), inputs.column("risk_free")
    betas = chunked(returns, args, 2 if args.window else 1,
                    lambda part: ols_beta(part, market, risk_free=rf, se=args.se,
                                          hac_lags=args.hac_lags,
                                          units=declared(args)).to_frame().T, axis=0)
    betas.index.name = "asset"
    sheets = {"betas": betas}
    if args.window:
        sheets[f"rolling_{args.window}"] = chunked(
            returns, args, 1, lambda part: rolling_beta(part, market, args.window), axis=1)
    finish(args, inputs, target, sheets,
           f"({count(betas.shape[0], 'asset')} against {args.market})")


def _rolling(args: argparse.Namespace) -> None:
    if _ran_on_dask(args, "run_rolling"):
        return
    inputs = Inputs(read_input(args), args, take=("market",))
    _window_ok(args, required=True)
    target = output_target(args, f"rolling_{args.window}")
    returns, market = inputs.returns(), inputs.column("market")
    out = chunked(returns, args, 1, lambda part: rolling_beta(part, market, args.window),
                  axis=1)
    finish(args, inputs, target, {f"rolling_{args.window}": out},
           f"({count(out.shape[1], 'asset')}, window {args.window})")


def _window_ok(args: argparse.Namespace, *, required: bool) -> None:
    if args.window is None:
        if required:
            raise ReadError("--window is needed")
        return
    check_window(args.window)


def _portfolio(args: argparse.Namespace) -> None:
    inputs = Inputs(read_input(args), args)
    target = output_target(args, "portfolio")
    names = [str(c) for c in inputs.assets.columns]
    weights = read_weights(args, names, inputs)
    dates = rebalance_dates(args, inputs, inputs.returns())
    path = portfolio_returns(inputs.returns(), core_weights(weights),
                             rebalance=args.rebalance, dates=dates, holdings=args.holdings,
                             prices=inputs.prices, cost_bps=args.cost_bps or 0.0)
    out = path.returns.to_frame("portfolio")
    if args.cost_bps is not None:
        out["turnover"], out["cost"] = path.turnover, path.cost
    if args.detail:
        out = pd.concat([out, path.weights_start.add_prefix("weight_"),
                         path.contributions.add_prefix("contribution_")], axis=1)
    finish(args, inputs, target, {"portfolio": out},
           f"({count(len(out), 'period')}, rebalance {args.rebalance})")


def _equal_weight(args: argparse.Namespace) -> None:
    inputs = Inputs(read_input(args), args)
    target = output_target(args, "equal_weight")
    dividends = read_dividends(args, inputs)
    result = equal_weight_returns(inputs.assets, method=args.method,
                                  input_type=inputs.input_type,  # type: ignore[arg-type]
                                  distributions=dividends)
    out = pd.DataFrame({"equal_weight": result.returns, "n_assets": result.n_assets})
    finish(args, inputs, target, {"equal_weight": out},
           f"({count(len(out), 'period')}, method {args.method})")


def _reconcile(args: argparse.Namespace) -> None:
    inputs = Inputs(read_input(args), args, take=("market",), optional=("risk_free",))
    target = output_target(args, "reconcile")
    names = [str(c) for c in inputs.assets.columns]
    weights = read_weights(args, names, inputs)
    returns = inputs.returns()
    dates = rebalance_dates(args, inputs, returns)
    result = beta_reconcile(returns, inputs.column("market"), core_weights(weights),
                            rebalance=args.rebalance, dates=dates, holdings=args.holdings,
                            prices=inputs.prices, risk_free=inputs.column("risk_free"),
                            units=declared(args))
    assets = result.assets.copy()
    assets.index.name = "asset"
    summary = result.summary().to_frame()
    summary.index.name = "figure"
    if not args.quiet and sys.stdout.isatty():
        print(wrapped(result.explain()))
    finish(args, inputs, target, {"assets": assets, "summary": summary},
           f"(portfolio beta {result.portfolio_beta:.6f}, weighted end-weight beta "
           f"{result.weighted_beta_end:.6f})")


def risk_options(args: argparse.Namespace, inputs: Inputs, returns: pd.DataFrame
                 ) -> dict[str, Any]:
    """``risk_table``'s options from the command line (``betaxl risk`` and ``report``):
    ``--mar`` in decimals, the periods per year (given, or from the dates: refused
    without either), the percent rule, the declared units."""
    kwargs: dict[str, Any] = {"mar": in_decimals(args.mar, args.units)}
    kwargs["periods_per_year"] = (args.periods_per_year if args.periods_per_year is not None
                                  else periods_per_year(returns.index, inputs.name))
    inputs.check_percent(kwargs["periods_per_year"], "benchmark")  # daily percents
    if args.units is not None:
        kwargs["units"] = declared(args)
    return kwargs


def _risk(args: argparse.Namespace) -> None:
    if _ran_on_dask(args, "run_risk"):
        return
    inputs = Inputs(read_input(args), args, take=("benchmark",), optional=("risk_free",))
    target = output_target(args, "risk")
    returns = inputs.returns()
    bench, rf = inputs.column("benchmark"), inputs.column("risk_free")
    kwargs = risk_options(args, inputs, returns)
    table = chunked(returns, args, 1,
                    lambda part: risk_table(part, bench, risk_free=rf, **kwargs).to_frame(),
                    axis=1)
    table.index.name = "measure"
    blank = table.columns[table.loc["var_modified"].isna()
                          & table.loc["excess_kurtosis"].notna()]
    if len(blank):
        inputs.notes.append(f"var_modified is blank for {', '.join(map(str, blank[:5]))}"
                            f"{' ...' if len(blank) > 5 else ''}: the Cornish-Fisher "
                            "expansion is not monotone at that skewness and kurtosis "
                            "(see var_historical, var_gaussian)")
    finish(args, inputs, target, {"risk": table},
           f"({count(table.shape[1], 'column')} against {args.benchmark}, "
           f"{kwargs['periods_per_year']:g} periods a year)")


def _ran_on_dask(args: argparse.Namespace, runner: str) -> bool:
    """With ``--engine dask``, run the command on the cluster (``distributed.<runner>``)."""
    if args.engine != "dask":
        return False
    from . import cluster as distributed

    _dask_annual(args)  # a no-op for commands without --risk-free-annual
    getattr(distributed, runner)(args)
    return True


def _dask_annual(args: argparse.Namespace) -> None:
    """``--engine dask`` reads no dates up front: an annual number needs
    --periods-per-year, and is made per period here."""
    if getattr(args, "risk_free_annual", None) is None:
        return
    if args.risk_free is not None:
        raise ReadError("give --risk-free (a rate per period) or --risk-free-annual, not both")
    try:
        annual = in_decimals(float(args.risk_free_annual), getattr(args, "units", None))
    except ValueError:
        raise ReadError("--engine dask: --risk-free-annual must be a number (a column of "
                        "annual rates needs --engine memory)") from None
    if args.periods_per_year is None:
        raise ReadError("--engine dask: --risk-free-annual needs --periods-per-year")
    rate = per_period_rate(annual, args.periods_per_year, method=args.rate_method)
    args.risk_free, args.risk_free_annual = repr(float(rate)), None
    args.risk_free_decimal = True  # made from --units already (cluster._special)


def add_batch_commands(sub: Any) -> None:
    """Add the batch subcommands to the ``betaxl`` parser's subparsers."""
    p = sub.add_parser("returns", help="returns from prices (RETURNS)",
                       description="Returns from prices, (P + D) / P_previous - 1 or its log; "
                       "one row fewer than prices.")
    common_arguments(p, input_type=False)
    p.add_argument("--method", choices=("simple", "log"), default="simple")
    p.add_argument("--dividends", help="a file of cash paid per unit, columns named like "
                   "the prices, same dates")
    p.set_defaults(run=_returns, trust_input_type=False)
    p.epilog = epilog("returns")

    p = sub.add_parser("betas", help="OLS betas and statistics of every column (BETA_OLS)",
                       description="Regress every asset column on the market column (OLS "
                       "with an intercept) and write the statistics table; with --window also "
                       "the rolling betas.")
    common_arguments(p, engine=True)
    p.add_argument("--market", required=True, help="the market column's name (or id)")
    risk_free_arguments(p)
    p.add_argument("--window", type=int, help="also write rolling betas over this many rows")
    se_arguments(p)
    p.set_defaults(run=_betas)
    p.epilog = epilog("betas")

    p = sub.add_parser("rolling", help="rolling-window betas (BETA_ROLLING)",
                       description="Beta of each asset on the market over a moving window of "
                       "--window rows; blank until the first full window.")
    common_arguments(p, engine=True)
    p.add_argument("--market", required=True, help="the market column's name (or id)")
    p.add_argument("--window", type=int, required=True, help="rows per window (36, 252, ...)")
    p.set_defaults(run=_rolling)
    p.epilog = epilog("rolling")

    holdings = {"choices": ("weights", "units"), "default": "weights",
                "help": "weights (default) or units held (needs prices)"}
    rebalance = {"choices": ("none", "period", "week", "month", "quarter", "year"),
                 "default": "none",
                 "help": "none (buy and hold, default), period, week, month, quarter or year"}
    weights = {"required": True, "help": "NAME=W,NAME=W,..., a CSV of name,weight, or a "
               "schedule: a file whose first column holds dates, one row per rebalancing "
               "date and a column per asset; matched to the columns by name"}
    p = sub.add_parser("portfolio", help="portfolio returns (PORT_RETURNS)",
                       description="Portfolio return per period from asset returns and "
                       "weights (buy and hold by default).")
    common_arguments(p)
    p.add_argument("--weights", **weights)
    p.add_argument("--rebalance", **rebalance)
    p.add_argument("--holdings", **holdings)
    p.add_argument("--detail", action="store_true",
                   help="add each asset's start-of-period weight and contribution")
    p.add_argument("--cost-bps", type=float, help="trading cost in basis points of the value "
                   "traded, taken from the return; adds turnover and cost columns")
    p.set_defaults(run=_portfolio)
    p.epilog = epilog("portfolio")

    p = sub.add_parser("equal-weight", help="equal-weighted returns (EQUAL_WEIGHT_RETURN)",
                       description="Return of an equal-weighted portfolio each period.")
    common_arguments(p)
    p.add_argument("--method", choices=("rebalance", "buy_and_hold", "equal_shares"),
                   default="rebalance", help="(default: %(default)s)")
    p.add_argument("--dividends", help="a file of cash paid per unit (with prices)")
    p.set_defaults(run=_equal_weight)
    p.epilog = epilog("equal-weight")

    p = sub.add_parser("reconcile", help="portfolio beta vs weighted betas (BETA_RECONCILE)",
                       description="Why the portfolio's beta differs from the weighted sum of "
                       "its assets' betas: per-asset table and summary.")
    common_arguments(p)
    p.add_argument("--market", required=True, help="the market column's name (or id)")
    p.add_argument("--weights", **weights)
    p.add_argument("--rebalance", **rebalance)
    p.add_argument("--holdings", **holdings)
    risk_free_arguments(p)
    p.set_defaults(run=_reconcile)
    p.epilog = epilog("reconcile")

    p = sub.add_parser("risk", help="risk and risk-adjusted measures (RISK_TABLE)",
                       description="Sharpe, M², alpha, beta and more, per column, against the "
                       "benchmark column.")
    common_arguments(p, engine=True)
    p.add_argument("--benchmark", required=True, help="the benchmark column's name (or id)")
    risk_free_arguments(p, periods="12 monthly, 252 daily...: for annualising and "
                        "--risk-free-annual (default: from the dates; refused without)")
    mar_argument(p)
    p.set_defaults(run=_risk)
    p.epilog = epilog("risk")

