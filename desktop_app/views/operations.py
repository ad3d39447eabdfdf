"""How a window runs a service (Anki's ``aqt/operations``, in our words).

A view hands the work to an ``Operation``; the work calls the services through
``espace.lire`` / ``espace.ecrire`` (views never open a session, never import SQLAlchemy). The
operation runs it synchronously (« Enregistré » then means committed), in the background (the
window keeps answering; a short reading of the window waits for its turn), or behind a
progress dialog with « Annuler »; it turns every expected failure into one French message; and
after success it announces what changed on the window's one ``Annonces`` signal, which every
panel observes instead of being refreshed by hand.

    Operation(self, lambda _: espace.ecrire(lambda s: enregistrer_decision(s, ...)))
        .annonce(annonces, Changements(pieces={id}, candidatures={cid}))
        .succes(suite).echec(panneau.erreur).lancer()
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.causes import Refus, cause
from desktop_app.services.decisions import ConflitDecision
from desktop_app.services.espace import BaseIndisponible, Espace, pour_la_fenetre
from desktop_app.services.progression import Progression, TacheAnnulee
from desktop_app.views.taches import LECTURES_COURTES, Fil, LectureCourte, TacheAvecProgression

log = logging.getLogger(__name__)

T = TypeVar("T")

# The services' refusals (``Refus``, conflicts included when no one handles them): each already
# says in French what is wrong and what to do.
REFUS: tuple[type[Exception], ...] = (Refus,)


@dataclass(frozen=True)
class Changements:
    """What a write changed: the panels showing any of it read it again."""

    pieces: frozenset[int] = field(default_factory=frozenset)
    candidatures: frozenset[int] = field(default_factory=frozenset)
    campagne: bool = False  # anything may have changed (import, restore, assignments)

    @staticmethod
    def de(candidatures: Iterable[int] = (), pieces: Iterable[int] = ()) -> Changements:
        return Changements(frozenset(pieces), frozenset(candidatures))


TOUT = Changements(campagne=True)


class Annonces(QObject):
    """The window's one signal of what changed; every panel listens to it."""

    changements = Signal(object)

    def annoncer(self, changements: Changements) -> None:
        self.changements.emit(changements)


@dataclass(frozen=True)
class Echec:
    """A failure, said in French. ``reessayable``: nothing was written and the same action can
    simply be tried again (the database or the disk did not answer)."""

    message: str
    reessayable: bool
    cause: BaseException | None = None


def echec_de(exc: BaseException) -> Echec | None:
    """The French words for an expected failure; None for a cancel. Anything else is a bug,
    raised to the crash dialog."""
    if isinstance(exc, TacheAnnulee):
        return None
    if isinstance(exc, REFUS):
        return Echec(str(exc), False, exc)
    if isinstance(exc, BaseIndisponible):
        return Echec(str(exc), True, exc)
    if isinstance(exc, OSError):
        fichier = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        return Echec(f"Écriture ou lecture impossible{fichier} : {cause(exc)}.", True, exc)
    raise exc


