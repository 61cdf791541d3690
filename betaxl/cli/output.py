"""What a command writes and shows: its outputs checked before any work, the progress
bar, the summary table on a terminal, and the files written at the end.

Output goes through :func:`betaxl.cli.write.write_outputs` (all files or none, never over
an input).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .inputs import Inputs, is_file
from .sources import expand_paths
from .write import output_paths, write_outputs

__all__ = ["CHUNK", "chunked", "finish", "output_stem", "output_target", "print_summary",
           "text_width", "wrapped"]

CHUNK = 500  # assets per core call: bounded temporaries, a progress step


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def output_stem(source: Path) -> str:
    """A file's name without its last suffix and, before it, a compression suffix: the
    start of the names written beside it (``my.data.v2.csv`` -> ``my.data.v2``,
    ``r.csv.gz`` -> ``r``; a dot inside the name is kept, so two inputs never share a
    default output).

    >>> [output_stem(Path(n)) for n in ("my.data.v2.csv", "r.csv.gz", "data.v2.zip")]
    ['my.data.v2', 'r', 'data.v2']
    """
    name = source.name
    inner = Path(name).stem
    if Path(name).suffix.lower() in (".gz", ".bz2", ".xz", ".zip") and inner:
        return Path(inner).stem if Path(inner).suffix.lower() in (".csv", ".tsv", ".txt") \
            else inner
    return inner or name


def text_width() -> int:
    """The width text is written to: the terminal's (less one, so that a full line never
    wraps), or 80 where output is piped (a file, the README's sessions)."""
    if not sys.stdout.isatty():
        return 80
    return max(40, shutil.get_terminal_size().columns - 1)


def wrapped(text: str, width: int | None = None) -> str:
    """``text`` with each line longer than ``width`` (:func:`text_width`) wrapped at its
    spaces only, never inside a number or a hyphenated name (``+0.004830``, ``Mkt-RF``),
    the rest of a line indented two beyond its first.

    >>> print(wrapped("   gap = timing +0.004830 + drift -0.001200", 24))
       gap = timing
         +0.004830 + drift
         -0.001200
    """
    width = width or text_width()
    out = []
    for line in (line.rstrip() for line in text.splitlines()):
        if len(line) <= width:
            out.append(line)
            continue
        indent = line[:len(line) - len(line.lstrip())]
        out.append(textwrap.fill(line, width, subsequent_indent=indent + "  ",
                                 break_long_words=False, break_on_hyphens=False))
    return "\n".join(out)


def output_target(args: argparse.Namespace, suffix: str, more: Sequence[str] = ()) -> Path:
    """The output path, with it and the files of the ``more`` tables written beside it
    (``betas --window``'s rolling table) checked before any work."""
    if args.output:
        target = Path(args.output)
    else:
        source = Path(args.file)
        stem = output_stem(source) if source.is_file() else source.stem.strip("*") \
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


def chunked(returns: pd.DataFrame, args: argparse.Namespace, work_per_col: int,
            fn: Callable[[pd.DataFrame], pd.DataFrame], axis: int) -> pd.DataFrame:
    k = returns.shape[1]
    parts = []
    with _progress(k, args, returns.shape[0] * k * work_per_col) as bar:
        for start in range(0, k, CHUNK):
            parts.append(fn(returns.iloc[:, start:start + CHUNK]))
            bar.update(min(CHUNK, k - start))
    return pd.concat(parts, axis=axis)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.6g}"
    return "" if pd.isna(value) else str(value)


def print_summary(title: str, frame: pd.DataFrame, args: argparse.Namespace) -> None:
    """A readable table on a terminal (rich); nothing when output is piped.

    No number is ever cut: each column is as wide as its widest value (6 significant
    digits), a long heading folds onto a second line, and only the columns that fit the
    terminal's width are shown, the title saying how many of how many (the file holds
    them all).
    """
    if args.quiet or not sys.stdout.isatty():
        return
    from rich.console import Console
    from rich.table import Table as RichTable

    console = Console()
    rows = frame.iloc[:15]
    labels = [f"{x:%Y-%m-%d}" if isinstance(x, pd.Timestamp) else str(x) for x in rows.index]
    label_width = min(max(map(len, [*labels, str(frame.index.name or "")])), 24)
    room = console.width - 1 - (label_width + 3)  # a column costs its width + 3 (rules)
    shown: list[tuple[str, int, list[str]]] = []
    for col in frame.columns:
        cells = [_cell(v) for v in rows[col]]
        width = max(max(map(len, cells), default=1), min(len(str(col)), 12))
        if shown and width + 3 > room:
            break
        room -= width + 3
        shown.append((str(col), width, cells))
    cut = (len(rows), len(shown)) != frame.shape
    table = RichTable(title=title + (f" (first {len(rows)} of {frame.shape[0]} rows, "
                                     f"{len(shown)} of {frame.shape[1]} columns)"
                                     if cut else ""))
    table.add_column(str(frame.index.name or ""), style="bold", width=label_width,
                     overflow="fold")
    for name, width, _ in shown:
        table.add_column(name, justify="right", width=width, overflow="fold")
    for i, label in enumerate(labels):
        table.add_row(label, *(cells[i] for _, _, cells in shown))
    console.print(table)


def finish(args: argparse.Namespace, inputs: Inputs, target: Path,
           sheets: dict[str, pd.DataFrame], line: str) -> None:
    for note in inputs.notes:
        _say(f"note: {note}")
    written = write_outputs(target, sheets,
                            inputs=[*expand_paths(args.file), *_extra_inputs(args)])
    first = next(iter(sheets))
    print_summary(f"{args.command}: {first}", sheets[first], args)
    for path in written[1:]:
        print(f"wrote {path}")
    print(f"wrote {written[0]} {line}")


def _is_dir(text: str) -> bool:
    try:
        return Path(text).is_dir()
    except OSError:  # too long to be a name: --weights pairs
        return False


def _extra_inputs(args: argparse.Namespace) -> list[Path]:
    out = []
    for key in ("weights", "dividends", "factors_file"):
        value = getattr(args, key, None)
        if value and (is_file(value) or _is_dir(value)):
            out.append(Path(value))
    return out
