"""The ``betaxl`` command line.

``betaxl demo`` answers the seeds' questions on embedded data.  Every sub-command exits
with status 2 and a one-line message on bad input, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from . import beta_reconcile, equal_weight_returns, ols_beta, risk_table, to_returns
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="betaxl", description="Portfolio beta and return calculations.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    sub.add_parser("demo", help="answer the seed questions on embedded data",
                   description="Reconcile the seed bond portfolio's beta, show the "
                   "equal-weight example and a risk table, on embedded data.")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``betaxl`` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            print(demo_text())
    except BetaxlError as exc:
        print(f"betaxl {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    pd.set_option("display.width", 120)
    sys.exit(main())
