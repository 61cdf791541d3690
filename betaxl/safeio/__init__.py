"""Output safety: every file betaxl writes goes through here.

Rules, for every command that writes a file:

* **Never over an input.**  :func:`same_file` compares identities (``st_dev`` and
  ``st_ino`` of ``os.stat``), not path strings, so a symlink, a hard link, a ``..``
  path, a bind mount or another spelling on a case-insensitive file system are all
  recognised as the file they are.  Replacing an input needs an explicit ``in_place``.
* **Only over a regular file.**  An existing target that is a directory, FIFO, socket
  or device (``/dev/null``) is refused, as is a read-only file and a missing folder,
  and any path whose resolution passes through a process's descriptor table
  (``/dev/stdout``, ``/dev/fd/N``, ``/proc/PID/fd/N``): renaming over it would replace
  the file the descriptor points to, and lose its content and every later append.
* **Complete or not at all.**  The bytes go to an anonymous temporary file in the
  target's folder (Linux ``O_TMPFILE``; a named temporary file elsewhere), which is
  flushed and fsynced, then renamed over the target in one step.  Out of disk space,
  over a file-size limit or out of memory: one line (:class:`FileError`), the target
  unchanged, no temporary file left behind.  :func:`atomic_files` does the same for
  several files at once, all or none.
* **Permissions.**  A replaced file keeps its mode, owner, group and every extended
  attribute (POSIX ACLs are ``system.posix_acl_access``; attributes the folder's
  default ACL would give are dropped); ``like=`` copies them from another file (an
  in-place rewrite of a 0600 workbook stays 0600).  An owner or group that cannot be
  kept (not root; not a member of the group) or an attribute that cannot be copied is
  refused, never silently changed.  A new file is created as ``open()`` creates one:
  ``0o666`` less the umask, or the folder's default ACL where there is one.
* **Names.**  Temporary and backup names are short (``.betaxl-HOST-PID-N.tmp`` /
  ``.old``, at most 30 bytes), so any writable name can be rewritten; what a killed
  process left is removed by the next write into that folder.
* **Symlinks** are written through: the link stays a link and its target gets the new
  content.
* **Hard links** are not: the rename gives the path a new inode, so the other names of
  the old file keep the old content (the price of never being half-written).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..errors import BetaxlError

__all__ = ["FileError", "atomic_file", "atomic_files", "check_input", "check_output",
           "new_file_mode", "read_input", "remove_stale", "same_file"]

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
    through = _descriptor_link(path)
    if through is not None:
        raise _fail(path, f"leads through a process's open-file table ({through}); "
                          "replacing it would lose what that descriptor points to: "
                          "name a file to write, or redirect with > instead of -o")
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
        owner = _owner_problem(info)
        if owner:
            raise _fail(path, owner)
    folder = path.parent
    if not folder.is_dir():
        raise _fail(path, f"cannot write: folder {folder} does not exist")
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
    if _descriptor_link(p) is not None:
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


_FD_TABLE = re.compile(r"^/proc/[^/]+/(task/[^/]+/)?(fd|map_files)(/|$)")


def _descriptor_link(path: Path) -> str | None:
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


def _user(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _group(gid: int) -> str:
    try:
        import grp

        return f"{grp.getgrgid(gid).gr_name} (gid {gid})"
    except (ImportError, KeyError):
        return f"gid {gid}"


def _owner_problem(info: os.stat_result) -> str | None:
    """Why a file replacing one with ``info`` could not keep its owner or group, or None.

    Only root can give a file another owner, and only a member can give it a group: a
    replacement written by anyone else would silently change hands, and the real owner
    could lose access.
    """
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        return None
    me = os.geteuid()
    if info.st_uid != me:
        return (f"is owned by {_user(info.st_uid)}; a replacement written by {_user(me)} "
                f"would change its owner: run as {_user(info.st_uid).split(' ')[0]} "
                "(or root), or write to a new file")
    if info.st_gid != os.getegid() and info.st_gid not in os.getgroups():
        return (f"belongs to group {_group(info.st_gid)}, which {_user(me)} is not in; a "
                "replacement would change its group: run as a member, or write to a new "
                "file")
    return None


def _copy_xattrs(model: Path, fd: int, target: Path) -> None:
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
                raise _fail(target, f"cannot drop the attribute {name} the new file "
                                    f"inherited ({exc.strerror}); nothing was written") from None
    acl = "system.posix_acl_access"
    for name in sorted(wanted, key=lambda n: n == acl):  # the ACL last: it sets the mode
        if present.get(name) == wanted[name]:
            continue
        try:
            os.setxattr(fd, name, wanted[name])
        except OSError as exc:
            raise _fail(target, f"cannot keep its attribute {name} ({exc.strerror}) here; "
                                "nothing was written: copy the file where extended "
                                "attributes are supported") from None


_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
_OURS = re.compile(r"^\.betaxl-([0-9a-f]{6})-(\d+)-\d+\.(tmp|old)$")
_OLD_STYLE = re.compile(r"^\..*\.(\d+)\.\d+\.betaxl-(tmp|old)$")


def _temp_name(folder: Path, kind: str) -> Iterator[str]:
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
            for name in _temp_name(self.folder, "tmp"):
                try:
                    fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
                except FileExistsError:
                    continue
                except OSError as exc:
                    raise _fail(self.target, f"cannot write here ({exc.strerror})") from None
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
            self.tmp = _link_anonymous(self.handle, self.folder)
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
                problem = _owner_problem(info) or (
                    f"cannot keep its owner {_user(info.st_uid)} and group "
                    f"{_group(info.st_gid)}")
                raise _fail(self.target, f"{problem}; nothing was written") from None
        os.fchmod(fd, stat.S_IMODE(info.st_mode))
        _copy_xattrs(model, fd, self.target)

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
    for folder in {p.parent for p in paths}:
        remove_stale(folder)
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
                    _quiet_unlink(spare)
            raise
    except OSError as exc:
        raise _explain(current, exc) from None
    for _, _, spare in named:
        if spare is not None:
            _quiet_unlink(spare)
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


def _quiet_unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _keep_old(target: Path) -> str:
    """A second name for ``target``'s current file, to restore it if a later rename fails."""
    for name in _temp_name(target.parent, "old"):
        try:
            os.link(target, name)
        except FileExistsError:
            continue
        except OSError:  # no hard links on this file system: a copy does the same job
            shutil.copy2(target, name)
        return name
    raise AssertionError("unreachable")  # pragma: no cover


def _link_anonymous(handle: IO[bytes], folder: Path) -> str:
    """Give a complete O_TMPFILE file a (temporary) name in ``folder``.

    linkat(AT_EMPTY_PATH) first, then the /proc/self/fd link; where neither is allowed
    the bytes are copied to a named temporary file.
    """
    fd = handle.fileno()
    for path in _temp_name(folder, "tmp"):
        if _linkat_empty_path(fd, path):
            return path
        try:
            os.link(f"/proc/self/fd/{fd}", path, follow_symlinks=True)
            return path
        except FileExistsError:
            continue
        except OSError:
            break
    for path in _temp_name(folder, "tmp"):
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
            _copy_fd_xattrs(fd, copy.fileno())
            os.fsync(copy.fileno())
    except BaseException:
        os.unlink(path)
        raise
    return path


def _copy_fd_xattrs(source: int, dest: int) -> None:
    if not hasattr(os, "listxattr"):
        return
    try:
        for name in os.listxattr(source):
            os.setxattr(dest, name, os.getxattr(source, name))
    except OSError as exc:
        if exc.errno not in (errno.ENOTSUP, errno.EOPNOTSUPP):
            raise


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
