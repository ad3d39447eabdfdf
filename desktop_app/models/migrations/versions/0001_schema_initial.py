"""Initial schema: campaign, catalogue, candidats, candidatures, pièces, deposits, decisions.

The decision table is append-only: the database itself refuses UPDATE and DELETE on it.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 15:28:53.879512
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('campagne',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('examen', sa.String(length=20), nullable=False),
    sa.Column('libelle', sa.String(length=200), nullable=False),
    sa.Column('session', sa.String(length=10), nullable=False),
    sa.Column('academie', sa.String(length=100), nullable=False),
    sa.Column('cloture', sa.DateTime(timezone=True), nullable=True),
    sa.Column('taille_max_octets', sa.BigInteger(), nullable=False),
    sa.Column('formats', sa.JSON(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('examen', 'session', 'academie', name='uq_campagne')
    )
    op.create_table('candidat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('n_candidat', sa.String(length=11), nullable=False),
    sa.Column('civilite', sa.String(length=10), nullable=False),
    sa.Column('nom_naissance', sa.String(length=200), nullable=False),
    sa.Column('nom_usage', sa.String(length=200), nullable=False),
    sa.Column('prenoms', sa.String(length=200), nullable=False),
    sa.Column('date_naissance', sa.Date(), nullable=True),
    sa.Column('commune_naissance', sa.String(length=200), nullable=False),
    sa.Column('departement_naissance', sa.String(length=100), nullable=False),
    sa.Column('pays_naissance', sa.String(length=100), nullable=False),
    sa.Column('nationalite', sa.String(length=100), nullable=False),
    sa.Column('adresse', sa.Text(), nullable=False),
    sa.Column('email', sa.String(length=300), nullable=False),
    sa.Column('telephone', sa.String(length=50), nullable=False),
    sa.Column('ine', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('n_candidat')
    )
    op.create_table('candidature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campagne_id', sa.Integer(), nullable=False),
    sa.Column('candidat_id', sa.Integer(), nullable=False),
    sa.Column('n_inscription', sa.String(length=3), nullable=False),
    sa.Column('specialite', sa.String(length=300), nullable=False),
    sa.Column('code_specialite', sa.String(length=20), nullable=False),
    sa.Column('categorie', sa.String(length=200), nullable=False),
    sa.Column('etablissement', sa.String(length=300), nullable=False),
    sa.Column('uai', sa.String(length=10), nullable=False),
    sa.Column('forme_passage', sa.String(length=20), nullable=False),
    sa.Column('handicap', sa.Boolean(), nullable=True),
    sa.Column('vae', sa.Boolean(), nullable=True),
    sa.Column('eps', sa.String(length=20), nullable=False),
    sa.Column('acquis', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('etat', sa.String(length=100), nullable=False),
    sa.Column('pieces_sans_statut', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pieces_recues', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pieces_non_conformes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pieces_conformes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pieces_attente_pj', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pieces_attente_controle', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['campagne_id'], ['campagne.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['candidat_id'], ['candidat.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campagne_id', 'candidat_id', 'n_inscription', name='uq_candidature')
    )
    with op.batch_alter_table('candidature', schema=None) as batch_op:
        batch_op.create_index('ix_candidature_candidat', ['candidat_id'], unique=False)

    op.create_table('import_paquet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campagne_id', sa.Integer(), nullable=False),
    sa.Column('horodatage', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paquet', sa.String(length=1000), nullable=False),
    sa.Column('rapport', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['campagne_id'], ['campagne.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('piece_catalogue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campagne_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('libelle', sa.String(length=300), nullable=False),
    sa.Column('regroupement', sa.String(length=200), nullable=False),
    sa.Column('modalite', sa.Enum('EN_LIGNE', 'POSTAL', 'AUTRE', name='modalite', native_enum=False, length=40), nullable=False),
    sa.Column('debut', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fin', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campagne_id'], ['campagne.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campagne_id', 'code', name='uq_catalogue_code')
    )
    op.create_table('piece',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidature_id', sa.Integer(), nullable=False),
    sa.Column('catalogue_id', sa.Integer(), nullable=False),
    sa.Column('statut', sa.Enum('RECUE', 'NON_CONFORME', 'CONFORME', 'EN_ATTENTE_NOUVELLE_PJ', 'EN_ATTENTE_CONTROLE', name='statut', native_enum=False, length=40), nullable=True),
    sa.Column('date_reception', sa.Date(), nullable=True),
    sa.Column('commentaire', sa.Text(), nullable=False),
    sa.Column('date_validation', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['candidature_id'], ['candidature.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['catalogue_id'], ['piece_catalogue.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('candidature_id', 'catalogue_id', name='uq_piece')
    )
    with op.batch_alter_table('piece', schema=None) as batch_op:
        batch_op.create_index('ix_piece_candidature_statut', ['candidature_id', 'statut'], unique=False)

    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('piece_id', sa.Integer(), nullable=False),
    sa.Column('gestionnaire', sa.String(length=200), nullable=False),
    sa.Column('horodatage', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ancien_statut', sa.Enum('RECUE', 'NON_CONFORME', 'CONFORME', 'EN_ATTENTE_NOUVELLE_PJ', 'EN_ATTENTE_CONTROLE', name='statut', native_enum=False, length=40), nullable=True),
    sa.Column('nouveau_statut', sa.Enum('RECUE', 'NON_CONFORME', 'CONFORME', 'EN_ATTENTE_NOUVELLE_PJ', 'EN_ATTENTE_CONTROLE', name='statut', native_enum=False, length=40), nullable=True),
    sa.Column('commentaire', sa.Text(), nullable=False),
    sa.Column('date_reception', sa.Date(), nullable=True),
    sa.Column('source', sa.Enum('LOCALE', 'IMPORT', name='sourcedecision', native_enum=False, length=40), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['import_paquet.id'], ),
    sa.ForeignKeyConstraint(['piece_id'], ['piece.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index('ix_decision_piece', ['piece_id', 'id'], unique=False)

    op.create_table('depot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('piece_id', sa.Integer(), nullable=False),
    sa.Column('tour', sa.Integer(), nullable=False),
    sa.Column('nom_original', sa.String(length=500), nullable=False),
    sa.Column('chemin_paquet', sa.String(length=1000), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('taille', sa.BigInteger(), nullable=True),
    sa.Column('format', sa.String(length=20), nullable=True),
    sa.Column('date_depot', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recevable', sa.Boolean(), nullable=False),
    sa.Column('motif', sa.Text(), nullable=False),
    sa.Column('importe_le', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['piece_id'], ['piece.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('depot', schema=None) as batch_op:
        batch_op.create_index('ix_depot_piece', ['piece_id', 'tour'], unique=False)
        batch_op.create_index('ix_depot_sha256', ['sha256'], unique=False)
    _append_only_decisions()
    _status_counters()


# Stored status (enum name) -> counter column of candidature. None: no status yet.
COUNTERS = {
    None: "pieces_sans_statut",
    "RECUE": "pieces_recues",
    "NON_CONFORME": "pieces_non_conformes",
    "CONFORME": "pieces_conformes",
    "EN_ATTENTE_NOUVELLE_PJ": "pieces_attente_pj",
    "EN_ATTENTE_CONTROLE": "pieces_attente_controle",
}


def _counter_update(row: str, sign: str, dialect: str) -> str:
    def test(status: str | None) -> str:
        value = "NULL" if status is None else f"'{status}'"
        if dialect == "postgresql":
            return f"({row}.statut IS NOT DISTINCT FROM {value})::int"
        return f"({row}.statut IS {value})"

    sets = ", ".join(f"{col} = {col} {sign} {test(status)}" for status, col in COUNTERS.items())
    return f"UPDATE candidature SET {sets} WHERE id = {row}.candidature_id;"


def _status_counters() -> None:
    """Keep candidature's per-status counters exact on every INSERT, UPDATE and DELETE of a
    pièce, whichever code writes it."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER piece_compteurs_insert AFTER INSERT ON piece BEGIN "
            + _counter_update("NEW", "+", dialect) + " END"
        )
        op.execute(
            "CREATE TRIGGER piece_compteurs_delete AFTER DELETE ON piece BEGIN "
            + _counter_update("OLD", "-", dialect) + " END"
        )
        op.execute(
            "CREATE TRIGGER piece_compteurs_update AFTER UPDATE OF statut, candidature_id "
            "ON piece BEGIN " + _counter_update("OLD", "-", dialect)
            + " " + _counter_update("NEW", "+", dialect) + " END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION piece_compteurs() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP IN ('UPDATE', 'DELETE') THEN " + _counter_update("OLD", "-", dialect)
            + " END IF; IF TG_OP IN ('UPDATE', 'INSERT') THEN "
            + _counter_update("NEW", "+", dialect) + " END IF; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER piece_compteurs AFTER INSERT OR DELETE OR UPDATE OF statut, "
            "candidature_id ON piece FOR EACH ROW EXECUTE FUNCTION piece_compteurs()"
        )


