"""The one writer API for a gestionnaire's decision on a pièce, and its undo.

The pièce's new state and its history row are written in the same transaction; the pièce's
version column makes a concurrent change by someone else fail loudly instead of being
overwritten in silence. What is allowed is decided by ``services.regles``, the same rules the
decision panel shows in advance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.models import (
    DECIDE,
    Avertissement,
    Decision,
    Depot,
    Piece,
    SourceDecision,
    Statut,
    libelle_statut,
)
from desktop_app.services.audit import chainer, verrouiller_historique
from desktop_app.services.dates import format_datetime, now_utc, today_paris
from desktop_app.services.regles import DecisionRefusee, EtatPiece, verifier

__all__ = [
    "ConflitDecision",
    "DecisionEnregistree",
    "DecisionRefusee",
    "annuler_decision",
    "enregistrer_decision",
    "etat_piece",
]


@dataclass(frozen=True)
class DecisionEnregistree:
    decision_id: int
    piece_id: int
    statut: Statut | None
    horodatage: dt.datetime
    version: int


class ConflitDecision(DecisionRefusee):
    """Someone else changed the pièce since it was displayed: who, when, to what. The
    gestionnaire chooses to reload or to apply their decision over it (``version``)."""

    def __init__(
        self,
        gestionnaire: str,
        horodatage: dt.datetime | None,
        statut: Statut | None,
        commentaire: str,
        version: int,
    ) -> None:
        self.gestionnaire = gestionnaire
        self.horodatage = horodatage
        self.statut = statut
        self.commentaire = commentaire
        self.version = version
        quand = ""
        if horodatage is not None:
            le, a = format_datetime(horodatage).split(" ")
            quand = f" le {le} à {a}"
        texte = f"{gestionnaire or 'Quelqu’un'} a modifié cette pièce{quand} : "
        texte += libelle_statut(statut)
        if commentaire:
            texte += f" — « {commentaire} »"
        super().__init__(texte + ". Votre décision n'a pas été enregistrée.")


def etat_piece(session: Session, piece: Piece, fichier_affiche: bool) -> EtatPiece:
    """The pièce as the rules see it: its status and its latest round of files."""
    depots = session.execute(
        select(Depot.tour, Depot.recevable, Depot.motif)
        .where(Depot.piece_id == piece.id)
        .order_by(Depot.id)
    ).all()
    tour = max((d.tour for d in depots), default=0)
    courant = [d for d in depots if d.tour == tour]
    refuses = [d for d in courant if not d.recevable]
    return EtatPiece(
        piece.statut,
        piece.catalogue.modalite,
        len(courant),
        len(refuses),
        refuses[0].motif if refuses else "",
        fichier_affiche,
    )


def enregistrer_decision(
    session: Session,
    piece_id: int,
    statut: Statut | None,
    gestionnaire: str,
    *,
    commentaire: str = "",
    date_reception: dt.date | None = None,
    version_attendue: int | None = None,
    fichier_affiche: bool = False,
) -> DecisionEnregistree:
    """Set the pièce's status and append its history row. Call inside ``Database.write()``:
    the caller's transaction commits both or neither. ``fichier_affiche``: the gestionnaire
    has looked at the pièce's file (Conforme requires it)."""
    piece = _piece(session, piece_id, gestionnaire, version_attendue)
    if statut == Statut.RECUE and date_reception is None:
        date_reception = today_paris()
    verifier(
        etat_piece(session, piece, fichier_affiche),
        statut,
        commentaire,
        date_reception,
        today_paris(),
    )
    return _ecrire(session, piece, statut, gestionnaire, commentaire, date_reception)


def annuler_decision(session: Session, decision_id: int, gestionnaire: str) -> DecisionEnregistree:
    """Undo a decision: the pièce gets back the status, comment and date it had before, as a
    new history row (the history is never rewritten). Refused if the pièce changed since."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise DecisionRefusee("Cette décision n'existe plus.")
    piece = _piece(session, decision.piece_id, gestionnaire, None)
    derniere = session.scalar(
        select(Decision.id).where(Decision.piece_id == piece.id, DECIDE)
        .order_by(Decision.id.desc())
    )  # fmt: skip
    if derniere != decision.id or piece.statut != decision.nouveau_statut:
        raise DecisionRefusee("Annulation impossible : la pièce a changé depuis cette décision.")
    avant = session.scalars(
        select(Decision)
        .where(Decision.piece_id == piece.id, Decision.id < decision.id, DECIDE)
        .order_by(Decision.id.desc())
        .limit(1)
    ).first()
    commentaire = avant.commentaire if avant is not None else ""
    date_reception = avant.date_reception if avant is not None else None
    return _ecrire(
        session, piece, decision.ancien_statut, gestionnaire, commentaire, date_reception,
        SourceDecision.ANNULATION,
    )  # fmt: skip


def noter_correction(
    session: Session, piece_id: int, gestionnaire: str, note: str, fichier: str
) -> int:
    """Append to the pièce's history (in the audit chain) a note that is no decision: a value
    read in ``fichier`` (its sha256) corrected by the gestionnaire. The pièce's status, comment
    and version are left as they are. Returns the entry's id."""
    piece = _piece(session, piece_id, gestionnaire, None)
    entree: dict[str, Any] = {
        "piece_id": piece.id, "gestionnaire": gestionnaire.strip(), "horodatage": now_utc(),
        "ancien_statut": piece.statut, "nouveau_statut": piece.statut, "commentaire": note,
        "date_reception": piece.date_reception, "source": SourceDecision.LECTURE,
        "import_id": None, "fichiers": fichier,
    }  # fmt: skip
    chainer(session, [entree])
    decision = Decision(**entree)
    session.add(decision)
    marquer_vus(session, piece.id, entree["gestionnaire"], entree["horodatage"])
    session.flush()
    return decision.id


