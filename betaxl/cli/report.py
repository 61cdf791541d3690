"""``betaxl report``: the risk table, charts and (with ``--weights``) the beta
reconciliation of one file, as one self-contained HTML page.

The numbers are those of ``betaxl risk`` and ``betaxl reconcile`` on the same arguments;
the charts are :mod:`betaxl.plot`'s (matplotlib, the ``betaxl[report]`` extra).  Every
check runs, and every figure is drawn, before the page is written (atomically, never
over an input); a chart the data cannot give (no dates, too few rows) is left out with a
line saying why.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from .. import beta_reconcile, risk_table
from ..errors import BetaxlError, count
from .arguments import common_arguments, mar_argument, only_with, risk_free_arguments
from .batch import risk_options
from .inputs import (
    Inputs,
    core_weights,
    is_file,
    read_input,
    read_weights,
    rebalance_dates,
)
from .output import output_stem
from .report_page import Chart, Page, render
from .sources import ReadError, expand_paths

__all__ = ["add_report_command"]

MOST = 10  # assets drawn in one chart, and scatter charts drawn


def _target(args: argparse.Namespace) -> tuple[Path, list[Path]]:
    from ..safeio import check_output

    source = Path(args.file)
    target = Path(args.output) if args.output else source.parent / (
        output_stem(source) + "_report.html")
    if target.suffix.lower() not in (".html", ".htm"):
        raise ReadError(f"{target.name}: a report is an HTML page; name it .html")
    inputs = [*expand_paths(args.file)]
    if args.weights and is_file(args.weights):
        inputs.append(Path(args.weights))
    check_output(target, inputs=inputs)
    return target, inputs


def _span(index: pd.Index) -> str:
    if isinstance(index, pd.DatetimeIndex):
        return f"{index[0]:%Y-%m-%d} to {index[-1]:%Y-%m-%d} ({len(index)} rows)"
    return f"rows 1 to {len(index)} (no dates)"


def _conventions(args: argparse.Namespace, inputs: Inputs, returns: pd.DataFrame,
                 table: pd.DataFrame, ppy: float, given: bool, mar: float
                 ) -> list[tuple[str, str]]:
    if args.risk_free_annual is not None:
        rf = f"{args.risk_free_annual} a year, {args.rate_method} over {ppy:g} periods"
    elif args.risk_free is None:
        rf = "none: 0, and the regressions use raw returns"
    else:
        rf = f"{args.risk_free} per period (not annual); regressions on excess returns"
    dropped = [f"{c}: {len(returns) - int(n)}" for c, n in table.loc["n_obs"].items()
               if len(returns) - int(n)]
    lost = " (prices: the first row is the base of the returns)" \
        if inputs.input_type == "prices" else ""
    out = [("input", f"{inputs.name}, {inputs.input_type.replace('_', ' ')}{lost}"),
           ("benchmark", str(args.benchmark)),
           ("frequency", f"{ppy:g} periods a year ("
                         + ("--periods-per-year" if given else "from the dates") + ")"),
           ("risk-free", rf),
           ("MAR", f"{mar:g} per period (--mar; the downside rows, both Sortinos and "
                   "omega)"),
           ("period covered", _span(returns.index)),
           ("rows dropped", "each column is measured over the rows where it, the benchmark "
                            "and the risk-free rate all have values: "
                            + (", ".join(dropped) if dropped else "none dropped"))]
    out += [("note", note) for note in inputs.notes]
    return out


def _charts(returns: pd.DataFrame, bench: pd.Series, rf: Any, ppy: float,
            left_out: list[str]) -> list[Chart]:
    """The charts in page order; one the data cannot give is a line in its place.

    Every chart is built over the risk table's rows (``betaxl.plot.table_rows``) and
    counted as drawn only if it holds data (``betaxl.plot.drawn``): a refusal or an
    empty figure is the line saying why, never an empty chart."""
    from .. import plot

    shown = returns.iloc[:, :MOST]
    among = [*returns.columns, bench.name]  # every name on the page: one label each
    if returns.shape[1] > MOST:
        left_out.append(f"growth, drawdown, rolling beta and scatter charts show the first "
                        f"{MOST} of {returns.shape[1]} columns")
    charts: list[Chart] = []

    def leave(kind: str, why: str) -> None:
        charts.append(Chart(kind, "", note=why))

    def add(kind: str, what: str, draw: Any) -> None:  # each chart's SVG ids its own
        try:
            fig = draw()
        except BetaxlError as exc:
            leave(kind, f"{what} left out: {exc}")
            return
        if not plot.drawn(fig):
            leave(kind, f"{what} left out: no row has the values it needs")
            return
        charts.append(Chart(kind, plot.to_svg(fig, f"c{len(charts) + 1}")))

    if not isinstance(returns.index, pd.DatetimeIndex):
        leave("growth", "growth, drawdown and rolling beta charts left out: the data have "
                        "no dates (name the date column with --date-column)")
    elif len(returns) < 2:
        leave("growth", "growth and drawdown charts left out: fewer than 2 rows")
    else:
        add("growth", "growth chart", lambda: plot.growth(shown, bench, risk_free=rf,
                                                             among=among))
        add("drawdown", "drawdown chart", lambda: plot.drawdowns(
            shown, bench, risk_free=rf, among=among))
        window = plot.rolling_window(ppy)
        if window is None:
            leave("rolling_beta", f"rolling beta chart left out: no window convention for "
                  f"{ppy:g} periods a year (36 months, 52 weeks or 252 days)")
        elif len(returns) <= window:
            leave("rolling_beta", f"rolling beta chart left out: {len(returns)} rows, and "
                  f"a {plot.window_name(window, ppy)} needs more")
        else:
            add("rolling_beta", "rolling beta chart", lambda: plot.rolling_betas(
                shown, bench, window, periods_per_year=ppy, risk_free=rf, among=among))
    for col in shown.columns:
        add("scatter", f"scatter of {col}",
            lambda col=col: plot.regression(shown[col], bench, risk_free=rf,
                                            among=among))
    return charts


def _shortened(names: list[Any]) -> list[tuple[str, str]]:
    """(label in the charts, name) for each name the charts shorten: the page's key."""
    from ..plot.common import short_names

    return [(label, str(name)) for label, name in zip(short_names(names), names, strict=True)
            if label != str(name)]


