"""Deadlines and worklists (à relancer, à annuler, suggestions), with hand-computed cases around
the night of a daylight-saving change, and on the demo campaign against the list's own état."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.models import Statut
from desktop_app.services.dates import parse_datetime
from desktop_app.services.echeances import Suite, echeance_piece, passee, suite_piece, suivi
from desktop_app.services.espace import Espace
from desktop_app.services.importer import importer_paquet
from desktop_app.services.lots import LIBEREES, liberer
from desktop_app.services.recherche import etat_de
from desktop_app.services.regles import EtatDossier
from desktop_app.services.requetes import campagnes, lister_candidatures
from tests.unit.printemps import importer_printemps

UTC = dt.UTC


@pytest.fixture
def printemps(espace: Espace, tmp_path: Path) -> int:
    return importer_printemps(espace, tmp_path / "p")


def _utc(texte: str) -> dt.datetime:
    return dt.datetime.fromisoformat(texte).replace(tzinfo=UTC)


def _listes(
    espace: Espace, campagne_id: int, maintenant: str, regles: bool = False
) -> dict[str, dict[str, list[str]]]:
    """The worklists by name; without ``regles``, without the pièces the rules add (the
    R408 attestation these BP Couvreur / Maçon dossiers lack: test_relances_follow_the_rules)."""
    with espace.db.read() as s:
        r = suivi(s, campagne_id, _utc(maintenant))
    return {
        nom: {
            d.destinataire.nom: codes
            for d in dossiers
            if (codes := [p.code for p in d.pieces if regles or p.piece_id is not None])
        }
        for nom, dossiers in (
            ("relancer", r.a_relancer),
            ("annuler", r.a_annuler),
            ("suggerer", r.suggestions),
        )
    }


def test_deadline_of_23_59_on_the_night_clocks_go_forward() -> None:
    # 30/03/2024 23:59 in Paris is still winter time (+01:00): 22:59 UTC.
    fin = parse_datetime("30/03/2024 23:59")
    assert fin == _utc("2024-03-30T22:59")
    assert not passee(fin, _utc("2024-03-30T22:59:59"))
    assert passee(fin, _utc("2024-03-30T23:00"))
    # The next evening is summer time (+02:00): 23:59 is 21:59 UTC, an hour earlier in UTC.
    fin = parse_datetime("31/03/2024 23:59")
    assert fin == _utc("2024-03-31T21:59")
    assert not passee(fin, _utc("2024-03-31T21:59:59"))
    assert passee(fin, _utc("2024-03-31T22:00"))
    # And back in October: 26/10/2024 23:59 is +02:00, 27/10/2024 23:59 is +01:00.
    assert parse_datetime("26/10/2024 23:59") == _utc("2024-10-26T21:59")
    assert parse_datetime("27/10/2024 23:59") == _utc("2024-10-27T22:59")


def test_long_lists_are_freed_a_slice_at_a_time() -> None:
    """The follow-up's 300,000 rows are freed ``LIBEREES`` at a time, from the end (one C call
    freeing them all held the interpreter 50-80 ms, the window frozen beside the thread); a
    row someone else holds lives on."""

    tranches: list[int] = []

    class Liste(list[object]):
        def __delitem__(self, cle: object) -> None:
            tranches.append(len(self[cle]))  # type: ignore[call-overload]
            super().__delitem__(cle)  # type: ignore[arg-type]

    gardee = ["gardée"]
    longue, courte = Liste([i] for i in range(2 * LIBEREES + 345)), Liste([gardee] * 3)
    liberer(longue, courte)
    assert longue == [] and courte == [] and gardee == ["gardée"]
    assert tranches == [LIBEREES, LIBEREES, 345, 3]


def test_rules_of_one_piece() -> None:
    fin, cloture = _utc("2024-03-30T22:59"), _utc("2024-04-05T15:00")
    avant, entre, apres = _utc("2024-03-29T00:00"), _utc("2024-04-01T00:00"), _utc("2024-04-06")
    assert echeance_piece(None, fin, cloture) == fin
    assert echeance_piece(None, None, cloture) == cloture
    assert echeance_piece(None, _utc("2024-05-01"), cloture) == cloture  # the earlier one
    assert echeance_piece(Statut.EN_ATTENTE_NOUVELLE_PJ, fin, cloture) == cloture
    assert suite_piece(None, False, fin, cloture, avant) == Suite.RELANCER
    assert suite_piece(None, True, fin, cloture, avant) == Suite.RIEN  # awaits the gestionnaire
    assert suite_piece(None, False, fin, cloture, entre) == Suite.SUGGERER_ATTENTE
    assert suite_piece(Statut.NON_CONFORME, True, fin, cloture, entre) == Suite.SUGGERER_ATTENTE
    assert suite_piece(Statut.EN_ATTENTE_NOUVELLE_PJ, False, fin, cloture, entre) == (
        Suite.RELANCER
    )
    assert suite_piece(Statut.RECUE, False, fin, cloture, entre) == Suite.RIEN
    assert suite_piece(Statut.CONFORME, True, fin, cloture, apres) == Suite.RIEN
    assert suite_piece(Statut.RECUE, True, fin, cloture, apres) == Suite.ANNULATION
    assert suite_piece(None, False, None, None, apres) == Suite.RELANCER  # no deadline at all


def test_worklists_before_and_after_each_deadline(espace: Espace, printemps: int) -> None:
    # 23:59:30 in Paris on 30 March: the confirmation's deadline has not passed.
    assert _listes(espace, printemps, "2024-03-30T22:59:30") == {
        "relancer": {
            "DUPONT": ["CINSIG01", "PSNATT03"],
            "MARTIN": ["CINSIG01"],
            "PETIT": ["CINSIG01", "1NATID01", "PSNATT03"],
        },
        "annuler": {},
        "suggerer": {},
    }
    # Midnight: the online confirmation is due; the postal JDC is due a day later.
    assert _listes(espace, printemps, "2024-03-30T23:00") == {
        "relancer": {"DUPONT": ["PSNATT03"], "PETIT": ["1NATID01", "PSNATT03"]},
        "annuler": {},
        "suggerer": {"DUPONT": ["CINSIG01"], "MARTIN": ["CINSIG01"], "PETIT": ["CINSIG01"]},
    }
    # 31 March 23:59:59 summer time, then midnight: the JDC is due.
    assert _listes(espace, printemps, "2024-03-31T21:59:59")["relancer"] == {
        "DUPONT": ["PSNATT03"],
        "PETIT": ["1NATID01", "PSNATT03"],
    }
    apres_jdc = _listes(espace, printemps, "2024-03-31T22:00")
    assert apres_jdc["relancer"] == {"PETIT": ["1NATID01"]}
    assert apres_jdc["suggerer"] == {
        "DUPONT": ["CINSIG01", "PSNATT03"],
        "MARTIN": ["CINSIG01"],
        "PETIT": ["CINSIG01", "PSNATT03"],
    }
    # Closing at 17:00 on 5 April (+02:00): still open during the minute 17:00, then closed.
    assert _listes(espace, printemps, "2024-04-05T15:00:59")["annuler"] == {}
    apres = _listes(espace, printemps, "2024-04-05T15:01")
    assert apres["relancer"] == {} and apres["suggerer"] == {}
    # Every pièce not Conforme is named (MARTIN's identity awaits the gestionnaire: still one).
    assert apres["annuler"] == {
        "DUPONT": ["CINSIG01", "PSNATT03"],
        "MARTIN": ["CINSIG01", "1NATID01", "PSNATT03"],
        "PETIT": ["CINSIG01", "1NATID01", "PSNATT03"],
    }


def test_relances_follow_the_rules(espace: Espace, printemps: int) -> None:
    """BP Couvreur and Maçon require the R408 attestation (seeds): every dossier lacks it, so
    every one is relancé for it until the closing date, with the rule's reason in the letter.
    A JDC certificate asked of a candidate of 25 or more is no longer relancé."""
    from sqlalchemy import select, update

    from desktop_app.models import Candidat

    avant = _listes(espace, printemps, "2024-03-30T22:59:30", regles=True)["relancer"]
    assert avant == {
        "DUPONT": ["CINSIG01", "PSNATT03", "ATR40801"],
        "ÉLOI": ["ATR40801"],
        "MARTIN": ["CINSIG01", "ATR40801"],
        "PETIT": ["CINSIG01", "1NATID01", "PSNATT03", "ATR40801"],
    }
    with espace.db.read() as s:
        r = suivi(s, printemps, _utc("2024-04-05T15:00:59"))
        r408 = [p for d in r.a_relancer for p in d.pieces if p.code == "ATR40801"]
    assert len(r408) == 4 and all(p.piece_id is None and p.statut is None for p in r408)
    assert {p.echeance for p in r408} == {r.cloture}
    assert r408[0].regle.startswith("spécialité « ")
    assert _listes(espace, printemps, "2024-04-05T15:01", regles=True)["relancer"] == {}
    with espace.db.write() as s:
        s.execute(update(Candidat).where(Candidat.nom_naissance == "DUPONT")
                  .values(date_naissance=dt.date(1990, 1, 1)))  # fmt: skip
        assert s.scalar(select(Candidat.date_naissance).limit(1)) is not None
    apres = _listes(espace, printemps, "2024-03-30T22:59:30", regles=True)["relancer"]
    assert apres["DUPONT"] == ["CINSIG01", "ATR40801"]


def test_worklists_in_the_order_of_names_as_read(espace: Espace, printemps: int) -> None:
    """Names compared without case, accents or hyphens, then first names, then the n°: an
    accented capital is not put after Z, nor a lower-case particle after the capitals."""
    from sqlalchemy import update

    from desktop_app.models import Candidat

    noms = {"00000000001": ("ELAN", "Zoé"), "00000000002": ("MARTIN", "Paul"),
            "00000000003": ("Élan", "Émile"), "00000000004": ("de Gaulle", "Anne")}  # fmt: skip
    with espace.db.write() as s:
        for n, (nom, prenoms) in noms.items():
            s.execute(update(Candidat).where(Candidat.n_candidat == n)
                      .values(nom_naissance=nom, prenoms=prenoms))  # fmt: skip
    with espace.db.read() as s:
        r = suivi(s, printemps, _utc("2024-03-30T22:59:30"))
    ordre = [(d.destinataire.nom, d.destinataire.prenoms) for d in r.a_relancer]
    assert ordre == [("de Gaulle", "Anne"), ("Élan", "Émile"), ("ELAN", "Zoé"),
                     ("MARTIN", "Paul")]  # fmt: skip


def test_demo_campaign_past_its_closing_date(espace_demo: Espace) -> None:
    espace = espace_demo  # the demo package, imported
    with espace.db.read() as s:
        campagne = campagnes(s)[0]
        assert campagne.cloture is not None
        apres = campagne.cloture + dt.timedelta(minutes=1)
        r = suivi(s, campagne.id, apres)
        lignes = lister_candidatures(s, campagne.id)
    incomplets = {
        ligne.id for ligne in lignes if etat_de(ligne, cloture_passee=True) == EtatDossier.INCOMPLET
    }
    assert incomplets and {d.destinataire.candidature_id for d in r.a_annuler} == incomplets
    assert not r.a_relancer and not r.suggestions
    # Every pièce named is not Conforme, and every pièce not Conforme is named.
    non_conformes = {ligne.id: ligne.conformes for ligne in lignes}
    for dossier in r.a_annuler:
        cid = dossier.destinataire.candidature_id
        ligne = next(x for x in lignes if x.id == cid)
        total = sum(ligne.compteurs)
        assert len(dossier.pieces) == total - non_conformes[cid]
        assert all(p.statut != Statut.CONFORME for p in dossier.pieces)


@pytest.mark.slow
@pytest.mark.parametrize("candidatures", [40, pytest.param(10_000, marks=pytest.mark.calcul)])
def test_the_worklists_are_those_of_the_reference(
    espace: Espace, candidatures: int, paquet_demo: Path
) -> None:
    """The worklists read as stored give the very lists (dossiers, their order, each pièce's
    fields) the reference gives, one object per pièce, on the demo campaign and on a generated
    10,000-candidature one, before its deadlines, between them and after its closing date."""
    from sqlalchemy import select, update

    from desktop_app.models import PieceCatalogue
    from desktop_app.services.demo import installer_demo
    from tests.conftest import REFERENCE
    from tests.unit import suivi_reference

    if candidatures == 40:
        importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    else:
        installer_demo(espace.db, espace.store, candidatures, reference=REFERENCE,
                       worker=espace.inspection)  # fmt: skip
    with espace.db.write() as s:  # half the pièces due 3 days before the closing date
        campagne = campagnes(s)[0]
        assert campagne.cloture is not None
        codes = s.scalars(select(PieceCatalogue.code).order_by(PieceCatalogue.code)).all()
        s.execute(
            update(PieceCatalogue)
            .where(PieceCatalogue.code.in_(codes[::2]))
            .values(fin=campagne.cloture - dt.timedelta(days=3))
        )
    with espace.db.read() as s:
        # The deadlines as seen before any of them (not today: the test ran after one of them,
        # a pièce due that day was no longer listed and no moment after it was compared).
        debut = dt.datetime(2026, 1, 1, tzinfo=UTC)
        fins = sorted({p.echeance for d in suivi(s, campagne.id, debut).a_relancer
                       for p in d.pieces})  # fmt: skip
        moments = [
            debut,
            *(f + dt.timedelta(minutes=1) for f in fins if f is not None),
            campagne.cloture + dt.timedelta(minutes=1),
        ]
        vus = set()
        for maintenant in moments:
            attendu = suivi_reference.suivi(s, campagne.id, maintenant)
            obtenu = suivi(s, campagne.id, maintenant)
            assert obtenu == attendu, maintenant
            listes = {"relancer": obtenu.a_relancer, "annuler": obtenu.a_annuler,
                      "suggerer": obtenu.suggestions}  # fmt: skip
            vus |= {nom for nom, liste in listes.items() if liste}
        sous_ensemble = [d.destinataire.candidature_id for d in attendu.a_annuler][::3]
        assert suivi(s, campagne.id, maintenant, sous_ensemble) == suivi_reference.suivi(
            s, campagne.id, maintenant, sous_ensemble
        )
    assert vus == {"relancer", "annuler", "suggerer"}  # every list was compared, not empty
