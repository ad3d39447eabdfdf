"""A re-deposit beside the file it replaces: after a Non conforme, the new file is judged
against the refused one and the comment the candidate read."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_app.services.dates import format_datetime
from desktop_app.services.requetes import LigneDepot, LignePiece
from desktop_app.viewer.document_viewer import DocumentViewer
from desktop_app.viewer.source import Document, SourceDocuments


def depot_precedent(depots: list[LigneDepot]) -> LigneDepot | None:
    """The first file of the round before the latest one (the one judged Non conforme), if
    the pièce was deposited again."""
    anciens = [d for d in depots if not d.courant]
    if not anciens or not any(d.courant for d in depots):
        return None
    tour = max(d.tour for d in anciens)
    return next(d for d in anciens if d.tour == tour)


ROUGE = "QLabel { background: #fdecea; color: #5f2120; border-left: 4px solid #b3261e; }"
NEUTRE = "QLabel { background: #f3f2f1; color: #323130; border-left: 4px solid #8a8886; }"


class Comparaison(QWidget):
    """The previous deposit (the refused file, its date and the comment given) in a second
    viewer, driven from its own toolbar: the keys stay with the main viewer."""

    def __init__(self, source: SourceDocuments, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("comparaisonRefus")
        self.titre = QLabel()
        self.titre.setObjectName("titreRefus")
        self.titre.setTextFormat(Qt.TextFormat.RichText)
        self.titre.setWordWrap(True)
        self.titre.setMargin(6)
        self.viewer = DocumentViewer(source, raccourcis=False)
        self.viewer.setObjectName("viewerRefuse")
        self.viewer.setAccessibleName("Fichier du dépôt précédent")
        self.viewer.action_vignettes.setChecked(False)  # half the width: the page first
        self.viewer.vignettes.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.titre)
        layout.addWidget(self.viewer, 1)

    def montrer(self, piece: LignePiece, refuse: LigneDepot, document: Document | None) -> None:
        e = html.escape
        depose = format_datetime(refuse.date_depot)
        # Refused: judged Non conforme (its comment is kept), or not recevable. Otherwise the
        # candidate simply sent the pièce again: say what it was, nothing more.
        refuse_vraiment = bool(piece.commentaire_precedent) or not refuse.recevable
        quoi = "Fichier refusé" if refuse_vraiment else "Dépôt précédent"
        self.titre.setStyleSheet(ROUGE if refuse_vraiment else NEUTRE)
        lignes = [f"<b>{quoi}</b> — {e(refuse.nom)}" + (f", déposé le {depose}" if depose else "")]
        if not refuse.recevable and refuse.motif:
            lignes.append(f"Non recevable : {e(refuse.motif, quote=False)}")
        if piece.commentaire_precedent:
            lignes.append(f"Commentaire : « {e(piece.commentaire_precedent, quote=False)} »")
        if piece.redepot_identique:
            lignes.append("<b>Le nouveau fichier a le même contenu.</b>")
        self.titre.setText("<br>".join(lignes))
        if document is None:
            motif = refuse.motif or "il était absent du paquet importé."
            self.viewer.afficher(None, vide=f"Fichier non disponible : {e(motif)}")
        else:
            self.viewer.afficher(document)

    def effacer(self) -> None:
        if self.viewer.doc is not None:  # hidden already: nothing to redo at each pièce
            self.viewer.afficher(None)
