"""Atomic writes: files that appear complete or not at all, one or several at once.

The bytes go to an anonymous temporary file in the target's folder (Linux
``O_TMPFILE``; a named temporary file elsewhere), flushed and fsynced, then renamed over
the target in one step; several targets are renamed all or none.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .attributes import copy_xattrs, group_name, owner_problem, user_name
from .checks import check_output
from .errors import FileError, PathLike, write_error
from .identity import same_file
from .names import quiet_unlink, remove_stale, temp_names
from .tmpfile import link_anonymous

__all__ = ["atomic_file", "atomic_files"]


_NO_SPACE = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
             errno.EFBIG: "the file size limit is exceeded"}


class _Pending:
    """A complete-to-be anonymous file for one target, not yet given a name."""

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
            try:  # 0o666 as open() would: the kernel applies the umask or a default ACL
                fd = os.open(self.folder, anonymous | os.O_RDWR, 0o666)
            except OSError:
                fd = -1  # the file system has no O_TMPFILE: use a named file
        if fd < 0:
            for name in temp_names(self.folder, "tmp"):
                try:
                    fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
                except FileExistsError:
                    continue
                except OSError as exc:
                    raise write_error(self.target, f"cannot write here ({exc.strerror})") from None
                self.tmp = name
                break
        return os.fdopen(fd, "w+b")

    def finish(self) -> None:
        """Flush, fsync and set owner, mode and attributes; the file keeps no name yet."""
        handle = self.handle
        handle.flush()
        self._set_permissions(handle.fileno())
        os.fsync(handle.fileno())

    def name(self) -> str:
        """Give the finished file its temporary name (the commit's first step)."""
        if self.tmp is None:
            self.tmp = link_anonymous(self.handle, self.folder)
        self.handle.close()
        return self.tmp

    def _set_permissions(self, fd: int) -> None:
        model = self.like if self.like is not None else self.target
        try:
            info = os.stat(model)
        except OSError:  # a new file: created as open() creates one (umask, default ACL)
            return
        if hasattr(os, "fchown"):
            try:
                os.fchown(fd, info.st_uid, info.st_gid)
            except OSError:
                problem = owner_problem(info) or (
                    f"cannot keep its owner {user_name(info.st_uid)} and group "
                    f"{group_name(info.st_gid)}")
                raise write_error(self.target, f"{problem}; nothing was written") from None
        os.fchmod(fd, stat.S_IMODE(info.st_mode))
        copy_xattrs(model, fd, self.target)

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
        return write_error(target, "out of memory while writing; nothing was written")
    assert isinstance(exc, OSError)
    reason = _NO_SPACE.get(exc.errno or 0)
    if reason:
        return write_error(target, f"cannot write: {reason}; nothing was written")
    return write_error(target, f"cannot write ({exc.strerror or exc}); nothing was written")


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
                raise write_error(a, f"is named twice as an output (also as {b})")
    models = list(likes) if likes is not None else [None] * len(paths)
    if len(models) != len(paths):
        raise ValueError("atomic_files: likes needs one entry per target")
    for folder in {p.parent for p in paths}:
        remove_stale(folder)
    pending: list[_Pending] = []
    current = paths[0] if paths else Path(".")
    try:
        for path, model in zip(paths, models, strict=True):
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
    """Name every finished file, then rename them all over their targets back to back.

    First every target that exists gets a second (backup) name and every anonymous file
    a temporary one: a kill up to here leaves the targets untouched and only names that
    the next run removes.  Then the renames follow one another with nothing in between;
    a failed rename undoes those before it from the backups.
    """
    named: list[tuple[_Pending, str, str | None]] = []  # (file, its temporary, backup)
    done: list[tuple[Path, str | None]] = []
    current = pending[0].target if pending else Path(".")
    try:
        try:
            for p in pending:
                current = p.target
                spare = (_keep_old(p.target)
                         if len(pending) > 1 and os.path.lexists(p.target) else None)
                named.append((p, p.name(), spare))
            for p, tmp, spare in named:
                current = p.target
                os.replace(tmp, p.target)
                p.tmp = None
                done.append((p.target, spare))
        except BaseException:
            for target, old in reversed(done):
                try:
                    if old is not None:
                        os.replace(old, target)
                    else:
                        os.unlink(target)
                except OSError:
                    pass
            for _, _, spare in named:
                if spare is not None:
                    quiet_unlink(spare)
            raise
    except OSError as exc:
        raise _explain(current, exc) from None
    for _, _, spare in named:
        if spare is not None:
            quiet_unlink(spare)
    for folder in {p.folder for p in pending}:
        _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """fsync a folder, so that its renames survive a power cut (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _keep_old(target: Path) -> str:
    """A second name for ``target``'s current file, to restore it if a later rename fails."""
    for name in temp_names(target.parent, "old"):
        try:
            os.link(target, name)
        except FileExistsError:
            continue
        except OSError:  # no hard links on this file system: a copy does the same job
            shutil.copy2(target, name)
        return name
    raise AssertionError("unreachable")  # pragma: no cover
