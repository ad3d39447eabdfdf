"""The dossier room: the candidate's identity pinned beside the document, and the pièces
grouped by regroupement, each with its files. It reads the dossier the gestionnaire chose into
the review state, and reads it again when a write announces a change to it."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.models import Statut, libelle_statut
from desktop_app.services.dates import format_date, format_datetime
from desktop_app.services.echeances import echeance_piece
from desktop_app.services.espace import Espace
from desktop_app.services.exigences import Ecart, Exigence, ecarts_du_dossier
from desktop_app.services.requetes import (
    Identite,
    LigneDepot,
    LignePiece,
    depots_des_pieces,
    identite_de,
    pieces_de,
)
from desktop_app.views.etat import EtatRevue, a_voir, premiere_a_voir
from desktop_app.views.item_models import COULEURS
from desktop_app.views.operations import Annonces, Changements, echec_de
from desktop_app.views.taches import DOSSIER, LECTURES_COURTES, LectureCourte, abandonner

AUCUN_DOSSIER = "<i>Sélectionnez une candidature pour voir son dossier.</i>"

ROLE_PIECE = Qt.ItemDataRole.UserRole
ROLE_DEPOT = Qt.ItemDataRole.UserRole + 1
ROLE_ECART = Qt.ItemDataRole.UserRole + 2
GROUPE_EXIGEES = "Exigées par les règles, absentes du dossier"
COULEUR_REGLE = QColor("#a05a00")


def _pastille(couleur: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    peintre = QPainter(pixmap)
    peintre.setRenderHint(QPainter.RenderHint.Antialiasing)
    peintre.setBrush(QColor(couleur))
    peintre.setPen(Qt.PenStyle.NoPen)
    peintre.drawEllipse(1, 1, 10, 10)
    peintre.end()
    return QIcon(pixmap)


_PASTILLES: dict[Statut | None, QIcon] = {}


def pastille(statut: Statut | None) -> QIcon:
    if statut not in _PASTILLES:
        # type: ignore below: a pièce without status has no colour: get() answers None.
        couleur = COULEURS.get(statut)  # type: ignore[arg-type]
        _PASTILLES[statut] = _pastille(couleur.name() if couleur else "#c8c6c4")
    return _PASTILLES[statut]


def item_piece(
    p: LignePiece, depots: list[LigneDepot], cloture: dt.datetime | None
) -> QTreeWidgetItem:
    """A pièce of the dossier, its files under it; its deadline is the candidate's (the
    campaign's closing date once a new file is awaited)."""
    echeance = format_datetime(echeance_piece(p.statut, p.fin, cloture))
    item = QTreeWidgetItem([p.libelle, libelle_statut(p.statut), p.modalite.libelle, echeance])
    item.setIcon(0, pastille(p.statut))
    item.setData(0, ROLE_PIECE, p)
    if p.statut in COULEURS:
        # type: ignore below: checked just above: the status has a colour.
        item.setForeground(1, COULEURS[p.statut])  # type: ignore[index]
    # The modalité and the échéance in the tooltip too: their columns hide when narrow.
    infobulle = [f"{p.code} — {p.libelle}", f"Modalité : {p.modalite.libelle}",
                 f"Échéance : {echeance or 'aucune'}"]  # fmt: skip
    if p.commentaire:
        infobulle.append(f"Commentaire : {p.commentaire}")
    item.setToolTip(0, "\n".join(infobulle))
    for d in depots:
        etat = "recevable" if d.recevable else f"non recevable : {d.motif}"
        taille = format_taille(d.taille) if d.taille is not None else "taille inconnue"
        texte = (f"{d.nom} — déposé le {format_datetime(d.date_depot) or '?'}, {taille}, {etat}"
                 + ("" if d.courant else " (dépôt précédent)"))  # fmt: skip
        enfant = QTreeWidgetItem([texte])
        enfant.setData(0, ROLE_DEPOT, d)
        enfant.setToolTip(0, texte + (f"\nValidé le {format_datetime(p.date_validation)}"
                                      if p.date_validation else ""))  # fmt: skip
        if not d.recevable:
            enfant.setForeground(0, COULEURS[Statut.NON_CONFORME])
        item.addChild(enfant)
    return item


