"""Backups of the local SQLite database, its health, and restoring it.

A backup is taken with SQLite's online backup API (a consistent copy while the application
works) into a temporary file of the backup folder, re-opened and checked with
``PRAGMA integrity_check``, flushed to disk, and only then moved into place under its final
name: a backup that is listed is a backup that opens. Rotation keeps the most recent ones and
one per day, week and month.

A damaged database is never written to: ``examiner`` reads it read-only, and restoring first
sets it aside, untouched, beside the new one. Team mode (PostgreSQL) is backed up on the
server (pg_dump): nothing here applies to it."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.causes import Refus, cause
from desktop_app.documents.store import fsync_dossier
from desktop_app.services.dates import now_utc

Progression = Callable[[int, int, str], None]
ENTETE_SQLITE = b"SQLite format 3\x00"
SUFFIXE = ".sqlite3"
_NOM = re.compile(r"^controle-pj-(\d{8}-\d{6})-(\d{6})-([a-z-]+)\.sqlite3$")


class Motif:
    """Why a backup was taken (a word of its file name)."""

    DEMARRAGE = "demarrage"
    FERMETURE = "fermeture"
    MIGRATION = "avant-migration"
    MANUELLE = "manuelle"
    RESTAURATION = "avant-restauration"


LIBELLES = {
    Motif.DEMARRAGE: "à l'ouverture",
    Motif.FERMETURE: "à la fermeture",
    Motif.MIGRATION: "avant une mise à jour de la base",
    Motif.MANUELLE: "demandée",
    Motif.RESTAURATION: "avant une restauration",
}

# Rotation: the most recent ones, then the newest of each day, week and month.
GARDER_RECENTES = 10
GARDER_JOURS = 7
GARDER_SEMAINES = 5
GARDER_MOIS = 12


class SauvegardeImpossible(Refus):
    """French, for the user."""


@dataclass(frozen=True)
class Sauvegarde:
    chemin: Path
    horodatage: dt.datetime  # UTC, from the file name
    motif: str
    taille: int

    @property
    def libelle_motif(self) -> str:
        return LIBELLES.get(self.motif, self.motif)


# -- health -----------------------------------------------------------------------------------
class BaseInaccessible(Refus):
    """The base cannot be read now (a full or read-only disk, no right to it): not damaged,
    so never set aside nor offered a restore."""

    def __init__(self, chemin: Path, pourquoi: str) -> None:
        super().__init__(
            f"La base {chemin} ne peut pas être ouverte maintenant : {pourquoi}. Elle n'est "
            "pas endommagée et n'a pas été modifiée ; réglez ce problème puis recommencez."
        )


class BaseOccupee(BaseInaccessible):
    """Another program holds the base (an exclusive lock, a long write): it is not damaged,
    and nothing may set it aside or wait for it without end."""

    def __init__(self, chemin: Path) -> None:
        Exception.__init__(
            self,
            f"La base {chemin} est utilisée par un autre programme (elle est verrouillée). Elle "
            "n'est pas endommagée : fermez l'autre programme (une autre fenêtre de Contrôle "
            "PJ, un outil SQLite) puis recommencez.",
        )


def occupee(exc: BaseException) -> bool:
    """SQLite's « database is locked » / « busy »: held by another program, not damaged."""
    texte = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in texte or "busy" in texte)


