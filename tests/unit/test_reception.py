"""Postal pièces marked Reçue from a list: planned (what changes, what does not and why), then
applied in one transaction with a history row each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.models import Candidat, Candidature, Decision, Piece, PieceCatalogue, Statut
from desktop_app.services.decisions import DecisionRefusee, enregistrer_decision
from desktop_app.services.espace import Espace
from desktop_app.services.reception import appliquer_reception, lire_liste, preparer_reception
from tests.unit.printemps import importer_printemps

LISTE_SCANNEE = """00000000001 PSNATT03
4;psnatt03
00000000002 PSNATT03
00000000003 PSNATT03
00000000001 CINSIG01
00000000009 PSNATT03
une ligne tachée
00000000004 PSNATT03
"""


@pytest.fixture
def printemps(espace: Espace, tmp_path: Path) -> int:
    return importer_printemps(espace, tmp_path / "p")


def test_a_scanned_list_is_planned_then_applied(espace: Espace, printemps: int) -> None:
    lignes = lire_liste(LISTE_SCANNEE.encode(), "scan.txt")
    with espace.db.read() as s:
        plan = preparer_reception(s, printemps, lignes, "scan.txt")
    assert [(p.n_candidat, p.code) for p in plan.a_marquer] == [
        ("00000000001", "PSNATT03"),
        ("00000000004", "PSNATT03"),
    ]
    assert plan.refus == [
        "scan.txt:3 : 00000000002 PSNATT03 est déjà « Reçue »",
        "scan.txt:4 : 00000000003 PSNATT03 est déjà « Conforme »",
        "scan.txt:5 : 00000000001 CINSIG01 se dépose en ligne, pas par voie postale",
        "scan.txt:6 : aucune pièce PSNATT03 pour le candidat 00000000009",
        "scan.txt:7 : ligne illisible (attendu « N° candidat code »)",
        "scan.txt:8 : 00000000004 PSNATT03 figure déjà plus haut dans la liste",
    ]
    with espace.db.write() as s:
        assert appliquer_reception(s, plan, dt.date(2024, 3, 28), "Mme Roux") == 2
    with espace.db.read() as s:
        rows = s.execute(
            select(Candidat.n_candidat, Piece.statut, Piece.date_reception, Decision.gestionnaire)
            .join(Candidature, Candidature.candidat_id == Candidat.id)
            .join(Piece, Piece.candidature_id == Candidature.id)
            .join(PieceCatalogue)
            .join(Decision, Decision.piece_id == Piece.id)
            .where(PieceCatalogue.code == "PSNATT03", Decision.gestionnaire == "Mme Roux")
        ).all()
    assert sorted(rows) == [
        ("00000000001", Statut.RECUE, dt.date(2024, 3, 28), "Mme Roux"),
        ("00000000004", Statut.RECUE, dt.date(2024, 3, 28), "Mme Roux"),
    ]


def test_a_csv_list_and_a_piece_changed_since_the_plan(espace: Espace, printemps: int) -> None:
    csv = "N° candidat;Code pièce\r\n00000000001;PSNATT03\r\n00000000004;PSNATT03\r\n"
    lignes = lire_liste(csv.encode("utf-8-sig"), "poste.csv")
    assert [ligne[1:] for ligne in lignes] == [
        ("00000000001", "PSNATT03"),
        ("00000000004", "PSNATT03"),
    ]
    with espace.db.read() as s:
        plan = preparer_reception(s, printemps, lignes, "poste.csv")
    with espace.db.write() as s:  # someone else decides on PETIT's JDC meanwhile
        enregistrer_decision(s, plan.a_marquer[1].piece_id, Statut.RECUE, "M. Blanc")
    with pytest.raises(DecisionRefusee, match=r"M\. Blanc a modifié cette pièce le "), \
            espace.db.write() as s:  # fmt: skip
        appliquer_reception(s, plan, dt.date(2024, 3, 28), "Mme Roux")
    with espace.db.read() as s:  # all or nothing: DUPONT's is not marked either
        assert s.get(Piece, plan.a_marquer[0].piece_id).statut is None  # type: ignore[union-attr]


def test_reception_command_shows_the_plan_before_applying(
    espace: Espace, printemps: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app.cli import main

    liste = tmp_path / "scan.txt"
    liste.write_text(LISTE_SCANNEE, encoding="utf-8")
    args = ["reception", str(liste), "--data-dir", str(espace.paths.root), "--le", "28/03/2024"]
    espace.close()
    assert main(args) == 0
    sortie = capsys.readouterr().out
    assert "2 pièce(s) seraient marquées Reçue le 28/03/2024" in sortie
    assert "Ignorée — scan.txt:3 : 00000000002 PSNATT03 est déjà « Reçue »" in sortie
    assert main([*args, "--appliquer"]) == 2  # whose decision? nobody's name is set
    assert main([*args, "--appliquer", "--gestionnaire", "Mme Roux"]) == 0
    assert "2 pièce(s) marquée(s) Reçue le 28/03/2024 par Mme Roux." in capsys.readouterr().out
