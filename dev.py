"""The two set-up commands of the README, the same on Windows, macOS and Linux.

    python3 dev.py demo    install in .venv, then open the application on the demo campaign
    python3 dev.py test    install in .venv with the test tools, then lint and run every test
                           (with CI=true, PostgreSQL and NSIS from Debian's packages, then
                           the Windows check below)
    python3 dev.py windows (Linux) the Windows check under Wine: python.org's Windows CPython
                           and Windows wheels run ruff, import-linter and the tests, build the
                           frozen application and its installer, install, upgrade, uninstall
                           (packaging/windows.py; arguments after it go to pytest)
    python3 dev.py package install PyInstaller, build the frozen application in dist/, run its
                           smoke test, and compile the installer (NSIS's makensis)

Each step is skipped when already done; a fresh clone needs nothing but Python 3.11+."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args: str | Path, **env: str) -> None:
    print("→", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env={**os.environ, **env})
    if result.returncode:
        sys.exit(result.returncode)


def install(extra: str = "") -> None:
    """Install in .venv, editable; skipped when pyproject.toml has not changed since the last
    install of the same extra (a stamp of its hash in .venv): a later launch starts at once."""
    import hashlib

    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    empreinte = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    tampon = VENV / f".installe-{extra or 'base'}"
    if tampon.is_file() and tampon.read_text() == empreinte:
        return
    target = f".[{extra}]" if extra else "."
    run(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target)
    tampon.write_text(empreinte)


def demo(args: list[str]) -> None:
    install()
    run(PYTHON, "-m", "desktop_app", "--demo", *args)


def debian_packages() -> None:
    """CI (CI=true) installs from Debian's packages what some tests need: PostgreSQL (the
    team-mode tests start a server of their own), NSIS (the installer script is compiled),
    the OCR-B fonts (the reading tests draw specimen documents in two cuts of it) and DejaVu's
    other faces (attestations, and the italics of a confirmation's handwritten date).
    Elsewhere nothing is installed: those tests say they skip."""
    import glob
    import shutil

    missing = []
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        missing.append("postgresql")
    if shutil.which("makensis") is None:
        missing.append("nsis")
    if not os.path.exists("/usr/share/fonts/opentype/ocr-b/OCRB.otf"):
        missing.append("fonts-ocr-b")  # the specimen documents' MRZ, drawn in OCR-B
    if not os.path.exists("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf"):
        missing.append("fonts-dejavu-extra")  # the specimens' faces, and their handwriting
    if not os.environ.get("CI") or not missing or os.name == "nt":
        return
    if shutil.which("apt-get") is None:
        print(f"{', '.join(missing)} absent(s) et apt-get introuvable : des tests échoueront.")
        return
    sudo = [] if os.geteuid() == 0 or shutil.which("sudo") is None else ["sudo"]
    quiet = {"DEBIAN_FRONTEND": "noninteractive"}
    run(*sudo, "apt-get", "update", "-q", **quiet)
    run(*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", *missing, **quiet)


def test(args: list[str]) -> None:
    install("test")
    debian_packages()
    run(PYTHON, "-m", "ruff", "check", ".")
    run(PYTHON, "-m", "ruff", "format", "--check", ".")
    run(BIN / "lint-imports")
    run(PYTHON, "-m", "mypy")  # strict where pyproject's [tool.mypy] says
    run(PYTHON, "-m", "pytest", *args, QT_QPA_PLATFORM="offscreen")
    if os.environ.get("CI") and sys.platform == "linux":
        windows([])


def windows(args: list[str]) -> None:
    if sys.platform != "linux":
        sys.exit("La vérification sous Wine se lance sous Linux ; sous Windows : py dev.py test")
    install("test")
    run(PYTHON, ROOT / "packaging" / "windows.py", *args)


def package(args: list[str]) -> None:
    install("package")
    run(PYTHON, ROOT / "packaging" / "construire.py", *args)


if __name__ == "__main__":
    commands = {"demo": demo, "test": test, "package": package, "windows": windows}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])
