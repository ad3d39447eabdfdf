"""Deadlines and the bureau's worklists: what to relancer, what to cancel, which pièces to put
« En attente d'une nouvelle PJ ». No Qt; every time is compared in UTC, every deadline is read
and said in Europe/Paris.

The rules, in words (the README repeats them):

- A pièce's **échéance** is the end of its deposit window, or its postal deadline (``fin`` in
  the catalogue); the campaign's closing date when it has none, or when the closing date comes
  first. A pièce *En attente d'une nouvelle PJ* waits for its new file until the closing date.
- A deadline given to the minute includes that minute: « 23:59 (heure/Paris) » has passed at
  00:00 the next day, whatever the offset of that night (daylight-saving changes included).
- A pièce is **manquante** when the candidate has to act: Non conforme, En attente d'une
  nouvelle PJ, or no status and no usable file (nothing deposited, nothing received by post, or
  the latest file is non recevable).
- **À relancer**: a dossier, before the closing date, with a manquante pièce whose échéance
  has not passed.
- **À suggérer** « En attente d'une nouvelle PJ »: before the closing date, a pièce without
  status or Non conforme, without a usable file, whose échéance has passed. The gestionnaire
  confirms (it is a decision like any other).
- **À annuler**: after the closing date, a dossier that has pièces and is not complet (one of
  its pièces is not Conforme)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    String,
    and_,
    case,
    false,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from desktop_app.models import Candidat, Candidature, Depot, Modalite, Piece, Statut
from desktop_app.models import PieceCatalogue as Catalogue
from desktop_app.services.dates import now_utc
from desktop_app.services.exigences import Ecart, ecarts_des_dossiers
from desktop_app.services.lots import liberer
from desktop_app.services.normalisation import normaliser_tous
from desktop_app.services.requetes import campagne_de, par_lots

UNE_MINUTE = dt.timedelta(minutes=1)


def passee(echeance: dt.datetime | None, maintenant: dt.datetime) -> bool:
    """Has this deadline passed? A time to the minute covers its whole minute."""
    if echeance is None:
        return False
    if echeance.second == 0 and echeance.microsecond == 0:
        return maintenant >= echeance + UNE_MINUTE
    return maintenant > echeance


def echeance_piece(
    statut: Statut | None, fin: dt.datetime | None, cloture: dt.datetime | None
) -> dt.datetime | None:
    """When the candidate's file is due for this pièce (see the module's rules)."""
    if statut == Statut.EN_ATTENTE_NOUVELLE_PJ or fin is None:
        return cloture
    if cloture is None:
        return fin
    return min(fin, cloture)


def manquante(statut: Statut | None, utilisable: bool) -> bool:
    """The candidate has to act on this pièce."""
    if statut in (Statut.NON_CONFORME, Statut.EN_ATTENTE_NOUVELLE_PJ):
        return True
    return statut is None and not utilisable


class Suite(enum.Enum):
    """What the bureau does next about one pièce."""

    RIEN = "Rien"
    RELANCER = "À relancer"
    SUGGERER_ATTENTE = "En attente d'une nouvelle PJ suggérée"
    ANNULATION = "Clôture passée"


def suite_piece(
    statut: Statut | None,
    utilisable: bool,
    fin: dt.datetime | None,
    cloture: dt.datetime | None,
    maintenant: dt.datetime,
) -> Suite:
    """The pièce-level rule. After the closing date every pièce not Conforme makes its dossier
    one to cancel (``Suivi.a_annuler``)."""
    if statut == Statut.CONFORME:
        return Suite.RIEN
    if passee(cloture, maintenant):
        return Suite.ANNULATION
    if not manquante(statut, utilisable):
        return Suite.RIEN
    if not passee(echeance_piece(statut, fin, cloture), maintenant):
        return Suite.RELANCER
    if statut in (None, Statut.NON_CONFORME):
        return Suite.SUGGERER_ATTENTE
    return Suite.RIEN


class Destinataire(NamedTuple):
    """The candidate as a letter or a list names them. A named tuple: the worklists build one
    per listed candidate, 150,000 at 300,000 candidatures, at a quarter of a frozen dataclass's
    cost."""

    candidature_id: int
    n_candidat: str
    n_inscription: str
    civilite: str
    nom: str
    nom_usage: str
    prenoms: str
    adresse: str
    email: str
    specialite: str

    @property
    def nom_complet(self) -> str:
        usage = f" (nom d'usage {self.nom_usage})" if self.nom_usage else ""
        return f"{self.nom.upper()}{usage} {self.prenoms}".strip()

    @property
    def appel(self) -> str:
        """« Madame Hélène DUPONT », « Monsieur … », or the name alone."""
        # the importer writes MADAME or MONSIEUR, whatever the package spelt
        titre = {"MADAME": "Madame", "MONSIEUR": "Monsieur"}.get(self.civilite, "")
        return " ".join(x for x in (titre, self.prenoms, self.nom.upper()) if x)


class PieceASuivre(NamedTuple):
    """A pièce that is not Conforme, as the follow-up sees it; or one the rules require that
    the dossier does not list (``piece_id`` None, ``regle`` says why). A named tuple, as
    ``Destinataire``: one per listed pièce, 190,000 at 300,000 candidatures."""

    piece_id: int | None
    candidature_id: int
    code: str
    libelle: str
    modalite: Modalite
    statut: Statut | None
    commentaire: str
    version: int
    deposee: bool  # a file was deposited (its latest round has files)
    utilisable: bool  # those files are all recevable
    echeance: dt.datetime | None
    suite: Suite
    regle: str = ""  # why the rules require it when the dossier does not list it


@dataclass(frozen=True)
class Dossier:
    """A candidate and the pièces a letter or a list is about."""

    destinataire: Destinataire
    pieces: tuple[PieceASuivre, ...]


@dataclass(frozen=True)
class Suivi:
    """The campaign's follow-up at ``maintenant``."""

    campagne_id: int
    maintenant: dt.datetime
    cloture: dt.datetime | None
    a_relancer: list[Dossier]  # with their manquante pièces whose échéance has not passed
    a_annuler: list[Dossier]  # with their pièces not Conforme
    suggestions: list[Dossier]  # with the pièces to put En attente d'une nouvelle PJ

    @property
    def cloture_passee(self) -> bool:
        return passee(self.cloture, self.maintenant)


