"""The one writer API for a gestionnaire's decision on a pièce.

The pièce's new state and its history row are written in the same transaction; the pièce's
version column makes a concurrent change by someone else fail loudly instead of being
overwritten in silence. The rules of which transitions are allowed come with the review
workspace; this is the mechanism they will use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.models import Decision, Piece, SourceDecision, Statut
from desktop_app.services.dates import now_utc


class DecisionRefusee(Exception):
    """The message is French, for the user."""


@dataclass(frozen=True)
class DecisionEnregistree:
    decision_id: int
    piece_id: int
    statut: Statut | None
    horodatage: dt.datetime
    version: int


def enregistrer_decision(
    session: Session,
    piece_id: int,
    statut: Statut | None,
    gestionnaire: str,
    *,
    commentaire: str = "",
    date_reception: dt.date | None = None,
    version_attendue: int | None = None,
) -> DecisionEnregistree:
    """Set the pièce's status and append its history row. Call inside ``Database.write()``:
    the caller's transaction commits both or neither."""
    if not gestionnaire.strip():
        raise DecisionRefusee("Le nom du gestionnaire est requis pour enregistrer une décision.")
    if statut == Statut.NON_CONFORME and not commentaire.strip():
        raise DecisionRefusee("Un commentaire est obligatoire pour une pièce non conforme.")
    piece = session.get(Piece, piece_id, with_for_update=not _is_sqlite(session))
    if piece is None:
        raise DecisionRefusee("Cette pièce n'existe plus.")
    if version_attendue is not None and piece.version_id != version_attendue:
        raise DecisionRefusee("Cette pièce a été modifiée entre-temps : rechargez-la.")
    if statut == Statut.RECUE and date_reception is None:
        date_reception = now_utc().date()
    horodatage = now_utc()
    decision = Decision(
        piece_id=piece.id,
        gestionnaire=gestionnaire.strip(),
        horodatage=horodatage,
        ancien_statut=piece.statut,
        nouveau_statut=statut,
        commentaire=commentaire.strip(),
        date_reception=date_reception,
        source=SourceDecision.LOCALE,
    )
    piece.statut = statut
    piece.commentaire = commentaire.strip()
    piece.date_reception = date_reception
    session.add(decision)
    try:
        session.flush()
    except StaleDataError:
        raise DecisionRefusee("Cette pièce a été modifiée entre-temps : rechargez-la.") from None
    return DecisionEnregistree(decision.id, piece.id, statut, horodatage, piece.version_id)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"
