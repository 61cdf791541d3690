"""One reading of a table's units, one answer through every door (issue 16, units).

The rules are :mod:`betaxl.data.units` (the README's "Reading a table"): the same file
goes to the Python API, the command line and the Dask engine, and each gives the same
verdict - the numbers of the decimal file at 1e-12, or a one-line refusal with the same
reason.  The Excel functions get the same tables in ``tests/runtimes/reading_units.py``.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.errors import BetaxlError

from . import reading_cases as cases
from .test_one_reading import refused, run

COLUMNS = [*cases.ASSETS, "Mkt", "RF"]
LOOKS_LIKE_PRICES = (r"column 'NoDur' does not look like returns \(its median size is "
                     r"[0-9.]+, a move of more than 100% a period\): ")


def french_files(tmp_path: Path) -> tuple[Path, Path, pd.DataFrame]:
    """French's monthly file as he lays it out (yyyymm under a blank corner, percent
    with two decimals, RF included), the same numbers as a decimal file, and the
    decimal numbers as the API reads that file."""
    frame = cases.french_monthly()[COLUMNS]
    percent, decimal = tmp_path / "F-F_percent.csv", tmp_path / "F-F_decimal.csv"
    percent.write_text(cases.french_csv(frame, percent=True))
    decimal.write_text(cases.french_csv(frame, percent=False))
    assert percent.read_text().splitlines()[1].startswith("194901,    ")
    return percent, decimal, pd.read_csv(decimal, index_col=0)


def close(got: pd.DataFrame, want: pd.DataFrame) -> None:
    np.testing.assert_allclose(got[want.columns].loc[want.index].to_numpy(float),
                               want.to_numpy(float), rtol=1e-12, atol=1e-15)


def test_a_french_percent_file_gives_the_decimal_numbers_in_every_door(tmp_path: Path,
                                                                       capsys) -> None:
    percent, _, dec = french_files(tmp_path)
    pct = pd.read_csv(percent, index_col=0)  # as an analyst reads it: 3.67 for 3.67%
    assert pct["RF"].median() < 1  # French's RF: small percents (0.27 for 0.27%)
    a, m, f = cases.ASSETS, "Mkt", "RF"
    want_b = bx.ols_beta(dec[a], dec[m], risk_free=dec[f]).to_frame().T
    want_r = bx.risk_table(dec[a], dec[m], risk_free=dec[f]).to_frame()
    # the API: units="percent" divides the returns, the market and RF by 100
    close(bx.ols_beta(pct[a], pct[m], risk_free=pct[f], units="percent").to_frame().T,
          want_b)
    close(bx.risk_table(pct[a], pct[m], risk_free=pct[f], units="percent").to_frame(),
          want_r)
    close(bx.rolling_beta(pct[a], pct[m], 36, units="percent"),
          bx.rolling_beta(dec[a], dec[m], 36))
    # a number given with the percent file is a percent too: 0.27 is 0.27% a month
    close(bx.risk_table(pct[a], pct[m], risk_free=0.27, mar=0.1, units="percent").to_frame(),
          bx.risk_table(dec[a], dec[m], risk_free=0.0027, mar=0.001).to_frame())
    # the command line: --units percent, RF a column of the same file
    for command, key, want in (("betas", "--market", want_b), ("risk", "--benchmark", want_r)):
        out = tmp_path / f"{command}.csv"
        code, _, err = run(capsys, command, percent, key, "Mkt", "--risk-free", "RF",
                           "--units", "percent", "-o", out)
        assert code == 0, err
        assert "units: percent, divided by 100" in err
        close(pd.read_csv(out, index_col=0), want)
    code, _, err = run(capsys, "risk", percent, "--benchmark", "Mkt", "--risk-free", "0.27",
                       "--mar", "0.1", "--units", "percent", "-o", tmp_path / "n.csv")
    assert code == 0, err
    close(pd.read_csv(tmp_path / "n.csv", index_col=0),
          bx.risk_table(dec[a], dec[m], risk_free=0.0027, mar=0.001).to_frame())


def test_a_french_percent_file_without_units_is_refused_alike(tmp_path: Path,
                                                              capsys) -> None:
    percent, _, _ = french_files(tmp_path)
    pct = pd.read_csv(percent, index_col=0)
    for call, func in ((lambda: bx.ols_beta(pct[cases.ASSETS], pct["Mkt"]), "ols_beta"),
                       (lambda: bx.rolling_beta(pct[cases.ASSETS], pct["Mkt"], 36),
                        "rolling_beta"),
                       (lambda: bx.risk_table(pct[cases.ASSETS], pct["Mkt"]), "risk_table")):
        with pytest.raises(BetaxlError, match=rf"^{func}: returns {LOOKS_LIKE_PRICES}.*: for "
                           r'percents give units="percent"$'):
            call()
    for command, key in (("betas", "--market"), ("risk", "--benchmark")):
        err = refused(capsys, command, percent, key, "Mkt")
        assert f"{percent.name}: column 'NoDur' does not look like returns" in err
        assert err.rstrip().endswith("for percents pass --units percent"), err


def test_small_percents_in_a_risk_free_column_are_refused(tmp_path: Path, capsys) -> None:
    # decimal returns beside French's RF in percent (1959-1963: 0.13 to 0.35 a month):
    # 0.22 a month is 264% a year.  (Near-zero rates, 0.04% a month in 2017, are 0.48
    # a month as percents, 5.8% a year: no rule can tell them from decimals.)
    frame = cases.french_monthly().iloc[120:180][COLUMNS].copy()
    frame["RF"] = (100 * frame["RF"]).round(2)
    assert frame["RF"].max() <= 1  # each value alone passes the 100%-a-period rule
    why = r"risk_free holds [0-9.]+ a period, which is [0-9]+% a year over 12 periods a year"
    for call, func in ((lambda: bx.ols_beta(frame[cases.ASSETS], frame["Mkt"],
                                            risk_free=frame["RF"]), "ols_beta"),
                       (lambda: bx.risk_table(frame[cases.ASSETS], frame["Mkt"],
                                              risk_free=frame["RF"]), "risk_table")):
        with pytest.raises(BetaxlError, match=rf"^{func}: {why}"):
            call()
    frame.to_csv(tmp_path / "m.csv")
    err = refused(capsys, "risk", tmp_path / "m.csv", "--benchmark", "Mkt", "--risk-free",
                  "RF")
    assert "--risk-free holds" in err and "12 periods a year" in err, err


def daily_percents() -> pd.DataFrame:
    """Daily-sized returns in percent (0.6 for a 0.6% day) on business days: French's
    monthly ones over sqrt(21), a month's spread spread over its 21 trading days."""
    frame = 100 * cases.last_months(120)[[*cases.ASSETS, "Mkt"]] / np.sqrt(21)
    return frame.set_axis(pd.bdate_range("2015-01-01", periods=len(frame), name="date"))


