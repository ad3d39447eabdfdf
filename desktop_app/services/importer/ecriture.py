"""The write phase of an import, in one transaction: campaign, catalogue, candidats,
candidatures, pièces, deposits (each file inspected by a worker and kept in the store), and the
statuses the package brings, a local decision never overwritten (a conflict instead)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from desktop_app.documents.lecture.document import VERSION as VERSION_LECTURE
from desktop_app.documents.paquet import Paquet
from desktop_app.documents.store import ContentStore
from desktop_app.documents.worker import Acquis, Acquisition, Atelier
from desktop_app.models import (
    DECIDE,
    Avertissement,
    Campagne,
    Candidat,
    Candidature,
    Decision,
    Depot,
    ImportPaquet,
    LectureFichier,
    Piece,
    PieceCatalogue,
    SourceDecision,
    Statut,
)
from desktop_app.models.chaine import NOTE_NOUVEAU_DEPOT
from desktop_app.services.audit import chainer, verrouiller_historique
from desktop_app.services.avertissements import Trouve, constater_lecture, inspection
from desktop_app.services.dates import now_utc
from desktop_app.services.importer.lecture import (
    CANDIDAT_TEXTES,
    CANDIDATURE_TEXTES,
    Cle,
    PaquetLu,
    PieceLue,
)
from desktop_app.services.importer.rapport import Conflit, RapportImport
from desktop_app.services.progression import ImportInterrompu, Progression


@dataclass(frozen=True)
class FichierInspecte:
    cle: str  # sha256, or 'absent:<path>' when there were no bytes to hash
    sha256: str | None
    taille: int | None
    format: str | None
    recevable: bool
    motif: str
    avertissements: tuple[Trouve, ...] = ()  # the inspection's, worth keeping (avertissements)


class Ecrivain:
    """The write phase of one import, inside one transaction."""

    def __init__(
        self,
        session: Session,
        store: ContentStore,
        paquet: Paquet,
        lu: PaquetLu,
        rapport: RapportImport,
        progression: Progression | None,
        atelier: Atelier,
        source: Path,
    ) -> None:
        self.s = session
        self.atelier = atelier
        self.source = source
        self.store = store
        self.paquet = paquet
        self.lu = lu
        self.rapport = rapport
        self.progression = progression
        self.now = now_utc()
        self.fichiers: dict[str, FichierInspecte] = {}
        self.nouveaux: set[str] = set()  # files this import put in the store
        self.chemins = list(dict.fromkeys(f.chemin for p in lu.pieces.values() for f in p.fichiers))
        self.total = len(lu.candidatures) + len(self.chemins) + len(lu.pieces)
        self.fait = 0

    def avancer(self, n: int, etape: str) -> None:
        self.fait += n
        if self.progression:
            self.progression(self.fait, self.total, etape)

    # campaign and catalogue
    def campagne(self) -> tuple[int, dict[str, int]]:
        c = self.lu.campagne
        campagne = self.s.scalars(
            select(Campagne).filter_by(examen=c.examen, session=c.session, academie=c.academie)
        ).one_or_none()
        values = {
            "libelle": c.libelle,
            "cloture": c.cloture,
            "taille_max_octets": c.taille_max_octets,
            "formats": list(c.formats),
            "extra": c.extra,
        }
        if campagne is None:
            campagne = Campagne(examen=c.examen, session=c.session, academie=c.academie, **values)
            self.s.add(campagne)
        else:
            for key, value in values.items():
                if getattr(campagne, key) != value:
                    setattr(campagne, key, value)
        existing = {p.code: p for p in campagne.catalogue}
        for item in c.catalogue:
            fields = {
                "libelle": item.libelle,
                "regroupement": item.regroupement,
                "modalite": item.modalite,
                "debut": item.debut,
                "fin": item.fin,
            }
            entry = existing.get(item.code)
            if entry is None:
                entry = existing[item.code] = PieceCatalogue(code=item.code, **fields)
                campagne.catalogue.append(entry)
            else:
                for key, value in fields.items():
                    if getattr(entry, key) != value:
                        setattr(entry, key, value)
        self.s.flush()
        return campagne.id, {code: entry.id for code, entry in existing.items()}

    # candidats and candidatures
    def candidatures(self, campagne_id: int) -> dict[Cle, int]:
        lu = self.lu.candidatures
        numeros = {key[0] for key in lu}
        cols = [
            Candidat.id,
            Candidat.n_candidat,
            *(getattr(Candidat, c) for c in [*CANDIDAT_TEXTES, "date_naissance"]),
        ]
        candidats: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(numeros)):
            for row in self.s.execute(select(*cols).where(Candidat.n_candidat.in_(chunk))):
                candidats[row.n_candidat] = row._asdict()
        nouveaux: dict[str, dict[str, Any]] = {}
        modifies: set[str] = set()
        for (n_candidat, _), item in lu.items():
            current = candidats.get(n_candidat)
            if current is None:
                nouveaux.setdefault(n_candidat, {"n_candidat": n_candidat, **item.candidat})
                continue
            diff = {k: v for k, v in item.candidat.items() if current[k] != v}
            if diff:  # rare: one statement each keeps the changed columns exact
                self.s.execute(update(Candidat).where(Candidat.id == current["id"]).values(diff))
                current.update(diff)
                modifies.add(n_candidat)
        if nouveaux:
            self._inserer(Candidat, list(nouveaux.values()))
            for chunk in _chunks(sorted(nouveaux)):
                for row in self.s.execute(
                    select(Candidat.id, Candidat.n_candidat).where(Candidat.n_candidat.in_(chunk))
                ):
                    candidats[row.n_candidat] = {"id": row.id}

        cand_cols = [
            Candidature.id,
            Candidature.candidat_id,
            Candidature.n_inscription,
            *(getattr(Candidature, c) for c in [*CANDIDATURE_TEXTES, "handicap", "vae", "version"]),
        ]
        # Only the package's candidats' candidatures: a package of a few hundred imported into
        # a campaign of 300,000 does not read the other 299,700 (twice).
        existantes: dict[tuple[int, str], dict[str, Any]] = {}
        for chunk in _chunks(sorted({candidats[n]["id"] for n in numeros})):
            for row in self.s.execute(
                select(*cand_cols).where(
                    Candidature.campagne_id == campagne_id, Candidature.candidat_id.in_(chunk)
                )
            ):
                existantes[(row.candidat_id, row.n_inscription)] = row._asdict()
        ids: dict[Cle, int] = {}
        a_creer: list[tuple[Cle, dict[str, Any]]] = []
        for key, item in lu.items():
            candidat_id = candidats[key[0]]["id"]
            current = existantes.get((candidat_id, key[1]))
            if current is None:
                a_creer.append(
                    (
                        key,
                        {
                            "campagne_id": campagne_id,
                            "candidat_id": candidat_id,
                            "n_inscription": key[1],
                            **item.candidature,
                        },
                    )
                )
                continue
            ids[key] = current["id"]
            diff = {k: v for k, v in item.candidature.items() if current[k] != v}
            if diff:
                self.s.execute(
                    update(Candidature).where(Candidature.id == current["id"]).values(diff)
                )
            if diff or key[0] in modifies:
                self.rapport.candidatures_modifiees += 1
        if a_creer:
            self._inserer(Candidature, [values for _, values in a_creer])
            created: dict[tuple[int, str], int] = {}
            for chunk in _chunks(sorted({values["candidat_id"] for _, values in a_creer})):
                for row in self.s.execute(
                    select(
                        Candidature.id, Candidature.candidat_id, Candidature.n_inscription
                    ).where(
                        Candidature.campagne_id == campagne_id, Candidature.candidat_id.in_(chunk)
                    )
                ):
                    created[(row.candidat_id, row.n_inscription)] = row.id
            for key, values in a_creer:
                ids[key] = created[(values["candidat_id"], key[1])]
            self.rapport.candidatures_creees += len(a_creer)
        self.avancer(len(lu), "Candidatures")
        return ids

    # files
    @property
    def plafond(self) -> int:
        """Files larger than this are not even kept (a refused deposit all the same)."""
        return max(4 * self.lu.campagne.taille_max_octets, 32 * 1024 * 1024)

    def soumettre_fichiers(self) -> None:
        """Hand every file of the package to the workers: each reads, hashes, stores and
        inspects its share, on its own core, while this process writes the database."""
        c = self.lu.campagne
        for chemin in self.chemins:
            self.atelier.soumettre_requete(
                Acquisition(
                    chemin,
                    str(self.source),
                    chemin,
                    self.plafond,
                    str(self.store.root),
                    c.taille_max_octets,
                    c.formats,
                )
            )

    def recevoir_fichiers(self) -> None:
        panne = ""
        for chemin, acquis in self.atelier.resultats():
            if acquis.nouveau and acquis.sha256:
                self.nouveaux.add(acquis.sha256)
            panne = panne or acquis.panne  # the rest is still heard: what was stored is known
            if not panne:
                self.fichiers[chemin] = _fichier_inspecte(chemin, acquis)
            self.avancer(1, "Fichiers déposés")
        if panne:  # the disk refused a file: an error, never a verdict on the file
            raise ImportInterrompu(
                f"L'import est arrêté : le dossier des fichiers des candidats "
                f"({self.store.root}) n'accepte plus de fichier ({panne}). Rien n'a été "
                "importé. Libérez de la place, puis importez à nouveau le paquet."
            )

    # pièces, deposits, statuses
    def pieces(
        self, campagne_id: int, catalogue: dict[str, int], candidatures: dict[Cle, int]
    ) -> None:
        lu = self.lu.pieces
        existing = self._pieces_existantes({candidatures[key[0]] for key in lu})
        a_creer = [
            (
                key,
                {
                    "candidature_id": candidatures[key[0]],
                    "catalogue_id": catalogue[key[1]],
                    "date_validation": p.date_validation,
                },
            )
            for key, p in lu.items()
            if (candidatures[key[0]], catalogue[key[1]]) not in existing
        ]
        if a_creer:
            self._inserer(Piece, [values for _, values in a_creer])
            created = self._pieces_existantes({v["candidature_id"] for _, v in a_creer})
            for _, values in a_creer:
                key = (values["candidature_id"], values["catalogue_id"])
                existing[key] = created[key]
            self.rapport.pieces_creees += len(a_creer)
        piece_ids = [existing[(candidatures[k[0]], catalogue[k[1]])]["id"] for k in lu]
        depots = self._depots_existants(piece_ids)
        derniere_source = self._dernieres_sources(piece_ids)

        nouveaux_depots: list[dict[str, Any]] = []
        decisions: list[dict[str, Any]] = []
        mises_a_jour: list[dict[str, Any]] = []
        for n, (key, p) in enumerate(lu.items(), start=1):
            piece = existing[(candidatures[key[0]], catalogue[key[1]])]
            nouveau_tour = self._depots(
                piece["id"], p, depots.get(piece["id"], []), nouveaux_depots
            )
            cible = self._statut(piece, p, nouveau_tour, derniere_source.get(piece["id"]))
            update_values: dict[str, Any] = {}
            if cible is not None:
                statut, commentaire, date_reception, motif = cible
                decisions.append(
                    {
                        "piece_id": piece["id"],
                        "gestionnaire": p.gestionnaire or f"Import {self.paquet.nom}",
                        "horodatage": p.horodatage or self.now,
                        "ancien_statut": piece["statut"],
                        "nouveau_statut": statut,
                        "commentaire": commentaire or motif,
                        "date_reception": date_reception,
                        "source": SourceDecision.IMPORT,
                    }
                )
                update_values.update(
                    statut=statut, commentaire=commentaire, date_reception=date_reception
                )
                self.rapport.statuts_appliques += 1
            if p.date_validation and p.date_validation != piece["date_validation"]:
                update_values["date_validation"] = p.date_validation
            if update_values:  # every column bound: unchanged ones keep their current value
                current = {k: piece[k] for k in _COLONNES_MAJ}
                mises_a_jour.append(
                    {
                        f"b_{k}": v
                        for k, v in {**current, **update_values, "id": piece["id"]}.items()
                    }
                )
            if n % 200 == 0:
                self.avancer(200, "Pièces")
        self.avancer(len(lu) % 200, "Pièces")
        if nouveaux_depots:
            self._inserer(Depot, nouveaux_depots)
            self._avertissements(nouveaux_depots)
        if mises_a_jour:
            t = Piece.__table__
            self.s.connection().execute(
                update(t)
                .where(t.c.id == bindparam("b_id"))
                .values(
                    statut=bindparam("b_statut"),
                    commentaire=bindparam("b_commentaire"),
                    date_reception=bindparam("b_date_reception"),
                    date_validation=bindparam("b_date_validation"),
                    version_id=t.c.version_id + 1,
                ),
                mises_a_jour,
            )
        if decisions:
            entrees = [{**d, "import_id": self.import_id} for d in decisions]
            chainer(self.s, entrees)
            self._inserer(Decision, entrees)

    def _pieces_existantes(
        self, candidature_ids: set[int]
    ) -> dict[tuple[int, int], dict[str, Any]]:
        """These candidatures' pièces (the package's, not the whole campaign's)."""
        result = {}
        for chunk in _chunks(sorted(candidature_ids)):
            for row in self.s.execute(
                select(
                    Piece.id,
                    Piece.candidature_id,
                    Piece.catalogue_id,
                    Piece.statut,
                    Piece.commentaire,
                    Piece.date_reception,
                    Piece.date_validation,
                ).where(Piece.candidature_id.in_(chunk))
            ):
                result[(row.candidature_id, row.catalogue_id)] = row._asdict()
        return result

    def _avertissements(self, depots: list[dict[str, Any]]) -> None:
        """The new deposits' inspection avertissements, kept; and, for a file already read (the
        same file deposited again, or by someone else), the avertissements resting on its
        reading, found again."""
        a_garder = {(d["piece_id"], d["tour"], d["chemin_paquet"]): trouves for d in depots
                    if (trouves := self.fichiers[d["chemin_paquet"]].avertissements)}  # fmt: skip
        if a_garder:
            lignes = []
            for chunk in _chunks(sorted({p for p, _, _ in a_garder})):
                for depot_id, piece_id, tour, chemin in self.s.execute(
                    select(Depot.id, Depot.piece_id, Depot.tour, Depot.chemin_paquet)
                    .where(Depot.piece_id.in_(chunk))
                ):  # fmt: skip
                    for origine, genre, message, liee in a_garder.get((piece_id, tour, chemin), ()):
                        lignes.append(dict(depot_id=depot_id, origine=origine, genre=genre,
                                           message=message, cree_le=self.now, vu_par="",
                                           piece_liee_id=liee))  # fmt: skip
            self._inserer(Avertissement, lignes)
        shas = sorted({d["sha256"] for d in depots if d["sha256"] and d["recevable"]})
        for chunk in _chunks(shas):
            for sha in self.s.scalars(
                select(LectureFichier.sha256).where(
                    LectureFichier.sha256.in_(chunk), LectureFichier.version == VERSION_LECTURE)
            ):  # fmt: skip
                constater_lecture(self.s, sha)

    def _inserer(self, model: type[Any], rows: list[dict[str, Any]]) -> None:
        """Plain executemany: ids are read back by natural key (RETURNING on bulk inserts
        grows super-linearly with the row count)."""
        for chunk in _chunks(rows, 5000):
            self.s.connection().execute(model.__table__.insert(), chunk)

    def _depots_existants(self, piece_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        result: dict[int, list[tuple[int, str]]] = {}
        for chunk in _chunks(piece_ids):
            for row in self.s.execute(
                select(Depot.piece_id, Depot.tour, Depot.sha256, Depot.chemin_paquet)
                .where(Depot.piece_id.in_(chunk))
                .order_by(Depot.id)
            ):
                result.setdefault(row.piece_id, []).append(
                    (row.tour, row.sha256 or f"absent:{row.chemin_paquet}")
                )
        return result

    def _dernieres_sources(self, piece_ids: list[int]) -> dict[int, SourceDecision]:
        result: dict[int, SourceDecision] = {}
        for chunk in _chunks(piece_ids):
            last = (
                select(func.max(Decision.id))
                .where(Decision.piece_id.in_(chunk), DECIDE)
                .group_by(Decision.piece_id)
            )
            for row in self.s.execute(
                select(Decision.piece_id, Decision.source).where(Decision.id.in_(last))
            ):
                result[row.piece_id] = row.source
        return result

    def _depots(
        self,
        piece_id: int,
        p: PieceLue,
        anciens: list[tuple[int, str]],
        nouveaux: list[dict[str, Any]],
    ) -> bool:
        """Add the package's files as a new round when they differ from the current one.
        Returns True when a new round starts (a re-deposit), False otherwise."""
        if not p.fichiers:
            return False
        inspectes = [(f, self.fichiers[f.chemin]) for f in p.fichiers]
        cles = {i.cle for _, i in inspectes}
        tour = max((t for t, _ in anciens), default=0)
        if cles == {c for t, c in anciens if t == tour}:
            return False
        if anciens and cles <= {c for _, c in anciens}:
            self.rapport.avertissement(
                "pieces.csv",
                p.ligne,
                f"{p.code} : fichiers d'un dépôt antérieur déjà importé (ignorés)",
            )
            return False
        for fichier, inspecte in inspectes:
            nouveaux.append(
                {
                    "piece_id": piece_id,
                    "tour": tour + 1,
                    "nom_original": PurePosixPath(fichier.chemin).name,
                    "chemin_paquet": fichier.chemin,
                    "sha256": inspecte.sha256,
                    "taille": inspecte.taille,
                    "format": inspecte.format,
                    "date_depot": fichier.date_depot,
                    "recevable": inspecte.recevable,
                    "motif": inspecte.motif,
                    "importe_le": self.now,
                }
            )
            self.rapport.depots_ajoutes += 1
            self.rapport.depots_non_recevables += not inspecte.recevable
        if tour:
            self.rapport.nouveaux_tours += 1
        return tour > 0

    def _statut(
        self, piece: dict[str, Any], p: PieceLue, nouveau_tour: bool, source: SourceDecision | None
    ) -> tuple[Statut | None, str, dt.date | None, str] | None:
        """The (statut, commentaire, date de réception, motif) to apply, or None."""
        current = (piece["statut"], piece["commentaire"], piece["date_reception"])
        target = (p.statut, p.commentaire, p.date_reception)
        locale = source in (SourceDecision.LOCALE, SourceDecision.ANNULATION)
        if nouveau_tour:
            if piece["statut"] == Statut.CONFORME and locale:
                self._conflit(
                    p, piece["statut"], "nouveau fichier déposé sur une pièce déjà conforme"
                )
                return None
            if target != current:
                return (*target, NOTE_NOUVEAU_DEPOT)
            return None
        if not p.porte_une_decision or target == current:
            return None
        if locale:
            self._conflit(p, piece["statut"], "décision locale prise depuis le dernier import")
            return None
        return (*target, "")

    def _conflit(self, p: PieceLue, local: Statut | None, raison: str) -> None:
        self.rapport.conflits.append(Conflit(p.cle[0], p.cle[1], p.code, local, p.statut, raison))

    def run(self) -> None:
        campagne_id, catalogue = self.campagne()
        journal = ImportPaquet(
            campagne_id=campagne_id, horodatage=self.now, paquet=self.paquet.nom, rapport={}
        )
        self.s.add(journal)
        self.s.flush()
        self.import_id = journal.id
        self.soumettre_fichiers()
        if self.s.get_bind().dialect.name == "postgresql":
            # Gestionnaires decide meanwhile: the files first (the long part), then the
            # history's lock, taken before any row a decision touches (its candidature's
            # counters, its pièce), as every decision takes it. The statuses below are read
            # after every decision committed before, and none commits until this import does.
            self.recevoir_fichiers()
            verrouiller_historique(self.s)
            candidatures = self.candidatures(campagne_id)
        else:  # SQLite: BEGIN IMMEDIATE already serializes every writer
            candidatures = self.candidatures(campagne_id)
            self.recevoir_fichiers()
        # The files must be on disk before the rows that reference them are committed: their
        # flush waits for the disk while the rows are written.
        fin_du_flush = self.store.make_durable_en_fond(
            f.sha256 for f in self.fichiers.values() if f.sha256
        )
        try:
            self.pieces(campagne_id, catalogue, candidatures)
        finally:
            erreur = fin_du_flush()
        if erreur is not None:
            raise erreur
        if self.rapport.modifie:
            journal.rapport = self.rapport.as_json()
        else:  # the same package again: leave no trace
            self.s.execute(delete(ImportPaquet).where(ImportPaquet.id == journal.id))
            self.s.expunge(journal)


def _fichier_inspecte(chemin: str, acquis: Acquis) -> FichierInspecte:
    if acquis.inspection is None:  # not there, or not readable at all
        motif = acquis.erreur[:1].upper() + acquis.erreur[1:] + "."
        return FichierInspecte(f"absent:{chemin}", None, None, None, False, motif)
    i = acquis.inspection
    if acquis.sha256 is None:  # too large to keep, or the worker failed on it
        return FichierInspecte(f"absent:{chemin}", None, i.size, i.format, False, i.motif)
    return FichierInspecte(acquis.sha256, acquis.sha256, i.size, i.format, i.recevable, i.motif,
                           tuple(inspection(i.findings)) if i.recevable else ())  # fmt: skip


_COLONNES_MAJ = ("statut", "commentaire", "date_reception", "date_validation")


def _chunks(items: list[Any], size: int = 900) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
