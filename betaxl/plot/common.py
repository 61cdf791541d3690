"""What every chart shares: the inputs it accepts, its axes and legend, and its SVG.

- Inputs: a pandas Series or DataFrame, a numpy array or a list (of numbers, or of rows
  of numbers).  An array or list has no dates: its rows are periods 1..n (so the value
  before the first return is period 0); beside a pandas benchmark of the same length it
  takes the benchmark's index.  Anything else is refused with one line naming the
  function and the argument.
- Legends sit outside the axes (below them), so they never cover data; date axes use
  matplotlib's :class:`~matplotlib.dates.AutoDateLocator` and
  :class:`~matplotlib.dates.ConciseDateFormatter`, whose labels do not overlap on short
  or long data.
- :func:`to_svg`: the SVG with every ``id`` (and every reference to one) prefixed, so
  that several charts on one page never share an id, and with matplotlib's
  ``svg.hashsalt`` fixed, so that the same figure gives the same bytes on every run.
"""

from __future__ import annotations

import io
import re
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..errors import InputError

__all__ = ["as_frame", "as_series", "outside_legend", "start_label", "text_label",
           "time_axis", "to_svg"]

_ACCEPTED = "give a pandas Series or DataFrame, a numpy array or a list of numbers"


def text_label(name: object) -> str:
    r"""A user's name as matplotlib shows it literally: ``$`` escaped (matplotlib reads
    text between two ``$`` as math), and a leading ``_`` kept (a legend drops labels that
    start with one) by a space before it.

    >>> text_label("NZ$ and A$"), text_label("_hidden")
    ('NZ\\$ and A\\$', ' _hidden')
    """
    text = str(name).replace("$", r"\$")
    return " " + text if text.startswith("_") else text


def _numbers(data: Any, func: str, arg: str) -> np.ndarray:
    try:
        values = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{func}: {arg} is not numbers ({type(data).__name__}); "
                         f"{_ACCEPTED}", func=func, arg=arg) from None
    if values.ndim not in (1, 2) or values.shape[0] == 0:
        raise InputError(f"{func}: {arg} has shape {values.shape}; give one row per "
                         "period (a column per asset), at least one row", func=func,
                         arg=arg)
    return values


def as_frame(data: Any, func: str, arg: str = "returns") -> pd.DataFrame:
    """``data`` as a float DataFrame (a Series is its one column; an array's rows are
    periods 1..n, its columns ``arg`` or ``arg 1``, ``arg 2``...).

    >>> as_frame([0.1, 0.2], "growth").to_dict()
    {'returns': {1: 0.1, 2: 0.2}}
    >>> as_frame([[0.1, 0.2]], "growth").columns.tolist()
    ['returns 1', 'returns 2']
    """
    if isinstance(data, pd.Series):
        frame = data.to_frame(arg if data.name is None else data.name)
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        values = _numbers(data, func, arg)
        values = values[:, None] if values.ndim == 1 else values
        cols = [arg] if values.shape[1] == 1 else [f"{arg} {j + 1}"
                                                   for j in range(values.shape[1])]
        return pd.DataFrame(values, columns=cols,
                            index=pd.RangeIndex(1, len(values) + 1, name="period"))
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise InputError(f"{func}: {arg} is empty ({frame.shape[0]} rows, "
                         f"{frame.shape[1]} columns)", func=func, arg=arg)
    try:
        return frame.astype(float)
    except (TypeError, ValueError):
        raise InputError(f"{func}: {arg} holds values that are not numbers; "
                         f"{_ACCEPTED}", func=func, arg=arg) from None


def as_series(data: Any, like: pd.DataFrame, func: str, arg: str = "benchmark"
              ) -> tuple[pd.DataFrame, pd.Series]:
    """``(like, data as a float Series)``: an array of ``len(like)`` values takes
    ``like``'s index; a pandas ``data`` lends its index to an array-made ``like``."""
    if isinstance(data, pd.DataFrame):
        if data.shape[1] != 1:
            raise InputError(f"{func}: {arg} has {data.shape[1]} columns; give one",
                             func=func, arg=arg)
        data = data.iloc[:, 0]
    if isinstance(data, pd.Series):
        series = as_frame(data, func, arg).iloc[:, 0]
        if like.index.name == "period" and isinstance(like.index, pd.RangeIndex) \
                and len(series) == len(like) and not series.index.equals(like.index):
            like = like.set_axis(series.index)  # like came from an array
        return like, series
    values = _numbers(data, func, arg)
    if values.ndim != 1 or len(values) != len(like):
        raise InputError(f"{func}: {arg} has shape {values.shape} but returns has "
                         f"{len(like)} rows; give one value per row", func=func, arg=arg)
    return like, pd.Series(values, index=like.index, name=arg)


def _inferred(index: pd.DatetimeIndex) -> Any:
    """pandas' inferred frequency as an offset (None if none): pandas 3 returns one
    when asked to, older versions a string."""
    try:
        with pd.option_context("future.infer_freq_returns_offset", True):
            found = pd.infer_freq(index)
    except (KeyError, AttributeError):  # an older pandas: no such option, a string
        found = pd.infer_freq(index)
    except (TypeError, ValueError):
        return None
    return None if found is None else pd.tseries.frequencies.to_offset(found)


def start_label(index: pd.Index) -> Any:
    """The label of the row before the first: a period before the first date (the
    frequency pandas infers, else the first gap), ``first - 1`` for numbered rows.

    >>> start_label(pd.date_range("2024-01-31", periods=3, freq="ME"))
    Timestamp('2023-12-31 00:00:00')
    >>> start_label(pd.RangeIndex(1, 4))
    0
    """
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq
        if freq is None and len(index) >= 3:
            freq = _inferred(index)
        if freq is not None:
            return index[0] - freq
        return index[0] - (index[1] - index[0] if len(index) > 1 else pd.Timedelta(days=1))
    if pd.api.types.is_integer_dtype(index) and len(index):
        return int(index[0]) - 1
    return "start"


def time_axis(ax: Axes, index: pd.Index) -> None:
    """Dates by AutoDateLocator / ConciseDateFormatter, periods by whole numbers."""
    if isinstance(index, pd.DatetimeIndex):
        locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    else:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))


def outside_legend(fig: Figure, ax: Axes, columns: int = 4) -> None:
    """The axes' legend below them, outside the data (constrained layout makes room)."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", fontsize=8,
                   ncols=max(1, min(columns, len(handles))), frameon=False)


_ID = re.compile(r'\bid="([^"]+)"')


def to_svg(fig: Figure, prefix: str = "chart") -> str:
    """The figure as an ``<svg>`` element to put inline in HTML: text drawn as paths (no
    font to fetch), no date stamp, nothing outside the element; every id prefixed with
    ``prefix`` (give each chart on a page its own) and the same bytes on every run."""
    buf = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": "betaxl", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    ids = set(_ID.findall(text))
    if not ids:
        return text

    def rename(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{prefix}-{name}" if name in ids else match.group(0)

    return re.sub(r'(\bid="|#)([A-Za-z_][\w.:-]*)', rename, text)
