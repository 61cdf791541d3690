"""UDF tests that run through each xlwings runtime's own dispatcher.

Imported by ``classic/test_udfs.py`` and ``officejs/test_udfs.py``; the ``xl`` fixture
of each runtime's conftest encodes the sheet ranges as that runtime delivers them.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import betaxl as bx
from betaxl.errors import BetaxlError
from betaxl.examples import BOND_MARKET, BOND_NOTIONALS, BOND_PRICES, EW_DIVIDENDS, EW_PRICES
from betaxl.excel.failures import InternalError
from betaxl.reconcile import ASSET_COLUMNS, SUMMARY_FIELDS
from betaxl.regression import OLS_FIELDS
from betaxl.risk import RISK_FIELDS

from .sheet import BLANK, OMIT, Err, frame_range, result_value

BONDS = frame_range(BOND_PRICES)
MARKET = frame_range(BOND_MARKET.to_frame())
UNITS = [list(BOND_NOTIONALS / 100)]  # one row: 25,000 and 65,000 units


def table(result: list[list]) -> pd.DataFrame:
    """A spilled table (header row, label column) as a DataFrame."""
    header, *rows = result
    return pd.DataFrame([[result_value(v) for v in r[1:]] for r in rows],
                        index=[r[0] for r in rows], columns=header[1:])


def scalar(result):
    """A one-cell result: classic returns it as [[x]], Office.js as x or [[x]]."""
    while isinstance(result, list):
        assert len(result) == 1
        result = result[0]
    return result


def values(result: list[list]) -> np.ndarray:
    return np.array([[np.nan if result_value(v) is None else v for v in row]
                     for row in result], dtype=float)


# -- the seeds ------------------------------------------------------------------------


def test_seed_bond_reconciliation(xl) -> None:
    out = xl("BETA_RECONCILE", BONDS, MARKET, UNITS, "none", "prices", "units", OMIT)
    assert out[0] == ["asset", *ASSET_COLUMNS]
    assert [row[0] for row in out[1:]] == ["bond_one", "bond_two", "total", *SUMMARY_FIELDS]
    summary = {row[0]: row[1] for row in out[4:]}
    assert round(summary["portfolio_beta"], 5) == 1.52001
    assert round(summary["weighted_beta_end"], 5) == 1.60627
    assert round(summary["weighted_beta_start"], 5) == 1.49377
    assert summary["portfolio_beta"] == pytest.approx(1.5200058242, abs=1e-10)
    total = dict(zip(out[0], out[3]))
    assert total["contribution"] == pytest.approx(summary["portfolio_beta"], abs=1e-12)
    assert result_value(out[3][1]) is None  # no total of betas


def test_seed_constant_weights_add_up(xl) -> None:
    end = (BOND_NOTIONALS * BOND_PRICES.iloc[-1]).tolist()
    out = xl("BETA_RECONCILE", BONDS, MARKET, [end], "period", "prices")
    summary = {row[0]: row[1] for row in out[4:]}
    assert summary["portfolio_beta"] == pytest.approx(summary["weighted_beta_end"], abs=1e-12)


def test_seed_equal_weight(xl) -> None:
    ew, div = frame_range(EW_PRICES), frame_range(EW_DIVIDENDS)
    out = xl("EQUAL_WEIGHT_RETURN", ew, OMIT, "prices")
    assert out[0] == ["equal_weight"] and out[1][0] == pytest.approx(0.05, abs=1e-15)
    out = xl("EQUAL_WEIGHT_RETURN", ew, "rebalance", "prices", div)
    assert out[1][0] == pytest.approx(0.075, abs=1e-15)
    assert xl("EQUAL_WEIGHT_RETURN", ew, "equal_shares", "prices")[1][0] == 0.0
    logs = [[math.log(1.2), math.log(0.9)]]
    assert scalar(xl("EQUAL_WEIGHT_RETURN", logs, OMIT, "log_returns")) == \
        pytest.approx(0.05, abs=1e-15)


# -- each function gives the core's numbers --------------------------------------------


@pytest.fixture(scope="module")
def ff():
    from linearmodels.datasets import french

    data = french.load()
    cols = ["NoDur", "Durbl", "Manuf", "Enrgy", "Hlth"]
    returns = data[cols].iloc[-240:].reset_index(drop=True)
    market = (data["MktRF"] + data["RF"]).iloc[-240:].reset_index(drop=True)
    rf = data["RF"].iloc[-240:].reset_index(drop=True)
    return returns, market.rename("market"), rf


def test_beta_ols_matches_core_and_statsmodels(xl, ff) -> None:
    returns, market, rf = ff
    sheet = frame_range(returns)
    sheet[5][1] = BLANK
    sheet[9][2] = Err("#N/A")
    sheet[11][3] = "n/a"
    out = table(xl("BETA_OLS", sheet, frame_range(market.to_frame()), OMIT, True))
    assert list(out.index) == list(OLS_FIELDS)
    holed = returns.copy()
    holed.iloc[4, 1] = holed.iloc[8, 2] = holed.iloc[10, 3] = np.nan
    core = bx.ols_beta(holed, market).to_frame()
    np.testing.assert_allclose(out.to_numpy(float), core.to_numpy(), rtol=1e-12)
    for col in holed:
        keep = holed[col].notna()
        res = sm.OLS(holed[col][keep], sm.add_constant(market[keep])).fit()
        assert out.loc["beta", col] == pytest.approx(res.params.iloc[1], rel=1e-10)
        assert out.loc["alpha_se", col] == pytest.approx(res.bse.iloc[0], rel=1e-10)
        assert out.loc["r_squared", col] == pytest.approx(res.rsquared, rel=1e-10)
    names, row = xl("BETA_OLS", sheet, frame_range(market.to_frame()))
    assert names == list(returns.columns)  # the betas say whose they are
    np.testing.assert_allclose(row, core.loc["beta"], rtol=1e-14)
    excess = table(xl("BETA_OLS", sheet, frame_range(market.to_frame()),
                      [[v] for v in rf], True))
    np.testing.assert_allclose(excess.loc["alpha"].to_numpy(float),
                               bx.ols_beta(holed, market, risk_free=rf).alpha, rtol=1e-12)


def test_beta_ols_single_asset_is_a_number(xl) -> None:
    one = scalar(xl("BETA_OLS", [0.02, -0.01, 0.03, 0.0], [0.01, -0.01, 0.02, 0.0]))
    assert isinstance(one, float)
    assert one == pytest.approx(float(bx.ols_beta([0.02, -0.01, 0.03, 0.0],
                                                  [0.01, -0.01, 0.02, 0.0]).beta.iloc[0]))


def test_port_returns_modes(xl, ff) -> None:
    returns, _, _ = ff
    sheet = frame_range(returns)
    weights = [[0.3, 0.2, 0.2, 0.1, 0.2]]
    dates = [dt.datetime(2000, 1, 31) + pd.offsets.MonthEnd(i) for i in range(240)]
    dates = [d.to_pydatetime() if hasattr(d, "to_pydatetime") else d for d in dates]
    for mode in ("none", "period", "quarter", "year"):
        out = xl("PORT_RETURNS", sheet, weights, mode, OMIT, [["date"], *[[d] for d in dates]])
        core = bx.portfolio_returns(returns, weights[0], rebalance=mode,
                                    dates=pd.DatetimeIndex(dates))
        assert out[0] == ["portfolio"]
        np.testing.assert_allclose(values(out[1:])[:, 0], core.returns, rtol=1e-14)
    detail = xl("PORT_RETURNS", sheet, weights, "period", OMIT, OMIT, OMIT, True)
    assert detail[0][:3] == ["portfolio", "weight_start:NoDur", "weight_start:Durbl"]
    grid = values(detail[1:])
    np.testing.assert_allclose(grid[:, 6:].sum(axis=1), grid[:, 0], atol=1e-15)


def test_port_returns_weight_schedule_and_week(xl, ff) -> None:
    returns, _, _ = ff
    sheet = frame_range(returns)
    dates = [(dt.datetime(2000, 1, 31) + pd.offsets.MonthEnd(i)).to_pydatetime()
             for i in range(240)]
    when = [dt.datetime(1999, 12, 31), dt.datetime(2004, 6, 15), dt.datetime(2010, 12, 31)]
    rows = [[0.3, 0.2, 0.2, 0.1, 0.2], [0.0, 0.5, 0.5, 0.0, 0.0], [0.2, 0.2, 0.2, 0.2, 0.2]]
    schedule = pd.DataFrame(rows, index=pd.DatetimeIndex(when), columns=returns.columns)
    cells = [["date", *returns.columns], *[[d, *r] for d, r in zip(when, rows, strict=True)]]
    out = xl("PORT_RETURNS", sheet, cells, OMIT, OMIT, [["date"], *[[d] for d in dates]])
    core = bx.portfolio_returns(returns.set_axis(pd.DatetimeIndex(dates)), schedule)
    np.testing.assert_allclose(values(out[1:])[:, 0], core.returns, rtol=1e-14)
    weekly = xl("PORT_RETURNS", sheet, [[0.3, 0.2, 0.2, 0.1, 0.2]], "week", OMIT,
                [["date"], *[[d] for d in dates]])
    assert len(weekly) == 241


def test_port_returns_units_with_prices(xl) -> None:
    out = xl("PORT_RETURNS", BONDS, UNITS, OMIT, "prices", OMIT, "units")
    core = bx.portfolio_returns(bx.to_returns(BOND_PRICES), BOND_NOTIONALS / 100,
                                holdings="units", prices=BOND_PRICES)
    np.testing.assert_allclose(values(out[1:])[:, 0], core.returns, rtol=1e-14)


def test_risk_table_matches_core(xl, ff) -> None:
    returns, market, rf = ff
    out = table(xl("RISK_TABLE", frame_range(returns), frame_range(market.to_frame()),
                   [[v] for v in rf], 12))
    assert list(out.index) == list(RISK_FIELDS)
    core = bx.risk_table(returns, market, risk_free=rf, periods_per_year=12).to_frame()
    # same numbers through another path: only summation order may differ
    np.testing.assert_allclose(out.to_numpy(float), core.to_numpy(), rtol=1e-12)


def test_returns_and_rolling(xl) -> None:
    prices = frame_range(BOND_PRICES)
    simple = xl("RETURNS", prices)
    assert simple[0] == ["bond_one", "bond_two"] and len(simple) == len(prices) - 1
    np.testing.assert_allclose(values(simple[1:]), bx.to_returns(BOND_PRICES), rtol=1e-15)
    logs = xl("RETURNS", prices, "log")
    np.testing.assert_allclose(values(logs[1:]), np.log(BOND_PRICES).diff().iloc[1:],
                               rtol=1e-12)
    rolled = xl("BETA_ROLLING", prices, MARKET, 4, "prices")
    assert len(rolled) == len(prices)  # same rows as the input, header included
    grid = values(rolled[1:])
    assert np.isnan(grid[:4]).all() and np.isfinite(grid[4:]).all()
    core = bx.rolling_beta(bx.to_returns(BOND_PRICES), bx.to_returns(BOND_MARKET).iloc[:, 0], 4)
    np.testing.assert_allclose(grid[1:], core, rtol=1e-12)


# -- bad input: one line naming function and argument ----------------------------------

BAD = [
    (("BETA_OLS", [[1.0], [2.0], [3.0]], [[1.0], [2.0]]),
     "BETA_OLS: market_returns has 2 rows of data but asset_returns has 3"),
    (("BETA_OLS", [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], OMIT, "maybe"),
     "BETA_OLS: stats must be TRUE or FALSE"),
    (("BETA_OLS", [0.1, 0.2, 0.3], [0.2, 0.2, 0.2]), "BETA_OLS: market_returns is constant"),
    (("PORT_RETURNS", [[0.1, 0.2]], [[1.0, "x"]]),
     "PORT_RETURNS: weights value number 2 is not a number ('x')"),
    (("PORT_RETURNS", [[0.1, 0.2]], [[0.5, 0.5]], "weekly"),
     "PORT_RETURNS: rebalance must be one of none, period, week, month, quarter, "
     "year"),
    (("PORT_RETURNS", [[0.1, 0.2]], [[0.5, 0.5]], "month"),
     "PORT_RETURNS: dates are needed to rebalance every month"),
    (("PORT_RETURNS", [[0.1, 0.2]], [[1.0, 1.0]], OMIT, OMIT, OMIT, "units"),
     "PORT_RETURNS: asset_returns is needed when holdings are units"),
    (("EQUAL_WEIGHT_RETURN", [[0.1, 0.2]], "equal_shares"),
     "EQUAL_WEIGHT_RETURN: method 'equal_shares' needs prices"),
    (("BETA_RECONCILE", [[0.1, 0.2]] * 4, [0.1] * 4, [[0.5, 0.5]]),
     "BETA_RECONCILE: market_returns is constant"),
    (("RISK_TABLE", [0.1, 0.2, 0.3], [0.1, 0.3, 0.2], OMIT, "monthly"),
     "RISK_TABLE: periods_per_year must be a number"),
    (("RETURNS", [[10.0], [0.0]]), "RETURNS: prices must be positive; row 2"),
    (("BETA_ROLLING", [0.1, 0.2, 0.3], [0.1, 0.3, 0.2], 2.5),
     "BETA_ROLLING: window must be a whole number"),
]


@pytest.mark.parametrize("call, message", BAD, ids=[b[0][0] + str(i) for i, b in
                                                     enumerate(BAD)])
def test_bad_input_one_line(xl, call, message) -> None:
    with pytest.raises(BetaxlError) as info:
        xl(*call)
    assert not isinstance(info.value, InternalError)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


# -- random Excel-shaped input: a result or betaxl's own error, nothing else -----------

cell = st.one_of(
    st.floats(-0.5, 0.5), st.floats(allow_nan=True, allow_infinity=False),
    st.just(BLANK), st.sampled_from([Err("#N/A"), Err("#DIV/0!"), Err("#VALUE!")]),
    st.text(max_size=4), st.booleans(), st.integers(-5, 5),
    st.just(dt.datetime(2021, 3, 31)),
)


@st.composite
def ranges(draw: st.DrawFn, max_rows: int = 8, max_cols: int = 3) -> list[list]:
    n, k = draw(st.integers(1, max_rows)), draw(st.integers(1, max_cols))
    return [[draw(cell) for _ in range(k)] for _ in range(n)]


option = st.one_of(st.just(OMIT), cell, st.sampled_from(
    ["none", "period", "month", "prices", "log_returns", "returns", "units", "weights",
     "rebalance", "buy_and_hold", "equal_shares", "log", "simple", True, False, 3, 12]),
    ranges(3, 2))

SIGNATURES = {
    "BETA_OLS": 2 + 3, "PORT_RETURNS": 2 + 5, "EQUAL_WEIGHT_RETURN": 1 + 3,
    "BETA_RECONCILE": 3 + 4, "RISK_TABLE": 2 + 2, "RETURNS": 1 + 2, "BETA_ROLLING": 3 + 1,
}
REQUIRED = {"BETA_OLS": 2, "PORT_RETURNS": 2, "EQUAL_WEIGHT_RETURN": 1, "BETA_RECONCILE": 3,
            "RISK_TABLE": 2, "RETURNS": 1, "BETA_ROLLING": 3}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_random_excel_input_never_escapes(xl, name: str) -> None:
    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def run(data: st.DataObject) -> None:
        args = [data.draw(ranges()) for _ in range(REQUIRED[name])]
        if name == "BETA_ROLLING":
            args[2] = data.draw(st.one_of(st.integers(1, 9), cell))
        args += [data.draw(option) for _ in range(SIGNATURES[name] - REQUIRED[name])]
        try:
            xl(name, *args)
        except BetaxlError as exc:
            assert not isinstance(exc, InternalError), str(exc)
            text = str(exc)
            assert text.startswith(name + ": ") and "\n" not in text

    run()


# -- ranges as people lay them out (issue 9): the same answers in both runtimes ---------

RNG = np.random.default_rng(9)
MKT = RNG.normal(0.005, 0.04, 36)
ASSETS = pd.DataFrame({"A": 1.2 * MKT + RNG.normal(0, 0.02, 36),
                       "B": 0.7 * MKT + RNG.normal(0, 0.02, 36)})
DATES = [dt.datetime(2021, 1, 31) + pd.offsets.MonthEnd(i) for i in range(36)]
DATES = [d.to_pydatetime() for d in DATES]


def excel_slope(y: list, x: list) -> tuple[float, float, float]:
    """Excel's SLOPE, INTERCEPT and RSQ: pairs where both cells are real numbers."""
    pairs = [(a, b) for a, b in zip(y, x) if isinstance(a, float) and isinstance(b, float)]
    ys, xs = np.array(pairs).T
    slope = ((xs - xs.mean()) * (ys - ys.mean())).sum() / ((xs - xs.mean()) ** 2).sum()
    return slope, ys.mean() - slope * xs.mean(), np.corrcoef(xs, ys)[0, 1] ** 2


