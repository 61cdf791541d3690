"""FileError: a file that cannot be read or written, said in one line (the file and why)."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import BetaxlError

__all__ = ["FileError", "PathLike", "write_error"]

PathLike = str | os.PathLike[str]


class FileError(BetaxlError):
    """A file that cannot be read or written as asked (one line: the file and why)."""


def write_error(path: PathLike, text: str) -> FileError:
    return FileError(f"{Path(path).name}: {text}", func="write", arg=os.fspath(path))
