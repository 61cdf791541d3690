"""Issue 12's analytics on the command line (factors, estimators, resample, annual
risk-free rates, weights schedules, costs), on Ken French's data as linearmodels ships it:
every result equal to the Python API at 1e-12, every bad input one line and exit 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from .test_cli_batch import fail, run

FACTORS = ["MktRF", "SMB", "HML", "Mom"]
ASSETS = ["NoDur", "Durbl", "Manuf", "Enrgy", "Chems"]




@pytest.fixture()
def panel(tmp_path: Path, french: pd.DataFrame) -> tuple[Path, pd.DataFrame]:
    """Twenty years of French's factors, RF and five industries (with their holes), as
    pandas writes a CSV with a date index."""
    frame = french[FACTORS + ["RF"] + ASSETS].iloc[-240:].copy()
    path = tmp_path / "french.csv"
    frame.to_csv(path)
    return path, frame


def close(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.index.astype(str)) == list(want.index.astype(str))
    assert list(got.columns) == list(want.columns)
    np.testing.assert_allclose(got.to_numpy(dtype=float), want.to_numpy(dtype=float),
                               rtol=1e-12, atol=1e-15)


# --- factors ---------------------------------------------------------------------------


def test_factors_from_columns_equal_the_core(tmp_path: Path, panel, capsys) -> None:
    path, frame = panel
    out = tmp_path / "f.csv"
    code, text, _ = run(capsys, "factors", path, "--factors", ",".join(FACTORS[:3]),
                        "--risk-free", "RF", "-o", out)
    assert code == 0 and "6 assets on 3 factors: MktRF, SMB, HML" in text
    want = bx.factor_betas(frame[["Mom"] + ASSETS], frame[FACTORS[:3]],
                           risk_free=frame["RF"]).to_frame()
    close(pd.read_csv(out, index_col=0), want)  # Mom, not a factor here, is an asset


def test_factors_from_another_file_matched_by_date(tmp_path: Path, panel, capsys) -> None:
    path, frame = panel
    assets = frame[ASSETS].iloc[::-1]  # newest first: sorted on request, matched by date
    assets.to_csv(tmp_path / "assets.csv")
    assert "newest first" in fail(capsys, "factors", tmp_path / "assets.csv",
                                  "--factors-file", path, "-o", tmp_path / "x.csv")
    # the factors cover more months than the assets, with the RF column beside them
    wider = frame[FACTORS + ["RF"]]
    wider.to_csv(tmp_path / "ff.csv.gz")
    out = tmp_path / "f.parquet"
    assert run(capsys, "factors", tmp_path / "assets.csv", "--factors-file",
               tmp_path / "ff.csv.gz", "--risk-free", "RF", "--sort-dates", "-o", out)[0] == 0
    want = bx.factor_betas(frame[ASSETS], frame[FACTORS], risk_free=frame["RF"]).to_frame()
    close(pd.read_parquet(out), want)
    # a per-period number as the risk-free
    assert run(capsys, "factors", tmp_path / "assets.csv", "--factors-file",
               tmp_path / "ff.csv.gz", "--risk-free", "0.001", "--sort-dates", "-o", out)[0] == 0
    want = bx.factor_betas(frame[ASSETS], frame[FACTORS + ["RF"]], risk_free=0.001)
    close(pd.read_parquet(out), want.to_frame())


def test_factors_default_output_name(tmp_path: Path, panel, capsys) -> None:
    path, _ = panel
    assert run(capsys, "factors", path, "--factors", "MktRF,SMB")[0] == 0
    assert (tmp_path / "french_factors.csv").is_file()


def test_factors_bad_input_is_one_line(tmp_path: Path, panel, capsys) -> None:
    path, frame = panel
    assert "exactly one of --factors" in fail(capsys, "factors", path)
    assert "exactly one of --factors" in fail(capsys, "factors", path, "--factors", "SMB",
                                              "--factors-file", path)
    assert "'Nope'" in fail(capsys, "factors", path, "--factors", "MktRF,Nope")
    assert "distinct" in fail(capsys, "factors", path, "--factors", "SMB,SMB")
    assert "'xyz'" in fail(capsys, "factors", path, "--factors", "SMB", "--risk-free", "xyz")
    frame[FACTORS + ["RF"]].to_csv(tmp_path / "ff.csv")
    frame[ASSETS].to_csv(tmp_path / "assets.csv")  # RF only in the factors file
    assert "not both" in fail(capsys, "factors", tmp_path / "assets.csv", "--factors-file",
                              tmp_path / "ff.csv",
                              "--risk-free", "RF", "--risk-free-annual", "0.04")
    frame[FACTORS].reset_index(drop=True).to_csv(tmp_path / "nodates.csv", index=False)
    assert "matched by date" in fail(capsys, "factors", path, "--factors-file",
                                     tmp_path / "nodates.csv")
    frame[FACTORS].iloc[12:].to_csv(tmp_path / "short.csv")  # a year of factors missing
    assert "no row for 12 of the dates" in fail(capsys, "factors", path, "--factors-file",
                                                tmp_path / "short.csv")
    twice = frame[["MktRF", "SMB"]].assign(HML=frame["SMB"])  # collinear factors
    twice.to_csv(tmp_path / "twice.csv")
    assert "collinear" in fail(capsys, "factors", path, "--factors-file",
                               tmp_path / "twice.csv")


# --- estimators ------------------------------------------------------------------------


def test_estimators_equal_the_core(tmp_path: Path, panel, capsys) -> None:
    path, frame = panel
    market = frame["MktRF"] + frame["RF"]
    data = frame[ASSETS].assign(market=market, RF=frame["RF"])
    data.to_csv(tmp_path / "m.csv")
    out = tmp_path / "e.xlsx"
    code, text, _ = run(capsys, "estimators", tmp_path / "m.csv", "--market", "market",
                        "--lags", 2, "--halflife", 36, "--risk-free", "RF", "-o", out)
    assert code == 0 and "5 assets against market, 8 estimators" in text
    want = bx.beta_estimates(frame[ASSETS], market, lags=2, halflife=36,
                             risk_free=frame["RF"]).to_frame()
    close(pd.read_excel(out, index_col=0, engine="openpyxl"), want)
    # defaults: one lag, no EWMA
    assert run(capsys, "estimators", tmp_path / "m.csv", "--market", "market",
               "-o", tmp_path / "e.csv")[0] == 0
    want = bx.beta_estimates(frame[ASSETS].assign(RF=frame["RF"]), market).to_frame()
    close(pd.read_csv(tmp_path / "e.csv", index_col=0), want)


def test_estimators_see_every_asset_at_once(tmp_path: Path, capsys) -> None:
    """Vasicek shrinks towards the cross-section's mean: 1,200 assets are not cut into
    chunks of 500 (which would give each chunk its own mean)."""
    rng = np.random.default_rng(3)
    market = rng.normal(0.005, 0.04, 120)
    assets = market[:, None] * rng.uniform(0.2, 1.8, 1200) + rng.normal(0, 0.05, (120, 1200))
    dates = pd.date_range("2010-01-31", periods=120, freq="ME", name="date")
    frame = pd.DataFrame(assets, index=dates, columns=[f"a{i}" for i in range(1200)])
    frame["mkt"] = market
    frame.to_parquet(tmp_path / "wide.parquet")
    assert run(capsys, "estimators", tmp_path / "wide.parquet", "--market", "mkt",
               "-o", tmp_path / "e.parquet")[0] == 0
    want = bx.beta_estimates(frame.iloc[:, :1200], frame["mkt"]).to_frame()
    close(pd.read_parquet(tmp_path / "e.parquet"), want)


def test_estimators_bad_input_is_one_line(tmp_path: Path, panel, capsys) -> None:
    path, _ = panel
    assert "halflife" in fail(capsys, "estimators", path, "--market", "MktRF",
                              "--halflife", 0)
    assert "halflife" in fail(capsys, "estimators", path, "--market", "MktRF",
                              "--halflife", "nan")
    assert "lags" in fail(capsys, "estimators", path, "--market", "MktRF", "--lags", -1)
    assert "'Nope'" in fail(capsys, "estimators", path, "--market", "Nope")


# --- resample --------------------------------------------------------------------------


def test_resample_equals_the_core(tmp_path: Path, panel, capsys) -> None:
    path, frame = panel
    for to in ("quarter", "year"):
        code, text, _ = run(capsys, "resample", path, "--to", to)
        assert code == 0, text
        got = pd.read_csv(tmp_path / f"french_{to}ly.csv", index_col=0, parse_dates=True)
        want = bx.resample_returns(frame, to=to).to_frame()
        assert list(got.columns[:3]) == ["period", "rows", "partial"]
        assert list(got.index) == list(want.index)
        assert got["period"].astype(str).tolist() == want["period"].astype(str).tolist()
        assert got["rows"].tolist() == want["rows"].tolist()
        assert got["partial"].tolist() == want["partial"].tolist()
        close(got.iloc[:, 3:], want.iloc[:, 3:])


def test_resample_daily_prices_to_weeks_with_partial_ends(tmp_path: Path, capsys) -> None:
    dates = pd.bdate_range("2024-01-03", "2024-03-27", name="Date")  # a Wednesday each end
    rng = np.random.default_rng(5)
    prices = pd.DataFrame(100 * np.exp(np.cumsum(rng.normal(0, 0.01, (len(dates), 3)), 0)),
                          index=dates, columns=["A", "B", "C"])
    prices.to_csv(tmp_path / "p.csv.gz")
    out = tmp_path / "w.parquet"
    assert run(capsys, "resample", tmp_path / "p.csv.gz", "--to", "week", "--input-type",
               "prices", "-o", out)[0] == 0
    got = pd.read_parquet(out)
    want = bx.resample_returns(bx.to_returns(prices), to="week").to_frame()
    assert bool(got["partial"].iloc[0]) and bool(got["partial"].iloc[-1])
    assert got["partial"].tolist() == want["partial"].tolist()
    close(got[["A", "B", "C"]], want[["A", "B", "C"]])


def test_resample_bad_input_is_one_line(tmp_path: Path, capsys) -> None:
    pd.DataFrame({"A": [0.01, 0.02, -0.01], "B": [0.0, 0.01, 0.02]}).to_csv(
        tmp_path / "nodates.csv", index=False)
    assert "--date-column" in fail(capsys, "resample", tmp_path / "nodates.csv", "--to",
                                   "month")


# --- --risk-free-annual ----------------------------------------------------------------


def annual_panel(tmp_path: Path, frame: pd.DataFrame) -> tuple[Path, pd.DataFrame]:
    """Assets, the market and French's RF quoted as an annual compound rate."""
    data = frame[ASSETS].assign(market=frame["MktRF"] + frame["RF"],
                                rf_annual=(1 + frame["RF"]) ** 12 - 1)
    path = tmp_path / "annual.csv"
    data.to_csv(path)
    return path, data


