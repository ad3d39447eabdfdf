"""The bureau that signs the letters (name, address, contact, signature line), a setting of the
campaign kept apart from what packages bring; and which gestionnaire covers which spécialité.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("campagne", sa.Column("bureau", sa.JSON(), nullable=True))
    op.create_table(
        "affectation",
        sa.Column(
            "campagne_id",
            sa.Integer(),
            sa.ForeignKey("campagne.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("specialite", sa.String(300), primary_key=True),
        sa.Column("gestionnaire", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("affectation")
    # In place (SQLite ≥ 3.35): a batch would copy the table, which the foreign keys refuse.
    op.execute("ALTER TABLE campagne DROP COLUMN bureau")
