"""Shared test data: real monthly market data shipped inside a PyPI package."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

# Each xlwings runtime decides at import time what xw.func is, so its tests run in a
# process of their own: BETAXL_RUNTIME=classic pytest tests/runtimes/classic (make test).
collect_ignore = [] if os.environ.get("BETAXL_RUNTIME") else ["runtimes"]


@pytest.fixture(scope="session")
def french() -> pd.DataFrame:
    """Fama-French monthly data 1949-2017 (linearmodels.datasets.french): returns in decimals.

    Columns: MktRF (market excess return), RF (risk-free, per month), ten industry
    portfolios (NoDur ... Other) and nine size/value and size/momentum portfolios.
    """
    from linearmodels.datasets import french as ff

    data = ff.load().set_index("dates")
    data.index = pd.to_datetime(data.index)
    return data


@pytest.fixture(scope="session")
def industries(french: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Industry returns, market total return (MktRF + RF) and the risk-free rate."""
    cols = ["NoDur", "Durbl", "Manuf", "Enrgy", "Chems", "BusEq", "Telcm", "Utils",
            "Shops", "Hlth", "Money", "Other"]
    market = (french["MktRF"] + french["RF"]).rename("market")
    return french[cols], market, french["RF"]


def daily_panel(n: int = 2520, k: int = 50, missing: float = 0.0, seed: int = 1
                ) -> tuple[np.ndarray, np.ndarray]:
    """Simulated daily returns from a one-factor model, with optional random blanks."""
    rng = np.random.default_rng(seed)
    market = rng.normal(3e-4, 0.01, n)
    betas = rng.uniform(0.2, 1.8, k)
    returns = 1e-4 + market[:, None] * betas + rng.normal(0, 0.015, (n, k))
    if missing:
        returns[rng.random((n, k)) < missing] = np.nan
    return returns, market
