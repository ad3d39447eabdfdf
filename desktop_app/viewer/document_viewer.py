"""DocumentViewer: the file of a pièce, as the candidate sent it, with what the inspection says.

It shows pixels rendered by a worker process (``source.py``); it never parses a file, never
follows a link, never runs a document's actions, never opens anything outside the application.
Rotation is for display only (the file is never modified) and remembered per deposit.
"""

from __future__ import annotations

import html
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QImage,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QRegion,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app.documents.constats import Finding, Inspection
from desktop_app.documents.pixels import Mode, PageInfo
from desktop_app.documents.rendu import Ouvert, Vue
from desktop_app.viewer.actions import creer_action
from desktop_app.viewer.source import (
    PAGE_PROCHE,
    PAGE_VISIBLE,
    VIGNETTE,
    Document,
    SourceDocuments,
    cle_page,
)

MARGE = 12  # logical pixels around and between pages
ZOOM_MIN, ZOOM_MAX, PAS_ZOOM = 0.1, 4.0, 1.25
LARGEUR_VIGNETTE = 96
VIGNETTES_MAX = 200
COULEURS = {
    "refus": ("#fde7e9", "#a4262c"),
    "avertissement": ("#fff4ce", "#7a5a00"),
    "info": ("#f3f2f1", "#3b3a39"),
}
ETIQUETTES = {"refus": "Non recevable", "avertissement": "À vérifier", "info": ""}
FOND = "#d2d0ce"  # around the pages


class _Surface(QWidget):
    """The pages one under the other, at the viewer's zoom and rotation."""

    def __init__(self, viewer: DocumentViewer) -> None:
        super().__init__()
        self.viewer = viewer
        self.rects: list[QRectF] = []
        self.setObjectName("surfacePages")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def disposer(self) -> None:
        v = self.viewer
        tailles = [p.tournee(v.rotation) for p in v.pages]
        largeur = max((t.largeur * v.zoom for t in tailles), default=0) + 2 * MARGE
        largeur = max(largeur, v.scroll.viewport().width())
        self.rects, y = [], MARGE
        for t in tailles:  # whole pixels: an image of the same size is then copied, not scaled
            w, h = max(1, round(t.largeur * v.zoom)), max(1, round(t.hauteur * v.zoom))
            self.rects.append(QRectF(round((largeur - w) / 2), y, w, h))
            y += h + MARGE
        self.resize(int(largeur), int(max(y, v.scroll.viewport().height())))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        fond = QRegion(event.rect())  # around the pages only: each page paints its own area
        for rect in self.rects:
            if rect.intersects(QRectF(event.rect())):
                fond -= QRegion(rect.toAlignedRect())
        painter.setClipRegion(fond)
        painter.fillRect(event.rect(), QColor(FOND))
        painter.setClipping(False)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        zone = QRectF(event.rect())
        v = self.viewer
        dpr = self.devicePixelRatioF()
        for index, rect in enumerate(self.rects):
            if not rect.intersects(zone):
                continue
            cle = v.cle(index)
            image = v.source.image(cle)
            if image is not None and not v._vu:
                v._vu = True  # told after this paint: the slot may change other widgets
                QTimer.singleShot(0, v._signaler_affichage)
            if image is not None and v.rotation == 0 and _a_la_taille(image, rect, dpr):
                image.setDevicePixelRatio(dpr)
                painter.drawImage(rect.topLeft(), image)  # the common case: a plain copy
            elif image is not None:  # turned, a draft, or the zoom before: scaled meanwhile
                painter.fillRect(rect, Qt.GlobalColor.white)
                painter.save()
                painter.translate(rect.center())
                painter.rotate(v.rotation)
                w, h = (rect.height(), rect.width()) if v.rotation % 180 else rect.size().toTuple()
                painter.drawImage(QRectF(-w / 2, -h / 2, w, h), image)
                painter.restore()
            else:
                painter.fillRect(rect, Qt.GlobalColor.white)
                echec = v.source.echecs.get(cle)
                painter.setPen(QColor("#a4262c") if echec else QColor("#8a8886"))
                texte = echec or f"Chargement de la page {index + 1}…"
                painter.drawText(rect.adjusted(16, 16, -16, -16), Qt.AlignmentFlag.AlignCenter
                                 | Qt.TextFlag.TextWordWrap, texte)  # fmt: skip
            if v.surlignage is not None and v.surlignage[0] == index:
                painter.setPen(QPen(QColor("#ca5010"), 3))
                painter.setBrush(QColor(255, 185, 0, 60))
                painter.drawRect(_zone(rect, v.surlignage[1], v.rotation))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QColor("#c8c6c4"))
            painter.drawRect(rect)
        painter.end()


