"""The Dask engine: the same core functions on chunks of assets, on a Dask cluster.

Assets are independent (a beta, a rolling window or a risk measure of one asset needs
only that asset and the market), so the work splits by columns with no overlap: each
task reads from the Parquet files only its own assets plus the market (a column
selection for wide tables, a row filter on the id for long ones), runs the core
function, and hands back a small table (betas, risk) or writes its own part of a large
one (rolling betas, a Parquet dataset).  No process ever holds the whole dataset, and
the results are those of the in-memory run: the same functions on the same columns.

A quiet :class:`distributed.LocalCluster` (:mod:`betaxl.cli.client`) is started by
default; ``--scheduler ADDRESS`` uses an existing cluster instead.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import log_to_simple, ols_beta, risk_table, rolling_beta, to_returns
from ..data.table import (
    NAME_TWICE,
    RESAMPLED,
    is_date_name,
    partial_note,
    repeated_name,
    resampled_rows,
)
from ..data.units import in_decimals, not_returns, trusted_returns
from ..errors import BetaxlError, count, labels
from .client import cluster, peak_rss
from .dates import as_dates, cli_format, corner_column, files_in_order, not_dates
from .inputs import CLI_HOW, CLI_UNITS, check_window, declared, periods_per_year
from .names import check_names, chosen_assets
from .sources import ReadError, expand_paths
from .write import check_dataset_name, publish_dataset

__all__ = ["Dataset", "cluster", "run_betas", "run_risk", "run_rolling", "scan"]


@dataclass(frozen=True)
class Dataset:
    """What a task needs to read its own columns of a Parquet dataset."""

    files: tuple[str, ...]
    date: str
    layout: str  # "wide" or "long"
    id_column: str | None = None
    value_column: str | None = None
    drop_partial: bool = False  # a resample output: leave out its partial periods
    date_order: str | None = None  # --date-order, --date-format: as the memory engine
    date_format: str | None = None

    def _kept(self) -> Any:
        """The rows to read: all (None), or those of a resample output not partial."""
        import pyarrow.compute as pc

        return pc.invert(pc.field("partial")) if self.drop_partial else None

    def dates(self) -> pd.DatetimeIndex:
        """The dataset's dates, each once, oldest first (read from the date column only)."""
        import pyarrow.dataset as ds

        data = ds.dataset(list(self.files), format="parquet")
        column = data.to_table(columns=[self.date], filter=self._kept()).to_pandas(
            ignore_metadata=True)[self.date]
        dates = as_dates(column, named=True, order=self.date_order, fmt=self.date_format)
        if dates is None:
            raise ReadError(not_dates(column, self.date))
        return pd.DatetimeIndex(dates.unique()).sort_values()

    def read(self, columns: list[str]) -> pd.DataFrame:
        """Rows by date (sorted, oldest first), one column per requested asset/id."""
        import pyarrow.compute as pc
        import pyarrow.dataset as ds

        data = ds.dataset(list(self.files), format="parquet")
        if self.layout == "wide":
            table = data.to_table(columns=[self.date, *columns], filter=self._kept())
            frame = table.to_pandas(ignore_metadata=True)  # pandas metadata: no index
            dates = as_dates(frame[self.date], named=True, order=self.date_order,
                             fmt=self.date_format)
            frame = frame.drop(columns=[self.date])
        else:
            assert self.id_column is not None and self.value_column is not None
            table = data.to_table(columns=[self.date, self.id_column, self.value_column],
                                  filter=pc.field(self.id_column).isin(columns))
            long = table.to_pandas(ignore_metadata=True)
            dates = as_dates(long[self.date], named=True, order=self.date_order,
                             fmt=self.date_format)
            long = long.assign(_d=np.asarray(dates))
            if long.duplicated(["_d", self.id_column]).any():
                raise ReadError("the long dataset has two rows for one date and id")
            frame = long.pivot(index="_d", columns=self.id_column, values=self.value_column)
            frame = frame.reindex(columns=columns)
            dates = pd.DatetimeIndex(frame.index)
        if dates is None:
            raise ReadError(f"column {self.date!r} does not hold dates")
        frame.index = pd.DatetimeIndex(dates, name="date")
        frame.columns = [str(c) for c in frame.columns]
        if frame.index.has_duplicates:
            twice = frame.index[frame.index.duplicated()][0]
            raise ReadError(f"the dataset has the date {twice:%Y-%m-%d} twice; every period "
                            "must appear once")
        return frame.sort_index().astype(float)


def _names_twice(files: list[str], names: list[str] | None = None) -> None:
    """Refuse a column name twice ('MKT' and 'MKT ' too: data.table's rule)."""
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(files[0]).names if names is None else names
    except Exception:  # not a Parquet file: the caller's message
        return
    twice = repeated_name(names)
    if twice is not None:
        raise ReadError(f"{Path(files[0]).name}: " + NAME_TWICE.format(name=twice))


