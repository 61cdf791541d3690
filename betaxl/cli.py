"""The ``betaxl`` command line.

``betaxl demo`` answers the seeds' questions on embedded data and writes the recalculated
template; ``recalc``, ``template`` and ``betas`` do the workbook's work headless.  Every
sub-command exits with status 2 and a one-line message on bad input, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from . import beta_reconcile, equal_weight_returns, ols_beta, risk_table, to_returns
from .batch.commands import add_batch_commands
from .errors import BetaxlError
from .examples import BOND_MARKET, BOND_PRICES, EW_DIVIDENDS, EW_PRICES, bond_units

__all__ = ["demo_text", "main"]


def demo_text() -> str:
    """The demo's report: the bond betas reconciled, the equal-weight example, risk."""
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
               + ", ".join(f"{k} {v:.6f}" for k, v in zip(held.assets.index, weights_end)))
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
    out.extend("   " + line for line in table.to_string(float_format="{:.6f}".format)
               .splitlines())
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
    risk = risk_table(returns, market, periods_per_year=12).to_frame()
    out.extend("   " + line for line in risk.to_string(float_format="{:.6f}".format)
               .splitlines())
    return "\n".join(out)


def _demo(args: argparse.Namespace) -> None:
    from .workbook.template import build_template
    from .workbook.recalc import find_value, recalculate_file

    print(demo_text())
    target = Path(args.output)
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "workbook_template.xlsm"
        build_template(template)
        written, blocks = recalculate_file(template, target)
    print()
    print("== The workbook ==")
    print(f"Recalculated workbook_template.xlsm headless and wrote {written.resolve()}")
    print(f"  its Output sheet holds {len(blocks)} tables; the reconciliation's "
          f"portfolio_beta cell reads {find_value(blocks, 'portfolio_beta'):.10f}")
    print("  open it in Excel, press Import Functions, then Recalculate (see README)")


def _recalc(args: argparse.Namespace) -> None:
    from .workbook.recalc import recalculate_file

    written, blocks = recalculate_file(args.input, args.output, in_place=args.in_place)
    print(f"wrote {written} ({len(blocks)} tables on the Output sheet)")


def _template(args: argparse.Namespace) -> None:
    from .workbook.template import build_template
    from .safeio import atomic_file

    target = Path(args.output)
    with tempfile.TemporaryDirectory() as folder:
        built = Path(folder) / target.name
        checks = build_template(built)
        with atomic_file(target) as handle:
            handle.write(built.read_bytes())
    print(f"wrote {target} ({len(checks)} native check cells)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="betaxl", description="Portfolio beta and return calculations, headless.")
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
        "recalc", help="recalculate a betaxl workbook without Excel",
        description="Read the named inputs of IN, compute every table and write them to "
        "the Output sheet of a new file (atomically; IN is never changed unless "
        "--in-place). Writing .xlsx from an .xlsm drops the VBA.")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``betaxl`` console script: exit 0, or 2 with one line."""
    args = _parser().parse_args(argv)
    pd.set_option("display.width", 120)
    try:
        args.run(args)
    except BetaxlError as exc:
        print(f"betaxl {args.command}: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"betaxl {args.command}: this needs {exc.name or 'a package'}, not installed: "
              "pip install 'betaxl[cli]' (or 'betaxl[dask]' for --engine dask)",
              file=sys.stderr)
        return 2
    except MemoryError:
        print(f"betaxl {args.command}: out of memory; nothing was written (try --engine "
              "dask, or a smaller input)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"betaxl {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"betaxl {args.command}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(
            ": "), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
