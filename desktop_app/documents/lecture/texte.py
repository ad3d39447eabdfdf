"""The words of a page, from the PDF's text layer or by OCR (Tesseract through tesserocr,
with the French model we ship), and the holder's identity found in them: names and birth date
as attestations print them, labelled (« Nom : DUPONT », « Né(e) le : 12/03/2004 ») or in a
sentence (« atteste que Monsieur Jean DUPONT, né le 12 mars 2004 »).

Only the person a birth date is given for is taken from a sentence (the signatory of an
attestation is named too, without one), and a sentence's surname is the word written in
capitals: where the document does not tell them apart, no name is taken.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ocrb import Redresse

Boite = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page

LANGUE = "fra"


@dataclass(frozen=True)
class Mot:
    texte: str
    boite: Boite
    confiance: float  # 0..1: 1 for a text layer, Tesseract's own for OCR


@dataclass(frozen=True)
class Trouve:
    champ: str  # nom, nom_usage, prenoms, naissance (ISO)
    valeur: str
    confiance: float
    boite: Boite | None


# --- Words -------------------------------------------------------------------------------


def englobante(mots: list[Mot]) -> Boite:
    """The box around these words."""
    return (min(m.boite[0] for m in mots), min(m.boite[1] for m in mots),
            max(m.boite[2] for m in mots), max(m.boite[3] for m in mots))  # fmt: skip


def lignes_du_pdf(page: object) -> list[list[Mot]]:
    """The words of a PyMuPDF page's text layer, line by line."""
    largeur, hauteur = page.rect.width, page.rect.height  # type: ignore[attr-defined]
    lignes: dict[tuple[int, int], list[Mot]] = {}
    for x0, y0, x1, y1, texte, bloc, ligne, _ in page.get_text("words", sort=True):  # type: ignore[attr-defined]
        boite = (x0 / largeur, y0 / hauteur, x1 / largeur, y1 / hauteur)
        mot = Mot(unicodedata.normalize("NFC", texte), boite, 1.0)
        lignes.setdefault((bloc, ligne), []).append(mot)
    return list(lignes.values())


class OcrIndisponible(Exception):
    """Tesseract or its French model could not be loaded: said, never a crash."""


_MOTEUR: object | None = None
_VERROU = threading.Lock()


def _moteur() -> object:
    """One Tesseract per process, loaded on first use (about 0.1 s)."""
    global _MOTEUR
    if _MOTEUR is None:
        try:
            import tesserocr

            with resources.as_file(
                resources.files("desktop_app").joinpath("resources", "tessdata")
            ) as dossier:
                moteur = tesserocr.PyTessBaseAPI(
                    path=str(dossier), lang=LANGUE, psm=tesserocr.PSM.AUTO,
                    oem=tesserocr.OEM.LSTM_ONLY,
                )  # fmt: skip
                # A line read with little confidence is not read again in negative (white on
                # black): the pièces are printed dark on light, and that second reading cost a
                # fifth of a photo's OCR (its scribbles and grain), changing only what was
                # read of them.
                moteur.SetVariable("tessedit_do_invert", "0")
                _MOTEUR = moteur
        except (ImportError, RuntimeError, OSError) as exc:
            raise OcrIndisponible(str(exc)) from exc
    return _MOTEUR


def lignes_ocr(redresse: Redresse) -> list[list[Mot]]:
    """The words Tesseract reads on a page image turned upright, line by line, their boxes
    in the original image."""
    from tesserocr import RIL, iterate_level

    largeur, hauteur = redresse.taille
    lignes: list[list[Mot]] = []
    with _VERROU:
        api = _moteur()
        api.SetImage(redresse.droit)  # type: ignore[attr-defined]
        api.Recognize()  # type: ignore[attr-defined]
        iterateur = api.GetIterator()  # type: ignore[attr-defined]
        for r in iterate_level(iterateur, RIL.WORD) if iterateur is not None else ():
            # Composed (« ï » as one character, as the patterns below spell it).
            try:
                texte = unicodedata.normalize("NFC", r.GetUTF8Text(RIL.WORD) or "").strip()
            except RuntimeError:  # « No text returned »: an empty word, nothing to read
                continue
            boite = r.BoundingBox(RIL.WORD)
            if not texte or boite is None:
                continue
            if not lignes or r.IsAtBeginningOf(RIL.TEXTLINE):
                lignes.append([])
            x0, y0, x1, y1 = redresse.vers_origine(*boite)
            lignes[-1].append(Mot(texte, (max(0, x0) / largeur, max(0, y0) / hauteur,
                                          min(largeur, x1) / largeur, min(hauteur, y1) / hauteur),
                                  r.Confidence(RIL.WORD) / 100))  # fmt: skip
        api.Clear()  # type: ignore[attr-defined]
    return [ligne for ligne in lignes if ligne]


