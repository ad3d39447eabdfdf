"""Read-side queries for the windows: plain frozen dataclasses, never ORM objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop_app.documents.lecture.document import VERSION as VERSION_LECTURE
from desktop_app.models import (
    DECIDE,
    Avertissement,
    Campagne,
    Candidat,
    Candidature,
    Decision,
    Depot,
    LectureFichier,
    Modalite,
    Piece,
    PieceCatalogue,
    SourceDecision,
    Statut,
)
from desktop_app.services.exigences import Ecart, Exigence, compare_par_empreinte
from desktop_app.services.lecture import depuis_json, meme_papier
from desktop_app.services.lots import par_lots
from desktop_app.services.regles import EtatPiece, nombre_a_controler

T = TypeVar("T")

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
    formats: tuple[str, ...] = ("pdf", "jpeg")


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
    dernier_depot: dt.datetime | None = None
    sans_fichier: int = 0  # of the pièces without status, those without any file either
    non_recevables: int = 0  # pièces whose latest file is not recevable
    a_voir: int = 0  # automatic avertissements of the latest files nobody has looked at

    @property
    def compteurs(self) -> tuple[int, ...]:
        return tuple(self[8:14])

    @property
    def a_controler(self) -> int:
        """How many pièces await the gestionnaire (see ``regles.a_controler``)."""
        return nombre_a_controler(
            self.sans_statut, self.sans_fichier, self.recues, self.attente_controle
        )


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
    version: int = 1
    fin: dt.datetime | None = None  # end of the deposit window (or postal deadline)
    tour: int = 0  # round of the latest files (2 and more: re-deposited after Non conforme)
    commentaire_precedent: str = ""  # the Non conforme that asked for this round
    redepot_identique: bool = False  # a file of this round is one already refused
    # The same file (sha256) deposited elsewhere: for another candidate, or for another pièce.
    ailleurs: tuple[Ailleurs, ...] = ()
    non_exigee: Exigence | None = None  # the rules call it « non exigée » (services.exigences)
    # The other places of a file deposited more often than ``ailleurs`` names (AILLEURS_NOMMES).
    lieux_non_nommes: int = 0

    @property
    def etat(self) -> EtatPiece:
        return EtatPiece(self.statut, self.modalite, self.fichiers, self.non_recevables, self.motif)


class Auteur(NamedTuple):
    """Who set a pièce's current status, and when (an undo gives it back to its author)."""

    gestionnaire: str
    horodatage: dt.datetime | None


def auteur_courant(decisions: Iterable[Any]) -> Auteur:
    """From a pièce's decisions in order (rows with gestionnaire, horodatage, source): the
    author of its current status. An undo takes back the decision before it."""
    pile: list[Auteur] = []
    for d in decisions:
        if d.source == SourceDecision.ANNULATION:
            if pile:
                pile.pop()
        else:
            pile.append(Auteur(d.gestionnaire, d.horodatage))
    return pile[-1] if pile else Auteur("", None)


def auteurs_courants(session: Session, pieces: Any) -> dict[int, Auteur]:
    """``auteur_courant`` of each pièce among ``pieces`` (a select of pièce ids) that has a
    decision: the last decision's author, read again in full for the few undone ones."""
    derniere = (
        select(func.max(Decision.id))
        .where(Decision.piece_id.in_(pieces), DECIDE)
        .group_by(Decision.piece_id)
    )  # fmt: skip
    auteurs: dict[int, Auteur] = {}
    annulees: list[int] = []
    colonnes = (Decision.piece_id, Decision.gestionnaire, Decision.horodatage, Decision.source)
    for row in session.execute(select(*colonnes).where(Decision.id.in_(derniere))):
        if row.source == SourceDecision.ANNULATION:
            annulees.append(row.piece_id)
        else:
            auteurs[row.piece_id] = Auteur(row.gestionnaire, row.horodatage)
    for lot in par_lots(annulees):
        toutes: dict[int, list[Any]] = {}
        requete = select(*colonnes).where(Decision.piece_id.in_(lot), DECIDE).order_by(Decision.id)
        for row in session.execute(requete):
            toutes.setdefault(row.piece_id, []).append(row)
        auteurs.update({p: auteur_courant(rows) for p, rows in toutes.items()})
    return auteurs


