"""The README's worked command-line sessions are what the commands print (issue 17)."""

from __future__ import annotations

import argparse
from pathlib import Path

from betaxl.cli.program import build_parser
from betaxl.cli.sessions import END, SESSIONS, START, sessions_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_one_session_per_command() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert sorted(c for c, _, _ in SESSIONS) == sorted(commands.choices)
    for command, _, lines in SESSIONS:
        assert any(line.startswith(f"betaxl {command} ") or line == f"betaxl {command}"
                   for line in lines), command


def test_the_readme_sessions_are_what_the_commands_print() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(START, 1)[1].split(END, 1)[0]
    fresh = sessions_markdown()
    assert "(exit " not in fresh and "Traceback" not in fresh
    assert block == "\n" + fresh, "run: python -m betaxl.cli.sessions README.md"
