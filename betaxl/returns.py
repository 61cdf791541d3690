"""Prices to returns: simple or log, price or total return.

This module is the only place in betaxl where prices become returns; every other
function that accepts prices calls :func:`to_returns`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from .data.labels import align_table
from .data.options import choice
from .data.panel import Panel, as_array, as_panel
from .data.values import MAX_MAGNITUDE, ArrayLike, no_total_loss
from .errors import Arg, labels, problem, public

__all__ = ["log_to_simple", "price_returns", "simple_to_log", "to_returns"]

ReturnMethod = Literal["simple", "log"]
RETURN_METHODS: tuple[ReturnMethod, ...] = ("simple", "log")
InputType = Literal["returns", "prices", "log_returns"]
INPUT_TYPES: tuple[InputType, ...] = ("returns", "prices", "log_returns")


def checked_cash(prices: Panel, distributions: ArrayLike | None = None, *,
                 arg: str = "prices") -> np.ndarray:
    """Check that prices are positive; the cash paid per unit on each row (0 if none).

    ``distributions`` is cash paid per unit with the price of row t; a missing
    distribution means none was paid.  A labelled table is matched to the prices by
    date and asset name, and may list only the dates and assets that paid; a date or
    asset the prices lack is refused (the cash would be lost).
    """
    values = prices.values
    positive = values[~np.isnan(values)]
    if positive.size and positive.min() <= 0:
        row, col = np.argwhere(values <= 0)[0]
        raise problem("", arg, "must be positive; row {r}, column {c} holds {v!r}",
                      r=int(row) + 1, c=prices.names[col], v=float(values[row, col]))
    if distributions is None:
        return np.zeros_like(values)
    dist = as_panel(align_table(distributions, prices, arg="distributions", like=arg,
                                fill=0.0), arg="distributions")
    if dist.values.shape != values.shape:
        raise problem("", "distributions", "is {a} x {b} but {p} is {c} x {d}",
                      a=dist.n, b=dist.k, c=prices.n, d=prices.k, p=Arg(arg))
    cash = np.nan_to_num(dist.values, nan=0.0)
    if (cash < 0).any():
        raise problem("", "distributions", "must not be negative")
    return cash


def price_returns(prices: Panel, distributions: ArrayLike | None = None, *,
                  arg: str = "prices") -> np.ndarray:
    """Simple returns ``(P_t + D_t - P_{t-1}) / P_{t-1}``, (n-1, k); NaN where a price is missing.

    Written as a difference over the old price rather than ``P_t / P_{t-1} - 1``: the
    difference of two close prices is exact, so a small return keeps all its digits
    (the ratio form rounds near 1 and then cancels, losing up to 1e-11 relative).
    """
    cash = checked_cash(prices, distributions, arg=arg)
    values = prices.values
    with np.errstate(over="ignore"):
        simple = ((values[1:] + cash[1:]) - values[:-1]) / values[:-1]
    return within_range(simple, arg, "a return")


def log_price_returns(prices: Panel, simple: np.ndarray,
                      distributions: ArrayLike | None = None) -> np.ndarray:
    """``ln((P_t + D_t) / P_{t-1})``: ``log1p`` of the simple return where it is precise,
    the difference of the logs where the price fell by more than half (so that a fall
    to a denormal price is a large negative number, not minus infinity)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.log1p(simple)
        values = prices.values
        cash = checked_cash(prices, distributions)
        large = np.log(values[1:] + cash[1:]) - np.log(values[:-1])
    return np.where(simple > -0.5, small, large)


def within_range(values: np.ndarray, arg: str, what: str) -> np.ndarray:
    """Refuse converted values beyond the magnitudes betaxl accepts (see MAX_MAGNITUDE)."""
    big = np.abs(values) > MAX_MAGNITUDE
    if big.any():
        row = int(np.argwhere(big)[0][0]) + 1
        raise problem("", arg, "gives {what} beyond 1e100 at row {r}; check the data "
                      "and input_type", what=what, r=row)
    return values


