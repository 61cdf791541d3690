"""Workbook files from strangers: exit 2 with one line (or a correct result), the input
unchanged, nothing partial or temporary left behind, memory bounded."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest

from betaxl.cli import main as cli
from betaxl.workbook.recalc import INPUT_NAMES, OUTPUT_SHEET
from betaxl.workbook.package import MAX_PART_BYTES

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_template.xlsm"


def run_recalc(capsys, source: Path, *extra: str) -> tuple[int, str]:
    before = source.read_bytes() if source.is_file() else None
    code = cli(["recalc", str(source), *extra])
    err = capsys.readouterr().err
    if before is not None:
        assert source.read_bytes() == before, "the input file changed"
    leftovers = [p.name for p in source.parent.iterdir() if "betaxl-tmp" in p.name]
    assert leftovers == []
    return code, err


def peak_recalc(source: Path, target: Path) -> tuple[int, str, float]:
    """Run betaxl recalc in a fresh process: exit code, stderr, peak memory in MB.

    The peak is the child's own VmHWM (ru_maxrss would carry the parent's over exec).
    """
    script = textwrap.dedent(f"""
        import sys
        from betaxl.cli import main
        code = main(["recalc", {str(source)!r}, "-o", {str(target)!r}])
        status = open("/proc/self/status").read()
        peak = [line for line in status.splitlines() if line.startswith("VmHWM")][0]
        print(int(peak.split()[1]) / 1024)
        sys.exit(code)
    """)
    run = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True,
                         text=True, timeout=600)
    return run.returncode, run.stderr, float(run.stdout.strip().splitlines()[-1])


def one_line(err: str, *fragments: str) -> None:
    assert err.startswith("betaxl recalc: ") and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err, err


def rebuild(source: Path, target: Path, replace: dict[str, bytes],
            add: dict[str, bytes] | None = None) -> None:
    """Copy a workbook package, replacing or adding parts."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in (add or {}).items():
            out.writestr(name, data)


def test_not_a_zip_and_zip_not_a_workbook(tmp_path: Path, capsys) -> None:
    junk = tmp_path / "junk.xlsm"
    junk.write_bytes(b"MZ\x90\x00 this is not a workbook")
    code, err = run_recalc(capsys, junk)
    assert code == 2
    one_line(err, "is not a workbook")
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    code, err = run_recalc(capsys, other)
    assert code == 2
    one_line(err, "not an Excel workbook")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.xlsm", "other.xlsx"]


def test_decompression_bomb_is_refused_before_inflating(tmp_path: Path, capsys) -> None:
    bomb = tmp_path / "bomb.xlsm"
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(bomb, "w",
                                                           zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                # 1 GiB of blanks inflating from about 1 MB
                with out.open(info.filename, "w", force_zip64=True) as part:
                    block = b" " * (1 << 20)
                    for _ in range(1024):
                        part.write(block)
            else:
                out.writestr(info, src.read(info.filename))
    assert bomb.stat().st_size < 5 << 20
    code, err = run_recalc(capsys, bomb)
    assert code == 2
    one_line(err, "xl/worksheets/sheet1.xml", f"the limit is {MAX_PART_BYTES:,}")
    code, err, peak = peak_recalc(bomb, tmp_path / "out.xlsm")
    assert code == 2 and peak < 200, f"peak {peak:.0f} MB"


def test_a_part_lying_about_its_size_cannot_inflate_beyond_it(tmp_path: Path) -> None:
    # zipfile stops at the declared size (and fails the CRC): declared sizes bound memory
    liar = tmp_path / "liar.zip"
    with zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x", b"a" * 1000)
    data = bytearray(liar.read_bytes())
    for marker in (b"PK\x03\x04", b"PK\x01\x02"):  # shrink the declared size to 10 bytes
        at = data.find(marker)
        offset = at + (22 if marker == b"PK\x03\x04" else 24)
        data[offset:offset + 4] = (10).to_bytes(4, "little")
    liar.write_bytes(bytes(data))
    with zipfile.ZipFile(liar) as z, pytest.raises(zipfile.BadZipFile):
        z.read("x")


def test_xml_entity_expansion_is_refused(tmp_path: Path, capsys) -> None:
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                      .encode() for i in range(1, 10))
           + b']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b"&lol9;</workbook>")
    evil = tmp_path / "lol.xlsm"
    rebuild(TEMPLATE, evil, {"xl/workbook.xml": lol})
    code, err = run_recalc(capsys, evil, "-o", str(tmp_path / "out.xlsm"))
    assert code == 2
    one_line(err, "cannot be read as a workbook")
    assert not (tmp_path / "out.xlsm").exists()


