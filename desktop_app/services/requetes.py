"""Read-side queries for the windows: plain frozen dataclasses, never ORM objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.models import (
    Campagne,
    Candidat,
    Candidature,
    Decision,
    Depot,
    Modalite,
    Piece,
    PieceCatalogue,
    Statut,
)

# Order of the per-status counters: no status first (what remains to look at).
STATUTS_COMPTES: tuple[Statut | None, ...] = (None, *Statut)


@dataclass(frozen=True)
class CampagneResume:
    id: int
    titre: str
    examen: str
    session: str
    academie: str
    cloture: dt.datetime | None
    taille_max_octets: int
    candidatures: int


class LigneCandidature(NamedTuple):
    """One row of the candidature list. A NamedTuple rather than a dataclass: at 100,000 rows
    building them is ten times cheaper (tuple construction in C), and they are as immutable."""

    id: int
    n_candidat: str
    n_inscription: str
    nom: str
    nom_usage: str
    prenoms: str
    date_naissance: dt.date | None
    specialite: str
    # one counter per STATUTS_COMPTES, in that order
    sans_statut: int
    recues: int
    non_conformes: int
    conformes: int
    attente_pj: int
    attente_controle: int

    @property
    def compteurs(self) -> tuple[int, ...]:
        return tuple(self[8:14])


@dataclass(frozen=True)
class LignePiece:
    id: int
    code: str
    libelle: str
    regroupement: str
    modalite: Modalite
    statut: Statut | None
    date_reception: dt.date | None
    commentaire: str
    date_validation: dt.datetime | None
    fichiers: int
    non_recevables: int
    dernier_depot: dt.datetime | None
    motif: str  # why the current file is not recevable, if it is not
    gestionnaire: str


def campagnes(session: Session) -> list[CampagneResume]:
    counts: dict[int, int] = {
        cid: n
        for cid, n in session.execute(
            select(Candidature.campagne_id, func.count()).group_by(Candidature.campagne_id)
        )
    }
    return [
        CampagneResume(
            c.id,
            f"{c.libelle or c.examen} {c.session} — académie de {c.academie}",
            c.examen,
            c.session,
            c.academie,
            c.cloture,
            c.taille_max_octets,
            counts.get(c.id, 0),
        )
        for c in session.scalars(select(Campagne).order_by(Campagne.id.desc()))
    ]


COMPTEURS = (
    Candidature.pieces_sans_statut,
    Candidature.pieces_recues,
    Candidature.pieces_non_conformes,
    Candidature.pieces_conformes,
    Candidature.pieces_attente_pj,
    Candidature.pieces_attente_controle,
)  # in the order of STATUTS_COMPTES


def lister_candidatures(session: Session, campagne_id: int) -> list[LigneCandidature]:
    """Every candidature of the campaign with its per-status counts, in name order: one
    indexed query (the counters are kept by the database), read through Core."""
    query = (
        select(
            Candidature.id,
            Candidat.n_candidat,
            Candidature.n_inscription,
            Candidat.nom_naissance,
            Candidat.nom_usage,
            Candidat.prenoms,
            Candidat.date_naissance,
            Candidature.specialite,
            *COMPTEURS,
        )
        .join(Candidat, Candidat.id == Candidature.candidat_id)
        .where(Candidature.campagne_id == campagne_id)
        .order_by(Candidat.nom_naissance, Candidat.prenoms, Candidature.id)
    )
    return list(map(LigneCandidature._make, session.connection().execute(query)))


def pieces_de(session: Session, candidature_id: int) -> list[LignePiece]:
    """The pièces of one candidature (a handful of rows: summarised here, not in SQL)."""
    depots: dict[int, list[tuple[int, bool, dt.datetime | None, str]]] = {}
    for row in session.execute(
        select(Depot.piece_id, Depot.tour, Depot.recevable, Depot.date_depot, Depot.motif)
        .join(Piece)
        .where(Piece.candidature_id == candidature_id)
        .order_by(Depot.id)
    ):
        depots.setdefault(row.piece_id, []).append(
            (row.tour, row.recevable, row.date_depot, row.motif)
        )
    auteurs: dict[int, str] = {}
    for piece_id, gestionnaire in session.execute(
        select(Decision.piece_id, Decision.gestionnaire)
        .join(Piece)
        .where(Piece.candidature_id == candidature_id)
        .order_by(Decision.id)
    ):
        auteurs[piece_id] = gestionnaire  # the last one wins
    result = []
    for p, cat in session.execute(
        select(Piece, PieceCatalogue)
        .join(PieceCatalogue)
        .where(Piece.candidature_id == candidature_id)
        .order_by(PieceCatalogue.regroupement, PieceCatalogue.code)
    ):
        tous = depots.get(p.id, [])
        tour = max((d[0] for d in tous), default=0)
        courant = [d for d in tous if d[0] == tour]
        refuses = [d for d in courant if not d[1]]
        dates = [d[2] for d in courant if d[2] is not None]
        result.append(
            LignePiece(
                p.id,
                cat.code,
                cat.libelle,
                cat.regroupement,
                cat.modalite,
                p.statut,
                p.date_reception,
                p.commentaire,
                p.date_validation,
                len(courant),
                len(refuses),
                max(dates, default=None),
                refuses[0][3] if refuses else "",
                auteurs.get(p.id, ""),
            )
        )
    return result


@dataclass(frozen=True)
class LigneDepot:
    """One file deposited for a pièce, with what the viewer needs to show it."""

    id: int
    tour: int
    nom: str
    sha256: str | None  # None: the file was missing from the package, or too large to keep
    taille: int | None
    format: str | None
    recevable: bool
    motif: str
    date_depot: dt.datetime | None
    rotation: int
    taille_max: int  # the campaign's rules
    formats: tuple[str, ...]
    courant: bool  # of the pièce's latest round (older rounds were judged Non conforme)


def depots_de(session: Session, piece_id: int) -> list[LigneDepot]:
    """The files of a pièce, latest round first, in deposit order within a round."""
    rows = session.execute(
        select(Depot, Campagne.taille_max_octets, Campagne.formats)
        .join(Piece, Depot.piece_id == Piece.id)
        .join(Candidature, Piece.candidature_id == Candidature.id)
        .join(Campagne, Candidature.campagne_id == Campagne.id)
        .where(Depot.piece_id == piece_id)
        .order_by(Depot.tour.desc(), Depot.id)
    ).all()
    dernier = max((d.tour for d, _, _ in rows), default=0)
    return [
        LigneDepot(
            d.id,
            d.tour,
            d.nom_original,
            d.sha256,
            d.taille,
            d.format,
            d.recevable,
            d.motif,
            d.date_depot,
            d.rotation_affichage,
            taille_max,
            tuple(formats),
            d.tour == dernier,
        )
        for d, taille_max, formats in rows
    ]