# --- The identity in the words ---------------------------------------------------------------

_MAJ = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_MIN = "a-zàâäçéèêëîïôöùûüÿæœ"
_MAJUSCULES = rf"[{_MAJ}][{_MAJ}'’\-]+"
_CAPITALE = rf"[{_MAJ}][{_MIN}]+(?:-[{_MAJ}][{_MIN}]+)*"
_MOT = rf"(?:{_MAJUSCULES}|{_CAPITALE})"
_MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
         "octobre", "novembre", "décembre")  # fmt: skip
MOTIF_DATE = (
    r"(?P<j>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<a>\d{4})"
    r"|(?P<jl>\d{1,2})(?:er)?\s+(?P<ml>[a-zéû]+)\s+(?P<al>\d{4})"
)
_VALEUR = rf"(?P<v>[{_MAJ}{_MIN}'’\- ]*[{_MAJ}{_MIN}])"  # letters, to the end of the line
_ETIQUETTES = [
    ("nom", rf"(?im)(?:^|(?<=\s))nom(?:[ \t]+de[ \t]+(?:naissance|famille)|[ \t]+patronymique)?"
            rf"[ \t]*:[ \t]*{_VALEUR}"),
    ("nom_usage", rf"(?im)(?:^|(?<=\s))nom[ \t]+d['’][ \t]*usage[ \t]*:[ \t]*{_VALEUR}"),
    ("prenoms", rf"(?im)(?:^|(?<=\s))pr[ée]noms?(?:[ \t]*\(s\))?[ \t]*:[ \t]*"
                rf"(?P<v>[{_MAJ}{_MIN}'’\-, ]*[{_MAJ}{_MIN}])"),
    ("naissance", rf"(?im)(?:date[ \t]+de[ \t]+n\w{{1,3}}ssance|n[ée]e?(?:[ \t]*\(e\))?[ \t]+le)"
                  rf"[ \t]*:?[ \t]*(?:{MOTIF_DATE})"),
]  # fmt: skip
_CIVILITE = r"(?:Monsieur|Madame|Mademoiselle|M\.|Mme\.?|Mlle\.?)"
_PHRASE = re.compile(
    rf"{_CIVILITE}\s+(?P<personne>{_MOT}(?:[\s,]+{_MOT}){{1,5}}?)\s*,?\s*"
    rf"(?:n[ée]e?|n[ée]\s*\(e\))\s+le\s+(?:{MOTIF_DATE})",
)
_JETON = re.compile(r"[^\s,]+")
# The words a label's value must stop before, when a form puts two on one line.
_SUITE = re.compile(r"(?i)\s+(?:pr[ée]noms?|n[ée]e?|date|nom|sexe|lieu)\b.*$")


def date_trouvee(m: re.Match[str]) -> date | None:
    """The day a match of ``MOTIF_DATE`` writes (digits or words), None if no such day."""
    try:
        if m.group("a"):
            return date(int(m.group("a")), int(m.group("m")), int(m.group("j")))
        mois = m.group("ml").lower().replace("fevrier", "février").replace("aout", "août")
        mois = mois.replace("decembre", "décembre")
        if mois not in _MOIS:
            return None
        return date(int(m.group("al")), _MOIS.index(mois) + 1, int(m.group("jl")))
    except ValueError:
        return None


def _etendue(m: re.Match[str]) -> tuple[int, int]:
    """Where a match's date lies (its box and confidence are the date's own)."""
    if m.group("a"):
        return m.start("j"), m.end("a")
    return m.start("jl"), m.end("al")


