"""The batch subcommands of ``betaxl``: every core function, from files, to files.

``returns``, ``betas``, ``rolling``, ``portfolio``, ``equal-weight``, ``reconcile`` and
``risk`` take the same arguments, with the same defaults, as the Excel functions and
the Python API.  Input goes through :func:`betaxl.cli.table.read_table`, output through
:func:`betaxl.cli.write.write_outputs` (all files or none, never over an input).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import (beta_estimates, beta_reconcile, equal_weight_returns, factor_betas,
                log_to_simple, ols_beta, per_period_rate, portfolio_returns, resample_returns,
                risk_table, rolling_beta, to_returns)
from ..returns import INPUT_TYPES
from .dates import as_dates
from .sources import Limits, ReadError, ReadOptions, expand_paths
from .table import Table, read_table
from .write import output_paths, write_outputs

__all__ = ["add_batch_commands", "check_input_type"]

CHUNK = 500  # assets per core call: bounded temporaries, a progress step


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def check_input_type(frame: pd.DataFrame, input_type: str, name: str) -> None:
    """Refuse prices given as returns and returns given as prices, naming the column.

    Prices: positive levels whose median is above 1 in magnitude is typical; returns:
    small numbers of both signs.  A column of "returns" whose median absolute value is
    over 1 (over 100% a period) is prices; a column of "prices" with negative values
    and a median absolute value below 0.5 is returns.
    """
    values = frame.to_numpy(dtype=float)
    if values.size == 0:
        return
    with np.errstate(all="ignore"):
        med = np.nanmedian(np.abs(values), axis=0)
        has_negative = (np.nan_to_num(values, nan=0.0) < 0).any(axis=0)
    if input_type in ("returns", "log_returns"):
        bad = np.flatnonzero(med > 1)
        if bad.size:
            col = frame.columns[bad[0]]
            raise ReadError(f"{name}: column {col!r} looks like prices, not "
                            f"{input_type.replace('_', ' ')} (median size {med[bad[0]]:.4g}); "
                            "pass --input-type prices, or --trust-input-type if they really "
                            "are returns")
    else:
        bad = np.flatnonzero(has_negative & (med < 0.5))
        if bad.size:
            col = frame.columns[bad[0]]
            raise ReadError(f"{name}: column {col!r} looks like returns, not prices (negative "
                            f"values, median size {med[bad[0]]:.4g}); pass --input-type "
                            "returns, or --trust-input-type")


class Inputs:
    """A table read for a command: the asset columns as simple returns plus special ones."""

    def __init__(self, table: Table, args: argparse.Namespace, *,
                 take: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> None:
        frame = table.frame
        self.name = table.source
        self.notes = table.notes
        self.raw = frame
        self.special: dict[str, pd.Series] = {}
        for key in (*take, *optional):
            col = getattr(args, key, None)
            if col is None:
                continue
            if key == "risk_free" and col not in frame.columns:
                try:
                    self.special[key] = pd.Series(float(col), index=frame.index)
                except ValueError:
                    raise ReadError(f"--risk-free: {col!r} is neither a column of "
                                    f"{self.name} nor a number") from None
                continue
            if col not in frame.columns:
                flag = "--" + key.replace("_", "-")
                raise ReadError(f"{self.name}: no column named {col!r} for {flag} (columns: "
                                + ", ".join(map(str, frame.columns[:8]))
                                + (" ..." if frame.shape[1] > 8 else "") + ")")
            self.special[key] = frame[col]
            frame = frame.drop(columns=[col])
        if "risk_free" in optional and getattr(args, "risk_free_annual", None) is not None:
            frame = self._annual(frame, args)
        if frame.shape[1] == 0:
            raise ReadError(f"{self.name}: no asset columns are left")
        self.input_type = getattr(args, "input_type", "returns")
        if not getattr(args, "trust_input_type", False):
            checked = frame.copy()
            for key in ("market", "benchmark"):
                if key in self.special:
                    checked[str(args.__dict__[key])] = self.special[key]
            check_input_type(checked, self.input_type, self.name)
        self.prices = frame if self.input_type == "prices" else None
        self.assets = frame

    def _annual(self, frame: pd.DataFrame, args: argparse.Namespace) -> pd.DataFrame:
        """``--risk-free-annual``: a number or a column of annual rates, made per period."""
        text = args.risk_free_annual
        if args.risk_free is not None:
            raise ReadError("give --risk-free (a rate per period) or --risk-free-annual, "
                            "not both")
        if text in frame.columns:
            annual: Any = frame[text]
            frame = frame.drop(columns=[text])
        else:
            try:
                annual = float(text)
            except ValueError:
                raise ReadError(f"--risk-free-annual: {text!r} is neither a column of "
                                f"{self.name} nor a number") from None
        ppy = args.periods_per_year
        if ppy is None:
            if not isinstance(frame.index, pd.DatetimeIndex):
                raise ReadError(f"--risk-free-annual: {self.name} has no dates to tell the "
                                "periods per year from; pass --periods-per-year")
            ppy = _periods_per_year(frame.index, self.name)
        rate = per_period_rate(annual, ppy, method=args.rate_method)
        self.special["risk_free"] = pd.Series(rate, index=frame.index, name="risk_free")
        self.notes.append(f"risk-free: {text} a year is {args.rate_method} over {ppy:g} "
                          "periods a year")
        return frame

    def simple(self, frame: pd.DataFrame | pd.Series) -> Any:
        """``frame`` as simple returns (prices lose their first row)."""
        if self.input_type == "prices":
            return to_returns(frame)
        if self.input_type == "log_returns":
            return log_to_simple(frame)
        return frame

    def returns(self) -> pd.DataFrame:
        return self.simple(self.assets)

    def column(self, key: str) -> pd.Series | None:
        """A market/benchmark column as simple returns, or the risk-free as given."""
        if key not in self.special:
            return None
        col = self.special[key]
        if key == "risk_free":  # a rate per period: never converted as a price
            return col.iloc[1:] if self.input_type == "prices" else col
        out = self.simple(col.to_frame())
        return out.iloc[:, 0]


def _read(args: argparse.Namespace) -> Table:
    opts = ReadOptions(sep=args.sep, decimal=args.decimal, thousands=args.thousands,
                       sheet=args.sheet, cells=args.range, date_column=args.date_column,
                       date_order=args.date_order,
                       layout=args.layout, id_column=args.id_column,
                       value_column=args.value_column, skip_text=args.skip_text,
                       limits=Limits(max_cells=args.max_cells, max_bytes=args.max_bytes))
    return read_table(args.file, opts)


def _target(args: argparse.Namespace, suffix: str, more: Sequence[str] = ()) -> Path:
    """The output path, with it and the files of the ``more`` tables written beside it
    (``betas --window``'s rolling table) checked before any work."""
    if args.output:
        target = Path(args.output)
    else:
        source = Path(args.file)
        stem = source.name.split(".")[0] if source.is_file() else source.stem.strip("*") \
            or "betaxl"
        folder = source.parent if source.is_file() else Path(".")
        target = folder / f"{stem}_{suffix}.csv"
    from ..safeio import check_output
    # before any work: an output that is an input, or not a file, then the extension
    inputs = [*expand_paths(args.file), *_extra_inputs(args)]
    check_output(target, inputs=inputs)  # what it is first, then its extension
    for path in output_paths(target, [suffix, *more])[1:]:
        check_output(path, inputs=inputs)
    return target


def _progress(total: int, args: argparse.Namespace, work: int) -> Any:
    from tqdm import tqdm

    show = args.progress or (sys.stderr.isatty() and work > 2_000_000)
    return tqdm(total=total, disable=not show, file=sys.stderr, ascii=" #", ncols=80,
                bar_format="[{bar:30}] {n_fmt}/{total_fmt} assets {elapsed}")


def _chunked(returns: pd.DataFrame, args: argparse.Namespace, work_per_col: int,
             fn: Callable[[pd.DataFrame], pd.DataFrame], axis: int) -> pd.DataFrame:
    k = returns.shape[1]
    parts = []
    with _progress(k, args, returns.shape[0] * k * work_per_col) as bar:
        for start in range(0, k, CHUNK):
            parts.append(fn(returns.iloc[:, start:start + CHUNK]))
            bar.update(min(CHUNK, k - start))
    return pd.concat(parts, axis=axis)


def _summary(title: str, frame: pd.DataFrame, args: argparse.Namespace) -> None:
    """A readable table on a terminal (rich); nothing when output is piped."""
    if args.quiet or not sys.stdout.isatty():
        return
    from rich.console import Console
    from rich.table import Table as RichTable

    shown = frame.iloc[:15, :8]
    table = RichTable(title=title + (f" (first {shown.shape[0]} of {frame.shape[0]} rows, "
                                     f"{shown.shape[1]} of {frame.shape[1]} columns)"
                                     if shown.shape != frame.shape else ""))
    table.add_column(str(frame.index.name or ""), style="bold")
    for col in shown.columns:
        table.add_column(str(col), justify="right")
    for label, row in shown.iterrows():
        name = f"{label:%Y-%m-%d}" if isinstance(label, pd.Timestamp) else str(label)
        table.add_row(name, *("" if pd.isna(v) else f"{v:.6g}" if isinstance(v, float)
                              else str(v) for v in row))
    Console().print(table)


def _finish(args: argparse.Namespace, inputs: Inputs, target: Path,
            sheets: dict[str, pd.DataFrame], line: str) -> None:
    for note in inputs.notes:
        _say(f"note: {note}")
    written = write_outputs(target, sheets,
                            inputs=[*expand_paths(args.file), *_extra_inputs(args)])
    first = next(iter(sheets))
    _summary(f"{args.command}: {first}", sheets[first], args)
    for path in written[1:]:
        print(f"wrote {path}")
    print(f"wrote {written[0]} {line}")


def _extra_inputs(args: argparse.Namespace) -> list[Path]:
    out = []
    for key in ("weights", "dividends", "factors_file"):
        value = getattr(args, key, None)
        if value and Path(value).exists():
            out.append(Path(value))
    return out


# --- the commands ---------------------------------------------------------------------


def _returns(args: argparse.Namespace) -> None:
    args.input_type = "prices"
    inputs = Inputs(_read(args), args)
    target = _target(args, "returns")
    dividends = _dividends(args, inputs)
    out = to_returns(inputs.assets, method=args.method, distributions=dividends)
    _finish(args, inputs, target, {"returns": out},
            f"({out.shape[1]} columns, {out.shape[0]} {args.method} returns each)")


def _betas(args: argparse.Namespace) -> None:
    if _ran_on_dask(args, "run_betas"):
        return
    inputs = Inputs(_read(args), args, take=("market",), optional=("risk_free",))
    _window_ok(args, required=False)
    target = _target(args, "betas", [f"rolling_{args.window}"] if args.window else [])
    returns, market, rf = inputs.returns(), inputs.column("market"), inputs.column("risk_free")
    betas = _chunked(returns, args, 2 if args.window else 1,
                     lambda part: ols_beta(part, market, risk_free=rf).to_frame().T, axis=0)
    betas.index.name = "asset"
    sheets = {"betas": betas}
    if args.window:
        sheets[f"rolling_{args.window}"] = _chunked(
            returns, args, 1, lambda part: rolling_beta(part, market, args.window), axis=1)
    _finish(args, inputs, target, sheets, f"({betas.shape[0]} assets against {args.market})")


def _rolling(args: argparse.Namespace) -> None:
    if _ran_on_dask(args, "run_rolling"):
        return
    inputs = Inputs(_read(args), args, take=("market",))
    _window_ok(args, required=True)
    target = _target(args, f"rolling_{args.window}")
    returns, market = inputs.returns(), inputs.column("market")
    out = _chunked(returns, args, 1, lambda part: rolling_beta(part, market, args.window),
                   axis=1)
    _finish(args, inputs, target, {f"rolling_{args.window}": out},
            f"({out.shape[1]} assets, window {args.window})")


def _window_ok(args: argparse.Namespace, *, required: bool) -> None:
    if args.window is None:
        if required:
            raise ReadError("--window is needed")
        return
    if args.window < 2:
        raise ReadError(f"--window must be at least 2 rows; got {args.window}")


def _schedule(path: Path, args: argparse.Namespace,
              inputs: Inputs) -> pd.DataFrame | None:
    """A weights file whose first column holds dates: a schedule, one row per rebalancing
    date and a column per asset (by name); None for a ``name,weight`` file."""
    try:
        head = pd.read_csv(path, header=None, dtype=str, sep=args.sep or ",", nrows=50)
    except (ValueError, UnicodeDecodeError, OSError):
        return None
    try:
        first = as_dates(head.iloc[1:, 0], named=True, order=args.date_order)
    except ReadError as exc:
        raise ReadError(f"{path.name}: {exc}") from None
    if head.shape[0] < 2 or first is None:
        return None
    table = read_table(str(path), ReadOptions(sep=args.sep, decimal=args.decimal,
                                              skip_text=args.skip_text,
                                              date_order=args.date_order))
    if not isinstance(table.frame.index, pd.DatetimeIndex):
        raise ReadError(f"{table.source}: its first column looks like dates but was not "
                        "read as the date column; name it 'date'")
    if not isinstance(inputs.raw.index, pd.DatetimeIndex):
        raise ReadError(f"--weights: {table.source} is a schedule by date, and {inputs.name} "
                        "has no date column")
    inputs.notes.extend(f"{table.source}: {note}" for note in table.notes)
    return table.frame


def _weights(args: argparse.Namespace, names: list[str],
             inputs: Inputs | None = None) -> pd.Series | pd.DataFrame:
    """``--weights A=0.6,B=0.4``, a CSV of ``name,weight`` aligned to the columns by name
    (a name missing on either side is refused), or a schedule: a file whose first column
    holds dates, one row per rebalancing date and a column per asset."""
    text = args.weights
    path = Path(text)
    if path.is_file() and inputs is not None:
        schedule = _schedule(path, args, inputs)
        if schedule is not None:
            return schedule
    if path.is_file():
        frame = pd.read_csv(path, header=None)
        if frame.shape[1] != 2:
            raise ReadError(f"{path.name}: a weights file has two columns, name and weight")
        if pd.to_numeric(frame.iloc[:1, 1], errors="coerce").isna().all():
            frame = frame.iloc[1:]
        pairs = list(zip(frame.iloc[:, 0].astype(str), frame.iloc[:, 1]))
    else:
        pairs = []
        for item in text.split(","):
            if "=" not in item:
                raise ReadError(f"--weights: {item!r} is not NAME=WEIGHT (or a file)")
            key, value = item.split("=", 1)
            pairs.append((key.strip(), value.strip()))
    weights: dict[str, float] = {}
    for key, value in pairs:
        try:
            weights[key] = float(value)
        except ValueError:
            raise ReadError(f"--weights: {key}'s weight {value!r} is not a number") from None
    unknown = [k for k in weights if k not in names]
    if unknown:
        raise ReadError("--weights: no column named " + ", ".join(map(repr, unknown[:6]))
                        + " in the data")
    missing = [n for n in names if n not in weights]
    if missing:
        raise ReadError("--weights: no weight for " + ", ".join(map(repr, missing[:6]))
                        + " (give 0 to leave one out)")
    return pd.Series([weights[n] for n in names], index=names, name="weight")


def _core_weights(weights: pd.Series | pd.DataFrame) -> Any:
    """A schedule goes to the core as it is (dated rows); fixed weights by position."""
    return weights if isinstance(weights, pd.DataFrame) else weights.to_numpy()


def _dividends(args: argparse.Namespace, inputs: Inputs) -> pd.DataFrame | None:
    if not getattr(args, "dividends", None):
        return None
    if inputs.input_type != "prices":
        raise ReadError("--dividends needs prices (--input-type prices)")
    table = read_table(args.dividends, ReadOptions(sep=args.sep, decimal=args.decimal,
                                                   date_order=args.date_order))
    frame = table.frame
    missing = [c for c in inputs.assets.columns if c not in frame.columns]
    if missing:
        raise ReadError(f"{table.source}: no dividends column for "
                        + ", ".join(map(repr, missing[:6])) + " (give a column of 0)")
    frame = frame[list(inputs.assets.columns)]
    if not frame.index.equals(inputs.assets.index):
        raise ReadError(f"{table.source}: its dates are not those of {inputs.name}")
    return frame.fillna(0.0)


def _portfolio(args: argparse.Namespace) -> None:
    inputs = Inputs(_read(args), args)
    target = _target(args, "portfolio")
    names = [str(c) for c in inputs.assets.columns]
    weights = _weights(args, names, inputs)
    dates = inputs.returns().index if isinstance(inputs.raw.index, pd.DatetimeIndex) else None
    path = portfolio_returns(inputs.returns(), _core_weights(weights),
                             rebalance=args.rebalance, dates=dates, holdings=args.holdings,
                             prices=inputs.prices, cost_bps=args.cost_bps or 0.0)
    out = path.returns.to_frame("portfolio")
    if args.cost_bps is not None:
        out["turnover"], out["cost"] = path.turnover, path.cost
    if args.detail:
        out = pd.concat([out, path.weights_start.add_prefix("weight_"),
                         path.contributions.add_prefix("contribution_")], axis=1)
    _finish(args, inputs, target, {"portfolio": out},
            f"({len(out)} periods, rebalance {args.rebalance})")


def _equal_weight(args: argparse.Namespace) -> None:
    inputs = Inputs(_read(args), args)
    target = _target(args, "equal_weight")
    dividends = _dividends(args, inputs)
    result = equal_weight_returns(inputs.assets, method=args.method,
                                  input_type=inputs.input_type,  # type: ignore[arg-type]
                                  distributions=dividends)
    out = pd.DataFrame({"equal_weight": result.returns, "n_assets": result.n_assets})
    _finish(args, inputs, target, {"equal_weight": out},
            f"({len(out)} periods, method {args.method})")


def _reconcile(args: argparse.Namespace) -> None:
    inputs = Inputs(_read(args), args, take=("market",), optional=("risk_free",))
    target = _target(args, "reconcile")
    names = [str(c) for c in inputs.assets.columns]
    weights = _weights(args, names, inputs)
    returns = inputs.returns()
    dates = returns.index if isinstance(returns.index, pd.DatetimeIndex) else None
    result = beta_reconcile(returns, inputs.column("market"), _core_weights(weights),
                            rebalance=args.rebalance, dates=dates, holdings=args.holdings,
                            prices=inputs.prices, risk_free=inputs.column("risk_free"))
    assets = result.assets.copy()
    assets.index.name = "asset"
    summary = result.summary().to_frame()
    summary.index.name = "figure"
    if not args.quiet and sys.stdout.isatty():
        print(result.explain())
    _finish(args, inputs, target, {"assets": assets, "summary": summary},
            f"(portfolio beta {result.portfolio_beta:.6f}, weighted end-weight beta "
            f"{result.weighted_beta_end:.6f})")


def _risk(args: argparse.Namespace) -> None:
    if _ran_on_dask(args, "run_risk"):
        return
    inputs = Inputs(_read(args), args, take=("benchmark",), optional=("risk_free",))
    target = _target(args, "risk")
    returns = inputs.returns()
    bench, rf = inputs.column("benchmark"), inputs.column("risk_free")
    kwargs: dict[str, Any] = {}
    if args.periods_per_year is not None:
        kwargs["periods_per_year"] = args.periods_per_year
    elif isinstance(returns.index, pd.DatetimeIndex):
        kwargs["periods_per_year"] = _periods_per_year(returns.index, inputs.name)
    table = _chunked(returns, args, 1,
                     lambda part: risk_table(part, bench, risk_free=rf, **kwargs).to_frame(),
                     axis=1)
    table.index.name = "measure"
    _finish(args, inputs, target, {"risk": table},
            f"({table.shape[1]} columns against {args.benchmark}, "
            f"{kwargs.get('periods_per_year', 12):g} periods a year)")


def _factor_list(args: argparse.Namespace) -> list[str]:
    if bool(args.factors) == bool(args.factors_file):
        raise ReadError("factors: give exactly one of --factors COL,COL,... (columns of the "
                        "file) or --factors-file FILE2 (matched by date)")
    if not args.factors:
        return []
    names = [n.strip() for n in args.factors.split(",") if n.strip()]
    if not names or len(set(names)) < len(names):
        raise ReadError(f"--factors: {args.factors!r} must name distinct columns, "
                        "separated by commas")
    return names


def _factors(args: argparse.Namespace) -> None:
    names = _factor_list(args)
    table = _read(args)
    missing = [n for n in names if n not in table.frame.columns]
    if missing:
        raise ReadError(f"{table.source}: no column named {missing[0]!r} for --factors "
                        "(columns: " + ", ".join(map(str, table.frame.columns[:8]))
                        + (" ..." if table.frame.shape[1] > 8 else "") + ")")
    given = table.frame[names]  # factor returns, never converted from prices
    table.frame = table.frame.drop(columns=names)
    other, rf_other = None, None
    if args.factors_file:
        other = read_table(args.factors_file, ReadOptions(sep=args.sep, decimal=args.decimal,
                                                          date_order=args.date_order))
        given = other.frame
        if not (isinstance(given.index, pd.DatetimeIndex)
                and isinstance(table.frame.index, pd.DatetimeIndex)):
            raise ReadError(f"{other.source}: --factors-file is matched by date, and "
                            f"{other.source} or {table.source} has no date column")
        if args.risk_free in given.columns and args.risk_free not in table.frame.columns:
            if args.risk_free_annual is not None:
                raise ReadError("give --risk-free (a rate per period) or "
                                "--risk-free-annual, not both")
            rf_other = given[args.risk_free]  # e.g. French's RF beside the factors
            given = given.drop(columns=[args.risk_free])
    inputs = Inputs(table, args, optional=() if rf_other is not None else ("risk_free",))
    if other is not None:
        inputs.notes.extend(f"{other.source}: {note}" for note in other.notes)
    target = _target(args, "factors")
    returns = inputs.returns()
    rf = inputs.column("risk_free")
    if rf_other is not None:
        absent = returns.index.difference(rf_other.index)
        if len(absent):
            raise ReadError(f"--risk-free: {args.risk_free!r} has no value for "
                            f"{absent[0]:%Y-%m-%d} ({len(absent)} dates of {inputs.name})")
        rf = rf_other.loc[returns.index]
    fit = factor_betas(returns, given if other is not None else given.loc[returns.index],
                       risk_free=rf)
    out = fit.to_frame()
    out.index.name = "asset"
    _finish(args, inputs, target, {"factors": out},
            f"({out.shape[0]} assets on {len(fit.coef.columns) - 1} factors: "
            + ", ".join(map(str, fit.coef.columns[1:])) + ")")


def _estimators(args: argparse.Namespace) -> None:
    inputs = Inputs(_read(args), args, take=("market",), optional=("risk_free",))
    target = _target(args, "estimators")
    returns, market = inputs.returns(), inputs.column("market")
    # one call, never chunked: Vasicek shrinks towards the mean over all the assets
    out = beta_estimates(returns, market, lags=args.lags, halflife=args.halflife,
                         risk_free=inputs.column("risk_free")).to_frame()
    out.index.name = "asset"
    _finish(args, inputs, target, {"estimators": out},
            f"({out.shape[0]} assets against {args.market}, {out.shape[1]} estimators)")


def _resample(args: argparse.Namespace) -> None:
    inputs = Inputs(_read(args), args)
    if not isinstance(inputs.raw.index, pd.DatetimeIndex):
        raise ReadError(f"{inputs.name}: no date column was found, and resampling cuts rows "
                        "into calendar periods; name it with --date-column")
    target = _target(args, f"{args.to}ly")  # r_monthly.csv, r_weekly.csv, ...
    result = resample_returns(inputs.returns(), to=args.to)
    out = result.to_frame()
    out.index.name = "date"
    partial = int(result.partial.sum())
    _finish(args, inputs, target, {args.to: out},
            f"({len(out)} {args.to}s, {partial} partial, {result.returns.shape[1]} columns)")


def _periods_per_year(index: pd.DatetimeIndex, name: str) -> float:
    """Periods per year from the median spacing of the dates; refused when irregular."""
    if len(index) < 3:
        raise ReadError(f"{name}: too few dates to tell the frequency; pass "
                        "--periods-per-year")
    days = float(np.median((index[1:] - index[:-1]).total_seconds())) / 86_400
    for lo, hi, t in ((0.5, 1.6, 252), (5, 9, 52), (26, 33, 12), (85, 95, 4), (175, 190, 2),
                      (360, 370, 1)):
        if lo <= days <= hi:
            return t
    raise ReadError(f"{name}: dates {days:.1f} days apart do not say daily, weekly, monthly, "
                    "quarterly or yearly; pass --periods-per-year")


# --- the parser -------------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser, *, input_type: bool = True,
            engine: bool = False) -> None:
    parser.add_argument("file", help="a .csv (.gz/.bz2/.xz/.zip), .parquet (a file, folder "
                        "or glob) or .xlsx/.xlsm file; wide (one column per asset) or long "
                        "(date, id, value)")
    parser.add_argument("-o", "--output", help="the output: .csv, .parquet or .xlsx by "
                        "extension (default: FILE_<command>.csv beside FILE)")
    if input_type:
        parser.add_argument("--input-type", default="returns", choices=INPUT_TYPES,
                            help="what the columns hold (default: %(default)s)")
        parser.add_argument("--trust-input-type", action="store_true",
                            help="skip the check that prices are not returns and vice versa")
    read = parser.add_argument_group("reading the file")
    read.add_argument("--sep", help="CSV separator (default: sniffed)")
    read.add_argument("--decimal", help="CSV decimal mark (default: sniffed, . or ,)")
    read.add_argument("--thousands", help="CSV thousands separator, if numbers have one")
    read.add_argument("--sheet", help="workbook sheet (default: the first)")
    read.add_argument("--range", help="workbook range (B2:F100) or defined name")
    read.add_argument("--date-column", help="the date column (default: found by name/type)")
    read.add_argument("--date-order", choices=("dmy", "mdy"),
                      help="numeric dates that read both ways (01/02/2020): day first (dmy) "
                      "or month first (mdy); without it they are refused")
    read.add_argument("--layout", choices=("auto", "wide", "long"), default="auto",
                      help="wide: a column per asset; long: date, id, value rows "
                      "(default: %(default)s, long when one text id and one number column)")
    read.add_argument("--id-column", help="long layout: the id column")
    read.add_argument("--value-column", help="long layout: the value column")
    read.add_argument("--skip-text", action="store_true",
                      help="leave out text columns (with a note) instead of refusing")
    read.add_argument("--max-cells", type=int, default=Limits().max_cells,
                      help="refuse inputs with more cells (default: %(default)s)")
    read.add_argument("--max-bytes", type=int, default=Limits().max_bytes,
                      help="refuse inputs larger once decompressed (default: %(default)s)")
    parser.add_argument("--progress", action="store_true", help="always show the progress bar")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no summary table on the terminal")
    if engine:
        dask = parser.add_argument_group("Dask")
        dask.add_argument("--engine", choices=("memory", "dask"), default="memory",
                          help="memory (default) or dask: chunks of assets on a Dask "
                          "cluster, for data larger than memory (Parquet)")
        dask.add_argument("--scheduler", help="an existing Dask scheduler's address "
                          "(default: a LocalCluster on 127.0.0.1)")
        dask.add_argument("--workers", type=int, default=2,
                          help="LocalCluster workers (default: %(default)s)")
        dask.add_argument("--memory-limit", default="auto",
                          help="LocalCluster memory per worker (default: %(default)s)")
        dask.add_argument("--chunk", type=int, default=500,
                          help="assets per Dask task (default: %(default)s)")
        dask.add_argument("--timeout", type=float, default=3600,
                          help="give up after this many seconds (default: %(default)s)")


