"""The README says what the code does: commands first, reference in step."""

from __future__ import annotations

import re
from pathlib import Path

from betaxl.cli.reference import END, START, reference_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second() -> None:
    text = README.read_text(encoding="utf-8")
    first_block = re.search(r"```(?:sh|bash)?\n(.*?)```", text, re.DOTALL)
    assert first_block and text.index(first_block.group(0)) < text.index("\n## ")
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()
                if line.strip()]
    assert commands == ["make demo", "make test"]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.MULTILINE)


def test_function_reference_is_generated_from_the_code() -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split(START, 1)[1].split(END, 1)[0]
    assert block.strip() == reference_markdown().strip(), \
        "run: python -m betaxl.cli.reference README.md"


def test_no_machine_paths_in_the_project() -> None:
    root = README.parent
    for path in [README, *root.joinpath("betaxl").glob("*.py"), *root.glob("tests/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"/(?:work|root|home|tmp)/\w", text) or path.name == \
            "test_docs.py", path
