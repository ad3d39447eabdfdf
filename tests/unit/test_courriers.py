"""The bureau's letters: what a PDF text tool reads in them, their file names, the bureau's
settings, and tables that flow onto a second page."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pymupdf
import pytest

from desktop_app.models import Modalite, Statut
from desktop_app.services.courriers import (
    Genre,
    apercu,
    contexte,
    ecrire_courriers,
    fiches,
    liste_annulations,
)
from desktop_app.services.echeances import Dossier, PieceASuivre, Suite, suivi
from desktop_app.services.espace import Espace
from desktop_app.services.importer import importer_paquet
from desktop_app.services.reglages import Bureau, bureau_de, enregistrer_bureau
from tests.helpers import write_package
from tests.unit.printemps import (
    CAMPAGNE_PRINTEMPS,
    CANDIDATURES,
    FICHIERS,
    PIECES,
    importer_printemps,
)

AVANT_MINUIT = dt.datetime(2024, 3, 30, 22, 59, 30, tzinfo=dt.UTC)  # 23:59:30 in Paris
APRES_CLOTURE = dt.datetime(2024, 4, 5, 15, 1, tzinfo=dt.UTC)  # 17:01 in Paris


@pytest.fixture
def printemps(espace: Espace, tmp_path: Path) -> int:
    return importer_printemps(espace, tmp_path / "p")


def _texte(pdf: Path | bytes) -> str:
    doc = pymupdf.open(pdf) if isinstance(pdf, Path) else pymupdf.open("pdf", pdf)
    texte = "\n".join(page.get_text() for page in doc)
    doc.close()
    return " ".join(texte.split())  # lines wrapped in a table cell read as one text


def test_relance_letters_name_each_candidate_and_each_piece(
    espace: Espace, printemps: int, tmp_path: Path
) -> None:
    with espace.db.write() as s:
        enregistrer_bureau(
            s,
            printemps,
            Bureau(
                nom="Rectorat de l'académie de Clermont-Ferrand",
                adresse="3 avenue Vercingétorix\n63033 Clermont-Ferrand Cedex 1",
                contact="04 73 99 30 00 — dec@ac-clermont.fr",
                ville="Clermont-Ferrand",
                signature="Pour le recteur, la cheffe de la DEC",
            ),
        )
    with espace.db.read() as s:
        dossiers = suivi(s, printemps, AVANT_MINUIT).a_relancer
        ctx = contexte(s, printemps, AVANT_MINUIT)
    ecrits = ecrire_courriers(ctx, Genre.RELANCE, dossiers, tmp_path / "sortie")
    assert [p.name for p in ecrits.fichiers] == [
        "00000000001_DUPONT_relance.pdf",
        "00000000003_ELOI_relance.pdf",  # for the R408 attestation alone: the rules require it
        "00000000002_MARTIN_relance.pdf",
        "00000000004_PETIT_relance.pdf",
    ]
    dupont, eloi, martin, petit = (_texte(p) for p in ecrits.fichiers)
    assert "Relance de pièces justificatives" in dupont  # no ligature in « fi »
    assert "Madame Hélène DUPONT" in dupont and "N° candidat : 00000000001" in dupont
    assert "Confirmation d'inscription signée (CINSIG01) Non déposée" in dupont
    assert "Certificat de participation ou d'exemption à la JDC (PSNATT03) Non reçue" in dupont
    assert "30/03/2024 à 23:59 (heure de Paris)" in dupont
    assert "Document justifiant l'identité" not in dupont  # Conforme: not asked again
    assert "3 avenue Vercingétorix" in dupont and "dec@ac-clermont.fr" in dupont
    assert "Pour le recteur, la cheffe de la DEC" in dupont
    assert "Clermont-Ferrand, le 30/03/2024" in dupont
    assert "Monsieur Paul MARTIN" in martin and "00000000002" in martin
    assert "Non conforme Document non signé" in martin
    assert "JDC" not in martin  # received by post
    assert "Fichier déposé non recevable" in petit
    assert "En attente d'une nouvelle PJ Document expiré 05/04/2024 à 17:00" in petit
    tout = _texte(ecrits.combine) if ecrits.combine else ""
    assert ecrits.combine is not None and ecrits.combine.name == "relances_BP_2024_2024-03-30.pdf"
    assert all(nom in tout for nom in ("DUPONT", "MARTIN", "ÉLOI", "PETIT"))
    assert pymupdf.open(ecrits.combine).page_count == 4
    # The pièce the rules require and the portal did not ask for says why, from the seeds.
    assert ("Attestation de formation R408 (travail en hauteur) (ATR40801) Pièce exigée, non "
            "demandée jusqu'ici Exigée : spécialité « Maçon »") in eloi  # fmt: skip
    assert "05/04/2024 à 17:00" in eloi and "Exigée : spécialité « Couvreur »" in dupont


def test_fiche_de_controle_records_every_piece_with_its_file(
    espace: Espace, printemps: int, tmp_path: Path
) -> None:
    with espace.db.read() as s:
        eloi = next(
            d.destinataire.candidature_id
            for d in suivi(s, printemps, APRES_CLOTURE).a_annuler
            if d.destinataire.nom == "PETIT"
        )
        les_fiches = fiches(s, printemps, [eloi])
        ctx = contexte(s, printemps)
    texte = _texte(apercu(ctx, Genre.FICHE, les_fiches[0]))
    assert "Fiche de contrôle des pièces justificatives" in texte
    assert "PETIT Léo" in texte and "00000000004" in texte
    assert "En attente d'une nouvelle PJ" in texte and "Document expiré" in texte
    assert "Import p" in texte  # the status came with the package named p
    assert hashlib.sha256(FICHIERS["f/petit-cni.jpg"]).hexdigest() in texte.replace(" ", "")
    assert "aucun fichier" in texte  # the JDC


def test_list_of_dossiers_to_cancel(espace: Espace, printemps: int) -> None:
    with espace.db.read() as s:
        dossiers = suivi(s, printemps, APRES_CLOTURE).a_annuler
        ctx = contexte(s, printemps, APRES_CLOTURE)
    texte = _texte(liste_annulations(ctx, dossiers))
    assert "Liste des dossiers à annuler" in texte
    assert "Dossiers incomplets à cette date : 3" in texte
    for nom, numero in (("DUPONT", "00000000001"), ("MARTIN", "00000000002"), ("PETIT", "4")):
        assert nom in texte and numero in texte
    assert "ÉLOI" not in texte
    assert "CINSIG01 — Non conforme : Document non signé" in texte


def test_bureau_settings_survive_a_new_import(
    espace: Espace, printemps: int, tmp_path: Path
) -> None:
    with espace.db.read() as s:
        assert bureau_de(s, printemps).nom == "Rectorat de l'académie de Clermont-Ferrand"
        assert not bureau_de(s, printemps).complet
    with espace.db.write() as s:
        enregistrer_bureau(s, printemps, Bureau(nom="DEC", adresse="1 rue", contact="01"))
    paquet = write_package(
        tmp_path / "p2", CANDIDATURES, PIECES, FICHIERS, campagne=CAMPAGNE_PRINTEMPS
    )
    importer_paquet(espace.db, espace.store, paquet, worker=espace.inspection)
    with espace.db.read() as s:
        assert bureau_de(s, printemps) == Bureau(nom="DEC", adresse="1 rue", contact="01")


def test_a_long_table_flows_onto_a_new_page_with_its_head(espace: Espace, printemps: int) -> None:
    with espace.db.read() as s:
        dossier = suivi(s, printemps, AVANT_MINUIT).a_relancer[0]
        ctx = contexte(s, printemps, AVANT_MINUIT)
    libelle = "Pièce numéro {} " + "avec un libellé long " * 3
    pieces = tuple(
        PieceASuivre(
            k, 1, f"P{k:03}", libelle.format(k), Modalite.EN_LIGNE, Statut.NON_CONFORME,
            f"Commentaire {k}", 1, True, True, None, Suite.RELANCER,
        )
        for k in range(40)
    )  # fmt: skip
    pdf = apercu(ctx, Genre.RELANCE, Dossier(dossier.destinataire, pieces))
    doc = pymupdf.open("pdf", pdf)
    assert doc.page_count >= 3
    for page in doc:
        assert "Pièce justificative" in page.get_text()  # the head, on every page
        assert f"page {page.number + 1} / {doc.page_count}" in page.get_text()
    assert all(f"Commentaire {k}" in _texte(pdf) for k in range(40))


def test_command_line_outputs(
    espace: Espace, printemps: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`relances`, `fiches`, `annulations`, `matrix` and `pieces`: the window's services."""
    from desktop_app.cli import main

    donnees = ["--data-dir", str(espace.paths.root)]
    espace.close()  # the command opens the workspace itself
    sortie = tmp_path / "sortie"
    avant = ["--date", "30/03/2024 23:59"]
    assert main(["relances", *donnees, *avant, "--sortie", str(sortie / "r")]) == 0
    assert "4 courrier(s) écrit(s)" in capsys.readouterr().out  # ÉLOI: the R408 (rules)
    assert (sortie / "r" / "00000000004_PETIT_relance.pdf").is_file()
    assert main(["fiches", *donnees, "--sortie", str(sortie / "f"), "--candidat", "3"]) == 0
    assert [p.name for p in (sortie / "f").iterdir() if "_ELOI_" in p.name] == [
        "00000000003_ELOI_fiche_controle.pdf"
    ]
    apres = ["--date", "05/04/2024 17:01"]
    assert main(["annulations", *donnees, *apres, "--sortie", str(sortie / "a.pdf")]) == 0
    assert "3 dossier(s) à annuler" in capsys.readouterr().out
    assert "PETIT" in _texte(sortie / "a.pdf")
    assert main(["matrix", *donnees, "--sortie", str(sortie / "m.xlsx")]) == 0
    assert "4 candidature(s) × 3 pièce(s)" in capsys.readouterr().out
    assert main(["pieces", *donnees, "--sortie", str(sortie / "p"), "--candidat", "2"]) == 0
    assert len(list((sortie / "p" / "00000000002_MARTIN").iterdir())) == 2
    assert main(["matrix", *donnees, "--sortie", str(sortie / "m.ods")]) == 2
    assert main(["relances", *donnees, "--date", "31/02/2024", "--sortie", str(sortie)]) == 2
    assert "illisible" in capsys.readouterr().err
