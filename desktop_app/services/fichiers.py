"""Files the application writes for the user (exports, letters): written beside their final
name, then renamed, so that a crash or a cancel never leaves half a file under that name."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def fichier_atomique(destination: Path) -> Iterator[Path]:
    """A temporary path to write; it becomes ``destination`` when the block ends without error,
    and disappears otherwise."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, nom = tempfile.mkstemp(dir=destination.parent, prefix=".ecriture-", suffix=".tmp")
    os.close(fd)
    temporaire = Path(nom)
    try:
        yield temporaire
        os.replace(temporaire, destination)
    finally:
        temporaire.unlink(missing_ok=True)


def ecrire_atomique(destination: Path, donnees: bytes) -> None:
    with fichier_atomique(destination) as temporaire:
        temporaire.write_bytes(donnees)
