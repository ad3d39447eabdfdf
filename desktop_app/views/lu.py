"""« Lu dans le document »: what the file on screen says of its holder, beside the identity,
each value with its source and how sure it is, and what differs from the candidature.

The files are read in the background worker (viewer.source), those on screen first, the
others of the campaign when nothing else is asked; each reading is stored by the file's
sha256 (services.lecture) so that it is done once. Suggestions only: a difference checks its
reason when the gestionnaire presses N, and nothing is ever decided here."""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox, QWidget

from desktop_app.documents.lecture import emploi
from desktop_app.documents.lecture.document import DEUXDDOC, MRZ, OCR, Lu, Valeur
from desktop_app.documents.worker import DemandeLecture
from desktop_app.services.activite import lu_avec_activite
from desktop_app.services.avertissements import (
    correction_enregistree,
    lecture_enregistree_par_lots,
)
from desktop_app.services.espace import Espace
from desktop_app.services.lecture import (
    CORRIGE,
    DOSSIER_CERTIFICATS,
    LIBELLES,
    LuSurDepot,
    a_lire,
)
from desktop_app.services.requetes import LigneDepot
from desktop_app.viewer.source import LIRE, LIRE_EN_FOND, SourceDocuments
from desktop_app.views.etat import EtatRevue
from desktop_app.views.operations import Annonces, Changements, Echec, Operation
from desktop_app.views.taches import A_L_AVANCE, A_L_ECRAN

log = logging.getLogger(__name__)

LOT = 8  # files asked of the background worker at a time

_CHAMPS = {**LIBELLES, "type": "Document"}


class Lecteur(QObject):
    """Asks the worker to read files, stores what it read (one writer), and keeps the
    readings of this session in memory (a read-only base cannot store them).
    ``enregistre(sha256)``: a reading is available."""

    enregistre = Signal(str)

    def __init__(self, parent: QWidget, espace: Espace, source: SourceDocuments) -> None:
        super().__init__(parent)
        self.parent_widget, self.espace, self.source = parent, espace, source
        self.memoire: dict[str, Lu] = {}
        self._en_fond: set[str] = set()
        self._actif = False
        self._arrete = False
        self._ferme = False
        self._apres = ""  # the last file handed to the worker in this pass (sha256 order)
        source.lu.connect(self._lu)

    def demande(self, sha256: str, fmt: str, chemin: str, priorite: int = LIRE) -> None:
        self.source.lire(sha256, DemandeLecture(f"lire:{sha256}", chemin, fmt,
                                                dt.date.today(), self._certificats()),
                         priorite)  # fmt: skip

    def _certificats(self) -> tuple[str, ...]:
        dossier = self.espace.paths.root / DOSSIER_CERTIFICATS
        return (str(dossier),) if dossier.is_dir() else ()

    def _lu(self, sha256: str, lu: Lu) -> None:
        if self._ferme:  # a reading that arrives as the window closes: read again next time
            return
        self.memoire[sha256] = lu
        self._en_fond.discard(sha256)
        if not self.espace.db.lecture_seule and not lu.echec:  # a failure: tried another day
            # In a thread (a write to a team's server must not hold the window), a few
            # deposits per transaction: the gestionnaire's decisions go in between, and one
            # waiting ends the transaction under way at its next step.
            Operation(self.parent_widget, lambda _: lecture_enregistree_par_lots(
                self.espace.ecrire, sha256, lu, attendue=self.espace.fenetre_attend)
            ).echec(self._non_enregistre).en_fond()  # fmt: skip
        self.enregistre.emit(sha256)
        if self._actif and not self._en_fond:
            QTimer.singleShot(0, self._lot_suivant)

    def _non_enregistre(self, echec: Echec) -> None:
        # A colleague stored the same file's reading (team mode), or the base is busy: the
        # reading stays in memory, and is done again another day. Nothing to tell.
        log.info("lecture non enregistrée : %s", echec.message)

    # -- the campaign's files, in the background ---------------------------------------------
    def demarrer(self) -> None:
        """Read the files not read yet, a few at a time, after everything else the worker
        is asked (a file on screen goes first)."""
        if self.espace.db.lecture_seule or self._arrete:
            return
        self._actif, self._apres = True, ""  # a new pass: an import may have added any file
        if not self._en_fond:
            self._lot_suivant()

    def arreter(self) -> None:
        """No more background reading in this session (the file on screen is still read)."""
        self._actif, self._arrete = False, True

    def fermer(self) -> None:
        """The window closes: nothing more is read or stored. A reading the worker sends
        after this would start a write in a thread that the closing window may destroy while
        it runs, which aborts the process (seen in the tests, a window closed as a reading
        arrived)."""
        self.arreter()
        self._ferme = True

    def _lot_suivant(self) -> None:
        if not self._actif:
            return
        apres = self._apres

        def lire(s: Any) -> list[tuple[str, str]]:
            return [(f.sha256, f.format) for f in a_lire(s, LOT, apres)]

        Operation.lecture(self.parent_widget, self.espace, lire).succes(self._lancer).echec(
            self._non_enregistre
        ).a_son_tour(A_L_AVANCE)

    def _lancer(self, fichiers: list[tuple[str, str]]) -> None:
        store = self.espace.store
        if fichiers:
            self._apres = fichiers[-1][0]
        for sha256, fmt in fichiers:
            if store.has(sha256):
                self._en_fond.add(sha256)
                self.demande(sha256, fmt, str(store.path(sha256)), LIRE_EN_FOND)
        if not fichiers:
            self._actif = False  # everything is read
        elif not self._en_fond:  # none of these in the store: the next ones
            QTimer.singleShot(0, self._lot_suivant)


