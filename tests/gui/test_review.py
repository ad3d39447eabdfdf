"""A gestionnaire's session in the review workspace, from the keyboard."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.models import Decision, Piece, Statut, libelle_statut
from desktop_app.models.database import TourDEcriture
from desktop_app.services.espace import Espace, ouvrir_espace
from desktop_app.services.importer import importer_paquet
from desktop_app.services.regles import EtatDossier
from desktop_app.services.requetes import STATUTS_COMPTES, LignePiece, ligne_candidature
from desktop_app.views.dossier import ROLE_PIECE
from desktop_app.views.main_window import MainWindow
from tests.gui.fenetre import (
    attendre_dossier,
    base_tenue_en_fond,
    lacher_dans_la_boucle,
    ouvrir,
)


def touche(
    qtbot: QtBot,
    w: MainWindow,
    key: Qt.Key,
    mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    cible = QApplication.focusWidget() or w
    qtbot.keyClick(cible, key, mod)


def attendre_affichage(qtbot: QtBot, w: MainWindow) -> None:
    """The pièce's file has been painted (Conforme requires it)."""
    qtbot.waitUntil(lambda: not w.depots.get(w.piece.id) or all(  # type: ignore[union-attr]
        d.id in w.etat.vus for d in w.depots[w.piece.id] if d.courant), timeout=20_000)  # type: ignore[union-attr]  # fmt: skip


