"""Types: exact values or a one-line refusal, never True read as a 100% return.

Python values are converted exactly (int of any size, Decimal, Fraction, numpy and
pandas nullable numbers) or refused naming the argument, row and column; pandas' NA is
a missing value, like NaN and None.
"""

from __future__ import annotations

import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl import InputError

X = [0.01, -0.02, 0.03, 0.0, 0.02]
Y = [0.02, -0.03, 0.05, 0.01, 0.02]
BASE = float(bx.ols_beta(Y, X).beta.iloc[0])


@pytest.mark.parametrize("first", [True, np.True_, False])
def test_booleans_are_refused_in_every_container(first) -> None:
    for data in ([first, *Y[1:]], [[first], *([v] for v in Y[1:])],
                 np.array([first, *Y[1:]], dtype=object),
                 pd.Series([first, *Y[1:]], dtype=object),
                 pd.DataFrame({"A": pd.array([bool(first), True, False, True, False],
                                             dtype="boolean")})):
        with pytest.raises(InputError, match=r"^ols_beta: returns (has TRUE/FALSE at row 1|"
                           r"holds TRUE/FALSE)"):
            bx.ols_beta(data, X)


def test_true_is_not_a_100_percent_return_anywhere() -> None:
    with pytest.raises(InputError, match=r"TRUE/FALSE"):
        bx.portfolio_returns([[True, 0.1]], [1, 1])
    with pytest.raises(InputError, match=r"TRUE/FALSE"):
        bx.equal_weight_returns([[True, 0.1], [0.0, 0.1]])
    with pytest.raises(InputError, match=r"weights has TRUE/FALSE"):
        bx.portfolio_returns([[0.1, 0.1]], [True, 1])
    with pytest.raises(InputError, match=r"market has TRUE/FALSE"):
        bx.ols_beta(Y, [True, *X[1:]])


def test_exact_types_give_the_exact_value() -> None:
    decimal = [Decimal(str(v)) for v in Y]
    fraction = [Fraction(str(v)) for v in Y]
    assert float(bx.ols_beta(decimal, X).beta.iloc[0]) == BASE
    assert float(bx.ols_beta(fraction, X).beta.iloc[0]) == BASE
    assert float(bx.ols_beta(pd.Series(decimal, dtype=object), X).beta.iloc[0]) == BASE
    # an int of any size is exact when it fits: 2**60 + 1 as float is 2**60 (rounded once)
    assert bx.to_returns([[2**60], [2**61]]).iloc[0, 0] == 1.0


@pytest.mark.parametrize("big", [10**400, -10**400, Fraction(10**401, 3), Decimal("1e400"),
                                 1e101, float("inf")])
def test_numbers_beyond_range_are_refused(big) -> None:
    with pytest.raises(InputError, match=r"^ols_beta: returns has (a value beyond 1e100|an "
                       r"infinite value) at row 1"):
        bx.ols_beta([big, *Y[1:]], X)


def test_missing_values_in_every_spelling() -> None:
    holed = bx.ols_beta([np.nan, *Y[1:]], X)
    for missing in (None, pd.NA, Decimal("NaN"), float("nan")):
        fit = bx.ols_beta(pd.Series([missing, *Y[1:]], dtype=object), X)
        assert fit.n_obs.iloc[0] == 4
        assert fit.beta.iloc[0] == holed.beta.iloc[0]
    fit = bx.ols_beta(pd.Series([pd.NA, *Y[1:]], dtype="Float64"), X)
    assert fit.beta.iloc[0] == holed.beta.iloc[0]


def test_nullable_integer_and_float_dtypes() -> None:
    ints = pd.Series([1, 0, 0, -1, 0], dtype="Int64")  # -100% .. +100%: allowed
    want = bx.ols_beta([1.0, 0, 0, -1, 0], X).beta.iloc[0]
    assert bx.ols_beta(ints, X).beta.iloc[0] == want
    assert bx.ols_beta(pd.Series([1, 0, 0, -1, pd.NA], dtype="Int64"), X).n_obs.iloc[0] == 4
    frame = pd.DataFrame({"A": pd.array(Y, dtype="Float64"), "B": pd.array(Y, dtype="Float32")})
    got = bx.ols_beta(frame, X).beta
    assert got.iloc[0] == pytest.approx(BASE, rel=1e-14)  # two columns: another BLAS path
    assert got.iloc[1] == pytest.approx(BASE, rel=1e-6)  # float32 holds 7 digits


