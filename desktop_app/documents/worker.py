"""Inspection of candidate files in a separate process.

Parsers of untrusted bytes (MuPDF, libjpeg) can crash or hang on crafted input, so they run in a
child process (spawn, kept warm, memory capped where the OS allows). A crash or a timeout becomes
a French refusal for the file being parsed; the child is restarted and the other files go on.
Requests are pipelined: the caller submits files and collects verdicts in the same order, which
also lets the parsing use the machine's second core while the caller copies and hashes.

The time limit is per file, whatever travels with it: requests go to the child in batches (one
pipe message for many small files), but the child answers each as soon as it is done and
writes in shared memory which request it is on and since when. The parent gives that request
its own delay from that moment: a file's verdict never depends on the files beside it.

No Qt here: the importer, the CLI and the viewer (``rendu.py`` requests) use it."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from desktop_app.causes import Refus, cause
from desktop_app.documents.formats import sniff
from desktop_app.documents.inspection import (
    Finding,
    Inspection,
    fichier_illisible,
    inspect_bytes,
    lire,
)
from desktop_app.documents.lecture.document import Lu as LuDocument
from desktop_app.documents.paquet import Lecture, Paquet, ouvrir_paquet
from desktop_app.documents.rendu import Ouverture, RenduPage, oublier_tout
from desktop_app.documents.store import ContentStore

TIMEOUT_PAR_FICHIER = 30.0
TIMEOUT_DEMARRAGE = 120.0  # a cold start on a slow office PC, antivirus scanning the DLLs
PRET = "pret"
PAUSE_AVANT_NOUVEL_ESSAI = 0.5  # seconds, after the system refused a new process
MEMOIRE_MAX = 2 * 1024**3  # per child process, where the OS lets us cap it
ILLISIBLE = "Document illisible : son contenu n'a pas pu être lu."
EN_VOL_MAX = 32  # requests sent ahead of their answers (two batches: no idle child)
ECHEC = "Document illisible : il a fait échouer l'analyse."


class InspectionIndisponible(Refus, RuntimeError):
    """The worker process cannot start at all: nothing can be inspected. French message."""


def _refus(raison: str, size: int = 0, fmt: str | None = None) -> Inspection:
    return Inspection(size, fmt, (Finding("refus", "illisible", raison),))


def _tete(chemin: str) -> tuple[int, str | None]:
    """Size and format of a file the child failed on, read here (no parser: the first bytes
    say the format), so that a refusal after a crash or a timeout still names it."""
    try:
        with open(chemin, "rb") as handle:
            return os.fstat(handle.fileno()).st_size, sniff(handle.read(4096))
    except OSError:
        return 0, None


@dataclass(frozen=True)
class Demande:
    """Inspect a file already on disk (in the store, or given to ``check``)."""

    cle: str
    chemin: str
    taille_max: int
    formats: tuple[str, ...]
    malgre_la_taille: bool = False  # parse a file over the limit too (to display it anyway)
    delai: float | None = None  # None: the worker's timeout

    def traiter(self) -> Inspection:
        return _inspecter(self)

    def echec(self, raison: str) -> Inspection:
        """The answer when the child died or hung on this request."""
        return _refus(raison, *_tete(self.chemin))


@dataclass(frozen=True)
class Acquis:
    """What became of one file of a package: kept in the store (``sha256``) and judged."""

    sha256: str | None  # None: not kept (missing, unreadable, or too large to keep)
    erreur: str  # why it could not be read at all, in French; "" when it was read
    inspection: Inspection | None  # None when it could not be read
    nouveau: bool = False  # this import put the file in the store (it was not there before)
    panne: str = ""  # the store could not keep it (a full disk…): the import must stop


class StockageImpossible(Exception):
    """The store's disk refused a file: never a verdict on the file, an end to the import."""


