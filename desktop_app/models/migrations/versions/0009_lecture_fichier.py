"""What the reading found in each stored file (MRZ, 2D-Doc, text layer), by its sha256.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lecture_fichier",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("resultat", sa.JSON(), nullable=False),
        sa.Column("lu_le", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("lecture_fichier")
