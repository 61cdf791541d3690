"""betaxl report and betaxl.plot: the page rendered by headless Chromium, its table read
back from the DOM against the core's risk table, the charts it draws or leaves out, the
page fetching nothing, bad input refused with nothing written."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
import betaxl.plot as bp
from betaxl.cli import main
from betaxl.risk import RISK_FIELDS, RISK_UNITS

from .browser import dump_dom, screenshot

WEIGHTS = {"A": 0.5, "B": 0.3, "C": 0.2}


def _data(rows: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(21)
    m = rng.normal(0.007, 0.04, rows)
    return pd.DataFrame({"MKT": m, "A": 0.002 + 1.2 * m + rng.normal(0, 0.02, rows),
                         "B": 0.8 * m + rng.normal(0, 0.03, rows),
                         "C": 0.001 + 0.5 * m + rng.normal(0, 0.01, rows)},
                        index=pd.date_range("2018-01-31", periods=rows, freq="ME",
                                            name="date"))


class _Page(HTMLParser):
    """The DOM's charts, risk-table cells, attributes that could fetch, and notes."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[str] = []
        self.paths: dict[int, int] = {}
        self.cells: dict[str, list[tuple[str, str]]] = {}
        self.units: dict[str, str] = {}
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.left: list[str] = []
        self._table = ""
        self._row = ""
        self._cell: list[str] | None = None
        self._attrs: dict[str, str | None] = {}
        self._in_left = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        for key, value in attrs:
            if key in ("href", "src", "xlink:href", "action") or "url(" in (value or ""):
                self.links.append(value or "")
        if tag == "figure" and a.get("class") == "chart":
            self.charts.append(a.get("data-chart") or "")
        if tag == "path" and self.charts:
            self.paths[len(self.charts) - 1] = self.paths.get(len(self.charts) - 1, 0) + 1
        if tag == "table":
            self._table = a.get("id") or ""
        if tag == "tr" and self._table == "risk":
            self._row = a.get("data-field") or ""
        if tag == "td" and self._table == "risk" and self._row:
            self._cell, self._attrs = [], a
        if tag == "p" and a.get("class") == "left":
            self._in_left = True
            self.left.append("")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_left:
            self.left[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            text = "".join(self._cell)
            if self._attrs.get("class") == "units":
                self.units[self._row] = text
            else:
                self.cells.setdefault(self._row, []).append(
                    (text, self._attrs.get("data-value") or ""))
            self._cell = None
        if tag == "table":
            self._table = ""
        if tag == "p":
            self._in_left = False


def _run(tmp_path: Path, frame: pd.DataFrame, *extra: str, name: str = "r.html") -> Path:
    source = tmp_path / "data.csv"
    frame.to_csv(source, index=frame.index.name is not None)
    out = tmp_path / name
    assert main(["report", str(source),
                "--benchmark", "MKT", "-o", str(out), *extra]) == 0
    return out


def _read(page: Path) -> _Page:
    parsed = _Page()
    parsed.feed(dump_dom(page))
    return parsed


def test_the_page_in_chromium_shows_the_risk_table_and_every_chart(tmp_path: Path) -> None:
    frame = _data()
    rf = 0.001
    page = _run(tmp_path, frame, "--risk-free", str(rf), "--weights",
                ",".join(f"{k}={v}" for k, v in WEIGHTS.items()))
    dom = _read(page)
    # growth, drawdown, rolling beta (36 months on 60), a scatter per asset, 3 of the
    # reconciliation; each drawn (an <svg> with paths)
    assert dom.charts == ["growth", "drawdown", "rolling_beta", "scatter", "scatter",
                          "scatter", "weighted_betas", "effects", "contributions"]
    assert all(dom.paths.get(i, 0) > 20 for i in range(len(dom.charts)))
    assert dom.left == []
    assert all(link.startswith("#") or link.startswith("url(#") for link in dom.links)
    assert not dom.tags & {"script", "link", "img", "iframe", "object", "embed"}
    expected = bx.risk_table(frame[["A", "B", "C"]], frame["MKT"], risk_free=rf,
                             periods_per_year=12).to_frame()
    assert list(dom.cells) == list(expected.index) == list(RISK_FIELDS)
    for field in expected.index:
        assert dom.units[field] == RISK_UNITS[field]
        for (text, value), want in zip(dom.cells[field], expected.loc[field], strict=True):
            if math.isnan(want):
                assert value == "nan" and text == ""
                continue
            assert float(value) == want  # the full value, exactly
            assert math.isclose(float(text), want, rel_tol=5e-6, abs_tol=1e-300)


def test_the_page_is_the_same_bytes_every_run_and_its_svg_ids_unique(
        tmp_path: Path) -> None:
    weights = ",".join(f"{k}={v}" for k, v in WEIGHTS.items())
    pages = [_run(tmp_path, _data(), "--weights", weights, name=f"{i}.html").read_bytes()
             for i in range(2)]
    assert pages[0] == pages[1]
    text = pages[0].decode()
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) > 100 and len(ids) == len(set(ids))  # 9 charts, no id shared
    assert set(re.findall(r'(?:href="#|url\(#)([^")]+)', text)) <= set(ids)


def test_the_screenshot_is_drawn(tmp_path: Path) -> None:
    from matplotlib.image import imread

    page = _run(tmp_path, _data())
    png = tmp_path / "shot.png"
    screenshot(page, png)
    pixels = imread(png)[..., :3]
    inked = float((pixels.sum(axis=-1) < 2.7).mean())
    assert inked > 0.02  # text, table rules and chart lines, not a blank page


