"""The review room: a status key decides the pièce on screen (checked by the rules, committed,
then the next pièce comes), Non conforme with its reasons, retry after the base did not
answer, a colleague's conflicting change, undo, bulk Conforme of the files displayed, and the
keys that move between pièces and dossiers.

Every write goes through an ``Operation``: synchronous on the local base (« Enregistré »
means committed), in the background in team mode with the decision keys held meanwhile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.models import Statut, libelle_statut
from desktop_app.services.dates import format_time, today_paris
from desktop_app.services.decisions import (
    ConflitDecision,
    DecisionEnregistree,
    annuler_decision,
    enregistrer_decision,
)
from desktop_app.services.espace import BaseIndisponible, Espace
from desktop_app.services.regles import motifs_des_constats, refus
from desktop_app.services.requetes import (
    Evenement,
    LigneDepot,
    LignePiece,
    depots_de,
    historique_de,
    pieces_de,
)
from desktop_app.viewer.actions import creer_action
from desktop_app.views.decision_panel import DecisionPanel
from desktop_app.views.document import PanneauDocument
from desktop_app.views.dossier import PanneauDossier
from desktop_app.views.etat import EtatRevue, a_voir, premiere_a_voir
from desktop_app.views.liste import ListeCandidatures
from desktop_app.views.operations import Annonces, Changements, Echec, Operation
from desktop_app.views.taches import A_L_AVANCE, A_L_ECRAN, Fil, LectureCourte, abandonner

Decision = tuple[LignePiece, Statut | None, str, dt.date | None]  # pièce, statut, comment, date


class Revue(QObject):
    def __init__(
        self,
        fenetre: QWidget,
        espace: Espace,
        etat: EtatRevue,
        annonces: Annonces,
        liste: ListeCandidatures,
        dossier: PanneauDossier,
        document: PanneauDocument,
        gestionnaire: Callable[[], str],
    ) -> None:
        super().__init__(fenetre)
        self.fenetre, self.espace, self.etat, self.annonces = fenetre, espace, etat, annonces
        self.liste, self.dossier, self.document = liste, dossier, document
        self.gestionnaire = gestionnaire
        self.panneau = DecisionPanel()
        self.panneau.reessayer.clicked.connect(self.reessayer)
        self.panneau.sortie.connect(self.surface)
        self.panneau.allerA.connect(self.aller_a)
        self.a_reessayer: Decision | None = None
        self.en_cours: Fil | None = None  # a decision being written in team mode
        self._prechargement: LectureCourte | None = None  # the latest prefetch's reading
        self._historique: LectureCourte | None = None  # the latest reading of a history
        etat.pieceChangee.connect(self._piece_changee)
        self._actions()

    def _action(self, texte: str, touches: list[str | QKeySequence.StandardKey],
                slot: Callable[[], object], nom: str) -> QAction:  # fmt: skip
        action = creer_action(self.fenetre, texte, touches, slot, nom)
        self.fenetre.addAction(action)
        return action

    def _actions(self) -> None:
        S, a = Statut, self._action
        self.actions_statut = {
            S.CONFORME: a("&Conforme", ["C"], lambda: self.decider(S.CONFORME), "actionConforme"),
            S.NON_CONFORME: a("&Non conforme…", ["N"], lambda: self.decider(S.NON_CONFORME),
                              "actionNonConforme"),
            S.RECUE: a("&Reçue", ["R"], lambda: self.decider(S.RECUE), "actionRecue"),
            S.EN_ATTENTE_NOUVELLE_PJ: a("En attente d'une nouvelle &PJ", ["P"],
                                        lambda: self.decider(S.EN_ATTENTE_NOUVELLE_PJ),
                                        "actionAttentePJ"),
            S.EN_ATTENTE_CONTROLE: a("En attente de &contrôle", ["E"],
                                     lambda: self.decider(S.EN_ATTENTE_CONTROLE),
                                     "actionAttenteControle"),
            None: a("&Aucun statut", ["0"], lambda: self.decider(None), "actionAucunStatut"),
        }  # fmt: skip
        self.action_conformes = a("Conforme pour toutes les pièces &affichées du dossier…",
                                  ["Ctrl+Shift+C"], self.conformes_affichees,
                                  "actionConformesAffichees")  # fmt: skip
        self.action_valider = a("Enregistrer le non conforme", ["Ctrl+Return", "Ctrl+Enter"],
                                self.valider_non_conforme, "actionValiderNonConforme")  # fmt: skip
        self.action_annuler = a("Annuler la dernière décision", [QKeySequence.StandardKey.Undo],
                                self.annuler, "actionAnnuler")  # fmt: skip
        self.actions_decision = [*self.actions_statut.values(), self.action_conformes,
                                 self.action_valider, None, self.action_annuler]  # fmt: skip
        self.panneau.poser_actions(list(self.actions_statut.values()), self.action_valider)
        self.actions_navigation = [
            a("Pièce suivante", ["J", "Alt+Down"], lambda: self.piece_voisine(1),
              "actionPieceSuivante"),
            a("Pièce précédente", ["K", "Alt+Up"], lambda: self.piece_voisine(-1),
              "actionPiecePrecedente"),
            a("Dossier suivant", ["Shift+J", "Alt+PgDown"], lambda: self.liste.voisine(1),
              "actionDossierSuivant"),
            a("Dossier précédent", ["Shift+K", "Alt+PgUp"], lambda: self.liste.voisine(-1),
              "actionDossierPrecedent"),
            a("Prochaine pièce à contrôler", ["F3", "Ctrl+Space"], self.prochaine_a_controler,
              "actionProchaine"),
            a("Rechercher une candidature", ["Ctrl+F"], self.liste.chercher, "actionRechercher"),
        ]  # fmt: skip

    def surface(self) -> None:
        """Focus back on the review surface (the pièces), where a letter is a status key."""
        self.dossier.arbre.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the pièce on screen -----------------------------------------------------------------
    def _piece_changee(self) -> None:
        piece = self.etat.piece
        self._historique = abandonner(self._historique)
        if piece is None:
            self.panneau.montrer(None, [], today_paris())
            return
        # The pièce at once, its history read in a thread: on the GUI thread that read took
        # 0.4 ms alone but 9 ms in the window after a decision (cProfile, 100,000 candidatures),
        # beside the dossier's and the document's readings that had just started.
        self.panneau.montrer(piece, None, today_paris())

        def montrer(historique: list[Evenement]) -> None:
            if lecture is self._historique:  # not another pièce's (or an older) reading
                self.panneau.montrer_historique(historique)

        def echec(e: Echec) -> None:
            if lecture is self._historique:
                self.panneau.historique_illisible(e.message)

        lecture = self._historique = (
            Operation.lecture(self.fenetre, self.espace, lambda s: historique_de(s, piece.id))
            .succes(montrer)
            .echec(echec)
            .a_son_tour(A_L_ECRAN)
        )
        # The file to prefetch for the pièce left behind: not read, or its answer dropped.
        self._prechargement = abandonner(self._prechargement)
        QTimer.singleShot(0, self.fenetre, self.precharger_suivant)  # (not after the window)

    def precharger_suivant(self) -> None:
        """Prefetch the file the gestionnaire will most likely look at next: the next pièce's,
        or the first pièce's of the next candidature (read in a thread: its pièces and where
        else their files were deposited, a median 4 ms at 100,000 candidatures, 45 ms cold)."""
        self._prechargement = abandonner(self._prechargement)
        suivante = self.dossier.suivante()
        if suivante is not None:
            depots = self.etat.depots_de(suivante)
            self.document.precharger(depots[0] if depots else None)
            return
        candidature = self.liste.suivante()
        if candidature is None:
            self.document.precharger(None)
            return

        def lire(s: Any) -> list[LigneDepot]:
            piece = premiere_a_voir(pieces_de(s, candidature))
            return depots_de(s, piece.id) if piece is not None else []

        def precharger(depots: list[LigneDepot]) -> None:
            if lecture is self._prechargement:  # not one asked for since
                self.document.precharger(depots[0] if depots else None)

        lecture = self._prechargement = (
            Operation.lecture(self.fenetre, self.espace, lire)
            .succes(precharger)
            .echec(lambda _echec: None)  # a failed prefetch costs nothing
            .a_son_tour(A_L_AVANCE)
        )

    # -- navigation --------------------------------------------------------------------------
    def piece_voisine(self, pas: int) -> None:
        if not self.dossier.voisine(pas) and pas > 0:
            self.panneau.information("Dernière pièce du dossier. Maj+J : dossier suivant ; "
                                     "F3 : prochaine pièce à contrôler.")  # fmt: skip

    def prochaine_a_controler(self) -> None:
        """The next pièce awaiting the gestionnaire: in this dossier after the current pièce,
        then in the next dossiers of the list."""
        if not self.dossier.prochaine_a_voir() and not self.liste.prochaine_a_controler():
            self.panneau.information("Plus aucune pièce à contrôler dans la liste affichée.")

    def aller_a(
        self, candidature_id: int, piece_id: int, puis: Callable[[], None] | None = None
    ) -> None:
        """Show that pièce of that candidature (the filters give way if they hide it), read
        in a thread; ``puis()`` once it is shown."""
        if self.liste.candidatures.ligne_de(candidature_id) < 0:
            self.liste.montrer_toutes()
        if self.etat.candidature_id != candidature_id:
            self.liste.selectionner(candidature_id, silencieux=True)
        self.dossier.ouvrir(candidature_id, piece_id, puis)

    # -- deciding ----------------------------------------------------------------------------
    def decider(self, statut: Statut | None) -> None:
        """A status key: the decision is checked by the rules, saved, and the next pièce of
        the dossier comes. Non conforme first asks for its comment (then Ctrl+Entrée)."""
        self.dossier.finir()  # (a key did already: the window's filter of entries)
        piece = self.etat.piece
        if piece is None:
            return
        if statut == Statut.NON_CONFORME:
            self.panneau.motifs.setFocus()
            if self.panneau.motifs.currentRow() < 0:
                self.panneau.motifs.setCurrentRow(0)
            inspection = self.document.viewer.inspection  # of the file on screen, once known
            constats = [f.code for f in inspection.findings] if inspection else []
            suggeres = self.panneau.cocher(
                list(dict.fromkeys(self.etat.motifs_suggeres + motifs_des_constats(constats)))
            )
            message = ("Non conforme : cochez les motifs (Espace) et complétez le commentaire, "
                       "puis Ctrl+Entrée pour enregistrer.")  # fmt: skip
            if suggeres:
                message += f" Cochés d'après le document : {', '.join(suggeres)}."
            self.panneau.information(message)
            return
        commentaire = (
            self.panneau.commentaire.toPlainText()
            if statut == Statut.EN_ATTENTE_NOUVELLE_PJ else ""
        )  # fmt: skip
        date = self.panneau.date_choisie() if statut == Statut.RECUE else None
        self.enregistrer((piece, statut, commentaire, date))

    def valider_non_conforme(self) -> None:
        if self.etat.piece is not None:
            commentaire = self.panneau.commentaire.toPlainText()
            self.enregistrer((self.etat.piece, Statut.NON_CONFORME, commentaire, None))

    def reessayer(self) -> None:
        if self.a_reessayer is not None:
            self.enregistrer(self.a_reessayer)

    def enregistrer(self, decision: Decision) -> None:
        piece, statut, commentaire, date = decision
        candidature_id = self.etat.candidature_id
        assert candidature_id is not None
        vus = self.etat.fichiers_vus(piece)
        raison = refus(replace(piece.etat, fichier_affiche=vus), statut, commentaire, date,
                       today_paris())  # fmt: skip
        if raison is not None:
            self.panneau.erreur(raison, reessayable=False)
            return
        gestionnaire = self.gestionnaire()
        if not gestionnaire:
            self.panneau.erreur("Indiquez votre nom de gestionnaire pour enregistrer.", False)
            return
        self.a_reessayer = decision

        def ecrire(s: Any) -> DecisionEnregistree:
            return enregistrer_decision(
                s, piece.id, statut, gestionnaire, commentaire=commentaire,
                date_reception=date, version_attendue=piece.version, fichier_affiche=vus,
            )  # fmt: skip

        def enregistree(fait: DecisionEnregistree) -> None:
            self.a_reessayer = None
            self.etat.annulables.append((fait, candidature_id))
            if statut is not None:  # save and next
                self.piece_voisine(1)
            self.surface()
            self.panneau.enregistre(
                f"{format_time(fait.horodatage)} : « {piece.libelle} » {libelle_statut(statut)}"
            )

        self._ecrire(
            Operation.ecriture(self.fenetre, self.espace, ecrire)
            .annonce(self.annonces, Changements.de([candidature_id], [piece.id]))
            .succes(enregistree)
            .conflit(lambda conflit: self._conflit(conflit, decision, candidature_id))
            .echec(self._echec)
        )

    def _ecrire(self, operation: Operation[DecisionEnregistree]) -> None:
        """Locally at once, the window painting meanwhile and the next key waiting for it; in
        team mode in the background, the decision keys held until the server answered (the
        window keeps painting)."""
        if self.espace.locale:
            operation.lancer_sans_figer()
            return
        for action in self.actions_statut.values():
            action.setEnabled(False)
        self.panneau.information("Enregistrement…")
        self.en_cours = operation.ensuite(self._ecrite).en_fond()

    def _ecrite(self) -> None:
        self.en_cours = None
        for action in self.actions_statut.values():
            action.setEnabled(True)

    def attendre(self) -> None:
        """Before the window closes: a decision being written ends first (committed or not)."""
        if self.en_cours is not None:
            self.en_cours.wait()

    def _echec(self, echec: Echec) -> None:
        if not echec.reessayable:
            self.a_reessayer = None
            self.panneau.erreur(echec.message, reessayable=False)
            return
        cause = echec.cause
        raison = cause.raison if isinstance(cause, BaseIndisponible) else str(cause)
        self.panneau.erreur(
            f"La décision n'a pas été enregistrée : la base de données n'a pas répondu "
            f"({raison}). Elle reste ici : réessayez.", reessayable=True,
        )  # fmt: skip

    def _conflit(self, conflit: ConflitDecision, decision: Decision, candidature_id: int) -> None:
        """A colleague changed the pièce meanwhile: say who, when, to what, and let the
        gestionnaire choose: reload it, or apply my decision over theirs (knowingly)."""
        self.a_reessayer = None
        boite = QMessageBox(self.fenetre)
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
        piece = decision[0]
        if boite.clickedButton() is appliquer:
            self.enregistrer((replace(piece, version=conflit.version), *decision[1:]))
            return
        self.annonces.annoncer(Changements.de([candidature_id], [piece.id]))
        self.dossier.finir()  # reloaded before it is said so
        self.panneau.information(f"Pièce rechargée : {conflit}")

    def annuler(self) -> None:
        if not self.etat.annulables:
            self.panneau.information("Aucune décision de cette session à annuler.")
            return
        fait, candidature_id = self.etat.annulables[-1]
        gestionnaire = self.gestionnaire()

        def annulee(annulation: DecisionEnregistree) -> None:
            self.etat.annulables.pop()
            self.surface()
            dit = (f"{format_time(annulation.horodatage)} : décision annulée, la pièce est "
                   f"revenue à « {libelle_statut(annulation.statut)} »")  # fmt: skip
            # Said once the pièce is shown (showing a pièce clears what was said).
            self.aller_a(candidature_id, fait.piece_id, lambda: self.panneau.enregistre(dit))

        def refusee(echec: Echec) -> None:
            if not echec.reessayable:  # the pièce changed since: that decision stays
                self.etat.annulables.pop()
            self.panneau.erreur(echec.message, reessayable=False)

        self._ecrire(
            Operation.ecriture(self.fenetre, self.espace,
                               lambda s: annuler_decision(s, fait.decision_id, gestionnaire))
            .annonce(self.annonces, Changements.de([candidature_id], [fait.piece_id]))
            .succes(annulee)
            .echec(refusee)
        )  # fmt: skip

    def conformes_affichees(self) -> None:
        """Bulk Conforme, never blind: only the pièces of this dossier that await the
        gestionnaire, whose every current file was displayed in this session and that the rules
        let become Conforme; confirmed first."""
        eligibles = [
            p for p in self.dossier.pieces_affichees()
            if a_voir(p) and self.etat.fichiers_vus(p)
            and refus(replace(p.etat, fichier_affiche=True), Statut.CONFORME) is None
        ]  # fmt: skip
        if not eligibles:
            self.panneau.information(
                "Aucune pièce à déclarer conforme : affichez d'abord chaque fichier à accepter."
            )
            return
        noms = "\n".join(f"• {p.libelle} ({p.code})" for p in eligibles)
        reponse = QMessageBox.question(
            self.fenetre, "Conforme en lot",
            f"Déclarer conformes les {len(eligibles)} pièce(s) dont vous avez affiché les "
            f"fichiers\u00a0?\n\n{noms}",
        )  # fmt: skip
        gestionnaire = self.gestionnaire() if reponse == QMessageBox.StandardButton.Yes else ""
        candidature_id = self.etat.candidature_id
        if not gestionnaire or candidature_id is None:
            return

        def ecrire(s: Any) -> list[DecisionEnregistree]:
            return [
                enregistrer_decision(s, p.id, Statut.CONFORME, gestionnaire,
                                     version_attendue=p.version, fichier_affiche=True)
                for p in eligibles
            ]  # fmt: skip

        def faites(decisions: list[DecisionEnregistree]) -> None:
            self.etat.annulables.extend((f, candidature_id) for f in decisions)
            self.surface()
            self.panneau.enregistre(f"{len(decisions)} pièce(s) déclarée(s) conformes")

        Operation.ecriture(self.fenetre, self.espace, ecrire).annonce(
            self.annonces, Changements.de([candidature_id], [p.id for p in eligibles])
        ).succes(faites).echec(
            lambda e: self.panneau.erreur(f"Rien n'a été enregistré : {e.message}", False)
        ).lancer_sans_figer()