def tidy() -> tuple[list, list]:
    return frame_range(ASSETS), [["Market"], *[[v] for v in MKT]]


EXPECTED = bx.ols_beta(ASSETS, MKT).beta.to_numpy()


def test_whole_columns_are_trimmed_and_results_sized_to_the_data(xl) -> None:
    assets, market = tidy()
    blank_rows = [[BLANK, BLANK, BLANK]] * 4000  # B:D with an empty column D
    whole = [[*r, BLANK] for r in assets] + blank_rows
    names, betas = xl("BETA_OLS", whole, market + [[BLANK]] * 4000)
    assert names == ["A", "B"]
    np.testing.assert_allclose(betas, EXPECTED, rtol=1e-13)
    ew = xl("EQUAL_WEIGHT_RETURN", whole)
    assert len(ew) == 37  # header + 36 periods, not 4037
    pr = xl("PORT_RETURNS", whole, [[0.5, 0.5]])
    assert len(pr) == 37
    rolled = xl("BETA_ROLLING", whole, market + [[BLANK]] * 4000, 12)
    assert len(rolled) == 37 and rolled[0] == ["A", "B"]
    # the market's data end earlier than the assets' over the same sheet rows
    short = market[:-3] + [[BLANK]] * 4003
    names, betas = xl("BETA_OLS", whole, short)
    np.testing.assert_allclose(betas, bx.ols_beta(ASSETS.iloc[:-3], MKT[:-3]).beta,
                               rtol=1e-13)


