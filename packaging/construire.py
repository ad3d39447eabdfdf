"""Build the frozen application and its installer, and check them.

    python packaging/construire.py [--sortie DOSSIER] [--rapide]

(``python dev.py package`` installs PyInstaller and runs this.) Steps, each one stops the build
when it fails:
1. PyInstaller builds packaging/controle-pj.spec (one folder, two executables);
2. its missing-imports report must name none of our modules nor a key dependency;
3. the frozen application runs ``--smoke-test`` (offscreen): exit 0, nothing on stderr;
4. makensis compiles the installer (Windows, or Linux with Debian's ``nsis``); ``--rapide``
   stores the files uncompressed: a check of the script, not an installer to ship.
It prints the size of the frozen folder and of the installer."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ICI = Path(__file__).resolve().parent
RACINE = ICI.parent
# Said, not left to the interpreter: an embedded Python (python._pth) adds neither folder.
sys.path[:0] = [str(ICI), str(RACINE)]

from version_windows import quatre_nombres  # noqa: E402

from desktop_app import __version__  # noqa: E402

SPEC = ICI / "controle-pj.spec"
NOM = "controle-pj"

# A missing module whose top-level package is one of these is a broken build, whoever imports
# it (the other missing modules are optional imports of the libraries: other databases' drivers,
# other platforms' modules). The standard library is left to the smoke test: the report lists
# names imported from it that are attributes, not modules (multiprocessing.get_context).
ESSENTIELS = frozenset(
    {"desktop_app", "PySide6", "shiboken6", "sqlalchemy", "alembic", "pymupdf", "fitz", "PIL",
     "platformdirs", "tzdata", "psycopg", "psycopg_binary", "xlsxwriter", "rustpy_xlsxwriter",
     "mako"}
)  # fmt: skip
_MANQUANT = re.compile(r"^missing module named '?([\w.]+)'? - imported by (.*)$")


class ConstructionEchouee(Exception):
    pass


def geler(dist: Path, travail: Path) -> Path:
    """PyInstaller's one-folder build; returns the folder."""
    commande = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level",
                "WARN", "--distpath", str(dist), "--workpath", str(travail), str(SPEC)]  # fmt: skip
    resultat = subprocess.run(commande, cwd=ICI, capture_output=True, text=True)
    if resultat.returncode:
        raise ConstructionEchouee(f"PyInstaller a échoué :\n{resultat.stderr[-4000:]}")
    licences(dist / NOM)
    return dist / NOM


def licences(dossier: Path) -> None:
    """Beside the program: its licence (LICENCE.txt, the AGPL), the notices of every
    component it ships with their licence texts (TIERS.txt), and the text the installer's
    licence page shows (the licence, then the list of components and their licences)."""
    from notices import licence, livrees, notices

    texte_agpl = (RACINE / "LICENSE").read_text(encoding="utf-8")
    (dossier / "LICENCE.txt").write_text(texte_agpl, encoding="utf-8")
    (dossier / "TIERS.txt").write_text(notices(), encoding="utf-8")
    composants = "\n".join(f"  - {d.metadata['Name']} {d.version} : {licence(d)}"
                           for d in livrees())  # fmt: skip
    (dossier / "LICENCE-INSTALLATION.txt").write_text(
        "Contrôle PJ est distribué sous la licence GNU Affero General Public License, version 3 "
        "ou ultérieure (texte ci-dessous). Il contient les composants suivants, chacun sous sa "
        "licence, dont les textes complets sont dans TIERS.txt, à côté du programme :\n\n"
        f"{composants}\n\n{texte_agpl}",
        encoding="utf-8-sig",  # NSIS reads the BOM and shows the accents
    )


def imports_manquants(travail: Path) -> list[str]:
    """The lines of PyInstaller's report that name a missing essential module."""
    rapport = travail / NOM / f"warn-{NOM}.txt"
    if not rapport.is_file():
        raise ConstructionEchouee(f"rapport des imports manquants introuvable : {rapport}")
    graves = []
    for ligne in rapport.read_text(encoding="utf-8").splitlines():
        trouve = _MANQUANT.match(ligne)
        if trouve and trouve.group(1).split(".")[0] in ESSENTIELS:
            graves.append(ligne)
    return graves


