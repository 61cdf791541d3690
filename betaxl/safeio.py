"""Output safety: every file betaxl writes goes through here.

Rules, for every command that writes a file:

* **Never over an input.**  :func:`same_file` compares identities (``st_dev`` and
  ``st_ino`` of ``os.stat``), not path strings, so a symlink, a hard link, a ``..``
  path, a bind mount or another spelling on a case-insensitive file system are all
  recognised as the file they are.  Replacing an input needs an explicit ``in_place``.
* **Only over a regular file.**  An existing target that is a directory, FIFO, socket
  or device (``/dev/null``) is refused, as is a read-only file and a missing folder.
* **Complete or not at all.**  The bytes go to an anonymous temporary file in the
  target's folder (Linux ``O_TMPFILE``; a named temporary file elsewhere), which is
  flushed and fsynced, then renamed over the target in one step.  Out of disk space,
  over a file-size limit or out of memory: one line (:class:`FileError`), the target
  unchanged, no temporary file left behind.  :func:`atomic_files` does the same for
  several files at once, all or none.
* **Permissions.**  A replaced file keeps its mode and, where permitted, its owner and
  group; ``like=`` copies them from another file (an in-place rewrite of a 0600
  workbook stays 0600); a new file gets ``0o666 & ~umask``, as ``open()`` would give.
* **Symlinks** are written through: the link stays a link and its target gets the new
  content.
* **Hard links** are not: the rename gives the path a new inode, so the other names of
  the old file keep the old content (the price of never being half-written).
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import BetaxlError

__all__ = ["FileError", "atomic_file", "atomic_files", "check_output", "new_file_mode",
           "same_file"]

PathLike = str | os.PathLike[str]

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))
_NO_SPACE = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
             errno.EFBIG: "the file size limit is exceeded"}


class FileError(BetaxlError):
    """A file that cannot be read or written as asked (one line: the file and why)."""


def _fail(path: PathLike, text: str) -> FileError:
    return FileError(f"{Path(path).name}: {text}", func="write", arg=os.fspath(path))


def same_file(a: PathLike, b: PathLike) -> bool:
    """Whether ``a`` and ``b`` name the same file (symlinks followed, by identity).

    Two paths that do not exist yet are the same file when their folders are the same
    folder and the names are equal, or equal but for case in a folder that ignores case
    (probed with a temporary file).

    >>> same_file(".", "./")
    True
    """
    try:
        return os.path.samestat(os.stat(a), os.stat(b))
    except OSError:
        pass
    pa, pb = Path(os.path.realpath(a)), Path(os.path.realpath(b))
    if os.path.lexists(pa) or os.path.lexists(pb):
        return False
    if pa.name.casefold() != pb.name.casefold():
        return False
    try:
        if not os.path.samestat(os.stat(pa.parent), os.stat(pb.parent)):
            return False
    except OSError:
        return pa == pb
    return pa.name == pb.name or _ignores_case(pa.parent)


def _ignores_case(folder: Path) -> bool:
    """Whether ``folder``'s file system ignores case (a probe file, removed at once)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".betaxl-case-probe-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    try:
        other = Path(name).with_name(Path(name).name.upper())
        return os.path.exists(other)
    finally:
        _quiet_unlink(name)


def check_output(target: PathLike, *, inputs: Iterable[PathLike] = (),
                 in_place: bool = False) -> Path:
    """The path to write for ``target``, or a one-line :class:`FileError` why not.

    Refuses a target that is the same file as one of ``inputs`` (unless ``in_place``:
    then the target must be one of them), an existing target that is not a regular file
    or is read-only, and a folder that does not exist.  A symlink is resolved: the path
    returned is the file it points to, so writing there keeps the link.
    """
    path = Path(target)
    sources = [Path(p) for p in inputs]
    if in_place and sources and not any(same_file(path, s) for s in sources):
        raise _fail(path, "in place means replacing the input itself, but this is "
                          "another file")
    if not in_place:
        for source in sources:
            if same_file(path, source):
                shown = "" if os.fspath(source) == os.fspath(path) else f" ({source})"
                raise _fail(path, f"that is the input file{shown}; write to another "
                                  "file, or replace it in place where that is offered")
    if os.path.islink(path):
        path = Path(os.path.realpath(path))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _fail(path, f"cannot be checked ({exc.strerror})") from None
    if info is not None:
        for test, kind in _KINDS:
            if test(info.st_mode):
                raise _fail(path, f"is {kind}, not a file: name a file to write")
        if not stat.S_ISREG(info.st_mode):
            raise _fail(path, "is not a regular file: name a file to write")
        writable = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        if not os.access(path, os.W_OK) or not info.st_mode & writable:
            raise _fail(path, "is read-only: make it writable or write elsewhere")
    folder = path.parent
    if not folder.is_dir():
        raise _fail(path, f"cannot write: folder {folder} does not exist")
    return path


