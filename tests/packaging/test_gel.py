"""The frozen build, as users get it: PyInstaller builds packaging/controle-pj.spec, the
missing-imports report names nothing essential, the frozen application passes --smoke-test
with an empty stderr, and the installer script compiles around it (uncompressed: the shipped
installer is compressed by ``python dev.py package``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(RACINE / "packaging"))

import construire  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The build, in a temporary folder; or in CONTROLE_PJ_GEL, where the Windows check
    (packaging/windows.py) takes it to build the installer it installs."""
    impose = os.environ.get("CONTROLE_PJ_GEL")
    sortie = Path(impose) if impose else tmp_path_factory.mktemp("gel")
    return construire.geler(sortie / "dist", sortie / "construction"), sortie


def test_rien_d_essentiel_ne_manque(gel: tuple[Path, Path]) -> None:
    _dossier, sortie = gel
    assert construire.imports_manquants(sortie / "construction") == []


def test_le_rapport_d_imports_manquants_est_lu(tmp_path: Path) -> None:
    """The check itself: an essential module missing is caught, an optional driver is not."""
    rapport = tmp_path / "controle-pj" / "warn-controle-pj.txt"
    rapport.parent.mkdir()
    rapport.write_text(
        "missing module named oracledb - imported by sqlalchemy.dialects.oracle (delayed)\n"
        "missing module named 'desktop_app.views.x' - imported by desktop_app.app (top-level)\n"
        "missing module named PySide6.QtNetwork - imported by desktop_app.views.instance\n",
        encoding="utf-8",
    )
    graves = construire.imports_manquants(tmp_path)
    assert [g.split(" - ")[0] for g in graves] == [
        "missing module named 'desktop_app.views.x'",
        "missing module named PySide6.QtNetwork",
    ]


def test_l_application_gelee_passe_son_essai(gel: tuple[Path, Path]) -> None:
    dossier, _sortie = gel
    rapport = construire.essai(dossier)
    assert "Essai réussi" in rapport
    assert "PDF affiché dans la fenêtre" in rapport and "JPEG affiché dans la fenêtre" in rapport
    assert "traductions de Qt en français" in rapport


def test_le_dossier_gele_porte_sa_licence_et_les_notices(gel: tuple[Path, Path]) -> None:
    dossier, _sortie = gel
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in (dossier / "LICENCE.txt").read_text("utf-8")
    tiers = (dossier / "TIERS.txt").read_text(encoding="utf-8")
    assert "PySide6" in tiers and "pymupdf" in tiers.lower()
    assert "OCR-B" in tiers and "FR05.der" in tiers  # the resources' own notices
    assert (dossier / "LICENCE-INSTALLATION.txt").is_file()  # the installer's licence page


def test_le_dossier_gele_est_sobre(gel: tuple[Path, Path]) -> None:
    """No test data, no unused Qt module, Qt's translations in French only."""
    dossier, _sortie = gel
    noms = {p.relative_to(dossier).as_posix() for p in dossier.rglob("*")}
    assert not [n for n in noms if "/tests/" in n or n.startswith("tests/")]
    assert not [n for n in noms if n.endswith(".qm") and not Path(n).stem.endswith("_fr")]
    for module in ("QtQml", "QtQuick", "QtSql", "QtPdf", "QtOpenGL", "QtSvg", "QtDBus"):
        assert not [n for n in noms if f"PySide6/{module}." in n], module  # Python bindings
    for bibliotheque in ("Qml", "Quick", "Sql", "Pdf"):  # (OpenGL, Svg: Linux plugins link them)
        assert not [n for n in noms if f"Qt6{bibliotheque}." in n], bibliotheque
    assert any(n.endswith("migrations/versions/0001_schema_initial.py") for n in noms)


def test_l_installateur_se_compile(gel: tuple[Path, Path]) -> None:
    if construire.makensis() is None:
        if os.environ.get("CI") and os.name != "nt":  # (under Wine, Linux's makensis builds it)
            pytest.fail("makensis absent en CI : dev.py installe le paquet nsis")
        pytest.skip("makensis absent (Debian : apt-get install nsis)")
    dossier, sortie = gel
    fichier = construire.installateur(dossier, sortie, rapide=True)
    assert fichier.is_file() and fichier.stat().st_size > construire.taille(dossier) // 2
