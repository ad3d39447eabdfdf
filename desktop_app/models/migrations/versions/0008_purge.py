"""The purges of campaigns: when, by whom, what was removed, and the history's head before and
after (a purge removes the campaign's decisions and chains the rest again: it is said here).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "purge",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gestionnaire", sa.String(200), nullable=False),
        sa.Column("campagne", sa.String(500), nullable=False),
        sa.Column("retraits", sa.JSON(), nullable=False),
        sa.Column("tete_avant", sa.String(200), nullable=False),
        sa.Column("tete_apres", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("purge")
