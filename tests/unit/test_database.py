from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from desktop_app.models.database import TETE, Database, DatabaseTooNew
from desktop_app.paths import ENV_DATA_DIR, resolve_data_dir
from desktop_app.services.espace import Espace, ouvrir_espace


def test_sqlite_is_opened_for_durability(tmp_path: Path) -> None:
    espace = ouvrir_espace(tmp_path / "d")
    with espace.db.engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    espace.close()
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 10_000,
    }


def test_writes_take_the_lock_at_begin(tmp_path: Path) -> None:
    espace = ouvrir_espace(tmp_path / "d")
    statements: list[str] = []
    from sqlalchemy import event

    event.listen(
        espace.db.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    with espace.db.write() as s:
        s.connection()
    with espace.db.read() as s:
        s.connection()
    espace.close()
    assert statements[:2] == ["BEGIN IMMEDIATE", "BEGIN DEFERRED"]


def test_schema_is_created_by_the_migration_and_is_at_head(tmp_path: Path) -> None:
    espace = ouvrir_espace(tmp_path / "d")
    assert espace.db.current_revision() == espace.db.head_revision() == TETE == "0010"
    espace.close()


def test_a_database_of_the_previous_version_is_brought_up_keeping_its_deposits(
    tmp_path: Path, paquet_demo: Path
) -> None:
    """A database at the first schema gets the display rotation column, 0 for every deposit."""
    from alembic import command

    from desktop_app.services.depots import memoriser_rotation
    from desktop_app.services.importer import importer_paquet

    url = f"sqlite:///{tmp_path / 'ancienne.sqlite3'}"
    ancienne = Database(url)
    config = ancienne._alembic_config()
    with ancienne.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    ancienne.dispose()
    with sqlite3.connect(tmp_path / "ancienne.sqlite3") as raw:
        raw.execute(
            "INSERT INTO campagne (examen, libelle, session, academie, taille_max_octets, "
            "formats, extra) VALUES ('BCP', 'Bac pro', '2024', 'Lyon', 5242880, '[]', '{}')"
        )
    db = Database(url)
    db.migrate()
    assert db.current_revision() == TETE
    with sqlite3.connect(tmp_path / "ancienne.sqlite3") as raw:
        assert raw.execute("SELECT count(*) FROM campagne").fetchone() == (1,)
        colonnes = [row[1] for row in raw.execute("PRAGMA table_info(depot)")]
    assert "rotation_affichage" in colonnes
    db.dispose()

    espace = ouvrir_espace(tmp_path / "d")
    importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    with espace.db.read() as session:
        depot_id, rotation = session.execute(
            sa.text("SELECT id, rotation_affichage FROM depot LIMIT 1")
        ).one()
    assert rotation == 0
    espace.ecrire(lambda s: memoriser_rotation(s, depot_id, 270))
    with espace.db.read() as session:
        assert (
            session.execute(
                sa.text("SELECT rotation_affichage FROM depot WHERE id = :i"), {"i": depot_id}
            ).scalar_one()
            == 270
        )
    with pytest.raises(ValueError):
        espace.ecrire(lambda s: memoriser_rotation(s, depot_id, 45))
    espace.close()


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    espace = ouvrir_espace(tmp_path / "d")
    path = espace.paths.database
    espace.close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_futur'")
    connection.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DatabaseTooNew, match="Base créée par une version plus récente"):
        ouvrir_espace(tmp_path / "d")
    db = Database.sqlite(path)  # and the engine's own check, for a caller that skips the first
    with pytest.raises(DatabaseTooNew, match="Base créée par une version plus récente"):
        db.migrate()
    db.dispose()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert not list(espace.paths.sauvegardes.glob("*")), "no backup, no migration attempted"


def test_data_dir_option_then_environment_then_user_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "opt").root == (tmp_path / "opt").resolve()
    assert resolve_data_dir(None).root == (tmp_path / "env").resolve()
    monkeypatch.delenv(ENV_DATA_DIR)
    assert resolve_data_dir(None).root.name == "ControlePJ"


