"""User settings, read from JSON in the data directory (no Qt: the CLI reads them too).
Writing them comes with the settings dialog."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_DATABASE_URL = "CONTROLE_PJ_DATABASE_URL"


@dataclass
class Settings:
    # Empty means the SQLite file of the data directory; a postgresql+psycopg:// URL is team mode.
    database_url: str = ""
    gestionnaire: str = ""
    unknown: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Settings:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        if not isinstance(raw, dict):
            raw = {}
        known = {
            k: raw.pop(k) for k in ("database_url", "gestionnaire") if isinstance(raw.get(k), str)
        }
        return cls(**known, unknown=raw)

    def effective_database_url(self, option: str | None = None) -> str:
        return option or os.environ.get(ENV_DATABASE_URL) or self.database_url
