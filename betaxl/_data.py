"""Validation at the edge: turn what a caller passes into clean float arrays, once.

Every public core function calls these helpers first and works on plain numpy arrays
afterwards.  Missing values (None, NaN, pd.NA) become NaN and are never filled with
zeros; text, booleans and infinities are refused with a message naming the argument and
the cell; exact numbers (Decimal, Fraction, ints of any size) are rounded once.  Inputs
are copied, never modified.

Labels, in this one place:

- rows are labelled unless they are a RangeIndex (positions); labelled rows must be
  unique and, if they are dates (also dates written as text) or numbers, oldest first:
  betaxl refuses other orders rather than sorting (:func:`check_rows`);
- a labelled column (market, benchmark, risk-free rate) is matched to labelled returns
  by date; it may have more dates than the returns, never fewer (:func:`as_column`);
- weights labelled by asset are matched by name (:func:`as_weights`); prices and
  distributions by date and name (:func:`align_table`);
- anything unlabelled is matched by position, and lengths must agree.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .errors import Arg, BetaxlError, count, problem

__all__ = ["Panel", "align_table", "as_column", "as_panel", "as_returns", "as_weights",
           "check_rows", "choice", "no_total_loss", "row_positions"]

#: Anything the core accepts as a table of numbers.
ArrayLike = Any
#: The largest magnitude accepted: squares and cross products must fit in a double.
MAX_MAGNITUDE = 1e100


@dataclass(frozen=True, eq=False)
class Panel:
    """A float table (rows = periods, oldest first; columns = assets) and its labels."""

    values: np.ndarray  # (n, k) float64, read-only (may be a view of the caller's data)
    names: tuple[str, ...]
    index: pd.Index | None
    named: bool = False  #: the column names are the caller's labels, not made up

    @cached_property
    def columns(self) -> pd.Index:
        """The asset names as a pandas Index, built once."""
        return pd.Index(self.names)

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    @property
    def k(self) -> int:
        return int(self.values.shape[1])

    def frame(self, values: np.ndarray, index: pd.Index | None = None) -> pd.DataFrame:
        """Wrap an (n, k) result in a DataFrame with these column names."""
        return pd.DataFrame(values, index=self.index if index is None else index,
                            columns=self.columns, copy=False)

    def series(self, values: np.ndarray, name: str) -> pd.Series:
        """Wrap one value per asset in a Series indexed by asset name."""
        return pd.Series(values, index=self.columns, name=name, copy=False)


class FieldTable:
    """Mixin for frozen result dataclasses whose fields are Series indexed by asset."""

    def to_frame(self) -> pd.DataFrame:
        """One row per field, one column per asset."""
        from dataclasses import fields

        return pd.DataFrame({f.name: getattr(self, f.name)
                             for f in fields(self)}).T  # type: ignore[arg-type]


_LARGEST = float(np.finfo(np.float64).max)


def _cell_float(cell: Any) -> float | None:
    """One Python value as a float: None for a refusal, NaN for a missing value.

    Exact types (int of any size, Decimal, Fraction) are converted with correct rounding;
    one too large for a double becomes the largest double, which the magnitude check
    refuses as beyond 1e100.
    """
    if cell is None or cell is pd.NA or (isinstance(cell, float) and cell != cell):
        return np.nan
    if isinstance(cell, (bool, np.bool_)):
        return None
    if isinstance(cell, (int, float, np.integer, np.floating, Decimal, Fraction)):
        try:
            return float(cell)
        except OverflowError:  # an int (or Fraction) beyond a double: refused as > 1e100
            return _LARGEST if cell > 0 else -_LARGEST
        except (ValueError, ArithmeticError):  # Decimal('sNaN')
            return None
    return None


def _to_float(raw: np.ndarray, arg: str, names: Sequence[str] | None = None) -> np.ndarray:
    """Convert to float64, refusing text, booleans and infinities with the cell's place."""
    if raw.dtype == bool:
        raise problem("", arg, "holds TRUE/FALSE values where numbers were expected")
    if raw.dtype == np.float64:
        # A read-only view: no copy, and any attempt to write into it fails loudly,
        # so the caller's data cannot be modified.
        out = raw.view()
        out.flags.writeable = False
    elif raw.dtype.kind in "iuf":
        out = raw.astype(np.float64)
    else:
        out = np.empty(raw.shape, dtype=np.float64)
        flat_in, flat_out = raw.reshape(-1), out.reshape(-1)
        for pos, cell in enumerate(flat_in):
            value = _cell_float(cell)
            if value is None:
                row, col = np.unravel_index(pos, raw.shape) if raw.ndim == 2 else (pos, 0)
                shown = cell.item() if isinstance(cell, np.generic) else cell
                where = (f"column {names[int(col)]!r}" if names is not None
                         and int(col) < len(names) else f"column {int(col) + 1}")
                if isinstance(shown, bool):
                    raise problem("", arg, "has TRUE/FALSE at row {row}, {where} where a "
                                  "number was expected", row=int(row) + 1, where=where)
                hint = ("; dates belong in the index (DataFrame.set_index, or read_csv "
                        "with index_col=0, parse_dates=True)"
                        if isinstance(shown, (dt.date, np.datetime64)) or (
                            isinstance(shown, str)
                            and text_dates(pd.Index([shown])) is not None) else "")
                raise problem(
                    "", arg, "has a non-numeric value {value!r} at row {row}, {where}" + hint,
                    value=shown if isinstance(shown, str) else str(shown)[:40],
                    row=int(row) + 1, where=where,
                )
            flat_out[pos] = value
    magnitude = np.abs(out)
    if (magnitude > MAX_MAGNITUDE).any():  # NaN compares False: missing values pass
        pos = int(np.flatnonzero(magnitude.reshape(-1) > MAX_MAGNITUDE)[0])
        row = pos // (out.shape[1] if out.ndim == 2 and out.shape[1] else 1) + 1
        what = "an infinite value" if np.isinf(out).any() else "a value beyond 1e100"
        raise problem("", arg, "has {what} at row {row}; betaxl accepts numbers up to "
                      "1e100 in size (their squares must fit a double)", what=what, row=row)
    return out


