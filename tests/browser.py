"""Open a page in headless Chromium (Debian's package, scripts/system-deps.sh installs it):
the DOM it built, or a screenshot.  A fresh profile each time, nothing fetched."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def chromium() -> str:
    found = shutil.which("chromium")
    assert found, "Chromium is missing: run scripts/system-deps.sh (make test does)"
    return found


def _run(page: Path, *action: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", *action, page.resolve().as_uri()],
            check=True, capture_output=True, text=True, timeout=120)
    return done.stdout


def dump_dom(page: Path) -> str:
    """The page's DOM as Chromium built it, serialised."""
    return _run(page, "--dump-dom")


def screenshot(page: Path, png: Path, size: str = "1200,2400") -> None:
    _run(page, f"--window-size={size}", f"--screenshot={png}")
    assert png.is_file()
