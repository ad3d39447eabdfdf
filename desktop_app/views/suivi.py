"""The bureau's follow-up window: the dashboard, the worklists (à relancer, suggestions, à
annuler) with their letters, and who covers which spécialité. Everything it shows is computed
by the services in a background thread; every write goes through the same services as the CLI.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTableView,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.models import Statut, libelle_statut
from desktop_app.services.courriers import (
    Contexte,
    Genre,
    apercu,
    contexte,
    ecrire_courriers,
    fiches,
    liste_annulations,
    nom_combine,
)
from desktop_app.services.dates import format_datetime, now_utc
from desktop_app.services.decisions import enregistrer_decision
from desktop_app.services.echeances import Dossier, PieceASuivre, Suivi, suivi
from desktop_app.services.espace import Espace
from desktop_app.services.exigences import ecarts_des_dossiers
from desktop_app.services.fichiers import ecrire_atomique
from desktop_app.services.reglages import (
    Bureau,
    affectations,
    affecter,
    bureau_de,
    enregistrer_bureau,
)
from desktop_app.services.tableau_de_bord import TableauDeBord, exporter_tableau, tableau_de_bord
from desktop_app.viewer.actions import creer_action
from desktop_app.views.dialogues import ApercuPdf, BureauDialog, demander_gestionnaire
from desktop_app.views.fichiers import dossier_choisi, fichier_a_ecrire
from desktop_app.views.graphiques import TableauDeBordVue
from desktop_app.views.operations import TOUT, Annonces, Changements, Operation, Progression
from desktop_app.views.tableaux import (
    Lignes,
    lignes_selectionnees,
    page_de_liste,
    plus_longues,
    rangee_de_boutons,
    remplir,
    table_de_liste,
    table_de_saisie,
)
from desktop_app.views.taches import TacheAvecProgression, hors_du_ramasse_miettes

COMMENTAIRE_ECHU = "Aucun fichier recevable n'a été reçu avant la date limite."


@dataclass(frozen=True)
class Listes:
    """The worklists' rows as the tables show them, formatted in the thread that computed the
    follow-up (at 100,000 candidatures, 50,000 rows: half a second the window would freeze)."""

    relances: list[tuple[str, ...]]
    suggestions: list[tuple[Dossier, PieceASuivre]]  # a row per pièce
    lignes_suggestions: list[tuple[str, ...]]
    annulations: list[tuple[str, ...]]
    # Of each list, the rows its columns' widths are measured on (``plus_longues``).
    mesurees: dict[str, Lignes]


def listes(d: Suivi) -> Listes:
    date = functools.cache(format_datetime)  # a few échéances for thousands of rows
    relances = [
        (r.destinataire.n_candidat, r.destinataire.nom_complet, r.destinataire.specialite,
         ", ".join(p.code for p in r.pieces),
         date(min((p.echeance for p in r.pieces if p.echeance), default=None)))
        for r in d.a_relancer
    ]  # fmt: skip
    suggestions = [(s, p) for s in d.suggestions for p in s.pieces]
    lignes_suggestions = [
        (s.destinataire.n_candidat, s.destinataire.nom_complet, f"{p.code} — {p.libelle}",
         libelle_statut(p.statut), date(p.echeance))
        for s, p in suggestions
    ]  # fmt: skip
    annulations = [
        (a.destinataire.n_candidat, a.destinataire.nom_complet, a.destinataire.specialite,
         ", ".join(f"{p.code} ({libelle_statut(p.statut)})" for p in a.pieces))
        for a in d.a_annuler
    ]  # fmt: skip
    mesurees = {"relances": plus_longues(relances), "suggestions": plus_longues(
        lignes_suggestions), "annulations": plus_longues(annulations)}  # fmt: skip
    return Listes(relances, suggestions, lignes_suggestions, annulations, mesurees)


class SuiviFenetre(QMainWindow):
    """Opened from the main window (F9); what it writes is announced on the window's
    ``Annonces``, so the main window's panels read it again."""

    def __init__(
        self, espace: Espace, campagne_id: int, annonces: Annonces, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("suiviFenetre")
        self.setWindowTitle("Suivi de la campagne")
        self.espace = espace
        self.campagne_id = campagne_id
        self.annonces = annonces
        self.donnees: Suivi | None = None
        self.tableau: TableauDeBord | None = None
        self.ctx: Contexte | None = None
        self._suggestions: list[tuple[Dossier, PieceASuivre]] = []  # a row per pièce
        self.tache: TacheAvecProgression | None = None
        self.horloge: Callable[[], dt.datetime] = now_utc  # « maintenant » of the deadlines

        self.onglets = QTabWidget()
        self.onglets.setObjectName("ongletsSuivi")
        self.onglets.addTab(self._onglet_tableau(), "&Tableau de bord")
        self.onglets.addTab(self._onglet_relances(), "À &relancer")
        self.onglets.addTab(self._onglet_suggestions(), "&Suggestions")
        self.onglets.addTab(self._onglet_annulations(), "À a&nnuler")
        self.onglets.addTab(self._onglet_affectations(), "A&ffectations")
        self.setCentralWidget(self.onglets)
        self.addAction(creer_action(self, "Actualiser", [QKeySequence("F5")], self.actualiser,
                                    "actionActualiserSuivi"))  # fmt: skip
        self.addAction(creer_action(self, "Fermer", ["Escape", QKeySequence.StandardKey.Close],
                                    self.close, "actionFermerSuivi"))  # fmt: skip
        self._reprendre_geometrie()

    def _reprendre_geometrie(self) -> None:
        """The size it had last time; the first time, enough to show the dashboard whole
        (within the screen)."""
        geometrie = QSettings().value("suivi/geometrie")
        if geometrie is not None and self.restoreGeometry(geometrie):
            return
        ecran = self.screen().availableGeometry()
        self.resize(min(1300, ecran.width() - 40), min(900, ecran.height() - 60))

    # -- tabs -------------------------------------------------------------------------------
    def _onglet_tableau(self) -> QWidget:
        page = QWidget()
        self.contenu_tableau = TableauDeBordVue()
        self.echeance = self.contenu_tableau.echeance
        defilement = QScrollArea()
        defilement.setWidget(self.contenu_tableau)
        defilement.setWidgetResizable(True)
        fond = QVBoxLayout(page)
        fond.addWidget(defilement)
        fond.addLayout(rangee_de_boutons([
            ("Exporter le tableau de bord (XLSX)…", self.exporter_tableau, "exporterTableau"),
            ("Enregistrer l'image (PNG)…", self.enregistrer_image, "imageTableau"),
            ("Actualiser (F5)", self.actualiser, "actualiserSuivi"),
        ]))  # fmt: skip
        return page

    def _onglet_relances(self) -> QWidget:
        self.table_relances = table_de_liste(
            "tableRelances",
            [
                "N° candidat",
                "Candidat",
                "Spécialité",
                "Pièces à fournir",
                "Échéance la plus proche",
            ],
        )
        self.resume_relances = QLabel()
        return page_de_liste(
            self.resume_relances,
            self.table_relances,
            [
                ("&Aperçu de la lettre…", self.apercu_relance, "apercuRelance"),
                ("&Enregistrer les lettres de la sélection…", self.enregistrer_relances,
                 "enregistrerRelances"),
                ("&Bureau expéditeur…", self.modifier_bureau, "bureauExpediteur"),
            ],
        )  # fmt: skip

    def _onglet_suggestions(self) -> QWidget:
        self.table_suggestions = table_de_liste(
            "tableSuggestions",
            ["N° candidat", "Candidat", "Pièce", "Statut", "Échéance passée le"],
        )
        self.resume_suggestions = QLabel()
        return page_de_liste(
            self.resume_suggestions,
            self.table_suggestions,
            [("&Passer la sélection « En attente d'une nouvelle PJ »…", self.confirmer_attente,
              "confirmerAttente")],
        )  # fmt: skip

    def _onglet_annulations(self) -> QWidget:
        self.table_annulations = table_de_liste(
            "tableAnnulations", ["N° candidat", "Candidat", "Spécialité", "Pièces non conformes"]
        )
        self.resume_annulations = QLabel()
        return page_de_liste(
            self.resume_annulations,
            self.table_annulations,
            [
                ("A&perçu de la liste…", self.apercu_annulations, "apercuAnnulations"),
                ("&Enregistrer la liste (PDF)…", self.enregistrer_annulations,
                 "enregistrerAnnulations"),
                ("Fiches de &contrôle de la sélection…", self.enregistrer_fiches,
                 "fichesAnnulations"),
            ],
        )  # fmt: skip

    def _onglet_affectations(self) -> QWidget:
        self.table_affectations = table_de_saisie(
            "tableAffectations", ["Spécialité", "Gestionnaire"]
        )
        self.table_affectations.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        explication = QLabel(
            "Chaque spécialité est confiée à un gestionnaire ; le filtre « Mes spécialités » de "
            "la liste montre les siennes. Le nom doit être celui que le gestionnaire a saisi "
            "dans Paramètres > Mon nom de gestionnaire."
        )
        explication.setWordWrap(True)
        return page_de_liste(
            explication,
            self.table_affectations,
            [("&Enregistrer les affectations", self.enregistrer_affectations,
              "enregistrerAffectations")],
        )  # fmt: skip

    # -- data ---------------------------------------------------------------------------------
    def actualiser(self) -> TacheAvecProgression | None:
        """Compute the lists and the dashboard in the background."""
        campagne_id, maintenant = self.campagne_id, self.horloge()

        def lire(session: Any, progression: Progression) -> Any:
            progression(0, 3, "Calcul des échéances")
            with hors_du_ramasse_miettes():  # the worklists: 300,000 objects at 100,000
                ecarts = ecarts_des_dossiers(session, campagne_id)  # once, for both below
                donnees = suivi(session, campagne_id, maintenant, ecarts=ecarts)
                progression(1, 3, "Tableau de bord")
                tableau = tableau_de_bord(session, campagne_id, maintenant, ecarts)
                qui = affectations(session, campagne_id)
                ctx = contexte(session, campagne_id, maintenant)
                return donnees, tableau, ctx, qui, listes(donnees)

        def calcule(resultat: Any) -> None:
            self.donnees, self.tableau, self.ctx, qui, lignes = resultat
            self._montrer(qui, lignes)

        return self._lancer(
            "Suivi de la campagne",
            lambda progression: self.espace.lire(lambda s: lire(s, progression)),
            calcule,
        )

    def _montrer(self, qui: dict[str, str], lignes: Listes) -> None:
        d, t = self.donnees, self.tableau
        assert d is not None and t is not None
        self.contenu_tableau.poser(t)
        remplir(self.table_relances, lignes.relances, lignes.mesurees["relances"])
        self.table_relances.selectAll()
        self.resume_relances.setText(
            f"{len(lignes.relances)} dossier(s) à relancer : une pièce manque, est non conforme "
            "ou attend un nouveau fichier, et sa date limite n'est pas passée."
        )
        self._suggestions = lignes.suggestions
        remplir(self.table_suggestions, lignes.lignes_suggestions, lignes.mesurees["suggestions"])
        self.resume_suggestions.setText(
            f"{len(self._suggestions)} pièce(s) dont la date limite est passée sans fichier "
            "utilisable. Sélectionnez celles à passer « En attente d'une nouvelle PJ » (Ctrl+A : "
            "toutes) : c'est une décision, enregistrée à votre nom."
        )
        remplir(self.table_annulations, lignes.annulations, lignes.mesurees["annulations"])
        self.table_annulations.selectAll()
        self.resume_annulations.setText(
            f"{len(d.a_annuler)} dossier(s) incomplet(s) après la clôture : à annuler, par "
            "lettre recommandée."
            if d.cloture_passee
            else "La clôture n'est pas passée : aucun dossier à annuler pour l'instant."
        )
        self._montrer_affectations(qui)
        self._titres_onglets()

    def _titres_onglets(self) -> None:
        d = self.donnees
        if d is None:
            return
        for index, texte, n in (
            (1, "À &relancer", len(d.a_relancer)),
            (2, "&Suggestions", len(self._suggestions)),
            (3, "À a&nnuler", len(d.a_annuler)),
        ):
            self.onglets.setTabText(index, f"{texte} ({n})")

    def _montrer_affectations(self, qui: dict[str, str]) -> None:
        assert self.tableau is not None
        specialites = sorted({s.specialite for s in self.tableau.par_specialite})
        noms = sorted({*qui.values(), *(g.gestionnaire for g in self.tableau.par_gestionnaire)})
        self.table_affectations.setRowCount(len(specialites))
        for r, specialite in enumerate(specialites):
            item = QTableWidgetItem(specialite)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table_affectations.setItem(r, 0, item)
            choix = QComboBox()
            choix.setEditable(True)
            choix.addItems(["", *noms])
            choix.setCurrentText(qui.get(specialite, ""))
            choix.setAccessibleName(f"Gestionnaire de {specialite}")
            self.table_affectations.setCellWidget(r, 1, choix)
        self.table_affectations.resizeColumnToContents(0)

    # -- actions ------------------------------------------------------------------------------
    def _dossiers_selectionnes(self, table: QTableView, tous: list[Dossier]) -> list[Dossier]:
        return [tous[r] for r in lignes_selectionnees(table)]

    def apercu_relance(self) -> None:
        if self.donnees is None or self.ctx is None:
            return
        ligne = self.table_relances.currentIndex().row()
        if not self.donnees.a_relancer:
            return
        dossier = self.donnees.a_relancer[max(ligne, 0)]
        pdf = apercu(self.ctx, Genre.RELANCE, dossier)
        ApercuPdf(f"Relance — {dossier.destinataire.nom_complet}", pdf, self).exec()

    def _dossier_sortie(self, titre: str) -> Path | None:
        return dossier_choisi(self, "courriers", titre)

    def _lancer(
        self, titre: str, travail: Any, fini: Callable[[Any], None]
    ) -> TacheAvecProgression | None:
        """Long work (the lists, letters) in the background, with progress and « Annuler »;
        one at a time."""
        if self.tache is not None:
            return None
        self.tache = Operation(self, travail, titre).succes(fini).avec_progression(titre)
        self.tache.finished.connect(lambda *_: setattr(self, "tache", None))
        return self.tache

    def enregistrer_relances(self) -> None:
        if self.donnees is None or self.ctx is None or self.tache is not None:
            return
        dossiers = self._dossiers_selectionnes(self.table_relances, self.donnees.a_relancer)
        if not dossiers or not self._bureau_renseigne():
            return
        sortie = self._dossier_sortie(f"Dossier où enregistrer {len(dossiers)} lettre(s)")
        if sortie is None:
            return
        ctx = self.ctx
        self._lancer(
            "Lettres de relance",
            lambda progression: ecrire_courriers(
                ctx, Genre.RELANCE, dossiers, sortie, progression=progression
            ),
            lambda ecrits: self._dire(
                f"{len(ecrits.fichiers)} lettre(s) enregistrée(s) dans {ecrits.dossier}"
                + (f", et {ecrits.combine.name} pour l'impression." if ecrits.combine else ".")
            ),
        )

    def enregistrer_fiches(self) -> None:
        if self.donnees is None or self.ctx is None or self.tache is not None:
            return
        dossiers = self._dossiers_selectionnes(self.table_annulations, self.donnees.a_annuler)
        if not dossiers:
            return
        sortie = self._dossier_sortie(f"Dossier où enregistrer {len(dossiers)} fiche(s)")
        if sortie is None:
            return
        self.ecrire_fiches([d.destinataire.candidature_id for d in dossiers], sortie)

    def ecrire_fiches(self, candidatures: list[int], sortie: Path) -> None:
        ctx, campagne_id = self.ctx, self.campagne_id
        assert ctx is not None

        def travail(progression: Progression) -> Any:
            elements = self.espace.lire(lambda s: fiches(s, campagne_id, candidatures))
            return ecrire_courriers(ctx, Genre.FICHE, elements, sortie, progression=progression)

        self._lancer(
            "Fiches de contrôle",
            travail,
            lambda ecrits: self._dire(
                f"{len(ecrits.fichiers)} fiche(s) de contrôle enregistrée(s) dans {ecrits.dossier}."
            ),
        )

    def apercu_annulations(self) -> None:
        if self.donnees is None or self.ctx is None:
            return
        pdf = liste_annulations(self.ctx, self.donnees.a_annuler)
        ApercuPdf("Liste des dossiers à annuler", pdf, self).exec()

    def enregistrer_annulations(self) -> None:
        if self.donnees is None or self.ctx is None:
            return
        choix = fichier_a_ecrire(self, "courriers", "Enregistrer la liste des dossiers à annuler",
                                 nom_combine(self.ctx, "dossiers_a_annuler"),
                                 "Document PDF (*.pdf)")  # fmt: skip
        if choix is None:
            return
        chemin = choix[0]
        ctx, dossiers = self.ctx, self.donnees.a_annuler
        Operation(self, lambda _: ecrire_atomique(Path(chemin), liste_annulations(ctx, dossiers)),
                  "Liste non enregistrée").succes(lambda _: self._dire(
            f"Liste de {len(dossiers)} dossier(s) enregistrée : {chemin}"
        )).lancer()  # fmt: skip

    def confirmer_attente(self) -> None:
        """The suggested pièces the gestionnaire selected become « En attente d'une nouvelle
        PJ », in one transaction, each with its history row; never without a confirmation."""
        lignes = lignes_selectionnees(self.table_suggestions)
        choisies = [self._suggestions[r][1] for r in lignes]
        if not choisies:
            self._dire("Sélectionnez d'abord les pièces à passer en attente.")
            return
        reponse = QMessageBox.question(
            self,
            "En attente d'une nouvelle PJ",
            f"Passer {len(choisies)} pièce(s) « En attente d'une nouvelle PJ »\u00a0? "
            "Le commentaire non conforme est gardé ; sinon : « " + COMMENTAIRE_ECHU + " »",
        )
        if reponse != QMessageBox.StandardButton.Yes:
            return
        gestionnaire = demander_gestionnaire(self, self.espace)
        if not gestionnaire:
            return

        def ecrire(session: Any) -> None:
            for p in choisies:
                enregistrer_decision(
                    session, p.piece_id, Statut.EN_ATTENTE_NOUVELLE_PJ, gestionnaire,
                    commentaire=p.commentaire or COMMENTAIRE_ECHU, version_attendue=p.version,
                )  # fmt: skip

        def fait(_: None) -> None:
            self._dire(f"{len(choisies)} pièce(s) passée(s) en attente d'une nouvelle PJ.")
            self.actualiser()

        candidatures = [self._suggestions[r][0].destinataire.candidature_id for r in lignes]
        Operation.ecriture(self, self.espace, ecrire, "Rien n'a été enregistré").annonce(
            self.annonces, Changements.de(candidatures, [p.piece_id for p in choisies])
        ).succes(fait).lancer()

    def _bureau_renseigne(self) -> bool:
        if self.ctx is not None and self.ctx.bureau.complet:
            return True
        QMessageBox.information(
            self,
            "Bureau expéditeur",
            "Renseignez d'abord l'adresse et le contact du bureau : ils figurent sur chaque "
            "lettre.",
        )
        return self.modifier_bureau()

    def modifier_bureau(self) -> bool:
        """The bureau that signs the letters; True once its address and contact are known."""
        campagne_id, maintenant = self.campagne_id, self.horloge()
        lu: list[Bureau] = []
        Operation.lecture(
            self, self.espace, lambda s: bureau_de(s, campagne_id), "Bureau expéditeur"
        ).succes(lu.append).lancer()
        dialogue = BureauDialog(lu[0], self) if lu else None
        if dialogue is None or not dialogue.exec():
            return False

        def ecrire(session: Any) -> Contexte:
            enregistrer_bureau(session, campagne_id, dialogue.bureau())
            return contexte(session, campagne_id, maintenant)

        Operation.ecriture(self, self.espace, ecrire, "Bureau non enregistré").succes(
            lambda ctx: setattr(self, "ctx", ctx)
        ).lancer()
        return self.ctx is not None and self.ctx.bureau.complet

    def enregistrer_affectations(self) -> None:
        nouvelles = {}
        for r in range(self.table_affectations.rowCount()):
            choix = self.table_affectations.cellWidget(r, 1)
            assert isinstance(choix, QComboBox)
            specialite = self.table_affectations.item(r, 0)
            assert specialite is not None
            nouvelles[specialite.text()] = choix.currentText()
        campagne_id = self.campagne_id
        Operation.ecriture(
            self,
            self.espace,
            lambda s: affecter(s, campagne_id, nouvelles),
            "Affectations non enregistrées",
        ).annonce(self.annonces, TOUT).succes(
            lambda _: self._dire("Affectations enregistrées.")
        ).lancer()

    def exporter_tableau(self) -> None:
        if self.tableau is None:
            return
        date = self.tableau.maintenant.date().isoformat()
        choix = fichier_a_ecrire(
            self, "exports", "Exporter le tableau de bord", f"tableau_de_bord_{date}.xlsx",
            "Classeur Excel (*.xlsx)",
        )  # fmt: skip
        if choix is not None:
            chemin = choix[0]
            tableau = self.tableau
            Operation(
                self, lambda _: exporter_tableau(tableau, Path(chemin)), "Export impossible"
            ).succes(lambda _: self._dire(f"Tableau de bord exporté : {chemin}")).lancer()

    def enregistrer_image(self) -> None:
        date = dt.date.today().isoformat()
        choix = fichier_a_ecrire(self, "exports", "Enregistrer l'image du tableau de bord",
                                 f"tableau_de_bord_{date}.png", "Image PNG (*.png)")  # fmt: skip
        chemin = str(choix[0]) if choix else ""
        if chemin and not self.contenu_tableau.grab().save(chemin, "PNG"):
            QMessageBox.warning(self, "Image non enregistrée", f"Impossible d'écrire {chemin}.")

    def _dire(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    def closeEvent(self, event: Any) -> None:
        if self.tache is not None:
            event.ignore()
            self._dire("Un traitement est en cours : attendez sa fin ou annulez-le.")
            return
        QSettings().setValue("suivi/geometrie", self.saveGeometry())
        super().closeEvent(event)
