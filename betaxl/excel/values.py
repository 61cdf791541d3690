"""What one cell holds, for both xlwings runtimes: errors, blanks, numbers, text numbers.

The UDFs declare every argument ``"raw"``, so xlwings hands over the values untouched
and this module is the one place that understands a single cell's value:

============== ======================== ===========================================
cell           classic (Windows COM)    Office.js (xlwings Lite / Server)
============== ======================== ===========================================
number         float                    float (int for whole numbers)
blank          None                     ""
error          int code (-2146826246)   {"type": "Error", "basicValue": "#N/A"}
date           datetime                 serial number (days since 1899-12-30)
1 x 1 range    the value itself         the value itself
1-row range    tuple of one tuple       a flat list
============== ======================== ===========================================

Numbers stored as text follow :func:`parse_number_text`; blanks, errors, other text and
TRUE/FALSE are missing values.  No xlwings import here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ERROR_CODES",
    "EXCEL_EPOCH",
    "cell_number",
    "data_number",
    "decimal_comma",
    "excel_serial",
    "general_format",
    "is_blank",
    "is_empty",
    "is_error",
    "is_number_text",
    "is_text",
    "parse_number_text",
    "shown",
]

#: Classic xlwings' integer codes for Excel's error values.
ERROR_CODES = {
    -2146826288: "#NULL!", -2146826281: "#DIV/0!", -2146826273: "#VALUE!",
    -2146826265: "#REF!", -2146826259: "#NAME?", -2146826252: "#NUM!",
    -2146826246: "#N/A", -2146826245: "#GETTING_DATA", -2146826243: "#SPILL!",
    -2146826238: "#CALC!", -2146826239: "#BLOCKED!", -2146826242: "#CONNECT!",
    -2146826241: "#FIELD!", -2146826240: "#UNKNOWN!", -2146826237: "#BUSY!",
    -2146826236: "#PYTHON!",
}
_ERROR_TEXT = set(ERROR_CODES.values())
#: Day 0 of Excel's date serial numbers.
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def is_error(value: Any) -> bool:
    """An Excel error value (#N/A, #DIV/0!...) as either runtime hands it over."""
    if isinstance(value, dict):
        return value.get("type") == "Error"
    if isinstance(value, str):
        return value.strip().upper() in _ERROR_TEXT
    return isinstance(value, int) and not isinstance(value, bool) and value in ERROR_CODES


def is_blank(value: Any) -> bool:
    """An empty cell or an omitted argument: None, or text of only blanks."""
    return value is None or (isinstance(value, str) and not value.strip())


def excel_serial(value: dt.date) -> float:
    """A date or date-time as Excel's serial number (days since 1899-12-30), as Excel
    itself stores it: Office.js hands dates over as these numbers already."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return (value - EXCEL_EPOCH).total_seconds() / 86400.0


def cell_number(value: Any) -> float | None:
    """The cell's number, or None when the cell is not a number (blank, text, error...).

    A date is its serial number in both runtimes (classic xlwings hands over a
    ``datetime``, Office.js the serial number itself), as in Excel's own formulas.
    """
    if isinstance(value, (bool, np.bool_)) or is_error(value):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            return float(value)
        except OverflowError:  # an int beyond float range: not a cell value
            return math.inf if value > 0 else -math.inf
    if isinstance(value, (dt.date, pd.Timestamp)) and not pd.isna(value):
        return excel_serial(value)
    return None


_NUMBER_TEXT = re.compile(
    r"""^(?P<sign>[+-])?
        (?P<digits>\d+(?:\.\d*)?|\.\d+|[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?)
        (?P<exp>[eE][+-]?\d+)?
        (?P<pct>%)?$""", re.VERBOSE)


def parse_number_text(text: str) -> float | None:
    """The number a text cell holds, or None: betaxl's one rule for numbers stored as text.

    Accepted (surrounding blanks ignored): a decimal number with an optional sign and
    exponent (``"0.5"``, ``"-1e-3"``); the minus sign may be Unicode's (U+2212) or come
    last (``"0.5-"``, as some ledgers print it); a trailing ``%`` divides by 100
    (``"2.5%"`` is 0.025); commas only as thousands separators in groups of three after
    a first group that is not 0 (``"1,234.5"``; ``"0,012"`` is a decimal comma, not 12);
    accounting negatives in brackets (``"(0.5)"``, ``"(2.5%)"``).  Anything else is not
    a number: ``"nan"``, ``"inf"``, ``"1_000"``, ``"1,5"`` (decimal comma; refused with
    a message inside data, see :func:`decimal_comma`), currency signs.  Used alike by
    both Excel runtimes.

    >>> [parse_number_text(t) for t in ["0.5", " 2.5% ", "1,234", "(0.5)", "1,5", "nan"]]
    [0.5, 0.025, 1234.0, -0.5, None, None]
    >>> [parse_number_text(t) for t in ["\u22120.0385", "0.0385-", "0,012"]]
    [-0.0385, -0.0385, None]
    """
    body = text.strip().replace("\u2212", "-")
    negative = False
    if len(body) > 2 and body[0] == "(" and body[-1] == ")":
        body, negative = body[1:-1].strip(), True
        if body[:1] in "+-" and body:
            return None  # "(-0.5)" is not a way to write a number
    elif len(body) > 1 and body[-1] == "-" and body[0] not in "+-":
        body, negative = body[:-1].rstrip(), True  # a trailing minus: "0.5-"
    match = _NUMBER_TEXT.match(body)
    if match is None:
        return None
    number = float(match["digits"].replace(",", "") + (match["exp"] or ""))
    if match["sign"] == "-":
        number = -number
    if match["pct"]:
        number /= 100.0
    if not math.isfinite(number):
        return None
    return -number if negative else number


_DECIMAL_COMMA = re.compile(r"^[(]?[+\u2212-]?\d+,\d+%?[)]?-?$")


def decimal_comma(text: str) -> bool:
    """Whether a text is a number written with a decimal comma ("0,5", "-1,25%",
    "0,012"): refused inside data rather than read as missing, or as thousands."""
    body = text.strip()
    return bool(_DECIMAL_COMMA.match(body)) and parse_number_text(body) is None


def data_number(value: Any) -> float | None:
    """A data cell's number: a number or date, or a number stored as text, else None."""
    number = cell_number(value)
    if number is None and isinstance(value, str) and not is_error(value):
        return parse_number_text(value)
    return number


def is_text(value: Any) -> bool:
    """Text that is not blank and not an error value's text."""
    return isinstance(value, str) and bool(value.strip()) and not is_error(value)


def is_number_text(value: Any) -> bool:
    """Text that reads as a number (:func:`parse_number_text`)."""
    return isinstance(value, str) and parse_number_text(value) is not None


def is_empty(value: Any) -> bool:
    """An empty cell as the runtimes hand it over: None (classic) or "" (Office.js)."""
    return value is None or value == ""


def shown(cell: Any) -> str:
    """A cell's value as messages show it, the same in both runtimes: numbers as Excel's
    General format shows them (3, not 3.0), dates as their serial numbers (Office.js
    hands dates over as nothing else), TRUE/FALSE, error codes, text quoted."""
    if is_blank(cell):
        return "blank"
    if is_error(cell):
        if isinstance(cell, dict):
            return str(cell.get("basicValue", "an error"))
        return ERROR_CODES.get(cell, str(cell)) if isinstance(cell, int) else str(cell)
    if isinstance(cell, (bool, np.bool_)):
        return "TRUE" if cell else "FALSE"
    number = cell_number(cell)
    if number is not None:
        return general_format(number)
    if isinstance(cell, str):
        return repr(cell[:40])
    return type(cell).__name__


def general_format(number: float) -> str:
    """A number as Excel's General format shows it: up to 15 significant digits."""
    if not math.isfinite(number):
        return "blank" if math.isnan(number) else ("-" if number < 0 else "") + "infinity"
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.15g}"
