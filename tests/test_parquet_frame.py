"""betaxl.cli.parquet reads a Parquet file as pandas.read_parquet does, column batch by
column batch: the same frame (values, dtypes, columns, index) for every kind of file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from betaxl.cli import parquet  # noqa: E402


def _frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    n = 50
    base = pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcd"))
    base.iloc[3, 1] = np.nan
    dated = base.copy()
    dated.insert(0, "date", pd.bdate_range("2020-01-01", periods=n))
    mixed = base.copy()
    mixed["s"], mixed["i"], mixed["f32"] = "x", np.arange(n), np.float32(1.5)
    numbered, ext, named = base.copy(), base.copy(), base.copy()
    numbered.columns = [0, 1, 2, 3]
    ext["e"] = pd.array([1.5] * n, dtype="Float64")
    named.index.name = "row"
    return {"dated": dated, "date index": dated.set_index("date"), "offset": base.iloc[10:30],
            "mixed": mixed, "numbered": numbered, "extension": ext, "named": named,
            "doubles": base}


@pytest.mark.parametrize("case", list(_frames()))
def test_the_frame_pandas_reads(tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
                                ) -> None:
    monkeypatch.setattr(parquet, "_BATCH_BYTES", 8 * 50 * 2)  # two columns a batch
    path = tmp_path / "t.parquet"
    _frames()[case].to_parquet(path)
    ours, theirs = parquet.read_parquet_frame(path), pd.read_parquet(path)
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True, check_column_type=True,
                                  check_index_type=True)
    assert ours.columns.dtype == theirs.columns.dtype


def test_plain_files_take_the_batches() -> None:
    for case in ("dated", "offset", "mixed", "named", "doubles"):
        table = pa.Table.from_pandas(_frames()[case])
        assert parquet._plain(table.schema), case
    for case in ("date index", "numbered", "extension"):
        assert not parquet._plain(pa.Table.from_pandas(_frames()[case]).schema), case


def test_files_without_pandas_metadata(tmp_path: Path) -> None:
    table = pa.table({"date": pa.array(np.arange(5).astype("datetime64[D]")),
                      "x": pa.array([1.0, None, 3.0, 4.0, 5.0]), "y": pa.array([1, 2, 3, 4, 5]),
                      "z": pa.array([2.0, 2.0, None, 1.0, 0.5])})
    pq.write_table(table, tmp_path / "a.parquet", row_group_size=2)
    pd.testing.assert_frame_equal(parquet.read_parquet_frame(tmp_path / "a.parquet"),
                                  pd.read_parquet(tmp_path / "a.parquet"), check_exact=True)
