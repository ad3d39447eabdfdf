"""Building dossier packages by hand, the way a bureau's spreadsheet would."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image


def pdf_bytes(text: str = "Confirmation d'inscription", pages: int = 1) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    for i in range(pages):
        doc.new_page().insert_text((72, 72), f"{text} — page {i + 1}")
    data = doc.tobytes()
    doc.close()
    return bytes(data)


def jpeg_bytes(size: tuple[int, int] = (320, 200), color: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(out, "PNG")
    return out.getvalue()


CAMPAGNE = {
    "format": "dossiers-pj/1",
    "examen": "BCP",
    "libelle": "Baccalauréat professionnel",
    "session": "2024",
    "academie": "Clermont-Ferrand",
    "cloture": "2023-12-01T17:00:00+01:00",
    "pieces": [
        {
            "code": "CINSIG01",
            "libelle": "Confirmation d'inscription signée",
            "regroupement": "Confirmation d'inscription",
            "modalite": "en_ligne",
            "debut": "2023-10-19T09:00:00+02:00",
            "fin": "2023-12-01T23:59:00+01:00",
        },
        {
            "code": "1NATID01",
            "libelle": "Document justifiant l'identité",
            "regroupement": "Identité",
            "modalite": "en_ligne",
        },
        {
            "code": "PSNATT03",
            "libelle": "Certificat de participation ou d'exemption à la JDC",
            "regroupement": "Position régulière au regard du code du service national",
            "modalite": "postal",
            "fin": "2023-12-01T23:59:00+01:00",
        },
    ],
}


def write_package(
    root: Path,
    candidatures: str,
    pieces: str,
    files: dict[str, bytes] | None = None,
    *,
    encoding: str = "utf-8",
    campagne: dict[str, object] | None = None,
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "campagne.json").write_text(
        json.dumps(campagne or CAMPAGNE, ensure_ascii=False), encoding="utf-8"
    )
    (root / "candidatures.csv").write_bytes(candidatures.encode(encoding))
    (root / "pieces.csv").write_bytes(pieces.encode(encoding))
    for name, data in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def tuer(pid: int) -> None:
    """End a process at once, as a crash would: SIGKILL, or TerminateProcess on Windows."""
    import os
    import signal

    os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
