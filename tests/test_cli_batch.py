"""The batch subcommands on real data (Fama-French via linearmodels, the packaged
examples) and the ways users break them: dates as numbers, pandas' index column, prices
given as returns, text columns, long panels, workbooks, compressed and hostile files,
outputs that are inputs, devices, and formats' limits."""

from __future__ import annotations

import gzip
import os
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import betaxl as bx
from betaxl.cli import main as cli
from betaxl.examples import BOND_MARKET, BOND_PRICES, bond_units, multi_asset_prices


@pytest.fixture()
def monthly(tmp_path: Path, industries) -> tuple[Path, pd.DataFrame]:
    """Ten years of industry returns, the market and the risk-free rate, as pandas writes
    a CSV with a date index."""
    returns, market, rf = industries
    frame = returns.iloc[-120:, :5].copy()
    frame["market"], frame["rf"] = market.iloc[-120:], rf.iloc[-120:]
    frame.index.name = "date"
    path = tmp_path / "monthly.csv"
    frame.to_csv(path)
    return path, frame


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = cli([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def fail(capsys, *argv: object) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


# --- every subcommand on real data -----------------------------------------------------


def test_betas_and_rolling_equal_the_core(tmp_path: Path, monthly, capsys) -> None:
    path, frame = monthly
    assets, market, rf = frame.iloc[:, :5], frame["market"], frame["rf"]
    assert run(capsys, "betas", path, "--market", "market", "--risk-free", "rf",
               "-o", tmp_path / "b.csv")[0] == 0
    got = pd.read_csv(tmp_path / "b.csv", index_col=0)
    want = bx.ols_beta(assets, market, risk_free=rf).to_frame().T
    assert list(got.index) == list(assets.columns)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    assert run(capsys, "rolling", path, "--market", "market", "--window", "36",
               "-o", tmp_path / "r.parquet")[0] == 0
    rolled = pd.read_parquet(tmp_path / "r.parquet")
    np.testing.assert_allclose(rolled[assets.columns].to_numpy(),
                               bx.rolling_beta(assets, market, 36).to_numpy(), rtol=1e-12)
    assert isinstance(rolled.index, pd.DatetimeIndex)
    assert "rf" in rolled.columns  # without --risk-free it is one more column


def test_returns_portfolio_equal_weight_reconcile_on_the_bond_example(tmp_path: Path,
                                                                      capsys) -> None:
    prices = BOND_PRICES.copy()
    prices["mkt"] = BOND_MARKET
    prices.index = pd.date_range("2020-01-31", periods=len(prices), freq="ME")
    prices.index.name = "date"
    path = tmp_path / "bonds.csv"
    prices.to_csv(path)
    units = ",".join(f"{k}={v}" for k, v in bond_units().items())
    assert run(capsys, "reconcile", path, "--market", "mkt", "--weights", units,
               "--input-type", "prices", "--holdings", "units",
               "-o", tmp_path / "rec.xlsx")[0] == 0
    book = openpyxl.load_workbook(tmp_path / "rec.xlsx")
    assert book.sheetnames == ["assets", "summary"]
    summary = {row[0]: row[1] for row in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["portfolio_beta"] == pytest.approx(1.5200058, abs=1e-7)  # the seed's answer
    code, out, _ = run(capsys, "returns", path, "-o", tmp_path / "ret.csv")
    assert code == 0
    ret = pd.read_csv(tmp_path / "ret.csv", index_col=0, parse_dates=True)
    np.testing.assert_allclose(ret.to_numpy(), bx.to_returns(prices).to_numpy(), rtol=1e-15)
    assert run(capsys, "portfolio", path, "--input-type", "prices", "--weights",
               "bond_one=0.5,bond_two=0.5,mkt=0", "--rebalance", "month", "--detail",
               "-o", tmp_path / "p.csv")[0] == 0
    port = pd.read_csv(tmp_path / "p.csv", index_col=0)
    r = bx.to_returns(prices)
    np.testing.assert_allclose(port["portfolio"], 0.5 * r["bond_one"] + 0.5 * r["bond_two"],
                               rtol=1e-14)
    contrib = port.filter(like="contribution_").sum(axis=1)
    np.testing.assert_allclose(contrib, port["portfolio"], rtol=1e-14)
    # weights by name, in any order: the same portfolio
    assert run(capsys, "portfolio", path, "--input-type", "prices", "--weights",
               "mkt=0,bond_two=0.5,bond_one=0.5", "--rebalance", "month",
               "-o", tmp_path / "p2.csv")[0] == 0
    np.testing.assert_allclose(pd.read_csv(tmp_path / "p2.csv", index_col=0)["portfolio"],
                               port["portfolio"], rtol=0)
    err = fail(capsys, "portfolio", path, "--input-type", "prices", "--weights",
               "bond_one=0.5,bond_3=0.5", "-o", tmp_path / "p3.csv")
    assert "no column named 'bond_3'" in err


def test_equal_weight_and_dividends(tmp_path: Path, capsys) -> None:
    # A 10 -> 12, B 20 -> 18 with B paying $1: rebalanced total return 7.5% (seed 003)
    (tmp_path / "p.csv").write_text("date,A,B\n2024-01-31,10,20\n2024-02-29,12,18\n")
    (tmp_path / "d.csv").write_text("date,A,B\n2024-01-31,0,0\n2024-02-29,0,1\n")
    assert run(capsys, "equal-weight", tmp_path / "p.csv", "--input-type", "prices",
               "--dividends", tmp_path / "d.csv", "-o", tmp_path / "ew.csv")[0] == 0
    out = pd.read_csv(tmp_path / "ew.csv", index_col=0)
    assert out["equal_weight"].iloc[0] == pytest.approx(0.075, abs=1e-15)
    assert out["n_assets"].iloc[0] == 2


def test_risk_infers_the_frequency_from_the_dates(tmp_path: Path, monthly, capsys) -> None:
    path, frame = monthly
    assert run(capsys, "risk", path, "--benchmark", "market", "--risk-free", "rf",
               "-o", tmp_path / "risk.csv")[0] == 0
    got = pd.read_csv(tmp_path / "risk.csv", index_col=0)
    want = bx.risk_table(frame.iloc[:, :5], frame["market"], risk_free=frame["rf"],
                         periods_per_year=12).to_frame()
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    # daily dates: annualised by 252, never silently by 12
    daily = frame.copy()
    daily.index = pd.bdate_range("2020-01-01", periods=len(frame), name="date")
    daily.to_csv(tmp_path / "daily.csv")
    assert run(capsys, "risk", tmp_path / "daily.csv", "--benchmark", "market",
               "-o", tmp_path / "risk_d.csv")[0] == 0
    got = pd.read_csv(tmp_path / "risk_d.csv", index_col=0)
    want = bx.risk_table(daily.iloc[:, :6].drop(columns="market"), daily["market"],
                         periods_per_year=252).to_frame()
    np.testing.assert_allclose(got[want.columns].to_numpy(), want.to_numpy(), rtol=1e-12)


# --- the ways users break it --------------------------------------------------------------


def test_numeric_date_column_and_pandas_index_column_are_not_assets(tmp_path: Path, monthly,
                                                                   capsys) -> None:
    path, frame = monthly
    numeric = frame.copy()
    numeric.index = numeric.index.strftime("%Y%m%d").astype(int)
    # the date column in the middle, and pandas' own index column first
    numeric = numeric.reset_index().iloc[:, [1, 2, 0, 3, 4, 5, 6, 7]]
    numeric.to_csv(tmp_path / "n.csv")  # writes "Unnamed: 0"-style 0..n-1 first
    assert run(capsys, "betas", tmp_path / "n.csv", "--market", "market", "--risk-free", "rf",
               "-o", tmp_path / "b.csv")[0] == 0
    got = pd.read_csv(tmp_path / "b.csv", index_col=0)
    assert sorted(got.index) == sorted(frame.columns[:5])
    want = bx.ols_beta(frame.iloc[:, :5], frame["market"], risk_free=frame["rf"]).beta
    np.testing.assert_allclose(got.loc[want.index, "beta"], want, rtol=1e-12)


def test_prices_given_as_returns_and_returns_as_prices(tmp_path: Path, monthly, capsys) -> None:
    path, frame = monthly
    prices = 100 * (1 + frame.drop(columns="rf")).cumprod()
    prices.to_csv(tmp_path / "prices.csv")
    err = fail(capsys, "betas", tmp_path / "prices.csv", "--market", "market")
    assert "does not look like returns" in err and "--input-type prices" in err
    err = fail(capsys, "betas", path, "--market", "market", "--input-type", "prices")
    assert "looks like returns" in err
    assert run(capsys, "betas", tmp_path / "prices.csv", "--market", "market",
               "--trust-input-type", "-o", tmp_path / "x.csv")[0] == 0


def test_risk_free_is_never_converted_as_a_price(tmp_path: Path, monthly, capsys) -> None:
    path, frame = monthly
    prices = 100 * (1 + frame.drop(columns="rf")).cumprod()
    prices["rf"] = frame["rf"]
    prices.to_csv(tmp_path / "prices.csv")
    assert run(capsys, "betas", tmp_path / "prices.csv", "--market", "market", "--risk-free",
               "rf", "--input-type", "prices", "-o", tmp_path / "b.csv")[0] == 0
    got = pd.read_csv(tmp_path / "b.csv", index_col=0)
    r = bx.to_returns(prices.drop(columns="rf"))
    want = bx.ols_beta(r.drop(columns="market"), r["market"],
                       risk_free=frame["rf"].iloc[1:]).to_frame().T
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-9)
    assert got["alpha"].abs().max() < 0.05  # a risk-free of 0 would shift alpha


def test_bad_arguments_and_text_columns(tmp_path: Path, monthly, capsys) -> None:
    path, frame = monthly
    assert "--window must be at least 3 rows" in fail(capsys, "betas", path, "--market", "market",
                                                 "--window", "0")
    assert "unknown output extension '.json'" in fail(capsys, "betas", path, "--market",
                                                      "market", "-o", tmp_path / "o.json")
    assert not (tmp_path / "o.json").exists()
    labelled = frame.copy()
    labelled["sector"] = "tech"
    labelled.to_csv(tmp_path / "t.csv")
    assert "'sector'" in fail(capsys, "betas", tmp_path / "t.csv", "--market", "market")
    code, _, err = run(capsys, "betas", tmp_path / "t.csv", "--market", "market", "--skip-text",
                       "-o", tmp_path / "t_b.csv")
    assert code == 0 and "left out text columns 'sector'" in err


def test_thousands_separators_and_european_csv(tmp_path: Path, capsys) -> None:
    prices, market = multi_asset_prices()
    prices = prices * 100
    prices["market"] = market
    text = prices.map(lambda v: f"{v:,.2f}")
    text.index.name = "date"
    text.to_csv(tmp_path / "k.csv")
    assert "--thousands" in fail(capsys, "returns", tmp_path / "k.csv")
    assert run(capsys, "returns", tmp_path / "k.csv", "--thousands", ",",
               "-o", tmp_path / "k_r.csv")[0] == 0
    got = pd.read_csv(tmp_path / "k_r.csv", index_col=0)
    np.testing.assert_allclose(got.to_numpy(), bx.to_returns(prices.round(2)).to_numpy(),
                               rtol=1e-12)
    # semicolons and decimal commas, as European Excel saves a CSV
    prices.round(2).to_csv(tmp_path / "eu.csv", sep=";", decimal=",", index_label="Datum")
    assert run(capsys, "returns", tmp_path / "eu.csv", "--date-column", "Datum",
               "-o", tmp_path / "eu_r.csv")[0] == 0
    np.testing.assert_allclose(pd.read_csv(tmp_path / "eu_r.csv", index_col=0).to_numpy(),
                               got.to_numpy(), rtol=1e-12)


def test_long_panels_are_pivoted(tmp_path: Path, monthly, capsys) -> None:
    path, frame = monthly
    long = frame.drop(columns="rf").stack().rename("ret").reset_index()
    long.columns = ["date", "ticker", "ret"]
    long = long.sample(frac=1.0, random_state=1)  # vendors do not sort
    long.to_csv(tmp_path / "long.csv", index=False)
    assert run(capsys, "betas", tmp_path / "long.csv", "--market", "market",
               "-o", tmp_path / "b.csv")[0] == 0
    got = pd.read_csv(tmp_path / "b.csv", index_col=0)
    want = bx.ols_beta(frame.iloc[:, :5], frame["market"]).to_frame().T
    np.testing.assert_allclose(got.loc[want.index].to_numpy(), want.to_numpy(), rtol=1e-12)
    doubled = pd.concat([long, long.iloc[:1]])
    doubled.to_csv(tmp_path / "dup.csv", index=False)
    assert "two rows for id" in fail(capsys, "betas", tmp_path / "dup.csv", "--market", "market")


def test_workbook_inputs_by_sheet_range_and_defined_name(tmp_path: Path, monthly,
                                                         capsys) -> None:
    path, frame = monthly
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet["A1"] = "a note above the table"
    sheet.append([])
    sheet.append(["date", *frame.columns])
    for when, row in frame.iterrows():
        sheet.append([when.to_pydatetime(), *row.tolist()])
    last = sheet.max_row
    book.defined_names["returns_block"] = openpyxl.workbook.defined_name.DefinedName(
        "returns_block", attr_text=f"Data!$A$3:$H${last}")
    book.save(tmp_path / "in.xlsx")
    want = bx.ols_beta(frame.iloc[:, :5], frame["market"]).to_frame().T
    for cells in (f"A3:H{last}", "returns_block"):
        assert run(capsys, "betas", tmp_path / "in.xlsx", "--range", cells, "--sheet", "Data",
                   "--market", "market", "--skip-text", "-o", tmp_path / "b.csv")[0] == 0
        got = pd.read_csv(tmp_path / "b.csv", index_col=0).drop(index="rf")
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    assert "no sheet named 'Nope' for --sheet" in fail(
        capsys, "betas", tmp_path / "in.xlsx", "--sheet", "Nope", "--market", "market")


def test_xlsx_output_real_dates_integers_and_limits(tmp_path: Path, monthly, capsys) -> None:
    path, frame = monthly
    assert run(capsys, "betas", path, "--market", "market", "--window", "12",
               "-o", tmp_path / "o.xlsx")[0] == 0
    book = openpyxl.load_workbook(tmp_path / "o.xlsx")
    assert book.sheetnames == ["betas", "rolling_12"]
    header = [c.value for c in book["betas"][1]]
    n_obs = book["betas"].cell(row=2, column=header.index("n_obs") + 1).value
    assert n_obs == 120 and isinstance(n_obs, int)
    first = book["rolling_12"].cell(row=2, column=1)
    assert first.is_date and first.number_format == "yyyy-mm-dd"
    # past xlsx's 16,384 columns: refused, nothing written
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(0, 0.01, (5, 16_400)),
                        columns=[f"a{i}" for i in range(16_400)])
    wide["market"] = rng.normal(0, 0.01, 5)
    wide.to_parquet(tmp_path / "wide.parquet")
    err = fail(capsys, "rolling", tmp_path / "wide.parquet", "--market", "market", "--window",
               "3", "-o", tmp_path / "w.xlsx")
    assert "xlsx holds at most" in err and not (tmp_path / "w.xlsx").exists()


# --- outputs never lose data ---------------------------------------------------------------


def test_an_output_never_replaces_an_input(tmp_path: Path, monthly, capsys) -> None:
    path, _ = monthly
    before = path.read_bytes()
    assert "input file" in fail(capsys, "betas", path, "--market", "market", "-o", path)
    link = tmp_path / "link.csv"
    link.symlink_to(path)
    assert "input file" in fail(capsys, "betas", path, "--market", "market", "-o", link)
    os.link(path, tmp_path / "hard.csv")
    assert "input file" in fail(capsys, "betas", path, "--market", "market",
                                "-o", tmp_path / "hard.csv")
    (tmp_path / "sub").mkdir()
    assert "input file" in fail(capsys, "betas", path, "--market", "market",
                                "-o", tmp_path / "sub" / ".." / path.name)
    # the rolling file's name is the input's: nothing at all is written
    victim = tmp_path / "out_rolling_12.csv"
    victim.write_bytes(before)
    assert "input file" in fail(capsys, "betas", victim, "--market", "market", "--window",
                                "12", "-o", tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists() and victim.read_bytes() == before
    assert path.read_bytes() == before


def test_outputs_are_regular_files_only(tmp_path: Path, monthly, capsys) -> None:
    path, _ = monthly
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    assert "not a file" in fail(capsys, "betas", path, "--market", "market",
                                        "-o", fifo)
    (tmp_path / "dir.csv").mkdir()
    assert "not a file" in fail(capsys, "betas", path, "--market", "market",
                                        "-o", tmp_path / "dir.csv")
    if Path("/dev/null").exists():
        null = tmp_path / "null.csv"
        null.symlink_to("/dev/null")
        assert "not a file" in fail(capsys, "betas", path, "--market", "market",
                                            "-o", null)
        assert Path("/dev/null").is_char_device()


# --- compressed inputs and limits -----------------------------------------------------------


def test_compressed_inputs_read_and_bombs_refused_before_memory(tmp_path: Path, monthly,
                                                                capsys) -> None:
    path, frame = monthly
    want = bx.ols_beta(frame.iloc[:, :5], frame["market"]).to_frame().T
    with gzip.open(tmp_path / "m.csv.gz", "wb") as out:
        out.write(path.read_bytes())
    with zipfile.ZipFile(tmp_path / "m.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("m.csv", path.read_bytes())
    for name in ("m.csv.gz", "m.zip"):
        assert run(capsys, "betas", tmp_path / name, "--market", "market", "--skip-text",
                   "-o", tmp_path / "b.csv")[0] == 0
        got = pd.read_csv(tmp_path / "b.csv", index_col=0).drop(index="rf")
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    # 40 MB of one repeated row in a small gzip: stopped at the byte limit, one line
    row = b"2020-01-31," + b"0.01," * 200 + b"0.01\n"
    with gzip.open(tmp_path / "bomb.csv.gz", "wb", compresslevel=9) as out:
        out.write(b"date," + b",".join(b"a%d" % i for i in range(201)) + b"\n")
        for _ in range(40):
            out.write(row * 1000)
    assert (tmp_path / "bomb.csv.gz").stat().st_size < 1_000_000
    err = fail(capsys, "betas", tmp_path / "bomb.csv.gz", "--market", "a0",
               "--max-bytes", "10000000")
    assert "more than 10,000,000 bytes once decompressed" in err
    err = fail(capsys, "betas", path, "--market", "market", "--max-cells", "100")
    assert "the limit is 100" in err
