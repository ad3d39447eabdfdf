"""The windows' small dialogs: the keyboard help, my spécialités, my name, an import's report,
a letter's preview, the bureau that signs the letters."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.causes import cause
from desktop_app.services.espace import Espace
from desktop_app.services.fichiers import ecrire_atomique
from desktop_app.services.reglages import Bureau
from desktop_app.views.fichiers import fichier_a_ecrire

if TYPE_CHECKING:  # the importer is loaded when first used: a faster start
    from desktop_app.services.importer import RapportImport


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


class RapportDialog(QDialog):
    """What an import did: its figures, then every refused row, warning and conflict, in words
    a gestionnaire reads; the whole report can be saved as a text file."""

    def __init__(self, rapport: RapportImport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rapport = rapport
        self.setObjectName("rapportImport")
        self.setWindowTitle(f"Rapport d'import — {rapport.paquet}")
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        figures = QFormLayout()
        for libelle, n in rapport.comptes():
            figures.addRow(f"{libelle} :", QLabel(f"<b>{n}</b>"))
        layout.addLayout(figures)
        details = QPlainTextEdit("\n".join(rapport.details()) or rapport.AUCUN_REFUS)
        details.setReadOnly(True)
        details.setObjectName("rapportDetails")
        layout.addWidget(details, 1)
        boutons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        enregistrer = boutons.addButton("&Enregistrer le rapport…",
                                        QDialogButtonBox.ButtonRole.ActionRole)  # fmt: skip
        enregistrer.clicked.connect(self.enregistrer)
        boutons.rejected.connect(self.reject)
        layout.addWidget(boutons)

    def enregistrer(self) -> None:
        nom = f"rapport-import-{Path(self.rapport.paquet).stem}.txt"
        choix = fichier_a_ecrire(self, "rapports", "Enregistrer le rapport d'import", nom,
                                 "Texte (*.txt)")  # fmt: skip
        if choix is None:
            return
        try:
            ecrire_atomique(choix[0], self.rapport.texte().encode("utf-8"))
        except OSError as exc:
            QMessageBox.warning(self, "Rapport non enregistré", f"{cause(exc)}")


class ApercuPdf(QDialog):
    """The pages of a letter before it is saved."""

    def __init__(
        self, titre: str, pdf: bytes, parent: QWidget | None = None, *, suite: str = ""
    ) -> None:
        """``suite``: the label of a button that accepts (« Enregistrer… »); else Close."""
        super().__init__(parent)
        self.setObjectName("apercuCourrier")
        self.setWindowTitle(titre)
        self.resize(720, 900)
        colonne = QWidget()
        disposition = QVBoxLayout(colonne)
        self.pages: list[QLabel] = []
        # Loaded when a letter is previewed: MuPDF is not needed to open the window.
        from desktop_app.services.mise_en_page import pages_en_pixels

        for largeur, hauteur, pas, pixels in pages_en_pixels(pdf, zoom=1.1):
            image = QImage(pixels, largeur, hauteur, pas, QImage.Format.Format_RGB888).copy()
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet("border: 1px solid #999; background: white")
            disposition.addWidget(page, 0, Qt.AlignmentFlag.AlignHCenter)
            self.pages.append(page)
        defilement = QScrollArea()
        defilement.setWidget(colonne)
        defilement.setWidgetResizable(True)
        boutons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel
            if suite
            else QDialogButtonBox.StandardButton.Close
        )
        if suite:
            boutons.addButton(suite, QDialogButtonBox.ButtonRole.AcceptRole)
        boutons.accepted.connect(self.accept)
        boutons.rejected.connect(self.reject)
        fond = QVBoxLayout(self)
        fond.addWidget(defilement)
        fond.addWidget(boutons)


class BureauDialog(QDialog):
    """Who signs the letters: a setting of the campaign, shared by the team."""

    def __init__(self, bureau: Bureau, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bureauDialog")
        self.setWindowTitle("Bureau expéditeur des courriers")
        self.champs: dict[str, QLineEdit | QPlainTextEdit] = {}
        formulaire = QFormLayout()
        for nom, libelle, multiligne in (
            ("nom", "&Nom", False),
            ("service", "&Service", False),
            ("adresse", "&Adresse", True),
            ("contact", "&Contact (téléphone, courriel)", False),
            ("ville", "&Ville (« …, le »)", False),
            ("signature", "Si&gnature", False),
        ):
            valeur = getattr(bureau, nom)
            champ: QLineEdit | QPlainTextEdit
            if multiligne:
                champ = QPlainTextEdit(valeur)
                champ.setTabChangesFocus(True)
                champ.setFixedHeight(70)
            else:
                champ = QLineEdit(valeur)
            champ.setObjectName(f"bureau_{nom}")
            etiquette = QLabel(libelle)
            etiquette.setBuddy(champ)
            formulaire.addRow(etiquette, champ)
            self.champs[nom] = champ
        boutons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        boutons.accepted.connect(self.accept)
        boutons.rejected.connect(self.reject)
        fond = QVBoxLayout(self)
        fond.addLayout(formulaire)
        fond.addWidget(boutons)

    def bureau(self) -> Bureau:
        valeurs = {
            nom: c.toPlainText() if isinstance(c, QPlainTextEdit) else c.text()
            for nom, c in self.champs.items()
        }
        return Bureau(**valeurs)


def demander_gestionnaire(parent: QWidget, espace: Espace) -> str:
    """The gestionnaire's name, written in each of their decisions: asked once, then kept in
    the preferences. Empty if they declined."""
    preferences = espace.preferences
    if not preferences.gestionnaire.strip():
        changer_gestionnaire(parent, espace)
    return preferences.gestionnaire.strip()


def changer_gestionnaire(parent: QWidget, espace: Espace) -> None:
    nom, ok = QInputDialog.getText(
        parent, "Nom du gestionnaire", "Votre nom, inscrit dans chacune de vos décisions :",
        text=espace.preferences.gestionnaire,
    )  # fmt: skip
    if ok and nom.strip():
        espace.preferences.gestionnaire = nom.strip()
        enregistrer_parametres(parent, espace)


def enregistrer_parametres(parent: QWidget, espace: Espace) -> None:
    try:
        espace.preferences.save(espace.paths.preferences)
    except OSError as exc:
        QMessageBox.warning(
            parent,
            "Paramètres non enregistrés",
            f"Impossible d'écrire les paramètres : {cause(exc)}",
        )
