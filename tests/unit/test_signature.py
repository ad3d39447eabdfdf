"""Signed and dated confirmations, measured as a classifier on generated pages read end to end
(OCR on scans and photos, the text layer on the demo's PDFs): a missing signature or date is an
écart with its catalogue reason; a récapitulatif validated online is never flagged."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from desktop_app.documents.lecture.document import lire_document
from desktop_app.services.lecture import MOTIF_NON_DATE, MOTIF_NON_SIGNE, Identite, comparer
from tests.specimens import (
    confirmation,
    en_jpeg,
    identite_au_hasard,
    numeriser,
    photographier,
)

CAS = [(True, True), (False, True), (True, False), (False, False)] * 3  # signed, dated


@pytest.fixture(scope="module")
def lus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[bool, bool, object]]:
    rng = random.Random(31)
    dossier = tmp_path_factory.mktemp("confirmations")
    resultat = []
    for k, (signee, datee) in enumerate(CAS):
        page = confirmation(identite_au_hasard(rng), 200, rng, signee=signee, datee=datee)
        image = photographier(page, rng, 200) if k % 3 == 0 else numeriser(page, rng, 200)
        chemin = dossier / f"c{k}.jpg"
        chemin.write_bytes(en_jpeg(image))
        resultat.append((signee, datee, lire_document(chemin, "jpeg")))
    return resultat


def test_signature_and_date_found_or_missed(lus: list[tuple[bool, bool, object]]) -> None:
    for signee, datee, lu in lus:
        signature, date = lu.premiere("signature"), lu.premiere("date_signature")  # type: ignore[attr-defined]
        assert signature is not None and date is not None
        assert (signature.valeur == "présente") == signee
        assert (date.valeur == "présente") == datee
        assert signature.source == "OCR" and signature.boite is not None


def test_missing_ones_are_ecarts_with_their_reason(lus: list[tuple[bool, bool, object]]) -> None:
    identite = Identite("X", "", "Y", None)
    for signee, datee, lu in lus:
        motifs = {e.motif for e in comparer(lu, identite, dt.date(2024, 6, 1))}  # type: ignore[arg-type]
        assert (MOTIF_NON_SIGNE in motifs) == (not signee)
        assert (MOTIF_NON_DATE in motifs) == (not datee)


def test_validated_online_is_never_flagged(tmp_path: Path) -> None:
    rng = random.Random(32)
    for k in range(3):
        page = confirmation(identite_au_hasard(rng), 200, rng, en_ligne=True)
        chemin = tmp_path / f"e{k}.jpg"
        chemin.write_bytes(en_jpeg(numeriser(page, rng, 200)))
        lu = lire_document(chemin, "jpeg")
        assert [v.valeur for v in lu.valeurs if v.champ == "signature"] == ["validée en ligne"]
        assert not lu.premiere("date_signature")
        assert not comparer(lu, Identite("X", "", "Y", None), dt.date(2024, 6, 1))


def test_the_demo_confirmations_read_from_their_text_layer(paquet_demo: Path) -> None:
    signees = sorted(paquet_demo.rglob("confirmation.pdf"))[:2]
    non_signees = sorted(paquet_demo.rglob("confirmation_non_signee.pdf"))[:2]
    assert signees and non_signees
    for chemin in signees + non_signees:
        lu = lire_document(chemin, "pdf")
        attendu = "présente" if chemin.name == "confirmation.pdf" else "absente"
        assert [(v.champ, v.valeur, v.source) for v in lu.valeurs
                if v.champ in ("signature", "date_signature")] == [
            ("signature", attendu, "texte du PDF"), ("date_signature", attendu, "texte du PDF")
        ]  # fmt: skip


def test_corrections_in_another_colour_than_red_are_said_as_information(tmp_path: Path) -> None:
    """The seeds ask for corrections in red: a blue or green pen over the candidate's lines
    is said (information, not an écart); red, or none, is not."""
    from desktop_app.documents.lecture.document import ANNOTATIONS_COULEUR

    rng = random.Random(33)
    for k, (encre, dit) in enumerate([((25, 40, 140), True), ((30, 130, 60), True),
                                      ((200, 30, 30), False), (None, False)] * 2):  # fmt: skip
        page = confirmation(identite_au_hasard(rng), 200, rng, corrections=encre)
        chemin = tmp_path / f"r{k}.jpg"
        chemin.write_bytes(en_jpeg(numeriser(page, rng, 200)))
        lu = lire_document(chemin, "jpeg")
        assert (ANNOTATIONS_COULEUR in lu.constats) == dit, (k, encre)
        assert not any(e.champ == "annotations" for e in comparer(
            lu, Identite("X", "", "Y", None), dt.date(2024, 6, 1)))  # fmt: skip


def test_a_photo_turned_by_its_exif_is_read_upright_in_grey_and_in_colour(tmp_path: Path) -> None:
    """A phone stores its photo sideways and says so in EXIF (orientation 6): the page read
    in grey (its luminance alone decoded) and its colours (decoded only for the corrections)
    are both turned upright, so that the corrections are found where the words say."""
    import io

    from PIL import Image

    from desktop_app.documents.lecture.document import ANNOTATIONS_COULEUR

    rng = random.Random(34)
    page = confirmation(identite_au_hasard(rng), 200, rng, corrections=(25, 40, 140))
    couchee = numeriser(page, rng, 200).convert("RGB").transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter clockwise
    tampon = io.BytesIO()
    couchee.save(tampon, "JPEG", quality=85, exif=exif)
    chemin = tmp_path / "couchee.jpg"
    chemin.write_bytes(tampon.getvalue())
    lu = lire_document(chemin, "jpeg")
    signature = lu.premiere("signature")
    assert signature is not None and signature.valeur == "présente"
    assert ANNOTATIONS_COULEUR in lu.constats