@pytest.mark.parametrize("text", ["0.02", "2%", "", "NaT"])
def test_text_is_refused_in_python(text) -> None:
    with pytest.raises(InputError, match=r"^ols_beta: returns has a non-numeric value "
                       r".* at row 1, column 'A'"):
        bx.ols_beta(pd.DataFrame({"A": [text, *Y[1:]]}), X)


def test_a_date_column_says_where_dates_belong() -> None:
    frame = pd.DataFrame({"Date": pd.date_range("2020-01-31", periods=5, freq="ME"),
                          "A": Y})
    with pytest.raises(InputError, match=r"column 'Date'; dates belong in the index"):
        bx.ols_beta(frame, X)


def test_returns_below_minus_100_percent_refused_by_every_function() -> None:
    bad = [[-1.5, 0.01], [0.02, 0.0], [0.01, 0.01], [0.0, 0.02], [0.01, 0.0]]
    calls = {
        "ols_beta": lambda: bx.ols_beta(bad, X),
        "rolling_beta": lambda: bx.rolling_beta(bad, X, 3),
        "portfolio_returns": lambda: bx.portfolio_returns(bad, [1, 1]),
        "beta_reconcile": lambda: bx.beta_reconcile(bad, X, [1, 1]),
        "risk_table": lambda: bx.risk_table(bad, X, periods_per_year=12),
        "equal_weight_returns": lambda: bx.equal_weight_returns(bad),
    }
    for name, call in calls.items():
        with pytest.raises(InputError, match=rf"^{name}: (returns|data) has a return below -100% "
                           r"at row 1, column 1 \(-1.5\)"):
            call()
    with pytest.raises(InputError, match=r"^ols_beta: market has a return below -100%"):
        bx.ols_beta(Y, [-2.0, *X[1:]])
    with pytest.raises(InputError, match=r"^risk_table: benchmark has a return below"):
        bx.risk_table(Y, [-2.0, *X[1:]], periods_per_year=12)
    with pytest.raises(InputError, match=r"^ols_beta: risk_free has a return below"):
        bx.ols_beta(Y, X, risk_free=-1.5)
    # exactly -100% is a possible return (a total loss) and stays allowed in regressions
    assert bx.ols_beta([-1.0, *Y[1:]], X).n_obs.iloc[0] == 5


def test_inputs_keep_their_dtypes_and_values() -> None:
    frame = pd.DataFrame({"A": pd.array(Y, dtype="Float64"),
                          "B": pd.Series([Decimal(str(v)) for v in Y], dtype=object)})
    copy = frame.copy()
    bx.ols_beta(frame, X)
    pd.testing.assert_frame_equal(frame, copy)


def test_conversions_check_types_too() -> None:
    for convert, arg in ((bx.simple_to_log, "returns"), (bx.log_to_simple, "log_returns")):
        name = convert.__name__
        with pytest.raises(InputError, match=rf"^{name}: {arg} has TRUE/FALSE at row 1"):
            convert([True, 0.1])
        with pytest.raises(InputError, match=rf"^{name}: {arg} has a non-numeric value 'x'"):
            convert(["x"])
    assert float(bx.simple_to_log(Decimal("0.05"))) == float(np.log1p(0.05))
    series = bx.log_to_simple(pd.Series([0.0, np.log(1.5)], index=["a", "b"], name="r"))
    assert series.name == "r" and series.index.tolist() == ["a", "b"]
    assert series.iloc[1] == pytest.approx(0.5, abs=1e-15)
    with pytest.raises(InputError, match=r"^simple_to_log: returns has a return at or below"):
        bx.simple_to_log([-1.0])


@pytest.mark.parametrize("make", [
    lambda v: pd.DataFrame({"A": v}), lambda v: pd.Series(v, name="A"), np.asarray,
    lambda v: list(v), lambda v: pd.DataFrame({"A": v}).astype(object)])
