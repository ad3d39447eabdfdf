"""Specimen documents the application can make itself: an identity's MRZ lines, and a 2D-Doc
signed by a certificate of an authority of its own (« ZZ00 », an identifier no real
authority has). The smoke test reads both back with what the build ships; the tests and
bench (tests/specimens.py) draw them on documents and degrade them. Nothing here is ever
presented as a real document: the test authority is only trusted where a caller adds its
folder to the trust store.
"""

from __future__ import annotations

import base64
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from PIL import Image

from .mrz import CNI, TD1, TD3, chiffre_controle


def mrz_texte(texte: str) -> str:
    """A name as an MRZ writes it: without accents, upper case, '<' for spaces and hyphens."""
    sans = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "<" for c in sans.upper())


@dataclass(frozen=True)
class Identite:
    nom: str
    prenoms: tuple[str, ...]
    naissance: date
    sexe: str
    numero: str
    expiration: date  # for the CNI of 1988: its printed date (issue + 10 years)


def _aammjj(jour: date) -> str:
    return jour.strftime("%y%m%d")


def _zone_noms(identite: Identite, longueur: int) -> str:
    texte = mrz_texte(identite.nom) + "<<" + "<".join(mrz_texte(p) for p in identite.prenoms)
    return texte[:longueur].ljust(longueur, "<")