@pytest.mark.parametrize("command", ["betas", "risk", "reconcile", "factors", "estimators"])
def test_risk_free_annual_equals_the_per_period_rate(tmp_path: Path, panel, capsys,
                                                     command: str) -> None:
    _, frame = panel
    path, data = annual_panel(tmp_path, frame)
    extra = {"betas": ["--market", "market"], "risk": ["--benchmark", "market"],
             "reconcile": ["--market", "market", "--weights",
                           ",".join(f"{a}=0.2" for a in ASSETS)],
             "factors": ["--factors", "market"],
             "estimators": ["--market", "market"]}[command]
    monthly = tmp_path / "monthly.csv"
    data.assign(rf_annual=bx.per_period_rate(data["rf_annual"], 12)).to_csv(monthly)
    bare = tmp_path / "bare.csv"
    data.drop(columns=["rf_annual"]).to_csv(bare)
    outputs = []
    for source, rf in ((path, ["--risk-free-annual", "rf_annual"]),  # a column
                       (bare, ["--risk-free-annual", "0.05", "--rate-method", "simple"]),
                       (monthly, ["--risk-free", "rf_annual"]),  # the same, per month
                       (bare, ["--risk-free", repr(0.05 / 12)])):
        out = tmp_path / f"{command}{len(outputs)}.xlsx"
        code, text, err = run(capsys, command, source, *extra, *rf, "-o", out)
        assert code == 0, err
        outputs.append(pd.read_excel(out, sheet_name=None, index_col=0, engine="openpyxl"))
        if rf[0] == "--risk-free-annual":
            assert f"{rf[1]} a year is {rf[-1] if len(rf) > 2 else 'compound'} over 12 " \
                "periods a year" in err
    for annual, monthly in ((outputs[0], outputs[2]), (outputs[1], outputs[3])):
        for sheet in annual:
            a, m = annual[sheet], monthly[sheet]
            if command == "reconcile" and sheet == "summary":
                a, m = a.iloc[:, -1:].T, m.iloc[:, -1:].T
            close(a, m)


