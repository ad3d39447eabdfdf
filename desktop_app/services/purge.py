"""Purging a campaign once its data is no longer needed (CNIL: personal data kept no longer
than the purpose requires): its candidatures, pièces, deposits and decisions; its candidates
when no other campaign knows them; the files of the store no other campaign refers to; and,
since every backup holds them too, the backups, replaced by one new verified backup.

The history stays a chain: the campaign's entries go, the rest is chained again, and the purge
itself is recorded (when, by whom, what went, the history's head before and after), so that
``verify-audit`` can say why anchors older than the purge no longer match. No Qt."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from desktop_app.causes import Refus
from desktop_app.models import (
    Affectation,
    Campagne,
    Candidat,
    Candidature,
    Decision,
    Depot,
    ImportPaquet,
    LectureFichier,
    Piece,
    PieceCatalogue,
    Purge,
)
from desktop_app.models.chaine import CHAMPS, GENESE, empreinte
from desktop_app.services.audit import tete_de
from desktop_app.services.dates import now_utc
from desktop_app.services.espace import Espace
from desktop_app.services.sauvegardes import Motif, lister


class PurgeRefusee(Refus):
    """Said in French: nothing was removed."""


@dataclass
class Bilan:
    """What a purge removed, for the user and for its record."""

    campagne: str
    retraits: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        parts = [f"{n} {quoi}" for quoi, n in self.retraits.items()]
        return f"Campagne « {self.campagne} » purgée : " + ", ".join(parts) + "."


def _lever_ajout_seul(session: Session, lever: bool) -> None:
    """The history is append-only (triggers): lifted for the purge's transaction only."""
    if session.get_bind().dialect.name == "postgresql":
        etat = "DISABLE" if lever else "ENABLE"
        session.execute(text(f"ALTER TABLE decision {etat} TRIGGER decision_append_only"))
        return
    for action in ("UPDATE", "DELETE"):
        nom = f"decision_no_{action.lower()}"
        if lever:
            session.execute(text(f"DROP TRIGGER IF EXISTS {nom}"))
        else:
            session.execute(text(
                f"CREATE TRIGGER {nom} BEFORE {action} ON decision "
                "BEGIN SELECT RAISE(ABORT, 'historique des décisions en ajout seul'); END"
            ))  # fmt: skip


def _chainer_a_nouveau(session: Session) -> None:
    colonnes = [getattr(Decision, c) for c in ("id", *CHAMPS, "fichiers")]
    precedente = GENESE
    valeurs = []
    for row in session.execute(select(*colonnes).order_by(Decision.id)):
        h = empreinte(precedente, row._mapping)
        valeurs.append({"b_id": row.id, "b_precedente": precedente, "b_empreinte": h})
        precedente = h
    if valeurs:
        session.connection().execute(
            update(Decision.__table__)
            .where(Decision.__table__.c.id == bindparam("b_id"))
            .values(empreinte_precedente=bindparam("b_precedente"),
                    empreinte=bindparam("b_empreinte")),
            valeurs,
        )  # fmt: skip


def purger(session: Session, campagne_id: int, gestionnaire: str, titre_tape: str) -> Bilan:
    """Remove the campaign from the base, in the caller's write transaction (all or nothing).
    ``titre_tape``: the campaign's title as the user typed it, to confirm."""
    campagne = session.get(Campagne, campagne_id)
    if campagne is None:
        raise PurgeRefusee(f"Aucune campagne n° {campagne_id}.")
    titre = campagne.titre
    if titre_tape.strip() != titre:
        raise PurgeRefusee(f"Purge non confirmée : tapez exactement le titre « {titre} ».")
    if not gestionnaire.strip():
        raise PurgeRefusee("Le nom du gestionnaire est requis : la purge est consignée à son nom.")
    avant = tete_de(session)
    candidatures = select(Candidature.id).where(Candidature.campagne_id == campagne_id)
    pieces = select(Piece.id).where(Piece.candidature_id.in_(candidatures))
    candidats = set(session.scalars(
        select(Candidature.candidat_id).where(Candidature.campagne_id == campagne_id)))  # fmt: skip
    compter = {
        "décision(s)": select(func.count()).select_from(Decision).where(
            Decision.piece_id.in_(pieces)),
        "dépôt(s)": select(func.count()).select_from(Depot).where(Depot.piece_id.in_(pieces)),
        "pièce(s)": select(func.count()).select_from(Piece).where(Piece.id.in_(pieces)),
        "candidature(s)": select(func.count()).select_from(Candidature).where(
            Candidature.campagne_id == campagne_id),
    }  # fmt: skip
    bilan = Bilan(titre, {quoi: session.scalar(q) or 0 for quoi, q in compter.items()})
    _lever_ajout_seul(session, True)
    session.execute(delete(Decision).where(Decision.piece_id.in_(pieces)))
    session.execute(delete(Depot).where(Depot.piece_id.in_(pieces)))
    session.execute(delete(Piece).where(Piece.id.in_(pieces)))
    session.execute(delete(Candidature).where(Candidature.campagne_id == campagne_id))
    ailleurs = set(session.scalars(
        select(Candidature.candidat_id).where(Candidature.candidat_id.in_(candidats))))  # fmt: skip
    orphelins = candidats - ailleurs
    if orphelins:
        session.execute(delete(Candidat).where(Candidat.id.in_(orphelins)))
    bilan.retraits["candidat(s)"] = len(orphelins)
    # What was read in files no deposit refers to any more (names, birth dates) goes too.
    restants = select(Depot.sha256).where(Depot.sha256.is_not(None))
    lectures = session.execute(delete(LectureFichier).where(LectureFichier.sha256.not_in(restants)))
    bilan.retraits["lecture(s) de document"] = lectures.rowcount or 0
    for table in (ImportPaquet, Affectation, PieceCatalogue):
        session.execute(delete(table).where(table.campagne_id == campagne_id))
    session.execute(delete(Campagne).where(Campagne.id == campagne_id))
    _chainer_a_nouveau(session)
    _lever_ajout_seul(session, False)
    apres = tete_de(session)
    session.add(Purge(horodatage=now_utc(), gestionnaire=gestionnaire.strip(), campagne=titre,
                      retraits=dict(bilan.retraits), tete_avant=str(avant),
                      tete_apres=str(apres)))  # fmt: skip
    return bilan


def purger_campagne(espace: Espace, campagne_id: int, gestionnaire: str, titre: str) -> Bilan:
    """The whole purge: the base (one transaction), then the store's files nobody refers to
    any more, then the backups (which hold the campaign too): deleted, and one new verified
    backup taken of the purged base (local base only: a team's base is backed up on its
    server, where its administrator purges the dumps)."""
    bilan = espace.ecrire(lambda s: purger(s, campagne_id, gestionnaire, titre))
    gardes = set(espace.lire(lambda s: set(s.scalars(select(Depot.sha256).distinct()))))
    fichiers = 0
    racine = espace.store.root
    for chemin in racine.iterdir() if racine.is_dir() else ():
        if chemin.is_file() and not chemin.name.startswith(".") and chemin.name not in gardes:
            chemin.unlink(missing_ok=True)
            fichiers += 1
    bilan.retraits["fichier(s) du magasin"] = fichiers
    if espace.locale:
        anciennes = lister(espace.paths.sauvegardes)
        for s in anciennes:
            s.chemin.unlink(missing_ok=True)
        bilan.retraits["sauvegarde(s) effacée(s)"] = len(anciennes)
        if anciennes:
            espace.sauvegarder(Motif.MANUELLE)
    return bilan


__all__ = ["Bilan", "PurgeRefusee", "purger", "purger_campagne"]
