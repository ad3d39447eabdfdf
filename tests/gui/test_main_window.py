from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView, QTreeWidget
from pytestqt.qtbot import QtBot

from desktop_app.services.espace import Espace
from desktop_app.services.importer import importer_paquet
from desktop_app.services.recherche import normaliser
from desktop_app.views import campagne
from desktop_app.views.main_window import MainWindow
from tests.gui.fenetre import attendre_dossier, attendre_lecture, ouvrir
from tests.helpers import write_package


@pytest.fixture
def window(qtbot: QtBot, espace: Espace) -> MainWindow:
    return ouvrir(qtbot, espace)


def importer_et_attendre(qtbot: QtBot, w: MainWindow, paquet: Path) -> None:
    """Import from the window, as the menu does, and wait for the end of the work."""
    tache = w.importer(paquet)
    with qtbot.waitSignal(tache.finished, timeout=60_000):
        pass
    attendre_lecture(qtbot, w)


def table(w: MainWindow, name: str) -> QTableView:
    view = w.findChild(QTableView, name)
    assert view is not None
    return view


def cell(view: QTableView, row: int, column: int) -> str:
    return view.model().index(row, column).data()


def test_empty_database_says_what_to_do(window: MainWindow) -> None:
    label = window.findChild(QLabel, "etatVide")
    assert label is not None and label.isVisible()
    assert "Importez un paquet" in label.text()
    assert label.alignment() == Qt.AlignmentFlag.AlignCenter  # (set without the Qt namespace)
    assert not window.action_export.isEnabled()


def test_import_from_the_window_lists_candidatures_and_their_pieces(
    qtbot: QtBot, window: MainWindow, paquet_demo: Path
) -> None:
    importer_et_attendre(qtbot, window, paquet_demo)
    candidatures = table(window, "candidatureTable")
    assert candidatures.isVisible()
    assert candidatures.model().rowCount() == 40
    headers = [
        candidatures.model().headerData(c, Qt.Orientation.Horizontal)
        for c in range(candidatures.model().columnCount())
    ]
    assert headers[:5] == ["N° candidat", "Nom", "Prénoms", "Né(e) le", "Spécialité"]
    assert headers[5:] == [
        "État du dossier", "À voir", "Reçue", "Non conf.", "Conforme", "Att. PJ",
        "Att. contrôle", "Dernier dépôt",
    ]  # fmt: skip
    noms = [normaliser(f"{r.nom}\x1e{r.prenoms}") for r in candidatures.model().rows()]
    assert noms == sorted(noms)  # by name, as the sort indicator says
    assert candidatures.horizontalHeader().sortIndicatorSection() == 1
    assert "Baccalauréat professionnel" in window.titre.text()
    compteurs = window.findChild(QLabel, "compteurs")
    assert compteurs is not None and compteurs.text().startswith("40 candidatures · ")

    # The first row is selected: its pièces and identity are shown.
    arbre = window.findChild(QTreeWidget, "pieceTree")
    assert arbre is not None and arbre.topLevelItemCount() >= 2  # grouped by regroupement
    pieces = window.dossier.items_pieces()
    assert len(pieces) >= 3 and all(item.text(1) for item in pieces)  # each with its status
    premier = candidatures.model().row_at(0)
    assert premier.n_candidat in window.identite.text()

    # Another candidature, chosen with the keyboard.
    candidatures.setFocus()
    qtbot.keyClick(candidatures, Qt.Key.Key_Down)
    attendre_dossier(qtbot, window)
    second = candidatures.model().row_at(1)
    assert second.n_candidat in window.identite.text()

    # Sorting by a column, descending: the candidature shown stays the one selected.
    candidatures.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    numeros = [cell(candidatures, r, 0) for r in range(40)]
    assert numeros == sorted(numeros, reverse=True)
    selection = candidatures.selectionModel().selectedRows()
    assert [candidatures.model().row_at(i.row()).id for i in selection] == [second.id]
    assert candidatures.model().row_at(candidatures.currentIndex().row()).id == second.id
    # Filtered, then sorted by name: accents do not send "Élodie" after "Zoé".
    window.recherche.setText("b")
    candidatures.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    cles = [normaliser(f"{r.nom}\x1e{r.prenoms}") for r in candidatures.model().rows()]
    assert 0 < len(cles) < 40 and cles == sorted(cles)


