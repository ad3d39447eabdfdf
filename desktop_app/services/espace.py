"""Opening the user's workspace: data directory, preferences, database (migrated), file store."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from desktop_app.causes import cause
from desktop_app.documents.store import ContentStore, fsync_dossier
from desktop_app.documents.worker import Atelier
from desktop_app.models.database import (
    REVISIONS,
    TETE,
    Database,
    DatabaseError,
    DatabaseTooNew,
    sqlite_url,
    trop_recente,
)
from desktop_app.models.database import pour_la_fenetre as pour_la_fenetre  # for the views
from desktop_app.paths import DataPaths, resolve_data_dir, sur_partage_reseau
from desktop_app.preferences import Preferences
from desktop_app.services.dates import format_datetime
from desktop_app.services.sauvegardes import (
    BaseInaccessible,
    Motif,
    Progression,
    Restauration,
    Sauvegarde,
    SauvegardeImpossible,
    a_jour,
    controle_rapide,
    lister,
    meilleure,
    nettoyer_debris,
    restaurer,
    revision,
    sauvegarder,
)

EN_EQUIPE = (
    "En mode équipe, la base PostgreSQL se sauvegarde et se restaure sur son serveur "
    "(pg_dump, pg_restore) : voyez avec son administrateur. Les sauvegardes de Contrôle PJ "
    "concernent la base locale."
)

T = TypeVar("T")


class BaseIndisponible(Exception):
    """The database did not answer (locked, unreachable, disk error): said in French. A write
    that raised it committed nothing. ``raison``: the cause alone, in a few words."""

    def __init__(self, message: str, raison: str) -> None:
        super().__init__(message)
        self.raison = raison


@dataclass
class Espace:
    paths: DataPaths
    preferences: Preferences
    db: Database
    store: ContentStore
    # Workers kept warm between imports; started with the first one. One import at a time.
    inspection: Atelier = field(default_factory=Atelier)

    def close(self) -> None:
        self.inspection.close()
        self.db.dispose()

    def lire(self, fonction: Callable[[Session], T]) -> T:
        """``fonction(session)`` in one read transaction: how the windows read the base."""
        return _dans(self.db.read, fonction, "La base de données n'a pas répondu ({}). "
                     "Réessayez ; si cela dure, fermez et rouvrez l'application.")  # fmt: skip

    def ecrire(self, fonction: Callable[[Session], T]) -> T:
        """``fonction(session)`` in one write transaction, committed when this returns: the
        only way the windows write, so that « Enregistré » always means committed."""
        return _dans(self.db.write, fonction, "Rien n'a été enregistré : la base de données "
                     "n'a pas répondu ({}). Réessayez.")  # fmt: skip

    def fenetre_attend(self) -> bool:
        """A write of the window waits for its turn: a background write made of steps ends
        at its next one (``TourDEcriture``; never, on a base opened read-only)."""
        tour = self.db.tour
        return tour is not None and tour.fenetre_attend()

    @property
    def locale(self) -> bool:
        """The database is the data directory's SQLite file (backed up by the application;
        a team's PostgreSQL is backed up on its server)."""
        return self.db.url == sqlite_url(self.paths.database) or bool(self.db.lecture_seule)

    def a_sauvegarder(self) -> bool:
        """A local database changed since its newest backup (never one read-only here)."""
        if not self.locale or self.db.lecture_seule:
            return False
        return not a_jour(self.paths.database, self.paths.sauvegardes)

    def sauvegarder(self, motif: str, progression: Progression | None = None) -> Sauvegarde:
        if not self.locale:
            raise SauvegardeImpossible(EN_EQUIPE)
        return sauvegarder(
            self.paths.database, self.paths.sauvegardes, motif, progression=progression
        )

    def restaurer(self, sauvegarde: Sauvegarde) -> Restauration:
        """Put a backup in place while the application runs (its sessions are short: the
        next one reads the restored base), then bring its schema up to this version's."""
        fait = restaurer(sauvegarde, self.paths.database, self.paths.sauvegardes, REVISIONS)
        self.db.migrate()
        return fait


def normaliser_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean our driver, psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class BaseEndommagee(DatabaseError):
    """The local database fails its check: it has not been touched; a backup may be offered."""

    def __init__(
        self, base: Path, sauvegardes: Path, raison: str, proposee: Sauvegarde | None
    ) -> None:
        self.base = base
        self.sauvegardes = sauvegardes
        self.raison = raison
        self.proposee = proposee
        texte = (
            f"La base {base} est endommagée : {raison}. Elle n'a pas été modifiée et ne le "
            "sera pas."
        )
        if proposee is not None:
            texte += (
                f" La sauvegarde la plus récente en bon état date du "
                f"{format_datetime(proposee.horodatage)} ({proposee.chemin.name}) : restaurez-la "
                "(la base endommagée sera conservée à côté, sous un autre nom)."
            )
        else:
            texte += " Aucune sauvegarde en bon état n'a été trouvée : contactez l'assistance."
        super().__init__(texte)


