"""Decisions in bulk, never blind: a list of postal pièces received (a scanned list or a CSV of
N° candidat + code) is first read into a plan that says what will change and what will not,
then applied in one transaction, each pièce with its history row (``enregistrer_decision``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.models import Candidat, Candidature, Modalite, Piece, Statut, libelle_statut
from desktop_app.models import PieceCatalogue as Catalogue
from desktop_app.services.colonnes import PIECES
from desktop_app.services.decisions import enregistrer_decision
from desktop_app.services.tabular import TableauIllisible, decode, read_table

# Statuses a postal pièce may leave for « Reçue »: not looked at, awaiting control or a new file,
# or refused (the candidate sent another one).
AVANT_RECEPTION = (
    None, Statut.EN_ATTENTE_CONTROLE, Statut.EN_ATTENTE_NOUVELLE_PJ, Statut.NON_CONFORME
)  # fmt: skip
_LIGNE_LIBRE = re.compile(r"^\s*(\d{1,11})\s*[;,\t ]\s*([A-Za-z0-9]{2,20})\s*$")


@dataclass(frozen=True)
class PieceRecue:
    piece_id: int
    version: int
    n_candidat: str
    nom: str
    code: str


@dataclass
class PlanReception:
    """What applying the list would do. ``refus``: French lines, one per line not applied."""

    a_marquer: list[PieceRecue] = field(default_factory=list)
    refus: list[str] = field(default_factory=list)


def lire_liste(donnees: bytes, nom: str) -> list[tuple[int, str, str]]:
    """(line number, N° candidat, code) of each line: a CSV with the columns n_candidat and
    code_piece (any spelling the importer accepts), or one « N° candidat code » per line."""
    try:
        tableau = read_table(
            donnees,
            nom,
            {"n_candidat": PIECES["n_candidat"], "code_piece": PIECES["code_piece"]},
            ["n_candidat", "code_piece"],
        )  # fmt: skip
        return [
            (ligne.numero, ligne.valeurs["n_candidat"], ligne.valeurs["code_piece"])
            for ligne in tableau.lignes
        ]
    except TableauIllisible:
        pass
    resultat = []
    for numero, texte in enumerate(decode(donnees, nom).splitlines(), 1):
        if texte.strip():
            m = _LIGNE_LIBRE.match(texte)
            resultat.append((numero, m[1], m[2]) if m else (numero, "", texte.strip()))
    return resultat


def preparer_reception(
    session: Session, campagne_id: int, lignes: list[tuple[int, str, str]], nom: str = "liste"
) -> PlanReception:
    plan = PlanReception()
    vus: set[int] = set()
    for numero, n_candidat, code in lignes:
        ou = f"{nom}:{numero}"
        if not n_candidat.strip().isdigit():
            plan.refus.append(f"{ou} : ligne illisible (attendu « N° candidat code »)")
            continue
        n = n_candidat.strip().zfill(11)
        code = code.strip().upper()
        row = session.execute(
            select(Piece.id, Piece.version_id, Piece.statut, Catalogue.modalite,
                   Candidat.nom_naissance)
            .join(Candidature, Candidature.id == Piece.candidature_id)
            .join(Candidat, Candidat.id == Candidature.candidat_id)
            .join(Catalogue, Catalogue.id == Piece.catalogue_id)
            .where(Candidature.campagne_id == campagne_id, Candidat.n_candidat == n,
                   Catalogue.code == code)
        ).first()  # fmt: skip
        if row is None:
            plan.refus.append(f"{ou} : aucune pièce {code} pour le candidat {n}")
        elif row.id in vus:
            plan.refus.append(f"{ou} : {n} {code} figure déjà plus haut dans la liste")
        elif row.modalite == Modalite.EN_LIGNE:
            plan.refus.append(f"{ou} : {n} {code} se dépose en ligne, pas par voie postale")
        elif row.statut not in AVANT_RECEPTION:
            plan.refus.append(f"{ou} : {n} {code} est déjà « {libelle_statut(row.statut)} »")
        else:
            vus.add(row.id)
            plan.a_marquer.append(PieceRecue(row.id, row.version_id, n, row.nom_naissance, code))
    return plan


def appliquer_reception(
    session: Session, plan: PlanReception, date_reception: dt.date, gestionnaire: str
) -> int:
    """Call inside ``Database.write()``: all or nothing (a pièce changed since the plan was
    read refuses the whole list, with its reason)."""
    for p in plan.a_marquer:
        enregistrer_decision(
            session, p.piece_id, Statut.RECUE, gestionnaire,
            date_reception=date_reception, version_attendue=p.version,
        )  # fmt: skip
    return len(plan.a_marquer)
