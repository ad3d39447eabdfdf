"""Reading the MRZ off an image: our own recogniser for OCR-B.

A general OCR engine reads the MRZ badly (the '<' filler, dropped letters that no check digit
covers), and the MRZ makes a dedicated reader easy: one typeface, 37 characters, a fixed pitch
(2.54 mm), lines of 30, 36 or 44 characters at the bottom of the document. So:

1. the image is binarised against its local mean, its skew found by the sharpest row profile;
2. text lines are found by the row profile, and a line as long as 20–55 of its own heights is
   a candidate;
3. its pitch and phase are fitted so that the cell boundaries fall between glyphs (the pitch
   is the same for every character: no segmentation by gaps, which blur closes and which lets
   a general engine drop a letter); a line no pitch fits so (proportional text) is left;
4. each cell is compared with the 37 glyphs of OCR-B (rendered from the public-domain font
   shipped with the application), shifted by up to two pixels and blurred or not, by
   normalised correlation, within the characters its position may hold (a date holds digits,
   a name letters);
5. consecutive lines of one length make an MRZ, parsed and checked by ``mrz.lire``.

Every character keeps its margin over the runner-up. A check digit catches any single wrong
digit, but not a letter mistaken for one whose value differs by 10 or 20 (G and Q, 0 and K,
8 and S: same weight modulo 10), and the names have no digit of their own (TD1, TD3): a field
holding letters is only given as read when each of its characters is clearly the best
(``SEUIL``), else it is ``incertain``. On generated specimens read wrong on purpose (100 dpi,
heavy blur), no wrong character had a margin over 0.053; 3 % of right ones are under 0.06.
"""

from __future__ import annotations

import io
import itertools
import math
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .mrz import ALPHABET, CNI, FORMATS, TD1, TD3, Mrz, alphabets, lire

Tableau = npt.NDArray[Any]  # images, masks and matrices of numbers

# The template grid: a cell is one pitch wide and 1.4 pitches high (the glyph's top to a
# little under the baseline), brought to 20 × 28 samples, with a margin of 2 for the shifts.
LARGEUR, HAUTEUR, MARGE = 20, 28, 2
_HAUT, _BAS = 1.22, 0.18  # the cell's extent above and below the baseline, in pitches

# Below this lead of the best glyph over the runner-up, a character no digit can vouch for
# makes its field uncertain (bench/bench_lecture.py measures it).
SEUIL = 0.07
# An MRZ's cell boundaries, fitted to its one pitch, fall between its glyphs: they cross no
# ink on every specimen read, down to 100 dpi. Lines of proportional text (an attestation's,
# a form's) cross at least 0.37 of their mean ink per column: above this share, a line is not
# read as an MRZ (0.1-0.25 s a page of text). An MRZ blurred beyond reading, its gaps filled,
# often crosses more too: it is then not found, rather than refused by its check digits
# (neither shows a value; any share from 0.25 to 0.45 gives the same on bench_lecture's sets).
TRAVERSEE_MAX = 0.25
_LONGUEURS = sorted({longueur for longueur, _ in FORMATS.values()})
_ANGLES = np.arange(-8.0, 8.01, 0.5)


@dataclass(frozen=True)
class LectureMrz:
    """An MRZ read off an image. ``incertains``: the fields (``Mrz`` attribute names) holding
    a character read without a clear lead, which no check digit can vouch for; ``boite``:
    where it lies in the image (x0, y0, x1, y1; the box of the straightened zone turned back);
    ``marges``: per line, per character, the lead of the chosen glyph over the next best."""

    mrz: Mrz
    incertains: frozenset[str]
    confiance: float
    boite: tuple[int, int, int, int]
    angle: float
    marges: tuple[tuple[float, ...], ...]

    @property
    def utilisable(self) -> bool:
        return self.mrz.valide

    def sur(self, champ: str) -> bool:
        """Whether this field (``nom``, ``naissance``…) may be shown as read."""
        return self.mrz.valide and champ not in self.incertains


