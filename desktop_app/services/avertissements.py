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

from collections.abc import Iterable
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


def _constater_fichier(session: Session, sha: str,
                       depots: list[tuple[int, int, int, str]]) -> set[int]:  # fmt: skip
    """The reading and reuse avertissements of these current deposits of one file, found
    again; the pièces whose avertissements change with them: where a reuse was found (their
    side says it too), and the dossier's other pièces of professional activity."""
    ecarts = ecarts_des_depots(session, sha, [d for d, *_ in depots])
    activites = pieces_activite(session, sorted({c for _, _, c, _ in depots}))
    dossiers = {c: activite_du_dossier(session, c, pieces=p) for c, p in activites.items()}
    # The dossier's other files of professional activity: the length they add up to changed.
    autres = {p for pieces in activites.values() for p in pieces} - {p for _, p, _, _ in depots}
    peu = len(depots) <= LIMITE_LIEUX  # else the places are counted, not named one by one
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
                            f"{MEME_FICHIER} : {len(depots) - 1} autres dépôts", None))  # fmt: skip
        remplacer(session, depot_id, {LECTURE, REUTILISATION}, trouves)
    return autres


def constater_lecture(session: Session, sha256: str) -> None:
    """After this file's reading was stored (or corrected), or a deposit of it imported: the
    avertissements of its current deposits, and of those of the files found to be the same
    paper (their side says it too) or of the same dossier's professional activity."""
    depots = depots_courants(session, Depot.sha256 == sha256)
    autres = _constater_fichier(session, sha256, depots)
    par_fichier: dict[str, list[tuple[int, int, int, str]]] = {}
    if autres:
        for depot in depots_courants(session, Depot.piece_id.in_(sorted(autres))):
            if depot[3] != sha256:
                par_fichier.setdefault(depot[3], []).append(depot)
    for sha, siens in par_fichier.items():
        _constater_fichier(session, sha, siens)


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
    """Store a file's reading and find again the avertissements resting on it."""
    enregistrer(session, sha256, lu)
    session.flush()
    constater_lecture(session, sha256)


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
