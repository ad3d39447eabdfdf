"""A generated corpus of hostile and broken files: at least 500 per format, deterministic.

Mutations of real-looking PDFs and JPEGs: truncations, flipped bytes, lying lengths, looping
page trees, huge MediaBox, Flate bombs, 65,535 x 65,535 JPEG headers, formats renamed."""

from __future__ import annotations

import io
import random
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from PIL import Image, ImageDraw

from tests.conftest import CORPUS
from tests.helpers import jpeg_bytes, pdf_bytes, png_bytes

PAR_FORMAT = 520


def _pdf(objets: list[bytes], racine: int = 1) -> bytes:
    """A PDF from its objects (numbered from 1), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for numero, corps in enumerate(objets, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % numero + corps + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objets) + 1,
        racine,
        xref,
    )
    return bytes(out)


def _flux(dictionnaire: bytes, donnees: bytes) -> bytes:
    return (
        b"<< "
        + dictionnaire
        + b" /Length %d >>\nstream\n" % len(donnees)
        + donnees
        + (b"\nendstream")
    )


def _page_simple(mediabox: bytes = b"[0 0 595 842]", contenu: bytes | None = None) -> bytes:
    contenu = contenu or b"BT /F1 24 Tf 72 700 Td (Attestation JDC) Tj ET"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox " + mediabox
            + b" /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            _flux(b"", contenu),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )  # fmt: skip


def _arbre_en_boucle() -> bytes:
    """The page tree's Kids point back to itself."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 5 >>",
        ]
    )


def _arbre_profond() -> bytes:
    """Nodes that each claim a million pages, chained."""
    objets = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for i in range(2, 60):
        objets.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1000000 >>" % (i + 1))
    objets.append(b"<< /Type /Page /MediaBox [0 0 10 10] >>")
    return _pdf(objets)


def _bombe_flate(mo: int) -> bytes:
    """A content stream that inflates to ``mo`` megabytes of spaces."""
    donnees = zlib.compress(b" " * (mo * 1024 * 1024), 9)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            _flux(b"/Filter /FlateDecode", donnees),
        ]
    )


