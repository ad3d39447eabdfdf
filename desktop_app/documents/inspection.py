"""One inspection pipeline for a candidate's file: used by the importer and by ``check``.

It decides whether a deposit is *recevable* (PDF or JPEG by content, within the size limit,
readable) and says why not, in French. The size is decided from the length alone, before any
parser sees a byte. This module parses untrusted bytes: in the GUI it belongs in the worker
process (see ARCHITECTURE.md); the importer and the CLI call it directly for now.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from desktop_app.documents.formats import NOMS, sniff

TAILLE_MAX_DEFAUT = 5 * 1024 * 1024
FORMATS_DEFAUT = ("pdf", "jpeg")
# Explicit pixel limit for JPEGs: above it Pillow's bomb warning becomes a refusal.
PIXELS_MAX = 120_000_000

Niveau = Literal["refus", "avertissement", "info"]


@dataclass(frozen=True)
class Finding:
    level: Niveau
    code: str
    message: str


@dataclass(frozen=True)
class Inspection:
    size: int
    format: str | None
    findings: tuple[Finding, ...] = field(default=())

    @property
    def recevable(self) -> bool:
        return not any(f.level == "refus" for f in self.findings)

    @property
    def reasons(self) -> list[str]:
        return [f.message for f in self.findings if f.level == "refus"]

    @property
    def motif(self) -> str:
        return " ".join(self.reasons)


def taille_en_mo(octets: int) -> str:
    """'5 Mo', '6,2 Mo', '300 Ko', '12 octets': the way the portal says it."""
    if octets < 1024:
        return f"{octets} octet{'s' if octets > 1 else ''}"
    if octets < 1024 * 1024:
        return f"{octets // 1024} Ko"
    mo = octets / (1024 * 1024)
    text = f"{mo:.1f}".rstrip("0").rstrip(".") if mo < 100 else f"{mo:.0f}"
    return text.replace(".", ",") + " Mo"


def message_taille(taille: int, taille_max: int) -> str:
    dit = taille_en_mo(taille)
    if dit == taille_en_mo(taille_max):  # just over: rounding would say the same figure
        dit = f"plus de {dit}"
    return f"Le fichier fait {dit} : il ne doit pas excéder {taille_en_mo(taille_max)}."


def _libelle_formats(formats: Iterable[str]) -> str:
    names = [{"pdf": "PDF", "jpeg": "JPEG"}.get(f, f.upper()) for f in formats]
    return " ou ".join(names)


def inspect_bytes(
    data: bytes,
    *,
    taille_max: int = TAILLE_MAX_DEFAUT,
    formats: Iterable[str] = FORMATS_DEFAUT,
    size: int | None = None,
) -> Inspection:
    """Inspect a file. ``size`` is the true size when ``data`` holds only its beginning
    (a file too large to be read whole)."""
    formats = tuple(formats)
    true_size = len(data) if size is None else size
    if true_size == 0:
        return Inspection(0, None, (Finding("refus", "vide", "Le fichier est vide."),))
    fmt = sniff(data)
    findings: list[Finding] = []
    if true_size > taille_max:
        findings.append(Finding("refus", "taille", message_taille(true_size, taille_max)))
    if fmt not in formats:
        attendu = _libelle_formats(formats)
        if fmt is None:
            message = f"Format de fichier non reconnu : seuls les fichiers {attendu} sont acceptés."
        else:
            message = (
                f"Le fichier est {NOMS.get(fmt, fmt)} : seuls les fichiers {attendu} sont acceptés."
            )
        findings.append(Finding("refus", "format", message))
    if findings:  # refused already: no parser sees these bytes
        return Inspection(true_size, fmt, tuple(findings))
    if fmt == "pdf":
        findings.extend(_inspect_pdf(data))
    elif fmt == "jpeg":
        findings.extend(_inspect_jpeg(data))
    return Inspection(true_size, fmt, tuple(findings))


def _inspect_pdf(data: bytes) -> list[Finding]:
    # A complete PDF ends with %%EOF (readers tolerate up to 1 KiB of trailing bytes); without
    # it the upload was interrupted, even if MuPDF can rebuild part of the pages.
    if b"%%EOF" not in data[-1024:]:
        return [Finding("refus", "tronque", "PDF incomplet (fichier tronqué).")]
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception:
        return [Finding("refus", "illisible", "PDF illisible ou endommagé : il ne s'ouvre pas.")]
    try:
        if doc.needs_pass:
            return [Finding("refus", "protege", "PDF protégé par un mot de passe.")]
        pages = doc.page_count
        if pages == 0:
            return [
                Finding("refus", "illisible", "PDF endommagé ou incomplet : aucune page lisible.")
            ]
        findings = [Finding("info", "pages", f"{pages} page{'s' if pages > 1 else ''}.")]
        if doc.is_repaired:
            findings.append(
                Finding("avertissement", "repare", "PDF endommagé, réparé à l'ouverture.")
            )
        return findings
    except Exception:
        return [Finding("refus", "illisible", "PDF illisible ou endommagé.")]
    finally:
        doc.close()


def _premier_sos(data: bytes) -> int | None:
    """Offset of the main image's first Start Of Scan, walking the top-level markers by their
    lengths (so an EXIF thumbnail, inside APP1, is stepped over)."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:
            return i
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return None


def _inspect_jpeg(data: bytes) -> list[Finding]:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = PIXELS_MAX
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return [Finding("refus", "dimensions", "Image JPEG aux dimensions démesurées : refusée.")]
    except Exception:
        return [Finding("refus", "illisible", "Image JPEG illisible ou endommagée.")]
    # Inside a scan, 0xFF is always followed by 0x00 or a restart marker: an FF D9 after the
    # first scan can only be the End Of Image. Without it, the upload was cut short.
    sos = _premier_sos(data)
    if sos is None or data.find(b"\xff\xd9", sos) < 0:
        return [Finding("refus", "tronque", "Image JPEG incomplète (fichier tronqué).")]
    return [Finding("info", "dimensions", f"{width} × {height} pixels.")]
