"""The desktop conventions of the window: one instance, a French crash dialog pointing to a
log without candidates' names, one settings dialog, À propos, names for screen readers."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app import journal
from desktop_app.models import Candidat
from desktop_app.paths import dossier_choisi
from desktop_app.preferences import Preferences
from desktop_app.services.espace import Espace
from desktop_app.services.importer import importer_paquet
from desktop_app.views import plantage
from desktop_app.views.instance import InstanceUnique, deja_lancee, nom_du_canal
from desktop_app.views.parametres import ParametresDialog
from tests.gui.fenetre import attendre_lecture, ouvrir


def test_un_second_lancement_ramene_la_premiere_fenetre(qtbot: QtBot, tmp_path: Path) -> None:
    nom = nom_du_canal(tmp_path)
    assert nom != nom_du_canal(tmp_path / "autre")
    assert not deja_lancee(nom)
    instance = InstanceUnique(nom)
    assert instance.ecoute
    with qtbot.waitSignal(instance.montrer, timeout=5000):
        assert deja_lancee(nom)
    instance.close()
    instance.deleteLater()


def _attendre_ligne(journal_: Path, texte: str, delai: float = 60) -> bool:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if journal_.is_file() and texte in journal_.read_text(encoding="utf-8"):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.gui  # the window opens in a child process: no qtbot to mark it
def test_deux_lancements_reels_une_seule_fenetre(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONTROLE_PJ_LOG_DIR": str(tmp_path)}
    commande = [sys.executable, "-m", "desktop_app", "--data-dir", str(tmp_path / "donnees")]
    premier = subprocess.Popen(commande, env=env)
    try:
        assert _attendre_ligne(
            tmp_path / journal.FICHIER, "fenêtre ouverte (instance unique : oui)"
        )
        second = subprocess.run(commande, env=env, timeout=60, capture_output=True)
        assert second.returncode == 0 and not second.stderr
        assert _attendre_ligne(tmp_path / journal.FICHIER, "ramène la fenêtre au premier plan")
        assert premier.poll() is None  # the first one still runs
    finally:
        premier.terminate()
        premier.wait(30)


@pytest.mark.qt_no_exception_capture
def test_une_erreur_inattendue_est_dite_en_francais_et_journalisee_sans_nom(
    qtbot: QtBot, espace: Espace, paquet_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fichier = journal.configurer(tmp_path / "journal")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    plantage.installer(fichier)
    montres: list[plantage.PlantageDialog] = []
    monkeypatch.setattr(plantage.PlantageDialog, "exec", lambda self: montres.append(self) or 0)
    importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    with espace.db.read() as session:
        noms = [(c.nom_naissance, c.prenoms) for c in session.scalars(select(Candidat))]
    w = ouvrir(qtbot, espace)
    nom, prenoms = noms[0]

    def boguee() -> None:
        raise ValueError(f"dossier de {prenoms} {nom} incohérent")

    QTimer.singleShot(0, boguee)  # an exception in a Qt slot
    qtbot.waitUntil(lambda: bool(montres), timeout=5000)
    dialogue = montres[0]
    assert "erreur inattendue" in dialogue.text() and str(fichier) in dialogue.text()
    assert "ne sont pas perdues" in dialogue.text()
    assert nom in dialogue.detailedText()  # on screen, for the user
    assert w.isVisible()  # the application goes on
    for handler in logging.getLogger().handlers:
        handler.flush()
    texte = fichier.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert "ValueError" in texte and "boguee" in texte
    assert not [n for n, p in noms if n in texte or p in texte]


def test_un_seul_dialogue_de_parametres(
    qtbot: QtBot,
    espace_demo: Espace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    espace = espace_demo  # the demo package, imported
    w = ouvrir(qtbot, espace)
    avertis: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, titre, *_: avertis.append(titre))
    acceptes: list[int] = []

    def remplir(d: ParametresDialog) -> int:
        # No label shows a literal « & »: each one with a mnemonic leads to its field.
        from PySide6.QtWidgets import QLabel

        for label in d.findChildren(QLabel):
            if "&" in label.text().replace("&&", "") and "<" not in label.text():
                assert label.buddy() is not None, label.text()
        d.nom.setText("  Claire FAYOLLE ")
        d.motifs.setPlainText("Pièce illisible.\n\nPièce illisible\nDocument expiré")
        d.taille.setValue(2.0)
        d.url.setText("mysql://serveur/base")
        d._enregistrer()  # refused: not PostgreSQL
        assert avertis == ["Adresse non prise en charge"] and d.onglets.currentIndex() == 3
        d.url.clear()
        d.dossier_donnees.setText(str(tmp_path / "nouvelles-donnees"))
        d._enregistrer()
        acceptes.append(d.result())
        return d.result()

    monkeypatch.setattr(ParametresDialog, "exec", remplir)
    action = w.findChild(QAction, "actionParametres")
    assert action is not None and action.shortcut().toString() == "Ctrl+,"
    action.trigger()
    assert acceptes == [ParametresDialog.DialogCode.Accepted]
    lu = Preferences.load(espace.paths.preferences)
    assert lu.gestionnaire == "Claire FAYOLLE"
    assert lu.motifs == ["Pièce illisible", "Document expiré"]
    assert dossier_choisi() == tmp_path / "nouvelles-donnees"
    assert Preferences.load(tmp_path / "nouvelles-donnees" / "parametres.json").gestionnaire
    # The new size limit is applied in the background, then the list is read again.
    qtbot.waitUntil(lambda: w.tache_en_cours is None, timeout=30_000)
    attendre_lecture(qtbot, w)
    assert w.campagne is not None and w.campagne.taille_max_octets == 2 * 1024 * 1024
    assert "Taille maximale : 2 Mo" in w.statusBar().currentMessage()


def test_a_propos_dit_la_version_et_les_emplacements(
    qtbot: QtBot, espace: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    textes: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _p, _t, texte: textes.append(texte))
    w = ouvrir(qtbot, espace)
    w.a_propos()
    from desktop_app import __version__

    assert __version__ in textes[0]
    for mot in (
        "Données",
        "Base",
        "Sauvegardes",
        "Journal",
        str(espace.paths.root),
        "GNU Affero GPL",
        "composants tiers",
    ):
        assert mot in textes[0]


def test_chaque_controle_de_la_fenetre_a_un_nom_pour_les_lecteurs_d_ecran(
    qtbot: QtBot, espace_demo: Espace
) -> None:
    espace = espace_demo  # the demo package, imported
    w = ouvrir(qtbot, espace)
    sans_nom = [
        f"{type(c).__name__} {c.objectName()!r}"
        for c in w.findChildren(QWidget)
        if c.isVisibleTo(w)
        and c.focusPolicy() != c.focusPolicy().NoFocus
        and not c.accessibleName()
        and not (isinstance(c, QAbstractButton) and c.text().strip())
        and c.parent() is not None
        and not type(c).__name__.startswith("QScrollBar")
        and not (c.objectName() == "qt_spinbox_lineedit" and c.parent().accessibleName())
    ]
    assert sans_nom == [], sans_nom
    assert QApplication.instance() is not None


def test_une_base_qui_ne_s_ouvre_pas_propose_les_parametres(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from tests.gui.fenetre import demarrer

    donnees = tmp_path / "donnees"
    Preferences(database_url="mysql://serveur/examens").save(donnees / "parametres.json")
    dits: list[str] = []

    def choisir_modifier(boite: QMessageBox) -> int:
        dits.append(boite.text())
        boite.buttons()[0].click()  # « Modifier les paramètres… »
        return 0

    def corriger(d: ParametresDialog) -> int:
        assert d.onglets.currentIndex() == 3 and d.url.text() == "mysql://serveur/examens"
        d.url.clear()
        d._enregistrer()
        return d.result()

    monkeypatch.setattr(QMessageBox, "exec", choisir_modifier)
    monkeypatch.setattr(ParametresDialog, "exec", corriger)
    args = argparse.Namespace(data_dir=str(donnees), database_url=None, dossier_fichiers=None)
    _fenetre, espace = demarrer(qtbot, args)  # opened again once the settings are changed
    assert espace is not None
    try:
        assert "Adresse de base non prise en charge" in dits[0]
        assert Preferences.load(donnees / "parametres.json").database_url == ""
    finally:
        espace.close()


def test_un_plantage_de_la_session_precedente_est_dit_au_demarrage(
    qtbot: QtBot, espace: Espace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.app import dire_plantage_precedent

    (tmp_path / "journal").mkdir()
    (tmp_path / "journal" / journal.FENETRE).touch()  # that session had opened its window
    (tmp_path / "journal" / journal.PLANTAGES).write_text("Fatal Python error: Segmentation fault")
    journal.configurer(tmp_path / "journal")
    dits: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, texte: dits.append(texte))
    w = ouvrir(qtbot, espace)
    dire_plantage_precedent(w)
    assert "arrêtée brutalement" in dits[0] and str(journal.plantage_precedent()) in dits[0]
    # Qt aborted before any window (a library missing), on a brand-new folder: a failed start
    # is said, never a session « arrêtée brutalement ».
    (tmp_path / "journal" / journal.PLANTAGES).write_text("Fatal Python error: Aborted")
    journal.configurer(tmp_path / "journal")
    dire_plantage_precedent(w)
    assert "avant d'ouvrir sa fenêtre" in dits[1] and "brutalement" not in dits[1]


def test_la_fenetre_reprend_sa_taille_et_ses_separateurs(qtbot: QtBot, espace: Espace) -> None:
    w = ouvrir(qtbot, espace)
    taille = (w.minimumSizeHint().width(), 701)  # within the offscreen screen (800 × 800)
    w.resize(*taille)
    w.splitter.setSizes([250, w.splitter.width() - 250])
    attendu = w.splitter.sizes()
    w.close()
    w2 = ouvrir(qtbot, espace)
    assert (w2.width(), w2.height()) == taille
    assert w2.splitter.sizes() == attendu


def test_l_echeance_d_une_piece_est_celle_du_candidat(qtbot: QtBot) -> None:
    """A pièce awaiting a new file is due at the campaign's closing date, not at the end of
    its deposit window (services.echeances)."""
    import datetime as dt

    from desktop_app.models import Modalite, Statut
    from desktop_app.services.requetes import LignePiece
    from desktop_app.views.dossier import item_piece

    fin = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)  # shown in Paris time
    cloture = dt.datetime(2026, 12, 15, 12, 0, tzinfo=dt.UTC)

    def ligne(statut: Statut | None) -> LignePiece:
        return LignePiece(1, "CNI", "Pièce d'identité", "Identité", Modalite.EN_LIGNE, statut,
                          None, "", None, 1, 0, None, "", "", fin=fin)  # fmt: skip

    assert "01/11/2026" in item_piece(ligne(None), [], cloture).text(3)
    attente = item_piece(ligne(Statut.EN_ATTENTE_NOUVELLE_PJ), [], cloture).text(3)
    assert "15/12/2026" in attente


def test_chaque_lettre_alt_mene_a_une_seule_chose(qtbot: QtBot, espace_demo: Espace) -> None:
    """Alt+F opens Fichier, Alt+H Affichage: no mnemonic answers twice in a window, in the
    main window as in each tab of the follow-up window."""
    from tests.gui.mnemoniques import doublons

    espace = espace_demo  # the demo package, imported
    w = ouvrir(qtbot, espace)
    assert doublons(w) == {}
    suivi = w.ouvrir_suivi()
    assert suivi is not None
    qtbot.waitUntil(lambda: suivi.tache is None, timeout=30_000)
    for onglet in range(suivi.onglets.count()):
        suivi.onglets.setCurrentIndex(onglet)
        assert doublons(suivi) == {}, suivi.onglets.tabText(onglet)
    suivi.close()
    w.close()


def test_la_fenetre_demarre_sans_les_bibliotheques_des_documents_et_des_exports() -> None:
    """Start-up imports what the first window needs: MuPDF (letters, documents: in the
    workers), the XLSX writers and openpyxl, numpy, Pillow and the readers' engines are
    loaded when used. The follow-up window neither: MuPDF came with its letters' module and
    froze its first opening 0.14 s."""
    programme = (
        "import sys, desktop_app.app, desktop_app.cli, desktop_app.views.suivi; "
        "print(sorted(m for m in ('pymupdf', 'fitz', 'xlsxwriter', 'rustpy_xlsxwriter', "
        "'openpyxl', 'numpy', 'PIL', 'tesserocr', 'zxingcpp') if m in sys.modules))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    sortie = subprocess.run(
        [sys.executable, "-c", programme], capture_output=True, text=True, env=env, timeout=120
    )
    assert sortie.returncode == 0, sortie.stderr
    assert sortie.stdout.strip() == "[]"
