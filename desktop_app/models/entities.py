"""The persistent domain, as SQLAlchemy 2 ORM entities. No Qt here.

All timestamps are stored in UTC (naive UTC datetimes for SQLite portability, see ``UtcDateTime``);
calendar dates (date de naissance, date de réception) are plain dates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from desktop_app.models.enums import Modalite, SourceDecision, Statut


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime in Python, stored as UTC; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("horodatage sans fuseau horaire")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: object
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _enum(cls: type) -> Enum:
    # Stored by name (ASCII, stable), shown by value (the French label).
    return Enum(cls, native_enum=False, length=40, validate_strings=True)


class Base(DeclarativeBase):
    pass


class Campagne(Base):
    __tablename__ = "campagne"

    id: Mapped[int] = mapped_column(primary_key=True)
    examen: Mapped[str] = mapped_column(String(20))
    libelle: Mapped[str] = mapped_column(String(200), default="")
    session: Mapped[str] = mapped_column(String(10))
    academie: Mapped[str] = mapped_column(String(100))
    cloture: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    taille_max_octets: Mapped[int] = mapped_column(BigInteger, default=5 * 1024 * 1024)
    formats: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["pdf", "jpeg"])
    extra: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    # Who signs the letters (services.courriers.Bureau): set in the application, never by a
    # package (fifth migration).
    bureau: Mapped[dict[str, str] | None] = mapped_column(JSON)

    catalogue: Mapped[list[PieceCatalogue]] = relationship(
        back_populates="campagne", order_by="PieceCatalogue.id"
    )

    __table_args__ = (UniqueConstraint("examen", "session", "academie", name="uq_campagne"),)

    @property
    def titre(self) -> str:
        """« Baccalauréat professionnel 2024 — académie de Clermont-Ferrand »."""
        return f"{self.libelle or self.examen} {self.session} — académie de {self.academie}"


class Affectation(Base):
    """A spécialité of the campaign and the gestionnaire who covers it (seed 001)."""

    __tablename__ = "affectation"

    campagne_id: Mapped[int] = mapped_column(
        ForeignKey("campagne.id", ondelete="CASCADE"), primary_key=True
    )
    specialite: Mapped[str] = mapped_column(String(300), primary_key=True)
    gestionnaire: Mapped[str] = mapped_column(String(200))


class PieceCatalogue(Base):
    """A pièce the campaign may ask for: code, libellé, regroupement, modalité, deposit window."""

    __tablename__ = "piece_catalogue"

    id: Mapped[int] = mapped_column(primary_key=True)
    campagne_id: Mapped[int] = mapped_column(ForeignKey("campagne.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    libelle: Mapped[str] = mapped_column(String(300))
    regroupement: Mapped[str] = mapped_column(String(200), default="")
    modalite: Mapped[Modalite] = mapped_column(_enum(Modalite), default=Modalite.EN_LIGNE)
    debut: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    fin: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    campagne: Mapped[Campagne] = relationship(back_populates="catalogue")

    __table_args__ = (UniqueConstraint("campagne_id", "code", name="uq_catalogue_code"),)


class Candidat(Base):
    """A person. The N° candidat (11 digits) identifies them across campaigns."""

    __tablename__ = "candidat"

    id: Mapped[int] = mapped_column(primary_key=True)
    n_candidat: Mapped[str] = mapped_column(String(11), unique=True)
    civilite: Mapped[str] = mapped_column(String(10), default="")
    nom_naissance: Mapped[str] = mapped_column(String(200))
    nom_usage: Mapped[str] = mapped_column(String(200), default="")
    prenoms: Mapped[str] = mapped_column(String(200))
    date_naissance: Mapped[dt.date | None] = mapped_column(Date)
    commune_naissance: Mapped[str] = mapped_column(String(200), default="")
    departement_naissance: Mapped[str] = mapped_column(String(100), default="")
    pays_naissance: Mapped[str] = mapped_column(String(100), default="")
    nationalite: Mapped[str] = mapped_column(String(100), default="")
    adresse: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(300), default="")
    telephone: Mapped[str] = mapped_column(String(50), default="")
    ine: Mapped[str] = mapped_column(String(20), default="")


class Candidature(Base):
    """A candidat's registration (inscription) to one campaign."""

    __tablename__ = "candidature"

    id: Mapped[int] = mapped_column(primary_key=True)
    campagne_id: Mapped[int] = mapped_column(ForeignKey("campagne.id", ondelete="CASCADE"))
    candidat_id: Mapped[int] = mapped_column(ForeignKey("candidat.id"))
    n_inscription: Mapped[str] = mapped_column(String(3))
    specialite: Mapped[str] = mapped_column(String(300), default="")
    code_specialite: Mapped[str] = mapped_column(String(20), default="")
    categorie: Mapped[str] = mapped_column(String(200), default="")
    etablissement: Mapped[str] = mapped_column(String(300), default="")
    uai: Mapped[str] = mapped_column(String(10), default="")
    forme_passage: Mapped[str] = mapped_column(String(20), default="")
    handicap: Mapped[bool | None] = mapped_column(Boolean)
    vae: Mapped[bool | None] = mapped_column(Boolean)
    eps: Mapped[str] = mapped_column(String(20), default="")  # apte / inapte, when known
    acquis: Mapped[str] = mapped_column(Text, default="")  # bénéfices de notes, dispenses
    version: Mapped[int | None] = mapped_column(Integer)
    etat: Mapped[str] = mapped_column(String(100), default="")
    # How many of its pièces are at each status. Kept exact by triggers on `piece` (first
    # migration), whatever writes a pièce: the list of 100,000 candidatures reads them directly.
    pieces_sans_statut: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pieces_recues: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pieces_non_conformes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pieces_conformes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pieces_attente_pj: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pieces_attente_controle: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Pièces without status and without any file: they await the candidate (fourth migration).
    pieces_sans_fichier: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The latest date de dépôt of its files, kept by a trigger on `depot` (third migration).
    dernier_depot: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    candidat: Mapped[Candidat] = relationship()
    pieces: Mapped[list[Piece]] = relationship(back_populates="candidature", order_by="Piece.id")

    __table_args__ = (
        UniqueConstraint("campagne_id", "candidat_id", "n_inscription", name="uq_candidature"),
        Index("ix_candidature_candidat", "candidat_id"),
    )


