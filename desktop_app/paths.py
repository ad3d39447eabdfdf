"""Where the application keeps its data: one data directory holds the database and the store.

Resolution order: the ``--data-dir`` option, then the ``CONTROLE_PJ_DATA_DIR`` environment
variable, then the user's data directory given by platformdirs (on Windows
``%LOCALAPPDATA%\\ControlePJ``). Nothing is ever written in the installation folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir

from desktop_app import APP_ID

ENV_DATA_DIR = "CONTROLE_PJ_DATA_DIR"
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
    def settings(self) -> Path:
        return self.root / "parametres.json"

    @property
    def logs(self) -> Path:
        return Path(user_log_dir(APP_ID, appauthor=False))

    def ensure(self) -> DataPaths:
        self.root.mkdir(parents=True, exist_ok=True)
        self.store.mkdir(exist_ok=True)
        return self


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> DataPaths:
    if option:
        return DataPaths(Path(option).expanduser().resolve())
    from_env = os.environ.get(ENV_DATA_DIR)
    if from_env:
        return DataPaths(Path(from_env).expanduser().resolve())
    return DataPaths(Path(user_data_dir(APP_ID, appauthor=False)))


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
