"""Search and quick filters over the candidature list, in Python: at 100,000 rows a list
comprehension over precomputed keys takes milliseconds, where a QSortFilterProxyModel over a
Python model takes seconds."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop_app.services.regles import EtatDossier, etat_dossier
from desktop_app.services.requetes import LigneCandidature


def _table_sans_accents() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):  # Latin-1 supplement and Latin Extended-A/B
        caractere = chr(code)
        decompose = unicodedata.normalize("NFKD", caractere)
        base = "".join(c for c in decompose if not unicodedata.combining(c))
        if base != caractere:
            table[code] = base
    table.update({ord("œ"): "oe", ord("Œ"): "oe", ord("æ"): "ae", ord("Æ"): "ae", ord("ß"): "ss"})
    table.update({ord(c): " " for c in "-'’"})  # "Jean-Pierre", "N'Diaye": words
    return table


_SANS_ACCENTS = _table_sans_accents()


def normaliser(texte: str) -> str:
    """Lower case, without accents, hyphens and apostrophes as spaces: "Hélène" -> "helene"."""
    return texte.lower().translate(_SANS_ACCENTS)


def cle(ligne: LigneCandidature) -> str:
    """What a search is matched against: number, names, prénoms (normalised)."""
    return normaliser(
        f"{ligne.n_candidat} {ligne.nom} {ligne.nom_usage} {ligne.prenoms} {ligne.prenoms}"
    )


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
    return etat_dossier(*ligne.compteurs, cloture_passee=cloture_passee)


FILTRES: tuple[Filtre, ...] = (
    Filtre("Toutes les candidatures", lambda r, e: True),
    Filtre("À contrôler", lambda r, e: e == EtatDossier.A_CONTROLER),
    Filtre("Avec une pièce non conforme", lambda r, e: r.non_conformes > 0),
    Filtre("Avec un fichier non recevable", lambda r, e: r.non_recevables > 0),
    Filtre("En attente du candidat", lambda r, e: e == EtatDossier.ATTENTE_CANDIDAT),
    Filtre("Incomplets (clôture passée)", lambda r, e: e == EtatDossier.INCOMPLET),
    Filtre("Complets", lambda r, e: e == EtatDossier.COMPLET),
)


def filtrer(
    lignes: Sequence[LigneCandidature],
    cles: Sequence[str],
    recherche: str,
    filtre: Filtre,
    specialites: frozenset[str] | None,
    cloture_passee: bool,
) -> list[LigneCandidature]:
    """The rows kept by the search, the quick filter and the spécialités (None: all), in the
    order given."""
    garde_texte = correspond(recherche) if recherche.strip() else None
    tous = filtre is FILTRES[0]
    resultat = []
    for ligne, k in zip(lignes, cles, strict=True):
        if garde_texte is not None and not garde_texte(k):
            continue
        if specialites is not None and ligne.specialite not in specialites:
            continue
        if not tous and not filtre.garde(ligne, etat_de(ligne, cloture_passee)):
            continue
        resultat.append(ligne)
    return resultat
