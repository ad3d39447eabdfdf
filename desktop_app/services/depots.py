"""What the gestionnaire changes on a deposit itself: only how it is turned on screen."""

from __future__ import annotations

from sqlalchemy import update

from desktop_app.models import Depot
from desktop_app.models.database import Database


def memoriser_rotation(db: Database, depot_id: int, rotation: int) -> None:
    """Remember the display rotation of a deposit (the file is never modified)."""
    if rotation % 90:
        raise ValueError(f"rotation {rotation}° : seuls les quarts de tour sont possibles")
    with db.write() as session:
        session.execute(
            update(Depot).where(Depot.id == depot_id).values(rotation_affichage=rotation % 360)
        )
