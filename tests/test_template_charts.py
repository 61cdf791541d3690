"""The template's native charts: each series reads the Output cells that hold its data.

The chart parts are read as XML (defusedxml); every range they name is read back from
the template recalculated by ``betaxl recalc`` and compared with the core's figures.
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as ET
import numpy as np
import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

import betaxl as bx
from betaxl.examples import multi_asset_prices
from betaxl.plot import drawdown_path, growth_path
from betaxl.workbook.recalc import recalculate_file

ROOT = Path(__file__).resolve().parents[1]
NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
WEIGHTS = [0.15, 0.25, 0.2, 0.25, 0.15]  # the template's multi_weights


def _charts(path: Path) -> dict[str, tuple[str, list[dict[str, str]]]]:
    """title -> (chart type, [{'tx'|'cat'|'val': the range}] per series)."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            root = ET.fromstring(z.read(name))
            title = "".join(t.text or "" for t in root.iterfind("c:chart/c:title//a:t", NS))
            plot = root.find("c:chart/c:plotArea", NS)
            kind = next(child.tag.split("}")[1] for child in plot
                        if child.tag.endswith("Chart"))
            series = [{part: ser.find(f"c:{part}//c:f", NS).text
                       for part in ("tx", "cat", "val") if ser.find(f"c:{part}//c:f", NS)
                       is not None} for ser in plot.iter(f"{{{NS['c']}}}ser")]
            out[title] = (kind, series)
    return out


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("charts") / "t.xlsm"
    recalculate_file(ROOT / "workbook_template.xlsm", out)
    return openpyxl.load_workbook(out, data_only=True)


def _cells(book: Any, ref: str) -> list[Any]:
    sheet, cells = ref.split("!")
    lo_c, lo_r, hi_c, hi_r = range_boundaries(cells.replace("$", ""))
    assert lo_c == hi_c  # one column a series
    ws = book[sheet.strip("'")]
    return [ws.cell(r, lo_c).value for r in range(lo_r, hi_r + 1)]


def _same(got: list[Any], want: np.ndarray) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        if math.isnan(w):
            assert g is None
        else:
            assert g == pytest.approx(w, abs=1e-12)


def test_the_output_charts_read_the_cells_that_hold_their_data(recalculated: Any) -> None:
    prices, market = multi_asset_prices()
    returns, mkt = bx.to_returns(prices), bx.to_returns(market).iloc[:, 0]
    charts = _charts(ROOT / "workbook_template.xlsm")
    assert {k: v[0] for k, v in charts.items()} == {
        "Portfolio against market returns (slope = beta)": "scatterChart",
        "Rolling 12-month beta": "lineChart",
        "Growth of 1: buy-and-hold portfolio and market": "lineChart",
        "Drawdown from the highest value so far": "lineChart",
        "Why the portfolio beta is not the weighted sum: the effects": "barChart"}
    dates = [dt.datetime(d.year, d.month, d.day) for d in prices.index]

    rolling = charts["Rolling 12-month beta"][1]
    want = bx.rolling_beta(returns, mkt, 12)
    assert [_cells(recalculated, s["tx"])[0] for s in rolling] == list(prices.columns)
    for s, col in zip(rolling, prices.columns, strict=True):
        assert _cells(recalculated, s["cat"]) == dates  # a row per price, the first blank
        values = _cells(recalculated, s["val"])
        assert values[0] is None
        _same(values[1:], want[col].to_numpy())

    path = bx.portfolio_returns(returns, WEIGHTS, rebalance="none").returns
    both = {"portfolio": path, "market": mkt}
    for title, curve in (("Growth of 1: buy-and-hold portfolio and market", growth_path),
                         ("Drawdown from the highest value so far", drawdown_path)):
        series = charts[title][1]
        assert [_cells(recalculated, s["tx"])[0].split()[0] for s in series] == list(both)
        for s, r in zip(series, both.values(), strict=True):
            assert _cells(recalculated, s["cat"]) == dates  # from 1 (0) at the first price
            want = curve(r).iloc[:, 0]
            assert want.index[0] == prices.index[0] and want.iloc[0] == 1.0 + (curve is
                                                                            drawdown_path) * -1
            _same(_cells(recalculated, s["val"]), want.to_numpy())

    (effects,) = charts["Why the portfolio beta is not the weighted sum: the effects"][1]
    rec = bx.beta_reconcile(returns, mkt, WEIGHTS)
    assert _cells(recalculated, effects["cat"]) == ["timing_effect", "drift_effect",
                                                    "sample_effect"]
    _same(_cells(recalculated, effects["val"]),
          np.array([rec.timing_effect, rec.drift_effect, rec.sample_effect]))


