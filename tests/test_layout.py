"""The package's rooms and the one direction of imports between them (README, Layout).

Read from the source with :mod:`ast`, imports inside functions included:

- each module belongs to a room by its path, and imports only from the rooms below it:
  the core (top-level modules and ``betaxl/data``) from nothing else; ``safeio`` and
  ``excel`` from the core; ``workbook`` from those three; ``cli`` from any;
- no two modules import each other, directly or round a cycle;
- no module takes a private name (``_x``) from another: what rooms share has a name;
- the core imports only numpy and pandas, the Excel functions also xlwings; every module
  is at most about 400 lines.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "betaxl"
#: The rooms, lowest first, and the rooms each may import from (itself included).
ALLOWED = {
    "core": {"core"},
    "safeio": {"core", "safeio"},
    "excel": {"core", "excel"},
    "workbook": {"core", "safeio", "excel", "workbook"},
    "plot": {"core", "plot"},  # betaxl/plot (the report's charts), once it exists
    "cli": {"core", "safeio", "excel", "workbook", "plot", "cli"},
}
MAX_LINES = 450  # "at most about 400"


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def room(module: str) -> str:
    """The room of a module: its subpackage; the shim ``betaxl.udfs`` is the Excel room's,
    and ``betaxl.__main__`` (``python -m betaxl``, the command line) the cli's."""
    parts = module.split(".")
    if module == "betaxl.udfs":
        return "excel"
    if module == "betaxl.__main__":
        return "cli"
    if len(parts) > 2 or (len(parts) == 2 and module in _PACKAGES):
        return {"data": "core"}.get(parts[1], parts[1])
    return "core"


_PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if module not in _PACKAGES:
        base = base[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str) -> Iterator[tuple[str, list[str]]]:
    """(betaxl module imported, names taken from it) for every import of ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "betaxl":
                    yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            if source.split(".")[0] != "betaxl":
                continue
            names = []
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if sub in MODULES:
                    yield sub, []  # a submodule imported by name
                else:
                    names.append(alias.name)
            if names:
                yield source, names


GRAPH = {m: sorted({target for target, _ in imports(m) if target in MODULES and target != m})
         for m in MODULES}


def test_every_module_has_a_room() -> None:
    assert {room(m) for m in MODULES} <= set(ALLOWED)
    assert room("betaxl.regression") == "core" and room("betaxl.excel.functions") == "excel"
    assert room("betaxl.cli") == "cli" and room("betaxl.udfs") == "excel"
    assert room("betaxl.__main__") == "cli"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_one_way(module: str) -> None:
    wrong = [target for target in GRAPH[module] if room(target) not in ALLOWED[room(module)]]
    assert not wrong, f"{module} ({room(module)}) imports {wrong} from a room above it"


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in GRAPH[module]:
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in MODULES:
        if module not in state:
            visit(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_names_across_modules(module: str) -> None:
    taken = [f"{source}.{name}" for source, names in imports(module) for name in names
             if source != module and name.startswith("_") and not name.startswith("__")]
    assert not taken, f"{module} takes private names of other modules: {taken}"


#: Third-party packages a room may import: the core numpy and pandas only; the Excel
#: functions also xlwings (and nothing Lite lacks: no file or workbook packages).
THIRD_PARTY = {"core": {"numpy", "pandas"}, "excel": {"numpy", "pandas", "xlwings"}}


@pytest.mark.parametrize("which", sorted(THIRD_PARTY))
def test_the_core_and_the_excel_functions_need_only_their_packages(which: str) -> None:
    stdlib = sys.stdlib_module_names
    for module, path in MODULES.items():
        if room(module) != which:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom)
                     and node.level == 0 else [])
            for name in names:
                top = name.split(".")[0]
                assert top in stdlib or top in {"betaxl", "__future__"} \
                    or top in THIRD_PARTY[which], f"{module} imports {name}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_small(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by responsibility"
