"""The status matrix (XLSX read back with openpyxl, CSV for spreadsheets) and the copy of a
selection's files into a named folder tree."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app.services.espace import Espace
from desktop_app.services.exports import (
    COULEURS,
    copier_pieces,
    ecrire_matrice_csv,
    ecrire_matrice_xlsx,
    matrice,
)
from desktop_app.services.progression import TacheAnnulee
from desktop_app.services.reglages import affecter
from desktop_app.services.requetes import lister_candidatures
from tests.unit.printemps import FICHIERS, importer_printemps

AVANT = dt.datetime(2024, 3, 30, 12, tzinfo=dt.UTC)
ENTETE = [
    "N° candidat", "N° inscription", "Nom de naissance", "Nom d'usage", "Prénoms", "Spécialité",
    "Gestionnaire", "État du dossier", "Pièces conformes", "Pièces demandées",
    "CINSIG01 — Confirmation d'inscription signée", "1NATID01 — Document justifiant l'identité",
    "PSNATT03 — Certificat de participation ou d'exemption à la JDC",
]  # fmt: skip
LIGNES = [
    ["00000000001", "001", "DUPONT", "", "Hélène", "Couvreur", "Mme Roux",
     "En attente du candidat", 1, 3, "Aucun statut", "Conforme", "Aucun statut"],
    ["00000000003", "001", "ÉLOI", "", "Zoé", "Maçon", "", "Complet", 3, 3,
     "Conforme", "Conforme", "Conforme"],
    ["00000000002", "001", "MARTIN", "", "Paul", "Couvreur", "Mme Roux", "À contrôler", 0, 3,
     "Non conforme", "Aucun statut", "Reçue"],
    ["00000000004", "001", "PETIT", "", "Léo", "Maçon", "", "À contrôler", 0, 3,
     "Aucun statut", "En attente d'une nouvelle PJ", "Aucun statut"],
]  # fmt: skip


@pytest.fixture
def printemps(espace: Espace, tmp_path: Path) -> int:
    campagne_id = importer_printemps(espace, tmp_path / "p")
    with espace.db.write() as s:
        affecter(s, campagne_id, {"Couvreur": "Mme Roux", "Maçon": ""})
    return campagne_id


def test_matrix_in_name_order_with_french_headers(espace: Espace, printemps: int) -> None:
    with espace.db.read() as s:
        m = matrice(s, printemps, AVANT)
    assert m.colonnes == ENTETE
    assert m.lignes == LIGNES  # ÉLOI between DUPONT and MARTIN: accents do not sort last


def test_xlsx_opens_with_the_right_columns_and_cells(
    espace: Espace, printemps: int, tmp_path: Path
) -> None:
    with espace.db.read() as s:
        m = matrice(s, printemps, AVANT)
    destination = tmp_path / "matrice.xlsx"
    assert ecrire_matrice_xlsx(m, destination) == 4
    feuille = load_workbook(destination, read_only=True).active
    assert feuille is not None and feuille.title == "Statuts des pièces"
    lignes = [["" if c is None else c for c in r] for r in feuille.iter_rows(values_only=True)]
    assert lignes[0] == ENTETE
    assert lignes[1:] == LIGNES  # N° candidat kept as text: its leading zeros are there
    assert not list(tmp_path.glob(".ecriture-*"))

    # What a chef de bureau sees: header and identity frozen, a filter on every column, the
    # header in bold, N° candidat and N° inscription as text, statuses coloured.
    feuille = load_workbook(destination).active
    assert feuille is not None
    assert feuille.freeze_panes == "D2"
    assert feuille.auto_filter.ref == f"A1:{feuille.cell(1, len(ENTETE)).column_letter}5"
    assert feuille["A1"].font.b and feuille.row_dimensions[1].height == 45
    assert feuille["A2"].number_format == "@" and feuille["B2"].number_format == "@"
    couleurs, plages = {}, set()
    for plage in feuille.conditional_formatting:
        plages.add(str(plage.sqref))
        for regle in plage.rules:
            couleurs[regle.text] = regle.dxf.fill.bgColor.rgb[-6:].lower()
    assert couleurs == {statut: couleur[1:] for statut, couleur in COULEURS.items()}
    pieces = [feuille.cell(1, k).column_letter for k in range(11, len(ENTETE) + 1)]
    assert plages == {f"{c}2:{c}5" for c in pieces}  # the pièces' statuses, below the header


def test_csv_for_a_french_spreadsheet(espace: Espace, printemps: int, tmp_path: Path) -> None:
    with espace.db.read() as s:
        m = matrice(s, printemps, AVANT)
    destination = tmp_path / "matrice.csv"
    ecrire_matrice_csv(m, destination)
    donnees = destination.read_bytes()
    assert donnees.startswith(codecs.BOM_UTF8) and b";" in donnees.splitlines()[0]
    lignes = list(csv.reader(io.StringIO(donnees.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == ENTETE and lignes[1][:3] == ["00000000001", "001", "DUPONT"]


def test_a_cancelled_export_leaves_no_file(espace: Espace, printemps: int, tmp_path: Path) -> None:
    with espace.db.read() as s:
        m = matrice(s, printemps, AVANT)
    m.lignes.extend(m.lignes[0] for _ in range(5000))

    def annuler(fait: int, total: int, etape: str) -> None:
        raise TacheAnnulee()

    with pytest.raises(TacheAnnulee):
        ecrire_matrice_xlsx(m, tmp_path / "sortie" / "m.xlsx", annuler)
    assert not (tmp_path / "sortie").exists() or list((tmp_path / "sortie").iterdir()) == []


def test_files_of_a_selection_copied_into_named_folders(
    espace: Espace, printemps: int, tmp_path: Path
) -> None:
    with espace.db.read() as s:
        ids = [r.id for r in lister_candidatures(s, printemps) if r.nom in ("MARTIN", "PETIT")]
        copie = copier_pieces(s, espace.store, ids, tmp_path / "pieces")
    dossier = tmp_path / "pieces"
    fichiers = sorted(p.relative_to(dossier).as_posix() for p in copie.dossier.rglob("*.*"))
    assert fichiers == [
        "00000000002_MARTIN/1NATID01_Document-justifiant-l-identite_v1.jpg",
        "00000000002_MARTIN/CINSIG01_Confirmation-d-inscription-signee_v1.pdf",
        "00000000004_PETIT/1NATID01_Document-justifiant-l-identite_v1.jpg",
        # a PNG renamed .jpg by the candidate: named by what its bytes are
        "00000000004_PETIT/CINSIG01_Confirmation-d-inscription-signee_v1.png",
    ]
    assert copie.copies == 4 and copie.absents == []
    assert (
        copie.dossier / "00000000002_MARTIN/CINSIG01_Confirmation-d-inscription-signee_v1.pdf"
    ).read_bytes() == FICHIERS["f/martin-conf.pdf"]


def test_dashboard_counts_and_its_workbook(espace: Espace, printemps: int, tmp_path: Path) -> None:
    from sqlalchemy import select

    from desktop_app.models import Candidat, Candidature, Piece, PieceCatalogue, Statut
    from desktop_app.services.decisions import enregistrer_decision
    from desktop_app.services.tableau_de_bord import exporter_tableau, tableau_de_bord

    with espace.db.write() as s:
        piece_id = s.scalar(
            select(Piece.id)
            .join(Candidature)
            .join(Candidat)
            .join(PieceCatalogue)
            .where(Candidat.nom_naissance == "MARTIN", PieceCatalogue.code == "1NATID01")
        )
        assert piece_id is not None
        enregistrer_decision(s, piece_id, Statut.RECUE, "Mme Roux")
    maintenant = dt.datetime.now(dt.UTC)
    with espace.db.read() as s:
        t = tableau_de_bord(s, printemps, maintenant)
    assert t.dossiers == 4 and t.jours_restants is None  # closed in 2024
    assert t.echeance == "Clôture passée (05/04/2024)."
    assert t.par_etat == [("Complet", 1), ("Incomplet", 3)]
    assert dict(t.par_statut) == {
        "Aucun statut": 4, "Reçue": 2, "Non conforme": 1, "Conforme": 4,
        "En attente d'une nouvelle PJ": 1, "En attente de contrôle": 0,
    }  # fmt: skip
    roux = next(g for g in t.par_gestionnaire if g.gestionnaire == "Mme Roux")
    assert (roux.specialites, roux.dossiers, roux.decisions, roux.decisions_7_jours) == (1, 2, 1, 1)
    assert t.par_jour[-1][1] == 1 and len(t.par_jour) == 30
    couvreur = next(x for x in t.par_specialite if x.specialite == "Couvreur")
    assert (couvreur.dossiers, couvreur.complets, couvreur.gestionnaire) == (2, 0, "Mme Roux")
    exporter_tableau(t, tmp_path / "tdb.xlsx")
    classeur = load_workbook(tmp_path / "tdb.xlsx", read_only=True)
    assert classeur.sheetnames == [
        "Synthèse", "États des dossiers", "Statuts des pièces", "Par spécialité",
        "Par gestionnaire", "Décisions par jour", "Règles des pièces",
        "Avertissements automatiques",
    ]  # fmt: skip
    assert t.par_regle == []  # closed: the rules' relances have stopped
    with espace.db.read() as s:  # before the closing date: the R408 the four dossiers lack
        avant = tableau_de_bord(s, printemps, dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    assert avant.par_regle == [("R408 : manquante exigée", 4)]
    lignes = list(classeur["Par gestionnaire"].iter_rows(values_only=True))
    assert lignes[1] == ("Mme Roux", 1, 2, 0, 1, 1)
