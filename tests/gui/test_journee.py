"""A whole day at the desk, by keys: search, decide, comment, undo, F3; the zoom keys; the
search that hands off; labels that say the truth; reports, dialogs and the log of a user's
mistakes."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.models import Depot, Piece, Statut
from desktop_app.services.espace import Espace
from desktop_app.services.importer import importer_paquet
from desktop_app.views.etat import a_voir
from desktop_app.views.main_window import MainWindow
from tests.gui.fenetre import attendre_dossier, attendre_lecture, ouvrir
from tests.gui.test_review import attendre_affichage, touche


def _fenetre(qtbot: QtBot, espace: Espace, paquet_demo: Path) -> MainWindow:
    espace.preferences.gestionnaire = "Claire FAYOLLE"
    importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    return ouvrir(qtbot, espace)


def _tout_a_voir(w: MainWindow) -> str:
    """The N° candidat of a dossier with three pièces or more, every file recevable and
    awaiting the gestionnaire."""
    for ligne in w.candidatures.toutes():
        w.dossier.ouvrir(ligne.id)
        w.dossier.finir()  # (read in a thread)
        pieces = w.etat.pieces
        if len(pieces) >= 3 and all(
            p.statut is None and p.fichiers and not p.non_recevables for p in pieces
        ):
            return ligne.n_candidat
    raise AssertionError("aucun dossier de démonstration tout à contrôler")


def test_from_the_search_to_three_decisions_undo_and_f3_by_keys_alone(
    qtbot: QtBot, espace: Espace, paquet_demo: Path
) -> None:
    w = _fenetre(qtbot, espace, paquet_demo)
    n_candidat = _tout_a_voir(w)
    w.dossier.ouvrir(None)

    touche(qtbot, w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is w.recherche
    qtbot.keyClicks(w.recherche, n_candidat)
    touche(qtbot, w, Qt.Key.Key_Return)  # the first result opens, the pièces take the keys
    assert QApplication.focusWidget() is w.arbre
    attendre_dossier(qtbot, w)
    assert w.candidature_id is not None and w.piece is not None
    pieces = w.dossier.pieces_affichees()

    attendre_affichage(qtbot, w)
    touche(qtbot, w, Qt.Key.Key_C)  # Conforme, then the next pièce
    assert "Enregistré" in w.panneau.etat.text() and w.piece.id == pieces[1].id
    assert QApplication.focusWidget() is w.arbre

    touche(qtbot, w, Qt.Key.Key_N)  # Non conforme: the reasons, Tab to the comment, typed
    assert w.panneau.motifs.hasFocus()
    touche(qtbot, w, Qt.Key.Key_Tab)
    assert w.panneau.commentaire.hasFocus()
    qtbot.keyClicks(w.panneau.commentaire, "Photo floue")  # QTest types ASCII only
    touche(qtbot, w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Enregistré" in w.panneau.etat.text() and w.piece.id == pieces[2].id
    assert QApplication.focusWidget() is w.arbre  # the keys are back on the pièces

    touche(qtbot, w, Qt.Key.Key_R)  # Reçue: a decision, never an « r » in a comment
    assert "Enregistré" in w.panneau.etat.text()
    touche(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undone
    attendre_dossier(qtbot, w)  # (its dossier read in a thread)
    assert w.piece.id == pieces[2].id and w.piece.statut is None

    with espace.db.read() as s:
        statuts = {p.id: (p.statut, p.commentaire) for p in s.scalars(
            select(Piece).where(Piece.id.in_([p.id for p in pieces[:3]])))}  # fmt: skip
    assert statuts[pieces[0].id] == (Statut.CONFORME, "")
    assert statuts[pieces[1].id] == (Statut.NON_CONFORME, "Photo floue")  # not a stray letter
    assert statuts[pieces[2].id] == (None, "")

    touche(qtbot, w, Qt.Key.Key_K)  # back to the Non conforme, then F3: the next to check
    touche(qtbot, w, Qt.Key.Key_F3)
    attendre_dossier(qtbot, w)  # (the next dossier's, when this one has none left)
    assert w.piece is not None and a_voir(w.piece) and w.piece.id != pieces[1].id
    w.close()


def test_a_letter_never_lands_in_a_comment_not_entered_on_purpose(
    qtbot: QtBot, espace: Espace, paquet_demo: Path
) -> None:
    w = _fenetre(qtbot, espace, paquet_demo)
    attendre_affichage(qtbot, w)
    piece = w.piece
    assert piece is not None and piece.statut is None
    commentaire = w.panneau.commentaire
    commentaire.setFocus(Qt.FocusReason.OtherFocusReason)  # left there, not entered
    assert commentaire.hasFocus()
    touche(qtbot, w, Qt.Key.Key_E)  # « En attente de contrôle »: a decision
    assert commentaire.toPlainText() == "" and "Enregistré" in w.panneau.etat.text()
    # Entered on purpose (Tab, a click): letters are text; Escape leaves the comment.
    commentaire.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(commentaire, "Recto seul")
    assert commentaire.toPlainText() == "Recto seul"
    touche(qtbot, w, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is w.arbre
    w.close()


def test_the_search_hands_off_and_never_leaves_a_hidden_dossier_on_screen(
    qtbot: QtBot, espace: Espace, paquet_demo: Path
) -> None:
    w = _fenetre(qtbot, espace, paquet_demo)
    assert w.candidature_id is not None
    w.liste.chercher()
    qtbot.keyClicks(w.recherche, "zzzz introuvable")
    assert w.candidatures.rowCount() == 0
    assert w.candidature_id is None and w.piece is None  # the dossier left with its row
    touche(qtbot, w, Qt.Key.Key_Escape)
    assert w.recherche.text() == "" and w.candidatures.rowCount() > 0
    touche(qtbot, w, Qt.Key.Key_Down)  # ↓ opens the first result as Enter does
    attendre_dossier(qtbot, w)
    assert w.candidature_id == w.candidatures.row_at(0).id
    assert QApplication.focusWidget() is w.arbre
    w.close()


def test_zoom_keys_fire_once_each_and_each_document_opens_with_the_chosen_fit(
    qtbot: QtBot, espace: Espace, paquet_demo: Path
) -> None:
    w = _fenetre(qtbot, espace, paquet_demo)
    attendre_affichage(qtbot, w)
    v = w.viewer
    for action in (v.action_zoom_moins, v.action_zoom_plus):
        sequences = [s.toString() for s in action.shortcuts()]
        assert len(sequences) == len(set(sequences)) and sequences
    w.resize(1600, 1000)
    zoom = v.zoom
    touche(qtbot, w, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert v.mode == "libre" and v.zoom > zoom
    zoom = v.zoom
    touche(qtbot, w, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert v.zoom < zoom
    zoom = v.zoom
    keypad = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier
    touche(qtbot, w, Qt.Key.Key_Plus, keypad)  # the keypad's + too
    assert v.zoom > zoom
    with espace.db.read() as s:  # two other pièces with a file
        autres = s.execute(
            select(Piece.candidature_id, Piece.id).join(Depot).where(Depot.recevable)
            .order_by(Piece.id.desc()).limit(2)
        ).all()  # fmt: skip
    v.action_garder_zoom.setChecked(True)  # kept: the next document keeps it
    w.aller_a(*autres[0])
    attendre_dossier(qtbot, w)
    assert v.mode == "libre"
    v.action_garder_zoom.setChecked(False)  # not kept: the next one opens with the chosen fit
    w.aller_a(*autres[1])
    attendre_dossier(qtbot, w)
    assert v.mode == v.ajustement == "largeur"
    w.close()


def test_a_previous_deposit_is_called_refused_only_when_it_was(
    qtbot: QtBot, espace: Espace, paquet_demo: Path
) -> None:
    w = _fenetre(qtbot, espace, paquet_demo)
    piece = next(p for p in w.etat.pieces if w.etat.depots_de(p))
    depot = replace(w.etat.depots_de(piece)[0], recevable=True, courant=False)
    w.comparaison.montrer(replace(piece, commentaire_precedent=""), depot, None)
    assert "Dépôt précédent" in w.comparaison.titre.text()
    assert "refusé" not in w.comparaison.titre.text()
    w.comparaison.montrer(replace(piece, commentaire_precedent="Illisible"), depot, None)
    assert "Fichier refusé" in w.comparaison.titre.text()
    w.close()


def test_the_import_report_opens_whole_and_saves_as_text(
    qtbot: QtBot, espace: Espace, paquet_demo: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from desktop_app.views.dialogues import RapportDialog

    w = _fenetre(qtbot, espace, paquet_demo)
    tache = w.importer(paquet_demo)  # again: nothing new, still a report
    assert tache is not None
    with qtbot.waitSignal(tache.finished, timeout=60_000):
        pass
    dialogue = w.findChild(RapportDialog)
    assert dialogue is not None and dialogue.isVisible()
    details = dialogue.findChild(QPlainTextEdit, "rapportDetails")
    assert details is not None and details.toPlainText()
    sortie = tmp_path / "rapport.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(sortie), ""))
    dialogue.enregistrer()
    texte = sortie.read_text(encoding="utf-8")
    assert texte.startswith("Rapport d'import") and "Candidatures créées : 0" in texte
    dialogue.close()
    w.close()


def test_file_dialogs_open_in_documents_then_where_the_user_went(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.views.fichiers import fichier_a_ouvrir

    ouverts: list[str] = []

    def choisir(_parent: object, _titre: str, dossier: str, _filtre: str) -> tuple[str, str]:
        ouverts.append(dossier)
        return str(tmp_path / "paquets" / "bp.zip"), ""

    (tmp_path / "paquets").mkdir()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", choisir)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    but = f"essai-{tmp_path.name}"
    assert fichier_a_ouvrir(None, but, "Importer", "*.zip") == tmp_path / "paquets" / "bp.zip"  # type: ignore[arg-type]
    fichier_a_ouvrir(None, but, "Importer", "*.zip")  # type: ignore[arg-type]
    assert ouverts == [documents, str(tmp_path / "paquets")]


def test_a_users_mistake_is_logged_as_info_without_a_traceback(
    qtbot: QtBot, espace: Espace, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from desktop_app.views import campagne

    monkeypatch.setattr(campagne.QMessageBox, "warning", lambda *a: None)
    w = ouvrir(qtbot, espace)
    (tmp_path / "pas-un-paquet").mkdir()
    caplog.set_level(logging.INFO)
    tache = w.importer(tmp_path / "pas-un-paquet")
    assert tache is not None
    with qtbot.waitSignal(tache.finished, timeout=60_000):
        pass
    refus = [r for r in caplog.records if "campagne.json" in r.getMessage()]
    assert refus and all(r.levelno == logging.INFO and not r.exc_info for r in refus)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    w.close()


def test_the_follow_up_window_closes_with_escape(
    qtbot: QtBot, espace: Espace, paquet_demo: Path
) -> None:
    w = _fenetre(qtbot, espace, paquet_demo)
    suivi = w.ouvrir_suivi()
    assert suivi is not None
    qtbot.waitUntil(lambda: suivi.tache is None, timeout=30_000)
    for table in (suivi.table_relances, suivi.table_suggestions, suivi.table_annulations):
        entete = table.horizontalHeader()  # never a header cut mid-word
        for c in range(entete.count()):
            assert entete.sectionSize(c) >= entete.sectionSizeHint(c), table.objectName()
    suivi.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is suivi)
    qtbot.keyClick(suivi, Qt.Key.Key_Escape)
    assert not suivi.isVisible()
    w.close()


def test_the_manager_purges_a_campaign_by_typing_its_title(
    qtbot: QtBot, espace: Espace, paquet_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.views import campagne

    w = _fenetre(qtbot, espace, paquet_demo)
    assert w.campagne is not None
    titre = w.campagne.titre
    reponses = iter([("pas le titre", True), (titre, True)])
    monkeypatch.setattr(campagne.QInputDialog, "getText", lambda *a, **k: next(reponses))
    refus: list[str] = []
    monkeypatch.setattr("desktop_app.views.operations.QMessageBox.warning",
                        lambda _p, _t, m: refus.append(m))  # fmt: skip
    tache = w.actions_campagne.purger()
    assert tache is not None
    with qtbot.waitSignal(tache.finished, timeout=60_000):
        pass
    assert refus and "tapez exactement le titre" in refus[0]  # nothing removed
    assert w.candidatures.rowCount() > 0
    tache = w.actions_campagne.purger()
    assert tache is not None
    with qtbot.waitSignal(tache.finished, timeout=60_000):
        pass
    attendre_lecture(qtbot, w)
    assert w.campagne is None and w.pages.currentIndex() == 0  # back to « Aucune campagne »
    assert "purgée" in w.statusBar().currentMessage()
    w.close()
