"""The bureau's letters, as PDF: *Relance de pièces justificatives* and *Fiche de contrôle* (one
file per candidate and one combined file for printing), and the *liste des dossiers à annuler*
for the registered letters. No Qt; the window and the command line call the same functions.

What a letter says comes from ``services.echeances`` (who and which pièces) and from the
campaign's ``Bureau`` (who signs)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.models import Depot, Modalite, Piece, Statut, libelle_statut
from desktop_app.models import PieceCatalogue as Catalogue
from desktop_app.services.audit import tete_de
from desktop_app.services.dates import PARIS, format_date, format_datetime, now_utc
from desktop_app.services.echeances import Destinataire, Dossier, PieceASuivre, destinataires_de
from desktop_app.services.fichiers import composant, dans, ecrire_atomique
from desktop_app.services.progression import Progression
from desktop_app.services.reglages import Bureau, bureau_de
from desktop_app.services.requetes import (
    auteurs_courants,
    campagne_de,
    dernier_tour,
    par_lots,
)

if TYPE_CHECKING:  # PyMuPDF is loaded when a letter is drawn, not with the follow-up window
    from desktop_app.services.mise_en_page import Mise

__all__ = [
    "Contexte",
    "Genre",
    "LignePieceFiche",
    "apercu",
    "contexte",
    "ecrire_courriers",
    "fiches",
    "liste_annulations",
    "nom_combine",
    "nom_de_fichier",
]


class Genre(enum.Enum):
    """A kind of letter, and the end of its file names."""

    RELANCE = "relance"
    FICHE = "fiche_controle"

    @property
    def titre(self) -> str:
        return {
            Genre.RELANCE: "Relance de pièces justificatives",
            Genre.FICHE: "Fiche de contrôle des pièces justificatives",
        }[self]

    @property
    def pluriel(self) -> str:
        return {Genre.RELANCE: "relances", Genre.FICHE: "fiches_controle"}[self]


@dataclass(frozen=True)
class Contexte:
    """What every letter of a campaign shares."""

    campagne_id: int
    titre: str  # « Baccalauréat professionnel 2024 — académie de Clermont-Ferrand »
    examen: str
    session: str
    cloture: dt.datetime | None
    bureau: Bureau
    date: dt.date  # of the letter, in Paris
    ancre: str = ""  # the history's head when the letter was made (printed on the fiches)


def contexte(session: Session, campagne_id: int, maintenant: dt.datetime | None = None) -> Contexte:
    campagne = campagne_de(session, campagne_id)
    maintenant = maintenant or now_utc()
    return Contexte(
        campagne.id,
        campagne.titre,
        campagne.examen,
        campagne.session,
        campagne.cloture,
        bureau_de(session, campagne_id),
        maintenant.astimezone(PARIS).date(),
        str(tete_de(session)),
    )


def _le(valeur: dt.datetime) -> str:
    """« 01/12/2023 à 23:59 »."""
    return format_datetime(valeur).replace(" ", " à ")


def _echeance(valeur: dt.datetime | None) -> str:
    return f"{_le(valeur)} (heure de Paris)" if valeur is not None else "dès que possible"


def _situation(p: PieceASuivre) -> str:
    if p.piece_id is None:
        return "Pièce exigée, non demandée jusqu'ici"
    if p.statut is not None:
        return libelle_statut(p.statut)
    if p.deposee and not p.utilisable:
        return "Fichier déposé non recevable"
    if not p.deposee:
        return "Non reçue" if p.modalite == Modalite.POSTAL else "Non déposée"
    return "À contrôler"


# ---------------------------------------------------------------- the parts of a letter
def _en_tete(mise: Mise, ctx: Contexte, destinataire: Destinataire) -> None:
    b = ctx.bureau
    haut = mise.y
    mise.texte(b.nom, 11, gras=True, apres=1, largeur=260)
    if b.service:
        mise.texte(b.service, 10, apres=1, largeur=260)
    if b.adresse:
        mise.texte(b.adresse, 9, apres=1, largeur=260)
    if b.contact:
        mise.texte(b.contact, 9, apres=0, largeur=260)
    bas_gauche = mise.y
    mise.y = haut
    lieu = f"{b.ville}, le " if b.ville else "Le "
    mise.texte(f"{lieu}{format_date(ctx.date)}", 10, aligne="droite", apres=18)
    x = 320.0
    mise.texte(destinataire.appel, 10, gras=True, x=x, apres=1)
    if destinataire.adresse:
        mise.texte(destinataire.adresse, 10, x=x, apres=0)
    mise.y = max(mise.y, bas_gauche) + 24


def _references(mise: Mise, ctx: Contexte, d: Destinataire, genre: Genre) -> None:
    mise.texte(f"Objet : {genre.titre}", 11, gras=True, apres=2)
    mise.texte(ctx.titre, 10, apres=2)
    mise.texte(
        f"N° candidat : {d.n_candidat}    N° inscription : {d.n_inscription}"
        + (f"    Spécialité : {d.specialite}" if d.specialite else ""),
        10,
        apres=2,
    )
    mise.texte(f"Candidat : {d.nom_complet}", 10, apres=14)


def _signature(mise: Mise, ctx: Contexte) -> None:
    mise.espace(14)
    mise.texte(ctx.bureau.signature, 10, x=320.0, apres=0)


def dessiner_relance(mise: Mise, ctx: Contexte, dossier: Dossier) -> None:
    from desktop_app.services.mise_en_page import Colonne

    d = dossier.destinataire
    _en_tete(mise, ctx, d)
    _references(mise, ctx, d, Genre.RELANCE)
    mise.texte("Madame, Monsieur,", 10, apres=8)
    mise.texte(
        "Après examen de votre dossier d'inscription, les pièces justificatives ci-dessous "
        "manquent ou ne sont pas conformes. Merci de les fournir avant la date indiquée : en "
        "les déposant sur le portail d'inscription, ou par voie postale lorsque la pièce "
        "l'exige.",
        10,
        apres=10,
    )
    lignes = [
        [
            f"{p.libelle} ({p.code})",
            _situation(p),
            p.commentaire or (f"Exigée : {p.regle}" if p.regle else "—"),
            f"{_echeance(p.echeance)}\n"
            + ("par voie postale" if p.modalite == Modalite.POSTAL else "dépôt en ligne"),
        ]
        for p in dossier.pieces
    ]
    mise.tableau(
        [
            Colonne("Pièce justificative", 0.30),
            Colonne("Situation", 0.16),
            Colonne("Commentaire du gestionnaire", 0.30),
            Colonne("À fournir avant le", 0.24),
        ],
        lignes,
    )
    if ctx.cloture is not None:
        mise.texte(
            f"Au-delà du {_le(ctx.cloture)}, tout dossier "
            "incomplet entraînera l'annulation définitive de votre inscription, notifiée par "
            "lettre recommandée.",
            10,
            gras=True,
            apres=8,
        )
    if ctx.bureau.contact:
        mise.texte(f"Pour toute question : {ctx.bureau.contact}.", 10, apres=8)
    mise.texte(
        "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.", 10
    )
    _signature(mise, ctx)


@dataclass(frozen=True)
class LignePieceFiche:
    """A pièce as the fiche de contrôle records it."""

    code: str
    libelle: str
    statut: Statut | None
    date_reception: dt.date | None
    commentaire: str
    gestionnaire: str  # of the last decision ("" none)
    decide_le: dt.datetime | None
    sha256: tuple[str, ...]  # the files of its latest round


@dataclass(frozen=True)
class Fiche:
    destinataire: Destinataire
    pieces: tuple[LignePieceFiche, ...]


def fiches(session: Session, campagne_id: int, candidatures: Iterable[int]) -> list[Fiche]:
    """Every pièce of these candidatures, with its last decision and its files, in name order."""
    ids = list(candidatures)
    destinataires = destinataires_de(session, ids)
    pieces: dict[int, list[LignePieceFiche]] = {cid: [] for cid in destinataires}
    for lot in par_lots(ids):
        auteurs = auteurs_courants(session, select(Piece.id).where(Piece.candidature_id.in_(lot)))
        empreintes = dernier_tour(
            session.execute(
                select(Depot.piece_id, Depot.tour, Depot.sha256)
                .join(Piece, Piece.id == Depot.piece_id)
                .where(Piece.candidature_id.in_(lot))
                .order_by(Depot.id)
            )
        )
        query = (
            select(
                Piece.id, Piece.candidature_id, Catalogue.code, Catalogue.libelle, Piece.statut,
                Piece.date_reception, Piece.commentaire,
            )
            .join(Catalogue, Catalogue.id == Piece.catalogue_id)
            .where(Piece.candidature_id.in_(lot))
            .order_by(Catalogue.regroupement, Catalogue.code)
        )  # fmt: skip
        for piece_id, candidature_id, *champs in session.execute(query):
            auteur, le = auteurs.get(piece_id, ("", None))
            fichiers = tuple(e or "fichier absent du paquet" for e in empreintes.get(piece_id, []))
            pieces[candidature_id].append(LignePieceFiche(*champs, auteur, le, fichiers))
    return [Fiche(d, tuple(pieces[cid])) for cid, d in destinataires.items()]


def dessiner_fiche(mise: Mise, ctx: Contexte, fiche: Fiche) -> None:
    from desktop_app.services.mise_en_page import Colonne

    d = fiche.destinataire
    mise.texte(ctx.bureau.nom, 10, gras=True, apres=1)
    mise.texte(ctx.bureau.service, 9, apres=12)
    _references(mise, ctx, d, Genre.FICHE)
    lignes = []
    for p in fiche.pieces:
        date = format_date(p.date_reception) if p.date_reception else ""
        decision = f"{p.gestionnaire}\n{format_datetime(p.decide_le)}" if p.gestionnaire else "—"
        lignes.append(
            [
                f"{p.libelle} ({p.code})",
                libelle_statut(p.statut) + (f"\nreçue le {date}" if date else ""),
                p.commentaire or "—",
                decision,
                "\n".join(p.sha256) or "aucun fichier",
            ]
        )
    mise.tableau(
        [
            Colonne("Pièce justificative", 0.24),
            Colonne("Statut", 0.15),
            Colonne("Commentaire", 0.21),
            Colonne("Décidé par", 0.16),
            Colonne("Empreinte SHA-256 du fichier", 0.24),
        ],
        lignes,
        taille=8,
    )
    complet = sum(p.statut == Statut.CONFORME for p in fiche.pieces)
    mise.texte(
        f"{complet} pièce(s) conforme(s) sur {len(fiche.pieces)}. Fiche établie le "
        f"{format_date(ctx.date)}.",
        9,
        apres=4,
    )
    if ctx.ancre:  # paper keeps the history's head: verify-audit --ancre compares it
        mise.texte(f"Historique des décisions à cette date : {ctx.ancre}", 7)


def liste_annulations(ctx: Contexte, dossiers: Sequence[Dossier]) -> bytes:
    """The list of the dossiers to cancel, for the registered letters: one table."""
    from desktop_app.services.mise_en_page import Colonne, Mise, document, octets

    doc = document()
    mise = Mise(doc)
    mise.texte(ctx.bureau.nom, 10, gras=True, apres=1)
    mise.texte(ctx.bureau.service, 9, apres=12)
    mise.texte("Liste des dossiers à annuler", 14, gras=True, apres=2)
    mise.texte(ctx.titre, 10, apres=2)
    cloture = format_datetime(ctx.cloture) if ctx.cloture else "non fixée"
    mise.texte(
        f"Clôture des inscriptions : {cloture}. Dossiers incomplets à cette date : "
        f"{len(dossiers)}. Liste établie le {format_date(ctx.date)}.",
        10,
        apres=10,
    )
    lignes = [
        [
            d.destinataire.n_candidat + f"\n(inscr. {d.destinataire.n_inscription})",
            d.destinataire.nom_complet,
            d.destinataire.adresse or "adresse inconnue",
            "\n".join(
                f"{p.code} — {_situation(p)}" + (f" : {p.commentaire}" if p.commentaire else "")
                for p in d.pieces
            ),
        ]
        for d in dossiers
    ]
    mise.tableau(
        [
            Colonne("N° candidat", 0.15),
            Colonne("Candidat", 0.22),
            Colonne("Adresse", 0.25),
            Colonne("Pièces non conformes ou manquantes", 0.38),
        ],
        lignes,
        taille=8,
    )
    mise.terminer("Liste des dossiers à annuler")
    return octets(doc)


# ---------------------------------------------------------------- files
def nom_de_fichier(destinataire: Destinataire, genre: Genre, avec_inscription: bool = False) -> str:
    """``<N° candidat>_<NOM>_relance.pdf``: the name in capitals without accents, so that any
    file system and any mail program keep it."""
    nom = composant(destinataire.nom).upper()
    inscription = f"_{composant(destinataire.n_inscription)}" if avec_inscription else ""
    return f"{composant(destinataire.n_candidat)}{inscription}_{nom}_{genre.value}.pdf"


Element = Dossier | Fiche
DESSINS: dict[Genre, Callable[[Mise, Contexte, Element], None]] = {
    # type: ignore below: each drawer takes its own kind of element, which its genre picks.
    Genre.RELANCE: dessiner_relance,  # type: ignore[dict-item]
    Genre.FICHE: dessiner_fiche,  # type: ignore[dict-item]
}


def _pied(genre: Genre, d: Destinataire) -> str:
    return f"{genre.titre} — N° candidat {d.n_candidat}"


def apercu(ctx: Contexte, genre: Genre, element: Element) -> bytes:
    """One letter as PDF bytes, to show before anything is saved."""
    from desktop_app.services.mise_en_page import Mise, document, octets

    doc = document()
    mise = Mise(doc)
    DESSINS[genre](mise, ctx, element)
    mise.terminer(_pied(genre, element.destinataire))
    return octets(doc)


@dataclass(frozen=True)
class CourriersEcrits:
    dossier: Path
    fichiers: list[Path]  # one per candidate
    combine: Path | None  # every letter, for printing


def ecrire_courriers(
    ctx: Contexte,
    genre: Genre,
    elements: Sequence[Element],
    dossier: Path,
    *,
    un_par_candidat: bool = True,
    combine: bool = True,
    progression: Progression | None = None,
) -> CourriersEcrits:
    """Write the letters into ``dossier`` (each file atomically). ``progression`` may raise
    TacheAnnulee: the files already written stay, the combined file is not written."""
    from desktop_app.services.mise_en_page import Mise, document, octets

    dossier.mkdir(parents=True, exist_ok=True)
    doublons = _doublons(e.destinataire.n_candidat for e in elements)
    tous = document() if combine else None
    ecrits: list[Path] = []
    for k, element in enumerate(elements):
        if progression:
            progression(k, len(elements), "Rédaction des courriers")
        d = element.destinataire
        if tous is not None:
            mise = Mise(tous)
            DESSINS[genre](mise, ctx, element)
            mise.terminer(_pied(genre, d))
        if un_par_candidat:
            chemin = dans(dossier, nom_de_fichier(d, genre, d.n_candidat in doublons))
            ecrire_atomique(chemin, apercu(ctx, genre, element))
            ecrits.append(chemin)
    chemin_combine = None
    if tous is not None and elements:
        if progression:
            progression(len(elements), len(elements), "Assemblage du fichier à imprimer")
        chemin_combine = dans(dossier, nom_combine(ctx, genre.pluriel))
        ecrire_atomique(chemin_combine, octets(tous))
    return CourriersEcrits(dossier, ecrits, chemin_combine)


def nom_combine(ctx: Contexte, quoi: str) -> str:
    return f"{quoi}_{composant(ctx.examen)}_{composant(ctx.session)}_{ctx.date.isoformat()}.pdf"


def _doublons(numeros: Iterable[str]) -> set[str]:
    vus: set[str] = set()
    doublons = set()
    for n in numeros:
        (doublons if n in vus else vus).add(n)
    return doublons
