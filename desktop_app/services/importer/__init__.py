"""Import of a dossier package (EXCHANGE_FORMAT.md): generous in what it accepts, strict and
clear about what it refuses, idempotent, and never losing a local decision.

Two phases. Reading understands every row and collects one French message per refused row
(``fichier:ligne: raison``); nothing is written. Writing runs in one transaction: a cancelled or
failed import leaves the database as it was (files already put in the content store are harmless:
they are only referenced once the transaction commits).

    rapport.RapportImport   what the import tells (counts, refused rows, conflicts)
    lecture.lire_paquet     the read phase
    ecriture.Ecrivain       the write phase"""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from desktop_app.causes import cause, disque_plein
from desktop_app.documents.inspection import taille_limite
from desktop_app.documents.paquet import CheminRefuse, PaquetInutilisable, ouvrir_paquet
from desktop_app.documents.store import ContentStore
from desktop_app.documents.worker import Atelier
from desktop_app.models import Campagne, Depot
from desktop_app.models.database import Database
from desktop_app.services.importer.ecriture import Ecrivain
from desktop_app.services.importer.lecture import lire_paquet, parse_statut
from desktop_app.services.importer.rapport import (
    Conflit,
    ImportRefuse,
    Message,
    RapportImport,
)
from desktop_app.services.progression import ImportInterrompu, Progression, TacheAnnulee
from desktop_app.services.reglages import juger_a_nouveau

ESSAIS = 3  # a serialization failure or a deadlock chosen by PostgreSQL: tried again


def _a_refaire(exc: SQLAlchemyError) -> bool:
    """PostgreSQL asks to try the transaction again (SQLSTATE 40001 or 40P01)."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in ("40001", "40P01")


def _retirer(db: Database, store: ContentStore, nouveaux: set[str]) -> None:
    """The files a failed import put in the store, unless a deposit refers to them (another
    import may have brought the same file meanwhile): a full disk does not stay full."""
    if not nouveaux:
        return
    try:
        with db.read() as session:
            gardes = set(session.scalars(select(Depot.sha256).where(Depot.sha256.in_(nouveaux))))
    except SQLAlchemyError:
        return  # the base does not answer: leave them (unreferenced, harmless)
    for sha in nouveaux - gardes:
        with contextlib.suppress(OSError):
            store.path(sha).unlink(missing_ok=True)


def importer_paquet(
    db: Database,
    store: ContentStore,
    chemin: Path,
    *,
    tout_ou_rien: bool = False,
    progression: Progression | None = None,
    worker: Atelier | None = None,
) -> RapportImport:
    """Import a package. Raises PaquetInutilisable when the package as a whole cannot be used,
    ImportRefuse when ``tout_ou_rien`` and a row was refused, TacheAnnulee when cancelled.
    ``worker`` is a warm pool of workers to reuse (one is started for this import if not)."""
    rapport = RapportImport(paquet=chemin.name)
    with contextlib.ExitStack() as stack:
        atelier = worker if worker is not None else stack.enter_context(Atelier())
        atelier.demarrer()  # their start overlaps the reading of the CSV files
        paquet = stack.enter_context(ouvrir_paquet(chemin))
        lu = lire_paquet(paquet, rapport)
        if tout_ou_rien and rapport.lignes_refusees:
            raise ImportRefuse(rapport)
        c = lu.campagne
        with db.read() as session:
            avant = session.execute(
                select(Campagne.id, Campagne.taille_max_octets).filter_by(
                    examen=c.examen, session=c.session, academie=c.academie
                )
            ).one_or_none()
        ecrivain: Ecrivain | None = None
        lu_seulement = copy.deepcopy(rapport)  # what reading said, for a retry
        try:
            for essai in range(1, ESSAIS + 1):
                try:
                    with db.write() as session:
                        ecrivain = Ecrivain(session, store, paquet, lu, rapport, progression,
                                            atelier, chemin)  # fmt: skip
                        ecrivain.run()
                    break
                except SQLAlchemyError as exc:
                    if essai == ESSAIS or not _a_refaire(exc):
                        raise
                    atelier.abandonner()  # a team's concurrent write: the import starts again
                    rapport.__dict__.update(copy.deepcopy(lu_seulement).__dict__)
        except BaseException as exc:
            atelier.abandonner()  # a cancelled import leaves no request behind
            if ecrivain is not None:
                _retirer(db, store, ecrivain.nouveaux)
            if isinstance(exc, (OSError, SQLAlchemyError)):  # the disk or the base refused
                raise ImportInterrompu(
                    f"L'import est arrêté : {cause(exc)}. Rien n'a été importé"
                    + (
                        " ; libérez de la place, puis importez à nouveau le paquet."
                        if disque_plein(exc)
                        else "."
                    )
                ) from exc
            raise
        finally:
            atelier.liberer()  # the workers let go of the package (Windows locks open files)
        if avant is not None and avant.taille_max_octets != c.taille_max_octets:
            # The files imported before are judged under the limit the package brings.
            r = juger_a_nouveau(db, store, avant.id, avant.taille_max_octets, atelier, progression)
            rapport.avertissement("campagne.json", None, (
                f"taille maximale : {taille_limite(avant.taille_max_octets)} → "
                f"{taille_limite(c.taille_max_octets)} ; {r.resume()}"
            ))  # fmt: skip
    return rapport


__all__ = [
    "CheminRefuse",
    "Conflit",
    "ImportInterrompu",
    "ImportRefuse",
    "Message",
    "PaquetInutilisable",
    "RapportImport",
    "TacheAnnulee",
    "importer_paquet",
    "parse_statut",
]