def test_risk_free_annual_by_periods_per_year_and_refusals(tmp_path: Path, panel,
                                                           capsys) -> None:
    _, frame = panel
    path, data = annual_panel(tmp_path, frame)
    out = tmp_path / "b.csv"
    assert run(capsys, "betas", path, "--market", "market", "--risk-free-annual", "0.04",
               "--periods-per-year", 4, "-o", out)[0] == 0
    want = bx.ols_beta(data[ASSETS + ["rf_annual"]], data["market"],
                       risk_free=1.04 ** 0.25 - 1).to_frame().T
    close(pd.read_csv(out, index_col=0), want)
    assert "not both" in fail(capsys, "betas", path, "--market", "market", "--risk-free",
                              "0.001", "--risk-free-annual", "0.04")
    assert "'four'" in fail(capsys, "betas", path, "--market", "market",
                            "--risk-free-annual", "four")
    fail(capsys, "betas", path, "--market", "market", "--risk-free-annual", "-1.5")
    data.reset_index(drop=True).to_csv(tmp_path / "nodates.csv", index=False)
    assert "--periods-per-year" in fail(capsys, "risk", tmp_path / "nodates.csv",
                                        "--benchmark", "market", "--risk-free-annual", "0.04")
    irregular = data.iloc[[0, 1, 5, 6, 30, 31, 90]]
    irregular.to_csv(tmp_path / "irregular.csv")
    assert "--periods-per-year" in fail(capsys, "estimators", tmp_path / "irregular.csv",
                                        "--market", "market", "--risk-free-annual", "0.04")
    assert "--periods-per-year" in fail(capsys, "betas", path, "--market", "market",
                                        "--risk-free-annual", "0.04", "--engine", "dask")


