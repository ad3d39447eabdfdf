"""A perceptual fingerprint of a document's first page: the same paper scanned or photographed
twice gives two fingerprints a few bits apart, whatever the scanner, the light, the table
around it, the skew or the JPEG quality.

The page is brought to 600 pixels, its ink found on the paper (``ocrb.encre``: darker than its
neighbourhood, not the table around a photo nor the paper's edge against it), turned upright
(the skew the MRZ reader measures), cropped to the ink's extent (so the margins a scanner or a
phone adds do not count), brought to 64 × 64, and the signs of its 63 lowest frequencies
(a DCT, in a few lines of numpy) against their median are the 63 bits.

What it cannot do: tell apart two documents printed from one template for two people (two CNI,
two récapitulatifs: 0 to 2 bits apart). The reuse check therefore compares fingerprints only
between documents whose reading gave the same holder (``services.lecture``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from .ocrb import angle_des_lignes, papier_et_encre, rayon_du_voisinage

COTE_ANALYSE = 600  # the page's longest side when its ink is found
COTE_DCT = 64
BITS = 63
ENCRE_MIN = 200  # fewer inked pixels at 600: a blank page has no fingerprint


@cache
def _cosinus(n: int) -> npt.NDArray[Any]:
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    return np.asarray(np.cos(np.pi * (2 * x + 1) * k / (2 * n)))


def _encre_sur_papier(gris: Image.Image) -> npt.NDArray[Any]:
    """The ink, away from the paper's edge: a photo's table meets the paper in a dark line
    that is not the document's (kept out by eroding the paper by twice the neighbourhood)."""
    papier, masque = papier_et_encre(gris)
    loin_du_bord = np.asarray(Image.fromarray(papier.astype(np.uint8) * 255).filter(
        ImageFilter.BoxBlur(2 * rayon_du_voisinage(gris))))  # fmt: skip
    return np.asarray(masque & (loin_du_bord > 250))


def empreinte(image: Image.Image, angle: float | None = None) -> int | None:
    """The page's 63-bit fingerprint, None for a page with (almost) no ink. ``angle``: the
    page's skew when already measured (the MRZ reader's), else measured here."""
    gris = image if image.mode == "L" else image.convert("L")
    echelle = COTE_ANALYSE / max(gris.size)
    if echelle < 1:
        gris = gris.resize(
            (max(1, round(gris.width * echelle)), max(1, round(gris.height * echelle))),
            Image.Resampling.BOX,
        )
    masque = _encre_sur_papier(gris)
    if int(masque.sum()) < ENCRE_MIN:
        return None
    if angle is None:
        angle = angle_des_lignes(masque)
    droit = Image.fromarray((masque * 255).astype(np.uint8)).rotate(
        angle, Image.Resampling.BILINEAR, expand=True
    )
    ys, xs = np.nonzero(np.asarray(droit) > 64)
    # The ink's extent, a stray speck of noise at an edge left out.
    x0, x1 = np.percentile(xs, [0.5, 99.5])
    y0, y1 = np.percentile(ys, [0.5, 99.5])
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    carre = droit.crop((int(x0), int(y0), int(x1) + 1, int(y1) + 1)).resize(
        (COTE_DCT, COTE_DCT), Image.Resampling.BOX
    )
    c = _cosinus(COTE_DCT)
    frequences = c @ np.asarray(carre, dtype=np.float64) @ c.T
    basses = frequences[:8, :8].flatten()[1:]  # the constant term says nothing of the layout
    bits = basses > np.median(basses)
    return int(sum(1 << i for i, b in enumerate(bits) if b))


def distance(a: int, b: int) -> int:
    """The number of bits in which two fingerprints differ."""
    return (a ^ b).bit_count()
