"""A gestionnaire who never stops: records decisions through the real service, one transaction
each, and prints « ACK <decision id> <pièce id> <statut> » only once the commit has returned.
The crash test kills it at random moments (tests/unit/test_crash.py).

    python -m tests.unit.ecrivain DOSSIER_DONNEES NOMBRE GRAINE
"""

from __future__ import annotations

import random
import sys

from sqlalchemy import select

from desktop_app.models import Depot, Statut
from desktop_app.models.database import Database
from desktop_app.paths import resolve_data_dir
from desktop_app.services.decisions import DecisionRefusee, enregistrer_decision


def pieces_decidables(db: Database) -> list[int]:
    """Pièces with a recevable file: Conforme and Non conforme are both allowed on them."""
    with db.read() as session:
        return sorted(set(session.scalars(select(Depot.piece_id).where(Depot.recevable.is_(True)))))


def main(data_dir: str, nombre: int, graine: int) -> None:
    db = Database.sqlite(resolve_data_dir(data_dir).database)
    pieces = pieces_decidables(db)
    hasard = random.Random(graine)
    faites = 0
    while faites < nombre:
        piece_id = hasard.choice(pieces)
        statut = hasard.choice([Statut.CONFORME, Statut.NON_CONFORME])
        commentaire = "Pièce illisible" if statut == Statut.NON_CONFORME else ""
        try:
            with db.write() as session:
                fait = enregistrer_decision(
                    session, piece_id, statut, "Testeur", commentaire=commentaire,
                    fichier_affiche=True,
                )  # fmt: skip
        except DecisionRefusee:
            continue
        print(f"ACK {fait.decision_id} {piece_id} {statut.name}", flush=True)
        faites += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
