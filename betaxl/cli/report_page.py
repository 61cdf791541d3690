"""The HTML of ``betaxl report``: one self-contained page (inline style and SVG only).

Nothing on the page is fetched: no script, no stylesheet, font or image link; the
charts are inline ``<svg>`` elements with their text drawn as paths (or, for a chart
with a character the plotting font lacks, as SVG text the browser draws with its own
fonts: :func:`betaxl.plot.to_svg`).  Every value shown is HTML-escaped; a name is shown
whole in the tables (a long one wraps inside its column's header, at most 11 em wide)
and shortened around an ellipsis in the charts (:func:`betaxl.plot.common.text_labels`:
names never share a label), the page listing each shortened label with its name.
The risk table has one row per field of :class:`betaxl.RiskTable`
(whatever fields it has), labelled with the field's name and its units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

import pandas as pd

from ..risk import RISK_UNITS

__all__ = ["Chart", "Page", "render"]

_UNKNOWN_UNITS = "not recorded: see the README's Conventions"

_STYLE = """
body{font-family:sans-serif;margin:2em;color:#222;max-width:80em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em}
th,td{padding:.2em .6em;border-bottom:1px solid #eee}td{text-align:right}
td.units{text-align:left;color:#666}thead th{border-bottom:2px solid #999}
thead th{max-width:11em;overflow-wrap:break-word;vertical-align:bottom}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}
.left{color:#8a4b00}#labels td{text-align:left}
"""


@dataclass(frozen=True)
class Chart:
    """One chart on the page: its kind (growth, drawdown, ...) and its inline SVG, or,
    for a chart the data cannot give, the line saying why (shown where it would be)."""

    kind: str
    svg: str
    note: str = ""


@dataclass
class Page:
    """What the page shows, in order."""

    title: str
    conventions: list[tuple[str, str]]
    risk: pd.DataFrame  # fields as rows, assets as columns
    charts: list[Chart] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # lines about all the charts
    summary: pd.Series | None = None  # the reconciliation's figures
    assets: pd.DataFrame | None = None  # the reconciliation's per-asset table
    reconciliation_charts: list[Chart] = field(default_factory=list)
    labels: list[tuple[str, str]] = field(default_factory=list)  # (chart label, name)


def _number(value: object) -> str:
    """A cell: the value to 6 significant digits, the full value in ``data-value``."""
    v = float(value)  # type: ignore[arg-type]
    if math.isnan(v):
        return '<td data-value="nan"></td>'
    shown = f"{int(v)}" if v.is_integer() and abs(v) < 1e15 else f"{v:.6g}"
    return f'<td data-value="{v!r}">{escape(shown)}</td>'


def _table(frame: pd.DataFrame, table_id: str, first: str,
           units: dict[str, str] | None = None) -> str:
    head = [f"<th>{escape(first)}</th>"] + (["<th>units</th>"] if units is not None else [])
    head += [f'<th scope="col">{escape(str(c))}</th>' for c in frame.columns]
    rows = []
    for name, row in frame.iterrows():
        cells = [f'<th scope="row">{escape(str(name))}</th>']
        if units is not None:
            cells.append(f'<td class="units">{escape(units.get(str(name), _UNKNOWN_UNITS))}'
                         "</td>")
        cells += [_number(v) for v in row]
        rows.append(f'<tr data-field="{escape(str(name))}">' + "".join(cells) + "</tr>")
    return (f'<table id="{table_id}"><thead><tr>' + "".join(head) + "</tr></thead><tbody>"
            + "\n".join(rows) + "</tbody></table>")


def _figures(charts: Sequence[Chart]) -> str:
    return "\n".join(
        f'<p class="left" data-left-out="{escape(c.kind)}">{escape(c.note)}</p>' if c.note
        else f'<figure class="chart" data-chart="{escape(c.kind)}">{c.svg}</figure>'
        for c in charts)


def render(page: Page) -> str:
    """The page as one HTML document."""
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{escape(page.title)}</title><style>{_STYLE}</style></head><body>",
             f"<h1>{escape(page.title)}</h1>", "<h2>Conventions</h2>", "<dl>"]
    for term, text in page.conventions:
        parts.append(f"<dt><b>{escape(term)}</b></dt><dd>{escape(text)}</dd>")
    parts += ["</dl>", "<h2>Risk table</h2>",
              "<p>One row per measure, one column per asset; returns are fractions "
              "(0.01 = 1%); t is the periods per year.</p>",
              _table(page.risk, "risk", "measure", RISK_UNITS), "<h2>Charts</h2>"]
    parts += [f'<p class="left">{escape(line)}</p>' for line in page.left_out]
    if page.labels:
        parts += ["<p>Names shortened in the charts:</p>",
                  '<table id="labels"><thead><tr><th>in the charts</th><th>name</th></tr>'
                  "</thead><tbody>" + "".join(
                      f"<tr><td>{escape(label)}</td><td>{escape(name)}</td></tr>"
                      for label, name in page.labels) + "</tbody></table>"]
    parts.append(_figures(page.charts))
    if page.summary is not None and page.assets is not None:
        parts += ["<h2>Why the portfolio beta is not the weighted sum of the betas</h2>",
                  _table(page.summary.to_frame("value"), "reconciliation", "figure"),
                  "<p>Per asset:</p>", _table(page.assets, "assets", "asset"),
                  _figures(page.reconciliation_charts)]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
