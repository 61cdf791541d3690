"""Regenerate tests/data/r_reference.csv: run from the repository's root as

    R_LIBS=<library with PerformanceAnalytics 2.1> python tests/data/make_reference.py

It writes the Fama-French test frame (tests/french_data.py, holes included) to a
temporary CSV and runs tests/data/make_reference.R on it.  R is needed only here: the
tests read the stored CSV.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.french_data import french_panel  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "french.csv"
        frame = french_panel()
        frame.index = frame.index.strftime("%Y-%m-%d")
        frame.to_csv(source, float_format="%.17g", na_rep="NA")
        subprocess.run(["Rscript", str(HERE / "make_reference.R"), str(source),
                        str(HERE / "r_reference.csv")], check=True)


if __name__ == "__main__":
    main()
