"""Registering an Excel function: the ``@excel`` decorator, argument help and details.

Every argument is declared ``"raw"`` (both runtimes then hand over the cell values
untouched), with its help text from :data:`ARG_HELP`; the docstring is the text Excel's
function wizard shows, ``details`` the README's reference text (:data:`DETAILS`).
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from xlwings import arg, func
from xlwings.conversion import Accessor, Pipeline, ValueAccessor

from ..errors import BetaxlError
from .results import Cells, for_sheet

__all__ = ["ARG_HELP", "DETAILS", "WIZARD_LIMIT", "arg_help", "excel"]

#: What each argument means; the same name means the same thing in every function.
#: (function, argument) entries override the plain ones.  Shown by Excel's function
#: wizard and in the README's function reference.
ARG_HELP: dict[str | tuple[str, str], str] = {
    "asset_returns": "Rows are periods (oldest first), columns are assets; a first row of "
                     "text holds the names",
    "market_returns": "The market's returns (or prices), one column, same rows",
    "returns": "Returns per period, one column per portfolio; a first row of text holds "
               "the names",
    "benchmark_returns": "The benchmark's returns, one column, same rows",
    "data": "Rows are periods (oldest first), columns are assets; a first row of text "
            "holds the names",
    "prices": "Prices, oldest first, one column per asset; strictly positive",
    "weights": "One weight (or market value, or units held) per asset, a row or a column; "
               "or a schedule: dates in the first column, one row per rebalancing date, "
               "in force after the close of that date",
    "risk_free": "Optional: risk-free return per period (a number or a column), not annual",
    "stats": "Optional: FALSE (default) for betas only, TRUE for the full table",
    "input_type": 'Optional: "returns" (default), "prices" or "log_returns"',
    "rebalance": 'Optional: "none" (buy and hold, default), "period", "week" (ISO, Monday '
                 'to Sunday), "month", "quarter" or "year"',
    "dates": "Optional: a column of dates, one per data row (needed for calendar "
             "rebalancing and for a weight schedule)",
    "holdings_type": 'Optional: "weights" (default) or "units" (quantities; needs prices)',
    "detail": "Optional: TRUE adds each asset's start-of-period weight and contribution",
    "method": 'Optional: "rebalance" (default), "buy_and_hold" or "equal_shares" (prices)',
    ("RETURNS", "method"): 'Optional: "simple" (default) or "log"',
    "dividends": "Optional: cash paid per unit on each date, shaped like the prices",
    "periods_per_year": "Optional: periods in a year (12 monthly, 4 quarterly, 52 weekly, "
                        "252 daily); left out, inferred from a date column in the data "
                        "(refused without dates)",
    "window": "Rows per window, for example 36 months or 252 days",
    # issue 19
    "mar": "Optional: minimum acceptable return per period (0.005 for 0.5% a month), not "
           "annual; default 0",
    "se": 'Optional: "classical" (default) or "hac" (Newey-West standard errors, '
          't statistics and intervals)',
    "hac_lags": "Optional: lags of the Newey-West sum (with se \"hac\"); default "
                "floor(4 (n/100)^(2/9))",
    # factor betas, beta estimators and frequencies (issue 12)
    "factors": "Factor returns, one column per factor (Mkt-RF, SMB, HML, ...), same rows; "
               "a first row of text holds the names",
    ("BETA_FACTORS", "risk_free"): "Optional: risk-free return per period (a number or a "
                                   "column), taken off the asset returns only",
    "lags": "Optional: market lags and leads in the Dimson beta (default 1)",
    "halflife": "Optional: half-life of the EWMA beta's weights, in rows (blank: no EWMA)",
    ("RESAMPLE_RETURNS", "dates"): "The dates of the rows, one column, oldest first",
    "date_format": 'Optional: how dates written as text are written, as strftime does: '
                   '"%d/%m/%Y" (day first), "%m/%d/%Y" (month first); needed when they read '
                   'both ways (01/02/2024)',
    "drop_partial": "Optional: TRUE leaves out the first and last periods the data cover "
                    "only in part; FALSE (default) keeps them, flagged in partial",
    "to": 'Optional: "month" (default), "week", "quarter" or "year"',
    "annual": "An annual rate as a decimal (0.05 for 5%), or a column of them",
    ("PER_PERIOD_RATE", "periods_per_year"): "Periods in a year: 12 monthly, 52 weekly, "
                                             "252 daily, 4 quarterly",
    ("PER_PERIOD_RATE", "method"): 'Optional: "compound" (default) or "simple" (annual / '
                                   'periods)',
    # issue 16
    "units": 'Optional: "percent" (2.5 for 2.5%, risk-free and mar too) or "decimal"; '
             "blank: decimals, refused if they look like percents",
    "factor_units": 'Optional: the units of the factors and risk_free where they differ '
                    'from units: "percent" for Ken French\'s files beside decimal returns; '
                    "blank: as units",
}


def arg_help(function: str, name: str) -> str:
    """The help text of one argument of one Excel function."""
    return ARG_HELP.get((function, name)) or ARG_HELP[name]


F = TypeVar("F", bound=Callable[..., Any])

#: The longer description of each function (README reference, ``help()``); the
#: docstring itself is the short text Excel's function wizard shows.
DETAILS: dict[str, str] = {}

#: Excel's function wizard cuts descriptions at this many characters.
WIZARD_LIMIT = 255


def excel(details: str) -> Callable[[F], F]:
    """Register an Excel function: every argument raw, with its help text.

    The function's docstring is its function-wizard description (a sentence or two, at
    most 255 characters, no markup); ``details`` is the reference text.  Category
    "betaxl".  Called by xlwings, an expected failure comes back as the one-line message
    as the cell's value, in both runtimes (see the README, "When things go wrong");
    called from Python it raises.
    """
    def register(fn: F) -> F:
        summary = inspect.cleandoc(fn.__doc__ or "")
        if not summary or len(summary) > WIZARD_LIMIT or "\n" in summary or "`" in summary:
            raise ValueError(f"{fn.__name__}: the docstring must be one wizard line")
        DETAILS[fn.__name__] = inspect.cleandoc(details)

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            if not _from_a_dispatcher():
                return fn(*args, **kwargs)
            try:
                with for_sheet():
                    return fn(*args, **kwargs)
            except BetaxlError as exc:
                return str(exc)

        call.__doc__ = summary
        wrapped: Any = call
        for name in reversed(inspect.signature(fn).parameters):
            wrapped = arg(name, "raw", doc=arg_help(fn.__name__, name))(wrapped)
        return func(category="betaxl")(wrapped)

    return register


class _WriteCells:
    """The dispatchers' write step for :class:`~.results.Cells`: blanks to empty cells.

    xlwings' own write step (``ValueAccessor``) looks at every cell in Python, which
    costs more than the rest of a large spill; on plain cells it does only this, in both
    runtimes: ``None`` becomes ``""`` (rows shaped for a sheet already hold ``""``).
    Anything else (dates) takes xlwings' own step.
    """

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options

    def __call__(self, ctx: Any) -> None:
        if not getattr(ctx.value, "plain", False):
            ValueAccessor.writer(self.options)(ctx)  # type: ignore[no-untyped-call]
            return
        if ctx.value.ready:
            ctx.value = list(ctx.value)
            return
        ctx.value = [[("" if v is None else v) for v in row] if None in row else row
                     for row in ctx.value]


class _CellsAccessor(Accessor):
    @classmethod
    def writer(cls, options: dict[str, Any]) -> Any:
        return Pipeline().append_stage(_WriteCells(options))  # type: ignore[no-untyped-call]


_CellsAccessor.register(Cells)  # type: ignore[no-untyped-call]  # results of type Cells


def _from_a_dispatcher() -> bool:
    """Whether the running UDF was called by xlwings (a cell) rather than from Python.

    Both dispatchers (classic ``xlwings.udfs.call_udf``, Office.js
    ``custom_functions_call``) call the function directly, so the caller's module tells.
    In a cell the message becomes the cell's text; Python callers (the recalculation,
    scripts) get the exception.
    """
    frame = sys._getframe(2)  # 0: here, 1: the @excel wrapper, 2: its caller
    return str(frame.f_globals.get("__name__", "")).startswith("xlwings")
