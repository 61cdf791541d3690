"""Units of a rate: a risk-free rate must be a decimal per period, in every door.

The rule, stated once (the README's "Reading a table" has the same rows):

- a rate above 100% a period in size (:data:`RATE_LIMIT`: ``5`` meaning 5%, or a
  date's serial) is refused;
- when the periods per year are known (given, or inferred from the dates), a rate whose
  simple annual equivalent ``|rate| * periods_per_year`` is above 100% a year
  (:data:`ANNUAL_LIMIT`) is refused as an annual rate given per period: an annual 3%
  given as the daily rate is 756% a year.  Rates up to 100% a year pass (hyperinflation
  money markets aside, no risk-free rate is higher), so an annual 5% given as the
  monthly rate (60% a year) cannot be told from a real one and passes.
"""

from __future__ import annotations

import numpy as np

from ..errors import problem

__all__ = ["ANNUAL_LIMIT", "RATE_LIMIT", "check_rate"]

#: The largest rate per period, in size, read as a decimal.
RATE_LIMIT = 1.0
#: The largest simple annual equivalent (rate x periods per year), in size.
ANNUAL_LIMIT = 1.0

_HOW = ("give the rate per period as a decimal (5% a year over 12 periods is "
        "per_period_rate(0.05, 12), PER_PERIOD_RATE(0.05, 12) in Excel, "
        "--risk-free-annual 0.05 on the command line)")


def check_rate(values: np.ndarray, arg: str, periods_per_year: float | None = None) -> None:
    """Refuse a per-period rate that is a percent or an annual rate (the module's rule).

    >>> check_rate(np.array([0.0001]), "risk_free", 252)
    >>> try:
    ...     check_rate(np.array([0.03]), "risk_free", 252)
    ... except ValueError as exc:
    ...     print(str(exc)[:60])
    : risk_free holds 0.03 a period, which is 756% a year over 2
    """
    size = np.abs(np.nan_to_num(np.asarray(values, dtype=float).reshape(-1)))
    big = np.flatnonzero(size > RATE_LIMIT)
    if big.size:
        raise problem("", arg, "holds {v:.6g}, more than 100% a period: " + _HOW,
                      v=float(np.asarray(values, dtype=float).reshape(-1)[big[0]]))
    if periods_per_year is None or not np.isfinite(periods_per_year):
        return
    over = np.flatnonzero(size * periods_per_year > ANNUAL_LIMIT)
    if over.size:
        v = float(np.asarray(values, dtype=float).reshape(-1)[over[0]])
        raise problem("", arg, "holds {v:.6g} a period, which is {a:.0%} a year over {t:g} "
                      "periods a year: an annual rate? " + _HOW, v=v,
                      a=abs(v) * periods_per_year, t=periods_per_year)
