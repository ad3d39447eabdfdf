"""Qt item models over the plain rows that the services return."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.models import Statut, libelle_statut
from desktop_app.services.dates import format_date, format_datetime
from desktop_app.services.requetes import STATUTS_COMPTES, LigneCandidature, LignePiece

Index = QModelIndex | QPersistentModelIndex

COULEURS = {
    Statut.CONFORME: QColor("#1b7a3a"),
    Statut.NON_CONFORME: QColor("#b3261e"),
    Statut.EN_ATTENTE_NOUVELLE_PJ: QColor("#a05a00"),
    Statut.RECUE: QColor("#1f4e9c"),
    Statut.EN_ATTENTE_CONTROLE: QColor("#5b5b8a"),
}
COURTS = {
    None: "À voir",
    Statut.RECUE: "Reçue",
    Statut.NON_CONFORME: "Non conf.",
    Statut.CONFORME: "Conforme",
    Statut.EN_ATTENTE_NOUVELLE_PJ: "Att. PJ",
    Statut.EN_ATTENTE_CONTROLE: "Att. contrôle",
}


@dataclass(frozen=True)
class Colonne:
    titre: str
    texte: Callable[[Any], str]
    tri: Callable[[Any], Any]
    infobulle: str = ""
    nombre: bool = False


class TableModel(QAbstractTableModel):
    """A read-only table of frozen rows; sorting is done in Python and the model reset
    (at 100,000 rows this is far faster than a QSortFilterProxyModel)."""

    colonnes: Sequence[Colonne] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._tri: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace the rows, kept in the order the user chose by clicking a header."""
        self.beginResetModel()
        self._rows = list(rows)
        if self._tri is not None:
            self._sort_rows(*self._tri)
        self.endResetModel()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        self._rows.sort(
            key=self.colonnes[column].tri, reverse=order == Qt.SortOrder.DescendingOrder
        )

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rows(self) -> list[Any]:
        return self._rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.colonnes)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.colonnes):
            return None
        colonne = self.colonnes[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return colonne.titre
        if role == Qt.ItemDataRole.ToolTipRole:
            return colonne.infobulle or colonne.titre
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        colonne = self.colonnes[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return colonne.texte(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and colonne.nombre:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.extra_data(row, index.column(), role)

    def extra_data(self, row: Any, column: int, role: int) -> Any:
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.colonnes):
            return
        self._tri = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort_rows(column, order)
        self.layoutChanged.emit()


def _compteur(i: int) -> Colonne:
    statut = STATUTS_COMPTES[i]
    field = LigneCandidature._fields.index("sans_statut") + i  # counters follow each other

    def texte(r: LigneCandidature) -> str:
        return str(r[field]) if r[field] else ""

    return Colonne(
        COURTS[statut],
        texte,
        operator.itemgetter(field),
        f"Pièces au statut « {libelle_statut(statut)} »",
        nombre=True,
    )


class CandidatureTableModel(TableModel):
    colonnes = (
        Colonne(
            "N° candidat", operator.attrgetter("n_candidat"), operator.attrgetter("n_candidat")
        ),
        Colonne(
            "Nom",
            lambda r: r.nom + (f" ({r.nom_usage})" if r.nom_usage else ""),
            lambda r: (r.nom, r.prenoms),
            "Nom de naissance (nom d'usage)",
        ),
        Colonne("Prénoms", operator.attrgetter("prenoms"), operator.attrgetter("prenoms")),
        Colonne(
            "Né(e) le",
            lambda r: format_date(r.date_naissance),
            lambda r: r.date_naissance or 0,
            "Date de naissance",
        ),
        Colonne("Spécialité", operator.attrgetter("specialite"), operator.attrgetter("specialite")),
        *(_compteur(i) for i in range(len(STATUTS_COMPTES))),
    )

    def extra_data(self, row: LigneCandidature, column: int, role: int) -> Any:
        first_count = len(self.colonnes) - len(STATUTS_COMPTES)
        if role == Qt.ItemDataRole.ForegroundRole and column >= first_count:
            statut = STATUTS_COMPTES[column - first_count]
            if statut in COULEURS:
                return QBrush(COULEURS[statut])
        return None


def _fichiers(p: LignePiece) -> str:
    if p.fichiers == 0:
        return "Aucun fichier" if p.modalite.name == "EN_LIGNE" else "—"
    text = f"{p.fichiers} fichier{'s' if p.fichiers > 1 else ''}"
    return f"{text}, non recevable" if p.non_recevables else text


class PieceTableModel(TableModel):
    colonnes = (
        Colonne("Code", operator.attrgetter("code"), operator.attrgetter("code")),
        Colonne("Pièce", operator.attrgetter("libelle"), operator.attrgetter("libelle")),
        Colonne(
            "Regroupement", operator.attrgetter("regroupement"), operator.attrgetter("regroupement")
        ),
        Colonne(
            "Modalité",
            lambda p: p.modalite.libelle,
            lambda p: p.modalite.libelle,
            "Modalité de dépôt",
        ),
        Colonne("Statut", lambda p: libelle_statut(p.statut), lambda p: libelle_statut(p.statut)),
        Colonne(
            "Fichiers",
            _fichiers,
            lambda p: (p.fichiers, p.non_recevables),
            "Fichiers du dernier dépôt",
        ),
        Colonne(
            "Déposé le",
            lambda p: format_datetime(p.dernier_depot),
            lambda p: p.dernier_depot.timestamp() if p.dernier_depot else 0,
        ),
        Colonne(
            "Validé le",
            lambda p: format_datetime(p.date_validation),
            lambda p: p.date_validation.timestamp() if p.date_validation else 0,
            "Validé par le candidat (« J'ai fourni toutes mes pièces »)",
        ),
        Colonne(
            "Reçue le",
            lambda p: format_date(p.date_reception),
            lambda p: p.date_reception or 0,
            "Date de réception",
        ),
        Colonne(
            "Commentaire",
            operator.attrgetter("commentaire"),
            operator.attrgetter("commentaire"),
            "Commentaire lu par le candidat",
        ),
        Colonne(
            "Décision de", operator.attrgetter("gestionnaire"), operator.attrgetter("gestionnaire")
        ),
    )

    def extra_data(self, row: LignePiece, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 4 and row.statut in COULEURS:
                return QBrush(COULEURS[row.statut])
            if column == 5 and row.non_recevables:
                return QBrush(COULEURS[Statut.NON_CONFORME])
        if role == Qt.ItemDataRole.ToolTipRole and column == 5 and row.motif:
            return f"Non recevable : {row.motif}"
        return None
