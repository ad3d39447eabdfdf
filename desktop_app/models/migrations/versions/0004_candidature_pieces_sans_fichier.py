"""A pièce without status and without any file awaits the candidate, not the gestionnaire:
the candidature counts those pièces in a column kept by triggers, so that the list tells
« À contrôler » from « En attente du candidat » without reading every deposit.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 22:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SANS_DEPOT = "NOT EXISTS (SELECT 1 FROM depot WHERE depot.piece_id = {row}.id)"


def _compter(row: str, sign: str, dialect: str) -> str:
    sans_statut = f"({row}.statut IS NULL)" + ("::int" if dialect == "postgresql" else "")
    return (
        f"UPDATE candidature SET pieces_sans_fichier = pieces_sans_fichier {sign} {sans_statut} "
        f"WHERE id = {row}.candidature_id;"
    )


# Deposits are only ever inserted: the first one of a pièce without status takes it out.
_PREMIER_DEPOT = (
    "UPDATE candidature SET pieces_sans_fichier = pieces_sans_fichier - 1 "
    "WHERE id = (SELECT candidature_id FROM piece WHERE id = NEW.piece_id AND statut IS NULL);"
)
_SEUL_DEPOT = "NOT EXISTS (SELECT 1 FROM depot d WHERE d.piece_id = NEW.piece_id AND d.id <> NEW.id)"


def upgrade() -> None:
    with op.batch_alter_table("candidature") as batch:
        batch.add_column(
            sa.Column("pieces_sans_fichier", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute(
        "UPDATE candidature SET pieces_sans_fichier = (SELECT count(*) FROM piece p "
        "WHERE p.candidature_id = candidature.id AND p.statut IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM depot d WHERE d.piece_id = p.id))"
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER piece_sans_fichier_insert AFTER INSERT ON piece "
            f"WHEN {_SANS_DEPOT.format(row='NEW')} BEGIN {_compter('NEW', '+', dialect)} END"
        )
        op.execute(
            "CREATE TRIGGER piece_sans_fichier_update AFTER UPDATE OF statut, candidature_id "
            f"ON piece WHEN {_SANS_DEPOT.format(row='NEW')} BEGIN "
            f"{_compter('OLD', '-', dialect)} {_compter('NEW', '+', dialect)} END"
        )
        op.execute(  # before: the deposits are still there (a cascade removes them)
            "CREATE TRIGGER piece_sans_fichier_delete BEFORE DELETE ON piece "
            f"WHEN {_SANS_DEPOT.format(row='OLD')} BEGIN {_compter('OLD', '-', dialect)} END"
        )
        op.execute(
            "CREATE TRIGGER depot_sans_fichier AFTER INSERT ON depot "
            f"WHEN {_SEUL_DEPOT} BEGIN {_PREMIER_DEPOT} END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION piece_sans_fichier() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') AND {_SANS_DEPOT.format(row='OLD')} THEN "
            f"{_compter('OLD', '-', dialect)} END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') AND {_SANS_DEPOT.format(row='NEW')} THEN "
            f"{_compter('NEW', '+', dialect)} END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER piece_sans_fichier AFTER INSERT OR UPDATE OF statut, candidature_id "
            "ON piece FOR EACH ROW EXECUTE FUNCTION piece_sans_fichier()"
        )
        op.execute(
            "CREATE TRIGGER piece_sans_fichier_delete BEFORE DELETE ON piece "
            "FOR EACH ROW EXECUTE FUNCTION piece_sans_fichier()"
        )
        op.execute(
            "CREATE FUNCTION depot_sans_fichier() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {_SEUL_DEPOT} THEN {_PREMIER_DEPOT} END IF; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER depot_sans_fichier AFTER INSERT ON depot "
            "FOR EACH ROW EXECUTE FUNCTION depot_sans_fichier()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for nom in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS piece_sans_fichier_{nom}")
        op.execute("DROP TRIGGER IF EXISTS depot_sans_fichier")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS piece_sans_fichier ON piece")
        op.execute("DROP TRIGGER IF EXISTS piece_sans_fichier_delete ON piece")
        op.execute("DROP FUNCTION IF EXISTS piece_sans_fichier()")
        op.execute("DROP TRIGGER IF EXISTS depot_sans_fichier ON depot")
        op.execute("DROP FUNCTION IF EXISTS depot_sans_fichier()")
    # In place (SQLite ≥ 3.35): a batch would copy the table, which the foreign keys refuse.
    op.execute("ALTER TABLE candidature DROP COLUMN pieces_sans_fichier")
