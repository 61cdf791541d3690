"""betaxl.plot's figures read as drawn: the texts and legends do not overlap each other or
the data, the waterfall shows every effect, arrays and lists are accepted (anything
else refused in one line), the rolling beta is the risk table's, and the SVG ids are
unique per chart and the same on every run."""

from __future__ import annotations

import re
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

import betaxl as bx
import betaxl.plot as bp
from betaxl.errors import BetaxlError

WEIGHTS = [0.5, 0.3, 0.2]


def _data(rows: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(21)
    m = rng.normal(0.007, 0.04, rows)
    return pd.DataFrame({"MKT": m, "A": 0.002 + 1.2 * m + rng.normal(0, 0.02, rows),
                         "B": 0.8 * m + rng.normal(0, 0.03, rows),
                         "C": 0.001 + 0.5 * m + rng.normal(0, 0.01, rows)},
                        index=pd.date_range("2018-01-31", periods=rows, freq="ME"))


def _boxes(fig: Figure) -> tuple[list[tuple[str, Bbox]], list[Bbox], list[Bbox]]:
    """The drawn texts (title, labels shown, annotations), the legends and the axes."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = []
    for ax in fig.axes:
        shown = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        lo, hi = sorted(ax.get_xlim())
        shown += [t.label1 for t in ax.xaxis.get_major_ticks()
                  if lo <= t.get_loc() <= hi and t.label1.get_visible()]
        lo, hi = sorted(ax.get_ylim())
        shown += [t.label1 for t in ax.yaxis.get_major_ticks()
                  if lo <= t.get_loc() <= hi and t.label1.get_visible()]
        shown.append(ax.xaxis.get_offset_text())
        texts += [(t.get_text(), t.get_window_extent(renderer)) for t in shown
                  if t.get_text()]
    legends = [leg.get_window_extent(renderer) for leg in fig.legends]
    axes = [ax.get_window_extent(renderer) for ax in fig.axes]
    return texts, legends, axes


def _figures(frame: pd.DataFrame) -> dict[str, Figure]:
    r, m = frame[["A", "B", "C"]], frame["MKT"]
    rec = bx.beta_reconcile(r, m, WEIGHTS)
    return {"growth": bp.growth(r, m), "drawdowns": bp.drawdowns(r, m),
            "rolling": bp.rolling_betas(r, m, 12, periods_per_year=12, risk_free=0.001),
            "regression": bp.regression(r["A"], m, risk_free=0.001),
            "weighted": bp.weighted_betas(rec), "effects": bp.effects(rec),
            "contributions": bp.contributions(rec)}


@pytest.mark.parametrize("rows", [14, 60, 240])
def test_no_text_overlaps_another_and_no_legend_covers_the_axes(rows: int) -> None:
    for name, fig in _figures(_data(rows)).items():
        texts, legends, axes = _boxes(fig)
        for (a, box_a), (b, box_b) in combinations(texts, 2):
            assert not box_a.overlaps(box_b), (name, rows, a, b)
        for legend in legends:  # legends sit outside the data
            assert not any(legend.overlaps(ax) for ax in axes), (name, rows)
        for text, box in texts:  # the value labels are inside the axes, under the title
            if text not in {t.get_text() for ax in fig.axes for t in ax.texts}:
                continue
            assert axes[0].x0 <= box.x0 and box.x1 <= axes[0].x1, (name, text)
            assert axes[0].y0 <= box.y0 and box.y1 <= axes[0].y1, (name, text)


def test_the_waterfall_shows_small_effects_as_steps() -> None:
    # effects of 0.001 against totals near 1: on an axis from 0 they were 1/1000 of it
    frame = _data()
    rec = bx.beta_reconcile(frame[["A", "B", "C"]], frame["MKT"], WEIGHTS)
    fig = bp.effects(rec)
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    levels = [rec.weighted_beta_end + rec.sample_effect, rec.weighted_beta_end,
              rec.weighted_beta_end + rec.timing_effect, rec.portfolio_beta]
    assert lo <= min(levels) and max(levels) <= hi
    # the axis spans the levels' range and 60% more, not the distance from 0
    assert hi - lo == pytest.approx(1.6 * (max(levels) - min(levels)), rel=1e-9)
    for bar in ax.patches[1:2] + ax.patches[3:5]:  # the three effects
        assert abs(bar.get_height()) / (hi - lo) > 0.005 or bar.get_height() == 0
    assert ax.get_ylabel() == "beta (axis not from 0)"
    labels = [t.get_text() for t in ax.texts]
    assert labels[3] == f"{rec.timing_effect:+.4f}" and labels[4] == f"{rec.drift_effect:+.4f}"
    assert bp.waterfall_limits([0.1, -0.05, 0.2])[0] < -0.05  # 0 is near: drawn from it


def test_short_dated_data_get_concise_date_labels() -> None:
    fig = bp.growth(_data(5)[["A"]], _data(5)["MKT"])
    texts, _, _ = _boxes(fig)
    ticks = [t for t, _ in texts if re.fullmatch(r"\w{3}|\d{4}|", t)]
    assert ticks and len(ticks) == len(set(ticks))  # Dec, 2018, Feb, ...: no date repeated


def test_arrays_and_lists_are_accepted_and_other_input_refused_in_one_line() -> None:
    frame = _data(40)
    r, m = frame[["A", "B"]], frame["MKT"]
    for returns, bench in ((r.to_numpy(), m.to_numpy()), (r.to_numpy().tolist(),
                                                          m.tolist())):
        fig = bp.growth(returns, bench)
        lines = fig.axes[0].get_lines()
        np.testing.assert_allclose(lines[0].get_ydata(), bp.growth_path(r)["A"], atol=1e-15)
        assert lines[0].get_xdata()[:2].tolist() == [0, 1]  # period 0 holds the 1
        assert [t.get_text() for t in fig.legends[0].get_texts()] == [
            "returns 1", "returns 2", "benchmark (benchmark)"]
        label = bp.regression(np.asarray(returns)[:, 0], bench).legends[0].get_texts()[1]
        want = bx.ols_beta(r["A"], m)
        assert f"beta {want.beta.iloc[0]:.4f}," in label.get_text()
        bp.rolling_betas(returns, bench, 12)
        bp.drawdowns(returns, bench)
    # an array beside a dated benchmark takes its dates
    fig = bp.growth(r["A"].to_numpy(), m)
    assert fig.axes[0].get_lines()[0].get_xdata()[1] == np.datetime64(r.index[0])
    for bad, says in (({"A": 1}, "growth: returns is not numbers"),
                      (np.zeros((3, 2, 2)), "growth: returns has shape (3, 2, 2)"),
                      ([], "growth: returns has shape (0,)")):
        with pytest.raises(BetaxlError) as err:
            bp.growth(bad, [0.1, 0.2, 0.3])
        assert str(err.value).startswith(says) and "\n" not in str(err.value)
    with pytest.raises(BetaxlError, match=r"^growth: benchmark has shape \(3,\) but returns "
                                          r"has 40 rows"):
        bp.growth(r, [0.1, 0.2, 0.3])


def test_the_rolling_beta_is_the_risk_tables_beta_on_excess_returns() -> None:
    frame = _data()
    r, m, rf = frame[["A", "B", "C"]], frame["MKT"], 0.004
    fig = bp.rolling_betas(r, m, 36, periods_per_year=12, risk_free=rf)
    assert fig.axes[0].get_title(loc="left") == \
        "Rolling beta, 36-month window, on excess returns"
    last = [line.get_ydata()[-1] for line in fig.axes[0].get_lines()[1:]]
    table = bx.risk_table(r.iloc[-36:], m.iloc[-36:], risk_free=rf, periods_per_year=12)
    np.testing.assert_allclose(last, table.beta.to_numpy(), rtol=0, atol=1e-12)
    raw = bp.rolling_betas(r, m, 36, periods_per_year=12)
    assert raw.axes[0].get_title(loc="left").endswith("on raw returns (no risk-free rate)")
    # a risk-free rate that moves changes the beta: it is used, not only named
    moving = pd.Series(np.linspace(0, 0.02, len(frame)), index=frame.index)
    moved = bp.rolling_betas(r, m, 36, risk_free=moving).axes[0].get_lines()[1]
    table = bx.risk_table(r.iloc[-36:], m.iloc[-36:], risk_free=moving.iloc[-36:],
                          periods_per_year=12)
    assert moved.get_ydata()[-1] == pytest.approx(table.beta.iloc[0], abs=1e-12)
    assert bp.window_name(52, 52) == "52-week window"


def test_svg_ids_are_prefixed_resolved_and_the_same_on_every_run() -> None:
    frame = _data()
    first = bp.to_svg(bp.growth(frame[["A"]], frame["MKT"]), "c1")
    again = bp.to_svg(bp.growth(frame[["A"]], frame["MKT"]), "c1")
    assert first == again
    other = bp.to_svg(bp.growth(frame[["A"]], frame["MKT"]), "c2")
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert ids and all(i.startswith("c1-") for i in ids) and len(ids) == len(set(ids))
    assert not set(ids) & set(re.findall(r'\bid="([^"]+)"', other))
    refs = re.findall(r'(?:href="#|url\(#)([^")]+)', first)
    assert refs and set(refs) <= set(ids)
