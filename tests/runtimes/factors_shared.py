"""BETA_FACTORS, BETA_ESTIMATES, RESAMPLE_RETURNS and PER_PERIOD_RATE through each
runtime's own dispatcher (imported by classic/ and officejs/test_factors_udfs.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.estimators import ESTIMATORS

from ..french_data import ASSETS, french_panel
from .sheet import BLANK, OMIT, Err, frame_range, result_value

FF3 = ["MktRF", "SMB", "HML"]


def _table(result: list[list]) -> pd.DataFrame:
    header, *rows = result
    return pd.DataFrame([[result_value(v) for v in r[1:]] for r in rows],
                        index=[r[0] for r in rows], columns=header[1:])


def _scalar(result):
    while isinstance(result, list):
        assert len(result) == 1
        result = result[0]
    return result


@pytest.fixture(scope="module")
def recent() -> pd.DataFrame:
    return french_panel(holes=False).iloc[-120:]


def test_beta_factors_spills_the_core_table(xl, recent) -> None:
    sheet = frame_range(recent[ASSETS[:4]])
    sheet[3][1] = BLANK        # a blank cell: left out for that asset only
    sheet[6][2] = Err("#N/A")  # an error cell: the same
    out = xl("BETA_FACTORS", sheet, frame_range(recent[FF3]),
             [[v] for v in recent["RF"]])
    got = _table(out)
    holed = recent[ASSETS[:4]].copy()
    holed.iloc[2, 1] = holed.iloc[5, 2] = np.nan
    core = bx.factor_betas(holed.reset_index(drop=True),
                           recent[FF3].reset_index(drop=True),
                           risk_free=recent["RF"].to_numpy()).to_frame()
    assert out[0][0] == "asset" and list(got.index) == ASSETS[:4]
    assert list(got.columns) == list(core.columns)
    np.testing.assert_allclose(got.to_numpy(float), core.to_numpy(float), rtol=1e-13)
    assert got.loc["Durbl", "n_obs"] == 119


def test_beta_factors_with_prices(xl, recent) -> None:
    """Prices give one return fewer: factors may have a row per return or per price."""
    prices = 100 * (1 + recent[ASSETS[:2]]).cumprod()
    sheet = frame_range(prices)
    per_return = _table(xl("BETA_FACTORS", sheet, frame_range(recent[FF3].iloc[1:]),
                           OMIT, "prices"))
    per_price = _table(xl("BETA_FACTORS", sheet, frame_range(recent[FF3]), OMIT, "prices"))
    core = bx.factor_betas(bx.to_returns(prices).reset_index(drop=True),
                           recent[FF3].iloc[1:].reset_index(drop=True)).to_frame()
    np.testing.assert_allclose(per_return.to_numpy(float), core.to_numpy(float), rtol=1e-12)
    np.testing.assert_allclose(per_price.to_numpy(float), core.to_numpy(float), rtol=1e-12)


def test_beta_factors_single_asset_equals_linest(xl) -> None:
    """LINEST(y, x1:x2, TRUE, TRUE), computed by LibreOffice 7 headless (tests/data/
    linest_reference.csv): BETA_FACTORS lists the same numbers, intercept first."""
    ref = pd.read_csv(__import__("pathlib").Path(__file__).parents[1] / "data" /
                      "linest_reference.csv")
    inputs = ref[ref.kind == "input"].pivot(index="row", columns="name", values="value")
    linest = ref[ref.kind == "linest"].set_index("name")["value"]
    out = _table(xl("BETA_FACTORS", frame_range(inputs[["y"]]),
                    frame_range(inputs[["x1", "x2"]])))
    row = out.loc["y"]
    for ours, theirs in (("alpha", "b"), ("x1", "m1"), ("x2", "m2"), ("se:alpha", "se_b"),
                         ("se:x1", "se_m1"), ("se:x2", "se_m2"), ("r_squared", "r2"),
                         ("resid_std", "se_y")):
        assert row[ours] == pytest.approx(linest[theirs], rel=1e-12), ours
    assert row["n_obs"] - 3 == linest["df"]


def test_beta_estimates_spills_assets_by_estimators(xl, recent) -> None:
    sheet = frame_range(recent[ASSETS[:3]])
    out = xl("BETA_ESTIMATES", sheet, frame_range(recent[["MktRF"]]), 2, 12)
    got = _table(out)
    core = bx.beta_estimates(recent[ASSETS[:3]].reset_index(drop=True),
                             recent["MktRF"].to_numpy(), lags=2, halflife=12).to_frame()
    assert out[0] == ["asset", *ESTIMATORS]
    np.testing.assert_allclose(got.to_numpy(float), core.to_numpy(), rtol=1e-13)
    one = _table(xl("BETA_ESTIMATES", frame_range(recent[["NoDur"]]),
                    frame_range(recent[["MktRF"]])))
    assert result_value(one.loc["NoDur", "vasicek"]) is None  # blank, never #NUM!
    assert result_value(one.loc["NoDur", "ewma"]) is None


def test_resample_returns_with_a_date_column(xl) -> None:
    dates = [dt.datetime(2024, 1, 10) + dt.timedelta(days=7 * i) for i in range(9)]
    returns = [[0.01 * (i % 3 - 1), 0.002 * i] for i in range(9)]
    out = xl("RESAMPLE_RETURNS", [["a", "b"], *returns], [["date"], *[[d] for d in dates]],
             "month")
    assert out[0] == ["date", "period", "rows", "partial", "a", "b"]
    core = bx.resample_returns(pd.DataFrame(returns, columns=["a", "b"]),
                               dates=dates).to_frame()
    assert [r[1] for r in out[1:]] == list(core["period"])
    assert [r[2] for r in out[1:]] == list(core["rows"])
    assert [bool(r[3]) for r in out[1:]] == list(core["partial"])
    np.testing.assert_allclose([r[4:] for r in out[1:]], core[["a", "b"]], rtol=1e-15)


def test_resample_returns_on_whole_columns(xl) -> None:
    """=RESAMPLE_RETURNS(B:C, A:A): blank rows below the data, a header in each."""
    dates = [dt.datetime(2024, 1, 31), dt.datetime(2024, 2, 29), dt.datetime(2024, 3, 29)]
    data = [["a"], [0.1], [0.1], [0.1], [BLANK], [BLANK]]
    out = xl("RESAMPLE_RETURNS", data, [["date"], *[[d] for d in dates], [BLANK], [BLANK]],
             "quarter")
    assert len(out) == 2 and out[1][4] == pytest.approx(0.331, rel=1e-14)
    with pytest.raises(Exception, match="RESAMPLE_RETURNS: dates has 3 dates but returns "
                                        "has 4 rows"):
        xl("RESAMPLE_RETURNS", [*data[:4], [0.2]], [["date"], *[[d] for d in dates]])


def test_per_period_rate_number_and_column(xl) -> None:
    assert _scalar(xl("PER_PERIOD_RATE", 0.21, 2)) == pytest.approx(0.1, rel=1e-15)
    assert _scalar(xl("PER_PERIOD_RATE", 0.06, 12, "simple")) == pytest.approx(0.005)
    out = xl("PER_PERIOD_RATE", [[0.21], [0.44], [BLANK], [0.21]], 2, OMIT)
    assert out[0][0] == pytest.approx(0.1) and out[1][0] == pytest.approx(0.2)
    assert result_value(out[2][0]) is None and out[3][0] == pytest.approx(0.1)
    # cell by cell, like a native formula over a range: the result keeps the input's shape
    tail = xl("PER_PERIOD_RATE", [[0.21], [0.44], [BLANK]], 2, OMIT)
    assert len(tail) == 3 and result_value(tail[2][0]) is None


@pytest.mark.parametrize("call, message", [
    (("BETA_FACTORS", [[0.1], [0.2], [0.3]], [[0.1, 0.2], [0.3, 0.1]]),
     "BETA_FACTORS: factors has 2 rows but asset_returns has 3"),
    (("BETA_FACTORS", [[0.1], [0.2], [0.3]], [[0.1, 0.2], [0.3, 0.1], [0.2, 0.0]]),
     "BETA_FACTORS: asset_returns column 'asset_1' has 3 rows where it and every factor "
     "have values; 4 are needed"),
    (("BETA_ESTIMATES", [0.1, 0.2, 0.0, 0.3], [0.1, 0.3, 0.2, 0.4], -1),
     "BETA_ESTIMATES: lags must be at least 0"),
    (("BETA_ESTIMATES", [0.1, 0.2, 0.0, 0.3], [0.1, 0.3, 0.2, 0.4], 0, "x"),
     "BETA_ESTIMATES: halflife must be a number"),
    (("RESAMPLE_RETURNS", [0.1, 0.2], [dt.datetime(2024, 1, 2), "soon"]),
     "RESAMPLE_RETURNS: dates row 2 is not a date ('soon')"),
    (("RESAMPLE_RETURNS", [0.1, 0.2], [dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 1)]),
     "RESAMPLE_RETURNS: dates row 2 (2024-01-01) is earlier than the row before"),
    (("PER_PERIOD_RATE", 0.05, OMIT),
     "PER_PERIOD_RATE: periods_per_year is missing"),
    (("PER_PERIOD_RATE", -1.5, 12), "PER_PERIOD_RATE: annual has a rate of -100%"),
])
def test_bad_input_gives_one_line(xl, call, message) -> None:
    from betaxl.errors import BetaxlError

    with pytest.raises(BetaxlError) as caught:
        xl(*call)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
