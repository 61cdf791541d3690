"""Weight schedules, weekly rebalancing and trading costs in portfolio_returns.

References: PerformanceAnalytics 2.1 ``Return.portfolio(..., verbose=TRUE)``, numbers
stored by ``tests/data/pa_reference.R`` (R is not needed to run these tests).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl
from betaxl.errors import BetaxlError

DATA = Path(__file__).parent / "data"


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, index_col=0, parse_dates=True)


@pytest.fixture(scope="module")
def monthly() -> tuple[pd.DataFrame, pd.DataFrame]:
    returns = read("pa_managers.csv")[["HAM1", "HAM3", "HAM4", "SP500"]]
    return returns, read("pa_schedule_weights.csv")


def test_schedule_equals_return_portfolio(monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, schedule = monthly
    path = betaxl.portfolio_returns(returns, schedule)
    pa_returns = read("pa_schedule_returns.csv").iloc[:, 0]
    assert path.returns.index.equals(pa_returns.index)
    np.testing.assert_allclose(path.returns, pa_returns, rtol=0, atol=1e-12)
    for attr, name in (("weights_start", "bop"), ("weights_end", "eop"),
                       ("contributions", "contribution")):
        ref = read(f"pa_schedule_{name}.csv")
        np.testing.assert_allclose(getattr(path, attr)[ref.columns], ref, rtol=0, atol=1e-12)


def test_schedule_columns_are_matched_by_label(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, schedule = monthly
    shuffled = schedule[["SP500", "HAM4", "HAM1", "HAM3"]]
    a = betaxl.portfolio_returns(returns, schedule).returns
    b = betaxl.portfolio_returns(returns, shuffled).returns
    assert (a == b).all()


def test_weights_dated_between_rows_take_effect_from_the_next_row(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, schedule = monthly
    path = betaxl.portfolio_returns(returns, schedule)
    # dated 1998-07-15: July's return (dated 1998-07-31) is the first one it governs
    np.testing.assert_allclose(path.weights_start.loc["1998-07-31"], schedule.loc["1998-07-15"],
                               rtol=0, atol=1e-15)
    assert path.turnover.loc["1998-07-31"] > 0
    assert path.turnover.loc["1998-08-31"] == 0.0


def test_weekly_rebalancing_equals_rebalance_on_weeks() -> None:
    daily = read("pa_daily.csv")
    path = betaxl.portfolio_returns(daily, [0.5, 0.3, 0.2], rebalance="week")
    np.testing.assert_allclose(path.returns, read("pa_weekly_returns.csv").iloc[:, 0],
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(path.weights_start, read("pa_weekly_bop.csv"), rtol=0,
                               atol=1e-12)
    # Mondays (and a Tuesday after a Monday holiday would be too) start from the target
    mondays = path.weights_start[daily.index.day_of_week == 0]
    np.testing.assert_allclose(mondays, np.tile([0.5, 0.3, 0.2], (len(mondays), 1)),
                               rtol=0, atol=1e-15)


def test_iso_weeks_span_the_new_year() -> None:
    # 2025-12-29 (Mon) .. 2026-01-02 (Fri) is one ISO week: no reset on 1 January.
    days = pd.to_datetime(["2025-12-29", "2025-12-31", "2026-01-02", "2026-01-05"])
    r = pd.DataFrame({"a": [0.1, 0.0, 0.0, 0.0], "b": [0.0, 0.0, 0.0, 0.0]}, index=days)
    path = betaxl.portfolio_returns(r, [0.5, 0.5], rebalance="week")
    assert path.turnover.tolist()[:3] == [0.0, 0.0, 0.0]
    assert path.turnover.iloc[3] > 0
    assert path.weights_start.iloc[3].tolist() == [0.5, 0.5]


def test_cost_formula_by_hand_exact() -> None:
    # Two assets, 50/50 rebalanced every period, 25 bp on turnover.
    r = [[0.1, -0.1], [0.0, 0.2]]
    path = betaxl.portfolio_returns(r, [1, 1], rebalance="period", cost_bps=25)
    half = Fraction(1, 2)
    gross1 = half * Fraction(1, 10) - half * Fraction(1, 10)            # 0
    w_end = (half * Fraction(11, 10), half * Fraction(9, 10))           # / (1 + 0)
    turnover = abs(half - w_end[0]) + abs(half - w_end[1])             # 0.1
    gross2 = half * 0 + half * Fraction(1, 5)                           # 0.1
    net2 = (1 - Fraction(25, 10_000) * turnover) * (1 + gross2) - 1
    assert path.turnover.tolist()[0] == 0.0
    assert path.turnover.iloc[1] == pytest.approx(float(turnover), abs=1e-15)
    assert path.returns.iloc[0] == pytest.approx(float(gross1), abs=1e-15)
    assert path.returns.iloc[1] == pytest.approx(float(net2), abs=1e-15)
    assert path.cost.iloc[1] == pytest.approx(float(turnover) * 0.0025, abs=1e-15)
    assert path.growth.iloc[-1] == pytest.approx(float((1 + gross1) * (1 + net2)), abs=1e-15)


def test_no_cost_without_rebalancing() -> None:
    r = [[0.1, -0.1], [0.0, 0.2]]
    a = betaxl.portfolio_returns(r, [1, 1], cost_bps=50)
    b = betaxl.portfolio_returns(r, [1, 1])
    assert (a.returns == b.returns).all() and (a.turnover == 0).all()


def test_schedule_with_costs_charges_each_change(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, schedule = monthly
    free = betaxl.portfolio_returns(returns, schedule)
    paid = betaxl.portfolio_returns(returns, schedule, cost_bps=10)
    assert (paid.turnover > 0).sum() == 4  # four changes after the starting weights
    expected = (1 - paid.turnover * 0.001) * (1 + free.returns) - 1
    np.testing.assert_allclose(paid.returns, expected, rtol=0, atol=1e-15)
    assert (paid.weights_start.to_numpy() == free.weights_start.to_numpy()).all()


def test_inputs_are_not_modified(monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, schedule = monthly
    before = (returns.copy(), schedule.copy())
    betaxl.portfolio_returns(returns, schedule, cost_bps=5)
    pd.testing.assert_frame_equal(returns, before[0])
    pd.testing.assert_frame_equal(schedule, before[1])


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s.iloc[1:], "not before the first return"),
    (lambda s: s.iloc[::-1], "newest first|in time order"),
    (lambda s: s.rename(columns={"HAM1": "X"}), "columns must name the assets"),
    (lambda s: s.assign(HAM1=np.nan), "missing the weight"),
])
def test_bad_schedules_are_refused_in_one_line(
        monthly: tuple[pd.DataFrame, pd.DataFrame], change, message: str) -> None:
    returns, schedule = monthly
    with pytest.raises(BetaxlError, match=message) as info:
        betaxl.portfolio_returns(returns, change(schedule))
    assert "\n" not in str(info.value) and "weights" in str(info.value)


def test_schedule_needs_dates_and_weights_holdings(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, schedule = monthly
    with pytest.raises(BetaxlError, match="dates"):
        betaxl.portfolio_returns(returns.to_numpy(), schedule.set_axis(range(4), axis=1))
    with pytest.raises(BetaxlError, match="holdings"):
        betaxl.portfolio_returns(returns, schedule, holdings="units")


@pytest.mark.parametrize("bad", [-1, float("nan"), "ten", True, 10_000])
def test_bad_costs_are_refused(bad: object) -> None:
    with pytest.raises(BetaxlError, match="cost_bps"):
        betaxl.portfolio_returns([[0.1, 0.0]], [1, 1], cost_bps=bad)  # type: ignore[arg-type]


def test_beta_reconcile_accepts_a_schedule(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, schedule = monthly
    assets = returns[["HAM1", "HAM3", "HAM4"]]
    sched = schedule[["HAM1", "HAM3", "HAM4"]].iloc[[0, 1, 3, 4]]
    rec = betaxl.beta_reconcile(assets, returns["SP500"], sched)
    path = betaxl.portfolio_returns(assets, sched)
    np.testing.assert_allclose(rec.path.returns.to_numpy(), path.returns.to_numpy(),
                               rtol=0, atol=1e-15)
    # the identity of the reconciliation still holds exactly
    total = rec.weighted_beta_end + rec.timing_effect + rec.drift_effect
    assert total == pytest.approx(rec.portfolio_beta, abs=1e-12)


def _cells(frame: pd.DataFrame, corner: str = "date") -> list[list[object]]:
    """A worksheet range as xlwings gives it: a header row, dates as datetimes."""
    return ([[corner, *frame.columns]]
            + [[d.to_pydatetime(), *map(float, row)] for d, row in zip(
                frame.index, frame.to_numpy(), strict=True)])


def test_port_returns_cell_takes_a_dated_weights_table(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    from betaxl.udfs import PORT_RETURNS
    returns, schedule = monthly
    data = [list(returns.columns)] + returns.to_numpy().tolist()
    dates = [[d.to_pydatetime()] for d in returns.index]
    out = PORT_RETURNS(data, _cells(schedule), dates=dates)
    expected = read("pa_schedule_returns.csv").iloc[:, 0].to_numpy()
    assert out[0] == ["portfolio"]
    np.testing.assert_allclose([row[0] for row in out[1:]], expected, rtol=0, atol=1e-12)
    # ISO texts as dates, columns in another order
    texts = [["date", *schedule.columns[::-1]]] + [
        [d.strftime("%Y-%m-%d"), *map(float, row[::-1])]
        for d, row in zip(schedule.index, schedule.to_numpy(), strict=True)]
    again = PORT_RETURNS(data, texts, dates=dates)
    assert again == out


def test_weights_row_with_header_is_not_a_schedule() -> None:
    from betaxl.excel.weights import read_weights
    assert read_weights([["a", "b"], [0.6, 0.4]]).tolist() == [0.6, 0.4]
    assert read_weights([[45000.0], [45001.0]]).tolist() == [45000.0, 45001.0]


def test_port_returns_cell_schedule_without_dates_is_one_line(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    from betaxl.udfs import PORT_RETURNS
    returns, schedule = monthly
    data = [list(returns.columns)] + returns.to_numpy().tolist()
    with pytest.raises(BetaxlError, match="^PORT_RETURNS: dates are needed") as info:
        PORT_RETURNS(data, _cells(schedule))
    assert "\n" not in str(info.value)


def test_beta_reconcile_cell_takes_a_dated_weights_table(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    from betaxl.udfs import BETA_RECONCILE
    returns, schedule = monthly
    assets = returns[["HAM1", "HAM3", "HAM4"]]
    sched = schedule[["HAM1", "HAM3", "HAM4"]].iloc[[0, 1, 3, 4]]
    data = [list(assets.columns)] + assets.to_numpy().tolist()
    market = [["SP500"]] + [[float(v)] for v in returns["SP500"]]
    dates = [[d.to_pydatetime()] for d in returns.index]
    out = BETA_RECONCILE(data, market, _cells(sched), dates=dates)
    rec = betaxl.beta_reconcile(assets, returns["SP500"], sched)
    row = next(r for r in out if r[0] == "portfolio_beta")
    assert row[1] == pytest.approx(rec.portfolio_beta, abs=1e-12)


def test_a_schedule_read_from_a_default_csv(tmp_path: Path,
                                            monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    # pd.read_csv without parse_dates leaves the dates as texts: still a schedule.
    returns, schedule = monthly
    schedule.to_csv(tmp_path / "w.csv")
    texts = pd.read_csv(tmp_path / "w.csv", index_col=0)
    assert not isinstance(texts.index, pd.DatetimeIndex)
    a = betaxl.portfolio_returns(returns, texts).returns
    b = betaxl.portfolio_returns(returns, schedule).returns
    assert (a == b).all()


def test_time_zones_must_agree(monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, schedule = monthly
    utc = schedule.tz_localize("UTC")
    with pytest.raises(BetaxlError, match="time zone"):
        betaxl.portfolio_returns(returns, utc)
    same = betaxl.portfolio_returns(returns.tz_localize("UTC"), utc).returns
    assert (same.to_numpy() == betaxl.portfolio_returns(returns, schedule).returns.to_numpy()
            ).all()


def test_duplicate_schedule_dates_are_refused(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, schedule = monthly
    twice = pd.concat([schedule.iloc[:2], schedule.iloc[[1]]])
    with pytest.raises(BetaxlError, match="distinct|more than once"):
        betaxl.portfolio_returns(returns, twice)


def test_one_dated_row_is_buy_and_hold_and_a_row_per_period_is_constant_weights(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, _ = monthly
    w = [0.1, 0.2, 0.3, 0.4]
    once = pd.DataFrame([w], index=pd.to_datetime(["1995-12-31"]), columns=returns.columns)
    hold = betaxl.portfolio_returns(returns, w)
    np.testing.assert_allclose(betaxl.portfolio_returns(returns, once).returns, hold.returns,
                               rtol=0, atol=1e-15)
    every = pd.DataFrame([w] * len(returns), columns=returns.columns,
                         index=returns.index - pd.offsets.MonthEnd(1))
    fixed = betaxl.portfolio_returns(returns, w, rebalance="period")
    np.testing.assert_allclose(betaxl.portfolio_returns(returns, every).returns, fixed.returns,
                               rtol=0, atol=1e-15)
    # a schedule and a calendar mode together: back to the row in force every quarter
    both = betaxl.portfolio_returns(returns, once, rebalance="quarter")
    np.testing.assert_allclose(both.returns, betaxl.portfolio_returns(
        returns, w, rebalance="quarter").returns, rtol=0, atol=1e-15)


def test_weekly_rebalancing_with_a_holiday_monday() -> None:
    # Monday 2024-01-15 is missing: the week's first row (Tuesday) starts from the target.
    days = pd.to_datetime(["2024-01-11", "2024-01-12", "2024-01-16", "2024-01-17"])
    r = pd.DataFrame({"a": [0.1, 0.1, 0.1, 0.1], "b": [0.0, 0.0, 0.0, 0.0]}, index=days)
    path = betaxl.portfolio_returns(r, [0.5, 0.5], rebalance="week")
    assert path.weights_start.loc["2024-01-16"].tolist() == [0.5, 0.5]
    assert path.weights_start.loc["2024-01-17", "a"] > 0.5


def test_an_asset_added_later_may_be_missing_before(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    # HAM2 starts later in 1996: a schedule that buys it only from 1997 is fine.
    data = read("pa_managers.csv")[["HAM1", "HAM2"]]
    sched = pd.DataFrame([[1.0, 0.0], [0.5, 0.5]], columns=["HAM1", "HAM2"],
                         index=pd.to_datetime(["1995-12-31", "1996-12-31"]))
    path = betaxl.portfolio_returns(data, sched)
    assert path.returns.loc["1996-01-31"] == data.loc["1996-01-31", "HAM1"]
    early = sched.set_axis(pd.to_datetime(["1995-12-31", "1996-01-31"]))
    with pytest.raises(BetaxlError, match=r"missing row 2 \(1996-02-29\) of 'HAM2'"):
        betaxl.portfolio_returns(data, early)


def test_a_zero_sum_row_is_refused_by_its_date(
        monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    returns, schedule = monthly
    bad = schedule.copy()
    bad.loc["2001-12-31"] = [0.5, -0.5, 0.0, 0.0]
    with pytest.raises(BetaxlError, match="weights dated 2001-12-31: must add up"):
        betaxl.portfolio_returns(returns, bad)
