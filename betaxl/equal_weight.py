"""Equal-weighted portfolio returns: rebalanced each period, bought and held, or equal shares.

The same timing convention as :mod:`betaxl.portfolio` (beginning-of-period weights);
buy and hold is :func:`~betaxl.portfolio.portfolio_returns` with equal starting weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .data.dates import takes_date_format
from .data.options import choice
from .data.panel import Panel, as_panel
from .data.units import check_returns, in_decimals, read_units
from .data.values import ArrayLike
from .errors import problem, public
from .portfolio import portfolio_returns
from .returns import INPUT_TYPES, InputType, checked_cash, returns_from, within_range

__all__ = ["EQUAL_WEIGHT_METHODS", "EqualWeightReturns", "equal_weight_returns"]

EqualWeightMethod = Literal["rebalance", "buy_and_hold", "equal_shares"]
EQUAL_WEIGHT_METHODS: tuple[EqualWeightMethod, ...] = ("rebalance", "buy_and_hold",
                                                        "equal_shares")


@dataclass(frozen=True)
class EqualWeightReturns:
    """Equal-weighted portfolio returns and how many constituents each period used."""

    returns: pd.Series
    n_assets: pd.Series
    weights_start: pd.DataFrame  #: beginning-of-period weights behind each return
    method: str


@public("equal_weight_returns")
@takes_date_format
def equal_weight_returns(
    data: ArrayLike,
    *,
    method: EqualWeightMethod = "rebalance",
    input_type: InputType = "returns",
    distributions: ArrayLike | None = None,
    date_format: str | None = None,
    units: str | None = None,
) -> EqualWeightReturns:
    """Return of an equal-weighted portfolio of the columns of ``data``, each period.

    Parameters
    ----------
    data : shape (n, k)
        Returns, prices or log returns (``input_type``), oldest first.  Log returns are
        converted to simple returns first: averaging log returns is not a portfolio return.
    method : {"rebalance", "buy_and_hold", "equal_shares"}
        ``"rebalance"``: equal money in every constituent at the start of each period,
        i.e. the mean of the simple returns of the constituents that have a value that
        period.  ``"buy_and_hold"``: equal money at the start, then let it drift (prices
        normalised to 1 and added up).  ``"equal_shares"``: one unit of each, so weights
        follow prices (a price-weighted index); needs prices.
    input_type : {"returns", "prices", "log_returns"}
    distributions : same shape as prices, optional
        Cash per unit paid on each date, for total return (needs prices).  Buy and hold
        reinvests it in the asset that paid it; equal shares keeps one unit of each and
        counts the cash in that period's return.
    date_format : str, optional
        The strftime format of dates written as text in the row labels (and ``dates``),
        such as ``"%d/%m/%Y"``; needed when they read day first and month first.
    units : {"decimal", "percent"}, optional
        The units of the returns or log returns (never prices: refused; see
        :mod:`betaxl.data.units`): ``"percent"`` divides them by 100 when read (2.5 for
        2.5%, as in Ken French's files); results are decimals.

    Returns
    -------
    EqualWeightReturns
        ``returns`` (n rows for returns input, n - 1 for prices), ``n_assets`` used per
        period, and the beginning-of-period weights.

    Notes
    -----
    rebalance: ``R_t = (1/N_t) sum_i r_{t,i}`` over the N_t constituents present (NaN when
    N_t = 0).  buy_and_hold: ``R_t = sum_i V_{t,i} / sum_i V_{t-1,i} - 1`` with
    ``V_{0,i} = 1/N``.  equal_shares: ``R_t = sum_i (P_{t,i} + D_{t,i}) / sum_i P_{t-1,i} - 1``.

    Examples
    --------
    The seed: A 10 -> 12, B 20 -> 18, and B also pays $1.

    >>> p, d = [[10.0, 20.0], [12.0, 18.0]], [[0, 0], [0, 1.0]]
    >>> round(float(equal_weight_returns(p, input_type="prices").returns.iloc[0]), 12)
    0.05
    >>> round(float(equal_weight_returns(p, input_type="prices", distributions=d)
    ...             .returns.iloc[0]), 12)
    0.075
    >>> float(equal_weight_returns(p, method="equal_shares", input_type="prices")
    ...       .returns.iloc[0])
    0.0
    """
    how = choice(method, EQUAL_WEIGHT_METHODS, arg="method")
    kind = choice(input_type, INPUT_TYPES, arg="input_type")
    unit = read_units(units)
    if unit == "percent" and kind == "prices":
        raise problem("", "units", '"percent" is for returns; prices have no units to '
                      "divide (leave units out)")
    data = in_decimals(data, unit)
    if how == "equal_shares":
        if kind != "prices":
            raise problem("", "method", "'equal_shares' needs prices (input_type "
                          "'prices'), not {t}", t=kind)
        prices = as_panel(data, arg="data", min_rows=2)
        if np.isnan(prices.values).any():
            raise problem("", "data", "has missing prices; equal shares needs every price")
        cash = checked_cash(prices, distributions, arg="data")
        before = prices.values[:-1]
        total = before.sum(axis=1)
        with np.errstate(over="ignore"):
            ret = within_range(((prices.values[1:] + cash[1:]).sum(axis=1) - total) / total,
                               "data", "a return")
        weights = before / total[:, None]
        index = prices.index[1:] if prices.index is not None else None
        return _ew(prices, ret, np.full(len(ret), prices.k), weights, index, how)
    panel = returns_from(data, kind, arg="data", distributions=distributions)
    if kind != "prices":  # prices given as returns: refused (data.units)
        raw = panel if kind == "returns" else as_panel(data, arg="data")
        check_returns(raw.values, raw.names, "data")
    if how == "buy_and_hold":
        gaps = np.argwhere(np.isnan(panel.values))
        if gaps.size:
            raise problem("", "data", "is missing row {r} of {name!r}; buy and hold needs "
                          "every constituent's return (fill or drop that row first)",
                          r=int(gaps[0][0]) + 1, name=panel.names[int(gaps[0][1])])
        path = portfolio_returns(panel.frame(panel.values), np.ones(panel.k))
        return _ew(panel, path.returns.to_numpy(), np.full(panel.n, panel.k),
                   path.weights_start.to_numpy(), panel.index, how)
    present = ~np.isnan(panel.values)
    count = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ret = np.where(present, panel.values, 0.0).sum(axis=1) / count
        weights = np.where(present, 1.0 / count[:, None], 0.0)
    ret[count == 0] = np.nan
    return _ew(panel, ret, count, weights, panel.index, how)


def _ew(panel: Panel, ret: np.ndarray, count: np.ndarray, weights: np.ndarray,
        index: pd.Index | None, how: str) -> EqualWeightReturns:
    index = index if index is not None else pd.RangeIndex(len(ret))
    return EqualWeightReturns(
        returns=pd.Series(ret, index=index, name="equal_weight"),
        n_assets=pd.Series(np.asarray(count, dtype=np.int64), index=index, name="n_assets"),
        weights_start=panel.frame(weights, index),
        method=how,
    )
