"""The decision history as a hash chain: each entry carries the hash of the previous one and
its own, computed over what it says. The database already refuses UPDATE and DELETE on the
history (triggers); the chain shows any change made around them: an entry edited in the file,
one removed or inserted, the triggers dropped. ``verifier_historique`` reports every break.

Entries are chained in insertion order (their id): the local decisions one by one, the imported
ones in bulk. Writers are serialized while they extend the chain: SQLite's ``BEGIN IMMEDIATE``
already does it; on PostgreSQL a transaction-level advisory lock does."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop_app.causes import Refus
from desktop_app.models import (
    Campagne,
    Candidat,
    Candidature,
    Decision,
    Depot,
    Piece,
    PieceCatalogue,
    Purge,
    SourceDecision,
)
from desktop_app.models.chaine import CHAMPS, GENESE, NOTE_NOUVEAU_DEPOT, empreinte
from desktop_app.services.dates import format_date, format_datetime
from desktop_app.services.fichiers import ecrire_atomique
from desktop_app.services.tabular import write_table

VERROU_CHAINE = 727_011  # the advisory lock's key on PostgreSQL (any constant of our own)


def verrouiller_historique(session: Session) -> None:
    """Take the history's lock for the rest of the transaction, before any pièce's row lock:
    every writer of decisions (a gestionnaire, an import) takes the locks in that one order,
    so none can wait for another in a cycle (no deadlock), and an import sees every decision
    committed before it. SQLite's ``BEGIN IMMEDIATE`` already serializes writers."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:cle)"), {"cle": VERROU_CHAINE})


def chainer(session: Session, entrees: list[dict[str, Any]]) -> None:
    """Give each new entry (in the order they will be inserted) its place in the chain. Call
    in the transaction that inserts them, just before the insert."""
    if not entrees:
        return
    verrouiller_historique(session)
    precedente = session.scalar(select(Decision.empreinte).order_by(Decision.id.desc()).limit(1))
    precedente = precedente or GENESE
    for entree in entrees:
        entree["empreinte_precedente"] = precedente
        entree["empreinte"] = precedente = empreinte(precedente, entree)


@dataclass(frozen=True)
class Ancre:
    """The history's head at a moment kept outside the base (a backup, a printed fiche): how
    many entries it had, its last entry and that entry's hash. A later base must hold exactly
    that prefix: nothing removed, nothing rewritten before it."""

    source: str  # where it was found, for the report
    compte: int
    dernier_id: int
    tete: str  # the last entry's hash (a printed fiche gives its first 16 characters)

    def __str__(self) -> str:
        return f"{self.compte} décisions, n° {self.dernier_id}, empreinte {self.tete[:16]}"

    @staticmethod
    def lue(texte: str, source: str = "ancre donnée") -> Ancre:
        """« 1234 décisions, n° 5678, empreinte 0123abcd… » as printed, or « 1234:5678:0123ab »."""
        import re

        m = re.search(r"(\d+)\D+?(\d+)\D+?([0-9a-f]{8,64})", texte)
        if m is None:
            raise ValueError(f"ancre illisible : « {texte} » (attendu : décisions, n°, empreinte)")
        return Ancre(source, int(m[1]), int(m[2]), m[3])


def tete_de(session: Session) -> Ancre:
    """The history's head now."""
    compte, dernier = session.execute(select(func.count(Decision.id), func.max(Decision.id))).one()
    tete = (
        session.scalar(select(Decision.empreinte).where(Decision.id == dernier)) if dernier else ""
    )
    return Ancre("base", compte or 0, dernier or 0, tete or "")


def ancres_des_sauvegardes(dossier: Path) -> list[Ancre]:
    """The head of each backup's history (read-only): anchors outside the base."""
    import sqlite3

    from desktop_app.services.sauvegardes import lister

    ancres = []
    for sauvegarde in lister(dossier):
        try:
            connexion = sqlite3.connect(f"{sauvegarde.chemin.resolve().as_uri()}?mode=ro", uri=True)
            try:
                compte, dernier = connexion.execute(
                    "SELECT count(*), max(id) FROM decision").fetchone()  # fmt: skip
                requete = "SELECT empreinte FROM decision WHERE id = ?"
                tete = connexion.execute(requete, (dernier,)).fetchone()
            finally:
                connexion.close()
        except sqlite3.Error:
            continue  # a damaged backup anchors nothing
        if dernier is not None and tete and tete[0]:
            ancres.append(Ancre(f"sauvegarde {sauvegarde.chemin.name}", compte, dernier, tete[0]))
    return ancres


