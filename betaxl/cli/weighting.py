"""``--weights`` as given: pairs on the command line, or a file read as the data are.

A weights file (``name,weight`` rows, or a schedule: dates down the first column and a
column per asset) is read by the data files' reader (:func:`betaxl.cli.sources.read_raw`:
the separator and decimal mark sniffed, workbooks, Parquet, the same refusals in one
line).  Pairs ``NAME=W`` are split on their last ``=`` (Yahoo's ``EURUSD=X=0.5``), names
separated as a CSV line is (a name holding a comma in double quotes).  A name given twice,
on the command line or on two rows of a file, is refused, naming it.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from .names import listing, split_names
from .sniffing import column_name
from .sources import ReadError, ReadOptions, read_raw

__all__ = ["flag_pairs", "read_weights_file", "weight_pairs", "weights_by_name"]


def read_weights_file(path: Path, args: argparse.Namespace) -> pd.DataFrame:
    """The weights file as the data reader reads it, its first row the header."""
    opts = ReadOptions(sep=args.sep, decimal=args.decimal,
                       thousands=getattr(args, "thousands", None))
    raw = read_raw(str(path), opts)
    raw.attrs.pop("notes", None)
    if raw.shape[0] == 0 and raw.shape[1] == 0:
        raise ReadError(f"{path.name}: is empty; a weights file holds rows of name,weight")
    return raw


def weight_pairs(raw: pd.DataFrame, name: str) -> list[tuple[str, object]]:
    """A ``name,weight`` file's rows as pairs; a header row of two names is left out, a
    first row of a name and a number (no header) is a pair."""
    if raw.shape[1] != 2:
        raise ReadError(f"{name}: a weights file has two columns, name and weight "
                        f"(it has {raw.shape[1]}: {listing(raw.columns)})")
    head = [str(c) for c in raw.columns]
    pairs: list[tuple[str, object]] = []
    if not pd.isna(pd.to_numeric(head[1], errors="coerce")):  # no header: a first pair
        pairs.append((head[0], head[1]))
    pairs.extend((column_name(k), v) for k, v in  # names as the data's columns are named
                 zip(raw.iloc[:, 0], raw.iloc[:, 1], strict=True))
    if not pairs:
        raise ReadError(f"{name}: holds no weights (only its header {head[0]!r}, "
                        f"{head[1]!r})")
    return pairs


def flag_pairs(text: str) -> list[tuple[str, object]]:
    """``--weights A=0.6,B=0.4`` as pairs, each split on its last ``=``."""
    pairs: list[tuple[str, object]] = []
    for item in split_names(text):
        if "=" not in item:
            raise ReadError(f"--weights: {item!r} is not NAME=WEIGHT (or a file)")
        key, value = item.rsplit("=", 1)
        pairs.append((key.strip(), value.strip()))
    return pairs


def weights_by_name(pairs: list[tuple[str, object]], source: str) -> dict[str, float]:
    """The pairs as a mapping; a weight that is not a number, or a name given twice, is
    refused, naming it (``source``: ``--weights`` or the file)."""
    weights: dict[str, float] = {}
    for key, value in pairs:
        if key in weights:
            raise ReadError(f"{source}: {key!r} is given twice; give each asset's weight "
                            "once")
        try:
            weights[key] = float(str(value).strip())
        except ValueError:
            weights[key] = math.nan
        if not math.isfinite(weights[key]):
            shown = "blank" if pd.isna(value) or not str(value).strip() else repr(value)
            raise ReadError(f"{source}: {key}'s weight {shown} is not a number "
                            "(0.25 for 25%; give 0 to leave an asset out)")
    return weights
