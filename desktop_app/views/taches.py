"""Long work (import, export, demo) off the GUI thread, with progress and cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.services.progression import TacheAnnulee

Travail = Callable[[Callable[[int, int, str], None]], Any]


class Fil(QThread):
    """``travail(progression)`` in a thread; its end is signalled to the GUI thread."""

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)

    _en_cours: ClassVar[set[Fil]] = set()  # started, not ended (and kept alive meanwhile)

    def __init__(self, travail: Travail, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.travail = travail
        self.annule = threading.Event()
        self.resultat: Any = None  # what ``travail`` returned, once the thread has ended

    def start(self, priorite: QThread.Priority = QThread.Priority.InheritPriority) -> None:
        Fil._en_cours.add(self)
        super().start(priorite)

    @classmethod
    def attendre_tous(cls) -> None:
        """Wait for every thread still at work (the window closes): a QThread destroyed with
        its window while it runs aborts the whole process (« QThread: Destroyed while thread
        is still running »), which a quick close after the start did, a reading under way."""
        for fil in list(cls._en_cours):
            fil.wait()

    def _progress(self, done: int, total: int, etape: str) -> None:
        if self.annule.is_set():
            raise TacheAnnulee()
        self.progress.emit(done, total, etape)

    def run(self) -> None:
        try:
            result = self.travail(self._progress)
        except BaseException as exc:  # reported to the GUI thread, never lost: whoever runs
            self.failed.emit(exc)  # it logs it (an expected refusal without its traceback)
        else:
            self.resultat = result
            self.succeeded.emit(result)
        finally:
            Fil._en_cours.discard(self)


class TacheAvecProgression(QObject):
    """Runs ``travail(progress)`` in a thread behind a modal progress dialog with « Annuler ».
    ``finished`` carries (result, None) or (None, exception); TacheAnnulee means cancelled."""

    finished = Signal(object, object)

    def __init__(self, parent: QWidget, titre: str, travail: Travail) -> None:
        super().__init__(parent)
        self.dialog = QProgressDialog(titre, "Annuler", 0, 0, parent)
        self.dialog.setObjectName("progressDialog")
        self.dialog.setWindowTitle(titre)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.thread = Fil(travail, self)
        self.thread.progress.connect(self._on_progress)
        self.thread.succeeded.connect(lambda result: self._done(result, None))
        self.thread.failed.connect(lambda exc: self._done(None, exc))
        self.dialog.canceled.connect(self._cancel)

    def start(self) -> None:
        self.thread.start()

    def _on_progress(self, done: int, total: int, etape: str) -> None:
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))
        self.dialog.setLabelText(f"{etape}… ({done} / {total})")

    def _cancel(self) -> None:
        self.dialog.setLabelText("Annulation en cours…")
        self.thread.annule.set()

    def _done(self, result: Any, error: BaseException | None) -> None:
        self.thread.wait()
        self.dialog.reset()
        self.dialog.hide()
        self.finished.emit(result, error)
        self.dialog.deleteLater()