def _real(dtype: Any) -> bool:
    """A pandas/numpy dtype of real numbers (not booleans, not complex), read as floats."""
    return bool(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
                and not pd.api.types.is_complex_dtype(dtype))


def _holds_bool(data: Any) -> bool:
    """True if a (nested) list or tuple holds a bool, which numpy would read as 1 or 0."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (bool, np.bool_)):
            return True
        if isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def labelled(index: pd.Index | None) -> bool:
    """Rows (or columns) carry labels unless they are absent or a RangeIndex (positions)."""
    return index is not None and not isinstance(index, pd.RangeIndex)


def _date_like(index: pd.Index) -> bool:
    return isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) or (
        index.dtype == object and len(index) > 0
        and all(isinstance(v, (dt.date, np.datetime64)) for v in index))


def text_dates(index: pd.Index) -> pd.DatetimeIndex | None:
    """Row labels that are dates written as text in ISO 8601 (YYYY-MM-DD...), else None."""
    if index.dtype.kind not in "OU" and not pd.api.types.is_string_dtype(index.dtype):
        return None
    if len(index) == 0 or not all(isinstance(v, str) and 6 <= len(v) <= 30
                                  and any(c in v for c in "-/.") for v in index):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.DatetimeIndex(pd.to_datetime(index, format="ISO8601"))
    except (TypeError, ValueError, OverflowError):
        return None


def _iso_date(label: str) -> bool:
    return text_dates(pd.Index([label], dtype=object)) is not None


#: The shapes of dates written as text: 31/01/2020, 2020.1.31, 20200131, 2020Q1, Jan 2020.
_DATE_SHAPE = re.compile(
    r"\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}|^\s*\d{8}\s*$|\d{4}\s*-?Q[1-4]|Q[1-4]\s*-?\d{4}"
    r"|(?i:\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s*\d"
    r"|\d\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))")


def _date_text(label: Any) -> bool:
    """Text that some reader would take for a date ('31/01/2020', 'Jan 2020', '20200131').

    A cheap look at its shape first (a long index of plain labels costs a regex per
    label), then pandas' own parser, which is what would read it.
    """
    if not isinstance(label, str) or not 6 <= len(label) <= 40 \
            or _DATE_SHAPE.search(label) is None:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return not pd.isna(pd.to_datetime(label))
    except (TypeError, ValueError, OverflowError):
        return False


def _text_rows(index: pd.Index, arg: str) -> pd.DatetimeIndex | None:
    """Text row labels: ISO dates (as dates), other text (None), or refused.

    A label set that mixes dates and other text, or holds dates written in any other
    way than ISO 8601, is refused: whether '01/02/2020' is 1 February or 2 January
    cannot be told from the text, and betaxl never guesses.
    """
    dates = text_dates(index)
    if dates is not None or not any(_date_text(v) or isinstance(v, (dt.date, np.datetime64))
                                    for v in index):
        return dates
    odd = next((v for v in index if not (isinstance(v, (dt.date, np.datetime64))
                                         or isinstance(v, str) and _iso_date(v))), None)
    if odd is None:
        raise problem("", arg, "mixes kinds of dates (text and date objects, or several "
                      "time zones, such as {v!r}); convert the index with "
                      "pd.to_datetime(index, utc=True)", v=str(index[-1]))
    if _date_text(odd):
        raise problem("", arg, "has dates written as text that are not ISO (YYYY-MM-DD), "
                      "such as {v!r}; betaxl does not guess whether day or month comes "
                      "first: convert the index with pd.to_datetime(index, dayfirst=True) "
                      "or pd.to_datetime(index, format='%d/%m/%Y')", v=odd)
    raise problem("", arg, "has the row label {v!r} among dates; every row must be one "
                  "period (drop total or note rows)", v=str(odd))


def _zoned(index: pd.Index, arg: str) -> pd.Index:
    """Dates held as Python objects (maybe in several time zones) as one DatetimeIndex."""
    if index.dtype != object:
        return index
    stamps = [pd.Timestamp(v) for v in index]
    aware = {s.tz is not None for s in stamps}
    if len(aware) > 1:
        raise problem("", arg, "mixes dates with and without a time zone; give every date "
                      "a time zone (tz_localize) or none")
    if aware == {True}:
        return pd.DatetimeIndex([s.tz_convert("UTC") for s in stamps])
    return pd.DatetimeIndex(stamps)


def _plain(index: pd.Index) -> pd.Index:
    """A categorical index as the index of its values (dates stay dates)."""
    return pd.Index(index.to_numpy()) if isinstance(index, pd.CategoricalIndex) else index


def row_dates(index: pd.Index | None) -> pd.DatetimeIndex | None:
    """The rows as dates, if they are dates (DatetimeIndex, PeriodIndex, date objects or
    ISO text); None otherwise.  Assumes :func:`check_rows` passed."""
    if index is None or isinstance(index, pd.RangeIndex):
        return None
    index = _plain(index)
    if isinstance(index, pd.DatetimeIndex):
        return index
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    if _date_like(index):
        try:
            return pd.DatetimeIndex(_zoned(index, "index"))
        except (TypeError, ValueError, BetaxlError):
            return None
    return text_dates(index)


def check_rows(index: pd.Index | None, *, arg: str) -> None:
    """Labelled rows must be unique, and dates (or numbers) in time order, oldest first.

    Text labels are either all ISO dates (then checked as dates) or text that is not a
    date (asset-style labels, left as they are); anything in between is refused
    (:func:`_text_rows`), as is a missing label.  betaxl refuses rather than sorts: a
    caller's other arguments may be matched to these rows by position, and sorting one
    of them would silently pair the wrong rows.
    """
    if not labelled(index):
        return
    assert index is not None
    index = _plain(index)
    if isinstance(index, pd.MultiIndex):
        raise problem("", arg, "has rows labelled by {m} levels (a long table?); give one "
                      "row per date and one column per asset (DataFrame.unstack)",
                      m=index.nlevels)
    if index.hasnans:
        row = int(np.flatnonzero(pd.isna(index))[0]) + 1
        raise problem("", arg, "has no label (a missing date) at row {r}; every row needs "
                      "its date (drop the row, or fix the index)", r=row)
    if not index.is_unique:
        twice = index[index.duplicated()][0]
        raise problem("", arg, "has the row label {v} more than once; every period must "
                      "appear once", v=_show(twice))
    if _date_like(index):
        index = _zoned(index, arg)
    elif not pd.api.types.is_numeric_dtype(index.dtype):
        index = _text_rows(index, arg)  # dates written as text are in time order too
        if index is None:
            return
    if not index.is_monotonic_increasing:
        order = "newest first" if index.is_monotonic_decreasing else "not in time order"
        raise problem("", arg, "has dates {order}; betaxl needs them oldest first (sort "
                      "with .sort_index(); betaxl never reorders rows itself)", order=order)


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
                  a=_show(given[0]) if len(given) else "(none)",
                  b=_show(given[-1]) if len(given) else "(none)",
                  c=_show(target[0]) if len(target) else "(none)",
                  d=_show(target[-1]) if len(target) else "(none)")


def _matchable(index: pd.Index) -> pd.Index:
    """Row labels as they are compared: ISO text dates as dates."""
    dates = row_dates(index) if not isinstance(index, pd.DatetimeIndex) else None
    return dates if dates is not None and not isinstance(index, pd.PeriodIndex) else index


def _show(label: Any) -> str:
    if isinstance(label, pd.Timestamp) and label == label.normalize() and label.tz is None:
        return str(label.date())
    return str(label)


def _labels(values: Sequence[Any], limit: int = 3) -> str:
    shown = ", ".join(_show(v) for v in list(values)[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def row_positions(source: pd.Index, target: pd.Index, *, arg: str,
                  like: str = "returns") -> np.ndarray | None:
    """Where each of ``target``'s row labels sits in ``source`` (None: the same rows).

    ``source`` may cover more rows than ``target`` (the extra rows are ignored); a
    target row it lacks is refused, naming the rows, as are indexes with no overlap.
    """
    if source.equals(target):
        return None
    source, target = _matchable(source), _matchable(target)
    try:
        pos = np.asarray(source.get_indexer(target))
    except (TypeError, ValueError) as exc:
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
                      a=_show(source[0]) if len(source) else "(none)",
                      b=_show(source[-1]) if len(source) else "(none)",
                      c=_show(target[0]) if len(target) else "(none)",
                      d=_show(target[-1]) if len(target) else "(none)")
    if missing.any():
        raise problem("", arg, "has no row for {m} of the dates of {like} ({which}); reindex "
                      "it to the index of {like} first if they are missing values", like=Arg(like),
                      m=int(missing.sum()), which=_labels(target[missing]))
    return pos


def as_panel(data: ArrayLike, *, arg: str, min_rows: int = 0) -> Panel:
    """Read a table of numbers: DataFrame, Series, 1-D or 2-D array or nested lists.

    A 1-D input is one asset.  Columns are named after the DataFrame's columns, the
    Series' name, or ``<arg>_1, <arg>_2, ...`` for arrays.  Labelled rows (any index but
    a RangeIndex) must be unique and, when they are dates or numbers, oldest first.
    """
    if data is None:
        raise problem("", arg, "is missing")
    if isinstance(data, Mapping):  # {"A": [...], "B": [...]}: columns by name
        try:
            data = pd.DataFrame(dict(data))
        except (TypeError, ValueError):
            raise problem("", arg, "is a dict that is not a table: give one list of "
                          "numbers per asset, all of the same length") from None
    if isinstance(data, (list, tuple)) and any(isinstance(v, (pd.Series, pd.DataFrame))
                                               for v in data):
        raise problem("", arg, "is a list of pandas objects; combine them first with "
                      "pd.concat(list, axis=1), which matches their rows by label")
    index: pd.Index | None = None
    named = False
    if isinstance(data, pd.DataFrame):
        names = tuple(str(c) for c in data.columns)
        named = labelled(data.columns)
        index = data.index
        raw = data.to_numpy(dtype=object) if not all(_real(t) for t in data.dtypes) \
            else data.to_numpy(dtype=np.float64, na_value=np.nan)
    elif isinstance(data, pd.Series):
        names = (str(data.name) if data.name is not None else arg,)
        named = data.name is not None
        index = data.index
        raw = (data.to_numpy(dtype=np.float64, na_value=np.nan) if _real(data.dtype)
               else data.to_numpy(dtype=object)).reshape(-1, 1)
    else:
        try:
            raw = np.asarray(data)
            if raw.dtype.kind in "USV":
                raw = np.asarray(data, dtype=object)
            elif raw.dtype.kind in "iuf" and isinstance(data, (list, tuple)) \
                    and _holds_bool(data):
                raw = np.asarray(data, dtype=object)  # True must not be read as 1.0
        except (ValueError, OverflowError):
            try:
                raw = np.asarray(data, dtype=object)
            except ValueError:
                raw = np.empty(0, dtype=object)
            if raw.dtype != object or any(
                isinstance(r, (list, tuple, np.ndarray)) for r in raw.reshape(-1)
            ):
                raise problem("", arg, "is ragged: its rows have different lengths") \
                    from None
        if raw.dtype.kind == "O" and raw.ndim == 1 and any(
            isinstance(r, (list, tuple, np.ndarray)) for r in raw
        ):
            raise problem("", arg, "is ragged: its rows have different lengths")
        if raw.ndim == 0:
            raw = raw.reshape(1, 1)
        if raw.ndim == 1:
            raw = raw.reshape(-1, 1)
        if raw.ndim != 2:
            raise problem("", arg, "must be a table (2-D), got {d} dimensions", d=raw.ndim)
        names = tuple(f"{arg}_{j + 1}" for j in range(raw.shape[1])) if raw.shape[1] > 1 \
            else (arg,)
    check_rows(index, arg=arg)
    values = _to_float(np.asarray(raw), arg, names if named else None)
    if values.ndim == 1:
        values = values.reshape(-1, 1)
    if values.shape[1] == 0:
        raise problem("", arg, "has no columns")
    if values.shape[0] < min_rows:
        raise problem("", arg, "has {n}; at least {m} are needed",
                      n=count(values.shape[0], "row"), m=min_rows)
    return Panel(values, names, index, named)


def as_array(data: ArrayLike, *, arg: str) -> np.ndarray:
    """Any shape of numbers as a float array of the same shape, validated like a panel."""
    if isinstance(data, (pd.DataFrame, pd.Series)):
        panel = as_panel(data, arg=arg)
        return panel.values.reshape(data.shape)
    if data is None:
        raise problem("", arg, "is missing")
    try:
        raw = np.asarray(data, dtype=object) if isinstance(data, (list, tuple)) and \
            _holds_bool(data) else np.asarray(data)
        if raw.dtype.kind not in "iuf":
            raw = np.asarray(data, dtype=object)
    except (ValueError, OverflowError):
        raise problem("", arg, "is ragged: its rows have different lengths") from None
    if raw.dtype == object and any(isinstance(v, (list, tuple, np.ndarray, Mapping))
                                   for v in raw.reshape(-1)):
        raise problem("", arg, "is ragged: its rows have different lengths")
    return _to_float(raw, arg)


def no_total_loss(values: np.ndarray, arg: str) -> None:
    """Refuse simple returns below -100% (a loss larger than the whole investment)."""
    if values.size == 0 or values.min() >= -1.0:  # one pass, no temporary; NaN: look
        return
    below = values < -1.0  # NaN compares False
    if below.any():
        row, col = np.argwhere(below.reshape(values.shape[0], -1))[0]
        raise problem("", arg, "has a return below -100% at row {r}, column {c} ({v!r}); "
                      "are these log returns or prices?", r=int(row) + 1, c=int(col) + 1,
                      v=float(values.reshape(values.shape[0], -1)[row, col]))


def as_returns(data: ArrayLike, *, arg: str = "returns", min_rows: int = 0) -> Panel:
    """Read a table of simple returns (:func:`as_panel`), refusing returns below -100%."""
    panel = as_panel(data, arg=arg, min_rows=min_rows)
    no_total_loss(panel.values, arg)
    return panel


def as_column(data: ArrayLike, *, arg: str, n: int, like: str = "returns",
              scalar_ok: bool = False, index: pd.Index | None = None) -> np.ndarray:
    """Read one series for the ``n`` rows of ``like`` (or a scalar, broadcast, when
    ``scalar_ok``).

    When both it and ``like`` have labelled rows (``index``), it is matched to them by
    label (:func:`row_positions`); otherwise by position, and the lengths must agree.
    """
    if scalar_ok and np.ndim(data) == 0 and not isinstance(data, (pd.Series, pd.DataFrame)):
        value = _to_float(np.asarray(data, dtype=object).reshape(1), arg)[0]
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
        values = _to_float(raw, arg)
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
                                  "({d}) as well", like=Arg(like), d=_show(target[0]))
                pos = np.concatenate([[pos[0] - 1], pos])
            frame = frame.iloc[pos]
        frame = frame.reset_index(drop=True)
    return frame


S = TypeVar("S", bound=str)


def choice(value: Any, options: Sequence[S], *, arg: str) -> S:
    """Check a mode string (case-insensitive, surrounding blanks ignored)."""
    if isinstance(value, str):
        key = value.strip().lower()
        for option in options:
            if key == option:
                return option
    raise problem("", arg, "must be one of {opts}, got {value!r}",
                  opts=", ".join(repr(o) for o in options), value=value)


def as_dates(dates: Any, index: pd.Index | None, n: int, *, arg: str = "dates",
             like: str = "returns") -> pd.DatetimeIndex | None:
    """The date of each of ``n`` rows: ``dates`` if given, else ``like``'s row dates.

    Given dates must be dates (Timestamps, datetime64, PeriodIndex, date objects or ISO
    text, never numbers, which would be read as nanoseconds after 1970), one per row,
    each once and oldest first, and must agree with ``like``'s own dated rows if it has
    them.  None if there are no dates anywhere.
    """
    own = row_dates(index)
    if dates is None:
        return own
    if isinstance(dates, (str, bytes, Mapping, pd.DataFrame)) or np.ndim(dates) != 1:
        raise problem("", arg, "must be a list of {n} dates, one per row of {like}",
                      n=n, like=Arg(like))
    values = pd.Index(list(dates), dtype=object) if not isinstance(dates, pd.Index) else dates
    if len(values) != n:
        raise problem("", arg, "has {m} but {like} has {n}", m=count(len(values), "date"),
                      n=count(n, "row"), like=Arg(like))
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(
            values.dtype) or any(isinstance(v, (bool, int, float, np.number, Decimal,
                                                Fraction)) and not pd.isna(v)
                                 for v in values):
        raise problem("", arg, "holds numbers where dates were expected; give dates "
                      "(pd.to_datetime(...)) or ISO text such as '2020-01-31'")
    check_rows(values, arg=arg)
    stamps = row_dates(values)
    if stamps is None:
        raise problem("", arg, "must be dates, got {v!r}; give dates (pd.to_datetime(...)) "
                      "or ISO text such as '2020-01-31'", v=str(values[0])[:40])
    if own is not None:
        a = own.tz_localize(None) if own.tz is not None else own
        b = stamps.tz_localize(None) if stamps.tz is not None else stamps
        if not np.array_equal(a.asi8, b.asi8):
            row = int(np.flatnonzero(a.asi8 != b.asi8)[0])
            raise problem("", arg, "disagrees with the dates of {like} at row {r} ({d} "
                          "against {e}); leave {other} out to use the dates of {like}",
                          like=Arg(like), r=row + 1, d=_show(stamps[row]),
                          e=_show(own[row]), other=Arg(arg))
    return stamps


def whole(value: Any, *, arg: str) -> int:
    """A whole number of rows (an int, or a float with no fraction), or a refusal."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    raise problem("", arg, "must be a whole number of rows, got {v!r}", v=value)


