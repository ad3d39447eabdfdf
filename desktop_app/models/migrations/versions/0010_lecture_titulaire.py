"""Each reading's holder birth date (indexed) and first page's fingerprint: a re-scan of the
same paper is looked for among the documents of the same holder.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lecture_fichier") as table:
        table.add_column(sa.Column("naissance_lue", sa.String(10), nullable=True))
        table.add_column(sa.Column("empreinte", sa.BigInteger(), nullable=True))
        table.create_index("ix_lecture_fichier_naissance_lue", ["naissance_lue"])


def downgrade() -> None:
    with op.batch_alter_table("lecture_fichier") as table:
        table.drop_index("ix_lecture_fichier_naissance_lue")
        table.drop_column("empreinte")
        table.drop_column("naissance_lue")
