"""Issue 12's analytics on the command line (factors, estimators, resample, annual
risk-free rates, weights schedules, costs), on Ken French's data as linearmodels ships it:
every result equal to the Python API at 1e-12, every bad input one line and exit 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.cli import main as cli

FACTORS = ["MktRF", "SMB", "HML", "Mom"]
ASSETS = ["NoDur", "Durbl", "Manuf", "Enrgy", "Chems"]


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = cli([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def fail(capsys, *argv: object) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


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
    assets = frame[ASSETS].iloc[::-1]  # newest first: read oldest first, matched by date
    assets.to_csv(tmp_path / "assets.csv")
    # the factors cover more months than the assets, with the RF column beside them
    wider = frame[FACTORS + ["RF"]]
    wider.to_csv(tmp_path / "ff.csv.gz")
    out = tmp_path / "f.parquet"
    assert run(capsys, "factors", tmp_path / "assets.csv", "--factors-file",
               tmp_path / "ff.csv.gz", "--risk-free", "RF", "-o", out)[0] == 0
    want = bx.factor_betas(frame[ASSETS], frame[FACTORS], risk_free=frame["RF"]).to_frame()
    close(pd.read_parquet(out), want)
    # a per-period number as the risk-free
    assert run(capsys, "factors", tmp_path / "assets.csv", "--factors-file",
               tmp_path / "ff.csv.gz", "--risk-free", "0.001", "-o", out)[0] == 0
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
