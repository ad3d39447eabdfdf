"""The window's event loop in the common paths, at 100,000 (or 300,000) candidatures: the
longest stall (the longest wait between two ticks of a 10 ms timer, what a gestionnaire feels
as a frozen window) while opening dossiers, going down the list with ↓ held (20 rows, 30
keys a second, as Windows repeats a key; with the count of the readings run meanwhile in the
background), deciding, opening the follow-up window and after a real import (the campaign read
again). The goal: none over 100 ms.

    python -m bench.bench_fluidite [--candidatures 300000] [--dossiers 20] [--fichiers-partages]
                                   [--suivi-ouvert] [--paquet 300] [--piles] [--vigie]

It works on a copy of the bench's base (decisions are written) where every deposit has a file
of its own (``harness.base_distincte``), or, with ``--fichiers-partages``, on the base as
built, whose files are each deposited by hundreds of dossiers. With ``--suivi-ouvert`` the
follow-up window stays open and each import comes as it computes its figures again (F5 pressed
at the same moment): two threads at work beside the window's.

Each import goes through the window's own action (Fichier > Importer): a day's package of
``--paquet`` candidatures (``demo.generer_paquet``, a seed of its own each time) inspected by the
window's workers and written, then the campaign read again and shown. Its files go to the store
the copy shares with the bench base (a few megabytes, the same ones every run).

The raw baseline, taken in the same run: the whole window painted at once (``repaint``, a
dossier on screen), median of 15; every stall is also given as a multiple of it, since every
path ends in such a paint and the machines' speed swings by half from one hour to the next.

Each stall over 100 ms is listed with the CPU time the window's thread spent in it: near the
stall, the window was working; far below, it was waiting (for the disk, for Python's lock held
by another thread, or for a processor the machine gave elsewhere). With ``--piles``, a thread
also samples the window's Python stack every 2 ms, and the stacks seen most often during each
such stall are printed, with those of the other threads that were running Python meanwhile
(not waiting: those hold Python's lock, which the window's thread needs to run any of its
Python code), every SQL statement of over 50 ms with its thread, and every write transaction
of a background thread that held the base over 50 ms (a decision waits for it), with where it
was started and its slowest statements. The sampling itself slows the window a little, and on
Python 3.11 it may crash the process (a segmentation fault inside ``sys._current_frames``, 3
runs of 5 once every decision wrote from a thread of its own: the interpreter's race between
a thread's frames and another thread reading them, as in CPython issue 111363): run it again.

``--vigie`` looks without sampling: faulthandler's watchdog, armed again at each tick, writes
every thread's stack when the window's thread has not ticked for 80 ms, so each stall over
80 ms is listed with where every thread was 80 ms into it, the CPU time of the whole process
meanwhile and, on Linux, the machine's (``/proc/stat``: given to other processes, the
application's rendering and inspection processes among them, taken by the hypervisor, waiting
for the disk), and any collection of the cyclic garbage collector over 20 ms. It reads the
stacks once per stall, not every 2 ms, but the same unsynchronised way: the process died in 5
runs of 16 on a loaded machine (none of 5 on a quiet one, none of 7 without it), most often
silently: run it again."""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

