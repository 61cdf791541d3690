"""``main()`` for workbooks whose Recalculate button runs xlwings' ``SampleCall``.

``SampleCall`` (xlwings' own VBA) runs ``import <workbook name>; <workbook name>.main()``
with the workbook's folder on the Python path, so it needs a Python file named after
the workbook.  The template's button no longer needs one: it runs
``RunPython "import betaxl.workbook; betaxl.workbook.main()"`` directly.  This file is
kept for copies of the template bound the older way.
"""

from betaxl.workbook import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover - run from Excel, not from a shell
    main()