# --- weights schedules, weekly rebalancing, costs --------------------------------------


def schedule_of(frame: pd.DataFrame) -> pd.DataFrame:
    """Three rebalancing dates, between month ends, the last one dropping Durbl."""
    when = pd.to_datetime(["1997-03-15", "2005-06-15", "2012-01-15"])
    return pd.DataFrame([[0.2, 0.2, 0.2, 0.2, 0.2], [0.4, 0.1, 0.1, 0.3, 0.1],
                         [0.25, 0.0, 0.25, 0.25, 0.25]], index=pd.Index(when, name="date"),
                        columns=ASSETS)


def test_portfolio_with_a_schedule_and_costs_equals_the_core(tmp_path: Path, panel,
                                                             capsys) -> None:
    _, frame = panel
    data = frame[ASSETS].fillna(0.0)
    data.to_csv(tmp_path / "r.csv")
    schedule = schedule_of(frame)[ASSETS[::-1]]  # columns by name, in any order
    schedule.to_csv(tmp_path / "w.csv", date_format="%d/%m/%Y")  # day first, unambiguous
    code, text, err = run(capsys, "portfolio", tmp_path / "r.csv", "--weights",
                          tmp_path / "w.csv", "--rebalance", "quarter", "--cost-bps", 25,
                          "-o", tmp_path / "p.csv")
    assert code == 0, err
    assert "Could not infer" not in err and "dayfirst" not in err
    got = pd.read_csv(tmp_path / "p.csv", index_col=0, parse_dates=True)
    want = bx.portfolio_returns(data, schedule_of(frame), rebalance="quarter",
                                dates=data.index, cost_bps=25)
    assert list(got.columns) == ["portfolio", "turnover", "cost"]
    close(got, pd.DataFrame({"portfolio": want.returns, "turnover": want.turnover,
                             "cost": want.cost}))
    assert (got["cost"] > 0).sum() > 40  # the schedule's dates and every quarter
    # without --cost-bps, no extra columns and no costs
    assert run(capsys, "portfolio", tmp_path / "r.csv", "--weights", tmp_path / "w.csv",
               "-o", tmp_path / "p0.csv")[0] == 0
    got = pd.read_csv(tmp_path / "p0.csv", index_col=0, parse_dates=True)
    want = bx.portfolio_returns(data, schedule_of(frame), dates=data.index)
    assert list(got.columns) == ["portfolio"]
    close(got, want.returns.to_frame("portfolio"))


