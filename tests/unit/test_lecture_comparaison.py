"""What the document says, compared with the candidature: names (accents, case, spaces and
hyphens ignored; OCR slips tolerated, a verified MRZ exact, an MRZ's shortened names), birth
date, and validity at the session (the old CNI's 5 more years for adults since 2004)."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.documents.lecture.document import DEUXDDOC, MRZ, OCR, TRONQUE, Lu, Valeur
from desktop_app.services.lecture import (
    MOTIF_EXPIRE,
    MOTIF_NAISSANCE,
    MOTIF_NOM,
    Identite,
    comparer,
    memes_noms,
)

SESSION = dt.date(2026, 6, 1)
LEA = Identite("LE GOFF", "", "Léa, Anne-Sophie", dt.date(2004, 2, 29))


def lu(*valeurs: tuple[str, str], source: str = MRZ, detail: str = "carte (TD1)") -> Lu:
    return Lu(tuple(Valeur(champ, valeur, source, 0.99, detail=detail)
                    for champ, valeur in valeurs))  # fmt: skip


@pytest.mark.parametrize(
    ("lu_", "attendu", "source", "abrege", "meme"),
    [
        ("LE GOFF", "Le Goff", MRZ, False, True),
        ("LEGOFF", "Le-Goff", MRZ, False, True),
        ("N DIAYE", "N'Diaye", MRZ, False, True),
        ("BENAISSA", "Benaïssa", DEUXDDOC, False, True),
        ("LEGOF", "LE GOFF", MRZ, False, False),  # a verified source is exact
        ("LEGOF", "LE GOFF", OCR, False, False),  # tokens differ in number: not tolerated
        ("GARCIE", "GARCIA", OCR, False, True),  # OCR: one slip in a 6-letter token
        ("GARXXX", "GARCIA", OCR, False, False),  # three slips
        ("DUPON", "DUPONT", OCR, False, True),
        ("LI", "LY", OCR, False, False),  # under 4 letters: exact even from OCR
        ("DE LA FONTAINE", "DE LA FONTAINE DE BEAUVAIS", MRZ, True, True),  # shortened
        ("DE LA FONTAINE", "DE LA FONTAINE DE BEAUVAIS", MRZ, False, False),
        ("", "MARTIN", MRZ, False, True),  # nothing read: no alarm
    ],
)
def test_names(lu_: str, attendu: str, source: str, abrege: bool, meme: bool) -> None:
    assert memes_noms(lu_, attendu, source, abrege) is meme


def test_matching_document_has_no_difference() -> None:
    document = lu(("nom", "LE GOFF"), ("prenoms", "LEA ANNE SOPHIE"),
                  ("naissance", "2004-02-29"), ("expiration", "2031-01-01"))  # fmt: skip
    assert comparer(document, LEA, SESSION) == []


def test_usage_name_is_accepted() -> None:
    marie = Identite("DURAND", "MARTIN", "Marie", dt.date(1980, 5, 1))
    assert comparer(lu(("nom", "MARTIN")), marie, SESSION) == []
    ecarts = comparer(lu(("nom", "PETIT")), marie, SESSION)
    assert [(e.champ, e.lu, e.attendu, e.motif) for e in ecarts] == [
        ("nom", "PETIT", "DURAND / MARTIN", MOTIF_NOM)
    ]


def test_first_prenom_and_birth_date_differences() -> None:
    ecarts = comparer(lu(("prenoms", "ZOE"), ("naissance", "2004-03-01")), LEA, SESSION)
    assert [(e.champ, e.motif) for e in ecarts] == [
        ("prenoms", MOTIF_NOM), ("naissance", MOTIF_NAISSANCE)
    ]  # fmt: skip
    naissance = ecarts[1]
    assert (naissance.lu, naissance.attendu) == ("01/03/2004", "29/02/2004")


def test_shortened_first_prenom_of_a_full_mrz_zone() -> None:
    """A zone of names filled to its end may have cut the only prénom it holds; a second
    prénom begun means the first was whole."""
    annemarie = Identite("VAN DER BERGHE DE LA TOUR", "", "Annemarie", dt.date(2004, 2, 29))
    coupe = lu(("prenoms", "ANNEMA"), detail="carte (TD1)" + TRONQUE)
    assert comparer(coupe, annemarie, SESSION) == []
    entier = lu(("prenoms", "ANNE M"), detail="carte (TD1)" + TRONQUE)
    assert [e.champ for e in comparer(entier, annemarie, SESSION)] == ["prenoms"]
    pas_plein = lu(("prenoms", "ANNEMA"))
    assert [e.champ for e in comparer(pas_plein, annemarie, SESSION)] == ["prenoms"]


@pytest.mark.parametrize(
    ("valeurs", "naissance", "expire"),
    [
        ((("expiration", "2026-05-31"),), dt.date(2000, 1, 1), True),  # the day before
        ((("expiration", "2026-06-01"),), dt.date(2000, 1, 1), False),  # valid on the day
        # The CNI of 1988-2021: issued to an adult since 2004, 15 years.
        ((("delivrance", "2012-03"),), dt.date(1980, 1, 1), False),  # until 31/03/2027
        ((("delivrance", "2011-05"),), dt.date(1980, 1, 1), True),  # until 31/05/2026
        ((("delivrance", "2011-06"),), dt.date(1980, 1, 1), False),  # until 30/06/2026
        # Issued to a minor: 10 years.
        ((("delivrance", "2017-03"),), dt.date(2005, 1, 1), False),
        ((("delivrance", "2010-03"),), dt.date(2000, 1, 1), True),  # minor in 2010
        ((("delivrance", "2003-12"),), dt.date(1970, 1, 1), True),  # before 2004: 10 years
        # 18 during the month of issue: the longer validity (never a false alarm).
        ((("delivrance", "2011-05"),), dt.date(1993, 5, 20), True),
        ((("delivrance", "2014-02"),), dt.date(1996, 2, 29), False),  # a leap-day birth
        ((), dt.date(2000, 1, 1), False),  # nothing about validity read
    ],
)
def test_validity_at_the_session(valeurs, naissance, expire) -> None:  # type: ignore[no-untyped-def]
    personne = Identite("X", "", "Y", naissance)
    ecarts = comparer(lu(*valeurs), personne, SESSION)
    assert [e.motif for e in ecarts] == ([MOTIF_EXPIRE] if expire else [])


def test_expired_cni_says_the_rule_it_applied() -> None:
    [ecart] = comparer(lu(("delivrance", "2011-05")), Identite("X", "", "Y", dt.date(1980, 1, 1)),
                       SESSION)  # fmt: skip
    assert "10 ans + 5 ans" in ecart.message and ecart.lu == "valable jusqu'au 31/05/2026"
