"""The Qt item model of the candidature list, over the plain rows that the services return."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor

from desktop_app.models import Statut, libelle_statut
from desktop_app.services.dates import format_date, format_datetime
from desktop_app.services.lots import LIBEREES
from desktop_app.services.recherche import (
    FILTRES,
    Filtre,
    cles,
    etat_de,
    etats,
    filtrer,
    normaliser,
    normaliser_tous,
)
from desktop_app.services.regles import EtatDossier
from desktop_app.services.requetes import STATUTS_COMPTES, LigneCandidature, totaux

Index = QModelIndex | QPersistentModelIndex
Lignes = Sequence[LigneCandidature]

COULEURS = {
    Statut.CONFORME: QColor("#1b7a3a"),
    Statut.NON_CONFORME: QColor("#b3261e"),
    Statut.EN_ATTENTE_NOUVELLE_PJ: QColor("#a05a00"),
    Statut.RECUE: QColor("#1f4e9c"),
    Statut.EN_ATTENTE_CONTROLE: QColor("#5b5b8a"),
}
COULEURS_ETAT = {
    EtatDossier.COMPLET: QColor("#1b7a3a"),
    EtatDossier.A_CONTROLER: QColor("#1f4e9c"),
    EtatDossier.ATTENTE_CANDIDAT: QColor("#a05a00"),
    EtatDossier.INCOMPLET: QColor("#b3261e"),
    EtatDossier.VIDE: QColor("#605e5c"),
}
_JAMAIS = dt.datetime.min.replace(tzinfo=dt.UTC)
COLONNE_NOM = 1
_RANG_ETAT = {etat: rang for rang, etat in enumerate(EtatDossier)}
COURTS = {
    None: "À voir",
    Statut.RECUE: "Reçue",
    Statut.NON_CONFORME: "Non conf.",
    Statut.CONFORME: "Conforme",
    Statut.EN_ATTENTE_NOUVELLE_PJ: "Att. PJ",
    Statut.EN_ATTENTE_CONTROLE: "Att. contrôle",
}


@dataclass(frozen=True)
class Colonne:
    titre: str
    texte: Callable[[LigneCandidature], str]
    cles: Callable[[Lignes], list[Any]]  # the sort keys of every row, at once
    infobulle: str = ""
    nombre: bool = False


def _chaque(cle: Callable[[LigneCandidature], Any]) -> Callable[[Lignes], list[Any]]:
    return lambda lignes: list(map(cle, lignes))


def _specialites(lignes: Lignes) -> list[str]:
    normalisees = {s: normaliser(s) for s in {r.specialite for r in lignes}}  # a few dozen
    return [normalisees[r.specialite] for r in lignes]


def _compteur(i: int) -> Colonne:
    statut = STATUTS_COMPTES[i]
    field = LigneCandidature._fields.index("sans_statut") + i  # counters follow each other

    def texte(r: LigneCandidature) -> str:
        return str(r[field]) if r[field] else ""

    return Colonne(
        COURTS[statut],
        texte,
        _chaque(operator.itemgetter(field)),
        f"Pièces au statut « {libelle_statut(statut)} »",
        nombre=True,
    )


def _colonnes(
    etat: Callable[[LigneCandidature], EtatDossier],
    etats_de_toutes: Callable[[], list[EtatDossier]],
) -> tuple[Colonne, ...]:
    """The list's columns; the État column's text and keys from the dossiers' états."""
    return (
        Colonne("N° candidat", operator.attrgetter("n_candidat"),
                _chaque(operator.attrgetter("n_candidat"))),
        Colonne("Nom", lambda r: r.nom + (f" ({r.nom_usage})" if r.nom_usage else ""),
                lambda ls: normaliser_tous(f"{r.nom}\x1e{r.prenoms}" for r in ls),
                "Nom de naissance (nom d'usage)"),
        Colonne("Prénoms", operator.attrgetter("prenoms"),
                lambda ls: normaliser_tous(r.prenoms for r in ls)),
        Colonne("Né(e) le", lambda r: format_date(r.date_naissance),
                _chaque(lambda r: r.date_naissance or dt.date.min), "Date de naissance"),
        Colonne("Spécialité", operator.attrgetter("specialite"), _specialites),
        Colonne("État du dossier", lambda r: etat(r).value,
                lambda ls: [_RANG_ETAT[e] for e in etats_de_toutes()],
                "Calculé à partir des pièces et de la date de clôture"),
        *(_compteur(i) for i in range(len(STATUTS_COMPTES))),
        Colonne("Dernier dépôt", lambda r: format_datetime(r.dernier_depot),
                _chaque(lambda r: r.dernier_depot or _JAMAIS),
                "Date du dernier fichier déposé"),
    )  # fmt: skip


