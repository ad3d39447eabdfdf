"""Where the viewer's pixels come from: two worker processes, one for what is on screen, one
for the rest (findings, pages around, thumbnails, the next pièce), each driven by its own
thread; and a cache of rendered pages bounded in bytes. The GUI thread only posts requests
and receives QImages and findings."""

from __future__ import annotations

import contextlib
import ctypes
import heapq
import itertools
import logging
import os
import signal
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from multiprocessing import shared_memory
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtGui import QImage, QPainter

from desktop_app.documents.constats import Finding, Inspection
from desktop_app.documents.pixels import Pixels
from desktop_app.documents.rendu import Ouvert, Ouverture, Rendu, RenduPage, Vue
from desktop_app.documents.worker import (
    TIMEOUT_PAR_FICHIER,
    Demande,
    DemandeLecture,
    InspectionIndisponible,
    InspectionWorker,
    Requete,
)

log = logging.getLogger(__name__)

CACHE_OCTETS = 256 * 1024 * 1024  # rendered pages kept in the GUI process
RESERVE_OCTETS_MAX = 16 * 1024 * 1024  # the largest page a channel prepares memory for
DELAI_RESERVE = 0.05  # seconds after a page before its channel prepares the next one
# Blocks this large are mapped afresh and handed back when freed: glibc as set below, and
# Windows' heap from about this size.
SEUIL_MMAP = 1024 * 1024
TAMPON_OCTETS = 48 * 1024 * 1024  # the largest page passed by shared memory (else by pipe)
INDISPONIBLE = (
    "L'affichage des documents n'a pas pu démarrer. Réinstallez l'application ; si le problème "
    "persiste, transmettez le journal au support."
)


@dataclass(frozen=True)
class Document:
    """A deposited file, as the viewer needs it: where it is, and the campaign's rules."""

    cle: str  # stable identity (the deposit), for the rotation remembered per deposit
    chemin: str  # the file in the store
    nom: str  # as the candidate named it
    taille_max: int
    formats: tuple[str, ...]
    rotation: int = 0


@dataclass(order=True)
class _Tache:
    priorite: int
    numero: int
    requete: Requete = field(compare=False)
    cle_cache: Hashable = field(compare=False, default=None)


def _rendre_les_grandes_images_au_systeme() -> None:
    """glibc raises its mmap threshold each time a large block is freed, after which page
    images (megabytes each) come from the heap and fragment it: the process grows while the
    cache stays bounded. A fixed threshold hands each freed page back to the system. (Windows
    allocates blocks this large apart from the heap already.)"""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        m_mmap_threshold = -3
        libc.mallopt(m_mmap_threshold, SEUIL_MMAP)


_FORMATS_QT = {
    "rgb": QImage.Format.Format_RGB888,
    "rgbx": QImage.Format.Format_RGBX8888,
    "gris": QImage.Format.Format_Grayscale8,
}


def _par_la_reserve(pixels: Pixels) -> bool:
    """Whether these pixels are written into prepared memory (see ``Canal``): a page
    converted as it is. A photo shrunk first is converted in place, and its 4-byte pixels
    would bring their padding, maybe not 255, through a painter."""
    return pixels.reduire_a is None and pixels.format != "rgbx"


def vers_qimage(
    pixels: Pixels,
    tampon: shared_memory.SharedMemory | None = None,
    reserve: QImage | None = None,
) -> QImage:
    """A copy of the pixels (QImage does not own the bytes it was built on), in the format
    the screen paints without converting at every paint; at the size asked when the worker
    left it a little larger (an area average: Qt's smooth scaling when shrinking). Written
    into ``reserve`` (returned then: a screen-format image, see ``Canal``) when it is the
    same size."""
    source: Any = pixels.data
    if pixels.dans_tampon:
        assert tampon is not None
        source = tampon.buf[: pixels.octets]
    fmt = _FORMATS_QT[pixels.format]
    image = QImage(source, pixels.largeur, pixels.hauteur, pixels.stride, fmt)
    if pixels.reduire_a is None:
        if (
            reserve is not None
            and _par_la_reserve(pixels)
            and (reserve.width(), reserve.height()) == (pixels.largeur, pixels.hauteur)
        ):
            peintre = QPainter(reserve)
            peintre.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            peintre.drawImage(0, 0, image)
            peintre.end()
            return reserve
        return image.convertToFormat(QImage.Format.Format_RGB32)
    # Scaled straight from the worker's bytes (4-byte pixels are scaled as they are), then
    # turned into the screen's format in place: the photo is never copied at its full size,
    # whose fresh memory costs more than the scaling itself.
    image = image.scaled(*pixels.reduire_a, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)  # fmt: skip
    image.convertTo(QImage.Format.Format_RGB32)
    return image


