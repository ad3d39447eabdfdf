"""Access to a dossier package, a folder or a .zip, without ever leaving it.

A zip is read in place (never extracted), so no entry can write anything anywhere. A path named
in pieces.csv that leaves the package (``../``, absolute, a drive, a link pointing outside) is
refused. Names are compared in NFC and, failing an exact match, without case (packages made on
Windows or macOS)."""

from __future__ import annotations

import os
import posixpath
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from desktop_app.causes import Refus


class PaquetInutilisable(Refus):
    """The package as a whole cannot be imported. The message is French, for the user."""


class CheminRefuse(ValueError):
    pass


@dataclass(frozen=True)
class Lecture:
    """The bytes of a file of the package, or why they could not be read.
    ``data`` holds at most ``plafond`` + 1 bytes; ``size`` is the size the package declares."""

    data: bytes | None
    size: int | None
    erreur: str = ""


def normaliser_chemin(chemin: str) -> str:
    """A package-relative POSIX path, or CheminRefuse if it leaves the package."""
    text = unicodedata.normalize("NFC", chemin.strip()).replace("\\", "/")
    if not text:
        raise CheminRefuse("chemin vide")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":") or text.startswith("//"):
        raise CheminRefuse(f"chemin absolu refusé : « {chemin} »")
    parts: list[str] = []
    for part in PurePosixPath(text).parts:
        if part in ("", "."):
            continue
        if part == "..":  # even « a/../b »: a path that climbs is not one a package writes
            raise CheminRefuse(f"chemin qui sort du paquet refusé : « {chemin} »")
        else:
            parts.append(part)
    if not parts:
        raise CheminRefuse(f"chemin vide : « {chemin} »")
    return posixpath.join(*parts)


class Paquet:
    nom: str

    def lire(self, chemin: str, plafond: int) -> Lecture:
        raise NotImplementedError

    def lire_texte(self, nom: str) -> bytes | None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> Paquet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# campagne.json and the CSV files: 300,000 candidatures take about 150 Mo of CSV. A larger
# one (a zip bomb, a wrong file) is refused before it is read, whatever the package's kind.
TEXT_LIMIT = 256 * 1024 * 1024


def _trop_grand(nom: str, taille: int) -> PaquetInutilisable:
    return PaquetInutilisable(
        f"{nom} dépasse {TEXT_LIMIT // (1024 * 1024)} Mo ({taille // (1024 * 1024)} Mo ou plus) : "
        "ce n'est pas un fichier d'un paquet de dossiers. Paquet refusé."
    )


class PaquetDossier(Paquet):
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.nom = root.name
        self._racine = str(self.root)
        self._dossiers: dict[str, str] = {}
        self._index: dict[str, Path] | None = None

    def _dans_le_paquet(self, path: str) -> bool:
        """Whether ``path``, links followed, stays inside the package. Folders are resolved
        once each (thousands of files share a few folders); a file that is itself a link is
        resolved on its own."""
        folder = os.path.dirname(path)
        real = self._dossiers.get(folder)
        if real is None:
            real = self._dossiers[folder] = os.path.realpath(folder)
        if not (real == self._racine or real.startswith(self._racine + os.sep)):
            return False
        if os.path.islink(path):
            target = os.path.realpath(path)
            return target.startswith(self._racine + os.sep)
        return True

    def _resolve(self, chemin: str) -> str | None:
        path = os.path.join(self._racine, *chemin.split("/"))
        if not self._dans_le_paquet(path):
            raise CheminRefuse(f"chemin qui sort du paquet refusé : « {chemin} »")
        if os.path.isfile(path):
            return path
        if self._index is None:  # not there as written: try without regard to case
            self._index = {
                unicodedata.normalize("NFC", p.relative_to(self.root).as_posix()).lower(): p
                for p in self.root.rglob("*")
                if p.is_file()
            }
        found = self._index.get(chemin.lower())
        if found is None:
            return None
        if not self._dans_le_paquet(str(found)):
            raise CheminRefuse(f"lien qui sort du paquet refusé : « {chemin} »")
        return str(found)

    def lire(self, chemin: str, plafond: int) -> Lecture:
        try:
            path = self._resolve(chemin)
        except CheminRefuse as exc:  # a link leading out: the deposit is kept, refused
            return Lecture(None, None, str(exc))
        if path is None:
            return Lecture(None, None, f"fichier absent du paquet : {chemin}")
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                # Ask for what the file holds (a read of `plafond` bytes would allocate them).
                return Lecture(handle.read(min(size, plafond) + 1), size)
        except OSError as exc:
            return Lecture(None, None, f"fichier illisible ({exc.strerror or exc})")

    def lire_texte(self, nom: str) -> bytes | None:
        try:
            path = self._resolve(nom)
        except CheminRefuse as exc:  # a link leaving the package
            raise PaquetInutilisable(f"{nom} : {exc}. Paquet refusé.") from None
        if path is None:
            return None
        taille = os.stat(path).st_size
        if taille > TEXT_LIMIT:  # refused before a byte is read
            raise _trop_grand(nom, taille)
        lecture = self.lire(nom, TEXT_LIMIT)
        if lecture.data is None:
            raise PaquetInutilisable(f"{nom} : {lecture.erreur}")
        if len(lecture.data) > TEXT_LIMIT:  # it grew meanwhile
            raise _trop_grand(nom, len(lecture.data))
        return lecture.data


