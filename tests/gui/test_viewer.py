"""The document viewer: what a gestionnaire sees of a file, and that no file can harm the GUI."""

from __future__ import annotations

import os
import random
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop_app.documents.inspection import FORMATS_DEFAUT
from desktop_app.services.demo import heic_bytes
from desktop_app.viewer.document_viewer import DocumentViewer
from desktop_app.viewer.source import Document, SourceDocuments
from tests.conftest import CORPUS, corpus_manifest
from tests.helpers import jpeg_bytes, pdf_bytes

LIMITE = 5 * 1024 * 1024


@pytest.fixture
def source(qapp: object) -> Iterator[SourceDocuments]:
    s = SourceDocuments(timeout=20)
    yield s
    s.close()


@pytest.fixture
def viewer(qtbot: QtBot, source: SourceDocuments) -> DocumentViewer:
    v = DocumentViewer(source)
    qtbot.addWidget(v)
    v.resize(700, 900)
    v.show()
    return v


def document(chemin: Path, taille_max: int = LIMITE, cle: str = "1") -> Document:
    return Document(cle, str(chemin), chemin.name, taille_max, FORMATS_DEFAUT)


def montre(viewer: DocumentViewer) -> bool:
    """The document is settled: not shown (and why), or its first page painted, findings in."""
    if viewer.ouvert is None:
        return False
    if not viewer.ouvert.affichable:
        return True
    premiere = viewer.cle(0)
    page_faite = viewer.source.cache.get(premiere) is not None or premiere in viewer.source.echecs
    return page_faite and viewer.inspection is not None


def afficher(qtbot: QtBot, viewer: DocumentViewer, doc: Document, timeout: int = 30_000) -> None:
    viewer.afficher(doc)
    qtbot.waitUntil(lambda: montre(viewer), timeout=timeout)


def test_a_pdf_is_shown_page_by_page_with_its_findings(
    qtbot: QtBot, viewer: DocumentViewer, tmp_path: Path
) -> None:
    chemin = tmp_path / "releve.pdf"
    chemin.write_bytes(pdf_bytes("Relevé de notes", pages=3))
    afficher(qtbot, viewer, document(chemin))
    assert viewer.pile.currentIndex() == 1  # the pages, not a message
    assert viewer.numero_page.maximum() == 3 and viewer.total_pages.text().strip() == "/ 3"
    assert "3 pages" in viewer.banniere.toPlainText() and viewer.bandeau.isVisible()
    assert viewer.vignettes.count() == 3
    image = viewer.source.cache.get(viewer.cle(0))
    assert image is not None
    # Sharp: rendered at the zoom times the screen's pixel ratio, not stretched.
    rect = viewer.surface.rects[0]
    assert abs(image.width() - rect.width() * viewer.devicePixelRatioF()) <= 2

    zoom = viewer.zoom
    viewer.action_zoom_plus.trigger()
    assert viewer.zoom == pytest.approx(zoom * 1.25) and viewer.mode == "libre"
    assert viewer.indicateur_zoom.text() == f"{round(viewer.zoom * 100)} %"
    qtbot.waitUntil(lambda: viewer.source.cache.get(viewer.cle(0)) is not None)
    viewer.action_largeur.trigger()
    marge_totale = 2 * 12
    assert viewer.surface.rects[0].width() == pytest.approx(
        viewer.scroll.viewport().width() - marge_totale, abs=1
    )
    viewer.aller_a(2)
    assert viewer.numero_page.value() == 3
    assert not viewer.action_suivante.isEnabled() and viewer.action_precedente.isEnabled()


