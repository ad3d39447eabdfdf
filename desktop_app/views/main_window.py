"""The main window's shell: the menus, the layout of its rooms, the status bar, and the
reading of the campaign. At start it is shown before the base is open (``MainWindow()``), and
its rooms are built once it is (``installer``). The rooms do the work:

    liste.ListeCandidatures   the candidatures, their search and filters, the counts
    dossier.PanneauDossier    the candidate's identity and the pièces tree
    document.PanneauDocument  the files of the pièce, the viewer, the previous deposit beside
    revue.Revue               the decision keys, undo, retry, conflicts, bulk Conforme, moving
    campagne.ActionsCampagne  import, exports, letters, reception, backups, the follow-up

They share the review state (``etat.EtatRevue``) and hear what changed on one signal
(``operations.Annonces``); every read and write goes through ``operations.Operation``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QTimer, Signal, qVersion
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import desktop_app
from desktop_app import APP_NAME, journal
from desktop_app.views.taches import Fil, hors_du_ramasse_miettes

# Nothing here imports SQLAlchemy, the services or the rooms: the window is painted first
# (``MainWindow()``, a bare QApplication's time), the base opened in a thread, and the rooms
# built when it is open (``installer``), their modules imported then.
if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QPaintEvent

    from desktop_app.models import Statut
    from desktop_app.services.espace import Espace
    from desktop_app.services.requetes import CampagneResume, LigneDepot, LignePiece
    from desktop_app.views.dossier import LuDuDossier
    from desktop_app.views.item_models import ListePreparee
    from desktop_app.views.operations import Changements, Echec
    from desktop_app.views.suivi import SuiviFenetre
    from desktop_app.views.taches import TacheAvecProgression

LECTURE_APRES_MS = 5000  # the campaign's files are read this long after it is shown
TYPES_QT_APRES_MS = 1000  # PySide's types are made this long after (``preparer_types_qt``)


@cache
def preparer_types_qt() -> None:
    """PySide makes its Python types when first used; the first object of a Qt class it
    does not wrap (an internal one) handed to Python makes it make them all at once: 180
    enums, 50 ms on the GUI thread. The first decision of a session handed it one (the event
    filter that holds the keys while the dossier is read again): it froze the window twice
    as long as the next ones (114 against 55 ms). It is done here, once, the window
    settled."""
    QLabel("<b></b>").children()  # a rich-text label's text control: an internal class


ALIGNEMENT_CENTRE = 0x84  # Qt.AlignmentFlag.AlignCenter (AlignHCenter | AlignVCenter)
PREMIER_ECRAN = 300  # candidatures listed first at start, the rest read after them
DOSSIER_APRES_LISTE_MS = 20  # a list read in a thread is painted, then its dossier opens


def _cloture_passee(campagne: CampagneResume) -> bool:
    from desktop_app.services.dates import now_utc

    return bool(campagne.cloture and campagne.cloture < now_utc())


def _colonne(nom: str, *contenu: QWidget | tuple[QWidget, int]) -> QWidget:
    """A panel laying out ``contenu`` top to bottom, without margins; (widget, n) stretches."""
    panneau = QWidget()
    panneau.setObjectName(nom)
    layout = QVBoxLayout(panneau)
    layout.setContentsMargins(0, 0, 0, 0)
    for element in contenu:
        if isinstance(element, tuple):
            layout.addWidget(*element)
        else:
            layout.addWidget(element)
    return panneau


class MainWindow(QMainWindow):
    espace: Espace
    OUVERTURE = "<h2>Ouverture de la base…</h2>"
    LECTURE = "Lecture de la campagne…"
    ETAT_VIDE = (
        "<h2>Aucune campagne</h2><p>Importez un paquet de dossiers "
        "(<b>Fichier › Importer un paquet</b>, Ctrl+I)<br>ou lancez l'application avec "
        "<code>--demo</code> pour découvrir une campagne de démonstration.</p>"
    )

    premiere_peinture = Signal()  # once, when the window's first paint is on screen

    def __init__(self, espace: Espace | None = None) -> None:
        """The window itself, at its last size, saying the base is being opened; its rooms
        come with ``installer(espace)`` (at once when ``espace`` is given)."""
        super().__init__()
        self.installee = False  # the rooms are built (the base is open)
        self._peinte = False
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.resize(1600, 900)
        geometrie = QSettings().value("fenetre/geometrie")
        if geometrie is not None:
            self.restoreGeometry(geometrie)
        self._lectures = 0  # readings of the campaign asked for (the last one is shown)
        self._lue = 0  # the last one done
        self.vide = QLabel(self.OUVERTURE)
        self.vide.setObjectName("etatVide")
        # Centred (Qt.AlignmentFlag.AlignCenter) without touching the Qt namespace: PySide
        # builds its 93 enum types at the first touch, 13 ms before the first paint.
        self.vide.setProperty("alignment", ALIGNEMENT_CENTRE)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.vide)
        self.setCentralWidget(self.pages)
        if espace is not None:
            self.installer(espace)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._peinte:
            self._peinte = True
            QTimer.singleShot(0, self.premiere_peinture.emit)  # after this paint is flushed

    def installer(self, espace: Espace) -> None:
        """The rooms, the menus and the status bar, on the workspace now open."""
        from PySide6.QtCore import Qt  # (not before: see ALIGNEMENT_CENTRE)

        from desktop_app.services.regles import MOTIFS_NON_CONFORMITE
        from desktop_app.viewer.source import SourceDocuments
        from desktop_app.views.campagne import ActionsCampagne
        from desktop_app.views.document import PanneauDocument
        from desktop_app.views.dossier import PanneauDossier
        from desktop_app.views.etat import EtatRevue
        from desktop_app.views.liste import ListeCandidatures
        from desktop_app.views.lu import Lecteur, PanneauLu
        from desktop_app.views.operations import Annonces
        from desktop_app.views.revue import Revue

        self.espace = espace
        self.installee = True
        self.annonces = Annonces(self)
        self.etat = EtatRevue(self)
        self.source_documents = SourceDocuments(self)
        self.liste = ListeCandidatures(espace, self.etat, self.annonces)
        self.dossier = PanneauDossier(espace, self.etat, self.annonces)
        self.document = PanneauDocument(espace, self.etat, self.source_documents)
        self.lecteur = Lecteur(self, espace, self.source_documents)
        self.lu = PanneauLu(espace, self.etat, self.lecteur, self.annonces, self.gestionnaire)
        self.dossier.poser_sous_identite(self.lu)
        self.document.depotAffiche.connect(self.lu.montrer)
        self.lu.surligner.connect(self.document.viewer.surligner)
        self.revue = Revue(self, espace, self.etat, self.annonces, self.liste, self.dossier,
                           self.document, self.gestionnaire)  # fmt: skip
        self.actions_campagne = ActionsCampagne(self, espace, self.etat, self.annonces,
                                                self.liste)  # fmt: skip
        self.annonces.changements.connect(self._changements)
        self.liste.candidatureChoisie.connect(self.dossier.ouvrir)
        self.liste.remise.connect(self.revue.surface)
        self.dossier.depotChoisi.connect(self.document.montrer_depot)
        # The handles automation, screen readers and the tests use.
        self.candidatures, self.candidature_view = self.liste.candidatures, self.liste.vue
        self.recherche, self.filtre = self.liste.recherche, self.liste.filtre
        self.filtre_specialite = self.liste.filtre_specialite
        self.identite, self.arbre = self.dossier.identite, self.dossier.arbre
        self.viewer, self.fichiers = self.document.viewer, self.document.fichiers
        self.comparaison, self.panneau = self.document.comparaison, self.revue.panneau

        self.titre = QLabel()
        self.titre.setObjectName("campagneTitre")
        self.titre.setTextFormat(Qt.TextFormat.RichText)
        self.titre.setContentsMargins(8, 6, 8, 6)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.liste)
        self.splitter.addWidget(self.dossier)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter_document = QSplitter(Qt.Orientation.Horizontal)
        self.splitter_document.setObjectName("documentSplitter")
        for i, (piece, etirement) in enumerate(
            ((self.splitter, 3), (self.document, 4), (self.panneau, 0))
        ):
            self.splitter_document.addWidget(piece)
            self.splitter_document.setStretchFactor(i, etirement)
        self.splitter_document.setSizes([430, 870, 300])  # the document is the work
        self.vide.setText(self.ETAT_VIDE)
        self.pages.addWidget(_colonne("pageCampagne", self.titre, (self.splitter_document, 1)))
        self.statusBar().addPermanentWidget(self.liste.compteurs)
        if espace.db.lecture_seule:  # said once, where it stays: reading works, saving will not
            seule = QLabel("<b>Lecture seule</b>")
            seule.setObjectName("lectureSeule")
            seule.setToolTip(espace.db.lecture_seule)
            self.statusBar().addPermanentWidget(seule)
        self._menus()
        self.panneau.poser_motifs(espace.preferences.motifs or MOTIFS_NON_CONFORMITE)
        self.etat.poser_piece(None)
        self._restore()

    # -- what the tests and the application start drive --------------------------------------
    @property
    def campagne(self) -> CampagneResume | None:
        return self.etat.campagne

    @property
    def candidature_id(self) -> int | None:
        return self.etat.candidature_id

    @property
    def piece(self) -> LignePiece | None:
        return self.etat.piece

    @property
    def depots(self) -> dict[int, list[LigneDepot]]:
        return self.etat.depots

    @property
    def tache_en_cours(self) -> TacheAvecProgression | None:
        return self.actions_campagne.tache_en_cours

    def suivre(self, tache: TacheAvecProgression) -> TacheAvecProgression:
        return self.actions_campagne.suivre(tache)

    def importer(self, chemin: Path) -> TacheAvecProgression | None:
        return self.actions_campagne.importer(chemin)

    def sauvegarde_au_demarrage(self) -> TacheAvecProgression | None:
        return self.actions_campagne.sauvegarde_au_demarrage()

    def ouvrir_suivi(self) -> SuiviFenetre | None:
        return self.actions_campagne.ouvrir_suivi()

    def decider(self, statut: Statut | None) -> None:
        self.revue.decider(statut)

    def aller_a(self, candidature_id: int, piece_id: int) -> None:
        self.revue.aller_a(candidature_id, piece_id)

    # -- menus -------------------------------------------------------------------------------
    def _action(self, texte: str, touches: Any, slot: Any, nom: str) -> Any:
        from desktop_app.viewer.actions import creer_action

        action = creer_action(self, texte, [] if touches is None else [touches], slot, nom)
        self.addAction(action)
        return action

    def _menus(self) -> None:
        from PySide6.QtGui import QKeySequence

        from desktop_app.services.espace import EN_EQUIPE

        a, c = self._action, self.actions_campagne
        fichier = self.menuBar().addMenu("&Fichier")
        fichier.addAction(a("&Importer un paquet (archive .zip)…", "Ctrl+I", c.importer_zip,
                            "actionImporterZip"))  # fmt: skip
        fichier.addAction(a("Importer un paquet (&dossier)…", "Ctrl+Shift+I", c.importer_dossier,
                            "actionImporterDossier"))  # fmt: skip
        self.action_export = a("&Exporter les décisions…", "Ctrl+E", c.exporter, "actionExporter")
        fichier.addAction(self.action_export)
        fichier.addSeparator()
        self.action_sauvegardes = a("&Sauvegardes de la base…", None, c.sauvegardes,
                                    "actionSauvegardes")  # fmt: skip
        if not self.espace.locale:
            self.action_sauvegardes.setEnabled(False)
            self.action_sauvegardes.setToolTip(EN_EQUIPE)
        fichier.addAction(self.action_sauvegardes)
        fichier.addAction(a("&Vérifier l'historique des décisions", None, c.verifier_historique,
                            "actionVerifierHistorique"))  # fmt: skip
        fichier.addAction(a("Exporter l'&historique du candidat…", None, c.exporter_historique,
                            "actionExporterHistorique"))  # fmt: skip
        self.action_purger = a("Pu&rger la campagne…", None, c.purger, "actionPurger")
        fichier.addAction(self.action_purger)
        fichier.addSeparator()
        fichier.addAction(a("&Quitter", QKeySequence.StandardKey.Quit, self.close,
                            "actionQuitter"))  # fmt: skip

        decision = self.menuBar().addMenu("&Décision")
        for action in self.revue.actions_decision:
            decision.addSeparator() if action is None else decision.addAction(action)
        navigation = self.menuBar().addMenu("&Navigation")
        navigation.addActions(self.revue.actions_navigation)
        affichage = self.menuBar().addMenu("Affic&hage")
        affichage.addActions(self.viewer.actions())
        affichage.addSeparator()
        self.action_comparer = self.document.action_comparer
        self.addAction(self.action_comparer)
        affichage.addAction(self.action_comparer)
        self.action_liste = a("&Liste des candidatures", "F8", self._montrer_liste, "actionListe")
        self.action_liste.setCheckable(True)
        self.action_liste.setChecked(True)
        affichage.addAction(self.action_liste)

        suivi = self.menuBar().addMenu("&Suivi")
        self.actions_suivi = [
            a("&Suivi de la campagne (tableau de bord, relances, annulations)…", "F9",
              c.ouvrir_suivi, "actionSuivi"),
            a("&Matrice des statuts (XLSX ou CSV)…", "Ctrl+Shift+E", c.exporter_matrice,
              "actionMatrice"),
            a("&Fiches de contrôle des candidatures listées…", None, c.fiches_de_la_liste,
              "actionFiches"),
            a("&Copier les fichiers des candidatures listées…", None, c.copier_fichiers,
              "actionCopierFichiers"),
            a("&Réception postale d'une liste de pièces…", None, c.reception_en_lot,
              "actionReceptionLot"),
        ]  # fmt: skip
        suivi.addActions(self.actions_suivi)

        parametres = self.menuBar().addMenu("&Paramètres")
        parametres.addAction(a("&Paramètres…", "Ctrl+,", self.parametres, "actionParametres"))
        parametres.addAction(a("Mes &spécialités…", None, self.choisir_specialites,
                               "actionMesSpecialites"))  # fmt: skip
        aide = self.menuBar().addMenu("&Aide")
        aide.addAction(a("&Raccourcis clavier", "F1", self.aide_clavier, "actionAideClavier"))
        aide.addAction(a(f"À &propos de {APP_NAME}", None, self.a_propos, "actionAPropos"))

    def aide_clavier(self) -> None:
        from desktop_app.views.dialogues import AideClavier

        groupes = [(m.title(), m.actions()) for m in self.menuBar().findChildren(QMenu)
                   if m.title()]  # fmt: skip
        AideClavier(groupes, self).exec()

    # -- the campaign ------------------------------------------------------------------------
    def recharger(
        self,
        en_fond: bool = False,
        selection: int | None = None,
        ensuite: Callable[[], object] | None = None,
        premiers: int | None = None,
    ) -> None:
        """Read the campaign and its candidatures again (at start, after an import, a
        restore, a reception, new assignments). ``en_fond`` (at start): read in a thread,
        the window already painted says so meanwhile. The list then opens ``selection`` if it
        still lists it, else its first candidature; ``ensuite`` once it is shown (whole).
        ``premiers`` (at start, with ``en_fond``): that many candidatures are listed first,
        their first dossier opened, while the others are read (``_completer``). With
        ``en_fond``, the dossier of ``selection`` is read in the thread too (after an import:
        its dozen statements were the longest step on the GUI thread at its end)."""
        from desktop_app.services.reglages import specialites_de
        from desktop_app.services.requetes import campagnes, lister_candidatures
        from desktop_app.views.dossier import lire_dossier
        from desktop_app.views.item_models import preparer_liste
        from desktop_app.views.operations import Operation

        nom = self.espace.preferences.gestionnaire.strip()
        tri = self.candidatures.tri  # its order computed in the thread too

        def lire(s: Any) -> Any:
            toutes = campagnes(s)
            campagne = toutes[0] if toutes else None
            if campagne is None:
                return None, preparer_liste([], False), frozenset(), None
            miennes = frozenset(specialites_de(s, campagne.id, nom)) if nom else frozenset()
            # The list's keys computed here too, in the thread (a second at 300,000).
            with hors_du_ramasse_miettes():
                liste = preparer_liste(
                    lister_candidatures(s, campagne.id, premiers), _cloture_passee(campagne), tri
                )
            dossier = lire_dossier(s, selection) if en_fond and selection is not None else None
            return campagne, liste, miennes, dossier

        self._lectures += 1
        lecture = self._lectures

        partielle = False  # only the first screen was read
        dossier: LuDuDossier | None = None  # that of ``selection``, read with the list

        def montrer(lu: Any) -> None:
            nonlocal partielle, dossier, selection
            if lecture != self._lectures:  # a later reading was asked for: its result counts
                return
            self._fin_de_lecture()
            campagne, preparee, miennes, dossier = lu
            # A dossier the gestionnaire chose while the campaign was read (landed now, if it
            # was still being read) is the one the new list opens, not the one before it.
            self.dossier.finir()
            choisie = self.etat.candidature_id
            if choisie is not None and choisie != selection:
                selection, dossier = choisie, None
            self._montrer_campagne(campagne, preparee, miennes)
            partielle = premiers is not None and len(preparee.lignes) >= premiers
            self.liste.partielle(partielle)
            # Read in a thread (at start, after an import): the dossier opens once the new
            # list is painted, the list's reset, its paint and the dossier's reading never in
            # one stall (a zero timer ran before the paint: 115-125 ms after an import at
            # 100,000, bench_fluidite); the reading counts as under way until then.
            QTimer.singleShot(DOSSIER_APRES_LISTE_MS, self, ouvrir) if en_fond else ouvrir()

        def ouvrir() -> None:
            if lecture != self._lectures:  # a later reading came meanwhile: it opens its own
                return
            self.dossier.finir()  # a dossier chosen meanwhile, being read: it is the one open
            if (dossier is not None and selection is not None and self.etat.candidature_id is None
                    and self.liste.selectionner(selection, silencieux=True)):  # fmt: skip
                self.dossier.montrer_lu(selection, dossier)  # as the list's reading found it
            else:
                self.liste.ouvrir(selection)
            if partielle:
                self._completer(lecture, ensuite)
                return
            self._lue = lecture
            if ensuite is not None:
                ensuite()

        operation = Operation.lecture(self, self.espace, lire, "Lecture de la campagne")
        operation.succes(montrer)
        if not en_fond:
            operation.lancer()
            self._lue = max(self._lue, lecture)
            return
        self.vide.setText(self.LECTURE)
        if not self.statusBar().currentMessage():  # (what an operation just said stays)
            self.statusBar().showMessage(self.LECTURE)

        def echec(e: Echec) -> None:
            self._lue = max(self._lue, lecture)
            self._fin_de_lecture()
            QMessageBox.warning(self, "Lecture de la campagne", e.message)

        operation.echec(echec)
        operation.en_fond()

    def _completer(self, lecture: int, ensuite: Callable[[], object] | None) -> None:
        """The whole list, read in a thread after its first screen; the reading counts as
        under way until it is shown."""
        from desktop_app.services.requetes import lister_candidatures
        from desktop_app.views.item_models import preparer_liste
        from desktop_app.views.operations import Operation

        campagne = self.campagne
        assert campagne is not None
        tri = self.candidatures.tri

        def lire(s: Any) -> ListePreparee:
            with hors_du_ramasse_miettes():
                return preparer_liste(
                    lister_candidatures(s, campagne.id), _cloture_passee(campagne), tri
                )

        def montrer(preparee: ListePreparee) -> None:
            if lecture != self._lectures:  # a later reading was asked for: it lists its own
                return
            self._lue = lecture
            self.liste.completer(preparee)
            if ensuite is not None:
                ensuite()

        def echec(e: Echec) -> None:
            if lecture == self._lectures:
                self._lue = lecture
                QMessageBox.warning(self, "Lecture de la campagne", e.message)

        operation = Operation.lecture(self, self.espace, lire, "Lecture de la campagne")
        operation.succes(montrer)
        operation.echec(echec)
        operation.en_fond()

    def _montrer_campagne(
        self,
        campagne: CampagneResume | None,
        preparee: ListePreparee,
        miennes: frozenset[str],
    ) -> None:
        import html  # (not before the first paint: 1.4 ms)

        from desktop_app.services.dates import format_datetime

        self.etat.campagne = campagne
        self.action_export.setEnabled(campagne is not None)
        self.action_purger.setEnabled(campagne is not None)
        for action in self.actions_suivi:
            action.setEnabled(campagne is not None)
        self.pages.setCurrentIndex(1 if campagne else 0)
        self.liste.mes_specialites = miennes
        self.dossier.ouvrir(None)
        self.liste.montrer(preparee)
        if campagne is None:
            self.titre.clear()
            return
        cloture = format_datetime(campagne.cloture)
        self.titre.setText(
            f"<b style='font-size:14pt'>{html.escape(campagne.titre)}</b>"
            + (f" &nbsp;·&nbsp; clôture le {cloture}" if cloture else "")
        )
        self.setWindowTitle(f"{campagne.titre} — {APP_NAME}")
        # The campaign's files not read yet, in the reading worker, once the window has
        # settled (the list, the first dossier).
        QTimer.singleShot(LECTURE_APRES_MS, self.lecteur.demarrer)
        QTimer.singleShot(TYPES_QT_APRES_MS, preparer_types_qt)

    def _fin_de_lecture(self) -> None:
        self.vide.setText(self.ETAT_VIDE)
        if self.statusBar().currentMessage() == self.LECTURE:
            self.statusBar().clearMessage()

    @property
    def lecture_en_cours(self) -> bool:
        """A reading of the campaign is under way in a thread (at start, after an import), or
        of the dossier being opened."""
        return self._lue < self._lectures or self.dossier.relecture_en_cours

    def _changements(self, c: Changements) -> None:
        if c.campagne:  # (an import, a restore, a reception: read in a thread, as at start)
            # The dossier on screen is opened again, once (not the first one before it).
            self.recharger(en_fond=True, selection=self.etat.candidature_id)

    # -- the gestionnaire and their settings -------------------------------------------------
    def gestionnaire(self) -> str:
        from desktop_app.views.dialogues import demander_gestionnaire

        return demander_gestionnaire(self, self.espace)

    def changer_gestionnaire(self) -> None:
        from desktop_app.views.dialogues import changer_gestionnaire

        changer_gestionnaire(self, self.espace)

    def choisir_specialites(self) -> None:
        from desktop_app.views.dialogues import SpecialitesDialog, enregistrer_parametres

        toutes = sorted({r.specialite for r in self.candidatures.toutes()})
        dialogue = SpecialitesDialog(toutes, self.espace.preferences.specialites, self)
        if dialogue.exec():
            self.espace.preferences.specialites = dialogue.choisies()
            enregistrer_parametres(self, self.espace)
            self.liste.filtre_specialite.setCurrentIndex(1)  # "Mes spécialités"
            self.liste.filtrer()

    def parametres(self, onglet: str = "gestionnaire") -> None:
        """Paramètres…: the name and the reasons apply at once, a new size limit judges the
        concerned files again in the background; the rest at the next start."""
        from desktop_app.services.regles import MOTIFS_NON_CONFORMITE
        from desktop_app.views.parametres import ParametresDialog

        dialogue = ParametresDialog(
            self.espace.preferences, self.espace.paths, self.campagne, self, onglet
        )
        accepte = dialogue.exec()
        octets = dialogue.taille_demandee()
        dialogue.deleteLater()
        if not accepte:
            return
        self.panneau.poser_motifs(self.espace.preferences.motifs or MOTIFS_NON_CONFORMITE)
        if octets is not None:
            self.actions_campagne.changer_taille_max(octets)

    def _montrer_liste(self) -> None:
        """F8: the list leaves the screen to the document (the identity and the pièces stay,
        in a narrow column); F8 again brings it back."""
        montree = self.action_liste.isChecked()
        self.liste.setVisible(montree)
        tailles = self.splitter_document.sizes()
        total = sum(tailles)
        gauche = 430 if montree else 300
        self.splitter_document.setSizes([gauche, total - gauche - tailles[2], tailles[2]])
        if not montree and self.liste.vue.hasFocus():
            self.revue.surface()

    # -- the window itself -------------------------------------------------------------------
    def _restore(self) -> None:
        settings = QSettings()  # (the geometry: by the window itself, before it is shown)
        self.action_comparer.setChecked(bool(settings.value("fenetre/comparer", True, type=bool)))
        ajustement = settings.value("visionneuse/ajustement", "largeur")  # A4 read at width
        self.viewer.ajustement = self.viewer.mode = "page" if ajustement == "page" else "largeur"
        if not settings.value("fenetre/liste", True, type=bool):
            self.action_liste.setChecked(False)
            self.liste.hide()
        for cle, splitter in (
            ("fenetre/separateur", self.splitter),
            ("fenetre/separateurDocument2", self.splitter_document),
        ):
            state = settings.value(cle)
            if state is not None:
                splitter.restoreState(state)  # fmt: skip

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.installee:  # closed while the base opens: nothing of it to keep yet
            QSettings().setValue("fenetre/geometrie", self.saveGeometry())
            super().closeEvent(event)
            return
        if self.tache_en_cours is not None:  # its thread must end first: nothing half-written
            event.ignore()
            self.statusBar().showMessage(
                "Un traitement est en cours : attendez sa fin ou annulez-le avant de quitter.",
                8000,
            )
            return
        from desktop_app.views.operations import Operation

        if Operation.sans_figer_en_cours:  # a decision being written (its success still to
            event.ignore()  # show, or its failure to say): the window closes just after
            QTimer.singleShot(20, self.close)
            return
        self.revue.attendre()
        self.dossier.finir()
        self.lecteur.fermer()  # before the wait: no reading starts a write after it
        Fil.attendre_tous()  # the other readings and writes under way (the panel « Lu »…)
        settings = QSettings()
        settings.setValue("fenetre/geometrie", self.saveGeometry())
        settings.setValue("fenetre/separateur", self.splitter.saveState())
        settings.setValue("fenetre/separateurDocument2", self.splitter_document.saveState())
        settings.setValue("fenetre/comparer", self.action_comparer.isChecked())
        settings.setValue("fenetre/liste", self.action_liste.isChecked())
        settings.setValue("visionneuse/ajustement", self.viewer.ajustement)
        self.source_documents.close()
        super().closeEvent(event)

    def a_propos(self) -> None:
        import html
        from importlib.metadata import version as version_de

        def ligne(nom: str, chemin: object) -> str:
            return f"{nom} : <code>{html.escape(str(chemin))}</code><br>"

        journal_ = journal.fichier()
        programme = Path(sys.executable).parent if getattr(sys, "frozen", False) else None
        QMessageBox.about(
            self,
            f"À propos de {APP_NAME}",
            f"<h3>{APP_NAME} {desktop_app.__version__}</h3><p>Contrôle des pièces "
            "justificatives des candidats aux examens.</p><p>"
            + ligne("Données", self.espace.paths.root)
            + ligne("Base", self.espace.db.url_affichable)
            + ligne("Fichiers des candidats", self.espace.store.root)
            + ligne("Sauvegardes", self.espace.paths.sauvegardes)
            + ligne("Journal", journal_ or "non écrit sur ce poste")
            + (ligne("Programme", programme) if programme else "")
            + f"</p><p>Python {sys.version.split()[0]}, Qt {qVersion()}, PyMuPDF "
            f"{version_de('PyMuPDF')}</p><p>Logiciel libre sous licence GNU Affero GPL, "
            "version 3 ou ultérieure (LICENCE.txt). Les composants tiers qu'il contient "
            "(Qt, PySide6, PyMuPDF, SQLAlchemy…) et leurs licences : "
            + (
                f"<code>{html.escape(str(programme / 'TIERS.txt'))}</code>"
                if programme
                else "<code>python packaging/notices.py</code>"
            )
            + ".</p>",
        )
