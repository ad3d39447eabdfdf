"""What the gestionnaire sees when the application meets an error it did not expect: a French
dialog that says the saved work is safe and where the log is; the application goes on."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_NAME
from desktop_app.journal import consigner_exception

log = logging.getLogger(__name__)
_en_cours = False  # one dialog at a time: an error raised while it is shown is only logged


class PlantageDialog(QMessageBox):
    def __init__(self, exc: BaseException, journal: Path | None) -> None:
        import html  # (only on a crash: see main_window.ALIGNEMENT_CENTRE)

        from PySide6.QtCore import Qt

        super().__init__(QApplication.activeWindow())
        self.setObjectName("plantageDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(f"{APP_NAME} — erreur inattendue")
        ou = (
            "Le détail technique est dans le journal :<br>"
            f"<code>{html.escape(str(journal))}</code><br>"
            "Transmettez ce fichier au support (il ne contient aucun nom de candidat)."
            if journal is not None
            else "Le journal n'a pas pu être écrit sur ce poste."
        )
        self.setText(
            "<b>Une erreur inattendue s'est produite.</b><p>Les décisions déjà enregistrées "
            "ne sont pas perdues : chacune est écrite dans la base dès sa saisie. Vous pouvez "
            f"continuer ; si l'erreur revient, redémarrez {APP_NAME}.</p><p>{ou}</p>"
        )
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet("QLabel#qt_msgbox_label { min-width: 34em; }")  # the path on one line
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setDetailedText("".join(traceback.format_exception(exc)))
        self.setStandardButtons(QMessageBox.StandardButton.Ok)


def signaler(exc: BaseException, journal: Path | None) -> None:
    """Log ``exc``; on the GUI thread, show the dialog as well."""
    global _en_cours
    consigner_exception("erreur inattendue", exc)
    app = QCoreApplication.instance()
    if _en_cours or not isinstance(app, QApplication) or QThread.currentThread() != app.thread():
        return
    _en_cours = True
    try:
        PlantageDialog(exc, journal).exec()
    finally:
        _en_cours = False


def installer(journal: Path | None) -> None:
    """Route the exceptions nobody caught (in Qt's slots too) to ``signaler``."""

    def crochet(_type: type[BaseException], exc: BaseException, _tb: TracebackType | None) -> None:
        if isinstance(exc, KeyboardInterrupt):
            sys.__excepthook__(_type, exc, _tb)
            return
        signaler(exc, journal)

    def crochet_fil(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            consigner_exception(f"erreur inattendue dans le fil {args.thread}", args.exc_value)

    sys.excepthook = crochet
    threading.excepthook = crochet_fil
