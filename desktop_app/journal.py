"""The application's log: rotated files in the user's log directory, and native crashes.

The log helps support find *where* something failed, never *whom* it concerned: it records
code locations, exception types and error numbers, not exception messages (they may quote a
candidate's name, a file name or a comment). The user sees the full message on screen.
``faulthandler`` writes the Python stacks of a native crash (a parser, a driver) to
``plantages.log`` beside it. No Qt here: the command line logs the same way."""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import IO

import desktop_app

FICHIER = "controle-pj.log"
PLANTAGES = "plantages.log"
FENETRE = "fenetre-ouverte"  # a session that got as far as its window leaves this mark
TAILLE_MAX = 1024 * 1024  # bytes a log file; then it rotates
ANCIENS = 5  # rotated files kept


class JournalTournant(logging.FileHandler):
    """The log file, renamed ``.1`` (the older ones ``.2`` … ``.{ANCIENS}``) before a record
    would take it past ``TAILLE_MAX``, as ``logging.handlers.RotatingFileHandler`` does.
    That module is not imported at start: with socket, pickle and queue it cost the window's
    first paint 8 ms. A rotation that fails (on Windows another process holds the file) is
    tried again at the next record; the file grows meanwhile."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._plein(record):
                self._tourner()
        except OSError:
            pass
        super().emit(record)

    def _plein(self, record: logging.LogRecord) -> bool:
        if self.stream is None:
            self.stream = self._open()
        position = self.stream.tell()
        return bool(position) and position + len(self.format(record)) + 1 >= TAILLE_MAX

    def _tourner(self) -> None:
        if self.stream is not None:  # (reopened by the record written next)
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        base = self.baseFilename
        for i in range(ANCIENS - 1, 0, -1):
            if os.path.exists(f"{base}.{i}"):
                os.replace(f"{base}.{i}", f"{base}.{i + 1}")
        os.replace(base, f"{base}.1")


_plantages: IO[str] | None = None
_plantage_precedent: Path | None = None
_avant_la_fenetre = False  # that crash came before any window: a failed start, not a session
_fichier: Path | None = None


def resume_exception(exc: BaseException) -> str:
    """An exception as the log keeps it: its type, and its error number when it has one."""
    nom = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ("builtins", "__main__"):
        nom = f"{module}.{nom}"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{nom} [errno {exc.errno}]"
    return nom


class SansDonnees(logging.Formatter):
    """Tracebacks with their frames and exception types, without the exceptions' messages
    (our own log lines name records by their number, never by a person's name)."""

    def format(self, record: logging.LogRecord) -> str:
        deja = record.exc_text  # another handler may have cached the full traceback
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = deja

    # type: ignore below: logging's own signature takes an exc_info tuple it does not annotate.
    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def]
        _type, exc, tb = ei
        lignes = ["Traceback (most recent call last):\n"]
        lignes += [  # the frames without their source line, which may quote data
            f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
            for f in traceback.extract_tb(tb)
        ]
        lignes.append(resume_exception(exc) if exc is not None else str(_type))
        cause = exc.__cause__ or exc.__context__ if exc is not None else None
        if cause is not None:
            lignes.append(f"\n(à la suite de {resume_exception(cause)})")
        return "".join(lignes).rstrip()


def fichier() -> Path | None:
    """The log file, once ``configurer`` has run (None: it could not be written)."""
    return _fichier


def plantage_precedent() -> Path | None:
    """The report of a native crash that ended the previous session, set aside at start."""
    return _plantage_precedent


def avant_la_fenetre() -> bool:
    """The previous crash came before the window opened (Qt missing a library, typically):
    the start failed, no session was cut short."""
    return _avant_la_fenetre


def fenetre_ouverte() -> None:
    """Mark that this session opened its window (a crash from now on ends a session)."""
    if _fichier is not None:
        with contextlib.suppress(OSError):
            (_fichier.parent / FENETRE).touch()


def _mettre_de_cote(repertoire: Path) -> Path | None:
    """A non-empty plantages.log is a crash of the previous session: renamed with the time,
    the five newest kept. (On Windows a running instance holds the file: it stays.)"""
    rapport = repertoire / PLANTAGES
    try:
        if rapport.stat().st_size == 0:
            return None
        garde = repertoire / f"plantage-{time.strftime('%Y%m%d-%H%M%S')}.log"
        os.replace(rapport, garde)
        for vieux in sorted(repertoire.glob("plantage-*.log"))[:-ANCIENS]:
            vieux.unlink()
    except OSError:
        return None
    return garde


def configurer(repertoire: Path, fenetre: bool = True) -> Path | None:
    """Log INFO and above to a rotated file in ``repertoire``, and native crashes beside it.
    ``fenetre``: the window starts, and takes up the report of a crash of the previous session
    (a command of the command line leaves it for the window to tell). Returns the log file, or
    None if the directory cannot be written (nothing is lost but the log: the application
    still runs)."""
    global _plantages, _fichier, _plantage_precedent, _avant_la_fenetre
    try:
        repertoire.mkdir(parents=True, exist_ok=True)
        handler = JournalTournant(repertoire / FICHIER, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(SansDonnees("%(asctime)s %(levelname)s %(name)s : %(message)s"))
    racine = logging.getLogger()
    for ancien in [h for h in racine.handlers if getattr(h, "_controle_pj", False)]:
        racine.removeHandler(ancien)
        ancien.close()
    # type: ignore below: a mark of our own on the handler, to find it again.
    handler._controle_pj = True  # type: ignore[attr-defined]
    racine.addHandler(handler)
    racine.setLevel(logging.INFO)
    _plantage_precedent = _mettre_de_cote(repertoire) if fenetre else None
    marque = repertoire / FENETRE
    _avant_la_fenetre = _plantage_precedent is not None and not marque.exists()
    if fenetre:
        with contextlib.suppress(OSError):
            marque.unlink(missing_ok=True)  # this session has not opened its window yet
    if not faulthandler.is_enabled():  # already on (PYTHONFAULTHANDLER, pytest): left as is
        try:
            _plantages = (repertoire / PLANTAGES).open("a", encoding="utf-8")
            faulthandler.enable(_plantages, all_threads=True)
        except OSError:
            pass
    _fichier = repertoire / FICHIER
    # (The window's start logs its version once painted: reading the package's metadata
    # would cost its first paint 25 ms.)
    version = "" if fenetre else f" de la version {desktop_app.__version__}"
    logging.getLogger("desktop_app").info(
        "démarrage%s, Python %s, %s, pid %s", version, sys.version.split()[0], sys.platform,
        os.getpid(),
    )  # fmt: skip
    return _fichier


def consigner_exception(quoi: str, exc: BaseException) -> None:
    """Log ``exc`` with its traceback (as SansDonnees writes it)."""
    logging.getLogger("desktop_app").error(quoi, exc_info=(type(exc), exc, exc.__traceback__))
