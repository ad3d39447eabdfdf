"""Decisions never lost: backups (verified, rotated, restored), a damaged database left
untouched, migrations behind a verified backup, the hash-chained history, and the local
database refused on a network share."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.models import Decision, Piece, Statut
from desktop_app.models import database as database_module
from desktop_app.models.database import REVISIONS, TETE, DatabaseError
from desktop_app.paths import sur_partage_reseau
from desktop_app.services import espace as espace_module
from desktop_app.services import sauvegardes as sv
from desktop_app.services.audit import verifier_historique
from desktop_app.services.decisions import enregistrer_decision
from desktop_app.services.espace import BaseEndommagee, Espace, ouvrir_espace
from desktop_app.services.requetes import campagnes, lister_candidatures
from tests.unit.ecrivain import pieces_decidables

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "schemas"


def _decider(espace: Espace, combien: int = 6) -> None:
    for n, piece_id in enumerate(pieces_decidables(espace.db)[:combien]):
        with espace.db.write() as s:
            if n % 2:
                enregistrer_decision(s, piece_id, Statut.CONFORME, "Claire", fichier_affiche=True)
            else:
                enregistrer_decision(
                    s, piece_id, Statut.NON_CONFORME, "Marc", commentaire="Pièce illisible"
                )


def _decisions(espace: Espace) -> list[tuple[Any, ...]]:
    with espace.db.read() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(Decision.id, Decision.piece_id, Decision.nouveau_statut,
                       Decision.commentaire, Decision.gestionnaire, Decision.empreinte)
                .order_by(Decision.id)
            )
        ]  # fmt: skip


def _empreinte_fichier(chemin: Path) -> str:
    return hashlib.sha256(chemin.read_bytes()).hexdigest()


@pytest.fixture
def espace_decide(espace_demo: Espace) -> Espace:
    espace = espace_demo  # the demo package, imported
    _decider(espace)
    return espace


# -- backups -----------------------------------------------------------------------------------
def test_restore_drill_backup_delete_restore_gives_the_same_decisions(
    espace_decide: Espace,
) -> None:
    paths = espace_decide.paths
    avant = _decisions(espace_decide)
    s = sv.sauvegarder(paths.database, paths.sauvegardes, sv.Motif.MANUELLE)
    assert sv.probleme(s.chemin) is None and s.chemin.parent == paths.sauvegardes
    assert not list(paths.sauvegardes.glob("*.partielle")), "the temporary copy is gone"
    assert not Path(f"{s.chemin}-wal").exists(), "a backup is a single file"
    espace_decide.close()

    for annexe in ("", "-wal", "-shm"):
        Path(f"{paths.database}{annexe}").unlink(missing_ok=True)
    fait = sv.restaurer(sv.meilleure(paths.sauvegardes), paths.database,  # type: ignore[arg-type]
                        paths.sauvegardes, REVISIONS)  # fmt: skip
    assert fait.mise_de_cote is None and fait.securite is None
    reouvert = ouvrir_espace(paths.root)
    try:
        assert _decisions(reouvert) == avant
        with reouvert.db.read() as session:
            assert verifier_historique(session).intacte
    finally:
        reouvert.close()


def test_restoring_over_a_sound_database_backs_it_up_first(espace_decide: Espace) -> None:
    paths = espace_decide.paths
    ancienne = sv.sauvegarder(paths.database, paths.sauvegardes, sv.Motif.MANUELLE)
    avant = _decisions(espace_decide)
    _decider(espace_decide, 12)  # more work after the backup
    apres = _decisions(espace_decide)
    assert len(apres) > len(avant)

    fait = sv.restaurer(ancienne, paths.database, paths.sauvegardes, REVISIONS)
    assert fait.securite is not None and fait.securite.motif == sv.Motif.RESTAURATION
    assert _decisions(espace_decide) == avant, "the open application sees the restored base"
    sv.restaurer(fait.securite, paths.database, paths.sauvegardes, REVISIONS)
    assert _decisions(espace_decide) == apres, "and the work after it was not lost"


def test_backups_are_rotated_keeping_recent_daily_weekly_and_monthly() -> None:
    maintenant = dt.datetime(2026, 11, 22, 18, tzinfo=dt.UTC)
    heures = [maintenant - dt.timedelta(hours=6 * k) for k in range(4 * 400)]  # 400 days
    toutes = [sv.Sauvegarde(Path(f"{k}.sqlite3"), h, "demarrage", 1) for k, h in enumerate(heures)]
    parties = {s.chemin for s in sv.a_supprimer(toutes, maintenant)}
    gardees = [s for s in toutes if s.chemin not in parties]
    assert gardees[: sv.GARDER_RECENTES] == toutes[: sv.GARDER_RECENTES]
    jours = {s.horodatage.date() for s in gardees}
    assert {(maintenant - dt.timedelta(days=k)).date() for k in range(sv.GARDER_JOURS)} <= jours
    mois = {(s.horodatage.year, s.horodatage.month) for s in gardees}
    assert len(mois) == sv.GARDER_MOIS
    assert len(gardees) <= sv.GARDER_RECENTES + sv.GARDER_JOURS + sv.GARDER_SEMAINES + 12
    assert min(gardees, key=lambda s: s.horodatage).horodatage > maintenant - dt.timedelta(400)


def test_a_backup_that_does_not_pass_its_check_is_never_put_in_place(
    espace_decide: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = espace_decide.paths
    monkeypatch.setattr(sv, "probleme", lambda chemin, complet=True: "page 4 illisible")
    with pytest.raises(sv.SauvegardeImpossible, match="contrôle d'intégrité"):
        sv.sauvegarder(paths.database, paths.sauvegardes, sv.Motif.MANUELLE)
    assert list(paths.sauvegardes.iterdir()) == []


def test_an_unchanged_database_needs_no_new_backup(espace_decide: Espace) -> None:
    paths = espace_decide.paths
    sv.sauvegarder(paths.database, paths.sauvegardes, sv.Motif.MANUELLE)
    assert sv.a_jour(paths.database, paths.sauvegardes)
    _decider(espace_decide, 1)
    assert not sv.a_jour(paths.database, paths.sauvegardes)


# -- corruption --------------------------------------------------------------------------------
def _abimer_entete(base: Path) -> None:
    with base.open("r+b") as f:
        f.write(b"\x00" * 100)


def _abimer_une_page(base: Path) -> None:
    """Flip the bytes of an index page in the middle of the file (its b-tree header)."""
    connexion = sqlite3.connect(base)
    page = connexion.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'ix_decision_piece'"
    ).fetchone()[0]
    taille = connexion.execute("PRAGMA page_size").fetchone()[0]
    connexion.close()
    with base.open("r+b") as f:
        f.seek((page - 1) * taille)
        octets = bytearray(f.read(64))
        f.seek((page - 1) * taille)
        f.write(bytes(b ^ 0xFF for b in octets))


@pytest.mark.parametrize("abimer", [_abimer_entete, _abimer_une_page], ids=["entete", "page"])
def test_a_damaged_database_is_never_modified_and_the_newest_sound_backup_is_offered(
    espace_decide: Espace, abimer: Any
) -> None:
    paths = espace_decide.paths
    bonne = sv.sauvegarder(paths.database, paths.sauvegardes, sv.Motif.FERMETURE)
    avant = _decisions(espace_decide)
    plus_recente = sv.sauvegarder(paths.database, paths.sauvegardes, sv.Motif.MANUELLE)
    _abimer_entete(plus_recente.chemin)  # the newest backup is itself damaged: skipped
    espace_decide.close()
    with sqlite3.connect(paths.database) as c:  # everything in the main file
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    abimer(paths.database)
    empreinte = _empreinte_fichier(paths.database)

    for _ in range(2):  # twice: opening again changes nothing either
        with pytest.raises(BaseEndommagee) as erreur:
            ouvrir_espace(paths.root)
        assert erreur.value.proposee == bonne
        assert "endommagée" in str(erreur.value) and "n'a pas été modifiée" in str(erreur.value)
        assert _empreinte_fichier(paths.database) == empreinte
    assert main(["campagnes", "--data-dir", str(paths.root)]) == 1
    assert _empreinte_fichier(paths.database) == empreinte

    assert main(["restore", "--data-dir", str(paths.root)]) == 0
    mises_de_cote = list(paths.root.glob("controle-pj.endommagee-*.sqlite3"))
    assert len(mises_de_cote) == 1 and _empreinte_fichier(mises_de_cote[0]) == empreinte
    reouvert = ouvrir_espace(paths.root)
    try:
        assert _decisions(reouvert) == avant
    finally:
        reouvert.close()


def test_the_check_begun_before_the_window_is_the_one_that_opens_the_base(
    espace_decide: Espace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``anticiper_controle`` (at start, before the window): the base is read once, by it, and
    opened on its answer, taken once; a base changed after it began is checked again; a
    damaged base it found is refused as when checked in place, and left untouched."""
    paths = espace_decide.paths
    sv.sauvegarder(paths.database, paths.sauvegardes, sv.Motif.FERMETURE)
    espace_decide.close()
    lectures: list[bool] = []
    probleme = sv.probleme

    def compter(chemin: Path, *, complet: bool = True) -> str | None:
        if chemin.resolve() == paths.database.resolve():  # (not the backups offered)
            lectures.append(complet)
        return probleme(chemin, complet=complet)

    monkeypatch.setattr(sv, "probleme", compter)
    sv.anticiper_controle(paths.database)
    ouvrir_espace(paths.root).close()
    assert lectures == [False]
    ouvrir_espace(paths.root).close()  # its answer was taken: read again
    assert lectures == [False, False]

    with sqlite3.connect(paths.database) as c:  # everything in the main file
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    sv.anticiper_controle(paths.database)
    sv._anticipes[paths.database.resolve()].fini.wait()  # it found the base sound…
    _abimer_une_page(paths.database)  # …then the base changed
    empreinte = _empreinte_fichier(paths.database)
    with pytest.raises(BaseEndommagee):
        ouvrir_espace(paths.root)
    assert lectures == [False] * 4

    sv.anticiper_controle(paths.database)  # a damaged base, found by the anticipated check
    with pytest.raises(BaseEndommagee):
        ouvrir_espace(paths.root)
    assert lectures == [False] * 5 and _empreinte_fichier(paths.database) == empreinte


