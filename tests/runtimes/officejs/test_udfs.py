"""The UDFs through xlwings' Office.js dispatcher (see conftest.py)."""

from __future__ import annotations

from ..shared import *


def test_one_row_ranges_arrive_flattened_and_still_work(xl) -> None:
    # Office.js sends a 1-row range as a flat list: weights given as one row
    flat_weights = [0.5, 0.5]
    out = xl.raw("PORT_RETURNS", [[0.1, -0.1], [0.2, 0.0]], flat_weights, None, None,
                 None, None, None)
    # buy and hold: period 1 returns 0 and leaves weights 0.55 / 0.45; 0.55 x 20% = 11%
    assert [row[0] for row in out] == [pytest.approx(0.0, abs=1e-15),
                                       pytest.approx(0.11, abs=1e-15)]


def test_nan_never_reaches_a_cell(xl) -> None:
    # a NaN would show as #NUM! in Office.js: blanks must come back as ""
    out = xl("BETA_ROLLING", [0.1, 0.2, 0.0, 0.3], [0.1, 0.3, 0.2, 0.4], 3)
    assert out[0] == [""] and out[1] == [""]
    assert isinstance(out[2][0], float)


def test_a_lite_main_py_that_imports_the_functions_registers_all_of_them() -> None:
    # xlwings Lite registers the custom functions it finds in main.py; the README tells
    # users to write `from betaxl.udfs import *` there.
    import types

    from xlwings.server import custom_functions_meta

    import betaxl.udfs

    main = types.ModuleType("main")
    exec("from betaxl.udfs import *", main.__dict__)  # noqa: S102
    meta = custom_functions_meta(main)
    names = {f["name"] for f in meta["functions"]}
    assert names == {n.upper() for n in betaxl.udfs.__all__}
    ols = next(f for f in meta["functions"] if f["name"] == "BETA_OLS")
    assert [p["name"] for p in ols["parameters"]] == [
        "asset_returns", "market_returns", "risk_free", "stats", "input_type", "se",
        "hac_lags", "date_format", "units"]  # issue 16: after the existing arguments
    assert [p.get("optional", False) for p in ols["parameters"]] == [
        False, False, True, True, True, True, True, True, True]
    assert ols["description"].startswith("Beta of each asset on the market")


def test_eight_threads_at_once_give_the_serial_answers(xl) -> None:
    from ..concurrency import check_threads_match_serial

    check_threads_match_serial(xl)


def test_office_metadata_carries_the_wizard_descriptions() -> None:
    from xlwings.server import custom_functions_meta

    import betaxl.udfs

    meta = custom_functions_meta(betaxl.udfs)
    for entry in meta["functions"]:
        fn = getattr(betaxl.udfs, entry["name"])
        assert entry["description"] == fn.__doc__ and len(fn.__doc__) <= 255
        assert all("\n" not in p["description"] for p in entry["parameters"])


def test_a_failing_call_shows_one_line(xl) -> None:
    value = xl.cell("RETURNS", [[10.0], [0.0]])
    assert value == [["RETURNS: prices must be positive; row 2, column asset_1 holds 0.0"]]
