"""The first main window: the campaign's candidatures and, for the selected one, its pièces."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
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
    campagnes,
    lister_candidatures,
    pieces_de,
)
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
        self.resize(1280, 760)

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

        self.vide = QLabel(self.ETAT_VIDE)
        self.vide.setObjectName("etatVide")
        self.vide.setAlignment(Qt.AlignmentFlag.AlignCenter)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.titre)
        page_layout.addWidget(self.splitter, 1)
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
