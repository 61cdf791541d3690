"""Classic xlwings on Linux: stand-ins for pywin32, then xlwings' own UDF dispatcher.

Must run in its own pytest process (``make test`` does): xlwings decides at import time
which decorators ``xw.func`` and friends are, and here they must be the classic ones.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from ..standins import install_stand_ins

if "betaxl.udfs" in sys.modules or "xlwings" in sys.modules:
    raise RuntimeError("run the classic runtime tests in their own process: "
                       "pytest tests/runtimes/classic")
install_stand_ins()

from .. import sheet


class Classic:
    """Calls a betaxl UDF the way Excel's VBA wrapper does, through xlwings' call_udf."""

    name = "classic"

    def __call__(self, func: str, *args: Any) -> Any:
        import xlwings.udfs

        return sheet.read_message(func, self.cell(func, *args))

    def cell(self, func: str, *args: Any) -> Any:
        """The value the VBA wrapper puts in the cell: what ``call_udf`` returns."""
        import xlwings.udfs

        return xlwings.udfs.call_udf("betaxl.udfs", func,
                                     tuple(sheet.classic_arg(a) for a in args))

    def raw(self, func: str, *args: Any) -> Any:
        import xlwings.udfs

        return xlwings.udfs.call_udf("betaxl.udfs", func, tuple(args))


@pytest.fixture(scope="session")
def xl() -> Classic:
    return Classic()
