"""The main window as a test opens it: shown, active (its shortcuts answer), list loaded."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.app import creer_application
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
    return w


def attendre_lecture(qtbot: QtBot, w: MainWindow) -> None:
    """After an import, a restore, a reception: the campaign is read again in a thread."""
    qtbot.waitUntil(lambda: not w.lecture_en_cours, timeout=30_000)