def dernier_tour(lignes: Iterable[tuple[int, int, T]]) -> dict[int, list[T]]:
    """From (piece_id, tour, value) rows in deposit order: per pièce, the values of its
    latest round of files (the earlier rounds were judged Non conforme)."""
    tours: dict[int, tuple[int, list[T]]] = {}
    for piece_id, tour, valeur in lignes:
        courant = tours.get(piece_id)
        if courant is None or tour > courant[0]:
            tours[piece_id] = courant = (tour, [])
        if tour == courant[0]:
            courant[1].append(valeur)
    return {piece_id: valeurs for piece_id, (_, valeurs) in tours.items()}


def campagne_de(session: Session, campagne_id: int) -> Campagne:
    campagne = session.get(Campagne, campagne_id)
    if campagne is None:
        raise LookupError(f"campagne {campagne_id} introuvable")
    return campagne


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
            c.titre,
            c.examen,
            c.session,
            c.academie,
            c.cloture,
            c.taille_max_octets,
            counts.get(c.id, 0),
            tuple(c.formats),
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


def _requete_candidatures() -> Any:
    return select(
        Candidature.id,
        Candidat.n_candidat,
        Candidature.n_inscription,
        Candidat.nom_naissance,
        Candidat.nom_usage,
        Candidat.prenoms,
        Candidat.date_naissance,
        Candidature.specialite,
        *COMPTEURS,
        Candidature.dernier_depot,
        Candidature.pieces_sans_fichier,
    ).join(Candidat, Candidat.id == Candidature.candidat_id)


def tour_courant() -> Any:
    """The latest round of files of the deposit's pièce, for ``Depot.tour == tour_courant()``
    (a correlated subquery, answered by the index on (piece_id, tour))."""
    autre = aliased(Depot)
    return (
        select(func.max(autre.tour))
        .where(autre.piece_id == Depot.piece_id)
        .correlate(Depot)
        .scalar_subquery()
    )


def depots_courants(session: Session, *conditions: Any) -> list[tuple[int, int, int, str]]:
    """(deposit, pièce, candidature, sha256) of the recevable deposits of their pièce's
    current round that meet ``conditions``."""
    return [
        (d, p, c, sha)
        for d, p, c, sha in session.execute(
            select(Depot.id, Piece.id, Piece.candidature_id, Depot.sha256)
            .join(Piece, Piece.id == Depot.piece_id)
            .where(Depot.recevable, Depot.sha256.is_not(None), Depot.tour == tour_courant(),
                   *conditions)
        )
    ]  # fmt: skip


def _non_recevables(session: Session, *conditions: Any) -> dict[int, int]:
    """How many pièces have a non recevable file in their latest round, per candidature
    (through the partial index of the few non recevable files: every campaign's, which is
    faster than letting the database start from the campaign's 100,000 candidatures)."""
    query = (
        select(Piece.candidature_id, func.count(Piece.id.distinct()))
        .select_from(Depot)
        .join(Piece, Piece.id == Depot.piece_id)
        .where(Depot.recevable == false(), Depot.tour == tour_courant(), *conditions)
        .group_by(Piece.candidature_id)
    )
    return {cid: n for cid, n in session.execute(query)}


def _a_voir(session: Session, *conditions: Any) -> dict[int, int]:
    """How many automatic avertissements (``services.avertissements``) of the latest files
    nobody has looked at, per candidature: of all, through the index of those not looked at;
    of the few candidatures ``conditions`` keep, from their pièces (SQLite would otherwise walk
    every avertissement not looked at, 40 ms and more at 100,000 candidatures, on every
    decision: ``coalesce`` hides the column from that index)."""
    vu_le = func.coalesce(Avertissement.vu_le, None) if conditions else Avertissement.vu_le
    query = (
        select(Piece.candidature_id, func.count())
        .select_from(Avertissement)
        .join(Depot, Depot.id == Avertissement.depot_id)
        .join(Piece, Piece.id == Depot.piece_id)
        .where(vu_le.is_(None), Depot.tour == tour_courant(), *conditions)
        .group_by(Piece.candidature_id)
    )
    return {cid: n for cid, n in session.execute(query)}


