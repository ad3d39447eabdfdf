"""One window per user and data folder: a second launch brings the running window forward.

The first instance listens on a local socket (a named pipe on Windows) whose name derives from
the user and the data folder; a second launch connects (and says « montrer », for versions that
waited for it) and exits."""

from __future__ import annotations

import getpass
import sys
import zlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from desktop_app import APP_ID

MONTRER = b"montrer\n"
ATTENTE_MS = 1000


def nom_du_canal(dossier: Path) -> str:
    try:
        utilisateur = getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment: the data folder suffices
        utilisateur = ""
    chemin = str(dossier.resolve())
    if sys.platform == "win32":  # C:\Users\… and c:\users\… are one folder there
        chemin = chemin.casefold()
    cle = f"{utilisateur}\0{chemin}".encode()
    # Two checksums of the key (64 bits): hashlib would load OpenSSL before the first paint
    # (3 ms); nothing here needs a cryptographic hash, only names that do not collide.
    return f"{APP_ID}-{zlib.crc32(cle):08x}{zlib.adler32(cle):08x}"


def _permettre_premier_plan() -> None:
    """Windows gives the foreground only to the process the user launched last: that is the
    second instance, which lends it to the first."""
    if sys.platform == "win32":
        import ctypes

        asfw_any = -1
        # type: ignore below: ctypes.windll exists on Windows only, where this branch runs.
        ctypes.windll.user32.AllowSetForegroundWindow(asfw_any)  # type: ignore[attr-defined]


def deja_lancee(nom: str) -> bool:
    """Whether an instance listens on ``nom``; if so it has been asked to show its window."""
    socket = QLocalSocket()
    socket.connectToServer(nom)
    if not socket.waitForConnected(ATTENTE_MS):
        return False
    _permettre_premier_plan()
    socket.write(MONTRER)
    socket.waitForBytesWritten(ATTENTE_MS)
    socket.disconnectFromServer()
    return True


class InstanceUnique(QObject):
    """The running instance's listener; ``montrer`` fires when another launch asks."""

    montrer = Signal()

    def __init__(self, nom: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.serveur = QLocalServer(self)
        self.serveur.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.serveur.listen(nom):
            # A socket left by a crashed instance (Unix): nobody answered on it, so remove it.
            QLocalServer.removeServer(nom)
            self.serveur.listen(nom)
        self.serveur.newConnection.connect(self._connexion)

    @property
    def ecoute(self) -> bool:
        return self.serveur.isListening()

    def _connexion(self) -> None:
        # The connection is the request: only a launch of this user on this data folder knows
        # the name, and Windows' named pipes may lose what a client wrote and closed before it
        # was read (seen under Wine: connected, then nothing to read).
        montrer = False
        while (socket := self.serveur.nextPendingConnection()) is not None:
            montrer = True
            socket.disconnectFromServer()
            socket.deleteLater()
        if montrer:
            self.montrer.emit()

    def close(self) -> None:
        self.serveur.close()


def mettre_au_premier_plan(fenetre: QWidget) -> None:
    from PySide6.QtCore import Qt  # (not at start: see main_window.ALIGNEMENT_CENTRE)

    etat = fenetre.windowState() & ~Qt.WindowState.WindowMinimized
    fenetre.setWindowState(etat | Qt.WindowState.WindowActive)
    fenetre.show()
    fenetre.raise_()
    fenetre.activateWindow()