PERCENT_RULE = (r"column 'NoDur' looks like percent returns \(its median size [0-9.]+ "
                r"times sqrt\(252 periods a year\) is [0-9.]+, above 2\): ")


def test_daily_percents_are_refused_where_the_periods_are_used(tmp_path: Path,
                                                               capsys) -> None:
    frame = daily_percents()
    assert frame["NoDur"].abs().median() < 1  # the 100% rule alone lets them pass
    a = cases.ASSETS
    with pytest.raises(BetaxlError, match=rf"^risk_table: returns {PERCENT_RULE}give "
                       r'units="percent" if they are percents'):
        bx.risk_table(frame[a], frame["Mkt"])
    want = bx.risk_table(frame[a] / 100, frame["Mkt"] / 100).to_frame()
    close(bx.risk_table(frame[a], frame["Mkt"], units="percent").to_frame(), want)
    # units="decimal" says they are decimals: then -1.08 is a loss of 108%, refused,
    # and without such a value they are read (a 50% day, if that is what they are)
    with pytest.raises(BetaxlError, match=r"^risk_table: returns has a return below "
                       r"-100% at row \d+, column \d+ \(-1\.0\d+\); are these log returns, "
                       r"prices or percents\?$"):
        bx.risk_table(frame[a], frame["Mkt"], units="decimal")
    bx.risk_table(frame[a].clip(lower=-0.99), frame["Mkt"].clip(lower=-0.99), units="decimal")
    frame.to_csv(tmp_path / "d.csv")
    err = refused(capsys, "risk", tmp_path / "d.csv", "--benchmark", "Mkt")
    assert "d.csv: column 'NoDur' looks like percent returns" in err
    assert "pass --units percent if they are percents" in err
    code, _, err = run(capsys, "risk", tmp_path / "d.csv", "--benchmark", "Mkt",
                       "--units", "percent", "-o", tmp_path / "r.csv")
    assert code == 0, err
    close(pd.read_csv(tmp_path / "r.csv", index_col=0), want)
    err = refused(capsys, "risk", tmp_path / "d.csv", "--benchmark", "Mkt", "--units",
                  "decimal")
    assert "has a return below -100%" in err and "are these log returns, prices or " \
        "percents?" in err, err


