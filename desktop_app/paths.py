"""Where the application keeps its data: one data directory holds the database and the store.

Resolution order: the ``--data-dir`` option, then the ``CONTROLE_PJ_DATA_DIR`` environment
variable, then the folder chosen in the settings dialog (kept in the user's configuration
directory, since it cannot live in the folder it designates), then the user's data directory
given by platformdirs (on Windows ``%LOCALAPPDATA%\\ControlePJ``). Nothing is ever written in the
installation folder.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir, user_log_dir

from desktop_app import APP_ID

ENV_DATA_DIR = "CONTROLE_PJ_DATA_DIR"
ENV_LOG_DIR = "CONTROLE_PJ_LOG_DIR"
ENV_CONFIG_DIR = "CONTROLE_PJ_CONFIG_DIR"  # where the chosen data folder is remembered
DATABASE_FILE = "controle-pj.sqlite3"
STORE_DIR = "fichiers"


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE_FILE

    @property
    def store(self) -> Path:
        return self.root / STORE_DIR

    @property
    def sauvegardes(self) -> Path:
        return self.root / "sauvegardes"

    @property
    def preferences(self) -> Path:
        return self.root / "parametres.json"

    def ensure(self) -> DataPaths:
        """The folders, made only when missing (a read-only folder that has them opens for
        reading), and readable by the user only on POSIX: candidates' personal data."""
        for dossier in (self.root, self.store):
            if not dossier.is_dir():
                dossier.mkdir(parents=True, exist_ok=True, mode=0o700)
        prive(self.root, self.store, self.sauvegardes, self.database)
        return self


def dossier_journal() -> Path:
    """The log directory: ``CONTROLE_PJ_LOG_DIR``, else the user's (on Windows
    ``%LOCALAPPDATA%\\ControlePJ\\Logs``)."""
    return Path(os.environ.get(ENV_LOG_DIR) or user_log_dir(APP_ID, appauthor=False))


def dossier_par_defaut() -> Path:
    return Path(user_data_dir(APP_ID, appauthor=False))


def _emplacement() -> Path:
    dossier = os.environ.get(ENV_CONFIG_DIR) or user_config_dir(APP_ID, appauthor=False)
    return Path(dossier) / "emplacement.json"


def dossier_choisi() -> Path | None:
    """The data folder chosen in the settings dialog, if any."""
    try:
        choisi = json.loads(_emplacement().read_text(encoding="utf-8")).get("dossier_donnees")
    except (OSError, ValueError, AttributeError):
        return None
    return Path(choisi) if isinstance(choisi, str) and choisi else None


def choisir_dossier(dossier: Path | None) -> None:
    """Remember ``dossier`` as the data folder from the next start (None: the default)."""
    fichier = _emplacement()
    fichier.parent.mkdir(parents=True, exist_ok=True)
    temporaire = fichier.with_name(fichier.name + ".tmp")
    texte = json.dumps({"dossier_donnees": str(dossier) if dossier else ""}, ensure_ascii=False)
    temporaire.write_text(texte, encoding="utf-8")
    os.replace(temporaire, fichier)


def prive(*chemins: Path) -> None:
    """Readable by the user only (0700 folders, 0600 files) where POSIX permissions exist; on
    Windows the per-user profile folder already is. Best effort: a folder that is not ours (a
    read-only share) is left as it is."""
    if os.name != "posix":
        return
    for chemin in chemins:
        with contextlib.suppress(OSError):
            if chemin.is_dir():
                os.chmod(chemin, 0o700)
            elif chemin.is_file():
                os.chmod(chemin, 0o600)


def proteger_creations() -> None:
    """Everything this process creates from now on (base, WAL, store, backups, log) is
    readable by the user only: umask 077 on POSIX."""
    if os.name == "posix":
        os.umask(0o077)


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> DataPaths:
    for choix in (option, os.environ.get(ENV_DATA_DIR), dossier_choisi()):
        if choix:
            return DataPaths(Path(choix).expanduser().resolve())
    return DataPaths(dossier_par_defaut())


# File systems of another machine: SQLite's write-ahead log needs memory shared between the
# processes of one machine, and their locks are unreliable (sqlite.org/wal.html, "useovernet").
SYSTEMES_RESEAU = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "ncpfs", "9p", "davfs", "fuse.sshfs",
     "fuse.davfs2", "fuse.rclone", "glusterfs", "ceph", "lustre"}
)  # fmt: skip


def sur_partage_reseau(path: Path, montages: str | None = None) -> bool:
    """Whether ``path`` lives on a network share: a UNC path or a remote drive on Windows, a
    network file system in /proc/mounts elsewhere (``montages``: that file's text, for tests)."""
    texte = str(path)
    if texte.startswith(("\\\\", "//")):
        return True
    if os.name == "nt" and montages is None:
        import ctypes

        racine = os.path.splitdrive(os.path.abspath(texte))[0] + "\\"
        DRIVE_REMOTE = 4
        # type: ignore below: ctypes.windll exists on Windows only, where this branch runs.
        return bool(ctypes.windll.kernel32.GetDriveTypeW(racine) == DRIVE_REMOTE)  # type: ignore[attr-defined]
    if montages is None:
        try:
            montages = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:  # macOS and others: nothing to read, nothing refused
            return False
    meilleur, systeme = "", ""
    absolu = os.path.abspath(texte)
    for ligne in montages.splitlines():
        champs = ligne.split()
        if len(champs) < 3:
            continue
        point = champs[1].replace("\\040", " ")
        dedans = absolu == point or absolu.startswith(point.rstrip("/") + "/")
        if dedans and len(point) > len(meilleur):
            meilleur, systeme = point, champs[2]
    return systeme in SYSTEMES_RESEAU