def test_complex_numbers_are_refused_not_cut_to_their_real_part(make) -> None:
    values = np.array([0.1 + 1j, 0.2, 0.3, 0.1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning either
        with pytest.raises(InputError, match=r"^ols_beta: returns has a non-numeric value "
                           r"'\(0.1\+1j\)' at row 1"):
            bx.ols_beta(make(values), [0.1, 0.2, 0.25, 0.0])
        with pytest.raises(InputError, match=r"^ols_beta: market has a non-numeric value"):
            bx.ols_beta([0.1, 0.2, 0.25, 0.0], make(values))
        with pytest.raises(InputError, match=r"^simple_to_log: returns has a non-numeric"):
            bx.simple_to_log(make(values))
    # a complex dtype holding real numbers only is still refused: the dtype is the promise
    with pytest.raises(InputError, match=r"non-numeric value '\(0.1\+0j\)'"):
        bx.ols_beta(pd.DataFrame({"A": values.real.astype(complex)}), [0.1, 0.2, 0.25, 0.0])


R4 = pd.DataFrame({"A": [0.01, 0.03, -0.02, 0.04, 0.0], "B": [0.02, -0.01, 0.0, 0.01, 0.03]},
                  index=pd.date_range("2020-01-31", periods=5, freq="ME"))
M4 = pd.Series([0.01, 0.02, -0.01, 0.03, 0.01], index=R4.index)
NAN, INF = float("nan"), float("inf")

# (call, the one-line message it must give): the ways users break things, each answered
# by a BetaxlError naming the function and the argument, with no warning on the way.
BAD = [
    (lambda: bx.rolling_beta(R4, M4, NAN), r"rolling_beta: window must be a whole number"),
    (lambda: bx.rolling_beta(R4, M4, INF), r"rolling_beta: window must be a whole number"),
    (lambda: bx.rolling_beta(R4, M4, "3"), r"rolling_beta: window must be a whole number"),
    (lambda: bx.rolling_beta(R4, M4, 10**400), r"rolling_beta: window must be between"),
    (lambda: bx.rolling_beta(R4, M4, 3, min_obs="abc"), r"rolling_beta: min_obs must be a "
     r"whole number of rows, got 'abc'"),
    (lambda: bx.rolling_beta(R4, M4, 3, min_obs=NAN), r"rolling_beta: min_obs must be a whole"),
    (lambda: bx.rolling_beta(R4, M4, 3, min_obs=[3]), r"rolling_beta: min_obs must be a whole"),
    (lambda: bx.rolling_beta(R4, M4, 3, min_obs=3.7), r"rolling_beta: min_obs must be a whole "
     r"number of rows, got 3.7"),
    (lambda: bx.rolling_beta(R4, M4, 3, min_obs="4"), r"rolling_beta: min_obs must be a whole"),
    (lambda: bx.rolling_beta(R4, M4, 3, min_obs=True), r"rolling_beta: min_obs must be a whole"),
    (lambda: bx.simple_to_log(INF), r"simple_to_log: returns has an infinite value at row 1"),
    (lambda: bx.simple_to_log(10**400), r"simple_to_log: returns has a value beyond 1e100"),
    (lambda: bx.log_to_simple(1e200), r"log_to_simple: log_returns has a value beyond 1e100"),
    (lambda: bx.log_to_simple(np.float64(INF)), r"log_to_simple: log_returns has an infinite"),
    (lambda: bx.log_to_simple(np.array([[0.1, INF], [0.2, 0.3]])), r"log_to_simple: "
     r"log_returns has an infinite value at row 1"),
    (lambda: bx.log_to_simple(np.array([[0.1, 0.2], [0.2, INF]])), r"log_to_simple: "
     r"log_returns has an infinite value at row 2"),
    (lambda: bx.simple_to_log([[0.1, 0.2], [0.3]]), r"simple_to_log: returns is ragged"),
    (lambda: bx.simple_to_log([0.1, [0.2, 0.3]]), r"simple_to_log: returns is ragged"),
    (lambda: bx.simple_to_log(None), r"simple_to_log: returns is missing"),
    (lambda: bx.log_to_simple(None), r"log_to_simple: log_returns is missing"),
    (lambda: bx.risk_table(R4, M4, periods_per_year=10**400), r"risk_table: periods_per_year "
     r"must be a positive number"),
    # units="decimal": past the percent rule (median x sqrt(1e300) is far above 2)
    (lambda: bx.risk_table(R4, M4, periods_per_year=1e300, units="decimal"),
     r"risk_table: returns compound to a number too large"),
    (lambda: bx.risk_table(R4, M4, periods_per_year=1e300), r"risk_table: returns column "
     r"'.*' looks like percent returns"),
    (lambda: bx.portfolio_returns(R4, [1, 1], rebalance="month", dates=["x"] * 5),
     r"portfolio_returns: dates has the row label x more than once"),
    (lambda: bx.portfolio_returns(R4, [1, 1], rebalance="month", dates=["x", "y", "z", "u",
                                                                        "v"]),
     r"portfolio_returns: dates must be dates, got 'x'"),
    (lambda: bx.portfolio_returns(R4.to_numpy(), [1, 1], rebalance="month",
                                  dates=R4.index.strftime("%d %B %Y")),
     r"portfolio_returns: dates has dates written as text that are not ISO"),
    (lambda: bx.to_returns(R4 + 1, distributions=pd.DataFrame({"B": [True]},
                                                              index=[R4.index[2]])),
     r"to_returns: distributions has TRUE/FALSE at row 1, column 'B'"),
    (lambda: bx.ols_beta(R4, M4, risk_free=NAN), r"ols_beta: risk_free is missing \(NaN\)"),
    (lambda: bx.ols_beta(R4, M4, risk_free=pd.NA), r"ols_beta: risk_free is missing \(NaN\)"),
    (lambda: bx.risk_table(R4, M4, risk_free=np.nan, periods_per_year=12),
     r"risk_table: risk_free is missing"),
    (lambda: bx.ols_beta(R4, M4, risk_free=np.array("0.1")), r"ols_beta: risk_free has a "
     r"non-numeric value '0.1'"),
    (lambda: bx.portfolio_returns(R4, None), r"portfolio_returns: weights is missing"),
    (lambda: bx.beta_reconcile(R4, M4, None), r"beta_reconcile: weights is missing"),
    (lambda: bx.ols_beta({"A": 0.1}, M4), r"ols_beta: returns is a dict that is not a table"),
    (lambda: bx.ols_beta([R4["A"], R4["B"]], M4), r"ols_beta: returns is a list of pandas "
     r"objects; combine them first with pd.concat"),
    (lambda: bx.equal_weight_returns(R4.where(R4 > -0.015), method="buy_and_hold"),
     r"equal_weight_returns: data is missing row 3 of 'A'; buy and hold needs every"),
    (lambda: bx.ols_beta(R4.set_axis(R4.index.strftime("%d %B %Y")), M4),
     r"ols_beta: returns has dates written as text that are not ISO"),
]


@pytest.mark.parametrize("call, message", BAD)
def test_bad_input_gets_one_line_and_no_warning(call, message) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(bx.BetaxlError, match="^" + message) as caught:
            call()
    assert "\n" not in str(caught.value)


def test_zero_dimensional_arrays_are_numbers() -> None:
    want = bx.ols_beta(R4, M4, risk_free=0.001).beta
    for rf in (np.array(0.001), np.float64(0.001), Decimal("0.001"), np.array([0.001])[0]):
        assert bx.ols_beta(R4, M4, risk_free=rf).beta.equals(want)
    table = bx.risk_table(R4, M4, risk_free=np.array(0.001), periods_per_year=12)
    assert table.sharpe.equals(bx.risk_table(R4, M4, risk_free=0.001,
                                             periods_per_year=12).sharpe)
    assert float(bx.log_to_simple(np.array(0.1))) == pytest.approx(np.expm1(0.1), abs=0)


def test_whole_number_floats_and_numpy_integers_are_rows() -> None:
    want = bx.rolling_beta(R4, M4, 3, min_obs=3)
    for window, min_obs in ((3.0, 3.0), (np.int64(3), np.int32(3)), (np.float64(3), 3)):
        assert bx.rolling_beta(R4, M4, window, min_obs=min_obs).equals(want)


def test_a_dict_of_columns_is_a_table_by_name() -> None:
    got = bx.ols_beta({"A": R4["A"].to_numpy(), "B": R4["B"].to_numpy()}, M4.to_numpy())
    assert list(got.beta.index) == ["A", "B"]
    assert got.beta.to_numpy() == pytest.approx(bx.ols_beta(R4, M4).beta.to_numpy(), abs=0)


def test_counts_in_messages_agree_in_number() -> None:
    three = np.array([[0.01, 0.02, 0.03], [0.02, -0.01, 0.0], [0.0, 0.01, 0.02]])
    with pytest.raises(bx.InputError, match="^portfolio_returns: weights has 1 value but "
                                            "returns has 3 columns$"):
        bx.portfolio_returns(three, [1.0])
    with pytest.raises(bx.InputError, match="^ols_beta: market has 1 row but returns has 3$"):
        bx.ols_beta(three, [0.01])
    with pytest.raises(bx.InputError, match="^to_returns: prices has 1 row; at least 2 are "
                                            "needed$"):
        bx.to_returns([[10.0, 20.0]])