def infobulle_regle(x: Exigence) -> str:
    """A rule's verdict, what it expects, and the sentence of the seeds it comes from."""
    attendu = f"\nAttendu : {x.attendu}" if x.attendu else ""
    echeance = f"\nÀ fournir avant le {x.echeance:%d/%m/%Y}" if x.echeance else ""
    return (f"{x.message}{attendu}{echeance}\n\nSource ({x.document}) :\n« {x.source} »\n\n"
            "Une suggestion des règles : la décision reste celle du gestionnaire.")  # fmt: skip


def item_regle(x: Exigence, colonnes: list[str], colonne_couleur: int) -> QTreeWidgetItem:
    """A row of what the rules say: never selectable (not a pièce to decide on), its source
    on hover."""
    item = QTreeWidgetItem(colonnes)
    item.setForeground(colonne_couleur, COULEUR_REGLE)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    item.setData(0, ROLE_ECART, x)
    item.setToolTip(0, infobulle_regle(x))
    return item


def item_non_exigee(x: Exigence) -> QTreeWidgetItem:
    """What the rules say of a pièce the dossier lists: a note under it."""
    return item_regle(x, [f"Règles : {x.message}"], 0)


def item_manquante(e: Ecart) -> QTreeWidgetItem:
    """A pièce the rules require that the dossier lacks: a row of its own."""
    item = item_regle(e.exigence, [f"{e.libelle} ({e.code})", "Manquante exigée", "", ""], 1)
    item.setIcon(0, pastille(Statut.NON_CONFORME))
    return item


def format_taille(octets: int) -> str:
    if octets >= 1024 * 1024:
        return f"{octets / (1024 * 1024):.1f} Mo".replace(".", ",")
    return f"{max(1, round(octets / 1024))} Ko"


def texte_identite(i: Identite) -> str:
    """The candidate's identity, as compared with the document."""
    e = html.escape

    def ligne(libelle: str, valeur: str) -> str:
        return (f"<tr><td style='color:#605e5c; padding-right:8px'>{libelle}</td>"
                f"<td><b>{e(valeur)}</b></td></tr>") if valeur else ""  # fmt: skip

    handicap = {True: "Oui", False: "Non", None: ""}[i.handicap]
    naissance = format_date(i.date_naissance)
    if i.lieu_naissance:
        naissance += f" à {i.lieu_naissance}"
    specialite = i.specialite + (f" ({i.code_specialite})" if i.code_specialite else "")
    return (
        "<table cellspacing='0'>"
        + ligne("Civilité", i.civilite.capitalize())
        + ligne("Nom de naissance", i.nom_naissance)
        + ligne("Nom d'usage", i.nom_usage)
        + ligne("Prénoms", i.prenoms)
        + ligne("Né(e) le", naissance)
        + ligne("N° candidat", f"{i.n_candidat} — inscription n° {i.n_inscription}")
        + ligne("Spécialité", specialite)
        + ligne("Catégorie", i.categorie)
        + ligne("Établissement", f"{i.etablissement}" + (f" ({i.uai})" if i.uai else ""))
        + ligne("Aménagement (handicap)", handicap)
        + "</table>"
    )  # fmt: skip


LuDuDossier = tuple[Identite | None, list[LignePiece], dict[int, list[LigneDepot]], list[Ecart]]


def lire_dossier(s: Any, candidature_id: int) -> LuDuDossier:
    """What the dossier room shows of a candidature: identity, pièces (with what the rules say
    of each), files, and the pièces the rules require that it lacks."""
    ecarts = ecarts_du_dossier(s, candidature_id)
    return (identite_de(s, candidature_id), pieces_de(s, candidature_id, ecarts),
            depots_des_pieces(s, candidature_id),
            [e for e in ecarts if e.piece_id is None])  # fmt: skip


