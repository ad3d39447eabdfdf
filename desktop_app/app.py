"""Composition root of the GUI: QApplication, French translations, log and crash dialog,
single instance, workspace, main window.

The window is painted first, before SQLAlchemy, the services and the rooms are imported; the
base is opened (checked, migrated) in a thread meanwhile, and the rooms built once it is open.
Only what the first paint needs is imported here at module level."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from importlib import resources
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    QObject,
    QSettings,
    QTimer,
    QtMsgType,
    QTranslator,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

import desktop_app
from desktop_app import APP_ID, APP_NAME, journal
from desktop_app.causes import cause
from desktop_app.paths import ENV_CONFIG_DIR, resolve_data_dir, sur_partage_reseau
from desktop_app.views import plantage
from desktop_app.views.instance import (
    InstanceUnique,
    deja_lancee,
    mettre_au_premier_plan,
    nom_du_canal,
)
from desktop_app.views.main_window import PREMIER_ECRAN, MainWindow
from desktop_app.views.taches import Fil

if TYPE_CHECKING:
    from desktop_app.models.database import DatabaseError
    from desktop_app.services.espace import Espace
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
    # (Fractional scale factors, 125 % or 150 % on office laptops, are drawn as they are: Qt 6
    # rounds them no more, its policy is PassThrough by default.)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_ID)
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
    from desktop_app.services.progression import TacheAnnulee
    from desktop_app.views.taches import TacheAvecProgression

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


def repondre(args: argparse.Namespace, erreur: DatabaseError) -> bool:
    """The workspace did not open: a damaged database is left untouched and the newest sound
    backup offered; any other refusal is said, with the settings to change it. True when
    opening should be tried again (restored, settings changed)."""
    from desktop_app.services.espace import BaseEndommagee
    from desktop_app.views.sauvegardes import proposer_restauration

    if isinstance(erreur, BaseEndommagee):
        return proposer_restauration(erreur)
    return proposer_parametres(args, str(erreur))


class Demarrage(QObject):
    """The workspace opened in a thread (the base checked, migrated if needed; a second at
    300,000 candidatures) while the window, already painted, says so and stays responsive;
    then the window's rooms are built on it and the campaign read, also in a thread. A base
    that does not open is answered as ``repondre`` says, on the GUI thread, and tried again.
    ``fini`` carries the workspace, or None when it could not open (already said)."""

    fini = Signal(object)

    def __init__(self, args: argparse.Namespace, fenetre: MainWindow) -> None:
        super().__init__(fenetre)
        self.args, self.fenetre = args, fenetre
        self.fil: Fil | None = None

    @property
    def espace(self) -> Espace | None:
        """The workspace opened, once the thread has ended (even when the window closed before
        it was shown: its caller closes it)."""
        return self.fil.resultat if self.fil is not None else None

    def lancer(self) -> None:
        args = self.args

        def travail(_progression: object) -> Espace:
            anticiper_le_controle(args)
            from desktop_app.services.espace import ouvrir_espace

            return ouvrir_espace(args.data_dir, args.database_url, args.dossier_fichiers)

        self.fil = Fil(travail, self)
        self.fil.succeeded.connect(self._ouverte)
        self.fil.failed.connect(self._refusee)
        self.fil.start()

    def _refusee(self, erreur: BaseException) -> None:
        from desktop_app.models.database import DatabaseError

        assert self.fil is not None
        self.fil.wait()
        if isinstance(erreur, DatabaseError):
            if self.fenetre.isVisible() and repondre(self.args, erreur):
                self.lancer()
                return
        else:  # unforeseen (a disk that fails, a bug): said in French, logged with its trace
            journal.consigner_exception("la base n'a pas pu être ouverte", erreur)
            QMessageBox.critical(
                self.fenetre, APP_NAME,
                f"La base n'a pas pu être ouverte : {cause(erreur)}. Rien n'a été modifié.",
            )  # fmt: skip
        self.fini.emit(None)

    def _ouverte(self, espace: Espace) -> None:
        assert self.fil is not None
        self.fil.wait()
        if not self.fenetre.isVisible():  # closed meanwhile: the caller closes the workspace
            return
        self.fenetre.installer(espace)
        self.fini.emit(espace)


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
    from desktop_app.services.sauvegardes import Motif, SauvegardeImpossible

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


def anticiper_le_controle(args: argparse.Namespace) -> None:
    """The local base's start-up check begun in a thread of its own, as the base's opening
    begins (in its thread, before its imports): it reads the whole file (0.4–0.6 s at 100,000
    candidatures) without holding the interpreter, while the opening imports what it needs
    (0.7 s), instead of after them (``anticiper_controle``). Only for the local base (none is
    named by an address, as in team mode), not on a network share (refused when it opens).
    Begun before the first paint, it slowed it (its imports, the disk)."""
    from desktop_app.preferences import Preferences
    from desktop_app.services.sauvegardes import anticiper_controle

    paths = resolve_data_dir(args.data_dir)
    if Preferences.load(paths.preferences).effective_database_url(args.database_url):
        return
    if not sur_partage_reseau(paths.database.parent):
        anticiper_controle(paths.database)


def run_gui(args: argparse.Namespace) -> int:
    app = creer_application()
    plantage.installer(journal.fichier())
    canal = nom_du_canal(resolve_data_dir(args.data_dir).root)
    if deja_lancee(canal):
        return 0
    instance = InstanceUnique(canal, app)
    window = MainWindow()

    def montrer() -> None:
        log.info("un autre lancement ramène la fenêtre au premier plan")
        mettre_au_premier_plan(window)

    instance.montrer.connect(montrer)
    window.show()
    journal.fenetre_ouverte()
    log.info("fenêtre ouverte (instance unique : %s)", "oui" if instance.ecoute else "non")
    demarrage = Demarrage(args, window)
    code = 0

    def ouverte(espace: Espace | None) -> None:
        nonlocal code
        if espace is None:
            code = 1
            window.close()
            return
        app.setApplicationVersion(desktop_app.__version__)
        log.info("version %s, base ouverte", desktop_app.__version__)
        if journal.plantage_precedent() is not None:
            QTimer.singleShot(0, lambda: dire_plantage_precedent(window))

        # The candidatures come from a thread too (100,000 take a second); then the demo is
        # created if asked for and the base is empty, else the start-up backup is taken.
        def campagne_lue() -> None:
            if getattr(args, "demo", False) and window.campagne is None:
                lancer_demo(window)
            else:
                window.sauvegarde_au_demarrage()

        window.recharger(en_fond=True, ensuite=campagne_lue, premiers=PREMIER_ECRAN)

    demarrage.fini.connect(ouverte)

    # The base is opened once the window is on screen: its thread's imports would otherwise
    # compete with the first paint for the interpreter. A window that is not painted
    # (minimised at its last close…) opens it all the same.
    def ouvrir_la_base() -> None:
        if demarrage.fil is None:
            demarrage.lancer()

    window.premiere_peinture.connect(ouvrir_la_base)
    QTimer.singleShot(500, ouvrir_la_base)
    try:
        return app.exec() or code
    finally:
        # From here on nobody answers a second launch: it starts a window of its own.
        instance.close()
        # Every thread ended (a write the panel « Lu » started as the window closed, the
        # opening of the base when the window closed first: its workspace is closed here).
        Fil.attendre_tous()
        espace = demarrage.espace
        if espace is not None:
            if window.installee:
                sauvegarder_en_partant(espace)
            espace.close()
