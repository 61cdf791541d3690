"""The Output sheet's native Excel charts, each bound to the cells that hold its data.

- rolling beta (line): the five series of ``BETA_ROLLING(multi_prices, ...)``'s spill;
- growth of 1 (line): the buy-and-hold portfolio of ``multi_weights`` (the growth of
  the ``PORT_RETURNS(..., "none", ...)`` table) and the market, by native formulas over
  the prices in the "chart data" table below the other tables:
  ``G_t = SUMPRODUCT(w, P_t / P_0)`` and ``M_t / M_0`` from ``t = 0`` (the first
  price: 1, the value before the first return), so LibreOffice draws them too;
- drawdown (line): ``G_t / MAX(1, MAX(G_0..G_t)) - 1`` of the same two, native formulas;
- reconciliation effects (bar): the ``timing_effect``, ``drift_effect`` and
  ``sample_effect`` rows of the five-asset ``BETA_RECONCILE``'s summary.

Caches: a chart part keeps a copy of its data (``numCache``/``strCache``), which file
previewers draw.  The template writes each Output table's cells with the values
betaxl's own functions give on the demo data (:func:`write_spill_values`, to
:data:`PREVIEW_DIGITS` significant digits), so XlsxWriter fills every chart cache from
those cells: numbers as ``numRef``, text (the effects' names) as ``strRef``.  Excel
refreshes the caches when it recalculates; ``betaxl recalc`` copies the chart parts as
they are (their caches stay the template's); LibreOffice recalculates on opening and,
not knowing betaxl's functions, shows their cells, and the charts over them, as #NAME?.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

__all__ = ["PREVIEW_DIGITS", "Placed", "add_output_charts", "preview", "write_spill_values"]

#: Significant digits of the Output tables' cached values (see :func:`preview`).
PREVIEW_DIGITS = 10

#: (title, label, first row, first column, the cells of the spill) of each Output table
Placed = tuple[str, str, int, int, list[list[Any]]]
SHEET = "Output"
EFFECTS = ("timing_effect", "drift_effect", "sample_effect")


def preview(value: Any) -> Any:
    """A cached value as the template stores it: text as it is, a number to 1e-15 and
    then :data:`PREVIEW_DIGITS` significant digits.  The core's last bits vary with the
    CPU's BLAS kernel (up to 7e-14 relative, 1e-16 absolute, measured on the demo data
    across OpenBLAS's kernels); rounded, the template is the same bytes on every CPU.
    Excel and ``betaxl recalc`` replace them with full values.

    >>> preview(0.52307312345678912), preview(-1.1e-17), preview("beta")
    (0.5230731235, 0.0, 'beta')
    """
    if isinstance(value, str) or value is None:
        return value
    return float(f"{round(float(value), 15):.{PREVIEW_DIGITS}g}") + 0.0


def write_spill_values(ws: Any, top: int, col: int, rows: list[list[Any]]) -> None:
    """The cached values of a dynamic-array formula's spill at (``top``, ``col``) after
    its first cell (which the formula holds): numbers, text, and None left blank, as
    Excel saves a computed spill (numbers as :func:`preview` gives them).

    XlsxWriter pads an array formula's range with zeros and has no call to empty a cell
    again (``write_blank`` without a format is ignored, and a formatted blank turns a
    chart's numbers into text): a blank result's padding is taken out of the
    worksheet's cell table, so the cell is empty and its chart point missing, as Excel
    caches a blank."""
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if (i, j) == (0, 0):
                continue
            if value is None:
                ws.table[top + i].pop(col + j, None)
            elif isinstance(value, str):
                ws.write_string(top + i, col + j, value)
            else:
                ws.write_number(top + i, col + j, preview(value))


def _find(placed: list[Placed], title: str, label: str = "") -> Placed:
    return next(p for p in placed if p[0].startswith(title) and p[1] == label)


def _col(first: int, last: int, col: int) -> str:
    """An absolute one-column range of Output (0-based rows, inclusive)."""
    return (f"{SHEET}!{xl_rowcol_to_cell(first, col, True, True)}:"
            f"{xl_rowcol_to_cell(last, col, True, True)}")


def _name(book: Any, name: str) -> tuple[str, int, int, int, int]:
    """A defined name's sheet and 0-based corners: (sheet, row, col, last row, last col)."""
    formula = next(f for n, _, f, _ in book.defined_names if n == name).lstrip("=")
    sheet, cells = formula.split("!")
    first, last = (xl_cell_to_rowcol(c.replace("$", "")) for c in cells.split(":"))
    return sheet, first[0], first[1], last[0], last[1]


def _dates(book: Any, skip: int) -> str:
    """multi_dates' range without its header and the first ``skip`` dates."""
    sheet, row, col, last, _ = _name(book, "multi_dates")
    return (f"{sheet}!{xl_rowcol_to_cell(row + 1 + skip, col, True, True)}:"
            f"{xl_rowcol_to_cell(last, col, True, True)}")


def _line(book: Any, title: str, axis: str, fmt: str) -> Any:
    chart = book.add_chart({"type": "line"})
    chart.set_title({"name": title})
    chart.set_y_axis({"name": axis, "num_format": fmt})
    chart.set_x_axis({"num_format": "yyyy-mm", "date_axis": True,
                      "label_position": "low"})  # below negative values (drawdowns)
    chart.set_legend({"position": "bottom"})
    return chart


def add_output_charts(book: Any, ws: Any, bold: Any, placed: list[Placed], row: int,
                      prices: pd.DataFrame, market: pd.Series, weights: Any,
                      cached: bool) -> int:
    """Write the chart data table at ``row`` and the four charts beside it; return the
    next free row."""
    rolling = _find(placed, "Rolling 12-month betas")
    rec = _find(placed, "Five-asset portfolio bought and held, reconciled")
    sheet, p_row, p_col, p_last, p_end = _name(book, "multi_prices")
    _, _, m_col, _, _ = _name(book, "multi_market")
    _, w_row, w_col, _, w_end = _name(book, "multi_weights")
    n = p_last - p_row - 1  # returns: the prices' rows after their header, less one
    ws.write_string(row, 0, "Chart data: growth of 1 and drawdown of the buy-and-hold "
                            "portfolio (multi_weights) and the market, native formulas "
                            "over the prices", bold)
    for j, head in enumerate(("portfolio growth", "market growth", "portfolio drawdown",
                              "market drawdown")):
        ws.write_string(row + 1, j, head, bold)
    top = row + 2
    base = {c: float(v) for c, v in zip(range(p_col, p_end + 1), prices.iloc[0], strict=True)}
    w = {c: float(weights[c - p_col]) for c in range(p_col, p_end + 1)}
    growth: dict[int, list[float]] = {0: [], 1: []}
    weights_ref = (f"{sheet}!{xl_rowcol_to_cell(w_row, w_col, True, True)}:"
                   f"{xl_rowcol_to_cell(w_row, w_end, True, True)}")
    for i in range(n + 1):  # the price rows: growth 1 (drawdown 0) at the first
        r, src = top + i, p_row + 1 + i
        now = (f"{sheet}!{xl_rowcol_to_cell(src, p_col, col_abs=True)}:"
               f"{xl_rowcol_to_cell(src, p_end, col_abs=True)}")
        start = (f"{sheet}!{xl_rowcol_to_cell(p_row + 1, p_col, True, True)}:"
                 f"{xl_rowcol_to_cell(p_row + 1, p_end, True, True)}")
        formulas = {
            # buy and hold from weights: sum_i w_i P_i,t / P_i,0 / sum_i w_i
            0: (f"=SUMPRODUCT({weights_ref},{now}/{start})/SUM({weights_ref})",
                sum(w[c] * float(prices.iloc[i, c - p_col]) / base[c] for c in base)
                / sum(w.values())),
            1: (f"={sheet}!{xl_rowcol_to_cell(src, m_col, col_abs=True)}/"
                f"{sheet}!{xl_rowcol_to_cell(p_row + 1, m_col, True, True)}",
                float(market.iloc[i]) / float(market.iloc[0]))}
        for col, (formula, value) in formulas.items():
            growth[col].append(value)
            ws.write_formula(r, col, formula, None, value if cached else 0)
            span = f"{xl_rowcol_to_cell(top, col, True)}:{xl_rowcol_to_cell(r, col)}"
            ws.write_formula(r, col + 2, f"={xl_rowcol_to_cell(r, col)}/MAX(1,MAX({span}))-1",
                             None, value / max(1.0, *growth[col]) - 1.0 if cached else 0)
    dates = _dates(book, 0)  # a row per price: the value before the first return first

    chart = _line(book, "Rolling 12-month beta", "beta", "0.00")
    r_top, r_col, cells = rolling[2], rolling[3], rolling[4]
    for j in range(len(cells[0])):
        chart.add_series({"name": f"={_col(r_top, r_top, r_col + j)}",
                          "categories": f"={_dates(book, 0)}",
                          "values": f"={_col(r_top + 1, r_top + len(cells) - 1, r_col + j)}"})
    ws.insert_chart(row, 7, chart, {"x_scale": 1.5, "y_scale": 1.1})

    chart = _line(book, "Growth of 1: buy-and-hold portfolio and market", "value of 1",
                  "0.00")
    for col in (0, 1):
        chart.add_series({"name": f"={_col(row + 1, row + 1, col)}",
                          "categories": f"={dates}",
                          "values": f"={_col(top, top + n, col)}"})
    ws.insert_chart(row + 17, 7, chart, {"x_scale": 1.5, "y_scale": 1.1})

    chart = _line(book, "Drawdown from the highest value so far", "drawdown", "0%")
    for col in (2, 3):
        chart.add_series({"name": f"={_col(row + 1, row + 1, col)}",
                          "categories": f"={dates}",
                          "values": f"={_col(top, top + n, col)}"})
    ws.insert_chart(row + 34, 7, chart, {"x_scale": 1.5, "y_scale": 1.1})

    labels = [str(r[0]) for r in rec[4]]
    first = rec[2] + labels.index(EFFECTS[0])
    assert labels[labels.index(EFFECTS[0]):][:3] == list(EFFECTS)
    chart = book.add_chart({"type": "column"})
    chart.set_title({"name": "Why the portfolio beta is not the weighted sum: the effects"})
    chart.add_series({"name": "effect on beta",
                      "categories": f"={_col(first, first + 2, rec[3])}",
                      "values": f"={_col(first, first + 2, rec[3] + 1)}",
                      "data_labels": {"value": True, "num_format": "0.0000"}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"name": "beta", "num_format": "0.00"})
    chart.set_x_axis({"label_position": "low"})  # names below negative bars
    ws.insert_chart(row + 51, 7, chart, {"x_scale": 1.5, "y_scale": 1.1})
    return top + n + 2

