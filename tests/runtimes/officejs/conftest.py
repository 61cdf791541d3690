"""xlwings Lite / Server on Linux: xlwings' own Office.js dispatcher.

``xlwings.server`` sits under xlwings' PRO licence; this open-source project's tests use
the ``noncommercial`` licence key, which that licence allows for noncommercial use.  Must
run in its own pytest process (``make test`` does): the environment decides at import
time which decorators ``xw.func`` and friends are.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import pytest

if "betaxl.udfs" in sys.modules or "xlwings" in sys.modules:
    raise RuntimeError("run the Office.js runtime tests in their own process: "
                       "pytest tests/runtimes/officejs")
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
os.environ["XLWINGS_ON_SERVER"] = "true"

import xlwings
from xlwings.server import custom_functions_call

from .. import sheet


class OfficeJs:
    """Calls a betaxl UDF with the payload Excel's Office.js add-in sends."""

    name = "officejs"

    def payload(self, func: str, args: list[Any]) -> dict[str, Any]:
        return {"func_name": func, "args": args, "version": xlwings.__version__,
                "client": "Office.js", "runtime": "1.4", "culture_info_name": "en-US",
                "date_format": "m/d/yyyy", "caller_address": "Sheet1!A1"}

    def __call__(self, func: str, *args: Any) -> Any:
        import betaxl.udfs

        return sheet.read_message(func, self.cell(func, *args))

    def cell(self, func: str, *args: Any) -> Any:
        """The values Office.js writes to the cells: what ``custom_functions_call`` returns."""
        import betaxl.udfs

        data = self.payload(func, [sheet.office_arg(a) for a in args])
        return asyncio.run(custom_functions_call(data, betaxl.udfs))

    def raw(self, func: str, *args: Any) -> Any:
        import betaxl.udfs

        return asyncio.run(custom_functions_call(self.payload(func, list(args)),
                                                 betaxl.udfs))


@pytest.fixture(scope="session")
def xl() -> OfficeJs:
    return OfficeJs()