def _scaled(weights: pd.Series | pd.DataFrame, holdings: str) -> str:
    """What the reconciliation did with the weights: scaled to sum to 1 (as
    ``betaxl.portfolio.normalise``), with the sums given."""
    what = "units held are valued at the first prices, and those values" \
        if holdings == "units" else "the weights"
    if isinstance(weights, pd.DataFrame):
        sums = ", ".join(f"{s:g}" for s in weights.sum(axis=1).head(3))
        more = ", ..." if len(weights) > 3 else ""
        return f"{what} on each rebalancing date are scaled to sum to 1 (given: {sums}{more})"
    return f"{what} are scaled to sum to 1 (given: sum {float(weights.sum()):g})"


def _report(args: argparse.Namespace) -> None:
    from .. import plot  # the report extra, checked before any work

    target, sources = _target(args)
    inputs = Inputs(read_input(args), args, take=("benchmark",), optional=("risk_free",))
    returns = inputs.returns()
    bench, rf = inputs.column("benchmark"), inputs.column("risk_free")
    given = args.periods_per_year is not None
    # the options of betaxl risk, by its rule: the same table
    options = risk_options(args, inputs, returns)
    ppy = float(options["periods_per_year"])
    table = risk_table(returns, bench, risk_free=rf, **options).to_frame()
    assert bench is not None  # taken: Inputs refuses a missing benchmark column
    left_out: list[str] = []
    page = Page(title=f"betaxl report: {Path(args.file).name} against {args.benchmark}",
                conventions=_conventions(args, inputs, returns, table, ppy, given,
                                         options["mar"]),
                risk=table, charts=_charts(returns, bench, rf, ppy, left_out),
                left_out=left_out, labels=_shortened([*returns.columns, bench.name]))
    if args.weights:
        names = [str(c) for c in inputs.assets.columns]
        weights = read_weights(args, names, inputs)
        dates = rebalance_dates(args, inputs, returns)
        rec = beta_reconcile(returns, bench, core_weights(weights), rebalance=args.rebalance,
                             dates=dates, holdings=args.holdings, prices=inputs.prices,
                             risk_free=rf)
        page.summary, page.assets = rec.summary(), rec.assets
        page.conventions.append(("weights", f"{args.weights} ({args.holdings}, rebalance "
                                 f"{args.rebalance}); " + _scaled(weights, args.holdings)))
        page.reconciliation_charts = [
            Chart("weighted_betas", plot.to_svg(plot.weighted_betas(rec), "r1")),
            Chart("effects", plot.to_svg(plot.effects(rec), "r2")),
            Chart("contributions", plot.to_svg(
                plot.contributions(rec, among=[bench.name]), "r3"))]
    from ..safeio import atomic_file

    with atomic_file(target, inputs=sources) as handle:
        handle.write(render(page).encode("utf-8"))
    drawn = sum(not c.note for c in page.charts) + len(page.reconciliation_charts)
    notes = len(left_out) + sum(bool(c.note) for c in page.charts)
    print(f"wrote {target} ({count(table.shape[1], 'column')}, {count(drawn, 'chart')}"
          + (f", {count(notes, 'note')} on charts left out" if notes else "") + ")")


def add_report_command(sub: Any) -> None:
    """Add ``report`` (issue 21) to the ``betaxl`` parser's subparsers."""
    p = sub.add_parser("report", help="an HTML page: risk table, charts, reconciliation",
                       description="One self-contained HTML page (it fetches nothing): the "
                       "risk table, growth, drawdown, rolling beta and regression charts "
                       "against the benchmark, and with --weights why the portfolio beta "
                       "is not the weighted sum of the betas. Needs 'betaxl[report]'.")
    common_arguments(p)
    p.add_argument("--benchmark", required=True, help="the benchmark column's name (or id)")
    p.add_argument("--weights", help="NAME=W,NAME=W,..., a CSV of name,weight, or a dated "
                   "schedule: adds the beta reconciliation")
    for option in (p.add_argument("--rebalance", choices=("none", "period", "week", "month",
                                                          "quarter", "year"), default="none",
                                  help="with --weights: none (buy and hold, default), "
                                  "period, ..."),
                   p.add_argument("--holdings", choices=("weights", "units"),
                                  default="weights", help="with --weights: weights "
                                  "(default) or units held (needs prices)")):
        only_with(option, "--weights", "it says how the weights are held")
    risk_free_arguments(p, periods="12 monthly, 252 daily...: for annualising, the rolling "
                        "window and --risk-free-annual (default: from the dates)")
    mar_argument(p)
    p.set_defaults(run=_report)
