"""The template's sheets, built with XlsxWriter: inputs, returns, functions, output.

``Inputs`` (named blocks), ``Returns`` (native formulas), ``Functions`` (each betaxl
function in a cell formula with the native Excel formula that checks it beside it, and
the scatter chart), ``Output`` (a dynamic-array formula per table, sized to its result,
:mod:`.template_output`) and ``xlwings.conf``; the VBA project is xlwings' own.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
import xlwings
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..errors import BetaxlError
from ..examples import (
    BOND_MARKET,
    BOND_NOTIONALS,
    BOND_PRICES,
    EW_DIVIDENDS,
    EW_PRICES,
    multi_asset_prices,
    multi_factors,
    multi_schedule,
)
from ..excel import functions as udfs
from ..regression import OLS_FIELDS
from . import exact
from .recalc import BUTTON_COMMAND, OUTPUT_SHEET, XLWINGS_VERSION
from .template_charts import Placed, add_output_charts, preview, write_spill_values
from .template_output import output_blocks

__all__ = ["RECALCULATE_MACRO", "Check", "build_workbook", "vba_project"]

CREATED = dt.datetime(2026, 1, 1)
INPUTS, RETURNS, FUNCTIONS, CONF = "Inputs", "Returns", "Functions", "xlwings.conf"
FIRST_OUTPUT_ROW = 5  # rows 1-4 of Output: title, note and the buttons
#: The Recalculate button's macro: xlwings' RunPython with betaxl's own entry point.
RECALCULATE_MACRO = "'RunPython \"" + BUTTON_COMMAND + "\"'"


@dataclass(frozen=True)
class Check:
    """A native Excel formula cell and what betaxl computes for the same cells."""

    sheet: str
    cell: str
    formula: str
    label: str
    expected: float


def vba_project() -> bytes:
    """xlwings' own VBA project, from the installed package's standalone quickstart."""
    if xlwings.__version__ != XLWINGS_VERSION:
        raise BetaxlError(f"betaxl template: xlwings {XLWINGS_VERSION} is needed to build "
                          f"the template (found {xlwings.__version__})")
    source = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    with zipfile.ZipFile(source) as archive:
        return archive.read("xl/vbaProject.bin")


def _ref(sheet: str, first: tuple[int, int], last: tuple[int, int]) -> str:
    return (f"{sheet}!${xl_col_to_name(first[1])}${first[0] + 1}:"
            f"${xl_col_to_name(last[1])}${last[0] + 1}")


class _Builder:
    def __init__(self, out: io.BytesIO, cached: bool = True) -> None:
        self.cached = cached
        # in memory: XlsxWriter writes no temporary files of its own (in $TMPDIR)
        self.book = xlsxwriter.Workbook(out, {"use_future_functions": True,
                                              "in_memory": True})
        self.book.set_properties({"created": CREATED, "title": "betaxl workbook template",
                                  "author": "betaxl"})
        self.book.set_size(1600, 1000)
        self.bold = self.book.add_format({"bold": True})
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.note = self.book.add_format({"italic": True, "font_color": "#595959"})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.pct = self.book.add_format({"num_format": "0.0000%"})
        self.num = self.book.add_format({"num_format": "0.000000"})
        self.checks: list[Check] = []

    def name(self, name: str, sheet: str, first: tuple[int, int], last: tuple[int, int]
             ) -> str:
        ref = _ref(sheet, first, last)
        self.book.define_name(name, f"={ref}")
        return ref

    def table(self, ws: Any, row: int, col: int, frame: pd.DataFrame,
              header: bool = True) -> tuple[int, int]:
        """Write a frame's values (with its column names), return the last cell."""
        if header:
            for j, name in enumerate(frame.columns):
                ws.write_string(row, col + j, str(name), self.bold)
            row += 1
        values = frame.to_numpy()
        for i, line in enumerate(values):
            for j, value in enumerate(line):
                ws.write_number(row + i, col + j, float(value))
        return row + len(values) - 1, col + frame.shape[1] - 1

    def check(self, ws: Any, sheet: str, row: int, col: int, formula: str, label: str,
              expected: float) -> None:
        ws.write_formula(row, col, formula, self.num, expected if self.cached else 0)
        self.checks.append(Check(sheet, xl_rowcol_to_cell(row, col), formula, label,
                                 float(expected)))


