"""What leaves the application: decisions.csv in the exchange format (EXCHANGE_FORMAT.md: the
columns of pieces.csv plus the author and time of each pièce's last decision; importing it back
gives the same statuses, comments and dates), and what the chef de bureau takes away: the
candidate × pièce status matrix (XLSX, and CSV with ';' and UTF-8 with BOM), and the files of
a selection copied into a folder tree. Long exports report progress and can be cancelled
(``Progression`` raising ``TacheAnnulee``); nothing is left half-written under the final name.
No Qt."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.documents.store import ContentStore
from desktop_app.models import Candidat, Candidature, Depot, Piece, PieceCatalogue, Statut
from desktop_app.models import PieceCatalogue as Catalogue
from desktop_app.services.colonnes import PIECES_ORDRE
from desktop_app.services.dates import format_date, iso, now_utc
from desktop_app.services.echeances import passee
from desktop_app.services.fichiers import composant, dans, ecrire_atomique, fichier_atomique
from desktop_app.services.normalisation import normaliser
from desktop_app.services.progression import Progression
from desktop_app.services.reglages import affectations
from desktop_app.services.regles import etat_dossier
from desktop_app.services.requetes import COMPTEURS, auteurs_courants, campagne_de, par_lots
from desktop_app.services.tabular import write_table

# Every cell a string as written: never a formula, a link or a number guessed from text.
SANS_FORMULES = {
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}

IDENTITE = [
    "N° candidat",
    "N° inscription",
    "Nom de naissance",
    "Nom d'usage",
    "Prénoms",
    "Spécialité",
    "Gestionnaire",
    "État du dossier",
    "Pièces conformes",
    "Pièces demandées",
]
NON_DEMANDEE = "—"
AUCUN = "Aucun statut"
PAS = 2_000  # rows between two progress reports


@dataclass(frozen=True)
class Matrice:
    """The header (French) and the rows, one per candidature in name order, as text."""

    colonnes: list[str]
    lignes: list[list[str | int]]
    codes: list[str]  # the catalogue's codes, in the order of their columns


def matrice(
    session: Session,
    campagne_id: int,
    maintenant: dt.datetime | None = None,
    progression: Progression | None = None,
) -> Matrice:
    campagne = campagne_de(session, campagne_id)
    cloture_passee = passee(campagne.cloture, maintenant or now_utc())
    catalogue = session.execute(
        select(Catalogue.id, Catalogue.code, Catalogue.libelle)
        .where(Catalogue.campagne_id == campagne_id)
        .order_by(Catalogue.regroupement, Catalogue.code)
    ).all()
    rang = {cat_id: k for k, (cat_id, _, _) in enumerate(catalogue)}
    statuts: dict[int, list[str]] = {}
    vide = [NON_DEMANDEE] * len(catalogue)
    for cid, cat_id, statut in session.execute(
        select(Piece.candidature_id, Piece.catalogue_id, Piece.statut)
        .join(Candidature, Piece.candidature_id == Candidature.id)
        .where(Candidature.campagne_id == campagne_id)
    ):
        ligne = statuts.get(cid)
        if ligne is None:
            ligne = statuts[cid] = vide.copy()
        ligne[rang[cat_id]] = statut.value if statut is not None else AUCUN
    qui = affectations(session, campagne_id)
    query = (
        select(
            Candidature.id, Candidat.n_candidat, Candidature.n_inscription,
            Candidat.nom_naissance, Candidat.nom_usage, Candidat.prenoms, Candidature.specialite,
            Candidature.pieces_sans_fichier, *COMPTEURS,
        )
        .join(Candidat, Candidat.id == Candidature.candidat_id)
        .where(Candidature.campagne_id == campagne_id)
    )  # fmt: skip
    rows = session.execute(query).all()
    rows.sort(key=lambda r: (normaliser(r[3]), normaliser(r[5]), r[0]))
    lignes: list[list[str | int]] = []
    for k, (cid, n, insc, nom, usage, prenoms, spe, sans_fichier, *compteurs) in enumerate(rows):
        if progression and k % PAS == 0:
            progression(k, len(rows), "Lecture des statuts")
        etat = etat_dossier(*compteurs, sans_fichier=sans_fichier, cloture_passee=cloture_passee)
        lignes.append(
            [n, insc, nom, usage, prenoms, spe, qui.get(spe, ""), etat.value, compteurs[3],
             sum(compteurs), *statuts.get(cid, vide)]
        )  # fmt: skip
    colonnes = [*IDENTITE, *(f"{code} — {libelle}" for _, code, libelle in catalogue)]
    return Matrice(colonnes, lignes, [code for _, code, _ in catalogue])


def ecrire_matrice_csv(m: Matrice, destination: Path) -> int:
    ecrire_atomique(destination, write_table(m.colonnes, m.lignes))
    return len(m.lignes)


# Colours a chef de bureau reads at a glance (the list's own, lightened for print).
COULEURS = {
    Statut.CONFORME.value: "#d8f0d8",
    Statut.NON_CONFORME.value: "#f7d4d4",
    Statut.EN_ATTENTE_NOUVELLE_PJ.value: "#fbe7c6",
    Statut.RECUE.value: "#dde8f7",
    Statut.EN_ATTENTE_CONTROLE.value: "#dde8f7",
}


def classeur_en_memoire(options: dict[str, Any]) -> tuple[Any, io.BytesIO]:
    """An XlsxWriter workbook written into memory, then to its file in one atomic write: a
    disk that refuses it (full, read-only) gives the OSError it is, and no half-written zip
    is left behind (XlsxWriter's own file handling cannot be closed after such a failure)."""
    import xlsxwriter  # loaded when used: the window starts without it

    memoire = io.BytesIO()
    return xlsxwriter.Workbook(memoire, {**SANS_FORMULES, **options}), memoire


def ecrire_matrice_xlsx(
    m: Matrice, destination: Path, progression: Progression | None = None
) -> int:
    """One sheet: French headers, the header row and the identity frozen, a filter on every
    column, statuses coloured. Written by rust_xlsxwriter (rustpy-xlsxwriter): at 100,000
    candidatures XlsxWriter's per-cell Python took 28 times a plain CSV. Cells are written as
    they are: strings stay strings (a name beginning with « = » is text, never a formula)."""
    import rustpy_xlsxwriter as xlsx  # loaded when used: the window starts without it

    def enregistrements() -> Iterator[dict[str, str | int | None]]:
        if not m.lignes:  # the header comes from the records' keys: one empty row carries it
            yield dict.fromkeys(m.colonnes)
        for k, ligne in enumerate(m.lignes, 1):
            if progression and k % PAS == 0:
                progression(k, len(m.lignes), "Écriture du classeur")
            yield dict(zip(m.colonnes, ligne, strict=True))

    texte = xlsx.Format().set_num_format("@")
    # No status begins another: « begins with » is « equals » on these columns.
    couleurs = [
        {
            "type": "text",
            "criteria": "begins_with",
            "value": statut,
            "format": xlsx.Format().set_background_color(couleur),
        }
        for statut, couleur in COULEURS.items()
    ]
    memoire = io.BytesIO()
    xlsx.write_worksheet(
        enregistrements(),
        memoire,
        sheet_name="Statuts des pièces",
        freeze_row=1,
        freeze_col=3,
        autofilter=True,
        header_format=xlsx.Format()
        .set_bold()
        .set_text_wrap()
        .set_align("top")
        .set_background_color("#e8e8e8")
        .set_border("thin"),
        row_heights={0: 45},
        column_widths=([13, 8, 20, 16, 20, 30, 16, 20, 9, 9] + [18] * len(m.codes))[
            : len(m.colonnes)
        ],
        column_formats={m.colonnes[0]: texte, m.colonnes[1]: texte},
        conditional_formats={colonne: couleurs for colonne in m.colonnes[len(IDENTITE) :]},
    )
    ecrire_atomique(destination, memoire.getvalue())
    return len(m.lignes)


# ---------------------------------------------------------------- files of a selection
@dataclass(frozen=True)
class FichiersCopies:
    dossier: Path
    copies: int
    absents: list[str]  # files the store does not have (missing from the package, too large)


# By what the bytes are, never the name the candidate gave. Anything else (a program, a macro
# document renamed .pdf) is copied as .bin: nobody opens it by a double click.
EXTENSIONS = {
    "pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "gif": ".gif", "tiff": ".tif",
    "webp": ".webp", "heic": ".heic", "avif": ".avif", "bmp": ".bmp",
}  # fmt: skip


def _fichiers_de(session: Session, candidatures: Sequence[int]) -> Iterator[Any]:
    for lot in par_lots(candidatures):
        yield from session.execute(
            select(
                Candidat.n_candidat, Candidat.nom_naissance, Catalogue.code, Catalogue.libelle,
                Depot.tour, Depot.id, Depot.sha256, Depot.format, Depot.nom_original,
            )
            .join(Piece, Piece.id == Depot.piece_id)
            .join(Catalogue, Catalogue.id == Piece.catalogue_id)
            .join(Candidature, Candidature.id == Piece.candidature_id)
            .join(Candidat, Candidat.id == Candidature.candidat_id)
            .where(Candidature.id.in_(lot))
            .order_by(Candidat.n_candidat, Catalogue.code, Depot.tour, Depot.id)
        )  # fmt: skip


def copier_pieces(
    session: Session,
    store: ContentStore,
    candidatures: Iterable[int],
    dossier: Path,
    progression: Progression | None = None,
) -> FichiersCopies:
    """Every file deposited for these candidatures (every round), as
    ``<N° candidat>_<NOM>/<code>_<libellé>_v<tour>.<ext>`` (a second file of the same round:
    ``_v1-2``). An existing file of the same name is replaced; nothing else is touched."""
    ids = list(candidatures)
    lignes = list(_fichiers_de(session, ids))
    absents: list[str] = []
    copies = 0
    vus: dict[tuple[str, str, int], int] = {}
    for k, (n, nom, code, libelle, tour, _, sha, fmt, original) in enumerate(lignes):
        if progression and k % 50 == 0:
            progression(k, len(lignes), "Copie des fichiers")
        rang = vus[(n, code, tour)] = vus.get((n, code, tour), 0) + 1
        if sha is None or not store.has(sha):
            absents.append(f"{n} {code} : {original}")
            continue
        extension = EXTENSIONS.get(fmt or "", ".bin")
        suffixe = f"-{rang}" if rang > 1 else ""
        cible = dans(
            dossier,
            f"{composant(n)}_{composant(nom).upper()}",
            f"{composant(code)}_{composant(libelle)}_v{tour}{suffixe}{extension}",
        )
        with fichier_atomique(cible) as temporaire:
            shutil.copyfile(store.path(sha), temporaire)
        copies += 1
    if progression:
        progression(len(lignes), len(lignes), "Copie des fichiers")
    return FichiersCopies(dossier, copies, absents)


# -- decisions.csv, back to the national back-office --------------------------------------
COLONNES_DECISIONS = [*PIECES_ORDRE, "gestionnaire", "horodatage"]


def lignes_decisions(session: Session, campagne_id: int) -> Iterator[list[str]]:
    """One row per file of the pièce's current round, or one row without file."""
    courant = (
        select(Depot.piece_id, func.max(Depot.tour).label("tour"))
        .group_by(Depot.piece_id)
        .subquery()
    )
    fichiers: dict[int, list[tuple[str, str]]] = {}
    for row in session.execute(
        select(Depot.piece_id, Depot.chemin_paquet, Depot.date_depot)
        .join(courant, (courant.c.piece_id == Depot.piece_id) & (courant.c.tour == Depot.tour))
        .join(Piece, Piece.id == Depot.piece_id)
        .join(Candidature)
        .where(Candidature.campagne_id == campagne_id)
        .order_by(Depot.id)
    ):
        fichiers.setdefault(row.piece_id, []).append((row.chemin_paquet, iso(row.date_depot)))
    de_la_campagne = (
        select(Piece.id).join(Candidature).where(Candidature.campagne_id == campagne_id)
    )
    auteurs = {
        piece_id: (a.gestionnaire, iso(a.horodatage))
        for piece_id, a in auteurs_courants(session, de_la_campagne).items()
    }
    query = (
        select(
            Piece.id,
            Candidat.n_candidat,
            Candidature.n_inscription,
            PieceCatalogue.code,
            Piece.date_validation,
            Piece.statut,
            Piece.date_reception,
            Piece.commentaire,
        )
        .join(Candidature, Piece.candidature_id == Candidature.id)
        .join(Candidat, Candidature.candidat_id == Candidat.id)
        .join(PieceCatalogue, Piece.catalogue_id == PieceCatalogue.id)
        .where(Candidature.campagne_id == campagne_id)
        .order_by(Candidat.n_candidat, Candidature.n_inscription, PieceCatalogue.id)
    )
    for row in session.execute(query):
        auteur = auteurs.get(row.id, ("", ""))
        commun = [
            iso(row.date_validation),
            row.statut.value if row.statut else "",
            format_date(row.date_reception),
            row.commentaire,
            *auteur,
        ]
        for chemin, depot in fichiers.get(row.id) or [("", "")]:
            yield [row.n_candidat, row.n_inscription, row.code, chemin, depot, *commun]


def exporter_decisions(session: Session, campagne_id: int, destination: Path) -> int:
    """Write decisions.csv atomically; returns the number of rows."""
    rows = list(lignes_decisions(session, campagne_id))
    ecrire_atomique(destination, write_table(COLONNES_DECISIONS, rows))
    return len(rows)