class Canal(QThread):
    """One worker process and the thread that talks to it, a request at a time, most urgent
    first. A crash or a hang costs that request a French "Document illisible"; the worker
    restarts and the next request is served."""

    termine = Signal(object, object)  # (_Tache, result: Ouvert | Inspection | QImage | str)

    def __init__(self, nom: str, timeout: float = TIMEOUT_PAR_FICHIER) -> None:
        super().__init__()
        self.setObjectName(nom)
        self.timeout = timeout
        self.worker: InspectionWorker | None = None
        self._file: list[_Tache] = []
        self._condition = threading.Condition()
        self._fin = False
        self._numeros = itertools.count()
        # Memory for the next page, written once ahead (see ``_preparer_reserve``).
        self._reserve: QImage | None = None
        self._taille_suivante = (0, 0)

    def soumettre(self, requete: Requete, priorite: int, cle_cache: Hashable = None) -> None:
        with self._condition:
            heapq.heappush(self._file, _Tache(priorite, next(self._numeros), requete, cle_cache))
            self._condition.notify()

    def retirer(self, garder: Any) -> None:
        """Forget the pending requests for which ``garder(tache)`` is false."""
        with self._condition:
            self._file = [t for t in self._file if garder(t)]
            heapq.heapify(self._file)

    def en_attente(self) -> list[_Tache]:
        with self._condition:
            return list(self._file)

    def arreter(self) -> None:
        with self._condition:
            self._fin = True
            self._file.clear()
            self._condition.notify()
        if not self.wait(2000) and self.worker is not None and self.worker.pid is not None:
            # Busy on a long page: its answer is no longer wanted.
            with contextlib.suppress(OSError):
                os.kill(self.worker.pid, signal.SIGTERM)
        self.wait()

    def _prendre(self) -> _Tache | None:
        with self._condition:
            while not self._file and not self._fin:
                self._condition.wait()
            return None if self._fin else heapq.heappop(self._file)

    def run(self) -> None:
        indisponible = False
        # The worker writes pixels here; one request at a time, copied out before the next.
        tampon = shared_memory.SharedMemory(create=True, size=TAMPON_OCTETS)
        try:
            with InspectionWorker(self.timeout) as worker:
                self.worker = worker
                # The child starts with the first request: at launch, the two children's
                # start-up would compete with the candidature list's load for the cores.
                while (tache := self._prendre()) is not None:
                    if indisponible:
                        self.termine.emit(tache, INDISPONIBLE)
                        continue
                    indisponible = not self._servir(worker, tache, tampon)
                    self._preparer_reserve()
        finally:
            tampon.close()
            tampon.unlink()

    def _servir(
        self, worker: InspectionWorker, tache: _Tache, tampon: shared_memory.SharedMemory
    ) -> bool:
        """Answer one request; False when the worker cannot start at all."""
        requete: Any = tache.requete
        if isinstance(requete, Ouverture | RenduPage):
            requete = replace(requete, tampon=tampon.name)
        try:
            resultat = worker.demander(requete)
        except InspectionIndisponible:
            log.exception("le processus d'affichage ne démarre pas")
            self.termine.emit(tache, INDISPONIBLE)
            return False
        # Pixels become a QImage here, off the GUI thread.
        if isinstance(resultat, Rendu):
            pixels = resultat.pixels
            resultat = self._qimage(pixels, tampon) if pixels else resultat.erreur
        elif isinstance(resultat, Ouvert) and resultat.premiere is not None:
            p = resultat.premiere
            resultat = (replace(resultat, premiere=None), self._qimage(p, tampon), p.apercu)
        self.termine.emit(tache, resultat)
        return True

    def _qimage(self, pixels: Pixels, tampon: shared_memory.SharedMemory | None) -> QImage:
        image = vers_qimage(pixels, tampon, self._reserve)
        if image is self._reserve:
            self._reserve = None
        if _par_la_reserve(pixels) and image.sizeInBytes() >= SEUIL_MMAP:
            # The next page is most likely this size. Not a photo's: it never comes through
            # the reserve, and the document's pages alternate with photos (its own, the
            # next pièce's).
            self._taille_suivante = (image.width(), image.height())
        return image

    def _preparer_reserve(self) -> None:
        """Write the memory of the next page once, while the channel waits for a request. A
        page converted into fresh memory pays the system for each of its memory pages (about
        0.8 ms for a screen's page here, twice the conversion itself); into the reserve, only
        the conversion. Made for the size of the last large page (a document's pages, the
        same view); smaller ones come from reused memory anyway."""
        largeur, hauteur = self._taille_suivante
        if not SEUIL_MMAP <= largeur * hauteur * 4 <= RESERVE_OCTETS_MAX or (
            self._reserve is not None
            and (self._reserve.width(), self._reserve.height()) == (largeur, hauteur)
        ):
            return
        with self._condition:
            # Not while the GUI receives the page just given (the cores are shared), and
            # never before a request that waits.
            if self._condition.wait_for(lambda: self._file or self._fin, DELAI_RESERVE):
                return
        reserve = QImage(largeur, hauteur, QImage.Format.Format_RGB32)
        reserve.fill(0xFFFFFFFF)
        self._reserve = reserve


