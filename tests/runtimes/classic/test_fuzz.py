"""Random Excel-shaped calls through this runtime's dispatcher (tests/runtimes/fuzz.py)."""

from ..fuzz import test_random_excel_input_gives_a_result_or_betaxls_own_error  # noqa: F401