def scan(args: argparse.Namespace) -> tuple[Dataset, list[str]]:
    """The dataset's layout and asset names, from Parquet footers and the id column only."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    files = [str(p) for p in expand_paths(args.file)]
    if not files:
        raise ReadError(f"{args.file}: no files match")
    bad = [f for f in files if not f.lower().endswith((".parquet", ".pq"))]
    if bad:
        raise ReadError(f"{Path(bad[0]).name}: --engine dask reads Parquet files (a file, "
                        "a folder or a glob)")
    try:
        schema = ds.dataset(files, format="parquet").schema
    except (pa.ArrowInvalid, OSError) as exc:
        _names_twice(files)  # a name twice, which pyarrow cannot unify: named as ours
        raise ReadError(f"{Path(args.file).name}: cannot be read as Parquet "
                        f"({str(exc)[:120]})") from None
    names = [f.name for f in schema]
    _names_twice(files, names)  # as the memory engine: refused, naming it
    types = {f.name: f.type for f in schema}
    date = args.date_column
    if date is None:
        stamped = [n for n in names if pa.types.is_timestamp(types[n])
                   or pa.types.is_date(types[n])]
        named = [n for n in names if is_date_name(n)]
        candidates = stamped or named or [c for c in [corner_column(files, names)] if c]
        if len(candidates) != 1:
            raise ReadError(f"{Path(args.file).name}: "
                            + ("no date column (Dask lines its tasks' rows up by date: "
                               "undated data are the memory engine's)" if not candidates else
                               "several date columns (" + ", ".join(candidates) + ")")
                            + "; pass --date-column")
        date = candidates[0]
    check_names([date], names, source=Path(args.file).name, flag="--date-column")
    rest = [n for n in names if n != date and not n.startswith("__index_level_")]
    drop = _resampled(args, files, names, rest)
    rest = [n for n in rest if not (drop is not None and n in RESAMPLED)]
    text = [n for n in rest if pa.types.is_string(types[n])
            or pa.types.is_large_string(types[n]) or pa.types.is_dictionary(types[n])]
    layout = args.layout
    if layout == "auto":
        layout = "long" if (args.id_column or (len(text) == 1 and len(rest) == 2)) else "wide"
    if layout == "long":
        id_col = args.id_column or (text[0] if len(text) == 1 else None)
        value_col = args.value_column or next((n for n in rest if n != id_col), None)
        if id_col is None or value_col is None:
            raise ReadError(f"{Path(args.file).name}: pass --id-column and --value-column")
        ids = ds.dataset(files, format="parquet").to_table(columns=[id_col])[id_col]
        import pyarrow.compute as pc

        assets = sorted(str(v) for v in pc.unique(ids).to_pylist() if v is not None)
        return Dataset(tuple(files), date, "long", id_col, value_col,
                       date_order=args.date_order, date_format=cli_format(args)), assets
    if text:
        if not args.skip_text:
            raise ReadError(f"{Path(args.file).name}: has text columns "
                            + ", ".join(map(repr, text[:6]))
                            + "; pass --skip-text to leave them out")
        print("note: left out text columns " + ", ".join(map(repr, text[:6])), file=sys.stderr)
    files_in_order(args, files, date)
    return Dataset(tuple(files), date, "wide", drop_partial=bool(drop),
                   date_order=args.date_order, date_format=cli_format(args)), \
        [n for n in rest if n not in text]


def _resampled(args: argparse.Namespace, files: list[str], names: list[str],
               rest: list[str]) -> bool | None:
    """A resample output (the core's rule, :func:`betaxl.data.table.resampled_rows`):
    whether to leave out its partial periods, with the note the memory engine gives;
    None when the dataset is not one."""
    import pyarrow.dataset as ds

    if resampled_rows(rest, []) is None:
        if args.drop_partial:
            raise ReadError(f"{Path(args.file).name}: has no 'partial' column for "
                            "--drop-partial (it leaves out the partial periods of a "
                            "resample output)")
        return None
    table = ds.dataset(files, format="parquet").to_table(columns=["period", "partial"])
    try:
        flags = resampled_rows(names, table["partial"].to_pylist())
    except ValueError as exc:
        raise ReadError(f"{Path(args.file).name}: {exc}") from None
    assert flags is not None
    periods = [p for p, f in zip(table["period"].to_pylist(), flags, strict=True) if f]
    if periods:
        print("note: " + partial_note(periods, args.drop_partial, "--drop-partial"),
              file=sys.stderr)
    return bool(args.drop_partial)


def _to_simple(frame: pd.DataFrame, input_type: str) -> pd.DataFrame:
    if input_type == "prices":
        return to_returns(frame)
    if input_type == "log_returns":
        return log_to_simple(frame)
    return frame


def _task(dataset: Dataset, assets: list[str], special: dict[str, Any],
          input_type: str, work: Callable[..., Any],
          names: tuple[str, dict[str, str]] = ("", {})) -> Any:
    """One chunk: read the assets and the market, convert, run the core function (its
    errors naming the command's flags, ``names``, as in the parent process)."""
    with labels(*names) if names[0] else nullcontext():
        return _chunk(dataset, assets, special, input_type, work)


def _chunk(dataset: Dataset, assets: list[str], special: dict[str, Any],
           input_type: str, work: Callable[..., Any]) -> Any:
    market_name = special["market"]
    rf = special.get("risk_free")
    wanted = [*assets, str(market_name)]
    if isinstance(rf, str):
        wanted.append(rf)
    units = special.get("units")
    frame = in_decimals(dataset.read(wanted), units)  # percent: every column, RF too
    if input_type != "prices" and not special.get("trusted"):  # the rule of every door
        checked = frame.drop(columns=[rf]) if isinstance(rf, str) else frame
        message = not_returns(checked, list(checked.columns), CLI_HOW, units=units,
                              periods_per_year=special.get("periods"), units_how=CLI_UNITS)
        if message is not None:
            raise ReadError(f"{special['name']}: {message}")
    rf_values: Any = None
    if isinstance(rf, str):
        rf_values = frame.pop(rf)
        if input_type == "prices":
            rf_values = rf_values.iloc[1:]
    elif isinstance(rf, float):
        rf_values = rf
    returns = _to_simple(frame, input_type)
    market = returns.pop(str(market_name))
    with trusted_returns() if special.get("trusted") else nullcontext():
        return work(returns, market, rf_values)


def _special(args: argparse.Namespace, assets: list[str], key: str) -> dict[str, Any]:
    name = getattr(args, key)
    check_names([name], assets, source=Path(args.file).name, flag=f"--{key}")
    units = getattr(args, "units", None)
    if units == "percent" and args.input_type == "prices":
        raise ReadError("--units percent is for returns and rates; prices have no units to "
                        "divide (leave --units out)")
    if units == "percent":  # the memory engine's note (cli.inputs)
        print("note: units: percent, divided by 100 (results are decimals)", file=sys.stderr)
    out: dict[str, Any] = {"market": name, "risk_free": None, "units": units,
                           "trusted": getattr(args, "trust_input_type", False),
                           "periods": getattr(args, "percent_periods", None),
                           "name": Path(args.file).name}
    rf = getattr(args, "risk_free", None)
    if rf is not None:
        if rf in assets:
            out["risk_free"] = rf
        else:
            try:
                out["risk_free"] = float(rf) if getattr(args, "risk_free_decimal", False) \
                    else in_decimals(float(rf), units)
            except ValueError:
                raise ReadError(f"--risk-free: {rf!r} is neither a column nor a number") \
                    from None
    return out


def _map(args: argparse.Namespace, key: str, work: Callable[..., Any]) -> tuple[list[Any], str]:
    from distributed import as_completed
    from tqdm import tqdm

    dataset, assets = getattr(args, "scanned", None) or scan(args)
    special = _special(args, assets, key)
    others = {special["market"], special["risk_free"]}
    assets = [a for a in assets if a not in others]
    if args.assets is not None:
        assets = chosen_assets(args.assets, assets, source=Path(args.file).name,
                               taken={f"--{key}": special["market"],
                                      "--risk-free": special["risk_free"]})
    if not assets:
        raise ReadError(f"{Path(args.file).name}: no asset columns are left")
    chunks = [assets[i:i + args.chunk] for i in range(0, len(assets), args.chunk)]
    results: list[Any] = [None] * len(chunks)
    with cluster(args) as client:
        names = (f"betaxl {args.command}", getattr(args, "flag_names", {}))
        futures = {client.submit(_task, dataset, chunk, special, args.input_type, work,
                                 names, pure=False): i for i, chunk in enumerate(chunks)}
        show = args.progress or sys.stderr.isatty()
        with tqdm(total=len(assets), disable=not show, file=sys.stderr, ascii=" #",
                  bar_format="[{bar:30}] {n_fmt}/{total_fmt} assets {elapsed}") as bar:
            try:
                for future in as_completed(futures, timeout=args.timeout):
                    i = futures[future]
                    try:
                        results[i] = future.result()
                    except ReadError:
                        raise
                    except BetaxlError as exc:
                        raise type(exc)(f"{str(exc)} (in assets {chunks[i][0]}..."
                                        f"{chunks[i][-1]})") from None
                    except Exception as exc:  # a worker lost (memory), a network error
                        raise ReadError(f"--engine dask: the task for assets "
                                        f"{chunks[i][0]}...{chunks[i][-1]} failed "
                                        f"({type(exc).__name__}: {str(exc)[:100]}); try a "
                                        "smaller --chunk or a larger --memory-limit") \
                            from None
                    bar.update(len(chunks[i]))
            except TimeoutError:
                raise ReadError(f"--engine dask: not finished after {args.timeout:g} s "
                                "(workers out of memory? try a smaller --chunk or a larger "
                                "--memory-limit, or a larger --timeout)") from None
        if getattr(args, "peak_memory", None) is not None:
            args.peak_memory.update(client.run(peak_rss))
    return results, str(special["market"])


def _small_output(args: argparse.Namespace, suffix: str, table: pd.DataFrame,
                  sheet: str, line: str) -> None:
    from .output import output_target, print_summary
    from .write import write_outputs

    target = output_target(args, suffix)
    written = write_outputs(target, {sheet: table}, inputs=[Path(f) for f in
                                                           expand_paths(args.file)])
    print_summary(f"{args.command}: {sheet}", table, args)
    print(f"wrote {written[0]} {line}")


def _betas_work(se: str, lags: int | None, units: str | None) -> Any:
    def work(returns: pd.DataFrame, market: pd.Series, rf: Any) -> pd.DataFrame:
        return ols_beta(returns, market, risk_free=rf, se=se, hac_lags=lags,
                        units=units).to_frame().T
    return work


def run_betas(args: argparse.Namespace) -> None:
    """``betaxl betas --engine dask``: the beta table, chunk by chunk."""
    if args.window is not None:
        raise ReadError("--engine dask: run `betaxl rolling` for rolling betas (they are "
                        "written as a Parquet dataset)")
    work = _betas_work(args.se, args.hac_lags, declared(args))
    parts, market = _map(args, "market", work)
    table = pd.concat(parts)
    table.index.name = "asset"
    _small_output(args, "betas", table, "betas",
                  f"({count(table.shape[0], 'asset')} against {market}, on Dask)")


def run_risk(args: argparse.Namespace) -> None:
    """``betaxl risk --engine dask``."""
    ppy = args.periods_per_year
    if ppy is None:  # the rule of every door, on the dates the returns will have
        args.scanned = scan(args)  # once: its notes (partial periods) said once
        dates = args.scanned[0].dates()
        ppy = periods_per_year(dates[1:] if args.input_type == "prices" else dates,
                               Path(args.file).name)
    mar = in_decimals(args.mar, args.units)
    args.percent_periods = ppy  # the percent rule needs them (cluster._special)
    units = declared(args)  # read as decimals (_task)

    def work(returns: pd.DataFrame, bench: pd.Series, rf: Any) -> pd.DataFrame:
        return risk_table(returns, bench, risk_free=rf, periods_per_year=ppy,
                          mar=mar, units=units).to_frame()

    args.market = args.benchmark
    parts, market = _map(args, "benchmark", work)
    table = pd.concat(parts, axis=1)
    table.index.name = "measure"
    _small_output(args, "risk", table, "risk",
                  f"({count(table.shape[1], 'column')} against {market}, {ppy:g} periods a year, "
                  "on Dask)")


def _rolling_part(folder: str, window: int) -> Callable[..., Any]:
    def work(returns: pd.DataFrame, market: pd.Series, rf: Any) -> tuple[str, int]:
        wide = rolling_beta(returns, market, window)
        out = wide.rename_axis("date").melt(ignore_index=False, var_name="asset",
                                            value_name="beta").reset_index()
        name = f"part-{returns.columns[0]}-{len(returns.columns)}.parquet"
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        path = Path(folder) / name
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        os.close(fd)
        out.to_parquet(tmp)
        os.replace(tmp, path)
        return name, wide.shape[1]
    return work


def run_rolling(args: argparse.Namespace) -> None:
    """``betaxl rolling --engine dask``: a long Parquet dataset (a folder of files with the
    columns ``date, asset, beta``, one file per chunk of assets), appearing complete or
    not at all."""
    check_window(args.window)
    if not args.output:
        raise ReadError("--engine dask: give -o FOLDER for the rolling betas' Parquet "
                        "dataset")
    target = Path(args.output)
    check_dataset_name(target)
    if target.exists() or target.is_symlink():
        raise ReadError(f"{target.name}: exists; the rolling dataset goes to a new folder")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ReadError(f"{target.name}: folder {folder} does not exist")
    staging = tempfile.mkdtemp(prefix=f".{target.name}.", dir=folder)
    try:
        parts, market = _map(args, "market", _rolling_part(staging, args.window))
        publish_dataset(Path(staging), target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    print(f"wrote {target}/ ({count(sum(n for _, n in parts), 'asset')} in "
          f"{count(len(parts), 'Parquet file')}, window {args.window}, on Dask)")
