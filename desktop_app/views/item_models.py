"""Qt item models over the plain rows that the services return."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.models import Statut, libelle_statut
from desktop_app.services.dates import format_date, format_datetime
from desktop_app.services.recherche import FILTRES, Filtre, cle, etat_de, filtrer, normaliser
from desktop_app.services.regles import EtatDossier
from desktop_app.services.requetes import STATUTS_COMPTES, LigneCandidature

Index = QModelIndex | QPersistentModelIndex

COULEURS = {
    Statut.CONFORME: QColor("#1b7a3a"),
    Statut.NON_CONFORME: QColor("#b3261e"),
    Statut.EN_ATTENTE_NOUVELLE_PJ: QColor("#a05a00"),
    Statut.RECUE: QColor("#1f4e9c"),
    Statut.EN_ATTENTE_CONTROLE: QColor("#5b5b8a"),
}
COULEURS_ETAT = {
    EtatDossier.COMPLET: QColor("#1b7a3a"),
    EtatDossier.A_CONTROLER: QColor("#1f4e9c"),
    EtatDossier.ATTENTE_CANDIDAT: QColor("#a05a00"),
    EtatDossier.INCOMPLET: QColor("#b3261e"),
    EtatDossier.VIDE: QColor("#605e5c"),
}
_JAMAIS = dt.datetime.min.replace(tzinfo=dt.UTC)
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
    """Every candidature of the campaign; shown: those the search and the filters keep.
    Both are done in Python over precomputed keys, then the model is reset."""

    colonnes = (
        Colonne(
            "N° candidat", operator.attrgetter("n_candidat"), operator.attrgetter("n_candidat")
        ),
        Colonne(
            "Nom",
            lambda r: r.nom + (f" ({r.nom_usage})" if r.nom_usage else ""),
            lambda r: (normaliser(r.nom), normaliser(r.prenoms)),
            "Nom de naissance (nom d'usage)",
        ),
        Colonne("Prénoms", operator.attrgetter("prenoms"), lambda r: normaliser(r.prenoms)),
        Colonne(
            "Né(e) le",
            lambda r: format_date(r.date_naissance),
            lambda r: r.date_naissance or dt.date.min,
            "Date de naissance",
        ),
        Colonne(
            "Spécialité", operator.attrgetter("specialite"), lambda r: normaliser(r.specialite)
        ),
        Colonne("État du dossier", lambda r: "", lambda r: "", "Calculé à partir des pièces"),
        *(_compteur(i) for i in range(len(STATUTS_COMPTES))),
        Colonne(
            "Dernier dépôt",
            lambda r: format_datetime(r.dernier_depot),
            lambda r: r.dernier_depot or _JAMAIS,
            "Date du dernier fichier déposé",
        ),
    )
    COLONNE_ETAT = 5

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._toutes: list[LigneCandidature] = []
        self._cles: list[str] = []
        self._position: dict[int, int] = {}  # candidature id -> index in _toutes
        self._cles_tri: dict[int, list[Any]] = {}
        self.recherche = ""
        self.filtre: Filtre = FILTRES[0]
        self.specialites: frozenset[str] | None = None
        self.cloture_passee = False
        # The état column sorts and shows through the campaign's date, known here.
        self.colonnes = list(self.colonnes)
        self.colonnes[self.COLONNE_ETAT] = Colonne(
            "État du dossier",
            lambda r: self.etat(r).value,
            lambda r: self.etat(r).value,
            "Calculé à partir des pièces et de la date de clôture",
        )

    def etat(self, ligne: LigneCandidature) -> EtatDossier:
        return etat_de(ligne, self.cloture_passee)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self._toutes = list(rows)
        self._cles = [cle(r) for r in self._toutes]
        self._cles_tri: dict[int, list[Any]] = {}  # per column, aligned with _toutes
        if self._tri is not None:
            self._ordonner(*self._tri)
        self._position = {r.id: i for i, r in enumerate(self._toutes)}
        self.filtrer()

    def _ordonner(self, column: int, order: Qt.SortOrder) -> None:
        """Sort every row by ``column``: its keys are computed once per load, then the rows
        and the keys are permuted together (a sort is then a C sort of indices)."""
        cles = self._cles_tri.get(column)
        if cles is None:
            cles = self._cles_tri[column] = list(map(self.colonnes[column].tri, self._toutes))
        ordre = sorted(range(len(self._toutes)), key=cles.__getitem__,
                       reverse=order == Qt.SortOrder.DescendingOrder)  # fmt: skip
        self._toutes = [self._toutes[i] for i in ordre]
        self._cles = [self._cles[i] for i in ordre]
        for c, valeurs in self._cles_tri.items():
            self._cles_tri[c] = [valeurs[i] for i in ordre]

    def filtrer(self) -> None:
        """Apply the search and the filters again (the model is reset)."""
        self.beginResetModel()
        if not self.recherche.strip() and self.filtre is FILTRES[0] and self.specialites is None:
            self._rows = list(self._toutes)
        else:
            self._rows = filtrer(self._toutes, self._cles, self.recherche, self.filtre,
                                 self.specialites, self.cloture_passee)  # fmt: skip
        self.endResetModel()

    def toutes(self) -> list[LigneCandidature]:
        return self._toutes

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.colonnes):
            return
        self._tri = (column, order)
        self._ordonner(column, order)
        self._position = {r.id: i for i, r in enumerate(self._toutes)}
        self.layoutAboutToBeChanged.emit()
        if len(self._rows) == len(self._toutes):
            self._rows = list(self._toutes)
        else:
            gardees = {r.id for r in self._rows}
            self._rows = [r for r in self._toutes if r.id in gardees]
        self.layoutChanged.emit()

    def remplacer(self, ligne: LigneCandidature) -> None:
        """A candidature read again after a decision: its row changes in place."""
        i = self._position.get(ligne.id)
        if i is not None:
            self._toutes[i] = ligne
            for c, valeurs in self._cles_tri.items():
                valeurs[i] = self.colonnes[c].tri(ligne)
        for row, r in enumerate(self._rows):
            if r.id == ligne.id:
                self._rows[row] = ligne
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, len(self.colonnes) - 1))  # fmt: skip
                break

    def ligne_de(self, candidature_id: int) -> int:
        """The row showing that candidature, or -1."""
        for row, r in enumerate(self._rows):
            if r.id == candidature_id:
                return row
        return -1

    def extra_data(self, row: LigneCandidature, column: int, role: int) -> Any:
        first_count = self.COLONNE_ETAT + 1
        if role == Qt.ItemDataRole.ForegroundRole:
            if first_count <= column < first_count + len(STATUTS_COMPTES):
                statut = STATUTS_COMPTES[column - first_count]
                if statut in COULEURS:
                    return QBrush(COULEURS[statut])
            if column == self.COLONNE_ETAT:
                return QBrush(COULEURS_ETAT[self.etat(row)])
        if role == Qt.ItemDataRole.ToolTipRole and row.non_recevables:
            return f"{row.non_recevables} pièce(s) avec un fichier non recevable"
        return None
