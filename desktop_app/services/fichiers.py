"""Files the application writes for the user (exports, letters): written beside their final
name, then renamed, so that a crash or a cancel never leaves half a file under that name; and
named from sanitised components only, always inside the folder the user chose."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop_app.causes import Refus


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


class HorsDuDossier(Refus, ValueError):
    """A name built from the data would leave the folder the user chose."""


def composant(texte: str, longueur: int = 60) -> str:
    """Letters, digits and « - » only, without accents: any file system and any zip keeps it,
    and it can never be a separator or « .. »."""
    sans = "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", sans).strip("-")[:longueur] or "sans-nom"


def dans(dossier: Path, *noms: str) -> Path:
    """``dossier / noms…``, refused if it would end outside ``dossier`` (the names come from a
    package: its fields are checked at import, and here again)."""
    chemin = dossier.joinpath(*noms)
    if not chemin.resolve().is_relative_to(dossier.resolve()) or chemin == dossier:
        raise HorsDuDossier(f"Nom de fichier refusé : « {'/'.join(noms)} » sortirait de {dossier}.")
    return chemin
