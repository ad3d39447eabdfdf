from __future__ import annotations

import io

import pytest

from desktop_app.documents.formats import sniff
from desktop_app.documents.inspection import inspect_bytes, taille_en_mo
from tests.conftest import CORPUS, corpus_manifest
from tests.helpers import jpeg_bytes, pdf_bytes, png_bytes

RECEVABLES = {
    "ok_pdf",
    "ok_jpeg",
    "pdf_with_js",
    "pdf_with_launch",
    "pdf_with_attachment",
    "repairable",
}
MANIFEST = corpus_manifest()


@pytest.mark.skipif(not MANIFEST, reason="../shared/corpus-dev absent")
@pytest.mark.parametrize("entry", MANIFEST, ids=[e["name"] for e in MANIFEST])
def test_real_world_corpus_is_classified_as_its_manifest_says(entry: dict[str, str]) -> None:
    data = (CORPUS / entry["name"]).read_bytes()
    result = inspect_bytes(data)
    assert result.recevable is (entry["kind"] in RECEVABLES), result.reasons
    assert result.size == int(entry["bytes"])
    if entry["kind"] == "wrong_format":
        notes = entry["notes"]
        # Two HEIF photos name their brand instead of a "real format".
        real = (
            notes.split("real format ")[1].split()[0].strip(".;,")
            if "real format " in notes
            else "heic"
        )
        assert result.format == real
        assert result.reasons and "seuls les fichiers PDF ou JPEG" in result.reasons[0]
    if entry["kind"] == "encrypted":
        assert result.reasons == ["PDF protégé par un mot de passe."]
    if not result.recevable:
        assert all(reason.endswith(".") for reason in result.reasons)
    warnings = {f.code for f in result.findings if f.level == "avertissement"}
    expected = AVERTISSEMENTS.get(entry["kind"])
    if expected:
        assert expected in warnings, result.findings
    if "orient" in entry["name"]:
        assert "rotation_exif" in warnings
    if entry["kind"] == "ok_pdf":  # plain documents: nothing to warn about
        assert not warnings, result.findings
    if result.recevable:
        assert any(f.level == "info" for f in result.findings)  # pages or dimensions at least


AVERTISSEMENTS = {
    "pdf_with_js": "javascript",
    "pdf_with_launch": "lancement",
    "pdf_with_attachment": "piece_jointe",
    "repairable": "repare",
}


def test_size_is_decided_before_any_parser_sees_the_bytes() -> None:
    # Garbage behind a PDF header: a parser would call it unreadable; the size alone refuses it.
    data = b"%PDF-1.7\n" + b"\x00" * (5 * 1024 * 1024)
    result = inspect_bytes(data)
    assert [f.code for f in result.findings] == ["taille"]
    assert result.reasons == ["Le fichier fait plus de 5 Mo : il ne doit pas excéder 5 Mo."]


def test_limit_is_a_setting_and_said_in_mo() -> None:
    data = pdf_bytes()
    assert inspect_bytes(data).recevable
    refused = inspect_bytes(data, taille_max=100)
    assert len(data) < 1024
    assert refused.reasons == [
        f"Le fichier fait {len(data)} octets : il ne doit pas excéder 100 octets."
    ]
    assert taille_en_mo(5 * 1024 * 1024) == "5 Mo"
    assert taille_en_mo(int(6.2 * 1024 * 1024)) == "6,2 Mo"
    assert taille_en_mo(300 * 1024) == "300 Ko"


def test_empty_and_unknown_files() -> None:
    assert inspect_bytes(b"").reasons == ["Le fichier est vide."]
    unknown = inspect_bytes(bytes(range(256)) * 4)
    assert unknown.format is None
    assert "non reconnu" in unknown.reasons[0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pdf_bytes(), "pdf"),
        (jpeg_bytes(), "jpeg"),
        (png_bytes(), "png"),
        (b"GIF89a" + b"\x00" * 20, "gif"),
        (b"II*\x00" + b"\x00" * 20, "tiff"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "heic"),
        (b"MZ\x90\x00" + b"\x00" * 60, "exe"),
        (b"<!DOCTYPE html><html></html>", "html"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "office"),
        (b"", None),
    ],
)
def test_sniff_tells_the_format_from_the_bytes(data: bytes, expected: str | None) -> None:
    assert sniff(data) == expected


