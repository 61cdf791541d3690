"""Workbook files: safe package reading and atomic writing, recalculation, the template.

Above the Excel functions (:mod:`betaxl.udfs`) and the calculation core, below the
command line.  ``from betaxl.workbook import main`` is what ``workbook_template.py``
(the classic Recalculate button) calls; xlwings Lite imports
:func:`recalculate_workbook`.
"""

from .recalc import *  # noqa: F403
from .recalc import __all__

__all__ = list(__all__)
