"""betaxl report after the attack on issue 21: a chart is counted as drawn only when it
holds data (a missing benchmark value no longer blanks the rolling beta), the page says
that weights are scaled to sum to 1, the default name keeps the input's own dots, long
and CJK names leave stderr silent, and ``python -m betaxl`` is the command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from betaxl.cli import main

from .test_report import _data, _read

ROOT = Path(__file__).resolve().parents[1]


def _betaxl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "betaxl", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_missing_benchmark_value_leaves_the_rolling_beta_drawn(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = _data(40)
    frame.iloc[10, 0] = np.nan  # MKT: inside every 36-month window
    frame.to_csv(tmp_path / "gap.csv")
    assert main(["report", str(tmp_path / "gap.csv"), "--benchmark", "MKT",
                 "-o", str(tmp_path / "gap.html")]) == 0
    assert "(3 columns, 6 charts)" in capsys.readouterr().out
    dom = _read(tmp_path / "gap.html")
    assert dom.charts == ["growth", "drawdown", "rolling_beta", "scatter", "scatter",
                          "scatter"] and dom.left == []
    rolling = dom.charts.index("rolling_beta")
    assert dom.paths[rolling] > 20
    # 35 rows with values and a 36-month window: a line in its place, not counted
    frame.iloc[[3, 20, 30, 35], 0] = np.nan
    frame.iloc[:39].to_csv(tmp_path / "short.csv")
    assert main(["report", str(tmp_path / "short.csv"), "--benchmark", "MKT",
                 "-o", str(tmp_path / "short.html")]) == 0
    assert "(3 columns, 5 charts, 1 note on charts left out)" in capsys.readouterr().out
    dom = _read(tmp_path / "short.html")
    assert "rolling_beta" not in dom.charts
    assert len(dom.left) == 1 and dom.left[0].startswith("rolling beta chart left out: ")
    assert "no column with a 36-row window" in dom.left[0]


def test_the_conventions_say_the_weights_are_scaled_to_sum_to_1(tmp_path: Path) -> None:
    _data().to_csv(tmp_path / "d.csv")
    assert main(["report", str(tmp_path / "d.csv"), "--benchmark", "MKT", "--weights",
                 "A=1,B=0.6,C=0.4", "-o", str(tmp_path / "w.html")]) == 0
    text = (tmp_path / "w.html").read_text()
    assert re.search(r"<dd>A=1,B=0\.6,C=0\.4 \(weights, rebalance none\); the weights are "
                     r"scaled to sum to 1 \(given: sum 2\)</dd>", text)


def test_the_default_name_keeps_the_inputs_dots_and_drops_its_compression(
        tmp_path: Path) -> None:
    frame = _data()
    frame.to_csv(tmp_path / "my.data.v2.csv")
    frame.to_csv(tmp_path / "my.data.v3.csv")
    frame.to_csv(tmp_path / "r.csv.gz")
    for name in ("my.data.v2.csv", "my.data.v3.csv", "r.csv.gz"):
        assert main(["report", str(tmp_path / name), "--benchmark", "MKT"]) == 0
        assert main(["risk", str(tmp_path / name), "--benchmark", "MKT"]) == 0
    made = sorted(p.name for p in tmp_path.iterdir() if "_" in p.name)
    assert made == ["my.data.v2_report.html", "my.data.v2_risk.csv",
                    "my.data.v3_report.html", "my.data.v3_risk.csv",
                    "r_report.html", "r_risk.csv"]


def test_python_m_betaxl_is_the_command_and_long_or_cjk_names_leave_stderr_silent(
        tmp_path: Path) -> None:
    done = _betaxl("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("betaxl ") and done.stderr == ""
    names = {"A": "Global Sustainable Equity Income Fund A1",
             "B": "Global Sustainable Equity Income Fund B2", "C": "日本株式 😀 ファンド",
             "MKT": "市場 index"}
    _data().rename(columns=names).to_csv(tmp_path / "names.csv")
    weights = ",".join(f"{names[k]}={w}" for k, w in (("A", 0.5), ("B", 0.3), ("C", 0.2)))
    done = _betaxl("report", "names.csv", "--benchmark", "市場 index", "--weights", weights,
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no missing-glyph warning, nothing else
    page = (tmp_path / "names_report.html").read_text()
    header = re.search(r'<table id="risk"><thead>(.*?)</thead>', page)
    assert header and all(f">{n}</th>" in header.group(1) for n in
                          (names["A"], names["B"], names["C"]))  # whole in the table
    assert "Global Sustain…ncome Fund A1" in page  # shortened in a chart drawn as text
    assert "日本株式 😀 ファンド" in page
    done = _betaxl("report", "names.csv", "--benchmark", "NOPE", "-o", "x.html", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert not (tmp_path / "x.html").exists()
    assert pd.read_csv(tmp_path / "names.csv").shape == (60, 5)