def _append_only_decisions() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER decision_no_{action.lower()} BEFORE {action} ON decision "
                "BEGIN SELECT RAISE(ABORT, 'historique des décisions en ajout seul'); END"
            )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION decision_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'historique des décisions en ajout seul'; END $$"
        )
        op.execute(
            "CREATE TRIGGER decision_append_only BEFORE UPDATE OR DELETE ON decision "
            "FOR EACH ROW EXECUTE FUNCTION decision_append_only()"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS piece_compteurs_{name}")
        op.execute("DROP TRIGGER IF EXISTS decision_no_update")
        op.execute("DROP TRIGGER IF EXISTS decision_no_delete")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS piece_compteurs ON piece")
        op.execute("DROP FUNCTION IF EXISTS piece_compteurs()")
        op.execute("DROP TRIGGER IF EXISTS decision_append_only ON decision")
        op.execute("DROP FUNCTION IF EXISTS decision_append_only()")
    
    with op.batch_alter_table('depot', schema=None) as batch_op:
        batch_op.drop_index('ix_depot_sha256')
        batch_op.drop_index('ix_depot_piece')

    op.drop_table('depot')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index('ix_decision_piece')

    op.drop_table('decision')
    with op.batch_alter_table('piece', schema=None) as batch_op:
        batch_op.drop_index('ix_piece_candidature_statut')

    op.drop_table('piece')
    op.drop_table('piece_catalogue')
    op.drop_table('import_paquet')
    with op.batch_alter_table('candidature', schema=None) as batch_op:
        batch_op.drop_index('ix_candidature_candidat')

    op.drop_table('candidature')
    op.drop_table('candidat')
    op.drop_table('campagne')