def probleme(chemin: Path, *, complet: bool = True) -> str | None:
    """What is wrong with this SQLite file, in French; None when it is sound. Read-only: the
    file is never written (``complet``: integrity_check, else the faster quick_check). Raises
    BaseOccupee when another program holds it (after the busy timeout): locked is not damaged."""
    try:
        with chemin.open("rb") as handle:
            entete = handle.read(100)
    except OSError as exc:
        return f"fichier illisible ({cause(exc)})"
    if len(entete) < 100 or not entete.startswith(ENTETE_SQLITE):
        return "l'en-tête du fichier n'est pas celui d'une base SQLite (écrasé ou tronqué)"
    try:
        connexion = sqlite3.connect(
            f"{chemin.resolve().as_uri()}?mode=ro", uri=True, timeout=ATTENTE_MAX
        )
    except sqlite3.OperationalError as exc:  # the disk or the rights, not the file
        raise BaseInaccessible(chemin, cause(exc, chemin.parent)) from exc
    except sqlite3.Error as exc:
        return f"la base ne s'ouvre pas ({exc})"
    try:
        pragma = "integrity_check" if complet else "quick_check"
        lignes = [r[0] for r in connexion.execute(f"PRAGMA {pragma}(20)")]
        if lignes != ["ok"]:
            return "contrôle d'intégrité en échec : " + "; ".join(lignes[:3])
        tables = {r[0] for r in connexion.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            return "ce n'est pas une base de Contrôle PJ"
    except sqlite3.OperationalError as exc:  # locked, a full disk, no -shm possible…
        if occupee(exc):
            raise BaseOccupee(chemin) from exc
        raise BaseInaccessible(chemin, cause(exc, chemin.parent)) from exc
    except sqlite3.Error as exc:  # SQLITE_CORRUPT, SQLITE_NOTADB: the file itself
        return f"la base est illisible ({exc})"
    finally:
        connexion.close()
    return None


@dataclass
class _Anticipe:
    etat: tuple[tuple[int, int] | None, ...]  # the files as they were when it began
    fini: threading.Event = field(default_factory=threading.Event)
    resultat: str | None = None
    erreur: BaseException | None = None


_anticipes: dict[Path, _Anticipe] = {}


def _etat(chemin: Path) -> tuple[tuple[int, int] | None, ...]:
    """Size and modification time of the base and of its journal (WAL): a write changes one.
    An empty journal is none (a read-only connection creates it)."""
    resultat = []
    for fichier in (chemin, chemin.with_name(chemin.name + "-wal")):
        try:
            st = fichier.stat()
        except OSError:
            resultat.append(None)
        else:
            resultat.append((st.st_size, st.st_mtime_ns) if st.st_size else None)
    return tuple(resultat)


def anticiper_controle(chemin: Path) -> None:
    """Start the start-up check of this base (``probleme``, quick) in a thread now. SQLite
    reads the whole file without holding the interpreter (0.4–0.6 s at 100,000
    candidatures) while the application imports what opening the base needs (as long
    again): ``controle_rapide`` then takes its answer instead of reading the file after
    them. Nothing is written; a base changed in between is checked again."""
    chemin = chemin.resolve()
    if chemin in _anticipes or not chemin.is_file():
        return
    anticipe = _anticipes[chemin] = _Anticipe(_etat(chemin))

    def controler() -> None:
        try:
            anticipe.resultat = probleme(chemin, complet=False)
        except BaseException as exc:  # raised where the answer is taken
            anticipe.erreur = exc
        finally:
            anticipe.fini.set()

    threading.Thread(target=controler, name="controle-anticipe", daemon=True).start()


def controle_rapide(chemin: Path) -> str | None:
    """``probleme(chemin, complet=False)``: the answer of ``anticiper_controle``'s thread
    when one was started for this base and the base has not changed since (waited for);
    each anticipated answer is taken once."""
    anticipe = _anticipes.pop(chemin.resolve(), None)
    if anticipe is not None:
        anticipe.fini.wait()
        if anticipe.etat == _etat(chemin.resolve()):
            if anticipe.erreur is not None:
                raise anticipe.erreur
            return anticipe.resultat
    return probleme(chemin, complet=False)


def revision(chemin: Path) -> str | None:
    """The schema revision written in a sound database file (read-only)."""
    connexion = sqlite3.connect(f"{chemin.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = connexion.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        connexion.close()
    return row[0] if row else None


# What a gestionnaire's work changes: the history (every decision, imported or local), the
# imports, the schema, the bureau and the assignments. Indexed maxima and small tables: cheap
# at 100,000 candidatures, and blind to checkpoints and file dates.
_EMPREINTE = """
    SELECT (SELECT max(id) FROM decision), (SELECT max(id) FROM import_paquet),
           (SELECT version_num FROM alembic_version),
           (SELECT group_concat(id || ':' || coalesce(bureau, '')) FROM campagne),
           (SELECT group_concat(campagne_id || specialite || gestionnaire) FROM affectation)
"""


def empreinte_contenu(chemin: Path) -> tuple[object, ...] | None:
    """A fingerprint of what the database holds (read-only); None if it cannot be read."""
    try:
        connexion = sqlite3.connect(f"{chemin.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return tuple(connexion.execute(_EMPREINTE).fetchone())
        finally:
            connexion.close()
    except sqlite3.Error:
        return None


# -- backups ----------------------------------------------------------------------------------
def lister(dossier: Path) -> list[Sauvegarde]:
    """The backups of the folder, newest first (files of other names are ignored)."""
    noms = dossier.glob(f"controle-pj-*{SUFFIXE}") if dossier.is_dir() else ()
    trouvees = [externe(chemin) for chemin in noms if _NOM.match(chemin.name)]
    return sorted(trouvees, key=lambda s: s.horodatage, reverse=True)


def externe(chemin: Path) -> Sauvegarde:
    """A backup file named by the user (copied elsewhere, renamed…): dated by its file."""
    m = _NOM.match(chemin.name)
    if m is not None:
        quand = dt.datetime.strptime(m[1] + m[2], "%Y%m%d-%H%M%S%f").replace(tzinfo=dt.UTC)
        return Sauvegarde(chemin, quand, m[3], chemin.stat().st_size)
    quand = dt.datetime.fromtimestamp(chemin.stat().st_mtime, dt.UTC)
    return Sauvegarde(chemin, quand, Motif.MANUELLE, chemin.stat().st_size)


def a_jour(base: Path, dossier: Path) -> bool:
    """Whether the newest backup already holds the database's work (see ``_EMPREINTE``)."""
    recentes = lister(dossier)
    if not recentes:
        return False
    actuelle = empreinte_contenu(base)
    return actuelle is not None and actuelle == empreinte_contenu(recentes[0].chemin)


ATTENTE_MAX = 10.0  # seconds: the longest any command waits for a base another program holds
DEBRIS_APRES = 60  # seconds without a write: a partial copy nobody is writing any more


def nettoyer_debris(dossier: Path) -> list[Path]:
    """Remove what a backup killed midway left (``*.partielle`` and its journal): at start and
    before each backup. A copy still being written (touched in the last minute) is left."""
    enleves = []
    limite = time.time() - DEBRIS_APRES
    for reste in (*dossier.glob("*.partielle"), *dossier.glob("*.partielle-journal")):
        try:
            if reste.stat().st_mtime < limite:
                reste.unlink()
                enleves.append(reste)
        except OSError:
            continue  # held by another program: the next start tries again
    return enleves


def sauvegarder(
    base: Path,
    dossier: Path,
    motif: str,
    *,
    maintenant: dt.datetime | None = None,
    rotation: bool = True,
    progression: Progression | None = None,
) -> Sauvegarde:
    """Copy the database (online: others may keep working) into a checked backup."""
    maintenant = maintenant or now_utc()
    try:
        dossier.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SauvegardeImpossible(
            f"Le dossier des sauvegardes {dossier} ne peut pas être créé : {cause(exc)}."
        ) from exc
    nettoyer_debris(dossier)
    nom = f"controle-pj-{maintenant.astimezone(dt.UTC):%Y%m%d-%H%M%S-%f}-{motif}{SUFFIXE}"
    final = dossier / nom
    partielle = dossier / (nom + ".partielle")
    try:
        copier(base, partielle, progression=progression)
        raison = probleme(partielle)
        if raison is not None:
            raise SauvegardeImpossible(
                f"La copie de sauvegarde ne passe pas le contrôle d'intégrité ({raison}) : la "
                "base elle-même est peut-être endommagée. Rien n'a été remplacé."
            )
        _sur_disque(partielle)
        os.replace(partielle, final)
        fsync_dossier(dossier)
    except (OSError, sqlite3.Error) as exc:
        raise SauvegardeImpossible(
            f"La sauvegarde n'a pas pu être écrite dans {dossier} : {cause(exc)}."
        ) from exc
    finally:
        for reste in (partielle, _annexe(partielle, "-journal")):
            reste.unlink(missing_ok=True)
    if rotation:
        for perimee in a_supprimer(lister(dossier), maintenant):
            perimee.chemin.unlink(missing_ok=True)
    return Sauvegarde(final, maintenant, motif, final.stat().st_size)


def copier(
    source: Path,
    destination: Path,
    *,
    fichier_seul: bool = True,
    progression: Progression | None = None,
) -> None:
    """SQLite's backup API, from a read-only connection: a consistent snapshot, including
    what is still in the write-ahead log. Into a database in use (``fichier_seul=False``) the
    copy is one transaction of the destination, which keeps its WAL mode. ``progression``
    hears about every 4 Mo copied; raising from it abandons the copy."""
    lecture = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=ATTENTE_MAX)
    ecriture = sqlite3.connect(destination, timeout=ATTENTE_MAX)
    limite = time.monotonic() + ATTENTE_MAX

    def pages(statut: int, restantes: int, total: int) -> None:
        # Python's backup retries a busy source without end: a held base stops it here.
        if statut in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > limite:
            raise BaseOccupee(source)
        if progression is not None and statut == sqlite3.SQLITE_OK:
            progression(total - restantes, total, "Sauvegarde de la base")

    try:
        lecture.backup(ecriture, pages=1024, progress=pages)
        if fichier_seul:  # a backup is one file: no write-ahead log of its own
            ecriture.execute("PRAGMA journal_mode = DELETE")
    finally:
        ecriture.close()
        lecture.close()


def a_supprimer(sauvegardes: Iterable[Sauvegarde], maintenant: dt.datetime) -> list[Sauvegarde]:
    """The backups rotation lets go: kept are the ``GARDER_RECENTES`` newest, and the newest
    of each of the last days, weeks and months; any other goes."""
    triees = sorted(sauvegardes, key=lambda s: s.horodatage, reverse=True)
    gardees = {s.chemin for s in triees[:GARDER_RECENTES]}
    for cle, combien in (
        (lambda d: d.date(), GARDER_JOURS),
        (lambda d: d.isocalendar()[:2], GARDER_SEMAINES),
        (lambda d: (d.year, d.month), GARDER_MOIS),
    ):
        vues: list[object] = []
        for s in triees:
            periode = cle(s.horodatage)
            if periode not in vues:
                vues.append(periode)
                if len(vues) > combien:
                    break
                gardees.add(s.chemin)
    return [s for s in triees if s.chemin not in gardees and s.horodatage <= maintenant]


def meilleure(dossier: Path) -> Sauvegarde | None:
    """The newest backup that passes the integrity check (damaged ones are skipped)."""
    for s in lister(dossier):
        if probleme(s.chemin) is None:
            return s
    return None


# -- restoring --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Restauration:
    depuis: Sauvegarde
    mise_de_cote: Path | None  # the damaged database, kept as it was
    securite: Sauvegarde | None  # the sound database as it was before, backed up first


def restaurer(
    sauvegarde: Sauvegarde, base: Path, dossier: Path, revisions_connues: Iterable[str]
) -> Restauration:
    """Put a backup in place of the database. A sound database is backed up first; a damaged
    or unreadable one is moved aside untouched (with its write-ahead log)."""
    raison = probleme(sauvegarde.chemin)
    if raison is not None:
        raise SauvegardeImpossible(
            f"La sauvegarde {sauvegarde.chemin.name} est inutilisable : {raison}."
        )
    schema = revision(sauvegarde.chemin)
    if schema not in set(revisions_connues):
        raise SauvegardeImpossible(
            f"La sauvegarde {sauvegarde.chemin.name} vient d'une version plus récente de "
            f"Contrôle PJ (schéma {schema}) : mettez l'application à jour pour la restaurer."
        )
    securite = mise_de_cote = None
    if base.exists():
        if probleme(base, complet=False) is None:
            securite = sauvegarder(base, dossier, Motif.RESTAURATION, rotation=False)
            try:
                copier(sauvegarde.chemin, base, fichier_seul=False)
            except sqlite3.Error as exc:
                raise SauvegardeImpossible(
                    f"La restauration a échoué ({cause(exc)}) ; la base n'a pas changé."
                ) from exc
            return Restauration(sauvegarde, None, securite)
        mise_de_cote = mettre_de_cote(base)
    temporaire = base.with_name(base.name + ".restauration")
    copier(sauvegarde.chemin, temporaire)
    _sur_disque(temporaire)
    os.replace(temporaire, base)
    fsync_dossier(base.parent)
    return Restauration(sauvegarde, mise_de_cote, securite)


def mettre_de_cote(base: Path, maintenant: dt.datetime | None = None) -> Path:
    """Rename a damaged database (and its -wal, -shm) so nothing ever writes to it again."""
    horodatage = f"{(maintenant or now_utc()).astimezone(dt.UTC):%Y%m%d-%H%M%S}"
    cote = base.with_name(f"{base.stem}.endommagee-{horodatage}{base.suffix}")
    for annexe in ("-wal", "-shm"):
        if _annexe(base, annexe).exists():
            os.replace(_annexe(base, annexe), _annexe(cote, annexe))
    os.replace(base, cote)
    return cote


# -- helpers ----------------------------------------------------------------------------------
def _annexe(base: Path, suffixe: str) -> Path:
    return base.with_name(base.name + suffixe)


def _sur_disque(chemin: Path) -> None:
    with chemin.open("rb+") as handle:
        os.fsync(handle.fileno())
