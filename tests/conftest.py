"""Shared fixtures. Qt runs offscreen; every test gets its own data directory."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything loads Qt

import pytest

from desktop_app.services.demo import generer_paquet
from desktop_app.services.espace import Espace, ouvrir_espace
from tests.postgres import base_postgres, serveur_postgres  # noqa: F401 - fixtures

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus-dev"
REFERENCE = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test does lands in the real user's folders."""
    monkeypatch.setenv("CONTROLE_PJ_DATA_DIR", str(tmp_path / "donnees-par-defaut"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("CONTROLE_PJ_LOG_DIR", str(tmp_path / "journal"))
    monkeypatch.setenv("CONTROLE_PJ_CONFIG_DIR", str(tmp_path / "config"))  # Windows too
    monkeypatch.delenv("CONTROLE_PJ_DATABASE_URL", raising=False)
    # Qt's settings too: on Windows they are the registry, which no variable moves (the tests
    # under Wine found a folder remembered from the previous run).
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qt"))


def fermer(e: Espace) -> None:
    """A test's workspace closed once no thread writes to it: a window the test left open
    is closed after this fixture (pytest tears down in reverse order), and its reader may be
    storing a reading meanwhile (a commit on a closing base aborted the whole run once)."""
    from desktop_app.views.taches import Fil

    Fil.attendre_tous()
    e.close()


@pytest.fixture
def espace(tmp_path: Path) -> Iterator[Espace]:
    e = ouvrir_espace(tmp_path / "donnees")
    yield e
    fermer(e)


@pytest.fixture(scope="session")
def paquet_demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo package generated once per test session (read only: copy it to change)."""
    return generer_paquet(tmp_path_factory.mktemp("demo") / "paquet", 40, reference=REFERENCE)


@pytest.fixture
def paquet_demo(paquet_demo_source: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "paquet-demo"
    shutil.copytree(paquet_demo_source, copy)
    return copy


@pytest.fixture(scope="session")
def demo_importee(paquet_demo_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo package as imported, built once per test session (read
    only: ``donnees_demo`` copies it). The import inspects every file in worker processes:
    1 s on Linux, 3 to 4 s under Wine, and 45 tests began with it."""
    from desktop_app.services.importer import importer_paquet

    racine = tmp_path_factory.mktemp("demo-importee")
    paquet = racine / "paquet-demo"  # the name the import records, as ``paquet_demo``'s
    shutil.copytree(paquet_demo_source, paquet)
    e = ouvrir_espace(racine / "donnees")
    try:
        importer_paquet(e.db, e.store, paquet, worker=e.inspection)
    finally:
        e.close()
    return racine / "donnees"


@pytest.fixture
def donnees_demo(demo_importee: Path, tmp_path: Path) -> Path:
    """``tmp_path / "donnees"``: this test's own copy of the demo package's data folder, as
    ``importer_paquet`` leaves it (the base and its files)."""
    shutil.copytree(demo_importee, tmp_path / "donnees")
    return tmp_path / "donnees"


@pytest.fixture
def espace_demo(donnees_demo: Path) -> Iterator[Espace]:
    """A workspace holding the demo package, imported (``paquet_demo`` is the same package)."""
    e = ouvrir_espace(donnees_demo)
    yield e
    fermer(e)


def corpus_manifest() -> list[dict[str, str]]:
    import csv

    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that creates widgets uses the qtbot or qapp fixture: that makes it a GUI test
    (qutebrowser's way), so ``-m "not gui"`` never depends on remembering a marker.

    Under Windows (the check under Wine runs every test 2.5 times slower than Linux), a test
    marked ``calcul`` is skipped, saying why: it computes on generated data what no operating
    system can change, and Linux ran it in the same CI."""
    sous_windows = pytest.mark.skip(
        reason="calcul pur, le même sous tout système : vérifié sous Linux"
    )
    for item in items:
        if {"qtbot", "qapp"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)
        if os.name == "nt" and item.get_closest_marker("calcul") is not None:
            item.add_marker(sous_windows)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """For the Windows check (packaging/windows.py): the session's result, written once the
    tests are done, whether or not the process then ends."""
    if fichier := os.environ.get("CONTROLE_PJ_FIN_DES_TESTS"):
        Path(fichier).write_text(str(int(exitstatus)), encoding="utf-8")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Under Windows, a test process that does not end after its summary (a thread or a child
    process it waits for, Qt's objects torn down) would keep the Windows check waiting without
    a word: after 90 s every thread's stack is written and the process ends, code 1."""
    if os.name == "nt":
        import faulthandler
        import sys

        faulthandler.dump_traceback_later(90, exit=True, file=sys.__stderr__)
