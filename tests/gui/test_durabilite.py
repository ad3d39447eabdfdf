"""What a gestionnaire sees of the durability: backups at start-up and on demand, a restore
from the window, a damaged base at start-up, the history checked and exported."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.app import sauvegarder_en_partant
from desktop_app.models import Decision, Piece, Statut
from desktop_app.services import sauvegardes as sv
from desktop_app.services.decisions import enregistrer_decision
from desktop_app.services.espace import Espace, ouvrir_espace
from desktop_app.views.sauvegardes import SauvegardesDialog
from tests.gui.fenetre import demarrer
from tests.gui.fenetre import ouvrir as ouvrir_fenetre


def _repondre(monkeypatch: pytest.MonkeyPatch, bouton: str, vues: list[str]) -> None:
    """Every message box answers by the button whose text contains ``bouton``."""

    def exec_(boite: QMessageBox) -> int:
        vues.append(boite.text())
        choisi = next((b for b in boite.buttons() if bouton in b.text().replace("&", "")), None)
        boite.clickedButton = lambda: choisi  # type: ignore[method-assign]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    for nom in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, nom, lambda *a, **k: vues.append(str(a[2])))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


def _statut(espace: Espace, piece_id: int) -> Statut | None:
    with espace.db.read() as s:
        return s.get(Piece, piece_id).statut  # type: ignore[union-attr]


def test_backups_at_start_up_on_demand_and_a_restore_from_the_window(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    espace = espace_demo  # the demo package, imported
    w = ouvrir_fenetre(qtbot, espace)
    tache = w.sauvegarde_au_demarrage()  # the base changed (an import) and has no backup
    assert tache is not None
    qtbot.waitUntil(lambda: w.tache_en_cours is None, timeout=20_000)
    (premiere,) = sv.lister(espace.paths.sauvegardes)
    assert premiere.motif == sv.Motif.DEMARRAGE and sv.probleme(premiere.chemin) is None
    assert w.sauvegarde_au_demarrage() is None, "unchanged since: no second backup"

    piece = w.piece
    assert piece is not None
    with espace.db.write() as s:
        enregistrer_decision(s, piece.id, Statut.NON_CONFORME, "Claire",
                             commentaire="Pièce illisible")  # fmt: skip
    vues: list[str] = []
    _repondre(monkeypatch, "Restaurer", vues)
    dialogue = SauvegardesDialog(espace, w)
    qtbot.addWidget(dialogue)
    assert dialogue.table.rowCount() == 1
    dialogue.sauvegarder()
    qtbot.waitUntil(lambda: dialogue.table.rowCount() == 2, timeout=20_000)
    assert dialogue.table.item(0, 1).text() == "demandée"

    dialogue.table.selectRow(1)  # the start-up one, before the decision
    dialogue.restaurer()
    assert dialogue.restauree is not None and dialogue.restauree.securite is not None
    assert "La base a été restaurée depuis la sauvegarde du" in vues[-1]
    assert _statut(espace, piece.id) is None
    assert dialogue.table.rowCount() == 3  # the base as it was is kept too
    w.close()


def test_a_damaged_base_at_start_up_is_kept_and_the_newest_backup_offered(
    qtbot: QtBot, espace_demo: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    espace = espace_demo  # the demo package, imported
    sv.sauvegarder(espace.paths.database, espace.paths.sauvegardes, sv.Motif.FERMETURE)
    espace.close()
    for annexe in ("-wal", "-shm"):
        Path(f"{espace.paths.database}{annexe}").unlink(missing_ok=True)
    with espace.paths.database.open("r+b") as f:
        f.write(b"\x00" * 100)
    args = argparse.Namespace(data_dir=str(espace.paths.root), database_url=None,
                              dossier_fichiers=None)  # fmt: skip
    vues: list[str] = []
    _repondre(monkeypatch, "Quitter", vues)
    w, ouvert = demarrer(qtbot, args)
    assert ouvert is None and w.vide.text() == w.OUVERTURE  # the window stays empty
    assert "est endommagée" in vues[0] and "n'a pas été modifiée" in vues[0]
    assert espace.paths.database.read_bytes()[:100] == b"\x00" * 100

    _repondre(monkeypatch, "Restaurer cette sauvegarde", vues)
    w, rouvert = demarrer(qtbot, args)
    assert rouvert is not None and w.campagne is None  # (its campaign read next, by the start)
    assert "La base endommagée est conservée telle quelle" in vues[-1]
    with rouvert.db.read() as s:
        assert s.scalars(select(Decision.id)).first() is not None
    sauvegarder_en_partant(rouvert)  # restored, unchanged since: nothing to do
    rouvert.close()
    assert len(list(espace.paths.root.glob("controle-pj.endommagee-*.sqlite3"))) == 1


def test_the_history_is_checked_and_a_candidates_history_exported_from_the_menu(
    qtbot: QtBot, espace_demo: Espace, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    espace = espace_demo  # the demo package, imported
    w = ouvrir_fenetre(qtbot, espace)
    vues: list[str] = []
    _repondre(monkeypatch, "OK", vues)
    w.findChild(type(w.action_sauvegardes), "actionVerifierHistorique").trigger()
    qtbot.waitUntil(lambda: bool(vues), timeout=20_000)
    assert vues[0].startswith("Historique intact")

    sortie = tmp_path / "historique.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(sortie), ""))
    w.findChild(type(w.action_sauvegardes), "actionExporterHistorique").trigger()
    lignes = sortie.read_text(encoding="utf-8-sig").splitlines()
    assert lignes[0].startswith("n_candidat;") and len(lignes) >= 1
    assert "écrite(s) dans" in w.statusBar().currentMessage()
    w.close()


def test_in_team_mode_backups_are_left_to_the_server(
    qtbot: QtBot, base_postgres: str, tmp_path: Path
) -> None:
    equipe = ouvrir_espace(tmp_path / "poste", base_postgres, tmp_path / "partage")
    w = ouvrir_fenetre(qtbot, equipe)
    assert not w.action_sauvegardes.isEnabled()
    assert "pg_dump" in w.action_sauvegardes.toolTip()
    assert w.sauvegarde_au_demarrage() is None
    w.close()
    equipe.close()
