"""Worklists as the follow-up window shows them: a table of text rows, its selected rows, and
a page holding an explanation, the table and a row of buttons under it.

A worklist holds up to a whole campaign (50,000 dossiers to relance at 100,000 candidatures):
its rows are a model that Qt reads as it paints, so showing one costs a reset, not an item per
cell on the GUI thread."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

Bouton = tuple[str, Callable[[], Any], str]  # text, what it does, objectName
Lignes = Sequence[Sequence[str]]
Index = QModelIndex | QPersistentModelIndex
LIGNES_MESUREES = 500  # the rows a column's width is measured on (Qt reads 1,000 by default)
HAUTEUR_LIGNE = 24  # px: one line of text, in every list of the application


class ModeleLignes(QAbstractTableModel):
    """Rows of text under fixed headers, read only."""

    def __init__(self, colonnes: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.colonnes = list(colonnes)
        self.lignes: Lignes = ()

    def poser(self, lignes: Lignes) -> None:
        self.beginResetModel()
        self.lignes = lignes
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lignes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.colonnes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.lignes[index.row()][index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.colonnes[section]
        return None


def _comme_une_liste(table: QTableView, nom: str) -> None:
    table.setObjectName(nom)
    table.setAccessibleName(nom)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(HAUTEUR_LIGNE)
    table.setWordWrap(False)
    # Each column as wide as its header and its contents (never a header cut mid-word); a
    # scrollbar rather than a squeezed last column when the window is narrow.
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setResizeContentsPrecision(LIGNES_MESUREES)
    table.resizeColumnsToContents()


def table_de_liste(nom: str, colonnes: Sequence[str]) -> QTableView:
    """A worklist's table; ``remplir`` shows its rows."""
    table = QTableView()
    table.setModel(ModeleLignes(colonnes, table))
    _comme_une_liste(table, nom)
    return table


def table_de_saisie(nom: str, colonnes: Sequence[str]) -> QTableWidget:
    """A short table whose cells hold widgets (a choice per row)."""
    table = QTableWidget(0, len(colonnes))
    table.setHorizontalHeaderLabels(list(colonnes))
    _comme_une_liste(table, nom)
    return table


def modele(table: QTableView) -> ModeleLignes:
    m = table.model()
    assert isinstance(m, ModeleLignes)
    return m


def plus_longues(lignes: Lignes, par_colonne: int = 20) -> Lignes:
    """The rows whose text is the longest in characters, ``par_colonne`` per column: what
    ``remplir`` measures the columns' widths on, every row considered. No Qt: computed in the
    thread that formats the rows (40 ms for 50,000 rows of five columns)."""
    choisies: dict[int, None] = {}
    for colonne in range(len(lignes[0]) if lignes else 0):
        longueurs = list(map(len, map(itemgetter(colonne), lignes)))
        choisies.update(dict.fromkeys(
            heapq.nlargest(par_colonne, range(len(longueurs)), key=longueurs.__getitem__)
        ))  # fmt: skip
    return [lignes[i] for i in sorted(choisies)]


def remplir(table: QTableView, lignes: Lignes, mesurees: Lignes | None = None) -> None:
    """All the rows: Qt reads those it paints. The columns' widths are measured on
    ``mesurees`` (``plus_longues``: a few rows, any of them), or on the first
    ``LIGNES_MESUREES`` rows (at 50,000 rows, measuring those froze the window 37 ms a
    table)."""
    m = modele(table)
    m.poser(lignes if mesurees is None else mesurees)
    table.resizeColumnsToContents()
    if mesurees is not None:
        m.poser(lignes)


def lignes_selectionnees(table: QTableView) -> list[int]:
    """The selected rows, in order (read from the selection's ranges: a whole list selected
    is one range, not an index per row)."""
    rangs = table.selectionModel().selection()
    return sorted({r for rang in rangs for r in range(rang.top(), rang.bottom() + 1)})


def rangee_de_boutons(boutons: Sequence[Bouton]) -> QHBoxLayout:
    rangee = QHBoxLayout()
    for texte, slot, nom in boutons:
        bouton = QPushButton(texte)
        bouton.setObjectName(nom)
        bouton.clicked.connect(slot)
        rangee.addWidget(bouton)
    rangee.addStretch(1)
    return rangee


def page_de_liste(entete: QWidget, table: QTableWidget, boutons: Sequence[Bouton]) -> QWidget:
    page = QWidget()
    fond = QVBoxLayout(page)
    fond.addWidget(entete)
    fond.addWidget(table, 1)
    fond.addLayout(rangee_de_boutons(boutons))
    return page
