"""A page's pixels cross from the worker to the GUI by shared memory when they fit, else in
the answer, and both ways give the same pixels."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from multiprocessing import shared_memory
from pathlib import Path

import pymupdf
import pytest
from PIL import Image

from desktop_app.documents import rendu
from desktop_app.documents.inspection import FORMATS_DEFAUT
from desktop_app.documents.rendu import Rendu, RenduPage, oublier_tout

TAILLE_MAX = 5 * 1024 * 1024


@pytest.fixture
def blocs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[shared_memory.SharedMemory]]:
    """Shared memory blocks made by the test, closed and removed after it (with the worker
    side's handles on them)."""
    faits: list[shared_memory.SharedMemory] = []
    ouverts: dict[str, shared_memory.SharedMemory] = {}
    monkeypatch.setattr(rendu, "_TAMPONS", ouverts)
    yield faits
    oublier_tout()
    for bloc in [*ouverts.values(), *faits]:
        bloc.close()
    for bloc in faits:
        bloc.unlink()


def _pdf(chemin: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 100), "Attestation de recensement", fontsize=18)
    page.draw_rect(pymupdf.Rect(72, 200, 300, 320), color=(0.8, 0.1, 0.1), fill=(0.2, 0.4, 0.9))
    doc.save(chemin)
    return chemin


def _jpeg(chemin: Path) -> Path:
    tampon = io.BytesIO()
    Image.new("RGB", (640, 480), "#3366aa").save(tampon, "JPEG", quality=90)
    chemin.write_bytes(tampon.getvalue())
    return chemin


def _rendre(chemin: Path, tampon: str = "") -> Rendu:
    page = RenduPage("page", str(chemin), TAILLE_MAX, FORMATS_DEFAUT, 0, 1.5, tampon=tampon)
    return page.traiter()


@pytest.mark.parametrize("fabriquer", [_pdf, _jpeg], ids=["pdf", "jpeg"])
def test_a_page_crosses_by_shared_memory_when_it_fits_else_in_the_answer(
    tmp_path: Path, blocs: list[shared_memory.SharedMemory], fabriquer: Callable[[Path], Path]
) -> None:
    chemin = fabriquer(tmp_path / "piece")
    par_la_reponse = _rendre(chemin).pixels
    assert par_la_reponse is not None and not par_la_reponse.dans_tampon
    attendu = bytes(par_la_reponse.data)
    assert len(attendu) == par_la_reponse.octets and attendu.strip(b"\xff")  # drawn, not blank

    grand = shared_memory.SharedMemory(create=True, size=par_la_reponse.octets + 4096)
    blocs.append(grand)
    assert grand.buf is not None
    grand.buf[:] = b"\x00" * grand.size
    depose = _rendre(chemin, grand.name).pixels
    assert depose is not None and depose.dans_tampon and depose.data == b""
    assert (depose.largeur, depose.hauteur, depose.stride, depose.format) == (
        par_la_reponse.largeur, par_la_reponse.hauteur, par_la_reponse.stride,
        par_la_reponse.format,
    )  # fmt: skip
    assert bytes(grand.buf[: depose.octets]) == attendu

    petit = shared_memory.SharedMemory(create=True, size=par_la_reponse.octets // 2)
    blocs.append(petit)
    trop_grand = _rendre(chemin, petit.name).pixels
    assert trop_grand is not None and not trop_grand.dans_tampon
    assert bytes(trop_grand.data) == attendu


def test_a_page_goes_by_the_answer_when_its_block_is_gone(
    tmp_path: Path, blocs: list[shared_memory.SharedMemory]
) -> None:
    pixels = _rendre(_pdf(tmp_path / "piece.pdf"), "controle-pj-bloc-absent").pixels
    assert pixels is not None and not pixels.dans_tampon and pixels.data