@dataclass(frozen=True)
class Acquisition:
    """Read one file of a package, hash it, keep it in the store (not yet flushed: the
    importer flushes them all before its commit) and inspect it: all the per-file work of an
    import, so that several children can share it."""

    cle: str
    paquet: str
    chemin: str
    plafond: int
    magasin: str
    taille_max: int
    formats: tuple[str, ...]
    delai: float | None = None

    def traiter(self) -> Acquis:
        paquet = _PAQUETS.get(self.paquet)
        if paquet is None:
            paquet = _PAQUETS[self.paquet] = ouvrir_paquet(Path(self.paquet))
        try:
            lecture, sha, nouveau = self.garder(paquet)
        except StockageImpossible as exc:
            return Acquis(None, "", None, panne=str(exc))
        if lecture.data is None:
            return Acquis(None, lecture.erreur, None)
        size = lecture.size if lecture.size is not None else len(lecture.data)
        # Legibility (blur, resolution) is left to the viewer and to ``check``: it would cost
        # the import several times its raw copy (bench_import), for a verdict that refuses
        # nothing.
        inspection = _juger(
            lecture.data, size, self.taille_max, self.formats, juger_lisibilite=False
        )
        return Acquis(sha, "", inspection, nouveau)

    def garder(self, paquet: Paquet) -> tuple[Lecture, str | None, bool]:
        """Read the file and keep it in the store if whole (even if it will be refused: the
        gestionnaire decides); no parser sees its bytes here. Also says whether the file is
        new to the store. Raises StockageImpossible when the store's disk refuses it."""
        lecture = paquet.lire(self.chemin, self.plafond)
        if lecture.data is None or len(lecture.data) > self.plafond:
            return lecture, None, False
        sha = hashlib.sha256(lecture.data).hexdigest()
        magasin = _MAGASINS.get(self.magasin)
        if magasin is None:
            magasin = _MAGASINS[self.magasin] = ContentStore(Path(self.magasin))
        try:
            nouveau = magasin.ajouter(lecture.data, sha, durable=False)
        except OSError as exc:
            raise StockageImpossible(cause(exc)) from exc
        return lecture, sha, nouveau

    def echec(self, raison: str) -> Acquis:
        """The child died or hung on this file: it is still kept (read and hashed here, which
        parses nothing) and refused with its format, like any file the gestionnaire sees."""
        try:
            with ouvrir_paquet(Path(self.paquet)) as paquet:
                lecture, sha, nouveau = self.garder(paquet)
        except StockageImpossible as exc:
            return Acquis(None, "", None, panne=str(exc))
        except Exception:
            return Acquis(None, "", _refus(raison))
        if lecture.data is None:
            return Acquis(None, lecture.erreur, None)
        size = lecture.size if lecture.size is not None else len(lecture.data)
        return Acquis(sha, "", _refus(raison, size, sniff(lecture.data[:4096])), nouveau)


@dataclass(frozen=True)
class Liberation:
    """Close the packages a child keeps open (so that Windows lets the user move them)."""

    cle: str = "liberation"
    delai: float | None = None

    def traiter(self) -> None:
        for paquet in _PAQUETS.values():
            paquet.close()
        _PAQUETS.clear()
        oublier_tout()

    def echec(self, raison: str) -> None:
        return None


@dataclass(frozen=True)
class DemandeLecture:
    """Read a stored file for the gestionnaire (documents/lecture): MRZ, 2D-Doc, text layer.
    ``reference``: the day two-digit years are placed from; ``certificats``: the bureau's
    folders of 2D-Doc certificates."""

    cle: str
    chemin: str
    format: str
    reference: dt.date | None = None
    certificats: tuple[str, ...] = ()
    delai: float | None = None

    def traiter(self) -> LuDocument:
        from desktop_app.documents.lecture.document import lire_document

        _priorite_basse()
        return lire_document(self.chemin, self.format, self.reference, self.certificats)

    def echec(self, raison: str) -> LuDocument:
        """A file the reader could not finish (time limit, crash): nothing read, said so."""
        message = f"Lecture impossible : {raison}"
        return LuDocument(constats=(message,), echec=message)


