"""The rules of the review: which decision a pièce may receive, and what a dossier's état is.

One set of rules for every writer (the decision panel, undo, scripts): ``enregistrer_decision``
checks them before it writes, and the panel asks the same functions to say in advance why a
status is not available. No Qt, no database here: plain values in, French reasons out."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.causes import Refus
from desktop_app.models import Modalite, Statut

# Reasons a gestionnaire combines into the comment of a Non conforme (editable in the settings).
MOTIFS_NON_CONFORMITE = (
    "Pièce illisible",
    "Document non signé",
    "Document non daté",
    "Document incomplet",
    "Document expiré",
    "Nom différent de celui de l'inscription",
    "Date de naissance différente de celle de l'inscription",
    "Pièce ne correspondant pas au document demandé",
    "Format ou taille non acceptés",
    "Corrections non portées en rouge",
    "Durée d'activité professionnelle insuffisante",
)


# The reason an inspection's avertissement suggests (by the finding's code): checked when the
# gestionnaire presses N on that file, never saved without them.
MOTIFS_DES_CONSTATS = {
    "flou": "Pièce illisible",
    "resolution_faible": "Pièce illisible",
    "basse_resolution": "Pièce illisible",
    "page_blanche": "Document incomplet",
    "incomplete": "Document incomplet",
}


def motifs_des_constats(codes: Sequence[str]) -> list[str]:
    """The catalogue's reasons these findings suggest, once each, in their order."""
    return list(dict.fromkeys(MOTIFS_DES_CONSTATS[c] for c in codes if c in MOTIFS_DES_CONSTATS))


@dataclass(frozen=True)
class EtatPiece:
    """What the rules need to know of a pièce: its status and its latest round of files."""

    statut: Statut | None
    modalite: Modalite
    fichiers: int  # files of the latest round
    non_recevables: int  # of those, how many are not recevable
    motif: str = ""  # why (the first one)
    fichier_affiche: bool = False  # the gestionnaire has looked at the file


class DecisionRefusee(Refus):
    """The message is French, for the user."""


def refus(
    piece: EtatPiece,
    statut: Statut | None,
    commentaire: str = "",
    date_reception: dt.date | None = None,
    aujourd_hui: dt.date | None = None,
) -> str | None:
    """Why ``statut`` cannot be given to ``piece`` (French), or None when it can."""
    if statut == Statut.NON_CONFORME and not commentaire.strip():
        return "Un commentaire est obligatoire pour une pièce non conforme : le candidat le lira."
    if statut == Statut.CONFORME:
        if piece.modalite == Modalite.EN_LIGNE and piece.fichiers == 0:
            return "Conforme impossible : aucun fichier n'a été déposé pour cette pièce."
        if piece.non_recevables:
            motif = f" ({piece.motif.rstrip('.')})" if piece.motif else ""
            return f"Conforme impossible : le fichier déposé est non recevable{motif}."
        if piece.fichiers and not piece.fichier_affiche:
            return "Affichez le fichier déposé avant de déclarer la pièce conforme."
    if statut == Statut.RECUE and date_reception and aujourd_hui and date_reception > aujourd_hui:
        return "La date de réception ne peut pas être dans le futur."
    return None


def verifier(
    piece: EtatPiece,
    statut: Statut | None,
    commentaire: str = "",
    date_reception: dt.date | None = None,
    aujourd_hui: dt.date | None = None,
) -> None:
    raison = refus(piece, statut, commentaire, date_reception, aujourd_hui)
    if raison is not None:
        raise DecisionRefusee(raison)


class EtatDossier(enum.Enum):
    """A candidature's dossier, computed from its pièces and the campaign's dates; never typed."""

    COMPLET = "Complet"
    A_CONTROLER = "À contrôler"
    ATTENTE_CANDIDAT = "En attente du candidat"
    INCOMPLET = "Incomplet"
    VIDE = "Sans pièce"


def nombre_a_controler(
    sans_statut: int, sans_fichier: int, recues: int, attente_controle: int
) -> int:
    """How many pièces of a dossier await the gestionnaire (``a_controler``), from its counters:
    Reçue, En attente de contrôle, and those without status that have a file."""
    return sans_statut - sans_fichier + recues + attente_controle


def etat_dossier(
    sans_statut: int,
    recues: int,
    non_conformes: int,
    conformes: int,
    attente_pj: int,
    attente_controle: int,
    *,
    sans_fichier: int = 0,
    cloture_passee: bool,
) -> EtatDossier:
    """The rules, in this order (the README says them in words):

    - *Complet*: every pièce is Conforme.
    - *Incomplet*: the campaign has closed and the dossier is not complet.
    - *À contrôler*: a pièce awaits the gestionnaire (Reçue, En attente de contrôle, or no
      status yet with a file deposited).
    - *En attente du candidat*: every other pièce not Conforme is Non conforme, En attente
      d'une nouvelle PJ, or without status and without file (``sans_fichier`` of the
      ``sans_statut``): the next move is the candidate's."""
    total = sans_statut + recues + non_conformes + conformes + attente_pj + attente_controle
    if total == 0:
        return EtatDossier.VIDE
    if conformes == total:
        return EtatDossier.COMPLET
    if cloture_passee:
        return EtatDossier.INCOMPLET
    if nombre_a_controler(sans_statut, sans_fichier, recues, attente_controle):
        return EtatDossier.A_CONTROLER
    return EtatDossier.ATTENTE_CANDIDAT


def a_controler(statut: Statut | None, fichiers: int) -> bool:
    """A pièce awaits the gestionnaire (the "next thing to check"): Reçue, En attente de
    contrôle, or without status with a file deposited. Without status and without file (not
    deposited online, or not yet received by post) it awaits the candidate."""
    return statut in (Statut.RECUE, Statut.EN_ATTENTE_CONTROLE) or (statut is None and fichiers > 0)