def test_rotation_is_for_display_only_and_announced_per_deposit(
    qtbot: QtBot, viewer: DocumentViewer, tmp_path: Path
) -> None:
    chemin = tmp_path / "paysage.pdf"
    data = pdf_bytes()
    chemin.write_bytes(data)
    afficher(qtbot, viewer, document(chemin, cle="42"))
    largeur, hauteur = viewer.surface.rects[0].width(), viewer.surface.rects[0].height()
    with qtbot.waitSignal(viewer.rotationChangee) as signal_:
        viewer.action_droite.trigger()
    assert signal_.args == ["42", 90]
    rect = viewer.surface.rects[0]
    assert rect.width() / rect.height() == pytest.approx(hauteur / largeur, rel=0.02)
    viewer.action_gauche.trigger()
    viewer.action_gauche.trigger()
    assert viewer.rotation == 270
    assert chemin.read_bytes() == data  # the file is never modified
    # Shown again with the rotation the deposit remembers.
    viewer.afficher(Document("42", str(chemin), "paysage.pdf", LIMITE, FORMATS_DEFAUT, 270))
    assert viewer.rotation == 270


def test_a_file_refused_for_its_format_is_never_rendered(
    qtbot: QtBot, viewer: DocumentViewer, tmp_path: Path
) -> None:
    heic = tmp_path / "IMG_2045.jpg"  # an iPhone photo renamed, as candidates send them
    heic.write_bytes(heic_bytes(random.Random(1)))
    afficher(qtbot, viewer, document(heic))
    qtbot.waitUntil(lambda: viewer.inspection is not None)
    assert viewer.pile.currentIndex() == 0
    assert "n'est pas affiché" in viewer.message.text()
    assert "photo HEIC" in viewer.message.text()
    assert "Non recevable" in viewer.banniere.toPlainText()
    assert not viewer.pages and not viewer.malgre_bouton.isVisible()
    assert not any(key[0] == str(heic) for key in viewer.source.cache._images)


def test_an_oversized_file_is_shown_only_on_request_and_stays_refused(
    qtbot: QtBot, viewer: DocumentViewer, tmp_path: Path
) -> None:
    chemin = tmp_path / "scan.pdf"
    chemin.write_bytes(pdf_bytes(pages=2))
    afficher(qtbot, viewer, document(chemin, taille_max=200))
    qtbot.waitUntil(lambda: viewer.inspection is not None)
    assert not viewer.pages and viewer.malgre_bouton.isVisible()
    assert "il ne doit pas excéder 200 octets" in viewer.message.text()
    qtbot.mouseClick(viewer.malgre_bouton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: montre(viewer))
    assert len(viewer.pages) == 2 and viewer.malgre
    assert "Non recevable" in viewer.banniere.toPlainText()  # shown, and still refused
    assert "2 pages" in viewer.banniere.toPlainText()  # parsed on request
    assert not viewer.malgre_bouton.isVisible()


def test_a_prefetched_document_shows_at_once(
    qtbot: QtBot, viewer: DocumentViewer, tmp_path: Path
) -> None:
    premier, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    premier.write_bytes(pdf_bytes("A"))
    second.write_bytes(pdf_bytes("B", pages=2))
    afficher(qtbot, viewer, document(premier))
    suivant = document(second, cle="2")
    viewer.precharger(suivant)
    source = viewer.source
    qtbot.waitUntil(
        lambda: (
            (str(second), False) in source.ouverts and (str(second), False) in source.inspections
        )
    )
    viewer.afficher(suivant)  # no waiting: everything is in the GUI process already
    assert viewer.pages and viewer.inspection is not None
    assert source.cache.get(viewer.cle(0)) is not None


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX signals")
def test_a_worker_that_hangs_or_crashes_costs_one_document(
    qtbot: QtBot, tmp_path: Path, qapp: object
) -> None:
    source = SourceDocuments(timeout=1.0)
    viewer = DocumentViewer(source)
    qtbot.addWidget(viewer)
    viewer.resize(500, 700)
    viewer.show()
    try:
        chemins = []
        for i in range(3):
            chemins.append(tmp_path / f"d{i}.pdf")
            chemins[-1].write_bytes(pdf_bytes(f"Document {i}"))
        afficher(qtbot, viewer, document(chemins[0]))
        worker = source.affichage.worker
        assert worker is not None and worker.pid is not None
        os.kill(worker.pid, signal.SIGSTOP)  # the parser loops forever on the next file
        afficher(qtbot, viewer, document(chemins[1]))
        assert "Document illisible" in viewer.message.text()
        assert "dépassé" in viewer.message.text()
        afficher(qtbot, viewer, document(chemins[2]))  # the next one renders normally
        assert viewer.pages and source.cache.get(viewer.cle(0)) is not None
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)  # now a crash
        chemins.append(tmp_path / "d3.pdf")
        chemins[-1].write_bytes(pdf_bytes("Document 3"))
        afficher(qtbot, viewer, document(chemins[3]))
        # A worker killed from outside costs no file: the request is retried on a fresh one.
        assert viewer.pages and viewer.pile.currentIndex() == 1
        chemins.append(tmp_path / "d4.pdf")
        chemins[-1].write_bytes(pdf_bytes("Document 4"))
        afficher(qtbot, viewer, document(chemins[4]))
        assert viewer.pages and source.cache.get(viewer.cle(0)) is not None
    finally:
        source.close()


