"""Over a thousand hostile or broken files: each ends classified, with French words, in time."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.documents.inspection import FORMATS_DEFAUT, Inspection
from desktop_app.documents.worker import Atelier, Demande
from tests.corpus_mutant import PAR_FORMAT, ecrire

LIMITE = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def mutants(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return ecrire(tmp_path_factory.mktemp("mutants"))


def test_the_generated_corpus_has_at_least_500_files_per_format(mutants: list[Path]) -> None:
    assert sum(p.suffix == ".pdf" for p in mutants) >= PAR_FORMAT >= 500
    assert sum(p.suffix == ".jpg" for p in mutants) >= PAR_FORMAT


def test_every_mutant_is_classified_with_a_french_message(mutants: list[Path]) -> None:
    verdicts: dict[str, Inspection] = {}
    with Atelier(timeout=20) as atelier:
        for chemin in mutants:
            atelier.soumettre_requete(Demande(chemin.name, str(chemin), LIMITE, FORMATS_DEFAUT))
        verdicts.update(atelier.resultats())
    assert set(verdicts) == {p.name for p in mutants}
    for nom, verdict in verdicts.items():
        assert verdict.findings, nom
        for finding in verdict.findings:
            assert finding.level in ("refus", "avertissement", "info")
            assert finding.message.endswith("."), (nom, finding)
            assert finding.message[0].isupper() or finding.message[0].isdigit(), (nom, finding)
        if not verdict.recevable:
            assert verdict.reasons, nom
    # The named hostile ones.
    assert verdicts["jpeg-65535.jpg"].reasons == ["Image JPEG aux dimensions démesurées : refusée."]
    assert not verdicts["pdf-boucle.pdf"].recevable
    assert "javascript" in {f.code for f in verdicts["pdf-actions.pdf"].findings}
    assert "lancement" in {f.code for f in verdicts["pdf-actions.pdf"].findings}
    assert verdicts["pdf-renomme-0.pdf"].format == "png"
    assert verdicts["jpeg-renomme-4.jpg"].format == "heic"
    # Both outcomes occur: the mutations are not all fatal, nor all harmless.
    for suffixe in ("pdf", "jpg"):
        issues = {v.recevable for n, v in verdicts.items() if n.endswith(suffixe)}
        assert issues == {True, False}