def test_a_real_whole_column_of_a_million_rows(xl) -> None:
    assets, market = tidy()
    pad = 1_048_576 - len(assets)
    out = xl("BETA_OLS", assets + [[BLANK, BLANK]] * pad, market + [[BLANK]] * pad)
    np.testing.assert_allclose(out[1], EXPECTED, rtol=1e-13)


def test_one_asset_along_a_row(xl) -> None:
    row = [["A", *ASSETS["A"]]]
    market_row = [["Market", *MKT]]
    market_col = [["Market"], *[[v] for v in MKT]]
    for asset, market in ((row, market_row), (row, market_col),
                          ([list(ASSETS["A"])], [list(MKT)])):
        out = xl("BETA_OLS", asset, market)
        value = out[1][0] if isinstance(out, list) and len(out) == 2 else scalar(out)
        assert value == pytest.approx(EXPECTED[0], rel=1e-13)
    prices = [[100.0, 110.0, 99.0]]
    out = xl("RETURNS", prices)
    np.testing.assert_allclose(values(out)[:, 0], [0.1, -0.1], rtol=1e-14)


def test_a_header_in_one_argument_only(xl) -> None:
    assets, market = tidy()
    # assets without a header over the same sheet rows as "Market" + data
    no_head = [[BLANK, BLANK], *assets[1:]]
    out = xl("BETA_OLS", no_head, market)
    np.testing.assert_allclose(out[0], EXPECTED, rtol=1e-13)
    # the reverse: assets with names, the market without its header cell
    out = xl("BETA_OLS", assets, [[BLANK], *market[1:]])
    np.testing.assert_allclose(out[1], EXPECTED, rtol=1e-13)
    # ranges that start one row apart: data rows are what count
    out = xl("BETA_OLS", assets[1:], market)
    np.testing.assert_allclose(out[0], EXPECTED, rtol=1e-13)
    # a number beside the other's header is a real misalignment: refused
    with pytest.raises(BetaxlError, match="include the header row in both"):
        xl("BETA_OLS", [[0.01, 0.02], *assets[1:]], market)


