"""Batch work on data files: reading (CSV, Parquet, workbooks; wide or long), writing
(CSV, Parquet, xlsx; all files or none) and the Dask engine for data beyond memory."""
