"""``controle-pj --smoke-test``: proof that an installed (or frozen) application works end to end
on this machine, without touching the user's data.

In a temporary folder it creates a database, imports a small demo campaign through the worker
processes, inspects and renders a PDF and a JPEG in the real worker, opens the main window on
each and waits until a page is painted; it checks what a frozen build could have left behind
(Qt's French translations, the package's version, the time zones, PostgreSQL's driver). It
prints what it checked and exits 0, or says in French what failed and exits 1. Qt's messages go
to the log, not to stderr: a clean run writes nothing there."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ATTENTE_AFFICHAGE = 60.0  # seconds for a page to be painted (a cold worker on a slow CI)


class EssaiEchoue(Exception):
    pass


def _verifier(condition: object, message: str) -> None:
    if not condition:
        raise EssaiEchoue(message)


def _depots_a_afficher(espace: Any) -> dict[str, tuple[int, int, int]]:
    """A recevable PDF and JPEG of the demo: format → (candidature, pièce, dépôt)."""
    from sqlalchemy import select

    from desktop_app.models.entities import Depot, Piece

    trouves: dict[str, tuple[int, int, int]] = {}
    with espace.db.read() as session:
        lignes = session.execute(
            select(Depot.format, Piece.candidature_id, Piece.id, Depot.id)
            .join(Piece, Depot.piece_id == Piece.id)
            .where(Depot.recevable.is_(True), Depot.format.in_(("pdf", "jpeg")))
            .order_by(Depot.id)
        )
        for fmt, candidature_id, piece_id, depot_id in lignes:
            trouves.setdefault(fmt, (candidature_id, piece_id, depot_id))
    return trouves


def _dans_le_worker(espace: Any, depot_id: int, fmt: str) -> str:
    """Inspect, then open and render the first page, in a worker process of its own."""
    from sqlalchemy import select

    from desktop_app.documents.rendu import Ouverture, Vue
    from desktop_app.documents.worker import Demande, InspectionWorker
    from desktop_app.models.entities import Campagne, Candidature, Depot, Piece

    with espace.db.read() as session:
        sha256, taille_max, formats = session.execute(
            select(Depot.sha256, Campagne.taille_max_octets, Campagne.formats)
            .join(Piece, Depot.piece_id == Piece.id)
            .join(Candidature, Piece.candidature_id == Candidature.id)
            .join(Campagne, Candidature.campagne_id == Campagne.id)
            .where(Depot.id == depot_id)
        ).one()
    chemin = str(espace.store.path(sha256))
    regles = (taille_max, tuple(formats))
    with InspectionWorker() as worker:
        inspection = worker.demander(Demande("essai", chemin, *regles))
        _verifier(inspection.recevable, f"{fmt} jugé non recevable : {inspection.reasons}")
        ouvert = worker.demander(Ouverture("essai", chemin, *regles, vue=Vue(800, 1000)))
        _verifier(ouvert.affichable, f"{fmt} non affichable : {ouvert.erreur or ouvert.refus}")
        pixels = ouvert.premiere
        _verifier(pixels is not None and pixels.largeur > 0, f"{fmt} : aucune page rendue")
        assert pixels is not None
        _verifier(len(set(pixels.data[::97])) > 1, f"{fmt} : la page rendue est uniforme")
    return f"{fmt.upper()} inspecté et rendu par le processus de travail ({pixels.largeur}×" \
        f"{pixels.hauteur} px)"  # fmt: skip


def _attendre(condition: Callable[[], bool], delai: float) -> bool:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    fin = time.monotonic() + delai
    while not condition():
        if time.monotonic() > fin:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return True


def _dans_la_fenetre(espace: Any, a_voir: dict[str, tuple[int, int, int]]) -> list[str]:
    """The main window shows each file: a page painted by the viewer's own worker."""
    from desktop_app.views.main_window import MainWindow

    faits: list[str] = []
    window = MainWindow(espace)
    try:
        window.show()
        window.recharger()
        _verifier(window.candidatures.rowCount() > 0, "la fenêtre ne liste aucune candidature")
        for fmt, (candidature_id, piece_id, depot_id) in a_voir.items():
            affiches: list[str] = []
            window.viewer.documentAffiche.connect(affiches.append)
            window.aller_a(candidature_id, piece_id)
            window.dossier.finir()  # (read in a thread: its files listed once it is shown)
            for i in range(window.fichiers.count()):  # the pièce may hold older deposits
                if getattr(window.fichiers.itemData(i), "id", None) == depot_id:
                    window.fichiers.setCurrentIndex(i)
            ok = _attendre(lambda cle=str(depot_id), vus=affiches: cle in vus, ATTENTE_AFFICHAGE)
            window.viewer.documentAffiche.disconnect(affiches.append)
            _verifier(
                ok, f"la fenêtre n'a pas affiché le {fmt.upper()} en {ATTENTE_AFFICHAGE:.0f} s"
            )
            faits.append(f"{fmt.upper()} affiché dans la fenêtre")
    finally:
        window.close()
        window.source_documents.close()  # its threads end here, whatever failed above
        window.deleteLater()
    return faits