def test_an_empty_database_file_with_backups_is_not_taken_for_a_new_one(
    espace_decide: Espace,
) -> None:
    paths = espace_decide.paths
    sv.sauvegarder(paths.database, paths.sauvegardes, sv.Motif.FERMETURE)
    espace_decide.close()
    for annexe in ("-wal", "-shm"):
        Path(f"{paths.database}{annexe}").unlink(missing_ok=True)
    paths.database.write_bytes(b"")
    with pytest.raises(BaseEndommagee, match="le fichier est vide"):
        ouvrir_espace(paths.root)
    assert paths.database.stat().st_size == 0


# -- migrations --------------------------------------------------------------------------------
@pytest.mark.parametrize("schema", REVISIONS[:-1])
def test_a_database_of_each_released_schema_is_migrated_after_a_verified_backup(
    tmp_path: Path, schema: str
) -> None:
    donnees = tmp_path / "donnees"
    donnees.mkdir()
    base = donnees / "controle-pj.sqlite3"
    shutil.copy(SCHEMAS / f"{schema}.sqlite3", base)
    assert sv.revision(base) == schema
    with sqlite3.connect(base) as c:
        avant = c.execute(
            "SELECT id, piece_id, nouveau_statut, commentaire FROM decision ORDER BY id"
        ).fetchall()
        statuts = c.execute("SELECT id, statut FROM piece ORDER BY id").fetchall()
    c.close()

    espace = ouvrir_espace(donnees)
    try:
        assert espace.db.current_revision() == TETE
        (copie,) = sv.lister(espace.paths.sauvegardes)
        assert copie.motif == sv.Motif.MIGRATION and sv.revision(copie.chemin) == schema
        with espace.db.read() as s:
            assert [tuple(r) for r in s.execute(
                select(Decision.id, Decision.piece_id, Decision.nouveau_statut,
                       Decision.commentaire).order_by(Decision.id)
            )] == [(i, p, Statut[n] if n else None, c) for i, p, n, c in avant]  # fmt: skip
            lues = s.execute(select(Piece.id, Piece.statut).order_by(Piece.id))
            assert [tuple(r) for r in lues] == [(i, Statut[n] if n else None) for i, n in statuts]
            assert verifier_historique(s).intacte
            (campagne,) = campagnes(s)
            assert len(lister_candidatures(s, campagne.id)) == campagne.candidatures > 0
        _decider(espace, 2)  # and the migrated database takes decisions
        with espace.db.read() as s:
            assert verifier_historique(s).intacte
    finally:
        espace.close()