def lister_candidatures(
    session: Session, campagne_id: int, limite: int | None = None
) -> list[LigneCandidature]:
    """Every candidature of the campaign with its per-status counts, in name order: one
    indexed query (the counters and the last deposit are kept by the database), read
    through Core, the few non recevable files and the avertissements not looked at.
    ``limite``: the first ones only, in that order (the list's first screen at start: 25 ms
    at 100,000 candidatures where all take 0.6 s), their counts read for them alone."""
    query = (
        _requete_candidatures()
        .where(Candidature.campagne_id == campagne_id)
        .order_by(Candidat.nom_naissance, Candidat.prenoms, Candidature.id)
    )
    if limite is None:
        refus, a_voir = _non_recevables(session), _a_voir(session)
        rows: Iterable[Any] = session.connection().execute(query)
    else:
        rows = session.connection().execute(query.limit(limite)).all()
        lues = Piece.candidature_id.in_([row[0] for row in rows])
        refus, a_voir = _non_recevables(session, lues), _a_voir(session, lues)
    faire = LigneCandidature._make
    return [faire((*row, refus.get(row[0], 0), a_voir.get(row[0], 0))) for row in rows]


def totaux(lignes: Sequence[LigneCandidature]) -> list[int]:
    """Pièces per status (in the order of STATUTS_COMPTES) over these rows."""
    premier = LigneCandidature._fields.index("sans_statut")
    return [sum(map(itemgetter(premier + k), lignes)) for k in range(len(STATUTS_COMPTES))]


def ligne_candidature(session: Session, candidature_id: int) -> LigneCandidature | None:
    """One row of the list, read again after a decision."""
    row = (
        session.connection()
        .execute(_requete_candidatures().where(Candidature.id == candidature_id))
        .first()
    )
    if row is None:
        return None
    refus = _non_recevables(session, Piece.candidature_id == candidature_id)
    a_voir = _a_voir(session, Piece.candidature_id == candidature_id)
    return LigneCandidature(*row, refus.get(candidature_id, 0), a_voir.get(candidature_id, 0))


@dataclass(frozen=True)
class Ailleurs:
    """Where else a file of a pièce's current round was deposited (same sha256): another
    candidate's dossier, or another pièce of this one. A candidate's own file in another of
    their candidatures (another session) is not reuse, nor a file refused at import (it is
    not judged: a renamed PNG is refused whoever sends it)."""

    candidature_id: int
    piece_id: int
    n_candidat: str
    candidat: str  # « NOM Prénoms »
    piece: str  # the pièce's label
    meme_dossier: bool  # another pièce of the same candidature
    rescan: bool = False  # not the same file: the same paper scanned anew (``rescans``)


def ailleurs(
    session: Session, candidature_id: int, shas: Iterable[str], premiers: int | None = None,
    tronques: set[str] | None = None,
) -> dict[str, list[Ailleurs]]:  # fmt: skip
    """For each of these files of the candidature, where else it was deposited (the index on
    the deposits' sha256: a lookup per file). ``premiers``: the first deposits only, for a file
    that may have been deposited by thousands; those that had more are added to ``tronques``
    (``nombre_ailleurs`` counts their places)."""
    return {sha: [a for a, _ in lieux] for sha, lieux in _depots_ailleurs(
        session, candidature_id, {s: {s} for s in shas}, premiers=premiers, tronques=tronques,
    ).items()}  # fmt: skip


def _candidat_de(session: Session, candidature_id: int) -> int | None:
    return session.scalar(select(Candidature.candidat_id).where(Candidature.id == candidature_id))


def _pas_le_meme_candidat(session: Session, candidature_id: int) -> Any:
    """Deposits of this candidature, or of another candidate: a candidate's own file in
    another of their candidatures (another session) is not reuse."""
    candidat = _candidat_de(session, candidature_id)
    return or_(Piece.candidature_id == candidature_id, Candidature.candidat_id != candidat)


