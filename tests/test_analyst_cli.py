"""Issue 19's new arguments on the command line and in the Excel functions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.cli import main as cli
from betaxl.errors import InputError
from betaxl.excel.functions import BETA_FACTORS, BETA_OLS, RISK_TABLE
from betaxl.risk import RISK_FIELDS
from tests.french_data import ASSETS, FACTORS


@pytest.fixture()
def monthly(tmp_path: Path, french: pd.DataFrame) -> tuple[Path, pd.DataFrame]:
    frame = french[FACTORS + ["RF"] + ASSETS[:4]].iloc[-240:].copy()
    frame["market"] = frame["MktRF"] + frame["RF"]
    path = tmp_path / "monthly.csv"
    frame.to_csv(path)
    return path, frame


def run(capsys, *argv: object) -> int:
    code = cli([str(a) for a in argv])
    capsys.readouterr()
    return code


def test_risk_mar(tmp_path: Path, monthly, capsys) -> None:
    path, frame = monthly
    out = tmp_path / "risk.csv"
    assert run(capsys, "risk", path, "--benchmark", "market", "--mar", "0.004", "-o",
               out) == 0
    got = pd.read_csv(out, index_col=0)
    want = bx.risk_table(frame[FACTORS[1:] + ASSETS[:4]].join(frame[["MktRF", "RF"]]),
                         frame["market"], periods_per_year=12, mar=0.004).to_frame()
    assert list(got.index) == list(RISK_FIELDS)
    for col in ASSETS[:4]:
        np.testing.assert_allclose(got[col].to_numpy(), want[col].to_numpy(), rtol=1e-12)
    zero = bx.risk_table(frame[ASSETS[0]], frame["market"], periods_per_year=12)
    assert got.loc["omega", ASSETS[0]] < zero.omega.iloc[0]  # a higher bar, less omega


@pytest.mark.parametrize("lags", [[], ["--hac-lags", "2"]])
def test_betas_and_factors_hac(tmp_path: Path, monthly, capsys, lags) -> None:
    path, frame = monthly
    cols = ASSETS[:4]
    out = tmp_path / "b.csv"
    assert run(capsys, "betas", path, "--market", "market", "--se", "hac", *lags, "-o",
               out) == 0
    got = pd.read_csv(out, index_col=0)
    kw = {"hac_lags": 2} if lags else {}
    want = bx.ols_beta(frame[cols], frame["market"], se="hac", **kw).to_frame().T
    np.testing.assert_allclose(got.loc[cols, want.columns].to_numpy(float),
                               want.to_numpy(float), rtol=1e-12)
    out = tmp_path / "f.csv"
    assert run(capsys, "factors", path, "--factors", ",".join(FACTORS), "--se", "hac",
               *lags, "-o", out) == 0
    got = pd.read_csv(out, index_col=0)
    want = bx.factor_betas(frame[["RF", *cols, "market"]], frame[FACTORS], se="hac",
                           **kw).to_frame()
    np.testing.assert_allclose(got.loc[cols, want.columns].to_numpy(float),
                               want.loc[cols].to_numpy(float), rtol=1e-12)


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    return [list(frame.columns), *frame.to_numpy().tolist()]


def test_excel_arguments(monthly) -> None:
    _, frame = monthly
    assets, market = frame[ASSETS[:2]], frame[["market"]]
    table = RISK_TABLE(_rows(assets), _rows(market), None, 12, 0.004)
    assert [row[0] for row in table[1:]] == list(RISK_FIELDS)
    want = bx.risk_table(assets, frame["market"], periods_per_year=12, mar=0.004)
    omega = next(row for row in table if row[0] == "omega")
    np.testing.assert_allclose(omega[1:], want.omega.to_numpy(), rtol=1e-12)
    stats = BETA_OLS(_rows(assets), _rows(market), None, True, "returns", "hac", 3)
    want_fit = bx.ols_beta(assets, frame["market"], se="hac", hac_lags=3)
    se = next(row for row in stats if row[0] == "beta_se")
    np.testing.assert_allclose(se[1:], want_fit.beta_se.to_numpy(), rtol=1e-12)
    assert [row[0] for row in stats[-2:]] == ["beta_ci_low", "beta_ci_high"]
    fit = BETA_FACTORS(_rows(assets), _rows(frame[FACTORS]), None, "returns", "HAC")
    header = fit[0]
    assert header[-2 * (len(FACTORS) + 1):][0] == "ci_low:alpha"
    with pytest.raises(InputError, match=r'^BETA_OLS: hac_lags is given but se is "classical"'):
        BETA_OLS(_rows(assets), _rows(market), None, True, "returns", "classical", 3)


def test_risk_notes_a_blank_modified_var(tmp_path: Path, capsys) -> None:
    rng = np.random.default_rng(19)
    days = pd.bdate_range("2015-01-01", periods=1500, name="date")
    frame = pd.DataFrame({"fat": rng.standard_t(2.5, 1500) * 0.01,
                          "market": rng.normal(0, 0.01, 1500)}, index=days)
    frame.to_csv(tmp_path / "d.csv")
    code = cli(["risk", str(tmp_path / "d.csv"), "--benchmark", "market", "-o",
                str(tmp_path / "r.csv")])
    out = capsys.readouterr()
    assert code == 0
    assert "var_modified is blank for fat: the Cornish-Fisher expansion" in out.out + out.err
    assert np.isnan(pd.read_csv(tmp_path / "r.csv", index_col=0).loc["var_modified", "fat"])