class CachePages:
    """Rendered pages, least recently used dropped first, bounded in bytes."""

    def __init__(self, octets_max: int = CACHE_OCTETS) -> None:
        self.octets_max = octets_max
        self.octets = 0
        self._images: OrderedDict[Hashable, QImage] = OrderedDict()

    def get(self, cle: Hashable) -> QImage | None:
        image = self._images.get(cle)
        if image is not None:
            self._images.move_to_end(cle)
        return image

    def put(self, cle: Hashable, image: QImage) -> None:
        ancienne = self._images.pop(cle, None)
        if ancienne is not None:
            self.octets -= ancienne.sizeInBytes()
        self._images[cle] = image
        self.octets += image.sizeInBytes()
        while self.octets > self.octets_max and len(self._images) > 1:
            _, sortie = self._images.popitem(last=False)
            self.octets -= sortie.sizeInBytes()

    def __len__(self) -> int:
        return len(self._images)

    def __contains__(self, cle: Hashable) -> bool:
        return cle in self._images


def cle_page(chemin: str, page: int, echelle: float, malgre: bool) -> tuple[Any, ...]:
    return (chemin, page, round(echelle, 3), malgre)


# Priorities, lower first. The display worker: opening, pages on screen. The background one:
# findings of the document on screen, pages around, the next document, thumbnails.
OUVRIR, PAGE_VISIBLE, CONSTATER, PAGE_PROCHE, PRECHARGER, VIGNETTE = range(6)
LIRE, LIRE_EN_FOND = range(2)  # the reading worker's: the file on screen, the others


