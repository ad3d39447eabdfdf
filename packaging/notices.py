"""The third-party notices of everything the application ships: for each distribution it
depends on at run time (followed through their own requirements), its name, version, licence
and the licence texts it carries, read from the installed distributions' metadata, never typed
by hand.

    python packaging/notices.py [SORTIE]   (default: print them)

The frozen build puts them beside the program (TIERS.txt) and the installer shows them with
the application's own licence."""

from __future__ import annotations

import re
import sys
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from pathlib import Path

RACINE = "controle-pj"
ICI = Path(__file__).resolve().parent
# The official texts of licences some distributions name without carrying them (PySide6 and
# shiboken6 name LGPL-3.0 but ship no text; the LGPL is the GPL plus permissions); copied
# from Debian's /usr/share/common-licenses, and the AGPL from this project's LICENSE.
TEXTES_OFFICIELS = {
    "LGPL-3.0": [ICI / "licences" / "LGPL-3.0.txt", ICI / "licences" / "GPL-3.0.txt"],
    "GPL-2.0": [ICI / "licences" / "GPL-2.0.txt"],
    "GPL-3.0": [ICI / "licences" / "GPL-3.0.txt"],
    "AGPL": [ICI.parent / "LICENSE"],
}
_NOM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")
_TEXTE = re.compile(r"(licen[cs]e|copying|notice|copyright|authors)", re.I)


def _exigees(
    dist: Distribution, extras: frozenset[str] = frozenset()
) -> list[tuple[str, frozenset[str]]]:
    """What ``dist`` requires at run time with ``extras`` asked of it (markers of this
    platform): (name, extras asked of that one)."""
    from packaging.requirements import Requirement

    exigees = []
    for texte in dist.requires or []:
        exigence = Requirement(texte)
        marqueur = exigence.marker
        if marqueur is not None and not any(marqueur.evaluate({"extra": e}) for e in ("", *extras)):
            continue
        exigees.append((exigence.name, frozenset(exigence.extras)))
    return exigees


def livrees(racine: str = RACINE) -> list[Distribution]:
    """Every distribution the application ships, itself excluded, sorted by name."""
    vues: dict[str, Distribution] = {}
    a_voir = _exigees(distribution(racine))
    while a_voir:
        nom, extras = a_voir.pop()
        cle = f"{nom.lower().replace('_', '-')}[{','.join(sorted(extras))}]"
        if cle in vues:
            continue
        try:
            dist = distribution(nom)
        except PackageNotFoundError:  # a requirement of another platform, absent here
            continue
        vues[cle] = dist
        a_voir.extend(_exigees(dist, extras))
    uniques = {d.metadata["Name"].lower(): d for d in vues.values()}.values()
    return sorted(uniques, key=lambda d: d.metadata["Name"].lower())


def licence(dist: Distribution) -> str:
    m = dist.metadata
    expression = m.get("License-Expression")
    if expression:
        return expression
    classes = [c.split("::")[-1].strip() for c in m.get_all("Classifier") or []
               if c.startswith("License ::")]  # fmt: skip
    texte = (m.get("License") or "").strip()
    if texte and len(texte) < 200:
        return texte
    return "; ".join(classes) or "voir le texte ci-dessous"


def textes(dist: Distribution) -> list[tuple[str, str]]:
    """The licence files the distribution carries: (name, text)."""
    trouves = []
    for fichier in dist.files or []:
        nom = fichier.name
        if _TEXTE.search(nom) and not nom.endswith((".py", ".pyc", ".pyi")):
            try:
                trouves.append((str(fichier), fichier.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    long_texte = (dist.metadata.get("License") or "").strip()
    if not trouves and len(long_texte) >= 200:  # some put the whole text in the metadata
        trouves.append(("METADATA License", long_texte))
    if sum(len(t) for _, t in trouves) < 500:  # named, not carried: the official texts
        nom_licence = licence(dist).replace("AFFERO GPL", "AGPL")
        chemins = [c for cle, liste in TEXTES_OFFICIELS.items() if cle in nom_licence
                   for c in liste]  # fmt: skip
        for chemin in dict.fromkeys(chemins):  # each text once
            trouves.append((f"texte officiel {chemin.name}", chemin.read_text(encoding="utf-8")))
    return trouves


def notices(racine: str = RACINE) -> str:
    parts = [
        "Contrôle PJ — composants tiers livrés avec l'application",
        "=" * 60,
        "Chaque composant ci-dessous est distribué sous sa propre licence, dont le texte suit.",
        "",
    ]
    for dist in livrees(racine):
        parts += ["", "-" * 72, f"{dist.metadata['Name']} {dist.version}",
                  f"Licence : {licence(dist)}", "-" * 72]  # fmt: skip
        for nom, texte in textes(dist):
            parts += ["", f"[{nom}]", texte.strip() or "(fichier vide)"]
    # What the application carries that is not a distribution: its resources' own notices.
    for notice in sorted((ICI.parent / "desktop_app" / "resources").glob("*-NOTICE.txt")):
        parts += ["", "-" * 72, notice.read_text(encoding="utf-8").strip()]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    texte = notices()
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(texte, encoding="utf-8")
    else:
        sys.stdout.write(texte)
