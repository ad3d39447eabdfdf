"""What a file is, from its first bytes (never from its name)."""

from __future__ import annotations

import io
import zipfile

# French names shown to the gestionnaire.
NOMS = {
    "pdf": "un PDF",
    "jpeg": "une image JPEG",
    "png": "une image PNG",
    "gif": "une image GIF",
    "tiff": "une image TIFF (sortie de scanner)",
    "webp": "une image WebP",
    "heic": "une photo HEIC (format des téléphones)",
    "avif": "une image AVIF",
    "bmp": "une image BMP",
    "zip": "une archive ZIP",
    "docx": "un document Word",
    "xlsx": "un classeur Excel",
    "pptx": "une présentation PowerPoint",
    "odt": "un document OpenDocument",
    "office": "un ancien document Office (Word, Excel…)",
    "rtf": "un document RTF",
    "exe": "un programme exécutable",
    "html": "une page HTML",
    "rar": "une archive RAR",
    "7z": "une archive 7-Zip",
    "gzip": "une archive GZIP",
    "text": "du texte",
}

_BALISES_HTML = (b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta", b"<title")
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}


def _isobmff_brands(head: bytes) -> set[bytes]:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return set()
    size = int.from_bytes(head[:4], "big")
    end = min(max(size, 16), len(head))
    brands = {head[8:12]}
    brands.update(head[i : i + 4] for i in range(16, end - 3, 4))
    return brands


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if "mimetype" in names:
        return "odt"
    return "zip"


def sniff(data: bytes) -> str | None:
    """The format the bytes say, as a short name (see ``NOMS``), or None if empty/unknown.
    ``data`` may be the whole file or its beginning (then ZIP subtypes are not told apart)."""
    head = data[:4096]
    if not head:
        return None
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"%PDF-"):
        return "pdf"
    debut = head.lstrip()[:256].lower()
    if debut.startswith(_BALISES_HTML):  # a web page, even one that quotes « %PDF- »
        return "html"
    if b"%PDF-" in head[:1024]:  # readers accept a few bytes before the header
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    brands = _isobmff_brands(head)
    if brands & _AVIF_BRANDS:
        return "avif"
    if brands & _HEIF_BRANDS:
        return "heic"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "office"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"MZ"):
        return "exe"
    if head.startswith(b"BM") and len(head) > 14:
        return "bmp"
    if head.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text"
