"""PDF: what an inspection says of one, and its pages as pixels.

This parses untrusted bytes with MuPDF: it runs only in the worker process."""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import pymupdf
from PIL import Image

from desktop_app.documents import lisibilite
from desktop_app.documents.constats import Finding, enumerer, pluriel
from desktop_app.documents.pixels import PX_PAR_PT, PageInfo, Pixels, taille_rendue

PAGES_HABITUELLES = 10  # a pièce is one to a few pages: beyond this the gestionnaire is told
PAGES_BLANCHES_VUES = 10  # the first pages looked at for a blank one
OBJETS_MAX = 200_000  # objects read for active content (a crafted file may declare millions)
LARGEUR_VIGNETTE_BLANCHE = 120  # pixels: enough to see a line of text, cheap for a scan
ENCRE_BLANCHE = 0.0005  # share of dark pixels under which a page without text is blank
LISIBILITE_PIXELS_MAX = 40_000_000  # a scan's image judged for blur: A4 at 600 dpi and more
IMAGE_OCTETS_MAX = 256 * 1024**2  # decoded pixels of one image (A4 at 600 dpi in RGB: 100 Mo)
# Active content: the name that says it, as it appears in the file's dictionaries.
_ACTIF = re.compile(
    r"/(JavaScript|JS|Launch|URI|GoToR|GoToE|SubmitForm|ImportData|EmbeddedFiles?|"
    r"FileAttachment)(?![A-Za-z0-9])|/FT\s*/(\w+)"
)
# What a file must show in its bytes for the scan above to find anything. Objects read from an
# object stream (which only a file with a cross-reference stream can declare) or a name with a
# #xx escape do not show in the bytes as MuPDF prints them: either one sends the file to the scan
# of every object. A match anywhere else (a stream's data included) only costs that scan.
_PEUT_ETRE_ACTIF = re.compile(
    rb"/(?:JavaScript|JS|Launch|URI|GoToR|GoToE|SubmitForm|ImportData|EmbeddedFiles?|"
    rb"FileAttachment|FT|ObjStm|XRef|XRefStm)(?![A-Za-z0-9])"
    rb"|/[^\x00-\x20()<>\[\]{}/%]*#[0-9A-Fa-f]{2}"
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
    # Padding after the end (NULs from an upload form or a disk) is not part of the PDF: left
    # on, it hides the cross-reference offset and MuPDF would call a sound file repaired.
    data = data.rstrip(b"\x00")
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


def constats(
    doc: pymupdf.Document, octets: bytes | None = None, juger_lisibilite: bool = True
) -> list[Finding]:
    """Warnings and facts of a PDF that opened with pages (see ``refus_a_l_ouverture``);
    ``octets``: the bytes it was opened from, which spare most files the scan of every object
    for active content; ``juger_lisibilite``: the blur and resolution of its first scanned page
    too."""
    n = doc.page_count
    findings = [Finding("info", "pages", f"{pluriel(n, 'page')}.")]
    if octets is None or _PEUT_ETRE_ACTIF.search(octets):
        findings.extend(_contenu_actif(doc))
    xfa = formulaire_xfa(doc)
    if xfa:
        findings.append(xfa)
    demesurees = neutraliser_images_demesurees(doc)
    if demesurees:
        findings.append(_constat_demesurees(demesurees))
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
    if juger_lisibilite:
        findings.extend(_lisibilite_scan(doc, set(blanches)))
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
        if nombre == 1:
            message = "Contient 1 fichier joint : il n'est ni ouvert ni affiché ici."
        else:
            quoi = f"{nombre} fichiers joints" if nombre else "des fichiers joints"
            message = f"Contient {quoi} : ils ne sont ni ouverts ni affichés ici."
        findings.append(Finding("avertissement", "piece_jointe", message))
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


def formulaire_xfa(doc: pymupdf.Document) -> Finding | None:
    """An XFA form (Adobe LiveCycle): what the candidate typed lives in XML that only Adobe's
    readers lay out; the page itself often says only « Please wait… »."""
    try:
        catalogue = doc.pdf_catalog()
        genre, _ = doc.xref_get_key(catalogue, "AcroForm/XFA")
    except Exception:
        return None
    if genre in ("null", ""):
        return None
    return Finding(
        "avertissement",
        "xfa",
        "Formulaire XFA : il ne peut pas être affiché fidèlement ici (ce que montre la page peut "
        "différer de ce que le candidat a saisi, ou n'être qu'un message d'attente) ; ses "
        "scripts ne sont jamais exécutés. Demandez une version imprimée en PDF.",
    )


_COMPOSANTES = {"DeviceGray": 1, "CalGray": 1, "Indexed": 1, "Separation": 1, "DeviceRGB": 3}


def neutraliser_images_demesurees(doc: pymupdf.Document) -> list[tuple[int, int, int]]:
    """(page, width, height) of each image whose pixels would take more than IMAGE_OCTETS_MAX
    once decoded: a Flate « bomb » of a few Mo can hold gigabytes of pixels, which every
    render would inflate again (seconds each). In this in-memory copy of the document, such an
    image becomes one grey pixel: the page shows a grey frame in its place, and the findings
    say why. Nothing is written back to the file."""
    vues: set[int] = set()
    demesurees = []
    for index in range(doc.page_count):
        try:
            images = doc.get_page_images(index)
        except Exception:
            continue
        for xref, smask, largeur, hauteur, bits, espace, *_ in images:
            if xref in vues:
                continue
            vues.add(xref)
            composantes = _COMPOSANTES.get(espace, 4)
            if largeur * hauteur * composantes * max(bits, 1) / 8 <= IMAGE_OCTETS_MAX:
                continue
            demesurees.append((index + 1, largeur, hauteur))
            for cible in (xref, smask):
                if cible:
                    _un_pixel_gris(doc, cible)
    return demesurees


def _un_pixel_gris(doc: pymupdf.Document, xref: int) -> None:
    for cle, valeur in (
        ("Filter", "null"),
        ("DecodeParms", "null"),
        ("Decode", "null"),
        ("SMask", "null"),
        ("Mask", "null"),
        ("ImageMask", "false"),
        ("Width", "1"),
        ("Height", "1"),
        ("BitsPerComponent", "8"),
        ("ColorSpace", "/DeviceGray"),
    ):
        doc.xref_set_key(xref, cle, valeur)
    doc.update_stream(xref, b"\x80", compress=False)  # mid grey: not paper, never « blank »


def _constat_demesurees(demesurees: list[tuple[int, int, int]]) -> Finding:
    _, largeur, hauteur = demesurees[0]
    dimensions = f"{largeur:,} × {hauteur:,} pixels".replace(",", "\u00a0")
    pages = sorted({page for page, _, _ in demesurees})
    ou = f"la page {pages[0]}" if len(pages) == 1 else f"les pages {enumerer(pages)}"
    if len(demesurees) == 1:
        texte = (
            f"Contient une image démesurée ({dimensions}) dans {ou} : elle n'est pas affichée "
            "ici (un cadre gris la remplace), son décodage prendrait des gigaoctets de mémoire."
        )
    else:
        texte = (
            f"Contient des images démesurées ({dimensions}…) dans {ou} : elles ne sont pas "
            "affichées ici (un cadre gris les remplace), leur décodage prendrait des gigaoctets "
            "de mémoire."
        )
    return Finding("avertissement", "image_demesuree", texte)


def _texte_visible(page: pymupdf.Page) -> bool:
    """The page's own content shows text: a page that holds text is never blank, however
    little ink it takes. Read from the content stream's operators (a string shown by Tj, TJ,
    ' or "), which costs a decompression where interpreting the page costs its fonts. Text
    that may be invisible (render modes 3 and 7: a scanner's OCR layer) or text only inside
    form XObjects does not count here: such a page is rendered."""
    try:
        contenu = page.read_contents()
    except Exception:
        return False
    if _INVISIBLE.search(contenu):
        return False
    return _MONTRE_TEXTE.search(contenu) is not None


_MONTRE_TEXTE = re.compile(rb"[)>\]]\s*(?:Tj|TJ|'|\")")
_INVISIBLE = re.compile(rb"(?<![\d.])[37]\s+Tr\b")


def _lisibilite_scan(doc: pymupdf.Document, blanches: set[int]) -> list[Finding]:
    """Blur and resolution of the first scanned page (no visible text, one image over most of
    it), judged on that image as stored: no render."""
    for index in range(min(doc.page_count, PAGES_BLANCHES_VUES)):
        page = doc.load_page(index)
        if index + 1 in blanches or _texte_visible(page):
            continue
        aire = max(abs(page.rect), 1.0)
        images = [i for i in page.get_image_info(xrefs=True)
                  if abs(pymupdf.Rect(i["bbox"]) & page.rect) >= 0.8 * aire]  # fmt: skip
        if not images:
            continue
        info = images[0]
        boite = pymupdf.Rect(info["bbox"])
        cote = max(boite.width, boite.height) / 72  # inches
        dpi = max(info["width"], info["height"]) / cote if cote else None
        quoi = f"La page {index + 1}" if doc.page_count > 1 else "La page"
        mesure = lisibilite.Mesure(_nettete_image(doc, info), dpi)
        if lisibilite.dpi_de_page(round(boite.width), round(boite.height)) is None:
            mesure = lisibilite.Mesure(mesure.nettete, None)  # not a page: no dpi to say
        return lisibilite.constats(mesure, quoi)
    return []


def _nettete_image(doc: pymupdf.Document, info: dict[str, Any]) -> float | None:
    """The blur of an image of the PDF, decoded from its stored bytes (a JPEG at the scale
    200 dpi needs); None when it cannot be judged cheaply."""
    if not info.get("xref") or info["width"] * info["height"] > LISIBILITE_PIXELS_MAX:
        return None
    try:
        extrait = doc.extract_image(info["xref"])
        return lisibilite.nettete_image(Image.open(io.BytesIO(extrait["image"])))
    except Exception:  # a filter Pillow does not read (JBIG2, CCITT…): no verdict
        return None


def _pages_blanches(doc: pymupdf.Document) -> list[int]:
    """Numbers (from 1) of the first pages on which nothing shows. A page that holds visible
    text is not blank (no render needed: most pièces are text PDFs); any other page (a scan,
    a drawing) is rendered tiny, in grey, and is blank when under ENCRE_BLANCHE of its pixels
    are dark."""
    blanches = []
    for index in range(min(doc.page_count, PAGES_BLANCHES_VUES)):
        page = doc.load_page(index)
        if _texte_visible(page):
            continue
        largeur = max(page.rect.width, 1)
        echelle = LARGEUR_VIGNETTE_BLANCHE / largeur
        if page.rect.height * echelle > 4 * LARGEUR_VIGNETTE_BLANCHE:  # a very long page
            echelle = 4 * LARGEUR_VIGNETTE_BLANCHE / page.rect.height
        pix = page.get_pixmap(
            matrix=pymupdf.Matrix(echelle, echelle), colorspace=pymupdf.csGRAY, alpha=False
        )
        samples = pix.samples
        sombres = len(samples) - samples.translate(_CLAIRS).count(b"\x01")
        if sombres <= max(2, len(samples) * ENCRE_BLANCHE):
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


def rendre(
    doc: pymupdf.Document, index: int, echelle: float, tampon: memoryview | None = None
) -> Pixels:
    """Page ``index`` at ``echelle`` device pixels per logical pixel, annotations drawn (a
    signature's appearance, filled fields), nothing run. With ``tampon`` (the caller's shared
    memory, see ``rendu.deposer``) large enough, the pixels go there straight from MuPDF's
    own: taken out as ``bytes`` first, a page at ×2 (9 Mo) was copied once more into memory
    the system hands over 4 Ko at a time, 0.6–5 ms."""
    page = doc.load_page(index)
    info = PageInfo(page.rect.width * PX_PAR_PT, page.rect.height * PX_PAR_PT)
    _, _, reelle = taille_rendue(info, echelle)
    facteur = reelle * PX_PAR_PT
    pix = page.get_pixmap(matrix=pymupdf.Matrix(facteur, facteur), alpha=False)
    if pix.n != 3:
        pix = pymupdf.Pixmap(pymupdf.csRGB, pix)
    octets = pix.stride * pix.height
    if tampon is not None and octets <= len(tampon):
        tampon[:octets] = pix.samples_mv
        return Pixels(pix.width, pix.height, pix.stride, "rgb", b"", echelle, dans_tampon=True)
    return Pixels(pix.width, pix.height, pix.stride, "rgb", pix.samples, echelle)
