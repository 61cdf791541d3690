"""Whether two paths are one file: by identity (device and inode), not by spelling.

Symlinks, hard links, ``..`` paths, bind mounts, overlay mounts and other spellings on a
case-insensitive file system are recognised as the file they are; so are paths that
pass through a process's descriptor table (``/dev/stdout``, ``/proc/PID/fd/N``).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

from .errors import PathLike
from .names import quiet_unlink

__all__ = ["descriptor_link", "same_file"]


def same_file(a: PathLike, b: PathLike) -> bool:
    """Whether ``a`` and ``b`` name the same file (symlinks followed, by identity).

    Two paths that do not exist yet are the same file when their folders are the same
    folder and the names are equal, or equal but for case in a folder that ignores case
    (probed with a temporary file).

    >>> same_file(".", "./")
    True
    """
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        pass
    else:
        return os.path.samestat(sa, sb) or _same_across_devices(a, sa, b, sb)
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


def _same_across_devices(a: PathLike, sa: os.stat_result, b: PathLike,
                         sb: os.stat_result) -> bool:
    """Whether two files on different devices are one file seen through an overlay.

    overlayfs shows a file of its lower folder with the overlay's ``st_dev`` but the
    lower file's ``st_ino``: the same inode number, size and modification time (to the
    nanosecond) on two devices, and the same first 64 KiB, are taken as one file.  Two
    real copies that agree on all of these (``cp -a`` onto another file system that
    happened to pick the same inode number) are refused too: the safe mistake.  Not
    caught: a file copied up to the overlay's upper folder (a new inode: no longer the
    same file), and union mounts that invent inode numbers (``xino`` hashing, FUSE).
    """
    if sa.st_dev == sb.st_dev or not (stat.S_ISREG(sa.st_mode) and stat.S_ISREG(sb.st_mode)):
        return False
    if (sa.st_ino, sa.st_size, sa.st_mtime_ns) != (sb.st_ino, sb.st_size, sb.st_mtime_ns):
        return False
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            return fa.read(1 << 16) == fb.read(1 << 16)
    except OSError:
        return True  # unreadable: assume the worst


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
        quiet_unlink(name)


_FD_TABLE = re.compile(r"^/proc/[^/]+/(task/[^/]+/)?(fd|map_files)(/|$)")


def descriptor_link(path: Path) -> str | None:
    """The first step of ``path``'s resolution inside a process's descriptor table.

    ``/dev/stdout``, ``/dev/fd/N``, ``/proc/self/fd/N`` (and any symlink to them) are
    not files but a process's open descriptors: renaming over what they resolve to
    would replace the file the descriptor points to, losing its earlier content and
    every later append.  Resolved one symlink at a time, as the kernel does; None when
    no step passes through ``/proc/PID/fd`` or ``/proc/PID/map_files``.
    """
    parts = list(Path(os.path.abspath(path)).parts[1:])
    resolved = "/"
    hops = 0
    while parts:
        part = parts.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            resolved = os.path.dirname(resolved)
            continue
        candidate = os.path.join(resolved, part)
        if _FD_TABLE.match(candidate):
            return candidate
        try:
            link = os.readlink(candidate)
        except OSError:  # not a symlink, or missing: the rest is plain names
            resolved = candidate
            continue
        hops += 1
        if hops > 40:  # a loop: os.stat reports it later
            return None
        if os.path.isabs(link):
            resolved = "/"
        parts = list(Path(link).parts[1 if os.path.isabs(link) else 0:]) + parts
    return None
