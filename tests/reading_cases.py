"""Tables written the way their sources write them, for the one-reading tests.

Shared by ``tests/test_one_reading.py`` (Python API, command line, Dask) and
``tests/runtimes/reading.py`` (the Excel functions through both dispatchers), so every
door is given the same file.  The returns are Ken French's (linearmodels' copy of his
monthly factors and industries, from January 1949), so the numbers are real ones.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

ASSETS = ["NoDur", "Hlth"]


def french_monthly() -> pd.DataFrame:
    """French's monthly returns (decimal) with the market (Mkt = MktRF + RF), month-end
    dates from 1949-01-31."""
    from linearmodels.datasets import french

    data = french.load()
    frame = data[ASSETS].copy()
    frame["Mkt"] = data["MktRF"] + data["RF"]
    frame["RF"] = data["RF"]
    frame.index = pd.DatetimeIndex(data["dates"]) + pd.offsets.MonthEnd(0)
    frame.index.name = "Date"
    return frame.astype(float)


def last_months(n: int = 60) -> pd.DataFrame:
    """The last ``n`` months of :func:`french_monthly`."""
    return french_monthly().iloc[-n:]


def excel_export_csv(frame: pd.DataFrame) -> str:
    """The CSV Excel writes from a sheet whose dates are formatted ``mmm-yy``: ``Jan-13``."""
    lines = ["Date," + ",".join(frame.columns)]
    for stamp, row in frame.iterrows():
        lines.append(f"{stamp:%b-%y}," + ",".join(repr(float(v)) for v in row))
    return "\n".join(lines) + "\n"


def french_csv(frame: pd.DataFrame, percent: bool = True) -> str:
    """The layout of Ken French's monthly CSVs: a blank corner, yyyymm codes, numbers
    padded to width 8, percent with two decimals (``percent=False``: decimals with four,
    the same numbers over 100).  :func:`french_file` adds his title block and footer."""
    lines = ["," + ",".join(frame.columns)]
    scale, places = (100, 2) if percent else (1, 4)
    for stamp, row in frame.iterrows():
        lines.append(f"{stamp:%Y%m}," + ",".join(f"{scale * v:8.{places}f}" for v in row))
    return "\n".join(lines) + "\n"


FRENCH_TITLE = ["This file was created by CMPT_ME_BEME_RETS using the 201712 CRSP database.",
                "The 1-month TBill return is from Ibbotson and Associates, Inc.", ""]


def french_file(frame: pd.DataFrame, percent: bool = True) -> str:
    """A whole file as French distributes his: the title block, the monthly table
    (:func:`french_csv`), then a blank line, the annual table ("Annual Factors:
    January-December", years as 1949) and his copyright line."""
    scale, places = (100, 2) if percent else (1, 4)
    annual = (1 + frame).groupby(frame.index.year).prod() - 1
    lines = [*FRENCH_TITLE, french_csv(frame, percent).rstrip("\n"), "",
             " Annual Factors: January-December ", "," + ",".join(frame.columns)]
    lines += [f"{year}," + ",".join(f"{scale * v:8.{places}f}" for v in row)
              for year, row in zip(annual.index, annual.to_numpy(), strict=True)]
    return "\n".join([*lines, "", "Copyright 2018 Kenneth R. French", ""])


def french_numbers(frame: pd.DataFrame, percent: bool = True) -> pd.DataFrame:
    """What :func:`french_csv` holds, as numbers."""
    return (100 * frame).round(2) if percent else frame.round(4)


def sheet(frame: pd.DataFrame, dates: list, corner: str = "Date") -> list[list]:
    """A sheet range: a header row, then a date cell (or text) and the numbers per row."""
    rows: list[list] = [[corner, *map(str, frame.columns)]]
    rows += [[d, *map(float, row)] for d, row in zip(dates, frame.to_numpy(), strict=True)]
    return rows


def date_cells(frame: pd.DataFrame) -> list[dt.datetime]:
    """The rows' dates as date cells (classic xlwings hands over datetimes)."""
    return [stamp.to_pydatetime() for stamp in frame.index]


def with_dates(values: np.ndarray, dates: pd.DatetimeIndex,
               columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(values, index=pd.DatetimeIndex(dates, name="Date"), columns=columns)


def semiannual(n: int = 30) -> pd.DataFrame:
    """Semiannual returns (every June and December end) from French's monthly data."""
    frame = last_months(6 * n)
    compounded = (1 + frame[[*ASSETS, "Mkt"]]).groupby(np.arange(len(frame)) // 6).prod() - 1
    return with_dates(compounded.to_numpy(), frame.index[5::6], [*ASSETS, "Mkt"])


def calendar_daily(n: int = 60) -> pd.DataFrame:
    """Returns on every calendar day (weekends too): 252 or 365 a year cannot be told."""
    values = last_months(n)[[*ASSETS, "Mkt"]].to_numpy() / 21
    return with_dates(values, pd.date_range("2016-01-01", periods=n, freq="D"),
                      [*ASSETS, "Mkt"])


def gapped_monthly() -> pd.DataFrame:
    """Monthly returns with a third of the months missing (every third month left out)."""
    frame = last_months(60)[[*ASSETS, "Mkt"]]
    return frame[np.arange(len(frame)) % 3 != 2]


def holed_monthly() -> pd.DataFrame:
    """French's monthly returns 1949-1958 and 1969-1978: a ten-year hole in monthly dates
    (every other gap in the monthly class, so the 80% share alone reads them monthly)."""
    frame = french_monthly()[[*ASSETS, "Mkt"]]
    return pd.concat([frame.iloc[:120], frame.iloc[240:360]])


def cairo_daily() -> pd.DataFrame:
    """Sunday-to-Thursday returns (Cairo's week, as Tel Aviv's and Riyadh's) from June 2010
    to 2011 with the exchange's closure of 2011 (2011-01-27 to 2011-03-23: a 55-day gap),
    which are trading days, 252 a year."""
    days = pd.date_range("2010-06-01", "2011-12-29", name="Date")
    days = days[np.isin(days.day_of_week, (6, 0, 1, 2, 3))]
    days = days[(days < "2011-01-27") | (days > "2011-03-22")]
    values = np.resize(french_monthly()[[*ASSETS, "Mkt"]].to_numpy(), (len(days), 3)) / 21
    return with_dates(values, days, [*ASSETS, "Mkt"])


def six_day_daily(n: int = 60) -> pd.DataFrame:
    """Returns Monday to Saturday (a six-day trading week): neither 252 nor 365 a year."""
    days = pd.date_range("2016-01-01", periods=n * 7 // 6 + 2, freq="D")
    days = days[days.day_of_week != 6][:n]
    values = last_months(n)[[*ASSETS, "Mkt"]].to_numpy() / 21
    return with_dates(values, days, [*ASSETS, "Mkt"])


def greek_daily() -> pd.DataFrame:
    """Business-daily returns of 2015 with the Athens exchange's closure (2015-06-29 to
    2015-07-31: a 38-day gap), which are still daily."""
    days = pd.bdate_range("2015-01-01", "2015-12-31", name="Date")
    days = days[(days < "2015-06-29") | (days >= "2015-08-03")]
    values = french_monthly()[[*ASSETS, "Mkt"]].to_numpy()[:len(days)] / 21
    return with_dates(values, days, [*ASSETS, "Mkt"])


def undated(n: int = 60) -> pd.DataFrame:
    """Daily-sized returns with no dates at all."""
    return last_months(n)[[*ASSETS, "Mkt"]].reset_index(drop=True) / 21


def repeated_names() -> tuple[list[str], pd.DataFrame]:
    """A vendor's export that names two columns MKT (an asset and the market), as the
    header ``date,MKT,B,MKT``: the header and the numbers, ISO dates."""
    frame = last_months(36)
    body = pd.DataFrame({"a": frame["NoDur"], "b": frame["Hlth"], "c": frame["Mkt"]},
                        index=frame.index)
    return ["date", "MKT", "B", "MKT"], body


def repeated_names_csv() -> str:
    header, body = repeated_names()
    lines = [",".join(header)]
    lines += [f"{d:%Y-%m-%d}," + ",".join(repr(float(v)) for v in row)
              for d, row in zip(body.index, body.to_numpy(), strict=True)]
    return "\n".join(lines) + "\n"
