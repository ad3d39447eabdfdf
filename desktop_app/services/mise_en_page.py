"""A small page layout for the bureau's letters, drawn with PyMuPDF: paragraphs and tables that
wrap and flow onto new A4 pages. Text is written glyph by glyph (no shaping), so a PDF text tool
reads « justificatives », never a ligature. No Qt; our own text only (never a candidate's file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pymupdf

A4 = pymupdf.paper_rect("a4")
MARGE_H, MARGE_B, MARGE_G, MARGE_D = 56.0, 64.0, 62.0, 56.0
INTERLIGNE = 1.3
GRIS = (0.45, 0.45, 0.45)
NOIR = (0.0, 0.0, 0.0)


class Police:
    """A font and the width of its characters, measured once (PyMuPDF's own measure crosses
    into C for every character: a letter of a page would measure 10,000 of them)."""

    def __init__(self, nom: str) -> None:
        self.font = pymupdf.Font(nom)
        self._avances: dict[str, float] = {}

    def largeur(self, texte: str, taille: float) -> float:
        avances = self._avances
        total = 0.0
        for c in texte:
            a = avances.get(c)
            if a is None:
                a = avances[c] = self.font.glyph_advance(ord(c))
            total += a
        return total * taille


_POLICES: dict[str, Police] = {}


def police(nom: str) -> Police:
    if nom not in _POLICES:
        _POLICES[nom] = Police(nom)
    return _POLICES[nom]


@dataclass(frozen=True)
class Colonne:
    titre: str
    part: float  # of the usable width


class Mise:
    """Draws into ``document`` from a new page. ``y`` is where the next line goes."""

    def __init__(self, document: pymupdf.Document) -> None:
        self.document = document
        self.normale = police("helv")
        self.grasse = police("hebo")
        self.premiere = document.page_count
        self.page: pymupdf.Page = document.new_page(width=A4.width, height=A4.height)
        self.y = MARGE_H
        self._writers: dict[tuple[float, float, float], pymupdf.TextWriter] = {}
        self._entete: list[str] = []  # the head of the current table, repeated on a new page

    @property
    def largeur(self) -> float:
        return A4.width - MARGE_G - MARGE_D

    @property
    def bas(self) -> float:
        return A4.height - MARGE_B

    # pages
    def saut_de_page(self) -> None:
        self._ecrire()
        self.page = self.document.new_page(width=A4.width, height=A4.height)
        self.y = MARGE_H

    def _place(self, hauteur: float) -> None:
        if self.y + hauteur > self.bas and self.y > MARGE_H:
            self.saut_de_page()

    def _ajoute(
        self,
        position: tuple[float, float],
        texte: str,
        gras: bool,
        taille: float,
        couleur: tuple[float, float, float] = NOIR,
    ) -> None:
        writer = self._writers.get(couleur)
        if writer is None:
            writer = self._writers[couleur] = pymupdf.TextWriter(self.page.rect, color=couleur)
        writer.append(position, texte, (self.grasse if gras else self.normale).font, taille)

    def _ecrire(self) -> None:
        """The text of the page goes on top of its frames and fills."""
        for writer in self._writers.values():
            writer.write_text(self.page)
        self._writers = {}

    def terminer(self, pied: str = "") -> int:
        """Write what remains; number the pages of this letter in their foot. Returns them."""
        self._ecrire()
        pages = range(self.premiere, self.document.page_count)
        for k, numero in enumerate(pages, 1):
            page = self.document[numero]
            texte = f"{pied} — page {k} / {len(pages)}" if pied else f"page {k} / {len(pages)}"
            writer = pymupdf.TextWriter(page.rect, color=GRIS)
            largeur = self.normale.largeur(texte, 8)
            writer.append(
                (A4.width - MARGE_D - largeur, A4.height - 36), texte, self.normale.font, 8
            )
            writer.write_text(page)
        return len(pages)

    # text
    def lignes(self, texte: str, taille: float, largeur: float, gras: bool = False) -> list[str]:
        """``texte`` wrapped to ``largeur`` (explicit line breaks kept)."""
        police = self.grasse if gras else self.normale
        espace = police.largeur(" ", taille)
        resultat: list[str] = []
        for paragraphe in texte.split("\n"):
            ligne, occupe = "", 0.0
            for mot in paragraphe.split(" "):
                for morceau in self._coupe(mot, police, taille, largeur):
                    long = police.largeur(morceau, taille)
                    if ligne and occupe + espace + long > largeur:
                        resultat.append(ligne)
                        ligne, occupe = morceau, long
                    else:
                        ligne = f"{ligne} {morceau}" if ligne else morceau
                        occupe += (espace if occupe else 0) + long
            resultat.append(ligne)
        return resultat

    @staticmethod
    def _coupe(mot: str, police: Police, taille: float, largeur: float) -> list[str]:
        """A word wider than the line (a sha256, an address) is cut where it must."""
        if police.largeur(mot, taille) <= largeur:
            return [mot]
        morceaux, courant = [], ""
        for c in mot:
            if courant and police.largeur(courant + c, taille) > largeur:
                morceaux.append(courant)
                courant = ""
            courant += c
        return [*morceaux, courant]

    def texte(
        self,
        texte: str,
        taille: float = 10,
        *,
        gras: bool = False,
        aligne: str = "gauche",
        apres: float = 6,
        x: float = MARGE_G,
        largeur: float | None = None,
        couleur: tuple[float, float, float] = NOIR,
    ) -> None:
        largeur = self.largeur - (x - MARGE_G) if largeur is None else largeur
        police = self.grasse if gras else self.normale
        hauteur = taille * INTERLIGNE
        for ligne in self.lignes(texte, taille, largeur, gras):
            self._place(hauteur)
            decalage = largeur - police.largeur(ligne, taille)
            dx = {"droite": decalage, "centre": decalage / 2}.get(aligne, 0.0)
            self._ajoute((x + dx, self.y + taille), ligne, gras, taille, couleur)
            self.y += hauteur
        self.y += apres

    def espace(self, hauteur: float) -> None:
        self.y += hauteur

    def filet(self, apres: float = 8) -> None:
        self._place(2)
        self.page.draw_line((MARGE_G, self.y), (A4.width - MARGE_D, self.y), color=GRIS, width=0.5)
        self.y += apres

    # tables
    def tableau(
        self, colonnes: Sequence[Colonne], lignes: Sequence[Sequence[str]], taille: float = 9
    ) -> None:
        """A bordered table; its head is repeated on each page it flows onto."""
        largeurs = [c.part * self.largeur for c in colonnes]
        self._entete = [c.titre for c in colonnes]
        self._rangee(self._entete, largeurs, taille, entete=True)
        for ligne in lignes:
            self._rangee(ligne, largeurs, taille, entete=False)
        self.y += 8

    def _rangee(
        self, cellules: Sequence[str], largeurs: list[float], taille: float, *, entete: bool
    ) -> None:
        marge = 3.0
        hauteur_ligne = taille * INTERLIGNE
        contenus = [
            self.lignes(c, taille, w - 2 * marge, gras=entete)
            for c, w in zip(cellules, largeurs, strict=True)
        ]
        hauteur = max(len(c) for c in contenus) * hauteur_ligne + 2 * marge
        if self.y + hauteur > self.bas and self.y > MARGE_H:
            self.saut_de_page()
            if not entete:
                self._rangee(self._entete, largeurs, taille, entete=True)
        x = MARGE_G
        for contenu, w in zip(contenus, largeurs, strict=True):
            rect = pymupdf.Rect(x, self.y, x + w, self.y + hauteur)
            self.page.draw_rect(
                rect, color=GRIS, fill=(0.92, 0.92, 0.92) if entete else None, width=0.5
            )
            for k, ligne in enumerate(contenu):
                base = self.y + marge + k * hauteur_ligne + taille
                self._ajoute((x + marge, base), ligne, entete, taille)
            x += w
        self.y += hauteur


def document() -> pymupdf.Document:
    return pymupdf.open()


def octets(doc: pymupdf.Document) -> bytes:
    """The finished PDF: fonts reduced to the glyphs used, compressed."""
    doc.subset_fonts()
    return bytes(doc.tobytes(garbage=3, deflate=True))


def pages_en_pixels(
    pdf: bytes, zoom: float = 1.0, pages: int = 4
) -> list[tuple[int, int, int, bytes]]:
    """The first pages of a PDF we generated, as RGB pixels (width, height, stride, bytes), for
    a preview before saving. Our own PDF, never a candidate's: rendered here, not in a worker."""
    doc = pymupdf.open("pdf", pdf)
    try:
        resultat = []
        for page in list(doc)[:pages]:
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
            resultat.append((pix.width, pix.height, pix.stride, bytes(pix.samples)))
        return resultat
    finally:
        doc.close()