class TexteDesMots:
    """The words joined as text (a space between words, a new line between lines), each
    character knowing its word: a match is brought back to the words it covers."""

    def __init__(self, lignes: list[list[Mot]]) -> None:
        morceaux: list[str] = []
        self.mot_de: list[Mot | None] = []
        for ligne in lignes:
            for i, mot in enumerate(ligne):
                if i:
                    morceaux.append(" ")
                    self.mot_de.append(None)
                morceaux.append(mot.texte)
                self.mot_de.extend([mot] * len(mot.texte))
            morceaux.append("\n")
            self.mot_de.append(None)
        self.texte = "".join(morceaux)

    def mots(self, debut: int, fin: int) -> list[Mot]:
        vus: dict[int, Mot] = {}
        for mot in self.mot_de[debut:fin]:
            if mot is not None:
                vus.setdefault(id(mot), mot)
        return list(vus.values())

    def trouve(self, champ: str, valeur: str, *etendues: tuple[int, int]) -> Trouve:
        """The value found over these spans of the text: its box and its least sure word."""
        mots = [m for debut, fin in etendues for m in self.mots(debut, fin)]
        if not mots:
            return Trouve(champ, valeur, 0.0, None)
        return Trouve(champ, valeur, min(m.confiance for m in mots), englobante(mots))


DATES = re.compile(MOTIF_DATE, re.IGNORECASE)


def dates_dans(lignes: list[list[Mot]]) -> tuple[str, ...]:
    """Every date written in the words (ISO, sorted, once each): what tells two papers of one
    template for one holder apart (another contract, another day)."""
    texte = " ".join(" ".join(m.texte for m in ligne) for ligne in lignes)
    return tuple(sorted({jour.isoformat() for m in DATES.finditer(texte)
                         if (jour := date_trouvee(m)) is not None}))  # fmt: skip


def identite_dans(lignes: list[list[Mot]]) -> list[Trouve]:
    """The holder's names and birth date found in the words, each once (a label first, then
    a sentence)."""
    texte = TexteDesMots(lignes)
    trouves: dict[str, Trouve] = {}
    for champ, motif in _ETIQUETTES:
        for m in re.finditer(motif, texte.texte):
            if champ in trouves:
                break
            if champ == "naissance":
                jour = date_trouvee(m)
                if jour is not None:
                    trouves[champ] = texte.trouve(champ, jour.isoformat(), _etendue(m))
                continue
            valeur = _SUITE.sub("", m.group("v")).strip(" ,-")
            valeur = " ".join(valeur.replace(",", " ").split()) if champ == "prenoms" else valeur
            if len(valeur.replace(" ", "")) >= 2:
                debut = m.start("v")
                trouves[champ] = texte.trouve(champ, valeur, (debut, debut + len(valeur)))
    for m in _PHRASE.finditer(texte.texte):
        jour = date_trouvee(m)
        if jour is None:
            continue
        # The surname is the words in capitals, the prénoms the others: each its own box.
        jetons = [
            (j.group(), (j.start(), j.end()))
            for j in _JETON.finditer(texte.texte, m.start("personne"), m.end("personne"))
        ]
        nom = [(j, e) for j, e in jetons if j.upper() == j and len(j) >= 2]
        prenoms = [(j, e) for j, e in jetons if j.upper() != j]
        if nom and prenoms:
            trouves.setdefault("nom", texte.trouve("nom", " ".join(j for j, _ in nom),
                                                   *(e for _, e in nom)))  # fmt: skip
            trouves.setdefault("prenoms", texte.trouve(
                "prenoms", " ".join(j for j, _ in prenoms), *(e for _, e in prenoms)))  # fmt: skip
        trouves.setdefault("naissance", texte.trouve("naissance", jour.isoformat(), _etendue(m)))
        break
    return list(trouves.values())


def ressemble_mrz(lignes: list[list[Mot]]) -> bool:
    """Whether the OCR saw a line like an MRZ's (25 characters or more in capitals, digits and
    fillers, with digits or fillers among them): a general OCR misreads an MRZ, but it sees one
    where there is one."""
    for ligne in lignes:
        texte = "".join(m.texte for m in ligne).replace("«", "<")
        # An MRZ line is one run of characters (the OCR may cut it in two or three); a line of
        # four words or more is print (« 63033 CLERMONT-FERRAND CEDEX 1 » has the capitals and
        # digits of one).
        if len(texte) < 25 or len(ligne) > 3:
            continue
        permis = sum(c.isupper() or c.isdigit() or c == "<" for c in texte)
        if permis >= 0.9 * len(texte) and (sum(c.isdigit() for c in texte) >= 4
                                           or texte.count("<") >= 3):  # fmt: skip
            return True
    return False