@dataclass
class Relecture:
    """A dossier read in a thread: the one on screen read again after a write, or the one the
    gestionnaire opens (``ouverture``); what it read, or why it could not."""

    candidature_id: int
    touchees: frozenset[int] = frozenset()  # the pièces the write changed
    ouverture: bool = False  # a dossier opened: shown on ``piece_id`` or its first to check
    piece_id: int | None = None
    puis: Callable[[], None] | None = None  # once it is shown (or could not be read)
    lecture: LectureCourte | None = None
    lu: LuDuDossier | None = None
    erreur: Exception | None = None


# What waits for a reading of the dossier under way: a key (a shortcut too) or a click.
ENTREES = frozenset({QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride,
                     QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick})  # fmt: skip


class PanneauDossier(QWidget):
    """``depotChoisi(LigneDepot)``: a file chosen in the tree, under its pièce."""

    depotChoisi = Signal(object)

    def __init__(self, espace: Espace, etat: EtatRevue, annonces: Annonces) -> None:
        super().__init__()
        self.setObjectName("panneauDossier")
        self.espace, self.etat = espace, etat
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
        entete.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.arbre.viewport().installEventFilter(self)  # its width: the columns' (_colonnes)
        self.arbre.setRootIsDecorated(True)
        self.arbre.itemSelectionChanged.connect(self._choisie)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.identite)
        layout.addWidget(self.arbre, 1)
        self._relecture: Relecture | None = None  # of the dossier on screen, in a thread
        annonces.changements.connect(self._changements)

    def poser_sous_identite(self, panneau: QWidget) -> None:
        """A panel under the identity (what the document says, to compare at a glance)."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, panneau)

    def ouvrir(
        self,
        candidature_id: int | None,
        piece_id: int | None = None,
        puis: Callable[[], None] | None = None,
    ) -> None:
        """Open a candidature's dossier (chosen in the list, « y aller », a decision undone),
        on ``piece_id`` or its first pièce to check, read in a thread: the window keeps
        painting, and the first key or click meanwhile waits for that reading (``finir``), so
        that it acts on this dossier; ``puis()`` once it is shown. A reading under way is
        dropped (the gestionnaire moved on). None: no dossier, at once."""
        self._oublier_relecture()
        if candidature_id is None:
            self._montrer(None, None, [], {}, [], None)
            return
        self._lire_en_fond(Relecture(candidature_id, ouverture=True, piece_id=piece_id, puis=puis))

    def montrer_lu(self, candidature_id: int, lu: LuDuDossier, piece_id: int | None = None) -> None:
        """Show a dossier read already (in a thread with the campaign's list), on
        ``piece_id`` or its first pièce to check."""
        self._oublier_relecture()
        self._montrer(candidature_id, *lu, piece_id)

    # -- read in a thread: a dossier opened, or read again after a write ---------------------
    def relire(self, touchees: frozenset[int] = frozenset()) -> None:
        """Read the dossier on screen again in a thread (a write changed it): the window keeps
        painting. The first key or click meanwhile waits for that reading (``finir``), so
        that it acts on the dossier as it now is, in the order it was pressed. The pièce shown
        is the one then on screen (after a decision the review has moved on); it is shown again
        if it changed, or if it is one of ``touchees`` (the write's pièces: its history)."""
        candidature_id = self.etat.candidature_id
        if candidature_id is None:
            return
        self.finir()
        self._lire_en_fond(Relecture(candidature_id, touchees))

    def _lire_en_fond(self, relecture: Relecture) -> None:
        candidature_id = relecture.candidature_id

        def travail() -> None:
            try:
                relecture.lu = self.espace.lire(lambda s: lire_dossier(s, candidature_id))
            except Exception as exc:  # said on the GUI thread (echec_de), never lost
                relecture.erreur = exc

        # The first of the window's short readings: what the next key waits for.
        relecture.lecture = lecture = LectureCourte(travail, DOSSIER, self)
        lecture.finished.connect(lambda: self._arrivee(relecture))
        lecture.finished.connect(lecture.deleteLater)
        self._relecture = relecture
        QApplication.instance().installEventFilter(self)
        LECTURES_COURTES.confier(lecture)

    @property
    def relecture_en_cours(self) -> bool:
        return self._relecture is not None

    def finir(self) -> None:
        """The reading under way in a thread, if any, ends and is shown now."""
        relecture = self._relecture
        if relecture is not None and relecture.lecture is not None:
            relecture.lecture.wait()
            self._arrivee(relecture)

    def eventFilter(self, objet: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and objet is self.arbre.viewport():
            self._colonnes()
            return False
        if event.type() in ENTREES:
            self.finir()
        return False

    def _oublier_relecture(self) -> None:
        if self._relecture is not None:
            abandonner(self._relecture.lecture)  # not read, if its turn has not come
            self._relecture = None  # else what it read is dropped when it arrives
            QApplication.instance().removeEventFilter(self)

    def _arrivee(self, relecture: Relecture) -> None:
        if relecture is not self._relecture:
            return  # shown already (``finir``), or another dossier opened since
        self._oublier_relecture()
        if relecture.erreur is not None:  # what is shown stays
            echec = echec_de(relecture.erreur)
            if echec is not None:
                QMessageBox.warning(self, "Lecture du dossier", echec.message)
        elif relecture.lu is not None:
            if relecture.ouverture:
                piece_id = relecture.piece_id
            else:
                piece_id = self.etat.piece.id if self.etat.piece is not None else None
            self._montrer(relecture.candidature_id, *relecture.lu, piece_id, relecture.touchees)
        if relecture.puis is not None:
            relecture.puis()

    def _montrer(
        self,
        candidature_id: int | None,
        identite: Identite | None,
        pieces: list[LignePiece],
        depots: dict[int, list[LigneDepot]],
        manquantes: list[Ecart],
        piece_id: int | None,
        touchees: frozenset[int] = frozenset(),
    ) -> None:
        # The same pièce read again, unchanged and untouched (another pièce was decided): it
        # stays on screen as it is, without being shown again.
        meme_dossier = candidature_id is not None and candidature_id == self.etat.candidature_id
        avant = self.etat.piece if meme_dossier else None
        fichiers_avant = self.etat.depots_de(avant)
        self.etat.poser_dossier(candidature_id, identite, pieces, depots)
        self.identite.setText(texte_identite(identite) if identite else AUCUN_DOSSIER)
        self.arbre.blockSignals(True)
        groupes: dict[str, QTreeWidgetItem] = {}
        cible = None
        premiere = premiere_a_voir(pieces)
        voulue = piece_id if piece_id is not None else premiere.id if premiere else None
        cloture = self.etat.campagne.cloture if self.etat.campagne else None

        def groupe_de(nom: str) -> QTreeWidgetItem:
            groupe = groupes.get(nom)
            if groupe is None:
                groupe = QTreeWidgetItem([nom or "Autres pièces"])
                groupe.setFlags(Qt.ItemFlag.ItemIsEnabled)
                police = groupe.font(0)
                police.setBold(True)
                groupe.setFont(0, police)
                groupes[nom] = groupe
            return groupe

        for p in pieces:
            item = item_piece(p, depots.get(p.id, []), cloture)
            if p.non_exigee is not None:
                item.insertChild(0, item_non_exigee(p.non_exigee))
            groupe_de(p.regroupement).addChild(item)
            if p.id == voulue:
                cible = item
        for e in manquantes:
            groupe_de(GROUPE_EXIGEES).addChild(item_manquante(e))
        nouveaux = list(groupes.values())
        anciens = _enfants(self.arbre.invisibleRootItem())
        if meme_dossier and _meme_forme(anciens, nouveaux):
            # The same dossier read again, its pièces and files the same: the rows on screen
            # take the new values, only the changed ones are painted again (the tree is not
            # emptied and laid out anew; a group the gestionnaire folded stays folded).
            for ancien, nouveau in zip(anciens, nouveaux, strict=True):
                _recopier(ancien, nouveau)
            cible = next((i for i in self.items_pieces() if i.data(0, ROLE_PIECE).id == voulue),
                         None) if cible is not None else None  # fmt: skip
        else:
            self.arbre.clear()
            self.arbre.addTopLevelItems(nouveaux)
            for groupe in nouveaux:  # spanned once in the tree, or it is ignored
                groupe.setFirstColumnSpanned(True)
                for item in _enfants(groupe):
                    for enfant in _enfants(item):
                        enfant.setFirstColumnSpanned(True)
            self.arbre.expandAll()
        nouvelle = cible.data(0, ROLE_PIECE) if cible is not None else None
        inchangee = (
            nouvelle is not None and nouvelle == avant and nouvelle.id not in touchees
            and fichiers_avant == self.etat.depots_de(nouvelle)
        )  # fmt: skip
        self._colonnes()
        if cible is not None:
            self.arbre.setCurrentItem(cible)
        if inchangee:
            self.etat.piece = nouvelle
        self.arbre.blockSignals(False)
        if cible is None:
            self.etat.poser_piece(None)
        elif not inchangee:
            self._choisie()  # (the row may have been current already: no signal then)

    def _colonnes(self) -> None:
        """The pièce's name and its status first, as wide as they need; then the échéance and
        the modalité, each if it fits whole in what is left, else hidden (they are in the
        pièce's tooltip). What is left over widens the pièce's column."""
        arbre, entete = self.arbre, self.arbre.header()
        largeur = arbre.viewport().width()
        marges = arbre.indentation() * 2 + arbre.iconSize().width() + 16  # group, row, pastille
        lignes = [i for g in _enfants(arbre.invisibleRootItem()) for i in _enfants(g)]
        piece = max((arbre.fontMetrics().horizontalAdvance(i.text(0)) for i in lignes),
                    default=0) + marges  # fmt: skip
        statut = arbre.sizeHintForColumn(1)
        largeurs = [min(piece, largeur - statut), statut, 0, 0]
        for colonne in (3, 2):
            voulue = arbre.sizeHintForColumn(colonne)
            if voulue <= largeur - sum(largeurs):
                largeurs[colonne] = voulue
        largeurs[0] += max(0, largeur - sum(largeurs))
        for colonne, voulue in enumerate(largeurs):
            entete.setSectionHidden(colonne, voulue == 0)
            if voulue:
                entete.resizeSection(colonne, voulue)

    def _changements(self, c: Changements) -> None:
        """A write touched the dossier on screen: read it again, on the pièce then on
        screen."""
        self.finir()  # a dossier being opened lands first: the change is checked against it
        courant = self.etat.candidature_id
        if courant is not None and courant in c.candidatures and not c.campagne:
            self.relire(c.pieces)

    # -- the pièces, in the tree's order -----------------------------------------------------
    def items_pieces(self) -> list[QTreeWidgetItem]:
        return [p for i in range(self.arbre.topLevelItemCount())
                for p in _enfants(self.arbre.topLevelItem(i))
                if p.data(0, ROLE_PIECE) is not None]  # fmt: skip

    def pieces_affichees(self) -> list[LignePiece]:
        """The dossier's pièces in the order the tree shows them."""
        return [item.data(0, ROLE_PIECE) for item in self.items_pieces()]

    def _courant(self) -> QTreeWidgetItem | None:
        courant = self.arbre.currentItem()
        if courant is not None and courant.data(0, ROLE_DEPOT) is not None:
            return courant.parent()
        return courant

    def _choisie(self) -> None:
        item, courant = self.arbre.currentItem(), self._courant()
        piece = courant.data(0, ROLE_PIECE) if courant is not None else None
        if item is None or piece is None:
            return
        if self.etat.piece is None or self.etat.piece.id != piece.id:
            self.etat.poser_piece(piece)
        depot = item.data(0, ROLE_DEPOT)
        if depot is not None:  # a file under its pièce: that pièce, that file
            self.depotChoisi.emit(depot)

    def voisine(self, pas: int) -> bool:
        """Move ``pas`` pièces; False at either end of the dossier."""
        items = self.items_pieces()
        courant = self._courant()
        if not items:
            return True
        i = items.index(courant) + pas if courant in items else 0
        if 0 <= i < len(items):
            self.arbre.setCurrentItem(items[i])
            return True
        return False

    def suivante(self) -> LignePiece | None:
        """The pièce after the one on screen, if any (what to prefetch)."""
        items = self.items_pieces()
        courant = self._courant()
        suivants = items[items.index(courant) + 1 :] if courant in items else []
        return suivants[0].data(0, ROLE_PIECE) if suivants else None

    def prochaine_a_voir(self) -> bool:
        """Move to the next pièce of this dossier awaiting the gestionnaire, if any."""
        items = self.items_pieces()
        courant = self._courant()
        debut = items.index(courant) + 1 if courant in items else 0
        for item in items[debut:]:
            if a_voir(item.data(0, ROLE_PIECE)):
                self.arbre.setCurrentItem(item)
                return True
        return False


# What a row of the dossier's tree shows and holds: what ``_recopier`` carries over.
ROLES_LIGNE = (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole, ROLE_PIECE, ROLE_DEPOT, ROLE_ECART,
)  # fmt: skip


def _identite_ligne(item: QTreeWidgetItem) -> tuple[object, ...]:
    """What a row stands for: a pièce, a file or a rule's row by what they are, a group by
    its title; and how many rows it holds."""
    piece, depot = item.data(0, ROLE_PIECE), item.data(0, ROLE_DEPOT)
    quoi = piece.id if piece is not None else depot.id if depot is not None else item.text(0)
    return (piece is not None, depot is not None, quoi, item.childCount())


def _meme_forme(anciens: list[QTreeWidgetItem], nouveaux: list[QTreeWidgetItem]) -> bool:
    """The two trees have the same rows standing for the same things, in the same order."""
    return len(anciens) == len(nouveaux) and all(
        _identite_ligne(a) == _identite_ligne(n) and _meme_forme(_enfants(a), _enfants(n))
        for a, n in zip(anciens, nouveaux, strict=True)
    )


def _pareil(a: object, b: object) -> bool:
    if isinstance(a, QIcon) and isinstance(b, QIcon):  # no ==: the same pastille, or not
        return a.cacheKey() == b.cacheKey()
    return a == b


def _recopier(ancien: QTreeWidgetItem, nouveau: QTreeWidgetItem) -> None:
    """``ancien`` (on screen) takes ``nouveau``'s values where they differ, and so do its
    rows."""
    if ancien.flags() != nouveau.flags():
        ancien.setFlags(nouveau.flags())
    for colonne in range(max(ancien.columnCount(), nouveau.columnCount())):
        for role in ROLES_LIGNE:
            valeur = nouveau.data(colonne, role)
            if not _pareil(ancien.data(colonne, role), valeur):
                ancien.setData(colonne, role, valeur)
    for a, n in zip(_enfants(ancien), _enfants(nouveau), strict=True):
        _recopier(a, n)


def _enfants(item: QTreeWidgetItem | None) -> list[QTreeWidgetItem]:
    if item is None:
        return []
    return [c for c in (item.child(k) for k in range(item.childCount())) if c is not None]
