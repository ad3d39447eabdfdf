"""The decision history becomes a hash chain: each entry carries the hash of the previous one
and its own (desktop_app.models.chaine). The existing entries are chained in id order, with the
append-only triggers lifted for that time only.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 21:30:00
"""

import sqlalchemy as sa
from alembic import op

from desktop_app.models.chaine import CHAMPS, GENESE, empreinte
from desktop_app.models.entities import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The history as this revision knows it: typed the way the hash reads it.
_decision = sa.table(
    "decision",
    sa.column("id", sa.Integer()),
    sa.column("piece_id", sa.Integer()),
    sa.column("gestionnaire", sa.String()),
    sa.column("horodatage", UtcDateTime()),
    sa.column("ancien_statut", sa.String()),
    sa.column("nouveau_statut", sa.String()),
    sa.column("commentaire", sa.String()),
    sa.column("date_reception", sa.Date()),
    sa.column("source", sa.String()),
    sa.column("import_id", sa.Integer()),
    sa.column("empreinte_precedente", sa.String()),
    sa.column("empreinte", sa.String()),
)


def upgrade() -> None:
    op.add_column("decision", sa.Column("empreinte_precedente", sa.String(64), nullable=True))
    op.add_column("decision", sa.Column("empreinte", sa.String(64), nullable=True))
    bind = op.get_bind()
    dialect = bind.dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER decision_no_update")
    elif dialect == "postgresql":
        op.execute("ALTER TABLE decision DISABLE TRIGGER decision_append_only")

    colonnes = [_decision.c[c] for c in ("id", *CHAMPS)]
    precedente = GENESE
    valeurs = []
    for row in bind.execute(sa.select(*colonnes).order_by(_decision.c.id)):
        h = empreinte(precedente, row._mapping)
        valeurs.append({"b_id": row.id, "b_precedente": precedente, "b_empreinte": h})
        precedente = h
    if valeurs:
        bind.execute(
            _decision.update()
            .where(_decision.c.id == sa.bindparam("b_id"))
            .values(
                empreinte_precedente=sa.bindparam("b_precedente"),
                empreinte=sa.bindparam("b_empreinte"),
            ),
            valeurs,
        )

    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision "
            "BEGIN SELECT RAISE(ABORT, 'historique des décisions en ajout seul'); END"
        )
    elif dialect == "postgresql":
        op.execute("ALTER TABLE decision ENABLE TRIGGER decision_append_only")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Dropping columns rebuilds the table on SQLite: its triggers go with it.
        op.execute("DROP TRIGGER IF EXISTS decision_no_update")
        op.execute("DROP TRIGGER IF EXISTS decision_no_delete")
    with op.batch_alter_table("decision") as batch:
        batch.drop_column("empreinte")
        batch.drop_column("empreinte_precedente")
    if bind.dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER decision_no_{action.lower()} BEFORE {action} ON decision "
                "BEGIN SELECT RAISE(ABORT, 'historique des décisions en ajout seul'); END"
            )
