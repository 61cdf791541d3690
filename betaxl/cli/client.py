"""The Dask client of ``--engine dask`` (a scheduler given, or a quiet LocalCluster) and
its workers' peak memory.

A refusal raised in a task is the one line the command prints: distributed's own logs (a
worker's "Compute Failed" traceback, heartbeats) and warnings (a dashboard port in use)
stay out of the terminal.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["cluster", "peak_rss"]


@contextmanager
def cluster(args: argparse.Namespace) -> Iterator[Any]:
    """A Dask client: on ``--scheduler`` if given, else on a LocalCluster on 127.0.0.1
    that is closed when the block ends."""
    from distributed import Client, LocalCluster

    if args.scheduler:
        client = Client(args.scheduler, timeout="30s")
        try:
            yield client
        finally:
            client.close()
        return
    import logging

    quiet = logging.CRITICAL + 1
    loggers = [logging.getLogger(name) for name in ("distributed", "bokeh")]
    levels = [logger.level for logger in loggers]
    try:
        for logger in loggers:
            logger.setLevel(quiet)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"distributed(\.|$)")
            with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=":0", silence_logs=quiet,
                              memory_limit=args.memory_limit) as local, \
                    Client(local) as client:
                yield client
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def peak_rss() -> int:
    """This process's peak resident memory in bytes.

    Linux's VmHWM, which starts afresh at exec; not getrusage's ru_maxrss, which Linux
    carries across fork and exec, so a worker spawned by a large process would report its
    parent's peak.  Elsewhere ru_maxrss (KiB on Linux and BSD) is the best there is.
    """
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024
    except (OSError, StopIteration):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
