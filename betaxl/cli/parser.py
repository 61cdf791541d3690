"""The ``betaxl`` argument parser: argparse, with its refusals worded for a user.

argparse prints the usage and one line of error, and exits 2; :class:`Parser` keeps that
and rewords the line: a mistyped choice names the valid ones and the closest ("did you
mean"), a missing flag says what to give, a number that is not one says which kind is
wanted, and an unknown option names the closest one the command has.
"""

from __future__ import annotations

import argparse
import re
import sys
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
    """What an argument is, from its help: up to the first ';', without the default
    (its ``%(default)s`` filled in first, as ``--help`` shows it)."""
    try:
        shown = argparse.HelpFormatter("betaxl")._expand_help(action) if action.help else ""
    except (KeyError, TypeError, ValueError):
        shown = (action.help or "").replace("%%", "%")
    text = re.sub(r"\s*\(default\b[^()]*(\([^()]*\)[^()]*)*\)", "", shown.split("; ")[0])
    return text.strip()


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

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._given = [str(a) for a in (sys.argv[1:] if args is None else args)]
        self._refuse_repeated()
        return super().parse_known_args(args, namespace)

    def _action_of(self, item: str) -> argparse.Action | None:
        """The option ``item`` (``--assets``, ``--assets=A``, an abbreviation) sets."""
        flag = item.split("=", 1)[0]
        if flag in self._option_string_actions:
            return self._option_string_actions[flag]
        if flag.startswith("--"):
            found = {a for o, a in self._option_string_actions.items() if o.startswith(flag)}
            return found.pop() if len(found) == 1 else None
        return None

    def _refuse_repeated(self) -> None:
        """An option that takes one value given twice (``--assets AAPL --assets MSFT``)
        is refused: argparse would keep the last silently."""
        seen: dict[argparse.Action, str] = {}
        given = self._given[: self._given.index("--")] if "--" in self._given else self._given
        for i, item in enumerate(given):
            if not item.startswith("-") or item[1:2].isdigit() or item[1:2] == ".":
                continue
            action = self._action_of(item)
            if not isinstance(action, argparse._StoreAction):
                continue
            value = item.split("=", 1)[1] if "=" in item else \
                (given[i + 1] if i + 1 < len(given) else "")
            if action in seen:
                flag = _flag(action)
                hint = " (a list is one value: A,B)" if action.metavar == "A,B,..." else ""
                self.error(f"{flag} given twice ({seen[action]!r}, then {value!r}); give it "
                           f"once{hint}")
            seen[action] = value

    def _unknown_options(self) -> list[str]:
        """The options given that this command lacks (``--markt``): said before a
        missing flag, which they may well have been meant as."""
        longs = [o for a in self._actions for o in a.option_strings if o.startswith("--")]
        shorts = {o for a in self._actions for o in a.option_strings}
        out = []
        for item in getattr(self, "_given", []):
            if item == "--":
                break
            flag = item.split("=", 1)[0]
            if flag.startswith("--") and len(flag) > 2:
                if not any(o == flag or o.startswith(flag) for o in longs):
                    out.append(item)
            elif flag.startswith("-") and len(flag) == 2 and not flag[1].isdigit() \
                    and flag not in shorts:
                out.append(item)
        return out

    def error(self, message: str) -> NoReturn:
        required = re.fullmatch(r"the following arguments are required: (.+)", message)
        extra = re.fullmatch(r"unrecognized arguments: (.+)", message)
        expected = re.fullmatch(r"argument (\S+?)(?:/\S+)?: expected one argument", message)
        if required:
            message = self._missing(required.group(1))
            unknown = self._unknown_options()
            if unknown:  # a mistyped option first: it is likely the flag said missing
                message = self._unrecognized(" ".join(unknown)) + "; " + message
        elif extra:
            message = self._unrecognized(extra.group(1))
        elif expected:
            action = self._named(expected.group(1))
            flag = _flag(action) if action is not None else expected.group(1)
            said = _said(action) if action is not None else ""
            message = f"{flag} needs a value" + (f" ({said})" if said else "")
        super().error(message)
