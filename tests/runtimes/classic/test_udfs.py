"""The UDFs through classic xlwings' call_udf (see conftest.py)."""

from __future__ import annotations

import io
import re

import betaxl.udfs

from ..shared import *


def test_vba_wrappers_declare_every_function_with_its_optional_arguments() -> None:
    import xlwings.udfs

    out = io.StringIO()
    book = type("Workbook", (), {"Name": "workbook_template.xlsm"})()
    xlwings.udfs.generate_vba_wrapper("betaxl.udfs", betaxl.udfs, out, book)
    vba = out.getvalue()
    expected = {
        "BETA_OLS": ("asset_returns", "market_returns", "Optional risk_free",
                     "Optional stats", "Optional input_type", "Optional se",
                     "Optional hac_lags", "Optional date_format",
                     "Optional units"),
        "PORT_RETURNS": ("asset_returns", "weights", "Optional rebalance",
                         "Optional input_type", "Optional dates", "Optional holdings_type",
                         "Optional detail", "Optional date_format"),
        "EQUAL_WEIGHT_RETURN": ("data", "Optional method", "Optional input_type",
                                "Optional dividends", "Optional date_format",
                                "Optional units"),
        "BETA_RECONCILE": ("asset_returns", "market_returns", "weights", "Optional rebalance",
                           "Optional input_type", "Optional holdings_type",
                           "Optional risk_free", "Optional dates", "Optional date_format"),
        "RISK_TABLE": ("returns", "benchmark_returns", "Optional risk_free",
                       "Optional periods_per_year", "Optional mar", "Optional date_format",
                       "Optional units"),
        "RETURNS": ("prices", "Optional method", "Optional dividends",
                    "Optional date_format"),
        "BETA_ROLLING": ("asset_returns", "market_returns", "window", "Optional input_type",
                         "Optional date_format", "Optional units"),
    }
    for name, params in expected.items():
        match = re.search(rf"Function {name}\((.*?)\)", vba)
        assert match, f"{name} is not declared"
        assert [p.strip() for p in match.group(1).split(",")] == list(params)
        assert f'Py.CallUDF("betaxl.udfs", "{name}"' in vba
    assert "Application.MacroOptions" in vba or "Function" in vba


def test_eight_threads_at_once_give_the_serial_answers(xl) -> None:
    from ..concurrency import check_threads_match_serial

    check_threads_match_serial(xl)


def test_wizard_gets_short_descriptions_in_the_betaxl_category() -> None:
    # what "Import Functions" hands to Application.MacroOptions (xlwings cuts at 255)
    for name in betaxl.udfs.__all__:
        info = getattr(betaxl.udfs, name).__xlfunc__
        assert info["category"] == "betaxl"
        doc = info["ret"]["doc"]
        assert doc == doc[:255] and "\n" not in doc and "``" not in doc
        assert all(len(a["doc"]) <= 255 for a in info["args"])


def test_a_failing_call_puts_one_line_in_the_cell(xl) -> None:
    # the VBA wrapper's `failed:` branch (Err.Description, a pywin32 traceback) is never
    # reached: call_udf returns the message, and `NAME = XLPy.CallUDF(...)` shows it
    value = xl.cell("RETURNS", [[10.0], [0.0]])
    assert value == [["RETURNS: prices must be positive; row 2, column asset_1 holds 0.0"]]
