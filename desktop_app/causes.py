"""The cause of a failure said in French, in a few words: what the disk or the database
answered, never the driver's English. No Qt, no dependency: every layer uses it (the workers
too, when the store's disk refuses a file)."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

# What SQLite says (in any driver's wrapping), and what a gestionnaire reads.
_SQLITE = (
    ("database is locked", "la base est utilisée par un autre programme"),
    ("database table is locked", "la base est utilisée par un autre programme"),
    ("busy", "la base est utilisée par un autre programme"),
    ("readonly database", "la base est en lecture seule"),
    ("read-only", "le disque est en lecture seule"),
    ("database or disk is full", "le disque est plein"),
    ("disk i/o error", "le disque a renvoyé une erreur de lecture ou d'écriture"),
    ("unable to open database file", "le fichier de la base ne s'ouvre pas"),
    ("database disk image is malformed", "le fichier de la base est endommagé"),
)
_ERRNO = {
    errno.ENOSPC: "le disque est plein",
    getattr(errno, "EDQUOT", -1): "le quota du disque est atteint",
    errno.EROFS: "le disque est en lecture seule",
    errno.EACCES: "accès refusé",
    errno.EPERM: "opération non permise",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EIO: "le disque a renvoyé une erreur de lecture ou d'écriture",
}


def cause(exc: BaseException, dossier: Path | None = None) -> str:
    """French words for ``exc``: its errno for an OSError, SQLite's message for a database
    error (the driver's own exception is looked at), else its first line. With ``dossier``:
    an I/O error where that folder's disk has no room left is said to be a full disk (SQLite
    says « disk I/O error » when it cannot create its shared-memory file)."""
    if dossier is not None and _plein(dossier):
        return "le disque est plein"
    original = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's exception
    if isinstance(original, OSError) and original.errno in _ERRNO:
        return _ERRNO[original.errno]
    texte = str(original).strip()
    minuscules = texte.lower()
    for anglais, francais in _SQLITE:
        if anglais in minuscules:
            return francais
    if isinstance(original, OSError):
        return original.strerror or texte or type(original).__name__
    return texte.splitlines()[0] if texte else type(original).__name__


def _plein(dossier: Path) -> bool:
    try:
        return shutil.disk_usage(dossier).free < 256 * 1024
    except OSError:
        return False


def disque_plein(exc: BaseException) -> bool:
    """The disk (or the user's quota) is full: an error, never a verdict on a file."""
    original = getattr(exc, "orig", None) or exc
    if isinstance(original, OSError):
        return original.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1))
    return "database or disk is full" in str(original).lower()


class Refus(Exception):
    """A refusal whose message already says in French what is wrong and what to do: shown as
    it is, wherever it comes from (its module may be loaded only when used)."""
