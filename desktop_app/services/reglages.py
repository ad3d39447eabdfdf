"""Settings of a campaign that the bureau sets in the application, never a package: who signs
the letters, and which gestionnaire covers which spécialité. No Qt."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.models import Affectation
from desktop_app.services.requetes import campagne_de


@dataclass(frozen=True)
class Bureau:
    """The sender of the letters: heading, address, contact, and the signature line."""

    nom: str = ""  # « Rectorat de l'académie de Clermont-Ferrand »
    service: str = "Division des examens et concours"
    adresse: str = ""  # several lines
    contact: str = ""  # telephone, mail, opening hours
    ville: str = ""  # « Clermont-Ferrand, le 22/11/2026 »
    signature: str = "Le chef du bureau des examens"

    @property
    def complet(self) -> bool:
        """Enough to send a letter: a name, an address and a contact."""
        return bool(self.nom.strip() and self.adresse.strip() and self.contact.strip())


def bureau_de(session: Session, campagne_id: int) -> Bureau:
    campagne = campagne_de(session, campagne_id)
    connus = {f.name for f in fields(Bureau)}
    valeurs = {k: str(v) for k, v in (campagne.bureau or {}).items() if k in connus}
    valeurs.setdefault("nom", f"Rectorat de l'académie de {campagne.academie}")
    valeurs.setdefault("ville", campagne.academie)
    return Bureau(**valeurs)


def enregistrer_bureau(session: Session, campagne_id: int, bureau: Bureau) -> None:
    """Call inside ``Database.write()``."""
    campagne = campagne_de(session, campagne_id)
    campagne.bureau = {k: v.strip() for k, v in asdict(bureau).items()}


def affectations(session: Session, campagne_id: int) -> dict[str, str]:
    """Spécialité -> gestionnaire, for the spécialités that have one."""
    query = (
        select(Affectation.specialite, Affectation.gestionnaire)
        .where(Affectation.campagne_id == campagne_id)
        .order_by(Affectation.specialite)
    )
    return {specialite: gestionnaire for specialite, gestionnaire in session.execute(query)}


def affecter(session: Session, campagne_id: int, nouvelles: dict[str, str]) -> None:
    """Replace the assignment of these spécialités (an empty name: nobody). Call inside
    ``Database.write()``; the manager's reassignment is one transaction."""
    session.execute(
        delete(Affectation).where(
            Affectation.campagne_id == campagne_id,
            Affectation.specialite.in_(list(nouvelles)),
        )
    )
    session.add_all(
        Affectation(campagne_id=campagne_id, specialite=s, gestionnaire=g.strip())
        for s, g in nouvelles.items()
        if g.strip()
    )


def specialites_de(session: Session, campagne_id: int, gestionnaire: str) -> list[str]:
    """The spécialités assigned to this gestionnaire (« mes dossiers »)."""
    return sorted(
        s for s, g in affectations(session, campagne_id).items() if g == gestionnaire.strip()
    )
