"""What every chart shares: the inputs it accepts, its axes and legend, and its SVG.

- Inputs: a pandas Series or DataFrame, a numpy array or a list (of numbers, or of rows
  of numbers).  An array or list has no dates: its rows are periods 1..n (so the value
  before the first return is period 0); beside a pandas benchmark of the same length it
  takes the benchmark's index.  Anything else is refused with one line naming the
  function and the argument, by the core's own checks: booleans, text and infinite
  values (:func:`betaxl.data.values.to_float`), returns below -100%, a column with no
  value at all, dates repeated or not oldest first (:func:`betaxl.data.dates.check_rows`)
  and a dated benchmark with no date in common with the returns.  A dated benchmark is
  matched to the returns' dates: a returns date it lacks is a missing value (a gap).
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
import warnings
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..data.dates import check_rows
from ..data.values import holds_bool, no_total_loss, to_float
from ..errors import DataError, InputError, problem
from ..errors import labels as named_as

__all__ = ["LABEL_WIDTH", "REFERENCE", "as_frame", "as_series", "drawn", "legend_columns",
           "outside_legend", "per_row_rate", "short_names", "start_label", "text_label",
           "text_labels", "time_axis", "to_svg"]

#: The gid of a reference line (beta 1, zero): not data, so not what makes a chart drawn.
REFERENCE = "reference"

_ACCEPTED = "give a pandas Series or DataFrame, a numpy array or a list of numbers"


#: The longest name a chart shows whole (legends, ticks, titles); the page's tables show
#: every name whole.
LABEL_WIDTH = 28


def _shortened(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    tail = (width - 1) // 2
    return text[:width - 1 - tail] + "…" + text[-tail:]


def _literal(text: str) -> str:
    text = text.replace("$", r"\$")
    return " " + text if text.startswith("_") else text


def text_label(name: object, width: int = LABEL_WIDTH) -> str:
    r"""A user's name as matplotlib shows it literally, at most ``width`` characters: a
    longer one keeps its start and its end around an ellipsis (names of a fund family
    differ at the end: "... Class A", "... Class B"); ``$`` escaped (matplotlib reads
    text between two ``$`` as math), and a leading ``_`` kept (a legend drops labels that
    start with one) by a space before it.  Names shown together go through
    :func:`text_labels`, which keeps their labels distinct.

    >>> text_label("NZ$ and A$"), text_label("_hidden")
    ('NZ\\$ and A\\$', ' _hidden')
    >>> text_label("Global Sustainable Equity Income Fund Class A")
    'Global Sustain… Fund Class A'
    """
    return _literal(_shortened(str(name), width))


def short_names(names: Sequence[object], width: int = LABEL_WIDTH) -> list[str]:
    """The names shortened as a chart shows names shown together (see
    :func:`text_labels`), before matplotlib's escaping: what a page's key of shortened
    names lists."""
    texts = [str(n) for n in names]
    widths = {t: width for t in texts}
    while True:
        shown: dict[str, list[str]] = {}
        for t in widths:
            shown.setdefault(_shortened(t, widths[t]), []).append(t)
        clash = [t for group in shown.values() if len(group) > 1 for t in group
                 if len(t) > widths[t]]
        if not clash:
            return [_shortened(t, widths[t]) for t in texts]
        for t in clash:
            widths[t] += 1


def text_labels(names: Sequence[object], width: int = LABEL_WIDTH) -> list[str]:
    """The labels of names shown together (a legend, the ticks of an axis, a page of
    charts): each as :func:`text_label`, except that names whose shortened labels would
    be the same are shortened less - their width grows, one character at a time, until
    their labels differ (at worst they are shown whole) - so that two names never share
    a label.  Names equal as text keep one label.

    >>> a = "Global Sustainable Equity Income Fund Class A"
    >>> print("\\n".join(text_labels([a, a.replace("Equity", "Bonds "), "B"])))
    Global Sustainable E…Income Fund Class A
    Global Sustainable B…Income Fund Class A
    B
    """
    return [_literal(t) for t in short_names(names, width)]


def legend_columns(labels: list[str], most: int) -> int:
    """Legend columns that fit the figure's width (7.5 inches, 540 points): fewer as the
    labels grow longer on average.

    >>> legend_columns(["A", "B", "C"], 6), legend_columns(["x" * 28] * 5, 6)
    (3, 3)
    """
    mean = sum(len(t) for t in labels) / max(len(labels), 1)
    fit = int(520 // (mean * 4.6 + 38))  # points: 8-point text, handle and gaps
    return max(1, min(most, len(labels), fit))


def _numbers(data: Any, func: str, arg: str) -> np.ndarray:
    if holds_bool(data):  # numpy would read True as 1.0
        raise InputError(f"{func}: {arg} holds TRUE/FALSE values where returns were "
                         "expected", func=func, arg=arg)
    try:
        values = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{func}: {arg} is not numbers ({type(data).__name__}); "
                         f"{_ACCEPTED}", func=func, arg=arg) from None
    if values.ndim not in (1, 2) or values.shape[0] == 0:
        raise InputError(f"{func}: {arg} has shape {values.shape}; give one row per "
                         "period (a column per asset), at least one row", func=func,
                         arg=arg)
    return _checked(values, [], func, arg)


def _checked(values: np.ndarray, names: list[str], func: str, arg: str) -> np.ndarray:
    """``values`` as floats, refused in one line by the core's checks (see the module)."""
    with named_as(func):
        out = to_float(values, arg, names or None)
        no_total_loss(out, arg, names or None)
        empty = np.isnan(out.reshape(out.shape[0], -1)).all(axis=0)
        if empty.any():
            col = int(np.flatnonzero(empty)[0])
            where = f"column {names[col]!r}" if names else f"column {col + 1}"
            raise problem("", arg, "has no value in {where} (every row missing); drop "
                          "it, there is nothing to draw", kind=DataError, where=where)
    return out


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
    with named_as(func):
        check_rows(frame.index, arg=arg)
    values = _checked(frame.to_numpy(), [str(c) for c in frame.columns], func, arg)
    return pd.DataFrame(values, index=frame.index, columns=frame.columns)


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
        elif isinstance(like.index, pd.DatetimeIndex) \
                and isinstance(series.index, pd.DatetimeIndex) \
                and not series.index.equals(like.index):
            zones = series.index.tz, like.index.tz
            if (zones[0] is None) != (zones[1] is None):
                raise InputError(
                    f"{func}: {arg} has dates {_zone(zones[0])} and returns dates "
                    f"{_zone(zones[1])}; give both a time zone or neither (tz_localize)",
                    func=func, arg=arg)
            if not series.index.isin(like.index).any():
                raise InputError(
                    f"{func}: {arg} has no date in common with returns: its dates run "
                    f"{series.index[0]:%Y-%m-%d} to {series.index[-1]:%Y-%m-%d}, those "
                    f"of returns {like.index[0]:%Y-%m-%d} to {like.index[-1]:%Y-%m-%d}",
                    func=func, arg=arg)
            series = series.reindex(like.index)  # a date it lacks: a gap
        return like, series
    values = _numbers(data, func, arg)
    if values.ndim != 1 or len(values) != len(like):
        raise InputError(f"{func}: {arg} has shape {values.shape} but returns has "
                         f"{len(like)} rows; give one value per row", func=func, arg=arg)
    return like, pd.Series(values, index=like.index, name=arg)