class Piece(Base):
    """A pièce justificative asked of a candidature, with its current decision."""

    __tablename__ = "piece"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidature_id: Mapped[int] = mapped_column(ForeignKey("candidature.id", ondelete="CASCADE"))
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("piece_catalogue.id"))
    statut: Mapped[Statut | None] = mapped_column(_enum(Statut))
    date_reception: Mapped[dt.date | None] = mapped_column(Date)
    commentaire: Mapped[str] = mapped_column(Text, default="")
    date_validation: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # Optimistic concurrency: every UPDATE checks and bumps it (team mode on PostgreSQL).
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    candidature: Mapped[Candidature] = relationship(back_populates="pieces")
    catalogue: Mapped[PieceCatalogue] = relationship()
    depots: Mapped[list[Depot]] = relationship(back_populates="piece", order_by="Depot.id")
    decisions: Mapped[list[Decision]] = relationship(back_populates="piece", order_by="Decision.id")

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012 - SQLAlchemy's documented form
    __table_args__ = (
        UniqueConstraint("candidature_id", "catalogue_id", name="uq_piece"),
        # Covering index for the per-status counts of the candidature list.
        Index("ix_piece_candidature_statut", "candidature_id", "statut"),
    )


class Depot(Base):
    """One file deposited for a pièce. Files of the same ``tour`` were deposited together;
    a new tour starts when the candidate deposits a different file (after a Non conforme)."""

    __tablename__ = "depot"

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("piece.id", ondelete="CASCADE"))
    tour: Mapped[int] = mapped_column(Integer, default=1)
    nom_original: Mapped[str] = mapped_column(String(500))
    chemin_paquet: Mapped[str] = mapped_column(String(1000), default="")
    sha256: Mapped[str | None] = mapped_column(String(64))  # None: the file was not there
    taille: Mapped[int | None] = mapped_column(BigInteger)
    format: Mapped[str | None] = mapped_column(String(20))  # what the bytes are
    date_depot: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    recevable: Mapped[bool] = mapped_column(Boolean)
    motif: Mapped[str] = mapped_column(Text, default="")  # why it is not recevable, in French
    importe_le: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    # How the gestionnaire turned it on screen (0, 90, 180, 270); the file is never modified.
    rotation_affichage: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")

    piece: Mapped[Piece] = relationship(back_populates="depots")

    __table_args__ = (
        Index("ix_depot_piece", "piece_id", "tour"),
        Index("ix_depot_sha256", "sha256"),
        # The few non recevable files, found without reading every deposit.
        Index(
            "ix_depot_non_recevable",
            "piece_id",
            "tour",
            sqlite_where=text("recevable = 0"),
            postgresql_where=text("NOT recevable"),
        ),
    )


