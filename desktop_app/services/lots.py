"""Long lists in slices: ids read one ``IN (...)`` at a time, bounded whatever the database;
rows freed a slice at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

LOT = 20_000  # ids per IN list
LIBEREES = 5_000  # rows freed at a time: a millisecond or two


def par_lots(ids: Sequence[int]) -> Iterator[list[int]]:
    """``ids`` in slices small enough for one ``IN (...)`` each."""
    for k in range(0, len(ids), LOT):
        yield list(ids[k : k + LOT])


def liberer(*listes: Sequence[Any]) -> None:
    """Empty these lists from the end, ``LIBEREES`` rows at a time. A list of 300,000 rows
    dropped at once (a function returning) is freed in one C call that holds the interpreter
    50-80 ms: computed in a thread beside the window, the window froze meanwhile. Between two
    slices its thread runs. Whoever else holds a row keeps it. (Rows read by ``.all()`` are
    a list typed as a sequence.)"""
    for liste in listes:
        while isinstance(liste, list) and liste:
            del liste[-LIBEREES:]