def test_a_date_column_inside_the_range(xl) -> None:
    assets, market = tidy()
    with_dates = [["Date", *assets[0]], *[[d, *r] for d, r in zip(DATES, assets[1:])]]
    names, betas = xl("BETA_OLS", with_dates, market)
    assert names == ["A", "B"]
    np.testing.assert_allclose(betas, EXPECTED, rtol=1e-13)
    # no header at all: a first column of whole days rising each row is the dates
    bare = [[d, *r] for d, r in zip(DATES, assets[1:])]
    np.testing.assert_allclose(xl("BETA_OLS", bare, market[1:])[0], EXPECTED, rtol=1e-13)
    # and it serves as the dates of calendar rebalancing
    out = xl("PORT_RETURNS", with_dates, [[0.5, 0.5]], "quarter")
    core = bx.portfolio_returns(ASSETS, [0.5, 0.5], rebalance="quarter",
                                dates=pd.DatetimeIndex(DATES))
    np.testing.assert_allclose(values(out[1:])[:, 0], core.returns, rtol=1e-14)
    with pytest.raises(BetaxlError, match="oldest first"):
        xl("PORT_RETURNS", [with_dates[0], *with_dates[:0:-1]], [[0.5, 0.5]], "quarter")
    # an asset whose values merely look like days is not eaten: they are not whole
    prices = [[40000.5 + i * 10.25, 100 + i] for i in range(5)]
    assert len(xl("RETURNS", prices)[0]) == 2


def test_numbers_stored_as_text(xl) -> None:
    assets, market = tidy()
    text = [[f"{v!r}" for v in r] for r in assets[1:]]  # no header, all text numbers
    out = xl("BETA_OLS", text, market[1:])
    np.testing.assert_allclose(out[0], EXPECTED, rtol=1e-13)  # first value kept
    assert scalar(xl("BETA_OLS", ["2.5%", "(1.0%)", "3%", "0.5%"],
                     [0.02, -0.01, 0.03, 0.0])) == pytest.approx(
        bx.ols_beta([0.025, -0.01, 0.03, 0.005], [0.02, -0.01, 0.03, 0.0]).beta.iloc[0])
    assert scalar(xl("RETURNS", [["1,000"], ["1,100"]])) == pytest.approx(0.1, abs=1e-15)
    # accounting negatives: a return of (50%) is -0.5
    assert scalar(xl("EQUAL_WEIGHT_RETURN", [["(50%)", "(0.5)"]])) == -0.5


def test_errors_text_and_blanks_inside_agree_with_excels_slope(xl) -> None:
    y = list(ASSETS["A"])
    x = list(MKT)
    y[3], y[7], x[11] = BLANK, "n/a", True
    slope, intercept, rsq = excel_slope(y, x)
    out = table(xl("BETA_OLS", [["A"], *[[v] for v in y]], [["M"], *[[v] for v in x]],
                   OMIT, True))
    assert out.loc["beta", "A"] == pytest.approx(slope, rel=1e-12)
    assert out.loc["alpha", "A"] == pytest.approx(intercept, rel=1e-10)
    assert out.loc["r_squared", "A"] == pytest.approx(rsq, rel=1e-12)
    # Excel's SLOPE returns the error value itself; betaxl leaves the pair out
    y[5] = Err("#N/A")
    out = table(xl("BETA_OLS", [["A"], *[[v] for v in y]], [["M"], *[[v] for v in x]],
                   OMIT, True))
    y[5] = BLANK
    assert out.loc["beta", "A"] == pytest.approx(excel_slope(y, x)[0], rel=1e-12)


def test_single_cells(xl) -> None:
    with pytest.raises(BetaxlError, match="BETA_OLS: "):
        xl("BETA_OLS", 0.5, 0.4)
    assert scalar(xl("EQUAL_WEIGHT_RETURN", 0.5)) == 0.5


