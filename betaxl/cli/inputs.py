"""A command's inputs read and checked: the data table, weights, schedules, dividends.

:class:`Inputs` is the table a command reads: its asset columns as simple returns, beside
the special columns (market, benchmark, risk-free), with prices told from returns.  The
weights (``--weights``: pairs, a ``name,weight`` file or a dated schedule) and the
dividends (``--dividends``) are matched to its columns by name.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import log_to_simple, per_period_rate, to_returns
from ..data.periods import infer_periods_per_year
from ..data.units import column_medians, in_decimals, not_returns
from ..errors import BetaxlError, labels
from ..regression import MIN_OBS
from .dates import as_dates, cli_format
from .names import check_names, chosen_assets, closest, listing
from .sources import Limits, ReadError, ReadOptions
from .table import Table, read_table
from .weighting import flag_pairs, read_weights_file, weight_pairs, weights_by_name

__all__ = ["Inputs", "check_input_type", "check_window", "core_weights", "declared",
           "is_file",
           "periods_per_year", "read_dividends", "read_input", "read_weights",
           "rebalance_dates"]


#: How the command line says to be explicit about prices given as returns.
CLI_HOW = ("pass --input-type prices, or --trust-input-type if they really are returns; "
           "returns are decimals (0.025 for 2.5%): for percents pass --units percent")
#: How the command line says to read serial dates under a blank header (pandas' 'Unnamed: 0').
CLI_DATES = "pass --date-column {name} to read them as dates, or head the column Date"
#: How the command line says to declare the units (:data:`betaxl.data.units.PERCENT_LIMIT`).
CLI_UNITS = ("pass --units percent if they are percents (2.5 for 2.5%), or --units decimal "
             "if they are decimals")


#: How a command without --input-type (``returns``, which reads prices) says it.
PRICES_ONLY = ("this command reads prices; returns go to the other commands as they are")


def check_input_type(frame: pd.DataFrame, input_type: str, name: str, *,
                     periods: float | None = None, units: str | None = None,
                     flags: dict[str, str] | None = None) -> None:
    """Refuse prices given as returns and returns given as prices, naming the column.

    Returns: the one rule of :mod:`betaxl.data.units` (a column whose median absolute
    value is over 1, over 100% a period, is not returns), worded as in every door.
    Prices: a column with negative values and a median absolute value below 0.5 is
    returns.  ``periods`` (the risk measures' periods per year) adds the percent rule
    where ``units`` is not declared.  ``flags`` (the command's,
    :func:`betaxl.cli.parser.flags`): the advice names only flags the command has.
    """
    if frame.size == 0:
        return
    if input_type in ("returns", "log_returns"):
        message = not_returns(frame, list(frame.columns), CLI_HOW, periods_per_year=periods,
                              units=units, units_how=CLI_UNITS, dates_how=CLI_DATES)
        if message is not None:
            raise ReadError(f"{name}: {message}")
        return
    k = frame.shape[1]
    med, has_negative = column_medians(frame), np.empty(k, dtype=bool)
    step = max(1, (1 << 20) // max(len(frame), 1))  # columns of about 8 MB at a time
    for start in range(0, k, step):
        cols = slice(start, start + step)
        values = frame.iloc[:, cols].to_numpy(dtype=float)
        has_negative[cols] = (np.nan_to_num(values, nan=0.0) < 0).any(axis=0)
    bad = np.flatnonzero(has_negative & (med < 0.5))
    if bad.size:
        col = frame.columns[bad[0]]
        how = ("pass --input-type returns, or --trust-input-type"
               if flags is None or "input_type" in flags else PRICES_ONLY)
        raise ReadError(f"{name}: column {col!r} looks like returns, not prices (negative "
                        f"values, median size {med[bad[0]]:.4g}); {how}")


def _near(name: str, columns: pd.Index) -> str:
    """"; did you mean 'RF'?" where a column's name is close to ``name``."""
    near = closest(name, list(columns))
    return f"; did you mean {near!r}?" if near is not None else ""


class Inputs:
    """A table read for a command: the asset columns as simple returns plus special ones."""

    def __init__(self, table: Table, args: argparse.Namespace, *,
                 take: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> None:
        frame = table.frame
        self.name = table.source
        self.notes = table.notes
        self.units = getattr(args, "units", None)
        if self.units == "percent":  # every return and rate of the file (data.units)
            if getattr(args, "input_type", "returns") == "prices":
                raise ReadError("--units percent is for returns and rates; prices have no "
                                "units to divide (leave --units out)")
            frame = in_decimals(frame, "percent")
            self.notes.append("units: percent, divided by 100 (results are decimals)")
        self.raw = frame
        self.special: dict[str, pd.Series] = {}
        for key in (*take, *optional):
            col = getattr(args, key, None)
            if col is None:
                continue
            if key == "risk_free" and col not in frame.columns:
                try:
                    self.special[key] = pd.Series(in_decimals(float(col), self.units),
                                                  index=frame.index)
                except ValueError:
                    raise ReadError(f"--risk-free: {col!r} is neither a column of "
                                    f"{self.name} nor a number"
                                    + _near(col, table.frame.columns)) from None
                continue
            if col not in frame.columns:
                check_names([col], list(table.frame.columns), source=self.name,
                            flag="--" + key.replace("_", "-"))
            self.special[key] = frame[col]
            frame = frame.drop(columns=[col])
        if "risk_free" in optional and getattr(args, "risk_free_annual", None) is not None:
            frame = self._annual(frame, args)
        if getattr(args, "assets", None) is not None:
            taken = {"--" + key.replace("_", "-"): getattr(args, key, None)
                     for key in (*take, *optional)}
            if "risk_free" in optional:
                taken["--risk-free-annual"] = getattr(args, "risk_free_annual", None)
            frame = frame[chosen_assets(args.assets, list(frame.columns), source=self.name,
                                        taken=taken)]
        if frame.shape[1] == 0:
            raise ReadError(f"{self.name}: no asset columns are left")
        self.input_type = getattr(args, "input_type", "returns")
        self.trusted = getattr(args, "trust_input_type", False)
        if not self.trusted:
            checked = frame.copy()
            for key in ("market", "benchmark"):
                if key in self.special:
                    checked[str(args.__dict__[key])] = self.special[key]
            check_input_type(checked, self.input_type, self.name,
                             flags=getattr(args, "flag_names", None))
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
                annual = in_decimals(float(text), self.units)
            except ValueError:
                raise ReadError(f"--risk-free-annual: {text!r} is neither a column of "
                                f"{self.name} nor a number"
                                + _near(text, self.raw.columns)) from None
        ppy = args.periods_per_year
        if ppy is None:
            if not isinstance(frame.index, pd.DatetimeIndex):
                raise ReadError(f"--risk-free-annual: {self.name} has no dates to tell the "
                                "periods per year from; pass --periods-per-year")
            ppy = periods_per_year(frame.index, self.name)
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

    def check_percent(self, periods: float, key: str) -> None:
        """The percent rule where a command uses the periods per year (the risk
        measures): returns and ``key``'s column, unless the units are declared."""
        if self.trusted or self.units is not None or self.input_type == "prices":
            return
        checked = self.returns().copy()
        column = self.column(key)
        if column is not None:
            checked[str(column.name or key)] = column
        check_input_type(checked, "returns", self.name, periods=periods)

    def column(self, key: str) -> pd.Series | None:
        """A market/benchmark column as simple returns, or the risk-free as given."""
        if key not in self.special:
            return None
        col = self.special[key]
        if key == "risk_free":  # a rate per period: never converted as a price
            return col.iloc[1:] if self.input_type == "prices" else col
        out = self.simple(col.to_frame())
        return out.iloc[:, 0]


def read_input(args: argparse.Namespace, *, resampling: bool = False) -> Table:
    """The data file as one wide table; ``resampling``: ``--drop-partial`` is for the
    command's output (``resample``), not its input."""
    opts = ReadOptions(sep=args.sep, decimal=args.decimal, thousands=args.thousands,
                       sheet=args.sheet, cells=args.range, date_column=args.date_column,
                       date_order=args.date_order, date_format=cli_format(args),
                       layout=args.layout, id_column=args.id_column,
                       value_column=args.value_column, skip_text=args.skip_text,
                       drop_partial=getattr(args, "drop_partial", False) and not resampling,
                       sort_dates=getattr(args, "sort_dates", False),
                       limits=Limits(max_cells=args.max_cells, max_bytes=args.max_bytes))
    return read_table(args.file, opts)


def declared(args: argparse.Namespace) -> str | None:
    """The units for the core: ``"decimal"`` where ``--units`` was given (read as decimals
    by :class:`Inputs`; declared, which lifts the percent rule and the rates' annual rule),
    else None."""
    return None if getattr(args, "units", None) is None else "decimal"


def periods_per_year(index: pd.Index | None, name: str) -> float:
    """Periods per year from the dates: the core's one rule
    (:func:`betaxl.data.periods.infer_periods_per_year`), refused the same way."""
    try:
        with labels(name, {"periods_per_year": "--periods-per-year"}):
            return float(infer_periods_per_year(index, like=name))
    except BetaxlError as exc:  # said of the file (once), whatever labels a caller set
        message = str(exc).removeprefix(f"{exc.func}: ") if exc.func else str(exc)
        raise ReadError(message if name in message else f"{name}: {message}") from None


def _schedule(path: Path, raw: pd.DataFrame, args: argparse.Namespace,
              inputs: Inputs) -> pd.DataFrame | None:
    """A weights file (``raw``, as read) whose first column holds dates: a schedule, one
    row per rebalancing date and a column per asset (by name); None for ``name,weight``."""
    if raw.shape[0] < 1 or raw.shape[1] < 2:
        return None
    first_column = raw.iloc[:50, 0]
    if not pd.api.types.is_datetime64_any_dtype(first_column):
        first_column = first_column.astype(str).where(first_column.notna())
    try:
        first = as_dates(first_column, named=True, order=args.date_order,
                         fmt=cli_format(args))
    except ReadError as exc:
        raise ReadError(f"{path.name}: {exc}") from None
    if first is None:
        return None
    table = read_table(str(path), ReadOptions(sep=args.sep, decimal=args.decimal,
                                              skip_text=args.skip_text,
                                              date_order=args.date_order,
                                              date_format=cli_format(args),
                                              sort_dates=getattr(args, "sort_dates", False)))
    if not isinstance(table.frame.index, pd.DatetimeIndex):
        raise ReadError(f"{table.source}: its first column looks like dates but was not "
                        "read as the date column; name it 'date'")
    if not isinstance(inputs.raw.index, pd.DatetimeIndex):
        raise ReadError(f"--weights: {table.source} is a schedule by date, and {inputs.name} "
                        "has no date column")
    inputs.notes.extend(f"{table.source}: {note}" for note in table.notes)
    return table.frame


def _left_out(keys: list[Any], names: list[str], args: argparse.Namespace,
              inputs: Inputs | None) -> None:
    """Weights for a column of the file that ``--assets`` leaves out are refused."""
    if inputs is None or getattr(args, "assets", None) is None:
        return
    out = [str(k) for k in keys if str(k) not in names and k in inputs.raw.columns]
    if out:
        raise ReadError(f"--weights: {listing(out)} left out by --assets; give weights for "
                        f"the chosen assets only ({listing(names)})")


def read_weights(args: argparse.Namespace, names: list[str],
                 inputs: Inputs | None = None) -> pd.Series | pd.DataFrame:
    """``--weights A=0.6,B=0.4``, a file of ``name,weight`` aligned to the columns by name
    (a name missing on either side, or given twice, is refused), or a schedule: a file
    whose first column holds dates, one row per rebalancing date and a column per asset
    (files read as the data are, :mod:`betaxl.cli.weighting`)."""
    text = args.weights
    path = Path(text)
    if is_file(text):
        raw = read_weights_file(path, args)
        schedule = _schedule(path, raw, args, inputs) if inputs is not None else None
        if schedule is not None:
            _left_out(list(schedule.columns), names, args, inputs)
            return schedule
        weights = weights_by_name(weight_pairs(raw, path.name), path.name)
    else:
        weights = weights_by_name(flag_pairs(text), "--weights")
    _left_out(list(weights), names, args, inputs)
    source = inputs.name if inputs is not None else "the data"
    check_names(list(weights), names, source=source, flag="--weights",
                among="its asset columns")
    missing = [n for n in names if n not in weights]
    if missing:
        raise ReadError("--weights: no weight for " + listing(missing)
                        + " (give 0 to leave one out, or choose the columns with --assets)")
    return pd.Series([weights[n] for n in names], index=names, name="weight")


def is_file(text: str) -> bool:
    """Whether ``text`` names a file: False for a value too long to be a file's name
    (``--weights`` pairs for 40 assets), where ``Path.is_file`` raises."""
    try:
        return Path(text).is_file()
    except OSError:
        return False


def check_window(window: int) -> None:
    """``--window``: the core's least number of rows (:data:`betaxl.regression.MIN_OBS`),
    refused before any work; its upper bound, the rows of returns, is the core's."""
    if window < MIN_OBS:
        raise ReadError(f"--window must be at least {MIN_OBS} rows (a beta and its "
                        f"intercept need {MIN_OBS} to leave a residual); got {window}")


def rebalance_dates(args: argparse.Namespace, inputs: Inputs,
                    returns: pd.DataFrame) -> pd.DatetimeIndex | None:
    """The dates of the returns, for ``--rebalance``: a calendar period (week, month...)
    on a file without dates is refused, naming the file and the way out."""
    if isinstance(returns.index, pd.DatetimeIndex):
        return returns.index
    if args.rebalance not in ("none", "period"):
        raise ReadError(f"--rebalance {args.rebalance}: {inputs.name} has no date column, and "
                        "rebalancing by the calendar needs dates; name it with --date-column, "
                        "or use --rebalance period or none")
    return None


def core_weights(weights: pd.Series | pd.DataFrame) -> Any:
    """A schedule goes to the core as it is (dated rows); fixed weights by position."""
    return weights if isinstance(weights, pd.DataFrame) else weights.to_numpy()


def read_dividends(args: argparse.Namespace, inputs: Inputs) -> pd.DataFrame | None:
    if not getattr(args, "dividends", None):
        return None
    if inputs.input_type != "prices":
        raise ReadError("--dividends needs prices (--input-type prices)")
    table = read_table(args.dividends, ReadOptions(sep=args.sep, decimal=args.decimal,
                                                   date_order=args.date_order,
                                              date_format=cli_format(args),
                                              sort_dates=getattr(args, "sort_dates", False)))
    frame = table.frame
    missing = [c for c in inputs.assets.columns if c not in frame.columns]
    if missing:
        raise ReadError(f"{table.source}: no dividends column for " + listing(missing)
                        + " (give a column of 0)")
    frame = frame[list(inputs.assets.columns)]
    if not frame.index.equals(inputs.assets.index):
        raise ReadError(f"{table.source}: its dates are not those of {inputs.name}")
    return frame.fillna(0.0)