def test_truncated_files_are_refused() -> None:
    pdf = pdf_bytes()
    assert inspect_bytes(pdf[: len(pdf) // 2]).reasons == ["PDF incomplet (fichier tronqué)."]
    jpeg = jpeg_bytes((1200, 900), "navy")
    result = inspect_bytes(jpeg[: len(jpeg) // 2])
    assert not result.recevable


def test_jpeg_pixel_bomb_header_is_refused() -> None:
    # A baseline JPEG header declaring 65,535 x 65,535 pixels.
    jpeg = bytearray(jpeg_bytes((8, 8)))
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5 : sof + 9] = b"\xff\xff\xff\xff"
    result = inspect_bytes(bytes(jpeg))
    assert not result.recevable
    assert result.reasons == ["Image JPEG aux dimensions démesurées : refusée."]


def codes(data: bytes) -> dict[str, str]:
    return {f.code: f.message for f in inspect_bytes(data).findings}


def test_pdf_facts_and_warnings() -> None:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page(width=595, height=842).insert_text((72, 72), "Relevé de notes")
    doc.new_page(width=595, height=842)  # nothing on it
    doc.set_metadata({"producer": "Scanner du lycée", "creationDate": "D:20241003145642+02'00'"})
    found = codes(doc.tobytes())
    assert found["pages"] == "2 pages."
    assert found["format_page"] == "Format A4."
    assert found["producteur"] == "Produit par : Scanner du lycée."
    assert found["dates"] == "Créé le 03/10/2024 à 14:56."
    assert found["page_blanche"] == "La page 2 est blanche."
    assert "pages_nombreuses" not in found

    many = codes(pdf_bytes(pages=25))
    assert many["pages_nombreuses"].startswith("25 pages : bien plus")
    assert "page_blanche" not in many


def test_pdf_active_content_is_named() -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Attestation")
    page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 60, 200, 80),
                      "uri": "https://exemple.invalid/"})  # fmt: skip
    widget = pymupdf.Widget()
    widget.field_name = "nom"
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.rect = pymupdf.Rect(72, 100, 300, 120)
    page.add_widget(widget)
    doc.embfile_add("pièce.txt", b"contenu")
    found = codes(doc.tobytes())
    assert "liens vers internet" in found["lien"]
    assert found["formulaire"].startswith("Contient un formulaire à remplir (1 champ)")
    assert found["piece_jointe"].startswith("Contient 1 fichier joint")


def _javascript_cache() -> dict[str, bytes]:
    """Active content whose names a search of the file's bytes cannot see."""
    import pymupdf

    from tests.corpus_mutant import _pdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Attestation")
    action = doc.get_new_xref()
    doc.update_object(action, "<< /S /JavaScript /JS (app.alert(1)) >>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{action} 0 R")
    flux_d_objets = doc.tobytes(use_objstms=1, deflate=True, garbage=1)
    assert b"/JavaScript" not in flux_d_objets and b"/JS" not in flux_d_objets
    echappe = _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /S /Java#53cript /J#53 (app.alert(1)) >>",
        ]
    )
    return {
        "flux d'objets": flux_d_objets,
        # MuPDF reads a compressed object from any stream the cross-reference stream names.
        "flux d'objets sans son type": flux_d_objets.replace(b"/ObjStm", b"/ObjXtm"),
        "nom échappé": echappe,
    }


def test_a_pdf_whose_bytes_name_no_active_content_has_none() -> None:
    """The search of a PDF's bytes spares most files the reading of every object for active
    content. It never hides any: on every real, mutated and crafted PDF where it finds nothing,
    reading every object finds nothing either; and where a name cannot be seen in the bytes,
    the objects are read."""
    from desktop_app.documents import pdf
    from tests.corpus_mutant import mutants_pdf

    fichiers = dict(mutants_pdf())
    if CORPUS.is_dir():
        fichiers.update((p.name, p.read_bytes()) for p in CORPUS.glob("*.pdf"))
    epargnes = 0
    for nom, data in fichiers.items():
        try:
            doc = pdf.ouvrir(data)
        except pdf.PdfIllisible:
            continue
        with doc:
            if not pdf._PEUT_ETRE_ACTIF.search(data):
                epargnes += 1
                assert pdf._contenu_actif(doc) == [], nom
    assert epargnes >= 300  # the search does spare files: most mutants, half the real ones
    for nom, data in _javascript_cache().items():
        assert "javascript" in codes(data), nom


def test_jpeg_warnings_and_facts() -> None:
    from PIL import Image, ImageDraw

    photo = Image.new("RGB", (1600, 1200), "white")
    ImageDraw.Draw(photo).rectangle((100, 100, 900, 700), fill="navy")
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    photo.save(out, "JPEG", exif=exif.tobytes())
    found = codes(out.getvalue())
    assert "rotation_exif" in found
    assert found["dimensions"] == "1200 × 1600 pixels."  # as displayed, upright
    assert "basse_resolution" not in found and "page_blanche" not in found

    tiny = codes(jpeg_bytes((320, 240), "white"))
    assert tiny["basse_resolution"].startswith("Très faible résolution (320 × 240 pixels)")
    assert "page_blanche" in tiny

    cmyk = io.BytesIO()
    Image.new("CMYK", (900, 700), (0, 50, 100, 0)).save(cmyk, "JPEG", progressive=True)
    found = codes(cmyk.getvalue())
    assert "cmjn" in found and inspect_bytes(cmyk.getvalue()).recevable


def test_a_file_over_the_limit_can_be_analysed_on_request_and_stays_refused() -> None:
    data = pdf_bytes()
    result = inspect_bytes(data, taille_max=100, malgre_la_taille=True)
    assert not result.recevable and result.refuse_pour_sa_taille_seule
    assert {f.code for f in result.findings} >= {"taille", "pages"}
    assert [f.code for f in inspect_bytes(data, taille_max=100).findings] == ["taille"]
