"""Preferences of a campaign that the bureau sets in the application, never a package: who signs
the letters, and which gestionnaire covers which spécialité; and the size limit, which a
package also brings. No Qt."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.documents.constats import Inspection
from desktop_app.documents.store import ContentStore
from desktop_app.documents.worker import Atelier, Demande
from desktop_app.models import Affectation, Candidature, Depot, Piece
from desktop_app.models.database import Database
from desktop_app.services.progression import Progression
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


@dataclass(frozen=True)
class NouvelleTaille:
    rejuges: int  # deposits larger than the lower of the two limits, inspected again
    devenus_non_recevables: int
    devenus_recevables: int

    def resume(self) -> str:
        return (
            f"{self.rejuges} fichier(s) déjà importé(s) jugé(s) à nouveau : "
            f"{self.devenus_non_recevables} devenu(s) non recevable(s), "
            f"{self.devenus_recevables} devenu(s) recevable(s)"
        )


def _juger_a_nouveau(
    db: Database,
    store: ContentStore,
    campagne_id: int,
    ancienne: int,
    nouvelle: int,
    atelier: Atelier,
    progression: Progression | None,
) -> dict[int, Inspection]:
    """The verdicts, under the new limit, of the deposits it concerns: the files larger than
    the lower of the two limits (between the two, a verdict can change; above both, the refusal
    must name the new limit; those are refused by their size alone, without parsing)."""
    bas = min(ancienne, nouvelle)
    with db.read() as session:
        formats = tuple(campagne_de(session, campagne_id).formats)
        concernes = session.execute(
            select(Depot.id, Depot.sha256)
            .join(Piece, Depot.piece_id == Piece.id)
            .join(Candidature, Piece.candidature_id == Candidature.id)
            .where(
                Candidature.campagne_id == campagne_id,
                Depot.sha256.is_not(None),
                Depot.taille > bas,
            )
        ).all()
    for depot_id, sha256 in concernes:
        if store.has(sha256):
            chemin = str(store.path(sha256))
            atelier.soumettre_requete(Demande(str(depot_id), chemin, nouvelle, formats))
    verdicts: dict[int, Inspection] = {}
    for cle, inspection in atelier.resultats():
        verdicts[int(cle)] = inspection
        if progression is not None:
            progression(len(verdicts), len(concernes), "Fichiers jugés à nouveau")
    return verdicts


def _appliquer(session: Session, verdicts: dict[int, Inspection]) -> NouvelleTaille:
    perdus = gagnes = 0
    for depot in session.scalars(select(Depot).where(Depot.id.in_(verdicts))):
        inspection = verdicts[depot.id]
        perdus += depot.recevable and not inspection.recevable
        gagnes += inspection.recevable and not depot.recevable
        depot.recevable, depot.motif = inspection.recevable, inspection.motif
        depot.format = inspection.format or depot.format
    return NouvelleTaille(len(verdicts), perdus, gagnes)


def changer_taille_max(
    db: Database,
    store: ContentStore,
    campagne_id: int,
    octets: int,
    atelier: Atelier,
    progression: Progression | None = None,
) -> NouvelleTaille:
    """Set the campaign's size limit and judge again, in the workers, the deposits it concerns.
    Existing statuses are kept (the history says what was decided and when); the rules apply
    to the decisions to come."""
    if octets < 1:
        raise ValueError("la taille maximale doit être positive")
    with db.read() as session:
        ancienne = campagne_de(session, campagne_id).taille_max_octets
    verdicts = _juger_a_nouveau(db, store, campagne_id, ancienne, octets, atelier, progression)
    with db.write() as session:
        campagne_de(session, campagne_id).taille_max_octets = octets
        return _appliquer(session, verdicts)


def juger_a_nouveau(
    db: Database,
    store: ContentStore,
    campagne_id: int,
    ancienne: int,
    atelier: Atelier,
    progression: Progression | None = None,
) -> NouvelleTaille:
    """After a package changed the campaign's limit from ``ancienne``: the files imported
    before are judged again under the limit it brought."""
    with db.read() as session:
        nouvelle = campagne_de(session, campagne_id).taille_max_octets
    verdicts = _juger_a_nouveau(db, store, campagne_id, ancienne, nouvelle, atelier, progression)
    with db.write() as session:
        return _appliquer(session, verdicts)
