"""What the gestionnaire changes on a deposit itself: only how it is turned on screen."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from desktop_app.models import Depot


def memoriser_rotation(session: Session, depot_id: int, rotation: int) -> None:
    """Remember the display rotation of a deposit (the file is never modified)."""
    if rotation % 90:
        raise ValueError(f"rotation {rotation}° : seuls les quarts de tour sont possibles")
    session.execute(
        update(Depot).where(Depot.id == depot_id).values(rotation_affichage=rotation % 360)
    )