def test_units_are_read_strictly(tmp_path: Path, capsys) -> None:
    frame = cases.last_months(36)
    with pytest.raises(BetaxlError, match=r'^ols_beta: units must be "decimal" or '
                       r"\"percent\", got 'pct'"):
        bx.ols_beta(frame[cases.ASSETS], frame["Mkt"], units="pct")
    prices = 100 * (1 + frame[cases.ASSETS]).cumprod()
    prices.to_csv(tmp_path / "p.csv")
    err = refused(capsys, "resample", tmp_path / "p.csv", "--to", "quarter",
                  "--input-type", "prices", "--units", "percent")
    assert "--units percent is for returns and rates; prices have no units" in err


# -- prices given as returns: ols_beta and rolling_beta, and the Dask engine ------------


def test_prices_given_as_returns_are_refused_by_ols_beta_and_rolling_beta() -> None:
    frame = cases.last_months(36)[[*cases.ASSETS, "Mkt"]]
    prices = 100 * (1 + frame).cumprod()
    how = r'for prices give input_type="prices" where the function has one'
    for func, call in (("ols_beta", bx.ols_beta),
                       ("rolling_beta", lambda r, m: bx.rolling_beta(r, m, 12))):
        with pytest.raises(BetaxlError, match=rf"^{func}: returns {LOOKS_LIKE_PRICES}{how}"):
            call(prices[cases.ASSETS], frame["Mkt"])
        with pytest.raises(BetaxlError, match=rf"^{func}: market column 'Mkt' does not look "
                           rf"like returns \(its median size is [0-9.]+, a move of more "
                           rf"than 100% a period\): {how}"):
            call(frame[cases.ASSETS], prices["Mkt"])