def test_a_dossier_checked_from_the_keyboard_survives_a_restart(
    qtbot: QtBot, tmp_path: Path, donnees_demo: Path
) -> None:
    espace = ouvrir_espace(tmp_path / "donnees")
    espace.preferences.gestionnaire = "Claire FAYOLLE"
    w = ouvrir(qtbot, espace)

    # Search as you type, insensitive to case and accents.
    w.liste.chercher()
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    premiere = w.candidatures.toutes()[0]
    sans_accents = premiere.prenoms.lower().translate(
        str.maketrans("éèêëïîôöüûàâç", "eeeeiioouuaac")
    )
    qtbot.keyClicks(w.recherche, f"{premiere.nom.lower()} {sans_accents}")
    assert 1 <= w.candidatures.rowCount() < len(w.candidatures.toutes())
    assert all(r.nom == premiere.nom for r in w.candidatures.rows())
    w.recherche.clear()
    assert w.candidatures.rowCount() == len(w.candidatures.toutes())

    # A dossier whose recevable files all await a decision.
    def candidate() -> int:
        for row in range(w.candidatures.rowCount()):
            w.candidature_view.selectRow(row)
            attendre_dossier(qtbot, w)
            pieces = [w.arbre.topLevelItem(i).child(j).data(0, Qt.ItemDataRole.UserRole)
                      for i in range(w.arbre.topLevelItemCount())
                      for j in range(w.arbre.topLevelItem(i).childCount())]  # fmt: skip
            if len(pieces) >= 3 and all(
                p.statut is None and p.fichiers and not p.non_recevables for p in pieces
            ):
                return row
        raise AssertionError("aucun dossier de démonstration tout à contrôler")

    row = candidate()
    candidature_id = w.candidature_id
    w.candidature_view.selectRow(row)
    attendre_dossier(qtbot, w)
    w.arbre.setFocus()
    pieces = [item.data(0, Qt.ItemDataRole.UserRole) for item in w.dossier.items_pieces()]
    assert w.piece is not None and w.piece.id == pieces[0].id

    # C before the file is on screen is refused in words; once shown, C saves and moves on.
    assert not w.etat.fichiers_vus(w.piece)  # no event processed yet: nothing painted
    touche(qtbot, w, Qt.Key.Key_C)
    assert "Enregistré" not in w.panneau.etat.text()
    assert "Affichez le fichier" in w.panneau.etat.text()
    assert w.piece.id == pieces[0].id and w.piece.statut is None
    attendre_affichage(qtbot, w)
    touche(qtbot, w, Qt.Key.Key_C)
    assert "Enregistré" in w.panneau.etat.text()
    assert w.piece.id == pieces[1].id
    # N asks for the reasons; Space checks the first one; Ctrl+Enter saves.
    touche(qtbot, w, Qt.Key.Key_N)
    assert w.panneau.motifs.hasFocus()
    touche(qtbot, w, Qt.Key.Key_Space)
    assert w.panneau.commentaire.toPlainText() == "Pièce illisible."
    touche(qtbot, w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Enregistré" in w.panneau.etat.text()
    assert w.piece.id == pieces[2].id
    # R: received today; then Ctrl+Z undoes it, and the pièce is back to no status.
    touche(qtbot, w, Qt.Key.Key_R)
    touche(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    attendre_dossier(qtbot, w)  # the undone pièce's dossier, read in a thread
    assert w.piece.id == pieces[2].id and w.piece.statut is None
    assert "décision annulée, la pièce est revenue à « Aucun statut »" in w.panneau.etat.text()
    touche(qtbot, w, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: not w.liste.lignes_en_lecture)  # its row, read in a thread
    ligne = w.candidatures.row_at(w.candidatures.ligne_de(candidature_id))  # type: ignore[arg-type]
    assert (ligne.conformes, ligne.non_conformes) == (1, 1)
    assert w.candidatures.etat(ligne) in (EtatDossier.A_CONTROLER, EtatDossier.ATTENTE_CANDIDAT)

    # Killed right after: nothing to flush, every decision is already committed.
    w.close()
    espace.close()
    espace = ouvrir_espace(tmp_path / "donnees")
    with espace.db.read() as s:
        statuts = {p.id: (p.statut, p.commentaire) for p in s.scalars(
            select(Piece).where(Piece.id.in_([p.id for p in pieces[:3]])))}  # fmt: skip
        auteurs = set(s.scalars(select(Decision.gestionnaire).where(
            Decision.piece_id.in_([p.id for p in pieces[:3]]))))  # fmt: skip
    assert statuts[pieces[0].id] == (Statut.CONFORME, "")
    assert statuts[pieces[1].id] == (Statut.NON_CONFORME, "Pièce illisible.")
    assert statuts[pieces[2].id][0] == Statut.RECUE
    assert auteurs == {"Claire FAYOLLE"}
    w = ouvrir(qtbot, espace)
    w.aller_a(candidature_id, pieces[1].id)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: "Pièce illisible" in w.panneau.historique.toPlainText())  # (a thread)
    assert "Claire FAYOLLE" in w.panneau.historique.toPlainText()
    w.close()
    espace.close()


def test_conforme_is_refused_before_the_file_is_seen_and_on_a_non_recevable_file(
    qtbot: QtBot, espace_demo: Espace
) -> None:
    espace = espace_demo  # the demo package, imported
    espace.preferences.gestionnaire = "Marc VERNET"
    w = ouvrir(qtbot, espace)
    with espace.db.read() as s:
        avant = len(s.scalars(select(Decision.id)).all())
    w.viewer.documentAffiche.disconnect()  # as if never painted
    w.etat.vus.clear()
    w.decider(Statut.CONFORME)
    assert "Affichez le fichier" in w.panneau.etat.text()
    with espace.db.read() as s:
        assert len(s.scalars(select(Decision.id)).all()) == avant  # nothing written
    # A candidature with a non recevable file: the filter finds it, Conforme is refused.
    index = next(i for i in range(w.filtre.count()) if "non recevable" in w.filtre.itemText(i))
    w.filtre.setCurrentIndex(index)
    assert w.candidatures.rowCount() >= 1
    w.candidature_view.selectRow(0)
    attendre_dossier(qtbot, w)
    for item in w.dossier.items_pieces():
        if item.data(0, Qt.ItemDataRole.UserRole).non_recevables:
            w.arbre.setCurrentItem(item)
            break
    w.etat.vus.update(d.id for d in w.depots[w.piece.id])  # type: ignore[union-attr]
    w.decider(Statut.CONFORME)
    assert "non recevable" in w.panneau.etat.text()
    w.close()


def test_a_dossier_chosen_in_the_list_is_read_in_a_thread_and_the_next_key_acts_on_it(
    qtbot: QtBot, espace_demo: Espace
) -> None:
    """Shift+J opens the next dossier without reading it on the GUI thread (the window keeps
    painting); a key pressed before that reading ends waits for it, and acts on the dossier
    chosen, on its first pièce to check, in the order the keys were pressed."""
    w = ouvrir(qtbot, espace_demo)
    attendus: list[int] = []
    for row in range(1, w.candidatures.rowCount()):  # a dossier where J has a pièce to go to
        w.candidature_view.selectRow(row)
        attendre_dossier(qtbot, w)
        pieces = w.dossier.pieces_affichees()
        assert w.piece is not None
        rang = [p.id for p in pieces].index(w.piece.id)
        if rang + 1 < len(pieces):
            attendus = [w.piece.id, pieces[rang + 1].id]
            break
    else:
        raise AssertionError("aucun dossier de démonstration où J mène à une autre pièce")
    choisie = w.candidature_id
    w.candidature_view.selectRow(row - 1)
    attendre_dossier(qtbot, w)
    precedente = w.candidature_id
    w.arbre.setFocus()
    montrees: list[int] = []
    w.etat.pieceChangee.connect(lambda: montrees.append(w.piece.id))  # type: ignore[union-attr]

    touche(qtbot, w, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)  # Dossier suivant
    assert w.dossier.relecture_en_cours  # read in a thread: the previous one still on screen
    assert w.candidature_id == precedente and montrees == []
    touche(qtbot, w, Qt.Key.Key_J)  # waits for that reading, then the next pièce of it
    assert not w.dossier.relecture_en_cours and w.candidature_id == choisie
    assert montrees == attendus
    assert w.liste.ligne_courante() == row
    w.close()


def test_a_dossier_left_before_its_readings_turn_is_not_read(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gestionnaire goes down the list faster than the readings: a dossier left before
    its reading's turn came is not read at all (taches.LectureCourte.abandonner), only the
    one chosen last."""
    from desktop_app.views import dossier
    from desktop_app.views.taches import A_L_ECRAN, LECTURES_COURTES, LectureCourte

    w = ouvrir(qtbot, espace_demo)
    attendre_dossier(qtbot, w)
    lectures: list[int] = []
    lire_dossier = dossier.lire_dossier

    def espion(s: object, candidature_id: int) -> dossier.LuDuDossier:
        lectures.append(candidature_id)
        return lire_dossier(s, candidature_id)  # type: ignore[arg-type]

    monkeypatch.setattr(dossier, "lire_dossier", espion)
    tenu, dedans = threading.Event(), threading.Event()
    LECTURES_COURTES.confier(LectureCourte(lambda: (dedans.set(), tenu.wait(10)), A_L_ECRAN, None))
    assert dedans.wait(10)  # the lane is busy: the dossiers' readings wait for their turn
    w.candidature_view.selectRow(1)
    w.candidature_view.selectRow(2)
    derniere = w.candidatures.row_at(2).id
    tenu.set()
    attendre_dossier(qtbot, w)
    assert lectures == [derniere] and w.candidature_id == derniere
    w.close()


def test_y_aller_opens_the_other_dossier_on_its_piece_read_in_a_thread(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """« y aller » (a file deposited elsewhere; a decision undone too) opens that dossier on
    that pièce without reading it on the GUI thread; a key pressed before the reading ends
    waits for it and acts there."""
    from desktop_app.views import dossier

    w = ouvrir(qtbot, espace_demo)
    w.candidature_view.selectRow(2)
    attendre_dossier(qtbot, w)
    cible = w.candidature_id
    pieces = w.dossier.pieces_affichees()
    assert cible is not None and len(pieces) >= 3
    voulue, avant = pieces[-1], pieces[-2]  # not the pièce it opens on by itself
    w.candidature_view.selectRow(0)
    attendre_dossier(qtbot, w)
    depart = w.candidature_id
    w.arbre.setFocus()
    lectures: list[tuple[int, bool]] = []
    lire_dossier = dossier.lire_dossier

    def espion(s: object, candidature_id: int) -> dossier.LuDuDossier:
        lectures.append((candidature_id, threading.current_thread() is threading.main_thread()))
        return lire_dossier(s, candidature_id)  # type: ignore[arg-type]

    monkeypatch.setattr(dossier, "lire_dossier", espion)
    montrees: list[int] = []
    w.etat.pieceChangee.connect(lambda: montrees.append(w.piece.id))  # type: ignore[union-attr]
    w.panneau.allerA.emit(cible, voulue.id)  # the link « y aller »
    assert w.dossier.relecture_en_cours and w.candidature_id == depart and montrees == []
    touche(qtbot, w, Qt.Key.Key_K)  # waits for that reading, then the pièce before it
    assert w.candidature_id == cible and montrees == [voulue.id, avant.id]
    assert lectures == [(cible, False)]
    assert w.liste.ligne_courante() == 2
    w.close()


def test_a_rows_readings_after_decisions_never_land_older_than_the_last_decision(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a decision its row is read again in a thread. A second decision while the first
    reading is slow does not start a reading beside it (which could land first, then be
    overwritten by the older one): it is read once the first has landed."""
    from desktop_app.views import liste

    w = ouvrir(qtbot, espace_demo)
    w.revue.gestionnaire = lambda: "Claire FAYOLLE"  # type: ignore[method-assign]
    lectures: list[str] = []

    def lente(s: object, i: int) -> object:
        if threading.current_thread() is not threading.main_thread() and not lectures:
            lectures.append("lente")
            time.sleep(0.4)  # the first reading is still at work when the second decision comes
        return ligne_candidature(s, i)  # type: ignore[arg-type]

    monkeypatch.setattr(liste, "ligne_candidature", lente)
    candidature_id = w.candidature_id
    assert candidature_id is not None and len(w.dossier.pieces_affichees()) >= 2
    w.decider(Statut.RECUE)
    assert "Enregistré" in w.panneau.etat.text() and w.liste.lignes_en_lecture
    w.decider(Statut.RECUE)
    assert "Enregistré" in w.panneau.etat.text()
    qtbot.waitUntil(lambda: not w.liste.lignes_en_lecture, timeout=10_000)
    with espace_demo.db.read() as s:
        en_base = ligne_candidature(s, candidature_id)
    assert en_base is not None and en_base.compteurs[STATUTS_COMPTES.index(Statut.RECUE)] >= 2
    assert w.candidatures.row_at(w.candidatures.ligne_de(candidature_id)) == en_base
    w.close()


def test_after_a_decision_the_dossier_is_read_in_a_thread_and_the_next_key_waits_for_it(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window does not read the dossier again before the next pièce comes: that reading
    runs in a thread, and the pièce on screen, unchanged, is not shown a second time. A key
    pressed before it ends waits for it: back on the pièce just decided, it is seen as
    decided, and a new decision on it is no colleague's conflict."""
    from PySide6.QtWidgets import QMessageBox

    espace = espace_demo  # the demo package, imported
    espace.preferences.gestionnaire = "Claire FAYOLLE"
    w = ouvrir(qtbot, espace)
    monkeypatch.setattr(QMessageBox, "exec", lambda boite: pytest.fail(boite.text()))
    for row in range(w.candidatures.rowCount()):
        w.candidature_view.selectRow(row)
        attendre_dossier(qtbot, w)
        pieces = w.dossier.pieces_affichees()
        if len(pieces) >= 2 and all(p.statut is None and p.fichiers and not p.non_recevables
                                    for p in pieces[:2]):  # fmt: skip
            break
    else:
        raise AssertionError("aucun dossier de démonstration à deux pièces à contrôler")
    w.dossier.ouvrir(w.candidature_id, pieces[0].id)
    w.dossier.finir()
    w.arbre.setFocus()
    attendre_affichage(qtbot, w)
    montrees: list[int] = []
    w.etat.pieceChangee.connect(lambda: montrees.append(w.piece.id))  # type: ignore[union-attr]
    lignes = w.dossier.items_pieces()

    touche(qtbot, w, Qt.Key.Key_C)
    assert "Enregistré" in w.panneau.etat.text()
    assert w.dossier.relecture_en_cours and montrees == [pieces[1].id]
    touche(qtbot, w, Qt.Key.Key_K)  # waits for the reading: the pièce is read as decided
    assert not w.dossier.relecture_en_cours
    assert montrees == [pieces[1].id, pieces[0].id]
    assert w.piece is not None and w.piece.statut == Statut.CONFORME
    # The rows on screen took the values read again, in place (the tree was not rebuilt).
    apres = w.dossier.items_pieces()
    assert len(apres) == len(lignes) and all(a is b for a, b in zip(apres, lignes, strict=True))
    assert lignes[0].text(1) == libelle_statut(Statut.CONFORME)
    assert lignes[0].data(0, ROLE_PIECE).statut == Statut.CONFORME
    touche(qtbot, w, Qt.Key.Key_0)  # « Aucun statut »: written on the pièce as it now is
    assert "Enregistré" in w.panneau.etat.text()
    qtbot.waitUntil(lambda: not w.dossier.relecture_en_cours)
    assert w.piece.id == pieces[0].id and w.piece.statut is None  # read again: touched
    with espace.db.read() as s:
        assert s.get(Piece, pieces[0].id).statut is None  # type: ignore[union-attr]
    w.close()


def test_the_readings_after_decisions_run_one_at_a_time(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a decision the window reads its dossier, the next pièce's history, its row of
    the list, the file to prefetch: in threads, but one at a time (side by side they took
    Python's lock from the window's thread in turn)."""
    espace_demo.preferences.gestionnaire = "Claire FAYOLLE"
    w = ouvrir(qtbot, espace_demo)
    w.lecteur.arreter()  # (the campaign's files, read meanwhile, are not what is looked at)
    attendre_affichage(qtbot, w)
    verrou = threading.Lock()
    en_cours, lectures, ensemble = [0], [0], [0]  # under way, in all, at most at once
    lire = espace_demo.lire

    def compter(f: object) -> object:
        if threading.current_thread() is threading.main_thread():
            return lire(f)  # type: ignore[arg-type]
        with verrou:
            en_cours[0] += 1
            lectures[0] += 1
            ensemble[0] = max(ensemble[0], en_cours[0])
        try:
            time.sleep(0.005)  # long enough for readings side by side to be seen so
            return lire(f)  # type: ignore[arg-type]
        finally:
            with verrou:
                en_cours[0] -= 1

    monkeypatch.setattr(espace_demo, "lire", compter)
    for _ in range(3):
        touche(qtbot, w, Qt.Key.Key_R)  # Reçue, then the next pièce
        assert "Enregistré" in w.panneau.etat.text()
    qtbot.waitUntil(lambda: not w.dossier.relecture_en_cours and not w.liste.lignes_en_lecture)
    qtbot.wait(200)
    assert lectures[0] >= 6 and ensemble[0] == 1, (lectures, ensemble)  # (dossier, history ×3)
    w.close()


def test_short_readings_take_their_turn_the_most_urgent_first(qtbot: QtBot) -> None:
    """The window's short readings (taches.Couloir): one at a time; the dossier a key waits
    for before what is on screen, that before what comes next; in the order asked within a
    priority; one abandoned before its turn is not run, but its end still comes."""
    from desktop_app.views.taches import A_L_AVANCE, A_L_ECRAN, DOSSIER, Couloir, LectureCourte

    couloir = Couloir()
    tenu, dedans = threading.Event(), threading.Event()
    ordre: list[str] = []
    en_cours, ensemble = [0], [0]

    def lecture(nom: str, priorite: int, attendre: threading.Event | None = None) -> LectureCourte:
        def travail() -> str:
            en_cours[0] += 1
            ensemble[0] = max(ensemble[0], en_cours[0])
            dedans.set()
            if attendre is not None:
                attendre.wait(10)
            ordre.append(nom)
            en_cours[0] -= 1
            return nom

        return LectureCourte(travail, priorite, None)

    lectures = [lecture("tenue", A_L_ECRAN, tenu)]
    couloir.confier(lectures[0])
    assert dedans.wait(10)
    for nom, priorite in (("avance 1", A_L_AVANCE), ("écran", A_L_ECRAN), ("abandonnée", DOSSIER),
                          ("avance 2", A_L_AVANCE), ("dossier", DOSSIER)):  # fmt: skip
        lectures.append(lecture(nom, priorite))
        couloir.confier(lectures[-1])
    assert couloir.en_attente == 5
    lectures[3].abandonner()
    resultats: list[object] = []
    fins: list[str] = []
    for x in lectures:
        x.succeeded.connect(resultats.append)
        x.finished.connect(lambda x=x: fins.append(x))
    tenu.set()
    for x in lectures:
        x.wait()
    assert ordre == ["tenue", "dossier", "écran", "avance 1", "avance 2"]
    assert ensemble[0] == 1
    assert [x.resultat for x in lectures] == ["tenue", "avance 1", "écran", None, "avance 2",
                                              "dossier"]  # fmt: skip
    qtbot.waitUntil(lambda: len(fins) == 6)  # the abandoned one's end too (queued: same thread)
    assert sorted(map(str, resultats)) == sorted(ordre)
    couloir.vider()
    assert couloir.en_attente == 0


def test_the_lane_serves_on_after_a_reading_ends_in_an_unexpected_error(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """An error out of a reading's end (not its work's: that one is signalled) is logged, and
    the lane's thread serves the next readings: otherwise no short reading would run again
    and the window, closing, would wait forever for those left in the lane."""
    from desktop_app.views.taches import A_L_ECRAN, Couloir, LectureCourte

    class Cassee(LectureCourte):
        def _executer(self) -> None:
            super()._executer()
            raise ValueError("signal perdu")

    couloir = Couloir()
    cassee = Cassee(lambda: "cassée", A_L_ECRAN, None)
    suivante = LectureCourte(lambda: "suivante", A_L_ECRAN, None)
    couloir.confier(cassee)
    couloir.confier(suivante)
    qtbot.waitUntil(lambda: suivante.resultat == "suivante")
    assert cassee.resultat == "cassée"
    couloir.vider()
    assert "Lecture courte interrompue" in caplog.text


def decision_a_prendre(
    qtbot: QtBot, espace: Espace
) -> tuple[MainWindow, LignePiece, TourDEcriture]:
    """The window on the demo, its first pièce's file shown: ready for a decision."""
    espace.preferences.gestionnaire = "Claire FAYOLLE"
    w = ouvrir(qtbot, espace)
    attendre_affichage(qtbot, w)
    tour = espace.db.tour
    assert w.piece is not None and tour is not None
    return w, w.piece, tour


def test_a_decision_behind_a_background_writer_leaves_the_window_painting_and_goes_first(
    qtbot: QtBot, espace_demo: Espace
) -> None:
    """A decision whose write waits (a background writer holds the base: 100-300 ms seen in
    bench_fluidite) is written in a thread while the window's timers and paints run, with
    the window's turn (ahead of the background writers, which are told to give way); when
    ``decider`` returns it is committed and said « Enregistré », as before."""
    espace = espace_demo  # the demo package, imported
    w, piece, tour = decision_a_prendre(qtbot, espace)
    fond, lache = base_tenue_en_fond(tour)
    vu_pendant = lacher_dans_la_boucle(tour, lache)
    w.decider(Statut.CONFORME)
    fond.join()
    # On the window's thread, the write waited for the turn and the timer could not run:
    # the turn timed out and the decision failed.
    assert vu_pendant == [True]
    assert "Enregistré" in w.panneau.etat.text()
    with espace.db.read() as s:
        assert s.get(Piece, piece.id).statut == Statut.CONFORME  # type: ignore[union-attr]
    w.close()


def test_the_window_closed_while_a_decision_is_written_closes_once_it_is_committed(
    qtbot: QtBot, espace_demo: Espace
) -> None:
    """The close request that reaches the window during a decision's write (the window
    manager's, which the keys' hold does not stop) waits for it: the decision is committed,
    then the window closes."""
    from PySide6.QtCore import QTimer

    espace = espace_demo  # the demo package, imported
    w, piece, tour = decision_a_prendre(qtbot, espace)
    fond, lache = base_tenue_en_fond(tour)
    QTimer.singleShot(100, w.close)  # closing waits for every thread: this one first
    QTimer.singleShot(300, lache.set)
    w.decider(Statut.CONFORME)
    fond.join()
    assert "Enregistré" in w.panneau.etat.text()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=5_000)
    with espace.db.read() as s:
        assert s.get(Piece, piece.id).statut == Statut.CONFORME  # type: ignore[union-attr]


@pytest.mark.parametrize("action", ["rotation", "conforme en lot"])
def test_the_windows_other_short_writes_behind_a_background_writer_leave_it_painting(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    """A rotation remembered (R) and « Conforme en lot » are written as a decision is: in a
    thread, with the window's turn, its timers and paints running; committed when the action
    returns."""
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.models import Depot

    espace = espace_demo  # the demo package, imported
    w, piece, tour = decision_a_prendre(qtbot, espace)
    depot = next(d for d in w.depots[piece.id] if d.courant)
    monkeypatch.setattr("desktop_app.views.revue.QMessageBox.question",
                        lambda *_: QMessageBox.StandardButton.Yes)  # fmt: skip
    echecs: list[str] = []  # a failed rotation's dialog (the write's turn timed out)
    monkeypatch.setattr("desktop_app.views.operations.QMessageBox.warning",
                        lambda _parent, _titre, message: echecs.append(message))  # fmt: skip
    fond, lache = base_tenue_en_fond(tour)
    vu_pendant = lacher_dans_la_boucle(tour, lache)
    if action == "rotation":
        w.viewer.action_droite.trigger()
    else:
        w.revue.conformes_affichees()
    fond.join()
    assert vu_pendant == [True] and echecs == []
    with espace.db.read() as s:
        if action == "rotation":
            assert s.get(Depot, depot.id).rotation_affichage == 90  # type: ignore[union-attr]
        else:
            assert s.get(Piece, piece.id).statut == Statut.CONFORME  # type: ignore[union-attr]
    w.close()


def test_a_failed_commit_keeps_the_decision_for_a_retry(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    espace = espace_demo  # the demo package, imported
    espace.preferences.gestionnaire = "Claire FAYOLLE"
    w = ouvrir(qtbot, espace)
    piece = w.piece
    assert piece is not None
    original = type(espace.db).write

    def en_panne(self: object) -> object:
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(type(espace.db), "write", en_panne)
    w.decider(Statut.RECUE)
    assert "n'a pas été enregistrée" in w.panneau.etat.text()
    assert w.panneau.reessayer.isVisibleTo(w)
    monkeypatch.setattr(type(espace.db), "write", original)
    w.panneau.reessayer.click()
    assert "Enregistré" in w.panneau.etat.text()
    with espace.db.read() as s:
        assert s.get(Piece, piece.id).statut == Statut.RECUE  # type: ignore[union-attr]
    w.close()


def test_help_lists_every_shortcut(
    qtbot: QtBot, espace: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.views import dialogues

    vus: list[str] = []
    monkeypatch.setattr(dialogues.AideClavier, "exec",
                        lambda self: vus.append(self.findChild(object, "listeRaccourcis").toPlainText()))  # noqa: E501  # fmt: skip
    w = ouvrir(qtbot, espace)
    w.aide_clavier()
    [texte] = vus
    for attendu in ("Conforme", "Non conforme", "Pièce suivante", "Prochaine pièce à contrôler",
                    "Annuler la dernière décision", "Zoom avant", "Pivoter à droite"):  # fmt: skip
        assert attendu in texte
    w.close()


def test_a_redeposit_is_shown_beside_the_refused_file(qtbot: QtBot, espace_demo: Espace) -> None:
    """A new file after a Non conforme: the refused one beside it, with the comment the
    candidate read; Ctrl+D hides the comparison; a pièce deposited once has none."""
    from desktop_app.models import Depot
    from desktop_app.services.decisions import enregistrer_decision

    espace = espace_demo  # the demo package, imported
    with espace.db.write() as s:
        refuse = s.scalars(select(Depot).where(Depot.recevable).order_by(Depot.id)).first()
        assert refuse is not None
        enregistrer_decision(s, refuse.piece_id, Statut.NON_CONFORME, "Claire",
                             commentaire="Document non signé", fichier_affiche=True)  # fmt: skip
        autre = s.scalars(select(Depot).where(Depot.recevable, Depot.sha256 != refuse.sha256)
                          .order_by(Depot.id)).first()  # fmt: skip
        assert autre is not None
        nouveau = Depot(
            piece_id=refuse.piece_id, tour=refuse.tour + 1, nom_original="signee.pdf",
            sha256=autre.sha256, taille=autre.taille, format=autre.format,
            date_depot=autre.date_depot, recevable=True, importe_le=autre.importe_le,
        )  # fmt: skip
        s.add(nouveau)
        s.flush()
        ids = (refuse.id, nouveau.id, refuse.piece_id)
        candidature_id = s.get(Piece, refuse.piece_id).candidature_id  # type: ignore[union-attr]
    refuse_id, nouveau_id, piece_id = ids
    w = ouvrir(qtbot, espace)
    w.aller_a(candidature_id, piece_id)
    attendre_dossier(qtbot, w)

    comparaison = w.comparaison
    assert comparaison.isVisible()
    assert "Fichier refusé" in comparaison.titre.text()
    assert "« Document non signé »" in comparaison.titre.text()
    assert "même contenu" not in comparaison.titre.text()
    assert comparaison.viewer.doc is not None and comparaison.viewer.doc.cle == str(refuse_id)
    assert w.viewer.doc is not None and w.viewer.doc.cle == str(nouveau_id)
    qtbot.waitUntil(lambda: bool(comparaison.viewer.pages), timeout=20_000)

    touche(qtbot, w, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert not comparaison.isVisible() and not w.action_comparer.isChecked()
    touche(qtbot, w, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert comparaison.isVisible()

    touche(qtbot, w, Qt.Key.Key_J)  # the next pièce was deposited once
    assert w.piece is not None and w.piece.id != piece_id and w.piece.tour <= 1
    assert not comparaison.isVisible()
    w.close()


@pytest.mark.parametrize("choix", ["recharger", "appliquer"])
def test_a_colleagues_change_is_shown_and_never_overwritten_in_silence(
    qtbot: QtBot,
    espace_demo: Espace,
    monkeypatch: pytest.MonkeyPatch,
    choix: str,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.services.decisions import enregistrer_decision

    espace = espace_demo  # the demo package, imported
    espace.preferences.gestionnaire = "Claire FAYOLLE"
    w = ouvrir(qtbot, espace)
    piece = w.piece
    assert piece is not None
    collegue = ouvrir_espace(espace.paths.root)  # Marc, on another workstation
    with collegue.db.write() as s:
        enregistrer_decision(s, piece.id, Statut.NON_CONFORME, "Marc VERNET",
                             commentaire="Pièce illisible")  # fmt: skip
    collegue.close()

    vues: list[str] = []

    def repondre(boite: QMessageBox) -> int:
        vues.append(boite.text())
        bouton = "Recharger" if choix == "recharger" else "Appliquer"
        boite.clickedButton = lambda: next(  # type: ignore[method-assign]
            b for b in boite.buttons() if bouton in b.text().replace("&", "")
        )
        return 0

    monkeypatch.setattr(QMessageBox, "exec", repondre)
    w.decider(Statut.RECUE)
    assert len(vues) == 1
    assert vues[0].startswith("Marc VERNET a modifié cette pièce le ")
    assert "Non conforme — « Pièce illisible »" in vues[0]
    with espace.db.read() as s:
        statut = s.get(Piece, piece.id).statut  # type: ignore[union-attr]
        historique = select(Decision.gestionnaire).where(Decision.piece_id == piece.id)
        auteurs = list(s.scalars(historique.order_by(Decision.id)))
    if choix == "recharger":
        assert statut == Statut.NON_CONFORME and auteurs[-1] == "Marc VERNET"
        assert "Pièce rechargée" in w.panneau.etat.text()
        assert w.piece is not None and w.piece.statut == Statut.NON_CONFORME
    else:
        assert statut == Statut.RECUE and auteurs[-2:] == ["Marc VERNET", "Claire FAYOLLE"]
        assert "Enregistré" in w.panneau.etat.text()
    w.close()


def test_in_team_mode_a_decision_commits_in_the_background_keys_held_meanwhile(
    qtbot: QtBot, base_postgres: str, tmp_path: Path, paquet_demo: Path
) -> None:
    """On the shared PostgreSQL base the window keeps painting while the server answers: the
    decision keys are held until then, and « Enregistré » comes only once committed."""
    espace = ouvrir_espace(tmp_path / "poste", base_postgres, tmp_path / "partage")
    try:
        espace.preferences.gestionnaire = "Claire FAYOLLE"
        importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
        w = ouvrir(qtbot, espace)
        attendre_affichage(qtbot, w)
        piece = w.piece
        assert piece is not None
        w.decider(Statut.RECUE)
        conforme = w.revue.actions_statut[Statut.CONFORME]
        assert not conforme.isEnabled()  # held: the write runs in its thread
        assert "Enregistrement" in w.panneau.etat.text()
        qtbot.waitUntil(lambda: "Enregistré" in w.panneau.etat.text(), timeout=20_000)
        qtbot.waitUntil(conforme.isEnabled, timeout=5_000)
        with espace.db.read() as s:
            assert s.get(Piece, piece.id).statut == Statut.RECUE  # type: ignore[union-attr]
        assert w.piece is not None and w.piece.id != piece.id  # and the next pièce came
        w.close()
    finally:
        espace.close()


def test_a_database_that_does_not_answer_is_said_in_french_everywhere(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every window goes through the operations: a base that does not answer is one French
    message, never the crash dialog (the follow-up window's assignments and the undo too)."""
    from sqlalchemy.exc import OperationalError

    from desktop_app.views import operations

    espace = espace_demo  # the demo package, imported
    espace.preferences.gestionnaire = "Claire FAYOLLE"
    w = ouvrir(qtbot, espace)
    attendre_affichage(qtbot, w)
    touche(qtbot, w, Qt.Key.Key_R)
    suivi = w.ouvrir_suivi()
    assert suivi is not None
    qtbot.waitUntil(lambda: suivi.tache is None, timeout=30_000)
    dits: list[str] = []
    monkeypatch.setattr(operations.QMessageBox, "warning", lambda _p, t, m: dits.append(m))

    def en_panne(self: object) -> object:
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(type(espace.db), "write", en_panne)
    suivi.enregistrer_affectations()
    assert len(dits) == 1 and "la base de données n'a pas répondu" in dits[0]
    w.revue.annuler()  # the decision stays undoable: nothing was written
    assert "n'a pas répondu" in w.panneau.etat.text() and w.etat.annulables
    monkeypatch.setattr(type(espace.db), "read", en_panne)
    w.recharger()
    assert len(dits) == 2 and "n'a pas répondu" in dits[1]
    suivi.close()
    w.close()


def test_the_pieces_names_are_whole_in_the_tree_and_the_other_columns_fit_or_hide(
    qtbot: QtBot, espace_demo: Espace
) -> None:
    """The pièce's name and its status first; the échéance and the modalité only if they fit
    whole (then in the pièce's tooltip); never a horizontal scroll bar."""
    w = ouvrir(qtbot, espace_demo)
    w.resize(1600, 900)
    qtbot.waitUntil(lambda: bool(w.dossier.items_pieces()))
    arbre, entete = w.arbre, w.arbre.header()

    def largeurs() -> list[int]:
        return [0 if entete.isSectionHidden(c) else entete.sectionSize(c) for c in range(4)]

    def verifier() -> list[int]:
        """Each name whole, or the status alone beside it."""
        qtbot.wait(50)
        vues, largeur = largeurs(), arbre.viewport().width()
        assert sum(vues) <= largeur
        for item in w.dossier.items_pieces():
            texte = arbre.fontMetrics().horizontalAdvance(item.text(0))
            assert vues[0] >= min(texte + 2 * arbre.indentation(), largeur - vues[1])
            assert "Échéance : " in item.toolTip(0) and "Modalité : " in item.toolTip(0)
        assert vues[1] >= arbre.sizeHintForColumn(1)
        return vues

    etroit = verifier()
    w.document.hide()  # the list and the dossier take the window's whole width
    w.panneau.hide()
    large = verifier()
    noms = [arbre.fontMetrics().horizontalAdvance(i.text(0)) for i in w.dossier.items_pieces()]
    voulues = [arbre.sizeHintForColumn(c) for c in (1, 2, 3)]
    # (wide enough for every column here, whatever the screen and its fonts)
    assert arbre.viewport().width() >= max(noms) + 2 * arbre.indentation() + sum(voulues)
    assert large[0] >= max(noms) + 2 * arbre.indentation()
    assert large[2] >= voulues[1] and large[3] >= voulues[2]
    assert etroit != large
    w.close()


def test_the_next_candidatures_file_is_prefetched_from_a_thread_and_a_late_answer_dropped(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a dossier's last pièce, the file to prefetch is the next candidature's: its pièces
    are read in a thread, not on the window's. If the gestionnaire has moved on before that
    reading ends, its answer is dropped: the file prefetched is the one for where they are."""
    import desktop_app.views.revue as revue

    w = ouvrir(qtbot, espace_demo)
    for row in range(w.candidatures.rowCount()):
        w.candidature_view.selectRow(row)
        attendre_dossier(qtbot, w)
        pieces = w.dossier.pieces_affichees()
        if len(pieces) >= 2 and pieces[-1].fichiers and w.liste.suivante() is not None:
            break
    else:
        raise AssertionError("aucun dossier de démonstration à la dernière pièce déposée")
    cid = w.candidature_id
    assert cid is not None
    lectures: list[tuple[int, bool]] = []  # the candidature read, on the window's thread?
    pieces_de = revue.pieces_de
    commencee = threading.Event()

    def lire(session: object, candidature: int) -> object:
        if not lectures:
            commencee.set()
            time.sleep(0.3)  # the first reading ends after the gestionnaire moved on
        lectures.append((candidature, threading.current_thread() is threading.main_thread()))
        return pieces_de(session, candidature)  # type: ignore[arg-type]

    monkeypatch.setattr(revue, "pieces_de", lire)
    prefetches: list[object] = []
    monkeypatch.setattr(w.revue.document, "precharger", prefetches.append)
    w.dossier.ouvrir(cid, pieces[-2].id)  # (a pièce other than the one about to be shown)
    w.dossier.finir()
    qtbot.waitUntil(lambda: bool(prefetches))
    prefetches.clear()

    w.dossier.ouvrir(cid, pieces[-1].id)  # the last pièce: the next candidature's file
    w.dossier.finir()
    qtbot.wait(50)
    assert prefetches == [], "read on the window's thread"
    assert commencee.wait(10)  # (left before its turn, it would not be read at all)
    w.dossier.ouvrir(cid, pieces[-2].id)  # moved on: the next pièce of this dossier
    w.dossier.finir()
    attendu = w.etat.depots_de(pieces[-1])[0]
    qtbot.waitUntil(lambda: bool(prefetches))
    assert prefetches == [attendu]
    qtbot.waitUntil(lambda: len(lectures) == 1)
    qtbot.wait(100)  # its answer, come back to the window's thread, was dropped
    assert prefetches == [attendu]

    w.dossier.ouvrir(cid, pieces[-1].id)
    w.dossier.finir()
    qtbot.waitUntil(lambda: len(prefetches) == 2)
    suivante = w.liste.suivante()
    assert lectures == [(suivante, False), (suivante, False)]
    assert prefetches[-1] is not None


def test_a_pieces_history_is_read_in_a_thread_and_a_late_answer_dropped(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pièce is shown at once and its history read in a thread (on the window's, after a
    decision, it stalled it 9 ms at 100,000 candidatures). Meanwhile no other pièce's history
    is shown; a reading that ends after the gestionnaire moved on is dropped: the history is
    always the one of the pièce on screen."""
    import desktop_app.views.revue as revue

    w = ouvrir(qtbot, espace_demo)
    for row in range(w.candidatures.rowCount()):
        w.candidature_view.selectRow(row)
        attendre_dossier(qtbot, w)
        par_nom = {w.etat.depots_de(p)[0].nom: p
                   for p in w.dossier.pieces_affichees() if w.etat.depots_de(p)}  # fmt: skip
        if len(par_nom) >= 2:
            break
    else:
        raise AssertionError("aucun dossier de démonstration à deux pièces aux fichiers distincts")
    (nom_premiere, premiere), (nom_seconde, seconde) = list(par_nom.items())[:2]
    items = {i.data(0, ROLE_PIECE).id: i for i in w.dossier.items_pieces()}
    w.arbre.setCurrentItem(items[seconde.id])
    qtbot.waitUntil(lambda: nom_seconde in w.panneau.historique.toPlainText())

    lectures: list[tuple[int, bool]] = []  # the pièce read, on the window's thread?
    historique_de = revue.historique_de
    commencee, lache = threading.Event(), threading.Event()

    def lire(session: object, piece_id: int) -> object:
        if piece_id == premiere.id:
            commencee.set()
            lache.wait(10)  # the first pièce's reading ends after the gestionnaire moved on
        lectures.append((piece_id, threading.current_thread() is threading.main_thread()))
        return historique_de(session, piece_id)  # type: ignore[arg-type]

    monkeypatch.setattr(revue, "historique_de", lire)
    montres: list[str] = []  # every history the panel was given
    montrer_historique = w.panneau.montrer_historique

    def espion(historique: list[object]) -> None:
        montrer_historique(historique)  # type: ignore[arg-type]
        montres.append(w.panneau.historique.toPlainText())

    monkeypatch.setattr(w.panneau, "montrer_historique", espion)
    w.arbre.setCurrentItem(items[premiere.id])
    assert lectures == [], "read on the window's thread"
    assert f"({premiere.code})" in w.panneau.titre.text()
    assert w.panneau.historique.toPlainText() == ""  # not the previous pièce's meanwhile
    # (Left before its turn came, it would not be read at all: test_a_dossier_left_before…)
    assert commencee.wait(10)
    w.arbre.setCurrentItem(items[seconde.id])  # moved on, the first reading still at work
    assert f"({seconde.code})" in w.panneau.titre.text()
    assert w.panneau.historique.toPlainText() == ""
    lache.set()
    qtbot.waitUntil(lambda: nom_seconde in w.panneau.historique.toPlainText())
    qtbot.waitUntil(lambda: len(lectures) == 2)
    qtbot.wait(100)  # the first answer, come back to the window's thread, was dropped
    assert len(montres) == 1 and nom_premiere not in montres[0]
    assert nom_seconde in w.panneau.historique.toPlainText()
    assert lectures == [(premiere.id, False), (seconde.id, False)]  # in the order asked
    w.close()


def test_a_history_that_cannot_be_read_says_so_in_its_place_without_a_dialog(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The base does not answer while a pièce's history is read in a thread: the pièce is
    shown all the same, its history view says why in French, and no dialog stops the
    gestionnaire moving on."""
    from sqlalchemy.exc import OperationalError

    import desktop_app.views.revue as revue

    w = ouvrir(qtbot, espace_demo)
    pieces = w.dossier.pieces_affichees()
    assert len(pieces) >= 2 and w.piece is not None and w.candidature_id is not None
    autre = next(p for p in pieces if p.id != w.piece.id)
    dialogues: list[str] = []
    monkeypatch.setattr("desktop_app.views.operations.QMessageBox.warning",
                        lambda _parent, _titre, message: dialogues.append(message))  # fmt: skip

    def en_panne(_session: object, _piece_id: int) -> object:
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(revue, "historique_de", en_panne)
    w.dossier.ouvrir(w.candidature_id, autre.id)
    w.dossier.finir()
    assert f"({autre.code})" in w.panneau.titre.text()
    qtbot.waitUntil(lambda: "Historique illisible" in w.panneau.historique.toPlainText())
    assert "La base de données n'a pas répondu" in w.panneau.historique.toPlainText()
    assert dialogues == []
    w.close()
