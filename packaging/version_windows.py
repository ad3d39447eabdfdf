"""The Windows version resource of the executables (Properties > Details in the Explorer),
written from the package's version at build time."""

from __future__ import annotations

import re
from pathlib import Path

EDITEUR = "Contrôle PJ"


def quatre_nombres(version: str) -> tuple[int, int, int, int]:
    """« 1.2.3 », « 1.2.3rc1 » or « 1.2.3.dev4+g… » as Windows wants it: four integers."""
    nombres = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]]
    return (*nombres, 0, 0, 0, 0)[:4]  # type: ignore[return-value]


def ecrire_version(fichier: Path, version: str, produit: str) -> Path:
    n = quatre_nombres(version)
    chaines = {
        "CompanyName": EDITEUR,
        "FileDescription": f"{produit} : contrôle des pièces justificatives",
        "FileVersion": version,
        "InternalName": "controle-pj",
        "LegalCopyright": EDITEUR,
        "OriginalFilename": "controle-pj.exe",
        "ProductName": produit,
        "ProductVersion": version,
    }
    texte = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={n}, prodvers={n}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040C04B0', [
      {", ".join(f"StringStruct({k!r}, {v!r})" for k, v in chaines.items())}
    ])]),
    VarFileInfo([VarStruct('Translation', [0x040C, 1200])])
  ]
)
"""
    fichier.parent.mkdir(parents=True, exist_ok=True)
    fichier.write_text(texte, encoding="utf-8")
    return fichier