def _plugin_plateforme() -> Path | None:
    """The Qt platform plugin a real session uses (qwindows on Windows, qxcb elsewhere): the
    check itself runs offscreen, so its presence is what is checked (and, on Windows, that it
    loads; on Linux it needs the desktop's X libraries, which a build machine may lack)."""
    from PySide6.QtCore import QLibraryInfo, QPluginLoader

    dossier = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    nom = "qwindows" if os.name == "nt" else "qxcb"
    trouves = [p for p in dossier.glob(f"*{nom}*") if p.suffix in (".dll", ".so", ".dylib")]
    if not trouves:
        return None
    if os.name == "nt" and not QPluginLoader(str(trouves[0])).load():
        return None
    return trouves[0]


def _empaquetage(dossier: Path) -> list[str]:
    """What a frozen build could miss without any other test noticing (``dossier``: the
    check's temporary folder)."""
    from importlib import resources

    from PySide6.QtCore import QCoreApplication

    import desktop_app

    version = desktop_app.__version__
    _verifier(version != "0.0.0", "la version du paquet est introuvable (métadonnées)")
    gele = getattr(sys, "frozen", False)
    if gele:  # the build's own promise: UTF-8 on every pipe, whatever the code page
        _verifier(sys.flags.utf8_mode == 1, "le mode UTF-8 de Python n'est pas actif")
    _verifier(_plugin_plateforme() is not None, "le module d'affichage de Qt est absent")
    oui = QCoreApplication.translate("QPlatformTheme", "&Yes")  # a standard dialog's button
    traduit = oui != "&Yes"
    _verifier(traduit, "les traductions françaises de Qt sont absentes")
    paris = resources.files("tzdata").joinpath("zoneinfo", "Europe", "Paris")
    _verifier(paris.is_file(), "le fuseau Europe/Paris (tzdata) est absent")
    import psycopg  # the team mode's driver, loaded by URL only: the freezer cannot see it

    _verifier(psycopg.pq.__impl__ in ("binary", "c", "python"), "pilote PostgreSQL inutilisable")
    from desktop_app.services.exports import Matrice, ecrire_matrice_xlsx  # a compiled writer

    classeur = dossier / "matrice.xlsx"
    ecrire_matrice_xlsx(Matrice(["N° candidat", "Nom"], [["00001", "ÉLOI"]], []), classeur)
    _verifier(classeur.stat().st_size > 0, "la matrice XLSX ne s'écrit pas")
    return [
        f"version {version}",
        *(["mode UTF-8"] if gele else []),
        "module d'affichage de Qt présent",
        "traductions de Qt en français",
        "fuseau Europe/Paris",
        f"pilote PostgreSQL ({psycopg.pq.__impl__})",
        "matrice XLSX écrite",
    ]


def _lecture_mrz() -> str:
    """The MRZ recogniser with what the build ships (numpy, the OCR-B font): ICAO 9303's
    passport specimen, drawn at 300 dpi with that font, read back and checked."""
    import io
    from importlib import resources

    from PIL import Image, ImageDraw, ImageFont

    from desktop_app.documents.lecture.ocrb import lire_image

    lignes = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
              "L898902C36UTO7408122F1204159ZE184226B<<<<<10")  # fmt: skip
    octets = resources.files("desktop_app").joinpath("resources", "OCRB.otf").read_bytes()
    police = ImageFont.truetype(io.BytesIO(octets), 41)  # 30 px a character: 2.54 mm
    image = Image.new("L", (1480, 400), 235)
    dessin = ImageDraw.Draw(image)
    for n, ligne in enumerate(lignes):
        for i, caractere in enumerate(ligne):
            dessin.text((80 + 30 * i, 200 + 55 * n), caractere, fill=20, font=police)
    lecture = lire_image(image)
    _verifier(lecture is not None and lecture.utilisable and lecture.mrz.lignes == lignes,
              "la MRZ d'un passeport de démonstration n'a pas été lue")  # fmt: skip
    assert lecture is not None
    return f"MRZ lue et vérifiée ({lecture.mrz.nom} {' '.join(lecture.mrz.prenoms)})"


