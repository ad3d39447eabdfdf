"""The inspection worker: verdicts in order, and a crash or a hang costs one file, not the run."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from desktop_app.documents.worker import InspectionWorker
from tests.helpers import jpeg_bytes, pdf_bytes, png_bytes, tuer

FORMATS = ("pdf", "jpeg")


def files(tmp_path: Path, n: int) -> list[Path]:
    kinds = [pdf_bytes, jpeg_bytes, png_bytes]
    paths = []
    for i in range(n):
        path = tmp_path / f"f{i:03d}"
        path.write_bytes(kinds[i % 3]())
        paths.append(path)
    return paths


def test_verdicts_come_back_in_order(tmp_path: Path) -> None:
    paths = files(tmp_path, 40)
    with InspectionWorker() as worker:
        for path in paths:
            worker.soumettre(path.name, path, 5 * 1024 * 1024, FORMATS)
        results = list(worker.resultats())
        assert worker.pid is not None and worker.pid != os.getpid()
    assert [cle for cle, _ in results] == [p.name for p in paths]
    assert [r.format for _, r in results] == ["pdf", "jpeg", "png"] * 13 + ["pdf"]
    assert [r.recevable for _, r in results[:3]] == [True, True, False]


def test_a_crash_refuses_one_file_and_the_others_go_on(tmp_path: Path) -> None:
    paths = files(tmp_path, 5)
    with InspectionWorker() as worker:
        worker.LOT = 1  # one request per message: the culprit is the oldest unanswered one
        worker.demarrer(attendre=True)
        pid = worker.pid
        assert pid is not None
        tuer(pid)  # as if the parser had crashed on the first file
        for path in paths:
            worker.soumettre(path.name, path, 5 * 1024 * 1024, FORMATS)
        results = dict(worker.resultats())
        assert worker.redemarrages == 1
    assert not results["f000"].recevable
    assert results["f000"].reasons == ["Document illisible : il a fait échouer l'analyse."]
    assert results["f001"].recevable and results["f001"].format == "jpeg"
    assert results["f003"].recevable and results["f003"].format == "pdf"


def test_a_crash_inside_a_batch_is_narrowed_to_its_file(tmp_path: Path) -> None:
    paths = files(tmp_path, 6)
    with InspectionWorker() as worker:
        worker.demarrer(attendre=True)
        pid = worker.pid
        assert pid is not None
        tuer(pid)
        for path in paths:
            worker.soumettre(path.name, path, 5 * 1024 * 1024, FORMATS)
        results = list(worker.resultats())
    # The whole batch was lost with the child; replayed one by one, every file gets its
    # true verdict (the crash was not caused by any of them).
    assert [cle for cle, _ in results] == [p.name for p in paths]
    assert [r.format for _, r in results] == ["pdf", "jpeg", "png"] * 2


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX signals")
def test_a_hang_is_cut_short_with_a_french_message(tmp_path: Path) -> None:
    paths = files(tmp_path, 3)
    with InspectionWorker(timeout=0.5) as worker:
        worker.LOT = 1
        worker.demarrer(attendre=True)
        pid = worker.pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)  # the child stops answering, as in an endless loop
        for path in paths:
            worker.soumettre(path.name, path, 5 * 1024 * 1024, FORMATS)
        results = dict(worker.resultats())
    assert results["f000"].reasons == [
        "Document illisible : son analyse a dépassé 0,5 secondes et a été interrompue."
    ]
    assert results["f001"].recevable and results["f002"].format == "png"


def _ne_demarre_pas(connection: object) -> None:
    os._exit(3)  # as a broken installation would: the child dies before it is ready


def test_a_worker_that_cannot_start_stops_the_work_loudly(tmp_path: Path) -> None:
    from desktop_app.documents.worker import InspectionIndisponible

    class Casse(InspectionWorker):
        cible = staticmethod(_ne_demarre_pas)

    paths = files(tmp_path, 3)
    with Casse() as worker:
        for path in paths:
            worker.soumettre(path.name, path, 5 * 1024 * 1024, FORMATS)
        with pytest.raises(InspectionIndisponible, match="n'a pas pu démarrer"):
            list(worker.resultats())


def test_the_pool_acquires_a_package_s_files_and_survives_a_crash(tmp_path: Path) -> None:
    from desktop_app.documents.store import ContentStore
    from desktop_app.documents.worker import Acquis, Acquisition, Atelier

    package = tmp_path / "paquet"
    (package / "fichiers").mkdir(parents=True)
    (package / "campagne.json").write_text("{}")
    names = [f"fichiers/f{i:02d}.pdf" for i in range(40)]
    for name in names:
        (package / name).write_bytes(pdf_bytes(name))
    store = tmp_path / "magasin"

    def acquisition(name: str) -> Acquisition:
        return Acquisition(name, str(package), name, 32 << 20, str(store), 5 << 20, FORMATS)

    with Atelier(2) as atelier:
        atelier.demarrer(attendre=True)
        for name in [*names, "fichiers/absent.pdf"]:
            atelier.soumettre_requete(acquisition(name))
        first = atelier.workers[0].pid
        assert first is not None
        tuer(first)  # one child dies in the middle of the work
        results: dict[str, Acquis] = dict(atelier.resultats())
        atelier.liberer()

    assert set(results) == {*names, "fichiers/absent.pdf"}
    for name in names:  # the batch lost with the child was replayed: every file came through
        acquis = results[name]
        assert acquis.sha256 and acquis.inspection and acquis.inspection.recevable
        assert ContentStore(store).read(acquis.sha256) == (package / name).read_bytes()
    assert results["fichiers/absent.pdf"].erreur == "fichier absent du paquet : fichiers/absent.pdf"
