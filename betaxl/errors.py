"""betaxl's error types and the one place their messages are worded.

Every expected failure is a :class:`BetaxlError` whose text is one line of the form
``<function>: <argument> <problem>``, for example
``ols_beta: market has 120 rows but returns has 121``.

The same core function can be reached from Python (``ols_beta``) or from an Excel cell
(``BETA_OLS``), where the arguments have other names (``market_returns``).  The front
door sets the names to show with :func:`labels`; the core words its messages with
:func:`problem`, which looks them up.  The labels live in a :class:`contextvars.ContextVar`,
so concurrent calls from several threads never see each other's names.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

__all__ = ["BetaxlError", "DataError", "InputError", "count", "labels", "problem", "public"]


class BetaxlError(ValueError):
    """An expected failure with a one-line message naming function, argument and problem."""

    def __init__(self, message: str, *, func: str = "", arg: str = "") -> None:
        super().__init__(message)
        self.func = func
        self.arg = arg


class InputError(BetaxlError):
    """An argument has the wrong type, shape, length or value."""


class DataError(BetaxlError):
    """The data are well formed but cannot support the calculation (too few rows, ...)."""


_Labels = tuple[str, Mapping[str, str]]
_LABELS: contextvars.ContextVar[_Labels | None] = contextvars.ContextVar(
    "betaxl_labels", default=None
)


@contextmanager
def labels(func: str, args: Mapping[str, str] | None = None) -> Iterator[None]:
    """Show errors raised inside the block as coming from ``func`` with renamed arguments.

    ``args`` maps core argument names to the names the caller knows
    (``{"market": "market_returns"}``).  Nested blocks keep the outermost names.
    """
    if _LABELS.get() is not None:
        yield
        return
    token = _LABELS.set((func, dict(args or {})))
    try:
        yield
    finally:
        _LABELS.reset(token)


class Arg(str):
    """A value that is an argument's name: shown under its labelled name in messages."""


class _Names(dict[str, Any]):
    """format_map helper: known values first, then argument names shown as labelled."""

    def __init__(self, values: Mapping[str, Any], names: Mapping[str, str]) -> None:
        super().__init__({key: names.get(value, value) if isinstance(value, Arg) else value
                          for key, value in values.items()})
        self._names = names

    def __missing__(self, key: str) -> str:
        return self._names.get(key, key)


def count(n: int, noun: str) -> str:
    """``n`` and its noun, singular or plural: ``count(1, "row")`` is ``"1 row"``.

    >>> count(1, "value"), count(3, "date")
    ('1 value', '3 dates')
    """
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def problem(
    func: str, arg: str, text: str, *, kind: type[BetaxlError] = InputError, **values: Any
) -> BetaxlError:
    """Build (not raise) the error ``<func>: <arg> <text>``.

    ``text`` may name other arguments as ``{market}``, shown under their labelled names,
    and values as ``{n}`` given in ``values``.  Values are inserted verbatim (so column
    names with braces in them are safe), except :class:`Arg` values, which are argument
    names and are shown labelled.
    """
    shown_func, names = _LABELS.get() or (func, {})
    message = text.format_map(_Names(values, names))
    shown_arg = names.get(arg, arg)
    return kind(f"{shown_func}: {shown_arg} {message}", func=shown_func, arg=shown_arg)


F = TypeVar("F", bound=Callable[..., Any])


def public(func_name: str) -> Callable[[F], F]:
    """Mark a public core function: its errors carry its name unless a caller set labels."""

    def wrap(fn: F) -> F:
        @wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with labels(func_name):
                return fn(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap
