"""The avertissements the application finds by itself on the deposited files, kept per deposit:
what the reading says against the candidature, the same file or paper deposited elsewhere,
and the file's own inspection avertissements that a gestionnaire must weigh (a blank page, a
damaged PDF, an XFA form — not a photo the viewer turns upright; blur is judged when the file
is shown, not at import, and is not kept). They are suggestions: the list's quick filter
finds the dossiers holding one nobody has looked at yet, the dashboard counts them by kind.
« Looked at » is the first decision on the pièce after it was found.

Found again whenever what they rest on changes (a reading stored or corrected, a file
imported); an avertissement found again keeps who looked at it and when; one no longer true
goes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.documents.constats import Finding
from desktop_app.documents.lecture.document import Lu
from desktop_app.models import Avertissement, Candidature, Depot, Piece
from desktop_app.services.activite import activite_du_dossier, pieces_activite
from desktop_app.services.dates import now_utc
from desktop_app.services.lecture import corriger, ecarts_des_depots, enregistrer
from desktop_app.services.requetes import (
    Ailleurs,
    ailleurs,
    depots_courants,
    rescans,
    tour_courant,
)

LECTURE, REUTILISATION, INSPECTION = "lecture", "réutilisation", "inspection"

# The kinds the dashboard counts, by the reading's field.
GENRES_LECTURE = {
    "nom": "Nom lu différent",
    "prenoms": "Prénom lu différent",
    "naissance": "Date de naissance lue différente",
    "expiration": "Document expiré à la session",
    "signature": "Signature absente",
    "date_signature": "Date absente",
    "activite": "Durée d'activité professionnelle",
}
MEME_FICHIER = "Même fichier déposé ailleurs"
RESCAN = "Même document numérisé à nouveau"
# The inspection's avertissements a gestionnaire must weigh, by their code; the others (a
# photo turned upright by the viewer, many pages) are facts, not things to check.
GENRES_INSPECTION = {
    "page_blanche": "Page blanche",
    "basse_resolution": "Image de très faible résolution",
    "incomplete": "Image incomplète",
    "repare": "PDF réparé à l'ouverture",
    "formulaire": "Formulaire PDF",
    "xfa": "Formulaire XFA",
    "piece_jointe": "Fichier joint au PDF",
    "image_demesuree": "Image démesurée",
    "javascript": "JavaScript dans le PDF",
    "lancement": "Action de lancement dans le PDF",
    "lien": "Liens dans le PDF",
    "envoi": "Formulaire qui envoie des données",
}

Trouve = tuple[str, str, str, int | None]  # (origine, genre, message, the other pièce named)


def inspection(findings: Iterable[Finding]) -> list[Trouve]:
    """The inspection avertissements worth keeping, of a file's findings."""
    return [(INSPECTION, GENRES_INSPECTION[f.code], f.message, None) for f in findings
            if f.level == "avertissement" and f.code in GENRES_INSPECTION]  # fmt: skip


def remplacer(session: Session, depot_id: int, origines: set[str], trouves: Iterable[Trouve]
              ) -> None:  # fmt: skip
    """The deposit's avertissements of these origins become ``trouves``: one found again keeps
    when it was looked at, one no longer found goes."""
    voulus = set(trouves)
    for a in session.scalars(select(Avertissement).where(
        Avertissement.depot_id == depot_id, Avertissement.origine.in_(origines)
    )):  # fmt: skip
        cle = (a.origine, a.genre, a.message, a.piece_liee_id)
        if cle in voulus:
            voulus.discard(cle)
        else:
            session.delete(a)
    quand = now_utc()
    for origine, genre, message, liee in sorted(voulus, key=lambda t: t[:3]):
        session.add(Avertissement(depot_id=depot_id, origine=origine, genre=genre,
                                  message=message, cree_le=quand, vu_par="",
                                  piece_liee_id=liee))  # fmt: skip


LIMITE_LIEUX = 20  # a file deposited more often is said with a count (a blank form, say)


def _ou(a: Ailleurs, autres: int) -> str:
    ou = (f"pour la pièce « {a.piece} » de ce dossier" if a.meme_dossier
          else f"pour {a.candidat} (n° {a.n_candidat}), « {a.piece} »")  # fmt: skip
    return ou + (f", et {autres} autre(s) dépôt(s)" if autres else "")


Depot4 = tuple[int, int, int, str]  # (deposit, pièce, candidature, sha256): a current deposit


def _constater_fichier(session: Session, sha: str, depots: list[Depot4], total: int) -> set[int]:
    """The reading and reuse avertissements of these current deposits of one file (of
    ``total`` in all), found again; the pièces whose avertissements change with them: where a
    reuse was found (their side says it too), and the dossier's other pièces of professional
    activity."""
    ecarts = ecarts_des_depots(session, sha, [d for d, *_ in depots])
    # The dossiers where this file is a pièce of professional activity: the length their
    # files add up to changed (a file deposited for another pièce does not count in it).
    siennes = {(c, p) for _, p, c, _ in depots}
    activites = {c: pieces for c, pieces in pieces_activite(
        session, sorted({c for _, _, c, _ in depots})).items()
        if any((c, p) in siennes for p in pieces)}  # fmt: skip
    dossiers = {c: activite_du_dossier(session, c, pieces=p) for c, p in activites.items()}
    # The dossier's other files of professional activity: the length they add up to changed.
    autres = {p for pieces in activites.values() for p in pieces} - {p for _, p, _, _ in depots}
    peu = total <= LIMITE_LIEUX  # else the places are counted, not named one by one
    for depot_id, piece_id, candidature_id, _ in depots:
        trouves: list[Trouve] = [
            (LECTURE, GENRES_LECTURE.get(e.champ, e.champ),
             f"{e.message} : lu « {e.lu} », attendu « {e.attendu} »", None)
            for e in ecarts.get(depot_id, ())
        ]  # fmt: skip
        dossier = dossiers.get(candidature_id) if piece_id in activites.get(
            candidature_id, ()) else None  # fmt: skip
        if dossier is not None and dossier.ecart is not None:
            e = dossier.ecart
            trouves.append((LECTURE, GENRES_LECTURE[e.champ],
                            f"{e.message} : lu {e.lu}, attendu {e.attendu}", None))  # fmt: skip
        if peu:
            for genre, lieux in (
                (MEME_FICHIER, ailleurs(session, candidature_id, [sha]).get(sha, [])),
                (RESCAN, rescans(session, candidature_id, [sha]).get(sha, [])),
            ):
                lieux = [a for a in lieux if a.piece_id != piece_id]
                if lieux:
                    message = f"{genre} {_ou(lieux[0], len(lieux) - 1)}"
                    trouves.append((REUTILISATION, genre, message, lieux[0].piece_id))
                    autres |= {a.piece_id for a in lieux if a.rescan}
        else:
            trouves.append((REUTILISATION, MEME_FICHIER,
                            f"{MEME_FICHIER} : {total - 1} autres dépôts", None))  # fmt: skip
        remplacer(session, depot_id, {LECTURE, REUTILISATION}, trouves)
    return autres


Etape = tuple[int, Callable[[Session], None]]  # (deposits it judges, the work in a session)


def _etapes(sha256: str, lot: int) -> Iterator[Etape]:
    """``constater_lecture``'s work in steps of at most ``lot`` deposits, each run in a write
    transaction by the caller (all in one, or a few each) before the next is asked for: a
    step may rest on what the ones before read."""
    depots: list[Depot4] = []
    autres: set[int] = set()
    par_fichier: dict[str, list[Depot4]] = {}

    def lister(session: Session) -> None:
        depots.extend(depots_courants(session, Depot.sha256 == sha256))

    def juger(sha: str, tranche: list[Depot4], total: int) -> Etape:
        return len(tranche), lambda session: autres.update(
            _constater_fichier(session, sha, tranche, total)
        )

    def grouper(session: Session) -> None:
        for depot in depots_courants(session, Depot.piece_id.in_(sorted(autres))):
            if depot[3] != sha256:
                par_fichier.setdefault(depot[3], []).append(depot)

    yield 0, lister
    for debut in range(0, len(depots), lot):
        yield juger(sha256, depots[debut : debut + lot], len(depots))
    autres.difference_update(p for _, p, _, _ in depots)
    if not autres:
        return
    yield 0, grouper
    for sha, siens in par_fichier.items():
        for debut in range(0, len(siens), lot):
            yield juger(sha, siens[debut : debut + lot], len(siens))


def constater_lecture(session: Session, sha256: str) -> None:
    """After this file's reading was stored (or corrected), or a deposit of it imported: the
    avertissements of its current deposits, and of those of the files found to be the same
    paper (their side says it too) or of the same dossier's professional activity."""
    for _, etape in _etapes(sha256, lot=sys.maxsize):
        etape(session)


@dataclass(frozen=True)
class Compte:
    origine: str
    genre: str
    total: int
    non_vus: int


def par_genre(session: Session, campagne_id: int) -> list[Compte]:
    """The campaign's avertissements on the latest files, by kind: how many, and how many
    nobody has looked at."""
    return [
        Compte(origine, genre, total, total - vus)
        for origine, genre, total, vus in session.execute(
            select(Avertissement.origine, Avertissement.genre, func.count(),
                   func.count(Avertissement.vu_le))
            .join(Depot, Depot.id == Avertissement.depot_id)
            .join(Piece, Piece.id == Depot.piece_id)
            .join(Candidature, Candidature.id == Piece.candidature_id)
            .where(Candidature.campagne_id == campagne_id, Depot.tour == tour_courant())
            .group_by(Avertissement.origine, Avertissement.genre)
            .order_by(func.count().desc(), Avertissement.genre)
        )
    ]  # fmt: skip


def lecture_enregistree(session: Session, sha256: str, lu: Lu) -> None:
    """Store a file's reading and find again the avertissements resting on it, in this
    transaction."""
    lecture_enregistree_par_lots(lambda f: f(session), sha256, lu, lot=sys.maxsize)


DEPOTS_PAR_TRANSACTION = 10  # about 20 ms of work (bench_fluidite, 100,000 candidatures)


def lecture_enregistree_par_lots(
    ecrire: Callable[[Callable[[Session], bool]], bool],
    sha256: str,
    lu: Lu,
    lot: int = DEPOTS_PAR_TRANSACTION,
    attendue: Callable[[], bool] = lambda: False,
) -> int:
    """``lecture_enregistree`` for a background writer, in transactions of at most ``lot``
    deposits judged (``ecrire(f)`` runs ``f(session)`` in one): a file deposited by hundreds
    of candidates (a blank form) never holds the base for seconds while a gestionnaire's
    decision waits. A file deposited once or twice is one transaction, as before, unless
    ``attendue()`` says a writer waits for the base (the window's decision): then the
    transaction ends after the step under way, and the next steps come in new ones. The
    reading is stored in the first; a transaction that fails stops the rest (the caller says
    so), and the avertissements not yet found again are found at the file's next change.
    Returns the number of transactions."""
    etapes = _etapes(sha256, lot)
    suivante: list[Etape] = []  # asked for, not run: it opens the next transaction

    def transaction(session: Session, premiere: bool) -> bool:
        if premiere:
            enregistrer(session, sha256, lu)
            session.flush()
        fait, faites = 0, int(premiere)  # deposits judged, steps run (the reading stored: one)
        while True:
            if not suivante:
                etape = next(etapes, None)
                if etape is None:
                    return False
                suivante.append(etape)
            poids, travail = suivante[0]
            if (fait and fait + poids > lot) or (faites and attendue()):
                return True  # more to do, in a new transaction
            travail(session)
            fait, faites = fait + poids, faites + 1
            suivante.clear()

    nombre = 1
    while ecrire(lambda session, premiere=(nombre == 1): transaction(session, premiere)):
        nombre += 1
    return nombre


def correction_enregistree(
    session: Session, depot_id: int, champ: str, texte: str, gestionnaire: str
) -> None:
    """Record the gestionnaire's value for a field read (``lecture.corriger``) and find
    again the avertissements of the file."""
    corriger(session, depot_id, champ, texte, gestionnaire)
    session.flush()
    sha = session.scalar(select(Depot.sha256).where(Depot.id == depot_id))
    if sha:
        constater_lecture(session, sha)
