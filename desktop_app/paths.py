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
