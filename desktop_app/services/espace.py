"""Opening the user's workspace: data directory, settings, database (migrated), file store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.documents.store import ContentStore
from desktop_app.documents.worker import InspectionWorker
from desktop_app.models.database import Database
from desktop_app.paths import DataPaths, resolve_data_dir
from desktop_app.settings import Settings


@dataclass
class Espace:
    paths: DataPaths
    settings: Settings
    db: Database
    store: ContentStore
    # Kept warm between imports; started with the first one. One import at a time uses it.
    inspection: InspectionWorker = field(default_factory=InspectionWorker)

    def close(self) -> None:
        self.inspection.close()
        self.db.dispose()


def ouvrir_espace(data_dir: str | Path | None = None, database_url: str | None = None) -> Espace:
    paths = resolve_data_dir(data_dir).ensure()
    settings = Settings.load(paths.settings)
    url = settings.effective_database_url(database_url)
    db = Database(url) if url else Database.sqlite(paths.database)
    db.migrate()
    return Espace(paths, settings, db, ContentStore(paths.store))
