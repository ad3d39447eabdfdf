"""The list room: the campaign's candidatures, their search and quick filters, the counts.

It shows what the window's review state says of the campaign, tells which candidature the
gestionnaire chose, and reads again the rows a write announced (``Annonces``)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.models import libelle_statut
from desktop_app.services.espace import Espace
from desktop_app.services.recherche import FILTRES
from desktop_app.services.requetes import STATUTS_COMPTES, LigneCandidature, ligne_candidature
from desktop_app.views.etat import EtatRevue
from desktop_app.views.item_models import CandidatureTableModel, ListePreparee
from desktop_app.views.operations import Annonces, Changements, Operation
from desktop_app.views.tableaux import HAUTEUR_LIGNE
from desktop_app.views.taches import A_L_ECRAN, LectureCourte

LARGEURS = (100, 170, 140, 82, 260, 130)  # N°, nom, prénoms, naissance, spécialité, état


def _table(name: str, accessible: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(HAUTEUR_LIGNE)
    view.horizontalHeader().setHighlightSections(False)
    view.setWordWrap(False)
    return view


class ListeCandidatures(QWidget):
    """``candidatureChoisie(id)``: the gestionnaire selected a row; None: the dossier on
    screen is no longer listed (a search or a filter hid it). ``remise``: Enter or ↓ in the
    search field opened the first result, the pièces take the keys."""

    candidatureChoisie = Signal(object)
    remise = Signal()

    def __init__(self, espace: Espace, etat: EtatRevue, annonces: Annonces) -> None:
        super().__init__()
        self.setObjectName("panneauListe")
        self.espace, self.etat = espace, etat
        self.mes_specialites: frozenset[str] = frozenset()  # assigned by the chef de bureau
        self._totaux = [0] * len(STATUTS_COMPTES)
        self._a_relire: set[int] | None = None  # while only the first screen is listed
        self._lignes_a_lire: set[int] = set()  # rows a write changed, for the next reading
        self._lecture_lignes: LectureCourte | None = None  # the reading of rows under way
        self.recherche = QLineEdit()
        self.recherche.setObjectName("searchField")
        self.recherche.setAccessibleName("Rechercher une candidature")
        self.recherche.setPlaceholderText("Nom, prénom ou N° candidat (Ctrl+F)")
        self.recherche.setClearButtonEnabled(True)
        self.recherche.textChanged.connect(self.filtrer)
        self.recherche.installEventFilter(self)
        self.filtre = QComboBox()
        self.filtre.setObjectName("filtreCandidatures")
        self.filtre.setAccessibleName("Filtre rapide")
        for f in FILTRES:
            self.filtre.addItem(f.libelle, f)
        self.filtre.currentIndexChanged.connect(self.filtrer)
        self.filtre_specialite = QComboBox()
        self.filtre_specialite.setObjectName("filtreSpecialite")
        self.filtre_specialite.setAccessibleName("Spécialités")
        self.filtre_specialite.currentIndexChanged.connect(self.filtrer)
        self.candidatures = CandidatureTableModel(self)
        self.vue = _table("candidatureTable", "Liste des candidatures")
        self.vue.setModel(self.candidatures)
        self.vue.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by name
        self.vue.selectionModel().selectionChanged.connect(self._selection)
        self.nombre = QLabel()
        self.nombre.setObjectName("nombreAffiche")
        self.compteurs = QLabel()  # the status bar's, placed by the window
        self.compteurs.setObjectName("compteurs")
        filtres = QHBoxLayout()
        filtres.setContentsMargins(4, 4, 4, 0)
        filtres.addWidget(self.recherche, 2)
        filtres.addWidget(self.filtre, 1)
        filtres.addWidget(self.filtre_specialite, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filtres)
        layout.addWidget(self.vue, 1)
        layout.addWidget(self.nombre)
        annonces.changements.connect(self._changements)

    def eventFilter(self, objet: QObject, event: QEvent) -> bool:
        """In the search field: Enter or ↓ opens the first result; Escape clears the search."""
        if objet is self.recherche and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            touche = event.key()
            if touche in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
                if self.candidatures.rowCount():
                    self.vue.selectRow(0)
                    self.remise.emit()
                return True
            if touche == Qt.Key.Key_Escape and self.recherche.text():
                self.recherche.clear()
                return True
        return False

    # -- what is listed ----------------------------------------------------------------------
    def montrer(self, preparee: ListePreparee) -> None:
        """The campaign's candidatures (or none), read and prepared by the window; no dossier
        opened yet (``ouvrir``)."""
        c = self.etat.campagne
        self._specialites(preparee.specialites)
        self.candidatures.set_preparee(preparee)
        self._totaux = preparee.totaux
        if c is None:
            self.compteurs.clear()
            return
        self._compter()
        header = self.vue.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(LARGEURS):
            header.resizeSection(column, width)
        for column in range(len(LARGEURS), self.candidatures.columnCount()):
            header.resizeSection(column, 70)
        header.resizeSection(self.candidatures.columnCount() - 1, 120)

    def partielle(self, oui: bool) -> None:
        """Only the list's first screen is listed (at start, the others being read): the
        search, the filters and the sorts wait for the whole list, which ``completer``
        brings; the dossiers changed meanwhile are read again into it."""
        self._a_relire = set() if oui else None
        for champ in (self.recherche, self.filtre, self.filtre_specialite):
            champ.setEnabled(not oui)
        self.vue.horizontalHeader().setSectionsClickable(not oui)
        self._compter()

    def completer(self, preparee: ListePreparee) -> None:
        """The whole list after its first screen: the dossier on screen stays open and
        selected (nothing is opened again)."""
        a_relire = self._a_relire or set()
        courante = self.etat.candidature_id
        self.montrer(preparee)
        self.partielle(False)
        if courante is not None:
            self.selectionner(courante, silencieux=True)
        if a_relire:
            self._relire(sorted(a_relire))

    def ouvrir(self, selection: int | None = None) -> None:
        """Open the dossier of ``selection`` if it is listed, else the first one's; unless the
        gestionnaire chose one since the list was shown."""
        if self.etat.candidature_id is not None or self.etat.campagne is None:
            return
        if selection is not None and self.selectionner(selection):
            return
        if self.candidatures.rowCount():
            self.vue.selectRow(0)

    def _specialites(self, toutes: list[str]) -> None:
        self.filtre_specialite.blockSignals(True)
        self.filtre_specialite.clear()
        self.filtre_specialite.addItem("Toutes les spécialités", None)
        self.filtre_specialite.addItem("Mes spécialités", "miennes")
        for specialite in toutes:
            self.filtre_specialite.addItem(specialite, specialite)
        self.filtre_specialite.blockSignals(False)

    def filtrer(self, *_: object) -> None:
        choix = self.filtre_specialite.currentData()
        m = self.candidatures
        m.recherche = self.recherche.text()
        m.filtre = self.filtre.currentData() or FILTRES[0]
        if choix == "miennes":
            m.specialites = self.mes_specialites or frozenset(self.espace.preferences.specialites)
        else:
            m.specialites = None if choix is None else frozenset({choix})
        m.filtrer()
        self._compter()
        courante = self.etat.candidature_id
        if courante is not None and not self.selectionner(courante, silencieux=True):
            self.vue.clearSelection()  # never a dossier on screen that the list does not show
            self.candidatureChoisie.emit(None)

    def _compter(self) -> None:
        if self._a_relire is not None:
            shown = self.candidatures.rowCount()
            self.compteurs.setText("Lecture des candidatures…")
            self.nombre.setText(f"Les {shown} premières candidatures ; lecture des autres…")
            return
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

    def _changements(self, c: Changements) -> None:
        """A write changed some dossiers: their rows and the totals are read again."""
        if c.campagne or not c.candidatures:
            return  # the window reads the whole campaign again
        if self._a_relire is not None:  # the whole list being read may predate the change
            self._a_relire |= c.candidatures
        self._relire(sorted(c.candidatures))

    def _relire(self, ids: list[int]) -> None:
        """Read these rows again in a thread (a write changed them: after a decision, the
        window does not wait for its row). One reading at a time; the rows changed meanwhile
        are read by the next one, so that a row never lands older than the one on screen."""
        self._lignes_a_lire.update(ids)
        if self._lecture_lignes is None:
            self._lire_lignes()

    def _lire_lignes(self) -> None:
        ids = sorted(self._lignes_a_lire)
        self._lignes_a_lire.clear()
        self._lecture_lignes = (
            Operation.lecture(self, self.espace, lambda s: [ligne_candidature(s, i) for i in ids])
            .succes(self._remplacer)
            .ensuite(self._lignes_lues)
            .a_son_tour(A_L_ECRAN)
        )

    def _lignes_lues(self) -> None:
        self._lecture_lignes = None
        if self._lignes_a_lire:
            self._lire_lignes()

    @property
    def lignes_en_lecture(self) -> bool:
        """Rows changed by a write are being read again in a thread."""
        return self._lecture_lignes is not None

    def _remplacer(self, lignes: list[LigneCandidature | None]) -> None:
        for ligne in lignes:
            ancienne = self.candidatures.remplacer(ligne) if ligne is not None else None
            if ligne is not None and ancienne is not None:
                self._totaux = [
                    t - a + n
                    for t, a, n in zip(self._totaux, ancienne.compteurs, ligne.compteurs,
                                       strict=True)
                ]  # fmt: skip
        self._compter()

    # -- moving in the list ------------------------------------------------------------------
    def _selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.candidatureChoisie.emit(self.candidatures.row_at(indexes[0].row()).id)

    def ligne_courante(self) -> int:
        rows = self.vue.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def selectionner(self, candidature_id: int, silencieux: bool = False) -> bool:
        """Select that candidature's row; ``silencieux``: without opening it again."""
        row = self.candidatures.ligne_de(candidature_id)
        if row < 0:
            return False
        self.vue.selectionModel().blockSignals(silencieux)
        self.vue.selectRow(row)
        self.vue.selectionModel().blockSignals(False)
        self.vue.scrollTo(self.candidatures.index(row, 0))
        return True

    def montrer_toutes(self) -> None:
        """The filters give way (to show a candidature they hid)."""
        self.recherche.clear()
        self.filtre.setCurrentIndex(0)
        self.filtre_specialite.setCurrentIndex(0)

    def voisine(self, pas: int) -> None:
        row = self.ligne_courante() + pas
        if 0 <= row < self.candidatures.rowCount():
            self.vue.selectRow(row)

    def suivante(self) -> int | None:
        """The candidature after the selected one, if any (what to prefetch)."""
        row = self.ligne_courante() + 1
        return self.candidatures.row_at(row).id if 0 < row < self.candidatures.rowCount() else None

    def prochaine_a_controler(self) -> bool:
        """Select the next listed dossier with a pièce awaiting the gestionnaire (counted by
        the database), going round the list once."""
        m = self.candidatures
        depart = self.ligne_courante()
        for row in [*range(depart + 1, m.rowCount()), *range(0, max(depart, 0))]:
            if m.row_at(row).a_controler:
                self.vue.selectRow(row)  # -> its first pièce to check
                self.vue.scrollTo(m.index(row, 0))
                return True
        return False

    def listees(self) -> list[int]:
        return [ligne.id for ligne in self.candidatures.rows()]

    def chercher(self) -> None:
        self.recherche.setFocus()
        self.recherche.selectAll()
