"""Refresh docs/main-window.png: the window on a fresh demo campaign, rendered offscreen.

python docs/screenshot.py [DATA_DIR]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def attendre_et_saisir(app: object, window: object, out: Path) -> None:
    """Wait until the pages on screen are painted (they come from the worker processes), let
    the layout settle, and save the window."""
    import time

    viewers = [window.viewer, window.comparaison.viewer]  # type: ignore[attr-defined]

    def peints() -> bool:
        if window.dossier.relecture_en_cours:  # type: ignore[attr-defined]
            return False  # the dossier chosen in the list is read in a thread
        if window.piece is not None and not window.panneau.historique.toPlainText():  # type: ignore[attr-defined]
            return False  # the pièce's history is read in a thread
        lu = window.lu  # type: ignore[attr-defined]
        lecture = lu.depot is None or (lu.affiche is not None and lu.affiche.lu is not None)
        return lecture and all(
            not v.isVisible() or bool(v.pages and v.source.cache.get(v.cle(0)) is not None)
            for v in viewers
        )

    fin = time.monotonic() + 20
    while time.monotonic() < fin and not peints():
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)
    fin = time.monotonic() + 1  # the layout settles (fit to the final size), pages re-render
    while time.monotonic() < fin:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)
    window.grab().save(str(out))  # type: ignore[attr-defined]


def main() -> None:
    from desktop_app.app import creer_application
    from desktop_app.services.demo import installer_demo
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.views.main_window import MainWindow

    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "demo"
    espace = ouvrir_espace(data)
    with espace.db.read() as session:
        from desktop_app.services.requetes import campagnes

        if not campagnes(session):
            installer_demo(
                espace.db,
                espace.store,
                300,
                reference=dt.date(2026, 11, 22),
                worker=espace.inspection,
            )
    app = creer_application()
    # The window as a new gestionnaire first sees it: settings of its own, not the last run's.
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    window = MainWindow(espace)
    window.resize(1600, 900)
    window.show()
    window.recharger()
    # A dossier with a pièce refused (Non conforme) and others decided makes a telling picture.
    from desktop_app.models import Statut
    from desktop_app.services.requetes import STATUTS_COMPTES

    refusee = STATUTS_COMPTES.index(Statut.NON_CONFORME)
    rows = window.candidatures.rows()
    target = next((i for i, r in enumerate(rows) if r.compteurs[refusee] and r.compteurs[0]), 0)
    window.candidature_view.selectRow(target)
    out = Path(__file__).with_name("main-window.png")
    attendre_et_saisir(app, window, out)
    print(out)
    # The office screens: a laptop's 1366 × 768 (the list put away with F8, the document large)
    # and a desktop's 1920 × 1080.
    for largeur, hauteur, liste in ((1366, 768, False), (1920, 1080, True)):
        window.resize(largeur, hauteur)
        if window.action_liste.isChecked() != liste:
            window.action_liste.trigger()
        out = Path(__file__).with_name(f"main-window-{largeur}.png")
        attendre_et_saisir(app, window, out)
        print(out)
    window.resize(1600, 900)  # the list is back: the last size shows it

    # A re-deposit after a Non conforme: the refused file beside the new one.
    import time

    from sqlalchemy import select

    from desktop_app.models import Candidat, Candidature, Depot, Piece

    with espace.db.read() as session:
        redepot = session.execute(
            select(Piece.candidature_id, Piece.id)
            .join(Depot)
            .where(Depot.tour > 1, Piece.statut.is_(None))
            .order_by(Piece.id)
            .limit(1)
        ).first()
    if redepot is not None:
        window.aller_a(*redepot)
        out = Path(__file__).with_name("redepot.png")
        attendre_et_saisir(app, window, out)
        print(out)

    def lu_et_montre(pieces: list[tuple[int, int]], source: str, nom: str) -> None:
        """The first of these pièces whose file the panel shows read by ``source``, with
        where it was read outlined."""
        for candidature_id, piece_id in pieces:
            window.aller_a(candidature_id, piece_id)
            fin = time.monotonic() + 60
            while time.monotonic() < fin and not (window.lu.affiche and window.lu.affiche.lu):
                app.processEvents()
                time.sleep(0.02)
            if window.lu.isVisible() and source in window.lu.text():
                window.lu.linkActivated.emit("montrer")
                out = Path(__file__).with_name(nom)
                attendre_et_saisir(app, window, out)
                print(out)
                return

    # « Lu dans le document »: an identity card whose MRZ says another birth date than the
    # registration's; then a scanned medical certificate, its holder found by OCR.
    from desktop_app.services.demo import cartes_differentes

    lu_et_montre(espace.lire(cartes_differentes), "MRZ", "lu-dans-le-document.png")

    def deposees(nom: str, limite: int = 3) -> list[tuple[int, int]]:
        """(candidature, pièce) of the first deposits of the demo's file ``nom``."""
        with espace.db.read() as session:
            return [tuple(ligne) for ligne in session.execute(
                select(Piece.candidature_id, Piece.id).join(Depot)
                .where(Depot.nom_original == nom).order_by(Piece.id).limit(limite)
            )]  # fmt: skip

    lu_et_montre(deposees("certificat_medical_scan.jpg"), "OCR", "lu-par-ocr.png")
    # A confirmation printed, not signed nor dated: said, and where it was looked for.
    lu_et_montre(deposees("confirmation_non_signee.pdf"), "Signature", "signature-absente.png")
    # An employer's attestation: the periods read, the dossier's length short of three years.
    lu_et_montre(deposees("activite.pdf", 20), "insuffisante", "activite.png")

    # The same card photographed anew by another candidate (the demo's candidate 57 of each
    # hundred borrows the previous one's): both read, then said on the borrower's dossier.
    with espace.db.read() as session:
        emprunt = session.execute(
            select(Piece.candidature_id, Piece.id, Depot.nom_original).join(Depot)
            .where(Depot.nom_original.like("identite%_carte_de_%")).limit(1)
        ).first()  # fmt: skip
        preteur = None
        if emprunt is not None:
            n_preteur = emprunt.nom_original.rsplit("_", 1)[1].removesuffix(".jpg")
            preteur = session.execute(
                select(Piece.candidature_id, Piece.id).join(Depot)
                .join(Candidature, Candidature.id == Piece.candidature_id)
                .join(Candidat, Candidat.id == Candidature.candidat_id)
                .where(Candidat.n_candidat == n_preteur, Depot.nom_original.like("identite%"))
                .order_by(Piece.id).limit(1)
            ).first()  # fmt: skip
    if emprunt is not None and preteur is not None:
        for cible in (tuple(preteur), tuple(emprunt[:2]), tuple(preteur), tuple(emprunt[:2])):
            window.aller_a(*cible)
            fin = time.monotonic() + 60
            while time.monotonic() < fin and not (window.lu.affiche and window.lu.affiche.lu):
                app.processEvents()
                time.sleep(0.02)
            for _ in range(50):  # the reading stored, in the background
                app.processEvents()
                time.sleep(0.02)
        if "numérisé à nouveau" in window.panneau.redepot.text():
            out = Path(__file__).with_name("reutilisation.png")
            attendre_et_saisir(app, window, out)
            print(out)

    # What the rules say: a JDC certificate asked of a candidate of 25 or more, in a dossier
    # that also lacks a pièce the rules require, if the demo has one.
    from desktop_app.services.exigences import ecarts_des_dossiers
    from desktop_app.services.requetes import campagnes as les_campagnes

    ecarts = espace.lire(lambda s: ecarts_des_dossiers(s, les_campagnes(s)[0].id))
    non_exigees = [(cid, e.piece_id) for cid, liste in ecarts.items() for e in liste
                   if e.piece_id is not None]  # fmt: skip
    if non_exigees:
        window.aller_a(*non_exigees[0])
        out = Path(__file__).with_name("regles.png")
        attendre_et_saisir(app, window, out)
        print(out)

    # The follow-up window: the dashboard, then the first relance letter as it prints.

    from desktop_app.services.courriers import Genre, apercu
    from desktop_app.services.mise_en_page import pages_en_pixels
    from desktop_app.services.reglages import Bureau, enregistrer_bureau

    assert window.campagne is not None
    with espace.db.write() as session:
        enregistrer_bureau(
            session,
            window.campagne.id,
            Bureau(
                nom="Rectorat de l'académie de Clermont-Ferrand",
                adresse="3 avenue Vercingétorix\n63033 Clermont-Ferrand Cedex 1",
                contact="04 73 99 35 06 — dec.exapro1@ac-clermont.fr",
                ville="Clermont-Ferrand",
                signature="Pour le recteur et par délégation, la cheffe de la DEC",
            ),
        )
    suivi = window.ouvrir_suivi()
    assert suivi is not None
    suivi.resize(1250, 860)
    while suivi.tache is not None:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    out = Path(__file__).with_name("tableau-de-bord.png")
    suivi.grab().save(str(out))
    print(out)
    assert suivi.donnees is not None and suivi.ctx is not None
    lettre = apercu(suivi.ctx, Genre.RELANCE, suivi.donnees.a_relancer[0])
    largeur, hauteur, pas, pixels = pages_en_pixels(lettre, zoom=1.5, pages=1)[0]
    from PySide6.QtGui import QImage

    out = Path(__file__).with_name("lettre-relance.png")
    QImage(pixels, largeur, hauteur, pas, QImage.Format.Format_RGB888).copy().save(str(out))
    print(out)
    suivi.close()

    from desktop_app.services.sauvegardes import Motif
    from desktop_app.views.sauvegardes import SauvegardesDialog

    espace.sauvegarder(Motif.MANUELLE)
    from desktop_app.views.parametres import ParametresDialog

    for nom, dialogue in (
        ("sauvegardes.png", SauvegardesDialog(espace, window)),
        (
            "parametres.png",
            ParametresDialog(espace.preferences, espace.paths, window.campagne, window, "campagne"),
        ),
    ):
        dialogue.show()
        for _ in range(10):
            app.processEvents()
            time.sleep(0.02)
        out = Path(__file__).with_name(nom)
        dialogue.grab().save(str(out))
        print(out)
        dialogue.close()
    window.close()
    espace.close()


if __name__ == "__main__":
    main()
