"""Recalculate a workbook in headless LibreOffice: the independent engine tests compare to.

Plain ``--convert-to`` keeps the cached values of a file it did not write; a throwaway
profile whose ``OOXMLRecalcMode`` is 0 (always) forces every formula to be computed on
load.  Used by the tests and by ``tests/data/make_linest.py``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
    'xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    "</oor:items>\n")


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice is missing: run scripts/system-deps.sh (make test does)"
    return found


def recalculate(source: Path, folder: Path, *, out_name: str = "lo") -> Path:
    """``source`` recalculated by LibreOffice and saved as .xlsx in ``folder/out_name``."""
    profile = folder / f"{out_name}-profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE)
    out = folder / out_name
    subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "xlsx", "--outdir", str(out),
                    str(source)], check=True, capture_output=True, timeout=180)
    return out / (source.stem + ".xlsx")