def _zone(page: QRectF, boite: tuple[float, float, float, float], rotation: int) -> QRectF:
    """A box given as fractions of the upright page, on the page as turned on screen."""
    x0, y0, x1, y1 = boite
    for _ in range(rotation // 90 % 4):  # a quarter turn clockwise each
        x0, y0, x1, y1 = 1 - y1, x0, 1 - y0, x1
    return QRectF(page.left() + x0 * page.width(), page.top() + y0 * page.height(),
                  (x1 - x0) * page.width(), (y1 - y0) * page.height())  # fmt: skip


def _a_la_taille(image: QImage, rect: QRectF, dpr: float) -> bool:
    return (
        abs(image.width() - rect.width() * dpr) < 1.5
        and abs(image.height() - rect.height() * dpr) < 1.5
    )


class DocumentViewer(QWidget):
    """Shows one deposited file (``afficher``); prefetches the next (``precharger``)."""

    rotationChangee = Signal(str, int)  # deposit key, rotation in degrees (0, 90, 180, 270)
    pageChangee = Signal(int)  # page shown, from 1
    documentAffiche = Signal(str)  # deposit key: a page of it has been painted on screen

    def __init__(
        self, source: SourceDocuments, parent: QWidget | None = None, *, raccourcis: bool = True
    ) -> None:
        """``raccourcis``: its actions answer the window's keys (one viewer per window may;
        a second one, beside it, is driven from its toolbar)."""
        super().__init__(parent)
        self.setObjectName("documentViewer")
        self._raccourcis = raccourcis
        self.setAccessibleName("Visionneuse du fichier déposé")
        self.source = source
        self.surlignage: tuple[int, tuple[float, float, float, float]] | None = None
        self.doc: Document | None = None
        self.malgre = False  # shown although over the size limit (asked explicitly)
        self.ouvert: Ouvert | None = None
        self.inspection: Inspection | None = None
        self.pages: tuple[PageInfo, ...] = ()
        self.mode: Mode = "page"
        self.ajustement: Mode = "page"  # the fit chosen: each new document opens with it
        self.zoom = 1.0
        self.rotation = 0
        self._page_courante = 0
        self._prochain: Document | None = None  # to prefetch once this one is shown
        self._vu = False  # a page of this document has been painted

        self.toolbar = QToolBar("Affichage du document")
        self.toolbar.setObjectName("barreVisionneuse")
        # A read-only text view with its own scrollbar: its text is laid out once, for its
        # width (a word-wrapped label in a scroll area is measured several times over).
        self._texte_bandeau = ""
        self.banniere = QTextBrowser()
        self.banniere.setObjectName("bandeauConstats")
        self.banniere.setOpenLinks(False)
        self.banniere.setOpenExternalLinks(False)
        self.banniere.setFrameShape(QFrame.Shape.NoFrame)
        self.banniere.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.banniere.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banniere.viewport().setAutoFillBackground(False)
        self.banniere.setAccessibleName("Constats sur le fichier")
        self.malgre_bouton = QPushButton("Afficher quand même")
        self.malgre_bouton.setObjectName("afficherQuandMeme")
        self.malgre_bouton.setToolTip(
            "Afficher ce fichier trop volumineux : il reste non recevable."
        )
        self.malgre_bouton.clicked.connect(self.afficher_quand_meme)
        bandeau = QFrame()
        bandeau.setObjectName("cadreConstats")
        ligne = QHBoxLayout(bandeau)
        ligne.setContentsMargins(0, 0, 0, 0)
        ligne.addWidget(self.banniere, 1)
        ligne.addWidget(self.malgre_bouton, 0, Qt.AlignmentFlag.AlignTop)
        # A fixed height (about three lines, then it scrolls): findings arriving must not
        # shrink the pages' view, which would change the fitted zoom and render them again.
        bandeau.setFixedHeight(round(self.fontMetrics().lineSpacing() * 3.4) + 12)
        self.bandeau = bandeau

        self.surface = _Surface(self)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("defilementPages")
        self.scroll.setWidget(self.surface)
        self.scroll.setWidgetResizable(False)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # Always there: a scrollbar that comes and goes would change the width, hence the
        # fitted zoom, hence every page's rendering (and miss what was prefetched).
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.viewport().installEventFilter(self)
        self.scroll.viewport().setStyleSheet(f"background: {FOND};")
        self.scroll.verticalScrollBar().valueChanged.connect(self._defilement)
        self.scroll.horizontalScrollBar().valueChanged.connect(self._defilement)
        self.vignettes = QListWidget()
        self.vignettes.setObjectName("vignettes")
        self.vignettes.setAccessibleName("Vignettes des pages")
        self.vignettes.setViewMode(QListWidget.ViewMode.ListMode)
        self.vignettes.setSpacing(4)
        self.vignettes.setIconSize(QSize(LARGEUR_VIGNETTE, int(LARGEUR_VIGNETTE * 1.42)))
        self.vignettes.setUniformItemSizes(True)
        self.vignettes.setFixedWidth(LARGEUR_VIGNETTE + 56)
        self.vignettes.currentRowChanged.connect(self._vignette_choisie)
        corps = QWidget()
        disposition = QHBoxLayout(corps)
        disposition.setContentsMargins(0, 0, 0, 0)
        disposition.addWidget(self.vignettes)
        disposition.addWidget(self.scroll, 1)
        self.message = QLabel()
        self.message.setObjectName("messageVisionneuse")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(24)
        self.pile = QStackedWidget()
        self.pile.addWidget(self.message)
        self.pile.addWidget(corps)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.bandeau)
        layout.addWidget(self.pile, 1)
        self._actions()
        self._patience = QTimer(self, singleShot=True, interval=200)
        self._patience.timeout.connect(self._ouverture_lente)
        self._relayout = QTimer(self, singleShot=True, interval=30)
        self._relayout.timeout.connect(self._disposer)
        source.ouvert.connect(self._ouvert)
        source.constate.connect(self._constate)
        source.page_rendue.connect(self._page_rendue)
        source.page_en_echec.connect(self._page_rendue)
        self.afficher(None)

    # -- actions -----------------------------------------------------------------------------
    def _action(
        self, texte: str, raccourcis: list[Any], slot: Any, nom: str, symbole: str = ""
    ) -> QAction:
        action = creer_action(
            self, texte, raccourcis if self._raccourcis else [], slot, nom, symbole
        )
        self.addAction(action)
        return action

    def _actions(self) -> None:
        t = self.toolbar
        K = QKeySequence.StandardKey
        self.action_precedente = self._action(
            "Page précédente", ["Ctrl+PgUp"], lambda: self.aller_a(self._page_courante - 1),
            "pagePrecedente", "◀",
        )  # fmt: skip
        t.addAction(self.action_precedente)
        self.numero_page = QSpinBox()
        self.numero_page.setObjectName("numeroPage")
        self.numero_page.setAccessibleName("Numéro de page")
        self.numero_page.setKeyboardTracking(False)
        self.numero_page.setRange(1, 9999)
        # Fixed sizes, both ways: a new figure does not lay the toolbar out again (Qt skips
        # that only for a widget whose width and height are both fixed).
        self.numero_page.setFixedSize(self.numero_page.sizeHint())
        self.numero_page.valueChanged.connect(lambda n: self.aller_a(n - 1))
        t.addWidget(self.numero_page)
        self.total_pages = QLabel()
        self.total_pages.setObjectName("indicateurPage")
        metriques = self.fontMetrics()
        self.total_pages.setFixedSize(
            metriques.horizontalAdvance(" / 9999 ") + 4, metriques.height()
        )
        t.addWidget(self.total_pages)
        self.action_suivante = self._action(
            "Page suivante", ["Ctrl+PgDown"], lambda: self.aller_a(self._page_courante + 1),
            "pageSuivante", "▶",
        )  # fmt: skip
        t.addAction(self.action_suivante)
        t.addSeparator()
        self.action_zoom_moins = self._action(
            "Zoom arrière",
            [K.ZoomOut, "Ctrl+-"],
            lambda: self.zoomer(1 / PAS_ZOOM),
            "zoomMoins",
            "−",
        )
        t.addAction(self.action_zoom_moins)
        self.indicateur_zoom = QLabel()
        self.indicateur_zoom.setObjectName("indicateurZoom")
        self.indicateur_zoom.setFixedSize(
            metriques.horizontalAdvance("9999 %") + 8, metriques.height()
        )
        self.indicateur_zoom.setAlignment(Qt.AlignmentFlag.AlignCenter)
        t.addWidget(self.indicateur_zoom)
        self.action_zoom_plus = self._action(
            "Zoom avant",
            [K.ZoomIn, "Ctrl+=", "Ctrl++"],
            lambda: self.zoomer(PAS_ZOOM),
            "zoomPlus",
            "+",
        )
        t.addAction(self.action_zoom_plus)
        self.action_largeur = self._action(
            "Ajuster à la largeur",
            ["Ctrl+2"],
            lambda: self.ajuster("largeur"),
            "ajusterLargeur",
            "Largeur",
        )
        self.action_page = self._action(
            "Page entière", ["Ctrl+0"], lambda: self.ajuster("page"), "ajusterPage", "Page"
        )
        self.action_taille_reelle = self._action(
            "Taille réelle", ["Ctrl+1"], self.taille_reelle, "tailleReelle"
        )
        for action in (self.action_largeur, self.action_page):
            action.setCheckable(True)
            t.addAction(action)
        t.addSeparator()
        self.action_gauche = self._action(
            "Pivoter à gauche", ["Ctrl+Shift+R"], lambda: self.pivoter(-90), "pivoterGauche", "⟲"
        )
        self.action_droite = self._action(
            "Pivoter à droite", ["Ctrl+R"], lambda: self.pivoter(90), "pivoterDroite", "⟳"
        )
        t.addAction(self.action_gauche)
        t.addAction(self.action_droite)
        t.addSeparator()
        self.action_vignettes = self._action(
            "Vignettes", ["Ctrl+T"], self._basculer_vignettes, "afficherVignettes"
        )
        self.action_vignettes.setCheckable(True)
        self.action_vignettes.setChecked(True)
        t.addAction(self.action_vignettes)
        self.action_garder_zoom = self._action(
            "Garder ce zoom pour les documents suivants", ["Ctrl+Shift+0"], lambda: None,
            "garderZoom",
        )  # fmt: skip
        self.action_garder_zoom.setCheckable(True)
        self._navigation = [
            self.action_precedente, self.action_suivante, self.action_zoom_moins,
            self.action_zoom_plus, self.action_largeur, self.action_page,
            self.action_taille_reelle, self.action_gauche, self.action_droite,
            self.action_vignettes, self.action_garder_zoom,
        ]  # fmt: skip

    # -- what is shown -----------------------------------------------------------------------
    def vue(self) -> Vue:
        viewport = self.scroll.viewport().size()
        return Vue(
            max(1, viewport.width() - 2 * MARGE),
            max(1, viewport.height() - 2 * MARGE),
            self.mode,
            self.zoom,
            self.devicePixelRatioF(),
            self.rotation,
        )

    def surligner(self, page: int, boite: tuple[float, float, float, float] | None) -> None:
        """Outline a zone of a page (from 0; ``boite`` as fractions of the upright page) and
        bring it into view; None: no outline. Forgotten when another document shows."""
        self.surlignage = (page, boite) if boite is not None else None
        if boite is not None and page < len(self.surface.rects):
            zone = _zone(self.surface.rects[page], boite, self.rotation).toAlignedRect()
            self.scroll.ensureVisible(zone.center().x(), zone.center().y(),
                                      zone.width() // 2 + 40, zone.height() // 2 + 40)  # fmt: skip
        self.surface.update()

    def afficher(self, doc: Document | None, *, malgre: bool = False, vide: str = "") -> None:
        """Show ``doc``; None: nothing to show, and ``vide`` says why (HTML). What the source
        already has shows at once."""
        if doc is None or self.doc is None or doc.chemin != self.doc.chemin:
            self.surlignage = None
        autre = doc is None or self.doc is None or doc.chemin != self.doc.chemin
        if autre and not self.action_garder_zoom.isChecked():  # another document: the fit
            self.mode = self.ajustement
        self.doc, self.malgre = doc, malgre
        self._vu = False
        if doc is not None:  # first of all: the worker starts while this widget tidies up
            self.rotation = doc.rotation % 360
            self.source.oublier(doc.chemin, viewer=self)  # the previous one's requests can wait
            self.source.ouvrir(doc, self.vue(), malgre)
            if (doc.chemin, malgre) not in self.source.ouverts:
                time.sleep(0)  # let the channel's thread take the GIL and send the request now
        else:
            self.source.oublier("", viewer=self)  # shows nothing: needs nothing
        self.ouvert, self.inspection = None, None
        self.malgre_bouton.hide()
        cle = (doc.chemin, malgre) if doc is not None else None
        if cle in self.source.ouverts:  # prefetched, or seen before: shown now, in one pass
            self._ouvert(*cle, self.source.ouverts[cle])
        else:
            self.pages, self._page_courante = (), 0
            self._vignettes(0)
        if cle in self.source.inspections:
            self._constate(*cle, self.source.inspections[cle])
        else:
            self._bandeau(())
        if doc is None:
            self._message(vide or "Sélectionnez une pièce pour afficher le fichier déposé.")
            self._etat_actions()
        elif self.ouvert is None:
            # Most files open in a few milliseconds: the pages stay in place meanwhile (an
            # empty surface, no flicker), and so do the actions (the commands do nothing
            # without pages; each action toggled costs the window a repaint of the tool bar
            # and the menus); a slow one says so after a moment.
            self.surface.disposer()
            self._patience.start()

    @property
    def page_peinte(self) -> bool:
        """A page of the document shown has been painted on screen."""
        return self._vu

    def _signaler_affichage(self) -> None:
        if self.doc is not None and self._vu:
            self.documentAffiche.emit(self.doc.cle)

    def _ouverture_lente(self) -> None:
        if self.doc is not None and self.ouvert is None:
            self._message(f"Ouverture de « {html.escape(self.doc.nom)} »…")
            self._etat_actions()

    def precharger(self, doc: Document | None) -> None:
        """Open ``doc`` and render its first page in the background, for the view as it is;
        once the document on screen is shown (not to slow it down)."""
        self._prochain = doc
        if self.ouvert is not None or self.doc is None:
            self._lancer_prechargement()

    def _lancer_prechargement(self) -> None:
        doc, self._prochain = self._prochain, None
        if doc is not None:
            vue = self.vue()
            vue = Vue(vue.largeur, vue.hauteur, vue.mode, vue.zoom, vue.dpr, doc.rotation % 360)
            self.source.ouvrir(doc, vue, prechargement=True)

    def afficher_quand_meme(self) -> None:
        if self.doc is not None:
            self.afficher(self.doc, malgre=True)

    def _message(self, texte: str) -> None:
        self.message.setText(texte)
        self.pile.setCurrentIndex(0)

    def _courant(self, chemin: str, malgre: bool) -> bool:
        return self.doc is not None and (self.doc.chemin, self.malgre) == (chemin, malgre)

    def _ouvert(self, chemin: str, malgre: bool, ouvert: Ouvert) -> None:
        if not self._courant(chemin, malgre) or self.ouvert is not None:
            return
        self.ouvert = ouvert
        self._patience.stop()
        QTimer.singleShot(0, self._lancer_prechargement)  # once this one is painted
        if not ouvert.affichable:
            self.pages, self._page_courante = (), 0
            self._vignettes(0)
            pourquoi = ouvert.erreur or " ".join(f.message for f in ouvert.refus)
            self._message(
                f"<p><b>Ce fichier n'est pas affiché.</b></p><p>{html.escape(pourquoi)}</p>"
            )
            if not ouvert.erreur and [f.code for f in ouvert.refus] == ["taille"]:
                self.malgre_bouton.show()
            if ouvert.erreur and self.inspection is None:
                self._bandeau((Finding("refus", "illisible", ouvert.erreur),))
            self._etat_actions()
            return
        self.pages = ouvert.pages
        self.pile.setCurrentIndex(1)
        self._vignettes(min(len(self.pages), VIGNETTES_MAX))
        self.numero_page.blockSignals(True)
        if self.numero_page.maximum() != len(self.pages):  # else the box is painted again
            self.numero_page.setMaximum(len(self.pages))
        if self.numero_page.value() != 1:
            self.numero_page.setValue(1)
        self.numero_page.blockSignals(False)
        self.total_pages.setText(f" / {len(self.pages)} ")
        self._page_courante = 0
        self._disposer()  # from the top: it asks for the pages on screen
        self._etat_actions()

    def _constate(self, chemin: str, malgre: bool, inspection: Inspection) -> None:
        if not self._courant(chemin, malgre):
            return
        self.inspection = inspection
        self._bandeau(inspection.findings)
        if inspection.refuse_pour_sa_taille_seule and not malgre:
            self.malgre_bouton.show()

    def _bandeau(self, findings: tuple[Finding, ...]) -> None:
        lignes = []
        for niveau in ("refus", "avertissement"):
            for f in (f for f in findings if f.level == niveau):
                fond, encre = COULEURS[niveau]
                lignes.append(
                    f'<div style="background:{fond}; color:{encre}; padding:4px;">'
                    f"<b>{ETIQUETTES[niveau]} :</b> {html.escape(f.message)}</div>"
                )
        infos = [html.escape(f.message.rstrip(".")) for f in findings if f.level == "info"]
        if infos:
            fond, encre = COULEURS["info"]
            lignes.append(
                f'<div style="background:{fond}; color:{encre}; padding:4px;">'
                + " · ".join(infos)
                + "</div>"
            )
        texte = "".join(lignes)
        if texte != self._texte_bandeau:  # the same findings: nothing to lay out again
            self._texte_bandeau = texte
            self.banniere.setHtml(texte)
            self.banniere.setToolTip("\n".join(f.message for f in findings))

    # -- layout and pages --------------------------------------------------------------------
    def _zoom_effectif(self) -> float:
        # The same computation as the worker's first page (and the prefetch): same cache key.
        return self.vue().zoom_pour(self.pages[0]) if self.pages else self.zoom

    def _disposer(self) -> None:
        if not self.pages:
            return
        page, fraction = self._page_courante, self._fraction_dans_la_page()
        self.zoom = self._zoom_effectif()
        self.surface.disposer()
        self.indicateur_zoom.setText(f"{round(self.zoom * 100)} %")
        self.action_largeur.setChecked(self.mode == "largeur")
        self.action_page.setChecked(self.mode == "page")
        if page < len(self.surface.rects):
            rect = self.surface.rects[page]
            barre = self.scroll.verticalScrollBar()
            barre.blockSignals(True)  # the pages are asked for once, below
            barre.setValue(int(rect.top() - MARGE + fraction * rect.height()))
            barre.blockSignals(False)
        self._demander_pages()

    def _fraction_dans_la_page(self) -> float:
        if self._page_courante >= len(self.surface.rects):
            return 0.0
        rect = self.surface.rects[self._page_courante]
        haut = self.scroll.verticalScrollBar().value() + MARGE
        return min(max((haut - rect.top()) / max(rect.height(), 1), 0.0), 1.0)

    def echelle(self) -> float:
        return self.zoom * self.devicePixelRatioF()

    def cle(self, index: int) -> tuple[Any, ...]:
        assert self.doc is not None
        return cle_page(self.doc.chemin, index, self.echelle(), self.malgre)

    def _demander_pages(self) -> None:
        """Render what is on screen first, then the pages just around it, then thumbnails."""
        if self.doc is None or not self.pages or not self.surface.rects:
            return
        haut = self.scroll.verticalScrollBar().value()
        hauteur = self.scroll.viewport().height()
        bas = haut + hauteur
        visibles = [
            i for i, r in enumerate(self.surface.rects) if r.bottom() >= haut and r.top() <= bas
        ]
        if not visibles:
            return
        proches = [i for i in (visibles[0] - 1, visibles[-1] + 1) if 0 <= i < len(self.pages)]
        garder = set()
        for index in visibles:
            garder.add(self.source.rendre(self.doc, index, self.echelle(), self.malgre,
                                           PAGE_VISIBLE))  # fmt: skip
        for index in proches:
            garder.add(self.source.rendre(self.doc, index, self.echelle(), self.malgre,
                                           PAGE_PROCHE))  # fmt: skip
        if self.action_vignettes.isChecked():
            for index in range(self.vignettes.count()):
                cle = self._cle_vignette(index)
                garder.add(self.source.rendre(self.doc, index, cle[2], self.malgre, VIGNETTE))
                self._poser_vignette(index)
        self.source.oublier(self.doc.chemin, garder, viewer=self)
        courante = visibles[0]
        for i in visibles:  # the page that fills most of the view
            r = self.surface.rects[i]
            if r.top() <= haut + hauteur / 3:
                courante = i
        self._changer_page_courante(courante)

    def _cle_vignette(self, index: int) -> tuple[Any, ...]:
        assert self.doc is not None
        page = self.pages[index].tournee(self.rotation)
        echelle = (
            LARGEUR_VIGNETTE / max(page.largeur, page.hauteur / 1.42) * self.devicePixelRatioF()
        )
        return cle_page(self.doc.chemin, index, echelle, self.malgre)

    def _vignettes(self, nombre: int) -> None:
        """``nombre`` thumbnails, blank until rendered; the items already there are reused
        (the list is not laid out again from nothing for each document)."""
        self.vignettes.blockSignals(True)
        while self.vignettes.count() > nombre:
            self.vignettes.takeItem(self.vignettes.count() - 1)
        for index in range(self.vignettes.count()):
            item = self.vignettes.item(index)
            if item.data(Qt.ItemDataRole.UserRole):
                item.setIcon(QIcon())
                item.setData(Qt.ItemDataRole.UserRole, None)
        for index in range(self.vignettes.count(), nombre):
            item = QListWidgetItem(str(index + 1))
            item.setToolTip(f"Page {index + 1}")
            self.vignettes.addItem(item)
        self.vignettes.blockSignals(False)

    def _poser_vignette(self, index: int) -> None:
        item = self.vignettes.item(index)
        if item is None or item.data(Qt.ItemDataRole.UserRole):
            return
        image = self.source.cache.get(self._cle_vignette(index))
        if image is None:
            return
        if self.rotation:
            image = image.transformed(QTransform().rotate(self.rotation))
        pixmap = QPixmap.fromImage(image)
        peintre = QPainter(pixmap)  # a white page needs its edge to be seen on white
        peintre.setPen(QColor("#8a8886"))
        peintre.drawRect(0, 0, pixmap.width() - 1, pixmap.height() - 1)
        peintre.end()
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        item.setIcon(QIcon(pixmap))
        item.setData(Qt.ItemDataRole.UserRole, True)

    def _page_rendue(self, cle: tuple[Any, ...], *_: object) -> None:
        if self.doc is None or cle[0] != self.doc.chemin:
            return
        if cle[1] < self.vignettes.count() and cle == self._cle_vignette(cle[1]):
            self._poser_vignette(cle[1])
        if cle[1] < len(self.surface.rects):
            self.surface.update(self.surface.rects[cle[1]].toAlignedRect().adjusted(-1, -1, 1, 1))

    def _changer_page_courante(self, index: int) -> None:
        if index == self._page_courante and self.numero_page.value() == index + 1:
            return
        self._page_courante = index
        self.numero_page.blockSignals(True)
        self.numero_page.setValue(index + 1)
        self.numero_page.blockSignals(False)
        self.vignettes.blockSignals(True)
        self.vignettes.setCurrentRow(index if index < self.vignettes.count() else -1)
        self.vignettes.blockSignals(False)
        self._etat_actions()
        self.pageChangee.emit(index + 1)

    def _defilement(self, *_: object) -> None:
        self._demander_pages()

    # -- commands ----------------------------------------------------------------------------
    def aller_a(self, index: int) -> None:
        if not self.pages or not 0 <= index < len(self.pages):
            return
        self.scroll.verticalScrollBar().setValue(int(self.surface.rects[index].top() - MARGE))
        self._changer_page_courante(index)

    def _vignette_choisie(self, row: int) -> None:
        if row >= 0:
            self.aller_a(row)

    def zoomer(self, facteur: float) -> None:
        if not self.pages:
            return
        self.mode = "libre"
        self.zoom = min(max(self.zoom * facteur, ZOOM_MIN), ZOOM_MAX)
        self._disposer()

    def ajuster(self, mode: Mode) -> None:
        """Fit the page (``page``) or its width (``largeur``); the next documents too."""
        self.mode = self.ajustement = mode
        self._disposer()
        self.action_largeur.setChecked(mode == "largeur")
        self.action_page.setChecked(mode == "page")

    def taille_reelle(self) -> None:
        self.mode, self.zoom = "libre", 1.0
        self._disposer()

    def pivoter(self, degres: int) -> None:
        if self.doc is None or not self.pages:
            return
        self.rotation = (self.rotation + degres) % 360
        for index in range(self.vignettes.count()):
            self.vignettes.item(index).setData(Qt.ItemDataRole.UserRole, None)
        self._disposer()
        self.rotationChangee.emit(self.doc.cle, self.rotation)

    def _basculer_vignettes(self) -> None:
        self.vignettes.setVisible(self.action_vignettes.isChecked())
        self._relayout.start()

    def _etat_actions(self) -> None:
        affiche = bool(self.pages)
        actives = {
            self.action_precedente: affiche and self._page_courante > 0,
            self.action_suivante: affiche and self._page_courante < len(self.pages) - 1,
        }
        for action in self._navigation:  # each set once: a toggle repaints bar and menus
            action.setEnabled(actives.get(action, affiche))
        self.numero_page.setEnabled(len(self.pages) > 1)
        if not affiche:
            self.indicateur_zoom.setText("")
            self.total_pages.setText("")

    # -- events ------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll.viewport():
            if event.type() == QEvent.Type.Resize and self.mode != "libre":
                self._relayout.start()
            elif event.type() == QEvent.Type.Resize:
                self.surface.disposer()
                self._demander_pages()
            elif (
                event.type() == QEvent.Type.Wheel
                and isinstance(event, QWheelEvent)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            ):
                pas = event.angleDelta().y()
                if pas:
                    self.zoomer(PAS_ZOOM if pas > 0 else 1 / PAS_ZOOM)
                return True
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:
        return QSize(640, 800)
