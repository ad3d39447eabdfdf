"""Files built to catch the inspection out (tests/corpus_pieges.py) and the real corpus: each
gets its verdict, the same in a folder run as alone, and the viewer shows exactly the files
the inspection lets it show."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.documents.inspection import FORMATS_DEFAUT, Inspection
from desktop_app.documents.rendu import Ouverture, Vue, oublier_tout
from desktop_app.documents.worker import Atelier, Demande, InspectionWorker
from tests.conftest import CORPUS, corpus_manifest
from tests.corpus_pieges import Piege, ecrire

LIMITE = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def pieges(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Piege]]:
    dossier = tmp_path_factory.mktemp("pieges")
    return dossier, ecrire(dossier)


def _demandes(dossier: Path, pieges: dict[str, Piege]) -> list[Demande]:
    demandes = [
        Demande(nom, str(dossier / nom), piege.taille_max, FORMATS_DEFAUT)
        for nom, piege in pieges.items()
    ]
    demandes += [
        Demande(e["name"], str(CORPUS / e["name"]), LIMITE, FORMATS_DEFAUT)
        for e in corpus_manifest()
    ]
    return demandes


def test_each_trap_gets_its_verdict_the_same_in_a_folder_as_alone(
    pieges: tuple[Path, dict[str, Piege]],
) -> None:
    dossier, attendus = pieges
    demandes = _demandes(dossier, attendus)
    with Atelier() as atelier:
        for demande in demandes:
            atelier.soumettre_requete(demande)
        ensemble: dict[str, Inspection] = dict(atelier.resultats())
    with InspectionWorker() as worker:
        seuls = {demande.cle: worker.demander(demande) for demande in demandes}
    assert ensemble == seuls  # a file's verdict does not depend on the files beside it

    for nom, piege in attendus.items():
        verdict = ensemble[nom]
        codes = {f.code for f in verdict.findings}
        assert verdict.recevable is piege.recevable, (nom, verdict.findings)
        assert verdict.format == piege.format, nom
        assert piege.codes <= codes, (nom, verdict.findings)
        assert not piege.absents & codes, (nom, verdict.findings)
        if piege.raison:
            assert verdict.reasons[0].endswith(piege.raison), verdict.reasons
        for finding in verdict.findings:
            assert finding.message.endswith("."), finding


def test_the_viewer_shows_exactly_what_the_inspection_lets_it_show(
    pieges: tuple[Path, dict[str, Piege]],
) -> None:
    """Inspection and viewer start from the same tests: a file the inspection refuses is
    not displayed (its reason is), and every recevable file is, first page included."""
    from desktop_app.documents.inspection import inspect_bytes

    dossier, attendus = pieges
    try:
        for demande in _demandes(dossier, attendus):
            data = Path(demande.chemin).read_bytes()
            verdict = inspect_bytes(data, taille_max=demande.taille_max)
            ouverture = Ouverture(
                demande.cle, demande.chemin, demande.taille_max, FORMATS_DEFAUT, vue=Vue(600, 800)
            )
            ouvert = ouverture.traiter()
            assert ouvert.affichable is verdict.recevable, (demande.cle, ouvert, verdict)
            if ouvert.affichable:
                assert ouvert.premiere is not None and ouvert.premiere.largeur > 0
            else:
                assert [f.message for f in ouvert.refus][:1] == verdict.reasons[:1], demande.cle
    finally:
        oublier_tout()


def test_check_json_on_the_traps(pieges: tuple[Path, dict[str, Piege]]) -> None:
    dossier, attendus = pieges
    defaut = [nom for nom, piege in attendus.items() if piege.taille_max == LIMITE]
    sortie = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "check",
            "--json",
            *(str(dossier / n) for n in defaut),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    assert sortie.stderr == ""
    lignes = {Path(row["path"]).name: row for row in json.loads(sortie.stdout)}
    assert set(lignes) == set(defaut)
    for nom, row in lignes.items():
        piege = attendus[nom]
        assert row["recevable"] is piege.recevable, row
        assert row["format"] == piege.format, row
        assert piege.codes <= {f["code"] for f in row["findings"]}, row


def test_a_lossless_jpeg_decodes_pixel_identical() -> None:
    """The hand-written lossless encoder of the traps is right: what is accepted is the image."""
    import io

    from PIL import Image

    from tests.corpus_pieges import degrade, jpeg_sans_perte

    image = degrade()
    assert Image.open(io.BytesIO(jpeg_sans_perte(image))).tobytes() == image.tobytes()
