"""The worklists as the follow-up computed them before they read rows as stored (one object
per pièce not Conforme, the rule judged for each): the oracle the faster ``suivi`` must agree
with, list for list (tests/unit/test_suivi.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_app.models import Candidature, Depot, Piece, Statut
from desktop_app.models import PieceCatalogue as Catalogue
from desktop_app.services.dates import now_utc
from desktop_app.services.echeances import (
    Dossier,
    PieceASuivre,
    Suite,
    Suivi,
    destinataires_de,
    echeance_piece,
    passee,
    selon_les_regles,
    suite_piece,
)
from desktop_app.services.exigences import ecarts_des_dossiers
from desktop_app.services.requetes import campagne_de, dernier_tour


def suivi(
    session: Session,
    campagne_id: int,
    maintenant: dt.datetime | None = None,
    candidatures: Iterable[int] | None = None,
) -> Suivi:
    """The three worklists of the campaign (or of these candidatures), in name order."""
    maintenant = maintenant or now_utc()
    campagne = campagne_de(session, campagne_id)
    cloture = campagne.cloture
    conditions = [Candidature.campagne_id == campagne_id]
    if candidatures is not None:
        candidatures = list(candidatures)
        conditions.append(Candidature.id.in_(candidatures))
    a_voir = or_(Piece.statut.is_(None), Piece.statut != Statut.CONFORME)
    fichiers = _fichiers(session, conditions, a_voir)
    par_dossier: dict[int, list[PieceASuivre]] = {}
    for row in session.execute(
        select(
            Piece.id, Piece.candidature_id, Catalogue.code, Catalogue.libelle,
            Catalogue.modalite, Piece.statut, Piece.commentaire, Piece.version_id, Catalogue.fin,
        )
        .join(Candidature, Piece.candidature_id == Candidature.id)
        .join(Catalogue, Piece.catalogue_id == Catalogue.id)
        .where(*conditions, a_voir)
        .order_by(Piece.candidature_id, Catalogue.regroupement, Catalogue.code)
    ):  # fmt: skip
        deposee, utilisable = fichiers.get(row.id, (False, False))
        par_dossier.setdefault(row.candidature_id, []).append(
            PieceASuivre(
                row.id, row.candidature_id, row.code, row.libelle, row.modalite, row.statut,
                row.commentaire, row.version_id, deposee, utilisable,
                echeance_piece(row.statut, row.fin, cloture),
                suite_piece(row.statut, utilisable, row.fin, cloture, maintenant),
            )
        )  # fmt: skip
    if not passee(cloture, maintenant):
        ecarts = ecarts_des_dossiers(session, campagne_id, candidatures)
        selon_les_regles(session, campagne_id, ecarts, par_dossier, maintenant)
    destinataires = destinataires_de(session, par_dossier)
    relancer, annuler, suggerer = [], [], []
    close = passee(cloture, maintenant)
    for cid, destinataire in destinataires.items():
        pieces = par_dossier[cid]
        if close:
            annuler.append(Dossier(destinataire, tuple(pieces)))
            continue
        manquantes = tuple(p for p in pieces if p.suite == Suite.RELANCER)
        if manquantes:
            relancer.append(Dossier(destinataire, manquantes))
        echues = tuple(p for p in pieces if p.suite == Suite.SUGGERER_ATTENTE)
        if echues:
            suggerer.append(Dossier(destinataire, echues))
    return Suivi(campagne_id, maintenant, cloture, relancer, annuler, suggerer)


def _fichiers(
    session: Session, conditions: Sequence[object], a_voir: object
) -> dict[int, tuple[bool, bool]]:
    """Per pièce not Conforme that has files: (True, are those of its latest round all
    recevable)."""
    courants = dernier_tour(
        session.execute(
            select(Depot.piece_id, Depot.tour, Depot.recevable)
            .join(Piece, Depot.piece_id == Piece.id)
            .join(Candidature, Piece.candidature_id == Candidature.id)
            # type: ignore below: SQLAlchemy types a boolean column expression loosely here.
            .where(*conditions, a_voir)  # type: ignore[arg-type]
            .order_by(Depot.id)
        )
    )
    return {piece_id: (True, all(recevables)) for piece_id, recevables in courants.items()}
