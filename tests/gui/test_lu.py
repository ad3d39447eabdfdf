"""« Lu dans le document » in the dossier room: the identity photo on screen is read (its
MRZ), each value shown with its source beside the candidate's identity; a birth date that
differs is said with both values, and N checks its reason in the decision panel."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.models import Depot, Piece, Statut
from desktop_app.services.demo import cartes_differentes
from desktop_app.services.espace import Espace, ouvrir_espace
from desktop_app.services.lecture import MOTIF_NAISSANCE
from tests.gui.fenetre import base_tenue_en_fond, lacher_dans_la_boucle, ouvrir


def _premier_depot(espace: Espace, nom: str) -> tuple[int, int] | None:
    """(candidature, pièce) of the first deposit of the demo's file ``nom``."""
    with espace.db.read() as s:
        ligne = s.execute(
            select(Piece.candidature_id, Piece.id).join(Depot)
            .where(Depot.nom_original == nom).limit(1)
        ).first()  # fmt: skip
    return (ligne[0], ligne[1]) if ligne is not None else None


def test_the_card_read_is_shown_beside_the_identity_and_n_checks_its_reason(
    qtbot: QtBot, tmp_path: Path, donnees_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    espace = ouvrir_espace(tmp_path / "donnees")
    espace.preferences.gestionnaire = "Claire FAYOLLE"
    cibles = espace.lire(cartes_differentes)
    assert cibles, "la démonstration n'a aucune carte dont la date de naissance diffère"
    w = ouvrir(qtbot, espace)
    w.lecteur.arreter()  # only the file on screen is read here
    trouve = False
    for candidature_id, piece_id in cibles:
        w.aller_a(candidature_id, piece_id)
        # Hidden until its reading says something (most files have no MRZ nor 2D-Doc).
        assert not w.lu.isVisible()
        qtbot.waitUntil(lambda: w.lu.affiche is not None and w.lu.affiche.lu is not None,
                        timeout=30_000)  # fmt: skip
        if w.lu.isVisible() and "MRZ" in w.lu.text():
            trouve = True
            break
    assert trouve, "aucune carte lisible parmi celles qui diffèrent"
    texte = w.lu.text()
    assert "Lu dans le document" in texte and "Né(e) le" in texte
    assert "MRZ, carte" in texte and "chiffres de contrôle vérifiés" in texte
    assert "≠ inscription" in texte
    assert MOTIF_NAISSANCE in w.etat.motifs_suggeres
    assert "montrer où dans le document" in texte
    w.lu.linkActivated.emit("montrer")  # where the MRZ was read, outlined in the viewer
    assert w.viewer.surlignage is not None and w.viewer.surlignage[0] == 0
    x0, y0, x1, y1 = w.viewer.surlignage[1]
    assert 0 <= x0 < x1 <= 1 and 0.4 < y0 < y1 <= 1  # low on the card
    w.grab().save(str(tmp_path / "lu.png"))

    w.decider(Statut.NON_CONFORME)
    coches = [w.panneau.motifs.item(i).text() for i in range(w.panneau.motifs.count())
              if w.panneau.motifs.item(i).checkState() == Qt.CheckState.Checked]  # fmt: skip
    assert set(w.etat.motifs_suggeres) <= set(coches)
    assert MOTIF_NAISSANCE in w.panneau.commentaire.toPlainText()
    assert "Cochés d'après le document" in w.panneau.etat.text()

    # The gestionnaire corrects the date read (say the card was misread): kept in the pièce's
    # history, then shown as corrected and compared again.
    # Written as a decision is: in a thread, with the window's turn, the window painting
    # meanwhile (here behind a background writer that lets go once the window waits).
    assert "corriger" in texte
    naissance = w.etat.identite.date_naissance  # type: ignore[union-attr]
    echecs: list[str] = []
    monkeypatch.setattr("desktop_app.views.lu.QMessageBox.warning",
                        lambda _parent, _titre, message: echecs.append(message))  # fmt: skip
    tour = espace.db.tour
    assert tour is not None
    fond, lache = base_tenue_en_fond(tour)
    vu_pendant = lacher_dans_la_boucle(tour, lache)
    w.lu.corriger("naissance", f"{naissance:%d/%m/%Y}")
    fond.join()
    assert vu_pendant == [True] and echecs == []
    qtbot.waitUntil(lambda: "corrigé par Claire FAYOLLE" in w.lu.text(), timeout=10_000)
    assert "≠ inscription" not in w.lu.text() and w.etat.motifs_suggeres == [
        m for m in w.etat.motifs_suggeres if m != MOTIF_NAISSANCE
    ]
    qtbot.waitUntil(lambda: "Lecture corrigée, naissance" in w.panneau.historique.toPlainText(),
                    timeout=10_000)  # fmt: skip
    w.close()
    espace.close()


def test_an_unsigned_confirmation_is_said_and_n_checks_its_reasons(
    qtbot: QtBot, tmp_path: Path, donnees_demo: Path
) -> None:
    from desktop_app.services.lecture import MOTIF_NON_DATE, MOTIF_NON_SIGNE

    espace = ouvrir_espace(tmp_path / "donnees")
    cible = _premier_depot(espace, "confirmation_non_signee.pdf")
    assert cible is not None, "la démonstration n'a aucune confirmation non signée"
    w = ouvrir(qtbot, espace)
    w.lecteur.arreter()
    w.aller_a(*cible)
    qtbot.waitUntil(lambda: "Signature" in w.lu.text(), timeout=30_000)
    texte = w.lu.text()
    assert "absente" in texte and "la confirmation doit être datée et signée" in texte
    assert {MOTIF_NON_SIGNE, MOTIF_NON_DATE} <= set(w.etat.motifs_suggeres)
    w.decider(Statut.NON_CONFORME)
    coches = {w.panneau.motifs.item(i).text() for i in range(w.panneau.motifs.count())
              if w.panneau.motifs.item(i).checkState() == Qt.CheckState.Checked}  # fmt: skip
    assert {MOTIF_NON_SIGNE, MOTIF_NON_DATE} <= coches
    w.close()
    espace.close()


def test_an_employer_attestation_shows_its_periods_and_the_dossiers_length(
    qtbot: QtBot, tmp_path: Path, donnees_demo: Path
) -> None:
    """A candidat individuel's attestation (the demo's BCP): the periods read, the file's
    length with « corriger », the dossier's line; a length given short of three years is said
    and checks its reason, one of three years or more is « suffisante »."""
    from desktop_app.services.activite import MOTIF_ACTIVITE

    espace = ouvrir_espace(tmp_path / "donnees")
    espace.preferences.gestionnaire = "Claire FAYOLLE"
    cible = _premier_depot(espace, "activite.pdf")
    assert cible is not None, "la démonstration n'a aucune attestation d'employeur"
    w = ouvrir(qtbot, espace)
    w.lecteur.arreter()

    def lu() -> str:
        return html.unescape(w.lu.text())

    w.aller_a(*cible)
    qtbot.waitUntil(lambda: "Activité professionnelle du dossier" in lu(),
                    timeout=30_000)  # fmt: skip
    texte = lu()
    assert "Période d'activité" in texte and "Durée d'activité" in texte
    assert "trois ans d'activité salariée" in texte  # what the table asks, whatever was read
    w.lu.corriger("activite", "1 an et 2 mois")
    qtbot.waitUntil(lambda: "insuffisante" in lu(), timeout=10_000)
    assert "insuffisante : 1 an et 2 mois sur 1 fichier (au moins trois ans" in lu()
    assert MOTIF_ACTIVITE in w.etat.motifs_suggeres
    w.lu.corriger("activite", "38 mois")
    qtbot.waitUntil(lambda: "3 ans et 2 mois (1 fichier) — suffisante" in lu(),
                    timeout=10_000)  # fmt: skip
    assert MOTIF_ACTIVITE not in w.etat.motifs_suggeres
    qtbot.waitUntil(lambda: "Lecture corrigée, activite" in w.panneau.historique.toPlainText(),
                    timeout=10_000)  # fmt: skip
    w.close()
    espace.close()
