"""The persistent domain (SQLAlchemy 2). Qt item models live in ``desktop_app.views``."""

from desktop_app.models.entities import (
    DECIDE,
    Affectation,
    Avertissement,
    Base,
    Campagne,
    Candidat,
    Candidature,
    Decision,
    Depot,
    ImportPaquet,
    LectureFichier,
    Piece,
    PieceCatalogue,
    Purge,
)
from desktop_app.models.enums import AUCUN_STATUT, Modalite, SourceDecision, Statut, libelle_statut

__all__ = [
    "AUCUN_STATUT",
    "DECIDE",
    "Affectation",
    "Avertissement",
    "Base",
    "Campagne",
    "Candidat",
    "Candidature",
    "Decision",
    "Depot",
    "ImportPaquet",
    "LectureFichier",
    "Modalite",
    "Piece",
    "PieceCatalogue",
    "Purge",
    "SourceDecision",
    "Statut",
    "libelle_statut",
]
