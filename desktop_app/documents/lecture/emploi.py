"""Periods of employment, read in an employer's attestation or a certificat de travail, and
their length: the years of professional activity some candidates must show (the BCP's three
years as a salarié, the BP's two or five; ``resources/exigences.toml``).

A length is counted on the calendar: whole months from the first day to the day after the
last, the days left over by several periods added up (30 of them make a month); periods that
overlap (two attestations of one job) count once."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .texte import DATES, MOTIF_DATE, Boite, Mot, TexteDesMots, date_trouvee

# An employer's attestation or a certificat de travail: the words that say the page is one
# (a period « du … au … » elsewhere — a certificate's validity, a school year — is not work).
_EMPLOI = re.compile(
    r"(?i)\b(?:employ[ée]e?s?|salari[ée]e?s?|emploi|en qualit[ée] de|certificat de travail"
    r"|contrat de travail|attestation d['’]employeur)\b"
)
_DATE_SANS_NOMS = re.sub(r"\?P<\w+>", "", MOTIF_DATE)
_PERIODE = re.compile(
    rf"(?i)\b(?:du|depuis le|à compter du|entr[ée]e?\s+le)\s+(?P<debut>{_DATE_SANS_NOMS})"
    rf"(?:\s*,?\s*(?:au|jusqu['’]au|et\s+sorti(?:e|\(e\))?\s+le)\s+(?P<fin>{_DATE_SANS_NOMS}))?"
)
_FAIT_LE = re.compile(rf"(?i)\bfait\s+(?:à\s+[^,\n]{{1,40}},?\s+)?le\s+(?:{MOTIF_DATE})")
_TEMPS_PARTIEL = re.compile(r"(?i)\b(?:temps partiel|mi-temps|à \d{2} ?%)")


@dataclass(frozen=True)
class PeriodeLue:
    debut: date
    fin: date | None  # None: « depuis le … », still employed when the attestation was written
    confiance: float
    boite: Boite | None


@dataclass(frozen=True)
class EmploiLu:
    periodes: tuple[PeriodeLue, ...]
    fait_le: date | None  # the attestation's date (« Fait à …, le … »)
    temps_partiel: bool


def _date_ecrite(texte: str | None) -> date | None:
    m = DATES.fullmatch(texte) if texte else None
    return date_trouvee(m) if m else None


def emploi_dans(lignes: list[list[Mot]]) -> EmploiLu | None:
    """The periods of employment an attestation states (« du 01/09/2019 au 31/08/2022 »,
    « depuis le 3 janvier 2022 », « entré le … et sorti le … »), once each, and the day it
    was written; None when the words are not an employment's (no « employé », « salarié »,
    « en qualité de », « certificat de travail »…)."""
    texte = TexteDesMots(lignes)
    if not _EMPLOI.search(texte.texte):
        return None
    periodes: dict[tuple[date, date | None], PeriodeLue] = {}
    for m in _PERIODE.finditer(texte.texte):
        debut, fin = _date_ecrite(m["debut"]), _date_ecrite(m["fin"])
        if debut is None or (fin is not None and fin < debut) or debut.year < 1950:
            continue
        trouve = texte.trouve("periode", "", (m.start(), m.end()))
        periodes.setdefault((debut, fin), PeriodeLue(debut, fin, trouve.confiance, trouve.boite))
    fait = _FAIT_LE.search(texte.texte)
    return EmploiLu(tuple(periodes.values()), date_trouvee(fait) if fait else None,
                    bool(_TEMPS_PARTIEL.search(texte.texte)))  # fmt: skip


def fusionner(periodes: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """The periods with those that overlap or follow each other day after day made one."""
    resultat: list[tuple[date, date]] = []
    for debut, fin in sorted(periodes):
        if resultat and debut <= resultat[-1][1] + timedelta(days=1):
            resultat[-1] = (resultat[-1][0], max(resultat[-1][1], fin))
        else:
            resultat.append((debut, fin))
    return resultat


def plus_mois(jour: date, mois: int) -> date:
    """The same day ``mois`` months later; where that month has no such day, the 1st of the
    next (as a 29 February's anniversary is the 1st of March: ``exigences.anniversaire``)."""
    annee, m = divmod(jour.month - 1 + mois, 12)
    annee += jour.year
    if jour.day <= calendar.monthrange(annee, m + 1)[1]:
        return date(annee, m + 1, jour.day)
    return date(annee + (m + 1) // 12, (m + 1) % 12 + 1, 1)


def duree(periodes: Iterable[tuple[date, date]]) -> tuple[int, int]:
    """(months, days) worked over these periods, each counted from its first day to its last
    included, overlaps once: 01/09/2019–31/08/2022 is 36 months. The days left over by
    several periods add up, 30 of them making a month; one period's own (at most 30: from
    the 2nd of August to the 31st) stay days: a day short of three years is not three years."""
    mois = jours = 0
    fusionnees = fusionner(periodes)
    for debut, fin in fusionnees:
        apres = fin + timedelta(days=1)
        entiers = (apres.year - debut.year) * 12 + apres.month - debut.month
        while entiers and plus_mois(debut, entiers) > apres:
            entiers -= 1
        mois += entiers
        jours += (apres - plus_mois(debut, entiers)).days
    if len(fusionnees) > 1:
        mois, jours = mois + jours // 30, jours % 30
    return mois, jours


def en_toutes_lettres(mois: int, jours: int = 0) -> str:
    """« 3 ans », « 2 ans et 4 mois », « 8 mois et 12 jours », « moins d'un jour »."""
    ans, mois = divmod(mois, 12)
    morceaux = [f"{n} {mot}{'s' if n > 1 and mot != 'mois' else ''}"
                for n, mot in ((ans, "an"), (mois, "mois"), (jours, "jour")) if n]  # fmt: skip
    if not morceaux:
        return "aucune durée"
    return " et ".join([", ".join(morceaux[:-1]), morceaux[-1]] if len(morceaux) > 1
                       else morceaux)  # fmt: skip


def ecrire(mois: int, jours: int = 0) -> str:
    """A length as the reading stores it: « P36M12D »."""
    return f"P{mois}M{jours}D"


_ECRITE = re.compile(r"P(\d+)M(\d+)D")
_TAPEE = re.compile(
    r"(?i)^\s*(?:(\d+)\s*ans?)?\s*(?:,|et)?\s*(?:(\d+)\s*mois)?\s*(?:,|et)?"
    r"\s*(?:(\d+)\s*jours?)?\s*$"
)


def lire(texte: str) -> tuple[int, int] | None:
    """A length stored (« P36M12D ») or typed (« 3 ans », « 2 ans et 4 mois », « 38 mois »,
    « 8 mois 12 jours »); None when it is neither."""
    m = _ECRITE.fullmatch(texte.strip())
    if m:
        return int(m[1]), int(m[2])
    m = _TAPEE.match(texte)
    if m is None or not any(m.groups()):
        return None
    ans, mois, jours = (int(g or 0) for g in m.groups())
    return ans * 12 + mois + jours // 30, jours % 30
