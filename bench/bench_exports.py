"""Exports of the follow-up at 100,000 (or 300,000) candidatures: the status matrix (read,
XLSX, CSV) against a raw csv.writer of the same rows, the worklists and the dashboard, and how
long the window's event loop waits while the XLSX is written in the background (what a freeze
would be).

python -m bench.bench_exports [--candidatures 300000] [--data-dir DIR] [--repetitions N]
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import tempfile
import time
from itertools import pairwise
from pathlib import Path

from bench.harness import Mesure, alterner, base_bench, dossier_bench, mesurer

# The rows the worklists start from, fetched with the sqlite3 module alone: the pièces not
# Conforme of the campaign, and the deposits of their latest round.
PIECES_BRUTES = (
    "SELECT p.id, p.candidature_id, p.catalogue_id, p.statut, p.commentaire, p.version_id "
    "FROM piece p JOIN candidature c ON c.id = p.candidature_id "
    "WHERE c.campagne_id = ? AND (p.statut IS NULL OR p.statut != 'CONFORME') "
    "ORDER BY p.candidature_id"
)
FICHIERS_BRUTS = (
    "SELECT d.piece_id, d.tour, d.recevable FROM depot d JOIN piece p ON p.id = d.piece_id "
    "JOIN candidature c ON c.id = p.candidature_id "
    "WHERE c.campagne_id = ? AND (p.statut IS NULL OR p.statut != 'CONFORME')"
)


def lecture_brute(base: Path, campagne_id: int) -> None:
    with sqlite3.connect(f"{base.as_uri()}?mode=ro", uri=True) as connexion:
        connexion.execute(PIECES_BRUTES, (campagne_id,)).fetchall()
        connexion.execute(FICHIERS_BRUTS, (campagne_id,)).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidatures", type=int, default=100_000, help="100000 ou 300000")
    parser.add_argument("--data-dir", type=Path, help="défaut : /tmp/controle-pj-bench-<n>k")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    args.data_dir = args.data_dir or dossier_bench(args.candidatures)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from desktop_app.services.echeances import suivi
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.services.exports import ecrire_matrice_csv, ecrire_matrice_xlsx, matrice
    from desktop_app.services.requetes import campagnes
    from desktop_app.services.tableau_de_bord import tableau_de_bord

    base_bench(args.data_dir, args.candidatures)
    espace = ouvrir_espace(args.data_dir)
    with espace.db.read() as session:
        campagne_id = campagnes(session)[0].id
    sortie = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    n = args.repetitions

    with espace.db.read() as session:
        m = matrice(session, campagne_id)
        lecture = mesurer("lecture", lambda: matrice(session, campagne_id), n)
        listes, listes_brut = alterner(
            ("listes", lambda: suivi(session, campagne_id)),
            ("brut", lambda: lecture_brute(args.data_dir / "controle-pj.sqlite3", campagne_id)),
            n,
        )
        tableau = mesurer("tableau", lambda: tableau_de_bord(session, campagne_id), n)

    def brut() -> None:
        with (sortie / "brut.csv").open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f, delimiter=";").writerows([m.colonnes, *m.lignes])

    raw = mesurer("brut", brut, n)
    en_csv = mesurer("csv", lambda: ecrire_matrice_csv(m, sortie / "m.csv"), n)
    en_xlsx = mesurer("xlsx", lambda: ecrire_matrice_xlsx(m, sortie / "m.xlsx"), n)

    # The window while the XLSX is written by TacheAvecProgression: the longest wait between
    # two ticks of a 10 ms timer is how long the window would not answer.
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QWidget

    from desktop_app.app import creer_application
    from desktop_app.views.taches import TacheAvecProgression

    app = creer_application()
    fenetre = QWidget()
    fenetre.show()
    ticks: list[float] = []
    minuteur = QTimer()
    minuteur.timeout.connect(lambda: ticks.append(time.perf_counter()))
    minuteur.start(10)
    tache = TacheAvecProgression(
        fenetre, "Matrice", lambda p: ecrire_matrice_xlsx(m, sortie / "g.xlsx", p)
    )
    boucle = QEventLoop()
    tache.finished.connect(lambda *_: boucle.quit())
    debut = time.perf_counter()
    tache.start()
    boucle.exec()
    duree_gui = time.perf_counter() - debut
    minuteur.stop()
    attentes = sorted(b - a for a, b in pairwise(ticks))
    gel = Mesure("attente", attentes)
    fenetre.close()
    del app
    espace.close()

    lignes = len(m.lignes)
    print(f"Matrice de {lignes} candidatures × {len(m.codes)} pièces ({n} répétitions, médianes)")
    print(f"  lecture des statuts       {lecture.mediane:6.2f} s")
    print(
        f"  CSV                       {en_csv.mediane:6.2f} s  "
        f"({en_csv.mediane / raw.mediane:.1f} × csv.writer brut : {raw.mediane:.2f} s)"
    )
    print(
        f"  XLSX                      {en_xlsx.mediane:6.2f} s  "
        f"({en_xlsx.mediane / raw.mediane:.1f} × csv.writer brut)"
    )
    print(f"  listes (relances, annulations, suggestions) {listes.mediane:6.2f} s  "
          f"({listes.mediane / listes_brut.mediane:.1f} × la lecture brute des pièces non "
          f"conformes et de leurs fichiers : {listes_brut.mediane:.2f} s)")  # fmt: skip
    print(f"  tableau de bord           {tableau.mediane:6.2f} s")
    print(f"Fenêtre pendant l'écriture XLSX en tâche de fond ({duree_gui:.1f} s) : attente "
          f"entre deux événements p50 {gel.mediane * 1000:.0f} ms, p95 {gel.p95() * 1000:.0f} ms, "
          f"max {max(attentes) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
