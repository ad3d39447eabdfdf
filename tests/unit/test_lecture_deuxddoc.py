"""2D-Doc: decoded per the ANTS specification (header versions, fixed and variable fields,
truncation, annex), its signature checked offline with a certificate of a test authority the
tests add to the trust store; a changed character, a foreign certificate, a certificate out
of its validity on the signing date are « signature invalide »; a certificate not held here
is « certificat inconnu : non vérifiable hors ligne »."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from desktop_app.documents.lecture import deuxddoc
from desktop_app.documents.lecture.deuxddoc import Illisible, Magasin, Statut, decoder, verifier
from desktop_app.documents.lecture.specimens import (
    Identite,
    contenu_deuxddoc,
    image_deuxddoc,
    signataire_d_essai,
)
from tests.specimens import falsifier, page_avec_deuxddoc, scanner

IDENTITE = Identite("LE GOFF", ("ANNE-SOPHIE", "LÉA"), date(2008, 2, 29), "F", "X4RTBPFW4",
                    date(2031, 5, 1))  # fmt: skip


@pytest.fixture(scope="module")
def signataire(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return signataire_d_essai(tmp_path_factory.mktemp("certificats"))


def test_specification_header_examples() -> None:
    """The headers the specification gives as examples (a bill, FR0A/XT4A, issued on
    5 March 2010, signed on 11 March), in each version."""
    exemples = (("DC02FR0AXT4A0E840E8A01", 2, "01", "FR"),
                ("DC03FR0AXT4A0E840E8A0101", 3, "01", "FR"),
                ("DC04FR0AXT4A0E840E8A0101DE", 4, "01", "DE"))  # fmt: skip
    for entete, version, perimetre, pays in exemples:
        doc = decoder((entete + "2435000").encode())
        assert (doc.version, doc.autorite, doc.certificat) == (version, "FR0A", "XT4A")
        assert (doc.emission, doc.signature_le) == (date(2010, 3, 5), date(2010, 3, 11))
        assert (doc.type_document, doc.perimetre, doc.pays) == ("01", perimetre, pays)
        assert [(c.identifiant, c.valeur) for c in doc.champs] == [("24", "35000")]
        assert doc.signature is None


def test_message_fields_as_the_specification_encodes_them() -> None:
    """Fixed length without separator, variable ended by <GS>, truncated by <RS>, the last
    one by the end; an annex after the signature is read but never used as signed."""
    message = "24350002CMARSE\x1e4114732\x1d18134985638"
    contenu = (
        "DC04FR0AXT4A0E840E8A0101FR" + message + "\x1f" + "A" * 103 + "\x1d62INTRUS"
    ).encode()
    doc = decoder(contenu)
    assert [(c.identifiant, c.valeur, c.tronque) for c in doc.champs] == [
        ("24", "35000", False), ("2C", "MARSE", True), ("41", "14732", False),
        ("18", "134985638", False),
    ]  # fmt: skip
    assert [(c.identifiant, c.valeur) for c in doc.annexe] == [("62", "INTRUS")]
    assert doc.nom is None  # the annex is not signed
    assert doc.donnees_signees == ("DC04FR0AXT4A0E840E8A0101FR" + message).encode()
    assert doc.signature is not None and len(doc.signature) == 64


@pytest.mark.parametrize(
    ("contenu", "raison"),
    [
        (b"DC09FR0AXT4A0E840E8A01", "version 09"),
        (b"DC04FR0AXT4A0E84", "incomplet"),
        (b"DC04FR0AXT4A0E840E8A0101FRZZ1234", "inconnu"),
        (b"DC04FR0AXT4A0E840E8A0101FR24350", "trop courte"),
        (b"DC04FR0AXT4AGGGG0E8A0101FR2435000", "date"),
        (b"DC04FR0AXT4A0E840E8A0101FR2435000\x1f0189!", "Base32"),
    ],
)
def test_malformed_codes_say_why(contenu: bytes, raison: str) -> None:
    with pytest.raises(Illisible, match=raison):
        decoder(contenu)


def test_not_a_2ddoc() -> None:
    assert not deuxddoc.est_deuxddoc(b"https://example.org")
    with pytest.raises(Illisible):
        decoder(b"HELLO")


def test_signed_identity_is_read_and_verified(signataire) -> None:  # type: ignore[no-untyped-def]
    doc = decoder(contenu_deuxddoc(IDENTITE, signataire))
    assert (doc.nom, doc.prenoms, doc.naissance) == ("LE GOFF", ("ANNE SOPHIE", "LEA"),
                                                     date(2008, 2, 29))  # fmt: skip
    assert doc.libelle_type == "Titre d'identité"
    verification = verifier(doc, Magasin([signataire.dossier]))
    assert verification.statut is Statut.VERIFIEE
    assert verification.message.startswith("2D-Doc lu, signature vérifiée")
    assert "authentique" not in verification.message


def test_diploma_fields(signataire) -> None:  # type: ignore[no-untyped-def]
    doc = decoder(contenu_deuxddoc(IDENTITE, signataire, type_document="B0"))
    assert (doc.nom, doc.naissance, doc.libelle_type) == ("LE GOFF", date(2008, 2, 29), "Diplôme")
    assert verifier(doc, Magasin([signataire.dossier])).statut is Statut.VERIFIEE


def test_every_tampered_payload_is_invalid(signataire) -> None:  # type: ignore[no-untyped-def]
    contenu = contenu_deuxddoc(IDENTITE, signataire)
    magasin = Magasin([signataire.dossier])
    rng = random.Random(7)
    for _ in range(40):
        faux = falsifier(contenu, rng)
        try:
            doc = decoder(faux)
        except Illisible:
            continue  # a changed identifier may no longer parse: not read at all
        assert verifier(doc, magasin).statut is Statut.INVALIDE
    signature_changee = contenu[:-3] + (b"AAA" if contenu[-3:] != b"AAA" else b"BBB")
    assert verifier(decoder(signature_changee), magasin).statut is Statut.INVALIDE


def test_unknown_certificate_cannot_be_verified_offline(signataire) -> None:  # type: ignore[no-untyped-def]
    doc = decoder(contenu_deuxddoc(IDENTITE, signataire))
    verification = verifier(doc, Magasin())  # ANTS's authorities only
    assert verification.statut is Statut.INCONNU
    assert verification.message.startswith("certificat inconnu : non vérifiable hors ligne")
    reel = decoder(b"DC04FR03AV010E840E8A0701FR62MARTIN\x1f" + b"A" * 103)
    assert verifier(reel, Magasin()).statut is Statut.INCONNU


def test_shipped_trust_list_holds_ants_authorities() -> None:
    assert {"FR01", "FR03", "FR04", "FR05"} <= set(Magasin().autorites)


def test_certificate_of_another_authority_is_invalid(tmp_path: Path, signataire) -> None:  # type: ignore[no-untyped-def]
    """A signing certificate filed under our test authority's name but issued by another
    authority: the chain does not hold."""
    autre = signataire_d_essai(tmp_path / "autre")
    melange = tmp_path / "melange"
    melange.mkdir()
    (melange / "ZZ00.der").write_bytes((signataire.dossier / "ZZ00.der").read_bytes())
    (melange / "ZZ00_T001.der").write_bytes((autre.dossier / "ZZ00_T001.der").read_bytes())
    doc = decoder(contenu_deuxddoc(IDENTITE, autre))
    verification = verifier(doc, Magasin([melange]))
    assert verification.statut is Statut.INVALIDE and "émis" in verification.detail


def test_validity_judged_at_the_signing_date(tmp_path: Path) -> None:
    signataire = signataire_d_essai(tmp_path, debut=date(2022, 1, 1), fin=date(2024, 1, 1))
    magasin = Magasin([tmp_path])
    dedans = decoder(contenu_deuxddoc(IDENTITE, signataire, signe_le=date(2023, 6, 1)))
    apres = decoder(contenu_deuxddoc(IDENTITE, signataire, signe_le=date(2025, 6, 1)))
    assert verifier(dedans, magasin).statut is Statut.VERIFIEE  # expired since: still valid
    verification = verifier(apres, magasin)
    assert verification.statut is Statut.INVALIDE and "01/06/2025" in verification.detail


def test_read_off_a_scanned_page(signataire) -> None:  # type: ignore[no-untyped-def]
    contenu = contenu_deuxddoc(IDENTITE, signataire)
    page = scanner(page_avec_deuxddoc(contenu, 300, IDENTITE), random.Random(3), 300)
    assert deuxddoc.lire_image(page) == [contenu]
    assert deuxddoc.lire_image(image_deuxddoc(b"https://example.org")) == []
