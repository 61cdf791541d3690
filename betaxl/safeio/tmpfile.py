"""Linux's anonymous files (``O_TMPFILE``) given a name: linkat through libc, or a copy."""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path
from typing import IO, Any

from .attributes import copy_fd_xattrs
from .names import temp_names

__all__ = ["link_anonymous"]


def link_anonymous(handle: IO[bytes], folder: Path) -> str:
    """Give a complete O_TMPFILE file a (temporary) name in ``folder``.

    linkat(AT_EMPTY_PATH) first, then the /proc/self/fd link; where neither is allowed
    the bytes are copied to a named temporary file.
    """
    fd = handle.fileno()
    for path in temp_names(folder, "tmp"):
        if _linkat_empty_path(fd, path):
            return path
        try:
            os.link(f"/proc/self/fd/{fd}", path, follow_symlinks=True)
            return path
        except FileExistsError:
            continue
        except OSError:
            break
    for path in temp_names(folder, "tmp"):
        try:
            out_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(out_fd, "wb") as copy:
            handle.seek(0)
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
            copy.flush()
            info = os.fstat(fd)
            if hasattr(os, "fchown"):
                try:
                    os.fchown(copy.fileno(), info.st_uid, info.st_gid)
                except OSError:
                    pass  # the same owner as ours already: the source was made by us
            os.fchmod(copy.fileno(), stat.S_IMODE(info.st_mode))
            copy_fd_xattrs(fd, copy.fileno())
            os.fsync(copy.fileno())
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
