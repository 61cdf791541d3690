"""The arguments the data subcommands share: the input file and how to read it, the
output, the input type, the Dask engine, and the risk-free rate.
"""

from __future__ import annotations

import argparse

from ..data.units import UNITS
from ..errors import InputError
from ..returns import INPUT_TYPES
from .sources import Limits

__all__ = ["common_arguments", "risk_free_arguments", "se_arguments"]


def common_arguments(parser: argparse.ArgumentParser, *, input_type: bool = True,
                     engine: bool = False) -> None:
    parser.add_argument("file", help="a .csv (.gz/.bz2/.xz/.zip), .parquet (a file, folder "
                        "or glob) or .xlsx/.xlsm file; wide (one column per asset) or long "
                        "(date, id, value)")
    parser.add_argument("-o", "--output", help="the output: .csv, .parquet or .xlsx by "
                        "extension (default: FILE_<command>.csv beside FILE)")
    parser.add_argument("--assets", metavar="A,B,...",
                        help="work on these asset columns only (by name, in this order); "
                        "the market, benchmark and risk-free columns are read anyway")
    if input_type:
        parser.add_argument("--input-type", default="returns", choices=INPUT_TYPES,
                            help="what the columns hold (default: %(default)s)")
        parser.add_argument("--trust-input-type", action="store_true",
                            help="skip the check that prices are not returns and vice versa")
        parser.add_argument("--units", choices=UNITS, default=None,
                            help="the units of the returns and rates: percent (2.5 for "
                            "2.5%%, as Ken French's files, RF included) divides the file's "
                            "columns and --risk-free/--risk-free-annual/--mar numbers by "
                            "100; decimal says they are decimals (default: decimals, "
                            "refused if they look like percents)")
    read = parser.add_argument_group("reading the file")
    read.add_argument("--sep", help="CSV separator (default: sniffed)")
    read.add_argument("--decimal", help="CSV decimal mark (default: sniffed, . or ,)")
    read.add_argument("--thousands", help="CSV thousands separator, if numbers have one")
    read.add_argument("--sheet", help="workbook sheet (default: the first)")
    read.add_argument("--range", help="workbook range (B2:F100) or defined name")
    read.add_argument("--date-column", help="the date column (default: found by name/type)")
    read.add_argument("--date-format", metavar="FORMAT",
                      help="the format every date text follows, as strftime writes it: "
                      "'%%d/%%m/%%Y' (day first), '%%m/%%d/%%Y' (month first); needed when "
                      "dates read both ways (01/02/2020), which are refused without it")
    read.add_argument("--date-order", choices=("dmy", "mdy"),
                      help="shorthand for numeric dates that read both ways: day first "
                      "(dmy) or month first (mdy)")
    read.add_argument("--layout", choices=("auto", "wide", "long"), default="auto",
                      help="wide: a column per asset; long: date, id, value rows "
                      "(default: %(default)s, long when one text id and one number column)")
    read.add_argument("--id-column", help="long layout: the id column")
    read.add_argument("--value-column", help="long layout: the value column")
    read.add_argument("--skip-text", action="store_true",
                      help="leave out text columns (with a note) instead of refusing")
    read.add_argument("--sort-dates", action="store_true",
                      help="dates out of time order: sort the rows oldest first, with a "
                      "note (default: refused, naming the first pair out of order)")
    read.add_argument("--drop-partial", action="store_true",
                      help="a resample output (columns period, rows, partial): leave out "
                      "its partial periods (default: kept, named in a note)")
    read.add_argument("--max-cells", type=int, default=Limits().max_cells,
                      help="refuse inputs with more cells (default: %(default)s)")
    read.add_argument("--max-bytes", type=int, default=Limits().max_bytes,
                      help="refuse inputs larger once decompressed (default: %(default)s)")
    parser.add_argument("--progress", action="store_true", help="always show the progress bar")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no summary table on the terminal")
    if engine:
        dask = parser.add_argument_group("Dask")
        dask.add_argument("--engine", choices=("memory", "dask"), default="memory",
                          help="memory (default) or dask: chunks of assets on a Dask "
                          "cluster, for data larger than memory (Parquet)")
        dask.add_argument("--scheduler", help="an existing Dask scheduler's address "
                          "(default: a LocalCluster on 127.0.0.1)")
        dask.add_argument("--workers", type=int, default=2,
                          help="LocalCluster workers (default: %(default)s)")
        dask.add_argument("--memory-limit", default="auto",
                          help="LocalCluster memory per worker (default: %(default)s)")
        dask.add_argument("--chunk", type=int, default=500,
                          help="assets per Dask task (default: %(default)s)")
        dask.add_argument("--timeout", type=float, default=3600,
                          help="give up after this many seconds (default: %(default)s)")


def only_with(action: argparse.Action, needs: str, why: str) -> None:
    """Mark an option that means something only beside the option ``needs`` (a flag,
    ``--weights``): given without it, :func:`check_only_with` refuses the command in one
    line instead of ignoring the option.  Its default is filled in after that check (it
    is None until then, so that an option typed with its default value is seen too)."""
    action.only_with = (needs, why, action.default)  # type: ignore[attr-defined]
    action.default = None


def check_only_with(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse an option marked by :func:`only_with` given without the option it needs
    (one line, exit 2, nothing run or written, as a refusal of the core), and fill in
    the defaults of those not given."""
    for action in parser._actions:
        needs, why, default = getattr(action, "only_with", (None, "", None))
        if needs is None:
            continue
        if getattr(args, action.dest) is None:
            setattr(args, action.dest, default)
            continue
        need = next(a for a in parser._actions if needs in a.option_strings)
        if getattr(args, need.dest) is None:
            flag = max(action.option_strings, key=len)
            raise InputError(f"{flag} is only for {needs} ({why}); add {needs} or drop "
                             f"{flag}", arg=action.dest)


def risk_free_arguments(parser: argparse.ArgumentParser, *,
                        periods: str = "for --risk-free-annual: 12 monthly, 252 daily... (default: "
                        "from the dates)",
                        column: str = "a risk-free column's name, or a per-period number") -> None:
    """``--risk-free``, or ``--risk-free-annual`` made per period by per_period_rate."""
    rf = parser.add_argument_group("risk-free rate")
    rf.add_argument("--risk-free", help=column)
    rf.add_argument("--risk-free-annual", metavar="RATE",
                    help="or an annual rate (0.05 for 5%%), a number or a column, turned into "
                    "a rate per period")
    only_with(rf.add_argument(
        "--rate-method", choices=("compound", "simple"), default="compound",
        help="with --risk-free-annual: compound: (1 + RATE)^(1/periods) - 1 (default); "
        "simple: RATE / periods (T-bill and money-market quotes)"),
        "--risk-free-annual", "it says how an annual rate is made a rate per period")
    rf.add_argument("--periods-per-year", type=float, help=periods)


def mar_argument(p: argparse.ArgumentParser) -> None:
    """``--mar``: the minimum acceptable return of the risk table (risk, report)."""
    p.add_argument("--mar", type=float, default=0.0, help="minimum acceptable return per "
                   "period (0.005 for 0.5%% a month), for the downside rows, Sortino and "
                   "omega (default 0)")


def se_arguments(p: argparse.ArgumentParser) -> None:
    """``--se classical|hac`` and ``--hac-lags N`` (betas, factors)."""
    p.add_argument("--se", choices=("classical", "hac"), default="classical",
                   help="standard errors: classical (default) or hac (Newey-West, Bartlett)")
    p.add_argument("--hac-lags", type=int, help="lags of the Newey-West sum (with --se hac; "
                   "default floor(4 (n/100)^(2/9)))")
