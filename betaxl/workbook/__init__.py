"""Workbook files: safe package reading and atomic writing, recalculation, the template.

Above the Excel functions (:mod:`betaxl.udfs`) and the calculation core, below the
command line.  :func:`recalculate_file` is ``betaxl recalc`` (the formula engine in its
parts: :mod:`.sheetxml` and :mod:`.book` read, :mod:`.cells` the cell model, :mod:`.formula`
the language, :mod:`.values` the value model, :mod:`.natives` the functions,
:mod:`.evaluation`, :mod:`.engine` order and spills, :mod:`.writing`);
``import betaxl.workbook; betaxl.workbook.main()`` is what the template's Recalculate
button runs through xlwings' ``RunPython``.
"""

from .recalc import *  # noqa: F403
from .recalc import __all__

__all__ = list(__all__)
