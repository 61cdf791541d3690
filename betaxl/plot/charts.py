"""Time charts (growth, drawdowns, rolling beta) and the regression scatter.

Conventions: returns are simple and per period; growth is ``W_0 = 1`` (the value before
the first return, drawn a period before the first date) then ``W_t = prod(1 + r_1..r_t)``
over the rows a column has (a missing row is a gap, never a zero return); the drawdown
is ``W_t / max(1, W_1..W_t) - 1`` (so its lowest value is minus the risk table's
``max_drawdown``); rolling betas are :func:`betaxl.rolling_beta` (asset on market, with
an intercept) over :data:`ROLLING_WINDOWS` rows, on excess returns when a risk-free
rate is given (the risk table's ``beta`` over the same rows); the scatter's line is
:func:`betaxl.ols_beta` of the excess returns on the benchmark's (raw returns without a
risk-free rate), the regression of the risk table's ``alpha`` and ``beta``.  Every
function takes pandas objects, numpy arrays or lists (:mod:`betaxl.plot.common`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import ols_beta, rolling_beta
from ..errors import InputError
from .common import as_frame, as_series, outside_legend, start_label, text_label, time_axis
from .common import to_svg as to_svg

__all__ = ["ROLLING_WINDOWS", "WINDOW_UNITS", "drawdown_path", "drawdowns", "growth",
           "growth_path", "regression", "rolling_betas", "rolling_window", "to_svg",
           "window_name"]

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
    frame = as_frame(returns, "growth_path")
    start = pd.DataFrame(1.0, index=[start_label(frame.index)], columns=frame.columns)
    return pd.concat([start, (1.0 + frame).cumprod()])


def drawdown_path(returns: Any) -> pd.DataFrame:
    """``W_t / max(1, W_1..W_t) - 1``: the fall from the highest value so far (<= 0),
    0 at the start.

    >>> drawdown_path(pd.Series([0.1, -0.5, 1.0], name="A"))["A"].round(12).tolist()
    [0.0, 0.0, -0.5, 0.0]
    """
    wealth = growth_path(returns)
    return wealth / wealth.cummax().clip(lower=1.0) - 1.0


def _time_figure(title: str, ylabel: str) -> tuple[Figure, Axes]:
    fig = Figure(figsize=SIZE, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(ylabel)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    return fig, ax


def _lines(fig: Figure, ax: Axes, frame: pd.DataFrame,
           benchmark: pd.Series | None = None) -> None:
    for col in frame.columns:
        ax.plot(frame.index, frame[col].to_numpy(), linewidth=1.2, label=text_label(col))
    if benchmark is not None:
        ax.plot(benchmark.index, benchmark.to_numpy(), color="black", linewidth=1.6,
                linestyle="--", label=f"{text_label(benchmark.name)} (benchmark)")
    time_axis(ax, frame.index)
    outside_legend(fig, ax, columns=6)


def _inputs(returns: Any, benchmark: Any, func: str) -> tuple[pd.DataFrame, pd.Series]:
    return as_series(benchmark, as_frame(returns, func), func)


def growth(returns: Any, benchmark: Any) -> Figure:
    """Growth of 1 invested in each column and in the benchmark (:func:`growth_path`)."""
    frame, bench = _inputs(returns, benchmark, "growth")
    fig, ax = _time_figure("Growth of 1 against the benchmark", "value of 1 invested")
    _lines(fig, ax, growth_path(frame), growth_path(bench).iloc[:, 0])
    return fig


def drawdowns(returns: Any, benchmark: Any) -> Figure:
    """Each column's and the benchmark's drawdown (:func:`drawdown_path`), in percent."""
    frame, bench = _inputs(returns, benchmark, "drawdowns")
    fig, ax = _time_figure("Drawdown from the highest value so far", "drawdown (%)")
    _lines(fig, ax, 100 * drawdown_path(frame), 100 * drawdown_path(bench).iloc[:, 0])
    return fig


def _excess(frame: pd.DataFrame, bench: pd.Series, risk_free: Any, func: str
            ) -> tuple[pd.DataFrame, pd.Series]:
    if risk_free is None:
        return frame, bench
    if np.ndim(risk_free) == 0:
        rf: Any = float(risk_free)
        return frame - rf, bench - rf
    frame, rf = as_series(risk_free, frame, func, "risk_free")
    return frame.sub(rf, axis=0), bench - rf


def rolling_betas(returns: Any, benchmark: Any, window: int, *,
                  periods_per_year: float | None = None, risk_free: Any = None) -> Figure:
    """Betas on the benchmark over a moving window of ``window`` rows; with
    ``risk_free`` (per period) of the excess returns, as the risk table's ``beta``.
    ``periods_per_year`` names the window (``36-month``)."""
    frame, bench = _inputs(returns, benchmark, "rolling_betas")
    y, x = _excess(frame, bench, risk_free, "rolling_betas")
    betas = rolling_beta(y, x, window)
    on = "excess returns" if risk_free is not None else "raw returns (no risk-free rate)"
    fig, ax = _time_figure(f"Rolling beta, {window_name(window, periods_per_year)}, on {on}",
                           "beta")
    ax.axhline(1.0, color="#888888", linewidth=0.8)
    _lines(fig, ax, betas.iloc[window - 1:])
    return fig


def regression(returns: Any, benchmark: Any, risk_free: Any = None) -> Figure:
    """Return against the benchmark's, per period, with the OLS line; the legend gives
    beta, alpha (per period) and R².  With a risk-free rate both are excess returns."""
    frame, bench = _inputs(returns, benchmark, "regression")
    if frame.shape[1] != 1:
        raise InputError(
            f"regression: returns has {frame.shape[1]} columns; give one asset",
            func="regression", arg="returns")
    series = frame.iloc[:, 0]
    fit = ols_beta(series, bench, risk_free=risk_free)
    name = str(series.name)
    beta, alpha = float(fit.beta.iloc[0]), float(fit.alpha.iloc[0])
    r2 = float(fit.r_squared.iloc[0])
    ys, xs = _excess(frame, bench, risk_free, "regression")
    y, x = ys.iloc[:, 0].to_numpy(dtype=float), xs.to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    excess = "excess " if risk_free is not None else ""
    fig = Figure(figsize=(4.6, 4.0), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"{text_label(name)} against {text_label(bench.name)}", fontsize=11,
                 loc="left")
    ax.scatter(100 * x[ok], 100 * y[ok], s=10, alpha=0.6, label=f"{ok.sum()} periods")
    line = np.array([x[ok].min(), x[ok].max()])
    ax.plot(100 * line, 100 * (alpha + beta * line), color="crimson", linewidth=1.5,
            label=f"beta {beta:.4f}, alpha {alpha:.4%} a period, R² {r2:.4f}")
    ax.set_xlabel(f"{text_label(bench.name)} {excess}return (%)")
    ax.set_ylabel(f"{text_label(name)} {excess}return (%)")
    ax.grid(True, color="#dddddd", linewidth=0.6)
    outside_legend(fig, ax, columns=1)
    return fig