def _risk_free(parser: argparse.ArgumentParser, *,
               periods: str = "for --risk-free-annual: 12 monthly, 252 daily... (default: "
               "from the dates)",
               column: str = "a risk-free column's name, or a per-period number") -> None:
    """``--risk-free``, or ``--risk-free-annual`` made per period by per_period_rate."""
    rf = parser.add_argument_group("risk-free rate")
    rf.add_argument("--risk-free", help=column)
    rf.add_argument("--risk-free-annual", metavar="RATE",
                    help="or an annual rate (0.05 for 5%%), a number or a column, turned into "
                    "a rate per period")
    rf.add_argument("--rate-method", choices=("compound", "simple"), default="compound",
                    help="compound: (1 + RATE)^(1/periods) - 1 (default); simple: RATE / "
                    "periods (T-bill and money-market quotes)")
    rf.add_argument("--periods-per-year", type=float, help=periods)


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
        annual = float(args.risk_free_annual)
    except ValueError:
        raise ReadError("--engine dask: --risk-free-annual must be a number (a column of "
                        "annual rates needs --engine memory)") from None
    if args.periods_per_year is None:
        raise ReadError("--engine dask: --risk-free-annual needs --periods-per-year")
    rate = per_period_rate(annual, args.periods_per_year, method=args.rate_method)
    args.risk_free, args.risk_free_annual = repr(float(rate)), None


