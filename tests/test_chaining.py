"""Issue 16: the output of ``resample`` read back as returns by every data command.

``betaxl resample`` writes ``date, period, rows, partial`` and the returns; every data
command (memory and Dask engines) reads that file as returns, its partial periods named
in a note or left out with ``--drop-partial``, with the numbers of the Python API
(``resample_returns(..., drop_partial=...)`` then the core function).
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

KEPT = ("kept 2 partial periods (2018-01, 2018-10), which the data cover only in part; "
        "pass --drop-partial to leave them out")
LEFT = "left out 2 partial periods (2018-01, 2018-10)"


def daily() -> pd.DataFrame:
    """Business-daily returns from mid-January to mid-October 2018 (French's monthly
    numbers spread over the days): two partial months, eight whole ones."""
    days = pd.bdate_range("2018-01-15", "2018-10-12", name="date")
    monthly = cases.last_months(len(days))[[*cases.ASSETS, "Mkt"]].to_numpy() / 21
    return pd.DataFrame(monthly, index=days, columns=[*cases.ASSETS, "Mkt"])


def test_the_api_leaves_out_partial_periods_on_request() -> None:
    frame = daily()
    every = bx.resample_returns(frame, to="month")
    assert list(every.partial) == [True, *[False] * 8, True]
    whole = bx.resample_returns(frame, to="month", drop_partial=True)
    assert whole.dropped == ("2018-01", "2018-10") and not whole.partial.any()
    pd.testing.assert_frame_equal(whole.returns, every.returns[~every.partial.to_numpy()])
    with pytest.raises(BetaxlError, match="^resample_returns: drop_partial must be True or "
                       "False, got 'yes'"):
        bx.resample_returns(frame, to="month", drop_partial="yes")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_resample_output_is_read_back_as_returns(tmp_path: Path, capsys, suffix) -> None:
    frame = daily()
    frame.to_csv(tmp_path / "daily.csv")
    out = tmp_path / f"monthly{suffix}"
    code, _, err = run(capsys, "resample", tmp_path / "daily.csv", "--to", "month", "-o", out)
    assert code == 0 and "(10 months, 2 partial" in err, err
    every = bx.resample_returns(frame, to="month")
    whole = bx.resample_returns(frame, to="month", drop_partial=True)
    assets, market = cases.ASSETS, "Mkt"
    for drop, result, note in ((False, every, KEPT), (True, whole, LEFT)):
        flag = ["--drop-partial"] if drop else []
        returns = result.returns
        want_b = bx.ols_beta(returns[assets], returns[market]).to_frame().T
        want_r = bx.risk_table(returns[assets], returns[market],
                               periods_per_year=12).to_frame()
        engines = ("memory", "dask") if suffix == ".parquet" else ("memory",)
        for engine in engines:
            extra = ["--engine", engine, *(["--workers", "1"] if engine == "dask" else [])]
            code, _, err = run(capsys, "betas", out, "--market", market, *flag, *extra,
                               "-o", tmp_path / "b.csv")
            assert code == 0, err
            assert note in err, err
            got = pd.read_csv(tmp_path / "b.csv", index_col=0)
            assert list(got.index) == assets  # period, rows, partial are not assets
            np.testing.assert_allclose(got[want_b.columns].to_numpy(), want_b.to_numpy(),
                                       rtol=1e-12)
            code, _, err = run(capsys, "risk", out, "--benchmark", market,
                               "--periods-per-year", "12", *flag, *extra,
                               "-o", tmp_path / "r.csv")
            assert code == 0 and note in err, err
            got = pd.read_csv(tmp_path / "r.csv", index_col=0)
            np.testing.assert_allclose(got[want_r.columns].to_numpy(), want_r.to_numpy(),
                                       rtol=1e-12)
    # the other data commands read it too
    for argv in (("factors", "--factors", market), ("estimators", "--market", market),
                 ("reconcile", "--market", market, "--weights", "NoDur=0.5,Hlth=0.5")):
        code, _, err = run(capsys, argv[0], out, *argv[1:], "--drop-partial",
                           "-o", tmp_path / f"{argv[0]}.csv")
        assert code == 0 and LEFT in err, err


def test_resample_drop_partial_writes_whole_periods_only(tmp_path: Path, capsys) -> None:
    frame = daily()
    frame.to_csv(tmp_path / "daily.csv")
    code, _, err = run(capsys, "resample", tmp_path / "daily.csv", "--to", "month",
                       "--drop-partial", "-o", tmp_path / "m.csv")
    assert code == 0 and LEFT in err and "(8 months, 0 partial" in err, err
    got = pd.read_csv(tmp_path / "m.csv", index_col=0)
    want = bx.resample_returns(frame, to="month", drop_partial=True).to_frame()
    assert list(got["period"]) == list(want["period"])
    np.testing.assert_allclose(got[frame.columns].to_numpy(), want[frame.columns].to_numpy(),
                               rtol=1e-12)
    # chained again: quarters of whole months
    code, _, err = run(capsys, "resample", tmp_path / "m.csv", "--to", "quarter",
                       "-o", tmp_path / "q.csv")
    assert code == 0, err
    quarters = bx.resample_returns(want[frame.columns], to="quarter").returns
    np.testing.assert_allclose(pd.read_csv(tmp_path / "q.csv")[frame.columns].to_numpy(),
                               quarters.to_numpy(), rtol=1e-12)


def test_drop_partial_without_a_partial_column_is_refused(tmp_path: Path, capsys) -> None:
    daily().to_csv(tmp_path / "daily.csv")
    err = refused(capsys, "betas", tmp_path / "daily.csv", "--market", "Mkt",
                  "--drop-partial")
    assert "daily.csv: has no 'partial' column for --drop-partial" in err
    bad = bx.resample_returns(daily(), to="month").to_frame().astype({"partial": object})
    bad.iloc[0, bad.columns.get_loc("partial")] = "maybe"
    bad.to_csv(tmp_path / "bad.csv")
    err = refused(capsys, "betas", tmp_path / "bad.csv", "--market", "Mkt")
    assert "bad.csv: column 'partial' (as resample writes it) holds 'maybe' at row 1" in err
