"""The Python behind workbook_template.xlsm's "Recalculate" button (classic xlwings).

The template's ``SampleCall`` macro (xlwings' own) runs
``import workbook_template; workbook_template.main()`` through ``RunPython`` with the
workbook's folder on the Python path, so this file must sit beside the workbook.
"""

from betaxl.workbook import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover - run from Excel, not from a shell
    main()