class Operation(Generic[T]):
    """One user action's work: ``travail(progression)`` then, on the GUI thread, the
    announcement and ``succes(resultat)``, or ``echec(Echec)`` (by default a dialog titled
    ``titre``), or ``conflit(ConflitDecision)`` when a colleague changed the pièce."""

    sans_figer_en_cours: ClassVar[int] = 0  # ``lancer_sans_figer`` calls waiting for their end

    def __init__(
        self, parent: QWidget, travail: Callable[[Progression], T], titre: str = ""
    ) -> None:
        self.parent = parent
        self.travail = travail
        self.titre = titre or parent.window().windowTitle()
        self._succes: Callable[[T], None] = lambda _resultat: None
        self._echec: Callable[[Echec], None] = self._dialogue
        self._conflit: Callable[[ConflitDecision], None] | None = None
        self._ensuite: Callable[[], None] | None = None
        self._annonces: Annonces | None = None
        self._changements: Changements | Callable[[T], Changements] = Changements()

    @classmethod
    def lecture(
        cls, parent: QWidget, espace: Espace, f: Callable[[Any], T], titre: str = ""
    ) -> Operation[T]:
        """``f(session)`` in one read transaction of ``espace``."""
        return cls(parent, lambda _: espace.lire(f), titre)

    @classmethod
    def ecriture(
        cls, parent: QWidget, espace: Espace, f: Callable[[Any], T], titre: str = ""
    ) -> Operation[T]:
        """``f(session)`` in one write transaction of ``espace``, committed when it ends."""
        return cls(parent, lambda _: espace.ecrire(f), titre)

    def succes(self, f: Callable[[T], None]) -> Operation[T]:
        self._succes = f
        return self

    def echec(self, f: Callable[[Echec], None]) -> Operation[T]:
        self._echec = f
        return self

    def conflit(self, f: Callable[[ConflitDecision], None]) -> Operation[T]:
        self._conflit = f
        return self

    def ensuite(self, f: Callable[[], None]) -> Operation[T]:
        """``f()`` once the work run in the background has ended, whatever its end (after its
        success or failure is handled): connected before the work starts, so that a quick end
        is never missed."""
        self._ensuite = f
        return self

    def annonce(
        self, annonces: Annonces, changements: Changements | Callable[[T], Changements]
    ) -> Operation[T]:
        self._annonces, self._changements = annonces, changements
        return self

    # -- the ways to run ---------------------------------------------------------------------
    def lancer(self) -> None:
        """Now, on the GUI thread: when this returns, the work is committed (or failed)."""
        try:
            resultat = self.travail(lambda *_: None)
        except Exception as exc:
            self._fin(None, exc)
        else:
            self._fin(resultat, None)

    def lancer_sans_figer(self) -> None:
        """As ``lancer`` (when this returns, the work is committed or failed), but the work
        runs in a thread while the window keeps painting and its timers run; the
        gestionnaire's keys and clicks wait, in order, until it ends. For the window's own
        short writes, whose wait is the disk's or another writer's: a decision takes 3 ms
        alone, 100-300 ms behind a background commit or a busy disk (bench_fluidite). Its
        writes keep the window's turn (``pour_la_fenetre``)."""

        def travail(progression: Progression) -> T:
            with pour_la_fenetre():
                return self.travail(progression)

        fil = Fil(travail, self.parent)
        issue: list[tuple[Any, BaseException | None]] = []
        fil.succeeded.connect(lambda resultat: issue.append((resultat, None)))
        fil.failed.connect(lambda exc: issue.append((None, exc)))
        boucle = QEventLoop()
        fil.finished.connect(boucle.quit)  # queued: comes after the two above, in the loop
        fil.finished.connect(fil.deleteLater)
        fil.start()
        Operation.sans_figer_en_cours += 1
        try:
            boucle.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            Operation.sans_figer_en_cours -= 1
        self._fin(*issue[0])

    def en_fond(self) -> Fil:
        """In a thread, without a dialog: the window keeps answering; the end comes back on
        the GUI thread."""
        fil = Fil(self.travail, self.parent)
        self._relier(fil)
        fil.start()
        return fil

    def a_son_tour(self, priorite: int) -> LectureCourte:
        """As ``en_fond``, for a short reading of the window: run in its turn among the
        others (``priorite`` is one of ``taches``'; ``taches.LECTURES_COURTES``)."""
        lecture = LectureCourte(lambda: self.travail(lambda *_: None), priorite, self.parent)
        self._relier(lecture)
        LECTURES_COURTES.confier(lecture)
        return lecture

    def _relier(self, fil: Fil | LectureCourte) -> None:
        fil.succeeded.connect(lambda resultat: self._fin(resultat, None))
        fil.failed.connect(lambda exc: self._fin(None, exc))
        if self._ensuite is not None:
            fil.finished.connect(self._ensuite)
        fil.finished.connect(fil.deleteLater)

    def avec_progression(self, titre: str) -> TacheAvecProgression:
        """In a thread, behind a progress dialog with « Annuler » (long work)."""
        tache = TacheAvecProgression(self.parent, titre, self.travail)
        # A lambda, not the bound method: the connection then keeps this operation alive.
        tache.finished.connect(lambda resultat, erreur: self._fin(resultat, erreur))
        tache.start()
        return tache

    # -- the end -----------------------------------------------------------------------------
    def _fin(self, resultat: Any, erreur: BaseException | None) -> None:
        if erreur is None:
            if self._annonces is not None:
                c = self._changements
                self._annonces.annoncer(c(resultat) if callable(c) else c)
            self._succes(resultat)
            return
        if isinstance(erreur, ConflitDecision) and self._conflit is not None:
            self._conflit(erreur)
            return
        echec = echec_de(erreur)
        if echec is not None:
            log.info("opération refusée : %s", echec.message)
            self._echec(echec)

    def _dialogue(self, echec: Echec) -> None:
        QMessageBox.warning(self.parent, self.titre, echec.message)
