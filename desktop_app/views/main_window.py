"""The main window: the campaign's candidatures; for the selected one, its pièces; for the
selected pièce, its file in the embedded viewer (the next pièce's file prefetched)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, __version__
from desktop_app.models import libelle_statut
from desktop_app.services.dates import format_date, format_datetime
from desktop_app.services.depots import memoriser_rotation
from desktop_app.services.espace import Espace
from desktop_app.services.exporter import exporter_decisions
from desktop_app.services.importer import (
    ImportAnnule,
    PaquetInutilisable,
    RapportImport,
    importer_paquet,
)
from desktop_app.services.requetes import (
    STATUTS_COMPTES,
    CampagneResume,
    LigneCandidature,
    LigneDepot,
    campagnes,
    depots_de,
    lister_candidatures,
    pieces_de,
)
from desktop_app.viewer.document_viewer import DocumentViewer
from desktop_app.viewer.service import Document, ServiceDocuments
from desktop_app.views.item_models import CandidatureTableModel, PieceTableModel
from desktop_app.views.taches import TacheAvecProgression


def _table(name: str, accessible: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setHighlightSections(False)
    view.setWordWrap(False)
    return view


class RapportDialog(QDialog):
    """What an import did, and every refused row, in words a gestionnaire reads."""

    def __init__(self, rapport: RapportImport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rapportImport")
        self.setWindowTitle("Rapport d'import")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        resume = QLabel(rapport.resume())
        resume.setWordWrap(True)
        layout.addWidget(resume)
        lines = [
            f"{'Refusé' if m.niveau == 'erreur' else 'Attention'} — {m}" for m in rapport.messages
        ]
        lines += [f"Conflit — {c}" for c in rapport.conflits]
        if lines:
            details = QPlainTextEdit("\n".join(lines))
            details.setReadOnly(True)
            details.setObjectName("rapportDetails")
            layout.addWidget(details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


class MainWindow(QMainWindow):
    ETAT_VIDE = (
        "<h2>Aucune campagne</h2><p>Importez un paquet de dossiers "
        "(<b>Fichier › Importer un paquet</b>, Ctrl+I)<br>ou lancez l'application avec "
        "<code>--demo</code> pour découvrir une campagne de démonstration.</p>"
    )

    def __init__(self, espace: Espace) -> None:
        super().__init__()
        self.espace = espace
        self.campagne: CampagneResume | None = None
        self.tache_en_cours: TacheAvecProgression | None = None
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.resize(1440, 860)

        self.titre = QLabel()
        self.titre.setObjectName("campagneTitre")
        self.titre.setTextFormat(Qt.TextFormat.RichText)
        self.titre.setContentsMargins(8, 6, 8, 6)

        self.candidatures = CandidatureTableModel(self)
        self.candidature_view = _table("candidatureTable", "Liste des candidatures")
        self.candidature_view.setModel(self.candidatures)
        self.candidature_view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by name
        self.candidature_view.selectionModel().selectionChanged.connect(self._on_selection)

        self.identite = QLabel()
        self.identite.setObjectName("identiteCandidat")
        self.identite.setTextFormat(Qt.TextFormat.RichText)
        self.identite.setWordWrap(True)
        self.identite.setContentsMargins(8, 6, 8, 6)
        self.identite.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pieces = PieceTableModel(self)
        self.piece_view = _table("pieceTable", "Pièces de la candidature")
        self.piece_view.setModel(self.pieces)
        self.piece_view.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # by regroupement
        self.piece_view.selectionModel().selectionChanged.connect(self._piece_choisie)

        self.service_documents = ServiceDocuments(self)
        self.viewer = DocumentViewer(self.service_documents)
        self.viewer.rotationChangee.connect(self._rotation_changee)
        self.fichiers = QComboBox()
        self.fichiers.setObjectName("fichiersPiece")
        self.fichiers.setAccessibleName("Fichiers déposés pour la pièce")
        self.fichiers.currentIndexChanged.connect(self._fichier_choisi)
        self._rotations: dict[int, int] = {}  # changed during this session, by deposit id
        etiquette = QLabel("&Fichier :")
        etiquette.setBuddy(self.fichiers)
        barre = QHBoxLayout()
        barre.setContentsMargins(8, 4, 8, 0)
        barre.addWidget(etiquette)
        barre.addWidget(self.fichiers, 1)
        visionneuse = QWidget()
        visionneuse.setObjectName("panneauDocument")
        visionneuse_layout = QVBoxLayout(visionneuse)
        visionneuse_layout.setContentsMargins(0, 0, 0, 0)
        visionneuse_layout.addLayout(barre)
        visionneuse_layout.addWidget(self.viewer, 1)

        droite = QWidget()
        layout = QVBoxLayout(droite)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.identite)
        layout.addWidget(self.piece_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.candidature_view)
        self.splitter.addWidget(droite)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter_document = QSplitter(Qt.Orientation.Horizontal)
        self.splitter_document.setObjectName("documentSplitter")
        self.splitter_document.addWidget(self.splitter)
        self.splitter_document.addWidget(visionneuse)
        self.splitter_document.setStretchFactor(0, 3)
        self.splitter_document.setStretchFactor(1, 2)

        self.vide = QLabel(self.ETAT_VIDE)
        self.vide.setObjectName("etatVide")
        self.vide.setAlignment(Qt.AlignmentFlag.AlignCenter)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.titre)
        page_layout.addWidget(self.splitter_document, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.vide)
        self.pages.addWidget(page)
        self.setCentralWidget(self.pages)

        self.compteurs = QLabel()
        self.compteurs.setObjectName("compteurs")
        self.statusBar().addPermanentWidget(self.compteurs)
        self._menus()
        self._restore()

    # -- menus -------------------------------------------------------------------------------
    def _action(
        self, text: str, shortcut: QKeySequence | str | None, slot: Any, name: str
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({keys})")
        action.triggered.connect(slot)
        return action

    def _menus(self) -> None:
        fichier = self.menuBar().addMenu("&Fichier")
        fichier.addAction(
            self._action(
                "&Importer un paquet (archive .zip)…",
                "Ctrl+I",
                self.importer_zip,
                "actionImporterZip",
            )
        )
        fichier.addAction(
            self._action(
                "Importer un paquet (&dossier)…",
                "Ctrl+Shift+I",
                self.importer_dossier,
                "actionImporterDossier",
            )
        )
        self.action_export = self._action(
            "&Exporter les décisions…", "Ctrl+E", self.exporter, "actionExporter"
        )
        fichier.addAction(self.action_export)
        fichier.addSeparator()
        fichier.addAction(
            self._action("&Quitter", QKeySequence.StandardKey.Quit, self.close, "actionQuitter")
        )
        aide = self.menuBar().addMenu("&Aide")
        aide.addAction(
            self._action(f"À &propos de {APP_NAME}", None, self.a_propos, "actionAPropos")
        )

    # -- state ------------------------------------------------------------------------------
    def _restore(self) -> None:
        settings = QSettings()
        geometry = settings.value("fenetre/geometrie")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("fenetre/separateur")
        if state is not None:
            self.splitter.restoreState(state)
        state = settings.value("fenetre/separateurDocument")
        if state is not None:
            self.splitter_document.restoreState(state)

    def suivre(self, tache: TacheAvecProgression) -> TacheAvecProgression:
        """Remember the running background work (one at a time) until it finishes."""
        self.tache_en_cours = tache
        tache.finished.connect(lambda *_: setattr(self, "tache_en_cours", None))
        return tache

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.tache_en_cours is not None:  # its thread must end first: nothing half-written
            event.ignore()
            self.statusBar().showMessage(
                "Un traitement est en cours : attendez sa fin ou annulez-le avant de quitter.",
                8000,
            )
            return
        settings = QSettings()
        settings.setValue("fenetre/geometrie", self.saveGeometry())
        settings.setValue("fenetre/separateur", self.splitter.saveState())
        settings.setValue("fenetre/separateurDocument", self.splitter_document.saveState())
        self.service_documents.close()
        super().closeEvent(event)

    def recharger(self) -> None:
        """Read the campaign and its candidatures again (after an import, at start)."""
        with self.espace.db.read() as session:
            toutes = campagnes(session)
            self.campagne = toutes[0] if toutes else None
            rows = lister_candidatures(session, self.campagne.id) if self.campagne else []
        self.action_export.setEnabled(self.campagne is not None)
        self.pages.setCurrentIndex(1 if self.campagne else 0)
        self.candidatures.set_rows(rows)
        self.pieces.set_rows([])
        self._montrer_depots([])
        self.identite.setText("<i>Sélectionnez une candidature pour voir ses pièces.</i>")
        if self.campagne is None:
            self.titre.clear()
            self.compteurs.clear()
            return
        c = self.campagne
        cloture = format_datetime(c.cloture)
        self.titre.setText(
            f"<b style='font-size:14pt'>{html.escape(c.titre)}</b>"
            + (f" &nbsp;·&nbsp; clôture le {cloture}" if cloture else "")
        )
        self.setWindowTitle(f"{c.titre} — {APP_NAME}")
        self._compter(rows)
        header = self.candidature_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((110, 190, 170, 90, 330)):
            header.resizeSection(column, width)
        for column in range(5, self.candidatures.columnCount()):
            header.resizeSection(column, 78)
        if rows:
            self.candidature_view.selectRow(0)

    def _compter(self, rows: list[LigneCandidature]) -> None:
        totals = [0] * len(STATUTS_COMPTES)
        for row in rows:
            for i, n in enumerate(row.compteurs):
                totals[i] += n
        details = " · ".join(
            f"{libelle_statut(s)} : {n}" for s, n in zip(STATUTS_COMPTES, totals, strict=True)
        )
        self.compteurs.setText(f"{len(rows)} candidatures · {sum(totals)} pièces — {details}")

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        row: LigneCandidature = self.candidatures.row_at(indexes[0].row())
        with self.espace.db.read() as session:
            pieces = pieces_de(session, row.id)
        self.pieces.set_rows(pieces)
        self.piece_view.resizeColumnsToContents()
        nom = html.escape(row.nom + (f" (nom d'usage {row.nom_usage})" if row.nom_usage else ""))
        self.identite.setText(
            f"<b style='font-size:12pt'>{nom} {html.escape(row.prenoms)}</b> — né(e) le "
            f"{format_date(row.date_naissance)} &nbsp;·&nbsp; N° candidat {row.n_candidat} "
            f"&nbsp;·&nbsp; inscription n° {row.n_inscription}<br>{html.escape(row.specialite)}"
        )
        if pieces:
            self.piece_view.selectRow(0)
        else:
            self._montrer_depots([])

    # -- the selected pièce's files ----------------------------------------------------------
    def _piece_choisie(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        ligne = indexes[0].row()
        with self.espace.db.read() as session:
            depots = depots_de(session, self.pieces.row_at(ligne).id)
        self._montrer_depots(depots)
        QTimer.singleShot(0, lambda: self._precharger_apres(ligne))

    def _montrer_depots(self, depots: list[LigneDepot]) -> None:
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
            return
        self._fichier_choisi(0)

    def _document(self, depot: LigneDepot) -> Document | None:
        if depot.sha256 is None or not self.espace.store.has(depot.sha256):
            return None
        return Document(
            str(depot.id),
            str(self.espace.store.path(depot.sha256)),
            depot.nom,
            depot.taille_max,
            depot.formats,
            self._rotations.get(depot.id, depot.rotation),
        )

    def _fichier_choisi(self, index: int) -> None:
        depot = self.fichiers.itemData(index)
        if not isinstance(depot, LigneDepot):
            return
        document = self._document(depot)
        if document is None:
            self.viewer.afficher(
                None,
                vide=f"Le fichier « {html.escape(depot.nom)} » n'est pas disponible : "
                f"{html.escape(depot.motif or 'il était absent du paquet importé.')}",
            )
        else:
            self.viewer.afficher(document)

    def _precharger_apres(self, ligne: int) -> None:
        """Prefetch the file the gestionnaire will most likely look at next: the next pièce's,
        or the first pièce's of the next candidature."""
        piece_id = None
        if ligne + 1 < self.pieces.rowCount():
            piece_id = self.pieces.row_at(ligne + 1).id
        else:
            rows = self.candidature_view.selectionModel().selectedRows()
            suivante = rows[0].row() + 1 if rows else self.candidatures.rowCount()
            if suivante < self.candidatures.rowCount():
                with self.espace.db.read() as session:
                    pieces = pieces_de(session, self.candidatures.row_at(suivante).id)
                piece_id = pieces[0].id if pieces else None
        if piece_id is None:
            return
        with self.espace.db.read() as session:
            depots = depots_de(session, piece_id)
        document = self._document(depots[0]) if depots else None
        self.viewer.precharger(document)

    def _rotation_changee(self, cle: str, rotation: int) -> None:
        self._rotations[int(cle)] = rotation
        memoriser_rotation(self.espace.db, int(cle), rotation)

    # -- actions ----------------------------------------------------------------------------
    def importer_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Importer un paquet de dossiers", "", "Paquet de dossiers (*.zip)"
        )
        if path:
            self.importer(Path(path))

    def importer_dossier(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Dossier du paquet à importer")
        if path:
            self.importer(Path(path))

    def importer(self, chemin: Path) -> TacheAvecProgression:
        espace = self.espace

        def travail(progress: Any) -> RapportImport:
            return importer_paquet(
                espace.db, espace.store, chemin, progression=progress, worker=espace.inspection
            )

        tache = self.suivre(TacheAvecProgression(self, f"Import de {chemin.name}", travail))
        tache.finished.connect(self._import_fini)
        tache.start()
        return tache

    def _import_fini(self, rapport: RapportImport | None, erreur: BaseException | None) -> None:
        if isinstance(erreur, ImportAnnule):
            self.statusBar().showMessage("Import annulé : la base n'a pas été modifiée.", 8000)
            return
        if isinstance(erreur, PaquetInutilisable):
            QMessageBox.warning(self, "Paquet refusé", str(erreur))
            return
        if erreur is not None:
            QMessageBox.critical(
                self,
                "Import impossible",
                f"L'import a échoué, la base n'a pas été modifiée.\n\n{erreur}",
            )
            return
        assert rapport is not None
        self.recharger()
        self.statusBar().showMessage(rapport.resume(), 15000)
        if rapport.messages or rapport.conflits:
            RapportDialog(rapport, self).exec()

    def exporter(self) -> None:
        if self.campagne is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Exporter les décisions", "decisions.csv", "Fichier CSV (*.csv)"
        )
        if not path:
            return
        try:
            with self.espace.db.read() as session:
                n = exporter_decisions(session, self.campagne.id, Path(path))
        except OSError as exc:
            QMessageBox.warning(
                self, "Export impossible", f"Impossible d'écrire {path} : {exc.strerror or exc}"
            )
            return
        self.statusBar().showMessage(f"{n} ligne(s) exportée(s) dans {path}", 10000)

    def a_propos(self) -> None:
        QMessageBox.about(
            self,
            f"À propos de {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3><p>Contrôle des pièces justificatives des "
            "candidats aux examens.</p><p>Données : "
            f"<code>{html.escape(str(self.espace.paths.root))}"
            f"</code><br>Base : <code>{html.escape(self.espace.db.url_affichable)}</code></p>",
        )
