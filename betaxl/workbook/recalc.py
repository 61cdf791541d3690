"""Recalculating a betaxl workbook: one core function and its three doors.

:func:`recalculate` reads the named input blocks of a workbook, runs the Excel
functions of :mod:`betaxl.udfs` on them (so the results are exactly what the cells
show), and writes the labelled tables to the ``Output`` sheet, never to an input cell.

- the classic button: ``workbook_template.py`` beside the workbook has ``main()``, run
  by the template's ``SampleCall`` macro through ``RunPython``;
- xlwings Lite: :func:`recalculate_workbook`, an ``@script``;
- headless: :func:`recalculate_file` (``betaxl recalc``), reading with openpyxl and
  writing a new file atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlwings as xw
from xlwings import script

from .. import udfs
from ..errors import BetaxlError

__all__ = [
    "INPUT_NAMES",
    "OUTPUT_SHEET",
    "XLWINGS_VERSION",
    "Block",
    "check_xlwings_version",
    "compute",
    "find_value",
    "main",
    "recalculate",
    "recalculate_file",
    "recalculate_workbook",
]

#: The template's VBA loads the xlwings DLL of exactly this version.
XLWINGS_VERSION = "0.37.8"
OUTPUT_SHEET = "Output"
FIRST_OUTPUT_ROW = 5  # rows 1-4: title, note and the buttons

#: Every input block, by its defined name, and what it holds.
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
}


@dataclass(frozen=True)
class Block:
    """One labelled table of the output sheet."""

    title: str
    rows: list[list[Any]]


#: Gives the cells of a named input range as rows.
Reader = Callable[[str], list[list[Any]]]


def _side_by_side(columns: Sequence[tuple[str, list[list[Any]]]]) -> list[list[Any]]:
    """Single-column results (each with a header cell) as one table."""
    height = max(len(rows) for _, rows in columns)
    table: list[list[Any]] = [[title for title, _ in columns]]
    for i in range(1, height):
        table.append([rows[i][0] if i < len(rows) else None for _, rows in columns])
    return table


def _grid(value: Any) -> list[list[Any]]:
    return value if isinstance(value, list) else [[value]]


def compute(read: Reader) -> list[Block]:
    """Every output table, computed by the Excel functions from the named inputs."""
    bonds, market, units = read("bond_prices"), read("bond_market"), read("bond_units")
    ew, cash = read("ew_prices"), read("ew_dividends")
    prices, index = read("multi_prices"), read("multi_market")
    weights, dates = read("multi_weights"), read("multi_dates")
    multi_returns = udfs.RETURNS(prices)
    index_returns = udfs.RETURNS(index)
    blocks = [
        Block("Bond returns: RETURNS(bond_prices)", udfs.RETURNS(bonds)),
        Block("Bond portfolio bought and held, with weights and contributions: "
              'PORT_RETURNS(bond_prices, bond_units, "none", "prices", , "units", TRUE)',
              udfs.PORT_RETURNS(bonds, units, "none", "prices", None, "units", True)),
        Block("Bond portfolio rebalanced every period: "
              'PORT_RETURNS(bond_prices, bond_units, "period", "prices", , "units")',
              udfs.PORT_RETURNS(bonds, units, "period", "prices", None, "units")),
        Block('Bond betas: BETA_OLS(bond_prices, bond_market, , TRUE, "prices")',
              udfs.BETA_OLS(bonds, market, None, True, "prices")),
        Block("Why the portfolio beta is not the weighted sum of the bond betas: "
              'BETA_RECONCILE(bond_prices, bond_market, bond_units, "none", "prices", '
              '"units")',
              udfs.BETA_RECONCILE(bonds, market, units, "none", "prices", "units")),
        Block("Equal-weighted total return (A 10 -> 12, B 20 -> 18, B pays $1): "
              "EQUAL_WEIGHT_RETURN",
              _side_by_side([(f"{method} ({what})", _grid(udfs.EQUAL_WEIGHT_RETURN(
                  ew, method, "prices", cash if with_cash else None)))
                  for method in ("rebalance", "buy_and_hold", "equal_shares")
                  for what, with_cash in (("price", False), ("total", True))])),
        Block("Five assets, equal weight: EQUAL_WEIGHT_RETURN(multi_prices, ...)",
              _side_by_side([(method, _grid(udfs.EQUAL_WEIGHT_RETURN(prices, method,
                                                                     "prices")))
                             for method in ("rebalance", "buy_and_hold", "equal_shares")])),
        Block("Five-asset portfolio: buy and hold, monthly, quarterly and yearly "
              "rebalancing: PORT_RETURNS(multi_prices, multi_weights, ...)",
              _side_by_side([(mode, _grid(udfs.PORT_RETURNS(prices, weights, mode,
                                                            "prices", dates)))
                             for mode in ("none", "month", "quarter", "year")])),
        Block('Five-asset betas: BETA_OLS(multi_prices, multi_market, , TRUE, "prices")',
              udfs.BETA_OLS(prices, index, None, True, "prices")),
        Block("Five-asset portfolio bought and held, reconciled: BETA_RECONCILE("
              'multi_prices, multi_market, multi_weights, "none", "prices")',
              udfs.BETA_RECONCILE(prices, index, weights, "none", "prices")),
        Block("Risk table, monthly (t = 12): RISK_TABLE(returns, market returns)",
              udfs.RISK_TABLE(multi_returns, index_returns, None, 12)),
        Block('Rolling 12-month betas: BETA_ROLLING(multi_prices, multi_market, 12, '
              '"prices")', udfs.BETA_ROLLING(prices, index, 12, "prices")),
    ]
    return blocks


def layout(blocks: Sequence[Block], first_row: int = FIRST_OUTPUT_ROW
           ) -> list[tuple[int, list[Any]]]:
    """(row number, cells from column A) for every output row: title, table, gap."""
    out: list[tuple[int, list[Any]]] = []
    row = first_row
    for block in blocks:
        out.append((row, [block.title]))
        row += 1
        for cells in block.rows:
            out.append((row, list(cells)))
            row += 1
        row += 1
    return out


def recalculate(read: Reader, write: Callable[[list[tuple[int, list[Any]]]], None]
                ) -> list[Block]:
    """The one recalculation: read the named inputs, compute, write the output rows."""
    blocks = compute(read)
    write(layout(blocks))
    return blocks


# -- xlwings doors (classic button and xlwings Lite) ------------------------------------


def check_xlwings_version(found: str = xw.__version__) -> None:
    """The template's VBA calls xlwings' DLL of one version: say so clearly if it differs."""
    if found != XLWINGS_VERSION:
        raise BetaxlError(
            f"betaxl: workbook_template.xlsm was built for xlwings {XLWINGS_VERSION} but "
            f"xlwings {found} is installed; run: pip install xlwings=={XLWINGS_VERSION}")


class XlwingsBook:
    """Reads names and writes the output sheet of a live workbook through xlwings."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def read(self, name: str) -> list[list[Any]]:
        value = self.book.names[name].refers_to_range.options(ndim=2).value
        return value if isinstance(value, list) else [[value]]

    def write(self, rows: list[tuple[int, list[Any]]]) -> None:
        sheet = self.book.sheets[OUTPUT_SHEET]
        sheet.range(f"A{FIRST_OUTPUT_ROW}:AZ100000").clear_contents()
        for row, cells in rows:
            sheet.range((row, 1)).value = [cells]


