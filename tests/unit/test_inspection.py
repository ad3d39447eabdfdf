from __future__ import annotations

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