def add_batch_commands(sub: Any) -> None:
    """Add the batch subcommands to the ``betaxl`` parser's subparsers."""
    p = sub.add_parser("returns", help="returns from prices (RETURNS)",
                       description="Returns from prices, (P + D) / P_previous - 1 or its log; "
                       "one row fewer than prices.")
    _common(p, input_type=False)
    p.add_argument("--method", choices=("simple", "log"), default="simple")
    p.add_argument("--dividends", help="a file of cash paid per unit, columns named like "
                   "the prices, same dates")
    p.set_defaults(run=_returns, trust_input_type=False)

    p = sub.add_parser("betas", help="OLS betas and statistics of every column (BETA_OLS)",
                       description="Regress every asset column on the market column (OLS "
                       "with an intercept) and write the statistics table; with --window also "
                       "the rolling betas.")
    _common(p, engine=True)
    p.add_argument("--market", required=True, help="the market column's name (or id)")
    _risk_free(p)
    p.add_argument("--window", type=int, help="also write rolling betas over this many rows")
    p.set_defaults(run=_betas)

    p = sub.add_parser("rolling", help="rolling-window betas (BETA_ROLLING)",
                       description="Beta of each asset on the market over a moving window of "
                       "--window rows; blank until the first full window.")
    _common(p, engine=True)
    p.add_argument("--market", required=True, help="the market column's name (or id)")
    p.add_argument("--window", type=int, required=True, help="rows per window (36, 252, ...)")
    p.set_defaults(run=_rolling)

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
    _common(p)
    p.add_argument("--weights", **weights)
    p.add_argument("--rebalance", **rebalance)
    p.add_argument("--holdings", **holdings)
    p.add_argument("--detail", action="store_true",
                   help="add each asset's start-of-period weight and contribution")
    p.add_argument("--cost-bps", type=float, help="trading cost in basis points of the value "
                   "traded, taken from the return; adds turnover and cost columns")
    p.set_defaults(run=_portfolio)

    p = sub.add_parser("equal-weight", help="equal-weighted returns (EQUAL_WEIGHT_RETURN)",
                       description="Return of an equal-weighted portfolio each period.")
    _common(p)
    p.add_argument("--method", choices=("rebalance", "buy_and_hold", "equal_shares"),
                   default="rebalance", help="(default: %(default)s)")
    p.add_argument("--dividends", help="a file of cash paid per unit (with prices)")
    p.set_defaults(run=_equal_weight)

    p = sub.add_parser("reconcile", help="portfolio beta vs weighted betas (BETA_RECONCILE)",
                       description="Why the portfolio's beta differs from the weighted sum of "
                       "its assets' betas: per-asset table and summary.")
    _common(p)
    p.add_argument("--market", required=True, help="the market column's name (or id)")
    p.add_argument("--weights", **weights)
    p.add_argument("--rebalance", **rebalance)
    p.add_argument("--holdings", **holdings)
    _risk_free(p)
    p.set_defaults(run=_reconcile)

    p = sub.add_parser("risk", help="risk and risk-adjusted measures (RISK_TABLE)",
                       description="Sharpe, M², alpha, beta and more, per column, against the "
                       "benchmark column.")
    _common(p, engine=True)
    p.add_argument("--benchmark", required=True, help="the benchmark column's name (or id)")
    _risk_free(p, periods="12 monthly, 252 daily...: for annualising and "
               "--risk-free-annual (default: from the dates, else 12)")
    p.set_defaults(run=_risk)


