"""The seeds' own examples, embedded so that the demo and the tests need no files.

- ``BOND_*``: the "why don't these betas match?" question (seed 000/001): two bonds
  quoted per 100 nominal, a market index, and the notionals held.
- ``EW_*``: the equal-weight question (seed 003): A 10 -> 12, B 20 -> 18, and B pays $1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "BOND_MARKET",
    "BOND_NOTIONALS",
    "BOND_PRICES",
    "EW_DIVIDENDS",
    "EW_PRICES",
    "bond_units",
    "multi_asset_prices",
    "multi_factors",
    "multi_schedule",
]

BOND_PRICES = pd.DataFrame({
    "bond_one": [100, 96, 102, 88, 96, 101, 120, 110, 105, 107, 106],
    "bond_two": [98, 102, 88, 95, 105, 100, 101, 99, 104, 108, 112],
}, dtype=float)
BOND_MARKET = pd.Series([1000, 1004, 1000, 1010, 1020, 1000, 990, 995, 1005, 1025, 1035],
                        name="mkt", dtype=float)
BOND_NOTIONALS = pd.Series({"bond_one": 2_500_000.0, "bond_two": 6_500_000.0})

EW_PRICES = pd.DataFrame({"A": [10.0, 12.0], "B": [20.0, 18.0]})
EW_DIVIDENDS = pd.DataFrame({"A": [0.0, 0.0], "B": [0.0, 1.0]})


def bond_units() -> pd.Series:
    """Units held: bonds are quoted per 100 nominal, so units = notional / 100."""
    return BOND_NOTIONALS / 100.0


def multi_asset_prices(n_months: int = 48, seed: int = 7) -> tuple[pd.DataFrame, pd.Series]:
    """A larger example: month-end prices of five assets and a market index.

    Simulated from a one-factor model with a fixed seed, so it is the same everywhere.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2021-01-31", periods=n_months + 1, freq="ME")
    market_r = rng.normal(0.007, 0.045, n_months)
    betas = np.array([0.6, 0.9, 1.0, 1.2, 1.5])
    noise = rng.normal(0.0, 0.03, (n_months, betas.size))
    asset_r = 0.001 + market_r[:, None] * betas + noise
    start = np.array([50.0, 120.0, 35.0, 80.0, 15.0])
    prices = np.vstack([start, start * np.cumprod(1 + asset_r, axis=0)])
    market = np.concatenate([[4000.0], 4000.0 * np.cumprod(1 + market_r)])
    names = ["utilities", "staples", "industrials", "tech", "biotech"]
    return (pd.DataFrame(np.round(prices, 2), index=dates, columns=names),
            pd.Series(np.round(market, 2), index=dates, name="market"))


def multi_factors(n_months: int = 48, seed: int = 11) -> pd.DataFrame:
    """Factor returns for the larger example, one row per monthly return (illustrative).

    ``Mkt`` is the market index's own return; ``SMB`` and ``HML`` are simulated with a
    fixed seed and rounded to basis points, standing in for Fama-French factors.
    """
    _, market = multi_asset_prices(n_months)
    mkt = (market.to_numpy()[1:] - market.to_numpy()[:-1]) / market.to_numpy()[:-1]
    rng = np.random.default_rng(seed)
    other = np.round(rng.normal(0.001, 0.025, (n_months, 2)), 4)
    return pd.DataFrame({"Mkt": np.round(mkt, 6), "SMB": other[:, 0], "HML": other[:, 1]},
                        index=market.index[1:])


def multi_schedule() -> pd.DataFrame:
    """A weight schedule for the larger example: new target weights each January.

    Weights dated d take effect after the close of d (PerformanceAnalytics'
    ``Return.portfolio`` convention); the first row is the starting allocation.
    """
    dates = pd.to_datetime(["2021-01-31", "2022-01-31", "2023-01-31", "2024-01-31"])
    names = ["utilities", "staples", "industrials", "tech", "biotech"]
    return pd.DataFrame([[0.15, 0.25, 0.20, 0.25, 0.15], [0.20, 0.20, 0.20, 0.20, 0.20],
                         [0.10, 0.20, 0.20, 0.30, 0.20], [0.25, 0.25, 0.20, 0.20, 0.10]],
                        index=pd.DatetimeIndex(dates, name="date"), columns=names)
