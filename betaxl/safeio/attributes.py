"""What a replacement keeps of the file it replaces: owner, group, mode, extended attributes.

An owner or group that cannot be kept, or an attribute that cannot be copied, is
refused, never silently changed; a new file gets the mode ``open()`` would give it.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .errors import write_error

__all__ = ["copy_fd_xattrs", "copy_xattrs", "group_name", "new_file_mode", "owner_problem",
           "user_name"]


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


def user_name(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def group_name(gid: int) -> str:
    try:
        import grp

        return f"{grp.getgrgid(gid).gr_name} (gid {gid})"
    except (ImportError, KeyError):
        return f"gid {gid}"


def owner_problem(info: os.stat_result) -> str | None:
    """Why a file replacing one with ``info`` could not keep its owner or group, or None.

    Only root can give a file another owner, and only a member can give it a group: a
    replacement written by anyone else would silently change hands, and the real owner
    could lose access.
    """
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        return None
    me = os.geteuid()
    if info.st_uid != me:
        return (f"is owned by {user_name(info.st_uid)}; a replacement written by {user_name(me)} "
                f"would change its owner: run as {user_name(info.st_uid).split(' ')[0]} "
                "(or root), or write to a new file")
    if info.st_gid != os.getegid() and info.st_gid not in os.getgroups():
        return (f"belongs to group {group_name(info.st_gid)}, which {user_name(me)} is not in; a "
                "replacement would change its group: run as a member, or write to a new "
                "file")
    return None


def copy_xattrs(model: Path, fd: int, target: Path) -> None:
    """Give ``fd`` exactly ``model``'s extended attributes (POSIX ACLs included).

    Attributes the new file inherited (a folder's default ACL) but ``model`` lacks are
    removed; one that cannot be copied refuses the write (one line naming it).
    """
    if not hasattr(os, "listxattr"):
        return
    try:
        wanted = {name: os.getxattr(model, name) for name in os.listxattr(model)}
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            wanted = {}
        else:
            raise
    try:
        present = {name: os.getxattr(fd, name) for name in os.listxattr(fd)}
    except OSError as exc:
        if exc.errno not in (errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        present = {}
    for name in present.keys() - wanted.keys():
        try:
            os.removexattr(fd, name)
        except OSError as exc:
            if not name.startswith("security."):  # a label the system gives every file
                raise write_error(target, f"cannot drop the attribute {name} the new file "
                                    f"inherited ({exc.strerror}); nothing was written") from None
    acl = "system.posix_acl_access"
    for name in sorted(wanted, key=lambda n: n == acl):  # the ACL last: it sets the mode
        if present.get(name) == wanted[name]:
            continue
        try:
            os.setxattr(fd, name, wanted[name])
        except OSError as exc:
            raise write_error(target, f"cannot keep its attribute {name} ({exc.strerror}) here; "
                                "nothing was written: copy the file where extended "
                                "attributes are supported") from None


def copy_fd_xattrs(source: int, dest: int) -> None:
    if not hasattr(os, "listxattr"):
        return
    try:
        for name in os.listxattr(source):
            os.setxattr(dest, name, os.getxattr(source, name))
    except OSError as exc:
        if exc.errno not in (errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
