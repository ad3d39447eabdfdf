"""The campaign room: what the window does to the whole campaign — import a package, export
the decisions, the status matrix, the fiches de contrôle and the files of the listed
candidatures, postal reception from a list, a new size limit, backups, the history's check and
export, and the follow-up window. Long work runs behind a progress dialog with « Annuler », one
at a time; whatever it changed is announced to the panels."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMessageBox

from desktop_app.documents.inspection import taille_limite
from desktop_app.documents.paquet import PaquetInutilisable
from desktop_app.services.dates import parse_date, today_paris
from desktop_app.services.espace import Espace
from desktop_app.services.reglages import NouvelleTaille, changer_taille_max
from desktop_app.services.requetes import Identite, identite_de
from desktop_app.services.sauvegardes import Motif
from desktop_app.views.dialogues import ApercuPdf, RapportDialog, demander_gestionnaire
from desktop_app.views.etat import EtatRevue
from desktop_app.views.fichiers import dossier_choisi, fichier_a_ecrire, fichier_a_ouvrir
from desktop_app.views.liste import ListeCandidatures
from desktop_app.views.operations import (
    TOUT,
    Annonces,
    Changements,
    Echec,
    Operation,
    Progression,
)
from desktop_app.views.sauvegardes import SauvegardesDialog
from desktop_app.views.taches import TacheAvecProgression

if TYPE_CHECKING:  # the importer and the exporters are loaded when first used: a faster start
    from desktop_app.services.importer import RapportImport
    from desktop_app.views.suivi import SuiviFenetre


class ActionsCampagne:
    def __init__(
        self,
        fenetre: QMainWindow,
        espace: Espace,
        etat: EtatRevue,
        annonces: Annonces,
        liste: ListeCandidatures,
    ) -> None:
        self.fenetre, self.espace, self.etat, self.annonces = fenetre, espace, etat, annonces
        self.liste = liste
        self.tache_en_cours: TacheAvecProgression | None = None
        self.suivi: SuiviFenetre | None = None

    def _dire(self, message: str, duree: int = 15000) -> None:
        self.fenetre.statusBar().showMessage(message, duree)

    def _longue(
        self,
        titre: str,
        travail: Any,
        message: Any,
        changements: Changements | None = None,
    ) -> TacheAvecProgression | None:
        """Long work behind a progress dialog; ``message(resultat)`` in the status bar."""
        if self.tache_en_cours is not None:
            return None
        operation = Operation(self.fenetre, travail, titre).succes(lambda r: self._dire(message(r)))
        if changements is not None:
            operation.annonce(self.annonces, changements)
        return self.suivre(operation.avec_progression(titre))

    def suivre(self, tache: TacheAvecProgression) -> TacheAvecProgression:
        """Remember the running background work (one at a time) until it finishes."""
        self.tache_en_cours = tache
        tache.finished.connect(lambda *_: setattr(self, "tache_en_cours", None))
        return tache

    # -- import ------------------------------------------------------------------------------
    def importer_zip(self) -> None:
        chemin = fichier_a_ouvrir(self.fenetre, "paquets", "Importer un paquet de dossiers",
                                  "Paquet de dossiers (*.zip)")  # fmt: skip
        if chemin:
            self.importer(chemin)

    def importer_dossier(self) -> None:
        chemin = dossier_choisi(self.fenetre, "paquets", "Dossier du paquet à importer")
        if chemin:
            self.importer(chemin)

    def importer(self, chemin: Path) -> TacheAvecProgression | None:
        from desktop_app.services.importer import importer_paquet

        espace = self.espace

        def travail(progression: Progression) -> RapportImport:
            return importer_paquet(espace.db, espace.store, chemin, progression=progression,
                                   worker=espace.inspection)  # fmt: skip

        def fait(rapport: RapportImport) -> None:
            self._dire(rapport.resume())
            dialogue = RapportDialog(rapport, self.fenetre)  # the window stays usable under it
            dialogue.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialogue.open()

        def refus(echec: Echec) -> None:
            if isinstance(echec.cause, PaquetInutilisable):
                QMessageBox.warning(self.fenetre, "Paquet refusé", echec.message)
            else:
                QMessageBox.critical(self.fenetre, "Import impossible", "L'import a échoué, la "
                                     f"base n'a pas été modifiée.\n\n{echec.message}")  # fmt: skip

        if self.tache_en_cours is not None:
            return None
        operation = Operation(self.fenetre, travail).succes(fait).echec(refus)
        return self.suivre(
            operation.annonce(self.annonces, TOUT).avec_progression(f"Import de {chemin.name}")
        )

    # -- exports -----------------------------------------------------------------------------
    def exporter(self) -> None:
        campagne = self.etat.campagne
        if campagne is None:
            return
        choix = fichier_a_ecrire(self.fenetre, "exports", "Exporter les décisions",
                                 "decisions.csv", "Fichier CSV (*.csv)")  # fmt: skip
        if choix is None:
            return
        chemin = choix[0]
        from desktop_app.services.exports import exporter_decisions

        self._longue(
            "Exporter les décisions",
            lambda _: self.espace.lire(lambda s: exporter_decisions(s, campagne.id, Path(chemin))),
            lambda n: f"{n} ligne(s) exportée(s) dans {chemin}",
        )

    def exporter_matrice(self) -> None:
        campagne = self.etat.campagne
        if campagne is None or self.tache_en_cours is not None:
            return
        choix = fichier_a_ecrire(
            self.fenetre, "exports", "Matrice des statuts des pièces",
            f"matrice_{campagne.examen}_{campagne.session}.xlsx",
            "Classeur Excel (*.xlsx);;Fichier CSV (*.csv)",
        )  # fmt: skip
        if choix is None:
            return
        chemin, filtre = choix
        from desktop_app.services.exports import ecrire_matrice_csv, ecrire_matrice_xlsx, matrice

        destination = Path(chemin)
        if destination.suffix.lower() not in (".xlsx", ".csv"):
            destination = destination.with_suffix(".csv" if "CSV" in filtre else ".xlsx")

        def travail(progression: Progression) -> int:
            m = self.espace.lire(lambda s: matrice(s, campagne.id, progression=progression))
            if destination.suffix.lower() == ".csv":
                return ecrire_matrice_csv(m, destination)
            return ecrire_matrice_xlsx(m, destination, progression)

        self._longue(
            "Matrice des statuts",
            travail,
            lambda n: f"Matrice de {n} candidature(s) enregistrée : {destination}",
        )

    def fiches_de_la_liste(self) -> None:
        ids, campagne = self.liste.listees(), self.etat.campagne
        if not ids or campagne is None or self.tache_en_cours is not None:
            return
        from desktop_app.services.courriers import Genre, apercu, contexte, fiches

        def premiere(_: Progression) -> bytes:  # seen before anything is written
            return self.espace.lire(lambda s: apercu(
                contexte(s, campagne.id), Genre.FICHE, fiches(s, campagne.id, ids[:1])[0]
            ))  # fmt: skip

        Operation(self.fenetre, premiere, "Fiches de contrôle").succes(
            lambda pdf: self._fiches_vues(ids, campagne.id, pdf)
        ).lancer()

    def _fiches_vues(self, ids: list[int], campagne_id: int, premiere: bytes) -> None:
        from desktop_app.services.courriers import Genre, contexte, ecrire_courriers, fiches

        titre = f"Fiches de contrôle : la première des {len(ids)}"
        if not ApercuPdf(titre, premiere, self.fenetre, suite="Enregistrer…").exec():
            return
        chemin = dossier_choisi(
            self.fenetre, "courriers", f"Dossier où enregistrer {len(ids)} fiche(s) de contrôle"
        )
        if not chemin:
            return

        def travail(progression: Progression) -> Any:
            ctx, elements = self.espace.lire(
                lambda s: (contexte(s, campagne_id), fiches(s, campagne_id, ids))
            )
            return ecrire_courriers(
                ctx, Genre.FICHE, elements, Path(chemin), progression=progression
            )

        self._longue(
            "Fiches de contrôle",
            travail,
            lambda e: f"{len(e.fichiers)} fiche(s) enregistrée(s) dans {e.dossier}",
        )

    def copier_fichiers(self) -> None:
        ids = self.liste.listees()
        if not ids or self.tache_en_cours is not None:
            return
        chemin = dossier_choisi(
            self.fenetre, "copies", f"Dossier où copier les fichiers de {len(ids)} candidature(s)"
        )
        if not chemin:
            return
        from desktop_app.services.exports import copier_pieces

        store = self.espace.store
        self._longue(
            "Copie des fichiers",
            lambda progression: self.espace.lire(
                lambda s: copier_pieces(s, store, ids, Path(chemin), progression)
            ),
            lambda c: (
                f"{c.copies} fichier(s) copié(s) dans {c.dossier}"
                + (f" ; {len(c.absents)} absent(s) de la base" if c.absents else "")
            ),
        )

    # -- writes on many pièces ----------------------------------------------------------------
    def reception_en_lot(self) -> None:
        """Postal pièces received, from a scanned list or a CSV: the plan is shown (what will
        change, what will not and why) before anything is written."""
        campagne = self.etat.campagne
        if campagne is None:
            return
        chemin = fichier_a_ouvrir(
            self.fenetre, "receptions", "Liste des pièces reçues par la poste",
            "Listes (*.csv *.txt);;Tous les fichiers (*)",
        )  # fmt: skip
        if not chemin:
            return
        from desktop_app.services.reception import (
            appliquer_reception,
            lire_liste,
            preparer_reception,
        )

        texte, ok = QInputDialog.getText(
            self.fenetre, "Date de réception", "Reçues le (JJ/MM/AAAA) :",
            text=today_paris().strftime("%d/%m/%Y"),
        )  # fmt: skip
        if not ok:
            return
        nom = Path(chemin).name

        def preparer(_: Progression) -> Any:
            le = parse_date(texte) or today_paris()
            liste = lire_liste(Path(chemin).read_bytes(), nom)
            return le, self.espace.lire(lambda s: preparer_reception(s, campagne.id, liste, nom))

        Operation(self.fenetre, preparer, "Réception postale").succes(
            lambda prepare: self._confirmer_reception(*prepare, appliquer_reception)
        ).lancer()

    def _confirmer_reception(self, le: Any, plan: Any, appliquer: Any) -> None:
        boite = QMessageBox(
            QMessageBox.Icon.Question, "Réception postale",
            f"{len(plan.a_marquer)} pièce(s) seront marquées Reçue le {le:%d/%m/%Y}."
            + (f"\n{len(plan.refus)} ligne(s) ignorée(s) : voir le détail." if plan.refus else ""),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, self.fenetre,
        )  # fmt: skip
        boite.setObjectName("planReception")
        if plan.refus:
            boite.setDetailedText("\n".join(plan.refus))
        if not plan.a_marquer or boite.exec() != QMessageBox.StandardButton.Ok:
            return
        gestionnaire = demander_gestionnaire(self.fenetre, self.espace)
        if not gestionnaire:
            return
        Operation.ecriture(
            self.fenetre,
            self.espace,
            lambda s: appliquer(s, plan, le, gestionnaire),
            "Rien n'a été enregistré",
        ).annonce(self.annonces, TOUT).succes(
            lambda n: self._dire(f"{n} pièce(s) marquée(s) Reçue le {le:%d/%m/%Y}.")
        ).lancer()

    def changer_taille_max(self, octets: int) -> TacheAvecProgression | None:
        """A new size limit judges the concerned files again, in the background."""
        campagne, espace = self.etat.campagne, self.espace
        if campagne is None:
            return None

        def travail(progression: Progression) -> NouvelleTaille:
            return changer_taille_max(espace.db, espace.store, campagne.id, octets,
                                      espace.inspection, progression)  # fmt: skip

        return self._longue(
            "Nouvelle taille maximale",
            travail,
            lambda r: f"Taille maximale : {taille_limite(octets)}. {r.resume()}.",
            TOUT,  # the verdicts shown in the dossier changed
        )

    # -- durability --------------------------------------------------------------------------
    def sauvegardes(self) -> None:
        dialogue = SauvegardesDialog(self.espace, self.fenetre)
        dialogue.exec()
        if dialogue.restauree is not None:
            self.annonces.annoncer(TOUT)

    def sauvegarde_au_demarrage(self) -> TacheAvecProgression | None:
        """Back up the local base when it changed since its newest backup (the previous
        session ended without its closing backup): in the background, the window answers."""
        if self.etat.campagne is None or not self.espace.a_sauvegarder():
            return None
        return self._longue(
            "Sauvegarde de la base",
            lambda progression: self.espace.sauvegarder(Motif.DEMARRAGE, progression),
            lambda s: f"Base sauvegardée et vérifiée ({s.chemin.name}).",
        )

    def verifier_historique(self) -> None:
        from desktop_app.services.audit import ancres_des_sauvegardes, verifier_historique

        def fin(verification: Any) -> None:
            titre = "Historique des décisions"
            if verification.intacte:
                QMessageBox.information(self.fenetre, titre, verification.rapport())
            else:
                QMessageBox.warning(self.fenetre, titre, verification.rapport())

        if self.tache_en_cours is None:
            sauvegardes = self.espace.paths.sauvegardes

            def verifier(_: Progression) -> Any:
                ancres = ancres_des_sauvegardes(sauvegardes)
                return self.espace.lire(lambda s: verifier_historique(s, ancres))

            operation = Operation(self.fenetre, verifier)
            self.suivre(operation.succes(fin).avec_progression("Vérification de l'historique"))

    def exporter_historique(self) -> None:
        from desktop_app.services.audit import exporter_historique

        candidature_id = self.etat.candidature_id
        if candidature_id is None:
            self._dire("Sélectionnez d'abord une candidature.", 5000)
            return

        def exporter(identite: Identite | None) -> None:
            assert identite is not None
            choix = fichier_a_ecrire(
                self.fenetre, "exports", "Exporter l'historique du candidat",
                f"historique-{identite.n_candidat}.csv", "Tableau CSV (*.csv)",
            )  # fmt: skip
            if choix is None:
                return
            chemin = choix[0]
            Operation.lecture(
                self.fenetre, self.espace,
                lambda s: exporter_historique(s, identite.n_candidat, Path(chemin)),
                "Historique non exporté",
            ).succes(
                lambda n: self._dire(f"{n} décision(s) écrite(s) dans {chemin}", 8000)
            ).lancer()  # fmt: skip

        Operation.lecture(
            self.fenetre, self.espace, lambda s: identite_de(s, candidature_id)
        ).succes(exporter).lancer()

    def purger(self) -> TacheAvecProgression | None:
        """Fichier › Purger la campagne: for the manager, once the session and its appeals are
        over. Confirmed by typing the campaign's title; what went is said, and recorded."""
        campagne = self.etat.campagne
        if campagne is None or self.tache_en_cours is not None:
            return None
        titre, ok = QInputDialog.getText(
            self.fenetre, "Purger la campagne",
            f"Ceci efface définitivement les {campagne.candidatures} candidature(s) de la "
            "campagne, leurs fichiers, leurs décisions et les sauvegardes qui les contiennent "
            "(une nouvelle sauvegarde est prise). La purge est consignée.\n\nPour confirmer, "
            f"tapez le titre de la campagne :\n{campagne.titre}",
        )  # fmt: skip
        if not ok or not titre.strip():
            return None
        gestionnaire = demander_gestionnaire(self.fenetre, self.espace)
        if not gestionnaire:
            return None
        from desktop_app.services.purge import purger_campagne

        return self._longue(
            "Purge de la campagne",
            lambda _: purger_campagne(self.espace, campagne.id, gestionnaire, titre),
            str,
            TOUT,
        )

    # -- follow-up ---------------------------------------------------------------------------
    def ouvrir_suivi(self) -> SuiviFenetre | None:
        campagne = self.etat.campagne
        if campagne is None:
            return None
        from desktop_app.views.suivi import SuiviFenetre

        if self.suivi is None or self.suivi.campagne_id != campagne.id:
            self.suivi = SuiviFenetre(self.espace, campagne.id, self.annonces, self.fenetre)
        self.suivi.show()
        self.suivi.raise_()
        self.suivi.actualiser()
        return self.suivi
