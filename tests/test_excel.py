"""Reading cells as both xlwings runtimes deliver them, and writing results back."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from betaxl.errors import BetaxlError, labels
from betaxl.excel.arguments import read_choice, read_flag, read_number
from betaxl.excel.dates import read_dates
from betaxl.excel.failures import InternalError, cell_errors
from betaxl.excel.results import cells, column
from betaxl.excel.tables import read_cells, read_table
from betaxl.excel.weights import read_row

NA_CODE = -2146826246
NA_DICT = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}


def test_header_blanks_errors_text_and_booleans_are_missing() -> None:
    classic = (("A", "B"), (0.1, None), (NA_CODE, 0.2), ("n/a", True), (0.3, "#DIV/0!"))
    office = [["A", "B"], [0.1, ""], [NA_DICT, 0.2], ["n/a", True], [0.3, "#DIV/0!"]]
    for value in (classic, office):
        table = read_table(value, arg="data")
        assert table.names == ("A", "B") and table.has_header
        np.testing.assert_array_equal(table.values, [[0.1, np.nan], [np.nan, 0.2],
                                                     [np.nan, np.nan], [0.3, np.nan]])


def test_one_row_one_cell_and_flattened_ranges() -> None:
    assert read_table(0.5, arg="x").values.tolist() == [[0.5]]
    assert read_table([0.1, 0.2, 0.3], arg="x").values.tolist() == [[0.1, 0.2, 0.3]]
    assert read_table([[0.1], [0.2]], arg="x").values.tolist() == [[0.1], [0.2]]
    # Office.js whole numbers arrive as ints; numbers stored as text are numbers
    assert read_table([[1, "0.5"], [2, 3]], arg="x").values.tolist() == [[1, 0.5], [2, 3]]
    # numeric text in the first row is a header of names (tickers), not data
    assert read_table([["600519", "000001"], [0.1, 0.2]], arg="x").names == ("600519",
                                                                             "000001")


@pytest.mark.parametrize("value, message", [
    ([], "x is an empty range"), ([[]], "x is an empty range"),
    ([[1.0, 2.0], [3.0]], "x is ragged"), ([[1.0], 2.0], "x is ragged"),
    ([["a", "b"]], "x has a header row but no data"),
    ([[1.0], [float("inf")]], "x has an infinite value at row 2"),
])
def test_bad_ranges(value, message) -> None:
    with labels("F"), pytest.raises(BetaxlError, match="^F: " + message):
        read_table(value, arg="x")


cell = st.one_of(st.floats(allow_infinity=False), st.none(), st.just(""),
                 st.booleans(), st.integers(-3, 3), st.just(NA_CODE), st.just(NA_DICT),
                 st.text(max_size=3), st.sampled_from(["0.5", "1e-3", " 2 ", "#N/A"]),
                 st.just(dt.datetime(2020, 1, 31)))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6).flatmap(lambda k: st.lists(st.lists(cell, min_size=k, max_size=k),
                                                    min_size=2, max_size=6)))
def test_fast_path_reads_exactly_like_the_cell_by_cell_path(rows) -> None:
    try:
        slow = read_cells(rows, arg="x")
    except BetaxlError as exc:
        with pytest.raises(BetaxlError) as info:
            read_table(rows, arg="x")
        assert str(info.value) == str(exc)
        return
    fast = read_table(rows, arg="x")
    assert fast.names == slow.names and fast.has_header == slow.has_header
    np.testing.assert_array_equal(fast.values, slow.values)
    as_tuples = tuple(tuple(r) for r in rows)
    np.testing.assert_array_equal(read_table(as_tuples, arg="x").values, slow.values)


def test_read_row_with_labels() -> None:
    assert read_row([[0.3, 0.7]], arg="w").tolist() == [0.3, 0.7]
    assert read_row([[0.3], [0.7]], arg="w").tolist() == [0.3, 0.7]
    # labels are kept for matching by name, never dropped
    for labelled in ([["A", "B"], [0.3, 0.7]], [["A", 0.3], ["B", 0.7]],
                     [["Ticker", "Weight"], ["A", 0.3], ["B", 0.7]]):
        out = read_row(labelled, arg="w")
        assert isinstance(out, pd.Series) and out.to_dict() == {"A": 0.3, "B": 0.7}
    assert read_row([["Weight"], [0.3], [0.7]], arg="w").tolist() == [0.3, 0.7]
    with pytest.raises(BetaxlError, match="w has a blank label for value number 2"):
        read_row([["A", 0.3], [None, 0.7], ["C", 0.1]], arg="w")
    with labels("F"), pytest.raises(BetaxlError, match="^F: w value number 2 is not a "
                                                       "number \\(blank\\)"):
        read_row([[0.3, None, 0.7]], arg="w")
    with labels("F"), pytest.raises(BetaxlError, match="^F: w must be one row or one column"):
        read_row([[1.0, 2.0], [3.0, 4.0]], arg="w")


def test_dates_from_each_runtime() -> None:
    classic = read_dates(((dt.datetime(2020, 1, 31),), (dt.datetime(2020, 2, 29),)),
                         arg="dates")
    office = read_dates([[43861], [43890]], arg="dates")  # serials of the same dates
    texts = read_dates([["date"], ["2020-01-31"], ["2020-02-29"]], arg="dates")
    assert classic == office == texts
    with labels("F"), pytest.raises(BetaxlError, match="^F: dates row 2 is not a date"):
        read_dates([[43861], [None], [43890]], arg="dates")


def test_scalar_arguments() -> None:
    assert read_flag(None, arg="s") is False and read_flag("", arg="s", default=True)
    assert read_flag(True, arg="s") and read_flag([[1.0]], arg="s") and \
        not read_flag("false", arg="s")
    assert read_choice(" Period ", ("none", "period"), arg="r", default="none") == "period"
    assert read_number("", arg="n", default=12.0) == 12.0
    assert read_number([[4]], arg="n") == 4.0
    for bad, call in (("x", lambda v: read_flag(v, arg="s")),
                      ("weekly", lambda v: read_choice(v, ("none",), arg="r", default="n")),
                      ([[1.0, 2.0]], lambda v: read_number(v, arg="n")),
                      (NA_DICT, lambda v: read_number(v, arg="n"))):
        with labels("F"), pytest.raises(BetaxlError, match="^F: "):
            call(bad)


def test_results_have_no_nan_and_plain_types() -> None:
    import pandas as pd

    frame = pd.DataFrame({"a": [np.float64(1.5), np.nan], "b": [np.inf, 2]}, index=["x", "y"])
    assert cells(frame, corner="stat") == [["stat", "a", "b"], ["x", 1.5, None],
                                           ["y", None, 2.0]]
    assert column(np.array([np.nan, 0.1]), name="p") == [["p"], [None], [0.1]]
    assert all(type(v) is float for v in (cells(frame)[1][0], column([np.float32(1)])[0][0]))


def test_cell_errors_turns_bugs_into_one_line() -> None:
    with pytest.raises(InternalError, match=r"^F: internal error \(KeyError: 'k'\); please "
                                            "report it$"), cell_errors("F"):
        {}["k"]
    with pytest.raises(BetaxlError, match="^F: x is an empty range"), cell_errors("F"):
        read_table([], arg="x")


LITE_CHECK = r"""
import importlib.abc, os, sys
BLOCKED = {"openpyxl", "xlsxwriter", "defusedxml", "statsmodels", "scipy", "pyarrow"}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not in xlwings Lite's dependency set")
sys.meta_path.insert(0, Block())
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
os.environ["XLWINGS_ON_SERVER"] = "true"
import types
from xlwings.server import custom_functions_meta
main = types.ModuleType("main")
exec("from betaxl.udfs import *", main.__dict__)
meta = custom_functions_meta(main)
print(sorted(f["name"] for f in meta["functions"]))
print(sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED))
"""


def test_the_excel_functions_need_only_what_xlwings_lite_ships() -> None:
    import subprocess
    import sys
    import tomllib
    from pathlib import Path

    import betaxl.udfs

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].split("<")[0].strip().lower()
             for d in project["dependencies"]}
    assert names == {"numpy", "pandas", "xlwings"}
    assert not any("==" in d for d in project["dependencies"])  # Lite's own xlwings fits
    out = subprocess.run([sys.executable, "-c", LITE_CHECK], cwd=root, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    registered, leaked = out.stdout.strip().splitlines()
    assert registered == repr(sorted(betaxl.udfs.__all__)) and leaked == "[]"


@pytest.mark.parametrize("text, number", [
    ("0.5", 0.5), (" -1e-3 ", -0.001), ("2.5%", 0.025), ("1,234", 1234.0),
    ("1,234,567.5", 1234567.5), ("(0.5)", -0.5), ("(2.5%)", -0.025), ("+3", 3.0),
    (".5", 0.5), ("1,5", None), ("12,34", None), ("nan", None), ("inf", None),
    ("1_000", None), ("$5", None), ("(-1)", None), ("", None), ("5-", -5.0),
    ("\u22120.25", -0.25), ("0,012", None), ("0,5", None), ("-5-", None), ("(5)-", None),
    ("()", None), ("1e400", None), ("0x10", None),
])
def test_one_rule_for_numbers_stored_as_text(text, number) -> None:
    from betaxl.excel.values import parse_number_text

    assert parse_number_text(text) == number


def test_headers_never_eat_data() -> None:
    for blank in (None, ""):
        text = [["0.5", "0.1"], ["0.25", blank], ["-0.5", "0.3"]]
        table = read_table(text, arg="x")
        assert not table.has_header and table.values[0].tolist() == [0.5, 0.1]
    tickers = read_table([["600519", "000001"], [0.1, 0.2], [0.3, 0.4]], arg="x")
    assert tickers.has_header and tickers.names == ("600519", "000001")
    # a header cell that is a number (a year) makes the row data, in both runtimes
    assert not read_table([[2020.0, 2021.0], [0.1, 0.2]], arg="x").has_header


def test_trailing_blank_rows_and_columns_are_trimmed_in_every_form() -> None:
    from betaxl.excel.ranges import rows_and_count

    classic = tuple([(1.0, None, None), (2.0, None, None)] + [(None,) * 3] * 50)
    office = [[1.0, "", ""], [2.0, "", ""]] + [["", "", ""] for _ in range(50)]
    mixed = [[1.0, None], [2.0, ""], [None, ""], ["", None], [None, None]]
    for value in (classic, office, mixed):
        rows, total = rows_and_count(value, arg="x")
        assert [r[0] for r in rows] == [1.0, 2.0] and len(rows[0]) == 1
        assert total == len(value)
    # a blank row inside the data stays: it is a period with no values
    rows, _ = rows_and_count([[1.0], [None], [2.0], [None]], arg="x")
    assert rows == [[1.0], [None], [2.0]]


def test_the_size_limit_applies_to_the_data_on_every_path() -> None:
    import betaxl.excel.ranges as excel

    big = [[0.1] * 10 for _ in range(20)]
    old = excel._MAX_CELLS
    excel._MAX_CELLS = 150
    try:
        for value in (big, [[str(v) for v in row] for row in big]):  # fast and slow paths
            with labels("F"), pytest.raises(BetaxlError, match="200 cells of data"):
                read_table(value, arg="x")
        with labels("F"), pytest.raises(BetaxlError, match="cells of data"):
            read_row([list(range(200))], arg="w")
        # trailing blanks do not count: a whole column of few data is fine
        assert read_table([[0.1]] * 5 + [[None]] * 1000, arg="x").values.shape == (5, 1)
    finally:
        excel._MAX_CELLS = old


def test_types_that_are_not_plain_numbers() -> None:
    # Office.js hands JSON integers over as Python ints of any size; TRUE is never 1
    with labels("F"), pytest.raises(BetaxlError, match="infinite value at row 1"):
        read_table([[10 ** 400], [1.0]], arg="x")
    assert np.isnan(read_table([[True], [0.5]], arg="x").values[0, 0])
    with labels("F"), pytest.raises(BetaxlError, match="must be a number, got TRUE"):
        read_number(True, arg="n")
    # a date inside data is its serial number in both runtimes
    classic = read_table([[dt.datetime(2020, 1, 31)], [0.5]], arg="x", dates=False)
    office = read_table([[43861], [0.5]], arg="x", dates=False)
    np.testing.assert_array_equal(classic.values, office.values)


def test_date_columns_read_alike_in_both_runtimes() -> None:
    days = [dt.datetime(2021, 1, 29), dt.datetime(2021, 2, 26), dt.datetime(2021, 3, 31)]
    serials = [(d - dt.datetime(1899, 12, 30)).days for d in days]
    classic = read_table([["Date", "A"], *[[d, 0.1 * i] for i, d in enumerate(days)]],
                         arg="x")
    office = read_table([["Date", "A"], *[[s, 0.1 * i] for i, s in enumerate(serials)]],
                        arg="x")
    for table in (classic, office):
        assert table.names == ("A",) and table.values.shape == (3, 1)
        assert [d.to_pydatetime() for d in table.dates] == days
    # a price column that happens to rise in whole numbers is kept when it is not first
    prices = read_table([[0.1, 40000.0], [0.2, 40001.0], [0.3, 40002.0]], arg="x")
    assert prices.dates is None and prices.values.shape == (3, 2)
    with labels("F"), pytest.raises(BetaxlError, match="headed as dates but its row 2"):
        read_table([["Date", "A"], [43861, 0.1], ["soon", 0.2]], arg="x")


def test_the_layout_matrix_gives_the_same_cells_in_both_runtimes() -> None:
    """tests/runtimes/matrix.py: every function on every layout, both dispatchers."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    shown = {}
    for runtime in ("classic", "officejs"):
        out = subprocess.run([sys.executable, "-m", "tests.runtimes.matrix", runtime],
                             cwd=root, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        shown[runtime] = out.stdout.splitlines()
    assert len(shown["classic"]) > 70
    for classic, office in zip(shown["classic"], shown["officejs"], strict=True):
        assert classic == office
    # the matrix reaches results and messages, and no message is a traceback
    assert any("[['A', 'B'], [" in line for line in shown["classic"])
    messages = [line for line in shown["classic"] if "[['" in line and ": " in line
                and "Traceback" in line]
    assert not messages


def test_date_words_and_date_texts() -> None:
    from betaxl.excel.dates import is_date_header, parse_date_text

    for name in ["Date", "dates", "Month end", "Trade Date", "As of", "period_end", "YEAR"]:
        assert is_date_header(name), name
    for name in ["Datex Corp", "Yearly Fund", "Periodic", "Daytona", "A", "", None, 45000]:
        assert not is_date_header(name), name
    assert parse_date_text("2024-02-29") == pd.Timestamp(2024, 2, 29)
    assert parse_date_text("2024/2/29 13:30") == pd.Timestamp(2024, 2, 29, 13, 30)
    assert parse_date_text("29.02.2024") == pd.Timestamp(2024, 2, 29)
    assert parse_date_text("02/29/2024") == pd.Timestamp(2024, 2, 29)
    assert parse_date_text("05/05/2024") == pd.Timestamp(2024, 5, 5)  # same either way
    for text in ["2024-02-30", "20240131", "31/31/2024", "2024-13", "Jam-24", "x"]:
        assert parse_date_text(text) is None, text
    # month labels are months, standing for their last calendar day (the core's rule)
    for text in ["Jan-24", "Jan 2024", "January 2024", "2024-01", "2024/1"]:
        assert parse_date_text(text) == pd.Timestamp(2024, 1, 31), text
    assert parse_date_text("Feb-49") == pd.Timestamp(1949, 2, 28)  # 30-99 are 19xx
    with labels("F"), pytest.raises(BetaxlError, match=r"^F: d row 1 is '01/02/2024', "
                                                      "which could be day/month"):
        read_dates([["01/02/2024"], ["03/04/2024"]], arg="d")