def test_dask_refuses_prices_and_percents_as_the_memory_engine_does(tmp_path: Path,
                                                                    capsys) -> None:
    pytest.importorskip("distributed")
    frame = cases.last_months(60)[COLUMNS]
    prices = (100 * (1 + frame[[*cases.ASSETS, "Mkt"]]).cumprod()).rename_axis("date")
    prices.reset_index().to_parquet(tmp_path / "p.parquet", index=False)
    dask = ("--engine", "dask", "--workers", "1")
    for command, key in (("betas", "--market"), ("risk", "--benchmark")):
        errors = [refused(capsys, command, tmp_path / "p.parquet", key, "Mkt", *engine)
                  for engine in ((), dask)]
        for err in errors:
            assert "p.parquet: column 'NoDur' does not look like returns" in err, err
            assert "pass --input-type prices, or --trust-input-type" in err, err
        assert errors[0] == errors[1]
    # --trust-input-type: read as returns on Dask too (the workers trust them as well)
    code, _, err = run(capsys, "betas", tmp_path / "p.parquet", "--market", "Mkt",
                       "--trust-input-type", *dask, "-o", tmp_path / "t.csv")
    assert code == 0, err
    # French's percents on Dask: refused without units, the decimal numbers with them
    pct = (100 * frame).round(2).rename_axis("date")
    pct.reset_index().to_parquet(tmp_path / "f.parquet", index=False)
    err = refused(capsys, "risk", tmp_path / "f.parquet", "--benchmark", "Mkt", *dask)
    assert err.rstrip().endswith("for percents pass --units percent"), err
    dec = pct / 100
    for command, key, want in (
            ("betas", "--market", bx.ols_beta(dec[cases.ASSETS], dec["Mkt"],
                                              risk_free=dec["RF"]).to_frame().T),
            ("risk", "--benchmark", bx.risk_table(dec[cases.ASSETS], dec["Mkt"],
                                                  risk_free=dec["RF"]).to_frame())):
        code, _, err = run(capsys, command, tmp_path / "f.parquet", key, "Mkt", "--risk-free",
                           "RF", "--units", "percent", *dask, "-o", tmp_path / "o.csv")
        assert code == 0, err
        close(pd.read_csv(tmp_path / "o.csv", index_col=0), want)
    # daily percents: the same percent rule on Dask
    daily = daily_percents()
    daily.reset_index().to_parquet(tmp_path / "d.parquet", index=False)
    err = refused(capsys, "risk", tmp_path / "d.parquet", "--benchmark", "Mkt", *dask)
    assert "d.parquet: column 'NoDur' looks like percent returns" in err, err


def test_the_french_file_read_from_text_is_the_analysts_reading() -> None:
    # the API reads the percent file exactly as pandas does, so the doors above are
    # compared on the same numbers: 3.67 / 100 against French's decimal 0.0367
    frame = cases.french_monthly()[COLUMNS]
    pct = pd.read_csv(io.StringIO(cases.french_csv(frame)), index_col=0)
    dec = pd.read_csv(io.StringIO(cases.french_csv(frame, percent=False)), index_col=0)
    np.testing.assert_allclose(pct.to_numpy() / 100, dec.to_numpy(), rtol=1e-12, atol=1e-15)


def test_a_french_percent_file_in_the_other_functions_and_commands(tmp_path: Path,
                                                                    capsys) -> None:
    # factors (French's factors file is in percent, RF included), resample, equal weight
    percent, _, dec = french_files(tmp_path)
    pct = pd.read_csv(percent, index_col=0)
    a = cases.ASSETS
    want = bx.factor_betas(dec[a], dec[["Mkt"]], risk_free=dec["RF"]).to_frame()
    close(bx.factor_betas(pct[a], pct[["Mkt"]], risk_free=pct["RF"], units="percent")
          .to_frame(), want)
    code, _, err = run(capsys, "factors", percent, "--factors", "Mkt", "--risk-free", "RF",
                       "--units", "percent", "-o", tmp_path / "f.csv")
    assert code == 0, err
    close(pd.read_csv(tmp_path / "f.csv", index_col=0), want)
    # the factors in a file of their own, in the same declared units
    pct[["Mkt", "RF"]].to_csv(tmp_path / "factors.csv", index_label="")
    pct[a].to_csv(tmp_path / "assets.csv", index_label="")
    code, _, err = run(capsys, "factors", tmp_path / "assets.csv", "--factors-file",
                       tmp_path / "factors.csv", "--risk-free", "RF", "--units", "percent",
                       "-o", tmp_path / "g.csv")
    assert code == 0, err
    close(pd.read_csv(tmp_path / "g.csv", index_col=0), want)
    dated = dec.set_axis(pd.to_datetime(dec.index.astype(str), format="%Y%m")
                         + pd.offsets.MonthEnd(0))
    pct_dated = pct.set_axis(dated.index)
    years = bx.resample_returns(dated[a], to="year").returns
    close(bx.resample_returns(pct_dated[a], to="year", units="percent").returns, years)
    code, _, err = run(capsys, "resample", percent, "--to", "year", "--units", "percent",
                       "-o", tmp_path / "y.csv")
    assert code == 0, err
    got = pd.read_csv(tmp_path / "y.csv")
    np.testing.assert_allclose(got[a].to_numpy(), years.to_numpy(), rtol=1e-12)
    ew = bx.equal_weight_returns(dec[a]).returns
    np.testing.assert_allclose(bx.equal_weight_returns(pct[a], units="percent").returns,
                               ew, rtol=1e-12)
    with pytest.raises(BetaxlError, match=r'^equal_weight_returns: units "percent" is for '
                       r"returns; prices have no units"):
        bx.equal_weight_returns(100 + pct[a].abs(), input_type="prices", units="percent")


