"""The data arguments of the Excel functions read, lined up and turned into returns.

:class:`Inputs` reads the asset (and market) ranges, lines them up row by row, checks
that returns look like returns and converts prices or log returns (``input_type``) to
simple returns, the one place for all of that; :func:`per_asset` makes one core call
over the assets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..data.periods import infer_periods_per_year
from ..data.units import UNITS, check_rate, dated_periods, in_decimals, not_returns
from ..errors import count
from ..returns import INPUT_TYPES, returns_from
from .arguments import read_choice, read_number
from .dates import read_dates
from .failures import fail
from .ranges import rows_of
from .tables import Table, read_optional_table, read_table
from .values import data_number, is_blank

__all__ = ["EXCEL_FACTORS", "Inputs", "check_returns", "decimals", "is_row", "per_asset",
           "read_units"]


def _table(value: Any, arg_name: str, prefix: str, along_rows: bool) -> Table:
    return read_table(value, arg=arg_name, prefix=prefix, along_rows=along_rows)


def is_row(value: Any) -> bool:
    """A range of one row and several columns (Office.js: a flat list)."""
    if not isinstance(value, (list, tuple)) or not value:
        return False
    if not isinstance(value[0], (list, tuple)):
        return len(value) > 1
    return len(value) == 1 and len(value[0]) > 1


def _line_up(first: Table, second: Table, first_arg: str, second_arg: str
             ) -> tuple[Table, Table]:
    """Two tables over the same sheet rows, lined up row by row.

    Ranges with the same number of rows are taken to cover the same sheet rows: a header
    in only one of them sits beside the other's first row, which must then be blank, and
    trailing blank rows trimmed from one are given back as missing values.
    """
    n1, n2 = first.values.shape[0], second.values.shape[0]
    if n1 == n2 and first.has_header == second.has_header:
        return first, second
    if first.rows != second.rows or first.rows == 0:
        if n1 != n2:
            raise fail(second_arg, f"has {count(n2, 'row')} of data but {first_arg} has {n1}")
        return first, second
    start = max(int(first.has_header), int(second.has_header))
    end = max(int(first.has_header) + n1, int(second.has_header) + n2)

    def window(t: Table, name: str, other: str) -> Table:
        top = int(t.has_header)
        values = np.full((end - start, t.values.shape[1]), np.nan)
        skip = start - top  # data rows beside the other range's header row
        if skip and not np.isnan(t.values[:skip]).all():
            raise fail(name, f"has no header row but {other} has one over the same rows: "
                       "include the header row in both ranges or in neither")
        kept = t.values[skip:]
        values[:kept.shape[0]] = kept
        dates = t.dates[skip:] if t.dates is not None else None
        return Table(values, t.names, t.has_header, dates, t.rows)

    return window(first, first_arg, second_arg), window(second, second_arg, first_arg)


#: How the Excel functions say to give a rate per period (data.units' rate rule).
EXCEL_RATE = ("give the rate per period as a decimal (5% a year over 12 periods is "
              'PER_PERIOD_RATE(0.05, 12)), or declare percents: units "percent"')


#: How the Excel functions say to be explicit about prices given as returns.
EXCEL_HOW = ('for prices give input_type "prices"; returns are decimals (0.025 for 2.5%): '
             'for percents give units "percent"')
#: How the Excel functions say to declare the units (:data:`betaxl.data.units.PERCENT_LIMIT`).
EXCEL_UNITS = ('give units "percent" if they are percents (2.5 for 2.5%), or units '
               '"decimal" if they are decimals')


#: How BETA_FACTORS says to declare the factors' units.
EXCEL_FACTORS = ('factors are decimal returns (0.025 for 2.5%): for factors in percent (Ken '
                 'French\'s files) give factor_units "percent"')


def read_units(units: Any, *, prices: bool = False, arg: str = "units") -> str | None:
    """An Excel ``units`` argument: "decimal", "percent" or blank (None); "percent" with
    prices is refused (data.units)."""
    unit = None if is_blank(units) else read_choice(units, UNITS, arg=arg,
                                                    default="decimal")
    if unit == "percent" and prices:
        raise fail(arg, 'is "percent", which is for returns and rates; prices '
                   "have no units to divide (leave units blank)")
    return unit


def decimals(table: Table, units: str | None) -> Table:
    """The table's numbers over 100 for ``units`` "percent" (data.units)."""
    if units != "percent":
        return table
    return Table(in_decimals(table.values, units), table.names, table.has_header,
                 table.dates, table.rows)


