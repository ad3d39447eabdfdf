"""The rules engine: which pièces a candidature requires, from the table of the seeds' rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.documents.lecture import emploi
from desktop_app.models import Campagne, Candidat, Candidature, Piece
from desktop_app.models import PieceCatalogue as Catalogue
from desktop_app.services import exigences as ex
from desktop_app.services.espace import Espace
from tests.cas_exigences import (
    CAS,
    CAS_ACTIVITE,
    CAS_CNI,
    CAS_JOUR,
    Cas,
    CasActivite,
    CasCni,
    CasJour,
)


def test_the_table_has_the_fifty_edge_cases() -> None:
    assert len(CAS) + len(CAS_CNI) + len(CAS_JOUR) + len(CAS_ACTIVITE) >= 50


@pytest.mark.parametrize("cas", CAS_ACTIVITE, ids=[c.intitule for c in CAS_ACTIVITE])
def test_length_of_activity(cas: CasActivite) -> None:
    assert emploi.duree(cas.periodes) == cas.duree
    profil = ex.Profil(dt.date(1990, 5, 5), cas.examen, "Coiffure", cas.categorie, False, "2025")
    jugement = ex.juger_activite(cas.duree[0], ex.durees_exigees(profil, dt.date(2024, 12, 1)))
    if cas.suffit is None:
        assert jugement is None
        return
    assert jugement is not None and jugement.suffit == cas.suffit
    assert tuple(d.mois for d in jugement.atteintes) == cas.atteintes


@pytest.mark.parametrize("cas", CAS, ids=[c.intitule for c in CAS])
def test_verdict(cas: Cas) -> None:
    profil = ex.Profil(
        cas.naissance, cas.examen, cas.specialite, cas.categorie, cas.handicap, cas.session
    )
    verdict = ex.exigence(cas.genre, profil, cas.jour)
    if cas.verdict is None:
        assert verdict is None
        return
    assert verdict is not None and verdict.verdict == cas.verdict, verdict
    assert cas.attendu in verdict.attendu
    assert verdict.echeance == cas.echeance
    # Every verdict says why, and from which sentence of the seeds.
    assert verdict.raison and verdict.source and verdict.document


@pytest.mark.parametrize("cas", CAS_CNI, ids=[c.intitule for c in CAS_CNI])
def test_cni_validity(cas: CasCni) -> None:
    fin, raison = ex.fin_de_validite_cni(cas.delivrance, cas.naissance)
    assert fin == cas.fin
    assert ("15 ans" in raison or "5 ans de prolongation" in raison) == (cas.ans == 15)


@pytest.mark.parametrize("cas", CAS_JOUR, ids=[c.intitule for c in CAS_JOUR])
def test_reference_day_is_the_closing_date_in_paris(cas: CasJour) -> None:
    campagne = Campagne(examen="BCP", session=cas.session, academie="X", cloture=cas.cloture)
    assert ex.jour_de_reference(campagne) == cas.jour


def test_midnight_in_paris_decides_the_jdc() -> None:
    """Born on 1 December 1998, 25 on a closing at 0 h 30 in Paris on 1 December 2023 (still
    30 November in UTC): the JDC is no longer required."""
    campagne = Campagne(examen="BCP", session="2024", academie="X",
                        cloture=dt.datetime(2023, 11, 30, 23, 30, tzinfo=dt.UTC))  # fmt: skip
    profil = ex.Profil(dt.date(1998, 12, 1), "BCP", "Logistique", "INDIVIDUEL", False)
    verdict = ex.exigence("jdc", profil, ex.jour_de_reference(campagne))
    assert verdict is not None and verdict.verdict == ex.Verdict.NON_EXIGEE
    assert "25 ans le 01/12/2023" in verdict.raison


def test_reasons_say_the_candidature_values() -> None:
    vieux = ex.Profil(dt.date(1990, 1, 1), "BCP", "Logistique", "INDIVIDUEL", False)
    non = ex.exigence("jdc", vieux, dt.date(2023, 12, 1))
    assert non is not None
    assert non.message == "Pièce non exigée : 25 ans le 01/01/2015"
    assert "veille du 25ème anniversaire" in non.source
    jeune = ex.Profil(dt.date(2003, 5, 4), "BCP", "Logistique", "INDIVIDUEL", True)
    oui = ex.exigence("amenagement", jeune, dt.date(2023, 12, 1))
    assert oui is not None and oui.message == "Pièce exigée : « Handicap : Oui » à l'inscription"


def test_a_typo_in_the_table_is_refused() -> None:
    texte = """
