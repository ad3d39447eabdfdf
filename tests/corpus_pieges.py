"""Files built to catch an inspection out, each with the verdict it deserves.

One or more per trap the inspection once fell into: a slow progressive JPEG, scan data that
stops early behind a well-formed end, stray bytes between segments, lossless and tiny JPEGs,
an XFA form, HTML holding « %PDF- », a PDF padded with NULs, a limit of 5,000,000 bytes, a
single attachment, a Flate bomb of an image. Deterministic: the same bytes every run."""

from __future__ import annotations

import io
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from tests.corpus_mutant import _flux, _pdf, page_d_image
from tests.helpers import pdf_bytes


@dataclass(frozen=True)
class Piege:
    nom: str
    fabriquer: Callable[[], bytes]
    recevable: bool
    format: str | None
    codes: frozenset[str] = field(default_factory=frozenset)  # findings it must carry
    absents: frozenset[str] = field(default_factory=frozenset)  # findings it must not
    raison: str = ""  # how a refusal's words end, when they matter
    taille_max: int = 5 * 1024 * 1024


def photo(size: tuple[int, int] = (1200, 900), graine: int = 7) -> Image.Image:
    """A photo-like picture: shapes and grain, nowhere a flat grey of exactly 128."""
    hasard = random.Random(graine)
    image = Image.new("RGB", size, (236, 229, 214))
    dessin = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = hasard.randrange(size[0]), hasard.randrange(size[1])
        couleur = tuple(hasard.randrange(256) for _ in range(3))
        dessin.ellipse((x, y, x + hasard.randrange(40, 300), y + hasard.randrange(40, 200)),
                       fill=couleur)  # fmt: skip
    for ligne in range(40, size[1], 30):
        dessin.text((50, ligne), "RÉPUBLIQUE FRANÇAISE  CARTE NATIONALE D'IDENTITÉ", fill="black")
    grain = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(image, grain, 0.15)


def jpeg(image: Image.Image, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, **options)
    return out.getvalue()


def _fin_prematuree(part_gardee: float) -> Callable[[], bytes]:
    """The scan data cut after ``part_gardee`` of it, the file still ending with FF D9."""

    def fabriquer() -> bytes:
        data = jpeg(photo())
        debut = data.index(b"\xff\xda")
        fin = data.rindex(b"\xff\xd9")
        coupe = debut + int((fin - debut) * part_gardee)
        if data[coupe - 1] == 0xFF:
            coupe -= 1
        return data[:coupe] + b"\xff\xd9"

    return fabriquer


def _octets_parasites() -> bytes:
    """Garbage between two marker segments: libjpeg warns, skips it and decodes."""
    data = jpeg(photo((800, 600)))
    dqt = data.index(b"\xff\xdb")
    return data[:dqt] + b"\x00\x13\x37 parasites \x00" + data[dqt:]


def _passes_innombrables(passes: int = 37_000) -> Callable[[], bytes]:
    """A progressive JPEG whose last scan is repeated thousands of times."""

    def fabriquer() -> bytes:
        data = jpeg(photo((16, 16)), progressive=True)
        fin = data.rindex(b"\xff\xd9")
        derniere = data.rindex(b"\xff\xda", 0, fin)
        return data[:fin] + data[derniere:fin] * passes + b"\xff\xd9"

    return fabriquer


def jpeg_sans_perte(image: Image.Image) -> bytes:
    """A lossless JPEG (SOF3, predictor 1, one grey component), written by hand: Pillow
    decodes them (libjpeg-turbo 3) but cannot write them."""
    pixels = image.convert("L")
    largeur, hauteur = pixels.size
    valeurs = pixels.tobytes()
    # One Huffman table: the 17 difference categories, each a 5-bit code (canonical order).
    dht = bytes([0x00]) + bytes([0, 0, 0, 0, 17] + [0] * 11) + bytes(range(17))
    bits: list[int] = []

    def ecrire(valeur: int, longueur: int) -> None:
        bits.extend((valeur >> (longueur - 1 - k)) & 1 for k in range(longueur))

    for y in range(hauteur):
        for x in range(largeur):
            v = valeurs[y * largeur + x]
            if x == 0 and y == 0:
                prediction = 128
            elif y == 0:
                prediction = valeurs[x - 1]
            elif x == 0:
                prediction = valeurs[(y - 1) * largeur]
            else:
                prediction = valeurs[y * largeur + x - 1]
            ecart = v - prediction
            categorie = abs(ecart).bit_length()
            ecrire(categorie, 5)
            if categorie:
                ecrire(ecart if ecart > 0 else ecart + (1 << categorie) - 1, categorie)
    bits.extend([1] * (-len(bits) % 8))
    donnees = bytearray()
    for i in range(0, len(bits), 8):
        octet = int("".join(map(str, bits[i : i + 8])), 2)
        donnees.append(octet)
        if octet == 0xFF:
            donnees.append(0x00)

    def segment(marqueur: int, corps: bytes) -> bytes:
        return bytes([0xFF, marqueur]) + (len(corps) + 2).to_bytes(2, "big") + corps

    sof = bytes([8]) + hauteur.to_bytes(2, "big") + largeur.to_bytes(2, "big") + b"\x01\x01\x11\x00"
    sos = b"\x01\x01\x00" + bytes([1, 0, 0])  # predictor 1, no point transform
    return (
        b"\xff\xd8"
        + segment(0xC3, sof)
        + segment(0xC4, dht)
        + segment(0xDA, sos)
        + bytes(donnees)
        + b"\xff\xd9"
    )


