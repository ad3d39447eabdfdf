"""Names and birth dates found in an attestation's words: labelled or in a sentence, the
signatory never taken for the holder; then end to end, by OCR on generated attestations
scanned at 200 dpi, and from the text layer of a PDF."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pymupdf
import pytest

from desktop_app.documents.lecture import texte
from desktop_app.documents.lecture.document import OCR, TEXTE_PDF, lire_document
from desktop_app.services.lecture import Identite, _jetons, comparer
from tests.specimens import attestations, texte_attestation


def _lignes(*phrases: str) -> list[list[texte.Mot]]:
    """Words on lines, each word its own box (one line a row, words side by side)."""
    lignes = []
    for y, phrase in enumerate(phrases):
        mots = phrase.split()
        lignes.append([texte.Mot(m, (x / 20, y / 40, (x + 1) / 20, (y + 1) / 40), 0.9)
                       for x, m in enumerate(mots)])  # fmt: skip
    return lignes


def _trouve(*phrases: str) -> dict[str, str]:
    return {t.champ: t.valeur for t in texte.identite_dans(_lignes(*phrases))}


@pytest.mark.parametrize(
    ("phrases", "attendu"),
    [
        (
            ("Nom : DUPONT", "Prénom(s) : Jean, Pierre", "Né(e) le : 12/03/2004 à Lyon (69)"),
            {"nom": "DUPONT", "prenoms": "Jean Pierre", "naissance": "2004-03-12"},
        ),
        (
            (
                "Nom de naissance : DE LA FONTAINE",
                "Nom d'usage : MARTIN",
                "Prénoms : Léa",
                "Date de naissance : 01.02.2006",
            ),
            {
                "nom": "DE LA FONTAINE",
                "nom_usage": "MARTIN",
                "prenoms": "Léa",
                "naissance": "2006-02-01",
            },
        ),
        # Two labels on one line: each value stops before the next label.
        (
            ("NOM : N'DIAYE Prénom : Aïcha", "Date de naissance : 29/02/2008"),
            {"nom": "N'DIAYE", "prenoms": "Aïcha", "naissance": "2008-02-29"},
        ),
        # An empty « Nom d'usage » takes nothing from the next line.
        (("Nom d'usage :", "Prénoms : Jules"), {"prenoms": "Jules"}),
        # A sentence: the signatory is named without a birth date, the holder with one.
        (
            (
                "Je soussignée Claire FONTAINE, directrice, atteste que Monsieur Jean-Baptiste",
                "SAINT-CLAIR, né le 1er mars 2001 à Lyon, est employé depuis le 02/09/2022.",
            ),
            {"nom": "SAINT-CLAIR", "prenoms": "Jean-Baptiste", "naissance": "2001-03-01"},
        ),
        (
            ("certifie avoir examiné ce jour Mme MARTIN Chloé Inès, née le 3 avril 2005,",),
            {"nom": "MARTIN", "prenoms": "Chloé Inès", "naissance": "2005-04-03"},
        ),
        # Nothing tells the surname from the prénoms: the date only.
        (("atteste que Madame Claire Martin, née le 03/04/2005",), {"naissance": "2005-04-03"}),
        # A sentence without a birth date names nobody we can take.
        (("Je soussigné Paul LEROY atteste que Monsieur Jean DUPONT est employé.",), {}),
        # Not a date: nothing.
        (("Date de naissance : 31/02/2004",), {}),
        (("Fait à Lyon, le 12/09/2025", "Le chef du centre"), {}),
    ],
)
def test_identity_in_words(phrases: tuple[str, ...], attendu: dict[str, str]) -> None:
    assert _trouve(*phrases) == attendu


def test_a_value_has_its_own_words_box_and_confidence() -> None:
    lignes = _lignes("xx", "Mme MARTIN Chloé, née le 03/04/2005")
    lignes[1][2] = texte.Mot("Chloé,", lignes[1][2].boite, 0.3)  # a doubtful prénom
    trouves = {t.champ: t for t in texte.identite_dans(lignes)}
    assert trouves["nom"].confiance == 0.9  # not lowered by the prénom beside it
    assert trouves["prenoms"].confiance == 0.3
    assert trouves["nom"].boite == (1 / 20, 1 / 40, 2 / 20, 2 / 40)
    assert trouves["naissance"].boite == (5 / 20, 1 / 40, 6 / 20, 2 / 40)


def test_an_mrz_is_told_from_a_title_in_capitals() -> None:
    assert texte.ressemble_mrz(_lignes("IDFRADURAND<<<<<<<<<<<<<<<<<<<<<", "x"))
    assert texte.ressemble_mrz(_lignes("8806923102858NICOLAS<<ROBERT 6512068M4"))
    assert not texte.ressemble_mrz(_lignes("CERTIFICAT INDIVIDUEL DE PARTICIPATION À LA"))
    assert not texte.ressemble_mrz(_lignes("Fait à Lyon le 12/09/2025 pour servir et valoir"))
    # An address in capitals with its postcode: print, not an MRZ (the demo's confirmations).
    assert not texte.ressemble_mrz(_lignes("63033 CLERMONT-FERRAND CEDEX 1"))


def _identite(s) -> Identite:  # type: ignore[no-untyped-def]
    return Identite(s.nom, "", ", ".join(s.prenoms), s.naissance)


def test_attestations_read_by_ocr(tmp_path: Path) -> None:
    """Eight attestations (each model twice) scanned at 200 dpi and saved as JPEGs: the
    holder found in at least seven, never a value that would raise a false avertissement,
    never an MRZ said to be there."""
    jour = dt.date(2027, 6, 1)
    trouves = 0
    for i, s in enumerate(attestations(8, 200, "scan", graine=11)):
        chemin = tmp_path / f"{i}.jpg"
        s.image.save(chemin, "JPEG", quality=85)
        lu = lire_document(chemin, "jpeg")
        assert not comparer(lu, _identite(s.identite), jour), lu
        assert not lu.mrz_illisible and not lu.constats, lu
        valeurs = {v.champ: v for v in lu.valeurs}
        assert all(v.source == OCR and v.boite is not None for v in lu.valeurs)
        trouves += (
            "nom" in valeurs and _jetons(valeurs["nom"].valeur) == _jetons(s.identite.nom)
            and valeurs.get("naissance") is not None
            and valeurs["naissance"].valeur == s.identite.naissance.isoformat()
        )  # fmt: skip
    assert trouves >= 7


def test_names_from_a_pdf_text_layer(tmp_path: Path) -> None:
    rng = random.Random(3)
    s = attestations(1, 200, "net", graine=3)[0]
    doc = pymupdf.open()
    page = doc.new_page()
    for n, ligne in enumerate(texte_attestation(s.identite, 3, rng)):
        page.insert_text((60, 80 + 16 * n), ligne, fontsize=11)
    chemin = tmp_path / "recensement.pdf"
    doc.save(chemin)
    lu = lire_document(chemin, "pdf")
    valeurs = {v.champ: v for v in lu.valeurs}
    assert valeurs["nom"].valeur == s.identite.nom and valeurs["nom"].source == TEXTE_PDF
    assert valeurs["naissance"].valeur == s.identite.naissance.isoformat()
    x0, y0, x1, y1 = valeurs["nom"].boite  # type: ignore[misc]
    assert 0 < x0 < x1 < 1 and 0 < y0 < y1 < 0.5


def test_ocr_unavailable_is_said_once_per_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pymupdf

    from desktop_app.documents.lecture.document import lire_document

    def indisponible(_redresse: object) -> list[list[texte.Mot]]:
        raise texte.OcrIndisponible("modèle français absent")

    monkeypatch.setattr(texte, "lignes_ocr", indisponible)
    doc = pymupdf.open()
    for _ in range(3):  # three scanned pages: no text layer, an OCR wanted on each
        doc.new_page().draw_rect(pymupdf.Rect(50, 50, 300, 120), fill=(0.2, 0.2, 0.2))
    chemin = tmp_path / "scan.pdf"
    doc.save(chemin)
    lu = lire_document(chemin, "pdf")
    assert lu.constats == ("Reconnaissance du texte indisponible : modèle français absent.",)
