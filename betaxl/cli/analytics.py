"""The analytics subcommands of ``betaxl`` (issue 12): ``factors``, ``estimators``,
``resample``.

Multi-factor regressions, beta by several estimators, and returns compounded to calendar
periods, read and written as the batch commands are (:mod:`betaxl.cli.batch`).
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
import pandas as pd

from .. import beta_estimates, factor_betas, resample_returns
from ..data.table import by_month, partial_note
from ..data.units import UNITS, in_decimals, not_returns
from ..errors import count
from .arguments import common_arguments, risk_free_arguments, se_arguments
from .dates import cli_format
from .helptext import epilog
from .inputs import Inputs, declared, read_input
from .names import check_names, chosen_assets, split_names
from .output import finish, output_target
from .sources import ReadError, ReadOptions
from .table import Table, read_table

__all__ = ["add_analytics_commands"]

#: How ``factors`` says to declare the factors' units.
FACTORS_HOW = ("factors are decimal returns (0.025 for 2.5%): for factors in percent (Ken "
               "French's files) pass --factors-units percent")


def _factor_list(args: argparse.Namespace) -> list[str]:
    if bool(args.factors) == bool(args.factors_file):
        raise ReadError("give exactly one of --factors COL,COL,... (columns of the "
                        "file) or --factors-file FILE2 (matched by date)")
    if not args.factors:
        return []
    names = [n for n in split_names(args.factors) if n]
    if not names or len(set(names)) < len(names):
        raise ReadError(f"--factors: {args.factors!r} must name distinct columns, "
                        "separated by commas")
    return names


def _factors(args: argparse.Namespace) -> None:
    names = _factor_list(args)
    table = read_input(args)
    check_names(names, list(table.frame.columns), source=table.source, flag="--factors")
    if args.assets is not None and names:
        chosen_assets(args.assets, [c for c in table.frame.columns if c not in names],
                      source=table.source, taken={"--factors": names})
    given = table.frame[names]  # factor returns, never converted from prices
    table.frame = table.frame.drop(columns=names)
    other, rf_other = None, None
    if args.factors_file:
        other = read_table(args.factors_file, ReadOptions(sep=args.sep, decimal=args.decimal,
                                                          date_order=args.date_order,
                                                          date_format=cli_format(args),
                                                          sort_dates=args.sort_dates))
        given = other.frame
        if not (isinstance(given.index, pd.DatetimeIndex)
                and isinstance(table.frame.index, pd.DatetimeIndex)):
            raise ReadError(f"{other.source}: --factors-file is matched by date, and "
                            f"{other.source} or {table.source} has no date column")
        if table.months or other.months:
            given = _by_month(given, table, other)
        if args.risk_free in given.columns and args.risk_free not in table.frame.columns:
            if args.risk_free_annual is not None:
                raise ReadError("give --risk-free (a rate per period) or "
                                "--risk-free-annual, not both")
            rf_other = given[args.risk_free]  # e.g. French's RF beside the factors
            given = given.drop(columns=[args.risk_free])
    # --units: both files; --factors-units: the factors (and an RF beside them) alone
    funits = args.factors_units or getattr(args, "units", None)
    given = in_decimals(given, funits)
    rf_other = in_decimals(rf_other, funits)
    _check_factors(given, other.source if other is not None else table.source, args)
    inputs = Inputs(table, args, optional=() if rf_other is not None else ("risk_free",))
    if other is not None:
        inputs.notes.extend(f"{other.source}: {note}" for note in other.notes)
    target = output_target(args, "factors")
    returns = inputs.returns()
    rf = inputs.column("risk_free")
    if rf_other is not None:
        absent = returns.index.difference(rf_other.index)
        if len(absent):
            raise ReadError(f"--risk-free: {args.risk_free!r} has no value for "
                            f"{absent[0]:%Y-%m-%d} ({len(absent)} dates of {inputs.name})")
        rf = rf_other.loc[returns.index]
    fit = factor_betas(returns, given if other is not None else given.loc[returns.index],
                       risk_free=rf, se=args.se, hac_lags=args.hac_lags,
                       units=declared(args))
    out = fit.to_frame()
    out.index.name = "asset"
    finish(args, inputs, target, {"factors": out},
           f"({count(out.shape[0], 'asset')} on {count(len(fit.coef.columns) - 1, 'factor')}: "
           + ", ".join(map(str, fit.coef.columns[1:])) + ")")


def _check_factors(given: pd.DataFrame, source: str, args: argparse.Namespace) -> None:
    """Factors are checked as a market is (data.units' 100% rule): French's monthly
    percents beside decimal returns are refused, naming --factors-units."""
    if args.trust_input_type:
        return
    message = not_returns(given, list(given.columns), FACTORS_HOW)
    if message is not None:
        raise ReadError(f"{source}: factor {message}")


def _by_month(given: pd.DataFrame, table: Table, other: Table) -> pd.DataFrame:
    """A factors file lined up with month-labelled returns (or the other way round) by
    calendar month: a month label stands for its whole month (the core's rule,
    :func:`betaxl.data.table.by_month`)."""
    target = pd.DatetimeIndex(table.frame.index)
    try:
        pos = by_month(pd.DatetimeIndex(given.index), target)
    except ValueError as exc:
        raise ReadError(f"{other.source}: {exc}") from None
    if (pos < 0).any():
        first = target[int(np.flatnonzero(pos < 0)[0])]
        raise ReadError(f"{other.source}: has no date in the month {first:%Y-%m} of "
                        f"{table.source} ({int((pos < 0).sum())} months missing)")
    table.notes.append(f"{other.source}: lined up with {table.source} by month (a month "
                       "label stands for its whole month)")
    return given.iloc[pos].set_axis(target)


def _estimators(args: argparse.Namespace) -> None:
    inputs = Inputs(read_input(args), args, take=("market",), optional=("risk_free",))
    target = output_target(args, "estimators")
    returns, market = inputs.returns(), inputs.column("market")
    # one call, never chunked: Vasicek shrinks towards the mean over all the assets
    out = beta_estimates(returns, market, lags=args.lags, halflife=args.halflife,
                         risk_free=inputs.column("risk_free"),
                         units=declared(args)).to_frame()
    out.index.name = "asset"
    if args.halflife is None:
        inputs.notes.append("the ewma column is blank: EWMA beta needs --halflife N (in rows; "
                            "RiskMetrics' lambda 0.94 is a half-life of about 11.2 rows)")
    finish(args, inputs, target, {"estimators": out},
           f"({count(out.shape[0], 'asset')} against {args.market}, {out.shape[1]} estimators)")


def _resample(args: argparse.Namespace) -> None:
    inputs = Inputs(read_input(args, resampling=True), args)
    if not isinstance(inputs.raw.index, pd.DatetimeIndex):
        raise ReadError(f"{inputs.name}: no date column was found, and resampling cuts rows "
                        "into calendar periods; name it with --date-column")
    target = output_target(args, f"{args.to}ly")  # r_monthly.csv, r_weekly.csv, ...
    result = resample_returns(inputs.returns(), to=args.to, drop_partial=args.drop_partial)
    partial = int(result.partial.sum())
    if result.dropped:
        inputs.notes.append(partial_note(result.dropped, True, "--drop-partial"))
    out = result.to_frame()
    out.index.name = "date"
    finish(args, inputs, target, {args.to: out},
           f"({count(len(out), args.to)}, {partial} partial, "
           f"{count(result.returns.shape[1], 'column')})")


def add_analytics_commands(sub: Any) -> None:
    """Add ``factors``, ``estimators`` and ``resample`` (issue 12's analytics)."""
    p = sub.add_parser("factors", help="multi-factor regressions (BETA_FACTORS)",
                       description="Regress every asset column on several factors at once "
                       "(OLS with an intercept): one row per asset with alpha, a coefficient "
                       "per factor, se:, t:, R², adjusted R², residual s.d. and n_obs.")
    common_arguments(p)
    p.add_argument("--factors", help="the factor columns of FILE: COL,COL,...")
    p.add_argument("--factors-file", help="or a file of factor returns (every column a "
                   "factor), matched to FILE by date")
    p.add_argument("--factors-units", choices=UNITS, default=None,
                   help="the units of the factors (and of a risk-free column of the "
                   "factors file) where they differ from --units: percent for Ken "
                   "French's files beside decimal returns (default: --units)")
    risk_free_arguments(p, column="a risk-free column's name (of FILE, or of the factors file), or "
                        "a per-period number")
    se_arguments(p)
    p.set_defaults(run=_factors)
    p.epilog = epilog("factors")

    p = sub.add_parser("estimators", help="beta by several estimators (BETA_ESTIMATES)",
                       description="One row per asset: OLS, Blume, Vasicek, Dimson, "
                       "Scholes-Williams, bull and bear market and EWMA betas.")
    common_arguments(p)
    p.add_argument("--market", required=True, help="the market column's name (or id)")
    p.add_argument("--lags", type=int, default=1,
                   help="market lags and leads for Dimson (default: %(default)s)")
    p.add_argument("--halflife", type=float,
                   help="EWMA half-life in rows (default: none, the EWMA column is blank)")
    risk_free_arguments(p)
    p.set_defaults(run=_estimators)
    p.epilog = epilog("estimators")

    p = sub.add_parser("resample", help="compound returns to weeks, months... (RESAMPLE_RETURNS)",
                       description="Compound returns within calendar periods: one row per "
                       "period (its last date in the data), with its label, the rows it "
                       "holds and whether the data cover it only in part.")
    common_arguments(p)
    p.add_argument("--to", required=True, choices=("week", "month", "quarter", "year"),
                   help="the calendar period")
    p.set_defaults(run=_resample)
    p.epilog = epilog("resample")
