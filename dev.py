"""The two set-up commands of the README, the same on Windows, macOS and Linux.

    python3 dev.py demo    install in .venv, then open the application on the demo campaign
    python3 dev.py test    install in .venv with the test tools, then lint and run every test
                           (with CI=true, PostgreSQL from Debian's packages for team mode)

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
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    target = f".[{extra}]" if extra else "."
    run(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target)


def demo(args: list[str]) -> None:
    install()
    run(PYTHON, "-m", "desktop_app", "--demo", *args)


def postgresql() -> None:
    """CI (CI=true) installs PostgreSQL from Debian's packages: the team-mode tests start a
    server of their own with it. Elsewhere nothing is installed: those tests say they skip."""
    import glob
    import shutil

    if not os.environ.get("CI") or glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return
    if shutil.which("apt-get") is None:
        print("PostgreSQL absent et apt-get introuvable : les tests du mode équipe échoueront.")
        return
    sudo = [] if os.geteuid() == 0 or shutil.which("sudo") is None else ["sudo"]
    quiet = {"DEBIAN_FRONTEND": "noninteractive"}
    run(*sudo, "apt-get", "update", "-q", **quiet)
    run(*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql", **quiet)


def test(args: list[str]) -> None:
    install("test")
    postgresql()
    run(PYTHON, "-m", "ruff", "check", ".")
    run(PYTHON, "-m", "ruff", "format", "--check", ".")
    run(BIN / "lint-imports")
    run(PYTHON, "-m", "pytest", *args, QT_QPA_PLATFORM="offscreen")


if __name__ == "__main__":
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])
