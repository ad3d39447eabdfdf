"""The review's rules, its undo, the état du dossier and the search, without a screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.models import Decision, Depot, Modalite, Piece, Statut
from desktop_app.services.dates import iso
from desktop_app.services.decisions import (
    DecisionRefusee,
    annuler_decision,
    enregistrer_decision,
)
from desktop_app.services.espace import Espace
from desktop_app.services.exports import lignes_decisions
from desktop_app.services.importer import importer_paquet
from desktop_app.services.normalisation import TRANCHE
from desktop_app.services.recherche import (
    FILTRES,
    cles,
    etats,
    filtrer,
    normaliser,
    normaliser_tous,
)
from desktop_app.services.regles import EtatDossier, EtatPiece, a_controler, etat_dossier, refus
from desktop_app.services.requetes import LigneCandidature, historique_de, pieces_de

EN_LIGNE = Modalite.EN_LIGNE


@pytest.mark.parametrize(
    ("piece", "statut", "commentaire", "attendu"),
    [
        (EtatPiece(None, EN_LIGNE, 1, 0, "", True), Statut.CONFORME, "", None),
        (EtatPiece(None, EN_LIGNE, 1, 0, "", False), Statut.CONFORME, "", "Affichez"),
        (EtatPiece(None, EN_LIGNE, 1, 1, "Format PNG.", True), Statut.CONFORME, "", "(Format PNG)"),
        (EtatPiece(None, EN_LIGNE, 0, 0), Statut.CONFORME, "", "aucun fichier"),
        (EtatPiece(None, Modalite.POSTAL, 0, 0), Statut.CONFORME, "", None),
        (EtatPiece(None, EN_LIGNE, 1, 0), Statut.NON_CONFORME, " ", "commentaire est obligatoire"),
        (EtatPiece(None, EN_LIGNE, 1, 1), Statut.NON_CONFORME, "Pièce illisible", None),
        (EtatPiece(Statut.CONFORME, EN_LIGNE, 1, 0), None, "", None),
    ],
)
def test_rules_of_a_decision(
    piece: EtatPiece, statut: Statut | None, commentaire: str, attendu: str | None
) -> None:
    raison = refus(piece, statut, commentaire)
    if attendu is None:
        assert raison is None
    else:
        assert raison is not None and attendu in raison


@pytest.mark.parametrize(
    ("compteurs", "cloture_passee", "etat"),
    [
        ((0, 0, 0, 4, 0, 0), False, EtatDossier.COMPLET),
        ((0, 0, 0, 4, 0, 0), True, EtatDossier.COMPLET),
        ((1, 0, 0, 3, 0, 0), False, EtatDossier.A_CONTROLER),
        ((0, 1, 0, 3, 0, 0), False, EtatDossier.A_CONTROLER),
        ((0, 0, 1, 3, 0, 0), False, EtatDossier.ATTENTE_CANDIDAT),
        ((0, 0, 0, 3, 1, 0), False, EtatDossier.ATTENTE_CANDIDAT),
        ((0, 0, 1, 3, 0, 0), True, EtatDossier.INCOMPLET),
        ((0, 0, 0, 0, 0, 0), False, EtatDossier.VIDE),
    ],
)
def test_etat_du_dossier(
    compteurs: tuple[int, ...], cloture_passee: bool, etat: EtatDossier
) -> None:
    assert etat_dossier(*compteurs, cloture_passee=cloture_passee) == etat


def test_a_piece_without_file_awaits_the_candidate() -> None:
    # One pièce without status: with a file it is the gestionnaire's turn, without the
    # candidate's (not deposited online, not received by post).
    assert etat_dossier(1, 0, 0, 3, 0, 0, cloture_passee=False) == EtatDossier.A_CONTROLER
    attente = etat_dossier(1, 0, 0, 3, 0, 0, sans_fichier=1, cloture_passee=False)
    assert attente == EtatDossier.ATTENTE_CANDIDAT
    assert etat_dossier(2, 0, 0, 3, 0, 0, sans_fichier=1, cloture_passee=False) == (
        EtatDossier.A_CONTROLER
    )
    assert a_controler(None, 1) and not a_controler(None, 0)
    assert a_controler(Statut.RECUE, 0) and a_controler(Statut.EN_ATTENTE_CONTROLE, 1)
    assert not a_controler(Statut.NON_CONFORME, 1) and not a_controler(Statut.CONFORME, 1)


def test_search_ignores_case_accents_and_word_order() -> None:
    assert normaliser("Hélène ÉLODIE Œuvre") == "helene elodie oeuvre"
    assert normaliser("Jean-Noël N'Diaye L’Hôte Søren") == "jean noel n diaye l hote soren"
    assert normaliser_tous(["Zoé", "ÇA", "x\x1fy"]) == ["zoe", "ca", "x\x1fy"]
    # Across slices (``TRANCHE`` at a time), one of them holding the separator.
    noms = [f"Zoé {i}" for i in range(2 * TRANCHE + 3)]
    noms[TRANCHE + 1] = "x\x1fÉ"
    assert normaliser_tous(noms) == [normaliser(n) for n in noms]
    lignes = [
        LigneCandidature(1, "02383804018", "001", "ESCOFFIER", "", "Hélène", None, "S", 1, 0,
                         0, 0, 0, 0),
        LigneCandidature(2, "02234082826", "001", "DE OLIVEIRA", "", "Jérôme", None, "S", 0, 0,
                         0, 4, 0, 0),
    ]  # fmt: skip
    recherche, etat = cles(lignes), etats(lignes, cloture_passee=False)
    tous = FILTRES[0]

    def ids(texte: str, filtre: object = tous, specialites: frozenset[str] | None = None,
            ordre: list[int] | None = None) -> list[int]:  # fmt: skip
        gardees = filtrer(lignes, recherche, etat, texte, filtre, specialites, ordre)  # type: ignore[arg-type]
        return [lignes[i].id for i in gardees]

    assert ids("helene") == [1]
    assert ids("HÉLÈNE escoffier") == [1]
    assert ids("escoffier hel") == [1]
    assert ids("0223408") == [2]
    assert ids("jerome oliveira") == [2]
    assert ids("") == [1, 2]
    a_controler = next(f for f in FILTRES if f.libelle == "À contrôler")
    complets = next(f for f in FILTRES if f.libelle == "Complets")
    assert ids("", a_controler) == [1] and ids("", complets) == [2]
    assert ids("", tous, frozenset({"X"})) == []
    assert ids("", ordre=[1, 0]) == [2, 1] and ids("e", a_controler, ordre=[1, 0]) == [1]


def _piece_avec_fichier(espace: Espace, recevable: bool) -> int:
    with espace.db.read() as s:
        return s.scalars(
            select(Piece.id)
            .join(Depot)
            .where(Depot.recevable.is_(recevable), Piece.statut.is_(None))
            .order_by(Piece.id)
            .limit(1)
        ).one()


def test_conforme_is_refused_on_a_non_recevable_file_and_on_a_file_not_looked_at(
    espace: Espace, paquet_demo: Path
) -> None:
    importer_paquet(espace.db, espace.store, paquet_demo)
    mauvaise = _piece_avec_fichier(espace, False)
    bonne = _piece_avec_fichier(espace, True)
    with pytest.raises(DecisionRefusee, match="non recevable"), espace.db.write() as s:
        enregistrer_decision(s, mauvaise, Statut.CONFORME, "Claire", fichier_affiche=True)
    with pytest.raises(DecisionRefusee, match="Affichez"), espace.db.write() as s:
        enregistrer_decision(s, bonne, Statut.CONFORME, "Claire")
    with espace.db.write() as s:
        enregistrer_decision(s, bonne, Statut.CONFORME, "Claire", fichier_affiche=True)
    with espace.db.read() as s:
        assert s.get(Piece, bonne).statut == Statut.CONFORME  # type: ignore[union-attr]
        assert s.get(Piece, mauvaise).statut is None  # type: ignore[union-attr]


def test_undo_restores_the_previous_state_as_a_new_history_row(
    espace: Espace, paquet_demo: Path
) -> None:
    importer_paquet(espace.db, espace.store, paquet_demo)
    piece_id = _piece_avec_fichier(espace, True)
    with espace.db.write() as s:
        enregistrer_decision(
            s, piece_id, Statut.NON_CONFORME, "Claire", commentaire="Pièce illisible"
        )
    with espace.db.write() as s:
        seconde = enregistrer_decision(s, piece_id, Statut.CONFORME, "Marc", fichier_affiche=True)
    with espace.db.write() as s:
        annuler_decision(s, seconde.decision_id, "Marc")
    with espace.db.read() as s:
        piece = s.get(Piece, piece_id)
        assert piece is not None
        assert (piece.statut, piece.commentaire) == (Statut.NON_CONFORME, "Pièce illisible")
        historique = list(
            s.scalars(select(Decision).where(Decision.piece_id == piece_id).order_by(Decision.id))
        )
        assert [d.nouveau_statut for d in historique][-3:] == [
            Statut.NON_CONFORME, Statut.CONFORME, Statut.NON_CONFORME,
        ]  # fmt: skip
        evenements = historique_de(s, piece_id)
        decisions = [e for e in evenements if e.quoi != "depot"]
        assert [e.quoi for e in decisions][-3:] == ["decision", "decision", "annulation"]
        assert decisions[-1].auteur == "Marc"  # who undid it, said as an undo
        assert any(e.quoi == "depot" for e in evenements)
        # The status is Claire's again: in the dossier and in decisions.csv, with her time.
        premiere_decision = historique[-3]
        [ligne] = [p for p in pieces_de(s, piece.candidature_id) if p.id == piece_id]
        assert ligne.gestionnaire == "Claire"
        n_candidat = piece.candidature.candidat.n_candidat
        auteurs = {(r[-2], r[-1]) for r in lignes_decisions(s, piece.candidature.campagne_id)
                   if r[0] == n_candidat and r[2] == ligne.code}  # fmt: skip
        assert auteurs == {("Claire", iso(premiere_decision.horodatage))}
    # Undoing again what is no longer the last decision is refused.
    with pytest.raises(DecisionRefusee, match="a changé"), espace.db.write() as s:
        annuler_decision(s, seconde.decision_id, "Marc")


def test_a_redeposit_identical_to_a_refused_file_is_flagged(
    espace: Espace, paquet_demo: Path
) -> None:
    importer_paquet(espace.db, espace.store, paquet_demo)
    with espace.db.write() as s:
        depot = s.scalars(select(Depot).where(Depot.recevable).order_by(Depot.id)).first()
        assert depot is not None
        enregistrer_decision(
            s, depot.piece_id, Statut.NON_CONFORME, "Claire", commentaire="Document non signé"
        )
        s.add(
            Depot(
                piece_id=depot.piece_id, tour=depot.tour + 1, nom_original="encore.pdf",
                sha256=depot.sha256, taille=depot.taille, format=depot.format,
                date_depot=depot.date_depot, recevable=True, importe_le=depot.importe_le,
            )
        )  # fmt: skip
        piece_id = depot.piece_id
        candidature_id = s.get(Piece, piece_id).candidature_id  # type: ignore[union-attr]
    with espace.db.read() as s:
        [ligne] = [p for p in pieces_de(s, candidature_id) if p.id == piece_id]
    assert ligne.tour == depot.tour + 1
    assert ligne.redepot_identique
    assert ligne.commentaire_precedent == "Document non signé"
