"""Each reading's holder birth date (indexed) and first page's fingerprint: a re-scan of the
same paper is looked for among the documents of the same holder. The avertissements the
application finds by itself, kept per deposit with who first looked at them.

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
    op.create_table(
        "avertissement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("depot_id", sa.Integer(), sa.ForeignKey("depot.id", ondelete="CASCADE"),
                  nullable=False),  # fmt: skip
        sa.Column("origine", sa.String(20), nullable=False),
        sa.Column("genre", sa.String(60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vu_le", sa.DateTime(timezone=True), nullable=True),
        sa.Column("vu_par", sa.String(200), nullable=False),
        sa.Column("piece_liee_id", sa.Integer(), sa.ForeignKey("piece.id", ondelete="CASCADE"),
                  nullable=True),  # fmt: skip
    )
    op.create_index("ix_avertissement_depot", "avertissement", ["depot_id"])
    op.create_index("ix_avertissement_non_vu", "avertissement", ["vu_le"])
    op.create_index("ix_avertissement_piece_liee", "avertissement", ["piece_liee_id"])


def downgrade() -> None:
    op.drop_table("avertissement")
    with op.batch_alter_table("lecture_fichier") as table:
        table.drop_index("ix_lecture_fichier_naissance_lue")
        table.drop_column("empreinte")
        table.drop_column("naissance_lue")
