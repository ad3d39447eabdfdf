"""The backups of the local database (list, back up now, restore), the damaged-database offer
at start-up, and where the team's database and files are (Paramètres)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.services.dates import format_datetime
from desktop_app.services.espace import BaseEndommagee, Espace
from desktop_app.services.sauvegardes import (
    Motif,
    Restauration,
    Sauvegarde,
    SauvegardeImpossible,
    lister,
    restaurer,
)
from desktop_app.views.operations import Operation

DROITE = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _taille(octets: int) -> str:
    return f"{octets / 1_048_576:.1f} Mo".replace(".", ",")


def dire_restauration(fait: Restauration) -> str:
    texte = (
        f"La base a été restaurée depuis la sauvegarde du "
        f"{format_datetime(fait.depuis.horodatage)}."
    )
    if fait.securite is not None:
        texte += f"\n\nLa base remplacée a d'abord été sauvegardée : {fait.securite.chemin.name}."
    if fait.mise_de_cote is not None:
        texte += f"\n\nLa base endommagée est conservée telle quelle : {fait.mise_de_cote}."
    return texte


class SauvegardesDialog(QDialog):
    """Fichier > Sauvegardes…: what is kept, a backup now, a restore (confirmed)."""

    def __init__(self, espace: Espace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.espace = espace
        self.restauree: Restauration | None = None
        self.setObjectName("sauvegardesDialog")
        self.setWindowTitle("Sauvegardes de la base")
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        explication = QLabel(
            f"Contrôle PJ sauvegarde la base à l'ouverture et à la fermeture quand elle a "
            f"changé, et avant chaque mise à jour de son schéma. Chaque sauvegarde est "
            f"relue et vérifiée avant d'être gardée ; sont conservées les plus récentes, puis "
            f"une par jour, par semaine et par mois.<br>Dossier : "
            f"<b>{espace.paths.sauvegardes}</b>"
        )
        explication.setWordWrap(True)
        layout.addWidget(explication)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("tableSauvegardes")
        self.table.setAccessibleName("Sauvegardes")
        self.table.setHorizontalHeaderLabels(["Date", "Occasion", "Taille"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        boutons = QHBoxLayout()
        self.maintenant = QPushButton("&Sauvegarder maintenant")
        self.maintenant.clicked.connect(self.sauvegarder)
        self.restaurer_bouton = QPushButton("&Restaurer la sauvegarde choisie…")
        self.restaurer_bouton.clicked.connect(self.restaurer)
        fermer = QPushButton("Fermer")
        fermer.clicked.connect(self.accept)
        boutons.addWidget(self.maintenant)
        boutons.addWidget(self.restaurer_bouton)
        boutons.addStretch()
        boutons.addWidget(fermer)
        layout.addLayout(boutons)
        self.sauvegardes: list[Sauvegarde] = []
        self.relire()

    def relire(self) -> None:
        self.sauvegardes = lister(self.espace.paths.sauvegardes)
        self.table.setRowCount(len(self.sauvegardes))
        for ligne, s in enumerate(self.sauvegardes):
            for colonne, texte in enumerate(
                (format_datetime(s.horodatage), s.libelle_motif, _taille(s.taille))
            ):
                item = QTableWidgetItem(texte)
                if colonne == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(ligne, colonne, item)
        self.table.resizeColumnToContents(0)
        if self.sauvegardes:
            self.table.selectRow(0)
        self.restaurer_bouton.setEnabled(bool(self.sauvegardes))

    def sauvegarder(self) -> None:
        Operation(
            self, lambda progression: self.espace.sauvegarder(Motif.MANUELLE, progression)
        ).succes(lambda _s: self.relire()).avec_progression("Sauvegarde de la base")

    def restaurer(self) -> None:
        rangee = self.table.currentRow()
        if not 0 <= rangee < len(self.sauvegardes):
            return
        choisie = self.sauvegardes[rangee]
        reponse = QMessageBox.question(
            self,
            "Restaurer une sauvegarde",
            f"Remplacer la base par la sauvegarde du {format_datetime(choisie.horodatage)}\u00a0?"
            "\n\nLes décisions enregistrées depuis ne seront plus dans la base ; elle est "
            "d'abord sauvegardée telle qu'elle est, pour revenir en arrière si besoin.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if reponse != QMessageBox.StandardButton.Yes:
            return
        Operation(self, lambda _: self.espace.restaurer(choisie), "Restauration impossible")\
            .succes(self._restauree).lancer()  # fmt: skip

    def _restauree(self, fait: Restauration) -> None:
        self.restauree = fait
        QMessageBox.information(self, "Base restaurée", dire_restauration(fait))
        self.relire()


def proposer_restauration(erreur: BaseEndommagee) -> bool:
    """At start-up, the database failed its check: say so, offer the newest sound backup.
    True when it was restored (the caller opens the workspace again)."""
    boite = QMessageBox()
    boite.setObjectName("baseEndommagee")
    boite.setIcon(QMessageBox.Icon.Critical)
    boite.setWindowTitle(f"{APP_NAME} — base endommagée")
    boite.setText(str(erreur))
    if erreur.proposee is None:
        boite.exec()
        return False
    restaurer_bouton = boite.addButton(
        "&Restaurer cette sauvegarde", QMessageBox.ButtonRole.AcceptRole
    )
    boite.addButton("&Quitter sans rien changer", QMessageBox.ButtonRole.RejectRole)
    boite.setDefaultButton(restaurer_bouton)
    boite.exec()
    if boite.clickedButton() is not restaurer_bouton:
        return False
    from desktop_app.models.database import REVISIONS

    try:
        fait = restaurer(erreur.proposee, erreur.base, erreur.sauvegardes, REVISIONS)
    except (SauvegardeImpossible, OSError) as exc:
        QMessageBox.critical(None, APP_NAME, f"La restauration a échoué : {exc}")
        return False
    QMessageBox.information(None, APP_NAME, dire_restauration(fait))
    return True
