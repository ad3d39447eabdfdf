"""One inspection pipeline for a candidate's file: used by the importer and by ``check``.

It decides whether a deposit is *recevable* (PDF or JPEG by content, within the size limit,
readable) and says why not, in French. The size is decided from the length alone, before any
parser sees a byte. Warnings (active content, repaired, rotated, low resolution, blank...) and
facts (pages, paper size, producer, dimensions) are for the gestionnaire, who decides.

This module parses untrusted bytes: it runs in the worker process only (``worker.py``), for
the importer, ``check`` and the viewer alike (see ARCHITECTURE.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from desktop_app.documents.constats import Finding, Inspection, Niveau
from desktop_app.documents.formats import NOMS, sniff

__all__ = ["Finding", "Inspection", "Niveau", "inspect_bytes", "message_taille", "taille_en_mo"]

TAILLE_MAX_DEFAUT = 5 * 1024 * 1024
FORMATS_DEFAUT = ("pdf", "jpeg")


TETE = 64 * 1024  # what is read of a file over the limit: enough to name its format


def lire(chemin: str, taille_max: int, entier: bool = False) -> tuple[bytes, int]:
    """A file's bytes and its size: the whole file if within ``taille_max`` (or ``entier``),
    else only its head (its size alone refuses it; no parser will see the rest). Raises
    OSError, which ``fichier_illisible`` says in French."""
    with open(chemin, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        return handle.read(size + 1 if entier or size <= taille_max else TETE), size


def fichier_illisible(exc: OSError) -> str:
    return f"Fichier illisible ({exc.strerror or exc})."


def taille_en_mo(octets: int) -> str:
    """'5 Mo', '6,2 Mo', '300 Ko', '12 octets': the way the portal says it."""
    if octets < 1024:
        return f"{octets} octet{'s' if octets > 1 else ''}"
    if octets < 1024 * 1024:
        return f"{octets // 1024} Ko"
    mo = octets / (1024 * 1024)
    text = f"{mo:.1f}".rstrip("0").rstrip(".") if mo < 100 else f"{mo:.0f}"
    return text.replace(".", ",") + " Mo"


def en_octets(octets: int) -> str:
    """'5 000 000 octets' (no-break spaces between thousands)."""
    return f"{octets:,} octet{'s' if octets > 1 else ''}".replace(",", "\u00a0")


def taille_limite(octets: int) -> str:
    """A limit as the campaign writes it: '5 Mo' for 5,242,880 bytes, but '5 000 000 octets'
    for 5,000,000, which 'Mo' could only round (to 4,8)."""
    if octets % (1024 * 1024) == 0 or (octets % 1024 == 0 and octets < 1024 * 1024):
        return taille_en_mo(octets)
    return en_octets(octets)


def message_taille(taille: int, taille_max: int) -> str:
    limite = taille_limite(taille_max)
    if limite.endswith("octets") and taille_max >= 1024:
        dit = en_octets(taille)  # the same unit as the limit, to be compared
    else:
        dit = taille_en_mo(taille)
        if dit == limite:  # just over: rounding would say the same figure
            dit = f"plus de {dit}"
    return f"Le fichier fait {dit} : il ne doit pas excéder {limite}."


def _libelle_formats(formats: Iterable[str]) -> str:
    names = [{"pdf": "PDF", "jpeg": "JPEG"}.get(f, f.upper()) for f in formats]
    return " ou ".join(names)


def inspect_bytes(
    data: bytes,
    *,
    taille_max: int = TAILLE_MAX_DEFAUT,
    formats: Iterable[str] = FORMATS_DEFAUT,
    size: int | None = None,
    malgre_la_taille: bool = False,
    juger_lisibilite: bool = True,
) -> Inspection:
    """Inspect a file. ``size`` is the true size when ``data`` holds only its beginning
    (a file too large to be read whole). ``malgre_la_taille``: a file over the limit is still
    refused, but parsed too (the gestionnaire asked to see it anyway). ``juger_lisibilite``: judge
    blur and resolution too (``documents.lisibilite``; the import does not)."""
    formats = tuple(formats)
    true_size = len(data) if size is None else size
    fmt, findings = refus_sans_analyse(data, true_size, taille_max, formats)
    oversized_only = [f.code for f in findings] == ["taille"] and len(data) == true_size
    if findings and not (malgre_la_taille and oversized_only):  # no parser sees these bytes
        return Inspection(true_size, fmt, tuple(findings))
    if fmt == "pdf":
        findings.extend(_inspect_pdf(data, juger_lisibilite))
    elif fmt == "jpeg":
        findings.extend(_inspect_jpeg(data, juger_lisibilite))
    return Inspection(true_size, fmt, tuple(findings))


def refus_sans_analyse(
    data: bytes, size: int, taille_max: int, formats: tuple[str, ...]
) -> tuple[str | None, list[Finding]]:
    """The format the bytes say, and the refusals decided before any parser sees them: empty,
    over the limit (from the size alone), not an accepted format."""
    if size == 0:
        return None, [Finding("refus", "vide", "Le fichier est vide.")]
    fmt = sniff(data)
    findings: list[Finding] = []
    if size > taille_max:
        findings.append(Finding("refus", "taille", message_taille(size, taille_max)))
    if fmt not in formats:
        attendu = _libelle_formats(formats)
        if fmt is None:
            message = f"Format de fichier non reconnu : seuls les fichiers {attendu} sont acceptés."
        else:
            message = (
                f"Le fichier est {NOMS.get(fmt, fmt)} : seuls les fichiers {attendu} sont acceptés."
            )
        findings.append(Finding("refus", "format", message))
    return fmt, findings


def pdf_tronque(data: bytes) -> Finding | None:
    # A complete PDF ends with %%EOF (readers tolerate up to 1 KiB of trailing bytes, and any
    # padding of NULs or blanks, as some upload forms and disks add); without it the upload
    # was interrupted, even if MuPDF can rebuild part of the pages.
    fin = len(data.rstrip(b"\x00 \t\r\n\x0c"))
    if b"%%EOF" not in data[max(0, fin - 1024) : fin]:
        return Finding("refus", "tronque", "PDF incomplet (fichier tronqué).")
    return None


def _inspect_pdf(data: bytes, juger_lisibilite: bool = True) -> list[Finding]:
    tronque = pdf_tronque(data)
    if tronque:
        return [tronque]
    from desktop_app.documents import pdf

    try:
        doc = pdf.ouvrir(data)
    except pdf.PdfIllisible as exc:
        return [Finding("refus", "illisible", str(exc))]
    try:
        refus = pdf.refus_a_l_ouverture(doc)
        return [refus] if refus else pdf.constats(doc, data, juger_lisibilite)
    except Exception:
        return [Finding("refus", "illisible", "PDF illisible ou endommagé.")]
    finally:
        doc.close()


def _inspect_jpeg(data: bytes, juger_lisibilite: bool = True) -> list[Finding]:
    from desktop_app.documents import jpeg

    return jpeg.constats(data, juger_lisibilite)
