"""Real high risk-free rates, declared, through every door (issue 16).

A monthly 0.035 (Turkey's bill rate in 2022: 42% a year) or a daily 0.27/252 (Egypt's
27% a year) is above the annual-equivalent rule (25% a year, ``ANNUAL_LIMIT``) and
refused as an annual rate or a percent given per period, unless the units are declared:
``units="decimal"`` (``--units decimal``, Excel ``units "decimal"``) says the rate is a
per-period decimal, which lifts that rule; the 100%-a-period rule stays.  The Excel
functions get the same tables in ``tests/runtimes/reading_rates.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.errors import BetaxlError

from . import reading_cases as cases
from .test_one_reading import refused, run
from .test_one_reading_engines import DASK

DECLARE = 'or, if it is the rate per period, declare units="decimal" (--units decimal)'


def turkish_monthly() -> pd.DataFrame:
    """Monthly decimal returns with a risk-free rate of 3.5% a month (42% a year)."""
    frame = cases.last_months(60)[[*cases.ASSETS, "Mkt"]].copy()
    frame["RF"] = 0.035
    return frame


def egyptian_daily() -> pd.DataFrame:
    """Cairo's Sunday-to-Thursday days with a risk-free rate of 27% a year, per day."""
    frame = cases.cairo_daily()
    frame["RF"] = 0.27 / 252
    return frame


@pytest.mark.parametrize("make", [turkish_monthly, egyptian_daily])
def test_a_high_rate_is_refused_until_declared_then_answered_alike(tmp_path: Path, capsys,
                                                                  make) -> None:
    frame = make()
    a, m, rf = frame[cases.ASSETS], frame["Mkt"], frame["RF"]
    calls = {"ols_beta": lambda **u: bx.ols_beta(a, m, risk_free=rf, **u).beta,
             "risk_table": lambda **u: bx.risk_table(a, m, risk_free=rf, **u).to_frame(),
             "beta_estimates": lambda **u: bx.beta_estimates(a, m, risk_free=rf,
                                                             **u).to_frame(),
             "factor_betas": lambda **u: bx.factor_betas(a, frame[["Mkt"]], risk_free=rf,
                                                         **u).to_frame(),
             "beta_reconcile": lambda **u: bx.beta_reconcile(
                 a, m, [0.5, 0.5], risk_free=rf, **u).assets}
    want = {}
    for func, call in calls.items():
        with pytest.raises(BetaxlError, match=rf"^{func}: risk_free holds .* a period, "
                           r"which is \d+% a year over (252|12) periods a year: an annual "
                           r"rate\?") as info:
            call()
        assert str(info.value).endswith(DECLARE), info.value
        want[func] = call(units="decimal")
    # the rule is the annual one only: 100% a period is refused, declared or not
    with pytest.raises(BetaxlError, match=r"^ols_beta: risk_free holds 5, more than 100% "
                       r"a period"):
        bx.ols_beta(a, m, risk_free=5.0, units="decimal")
    # decimals declared: the same numbers as the rate subtracted by hand
    plain = bx.ols_beta(a.sub(rf, axis=0), m - rf).beta
    np.testing.assert_allclose(want["ols_beta"], plain, rtol=1e-12)

    frame.to_csv(tmp_path / "d.csv")
    frame.reset_index().to_parquet(tmp_path / "d.parquet", index=False)
    commands = {"betas": ("--market", "Mkt"), "risk": ("--benchmark", "Mkt"),
                "estimators": ("--market", "Mkt"), "factors": ("--factors", "Mkt"),
                "reconcile": ("--market", "Mkt", "--weights", "NoDur=0.5,Hlth=0.5")}
    doors = [(command, tmp_path / "d.csv", ()) for command in commands]
    doors += [(command, tmp_path / "d.parquet", DASK) for command in ("betas", "risk")]
    for i, (command, path, engine) in enumerate(doors):
        args = (command, path, *commands[command], "--risk-free", "RF", *engine)
        err = refused(capsys, *args)
        assert "--risk-free holds" in err and "an annual rate?" in err, err
        assert DECLARE in err, err
        out = tmp_path / f"o{i}.csv"
        code, _, err = run(capsys, *args, "--units", "decimal", "-o", out)
        assert code == 0, err
        got = pd.read_csv(out, index_col=0)
        if command == "betas":
            np.testing.assert_allclose(got["beta"], want["ols_beta"], rtol=1e-12)
        elif command == "risk":
            risk = want["risk_table"]
            np.testing.assert_allclose(got[risk.columns].to_numpy(), risk.to_numpy(),
                                       rtol=1e-12)
        elif command == "estimators":
            est = want["beta_estimates"]
            np.testing.assert_allclose(got["ols"], est["ols"], rtol=1e-12)
        elif command == "factors":
            np.testing.assert_allclose(got["Mkt"], want["factor_betas"]["Mkt"], rtol=1e-12)
        else:
            np.testing.assert_allclose(got["beta"], want["beta_reconcile"]["beta"],
                                       rtol=1e-12)
