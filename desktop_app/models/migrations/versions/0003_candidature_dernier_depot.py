"""The candidature list shows each dossier's last deposit and finds non recevable files
without a pass over every deposit: a column kept by a trigger, and a partial index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 19:20:00
"""

import sqlalchemy as sa
from alembic import op

from desktop_app.models.entities import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Deposits are only ever inserted (a new file is a new row): the latest date only grows.
_MISE_A_JOUR = (
    "UPDATE candidature SET dernier_depot = NEW.date_depot "
    "WHERE id = (SELECT candidature_id FROM piece WHERE id = NEW.piece_id) "
    "AND (dernier_depot IS NULL OR dernier_depot < NEW.date_depot);"
)


def upgrade() -> None:
    with op.batch_alter_table("candidature") as batch:
        batch.add_column(sa.Column("dernier_depot", UtcDateTime(), nullable=True))
    op.create_index(
        "ix_depot_non_recevable",
        "depot",
        ["piece_id", "tour"],
        sqlite_where=sa.text("recevable = 0"),
        postgresql_where=sa.text("NOT recevable"),
    )
    op.execute(
        "UPDATE candidature SET dernier_depot = (SELECT max(d.date_depot) FROM depot d "
        "JOIN piece p ON p.id = d.piece_id WHERE p.candidature_id = candidature.id)"
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER depot_dernier AFTER INSERT ON depot "
            f"WHEN NEW.date_depot IS NOT NULL BEGIN {_MISE_A_JOUR} END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION depot_dernier() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.date_depot IS NOT NULL THEN {_MISE_A_JOUR} END IF; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER depot_dernier AFTER INSERT ON depot "
            "FOR EACH ROW EXECUTE FUNCTION depot_dernier()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS depot_dernier")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS depot_dernier ON depot")
        op.execute("DROP FUNCTION IF EXISTS depot_dernier()")
    op.drop_index("ix_depot_non_recevable", "depot")
    # In place (SQLite ≥ 3.35): a batch would copy the table, which the foreign keys refuse.
    op.execute("ALTER TABLE candidature DROP COLUMN dernier_depot")
