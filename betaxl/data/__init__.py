"""The data room: what a caller passes is read and validated here, once.

Every public core function reads its arguments through this package first and works on
plain float arrays afterwards: numbers (:mod:`~betaxl.data.values`), tables
(:mod:`~betaxl.data.panel`), rows as dates and their order (:mod:`~betaxl.data.dates`),
matching by label (:mod:`~betaxl.data.labels`), options
(:mod:`~betaxl.data.options`) and periods per year (:mod:`~betaxl.data.periods`).

Labels, in this one place:

- rows are labelled unless they are a RangeIndex (positions); labelled rows must be
  unique and, if they are dates (also dates written as text) or numbers, oldest first:
  betaxl refuses other orders rather than sorting (:func:`~betaxl.data.dates.check_rows`);
- a labelled column (market, benchmark, risk-free rate) is matched to labelled returns
  by date; it may have more dates than the returns, never fewer
  (:func:`~betaxl.data.labels.as_column`);
- weights labelled by asset are matched by name (:func:`~betaxl.data.labels.as_weights`);
  prices and distributions by date and name (:func:`~betaxl.data.labels.align_table`);
- anything unlabelled is matched by position, and lengths must agree.

How a table is read, the same way by every door (Python API, command line, Dask, Excel
functions, recalculation), lives here too (issue 16): date labels, month labels and
yyyymm codes, header names and repeated names (:mod:`~betaxl.data.table`), the
frequency the dates imply (:mod:`~betaxl.data.periods`) and the units of a rate
(:mod:`~betaxl.data.units`); the README's "Reading a table" states the same rules.
"""
