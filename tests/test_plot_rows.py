"""betaxl.plot after the attack on issue 21: every time chart uses the risk table's rows
(so a missing benchmark value blanks neither a chart nor its agreement with the table),
nothing is drawn empty, bad input is refused in one line naming the function and the
argument, the waterfall keeps a span when every effect is 0, the growth starts a period
of the data's own frequency before the first date, and long or CJK names neither spill
nor warn."""

from __future__ import annotations

import re
import warnings
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
import betaxl.plot as bp
from betaxl.errors import BetaxlError

from .test_plot import _boxes


def _data(rows: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    m = rng.normal(0.007, 0.04, rows)
    return pd.DataFrame({"MKT": m, "A": 0.002 + 1.2 * m + rng.normal(0, 0.02, rows),
                         "B": 0.8 * m + rng.normal(0, 0.03, rows)},
                        index=pd.date_range("2018-01-31", periods=rows, freq="ME"))


def _gappy(rows: int = 60) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Returns with their own gap, a benchmark and a risk-free rate with others."""
    frame = _data(rows)
    frame.iloc[[4, 30], 0] = np.nan  # benchmark missing
    frame.iloc[12, 1] = np.nan  # A missing
    rf = pd.Series(0.002, index=frame.index)
    rf.iloc[20] = np.nan  # risk-free missing
    return frame[["A", "B"]], frame["MKT"], rf


def _ydata(fig, skip: int = 0) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    return [np.asarray(line.get_ydata(), dtype=float)
            for line in fig.axes[0].get_lines()[skip:]]


def test_the_time_charts_use_the_risk_tables_rows() -> None:
    r, m, rf = _gappy()
    table = bx.risk_table(r, m, risk_free=rf, periods_per_year=12)
    # the drawdown's lowest value is minus the table's max_drawdown, column by column
    lows = [np.nanmin(y) / 100 for y in _ydata(bp.drawdowns(r, m, risk_free=rf))[:2]]
    np.testing.assert_allclose(lows, -table.max_drawdown.to_numpy(), rtol=0, atol=1e-12)
    # growth's last value is the table's annual return compounded over its n_obs rows
    ends = [y[np.isfinite(y)][-1] for y in _ydata(bp.growth(r, m, risk_free=rf))[:2]]
    want = (1 + table.annual_return.to_numpy()) ** (table.n_obs.to_numpy() / 12)
    np.testing.assert_allclose(ends, want, rtol=1e-12)
    # the rows dropped are gaps: A has 56 (its own, two benchmark's, the risk-free one)
    grown, _ = bp.table_rows(r, m, rf)
    assert grown.notna().sum().tolist() == table.n_obs.astype(int).tolist() == [56, 57]
    # before the fix the chart used each asset's own rows: a different drawdown
    own = -bp.drawdown_path(r).min().to_numpy()
    assert not np.allclose(own, table.max_drawdown.to_numpy(), rtol=0, atol=1e-12)


def test_one_missing_benchmark_value_does_not_blank_the_rolling_beta() -> None:
    frame = _data(40)
    frame.iloc[10, 0] = np.nan  # inside every 36-row window of 40 rows
    r, m = frame[["A", "B"]], frame["MKT"]
    assert bx.rolling_beta(r, m, 36).notna().sum().sum() == 0  # the core's blank windows
    fig = bp.rolling_betas(r, m, 36, periods_per_year=12)
    assert bp.drawn(fig)
    lines = _ydata(fig, skip=1)  # after the beta = 1 reference line
    assert [len(y) for y in lines] == [4, 4] and all(np.isfinite(y).all() for y in lines)
    # the last window is the risk table over the last 36 rows with values
    used = m.notna()
    table = bx.risk_table(r[used].iloc[-36:], m[used].iloc[-36:], periods_per_year=12)
    np.testing.assert_allclose([y[-1] for y in lines], table.beta, rtol=0, atol=1e-12)


def test_a_chart_with_nothing_to_draw_is_refused_never_drawn_empty() -> None:
    frame = _data(40)
    frame.iloc[[3, 9, 15, 21, 27], 0] = np.nan  # 35 rows with values: no 36-row window
    r, m = frame[["A", "B"]], frame["MKT"]
    with pytest.raises(BetaxlError, match=r"^rolling_betas: returns has no column with a "
                                          r"36-row window .* \(at most 35 rows\)$"):
        bp.rolling_betas(r, m, 36)
    # a column without a window is named in the legend, the other drawn
    r2 = r.assign(A=frame["A"].where(frame.index < frame.index[20]))
    fig = bp.rolling_betas(r2, frame["MKT"].fillna(0.0), 36)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts[0] == "B" and texts[1].startswith("A: not drawn (20 rows with values")
    only_gaps = frame.assign(A=np.where(frame["MKT"].isna(), 0.01, np.nan))
    with pytest.raises(BetaxlError, match=r"^growth: returns column 'A' has no row where"):
        bp.growth(only_gaps[["A"]], only_gaps["MKT"])
    from matplotlib.figure import Figure
    empty = Figure()
    empty.add_subplot().plot([1, 2], [np.nan, np.nan])
    assert not bp.drawn(empty)


@pytest.mark.parametrize("func", ["growth", "drawdowns"])
def test_bad_returns_are_refused_in_one_line_naming_the_function(func: str) -> None:
    draw = getattr(bp, func)
    dates = pd.date_range("2020-01-31", periods=5, freq="ME")
    bench = pd.Series([0.01] * 5, index=dates, name="M")
    cases = [
        ([0.1, -1.5, 0.1, 0.0, 0.0], "returns has a return below -100% at row 2"),
        ([0.1, np.inf, 0.0, 0.0, 0.0], "returns has an infinite value at row 2"),
        ([np.nan] * 5, "returns has no value in column 1"),
        ([True, False, True, True, True], "returns holds TRUE/FALSE"),
        (pd.DataFrame({"A": [True, False, True, True, True]}, index=dates),
         "returns holds TRUE/FALSE"),
        (pd.Series([0.1] * 5, index=dates[::-1], name="A"), "returns has dates newest first"),
        (pd.Series([0.1] * 5, index=dates + pd.Timedelta(days=1), name="A"),
         "benchmark has no date in common with returns"),
    ]
    for returns, says in cases:
        with pytest.raises(BetaxlError) as err:
            draw(returns, bench if isinstance(returns, (pd.Series, pd.DataFrame))
                 else [0.01] * 5)
        message = str(err.value)
        assert message.startswith(f"{func}: {says}"), message
        assert "\n" not in message
    with pytest.raises(BetaxlError, match=rf"^{func}: benchmark has a return below -100%"):
        draw([0.1] * 5, [0.1, -2.0, 0.0, 0.0, 0.0])
    # a dated benchmark over other dates too is matched by date: no refusal
    wider = pd.Series(0.01, index=pd.date_range("2019-01-31", periods=24, freq="ME"))
    assert bp.drawn(draw(pd.Series([0.02] * 5, index=dates, name="A"), wider))


def test_the_waterfall_keeps_a_span_when_every_effect_is_zero() -> None:
    for level in (1.2, -0.7, 0.0):
        lo, hi = bp.waterfall_limits([level] * 4)
        assert lo < level < hi and hi - lo >= 2e-3
    assert bp.waterfall_limits([1.2] * 3) == (1.194, 1.206)
    # one weight and the same rows: no timing, drift or sample effect
    frame = _data()
    rec = bx.beta_reconcile(frame[["A"]], frame["MKT"], [1.0])
    lo, hi = bp.effects(rec).axes[0].get_ylim()
    assert lo < rec.portfolio_beta < hi and hi - lo > 1e-3


def test_growth_starts_a_period_of_the_datas_own_frequency_before_the_first_date() -> None:
    regular = pd.date_range("2018-01-31", periods=24, freq="ME")
    late_first = regular.delete([1, 2])  # an irregular first gap: Jan, then Apr
    for index in (regular, late_first):
        path = bp.growth_path(pd.Series(0.01, index=index, name="A"))
        assert path.index[0] == pd.Timestamp("2017-12-31") and path.iloc[0, 0] == 1.0
    scattered = regular.delete([1, 2, 6, 7, 15])  # no frequency pandas infers
    assert bp.growth_path(pd.Series(0.01, index=scattered)).index[0] == \
        pd.Timestamp("2017-12-31")
    weekly = pd.DatetimeIndex(["2024-01-05", "2024-01-19", "2024-01-26", "2024-02-02",
                               "2024-02-16"])
    assert bp.growth_path(pd.Series(0.01, index=weekly)).index[0] == \
        pd.Timestamp("2023-12-29")


LONG = {"A": "Global Sustainable Equity Income Fund A1",
        "B": "Global Sustainable Equity Income Fund B2"}


def test_long_names_are_shortened_distinct_and_nothing_overlaps() -> None:
    frame = _data().rename(columns={**LONG, "MKT": "MSCI All Country World Index Net TR"})
    r, m = frame[list(LONG.values())], frame["MSCI All Country World Index Net TR"]
    rec = bx.beta_reconcile(r, m, [0.6, 0.4])
    figures = [bp.growth(r, m), bp.drawdowns(r, m), bp.rolling_betas(r, m, 36),
               bp.regression(r.iloc[:, 0], m), bp.contributions(rec)]
    for fig in figures:
        texts, legends, axes = _boxes(fig)
        width = fig.bbox.width
        for (a, box_a), (b, box_b) in combinations(texts, 2):
            assert not box_a.overlaps(box_b), (a, b)
        for box in legends:
            assert not any(box.overlaps(ax) for ax in axes)
            assert 0 <= box.x0 and box.x1 <= width  # the legend fits the figure
        for _, box in texts:
            assert box.x0 >= -1 and box.x1 <= width + 1
    shown = [t.get_text() for t in figures[0].legends[0].get_texts()]
    assert shown[:2] == ["Global Sustain…ncome Fund A1", "Global Sustain…ncome Fund B2"]
    assert len(set(shown)) == len(shown) and all(len(t) <= 28 + 12 for t in shown)


def test_cjk_and_emoji_names_give_no_warning_and_reach_the_svg_as_text() -> None:
    frame = _data().rename(columns={"A": "日本株式 😀", "MKT": "市場"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        svg = bp.to_svg(bp.growth(frame[["日本株式 😀"]], frame["市場"]))
        plain = bp.to_svg(bp.growth(_data()[["A"]], _data()["MKT"]))
    assert "日本株式 😀" in svg and "<text" in svg  # drawn by the browser's fonts
    assert "<text" not in plain  # the usual case: text as paths, as before
    assert re.search(r"<path", plain)
