"""Inspection of candidate files in a separate process.

Parsers of untrusted bytes (MuPDF, libjpeg) can crash or hang on crafted input, so they run in a
child process (spawn, kept warm, memory capped where the OS allows). A crash or a timeout becomes
a French refusal for the file being parsed; the child is restarted and the other files go on.
Requests are pipelined: the caller submits files and collects verdicts in the same order, which
also lets the parsing use the machine's second core while the caller copies and hashes.

No Qt here: the importer and the CLI use it; the viewer's rendering worker builds on it."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from desktop_app.documents.inspection import Finding, Inspection, inspect_bytes

TIMEOUT_PAR_FICHIER = 30.0
TIMEOUT_DEMARRAGE = 120.0  # a cold start on a slow office PC, antivirus scanning the DLLs
PRET = "pret"
MEMOIRE_MAX = 2 * 1024**3  # per child process, where the OS lets us cap it
EN_VOL_MAX = 16  # requests sent ahead of their answers


class InspectionIndisponible(RuntimeError):
    """The worker process cannot start at all: nothing can be inspected. French message."""


@dataclass(frozen=True)
class Demande:
    cle: str
    chemin: str
    taille_max: int
    formats: tuple[str, ...]


def _limiter_memoire() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMOIRE_MAX, MEMOIRE_MAX))
    except (ImportError, ValueError, OSError):  # Windows, or a lower hard limit
        pass


TETE = 64 * 1024  # what is read of a file over the limit: enough to name its format


def _inspecter(demande: Demande) -> Inspection:
    try:
        with open(demande.chemin, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            # Over the limit, the size alone refuses it: only its first bytes are read.
            data = handle.read(size + 1 if size <= demande.taille_max else TETE)
        return inspect_bytes(
            data, taille_max=demande.taille_max, formats=demande.formats, size=size
        )
    except Exception as exc:  # an unexpected parser error: refuse, never crash
        message = f"Document illisible ({type(exc).__name__})."
        return Inspection(0, None, (Finding("refus", "illisible", message),))


def _boucle(connection: Connection) -> None:
    """The child: for each batch of Demande, answer the list of (cle, Inspection); stop on
    None or when the parent goes away."""
    _limiter_memoire()
    import pymupdf  # noqa: F401 - warm up: the first PDF should not pay for the import
    from PIL import Image  # noqa: F401

    connection.send(PRET)
    while True:
        try:
            lot = connection.recv()
        except EOFError:
            return
        if lot is None:
            return
        connection.send([(demande.cle, _inspecter(demande)) for demande in lot])


def _echec(demande: Demande, raison: str) -> Inspection:
    try:
        size = os.path.getsize(demande.chemin)
    except OSError:
        size = 0
    return Inspection(size, None, (Finding("refus", "illisible", raison),))


class InspectionWorker:
    """``soumettre()`` files, then iterate ``resultats()`` (same order). Use as a context
    manager; the child process is stopped on exit. Requests travel in batches of ``LOT``
    (one pipe round trip per file costs as much as a small file's parsing)."""

    LOT = 16
    cible = staticmethod(_boucle)  # what the child runs

    def __init__(self, timeout: float = TIMEOUT_PAR_FICHIER) -> None:
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._connection: Connection | None = None
        self._lot: list[Demande] = []  # not sent yet
        self._en_vol: deque[list[Demande]] = deque()  # sent, unanswered, oldest first
        self._prets: deque[tuple[str, Inspection]] = deque()
        self._pret = False  # the child said it is ready since its last start
        self.redemarrages = 0

    # -- process -----------------------------------------------------------------------------
    def demarrer(self, attendre: bool = False) -> None:
        """Start the child now (otherwise it starts with the first request); with ``attendre``,
        return once it is ready (warm)."""
        connection = self._connexion()
        if attendre and not self._pret:
            self._attendre_pret(connection)

    def _connexion(self) -> Connection:
        if self._connection is not None:
            return self._connection
        parent, child = self._context.Pipe()
        self._pret = False
        self._process = self._context.Process(
            target=self.cible, args=(child,), name="controle-pj-inspection", daemon=True
        )
        self._process.start()
        child.close()
        self._connection = parent
        return parent

    def _arreter(self, brutalement: bool) -> None:
        if self._connection is not None:
            if not brutalement:
                with contextlib.suppress(OSError, ValueError):
                    self._connection.send(None)
            self._connection.close()
            self._connection = None
        if self._process is not None:
            if brutalement:
                self._process.kill()
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._process = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    # -- protocol ----------------------------------------------------------------------------
    def soumettre(self, cle: str, chemin: Path, taille_max: int, formats: tuple[str, ...]) -> None:
        self._lot.append(Demande(cle, str(chemin), taille_max, tuple(formats)))
        if len(self._lot) >= self.LOT:
            self._envoyer_lot()

    def _envoyer_lot(self) -> None:
        if not self._lot:
            return
        while len(self._en_vol) * self.LOT >= EN_VOL_MAX:
            self._recevoir()
        lot, self._lot = self._lot, []
        self._envoyer(lot)

    def _envoyer(self, lot: list[Demande]) -> None:
        self._en_vol.append(lot)
        try:
            self._connexion().send(lot)
        except (OSError, ValueError):  # the child died between two batches
            self._reprendre("Document illisible : il a fait échouer l'analyse.")

    def _attendre_pret(self, connection: Connection) -> None:
        """A child that dies or stays silent before it is ready will not do better on a
        restart: that is an installation problem, not a bad file."""
        try:
            if connection.poll(TIMEOUT_DEMARRAGE) and connection.recv() == PRET:
                self._pret = True
                return
        except (EOFError, OSError):
            pass
        self._arreter(brutalement=True)
        self._en_vol.clear()
        raise InspectionIndisponible(
            "L'analyse des documents n'a pas pu démarrer : aucun fichier n'a été contrôlé. "
            "Réinstallez l'application ; si le problème persiste, transmettez le journal au "
            "support."
        )

    def _recevoir(self) -> None:
        connection = self._connexion()
        if not self._pret:
            self._attendre_pret(connection)
        lot = self._en_vol[0]
        try:
            if not connection.poll(self.timeout * len(lot)):
                duree = f"{self.timeout:g}".replace(".", ",")
                self._reprendre(
                    f"Document illisible : son analyse a dépassé {duree} secondes "
                    "et a été interrompue."
                )
                return
            answers = connection.recv()
        except (EOFError, OSError):
            self._reprendre("Document illisible : il a fait échouer l'analyse.")
            return
        assert [cle for cle, _ in answers] == [d.cle for d in lot]
        self._en_vol.popleft()
        self._prets.extend(answers)

    def _reprendre(self, raison: str) -> None:
        """The child crashed or hung on the oldest batch. A batch of one file: that file is
        refused. A larger batch: its files are sent again one by one, to find the culprit.
        Either way the child is restarted and the unanswered batches sent again."""
        self._arreter(brutalement=True)
        self.redemarrages += 1
        lots = list(self._en_vol)
        self._en_vol.clear()
        if not lots:
            return
        oldest, *others = lots
        if len(oldest) == 1:
            self._prets.append((oldest[0].cle, _echec(oldest[0], raison)))
            retry = others
        else:
            retry = [[demande] for demande in oldest] + others
        for lot in retry:
            self._envoyer(lot)

    def resultats(self) -> Iterator[tuple[str, Inspection]]:
        """Every verdict not yet collected, in the order the files were submitted."""
        self._envoyer_lot()
        while self._prets or self._en_vol:
            if not self._prets:
                self._recevoir()
            while self._prets:
                yield self._prets.popleft()

    def abandonner(self) -> None:
        """Forget every pending request (the caller gave up): a child busy with them is
        stopped, so the next user starts from a clean state."""
        if self._en_vol:
            self._arreter(brutalement=True)
        self._lot.clear()
        self._en_vol.clear()
        self._prets.clear()

    def close(self) -> None:
        self._arreter(brutalement=False)

    def __enter__(self) -> InspectionWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self._arreter(brutalement=exc[0] is not None)
