"""Temporary and backup names: short, free, and removed once their process is gone.

``.betaxl-HOST-PID-N.tmp`` / ``.old``, at most 30 bytes, so any writable name can be
rewritten; what a killed process left is removed by the next write into that folder.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

from .errors import PathLike

__all__ = ["quiet_unlink", "remove_stale", "temp_names"]


_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
_OURS = re.compile(r"^\.betaxl-([0-9a-f]{6})-(\d+)-\d+\.(tmp|old)$")
_OLD_STYLE = re.compile(r"^\..*\.(\d+)\.\d+\.betaxl-(tmp|old)$")


def temp_names(folder: Path, kind: str) -> Iterator[str]:
    """Short free names for a temporary (``tmp``) or backup (``old``) file in ``folder``.

    At most 30 bytes whatever the target's name, so any file that can be written can be
    rewritten; the host and process id let a later run remove what a killed one left.
    """
    for attempt in range(1000):
        path = os.path.join(folder, f".betaxl-{_HOST}-{os.getpid()}-{attempt}.{kind}")
        if not os.path.lexists(path):
            yield path
    raise FileExistsError(errno.EEXIST, "no free temporary name", os.fspath(folder))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def remove_stale(folder: PathLike) -> list[str]:
    """Remove temporary and backup files that dead betaxl processes left in ``folder``.

    Only this host's (the name carries a hash of the host name) and only those whose
    process is gone; returns the names removed.
    """
    removed: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        ours = _OURS.match(name)
        if ours and ours.group(1) == _HOST:
            pid = int(ours.group(2))
        else:
            old = _OLD_STYLE.match(name)
            if not old:
                continue
            pid = int(old.group(1))
        if pid == os.getpid() or _alive(pid):
            continue
        path = os.path.join(folder, name)
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        try:
            os.unlink(path)
            removed.append(name)
        except OSError:
            pass
    return removed


def quiet_unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