def test_store_keeps_identical_files_once(tmp_path: Path) -> None:
    from desktop_app.documents.store import ContentStore

    store = ContentStore(tmp_path / "s")
    a = store.put(b"meme contenu")
    b = store.put(b"meme contenu")
    assert a == b == hashlib.sha256(b"meme contenu").hexdigest()
    assert [p.name for p in (tmp_path / "s").rglob("*") if p.is_file()] == [a]
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")


def test_an_unreachable_team_database_is_said_in_french_without_its_password(
    tmp_path: Path,
) -> None:
    from desktop_app.models.database import DatabaseError

    with pytest.raises(DatabaseError) as error:
        ouvrir_espace(
            tmp_path / "d", "postgresql://gestion:secret@127.0.0.1:1/controle", tmp_path / "f"
        )
    message = str(error.value)
    assert message.startswith(
        "Impossible d'ouvrir la base postgresql+psycopg://gestion:***@127.0.0.1:1/controle : "
    )
    assert "secret" not in message


def test_an_unusable_data_folder_is_said_in_french(tmp_path: Path) -> None:
    from desktop_app.models.database import DatabaseError

    (tmp_path / "fichier").write_text("pas un dossier")
    with pytest.raises(DatabaseError, match="Impossible de créer le dossier des données"):
        ouvrir_espace(tmp_path / "fichier" / "donnees")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("n'importe quoi", "Adresse de base non prise en charge : « adresse illisible »"),
        (
            "mysql://gestion:secret@serveur/base",
            "Adresse de base non prise en charge : mysql://gestion:***@serveur/base",
        ),
        (
            "postgresql://gestion:secret@[::1/base",
            "Impossible d'ouvrir la base « adresse illisible »",
        ),
    ],
)
def test_a_wrong_database_address_is_said_in_french(tmp_path: Path, url: str, message: str) -> None:
    from desktop_app.models.database import DatabaseError

    with pytest.raises(DatabaseError) as error:
        ouvrir_espace(tmp_path / "d", url, tmp_path / "fichiers-partages")
    assert str(error.value).startswith(message)
    assert "secret" not in str(error.value)


def _colonne_tenue_par_la_base(
    espace: Espace, paquet: Path, verite: sa.TextClause, avant: str
) -> list[Any]:
    """``verite`` gives (id, column, truth) per row: equal after an import (the triggers),
    and again after going down to ``avant`` and back up (the migration fills the column)."""
    from alembic import command

    from desktop_app.services.importer import importer_paquet

    importer_paquet(espace.db, espace.store, paquet, worker=espace.inspection)
    with espace.db.read() as session:
        lignes = list(session.execute(verite).all())
    assert lignes and all(colonne == attendu for _, colonne, attendu in lignes)
    config = espace.db._alembic_config()
    with espace.db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, avant)
    espace.db.migrate()
    with espace.db.read() as session:
        assert list(session.execute(verite).all()) == lignes
    return lignes


def test_last_deposit_is_kept_by_the_database_and_filled_by_the_migration(
    espace: Espace, paquet_demo: Path
) -> None:
    """The list reads each candidature's last deposit from a column: a trigger keeps it on
    import, and the third migration fills it for a database made before."""
    verite = sa.text(
        "SELECT c.id, c.dernier_depot, (SELECT max(d.date_depot) FROM depot d JOIN piece p "
        "ON p.id = d.piece_id WHERE p.candidature_id = c.id) FROM candidature c"
    )
    lignes = _colonne_tenue_par_la_base(espace, paquet_demo, verite, "0002")
    assert sum(attendu is not None for _, _, attendu in lignes) > len(lignes) // 2


