"""Enumerations of the domain. Their values are exactly the French labels of DOMAIN.md."""

from __future__ import annotations

import enum


class Statut(enum.Enum):
    """Status of a pièce. ``None`` in the database means *(aucun)*: not looked at yet."""

    RECUE = "Reçue"
    NON_CONFORME = "Non conforme"
    CONFORME = "Conforme"
    EN_ATTENTE_NOUVELLE_PJ = "En attente d'une nouvelle PJ"
    EN_ATTENTE_CONTROLE = "En attente de contrôle"

    @property
    def libelle(self) -> str:
        return self.value


AUCUN_STATUT = "Aucun statut"


def libelle_statut(statut: Statut | None) -> str:
    return statut.value if statut is not None else AUCUN_STATUT


class Modalite(enum.Enum):
    """How a pièce is returned (modalité de dépôt)."""

    EN_LIGNE = "en_ligne"
    POSTAL = "postal"
    AUTRE = "autre"

    @property
    def libelle(self) -> str:
        return {
            Modalite.EN_LIGNE: "Dépôt en ligne",
            Modalite.POSTAL: "Envoi par voie postale",
            Modalite.AUTRE: "Autre modalité",
        }[self]


class SourceDecision(enum.Enum):
    """Who wrote a decision row: a gestionnaire in this application, or an imported package;
    ANNULATION: a gestionnaire here undid the decision before it (the pièce got back the status
    that decision replaced, and that status's author stays its author). LECTURE: a gestionnaire
    corrected a value read in one of the pièce's files (services.lecture); the status is
    unchanged, and such an entry is no decision on it: only the history shows it."""

    LOCALE = "locale"
    IMPORT = "import"
    ANNULATION = "annulation"
    LECTURE = "lecture"
