"""betaxl recalc against LibreOffice on seeded random formulas (see tests/differential.py).

Every native function the README lists, nested, over a data block of numbers, blanks,
text, text numbers, booleans and errors: 400 formulas in one workbook, one LibreOffice
run.  Where LibreOffice differs from Excel the generator goes around the construct
(``differential.LIBREOFFICE_DIFFERS``, each with its source); everywhere else, zero
mismatches on the cells betaxl computes.
"""

from __future__ import annotations

import re
from pathlib import Path

from betaxl.workbook.natives import NATIVES

from . import differential

README = Path(__file__).resolve().parents[1] / "README.md"


def test_betaxl_and_libreoffice_agree_cell_by_cell(tmp_path: Path) -> None:
    items = differential.formulas(seed=20261207, count=400)
    outcome = differential.compare(items, tmp_path)
    assert outcome.mismatches == []
    assert outcome.tried == 400 and outcome.refused < 80  # most cells are computed
    assert len(outcome.error_kinds) <= 4  # two errors meeting: about 1 in 2,000 cells


def test_the_generator_covers_every_native_the_readme_lists() -> None:
    row = next(line for line in README.read_text().splitlines()
               if line.startswith("| functions |"))
    listed = set(re.findall(r"`([^`]*)`", row)[-1].split())
    names = {n for item in listed for n in (
        [item] if "/" not in item else [item.split("/")[0], item.rsplit(".", 1)[0] + "." +
                                        item.split("/")[1]])}
    assert names <= set(NATIVES) | {"IF", "IFERROR", "IFNA", "CHOOSE"}
    text = " ".join(differential.formulas(seed=20261207, count=400))
    used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", text)) | set(re.findall(
        r"\b(TRUE|FALSE)\b", text))
    assert names - used == set()
