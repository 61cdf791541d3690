"""The parts ``betaxl recalc`` rewrites are deflated by ISA-L when it is installed (the
workbook extra), else by zlib: either way a zip any reader inflates, CRCs right, every
other part copied byte for byte, and the same cells."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

import betaxl.workbook.package as package
from betaxl.workbook.package import deflated
from betaxl.workbook.recalc import recalculate_file


def _book(path: Path, rows: int = 3000) -> Path:
    book = openpyxl.Workbook()
    data = book.active
    data.title = "Data"
    for i in range(1, rows + 1):
        data.append([i, i * 0.001, -i / 7, f"text {i}"])
    data["F1"] = "=SUM(A1:A10)"  # a formula whose saved value (none) must be rewritten
    book.create_sheet("Other")["A1"] = "=Data!B2*2"
    book.save(path)
    return path


@pytest.mark.parametrize("engine", ["isal", "zlib"])
def test_rewritten_parts_inflate_and_the_rest_is_copied(engine: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    if engine == "zlib":
        monkeypatch.setattr(package, "isal_zlib", None)
    else:
        assert package.isal_zlib is not None, "isal is in the workbook and test extras"
    source = _book(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    recalculate_file(source, out)
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(out) as after:
        assert after.testzip() is None  # every member's CRC checks
        assert [i.filename for i in after.infolist()] == \
            [i.filename for i in before.infolist()]
        rewritten = 0
        for info in after.infolist():
            old = before.getinfo(info.filename)
            if after.read(info.filename) == before.read(info.filename):
                assert (info.CRC, info.compress_size) == (old.CRC, old.compress_size)
            else:
                rewritten += 1
                assert info.compress_type == zipfile.ZIP_DEFLATED
        assert rewritten >= 1
    values = openpyxl.load_workbook(out, data_only=True)
    assert values["Data"]["F1"].value == 55
    assert values["Other"]["A1"].value == pytest.approx(0.004)
    assert values["Data"]["D3000"].value == "text 3000"


@pytest.mark.parametrize("engine", ["isal", "zlib"])
@pytest.mark.parametrize("size", [0, 1, 1000, (8 << 20) + 1])
def test_deflated_is_a_raw_stream_with_its_crc(engine: str, size: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    if engine == "zlib":
        monkeypatch.setattr(package, "isal_zlib", None)
    part = (b'<row r="1"><c r="A1"><v>0.0123</v></c></row>' * (size // 44 + 1))[:size]
    body, crc = deflated(part)
    assert zlib.decompress(body, -15) == part
    assert crc == zlib.crc32(part)
