"""Recalculating a workbook: the headless engine's front door and the button's.

- headless: :func:`recalculate_file` (``betaxl recalc``) computes every formula of
  every sheet with :mod:`.engine` and writes the values into a copy of the package;
- the template's **Recalculate** button runs :func:`main` through xlwings' own
  ``RunPython`` (the button's macro is ``RunPython "import betaxl.workbook ..."``, so it
  works whatever the workbook is called): Excel recalculates every formula, betaxl's
  functions included.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlwings as xw

from ..errors import BetaxlError
from ..safeio import FileError, check_input, check_output, same_file
from .book import Book
from .engine import CellReport, Engine, Recalculation
from .package import write_package
from .writing import area_changed, patch_sheet, same_value, saved_value

__all__ = [
    "BUTTON_COMMAND",
    "INPUT_NAMES",
    "OUTPUT_SHEET",
    "PARTIAL_EXIT",
    "XLWINGS_VERSION",
    "CellReport",
    "Recalculated",
    "Recalculation",
    "check_xlwings_version",
    "default_output",
    "find_value",
    "main",
    "recalculate_file",
]

#: The template's VBA loads the xlwings DLL of exactly this version.
XLWINGS_VERSION = "0.37.8"
OUTPUT_SHEET = "Output"
#: ``betaxl recalc`` exits with this code when some formulas kept their cached value.
PARTIAL_EXIT = 3
#: What the Recalculate button asks xlwings' ``RunPython`` to run.
BUTTON_COMMAND = "import betaxl.workbook; betaxl.workbook.main()"

#: The template's input blocks, by their defined names, and what each holds.
INPUT_NAMES = {
    "bond_prices": "the two bonds' prices per 100 nominal, with a header row of names",
    "bond_market": "the market index levels, same rows",
    "bond_units": "units held = notional / 100",
    "ew_prices": "the equal-weight example's prices (10 -> 12, 20 -> 18)",
    "ew_dividends": "cash paid per share on each date (B pays $1)",
    "multi_dates": "month-end dates of the larger example",
    "multi_prices": "five assets' month-end prices, with names",
    "multi_market": "the market index, same rows",
    "multi_weights": "the portfolio's target weights",
    "multi_schedule": "a weight schedule: dates, then new target weights per asset",
    "multi_factors": "three factor returns (Mkt, SMB, HML), one row per monthly return",
}


def check_xlwings_version(found: str = xw.__version__) -> None:
    """The template's VBA calls xlwings' DLL of one version: say so clearly if it differs."""
    if found != XLWINGS_VERSION:
        raise BetaxlError(
            f"betaxl: workbook_template.xlsm was built for xlwings {XLWINGS_VERSION} but "
            f"xlwings {found} is installed; run: pip install xlwings=={XLWINGS_VERSION}")


def main() -> None:
    """The Recalculate button: Excel recalculates every formula of the calling workbook."""
    check_xlwings_version()
    xw.Book.caller().app.calculate()


def default_output(source: Path) -> Path:
    """Where ``betaxl recalc IN`` writes when no -o is given: beside, never over, IN."""
    return source.with_name(f"{source.stem}_recalculated{source.suffix}")


@dataclass(frozen=True)
class Recalculated:
    """The file written and what the recalculation did."""

    path: Path
    report: Recalculation


#: Python's collector's thresholds while formulas are computed: every range read is a
#: list of rows, and the kept ones made each young collection walk the older ones again
#: (5,000 running totals: 17 s with the default thresholds, 3.5 s with these).
COLLECTOR_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cyclic collector run less often (reference counting frees the ranges
    read; the collector's thresholds are restored after)."""
    before = gc.get_threshold()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def recalculate_package(source: Path, progress: Callable[[int, int], None] | None = None
                        ) -> tuple[Book, Recalculation, dict[str, bytes]]:
    """Read and recalculate ``source``: the book, the report and the new sheet parts."""
    book = Book(source)
    try:
        engine = Engine(book, progress)
        with fewer_collections():
            report = engine.run(book.formulas())
        parts: dict[str, bytes] = {}
        for name, edits in engine.changed.items():
            sheet = book.sheets[name]
            if sheet.xml is None or not edits:
                continue
            current = {(r, c): saved_value(sheet.xml, r, c) for (r, c) in edits}
            real = {k: v for k, v in edits.items() if not same_value(current[k], v)
                    or (name, *k) in engine.new_areas}
            areas = {(r, c): a for (s, r, c), a in engine.new_areas.items() if s == name
                     and area_changed(sheet.xml, r, c, a)}
            for key in areas:
                real.setdefault(key, edits[key])
            if real:
                parts[sheet.part] = patch_sheet(sheet.xml, real, areas)
        return book, report, parts
    except BaseException:
        book.close()
        raise


def stderr_progress() -> Callable[[int, int], None] | None:
    """A progress bar on a terminal (tqdm), for recalculations of many formulas."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: list[Any] = []

    def show(done: int, total: int) -> None:
        if total < 200:
            return
        if not bar:
            bar.append(tqdm(total=total, unit="formula", file=sys.stderr, leave=False))
        bar[0].update(done - bar[0].n)
        if done >= total:
            bar[0].close()
    return show


def recalculate_file(source: str | Path, target: str | Path | None = None, *,
                     in_place: bool = False, progress: bool = False) -> Recalculated:
    """Recalculate every formula of a workbook file with no Excel; write it atomically.

    The input's bytes are never changed unless ``in_place`` (then it is replaced
    atomically, keeping its mode and owner; a symlinked input is updated through its
    link).  ``progress`` shows a bar on a terminal for long runs.
    """
    src = Path(source)
    if not src.is_file():  # a folder, missing, a FIFO: said before the output's name
        check_input(src, func="recalc")
    if src.suffix.lower() not in (".xlsx", ".xlsm"):
        kind = f"a {src.suffix} file" if src.suffix else "a file without an extension"
        raise FileError(f"{src.name}: is not a workbook ({kind}); recalc reads an .xlsx or "
                        ".xlsm workbook (a table of data goes to betaxl betas, returns, ...)")
    if in_place and target is not None and not same_file(target, src):
        raise FileError(f"{Path(target).name}: in place writes the input itself; give "
                        "either an output or in_place, not both")
    dst = src if in_place else (Path(target) if target is not None else default_output(src))
    if dst.suffix.lower() not in (".xlsx", ".xlsm"):
        raise FileError(f"{dst.name}: the output must end in .xlsx or .xlsm")
    if not in_place and same_file(dst, src):
        raise FileError(f"{dst.name}: that is the input file; pass --in-place to replace it")
    dst = check_output(dst, inputs=[src], in_place=in_place)  # a symlink: where it points
    try:
        book, report, parts = recalculate_package(src, stderr_progress() if progress
                                                  else None)
    except MemoryError:
        raise FileError(f"{src.name}: out of memory while reading and computing; nothing "
                        "was written") from None
    try:
        write_package(src, dst, parts, in_place=in_place, data=book.data)
    finally:
        book.close()
    return Recalculated(dst, report)


def find_value(path: Path, sheet: str, label: str) -> object:
    """The value beside the first cell of ``sheet`` that reads ``label`` (for reports)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for row in book[sheet].iter_rows(values_only=True):
            for i, cell in enumerate(row[:-1]):
                if cell == label:
                    return row[i + 1]
    finally:
        book.close()
    raise KeyError(label)
