"""The ``betaxl`` command line.

``betaxl demo`` answers the seeds' questions on embedded data and writes the recalculated
template; ``recalc``, ``template`` and ``betas`` do the workbook's work headless.  Every
sub-command exits with status 2 and a one-line message on bad input, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

import pandas as pd

from .. import (
    __version__,
    beta_reconcile,
    equal_weight_returns,
    ols_beta,
    risk_table,
    to_returns,
)
from ..data.units import trusted_returns
from ..errors import BetaxlError, labels
from ..examples import BOND_MARKET, BOND_PRICES, EW_DIVIDENDS, EW_PRICES, bond_units
from .analytics import add_analytics_commands
from .arguments import check_only_with
from .batch import add_batch_commands
from .output import text_width, wrapped
from .parser import Parser, flags
from .report import add_report_command
from .write import integer_counts

__all__ = ["WORKBOOK_COMMANDS", "build_parser", "demo_text", "main"]

#: the commands that build or recalculate workbooks: they need the workbook extra
WORKBOOK_COMMANDS = frozenset({"demo", "recalc", "template"})


def demo_text(width: int = 80) -> str:
    """The demo's report: the bond betas reconciled, the equal-weight example, risk; its
    tables in blocks of columns that fit ``width``, its counts as integers."""
    returns = to_returns(BOND_PRICES)
    market = to_returns(BOND_MARKET).iloc[:, 0]
    held = beta_reconcile(returns, market, bond_units(), holdings="units", prices=BOND_PRICES)
    weights_end = held.assets["weight_end"].to_numpy()
    constant = beta_reconcile(returns, market, weights_end, rebalance="period")
    fit = ols_beta(returns, market)
    out = ["== Why don't these betas match? (two bonds, a market index, 10 periods) =="]
    out.append("Component betas (asset returns on market returns, with intercept): "
               + ", ".join(f"{k} {v:.6f}" for k, v in fit.beta.items()))
    out.append("End weights (notional/100 x last price): "
               + ", ".join(f"{k} {v:.6f}"
                           for k, v in zip(held.assets.index, weights_end, strict=False)))
    out.append("")
    out.append("1. What the question did: constant end weights, market regressed ON the "
               "portfolio.")
    out.append(f"   market-on-portfolio slope {constant.reverse_regression_portfolio:.6f} vs "
               f"end weights x market-on-asset slopes "
               f"{constant.reverse_regression_weighted:.6f}: they differ because a reverse "
               "regression is not additive.")
    out.append("2. The same constant weights, regressed the right way round "
               "(portfolio on market):")
    out.append(f"   portfolio beta {constant.portfolio_beta:.6f} = weighted sum "
               f"{constant.weighted_beta_end:.6f} (difference "
               f"{constant.portfolio_beta - constant.weighted_beta_end:.1e}: exact).")
    out.append("3. The bonds actually bought and held (weights drift with prices):")
    out.extend("   " + line for line in held.explain().splitlines())
    out.append("")
    out.append("   per asset:")
    table = held.assets[["beta", "weight_start", "weight_avg", "weight_end",
                         "weighted_beta_end", "contribution", "gap"]]
    out.extend("   " + line for line in table.to_string(float_format="{:.6f}".format,
                                                         line_width=width - 3).splitlines())
    out.append("")
    out.append("== Equal-weighted return (A 10 -> 12, B 20 -> 18, B pays $1) ==")
    for label, kwargs in (
        ("rebalanced (mean of returns), price only", {}),
        ("rebalanced, total return with B's $1", {"distributions": EW_DIVIDENDS}),
        ("buy and hold, total return", {"method": "buy_and_hold",
                                        "distributions": EW_DIVIDENDS}),
        ("equal shares (price weighted), price only", {"method": "equal_shares"}),
    ):
        value = equal_weight_returns(EW_PRICES, input_type="prices", **kwargs).returns.iloc[0]
        out.append(f"   {label:<44} {value:8.4%}")
    out.append("   (never the mean of log returns: that is not any portfolio's return)")
    out.append("")
    out.append("== Risk table: the bonds against the market, monthly (t = 12) ==")
    risk = integer_counts(risk_table(returns, market, periods_per_year=12).to_frame())
    out.extend("   " + line for line in risk.to_string(float_format="{:.6f}".format,
                                                        line_width=width - 3).splitlines())
    return "\n".join(out)


def _demo(args: argparse.Namespace) -> int:
    from ..workbook.recalc import find_value, recalculate_file
    from ..workbook.template import build_template

    width = text_width()
    print(wrapped(demo_text(width), width))
    target = Path(args.output)
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "workbook_template.xlsm"
        build_template(template)
        result = recalculate_file(template, target)
    report = result.report
    print()
    print("== The workbook ==")
    print(f"Recalculated workbook_template.xlsm headless and wrote {result.path.resolve()}")
    print(f"  {report.computed} formulas computed, {report.spilled_cells} cells filled by "
          f"spills; Output's portfolio_beta cell reads "
          f"{find_value(result.path, 'Output', 'portfolio_beta'):.10f}")
    print("  open it in Excel, press Import Functions, then Recalculate (see README)")
    return 0


def _recalc(args: argparse.Namespace) -> int:
    from ..workbook.recalc import PARTIAL_EXIT, recalculate_file

    result = recalculate_file(args.input, args.output, in_place=args.in_place,
                              progress=True)
    report = result.report
    print(f"wrote {result.path}: {report.computed} of {report.formulas} formulas computed, "
          f"{report.spilled_cells} cells filled by spills")
    for item in report.errors:
        print(f"  {item.cell}: {item.reason}")
    if report.unsupported:
        print(f"betaxl recalc: partial: {len(report.unsupported)} formulas kept their cached "
              "value:", file=sys.stderr)
        for item in report.unsupported:
            print(f"  {item.cell}: {item.reason}", file=sys.stderr)
        return PARTIAL_EXIT
    return 0


def _template(args: argparse.Namespace) -> None:
    from ..safeio import check_output
    from ..workbook.template import build_template

    target = Path(args.output)
    if target.suffix.lower() != ".xlsm":
        raise BetaxlError(f"{target.name}: the template carries macros (its buttons), and "
                          "only an .xlsm holds them; give -o NAME.xlsm")
    check_output(target)  # a missing folder or a refused target: before building
    checks = build_template(target)  # built in memory, written atomically
    print(f"wrote {target} ({len(checks)} native check cells)")


def build_parser() -> argparse.ArgumentParser:
    """The ``betaxl`` argument parser, every subcommand added."""
    parser = Parser(
        prog="betaxl", description="Portfolio beta and return calculations, headless.")
    parser.add_argument("--version", action="version", version=f"betaxl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    demo = sub.add_parser(
        "demo", help="answer the seed questions on embedded data and write a workbook",
        description="Reconcile the seed bond portfolio's beta, show the equal-weight "
        "example and a risk table, then recalculate the template headless and write it "
        "to the current folder.")
    demo.add_argument("-o", "--output", default="betaxl_demo.xlsm",
                      help="where to write the recalculated workbook "
                      "(default: %(default)s)")
    demo.set_defaults(run=_demo)
    recalc = sub.add_parser(
        "recalc", help="recalculate every formula of a workbook without Excel",
        description="Compute every formula of every sheet of IN (betaxl functions and "
        "the common native ones, dynamic arrays spilled) and write the values into a "
        "copy of IN (atomically; IN is never changed unless --in-place). Writing .xlsx "
        "drops the VBA and disarms the buttons. Exit 0: every formula computed; 3: "
        "partial, the formulas listed kept their cached value; 2: bad input.")
    recalc.add_argument("input", help="the workbook to read (.xlsm or .xlsx)")
    where = recalc.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", help="the file to write (default: "
                       "IN_recalculated with IN's extension)")
    where.add_argument("--in-place", action="store_true",
                       help="replace IN itself (atomically, keeping its permissions, "
                       "owner and symlink)")
    recalc.set_defaults(run=_recalc)
    template = sub.add_parser("template", help="build workbook_template.xlsm",
                              description="Build the macro-enabled template workbook.")
    template.add_argument("-o", "--output", default="workbook_template.xlsm",
                          help="where to write it (default: %(default)s)")
    template.set_defaults(run=_template)
    add_batch_commands(sub)
    add_analytics_commands(sub)
    add_report_command(sub)
    return parser


def _file_names(args: argparse.Namespace) -> dict[str, str]:
    """The core's names for the data (``returns``, ``data``) shown as the file they come
    from: ``returns.csv is missing row 11 (2019-11-30) of 'AAPL'``, the returns of a
    file of prices so named."""
    source = getattr(args, "file", None)
    if not source or args.command in WORKBOOK_COMMANDS:
        return {}
    name = Path(source).name
    shown = name if getattr(args, "input_type", "prices") != "prices" else \
        f"the returns of {name}"
    return {"returns": shown, "data": name}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``betaxl`` console script: exit 0, or 2 with one line."""
    workbook_errors: tuple[type[Exception], ...] = ()
    try:
        from xlsxwriter.exceptions import XlsxWriterException

        workbook_errors = (XlsxWriterException,)
    except ImportError:  # without the workbook extra nothing writes workbooks
        pass
    parser = build_parser()
    args = _parse(parser, argv)
    pd.set_option("display.width", 120)
    args.flag_names = flags(_command(parser, args.command))  # for the Dask workers too
    args.flag_names.update(_file_names(args))
    named = nullcontext() if args.command in WORKBOOK_COMMANDS else \
        labels(f"betaxl {args.command}", args.flag_names)
    try:
        with trusted_returns() if getattr(args, "trust_input_type", False) else nullcontext(), \
                named:
            check_only_with(_command(parser, args.command), args)
            code = args.run(args)
    except workbook_errors as exc:  # a workbook XlsxWriter cannot write
        _say(args.command, f"cannot write the workbook ({type(exc).__name__}: {exc}); "
                           "nothing was written")
        return 2
    except BetaxlError as exc:
        text = str(exc)
        _say(args.command, text.removeprefix(f"betaxl {args.command}: "))
        return 2
    except ImportError as exc:
        extra = ("'betaxl[report]'" if exc.name == "matplotlib"
                 else "'betaxl[workbook]'" if args.command in WORKBOOK_COMMANDS
                 else "'betaxl[cli]' (or 'betaxl[dask]' for --engine dask)")
        _say(args.command, f"this needs {exc.name or 'a package'}, not installed: pip install "
                           f"{extra}")
        return 2
    except MemoryError:
        _say(args.command, "out of memory; nothing was written (try --engine dask, or a "
                           "smaller input)")
        return 2
    except KeyboardInterrupt:
        print(f"betaxl {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        name = os.fspath(exc.filename) if exc.filename is not None else ""
        _say(args.command, f"{exc.strerror or exc}: {_shown(name)}".rstrip(": "))
        return 2
    return int(code or 0)


def _command(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The subcommand's own parser."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices[command]


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments, an unknown one refused by its subcommand (which knows its options)."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        _command(parser, args.command).error("unrecognized arguments: " + " ".join(extra))
    return args


def _shown(name: str) -> str:
    """A file name as one line: repr() when it holds a line break or other control."""
    return repr(name) if any(c < " " or c == "\x7f" for c in name) else name


def _say(command: str, text: str) -> None:
    """Print the one-line error: control characters (a newline in a file name) escaped."""
    line = "".join(c if c >= " " and c != "\x7f" else repr(c)[1:-1] for c in text)
    print(f"betaxl {command}: {line}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
