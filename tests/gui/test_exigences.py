"""The dossier shows what the rules say: « pièce non exigée » under a pièce the dossier lists,
« manquante exigée » for one it lacks, each with its reason and its source on hover; neither is
a pièce to decide on, and the keyboard's next pièce skips them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select

from desktop_app.models import Candidature, Piece
from desktop_app.models import PieceCatalogue as Catalogue
from desktop_app.services.espace import ouvrir_espace
from desktop_app.views.dossier import GROUPE_EXIGEES, ROLE_ECART
from tests.gui.fenetre import ouvrir


def test_the_dossier_says_what_the_rules_require(
    qtbot: QtBot, tmp_path: Path, donnees_demo: Path
) -> None:
    espace = ouvrir_espace(tmp_path / "donnees")
    with espace.db.write() as s:
        # A candidate of 30 asked for the JDC, whose handicap notification is not asked for.
        jdc = s.scalar(select(Piece).join(Catalogue).where(Catalogue.code == "PSNATT03").limit(1))
        assert jdc is not None
        candidature = s.get(Candidature, jdc.candidature_id)
        assert candidature is not None
        candidature.candidat.date_naissance = dt.date(1990, 3, 4)
        candidature.handicap = True
        amenag = s.scalar(select(Catalogue.id).where(Catalogue.code == "AMENAG01"))
        s.execute(delete(Piece).where(Piece.candidature_id == candidature.id,
                                      Piece.catalogue_id == amenag))  # fmt: skip
        cid, piece_jdc = candidature.id, jdc.id
        nombre = len(candidature.pieces)
    w = ouvrir(qtbot, espace)
    w.lecteur.arreter()
    w.aller_a(cid, piece_jdc)
    arbre = w.dossier.arbre

    def regles() -> list[str]:
        items = []
        for i in range(arbre.topLevelItemCount()):
            groupe = arbre.topLevelItem(i)
            for j in range(groupe.childCount()):
                piece = groupe.child(j)
                for item in [piece, *(piece.child(k) for k in range(piece.childCount()))]:
                    if item.data(0, ROLE_ECART) is not None:
                        items.append(f"{groupe.text(0)} | {item.text(0)} | {item.text(1)}")
        return items

    qtbot.waitUntil(lambda: len(regles()) == 2, timeout=10_000)
    non, manquante = regles()
    assert non.endswith("Règles : Pièce non exigée : 25 ans le 04/03/2015 | ")
    assert manquante.startswith(GROUPE_EXIGEES)
    assert "Notification de mesures d'aménagement (handicap) (AMENAG01) | Manquante exigée" in (
        manquante
    )
    # The source sentence on hover; and the pièces to decide on are the dossier's alone.
    note = next(
        arbre.topLevelItem(i).child(j).child(0)
        for i in range(arbre.topLevelItemCount())
        for j in range(arbre.topLevelItem(i).childCount())
        if arbre.topLevelItem(i).child(j).childCount()
        and arbre.topLevelItem(i).child(j).child(0).data(0, ROLE_ECART) is not None
    )
    assert "jusqu'à la veille du 25ème anniversaire" in note.toolTip(0)
    assert "la décision reste celle du gestionnaire" in note.toolTip(0)
    assert len(w.dossier.pieces_affichees()) == nombre
    assert all(p is not None for p in w.dossier.pieces_affichees())
    w.close()
    espace.close()