def _zone(tz: Any) -> str:
    return "without a time zone" if tz is None else f"in time zone {tz}"


def per_row_rate(risk_free: Any, like: pd.DataFrame, func: str) -> np.ndarray:
    """The risk-free rate per row of ``like`` (zeros without one): a number (per
    period) for every row, or a Series, array or list of one per row (as
    :func:`as_series`; a dated one matched by date).  Text, TRUE/FALSE and anything
    else are refused in one line naming ``func`` and ``risk_free``.

    >>> per_row_rate(0.001, pd.DataFrame({"A": [0.1, 0.2]}), "growth").tolist()
    [0.001, 0.001]
    """
    if risk_free is None:
        return np.zeros(len(like))
    if isinstance(risk_free, (str, bytes)):
        raise InputError(f"{func}: risk_free is text ({risk_free!r}); give a number (a "
                         "rate per period: 0.001 for 0.1%) or one per row", func=func,
                         arg="risk_free")
    if np.ndim(risk_free) == 0 and not isinstance(risk_free, (pd.Series, pd.DataFrame)):
        if holds_bool(risk_free):
            raise InputError(f"{func}: risk_free is {risk_free!r}, not a number; give a "
                             "rate per period (0.001 for 0.1%)", func=func, arg="risk_free")
        try:
            value = float(risk_free)
        except (TypeError, ValueError):
            raise InputError(f"{func}: risk_free is a {type(risk_free).__name__}, not a "
                             "number; give a rate per period (0.001 for 0.1%) or one per "
                             "row", func=func, arg="risk_free") from None
        return np.full(len(like), as_frame([value], func, "risk_free").iloc[0, 0])
    return as_series(risk_free, like, func, "risk_free")[1].to_numpy()


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
    """The label of the row before the first, where growth is 1: one period before the
    first date, the period being the data's own frequency - the one pandas infers from
    the dates, or from the dates after the first (an irregular first gap), else the
    most common gap in the data's own calendar: whole months when every date is a month
    end (or the last business day of its month), business days when every date is a
    weekday (holidays leave pandas no frequency: the start is then never a weekend),
    else a time - and ``first - 1`` for numbered rows.  Never the first gap alone: an
    irregular first gap does not move the start.

    >>> start_label(pd.date_range("2024-01-31", periods=3, freq="ME"))
    Timestamp('2023-12-31 00:00:00')
    >>> start_label(pd.DatetimeIndex(["2024-01-31", "2024-04-30", "2024-05-31",
    ...                               "2024-06-30"]))
    Timestamp('2023-12-31 00:00:00')
    >>> days = pd.bdate_range("2024-01-08", periods=10).delete(5)  # a holiday Monday
    >>> start_label(days)  # the Friday before the first date, a Monday
    Timestamp('2024-01-05 00:00:00')
    >>> start_label(pd.RangeIndex(1, 4))
    0
    """
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq
        if freq is None and len(index) >= 3:
            freq = _inferred(index)
        if freq is None and len(index) >= 4:
            freq = _inferred(index[1:])
        if freq is not None:
            return index[0] - freq
        return index[0] - _own_step(index)
    if pd.api.types.is_integer_dtype(index) and len(index):
        return int(index[0]) - 1
    return "start"


