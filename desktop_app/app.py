"""Composition root of the GUI: QApplication, French translations, workspace, main window."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_ID, APP_NAME, __version__
from desktop_app.models.database import DatabaseError
from desktop_app.services.espace import BaseEndommagee, Espace, ouvrir_espace
from desktop_app.services.progression import ImportAnnule
from desktop_app.services.sauvegardes import Motif, SauvegardeImpossible
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


def ouvrir(args: argparse.Namespace) -> Espace | None:
    """The workspace, or None after telling why. A damaged database is left untouched and
    the newest sound backup offered; once restored, the workspace opens on it."""
    from desktop_app.views.sauvegardes import proposer_restauration

    while True:
        try:
            return ouvrir_espace(args.data_dir, args.database_url, args.dossier_fichiers)
        except BaseEndommagee as exc:
            if not proposer_restauration(exc):
                return None
        except DatabaseError as exc:
            QMessageBox.critical(None, APP_NAME, str(exc))
            return None


def sauvegarder_en_partant(espace: Espace) -> None:
    """The closing backup, when the base changed during the session."""
    if not espace.a_sauvegarder():
        return
    try:
        espace.sauvegarder(Motif.FERMETURE)
    except SauvegardeImpossible as exc:
        QMessageBox.warning(None, APP_NAME, f"La sauvegarde de fermeture a échoué : {exc}")


def run_gui(args: argparse.Namespace) -> int:
    app = creer_application()
    espace = ouvrir(args)
    if espace is None:
        return 1
    window = MainWindow(espace)
    window.show()
    window.recharger()
    if getattr(args, "demo", False) and window.campagne is None:
        lancer_demo(window)
    else:
        window.sauvegarde_au_demarrage()
    try:
        return app.exec()
    finally:
        sauvegarder_en_partant(espace)
        espace.close()