def executable(dossier: Path, cli: bool = False) -> Path:
    nom = f"{NOM}-cli" if cli else NOM
    return dossier / (f"{nom}.exe" if os.name == "nt" else nom)


def essai(dossier: Path) -> str:
    """``--smoke-test`` of the frozen application (the console one on Windows, whose output
    can be read); returns its report, raises if it failed or wrote on stderr."""
    with tempfile.TemporaryDirectory(prefix="controle-pj-essai-") as temporaire:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONTROLE_PJ_LOG_DIR": temporaire}
        env.pop("CONTROLE_PJ_DATA_DIR", None)
        resultat = subprocess.run(
            [str(executable(dossier, cli=True)), "--smoke-test"],
            capture_output=True, text=True, encoding="utf-8", errors="replace", env=env,
            timeout=300,
        )  # fmt: skip
        journal = Path(temporaire, "controle-pj.log")
        detail = journal.read_text(encoding="utf-8")[-3000:] if journal.is_file() else ""
    if resultat.returncode or resultat.stderr:
        raise ConstructionEchouee(
            f"l'essai de l'application gelée a échoué (code {resultat.returncode}) :\n"
            f"{resultat.stdout}\n{resultat.stderr}\n{detail}"
        )
    return resultat.stdout


def makensis() -> str | None:
    trouve = shutil.which("makensis")
    if trouve is None and os.name == "nt":
        for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
            candidat = Path(base or "", "NSIS", "makensis.exe")
            if candidat.is_file():
                return str(candidat)
    return trouve


def installateur(dossier: Path, sortie: Path, rapide: bool = False) -> Path:
    """Compile packaging/installateur.nsi around ``dossier``."""
    programme = makensis()
    if programme is None:
        raise ConstructionEchouee("makensis introuvable : installez NSIS (Debian : paquet nsis)")
    fichier = sortie / f"ControlePJ-{__version__}-installation.exe"
    options = [f"-DVERSION={__version__}", f"-DSOURCE={dossier}", f"-DSORTIE={fichier}",
               "-DVERSION_WINDOWS=" + ".".join(map(str, quatre_nombres(__version__)))]  # fmt: skip
    if rapide:
        options.append("-DRAPIDE")
    resultat = subprocess.run(
        # The script is UTF-8 (« Contrôle »): said, never guessed from the system's code page.
        [programme, "-INPUTCHARSET", "UTF8", "-V2", "-WX", *options, str(ICI / "installateur.nsi")],
        cwd=ICI, capture_output=True, text=True, errors="replace",
    )  # fmt: skip
    if resultat.returncode:
        raise ConstructionEchouee(f"makensis a échoué :\n{resultat.stdout}\n{resultat.stderr}")
    return fichier


def taille(chemin: Path) -> int:
    if chemin.is_file():
        return chemin.stat().st_size
    # PyInstaller links some libraries twice on Linux (symbolic links): counted once.
    return sum(f.stat().st_size for f in chemin.rglob("*") if f.is_file() and not f.is_symlink())


def mo(octets: int) -> str:
    return f"{octets / 1_048_576:.0f} Mo"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sortie", type=Path, default=RACINE / "dist", metavar="DOSSIER")
    parser.add_argument("--rapide", action="store_true", help="installateur non compressé")
    parser.add_argument("--sans-installateur", action="store_true")
    args = parser.parse_args()
    sortie = args.sortie.resolve()
    try:
        print("→ PyInstaller", flush=True)
        dossier = geler(sortie, sortie / "construction")
        graves = imports_manquants(sortie / "construction")
        if graves:
            raise ConstructionEchouee("imports manquants :\n" + "\n".join(graves))
        print("→ essai de l'application gelée (--smoke-test)", flush=True)
        print(essai(dossier), end="")
        print(f"Dossier gelé : {dossier} ({mo(taille(dossier))})")
        if not args.sans_installateur:
            print("→ makensis", flush=True)
            fichier = installateur(dossier, sortie, args.rapide)
            print(f"Installateur : {fichier} ({mo(taille(fichier))})")
    except ConstructionEchouee as exc:
        print(f"Construction en échec : {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