def trahisons(session: Session, ancres: Iterable[Ancre]) -> list[str]:
    """What each anchor shows the base lost or rewrote since, in French."""
    constats = []
    for a in ancres:
        compte = session.scalar(select(func.count(Decision.id)).where(Decision.id <= a.dernier_id))
        tete = session.scalar(select(Decision.empreinte).where(Decision.id == a.dernier_id))
        if tete is None:
            constats.append(f"{a.source} ({a}) : sa dernière décision n'est plus dans la base "
                            "(l'historique a été tronqué)")  # fmt: skip
        elif not tete.startswith(a.tete):
            constats.append(f"{a.source} ({a}) : l'historique jusqu'à cette décision a été "
                            "réécrit depuis")  # fmt: skip
        elif compte != a.compte:
            constats.append(f"{a.source} ({a}) : {a.compte - (compte or 0)} décision(s) de "
                            "l'historique d'alors ont disparu")  # fmt: skip
    return constats


@dataclass(frozen=True)
class Rupture:
    decision_id: int
    raison: str  # French, for the report


@dataclass(frozen=True)
class Verification:
    entrees: int
    ruptures: tuple[Rupture, ...]
    pieces_incoherentes: tuple[int, ...]  # pièce ids whose status is not their last entry's
    ancres_verifiees: int = 0
    trahisons: tuple[str, ...] = ()  # what anchors outside the base show lost or rewritten

    @property
    def intacte(self) -> bool:
        return not self.ruptures and not self.pieces_incoherentes and not self.trahisons

    def rapport(self) -> str:
        """French, for the window and the command line."""
        ancres = (
            f" Il contient tel quel l'historique de {self.ancres_verifiees} ancre(s) gardée(s) "
            "hors de la base (sauvegardes, fiches)."
            if self.ancres_verifiees
            else " Aucune ancre hors de la base (sauvegarde, fiche) pour le confirmer."
        )
        if self.intacte:
            return (
                f"Historique intact : {self.entrees} décision(s) vérifiée(s), chaînage "
                "correct, et chaque pièce porte le statut, le commentaire et les fichiers de "
                "sa dernière décision." + ancres
            )
        lignes = [f"Historique NON intègre ({self.entrees} décision(s) lues) :"]
        lignes += [f"- décision n° {r.decision_id} : {r.raison}" for r in self.ruptures[:50]]
        if len(self.ruptures) > 50:
            lignes.append(f"- … et {len(self.ruptures) - 50} autre(s) rupture(s)")
        lignes += [f"- {t}" for t in self.trahisons]
        if self.pieces_incoherentes:
            ids = ", ".join(str(i) for i in self.pieces_incoherentes[:20])
            lignes.append(
                f"- {len(self.pieces_incoherentes)} pièce(s) dont le statut, le commentaire ou "
                f"les fichiers ne correspondent pas à la dernière décision de l'historique "
                f"(pièces n° {ids}" + (" …)" if len(self.pieces_incoherentes) > 20 else ")")
            )
        return "\n".join(lignes)


def ruptures(entrees: Iterable[Mapping[str, Any]]) -> Iterator[Rupture]:
    """Every break of the chain, entries given in id order."""
    attendue = GENESE
    for e in entrees:
        if e["empreinte_precedente"] != attendue:
            yield Rupture(
                e["id"],
                "ne suit pas l'entrée précédente (une décision a été supprimée, insérée ou "
                "réordonnée avant elle)",
            )
        if e["empreinte"] != empreinte(e["empreinte_precedente"] or "", e):
            yield Rupture(e["id"], "son contenu a été modifié après son enregistrement")
        attendue = e["empreinte"]


