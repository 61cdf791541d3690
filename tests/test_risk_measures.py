"""risk_table's PerformanceAnalytics rows against PA 2.1 on PA's own ``managers`` data.

The reference numbers were produced by ``tests/data/pa_reference.R`` (R is not needed to
run these tests).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl
from betaxl.risk import RISK_FIELDS
from betaxl.risk_measures import column_measures, drawdown_max, quantile_type7

DATA = Path(__file__).parent / "data"
FUNDS = ["HAM1", "HAM2", "HAM3", "HAM4"]


@pytest.fixture(scope="module")
def managers() -> pd.DataFrame:
    return pd.read_csv(DATA / "pa_managers.csv", index_col=0, parse_dates=True)


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return pd.read_csv(DATA / "pa_risk_measures.csv", index_col=0)


#: betaxl's name for PA's variant -> the reference file's row (PA's function's name).
PA_ROWS = {"sortino_per_period": "sortino", "up_capture_pa": "up_capture",
           "down_capture_pa": "down_capture", "calmar_full": "calmar"}


@pytest.mark.parametrize("measure", [
    "treynor", "sortino_per_period", "downside_deviation", "max_drawdown", "calmar_full",
    "var_historical", "var_gaussian", "var_modified", "es_historical", "up_capture_pa",
    "down_capture_pa", "skewness", "excess_kurtosis", "sharpe_arithmetic"])
def test_equals_performance_analytics(managers: pd.DataFrame, reference: pd.DataFrame,
                                      measure: str) -> None:
    # HAM2 starts later (missing rows): each column uses its own complete rows, like PA.
    table = betaxl.risk_table(managers[FUNDS], managers["SP500"])
    got = getattr(table, measure)
    assert list(got.index) == FUNDS
    row = PA_ROWS.get(measure, measure)
    np.testing.assert_allclose(got.to_numpy(), reference.loc[row, FUNDS].to_numpy(),
                               rtol=1e-12, atol=0)


@pytest.mark.parametrize("measure", ["treynor", "sharpe_arithmetic"])
def test_risk_free_as_performance_analytics(managers: pd.DataFrame, reference: pd.DataFrame,
                                            measure: str) -> None:
    table = betaxl.risk_table(managers[FUNDS], managers["SP500"], risk_free=managers["US3m"])
    np.testing.assert_allclose(getattr(table, measure).to_numpy(),
                               reference.loc[measure + "_rf", FUNDS].to_numpy(),
                               rtol=1e-12, atol=0)


def test_rows_are_listed() -> None:
    for name in ("treynor", "var_modified", "excess_kurtosis", "sharpe_arithmetic"):
        assert name in RISK_FIELDS


def test_hand_checked_small_series() -> None:
    # r = 0.1, -0.2, 0.05, 0.0: wealth 1.1, 0.88, 0.924, 0.924; peak 1.1.
    r = np.array([0.1, -0.2, 0.05, 0.0])
    b = np.array([0.05, -0.1, 0.02, -0.01])
    m = column_measures(r, b, np.zeros(4), 12.0, 2.0)
    assert m["max_drawdown"] == pytest.approx(0.2, abs=1e-15)  # 1.1 -> 0.88
    assert m["downside_deviation"] == pytest.approx(np.sqrt(0.04 / 4), abs=1e-15)
    assert m["sortino_per_period"] == pytest.approx((-0.05 / 4) / 0.1, abs=1e-15)
    # type 7 at 5%: position (4 - 1) 0.05 = 0.15 between -0.2 and 0.0
    assert m["var_historical"] == pytest.approx(-0.2 + 0.15 * 0.2, abs=1e-15)
    assert m["es_historical"] == pytest.approx(-0.2, abs=1e-15)
    # up rows (b > 0): 0.1, 0.05 against 0.05, 0.02; down rows the other two
    assert m["up_capture_pa"] == pytest.approx((1.1 * 1.05 - 1) / (1.05 * 1.02 - 1),
                                               abs=1e-14)
    assert m["down_capture_pa"] == pytest.approx((0.8 * 1.0 - 1) / (0.9 * 0.99 - 1),
                                                 abs=1e-14)
    assert m["treynor"] == pytest.approx((0.924 ** 3 - 1) / 2.0, abs=1e-14)


def test_symmetric_returns_have_no_skew() -> None:
    r = np.array([-0.02, -0.01, 0.0, 0.01, 0.02])
    m = column_measures(r, r, np.zeros(5), 12.0, 1.0)
    assert m["skewness"] == pytest.approx(0.0, abs=1e-12)
    # excess kurtosis of 5 equally spaced points: m4/m2^2 - 3 = 1.7 - 3
    assert m["excess_kurtosis"] == pytest.approx(1.7 - 3.0, abs=1e-12)


def test_drawdown_counts_a_first_period_loss() -> None:
    assert drawdown_max(np.array([-0.1, 0.05])) == pytest.approx(0.1, abs=1e-15)
    assert drawdown_max(np.array([0.1, 0.2])) == 0.0


def test_quantile_matches_numpy_default() -> None:
    x = np.arange(20.0)
    assert quantile_type7(x, 0.05) == pytest.approx(0.95, abs=1e-12)


def test_quantile_with_missing_rows_matches_numpy() -> None:
    from betaxl.risk_measures import _quantiles
    rng = np.random.default_rng(5)
    data = rng.normal(size=(37, 6))
    data[rng.random(data.shape) < 0.3] = np.nan
    data[:, 5] = np.nan
    data[3, 5] = 0.25  # one value
    n = (~np.isnan(data)).sum(axis=0).astype(float)
    np.testing.assert_allclose(_quantiles(data, n, 0.05),
                               np.nanquantile(data, 0.05, axis=0), rtol=0, atol=1e-15)
