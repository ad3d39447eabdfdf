"""Decisions export (EXCHANGE_FORMAT.md): decisions.csv, the columns of pieces.csv plus the
author and time of each pièce's last decision; ';' and UTF-8 with BOM for spreadsheets.
Importing it back (with the campaign's campagne.json and candidatures.csv) gives the same
statuses, comments and dates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.models import Candidat, Candidature, Decision, Depot, Piece, PieceCatalogue
from desktop_app.services.colonnes import PIECES_ORDRE
from desktop_app.services.dates import format_date, iso
from desktop_app.services.fichiers import ecrire_atomique
from desktop_app.services.tabular import write_table

COLONNES_DECISIONS = [*PIECES_ORDRE, "gestionnaire", "horodatage"]


def lignes_decisions(session: Session, campagne_id: int) -> Iterator[list[str]]:
    """One row per file of the pièce's current round, or one row without file."""
    courant = (
        select(Depot.piece_id, func.max(Depot.tour).label("tour"))
        .group_by(Depot.piece_id)
        .subquery()
    )
    fichiers: dict[int, list[tuple[str, str]]] = {}
    for row in session.execute(
        select(Depot.piece_id, Depot.chemin_paquet, Depot.date_depot)
        .join(courant, (courant.c.piece_id == Depot.piece_id) & (courant.c.tour == Depot.tour))
        .join(Piece, Piece.id == Depot.piece_id)
        .join(Candidature)
        .where(Candidature.campagne_id == campagne_id)
        .order_by(Depot.id)
    ):
        fichiers.setdefault(row.piece_id, []).append((row.chemin_paquet, iso(row.date_depot)))
    derniere = select(func.max(Decision.id)).group_by(Decision.piece_id).scalar_subquery()
    auteurs = {
        row.piece_id: (row.gestionnaire, iso(row.horodatage))
        for row in session.execute(
            select(Decision.piece_id, Decision.gestionnaire, Decision.horodatage)
            .join(Piece)
            .join(Candidature)
            .where(Candidature.campagne_id == campagne_id, Decision.id.in_(derniere))
        )
    }
    query = (
        select(
            Piece.id,
            Candidat.n_candidat,
            Candidature.n_inscription,
            PieceCatalogue.code,
            Piece.date_validation,
            Piece.statut,
            Piece.date_reception,
            Piece.commentaire,
        )
        .join(Candidature, Piece.candidature_id == Candidature.id)
        .join(Candidat, Candidature.candidat_id == Candidat.id)
        .join(PieceCatalogue, Piece.catalogue_id == PieceCatalogue.id)
        .where(Candidature.campagne_id == campagne_id)
        .order_by(Candidat.n_candidat, Candidature.n_inscription, PieceCatalogue.id)
    )
    for row in session.execute(query):
        auteur = auteurs.get(row.id, ("", ""))
        commun = [
            iso(row.date_validation),
            row.statut.value if row.statut else "",
            format_date(row.date_reception),
            row.commentaire,
            *auteur,
        ]
        for chemin, depot in fichiers.get(row.id) or [("", "")]:
            yield [row.n_candidat, row.n_inscription, row.code, chemin, depot, *commun]


def exporter_decisions(session: Session, campagne_id: int, destination: Path) -> int:
    """Write decisions.csv atomically; returns the number of rows."""
    rows = list(lignes_decisions(session, campagne_id))
    ecrire_atomique(destination, write_table(COLONNES_DECISIONS, rows))
    return len(rows)
