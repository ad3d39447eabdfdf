"""The hash of a history entry (a decision): what the audit chain is made of. Here, beside the
entities, because the migration that chained the existing history uses it too."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESE = "0" * 64  # the "previous hash" of the first entry
# What an import writes in the history when a new file resets a pièce's status: a note that
# stands for the empty comment the pièce then has (the verification knows it).
NOTE_NOUVEAU_DEPOT = "Nouveau dépôt du candidat"

CHAMPS = (
    "piece_id",
    "gestionnaire",
    "horodatage",
    "ancien_statut",
    "nouveau_statut",
    "commentaire",
    "date_reception",
    "source",
    "import_id",
)


def _valeur(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        if v.tzinfo is None:
            raise ValueError("horodatage sans fuseau horaire")
        u = v.astimezone(dt.UTC)  # as strftime("%Y-%m-%dT%H:%M:%S.%fZ") writes it, 6 × faster
        # in a process with PySide6 (its import hook runs at each strftime)
        return (f"{u.year}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:"
                f"{u.second:02d}.{u.microsecond:06d}Z")  # fmt: skip
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "name"):  # Statut, SourceDecision: stored by name
        return v.name
    return v


def empreinte(precedente: str, entree: Mapping[str, Any]) -> str:
    """The entry's hash: SHA-256 of the previous hash and the entry's fields, in a fixed
    order and a fixed text form (UTC to the microsecond, enums by name)."""
    valeurs = [precedente, *(_valeur(entree.get(c)) for c in CHAMPS)]
    if entree.get("fichiers") is not None:  # since schema 0007: the files decided upon
        valeurs.append(entree["fichiers"])
    contenu = json.dumps(valeurs, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(contenu.encode("utf-8")).hexdigest()