def test_viewing_never_opens_links_runs_actions_or_starts_programs(
    qtbot: QtBot, viewer: DocumentViewer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import webbrowser

    from PySide6.QtGui import QDesktopServices

    manifest = corpus_manifest()
    if not manifest:
        pytest.skip("../shared/corpus-dev absent")
    appels: list[str] = []

    def interdit(nom: str):  # type: ignore[no-untyped-def]
        def appel(*args: object, **kwargs: object) -> None:
            appels.append(nom)
            raise AssertionError(f"{nom} appelé pendant l'affichage")

        return appel

    for nom in ("open", "open_new", "open_new_tab"):
        monkeypatch.setattr(webbrowser, nom, interdit(f"webbrowser.{nom}"))
    monkeypatch.setattr(QDesktopServices, "openUrl", interdit("QDesktopServices.openUrl"))
    monkeypatch.setattr(subprocess, "Popen", interdit("subprocess.Popen"))
    monkeypatch.setattr(os, "system", interdit("os.system"))
    monkeypatch.setattr(os, "startfile", interdit("os.startfile"), raising=False)
    for entry in manifest:
        afficher(qtbot, viewer, document(CORPUS / entry["name"]))
        if viewer.pages:  # click where links and form fields would be
            centre = viewer.surface.rects[0].center().toPoint()
            qtbot.mouseClick(viewer.surface, Qt.MouseButton.LeftButton, pos=centre)
            qtbot.mouseDClick(viewer.surface, Qt.MouseButton.LeftButton, pos=QPoint(40, 60))
    assert appels == []


@pytest.mark.slow
def test_the_gui_survives_every_mutant(
    qtbot: QtBot, source: SourceDocuments, tmp_path: Path
) -> None:
    """Each of the generated hostile files is shown or refused in French; the GUI stays up
    and keeps rendering."""
    from tests.corpus_mutant import ecrire

    viewer = DocumentViewer(source)
    qtbot.addWidget(viewer)
    viewer.resize(360, 480)  # small pages: this is about surviving, not about sharpness
    viewer.action_vignettes.setChecked(False)
    viewer.show()
    vus = refuses = 0
    for chemin in ecrire(tmp_path / "mutants"):
        afficher(qtbot, viewer, document(chemin), timeout=60_000)
        if viewer.pages:
            vus += 1
            echec = viewer.source.echecs.get(viewer.cle(0))
            assert echec is None or echec.startswith("Document illisible"), echec
        else:
            refuses += 1
            texte = re.sub("<[^>]+>", " ", viewer.message.text()).strip()
            assert "n'est pas affiché" in texte and texte.endswith("."), texte
    assert vus > 100 and refuses > 100
    sain = tmp_path / "sain.pdf"
    sain.write_bytes(pdf_bytes("Après la tempête"))
    afficher(qtbot, viewer, document(sain))
    assert viewer.pages and viewer.source.cache.get(viewer.cle(0)) is not None


class _Compteur(QObject):
    """Counts the events of some types that reach the widgets it watches, per widget."""

    def __init__(self, types: tuple[QEvent.Type, ...]) -> None:
        super().__init__()
        self.types = types
        self.vus: list[tuple[str, QEvent.Type]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.types:
            self.vus.append((watched.objectName(), event.type()))
        return False


def test_from_a_document_to_the_next_the_tool_bar_stays_as_it_is(
    qtbot: QtBot, viewer: DocumentViewer, tmp_path: Path
) -> None:
    """A document like the one before (as many pages, the same zoom) neither lays the tool bar
    out again nor repaints its page number: that work came before the page on screen."""
    chemins = []
    for nom, pages in (("a.pdf", 1), ("b.pdf", 1), ("c.pdf", 3)):
        chemins.append(tmp_path / nom)
        chemins[-1].write_bytes(pdf_bytes(nom, pages=pages))
    afficher(qtbot, viewer, document(chemins[0]))
    qtbot.wait(50)
    compteur = _Compteur((QEvent.Type.LayoutRequest, QEvent.Type.Paint))
    for widget in (viewer.toolbar, viewer.numero_page, viewer):
        widget.installEventFilter(compteur)
    afficher(qtbot, viewer, document(chemins[1], cle="2"))
    qtbot.wait(50)
    assert ("barreVisionneuse", QEvent.Type.LayoutRequest) not in compteur.vus
    assert ("documentViewer", QEvent.Type.LayoutRequest) not in compteur.vus
    assert ("numeroPage", QEvent.Type.Paint) not in compteur.vus
    afficher(qtbot, viewer, document(chemins[2], cle="3"))  # three pages: the box says so
    qtbot.wait(50)
    assert ("numeroPage", QEvent.Type.Paint) in compteur.vus
    assert viewer.numero_page.maximum() == 3 and viewer.numero_page.isEnabled()


def test_from_a_document_to_the_next_the_actions_do_not_flicker(
    qtbot: QtBot, viewer: DocumentViewer, tmp_path: Path
) -> None:
    """A document that opens at once leaves the actions as they were while it opens: each
    one disabled and enabled again repaints the tool bar and the menus. A slow one disables
    them while it says it is opening."""
    chemins = []
    for nom, pages in (("a.pdf", 1), ("b.pdf", 1), ("c.pdf", 2), ("d.pdf", 1)):
        chemins.append(tmp_path / nom)
        chemins[-1].write_bytes(pdf_bytes(nom, pages=pages))
    afficher(qtbot, viewer, document(chemins[0]))
    changements: list[tuple[str, bool]] = []
    for action in viewer._navigation:
        action.changed.connect(lambda a=action: changements.append((a.text(), a.isEnabled())))
    afficher(qtbot, viewer, document(chemins[1], cle="2"))
    assert changements == [] and viewer.action_zoom_plus.isEnabled()
    afficher(qtbot, viewer, document(chemins[2], cle="3"))  # two pages: only « suivante » moves
    assert changements == [("Page suivante", True)]
    viewer.afficher(document(chemins[3], cle="4"))
    assert viewer.ouvert is None and viewer.action_zoom_plus.isEnabled()
    viewer._ouverture_lente()  # as if it were slow to open
    assert not viewer.action_zoom_plus.isEnabled() and "Ouverture" in viewer.message.text()
    qtbot.waitUntil(lambda: montre(viewer))
    assert viewer.action_zoom_plus.isEnabled()


def test_a_photo_a_little_larger_than_asked_is_scaled_on_the_gui_side(qapp: object) -> None:
    """libjpeg decodes at 1/1, 1/2, 1/4 or 1/8 only: what is left to shrink crosses as it is
    when the photo is screen-sized, and the GUI process scales it (an area average, like the
    worker's); a large one is scaled in the worker, and fewer bytes cross."""
    from desktop_app.documents import jpeg
    from desktop_app.documents.pixels import A_REDUIRE_PAR_L_ECRAN_MAX
    from desktop_app.viewer.source import vers_qimage

    photo = jpeg.rendre(jpeg_bytes((1400, 1050), "#3366aa"), 702 / 1400)
    assert (photo.largeur, photo.hauteur) == (1400, 1050)  # a half would be under 702
    assert photo.reduire_a == (702, 526)
    image = vers_qimage(photo)
    assert image.size().toTuple() == (702, 526)
    assert image.format() == QImage.Format.Format_RGB32
    couleur = image.pixelColor(351, 263)
    assert (couleur.red(), couleur.green(), couleur.blue()) == pytest.approx((51, 102, 170), abs=3)

    grande = jpeg.rendre(jpeg_bytes((3000, 2000)), 0.9)
    assert A_REDUIRE_PAR_L_ECRAN_MAX < 3000 * 2000 * 4
    assert grande.reduire_a is None and (grande.largeur, grande.hauteur) == (2700, 1800)
    ecran = vers_qimage(grande)
    assert ecran.size().toTuple() == (2700, 1800)
    # Qt's screen format wants its padding byte at 255; Pillow's resizing leaves it at 0.
    assert grande.format == "rgbx" and grande.data[3] == 0
    for faite in (image, ecran):
        assert faite.format() == QImage.Format.Format_RGB32
        assert set(bytes(faite.constBits())[3 :: 4 * 97]) == {255}


def test_a_page_is_converted_into_memory_its_channel_prepared_while_idle(qapp: object) -> None:
    """Fresh memory costs a page as much as its conversion: after a large page, its channel
    prepares an image of that size while it waits, and the next page of that size is written
    into it, with the same pixels as a conversion into fresh memory. Never while a request
    waits; never for a photo's padded pixels, whose padding a copy would keep."""
    from desktop_app.documents.pixels import Pixels
    from desktop_app.viewer.source import Canal, vers_qimage

    rng = random.Random(7)
    canal = Canal("canalEssai")  # not started: its steps are called here
    pages = [
        Pixels(600, 850, 600 * n, fmt, rng.randbytes(600 * 850 * n), 1.0)
        for fmt, n in (("rgb", 3), ("gris", 1), ("rgb", 3))
    ]
    premiere = canal._qimage(pages[0], None)
    assert canal._reserve is None
    canal._preparer_reserve()
    reserve = canal._reserve
    assert reserve is not None and reserve.size().toTuple() == (600, 850)
    for page in pages[1:]:
        image = canal._qimage(page, None)
        assert image is reserve and canal._reserve is None
        assert image == vers_qimage(page) and image.format() == QImage.Format.Format_RGB32
        canal._preparer_reserve()
        assert canal._reserve is not None and canal._reserve is not image
        reserve = canal._reserve
    assert premiere == vers_qimage(pages[0])

    autre_taille = Pixels(500, 850, 1500, "rgb", bytes(1500 * 850), 1.0)
    assert vers_qimage(autre_taille, None, reserve) is not reserve
    photo = Pixels(600, 850, 2400, "rgbx", bytes(2400 * 850), 1.0)
    assert vers_qimage(photo, None, reserve) is not reserve

    canal._reserve = None
    canal.soumettre(object(), 0)  # type: ignore[arg-type]  # any request
    canal._preparer_reserve()
    assert canal._reserve is None  # the request first


def test_a_photo_between_two_pages_leaves_their_memory_prepared(qapp: object) -> None:
    """A photo is shrunk and converted in place, never written into the prepared memory: it
    does not change the size prepared next. The document's pages alternate with photos (the
    next pièce's, prefetched, or a dossier's ID photo), and each photo made the next page
    miss its memory: a conversion into fresh memory then, 2.4 ms against 0.7 at ×2
    (bench_viewer)."""
    from desktop_app.documents.pixels import Pixels
    from desktop_app.viewer.source import Canal

    canal = Canal("canalEssai")  # not started: its steps are called here
    page = Pixels(600, 850, 1800, "rgb", bytes(1800 * 850), 1.0)
    photo = Pixels(1400, 1050, 5600, "rgbx", bytes(5600 * 1050), 1.0, reduire_a=(700, 525))
    canal._qimage(page, None)
    canal._qimage(photo, None)
    canal._preparer_reserve()
    reserve = canal._reserve
    assert reserve is not None and reserve.size().toTuple() == (600, 850)
    assert canal._qimage(page, None) is reserve
