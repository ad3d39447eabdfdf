"""The machine-readable zone of identity documents (ICAO 9303 and the French CNI of 1988-2021):
its lines parsed into fields, every check digit verified.

A read whose check digits fail is never used: ``Mrz.valide`` is False and the fields are not
offered as read. The name lines carry no check digit, so a name is only as sure as the
recogniser that read it (see ``ocrb``); this module says which fields a digit covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
_POIDS = (7, 3, 1)

TD1, TD3, CNI = "TD1", "TD3", "CNI 1988"
# The line lengths of each format, and how many lines it has.
FORMATS = {TD1: (30, 3), TD3: (44, 2), CNI: (36, 2)}


def valeur(caractere: str) -> int:
    if caractere.isdigit():
        return int(caractere)
    if caractere == "<":
        return 0
    return ord(caractere) - ord("A") + 10


def chiffre_controle(texte: str) -> str:
    """ICAO 9303's check digit: weights 7, 3, 1 repeated, sum modulo 10."""
    return str(sum(valeur(c) * _POIDS[i % 3] for i, c in enumerate(texte)) % 10)


@dataclass(frozen=True)
class Mrz:
    """A parsed MRZ. ``controles`` names each checked field with whether its digit held."""

    format: str
    lignes: tuple[str, ...]
    code: str  # ID, IR, P< …
    emetteur: str
    numero: str
    nom: str
    prenoms: tuple[str, ...]
    naissance: date | None
    sexe: str
    expiration: date | None  # None on the CNI of 1988 (its MRZ has no validity)
    nationalite: str
    delivrance: tuple[int, int] | None = None  # (year, month): the CNI of 1988's number
    controles: dict[str, bool] = field(default_factory=dict)

    @property
    def valide(self) -> bool:
        """Every check digit holds and every date is a real date."""
        return all(self.controles.values()) and self.naissance is not None

    @property
    def echecs(self) -> list[str]:
        return [nom for nom, bon in self.controles.items() if not bon]


def _date(aaammjj: str, *, passe: bool, reference: date) -> date | None:
    """YYMMDD to a date; ``passe``: a birth date (never after ``reference``), else a validity
    (in this century's window: reference − 50 years to reference + 50)."""
    if not aaammjj.isdigit():
        return None
    aa, mm, jj = int(aaammjj[:2]), int(aaammjj[2:4]), int(aaammjj[4:])
    siecle = reference.year // 100 * 100
    annee = siecle + aa
    if annee > (reference.year if passe else reference.year + 50):
        annee -= 100
    elif not passe and annee < reference.year - 50:
        annee += 100
    try:
        resultat = date(annee, mm, jj)
    except ValueError:
        return None
    if passe and resultat > reference:
        try:
            return date(annee - 100, mm, jj)
        except ValueError:
            return None
    return resultat


def _controle(champ: str, chiffre: str, *, facultatif: bool = False) -> bool:
    """Whether ``chiffre`` checks ``champ``; a field of fillers may carry '<' as its digit."""
    if facultatif and set(champ) <= {"<"} and chiffre in "<0":
        return True
    return chiffre == chiffre_controle(champ)


def _noms(zone: str) -> tuple[str, tuple[str, ...]]:
    """``NOM<<PRENOM<AUTRE`` → (« NOM », (« PRENOM », « AUTRE »))."""
    nom, _, prenoms = zone.rstrip("<").partition("<<")
    liste = tuple(p.replace("<", " ").strip() for p in re.split("<{1,}", prenoms) if p)
    return nom.replace("<", " ").strip(), liste


def _format(lignes: tuple[str, ...]) -> str | None:
    for nom, (longueur, nombre) in FORMATS.items():
        if len(lignes) == nombre and all(len(ligne) == longueur for ligne in lignes):
            if nom == CNI and not lignes[0].startswith("IDFRA"):
                return None
            return nom
    return None


def lire(lignes: list[str] | tuple[str, ...], reference: date | None = None) -> Mrz | None:
    """The MRZ of these lines, checked; None when they are no MRZ of a known format (length,
    count, alphabet). ``reference``: today, to place two-digit years."""
    lignes = tuple(ligne.strip().upper() for ligne in lignes)
    if any(set(ligne) - set(ALPHABET) for ligne in lignes):
        return None
    genre = _format(lignes)
    reference = reference or date.today()
    if genre == TD1:
        return _td1(lignes, reference)
    if genre == TD3:
        return _td3(lignes, reference)
    if genre == CNI:
        return _cni(lignes, reference)
    return None


