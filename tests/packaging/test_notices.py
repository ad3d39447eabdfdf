"""Every component the application ships has its notice: name, version, licence and the
licence's text, read from the installed distributions (packaging/notices.py)."""

from __future__ import annotations

import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(RACINE / "packaging"))

import notices  # noqa: E402


def test_every_shipped_distribution_has_its_notice_and_licence_text() -> None:
    livrees = notices.livrees()
    noms = {d.metadata["Name"].lower().replace("_", "-") for d in livrees}
    # What the application imports at run time is there (and what it does not ship is not).
    attendues = {
        "pyside6-essentials",
        "shiboken6",
        "pymupdf",
        "sqlalchemy",
        "alembic",
        "pillow",
        "platformdirs",
        "tzdata",
        "psycopg",
        "psycopg-binary",
        "xlsxwriter",
    }
    assert attendues <= noms
    assert not noms & {"pytest", "ruff", "mypy", "pyinstaller", "openpyxl", "controle-pj"}
    texte = notices.notices()
    for dist in livrees:
        assert f"{dist.metadata['Name']} {dist.version}" in texte
        assert sum(len(t) for _, t in notices.textes(dist)) >= 500, dist.metadata["Name"]
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in texte  # PyMuPDF's
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in texte  # Qt's, through PySide6


def test_the_application_says_its_licence() -> None:
    licence = (RACINE / "LICENSE").read_text(encoding="utf-8")
    assert licence.lstrip().startswith("GNU AFFERO GENERAL PUBLIC LICENSE")
    pyproject = (RACINE / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = { text = "AGPL-3.0-or-later" }' in pyproject