def test_without_dates_or_with_too_few_rows_charts_are_left_out_with_a_line(
        tmp_path: Path) -> None:
    short = _data(20)
    dom = _read(_run(tmp_path, short))
    assert dom.charts == ["growth", "drawdown", "scatter", "scatter", "scatter"]
    assert dom.left == ["rolling beta chart left out: 20 rows, and a 36-month window needs "
                        "more"]
    # the line stands where the chart would be: after the drawdown, before the scatters
    order = re.findall(r'data-(?:chart|left-out)="(\w+)"', (tmp_path / "r.html").read_text())
    assert order == ["growth", "drawdown", "rolling_beta", "scatter", "scatter", "scatter"]
    undated = _data().reset_index(drop=True)
    undated.index.name = None
    dom = _read(_run(tmp_path, undated, "--periods-per-year", "12", name="u.html"))
    assert dom.charts == ["scatter"] * 3
    assert len(dom.left) == 1 and "no dates" in dom.left[0]


@pytest.mark.parametrize("args, says", [
    (["--benchmark", "NOPE"], "no column named 'NOPE'"),
    (["--benchmark", "MKT", "--weights", "A=1"], "no weight for 'B'"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str) -> None:
    source = tmp_path / "data.csv"
    _data().to_csv(source)
    out = tmp_path / "r.html"
    assert main(["report", str(source), *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("betaxl report: ") and says in err
    assert not out.exists()


def test_without_dates_or_a_frequency_the_option_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "data.csv"
    _data().to_csv(source, index=False)
    assert main(["report", str(source), "--benchmark", "MKT", "-o",
                 str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pass --periods-per-year" in err
    assert "periods_per_year" not in err and not (tmp_path / "r.html").exists()


def test_a_report_is_html_and_never_over_its_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "data.csv"
    _data().to_csv(source)
    before = source.read_bytes()
    for target in (tmp_path / "r.csv", source):
        assert main(["report", str(source), "--benchmark", "MKT", "-o", str(target)]) == 2
        assert capsys.readouterr().err.count("\n") == 1
    assert source.read_bytes() == before and not (tmp_path / "r.csv").exists()


def test_every_risk_field_has_units() -> None:
    assert [f for f in RISK_FIELDS if f not in RISK_UNITS] == []


def test_plot_paths_match_the_risk_table() -> None:
    frame = _data()
    r, m = frame[["A", "B", "C"]], frame["MKT"]
    table = bx.risk_table(r, m, periods_per_year=12)
    dd = bp.drawdown_path(r)
    np.testing.assert_allclose(-dd.min().to_numpy(), table.max_drawdown.to_numpy(),
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(bp.growth_path(r).iloc[-1].to_numpy(),
                               (1 + r).prod().to_numpy(), rtol=1e-12)
    # the path starts at 1 a month before the first return's date, then 1 + r_1
    start = bp.growth_path(r).iloc[:2]
    assert start.index.tolist() == [pd.Timestamp("2017-12-31"), r.index[0]]
    assert start.iloc[0].tolist() == [1.0] * 3
    np.testing.assert_allclose(start.iloc[1], 1 + r.iloc[0], rtol=0, atol=1e-15)
    assert [bp.rolling_window(t) for t in (12, 52, 252, 4, 12.5)] == [36, 52, 252, None, None]


def test_the_scatter_legend_gives_the_risk_tables_beta_alpha_r2() -> None:
    frame = _data()
    fig = bp.regression(frame["A"], frame["MKT"], risk_free=0.001)
    table = bx.risk_table(frame[["A"]], frame["MKT"], risk_free=0.001, periods_per_year=12)
    label = fig.legends[0].get_texts()[1].get_text()
    assert label == (f"beta {table.beta.iloc[0]:.4f}, alpha {table.alpha.iloc[0]:.4%} a "
                     f"period, R² {table.r_squared.iloc[0]:.4f}")


def test_the_waterfall_ends_at_the_portfolio_beta() -> None:
    frame = _data()
    rec = bx.beta_reconcile(frame[["A", "B", "C"]], frame["MKT"], list(WEIGHTS.values()))
    bars = bp.effects(rec).axes[0].patches
    assert len(bars) == 6
    tops = [b.get_y() + b.get_height() for b in bars]
    # own-rows sum, minus the sample effect, end-weighted sum, + timing, + drift = portfolio
    assert tops[0] == pytest.approx(rec.weighted_beta_end + rec.sample_effect, abs=1e-12)
    assert tops[1] == tops[2] == pytest.approx(rec.weighted_beta_end, abs=1e-12)
    assert tops[4] == pytest.approx(rec.portfolio_beta, abs=1e-12)
    assert tops[5] == pytest.approx(rec.portfolio_beta, abs=1e-12)


def test_names_with_dollars_or_a_leading_underscore_are_drawn_as_written(
        tmp_path: Path) -> None:
    # matplotlib reads $...$ as math (\foo crashed the page) and drops legend labels
    # starting with "_": every name is shown literally, in the legend too
    data = _data(40).rename(columns={"A": r"$\foo$", "B": "_hidden", "C": "NZ$ and A$"})
    fig = bp.growth(data.drop(columns="MKT"), data["MKT"])
    shown = [t.get_text() for t in fig.legends[0].get_texts()]
    assert [t.replace("\\$", "$").strip() for t in shown[:3]] == [
        r"$\foo$", "_hidden", "NZ$ and A$"]
    assert "<svg" in bp.to_svg(fig)
    data.to_csv(tmp_path / "names.csv")
    assert main(["report", str(tmp_path / "names.csv"), "--benchmark", "MKT",
                 "-o", str(tmp_path / "names.html")]) == 0