def test_recalc_reads_the_units_argument_as_excel_does(tmp_path: Path) -> None:
    # betaxl recalc runs the Excel functions: French's percents in a workbook, units
    # "percent" in the formula, the decimal file's beta; without it, the refusal
    import openpyxl

    from betaxl.workbook.recalc import recalculate_file

    frame = cases.last_months(60)[COLUMNS]
    pct, dec = cases.french_numbers(frame), cases.french_numbers(frame, percent=False)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    ws.append(["NoDur", "Mkt"])
    for a, m in pct[["NoDur", "Mkt"]].to_numpy():
        ws.append([float(a), float(m)])
    ws["D1"] = '=BETA_OLS(A2:A61,B2:B61,,,,,,,"percent")'  # unnamed: one number
    ws["F1"] = "=BETA_OLS(A2:A61,B2:B61)"
    book.save(tmp_path / "f.xlsx")
    result = recalculate_file(tmp_path / "f.xlsx", tmp_path / "o.xlsx")
    out = openpyxl.load_workbook(result.path, data_only=True)["S"]
    want = float(bx.ols_beta(dec["NoDur"], dec["Mkt"]).beta.iloc[0])
    assert out["D1"].value == pytest.approx(want, rel=1e-12)
    assert out["F1"].value == "#VALUE!"  # refused: an error cell, its reason listed
    reasons = [e.reason for e in result.report.errors if e.cell == "S!F1"]
    assert len(reasons) == 1 and reasons[0].startswith(
        "BETA_OLS: asset_returns column 'asset_1' does not look like returns") \
        and reasons[0].endswith('for percents give units "percent"'), reasons


def test_the_returns_rule_looks_past_blanks() -> None:
    # blanks are passed over when the values' bounds rule a column out (fmin/fmax), not
    # read as a reason to count: prices with gaps are refused, returns with gaps and an
    # all-blank column pass, in a table as in an array
    from betaxl.data.units import not_returns

    rng = np.random.default_rng(3)
    returns = pd.DataFrame(rng.normal(0, 0.01, (60, 3)), columns=list("ABC"))
    returns.iloc[::7, 1] = np.nan
    market = pd.Series(rng.normal(0, 0.01, 60))
    assert bx.ols_beta(returns, market).n_obs.tolist() == [60, 51, 60]
    with_blank = returns.assign(D=np.nan)
    for table in (with_blank, with_blank.to_numpy()):
        assert not_returns(table, list("ABCD"), "give returns") is None
        assert not_returns(table, list("ABCD"), "", periods_per_year=252) is None
    prices = returns.copy()
    prices["C"] = 100 + np.cumsum(rng.normal(0, 1, 60))
    prices.iloc[3, 2] = np.nan
    with pytest.raises(bx.InputError, match="column 'C' does not look like returns"):
        bx.ols_beta(prices, market)
    percents = with_blank.assign(B=with_blank["B"] * 100)
    assert "column 'B' looks like percent returns" in not_returns(
        percents, list("ABCD"), "", periods_per_year=252)
