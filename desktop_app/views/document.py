"""The document room: the files deposited for the pièce on screen, the embedded viewer, and,
for a pièce deposited again, the previous deposit (the refused file, after a refusal) beside.

It follows the review state's pièce, records in it each file actually displayed (Conforme
requires it), and remembers how the gestionnaire turned a file (the file is never modified)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from desktop_app.services.depots import memoriser_rotation
from desktop_app.services.espace import Espace
from desktop_app.services.requetes import LigneDepot
from desktop_app.viewer.actions import creer_action
from desktop_app.viewer.document_viewer import DocumentViewer
from desktop_app.viewer.source import Document, SourceDocuments
from desktop_app.views.comparaison import Comparaison, depot_precedent
from desktop_app.views.etat import EtatRevue
from desktop_app.views.operations import Operation


class PanneauDocument(QWidget):
    """``depotAffiche(LigneDepot | None)``: the file now on screen (None: no file)."""

    depotAffiche = Signal(object)

    def __init__(self, espace: Espace, etat: EtatRevue, source: SourceDocuments) -> None:
        super().__init__()
        self.setObjectName("panneauDocument")
        self.espace, self.etat = espace, etat
        self.viewer = DocumentViewer(source)
        self.viewer.rotationChangee.connect(self._rotation_changee)
        self.viewer.documentAffiche.connect(lambda cle: self.etat.marquer_vu(int(cle)))
        self.fichiers = QComboBox()
        self.fichiers.setObjectName("fichiersPiece")
        self.fichiers.setAccessibleName("Fichiers déposés pour la pièce")
        self.fichiers.currentIndexChanged.connect(self._fichier_choisi)
        etiquette = QLabel("F&ichier :")
        etiquette.setBuddy(self.fichiers)
        barre = QHBoxLayout()
        barre.setContentsMargins(8, 4, 8, 0)
        barre.addWidget(etiquette)
        barre.addWidget(self.fichiers, 1)
        self.comparaison = Comparaison(source)
        self.comparaison.viewer.rotationChangee.connect(self._rotation_changee)
        self.comparaison.hide()
        self.action_comparer = creer_action(
            self, "&Comparer avec le dépôt précédent", ["Ctrl+D"], self.comparer, "actionComparer"
        )
        self.action_comparer.setCheckable(True)
        self.action_comparer.setChecked(True)
        self.splitter_comparaison = QSplitter(Qt.Orientation.Horizontal)
        self.splitter_comparaison.setObjectName("comparaisonSplitter")
        self.splitter_comparaison.addWidget(self.comparaison)
        self.splitter_comparaison.addWidget(self.viewer)
        self.splitter_comparaison.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(barre)
        layout.addWidget(self.splitter_comparaison, 1)
        etat.pieceChangee.connect(self._piece_changee)

    def _piece_changee(self) -> None:
        depots = self.etat.depots_de(self.etat.piece)
        self.fichiers.blockSignals(True)
        self.fichiers.clear()
        for depot in depots:
            etat = "" if depot.recevable else " — non recevable"
            ancien = "" if depot.courant else " (dépôt précédent)"
            self.fichiers.addItem(f"{depot.nom}{etat}{ancien}", depot)
        self.fichiers.setEnabled(len(depots) > 1)
        self.fichiers.blockSignals(False)
        if not depots:
            self.fichiers.addItem("Aucun fichier déposé")
            self.viewer.afficher(None, vide="Aucun fichier n'a été déposé pour cette pièce.")
            self.depotAffiche.emit(None)
        else:
            self._fichier_choisi(0)
        self.comparer()  # after: the new file is asked for first

    def montrer_depot(self, depot: LigneDepot) -> None:
        """Show that file of the pièce on screen (chosen in the dossier's tree)."""
        for i in range(self.fichiers.count()):
            if getattr(self.fichiers.itemData(i), "id", None) == depot.id:
                self.fichiers.setCurrentIndex(i)

    def comparer(self) -> None:
        """The previous deposit beside the new one, for a pièce deposited again (Ctrl+D)."""
        piece = self.etat.piece
        refuse = depot_precedent(self.etat.depots_de(piece))
        if piece is None or refuse is None or not self.action_comparer.isChecked():
            self.comparaison.hide()
            self.comparaison.effacer()
            return
        self.comparaison.montrer(piece, refuse, self.document(refuse))
        if not self.comparaison.isVisible():  # the two pages alike, side by side
            self.comparaison.show()
            largeur = self.splitter_comparaison.width()
            vignettes = self.viewer.vignettes
            gauche = max(1, (largeur - (vignettes.width() if vignettes.isVisible() else 0)) // 2)
            self.splitter_comparaison.setSizes([gauche, largeur - gauche])

    def document(self, depot: LigneDepot) -> Document | None:
        """What the viewer needs to show a deposit; None when its file is not in the store."""
        store = self.espace.store
        if depot.sha256 is None or not store.has(depot.sha256):
            return None
        return Document(
            str(depot.id),
            str(store.path(depot.sha256)),
            depot.nom,
            depot.taille_max,
            depot.formats,
            self.etat.rotations.get(depot.id, depot.rotation),
        )

    def _fichier_choisi(self, index: int) -> None:
        depot = self.fichiers.itemData(index)
        if not isinstance(depot, LigneDepot):
            return
        self.depotAffiche.emit(depot)
        document = self.document(depot)
        if document is None:
            self.viewer.afficher(
                None,
                vide=f"Le fichier « {html.escape(depot.nom)} » n'est pas disponible : "
                f"{html.escape(depot.motif or 'il était absent du paquet importé.')}",
            )
        else:
            self.viewer.afficher(document)

    def precharger(self, depot: LigneDepot | None) -> None:
        self.viewer.precharger(self.document(depot) if depot is not None else None)

    def _rotation_changee(self, cle: str, rotation: int) -> None:
        depot_id = int(cle)
        self.etat.rotations[depot_id] = rotation
        Operation.ecriture(
            self,
            self.espace,
            lambda s: memoriser_rotation(s, depot_id, rotation),
            "Rotation non mémorisée",
        ).lancer_sans_figer()  # as a decision: the window paints, the next R waits for it
