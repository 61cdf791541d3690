"""Ranges as they sit on a sheet, and how each xlwings runtime hands them to a UDF.

Tests build ranges from plain Python values plus two markers, :data:`BLANK` and
:class:`Err`, and the runtime adapters encode them exactly as XLWINGS.md records:

- classic (``xlwings.udfs.call_udf``): tuples of row tuples, ``None`` for blanks, integer
  codes for errors, ``datetime`` for dates, a 1 x 1 range as the bare value, and the
  "missing argument" code for an omitted optional argument;
- Office.js (``xlwings.server.custom_functions_call``): lists of rows, ``""`` for blanks,
  error dicts, serial numbers for dates, a one-row range as a flat list, and ``None``
  for an omitted optional argument.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

MISSING_ARG = -2147352572  # what classic VBA wrappers pass for an omitted optional


class _Blank:
    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()
OMIT = object()  # an optional argument left out of the formula


@dataclass(frozen=True)
class Err:
    text: str = "#N/A"


CLASSIC_CODES = {"#NULL!": -2146826288, "#DIV/0!": -2146826281, "#VALUE!": -2146826273,
                 "#REF!": -2146826265, "#NAME?": -2146826259, "#NUM!": -2146826252,
                 "#N/A": -2146826246}
OFFICE_TYPES = {"#NULL!": "Null", "#DIV/0!": "Div0", "#VALUE!": "Value", "#REF!": "Ref",
                "#NAME?": "Name", "#NUM!": "Num", "#N/A": "NotAvailable"}
EPOCH = dt.datetime(1899, 12, 30)


def rng(rows: list[list[Any]] | list[Any] | Any) -> list[list[Any]]:
    """Normalise test input to a list of rows (a flat list is a column)."""
    if isinstance(rows, (list, tuple)):
        if rows and all(isinstance(r, (list, tuple)) for r in rows):
            return [list(r) for r in rows]
        return [[v] for v in rows]
    return [[rows]]


def frame_range(frame: Any, header: bool = True) -> list[list[Any]]:
    """A DataFrame as a sheet range, with its column names as the header row."""
    rows = [list(map(str, frame.columns))] if header else []
    rows += [[float(v) for v in row] for row in frame.to_numpy()]
    return rows


def classic_cell(value: Any) -> Any:
    if value is BLANK:
        return None
    if isinstance(value, Err):
        return CLASSIC_CODES[value.text]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # COM hands every number over as a double
    return value


def office_cell(value: Any) -> Any:
    if value is BLANK:
        return ""
    if isinstance(value, Err):
        return {"type": "Error", "basicValue": value.text,
                "errorType": OFFICE_TYPES[value.text]}
    if isinstance(value, dt.datetime):
        return (value - EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return (dt.datetime(value.year, value.month, value.day) - EPOCH).days
    return value


def classic_arg(value: Any) -> Any:
    if value is OMIT:
        return MISSING_ARG
    if isinstance(value, (list, tuple)):
        rows = rng(value)
        if len(rows) == 1 and len(rows[0]) == 1:
            return classic_cell(rows[0][0])
        return tuple(tuple(classic_cell(c) for c in row) for row in rows)
    return classic_cell(value)


def office_arg(value: Any) -> Any:
    if value is OMIT:
        return None
    if isinstance(value, (list, tuple)):
        rows = rng(value)
        encoded = [[office_cell(c) for c in row] for row in rows]
        return encoded[0] if len(encoded) == 1 and len(encoded[0]) > 1 else encoded
    return [[office_cell(value)]]  # Office.js sends every argument as a matrix


def result_value(value: Any) -> Any:
    """A result cell as a comparable value: both runtimes show None/NaN as a blank."""
    if value == "" or value is None:
        return None
    return value


def read_message(func: str, cell: Any) -> Any:
    """What a test sees of a result: betaxl's one-line message is raised again.

    Both runtimes put an expected failure in the cell as its text ("BETA_OLS: ...");
    the runtime fixtures turn that text back into the error so that tests can say
    ``pytest.raises``.  The cell value itself is checked in ``test_cell_shows_the_message``.
    """
    from betaxl.errors import BetaxlError
    from betaxl.excel.failures import InternalError

    value = cell
    while isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if isinstance(value, str) and value.startswith(func + ": "):
        kind = InternalError if ": internal error (" in value else BetaxlError
        raise kind(value)
    return cell
