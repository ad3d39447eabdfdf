"""Names and words compared without case, accents or punctuation: one normalisation for the
search, the sorts, the letters' order and the rules' matching of spécialités."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letters that carry no combining accent, and the word separators inside names.
_REMPLACEMENTS = (
    ("œ", "oe"), ("æ", "ae"), ("ß", "ss"), ("ø", "o"), ("ł", "l"), ("đ", "d"), ("’", " "),
)  # fmt: skip
_ACCENTS = re.compile("[\u0300-\u036f]")  # combining diacritical marks, once decomposed
_SEPARATEUR = "\x1f"  # between the texts normalised together (absent from names)
# Texts normalised together. Each C call on their join holds the interpreter throughout: on
# 100,000 names at once, 50-80 ms in the thread reading the campaign after an import, during
# which the window could run no Python (bench_fluidite); on 5,000, a few milliseconds.
TRANCHE = 5_000


def normaliser(texte: str) -> str:
    """Lower case, without accents, hyphens and apostrophes as spaces: "Hélène" -> "helene",
    "Jean-Noël" -> "jean noel", "Œuvray" -> "oeuvray". Done by C string methods rather than a
    character table (a table walks every character in Python: 3 times slower)."""
    texte = texte.lower()
    if not texte.isascii():
        for avant, apres in _REMPLACEMENTS:
            texte = texte.replace(avant, apres)
        texte = _ACCENTS.sub("", unicodedata.normalize("NFKD", texte))
    return texte.replace("-", " ").replace("'", " ")


def normaliser_tous(textes: Iterable[str]) -> list[str]:
    """``normaliser`` of each text, joined ``TRANCHE`` at a time (at 100,000 names, several
    times faster than a call per name)."""
    textes = list(textes)
    resultat: list[str] = []
    for debut in range(0, len(textes), TRANCHE):
        tranche = textes[debut : debut + TRANCHE]
        normalises = normaliser(_SEPARATEUR.join(tranche)).split(_SEPARATEUR)
        if len(normalises) != len(tranche):  # a text held the separator: one at a time
            normalises = [normaliser(t) for t in tranche]
        resultat += normalises
    return resultat