def build_workbook(cached: bool, larger: tuple[pd.DataFrame, pd.Series] | None
           ) -> tuple[bytes, list[Check]]:
    """The template's bytes and its check cells, built in memory."""
    import betaxl as bx

    buffer = io.BytesIO()
    b = _Builder(buffer, cached)
    book = b.book
    book.add_vba_project(io.BytesIO(vba_project()), is_stream=True)
    book.set_vba_name("ThisWorkbook")

    # -- Inputs ------------------------------------------------------------------------
    ws = book.add_worksheet(INPUTS)
    ws.set_vba_name("Sheet1")
    ws.write(0, 0, "betaxl inputs: every block has a defined name (Formulas > Name "
                   "Manager); change the numbers, then press Recalculate on Output.",
             b.title)
    ws.write(2, 0, "Why don't these betas match? Two bonds (price per 100 nominal) and a "
                   "market index", b.bold)
    ws.write_string(3, 0, "period", b.bold)
    for i in range(len(BOND_PRICES)):
        ws.write_number(4 + i, 0, i)
    last = b.table(ws, 3, 1, BOND_PRICES)
    b.name("bond_prices", INPUTS, (3, 1), last)
    last_m = b.table(ws, 3, 3, BOND_MARKET.to_frame())
    b.name("bond_market", INPUTS, (3, 3), last_m)
    n_bond = len(BOND_PRICES)
    ws.write_string(16, 0, "notional", b.bold)
    ws.write_string(17, 0, "units", b.bold)
    for j, value in enumerate(BOND_NOTIONALS):
        ws.write_number(16, 1 + j, float(value))
        ws.write_formula(17, 1 + j, f"={xl_rowcol_to_cell(16, 1 + j)}/100", None,
                         float(value) / 100)
    b.name("bond_units", INPUTS, (17, 1), (17, 2))
    ws.write(18, 1, "units = notional / 100: bonds are quoted per 100 nominal", b.note)

    ws.write(2, 5, "Equal-weighted return: A 10 -> 12, B 20 -> 18, B pays $1", b.bold)
    b.table(ws, 3, 6, EW_PRICES)
    b.name("ew_prices", INPUTS, (3, 6), (5, 7))
    ws.write_string(3, 5, "prices", b.bold)
    ws.write_string(7, 5, "dividends", b.bold)
    b.table(ws, 7, 6, EW_DIVIDENDS)
    b.name("ew_dividends", INPUTS, (7, 6), (9, 7))

    prices, market = multi_asset_prices() if larger is None else larger
    ws.write(2, 9, "A larger example: five assets and a market index, month ends", b.bold)
    ws.write_string(3, 9, "date", b.bold)
    for i, stamp in enumerate(prices.index):
        ws.write_datetime(4 + i, 9, stamp.to_pydatetime(), b.date)
    n_multi = len(prices)
    b.name("multi_dates", INPUTS, (3, 9), (3 + n_multi, 9))
    last_p = b.table(ws, 3, 10, prices.reset_index(drop=True))
    b.name("multi_prices", INPUTS, (3, 10), last_p)
    k = prices.shape[1]
    last_i = b.table(ws, 3, 10 + k, market.reset_index(drop=True).to_frame())
    b.name("multi_market", INPUTS, (3, 10 + k), last_i)
    weights = (np.array([0.15, 0.25, 0.2, 0.25, 0.15]) if larger is None
               else np.full(prices.shape[1], 1.0 / prices.shape[1]))
    ws.write_string(5 + n_multi, 9, "weight", b.bold)
    for j, w in enumerate(weights):
        ws.write_number(5 + n_multi, 10 + j, w)
    b.name("multi_weights", INPUTS, (5 + n_multi, 10), (5 + n_multi, 9 + k))
    factors = schedule = None
    if larger is None:  # the factor and schedule examples belong to the 48 months
        factors, schedule = multi_factors(), multi_schedule()
        top = 7 + n_multi
        ws.write(top, 9, "Weight schedule: new target weights after the close of each date",
                 b.bold)
        ws.write_string(top + 1, 9, "date", b.bold)
        for j, name in enumerate(schedule.columns):
            ws.write_string(top + 1, 10 + j, str(name), b.bold)
        for i, (stamp, line) in enumerate(zip(schedule.index, schedule.to_numpy(), strict=False)):
            ws.write_datetime(top + 2 + i, 9, stamp.to_pydatetime(), b.date)
            for j, value in enumerate(line):
                ws.write_number(top + 2 + i, 10 + j, float(value))
        b.name("multi_schedule", INPUTS, (top + 1, 9),
               (top + 1 + len(schedule), 9 + schedule.shape[1]))
        top += 3 + len(schedule)
        ws.write(top, 9, "Factor returns, one row per monthly return (illustrative: Mkt is "
                         "the index's return, SMB and HML simulated)", b.bold)
        last_f = b.table(ws, top + 1, 10, factors.reset_index(drop=True))
        b.name("multi_factors", INPUTS, (top + 1, 10), last_f)
    ws.set_column(0, 0, 10)
    ws.set_column(9, 9, 11)

    # -- Returns: native formulas ------------------------------------------------------
    rs = book.add_worksheet(RETURNS)
    rs.set_vba_name("Sheet2")
    rs.write(0, 0, "Returns by native Excel formulas (=P_t/P_t-1 - 1), for the checks",
             b.title)
    bond_r = bx.to_returns(BOND_PRICES)
    mkt_r = bx.to_returns(BOND_MARKET).iloc[:, 0]
    heads = ["bond_one", "bond_two", "mkt"]
    for j, head in enumerate(heads):
        rs.write_string(2, j, head, b.bold)
        src_col = 1 + j
        for i in range(n_bond - 1):
            prev = xl_rowcol_to_cell(4 + i, src_col)
            cur = xl_rowcol_to_cell(5 + i, src_col)
            value = (bond_r.iloc[i, j] if j < 2 else mkt_r.iloc[i])
            rs.write_formula(3 + i, j, f"={INPUTS}!{cur}/{INPUTS}!{prev}-1", b.pct,
                             float(value))
    n_r = n_bond - 1
    bond_one_r = _ref(RETURNS, (3, 0), (2 + n_r, 0))
    bond_two_r = _ref(RETURNS, (3, 1), (2 + n_r, 1))
    mkt_ref = _ref(RETURNS, (3, 2), (2 + n_r, 2))
    multi_r = bx.to_returns(prices.reset_index(drop=True))
    index_r = bx.to_returns(market.reset_index(drop=True)).iloc[:, 0]
    for j, head in enumerate([*prices.columns, "market"]):
        rs.write_string(2, 5 + j, head, b.bold)
        src_col = 10 + j
        for i in range(n_multi - 1):
            prev = xl_rowcol_to_cell(4 + i, src_col)
            cur = xl_rowcol_to_cell(5 + i, src_col)
            value = multi_r.iloc[i, j] if j < k else index_r.iloc[i]
            rs.write_formula(3 + i, 5 + j, f"={INPUTS}!{cur}/{INPUTS}!{prev}-1", b.pct,
                             float(value))
    n_mr = n_multi - 1

    # -- Functions: each betaxl function beside its native check -----------------------
    fs = book.add_worksheet(FUNCTIONS)
    fs.write(0, 0, "Each betaxl function in a cell formula; the native Excel formula that "
                   "checks it stands beside it. Before Import Functions the betaxl cells "
                   "show #NAME?.", b.title)
    fs.set_column(0, 0, 30)
    fs.set_column(1, 12, 13)
    row = 2
    # BETA_OLS with SLOPE, INTERCEPT, RSQ, CORREL, STEYX
    fs.write(row, 0, 'BETA_OLS(bond_prices, bond_market, , TRUE, "prices")', b.bold)
    fs.write_dynamic_array_formula(row + 1, 0, row + 1 + len(OLS_FIELDS), 2,
                                   '=BETA_OLS(bond_prices,bond_market,,TRUE,"prices")')
    fs.write(row, 5, "native checks", b.bold)
    # cached values: Excel's definitions, correctly rounded (the same bytes on every CPU)
    bond_cols = [bond_r.iloc[:, j].tolist() for j in range(2)]
    mkt_list = mkt_r.tolist()
    natives = [(label, template, [fn(y, mkt_list) for y in bond_cols])
               for label, template, fn in (("beta", "SLOPE({y},{x})", exact.slope),
                                           ("alpha", "INTERCEPT({y},{x})", exact.intercept),
                                           ("r_squared", "RSQ({y},{x})", exact.rsq),
                                           ("correlation", "CORREL({y},{x})", exact.correl),
                                           ("resid_std", "STEYX({y},{x})", exact.steyx))]
    fs.write(row + 1, 6, "bond_one", b.bold)
    fs.write(row + 1, 7, "bond_two", b.bold)
    for i, (label, template, values) in enumerate(natives):
        fs.write(row + 2 + i, 5, label)
        for j, y in enumerate((bond_one_r, bond_two_r)):
            b.check(fs, FUNCTIONS, row + 2 + i, 6 + j,
                    "=" + template.format(y=y, x=mkt_ref), f"{label} {heads[j]}",
                    values[j])
    fs.write(row + 1, 9, "single beta", b.bold)
    # a one-cell dynamic-array formula: Excel 365 shows it as written, not as =@BETA_OLS
    fs.write_dynamic_array_formula(row + 2, 9, row + 2, 9,
                                   '=BETA_OLS(Returns!$A$4:$A$13,Returns!$C$4:$C$13)')
    row += len(OLS_FIELDS) + 4

    # RISK_TABLE with STDEV.P and STDEV.S
    fs.write(row, 0, "RISK_TABLE(five assets' returns, market returns, , 12)", b.bold)
    multi_ref = _ref(RETURNS, (2, 5), (2 + n_mr, 9))  # the first five assets
    index_ref = _ref(RETURNS, (2, 5 + k), (2 + n_mr, 5 + k))
    index_data = _ref(RETURNS, (3, 5 + k), (2 + n_mr, 5 + k))
    # sized by the function itself on the same cells, so the declared spill always fits
    risk_cells = udfs.RISK_TABLE(
        [[str(c) for c in prices.columns[:5]], *multi_r.iloc[:, :5].to_numpy().tolist()],
        [["market"], *[[v] for v in index_r.tolist()]], None, 12)
    risk_rows = len(risk_cells)
    fs.write_dynamic_array_formula(row + 1, 0, row + risk_rows, len(risk_cells[0]) - 1,
                                   f"=RISK_TABLE({multi_ref},{index_ref},,12)")
    fs.write(row, 7, "native checks", b.bold)
    for j, asset in enumerate(prices.columns[:5]):
        col_ref = _ref(RETURNS, (3, 5 + j), (2 + n_mr, 5 + j))
        column = multi_r.iloc[:, j].tolist()
        fs.write(row + 1, 8 + j, asset, b.bold)
        for i, (label, fn, value) in enumerate((("std", "STDEV.P", exact.stdev_p),
                                                ("std_sample", "STDEV.S", exact.stdev_s),
                                                ("mean", "AVERAGE", exact.average))):
            fs.write(row + 2 + i, 7, label)
            b.check(fs, FUNCTIONS, row + 2 + i, 8 + j, f"={fn}({col_ref})",
                    f"{label} {asset}", value(column))
        fs.write(row + 5, 7, "covariance")
        b.check(fs, FUNCTIONS, row + 5, 8 + j, f"=COVARIANCE.P({col_ref},{index_data})",
                f"covariance {asset}", exact.covariance_p(column, index_r.tolist()))
    row += risk_rows + 3

    # PORT_RETURNS with SUMPRODUCT (constant weights), and BETA_RECONCILE with SLOPE
    end = BOND_NOTIONALS * BOND_PRICES.iloc[-1] / 100
    weights_end = (end / end.sum()).to_numpy()
    fs.write(row, 0, "Constant end-of-sample weights:", b.bold)
    for j, w in enumerate(weights_end):
        fs.write_number(row, 1 + j, float(w))
    w_ref = _ref(FUNCTIONS, (row, 1), (row, 2))
    fs.write(row + 1, 0, 'PORT_RETURNS(bond_prices, weights, "period", "prices")', b.bold)
    fs.write_dynamic_array_formula(row + 2, 0, row + 2 + n_r, 0,
                                   f'=PORT_RETURNS(bond_prices,{w_ref},"period","prices")')
    fs.write(row + 1, 2, "native check: SUMPRODUCT", b.bold)
    port = [exact.sumproduct(r, weights_end.tolist()) for r in bond_r.to_numpy().tolist()]
    for i in range(n_r):
        returns_row = f"{RETURNS}!$A${4 + i}:$B${4 + i}"
        b.check(fs, FUNCTIONS, row + 3 + i, 2, f"=SUMPRODUCT({returns_row},{w_ref})",
                f"portfolio return {i + 1}", port[i])
    port_ref = _ref(FUNCTIONS, (row + 3, 2), (row + 2 + n_r, 2))
    fs.write(row + 1, 4, 'BETA_RECONCILE(bond_prices, bond_market, weights, "period", '
                         '"prices")', b.bold)
    fs.write_dynamic_array_formula(row + 2, 4, row + 14, 11,
                                   f'=BETA_RECONCILE(bond_prices,bond_market,{w_ref},'
                                   f'"period","prices")')
    fs.write(row + 16, 4, "native check: SLOPE(SUMPRODUCT returns, market) = "
                          "portfolio_beta with constant weights", b.bold)
    b.check(fs, FUNCTIONS, row + 17, 4, f"=SLOPE({port_ref},{mkt_ref})",
            "portfolio beta, constant weights", exact.slope(port, mkt_list))
    fs.write_string(row + 17, 5, "= SUMPRODUCT(weights, betas):")  # text, not a formula
    betas_ref = _ref(FUNCTIONS, (4, 6), (4, 7))
    b.check(fs, FUNCTIONS, row + 17, 7, f"=SUMPRODUCT({w_ref},{betas_ref})",
            "weighted sum of betas", exact.sumproduct(weights_end.tolist(), natives[0][2]))
    chart_top = row + 20
    row += 22 + 18

    # EQUAL_WEIGHT_RETURN with AVERAGE; RETURNS, BETA_ROLLING, buy and hold reconcile
    fs.write(row, 0, 'EQUAL_WEIGHT_RETURN(ew_prices, "rebalance", "prices", ew_dividends)',
             b.bold)
    fs.write_dynamic_array_formula(row + 1, 0, row + 2, 0,
                                   '=EQUAL_WEIGHT_RETURN(ew_prices,"rebalance","prices",'
                                   'ew_dividends)')
    fs.write(row, 2, "native check: AVERAGE of (P + D) / P_prev - 1", b.bold)
    b.check(fs, FUNCTIONS, row + 2, 2,
            f"=AVERAGE(({INPUTS}!$G$6+{INPUTS}!$G$10)/{INPUTS}!$G$5-1,"
            f"({INPUTS}!$H$6+{INPUTS}!$H$10)/{INPUTS}!$H$5-1)", "equal weight, total",
            0.075)
    row += 4
    fs.write(row, 0, 'BETA_RECONCILE(bond_prices, bond_market, bond_units, "none", '
                     '"prices", "units"): bought and held', b.bold)
    fs.write_dynamic_array_formula(row + 1, 0, row + 13, 7,
                                   '=BETA_RECONCILE(bond_prices,bond_market,bond_units,'
                                   '"none","prices","units")')
    row += 15
    fs.write(row, 0, "RETURNS(bond_prices)", b.bold)
    fs.write_dynamic_array_formula(row + 1, 0, row + n_bond, 1, "=RETURNS(bond_prices)")
    fs.write(row, 3, 'BETA_ROLLING(multi_prices, multi_market, 12, "prices")', b.bold)
    fs.write_dynamic_array_formula(row + 1, 3, row + n_multi + 1, 7,
                                   '=BETA_ROLLING(multi_prices,multi_market,12,"prices")')

    chart = book.add_chart({"type": "scatter"})
    chart.add_series({
        "name": "portfolio vs market",
        "categories": mkt_ref, "values": port_ref,
        "marker": {"type": "circle", "size": 6},
        "trendline": {"type": "linear", "display_equation": True,
                      "display_r_squared": True, "name": "regression line"},
    })
    chart.set_title({"name": "Portfolio against market returns (slope = beta)"})
    chart.set_x_axis({"name": "market return", "num_format": "0%"})
    chart.set_y_axis({"name": "portfolio return", "num_format": "0%"})
    chart.set_legend({"position": "bottom"})
    fs.insert_chart(chart_top, 0, chart, {"x_scale": 1.4, "y_scale": 1.2})

    # -- Output: tables computed by formulas (Excel, or betaxl recalc headless) -----------
    out = book.add_worksheet(OUTPUT_SHEET)
    out.write(0, 0, "betaxl output: every table is a formula over the named inputs; "
                    "Excel or betaxl recalc computes them", b.title)
    out.write(1, 0, "Press Import Functions once (Windows: trust access to the VBA project "
                    "first), then Recalculate.", b.note)
    out.insert_button(2, 0, {"macro": RECALCULATE_MACRO, "caption": "Recalculate",
                             "width": 140, "height": 28})
    out.insert_button(2, 2, {"macro": "ImportPythonUDFs", "caption": "Import Functions",
                             "width": 140, "height": 28})
    row = FIRST_OUTPUT_ROW - 1
    placed: list[Placed] = []  # where each table spills, for the charts
    for title, columns in output_blocks(prices, market, weights, factors, schedule):
        out.write_string(row, 0, title, b.bold)
        height = 0
        col = 0
        for label, formula, result in columns:
            rows = result if isinstance(result, list) else [[result]]
            if label:
                out.write_string(row + 1, col, label, b.bold)
            top = row + (2 if label else 1)
            out.write_dynamic_array_formula(top, col, top + len(rows) - 1,
                                            col + len(rows[0]) - 1, formula, None,
                                            preview(rows[0][0]) if cached else 0)
            if cached:
                write_spill_values(out, top, col, rows)
            placed.append((title, label, top, col, rows))
            height = max(height, top - row + len(rows))
            col += len(rows[0]) + (1 if label else 0)
        row += height + 1
    add_output_charts(book, out, b.bold, placed, row, prices, market, weights, cached)
    out.set_column(0, 0, 28)
    out.set_column(1, 20, 14)

    # -- xlwings.conf ------------------------------------------------------------------
    conf = book.add_worksheet(CONF)
    conf.write_string(0, 0, "UDF Modules")
    conf.write_string(0, 1, "betaxl.udfs")
    conf.write(2, 0, "xlwings reads its settings from A1 down; UDF Modules names the "
                     "Python module with betaxl's Excel functions.", b.note)
    book.worksheets()[-2].activate()
    book.close()
    return buffer.getvalue(), list(b.checks)