def test_weekly_rebalancing_on_daily_data(tmp_path: Path, capsys) -> None:
    dates = pd.bdate_range("2024-01-02", periods=60, name="date")
    rng = np.random.default_rng(9)
    data = pd.DataFrame(rng.normal(0, 0.01, (60, 3)), index=dates, columns=["A", "B", "C"])
    data.to_csv(tmp_path / "d.csv")
    assert run(capsys, "portfolio", tmp_path / "d.csv", "--weights", "A=0.5,B=0.3,C=0.2",
               "--rebalance", "week", "--cost-bps", 10, "-o", tmp_path / "p.csv")[0] == 0
    got = pd.read_csv(tmp_path / "p.csv", index_col=0, parse_dates=True)
    want = bx.portfolio_returns(data, [0.5, 0.3, 0.2], rebalance="week", dates=dates,
                                cost_bps=10)
    close(got, pd.DataFrame({"portfolio": want.returns, "turnover": want.turnover,
                             "cost": want.cost}))
    assert (got["turnover"] > 0).sum() == 12  # the first day of each week after the first


def test_reconcile_with_a_schedule_equals_the_core(tmp_path: Path, panel, capsys) -> None:
    _, frame = panel
    data = frame[ASSETS].fillna(0.0).assign(market=frame["MktRF"] + frame["RF"])
    data.to_csv(tmp_path / "r.csv")
    schedule_of(frame).to_csv(tmp_path / "w.csv")
    out = tmp_path / "rec.xlsx"
    assert run(capsys, "reconcile", tmp_path / "r.csv", "--market", "market", "--weights",
               tmp_path / "w.csv", "--rebalance", "week", "-o", out)[0] == 0
    want = bx.beta_reconcile(data[ASSETS], data["market"], schedule_of(frame),
                             rebalance="week", dates=data.index)
    got = pd.read_excel(out, sheet_name="assets", index_col=0, engine="openpyxl")
    close(got, want.assets)


def test_schedules_bad_input_is_one_line(tmp_path: Path, panel, capsys) -> None:
    _, frame = panel
    data = frame[ASSETS].fillna(0.0)
    data.to_csv(tmp_path / "r.csv")
    data.reset_index(drop=True).to_csv(tmp_path / "nodates.csv", index=False)
    schedule = schedule_of(frame)
    schedule.to_csv(tmp_path / "w.csv")
    assert "no date column" in fail(capsys, "portfolio", tmp_path / "nodates.csv",
                                    "--weights", tmp_path / "w.csv")
    schedule.rename(columns={"Chems": "Chem"}).to_csv(tmp_path / "typo.csv")
    assert "missing ['Chems']" in fail(capsys, "portfolio", tmp_path / "r.csv", "--weights",
                                       tmp_path / "typo.csv")
    schedule.iloc[::-1].to_csv(tmp_path / "back.csv")  # newest first: sorted on request
    assert "newest first" in fail(capsys, "portfolio", tmp_path / "r.csv", "--weights",
                                  tmp_path / "back.csv", "-o", tmp_path / "p.csv")
    assert run(capsys, "portfolio", tmp_path / "r.csv", "--weights", tmp_path / "back.csv",
               "--sort-dates", "-o", tmp_path / "p.csv")[0] == 0
    schedule.assign(Manuf="lots").to_csv(tmp_path / "text.csv")
    assert "'Manuf'" in fail(capsys, "portfolio", tmp_path / "r.csv", "--weights",
                             tmp_path / "text.csv")
    assert "cost" in fail(capsys, "portfolio", tmp_path / "r.csv", "--weights",
                          tmp_path / "w.csv", "--cost-bps", -5)


# --- the attack's leftovers ------------------------------------------------------------


@pytest.fixture()
def daily(tmp_path: Path) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(rng.normal(0, 0.01, (300, 3)), columns=["A", "B", "M"],
                        index=pd.bdate_range("2020-01-01", periods=300, name="date"))


