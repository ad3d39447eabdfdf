"""Composition root of the GUI: QApplication, French translations, workspace, main window."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_ID, APP_NAME, __version__
from desktop_app.models.database import DatabaseError
from desktop_app.services.espace import Espace, ouvrir_espace
from desktop_app.services.progression import ImportAnnule
from desktop_app.views.main_window import MainWindow
from desktop_app.views.taches import TacheAvecProgression


def creer_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_ID)
    app.setApplicationVersion(__version__)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    translator = QTranslator(app)
    if translator.load("qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    return app


def lancer_demo(window: MainWindow, candidatures: int = 300) -> TacheAvecProgression:
    from desktop_app.services.demo import installer_demo  # only for the demo: a faster start

    espace = window.espace

    def travail(progress: Any) -> object:
        return installer_demo(
            espace.db, espace.store, candidatures, progression=progress, worker=espace.inspection
        )

    def fini(_result: object, error: BaseException | None) -> None:
        window.vide.setText(window.ETAT_VIDE)
        if error is not None and not isinstance(error, ImportAnnule):
            QMessageBox.critical(
                window, APP_NAME, f"La campagne de démonstration n'a pas pu être créée.\n\n{error}"
            )
        window.recharger()

    window.vide.setText(
        "<h2>Création de la campagne de démonstration…</h2>"
        "<p>Des dossiers fictifs sont générés puis importés ; cela prend quelques secondes.</p>"
    )
    tache = window.suivre(
        TacheAvecProgression(window, "Création de la campagne de démonstration", travail)
    )
    tache.finished.connect(fini)
    tache.start()
    return tache


def run_gui(args: argparse.Namespace) -> int:
    app = creer_application()
    try:
        espace: Espace = ouvrir_espace(args.data_dir, args.database_url)
    except DatabaseError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window = MainWindow(espace)
    window.show()
    window.recharger()
    if getattr(args, "demo", False) and window.campagne is None:
        lancer_demo(window)
    try:
        return app.exec()
    finally:
        espace.close()
