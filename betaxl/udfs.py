"""The module a workbook's ``xlwings.conf`` names as "UDF Modules": betaxl's Excel functions.

The functions live in :mod:`betaxl.excel.functions`; this name is kept because every
workbook built so far (and every Lite ``main.py``) imports ``betaxl.udfs``.
"""

from .excel.functions import *  # noqa: F403  (the registered functions, by name)
from .excel.functions import __all__ as __all__  # the same names, the same order