def _td1(lignes: tuple[str, ...], reference: date) -> Mrz:
    l1, l2, l3 = lignes
    numero, chiffre_numero = l1[5:14], l1[14]
    if chiffre_numero == "<" and l1[15] != "<":  # a number over 9 characters runs on
        suite = l1[15:30].split("<", 1)[0]
        numero, chiffre_numero = numero + suite[:-1], suite[-1:]
    nom, prenoms = _noms(l3)
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    return Mrz(
        format=TD1,
        lignes=lignes,
        code=l1[0:2],
        emetteur=l1[2:5].rstrip("<"),
        numero=numero.rstrip("<"),
        nom=nom,
        prenoms=prenoms,
        naissance=_date(l2[0:6], passe=True, reference=reference),
        sexe=l2[7],
        expiration=_date(l2[8:14], passe=False, reference=reference),
        nationalite=l2[15:18].rstrip("<"),
        controles={
            "numéro": _controle(numero, chiffre_numero),
            "date de naissance": _controle(l2[0:6], l2[6]),
            "date d'expiration": _controle(l2[8:14], l2[14]),
            "composite": _controle(composite, l2[29]),
        },
    )


def _td3(lignes: tuple[str, ...], reference: date) -> Mrz:
    l1, l2 = lignes
    nom, prenoms = _noms(l1[5:44])
    composite = l2[0:10] + l2[13:20] + l2[21:43]
    return Mrz(
        format=TD3,
        lignes=lignes,
        code=l1[0:2],
        emetteur=l1[2:5].rstrip("<"),
        numero=l2[0:9].rstrip("<"),
        nom=nom,
        prenoms=prenoms,
        naissance=_date(l2[13:19], passe=True, reference=reference),
        sexe=l2[20],
        expiration=_date(l2[21:27], passe=False, reference=reference),
        nationalite=l2[10:13].rstrip("<"),
        controles={
            "numéro": _controle(l2[0:9], l2[9]),
            "date de naissance": _controle(l2[13:19], l2[19]),
            "date d'expiration": _controle(l2[21:27], l2[27]),
            "numéro personnel": _controle(l2[28:42], l2[42], facultatif=True),
            "composite": _controle(composite, l2[43]),
        },
    )


def _cni(lignes: tuple[str, ...], reference: date) -> Mrz:
    """The French identity card of 1988-2021: two lines of 36, no validity in the MRZ; its
    number begins with the year and month of issue."""
    l1, l2 = lignes
    numero = l2[0:12]
    delivrance = None
    if numero[:4].isdigit() and 1 <= int(numero[2:4]) <= 12:
        delivrance = (1900 + int(numero[:2]) if int(numero[:2]) > 80 else 2000 + int(numero[:2]),
                      int(numero[2:4]))  # fmt: skip
    nom = l1[5:30].rstrip("<").replace("<", " ").strip()
    prenoms = tuple(p.replace("<", " ").strip() for p in l2[13:27].split("<<") if p.strip("<"))
    return Mrz(
        format=CNI,
        lignes=lignes,
        code=l1[0:2],
        emetteur=l1[2:5],
        numero=numero,
        nom=nom,
        prenoms=prenoms,
        naissance=_date(l2[27:33], passe=True, reference=reference),
        sexe=l2[34],
        expiration=None,
        nationalite="FRA",
        delivrance=delivrance,
        controles={
            "numéro": _controle(numero, l2[12]),
            "date de naissance": _controle(l2[27:33], l2[33]),
            "composite": _controle(l1 + l2[0:35], l2[35]),
        },
    )


# Which positions of each line hold digits, letters or either: the recogniser reads each
# position within its own alphabet (a date never holds an O, a name never a 0).
CHIFFRES, LETTRES, TOUT = "0123456789<", "ABCDEFGHIJKLMNOPQRSTUVWXYZ<", ALPHABET


# Per format, per line: (start, end, characters allowed) where a position is narrower than
# the whole alphabet.
_ZONES: dict[str, tuple[tuple[int, list[tuple[int, int, str]]], ...]] = {
    TD1: (
        (30, [(0, 5, LETTRES), (14, 15, CHIFFRES)]),
        (30, [(0, 7, CHIFFRES), (7, 8, "MFX<"), (8, 15, CHIFFRES), (15, 18, LETTRES),
              (29, 30, CHIFFRES)]),
        (30, [(0, 30, LETTRES)]),
    ),
    TD3: (
        (44, [(0, 44, LETTRES)]),
        (44, [(9, 10, CHIFFRES), (10, 13, LETTRES), (13, 20, CHIFFRES), (20, 21, "MFX<"),
              (21, 28, CHIFFRES), (42, 44, CHIFFRES)]),
    ),
    CNI: (
        (36, [(0, 30, LETTRES)]),
        (36, [(0, 4, CHIFFRES), (12, 13, CHIFFRES), (13, 27, LETTRES), (27, 34, CHIFFRES),
              (34, 35, "MF<"), (35, 36, CHIFFRES)]),
    ),
}  # fmt: skip


def alphabets(genre: str) -> tuple[tuple[str, ...], ...]:
    """Per line, per position, the characters that position may hold in this format."""
    lignes = []
    for longueur, zones in _ZONES[genre]:
        positions = [TOUT] * longueur
        for debut, fin, jeu in zones:
            positions[debut:fin] = [jeu] * (fin - debut)
        lignes.append(tuple(positions))
    return tuple(lignes)
