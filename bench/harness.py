"""A tiny benchmark harness: repeated timings, medians, ratios against a raw baseline taken in
the same run (these machines are noisy: only ratios measured side by side mean something)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Mesure:
    nom: str
    durees: list[float]

    @property
    def mediane(self) -> float:
        return statistics.median(self.durees)

    def p95(self) -> float:
        ordered = sorted(self.durees)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def mesurer(
    nom: str,
    fn: Callable[[], object],
    repetitions: int,
    preparer: Callable[[], object] | None = None,
) -> Mesure:
    durees = []
    for _ in range(repetitions):
        if preparer:
            preparer()
        start = time.perf_counter()
        fn()
        durees.append(time.perf_counter() - start)
    return Mesure(nom, durees)


def alterner(
    a: tuple[str, Callable[[], object]],
    b: tuple[str, Callable[[], object]],
    repetitions: int,
    preparer: Callable[[], object] | None = None,
) -> tuple[Mesure, Mesure]:
    """Interleave two measurements so that drifts of the machine hit both alike."""
    ma, mb = Mesure(a[0], []), Mesure(b[0], [])
    for _ in range(repetitions):
        for (_, fn), m in ((a, ma), (b, mb)):
            if preparer:
                preparer()
            start = time.perf_counter()
            fn()
            m.durees.append(time.perf_counter() - start)
    return ma, mb


def taux(resultats: list[bool]) -> str:
    """« 97.0 % (97/100) »: the share of True, with its counts."""
    oui, n = sum(resultats), len(resultats)
    return f"{100 * oui / max(1, n):.1f} % ({oui}/{n})"


def ligne(label: str, valeur: str) -> None:
    print(f"  {label:<58} {valeur}")


def base_bench(data_dir: Path, candidatures: int = 100_000) -> None:
    """The demo database the review and export benches share (100,000 candidatures, or
    300,000 with ``candidatures``: the scale of the big académies): built once (about 3
    minutes per 100,000), reused by later runs; a folder holding another size is refused."""
    import datetime as dt

    from desktop_app.services.demo import installer_demo
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.services.requetes import campagnes

    espace = ouvrir_espace(data_dir)
    try:
        with espace.db.read() as session:
            existantes = campagnes(session)
        if existantes:
            if existantes[0].candidatures != candidatures:
                raise SystemExit(f"{data_dir} holds {existantes[0].candidatures} candidatures, "
                                 f"not {candidatures}: choose another --data-dir")  # fmt: skip
            return
        print(f"Construction de {candidatures} candidatures dans {data_dir}…", flush=True)
        installer_demo(espace.db, espace.store, candidatures, reference=dt.date(2026, 11, 22),
                       worker=espace.inspection)  # fmt: skip
    finally:
        espace.close()


def dossier_bench(candidatures: int) -> Path:
    """Where the benches keep the base of that size (built once, shared)."""
    import tempfile

    return Path(tempfile.gettempdir()) / f"controle-pj-bench-{candidatures // 1000}k"


def base_distincte(source: Path) -> Path:
    """Beside the bench base ``source``, a copy where every deposit has a file of its own, as
    in a real campaign (the base draws its files from a pool, to keep the disk small: each is
    deposited by hundreds of dossiers, and every lookup of where else a file was deposited
    finds them all). Each deposit's file becomes a hard link to the same bytes under a name
    of its own (the store does not check a name against its bytes); built once."""
    import hashlib
    import os
    import shutil
    import sqlite3

    cible = source.with_name(source.name + "-distincts")
    if (cible / "pret").exists():
        return cible
    shutil.rmtree(cible, ignore_errors=True)
    (cible / "fichiers").mkdir(parents=True)
    print(f"Un fichier par dépôt : {cible}…", flush=True)
    shutil.copy2(source / "controle-pj.sqlite3", cible / "controle-pj.sqlite3")
    base = sqlite3.connect(cible / "controle-pj.sqlite3")
    try:
        nouveaux = []
        for depot, sha in base.execute("SELECT id, sha256 FROM depot WHERE sha256 IS NOT NULL"):
            nouveau = hashlib.sha256(f"{sha}:{depot}".encode()).hexdigest()
            if (source / "fichiers" / sha).exists():
                os.link(source / "fichiers" / sha, cible / "fichiers" / nouveau)
            nouveaux.append((nouveau, depot))
        base.executemany("UPDATE depot SET sha256 = ? WHERE id = ?", nouveaux)
        base.commit()
    finally:
        base.close()
    (cible / "pret").touch()
    return cible
