"""The follow-up window as the chef de bureau uses it: dashboard, relances with their letters,
suggestions confirmed in bulk, the cancellation list, assignments and « Mes spécialités »."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.models import Candidat, Candidature, Decision, Piece, PieceCatalogue, Statut
from desktop_app.services.espace import Espace
from desktop_app.services.reglages import Bureau, enregistrer_bureau
from desktop_app.views.suivi import SuiviFenetre
from desktop_app.views.tableaux import (
    ModeleLignes,
    lignes_selectionnees,
    modele,
    plus_longues,
    remplir,
    table_de_liste,
)
from tests.gui.fenetre import attendre_dossier, attendre_lecture, ouvrir
from tests.unit.printemps import importer_printemps

UTC = dt.UTC


def _suivi(qtbot: QtBot, espace: Espace, maintenant: dt.datetime) -> SuiviFenetre:
    w = ouvrir(qtbot, espace)
    fenetre = w.ouvrir_suivi()
    assert fenetre is not None
    qtbot.waitUntil(lambda: fenetre.tache is None, timeout=30_000)
    fenetre.horloge = lambda: maintenant
    tache = fenetre.actualiser()
    assert tache is not None
    with qtbot.waitSignal(tache.finished, timeout=30_000):
        pass
    return fenetre


def test_relances_and_bulk_suggestions(
    qtbot: QtBot, espace: Espace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    campagne_id = importer_printemps(espace, tmp_path / "p")
    with espace.db.write() as s:
        enregistrer_bureau(s, campagne_id, Bureau(nom="DEC", adresse="1 rue", contact="01"))
    espace.preferences.gestionnaire = "Mme Roux"
    fenetre = _suivi(qtbot, espace, dt.datetime(2024, 3, 30, 23, 0, tzinfo=UTC))
    # DUPONT and PETIT; ÉLOI and MARTIN for the R408 attestation alone (the rules require it).
    assert fenetre.onglets.tabText(1) == "À &relancer (4)"
    assert fenetre.onglets.tabText(2) == "&Suggestions (3)"
    assert modele(fenetre.table_relances).lignes[0][1] == "DUPONT Hélène"
    assert "Clôture dans 5 jours (05/04/2024)" in fenetre.echeance.text()
    # the letters of the selected rows (all of them by default)
    sortie = tmp_path / "lettres"
    monkeypatch.setattr(
        "desktop_app.views.fichiers.QFileDialog.getExistingDirectory", lambda *a, **k: str(sortie)
    )
    fenetre.enregistrer_relances()
    assert fenetre.tache is not None
    with qtbot.waitSignal(fenetre.tache.finished, timeout=30_000):
        pass
    noms = sorted(p.name for p in sortie.iterdir())
    assert noms == [
        "00000000001_DUPONT_relance.pdf",
        "00000000002_MARTIN_relance.pdf",
        "00000000003_ELOI_relance.pdf",
        "00000000004_PETIT_relance.pdf",
        "relances_BP_2024_2024-03-31.pdf",
    ]
    # two of the three suggestions selected, confirmed: two decisions, in one go
    monkeypatch.setattr(
        "desktop_app.views.suivi.QMessageBox.question",
        lambda *a, **k: QMessageBox.StandardButton.Yes,
    )
    table = fenetre.table_suggestions
    table.clearSelection()
    table.setSelectionMode(table.SelectionMode.MultiSelection)
    table.selectRow(0)
    table.selectRow(2)
    with qtbot.waitSignal(fenetre.annonces.changements):  # the main window hears it
        fenetre.confirmer_attente()
    with espace.db.read() as s:
        apres = s.execute(
            select(Candidat.nom_naissance, Piece.statut, Piece.commentaire, Decision.gestionnaire)
            .join(Decision, Decision.piece_id == Piece.id)
            .join(Candidature, Candidature.id == Piece.candidature_id)
            .join(Candidat)
            .where(Decision.nouveau_statut == Statut.EN_ATTENTE_NOUVELLE_PJ,
                   Decision.gestionnaire == "Mme Roux")
        ).all()  # fmt: skip
    assert sorted(apres) == [
        ("DUPONT", Statut.EN_ATTENTE_NOUVELLE_PJ,
         "Aucun fichier recevable n'a été reçu avant la date limite.", "Mme Roux"),
        ("PETIT", Statut.EN_ATTENTE_NOUVELLE_PJ,
         "Aucun fichier recevable n'a été reçu avant la date limite.", "Mme Roux"),
    ]  # fmt: skip
    qtbot.waitUntil(lambda: fenetre.tache is None, timeout=30_000)
    assert fenetre.onglets.tabText(2) == "&Suggestions (1)"  # MARTIN's remains


def test_cancellations_dashboard_and_assignments(
    qtbot: QtBot, espace: Espace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer_printemps(espace, tmp_path / "p")
    espace.preferences.gestionnaire = "M. Blanc"
    fenetre = _suivi(qtbot, espace, dt.datetime(2024, 4, 5, 15, 1, tzinfo=UTC))
    assert fenetre.onglets.tabText(3) == "À a&nnuler (3)"
    assert [ligne[1] for ligne in modele(fenetre.table_annulations).lignes] == [
        "DUPONT Hélène", "MARTIN Paul", "PETIT Léo",
    ]  # fmt: skip
    assert "Clôture passée (05/04/2024)" in fenetre.echeance.text()
    assert "Incomplet : 3" in fenetre.contenu_tableau.etats.accessibleDescription()
    chemin = tmp_path / "annuler.pdf"
    monkeypatch.setattr(
        "desktop_app.views.fichiers.QFileDialog.getSaveFileName", lambda *a, **k: (str(chemin), "")
    )
    fenetre.enregistrer_annulations()
    texte = " ".join(page.get_text() for page in pymupdf.open(chemin))
    assert "MARTIN" in texte and "ÉLOI" not in texte
    # Maçon goes to M. Blanc: « Mes spécialités » in the main window lists its two dossiers
    table = fenetre.table_affectations
    ligne = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Maçon")
    choix = table.cellWidget(ligne, 1)
    assert isinstance(choix, QComboBox)
    choix.setCurrentText("M. Blanc")
    fenetre.enregistrer_affectations()
    principale = fenetre.parent()
    attendre_lecture(qtbot, principale)
    principale.filtre_specialite.setCurrentIndex(1)
    noms = [
        principale.candidatures.row_at(r).nom for r in range(principale.candidatures.rowCount())
    ]
    assert noms == ["ÉLOI", "PETIT"]
    fenetre.close()
    assert fenetre.isHidden()


def test_bulk_conforme_only_on_displayed_files(
    qtbot: QtBot, espace: Espace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.views.dossier import ROLE_PIECE

    importer_printemps(espace, tmp_path / "p")
    espace.preferences.gestionnaire = "Mme Roux"
    w = ouvrir(qtbot, espace)
    liste = w.candidatures
    martin = next(
        liste.row_at(r) for r in range(liste.rowCount()) if liste.row_at(r).nom == "MARTIN"
    )
    w.aller_a(martin.id, 0)
    attendre_dossier(qtbot, w)
    questions: list[str] = []

    def oui(_parent: object, _titre: str, texte: str) -> QMessageBox.StandardButton:
        questions.append(texte)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr("desktop_app.views.revue.QMessageBox.question", oui)
    pieces = {i.data(0, ROLE_PIECE).code: i.data(0, ROLE_PIECE) for i in w.dossier.items_pieces()}
    w.etat.vus.clear()
    w.revue.conformes_affichees()
    assert questions == []  # nothing displayed: nothing proposed
    for depot in w.depots[pieces["1NATID01"].id] + w.depots[pieces["CINSIG01"].id]:
        w.etat.marquer_vu(depot.id)
    w.revue.conformes_affichees()
    # the identity only: the confirmation was already judged Non conforme
    assert len(questions) == 1 and "1 pièce(s)" in questions[0]
    assert "Document justifiant l'identité (1NATID01)" in questions[0]
    with espace.db.read() as s:
        statuts = dict(
            s.execute(
                select(PieceCatalogue.code, Piece.statut)
                .join(PieceCatalogue)
                .where(Piece.candidature_id == martin.id)
            ).all()
        )
    assert statuts == {
        "CINSIG01": Statut.NON_CONFORME, "1NATID01": Statut.CONFORME, "PSNATT03": Statut.RECUE,
    }  # fmt: skip


def test_fiches_of_the_list_are_previewed_before_saving(
    qtbot: QtBot, espace: Espace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.views.suivi import ApercuPdf

    importer_printemps(espace, tmp_path / "p")
    w = ouvrir(qtbot, espace)
    vus: list[int] = []

    def montrer(dialogue: ApercuPdf) -> int:
        vus.append(len(dialogue.pages))
        return 0  # « Annuler »

    monkeypatch.setattr(ApercuPdf, "exec", montrer)
    monkeypatch.setattr(
        "desktop_app.views.fichiers.QFileDialog.getExistingDirectory",
        lambda *a, **k: pytest.fail("no folder is asked after a cancelled preview"),
    )
    w.actions_campagne.fiches_de_la_liste()
    assert vus == [1] and w.tache_en_cours is None


def test_a_worklist_shows_all_its_rows_and_reads_its_selection_by_ranges(
    qtbot: QtBot, qtmodeltester: object
) -> None:
    """A worklist is a model Qt reads as it paints: 12,000 rows are all there (the table once
    stopped at 5,000), and a whole list selected is read back without an index per row."""
    table = table_de_liste("essai", ["N°", "Candidat"])
    qtbot.addWidget(table)
    lignes = [(f"{i:05d}", f"NOM {i}") for i in range(12_000)]
    remplir(table, lignes)
    qtmodeltester.check(modele(table))  # type: ignore[attr-defined]
    assert modele(table).rowCount() == 12_000
    assert modele(table).index(11_999, 1).data() == "NOM 11999"
    table.selectAll()
    assert lignes_selectionnees(table) == list(range(12_000))
    table.clearSelection()
    table.setSelectionMode(table.SelectionMode.MultiSelection)
    for r in (7, 11_998, 3):
        table.selectRow(r)
    assert lignes_selectionnees(table) == [3, 7, 11_998]
    remplir(table, [])
    assert modele(table).rowCount() == 0 and lignes_selectionnees(table) == []


def test_a_worklists_columns_are_as_wide_as_its_longest_text_wherever_it_is(
    qtbot: QtBot,
) -> None:
    """The widths are measured on each column's longest texts, picked in the thread that
    formats the rows (``plus_longues``), not on the first rows only: a long name at row
    30,000 is not cut, and the measure reads a few rows, not thousands."""
    lus: list[int] = []

    class Compte(ModeleLignes):
        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            lus.append(index.row())
            return super().data(index, role)

    table = table_de_liste("essai", ["N°", "Candidat", "Pièces"])
    table.setModel(Compte(modele(table).colonnes, table))
    qtbot.addWidget(table)
    lignes = [(f"{i:05d}", f"NOM {i}", "CNI") for i in range(40_000)]
    lignes[30_000] = ("30000", "DE LA TOUR D'AUVERGNE-LAURAGUAIS Marie-Amélie", "CNI")
    lignes[39_999] = ("39999", "NOM", "CNI, JDC, CERTMED, RELEVE, CONFIRM, ATTEST")
    mesurees = plus_longues(lignes, par_colonne=5)
    assert len(mesurees) <= 15 and lignes[30_000] in mesurees and lignes[39_999] in mesurees
    remplir(table, lignes, mesurees)
    assert len(set(lus)) <= 15  # the measure read a few rows (500 from the top otherwise)
    assert modele(table).rowCount() == 40_000
    police = table.fontMetrics()
    for colonne, texte in ((1, lignes[30_000][1]), (2, lignes[39_999][2])):
        assert table.columnWidth(colonne) >= police.horizontalAdvance(texte)
    remplir(table, lignes)  # without them: the first 500 rows, the long name cut
    assert table.columnWidth(1) < police.horizontalAdvance(lignes[30_000][1])
