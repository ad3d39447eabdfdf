"""Is a scanned or photographed page legible? Two measures a gestionnaire makes by eye, made on
the pixels with numpy:

- **Blur**: on the page brought to 200 dpi (an A4's long side at 2,339 pixels; a smaller image
  as it is), the edges' Laplacian over their gradient. For an edge blurred by a Gaussian of
  σ pixels, both fall with σ, the Laplacian once more: their ratio is about 1/σ whatever the
  contrast of the ink. Calibrated on generated attestations (``bench.bench_lisibilite``):
  sharp and scanned pages (σ up to 1.3 pixels at 200 dpi) above ``NETTETE_MIN``, the same
  pages blurred by σ ≥ 1.5 below it.
- **Resolution**: an image shaped like an A4 page (a scan) whose long side gives under
  ``DPI_MIN`` dots per inch; the MRZ and text readers fail under 150 dpi.

A verdict needs enough edges to judge (``BORDS_MIN``): a page with nothing on it says nothing
here (the blank-page test does)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from desktop_app.documents.constats import Finding

COTE_200_DPI = 2339  # an A4's long side at 200 dpi
NETTETE_MIN = 0.255  # under it, blurred (bench.bench_lisibilite)
BORDS_MIN = 500  # edge pixels needed for a verdict
CONTRASTE_MIN = 40  # grey levels between paper and ink, under which nothing is judged
DPI_MIN = 140  # a 150 dpi scan slightly cropped still passes
A4 = 297 / 210
A4_POUCES = 297 / 25.4


@dataclass(frozen=True)
class Mesure:
    nettete: float | None  # None: too few edges to judge
    dpi: float | None  # None: not shaped like a page


def a_200_dpi(image: Image.Image) -> npt.NDArray[np.float32]:
    """The page in grey, brought down to 200 dpi if it is finer (an area average)."""
    gris = image.convert("L")
    echelle = COTE_200_DPI / max(gris.size)
    if echelle < 1:
        taille = (max(1, round(gris.width * echelle)), max(1, round(gris.height * echelle)))
        gris = gris.resize(taille, Image.Resampling.BOX)
    return np.asarray(gris, dtype=np.float32)


def nettete_image(image: Image.Image) -> float | None:
    """The blur of an image just opened: a JPEG decoded no finer than 200 dpi needs (the DCT
    skips the rest: a 12-megapixel photo at half size), then measured."""
    largeur, hauteur = image.size
    if image.format == "JPEG" and min(largeur, hauteur) >= 8:
        echelle = min(1.0, COTE_200_DPI / max(largeur, hauteur))
        image.draft("L", (round(largeur * echelle), round(hauteur * echelle)))
    return nettete(a_200_dpi(image))


def nettete(a: npt.NDArray[np.float32]) -> float | None:
    """Laplacian over gradient on the page's strongest edges (about 1/σ of their blur)."""
    if a.shape[0] < 3 or a.shape[1] < 3:
        return None
    centre = a[1:-1, 1:-1]
    gauche, droite, haut, bas = a[1:-1, :-2], a[1:-1, 2:], a[:-2, 1:-1], a[2:, 1:-1]
    echantillon = a[::4, ::4]
    if float(np.percentile(echantillon, 99.5) - np.percentile(echantillon, 0.5)) < CONTRASTE_MIN:
        return None  # nothing drawn: the blank-page test speaks
    gradient = np.abs(droite - gauche) + np.abs(bas - haut)
    # The edges: where the gradient is a good part of the page's strongest (ink on paper).
    bords = gradient > float(np.percentile(gradient[::4, ::4], 99.5)) * 0.3
    n = int(bords.sum())
    if n < BORDS_MIN:
        return None
    laplacien = np.abs(gauche + droite + haut + bas - 4 * centre)
    return float(laplacien[bords].sum() / gradient[bords].sum())


def dpi_de_page(largeur: int, hauteur: int) -> float | None:
    """The resolution of an image shaped like an A4 page (within 5 %), by its long side."""
    long, court = max(largeur, hauteur), min(largeur, hauteur)
    if court == 0 or abs(long / court - A4) > 0.05 * A4:
        return None
    return long / A4_POUCES


def _fr(valeur: float, chiffres: int = 2) -> str:
    return f"{valeur:.{chiffres}f}".replace(".", ",")


def constats(mesure: Mesure, quoi: str = "L'image") -> list[Finding]:
    """French avertissements for a blurred page or a coarse scan (``quoi``: what is judged,
    « L'image », « La page 1 »)."""
    findings = []
    if mesure.nettete is not None and mesure.nettete < NETTETE_MIN:
        findings.append(Finding(
            "avertissement", "flou",
            f"{quoi} est floue (netteté {_fr(mesure.nettete)}, nette à partir de "
            f"{_fr(NETTETE_MIN, 3)}) : le texte risque d'être illisible.",
        ))  # fmt: skip
    if mesure.dpi is not None and mesure.dpi < DPI_MIN:
        findings.append(Finding(
            "avertissement", "resolution_faible",
            f"{quoi} est numérisée à environ {mesure.dpi:.0f} dpi (moins de 150) : le texte "
            "risque d'être illisible.",
        ))  # fmt: skip
    return findings
