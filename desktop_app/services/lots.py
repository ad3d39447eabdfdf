"""Long lists of ids, read in slices: one ``IN (...)`` each, bounded whatever the database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

LOT = 20_000  # ids per IN list


def par_lots(ids: Sequence[int]) -> Iterator[list[int]]:
    """``ids`` in slices small enough for one ``IN (...)`` each."""
    for k in range(0, len(ids), LOT):
        yield list(ids[k : k + LOT])