def _source(valeur: Valeur) -> str:
    if valeur.source == MRZ:
        return f"MRZ, {valeur.detail.split(',')[0]}, chiffres de contrôle vérifiés"
    if valeur.source == DEUXDDOC:
        verifie = "signature vérifiée" if valeur.confiance >= 1 else "signature non vérifiée"
        return f"2D-Doc, {valeur.detail.split(',')[0]}, {verifie}"
    if valeur.source == CORRIGE:
        return f"corrigé {valeur.detail}"
    if valeur.source == OCR:
        return f"OCR, sûr à {valeur.confiance:.0%}".replace("%", "\u202f%")
    return valeur.source


def _affichee(valeur: Valeur) -> str:
    if valeur.champ in ("naissance", "expiration"):
        return dt.date.fromisoformat(valeur.valeur).strftime("%d/%m/%Y")
    if valeur.champ == "delivrance":
        annee, mois = valeur.valeur.split("-")
        return f"{mois}/{annee}"
    if valeur.champ == "periode":
        debut, fin = (dt.date.fromisoformat(j) if j else None for j in valeur.valeur.split("/"))
        assert debut is not None
        return f"du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}" if fin else f"depuis le {debut:%d/%m/%Y}"
    if valeur.champ == "activite":
        longueur = emploi.lire(valeur.valeur)
        return emploi.en_toutes_lettres(*longueur) if longueur else "aucune période lue"
    return valeur.valeur


