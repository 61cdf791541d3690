"""One reading of a file in both engines of the command line (issue 16).

The memory engine and Dask read the same file by the same rules and print the same
one line when they refuse it: no worker traceback or port warning of distributed's in
the terminal, the dates of a resample output kept when its partial periods are left out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from . import reading_cases as cases
from .test_one_reading import refused, run

pytest.importorskip("distributed")
ROOT = Path(__file__).resolve().parents[1]
DASK = ("--engine", "dask", "--workers", "1")


def shell(*argv: object) -> subprocess.CompletedProcess[str]:
    """``python -m betaxl.cli ARGV`` as a terminal runs it: the workers' own output too."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "betaxl.cli", *map(str, argv)],
                          capture_output=True, text=True, env=env, timeout=300)


def test_a_refusal_raised_in_a_dask_task_is_one_line(tmp_path: Path) -> None:
    # daily percents: refused by the percent rule inside each task
    frame = 100 * cases.last_months(120)[[*cases.ASSETS, "Mkt"]] / np.sqrt(21)
    frame = frame.set_axis(pd.bdate_range("2015-01-01", periods=len(frame), name="date"))
    frame.reset_index().to_parquet(tmp_path / "d.parquet", index=False)
    done = [shell("risk", tmp_path / "d.parquet", "--benchmark", "Mkt", *engine,
                  "-o", tmp_path / "o.csv") for engine in ((), DASK)]
    for result in done:
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "looks like percent returns" in result.stderr, result.stderr
    assert done[0].stderr == done[1].stderr


def test_drop_partial_on_a_resampled_parquet_keeps_its_dates(tmp_path: Path,
                                                             capsys) -> None:
    # French's last 400 months as daily-sized returns on 400 business days (19 months)
    frame = cases.french_monthly().iloc[-400:][[*cases.ASSETS, "Mkt"]] / np.sqrt(21)
    days = pd.bdate_range("2015-01-05", periods=len(frame), name="date")
    frame.set_axis(days).to_csv(tmp_path / "daily.csv")
    code, _, err = run(capsys, "resample", tmp_path / "daily.csv", "--to", "month",
                       "-o", tmp_path / "m.parquet")
    assert code == 0, err
    outs = []
    for i, engine in enumerate(((), DASK)):
        out = tmp_path / f"r{i}.csv"
        code, _, err = run(capsys, "risk", tmp_path / "m.parquet", "--benchmark", "Mkt",
                           "--drop-partial", *engine, "-o", out)
        assert code == 0, err
        assert "12 periods a year" in err, err
        outs.append(pd.read_csv(out, index_col=0))
    np.testing.assert_allclose(outs[0].to_numpy(float), outs[1].to_numpy(float), rtol=1e-12,
                               equal_nan=True)
    # the partial periods kept: named once in each engine's notes, the same line
    notes = []
    for i, engine in enumerate(((), DASK)):
        code, _, err = run(capsys, "risk", tmp_path / "m.parquet", "--benchmark", "Mkt",
                           *engine, "-o", tmp_path / f"k{i}.csv")
        assert code == 0, err
        notes.append([line for line in err.splitlines() if "note: kept" in line])
        assert len(notes[-1]) == 1, err
    assert notes[0] == notes[1]


def test_units_percent_says_so_in_both_engines(tmp_path: Path, capsys) -> None:
    frame = 100 * cases.last_months(120)[[*cases.ASSETS, "Mkt"]]
    frame.reset_index().to_parquet(tmp_path / "p.parquet", index=False)
    outs = []
    for i, engine in enumerate(((), DASK)):
        code, _, err = run(capsys, "betas", tmp_path / "p.parquet", "--market", "Mkt",
                           "--units", "percent", *engine, "-o", tmp_path / f"b{i}.csv")
        assert code == 0, err
        assert err.count("note: units: percent, divided by 100 (results are decimals)") == 1
        outs.append(pd.read_csv(tmp_path / f"b{i}.csv", index_col=0))
    np.testing.assert_allclose(outs[0].to_numpy(float), outs[1].to_numpy(float), rtol=1e-12)


