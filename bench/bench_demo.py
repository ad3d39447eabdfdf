"""The first `dev.py demo`: building the 300-candidature demo campaign (its package generated,
then imported through the workers), beside generating the package alone in the same run.

    python bench/bench_demo.py [--candidatures 300] [--repetitions 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import alterner, ligne


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidatures", type=int, default=300)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    from desktop_app.services.demo import generer_paquet, installer_demo
    from desktop_app.services.espace import ouvrir_espace

    racine = Path(tempfile.mkdtemp(prefix="bench-demo-"))
    compteur = iter(range(10_000))

    def paquet_seul() -> None:
        generer_paquet(racine / f"paquet-{next(compteur)}", args.candidatures)

    def campagne() -> None:
        espace = ouvrir_espace(racine / f"donnees-{next(compteur)}")
        try:  # as the window's first start does: the workers start with the import
            installer_demo(espace.db, espace.store, args.candidatures, worker=espace.inspection)
        finally:
            espace.close()

    try:
        brut, demo = alterner(("paquet seul", paquet_seul), ("campagne", campagne),
                              args.repetitions)  # fmt: skip
    finally:
        shutil.rmtree(racine, ignore_errors=True)
    print(f"Campagne de démonstration de {args.candidatures} candidatures "
          f"(médianes sur {args.repetitions} répétitions alternées)")  # fmt: skip
    ligne("génération du paquet seul (référence brute)", f"{brut.mediane:6.1f} s")
    ligne("campagne créée (génération, import, redépôts)", f"{demo.mediane:6.1f} s")
    ligne("rapport au brut", f"{demo.mediane / brut.mediane:6.2f}")


if __name__ == "__main__":
    main()