def degrade(size: tuple[int, int] = (96, 64)) -> Image.Image:
    image = Image.new("L", size)
    image.putdata([(x * 2 + y * 3) % 256 for y in range(size[1]) for x in range(size[0])])
    return image


def _xfa() -> bytes:
    """A PDF whose only content is an XFA form: its page says « Please wait… »."""
    xdp = (
        b'<?xml version="1.0" encoding="UTF-8"?><xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/">'
        b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform name="f">'
        b'<field name="nom"><value><text>DUPONT</text></value></field>'
        b'<event activity="initialize"><script contentType="application/x-javascript">'
        b"app.alert(1)</script></event></subform></template></xdp:xdp>"
    )
    attente = b"BT /F1 18 Tf 72 700 Td (Please wait... If this message is not replaced) Tj ET"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /NeedsRendering true >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            _flux(b"", attente),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Fields [] /XFA 7 0 R >>",
            _flux(b"", xdp),
        ]
    )


def _html_avec_entete_pdf() -> bytes:
    return (
        b"<!DOCTYPE html>\n<html><head><title>Erreur</title></head><body>"
        b"<p>Le document %PDF-1.7 n'a pas pu \xc3\xaatre g\xc3\xa9n\xc3\xa9r\xc3\xa9.</p>"
        b"</body></html>\n"
    )


def _pdf_puis_nuls() -> bytes:
    return pdf_bytes("Attestation de recensement") + b"\x00" * 8192


def _pdf_un_fichier_joint() -> bytes:
    import pymupdf

    doc = pymupdf.open(stream=pdf_bytes("Relevé de notes"), filetype="pdf")
    doc.embfile_add("notes.txt", b"contenu")
    return bytes(doc.tobytes())


def bombe_flate(cote: int = 23_000) -> bytes:
    """A 1-page PDF whose image inflates to ~1.6 GB (white RGB) from ~1.5 MB of Flate."""
    ligne = b"\xff" * (cote * 3)
    compresseur = zlib.compressobj(9)
    morceaux = [compresseur.compress(ligne) for _ in range(cote)]
    morceaux.append(compresseur.flush())
    return page_d_image(
        _flux(
            b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /FlateDecode" % (cote, cote),
            b"".join(morceaux),
        )
    )


def _texte_a_l_encre_legere() -> bytes:
    """A real text page with little ink: never blank (it holds text)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 400), "Vu.", fontsize=9)
    return bytes(doc.tobytes())


def _page_blanche_scannee() -> bytes:
    """A scanner's blank verso: a page-size image of paper white with faint grain."""
    import pymupdf

    papier = Image.effect_noise((1240, 1754), 3).point(lambda v: 245 + (v - 128) // 16)
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_image(page.rect, stream=jpeg(papier.convert("RGB")))
    return bytes(doc.tobytes())


PIEGES: tuple[Piege, ...] = (
    Piege("jpeg-37000-passes.jpg", _passes_innombrables(), False, "jpeg", frozenset({"passes"})),
    Piege("jpeg-fin-prematuree-tiers.jpg", _fin_prematuree(0.33), False, "jpeg",
          frozenset({"incomplete"})),
    Piege("jpeg-fin-prematuree-bas.jpg", _fin_prematuree(0.97), True, "jpeg",
          frozenset({"incomplete"})),
    Piege("jpeg-octets-parasites.jpg", _octets_parasites, True, "jpeg", frozenset({"dimensions"}),
          frozenset({"tronque", "incomplete"})),
    Piege("jpeg-sans-perte.jpg", lambda: jpeg_sans_perte(degrade()), True, "jpeg",
          frozenset({"dimensions", "basse_resolution"})),
    Piege("jpeg-minuscule.jpg", lambda: jpeg(photo((5, 4))), True, "jpeg",
          frozenset({"basse_resolution"})),
    Piege("jpeg-ligne.jpg", lambda: jpeg(photo((1600, 6))), True, "jpeg",
          frozenset({"basse_resolution"})),
    Piege("pdf-xfa.pdf", _xfa, True, "pdf", frozenset({"xfa"})),
    Piege("html-entete-pdf.pdf", _html_avec_entete_pdf, False, "html", frozenset({"format"}),
          raison="Le fichier est une page HTML : seuls les fichiers PDF ou JPEG sont acceptés."),
    Piege("pdf-suivi-de-nuls.pdf", _pdf_puis_nuls, True, "pdf", frozenset({"pages"}),
          frozenset({"tronque", "repare"})),
    Piege("pdf-limite-5000000.pdf", lambda: pdf_bytes("x", pages=1) + b"%" * 5_000_000, False,
          "pdf", frozenset({"taille"}), taille_max=5_000_000,
          raison="octets : il ne doit pas excéder 5\u00a0000\u00a0000 octets."),
    Piege("pdf-un-fichier-joint.pdf", _pdf_un_fichier_joint, True, "pdf",
          frozenset({"piece_jointe"})),
    Piege("pdf-bombe-flate.pdf", bombe_flate, True, "pdf", frozenset({"image_demesuree"}),
          frozenset({"page_blanche"})),
    Piege("pdf-peu-d-encre.pdf", _texte_a_l_encre_legere, True, "pdf", frozenset({"pages"}),
          frozenset({"page_blanche"})),
    Piege("pdf-verso-blanc-scanne.pdf", _page_blanche_scannee, True, "pdf",
          frozenset({"page_blanche"})),
)  # fmt: skip


def ecrire(dossier: Path) -> dict[str, Piege]:
    dossier.mkdir(parents=True, exist_ok=True)
    for piege in PIEGES:
        (dossier / piege.nom).write_bytes(piege.fabriquer())
    return {piege.nom: piege for piege in PIEGES}