@dataclass(frozen=True)
class ListePreparee:
    """What the list computes of its rows, computed where they are read (a thread): the
    search keys, the états, the positions, the name's sort keys (at 300,000 rows, most of a
    second the window would otherwise spend when the rows arrive)."""

    lignes: list[LigneCandidature]
    cloture_passee: bool
    cles: list[str]
    etats: list[EtatDossier]
    cles_tri: dict[int, list[Any]]
    ordres: dict[tuple[int, bool], list[int]]  # the order of the sort asked for, if any
    position: dict[int, int]  # candidature id -> index in lignes
    specialites: list[str]  # sorted, for the filter
    totaux: list[int]  # pièces per status, for the status bar


def ordre_de(cles_tri: Sequence[Any], descendant: bool) -> list[int]:
    """The indices of the rows sorted by these keys; stable: equal keys keep the database's
    order (by name), either way."""
    return sorted(range(len(cles_tri)), key=cles_tri.__getitem__, reverse=descendant)


def preparer_liste(
    lignes: Lignes, cloture_passee: bool, tri: tuple[int, bool] | None = None
) -> ListePreparee:
    """No Qt object: callable from any thread. ``tri`` (column, descending): the list's sort
    when the reading was asked for, whose order is computed here too (sorting 300,000 rows
    took 20-36 ms of the window's time when the list came)."""
    toutes = list(lignes)
    etats_ = etats(toutes, cloture_passee)
    colonnes = _colonnes(lambda r: etat_de(r, cloture_passee), lambda: etats_)
    # The name column's sort keys, the order the list opens in, and the sort's; the others
    # are computed at the first click on their header (a tenth of a second at 300,000, more
    # than that added to the wait for the list if done here).
    cles_tri = {COLONNE_NOM: colonnes[COLONNE_NOM].cles(toutes)}
    ordres = {}
    if tri is not None and 0 <= tri[0] < len(colonnes):
        colonne, descendant = tri
        if colonne not in cles_tri:
            cles_tri[colonne] = colonnes[colonne].cles(toutes)
        ordres[tri] = ordre_de(cles_tri[colonne], descendant)
    return ListePreparee(
        toutes, cloture_passee, cles(toutes), etats_, cles_tri, ordres,
        {r.id: i for i, r in enumerate(toutes)}, sorted({r.specialite for r in toutes}),
        totaux(toutes),
    )  # fmt: skip


class Corbeille:
    """What a previous reading left (its rows, keys and orders), freed a slice at a time
    between the window's events. Freeing 100,000 rows at once, a million objects, held the
    window 60-110 ms after every import (bench_fluidite).

    The corbeille holds copies of the lists it is given, never empties them: whoever else
    still holds one of them keeps its rows alive, whole."""

    TRANCHE = LIBEREES  # items freed per turn of the event loop, as ``liberer`` frees them

    def __init__(self, parent: QObject) -> None:
        self._listes: list[list[Any]] = []
        self._minuteur = QTimer(parent)
        self._minuteur.setInterval(0)
        self._minuteur.timeout.connect(self._tranche)

    def jeter(self, *structures: list[Any] | dict[Any, Any] | None, propres: bool = False) -> None:
        """Lists, and dicts whose values are freed. ``propres``: lists no one else holds (a
        model's own caches), emptied in place instead of copied (copying 13 sort orders of
        100,000 rows took 30 ms); a dict's values are then such lists, emptied too (the
        others' values are not looked at: looking for lists among 100,000 positions took
        25 ms after every import)."""
        for structure in structures:
            if isinstance(structure, dict):
                valeurs = list(structure.values())
                if propres:
                    self._listes += valeurs
                self._listes.append(valeurs)
            elif structure is not None:
                self._listes.append(structure if propres else list(structure))
        if self._listes:
            self._minuteur.start()

    @property
    def vide(self) -> bool:
        return not self._listes

    def _tranche(self) -> None:
        while self._listes and not self._listes[-1]:
            self._listes.pop()
        if not self._listes:
            self._minuteur.stop()
            return
        del self._listes[-1][-self.TRANCHE :]


