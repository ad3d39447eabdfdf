"""The log of a workstation, without Qt: rotated, without candidates' data, native crashes
written beside it and told at the next start; and the data folder chosen in the preferences."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import journal
from desktop_app.paths import choisir_dossier, dossier_choisi, resolve_data_dir


def test_le_journal_garde_le_lieu_de_l_erreur_pas_ses_donnees(tmp_path: Path) -> None:
    fichier = journal.configurer(tmp_path / "journal")
    assert fichier is not None
    try:
        try:
            open(tmp_path / "Dossier de DUPONT Jeanne.pdf", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise RuntimeError("Pièce de Jeanne DUPONT refusée") from exc
    except RuntimeError as exc:
        journal.consigner_exception("échec de la lecture", exc)
    for handler in logging.getLogger().handlers:
        handler.flush()
    texte = fichier.read_text(encoding="utf-8")
    assert "échec de la lecture" in texte
    assert "RuntimeError" in texte and "FileNotFoundError [errno 2]" in texte
    assert "test_journal.py" in texte  # where it happened
    assert "DUPONT" not in texte and "Jeanne" not in texte


def test_le_journal_tourne(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "TAILLE_MAX", 2000)
    fichier = journal.configurer(tmp_path)
    assert fichier is not None
    for i in range(200):
        logging.getLogger("desktop_app").info("ligne %d du journal", i)
    fichiers = sorted(p.name for p in tmp_path.glob("controle-pj.log*"))
    assert fichiers[0] == "controle-pj.log" and len(fichiers) == journal.ANCIENS + 1
    # Each file under the limit, the newest lines in the current file, then .1, .2…
    assert all((tmp_path / f).stat().st_size < 2000 for f in fichiers)
    assert "ligne 199 du journal" in fichier.read_text(encoding="utf-8")
    premieres = [
        int((tmp_path / f).read_text(encoding="utf-8").split("ligne ")[1].split()[0])
        for f in ["controle-pj.log", *(f"controle-pj.log.{i}" for i in range(1, 6))]
    ]
    assert premieres == sorted(premieres, reverse=True)


def test_un_plantage_natif_est_ecrit_dans_le_journal(tmp_path: Path) -> None:
    programme = (
        "import faulthandler, pathlib\n"
        "from desktop_app import journal\n"
        f"journal.configurer(pathlib.Path({str(tmp_path)!r}))\n"
        "faulthandler._sigsegv()\n"
    )
    resultat = subprocess.run([sys.executable, "-c", programme], capture_output=True, timeout=60)
    assert resultat.returncode != 0
    plantage = (tmp_path / journal.PLANTAGES).read_text(encoding="utf-8")
    assert "Fatal Python error" in plantage or "Windows fatal exception" in plantage
    # The next start sets the report aside and knows the previous session crashed.
    journal.configurer(tmp_path)
    precedent = journal.plantage_precedent()
    assert precedent is not None and precedent.read_text(encoding="utf-8") == plantage
    assert not (tmp_path / journal.PLANTAGES).is_file()  # (pytest's faulthandler is on)
    journal.configurer(tmp_path)
    assert journal.plantage_precedent() is None  # told once


def test_le_dossier_des_donnees_choisi_vaut_au_prochain_demarrage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONTROLE_PJ_DATA_DIR")
    assert dossier_choisi() is None
    choisir_dossier(tmp_path / "ailleurs")
    assert resolve_data_dir().root == (tmp_path / "ailleurs").resolve()
    assert resolve_data_dir(tmp_path / "option").root == (tmp_path / "option").resolve()
    choisir_dossier(None)
    assert dossier_choisi() is None