def marquer_vus(session: Session, piece_id: int, gestionnaire: str, quand: dt.datetime) -> None:
    """A decision on the pièce (or a value read corrected): the automatic avertissements of
    its files that nobody had looked at are now looked at, by this gestionnaire."""
    depots = select(Depot.id).where(Depot.piece_id == piece_id).scalar_subquery()
    session.execute(
        update(Avertissement)
        # ``coalesce`` hides the column from the index of those not looked at: SQLite walked
        # all of them (8,000 at 100,000 candidatures, 1.7 ms a decision and growing) instead
        # of the pièce's few through the index on the deposit (0.06 ms).
        .where(
            Avertissement.depot_id.in_(depots), func.coalesce(Avertissement.vu_le, None).is_(None)
        )
        .values(vu_le=quand, vu_par=gestionnaire)
        # No avertissement is loaded in the transaction: nothing in the session to bring up
        # to date (SQLAlchemy would otherwise read back the rows it changed).
        .execution_options(synchronize_session=False)
    )


def _piece(
    session: Session, piece_id: int, gestionnaire: str, version_attendue: int | None
) -> Piece:
    if not gestionnaire.strip():
        raise DecisionRefusee("Le nom du gestionnaire est requis pour enregistrer une décision.")
    verrouiller_historique(session)  # first the history's lock, then the pièce's: one order
    piece = session.get(Piece, piece_id, with_for_update=not _is_sqlite(session))
    if piece is None:
        raise DecisionRefusee("Cette pièce n'existe plus.")
    if version_attendue is not None and piece.version_id != version_attendue:
        derniere = session.scalars(
            select(Decision).where(Decision.piece_id == piece.id, DECIDE)
            .order_by(Decision.id.desc())
        ).first()  # fmt: skip
        raise ConflitDecision(
            derniere.gestionnaire if derniere else "",
            derniere.horodatage if derniere else None,
            piece.statut,
            piece.commentaire,
            piece.version_id,
        )
    return piece


def _ecrire(
    session: Session,
    piece: Piece,
    statut: Statut | None,
    gestionnaire: str,
    commentaire: str,
    date_reception: dt.date | None,
    source: SourceDecision = SourceDecision.LOCALE,
) -> DecisionEnregistree:
    horodatage = now_utc()
    entree: dict[str, Any] = {
        "piece_id": piece.id,
        "gestionnaire": gestionnaire.strip(),
        "horodatage": horodatage,
        "ancien_statut": piece.statut,
        "nouveau_statut": statut,
        "commentaire": commentaire.strip(),
        "date_reception": date_reception,
        "source": source,
        "import_id": None,
        "fichiers": _fichiers_courants(session, piece.id),
    }
    chainer(session, [entree])
    decision = Decision(**entree)
    piece.statut = statut
    piece.commentaire = commentaire.strip()
    piece.date_reception = date_reception
    # Every decision is a new version of the pièce, even one that repeats its status: whoever
    # decided on the version before it is told who came in between, never passed in silence.
    flag_modified(piece, "statut")
    session.add(decision)
    marquer_vus(session, piece.id, gestionnaire.strip(), horodatage)
    try:
        session.flush()
    except StaleDataError:
        raise DecisionRefusee("Cette pièce a été modifiée entre-temps : rechargez-la.") from None
    return DecisionEnregistree(decision.id, piece.id, statut, horodatage, piece.version_id)


def _fichiers_courants(session: Session, piece_id: int) -> str:
    """The sha256 of the pièce's latest round of files, sorted: what the decision is made on,
    kept in the audit chain."""
    tour = session.scalar(select(func.max(Depot.tour)).where(Depot.piece_id == piece_id))
    if tour is None:
        return ""
    shas = session.scalars(
        select(Depot.sha256).where(Depot.piece_id == piece_id, Depot.tour == tour)
    )
    return ",".join(sorted(s for s in shas if s))


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"
