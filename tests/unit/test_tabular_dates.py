from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.services.dates import (
    PARIS,
    DateInvalide,
    format_date,
    format_datetime,
    parse_date,
    parse_datetime,
)
from desktop_app.services.tabular import TableauIllisible, cle, decode, read_table

ALIASES = {
    "n_candidat": ["ncandidat", "nocandidat"],
    "nom_naissance": ["nom"],
    "commentaire": ["commentaire"],
}


@pytest.mark.parametrize("header", ["N° candidat", "n_candidat", "No candidat", "N°CANDIDAT"])
def test_header_spellings_meet(header: str) -> None:
    assert cle(header) in ("ncandidat", "nocandidat")


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")],
)
def test_encodings_are_detected_without_mangling(raw: str, encoding: str) -> None:
    text = "N° candidat;Nom\n1;Hélène Œuvrard — « test »\n"
    data = text.encode(encoding)
    assert decode(data, "x.csv") == text


def test_undecodable_bytes_are_refused_in_french() -> None:
    with pytest.raises(TableauIllisible, match="encodage non reconnu"):
        decode(b"a;b\n\x81\x8d\x8f;\x90\n", "pieces.csv")


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_separator_is_detected(sep: str) -> None:
    text = (
        f'N° candidat{sep}Nom{sep}Commentaire\n123{sep}Hélène{sep}"Pièce illisible{sep} refaire"\n'
    )
    table = read_table(text.encode("cp1252"), "c.csv", ALIASES, ["n_candidat"])
    assert table.lignes[0].valeurs == {
        "n_candidat": "123",
        "nom_naissance": "Hélène",
        "commentaire": f"Pièce illisible{sep} refaire",
    }


def test_line_numbers_count_multiline_fields_and_skip_blank_rows() -> None:
    text = 'n_candidat;commentaire\n1;"deux\nlignes"\n\n2;x\n'
    table = read_table(text.encode(), "p.csv", ALIASES, [])
    assert [ligne.numero for ligne in table.lignes] == [2, 5]


def test_missing_required_column_is_named() -> None:
    with pytest.raises(TableauIllisible, match="n_candidat"):
        read_table(b"nom;prenoms\nA;B\n", "candidatures.csv", ALIASES, ["n_candidat"])


def test_french_and_iso_dates_paris_by_default() -> None:
    winter = parse_datetime("01/12/2023 17:00")
    assert winter == dt.datetime(2023, 12, 1, 16, 0, tzinfo=dt.UTC)
    summer = parse_datetime("13/07/2018 17:36")
    assert summer == dt.datetime(2018, 7, 13, 15, 36, tzinfo=dt.UTC)
    assert parse_datetime("2023-12-01T17:00:00+01:00") == winter
    assert parse_datetime("2023-12-01T16:00:00Z") == winter
    assert parse_datetime("2023-12-01 17:00") == winter
    assert parse_date("05/06/2005") == dt.date(2005, 6, 5)
    assert parse_date("2005-06-05") == dt.date(2005, 6, 5)
    assert format_datetime(summer) == "13/07/2018 17:36"
    assert summer.astimezone(PARIS).hour == 17


def test_dates_are_written_as_strftime_writes_them() -> None:
    """format_date and format_datetime write field by field (strftime is 6 times slower once
    PySide6 is imported): the same text, every 37 days from 1900 to 2100, and every quarter of
    an hour around both clock changes of 2024."""
    jour = dt.date(1900, 1, 1)
    while jour < dt.date(2100, 1, 1):
        assert format_date(jour) == jour.strftime("%d/%m/%Y")
        jour += dt.timedelta(days=37)
    for debut in (dt.datetime(2024, 3, 30, 20, tzinfo=dt.UTC),
                  dt.datetime(2024, 10, 26, 20, tzinfo=dt.UTC)):  # fmt: skip
        for k in range(48):
            moment = debut + dt.timedelta(minutes=15 * k, seconds=k, microseconds=k)
            attendu = moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
            assert format_datetime(moment) == attendu
    assert format_date(None) == format_datetime(None) == ""


@pytest.mark.parametrize("text", ["31/02/2024", "2024-13-01", "demain", "12/2024"])
def test_bad_dates_are_refused_in_french(text: str) -> None:
    with pytest.raises(DateInvalide, match="date"):
        parse_date(text)
