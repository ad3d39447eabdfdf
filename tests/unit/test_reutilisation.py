"""The same file (sha256) deposited for two candidates, or for two pièces of one dossier, is
said on both, with the way to the other; a candidate's own file in another of their
candidatures is not reuse, nor a file refused at import."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop_app.models import Candidature, Depot, Piece
from desktop_app.services.espace import Espace
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


def test_a_file_deposited_twice_is_said_on_both_sides(espace_demo: Espace) -> None:
    espace = espace_demo  # the demo package, imported
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


def deposer_pour_d_autres(espace: Espace, sha: str, exclues: list[int], nombre: int) -> list[int]:
    """The file ``sha`` deposited for ``nombre`` more candidatures (a blank form everyone
    sends, say), none of ``exclues``: their ids."""
    with espace.db.write() as s:
        modele = s.scalar(select(Depot).where(Depot.sha256 == sha).order_by(Depot.id).limit(1))
        assert modele is not None
        autres = s.scalars(select(Candidature).where(Candidature.id.not_in(exclues))
                           .order_by(Candidature.id).limit(nombre)).all()  # fmt: skip
        for candidature in autres:
            piece = s.scalar(select(Piece).where(Piece.candidature_id == candidature.id).limit(1))
            assert piece is not None
            tour = s.scalar(select(func.max(Depot.tour)).where(Depot.piece_id == piece.id))
            s.add(Depot(piece_id=piece.id, tour=tour or 1, nom_original="formulaire.pdf",
                        chemin_paquet="x/formulaire.pdf", sha256=sha, taille=modele.taille,
                        format=modele.format, recevable=True, motif="",
                        importe_le=modele.importe_le))  # fmt: skip
        return [c.id for c in autres]


def test_a_file_deposited_by_many_is_named_a_few_times_and_counted(espace_demo: Espace) -> None:
    """A file deposited for many candidates: the dossier names the first few places and
    counts the others, whatever their number."""
    from desktop_app.services.requetes import AILLEURS_NOMMES

    espace = espace_demo  # the demo package, imported
    sha, p1, c1, p2, p3, c3, _ = deposer_ailleurs(espace)
    autres = deposer_pour_d_autres(espace, sha, [c1, c3], 9)
    lignes = espace.lire(lambda s: pieces_de(s, c1))
    piece = next(p for p in lignes if p.id == p1)
    # The second pièce of the dossier, the first other candidate, then nine more: 11 places.
    assert len(piece.ailleurs) + piece.lieux_non_nommes == 11
    assert AILLEURS_NOMMES <= len(piece.ailleurs) < 11
    assert {p2, p3} <= {a.piece_id for a in piece.ailleurs}  # the first deposits are named
    # The same person's other candidature is still not counted.
    with espace.db.write() as s:
        s.get(Candidature, autres[0]).candidat_id = s.get(Candidature, c1).candidat_id  # type: ignore[union-attr]
    piece = next(p for p in espace.lire(lambda s: pieces_de(s, c1)) if p.id == p1)
    assert len(piece.ailleurs) + piece.lieux_non_nommes == 10
