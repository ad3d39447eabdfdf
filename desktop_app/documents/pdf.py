"""PDF: what an inspection says of one, and its pages as pixels.

This parses untrusted bytes with MuPDF: it runs only in the worker process."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pymupdf

from desktop_app.documents.constats import Finding, enumerer, pluriel
from desktop_app.documents.pixels import PX_PAR_PT, PageInfo, Pixels, taille_rendue

PAGES_HABITUELLES = 10  # a pièce is one to a few pages: beyond this the gestionnaire is told
PAGES_BLANCHES_VUES = 10  # the first pages looked at for a blank one
OBJETS_MAX = 200_000  # objects read for active content (a crafted file may declare millions)
LARGEUR_VIGNETTE_BLANCHE = 120  # pixels: enough to see a line of text, cheap for a scan
# Active content: the name that says it, as it appears in the file's dictionaries.
_ACTIF = re.compile(
    r"/(JavaScript|JS|Launch|URI|GoToR|GoToE|SubmitForm|ImportData|EmbeddedFiles?|"
    r"FileAttachment)(?![A-Za-z0-9])|/FT\s*/(\w+)"
)
_GENRES = {
    "JavaScript": "javascript",
    "JS": "javascript",
    "Launch": "lancement",
    "URI": "lien",
    "GoToR": "lien",
    "GoToE": "lien",
    "SubmitForm": "envoi",
    "ImportData": "envoi",
    "EmbeddedFile": "piece_jointe",
    "EmbeddedFiles": "piece_jointe",
    "FileAttachment": "piece_jointe",
}
_MESSAGES = {
    "javascript": "Contient du JavaScript : il n'est jamais exécuté ici.",
    "lancement": (
        "Contient une action qui lancerait un programme ou ouvrirait un fichier : "
        "elle n'est jamais exécutée ici."
    ),
    "lien": (
        "Contient des liens vers internet ou vers d'autres fichiers : "
        "ils ne sont jamais suivis ici."
    ),
    "envoi": "Contient un formulaire qui envoie des données : il n'est jamais exécuté ici.",
}
# Paper sizes in millimetres, portrait.
_FORMATS_PAPIER = {
    "A4": (210, 297),
    "A3": (297, 420),
    "A5": (148, 210),
    "Letter US": (216, 279),
    "Legal US": (216, 356),
}


class PdfIllisible(Exception):
    """The file cannot be opened as a PDF; the message is French."""


def _silence() -> None:
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)


def ouvrir(data: bytes) -> pymupdf.Document:
    _silence()
    try:
        return pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        raise PdfIllisible("PDF illisible ou endommagé : il ne s'ouvre pas.") from exc


def refus_a_l_ouverture(doc: pymupdf.Document) -> Finding | None:
    if doc.needs_pass:
        return Finding("refus", "protege", "PDF protégé par un mot de passe.")
    if doc.page_count == 0:
        return Finding("refus", "illisible", "PDF endommagé ou incomplet : aucune page lisible.")
    return None


def pages(doc: pymupdf.Document) -> tuple[PageInfo, ...]:
    """Each page's size as displayed (its /Rotate applied)."""
    result = []
    for index in range(doc.page_count):
        rect = doc.load_page(index).rect  # rect is the page as shown, rotation included
        result.append(PageInfo(rect.width * PX_PAR_PT, rect.height * PX_PAR_PT))
    return tuple(result)


def constats(doc: pymupdf.Document) -> list[Finding]:
    """Warnings and facts of a PDF that opened with pages (see ``refus_a_l_ouverture``)."""
    n = doc.page_count
    findings = [Finding("info", "pages", f"{pluriel(n, 'page')}.")]
    findings.extend(_contenu_actif(doc))
    blanches = _pages_blanches(doc)
    if blanches:
        vues = min(n, PAGES_BLANCHES_VUES)
        if len(blanches) == vues == n:
            message = "Le document est entièrement blanc." if n > 1 else "La page est blanche."
        elif len(blanches) == 1:
            message = f"La page {blanches[0]} est blanche."
        else:
            message = f"Les pages {enumerer(blanches)} sont blanches."
        findings.append(Finding("avertissement", "page_blanche", message))
    if n > PAGES_HABITUELLES:
        findings.append(
            Finding(
                "avertissement",
                "pages_nombreuses",
                f"{n} pages : bien plus qu'une pièce justificative n'en compte d'habitude.",
            )
        )
    if doc.is_repaired:  # known once the pages above were loaded
        findings.append(Finding("avertissement", "repare", "PDF endommagé, réparé à l'ouverture."))
    findings.extend(_faits(doc))
    return findings


