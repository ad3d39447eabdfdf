"""The files built to catch the inspection out (tests/corpus_pieges.py), timed through the real
worker: each file's check, and for the Flate bomb (a 1.5 Mo PDF whose image inflates to 1.6 Go)
its check and its first page shown, beside the raw cost of inflating that image in-process
(what any render that decodes it pays).

    python -m bench.bench_pieges [--repetitions 3]

Issue 18 asks for the bomb checked and first shown in under 3 s."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import ligne, mesurer


def main() -> None:
    from desktop_app.documents.inspection import FORMATS_DEFAUT
    from desktop_app.documents.rendu import Ouverture, Vue
    from desktop_app.documents.worker import Demande, InspectionWorker
    from tests.corpus_pieges import ecrire

    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    dossier = Path(tempfile.mkdtemp(prefix="bench-pieges-"))
    try:
        pieges = ecrire(dossier)
        bombe = dossier / "pdf-bombe-flate.pdf"
        with InspectionWorker() as worker:
            worker.demarrer(attendre=True)
            print("Chaque fichier piège, contrôlé seul dans le processus d'analyse (médianes)")
            for nom, piege in pieges.items():
                demande = Demande(nom, str(dossier / nom), piege.taille_max, FORMATS_DEFAUT)
                m = mesurer(nom, lambda d=demande: worker.demander(d), args.repetitions)
                verdict = worker.demander(demande)
                etat = "recevable" if verdict.recevable else "refusé"
                ligne(f"  {nom}", f"{m.mediane * 1000:8.1f} ms  {etat}")

            def inflation_brute() -> None:
                import pymupdf

                doc = pymupdf.open(bombe)
                flux = doc.xref_stream_raw(5)
                decompresseur = zlib.decompressobj()
                while flux:
                    decompresseur.decompress(flux, 1 << 24)
                    flux = decompresseur.unconsumed_tail

            brut = mesurer("brut", inflation_brute, args.repetitions)
            controle = mesurer(
                "contrôle",
                lambda: worker.demander(Demande("b", str(bombe), 5 * 1024 * 1024, FORMATS_DEFAUT)),
                args.repetitions,
            )

            def afficher() -> None:
                ouvert = worker.demander(
                    Ouverture(
                        f"o{time.perf_counter()}",
                        str(bombe),
                        5 * 1024 * 1024,
                        FORMATS_DEFAUT,
                        vue=Vue(720, 940),
                    )
                )
                assert ouvert.premiere is not None

            def oublier() -> None:
                worker.close()  # the child forgets the files it opened: a first opening
                worker.demarrer(attendre=True)

            affichage = mesurer("affichage", afficher, args.repetitions, oublier)
        print("Bombe Flate (1,5 Mo de PDF, image de 23 000 × 23 000 pixels = 1,6 Go)")
        ligne("  référence brute : inflater son image", f"{brut.mediane:6.2f} s")
        ligne("  contrôle (objectif < 3 s)", f"{controle.mediane:6.2f} s")
        ligne("  première page affichée (objectif < 3 s)", f"{affichage.mediane:6.2f} s")
    finally:
        shutil.rmtree(dossier, ignore_errors=True)


if __name__ == "__main__":
    main()
