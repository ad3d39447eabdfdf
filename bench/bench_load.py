"""Loading the candidature list with its per-status counts, at 100,000 candidatures.

    python bench/bench_load.py [--data-dir DIR] [--candidatures 100000] [--repetitions 7]

Builds the demo campaign in DIR the first time (files shared at that scale; a few minutes),
then times ``lister_candidatures`` (what the window calls) beside a raw baseline: the same two
SQL queries fetched with the sqlite3 module alone, in the same run. Issue 2 asks for < 1 s."""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import alterner, ligne

# The same query as lister_candidatures, fetched with the sqlite3 module alone.
RAW = (
    "SELECT c.id, d.n_candidat, c.n_inscription, d.nom_naissance, d.nom_usage, d.prenoms, "
    "d.date_naissance, c.specialite, c.pieces_sans_statut, c.pieces_recues, "
    "c.pieces_non_conformes, c.pieces_conformes, c.pieces_attente_pj, "
    "c.pieces_attente_controle FROM candidature c JOIN candidat d ON d.id = c.candidat_id "
    "WHERE c.campagne_id = ? ORDER BY d.nom_naissance, d.prenoms, c.id"
)


def main() -> None:
    from desktop_app.services.demo import installer_demo
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.services.requetes import campagnes, lister_candidatures

    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "controle-pj-bench-100k"
    )
    parser.add_argument("--candidatures", type=int, default=100_000)
    parser.add_argument("--repetitions", type=int, default=7)
    args = parser.parse_args()

    espace = ouvrir_espace(args.data_dir)
    with espace.db.read() as session:
        existing = campagnes(session)
    if not existing or existing[0].candidatures != args.candidatures:
        if existing:
            sys.exit(f"{args.data_dir} holds another campaign: choose an empty --data-dir")
        print(
            f"Construction de la campagne de {args.candidatures} candidatures dans "
            f"{args.data_dir} (une seule fois)…",
            flush=True,
        )
        installer_demo(
            espace.db,
            espace.store,
            args.candidatures,
            reference=dt.date(2026, 11, 22),
            worker=espace.inspection,
        )
        with espace.db.read() as session:
            existing = campagnes(session)
    campagne_id = existing[0].id
    raw = sqlite3.connect(espace.paths.database)

    def brut() -> None:
        raw.execute(RAW, (campagne_id,)).fetchall()

    resultat: list[object] = []

    def reel() -> None:
        with espace.db.read() as session:
            resultat[:] = lister_candidatures(session, campagne_id)

    m_brut, m_reel = alterner(("brut", brut), ("réel", reel), args.repetitions)
    print(
        f"Chargement de {len(resultat)} candidatures avec leurs compteurs par statut "
        f"(médianes sur {args.repetitions} répétitions alternées)"
    )
    ligne("la même requête SQL, brute (sqlite3, fetchall)", f"{m_brut.mediane * 1000:7.0f} ms")
    ligne(
        "lister_candidatures (objectif < 1 s)",
        f"{m_reel.mediane * 1000:7.0f} ms (p95 {m_reel.p95() * 1000:.0f} ms)",
    )
    ligne("rapport réel / brut", f"{m_reel.mediane / m_brut.mediane:.2f}")
    raw.close()
    espace.close()


if __name__ == "__main__":
    main()