[genres.jdc]
libelle = "JDC"
[[regles]]
genre = "jdc"
si = { age_moins_d = 25 }
attendu = "x"
source = "x"
document = "x"
"""
    with pytest.raises(ex.TableInvalide, match="age_moins_d"):
        ex.lire_table(texte)
    with pytest.raises(ex.TableInvalide, match="genre inconnu"):
        ex.lire_table(texte.replace('genre = "jdc"', 'genre = "jcd"'))


def test_the_catalogue_is_matched_by_code_then_by_libelle() -> None:
    assert ex.genre_de("PSNATT03", "") == "jdc"
    assert ex.genre_de("XX000001", "Certificat de participation à la Journée Défense et "
                       "Citoyenneté (JDC)") == "jdc"  # fmt: skip
    assert ex.genre_de("XX000002", "Attestation R 408 - échafaudages") == "r408"
    assert ex.genre_de("XX000003", "Notification d'aménagement d'épreuves") == "amenagement"
    assert ex.genre_de("1NATID01", "Document justifiant l'identité") is None


def test_dossier_disagreements() -> None:
    """A JDC certificate asked of a 30-year-old is « non exigée »; a notification missing from
    a dossier with « Handicap : Oui » is « manquante exigée », under the campaign's code."""
    profil = ex.Profil(dt.date(1993, 4, 2), "BCP", "Logistique", "INDIVIDUEL", True)
    pieces = {"jdc": (7, "PSNATT03", "Certificat JDC")}
    catalogue = {"jdc": ("PSNATT03", "Certificat JDC"), "amenagement": ("AMEN9", "Notif.")}
    ecarts = ex.ecarts(3, profil, pieces, catalogue, dt.date(2023, 12, 1))
    assert [(e.genre, e.piece_id, e.code, e.exigence.verdict) for e in ecarts] == [
        ("jdc", 7, "PSNATT03", ex.Verdict.NON_EXIGEE),
        ("amenagement", None, "AMEN9", ex.Verdict.MANQUANTE),
    ]
    # In agreement: nothing to say.
    jeune = ex.Profil(dt.date(2003, 4, 2), "BCP", "Logistique", "INDIVIDUEL", False)
    assert ex.ecarts(3, jeune, pieces, catalogue, dt.date(2023, 12, 1)) == []


def test_disagreements_of_the_demo_campaign(espace_demo: Espace) -> None:
    """Read in bulk from the base, the same verdicts as one dossier at a time."""
    espace = espace_demo  # the demo package, imported
    with espace.db.write() as s:
        campagne = s.scalars(select(Campagne)).one()
        jour = ex.jour_de_reference(campagne)
        # A handicap without its notification, and a JDC asked of an older candidate.
        amenag = s.scalar(select(Catalogue.id).where(Catalogue.code == "AMENAG01"))
        sans = s.scalar(select(Piece).where(Piece.catalogue_id == amenag).limit(1))
        assert sans is not None
        cid_handicap = sans.candidature_id
        s.execute(delete(Piece).where(Piece.id == sans.id))
        jdc = s.scalar(select(Piece).join(Catalogue).where(Catalogue.code == "PSNATT03").limit(1))
        assert jdc is not None
        candidat = s.get(Candidature, jdc.candidature_id).candidat  # type: ignore[union-attr]
        candidat.date_naissance = dt.date(jour.year - 30, 1, 1)
        cid_jdc, piece_jdc = jdc.candidature_id, jdc.id
    tous = espace.lire(lambda s: ex.ecarts_des_dossiers(s, campagne.id))
    manquante = [e for e in tous[cid_handicap] if e.genre == "amenagement"]
    assert len(manquante) == 1 and manquante[0].piece_id is None
    assert manquante[0].code == "AMENAG01"
    assert manquante[0].exigence.verdict == ex.Verdict.MANQUANTE
    non = [e for e in tous[cid_jdc] if e.genre == "jdc"]
    assert len(non) == 1 and non[0].piece_id == piece_jdc
    assert non[0].exigence.verdict == ex.Verdict.NON_EXIGEE
    # Bulk, one by one, and the plain judgement of each dossier agree on every dossier.
    assert tous == espace.lire(lambda s: _un_par_un(s, campagne.id))
    ids = espace.lire(lambda s: list(s.scalars(select(Candidature.id))))
    for cid in ids[:10]:
        seul = espace.lire(lambda s, cid=cid: ex.ecarts_des_dossiers(s, campagne.id, [cid]))
        assert seul.get(cid, []) == tous.get(cid, [])
    # The dossier being opened is judged on its own values: the same verdicts.
    assert espace.lire(lambda s: {c: ex.ecarts_du_dossier(s, c) for c in ids}) == {
        c: tous.get(c, []) for c in ids
    }