def test_time_and_effect_labels_sit_below_negative_values() -> None:
    # the category (date) axis crosses the value axis at 0: with drawdowns and negative
    # effects its labels would be drawn over the data unless placed "low"
    with zipfile.ZipFile(ROOT / "workbook_template.xlsm") as z:
        for name in (n for n in z.namelist() if n.startswith("xl/charts/chart")):
            plot = ET.fromstring(z.read(name)).find("c:chart/c:plotArea", NS)
            if plot.find("c:scatterChart", NS) is not None:
                continue  # the regression scatter has two value axes
            axes = [*plot.iterfind("c:dateAx", NS), *plot.iterfind("c:catAx", NS)]
            assert axes, name
            for axis in axes:
                assert axis.find("c:tickLblPos", NS).get("val") == "low", name


def _caches(path: Path) -> list[tuple[str, str, str, list[Any]]]:
    """(chart title, part, 'numRef'|'strRef', the cached points) of every series part."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            root = ET.fromstring(z.read(name))
            title = "".join(t.text or "" for t in root.iterfind("c:chart/c:title//a:t", NS))
            for ser in root.iter(f"{{{NS['c']}}}ser"):
                for part in ("tx", "cat", "val", "xVal", "yVal"):
                    for kind in ("numRef", "strRef"):
                        ref = ser.find(f"c:{part}/c:{kind}", NS)
                        if ref is None:
                            continue
                        cache = ref.find("c:numCache" if kind == "numRef" else "c:strCache",
                                         NS)
                        count = int(cache.find("c:ptCount", NS).get("val"))
                        points: list[Any] = [None] * count
                        for pt in cache.iterfind("c:pt", NS):
                            text = pt.find("c:v", NS).text
                            points[int(pt.get("idx"))] = float(text) if kind == "numRef" \
                                else text
                        out.append((title, ref.find("c:f", NS).text, kind, points))
    return out


def test_the_chart_caches_hold_the_values_of_their_cells(recalculated: Any) -> None:
    # previewers and LibreOffice draw a chart from its cache: it must hold what the cells
    # hold (they held zeros, and the effects' names were cached as numbers)
    stored = openpyxl.load_workbook(ROOT / "workbook_template.xlsm", data_only=True)
    caches = _caches(ROOT / "workbook_template.xlsm")
    assert len(caches) == 1 * 2 + 5 * 3 + 2 * 3 + 2 * 3 + 2  # scatter, rolling, ..., effects
    for title, ref, kind, points in caches:
        # the stored cells exactly; the core's full values (betaxl recalc) to the 10
        # significant digits the template keeps (the same bytes on every CPU)
        for cells, rel in ((_cells(stored, ref), 0.0), (_cells(recalculated, ref), 5e-10)):
            if kind == "strRef":
                assert points == [str(c) for c in cells], (title, ref)
                continue
            assert len(points) == len(cells), (title, ref)
            for got, cell in zip(points, cells, strict=True):
                if cell is None:
                    assert got is None, (title, ref)
                elif isinstance(cell, dt.datetime):  # a date is its Excel serial
                    assert got == (cell - dt.datetime(1899, 12, 30)).days, (title, ref)
                else:
                    assert got == pytest.approx(cell, rel=rel, abs=1e-15), (title, ref)
    effects = [c for c in caches if c[0].startswith("Why the portfolio beta")]
    assert [c[2] for c in effects] == ["strRef", "numRef"]  # names as text
    assert effects[0][3] == ["timing_effect", "drift_effect", "sample_effect"]
    assert all(any(v for v in c[3] if v is not None) for c in caches if c[2] == "numRef")
