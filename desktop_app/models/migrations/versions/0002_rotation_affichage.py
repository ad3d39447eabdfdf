"""A deposit remembers how the gestionnaire turned it for display (the file is never modified).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 17:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("depot") as batch:
        batch.add_column(
            sa.Column("rotation_affichage", sa.SmallInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("depot") as batch:
        batch.drop_column("rotation_affichage")
