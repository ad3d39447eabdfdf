"""A throw-away PostgreSQL server for the team-mode tests: initdb in a temporary folder, a
Unix socket only (no port to collide with), stopped at the end of the session.

The server's programs are looked for in CONTROLE_PJ_TEST_PG_BIN, then beside ``pg_config``,
then in Debian's /usr/lib/postgresql/<version>/bin. Without them the tests are skipped with
the reason, except in CI (CI=true) on Linux, where they must run. Under Wine, the Windows check
(packaging/windows.py) starts one on the loopback and names it in CONTROLE_PJ_TEST_PG."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ENV_BIN = "CONTROLE_PJ_TEST_PG_BIN"
ENV_SERVEUR = "CONTROLE_PJ_TEST_PG"
PORT = 55_432


def _binaires() -> Path | None:
    candidats = []
    if os.environ.get(ENV_BIN):
        candidats.append(Path(os.environ[ENV_BIN]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        sortie = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidats.append(Path(sortie.stdout.strip()))
    candidats += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    exe = ".exe" if os.name == "nt" else ""  # under Wine, Linux's own programs are visible
    for dossier in candidats:
        if (dossier / f"initdb{exe}").exists() and (dossier / f"pg_ctl{exe}").exists():
            return dossier
    return None


def _absent(raison: str) -> None:
    if os.environ.get("CI") and os.name != "nt":
        pytest.fail(f"PostgreSQL est requis en CI : {raison}")
    pytest.skip(
        f"{raison} : les tests du mode équipe sont sautés. Installez PostgreSQL (Debian : "
        f"apt install postgresql) ou indiquez ses programmes dans {ENV_BIN}."
    )


@dataclass(frozen=True)
class Serveur:
    hote: str  # the folder of its Unix socket, or an address
    port: int

    def url(self, base: str) -> str:
        return f"postgresql://postgres@/{base}?host={self.hote}&port={self.port}"

    def base_vide(self, nom: str) -> str:
        """A new empty database on the server; its URL."""
        import psycopg

        with psycopg.connect(host=self.hote, port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as connexion:  # fmt: skip
            connexion.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')
            connexion.execute(f'CREATE DATABASE "{nom}"')
        return self.url(nom)


class ServeurAbsent(Exception):
    pass


@contextmanager
def serveur(tcp: int | None = None) -> Iterator[Serveur]:
    """A server of its own in a temporary folder, stopped at the end: on a Unix socket, or
    with ``tcp`` on 127.0.0.1:<tcp> (for the Windows programs the Windows check runs under
    Wine, which reach this machine's server through the loopback)."""
    binaires = _binaires()
    if binaires is None:
        raise ServeurAbsent("programmes PostgreSQL introuvables (initdb, pg_ctl)")
    racine = Path(tempfile.mkdtemp(prefix="controle-pj-pg-"))
    prefixe: list[str] = []
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # PostgreSQL refuses to run as root
        import pwd

        try:
            compte = pwd.getpwnam("postgres")
        except KeyError:
            raise ServeurAbsent(
                "exécution en root sans compte « postgres » pour le serveur"
            ) from None
        os.chown(racine, compte.pw_uid, compte.pw_gid)
        prefixe = ["runuser", "-u", "postgres", "--"]
    donnees = racine / "donnees"
    subprocess.run(
        [*prefixe, str(binaires / "initdb"), "-D", str(donnees), "-A", "trust", "-U",
         "postgres", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"],
        check=True, capture_output=True,
    )  # fmt: skip
    adresse = "127.0.0.1" if tcp else "''"
    port = tcp or PORT
    options = f"-k {racine} -h {adresse} -p {port} -F -c max_connections=60"
    subprocess.run(
        [*prefixe, str(binaires / "pg_ctl"), "-D", str(donnees), "-o", options, "-l",
         str(racine / "journal.txt"), "-w", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield Serveur("127.0.0.1" if tcp else str(racine), port)
    finally:
        subprocess.run(
            [*prefixe, str(binaires / "pg_ctl"), "-D", str(donnees), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(racine, ignore_errors=True)


@pytest.fixture(scope="session")
def serveur_postgres() -> Iterator[Serveur]:
    """The session's server: the one named by CONTROLE_PJ_TEST_PG (« hôte:port », started by
    the Windows check), or one started here."""
    if externe := os.environ.get(ENV_SERVEUR):
        hote, port = externe.rsplit(":", 1)
        yield Serveur(hote, int(port))
        return
    try:
        with serveur() as demarre:
            yield demarre
    except ServeurAbsent as exc:  # raised before the server is given, never by a test
        _absent(str(exc))


@pytest.fixture
def base_postgres(serveur_postgres: Serveur, request: pytest.FixtureRequest) -> str:
    """An empty PostgreSQL database of its own for the test (skipped without PostgreSQL)."""
    import re

    nom = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    return serveur_postgres.base_vide(nom)
