"""Small dialogs of the review: the keyboard help, the catalogue of reasons, my spécialités."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)


def _boutons(dialogue: QDialog, ok_seul: bool = False) -> QDialogButtonBox:
    boutons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok
        if ok_seul
        else QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    boutons.accepted.connect(dialogue.accept)
    boutons.rejected.connect(dialogue.reject)
    return boutons


class AideClavier(QDialog):
    """F1: every action of the window with its shortcuts, by menu."""

    def __init__(self, groupes: Iterable[tuple[str, Sequence[QAction]]], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("aideClavier")
        self.setWindowTitle("Raccourcis clavier")
        self.resize(560, 640)
        lignes = []
        for titre, actions in groupes:
            rangees = []
            for action in actions:
                touches = " ou ".join(
                    s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
                )
                if touches:
                    texte = html.escape(action.text().replace("&", "").rstrip("…"))
                    rangees.append(
                        f"<tr><td style='padding:2px 16px 2px 0'>{texte}</td>"
                        f"<td><b>{html.escape(touches)}</b></td></tr>"
                    )
            if rangees:
                lignes.append(f"<h3>{html.escape(titre.replace('&', ''))}</h3><table>"
                              + "".join(rangees) + "</table>")  # fmt: skip
        texte = QTextBrowser()
        texte.setObjectName("listeRaccourcis")
        texte.setOpenLinks(False)
        texte.setHtml("".join(lignes))
        layout = QVBoxLayout(self)
        layout.addWidget(texte)
        layout.addWidget(_boutons(self, ok_seul=True))


class SpecialitesDialog(QDialog):
    """The spécialités this gestionnaire covers ("Mes spécialités")."""

    def __init__(self, toutes: Sequence[str], miennes: Iterable[str], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("specialitesDialog")
        self.setWindowTitle("Mes spécialités")
        self.resize(520, 480)
        miennes = set(miennes)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Cochez les spécialités dont vous contrôlez les dossiers :"))
        self.liste = QListWidget()
        self.liste.setObjectName("listeSpecialites")
        for specialite in toutes:
            item = QListWidgetItem(specialite)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if specialite in miennes else Qt.CheckState.Unchecked
            )
            self.liste.addItem(item)
        layout.addWidget(self.liste)
        layout.addWidget(_boutons(self))

    def choisies(self) -> list[str]:
        return [
            self.liste.item(i).text()
            for i in range(self.liste.count())
            if self.liste.item(i).checkState() == Qt.CheckState.Checked
        ]