from bench.harness import base_bench, base_distincte, dossier_bench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidatures", type=int, default=100_000)
    parser.add_argument("--dossiers", type=int, default=20)
    parser.add_argument(
        "--fichiers-partages", action="store_true",
        help="the base as built, each file deposited by hundreds of dossiers (by default every "
        "deposit has a file of its own, as in a real campaign)",
    )  # fmt: skip
    parser.add_argument(
        "--suivi-ouvert", action="store_true",
        help="each import comes while the follow-up window computes its figures (F5)",
    )  # fmt: skip
    parser.add_argument("--paquet", type=int, default=300, help="candidatures per import")
    parser.add_argument(
        "--vigie", action="store_true",
        help="at each stall over 80 ms, every thread's stack (faulthandler's watchdog), and "
        "every cyclic collection of the garbage collector over 20 ms",
    )  # fmt: skip
    parser.add_argument(
        "--piles", action="store_true",
        help="sample the window's Python stack, and print the stacks of each stall over 100 ms",
    )  # fmt: skip
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    source = dossier_bench(args.candidatures)
    base_bench(source, args.candidatures)
    if not args.fichiers_partages:
        source = base_distincte(source)
    copie = Path(tempfile.mkdtemp(prefix="bench-fluidite-"))
    shutil.copy2(source / "controle-pj.sqlite3", copie / "controle-pj.sqlite3")
    # On disk before the first tick: otherwise the kernel writes the fresh copy's 180 MB out
    # while the window is measured, and the first fsync of the base waits for all of it.
    with (copie / "controle-pj.sqlite3").open("rb+") as f:
        os.fsync(f.fileno())
    (copie / "fichiers").symlink_to(source / "fichiers")
    from desktop_app.services.demo import generer_paquet

    jour = dt.date(2026, 11, 22)  # the bench base's
    paquets = [generer_paquet(copie / f"paquet-{k}", args.paquet, graine=k, reference=jour)
               for k in range(1, 4)]  # fmt: skip

    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest

    from desktop_app.app import creer_application
    from desktop_app.models import Statut
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.views.dialogues import RapportDialog
    from desktop_app.views.main_window import MainWindow

    app = creer_application()
    espace = ouvrir_espace(copie)
    fenetre = MainWindow(espace)
    fenetre.resize(1600, 900)
    fenetre.show()
    fenetre.recharger()
    fenetre.revue.gestionnaire = lambda: "Bench"
    ticks: list[tuple[float, float]] = []  # the wall clock, the window's thread's CPU time

    vigie = Vigie() if args.vigie else None
    seuil = Vigie.DELAI if vigie is not None else 0.1  # the stalls listed with their causes

    def tic() -> None:
        ticks.append((time.perf_counter(), time.thread_time()))
        if vigie is not None:
            vigie.tic()

    minuteur = QTimer()
    minuteur.timeout.connect(tic)
    minuteur.start(10)
    longues: list[tuple[str, float, float, float, float]] = []  # over 100 ms, and when
    echantillons = Echantillonneur() if args.piles else None
    lentes: list[tuple[float, str, str]] = []  # SQL statements over 50 ms: time, thread, SQL
    tenues: list[tuple[float, str, list[tuple[float, str]]]] = []  # background writes, 50 ms+
    en_tour = threading.local()  # a background thread's statements while it holds the base
    if args.piles:
        import contextlib
        import traceback

        from sqlalchemy import event

        tour = espace.db.tour
        assert tour is not None
        tour_de = tour.tour

        @contextlib.contextmanager
        def tour_mesure() -> Any:
            with tour_de():
                if threading.current_thread() is threading.main_thread():
                    yield
                    return
                debut, en_tour.requetes = time.perf_counter(), []
                try:
                    yield
                finally:
                    duree = time.perf_counter() - debut
                    if duree > 0.05:
                        pile = [nom_cadre(c.filename, c.name, c.lineno)
                                for c in traceback.extract_stack()
                                if "desktop_app" in c.filename][-6:]  # fmt: skip
                        tenues.append((duree, " < ".join(reversed(pile)), en_tour.requetes))
                    en_tour.requetes = None

        tour.tour = tour_mesure  # type: ignore[method-assign]

        def avant(conn: Any, _curseur: Any, *_: Any) -> None:
            conn.info.setdefault("debuts", []).append(time.perf_counter())

        def apres(conn: Any, _curseur: Any, sql: str, *_: Any) -> None:
            duree = time.perf_counter() - conn.info["debuts"].pop()
            if getattr(en_tour, "requetes", None) is not None:
                en_tour.requetes.append((duree, " ".join(sql.split())))
            if duree > 0.05:
                lentes.append((duree, threading.current_thread().name, " ".join(sql.split())))

        event.listen(espace.db.engine, "before_cursor_execute", avant)
        event.listen(espace.db.engine, "after_cursor_execute", apres)

    def attendre(secondes: float) -> None:
        fin = time.perf_counter() + secondes
        while time.perf_counter() < fin:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)

    def pire_attente(
        nom: str,
        chemin: Callable[[], object],
        secondes: float = 0.4,
        jusqua: Callable[[], bool] = lambda: True,
    ) -> float:
        """The longest stall from the key until ``jusqua()`` (the path's end: what it shows
        is on screen) and ``secondes`` more."""
        attendre(0.2)
        ticks.clear()
        # The path's own time on the GUI thread counts: the window is frozen from the key.
        tic()
        chemin()
        while not jusqua():
            attendre(0.05)
        attendre(secondes)
        if len(ticks) < 2:
            return secondes
        (debut, cpu_debut), (fin, cpu_fin) = max(pairwise(ticks), key=lambda p: p[1][0] - p[0][0])
        if fin - debut > seuil:
            longues.append((nom, fin - debut, cpu_fin - cpu_debut, debut, fin))
        return fin - debut

    lignes = fenetre.candidatures.toutes()
    pas = max(1, len(lignes) // args.dossiers)
    # The raw baseline, in the same run: the whole window painted at once, with a dossier on
    # screen (every path ends in a paint; what this machine's speed is tonight). Not one the
    # paths below open: the first of them would open nothing.
    fenetre.liste.selectionner(lignes[-1].id)
    attendre(0.5)
    peintures = []
    for _ in range(15):
        debut = time.perf_counter()
        fenetre.repaint()
        peintures.append(time.perf_counter() - debut)
        attendre(0.02)
    peinture = statistics.median(peintures)
    ouvrir = [
        pire_attente("ouvrir", functools.partial(fenetre.liste.selectionner, r.id))
        for r in lignes[::pas][: args.dossiers]
    ]
    # The ↓ key held in the list, as Windows repeats it (about 30 a second), 20 rows at a time:
    # each key waits for the dossier under way; what the rows passed would read next (a
    # pièce's history, the file to prefetch) is the readings counted.
    lectures_en_fond = [0]
    lire = espace.lire

    def compter(f: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():
            lectures_en_fond[0] += 1
        return lire(f)

    espace.lire = compter  # type: ignore[method-assign]
    vue = fenetre.candidature_view

    def descendre() -> None:
        vue.setFocus()
        for _ in range(20):
            QTest.keyClick(vue, Qt.Key.Key_Down)
            attendre(1 / 30)

    descente, lectures_descente = [], []
    for r in lignes[2::pas][:3]:
        fenetre.liste.selectionner(r.id)
        attendre(1.0)
        lectures_en_fond[0] = 0
        descente.append(pire_attente("descendre", descendre, 1.0))
        lectures_descente.append(lectures_en_fond[0])
    espace.lire = lire  # type: ignore[method-assign]
    decider = []
    for r in lignes[1::pas][: args.dossiers]:
        fenetre.liste.selectionner(r.id)
        attendre(0.3)
        decider.append(pire_attente("décider", lambda: fenetre.revue.decider(Statut.CONFORME), 1.5))

    def suivi_calcule() -> bool:  # its figures computed in a thread (seconds at 100,000), shown
        f = fenetre.actions_campagne.suivi
        return f is not None and f.tache is None and f.donnees is not None

    suivi = [pire_attente("suivi", lambda: fenetre.ouvrir_suivi(), 0.5, suivi_calcule)]
    fenetre_suivi = fenetre.actions_campagne.suivi
    if fenetre_suivi is not None and not args.suivi_ouvert:
        fenetre_suivi.close()

    rapports: list[str] = []

    def importer(paquet: Path) -> None:
        if args.suivi_ouvert and fenetre_suivi is not None:
            fenetre_suivi.actualiser()
        if fenetre.importer(paquet) is None:
            raise SystemExit("import refusé : une tâche est déjà en cours")

    def relue() -> bool:  # imported, then the campaign read again in a thread, shown
        return fenetre.tache_en_cours is None and suivi_calcule() and not fenetre.lecture_en_cours

    import_ = []
    for paquet in paquets:
        import_.append(pire_attente("importer", functools.partial(importer, paquet), 1.0, relue))
        for dialogue in fenetre.findChildren(RapportDialog):  # the report it opened
            rapports.append(dialogue.rapport.resume())
            dialogue.close()
    minuteur.stop()
    if echantillons is not None:
        echantillons.arreter()
    if vigie is not None:
        vigie.arreter()
    fenetre.close()
    espace.close()
    shutil.rmtree(copie, ignore_errors=True)
    del app

    fichiers = "partagés entre des centaines de dossiers" if args.fichiers_partages else "distincts"
    suivi_ = ", chaque import pendant le calcul du suivi (F5)" if args.suivi_ouvert else ""
    print(f"Attente la plus longue de la boucle d'événements, {len(lignes)} candidatures, "
          f"fichiers {fichiers}{suivi_} (objectif : aucune au-delà de 100 ms)")  # fmt: skip
    print(f"  {'référence : repeindre toute la fenêtre':<38} médiane {peinture * 1000:4.0f} ms "
          f"(les attentes ci-dessous en multiples de ce temps)")  # fmt: skip
    for nom, mesures in (("ouvrir un dossier", ouvrir),
                         ("descendre la liste (↓ tenue, 20 lignes)", descente),
                         ("décider (Conforme)", decider),
                         ("ouvrir la fenêtre de suivi (calculée)", suivi),
                         ("importer un paquet, puis relire", import_)):  # fmt: skip
        pire, mediane = max(mesures), statistics.median(mesures)
        print(
            f"  {nom:<38} max {pire * 1000:6.0f} ms ({pire / peinture:4.1f} ×), médiane "
            f"{mediane * 1000:4.0f} ms ({mediane / peinture:4.1f} ×)  (sur {len(mesures)})"
        )
    print(f"  lectures en fond pendant chaque descente de 20 lignes : {lectures_descente}")
    print(f"  les imports ({args.paquet} candidatures chacun) : {' / '.join(rapports) or '?'}")
    for duree, fil, sql in sorted(lentes, reverse=True)[:10]:
        print(f"  requête de {duree * 1000:.0f} ms, fil {fil} : {sql[:400]}")
    for duree, ou, requetes in sorted(tenues, reverse=True)[:10]:
        print(f"  écriture en fond de {duree * 1000:.0f} ms ({len(requetes)} requêtes), {ou}")
        for d, sql in sorted(requetes, reverse=True)[:3]:
            print(f"    {d * 1000:.0f} ms : {sql[:300]}")
    for nom, duree, cpu, debut, fin in longues:
        print(f"  au-delà de {seuil * 1000:.0f} ms : {nom}, {duree * 1000:.0f} ms, dont "
              f"{cpu * 1000:.0f} ms de calcul du fil de la fenêtre")  # fmt: skip
        if echantillons is not None:
            principales, autres = echantillons.piles(debut, fin)
            for pile, fois in principales.most_common(3):
                print(f"    {fois} × {' < '.join(pile)}")
            for pile, fois in autres.most_common(4):
                print(f"    autre fil, {fois} × {' < '.join(pile)}")
        if vigie is not None:
            vigie.montrer(debut, fin)


def nom_cadre(fichier: str, fonction: str, ligne: int | None) -> str:
    """A frame of a stack as the bench prints it: module.function:line."""
    return f"{Path(fichier).stem}.{fonction}:{ligne}"


class Vigie:
    """The stacks of every thread at 80 ms into each stall of the window's thread, without
    sampling: the window's timer arms faulthandler's watchdog at each tick, and the watchdog
    (a C thread) writes every thread's stack to a file when it is not armed again in time.
    Its reading of the stacks is not synchronised with the threads either, but it reads once
    per stall, not every 2 ms. Also the collector's collections over 20 ms, with their
    thread (``gc.callbacks``)."""

    DELAI = 0.08

    def __init__(self) -> None:
        import faulthandler
        import gc

        self._faulthandler = faulthandler
        self._fichier = tempfile.TemporaryFile()  # noqa: SIM115 (read until the bench ends)
        self._dernier, self._taille = time.perf_counter(), 0
        self.vidages: list[tuple[float, int]] = []  # a stall seen: its start, its dump's offset
        self.collectes: list[tuple[float, float, int, str]] = []  # start, end, generation, thread
        self._debuts: dict[int, float] = {}
        self.releves: list[tuple[float, float, float, float, float]] = []
        self._stat = os.open("/proc/stat", os.O_RDONLY) if Path("/proc/stat").exists() else None
        self._gc = gc

        def collecte(phase: str, info: dict[str, int]) -> None:
            fil = threading.get_ident()
            if phase == "start":
                self._debuts[fil] = time.perf_counter()
            elif fil in self._debuts:
                debut, fin = self._debuts.pop(fil), time.perf_counter()
                if fin - debut > 0.02:
                    nom = threading.current_thread().name
                    self.collectes.append((debut, fin, info["generation"], nom))

        self._collecte = collecte
        gc.callbacks.append(collecte)
        self.tic()

    def _releve(self, quand: float) -> None:
        """The process's CPU time and the machine's (Linux: ``/proc/stat``, in hundredths)."""
        machine = (0.0, 0.0, 0.0)
        if self._stat is not None:
            champs = [int(x) for x in os.pread(self._stat, 256, 0).split()[1:9]]
            occupe = sum(champs[:3]) + champs[5] + champs[6]  # user nice system irq softirq
            machine = (occupe / 100, champs[4] / 100, champs[7] / 100)  # then iowait, steal
        self.releves.append((quand, time.process_time(), *machine))

    def tic(self) -> None:
        maintenant = time.perf_counter()
        self._releve(maintenant)
        taille = os.fstat(self._fichier.fileno()).st_size
        if taille > self._taille:  # the watchdog wrote: the window's thread stood still
            self.vidages.append((self._dernier, taille))
            self._taille = taille
        self._dernier = maintenant
        self._faulthandler.dump_traceback_later(self.DELAI, file=self._fichier, exit=False)

    def arreter(self) -> None:
        self._faulthandler.cancel_dump_traceback_later()
        self._gc.callbacks.remove(self._collecte)
        if self._stat is not None:
            os.close(self._stat)

    def montrer(self, debut: float, fin: float) -> None:
        instants = [r[0] for r in self.releves]
        avant = self.releves[max(0, bisect.bisect_right(instants, debut) - 1)]
        apres = self.releves[min(len(instants) - 1, bisect.bisect_left(instants, fin))]
        _, processus, occupe, disque, vole = (b - a for a, b in zip(avant, apres, strict=True))
        print(f"    le processus : {processus * 1000:.0f} ms de calcul (tous ses fils)", end="")
        if self._stat is not None:
            coeurs = os.cpu_count() or 1
            print(f" ; la machine ({coeurs} cœurs : {coeurs * (fin - debut) * 1000:.0f} ms) : "
                  f"{max(0.0, occupe - processus) * 1000:.0f} ms à d'autres processus (les "
                  "processus de rendu et d'inspection de l'application compris), "
                  f"{vole * 1000:.0f} ms pris par l'hyperviseur, "
                  f"{disque * 1000:.0f} ms d'attente du disque", end="")  # fmt: skip
        print()
        noms = {f.ident: f.name for f in threading.enumerate()}
        precedent = 0
        for quand, fin_vidage in self.vidages:
            if debut - 0.001 <= quand <= fin:
                self._fichier.seek(precedent)
                texte = self._fichier.read(fin_vidage - precedent).decode(errors="replace")
                for ligne in texte.splitlines():
                    if ligne.startswith(("Thread 0x", "Current thread 0x")):
                        ident = int(ligne.split()[-5], 16)
                        ligne = f"{ligne} [{noms.get(ident, '?')}]"
                    print(f"    | {ligne}")
            precedent = fin_vidage
        for d, f, generation, nom in self.collectes:
            if d < fin and f > debut:
                duree = (f - d) * 1000
                print(f"    collecte de génération {generation}, {duree:.0f} ms, fil {nom}")


class Echantillonneur:
    """Samples every thread's Python stack every 2 ms, in a thread: their innermost frames."""

    # Frames where a thread waits without Python's lock: not what the window's thread waits on.
    ATTENTES = (
        "threading.wait", "queue.get", "connection._poll", "selectors.select", "connection._recv",
        "connection.wait", "threading._wait_for_tstate_lock",
    )  # fmt: skip

    def __init__(self, profondeur: int = 8) -> None:
        self.profondeur = profondeur
        self.echantillons: list[tuple[float, tuple[str, ...]]] = []  # the main thread's
        self.autres: list[tuple[float, tuple[str, ...]]] = []  # the others', when running
        self._fin = threading.Event()
        self._fil = threading.Thread(target=self._boucle, daemon=True)
        self._fil.start()

    def _boucle(self) -> None:
        principal = threading.main_thread().ident
        moi = threading.get_ident()
        while not self._fin.wait(0.002):
            quand = time.perf_counter()
            for fil, cadre in sys._current_frames().items():
                if fil == moi:
                    continue
                pile = self._pile(cadre)
                if fil == principal:
                    self.echantillons.append((quand, pile))
                elif pile and not pile[0].startswith(self.ATTENTES):
                    self.autres.append((quand, pile))

    def _pile(self, cadre: Any) -> tuple[str, ...]:
        """The innermost frame, then the application's own (not the libraries' between)."""
        pile: list[str] = []
        while cadre is not None and len(pile) < self.profondeur:
            code = cadre.f_code
            if not pile or "desktop_app" in code.co_filename:
                pile.append(nom_cadre(code.co_filename, code.co_name, cadre.f_lineno))
            cadre = cadre.f_back
        return tuple(pile)

    def arreter(self) -> None:
        self._fin.set()
        self._fil.join()

    def piles(
        self, debut: float, fin: float
    ) -> tuple[Counter[tuple[str, ...]], Counter[tuple[str, ...]]]:
        """The main thread's stacks between ``debut`` and ``fin``, and the other threads'."""
        return (
            Counter(pile for quand, pile in self.echantillons if debut <= quand <= fin),
            Counter(pile for quand, pile in self.autres if debut <= quand <= fin),
        )


if __name__ == "__main__":
    main()