def new_file_mode() -> int:
    """The mode ``open()`` gives a new file: ``0o666`` less the process's umask."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # no /proc: read it the only other way, and put it back
    os.umask(mask)
    return 0o666 & ~mask


class _Pending:
    """A complete-to-be temporary file for one target, not yet renamed into place."""

    def __init__(self, target: Path, like: Path | None) -> None:
        self.target = target
        self.like = like
        self.folder = target.parent if str(target.parent) else Path(".")
        self.tmp: str | None = None
        self.handle = self._open()

    def _open(self) -> IO[bytes]:
        fd = -1
        anonymous = getattr(os, "O_TMPFILE", 0)
        if anonymous:
            try:
                fd = os.open(self.folder, anonymous | os.O_RDWR, 0o600)
            except OSError:
                fd = -1  # the file system has no O_TMPFILE: use a named file
        if fd < 0:
            try:
                fd, self.tmp = tempfile.mkstemp(prefix=f".{self.target.name}.",
                                                suffix=".betaxl-tmp", dir=self.folder)
            except OSError as exc:
                raise _fail(self.target, f"cannot write here ({exc.strerror})") from None
        return os.fdopen(fd, "w+b")

    def finish(self) -> None:
        """Flush, fsync, set mode and owner, and give the file a temporary name."""
        handle = self.handle
        handle.flush()
        os.fsync(handle.fileno())
        self._set_permissions(handle.fileno())
        if self.tmp is None:
            self.tmp = _link_anonymous(handle, self.folder, self.target.name)
        handle.close()

    def _set_permissions(self, fd: int) -> None:
        model = self.like if self.like is not None else self.target
        try:
            info = os.stat(model)
        except OSError:
            os.fchmod(fd, new_file_mode())
            return
        if hasattr(os, "fchown"):
            for uid, gid in ((info.st_uid, info.st_gid), (-1, info.st_gid)):
                try:
                    os.fchown(fd, uid, gid)
                    break
                except OSError:
                    continue  # not permitted (not root, not in that group): keep ours
        os.fchmod(fd, stat.S_IMODE(info.st_mode))

    def discard(self) -> None:
        if not self.handle.closed:
            try:
                self.handle.close()  # closes the descriptor even when the flush fails
            except OSError:
                pass
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except FileNotFoundError:
                pass
            self.tmp = None


def _explain(target: Path, exc: BaseException) -> FileError:
    if isinstance(exc, MemoryError):
        return _fail(target, "out of memory while writing; nothing was written")
    assert isinstance(exc, OSError)
    reason = _NO_SPACE.get(exc.errno or 0)
    if reason:
        return _fail(target, f"cannot write: {reason}; nothing was written")
    return _fail(target, f"cannot write ({exc.strerror or exc}); nothing was written")


@contextmanager
def atomic_file(target: PathLike, *, inputs: Iterable[PathLike] = (),
                like: PathLike | None = None, in_place: bool = False) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``target`` complete or not at all.

    ``target`` is checked first (:func:`check_output` with ``inputs`` and ``in_place``).
    ``like``: give the new file this file's mode and (where permitted) owner; by default
    a replaced target keeps its own, and a new file gets ``0o666 & ~umask``.  With
    ``in_place``, ``like`` defaults to the target itself.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_file(out) as handle:
    ...     _ = handle.write(b"done")
    >>> out.read_bytes()
    b'done'
    """
    with atomic_files([target], inputs=inputs, likes=[like], in_place=in_place) as handles:
        yield handles[0]