class PaquetZip(Paquet):
    def __init__(self, path: Path) -> None:
        self.nom = path.name
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise PaquetInutilisable(f"{path.name} : archive ZIP illisible ({exc})") from None
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in self.zip.infolist():
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            try:
                name = normaliser_chemin(info.filename)
            except CheminRefuse:
                continue  # an entry pointing outside is never readable
            self.entries[name] = info
        self.prefix = self._find_root()
        self.lower = {k.lower(): k for k in self.entries}

    def _find_root(self) -> str:
        if "campagne.json" in self.entries:
            return ""
        tops = {name.split("/", 1)[0] for name in self.entries if "/" in name}
        roots = [t for t in tops if f"{t}/campagne.json" in self.entries]
        if len(roots) == 1:
            return roots[0] + "/"
        raise PaquetInutilisable(
            f"{self.nom} : campagne.json introuvable à la racine de l'archive "
            "ni dans son unique dossier"
        )

    def _info(self, chemin: str) -> zipfile.ZipInfo | None:
        name = self.prefix + chemin
        key = name if name in self.entries else self.lower.get(name.lower())
        return self.entries.get(key) if key else None

    def lire(self, chemin: str, plafond: int) -> Lecture:
        info = self._info(chemin)
        if info is None:
            return Lecture(None, None, f"fichier absent du paquet : {chemin}")
        if stat.S_ISLNK(info.external_attr >> 16):
            return Lecture(None, None, f"lien symbolique refusé : {chemin}")
        try:
            with self.zip.open(info) as handle:
                data = handle.read(min(info.file_size, plafond) + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            return Lecture(None, None, f"fichier illisible dans l'archive ({exc})")
        # The declared size can lie (the CRC check catches a longer entry): past the ceiling,
        # keep the larger of the two.
        size = len(data) if len(data) <= plafond else max(info.file_size, len(data))
        return Lecture(data, size)

    def lire_texte(self, nom: str) -> bytes | None:
        info = self._info(nom)
        if info is None:
            return None
        if info.file_size > TEXT_LIMIT:  # declared: refused before anything is inflated
            raise _trop_grand(nom, info.file_size)
        lecture = self.lire(nom, TEXT_LIMIT)
        if lecture.data is None:
            raise PaquetInutilisable(f"{nom} : {lecture.erreur}")
        if len(lecture.data) > TEXT_LIMIT:  # a size that lied
            raise _trop_grand(nom, len(lecture.data))
        return lecture.data

    def close(self) -> None:
        self.zip.close()


def ouvrir_paquet(path: Path) -> Paquet:
    if path.is_dir():
        if not (path / "campagne.json").is_file():
            raise PaquetInutilisable(f"{path.name} : campagne.json introuvable dans ce dossier")
        return PaquetDossier(path)
    if path.is_file():
        if zipfile.is_zipfile(path):
            return PaquetZip(path)
        raise PaquetInutilisable(f"{path.name} : ni un dossier ni une archive ZIP")
    raise PaquetInutilisable(f"{path} : introuvable")
