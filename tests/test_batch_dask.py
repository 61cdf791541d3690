"""The Dask engine on a LocalCluster (two workers on 127.0.0.1, a memory limit per worker
smaller than the data): the same results as the in-memory core, to 1e-12."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import betaxl as bx
from betaxl.cli import main as cli
from betaxl.cli.client import peak_rss

distributed = pytest.importorskip("distributed")

LIMIT = 450 * 2**20  # bytes per worker: less than the 480 MB dataset below


@pytest.fixture(scope="module")
def cluster():
    import dask

    # a worker is never paused (that would only wait), only restarted past 95% of LIMIT
    with dask.config.set({"distributed.worker.memory.pause": False}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  memory_limit=LIMIT, silence_logs=logging.ERROR) as local:
        yield local


def _panel(n: int, k: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    market = rng.normal(3e-4, 0.01, n)
    data = market[:, None] * rng.uniform(0.2, 1.8, k) + rng.normal(0, 0.015, (n, k))
    frame = pd.DataFrame(data, columns=[f"s{i:05d}" for i in range(k)])
    frame["market"] = market
    frame.insert(0, "date", pd.bdate_range("1990-01-01", periods=n))
    return frame


def _in_memory_betas(frame: pd.DataFrame, chunk: int) -> pd.DataFrame:
    assets = frame.drop(columns=["date", "market"]).set_index(frame["date"])
    market = frame.set_index("date")["market"]
    return pd.concat([bx.ols_beta(assets.iloc[:, i:i + chunk], market).to_frame().T
                      for i in range(0, assets.shape[1], chunk)])


def test_betas_of_a_dataset_larger_than_a_worker(tmp_path: Path, cluster, capsys) -> None:
    frame = _panel(25_000, 2_400)
    folder = tmp_path / "prices"
    folder.mkdir()
    for i, rows in enumerate(np.array_split(np.arange(len(frame)), 4)):
        frame.iloc[rows].to_parquet(folder / f"part{i}.parquet", index=False)
    data_bytes = frame.drop(columns="date").to_numpy().nbytes
    assert data_bytes > LIMIT  # no worker could hold the dataset
    assert cli(["betas", str(folder), "--market", "market", "--engine", "dask", "--scheduler",
                cluster.scheduler_address, "--chunk", "100", "-o", str(tmp_path / "b.parquet"),
                "-q", "--timeout", "600"]) == 0
    got = pd.read_parquet(tmp_path / "b.parquet")
    want = _in_memory_betas(frame, 100)
    assert list(got.index) == list(want.index)
    # 1e-12 relative to each statistic's scale (an alpha of 5e-8 among alphas of 1e-3
    # is a difference of two nearly equal sums: its own relative error can be 2e-12)
    scale = want.abs().max().to_numpy()
    assert (np.abs(got.to_numpy() - want.to_numpy()) <= 1e-12 * scale).all()
    np.testing.assert_allclose(got["beta"], want["beta"], rtol=1e-12)
    with distributed.Client(cluster) as client:
        peaks = client.run(peak_rss)  # VmHWM: not the parent's peak
    assert max(peaks.values()) < data_bytes
    capsys.readouterr()


def test_long_dataset_rolling_and_risk(tmp_path: Path, cluster, capsys) -> None:
    frame = _panel(300, 40, seed=5)
    long = frame.melt(id_vars="date", var_name="permno", value_name="ret")
    folder = tmp_path / "long"
    folder.mkdir()
    shuffled = long.sample(frac=1, random_state=2)
    for i, rows in enumerate(np.array_split(np.arange(len(shuffled)), 3)):
        shuffled.iloc[rows].to_parquet(folder / f"p{i}.parquet", index=False)
    address = cluster.scheduler_address
    assert cli(["betas", str(folder / "*.parquet"), "--market", "market", "--engine", "dask",
                "--scheduler", address, "--chunk", "7", "-o", str(tmp_path / "b.csv"),
                "-q"]) == 0
    got = pd.read_csv(tmp_path / "b.csv", index_col=0)
    assets = frame.drop(columns=["date", "market"]).set_index(frame["date"])
    want = bx.ols_beta(assets, frame.set_index("date")["market"]).to_frame().T
    np.testing.assert_allclose(got.loc[want.index, "beta"], want["beta"], rtol=1e-12)
    assert cli(["rolling", str(folder), "--market", "market", "--window", "60", "--engine",
                "dask", "--scheduler", address, "--chunk", "9",
                "-o", str(tmp_path / "roll")]) == 0
    rolled = pd.read_parquet(tmp_path / "roll").pivot(index="date", columns="asset",
                                                       values="beta")
    ref = bx.rolling_beta(assets, frame.set_index("date")["market"], 60)
    np.testing.assert_allclose(rolled[ref.columns].to_numpy(), ref.to_numpy(), rtol=1e-12)
    assert cli(["risk", str(folder), "--benchmark", "market", "--engine", "dask",
                "--scheduler", address, "--periods-per-year", "252",
                "-o", str(tmp_path / "risk.csv"), "-q"]) == 0
    risk = pd.read_csv(tmp_path / "risk.csv", index_col=0)
    ref = bx.risk_table(assets, frame.set_index("date")["market"],
                        periods_per_year=252).to_frame()
    np.testing.assert_allclose(risk[ref.columns].to_numpy(), ref.to_numpy(), rtol=1e-12)
    # a second run never writes into an existing dataset
    assert cli(["rolling", str(folder), "--market", "market", "--window", "60", "--engine",
                "dask", "--scheduler", address, "-o", str(tmp_path / "roll")]) == 2
    assert "exists" in capsys.readouterr().err


def test_dask_refuses_what_it_cannot_read(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.csv").write_text("date,x,market\n2020-01-01,0.1,0.2\n")
    assert cli(["betas", str(tmp_path / "a.csv"), "--market", "market", "--engine",
                "dask"]) == 2
    assert "reads Parquet" in capsys.readouterr().err