def test_item_models_pass_qtmodeltester(
    qtmodeltester: object, window: MainWindow, espace: Espace, paquet_demo: Path
) -> None:
    importer_paquet(espace.db, espace.store, paquet_demo)
    window.recharger()
    qtmodeltester.check(window.candidatures)  # type: ignore[attr-defined]
    window.recherche.setText("a")  # filtered, then sorted: still a valid model
    window.candidature_view.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(window.candidatures)  # type: ignore[attr-defined]


def test_refused_rows_are_shown_after_an_import(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        campagne.RapportDialog,
        "open",
        lambda self: shown.append(self.findChild(object, "rapportDetails").toPlainText()),
    )
    root = write_package(
        tmp_path / "p",
        "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
        "01234567890;001;LEROY;Anaïs;01/02/2003\n",
        "n_candidat;n_inscription;code_piece\n01234567890;001;INCONNU\n",
    )
    importer_et_attendre(qtbot, window, root)
    assert shown == [
        "Refusé — pieces.csv:2: code de pièce « INCONNU » absent du catalogue "
        "de campagne.json : ligne ignorée"
    ]
    assert table(window, "candidatureTable").model().rowCount() == 1


def test_after_an_import_the_dossier_on_screen_opens_again_and_only_it(
    qtbot: QtBot, window: MainWindow, paquet_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The campaign read again (an import, a restore) puts back the dossier on screen: it
    is read once, not after the list's first one, and in the list's thread, not on the GUI
    thread (its dozen statements were the longest stall after an import)."""
    import threading

    from desktop_app.views import dossier
    from desktop_app.views.operations import TOUT

    importer_et_attendre(qtbot, window, paquet_demo)
    troisieme = window.candidatures.row_at(2).id
    window.liste.selectionner(troisieme)
    attendre_dossier(qtbot, window)
    attendu = dossier.lire_dossier  # as read on the GUI thread, the usual way
    with window.espace.db.read() as s:
        attendu_lu = attendu(s, troisieme)
    lectures: list[tuple[int, bool]] = []

    def espion(s: object, candidature_id: int) -> dossier.LuDuDossier:
        lectures.append((candidature_id, threading.current_thread() is threading.main_thread()))
        return attendu(s, candidature_id)

    monkeypatch.setattr(dossier, "lire_dossier", espion)
    window.annonces.annoncer(TOUT)
    attendre_lecture(qtbot, window)
    assert lectures == [(troisieme, False)] and window.candidature_id == troisieme
    assert window.liste.ligne_courante() == window.candidatures.ligne_de(troisieme)
    pieces = window.dossier.pieces_affichees()
    assert sorted(pieces, key=lambda p: p.id) == sorted(attendu_lu[1], key=lambda p: p.id)
    assert window.etat.piece == dossier.premiere_a_voir(attendu_lu[1])


def test_the_list_read_again_comes_sorted_from_its_thread_and_frees_the_previous_one(
    qtbot: QtBot, window: MainWindow, paquet_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an import the list is read again in a thread, in the order of the sort the
    gestionnaire chose: the thread sorts it, the window does not (sorting 300,000 rows held
    it 20-36 ms as the list came), and the order is the one the window gives on a click. The
    previous reading's own lists are emptied, not copied, to be freed; the rows the model
    gave out stay whole."""
    import threading

    from desktop_app.views import item_models
    from desktop_app.views.operations import TOUT

    importer_et_attendre(qtbot, window, paquet_demo)
    window.candidature_view.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # Né(e) le
    attendu = [r.id for r in window.candidatures.rows()]
    rangees = window.candidatures.toutes()
    avant = list(rangees)
    cles_de_recherche = window.candidatures._cles
    assert cles_de_recherche and window.candidatures.tri == (3, True)
    tris: list[bool] = []
    ordre_de = item_models.ordre_de

    def espion(*args: object) -> list[int]:
        tris.append(threading.current_thread() is threading.main_thread())
        return ordre_de(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(item_models, "ordre_de", espion)
    window.annonces.annoncer(TOUT)
    attendre_lecture(qtbot, window)
    assert tris == [False]  # sorted once, in the reading's thread
    assert [r.id for r in window.candidatures.rows()] == attendu
    window.candidature_view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert tris == [False, True]  # another column: sorted on the click, as before
    qtbot.waitUntil(lambda: window.candidatures._corbeille.vide, timeout=5000)
    assert cles_de_recherche == [] and rangees == avant


def test_a_dossier_chosen_as_the_list_appears_is_not_replaced_by_the_one_on_screen(
    qtbot: QtBot, window: MainWindow, paquet_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read in a thread, the list is shown first and its dossier opened at the next turn of
    the event loop: a row the gestionnaire clicks in between is the dossier that stays."""
    from desktop_app.views.operations import TOUT

    importer_et_attendre(qtbot, window, paquet_demo)
    window.liste.selectionner(window.candidatures.row_at(2).id)
    attendre_dossier(qtbot, window)
    montrer = MainWindow._montrer_campagne

    def puis_un_clic(w: MainWindow, *lu: object) -> None:
        montrer(w, *lu)  # type: ignore[arg-type]
        assert w.lecture_en_cours and w.candidature_id is None  # no dossier opened yet
        w.candidature_view.selectRow(5)

    monkeypatch.setattr(MainWindow, "_montrer_campagne", puis_un_clic)
    window.annonces.annoncer(TOUT)
    attendre_lecture(qtbot, window)
    assert window.candidature_id == window.candidatures.row_at(5).id


def test_a_dossier_chosen_while_the_campaign_is_read_again_is_the_one_the_new_list_opens(
    qtbot: QtBot, window: MainWindow, paquet_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dossier chosen while the campaign is read again (after an import) is itself read in a
    thread; when the new list lands before it, that dossier is the one the new list selects
    and shows, not the one on screen when the reading began."""
    from desktop_app.views.operations import TOUT

    importer_et_attendre(qtbot, window, paquet_demo)
    window.liste.selectionner(window.candidatures.row_at(2).id)
    attendre_dossier(qtbot, window)
    choisie = window.candidatures.row_at(5).id
    fin = MainWindow._fin_de_lecture

    def puis_un_clic(w: MainWindow) -> None:
        fin(w)
        if w.candidature_id != choisie:
            w.liste.selectionner(choisie)  # read in a thread: not landed yet
            assert w.dossier.relecture_en_cours

    monkeypatch.setattr(MainWindow, "_fin_de_lecture", puis_un_clic)
    window.annonces.annoncer(TOUT)
    attendre_lecture(qtbot, window)
    assert window.candidature_id == choisie
    assert window.candidatures.row_at(window.liste.ligne_courante()).id == choisie


def test_an_unusable_package_is_refused_with_a_french_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(
        campagne.QMessageBox,
        "warning",
        lambda _parent, title, text: warnings.append(f"{title} : {text}"),
    )
    (tmp_path / "vide").mkdir()
    importer_et_attendre(qtbot, window, tmp_path / "vide")
    assert warnings == ["Paquet refusé : vide : campagne.json introuvable dans ce dossier"]


def test_menu_actions_show_their_shortcuts(window: MainWindow) -> None:
    actions = {a.objectName(): a for a in window.findChildren(type(window.action_export))}
    assert actions["actionImporterZip"].shortcut().toString() == "Ctrl+I"
    assert actions["actionExporter"].shortcut().toString() == "Ctrl+E"
    assert "Ctrl+E" in actions["actionExporter"].toolTip()


def test_demo_is_built_from_the_window_with_progress(qtbot: QtBot, window: MainWindow) -> None:
    from desktop_app.app import lancer_demo

    tache = lancer_demo(window, 12)
    assert "Création de la campagne de démonstration" in window.vide.text()
    with qtbot.waitSignal(tache.finished, timeout=120_000):
        pass
    assert table(window, "candidatureTable").model().rowCount() == 12
    assert window.vide.text() == MainWindow.ETAT_VIDE


def test_the_window_waits_for_running_work_before_closing(
    qtbot: QtBot, window: MainWindow, paquet_demo: Path
) -> None:
    tache = window.importer(paquet_demo)
    window.close()
    assert window.isVisible()  # refused: the import's thread is still writing
    assert "Un traitement est en cours" in window.statusBar().currentMessage()
    with qtbot.waitSignal(tache.finished, timeout=60_000):
        pass
    window.close()
    assert not window.isVisible()


def test_the_campaign_read_is_kept_out_of_the_collectors_sight(
    qtbot: QtBot, window: MainWindow, paquet_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list read (every candidature) is built without a collection and then frozen, so
    that no full collection walks it with the window stopped; collections resume after, even
    when the reading fails."""
    import gc

    from desktop_app.views import item_models, main_window

    gc.unfreeze()
    importer_et_attendre(qtbot, window, paquet_demo)
    assert gc.isenabled()
    lignes = window.candidatures.toutes()
    assert len(lignes) == 40 and gc.get_freeze_count() > 0
    pendant: list[bool] = []

    def preparer(*args: object) -> object:
        pendant.append(gc.isenabled())
        raise OSError("disque arraché")

    monkeypatch.setattr(item_models, "preparer_liste", preparer)  # (imported when reading)
    monkeypatch.setattr(main_window.QMessageBox, "warning", lambda *a, **k: None)
    window.recharger(en_fond=True)
    attendre_lecture(qtbot, window)
    assert pendant == [False] and gc.isenabled()
    gc.unfreeze()


def test_two_readings_at_once_give_the_collector_back_when_the_last_ends() -> None:
    """The follow-up's worklists and the campaign's list can be built at the same time (an
    import while the follow-up computes): the collector stays off until both are built, then
    what they built is frozen and collections resume."""
    import gc
    import threading

    from desktop_app.views.taches import hors_du_ramasse_miettes

    gc.unfreeze()
    premiere_dedans, seconde_finie, premiere_finie = (threading.Event() for _ in range(3))
    etats: list[bool] = []

    def premiere() -> None:
        with hors_du_ramasse_miettes():
            premiere_dedans.set()
            seconde_finie.wait(10)
            etats.append(gc.isenabled())  # the other one ended: still off for this one
            gardes.append([object() for _ in range(1000)])
        premiere_finie.set()

    gardes: list[object] = []
    fil = threading.Thread(target=premiere)
    fil.start()
    premiere_dedans.wait(10)
    with hors_du_ramasse_miettes():
        etats.append(gc.isenabled())
    etats.append(gc.isenabled())  # this one ended, the first has not
    seconde_finie.set()
    premiere_finie.wait(10)
    fil.join()
    assert etats == [False, False, False]
    assert gc.isenabled() and gc.get_freeze_count() > 1000
    gc.unfreeze()


def test_the_rows_of_a_previous_reading_are_freed_a_slice_at_a_time(qtbot: QtBot) -> None:
    """After an import the window reads the campaign again: the previous rows are not freed
    at once (a million objects at 100,000 candidatures held the window 60-110 ms) but a
    slice per turn of the event loop; a list someone still holds keeps its rows, whole."""
    import weakref

    from PySide6.QtCore import QObject

    from desktop_app.views.item_models import Corbeille

    class Ligne:
        pass

    parent = QObject()
    corbeille = Corbeille(parent)
    lignes = [Ligne() for _ in range(3 * Corbeille.TRANCHE + 7)]
    tenue = [Ligne() for _ in range(10)]
    vivantes = [weakref.ref(ligne) for ligne in lignes]
    corbeille.jeter(lignes, {1: tenue, 2: [Ligne()]}, None)
    ordre = list(range(Corbeille.TRANCHE + 1))  # a model's own cache: emptied, not copied
    corbeille.jeter({(0, False): ordre}, propres=True)
    del lignes
    assert all(ref() is not None for ref in vivantes)  # nothing freed by the call itself
    qtbot.waitUntil(lambda: corbeille.vide, timeout=5000)
    assert all(ref() is None for ref in vivantes)
    assert len(tenue) == 10 and all(isinstance(ligne, Ligne) for ligne in tenue)
    assert ordre == []


def test_at_start_the_first_screen_comes_first_then_the_whole_list_keeps_the_open_dossier(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At start the first candidatures are listed and the first dossier opened before the
    others are read (25 ms instead of 0.6 s at 100,000); the search, the filters and the sorts
    wait for the whole list. When it comes the dossier on screen stays, not opened again, and
    a decision taken meanwhile shows in its row even if the whole list was read before it."""
    from desktop_app.models import Statut
    from desktop_app.services.requetes import campagnes, lister_candidatures
    from desktop_app.views.item_models import preparer_liste

    espace = espace_demo  # the demo package, imported
    espace.preferences.gestionnaire = "Marc VERNET"
    with espace.db.read() as s:
        campagne_id = campagnes(s)[0].id
        toutes = lister_candidatures(s, campagne_id)
        assert lister_candidatures(s, campagne_id, 10) == toutes[:10]
    completer = MainWindow._completer
    arrets: list[tuple[object, ...]] = []
    monkeypatch.setattr(MainWindow, "_completer", lambda w, *a: arrets.append((w, *a)))
    w = MainWindow(espace)
    qtbot.addWidget(w)
    w.show()
    w.recharger(en_fond=True, premiers=10)
    qtbot.waitUntil(lambda: bool(arrets), timeout=30_000)
    # The first screen: its first dossier open, the rest not read yet.
    attendre_dossier(qtbot, w)
    assert w.candidatures.rowCount() == 10 and w.lecture_en_cours
    premiere = w.candidature_id
    assert premiere == toutes[0].id and w.piece is not None
    assert not w.liste.recherche.isEnabled() and not w.liste.filtre.isEnabled()
    assert not w.candidature_view.horizontalHeader().sectionsClickable()
    assert "premières candidatures" in w.liste.nombre.text()
    # The whole list read now, then a decision on the dossier open: the list read before it.
    with espace.db.read() as s:
        ancienne = preparer_liste(lister_candidatures(s, campagne_id), False)
    avant = w.candidatures.row_at(0).compteurs
    w.decider(Statut.RECUE)
    qtbot.waitUntil(lambda: w.candidatures.row_at(0).compteurs != avant, timeout=10_000)
    choisies: list[object] = []
    w.liste.candidatureChoisie.connect(choisies.append)
    w.liste.completer(ancienne)
    assert w.candidatures.rowCount() == len(toutes) and w.candidature_id == premiere
    assert w.liste.ligne_courante() == 0 and choisies == []  # selected, not opened again
    qtbot.waitUntil(lambda: w.candidatures.row_at(0).compteurs != avant, timeout=10_000)
    assert (
        w.liste.recherche.isEnabled() and w.candidature_view.horizontalHeader().sectionsClickable()
    )
    assert "premières" not in w.liste.nombre.text()
    # And the window's own way: the reading of the whole list ends the reading under way.
    fenetre, *arguments = arrets[0]
    completer(fenetre, *arguments)  # type: ignore[arg-type]
    attendre_lecture(qtbot, w)
    assert w.candidatures.rowCount() == len(toutes) and w.candidature_id == premiere
    w.close()
