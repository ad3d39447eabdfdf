"""The main window as a test opens it: shown, active (its shortcuts answer), list loaded."""

from __future__ import annotations

import argparse
import threading

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.app import Demarrage, creer_application
from desktop_app.models.database import TourDEcriture
from desktop_app.services.espace import Espace
from desktop_app.views.main_window import MainWindow


def ouvrir(qtbot: QtBot, espace: Espace) -> MainWindow:
    creer_application()
    w = MainWindow(espace)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.recharger()
    attendre_dossier(qtbot, w)
    return w


def attendre_dossier(qtbot: QtBot, w: MainWindow) -> None:
    """A dossier chosen in the list is read in a thread: it is on screen."""
    qtbot.waitUntil(lambda: not w.dossier.relecture_en_cours, timeout=10_000)


def attendre_lecture(qtbot: QtBot, w: MainWindow) -> None:
    """After an import, a restore, a reception: the campaign is read again in a thread."""
    qtbot.waitUntil(lambda: not w.lecture_en_cours, timeout=30_000)


def demarrer(qtbot: QtBot, args: argparse.Namespace) -> tuple[MainWindow, Espace | None]:
    """The start of the application: its window shown at once, the base opened in a thread
    (answering the dialogs a base that does not open raises); the workspace, or None."""
    creer_application()
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    demarrage = Demarrage(args, w)
    with qtbot.waitSignal(demarrage.fini, timeout=60_000) as fini:
        demarrage.lancer()
    espace = fini.args[0]
    assert (espace is not None) == w.installee
    return w, espace


def base_tenue_en_fond(tour: TourDEcriture) -> tuple[threading.Thread, threading.Event]:
    """A background writer (as a reading stored) holds the base until the event is set."""
    tient, lache = threading.Event(), threading.Event()

    def ecrivain_en_fond() -> None:
        with tour.tour():
            tient.set()
            lache.wait(20)

    fond = threading.Thread(target=ecrivain_en_fond)
    fond.start()
    assert tient.wait(10)
    return fond, lache


def lacher_dans_la_boucle(tour: TourDEcriture, lache: threading.Event) -> list[bool]:
    """In 100 ms, a tick of the window's event loop (it can run only if the action under way
    leaves the window painting) notes whether the window waits for its turn, then lets the
    background writer go."""
    from PySide6.QtCore import QTimer

    vu_pendant: list[bool] = []

    def pendant() -> None:
        vu_pendant.append(tour.fenetre_attend())
        lache.set()

    QTimer.singleShot(100, pendant)
    return vu_pendant
