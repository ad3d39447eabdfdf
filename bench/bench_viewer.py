"""From asking for a document to its first page on screen, beside PyMuPDF rendering the same
page in-process at the same size (the raw baseline), in the same run; then the same for a
prefetched document; then the memory of the GUI and of the workers over 200 documents.

    python bench/bench_viewer.py [--candidatures 80] [--documents 200] [--dpr 1]

Issue 3 asks: first page not prefetched within 1.5 x the raw render (p50); a prefetched one
within 0.25 x of it; the GUI's memory bounded while paging through 200 documents."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import Mesure, ligne

# The application's modules are imported inside main(): the workers are spawned and re-import
# this script, which must stay light.


def rss_ko(pid: int | str = "self", champ: str = "VmRSS") -> int | None:
    """Resident memory of a process in KiB (Linux /proc); None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(champ + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def scans_de_5_mo(dossier: Path, nombre: int) -> list[Path]:
    """Scanned pages and phone photos just under 5 Mo: noisy A4 images, as scanners make."""
    import pymupdf
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(7)
    chemins = []
    for i in range(nombre):
        page = Image.effect_noise((2480, 3508), 38).convert("RGB")
        draw = ImageDraw.Draw(page)
        font = ImageFont.load_default(size=42)
        for ligne_ in range(60):
            draw.text((180, 200 + ligne_ * 52), f"Ligne {ligne_} du relevé {rng.random():.6f}",
                      font=font, fill=(20, 20, 30))  # fmt: skip
        qualite, data = 92, b""
        while True:
            out = io.BytesIO()
            page.save(out, "JPEG", quality=qualite)
            data = out.getvalue()
            if len(data) <= 4_900_000 or qualite < 40:
                break
            qualite -= 4
        if i % 2:
            chemin = dossier / f"photo-{i}.jpg"
            chemin.write_bytes(data)
        else:
            doc = pymupdf.open()
            p = doc.new_page(width=595, height=842)
            p.insert_image(p.rect, stream=data)
            chemin = dossier / f"scan-{i}.pdf"
            chemin.write_bytes(doc.tobytes())
            doc.close()
        chemins.append(chemin)
    return chemins


def rendu_brut(chemin: Path, echelle: float) -> None:
    """The raw baseline: PyMuPDF opens the file and renders its first page, in-process."""
    import pymupdf

    doc = pymupdf.open(chemin)
    page = doc[0]
    facteur = echelle * 96 / 72 if doc.is_pdf else echelle
    page.get_pixmap(matrix=pymupdf.Matrix(facteur, facteur), alpha=False)
    doc.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidatures", type=int, default=80)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--scans", type=int, default=8)
    parser.add_argument("--dpr", type=float, default=1.0, help="écran haute densité : 2")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.dpr != 1:
        os.environ["QT_SCALE_FACTOR"] = str(args.dpr)

    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.documents.formats import sniff
    from desktop_app.documents.inspection import FORMATS_DEFAUT
    from desktop_app.services.demo import generer_paquet
    from desktop_app.viewer.document_viewer import DocumentViewer
    from desktop_app.viewer.source import Document, SourceDocuments

    QApplication([])
    racine = Path(tempfile.mkdtemp(prefix="bench-viewer-"))
    try:
        paquet = generer_paquet(
            racine / "paquet", args.candidatures, reference=dt.date(2026, 11, 22)
        )
        demo = sorted(
            p for p in (paquet / "fichiers").rglob("*")
            if p.is_file() and p.stat().st_size <= 5 << 20
            and sniff(p.read_bytes()[:4096]) in ("pdf", "jpeg")
        )  # fmt: skip
        (racine / "scans").mkdir()
        scans = scans_de_5_mo(racine / "scans", args.scans)
        print(f"Visionneuse — {len(demo)} fichiers de la démo, {len(scans)} scans de ~5 Mo, "
              f"écran ×{args.dpr:g}")  # fmt: skip

        service = SourceDocuments()
        viewer = DocumentViewer(service)
        viewer.resize(720, 940)
        viewer.show()
        boucle = QEventLoop()
        for signal_ in (service.ouvert, service.constate, service.page_rendue):
            signal_.connect(lambda *_: boucle.quit())

        def attendre(condition: Callable[[], bool], maximum: float = 60.0) -> None:
            """Sleep in the event loop (as the application does) until ``condition``."""
            fin = time.perf_counter() + maximum
            while not condition() and time.perf_counter() < fin:
                QTimer.singleShot(20, boucle.quit)
                boucle.exec()

        def lire() -> None:
            """The gestionnaire looks at the document: the background work finishes."""
            attendre(lambda: not service.affichage.en_attente() and not service.fond.en_attente())
            attendre(lambda: False, 0.15)

        def montrer(chemin: Path) -> float:
            doc = Document(chemin.name, str(chemin), chemin.name, 5 << 20, FORMATS_DEFAUT)
            debut = time.perf_counter()
            viewer.afficher(doc)
            attendre(
                lambda: (
                    viewer.ouvert is not None
                    and (not viewer.ouvert.affichable or service.image(viewer.cle(0)) is not None)
                )
            )
            # The whole viewer laid out (findings, toolbar) and painted, as the event loop
            # does it: once. Painted again only if that did not draw the page.
            QCoreApplication.sendPostedEvents()
            if not viewer.page_peinte:
                viewer.surface.repaint()
            return time.perf_counter() - debut

        # Warm both workers and the first render path.
        for chemin in demo[:3]:
            montrer(chemin)
        copies = 0

        def copie(chemin: Path) -> Path:
            """A new name: nothing cached anywhere (GUI or worker) for it."""
            nonlocal copies
            copies += 1
            cible = racine / "copies" / f"{copies:05d}-{chemin.name}"
            cible.parent.mkdir(exist_ok=True)
            shutil.copyfile(chemin, cible)
            return cible

        for titre, fichiers in (("démo", demo), ("scans 5 Mo", scans * 3)):
            froid, brut, chaud = Mesure("froid", []), Mesure("brut", []), Mesure("chaud", [])
            formats: list[str] = []
            precedent = copie(fichiers[0])
            montrer(precedent)
            for chemin in fichiers:
                a, b = copie(chemin), copie(chemin)
                # Raw baseline: same page, same size, in-process (the échelle the viewer used).
                lire()
                froid.durees.append(montrer(a))
                echelle = viewer.echelle()
                debut = time.perf_counter()
                rendu_brut(a, echelle)
                brut.durees.append(time.perf_counter() - debut)
                # Prefetched: asked in the background while another document is on screen.
                viewer.precharger(Document(b.name, str(b), b.name, 5 << 20, FORMATS_DEFAUT))
                attendre(lambda b=b: (str(b), False) in service.ouverts)
                lire()
                chaud.durees.append(montrer(b))
                formats.append(sniff(a.read_bytes()[:4096]) or "?")
            print(f"\n{titre} ({len(fichiers)} documents) — premier affichage, ms")
            for m in (brut, froid, chaud):
                ligne(
                    {"brut": "PyMuPDF en processus (référence brute)",
                     "froid": "visionneuse, non préchargé",
                     "chaud": "visionneuse, préchargé"}[m.nom],
                    f"p50 {m.mediane * 1000:7.1f}   p95 {m.p95() * 1000:7.1f}",
                )  # fmt: skip
            ligne(
                "non préchargé / brut (p50, objectif ≤ 1,5)", f"{froid.mediane / brut.mediane:.2f}"
            )
            ligne("préchargé / brut (p50, objectif ≤ 0,25)", f"{chaud.mediane / brut.mediane:.2f}")
            for fmt in sorted(set(formats)):
                quels = [i for i, f in enumerate(formats) if f == fmt]
                v, r = (statistics.median(m.durees[i] for i in quels) for m in (froid, brut))
                ligne(f"  {fmt.upper()} ({len(quels)}) : non préchargé / brut",
                      f"{v * 1000:5.1f} / {r * 1000:5.1f} ms = {v / r:.2f}")  # fmt: skip

        # Memory while paging through documents as the main window does (prefetching the next).
        pile = [copie(demo[i % len(demo)] if i % 10 else scans[i % len(scans)])
                for i in range(args.documents)]  # fmt: skip
        gui, workers = [], {}
        for i, chemin in enumerate(pile):
            if i + 1 < len(pile):
                suivant = pile[i + 1]
                viewer.precharger(
                    Document(suivant.name, str(suivant), suivant.name, 5 << 20, FORMATS_DEFAUT)
                )
            montrer(chemin)
            lire()
            gui.append(rss_ko())
            for canal in (service.affichage, service.fond):
                if canal.worker is not None and canal.worker.pid is not None:
                    workers[canal.objectName()] = rss_ko(canal.worker.pid, "VmHWM")
        print(f"\nMémoire en feuilletant {len(pile)} documents (Mo)")
        if gui[0] is None:
            ligne("mémoire résidente", "illisible sur ce système")
        else:
            quart = max(1, len(gui) // 4)
            ligne("GUI après 1 / ¼ / ½ / ¾ / tous",
                  " / ".join(f"{gui[k] / 1024:.0f}" for k in
                             (0, quart, 2 * quart, 3 * quart, len(gui) - 1)))  # fmt: skip
            ligne("GUI pic (VmHWM)", f"{(rss_ko('self', 'VmHWM') or 0) / 1024:.0f}")
            ligne("cache des pages rendues", f"{service.cache.octets / 2**20:.0f} "
                  f"(plafond {service.cache.octets_max / 2**20:.0f})")  # fmt: skip
            for nom, pic in workers.items():
                ligne(f"{nom} pic (VmHWM)", f"{(pic or 0) / 1024:.0f}")
        print(
            f"\n  médianes ; statistics {statistics.__name__} ; {time.strftime('%Y-%m-%d %H:%M')}"
        )
        service.close()
    finally:
        shutil.rmtree(racine, ignore_errors=True)


if __name__ == "__main__":
    main()