def _contenu_actif(doc: pymupdf.Document) -> list[Finding]:
    genres: set[str] = set()
    champs = signatures = annotations_jointes = 0
    for xref in range(1, min(doc.xref_length(), OBJETS_MAX)):
        try:
            texte = doc.xref_object(xref, compressed=True)
        except Exception:
            continue
        for match in _ACTIF.finditer(texte):
            if match.group(1):
                genres.add(_GENRES[match.group(1)])
                annotations_jointes += match.group(1) == "FileAttachment"
            elif match.group(2) == "Sig":
                signatures += 1
            else:
                champs += 1
    findings = [
        Finding("avertissement", genre, _MESSAGES[genre])
        for genre in ("javascript", "lancement", "lien", "envoi")
        if genre in genres
    ]
    if "piece_jointe" in genres:
        nombre = annotations_jointes
        with contextlib.suppress(Exception):  # the /EmbeddedFiles name tree, counted by MuPDF
            nombre += doc.embfile_count()
        quoi = "des fichiers joints"
        if nombre:
            quoi = pluriel(nombre, "fichier joint", "fichiers joints")
        findings.append(
            Finding(
                "avertissement",
                "piece_jointe",
                f"Contient {quoi} : ils ne sont ni ouverts ni affichés ici.",
            )
        )
    if champs:
        findings.append(
            Finding(
                "avertissement",
                "formulaire",
                f"Contient un formulaire à remplir ({pluriel(champs, 'champ')}) : "
                "vérifiez que les valeurs affichées sont bien celles du candidat.",
            )
        )
    if signatures:
        findings.append(
            Finding(
                "info",
                "signature",
                "Contient une signature électronique (elle n'est pas vérifiée ici).",
            )
        )
    return findings


def _pages_blanches(doc: pymupdf.Document) -> list[int]:
    """Numbers (from 1) of the first pages on which nothing shows: rendered tiny, in grey."""
    blanches = []
    for index in range(min(doc.page_count, PAGES_BLANCHES_VUES)):
        page = doc.load_page(index)
        largeur = max(page.rect.width, 1)
        echelle = LARGEUR_VIGNETTE_BLANCHE / largeur
        if page.rect.height * echelle > 4 * LARGEUR_VIGNETTE_BLANCHE:  # a very long page
            echelle = 4 * LARGEUR_VIGNETTE_BLANCHE / page.rect.height
        pix = page.get_pixmap(
            matrix=pymupdf.Matrix(echelle, echelle), colorspace=pymupdf.csGRAY, alpha=False
        )
        samples = pix.samples
        sombres = len(samples) - samples.translate(_CLAIRS).count(b"\x01")
        if sombres <= max(2, len(samples) // 2000):
            blanches.append(index + 1)
    return blanches


# bytes.translate table: 1 for a light pixel (>= 200), 0 for a dark one.
_CLAIRS = bytes(1 if v >= 200 else 0 for v in range(256))


def _mm(points: float) -> int:
    return round(points * 25.4 / 72)


def _format_papier(largeur: float, hauteur: float) -> str:
    w, h = sorted((_mm(largeur), _mm(hauteur)))
    for nom, (fw, fh) in _FORMATS_PAPIER.items():
        if abs(w - fw) <= 3 and abs(h - fh) <= 3:
            return nom
    return f"{w} × {h} mm"


def _date_pdf(valeur: str) -> str:
    """'D:20221003145642+01'00'' -> '03/10/2022 à 14:56' (the time as the file writes it)."""
    m = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?", valeur or "")
    if not m or not m.group(2) or not m.group(3):
        return ""
    texte = f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
    if m.group(4) and m.group(5):
        texte += f" à {m.group(4)}:{m.group(5)}"
    return texte


def _faits(doc: pymupdf.Document) -> list[Finding]:
    findings = []
    formats: list[str] = []
    for index in range(min(doc.page_count, 50)):
        rect = doc.load_page(index).rect
        nom = _format_papier(rect.width, rect.height)
        if nom not in formats:
            formats.append(nom)
    if formats:
        if len(formats) == 1:
            texte = f"Format {formats[0]}." if "mm" not in formats[0] else f"Pages de {formats[0]}."
        else:
            texte = "Pages de formats différents : " + ", ".join(formats[:4]) + "."
        findings.append(Finding("info", "format_page", texte))
    meta: dict[str, Any] = doc.metadata or {}
    outil = (meta.get("producer") or "").strip() or (meta.get("creator") or "").strip()
    if outil:
        findings.append(Finding("info", "producteur", f"Produit par : {outil[:120]}."))
    cree, modifie = _date_pdf(meta.get("creationDate", "")), _date_pdf(meta.get("modDate", ""))
    if cree or modifie:
        parties = []
        if cree:
            parties.append(f"créé le {cree}")
        if modifie and modifie != cree:
            parties.append(f"modifié le {modifie}")
        texte = ", ".join(parties)
        findings.append(Finding("info", "dates", texte[0].upper() + texte[1:] + "."))
    if meta.get("encryption"):
        findings.append(
            Finding(
                "info",
                "chiffre",
                "PDF chiffré sans mot de passe d'ouverture (il peut restreindre l'impression "
                "ou la copie).",
            )
        )
    return findings


def rendre(doc: pymupdf.Document, index: int, echelle: float) -> Pixels:
    """Page ``index`` at ``echelle`` device pixels per logical pixel, annotations drawn (a
    signature's appearance, filled fields), nothing run."""
    page = doc.load_page(index)
    info = PageInfo(page.rect.width * PX_PAR_PT, page.rect.height * PX_PAR_PT)
    _, _, reelle = taille_rendue(info, echelle)
    facteur = reelle * PX_PAR_PT
    pix = page.get_pixmap(matrix=pymupdf.Matrix(facteur, facteur), alpha=False)
    if pix.n != 3:
        pix = pymupdf.Pixmap(pymupdf.csRGB, pix)
    return Pixels(pix.width, pix.height, pix.stride, "rgb", bytes(pix.samples), echelle)
