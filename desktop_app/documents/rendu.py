"""Requests for the viewer, answered in the worker process: open a file for display, render a
page. The GUI receives page sizes, pixels and French messages; never a parser's object.

A child keeps the last few files it opened (a page asked for later does not parse them again).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from desktop_app.documents.constats import Finding
from desktop_app.documents.inspection import (
    fichier_illisible,
    lire,
    pdf_tronque,
    refus_sans_analyse,
)
from desktop_app.documents.pixels import Mode, PageInfo, Pixels, zoom_ajuste

TIMEOUT_PAR_PAGE = 15.0
OUVERTS_MAX = 6  # files a child keeps open for the pages asked next


@dataclass
class _Ouvert:
    data: bytes
    format: str
    doc: Any = None  # a pymupdf.Document for a PDF; a JPEG is decoded at each render
    pages: tuple[PageInfo, ...] = ()

    def rendre(self, index: int, echelle: float, apercu: bool, tampon: str) -> Pixels:
        """The page's pixels, in the caller's shared memory ``tampon`` when they fit (see
        ``deposer``)."""
        if self.format == "pdf":
            from desktop_app.documents import pdf

            return pdf.rendre(self.doc, index, echelle, _bloc(tampon))  # put there itself
        from desktop_app.documents import jpeg

        return deposer(jpeg.rendre(self.data, echelle, apercu), tampon)

    def close(self) -> None:
        if self.doc is not None:
            self.doc.close()


_OUVERTS: OrderedDict[tuple[str, bool], _Ouvert] = OrderedDict()


class _NonAffichable(Exception):
    def __init__(self, refus: list[Finding], format: str | None) -> None:
        super().__init__(refus[0].message)
        self.refus = refus
        self.format = format


def _ouvrir(chemin: str, taille_max: int, formats: tuple[str, ...], malgre: bool) -> _Ouvert:
    """The file, opened for display, or _NonAffichable with why it is not shown: a format
    other than those accepted, empty, over the limit (unless ``malgre``), truncated, protected,
    without pages. Decided before any parser sees the bytes when it can be."""
    cle = (chemin, malgre)
    if cle in _OUVERTS:
        _OUVERTS.move_to_end(cle)
        return _OUVERTS[cle]
    data, size = lire(chemin, taille_max, malgre)
    fmt, refus = refus_sans_analyse(data, size, taille_max, formats)
    if malgre and [f.code for f in refus] == ["taille"]:
        refus = []
    if refus:
        raise _NonAffichable(refus, fmt)
    ouvert = _Ouvert(data, fmt or "")
    if fmt == "pdf":
        from desktop_app.documents import pdf

        tronque = pdf_tronque(data)
        if tronque:
            raise _NonAffichable([tronque], fmt)
        try:
            ouvert.doc = pdf.ouvrir(data)
        except pdf.PdfIllisible as exc:
            raise _NonAffichable([Finding("refus", "illisible", str(exc))], fmt) from exc
        refus_pdf = pdf.refus_a_l_ouverture(ouvert.doc)
        if refus_pdf:
            ouvert.close()
            raise _NonAffichable([refus_pdf], fmt)
        pdf.neutraliser_images_demesurees(ouvert.doc)  # as the inspection does: said there
        ouvert.pages = pdf.pages(ouvert.doc)
    else:
        from desktop_app.documents import jpeg

        try:
            examen = jpeg.examiner(data)  # the inspection's own test: both agree
        except jpeg.JpegIllisible as exc:
            raise _NonAffichable([Finding("refus", exc.code, str(exc))], fmt) from exc
        refus_jpeg = examen.refus()
        if refus_jpeg:
            raise _NonAffichable([refus_jpeg], fmt)
        ouvert.pages = (examen.affiche,)
    _OUVERTS[cle] = ouvert
    while len(_OUVERTS) > OUVERTS_MAX:
        _OUVERTS.popitem(last=False)[1].close()
    return ouvert


@dataclass(frozen=True)
class Vue:
    """How the viewer will show the first page: to render it at once at the right size."""

    largeur: int
    hauteur: int
    mode: Mode = "page"
    zoom: float = 1.0
    dpr: float = 1.0
    rotation: int = 0

    def zoom_pour(self, page: PageInfo) -> float:
        """The zoom that shows ``page`` in this view (the viewer lays its pages out with it)."""
        tournee = page.tournee(self.rotation)
        return zoom_ajuste(tournee, self.mode, (self.largeur, self.hauteur), self.zoom)

    def echelle(self, page: PageInfo) -> float:
        return self.zoom_pour(page) * self.dpr


@dataclass(frozen=True)
class Ouvert:
    """A file opened for display. ``refus``: why it is not shown (then no pages)."""

    format: str | None
    pages: tuple[PageInfo, ...] = ()
    premiere: Pixels | None = None
    refus: tuple[Finding, ...] = ()
    erreur: str = ""  # the worker failed on it: "Document illisible…"

    @property
    def affichable(self) -> bool:
        return bool(self.pages) and not self.erreur


@dataclass(frozen=True)
class Ouverture:
    """Open a file for display; with ``vue``, render its first page for that view (one round
    trip to the first pixels)."""

    cle: str
    chemin: str
    taille_max: int
    formats: tuple[str, ...]
    malgre_la_taille: bool = False
    vue: Vue | None = None
    apercu: bool = False  # a JPEG photo: the quick draft first
    delai: float | None = None
    tampon: str = ""  # shared memory where the pixels go (see ``deposer``)

    def traiter(self) -> Ouvert:
        try:
            ouvert = _ouvrir(self.chemin, self.taille_max, self.formats, self.malgre_la_taille)
        except _NonAffichable as exc:
            return Ouvert(exc.format, refus=tuple(exc.refus))
        except OSError as exc:
            return Ouvert(None, erreur=fichier_illisible(exc))
        premiere = None
        if self.vue is not None:
            echelle = self.vue.echelle(ouvert.pages[0])
            premiere = ouvert.rendre(0, echelle, self.apercu, self.tampon)
        return Ouvert(ouvert.format, ouvert.pages, premiere)

    def echec(self, raison: str) -> Ouvert:
        return Ouvert(None, erreur=raison)


@dataclass(frozen=True)
class Rendu:
    pixels: Pixels | None
    erreur: str = ""


@dataclass(frozen=True)
class RenduPage:
    """Render one page of a file (opened again if the child forgot it or was restarted)."""

    cle: str
    chemin: str
    taille_max: int
    formats: tuple[str, ...]
    page: int
    echelle: float
    malgre_la_taille: bool = False
    apercu: bool = False
    delai: float | None = TIMEOUT_PAR_PAGE
    tampon: str = ""

    def traiter(self) -> Rendu:
        try:
            ouvert = _ouvrir(self.chemin, self.taille_max, self.formats, self.malgre_la_taille)
        except _NonAffichable as exc:
            return Rendu(None, exc.refus[0].message)
        except OSError as exc:
            return Rendu(None, fichier_illisible(exc))
        if not 0 <= self.page < len(ouvert.pages):
            return Rendu(None, "Cette page n'existe pas.")
        return Rendu(ouvert.rendre(self.page, self.echelle, self.apercu, self.tampon))

    def echec(self, raison: str) -> Rendu:
        return Rendu(None, raison)


_TAMPONS: dict[str, Any] = {}


def _bloc(tampon: str) -> memoryview | None:
    """The caller's shared memory block ``tampon`` (opened once), None without one."""
    if not tampon:
        return None
    bloc = _TAMPONS.get(tampon)
    if bloc is None:
        from multiprocessing import shared_memory

        try:
            bloc = shared_memory.SharedMemory(name=tampon)
        except (OSError, ValueError):
            return None  # the pipe, then
        # A spawned child shares its parent's resource tracker: registering the block again
        # there changes nothing, and the owner unlinks it.
        _TAMPONS[tampon] = bloc
    return bloc.buf


def deposer(pixels: Pixels, tampon: str) -> Pixels:
    """Put the pixels in the caller's shared memory block ``tampon`` instead of the answer:
    a page is megabytes, which a pipe moves in milliseconds and shared memory in a copy. The
    caller sends one request at a time and copies the pixels out before the next one. (A PDF
    page is put there by ``pdf.rendre`` itself, without this copy.)"""
    bloc = _bloc(tampon)
    if bloc is None or pixels.octets > len(bloc):
        return pixels
    bloc[: pixels.octets] = pixels.data
    return replace(pixels, data=b"", dans_tampon=True)


def oublier_tout() -> None:
    for ouvert in _OUVERTS.values():
        ouvert.close()
    _OUVERTS.clear()
