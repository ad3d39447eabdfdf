"""Search and quick filters over the candidature list, in Python: at 100,000 rows a loop over
precomputed keys takes milliseconds, where a QSortFilterProxyModel over a Python model takes
seconds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.services.normalisation import normaliser, normaliser_tous
from desktop_app.services.regles import EtatDossier, etat_dossier
from desktop_app.services.requetes import LigneCandidature


def _texte_cherche(ligne: LigneCandidature) -> str:
    return f"{ligne.n_candidat} {ligne.nom} {ligne.nom_usage} {ligne.prenoms}"


def cle(ligne: LigneCandidature) -> str:
    """What a search is matched against: number, names, prénoms (normalised)."""
    return normaliser(_texte_cherche(ligne))


def cles(lignes: Iterable[LigneCandidature]) -> list[str]:
    """``cle`` of every row, at once."""
    return normaliser_tous(map(_texte_cherche, lignes))


def correspond(recherche: str) -> Callable[[str], bool]:
    """Every word of the search is in the key ("hel dup" finds DUPONT Hélène)."""
    mots = normaliser(recherche).split()
    if len(mots) == 1:
        mot = mots[0]
        return lambda k: mot in k
    return lambda k: all(m in k for m in mots)


@dataclass(frozen=True)
class Filtre:
    """A quick filter of the list: its label, and which rows it keeps."""

    libelle: str
    garde: Callable[[LigneCandidature, EtatDossier], bool]


def etat_de(ligne: LigneCandidature, cloture_passee: bool) -> EtatDossier:
    return etat_dossier(
        *ligne.compteurs, sans_fichier=ligne.sans_fichier, cloture_passee=cloture_passee
    )


def etats(lignes: Iterable[LigneCandidature], cloture_passee: bool) -> list[EtatDossier]:
    """``etat_de`` of every row; dossiers with the same counters share one computation."""
    connus: dict[tuple[Any, ...], EtatDossier] = {}
    resultat = []
    for ligne in lignes:
        compteurs = (*ligne.compteurs, ligne.sans_fichier)
        etat = connus.get(compteurs)
        if etat is None:
            etat = connus[compteurs] = etat_de(ligne, cloture_passee)
        resultat.append(etat)
    return resultat


FILTRES: tuple[Filtre, ...] = (
    Filtre("Toutes les candidatures", lambda r, e: True),
    Filtre("À contrôler", lambda r, e: e == EtatDossier.A_CONTROLER),
    Filtre("Avec une pièce non conforme", lambda r, e: r.non_conformes > 0),
    Filtre("Avec un fichier non recevable", lambda r, e: r.non_recevables > 0),
    Filtre("Avec un avertissement automatique à voir", lambda r, e: r.a_voir > 0),
    Filtre("En attente du candidat", lambda r, e: e == EtatDossier.ATTENTE_CANDIDAT),
    Filtre("Incomplets (clôture passée)", lambda r, e: e == EtatDossier.INCOMPLET),
    Filtre("Complets", lambda r, e: e == EtatDossier.COMPLET),
)


def filtrer(
    lignes: Sequence[LigneCandidature],
    cles: Sequence[str],
    etats: Sequence[EtatDossier],
    recherche: str,
    filtre: Filtre,
    specialites: frozenset[str] | None,
    ordre: Iterable[int] | None = None,
) -> list[int]:
    """The indices of the rows kept by the search, the quick filter and the spécialités
    (None: all), taken in ``ordre`` (by default, the rows' own order). ``cles`` and ``etats``
    are aligned with ``lignes``."""
    garde_texte = correspond(recherche) if recherche.strip() else None
    garde = None if filtre is FILTRES[0] else filtre.garde
    indices = range(len(lignes)) if ordre is None else ordre
    if garde_texte is None and garde is None and specialites is None:
        return list(indices)
    resultat = []
    for i in indices:
        if garde_texte is not None and not garde_texte(cles[i]):
            continue
        ligne = lignes[i]
        if specialites is not None and ligne.specialite not in specialites:
            continue
        if garde is not None and not garde(ligne, etats[i]):
            continue
        resultat.append(i)
    return resultat