def suivi(
    session: Session,
    campagne_id: int,
    maintenant: dt.datetime | None = None,
    candidatures: Iterable[int] | None = None,
    ecarts: dict[int, list[Ecart]] | None = None,
) -> Suivi:
    """The three worklists of the campaign (or of these candidatures), in name order.
    ``ecarts``: the rules' disagreements with the same dossiers, when already judged.

    At 100,000 candidatures most pièces not Conforme end in no list: rows are read as stored
    (a status by its name), the rule is judged once per (status, usable files, catalogue
    entry) — all a pièce's suite depends on — and objects are built only for the pièces and
    candidates a list holds."""
    maintenant = maintenant or now_utc()
    campagne = campagne_de(session, campagne_id)
    cloture = campagne.cloture
    conditions = [Candidature.campagne_id == campagne_id]
    if candidatures is not None:
        candidatures = list(candidatures)
        conditions.append(Candidature.id.in_(candidatures))
    catalogue = {
        row.id: row
        for row in session.execute(
            select(Catalogue.id, Catalogue.code, Catalogue.libelle, Catalogue.modalite,
                   Catalogue.fin, Catalogue.regroupement)
            .where(Catalogue.campagne_id == campagne_id)
        )
    }  # fmt: skip
    # A dossier's pièces in the catalogue's order: sorted here, for the listed ones only (the
    # database sorting every pièce read cost more).
    ordre = sorted(catalogue.values(), key=lambda r: (r.regroupement, r.code))
    rang = {r.code: i for i, r in enumerate(ordre)}
    # A pièce's suite depends on its status, whether its files are usable and its catalogue
    # entry: judged here once for each of these, then asked of the database for those pairs
    # (status, usable files) that some entry lists (before the closing date, a fifth of the
    # pièces not Conforme: the others were read only to be dropped).
    a_lister = (Suite.RELANCER, Suite.SUGGERER_ATTENTE, Suite.ANNULATION)
    jugees: dict[tuple[str | None, bool, int], tuple[Statut | None, Suite, dt.datetime | None]]
    jugees = {
        (statut and statut.name, utilisable, entree.id): (
            statut,
            suite_piece(statut, utilisable, entree.fin, cloture, maintenant),
            echeance_piece(statut, entree.fin, cloture),
        )
        for statut in (None, *Statut)
        for utilisable in (False, True)
        for entree in catalogue.values()
    }
    listees = {(nom, utilisable) for (nom, utilisable, _), (_, suite, _) in jugees.items()
               if suite in a_lister}  # fmt: skip
    recevabilite = _tour_et_recevabilite()
    par_dossier: dict[int, list[PieceASuivre]] = {}
    # Through the connection: plain rows, without the ORM's per-row bookkeeping.
    rows = session.connection().execute(
        select(
            Piece.id, Piece.candidature_id, Piece.catalogue_id,
            type_coerce(Piece.statut, String),  # its name, as stored: no enum per row
            Piece.commentaire, Piece.version_id, recevabilite,
        )
        .join(Candidature, Piece.candidature_id == Candidature.id)
        .join(Catalogue, Piece.catalogue_id == Catalogue.id)
        .where(*conditions, _parmi(listees, recevabilite))
    ).all()  # fmt: skip
    for piece_id, cid, cat_id, nom_statut, commentaire, version, fichiers in rows:
        deposee, utilisable = SANS_FICHIER if fichiers is None else (True, fichiers % 2 == 0)
        statut, suite, echeance = jugees[(nom_statut, utilisable, cat_id)]
        if suite not in a_lister:
            continue
        entree = catalogue[cat_id]
        par_dossier.setdefault(cid, []).append(
            PieceASuivre(
                piece_id, cid, entree.code, entree.libelle, entree.modalite, statut, commentaire,
                version, deposee, utilisable, echeance, suite,
            )
        )  # fmt: skip
    liberer(rows)  # (not at the return, in one go: see ``liberer``)
    for pieces in par_dossier.values():
        pieces.sort(key=lambda p: rang[p.code])
    if not passee(cloture, maintenant):
        if ecarts is None:
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