def texte_lu(lsd: LuSurDepot | None) -> str:
    """The panel's HTML: the main source once in the title, each value (those of another
    source say theirs), what differs from the candidature in red with its value; "" when
    nothing was read (not yet, or nothing machine-readable: most files have neither MRZ nor
    2D-Doc, and an empty panel on each would be noise)."""
    e = html.escape
    titre = "<b>Lu dans le document</b>"
    if lsd is None or lsd.lu is None:
        return ""
    lu = lsd.lu
    valeurs = [v for v in lu.valeurs if v.champ != "type"]
    principale = _source(valeurs[0]) if valeurs else ""
    ecarts = {ecart.champ: ecart for ecart in lsd.ecarts}
    lignes = []
    for valeur in valeurs:
        # The dossier's length of activity is said below, not beside this file's own.
        ecart = ecarts.pop(valeur.champ, None) if valeur.champ != "activite" else None
        autre = _source(valeur)
        source = (f" <span style='color:#605e5c'>({e(autre)})</span>"
                  if autre != principale else "")  # fmt: skip
        difference = ""
        if ecart is not None and ecart.champ == "expiration":
            difference = f" <span style='color:#a4262c'>expiré : {e(ecart.attendu)}</span>"
        elif ecart is not None and ecart.champ in ("signature", "date_signature"):
            difference = (" <span style='color:#a4262c'>la confirmation doit être "
                          "datée et signée</span>")  # fmt: skip
        elif ecart is not None:
            difference = (f" <span style='color:#a4262c'>≠ inscription : "
                          f"<b>{e(ecart.attendu)}</b></span>")  # fmt: skip
        fond = " style='background:#fde7e9'" if ecart else ""
        lien = f"<a href='corriger:{valeur.champ}' style='color:#605e5c'>corriger</a>"
        corriger = "" if valeur.champ == "periode" else f" {lien}"
        lignes.append(
            f"<tr{fond}><td style='color:#605e5c; padding-right:8px'>"
            f"{e(_CHAMPS.get(valeur.champ, valeur.champ))}</td>"
            f"<td><b>{e(_affichee(valeur))}</b>{difference}{source}{corriger}</td></tr>"
        )
    alertes = [f"<span style='color:#a4262c'>⚠ {e(ecart.message)} : {e(ecart.lu)} "
               f"({e(ecart.attendu)})</span>" for ecart in ecarts.values()]  # fmt: skip
    if lu.deuxddoc_invalide:
        alertes.insert(0, f"<span style='color:#a4262c'>⚠ {e(lu.deuxddoc)}</span>")
    notes = [f"<span style='color:#605e5c'>{e(c)}</span>"
             for c in (lsd.activite, *lu.constats) if c]  # fmt: skip
    if not lignes and not alertes and not notes:
        return ""
    entete = f"{titre} — {e(principale)}" if principale else titre
    if any(v.boite for v in valeurs):
        entete += " · <a href='montrer'>montrer où dans le document</a>"
    table = f"<table cellspacing='0'>{''.join(lignes)}</table>" if lignes else ""
    return entete + table + "".join(f"<br>{a}" for a in alertes + notes)


