"""What durability costs. A decision's commit (the real service, one transaction each, hash
chain included) with ``synchronous=FULL`` beside ``NORMAL`` in the same run, alternated on two
copies of one database; and the backup of the 100,000-candidature database (SQLite's backup
API + integrity_check of the copy) beside a raw file copy of the same file.

python -m bench.bench_durabilite [--data-dir DIR] [--decisions N] [--repetitions N]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench.harness import Mesure, alterner, base_bench, ligne, mesurer


def _decisions(dossier: Path, n: int) -> tuple[Mesure, Mesure]:
    """p50/p95 of one decision's commit, FULL and NORMAL, alternating batches of 25."""
    import random

    from sqlalchemy import event, select

    from desktop_app.models import Depot, Statut
    from desktop_app.services.decisions import DecisionRefusee, enregistrer_decision
    from desktop_app.services.demo import installer_demo
    from desktop_app.services.espace import ouvrir_espace

    source = ouvrir_espace(dossier / "source")
    installer_demo(source.db, source.store, 300, worker=source.inspection)
    source.close()
    espaces = {}
    for mode in ("FULL", "NORMAL"):
        shutil.copytree(dossier / "source", dossier / mode)
        e = ouvrir_espace(dossier / mode)
        if mode == "NORMAL":  # after the application's own PRAGMAs: this one wins

            @event.listens_for(e.db.engine, "connect")
            def _normal(connexion: object, _record: object) -> None:
                connexion.execute("PRAGMA synchronous = NORMAL")  # type: ignore[attr-defined]

        espaces[mode] = e
    with espaces["FULL"].db.read() as s:
        pieces = sorted(set(s.scalars(select(Depot.piece_id).where(Depot.recevable.is_(True)))))
    hasard = random.Random(1)
    mesures = {mode: Mesure(f"décision, synchronous={mode}", []) for mode in espaces}
    for _ in range(n // 25):
        for mode, e in espaces.items():
            for _ in range(25):
                piece_id = hasard.choice(pieces)
                statut = hasard.choice([Statut.CONFORME, Statut.NON_CONFORME])
                debut = time.perf_counter()
                try:
                    with e.db.write() as s:
                        enregistrer_decision(s, piece_id, statut, "Banc", fichier_affiche=True,
                                             commentaire="Pièce illisible")  # fmt: skip
                except DecisionRefusee:
                    continue
                mesures[mode].durees.append(time.perf_counter() - debut)
    for e in espaces.values():
        e.close()
    return mesures["FULL"], mesures["NORMAL"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "controle-pj-bench-100k"
    )
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()

    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.services.sauvegardes import Motif, copier, probleme, sauvegarder

    print("Coût d'une décision (service réel, une transaction, chaînage compris)")
    with tempfile.TemporaryDirectory() as dossier:
        full, normal = _decisions(Path(dossier), args.decisions)
    for m in (full, normal):
        ligne(m.nom, f"p50 {m.mediane * 1000:.2f} ms, p95 {m.p95() * 1000:.2f} ms "
                     f"({len(m.durees)} décisions)")  # fmt: skip
    ligne("FULL / NORMAL (p50)", f"{full.mediane / normal.mediane:.2f}")

    base_bench(args.data_dir)
    debut = time.perf_counter()
    espace = ouvrir_espace(args.data_dir)  # a base of an older schema is migrated here
    ouverture = time.perf_counter() - debut
    base = espace.paths.database
    espace.close()
    print(f"Sauvegarde de la base à 100 000 candidatures ({base.stat().st_size / 1e6:.0f} Mo)")
    ligne("ouverture (vérification, et migration s'il y en a une)", f"{ouverture:.2f} s")
    with tempfile.TemporaryDirectory(dir=base.parent) as dossier:
        cible = Path(dossier)
        brut, complete = alterner(
            ("copie brute du fichier", lambda: shutil.copyfile(base, cible / "brut.sqlite3")),
            ("sauvegarde vérifiée", lambda: sauvegarder(base, cible, Motif.MANUELLE)),
            args.repetitions,
        )
        c = cible / "c.sqlite3"
        copie = mesurer("API de sauvegarde seule", lambda: copier(base, c), args.repetitions,
                        lambda: c.unlink(missing_ok=True))  # fmt: skip
        verif = mesurer("integrity_check de la copie", lambda: probleme(c), args.repetitions)
        rapide = mesurer("quick_check (vérification à l'ouverture)",
                         lambda: probleme(base, complet=False), args.repetitions)  # fmt: skip
    for m in (brut, complete, copie, verif, rapide):
        ligne(m.nom, f"{m.mediane:.2f} s (médiane de {len(m.durees)})")
    ligne("sauvegarde vérifiée / copie brute", f"{complete.mediane / brut.mediane:.1f}")

    # verify-audit: the chain, each pièce against its last entry, the backups' anchors; beside
    # a raw read of the same history's rows (sqlite3, no check).
    import sqlite3

    from desktop_app.services.audit import ancres_des_sauvegardes, verifier_historique

    def lire_brut() -> None:
        with sqlite3.connect(f"{base.resolve().as_uri()}?mode=ro", uri=True) as c:
            c.execute("SELECT * FROM decision").fetchall()
            c.execute("SELECT id, statut, commentaire FROM piece").fetchall()
        c.close()

    def verifier() -> None:
        espace = ouvrir_espace(args.data_dir)
        try:
            ancres = ancres_des_sauvegardes(espace.paths.sauvegardes)
            with espace.db.read() as s:
                assert verifier_historique(s, ancres).intacte
        finally:
            espace.close()

    brut_h, audit = alterner(
        ("lecture brute de l'historique et des pièces", lire_brut),
        ("verify-audit (ouverture comprise)", verifier),
        args.repetitions,
    )
    for m in (brut_h, audit):
        ligne(m.nom, f"{m.mediane:.2f} s (médiane de {len(m.durees)})")
    ligne("verify-audit / lecture brute", f"{audit.mediane / brut_h.mediane:.1f}")


if __name__ == "__main__":
    main()
