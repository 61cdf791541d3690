"""The reconciliation of :func:`betaxl.beta_reconcile` as pictures.

- :func:`weighted_betas`: the portfolio's regression beta beside the weighted sums of
  its assets' betas with start-, average- and end-of-sample weights;
- :func:`effects`: a waterfall from the end-weighted sum of each asset's beta over its
  own rows to the portfolio beta, through ``-sample_effect`` (the common rows),
  ``timing_effect`` and ``drift_effect``: ``weighted_beta_end + timing + drift =
  portfolio_beta`` exactly;
- :func:`contributions`: each asset's exact contribution (the beta of ``w[t-1] r[t]`` on
  the market; they add up to the portfolio beta) beside its end weight x beta.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..errors import InputError
from ..reconcile import Reconciliation
from .common import REFERENCE, outside_legend, text_labels

__all__ = ["contributions", "effects", "waterfall_limits", "weighted_betas"]


def _figure(title: str) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(7.5, 3.6), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel("beta")
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.6)
    return fig, ax


def _result(rec: Any, func: str) -> None:
    if not isinstance(rec, Reconciliation):
        raise InputError(f"{func}: rec is a {type(rec).__name__}, not a Reconciliation; "
                         "give the result of betaxl.beta_reconcile", func=func, arg="rec")


def _label(ax: Axes, x: float, top: float, bottom: float, text: str) -> None:
    """``text`` above a bar that rises, below one that falls, inside the axes."""
    up = top >= bottom
    ax.annotate(text, (x, top), xytext=(0, 2 if up else -2),
                textcoords="offset points", ha="center", va="bottom" if up else "top",
                fontsize=8)


def weighted_betas(rec: Reconciliation) -> Figure:
    """Portfolio beta against the weighted sums with start, average and end weights."""
    _result(rec, "weighted_betas")
    fig, ax = _figure("Portfolio beta against its assets' weighted betas")
    labels = ["portfolio beta", "start weights", "average weights", "end weights"]
    values = [rec.portfolio_beta, rec.weighted_beta_start, rec.weighted_beta_avg,
              rec.weighted_beta_end]
    bars = ax.bar(labels, values, color=["#1f4e79", "#9dc3e6", "#5b9bd5", "#2e75b6"])
    ax.bar_label(bars, labels=[f"{v:.4f}" for v in values], fontsize=8, padding=2)
    ax.margins(y=0.2)  # room for the labels inside the axes, below the title
    return fig


def waterfall_limits(levels: list[float]) -> tuple[float, float]:
    """The waterfall's value axis: the levels' range with room for the labels, from 0
    only when 0 is near (within the range's own width); else it starts near the lowest
    level, so that every effect is a visible step.

    >>> waterfall_limits([1.0, 1.02, 0.98])
    (0.968, 1.032)
    >>> waterfall_limits([0.1, -0.05, 0.2])
    (-0.125, 0.275)

    Levels all equal (every effect 0) have no range: the axis is then the level +- 0.5%
    of its size (at least +- 0.001), never a span of 0.

    >>> waterfall_limits([1.2, 1.2, 1.2])
    (1.194, 1.206)
    """
    lo, hi = min(levels), max(levels)
    if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1.0):  # no range: a span around the level
        half = max(abs(hi) * 5e-3, 1e-3)
        return round(lo - half, 15), round(hi + half, 15)
    span = hi - lo
    if lo > 0 and lo - span <= 0:
        lo = 0.0
    elif hi < 0 and hi + span >= 0:
        hi = 0.0
    span = hi - lo
    return round(lo - 0.3 * span, 15), round(hi + 0.3 * span, 15)


def effects(rec: Reconciliation) -> Figure:
    """The waterfall own-sample end-weighted sum -> portfolio beta (see the module).

    The value axis starts near the lowest level (the totals' bars run off its foot;
    its label says so), a dotted line joins each level to the next, and every bar is
    labelled with its value, so that an effect too small to see as a bar still reads.
    """
    _result(rec, "effects")
    fig, ax = _figure("From the weighted betas to the portfolio beta")
    own = rec.weighted_beta_end + rec.sample_effect
    steps = [("end weights,\nown rows", own, True),
             ("sample\n(common rows)", -rec.sample_effect, False),
             ("end weights", rec.weighted_beta_end, True),
             ("timing", rec.timing_effect, False),
             ("drift", rec.drift_effect, False),
             ("portfolio beta", rec.portfolio_beta, True)]
    level, levels = 0.0, []
    for i, (_, value, total) in enumerate(steps):
        bottom = 0.0 if total else level
        color = "#1f4e79" if total else ("#70ad47" if value >= 0 else "#c00000")
        value += 0.0  # -0.0 (a zero sample effect negated) is labelled +0.0000
        ax.bar(i, value, bottom=bottom, color=color, width=0.6)
        end = value if total else level + value
        _label(ax, i, bottom + value, bottom,
               f"{value:+.4f}" if not total else f"{value:.4f}")
        if i:
            ax.plot([i - 1.3, i - 0.3], [level, level], color="#555555", linewidth=0.8,
                    linestyle=":")
        levels += [end] if total else [level, end]
        level = end
    lo, hi = waterfall_limits(levels)
    ax.set_ylim(lo, hi)
    if lo > 0 or hi < 0:
        ax.set_ylabel("beta (axis not from 0)")
    ax.set_xticks(np.arange(len(steps)), [s[0] for s in steps], fontsize=8)
    return fig


def contributions(rec: Reconciliation, *, among: Sequence[Any] = ()) -> Figure:
    """Each asset's contribution to the portfolio beta beside its end weight x beta.
    ``among``: names shown beside this chart (a page's benchmark) whose labels the
    ticks' must differ from (:func:`~betaxl.plot.common.text_labels`)."""
    _result(rec, "contributions")
    fig, ax = _figure("Contributions to the portfolio beta, per asset")
    assets = [str(n) for n in rec.assets.index]
    names = text_labels(assets + [str(n) for n in among if str(n) not in assets])
    names = names[:len(assets)]
    x = np.arange(len(names))
    ax.bar(x - 0.2, rec.assets["contribution"].to_numpy(), width=0.4,
           label="contribution (beta of w[t-1] r[t])", color="#1f4e79")
    ax.bar(x + 0.2, rec.assets["weighted_beta_end"].to_numpy(), width=0.4,
           label="end weight x beta", color="#9dc3e6")
    long = sum(len(n) for n in names) * 5 > 400  # 8-point labels wider than the axes
    ax.set_xticks(x, names, fontsize=8, rotation=30 if long else 0,
                  ha="right" if long else "center", rotation_mode="anchor")
    ax.axhline(0.0, color="#888888", linewidth=0.8, gid=REFERENCE)
    outside_legend(fig, ax)
    return fig