def test_an_asset_named_total_keeps_its_row(xl) -> None:
    data = frame_range(ASSETS.rename(columns={"A": "total"}))
    out = xl("BETA_RECONCILE", data, tidy()[1], [[0.5, 0.5]])
    labels = [row[0] for row in out]
    assert labels[:4] == ["asset", "total", "B", "total"]
    assert out[1][1] == pytest.approx(EXPECTED[0], rel=1e-12)


def test_messages_name_the_header(xl) -> None:
    prices = [["Apple", "Bank"], [10.0, 5.0], [11.0, 0.0], [12.0, 6.0]]
    for call in (("RETURNS", prices), ("EQUAL_WEIGHT_RETURN", prices, OMIT, "prices"),
                 ("BETA_OLS", prices, [1.0, 1.1, 1.3], OMIT, OMIT, "prices")):
        with pytest.raises(BetaxlError) as info:
            xl(*call)
        assert "'Bank'" in str(info.value) or "Bank" in str(info.value), str(info.value)
    with pytest.raises(BetaxlError, match="window is missing"):
        xl("BETA_ROLLING", [0.1, 0.2, 0.3], [0.1, 0.3, 0.2], BLANK)


def test_cell_shows_the_message(xl) -> None:
    # the value the runtime writes into the cell is betaxl's one line, as text
    cell = xl.cell("BETA_OLS", [[1.0], [2.0], [3.0]], [[1.0], [2.0]])
    text = scalar(cell)
    assert text == "BETA_OLS: market_returns has 2 rows of data but asset_returns has 3"


def test_wizard_descriptions() -> None:
    import betaxl.udfs as udfs

    for name in udfs.__all__:
        fn = getattr(udfs, name)
        doc = fn.__doc__
        assert len(doc) <= 255 and "\n" not in doc and "`" not in doc
        assert doc.endswith(".") and doc[0].isupper()
        info = getattr(fn, "__xlfunc__", None)
        if info is not None:  # both runtimes record it
            assert info["ret"]["doc"] == doc
            assert info.get("category", "betaxl") == "betaxl"


def test_dates_beside_the_market_too(xl) -> None:
    assets, market = tidy()
    dated_market = [["Date", "Market"], *[[d, m[0]] for d, m in zip(DATES, market[1:])]]
    names, betas = xl("BETA_OLS", assets, dated_market)
    np.testing.assert_allclose(betas, EXPECTED, rtol=1e-13)
    # both with their dates, whole columns, one asset along a row: still the same betas
    dated = [["Date", *assets[0]], *[[d, *r] for d, r in zip(DATES, assets[1:])]]
    pad = [[BLANK] * 3] * 100
    out = xl("BETA_OLS", dated + pad, dated_market + [[BLANK] * 2] * 100)
    np.testing.assert_allclose(out[1], EXPECTED, rtol=1e-13)


# -- attack 3: labelled weights are matched by name, never by position ------------------


def test_labelled_weights_are_matched_to_the_asset_names(xl) -> None:
    assets, market = tidy()
    core = bx.portfolio_returns(ASSETS, {"A": 0.6, "B": 0.4}).returns.to_numpy()
    same = [
        [["B", 0.4], ["A", 0.6]],                       # a label column, other order
        [["A", 0.6], ["B", 0.4]],
        [["B", "A"], [0.4, 0.6]],                       # names above a row
        [["Ticker", "Weight"], ["B", 0.4], ["A", 0.6]],  # a header over the table
        [[0.6, 0.4]],                                   # plain numbers: by position
        [["Weight"], [0.6], [0.4]],                     # a column's header names no asset
    ]
    for weights in same:
        out = xl("PORT_RETURNS", assets, weights)
        np.testing.assert_allclose(values(out[1:])[:, 0], core, rtol=1e-14,
                                   err_msg=str(weights))
    with pytest.raises(BetaxlError, match=r"^PORT_RETURNS: weights names 'X', 'Y', which "
                                          "asset_returns lacks"):
        xl("PORT_RETURNS", assets, [["X", "Y"], [0.6, 0.4]])
    with pytest.raises(BetaxlError, match=r"weights has no value for 'B' of asset_returns"):
        xl("PORT_RETURNS", assets, [["A", 1.0]])
    with pytest.raises(BetaxlError, match=r"weights names 'A' more than once"):
        xl("PORT_RETURNS", assets, [["A", 0.6], ["A", 0.4]])
    # BETA_RECONCILE reads the same weights the same way
    out = xl("BETA_RECONCILE", assets, market, [["B", 0.9], ["A", 0.1]])
    start = {row[0]: row[2] for row in out[1:3]}
    assert start == {"A": pytest.approx(0.1, abs=1e-15), "B": pytest.approx(0.9, abs=1e-15)}


# -- attack 3: one date rule ------------------------------------------------------------


def _dated(header: list, first: list, assets: list) -> list:
    return [header, *[[d, *r] for d, r in zip(first, assets[1:])]]


def test_a_date_header_needs_real_dates(xl) -> None:
    assets, market = tidy()
    n = len(assets) - 1
    bad = {"Year": [2001 + i for i in range(n)], "Month": [1 + i % 12 for i in range(n)],
           "Period": list(range(1, n + 1)), "Date": [202101 + i for i in range(n)]}
    assert n > 12  # so 202113 is no month: not yyyymm codes
    for word, column_ in bad.items():
        why = (r"row 13 \(202113\) is not a valid yyyymm code" if word == "Date"  # one bad
               else r"row \d+ \(.+\) is not a date")
        with pytest.raises(BetaxlError, match=rf"^BETA_OLS: asset_returns column '{word}' is "
                           rf"headed as dates but its {why}: give date cells, ISO text"):
            xl("BETA_OLS", _dated([word, "A", "B"], column_, assets), market)
    with pytest.raises(BetaxlError, match=r"^BETA_OLS: asset_returns has the date Jan-21 = "
                       r"2021-01-31 twice \(rows 1 and 2\); every period must appear once$"):
        xl("BETA_OLS", _dated(["Quarter", "A", "B"], ["Jan-21"] * n, assets), market)
    # real dates in each form, also as ISO text, under a date phrase: the same betas
    iso = [d.strftime("%Y-%m-%d") for d in DATES]
    for word, column_ in [("Date", DATES), ("Month end", DATES), ("Trade date", iso),
                          ("Dates", [d.strftime("%d/%m/%Y") for d in DATES])]:
        names, betas = xl("BETA_OLS", _dated([word, "A", "B"], column_, assets), market)
        assert names == ["A", "B"], word
        np.testing.assert_allclose(betas, EXPECTED, rtol=1e-13)
    # ISO text dates without a header are the dates too, and serve calendar rebalancing
    bare = [[d, *r] for d, r in zip(iso, assets[1:])]
    out = xl("PORT_RETURNS", bare, [[0.5, 0.5]], "quarter")
    core = bx.portfolio_returns(ASSETS, [0.5, 0.5], rebalance="quarter",
                                dates=pd.DatetimeIndex(DATES))
    np.testing.assert_allclose(values(out)[:, 0], core.returns, rtol=1e-14)