class CandidatureTableModel(QAbstractTableModel):
    """Every candidature of the campaign; shown: those the search and the filters keep, in
    the order of the last header clicked. All of it in Python over keys computed once per
    load, then the model is reset: at 100,000 rows far faster than a QSortFilterProxyModel.

    The rows stay in the database's order (by name); a sort is a permutation of their
    indices, computed once per column and direction and kept until the rows change."""

    COLONNE_ETAT = 5

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.colonnes = _colonnes(self.etat, self._etats_de_toutes)
        self._toutes: list[LigneCandidature] = []  # in the database's order, never permuted
        self._cles: list[str] = []  # search keys, aligned with _toutes
        self._etats: list[EtatDossier] | None = None  # aligned, computed when first needed
        self._position: dict[int, int] = {}  # candidature id -> index in _toutes
        self._cles_tri: dict[int, list[Any]] = {}  # column -> sort keys, aligned
        self._ordres: dict[tuple[int, bool], list[int]] = {}  # (column, descending) -> indices
        self._affichees: list[int] = []  # indices in _toutes of the rows shown, in order
        self._tri: tuple[int, Qt.SortOrder] | None = None
        self.recherche = ""
        self.filtre: Filtre = FILTRES[0]
        self.specialites: frozenset[str] | None = None
        self._cloture_passee = False
        self._corbeille = Corbeille(self)

    # -- the rows ---------------------------------------------------------------------------
    def set_rows(self, rows: Lignes, cloture_passee: bool = False) -> None:
        """Every candidature, in the database's order; the search, the filters and the sort
        chosen are applied to them."""
        self.set_preparee(preparer_liste(rows, cloture_passee))

    def set_preparee(self, preparee: ListePreparee) -> None:
        """``set_rows`` with what ``preparer_liste`` computed (in the thread that read them).
        The preparee is handed over: its lists become the model's own, emptied when the
        next one replaces them, except its rows (``toutes`` gives them out). The previous
        rows are freed little by little, after (copying the model's lists to free them took
        12 ms at 300,000 when the list came, the sort keys 5 ms more)."""
        self._corbeille.jeter(self._toutes, self._position)
        self._corbeille.jeter(self._cles, self._etats, self._affichees, self._cles_tri,
                              self._ordres, propres=True)  # fmt: skip
        self._toutes = preparee.lignes
        self._cloture_passee = preparee.cloture_passee
        self._cles = preparee.cles
        self._etats = preparee.etats
        self._cles_tri = dict(preparee.cles_tri)
        self._ordres = dict(preparee.ordres)
        self._position = preparee.position
        self.filtrer()

    @property
    def cloture_passee(self) -> bool:
        return self._cloture_passee

    def toutes(self) -> list[LigneCandidature]:
        return self._toutes

    def row_at(self, row: int) -> LigneCandidature:
        return self._toutes[self._affichees[row]]

    def rows(self) -> list[LigneCandidature]:
        return [self._toutes[i] for i in self._affichees]

    def etat(self, ligne: LigneCandidature) -> EtatDossier:
        return etat_de(ligne, self._cloture_passee)

    def _etats_de_toutes(self) -> list[EtatDossier]:
        if self._etats is None:
            self._etats = etats(self._toutes, self._cloture_passee)
        return self._etats

    def ligne_de(self, candidature_id: int) -> int:
        """The row showing that candidature, or -1: looked for among the rows shown (1.5 ms
        at 100,000; a map of them, built after each reading or sort, took 27 ms)."""
        i = self._position.get(candidature_id)
        if i is None:
            return -1
        try:
            return self._affichees.index(i)
        except ValueError:  # filtered out
            return -1

    def remplacer(self, ligne: LigneCandidature) -> LigneCandidature | None:
        """A candidature read again after a decision: its row changes in place (the list
        does not reorder under the gestionnaire's eyes). Returns the row it replaced."""
        i = self._position.get(ligne.id)
        if i is None:
            return None
        ancienne, self._toutes[i] = self._toutes[i], ligne
        if self._etats is not None:
            self._etats[i] = self.etat(ligne)
        # Counters, état and last deposit may have changed: their sort keys are read again
        # at the next sort or filter; the names cannot change.
        for colonne in [c for c in self._cles_tri if c >= self.COLONNE_ETAT]:
            del self._cles_tri[colonne]
        for cle in [k for k in self._ordres if k[0] >= self.COLONNE_ETAT]:
            del self._ordres[cle]
        row = self.ligne_de(ligne.id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.colonnes) - 1))
        return ancienne

    # -- search, filters, sort --------------------------------------------------------------
    def filtrer(self) -> None:
        """Apply the search and the filters again (the model is reset)."""
        self.beginResetModel()
        besoin_etats = self.filtre is not FILTRES[0]
        self._affichees = filtrer(
            self._toutes, self._cles, self._etats_de_toutes() if besoin_etats else (),
            self.recherche, self.filtre, self.specialites, self._ordre(),
        )  # fmt: skip
        self.endResetModel()

    def _ordre(self) -> Sequence[int]:
        """The indices of every row in the order chosen (or the database's)."""
        tri = self.tri
        if tri is None:
            return range(len(self._toutes))
        ordre = self._ordres.get(tri)
        if ordre is None:
            column, descendant = tri
            valeurs = self._cles_tri.get(column)
            if valeurs is None:
                valeurs = self._cles_tri[column] = self.colonnes[column].cles(self._toutes)
            ordre = self._ordres[tri] = ordre_de(valeurs, descendant)
        return ordre

    @property
    def tri(self) -> tuple[int, bool] | None:
        """The sort chosen: (column, descending), or None (the database's order)."""
        if self._tri is None:
            return None
        return self._tri[0], self._tri[1] == Qt.SortOrder.DescendingOrder

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.colonnes) or self._tri == (column, order):
            return  # QTableView.sortByColumn asks twice
        self._tri = (column, order)
        self.layoutAboutToBeChanged.emit()
        anciens = self.persistentIndexList()  # the current row, the selection
        lignes = [self._affichees[index.row()] for index in anciens]  # indices in _toutes
        ordre = self._ordre()
        if len(self._affichees) == len(self._toutes):
            self._affichees = list(ordre)
        else:
            gardees = set(self._affichees)
            self._affichees = [i for i in ordre if i in gardees]
        # The few rows held (a selected row is one per column) looked up where they went:
        # a map of every row shown would cost a quarter of a second at 300,000.
        rangs = {i: self._affichees.index(i) for i in set(lignes)}
        nouveaux = [self.index(rangs[i], index.column())
                    for i, index in zip(lignes, anciens, strict=True)]  # fmt: skip
        self.changePersistentIndexList(anciens, nouveaux)
        self.layoutChanged.emit()

    # -- Qt ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._affichees)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.colonnes)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.colonnes):
            return None
        colonne = self.colonnes[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return colonne.titre
        if role == Qt.ItemDataRole.ToolTipRole:
            return colonne.infobulle or colonne.titre
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._affichees):
            return None
        ligne = self._toutes[self._affichees[index.row()]]
        column = index.column()
        colonne = self.colonnes[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return colonne.texte(ligne)
        if role == Qt.ItemDataRole.TextAlignmentRole and colonne.nombre:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            premier = self.COLONNE_ETAT + 1
            if premier <= column < premier + len(STATUTS_COMPTES):
                statut = STATUTS_COMPTES[column - premier]
                if statut in COULEURS:
                    return QBrush(COULEURS[statut])
            if column == self.COLONNE_ETAT:
                return QBrush(COULEURS_ETAT[self.etat(ligne)])
        if role == Qt.ItemDataRole.ToolTipRole and ligne.non_recevables:
            return f"{ligne.non_recevables} pièce(s) avec un fichier non recevable"
        return None
