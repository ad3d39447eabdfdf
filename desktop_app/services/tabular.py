"""Reading CSV files as spreadsheets write them: separator and encoding detected, header names
compared without case, accents, spaces or ``°``."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from desktop_app.causes import Refus


class TableauIllisible(Refus, ValueError):
    """The message is French, for the user."""


def sans_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def cle(text: str) -> str:
    """'N° candidat' -> 'ncandidat', 'Date de naissance' -> 'datedenaissance'."""
    return re.sub(r"[^a-z0-9]", "", sans_accents(text).lower())


def decode(data: bytes, nom: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252, never a silent guess."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[3:].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        encodage = "UTF-8" if data.startswith(codecs.BOM_UTF8) else "UTF-16"
        raise TableauIllisible(
            f"{nom} : annoncé en {encodage} (son en-tête le dit) mais ses octets ne le sont pas "
            f"(position {exc.start}) : fichier tronqué ou mal enregistré ; enregistrez-le à "
            "nouveau en CSV UTF-8"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise TableauIllisible(
            f"{nom} : encodage non reconnu (enregistrez le fichier en CSV UTF-8 ou Windows-1252)"
        ) from None
    # Control characters other than line breaks and tabs mean the bytes were not text.
    if any(ord(c) < 32 and c not in "\r\n\t" for c in text):
        raise TableauIllisible(f"{nom} : ce fichier n'est pas un texte CSV lisible")
    return text


@dataclass(frozen=True)
class Ligne:
    numero: int  # line number in the file, as a spreadsheet shows it (header is 1)
    valeurs: dict[str, str]  # canonical column -> value (stripped)


@dataclass(frozen=True)
class Tableau:
    nom: str
    colonnes: tuple[str, ...]  # canonical names of the recognised columns
    inconnues: tuple[str, ...]  # header cells that were not recognised (kept for the report)
    lignes: tuple[Ligne, ...]


ENTETE_MAX = 64 * 1024  # characters: a header longer than this is not one

# Invisible characters that change what a letter prints without changing what it says: NUL,
# bidirectional overrides and isolates, zero-width spaces and joiners, word joiner, BOM.
_INVISIBLES = dict.fromkeys(
    [0, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]
)


def propre(texte: str) -> str:
    """A cell as the letters will print it: without the invisible characters above."""
    return texte.translate(_INVISIBLES)


def _first_line(text: str, nom: str) -> str:
    fin = text.find("\n", 0, ENTETE_MAX + 1)
    if fin < 0 and len(text) > ENTETE_MAX:
        raise TableauIllisible(
            f"{nom} : la première ligne dépasse {ENTETE_MAX // 1024} Ko : ce n'est pas un "
            "en-tête de colonnes CSV"
        )
    return text[: fin if fin >= 0 else len(text)].rstrip("\r")


def read_table(
    data: bytes, nom: str, aliases: dict[str, Iterable[str]], requises: Iterable[str]
) -> Tableau:
    """Parse a CSV; ``aliases`` maps a canonical column to the ``cle()`` forms it may take."""
    text = decode(data, nom)
    lookup = {cle(c): c for c in aliases}
    for canonical, forms in aliases.items():
        lookup.update({f: canonical for f in forms})
    header_line = _first_line(text, nom)
    best: tuple[int, str] = (-1, ";")
    for sep in (";", ",", "\t"):
        cells = next(csv.reader([header_line], delimiter=sep), [])
        score = sum(1 for c in cells if cle(c) in lookup)
        if score > best[0]:
            best = (score, sep)
    sep = best[1]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        raise TableauIllisible(f"{nom} : fichier vide") from None
    except csv.Error as exc:
        raise TableauIllisible(f"{nom} : en-tête illisible ({exc})") from None
    mapping: list[str | None] = []
    inconnues = []
    for cell in header:
        canonical = lookup.get(cle(cell))
        if canonical in mapping:  # the same column twice: keep the first
            canonical = None
        mapping.append(canonical)
        if canonical is None and cell.strip():
            inconnues.append(cell.strip())
    manquantes = [c for c in requises if c not in mapping]
    if manquantes:
        raise TableauIllisible(
            f"{nom} : colonne{'s' if len(manquantes) > 1 else ''} obligatoire"
            f"{'s' if len(manquantes) > 1 else ''} absente{'s' if len(manquantes) > 1 else ''} : "
            + ", ".join(manquantes)
            + f" (séparateur lu : « {'tabulation' if sep == chr(9) else sep} »)"
        )
    lignes = []
    start = reader.line_num + 1
    for row in _rows(reader):
        if any(cell.strip() for cell in row):
            valeurs = {
                col: retablir(propre(row[i]).strip()) if i < len(row) else ""
                for i, col in enumerate(mapping)
                if col is not None
            }
            lignes.append(Ligne(start, valeurs))
        start = reader.line_num + 1
    colonnes = tuple(c for c in mapping if c is not None)
    return Tableau(nom, colonnes, tuple(inconnues), tuple(lignes))


def _rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as exc:
        raise TableauIllisible(f"ligne mal formée ({exc})") from None


# A cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection):
# written with a leading apostrophe, which spreadsheets show as text and our import removes.
DECLENCHEURS = ("=", "+", "-", "@", "\t", "\r")


def neutraliser(valeur: object) -> object:
    """``valeur`` as a spreadsheet can only read it as text."""
    if isinstance(valeur, str) and valeur.startswith(DECLENCHEURS):
        return "'" + valeur
    return valeur


def retablir(texte: str) -> str:
    """Undo ``neutraliser`` (a file we wrote, imported back, gives the same values)."""
    if len(texte) > 1 and texte[0] == "'" and texte[1] in DECLENCHEURS:
        return texte[1:]
    return texte


def write_table(colonnes: list[str], lignes: Iterable[Iterable[object]]) -> bytes:
    """What a French spreadsheet opens directly: ';' and UTF-8 with BOM; no cell can be read
    as a formula."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutraliser(c) for c in colonnes])
    writer.writerows([neutraliser(c) for c in ligne] for ligne in lignes)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
