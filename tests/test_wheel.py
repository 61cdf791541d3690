"""The built wheel holds every module: installed in a fresh environment, all of them import.

``make test`` runs on an editable install, which finds any module in the source tree, so
a subpackage missing from the wheel (the package list of ``pyproject.toml``) would go
unnoticed there (and setuptools, told of too few packages, packs the others as data files
with a warning: the test refuses that warning too).  This test builds the wheel as a user
would (``pip wheel``), installs it without its dependencies into a new virtual environment
that borrows only the third-party packages of this one (a path entry, so this
environment's editable betaxl is not seen), and imports every module of the source tree,
and the Excel functions, from it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import importlib, json, sys
names = json.loads(sys.argv[1])
found = {}
for name in names:
    module = importlib.import_module(name)
    found[name] = module.__file__
import betaxl.udfs as udfs
functions = {name: callable(getattr(udfs, name)) for name in udfs.__all__}
beta = udfs.BETA_OLS([[0.01], [0.03], [-0.02], [0.02]], [[0.01], [0.02], [-0.01], [0.01]])
print(json.dumps({"files": found, "functions": functions, "beta": beta}))
"""


def _modules() -> list[str]:
    """Every module of the source tree, as a dotted name (``__main__`` modules aside)."""
    names = []
    for path in sorted((ROOT / "betaxl").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_the_wheel_installs_every_module(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the wheel only
    # built from a copy of the sources alone: an in-tree build/ left by an earlier build
    # would put modules that no longer exist into the wheel
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis"))
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(wheels), str(source)], check=True, capture_output=True,
                           text=True, timeout=600)
    # setuptools packs a subpackage it was not told of as data files, with a warning
    assert "absent from the `packages` configuration" not in built.stderr, built.stderr
    (wheel,) = wheels.glob("betaxl-*.whl")
    with zipfile.ZipFile(wheel) as archive:  # exactly the source tree's modules
        packed = {n for n in archive.namelist() if n.endswith(".py")}
    assert packed == {str(p.relative_to(ROOT)) for p in (ROOT / "betaxl").rglob("*.py")}
    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True,
                               env=clean).stdout.strip())
    # the dependencies (numpy, pandas, xlwings, ...) from this environment, by path only:
    # its .pth files, the editable install of betaxl among them, are not run
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--no-index", "-q", str(wheel)], check=True,
                   capture_output=True, timeout=300, env=clean)
    names = _modules()
    done = subprocess.run([str(python), "-c", CHECK, json.dumps(names)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=clean)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    outside = {n: f for n, f in result["files"].items() if not f.startswith(str(site))}
    assert not outside, f"imported from outside the installed wheel: {outside}"
    assert set(result["files"]) == set(names)
    assert len(result["functions"]) == 11 and all(result["functions"].values())
    assert isinstance(result["beta"], float)
