"""The avertissements the application finds by itself are kept per deposit: the list's quick
filter finds the dossiers holding one nobody has looked at, a decision on the pièce marks them
looked at, the dashboard counts them by kind; a purge leaves no name in them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from desktop_app.documents.lecture.document import MRZ, Lu, Valeur
from desktop_app.models import Avertissement, Decision, Depot, Piece, Statut
from desktop_app.services.avertissements import (
    INSPECTION,
    LECTURE,
    MEME_FICHIER,
    RESCAN,
    REUTILISATION,
    lecture_enregistree,
    lecture_enregistree_par_lots,
)
from desktop_app.services.decisions import enregistrer_decision
from desktop_app.services.espace import Espace
from desktop_app.services.purge import _lever_ajout_seul
from desktop_app.services.recherche import FILTRES
from desktop_app.services.requetes import ligne_candidature, lister_candidatures
from desktop_app.services.tableau_de_bord import tableau_de_bord
from tests.unit.test_rescans import BASE, _fichier

A_VOIR = next(f for f in FILTRES if "avertissement automatique" in f.libelle)


def _avertissements(espace: Espace, piece_id: int) -> list[tuple[str, str, str, str]]:
    with espace.db.read() as s:
        return [
            (a.origine, a.genre, a.message, a.vu_par)
            for a in s.scalars(
                select(Avertissement).join(Depot).where(Depot.piece_id == piece_id)
                .order_by(Avertissement.id)
            )
        ]  # fmt: skip


def _carte(nom: str, prenom: str, naissance: str, empreinte: int) -> Lu:
    return Lu((Valeur("nom", nom, MRZ, 0.99), Valeur("prenoms", prenom, MRZ, 0.99),
               Valeur("naissance", naissance, MRZ, 0.99)), empreinte=empreinte)  # fmt: skip


def test_a_reading_stored_finds_its_avertissements_and_a_decision_marks_them_seen(
    espace_demo: Espace,
) -> None:
    espace = espace_demo  # the demo package, imported
    c1, p1, _, sha1 = _fichier(espace, "1NATID01", 0)
    c2, p2, _, sha2 = _fichier(espace, "1NATID01", 5)
    with espace.db.read() as s:
        ligne = ligne_candidature(s, c1)
        assert ligne is not None
        nom, prenom = ligne.nom, ligne.prenoms.split()[0]
        naissance = ligne.date_naissance.isoformat()  # type: ignore[union-attr]
        avant = ligne.a_voir
    # Candidate 2 sends a new scan of candidate 1's card: read after candidate 1's own.
    with espace.db.write() as s:
        lecture_enregistree(s, sha1, _carte(nom, prenom, naissance, BASE))
    assert not [a for a in _avertissements(espace, p1) if a[0] != INSPECTION]
    with espace.db.write() as s:
        lecture_enregistree(s, sha2, _carte(nom, prenom, naissance, BASE ^ 0b1001))

    chez_2 = _avertissements(espace, p2)
    assert {(o, g) for o, g, _, _ in chez_2} >= {
        (LECTURE, "Nom lu différent"), (LECTURE, "Date de naissance lue différente"),
        (REUTILISATION, RESCAN),
    }  # fmt: skip
    assert any(nom in m for o, _, m, _ in chez_2 if o == REUTILISATION), "names the other"
    chez_1 = [a for a in _avertissements(espace, p1) if a[0] == REUTILISATION]
    assert [g for _, g, _, _ in chez_1] == [RESCAN], "said on both sides"

    with espace.db.read() as s:
        lignes = {ligne.id: ligne for ligne in lister_candidatures(s, 1)}
        assert lignes[c2].a_voir >= 3 and lignes[c1].a_voir == avant + 1
        assert A_VOIR.garde(lignes[c2], None)  # type: ignore[arg-type]
        assert not any(A_VOIR.garde(ligne, None) for ligne in lignes.values()  # type: ignore[arg-type]
                       if ligne.a_voir == 0)  # fmt: skip
        compte = {a.genre: (a.total, a.non_vus) for a in tableau_de_bord(s, 1).avertissements}
    assert compte[RESCAN] == (2, 2)

    # The gestionnaire decides on candidate 2's card: its avertissements are looked at.
    with espace.db.write() as s:
        enregistrer_decision(s, p2, Statut.NON_CONFORME, "Claire",
                             commentaire="Nom différent de celui de l'inscription")  # fmt: skip
    assert {qui for *_, qui in _avertissements(espace, p2)} == {"Claire"}
    with espace.db.read() as s:
        assert ligne_candidature(s, c2).a_voir == 0  # type: ignore[union-attr]
        compte = {a.genre: (a.total, a.non_vus) for a in tableau_de_bord(s, 1).avertissements}
    assert compte[RESCAN] == (2, 1)

    # Read again alike: what was looked at stays looked at.
    with espace.db.write() as s:
        lecture_enregistree(s, sha2, _carte(nom, prenom, naissance, BASE ^ 0b1001))
    assert {qui for *_, qui in _avertissements(espace, p2)} == {"Claire"}

    # The other pièce gone (as a purge removes it): no avertissement keeps its candidate's name.
    with espace.db.write() as s:
        _lever_ajout_seul(s, True)
        s.execute(delete(Decision).where(Decision.piece_id == p2))
        s.execute(delete(Depot).where(Depot.piece_id == p2))
        s.execute(delete(Piece).where(Piece.id == p2))
        _lever_ajout_seul(s, False)
    assert not [a for a in _avertissements(espace, p1) if a[0] == REUTILISATION]


def test_the_inspections_avertissements_are_kept_at_import(espace_demo: Espace) -> None:
    """The demo holds PDFs with scripts, links and attachments: kept at import, not the
    photos the viewer merely turns upright."""
    espace = espace_demo  # the demo package, imported
    with espace.db.read() as s:
        genres = set(s.scalars(select(Avertissement.genre).where(
            Avertissement.origine == INSPECTION)))  # fmt: skip
        non_recevables = s.scalar(
            select(Avertissement.id).join(Depot).where(Depot.recevable.is_(False)).limit(1)
        )  # fmt: skip
    assert genres, "the demo's files have inspection avertissements"
    assert not any("EXIF" in g or "orientation" in g for g in genres)
    assert non_recevables is None, "a refused file has its refusal, not avertissements"


def test_a_file_deposited_by_many_is_judged_a_few_deposits_per_transaction_alike(
    espace_demo: Espace,
) -> None:
    """A blank form sent by 24 candidates: stored in the background a few deposits per
    transaction (the window's decisions go in between), the avertissements are those one
    transaction finds, every deposit counting the 23 others."""
    espace = espace_demo  # the demo package, imported
    _, _, _, sha = _fichier(espace, "1NATID01", 0)
    with espace.db.write() as s:
        depots = list(s.scalars(select(Depot.id).join(Piece).where(Depot.recevable)
                                .order_by(Piece.candidature_id, Depot.id).limit(24)))  # fmt: skip
        s.execute(update(Depot).where(Depot.id.in_(depots)).values(sha256=sha))
    lu = _carte("ZZZ", "Personne", "1900-01-01", BASE)

    def tous() -> list[tuple[int, str, str, str]]:
        with espace.db.read() as s:
            return sorted((a.depot_id, a.origine, a.genre, a.message)
                          for a in s.scalars(select(Avertissement).where(
                              Avertissement.origine.in_((LECTURE, REUTILISATION)))))  # fmt: skip

    ecritures: list[int] = []

    def ecrire(f: Any) -> Any:
        ecritures.append(1)
        return espace.ecrire(f)

    assert lecture_enregistree_par_lots(ecrire, sha, lu, lot=5) == len(ecritures) == 5
    par_lots = tous()
    with espace.db.write() as s:
        s.execute(delete(Avertissement).where(Avertissement.origine != INSPECTION))
    with espace.db.write() as s:
        lecture_enregistree(s, sha, lu)
    assert par_lots == tous()
    # The window waiting for the base all along: one step per transaction (the reading
    # stored; the deposits listed; five lots of five), the same avertissements.
    with espace.db.write() as s:
        s.execute(delete(Avertissement).where(Avertissement.origine != INSPECTION))
    assert lecture_enregistree_par_lots(espace.ecrire, sha, lu, lot=5, attendue=lambda: True) == 7
    assert par_lots == tous()
    comptes = [m for d, o, g, m in par_lots if g == MEME_FICHIER]
    assert len(comptes) == 24 and set(comptes) == {f"{MEME_FICHIER} : 23 autres dépôts"}
    assert {d for d, o, *_ in par_lots if o == LECTURE} == set(depots), "the name differs"
    # A file deposited once (another paper): one transaction, as before.
    _, _, _, autre = _fichier(espace, "1NATID01", 30)
    ailleurs = _carte("YYY", "Autre", "1901-02-03", ~BASE & (2**63 - 1))
    assert lecture_enregistree_par_lots(espace.ecrire, autre, ailleurs) == 1