class SourceDocuments(QObject):
    """What the viewer asks for and what it gets back. Results are remembered (documents
    opened, findings, rendered pages) so that a document seen again, or prefetched, shows at
    once."""

    ouvert = Signal(str, bool, object)  # chemin, malgre, Ouvert (pages or why not shown)
    constate = Signal(str, bool, object)  # chemin, malgre, Inspection
    page_rendue = Signal(object)  # cle_page
    page_en_echec = Signal(object, str)  # cle_page, French reason
    lu = Signal(str, object)  # sha256, documents.lecture.document.Lu

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        cache_octets: int = CACHE_OCTETS,
        timeout: float = TIMEOUT_PAR_FICHIER,
    ) -> None:
        super().__init__(parent)
        _rendre_les_grandes_images_au_systeme()
        self.cache = CachePages(cache_octets)
        self.ouverts: OrderedDict[tuple[str, bool], Ouvert] = OrderedDict()
        self.inspections: OrderedDict[tuple[str, bool], Inspection] = OrderedDict()
        self.echecs: OrderedDict[Hashable, str] = OrderedDict()  # pages that failed, why
        self._demandes: set[Hashable] = set()  # asked for, not answered yet
        self._dernieres: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # (chemin, page, malgre)
        self._inspecter_ensuite: dict[tuple[str, bool], Demande] = {}
        self._a_l_ecran: dict[int, str] = {}  # id of a viewer -> the document it shows
        self.affichage = Canal("canalAffichage", timeout)
        self.fond = Canal("canalFond", timeout)
        # Reading a document (a second or so) has a worker of its own, at a lower priority:
        # the prefetch and the inspection never wait behind it.
        self.lecture = Canal("canalLecture", timeout)
        for canal in (self.affichage, self.fond, self.lecture):
            canal.termine.connect(self._termine)
            canal.start()
        application = QCoreApplication.instance()
        if application is not None:  # whatever happens to the window, the children end
            application.aboutToQuit.connect(self.close)

    def close(self) -> None:
        """Stop the worker processes (idempotent)."""
        for canal in (self.affichage, self.fond, self.lecture):
            canal.arreter()

    # -- asking ------------------------------------------------------------------------------
    def ouvrir(
        self, doc: Document, vue: Vue, malgre: bool = False, *, prechargement: bool = False
    ) -> None:
        """Open ``doc`` and render its first page for ``vue``, then inspect it. On screen, the
        opening has the machine to itself: the inspection is asked once it is answered."""
        cle = (doc.chemin, malgre)
        if cle not in self.ouverts and ("ouvrir", cle) not in self._demandes:
            self._demandes.add(("ouvrir", cle))
            # On screen, a large photo shows a quick draft first; prefetched, it is sharp.
            requete = Ouverture(
                f"ouvrir:{doc.chemin}", doc.chemin, doc.taille_max, doc.formats, malgre, vue,
                apercu=not prechargement,
            )  # fmt: skip
            if prechargement:
                self.fond.soumettre(requete, PRECHARGER, ("ouvrir", cle))
            else:
                self.affichage.soumettre(requete, OUVRIR, ("ouvrir", cle))
        if cle not in self.inspections and ("constater", cle) not in self._demandes:
            self._demandes.add(("constater", cle))
            demande = Demande(
                f"constater:{doc.chemin}", doc.chemin, doc.taille_max, doc.formats, malgre
            )
            if prechargement:
                self.fond.soumettre(demande, PRECHARGER, ("constater", cle))
            elif ("ouvrir", cle) in self._demandes:
                self._inspecter_ensuite[cle] = demande
            else:
                self.fond.soumettre(demande, CONSTATER, ("constater", cle))

    def lire(self, sha256: str, requete: DemandeLecture, priorite: int = LIRE) -> None:
        """Read a file for the gestionnaire (MRZ, 2D-Doc, text) in the reading worker;
        ``lu`` says what it found. Asked twice, read once."""
        cle = ("lire", sha256)
        if cle not in self._demandes:
            self._demandes.add(cle)
            self.lecture.soumettre(requete, priorite, cle)

    def rendre(
        self, doc: Document, page: int, echelle: float, malgre: bool, priorite: int
    ) -> tuple[Any, ...]:
        """Ask for a page unless it is cached or asked already; its cache key. Pages on screen
        go to the display worker, the others (around, thumbnails) to the background one."""
        cle = cle_page(doc.chemin, page, echelle, malgre)
        if self.cache.get(cle) is None and cle not in self._demandes and cle not in self.echecs:
            self._demandes.add(cle)
            requete = RenduPage(
                f"page:{cle}", doc.chemin, doc.taille_max, doc.formats, page, echelle, malgre
            )
            canal = self.affichage if priorite == PAGE_VISIBLE else self.fond
            canal.soumettre(requete, priorite, cle)
        return cle

    def image(self, cle: tuple[Any, ...]) -> QImage | None:
        """The page at that key; else the same page at another échelle (a quick draft, or
        the zoom before), to stretch while the right one comes."""
        image = self.cache.get(cle)
        if image is not None:
            return image
        autre = self._dernieres.get(cle[:2] + cle[3:4])
        return self.cache.get(autre) if autre is not None else None

    def oublier(
        self,
        chemin: str,
        garder: frozenset[Hashable] | set[Hashable] = frozenset(),
        *,
        viewer: object = None,
    ) -> None:
        """Drop pending requests no longer needed by ``viewer``, which shows ``chemin``: pages
        not in ``garder`` (scrolled away), anything for another document (left), except
        prefetching and what another viewer shows (a refused file beside its re-deposit)."""
        self._a_l_ecran[id(viewer)] = chemin
        ailleurs = {c for qui, c in self._a_l_ecran.items() if qui != id(viewer)}

        def utile(tache: _Tache) -> bool:
            requete = tache.requete
            if getattr(requete, "chemin", "") in ailleurs:
                return True
            if isinstance(requete, RenduPage):
                garde = tache.cle_cache in garder
            else:
                garde = tache.priorite >= PRECHARGER or getattr(requete, "chemin", "") == chemin
            if not garde:
                self._demandes.discard(tache.cle_cache)
            return garde

        self.affichage.retirer(utile)
        self.fond.retirer(utile)
        for cle in [c for c in self._inspecter_ensuite if c[0] != chemin and c[0] not in ailleurs]:
            del self._inspecter_ensuite[cle]
            self._demandes.discard(("constater", cle))

    # -- answers -----------------------------------------------------------------------------
    def _ranger(self, cle: tuple[Any, ...], image: QImage) -> None:
        self.cache.put(cle, image)
        self._dernieres[cle[:2] + cle[3:4]] = cle
        if len(self._dernieres) > 4 * max(len(self.cache), 1000):
            self._dernieres = {k: v for k, v in self._dernieres.items() if v in self.cache}

    def _termine(self, tache: _Tache, resultat: Any) -> None:
        cle = tache.cle_cache
        self._demandes.discard(cle)
        requete = tache.requete
        if isinstance(requete, Ouverture):
            cle_doc = (requete.chemin, requete.malgre_la_taille)
            demande = self._inspecter_ensuite.pop(cle_doc, None)
            if demande is not None:
                self.fond.soumettre(demande, CONSTATER, ("constater", cle_doc))
            if isinstance(resultat, str):
                resultat = Ouvert(None, erreur=resultat)
            elif isinstance(resultat, tuple):
                resultat, image, apercu = resultat
                echelle = requete.vue.echelle(resultat.pages[0]) if requete.vue else 1.0
                page = cle_page(requete.chemin, 0, echelle, requete.malgre_la_taille)
                self._ranger(page + (("apercu",) if apercu else ()), image)
            _memoriser(self.ouverts, cle_doc, resultat)
            self.ouvert.emit(requete.chemin, requete.malgre_la_taille, resultat)
        elif isinstance(requete, Demande):
            cle_doc = (requete.chemin, requete.malgre_la_taille)
            if isinstance(resultat, str):
                resultat = Inspection(0, None, (Finding("refus", "illisible", resultat),))
            _memoriser(self.inspections, cle_doc, resultat)
            self.constate.emit(requete.chemin, requete.malgre_la_taille, resultat)
        elif isinstance(requete, DemandeLecture):
            if isinstance(resultat, str):  # the worker could not start
                resultat = requete.echec(resultat)
            self.lu.emit(cle[1], resultat)
        elif isinstance(requete, RenduPage):
            if isinstance(resultat, QImage):
                self._ranger(cle, resultat)
                self.page_rendue.emit(cle)
            else:
                _memoriser(self.echecs, cle, resultat)
                self.page_en_echec.emit(cle, resultat)


def _memoriser(table: OrderedDict[Any, Any], cle: Any, valeur: Any, garder: int = 500) -> None:
    table[cle] = valeur
    table.move_to_end(cle)
    while len(table) > garder:
        table.popitem(last=False)
