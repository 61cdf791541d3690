"""Stand-ins for pywin32 so that classic xlwings imports on Linux, for real.

With these in ``sys.modules`` (and ``sys.platform`` set to "win32" only while xlwings is
imported), ``xlwings.func`` is xlwings' own classic ``xlfunc`` and
``xlwings.udfs.call_udf`` / ``generate_vba_wrapper`` run as they do under Excel.  Used by
the classic runtime tests and the UDF benchmark; call :func:`install_stand_ins` before
anything imports xlwings.
"""

from __future__ import annotations

import asyncio  # noqa: F401  (imported before sys.platform is switched below)
import concurrent.futures  # noqa: F401
import ctypes
import datetime as dt
import logging  # noqa: F401
import subprocess  # noqa: F401
import sys
import tempfile  # noqa: F401
import threading  # noqa: F401
import types
from typing import Any


class _Anything:
    """Answers every attribute, call, index and iteration: a COM object that is never used."""

    def __init__(self, name: str = "stub") -> None:
        self._name = name

    def __getattr__(self, item: str) -> _Anything:
        return _Anything(f"{self._name}.{item}")

    def __call__(self, *args: Any, **kwargs: Any) -> _Anything:
        return _Anything(f"{self._name}()")

    def __mro_entries__(self, bases: tuple) -> tuple:
        return (object,)

    def __getitem__(self, key: Any) -> _Anything:
        return _Anything(f"{self._name}[]")

    def __iter__(self):
        return iter(())

    def __or__(self, other: Any) -> _Anything:
        return self

    __ror__ = __or__


def _module(name: str, **attrs: Any) -> types.ModuleType:
    mod = types.ModuleType(name)

    def attribute(item: str) -> _Anything:
        if item.startswith("__"):  # __file__, __spec__ ...: tools that scan modules ask
            raise AttributeError(item)
        return _Anything(f"{name}.{item}")

    mod.__getattr__ = attribute  # type: ignore[method-assign]
    mod.__path__ = []  # type: ignore[attr-defined]
    for key, value in attrs.items():
        setattr(mod, key, value)
    sys.modules[name] = mod
    return mod


def install_stand_ins() -> None:
    class com_error(Exception):
        pass

    _module("pywintypes", TimeType=dt.datetime, com_error=com_error)
    _module("pythoncom", __file__="pythoncom")  # only handed to the stubbed PyDLL
    for name in ("win32api", "win32con", "win32gui", "win32process", "win32event"):
        _module(name)
    # xlwings writes a datetime result as a UTC-stamped pywintypes time (a datetime here)
    _module("win32timezone", TimeZoneInfo=types.SimpleNamespace(utc=lambda: dt.timezone.utc))
    win32com = _module("win32com")
    client = _module("win32com.client", CDispatch=type("CDispatch", (), {}),
                     CoClassBaseClass=object, Dispatch=lambda *a, **k: _Anything("Dispatch"))
    win32com.client = client  # type: ignore[attr-defined]
    server = _module("win32com.server")
    win32com.server = server  # type: ignore[attr-defined]
    for sub in ("dispatcher", "policy", "util", "register", "exception"):
        setattr(server, sub, _module("win32com.server." + sub))
    for attr in ("windll", "oledll"):
        if not hasattr(ctypes, attr):
            setattr(ctypes, attr, _Anything(attr))
    platform, pydll = sys.platform, ctypes.PyDLL
    sys.platform = "win32"
    ctypes.PyDLL = lambda *a, **k: _Anything("PyDLL")  # type: ignore[assignment,misc]
    try:
        import xlwings
    finally:
        sys.platform = platform
        ctypes.PyDLL = pydll  # type: ignore[misc]
    assert xlwings.has_pywin32, "the classic runtime did not load"
    assert "xlwings.udfs" in sys.modules


