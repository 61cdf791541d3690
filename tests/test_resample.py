"""resample_returns and per_period_rate: exact arithmetic, pandas' calendar, edges."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.errors import InputError


def _daily(start: str, periods: int, k: int = 3, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.bdate_range(start, periods=periods)
    return pd.DataFrame(rng.normal(3e-4, 0.01, (periods, k)), index=index,
                        columns=[f"a{j}" for j in range(k)])


@pytest.mark.parametrize("to, code", [("week", "W-SUN"), ("month", "M"),
                                      ("quarter", "Q-DEC"), ("year", "Y-DEC")])
def test_compounds_within_each_calendar_period(to: str, code: str) -> None:
    """Against exact products in rational arithmetic, per pandas' calendar periods."""
    r = _daily("2019-12-20", 600)
    out = bx.resample_returns(r, to=to)
    groups = r.groupby(r.index.to_period(code))
    assert len(out.returns) == groups.ngroups
    for (period, block), (_, row) in zip(groups, out.returns.iterrows()):
        assert row.name == block.index[-1]
        for col in r:
            exact = np.prod([1 + Fraction(v) for v in block[col]]) - 1
            # the sum's own conditioning: a few ulps of each term, whatever the method
            bound = 4 * len(block) * np.finfo(float).eps * block[col].abs().sum()
            assert row[col] == pytest.approx(float(exact), rel=1e-14, abs=bound)
    assert out.rows.sum() == len(r)
    assert list(out.period) == [str(p) for p in groups.groups]


def test_partial_first_and_last_periods_are_kept_and_reported() -> None:
    r = _daily("2024-01-10", 60)  # starts mid-January, ends early April
    out = bx.resample_returns(r, to="month")
    assert list(out.period) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert list(out.partial) == [True, False, False, True]
    full = _daily("2024-01-01", 66)  # Mon 1 Jan .. Mon 1 Apr
    assert list(bx.resample_returns(full, to="month").partial) == [False, False, False, True]
    march = _daily("2024-01-01", 65)  # ends Fri 29 Mar, the last business day
    assert not bx.resample_returns(march, to="month").partial.any()


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_monthly_data_to_quarters_and_years(unit: str) -> None:
    """Any datetime unit (CSV readers and Parquet give microseconds or seconds)."""
    index = pd.date_range("2020-01-31", periods=24, freq="ME").as_unit(unit)
    r = pd.Series(0.01, index=index, name="fund")
    q = bx.resample_returns(r, to="quarter")
    np.testing.assert_allclose(q.returns["fund"], 1.01 ** 3 - 1, rtol=1e-14)
    assert not q.partial.any()
    late = bx.resample_returns(r.iloc[1:-1], to="year")  # Feb 2020 .. Nov 2021
    assert list(late.partial) == [True, True] and list(late.rows) == [11, 11]
    frame = late.to_frame()
    assert frame.columns.tolist() == ["period", "rows", "partial", "fund"]


def test_missing_values_make_the_period_missing_never_zero() -> None:
    r = _daily("2024-01-01", 45)
    r.iloc[3, 0] = np.nan
    out = bx.resample_returns(r, to="month")
    assert np.isnan(out.returns.iloc[0, 0])
    assert np.isfinite(out.returns.iloc[1, 0]) and np.isfinite(out.returns.iloc[0, 1])


def test_total_loss_and_tiny_returns() -> None:
    index = pd.to_datetime(["2024-01-05", "2024-01-12", "2024-02-02"])
    r = pd.DataFrame({"a": [-1.0, 0.5, 0.1], "b": [1e-18, 1e-18, 0.0]}, index=index)
    out = bx.resample_returns(r, to="month")
    assert out.returns["a"].tolist() == [-1.0, pytest.approx(0.1)]
    assert out.returns["b"].iloc[0] == pytest.approx(2e-18, rel=1e-12)  # 1 + r would lose it


def test_dates_argument_and_errors() -> None:
    dates = ["2024-01-31", "2024-02-29", "2024-03-31"]
    out = bx.resample_returns([0.1, 0.1, 0.1], to="quarter", dates=dates)
    assert out.returns.iloc[0, 0] == pytest.approx(0.331)
    with pytest.raises(InputError, match="^resample_returns: returns needs a DatetimeIndex"):
        bx.resample_returns([0.1, 0.2])
    with pytest.raises(InputError, match=r"^resample_returns: dates row 3 \(2024-01-01\) is "
                                         r"earlier than the row before"):
        bx.resample_returns([0.1] * 3, dates=["2024-01-31", "2024-02-29", "2024-01-01"])
    with pytest.raises(InputError, match="repeats the date before it"):
        bx.resample_returns([0.1] * 2, dates=["2024-01-31", "2024-01-31"])
    with pytest.raises(InputError, match="^resample_returns: dates has 2 dates but returns "
                                         "has 3 rows"):
        bx.resample_returns([0.1] * 3, dates=dates[:2])
    with pytest.raises(InputError, match=r"below -100%"):
        bx.resample_returns([0.1, -1.5, 0.0], dates=dates)
    with pytest.raises(InputError, match="^resample_returns: to must be one of"):
        bx.resample_returns([0.1] * 3, dates=dates, to="fortnight")


def test_input_is_not_modified_and_timezones_are_dropped() -> None:
    r = _daily("2024-01-01", 30)
    before = r.copy()
    bx.resample_returns(r, to="week")
    pd.testing.assert_frame_equal(r, before)
    aware = r.tz_localize("America/New_York")
    np.testing.assert_array_equal(bx.resample_returns(aware, to="week").returns,
                                  bx.resample_returns(r, to="week").returns)


def test_per_period_rate_by_hand() -> None:
    assert bx.per_period_rate(0.21, 2) == pytest.approx(0.1, rel=1e-15)  # 1.1^2 = 1.21
    assert bx.per_period_rate(0.06, 12, method="simple") == 0.005
    monthly = bx.per_period_rate(0.05, 12)
    assert (1 + monthly) ** 12 - 1 == pytest.approx(0.05, rel=1e-14)
    assert bx.per_period_rate(1e-12, 252) == pytest.approx(1e-12 / 252, rel=1e-9)
    s = pd.Series([0.0, 0.21, np.nan], index=list("xyz"), name="rf")
    out = bx.per_period_rate(s, 2)
    assert isinstance(out, pd.Series) and out.name == "rf" and list(out.index) == list("xyz")
    assert out.iloc[0] == 0.0 and np.isnan(out.iloc[2])
    arr = bx.per_period_rate(np.array([0.21, 0.44]), 2)
    np.testing.assert_allclose(arr, [0.1, 0.2], rtol=1e-14)


def test_per_period_rate_errors() -> None:
    with pytest.raises(InputError, match="^per_period_rate: periods_per_year must be a "
                                         "positive number, got 0"):
        bx.per_period_rate(0.05, 0)
    with pytest.raises(InputError, match="^per_period_rate: annual has a rate of -100%"):
        bx.per_period_rate(-1.0, 12)
    assert bx.per_period_rate(-1.0, 12, method="simple") == pytest.approx(-1 / 12)
    with pytest.raises(InputError, match="^per_period_rate: method must be one of"):
        bx.per_period_rate(0.05, 12, method="continuous")
    with pytest.raises(InputError, match="^per_period_rate: annual has a non-numeric"):
        bx.per_period_rate("5%", 12)