def test_date_words_are_whole_words(xl) -> None:
    assets, market = tidy()
    for name in ["Datex Corp", "Yearly Growth Fund", "Periodic"]:
        renamed = [[name, "B"], *assets[1:]]
        names, betas = xl("BETA_OLS", renamed, market)
        assert names == [name, "B"]
        np.testing.assert_allclose(betas, EXPECTED, rtol=1e-13)


def test_whole_days_are_dates_only_without_a_header_row(xl) -> None:
    # with a header row only a date word makes a date column: an index at 38,000 stays
    prices = [["N225", "7203"], *[[38000.0 + 3 * i, 1500.0 + i] for i in range(5)]]
    out = xl("RETURNS", prices)
    assert out[0] == ["N225", "7203"]
    np.testing.assert_allclose(values(out[1:])[:, 0],
                               [3 / (38000 + 3 * i) for i in range(4)], rtol=1e-14)
    # without one, a first column of whole days rising each row is the dates
    assert len(xl("RETURNS", prices[1:])[0]) == 1


def test_ambiguous_day_month_text_is_refused(xl) -> None:
    assets, _ = tidy()
    mixed = [f"{d.month:02d}/{min(d.day, 12):02d}/{d.year}" for d in DATES]
    with pytest.raises(BetaxlError, match=r"^PORT_RETURNS: dates row 1 is '01/12/2021', "
                       "which could be day/month or month/day: write dates as ISO text"):
        xl("PORT_RETURNS", assets, [[0.5, 0.5]], "quarter", OMIT, [[d] for d in mixed])
    day_first = [[d.strftime("%d/%m/%Y")] for d in DATES]  # every day above 12
    iso = [["Date"], *[[d.strftime("%Y-%m-%d")] for d in DATES]]
    one = xl("PORT_RETURNS", assets, [[0.5, 0.5]], "quarter", OMIT, day_first)
    two = xl("PORT_RETURNS", assets, [[0.5, 0.5]], "quarter", OMIT, iso)
    assert one == two


# -- attack 3: numbers stored as text, one reading per cell -----------------------------


def test_text_numbers_minus_signs_and_decimal_commas(xl) -> None:
    assets, market = tidy()
    core = bx.ols_beta(ASSETS, MKT).beta.to_numpy()
    for write in (lambda v: f"{v!r}".replace("-", "\u2212"),               # Unicode minus
                  lambda v: f"{abs(v)!r}-" if v < 0 else f"{v!r}"):          # trailing minus
        text = [assets[0], *[[write(v) for v in r] for r in assets[1:]]]
        names, betas = xl("BETA_OLS", text, market)
        np.testing.assert_allclose(betas, core, rtol=1e-13)
    # a decimal comma is refused (never thousands, never a silent blank), wherever it is
    commas = [["A"], ["0,012"], ["0,034"], ["0,005"]]
    with pytest.raises(BetaxlError, match=r"^EQUAL_WEIGHT_RETURN: data row 1, column 1 "
                       r"holds '0,012', a number with a decimal comma: write it with a "
                       r"decimal point"):
        xl("EQUAL_WEIGHT_RETURN", commas)
    with pytest.raises(BetaxlError, match=r"^BETA_OLS: risk_free row 2, column 1 holds "
                       r"'0,5'"):
        xl("BETA_OLS", assets, market, [["rf"], *[["0.001"]] * 1, *[["0,5"]] * 35])
    # thousands still read: a first group that is not 0
    assert scalar(xl("RETURNS", [["1,000"], ["1,100"]])) == pytest.approx(0.1, abs=1e-15)


def test_numeric_codes_over_text_numbers_are_names(xl) -> None:
    rows = [["600519", "000001"], ["0.0138", "-0.0423"], ["0.02", "0.01"], ["-0.01", "0.03"]]
    out = xl("EQUAL_WEIGHT_RETURN", rows)
    assert out[0] == ["equal_weight"]
    np.testing.assert_allclose(values(out[1:])[:, 0], [-0.01425, 0.015, 0.01], rtol=1e-14)
    one = xl("EQUAL_WEIGHT_RETURN", [["600519"], ["1.38%"], ["0.5%"]])
    assert one[0] == ["equal_weight"] and one[1][0] == pytest.approx(0.0138, abs=1e-15)
    # a column of text prices keeps its first price: whole numbers above 1 are not codes
    assert len(xl("RETURNS", [["105"], ["105.5"], ["106.25"]])) == 2


# -- attack 3: RISK_TABLE takes the frequency from the data's dates ---------------------


