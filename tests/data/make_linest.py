"""Regenerate tests/data/linest_reference.csv: LINEST computed by LibreOffice, headless.

    python tests/data/make_linest.py     (from the repository's root; needs soffice)

Twelve rows of y, x1, x2 (seeded, rounded to 4 decimals) go into an .xlsx with
``=LINEST(A2:A13, B2:C13, TRUE, TRUE)`` as an array formula; LibreOffice recalculates
it on load and the 5 x 3 result is stored with LINEST's own layout names: row 1 m2, m1,
b; row 2 their standard errors; row 3 r2, se_y; row 4 F, df; row 5 ss_reg, ss_resid.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.worksheet.formula import ArrayFormula

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # run as a script from the repository's root
from tests.libreoffice import recalculate, soffice  # noqa: E402
LAYOUT = [["m2", "m1", "b"], ["se_m2", "se_m1", "se_b"], ["r2", "se_y", None],
          ["F", "df", None], ["ss_reg", "ss_resid", None]]


def main() -> None:
    rng = np.random.default_rng(12)
    x = np.round(rng.normal(0.005, 0.04, (12, 2)), 4)
    y = np.round(0.002 + x @ [1.1, -0.3] + rng.normal(0, 0.02, 12), 4)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["y", "x1", "x2"])
    for yi, (a, b) in zip(y, x):
        sheet.append([float(yi), float(a), float(b)])
    sheet["E2"] = ArrayFormula("E2:G6", "=LINEST(A2:A13,B2:C13,TRUE(),TRUE())")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "linest.xlsx"
        book.save(source)
        recalculated = recalculate(source, Path(folder), out_name="out")
        version = subprocess.run([soffice(), "--version"], capture_output=True,
                                 text=True).stdout.strip()
        result = openpyxl.load_workbook(recalculated, data_only=True).active
        rows = [["kind", "name", "row", "value"]]
        for i in range(12):
            for j, name in enumerate(["y", "x1", "x2"]):
                rows.append(["input", name, i + 1, repr(float(sheet.cell(i + 2, j + 1).value))])
        for i, names in enumerate(LAYOUT):
            for j, name in enumerate(names):
                if name is not None:
                    value = result.cell(i + 2, j + 5).value
                    assert isinstance(value, (int, float)), (name, value)
                    rows.append(["linest", name, "", repr(float(value))])
    with open(HERE / "linest_reference.csv", "w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    print(f"LINEST from {version}")


if __name__ == "__main__":
    main()
