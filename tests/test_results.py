"""Shaping results into cells (betaxl.excel.results): the same cells as one by one."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from betaxl.excel.results import Cells, cells, column, for_sheet


def _one_by_one(frame: pd.DataFrame) -> list[list[object]]:
    """The reference: each cell looked at on its own."""
    def one(v: object) -> object:
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (int, np.integer)):
            return int(v)
        if isinstance(v, (float, np.floating)):
            return float(v) if np.isfinite(v) else None
        return v
    return [[one(v) for v in row] for row in frame.to_numpy(dtype=object)]


def test_numbers_blanks_and_types_as_cell_by_cell() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=(40, 7))
    values[rng.random(values.shape) < 0.2] = np.nan
    values[3] = np.nan  # a whole blank row
    values[5, 2], values[6, 1] = np.inf, -np.inf
    frame = pd.DataFrame(values, columns=list("abcdefg"))
    out = cells(frame, header=False)
    assert out == _one_by_one(frame)
    assert all(type(v) is float or v is None for row in out for v in row)
    mixed = frame.assign(rows=np.arange(40), partial=np.arange(40) % 2 == 0,
                         period=[f"p{i}" for i in range(40)])
    got = cells(mixed, corner="x")
    assert got[0] == ["x", *mixed.columns]
    assert [row[1:] for row in got[1:]] == _one_by_one(mixed)
    assert [type(v) for v in got[1][-3:]] == [int, bool, str] and got.plain


def test_for_a_sheet_blanks_are_empty_text_and_changes_are_seen() -> None:
    frame = pd.DataFrame([[1.0, np.nan], [np.nan, np.nan]], columns=["a", "b"])
    assert cells(frame) == [["a", "b"], [1.0, None], [None, None]]
    with for_sheet():
        out = cells(frame)
        col = column(np.array([np.nan, 2.0]), name="p")
    assert out == [["a", "b"], [1.0, ""], ["", ""]] and out.ready
    assert col == [["p"], [""], [2.0]] and col.ready
    out.insert(1, [None, None])  # a row added by hand: no longer ready as it is
    assert not out.ready and isinstance(out, Cells)
    dated = cells(pd.DataFrame({"date": [pd.Timestamp("2024-01-31")]}))
    assert dated[1] == [dt.datetime(2024, 1, 31)] and not dated.plain
