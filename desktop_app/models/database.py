"""Engine and sessions: SQLite by default (WAL, synchronous=FULL, foreign keys, busy timeout,
``BEGIN IMMEDIATE`` for writes), PostgreSQL by URL for team mode. Schema through Alembic."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.causes import Refus

if TYPE_CHECKING:  # Alembic is loaded only when the schema must change: a faster start
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def _revisions() -> tuple[str, ...]:
    """The schemas this version knows, oldest first: revisions are numbered 0001, 0002…, one
    after the other (a test checks that Alembic agrees); the last one is this version's."""
    versions = (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
    return tuple(sorted(p.name[:4] for p in versions))


REVISIONS = _revisions()
TETE = REVISIONS[-1]
BUSY_TIMEOUT_MS = 10_000
VERROU_MIGRATION = 727_006  # PostgreSQL advisory lock key: one client migrates at a time


class DatabaseError(Refus):
    """A database the application must not use; the message is French, for the user."""


class DatabaseTooNew(DatabaseError):
    pass


def trop_recente(schema: str | None) -> str:
    return (
        f"Base créée par une version plus récente de Contrôle PJ (schéma {schema}) : mettez "
        "l'application à jour. La base n'a pas été modifiée."
    )


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _configure_sqlite(engine: Engine, lecture_seule: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN (the documented pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not lecture_seule:  # a read-only base keeps the journal mode it has
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


_fil = threading.local()


@contextmanager
def pour_la_fenetre() -> Iterator[None]:
    """The writes of this block are the window's though they run in a thread (a decision
    written while the window keeps painting): they take their turn first, as the main
    thread's do."""
    avant = getattr(_fil, "pour_la_fenetre", False)
    _fil.pour_la_fenetre = True
    try:
        yield
    finally:
        _fil.pour_la_fenetre = avant


def _de_la_fenetre() -> bool:
    return threading.current_thread() is threading.main_thread() or getattr(
        _fil, "pour_la_fenetre", False
    )


class TourDEcriture:
    """One writer at a time in this process, the window's first. SQLite lets one transaction
    write; when it ends, a writer that was waiting in SQLite's busy handler sleeps on (up to
    100 ms a try) while a background thread may begin its next transaction at once, again and
    again. Here the writers of this process wait their turn instead, and a background writer
    lets a writer of the window (the main thread, or a block ``pour_la_fenetre``: a decision)
    go first: the window waits at most for the transaction in progress. Other processes still
    meet SQLite's own lock. Reentrant in one thread; a turn awaited longer than the busy
    timeout fails as a busy base would."""

    def __init__(self, attente_max: float = BUSY_TIMEOUT_MS / 1000) -> None:
        self.attente_max = attente_max
        self._condition = threading.Condition()
        self._titulaire: threading.Thread | None = None
        self._titulaire_fenetre = False  # the turn is the window's
        self._premier_plan = 0  # writers of the window waiting or writing

    def fenetre_attend(self) -> bool:
        """Whether a writer of the window waits for its turn (a hint, read unlocked): a
        background writer that can end its transaction early should."""
        return self._premier_plan > 0 and not self._titulaire_fenetre

    @contextmanager
    def tour(self) -> Iterator[None]:
        moi = threading.current_thread()
        if self._titulaire is moi:  # a write inside a write of the same thread
            yield
            return
        premier = _de_la_fenetre()
        with self._condition:
            self._premier_plan += premier
            try:
                fin = time.monotonic() + self.attente_max
                while self._titulaire is not None or (not premier and self._premier_plan):
                    reste = fin - time.monotonic()
                    if reste <= 0:
                        raise OperationalError(
                            None, None, sqlite3.OperationalError("database is locked")
                        )
                    self._condition.wait(reste)
            except BaseException:
                self._premier_plan -= premier
                self._condition.notify_all()
                raise
            self._titulaire, self._titulaire_fenetre = moi, premier
        try:
            yield
        finally:
            with self._condition:
                self._titulaire, self._titulaire_fenetre = None, False
                self._premier_plan -= premier
                self._condition.notify_all()


class BaseEnLectureSeule(DatabaseError):
    """The data folder cannot be written (a read-only disk or share, no right to it): every
    reading works, every writing says so in French before it starts."""


class Database:
    """One database; ``read()`` and ``write()`` give a session per user action."""

    def __init__(self, url: str, *, lecture_seule: str = "") -> None:
        """``lecture_seule``: why this base cannot be written (then it is opened read-only and
        ``write()`` refuses with that reason)."""
        self.url = url
        self.lecture_seule = lecture_seule
        self.is_sqlite = url.startswith("sqlite")
        self.engine = create_engine(url, future=True)
        if self.is_sqlite:
            _configure_sqlite(self.engine, bool(lecture_seule))
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._read = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self._write = sessionmaker(writer, expire_on_commit=False)
        # SQLite has one writer: this process's take turns, the window's first. A team's
        # server lets writers work side by side (its locks order them).
        self.tour = TourDEcriture() if self.is_sqlite else None

    @property
    def url_affichable(self) -> str:
        """The URL without its password, for the About dialog and logs."""
        return self.engine.url.render_as_string(hide_password=True)

    @classmethod
    def sqlite(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(sqlite_url(path))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read session; closing it ends its transaction (nothing is ever committed)."""
        with self._read() as session:
            yield session

    @classmethod
    def sqlite_lecture_seule(cls, path: Path, pourquoi: str) -> Database:
        """The base of a folder nobody may write: read-only; on a read-only disk, where SQLite
        cannot make its shared-memory file, as an immutable file."""
        uri = path.resolve().as_uri()
        for options in ("mode=ro", "immutable=1"):
            try:
                essai = sqlite3.connect(f"{uri}?{options}", uri=True)
                try:
                    essai.execute("SELECT count(*) FROM sqlite_master").fetchone()
                finally:
                    essai.close()
            except sqlite3.OperationalError:
                continue
            return cls(f"sqlite:///{uri}?{options}&uri=true", lecture_seule=pourquoi)
        return cls(f"sqlite:///{uri}?immutable=1&uri=true", lecture_seule=pourquoi)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, committed when the block ends without error."""
        if self.lecture_seule:
            raise BaseEnLectureSeule(self.lecture_seule)
        with (
            self.tour.tour() if self.tour is not None else nullcontext(),
            self._write() as session,
            session.begin(),
        ):
            yield session

    # -- schema -------------------------------------------------------------------------
    def _alembic_config(self) -> Config:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        return config

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return _revision(connection)

    def head_revision(self) -> str:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(self._alembic_config()).get_current_head()
        assert head is not None
        return head

    def needs_migration(self) -> bool:
        """Whether ``migrate`` has anything to do (a new database counts: it gets created)."""
        return self.current_revision() != TETE

    def migrate(self) -> None:
        """Bring the schema to this version's head; refuse a database from a newer version
        before writing anything. Clients starting together take turns: on PostgreSQL under an
        advisory lock, on SQLite under ``BEGIN IMMEDIATE``; the later one finds the work done."""
        if not self.needs_migration():
            return
        from alembic import command

        serialized = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        with serialized.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": VERROU_MIGRATION}
                )
            current = _revision(connection)
            if current is not None and current not in REVISIONS:
                raise DatabaseTooNew(trop_recente(current))
            if current == TETE:
                return
            config = self._alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()
