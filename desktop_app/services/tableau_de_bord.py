"""The chef de bureau's dashboard: where the campaign stands and who carries what. Plain values
(the window draws them, the XLSX export writes them). No Qt."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_app.models import (
    DECIDE,
    Candidature,
    Decision,
    Piece,
    SourceDecision,
    libelle_statut,
)
from desktop_app.services.avertissements import Compte, par_genre
from desktop_app.services.dates import PARIS, format_date, now_utc
from desktop_app.services.echeances import passee
from desktop_app.services.exigences import Ecart, ecarts_des_dossiers, table
from desktop_app.services.fichiers import ecrire_atomique
from desktop_app.services.lots import liberer
from desktop_app.services.recherche import etats
from desktop_app.services.reglages import affectations
from desktop_app.services.regles import EtatDossier
from desktop_app.services.requetes import (
    STATUTS_COMPTES,
    campagne_de,
    lister_candidatures,
    totaux,
)

JOURS_AFFICHES = 30


@dataclass(frozen=True)
class LigneSpecialite:
    specialite: str
    gestionnaire: str
    dossiers: int
    complets: int
    a_controler: int  # dossiers awaiting the gestionnaire
    attente_candidat: int


@dataclass(frozen=True)
class LigneGestionnaire:
    gestionnaire: str
    specialites: int  # assigned
    dossiers: int  # of those spécialités
    a_controler: int  # of those, awaiting the gestionnaire: the load
    decisions: int  # made in this application
    decisions_7_jours: int


@dataclass(frozen=True)
class TableauDeBord:
    titre: str
    maintenant: dt.datetime
    cloture: dt.datetime | None
    dossiers: int
    par_etat: list[tuple[str, int]]
    par_statut: list[tuple[str, int]]  # pièces
    par_specialite: list[LigneSpecialite]
    par_gestionnaire: list[LigneGestionnaire]
    par_jour: list[tuple[dt.date, int]]  # decisions per day (Paris), the last 30 days
    # Dossiers where the rules of the pièces required disagree with the dossier, by pièce and
    # verdict (« JDC : non exigée »): what the relances add or leave out.
    par_regle: list[tuple[str, int]] = field(default_factory=list)
    # The avertissements the application found by itself on the latest files, by kind.
    avertissements: list[Compte] = field(default_factory=list)

    @property
    def jours_restants(self) -> int | None:
        """Whole days before the closing date (0 on its day); None without one or after it."""
        if self.cloture is None or passee(self.cloture, self.maintenant):
            return None
        return (
            self.cloture.astimezone(PARIS).date() - self.maintenant.astimezone(PARIS).date()
        ).days

    @property
    def echeance(self) -> str:
        if self.cloture is None:
            return "Pas de date de clôture pour cette campagne."
        jours = self.jours_restants
        date = format_date(self.cloture.astimezone(PARIS).date())
        if jours is None:
            return f"Clôture passée ({date})."
        if jours == 0:
            return f"Clôture aujourd'hui ({date})."
        return f"Clôture dans {jours} jour{'s' if jours > 1 else ''} ({date})."


def tableau_de_bord(
    session: Session,
    campagne_id: int,
    maintenant: dt.datetime | None = None,
    ecarts: dict[int, list[Ecart]] | None = None,
) -> TableauDeBord:
    """``ecarts``: the rules' disagreements, when the caller has judged them already (the
    follow-up window does, for its relances)."""
    maintenant = maintenant or now_utc()
    campagne = campagne_de(session, campagne_id)
    cloture_passee = passee(campagne.cloture, maintenant)
    lignes = lister_candidatures(session, campagne_id)
    etats_dossiers = etats(lignes, cloture_passee)
    par_etat = Counter(etats_dossiers)
    qui = affectations(session, campagne_id)
    specialites: dict[str, Counter[EtatDossier]] = {}
    for ligne, etat in zip(lignes, etats_dossiers, strict=True):
        specialites.setdefault(ligne.specialite, Counter())[etat] += 1
    par_specialite = [
        LigneSpecialite(
            spe or "(sans spécialité)",
            qui.get(spe, ""),
            sum(c.values()),
            c[EtatDossier.COMPLET],
            c[EtatDossier.A_CONTROLER],
            c[EtatDossier.ATTENTE_CANDIDAT],
        )
        for spe, c in sorted(specialites.items())
    ]
    decisions = _decisions(session, campagne_id)
    depuis = maintenant - dt.timedelta(days=7)
    noms = sorted(set(qui.values()) | {g for g, _ in decisions})
    par_gestionnaire = []
    for nom in noms:
        siennes = [s for s in par_specialite if s.gestionnaire == nom]
        faites = [h for g, h in decisions if g == nom]
        par_gestionnaire.append(
            LigneGestionnaire(
                nom,
                len(siennes),
                sum(s.dossiers for s in siennes),
                sum(s.a_controler for s in siennes),
                len(faites),
                sum(h >= depuis for h in faites),
            )
        )
    jours = Counter(h.astimezone(PARIS).date() for _, h in decisions)
    aujourd_hui = maintenant.astimezone(PARIS).date()
    par_jour = [
        (jour, jours.get(jour, 0))
        for jour in (aujourd_hui - dt.timedelta(days=k) for k in range(JOURS_AFFICHES - 1, -1, -1))
    ]
    par_regle: Counter[str] = Counter()
    if not cloture_passee:  # the rules' relances stop at the closing date
        genres = table().genres
        if ecarts is None:
            ecarts = ecarts_des_dossiers(session, campagne_id)
        for liste in ecarts.values():
            for e in liste:
                verdict = e.exigence.verdict.value.removeprefix("Pièce ")
                par_regle[f"{genres[e.genre].court} : {verdict}"] += 1
    tableau = TableauDeBord(
        campagne.titre,
        maintenant,
        campagne.cloture,
        len(lignes),
        [(e.value, par_etat[e]) for e in EtatDossier if par_etat[e]],
        [(libelle_statut(s), n) for s, n in zip(STATUTS_COMPTES, totaux(lignes), strict=True)],
        par_specialite,
        par_gestionnaire,
        par_jour,
        sorted(par_regle.items()),
        par_genre(session, campagne_id),
    )
    liberer(lignes, etats_dossiers, decisions)  # 300,000 rows: not in one go at the return
    return tableau


def _decisions(session: Session, campagne_id: int) -> list[tuple[str, dt.datetime]]:
    """(gestionnaire, when) of every decision of this campaign made by a gestionnaire: here, or
    in the national back-office when a package names its author (not those it signs only
    « Import <paquet> »)."""
    return [
        (g, h)
        for g, h in session.execute(
            select(Decision.gestionnaire, Decision.horodatage)
            .join(Piece, Piece.id == Decision.piece_id)
            .join(Candidature, Candidature.id == Piece.candidature_id)
            .where(
                Candidature.campagne_id == campagne_id,
                DECIDE,
                or_(
                    Decision.source == SourceDecision.LOCALE,
                    Decision.gestionnaire.not_like("Import %"),
                ),
            )
        )
    ]


def exporter_tableau(t: TableauDeBord, destination: Path) -> None:
    """The dashboard's tables as an XLSX workbook, one sheet each."""
    from desktop_app.services.exports import classeur_en_memoire

    classeur, memoire = classeur_en_memoire({})
    gras = classeur.add_format({"bold": True, "bg_color": "#e8e8e8", "border": 1})
    date = classeur.add_format({"num_format": "dd/mm/yyyy"})

    def feuille(nom: str, entete: list[str], lignes: list[list[object]]) -> None:
        f = classeur.add_worksheet(nom)
        f.write_row(0, 0, entete, gras)
        f.set_column(0, 0, 32)
        f.set_column(1, len(entete), 16)
        for k, ligne in enumerate(lignes, 1):
            for j, valeur in enumerate(ligne):
                if isinstance(valeur, dt.date):
                    f.write_datetime(k, j, dt.datetime.combine(valeur, dt.time()), date)
                else:
                    f.write(k, j, valeur)

    feuille(
        "Synthèse",
        ["Campagne", t.titre],
        [["Situation au", format_date(t.maintenant.astimezone(PARIS).date())],
         ["Clôture", t.echeance], ["Dossiers", t.dossiers]],
    )  # fmt: skip
    feuille("États des dossiers", ["État du dossier", "Dossiers"], [[*e] for e in t.par_etat])
    feuille("Statuts des pièces", ["Statut", "Pièces"], [[*s] for s in t.par_statut])
    feuille(
        "Par spécialité",
        ["Spécialité", "Gestionnaire", "Dossiers", "Complets", "À contrôler",
         "En attente du candidat"],
        [[s.specialite, s.gestionnaire, s.dossiers, s.complets, s.a_controler,
          s.attente_candidat] for s in t.par_specialite],
    )  # fmt: skip
    feuille(
        "Par gestionnaire",
        ["Gestionnaire", "Spécialités", "Dossiers", "À contrôler", "Décisions",
         "Décisions sur 7 jours"],
        [[g.gestionnaire, g.specialites, g.dossiers, g.a_controler, g.decisions,
          g.decisions_7_jours] for g in t.par_gestionnaire],
    )  # fmt: skip
    feuille("Décisions par jour", ["Jour", "Décisions"], [[*j] for j in t.par_jour])
    feuille("Règles des pièces", ["Pièce et verdict des règles", "Dossiers"],
            [[*r] for r in t.par_regle])  # fmt: skip
    feuille("Avertissements automatiques", ["Origine", "Avertissement", "Fichiers",
                                            "Pas encore vus"],
            [[a.origine, a.genre, a.total, a.non_vus] for a in t.avertissements])  # fmt: skip
    classeur.close()
    ecrire_atomique(destination, memoire.getvalue())
