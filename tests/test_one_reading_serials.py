"""Excel serial numbers under a date header, through every door (issue 16).

A CSV whose column headed ``date`` holds whole-number serials (43131 for 2018-01-31:
what a date cell becomes when its format is lost) is read as 1900-system dates from
1950 to 2099 by the command line and the Excel functions; the API reads the same
numbers as an index named as dates (``pd.read_csv(index_col=0)``) by the same rule
(:func:`betaxl.data.dates.code_dates_of`), with the frequency and the rate rule they
imply.  The Excel functions get the same table in ``tests/runtimes/reading_dates.py``.
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

DASK = ("--engine", "dask", "--workers", "1")
RATE = r"risk_free holds 0\.\d+ a period, which is \d+% a year over 12 periods a year"


def serial_frame(percent_rf: bool = False) -> pd.DataFrame:
    frame = cases.last_months(60)[[*cases.ASSETS, "Mkt", "RF"]].copy()
    if percent_rf:
        frame["RF"] = 100 * frame["RF"]
    serials = (frame.index - pd.Timestamp("1899-12-30")).days
    return frame.set_axis(pd.Index(serials, name="date"))


def test_serials_under_a_date_header_are_dates_in_every_door(tmp_path: Path,
                                                             capsys) -> None:
    dated = cases.last_months(60)[[*cases.ASSETS, "Mkt", "RF"]]
    want = bx.risk_table(dated[cases.ASSETS], dated["Mkt"], risk_free=dated["RF"]).to_frame()
    beta = bx.ols_beta(dated[cases.ASSETS], dated["Mkt"], risk_free=dated["RF"]).beta
    serial_frame().to_csv(tmp_path / "s.csv")
    read = pd.read_csv(tmp_path / "s.csv", index_col=0)
    assert read.index.dtype.kind == "i" and read.index[0] > 40_000
    got = bx.risk_table(read[cases.ASSETS], read["Mkt"], risk_free=read["RF"]).to_frame()
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(bx.ols_beta(read[cases.ASSETS], read["Mkt"],
                                           risk_free=read["RF"]).beta, beta, rtol=1e-12)
    read.reset_index().to_parquet(tmp_path / "s.parquet", index=False)
    for i, argv in enumerate(((tmp_path / "s.csv",), (tmp_path / "s.parquet", *DASK))):
        code, _, err = run(capsys, "risk", *argv, "--benchmark", "Mkt", "--risk-free", "RF",
                           "-o", tmp_path / f"r{i}.csv")
        assert code == 0 and "12 periods a year" in err, err
        out = pd.read_csv(tmp_path / f"r{i}.csv", index_col=0)
        np.testing.assert_allclose(out[want.columns].to_numpy(), want.to_numpy(),
                                   rtol=1e-12)
    # French's RF in percent beside them: refused by the dated rate rule in every door
    pct = serial_frame(percent_rf=True)
    pct.to_csv(tmp_path / "p.csv")
    read = pd.read_csv(tmp_path / "p.csv", index_col=0)
    for func, call in {"ols_beta": lambda: bx.ols_beta(read[cases.ASSETS], read["Mkt"],
                                                       risk_free=read["RF"]),
                       "risk_table": lambda: bx.risk_table(read[cases.ASSETS], read["Mkt"],
                                                           risk_free=read["RF"])}.items():
        with pytest.raises(BetaxlError, match=rf"^{func}: {RATE}: an annual rate\?"):
            call()
    read.reset_index().to_parquet(tmp_path / "p.parquet", index=False)
    for argv in ((tmp_path / "p.csv",), (tmp_path / "p.parquet", *DASK)):
        err = refused(capsys, "betas", *argv, "--market", "Mkt", "--risk-free", "RF",
                      "-o", tmp_path / "o.csv")
        assert "risk-free holds" in err and "over 12 periods a year: an annual rate?" in err


def test_a_year_index_is_refused_by_the_api_as_the_command_line_refuses_the_column(
        tmp_path: Path, capsys) -> None:
    """Years under a date header are no dates in any door: the command line refuses the
    column, the API the index (a RangeIndex, as read_csv gives consecutive years, too)."""
    frame = cases.last_months(30)[[*cases.ASSETS, "Mkt"]]
    years = frame.set_axis(pd.Index(np.arange(1990, 2020), name="Year"))
    years.to_csv(tmp_path / "years.csv")
    err = refused(capsys, "betas", tmp_path / "years.csv", "--market", "Mkt")
    assert "column 'Year' is headed as dates but holds 1990 (not a date" in err
    read = pd.read_csv(tmp_path / "years.csv", index_col=0)
    assert isinstance(read.index, pd.RangeIndex)
    for given in (read, years):
        for call in (lambda g: bx.ols_beta(g[cases.ASSETS], g["Mkt"]),
                     lambda g: bx.risk_table(g[cases.ASSETS], g["Mkt"], periods_per_year=1)):
            with pytest.raises(BetaxlError, match=r"returns index 'Year' is named as dates "
                               r"but holds 1990 \(not a date: years and month numbers"):
                call(given)
    plain = years.set_axis(pd.Index(np.arange(1990, 2020), name="row"))  # not a date name
    np.testing.assert_allclose(bx.ols_beta(plain[cases.ASSETS], plain["Mkt"]).beta,
                               bx.ols_beta(frame[cases.ASSETS], frame["Mkt"]).beta, rtol=1e-15)


def test_yyyymm_codes_as_text_in_the_index_are_dates_as_in_every_door(tmp_path: Path,
                                                                       capsys) -> None:
    """A Parquet string column of yyyymm codes set as the index (what
    ``read_parquet(...).set_index("date")`` gives): the API reads the codes' months, as
    the command line and the Excel functions read the same column; the order and rate
    rules apply (they were skipped: a newest-first frame answered)."""
    frame = cases.last_months(60)[[*cases.ASSETS, "Mkt"]]
    codes = [f"{d:%Y%m}" for d in frame.index]
    text = frame.set_axis(pd.Index(codes, name="date"))
    text.reset_index().to_parquet(tmp_path / "codes.parquet", index=False)
    read = pd.read_parquet(tmp_path / "codes.parquet").set_index("date")
    assert read.index.dtype == object or pd.api.types.is_string_dtype(read.index.dtype)
    want = bx.risk_table(frame[cases.ASSETS], frame["Mkt"]).to_frame()
    got = bx.risk_table(read[cases.ASSETS], read["Mkt"]).to_frame()
    pd.testing.assert_frame_equal(got, want, rtol=0, atol=0)
    for engine in ((), DASK):
        code, _, err = run(capsys, "risk", tmp_path / "codes.parquet", "--benchmark", "Mkt",
                           *engine, "-o", tmp_path / f"r{len(engine)}.csv")
        assert code == 0, err
        cli = pd.read_csv(tmp_path / f"r{len(engine)}.csv", index_col=0)
        np.testing.assert_allclose(cli.loc["annual_return", cases.ASSETS].to_numpy(float),
                                   want.loc["annual_return"].to_numpy(float), rtol=1e-12)
    with pytest.raises(BetaxlError, match="has dates newest first: row 2 "):
        bx.rolling_beta(read.iloc[::-1][cases.ASSETS], read.iloc[::-1]["Mkt"], 12)
    with pytest.raises(BetaxlError, match=RATE):
        bx.ols_beta(read[cases.ASSETS], read["Mkt"], risk_free=0.05)
    years = frame.set_axis(pd.Index([str(1950 + i) for i in range(60)], name="Year"))
    with pytest.raises(BetaxlError, match="returns index 'Year' is named as dates but "
                       "holds 1950"):
        bx.ols_beta(years[cases.ASSETS], years["Mkt"])
