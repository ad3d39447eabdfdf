from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.services.demo import generer_paquet
from tests.conftest import CORPUS, REFERENCE, corpus_manifest
from tests.helpers import write_package


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_demo_is_deterministic(tmp_path: Path, paquet_demo_source: Path) -> None:
    again = generer_paquet(tmp_path / "bis", 40, reference=REFERENCE)
    assert tree_digest(again) == tree_digest(paquet_demo_source)
    other = generer_paquet(tmp_path / "ter", 40, graine=7, reference=REFERENCE)
    assert tree_digest(other) != tree_digest(paquet_demo_source)


def test_demo_command_builds_a_realistic_campaign(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d"
    code = main(
        ["demo", "--data-dir", str(data), "--candidatures", "40", "--date-reference", "22/11/2026"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "40 candidature(s) créée(s)" in out
    assert "dont 4 non recevable(s)" in out  # over 5 Mo, PNG and HEIC named .jpg, truncated
    assert "nouveau(x) dépôt(s) après un premier envoi" in out.splitlines()[1]

    from sqlalchemy import func, select

    from desktop_app.models import Depot, Piece, Statut
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.services.reglages import bureau_de

    espace = ouvrir_espace(data)
    with espace.db.read() as s:
        statuts = dict(s.execute(select(Piece.statut, func.count()).group_by(Piece.statut)).all())
        motifs = set(s.scalars(select(Depot.motif).where(~Depot.recevable)))
        per_candidature = s.scalars(
            select(func.count()).select_from(Piece).group_by(Piece.candidature_id)
        ).all()
        rounds = s.scalar(select(func.max(Depot.tour)))
        # The demo obeys the rules it shows: no Conforme on a file that is not recevable, no
        # file deposited after the day it is dated, and its bureau can sign letters at once.
        courant = (
            select(Depot.piece_id, func.max(Depot.tour).label("tour"))
            .group_by(Depot.piece_id)
            .subquery()
        )
        conformes_non_recevables = s.scalar(
            select(func.count()).select_from(Piece)
            .join(courant, courant.c.piece_id == Piece.id)
            .join(Depot, (Depot.piece_id == Piece.id) & (Depot.tour == courant.c.tour))
            .where(Piece.statut == Statut.CONFORME, ~Depot.recevable)
        )  # fmt: skip
        dernier_depot = s.scalar(select(func.max(Depot.date_depot)))
        bureau = bureau_de(s, 1)
        from desktop_app.services.audit import verifier_historique

        verification = verifier_historique(s)  # re-deposits reset statuses: still coherent
    espace.close()
    assert verification.intacte, verification.rapport()
    assert conformes_non_recevables == 0
    assert dernier_depot is not None and dernier_depot.date() <= dt.date(2026, 11, 22)
    assert bureau.complet and "Vercingétorix" in bureau.adresse
    assert statuts[None] > sum(n for k, n in statuts.items() if k is not None)  # most to check
    assert statuts.get(Statut.CONFORME) and statuts.get(Statut.NON_CONFORME) is not None
    assert {m.split(" :")[0] for m in motifs} >= {
        "Le fichier fait 5,9 Mo",
        "Le fichier est une image PNG",
        "Le fichier est une photo HEIC (format des téléphones)",
        "PDF incomplet (fichier tronqué).",
    }
    assert rounds == 2
    assert len(per_candidature) == 40
    assert min(per_candidature) >= 3 and max(per_candidature) <= 6


def test_import_command_lists_refused_rows_and_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_package(
        tmp_path / "p",
        "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
        "01234567890;001;LEROY;Anaïs;01/02/2003\n"
        "0123;001;X;Y;pas une date\n",
        "n_candidat;n_inscription;code_piece\n01234567890;001;CINSIG01\n",
    )
    assert main(["import", "--data-dir", str(tmp_path / "d"), str(root)]) == 0
    out = capsys.readouterr().out
    assert "1 candidature(s) créée(s)" in out
    assert "Refusé — candidatures.csv:3: date « pas une date » illisible" in out


def test_import_command_fails_on_an_unusable_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "vide").mkdir()
    assert main(["import", "--data-dir", str(tmp_path / "d"), str(tmp_path / "vide")]) == 1
    assert "Paquet refusé : vide : campagne.json introuvable" in capsys.readouterr().err


def test_export_command(
    tmp_path: Path, paquet_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "d")
    assert main(["export", "--data-dir", data, "--decisions", str(tmp_path / "x.csv")]) == 1
    assert "aucune campagne" in capsys.readouterr().err
    assert main(["import", "--data-dir", data, str(paquet_demo)]) == 0
    assert main(["export", "--data-dir", data, "--decisions", str(tmp_path / "x.csv")]) == 0
    header = (tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == (
        "n_candidat;n_inscription;code_piece;fichier;date_depot;date_validation;"
        "statut;date_reception;commentaire;gestionnaire;horodatage"
    )


@pytest.mark.skipif(not corpus_manifest(), reason="../shared/corpus-dev absent")
def test_check_json_on_the_real_world_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", str(CORPUS)]) == 0
    results = {Path(r["path"]).name: r for r in json.loads(capsys.readouterr().out)}
    for entry in corpus_manifest():
        result = results[entry["name"]]
        assert set(result) >= {"path", "size", "format", "recevable", "reasons"}
        assert result["size"] == int(entry["bytes"])
        assert result["recevable"] is (
            entry["kind"] not in {"wrong_format", "corrupted", "encrypted"}
        )
        for finding in result["findings"]:
            assert set(finding) == {"level", "code", "message"}
            assert finding["level"] in {"refus", "avertissement", "info"}
            assert finding["message"].endswith(".")
        refus = [f["message"] for f in result["findings"] if f["level"] == "refus"]
        assert refus == result["reasons"]
    assert results["MANIFEST.tsv"]["format"] == "text"
    codes = {f["code"] for f in results["pdfjs_autoprint_js.pdf"]["findings"]}
    assert "javascript" in codes


def test_check_reports_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "gros.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024))
    assert main(["check", "--json", str(big), str(tmp_path / "absent.pdf")]) == 1
    gros, absent = json.loads(capsys.readouterr().out)
    assert gros["format"] == "pdf" and gros["reasons"] == [
        "Le fichier fait 6 Mo : il ne doit pas excéder 5 Mo."
    ]
    assert absent["recevable"] is False
    assert absent["reasons"] == ["Fichier introuvable."] and absent["size"] is None


@pytest.mark.slow
def test_a_failed_smoke_test_says_why_and_exits_1(tmp_path: Path) -> None:
    """Whatever step fails (here the window, while the viewer's worker threads still run),
    --smoke-test says it in French, stops its threads and exits 1 (it used to die on
    « QThread: Destroyed while thread … is still running », exit 9 on Windows)."""
    import os
    import subprocess
    import sys

    # The window never shows its document in time (whatever the machine's speed): the page
    # asked of the viewer's worker is still on its way when the check gives up.
    programme = (
        "import sys; import desktop_app.smoke_test as essai; essai.ATTENTE_AFFICHAGE = 0.0; "
        "essai._attendre = lambda condition, delai: False; "
        "from desktop_app.cli import main; sys.exit(main(['--smoke-test']))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONTROLE_PJ_LOG_DIR": str(tmp_path)}
    resultat = subprocess.run(
        [sys.executable, "-c", programme], env=env, capture_output=True, text=True,
        encoding="utf-8", errors="replace", timeout=300,
    )  # fmt: skip
    assert resultat.returncode == 1, resultat.stderr
    assert resultat.stderr.startswith("Essai en échec : la fenêtre n'a pas affiché")
    assert "QThread" not in resultat.stderr and "Traceback" not in resultat.stderr


def test_a_launch_without_arguments_reads_them_as_the_whole_parser_does() -> None:
    """A double click builds the parser without its sub-commands (4 ms of the first paint):
    it must read no argument differently from the whole one, and any argument, a command
    or an unknown word, gets the whole parser and its messages."""
    from desktop_app.cli import _parser

    assert vars(_parser(commandes=False).parse_args([])) == vars(_parser().parse_args([]))
    with pytest.raises(SystemExit) as sortie:
        main(["inconnue"])
    assert sortie.value.code == 2  # argparse's usage error: « invalid choice », the commands
