"""The ``betaxl`` argument parser: argparse, with its refusals worded for a user.

argparse prints the usage and one line of error, and exits 2; :class:`Parser` keeps that
and rewords the line: a mistyped choice names the valid ones and the closest ("did you
mean"), a missing flag says what to give, a number that is not one says which kind is
wanted, and an unknown option names the closest one the command has.
"""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from .names import closest, listing

__all__ = ["Parser", "flags"]


def _flag(action: argparse.Action) -> str:
    """An argument as the user types it: its long option, or FILE for a positional."""
    if action.option_strings:
        return max(action.option_strings, key=len)
    return str(action.metavar or action.dest).upper()


#: core argument names that are not a flag's own name, shown as the flag that sets them
_CORE_NAMES = {"annual": "--risk-free-annual", "distributions": "--dividends",
               "prices": "prices (--input-type prices)"}


def flags(parser: argparse.ArgumentParser) -> dict[str, str]:
    """The core's argument names (``periods_per_year``) shown as a command's flags
    (``--periods-per-year``) in its messages: every option by its destination, the
    names the core gives them otherwise, and ``method``: ``--rate-method`` for a command
    whose ``method`` is only the risk-free rate's."""
    out = dict(_CORE_NAMES)
    out.update({a.dest: max(a.option_strings, key=len) for a in parser._actions
                if a.option_strings and a.dest != "help"})
    if "rate_method" in out and "method" not in out:
        out["method"] = out["rate_method"]
    return out


def _said(action: argparse.Action) -> str:
    """What an argument is, from its help: up to the first ';', without the default."""
    text = re.sub(r"\s*\(default[^)]*\)", "", (action.help or "").split("; ")[0])
    return text.replace("%%", "%").strip()


class Parser(argparse.ArgumentParser):
    """argparse's parser whose one line of error a user can act on."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is None or value in action.choices:
            return
        choices = list(action.choices)
        near = closest(str(value), choices)
        hint = f"; did you mean {near!r}?" if near is not None else ""
        what = "is no command" if isinstance(action, argparse._SubParsersAction) \
            else "is not a choice"
        head = "" if isinstance(action, argparse._SubParsersAction) else f"{_flag(action)}: "
        raise argparse.ArgumentError(None, f"{head}{value!r} {what}{hint} (choose from "
                                           f"{listing(choices, len(choices), quote=False)})")

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError:
            kind = {int: "a whole number", float: "a number"}.get(
                action.type, "a value of another kind")  # type: ignore[call-overload]
            if arg_string.endswith("%"):
                kind += " (a decimal: 0.05 for 5%)"
            raise argparse.ArgumentError(
                None, f"{_flag(action)}: {arg_string!r} is not {kind}") from None

    def _named(self, name: str) -> argparse.Action | None:
        for action in self._actions:
            if name in action.option_strings or name in (action.dest, action.metavar):
                return action
        return None

    def _missing(self, names: str) -> str:
        parts = []
        for name in names.split(", "):
            action = self._named(name)
            if action is None:
                parts.append(name)
                continue
            help_text = _said(action)
            shown = _flag(action)
            value = "" if not action.option_strings else " " + (
                "|".join(map(str, action.choices)) if action.choices is not None
                else str(action.metavar or action.dest.upper()))
            parts.append(f"{shown}{value}" + (f" ({help_text})" if help_text else ""))
        return "missing: give " + "; and ".join(parts)

    def _unrecognized(self, items: str) -> str:
        options = [o[2:] for a in self._actions for o in a.option_strings
                   if o.startswith("--")]  # compared without the dashes all share
        given = items.split(" ")
        flags = [i.split("=", 1)[0] for i in given if i.startswith("-")]
        listed = f"'{self.prog} --help' lists what it takes"
        if not flags:
            return f"one argument too many: {listing(given)}; {listed}"
        near = [f"--{n}" for n in (closest(f.lstrip("-"), options) for f in flags)
                if n is not None]
        hint = f"; did you mean {' and '.join(near)}?" if near else ""
        return f"no option {listing(flags)} here{hint} ({listed})"

    def error(self, message: str) -> NoReturn:
        required = re.fullmatch(r"the following arguments are required: (.+)", message)
        extra = re.fullmatch(r"unrecognized arguments: (.+)", message)
        expected = re.fullmatch(r"argument (\S+?)(?:/\S+)?: expected one argument", message)
        if required:
            message = self._missing(required.group(1))
        elif extra:
            message = self._unrecognized(extra.group(1))
        elif expected:
            action = self._named(expected.group(1))
            flag = _flag(action) if action is not None else expected.group(1)
            said = _said(action) if action is not None else ""
            message = f"{flag} needs a value" + (f" ({said})" if said else "")
        super().error(message)
