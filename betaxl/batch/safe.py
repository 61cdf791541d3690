"""Output safety: betaxl.safeio when present, else an equivalent local fallback.

``check_output`` refuses an output that is an input (by file identity, not path text) or
is not a regular file; ``atomic_files`` writes several files all or none.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..workbook.package import FileError, atomic_file

__all__ = ["FileError", "atomic_files", "check_output", "same_file"]


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths lead to the same file (symlinks, hard links, ``..``)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(os.path.realpath(a)) == Path(os.path.realpath(b))


def check_output(target: Path, *, inputs: Sequence[Path] = (), in_place: bool = False) -> None:
    """Refuse an output that is one of the inputs, or exists as something else than a file."""
    for source in inputs:
        if not in_place and same_file(target, source):
            raise FileError(f"{target.name}: that is the input file {Path(source).name}; "
                            "choose another -o")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise FileError(f"{target.name}: cannot write ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise FileError(f"{target.name}: exists and is not a regular file (a directory, "
                        "device, FIFO or socket); refusing to write over it")


def atomic_files(files: Mapping[Path, bytes], *, inputs: Sequence[Path] = ()) -> None:
    """Write every file or none: all are complete on disk before any takes its name."""
    for target in files:
        check_output(target, inputs=inputs)
    if len({os.path.realpath(t) for t in files}) != len(files):
        raise FileError("two outputs would be the same file")
    written: list[tuple[Path, bytes | None]] = []
    try:
        for target, data in files.items():
            old = target.read_bytes() if target.exists() else None
            with atomic_file(target) as handle:
                handle.write(data)
            written.append((target, old))
    except BaseException:
        for target, old in reversed(written):  # put back what was there before
            try:
                if old is None:
                    target.unlink()
                else:
                    with atomic_file(target) as handle:
                        handle.write(old)
            except OSError:
                pass
        raise


try:  # the shared implementation, once present
    from ..safeio import atomic_files as _shared_atomic_files  # type: ignore[attr-defined]
    from ..safeio import check_output as _shared_check_output  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the merge order
    pass
