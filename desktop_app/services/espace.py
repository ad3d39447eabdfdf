"""Opening the user's workspace: data directory, settings, database (migrated), file store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from desktop_app.documents.store import ContentStore
from desktop_app.documents.worker import Atelier
from desktop_app.models.database import Database, DatabaseError
from desktop_app.paths import DataPaths, resolve_data_dir
from desktop_app.settings import Settings


@dataclass
class Espace:
    paths: DataPaths
    settings: Settings
    db: Database
    store: ContentStore
    # Workers kept warm between imports; started with the first one. One import at a time.
    inspection: Atelier = field(default_factory=Atelier)

    def close(self) -> None:
        self.inspection.close()
        self.db.dispose()


def normaliser_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean our driver, psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def ouvrir_espace(data_dir: str | Path | None = None, database_url: str | None = None) -> Espace:
    """Open (and create or migrate) the workspace. Raises DatabaseError with a French message
    the user can act on."""
    paths = resolve_data_dir(data_dir)
    try:
        paths.ensure()
    except OSError as exc:
        raise DatabaseError(
            f"Impossible de créer le dossier des données {paths.root} : {exc.strerror or exc}. "
            "Choisissez un autre dossier (--data-dir)."
        ) from exc
    settings = Settings.load(paths.settings)
    url = normaliser_url(settings.effective_database_url(database_url))
    if url and not url.startswith(("sqlite", "postgresql")):
        raise DatabaseError(
            f"Adresse de base non prise en charge : {_url_affichable(url)}. Indiquez une base "
            "PostgreSQL (postgresql://utilisateur@serveur/base) ou laissez vide pour la base "
            "locale."
        )
    try:
        db = Database(url) if url else Database.sqlite(paths.database)
        db.migrate()
    except DatabaseError:
        raise
    except (SQLAlchemyError, ImportError, OSError, ValueError) as exc:
        where = _url_affichable(url) if url else str(paths.database)
        raise DatabaseError(f"Impossible d'ouvrir la base {where} : {_raison(exc)}") from exc
    return Espace(paths, settings, db, ContentStore(paths.store))


def _url_affichable(url: str) -> str:
    """The address without its password; never raises, even on an address that is not one."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "« adresse illisible »"


def _raison(exc: BaseException) -> str:
    if isinstance(exc, SQLAlchemyError) and getattr(exc, "orig", None) is not None:
        exc = exc.orig  # type: ignore[assignment]
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text