def _priorite_basse() -> None:
    """This child yields the processor to the window and the other workers (it reads files
    in the background): nice 10 on POSIX, BELOW_NORMAL on Windows. Once, idempotent."""
    global _PRIORITE_BAISSEE
    if _PRIORITE_BAISSEE:
        return
    _PRIORITE_BAISSEE = True
    try:
        if os.name == "nt":
            import ctypes

            noyau = ctypes.windll.kernel32  # type: ignore[attr-defined]
            noyau.SetPriorityClass(noyau.GetCurrentProcess(), 0x4000)  # BELOW_NORMAL
        else:
            os.nice(10)
    except (OSError, AttributeError):
        pass  # at the normal priority: slower for the others, nothing worse


_PRIORITE_BAISSEE = False
Requete = Demande | Acquisition | Liberation | Ouverture | RenduPage | DemandeLecture
_PAQUETS: dict[str, Paquet] = {}  # in a child: the packages it reads, opened once
_MAGASINS: dict[str, ContentStore] = {}


def _limiter_memoire() -> None:
    """Cap the child's memory: RLIMIT_AS on POSIX, a Job Object on Windows. A parser that asks
    for more gets a MemoryError (a refusal) or dies (a crash): either way one file, not the
    application. Where the OS refuses, the child runs uncapped."""
    if os.name == "nt":
        with contextlib.suppress(Exception):
            _limiter_memoire_windows()
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMOIRE_MAX, MEMOIRE_MAX))
    except (ImportError, ValueError, OSError):  # a lower hard limit
        pass


