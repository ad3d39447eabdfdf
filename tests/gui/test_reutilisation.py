"""A file deposited for another candidate, or the same paper scanned anew: the decision panel
says so, and its link leads to the other dossier."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.services.espace import Espace
from tests.gui.fenetre import ouvrir
from tests.unit.test_rescans import lire_comme_rescans
from tests.unit.test_reutilisation import deposer_ailleurs, deposer_pour_d_autres


def test_a_file_deposited_for_another_candidate_is_said_with_the_way_there(
    qtbot: QtBot, espace_demo: Espace
) -> None:
    espace = espace_demo  # the demo package, imported
    _sha, p1, c1, _p2, p3, c3, _ = deposer_ailleurs(espace)
    w = ouvrir(qtbot, espace)
    w.lecteur.arreter()
    w.aller_a(c1, p1)
    qtbot.waitUntil(lambda: "Le même fichier a été déposé" in w.panneau.redepot.text(),
                    timeout=10_000)  # fmt: skip
    texte = w.panneau.redepot.text()
    assert "pour la pièce" in texte and "pour un autre candidat" in texte
    w.panneau.redepot.linkActivated.emit(f"aller:{c3}:{p3}")
    qtbot.waitUntil(lambda: w.etat.piece is not None and w.etat.piece.id == p3, timeout=10_000)
    assert w.etat.candidature_id == c3
    w.close()
    espace.close()


def test_a_file_deposited_by_many_names_five_places_and_counts_the_others(
    qtbot: QtBot, espace_demo: Espace
) -> None:
    espace = espace_demo  # the demo package, imported
    sha, p1, c1, _p2, _p3, c3, _ = deposer_ailleurs(espace)
    deposer_pour_d_autres(espace, sha, [c1, c3], 9)
    w = ouvrir(qtbot, espace)
    w.lecteur.arreter()
    w.aller_a(c1, p1)
    qtbot.waitUntil(lambda: "Le même fichier a été déposé" in w.panneau.redepot.text(),
                    timeout=10_000)  # fmt: skip
    texte = w.panneau.redepot.text()
    assert texte.count("y aller") == 5
    assert "… et 6 autre(s) dépôt(s) du même document." in texte  # 11 places in all
    w.close()
    espace.close()


def test_a_paper_scanned_anew_for_another_candidate_is_said_as_such(
    qtbot: QtBot, espace_demo: Espace
) -> None:
    espace = espace_demo  # the demo package, imported
    c1, p1, c2, p2, _, _ = lire_comme_rescans(espace)
    w = ouvrir(qtbot, espace)
    w.lecteur.arreter()
    w.aller_a(c1, p1)
    qtbot.waitUntil(lambda: "numérisé à nouveau" in w.panneau.redepot.text(), timeout=10_000)
    texte = w.panneau.redepot.text()
    assert "pour un autre candidat" in texte and "Le même fichier" not in texte
    assert f"aller:{c2}:{p2}" in texte
    w.close()
    espace.close()
