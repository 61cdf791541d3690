"""How an Excel function fails: one line for the cell, worded with the Excel names.

:func:`cell_errors` runs a UDF body so that only a :class:`~betaxl.BetaxlError` comes out
(a bug becomes an :class:`InternalError`); :func:`fail` words an argument's error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from ..errors import BetaxlError, InputError, labels, problem

__all__ = ["InternalError", "cell_errors", "fail"]


class InternalError(BetaxlError):
    """A bug in betaxl, reported as one line in the cell instead of a traceback."""


@contextmanager
def cell_errors(func: str, names: Mapping[str, str] | None = None) -> Iterator[None]:
    """Run a UDF body: errors are worded with the Excel names; nothing else escapes."""
    with labels(func, names):
        try:
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