class PanneauLu(QLabel):
    """Follows the file on screen; asks for its reading when none is stored.
    ``surligner(page, boite)``: the gestionnaire asked to see where a value was read."""

    surligner = Signal(int, object)

    def __init__(
        self, espace: Espace, etat: EtatRevue, lecteur: Lecteur, annonces: Annonces,
        gestionnaire: Callable[[], str],
    ) -> None:  # fmt: skip
        super().__init__()
        self.annonces, self.gestionnaire = annonces, gestionnaire
        self.setObjectName("luDansLeDocument")
        self.setAccessibleName("Lu dans le document")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setContentsMargins(8, 4, 8, 6)
        drapeaux = Qt.TextInteractionFlag
        self.setTextInteractionFlags(drapeaux.TextSelectableByMouse
                                     | drapeaux.LinksAccessibleByMouse
                                     | drapeaux.LinksAccessibleByKeyboard)  # fmt: skip
        self.setOpenExternalLinks(False)  # never a browser: the link is ours
        self.linkActivated.connect(self._lien)
        self.setStyleSheet("QLabel#luDansLeDocument { border-top: 1px solid #e1dfdd; }")
        self.espace, self.etat, self.lecteur = espace, etat, lecteur
        self.depot: LigneDepot | None = None
        self.affiche: LuSurDepot | None = None
        lecteur.enregistre.connect(self._enregistre)
        annonces.changements.connect(self._changements)
        self.hide()

    def montrer(self, depot: LigneDepot | None) -> None:
        meme = depot is not None and self.depot is not None and (
            (depot.id, depot.sha256) == (self.depot.id, self.depot.sha256))  # fmt: skip
        self.depot = depot
        if meme and self.affiche is not None:
            self._relire()  # the same file shown again (its pièce read again): what it says
            return  # stays on screen until read again, no flicker
        self.affiche = None
        self.etat.motifs_suggeres = []
        self.hide()  # until its reading says something
        if depot is not None and depot.sha256 is not None and depot.recevable:
            self._relire()

    def _relire(self) -> None:
        depot = self.depot
        if depot is None:
            return
        depot_id, sha256 = depot.id, depot.sha256

        def lire(s: Any) -> LuSurDepot:
            return lu_avec_activite(s, depot_id, self.lecteur.memoire.get(sha256 or ""))

        Operation.lecture(self, self.espace, lire).succes(
            lambda lsd: self._lu(depot_id, lsd)
        ).echec(lambda echec: self.hide()).a_son_tour(A_L_ECRAN)

    def _lu(self, depot_id: int, lsd: LuSurDepot) -> None:
        depot = self.depot
        if depot is None or depot.id != depot_id:
            return  # another file is on screen now
        self.affiche = lsd
        if lsd.lu is None and depot.sha256 and depot.format and self.espace.store.has(
                depot.sha256):  # fmt: skip
            self.lecteur.demande(depot.sha256, depot.format,
                                 str(self.espace.store.path(depot.sha256)))  # fmt: skip
        self.etat.motifs_suggeres = list(dict.fromkeys(e.motif for e in lsd.ecarts))
        texte = texte_lu(lsd)
        self.setText(texte)
        self.setVisible(bool(texte))

    def _lien(self, lien: str) -> None:
        if lien.startswith("corriger:"):
            self.corriger(lien.removeprefix("corriger:"))
        else:
            self._montrer_zone()

    def corriger(self, champ: str, texte: str | None = None) -> None:
        """The gestionnaire gives the right value of a field read (``texte``: given without
        asking, for the tests); kept in the pièce's history, then shown and compared."""
        depot, lu = self.depot, self.affiche.lu if self.affiche is not None else None
        valeur = lu.premiere(champ) if lu is not None else None
        if depot is None or valeur is None:
            return
        if texte is None:
            texte, ok = QInputDialog.getText(
                self, "Corriger la lecture",
                f"{_CHAMPS.get(champ, champ)} — lu : {_affichee(valeur)} ({_source(valeur)})\n"
                "Valeur exacte (gardée dans l'historique de la pièce, avec la valeur lue) :",
                text=_affichee(valeur),
            )  # fmt: skip
            if not ok:
                return
        gestionnaire = self.gestionnaire()
        if not gestionnaire:
            QMessageBox.warning(
                self,
                "Corriger la lecture",
                "Indiquez votre nom de gestionnaire pour corriger une lecture.",
            )
            return
        depot_id = depot.id
        pieces = [p for p, depots in self.etat.depots.items() if any(d.id == depot_id
                                                                      for d in depots)]  # fmt: skip
        candidatures = [self.etat.candidature_id] if self.etat.candidature_id else []
        Operation.ecriture(
            self,
            self.espace,
            lambda s: correction_enregistree(s, depot_id, champ, texte, gestionnaire),
        ).annonce(self.annonces, Changements.de(candidatures, pieces)).echec(
            lambda echec: QMessageBox.warning(self, "Corriger la lecture", echec.message)
        ).lancer_sans_figer()  # the announcement reads the panel and the history again

    def _montrer_zone(self) -> None:
        """Outline where the values were read: the MRZ or the code, or the words the OCR
        found them in (one frame around those of the first page that has any)."""
        lu = self.affiche.lu if self.affiche is not None else None
        valeur = next((v for v in lu.valeurs if v.boite), None) if lu is not None else None
        if lu is None or valeur is None:
            return
        boites = [v.boite for v in lu.valeurs if v.boite and v.page == valeur.page]
        cadre = (min(b[0] for b in boites), min(b[1] for b in boites),
                 max(b[2] for b in boites), max(b[3] for b in boites))  # fmt: skip
        self.surligner.emit(valeur.page - 1, cadre)

    def _enregistre(self, sha256: str) -> None:
        if self.depot is not None and self.depot.sha256 == sha256:
            self._relire()

    def _changements(self, c: Changements) -> None:
        """The candidate's identity may have changed (an import): compare again."""
        if self.depot is not None and (c.campagne or self.etat.candidature_id in c.candidatures):
            self._relire()
