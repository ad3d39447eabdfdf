"""The decision panel: the pièce's status set from the keyboard, the comment of a Non conforme
composed from a catalogue of reasons, what was saved and when, and the pièce's history."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QFocusEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.models import libelle_statut
from desktop_app.services.dates import format_datetime
from desktop_app.services.requetes import AILLEURS_NOMMES, Evenement, LignePiece

_DELIBERES = (
    Qt.FocusReason.MouseFocusReason,
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.ShortcutFocusReason,  # its label's Alt+C
)


class DecisionPanel(QWidget):
    """Shows the current pièce's decision state; its buttons are the window's actions.

    No key lands in the comment by accident: the comment takes letters only once entered
    deliberately (a click, Tab, Alt+C, or N then Tab); otherwise, while it is empty, a letter
    is the window's status key. Escape leaves the reasons and the comment (``sortie``)."""

    sortie = Signal()
    allerA = Signal(int, int)  # (candidature, pièce): the other place a file was deposited

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionPanel")
        self.setAccessibleName("Décision sur la pièce")
        self.setMinimumWidth(280)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)

        self.titre = QLabel()
        self.titre.setObjectName("titrePiece")
        self.titre.setWordWrap(True)
        self.titre.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.titre)
        self.redepot = QLabel()
        self.redepot.setObjectName("redepot")
        self.redepot.setWordWrap(True)
        self.redepot.setTextFormat(Qt.TextFormat.RichText)
        self.redepot.setStyleSheet("background:#fff4ce; color:#7a5a00; padding:4px;")
        self.redepot.setOpenExternalLinks(False)  # our own links: the other dossier
        self.redepot.linkActivated.connect(self._lien)
        layout.addWidget(self.redepot)

        self.boutons = QGridLayout()
        self.boutons.setSpacing(4)
        layout.addLayout(self.boutons)

        formulaire = QFormLayout()
        self.date_reception = QDateEdit()
        self.date_reception.setObjectName("dateReception")
        self.date_reception.setCalendarPopup(True)
        self.date_reception.setDisplayFormat("dd/MM/yyyy")
        self.date_reception.setAccessibleName("Date de réception")
        formulaire.addRow("Date de &réception :", self.date_reception)
        layout.addLayout(formulaire)

        etiquette = QLabel("&Motifs de non-conformité (Espace pour cocher) :")
        self.motifs = QListWidget()
        self.motifs.setObjectName("motifsNonConformite")
        self.motifs.setAccessibleName("Motifs de non-conformité")
        self.motifs.setMaximumHeight(150)
        self.motifs.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        etiquette.setBuddy(self.motifs)
        self.motifs.itemChanged.connect(self._motif_change)
        layout.addWidget(etiquette)
        layout.addWidget(self.motifs)
        etiquette = QLabel("&Commentaire lu par le candidat :")
        self.commentaire = QPlainTextEdit()
        self.commentaire.setObjectName("commentEdit")
        self.commentaire.setAccessibleName("Commentaire lu par le candidat")
        self.commentaire.setTabChangesFocus(True)
        self.commentaire.setMaximumHeight(90)
        etiquette.setBuddy(self.commentaire)
        layout.addWidget(etiquette)
        layout.addWidget(self.commentaire)
        self._delibere = False  # the comment was entered on purpose: its letters are text
        self.commentaire.installEventFilter(self)
        self.motifs.installEventFilter(self)
        self.valider = QPushButton()
        self.valider.setObjectName("validerNonConforme")
        layout.addWidget(self.valider)

        self.etat = QLabel()
        self.etat.setObjectName("etatEnregistrement")
        self.etat.setWordWrap(True)
        self.etat.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.etat)
        self.reessayer = QPushButton("Réessayer l'enregistrement")
        self.reessayer.setObjectName("reessayer")
        self.reessayer.hide()
        layout.addWidget(self.reessayer)

        layout.addWidget(QLabel("<b>Historique de la pièce</b>"))
        self.historique = QTextBrowser()
        self.historique.setObjectName("historiquePiece")
        self.historique.setOpenLinks(False)
        self.historique.setAccessibleName("Historique de la pièce")
        layout.addWidget(self.historique, 1)

    def eventFilter(self, objet: QObject, event: QEvent) -> bool:
        t = event.type()
        echap = isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape
        if t == QEvent.Type.KeyPress and echap and objet in (self.commentaire, self.motifs):
            self.sortie.emit()
            return True
        if objet is not self.commentaire:
            return False
        if t == QEvent.Type.MouseButtonPress:
            self._delibere = True
        elif t == QEvent.Type.FocusIn and isinstance(event, QFocusEvent):
            self._delibere = event.reason() in _DELIBERES
        elif t == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            lettre = event.text().isalpha() or event.text() == "0"
            sans = event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                         Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
            if lettre and sans and not self._delibere and not self.commentaire.toPlainText():
                event.ignore()  # not typing: the window's status key takes it
                return True
        return False

    def poser_actions(self, statuts: Sequence[QAction], valider: QAction) -> None:
        """One button per status action (its shortcut shown), and the Non conforme's."""
        for i, action in enumerate(statuts):
            bouton = QToolButton()
            bouton.setDefaultAction(action)
            touche = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            bouton.setText(f"{action.text().replace('&', '').rstrip('…')}  [{touche}]")
            bouton.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bouton.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            bouton.setObjectName(f"bouton{action.objectName()[0].upper()}"
                                 f"{action.objectName()[1:]}")  # fmt: skip
            self.boutons.addWidget(bouton, i, 0)
        sequence = valider.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.valider.setText(f"{valider.text()} ({sequence})")
        self.valider.clicked.connect(valider.trigger)

    def poser_motifs(self, motifs: Sequence[str]) -> None:
        self.motifs.blockSignals(True)
        self.motifs.clear()
        for motif in motifs:
            item = QListWidgetItem(motif)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.motifs.addItem(item)
        self.motifs.blockSignals(False)

    def cocher(self, motifs: Sequence[str]) -> list[str]:
        """Check these reasons (those of the list: the others are ignored); the ones newly
        checked, which join the comment."""
        coches = []
        for i in range(self.motifs.count()):
            item = self.motifs.item(i)
            if item.text() in motifs and item.checkState() != Qt.CheckState.Checked:
                item.setCheckState(Qt.CheckState.Checked)  # -> _motif_change
                coches.append(item.text())
        return coches

    def _motif_change(self, item: QListWidgetItem) -> None:
        """A reason checked joins the comment; unchecked, it leaves it (the rest is kept)."""
        texte = self.commentaire.toPlainText().strip()
        parties = [p.strip() for p in texte.split(".") if p.strip()]
        motif = item.text()
        if item.checkState() == Qt.CheckState.Checked and motif not in parties:
            parties.append(motif)
        elif item.checkState() != Qt.CheckState.Checked:
            parties = [p for p in parties if p != motif]
        self.commentaire.setPlainText(". ".join(parties) + ("." if parties else ""))

    def montrer(
        self,
        piece: LignePiece | None,
        historique: Sequence[Evenement] | None,
        aujourd_hui: dt.date,
    ) -> None:
        """The pièce as it is now (after a change of pièce, or after a decision); its history,
        or None while it is read (``montrer_historique`` then fills it)."""
        self.reessayer.hide()
        self.etat.clear()
        self.motifs.blockSignals(True)
        for i in range(self.motifs.count()):
            self.motifs.item(i).setCheckState(Qt.CheckState.Unchecked)
        self.motifs.blockSignals(False)
        if piece is None:
            self.titre.setText("<i>Aucune pièce sélectionnée.</i>")
            self.redepot.hide()
            self.commentaire.clear()
            self.historique.clear()
            self.setEnabled(False)
            return
        self.setEnabled(True)
        statut = html.escape(libelle_statut(piece.statut))
        self.titre.setText(
            f"<b>{html.escape(piece.libelle)}</b> <span style='color:#605e5c'>"
            f"({html.escape(piece.code)})</span><br>Statut : <b>{statut}</b>"
            + (f" — {html.escape(piece.gestionnaire)}" if piece.gestionnaire else "")
        )
        avertissements = []
        if piece.tour > 1 and piece.commentaire_precedent:
            avertissements.append(
                "Nouveau dépôt après un Non conforme. Commentaire précédent : "
                f"« {html.escape(piece.commentaire_precedent)} »"
            )
        if piece.redepot_identique:
            avertissements.append(
                "<b>Ce fichier est identique à un fichier déjà refusé</b> (même contenu)."
            )
        for a in piece.ailleurs[:AILLEURS_NOMMES]:
            ou = (f"pour la pièce « {html.escape(a.piece)} » de ce dossier" if a.meme_dossier
                  else f"pour un autre candidat : {html.escape(a.candidat)} "
                  f"(n° {html.escape(a.n_candidat)}), « {html.escape(a.piece)} »")  # fmt: skip
            quoi = ("<b>Le même document semble déposé, numérisé à nouveau,</b>" if a.rescan
                    else "<b>Le même fichier a été déposé</b>")  # fmt: skip
            pourquoi = (" (même titulaire lu, première page d'aspect presque identique : à "
                        "vérifier)" if a.rescan else "")  # fmt: skip
            avertissements.append(
                f"{quoi} {ou}{pourquoi} — "
                f"<a href='aller:{a.candidature_id}:{a.piece_id}'>y aller</a>"
            )
        if piece.non_exigee is not None:
            avertissements.append(
                f"<b>{html.escape(piece.non_exigee.verdict.value)}</b> selon les règles : "
                f"{html.escape(piece.non_exigee.raison)} — "
                f"« {html.escape(piece.non_exigee.source)} »"
            )
        autres = len(piece.ailleurs[AILLEURS_NOMMES:]) + piece.lieux_non_nommes
        if autres:
            nombre = f"{autres:,}".replace(",", "\u00a0")  # « 1 694 »
            avertissements.append(f"… et {nombre} autre(s) dépôt(s) du même document.")
        self.redepot.setText("<br>".join(avertissements))
        self.redepot.setVisible(bool(avertissements))
        self.commentaire.setPlainText(piece.commentaire)
        date = piece.date_reception or aujourd_hui
        self.date_reception.setDate(QDate(date.year, date.month, date.day))
        self.date_reception.setMaximumDate(QDate(aujourd_hui.year, aujourd_hui.month,
                                                 aujourd_hui.day))  # fmt: skip
        if historique is None:
            self.historique.clear()  # not another pièce's history meanwhile
        else:
            self.montrer_historique(historique)

    def montrer_historique(self, historique: Sequence[Evenement]) -> None:
        """The history of the pièce shown, newest first."""
        lignes = []
        for e in reversed(historique):
            quand = format_datetime(e.horodatage)
            if e.quoi == "depot":
                lignes.append(f"<p><b>{quand}</b> — fichier déposé : {html.escape(e.texte)}</p>")
            elif e.quoi == "annulation":
                lignes.append(
                    f"<p><b>{quand}</b> — décision précédente annulée par "
                    f"{html.escape(e.auteur)} : retour à "
                    f"« {html.escape(libelle_statut(e.statut))} »</p>"
                )
            elif e.quoi == "lecture":
                lignes.append(f"<p><b>{quand}</b> — {html.escape(e.texte)}, par "
                              f"{html.escape(e.auteur)}</p>")  # fmt: skip
            else:
                texte = f" — « {html.escape(e.texte)} »" if e.texte else ""
                lignes.append(
                    f"<p><b>{quand}</b> — {html.escape(libelle_statut(e.statut))} par "
                    f"{html.escape(e.auteur)}{texte}</p>"
                )
        self.historique.setHtml("".join(lignes) or "<p><i>Aucun dépôt ni décision.</i></p>")

    def historique_illisible(self, message: str) -> None:
        self.historique.setHtml(
            f"<p style='color:#a4262c'>Historique illisible : {html.escape(message)}</p>"
        )

    def _lien(self, lien: str) -> None:
        _, candidature, piece = lien.split(":")
        self.allerA.emit(int(candidature), int(piece))

    def date_choisie(self) -> dt.date:
        # type: ignore below: PySide6 types QDate.toPython() as object.
        return self.date_reception.date().toPython()  # type: ignore[no-any-return]

    def enregistre(self, quand: str) -> None:
        self.reessayer.hide()
        self.etat.setText(f"<span style='color:#1b7a3a'>✔ Enregistré à {quand}</span>")

    def erreur(self, message: str, reessayable: bool) -> None:
        texte = html.escape(message, quote=False)
        self.etat.setText(f"<span style='color:#a4262c'><b>{texte}</b></span>")
        self.reessayer.setVisible(reessayable)

    def information(self, message: str) -> None:
        self.etat.setText(html.escape(message, quote=False))