@public("to_returns")
def to_returns(
    prices: ArrayLike,
    *,
    method: ReturnMethod = "simple",
    distributions: ArrayLike | None = None,
) -> pd.DataFrame:
    """Turn a table of prices into per-period returns, one column per asset.

    Parameters
    ----------
    prices : DataFrame, Series or array, shape (n, k)
        Prices, oldest first, strictly positive.  Missing prices are NaN.
    method : {"simple", "log"}
        ``"simple"``: ``(P_t + D_t) / P_{t-1} - 1``; ``"log"``: ``ln((P_t + D_t) / P_{t-1})``
        (computed as ``(P_t + D_t - P_{t-1}) / P_{t-1}`` and its ``log1p``, which keep
        every digit of small returns).
    distributions : same shape as ``prices``, optional
        Cash paid per unit on the date of row t (dividends, coupons), for total return.
        A blank or NaN distribution means nothing was paid.

    Returns
    -------
    DataFrame, shape (n - 1, k)
        Returns for rows 2..n; the index is the prices' index without its first entry.

    Raises
    ------
    InputError
        Non-positive prices, negative distributions, mismatched shapes, fewer than 2 rows.

    Notes
    -----
    A return needs both its prices: a missing price makes the return of its own row and
    of the next row missing (no return is spread over two periods).

    Examples
    --------
    >>> to_returns([[10.0, 20.0], [12.0, 18.0]], distributions=[[0, 0], [0, 1.0]])
       prices_1  prices_2
    0       0.2     -0.05
    """
    panel = as_panel(prices, arg="prices", min_rows=2)
    method = choice(method, RETURN_METHODS, arg="method")
    simple = price_returns(panel, distributions)
    out = log_price_returns(panel, simple, distributions) if method == "log" else simple
    index = panel.index[1:] if panel.index is not None else pd.RangeIndex(len(out))
    return panel.frame(out, index=index)


def log_to_simple(log_returns: ArrayLike) -> np.ndarray | pd.DataFrame | pd.Series:
    """Convert log returns to simple returns: ``exp(l) - 1`` (pandas in, pandas out).

    >>> round(float(log_to_simple(np.log(1.05))), 12)
    0.05
    """
    with labels("log_to_simple"):
        values = as_array(log_returns, arg="log_returns")
        with np.errstate(over="ignore"):
            out = within_range(np.expm1(values), "log_returns", "a simple return")
    return _like(log_returns, out)


def simple_to_log(returns: ArrayLike) -> np.ndarray | pd.DataFrame | pd.Series:
    """Convert simple returns to log returns: ``ln(1 + r)``; returns at or below -100% are refused.

    >>> round(float(simple_to_log(0.05)), 12)
    0.048790164169
    """
    with labels("simple_to_log"):
        values = as_array(returns, arg="returns")
        if (values <= -1).any():
            raise problem("", "returns", "has a return at or below -100%")
    return _like(returns, np.log1p(values))


def _like(data: ArrayLike, values: np.ndarray) -> np.ndarray | pd.DataFrame | pd.Series:
    """``values`` in the pandas shape of ``data`` (same index and names), else as is."""
    if isinstance(data, pd.DataFrame):
        return pd.DataFrame(values, index=data.index, columns=data.columns)
    if isinstance(data, pd.Series):
        return pd.Series(values, index=data.index, name=data.name)
    return values


def returns_from(data: ArrayLike, input_type: str, *, arg: str,
                 distributions: ArrayLike | None = None) -> Panel:
    """Read ``data`` as returns, prices or log returns and give simple returns.

    The single door every function with an ``input_type`` goes through.
    """
    kind = choice(input_type, INPUT_TYPES, arg="input_type")
    if kind == "prices":
        panel = as_panel(data, arg=arg, min_rows=2)
        simple = price_returns(panel, distributions, arg=arg)
        index = panel.index[1:] if panel.index is not None else None
        return Panel(simple, panel.names, index)
    if distributions is not None:
        raise problem("", "distributions", "needs prices (input_type 'prices'), not {t}",
                      t=kind)
    panel = as_panel(data, arg=arg)
    if kind == "log_returns":
        with np.errstate(over="ignore"):
            simple = np.expm1(panel.values)
        return Panel(within_range(simple, arg, "a simple return"), panel.names, panel.index)
    no_total_loss(panel.values, arg)
    return panel
