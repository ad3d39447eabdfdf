"""The years of professional activity: periods read in employer attestations (typed or
scanned), their length counted on the calendar, judged against the table's lengths for the
candidature's examen and catégorie, kept as an avertissement until the length suffices or
the gestionnaire gives it."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.documents.lecture import emploi
from desktop_app.documents.lecture.document import OCR, TEXTE_PDF, Lu, Valeur, lire_document
from desktop_app.documents.lecture.texte import Mot
from desktop_app.models import Avertissement, Depot
from desktop_app.services import demo
from desktop_app.services.activite import MOTIF_ACTIVITE, activite_du_dossier, lu_avec_activite
from desktop_app.services.avertissements import (
    GENRES_LECTURE,
    correction_enregistree,
    lecture_enregistree,
)
from desktop_app.services.espace import Espace
from desktop_app.services.exigences import Profil, durees_exigees, juger_activite
from desktop_app.services.lecture import CorrectionRefusee, valeur_corrigee
from desktop_app.services.regles import MOTIFS_NON_CONFORMITE
from tests.unit.test_rescans import _fichier

D = dt.date


@pytest.mark.parametrize(
    ("periodes", "attendu"),
    [
        ([(D(2019, 9, 1), D(2022, 8, 31))], (36, 0)),  # three school years
        ([(D(2021, 1, 1), D(2023, 12, 31))], (36, 0)),  # three calendar years
        ([(D(2020, 2, 29), D(2023, 2, 28))], (36, 0)),  # from a leap day
        ([(D(2020, 1, 31), D(2020, 2, 29))], (1, 0)),  # from a 31st to a month's end
        ([(D(2023, 1, 31), D(2023, 2, 27))], (0, 28)),
        ([(D(2024, 3, 1), D(2024, 3, 1))], (0, 1)),  # one day
        # Two attestations of one job: the months they share count once.
        ([(D(2019, 9, 1), D(2020, 8, 31)), (D(2020, 3, 1), D(2021, 8, 31))], (24, 0)),
        # Contracts that follow each other day after day make one period.
        ([(D(2019, 9, 1), D(2020, 6, 30)), (D(2020, 7, 1), D(2022, 8, 31))], (36, 0)),
        # Days left over add up: 30 of them make a month.
        ([(D(2020, 1, 15), D(2020, 1, 20)), (D(2020, 3, 15), D(2020, 4, 8))], (1, 1)),
        ([], (0, 0)),
    ],
)
def test_a_length_is_counted_on_the_calendar(periodes: list, attendu: tuple[int, int]) -> None:
    assert emploi.duree(periodes) == attendu


@pytest.mark.parametrize(
    ("tape", "attendu"),
    [("3 ans", (36, 0)), ("2 ans et 4 mois", (28, 0)), ("38 mois", (38, 0)),
     ("1 an, 2 mois et 3 jours", (14, 3)), ("8 mois 45 jours", (9, 15)), ("P36M12D", (36, 12)),
     ("trois ans", None), ("", None), ("3", None)],
)  # fmt: skip
def test_a_length_typed_by_the_gestionnaire(tape: str, attendu: tuple[int, int] | None) -> None:
    assert emploi.lire(tape) == attendu
    if attendu is not None:
        assert emploi.lire(emploi.ecrire(*attendu)) == attendu


def _mots(*lignes: str) -> list[list[Mot]]:
    return [[Mot(m, (0.1, 0.1, 0.2, 0.2), 1.0) for m in ligne.split()] for ligne in lignes]


def test_periods_are_read_as_attestations_write_them() -> None:
    lu = emploi.emploi_dans(_mots(
        "Je soussigné, gérant, atteste que Monsieur Jean DUPONT a été employé",
        "en qualité de vendeur du 01/09/2019 au 31/08/2022, puis du 1er octobre 2022",
        "au 30 juin 2023 ; il est de nouveau salarié depuis le 3 janvier 2024 à temps partiel.",
        "Fait à Clermont-Ferrand, le 12 octobre 2024.",
    ))  # fmt: skip
    assert lu is not None
    assert [(p.debut, p.fin) for p in lu.periodes] == [
        (D(2019, 9, 1), D(2022, 8, 31)), (D(2022, 10, 1), D(2023, 6, 30)), (D(2024, 1, 3), None)
    ]  # fmt: skip
    assert lu.fait_le == D(2024, 10, 12) and lu.temps_partiel
    certificat = emploi.emploi_dans(
        _mots("CERTIFICAT DE TRAVAIL", "entrée le 1er mars 2018 et sortie le 28/02/2021")
    )
    assert certificat is not None
    assert [(p.debut, p.fin) for p in certificat.periodes] == [(D(2018, 3, 1), D(2021, 2, 28))]
    # A period elsewhere (a certificate's validity, a school year) is not work.
    assert (
        emploi.emploi_dans(_mots("Certificat médical valable du 01/09/2025 au 30/06/2026")) is None
    )
    # A period that ends before it starts is a misreading: left out.
    envers = emploi.emploi_dans(_mots("employé du 01/09/2022 au 31/08/2019"))
    assert envers is not None and envers.periodes == ()


def _candidat(civilite: str = "MONSIEUR") -> demo._Candidature:
    c = demo._Candidature.__new__(demo._Candidature)
    c.civilite, c.prenoms, c.nom = civilite, "Jean, Marc", "DUPONT"
    c.naissance, c.commune = D(1995, 3, 2), "CLERMONT-FERRAND"
    return c


@pytest.mark.parametrize("graine", range(6))
def test_a_typed_attestation_is_read_with_its_length(graine: int, tmp_path: Path) -> None:
    """The demo's attestations (one job, two contracts, a job still held) read back the
    periods they were written with, and their length."""
    c = _candidat("MADAME" if graine % 2 else "MONSIEUR")
    lignes = demo.lignes_d_activite(c, D(2025, 9, 1), random.Random(graine))
    chemin = tmp_path / "attestation.pdf"
    chemin.write_bytes(demo.attestation_pdf("Attestation d'employeur", c, lignes))
    lu = lire_document(chemin, "pdf")
    ecrites = emploi.emploi_dans(_mots(*lignes))
    assert ecrites is not None
    bornees = [(p.debut, p.fin or D(2025, 9, 1)) for p in ecrites.periodes]
    periodes = [v for v in lu.valeurs if v.champ == "periode"]
    assert [v.valeur for v in periodes] == [f"{d.isoformat()}/{f.isoformat()}" for d, f in bornees]
    longueur = lu.premiere("activite")
    assert longueur is not None and longueur.source == TEXTE_PDF
    assert emploi.lire(longueur.valeur) == emploi.duree(bornees)


@pytest.mark.slow
def test_a_scanned_attestation_is_read_by_ocr(tmp_path: Path) -> None:
    c = _candidat()
    lignes = [
        "Je soussigné, gérant de la société Auvergne Services, atteste que",
        "Monsieur Jean DUPONT, né le 02/03/1995,",
        "a été employé en qualité de vendeur",
        "du 01/09/2019 au 31/08/2022, à temps complet.",
        "", "Fait à Clermont-Ferrand, le 15/09/2025.",
    ]  # fmt: skip
    chemin = tmp_path / "scan.jpg"
    chemin.write_bytes(demo.scan_jpeg(demo.attestation_pdf("Certificat de travail", c, lignes),
                                      "activite"))  # fmt: skip
    lu = lire_document(chemin, "jpeg")
    assert [v.valeur for v in lu.valeurs if v.champ == "periode"] == ["2019-09-01/2022-08-31"]
    longueur = lu.premiere("activite")
    assert longueur is not None and longueur.source == OCR and longueur.valeur == "P36M0D"


def _profil(examen: str, categorie: str) -> Profil:
    return Profil(D(1995, 3, 2), examen, "Coiffure", categorie, False, "2027")


@pytest.mark.parametrize(
    ("examen", "categorie", "mois", "suffit", "atteintes"),
    [
        ("BCP", "INDIVIDUEL", 36, True, [36]),
        ("BCP", "INDIVIDUEL", 35, False, []),
        ("BCP", "CNED", 2, None, None),  # enseignement à distance: no length asked
        ("BCP", "FORMATION CONTINUE", 2, None, None),
        ("BP", "INDIVIDUEL", 60, True, [60, 24, 6]),
        ("BP", "INDIVIDUEL", 59, False, [24, 6]),  # enough only with a diploma: to check
        ("BP", "ENSEIGNEMENT A DISTANCE", 23, False, [6]),
        ("BP", "CNED", 5, False, []),
        ("CAP", "INDIVIDUEL", 0, None, None),
    ],
)
def test_the_table_says_which_length_the_candidature_needs(
    examen: str, categorie: str, mois: int, suffit: bool | None, atteintes: list[int] | None
) -> None:
    jugement = juger_activite(mois, durees_exigees(_profil(examen, categorie), D(2026, 12, 1)))
    if suffit is None:
        assert jugement is None
        return
    assert jugement is not None and jugement.suffit == suffit
    assert [d.mois for d in jugement.atteintes] == atteintes
    assert all(d.source for d in (*jugement.atteintes, *jugement.manquees))


def test_a_correction_is_a_length() -> None:
    assert valeur_corrigee("activite", "3 ans et 2 mois") == "P38M0D"
    with pytest.raises(CorrectionRefusee, match="Durée attendue"):
        valeur_corrigee("activite", "beaucoup")
    with pytest.raises(CorrectionRefusee, match="Durée d'activité"):
        valeur_corrigee("periode", "du 01/09/2019 au 31/08/2022")


def _avertissements(espace: Espace, piece_id: int) -> list[str]:
    with espace.db.read() as s:
        return list(s.scalars(select(Avertissement.message).join(Depot)
                              .where(Depot.piece_id == piece_id)))  # fmt: skip


def test_a_dossier_short_of_three_years_is_said_until_the_length_is_given(
    espace_demo: Espace,
) -> None:
    """A candidat individuel to the BCP (the demo's campaign) with 2 years of attestations:
    an avertissement with the table's case and the catalogue's reason; two attestations of
    one job count their common months once; the gestionnaire's length replaces the reading."""
    assert MOTIF_ACTIVITE in MOTIFS_NON_CONFORMITE
    espace = espace_demo  # the demo package, imported
    candidature_id, piece_id, depot_id, sha = _fichier(espace, "ACTPRO01", 0)

    def periode(valeur: str) -> Valeur:
        return Valeur("periode", valeur, TEXTE_PDF, 0.9)

    # Not read yet: nothing said.
    dossier = espace.lire(lambda s: activite_du_dossier(s, candidature_id))
    assert dossier is not None and dossier.non_lus == 1 and dossier.ecart is None
    lu = Lu((periode("2022-09-01/2023-08-31"), periode("2023-03-01/2024-08-31")))
    espace.ecrire(lambda s: lecture_enregistree(s, sha, lu))
    dossier = espace.lire(lambda s: activite_du_dossier(s, candidature_id))
    assert dossier is not None and (dossier.mois, dossier.jours) == (24, 0)
    assert dossier.ecart is not None and dossier.ecart.motif == MOTIF_ACTIVITE
    assert "trois ans" in dossier.ecart.attendu
    assert _avertissements(espace, piece_id) == [
        "Durée d'activité professionnelle insuffisante : lu 2 ans sur 1 fichier, attendu au "
        "moins trois ans d'activité salariée"
    ]
    releve = espace.lire(lambda s: lu_avec_activite(s, depot_id))
    # The avertissement says the length; the dossier's line is not said twice.
    assert [e.champ for e in releve.ecarts] == ["activite"] and releve.activite == ""
    assert GENRES_LECTURE["activite"]
    # The gestionnaire counts three years (another attestation was sent by post).
    espace.ecrire(lambda s: correction_enregistree(s, depot_id, "activite", "3 ans", "Claire"))
    dossier = espace.lire(lambda s: activite_du_dossier(s, candidature_id))
    assert dossier is not None and dossier.mois == 36 and dossier.ecart is None
    assert dossier.sources == ("corrigé",)
    assert _avertissements(espace, piece_id) == []
    releve = espace.lire(lambda s: lu_avec_activite(s, depot_id))
    assert releve.activite == ("Activité professionnelle du dossier : 3 ans (1 fichier) — "
                               "suffisante (trois ans d'activité salariée).")  # fmt: skip


def test_a_file_with_no_period_read_offers_the_length_to_give(espace_demo: Espace) -> None:
    espace = espace_demo  # the demo package, imported
    _, piece_id, depot_id, sha = _fichier(espace, "ACTPRO01", 0)
    espace.ecrire(lambda s: lecture_enregistree(s, sha, Lu()))
    releve = espace.lire(lambda s: lu_avec_activite(s, depot_id))
    assert releve.lu is not None and releve.lu.premiere("activite") is not None
    assert "aucune période lue sur 1 fichier(s)" in releve.activite
    assert "insuffisante" not in releve.activite  # nothing judged on nothing read
    assert releve.ecarts == () and _avertissements(espace, piece_id) == []
