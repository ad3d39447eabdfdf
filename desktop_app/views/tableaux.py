"""Worklists as the follow-up window shows them: a table, filled up to a bound, its selected
rows, and a page holding an explanation, the table and a row of buttons under it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

Bouton = tuple[str, Callable[[], Any], str]  # text, what it does, objectName


def table_de_liste(nom: str, colonnes: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(colonnes))
    table.setObjectName(nom)
    table.setAccessibleName(nom)
    table.setHorizontalHeaderLabels(list(colonnes))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    # Each column as wide as its header and its contents (never a header cut mid-word); a
    # scrollbar rather than a squeezed last column when the window is narrow.
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.resizeColumnsToContents()
    return table


def remplir(table: QTableWidget, lignes: Sequence[Sequence[str]], limite: int = 5000) -> None:
    """At most ``limite`` rows on screen (the letters and exports take them all)."""
    table.setUpdatesEnabled(False)
    table.setRowCount(min(len(lignes), limite))
    for r, ligne in enumerate(lignes[:limite]):
        for c, texte in enumerate(ligne):
            table.setItem(r, c, QTableWidgetItem(texte))
    table.resizeColumnsToContents()
    table.setUpdatesEnabled(True)


def lignes_selectionnees(table: QTableWidget) -> list[int]:
    return sorted({i.row() for i in table.selectionModel().selectedRows()})


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
