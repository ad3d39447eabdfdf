"""The MRZ: parsed and checked (ICAO 9303's own specimens, the French CNI of 1988), and read
off generated specimen documents by our OCR-B recogniser, which never presents a wrong value
as read."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image, ImageDraw

from desktop_app.documents.lecture import mrz
from desktop_app.documents.lecture.ocrb import lire_image
from tests.specimens import Identite, lignes_mrz, specimens

REFERENCE = date(2026, 11, 29)
TD1_ICAO = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]  # fmt: skip
TD3_ICAO = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]  # fmt: skip
CNI_1988 = ["IDFRADOUEL<<<<<<<<<<<<<<<<<<<<932013", "0506932020438CHRISTIANE<<NI2906209F3"]


def test_check_digits_of_icao_examples() -> None:
    assert mrz.chiffre_controle("D23145890") == "7"
    assert mrz.chiffre_controle("740812") == "2"
    assert mrz.chiffre_controle("L898902C3") == "6"


@pytest.mark.parametrize(
    ("lignes", "genre", "nom", "prenoms", "naissance", "expiration"),
    [
        (TD1_ICAO, mrz.TD1, "ERIKSSON", ("ANNA", "MARIA"), date(1974, 8, 12), date(2012, 4, 15)),
        (TD3_ICAO, mrz.TD3, "ERIKSSON", ("ANNA", "MARIA"), date(1974, 8, 12), date(2012, 4, 15)),
        (CNI_1988, mrz.CNI, "DOUEL", ("CHRISTIANE", "NI"), date(1929, 6, 20), None),
    ],
)
def test_parsed_and_checked(lignes, genre, nom, prenoms, naissance, expiration) -> None:
    lu = mrz.lire(lignes, REFERENCE)
    assert lu is not None and lu.valide, lu and lu.echecs
    assert (lu.format, lu.nom, lu.prenoms) == (genre, nom, prenoms)
    assert (lu.naissance, lu.expiration) == (naissance, expiration)


def test_old_cni_number_gives_its_issue_month() -> None:
    lu = mrz.lire(CNI_1988, REFERENCE)
    assert lu is not None and lu.delivrance == (2005, 6) and lu.numero == "050693202043"


@pytest.mark.parametrize("ligne", [0, 1])
def test_any_single_wrong_digit_fails_a_check(ligne: int) -> None:
    """A check digit catches every single wrong digit of the fields it covers."""
    for position, caractere in enumerate(TD3_ICAO[1]):
        if not caractere.isdigit() or ligne == 0:
            continue
        for autre in "0123456789":
            if autre == caractere:
                continue
            lignes = list(TD3_ICAO)
            lignes[1] = lignes[1][:position] + autre + lignes[1][position + 1 :]
            lu = mrz.lire(lignes, REFERENCE)
            assert lu is not None and not lu.valide, (position, autre)


def test_letters_ten_apart_pass_the_check_digit() -> None:
    """Why the recogniser must be sure of letters on its own: G (16) and Q (26) weigh the
    same modulo 10, so a document number read with Q for G passes every check."""
    lignes = list(TD1_ICAO)
    lignes[0] = lignes[0].replace("D231", "G231")
    vrai = mrz.chiffre_controle("G23145890")
    lignes[0] = lignes[0][:14] + vrai + lignes[0][15:]
    faux = list(lignes)
    faux[0] = faux[0].replace("G231", "Q231")
    composite = mrz.lire(lignes, REFERENCE)
    assert composite is not None and composite.controles["numéro"]
    lu = mrz.lire(faux, REFERENCE)
    assert lu is not None and lu.controles["numéro"]


def test_dates_placed_in_their_century() -> None:
    """Two-digit years: a birth is never after today, a validity lies within 50 years."""
    for naissance, expiration in ((date(2015, 1, 1), date(2035, 4, 15)),
                                  (date(1930, 2, 28), date(1999, 12, 31)),
                                  (date(2000, 2, 29), date(2070, 1, 1))):  # fmt: skip
        identite = Identite("NOM", ("PRENOM",), naissance, "F", "X4RTBPFW4", expiration)
        lu = mrz.lire(lignes_mrz(identite, mrz.TD1), date(2026, 1, 1))
        assert lu is not None and lu.valide
        assert (lu.naissance, lu.expiration) == (naissance, expiration)


def test_not_an_mrz() -> None:
    assert mrz.lire(["BONJOUR", "MADAME"], REFERENCE) is None
    assert mrz.lire([TD1_ICAO[0], TD1_ICAO[1]], REFERENCE) is None  # a line missing
    assert mrz.lire([ligne.lower() + "é" for ligne in TD3_ICAO], REFERENCE) is None


def test_specimen_lines_are_valid_mrz() -> None:
    for specimen in specimens(6, 150, "net", graine=3):
        lu = mrz.lire(specimen.lignes, REFERENCE)
        assert lu is not None and lu.valide and lu.format == specimen.genre


@pytest.mark.parametrize(("dpi", "prise"), [(200, "scan"), (300, "scan"), (300, "photo")])
def test_read_exactly_off_specimens(dpi: int, prise: str) -> None:
    lot = specimens(6, dpi, prise, graine=dpi)
    for specimen in lot:
        lecture = lire_image(specimen.image, REFERENCE)
        assert lecture is not None and lecture.utilisable, specimen.lignes
        assert lecture.mrz.lignes == specimen.lignes
        x0, y0, x1, y1 = lecture.boite
        assert 0 <= x0 < x1 <= specimen.image.width and 0 <= y0 < y1 <= specimen.image.height
        assert y0 > specimen.image.height * 0.2  # the MRZ lies low on the document


def test_upright_text_without_mrz_gives_nothing() -> None:
    image = Image.new("L", (1200, 800), 255)
    dessin = ImageDraw.Draw(image)
    for y in range(50, 750, 40):
        dessin.text((60, y), "Attestation de recensement délivrée à la mairie de Lyon", fill=0)
    assert lire_image(image, REFERENCE) is None
    assert lire_image(Image.new("RGB", (50, 30), "white"), REFERENCE) is None


def test_unreadable_specimens_never_show_a_wrong_value() -> None:
    """Scanned at 100 dpi with a heavy blur, most reads fail: each field shown as read
    (a checked read, a field no uncertain character touches) is right."""
    champs = ("numero", "naissance", "expiration", "sexe", "nationalite", "emetteur", "nom",
              "prenoms", "code")  # fmt: skip
    for specimen in specimens(15, 100, "scan", graine=41, flou=2.0):
        lecture = lire_image(specimen.image, REFERENCE)
        if lecture is None:
            continue
        vrai = mrz.lire(specimen.lignes, REFERENCE)
        for champ in champs:
            if lecture.sur(champ):
                assert getattr(lecture.mrz, champ) == getattr(vrai, champ), champ


def test_old_cni_specimen_has_no_expiry_but_an_issue_month() -> None:
    specimen = specimens(3, 300, "net", graine=5)[2]
    assert specimen.genre == mrz.CNI
    lecture = lire_image(specimen.image, REFERENCE)
    assert lecture is not None and lecture.mrz.expiration is None
    emission = specimen.identite.expiration
    assert lecture.mrz.delivrance == (emission.year - 10, emission.month)
    assert lignes_mrz(specimen.identite, mrz.CNI) == list(specimen.lignes)


def test_a_photo_is_cut_to_its_paper_and_its_boxes_found_back() -> None:
    """A sheet on a dark table: only the sheet is turned and read, and a box of the upright
    image comes back to where the ink lies in the photo."""
    from desktop_app.documents.lecture.ocrb import redresser

    photo = Image.new("L", (1200, 1000), 90)
    dessin = ImageDraw.Draw(photo)
    dessin.rectangle((100, 150, 600, 650), fill=235)  # the sheet, off the photo's centre
    for ligne in range(6):  # lines of « words »: short marks, not long strokes
        y = 230 + 60 * ligne
        for x in range(170, 530, 30):
            dessin.rectangle((x, y, x + 18, y + 14), fill=20)
    redresse = redresser(photo)
    assert redresse.cadre is not None
    assert redresse.droit.width * redresse.droit.height < 0.6 * 1200 * 1000
    assert abs(redresse.angle) <= 0.5
    # The ink of the upright image, taken back to the photo: where it was drawn.
    encre = redresse.droit.point(lambda v: 255 if v < 40 else 0).getbbox()  # not the table
    assert encre is not None
    x0, y0, x1, y1 = redresse.vers_origine(*encre)
    assert abs(x0 - 170) <= 4 and abs(y0 - 230) <= 4
    assert abs(x1 - 519) <= 4 and abs(y1 - 545) <= 4
