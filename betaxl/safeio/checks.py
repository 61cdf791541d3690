"""Checks before any work: a path to write (never over an input), a path to read."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .attributes import owner_problem
from .errors import FileError, PathLike, write_error
from .identity import descriptor_link, same_file

__all__ = ["check_input", "check_output", "read_input"]


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def check_output(target: PathLike, *, inputs: Iterable[PathLike] = (),
                 in_place: bool = False) -> Path:
    """The path to write for ``target``, or a one-line :class:`FileError` why not.

    Refuses a target that is the same file as one of ``inputs`` (unless ``in_place``:
    then the target must be one of them), an existing target that is not a regular file
    or is read-only, and a folder that does not exist.  A symlink is resolved: the path
    returned is the file it points to, so writing there keeps the link.
    """
    path = Path(target)
    through = descriptor_link(path)
    if through is not None:
        raise write_error(path, f"leads through a process's open-file table ({through}); "
                          "replacing it would lose what that descriptor points to: "
                          "name a file to write, or redirect with > instead of -o")
    sources = [Path(p) for p in inputs]
    if in_place and sources and not any(same_file(path, s) for s in sources):
        raise write_error(path, "in place means replacing the input itself, but this is "
                          "another file")
    if not in_place:
        for source in sources:
            if same_file(path, source):
                shown = "" if os.fspath(source) == os.fspath(path) else f" ({source})"
                raise write_error(path, f"that is the input file{shown}; write to another "
                                  "file, or replace it in place where that is offered")
    if os.path.islink(path):
        path = Path(os.path.realpath(path))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise write_error(path, f"cannot be checked ({exc.strerror})") from None
    if info is not None:
        for test, kind in _KINDS:
            if test(info.st_mode):
                raise write_error(path, f"is {kind}, not a file: name a file to write")
        if not stat.S_ISREG(info.st_mode):
            raise write_error(path, "is not a regular file: name a file to write")
        writable = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        if not os.access(path, os.W_OK) or not info.st_mode & writable:
            raise write_error(path, "is read-only: make it writable or write elsewhere")
        owner = owner_problem(info)
        if owner:
            raise write_error(path, owner)
    folder = path.parent
    if not folder.is_dir():
        raise write_error(path, f"cannot write: folder {folder} does not exist")
    return path


def check_input(path: PathLike, *, func: str = "read") -> Path:
    """``path`` if it is a regular file to read, else a one-line :class:`FileError` saying
    what it is: missing, a symlink loop, a dangling symlink, ``-`` or ``/dev/stdin``
    (standard input), a folder, a FIFO, a socket or a device.
    """
    p = Path(path)
    shown = p.name or os.fspath(p)

    def fail(text: str) -> FileError:
        return FileError(f"{shown}: {text}", func=func, arg=os.fspath(p))

    if os.fspath(p) == "-":
        raise fail("standard input cannot be read here: save it to a file and name that")
    if descriptor_link(p) is not None:
        raise fail("is an open descriptor (standard input or /dev/fd): save it to a file "
                   "and name that")
    try:
        info = os.stat(p)
    except FileNotFoundError:
        if os.path.islink(p):
            raise fail(f"is a symlink to {os.readlink(p)}, which does not exist") from None
        raise fail("no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise fail("is a symlink loop (it leads back to itself)") from None
        raise fail(f"cannot be read ({exc.strerror})") from None
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise fail(f"is {kind}, not a file: name a file to read")
    if not stat.S_ISREG(info.st_mode):
        raise fail("is not a regular file: name a file to read")
    return p


def read_input(path: PathLike, *, func: str = "read") -> bytes:
    """The bytes of the regular file ``path``, read once through one descriptor.

    Checked first (:func:`check_input`); opened without blocking and checked again on
    the open descriptor, so a FIFO put in its place meanwhile is refused, not waited on.
    """
    p = check_input(path, func=func)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileError(f"{p.name}: cannot be read ({exc.strerror})", func=func,
                        arg=os.fspath(p)) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileError(f"{p.name}: is not a regular file: name a file to read",
                            func=func, arg=os.fspath(p))
        return handle.read()