def test_missing_names_and_names_on_text_or_errors(tmp_path: Path, capsys) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Inputs"
    out = book.create_sheet(OUTPUT_SHEET)
    for i, name in enumerate(INPUT_NAMES):
        book.defined_names[name] = openpyxl.workbook.defined_name.DefinedName(
            name, attr_text=f"Inputs!$A${i + 1}:$B${i + 1}")
    book.active["A1"], book.active["B1"] = "text", "#N/A"
    out["A1"], out["A2"] = "=RETURNS(bond_prices)", "=RETURNS(no_such_name)"
    path = tmp_path / "words.xlsx"
    book.save(path)
    code = cli(["recalc", str(path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err  # the values Excel would show: errors, reported
    assert "Output!A1: RETURNS: prices" in captured.out
    values = openpyxl.load_workbook(tmp_path / "words_recalculated.xlsx",
                                    data_only=True)[OUTPUT_SHEET]
    assert (values["A1"].value, values["A2"].value) == ("#VALUE!", "#VALUE!")
    assert "Output!A2: no_such_name is not a defined name" in captured.out


def test_a_name_over_a_million_rows(tmp_path: Path, capsys) -> None:
    # a name over whole columns (1,048,576 rows) of a sheet holding a few values: the
    # rows past the sheet's last used row are not materialised
    path = tmp_path / "tall.xlsm"
    shutil.copy(TEMPLATE, path)
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml")
    workbook = re.sub(rb"(<definedName name=\"multi_prices\">)[^<]*",
                      rb"\1Inputs!$K$4:$O$1048576", workbook)
    rebuild(TEMPLATE, path, {"xl/workbook.xml": workbook})
    code, err = run_recalc(capsys, path)
    assert code == 0, err
    code, err, peak = peak_recalc(path, tmp_path / "out.xlsm")
    assert code == 0 and peak < 1500, f"peak {peak:.0f} MB"
    print(f"peak memory with a 1,048,576-row name: {peak:.0f} MB")


def test_external_links_are_not_followed(tmp_path: Path, capsys) -> None:
    link = (b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><externalBook xmlns:r="http://'
            b'schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
            b"</externalLink>")
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'externalLinkPath" Target="http://example.invalid/secret.xlsx" TargetMode='
            b'"External"/></Relationships>')
    path = tmp_path / "linked.xlsm"
    rebuild(TEMPLATE, path, {}, {"xl/externalLinks/externalLink1.xml": link,
                                 "xl/externalLinks/_rels/externalLink1.xml.rels": rels})
    code, err = run_recalc(capsys, path, "-o", str(tmp_path / "out.xlsm"))
    assert code == 0, err
    value = openpyxl.load_workbook(tmp_path / "out.xlsm", read_only=True)[OUTPUT_SHEET]
    assert any(row[0] == "portfolio_beta" for row in value.iter_rows(values_only=True))


def test_macros_are_never_run(tmp_path: Path, monkeypatch, capsys) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("recalc tried to start a process")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(os, "system", refuse)
    path = tmp_path / "macros.xlsm"
    shutil.copy(TEMPLATE, path)
    code, _ = run_recalc(capsys, path)
    assert code == 0


def test_unwritable_output_and_output_equal_to_input(tmp_path: Path, capsys) -> None:
    path = tmp_path / "book.xlsm"
    shutil.copy(TEMPLATE, path)
    code, err = run_recalc(capsys, path, "-o", "/proc/betaxl/out.xlsm")
    assert code == 2
    one_line(err, "out.xlsm: cannot write")
    code, err = run_recalc(capsys, path, "-o", str(tmp_path / "missing" / "out.xlsm"))
    assert code == 2
    one_line(err, "folder", "does not exist")
    code, err = run_recalc(capsys, path, "-o", str(path))
    assert code == 2
    one_line(err, "that is the input file; pass --in-place")
    code, err = run_recalc(capsys, path, "-o", str(tmp_path / "out.csv"))
    assert code == 2
    one_line(err, "must end in .xlsx or .xlsm")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]


def test_killed_mid_write_leaves_nothing(tmp_path: Path) -> None:
    source = tmp_path / "book.xlsm"
    shutil.copy(TEMPLATE, source)
    script = textwrap.dedent(f"""
        import sys, time
        from betaxl.workbook import package
        real = package.deflated
        count = [0]
        def slow(part):  # the second part rewritten (unchanged ones are copied raw)
            count[0] += 1
            if count[0] == 2:
                print("WRITING", flush=True)
                time.sleep(60)
            return real(part)
        package.deflated = slow
        from betaxl.cli import main
        sys.exit(main(["recalc", {str(source)!r}, "-o", {str(tmp_path / "out.xlsm")!r}]))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "WRITING"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]
    assert source.read_bytes() == TEMPLATE.read_bytes()


def test_recalc_memory_on_the_template_is_small(tmp_path: Path) -> None:
    code, err, peak = peak_recalc(TEMPLATE, tmp_path / "o.xlsm")
    assert code == 0, err
    assert peak < 250, f"peak {peak:.0f} MB"