@contextmanager
def atomic_files(targets: Sequence[PathLike], *, inputs: Iterable[PathLike] = (),
                 likes: Sequence[PathLike | None] | None = None,
                 in_place: bool = False) -> Iterator[list[IO[bytes]]]:
    """Several files written all or none: one binary handle per target, in order.

    Every temporary file is completed first; then each is renamed over its target.  If
    anything fails, the temporary files are removed and the targets already replaced get
    their old content back (a target that did not exist is removed again).  Two targets
    that are the same file are refused.
    """
    sources = list(inputs)
    paths = [check_output(t, inputs=sources, in_place=in_place) for t in targets]
    for i, a in enumerate(paths):
        for b in paths[:i]:
            if same_file(a, b):
                raise _fail(a, f"is named twice as an output (also as {b})")
    models = list(likes) if likes is not None else [None] * len(paths)
    if len(models) != len(paths):
        raise ValueError("atomic_files: likes needs one entry per target")
    pending: list[_Pending] = []
    current = paths[0] if paths else Path(".")
    try:
        for path, model in zip(paths, models):
            current = path
            like = Path(model) if model is not None else (path if in_place else None)
            pending.append(_Pending(path, like))
        yield [p.handle for p in pending]
        for p in pending:
            current = p.target
            p.finish()
        _commit(pending)
    except (OSError, MemoryError) as exc:
        for p in pending:
            p.discard()
        raise _explain(current, exc) from None
    finally:
        for p in pending:
            p.discard()


def _commit(pending: list[_Pending]) -> None:
    """Rename every finished temporary over its target; on failure undo the renames."""
    done: list[tuple[Path, str | None]] = []  # replaced: (target, its old file's name)
    spare: str | None = None
    current = pending[0].target if pending else Path(".")
    try:
        try:
            for p in pending:
                current = p.target
                assert p.tmp is not None
                spare = None
                if len(pending) > 1 and os.path.lexists(p.target):
                    spare = _keep_old(p.target)
                os.replace(p.tmp, p.target)
                p.tmp = None
                done.append((p.target, spare))
                spare = None
        except BaseException:
            if spare is not None:  # the failed target was never replaced
                _quiet_unlink(spare)
            for target, old in reversed(done):
                try:
                    if old is not None:
                        os.replace(old, target)
                    else:
                        os.unlink(target)
                except OSError:
                    pass
            raise
    except OSError as exc:
        raise _explain(current, exc) from None
    for _, old in done:
        if old is not None:
            _quiet_unlink(old)


def _quiet_unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _keep_old(target: Path) -> str:
    """A second name for ``target``'s current file, to restore it if a later rename fails."""
    for attempt in range(100):
        name = str(target.with_name(f".{target.name}.{os.getpid()}.{attempt}.betaxl-old"))
        if os.path.lexists(name):
            continue
        try:
            os.link(target, name)
        except FileExistsError:
            continue
        except OSError:  # no hard links on this file system: a copy does the same job
            shutil.copy2(target, name)
        return name
    raise FileExistsError(errno.EEXIST, "no free backup name", os.fspath(target))


def _link_anonymous(handle: IO[bytes], folder: Path, name: str) -> str:
    """Give a complete O_TMPFILE file a (temporary) name in ``folder``.

    linkat(AT_EMPTY_PATH) first, then the /proc/self/fd link; where neither is allowed
    the bytes are copied to a named temporary file (only then can a kill leave one).
    """
    fd = handle.fileno()
    for attempt in range(100):
        path = str(folder / f".{name}.{os.getpid()}.{attempt}.betaxl-tmp")
        if os.path.lexists(path):
            continue
        if _linkat_empty_path(fd, path):
            return path
        try:
            os.link(f"/proc/self/fd/{fd}", path, follow_symlinks=True)
            return path
        except FileExistsError:
            continue
        except OSError:
            break
    out_fd, path = tempfile.mkstemp(prefix=f".{name}.", suffix=".betaxl-tmp", dir=folder)
    try:
        with os.fdopen(out_fd, "wb") as copy:
            handle.seek(0)
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
            copy.flush()
            os.fsync(copy.fileno())
        os.chmod(path, stat.S_IMODE(os.fstat(fd).st_mode))
    except BaseException:
        os.unlink(path)
        raise
    return path


def _linkat_empty_path(fd: int, path: str) -> bool:
    """linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) through libc; False if refused."""
    libc = _libc()
    if libc is None:
        return False
    return int(libc.linkat(fd, b"", -100, os.fsencode(path), 0x1000)) == 0


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    """The C library with a linkat, loaded once; None where there is none."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.linkat  # noqa: B018 (raises AttributeError where missing)
        return libc
    except (OSError, AttributeError):
        return None