def test_a_failing_migration_puts_the_database_back_from_its_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(database_module.MIGRATIONS, migrations)
    suivante = f"{int(TETE) + 1:04d}"
    (migrations / "versions" / f"{suivante}_echec.py").write_text(
        f'''"""A migration that fails halfway."""
import sqlalchemy as sa
from alembic import op

revision = "{suivante}"
down_revision = "{TETE}"


def upgrade():
    op.add_column("piece", sa.Column("essai", sa.Integer()))
    op.execute("UPDATE candidat SET nom_naissance = 'EFFACÉ'")
    raise RuntimeError("panne simulée au milieu de la migration")
''',
        encoding="utf-8",
    )
    donnees = tmp_path / "donnees"
    donnees.mkdir()
    base = donnees / "controle-pj.sqlite3"
    shutil.copy(SCHEMAS / f"{REVISIONS[-2]}.sqlite3", base)
    noms = _noms(base)
    for module in (database_module, espace_module):
        monkeypatch.setattr(module, "REVISIONS", (*REVISIONS, suivante))
        monkeypatch.setattr(module, "TETE", suivante)
    monkeypatch.setattr(database_module, "MIGRATIONS", migrations)

    with pytest.raises(DatabaseError, match="remise dans son état d'avant") as erreur:
        ouvrir_espace(donnees)
    assert "panne simulée" in str(erreur.value)
    assert sv.revision(base) == REVISIONS[-2] and sv.probleme(base) is None
    assert _noms(base) == noms and "EFFACÉ" not in noms
    with sqlite3.connect(base) as c:
        assert "essai" not in [r[1] for r in c.execute("PRAGMA table_info(piece)")]
    c.close()
    (avant_migration,) = [s for s in sv.lister(donnees / "sauvegardes")
                          if s.motif == sv.Motif.MIGRATION]  # fmt: skip
    assert _noms(avant_migration.chemin) == noms


