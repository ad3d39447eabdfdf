"""Where the file dialogs open: in the folder last used for the same purpose (an import, the
letters, an export…), and the first time in the user's Documents, never the program's folder.
Each returns None when the gestionnaire cancelled."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def _dossier(but: str) -> str:
    connu = QSettings().value(f"dossiers/{but}")
    if isinstance(connu, str) and Path(connu).is_dir():
        return connu
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def _retenir(but: str, dossier: Path) -> None:
    QSettings().setValue(f"dossiers/{but}", str(dossier))


def fichier_a_ouvrir(parent: QWidget, but: str, titre: str, filtre: str) -> Path | None:
    chemin, _ = QFileDialog.getOpenFileName(parent, titre, _dossier(but), filtre)
    if not chemin:
        return None
    _retenir(but, Path(chemin).parent)
    return Path(chemin)


def fichier_a_ecrire(
    parent: QWidget, but: str, titre: str, nom: str, filtre: str
) -> tuple[Path, str] | None:
    """The path chosen, and the filter chosen with it (the format, when several are offered)."""
    chemin, choisi = QFileDialog.getSaveFileName(
        parent, titre, str(Path(_dossier(but)) / nom), filtre
    )
    if not chemin:
        return None
    _retenir(but, Path(chemin).parent)
    return Path(chemin), choisi


def dossier_choisi(parent: QWidget, but: str, titre: str, depart: str = "") -> Path | None:
    chemin = QFileDialog.getExistingDirectory(parent, titre, depart or _dossier(but))
    if not chemin:
        return None
    _retenir(but, Path(chemin))
    return Path(chemin)