def lignes_mrz(identite: Identite, genre: str) -> list[str]:
    """The MRZ lines of this identity in this format, every check digit right."""
    naissance, expiration = _aammjj(identite.naissance), _aammjj(identite.expiration)
    if genre == TD1:
        l1 = f"IDFRA{identite.numero}{chiffre_controle(identite.numero)}".ljust(30, "<")
        debut = f"{naissance}{chiffre_controle(naissance)}{identite.sexe}"
        debut += f"{expiration}{chiffre_controle(expiration)}FRA"
        l2 = debut.ljust(29, "<")
        l2 += chiffre_controle(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
        return [l1, l2, _zone_noms(identite, 30)]
    if genre == TD3:
        l1 = "P<FRA" + _zone_noms(identite, 39)
        numero = identite.numero
        l2 = f"{numero}{chiffre_controle(numero)}FRA{naissance}{chiffre_controle(naissance)}"
        l2 += f"{identite.sexe}{expiration}{chiffre_controle(expiration)}"
        l2 += "<" * 14 + "<"
        l2 += chiffre_controle(l2[0:10] + l2[13:20] + l2[21:43])
        return [l1, l2]
    assert genre == CNI
    emission = date(identite.expiration.year - 10, identite.expiration.month, 1)  # its month
    l1 = "IDFRA" + mrz_texte(identite.nom)[:25].ljust(25, "<") + "750123"
    numero = (
        emission.strftime("%y%m")
        + "750"
        + identite.numero[-5:].translate(
            str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678901234567890123456")
        )
    )
    prenoms = "<<".join(mrz_texte(p) for p in identite.prenoms)[:14].ljust(14, "<")
    l2 = f"{numero}{chiffre_controle(numero)}{prenoms}{naissance}{chiffre_controle(naissance)}"
    l2 += identite.sexe
    l2 += chiffre_controle(l1 + l2)
    return [l1, l2]


# A certification authority of our own and its signing certificate.
AUTORITE_ESSAI, CERTIFICAT_ESSAI = "ZZ00", "T001"


@dataclass(frozen=True)
class Signataire:
    cle: object  # the signing certificate's private key (EC P-256)
    dossier: Path  # holds ZZ00.der and ZZ00_T001.der


def signataire_d_essai(
    dossier: Path,
    *,
    debut: date = date(2020, 1, 1),
    fin: date = date(2035, 1, 1),
    graine: int | None = None,
) -> Signataire:
    """An authority of our own and its ECDSA signing certificate valid from ``debut`` to
    ``fin``, written to ``dossier`` under the names the trust store expects. Without
    ``graine`` the authority's key is RSA, as ANTS's are; with it, both keys derive from the
    seed and every signature is deterministic (RFC 6979): the same seed, the same bytes (the
    demo is reproducible)."""
    import random

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    def nom(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Contrôle PJ essais"),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])  # fmt: skip

    def instant(jour: date) -> datetime:
        return datetime(jour.year, jour.month, jour.day, tzinfo=UTC)

    def cle_ec(tirage: random.Random | None) -> ec.EllipticCurvePrivateKey:
        if tirage is None:
            return ec.generate_private_key(ec.SECP256R1())
        return ec.derive_private_key(tirage.getrandbits(250) + 1, ec.SECP256R1())

    tirage = random.Random(graine) if graine is not None else None
    cle_ac: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if tirage is None else cle_ec(tirage)
    )  # fmt: skip
    deterministe = True if tirage is not None else None
    ac = (x509.CertificateBuilder().subject_name(nom(AUTORITE_ESSAI))
          .issuer_name(nom(AUTORITE_ESSAI)).public_key(cle_ac.public_key())
          .serial_number(1).not_valid_before(instant(date(2019, 1, 1)))
          .not_valid_after(instant(date(2040, 1, 1)))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(cle_ac, hashes.SHA256(), ecdsa_deterministic=deterministe
                if isinstance(cle_ac, ec.EllipticCurvePrivateKey) else None))  # fmt: skip
    cle = cle_ec(tirage)
    feuille = (x509.CertificateBuilder().subject_name(nom(CERTIFICAT_ESSAI))
               .issuer_name(ac.subject).public_key(cle.public_key()).serial_number(2)
               .not_valid_before(instant(debut)).not_valid_after(instant(fin))
               .sign(cle_ac, hashes.SHA256(), ecdsa_deterministic=deterministe
                     if isinstance(cle_ac, ec.EllipticCurvePrivateKey) else None))  # fmt: skip
    dossier.mkdir(parents=True, exist_ok=True)
    der = serialization.Encoding.DER
    (dossier / f"{AUTORITE_ESSAI}.der").write_bytes(ac.public_bytes(der))
    (dossier / f"{AUTORITE_ESSAI}_{CERTIFICAT_ESSAI}.der").write_bytes(feuille.public_bytes(der))
    return Signataire(cle, dossier)


def contenu_deuxddoc(
    identite: Identite,
    signataire: Signataire,
    *,
    type_document: str = "07",
    signe_le: date = date(2026, 3, 2),
) -> bytes:
    """The content of a version-04 2D-Doc for this identity (names, birth date, gender,
    document number; for a diploma, B0: names, birth date, diploma type), signed by the
    certificate of ``signataire``."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    def jours(jour: date) -> str:
        return f"{(jour - date(2000, 1, 1)).days:04X}"

    def texte(valeur: str) -> str:
        return mrz_texte(valeur).replace("<", " ")

    entete = (f"DC04{AUTORITE_ESSAI}{CERTIFICAT_ESSAI}{jours(signe_le)}{jours(signe_le)}"
              f"{type_document}01FR")  # fmt: skip
    nom, prenoms = texte(identite.nom), "/".join(texte(p) for p in identite.prenoms)
    naissance = f"{identite.naissance:%d%m%Y}"
    if type_document == "B0":  # a diploma: the academic identifiers
        message = f"B2{nom}\x1dB0{prenoms}\x1dB7{naissance}BGBP"
    else:
        message = f"62{nom}\x1d60{prenoms}\x1d69{naissance}68{identite.sexe}66{identite.numero}"
    donnees = (entete + message).encode("ascii")
    cle = signataire.cle
    assert isinstance(cle, ec.EllipticCurvePrivateKey)
    r, s = decode_dss_signature(
        cle.sign(donnees, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    )
    brute = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return donnees + b"\x1f" + base64.b32encode(brute).rstrip(b"=")


def image_deuxddoc(contenu: bytes, module: int = 4) -> Image.Image:
    """The DataMatrix of this content, ``module`` pixels a module, with its quiet zone."""
    import numpy as np
    import zxingcpp

    code = zxingcpp.create_barcode(contenu.decode("latin-1"), zxingcpp.BarcodeFormat.DataMatrix)
    return Image.fromarray(np.asarray(zxingcpp.write_barcode_to_image(code, scale=module)))
