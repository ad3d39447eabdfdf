"""The rules engine's edge cases, as a table: the unit tests run each of them, and
``bench.bench_regles`` prints how many pass. Each case is what a gestionnaire would answer,
reading the seeds, for one candidature on one day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.services.exigences import Verdict

D = dt.date
EXIGEE, NON, RIEN = Verdict.EXIGEE, Verdict.NON_EXIGEE, None
RECENSEMENT, JDC = "recensement", "participation à la JDC"
NE_EN_2000 = D(2000, 6, 15)


@dataclass(frozen=True)
class Cas:
    """The verdict on one genre of pièce (None: the table says nothing)."""

    intitule: str
    genre: str
    jour: dt.date
    verdict: Verdict | None
    naissance: dt.date | None = NE_EN_2000
    handicap: bool | None = False
    examen: str = "BCP"
    specialite: str = "Logistique"
    categorie: str = "INDIVIDUEL"
    attendu: str = ""  # a word of the expected proof, when exigée
    echeance: dt.date | None = None
    session: str = ""


CAS = [
    # The JDC, by age on the reference day (the closing date, in Paris).
    Cas("17 ans : recensement", "jdc", D(2023, 12, 1), EXIGEE, D(2006, 3, 1), attendu=RECENSEMENT),
    Cas(
        "veille du 18e anniversaire : recensement encore",
        "jdc",
        D(2023, 12, 1),
        EXIGEE,
        D(2005, 12, 2),
        attendu=RECENSEMENT,
    ),
    Cas(
        "18e anniversaire le jour de référence : certificat JDC",
        "jdc",
        D(2023, 12, 1),
        EXIGEE,
        D(2005, 12, 1),
        attendu=JDC,
    ),
    Cas("20 ans : certificat JDC", "jdc", D(2023, 12, 1), EXIGEE, D(2003, 5, 4), attendu=JDC),
    Cas(
        "veille du 25e anniversaire : encore exigée",
        "jdc",
        D(2023, 12, 1),
        EXIGEE,
        D(1998, 12, 2),
        attendu=JDC,
    ),
    Cas(
        "25e anniversaire le jour de la clôture : non exigée",
        "jdc",
        D(2023, 12, 1),
        NON,
        D(1998, 12, 1),
    ),
    Cas("26 ans : non exigée", "jdc", D(2023, 12, 1), NON, D(1997, 1, 10)),
    Cas("41 ans : non exigée", "jdc", D(2023, 12, 1), NON, D(1982, 7, 30)),
    Cas(
        "né un 29 février, le 28 février de ses 25 ans : exigée",
        "jdc",
        D(2025, 2, 28),
        EXIGEE,
        D(2000, 2, 29),
        attendu=JDC,
    ),
    Cas(
        "né un 29 février, le 1er mars de ses 25 ans : non exigée",
        "jdc",
        D(2025, 3, 1),
        NON,
        D(2000, 2, 29),
    ),
    Cas(
        "né un 29 février, le 28 février de ses 18 ans : recensement",
        "jdc",
        D(2026, 2, 28),
        EXIGEE,
        D(2008, 2, 29),
        attendu=RECENSEMENT,
    ),
    Cas(
        "né un 29 février, le 1er mars de ses 18 ans : certificat JDC",
        "jdc",
        D(2026, 3, 1),
        EXIGEE,
        D(2008, 2, 29),
        attendu=JDC,
    ),
    Cas(
        "né un 29 février, 24 ans un 29 février",
        "jdc",
        D(2028, 2, 29),
        EXIGEE,
        D(2004, 2, 29),
        attendu=JDC,
    ),
    Cas(
        "né un 29 février, 25 ans au 1er mars d'une année commune",
        "jdc",
        D(2029, 3, 1),
        NON,
        D(2004, 2, 29),
    ),
    Cas(
        "né le 31 décembre, la veille de ses 25 ans",
        "jdc",
        D(2023, 12, 30),
        EXIGEE,
        D(1998, 12, 31),
        attendu=JDC,
    ),
    Cas(
        "né le 1er janvier, le 31 décembre de ses 24 ans",
        "jdc",
        D(2023, 12, 31),
        EXIGEE,
        D(1999, 1, 1),
        attendu=JDC,
    ),
    Cas(
        "né le 1er janvier, le 1er janvier de ses 25 ans", "jdc", D(2024, 1, 1), NON, D(1999, 1, 1)
    ),
    Cas("date de naissance inconnue : rien", "jdc", D(2023, 12, 1), RIEN, None),
    Cas(
        "handicap sans effet sur la JDC",
        "jdc",
        D(2023, 12, 1),
        EXIGEE,
        D(2003, 5, 4),
        handicap=True,
        attendu=JDC,
    ),
    # The notification d'aménagement, by « Handicap ».
    Cas(
        "Handicap : Oui : notification exigée",
        "amenagement",
        D(2023, 12, 1),
        EXIGEE,
        handicap=True,
        attendu="aménagement",
    ),
    Cas("Handicap : Non : non exigée", "amenagement", D(2023, 12, 1), NON, handicap=False),
    Cas("Handicap non renseigné : rien", "amenagement", D(2023, 12, 1), RIEN, handicap=None),
    Cas(
        "Handicap : Oui à 45 ans : exigée",
        "amenagement",
        D(2023, 12, 1),
        EXIGEE,
        D(1978, 1, 1),
        handicap=True,
    ),
    # The R408 attestation: the BP spécialités of the seeds' table.
    Cas(
        "BP Couvreur : R408",
        "r408",
        D(2023, 12, 1),
        EXIGEE,
        examen="BP",
        specialite="Couvreur",
        attendu="échafaudages",
    ),
    Cas("BP Maçon : R408", "r408", D(2023, 12, 1), EXIGEE, examen="BP", specialite="Maçon"),
    Cas(
        "BP MACON sans accent : R408",
        "r408",
        D(2023, 12, 1),
        EXIGEE,
        examen="BP",
        specialite="MACON",
    ),
    Cas(
        "BP Charpentier bois : R408",
        "r408",
        D(2023, 12, 1),
        EXIGEE,
        examen="BP",
        specialite="Charpentier bois",
    ),
    Cas(
        "BP Métiers de la pierre : R408",
        "r408",
        D(2023, 12, 1),
        EXIGEE,
        examen="BP",
        specialite="Métiers de la pierre",
    ),
    Cas(
        "BP Étanchéité : R408",
        "r408",
        D(2023, 12, 1),
        EXIGEE,
        examen="BP",
        specialite="Étanchéité du bâtiment et des travaux publics",
    ),
    Cas("BP Métallier : R408", "r408", D(2023, 12, 1), EXIGEE, examen="BP", specialite="Métallier"),
    Cas(
        "BP Menuisier aluminium-verre (trait d'union) : R408",
        "r408",
        D(2023, 12, 1),
        EXIGEE,
        examen="BP",
        specialite="Menuisier aluminium-verre",
    ),
    Cas(
        "BP Métiers du plâtre et de l'isolation (apostrophe) : R408",
        "r408",
        D(2023, 12, 1),
        EXIGEE,
        examen="BP",
        specialite="Métiers du plâtre et de l'isolation",
    ),
    Cas(
        "BP Peintre applicateur de revêtements : R408",
        "r408",
        D(2023, 12, 1),
        EXIGEE,
        examen="BP",
        specialite="Peintre applicateur de revêtements",
    ),
    Cas(
        "BP Coiffure : la table ne dit rien",
        "r408",
        D(2023, 12, 1),
        RIEN,
        examen="BP",
        specialite="Coiffure",
    ),
    Cas(
        "BP Maçonnerie paysagère : un mot entier seulement",
        "r408",
        D(2023, 12, 1),
        RIEN,
        examen="BP",
        specialite="Maçonnerie paysagère",
    ),
    Cas(
        "Bac pro bâtiment : la table ne dit rien",
        "r408",
        D(2023, 12, 1),
        RIEN,
        examen="BCP",
        specialite="Technicien du bâtiment : organisation et réalisation du gros œuvre",
    ),
    Cas(
        "CAP Couvreur : la table (BP) ne dit rien",
        "r408",
        D(2023, 12, 1),
        RIEN,
        examen="CAP",
        specialite="Couvreur",
    ),
    Cas(
        "BP Couvreur, session 2024 (clôture en décembre 2023) : avant le 8 mars 2024",
        "r408",
        D(2023, 12, 1),
        EXIGEE,
        examen="BP",
        specialite="Couvreur",
        echeance=D(2024, 3, 8),
        session="2024",
    ),
    Cas(
        "BP Couvreur, session 2025 : pas de date connue",
        "r408",
        D(2024, 12, 1),
        EXIGEE,
        examen="BP",
        specialite="Couvreur",
        echeance=None,
        session="2025",
    ),
    # The attestations of professional activity: the BP's candidats individuels must show
    # some; the BCP's may (one route of three), so the table does not require them.
    Cas(
        "BP individuel : activité professionnelle exigée",
        "activite",
        D(2024, 12, 1),
        EXIGEE,
        examen="BP",
        attendu="période d'activité",
    ),
    Cas(
        "BP à distance (CNED) : activité exigée aussi",
        "activite",
        D(2024, 12, 1),
        EXIGEE,
        examen="BP",
        categorie="CNED",
        attendu="période d'activité",
    ),
    Cas(
        "BP en formation continue : rien",
        "activite",
        D(2024, 12, 1),
        RIEN,
        examen="BP",
        categorie="FORMATION CONTINUE",
    ),
    Cas(
        "BCP individuel : activité non exigée par la table (une voie sur trois)",
        "activite",
        D(2024, 12, 1),
        RIEN,
    ),
]


@dataclass(frozen=True)
class CasCni:
    """The last valid day of a CNI of 1988, from its month of issue."""

    intitule: str
    delivrance: tuple[int, int]
    naissance: dt.date | None
    fin: dt.date
    ans: int


CAS_CNI = [
    CasCni("délivrée en 2010 à un majeur : 15 ans", (2010, 3), D(1980, 5, 1), D(2025, 3, 31), 15),
    CasCni("délivrée en 2010 à un mineur : 10 ans", (2010, 3), D(2000, 5, 1), D(2020, 3, 31), 10),
    CasCni(
        "18 ans dans le mois de délivrance : le doute profite (15 ans)",
        (2010, 3),
        D(1992, 3, 15),
        D(2025, 3, 31),
        15,
    ),
    CasCni(
        "délivrée en décembre 2003 à un majeur : 10 ans",
        (2003, 12),
        D(1970, 1, 1),
        D(2013, 12, 31),
        10,
    ),
    CasCni(
        "délivrée en janvier 2004 à un majeur : 15 ans",
        (2004, 1),
        D(1970, 1, 1),
        D(2019, 1, 31),
        15,
    ),
    CasCni("délivrée en 2016 à un majeur : 15 ans", (2016, 6), D(1990, 1, 1), D(2031, 6, 30), 15),
    CasCni(
        "délivrée en décembre 2013 à un majeur : 15 ans",
        (2013, 12),
        D(1980, 1, 1),
        D(2028, 12, 31),
        15,
    ),
    CasCni(
        "délivrée un mois de février bissextile : fin au 28 février",
        (2012, 2),
        D(1992, 2, 29),
        D(2027, 2, 28),
        15,
    ),
    CasCni(
        "né un 29 février, majeur le 28 février 2010 (année commune) : 15 ans",
        (2010, 2),
        D(1992, 2, 29),
        D(2025, 2, 28),
        15,
    ),
    CasCni("naissance inconnue : la validité la plus longue", (2010, 3), None, D(2025, 3, 31), 15),
    CasCni(
        "délivrée à un mineur de 16 ans en 2012 : 10 ans",
        (2012, 9),
        D(1996, 1, 1),
        D(2022, 9, 30),
        10,
    ),
]


@dataclass(frozen=True)
class CasJour:
    """The reference day of a campaign closing at ``cloture`` (UTC)."""

    intitule: str
    cloture: dt.datetime | None
    session: str
    jour: dt.date


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


CAS_JOUR = [
    CasJour("clôture à 17 h à Paris", _utc(2023, 12, 1, 16, 0), "2024", D(2023, 12, 1)),
    CasJour(
        "clôture à 0 h 30 à Paris : déjà le 1er décembre",
        _utc(2023, 11, 30, 23, 30),
        "2024",
        D(2023, 12, 1),
    ),
    CasJour("clôture à minuit en été (UTC+2)", _utc(2024, 6, 30, 22, 0), "2025", D(2024, 7, 1)),
    CasJour(
        "clôture à 23 h 59 à Paris : encore le 30",
        _utc(2023, 11, 30, 22, 59),
        "2024",
        D(2023, 11, 30),
    ),
    CasJour("sans clôture : le 1er juin de la session", None, "2024", D(2024, 6, 1)),
]


@dataclass(frozen=True)
class CasActivite:
    """The length of these periods, and whether it meets what the table asks of the examen
    and catégorie (``suffit`` None: it asks for none); ``atteintes``: the cases' lengths met
    (in months)."""

    intitule: str
    periodes: tuple[tuple[dt.date, dt.date], ...]
    duree: tuple[int, int]
    suffit: bool | None
    examen: str = "BCP"
    categorie: str = "INDIVIDUEL"
    atteintes: tuple[int, ...] = ()


TROIS_ANS = ((D(2020, 9, 1), D(2023, 8, 31)),)
CAS_ACTIVITE = [
    CasActivite("BCP : trois ans jour pour jour", TROIS_ANS, (36, 0), True, atteintes=(36,)),
    CasActivite(
        "BCP : un jour de moins que trois ans", ((D(2020, 9, 2), D(2023, 8, 31)),), (35, 30), False
    ),
    CasActivite(
        "BCP : deux contrats qui se suivent font une période",
        ((D(2020, 9, 1), D(2021, 12, 31)), (D(2022, 1, 1), D(2023, 8, 31))),
        (36, 0),
        True,
        atteintes=(36,),
    ),
    CasActivite(
        "BCP : deux attestations du même emploi ne comptent qu'une fois",
        ((D(2021, 9, 1), D(2023, 8, 31)), (D(2022, 9, 1), D(2023, 8, 31))),
        (24, 0),
        False,
    ),
    CasActivite(
        "BCP : depuis un 29 février, trois ans au 28 février",
        ((D(2020, 2, 29), D(2023, 2, 28)),),
        (36, 0),
        True,
        atteintes=(36,),
    ),
    CasActivite(
        "BCP : les jours restants s'ajoutent (30 font un mois)",
        ((D(2020, 1, 1), D(2022, 6, 20)), (D(2022, 9, 1), D(2023, 3, 10))),
        (36, 0),
        True,
        atteintes=(36,),
    ),
    CasActivite(
        "BCP à distance : aucune durée demandée", TROIS_ANS, (36, 0), None, categorie="CNED"
    ),
    CasActivite(
        "BP : cinq ans suffisent dans tous les cas",
        ((D(2018, 9, 1), D(2023, 8, 31)),),
        (60, 0),
        True,
        "BP",
        atteintes=(60, 24, 6),
    ),
    CasActivite(
        "BP : trois ans, seulement avec un diplôme de niveau 3",
        TROIS_ANS,
        (36, 0),
        False,
        "BP",
        atteintes=(24, 6),
    ),
    CasActivite(
        "BP : six mois, seulement avec un bac pro du secteur",
        ((D(2023, 3, 1), D(2023, 8, 31)),),
        (6, 0),
        False,
        "BP",
        atteintes=(6,),
    ),
    CasActivite(
        "BP : cinq mois et 30 jours ne font pas six mois",
        ((D(2023, 3, 2), D(2023, 8, 31)),),
        (5, 30),
        False,
        "BP",
    ),
]