@pytest.mark.parametrize("second", ["MKT", "MKT ", "MKT\u00a0"])
def test_a_column_name_twice_in_parquet_is_refused_naming_it(tmp_path: Path, capsys,
                                                             second: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = cases.last_months(36)
    table = pa.table([pa.array(frame.index), *[pa.array(frame[c].to_numpy()) for c in
                                               ("Mkt", "NoDur", "Hlth")]],
                     names=["date", "MKT", "B", second])
    pq.write_table(table, tmp_path / "twice.parquet")
    frame[["Mkt", "NoDur", "Hlth"]].set_axis(["MKT", "B", second], axis=1).to_csv(
        tmp_path / "twice.csv")
    want = ("has the column name 'MKT' more than once; every column needs its own name "
            "(rename one: betaxl never picks one of them for you)")
    for path, engine in ((tmp_path / "twice.parquet", ()), (tmp_path / "twice.parquet", DASK),
                         (tmp_path / "twice.csv", ())):
        code, out, err = run(capsys, "betas", path, "--market", "MKT", *engine,
                             "-o", tmp_path / "o.csv")
        assert code == 2, err
        assert err[len(out):].strip() == f"betaxl betas: {path.name}: {want}", err


def test_both_engines_find_the_same_dates_in_parquet(tmp_path: Path, capsys) -> None:
    frame = cases.last_months(48)[[*cases.ASSETS, "Mkt"]]
    codes = [int(f"{d:%Y%m}") for d in frame.index]
    plain = frame.reset_index(drop=True)
    plain.assign(Date=[str(c) for c in codes])[["Date", *plain.columns]].to_parquet(
        tmp_path / "text_codes.parquet", index=False)  # yyyymm stored as strings
    plain.assign(**{"Unnamed: 0": codes})[["Unnamed: 0", *plain.columns]].to_parquet(
        tmp_path / "corner.parquet", index=False)  # a CSV's blank corner, kept
    plain.set_axis(codes).to_parquet(tmp_path / "index.parquet")  # an int index: pandas'
    want = bx_risk(frame)
    for name in ("text_codes", "corner", "index"):
        for i, engine in enumerate(((), DASK)):
            out = tmp_path / f"{name}{i}.csv"
            code, _, err = run(capsys, "risk", tmp_path / f"{name}.parquet", "--benchmark",
                               "Mkt", *engine, "-o", out)
            assert code == 0, (name, engine, err)
            got = pd.read_csv(out, index_col=0)
            np.testing.assert_allclose(got[want.columns].to_numpy(float), want.to_numpy(),
                                       rtol=1e-12)
    # undated: the memory engine with the periods given; Dask says why it cannot
    plain.to_parquet(tmp_path / "undated.parquet", index=False)
    code, _, err = run(capsys, "risk", tmp_path / "undated.parquet", "--benchmark", "Mkt",
                       "--periods-per-year", "12", "-o", tmp_path / "u.csv")
    assert code == 0, err
    err = refused(capsys, "risk", tmp_path / "undated.parquet", "--benchmark", "Mkt",
                  "--periods-per-year", "12", *DASK)
    assert "no date column (Dask lines its tasks' rows up by date: undated data are the " \
        "memory engine's)" in err, err


def bx_risk(frame: pd.DataFrame) -> pd.DataFrame:
    import betaxl as bx

    return bx.risk_table(frame[cases.ASSETS], frame["Mkt"]).to_frame()


def test_a_date_format_the_labels_do_not_follow_is_named_in_api_and_cli(tmp_path: Path,
                                                                       capsys) -> None:
    import betaxl as bx
    from betaxl.errors import BetaxlError

    frame = cases.last_months(24)[[*cases.ASSETS, "Mkt"]]
    frame = frame.set_axis([f"{d:%b-%y}" for d in frame.index])
    why = "holds '{v}' (row 1), which does not read as the date format '%Y-%m-%d'"
    for func in (bx.risk_table, bx.ols_beta):
        with pytest.raises(BetaxlError, match=rf"^{func.__name__}: returns "
                           + why.format(v=frame.index[0]).replace("(", r"\(")
                           .replace(")", r"\)") + "$"):
            func(frame[cases.ASSETS], frame["Mkt"], date_format="%Y-%m-%d")
    frame.rename_axis("Date").to_csv(tmp_path / "m.csv")
    err = refused(capsys, "risk", tmp_path / "m.csv", "--benchmark", "Mkt",
                  "--date-format", "%Y-%m-%d")
    assert "column 'Date' " + why.format(v=frame.index[0]) in err, err


def test_a_year_column_is_refused_as_a_date_column_not_read_as_an_asset(tmp_path: Path,
                                                                       capsys) -> None:
    frame = cases.last_months(30)[[*cases.ASSETS, "Mkt"]].reset_index(drop=True)
    frame.insert(0, "Year", range(1990, 2020))
    frame.to_csv(tmp_path / "y.csv", index=False)
    err = refused(capsys, "risk", tmp_path / "y.csv", "--benchmark", "Mkt")
    assert err.strip() == ("betaxl risk: y.csv: column 'Year' is headed as dates but holds "
                           "1990 (not a date: years and month numbers are not dates); give "
                           "ISO dates (1990-12-31), yyyymm codes or yyyymmdd codes, or pass "
                           "--date-column for another column"), err


@pytest.mark.parametrize(("make", "ppy"), [(cases.holed_monthly, None),
                                           (cases.greek_daily, 252),
                                           (cases.cairo_daily, 252)])
def test_a_hole_in_the_dates_is_refused_by_both_engines_a_closure_is_not(
        tmp_path: Path, capsys, make, ppy) -> None:
    import betaxl as bx
    from betaxl.errors import BetaxlError

    frame = make()
    frame.reset_index().to_parquet(tmp_path / "d.parquet", index=False)
    frame.to_csv(tmp_path / "d.csv")
    if ppy is None:  # a ten-year hole: refused alike, read as consecutive months if told
        with pytest.raises(BetaxlError, match=r"^risk_table: periods_per_year was not "
                           r"given and its monthly dates jump 3684 days"):
            bx.risk_table(frame[cases.ASSETS], frame["Mkt"])
        for path, engine in ((tmp_path / "d.csv", ()), (tmp_path / "d.parquet", DASK)):
            err = refused(capsys, "risk", path, "--benchmark", "Mkt", *engine,
                          "-o", tmp_path / "o.csv")
            assert "its monthly dates jump 3684 days from 1958-12-31 to 1969-01-31" in err
            assert "(given, --periods-per-year reads the rows as consecutive periods)" in err
        ppy, extra = 12, ("--periods-per-year", "12")
    else:  # Athens' 38-day closure of 2015, Cairo's 55-day one of 2011 (Sunday to
        # Thursday): still trading days
        extra = ()
    want = bx.risk_table(frame[cases.ASSETS], frame["Mkt"], periods_per_year=ppy).to_frame()
    if not extra:
        got = bx.risk_table(frame[cases.ASSETS], frame["Mkt"]).to_frame()
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    for i, (path, engine) in enumerate(((tmp_path / "d.csv", ()),
                                        (tmp_path / "d.parquet", DASK))):
        code, _, err = run(capsys, "risk", path, "--benchmark", "Mkt", *engine, *extra,
                           "-o", tmp_path / f"r{i}.csv")
        assert code == 0 and f"{ppy} periods a year" in err, err
        got = pd.read_csv(tmp_path / f"r{i}.csv", index_col=0)
        np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize(("bad", "kind", "fmt"), [(192613, "yyyymm", "%Y%m"),
                                                  (20150230, "yyyymmdd", "%Y%m%d")])
def test_one_bad_code_is_named_with_its_row_and_cause(tmp_path: Path, capsys, bad, kind,
                                                      fmt) -> None:
    frame = cases.last_months(12)[[*cases.ASSETS, "Mkt"]]
    codes = [int(f"{d:{fmt}}") for d in frame.index]
    codes[5] = bad  # row 6: a thirteenth month, a 30 February
    coded = frame.reset_index(drop=True).assign(date=codes)[["date", *cases.ASSETS, "Mkt"]]
    coded.to_csv(tmp_path / "c.csv", index=False)
    coded.to_parquet(tmp_path / "c.parquet", index=False)
    why = (f"column 'date' holds {bad} (row 6), which is not a valid {kind} code; give ISO "
           "dates (1990-12-31), yyyymm codes or yyyymmdd codes, or pass --date-column for "
           "another column")
    err = refused(capsys, "risk", tmp_path / "c.csv", "--benchmark", "Mkt")
    assert err.strip() == f"betaxl risk: c.csv: {why}", err
    err = refused(capsys, "risk", tmp_path / "c.parquet", "--benchmark", "Mkt", *DASK)
    assert err.strip() == f"betaxl risk: {why}", err


def test_a_date_in_two_files_of_a_dask_dataset_is_named(tmp_path: Path, capsys) -> None:
    frame = cases.last_months(24)[[*cases.ASSETS, "Mkt"]].rename_axis("date").reset_index()
    (tmp_path / "ds").mkdir()
    frame.iloc[:12].to_parquet(tmp_path / "ds" / "a.parquet", index=False)
    frame.iloc[11:].to_parquet(tmp_path / "ds" / "b.parquet", index=False)  # row 12 twice
    err = refused(capsys, "risk", tmp_path / "ds", "--benchmark", "Mkt", *DASK,
                  "--periods-per-year", "12")
    assert f"the dataset has the date {frame['date'][11]:%Y-%m-%d} twice; every period " \
           "must appear once" in err, err


def test_serial_dates_under_a_blank_header_get_advice_about_dates(tmp_path: Path,
                                                                  capsys) -> None:
    frame = cases.last_months(24)[[*cases.ASSETS, "Mkt"]]
    serials = (frame.index - pd.Timestamp("1899-12-30")).days
    frame.set_axis(serials).rename_axis(None).to_csv(tmp_path / "s.csv")  # blank corner: 'Unnamed: 0'
    err = refused(capsys, "risk", tmp_path / "s.csv", "--benchmark", "Mkt")
    assert err.strip() == ("betaxl risk: s.csv: column 'Unnamed: 0' has no header and holds "
                           "whole numbers that read as Excel serial dates (1950-2099), not "
                           "returns: pass --date-column 'Unnamed: 0' to read them as dates, "
                           "or head the column Date"), err
    import betaxl as bx

    want = bx.risk_table(frame[cases.ASSETS], frame["Mkt"]).to_frame()
    code, _, err = run(capsys, "risk", tmp_path / "s.csv", "--benchmark", "Mkt",
                       "--date-column", "Unnamed: 0", "-o", tmp_path / "r.csv")
    assert code == 0, err
    got = pd.read_csv(tmp_path / "r.csv", index_col=0)
    np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(), rtol=1e-12)
