"""``make test`` runs the linter and all three suites even when one fails, and fails if
any did.

The suites are replaced by a stand-in ``pytest`` (``PYTEST=...``) and the linter by one
for ``ruff`` (``RUFF=...``), which record their arguments and fail for the suites named in
``FAIL``; ``-o .venv/.installed`` keeps make from creating or touching a virtual
environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FAKE = """#!/bin/sh
echo "${BETAXL_RUNTIME:-main} $*" >> "$FAKE_LOG"
case " $FAIL " in *" ${BETAXL_RUNTIME:-main} "*) exit 3 ;; esac
exit 0
"""
FAKE_RUFF = """#!/bin/sh
echo "lint $*" >> "$FAKE_LOG"
case " $FAIL " in *" lint "*) exit 3 ;; esac
exit 0
"""


def make_test(tmp_path: Path, fail: str) -> tuple[int, str, list[str]]:
    make = shutil.which("make")
    assert make is not None, "make is needed: the README's test command is make test"
    fake = tmp_path / "pytest"
    fake.write_text(FAKE)
    fake.chmod(0o755)
    ruff = tmp_path / "ruff"
    ruff.write_text(FAKE_RUFF)
    ruff.chmod(0o755)
    log = tmp_path / "log"
    log.write_text("")
    env = {**os.environ, "FAKE_LOG": str(log), "FAIL": fail, "BETAXL_RUNTIME": "classic"}
    done = subprocess.run([make, "-s", "-C", str(ROOT), "-o", ".venv/.installed", "test",
                           f"PYTEST={fake}", f"RUFF={ruff}", "SYSTEM_DEPS=true"], env=env,
                          capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, log.read_text().splitlines()


@pytest.mark.parametrize("fail", ["", "lint", "main", "classic", "officejs",
                                  "main officejs", "lint classic"])
def test_make_test_runs_every_suite_and_reports_each(tmp_path: Path, fail: str) -> None:
    code, out, ran = make_test(tmp_path, fail)
    # the linter and all three suites ran, in their own processes, the main one without a
    # runtime set
    assert ran == ["lint check betaxl", "main -q", "classic -q tests/runtimes/classic",
                   "officejs -q tests/runtimes/officejs"]
    summary = out[out.index("== make test ==\n"):].splitlines()[1:]
    assert summary == [f"{s}: FAILED (exit 3)" if s in fail.split() else f"{s}: passed"
                       for s in ("lint", "main", "classic", "officejs")]
    assert (code != 0) == bool(fail)


def test_ci_runs_make_test() -> None:
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "make test" in [line.strip() for line in lines]