def _noms(base: Path) -> list[str]:
    with sqlite3.connect(base) as c:
        noms = [r[0] for r in c.execute("SELECT nom_naissance FROM candidat ORDER BY id")]
    c.close()
    return noms


# -- audit trail -------------------------------------------------------------------------------
def test_the_history_is_a_hash_chain_and_any_tampering_is_reported(
    espace_decide: Espace, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = espace_decide.paths
    with espace_decide.db.read() as s:
        verification = verifier_historique(s)
        premiere, deuxieme, troisieme = s.scalars(select(Decision).order_by(Decision.id).limit(3))
    assert verification.intacte and verification.entrees > 6
    assert deuxieme.empreinte_precedente == premiere.empreinte
    assert main(["verify-audit", "--data-dir", str(paths.root)]) == 0
    assert "Historique intact" in capsys.readouterr().out

    espace_decide.close()
    with sqlite3.connect(paths.database) as c:  # what someone editing the file could do
        c.execute("DROP TRIGGER decision_no_update")
        c.execute("DROP TRIGGER decision_no_delete")
        c.execute("UPDATE decision SET commentaire = 'Pièce conforme' WHERE id = ?",
                  (deuxieme.id,))  # fmt: skip
        c.execute("DELETE FROM decision WHERE id = ?", (troisieme.id,))
    c.close()
    assert main(["verify-audit", "--data-dir", str(paths.root)]) == 1
    rapport = capsys.readouterr().out
    assert f"décision n° {deuxieme.id} : son contenu a été modifié" in rapport
    assert "ne suit pas l'entrée précédente" in rapport


def test_the_chain_writes_its_times_as_strftime_did() -> None:
    """The hashes of existing histories were computed on strftime's text: the text written
    field by field is the same, to the microsecond, whatever the zone of the time given."""
    from zoneinfo import ZoneInfo

    from desktop_app.models.chaine import _valeur

    debut = dt.datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)
    for k in range(400):
        moment = debut + dt.timedelta(days=23 * k, seconds=k * 3607, microseconds=k * 7919)
        for zone in (dt.UTC, ZoneInfo("Europe/Paris"), dt.timezone(dt.timedelta(hours=-5))):
            local = moment.astimezone(zone)
            assert _valeur(local) == moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_a_status_changed_without_its_history_row_is_reported(espace_decide: Espace) -> None:
    with espace_decide.db.read() as s:
        piece_id = s.scalar(select(Decision.piece_id).order_by(Decision.id.desc()).limit(1))
    with sqlite3.connect(espace_decide.paths.database) as c:
        c.execute("UPDATE piece SET statut = 'RECUE' WHERE id = ?", (piece_id,))
    c.close()
    with espace_decide.db.read() as s:
        verification = verifier_historique(s)
    assert verification.pieces_incoherentes == (piece_id,)
    assert "ne correspondent pas à la dernière décision" in verification.rapport()


