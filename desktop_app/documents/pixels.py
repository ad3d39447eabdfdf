"""What crosses from the worker to the GUI for display: page sizes and raw pixels.

Sizes are in *logical pixels at 100 %*: a PDF page at 96 dpi (1 pt = 4/3 px), a photo at one
image pixel per logical pixel, after the page's own rotation (PDF /Rotate, photo EXIF). The
viewer asks for an *échelle*: device pixels per logical pixel at 100 % (zoom × devicePixelRatio).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PX_PAR_PT = 96 / 72
# No rendered page holds more than this many pixels (a huge MediaBox at a high zoom would ask
# for gigabytes): above it, the page is rendered smaller and the viewer stretches it.
PIXELS_RENDU_MAX = 24_000_000
# A photo decoded at a DCT scale a little larger than asked is handed over as it is, up to this
# many bytes, and the GUI process scales it (Qt's smooth scaling, several times quicker than
# Pillow's): the last step of the scaling is pixels only, no parser. Above it, the worker
# scales, and fewer bytes cross.
A_REDUIRE_PAR_L_ECRAN_MAX = 8 * 1024 * 1024

Mode = Literal["largeur", "page", "libre"]


@dataclass(frozen=True)
class PageInfo:
    largeur: float
    hauteur: float

    def tournee(self, rotation: int) -> PageInfo:
        return PageInfo(self.hauteur, self.largeur) if rotation % 180 else self


@dataclass(frozen=True)
class Pixels:
    """Rows of ``stride`` bytes; ``format`` 'rgb' (3 bytes a pixel: MuPDF's pages), 'rgbx'
    (4 bytes, the last one padding: Pillow's photos) or 'gris' (1 byte)."""

    largeur: int
    hauteur: int
    stride: int
    format: Literal["rgb", "rgbx", "gris"]
    data: bytes
    echelle: float  # the échelle it was rendered for (what the viewer asked)
    apercu: bool = False  # a quick low-resolution first look, a sharper one follows
    dans_tampon: bool = False  # ``data`` is empty: the bytes are in the caller's shared memory
    reduire_a: tuple[int, int] | None = None  # the size the GUI scales it to (None: as is)

    @property
    def octets(self) -> int:
        return self.stride * self.hauteur


def taille_rendue(page: PageInfo, echelle: float) -> tuple[int, int, float]:
    """Pixel size of ``page`` rendered at ``echelle`` and the échelle really used (lowered so
    that the page stays under PIXELS_RENDU_MAX)."""
    surface = page.largeur * page.hauteur * echelle * echelle
    if surface > PIXELS_RENDU_MAX:
        echelle *= (PIXELS_RENDU_MAX / surface) ** 0.5
    return max(1, round(page.largeur * echelle)), max(1, round(page.hauteur * echelle)), echelle


def zoom_ajuste(page: PageInfo, mode: Mode, vue: tuple[int, int], zoom: float) -> float:
    """The zoom that fits ``page`` (already turned) in a view of ``vue`` logical pixels."""
    largeur, hauteur = max(1, vue[0]), max(1, vue[1])
    if mode == "largeur":
        return largeur / page.largeur
    if mode == "page":
        return min(largeur / page.largeur, hauteur / page.hauteur)
    return zoom