def _own_step(index: pd.DatetimeIndex) -> Any:
    """The most common step of dates pandas gives no frequency (a gap, a holiday), in
    the data's own calendar: whole months for month ends (or last business days of the
    month), business days for dates that are all weekdays at midnight, else a time."""
    if len(index) < 2:
        return pd.Timedelta(days=1)
    months = pd.Series(np.diff(index.year * 12 + index.month))
    if index.is_month_end.all():
        return pd.offsets.MonthEnd(int(months.mode().min()))
    if ((index + pd.offsets.BMonthEnd(0)) == index).all() and (months > 0).all():
        return pd.offsets.BMonthEnd(int(months.mode().min()))
    if (index.normalize() == index).all() and (index.day_of_week < 5).all():
        days = index.to_numpy().astype("datetime64[D]")
        steps = pd.Series(np.busday_count(days[:-1], days[1:]))
        return pd.offsets.BDay(int(steps.mode().min()))
    return pd.Series(index).diff().dropna().mode().min()


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
                   ncols=legend_columns(labels, columns), frameon=False)


def drawn(fig: Figure) -> bool:
    """Whether the figure shows data: a line with a finite point, a bar of finite
    height or a scatter point (reference lines, gid :data:`REFERENCE`, not counted).

    >>> fig = Figure(); ax = fig.add_subplot()
    >>> _ = ax.axhline(1.0, gid=REFERENCE); _ = ax.plot([1, 2], [float("nan")] * 2)
    >>> drawn(fig), drawn(Figure())
    (False, False)
    >>> _ = ax.plot([1, 2], [0.5, float("nan")]); drawn(fig)
    True
    """
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_gid() != REFERENCE and np.isfinite(
                    np.asarray(line.get_ydata(), dtype=float)).any():
                return True
        for patch in ax.patches:
            if np.isfinite(getattr(patch, "get_height", lambda: np.nan)()):
                return True
        for coll in ax.collections:
            if np.isfinite(np.asarray(coll.get_offsets(), dtype=float)).all(axis=-1).any():
                return True
    return False


_ID = re.compile(r'\bid="([^"]+)"')


_MISSING_GLYPH = r"Glyph \d+ .* missing from font"


def _svg(fig: Figure, fonttype: str) -> str | None:
    """The figure's SVG with its text as paths (``"path"``: None if a glyph is missing
    from the font, which would be drawn as a box) or as text (``"none"``)."""
    buf = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, \
            mpl.rc_context({"svg.hashsalt": "betaxl", "svg.fonttype": fonttype}):
        warnings.filterwarnings("always", message=_MISSING_GLYPH, category=UserWarning)
        fig.savefig(buf, format="svg", metadata={"Date": None})
    missing = [w for w in caught if re.match(_MISSING_GLYPH, str(w.message))]
    for w in caught:  # any other warning is the caller's to see
        if w not in missing:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return None if missing and fonttype == "path" else buf.getvalue()


def to_svg(fig: Figure, prefix: str = "chart") -> str:
    """The figure as an ``<svg>`` element to put inline in HTML: text drawn as paths (no
    font to fetch), no date stamp, nothing outside the element; every id prefixed with
    ``prefix`` (give each chart on a page its own) and the same bytes on every run.

    A figure with a character its font (DejaVu Sans) lacks - CJK, emoji - would show a
    box for it and warn on stderr: it is written with its text as SVG ``<text>`` instead
    (``svg.fonttype`` ``"none"``), which the browser draws with the reader's own fonts
    (nothing fetched), and matplotlib's missing-glyph warning is not shown."""
    text = _svg(fig, "path")
    if text is None:  # a character the font lacks (CJK, emoji): the browser draws it
        text = _svg(fig, "none")
    assert text is not None
    text = text[text.index("<svg"):]
    ids = set(_ID.findall(text))
    if not ids:
        return text

    def rename(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{prefix}-{name}" if name in ids else match.group(0)

    return re.sub(r'(\bid="|#)([A-Za-z_][\w.:-]*)', rename, text)