def _depots_ailleurs(
    session: Session, candidature_id: int, fichiers: dict[str, set[str]], rescan: bool = False,
    premiers: int | None = None, tronques: set[str] | None = None,
) -> dict[str, list[tuple[Ailleurs, str]]]:  # fmt: skip
    """Where the files ``fichiers`` maps to (each to the files of this candidature it stands
    for) were deposited, outside this candidate's other candidatures, by the file of this
    candidature: each place with its catalogue code; at most the ``premiers`` first deposits
    of each file (those that had more are added to ``tronques``)."""
    if not fichiers:
        return {}
    pas_le_meme = _pas_le_meme_candidat(session, candidature_id)
    trouves: dict[str, list[tuple[int, Ailleurs, str]]] = {}
    vus: set[tuple[str, int]] = set()
    for autre in sorted(fichiers):
        requete = (
            select(Depot.id.label("depot"), Piece.id, Piece.candidature_id, Candidat.n_candidat,
                   Candidat.nom_naissance, Candidat.prenoms, PieceCatalogue.code,
                   PieceCatalogue.libelle)
            .join(Piece, Piece.id == Depot.piece_id)
            .join(Candidature, Candidature.id == Piece.candidature_id)
            .join(Candidat, Candidat.id == Candidature.candidat_id)
            .join(PieceCatalogue, PieceCatalogue.id == Piece.catalogue_id)
            .where(Depot.sha256 == autre, Depot.recevable, pas_le_meme)
            .order_by(Depot.id)
            .limit(premiers + 1 if premiers is not None else None)
        )  # fmt: skip
        rows = session.execute(requete).all()
        if premiers is not None and len(rows) > premiers:
            rows = rows[:premiers]
            if tronques is not None:
                tronques.add(autre)
        for row in rows:
            meme = row.candidature_id == candidature_id
            qui = f"{row.nom_naissance} {row.prenoms}".strip()
            lieu = Ailleurs(row.candidature_id, row.id, row.n_candidat, qui, row.libelle, meme,
                            rescan)  # fmt: skip
            for sha in sorted(fichiers[autre]):
                if (sha, row.id) not in vus:
                    vus.add((sha, row.id))
                    trouves.setdefault(sha, []).append((row.depot, lieu, row.code))
    # In the order of the deposits, whichever file each place was found by.
    return {sha: [(lieu, code) for _, lieu, code in sorted(lieux, key=itemgetter(0))]
            for sha, lieux in trouves.items()}  # fmt: skip


def nombre_ailleurs(session: Session, candidature_id: int, shas: Iterable[str]
                    ) -> dict[str, int]:  # fmt: skip
    """For each of these files of the candidature, the number of pièces it was deposited for
    (its own included), counted as ``ailleurs`` names them: every pièce that holds it, less
    those of the candidate's other candidatures (counted apart: the lookup by file then reads
    the deposits alone, not their pièces and candidatures)."""
    choisis = sorted(set(shas))
    if not choisis:
        return {}

    def compter(*conditions: Any) -> dict[str, int]:
        return {sha: nombre for sha, nombre in session.execute(
            select(Depot.sha256, func.count(func.distinct(Depot.piece_id)))
            .where(Depot.sha256.in_(choisis), Depot.recevable, *conditions)
            .group_by(Depot.sha256)
        )}  # fmt: skip

    nombres = compter()
    siennes = (
        select(Piece.id)
        .join(Candidature)
        .where(
            Candidature.candidat_id == _candidat_de(session, candidature_id),
            Candidature.id != candidature_id,
        )
    )
    for sha, siens in compter(Depot.piece_id.in_(siennes)).items():
        nombres[sha] -= siens
    return nombres


AILLEURS_NOMMES = 5  # the places of a file the dossier names; the others are counted

SEUIL_EMPREINTE = 16  # bits of 63: two captures of one paper came at most 14 apart (bench_rescans)


def rescans(session: Session, candidature_id: int, shas: Iterable[str]
            ) -> dict[str, list[Ailleurs]]:  # fmt: skip
    """For each of these files of the candidature, the other files deposited that seem to be
    the same paper scanned or photographed anew: first pages whose fingerprints are at most
    ``SEUIL_EMPREINTE`` bits apart, and readings that name the same holder (birth date, name,
    first prénom) with no document number or expiry that differs (``meme_papier``). Only
    between pièces holding the candidate's own paper (``compare_par_empreinte``): forms the
    portal prints alike for all are never compared, and two documents of one template for
    two people (0–10 bits apart) differ by their names. A file whose holder was not read is
    not compared (a lookup by birth date keeps this a few rows whatever the campaign's
    size)."""
    propres = {
        row.sha256 for row in session.execute(
            select(Depot.sha256, PieceCatalogue.code, PieceCatalogue.libelle)
            .join(Piece, Piece.id == Depot.piece_id)
            .join(PieceCatalogue, PieceCatalogue.id == Piece.catalogue_id)
            .where(Piece.candidature_id == candidature_id, Depot.sha256.in_(sorted(set(shas))))
        ) if compare_par_empreinte(row.code, row.libelle)
    }  # fmt: skip
    lus = LectureFichier
    proches: dict[str, set[str]] = {}
    for sha, naissance, empreinte, resultat in session.execute(
        select(lus.sha256, lus.naissance_lue, lus.empreinte, lus.resultat).where(
            lus.sha256.in_(sorted(propres)), lus.version == VERSION_LECTURE,
            lus.naissance_lue.is_not(None), lus.empreinte.is_not(None))
    ):  # fmt: skip
        voisins = [autre for autre, e in session.execute(
            select(lus.sha256, lus.empreinte).where(
                lus.naissance_lue == naissance, lus.sha256 != sha, lus.empreinte.is_not(None),
                lus.version == VERSION_LECTURE))
            # (the bits apart, as ``empreinte.distance`` counts them: its module loads numpy,
            # 0.15 s of the first dossier's opening)
            if (e ^ empreinte).bit_count() <= SEUIL_EMPREINTE]  # fmt: skip
        if not voisins:
            continue
        lu = depuis_json(resultat)
        for autre, donnees in session.execute(
            select(lus.sha256, lus.resultat).where(lus.sha256.in_(voisins))
        ):  # fmt: skip
            if meme_papier(lu, depuis_json(donnees)):
                proches.setdefault(autre, set()).add(sha)
    return {
        sha: [a for a, code in lieux if compare_par_empreinte(code, a.piece)]
        for sha, lieux in _depots_ailleurs(session, candidature_id, proches, rescan=True).items()
    }


