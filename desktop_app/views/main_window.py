"""The main window: the campaign's candidatures; for the selected one, its pièces; for the
selected pièce, its file in the embedded viewer (the next pièce's file prefetched)."""

from __future__ import annotations

import datetime as dt
import html
import sys
from dataclasses import replace
from importlib.metadata import version as version_de
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QSettings, Qt, QTimer, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from desktop_app import APP_NAME, __version__, journal
from desktop_app.documents.inspection import taille_limite
from desktop_app.models import Statut, libelle_statut
from desktop_app.services.dates import (
    DateInvalide,
    format_datetime,
    format_time,
    now_utc,
    parse_date,
    today_paris,
)
from desktop_app.services.decisions import (
    ConflitDecision,
    DecisionEnregistree,
    DecisionRefusee,
    annuler_decision,
    enregistrer_decision,
)
from desktop_app.services.depots import memoriser_rotation
from desktop_app.services.espace import EN_EQUIPE, Espace
from desktop_app.services.progression import ImportAnnule
from desktop_app.services.recherche import FILTRES
from desktop_app.services.reglages import NouvelleTaille, changer_taille_max, specialites_de
from desktop_app.services.regles import MOTIFS_NON_CONFORMITE, a_controler, refus
from desktop_app.services.requetes import (
    STATUTS_COMPTES,
    CampagneResume,
    LigneDepot,
    LignePiece,
    campagnes,
    depots_de,
    depots_des_pieces,
    historique_de,
    identite_de,
    ligne_candidature,
    lister_candidatures,
    pieces_de,
    totaux,
)
from desktop_app.services.sauvegardes import Motif
from desktop_app.viewer.actions import creer_action
from desktop_app.viewer.document_viewer import DocumentViewer
from desktop_app.viewer.service import Document, ServiceDocuments
from desktop_app.views.comparaison import Comparaison, fichier_refuse
from desktop_app.views.decision_panel import DecisionPanel
from desktop_app.views.dialogues import AideClavier, SpecialitesDialog
from desktop_app.views.dossier import ROLE_DEPOT, ROLE_PIECE, item_piece, texte_identite
from desktop_app.views.item_models import CandidatureTableModel
from desktop_app.views.parametres import ParametresDialog
from desktop_app.views.sauvegardes import SauvegardesDialog
from desktop_app.views.taches import TacheAvecProgression, en_fond

if TYPE_CHECKING:  # the importer and the exporter are loaded when first used: a faster start
    from desktop_app.services.importer import RapportImport
    from desktop_app.views.suivi import SuiviFenetre


