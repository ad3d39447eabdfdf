"""Is the confirmation d'inscription dated and signed? The portal prints, at its end:

    CERTIFIE EXACT,
    A ______________________, le ______________
    Signature du candidat et du représentant légal si le candidat est mineur

The words of the page (text layer or OCR) give where those lines are; the ink does the rest:

- the **date**: ink (or a date typed) after « le » on the « A …, le … » line, the printed
  underline left out (horizontal runs of dark pixels longer than ``TRAIT_MIN`` of the page's
  width are the form's, not the hand's);
- the **signature**: ink between the « Signature du candidat » line and the next printed line
  (at most ``ZONE_SIGNATURE`` of the page's height below it), over the text's width.

Corrections to the candidate's lines must be written in red (seed 004): coloured ink over the
printed lines above the date that is not red (a blue or green pen) is said, as information
(``annotations``). Black ink cannot be told from the print by its colour: it is not judged.

A page without the « Signature du candidat » line says nothing. A récapitulatif that says the
candidature was validated online (« validée en ligne ») is signed by that validation: nothing
is said either. Thresholds from ``bench.bench_lisibilite``'s signature part (generated
confirmations, signed or not, scanned or photographed)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .texte import Boite, Mot, englobante

if TYPE_CHECKING:
    from collections.abc import Callable

    from PIL import Image

ENCRE_SIGNATURE_MIN = 0.001  # share of dark pixels in the zone that makes a signature
ENCRE_DATE_MIN = 0.006  # in the date's zone (a date is a dozen strokes)
ZONE_SIGNATURE = 0.09  # of the page's height, below the « Signature du candidat » line
ZONE_DATE = 0.30  # of the page's width, after « le »
MOTS_LIGNE_IMPRIMEE = 4  # words of a printed line (the OCR reads a scribble as one or two)
TRAIT_MIN = 0.04  # of the page's width: a longer horizontal run of ink is a printed line
SATURATION_MIN = 25  # max - min of the channels: a pen's colour, not a scan's grey or noise
PRES_DU_NOIR = 0.0012  # of the page's width (2 pixels at 200 dpi): a colour fringe's reach
COULEUR_MIN = 0.0003  # share of the zone's pixels in a colour other than red that is said
_DATE_ECRITE = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}")


@dataclass(frozen=True)
class Constat:
    """``signature`` / ``date``: present or not; ``boite_*`` where it was looked for."""

    signature: bool
    date: bool | None  # None: the « A …, le … » line was not found
    boite_signature: Boite
    boite_date: Boite | None
    encre_signature: float
    encre_date: float
    annotations: Boite | None = None  # where coloured ink that is not red was found


def _normal(texte: str) -> str:
    sans = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode().lower()
    return "".join(c if c.isalnum() else " " for c in sans)


def valide_en_ligne(lignes: list[list[Mot]]) -> bool:
    texte = " ".join(_normal(m.texte) for ligne in lignes for m in ligne)
    return "validee en ligne" in texte or "validation en ligne" in texte


def chercher(
    lignes: list[list[Mot]],
    gris: npt.NDArray[np.uint8],
    couleur: Callable[[], Image.Image | None] | None = None,
) -> Constat | None:
    """The signature and date of the page whose words are ``lignes`` (boxes as fractions of
    ``gris``, the page in grey), or None when the page has no signature line. The signature's
    zone spans the printed text's width, from under its line to the next printed line.
    ``couleur``: the page in colour (any resolution), where annotations are looked for; made
    only when the zone above the date holds printed lines (a photo's colour is decoded then)."""
    textes = [_normal(" ".join(m.texte for m in ligne)) for ligne in lignes]
    i = next((k for k, texte in enumerate(textes) if "signature du candidat" in texte), None)
    if i is None:
        return None
    x0, y0, x1, y1 = englobante(lignes[i])
    # The next printed line: one of several words (a signature read by the OCR is one or two
    # garbled « words », never a sentence).
    imprimees = [englobante(ligne) for ligne in lignes[i + 1 :] + lignes[:i]
                 if len(ligne) >= MOTS_LIGNE_IMPRIMEE]  # fmt: skip
    dessous = [b[1] for b in imprimees if b[1] > y1 + 0.005]
    bas = min([y1 + ZONE_SIGNATURE, *dessous])
    # Across the printed text's width: a photo's table around the sheet is not ink.
    droite = max([x1, *(b[2] for b in imprimees)])
    zone = (max(0.0, x0 - 0.02), y1 + 0.003, min(1.0, droite + 0.01), bas)
    encre_signature = _encre(gris, zone)
    date, boite_date, encre_date = _date(lignes[max(0, i - 2) : i], x0, y0, gris)
    annotations = None
    if couleur is not None:
        au_dessus = [englobante(ligne) for ligne in lignes[:i] if len(ligne) >= 2]
        bas_zone = (boite_date[1] if boite_date else y0 - 0.05) - 0.005
        au_dessus = [b for b in au_dessus if b[3] <= bas_zone]
        if au_dessus:
            boite = (max(0.0, min(b[0] for b in au_dessus) - 0.01),
                     max(0.0, min(b[1] for b in au_dessus) - 0.02),
                     min(1.0, max(b[2] for b in au_dessus) + 0.05), bas_zone)  # fmt: skip
            page = couleur()
            if page is not None and _hors_rouge(page, boite) >= COULEUR_MIN:
                annotations = boite
    return Constat(encre_signature >= ENCRE_SIGNATURE_MIN, date, zone, boite_date,
                   encre_signature, encre_date, annotations)  # fmt: skip


def _hors_rouge(couleur: Image.Image, boite: Boite) -> float:
    """The share of the zone's pixels inked in a colour that is not red, away from the black
    print. A scanner's or a lens's channels do not fall exactly on each other: black print
    then shows a colour edge on each side, which a JPEG smears further; so colour within
    ``PRES_DU_NOIR`` of black ink is not counted (a correction is written between the lines,
    over the words it replaces). Averaged over 3 × 3 pixels: a JPEG's colour noise is not
    ink."""
    from PIL import Image, ImageFilter

    largeur, hauteur = couleur.size
    x0, y0, x1, y1 = (round(boite[0] * largeur), round(boite[1] * hauteur),
                      round(boite[2] * largeur), round(boite[3] * hauteur))  # fmt: skip
    image = couleur.crop((x0, y0, x1, y1))  # the zone alone becomes an array
    zone = np.asarray(image)
    if zone.shape[0] < 3 or zone.shape[1] < 3:
        return 0.0
    noir = Image.fromarray(((zone.max(axis=2) < 120) * 255).astype(np.uint8))
    pres = max(1, round(PRES_DU_NOIR * largeur))
    pres_du_noir = np.asarray(noir.filter(ImageFilter.BoxBlur(pres))) > 0
    moyen = np.asarray(image.filter(ImageFilter.BoxBlur(1)), dtype=np.int16)
    r, g, b = moyen[..., 0], moyen[..., 1], moyen[..., 2]
    haut, bas = moyen.max(axis=2), moyen.min(axis=2)
    encre = (haut - bas > SATURATION_MIN) & (haut < 235) & ~pres_du_noir
    rouge = (r > g + 20) & (r > b + 20)
    return float((encre & ~rouge).mean())


def _date(
    avant: list[list[Mot]], x_gauche: float, y_signature: float, gris: npt.NDArray[np.uint8]
) -> tuple[bool | None, Boite | None, float]:
    """The date on the « A …, le … » line, just above the signature line: a date the OCR
    reads there, else ink after « le »; when the hand wrote over the line so much that « le »
    cannot be read, ink over the line's right part (where « le ____ » is printed)."""
    proches = [ligne for ligne in avant if y_signature - englobante(ligne)[3] <= 0.05]
    if not proches:
        return None, None, 0.0
    normaux = [[_normal(m.texte).strip() for m in ligne] for ligne in proches]
    # The date's line: the one with « le », else one that starts with « A », else the widest
    # (the OCR may split a line written over into a stray mark and the rest).
    k = next((k for k, mots in enumerate(normaux) if "le" in mots), None)
    if k is None:
        k = next((k for k, mots in enumerate(normaux) if mots[:1] in (["a"], ["fait"])), None)
    if k is None:
        k = max(
            range(len(proches)), key=lambda k: englobante(proches[k])[2] - englobante(proches[k])[0]
        )
    ligne, mots = proches[k], normaux[k]
    _, by0, bx1, by1 = englobante(ligne)
    haut = by1 - by0
    if "le" in mots:
        debut = ligne[len(mots) - 1 - mots[::-1].index("le")].boite[2] + 0.003
    else:
        debut = x_gauche + 0.55 * (max(bx1, x_gauche + 0.4) - x_gauche)
    boite = (debut, max(0.0, by0 - 0.8 * haut), min(1.0, debut + ZONE_DATE),
             min(by1 + 0.5 * haut, y_signature - 0.002))  # fmt: skip
    encre = _encre(gris, boite)
    ecrite = any(_DATE_ECRITE.search(m.texte) for autre in proches for m in autre)
    return ecrite or encre >= ENCRE_DATE_MIN, boite, encre


def _encre(gris: npt.NDArray[np.uint8], boite: Boite) -> float:
    """The share of the zone's pixels darker than its paper by a good margin, the form's
    printed lines left out."""
    hauteur, largeur = gris.shape
    x0, y0, x1, y1 = (round(boite[0] * largeur), round(boite[1] * hauteur),
                      round(boite[2] * largeur), round(boite[3] * hauteur))  # fmt: skip
    zone = gris[y0:y1, x0:x1]
    if zone.size == 0:
        return 0.0
    papier = float(np.percentile(zone, 90))
    sombre = zone < papier - 70
    # Horizontal runs longer than TRAIT_MIN of the page: underlines and rules, not writing.
    long_min = max(8, round(TRAIT_MIN * largeur))
    if sombre.shape[1] >= long_min:
        # Gaps of a pixel or two (noise, a photo's blur) do not break a printed line.
        lie = sombre.copy()
        for d in (1, 2):
            lie[:, d:] |= sombre[:, :-d]
            lie[:, :-d] |= sombre[:, d:]
        cumul = np.cumsum(lie, axis=1, dtype=np.int32)
        fenetre = cumul[:, long_min - 1 :] - np.concatenate(
            [np.zeros((sombre.shape[0], 1), np.int32), cumul[:, :-long_min]], axis=1
        )
        pleines = fenetre == long_min  # a window entirely dark: part of a long run
        trait = np.zeros_like(sombre)  # the pixels of those windows, dilated again by 2
        for decalage in range(long_min):  # mark every pixel of those windows
            trait[:, decalage : decalage + pleines.shape[1]] |= pleines
        sombre &= ~trait
    return float(sombre.mean())
