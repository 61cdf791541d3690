"""Output safety: every file betaxl writes goes through here.

One module a concern: :mod:`.checks` (paths to write and read), :mod:`.identity` (one
file, many spellings), :mod:`.attributes` (owner, mode, extended attributes),
:mod:`.names` (temporary names, stale files), :mod:`.tmpfile` (Linux ``O_TMPFILE``)
and :mod:`.atomic` (the writes); this package gives their public interface.

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

from .atomic import atomic_file, atomic_files
from .attributes import new_file_mode
from .checks import check_input, check_output, read_input
from .errors import FileError
from .identity import same_file
from .names import remove_stale

__all__ = ["FileError", "atomic_file", "atomic_files", "check_input", "check_output",
           "new_file_mode", "read_input", "remove_stale", "same_file"]