def pieces_de(
    session: Session, candidature_id: int, ecarts: Sequence[Ecart] = ()
) -> list[LignePiece]:
    """The pièces of one candidature (a handful of rows: summarised here, not in SQL);
    ``ecarts``: the rules' verdicts on the dossier (``services.exigences``), for the pièces
    they call « non exigée »; the dossier room reads them, moving between pièces needs not."""
    depots: dict[int, list[Any]] = {}
    for row in session.execute(
        select(
            Depot.piece_id, Depot.tour, Depot.recevable, Depot.date_depot, Depot.motif,
            Depot.sha256,
        )
        .join(Piece)
        .where(Piece.candidature_id == candidature_id)
        .order_by(Depot.id)
    ):  # fmt: skip
        depots.setdefault(row.piece_id, []).append(row)
    decisions: dict[int, list[Any]] = {}
    for row in session.execute(
        select(Decision.piece_id, Decision.gestionnaire, Decision.horodatage, Decision.source,
               Decision.nouveau_statut, Decision.commentaire)
        .join(Piece)
        .where(Piece.candidature_id == candidature_id, DECIDE)
        .order_by(Decision.id)
    ):  # fmt: skip
        decisions.setdefault(row.piece_id, []).append(row)
    courants = {p: max(d.tour for d in ds) for p, ds in depots.items()}
    actuels = [d.sha256 for p, ds in depots.items() for d in ds
               if d.tour == courants[p] and d.recevable]  # fmt: skip
    shas = [s for s in actuels if s]
    # A file deposited for thousands (a blank form, say) is named a few times, and counted.
    tronques: set[str] = set()
    partages = ailleurs(session, candidature_id, shas, AILLEURS_NOMMES + 1, tronques)
    nombres = nombre_ailleurs(session, candidature_id, tronques)
    for sha, lieux in rescans(session, candidature_id, shas).items():
        partages.setdefault(sha, []).extend(lieux)
    non_exigees = {e.piece_id: e.exigence for e in ecarts if e.piece_id is not None}
    result = []
    for p, cat in session.execute(
        select(Piece, PieceCatalogue)
        .join(PieceCatalogue)
        .where(Piece.candidature_id == candidature_id)
        .order_by(PieceCatalogue.regroupement, PieceCatalogue.code)
    ):
        tous = depots.get(p.id, [])
        tour = courants.get(p.id, 0)
        courant = [d for d in tous if d.tour == tour]
        refuses = [d for d in courant if not d.recevable]
        dates = [d.date_depot for d in courant if d.date_depot is not None]
        historique = decisions.get(p.id, [])
        non_conformes = [d for d in historique if d.nouveau_statut == Statut.NON_CONFORME]
        anciens = {d.sha256 for d in tous if d.tour < tour and d.sha256}
        # A file deposited too often to name every place: the places beyond the first counted.
        non_nommes = sum(nombres[sha] - 1 - sum(a.piece_id != p.id and not a.rescan
                                                for a in partages[sha])
                         for sha in {d.sha256 for d in courant if d.sha256 in nombres})  # fmt: skip
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
                refuses[0].motif if refuses else "",
                auteur_courant(historique).gestionnaire,
                p.version_id,
                cat.fin,
                tour,
                non_conformes[-1].commentaire if non_conformes and tour > 1 else "",
                any(d.sha256 in anciens for d in courant),
                tuple(
                    a
                    for d in courant
                    for a in partages.get(d.sha256 or "", ())
                    if a.piece_id != p.id
                ),
                non_exigees.get(p.id),
                non_nommes,
            )
        )
    return result


