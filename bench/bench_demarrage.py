"""Start-up at 100,000 (or 300,000) candidatures: how long from launching the application
until its window is painted, until the candidature list is usable (its first screen listed,
``PREMIER_ECRAN``) and until it is whole, beside a bare QApplication whose empty main window
is painted (the raw baseline), launched alternately in the same run (the goal: the window
within 1.5 × the baseline, the list within 1 s after it at 100,000 and 2 s at 300,000).

    python -m bench.bench_demarrage [--candidatures 300000] [--repetitions 5]

Each launch is a new process (offscreen), as a user's double click would be; the times are
taken from the parent's clock before it starts the process."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

# (The rest is imported by the parent only: the child launched imports this module and should
# cost the application's start nothing the bare baseline does not pay.)

RACINE = Path(__file__).resolve().parents[1]

# The raw baseline: a bare QApplication and an empty main window, until it is painted. Its
# paint is seen as the application's is, by the window's own paintEvent: an event filter on
# the whole application hands every object to Python, and the first object of an internal Qt
# class makes PySide build all of its ~250 QObject classes (25-45 ms before the first paint of
# a window with a central widget), which the application itself never pays at start.
NU = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
class Fenetre(QMainWindow):
    def paintEvent(self, event):
        super().paintEvent(event)
        print("peinte", time.time(), flush=True)
        QTimer.singleShot(0, app.quit)
w = Fenetre()
w.resize(1400, 900)
w.show()
app.exec()
"""


ENFANT = "import sys; from bench.bench_demarrage import enfant; enfant(sys.argv[1])"


def enfant(dossier: str) -> None:
    """The application as launched (desktop_app.cli.main), telling when its window is first
    painted and when its candidature list is filled."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QPaintEvent

    from desktop_app.cli import main
    from desktop_app.views.main_window import PREMIER_ECRAN, MainWindow  # (light: the rooms
    # come later, and the list's class is hooked once they are built)

    vus: set[str] = set()

    def vu(quoi: str, *details: object) -> None:
        print(quoi, time.time(), *details, flush=True)
        vus.add(quoi)
        if vus == {"peinte", "liste", "entiere"}:  # the rest (a backup at exit) is not timed
            QTimer.singleShot(0, lambda: os._exit(0))

    peindre = MainWindow.paintEvent
    montrer_campagne = MainWindow._montrer_campagne
    installer = MainWindow.installer

    def peinte(fenetre: MainWindow, event: QPaintEvent) -> None:
        peindre(fenetre, event)
        if "peinte" not in vus:
            vu("peinte")

    def montrer(fenetre: MainWindow, *lu: Any) -> None:
        montrer_campagne(fenetre, *lu)
        if lu[1].lignes:  # (the campaign, its list prepared, …): its first screen
            vu("liste", len(lu[1].lignes))
            if len(lu[1].lignes) < PREMIER_ECRAN:  # all of it at once
                vu("entiere", len(lu[1].lignes))

    def installer_et_suivre(fenetre: MainWindow, espace: Any) -> None:
        installer(fenetre, espace)
        completer_liste = type(fenetre.liste).completer

        def completer(liste: Any, preparee: Any) -> None:
            completer_liste(liste, preparee)
            vu("entiere", len(preparee.lignes))

        type(fenetre.liste).completer = completer  # type: ignore[method-assign]

    MainWindow.paintEvent = peinte  # type: ignore[method-assign]
    MainWindow._montrer_campagne = montrer  # type: ignore[method-assign]
    MainWindow.installer = installer_et_suivre  # type: ignore[method-assign]
    os.environ["CONTROLE_PJ_DATA_DIR"] = dossier  # launched as a double click: no argument
    sys.exit(main([]))


def lancer(commande: list[str], env: dict[str, str]) -> dict[str, float]:
    import subprocess

    debut = time.time()
    sortie = subprocess.run(commande, env=env, capture_output=True, text=True, timeout=600)
    temps = {}
    for ligne in sortie.stdout.splitlines():
        mots = ligne.split()
        if mots and mots[0] in ("peinte", "liste", "entiere"):
            temps[mots[0]] = float(mots[1]) - debut
    if "peinte" not in temps:
        raise SystemExit(f"lancement sans fenêtre peinte : {sortie.stdout}\n{sortie.stderr}")
    return temps


def main() -> None:
    import argparse
    import compileall
    import tempfile

    from bench.harness import Mesure, base_bench, dossier_bench

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidatures", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    args.data_dir = args.data_dir or dossier_bench(args.candidatures)
    base_bench(args.data_dir, args.candidatures)
    # Launched as installed: its modules compiled already (the frozen build ships their
    # bytecode). Where PYTHONDONTWRITEBYTECODE is set (these machines, CI), each launch
    # compiled again the modules changed since the last compilation: 10-20 ms of the paint.
    compileall.compile_dir(RACINE / "desktop_app", quiet=1)
    reglages = tempfile.mkdtemp(prefix="bench-demarrage-")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONTROLE_PJ_LOG_DIR": reglages,
           "CONTROLE_PJ_CONFIG_DIR": reglages, "XDG_CONFIG_HOME": reglages,
           "PYTHONPATH": str(RACINE)}  # fmt: skip
    nu, fenetre, liste = Mesure("nu", []), Mesure("fenêtre", []), Mesure("liste", [])
    total = Mesure("lancement → liste", [])
    entiere = Mesure("liste entière", [])
    for _ in range(args.repetitions):
        nu.durees.append(lancer([sys.executable, "-c", NU], env)["peinte"])
        temps = lancer([sys.executable, "-c", ENFANT, str(args.data_dir)], env)
        fenetre.durees.append(temps["peinte"])
        # (before the window is painted, the list is filled at once when it is: 0)
        liste.durees.append(max(0.0, temps["liste"] - temps["peinte"]))
        total.durees.append(temps["liste"])
        entiere.durees.append(max(0.0, temps["entiere"] - temps["peinte"]))
    print(f"Démarrage à {args.candidatures} candidatures ({args.repetitions} lancements, médianes)")
    print(f"  fenêtre nue peinte (référence)   {nu.mediane:6.2f} s")
    print(f"  fenêtre de l'application peinte  {fenetre.mediane:6.2f} s  "
          f"({fenetre.mediane / nu.mediane:.2f} × la référence ; objectif ≤ 1,5)")  # fmt: skip
    print(f"  liste utilisable, après la fenêtre {liste.mediane:4.2f} s  "
          f"(ses premières candidatures, le premier dossier ouvert une fois la liste peinte ; "
          f"objectif ≤ {1 if args.candidatures <= 100_000 else 2} s)")  # fmt: skip
    print(f"  liste utilisable, depuis le lancement {total.mediane:4.2f} s")
    print(
        f"  liste entière, après la fenêtre  {entiere.mediane:6.2f} s  "
        "(la recherche, les filtres et les tris l'attendent)"
    )


if __name__ == "__main__":
    main()
