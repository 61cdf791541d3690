"""Matching by label: other arguments put in the rows and columns of the returns.

- a labelled column (market, benchmark, risk-free rate) is matched to labelled returns
  by date; it may have more dates than the returns, never fewer (:func:`as_column`);
- weights labelled by asset are matched by name (:func:`as_weights`); prices and
  distributions by date and name (:func:`align_table`);
- anything unlabelled is matched by position, and lengths must agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Arg, count, problem
from .dates import labelled, months_of, row_dates, show_label, text_dates
from .panel import Panel, as_panel
from .table import by_month, code_dates
from .values import ArrayLike, to_float

__all__ = ["align_table", "as_column", "as_weights", "by_label", "first_bad_code",
           "row_positions"]


def _default(index: pd.Index) -> bool:
    """pandas' default row index 0, 1, 2, ...: positions, not labels."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def by_label(given: pd.Index | None, target: pd.Index | None, *, arg: str,
             like: str = "returns", extra_row: bool = False) -> bool:
    """Whether ``arg``'s rows are matched to ``like``'s by label (else by position).

    By label when both carry labels (any index but a RangeIndex); by position when at
    most one does.  Two integer indexes, a RangeIndex among them, are both: they are
    accepted only when matching by label and by position pick the same rows (prices
    0..n for their own returns 1..n), and refused otherwise, since ``y.iloc[5:]``
    against ``x.iloc[:5]`` could mean either.  ``extra_row``: ``arg`` also holds the row
    before ``like``'s first (prices before the first return).
    """
    if given is None or target is None:
        return False
    if labelled(given) and labelled(target):
        return True
    if given.equals(target) or not (given.dtype.kind in "iu" and target.dtype.kind in "iu"):
        return False
    if _default(given) and _default(target):
        return False  # pandas' default 0, 1, 2, ... on both sides: positions, no labels
    pos = np.asarray(given.get_indexer(target))
    if extra_row and len(pos) and pos[0] > 0:
        pos = np.concatenate([[pos[0] - 1], pos])
    if len(given) == len(pos) and np.array_equal(pos, np.arange(len(given))):
        return False  # the same rows either way
    raise problem("", arg, "has {m} rows labelled {a} to {b} but {like} has {n} rows "
                  "labelled {c} to {d}; betaxl does not guess whether to match them by "
                  "label or position: give both the same index, or drop it "
                  "(.reset_index(drop=True)) to match by position", like=Arg(like),
                  m=len(given), n=len(target),
                  a=show_label(given[0]) if len(given) else "(none)",
                  b=show_label(given[-1]) if len(given) else "(none)",
                  c=show_label(target[0]) if len(target) else "(none)",
                  d=show_label(target[-1]) if len(target) else "(none)")


def _matchable(index: pd.Index) -> pd.Index:
    """Row labels as they are compared: ISO text dates as dates."""
    dates = row_dates(index) if not isinstance(index, pd.DatetimeIndex) else None
    return dates if dates is not None and not isinstance(index, pd.PeriodIndex) else index