def ouvrir_espace(
    data_dir: str | Path | None = None,
    database_url: str | None = None,
    dossier_fichiers: str | Path | None = None,
) -> Espace:
    """Open (and create or migrate) the workspace. Raises DatabaseError with a French message
    the user can act on: a damaged local database raises BaseEndommagee, untouched."""
    paths = resolve_data_dir(data_dir)
    try:
        paths.ensure()
    except OSError as exc:
        raise DatabaseError(
            f"Impossible de créer le dossier des données {paths.root} : {cause(exc)}. "
            "Choisissez un autre dossier (--data-dir)."
        ) from exc
    preferences = Preferences.load(paths.preferences)
    url = normaliser_url(preferences.effective_database_url(database_url))
    if url and not url.startswith(("sqlite", "postgresql")):
        raise DatabaseError(
            f"Adresse de base non prise en charge : {_url_affichable(url)}. Indiquez une base "
            "PostgreSQL (postgresql://utilisateur@serveur/base) ou laissez vide pour la base "
            "locale."
        )
    fichiers = Path(dossier_fichiers or preferences.dossier_fichiers or paths.store)
    if url.startswith("postgresql") and not (dossier_fichiers or preferences.dossier_fichiers):
        raise DatabaseError(
            "En mode équipe, les fichiers des candidats sont rangés dans un dossier partagé "
            "par toute l'équipe : indiquez-le (Paramètres > Paramètres…, onglet Données, ou "
            "--dossier-fichiers)."
        )
    try:
        fichiers.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"Le dossier des fichiers {fichiers} est inaccessible : {cause(exc)}."
        ) from exc
    try:
        db = Database(url) if url else _base_locale(paths)
        db.migrate()
    except DatabaseError:
        raise
    except (SQLAlchemyError, ImportError, OSError, ValueError) as exc:
        where = _url_affichable(url) if url else str(paths.database)
        raise DatabaseError(f"Impossible d'ouvrir la base {where} : {cause(exc)}") from exc
    return Espace(paths, preferences, db, ContentStore(fichiers))


def donnees_locales(data_dir: str | Path | None, database_url: str | None) -> DataPaths:
    """The data directory of the local database, for backing it up or restoring it (which
    must work on a damaged database: nothing is opened here)."""
    paths = resolve_data_dir(data_dir)
    url = Preferences.load(paths.preferences).effective_database_url(database_url)
    if url and not url.startswith("sqlite"):
        raise DatabaseError(EN_EQUIPE)
    return paths


def _base_locale(paths: DataPaths) -> Database:
    """The local SQLite database, checked before anything opens it for writing; when its
    schema must change, a verified backup is taken first and put back if the change fails."""
    base = paths.database
    if sur_partage_reseau(base.parent):
        raise DatabaseError(
            f"Le dossier des données {base.parent} est sur un partage réseau : une base SQLite "
            "ne s'y utilise pas sans risque de la corrompre (son journal exige un disque "
            "local). Pour travailler à plusieurs, utilisez le mode équipe (une base "
            "PostgreSQL, Paramètres > Paramètres…, onglet Données) ; sinon choisissez un "
            "dossier local (--data-dir)."
        )
    pourquoi = _non_inscriptible(base.parent)
    if pourquoi:
        return _base_en_lecture(base, pourquoi)
    nettoyer_debris(paths.sauvegardes)
    if not base.exists() or (not lister(paths.sauvegardes) and _creation_interrompue(base)):
        return _creer(base)
    try:
        raison = controle_rapide(base) if base.stat().st_size else "le fichier est vide"
    except BaseInaccessible as exc:  # held, full disk…: said so, never called damaged
        raise DatabaseError(str(exc)) from exc
    if raison is not None:
        raise BaseEndommagee(base, paths.sauvegardes, raison, meilleure(paths.sauvegardes))
    schema = revision(base)
    if schema not in REVISIONS:
        raise DatabaseTooNew(trop_recente(schema))
    db = Database.sqlite(base)
    if schema == TETE:
        return db
    try:
        avant = sauvegarder(base, paths.sauvegardes, Motif.MIGRATION)
    except SauvegardeImpossible as exc:
        db.dispose()
        raise DatabaseError(
            f"La base doit être mise à jour, mais sa sauvegarde préalable a échoué : {exc} "
            "Rien n'a été modifié."
        ) from exc
    try:
        db.migrate()
    except Exception as exc:
        db.dispose()
        try:
            restaurer(avant, base, paths.sauvegardes, REVISIONS)
        except (SauvegardeImpossible, OSError) as echec:
            raise DatabaseError(
                f"La mise à jour de la base a échoué ({cause(exc)}) et sa remise en état "
                f"aussi ({echec}). La sauvegarde prise juste avant est intacte : "
                f"{avant.chemin}."
            ) from exc
        raise DatabaseError(
            f"La mise à jour de la base (schéma {schema} vers {TETE}) a échoué : "
            f"{cause(exc)}. La base a été remise dans son état d'avant, depuis la "
            f"sauvegarde {avant.chemin.name} : rien n'est perdu. Signalez ce message à "
            "l'assistance."
        ) from exc
    return db


