"""The preferences of the gestionnaire on this poste (name, reasons, spécialités, data folder,
team database), read from JSON in the data directory (no Qt: the CLI reads them too). Not to
be confused with the campaign's réglages (services/reglages.py), shared by the bureau."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_DATABASE_URL = "CONTROLE_PJ_DATABASE_URL"


@dataclass
class Preferences:
    # Empty means the SQLite file of the data directory; a postgresql+psycopg:// URL is team mode.
    database_url: str = ""
    # Where the candidates' files are kept; empty: the data directory. In team mode a folder
    # every gestionnaire reaches (a network share is fine for the files, not for SQLite).
    dossier_fichiers: str = ""
    gestionnaire: str = ""  # recorded in every decision; asked once
    specialites: list[str] = field(default_factory=list)  # "mes spécialités"
    motifs: list[str] = field(default_factory=list)  # empty: the default catalogue
    unknown: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Preferences:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        if not isinstance(raw, dict):
            raw = {}
        textes = ("database_url", "dossier_fichiers", "gestionnaire")
        known: dict[str, object] = {k: raw.pop(k) for k in textes if isinstance(raw.get(k), str)}
        for k in ("specialites", "motifs"):
            value = raw.get(k)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                known[k] = raw.pop(k)
        # type: ignore below: the known keys were checked one by one above.
        return cls(**known, unknown=raw)  # type: ignore[arg-type]

    def save(self, path: Path) -> None:
        """Write atomically (a crash never leaves half a file); unknown keys are kept."""
        data = {
            **self.unknown,
            "database_url": self.database_url,
            "dossier_fichiers": self.dossier_fichiers,
            "gestionnaire": self.gestionnaire,
            "specialites": self.specialites,
            "motifs": self.motifs,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        temporaire = path.with_name(path.name + ".tmp")
        with temporaire.open("w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporaire, path)

    def effective_database_url(self, option: str | None = None) -> str:
        return option or os.environ.get(ENV_DATABASE_URL) or self.database_url