def selon_les_regles(
    session: Session,
    campagne_id: int,
    ecarts: dict[int, list[Ecart]],
    par_dossier: dict[int, list[PieceASuivre]],
    maintenant: dt.datetime,
) -> None:
    """Before the closing date, the relances follow the rules of ``services.exigences``: a
    pièce the rules call « non exigée » is neither relancée nor suggested « En attente d'une
    nouvelle PJ »; a pièce they require that the dossier does not list is relancée, until its
    échéance (the catalogue's, else the closing date). The cancellation list is left as the
    statuses make it: the rules suggest, the gestionnaire decides."""
    campagne = campagne_de(session, campagne_id)
    if not ecarts:
        return
    fins, modalites = {}, {}
    for code, fin, modalite in session.execute(
        select(Catalogue.code, Catalogue.fin, Catalogue.modalite)
        .where(Catalogue.campagne_id == campagne_id)
    ):  # fmt: skip
        fins[code], modalites[code] = fin, modalite
    for cid, liste in ecarts.items():
        non_exigees = {e.piece_id for e in liste if e.piece_id is not None}
        pieces = [p for p in par_dossier.get(cid, ()) if p.piece_id not in non_exigees]
        for e in liste:
            if e.piece_id is not None:
                continue
            echeance = echeance_piece(None, fins.get(e.code), campagne.cloture)
            if passee(echeance, maintenant):
                continue
            pieces.append(PieceASuivre(
                None, cid, e.code, e.libelle, modalites.get(e.code, Modalite.EN_LIGNE), None,
                "", 0, False, False, echeance, Suite.RELANCER, e.exigence.raison,
            ))  # fmt: skip
        if pieces or cid in par_dossier:
            par_dossier[cid] = pieces


SANS_FICHIER = (False, False)


def _parmi(
    paires: set[tuple[str | None, bool]], fichiers: ScalarSelect[int]
) -> ColumnElement[bool]:
    """The pièces whose (status name, usable files) is one of ``paires``; ``fichiers`` is
    ``_tour_et_recevabilite``'s figure (even when the latest round's files are usable)."""
    conditions: list[ColumnElement[bool]] = []
    for nom in {nom for nom, _ in paires}:
        statut = Piece.statut.is_(None) if nom is None else Piece.statut == Statut[nom]
        if (nom, True) not in paires:
            conditions.append(and_(statut, func.coalesce(fichiers % 2, 1) == 1))
        elif (nom, False) not in paires:
            conditions.append(and_(statut, fichiers % 2 == 0))
        else:
            conditions.append(statut)
    return or_(false(), *conditions)


def _tour_et_recevabilite() -> ScalarSelect[int]:
    """Per pièce, from its files: NULL when it has none; else the largest 2·tour + (1 if non
    recevable), which comes from the latest round and is even when every file of that round
    is recevable. Looked up by the deposit index for each pièce read (a grouped pass over
    the deposits, then a dictionary, cost a fifth more)."""
    return (
        select(func.max(Depot.tour * 2 + case((Depot.recevable, 0), else_=1)))
        .where(Depot.piece_id == Piece.id)
        .scalar_subquery()
    )


def destinataires_de(session: Session, candidatures: Iterable[int]) -> dict[int, Destinataire]:
    """The candidates of these candidatures, in name order (the order of letters and lists)."""
    resultat: dict[int, Destinataire] = {}
    for lot in par_lots(list(candidatures)):
        resultat.update(_destinataires(session, lot))
    # One string per candidate, its parts apart by a NUL (below any letter): the order of the
    # (nom, prénoms, n°) tuples, compared twice as fast (the sort holds the interpreter).
    tous = list(resultat.values())
    noms = normaliser_tous(d.nom for d in tous)
    prenoms = normaliser_tous(d.prenoms for d in tous)
    cles = [f"{nom}\0{p}\0{d.n_candidat}" for nom, p, d in zip(noms, prenoms, tous, strict=True)]
    ordre = sorted(range(len(tous)), key=cles.__getitem__)
    par_nom = {tous[i].candidature_id: tous[i] for i in ordre}
    liberer(noms, prenoms, cles)  # 450,000 strings at 300,000 candidatures: see ``liberer``
    return par_nom


def _destinataires(session: Session, ids: list[int]) -> dict[int, Destinataire]:
    query = (
        select(
            Candidature.id, Candidat.n_candidat, Candidature.n_inscription, Candidat.civilite,
            Candidat.nom_naissance, Candidat.nom_usage, Candidat.prenoms, Candidat.adresse,
            Candidat.email, Candidature.specialite,
        )  # in the order of Destinataire's fields
        .join(Candidat, Candidat.id == Candidature.candidat_id)
        .where(Candidature.id.in_(ids))
    )  # fmt: skip
    return {row[0]: Destinataire(*row) for row in session.connection().execute(query).all()}