def verifier_historique(session: Session, ancres: Iterable[Ancre] = ()) -> Verification:
    """Read the whole history once, in id order, and check the chain; then each pièce against
    its last entry (status, comment, and the files it was decided on); then the ``ancres``
    kept outside the base (backups, printed fiches)."""
    colonnes = [getattr(Decision, c) for c in ("id", *CHAMPS, "fichiers",
                                                "empreinte_precedente", "empreinte")]  # fmt: skip
    compte = 0
    derniere: dict[int, Mapping[str, Any]] = {}
    trouvees: list[Rupture] = []

    def lignes() -> Iterator[Mapping[str, Any]]:
        nonlocal compte
        for row in session.execute(select(*colonnes).order_by(Decision.id)).yield_per(5000):
            compte += 1
            m = row._mapping
            if m["source"] != SourceDecision.LECTURE:  # a reading corrected: no decision
                derniere[m["piece_id"]] = m
            yield m

    trouvees.extend(ruptures(lignes()))
    fichiers: dict[int, set[str]] = {}
    for piece_id, sha in session.execute(select(Depot.piece_id, Depot.sha256)):
        if sha:
            fichiers.setdefault(piece_id, set()).add(sha)
    incoherentes = []
    for piece_id, statut, commentaire in session.execute(
        select(Piece.id, Piece.statut, Piece.commentaire)
    ):
        d = derniere.get(piece_id)
        if d is None:
            continue
        decides = set(filter(None, (d["fichiers"] or "").split(",")))
        note = d["commentaire"] or ""
        attendu = "" if note == NOTE_NOUVEAU_DEPOT else note  # an import's note, no comment
        if (d["nouveau_statut"] != statut or attendu != (commentaire or "")
                or not decides <= fichiers.get(piece_id, set())):  # fmt: skip
            incoherentes.append(piece_id)
    ancres = list(ancres)
    constats = trahisons(session, ancres)
    if constats:  # a purge rewrites the chain: anchors from before it cannot match any more
        for p in session.scalars(select(Purge).order_by(Purge.id)):
            constats.append(
                f"la campagne « {p.campagne} » a été purgée le {format_datetime(p.horodatage)} "
                f"par {p.gestionnaire} (historique d'alors : {p.tete_avant} ; après : "
                f"{p.tete_apres}) : une ancre antérieure à cette purge ne peut plus concorder"
            )
    return Verification(compte, tuple(trouvees), tuple(sorted(incoherentes)), len(ancres),
                        tuple(constats))  # fmt: skip


COLONNES_HISTORIQUE = [
    "n_candidat",
    "candidat",
    "campagne",
    "n_inscription",
    "piece",
    "decision",
    "date_heure",
    "gestionnaire",
    "origine",
    "ancien_statut",
    "nouveau_statut",
    "commentaire",
    "date_reception",
    "empreinte_precedente",
    "empreinte",
]


class CandidatInconnu(Refus, LookupError):
    pass


def historique_candidat(session: Session, n_candidat: str) -> list[list[str]]:
    """Every history entry of a candidat's pièces, in every campaign, oldest first, with the
    chain's hashes (what a litigation or an inspection asks for)."""
    candidat = session.scalar(select(Candidat).where(Candidat.n_candidat == n_candidat.strip()))
    if candidat is None:
        raise CandidatInconnu(f"Aucun candidat n° {n_candidat.strip()} dans la base.")
    nom = f"{candidat.nom_usage or candidat.nom_naissance} {candidat.prenoms}".strip()
    lignes = []
    for d, campagne, n_inscription, libelle in session.execute(
        select(Decision, Campagne, Candidature.n_inscription, PieceCatalogue.libelle)
        .join(Piece, Decision.piece_id == Piece.id)
        .join(Candidature, Piece.candidature_id == Candidature.id)
        .join(Campagne, Candidature.campagne_id == Campagne.id)
        .join(PieceCatalogue, Piece.catalogue_id == PieceCatalogue.id)
        .where(Candidature.candidat_id == candidat.id)
        .order_by(Decision.id)
    ):
        lignes.append(
            [
                candidat.n_candidat,
                nom,
                campagne.titre,
                n_inscription,
                libelle,
                str(d.id),
                format_datetime(d.horodatage),
                d.gestionnaire,
                {
                    SourceDecision.IMPORT: "import",
                    SourceDecision.ANNULATION: "annulation",
                    SourceDecision.LECTURE: "lecture corrigée",
                }.get(d.source, "décision"),
                d.ancien_statut.value if d.ancien_statut else "",
                d.nouveau_statut.value if d.nouveau_statut else "",
                d.commentaire,
                format_date(d.date_reception),
                d.empreinte_precedente or "",
                d.empreinte or "",
            ]
        )
    return lignes


def exporter_historique(session: Session, n_candidat: str, destination: Path) -> int:
    """The candidat's history as a CSV a spreadsheet opens; returns the number of entries."""
    lignes = historique_candidat(session, n_candidat)
    ecrire_atomique(destination, write_table(COLONNES_HISTORIQUE, lignes))
    return len(lignes)