@pytest.mark.parametrize("ext", [".gz", ".bz2", ".xz"])
@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_damaged_compressed_csv_is_one_line(tmp_path: Path, daily, capsys, ext: str,
                                            damage: str) -> None:
    import bz2
    import gzip
    import lzma

    blob = {".gz": gzip, ".bz2": bz2, ".xz": lzma}[ext].compress(daily.to_csv().encode())
    broken = (blob[:len(blob) // 2] if damage == "truncated"
              else blob[:10] + b"\x00garbage" * 50 + blob[400:])
    path = tmp_path / f"r.csv{ext}"
    path.write_bytes(broken)
    for command in (["betas", "--market", "M"], ["resample", "--to", "month"]):
        err = fail(capsys, command[0], path, *command[1:], "-o", tmp_path / "o.csv")
        assert "r.csv" + ext in err and "damaged or truncated" in err
    assert not (tmp_path / "o.csv").exists()


def test_window_zero_and_negative_are_refused(tmp_path: Path, daily, capsys) -> None:
    daily.to_csv(tmp_path / "r.csv")
    for window in (0, -1, 1):
        for command in ("betas", "rolling"):
            assert "--window must be at least 3 rows" in fail(
                capsys, command, tmp_path / "r.csv", "--market", "M", "--window", window)


def test_compressed_input_default_output_name(tmp_path: Path, daily, capsys) -> None:
    daily.to_csv(tmp_path / "r.csv.gz")
    assert run(capsys, "betas", tmp_path / "r.csv.gz", "--market", "M")[0] == 0
    assert run(capsys, "resample", tmp_path / "r.csv.gz", "--to", "month")[0] == 0
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == ["r.csv.gz", "r_betas.csv", "r_monthly.csv"]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("fmt", ["%d/%m/%Y", "%d %b %Y", "%m/%d/%Y", "%Y%m%d", "mixed"])
def test_text_dates_raise_no_pandas_warning(tmp_path: Path, daily, capsys, fmt: str) -> None:
    """pandas' "Could not infer format" and dayfirst UserWarnings are errors here."""
    if fmt == "mixed":
        labels = [f"{d:%Y-%m-%d}" if i % 2 else f"{d:%Y/%m/%d}"
                  for i, d in enumerate(daily.index)]
    else:
        labels = [f"{d:{fmt}}" for d in daily.index]
    frame = daily.set_axis(pd.Index(labels, name="date"))
    frame.to_csv(tmp_path / "r.csv")
    for command in (["betas", "--market", "M"], ["estimators", "--market", "M"]):
        code, _, err = run(capsys, command[0], tmp_path / "r.csv", *command[1:], "-o",
                           tmp_path / "o.csv")
        assert code == 0 and "Warning" not in err, err


def test_numeric_dates_are_read_one_way_or_refused(tmp_path: Path, daily, capsys) -> None:
    """01/02/2020 is never read month first in one row and day first in the next."""
    for fmt, order in (("%d/%m/%Y", "dmy"), ("%m-%d-%y", "mdy"), ("%d.%m.%Y", "dmy")):
        frame = daily.set_axis(pd.Index([f"{d:{fmt}}" for d in daily.index], name="date"))
        frame.to_csv(tmp_path / "r.csv")
        code, _, err = run(capsys, "resample", tmp_path / "r.csv", "--to", "month",
                           "-o", tmp_path / "m.csv")
        assert code == 0 and "out of order" not in err, err  # read in one order
        got = pd.read_csv(tmp_path / "m.csv", index_col=0, parse_dates=True)
        want = bx.resample_returns(daily, to="month").to_frame()
        assert list(got.index) == list(want.index)
        close(got[["A", "B", "M"]], want[["A", "B", "M"]])
        # the first twelve days of each month read both ways: refused, saying how to be
        # explicit, then read with --date-format (or its shorthand --date-order)
        both = frame[daily.index.day <= 12]
        both.to_csv(tmp_path / "both.csv")
        other = fmt.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m")
        dmy, mdy = (fmt, other) if order == "dmy" else (other, fmt)
        assert f"pass --date-format '{dmy}' (day first) or --date-format '{mdy}' (month " \
               "first)" in fail(capsys, "resample", tmp_path / "both.csv", "--to", "month")
        want = bx.resample_returns(daily[daily.index.day <= 12], to="month").to_frame()
        for explicit in (["--date-order", order], ["--date-format", fmt]):
            assert run(capsys, "resample", tmp_path / "both.csv", "--to", "month",
                       *explicit, "-o", tmp_path / "b.csv")[0] == 0
            got = pd.read_csv(tmp_path / "b.csv", index_col=0, parse_dates=True)
            assert list(got.index) == list(want.index)
        wrong = "mdy" if order == "dmy" else "dmy"
        assert "--date-order" not in fail(capsys, "resample", tmp_path / "r.csv", "--to",
                                          "month", "--date-order", wrong)