def _lecture_texte() -> str:
    """Tesseract with the French model the build ships: an attestation's lines, drawn at
    300 dpi, read back, and the holder's name and birth date found in them."""
    import io
    from importlib import resources

    from PIL import Image, ImageDraw, ImageFont

    from desktop_app.documents.lecture import texte
    from desktop_app.documents.lecture.ocrb import redresser

    octets = resources.files("desktop_app").joinpath("resources", "OCRB.otf").read_bytes()
    police = ImageFont.truetype(io.BytesIO(octets), 42)  # 10 points at 300 dpi
    image = Image.new("L", (2000, 700), 250)
    dessin = ImageDraw.Draw(image)
    lignes = ("ATTESTATION DE RECENSEMENT", "Nom de naissance : ERIKSSON",
              "Prénoms : Anna Maria", "Date de naissance : 12/08/1974")  # fmt: skip
    for n, ligne in enumerate(lignes):
        dessin.text((150, 150 + 100 * n), ligne, fill=20, font=police)
    trouve = {t.champ: t.valeur for t in texte.identite_dans(texte.lignes_ocr(redresser(image)))}
    _verifier(trouve.get("nom") == "ERIKSSON" and trouve.get("naissance") == "1974-08-12",
              f"le texte d'une attestation de démonstration n'a pas été lu ({trouve})")  # fmt: skip
    return f"texte lu par OCR ({trouve['nom']}, né(e) le {trouve['naissance']})"


def _lecture_deuxddoc(dossier: Path) -> str:
    """A 2D-Doc signed with a certificate made here, drawn as a DataMatrix, read back by
    zxing-cpp and its signature verified with cryptography, as the build ships them."""
    from desktop_app.documents.lecture import deuxddoc
    from desktop_app.documents.lecture.specimens import (
        Identite,
        contenu_deuxddoc,
        image_deuxddoc,
        signataire_d_essai,
    )

    identite = Identite("ERIKSSON", ("ANNA", "MARIA"), date(1974, 8, 12), "F", "L898902C3",
                        date(2031, 4, 15))  # fmt: skip
    signataire = signataire_d_essai(dossier / "certificats")
    lus = deuxddoc.lire_image(image_deuxddoc(contenu_deuxddoc(identite, signataire)))
    _verifier(len(lus) == 1, "le 2D-Doc de démonstration n'a pas été lu")
    doc = deuxddoc.decoder(lus[0])
    verification = deuxddoc.verifier(doc, deuxddoc.Magasin([signataire.dossier]))
    _verifier(verification.statut is deuxddoc.Statut.VERIFIEE and doc.nom == "ERIKSSON",
              f"2D-Doc de démonstration : {verification.message}")  # fmt: skip
    return f"2D-Doc lu et sa signature vérifiée ({doc.nom}, {doc.libelle_type})"


def executer(candidatures: int = 12) -> int:
    """Run the smoke test; 0 when everything worked."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop_app.app import creer_application
    from desktop_app.services.demo import installer_demo
    from desktop_app.services.espace import ouvrir_espace

    debut = time.monotonic()
    creer_application()
    faits: list[str] = []
    # (Windows may still hold a file of the closed workers for a moment: left to the system.)
    with tempfile.TemporaryDirectory(
        prefix="controle-pj-essai-", ignore_cleanup_errors=True
    ) as dossier:
        # The window's geometry and splitters go to a settings file of its own, never to the
        # user's (the registry on Windows): the check touches nothing of theirs.
        from PySide6.QtCore import QSettings

        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, dossier)
        try:
            faits += _empaquetage(Path(dossier))
            faits.append(_lecture_mrz())
            faits.append(_lecture_texte())
            faits.append(_lecture_deuxddoc(Path(dossier)))
            espace = ouvrir_espace(Path(dossier) / "donnees")
            try:
                faits.append(f"base créée dans {espace.paths.database.parent}")
                rapports = installer_demo(
                    espace.db, espace.store, candidatures, worker=espace.inspection
                )
                fichiers = sum(r.depots_ajoutes for r in rapports)
                _verifier(fichiers > 0, "l'import de la démonstration n'a importé aucun fichier")
                faits.append(f"démonstration importée ({candidatures} candidatures, {fichiers} "
                             "fichiers)")  # fmt: skip
                a_voir = _depots_a_afficher(espace)
                _verifier(set(a_voir) == {"pdf", "jpeg"}, "la démonstration n'a pas de PDF et JPEG")
                for fmt, (_, _, depot_id) in a_voir.items():
                    faits.append(_dans_le_worker(espace, depot_id, fmt))
                faits += _dans_la_fenetre(espace, a_voir)
            finally:
                espace.close()
        except Exception as exc:
            print(f"Essai en échec : {exc}", file=sys.stderr)
            from desktop_app.journal import consigner_exception

            consigner_exception("essai de fonctionnement en échec", exc)
            return 1
    for fait in faits:
        print(f"ok  {fait}")
    print(f"Essai réussi en {time.monotonic() - debut:.1f} s.")
    return 0
