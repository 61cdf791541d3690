"""Names looked up in a file or among a flag's choices, refused in one wording.

Every door of the command line that takes a name (``--market``, ``--factors``,
``--assets``, ``--weights``, ``--dividends``, ``--date-column``, a flag's choices) refuses
an unknown one with :func:`check_names`: the name, "did you mean" the closest known one where
one is close (:func:`difflib.get_close_matches`, case folded), and the whole list of what
is known.  Lists of names are written by :func:`listing`: complete, or ending
"and N more".
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable, Sequence

from .sources import ReadError

__all__ = ["MOST_COLUMNS", "check_names", "chosen_assets", "closest", "listing",
           "split_names"]

#: a file's columns are listed in full up to this many (beyond, "and N more")
MOST_COLUMNS = 1000


def listing(names: Iterable[object], most: int = 20, *, quote: bool = True) -> str:
    """``names`` joined by commas, complete up to ``most``, else ending "and N more".

    >>> listing(["A", "B"])
    "'A', 'B'"
    >>> listing(["A", "B", "C", "D"], most=2, quote=False)
    'A, B and 2 more'
    """
    items = [repr(str(n)) if quote else str(n) for n in names]
    if len(items) <= most:
        return ", ".join(items)
    return ", ".join(items[:most]) + f" and {len(items) - most:,} more"


def closest(name: str, known: Sequence[object]) -> str | None:
    """The known name closest to ``name`` (case folded, difflib's ratio 0.6), or None.

    >>> closest("Mkt-RF", ["AAA", "MktRF", "RF"]), closest("spx", ["SPX", "AAPL"])
    ('MktRF', 'SPX')
    >>> closest("zzz", ["AAA"]) is None
    True
    """
    folded: dict[str, str] = {}
    for item in known:
        folded.setdefault(str(item).casefold(), str(item))
    found = difflib.get_close_matches(str(name).casefold(), list(folded), n=1)
    return folded[found[0]] if found else None


def split_names(text: str) -> list[str]:
    """A flag's list of names (``--assets``, ``--factors``, ``--weights``), separated by
    commas as a CSV line is: a name holding a comma goes in double quotes.

    >>> split_names('"Banco Bilbao, S.A.", AAPL')
    ['Banco Bilbao, S.A.', 'AAPL']
    >>> split_names('"Banco, S.A."=0.5,EURUSD=X=0.5')
    ['Banco, S.A.=0.5', 'EURUSD=X=0.5']
    """
    return [n.strip() for n in next(csv.reader([text], skipinitialspace=True), [""])]


def _comma_hint(absent: Sequence[str], known: Sequence[object]) -> str:
    """How to give a name holding a comma, where a known one does and an absent name is
    a piece of it (``--assets Banco Bilbao, S.A.`` read as two names)."""
    held = [str(k) for k in known if "," in str(k)
            and any(a and a.casefold() in str(k).casefold() for a in absent)]
    if not held:
        return ""
    return (f"; a name holding a comma goes in double quotes: '\"{held[0]}\"' "
            "(quote the whole value for the shell)")


def check_names(names: Sequence[object], known: Sequence[object], *, source: str,
                flag: str, among: str = "its columns", noun: str = "column") -> None:
    """Refuse the ``names`` not among ``known`` (the columns of ``source``, for ``flag``):
    each with "did you mean" where one is close, and the whole list of ``known``.

    >>> try:
    ...     check_names(["mkt"], ["A", "MKT"], source="f.csv", flag="--market")
    ... except ReadError as exc:
    ...     print(exc)
    f.csv: no column named 'mkt' for --market; did you mean 'MKT'? (its columns: 'A', 'MKT')
    """
    present = set(map(str, known))
    absent = [str(n) for n in names if str(n) not in present]
    if not absent:
        return
    near = {n: closest(n, known) for n in absent}
    pairs = [(n, m) for n, m in near.items() if m is not None]
    if len(absent) == 1 and pairs:
        hint = f"; did you mean {pairs[0][1]!r}?"
    elif pairs:
        hint = "; did you mean " + listing([f"{m!r} for {n!r}" for n, m in pairs],
                                           quote=False) + "?"
    else:
        hint = ""
    hint += _comma_hint(absent, known)
    noun = noun if len(absent) == 1 else noun + "s"
    raise ReadError(f"{source}: no {noun} named {listing(absent)} for {flag}{hint} "
                    f"({among}: {listing(known, MOST_COLUMNS)})")


def chosen_assets(text: str, available: Sequence[object], *, source: str,
                  taken: dict[str, object]) -> list[str]:
    """``--assets A,B,...``: the asset columns to work on, in the order given.

    ``available`` are the file's asset columns, ``taken`` the special columns by flag
    (``{"--market": "MktRF"}``, a list for ``--factors``): those are always read, and
    naming one in ``--assets`` is refused, as is a name twice or a name not in the file
    (:func:`check_names`).  Names are separated by commas (:func:`split_names`).
    """
    names = split_names(text)
    if not all(names):
        raise ReadError(f"--assets: {text!r} must be column names separated by commas")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ReadError(f"--assets: {listing(twice)} named twice")
    for flag, columns in taken.items():
        for column in columns if isinstance(columns, list) else [columns]:
            if column is not None and str(column) in names:
                the = "a" if isinstance(columns, list) else "the"
                raise ReadError(f"--assets: {str(column)!r} is {the} {flag} column, which is "
                                "always read; --assets chooses among the other columns")
    check_names(names, [str(a) for a in available], source=source, flag="--assets",
                among="its asset columns")
    return names
