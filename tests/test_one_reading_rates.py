"""One rule for risk-free rates and factors in percent, through every door (issue 16).

Decimal stock returns beside Ken French's RF in percent (0.27 for 0.27% a month: 324%
a year) are refused by every function that takes a risk-free rate, over the periods the
dates imply (:func:`betaxl.data.units.check_rate`); French's factors in percent beside
decimal returns are refused as a market is (the 100% rule) and read with the factors'
own units declared (``factor_units``, ``--factors-units``).  The Excel functions get the
same tables in ``tests/runtimes/reading_rates.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.errors import BetaxlError

from . import reading_cases as cases
from .test_one_reading import refused, run

RATE = r"risk_free holds 0\.\d+ a period, which is \d+% a year over 12 periods a year"
FACTOR = (r"factors column 'Mkt' does not look like returns \(its median size is [0-9.]+, "
          r"a move of more than 100% a period\): factors are decimal returns")


def percent_rf(n: int = 120) -> pd.DataFrame:
    """French's monthly decimals with RF in percent, as it comes in his factors file
    (1959-1968: 0.13 to 0.5 a month, each alone under the 100%-a-period rule)."""
    frame = cases.french_monthly().iloc[120:120 + n][[*cases.ASSETS, "Mkt", "RF"]].copy()
    frame["RF"] = (100 * frame["RF"]).round(2)
    assert 0 < frame["RF"].max() <= 1
    return frame


def test_a_percent_risk_free_is_refused_by_every_beta_door(tmp_path: Path, capsys) -> None:
    frame = percent_rf()
    a, m, rf = frame[cases.ASSETS], frame["Mkt"], frame["RF"]
    calls = {"ols_beta": lambda: bx.ols_beta(a, m, risk_free=rf),
             "risk_table": lambda: bx.risk_table(a, m, risk_free=rf),
             "beta_estimates": lambda: bx.beta_estimates(a, m, risk_free=rf),
             "factor_betas": lambda: bx.factor_betas(a, frame[["Mkt"]], risk_free=rf),
             "beta_reconcile": lambda: bx.beta_reconcile(a, m, [0.5, 0.5], risk_free=rf)}
    for func, call in calls.items():
        with pytest.raises(BetaxlError, match=rf"^{func}: {RATE}: an annual rate\?"):
            call()
    # the same rates as decimals are read by each (the rule refuses the units only)
    dec = frame.assign(RF=frame["RF"] / 100)
    bx.beta_reconcile(a, m, [0.5, 0.5], risk_free=dec["RF"])
    frame.to_csv(tmp_path / "m.csv")
    for command, extra in (("betas", ("--market", "Mkt")), ("risk", ("--benchmark", "Mkt")),
                           ("estimators", ("--market", "Mkt")),
                           ("factors", ("--factors", "Mkt")),
                           ("reconcile", ("--market", "Mkt", "--weights", "NoDur=0.5,Hlth=0.5"))):
        err = refused(capsys, command, tmp_path / "m.csv", *extra, "--risk-free", "RF")
        assert "risk-free holds" in err and "12 periods a year: an annual rate?" in err, err
    dec.to_csv(tmp_path / "d.csv")
    code, _, err = run(capsys, "reconcile", tmp_path / "d.csv", "--market", "Mkt",
                       "--weights", "NoDur=0.5,Hlth=0.5", "--risk-free", "RF", "-o", tmp_path / "r.csv")
    assert code == 0, err


def french_factors(tmp_path: Path) -> tuple[Path, Path, pd.DataFrame]:
    """Decimal returns in one file (ISO dates), French's factors file in percent
    (yyyymm under a blank corner, RF included) in another, and the decimal numbers."""
    frame = cases.french_monthly().iloc[-120:]
    dec = cases.french_numbers(frame[["Mkt", "RF"]], percent=False)
    frame[cases.ASSETS].to_csv(tmp_path / "returns.csv")
    (tmp_path / "ff.csv").write_text(cases.french_csv(frame[["Mkt", "RF"]], percent=True))
    return tmp_path / "returns.csv", tmp_path / "ff.csv", frame[cases.ASSETS].join(dec)


def test_percent_factors_are_refused_and_read_with_their_own_units(tmp_path: Path,
                                                                   capsys) -> None:
    returns, ff, dec = french_factors(tmp_path)
    pct = pd.read_csv(ff, index_col=0).set_axis(dec.index)  # 3.67 for 3.67%
    a = dec[cases.ASSETS]
    with pytest.raises(BetaxlError, match=rf"^factor_betas: {FACTOR}.*give "
                       r'factor_units="percent"$'):
        bx.factor_betas(a, pct[["Mkt"]])
    want = bx.factor_betas(a, dec[["Mkt"]], risk_free=dec["RF"]).to_frame()
    got = bx.factor_betas(a, pct[["Mkt"]], risk_free=pct["RF"], factor_units="percent")
    np.testing.assert_allclose(got.to_frame().to_numpy(), want.to_numpy(), rtol=1e-12)
    # units="percent" with decimal factors still divides the factors with the returns
    np.testing.assert_allclose(
        bx.factor_betas(100 * a, 100 * dec[["Mkt"]], risk_free=100 * dec["RF"],
                        units="percent").to_frame().to_numpy(), want.to_numpy(), rtol=1e-12)
    with pytest.raises(BetaxlError, match=r'^factor_betas: factor_units must be "decimal" '
                       r'or "percent"'):
        bx.factor_betas(a, pct[["Mkt"]], factor_units="pct")
    err = refused(capsys, "factors", returns, "--factors-file", ff)
    assert "ff.csv: factor column 'Mkt' does not look like returns" in err, err
    assert err.rstrip().endswith("pass --factors-units percent"), err
    code, _, err = run(capsys, "factors", returns, "--factors-file", ff, "--risk-free", "RF",
                       "--factors-units", "percent", "-o", tmp_path / "f.csv")
    assert code == 0, err
    out = pd.read_csv(tmp_path / "f.csv", index_col=0)
    np.testing.assert_allclose(out[want.columns].to_numpy(float), want.to_numpy(),
                               rtol=1e-12)
    # the same column as a market is refused alike by betas
    joined = a.join(pct)
    joined.to_csv(tmp_path / "j.csv")
    err = refused(capsys, "betas", tmp_path / "j.csv", "--market", "Mkt")
    assert "column 'Mkt' does not look like returns" in err, err


#: Where the dates do not decide the frequency, the rate rule over the fewest periods a
#: year they allow (``betaxl.data.periods.least_periods_per_year``).
LEAST = r"risk_free holds {v} a period, which is at least \d+% a year over the fewest " \
        r"periods a year the dates allow, {t}: an annual rate\?"


def undecided() -> list[tuple[pd.DataFrame, str, str]]:
    """Calendar-daily dates with an annual 3% as the rate (252 or 365 a year: at least
    252), and monthly dates with a third missing beside French's RF in percent (median
    gap 31 days, then 61: at least 11.8 a year)."""
    cal = cases.calendar_daily().assign(RF=0.03)
    gap = cases.gapped_monthly().join(cases.last_months(60)["RF"] * 100)
    return [(cal, "0.03", "252"), (gap, r"0\.\d+", r"11\.8")]


def test_a_rate_is_checked_where_the_dates_do_not_decide_the_frequency(tmp_path: Path,
                                                                       capsys) -> None:
    for i, (frame, v, t) in enumerate(undecided()):
        a, m, rf = frame[cases.ASSETS], frame["Mkt"], frame["RF"]
        rule = LEAST.format(v=v, t=t)
        for func, call in {"ols_beta": lambda: bx.ols_beta(a, m, risk_free=rf),
                           "beta_reconcile": lambda: bx.beta_reconcile(a, m, [0.5, 0.5],
                                                                        risk_free=rf),
                           "beta_estimates": lambda: bx.beta_estimates(a, m, risk_free=rf)
                           }.items():
            with pytest.raises(BetaxlError, match=rf"^{func}: {rule}"):
                call()
        path = tmp_path / f"u{i}.csv"
        frame.to_csv(path)
        frame.reset_index().to_parquet(tmp_path / f"u{i}.parquet", index=False)
        for argv in ((path,), (tmp_path / f"u{i}.parquet", "--engine", "dask",
                               "--workers", "1")):
            err = refused(capsys, "betas", *argv, "--market", "Mkt", "--risk-free", "RF",
                          "-o", tmp_path / "o.csv")
            assert re.search(rule.replace("risk_free", "risk-free"), err), err
        # the same rates as decimals per period: answered alike
        dec = frame.assign(RF=frame["RF"] / (100 if i else 252))
        want = bx.ols_beta(a, m, risk_free=dec["RF"]).to_frame().T
        dec.to_csv(path)
        code, _, err = run(capsys, "betas", path, "--market", "Mkt", "--risk-free", "RF",
                           "-o", tmp_path / "b.csv")
        assert code == 0, err
        got = pd.read_csv(tmp_path / "b.csv", index_col=0)
        np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(),
                                   rtol=1e-12)