def add_analytics_commands(sub: Any) -> None:
    """Add ``factors``, ``estimators`` and ``resample`` (issue 12's analytics)."""
    p = sub.add_parser("factors", help="multi-factor regressions (FACTOR_BETAS)",
                       description="Regress every asset column on several factors at once "
                       "(OLS with an intercept): one row per asset with alpha, a coefficient "
                       "per factor, se:, t:, R², adjusted R², residual s.d. and n_obs.")
    _common(p)
    p.add_argument("--factors", help="the factor columns of FILE: COL,COL,...")
    p.add_argument("--factors-file", help="or a file of factor returns (every column a "
                   "factor), matched to FILE by date")
    _risk_free(p, column="a risk-free column's name (of FILE, or of the factors file), or "
               "a per-period number")
    p.set_defaults(run=_factors)

    p = sub.add_parser("estimators", help="beta by several estimators (BETA_ESTIMATES)",
                       description="One row per asset: OLS, Blume, Vasicek, Dimson, "
                       "Scholes-Williams, bull and bear market and EWMA betas.")
    _common(p)
    p.add_argument("--market", required=True, help="the market column's name (or id)")
    p.add_argument("--lags", type=int, default=1,
                   help="market lags and leads for Dimson (default: %(default)s)")
    p.add_argument("--halflife", type=float,
                   help="EWMA half-life in rows (default: none, the EWMA column is blank)")
    _risk_free(p)
    p.set_defaults(run=_estimators)

    p = sub.add_parser("resample", help="compound returns to weeks, months... (RESAMPLE)",
                       description="Compound returns within calendar periods: one row per "
                       "period (its last date in the data), with its label, the rows it "
                       "holds and whether the data cover it only in part.")
    _common(p)
    p.add_argument("--to", required=True, choices=("week", "month", "quarter", "year"),
                   help="the calendar period")
    p.set_defaults(run=_resample)

