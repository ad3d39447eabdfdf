"""Crash safety, proven the way SQLite proves its own: a process records decisions through the
real service and is killed (SIGKILL) at random moments, again and again; after every kill the
database is sound, every decision it acknowledged is there, and nothing exists without its
history row."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop_app.models import Statut
from desktop_app.services.audit import verifier_historique
from desktop_app.services.espace import Espace
from desktop_app.services.importer import importer_paquet

RACINE = Path(__file__).resolve().parents[2]
DECISIONS = 1000
TUES_AU_MOINS = 50

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL n'existe pas ici"),
]


def _tuer_au_hasard(processus: subprocess.Popen[str], hasard: random.Random) -> list[str]:
    """Read the acknowledgements; kill at a random moment after the first one."""
    lignes: list[str] = []
    premiere = threading.Event()

    def lire() -> None:
        assert processus.stdout is not None
        for ligne in processus.stdout:
            lignes.append(ligne)
            premiere.set()

    lecteur = threading.Thread(target=lire, daemon=True)
    lecteur.start()
    premiere.wait(timeout=60)
    time.sleep(hasard.uniform(0, 0.12))
    processus.send_signal(signal.SIGKILL)
    processus.wait(timeout=30)
    lecteur.join(timeout=30)
    return [ligne for ligne in lignes if ligne.startswith("ACK ")]


def _etat(base: Path) -> tuple[str, dict[int, tuple[int, str]], dict[int, str | None]]:
    connexion = sqlite3.connect(base)  # recovery of the log, as the application would do
    try:
        integrite = connexion.execute("PRAGMA integrity_check").fetchone()[0]
        decisions = {
            row[0]: (row[1], row[2])
            for row in connexion.execute("SELECT id, piece_id, nouveau_statut FROM decision")
        }
        pieces = dict(connexion.execute("SELECT id, statut FROM piece").fetchall())
    finally:
        connexion.close()
    return integrite, decisions, pieces


def test_no_acknowledged_decision_is_lost_when_the_process_is_killed(
    espace: Espace, paquet_demo: Path
) -> None:
    importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    espace.close()
    hasard = random.Random(20261122)
    acquittees: dict[int, tuple[int, str]] = {}
    tues = 0
    while len(acquittees) < DECISIONS or tues < TUES_AU_MOINS:
        processus = subprocess.Popen(
            [sys.executable, "-m", "tests.unit.ecrivain", str(espace.paths.root),
             str(DECISIONS), str(hasard.randrange(1 << 30))],
            cwd=RACINE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(RACINE)},
        )  # fmt: skip
        for ligne in _tuer_au_hasard(processus, hasard):
            _, decision_id, piece_id, statut = ligne.split()
            acquittees[int(decision_id)] = (int(piece_id), statut)
        tues += 1

        integrite, decisions, pieces = _etat(espace.paths.database)
        assert integrite == "ok", f"après {tues} arrêt(s) brutal(aux) : {integrite}"
        perdues = {k: v for k, v in acquittees.items() if decisions.get(k) != v}
        assert not perdues, f"décisions acquittées puis perdues : {perdues}"
        derniere: dict[int, str] = {}
        for _, (piece_id, statut) in sorted(decisions.items()):
            derniere[piece_id] = statut
        sans_historique = {p: s for p, s in pieces.items() if derniere.get(p) != s}
        assert not sans_historique, f"statuts sans leur ligne d'historique : {sans_historique}"

    assert len(acquittees) >= DECISIONS and tues >= TUES_AU_MOINS
    from desktop_app.services.espace import ouvrir_espace

    reouvert = ouvrir_espace(espace.paths.root)
    try:
        with reouvert.db.read() as session:
            verification = verifier_historique(session)
        assert verification.intacte, verification.rapport()
        assert {Statut[s] for _, s in acquittees.values()} == {Statut.CONFORME, Statut.NON_CONFORME}
    finally:
        reouvert.close()
