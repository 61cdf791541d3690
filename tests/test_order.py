"""Order: dates newest first, out of order or twice are refused by every function.

betaxl refuses rather than sorts (README "Conventions"): another argument may be matched
to the rows by position, and sorting one of them would silently pair the wrong rows.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl import InputError

DATES = pd.date_range("2020-01-31", periods=8, freq="ME")
RNG = np.random.default_rng(3)
R = pd.DataFrame(RNG.normal(0.01, 0.03, (8, 2)), index=DATES, columns=["A", "B"])
M = pd.Series(RNG.normal(0.01, 0.02, 8), index=DATES)
P = (1 + R).cumprod() * 100


def calls(r: pd.DataFrame, m: pd.Series, p: pd.DataFrame):
    return {
        "ols_beta": lambda: bx.ols_beta(r, m),
        "rolling_beta": lambda: bx.rolling_beta(r, m, 4),
        "portfolio_returns": lambda: bx.portfolio_returns(r, [1, 1]),
        "beta_reconcile": lambda: bx.beta_reconcile(r, m, [1, 1]),
        "risk_table": lambda: bx.risk_table(r, m, periods_per_year=12),
        "equal_weight_returns": lambda: bx.equal_weight_returns(r),
        "to_returns": lambda: bx.to_returns(p),
    }


@pytest.mark.parametrize("name", list(calls(R, M, P)))
@pytest.mark.parametrize("how, words", [
    (lambda x: x.iloc[::-1], "newest first"),
    (lambda x: x.iloc[[0, 2, 1, 3, 4, 5, 6, 7]], "not in time order"),
])
def test_unordered_dates_are_refused_everywhere(name, how, words) -> None:
    call = calls(how(R), how(M), how(P))[name]
    with pytest.raises(InputError, match=rf"^{name}: \w+ has dates {words}: row \d+ \(.+\) "
                       r"is older than row \d+ \(.+\); betaxl needs them oldest first"):
        call()


@pytest.mark.parametrize("name", list(calls(R, M, P)))
def test_duplicated_dates_are_refused_everywhere(name) -> None:
    twice = [0, 1, 2, 2, 3, 4, 5, 6]
    call = calls(R.iloc[twice], M.iloc[twice], P.iloc[twice])[name]
    with pytest.raises(InputError, match=rf"^{name}: \w+ has the row label 2020-03-31 more "
                       r"than once"):
        call()


def test_a_newest_first_market_is_refused_even_with_ordered_returns() -> None:
    with pytest.raises(InputError, match=r"^ols_beta: market has dates newest first"):
        bx.ols_beta(R, M.iloc[::-1])


def test_numeric_and_period_indexes_are_checked_too() -> None:
    years = R.set_axis(list(range(2027, 2019, -1)))  # years, newest first
    with pytest.raises(InputError, match=r"returns has dates newest first"):
        bx.ols_beta(years, M.to_numpy())
    periods = R.to_period("M").iloc[::-1]
    with pytest.raises(InputError, match=r"data has dates newest first"):
        bx.equal_weight_returns(periods)
    stamps = R.set_axis([d.date() for d in DATES[::-1]])  # python dates: an object index
    with pytest.raises(InputError, match=r"returns has dates newest first"):
        bx.ols_beta(stamps, M.to_numpy())


def test_calendar_dates_out_of_order_or_twice() -> None:
    for dates in (list(DATES[::-1]), list(DATES[[0, 1, 1, 2, 3, 4, 5, 6]])):
        with pytest.raises(InputError, match=r"^portfolio_returns: dates has (dates newest "
                           r"first|the row label 2020-02-29 more than once)"):
            bx.portfolio_returns(R.to_numpy(), [1, 1], rebalance="month", dates=dates)


@pytest.mark.parametrize("gaps", [False, True])
def test_rolling_windows_never_look_ahead(gaps: bool) -> None:
    # changing the future never changes a past window's beta (beyond the last digits:
    # the refit test looks at whole blocks of rows)
    rng = np.random.default_rng(5)
    x = rng.normal(0.01, 0.02, 300)
    y = np.column_stack([1.2 * x + rng.normal(0, 0.01, 300), rng.normal(0, 0.02, 300)])
    if gaps:
        y[rng.random(y.shape) < 0.05] = np.nan
    before = bx.rolling_beta(y, x, 30, min_obs=20).to_numpy()
    y[200:] = y[200:] * 3 + 0.5
    x[200:] -= 0.3
    after = bx.rolling_beta(y, x, 30, min_obs=20).to_numpy()
    np.testing.assert_allclose(after[:200], before[:200], rtol=1e-13, atol=1e-13)
    assert not np.allclose(after[200:230], before[200:230], equal_nan=True)
    path_before = bx.portfolio_returns(R, [1, 2]).returns.to_numpy()
    path_after = bx.portfolio_returns(R.iloc[:5], [1, 2]).returns.to_numpy()
    np.testing.assert_array_equal(path_before[:5], path_after)


# A text index is ISO dates (then checked as dates), plain text, or refused before use.
UK = DATES.strftime("%d/%m/%Y")


def test_yyyymmdd_codes_as_text_are_dates_as_in_every_door() -> None:
    """'20200131' labels are yyyymmdd codes written as text (README, "Reading a table"):
    read as their dates, as the command line and the Excel functions read them; newest
    first refused by the order rule, naming the codes as read."""
    labels = DATES.strftime("%Y%m%d")
    r, m = R.set_axis(labels), M.set_axis(labels)
    np.testing.assert_array_equal(bx.ols_beta(r, m).to_frame(), bx.ols_beta(R, M).to_frame())
    np.testing.assert_array_equal(bx.risk_table(r, m).to_frame(),
                                  bx.risk_table(R, M).to_frame())  # 12 a year, inferred
    with pytest.raises(InputError, match=r"^ols_beta: returns has dates newest first: row "
                       r"2 \(20200731 = 2020-07-31\) is older than row 1 \(20200831"):
        bx.ols_beta(r[::-1], m[::-1])


@pytest.mark.parametrize("labels", [DATES.strftime("%d %B %Y")])
@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_non_iso_text_dates_are_refused_by_every_function(labels, order) -> None:
    # whichever order, never used: neither ISO, month labels nor numeric day and month
    step = 1 if order == "oldest first" else -1
    r, m = R.set_axis(labels)[::step], M.set_axis(labels)[::step]
    p = P.set_axis(labels)[::step]
    for name, call in calls(r, m, p).items():
        with pytest.raises(InputError, match=rf"^{name}: \w+ has dates written as text "
                           r"that are not ISO .*pd.to_datetime\(index, dayfirst=True\)"):
            call()


@pytest.mark.parametrize("form", ["%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%m-%d-%y"])
def test_day_and_month_read_one_way_for_the_whole_index(form) -> None:
    """31/01/2020: only day first reads every label, so the index is read day first (as
    the command line and Excel read it); newest first is refused like any dates."""
    labels = DATES.strftime(form)
    r, m = R.set_axis(labels), M.set_axis(labels)
    np.testing.assert_array_equal(bx.ols_beta(r, m).to_frame(), bx.ols_beta(R, M).to_frame())
    np.testing.assert_array_equal(bx.risk_table(r, m).to_frame(),
                                  bx.risk_table(R, M).to_frame())  # 12 a year, inferred
    np.testing.assert_array_equal(bx.portfolio_returns(r, [1, 1], rebalance="quarter").returns,
                                  bx.portfolio_returns(R, [1, 1], rebalance="quarter").returns)
    with pytest.raises(InputError, match=r"^ols_beta: returns has dates newest first"):
        bx.ols_beta(r.iloc[::-1], m.iloc[::-1])


def test_day_and_month_that_read_both_ways_are_refused_or_read_as_told() -> None:
    days = pd.DatetimeIndex([f"2020-{m:02d}-{d:02d}" for m in (1, 2) for d in (3, 6, 9, 12)])
    r = pd.DataFrame(RNG.normal(0.01, 0.03, (8, 2)), index=days, columns=["A", "B"])
    m = pd.Series(RNG.normal(0.01, 0.02, 8), index=days)
    for form, other in (("%d/%m/%Y", "%m/%d/%Y"), ("%m.%d.%y", "%d.%m.%y")):
        labels = days.strftime(form)
        text_r, text_m = r.set_axis(labels), m.set_axis(labels)
        dmy, mdy = (form, other) if form.startswith("%d") else (other, form)
        with pytest.raises(InputError, match=re.escape(
                f"ols_beta: returns holds dates such as {labels[0]!r} that read day first "
                f"and month first; betaxl does not guess: pass date_format='{dmy}' (day "
                f"first) or date_format='{mdy}' (month first)")):
            bx.ols_beta(text_r, text_m)
        got = bx.risk_table(text_r, text_m, date_format=form, periods_per_year=52)
        want = bx.risk_table(r, m, periods_per_year=52)
        pd.testing.assert_frame_equal(got.to_frame(), want.to_frame())
        with pytest.raises(InputError, match="^risk_table: returns has dates not in time "
                           "order"):  # the other order reads them too, but not rising
            bx.risk_table(text_r, text_m, date_format=other)
    with pytest.raises(InputError, match=re.escape(
            "risk_table: returns holds '31/01/2020' (row 1), which does not read as the "
            "date format '%m/%d/%Y'")):
        bx.risk_table(R.set_axis(UK), M.set_axis(UK), date_format="%m/%d/%Y")
    with pytest.raises(InputError, match="^ols_beta: date_format is 'dmy', not a date "
                       "format: give a strftime format such as '%d/%m/%Y'"):
        bx.ols_beta(r, m, date_format="dmy")


@pytest.mark.parametrize("form", ["%b %Y", "%b-%y", "%Y-%m"])
def test_month_labels_are_months_and_ordered_like_dates(form) -> None:
    # 'Jan 2020', 'Jan-20', '2020-01' are months (issue 16): their month ends
    labels = DATES.strftime(form)
    for call in calls(R.set_axis(labels), M.set_axis(labels), P.set_axis(labels)).values():
        call()  # every function reads them
    got = bx.ols_beta(R.set_axis(labels), M.set_axis(labels)).to_frame()
    np.testing.assert_allclose(got, bx.ols_beta(R, M).to_frame(), rtol=1e-12)
    got = bx.risk_table(R.set_axis(labels), M.set_axis(labels)).to_frame()  # 12 a year
    np.testing.assert_allclose(got, bx.risk_table(R, M, periods_per_year=12).to_frame(),
                               rtol=1e-12)
    r, m = R.set_axis(labels)[::-1], M.set_axis(labels)[::-1]
    with pytest.raises(InputError, match=r"^ols_beta: returns has dates newest first"):
        bx.ols_beta(r, m)


def test_text_dates_matched_against_real_dates_are_refused_not_guessed() -> None:
    # day-first text against a daily market: pandas would read 01/02 as 2 January
    daily = pd.Series(RNG.normal(0, 0.01, 400), pd.date_range("2020-01-01", periods=400))
    uk = R.set_axis(UK)  # 31/01/2020 ...: only day first reads them all
    np.testing.assert_array_equal(bx.ols_beta(uk, daily).beta, bx.ols_beta(R, daily).beta)
    firsts = pd.date_range("2020-01-01", periods=8, freq="MS")  # 01/02/2020: both ways
    with pytest.raises(InputError, match=r"^ols_beta: returns holds dates such as "
                       r"'01/01/2020' that read day first and month first"):
        bx.ols_beta(R.set_axis(firsts.strftime("%d/%m/%Y")), daily)
    with pytest.raises(InputError, match=r"^ols_beta: market holds dates such as"):
        bx.ols_beta(R.set_axis(firsts), M.set_axis(firsts.strftime("%d/%m/%Y")))


@pytest.mark.parametrize("odd", ["Total", "Average", "n/a", "x-y"])
def test_a_note_row_among_iso_dates_is_refused(odd: str) -> None:
    labels = [*DATES.strftime("%Y-%m-%d")[:-1], odd]
    r, m, p = R.set_axis(labels), M.set_axis(labels), P.set_axis(labels)
    for name, call in calls(r, m, p).items():
        with pytest.raises(InputError, match=rf"^{name}: \w+ has the row label {odd!r} "
                           "among dates"):
            call()


@pytest.mark.parametrize("blank", [np.nan, None, pd.NaT])
def test_a_missing_row_label_is_refused(blank) -> None:
    iso = list(DATES.strftime("%Y-%m-%d"))
    iso[3] = blank
    for labels in (iso, [*DATES[:3], blank, *DATES[4:]], [0.0, 1.0, 2.0, np.nan, 4, 5, 6, 7]):
        with pytest.raises(InputError, match=r"^ols_beta: returns has no label \(a missing "
                           r"date\) at row 4"):
            bx.ols_beta(R.set_axis(pd.Index(labels, dtype=object)), M.to_numpy())
    with pytest.raises(InputError, match=r"^to_returns: prices has no label"):
        bx.to_returns(P.set_axis(pd.Index(iso, dtype=object)))


def test_plain_text_labels_stay_accepted() -> None:
    labels = [f"period {i}" for i in range(8)]  # digits, but no date
    assert bx.ols_beta(R.set_axis(labels), M.set_axis(labels)).beta.to_numpy() == \
        pytest.approx(bx.ols_beta(R, M).beta.to_numpy(), abs=1e-15)


def test_units_start_weights_never_come_from_the_wrong_end() -> None:
    prices = pd.DataFrame({"A": [10.0, 11, 12], "B": [20.0, 19, 21]},
                          index=["31/03/2020", "29/02/2020", "31/01/2020"])
    with pytest.raises(InputError, match=r"^to_returns: prices has dates newest first"):
        bx.to_returns(prices)  # read day first (31/03 reads no other way), then refused
    with pytest.raises(InputError, match=r"^portfolio_returns: returns has dates newest"):
        bx.portfolio_returns(R.set_axis(UK)[::-1], [1, 1], holdings="units", prices=prices)


def test_sorted_dates_in_several_time_zones_are_in_time_order() -> None:
    stamps = [d.tz_localize("UTC") if i % 2 else d.tz_localize("Europe/London")
              for i, d in enumerate(DATES)]
    index = pd.Index(stamps, dtype=object)
    assert bx.ols_beta(R.set_axis(index), M.to_numpy()).beta.to_numpy() == \
        pytest.approx(bx.ols_beta(R, M).beta.to_numpy(), abs=0)
    with pytest.raises(InputError, match=r"has dates newest first"):
        bx.ols_beta(R.set_axis(index)[::-1], M.to_numpy())
    naive = pd.Index([*stamps[:4], *DATES[4:]], dtype=object)
    with pytest.raises(InputError, match=r"mixes dates with and without a time zone"):
        bx.ols_beta(R.set_axis(naive), M.to_numpy())


@pytest.mark.parametrize("dates, message", [
    (list(range(8)), "dates holds numbers where dates were expected"),
    (np.arange(8.0) * 1e15, "dates holds numbers where dates were expected"),
    ([True] * 8, "dates holds numbers where dates were expected"),
    (["x"] * 8, "dates has the row label x more than once"),
    ([f"p{i}" for i in range(8)], "dates must be dates, got 'p0'"),
    (list(DATES.strftime("%d %B %Y")), "dates has dates written as text that are not ISO"),
    ("2020-01-31", "dates must be a list of 8 dates"),
    (DATES[:5], "dates has 5 dates but returns has 8 rows"),
])
def test_dates_argument_must_be_dates(dates, message) -> None:
    for name, call in (
        ("portfolio_returns", lambda: bx.portfolio_returns(R.to_numpy(), [1, 1],
                                                           rebalance="quarter", dates=dates)),
        ("beta_reconcile", lambda: bx.beta_reconcile(R.to_numpy(), M.to_numpy(), [1, 1],
                                                     rebalance="quarter", dates=dates)),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(InputError, match=rf"^{name}: {message}"):
                call()


def test_dates_that_contradict_the_returns_dates_are_refused() -> None:
    shifted = DATES + pd.DateOffset(months=1)
    for name, call in (
        ("portfolio_returns", lambda: bx.portfolio_returns(R, [1, 1], rebalance="quarter",
                                                           dates=shifted)),
        ("beta_reconcile", lambda: bx.beta_reconcile(R, M, [1, 1], rebalance="quarter",
                                                     dates=shifted)),
    ):
        with pytest.raises(InputError, match=rf"^{name}: dates disagrees with the dates of "
                           r"returns at row 1 \(2020-02-29 against 2020-01-31\)"):
            call()
    # the same dates in another spelling agree
    same = bx.portfolio_returns(R, [1, 1], rebalance="quarter",
                                dates=list(DATES.strftime("%Y-%m-%d")))
    assert same.returns.equals(bx.portfolio_returns(R, [1, 1], rebalance="quarter").returns)


@pytest.mark.parametrize("index", [
    DATES.to_period("M"), pd.Index(DATES.strftime("%Y-%m-%d")),
    pd.Index([d.date() for d in DATES], dtype=object)])
def test_calendar_rebalancing_reads_any_spelling_of_dates(index) -> None:
    want = bx.portfolio_returns(R, [1, 1], rebalance="quarter").returns.to_numpy()
    got = bx.portfolio_returns(R.set_axis(index), [1, 1], rebalance="quarter")
    assert got.returns.to_numpy() == pytest.approx(want, abs=0)
    via = bx.portfolio_returns(R.to_numpy(), [1, 1], rebalance="quarter", dates=index)
    assert via.returns.to_numpy() == pytest.approx(want, abs=0)


@pytest.mark.parametrize("labels, message", [
    (pd.Index([f"2020-0{i + 1}-01T00:00:00+0{i % 2}:00" for i in range(8)]),
     "mixes kinds of dates"),
    (pd.Index([DATES[0].date(), *DATES.strftime("%Y-%m-%d")[1:]], dtype=object),
     "mixes kinds of dates"),
    (pd.Index([DATES[0].date(), "x", "y", "z", "u", "v", "w", "t"], dtype=object),
     "has the row label 'x' among dates"),
])
def test_dates_of_several_kinds_are_refused(labels, message) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, call in calls(R.set_axis(labels), M.to_numpy(), P.set_axis(labels)).items():
            with pytest.raises(InputError, match=rf"^{name}: \w+ {message}"):
                call()


def test_categorical_dates_are_dates() -> None:
    cats = pd.CategoricalIndex(DATES)
    assert bx.risk_table(R.set_axis(cats), M.to_numpy()).n_obs.equals(
        bx.risk_table(R, M).n_obs)
    with pytest.raises(InputError, match=r"^ols_beta: returns has dates newest first"):
        bx.ols_beta(R.set_axis(cats)[::-1], M.to_numpy())