def _un_par_un(s: Session, campagne_id: int) -> dict[int, list[ex.Ecart]]:
    """The oracle: each dossier judged by ``ecarts`` on its own values, no SQL condition."""
    campagne = s.get(Campagne, campagne_id)
    assert campagne is not None
    entrees = ex.catalogue_par_genre(s, campagne_id)
    catalogue: dict[str, tuple[str, str]] = {}
    for genre, code, libelle in entrees.values():
        catalogue.setdefault(genre, (code, libelle))
    resultat = {}
    for c in s.scalars(select(Candidature).where(Candidature.campagne_id == campagne_id)):
        profil = ex.Profil(c.candidat.date_naissance, campagne.examen, c.specialite,
                           c.categorie, c.handicap, campagne.session)  # fmt: skip
        pieces = {entrees[p.catalogue_id][0]: (p.id, *entrees[p.catalogue_id][1:])
                  for p in c.pieces if p.catalogue_id in entrees}  # fmt: skip
        trouves = ex.ecarts(c.id, profil, pieces, catalogue, ex.jour_de_reference(campagne))
        if trouves:
            resultat[c.id] = trouves
    return resultat


def test_bulk_judgement_on_a_bp_campaign_agrees_with_the_plain_one(
    espace: Espace, tmp_path: Path
) -> None:
    """A BP campaign (Couvreur, Maçon: the R408), birth dates around the 18th and 25th
    birthdays on the closing day, handicap Oui / Non / unknown, some without a birth date."""
    import random

    from tests.unit.printemps import importer_printemps

    campagne_id = importer_printemps(espace, tmp_path / "p")
    rng = random.Random(7)
    with espace.db.write() as s:
        campagne = s.get(Campagne, campagne_id)
        assert campagne is not None
        jour = ex.jour_de_reference(campagne)
        modele = s.scalars(select(Candidature)).first()
        assert modele is not None
        jdc = next(p.catalogue_id for p in modele.pieces if p.catalogue.code == "PSNATT03")
        for k in range(300):
            candidat = Candidat(n_candidat=f"9{k:010d}", nom_naissance=f"N{k}", prenoms="P",
                                date_naissance=None if k % 37 == 0 else
                                ex.dernier_ne(jour, rng.choice((18, 25)))
                                + dt.timedelta(days=rng.randint(-2, 2)))  # fmt: skip
            c = Candidature(campagne_id=campagne_id, candidat=candidat, n_inscription="001",
                            specialite=rng.choice(("Couvreur", "Maçon", "Coiffure", "MACON")),
                            handicap=rng.choice((True, False, None)))  # fmt: skip
            s.add(c)
            if rng.random() < 0.6:
                c.pieces.append(Piece(catalogue_id=jdc))
    tous = espace.lire(lambda s: ex.ecarts_des_dossiers(s, campagne_id))
    assert tous == espace.lire(lambda s: _un_par_un(s, campagne_id))
    ids = espace.lire(lambda s: list(s.scalars(select(Candidature.id))))
    assert espace.lire(lambda s: {c: ex.ecarts_du_dossier(s, c) for c in ids}) == {
        c: tous.get(c, []) for c in ids
    }
    genres = {(e.genre, e.exigence.verdict) for liste in tous.values() for e in liste}
    assert genres == {
        ("jdc", ex.Verdict.NON_EXIGEE),
        ("jdc", ex.Verdict.MANQUANTE),
        ("r408", ex.Verdict.MANQUANTE),
        ("amenagement", ex.Verdict.MANQUANTE),
    }


def test_last_birth_date_of_an_age_agrees_with_the_birthday() -> None:
    """The bulk judgement compares birth dates with ``dernier_ne``: the same answer as the
    birthday itself, leap days and year ends included."""
    import random

    rng = random.Random(4)
    jours = [dt.date(2025, 2, 28), dt.date(2025, 3, 1), dt.date(2028, 2, 29), dt.date(2023, 12, 31),
             dt.date(2024, 1, 1)] + [dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(3000))
                                     for _ in range(40)]  # fmt: skip
    for jour in jours:
        for ans in (18, 25):
            coupure = ex.dernier_ne(jour, ans)
            for delta in range(-400, 400, 1):
                naissance = coupure + dt.timedelta(days=delta)
                assert (naissance <= coupure) == (ex.anniversaire(naissance, ans) <= jour)