def _dans(
    transaction: Callable[[], AbstractContextManager[Session]],
    fonction: Callable[[Session], T],
    message: str,
) -> T:
    """``fonction`` in ``transaction``; the database's own errors become BaseIndisponible with
    ``message`` (its ``{}`` is the cause in a few words)."""
    try:
        with transaction() as session:
            return fonction(session)
    except SQLAlchemyError as exc:
        raison = cause(exc)
        raise BaseIndisponible(message.format(raison), raison) from exc


def _non_inscriptible(dossier: Path) -> str:
    """Why nothing can be written in ``dossier`` (a read-only disk or share, no right), or ""."""
    if os.access(dossier, os.W_OK):
        return ""
    return (
        f"Le dossier des données {dossier} est en lecture seule (disque, partage ou droits) : "
        "la consultation fonctionne, mais rien ne peut y être enregistré. Pour travailler, "
        "choisissez un dossier où vous pouvez écrire (Paramètres, onglet Données, ou "
        "--data-dir)."
    )


def _base_en_lecture(base: Path, pourquoi: str) -> Database:
    """The base of a folder nobody may write here: opened read-only, never migrated."""
    if not base.exists():
        raise DatabaseError(f"Aucune base dans {base.parent}, et ce dossier est en lecture "
                            "seule : elle ne peut pas y être créée.")  # fmt: skip
    db = Database.sqlite_lecture_seule(base, pourquoi)
    try:
        schema = db.current_revision()
    except SQLAlchemyError as exc:
        db.dispose()
        raise DatabaseError(f"La base {base} ne peut pas être lue : {cause(exc)}.") from exc
    if schema != TETE:
        db.dispose()
        raise DatabaseError(
            trop_recente(schema) if schema not in REVISIONS else
            f"La base {base} doit être mise à jour pour cette version, mais son dossier est en "
            "lecture seule : ouvrez-la depuis un dossier où vous pouvez écrire."
        )  # fmt: skip
    return db


def _creer(base: Path) -> Database:
    """A new local base: its schema made in a file beside it, then moved into place, so that a
    first start killed at any moment leaves no half-made base (a later start makes it again)."""
    en_cours = base.with_name(base.name + ".creation")
    for reste in (
        en_cours,
        *(en_cours.with_name(en_cours.name + s) for s in ("-wal", "-shm", "-journal")),
    ):
        reste.unlink(missing_ok=True)
    nouvelle = Database.sqlite(en_cours)
    try:
        nouvelle.migrate()
    finally:
        nouvelle.dispose()  # the last connection closed: the WAL is folded into the file
    with en_cours.open("rb+") as handle:
        os.fsync(handle.fileno())
    for reste in (base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal")):
        reste.unlink(missing_ok=True)  # an empty base's, if any: never applied to the new one
    os.replace(en_cours, base)
    fsync_dossier(base.parent)
    return Database.sqlite(base)


def _creation_interrompue(base: Path) -> bool:
    """An empty file, or a schema begun by a start killed before it finished (an older version
    made it in place): no schema revision and not a single row. Read-only."""
    if base.stat().st_size == 0:
        return True
    try:
        connexion = sqlite3.connect(f"{base.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        tables = [
            r[0]
            for r in connexion.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        if (
            "alembic_version" in tables
            and connexion.execute("SELECT count(*) FROM alembic_version").fetchone()[0]
        ):
            return False
        return not any(connexion.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()
                       for t in tables)  # fmt: skip
    except sqlite3.Error:
        return False
    finally:
        connexion.close()


def _url_affichable(url: str) -> str:
    """The address without its password; never raises, even on an address that is not one."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "« adresse illisible »"
