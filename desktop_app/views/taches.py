"""Long work (import, export, demo) off the GUI thread, with progress and cancel."""

from __future__ import annotations

import gc
import heapq
import itertools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.services.progression import TacheAnnulee

Travail = Callable[[Callable[[int, int, str], None]], Any]

log = logging.getLogger(__name__)

_verrou = threading.Lock()
_pauses = 0  # readings under way in ``hors_du_ramasse_miettes``
_actif = True  # the collector's state before the first of them


@contextmanager
def hors_du_ramasse_miettes() -> Iterator[None]:
    """Hundreds of thousands of objects built at once in a thread, that then live until the
    next reading (the campaign's list, the follow-up's worklists): no cyclic collection while
    they are built, and once built they are put out of its sight (``gc.freeze``; still freed
    when no longer used, they hold no cycles). Otherwise every full collection walks them
    while it holds the interpreter: the window froze 0.1 to 0.9 s at 100,000 candidatures, at
    random (bench_fluidite). Two readings at once (an import during the follow-up's): the
    collector comes back when the last one ends."""
    global _pauses, _actif
    with _verrou:
        if _pauses == 0:
            _actif = gc.isenabled()
        _pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _verrou:
            _pauses -= 1
            if _pauses == 0:
                gc.freeze()
                if _actif:
                    gc.enable()


# The window's short readings (a dossier, a pièce's history, a row of the list, the next
# file to prefetch...), most urgent first: what a key waits for, what is on screen, what
# comes next.
DOSSIER, A_L_ECRAN, A_L_AVANCE = 0, 1, 2


def _signaler(qui: Fil | LectureCourte, travail: Callable[[], Any]) -> None:
    """``travail()`` in this thread; its result (``qui.resultat``) or its failure signalled
    to the GUI thread, never lost: whoever runs it logs it (an expected refusal without its
    traceback)."""
    try:
        resultat = travail()
    except BaseException as exc:
        qui.failed.emit(exc)
    else:
        qui.resultat = resultat
        qui.succeeded.emit(resultat)


class LectureCourte(QObject):
    """A short reading of the window, handed to the lane (``Couloir``): it waits for its
    turn, runs there, and its end comes back on the GUI thread as a ``Fil``'s does
    (``succeeded`` or ``failed``, then ``finished``). Abandoned before its turn (the
    gestionnaire moved on), it is not run: only ``finished`` comes."""

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, travail: Callable[[], Any], priorite: int, parent: QObject | None) -> None:
        super().__init__(parent)
        self.travail = travail
        self.priorite = priorite
        self.resultat: Any = None  # what ``travail`` returned, once it has ended
        self.abandonnee = False
        self._finie = threading.Event()

    def abandonner(self) -> None:
        """Not run if its turn has not come yet (what it reads is no longer wanted)."""
        self.abandonnee = True

    def wait(self) -> None:
        """Until it has run, or been dropped (from the GUI thread: a key waits for it)."""
        self._finie.wait()

    def _executer(self) -> None:
        """In the lane's thread."""
        try:
            if not self.abandonnee:
                _signaler(self, self.travail)
            self.finished.emit()
        except RuntimeError:  # its window is gone (closed while a test left it reading)
            pass
        finally:
            self._finie.set()


def abandonner(lecture: LectureCourte | None) -> None:
    """``lecture`` abandoned, if any (a view forgets the reading it had asked for)."""
    if lecture is not None:
        lecture.abandonner()


class Couloir:
    """The window's short readings, one at a time in a thread of their own, the most urgent
    first (lowest ``priorite``), then in the order they were asked; one abandoned before its
    turn is dropped. After a decision four or five readings started at once, each in its
    thread: side by side they took Python's lock from the window's thread in turn, where one
    at a time leaves it every other turn (the README's bench_fluidite row says what it
    changed). Long readings (the campaign's list, the follow-up's figures) and writes keep a
    thread of their own: a short reading never waits for them, nor for a base busy writing."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._attente: list[tuple[int, int, LectureCourte]] = []  # a heap: the next one first
        self._numeros = itertools.count()
        self._en_cours: LectureCourte | None = None
        self._fil: threading.Thread | None = None

    def confier(self, lecture: LectureCourte) -> None:
        """``lecture`` will run in its turn (from the GUI thread)."""
        with self._condition:
            heapq.heappush(self._attente, (lecture.priorite, next(self._numeros), lecture))
            if self._fil is None:
                self._fil = threading.Thread(target=self._servir, name="lectures courtes",
                                             daemon=True)  # fmt: skip
                self._fil.start()
            self._condition.notify_all()

    @property
    def en_attente(self) -> int:
        """Readings waiting for their turn."""
        with self._condition:
            return len(self._attente)

    def _servir(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: bool(self._attente))
                lecture = heapq.heappop(self._attente)[2]
                self._en_cours = lecture
            try:
                lecture._executer()
            except Exception:  # the lane serves the next one (its end was set: none waits)
                log.exception("Lecture courte interrompue")
            finally:
                with self._condition:
                    self._en_cours = None
                    self._condition.notify_all()

    def vider(self) -> None:
        """Every reading not begun dropped, the one under way waited for (the window
        closes: nothing reads a base about to be closed)."""
        with self._condition:
            for *_, lecture in self._attente:
                lecture.abandonner()
            self._condition.wait_for(lambda: not self._attente and self._en_cours is None)


LECTURES_COURTES = Couloir()


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
        is still running »), which a quick close after the start did, a reading under way.
        The short readings too: those not begun dropped, the one under way waited for."""
        for fil in list(cls._en_cours):
            fil.wait()
        LECTURES_COURTES.vider()

    def _progress(self, done: int, total: int, etape: str) -> None:
        if self.annule.is_set():
            raise TacheAnnulee()
        self.progress.emit(done, total, etape)

    def run(self) -> None:
        try:
            _signaler(self, lambda: self.travail(self._progress))
        finally:
            Fil._en_cours.discard(self)


class TacheAvecProgression(QObject):
    """Runs ``travail(progress)`` in a thread behind a modal progress dialog with « Annuler ».
    ``finished`` carries (result, None) or (None, exception); TacheAnnulee means cancelled."""

    finished = Signal(object, object)

    def __init__(self, parent: QWidget, titre: str, travail: Travail) -> None:
        from PySide6.QtCore import Qt  # (not at start: see main_window.ALIGNEMENT_CENTRE)

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
