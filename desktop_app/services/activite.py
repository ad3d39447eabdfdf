"""The years of professional activity a dossier shows, against those the table asks of its
candidature (``resources/exigences.toml``, ``[[activites]]``): the BCP's three years as a
salarié for a candidat individuel, the BP's five years (two with a level-3 diploma, six months
with a bac pro of the same sector).

The length is summed over the current files of the dossier's pièces of genre ``activite``
(certificats de travail, attestations d'employeur): the periods read in them, counted once
where two attestations cover the same months; for a file whose length the gestionnaire gave
(a correction of « Durée d'activité »), that length instead of its periods. A suggestion: an
insufficient length is an avertissement with the case the table names, and nothing is said
while a file is not read yet or when no period was read at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.documents.lecture import emploi
from desktop_app.documents.lecture.document import Lu, Valeur
from desktop_app.models import Campagne, Candidat, Candidature, Depot, Piece
from desktop_app.services.exigences import (
    ActiviteJugee,
    Profil,
    catalogue_par_genre,
    durees_exigees,
    jour_de_reference,
    juger_activite,
)
from desktop_app.services.lecture import (
    CORRIGE,
    Ecart,
    LuSurDepot,
    corrections,
    lecture,
    lu_sur_depot,
)
from desktop_app.services.lots import par_lots
from desktop_app.services.requetes import depots_courants

GENRE = "activite"
MOTIF_ACTIVITE = "Durée d'activité professionnelle insuffisante"


@dataclass(frozen=True)
class ActiviteDossier:
    mois: int
    jours: int
    fichiers: int  # files of the dossier's pièces of genre « activite »
    non_lus: int  # of those, not read yet
    sans_periode: int  # read, with no period found and no length given
    sources: tuple[str, ...]  # where the length comes from (texte du PDF, OCR, corrigé)
    jugement: ActiviteJugee | None  # None: the table asks this candidature for no length

    @property
    def duree(self) -> str:
        return emploi.en_toutes_lettres(self.mois, self.jours)

    @property
    def juge(self) -> bool:
        """Every file read, and a length found in one at least: a verdict can be said."""
        return not self.non_lus and self.fichiers > self.sans_periode

    @property
    def resume(self) -> str:
        """The dossier's length in one French sentence, for the « Lu » panel (a length that
        falls short is said by the avertissement, ``ecart``)."""
        fichiers = f"{self.fichiers} fichier{'s' if self.fichiers > 1 else ''}"
        texte = f"Activité professionnelle du dossier : {self.duree} ({fichiers}"
        texte += (
            f", {self.non_lus} pas encore lu{'s' if self.non_lus > 1 else ''})"
            if self.non_lus
            else ")"
        )
        if self.sans_periode:
            texte += (f" ; aucune période lue sur {self.sans_periode} fichier(s) : corrigez "
                      "leur « Durée d'activité »")  # fmt: skip
        if self.jugement is not None and self.jugement.suffit and self.juge:
            texte += f" — suffisante ({self.jugement.atteintes[0].cas})"
        return texte + "."

    @property
    def ecart(self) -> Ecart | None:
        """The avertissement, when every file is read, a length was found and it falls short
        of a case the table names."""
        j = self.jugement
        if j is None or j.suffit or not self.juge:
            return None
        lu = f"{self.duree} sur {self.fichiers} fichier{'s' if self.fichiers > 1 else ''}"
        attendu = f"au moins {j.manquees[-1].cas}"
        if j.atteintes:
            return Ecart(GENRE, "Durée d'activité professionnelle à vérifier", lu,
                         f"{attendu} ; suffisante seulement pour {j.atteintes[0].cas}",
                         ", ".join(self.sources), MOTIF_ACTIVITE)  # fmt: skip
        return Ecart(GENRE, "Durée d'activité professionnelle insuffisante", lu, attendu,
                     ", ".join(self.sources), MOTIF_ACTIVITE)  # fmt: skip


def pieces_activite(session: Session, candidatures: list[int]) -> dict[int, list[int]]:
    """The pièces of genre « activite » of these candidatures, by candidature."""
    resultat: dict[int, list[int]] = {}
    for lot in par_lots(candidatures):  # a blank form deposited by thousands
        campagnes = set(session.scalars(
            select(Candidature.campagne_id).where(Candidature.id.in_(lot)).distinct()))  # fmt: skip
        entrees = [cat_id for campagne_id in campagnes
                   for cat_id, (genre, _, _) in catalogue_par_genre(session, campagne_id).items()
                   if genre == GENRE]  # fmt: skip
        if not entrees:
            continue
        for piece_id, cid in session.execute(
            select(Piece.id, Piece.candidature_id)
            .where(Piece.candidature_id.in_(lot), Piece.catalogue_id.in_(entrees))
        ):  # fmt: skip
            resultat.setdefault(cid, []).append(piece_id)
    return resultat


def activite_du_dossier(
    session: Session,
    candidature_id: int,
    en_memoire: Mapping[str, Lu] | None = None,
    pieces: list[int] | None = None,
) -> ActiviteDossier | None:
    """The dossier's length of activity and the table's verdict; None when the dossier has
    no pièce of genre « activite ». ``en_memoire``: readings not stored yet, by sha256 (the
    file on screen, just read); ``pieces``: its pièces of activity, when already looked up."""
    if pieces is None:
        pieces = pieces_activite(session, [candidature_id]).get(candidature_id, [])
    if not pieces:
        return None
    ligne = session.execute(
        select(Candidature, Candidat.date_naissance, Campagne)
        .join(Candidat, Candidat.id == Candidature.candidat_id)
        .join(Campagne, Campagne.id == Candidature.campagne_id)
        .where(Candidature.id == candidature_id)
    ).one()
    candidature, naissance, campagne = ligne
    profil = Profil(naissance, campagne.examen, candidature.specialite, candidature.categorie,
                    candidature.handicap, campagne.session)  # fmt: skip
    periodes: list[tuple[dt.date, dt.date]] = []
    mois = jours = fichiers = non_lus = sans_periode = 0
    sources: dict[str, None] = {}
    for _, piece_id, _, sha in depots_courants(session, Depot.piece_id.in_(pieces)):
        fichiers += 1
        lu = lecture(session, sha) or (en_memoire or {}).get(sha)
        donnee = corrections(session, piece_id, sha).get(GENRE)
        longueur = emploi.lire(donnee.valeur) if donnee is not None else None
        if longueur is not None:
            mois, jours = mois + longueur[0], jours + longueur[1]
            sources[CORRIGE] = None
            continue
        if lu is None:
            non_lus += 1
            continue
        avant = len(periodes)
        for v in lu.valeurs:
            debut, _, fin = v.valeur.partition("/")
            if v.champ == "periode" and fin:  # « depuis le … » without an end: not counted
                periodes.append((dt.date.fromisoformat(debut), dt.date.fromisoformat(fin)))
                sources[v.source] = None
        sans_periode += len(periodes) == avant
    lues = emploi.duree(periodes)
    mois, jours = mois + lues[0] + (jours + lues[1]) // 30, (jours + lues[1]) % 30
    durees = durees_exigees(profil, jour_de_reference(campagne))
    return ActiviteDossier(mois, jours, fichiers, non_lus, sans_periode, tuple(sources),
                           juger_activite(mois, durees))  # fmt: skip


def depot_d_activite(session: Session, depot_id: int) -> tuple[int, str, list[int]] | None:
    """For a deposit on a pièce of genre « activite »: its candidature, its file's sha256 and
    the candidature's pièces of activity; else None."""
    ligne = session.execute(
        select(Piece.id, Piece.candidature_id, Depot.sha256)
        .join(Depot, Depot.piece_id == Piece.id).where(Depot.id == depot_id)
    ).first()  # fmt: skip
    if ligne is None:
        return None
    piece_id, cid, sha = ligne
    pieces = pieces_activite(session, [cid]).get(cid, [])
    return (cid, sha or "", pieces) if piece_id in pieces else None


def lu_avec_activite(session: Session, depot_id: int, en_memoire: Lu | None = None
                     ) -> LuSurDepot:  # fmt: skip
    """``lecture.lu_sur_depot``, and for a file of the dossier's professional activity, the
    dossier's length and what the table says of it; a file where no period was read shows
    an empty « Durée d'activité », for the gestionnaire to give."""
    lsd = lu_sur_depot(session, depot_id, en_memoire)
    trouve = depot_d_activite(session, depot_id) if lsd.lu is not None else None
    if trouve is None or lsd.lu is None:
        return lsd
    cid, sha, pieces = trouve
    activite = activite_du_dossier(session, cid, {sha: lsd.lu}, pieces)
    if activite is None:
        return lsd
    lu = lsd.lu
    if lu.premiere(GENRE) is None:
        lu = replace(lu, valeurs=(*lu.valeurs, Valeur(GENRE, "", "", 0.0,
                                                      detail="aucune période lue")))  # fmt: skip
    ecart = activite.ecart
    if ecart is not None:  # the avertissement says the length: not said twice
        return replace(lsd, lu=lu, ecarts=(*lsd.ecarts, ecart))
    return replace(lsd, lu=lu, activite=activite.resume)