def _colonne(nom: str, *contenu: QWidget | QLayout | tuple[QWidget, int]) -> QWidget:
    """A panel laying out ``contenu`` top to bottom, without margins; (widget, n) stretches."""
    panneau = QWidget()
    panneau.setObjectName(nom)
    layout = QVBoxLayout(panneau)
    layout.setContentsMargins(0, 0, 0, 0)
    for element in contenu:
        if isinstance(element, QLayout):
            layout.addLayout(element)
        elif isinstance(element, tuple):
            layout.addWidget(*element)
        else:
            layout.addWidget(element)
    return panneau


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
        self.suivi: SuiviFenetre | None = None
        self._mes_specialites: frozenset[str] = frozenset()
        self.candidature_id: int | None = None
        self.piece: LignePiece | None = None
        self.depots: dict[int, list[LigneDepot]] = {}  # of the dossier's pièces, by pièce id
        self._vus: set[int] = set()  # deposits displayed on screen during this session
        self._rotations: dict[int, int] = {}  # changed during this session, by deposit id
        self._annulables: list[tuple[DecisionEnregistree, int]] = []  # (decision, candidature)
        self._a_reessayer: tuple[LignePiece, Statut | None, str, dt.date | None] | None = None
        self._totaux = [0] * len(STATUTS_COMPTES)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.resize(1600, 900)

        self.titre = QLabel()
        self.titre.setObjectName("campagneTitre")
        self.titre.setTextFormat(Qt.TextFormat.RichText)
        self.titre.setContentsMargins(8, 6, 8, 6)

        # -- the list of candidatures, its search and quick filters
        self.recherche = QLineEdit()
        self.recherche.setObjectName("searchField")
        self.recherche.setAccessibleName("Rechercher une candidature")
        self.recherche.setPlaceholderText("Nom, prénom ou N° candidat (Ctrl+F)")
        self.recherche.setClearButtonEnabled(True)
        self.recherche.textChanged.connect(self._filtrer)
        self.filtre = QComboBox()
        self.filtre.setObjectName("filtreCandidatures")
        self.filtre.setAccessibleName("Filtre rapide")
        for f in FILTRES:
            self.filtre.addItem(f.libelle, f)
        self.filtre.currentIndexChanged.connect(self._filtrer)
        self.filtre_specialite = QComboBox()
        self.filtre_specialite.setObjectName("filtreSpecialite")
        self.filtre_specialite.setAccessibleName("Spécialités")
        self.filtre_specialite.currentIndexChanged.connect(self._filtrer)
        self.candidatures = CandidatureTableModel(self)
        self.candidature_view = _table("candidatureTable", "Liste des candidatures")
        self.candidature_view.setModel(self.candidatures)
        self.candidature_view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by name
        self.candidature_view.selectionModel().selectionChanged.connect(self._on_selection)
        self.nombre = QLabel()
        self.nombre.setObjectName("nombreAffiche")
        filtres = QHBoxLayout()
        filtres.setContentsMargins(4, 4, 4, 0)
        filtres.addWidget(self.recherche, 2)
        filtres.addWidget(self.filtre, 1)
        filtres.addWidget(self.filtre_specialite, 1)
        liste = _colonne("panneauListe", filtres, (self.candidature_view, 1), self.nombre)

        # -- the dossier: identity pinned beside the document, pièces by regroupement
        self.identite = QLabel()
        self.identite.setObjectName("identiteCandidat")
        self.identite.setAccessibleName("Identité du candidat")
        self.identite.setTextFormat(Qt.TextFormat.RichText)
        self.identite.setWordWrap(True)
        self.identite.setContentsMargins(8, 6, 8, 6)
        self.identite.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.arbre = QTreeWidget()
        self.arbre.setObjectName("pieceTree")
        self.arbre.setAccessibleName("Pièces du dossier")
        self.arbre.setHeaderLabels(["Pièce", "Statut", "Modalité", "Échéance"])
        self.arbre.setUniformRowHeights(True)
        entete = self.arbre.header()
        entete.setStretchLastSection(False)
        entete.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for colonne in (1, 2, 3):
            entete.setSectionResizeMode(colonne, QHeaderView.ResizeMode.ResizeToContents)
        self.arbre.setRootIsDecorated(True)
        self.arbre.itemSelectionChanged.connect(self._piece_choisie)
        dossier = _colonne("panneauDossier", self.identite, (self.arbre, 1))

        # -- the viewer
        self.service_documents = ServiceDocuments(self)
        self.viewer = DocumentViewer(self.service_documents)
        self.viewer.rotationChangee.connect(self._rotation_changee)
        self.viewer.documentAffiche.connect(self._document_affiche)
        self.fichiers = QComboBox()
        self.fichiers.setObjectName("fichiersPiece")
        self.fichiers.setAccessibleName("Fichiers déposés pour la pièce")
        self.fichiers.currentIndexChanged.connect(self._fichier_choisi)
        etiquette = QLabel("&Fichier :")
        etiquette.setBuddy(self.fichiers)
        barre = QHBoxLayout()
        barre.setContentsMargins(8, 4, 8, 0)
        barre.addWidget(etiquette)
        barre.addWidget(self.fichiers, 1)
        # A re-deposit after a Non conforme: the refused file beside the new one.
        self.comparaison = Comparaison(self.service_documents)
        self.comparaison.viewer.rotationChangee.connect(self._rotation_changee)
        self.comparaison.hide()
        self.splitter_comparaison = QSplitter(Qt.Orientation.Horizontal)
        self.splitter_comparaison.setObjectName("comparaisonSplitter")
        self.splitter_comparaison.addWidget(self.comparaison)
        self.splitter_comparaison.addWidget(self.viewer)
        self.splitter_comparaison.setChildrenCollapsible(False)
        visionneuse = _colonne("panneauDocument", barre, (self.splitter_comparaison, 1))

        # -- the decision panel
        self.panneau = DecisionPanel()
        self.panneau.reessayer.clicked.connect(self.reessayer)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(liste)
        self.splitter.addWidget(dossier)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter_document = QSplitter(Qt.Orientation.Horizontal)
        self.splitter_document.setObjectName("documentSplitter")
        self.splitter_document.addWidget(self.splitter)
        self.splitter_document.addWidget(visionneuse)
        self.splitter_document.addWidget(self.panneau)
        self.splitter_document.setStretchFactor(0, 3)
        self.splitter_document.setStretchFactor(1, 4)
        self.splitter_document.setStretchFactor(2, 0)
        self.splitter_document.setSizes([560, 720, 320])

        self.vide = QLabel(self.ETAT_VIDE)
        self.vide.setObjectName("etatVide")
        self.vide.setAlignment(Qt.AlignmentFlag.AlignCenter)
        page = _colonne("pageCampagne", self.titre, (self.splitter_document, 1))
        self.pages = QStackedWidget()
        self.pages.addWidget(self.vide)
        self.pages.addWidget(page)
        self.setCentralWidget(self.pages)

        self.compteurs = QLabel()
        self.compteurs.setObjectName("compteurs")
        self.statusBar().addPermanentWidget(self.compteurs)
        self._menus()
        self.panneau.poser_motifs(self.espace.settings.motifs or MOTIFS_NON_CONFORMITE)
        self.panneau.montrer(None, [], today_paris())
        self._restore()

    # -- menus -------------------------------------------------------------------------------
    def _action(self, text: str, shortcut: Any, slot: Any, name: str, *autres: Any) -> QAction:
        raccourcis = [] if shortcut is None else [shortcut, *autres]
        action = creer_action(self, text, raccourcis, slot, name)
        self.addAction(action)
        return action

    def _menus(self) -> None:
        fichier = self.menuBar().addMenu("&Fichier")
        fichier.addAction(self._action("&Importer un paquet (archive .zip)…", "Ctrl+I",
                                       self.importer_zip, "actionImporterZip"))  # fmt: skip
        fichier.addAction(self._action("Importer un paquet (&dossier)…", "Ctrl+Shift+I",
                                       self.importer_dossier, "actionImporterDossier"))  # fmt: skip
        self.action_export = self._action(
            "&Exporter les décisions…", "Ctrl+E", self.exporter, "actionExporter"
        )
        fichier.addAction(self.action_export)
        fichier.addSeparator()
        self.action_sauvegardes = self._action(
            "&Sauvegardes de la base…", None, self.sauvegardes, "actionSauvegardes"
        )
        if not self.espace.locale:
            self.action_sauvegardes.setEnabled(False)
            self.action_sauvegardes.setToolTip(EN_EQUIPE)
        fichier.addAction(self.action_sauvegardes)
        for texte, methode, nom in (
            ("&Vérifier l'historique des décisions", self.verifier_historique,
             "actionVerifierHistorique"),
            ("Exporter l'&historique du candidat…", self.exporter_historique,
             "actionExporterHistorique"),
        ):  # fmt: skip
            fichier.addAction(self._action(texte, None, methode, nom))
        fichier.addSeparator()
        fichier.addAction(
            self._action("&Quitter", QKeySequence.StandardKey.Quit, self.close, "actionQuitter")
        )

        decision = self.menuBar().addMenu("&Décision")
        S = Statut
        self.actions_statut = {
            S.CONFORME: self._action("&Conforme", "C", lambda: self.decider(S.CONFORME),
                                     "actionConforme"),
            S.NON_CONFORME: self._action("&Non conforme…", "N",
                                         lambda: self.decider(S.NON_CONFORME),
                                         "actionNonConforme"),
            S.RECUE: self._action("&Reçue", "R", lambda: self.decider(S.RECUE), "actionRecue"),
            S.EN_ATTENTE_NOUVELLE_PJ: self._action(
                "En attente d'une nouvelle &PJ", "P",
                lambda: self.decider(S.EN_ATTENTE_NOUVELLE_PJ), "actionAttentePJ"),
            S.EN_ATTENTE_CONTROLE: self._action(
                "En attente de &contrôle", "E", lambda: self.decider(S.EN_ATTENTE_CONTROLE),
                "actionAttenteControle"),
            None: self._action("&Aucun statut", "0", lambda: self.decider(None),
                               "actionAucunStatut"),
        }  # fmt: skip
        for action in self.actions_statut.values():
            decision.addAction(action)
        self.action_conformes = self._action(
            "Conforme pour toutes les pièces &affichées du dossier…", "Ctrl+Shift+C",
            self.conformes_affichees, "actionConformesAffichees",
        )  # fmt: skip
        decision.addAction(self.action_conformes)
        self.action_valider = self._action(
            "Enregistrer le non conforme", "Ctrl+Return", self.valider_non_conforme,
            "actionValiderNonConforme", "Ctrl+Enter",
        )  # fmt: skip
        decision.addAction(self.action_valider)
        decision.addSeparator()
        self.action_annuler = self._action(
            "Annuler la dernière décision", QKeySequence.StandardKey.Undo, self.annuler,
            "actionAnnuler",
        )  # fmt: skip
        decision.addAction(self.action_annuler)
        self.panneau.poser_actions(list(self.actions_statut.values()), self.action_valider)

        navigation = self.menuBar().addMenu("&Navigation")
        for texte, touches, slot, nom in (
            ("Pièce suivante", ("J", "Alt+Down"), lambda: self.piece_voisine(1),
             "actionPieceSuivante"),
            ("Pièce précédente", ("K", "Alt+Up"), lambda: self.piece_voisine(-1),
             "actionPiecePrecedente"),
            ("Dossier suivant", ("Shift+J", "Alt+PgDown"), lambda: self.dossier_voisin(1),
             "actionDossierSuivant"),
            ("Dossier précédent", ("Shift+K", "Alt+PgUp"), lambda: self.dossier_voisin(-1),
             "actionDossierPrecedent"),
            ("Prochaine pièce à contrôler", ("F3", "Ctrl+Space"), self.prochaine_a_controler,
             "actionProchaine"),
            ("Rechercher une candidature", ("Ctrl+F",), self.chercher, "actionRechercher"),
        ):  # fmt: skip
            navigation.addAction(self._action(texte, touches[0], slot, nom, *touches[1:]))

        affichage = self.menuBar().addMenu("&Affichage")
        for action in self.viewer.actions():
            affichage.addAction(action)
        affichage.addSeparator()
        self.action_comparer = self._action(
            "&Comparer avec le fichier refusé", "Ctrl+D", self._comparer, "actionComparer"
        )
        self.action_comparer.setCheckable(True)
        self.action_comparer.setChecked(True)
        affichage.addAction(self.action_comparer)

        suivi = self.menuBar().addMenu("&Suivi")
        self.actions_suivi = [
            self._action("&Suivi de la campagne (tableau de bord, relances, annulations)…",
                         "F9", self.ouvrir_suivi, "actionSuivi"),
            self._action("&Matrice des statuts (XLSX ou CSV)…", "Ctrl+Shift+E",
                         self.exporter_matrice, "actionMatrice"),
            self._action("&Fiches de contrôle des candidatures listées…", None,
                         self.fiches_de_la_liste, "actionFiches"),
            self._action("&Copier les fichiers des candidatures listées…", None,
                         self.copier_fichiers, "actionCopierFichiers"),
            self._action("&Réception postale d'une liste de pièces…", None,
                         self.reception_en_lot, "actionReceptionLot"),
        ]  # fmt: skip
        for action in self.actions_suivi:
            suivi.addAction(action)

        parametres = self.menuBar().addMenu("&Paramètres")
        parametres.addAction(
            self._action("&Paramètres…", "Ctrl+,", self.parametres, "actionParametres")
        )
        parametres.addAction(
            self._action(
                "Mes &spécialités…", None, self.choisir_specialites, "actionMesSpecialites"
            )
        )

        aide = self.menuBar().addMenu("&Aide")
        aide.addAction(self._action("&Raccourcis clavier", "F1", self.aide_clavier,
                                    "actionAideClavier"))  # fmt: skip
        aide.addAction(
            self._action(f"À &propos de {APP_NAME}", None, self.a_propos, "actionAPropos")
        )

    def aide_clavier(self) -> None:
        groupes = [(m.title(), m.actions()) for m in self.menuBar().findChildren(QMenu)
                   if m.title()]  # fmt: skip
        AideClavier(groupes, self).exec()

    # -- state ------------------------------------------------------------------------------
    def _restore(self) -> None:
        settings = QSettings()
        geometry = settings.value("fenetre/geometrie")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.action_comparer.setChecked(settings.value("fenetre/comparer", True, type=bool))
        for cle, splitter in (
            ("fenetre/separateur", self.splitter),
            ("fenetre/separateurDocument2", self.splitter_document),
        ):
            state = settings.value(cle)
            if state is not None:
                splitter.restoreState(state)  # fmt: skip

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
        settings.setValue("fenetre/separateurDocument2", self.splitter_document.saveState())
        settings.setValue("fenetre/comparer", self.action_comparer.isChecked())
        self.service_documents.close()
        super().closeEvent(event)

    def recharger(self) -> None:
        """Read the campaign and its candidatures again (after an import, at start)."""
        with self.espace.db.read() as session:
            toutes = campagnes(session)
            self.campagne = toutes[0] if toutes else None
            rows = lister_candidatures(session, self.campagne.id) if self.campagne else []
        self.action_export.setEnabled(self.campagne is not None)
        for action in self.actions_suivi:
            action.setEnabled(self.campagne is not None)
        self._mes_specialites = self._specialites_affectees()
        self.pages.setCurrentIndex(1 if self.campagne else 0)
        c = self.campagne
        self._specialites(sorted({r.specialite for r in rows}))
        self.candidatures.set_rows(rows, bool(c and c.cloture and c.cloture < now_utc()))
        self._dossier(None)
        if c is None:
            self.titre.clear()
            self.compteurs.clear()
            return
        cloture = format_datetime(c.cloture)
        self.titre.setText(
            f"<b style='font-size:14pt'>{html.escape(c.titre)}</b>"
            + (f" &nbsp;·&nbsp; clôture le {cloture}" if cloture else "")
        )
        self.setWindowTitle(f"{c.titre} — {APP_NAME}")
        self._totaux = totaux(rows)
        self._compter()
        header = self.candidature_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((100, 170, 140, 82, 260, 130)):
            header.resizeSection(column, width)
        for column in range(6, self.candidatures.columnCount()):
            header.resizeSection(column, 70)
        header.resizeSection(self.candidatures.columnCount() - 1, 120)
        if self.candidatures.rowCount():
            self.candidature_view.selectRow(0)

    def _specialites(self, toutes: list[str]) -> None:
        self.filtre_specialite.blockSignals(True)
        self.filtre_specialite.clear()
        self.filtre_specialite.addItem("Toutes les spécialités", None)
        self.filtre_specialite.addItem("Mes spécialités", "miennes")
        for specialite in toutes:
            self.filtre_specialite.addItem(specialite, specialite)
        self.filtre_specialite.blockSignals(False)

    def _filtrer(self, *_: object) -> None:
        choix = self.filtre_specialite.currentData()
        m = self.candidatures
        m.recherche = self.recherche.text()
        m.filtre = self.filtre.currentData() or FILTRES[0]
        if choix == "miennes":
            m.specialites = self._mes_specialites or frozenset(self.espace.settings.specialites)
        else:
            m.specialites = None if choix is None else frozenset({choix})
        m.filtrer()
        self._compter()
        if m.rowCount() and self.candidature_id is not None:
            row = m.ligne_de(self.candidature_id)
            if row >= 0:  # the dossier on screen stays selected if the filter keeps it
                self.candidature_view.selectionModel().blockSignals(True)
                self.candidature_view.selectRow(row)
                self.candidature_view.selectionModel().blockSignals(False)
                self.candidature_view.scrollTo(m.index(row, 0))

    def _compter(self) -> None:
        details = " · ".join(
            f"{libelle_statut(s)} : {n}" for s, n in zip(STATUTS_COMPTES, self._totaux, strict=True)
        )
        total = len(self.candidatures.toutes())
        self.compteurs.setText(f"{total} candidatures · {sum(self._totaux)} pièces — {details}")
        shown = self.candidatures.rowCount()
        self.nombre.setText(
            f"{shown} candidature{'s' if shown > 1 else ''} affichée{'s' if shown > 1 else ''}"
            + (f" sur {total}" if shown != total else "")
        )

    # -- the dossier -------------------------------------------------------------------------
    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._dossier(self.candidatures.row_at(indexes[0].row()).id)

    def _dossier(self, candidature_id: int | None, piece_id: int | None = None) -> None:
        """Show a candidature's dossier, on ``piece_id`` or its first pièce to check."""
        self.candidature_id = candidature_id
        pieces: list[LignePiece] = []
        identite = None
        self.depots = {}
        if candidature_id is not None:
            with self.espace.db.read() as session:
                identite = identite_de(session, candidature_id)
                pieces = pieces_de(session, candidature_id)
                self.depots = depots_des_pieces(session, candidature_id)
        self.identite.setText(
            texte_identite(identite)
            if identite
            else "<i>Sélectionnez une candidature pour voir son dossier.</i>"
        )
        self.arbre.blockSignals(True)
        self.arbre.clear()
        groupes: dict[str, QTreeWidgetItem] = {}
        cible = None
        premiere = _premiere_a_voir(pieces)
        voulue = piece_id if piece_id is not None else premiere.id if premiere else None
        cloture = self.campagne.cloture if self.campagne else None
        for p in pieces:
            groupe = groupes.get(p.regroupement)
            if groupe is None:
                groupe = QTreeWidgetItem([p.regroupement or "Autres pièces"])
                groupe.setFlags(Qt.ItemFlag.ItemIsEnabled)
                police = groupe.font(0)
                police.setBold(True)
                groupe.setFont(0, police)
                groupes[p.regroupement] = groupe
                self.arbre.addTopLevelItem(groupe)
                groupe.setFirstColumnSpanned(True)  # once in the tree, or it is ignored
            item = item_piece(p, self.depots.get(p.id, []), cloture)
            groupe.addChild(item)
            for k in range(item.childCount()):
                item.child(k).setFirstColumnSpanned(True)
            if p.id == voulue:
                cible = item
        self.arbre.expandAll()
        self.arbre.blockSignals(False)
        if cible is not None:
            self.arbre.setCurrentItem(cible)  # -> _piece_choisie
        else:
            self._montrer_piece(None)

    def _items_pieces(self) -> list[QTreeWidgetItem]:
        return [
            self.arbre.topLevelItem(i).child(j)
            for i in range(self.arbre.topLevelItemCount())
            for j in range(self.arbre.topLevelItem(i).childCount())
        ]

    def _piece_choisie(self) -> None:
        item = self.arbre.currentItem()
        if item is None:
            return
        depot = item.data(0, ROLE_DEPOT)
        if depot is not None:  # a file under its pièce: that pièce, that file
            parent = item.parent()
            if self.piece is None or self.piece.id != parent.data(0, ROLE_PIECE).id:
                self._montrer_piece(parent.data(0, ROLE_PIECE))
            for i in range(self.fichiers.count()):
                if getattr(self.fichiers.itemData(i), "id", None) == depot.id:
                    self.fichiers.setCurrentIndex(i)
            return
        piece = item.data(0, ROLE_PIECE)
        if piece is not None:
            self._montrer_piece(piece)

    def _montrer_piece(self, piece: LignePiece | None) -> None:
        self.piece = piece
        historique = []
        if piece is not None:
            with self.espace.db.read() as session:
                historique = historique_de(session, piece.id)
        self.panneau.montrer(piece, historique, today_paris())
        self._montrer_depots(self.depots.get(piece.id, []) if piece is not None else [])
        QTimer.singleShot(0, self._precharger_suivant)

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
        else:
            self._fichier_choisi(0)
        self._comparer()  # after: the new file is asked for first

    def _comparer(self) -> None:
        """The refused file beside the new one, for a pièce deposited again (Ctrl+D)."""
        piece = self.piece
        refuse = fichier_refuse(self.depots.get(piece.id, [])) if piece is not None else None
        if piece is None or refuse is None or not self.action_comparer.isChecked():
            self.comparaison.hide()
            self.comparaison.effacer()
            return
        self.comparaison.montrer(piece, refuse, self._document(refuse))
        if not self.comparaison.isVisible():  # the two pages alike, side by side
            self.comparaison.show()
            largeur = self.splitter_comparaison.width()
            vignettes = self.viewer.vignettes
            gauche = max(1, (largeur - (vignettes.width() if vignettes.isVisible() else 0)) // 2)
            self.splitter_comparaison.setSizes([gauche, largeur - gauche])

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

    def _precharger_suivant(self) -> None:
        """Prefetch the file the gestionnaire will most likely look at next: the next pièce's,
        or the first pièce's of the next candidature."""
        items = self._items_pieces()
        courant = self.arbre.currentItem()
        if courant is not None and courant.data(0, ROLE_DEPOT) is not None:
            courant = courant.parent()
        suivants = items[items.index(courant) + 1:] if courant in items else []  # fmt: skip
        depots: list[LigneDepot] = []
        if suivants:
            depots = self.depots.get(suivants[0].data(0, ROLE_PIECE).id, [])
        else:
            row = self._ligne_courante() + 1
            if 0 < row < self.candidatures.rowCount():
                with self.espace.db.read() as session:
                    piece = _premiere_a_voir(pieces_de(session, self.candidatures.row_at(row).id))
                    depots = depots_de(session, piece.id) if piece is not None else []
        self.viewer.precharger(self._document(depots[0]) if depots else None)

    def _rotation_changee(self, cle: str, rotation: int) -> None:
        self._rotations[int(cle)] = rotation
        memoriser_rotation(self.espace.db, int(cle), rotation)

    def _document_affiche(self, cle: str) -> None:
        self._vus.add(int(cle))

    def _fichiers_vus(self, piece: LignePiece) -> bool:
        """Every file of the pièce's latest round has been on screen."""
        courants = [d for d in self.depots.get(piece.id, []) if d.courant]
        return bool(courants) and all(d.id in self._vus for d in courants)

    # -- navigation --------------------------------------------------------------------------
    def _ligne_courante(self) -> int:
        rows = self.candidature_view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def piece_voisine(self, pas: int) -> None:
        items = self._items_pieces()
        courant = self.arbre.currentItem()
        if courant is not None and courant.data(0, ROLE_DEPOT) is not None:
            courant = courant.parent()
        if not items:
            return
        i = items.index(courant) + pas if courant in items else 0
        if 0 <= i < len(items):
            self.arbre.setCurrentItem(items[i])
        elif pas > 0:
            self.panneau.information("Dernière pièce du dossier. Maj+J : dossier suivant ; "
                                     "F3 : prochaine pièce à contrôler.")  # fmt: skip

    def dossier_voisin(self, pas: int) -> None:
        row = self._ligne_courante() + pas
        if 0 <= row < self.candidatures.rowCount():
            self.candidature_view.selectRow(row)

    def chercher(self) -> None:
        self.recherche.setFocus()
        self.recherche.selectAll()

    def prochaine_a_controler(self) -> None:
        """The next pièce awaiting the gestionnaire (``regles.a_controler``): in
        this dossier after the current pièce, then in the next dossiers of the list."""
        items = self._items_pieces()
        courant = self.arbre.currentItem()
        if courant is not None and courant.data(0, ROLE_DEPOT) is not None:
            courant = courant.parent()
        debut = items.index(courant) + 1 if courant in items else 0
        for item in items[debut:]:
            if _a_voir(item.data(0, ROLE_PIECE)):
                self.arbre.setCurrentItem(item)
                return
        m = self.candidatures
        depart = self._ligne_courante()
        ordre = [*range(depart + 1, m.rowCount()), *range(0, max(depart, 0))]
        for row in ordre:
            if m.row_at(row).a_controler:  # counted by the database
                self.candidature_view.selectRow(row)  # -> its first pièce to check
                self.candidature_view.scrollTo(m.index(row, 0))
                return
        self.panneau.information("Plus aucune pièce à contrôler dans la liste affichée.")

    def aller_a(self, candidature_id: int, piece_id: int) -> None:
        """Show that pièce of that candidature (the filters give way if they hide it)."""
        row = self.candidatures.ligne_de(candidature_id)
        if row < 0:
            self.recherche.clear()
            self.filtre.setCurrentIndex(0)
            self.filtre_specialite.setCurrentIndex(0)
            row = self.candidatures.ligne_de(candidature_id)
        if self.candidature_id != candidature_id and row >= 0:
            self.candidature_view.selectionModel().blockSignals(True)
            self.candidature_view.selectRow(row)
            self.candidature_view.selectionModel().blockSignals(False)
        self._dossier(candidature_id, piece_id)

    # -- decisions ---------------------------------------------------------------------------
    def _gestionnaire(self) -> str:
        if not self.espace.settings.gestionnaire.strip():
            self.changer_gestionnaire()
        return self.espace.settings.gestionnaire.strip()

    def changer_gestionnaire(self) -> None:
        nom, ok = QInputDialog.getText(
            self, "Nom du gestionnaire",
            "Votre nom, inscrit dans chacune de vos décisions :",
            text=self.espace.settings.gestionnaire,
        )  # fmt: skip
        if ok and nom.strip():
            self.espace.settings.gestionnaire = nom.strip()
            self._enregistrer_parametres()

    def _enregistrer_parametres(self) -> None:
        try:
            self.espace.settings.save(self.espace.paths.settings)
        except OSError as exc:
            QMessageBox.warning(
                self,
                "Paramètres non enregistrés",
                f"Impossible d'écrire les paramètres : {exc.strerror or exc}",
            )

    def choisir_specialites(self) -> None:
        toutes = sorted({r.specialite for r in self.candidatures.toutes()})
        dialogue = SpecialitesDialog(toutes, self.espace.settings.specialites, self)
        if dialogue.exec():
            self.espace.settings.specialites = dialogue.choisies()
            self._enregistrer_parametres()
            self.filtre_specialite.setCurrentIndex(1)  # "Mes spécialités"
            self._filtrer()

    def _specialites_affectees(self) -> frozenset[str]:
        """The spécialités the chef de bureau assigned to me (Suivi > Affectations); when none
        are, « Mes spécialités » falls back on my own choice (Paramètres)."""
        nom = self.espace.settings.gestionnaire.strip()
        if self.campagne is None or not nom:
            return frozenset()
        with self.espace.db.read() as session:
            return frozenset(specialites_de(session, self.campagne.id, nom))

    def parametres(self, onglet: str = "gestionnaire") -> None:
        """Paramètres…: the name and the reasons apply at once, a new size limit judges the
        concerned files again in the background; the rest at the next start."""
        dialogue = ParametresDialog(
            self.espace.settings, self.espace.paths, self.campagne, self, onglet
        )
        accepte = dialogue.exec()
        octets = dialogue.taille_demandee()
        dialogue.deleteLater()
        if not accepte:
            return
        self.panneau.poser_motifs(self.espace.settings.motifs or MOTIFS_NON_CONFORMITE)
        if octets is not None and self.campagne is not None:
            self.changer_taille_max(self.campagne.id, octets)

    def changer_taille_max(self, campagne_id: int, octets: int) -> TacheAvecProgression:
        espace = self.espace

        def travail(progression: Any) -> NouvelleTaille:
            return changer_taille_max(
                espace.db, espace.store, campagne_id, octets, espace.inspection, progression
            )

        def message(r: NouvelleTaille) -> str:
            self.recharger()  # the verdicts shown in the dossier changed
            return f"Taille maximale : {taille_limite(octets)}. {r.resume()}."

        return self._en_fond("Nouvelle taille maximale", travail, message)

    def decider(self, statut: Statut | None) -> None:
        """A status key: the decision is checked by the rules, saved, and the next pièce of
        the dossier comes. Non conforme first asks for its comment (then Ctrl+Entrée)."""
        piece = self.piece
        if piece is None:
            return
        if statut == Statut.NON_CONFORME:
            self.panneau.motifs.setFocus()
            if self.panneau.motifs.currentRow() < 0:
                self.panneau.motifs.setCurrentRow(0)
            self.panneau.information(
                "Non conforme : cochez les motifs (Espace) et complétez le commentaire, "
                "puis Ctrl+Entrée pour enregistrer."
            )
            return
        commentaire = (
            self.panneau.commentaire.toPlainText()
            if statut == Statut.EN_ATTENTE_NOUVELLE_PJ else ""
        )  # fmt: skip
        date = self.panneau.date_choisie() if statut == Statut.RECUE else None
        self._enregistrer(piece, statut, commentaire, date)

    def valider_non_conforme(self) -> None:
        if self.piece is not None:
            self._enregistrer(self.piece, Statut.NON_CONFORME,
                              self.panneau.commentaire.toPlainText(), None)  # fmt: skip

    def reessayer(self) -> None:
        if self._a_reessayer is not None:
            self._enregistrer(*self._a_reessayer)

    def _enregistrer(
        self, piece: LignePiece, statut: Statut | None, commentaire: str, date: dt.date | None
    ) -> None:
        vus = self._fichiers_vus(piece)
        raison = refus(replace(piece.etat, fichier_affiche=vus), statut, commentaire, date,
                       today_paris())  # fmt: skip
        if raison is not None:
            self.panneau.erreur(raison, reessayable=False)
            return
        gestionnaire = self._gestionnaire()
        if not gestionnaire:
            self.panneau.erreur("Indiquez votre nom de gestionnaire pour enregistrer.", False)
            return
        self._a_reessayer = (piece, statut, commentaire, date)
        try:
            with self.espace.db.write() as session:
                fait = enregistrer_decision(
                    session, piece.id, statut, gestionnaire, commentaire=commentaire,
                    date_reception=date, version_attendue=piece.version, fichier_affiche=vus,
                )  # fmt: skip
        except ConflitDecision as conflit:
            self._a_reessayer = None
            if self._appliquer_malgre(conflit):
                self._enregistrer(replace(piece, version=conflit.version), statut, commentaire,
                                  date)  # fmt: skip
            else:
                self._apres_ecriture(piece.id)
                self.panneau.information(f"Pièce rechargée : {conflit}")
            return
        except DecisionRefusee as exc:
            self._a_reessayer = None
            self.panneau.erreur(str(exc), reessayable=False)
            return
        except (SQLAlchemyError, OSError):
            self.panneau.erreur(
                "La décision n'a pas été enregistrée : la base de données n'a pas répondu. "
                "Elle reste ici : réessayez.",
                reessayable=True,
            )
            return
        self._a_reessayer = None
        assert self.candidature_id is not None
        self._annulables.append((fait, self.candidature_id))
        self._apres_ecriture(piece.id)
        if statut is not None:  # save and next
            self.piece_voisine(1)
        self.panneau.enregistre(
            f"{format_time(fait.horodatage)} : « {piece.libelle} » {libelle_statut(statut)}"
        )

    def _appliquer_malgre(self, conflit: ConflitDecision) -> bool:
        """A colleague changed the pièce meanwhile: say who, when, to what, and let the
        gestionnaire choose. True: apply my decision over theirs (knowingly)."""
        boite = QMessageBox(self)
        boite.setObjectName("conflitDecision")
        boite.setIcon(QMessageBox.Icon.Warning)
        boite.setWindowTitle("Pièce modifiée par un collègue")
        boite.setText(str(conflit))
        boite.setInformativeText(
            "Rechargez pour voir son travail, ou appliquez votre décision à la place de la "
            "sienne (les deux restent dans l'historique)."
        )
        recharger = boite.addButton("&Recharger la pièce", QMessageBox.ButtonRole.RejectRole)
        appliquer = boite.addButton("&Appliquer ma décision", QMessageBox.ButtonRole.AcceptRole)
        boite.setDefaultButton(recharger)
        boite.exec()
        return boite.clickedButton() is appliquer

    def annuler(self) -> None:
        if not self._annulables:
            self.panneau.information("Aucune décision de cette session à annuler.")
            return
        fait, candidature_id = self._annulables[-1]
        try:
            with self.espace.db.write() as session:
                annulation = annuler_decision(session, fait.decision_id, self._gestionnaire())
        except DecisionRefusee as exc:
            self._annulables.pop()
            self.panneau.erreur(str(exc), reessayable=False)
            return
        except (SQLAlchemyError, OSError):
            self.panneau.erreur(
                "L'annulation n'a pas été enregistrée : la base de données n'a pas répondu. "
                "Réessayez Ctrl+Z.",
                reessayable=False,
            )
            return
        self._annulables.pop()
        self.aller_a(candidature_id, fait.piece_id)
        self._apres_ecriture(fait.piece_id, candidature_id)
        self.panneau.enregistre(
            f"{format_time(annulation.horodatage)} : décision annulée, la pièce est revenue à "
            f"« {libelle_statut(annulation.statut)} »"
        )

    def _apres_ecriture(self, piece_id: int, candidature_id: int | None = None) -> None:
        """The dossier, its row in the list and the totals read again after a write (or a
        colleague's, seen in a conflict)."""
        candidature_id = candidature_id or self.candidature_id
        assert candidature_id is not None
        with self.espace.db.read() as session:
            ligne = ligne_candidature(session, candidature_id)
        ancienne = self.candidatures.remplacer(ligne) if ligne is not None else None
        if ligne is not None and ancienne is not None:
            self._totaux = [
                t - a + n
                for t, a, n in zip(self._totaux, ancienne.compteurs, ligne.compteurs, strict=True)
            ]
            self._compter()
        garder = self.piece.id if self.piece is not None else piece_id
        self._dossier(candidature_id, garder)

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
        from desktop_app.services.importer import importer_paquet

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
        from desktop_app.services.importer import PaquetInutilisable

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
        from desktop_app.services.exporter import exporter_decisions

        try:
            with self.espace.db.read() as session:
                n = exporter_decisions(session, self.campagne.id, Path(path))
        except OSError as exc:
            QMessageBox.warning(
                self, "Export impossible", f"Impossible d'écrire {path} : {exc.strerror or exc}"
            )
            return
        self.statusBar().showMessage(f"{n} ligne(s) exportée(s) dans {path}", 10000)

    def conformes_affichees(self) -> None:
        """Bulk Conforme, never blind: only the pièces of this dossier that await the
        gestionnaire, whose every current file was displayed in this session and that the rules
        let become Conforme; confirmed first."""
        pieces = [i.data(0, ROLE_PIECE) for i in self._items_pieces()]
        eligibles = [
            p for p in pieces
            if _a_voir(p) and self._fichiers_vus(p)
            and refus(replace(p.etat, fichier_affiche=True), Statut.CONFORME) is None
        ]  # fmt: skip
        if not eligibles:
            self.panneau.information(
                "Aucune pièce à déclarer conforme : affichez d'abord chaque fichier à accepter."
            )
            return
        noms = "\n".join(f"• {p.libelle} ({p.code})" for p in eligibles)
        reponse = QMessageBox.question(
            self, "Conforme en lot",
            f"Déclarer conformes les {len(eligibles)} pièce(s) dont vous avez affiché les "
            f"fichiers ?\n\n{noms}",
        )  # fmt: skip
        gestionnaire = self._gestionnaire() if reponse == QMessageBox.StandardButton.Yes else ""
        if not gestionnaire:
            return
        try:
            with self.espace.db.write() as session:
                faites = [
                    enregistrer_decision(session, p.id, Statut.CONFORME, gestionnaire,
                                         version_attendue=p.version, fichier_affiche=True)
                    for p in eligibles
                ]  # fmt: skip
        except DecisionRefusee as exc:
            self.panneau.erreur(f"Rien n'a été enregistré : {exc}", reessayable=False)
            return
        assert self.candidature_id is not None
        self._annulables.extend((f, self.candidature_id) for f in faites)
        self._apres_ecriture(faites[-1].piece_id)
        self.panneau.enregistre(f"{len(faites)} pièce(s) déclarée(s) conformes")

    # -- follow-up ---------------------------------------------------------------------------
    def ouvrir_suivi(self) -> SuiviFenetre | None:
        if self.campagne is None:
            return None
        from desktop_app.views.suivi import SuiviFenetre

        if self.suivi is None or self.suivi.campagne_id != self.campagne.id:
            self.suivi = SuiviFenetre(self.espace, self.campagne.id, self._gestionnaire, self)
            self.suivi.decisions_enregistrees.connect(self._apres_suivi)
        self.suivi.show()
        self.suivi.raise_()
        self.suivi.actualiser()
        return self.suivi

    def _apres_suivi(self) -> None:
        """Decisions or assignments changed in the follow-up window: the list reads them."""
        selection = self.candidature_id
        self.recharger()
        if selection is not None and self.candidatures.ligne_de(selection) >= 0:
            self.candidature_view.selectRow(self.candidatures.ligne_de(selection))

    def reception_en_lot(self) -> None:
        """Postal pièces received, from a scanned list or a CSV: the plan is shown (what will
        change, what will not and why) before anything is written."""
        if self.campagne is None:
            return
        chemin, _ = QFileDialog.getOpenFileName(
            self, "Liste des pièces reçues par la poste", "",
            "Listes (*.csv *.txt);;Tous les fichiers (*)",
        )  # fmt: skip
        if not chemin:
            return
        from desktop_app.services.lots import (
            appliquer_reception,
            lire_liste,
            preparer_reception,
        )

        texte, ok = QInputDialog.getText(
            self, "Date de réception", "Reçues le (JJ/MM/AAAA) :",
            text=today_paris().strftime("%d/%m/%Y"),
        )  # fmt: skip
        if not ok:
            return
        try:
            le = parse_date(texte) or today_paris()
            donnees = Path(chemin).read_bytes()
        except (DateInvalide, OSError) as exc:
            QMessageBox.warning(self, "Réception postale", str(exc))
            return
        nom = Path(chemin).name
        with self.espace.db.read() as session:
            plan = preparer_reception(session, self.campagne.id, lire_liste(donnees, nom), nom)
        boite = QMessageBox(
            QMessageBox.Icon.Question, "Réception postale",
            f"{len(plan.a_marquer)} pièce(s) seront marquées Reçue le {le:%d/%m/%Y}."
            + (f"\n{len(plan.refus)} ligne(s) ignorée(s) : voir le détail." if plan.refus else ""),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, self,
        )  # fmt: skip
        boite.setObjectName("planReception")
        if plan.refus:
            boite.setDetailedText("\n".join(plan.refus))
        if not plan.a_marquer or boite.exec() != QMessageBox.StandardButton.Ok:
            return
        gestionnaire = self._gestionnaire()
        if not gestionnaire:
            return
        try:
            with self.espace.db.write() as session:
                n = appliquer_reception(session, plan, le, gestionnaire)
        except DecisionRefusee as exc:
            QMessageBox.warning(self, "Rien n'a été enregistré", str(exc))
            return
        self._apres_suivi()
        self.statusBar().showMessage(f"{n} pièce(s) marquée(s) Reçue le {le:%d/%m/%Y}.", 15000)

    def _candidatures_listees(self) -> list[int]:
        return [ligne.id for ligne in self.candidatures.rows()]

    def exporter_matrice(self) -> None:
        if self.campagne is None or self.tache_en_cours is not None:
            return
        chemin, filtre = QFileDialog.getSaveFileName(
            self, "Matrice des statuts des pièces", f"matrice_{self.campagne.examen}_"
            f"{self.campagne.session}.xlsx", "Classeur Excel (*.xlsx);;Fichier CSV (*.csv)",
        )  # fmt: skip
        if not chemin:
            return
        from desktop_app.services.exports import (
            ecrire_matrice_csv,
            ecrire_matrice_xlsx,
            matrice,
        )

        destination = Path(chemin)
        if destination.suffix.lower() not in (".xlsx", ".csv"):
            destination = destination.with_suffix(".csv" if "CSV" in filtre else ".xlsx")
        campagne_id, titre, db = self.campagne.id, self.campagne.titre, self.espace.db

        def travail(progression: Any) -> int:
            with db.read() as session:
                m = matrice(session, campagne_id, progression=progression)
            if destination.suffix.lower() == ".csv":
                return ecrire_matrice_csv(m, destination)
            return ecrire_matrice_xlsx(m, destination, titre, progression)

        self._en_fond(
            "Matrice des statuts",
            travail,
            lambda n: f"Matrice de {n} candidature(s) enregistrée : {destination}",
        )

    def fiches_de_la_liste(self) -> None:
        ids = self._candidatures_listees()
        if not ids or self.campagne is None or self.tache_en_cours is not None:
            return
        from desktop_app.services.courriers import (
            Genre,
            apercu,
            contexte,
            ecrire_courriers,
            fiches,
        )
        from desktop_app.views.suivi import ApercuPdf

        campagne_id, db = self.campagne.id, self.espace.db
        with db.read() as session:  # the first one, seen before anything is written
            premiere = apercu(contexte(session, campagne_id), Genre.FICHE,
                              fiches(session, campagne_id, ids[:1])[0])  # fmt: skip
        titre = f"Fiches de contrôle : la première des {len(ids)}"
        if not ApercuPdf(titre, premiere, self, suite="Enregistrer…").exec():
            return
        chemin = QFileDialog.getExistingDirectory(
            self, f"Dossier où enregistrer {len(ids)} fiche(s) de contrôle"
        )
        if not chemin:
            return

        def travail(progression: Any) -> Any:
            with db.read() as session:
                ctx = contexte(session, campagne_id)
                elements = fiches(session, campagne_id, ids)
            return ecrire_courriers(
                ctx, Genre.FICHE, elements, Path(chemin), progression=progression
            )

        self._en_fond(
            "Fiches de contrôle",
            travail,
            lambda e: f"{len(e.fichiers)} fiche(s) enregistrée(s) dans {e.dossier}",
        )

    def copier_fichiers(self) -> None:
        ids = self._candidatures_listees()
        if not ids or self.tache_en_cours is not None:
            return
        chemin = QFileDialog.getExistingDirectory(
            self, f"Dossier où copier les fichiers de {len(ids)} candidature(s)"
        )
        if not chemin:
            return
        from desktop_app.services.exports import copier_pieces

        db, store = self.espace.db, self.espace.store

        def travail(progression: Any) -> Any:
            with db.read() as session:
                return copier_pieces(session, store, ids, Path(chemin), progression)

        self._en_fond(
            "Copie des fichiers",
            travail,
            lambda c: (
                f"{c.copies} fichier(s) copié(s) dans {c.dossier}"
                + (f" ; {len(c.absents)} absent(s) de la base" if c.absents else "")
            ),
        )

    def _en_fond(self, titre: str, travail: Any, message: Any) -> TacheAvecProgression:
        """Long export with a progress dialog and « Annuler »; the window stays usable."""
        tache = self.suivre(
            en_fond(self, titre, travail, lambda r: self.statusBar().showMessage(message(r), 15000))
        )
        tache.start()
        return tache

    # -- durability ---------------------------------------------------------------------------
    def sauvegardes(self) -> None:
        dialogue = SauvegardesDialog(self.espace, self)
        dialogue.exec()
        if dialogue.restauree is not None:
            self.recharger()

    def sauvegarde_au_demarrage(self) -> TacheAvecProgression | None:
        """Back up the local base when it changed since its newest backup (the previous
        session ended without its closing backup): in the background, the window answers."""
        if self.campagne is None or not self.espace.a_sauvegarder():
            return None
        tache = self.suivre(en_fond(
            self, "Sauvegarde de la base",
            lambda progression: self.espace.sauvegarder(Motif.DEMARRAGE, progression),
            lambda s: self.statusBar().showMessage(
                f"Base sauvegardée et vérifiée ({s.chemin.name}).", 8000),
        ))  # fmt: skip
        tache.start()
        return tache

    def verifier_historique(self) -> None:
        from desktop_app.services.audit import verifier_historique

        def travail(_progression: object) -> object:
            with self.espace.db.read() as session:
                return verifier_historique(session)

        def fin(verification: Any) -> None:
            titre = "Historique des décisions"
            if verification.intacte:
                QMessageBox.information(self, titre, verification.rapport())
            else:
                QMessageBox.warning(self, titre, verification.rapport())

        self.suivre(en_fond(self, "Vérification de l'historique", travail, fin)).start()

    def exporter_historique(self) -> None:
        from desktop_app.services.audit import exporter_historique

        if self.candidature_id is None:
            self.statusBar().showMessage("Sélectionnez d'abord une candidature.", 5000)
            return
        with self.espace.db.read() as session:
            identite = identite_de(session, self.candidature_id)
        assert identite is not None
        chemin, _ = QFileDialog.getSaveFileName(
            self, "Exporter l'historique du candidat",
            f"historique-{identite.n_candidat}.csv", "Tableau CSV (*.csv)",
        )  # fmt: skip
        if not chemin:
            return
        try:
            with self.espace.db.read() as session:
                n = exporter_historique(session, identite.n_candidat, Path(chemin))
        except OSError as exc:
            QMessageBox.warning(self, APP_NAME, f"Écriture impossible : {exc.strerror or exc}")
            return
        self.statusBar().showMessage(f"{n} décision(s) écrite(s) dans {chemin}", 8000)

    def a_propos(self) -> None:
        def ligne(nom: str, chemin: object) -> str:
            return f"{nom} : <code>{html.escape(str(chemin))}</code><br>"

        journal_ = journal.fichier()
        programme = Path(sys.executable).parent if getattr(sys, "frozen", False) else None
        QMessageBox.about(
            self,
            f"À propos de {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3><p>Contrôle des pièces justificatives des "
            "candidats aux examens.</p><p>"
            + ligne("Données", self.espace.paths.root)
            + ligne("Base", self.espace.db.url_affichable)
            + ligne("Fichiers des candidats", self.espace.store.root)
            + ligne("Sauvegardes", self.espace.paths.sauvegardes)
            + ligne("Journal", journal_ or "non écrit sur ce poste")
            + (ligne("Programme", programme) if programme else "")
            + f"</p><p>Python {sys.version.split()[0]}, Qt {qVersion()}, PyMuPDF "
            f"{version_de('PyMuPDF')}</p>",
        )


def _a_voir(piece: LignePiece) -> bool:
    return a_controler(piece.statut, piece.fichiers)


def _premiere_a_voir(pieces: list[LignePiece]) -> LignePiece | None:
    """The pièce a dossier opens on: the first awaiting the gestionnaire, else the first (the
    tree groups the pièces in their order, so the first is on top)."""
    return next((p for p in pieces if _a_voir(p)), pieces[0] if pieces else None)