def test_pieces_awaiting_a_file_are_counted_by_the_database_and_by_the_migration(
    espace: Espace, paquet_demo: Path
) -> None:
    """A pièce without status and without file awaits the candidate: the candidature counts
    them (triggers on piece and depot), and the fourth migration counts them for a database
    made before."""
    verite = sa.text(
        "SELECT c.id, c.pieces_sans_fichier, (SELECT count(*) FROM piece p WHERE "
        "p.candidature_id = c.id AND p.statut IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM depot d WHERE d.piece_id = p.id)) FROM candidature c"
    )
    lignes = _colonne_tenue_par_la_base(espace, paquet_demo, verite, "0003")
    assert any(attendu for _, _, attendu in lignes)


def test_the_windows_write_goes_before_the_background_writers_waiting(tmp_path: Path) -> None:
    """A background writer is in a transaction; another waits; the window (main thread) asks
    then: it writes as soon as the first ends, before the one waiting. Nested writes of one
    thread pass; a turn awaited too long fails as a busy base does, in French."""
    import threading
    import time

    from desktop_app.causes import cause
    from desktop_app.models.database import TourDEcriture

    tour = TourDEcriture(attente_max=5)
    ordre: list[str] = []
    dedans, lacher = threading.Event(), threading.Event()

    attendait: list[bool] = []  # what the first saw: did the window wait for it?

    def premier() -> None:
        with tour.tour():
            attendait.append(tour.fenetre_attend())
            dedans.set()
            lacher.wait(5)
            attendait.append(tour.fenetre_attend())
            ordre.append("fond 1")

    def second() -> None:
        with tour.tour():
            ordre.append("fond 2")

    fils = [threading.Thread(target=premier)]
    fils[0].start()
    assert dedans.wait(5)
    fils.append(threading.Thread(target=second))
    fils[1].start()
    time.sleep(0.1)  # the second is waiting
    threading.Timer(0.1, lacher.set).start()
    with tour.tour():
        ordre.append("fenêtre")
        with tour.tour():  # a write inside a write: no deadlock
            ordre.append("imbriquée")
    for fil in fils:
        fil.join(5)
    assert ordre == ["fond 1", "fenêtre", "imbriquée", "fond 2"]
    assert attendait == [False, True]  # (the second, a background writer, is not the window)
    assert not tour.fenetre_attend()

    tour.attente_max = 0.2
    dedans.clear()
    lacher.clear()
    fils = [threading.Thread(target=premier)]
    fils[0].start()
    assert dedans.wait(5)
    with pytest.raises(sa.exc.OperationalError) as refus, tour.tour():
        pass
    lacher.set()
    fils[0].join(5)
    assert cause(refus.value) == "la base est utilisée par un autre programme"
    with tour.tour():  # free again
        pass


def test_the_workspace_says_when_a_write_of_the_window_waits_for_its_turn(tmp_path: Path) -> None:
    """What a background writer made of steps asks (the campaign reader storing a reading):
    whether a write of the window waits for the base it holds."""
    import threading

    espace = ouvrir_espace(tmp_path / "d")
    vu: list[bool] = []
    dedans, lacher = threading.Event(), threading.Event()

    def etapes(_s: object) -> None:
        vu.append(espace.fenetre_attend())
        dedans.set()
        lacher.wait(5)
        vu.append(espace.fenetre_attend())

    fond = threading.Thread(target=espace.ecrire, args=(etapes,))
    fond.start()
    assert dedans.wait(5)
    threading.Timer(0.1, lacher.set).start()
    espace.ecrire(lambda _s: None)  # the window's write, on the main thread
    fond.join(5)
    assert vu == [False, True] and not espace.fenetre_attend()
    espace.close()


def test_writes_of_the_same_base_take_turns_in_one_process(tmp_path: Path) -> None:
    import threading

    espace = ouvrir_espace(tmp_path / "d")
    fait = threading.Event()
    try:
        assert espace.db.tour is not None
        with espace.db.tour.tour():  # the window writes
            fil = threading.Thread(target=lambda: (espace.ecrire(lambda s: None), fait.set()))
            fil.start()
            assert not fait.wait(0.3), "a background write waits for the window's"
        assert fait.wait(5)
        fil.join(5)
    finally:
        espace.close()
