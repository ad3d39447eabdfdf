"""Composition root of the GUI: QApplication, French translations, log and crash dialog,
single instance, workspace, main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from importlib import resources
from typing import Any

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    QSettings,
    Qt,
    QTimer,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_ID, APP_NAME, __version__, journal
from desktop_app.models.database import DatabaseError
from desktop_app.paths import ENV_CONFIG_DIR, resolve_data_dir
from desktop_app.services.espace import BaseEndommagee, Espace, ouvrir_espace
from desktop_app.services.progression import TacheAnnulee
from desktop_app.services.sauvegardes import Motif, SauvegardeImpossible
from desktop_app.views import plantage
from desktop_app.views.instance import (
    InstanceUnique,
    deja_lancee,
    mettre_au_premier_plan,
    nom_du_canal,
)
from desktop_app.views.main_window import MainWindow
from desktop_app.views.taches import TacheAvecProgression

log = logging.getLogger(__name__)
_NIVEAUX_QT = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _message_qt(genre: QtMsgType, _contexte: QMessageLogContext, message: str) -> None:
    """Qt's warnings go to the log (a windowed application has no console to show them)."""
    logging.getLogger("qt").log(_NIVEAUX_QT.get(genre, logging.WARNING), "%s", message)


def icone() -> QIcon:
    return QIcon(str(resources.files("desktop_app").joinpath("resources", "icone.png")))


def creer_application(argv: list[str] | None = None) -> QApplication:
    if QApplication.instance() is None:
        # Fractional scale factors (125 %, 150 % on office laptops) drawn as they are.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_ID)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(icone())
    if os.environ.get(ENV_CONFIG_DIR):  # settings moved (tests, checks): Qt's go there too,
        # not to the registry, which no variable moves on Windows.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.environ[ENV_CONFIG_DIR]
        )
    qInstallMessageHandler(_message_qt)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    dossier = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for nom in ("qtbase_fr", "qt_fr"):  # the standard dialogs' buttons and texts
        traducteur = QTranslator(app)
        if traducteur.load(nom, dossier):
            app.installTranslator(traducteur)
    return app


def lancer_demo(window: MainWindow, candidatures: int = 300) -> TacheAvecProgression:
    from desktop_app.services.demo import installer_demo  # only for the demo: a faster start
    from desktop_app.services.lecture import DOSSIER_CERTIFICATS

    espace = window.espace

    def travail(progress: Any) -> object:
        return installer_demo(
            espace.db, espace.store, candidatures, progression=progress, worker=espace.inspection,
            certificats=espace.paths.root / DOSSIER_CERTIFICATS,
        )  # fmt: skip

    def fini(_result: object, error: BaseException | None) -> None:
        window.vide.setText(window.ETAT_VIDE)
        if error is not None and not isinstance(error, TacheAnnulee):
            journal.consigner_exception("campagne de démonstration non créée", error)
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
            if not proposer_parametres(args, str(exc)):
                return None


def proposer_parametres(args: argparse.Namespace, erreur: str) -> bool:
    """The workspace cannot open (a bad team address, a data folder on a network share…):
    say why and offer the settings' Données tab, since the window that holds them cannot open.
    True if the settings were changed (then opening is tried again)."""
    from desktop_app.preferences import Preferences
    from desktop_app.views.parametres import ParametresDialog

    boite = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, erreur)
    boite.setObjectName("ouvertureImpossible")
    modifier = boite.addButton("Modifier les paramètres…", QMessageBox.ButtonRole.AcceptRole)
    boite.addButton("Quitter", QMessageBox.ButtonRole.RejectRole)
    boite.exec()
    if boite.clickedButton() is not modifier:
        return False
    paths = resolve_data_dir(args.data_dir)
    settings = Preferences.load(paths.preferences)
    dialogue = ParametresDialog(settings, paths, None, None, "donnees")
    change = bool(dialogue.exec())
    dialogue.deleteLater()
    return change


def sauvegarder_en_partant(espace: Espace) -> None:
    """The closing backup, when the base changed during the session."""
    if not espace.a_sauvegarder():
        return
    try:
        espace.sauvegarder(Motif.FERMETURE)
    except SauvegardeImpossible as exc:
        QMessageBox.warning(None, APP_NAME, f"La sauvegarde de fermeture a échoué : {exc}")


def dire_plantage_precedent(window: MainWindow) -> None:
    rapport = journal.plantage_precedent()
    if journal.avant_la_fenetre():  # nothing was running: no decision to reassure about
        texte = (
            f"Le précédent lancement de {APP_NAME} s'est arrêté avant d'ouvrir sa fenêtre. "
            "Aucune donnée n'a été touchée. Sous Linux, c'est le plus souvent une "
            "bibliothèque d'affichage de Qt qui manque (voir le README : libxcb-cursor0…)."
        )
    else:
        texte = (
            f"La dernière session de {APP_NAME} s'est arrêtée brutalement. Les décisions "
            "enregistrées avant l'arrêt sont dans la base."
        )
    QMessageBox.warning(
        window,
        APP_NAME,
        f"{texte}\n\nLe rapport technique (sans donnée des candidats) est dans :\n{rapport}\n"
        "Transmettez-le au support.",
    )


def run_gui(args: argparse.Namespace) -> int:
    app = creer_application()
    plantage.installer(journal.fichier())
    canal = nom_du_canal(resolve_data_dir(args.data_dir).root)
    if deja_lancee(canal):
        return 0
    instance = InstanceUnique(canal, app)
    espace = ouvrir(args)
    if espace is None:
        return 1
    window = MainWindow(espace)

    def montrer() -> None:
        log.info("un autre lancement ramène la fenêtre au premier plan")
        mettre_au_premier_plan(window)

    instance.montrer.connect(montrer)
    window.show()
    journal.fenetre_ouverte()
    if journal.plantage_precedent() is not None:
        QTimer.singleShot(0, lambda: dire_plantage_precedent(window))
    log.info("fenêtre ouverte (instance unique : %s)", "oui" if instance.ecoute else "non")

    def campagne_lue() -> None:
        if getattr(args, "demo", False) and window.campagne is None:
            lancer_demo(window)
        else:
            window.sauvegarde_au_demarrage()

    # The window is painted first; the candidatures come from a thread (100,000 take a second).
    window.recharger(en_fond=True, ensuite=campagne_lue)
    try:
        return app.exec()
    finally:
        # From here on nobody answers a second launch: it starts a window of its own.
        instance.close()
        sauvegarder_en_partant(espace)
        espace.close()
