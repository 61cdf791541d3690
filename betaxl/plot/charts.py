"""Time charts (growth, drawdowns, rolling beta) and the regression scatter.

Conventions: returns are simple and per period.  Every time chart uses the rows the
risk table uses (:func:`table_rows`, one rule: :func:`betaxl.risk.rows_used`): a returns
column where it, the benchmark and the risk-free rate all have values, the benchmark
where it and the risk-free rate have values; any other row is a gap (never a zero
return).  Growth is ``W_0 = 1`` (the value before the first return, drawn a period
before the first date: :func:`~betaxl.plot.common.start_label`) then ``W_t = prod(1 +
r_1..r_t)`` over those rows, so its last value is ``(1 + annual_return)^(n_obs / t)``
of the risk table; the drawdown is ``W_t / max(1, W_1..W_t) - 1``, so its lowest value
is minus the risk table's ``max_drawdown`` (with the same ``risk_free``); rolling betas
are :func:`betaxl.rolling_beta` (asset on market, with an intercept) over windows of
:data:`ROLLING_WINDOWS` rows with values (a row missing in the asset, the benchmark or
the risk-free rate is skipped, not a blank window), on excess returns when a risk-free
rate is given, so the last window's beta is the risk table's ``beta`` over its rows;
the scatter's line is :func:`betaxl.ols_beta` of the excess returns on the benchmark's
(raw returns without a risk-free rate), the regression of the risk table's ``alpha``
and ``beta``.  Every function takes pandas objects, numpy arrays or lists
(:mod:`betaxl.plot.common`); a chart with nothing to draw is refused in one line, never
drawn empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import ols_beta, rolling_beta
from ..errors import DataError, InputError, labels
from ..risk import rows_used
from .common import (
    REFERENCE,
    as_frame,
    as_series,
    outside_legend,
    per_row_rate,
    start_label,
    text_labels,
    time_axis,
)
from .common import drawn as drawn
from .common import to_svg as to_svg

__all__ = ["ROLLING_WINDOWS", "WINDOW_UNITS", "drawdown_path", "drawdowns", "drawn", "growth",
           "growth_path", "regression", "rolling_betas", "rolling_window", "table_rows",
           "to_svg", "window_name"]

#: Rolling-beta window (rows) by periods per year: 36 months, 52 weeks, 252 days.
ROLLING_WINDOWS = {12: 36, 52: 52, 252: 252}
#: What one row is, by periods per year (for "a 36-month window").
WINDOW_UNITS = {12: "month", 52: "week", 252: "day"}
SIZE = (7.5, 3.6)  # inches


def rolling_window(periods_per_year: float) -> int | None:
    """The rolling-beta window for a frequency, None for one without a convention.

    >>> rolling_window(12), rolling_window(252), rolling_window(4)
    (36, 252, None)
    """
    return ROLLING_WINDOWS.get(int(periods_per_year)) if float(periods_per_year).is_integer() \
        else None


def window_name(window: int, periods_per_year: float | None) -> str:
    """``"36-month window"`` (the row's unit from the frequency), ``"36-row window"``.

    >>> window_name(36, 12), window_name(10, None)
    ('36-month window', '10-row window')
    """
    unit = WINDOW_UNITS.get(int(periods_per_year), "row") \
        if periods_per_year is not None and float(periods_per_year).is_integer() else "row"
    return f"{window}-{unit} window"


def growth_path(returns: Any) -> pd.DataFrame:
    """1 before the first row (at :func:`~betaxl.plot.common.start_label`), then
    ``prod(1 + r)`` to each row, per column; missing rows stay missing.

    >>> growth_path(pd.Series([0.1, -0.5, 1.0], name="A"))["A"].round(12).tolist()
    [1.0, 1.1, 0.55, 1.1]
    """
    return _growth(as_frame(returns, "growth_path"))


def _growth(frame: pd.DataFrame) -> pd.DataFrame:
    start = pd.DataFrame(1.0, index=[start_label(frame.index)], columns=frame.columns)
    return pd.concat([start, (1.0 + frame).cumprod()])


def _drawdown(frame: pd.DataFrame) -> pd.DataFrame:
    wealth = _growth(frame)
    return wealth / wealth.cummax().clip(lower=1.0) - 1.0


def drawdown_path(returns: Any) -> pd.DataFrame:
    """``W_t / max(1, W_1..W_t) - 1``: the fall from the highest value so far (<= 0),
    0 at the start.

    >>> drawdown_path(pd.Series([0.1, -0.5, 1.0], name="A"))["A"].round(12).tolist()
    [0.0, 0.0, -0.5, 0.0]
    """
    return _drawdown(as_frame(returns, "drawdown_path"))


def _rows(returns: Any, benchmark: Any, risk_free: Any, func: str
          ) -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    """:func:`table_rows` and the risk-free rate per row (zeros without one)."""
    frame, bench = _inputs(returns, benchmark, func)
    f = per_row_rate(risk_free, frame, func)
    used = rows_used(frame.to_numpy(), bench.to_numpy(), f)
    none = ~used.any(axis=0)
    if none.any():
        raise DataError(f"{func}: returns column {str(frame.columns[none][0])!r} has "
                        "no row where it, the benchmark and the risk-free rate all have "
                        "values", func=func, arg="returns")
    return frame.where(used), bench.where(~np.isnan(f)), f


def table_rows(returns: Any, benchmark: Any, risk_free: Any = None
               ) -> tuple[pd.DataFrame, pd.Series]:
    """The returns and the benchmark over the rows the risk table uses, others missing:
    a column where it, the benchmark and ``risk_free`` all have values
    (:func:`betaxl.risk.rows_used`), the benchmark where it and ``risk_free`` do.

    >>> r, b = table_rows([[0.1], [0.2], [0.3]], [0.01, float("nan"), 0.03])
    >>> r["returns"].tolist(), b.tolist()
    ([0.1, nan, 0.3], [0.01, nan, 0.03])
    """
    frame, bench, _ = _rows(returns, benchmark, risk_free, "table_rows")
    return frame, bench


def _time_figure(title: str, ylabel: str) -> tuple[Figure, Axes]:
    fig = Figure(figsize=SIZE, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(ylabel)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    return fig, ax


def _others(among: Sequence[Any], shown: Sequence[Any]) -> list[str]:
    own = {str(n) for n in shown}
    return [str(n) for n in among if str(n) not in own]


def _lines(fig: Figure, ax: Axes, frame: pd.DataFrame, benchmark: pd.Series,
           among: Sequence[Any]) -> None:
    names = [*frame.columns, benchmark.name]
    labels = text_labels(names + _others(among, names))[:len(names)]
    for col, label in zip(frame.columns, labels, strict=False):
        ax.plot(frame.index, frame[col].to_numpy(), linewidth=1.2, label=label)
    ax.plot(benchmark.index, benchmark.to_numpy(), color="black", linewidth=1.6,
            linestyle="--", label=f"{labels[len(frame.columns)]} (benchmark)")
    time_axis(ax, frame.index)
    outside_legend(fig, ax, columns=6)


def _inputs(returns: Any, benchmark: Any, func: str) -> tuple[pd.DataFrame, pd.Series]:
    return as_series(benchmark, as_frame(returns, func), func)


def growth(returns: Any, benchmark: Any, risk_free: Any = None, *,
           among: Sequence[Any] = ()) -> Figure:
    """Growth of 1 invested in each column and in the benchmark (:func:`growth_path`),
    over the rows the risk table uses with this ``risk_free`` (:func:`table_rows`).
    ``among``: names shown beside this chart (a page's other columns) whose labels the
    legend's must differ from (:func:`~betaxl.plot.common.text_labels`)."""
    frame, bench, _ = _rows(returns, benchmark, risk_free, "growth")
    fig, ax = _time_figure("Growth of 1 against the benchmark", "value of 1 invested")
    _lines(fig, ax, _growth(frame), _growth(bench.to_frame()).iloc[:, 0], among)
    return fig


def drawdowns(returns: Any, benchmark: Any, risk_free: Any = None, *,
              among: Sequence[Any] = ()) -> Figure:
    """Each column's and the benchmark's drawdown (:func:`drawdown_path`), in percent,
    over the rows the risk table uses with this ``risk_free`` (:func:`table_rows`);
    ``among`` as in :func:`growth`."""
    frame, bench, _ = _rows(returns, benchmark, risk_free, "drawdowns")
    fig, ax = _time_figure("Drawdown from the highest value so far", "drawdown (%)")
    _lines(fig, ax, 100 * _drawdown(frame), 100 * _drawdown(bench.to_frame()).iloc[:, 0],
           among)
    return fig


def _check_window(window: Any, periods_per_year: Any) -> None:
    """A whole number of rows, at least 3; a positive number of periods a year or None."""
    if isinstance(window, (bool, np.bool_)) or not isinstance(window, (int, np.integer)) \
            or window < 3:
        raise InputError(f"rolling_betas: window must be a whole number of rows, at least "
                         f"3 (36 for three years of months), got {window!r}",
                         func="rolling_betas", arg="window")
    if periods_per_year is None:
        return
    ok = isinstance(periods_per_year, (int, float, np.integer, np.floating)) \
        and not isinstance(periods_per_year, (bool, np.bool_))
    if not ok or not np.isfinite(periods_per_year) or periods_per_year <= 0:
        raise InputError(f"rolling_betas: periods_per_year must be a positive number (12 "
                         f"for months) or None, got {periods_per_year!r}",
                         func="rolling_betas", arg="periods_per_year")


def rolling_betas(returns: Any, benchmark: Any, window: int, *,
                  periods_per_year: float | None = None, risk_free: Any = None,
                  among: Sequence[Any] = ()) -> Figure:
    """Betas on the benchmark over a moving window of ``window`` rows with values (the
    risk table's rows: :func:`table_rows`); with ``risk_free`` (per period) of the
    excess returns, as the risk table's ``beta``.  ``periods_per_year`` names the
    window (``36-month``).  A column with fewer rows than the window is named in the
    legend, not drawn; with none to draw, refused.  ``among`` as in :func:`growth`."""
    _check_window(window, periods_per_year)
    frame, bench, f = _rows(returns, benchmark, risk_free, "rolling_betas")
    y, x = frame.sub(f, axis=0), bench - f
    lines: dict[Any, pd.Series] = {}
    short: dict[Any, int] = {}
    for col in y.columns:
        used = (y[col].notna() & x.notna()).to_numpy()
        if used.sum() < max(window, 3):
            short[col] = int(used.sum())
            continue
        with labels("rolling_betas", {"market": "benchmark"}):
            betas = rolling_beta(y[col][used], x[used], window).iloc[window - 1:, 0]
        betas = betas.dropna()
        if len(betas):
            lines[col] = betas
        else:
            short[col] = int(used.sum())
    if not lines:
        raise DataError(f"rolling_betas: returns has no column with a {window}-row window "
                        "where it, the benchmark and the risk-free rate all have values and "
                        f"the benchmark moves (at most {max(short.values())} rows)",
                        func="rolling_betas", arg="returns")
    on = "excess returns" if risk_free is not None else "raw returns (no risk-free rate)"
    fig, ax = _time_figure(f"Rolling beta, {window_name(window, periods_per_year)}, on {on}",
                           "beta")
    ax.axhline(1.0, color="#888888", linewidth=0.8, gid=REFERENCE)
    names = list(y.columns)
    label = dict(zip(names, text_labels(names + _others(among, names)), strict=False))
    for col, betas in lines.items():
        ax.plot(betas.index, betas.to_numpy(), linewidth=1.2, label=label[col])
    for col, n in short.items():
        ax.plot([], [], linewidth=0, label=f"{label[col]}: not drawn ({n} rows with "
                f"values, fewer than the window or a flat benchmark)")
    time_axis(ax, frame.index)
    outside_legend(fig, ax, columns=6)
    return fig


def regression(returns: Any, benchmark: Any, risk_free: Any = None, *,
               among: Sequence[Any] = ()) -> Figure:
    """Return against the benchmark's, per period, with the OLS line; the legend gives
    beta, alpha (per period) and R².  With a risk-free rate both are excess returns.
    ``among``: the names of the charts shown beside this one (a report's other columns),
    whose labels this chart's must differ from (:func:`~betaxl.plot.common.text_labels`).
    """
    frame, bench = _inputs(returns, benchmark, "regression")
    if frame.shape[1] != 1:
        raise InputError(
            f"regression: returns has {frame.shape[1]} columns; give one asset",
            func="regression", arg="returns")
    series = frame.iloc[:, 0]
    f = per_row_rate(risk_free, frame, "regression")
    with labels("regression", {"market": "benchmark"}):  # its refusals name this chart
        fit = ols_beta(series, bench, risk_free=None if risk_free is None else f)
    name = str(series.name)
    beta, alpha = float(fit.beta.iloc[0]), float(fit.alpha.iloc[0])
    r2 = float(fit.r_squared.iloc[0])
    y, x = series.to_numpy(dtype=float) - f, bench.to_numpy(dtype=float) - f
    ok = np.isfinite(x) & np.isfinite(y)
    excess = "excess " if risk_free is not None else ""
    fig = Figure(figsize=(4.6, 4.0), layout="constrained")
    ax = fig.add_subplot()
    own, base = text_labels([name, bench.name, *_others(among, [name, bench.name])])[:2]
    title = f"{own} against {base}"
    ax.set_title(title if len(title) <= 40 else title.replace(" against ", "\nagainst ", 1),
                 fontsize=11, loc="left")
    ax.scatter(100 * x[ok], 100 * y[ok], s=10, alpha=0.6, label=f"{ok.sum()} periods")
    line = np.array([x[ok].min(), x[ok].max()])
    ax.plot(100 * line, 100 * (alpha + beta * line), color="crimson", linewidth=1.5,
            label=f"beta {beta:.4f}, alpha {alpha:.4%} a period, R² {r2:.4f}")
    ax.set_xlabel(f"{base} {excess}return (%)")
    ax.set_ylabel(f"{own} {excess}return (%)")
    ax.grid(True, color="#dddddd", linewidth=0.6)
    outside_legend(fig, ax, columns=1)
    return fig
