"""How an Excel function fails: one line for the cell, worded with the Excel names.

:func:`cell_errors` runs a UDF body so that only a :class:`~betaxl.BetaxlError` comes out
(a bug becomes an :class:`InternalError`); :func:`fail` words an argument's error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..data.table import check_format, date_format
from ..errors import BetaxlError, InputError, labels, problem

__all__ = ["EXCEL_FORMAT", "InternalError", "cell_errors", "fail"]

#: How the Excel functions spell the explicit date format (their last argument).
EXCEL_FORMAT = 'date_format "{}"'


class InternalError(BetaxlError):
    """A bug in betaxl, reported as one line in the cell instead of a traceback."""


@contextmanager
def cell_errors(func: str, names: Mapping[str, str] | None = None,
                dates: Any = None) -> Iterator[None]:
    """Run a UDF body: errors are worded with the Excel names; nothing else escapes.
    ``dates``: the function's ``date_format`` argument (blank: none), the strftime format
    every date text of its ranges follows (:func:`betaxl.data.table.date_format`)."""
    with labels(func, names):
        fmt = dates
        while isinstance(fmt, (list, tuple)) and len(fmt) == 1:
            fmt = fmt[0]  # a 1 x 1 range
        fmt = None if fmt is None or (isinstance(fmt, str) and not fmt.strip()) else fmt
        try:
            check_format(fmt, EXCEL_FORMAT)
        except ValueError:
            raise fail("date_format", f"is {fmt!r}, not a date format: give a strftime "
                       "format such as \"%d/%m/%Y\"") from None
        try:
            with date_format(fmt, EXCEL_FORMAT):
                yield
        except BetaxlError:
            raise
        except (MemoryError, RecursionError) as exc:
            raise InputError(f"{func}: the ranges are too large to compute "
                             f"({type(exc).__name__})", func=func) from exc
        except Exception as exc:  # a bug: one line for the cell, the cause chained
            text = str(exc).splitlines()[0][:120] if str(exc) else ""
            raise InternalError(f"{func}: internal error ({type(exc).__name__}: {text}); "
                                f"please report it", func=func) from exc


def fail(arg: str, text: str) -> BetaxlError:
    """An input error for an Excel argument, worded already (cell text may hold braces).

    The function's name comes from the labels set by :func:`cell_errors`.
    """
    return problem("", arg, text.replace("{", "{{").replace("}", "}}"))