@cache
def _gabarits() -> tuple[Tableau, Tableau, Tableau]:
    """Every glyph at every shift, weight and blur, as normalised rows; the index in
    ALPHABET of each row's character, and its shift (dx, dy) from the centre."""
    octets = resources.files("desktop_app").joinpath("resources", "OCRB.otf").read_bytes()
    police = ImageFont.truetype(io.BytesIO(octets), 200)
    pas = police.getlength("0")  # OCR-B is monospaced: one advance, the pitch
    ascent = police.getmetrics()[0]
    largeur = round(pas * (LARGEUR + 2 * MARGE) / LARGEUR)
    hauteur = round(pas * (_HAUT + _BAS) * (HAUTEUR + 2 * MARGE) / HAUTEUR)
    lignes, caracteres, decalages = [], [], []
    for caractere in ALPHABET:
        image = Image.new("L", (largeur, hauteur), 0)
        dessin = ImageDraw.Draw(image)
        x = (largeur - pas) / 2
        ligne_de_base = (hauteur - pas * (_HAUT + _BAS)) / 2 + pas * _HAUT
        dessin.text((x, ligne_de_base - ascent), caractere, fill=255, font=police)
        # Printers and scanners thin or spread the ink: three weights of each glyph.
        for graisse in (ImageFilter.MinFilter(9), None, ImageFilter.MaxFilter(7)):
            grasse = image.filter(graisse) if graisse else image
            petite = grasse.resize((LARGEUR + 2 * MARGE, HAUTEUR + 2 * MARGE), Image.Resampling.BOX)
            for flou in (0, 1.2):
                source = petite.filter(ImageFilter.GaussianBlur(flou)) if flou else petite
                tableau = np.asarray(source, dtype=np.float32)
                for dy in range(2 * MARGE + 1):
                    for dx in range(2 * MARGE + 1):
                        lignes.append(_normer(tableau[dy : dy + HAUTEUR, dx : dx + LARGEUR]))
                        caracteres.append(ALPHABET.index(caractere))
                        decalages.append((dx - MARGE, dy - MARGE))
    return np.stack(lignes), np.array(caracteres), np.array(decalages, dtype=np.float32)


def _normer(cellule: Tableau) -> Tableau:
    vecteur = cellule.reshape(-1).astype(np.float32)
    vecteur = vecteur - vecteur.mean()
    norme = float(np.linalg.norm(vecteur))
    return np.asarray(vecteur / norme if norme > 1e-6 else vecteur, dtype=np.float32)


def encre(gris: Image.Image) -> Tableau:
    """True where a pixel is clearly darker than its neighbourhood (ink, whatever the light),
    on paper: a neighbourhood at least half as bright as the page's light parts (not the
    table a phone photo shows around the document, nor the edge between the two)."""
    return papier_et_encre(gris)[1]


