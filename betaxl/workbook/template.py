"""Build ``workbook_template.xlsm``: the seeds' examples, every function, native checks.

    betaxl template -o workbook_template.xlsm

The VBA project is xlwings' own (``quickstart_standalone.xlsm`` of the installed
xlwings, which must be the version the template pins), with nothing added.  The
Recalculate button is bound to xlwings' ``RunPython`` with betaxl's own entry point
(:data:`RECALCULATE_MACRO`), so it works whatever the file is called; Import Functions
runs xlwings' ``ImportPythonUDFs``.  Nothing runs on open.  With a fixed creation date,
two builds are byte-identical.

Sheets: ``Inputs`` (named blocks), ``Returns`` (native formulas), ``Functions`` (each
betaxl function in a cell formula with the native Excel formula that checks it beside
it, and the scatter chart), ``Output`` (a dynamic-array formula per table, sized to its
result) and ``xlwings.conf``.  Every formula the builder writes parses (a test runs the
engine over all of them); the Functions sheet's betaxl cells' cached values are 0 until
recalculated, the Output tables' the core's values on the demo data (10 significant
digits, for the charts' caches: see :mod:`betaxl.workbook.template_charts`).
"""


from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pandas as pd
import xlsxwriter.exceptions

from .template_sheets import Check, build_workbook, vba_project

__all__ = ["CHECKS", "Check", "build_template", "vba_project"]

#: Filled by :func:`build_template`: every native check cell of the last build.
CHECKS: list[Check] = []


def build_template(path: str | Path, *, cached: bool = True,
                   larger: tuple[pd.DataFrame, pd.Series] | None = None) -> list[Check]:
    """Write the template to ``path``; return its native check cells.

    The workbook is built in memory and written through :func:`betaxl.safeio.atomic_file`
    (complete or not at all; an existing file keeps its mode and owner); an XlsxWriter
    error is one line (:class:`betaxl.safeio.FileError`).
    ``cached=False`` stores 0 as every check formula's last value (Excel's own habit
    for unopened files), so that a test can tell a real recalculation from a copy.
    ``larger`` replaces the larger example's (prices, market index), for benchmarks;
    its weights are then equal.
    """
    from ..safeio import FileError, atomic_file

    target = Path(path)
    try:
        data, checks = build_workbook(cached, larger)
    except xlsxwriter.exceptions.XlsxWriterException as exc:
        raise FileError(f"{target.name}: cannot build the workbook "
                        f"({type(exc).__name__}: {exc}); nothing was written",
                        func="template", arg=os.fspath(target)) from None
    with atomic_file(target) as handle:
        handle.write(_as_built_on_disk(data))
    CHECKS[:] = checks
    return list(checks)


def _as_built_on_disk(data: bytes) -> bytes:
    """``data`` with the zip entry stamps XlsxWriter gives when it builds through files.

    In memory it dates every part 1980-01-01 and gives no file mode; through its own
    temporary files, 1980-01-31 and a 0600 regular file.  Restamped, a build is byte for
    byte the committed template's (the contents are recompressed the same way).
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            stamped = zipfile.ZipInfo(info.filename, (1980, 1, 31, 0, 0, 0))
            stamped.compress_type = info.compress_type
            stamped.external_attr = (0o100000 | 0o600) << 16
            dest.writestr(stamped, source.read(info))
    return out.getvalue()
