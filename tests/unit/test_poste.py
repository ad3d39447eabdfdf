"""What a workstation expects of the application, without Qt: the log (rotated, without
candidates' data), native crashes written beside it, the data folder chosen in the settings,
and the campaign's size limit changed after import."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app import journal
from desktop_app.documents.inspection import message_taille
from desktop_app.models import Depot
from desktop_app.paths import choisir_dossier, dossier_choisi, resolve_data_dir
from desktop_app.services.espace import Espace
from desktop_app.services.importer import importer_paquet
from desktop_app.services.reglages import changer_taille_max


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
    assert "test_poste.py" in texte  # where it happened
    assert "DUPONT" not in texte and "Jeanne" not in texte


def test_le_journal_tourne(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "TAILLE_MAX", 2000)
    fichier = journal.configurer(tmp_path)
    assert fichier is not None
    for i in range(200):
        logging.getLogger("desktop_app").info("ligne %d du journal", i)
    fichiers = sorted(p.name for p in tmp_path.glob("controle-pj.log*"))
    assert fichiers[0] == "controle-pj.log" and len(fichiers) == journal.ANCIENS + 1


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


def test_une_nouvelle_taille_maximale_juge_a_nouveau_les_fichiers_concernes(
    espace: Espace, paquet_demo: Path
) -> None:
    importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    with espace.db.read() as session:
        tailles = sorted(
            t for t in session.scalars(
                select(Depot.taille).where(Depot.recevable.is_(True), Depot.sha256.is_not(None))
            ) if t
        )  # fmt: skip
    campagne_id = 1
    limite = tailles[len(tailles) // 2]  # half the files are now too large
    trop_grands = sum(t > limite for t in tailles)
    r = changer_taille_max(espace.db, espace.store, campagne_id, limite, espace.inspection)
    assert r.devenus_non_recevables == trop_grands > 0 and r.devenus_recevables == 0
    with espace.db.read() as session:
        refuse = session.scalars(select(Depot).where(Depot.taille == tailles[-1])).first()
        assert refuse is not None and not refuse.recevable
        assert refuse.motif == message_taille(tailles[-1], limite)
    # Back to 5 Mo: the same files become recevable again, nothing else is touched.
    r = changer_taille_max(espace.db, espace.store, campagne_id, 5 * 1024 * 1024, espace.inspection)
    assert r.devenus_recevables == trop_grands and r.devenus_non_recevables == 0
    with espace.db.read() as session:
        recevables = session.scalars(select(Depot.recevable).where(Depot.taille == tailles[-1]))
        assert set(recevables) == {True}


def test_un_paquet_qui_change_la_taille_maximale_fait_juger_a_nouveau_les_fichiers(
    espace: Espace, paquet_demo: Path
) -> None:
    import json

    importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    with espace.db.read() as session:
        tailles = sorted(t for t in session.scalars(select(Depot.taille)) if t)
    limite = tailles[len(tailles) // 2]
    campagne = paquet_demo / "campagne.json"
    donnees = json.loads(campagne.read_text(encoding="utf-8"))
    donnees["taille_max_octets"] = limite
    campagne.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")
    rapport = importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    dits = [str(m) for m in rapport.messages if "taille maximale" in str(m)]
    assert len(dits) == 1 and "devenu(s) non recevable(s)" in dits[0]
    with espace.db.read() as session:
        trop_grands = session.scalars(select(Depot).where(Depot.taille > limite)).all()
        assert trop_grands and not any(d.recevable for d in trop_grands)
        assert [d.motif for d in trop_grands if d.motif != message_taille(d.taille, limite)] == []