def rayon_du_voisinage(gris: Image.Image) -> int:
    """The half-side of the neighbourhood a pixel is compared with (about an eighth of a
    line of A4 text at any resolution)."""
    return max(8, max(gris.size) // 60)


def papier_et_encre(gris: Image.Image) -> tuple[Tableau, Tableau]:
    """The paper (pixels whose neighbourhood is at least half as bright as the page's light
    parts) and the ink on it (``encre``)."""
    fond = np.asarray(gris.filter(ImageFilter.BoxBlur(rayon_du_voisinage(gris))))
    papier = fond > math.floor(0.55 * np.percentile(fond[::4, ::4], 95))
    # Ink: darker than 0.82 of its neighbourhood, less 4; as bytes (looked up per neighbourhood
    # value), not as numbers of 8 bytes: a photo's mask in a third of the time.
    masque = (np.asarray(gris) < _SEUILS_ENCRE[fond]) & papier
    longueur = max(40, min(masque.shape) // 10)
    return papier, masque & ~_traits(masque, longueur, 0) & ~_traits(masque, longueur, 1)


# p < f × 0.82 − 4 for whole p ⇔ p < ⌈f × 0.82 − 4⌉ (never, below 0).
_SEUILS_ENCRE = np.ceil(np.arange(256) * 0.82 - 4).clip(0).astype(np.uint8)


def _traits(encre: Tableau, longueur: int, axe: int) -> Tableau:
    """The ink of straight runs at least ``longueur`` long along ``axe`` (a document's edge, a
    frame, a rule): no glyph is that tall or wide.

    The runs are found on the mask laid out as one line (each row closed by a blank pixel), by
    where the ink starts and stops: a few passes over the pixels, where counting the ink
    cumulatively along both axes cost four times as much on a phone photo."""
    rangs = np.ascontiguousarray(encre.T) if axe == 0 else encre  # runs along the rows
    hauteur, largeur = rangs.shape
    ligne = np.zeros((hauteur, largeur + 1), np.int8)
    ligne[:, :largeur] = rangs
    sauts = np.diff(ligne.reshape(-1), prepend=np.int8(0))
    debuts, fins = np.flatnonzero(sauts == 1), np.flatnonzero(sauts == -1)
    longs = fins - debuts >= longueur
    # +1 where a long run starts, -1 just after it: summed along the line, 1 on the run.
    bornes = np.zeros(ligne.size, np.int8)
    bornes[debuts[longs]] = 1
    bornes[fins[longs]] = -1
    couvert = np.cumsum(bornes, dtype=np.int8).reshape(hauteur, largeur + 1)[:, :largeur] > 0
    return np.ascontiguousarray(couvert.T) if axe == 0 else couvert


def angle_des_lignes(encre: Tableau) -> float:
    """The rotation that makes the text lines horizontal: the one whose row profile is the
    sharpest, tried every half degree then every tenth.

    The profile of a turn is computed from the ink's coordinates, each spread over its two
    nearest rows as a bilinear turn of the image would (without that spread, the unturned grid
    wins by aliasing): the same angles as turning the image each time, ten times faster."""
    petite = Image.fromarray((encre * 255).astype(np.uint8))
    echelle = 900 / max(petite.size)
    if echelle < 1:
        petite = petite.resize((round(petite.width * echelle), round(petite.height * echelle)),
                               Image.Resampling.BOX)  # fmt: skip
    tableau = np.asarray(petite, dtype=np.float32)
    ys, xs = np.nonzero(tableau)
    poids = tableau[ys, xs]
    dx, dy = xs - tableau.shape[1] / 2, ys - tableau.shape[0] / 2
    # Half the diagonal, and a margin: no row of a turn falls outside the profile.
    demi = int(np.hypot(tableau.shape[0], tableau.shape[1])) // 2 + 2

    def nettete(angle: float) -> float:
        theta = np.deg2rad(angle)
        rang = demi + dy * np.cos(theta) - dx * np.sin(theta)  # the row, as rotate() turns it
        bas = np.floor(rang)
        part = rang - bas
        bas_i = bas.astype(np.int64)
        profil = (np.bincount(bas_i, poids * (1 - part), minlength=2 * demi + 2)
                  + np.bincount(bas_i + 1, poids * part, minlength=2 * demi + 2))  # fmt: skip
        return float(np.square(np.diff(profil)).sum())

    meilleur = max(_ANGLES, key=nettete)
    fins = np.arange(meilleur - 0.4, meilleur + 0.41, 0.1)
    return float(max(fins, key=nettete))


def _bandes(encre: Tableau) -> list[tuple[int, int]]:
    """The text lines: runs of rows that hold ink, as (top, bottom) with bottom excluded."""
    profil = encre.sum(axis=1)
    seuil = max(3, int(profil.max() * 0.04))
    lignes = profil > seuil
    bandes, debut = [], None
    for y, texte in enumerate(lignes):
        if texte and debut is None:
            debut = y
        elif not texte and debut is not None:
            if y - debut >= 6:
                bandes.append((debut, y))
            debut = None
    if debut is not None and len(lignes) - debut >= 6:
        bandes.append((debut, len(lignes)))
    return bandes


@dataclass
class _Ligne:
    haut: int
    ligne_de_base: float
    pas: float
    origine: float
    longueur: int
    x1: int


def _segment(colonnes: Tableau, hauteur: int) -> tuple[int, int] | None:
    """The longest run of ink columns whose gaps stay under one line height."""
    xs = np.flatnonzero(colonnes)
    if len(xs) == 0:
        return None
    coupures = np.flatnonzero(np.diff(xs) > hauteur * 1.3)
    debuts = np.concatenate(([0], coupures + 1))
    fins = np.concatenate((coupures, [len(xs) - 1]))
    k = int(np.argmax(xs[fins] - xs[debuts]))
    return int(xs[debuts[k]]), int(xs[fins[k]]) + 1


def _candidates(encre: Tableau, bande: tuple[int, int]) -> list[_Ligne]:
    """The readings of this text line as an MRZ line of each length it could be."""
    haut, bas = bande
    zone = encre[haut:bas]
    hauteur = bas - haut
    profil = zone.sum(axis=1)
    fortes = np.flatnonzero(profil >= profil.max() * 0.25)
    ligne_de_base = haut + float(fortes[-1]) + 1
    sommet = haut + float(fortes[0])
    colonnes = zone.sum(axis=0)
    segment = _segment(colonnes > 0, hauteur)
    if segment is None:
        return []
    x0, x1 = segment
    etendue = x1 - x0
    encre_colonnes = colonnes.astype(np.float32)
    encre_moyenne = encre_colonnes[x0:x1].mean()
    resultat = []
    for longueur in _LONGUEURS:
        pas0 = etendue / (longueur - 0.25)
        hauteur_glyphe = ligne_de_base - sommet
        if not 0.8 * pas0 < hauteur_glyphe < 1.35 * pas0:
            continue
        pas, origine = _ajuster(encre_colonnes, pas0, x0, x1, longueur)
        bords = np.rint(origine + np.arange(longueur + 1) * pas).astype(int)
        traversee = encre_colonnes[np.clip(bords, 0, len(colonnes) - 1)].mean()
        if traversee > TRAVERSEE_MAX * encre_moyenne:
            continue  # proportional text: no pitch puts its boundaries between its letters
        resultat.append(_Ligne(haut, ligne_de_base, pas, origine, longueur, x1))
    return resultat


def _ajuster(
    colonnes: Tableau, pas0: float, x0: int, x1: int, longueur: int
) -> tuple[float, float]:
    """The pitch and origin whose cell boundaries cross the least ink, all ink inside."""
    pas = np.linspace(pas0 * 0.96, pas0 * 1.04, 41)[:, None, None]
    decalage = np.linspace(-0.6, 0.1, 29)[None, :, None]
    origine = x0 + decalage * pas
    k = np.arange(longueur + 1)[None, None, :]
    bords = origine + k * pas
    indices = np.clip(np.rint(bords).astype(int), 0, len(colonnes) - 1)
    traverse = colonnes[indices].sum(axis=2)
    # Ink must not lie beyond the last boundary: penalise what is left out.
    fin = origine[..., 0] + longueur * pas[..., 0]
    traverse = traverse + np.where(fin < x1, 1e6, 0) + np.where(origine[..., 0] > x0, 1e6, 0)
    i, j = np.unravel_index(int(np.argmin(traverse)), traverse.shape)
    return float(pas[i, 0, 0]), float(origine[i, j, 0])


def _cellules(gris: Image.Image, ligne: _Ligne) -> Tableau:
    """Each cell of the line brought to the template grid, ink bright, as normalised rows."""
    pas = ligne.pas
    lignes = []
    haut = ligne.ligne_de_base - pas * _HAUT
    bas = ligne.ligne_de_base + pas * _BAS
    for i in range(ligne.longueur):
        gauche = ligne.origine + i * pas
        cellule = gris.transform(
            (LARGEUR, HAUTEUR),
            Image.Transform.EXTENT,
            (gauche, haut, gauche + pas, bas),
            Image.Resampling.BILINEAR,
        )
        lignes.append(_normer(255 - np.asarray(cellule, dtype=np.float32)))
    return np.stack(lignes)


@dataclass(frozen=True)
class _Lu:
    texte: str
    marges: tuple[float, ...]
    score: float  # the mean correlation of the chosen glyphs
    dx: Tableau  # per cell, the horizontal shift of its best match, in grid samples
    dy: float  # the median vertical shift of the best matches


def _reconnaitre(cellules: Tableau, permis: tuple[str, ...]) -> _Lu:
    """Per cell, the best glyph among those its position allows, and its lead."""
    gabarits, index, decalages = _gabarits()
    scores = cellules @ gabarits.T  # cells × (glyph, weight, blur, shift)
    par_caractere = np.empty((len(cellules), len(ALPHABET)), dtype=np.float32)
    for j in range(len(ALPHABET)):
        par_caractere[:, j] = scores[:, index == j].max(axis=1)
    meilleurs = decalages[np.argmax(scores, axis=1)]
    texte, marges, total = [], [], 0.0
    for i, jeu in enumerate(permis):
        colonnes = [ALPHABET.index(c) for c in jeu]
        valeurs = par_caractere[i, colonnes]
        ordre = np.argsort(valeurs)[::-1]
        texte.append(jeu[int(ordre[0])])
        marges.append(float(valeurs[ordre[0]] - valeurs[ordre[1]]))
        total += float(valeurs[ordre[0]])
    return _Lu("".join(texte), tuple(marges), total / len(permis), meilleurs[:, 0],
               float(np.median(meilleurs[:, 1])))  # fmt: skip


def _lire_ligne(droit: Image.Image, ligne: _Ligne, permis: tuple[str, ...]) -> _Lu:
    """The line read, then read again with its pitch, phase and baseline corrected by the
    shifts its glyphs matched at (a pitch off by 1 % drifts a third of a cell over a line):
    a straight line fitted through each cell's horizontal shift."""
    lu = _reconnaitre(_cellules(droit, ligne), permis)
    pente, ordonnee = np.polyfit(np.arange(len(lu.dx)), lu.dx, 1)
    if abs(ordonnee) < 0.5 and abs(pente) * len(lu.dx) < 0.5 and abs(lu.dy) < 0.5:
        return lu
    echelle = ligne.pas / LARGEUR
    corrigee = replace(ligne, origine=ligne.origine - ordonnee * echelle,
                       pas=ligne.pas - pente * echelle,
                       ligne_de_base=ligne.ligne_de_base - lu.dy * echelle)  # fmt: skip
    relu = _reconnaitre(_cellules(droit, corrigee), permis)
    return relu if relu.score > lu.score else lu


def _groupes(lignes: list[_Ligne]) -> list[tuple[str, list[_Ligne]]]:
    """Runs of consecutive candidate lines of one length, as many as the format has, each
    line under the previous one by less than three pitches."""
    groupes = []
    for genre, (longueur, nombre) in FORMATS.items():
        du_genre = sorted(
            (c for c in lignes if c.longueur == longueur), key=lambda candidate: candidate.haut
        )
        for i in range(len(du_genre) - nombre + 1):
            suite = du_genre[i : i + nombre]
            if all(0.8 * a.pas < b.ligne_de_base - a.ligne_de_base < 3.2 * a.pas
                   for a, b in itertools.pairwise(suite)):  # fmt: skip
                groupes.append((genre, suite))
    # The bottom of the document first: that is where an MRZ lies.
    groupes.sort(key=lambda g: -g[1][-1].ligne_de_base)
    return groupes


@dataclass(frozen=True)
class Redresse:
    """An image turned so that its text lines are horizontal (brought to 3000 pixels at most,
    and cut to the paper where a photo shows a table around it): what the MRZ and the OCR
    read. ``vers_origine`` takes a box back to the original."""

    droit: Image.Image
    angle: float
    echelle: float
    taille: tuple[int, int]  # the image's size before it was scaled and turned
    # The part turned, (x0, y0, x1, y1) in the scaled image's pixels; None: all of it.
    cadre: tuple[int, int, int, int] | None = None

    def vers_origine(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        """A box of ``droit`` in the original image's pixels (the skew is small: the box of
        its corners turned back)."""
        cx, cy = self.droit.width / 2, self.droit.height / 2
        if self.cadre is None:
            ox, oy = self.taille[0] * self.echelle / 2, self.taille[1] * self.echelle / 2
        else:
            ox, oy = (self.cadre[0] + self.cadre[2]) / 2, (self.cadre[1] + self.cadre[3]) / 2
        theta = np.deg2rad(self.angle)
        points = []
        for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            dx, dy = x - cx, y - cy
            # rotate() turned the image by +angle (counter-clockwise): turn the point back.
            px = ox + dx * np.cos(theta) - dy * np.sin(theta)
            py = oy + dx * np.sin(theta) + dy * np.cos(theta)
            points.append((px / self.echelle, py / self.echelle))
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return int(min(xs)), int(min(ys)), int(max(xs)) + 1, int(max(ys)) + 1


def redresser(image: Image.Image) -> Redresse:
    gris = image if image.mode == "L" else image.convert("L")
    echelle = 1.0
    if max(gris.size) > 3000:  # a phone's 12 Mpx: a third is plenty
        echelle = 3000 / max(gris.size)
        gris = gris.resize(
            (round(gris.width * echelle), round(gris.height * echelle)), Image.Resampling.BOX
        )
    # A photo's paper and skew are found at half its size: the skew is measured on 900
    # pixels anyway (``angle_des_lignes``), and the mask at full size cost 0.1 s.
    reduction = max(1, max(gris.size) // 1500)
    etude = gris.reduce(reduction) if reduction > 1 else gris
    papier, masque = papier_et_encre(etude)
    cadre = _cadre_du_papier(papier, 2 * rayon_du_voisinage(etude))
    if cadre is not None:
        masque = masque[cadre[1] : cadre[3], cadre[0] : cadre[2]]
        x0, y0, x1, y1 = (reduction * c for c in cadre)
        cadre = (x0, y0, min(gris.width, x1), min(gris.height, y1))
        gris = gris.crop(cadre)
    angle = angle_des_lignes(masque)
    # The corners the turn uncovers take the colour of the image's edge: no false edge.
    tableau = np.asarray(gris)
    bord = np.concatenate((tableau[0], tableau[-1], tableau[:, 0], tableau[:, -1]))
    droit = gris.rotate(
        angle, Image.Resampling.BICUBIC, expand=True, fillcolor=int(np.median(bord))
    )
    return Redresse(droit, angle, echelle, image.size, cadre)


def _cadre_du_papier(papier: Tableau, marge: int) -> tuple[int, int, int, int] | None:
    """The paper's extent and a margin, (x0, y0, x1, y1), when it leaves out at least a fifth
    of the image (a photo's table: no need to turn it, nor to read it); None otherwise. Only
    ink on paper is read, and nothing of it lies outside."""
    lignes, colonnes = np.flatnonzero(papier.any(axis=1)), np.flatnonzero(papier.any(axis=0))
    if not len(lignes):
        return None
    hauteur, largeur = papier.shape
    x0, x1 = max(0, int(colonnes[0]) - marge), min(largeur, int(colonnes[-1]) + 1 + marge)
    y0, y1 = max(0, int(lignes[0]) - marge), min(hauteur, int(lignes[-1]) + 1 + marge)
    if (x1 - x0) * (y1 - y0) > 0.8 * largeur * hauteur:
        return None
    return x0, y0, x1, y1


def lire_image(image: Image.Image | Redresse, reference: date | None = None) -> LectureMrz | None:
    """The MRZ of this image, or None when none is found. A found MRZ may still fail its
    checks (``utilisable`` False): it is then shown as unread, never used."""
    redresse = image if isinstance(image, Redresse) else redresser(image)
    droit = redresse.droit
    masque = encre(droit)
    lignes = [c for bande in _bandes(masque) for c in _candidates(masque, bande)]
    lectures: list[tuple[bool, float, LectureMrz]] = []
    for genre, suite in _groupes(lignes):
        permis = alphabets(genre)
        lus = [_lire_ligne(droit, ligne, jeu) for ligne, jeu in zip(suite, permis, strict=True)]
        textes = [lu.texte for lu in lus]
        marges = [lu.marges for lu in lus]
        scores = [lu.score for lu in lus]
        lu = lire(textes, reference)
        if lu is None:
            continue
        lecture = LectureMrz(
            mrz=lu,
            incertains=_incertains(genre, marges),
            confiance=float(min(min(m) for m in marges)),
            boite=_boite(suite, redresse),
            angle=redresse.angle,
            marges=tuple(marges),
        )
        lectures.append((lu.valide, sum(scores) / len(scores), lecture))
    # The same lines read as several formats: the checked reading that matches its glyphs
    # best, else the best matched.
    return max(lectures, key=lambda lecture: lecture[:2])[2] if lectures else None


# Where each field lies, (line, start, end), in each format; the dates are not listed: digits
# only, under their own check digit and the composite one.
_CHAMPS = {
    TD1: {"code": (0, 0, 2), "emetteur": (0, 2, 5), "numero": (0, 5, 30), "sexe": (1, 7, 8),
          "nationalite": (1, 15, 18), "nom": (2, 0, 30), "prenoms": (2, 0, 30)},
    TD3: {"code": (0, 0, 2), "emetteur": (0, 2, 5), "nom": (0, 5, 44), "prenoms": (0, 5, 44),
          "numero": (1, 0, 9), "nationalite": (1, 10, 13), "sexe": (1, 20, 21)},
    CNI: {"code": (0, 0, 2), "emetteur": (0, 2, 5), "nom": (0, 5, 30), "numero": (1, 0, 12),
          "prenoms": (1, 13, 27), "sexe": (1, 34, 35)},
}  # fmt: skip


def _incertains(genre: str, marges: list[tuple[float, ...]]) -> frozenset[str]:
    """The fields with a character read without a clear lead (fillers included: a letter
    read as '<' would shorten a name and no digit would notice)."""
    return frozenset(
        champ
        for champ, (ligne, debut, fin) in _CHAMPS[genre].items()
        if min(marges[ligne][debut:fin]) < SEUIL
    )


def _boite(suite: list[_Ligne], redresse: Redresse) -> tuple[int, int, int, int]:
    """The MRZ's box in the original image."""
    x0 = min(ligne.origine for ligne in suite)
    x1 = max(ligne.origine + ligne.longueur * ligne.pas for ligne in suite)
    y0 = suite[0].ligne_de_base - suite[0].pas * _HAUT
    y1 = suite[-1].ligne_de_base + suite[-1].pas * _BAS
    return redresse.vers_origine(x0, y0, x1, y1)


__all__ = ["CNI", "TD1", "TD3", "LectureMrz", "Redresse", "lire_image", "redresser"]
