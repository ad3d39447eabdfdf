"""The rules of the pièces required: how many of the table's edge cases (tests/cas_exigences.py)
the engine answers right, then, on the bench base of 100,000 (or 300,000) candidatures, what
judging every dossier costs beside a raw read of the rows it judges, and what it adds to the
worklists.

python -m bench.bench_regles [--candidatures 300000] [--data-dir DIR] [--repetitions N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
from pathlib import Path

from bench.harness import alterner, base_bench, dossier_bench, ligne

PROFILS_BRUTS = (
    "SELECT c.id, d.date_naissance, c.specialite, c.categorie, c.handicap FROM candidature c "
    "JOIN candidat d ON d.id = c.candidat_id WHERE c.campagne_id = ?"
)


def cas() -> tuple[int, int, list[str]]:
    """(right, total, the intitulés of those wrong)."""
    from desktop_app.documents.lecture import emploi
    from desktop_app.models import Campagne
    from desktop_app.services import exigences as ex
    from tests.cas_exigences import CAS, CAS_ACTIVITE, CAS_CNI, CAS_JOUR

    faux = []
    for c in CAS:
        profil = ex.Profil(c.naissance, c.examen, c.specialite, c.categorie, c.handicap, c.session)
        v = ex.exigence(c.genre, profil, c.jour)
        juste = (v is None) if c.verdict is None else (
            v is not None and v.verdict == c.verdict and c.attendu in v.attendu
            and v.echeance == c.echeance
        )  # fmt: skip
        if not juste:
            faux.append(c.intitule)
    for k in CAS_CNI:
        if ex.fin_de_validite_cni(k.delivrance, k.naissance)[0] != k.fin:
            faux.append(k.intitule)
    for j in CAS_JOUR:
        campagne = Campagne(examen="BCP", session=j.session, academie="X", cloture=j.cloture)
        if ex.jour_de_reference(campagne) != j.jour:
            faux.append(j.intitule)
    for a in CAS_ACTIVITE:
        profil = ex.Profil(dt.date(1990, 5, 5), a.examen, "Coiffure", a.categorie, False, "2025")
        jugement = ex.juger_activite(a.duree[0], ex.durees_exigees(profil, dt.date(2024, 12, 1)))
        juste = emploi.duree(a.periodes) == a.duree and (
            jugement is None if a.suffit is None else jugement is not None
            and jugement.suffit == a.suffit
            and tuple(d.mois for d in jugement.atteintes) == a.atteintes
        )  # fmt: skip
        if not juste:
            faux.append(a.intitule)
    total = len(CAS) + len(CAS_CNI) + len(CAS_JOUR) + len(CAS_ACTIVITE)
    return total - len(faux), total, faux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidatures", type=int, default=100_000, help="100000 ou 300000")
    parser.add_argument("--data-dir", type=Path, help="défaut : /tmp/controle-pj-bench-<n>k")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()

    justes, total, faux = cas()
    print("Règles des pièces exigées")
    ligne("cas limites de la table justes", f"{justes} / {total}")
    for intitule in faux:
        ligne("  faux", intitule)

    from desktop_app.services import echeances
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.services.exigences import ecarts_des_dossiers
    from desktop_app.services.requetes import campagnes
    from desktop_app.views.taches import hors_du_ramasse_miettes

    args.data_dir = args.data_dir or dossier_bench(args.candidatures)
    base_bench(args.data_dir, args.candidatures)
    espace = ouvrir_espace(args.data_dir)
    base = args.data_dir / "controle-pj.sqlite3"
    with espace.db.read() as session:
        campagne_id = campagnes(session)[0].id
        ecarts = ecarts_des_dossiers(session, campagne_id)

        def brut() -> None:
            with sqlite3.connect(f"{base.as_uri()}?mode=ro", uri=True) as connexion:
                connexion.execute(PROFILS_BRUTS, (campagne_id,)).fetchall()

        regles, lecture = alterner(
            ("règles", lambda: ecarts_des_dossiers(session, campagne_id)), ("brut", brut),
            args.repetitions,
        )  # fmt: skip

        # The worklists with and without the rules' step (a moment before the closing date).
        maintenant = echeances.campagne_de(session, campagne_id).cloture
        assert maintenant is not None
        avant = maintenant - echeances.UNE_MINUTE * 60 * 24 * 7

        # As the follow-up window computes them: the cyclic collector paused meanwhile (its
        # full passes over the objects being built were a third of the time).
        def listes_avec() -> None:
            with hors_du_ramasse_miettes():
                echeances.suivi(session, campagne_id, avant)

        def listes_sans() -> None:
            """The worklists given no disagreement: the rules' step does nothing."""
            with hors_du_ramasse_miettes():
                echeances.suivi(session, campagne_id, avant, ecarts={})

        avec, sans = alterner(("avec", listes_avec), ("sans", listes_sans), args.repetitions)
    espace.close()
    sortes: dict[str, int] = {}
    for liste in ecarts.values():
        for e in liste:
            cle = f"{e.genre} : {e.exigence.verdict.value.lower()}"
            sortes[cle] = sortes.get(cle, 0) + 1
    print(f"\n{args.candidatures} candidatures ({args.repetitions} répétitions, médianes)")
    ligne("dossiers en écart avec les règles", f"{len(ecarts)}")
    for cle, nombre in sorted(sortes.items()):
        ligne(f"  {cle}", str(nombre))
    ligne("juger chaque dossier (ecarts_des_dossiers)", f"{regles.mediane * 1000:.0f} ms")
    ligne("lecture brute des mêmes lignes (sqlite3)", f"{lecture.mediane * 1000:.0f} ms")
    ligne("  rapport", f"× {regles.mediane / lecture.mediane:.1f}")
    ligne("listes du suivi avec les règles (sans GC)", f"{avec.mediane * 1000:.0f} ms")
    ligne("listes du suivi sans les règles (sans GC)", f"{sans.mediane * 1000:.0f} ms")
    ligne("  ce que les règles ajoutent", f"{(avec.mediane - sans.mediane) * 1000:+.0f} ms")


if __name__ == "__main__":
    main()
