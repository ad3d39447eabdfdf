"""The application's start as a double click runs it (``desktop_app.cli.main`` in a process of
its own): the window painted before the base is opened and before SQLAlchemy is even loaded,
then the base opened in a thread, the campaign read, the first dossier opened, and the window
closed with exit code 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop_app.services.espace import Espace

PROGRAMME = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop_app.cli import main
from desktop_app.views.main_window import MainWindow

LOURDS = ("sqlalchemy", "numpy", "PIL", "pymupdf", "fitz", "openpyxl")
# Not needed before the first paint (the single instance's QtNetwork is: it asks a running
# window to come forward instead of opening a second one).
INUTILES = ("logging.handlers", "hashlib", "html", "socket", "datetime")
vu = {}

def charges():
    return sorted(m for m in LOURDS if m in sys.modules)

def fenetre():
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)

# (The paint seen by the window's own paintEvent: an event filter on the whole application
# would make PySide build its types, as the application does not.)
peindre = MainWindow.paintEvent

def paintEvent(self, event):
    peindre(self, event)
    if "peinte" not in vu:
        import PySide6.QtCore
        vu["peinte"] = {"charges": charges(), "texte": self.vide.text(),
                        "installee": self.installee,
                        "inutiles": sorted(m for m in INUTILES if m in sys.modules),
                        "espace_qt": "Qt" in vars(PySide6.QtCore)}

MainWindow.paintEvent = paintEvent

def surveiller():
    w = fenetre()
    pret = (w is not None and w.installee and not w.lecture_en_cours
            and w.candidature_id is not None and w.tache_en_cours is None)
    if not pret:
        return
    vu["prete"] = {"charges": charges(), "lignes": w.candidatures.rowCount(),
                   "titre": w.windowTitle(), "piece": w.piece is not None}
    minuterie.stop()
    w.close()

demarrer = QApplication.__init__
minuterie = None

def __init__(self, *args):
    global minuterie
    demarrer(self, *args)
    minuterie = QTimer(self)
    minuterie.timeout.connect(surveiller)
    minuterie.start(50)
    QTimer.singleShot(60_000, lambda: QApplication.exit(3))

QApplication.__init__ = __init__
code = main(["--data-dir", sys.argv[1]])
print(json.dumps(vu))
sys.exit(code)
"""


def test_la_fenetre_est_peinte_avant_l_ouverture_de_la_base_puis_la_campagne_s_y_affiche(
    espace_demo: Espace,
) -> None:
    espace = espace_demo  # the demo package, imported
    espace.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    sortie = subprocess.run(
        [sys.executable, "-c", PROGRAMME, str(espace.paths.root)],
        capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip
    plantage = Path(os.environ["CONTROLE_PJ_LOG_DIR"]) / "plantages.log"
    assert sortie.returncode == 0, (sortie.stderr, plantage.exists() and plantage.read_text())
    vu = json.loads(sortie.stdout.strip().splitlines()[-1])
    peinte, prete = vu["peinte"], vu["prete"]
    # Painted first: nothing of the base loaded yet, and it says what comes.
    assert peinte == {"charges": [], "texte": "<h2>Ouverture de la base…</h2>",
                      "installee": False, "inutiles": [], "espace_qt": False}  # fmt: skip
    # Then the campaign, its first dossier and pièce: still without the documents' libraries
    # (numpy came with the first dossier's look for re-scans: 0.15 s of it).
    assert prete["charges"] == ["sqlalchemy"]
    assert prete["lignes"] == 40 and prete["piece"]
    assert prete["titre"].endswith("— Contrôle PJ")