def test_risk_table_infers_periods_per_year_from_the_dates(xl) -> None:
    rng = np.random.default_rng(7)
    days = pd.bdate_range("2024-01-01", periods=60)
    r, m = rng.normal(0, 0.01, 60), rng.normal(0, 0.01, 60)
    data = [["Date", "A"], *[[d.to_pydatetime(), v] for d, v in zip(days, r)]]
    bench = [["M"], *[[v] for v in m]]
    frame = pd.DataFrame({"A": r}, index=days)
    daily = bx.risk_table(frame, pd.Series(m, index=days)).to_frame()  # infers 252
    out = table(xl("RISK_TABLE", data, bench))
    np.testing.assert_allclose(out["A"].astype(float), daily["A"].astype(float), rtol=1e-12)
    # an explicit value wins; no dates: refused, as risk_table does (never 12 assumed)
    twelve = bx.risk_table(r, m, periods_per_year=12).to_frame()
    for call in (("RISK_TABLE", data, bench, OMIT, 12),
                 ("RISK_TABLE", [["A"], *[[v] for v in r]], bench, OMIT, 12)):
        np.testing.assert_allclose(table(xl(*call))["A"].astype(float),
                                   twelve.iloc[:, 0].astype(float), rtol=1e-12)
    with pytest.raises(BetaxlError, match=r"^RISK_TABLE: periods_per_year was not given "
                       r"and returns has no dates to infer it from"):
        xl("RISK_TABLE", [["A"], *[[v] for v in r]], bench)
    # dates that say no frequency are refused, naming the argument to give
    odd = [["Date", "A"], *[[dt.datetime(2024, 1, 1) + dt.timedelta(days=int(d)), v]
                            for d, v in zip(np.cumsum(rng.integers(1, 60, 12)), r)]]
    with pytest.raises(BetaxlError, match=r"^RISK_TABLE: periods_per_year was not given"):
        xl("RISK_TABLE", odd, bench[:13])


# -- attack 3: titles, notes and totals are not data; prices are not returns ------------


def test_title_rows_notes_and_totals_are_not_periods(xl) -> None:
    assets, market = tidy()
    n = len(assets) - 1
    pad = [[BLANK] * 3] * 50
    titled = [["My portfolio", BLANK], *assets, [BLANK, BLANK], ["Source: BBG", BLANK]]
    beside = [[BLANK], *market, [BLANK], [BLANK]]
    names, betas = xl("BETA_OLS", titled, [["Mkt index"], *market, [BLANK], [BLANK]])
    np.testing.assert_allclose(betas, EXPECTED, rtol=1e-13)
    for asset_range in (titled, [["Equity", BLANK], *assets],
                        [*assets, ["Average", float(ASSETS["B"].mean())]],
                        [*assets, ["Total:", 1.0], ["Std", 0.02]]):
        names, betas = xl("BETA_OLS", asset_range, beside[:len(asset_range)])
        assert names == ["A", "B"]
        np.testing.assert_allclose(betas, EXPECTED, rtol=1e-13)
    # a whole column with notes under a blank line: results sized to the data
    whole = [[*r, BLANK] for r in titled] + pad
    ew = xl("EQUAL_WEIGHT_RETURN", whole)
    assert ew[0] == ["equal_weight"] and len(ew) == n + 1
    pr = xl("PORT_RETURNS", whole, [[0.5, 0.5]])
    np.testing.assert_allclose(values(pr[1:])[:, 0],
                               bx.portfolio_returns(ASSETS, [0.5, 0.5]).returns, rtol=1e-14)
    assert len(xl("RETURNS", [["Prices", BLANK], ["A", "B"], [100.0, 50.0], [110.0, 55.0],
                              ["Average", 52.5]])) == 2
    # a blank row between data rows is a missing period, not the end of the data
    gap = [*assets[:5], [BLANK, BLANK], *assets[5:]]
    assert len(xl("EQUAL_WEIGHT_RETURN", gap)) == n + 2
    # two full rows of names: which one names the data? refused
    with pytest.raises(BetaxlError, match=r"^BETA_OLS: asset_returns has two rows of names "
                       r"\('A' and 'USD' \.\.\.\): select the range from the row that names"):
        xl("BETA_OLS", [assets[0], ["USD", "USD"], *assets[1:]], [[BLANK], *market])


def test_prices_dates_and_percents_are_not_returns(xl) -> None:
    assets, market = tidy()
    prices = [["A"], *[[100.0 + i] for i in range(12)]]
    mkt = [["M"], *[[0.01 * (-1) ** i] for i in range(12)]]
    for call, arg in [(("PORT_RETURNS", prices, [[1.0]]), "asset_returns"),
                      (("EQUAL_WEIGHT_RETURN", prices), "data"),
                      (("BETA_OLS", prices, mkt), "asset_returns"),
                      (("BETA_OLS", mkt, prices), "market_returns"),
                      (("RISK_TABLE", prices, mkt), "returns")]:
        with pytest.raises(BetaxlError, match=rf"^{call[0]}: {arg} column '[AM]' does not "
                           r"look like returns \(its median size is 10[0-9]\.?[0-9]*, a move "
                           r'of more than 100% a period\): for prices give input_type "prices"'):
            xl(*call)
    # returns in percent, and a date column newest first (without a header: an asset)
    with pytest.raises(BetaxlError, match=r"median size is 2\.5, .* returns are decimals"):
        xl("EQUAL_WEIGHT_RETURN", [[2.5], [-2.5], [3.0]])
    newest = [[d, *r] for d, r in zip(DATES[::-1], assets[1:])]
    with pytest.raises(BetaxlError, match=r"it looks like dates: put them in the first "
                       r"column, oldest first"):
        xl("BETA_OLS", newest, market[1:])
    # the other side of the rule: wild but real returns pass (median move 90%)
    wild = [[0.9], [-0.9], [0.95], [-0.85], [2.5], [-0.5]]
    out = xl("EQUAL_WEIGHT_RETURN", wild)
    np.testing.assert_allclose(values(out)[:, 0], [r[0] for r in wild], rtol=0)
    assert len(xl("EQUAL_WEIGHT_RETURN", prices, OMIT, "prices")) == 12


def test_a_risk_free_rate_above_100_percent_is_refused(xl) -> None:
    assets, market = tidy()
    for rf, shown_ in [(5, "5"), ([["rf"], *[[0.004]] * 35, [45322]], "45322")]:
        with pytest.raises(BetaxlError, match=rf"^BETA_OLS: risk_free holds {shown_}, more "
                           r"than 100% a period: give the rate per period as a decimal"):
            xl("BETA_OLS", assets, market, rf)
    core = bx.ols_beta(ASSETS, MKT, risk_free=0.004).beta.to_numpy()
    np.testing.assert_allclose(xl("BETA_OLS", assets, market, 0.004)[1], core, rtol=1e-13)


