"""The Excel functions and everything that reads or shapes cells (both xlwings runtimes).

Imports only the calculation core; workbooks name :mod:`betaxl.udfs`, which re-exports
the functions of :mod:`.functions`.
"""
