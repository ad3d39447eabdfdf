"""The same file (sha256) deposited for two candidates, or for two pièces of one dossier, is
said on both, with the way to the other; a candidate's own file in another of their
candidatures is not reuse, nor a file refused at import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from desktop_app.models import Candidature, Depot, Piece
from desktop_app.services.espace import Espace
from desktop_app.services.importer import importer_paquet
from desktop_app.services.requetes import pieces_de


def _ailleurs(espace: Espace, candidature_id: int, piece_id: int):  # type: ignore[no-untyped-def]
    lignes = espace.lire(lambda s: pieces_de(s, candidature_id))
    return next(p for p in lignes if p.id == piece_id).ailleurs


def deposer_ailleurs(espace: Espace) -> tuple[str, int, int, int, int, int, int]:
    """A demo file deposited again for another pièce of its dossier and for another
    candidate's pièce: (sha256, pièce, candidature, second pièce, other candidate's pièce,
    their candidature, their candidat)."""
    with espace.db.write() as s:
        modele = s.scalar(select(Depot).where(Depot.recevable).order_by(Depot.id).limit(1))
        assert modele is not None and modele.sha256 is not None
        sha, p1 = modele.sha256, modele.piece_id
        c1 = s.get(Piece, p1).candidature_id  # type: ignore[union-attr]

        def deposer(piece: Piece) -> None:
            """The very file of ``modele``, in the pièce's current round."""
            tour = s.scalar(select(func.max(Depot.tour)).where(Depot.piece_id == piece.id))
            s.add(Depot(piece_id=piece.id, tour=tour or 1, nom_original="carte.jpg",
                        chemin_paquet="x/carte.jpg", sha256=sha, taille=modele.taille,
                        format=modele.format, recevable=True, motif="",
                        importe_le=modele.importe_le))  # fmt: skip

        # The same card for two pièces of the dossier (identity and nationality, say)...
        seconde = s.scalar(select(Piece).where(Piece.candidature_id == c1, Piece.id != p1))
        assert seconde is not None
        deposer(seconde)
        # ... and for a pièce of another candidate.
        autre = s.scalar(select(Candidature).where(Candidature.id != c1).limit(1))
        assert autre is not None
        piece = s.scalar(select(Piece).where(Piece.candidature_id == autre.id).limit(1))
        assert piece is not None
        deposer(piece)
        return sha, p1, c1, seconde.id, piece.id, autre.id, autre.candidat_id


def test_a_file_deposited_twice_is_said_on_both_sides(espace: Espace, paquet_demo: Path) -> None:
    importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    sha, p1, c1, p2, p3, c3, candidat_autre = deposer_ailleurs(espace)
    vus_de_1 = _ailleurs(espace, c1, p1)
    assert {(a.piece_id, a.meme_dossier) for a in vus_de_1} == {(p2, True), (p3, False)}
    autre_candidat = next(a for a in vus_de_1 if not a.meme_dossier)
    assert autre_candidat.candidature_id == c3 and autre_candidat.n_candidat
    vus_de_3 = _ailleurs(espace, c3, p3)
    assert {(a.piece_id, a.meme_dossier) for a in vus_de_3} == {(p1, False), (p2, False)}

    # The same person's other candidature (another session): their own file, not reuse.
    with espace.db.write() as s:
        s.get(Candidature, c3).candidat_id = s.get(Candidature, c1).candidat_id  # type: ignore[union-attr]
    assert {a.piece_id for a in _ailleurs(espace, c1, p1)} == {p2}
    assert _ailleurs(espace, c3, p3) == ()
    with espace.db.write() as s:
        s.get(Candidature, c3).candidat_id = candidat_autre  # type: ignore[union-attr]
        # Refused at import: not judged, not said.
        for depot in s.scalars(select(Depot).where(Depot.piece_id == p3, Depot.sha256 == sha)):
            depot.recevable = False
    assert {a.piece_id for a in _ailleurs(espace, c1, p1)} == {p2}
