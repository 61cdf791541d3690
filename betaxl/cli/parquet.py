"""One Parquet file as the frame ``pandas.read_parquet`` gives, in less memory.

``pandas.read_parquet`` holds the file's buffers, pyarrow's table and pandas' copy of it
at once: about five times the data's doubles on a wide file (504 x 100,000 doubles,
385 MiB, peaked at 1.9 GiB).  Here the double columns are read a batch of columns at a
time into one float array that becomes the frame's block as it is, so the peak is the
data once plus a batch.  A file this reading cannot give exactly as pandas would (pandas
metadata naming an index column, or a double column pandas would make something other
than ``float64``) is read by ``pandas.read_parquet``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["read_parquet_frame"]

_BATCH_BYTES = 32 << 20  # the columns read at once: a few tens of MB


def _pandas_metadata(schema: Any) -> dict[str, Any] | None:
    raw = (schema.metadata or {}).get(b"pandas")
    return None if raw is None else json.loads(raw)


def _plain(schema: Any) -> bool:
    """Whether the file's columns come out of pandas as they are: no index column stored,
    every double column read as ``float64``, column names unique text."""
    import pyarrow as pa

    names = schema.names
    if len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
        return False
    meta = _pandas_metadata(schema)
    if meta is None:
        return True
    if any(not isinstance(ix, dict) or ix.get("kind") != "range"
           for ix in meta.get("index_columns", [])):
        return False  # an index stored as a column: pandas makes it the frame's index
    if any(c.get("name") != c.get("field_name") for c in meta.get("columns", [])):
        return False  # a name that is not text (pandas gives the number 0 back, not "0")
    levels = meta.get("column_indexes") or []
    if len(levels) > 1 or levels and (levels[0].get("pandas_type") != "unicode" or levels[0].get(
            "numpy_type") != str(pd.Index(["a"]).dtype)):
        return False  # columns pandas would label otherwise (several levels, numbers)
    doubles = {f.name for f in schema if pa.types.is_float64(f.type)}
    return all(c.get("numpy_type") == "float64" and c.get("pandas_type") == "float64"
               for c in meta.get("columns", []) if c.get("field_name") in doubles)


def read_parquet_frame(path: Path) -> pd.DataFrame:
    """``pandas.read_parquet(path)``: the same frame (columns, dtypes, index, values)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    schema = source.schema_arrow
    if not _plain(schema):
        return pd.read_parquet(path)
    names = schema.names
    doubles = [f.name for f in schema if pa.types.is_float64(f.type)]
    double_names = set(doubles)
    others = [n for n in names if n not in double_names]
    rest = source.read(columns=others, use_pandas_metadata=True).to_pandas()
    n = source.metadata.num_rows
    block = np.empty((len(doubles), n))  # the frame's block: one row per column
    step = max(1, _BATCH_BYTES // max(8 * n, 1))
    for start in range(0, len(doubles), step):
        batch = source.read(columns=doubles[start:start + step])
        for i, col in enumerate(batch.columns):
            block[start + i] = col.to_numpy()  # nulls come as NaN, as in pandas
        del batch
    frame = pd.DataFrame(block.T, columns=doubles, index=rest.index, copy=False)
    for name in others:
        frame.insert(names.index(name), name, rest[name])
    return frame