def main() -> None:
    """The classic "Recalculate" button (via workbook_template.py and RunPython)."""
    check_xlwings_version()
    book = XlwingsBook(xw.Book.caller())
    recalculate(book.read, book.write)


@script
def recalculate_workbook(book: xw.Book) -> None:
    """xlwings Lite: recalculate the betaxl output sheet of this workbook."""
    target = XlwingsBook(book)
    recalculate(target.read, target.write)


# -- headless door (betaxl recalc) ------------------------------------------------------


def default_output(source: Path) -> Path:
    """Where ``betaxl recalc IN`` writes when no -o is given: beside, never over, IN."""
    return source.with_name(f"{source.stem}_recalculated{source.suffix}")


def recalculate_file(source: str | Path, target: str | Path | None = None, *,
                     in_place: bool = False) -> tuple[Path, list[Block]]:
    """Recalculate a workbook file with no Excel: read with openpyxl, write atomically.

    The input's bytes are never changed unless ``in_place`` (then it is replaced
    atomically, keeping its mode and owner; a symlinked input is updated through its
    link).  Returns the path written and the output tables.
    """
    from ..safeio import FileError, check_output, same_file
    from .package import read_names, write_output

    src = Path(source)
    if in_place and target is not None and not same_file(target, src):
        raise FileError(f"{Path(target).name}: in place writes the input itself; give "
                        "either an output or in_place, not both")
    dst = src if in_place else (Path(target) if target is not None else default_output(src))
    if dst.suffix.lower() not in (".xlsx", ".xlsm"):
        raise FileError(f"{dst.name}: the output must end in .xlsx or .xlsm")
    if not in_place and same_file(dst, src):
        raise FileError(f"{dst.name}: that is the input file; pass --in-place to replace it")
    dst = check_output(dst, inputs=[src], in_place=in_place)  # a symlink: where it points
    values = read_names(src, list(INPUT_NAMES))
    rows: list[tuple[int, list[Any]]] = []
    blocks = recalculate(values.__getitem__, rows.extend)
    write_output(src, dst, OUTPUT_SHEET, rows, FIRST_OUTPUT_ROW, in_place=in_place)
    return dst, blocks


def find_value(blocks: Sequence[Block], label: str) -> Any:
    """The value beside the first row labelled ``label`` (e.g. "portfolio_beta")."""
    for block in blocks:
        for row in block.rows:
            if row and row[0] == label:
                return row[1]
    raise KeyError(label)
