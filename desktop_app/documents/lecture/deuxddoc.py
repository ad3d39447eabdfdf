"""2D-Doc: the signed DataMatrix codes French issuers print on their documents (ANTS,
« Spécifications techniques des codes à barres 2D-Doc », v3.3.0). Decoded (header, message
of the C40 perimeter '01', signature, annex), then its signature checked offline with the
certificates we hold.

What a check can say is one of three things, and never « authentique »: the signature holds
with a known certificate valid on the signing date (« 2D-Doc lu, signature vérifiée »), it
does not (« signature invalide »), or the certificate is not held here (« certificat inconnu :
non vérifiable hors ligne »). Revocation lists need the network: not consulted.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

from .deuxddoc_champs import CHAMPS

GS, RS, US = "\x1d", "\x1e", "\x1f"
_LONGUEUR_ENTETE = {1: 22, 2: 22, 3: 24, 4: 26}
_AN_2000 = date(2000, 1, 1)

# Section 6.1: the document types of the C40 perimeter '01'.
TYPES_DOCUMENT = {
    "00": "Justificatif de domicile", "01": "Facture (énergie, téléphone, internet, eau)",
    "02": "Avis de taxe d'habitation", "03": "Relevé d'identité bancaire",
    "04": "Avis d'impôt sur les revenus", "05": "Relevé d'identité SEPAmail",
    "06": "Bulletin de salaire", "07": "Titre d'identité", "08": "MRZ",
    "09": "Facture étendue", "10": "Contrat de travail", "11": "Relevé de compte",
    "12": "Acte d'huissier", "13": "Document étranger", "14": "Attestation DICEM",
    "15": "Attestation de décision favorable d'une demande d'autorisation de travail",
    "16": "Attestation de demande d'asile", "17": "Attestation de fin de droit à l'ADA",
    "18": "Avis de situation déclarative à l'impôt sur le revenu",
    "19": "Déclaration de dons", "20": "Déclaration de cession de droits sociaux",
    "21": "Attestation 2041-ASK", "B0": "Diplôme",
    "B1": "Attestation de versement de la CVEC", "B2": "Test COVID",
    "L1": "Attestation vaccinale", "A4": "Certificat de décès", "AE": "Certificat de décès",
}  # fmt: skip

# Where each type keeps the holder's names and birth date (first present wins).
_NOMS = ("62", "63", "6G", "B2", "B3", "13", "17", "46", "F1", "L0", "80", "5Q", "72", "C1")
_USAGE = ("63", "B3", "64", "B4")
_PRENOMS = ("60", "61", "B0", "B1", "12", "16", "F0", "L1", "81", "5R")
_NAISSANCE = ("69", "B7", "F2", "L2", "75")


class Illisible(ValueError):
    """The bytes begin like a 2D-Doc but do not follow the specification (said in French)."""


@dataclass(frozen=True)
class Champ:
    identifiant: str
    libelle: str
    valeur: str
    tronque: bool = False


@dataclass(frozen=True)
class DeuxDDoc:
    version: int
    autorite: str  # the certification authority's identifier, e.g. FR03
    certificat: str  # the signing certificate's identifier within it
    emission: date | None
    signature_le: date | None
    type_document: str
    perimetre: str
    pays: str
    champs: tuple[Champ, ...]
    donnees_signees: bytes
    signature: bytes | None
    annexe: tuple[Champ, ...] = ()

    @property
    def libelle_type(self) -> str:
        return TYPES_DOCUMENT.get(self.type_document, f"type {self.type_document}")

    def valeur(self, *identifiants: str) -> str | None:
        """The first of these fields the message holds (the annex is not signed: ignored)."""
        valeurs = {c.identifiant: c.valeur for c in self.champs}
        for identifiant in identifiants:
            if valeurs.get(identifiant):
                return valeurs[identifiant]
        return None

    @property
    def nom(self) -> str | None:
        return self.valeur(*_NOMS)

    @property
    def nom_usage(self) -> str | None:
        return self.valeur(*_USAGE)

    @property
    def prenoms(self) -> tuple[str, ...]:
        texte = self.valeur(*_PRENOMS) or ""
        return tuple(p.strip() for p in texte.replace("/", ",").split(",") if p.strip())

    @property
    def naissance(self) -> date | None:
        return _jjmmaaaa(self.valeur(*_NAISSANCE))


def _jjmmaaaa(texte: str | None) -> date | None:
    if not texte or len(texte) != 8 or not texte.isdigit():
        return None
    try:
        return date(int(texte[4:]), int(texte[2:4]), int(texte[:2]))
    except ValueError:  # 00 for an unknown day or month
        return None


def _jours(hexa: str) -> date | None:
    """A header date: days since 1 January 2000 in four hex digits, FFFF when undated."""
    if hexa.upper() == "FFFF":
        return None
    try:
        return _AN_2000 + timedelta(days=int(hexa, 16))
    except ValueError as exc:
        raise Illisible(f"date d'en-tête illisible « {hexa} »") from exc


def est_deuxddoc(contenu: bytes) -> bool:
    return contenu[:2] == b"DC" and contenu[2:4].isdigit()


def decoder(contenu: bytes) -> DeuxDDoc:
    """The 2D-Doc these bytes (a DataMatrix's content) hold. Raises Illisible."""
    if not est_deuxddoc(contenu):
        raise Illisible("ce code n'est pas un 2D-Doc (il ne commence pas par DC et une version)")
    texte = contenu.decode("latin-1")
    version = int(texte[2:4])
    longueur = _LONGUEUR_ENTETE.get(version)
    if longueur is None:
        raise Illisible(f"version {version:02d} du 2D-Doc inconnue")
    if len(texte) < longueur:
        raise Illisible("en-tête du 2D-Doc incomplet")
    entete = texte[:longueur]
    fin_message = texte.find(US, longueur)
    message = texte[longueur : fin_message if fin_message >= 0 else len(texte)]
    champs = _champs(message)
    signature: bytes | None = None
    annexe: tuple[Champ, ...] = ()
    if fin_message >= 0:
        reste = texte[fin_message + 1 :]
        code, _, suite = reste.partition(GS)
        signature = _base32(code)
        annexe = _champs(suite) if suite else ()
    return DeuxDDoc(
        version=version,
        autorite=entete[4:8],
        certificat=entete[8:12],
        emission=_jours(entete[12:16]),
        signature_le=_jours(entete[16:20]),
        type_document=entete[20:22],
        perimetre=entete[22:24] if version >= 3 else "01",
        pays=entete[24:26] if version >= 4 else "FR",
        champs=champs,
        donnees_signees=contenu[: fin_message if fin_message >= 0 else len(contenu)],
        signature=signature,
        annexe=annexe,
    )


def _base32(code: str) -> bytes:
    code = code.strip().upper()
    try:
        return base64.b32decode(code + "=" * (-len(code) % 8))
    except ValueError as exc:
        raise Illisible("signature illisible (Base32 attendu)") from exc


def _champs(message: str) -> tuple[Champ, ...]:
    """The message's data blocks: a two-character identifier, then a value of fixed length,
    or of variable length ended by <GS>, by <RS> when truncated, by its maximum, or by the
    message's end."""
    champs, i = [], 0
    while i < len(message):
        if message[i] in (GS, RS):  # a stray separator (some issuers end with one)
            i += 1
            continue
        identifiant = message[i : i + 2]
        definition = CHAMPS.get(identifiant)
        if definition is None:
            raise Illisible(f"identifiant de donnée inconnu « {identifiant} » (position {i})")
        libelle, minimum, maximum = definition
        i += 2
        if maximum is not None and minimum == maximum:
            valeur = message[i : i + maximum]
            if len(valeur) < maximum or any(c in valeur for c in (GS, RS, US)):
                raise Illisible(f"donnée « {libelle} » trop courte")
            champs.append(Champ(identifiant, libelle, valeur))
            i += maximum
            continue
        fin = i
        limite = len(message) if maximum is None else min(len(message), i + maximum)
        while fin < limite and message[fin] not in (GS, RS):
            fin += 1
        tronque = fin < len(message) and message[fin] == RS
        champs.append(Champ(identifiant, libelle, message[i:fin], tronque))
        i = fin + 1 if fin < len(message) and message[fin] in (GS, RS) else fin
    return tuple(champs)


class Statut(enum.Enum):
    VERIFIEE = "2D-Doc lu, signature vérifiée"
    INVALIDE = "signature invalide"
    INCONNU = "certificat inconnu : non vérifiable hors ligne"


@dataclass(frozen=True)
class Verification:
    statut: Statut
    detail: str  # why, in French, for the gestionnaire

    @property
    def message(self) -> str:
        return f"{self.statut.value} ({self.detail})" if self.detail else self.statut.value


@dataclass
class Magasin:
    """The certificates a check may use: the authorities of ANTS's trust list shipped with
    the application, and signing certificates, each file named ``<AC>_<ID>.der`` or
    ``.pem`` (e.g. FR03_AV01.der), from the shipped folder and any folder added (the
    bureau's own, the tests')."""

    dossiers: Iterable[Path] = ()
    autorites: dict[str, object] = field(default_factory=dict)
    certificats: dict[tuple[str, str], object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        livres = resources.files("desktop_app").joinpath("resources", "deuxddoc")
        for fichier in livres.iterdir():
            self._ajouter(fichier.name, fichier.read_bytes())
        for dossier in self.dossiers:
            for chemin in sorted(Path(dossier).glob("*")):
                if chemin.suffix.lower() in (".der", ".pem", ".cer", ".crt"):
                    self._ajouter(chemin.name, chemin.read_bytes())

    def _ajouter(self, nom: str, octets: bytes) -> None:
        from cryptography import x509

        racine = nom.rsplit(".", 1)[0]
        if not nom.lower().endswith((".der", ".pem", ".cer", ".crt")):
            return
        try:
            certificat = (x509.load_pem_x509_certificate(octets) if b"-----BEGIN" in octets
                          else x509.load_der_x509_certificate(octets))  # fmt: skip
        except ValueError:
            return  # not a certificate: ignored, as an unknown one would be
        if "_" in racine:
            autorite, identifiant = racine.split("_", 1)
            self.certificats[(autorite.upper(), identifiant.upper())] = certificat
        else:
            self.autorites[racine.upper()] = certificat


def verifier(doc: DeuxDDoc, magasin: Magasin) -> Verification:
    """Whether the signature holds, with a certificate issued by its authority and valid on
    the signing date (the header's), both held here."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    nom = f"{doc.autorite}/{doc.certificat}"
    if doc.signature is None:
        return Verification(Statut.INVALIDE, "le code ne porte pas de signature lisible")
    certificat = magasin.certificats.get((doc.autorite, doc.certificat))
    autorite = magasin.autorites.get(doc.autorite)
    if certificat is None or autorite is None:
        manque = "certificat" if certificat is None else "autorité de certification"
        return Verification(Statut.INCONNU, f"{manque} {nom} absent de cet ordinateur")
    assert isinstance(certificat, x509.Certificate) and isinstance(autorite, x509.Certificate)
    try:
        certificat.verify_directly_issued_by(autorite)
    except (ValueError, TypeError, InvalidSignature):
        return Verification(Statut.INVALIDE, f"le certificat {nom} n'a pas été émis par "
                                             f"l'autorité {doc.autorite}")  # fmt: skip
    jour = doc.signature_le
    if jour is None:
        return Verification(Statut.INVALIDE, "date de signature absente")
    instant = datetime(jour.year, jour.month, jour.day, 12, tzinfo=UTC)
    for porteur, quoi in ((certificat, "le certificat"), (autorite, "l'autorité")):
        if (
            not porteur.not_valid_before_utc - timedelta(days=1)
            <= instant
            <= (porteur.not_valid_after_utc + timedelta(days=1))
        ):
            return Verification(Statut.INVALIDE, f"{quoi} {nom} n'était pas valide le "
                                                 f"{jour:%d/%m/%Y}, date de signature")  # fmt: skip
    cle = certificat.public_key()
    if not isinstance(cle, ec.EllipticCurvePublicKey):
        return Verification(Statut.INVALIDE, f"le certificat {nom} n'a pas de clé ECDSA")
    taille = (cle.curve.key_size + 7) // 8
    if len(doc.signature) != 2 * taille:
        return Verification(Statut.INVALIDE, "signature de longueur inattendue")
    r = int.from_bytes(doc.signature[:taille], "big")
    s = int.from_bytes(doc.signature[taille:], "big")
    empreinte = {256: hashes.SHA256(), 384: hashes.SHA384(), 521: hashes.SHA512()}.get(
        cle.curve.key_size, hashes.SHA256()
    )
    try:
        cle.verify(encode_dss_signature(r, s), doc.donnees_signees, ec.ECDSA(empreinte))
    except InvalidSignature:
        return Verification(Statut.INVALIDE, "les données ne correspondent pas à la signature")
    return Verification(Statut.VERIFIEE, f"certificat {nom}")


def lire_codes(image: object) -> list[tuple[bytes, tuple[int, int, int, int]]]:
    """The DataMatrix codes of an image (a PIL image) that hold a 2D-Doc: each content and
    where the code lies (x0, y0, x1, y1, in pixels)."""
    import zxingcpp

    # A 2D-Doc is printed dark on light: no second search of the page in negative (a third
    # of the time, for nothing, on the pages that hold no code: most of them).
    codes = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.DataMatrix),
        try_invert=False,
    )  # fmt: skip
    trouves = []
    for code in codes:
        if not est_deuxddoc(code.bytes):
            continue
        p = code.position
        coins = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
        xs, ys = [c.x for c in coins], [c.y for c in coins]
        trouves.append((code.bytes, (min(xs), min(ys), max(xs) + 1, max(ys) + 1)))
    return trouves


def lire_image(image: object) -> list[bytes]:
    """The contents of the DataMatrix codes of an image that hold a 2D-Doc."""
    return [contenu for contenu, _boite in lire_codes(image)]
