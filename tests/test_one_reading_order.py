"""One order rule through every door (issue 16): dates run oldest first, else refused.

The same file goes to the Python API (read with pandas), the command line in both
engines and, in ``tests/runtimes/reading_order.py``, the Excel functions: dates out of
time order are refused in every door with one wording naming the first pair out of
order (:func:`betaxl.data.dates.order_problem`), never sorted by default.  On the
command line ``--sort-dates`` sorts them, with a note, and answers as the API on the
sorted rows.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.errors import BetaxlError

from . import reading_cases as cases
from .test_one_reading import refused, run

#: Ken French's 1926-07..1931-06 as Excel exports them (mmm-yy): 26-29 read as 2026-2029
#: by the two-digit window, so the dates run 2026..2029, then 1930, 1931.
OLD = pd.date_range("1926-07-31", periods=60, freq="ME")
BREAK = (r"has dates not in time order: row 43 \(Jan-30 = 1930-01-31\) is older than row 42 "
         r"\(Dec-29 = 2029-12-31\); betaxl needs them oldest first and never reorders rows "
         r"itself")
NEWEST = (r"has dates newest first: row 2 \(2017-02-28\) is older than row 1 \(2017-03-31\); "
          r"betaxl needs them oldest first and never reorders rows itself")
DASK = ("--engine", "dask", "--workers", "1")


def old_export() -> tuple[pd.DataFrame, str]:
    frame = cases.french_monthly().iloc[:60][[*cases.ASSETS, "Mkt"]].set_axis(OLD)
    return frame, cases.excel_export_csv(frame)


def test_two_digit_years_out_of_order_are_refused_in_every_door(tmp_path: Path,
                                                                capsys) -> None:
    frame, text = old_export()
    assert text.splitlines()[1].startswith("Jul-26,")
    read = pd.read_csv(io.StringIO(text), index_col="Date")
    for call in (lambda: bx.ols_beta(read[cases.ASSETS], read["Mkt"]),
                 lambda: bx.risk_table(read[cases.ASSETS], read["Mkt"]),
                 lambda: bx.resample_returns(read, to="year")):
        with pytest.raises(BetaxlError, match=rf"^\w+: \w+ {BREAK} \(sort them oldest "
                           r"first with \.sort_index\(\)\)$"):
            call()
    path = tmp_path / "ff1926.csv"
    path.write_text(text)
    read.reset_index().to_parquet(tmp_path / "ff1926.parquet", index=False)
    how = r" \(sort the rows oldest first, or pass --sort-dates to have betaxl sort them\)$"
    for argv in (("betas", path, "--market", "Mkt"), ("risk", path, "--benchmark", "Mkt"),
                 ("resample", path, "--to", "year"),
                 ("betas", tmp_path / "ff1926.parquet", "--market", "Mkt", *DASK),
                 ("risk", tmp_path / "ff1926.parquet", "--benchmark", "Mkt", *DASK)):
        err = refused(capsys, *argv[:1], *argv[1:], "-o", tmp_path / "o.csv")
        assert re.search(rf": ff1926\.\w+: {BREAK}{how}", err), err


def test_sort_dates_does_not_sort_two_digit_years_into_a_century_hole(tmp_path: Path,
                                                                       capsys) -> None:
    """--sort-dates on the Jul-26..Jun-31 export would give 1930-1931 then 2026-2029:
    refused by the hole rule (a jump of 34,730 days), on both engines and every
    command; a newest-first export is still sorted."""
    _, text = old_export()
    path = tmp_path / "ff1926.csv"
    path.write_text(text)
    pd.read_csv(path).to_parquet(tmp_path / "ff1926.parquet", index=False)
    hole = (r"--sort-dates would put a hole in the dates: sorted, they jump 34730 days "
            r"from 1931-06-30 to 2026-07-31 \(two-digit years read across the 1930-2029 "
            r"window\?\); write four-digit years, or sort the rows yourself$")
    for argv in (("betas", path, "--market", "Mkt"), ("rolling", path, "--market", "Mkt",
                                                      "--window", "24"),
                 ("resample", path, "--to", "year"), ("risk", path, "--benchmark", "Mkt"),
                 ("betas", tmp_path / "ff1926.parquet", "--market", "Mkt", *DASK)):
        err = refused(capsys, *argv, "--sort-dates", "-o", tmp_path / "o.csv")
        assert re.search(rf": ff1926\.\w+: {hole}", err.strip()), err
    assert not (tmp_path / "o.csv").exists()


def test_newest_first_is_refused_and_sorted_only_on_request(tmp_path: Path,
                                                            capsys) -> None:
    frame = cases.last_months(120)[[*cases.ASSETS, "Mkt"]]
    back = frame.iloc[::-1]
    with pytest.raises(BetaxlError, match=rf"^ols_beta: returns {NEWEST}"):
        bx.ols_beta(back[cases.ASSETS], back["Mkt"])
    back.to_csv(tmp_path / "back.csv")
    back.reset_index().to_parquet(tmp_path / "back.parquet", index=False)
    want = bx.risk_table(frame[cases.ASSETS], frame["Mkt"]).to_frame()
    for i, (path, engine) in enumerate(((tmp_path / "back.csv", ()),
                                        (tmp_path / "back.parquet", DASK))):
        err = refused(capsys, "risk", path, "--benchmark", "Mkt", *engine,
                      "-o", tmp_path / "o.csv")
        assert f": {path.name}: " in err and "newest first: row 2 (2017-02-28)" in err, err
        out = tmp_path / f"r{i}.csv"
        code, _, err = run(capsys, "risk", path, "--benchmark", "Mkt", *engine,
                           "--sort-dates", "-o", out)
        assert code == 0, err
        assert "dates sorted oldest first (--sort-dates)" in err and "newest first" in err
        got = pd.read_csv(out, index_col=0)
        np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(),
                                   rtol=1e-12)
    # a date twice is refused even with --sort-dates (sorting cannot settle it)
    twice = frame.iloc[[0, 1, 1, *range(2, 120)]]
    twice.to_csv(tmp_path / "twice.csv")
    assert "twice" in refused(capsys, "risk", tmp_path / "twice.csv", "--benchmark",
                              "Mkt", "--sort-dates", "-o", tmp_path / "o.csv")


def test_betaxl_recalc_refuses_the_export_in_the_same_wording(tmp_path: Path) -> None:
    import openpyxl

    from betaxl.workbook.recalc import recalculate_file

    frame, _ = old_export()
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Date", "NoDur", "Mkt"])
    for stamp, row in frame.iterrows():  # the export's texts, as a CSV opened in Excel
        ws.append([f"{stamp:%b-%y}", float(row["NoDur"]), float(row["Mkt"])])
    ws["E1"] = "=BETA_OLS(A1:B61,C1:C61)"
    book.save(tmp_path / "in.xlsx")
    done = recalculate_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    reasons = [r.reason for r in done.report.errors if r.cell.endswith("E1")]
    assert len(reasons) == 1 and re.search(rf"BETA_OLS: asset_returns {BREAK}", reasons[0]), \
        done.report.errors
