"""A blurred scan on screen: the viewer's banner says « floue » (« À vérifier »), and N checks
« Pièce illisible » for the gestionnaire, who still decides."""

from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.models import Piece, Statut
from desktop_app.services.espace import ouvrir_espace
from desktop_app.services.importer import importer_paquet
from tests.gui.fenetre import ouvrir
from tests.helpers import write_package
from tests.specimens import attestation, en_jpeg, flouter, identite_au_hasard, numeriser


def test_a_blurred_scan_is_said_and_n_checks_illisible(qtbot: QtBot, tmp_path: Path) -> None:
    rng = random.Random(21)
    titulaire = identite_au_hasard(rng)
    scan = numeriser(attestation(titulaire, 200, rng, 0), rng, 200)
    # The candidate is the attestation's holder: the reading of the file on screen, which may
    # come before the key (it does under Wine, whose Tesseract reads this blurred scan), has
    # no difference to suggest.
    civilite = "MONSIEUR" if titulaire.sexe == "M" else "MADAME"
    ligne = (f"00000000001;001;{civilite};{titulaire.nom};{' '.join(titulaire.prenoms)};"
             f"{titulaire.naissance:%d/%m/%Y}\n")  # fmt: skip
    paquet = write_package(
        tmp_path / "p",
        "n_candidat;n_inscription;civilite;nom_naissance;prenoms;date_naissance\n" + ligne,
        "n_candidat;n_inscription;code_piece;fichier;statut;commentaire;date_reception\n"
        "00000000001;001;1NATID01;f/scan-flou.jpg;;;\n",
        {"f/scan-flou.jpg": en_jpeg(flouter(scan, 2.5, 200, rng), 90)},
    )
    espace = ouvrir_espace(tmp_path / "donnees")
    importer_paquet(espace.db, espace.store, paquet, worker=espace.inspection)
    with espace.db.read() as s:
        piece = s.scalars(select(Piece)).one()
        cible = (piece.candidature_id, piece.id)
    w = ouvrir(qtbot, espace)
    w.lecteur.arreter()
    w.aller_a(*cible)
    qtbot.waitUntil(lambda: w.viewer.inspection is not None, timeout=30_000)
    assert "est floue" in w.viewer.banniere.toPlainText()
    w.decider(Statut.NON_CONFORME)
    coches = [w.panneau.motifs.item(i).text() for i in range(w.panneau.motifs.count())
              if w.panneau.motifs.item(i).checkState() == Qt.CheckState.Checked]  # fmt: skip
    assert coches == ["Pièce illisible"]
    assert "Cochés d'après le document : Pièce illisible" in w.panneau.etat.text()
    with espace.db.read() as s:  # nothing saved before Ctrl+Entrée
        assert s.scalars(select(Piece)).one().statut is None
    w.close()
    espace.close()