def _limiter_memoire_windows() -> None:
    """Put this process in a Job Object whose per-process memory limit is MEMOIRE_MAX."""
    import ctypes
    from ctypes import wintypes

    class IoCounters(ctypes.Structure):
        _fields_ = [(name, ctypes.c_ulonglong) for name in (
            "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
            "ReadTransferCount", "WriteTransferCount", "OtherTransferCount",
        )]  # fmt: skip

    class BasicLimits(ctypes.Structure):
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64),
            ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", wintypes.DWORD),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", wintypes.DWORD),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", wintypes.DWORD),
            ("SchedulingClass", wintypes.DWORD),
        ]

    class ExtendedLimits(ctypes.Structure):
        _fields_ = [
            ("BasicLimitInformation", BasicLimits),
            ("IoInfo", IoCounters),
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    job_object_limit_process_memory = 0x100
    job_object_limit_kill_on_job_close = 0x2000
    job_object_extended_limit_information = 9
    # WinDLL exists on Windows only, where this runs: unknown to mypy elsewhere.
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    kernel32.CreateJobObjectW.restype = wintypes.HANDLE
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    job = kernel32.CreateJobObjectW(None, None)
    if not job:
        return
    limits = ExtendedLimits()
    limits.BasicLimitInformation.LimitFlags = (
        job_object_limit_process_memory | job_object_limit_kill_on_job_close
    )
    limits.ProcessMemoryLimit = MEMOIRE_MAX
    if kernel32.SetInformationJobObject(
        wintypes.HANDLE(job),
        job_object_extended_limit_information,
        ctypes.byref(limits),
        ctypes.sizeof(limits),
    ):
        kernel32.AssignProcessToJobObject(
            wintypes.HANDLE(job), wintypes.HANDLE(kernel32.GetCurrentProcess())
        )
    # The handle stays open for the child's life: closing it would end the job (and the child).


def _juger(
    data: bytes,
    size: int,
    taille_max: int,
    formats: tuple[str, ...],
    malgre: bool = False,
    juger_lisibilite: bool = True,
) -> Inspection:
    """inspect_bytes, where an unexpected parser error refuses the file instead of crashing.
    Over the limit, its size alone refuses it: no parser sees the bytes."""
    try:
        return inspect_bytes(
            data, taille_max=taille_max, formats=formats, size=size, malgre_la_taille=malgre,
            juger_lisibilite=juger_lisibilite,
        )  # fmt: skip
    except Exception:
        return _refus(ILLISIBLE, size)


def _inspecter(demande: Demande) -> Inspection:
    try:
        data, size = lire(demande.chemin, demande.taille_max, demande.malgre_la_taille)
    except OSError as exc:
        return _refus(fichier_illisible(exc))
    return _juger(data, size, demande.taille_max, demande.formats, demande.malgre_la_taille)


def _boucle(connection: Connection, etat: Any = None) -> None:
    """The child: for each batch of (numéro, request), answer each (cle, result) as soon as it
    is done; stop on None or when the parent goes away. ``etat`` (shared memory) holds the
    numéro of the request in hand (0 between two) and the monotonic time it began."""
    _limiter_memoire()
    # One thread for numpy's OpenBLAS (the reading's matrix products): the workers already
    # share the cores between them, a thread pool in each would only contend.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract's OpenMP, where built with it
    # Warm up: the first file should not pay for the imports.
    import pymupdf  # noqa: F401
    from PIL import Image  # noqa: F401

    from desktop_app.documents import jpeg, pdf  # noqa: F401

    try:
        connection.send(PRET)
        while True:
            lot = connection.recv()
            if lot is None:
                return
            for numero, requete in lot:
                if etat is not None:
                    etat[1] = time.monotonic()
                    etat[0] = numero
                resultat = _traiter(requete)
                if etat is not None:
                    etat[0] = 0
                connection.send((requete.cle, resultat))
    except (EOFError, OSError):  # the parent went away (a package refused at once): quietly
        return


def _traiter(requete: Requete) -> Any:
    """A parser's unexpected error costs its request a French refusal, not the child."""
    try:
        return requete.traiter()
    except MemoryError:
        return requete.echec("Document illisible : il demande trop de mémoire.")
    except Exception:
        return requete.echec(ILLISIBLE)


class InspectionWorker:
    """``soumettre()`` files, then iterate ``resultats()`` (same order). Use as a context
    manager; the child process is stopped on exit. Requests travel in batches of ``LOT``
    (one pipe round trip per file costs as much as a small file's parsing); answers come back
    one by one, and each request has its own time limit (see the module's docstring)."""

    LOT = 16
    cible = staticmethod(_boucle)  # what the child runs

    def __init__(self, timeout: float = TIMEOUT_PAR_FICHIER) -> None:
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._connection: Connection | None = None
        self._etat: Any = None  # the child's (numéro in hand, since when), shared memory
        self._numeros = itertools.count(1)
        self._lot: list[tuple[int, Requete]] = []  # not sent yet
        self._en_vol: deque[tuple[int, Requete]] = deque()  # sent, unanswered, oldest first
        self._prets: deque[tuple[str, Any]] = deque()
        self._suspects: set[int] = set()  # requests a child already died on once
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
        self._etat = self._context.RawArray("d", 2)
        # The system may refuse a new process (resources, a policy…; Wine now and then says
        # « Internal error », WinError 1359): tried once more after a pause, then said.
        for essai in range(2):
            processus = self._context.Process(
                target=self.cible,
                args=(child, self._etat),
                name="controle-pj-inspection",
                daemon=True,
            )
            try:
                processus.start()
                break
            except OSError as exc:
                if essai == 0:
                    time.sleep(PAUSE_AVANT_NOUVEL_ESSAI)
                    continue
                parent.close()
                child.close()
                raise InspectionIndisponible(
                    f"L'analyse des documents n'a pas pu démarrer : {cause(exc)}."
                ) from exc
        self._process = processus
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
        """Inspect a file on disk; its verdict comes back as an Inspection."""
        self.soumettre_requete(Demande(cle, str(chemin), taille_max, tuple(formats)))

    def soumettre_requete(self, requete: Requete) -> None:
        self._lot.append((next(self._numeros), requete))
        if len(self._lot) >= self.LOT:
            self._envoyer_lot()

    def _envoyer_lot(self) -> None:
        if not self._lot:
            return
        while self._en_vol and len(self._en_vol) + len(self._lot) > EN_VOL_MAX:
            self._recevoir()
        lot, self._lot = self._lot, []
        self._envoyer(lot)

    def _envoyer(self, lot: list[tuple[int, Requete]]) -> None:
        self._en_vol.extend(lot)
        try:
            self._connexion().send(lot)
        except (OSError, ValueError):  # the child died between two batches
            self._reprendre(ECHEC, crash=True)

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

    def _reste(self, numero: int, delai: float, attente: float) -> float:
        """Seconds left to request ``numero``: its delay counts from when the child began it
        (or, while it has not, from when the parent began waiting for it)."""
        debut = self._etat[1] if self._etat is not None and self._etat[0] == numero else attente
        return debut + delai - time.monotonic()

    def _recevoir(self) -> None:
        """Wait for the answer to the oldest request sent, no longer than its own delay."""
        connection = self._connexion()
        if not self._pret:
            self._attendre_pret(connection)
        numero, requete = self._en_vol[0]
        delai = requete.delai or self.timeout
        attente = time.monotonic()
        try:
            while not connection.poll(max(0.0, self._reste(numero, delai, attente))):
                if self._reste(numero, delai, attente) <= 0:
                    duree = f"{delai:g}".replace(".", ",")
                    self._reprendre(
                        f"Document illisible : son analyse a dépassé {duree} secondes "
                        "et a été interrompue.",
                        crash=False,
                    )
                    return
            cle, resultat = connection.recv()
        except (EOFError, OSError):
            self._reprendre(ECHEC, crash=True)
            return
        assert cle == requete.cle
        self._en_vol.popleft()
        self._suspects.discard(numero)
        self._prets.append((cle, resultat))

    def _reprendre(self, raison: str, crash: bool) -> None:
        """The child hung or died on the oldest unanswered request; the answers it gave
        before are kept. A hang refuses that request at once (trying again would cost another
        whole delay). A crash gives it one more try on a fresh child, first in line (the child
        may have died of something else, killed from outside); a second crash refuses it.
        Either way the requests after it are sent again to the new child."""
        self._arreter(brutalement=True)
        self.redemarrages += 1
        attente = list(self._en_vol)
        self._en_vol.clear()
        if not attente:
            return
        (numero, requete), *suite = attente
        if crash and numero not in self._suspects:
            self._suspects.add(numero)
            suite = attente
        else:
            self._suspects.discard(numero)
            self._prets.append((requete.cle, requete.echec(raison)))
        if suite:
            self._envoyer(suite)

    def demander(self, requete: Requete) -> Any:
        """One request answered now, on its own (the viewer's way: a page at a time). Nothing
        else may be pending."""
        assert not (self._lot or self._en_vol or self._prets)
        self._envoyer([(next(self._numeros), requete)])
        [(_, resultat)] = list(self.resultats())
        return resultat

    def resultats(self) -> Iterator[tuple[str, Any]]:
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
        self._suspects.clear()

    def close(self) -> None:
        self._arreter(brutalement=False)

    def __enter__(self) -> InspectionWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self._arreter(brutalement=exc[0] is not None)


class Atelier:
    """Several warm workers sharing the machine's cores, batch by batch. Verdicts come back
    per worker, each in its submission order."""

    def __init__(self, nombre: int | None = None, timeout: float = TIMEOUT_PAR_FICHIER) -> None:
        nombre = nombre or max(1, min(4, os.cpu_count() or 1))
        self.workers = [InspectionWorker(timeout) for _ in range(nombre)]
        self._soumis = 0

    def demarrer(self, attendre: bool = False) -> None:
        for worker in self.workers:
            worker.demarrer()
        if attendre:
            for worker in self.workers:
                worker.demarrer(attendre=True)

    def soumettre_requete(self, requete: Requete) -> None:
        worker = self.workers[(self._soumis // InspectionWorker.LOT) % len(self.workers)]
        worker.soumettre_requete(requete)
        self._soumis += 1

    def resultats(self) -> Iterator[tuple[str, Any]]:
        for worker in self.workers:
            yield from worker.resultats()

    def liberer(self) -> None:
        """Let every worker close the packages it read."""
        for worker in self.workers:
            if worker.pid is not None:
                worker.soumettre_requete(Liberation())
                for _ in worker.resultats():
                    pass

    def abandonner(self) -> None:
        for worker in self.workers:
            worker.abandonner()

    def close(self) -> None:
        for worker in self.workers:
            worker.close()

    def __enter__(self) -> Atelier:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            worker.__exit__(*exc)
