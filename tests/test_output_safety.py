"""Outputs of every command: never over an input, never half-written, permissions kept.

Each class of the ways users (and file systems) break writes: the same file by another
path (symlink, hard link, ``..``, bind mount), outputs that are not files (FIFO,
``/dev/null``, a folder, a socket), in-place rewrites (mode, owner, symlink), several
files at once (all or none) and a full disk / file-size limit / out of memory.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from betaxl import safeio
from betaxl.cli import main as cli
from betaxl.safeio import (
    FileError,
    atomic,
    atomic_file,
    atomic_files,
    attributes,
    check_output,
    identity,
    names,
    same_file,
    tmpfile,
)
from betaxl.workbook import package

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_template.xlsm"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli(list(argv))
    return code, capsys.readouterr().err


def one_line(err: str, command: str, *fragments: str) -> None:
    assert err.startswith(f"betaxl {command}: ") and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err, err


def no_temporaries(folder: Path) -> None:
    left = [p.name for p in folder.iterdir() if ".betaxl-" in p.name]
    assert left == [], left


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.xlsm"
    shutil.copy(TEMPLATE, path)
    return path


@pytest.fixture
def prices_csv(tmp_path: Path) -> Path:
    """A CSV as pandas writes it by default: the index as an unnamed first column."""
    rng = np.random.default_rng(3)
    dates = pd.date_range("2020-01-31", periods=36, freq="ME")
    market = rng.normal(0.01, 0.04, 36)
    frame = pd.DataFrame({"mkt": market, "a": 0.8 * market + rng.normal(0, 0.02, 36),
                          "b": 1.3 * market + rng.normal(0, 0.03, 36)}, index=dates)
    path = tmp_path / "returns.csv"
    frame.to_csv(path)
    return path


# -- same_file: identity, not path strings -------------------------------------------------

def test_same_file_sees_through_links_and_dots(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.txt").symlink_to(a)
    os.link(a, tmp_path / "hard.txt")
    other = tmp_path / "other.txt"
    other.write_text("x")
    assert same_file(a, tmp_path / "link.txt")
    assert same_file(a, tmp_path / "hard.txt")
    assert same_file(a, tmp_path / "sub" / ".." / "a.txt")
    assert same_file(str(a), os.path.relpath(a))
    assert not same_file(a, other)  # same content, another file
    # not yet existing: the same name in the same folder, however spelt
    assert same_file(tmp_path / "new.csv", tmp_path / "sub" / ".." / "new.csv")
    assert not same_file(tmp_path / "new.csv", tmp_path / "sub" / "new.csv")
    assert not same_file(a, tmp_path / "new.csv")


def in_bind_mount(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with ``tmp_path/mnt`` a bind mount of ``tmp_path/real``.

    The mount lives in a private mount namespace (``unshare``), so nothing leaks to the
    machine; as a normal user it needs user namespaces (``unshare -r``).
    """
    (tmp_path / "real").mkdir(exist_ok=True)
    (tmp_path / "mnt").mkdir(exist_ok=True)
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1): cannot make a private bind mount here")
    flags = ["-m"] if os.geteuid() == 0 else ["-r", "-m"]
    probe = subprocess.run([unshare, *flags, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("mount namespaces are not permitted here: no bind mount possible")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [unshare, *flags, "sh", "-c", 'mount --bind "$1" "$2" && exec "$3" -c "$4"', "sh",
         str(tmp_path / "real"), str(tmp_path / "mnt"), sys.executable, script],
        capture_output=True, text=True, env=env, timeout=300)


def test_bind_mount_of_the_input_is_the_input(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    shutil.copy(TEMPLATE, tmp_path / "real" / "book.xlsm")
    real, mounted = tmp_path / "real" / "book.xlsm", tmp_path / "mnt" / "book.xlsm"
    done = in_bind_mount(tmp_path, textwrap.dedent(f"""
        import sys
        from betaxl.safeio import same_file
        from betaxl.cli import main
        assert same_file({str(real)!r}, {str(mounted)!r})
        sys.exit(main(["recalc", {str(real)!r}, "-o", {str(mounted)!r}]))
    """))
    assert done.returncode == 2, done.stderr
    one_line(done.stderr, "recalc", "that is the input file")
    assert real.read_bytes() == TEMPLATE.read_bytes()


def test_overlay_view_of_the_input_is_the_input(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("an overlay mount needs root and unshare(1)")
    for name in ("lower", "upper", "work", "merged"):
        (tmp_path / name).mkdir()
    shutil.copy(TEMPLATE, tmp_path / "lower" / "book.xlsm")
    lower, merged = tmp_path / "lower" / "book.xlsm", tmp_path / "merged" / "book.xlsm"
    copy = tmp_path / "copy.xlsm"
    shutil.copy2(lower, copy)  # a real copy: same size and mtime, another inode
    script = textwrap.dedent(f"""
        import os, sys
        from betaxl.safeio import same_file
        from betaxl.cli import main
        a, b = os.stat({str(lower)!r}), os.stat({str(merged)!r})
        assert a.st_dev != b.st_dev and a.st_ino == b.st_ino, (a, b)
        assert same_file({str(lower)!r}, {str(merged)!r})
        assert not same_file({str(copy)!r}, {str(merged)!r})
        sys.exit(main(["recalc", {str(merged)!r}, "-o", {str(lower)!r}]))
    """)
    opts = ",".join(f"{key}dir={tmp_path / name}" for key, name in
                    (("lower", "lower"), ("upper", "upper"), ("work", "work")))
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c",
         'mount -t overlay overlay -o "$1" "$2" || exit 77; exec "$3" -c "$4"', "sh", opts,
         str(tmp_path / "merged"), sys.executable, script],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode == 77:
        pytest.skip(f"no overlay mount here: {done.stderr.strip()}")
    assert done.returncode == 2, done.stderr
    one_line(done.stderr, "recalc", "that is the input file")
    assert lower.read_bytes() == TEMPLATE.read_bytes()


def test_copies_on_other_devices_are_not_the_same_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(b"one")
    b.write_bytes(b"two")
    sa = os.stat(a)
    fake = os.stat_result((sa.st_mode, sa.st_ino, sa.st_dev + 1, *tuple(sa)[3:]),
                          {"st_mtime_ns": sa.st_mtime_ns})
    # the same inode, size and mtime on another device, different bytes: two files
    assert not identity._same_across_devices(a, sa, b, fake)
    b.write_bytes(b"one")
    assert identity._same_across_devices(a, sa, b, fake)


# -- the output is the input, by another path ----------------------------------------------

def test_recalc_refuses_its_input_by_every_other_path(book: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.xlsm").symlink_to(book)
    os.link(book, tmp_path / "hard.xlsm")
    for other in (book, tmp_path / "link.xlsm", tmp_path / "hard.xlsm",
                  tmp_path / "sub" / ".." / "book.xlsm"):
        code, err = run(capsys, "recalc", str(book), "-o", str(other))
        assert code == 2, other
        one_line(err, "recalc", "that is the input file", "--in-place")
        # and the other way round: the link as input, the real name as output
        code, err = run(capsys, "recalc", str(other), "-o", str(book))
        assert code == 2, other
    assert book.read_bytes() == TEMPLATE.read_bytes()
    no_temporaries(tmp_path)


def test_betas_refuses_its_input_as_output(prices_csv: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    before = prices_csv.read_bytes()
    (tmp_path / "link.csv").symlink_to(prices_csv)
    os.link(prices_csv, tmp_path / "hard.csv")
    for other in (prices_csv, tmp_path / "link.csv", tmp_path / "hard.csv",
                  tmp_path / "." / "returns.csv"):
        code, err = run(capsys, "betas", str(prices_csv), "--market", "mkt", "-o", str(other))
        assert code == 2, other
        one_line(err, "betas", "that is the input file")
    # the rolling file's name is derived: it must not be the input either
    rolling_name = tmp_path / "x_rolling_12.csv"
    shutil.copy(prices_csv, rolling_name)
    code, err = run(capsys, "betas", str(rolling_name), "--market", "mkt", "--window", "12",
                    "-o", str(tmp_path / "x.csv"))
    assert code == 2
    one_line(err, "betas", "that is the input file")
    assert not (tmp_path / "x.csv").exists(), "all or none: the first file was written"
    assert prices_csv.read_bytes() == before
    no_temporaries(tmp_path)


# -- outputs that are not regular files ----------------------------------------------------

def test_outputs_that_are_not_files_are_refused_without_opening_them(
        book: Path, prices_csv: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe.xlsm"
    os.mkfifo(fifo)  # opening it for writing would block forever: it must not be opened
    folder = tmp_path / "folder.xlsm"
    folder.mkdir()
    sock_path = tmp_path / "sock.xlsm"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    null = tmp_path / "null.xlsm"
    null.symlink_to("/dev/null")  # a symlink to /dev/null is /dev/null
    try:
        cases = {fifo: "FIFO", folder: "folder", sock_path: "socket",
                 null: "character device"}
        for target, kind in cases.items():
            code, err = run(capsys, "recalc", str(book), "-o", str(target))
            assert code == 2, target
            one_line(err, "recalc", kind, "not a file")
        for target, kind in {**cases, Path("/dev/null"): "character device"}.items():
            code, err = run(capsys, "betas", str(prices_csv), "--market", "mkt", "-o",
                            str(target))
            assert code == 2, target
            one_line(err, "betas", kind, "not a file")
        assert stat.S_ISFIFO(fifo.stat().st_mode) and folder.is_dir() and null.is_symlink()
    finally:
        server.close()
    no_temporaries(tmp_path)


def test_read_only_target_and_missing_folder(book: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked.xlsm"
    locked.write_bytes(b"keep me")
    locked.chmod(0o444)
    code, err = run(capsys, "recalc", str(book), "-o", str(locked))
    one_line(err, "recalc", "locked.xlsm: is read-only")
    assert locked.read_bytes() == b"keep me"
    code, err = run(capsys, "recalc", str(book), "-o", str(tmp_path / "no" / "out.xlsm"))
    one_line(err, "recalc", "folder", "does not exist")


# -- in place: the file stays the file it was ---------------------------------------------

@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_in_place_keeps_mode(book: Path, tmp_path: Path, mode: int,
                             capsys: pytest.CaptureFixture[str]) -> None:
    book.chmod(mode)
    code, err = run(capsys, "recalc", str(book), "--in-place")
    assert code == 0, err
    assert stat.S_IMODE(book.stat().st_mode) == mode
    assert book.read_bytes() != TEMPLATE.read_bytes()
    with zipfile.ZipFile(book) as z:
        assert z.testzip() is None
    no_temporaries(tmp_path)


def test_in_place_keeps_owner_and_group(book: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        uid, gid = 12345, 23456  # as root: any owner, which only fchown can keep
    else:
        uid, gid = os.getuid(), os.getgroups()[-1] if os.getgroups() else os.getgid()
    os.chown(book, uid, gid)
    book.chmod(0o640)
    code, err = run(capsys, "recalc", str(book), "--in-place")
    assert code == 0, err
    info = book.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (uid, gid, 0o640)


def test_in_place_through_a_symlink_updates_the_target(book: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    (tmp_path / "links").mkdir()
    link = tmp_path / "links" / "book.xlsm"
    link.symlink_to(os.path.relpath(book, link.parent))
    book.chmod(0o600)
    code, err = run(capsys, "recalc", str(link), "--in-place")
    assert code == 0, err
    assert link.is_symlink() and same_file(link, book)
    assert book.read_bytes() != TEMPLATE.read_bytes()
    assert stat.S_IMODE(book.stat().st_mode) == 0o600
    no_temporaries(tmp_path)
    no_temporaries(tmp_path / "links")


def test_in_place_breaks_a_hard_link_as_documented(book: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]
                                                   ) -> None:
    other = tmp_path / "other_name.xlsm"
    os.link(book, other)
    code, err = run(capsys, "recalc", str(book), "--in-place")
    assert code == 0, err
    assert other.read_bytes() == TEMPLATE.read_bytes()  # the old content, by design
    assert not same_file(book, other)


def test_in_place_and_output_together_is_an_error(book: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli(["recalc", str(book), "--in-place", "-o", str(tmp_path / "out.xlsm")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "not allowed with argument" in err.splitlines()[-1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]


def test_check_output_in_place_must_be_the_input(book: Path, tmp_path: Path) -> None:
    with pytest.raises(FileError, match="in place means replacing the input itself"):
        check_output(tmp_path / "elsewhere.xlsm", inputs=[book], in_place=True)
    link = tmp_path / "link.xlsm"
    link.symlink_to(book)
    assert check_output(link, inputs=[book], in_place=True) == book.resolve()


# -- permissions of new and replaced files -------------------------------------------------

@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077, 0o002])
def test_new_file_mode_follows_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        assert safeio.new_file_mode() == 0o666 & ~umask
        with atomic_file(tmp_path / "new.csv") as handle:
            handle.write(b"1\n")
        with open(tmp_path / "plain.csv", "w") as plain:  # what open() gives
            plain.write("1\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == \
        stat.S_IMODE((tmp_path / "plain.csv").stat().st_mode) == 0o666 & ~umask


def test_replaced_file_keeps_its_mode_and_like_copies_one(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    target.chmod(0o600)
    with atomic_file(target) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o600
    model = tmp_path / "model"
    model.write_bytes(b"")
    model.chmod(0o640)
    with atomic_file(tmp_path / "fresh.csv", like=model) as handle:
        handle.write(b"x")
    assert stat.S_IMODE((tmp_path / "fresh.csv").stat().st_mode) == 0o640


# -- several files: all or none -----------------------------------------------------------

def test_atomic_files_failure_while_writing_leaves_everything(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(b"old a")
    with pytest.raises(RuntimeError):
        with atomic_files([a, b]) as (fa, fb):
            fa.write(b"new a")
            raise RuntimeError("the second table failed")
    assert a.read_bytes() == b"old a" and not b.exists()
    no_temporaries(tmp_path)


def test_atomic_files_second_rename_failing_restores_the_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")
    real = os.replace
    calls = []

    def fail_second(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", fail_second)
    with pytest.raises(FileError, match="b.csv: cannot write: the disk is full"):
        with atomic_files([a, b, c]) as handles:
            for h, text in zip(handles, (b"new a", b"new b", b"new c")):
                h.write(text)
    monkeypatch.undo()
    assert a.read_bytes() == b"old a" and b.read_bytes() == b"old b" and not c.exists()
    no_temporaries(tmp_path)


def test_atomic_files_refuses_one_file_named_twice(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    with pytest.raises(FileError, match="named twice"):
        with atomic_files([tmp_path / "t.csv", tmp_path / "sub" / ".." / "t.csv"]):
            pass
    (tmp_path / "t.csv").write_bytes(b"")
    (tmp_path / "alias.csv").symlink_to(tmp_path / "t.csv")
    with pytest.raises(FileError, match="named twice"):
        with atomic_files([tmp_path / "t.csv", tmp_path / "alias.csv"]):
            pass
    assert not list((tmp_path / "sub").iterdir())


def test_betas_second_file_failing_writes_neither(prices_csv: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # the rolling file's name is taken by a folder: the table must not appear alone
    (tmp_path / "out_rolling_12.csv").mkdir()
    code, err = run(capsys, "betas", str(prices_csv), "--market", "mkt", "--window", "12",
                    "-o", str(tmp_path / "out.csv"))
    assert code == 2
    one_line(err, "betas", "out_rolling_12.csv: is a folder")
    assert not (tmp_path / "out.csv").exists()
    code, err = run(capsys, "betas", str(prices_csv), "--market", "mkt", "--window", "12",
                    "-o", str(tmp_path / "ok.csv"))
    assert code == 0, err
    assert (tmp_path / "ok.csv").exists() and (tmp_path / "ok_rolling_12.csv").exists()


# -- out of disk, over the size limit, out of memory ---------------------------------------

def test_full_disk_small_tmpfs(book: Path, tmp_path: Path) -> None:
    """A tmpfs (private mount namespace) with room for the input and 8 KiB more: ENOSPC on
    writing."""
    (tmp_path / "real").mkdir()
    shutil.copy(TEMPLATE, tmp_path / "real" / "book.xlsm")
    size_k = -(-(TEMPLATE.stat().st_size + 8192) // 4096) * 4  # whole pages, in KiB
    mnt = tmp_path / "mnt"
    script = textwrap.dedent(f"""
        import os, shutil, subprocess, sys
        mnt = {str(mnt)!r}
        subprocess.run(["umount", mnt], check=True)  # replace the bind by a tiny tmpfs
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size={size_k}k", "tmpfs", mnt],
                       check=True)
        shutil.copy({str(tmp_path / "real" / "book.xlsm")!r}, mnt + "/book.xlsm")
        before = open(mnt + "/book.xlsm", "rb").read()
        from betaxl.cli import main
        code = main(["recalc", mnt + "/book.xlsm", "-o", mnt + "/out.xlsm"])
        code2 = main(["recalc", mnt + "/book.xlsm", "--in-place"])
        assert open(mnt + "/book.xlsm", "rb").read() == before, "input changed"
        print(sorted(os.listdir(mnt)), code, code2)
    """)
    done = in_bind_mount(tmp_path, script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "['book.xlsm'] 2 2", done.stdout
    lines = done.stderr.splitlines()
    assert lines == ["betaxl recalc: out.xlsm: cannot write: the disk is full; nothing was "
                     "written", "betaxl recalc: book.xlsm: cannot write: the disk is full; "
                     "nothing was written"], done.stderr


def test_file_size_limit(book: Path, prices_csv: Path, tmp_path: Path) -> None:
    """RLIMIT_FSIZE in a subprocess: EFBIG (SIGXFSZ ignored), one line, nothing left."""
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
        from betaxl.cli import main
        sys.exit(main(["recalc", {str(book)!r}, "-o", {str(tmp_path / "out.xlsm")!r}]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 2, done.stderr
    one_line(done.stderr, "recalc", "out.xlsm: cannot write: the file size limit is exceeded")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm", "returns.csv"]


def test_out_of_memory_while_writing(book: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    real = package.deflated
    count = [0]

    def starved(part: bytes) -> tuple[bytes, int]:
        count[0] += 1
        if count[0] == 2:  # recalc rewrites only the changed parts (others copied raw)
            raise MemoryError
        return real(part)

    monkeypatch.setattr(package, "deflated", starved)
    code, err = run(capsys, "recalc", str(book), "--in-place")
    assert code == 2
    one_line(err, "recalc", "book.xlsm: out of memory while writing; nothing was written")
    assert book.read_bytes() == TEMPLATE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]


def test_an_output_symlink_is_written_through(prices_csv: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "kept" / "betas.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "betas_link.csv"
    link.symlink_to(real)
    code, err = run(capsys, "betas", str(prices_csv), "--market", "mkt", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and real.read_text().startswith("asset,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    # a dangling link into a missing folder is a missing folder
    (tmp_path / "dangling.csv").symlink_to(tmp_path / "gone" / "x.csv")
    code, err = run(capsys, "betas", str(prices_csv), "--market", "mkt", "-o",
                    str(tmp_path / "dangling.csv"))
    one_line(err, "betas", "x.csv: cannot write: folder", "does not exist")
    no_temporaries(tmp_path)
    no_temporaries(real.parent)


# -- file systems without O_TMPFILE or linkat: the named-temporary paths ------------------

def test_without_o_tmpfile_a_named_temporary_is_used_and_cleaned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(atomic.os, "O_TMPFILE", raising=False)
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with pytest.raises(RuntimeError):
        with atomic_file(target) as handle:
            handle.write(b"half")
            assert [p.name for p in tmp_path.iterdir() if ".betaxl-" in p.name]  # named
            raise RuntimeError("failed mid-write")
    assert target.read_bytes() == b"old"
    no_temporaries(tmp_path)
    with atomic_file(target) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    no_temporaries(tmp_path)


def test_without_linkat_the_anonymous_file_is_copied_to_a_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "O_TMPFILE"):
        pytest.skip("no O_TMPFILE on this system: the named path is tested above")
    real_link = os.link

    def no_proc_link(src: str, dst: str, **kwargs: object) -> None:
        if str(src).startswith("/proc/self/fd/"):
            raise PermissionError(1, "Operation not permitted")
        real_link(src, dst, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tmpfile, "_libc", lambda: None)
    monkeypatch.setattr(tmpfile.os, "link", no_proc_link)
    old = os.umask(0o027)
    try:
        with atomic_file(tmp_path / "copied.csv") as handle:
            handle.write(b"x" * 3_000_000)
    finally:
        os.umask(old)
    out = tmp_path / "copied.csv"
    assert out.read_bytes() == b"x" * 3_000_000
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    no_temporaries(tmp_path)


def test_names_differing_only_in_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # this file system tells case apart: two new files
    assert not identity._ignores_case(tmp_path)
    assert not same_file(tmp_path / "Out.csv", tmp_path / "out.csv")
    no_temporaries(tmp_path)
    assert [p for p in tmp_path.iterdir()] == []  # the probe left nothing
    # existing files are compared by inode, which a case-insensitive system shares
    (tmp_path / "R.csv").write_text("x")
    os.link(tmp_path / "R.csv", tmp_path / "r.csv")  # what 'r.csv' would open there
    assert same_file(tmp_path / "R.csv", tmp_path / "r.csv")
    # on a file system that ignores case (vfat, APFS, NTFS, ext4 casefold), two new
    # names differing in case are one file: refused as a pair of outputs
    monkeypatch.setattr(identity, "_ignores_case", lambda folder: True)
    with pytest.raises(FileError, match="named twice"):
        with atomic_files([tmp_path / "Out.csv", tmp_path / "out.csv"]):
            pass


def test_recalculate_file_refuses_in_place_with_another_output(book: Path,
                                                               tmp_path: Path) -> None:
    from betaxl.workbook.recalc import recalculate_file

    with pytest.raises(FileError, match="either an output or in_place, not both"):
        recalculate_file(book, tmp_path / "other.xlsm", in_place=True)
    assert book.read_bytes() == TEMPLATE.read_bytes()
    assert not (tmp_path / "other.xlsm").exists()
    written = recalculate_file(book, book, in_place=True).path  # the input itself: fine
    assert written == book


# -- targets inside a process's descriptor table (/dev/stdout, /dev/fd/N, /proc/*/fd/N) ----

@pytest.mark.parametrize("spelling", ["/dev/fd/{fd}", "/proc/self/fd/{fd}", "/proc/{pid}/fd/{fd}",
                                      "/proc/thread-self/fd/{fd}", "/dev/fd/../fd/{fd}",
                                      "link", "dirlink/{fd}"])
def test_descriptor_paths_are_refused_and_the_file_keeps_its_content(
        tmp_path: Path, spelling: str) -> None:
    log = tmp_path / "log.txt"
    with open(log, "ab") as handle:
        handle.write(b"earlier\n")
        handle.flush()
        fd = handle.fileno()
        (tmp_path / "link").symlink_to(f"/dev/fd/{fd}")
        (tmp_path / "dirlink").symlink_to("/proc/self/fd")
        name = spelling.format(fd=fd, pid=os.getpid())
        target = tmp_path / name if not name.startswith("/") else Path(name)
        with pytest.raises(FileError, match="open-file table"):
            with atomic_file(target) as out:
                out.write(b"new")
        handle.write(b"later\n")
    assert log.read_bytes() == b"earlier\nlater\n"
    assert log.stat().st_nlink == 1
    no_temporaries(tmp_path)


def test_betas_to_dev_stdout_is_one_line_and_stdout_file_survives(
        prices_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "stdout.txt"
    out.write_bytes(b"earlier\n")
    code = (f"import sys; from betaxl.cli import main; sys.stdout.write('x\\n'); "
            f"sys.stdout.flush(); sys.exit(main(['betas', {str(prices_csv)!r}, "
            f"'--market', 'mkt', '-o', '/dev/stdout']))")
    with open(out, "ab") as handle:
        proc = subprocess.run([sys.executable, "-c", code], stdout=handle,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.returncode != 0
    one_line(proc.stderr, "betas", "stdout: ", "open-file table")
    assert out.read_bytes() == b"earlier\nx\n"


# -- owner and group that a non-root writer cannot keep -----------------------------------

def test_owner_that_cannot_be_kept_is_refused_before_and_at_the_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "theirs.csv"
    target.write_bytes(b"theirs")
    real = target.stat()
    monkeypatch.setattr(attributes.os, "geteuid", lambda: real.st_uid + 1)
    with pytest.raises(FileError, match=r"is owned by .*uid \d+.*would change its owner"):
        check_output(target)
    monkeypatch.undo()

    def refuse(fd: int, uid: int, gid: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "fchown", refuse)  # root squash, or a like= model
    with pytest.raises(FileError, match="nothing was written"):
        with atomic_file(target) as handle:
            handle.write(b"mine")
    assert target.read_bytes() == b"theirs"
    no_temporaries(tmp_path)


def test_group_that_cannot_be_kept_is_refused(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "shared.csv"
    target.write_bytes(b"shared")
    if os.geteuid() == 0:
        os.chown(target, 4242, -1)  # root may keep any group: pretend to be its owner
    info = target.stat()
    monkeypatch.setattr(attributes.os, "geteuid", lambda: info.st_uid)
    monkeypatch.setattr(attributes.os, "getegid", lambda: info.st_gid + 1)
    monkeypatch.setattr(attributes.os, "getgroups", lambda: [info.st_gid + 1])
    with pytest.raises(FileError, match="belongs to group .* is not in"):
        check_output(target, inputs=[target], in_place=True)


def test_as_an_unprivileged_user_another_users_file_is_not_taken_over() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to create a file for another user")
    with tempfile.TemporaryDirectory() as name:  # pytest's own folders are root-only
        folder = Path(name)
        folder.chmod(0o777)
        target = folder / "theirs.csv"
        target.write_bytes(b"theirs")
        os.chown(target, 4242, 4242)
        target.chmod(0o666)
        code = ("import os, sys, pwd, grp, ctypes, hashlib, socket\n"  # before losing rights
                "from betaxl.safeio import atomic_file, FileError\n"
                "os.setgroups([]); os.setgid(4343); os.setuid(4343)\n"
                "try:\n"
                f"    with atomic_file({str(target)!r}) as h: h.write(b'mine')\n"
                "except FileError as e: print(e); sys.exit(2)\n")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.returncode == 2, proc.stderr
        assert "is owned by" in proc.stdout and "4242" in proc.stdout, proc.stdout
        assert target.read_bytes() == b"theirs" and target.stat().st_uid == 4242


# -- extended attributes and ACLs ---------------------------------------------------------

def _xattrs_supported(path: Path) -> bool:
    try:
        os.setxattr(path, "user.betaxl-probe", b"1")
        os.removexattr(path, "user.betaxl-probe")
        return shutil.which("setfacl") is not None
    except OSError:
        return False


def test_in_place_keeps_acls_and_xattrs(book: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    if not _xattrs_supported(book):
        pytest.skip("no user xattrs or setfacl here")
    book.chmod(0o640)
    subprocess.run(["setfacl", "-m", "u:4242:r,g:4343:r,m:r", str(book)], check=True)
    os.setxattr(book, "user.origin", b"desk 7")
    before = subprocess.run(["getfacl", "-c", str(book)], capture_output=True,
                            text=True, check=True).stdout
    mode = stat.S_IMODE(book.stat().st_mode)
    code, err = run(capsys, "recalc", str(book), "--in-place")
    assert code == 0, err
    after = subprocess.run(["getfacl", "-c", str(book)], capture_output=True,
                           text=True, check=True).stdout
    assert after == before and "mask::r--" in after
    assert os.getxattr(book, "user.origin") == b"desk 7"
    assert stat.S_IMODE(book.stat().st_mode) == mode == 0o640
    no_temporaries(tmp_path)


def test_default_acl_of_the_folder_is_honoured_for_new_files_not_replacements(
        tmp_path: Path) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    if not _xattrs_supported(folder):
        pytest.skip("no user xattrs or setfacl here")
    subprocess.run(["setfacl", "-d", "-m", "u::rw,g::rw,o::-,u:4242:rw", str(folder)],
                   check=True)
    fresh = folder / "fresh.csv"
    with open(folder / "by_open.csv", "wb"):
        pass
    with atomic_file(fresh) as handle:
        handle.write(b"x")
    acl = ["getfacl", "-c", "--omit-header"]
    by_open = subprocess.run([*acl, str(folder / "by_open.csv")], capture_output=True,
                             text=True, check=True).stdout
    ours = subprocess.run([*acl, str(fresh)], capture_output=True, text=True,
                          check=True).stdout
    assert ours == by_open and "user:4242:rw-" in ours
    plain = folder / "plain.csv"  # a file without ACL keeps having none when replaced
    plain.write_bytes(b"old")
    subprocess.run(["setfacl", "-b", str(plain)], check=True)
    plain.chmod(0o600)
    with atomic_file(plain) as handle:
        handle.write(b"new")
    assert "system.posix_acl_access" not in os.listxattr(plain)
    assert stat.S_IMODE(plain.stat().st_mode) == 0o600


def test_xattr_that_cannot_be_copied_refuses(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "tagged.csv"
    target.write_bytes(b"old")
    if not _xattrs_supported(target):
        pytest.skip("no user xattrs here")
    os.setxattr(target, "user.tag", b"keep")

    def refuse(*args: object) -> None:
        raise OSError(errno.ENOTSUP, "Operation not supported")

    monkeypatch.setattr(attributes.os, "setxattr", refuse)
    with pytest.raises(FileError, match="user.tag"):
        with atomic_file(target) as handle:
            handle.write(b"new")
    assert target.read_bytes() == b"old"
    no_temporaries(tmp_path)


# -- temporary names: short, and cleaned up after a killed run -----------------------------

@pytest.mark.parametrize("length", [230, 250, 255])
def test_any_writable_name_can_be_written_and_rewritten(tmp_path: Path, length: int,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    a = tmp_path / ("a" * (length - 4) + ".csv")
    b = tmp_path / ("b" * (length - 4) + ".csv")
    for _ in range(2):  # new, then replaced (a backup name is needed for two files)
        with atomic_files([a, b]) as (fa, fb):
            fa.write(b"a")
            fb.write(b"b")
    monkeypatch.delattr(atomic.os, "O_TMPFILE", raising=False)  # the named path
    with atomic_file(a, inputs=[a], in_place=True) as handle:
        handle.write(b"again")
    assert a.read_bytes() == b"again" and b.read_bytes() == b"b"
    no_temporaries(tmp_path)


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")
    code = textwrap.dedent(f"""
        import os
        from betaxl import safeio
        from betaxl.safeio import atomic
        real = atomic.os.replace
        def die(src, dst):
            os._exit(9)  # killed after every name was given, before any rename
        atomic.os.replace = die
        with safeio.atomic_files([{str(a)!r}, {str(b)!r}]) as (fa, fb):
            fa.write(b"new a")
            fb.write(b"new b")
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT)
    assert proc.returncode == 9
    left = sorted(p.name for p in tmp_path.iterdir() if ".betaxl-" in p.name)
    assert len(left) == 4 and all(len(n) <= 30 for n in left), left  # 2 tmp, 2 old
    assert a.read_bytes() == b"old a" and b.read_bytes() == b"old b"
    (tmp_path / ".betaxl-000000-1-0.tmp").write_bytes(b"another host's")
    alive = tmp_path / f".betaxl-{names._HOST}-1-0.tmp"  # pid 1 is alive
    alive.write_bytes(b"in use")
    with atomic_files([a, b]) as (fa, fb):
        fa.write(b"new a")
        fb.write(b"new b")
    left = sorted(p.name for p in tmp_path.iterdir() if ".betaxl-" in p.name)
    assert left == sorted([".betaxl-000000-1-0.tmp", alive.name])
    assert a.read_bytes() == b"new a" and b.read_bytes() == b"new b"


def test_a_killed_write_before_the_commit_leaves_no_name(tmp_path: Path) -> None:
    if not hasattr(os, "O_TMPFILE"):
        pytest.skip("no O_TMPFILE: a named temporary exists while writing")
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    code = textwrap.dedent(f"""
        import os
        from betaxl import safeio
        with safeio.atomic_files([{str(a)!r}, {str(b)!r}]) as (fa, fb):
            fa.write(b"new a")
            fb.write(b"new b")
            fb.flush()
            os._exit(9)
    """)
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 9
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# -- workbooks built by XlsxWriter: in memory, written only through safeio ----------------

@pytest.mark.parametrize("command", ["template", "betas"])
def test_workbook_writers_leave_nothing_on_a_file_size_limit(
        command: str, prices_csv: Path, tmp_path: Path) -> None:
    name = "new.xlsm" if command == "template" else "new.xlsx"  # the template has macros
    out, scratch = tmp_path / "out" / name, tmp_path / "scratch"
    out.parent.mkdir()
    scratch.mkdir()
    argv = (["template", "-o", str(out)] if command == "template" else
            ["betas", str(prices_csv), "--market", "mkt", "--window", "5", "-o", str(out)])
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))
        from betaxl.cli import main
        sys.exit(main({argv!r}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env={**os.environ, "TMPDIR": str(scratch)})
    assert done.returncode == 2, done.stderr
    one_line(done.stderr, command, f"{name}: cannot write: the file size limit is exceeded")
    assert list(out.parent.iterdir()) == [] and list(scratch.iterdir()) == []


def test_template_writes_no_temporary_files_and_keeps_the_mode(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "t.xlsm"
    out.write_bytes(b"old")
    out.chmod(0o600)
    code, err = run(capsys, "template", "-o", str(out))
    assert code == 0, err
    assert zipfile.ZipFile(out).testzip() is None
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert list(scratch.iterdir()) == []
    no_temporaries(tmp_path)


@pytest.mark.parametrize("command", ["template", "betas"])
def test_xlsxwriter_errors_are_one_line(command: str, prices_csv: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import xlsxwriter.exceptions
    import xlsxwriter.workbook

    def fail(self: object) -> None:
        raise xlsxwriter.exceptions.FileCreateError("[Errno 28] No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", fail)
    out = tmp_path / ("new.xlsm" if command == "template" else "new.xlsx")
    argv = (["template", "-o", str(out)] if command == "template" else
            ["betas", str(prices_csv), "--market", "mkt", "-o", str(out)])
    code, err = run(capsys, *argv)
    assert code == 2
    one_line(err, command, "FileCreateError", "No space left", "nothing was written")
    assert not out.exists()
    no_temporaries(tmp_path)


def test_template_checks_its_output_before_building(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from betaxl.workbook import template

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("built before the output was checked")

    monkeypatch.setattr(template, "build_workbook", never)
    code, err = run(capsys, "template", "-o", str(tmp_path / "no" / "t.xlsm"))
    assert code == 2
    one_line(err, "template", "folder", "does not exist")


# -- recalc reads its input once ----------------------------------------------------------

@pytest.mark.parametrize("saved_as", ["garbage", "another workbook"])
def test_recalc_input_saved_during_the_run_is_not_mixed_in(
        book: Path, tmp_path: Path, saved_as: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from betaxl.workbook import recalc

    original = book.read_bytes()
    other = tmp_path / "other.xlsm"
    shutil.copy(TEMPLATE, other)
    with zipfile.ZipFile(other, "a") as z:
        z.writestr("docProps/custom-marker.xml", "<saved-later/>")
    later = b"PK garbage" if saved_as == "garbage" else other.read_bytes()
    real = recalc.recalculate_package

    def and_then_saved(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        with open(book, "r+b") as handle:  # saved in place, as some editors do
            handle.truncate(0)
            handle.write(later)
        return result

    monkeypatch.setattr(recalc, "recalculate_package", and_then_saved)
    out = tmp_path / "out.xlsm"
    code, err = run(capsys, "recalc", str(book), "-o", str(out))
    assert code in (0, 3), err
    with zipfile.ZipFile(out) as z, zipfile.ZipFile(io.BytesIO(original)) as o:
        assert z.namelist() == o.namelist()  # nothing of the later file
        assert z.read("xl/vbaProject.bin") == o.read("xl/vbaProject.bin")


# -- inputs that are not files: said what they are -----------------------------------------

def test_recalc_inputs_that_are_not_files(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe.xlsm"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.xlsm"
    folder.mkdir()
    loop_a, loop_b = tmp_path / "a.xlsm", tmp_path / "b.xlsm"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    dangling = tmp_path / "gone.xlsm"
    dangling.symlink_to(tmp_path / "nowhere.xlsm")
    cases = {str(fifo): "is a FIFO (named pipe)", str(folder): "is a folder",
             str(loop_a): "symlink loop", str(dangling): "which does not exist",
             "-": "standard input", "/dev/stdin": "open descriptor",
             str(tmp_path / "missing.xlsm"): "no such file"}
    for name, said in cases.items():
        code, err = run(capsys, "recalc", name, "-o", str(tmp_path / "out.xlsm"))
        assert code == 2
        one_line(err, "recalc", said)
    assert not (tmp_path / "out.xlsm").exists()


def test_file_names_with_line_breaks_stay_on_one_line(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    code, err = run(capsys, "recalc", str(tmp_path / "bad\nname.xlsm"))
    assert code == 2
    one_line(err, "recalc", "bad\\nname.xlsm", "no such file")
    code, err = run(capsys, "template", "-o", str(tmp_path / "no\rdir" / "t.xlsm"))
    assert code == 2
    one_line(err, "template", "does not exist")
    assert "\r" not in err


def test_betas_checks_outputs_and_input_before_computing(
        prices_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import betaxl.cli.batch

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed before the outputs were checked")

    monkeypatch.setattr(betaxl.cli.batch, "ols_beta", never)
    code, err = run(capsys, "betas", str(prices_csv), "--market", "mkt", "-o",
                    str(tmp_path / "no" / "b.csv"))
    assert code == 2
    one_line(err, "betas", "folder", "does not exist")
    (tmp_path / "b_rolling_5.csv").mkdir()  # the second output is a folder
    code, err = run(capsys, "betas", str(prices_csv), "--market", "mkt", "--window", "5",
                    "-o", str(tmp_path / "b.csv"))
    assert code == 2
    one_line(err, "betas", "b_rolling_5.csv: is a folder")
    fifo = tmp_path / "prices.csv"
    os.mkfifo(fifo)
    code, err = run(capsys, "betas", str(fifo), "--market", "mkt")
    assert code == 2
    one_line(err, "betas", "is a FIFO (named pipe)")
