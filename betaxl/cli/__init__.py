"""The ``betaxl`` command line: subcommands, data files in and out, the Dask engine."""

from .program import main

__all__ = ["main"]