@dataclass(frozen=True)
class Identite:
    """What the dossier panel pins beside the document, to compare without scrolling."""

    candidature_id: int
    n_candidat: str
    n_inscription: str
    civilite: str
    nom_naissance: str
    nom_usage: str
    prenoms: str
    date_naissance: dt.date | None
    lieu_naissance: str
    nationalite: str
    specialite: str
    code_specialite: str
    categorie: str
    etablissement: str
    uai: str
    forme_passage: str
    handicap: bool | None
    eps: str
    acquis: str


def identite_de(session: Session, candidature_id: int) -> Identite | None:
    row = session.execute(
        select(Candidature, Candidat)
        .join(Candidat, Candidat.id == Candidature.candidat_id)
        .where(Candidature.id == candidature_id)
    ).first()
    if row is None:
        return None
    c, p = row
    lieu = ", ".join(
        x for x in (p.commune_naissance, p.departement_naissance, p.pays_naissance) if x
    )
    return Identite(
        c.id, p.n_candidat, c.n_inscription, p.civilite, p.nom_naissance, p.nom_usage,
        p.prenoms, p.date_naissance, lieu, p.nationalite, c.specialite, c.code_specialite,
        c.categorie, c.etablissement, c.uai, c.forme_passage, c.handicap, c.eps, c.acquis,
    )  # fmt: skip


@dataclass(frozen=True)
class Evenement:
    """One line of a pièce's history: a file deposited, or a decision (who, when, what)."""

    horodatage: dt.datetime | None
    quoi: str  # "depot" | "decision" | "annulation" (the decision before it undone) | "lecture"
    # (a value read in a file corrected: no decision)
    auteur: str  # the gestionnaire, "import" for a status that came with a package, "" a file
    statut: Statut | None
    texte: str  # file name and whether recevable, or the comment


def historique_de(session: Session, piece_id: int) -> list[Evenement]:
    """Every deposit and decision of a pièce, oldest first."""
    evenements = [
        Evenement(
            d.date_depot or d.importe_le,
            "depot",
            "",
            None,
            f"{d.nom_original}" + ("" if d.recevable else f" — non recevable : {d.motif}"),
        )
        for d in session.scalars(select(Depot).where(Depot.piece_id == piece_id))
    ]
    evenements += [
        Evenement(
            d.horodatage,
            {SourceDecision.ANNULATION: "annulation", SourceDecision.LECTURE: "lecture"}.get(
                d.source, "decision"
            ),
            f"{d.gestionnaire} (import)" if d.source == SourceDecision.IMPORT else d.gestionnaire,
            d.nouveau_statut,
            d.commentaire,
        )
        for d in session.scalars(select(Decision).where(Decision.piece_id == piece_id))
    ]
    plus_tot = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(evenements, key=lambda e: e.horodatage or plus_tot)


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
    return _depots(session, Depot.piece_id == piece_id).get(piece_id, [])


def depots_des_pieces(session: Session, candidature_id: int) -> dict[int, list[LigneDepot]]:
    """The files of every pièce of a candidature (one query), per pièce id."""
    return _depots(session, Piece.candidature_id == candidature_id)


def _depots(session: Session, condition: Any) -> dict[int, list[LigneDepot]]:
    rows = session.execute(
        select(Depot, Campagne.taille_max_octets, Campagne.formats)
        .join(Piece, Depot.piece_id == Piece.id)
        .join(Candidature, Piece.candidature_id == Candidature.id)
        .join(Campagne, Candidature.campagne_id == Campagne.id)
        .where(condition)
        .order_by(Depot.piece_id, Depot.tour.desc(), Depot.id)
    ).all()
    dernier: dict[int, int] = {}
    for d, _, _ in rows:
        dernier[d.piece_id] = max(dernier.get(d.piece_id, 0), d.tour)
    resultat: dict[int, list[LigneDepot]] = {}
    for d, taille_max, formats in rows:
        resultat.setdefault(d.piece_id, []).append(
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
                d.tour == dernier[d.piece_id],
            )
        )
    return resultat