# -- attack 3: messages name the argument at fault, the same in both runtimes ----------


def test_one_message_in_both_runtimes_for_blank_and_error_arguments(xl) -> None:
    assets, market = tidy()
    for name, call in [("BETA_OLS", (assets, BLANK)), ("RISK_TABLE", (assets, BLANK)),
                       ("BETA_ROLLING", (assets, BLANK, 12)),
                       ("BETA_RECONCILE", (assets, BLANK, [[0.5, 0.5]]))]:
        label = "benchmark_returns" if name == "RISK_TABLE" else "market_returns"
        with pytest.raises(BetaxlError, match=rf"^{name}: {label} is missing$"):
            xl(name, *call)
    for call, message in [
            (("BETA_OLS", Err("#N/A"), market), "BETA_OLS: asset_returns is #N/A"),
            (("BETA_OLS", assets, Err("#REF!")), "BETA_OLS: market_returns is #REF!"),
            (("RETURNS", [[10.0], [11.0]], OMIT, Err("#N/A")), "RETURNS: dividends is #N/A"),
            (("EQUAL_WEIGHT_RETURN", Err("#DIV/0!")), "EQUAL_WEIGHT_RETURN: data is #DIV/0!"),
            (("PORT_RETURNS", assets, Err("#N/A")), "PORT_RETURNS: weights is #N/A"),
            (("BETA_OLS", assets, market, OMIT, 3), "BETA_OLS: stats must be TRUE or FALSE, "
                                                    "got 3"),
            (("PORT_RETURNS", assets, [[0.5, 0.5]], "quarter", OMIT, "zzz"),
             "PORT_RETURNS: dates row 1 is not a date ('zzz')"),
            (("PORT_RETURNS", assets, [[0.5, 0.5]], "quarter", OMIT, [[0.0], [1.0]]),
             "PORT_RETURNS: dates row 1 is not a date (0)")]:
        with pytest.raises(BetaxlError) as info:
            xl(*call)
        assert str(info.value) == message or str(info.value).startswith(message + ";"), \
            str(info.value)


def test_risk_free_columns_blank_cells_are_missing_values_wherever_they_are(xl) -> None:
    assets, market = tidy()
    n = len(assets) - 1
    with pytest.raises(BetaxlError, match=r"^BETA_OLS: risk_free has no values"):
        xl("BETA_OLS", assets, market, [["rf"], *[[BLANK]] * n])
    rf = np.full(n, 0.002)
    middle, last = rf.copy(), rf.copy()
    middle[5], last[-1] = np.nan, np.nan
    for gap in (middle, last):
        column_ = [["rf"], *[[BLANK if np.isnan(v) else float(v)] for v in gap]]
        out = table(xl("BETA_OLS", assets, market, column_, True))
        core = bx.ols_beta(ASSETS, MKT, risk_free=gap).to_frame()
        np.testing.assert_allclose(out.loc["beta"].astype(float), core.loc["beta"], rtol=1e-13)
        assert out.loc["n_obs"].tolist() == [n - 1, n - 1]


def test_an_empty_asset_column_leaves_only_its_own_results_blank(xl) -> None:
    assets, market = tidy()
    holed = [[*r[:1], "C", *r[1:]] if i == 0 else [r[0], BLANK if i % 2 else "n/a", r[1]]
             for i, r in enumerate(assets)]
    names, betas = xl("BETA_OLS", holed, market)
    assert names == ["A", "C", "B"] and result_value(betas[1]) is None
    np.testing.assert_allclose([betas[0], betas[2]], EXPECTED, rtol=1e-13)
    full = table(xl("BETA_OLS", holed, market, OMIT, True))
    core = bx.ols_beta(ASSETS, MKT).to_frame()
    assert all(result_value(v) is None for v in full["C"])
    np.testing.assert_allclose(full[["A", "B"]].to_numpy(float),
                               core.loc[list(OLS_FIELDS)].to_numpy(float), rtol=1e-12)
    risk = table(xl("RISK_TABLE", holed, market, OMIT, 12))
    assert list(risk.columns) == ["A", "C", "B"] and all(result_value(v) is None
                                                        for v in risk["C"])
    np.testing.assert_allclose(risk["A"].to_numpy(float), table(xl(
        "RISK_TABLE", [[r[0]] for r in assets], market, OMIT, 12))["A"].to_numpy(float),
        rtol=1e-12)
    # every column empty: the core's message, not a table of blanks
    with pytest.raises(BetaxlError, match="^BETA_OLS: asset_returns column 'A' has no"):
        xl("BETA_OLS", [["A"], *[[BLANK]] * 35, ["x"]], market)


def test_a_weight_schedule_reads_the_same_in_both_runtimes(xl) -> None:
    assets, _ = tidy()
    when = [dt.datetime(2020, 12, 31), dt.datetime(2021, 6, 30)]
    rows = [[0.6, 0.4], [0.5, 0.5]]
    core = bx.portfolio_returns(ASSETS.set_axis(pd.DatetimeIndex(DATES)), pd.DataFrame(
        rows, index=pd.DatetimeIndex(when), columns=["A", "B"])).returns
    for header in (["Date", "A", "B"], ["Rebalance date", "A", "B"]):
        out = xl("PORT_RETURNS", assets, [header, *[[d, *r] for d, r in zip(when, rows)]],
                 OMIT, OMIT, [[d] for d in DATES])
        np.testing.assert_allclose(values(out[1:])[:, 0], core, rtol=1e-14)
    iso = [[d.strftime("%Y-%m-%d"), *r] for d, r in zip(when, rows)]  # text: no header needed
    out = xl("PORT_RETURNS", assets, iso, OMIT, OMIT, [[d] for d in DATES])
    np.testing.assert_allclose(values(out[1:])[:, 0], core, rtol=1e-14)
    with pytest.raises(BetaxlError, match=r"^PORT_RETURNS: weights looks like a weight "
                       r"schedule without a header row: put a header row above it"):
        xl("PORT_RETURNS", assets, [[d, *r] for d, r in zip(when, rows)], OMIT, OMIT,
           [[d] for d in DATES])