def test_the_history_of_a_candidate_is_exported_with_its_hashes(
    espace_decide: Espace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app.models import Candidat, Candidature

    with espace_decide.db.read() as s:
        decision = s.scalars(select(Decision).order_by(Decision.id.desc()).limit(1)).one()
        n_candidat = s.scalar(
            select(Candidat.n_candidat)
            .join(Candidature, Candidature.candidat_id == Candidat.id)
            .join(Piece, Piece.candidature_id == Candidature.id)
            .where(Piece.id == decision.piece_id)
        )
    sortie = tmp_path / "historique.csv"
    racine = str(espace_decide.paths.root)
    assert main(["historique", "--data-dir", racine, n_candidat, "--sortie", str(sortie)]) == 0
    texte = sortie.read_text(encoding="utf-8-sig")
    assert texte.startswith("n_candidat;candidat;campagne;")
    derniere = texte.strip().splitlines()[-1].split(";")
    assert derniere[5] == str(decision.id) and derniere[-1] == decision.empreinte
    assert derniere[7] == decision.gestionnaire and derniere[10] == decision.nouveau_statut.value
    assert main(["historique", "--data-dir", racine, "00000000000", "--sortie", str(sortie)]) == 1
    assert "Aucun candidat n° 00000000000" in capsys.readouterr().err


# -- where the local database may live ---------------------------------------------------------
MONTAGES = """\
/dev/sda1 / ext4 rw,relatime 0 0
//serveur/examens /mnt/examens cifs rw,vers=3.0 0 0
serveur:/exports /home/partage nfs4 rw 0 0
tmpfs /mnt/examens/local tmpfs rw 0 0
"""


@pytest.mark.parametrize(
    ("chemin", "reseau"),
    [
        ("/home/claire/donnees", False),
        ("/mnt/examens/dec", True),
        ("/home/partage/controle", True),
        ("/mnt/examens/local/base", False),
        ("/mnt/examens-bis", False),
        ("\\\\serveur\\examens\\controle", True),
    ],
)
def test_network_shares_are_recognised(chemin: str, reseau: bool) -> None:
    if os.name == "nt" and chemin.startswith("/"):
        pytest.skip("chemins et montages de Linux")
    assert sur_partage_reseau(Path(chemin), MONTAGES) is reseau


def test_the_system_says_a_local_folder_is_not_a_share(tmp_path: Path) -> None:
    """Asked of the system itself: /proc/mounts on Linux, GetDriveTypeW on Windows."""
    assert not sur_partage_reseau(tmp_path)


def test_a_local_database_on_a_network_share_is_refused_pointing_to_team_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(espace_module, "sur_partage_reseau", lambda chemin: True)
    with pytest.raises(DatabaseError, match=r"partage réseau.*mode équipe"):
        ouvrir_espace(tmp_path / "donnees")
    assert not (tmp_path / "donnees" / "controle-pj.sqlite3").exists()


def test_backup_and_restore_say_that_team_mode_is_backed_up_on_its_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://gestion@serveur/examens"
    assert main(["backup", "--data-dir", str(tmp_path), "--database-url", url]) == 1
    assert "pg_dump" in capsys.readouterr().err
