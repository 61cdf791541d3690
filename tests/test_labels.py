"""Labels are honoured: labelled arguments are matched to the returns by label, or refused.

The rule (README "Conventions"): rows carry labels unless they are a RangeIndex; columns
carry labels when they are a DataFrame's named columns.  A labelled argument may cover
more dates than the returns (the extra dates are ignored), never fewer; weights must
name every asset exactly once; unlabelled arrays are matched by position.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import betaxl as bx
from betaxl import InputError

DATES = pd.date_range("2020-01-31", periods=6, freq="ME")
R = pd.DataFrame({"A": [0.01, 0.02, -0.01, 0.03, 0.0, 0.01],
                  "B": [0.02, -0.01, 0.0, 0.01, 0.02, -0.02]}, index=DATES)
M = pd.Series([0.01, 0.015, -0.02, 0.02, 0.0, 0.01], index=DATES, name="market")


@pytest.mark.parametrize("weights", [
    pd.Series({"B": 0.2, "A": 0.8}),
    {"B": 0.2, "A": 0.8},
    pd.DataFrame({"B": [0.2], "A": [0.8]}),               # one row, named columns
    pd.DataFrame({"w": [0.2, 0.8]}, index=["B", "A"]),    # one column, named rows
])
def test_weights_by_name_not_position(weights) -> None:
    path = bx.portfolio_returns(R, weights, rebalance="period")
    assert path.weights_start.iloc[0].to_dict() == {"A": 0.8, "B": 0.2}
    # hand arithmetic, row 1: 0.8 * 0.01 + 0.2 * 0.02 = 0.012
    assert path.returns.iloc[0] == pytest.approx(0.012, abs=1e-15)
    rec = bx.beta_reconcile(R, M, weights, rebalance="period")
    assert rec.assets.weight_start.to_dict() == {"A": 0.8, "B": 0.2}


def test_unlabelled_weights_are_positional() -> None:
    for weights in ([0.2, 0.8], np.array([0.2, 0.8]), pd.Series([0.2, 0.8])):
        path = bx.portfolio_returns(R, weights, rebalance="period")
        assert path.weights_start.iloc[0].to_dict() == {"A": 0.2, "B": 0.8}


@pytest.mark.parametrize("weights, message", [
    (pd.Series({"B": 0.2, "A": 0.7, "C": 0.1}), r"weights names 'C', which returns lacks"),
    (pd.Series({"A": 1.0}), r"weights has no value for 'B' of returns \(give 0"),
    (pd.Series([0.5, 0.5], index=["A", "A"]), r"weights names 'A' more than once"),
    (pd.Series({"a": 0.5, "b": 0.5}), r"weights names 'a', 'b', which returns lacks"),
])
def test_weights_that_do_not_match_are_refused(weights, message) -> None:
    with pytest.raises(InputError, match=r"^portfolio_returns: " + message):
        bx.portfolio_returns(R, weights)


def test_labelled_weights_need_labelled_returns() -> None:
    with pytest.raises(InputError, match=r"^portfolio_returns: weights is labelled by asset "
                       r"\(B, A\) but returns has no column names"):
        bx.portfolio_returns(R.to_numpy(), pd.Series({"B": 0.2, "A": 0.8}))
    with pytest.raises(InputError, match=r"returns has the column name 'A' more than once"):
        bx.portfolio_returns(R.set_axis(["A", "A"], axis=1), pd.Series({"A": 0.5}))


def test_risk_free_from_another_decade_is_refused() -> None:
    old = pd.Series(0.001, index=pd.date_range("1990-01-31", periods=6, freq="ME"))
    for call in (lambda: bx.ols_beta(R, M, risk_free=old),
                 lambda: bx.risk_table(R, M, risk_free=old),
                 lambda: bx.beta_reconcile(R, M, [1, 1], risk_free=old)):
        with pytest.raises(InputError, match=r"risk_free has no row in common with returns: "
                           r"its rows run 1990-01-31 to 1990-06-30, those of returns "
                           r"2020-01-31 to 2020-06-30"):
            call()


def test_a_superset_of_dates_is_reindexed_to_the_returns() -> None:
    long_rf = pd.Series(np.linspace(0.001, 0.003, 30),
                        index=pd.date_range("2018-01-31", periods=30, freq="ME"))
    long_m = pd.concat([pd.Series([0.5, -0.5], index=pd.to_datetime(["2019-11-30",
                                                                   "2019-12-31"])), M])
    got = bx.ols_beta(R, long_m, risk_free=long_rf)
    want = bx.ols_beta(R.to_numpy(), M.to_numpy(),
                       risk_free=long_rf.reindex(DATES).to_numpy())
    pd.testing.assert_series_equal(got.beta, want.beta.set_axis(["A", "B"]), rtol=0,
                                   atol=0)
    table = bx.risk_table(R, long_m, risk_free=long_rf)
    assert table.beta.to_numpy() == pytest.approx(want.beta.to_numpy(), abs=1e-15)


def test_fewer_dates_are_refused_naming_them() -> None:
    with pytest.raises(InputError, match=r"^ols_beta: market has no row for 2 of the dates "
                       r"of returns \(2020-01-31, 2020-02-29\); reindex it"):
        bx.ols_beta(R, M.iloc[2:])
    # explicit: reindexing makes the gaps missing values, dropped pairwise
    fit = bx.ols_beta(R, M.iloc[2:].reindex(DATES))
    assert fit.n_obs.tolist() == [4, 4]


def test_shuffled_labels_are_aligned_not_paired_by_position() -> None:
    # the same market, but its Series holds two extra dates out of the returns' range
    shuffled = pd.concat([M, pd.Series([9.0], index=[pd.Timestamp("2030-01-31")])])
    a = bx.rolling_beta(R, shuffled, 4).to_numpy()
    b = bx.rolling_beta(R, M, 4).to_numpy()
    np.testing.assert_array_equal(a, b)


def test_rangeindex_is_positional() -> None:
    plain = R.reset_index(drop=True)
    fit = bx.ols_beta(plain, M.to_numpy())
    assert fit.beta.to_numpy() == pytest.approx(bx.ols_beta(R, M).beta.to_numpy(), abs=0)
    # a labelled market against unlabelled returns: by position, lengths must agree
    with pytest.raises(InputError, match=r"market has 5 rows but returns has 6"):
        bx.ols_beta(plain, M.iloc[1:])


def test_string_row_labels_align_too() -> None:
    r = R.set_axis([f"p{i}" for i in range(6)])
    m = M.set_axis([f"p{i}" for i in range(6)])[::-1]  # not dates: order is the labels'
    assert bx.ols_beta(r, m).beta.to_numpy() == pytest.approx(
        bx.ols_beta(R, M).beta.to_numpy(), abs=1e-15)


PRICES = pd.DataFrame({"A": [10.0, 11.0, 12.0], "B": [20.0, 19.0, 21.0]},
                      index=pd.date_range("2020-01-31", periods=3, freq="ME"))


def test_distributions_by_date_and_name() -> None:
    # B pays 1 on 2020-02-29: (19 + 1 - 20) / 20 = 0; listed only where paid
    paid = pd.DataFrame({"B": [1.0]}, index=[PRICES.index[1]])
    got = bx.to_returns(PRICES, distributions=paid)
    assert got.loc[PRICES.index[1], "B"] == 0.0
    assert got.loc[PRICES.index[1], "A"] == pytest.approx(0.1, abs=1e-15)
    ew = bx.equal_weight_returns(PRICES, input_type="prices", distributions=paid)
    assert ew.returns.iloc[0] == pytest.approx(0.05, abs=1e-15)  # (0.1 + 0) / 2
    with pytest.raises(InputError, match=r"distributions has rows 2021-01-31, which prices "
                       r"lacks; they would be lost"):
        bx.to_returns(PRICES, distributions=pd.DataFrame(
            {"B": [1.0]}, index=[pd.Timestamp("2021-01-31")]))
    with pytest.raises(InputError, match=r"distributions has columns 'C', which prices"):
        bx.to_returns(PRICES, distributions=pd.DataFrame({"C": [1.0]},
                                                         index=[PRICES.index[1]]))


def test_prices_for_units_by_date_and_name() -> None:
    returns = bx.to_returns(PRICES)
    units = pd.Series({"B": 1.0, "A": 2.0})  # 2 x 10 and 1 x 20: half each
    path = bx.portfolio_returns(returns, units, holdings="units",
                                prices=PRICES[["B", "A"]])
    assert path.weights_start.iloc[0].to_dict() == {"A": 0.5, "B": 0.5}
    with pytest.raises(InputError, match=r"prices needs the row before the first date of "
                       r"returns \(2020-02-29\)"):
        bx.portfolio_returns(returns, units, holdings="units", prices=PRICES.iloc[1:])


def test_time_zones_must_agree() -> None:
    with pytest.raises(InputError, match=r"time zone is None, that of returns is UTC"):
        bx.ols_beta(R.tz_localize("UTC"), M)
    # the same instants in two zones are the same rows
    tokyo = M.tz_localize("UTC").tz_convert("Asia/Tokyo")
    assert bx.ols_beta(R.tz_localize("UTC"), tokyo).beta.to_numpy() == pytest.approx(
        bx.ols_beta(R, M).beta.to_numpy(), abs=0)


def test_pandas_default_csvs() -> None:
    import io

    def csv(frame: pd.DataFrame | pd.Series, **kwargs) -> pd.DataFrame:
        buf = io.StringIO()
        frame.to_csv(buf)
        buf.seek(0)
        return pd.read_csv(buf, **kwargs)

    # index_col=0 without parse_dates: dates as text, still checked for order and aligned
    text = csv(R, index_col=0)
    with pytest.raises(InputError, match=r"returns has dates newest first"):
        bx.ols_beta(text.iloc[::-1], M)
    market_text = csv(M, index_col=0).iloc[:, 0]
    want = bx.ols_beta(R, M).beta.to_numpy()
    assert bx.ols_beta(text, market_text).beta.to_numpy() == pytest.approx(want, abs=0)
    assert bx.ols_beta(text, M).beta.to_numpy() == pytest.approx(want, abs=0)
    got = bx.risk_table(text, market_text)  # monthly, inferred from the text dates
    assert (got.annual_std / got.std).iloc[0] == pytest.approx(np.sqrt(12), rel=1e-14)
    # no index_col: the date column is data, refused with the way out
    with pytest.raises(InputError, match=r"column 'Unnamed: 0'; dates belong in the index"):
        bx.ols_beta(csv(R), M)


def test_long_tables_are_refused() -> None:
    with pytest.raises(InputError, match=r"^ols_beta: returns has rows labelled by 2 levels "
                       r"\(a long table\?\)"):
        bx.ols_beta(R.stack(), M)


@settings(max_examples=60, deadline=None)
@given(st.permutations(["A", "B", "C", "D"]), st.permutations(["A", "B", "C", "D"]),
       st.lists(st.floats(0.05, 1.0), min_size=4, max_size=4))
def test_column_and_weight_order_never_matter(cols, keys, raw) -> None:
    rng = np.random.default_rng(9)
    base = pd.DataFrame(rng.normal(0.01, 0.03, (12, 4)), columns=["A", "B", "C", "D"],
                        index=pd.date_range("2021-01-31", periods=12, freq="ME"))
    market = pd.Series(rng.normal(0.01, 0.02, 12), index=base.index)
    weights = pd.Series(dict(zip(["A", "B", "C", "D"], raw, strict=True)))
    want = bx.portfolio_returns(base, weights.to_numpy()).returns
    got = bx.portfolio_returns(base[list(cols)], weights[list(keys)]).returns
    pd.testing.assert_series_equal(got, want, rtol=1e-15, atol=1e-17)
    rec = bx.beta_reconcile(base[list(cols)], market, weights[list(keys)])
    assert rec.portfolio_beta == pytest.approx(
        bx.beta_reconcile(base, market, weights.to_numpy()).portfolio_beta, rel=1e-13)


@pytest.mark.parametrize("spelling", ["units", "Units", " UNITS ", "units\t"])
def test_units_are_matched_by_name_whatever_the_spelling_of_holdings(spelling) -> None:
    # every accepted spelling of a mode behaves as the canonical one
    prices = pd.DataFrame({"A": [10.0, 11, 12, 11, 13], "B": [200.0, 190, 210, 220, 205]},
                          pd.date_range("2019-12-31", periods=5, freq="ME"))
    r = bx.to_returns(prices)
    m = pd.Series([0.01, 0.03, -0.02, 0.04], r.index)
    want = bx.beta_reconcile(r, m, [30, 1], holdings="units", prices=prices).portfolio_beta
    for p in (prices, prices[["B", "A"]]):
        got = bx.beta_reconcile(r, m, [30, 1], holdings=spelling, prices=p)
        assert got.portfolio_beta == pytest.approx(want, abs=1e-15)
        path = bx.portfolio_returns(r, [30, 1], holdings=spelling, prices=p)
        assert path.weights_start.iloc[0].to_numpy() == pytest.approx([0.6, 0.4], abs=1e-15)
    with pytest.raises(InputError, match=r"^beta_reconcile: holdings must be one of"):
        bx.beta_reconcile(r, m, [30, 1], holdings="shares", prices=prices)


@pytest.mark.parametrize("spelling", [lambda d: d.strftime("%Y-%m-%d"), lambda d: d])
def test_distributions_labelled_by_iso_text_are_matched_not_dropped(spelling) -> None:
    prices = pd.DataFrame({"B": [20.0, 20, 20, 20]},
                          pd.date_range("2019-12-31", periods=4, freq="ME"))
    paid = pd.DataFrame({"B": [1.0]}, index=spelling(pd.DatetimeIndex(["2020-02-29"])))
    for p, d in ((prices, paid), (prices.set_axis(prices.index.strftime("%Y-%m-%d")), paid)):
        got = bx.to_returns(p, distributions=d)["B"].to_numpy()
        assert got == pytest.approx([0.0, 0.05, 0.0], abs=1e-15)
        ew = bx.equal_weight_returns(p, input_type="prices", distributions=d)
        assert ew.returns.to_numpy() == pytest.approx([0.0, 0.05, 0.0], abs=1e-15)
    elsewhere = pd.DataFrame({"B": [1.0]}, index=["2020-03-15"])
    with pytest.raises(InputError, match=r"distributions has rows 2020-03-15.*would be lost"):
        bx.to_returns(prices, distributions=elsewhere)


def test_integer_labels_that_disagree_are_refused() -> None:
    y = pd.Series(np.arange(10.0) / 100)
    x = pd.Series(np.r_[np.arange(5.0), -np.arange(5.0)] / 100)
    for returns, market in ((y.iloc[5:], x.iloc[:5]), (y.iloc[5:].set_axis(range(5, 10)),
                                                       x.iloc[:5]),
                            (y.iloc[:5], x.iloc[5:])):
        with pytest.raises(InputError, match=r"^ols_beta: market has 5 rows labelled .* "
                           r"but returns has 5 rows labelled .*reset_index\(drop=True\)"):
            bx.ols_beta(returns, market)
    # identical RangeIndexes, or one side without an index: by position
    assert float(bx.ols_beta(y.iloc[5:], x.iloc[5:]).beta.iloc[0]) == pytest.approx(-1.0)
    assert float(bx.ols_beta(y.iloc[5:], x.iloc[:5].to_numpy()).beta.iloc[0]) == \
        pytest.approx(1.0)
    # both labelled (not RangeIndex): by label, a superset allowed
    lab = pd.Series(x.to_numpy(), index=pd.Index(np.arange(10) * 10))
    sub = pd.Series(y.to_numpy()[5:], index=pd.Index(np.arange(5, 10) * 10))
    assert float(bx.ols_beta(sub, lab).beta.iloc[0]) == pytest.approx(-1.0)
    r = pd.DataFrame({"A": np.arange(30.0) / 100}, index=range(5, 35))
    with pytest.raises(InputError, match=r"^risk_table: benchmark has 30 rows labelled 0 to "
                       r"29 but returns has 30 rows labelled 5 to 34"):
        bx.risk_table(r, pd.Series(np.linspace(0, 0.1, 30)), periods_per_year=12)
    with pytest.raises(InputError, match=r"^to_returns: distributions has 2 rows labelled"):
        bx.to_returns(pd.DataFrame({"A": [1.0, 2, 3]}), distributions=pd.DataFrame(
            {"A": [0.0, 1.0]}, index=[1, 2]))


def test_prices_and_their_own_returns_keep_matching_on_integer_rows() -> None:
    # to_returns(prices 0..n) gives returns 1..n: by label and by position agree
    prices = pd.DataFrame({"A": [10.0, 11, 12, 11, 13], "B": [200.0, 190, 210, 220, 205]})
    r = bx.to_returns(prices)
    assert list(r.index) == [1, 2, 3, 4]
    m = pd.Series([0.01, 0.03, -0.02, 0.04], r.index)
    got = bx.beta_reconcile(r, m, [30, 1], holdings="units", prices=prices)
    want = bx.beta_reconcile(r.to_numpy(), m.to_numpy(), [30, 1], holdings="units",
                             prices=prices.to_numpy())
    assert got.portfolio_beta == pytest.approx(want.portfolio_beta, abs=1e-15)
    with pytest.raises(InputError, match=r"prices must be 5 x 2 \(one row before"):
        bx.portfolio_returns(r, [30, 1], holdings="units", prices=prices.iloc[1:])
    with pytest.raises(InputError, match=r"prices has 4 rows labelled 0 to 3 but returns "
                       r"has 4 rows labelled 1 to 4"):  # the row before, but not the last
        bx.portfolio_returns(r, [30, 1], holdings="units", prices=prices.iloc[:4])


def test_one_asset_weights_csv_read_with_index_col() -> None:
    # pd.read_csv(..., index_col=0) of "asset,weight\nA,1": a 1 x 1 frame, a column of
    # weights by asset, not a row named 'weight'
    r = R[["A"]]
    w = pd.DataFrame({"weight": [1.0]}, index=pd.Index(["A"], name="asset"))
    got = bx.portfolio_returns(r, w).returns
    assert got.equals(bx.portfolio_returns(r, [1.0]).returns)
    row = pd.DataFrame({"A": [1.0]}, index=["weight"])  # the same, transposed
    assert bx.portfolio_returns(r, row).returns.equals(got)
    with pytest.raises(InputError, match=r"weights names 'B', which returns lacks"):
        bx.portfolio_returns(r, pd.DataFrame({"weight": [1.0]}, index=["B"]))


def test_two_default_indexes_of_different_lengths_are_a_length_error() -> None:
    # pandas' default 0..n-1 on both sides carries no labels: the lengths are the problem
    y = pd.Series(np.linspace(-0.02, 0.03, 10))
    with pytest.raises(bx.InputError, match="^ols_beta: market has 9 rows but returns has 10$"):
        bx.ols_beta(y, pd.Series(np.linspace(-0.01, 0.02, 9)))


def test_results_of_equal_names_do_not_share_a_mutable_index() -> None:
    # each result's column labels are its own: a name set on one result's columns, or a
    # label written into its array (pandas without pyarrow hands out the Index's own
    # object array; pandas 2 through .values too), stays with that result
    y = np.linspace(-0.02, 0.03, 30).reshape(10, 3)
    x = np.linspace(-0.01, 0.02, 10)
    first, second = bx.rolling_beta(y, x, 4), bx.rolling_beta(y, x, 4)
    first.columns.name = "asset"
    assert second.columns.name is None
    assert bx.ols_beta(y, x).beta.index.name is None
    assert list(second.columns) == ["returns_1", "returns_2", "returns_3"]
    script = (
        "import sys; sys.modules['pyarrow'] = None\n"
        "import numpy as np, pandas as pd, betaxl\n"
        "x = np.random.default_rng(0).normal(0, .01, 60)\n"
        "y = pd.DataFrame({'A': 1.1 * x, 'B': 0.9 * x + 0.001})\n"
        "for labels in (np.asarray(betaxl.rolling_beta(y, x, 20).columns),\n"
        "               np.asarray(betaxl.rolling_beta(x[:, None] * [1, 2], x, 20).columns)):\n"
        "    if labels.flags.writeable:\n"
        "        labels[0] = 'Z'\n"
        "print(list(betaxl.ols_beta(y, x).beta.index),\n"
        "      list(betaxl.rolling_beta(x[:, None] * [1, 2], x, 20).columns))\n")
    root = str(Path(__file__).resolve().parents[1])  # this tree's betaxl
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [root, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, env=env)
    assert done.stdout.split("\n")[0] == "['A', 'B'] ['returns_1', 'returns_2']"