def check_returns(values: np.ndarray, names: tuple[str, ...], arg_name: str,
                  how: str = EXCEL_HOW) -> None:
    """Refuse columns given as returns that cannot be returns: prices, dates, percents.

    The one rule of :mod:`betaxl.data.units`: a column whose median absolute value is
    above 1 (a typical period moving more than 100%) is not returns, worded as in every
    door.
    """
    message = not_returns(values, names, how)
    if message is not None:
        raise fail(arg_name, message)


_NO_MARKET: Any = object()  # a function without a market argument


def _unwrap(value: Any) -> Any:
    """A 1 x 1 range's value (classic hands over [[x]] for some callers), else the value."""
    while isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    return value


class Inputs:
    """Asset and market data read as simple returns (one place for input_type).

    The market decides the layout: a market along a row means assets along rows too,
    and a single asset along a row goes with a market in a column.
    """

    def __init__(self, asset: Any, kind: Any, *, asset_arg: str = "asset_returns",
                 market: Any = _NO_MARKET, market_arg: str = "market_returns",
                 dividends: Any = None, along_rows: bool = False, units: Any = None,
                 periods_per_year: Any = _NO_MARKET) -> None:
        self.kind = read_choice(kind, INPUT_TYPES, arg="input_type", default="returns")
        self.units = read_units(units, prices=self.kind == "prices")
        if market is _NO_MARKET:
            market = None
        elif is_blank(_unwrap(market)):  # classic None and Office.js "" alike
            raise fail(market_arg, "is missing")
        market_row = market is not None and is_row(market)
        asset_row = is_row(asset) and (market is not None or along_rows)
        self.table = decimals(_table(asset, asset_arg, "asset", market_row or asset_row),
                               self.units)
        self.market: np.ndarray | None = None
        if market is not None:
            mkt = decimals(_table(market, market_arg, "market", market_row), self.units)
            if mkt.values.shape[1] != 1:
                raise fail(market_arg, f"must be one column (or one row), got "
                           f"{mkt.values.shape[1]} columns")
            self.table, mkt = _line_up(self.table, mkt, asset_arg, market_arg)
            if self.kind != "prices":  # the assets first, as in every door
                check_returns(self.table.values, self.table.names, asset_arg)
                check_returns(mkt.values, mkt.names, market_arg)
            if self.table.dates is None and mkt.dates is not None:
                self.table = Table(self.table.values, self.table.names,
                                   self.table.has_header, mkt.dates, self.table.rows)
        if self.kind != "prices" and market is None:
            check_returns(self.table.values, self.table.names, asset_arg)
        #: The periods per year, for a function that uses them (RISK_TABLE): given, or
        #: the data's own dates decide (without dates, refused).
        self.periods: float | None = None
        if periods_per_year is not _NO_MARKET:
            self.periods = self._periods(periods_per_year)
            if self.units is None and self.kind != "prices":  # daily percents (data.units)
                self._check_percent(self.table, asset_arg)
                if market is not None:
                    self._check_percent(mkt, market_arg)
        if market is not None:
            self.market = returns_from(mkt.frame(), self.kind, arg=market_arg).values[:, 0]
        cash = read_optional_table(dividends, arg="dividends")
        panel = returns_from(self.table.frame(), self.kind, arg=asset_arg,
                             distributions=cash)
        self.returns = pd.DataFrame(panel.values, columns=list(self.table.names), copy=False)

    def _periods(self, value: Any) -> float:
        t = read_number(value, arg="periods_per_year", minimum=1e-9)
        if t is not None:
            return float(t)
        stamps = self.table.dates
        return float(infer_periods_per_year(
            None if stamps is None else pd.DatetimeIndex(stamps), like="returns"))

    def _check_percent(self, table: Table, arg_name: str) -> None:
        """The percent rule, where the periods per year are used (data.units)."""
        message = not_returns(table.values, table.names, EXCEL_HOW, units_how=EXCEL_UNITS,
                              periods_per_year=self.periods)
        if message is not None:
            raise fail(arg_name, message)

    @property
    def prices(self) -> np.ndarray | None:
        return self.table.values if self.kind == "prices" else None

    def per_period(self, value: Any, *, arg_name: str, units: Any = _NO_MARKET) -> Any:
        """A number, or a column with one value per data row (price rows allowed), in
        the data's ``units`` unless others are given (BETA_FACTORS' factor_units)."""
        unit = self.units if units is _NO_MARKET else units
        if is_blank(value):
            return None
        if not isinstance(value, (list, tuple)):
            rate = in_decimals(read_number(value, arg=arg_name), unit)
            self._check_rate(np.array([rate], dtype=float), arg_name, unit)
            return rate
        if all(data_number(c) is None for row in rows_of(value, arg=arg_name) for c in row):
            raise fail(arg_name, "has no values (its cells are blank or not numbers)")
        table = read_table(value, arg=arg_name, dates=False)
        values = table.values
        if values.shape[1] != 1 and values.shape[0] != 1:
            raise fail(arg_name, "must be a number or one column")
        flat = in_decimals(values.reshape(-1), unit)
        if np.isnan(flat).all():
            raise fail(arg_name, "has no values (its cells are blank or not numbers)")
        self._check_rate(flat, arg_name, unit)
        if flat.size == 1 and table.rows <= 1:
            return float(flat[0])
        n = len(self.returns)
        # trailing blank cells are missing values, as blanks higher up are: the
        # range's own rows count, up to the data's periods (a price row more)
        target = n + 1 if self.kind == "prices" and table.rows - table.has_header > n else n
        if values.shape[1] == 1 and flat.size < target <= table.rows - table.has_header:
            flat = np.concatenate([flat, np.full(target - flat.size, np.nan)])
        if flat.size == n + 1 and self.kind == "prices":
            flat = flat[1:]
        if flat.size != n:
            raise fail(arg_name, f"has {count(flat.size, 'row')} but the data have {n} periods")
        return flat

    def _check_rate(self, values: np.ndarray, arg_name: str, unit: str | None) -> None:
        """A percent or an annual rate given per period is refused, over the periods per
        year given or implied by the data's dates, unless ``unit`` is declared
        (:func:`betaxl.data.units.check_rate`, as in every door)."""
        periods, least = self.periods, False
        if periods is None and self.table.dates is not None:
            periods, least = dated_periods(pd.DatetimeIndex(self.table.dates))
        check_rate(values, arg_name, periods, how=EXCEL_RATE, least=least,
                   declared=unit is not None, declare='units "decimal"')

    def dates(self, value: Any) -> list[pd.Timestamp] | None:
        """Dates, one per data row (with prices the first, starting date is dropped).

        Without a ``dates`` argument, the date column inside the data range, if any.
        """
        if is_blank(value):
            stamps = list(self.table.dates) if self.table.dates is not None else None
        else:
            stamps = read_dates(value, arg="dates")
        if stamps is not None and len(stamps) == len(self.returns) + 1:
            stamps = stamps[1:]
        return stamps


def per_asset(data: Inputs, fit: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """One core call over the assets, one result column per asset (statistics as rows).

    An asset column with no value paired with the market (all blank, text or errors)
    gives a blank result column, as Excel's SLOPE gives #DIV/0! for that column only,
    instead of failing the whole call; the others are computed together as usual.
    """
    returns = data.returns
    paired = returns.notna().to_numpy()
    if data.market is not None:
        paired = paired & ~np.isnan(data.market)[:, None]
    empty = ~paired.any(axis=0)
    if not empty.any() or empty.all():
        return fit(returns)
    done = fit(returns.iloc[:, ~empty])
    out = pd.DataFrame(np.nan, index=done.index, columns=range(returns.shape[1]), dtype=object)
    out.iloc[:, np.flatnonzero(~empty)] = done.to_numpy(dtype=object)
    out.columns = returns.columns
    return out