def page_d_image(image: bytes) -> bytes:
    """A one-page A4 PDF whose page is covered by the image XObject ``image``."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            _flux(b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
            image,
        ]
    )


def _bombe_image(cote: int) -> bytes:
    """An image XObject declaring ``cote`` x ``cote`` pixels of flate-compressed grey."""
    donnees = zlib.compress(b"\x00" * min(cote * cote, 64 * 1024 * 1024), 9)
    return page_d_image(
        _flux(
            b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode" % (cote, cote),
            donnees,
        )
    )


def _actions() -> bytes:
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R /Names << /JavaScript 5 0 R >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [6 0 R] >>",
            b"<< /S /Launch /F (C:\\\\Windows\\\\System32\\\\calc.exe) >>",
            b"<< /Names [(a) << /S /JavaScript /JS (app.alert('x')) >>] >>",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] "
            b"/A << /S /URI /URI (https://exemple.invalid) >> >>",
        ]
    )


def _jpeg_photo(rng: random.Random, **options: object) -> bytes:
    image = Image.new("RGB", (rng.randint(64, 900), rng.randint(64, 900)), "white")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, image.width), rng.randint(0, image.height)
        draw.rectangle((x, y, x + 40, y + 30), fill=(rng.randint(0, 255), 40, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", **options)
    return out.getvalue()


def _jpeg_dimensions(data: bytes, largeur: int, hauteur: int) -> bytes:
    """The same JPEG, its frame header declaring another size."""
    for marqueur in (b"\xff\xc0", b"\xff\xc2", b"\xff\xc1"):
        i = data.find(marqueur)
        if i > 0:
            d = bytearray(data)
            d[i + 5 : i + 9] = hauteur.to_bytes(2, "big") + largeur.to_bytes(2, "big")
            return bytes(d)
    return data


def _mentir_longueurs_pdf(data: bytes, rng: random.Random) -> bytes:
    return re.sub(
        rb"/Length \d+", lambda _m: b"/Length %d" % rng.choice([0, 1, 7, 10**9, 2**31 + 5]), data
    )


def _mentir_longueurs_jpeg(data: bytes, rng: random.Random) -> bytes:
    d = bytearray(data)
    positions = [
        i for i in range(2, min(len(d) - 4, 4096)) if d[i] == 0xFF and 0xC0 <= d[i + 1] <= 0xFE
    ]
    for i in rng.sample(positions, min(len(positions), rng.randint(1, 3))):
        d[i + 2 : i + 4] = rng.choice([0, 1, 2, 0xFFFF, rng.randint(0, 0xFFFF)]).to_bytes(2, "big")
    return bytes(d)


def _retourner_octets(data: bytes, rng: random.Random, n: int) -> bytes:
    d = bytearray(data)
    for _ in range(n):
        i = rng.randrange(len(d))
        d[i] ^= 1 << rng.randrange(8)
    return bytes(d)


def _tronquer(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randint(0, len(data) - 1)]


def _bases_pdf() -> list[bytes]:
    bases = [pdf_bytes(), pdf_bytes(pages=3), _page_simple(), _actions()]
    for nom in ("taupe_RIB_CNSMDP.pdf", "pdfjs_hello_world_rotated.pdf", "pl_signed.pdf",
                "pypdf_026_multicolumn.pdf"):  # fmt: skip
        chemin = CORPUS / nom
        if chemin.is_file():
            bases.append(chemin.read_bytes())
    return bases


def _bases_jpeg(rng: random.Random) -> list[bytes]:
    exif = Image.Exif()
    exif[0x0112] = 6
    cmjn = io.BytesIO()
    Image.new("CMYK", (300, 200), (10, 80, 20, 5)).save(cmjn, "JPEG")
    bases = [
        jpeg_bytes((640, 480), "navy"),
        _jpeg_photo(rng),
        _jpeg_photo(rng, progressive=True),
        _jpeg_photo(rng, exif=exif.tobytes()),
        _jpeg_photo(rng, quality=30, subsampling=2),
        cmjn.getvalue(),
    ]
    for nom in ("sharp_concert_gray.jpg", "exif_32-lens_data_progressive.jpeg"):
        chemin = CORPUS / nom
        if chemin.is_file():
            bases.append(chemin.read_bytes())
    return bases


def _autres_formats() -> list[bytes]:
    gif, tiff, webp = io.BytesIO(), io.BytesIO(), io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(gif, "GIF")
    Image.new("RGB", (20, 20), "red").save(tiff, "TIFF")
    Image.new("RGB", (20, 20), "red").save(webp, "WEBP")
    return [
        png_bytes(), gif.getvalue(), tiff.getvalue(), webp.getvalue(),
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
        b"PK\x03\x04" + b"\x00" * 60, b"MZ\x90\x00" + b"\x00" * 200,
        b"<!DOCTYPE html><html><body>Pi\xc3\xa8ce</body></html>", b"",
    ]  # fmt: skip


def mutants_pdf(seed: int = 3) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(seed)
    bases = _bases_pdf()
    speciaux: list[tuple[str, Callable[[], bytes]]] = [
        ("boucle", _arbre_en_boucle),
        ("profond", _arbre_profond),
        ("mediabox", lambda: _page_simple(b"[0 0 14400000 14400000]")),
        ("mediabox-negative", lambda: _page_simple(b"[0 0 -1e30 1e30]")),
        ("mediabox-vide", lambda: _page_simple(b"[0 0 0 0]")),
        ("bombe-flate", lambda: _bombe_flate(200)),
        ("bombe-image", lambda: _bombe_image(60000)),
        ("actions", _actions),
    ]
    for nom, fabrique in speciaux:
        yield f"pdf-{nom}.pdf", fabrique()
    for i, autre in enumerate(_autres_formats()):
        yield f"pdf-renomme-{i}.pdf", autre
    n = len(speciaux) + len(_autres_formats())
    while n < PAR_FORMAT:
        base = rng.choice(bases)
        sorte = rng.choice(["tronque", "octets", "longueurs", "octets-tete", "melange"])
        if sorte == "tronque":
            data = _tronquer(base, rng)
        elif sorte == "octets":
            data = _retourner_octets(base, rng, rng.randint(1, 40))
        elif sorte == "longueurs":
            data = _mentir_longueurs_pdf(base, rng)
        elif sorte == "octets-tete":  # damage where the structure is: the first 2 KiB
            d = bytearray(base)
            for _ in range(rng.randint(1, 12)):
                d[rng.randrange(min(len(d), 2048))] = rng.randrange(256)
            data = bytes(d)
        else:  # a slice of the file moved elsewhere
            a, b = sorted(rng.sample(range(len(base)), 2))
            data = base[:a] + base[b:] + base[a:b]
        yield f"pdf-{n:03d}-{sorte}.pdf", data
        n += 1


def mutants_jpeg(seed: int = 5) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(seed)
    bases = _bases_jpeg(rng)
    speciaux: list[tuple[str, Callable[[], bytes]]] = [
        ("65535", lambda: _jpeg_dimensions(bases[0], 65535, 65535)),
        ("65535-progressif", lambda: _jpeg_dimensions(bases[2], 65535, 65535)),
        ("zero", lambda: _jpeg_dimensions(bases[0], 0, 0)),
        ("large", lambda: _jpeg_dimensions(bases[1], 30000, 3)),
        ("entete-seul", lambda: bases[0][:200]),
        ("soi-seul", lambda: b"\xff\xd8\xff"),
    ]
    for nom, fabrique in speciaux:
        yield f"jpeg-{nom}.jpg", fabrique()
    for i, autre in enumerate(_autres_formats()):
        yield f"jpeg-renomme-{i}.jpg", autre
    n = len(speciaux) + len(_autres_formats())
    while n < PAR_FORMAT:
        base = rng.choice(bases)
        sorte = rng.choice(["tronque", "octets", "longueurs", "dimensions", "marqueurs"])
        if sorte == "tronque":
            data = _tronquer(base, rng)
        elif sorte == "octets":
            data = _retourner_octets(base, rng, rng.randint(1, 60))
        elif sorte == "longueurs":
            data = _mentir_longueurs_jpeg(base, rng)
        elif sorte == "dimensions":
            data = _jpeg_dimensions(base, rng.randint(1, 65535), rng.randint(1, 65535))
        else:  # markers sprinkled in the scan data
            d = bytearray(base)
            for _ in range(rng.randint(1, 20)):
                i = rng.randrange(len(d) // 2, len(d) - 2)
                d[i : i + 2] = bytes([0xFF, rng.choice([0xD8, 0xD9, 0xDA, 0xC0, 0xC4, 0xDB])])
            data = bytes(d)
        yield f"jpeg-{n:03d}-{sorte}.jpg", data
        n += 1


def ecrire(dossier: Path) -> list[Path]:
    dossier.mkdir(parents=True, exist_ok=True)
    chemins = []
    for nom, data in (*mutants_pdf(), *mutants_jpeg()):
        chemin = dossier / nom
        chemin.write_bytes(data)
        chemins.append(chemin)
    return chemins
