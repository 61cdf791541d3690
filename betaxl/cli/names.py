"""Names looked up in a file or among a flag's choices, refused in one wording.

Every door of the command line that takes a name (``--market``, ``--factors``,
``--assets``, ``--weights``, ``--dividends``, ``--date-column``, a flag's choices) refuses
an unknown one with :func:`unknown`: the name, "did you mean" the closest known one where
one is close (:func:`difflib.get_close_matches`, case folded), and the whole list of what
is known.  Lists of names are written by :func:`listing`: complete, or ending
"and N more".
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = ["MOST_COLUMNS", "closest", "listing", "unknown"]

#: a file's columns are listed in full up to this many (beyond, "and N more")
MOST_COLUMNS = 1000


def listing(names: Iterable[object], most: int = 10, *, quote: bool = True) -> str:
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


def unknown(name: object, known: Sequence[object], *, what: str,
            among: str = "its columns") -> str:
    """The words refusing ``name``, not among ``known``: ``what`` says where it was looked
    for (``"no column of returns.csv"``), ``among`` what the list of ``known`` is.

    >>> unknown("Mkt-RF", ["AAA", "MktRF"], what="no column of r.csv")
    "'Mkt-RF' is no column of r.csv; did you mean 'MktRF'? (its columns: 'AAA', 'MktRF')"
    """
    near = closest(str(name), known)
    hint = f"; did you mean {near!r}?" if near is not None else ""
    return f"{str(name)!r} is {what}{hint} ({among}: {listing(known, MOST_COLUMNS)})"