def index_of(data: ArrayLike) -> pd.Index | None:
    """The pandas index of ``data``, if it has one."""
    return data.index if isinstance(data, (pd.DataFrame, pd.Series)) else None


#: Periods per year by spacing of dates: (name, t, shortest and longest typical gap in days).
FREQUENCIES = (("daily", 252, 1, 4), ("weekly", 52, 5, 9), ("monthly", 12, 27, 32),
               ("quarterly", 4, 88, 93), ("annual", 1, 364, 367))


def infer_periods_per_year(index: pd.Index | None, *, arg: str = "periods_per_year",
                           like: str = "returns") -> int:
    """Periods per year from dates, or a refusal saying to pass ``periods_per_year``.

    The rule: the gaps between consecutive dates, in calendar days, are classed as
    daily (1-4 days), weekly (5-9), monthly (27-32), quarterly (88-93) or annual
    (364-367), giving 252, 52, 12, 4 or 1.  The median gap picks the class, and at least
    80% of the gaps must fall in it.  Daily data count as trading days (252) only if at
    most 1 date in 50 falls on a weekend; calendar-day data (365 or 252?) are refused.
    """
    def refuse(why: str, **values: Any) -> BetaxlError:
        return problem("", arg, "was not given and " + why + "; pass periods_per_year "
                       "(12 monthly, 4 quarterly, 52 weekly, 252 daily)", **values)

    index = row_dates(index)  # dates in any spelling check_rows accepts
    if not isinstance(index, pd.DatetimeIndex):
        raise refuse("{like} has no dates to infer it from", like=Arg(like))
    if len(index) < 3:
        raise refuse("{like} has fewer than 3 dates to infer it from",
                             like=Arg(like))
    local = index.tz_localize(None) if index.tz is not None else index  # local days
    days = np.asarray((local[1:] - local[:-1]).total_seconds()) / 86_400.0
    median = float(np.median(days))
    for name, t, lo, hi in FREQUENCIES:
        if lo - 0.5 <= median <= hi + 0.5:
            share = float(np.mean((days >= lo - 0.5) & (days <= hi + 0.5)))
            if share < 0.8:
                raise refuse("the dates are irregular (only {p:.0%} of the gaps "
                                     "are {name})", p=share, name=name)
            if name == "daily" and float(np.mean(index.day_of_week >= 5)) > 0.02:
                raise refuse("the dates are daily including weekends (252 trading "
                                     "or 365 calendar days a year?)")
            return t
    raise refuse("its dates are {d:g} days apart (median), which is not daily, "
                         "weekly, monthly, quarterly or annual", d=round(median, 1))