def _labels(values: Sequence[Any], limit: int = 3) -> str:
    shown = ", ".join(show_label(v) for v in list(values)[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def row_positions(source: pd.Index, target: pd.Index, *, arg: str,
                  like: str = "returns") -> np.ndarray | None:
    """Where each of ``target``'s row labels sits in ``source`` (None: the same rows).

    ``source`` may cover more rows than ``target`` (the extra rows are ignored); a
    target row it lacks is refused, naming the rows, as are indexes with no overlap.
    """
    if source.equals(target):
        return None
    months = months_of(source) or months_of(target)
    source, target = _matchable(source), _matchable(target)
    by_months = months and isinstance(source, pd.DatetimeIndex) \
        and isinstance(target, pd.DatetimeIndex)
    try:  # a month label stands for its whole month (data.table.by_month)
        pos = by_month(source, target) if by_months else np.asarray(source.get_indexer(target))
    except (TypeError, ValueError) as exc:
        if by_months:
            raise problem("", arg, "{e}", e=str(exc)) from None
        raise problem("", arg, "has row labels that cannot be matched with those of {like} ({e})",
                      like=Arg(like), e=str(exc).splitlines()[0][:80]) from None
    missing = pos < 0
    if missing.all():
        tz = (getattr(source, "tz", None), getattr(target, "tz", None))
        hint = (f"; its time zone is {tz[0]}, that of {{like}} is {tz[1]}"
                if tz[0] != tz[1] else "")
        if (text_dates(source) is None) != (text_dates(target) is None):
            hint = ("; one has dates written as text: convert them with "
                    "index=pd.to_datetime(index)")
        raise problem("", arg, "has no row in common with {like}: its rows run {a} to {b}, "
                      "those of {like} {c} to {d}" + hint, like=Arg(like),
                      a=show_label(source[0]) if len(source) else "(none)",
                      b=show_label(source[-1]) if len(source) else "(none)",
                      c=show_label(target[0]) if len(target) else "(none)",
                      d=show_label(target[-1]) if len(target) else "(none)")
    if missing.any():
        raise problem("", arg, "has no row for {m} of the dates of {like} ({which}); reindex "
                      "it to the index of {like} first if they are missing values", like=Arg(like),
                      m=int(missing.sum()), which=_labels(target[missing]))
    return pos


def as_column(data: ArrayLike, *, arg: str, n: int, like: str = "returns",
              scalar_ok: bool = False, index: pd.Index | None = None) -> np.ndarray:
    """Read one series for the ``n`` rows of ``like`` (or a scalar, broadcast, when
    ``scalar_ok``).

    When both it and ``like`` have labelled rows (``index``), it is matched to them by
    label (:func:`row_positions`); otherwise by position, and the lengths must agree.
    """
    if scalar_ok and np.ndim(data) == 0 and not isinstance(data, (pd.Series, pd.DataFrame)):
        value = to_float(np.asarray(data, dtype=object).reshape(1), arg)[0]
        if np.isnan(value):
            raise problem("", arg, "is missing (NaN); give a number, or leave it out")
        return np.full(n, value)
    panel = as_panel(data, arg=arg)
    if panel.k != 1:
        raise problem("", arg, "must be one column, got {k} columns", k=panel.k)
    values = panel.values[:, 0]
    if by_label(panel.index, index, arg=arg, like=like):
        assert panel.index is not None and index is not None
        pos = row_positions(panel.index, index, arg=arg, like=like)
        return values if pos is None else values[pos]
    if panel.n != n:
        raise problem("", arg, "has {m} but {like} has {n}", m=count(panel.n, "row"), n=n,
                      like=Arg(like))
    return values


def as_weights(data: ArrayLike, *, arg: str, k: int, like: str = "returns",
               names: Sequence[str] | None = None) -> np.ndarray:
    """Read one number per asset (a row, a column or a 1-D sequence of length ``k``).

    A dict, a Series (or one-row or one-column DataFrame) whose labels are asset names is
    matched to ``like``'s columns (``names``) by name: every asset needs exactly one
    weight (0 to leave it out) and no weight may name an asset ``like`` lacks.  Plain
    sequences, and pandas objects with a RangeIndex, are matched by position.
    """
    keys: pd.Index | None = None
    if data is None:
        raise problem("", arg, "is missing")
    if isinstance(data, Mapping):  # {"A": 0.8, "B": 0.2}: labelled by asset, like a Series
        data = pd.Series(dict(data), dtype=object)
    if isinstance(data, pd.Series):
        keys = data.index if labelled(data.index) else None
        values = as_panel(data.reset_index(drop=True), arg=arg).values
    elif isinstance(data, pd.DataFrame):
        if data.shape == (1, 1) and labelled(data.index) and not (
                names is not None and str(data.columns[0]) in names
                and str(data.index[0]) not in names):
            keys = data.index  # one asset's weight read with index_col=0: a column
        elif data.shape[0] == 1 and labelled(data.columns):
            keys = data.columns
        elif data.shape[1] == 1 and labelled(data.index):
            keys = data.index
        values = as_panel(data.reset_index(drop=True), arg=arg).values
    else:
        raw = np.atleast_1d(np.asarray(data, dtype=object))
        values = to_float(raw, arg)
    flat = values.reshape(-1)
    if values.ndim == 2 and 1 not in values.shape:
        raise problem("", arg, "must be one row or one column, got {r} x {c}",
                      r=values.shape[0], c=values.shape[1])
    if keys is not None:
        flat = _by_name(flat, keys, arg=arg, like=like, names=names)
    if flat.size != k:
        raise problem("", arg, "has {m} but {like} has {k}", m=count(flat.size, "value"),
                      k=count(k, "column"), like=Arg(like))
    if np.isnan(flat).any():
        j = int(np.flatnonzero(np.isnan(flat))[0]) + 1
        raise problem("", arg, "is missing value number {j}", j=j)
    return flat.copy()


def _by_name(values: np.ndarray, keys: pd.Index, *, arg: str, like: str,
             names: Sequence[str] | None) -> np.ndarray:
    """Values labelled by asset name, put in the order of ``names``; or refused."""
    if names is None:
        raise problem("", arg, "is labelled by asset ({which}) but {like} has no column "
                      "names to match; give {like} as a DataFrame with those columns, or "
                      "{other} as a plain list in column order", like=Arg(like),
                      which=_labels([str(v) for v in keys]), other=Arg(arg))
    given = pd.Index([str(v) for v in keys])
    if not given.is_unique:
        raise problem("", arg, "names {v!r} more than once",
                      v=str(given[given.duplicated()][0]))
    target = pd.Index(list(names))
    if not target.is_unique:
        raise problem("", like, "has the column name {v!r} more than once, so {other} cannot "
                      "be matched by name", v=str(target[target.duplicated()][0]),
                      other=Arg(arg))
    extra = given.difference(target, sort=False)
    if len(extra):
        raise problem("", arg, "names {which}, which {like} lacks", like=Arg(like),
                      which=_labels([repr(v) for v in extra]))
    pos = given.get_indexer(target)
    if (pos < 0).any():
        raise problem("", arg, "has no value for {which} of {like} (give 0 to leave an "
                      "asset out)", like=Arg(like),
                      which=_labels([repr(v) for v in target[pos < 0]]))
    return values[pos]


def align_table(data: ArrayLike, panel: Panel, *, arg: str, like: str = "returns",
                fill: float | None = None, extra_row: bool = False) -> ArrayLike:
    """Put a labelled table (prices, distributions) in the rows and columns of ``panel``.

    Only when both are pandas tables with labelled rows or named columns; anything else
    is returned unchanged and matched by position.  Rows: ``data`` may have more rows
    than ``panel`` (they are dropped); with ``extra_row`` it must also have the row just
    before ``panel``'s first (prices before the first return).  Without ``fill`` every row
    and column of ``panel`` must be present; with it, missing ones are ``fill`` (a
    distribution not listed was not paid), but rows or columns ``panel`` lacks are
    refused, since they would be silently lost.
    """
    if not isinstance(data, (pd.DataFrame, pd.Series)):
        return data
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    rows_by_label = by_label(frame.index, panel.index, arg=arg, like=like,
                             extra_row=extra_row)
    cols_by_name = labelled(frame.columns) and panel.named
    if not (rows_by_label or cols_by_name):
        return data
    checked = as_panel(frame, arg=arg)  # types and row order, before any reindexing
    frame = pd.DataFrame(checked.values, index=frame.index, columns=frame.columns)
    if cols_by_name:
        given = pd.Index([str(c) for c in frame.columns])
        extra = given.difference(pd.Index(panel.names), sort=False)
        if len(extra):
            raise problem("", arg, "has columns {which}, which {like} lacks",
                          like=Arg(like), which=_labels([repr(v) for v in extra]))
        lacking = pd.Index(panel.names).difference(given, sort=False)
        if len(lacking) and fill is None:
            raise problem("", arg, "has no column {which} of {like}", like=Arg(like),
                          which=_labels([repr(v) for v in lacking]))
        frame = frame.set_axis(given, axis=1).reindex(columns=list(panel.names),
                                                      fill_value=fill)
    if rows_by_label:
        assert panel.index is not None
        target = _matchable(panel.index)
        frame = frame.set_axis(_matchable(frame.index), axis=0)
        if fill is not None:
            extra_rows = frame.index.difference(target, sort=False)
            if len(extra_rows):
                raise problem("", arg, "has rows {which}, which {like} lacks; they would "
                              "be lost", like=Arg(like), which=_labels(extra_rows))
            frame = frame.reindex(target, fill_value=fill)
        else:
            pos = row_positions(frame.index, target, arg=arg, like=like)
            pos = np.arange(len(target)) if pos is None else pos
            if extra_row:
                if pos[0] == 0:
                    raise problem("", arg, "needs the row before the first date of {like} "
                                  "({d}) as well", like=Arg(like), d=show_label(target[0]))
                pos = np.concatenate([[pos[0] - 1], pos])
            frame = frame.iloc[pos]
        frame = frame.reset_index(drop=True)
    return frame


def first_bad_code(values: np.ndarray) -> tuple[int, int, str] | None:
    """In whole numbers all of six digits (yyyymm) or all of eight (yyyymmdd), the first
    that is not a valid code (:func:`betaxl.data.table.code_dates`): its row (from 1),
    the number and the kind of code; None when they are not such codes or all are valid.

    >>> first_bad_code(np.array([192607, 192608, 192613]))
    (3, 192613, 'yyyymm')
    >>> first_bad_code(np.array([1990, 1991])) is None
    True
    """
    numbers = np.asarray(values, dtype=float)
    if numbers.size == 0 or not np.isfinite(numbers).all() or (numbers % 1 != 0).any():
        return None
    for digits, kind in ((6, "yyyymm"), (8, "yyyymmdd")):
        if ((numbers >= 10 ** (digits - 1)) & (numbers < 10 ** digits)).all():
            for i, v in enumerate(numbers.astype(np.int64)):
                if code_dates([int(v)]) is None:
                    return i + 1, int(v), kind
    return None
