"""Time charts (growth, drawdowns, rolling beta) and the regression scatter.

Conventions: returns are simple and per period; growth is ``W_t = prod(1 + r_1..r_t)``
over the rows a column has (a missing row is a gap, never a zero return); the drawdown
is ``W_t / max(1, W_1..W_t) - 1`` (so its lowest value is minus the risk table's
``max_drawdown``); rolling betas are :func:`betaxl.rolling_beta` (asset on market, with
an intercept) over :data:`ROLLING_WINDOWS` rows; the scatter's line is
:func:`betaxl.ols_beta` of the excess returns on the benchmark's (raw returns without a
risk-free rate), the regression of the risk table's ``alpha`` and ``beta``.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import ols_beta, rolling_beta

__all__ = ["ROLLING_WINDOWS", "drawdown_path", "drawdowns", "growth", "growth_path",
           "regression", "rolling_betas", "rolling_window", "to_svg"]

#: Rolling-beta window (rows) by periods per year: 36 months, 52 weeks, 252 days.
ROLLING_WINDOWS = {12: 36, 52: 52, 252: 252}
SIZE = (7.5, 3.4)  # inches


def rolling_window(periods_per_year: float) -> int | None:
    """The rolling-beta window for a frequency, None for one without a convention.

    >>> rolling_window(12), rolling_window(252), rolling_window(4)
    (36, 252, None)
    """
    return ROLLING_WINDOWS.get(int(periods_per_year)) if float(periods_per_year).is_integer() \
        else None


def text_label(name: object) -> str:
    r"""A user's name as matplotlib shows it literally: ``$`` escaped (matplotlib reads
    text between two ``$`` as math), and a leading ``_`` kept (a legend drops labels that
    start with one) by a space before it.

    >>> text_label("NZ$ and A$"), text_label("_hidden")
    ('NZ\\$ and A\\$', ' _hidden')
    """
    text = str(name).replace("$", r"\$")
    return " " + text if text.startswith("_") else text


def _frame(data: pd.DataFrame | pd.Series) -> pd.DataFrame:
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    return frame.astype(float)


def growth_path(returns: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """``prod(1 + r)`` to each row, per column; missing rows stay missing.

    >>> growth_path(pd.Series([0.1, -0.5, 1.0], name="A"))["A"].round(12).tolist()
    [1.1, 0.55, 1.1]
    """
    return (1.0 + _frame(returns)).cumprod()


def drawdown_path(returns: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """``W_t / max(1, W_1..W_t) - 1``: the fall from the highest value so far (<= 0).

    >>> drawdown_path(pd.Series([0.1, -0.5, 1.0], name="A"))["A"].round(12).tolist()
    [0.0, -0.5, 0.0]
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


def _lines(ax: Axes, frame: pd.DataFrame, benchmark: pd.Series | None = None) -> None:
    for col in frame.columns:
        ax.plot(frame.index, frame[col].to_numpy(), linewidth=1.2, label=text_label(col))
    if benchmark is not None:
        ax.plot(benchmark.index, benchmark.to_numpy(), color="black", linewidth=1.6,
                linestyle="--", label=f"{text_label(benchmark.name)} (benchmark)")
    ax.legend(fontsize=8, ncols=min(4, frame.shape[1] + 1), loc="best")


def growth(returns: pd.DataFrame | pd.Series, benchmark: pd.Series) -> Figure:
    """Growth of 1 invested in each column and in the benchmark (:func:`growth_path`)."""
    fig, ax = _time_figure("Growth of 1 against the benchmark", "value of 1 invested")
    _lines(ax, growth_path(returns), growth_path(benchmark).iloc[:, 0])
    return fig


def drawdowns(returns: pd.DataFrame | pd.Series, benchmark: pd.Series) -> Figure:
    """Each column's and the benchmark's drawdown (:func:`drawdown_path`), in percent."""
    fig, ax = _time_figure("Drawdown from the highest value so far", "drawdown (%)")
    _lines(ax, 100 * drawdown_path(returns), 100 * drawdown_path(benchmark).iloc[:, 0])
    return fig


def rolling_betas(returns: pd.DataFrame | pd.Series, benchmark: pd.Series,
                  window: int) -> Figure:
    """Betas on the benchmark over a moving window of ``window`` rows."""
    betas = rolling_beta(_frame(returns), benchmark, window)
    fig, ax = _time_figure(f"Rolling beta, {window}-row window", "beta")
    ax.axhline(1.0, color="#888888", linewidth=0.8)
    _lines(ax, betas.iloc[window - 1:])
    return fig


def regression(returns: pd.Series, benchmark: pd.Series,
               risk_free: pd.Series | float | None = None) -> Figure:
    """Return against the benchmark's, per period, with the OLS line; the legend gives
    beta, alpha (per period) and R².  With a risk-free rate both are excess returns."""
    fit = ols_beta(returns, benchmark, risk_free=risk_free)
    name = str(returns.name)
    beta, alpha = float(fit.beta.iloc[0]), float(fit.alpha.iloc[0])
    r2 = float(fit.r_squared.iloc[0])
    rf = 0.0 if risk_free is None else risk_free
    y = (returns - rf).to_numpy(dtype=float)
    x = (benchmark - rf).to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    excess = "excess " if risk_free is not None else ""
    fig = Figure(figsize=(4.6, 3.8), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"{text_label(name)} against {text_label(benchmark.name)}", fontsize=11,
                 loc="left")
    ax.scatter(100 * x[ok], 100 * y[ok], s=10, alpha=0.6, label=f"{ok.sum()} periods")
    line = np.array([x[ok].min(), x[ok].max()])
    ax.plot(100 * line, 100 * (alpha + beta * line), color="crimson", linewidth=1.5,
            label=f"beta {beta:.4f}, alpha {alpha:.4%} a period, R² {r2:.4f}")
    ax.set_xlabel(f"{text_label(benchmark.name)} {excess}return (%)")
    ax.set_ylabel(f"{text_label(name)} {excess}return (%)")
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def to_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element to put inline in HTML: text drawn as paths (no
    font to fetch), no date stamp, nothing outside the element."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]
