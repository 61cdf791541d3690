"""The template's Output sheet: one table per example, a formula with the result it gives.

The results are computed here (by the betaxl functions) only to size each formula's
spill range.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..examples import BOND_MARKET, BOND_NOTIONALS, BOND_PRICES, EW_DIVIDENDS, EW_PRICES
from ..excel import functions as udfs

__all__ = ["Column", "output_blocks"]


def _cells(frame: pd.DataFrame | pd.Series, header: bool = True) -> list[list[Any]]:
    """A frame as the cells a range over it holds (header row of names first)."""
    table = frame.to_frame() if isinstance(frame, pd.Series) else frame
    body = [[v.to_pydatetime() if isinstance(v, pd.Timestamp) else float(v) for v in row]
            for row in table.itertuples(index=False)]
    return ([[str(c) for c in table.columns]] if header else []) + body


Column = tuple[str, str, Any]


def output_blocks(prices: pd.DataFrame, market: pd.Series, weights: np.ndarray,
                   factors: pd.DataFrame | None = None, schedule: pd.DataFrame | None = None
                   ) -> list[tuple[str, list[Column]]]:
    """The Output sheet: (title, [(label, formula, what betaxl gives)]) per table.

    The results are computed here only to size each formula's spill range.
    """
    bonds, index = _cells(BOND_PRICES), _cells(BOND_MARKET)
    units = [[float(v) / 100 for v in BOND_NOTIONALS]]
    ew, cash = _cells(EW_PRICES), _cells(EW_DIVIDENDS)
    multi = _cells(prices.reset_index(drop=True))
    mkt = _cells(market.reset_index(drop=True).to_frame())
    dates = [["date"]] + [[d.to_pydatetime()] for d in prices.index]
    w = [[float(v) for v in weights]]
    ew_columns = [
        (f"{method} ({what})",
         f'=EQUAL_WEIGHT_RETURN(ew_prices,"{method}","prices"{",ew_dividends" if cash_on else ""})',
         udfs.EQUAL_WEIGHT_RETURN(ew, method, "prices", cash if cash_on else None))
        for method in ("rebalance", "buy_and_hold", "equal_shares")
        for what, cash_on in (("price", False), ("total", True))]
    blocks: list[tuple[str, list[Column]]] = [
        ("Bond returns", [("", "=RETURNS(bond_prices)", udfs.RETURNS(bonds))]),
        ("Bond portfolio bought and held, with weights and contributions",
         [("", '=PORT_RETURNS(bond_prices,bond_units,"none","prices",,"units",TRUE)',
           udfs.PORT_RETURNS(bonds, units, "none", "prices", None, "units", True))]),
        ("Bond portfolio rebalanced every period",
         [("", '=PORT_RETURNS(bond_prices,bond_units,"period","prices",,"units")',
           udfs.PORT_RETURNS(bonds, units, "period", "prices", None, "units"))]),
        ("Bond betas", [("", '=BETA_OLS(bond_prices,bond_market,,TRUE,"prices")',
                         udfs.BETA_OLS(bonds, index, None, True, "prices"))]),
        ("Why the portfolio beta is not the weighted sum of the bond betas",
         [("", '=BETA_RECONCILE(bond_prices,bond_market,bond_units,"none","prices","units")',
           udfs.BETA_RECONCILE(bonds, index, units, "none", "prices", "units"))]),
        ("Equal-weighted total return (A 10 -> 12, B 20 -> 18, B pays $1)", ew_columns),
        ("Five assets, equal weight",
         [(method, f'=EQUAL_WEIGHT_RETURN(multi_prices,"{method}","prices")',
           udfs.EQUAL_WEIGHT_RETURN(multi, method, "prices"))
          for method in ("rebalance", "buy_and_hold", "equal_shares")]),
        ("Five-asset portfolio: buy and hold, monthly, quarterly and yearly rebalancing",
         [(mode, f'=PORT_RETURNS(multi_prices,multi_weights,"{mode}","prices",multi_dates)',
           udfs.PORT_RETURNS(multi, w, mode, "prices", dates))
          for mode in ("none", "month", "quarter", "year")]),
        ("Five-asset betas", [("", '=BETA_OLS(multi_prices,multi_market,,TRUE,"prices")',
                               udfs.BETA_OLS(multi, mkt, None, True, "prices"))]),
        ("Five-asset portfolio bought and held, reconciled",
         [("", '=BETA_RECONCILE(multi_prices,multi_market,multi_weights,"none","prices")',
           udfs.BETA_RECONCILE(multi, mkt, w, "none", "prices"))]),
        ("Risk table, monthly (t = 12), on the returns of the prices",
         [("", "=RISK_TABLE(RETURNS(multi_prices),RETURNS(multi_market),,12)",
           udfs.RISK_TABLE(udfs.RETURNS(multi), udfs.RETURNS(mkt), None, 12))]),
        ("Rolling 12-month betas",
         [("", '=BETA_ROLLING(multi_prices,multi_market,12,"prices")',
           udfs.BETA_ROLLING(multi, mkt, 12, "prices"))]),
    ]
    if factors is not None:
        fac = [list(factors.columns), *factors.to_numpy().tolist()]
        blocks.append(("Five assets on three factors (Mkt, SMB, HML; illustrative data): "
                       "alpha, loadings, standard errors, t, R²",
                       [("", '=BETA_FACTORS(multi_prices,multi_factors,,"prices")',
                         udfs.BETA_FACTORS(multi, fac, None, "prices"))]))
        blocks.append(("Eight beta estimates per asset (OLS, Blume, Vasicek, Dimson with one "
                       "lag and lead, Scholes-Williams, bull, bear, EWMA with a 12-month "
                       "half-life)",
                       [("", '=BETA_ESTIMATES(multi_prices,multi_market,1,12,,"prices")',
                         udfs.BETA_ESTIMATES(multi, mkt, 1, 12, None, "prices"))]))
    if schedule is not None:
        sched = [["date", *schedule.columns],
                 *[[d.to_pydatetime(), *map(float, row)]
                   for d, row in zip(schedule.index, schedule.to_numpy(), strict=False)]]
        blocks.append(("Five-asset portfolio on a weight schedule (new weights after the "
                       "close of each dated row), with weights and contributions",
                       [("", '=PORT_RETURNS(multi_prices,multi_schedule,"none","prices",'
                             'multi_dates,,TRUE)',
                         udfs.PORT_RETURNS(multi, sched, "none", "prices", dates, None,
                                           True))]))
    return blocks
