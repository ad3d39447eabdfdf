"""A decision records the files it was made on (their sha256), inside the audit chain: a
deposit swapped for another file after its Conforme shows at verification.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 11:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("decision", sa.Column("fichiers", sa.Text(), nullable=True))


def downgrade() -> None:
    # In place (SQLite ≥ 3.35): a batch would copy the table, which the triggers refuse.
    op.execute("ALTER TABLE decision DROP COLUMN fichiers")