class Decision(Base):
    """Append-only history of a pièce's status: written in the same transaction as the change.

    The database refuses UPDATE and DELETE on this table (triggers of the first migration), and
    each entry is chained to the previous one by its hash (services.audit)."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("piece.id", ondelete="RESTRICT"))
    gestionnaire: Mapped[str] = mapped_column(String(200))
    horodatage: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ancien_statut: Mapped[Statut | None] = mapped_column(_enum(Statut))
    nouveau_statut: Mapped[Statut | None] = mapped_column(_enum(Statut))
    commentaire: Mapped[str] = mapped_column(Text, default="")
    date_reception: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[SourceDecision] = mapped_column(_enum(SourceDecision))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_paquet.id"))
    # The sha256 of the pièce's current files when decided here, sorted, comma-separated (in
    # the chain since schema 0007; None before, and for imported statuses).
    fichiers: Mapped[str | None] = mapped_column(Text)
    # The audit chain (models/chaine.py): the previous entry's hash and this one's.
    empreinte_precedente: Mapped[str | None] = mapped_column(String(64))
    empreinte: Mapped[str | None] = mapped_column(String(64))

    piece: Mapped[Piece] = relationship(back_populates="decisions")

    __table_args__ = (Index("ix_decision_piece", "piece_id", "id"),)


# The history entries that decide a pièce's status. A correction of a value read in a file
# (LECTURE) is in the history and its chain, but decides nothing: the status's author, the undo,
# the import's conflicts, the dashboard's counts and the verification look past it.
DECIDE = Decision.source != SourceDecision.LECTURE


class LectureFichier(Base):
    """What the reading found in a stored file (documents.lecture), by the file's sha256: the
    same file deposited twice is read once. ``version``: the reader's; an older one is read
    again. Holds personal data: removed with the last deposit of its file (purge).
    ``naissance_lue`` (the holder's birth date read, ISO) and ``empreinte`` (the first page's
    fingerprint) are the reading's, kept in columns so that a re-scan of the same paper is
    looked for among one holder's documents only."""

    __tablename__ = "lecture_fichier"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    resultat: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    lu_le: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    naissance_lue: Mapped[str | None] = mapped_column(String(10), index=True)
    empreinte: Mapped[int | None] = mapped_column(BigInteger)


class Avertissement(Base):
    """What the application found by itself on a deposited file, kept so that the list can
    show the dossiers with one nobody has looked at and the dashboard can count them:
    ``origine`` « lecture » (the reading differs from the candidature), « réutilisation »
    (the same file or paper deposited elsewhere) or « inspection » (the file's own
    avertissements). ``vu_le`` / ``vu_par``: set by the first decision on the pièce after it
    was found. ``piece_liee_id``: the other pièce a reuse names (its candidate's name is in the
    message): removed with it, as with its own deposit, so that a purge leaves no name."""

    __tablename__ = "avertissement"

    id: Mapped[int] = mapped_column(primary_key=True)
    depot_id: Mapped[int] = mapped_column(ForeignKey("depot.id", ondelete="CASCADE"))
    origine: Mapped[str] = mapped_column(String(20))
    genre: Mapped[str] = mapped_column(String(60))  # what kind, as the dashboard counts it
    message: Mapped[str] = mapped_column(Text)
    cree_le: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    vu_le: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    vu_par: Mapped[str] = mapped_column(String(200), default="")
    piece_liee_id: Mapped[int | None] = mapped_column(ForeignKey("piece.id", ondelete="CASCADE"))

    __table_args__ = (
        Index("ix_avertissement_depot", "depot_id"),
        Index("ix_avertissement_piece_liee", "piece_liee_id"),
        Index("ix_avertissement_non_vu", "vu_le"),
    )


class ImportPaquet(Base):
    """One import of a dossier package: when, what, and the report shown to the user."""

    __tablename__ = "import_paquet"

    id: Mapped[int] = mapped_column(primary_key=True)
    campagne_id: Mapped[int] = mapped_column(ForeignKey("campagne.id", ondelete="CASCADE"))
    horodatage: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    paquet: Mapped[str] = mapped_column(String(1000))
    rapport: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class Purge(Base):
    """A campaign purged (its candidates' personal data removed): when, by whom, what went,
    and the history's head before and after (the rest of the history chained again)."""

    __tablename__ = "purge"

    id: Mapped[int] = mapped_column(primary_key=True)
    horodatage: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    gestionnaire: Mapped[str] = mapped_column(String(200))
    campagne: Mapped[str] = mapped_column(String(500))
    retraits: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    tete_avant: Mapped[str] = mapped_column(String(200))
    tete_apres: Mapped[str] = mapped_column(String(200))
