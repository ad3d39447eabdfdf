from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from desktop_app.models import (
    Candidat,
    Candidature,
    Decision,
    Depot,
    Piece,
    PieceCatalogue,
    SourceDecision,
    Statut,
)
from desktop_app.services.decisions import enregistrer_decision
from desktop_app.services.espace import Espace, ouvrir_espace
from desktop_app.services.exports import exporter_decisions
from desktop_app.services.importer import (
    ImportRefuse,
    PaquetInutilisable,
    TacheAnnulee,
    importer_paquet,
)
from tests.helpers import jpeg_bytes, pdf_bytes, png_bytes, write_package

# A package made by hand in a French spreadsheet: Windows-1252, ';', headers with '°' and
# accents, leading zeros lost, French dates, a comment with a comma and quotes.
CANDIDATURES_TABLEUR = (
    "N° candidat;N° inscription;Civilité;Nom de naissance;Nom d'usage;Prénoms;"
    "Date de naissance;Spécialité;Code spécialité;Catégorie;Handicap\r\n"
    "2236030282;5;F;DUBOIS;MARTIN;Hélène Zoé;06/05/2005;Aéronautique option Systèmes;25303;"
    "INDIVIDUEL;Non\r\n"
    "01948418953;005;MONSIEUR;NOËL;;François;13/07/1998;Cuisine;22106;CNED;Oui\r\n"
    "ABC;001;M;FAUX;;Numéro;01/01/2000;;;;\r\n"
    "03000000001;001;M;SANSDATE;;Paul;;;;;\r\n"
)
PIECES_TABLEUR = (
    "N° candidat;N° inscription;Code pièce;Fichier;Date de dépôt;Date de validation;Statut;"
    "Date de réception;Commentaire\r\n"
    "2236030282;5;CINSIG01;fichiers/dubois/confirmation.pdf;13/11/2023 17:36;13/11/2023 17:38;"
    'non conforme;;"Pièce illisible, merci de la ""re-scanner"" en entier"\r\n'
    "2236030282;5;1NATID01;fichiers\\dubois\\cni.jpg;14/11/2023 09:00;;;;\r\n"
    "2236030282;5;PSNATT03;;;;reçue;20/11/2023;\r\n"
    "01948418953;5;CINSIG01;fichiers/noel/CONFIRMATION.PDF;2023-11-15T10:00:00+01:00;;"
    "CONFORME;;\r\n"
    "01948418953;5;1NATID01;fichiers/noel/photo.jpg;15/11/2023;;;;\r\n"
    "01948418953;5;XXXXXX01;;;;;;\r\n"
    "09999999999;001;CINSIG01;;;;;;\r\n"
    "01948418953;5;PSNATT03;;;;Validé;;\r\n"
    "01948418953;5;PSNATT03;../../../etc/passwd;;;;;\r\n"
)


def tableur(root: Path) -> Path:
    return write_package(
        root,
        CANDIDATURES_TABLEUR,
        PIECES_TABLEUR,
        {
            "fichiers/dubois/confirmation.pdf": pdf_bytes("DUBOIS Hélène"),
            "fichiers/dubois/cni.jpg": jpeg_bytes(),
            "fichiers/noel/confirmation.pdf": pdf_bytes("NOËL François"),
            "fichiers/noel/photo.jpg": png_bytes(),  # a PNG named .jpg
        },
        encoding="cp1252",
    )


def etat_pieces(s: Session, *extra: Any) -> list[tuple[object, ...]]:
    """Each pièce's candidat, code, status, comment and date de réception (+ ``extra``)."""
    query = (
        select(
            Candidat.n_candidat,
            PieceCatalogue.code,
            Piece.statut,
            Piece.commentaire,
            Piece.date_reception,
            *extra,
        )
        .join(Candidature, Piece.candidature_id == Candidature.id)
        .join(Candidat)
        .join(PieceCatalogue)
    )
    return sorted((tuple(row) for row in s.execute(query)), key=repr)


def etat(espace: Espace) -> dict[str, list[tuple[object, ...]]]:
    """Everything an import may change, in a comparable form."""
    with espace.db.read() as s:
        return {
            "candidats": sorted(
                s.execute(
                    select(
                        Candidat.n_candidat,
                        Candidat.nom_naissance,
                        Candidat.nom_usage,
                        Candidat.prenoms,
                        Candidat.date_naissance,
                        Candidat.civilite,
                    )
                ).all()
            ),
            "candidatures": sorted(
                s.execute(
                    select(
                        Candidat.n_candidat,
                        Candidature.n_inscription,
                        Candidature.specialite,
                        Candidature.handicap,
                    ).join(Candidat)
                ).all()
            ),
            "pieces": etat_pieces(s, Piece.version_id),
            "depots": sorted(
                s.execute(
                    select(
                        Depot.piece_id,
                        Depot.tour,
                        Depot.sha256,
                        Depot.recevable,
                        Depot.motif,
                        Depot.date_depot,
                    )
                ).all(),
                key=repr,
            ),
            "decisions": sorted(
                s.execute(
                    select(
                        Decision.piece_id,
                        Decision.nouveau_statut,
                        Decision.gestionnaire,
                        Decision.horodatage,
                    )
                ).all(),
                key=repr,
            ),
        }


def piece(espace: Espace, n_candidat: str, code: str) -> Piece:
    with espace.db.read() as s:
        return s.execute(
            select(Piece)
            .join(Candidature)
            .join(Candidat)
            .join(PieceCatalogue)
            .where(Candidat.n_candidat == n_candidat, PieceCatalogue.code == code)
        ).scalar_one()


def depots(espace: Espace, n_candidat: str, code: str) -> list[Depot]:
    p = piece(espace, n_candidat, code)
    with espace.db.read() as s:
        return list(s.scalars(select(Depot).where(Depot.piece_id == p.id).order_by(Depot.id)))


def test_spreadsheet_package_imports_with_one_french_line_per_refused_row(
    espace: Espace, tmp_path: Path
) -> None:
    rapport = importer_paquet(espace.db, espace.store, tableur(tmp_path / "paquet"))

    assert rapport.candidatures_creees == 2
    refus = [str(m) for m in rapport.messages if m.niveau == "erreur"]
    assert refus == [
        "candidatures.csv:4: N° candidat « ABC » invalide (11 chiffres attendus) : ligne ignorée",
        "candidatures.csv:5: date de naissance manquante : ligne ignorée",
        "pieces.csv:7: code de pièce « XXXXXX01 » absent du catalogue de campagne.json : "
        "ligne ignorée",
        "pieces.csv:8: candidature 09999999999/001 inconnue : ligne ignorée",
        "pieces.csv:9: statut « Validé » inconnu : ligne ignorée",
        "pieces.csv:10: chemin qui sort du paquet refusé : « ../../../etc/passwd » : ligne ignorée",
    ]
    assert rapport.lignes_refusees == 6
    avertissements = [str(m) for m in rapport.messages if m.niveau == "avertissement"]
    assert (
        "candidatures.csv:2: N° candidat « 2236030282 » complété en 02236030282 "
        "(zéros initiaux perdus)" in avertissements
    )

    with espace.db.read() as s:
        helene = s.scalars(select(Candidat).where(Candidat.n_candidat == "02236030282")).one()
        assert (helene.nom_naissance, helene.nom_usage, helene.prenoms) == (
            "DUBOIS",
            "MARTIN",
            "Hélène Zoé",
        )
        assert helene.date_naissance == dt.date(2005, 5, 6)
        assert helene.civilite == "MADAME"
        noel = s.scalars(select(Candidat).where(Candidat.n_candidat == "01948418953")).one()
        assert noel.nom_naissance == "NOËL" and noel.prenoms == "François"
        inscription = s.scalars(select(Candidature).where(Candidature.candidat_id == noel.id)).one()
        assert inscription.n_inscription == "005" and inscription.handicap is True

    confirmation = piece(espace, "02236030282", "CINSIG01")
    assert confirmation.statut == Statut.NON_CONFORME
    assert confirmation.commentaire == 'Pièce illisible, merci de la "re-scanner" en entier'
    assert confirmation.date_validation == dt.datetime(2023, 11, 13, 16, 38, tzinfo=dt.UTC)
    jdc = piece(espace, "02236030282", "PSNATT03")
    assert (jdc.statut, jdc.date_reception) == (Statut.RECUE, dt.date(2023, 11, 20))
    assert piece(espace, "01948418953", "CINSIG01").statut == Statut.CONFORME

    [cni] = depots(espace, "02236030282", "1NATID01")  # a Windows path with backslashes
    assert cni.recevable and cni.format == "jpeg" and cni.chemin_paquet == "fichiers/dubois/cni.jpg"
    [depot] = depots(espace, "02236030282", "CINSIG01")
    assert depot.date_depot == dt.datetime(2023, 11, 13, 16, 36, tzinfo=dt.UTC)
    assert (
        espace.store.read(depot.sha256) == (tmp_path / "paquet" / depot.chemin_paquet).read_bytes()
    )
    # The name differs in case from the file on disk: found all the same.
    [upper] = depots(espace, "01948418953", "CINSIG01")
    assert upper.recevable and upper.sha256
    [png] = depots(espace, "01948418953", "1NATID01")
    assert not png.recevable and png.format == "png"
    assert (
        png.motif == "Le fichier est une image PNG : seuls les fichiers PDF ou JPEG sont acceptés."
    )

    with espace.db.read() as s:
        history = s.scalars(select(Decision).where(Decision.piece_id == confirmation.id)).all()
    assert [(d.ancien_statut, d.nouveau_statut, d.source) for d in history] == [
        (None, Statut.NON_CONFORME, SourceDecision.IMPORT)
    ]


def test_non_recevable_deposits_are_kept_with_their_reason(espace: Espace, tmp_path: Path) -> None:
    big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n"
    pdf = pdf_bytes()
    root = write_package(
        tmp_path / "p",
        "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
        "01234567890;001;LEROY;Anaïs;01/02/2003\n",
        "n_candidat;n_inscription;code_piece;fichier\n"
        "01234567890;001;CINSIG01;fichiers/absent.pdf\n"
        "01234567890;001;1NATID01;fichiers/gros.pdf\n"
        "01234567890;001;1NATID01;fichiers/tronque.pdf\n"
        "01234567890;001;PSNATT03;fichiers/heic.jpg\n",
        {
            "fichiers/gros.pdf": big,
            "fichiers/tronque.pdf": pdf[: len(pdf) // 2],
            "fichiers/heic.jpg": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 99,
        },
    )
    rapport = importer_paquet(espace.db, espace.store, root)
    assert rapport.depots_ajoutes == 4 and rapport.depots_non_recevables == 4
    [absent] = depots(espace, "01234567890", "CINSIG01")
    assert (absent.sha256, absent.recevable) == (None, False)
    assert absent.motif == "Fichier absent du paquet : fichiers/absent.pdf."
    gros, tronque = depots(espace, "01234567890", "1NATID01")
    assert gros.tour == tronque.tour == 1  # two files deposited together: one round
    assert gros.motif == "Le fichier fait plus de 5 Mo : il ne doit pas excéder 5 Mo."
    assert espace.store.has(gros.sha256)  # kept: the gestionnaire may still look at it
    assert tronque.motif == "PDF incomplet (fichier tronqué)."
    [heic] = depots(espace, "01234567890", "PSNATT03")
    assert heic.motif.startswith("Le fichier est une photo HEIC")


def test_zip_entries_that_try_to_leave_write_nothing_outside(tmp_path: Path) -> None:
    data_dir = tmp_path / "donnees"
    espace = ouvrir_espace(data_dir)
    source = write_package(
        tmp_path / "src",
        "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
        "01234567890;001;LEROY;Anaïs;01/02/2003\n",
        "n_candidat;n_inscription;code_piece;fichier\n"
        "01234567890;001;CINSIG01;fichiers/../../evil.pdf\n"
        "01234567890;001;1NATID01;/etc/passwd\n"
        "01234567890;001;PSNATT03;C:\\Windows\\win.ini\n",
    )
    archive = tmp_path / "envoi" / "paquet.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("campagne.json", "candidatures.csv", "pieces.csv"):
            z.write(source / name, f"paquet/{name}")
        z.writestr("paquet/../../evil.pdf", pdf_bytes())
        z.writestr("/tmp/absolu.pdf", pdf_bytes())
        z.writestr("paquet/fichiers/../../../sortie.txt", b"dehors")
    shutil.rmtree(source)
    before = {p for p in tmp_path.rglob("*")}

    rapport = importer_paquet(espace.db, espace.store, archive)
    espace.close()

    created = {p for p in tmp_path.rglob("*")} - before
    assert all(p.is_relative_to(data_dir) for p in created), created
    assert not Path("/tmp/absolu.pdf").exists()
    assert rapport.candidatures_creees == 1
    assert [m.texte for m in rapport.messages if m.niveau == "erreur"] == [
        "chemin qui sort du paquet refusé : « fichiers/../../evil.pdf » : ligne ignorée",
        "chemin absolu refusé : « /etc/passwd » : ligne ignorée",
        "chemin absolu refusé : « C:\\Windows\\win.ini » : ligne ignorée",
    ]


def test_zip_with_or_without_top_folder(tmp_path: Path, paquet_demo: Path) -> None:
    for top in ("", "extraction-2024/"):
        archive = tmp_path / f"demo{len(top)}.zip"
        with zipfile.ZipFile(archive, "w") as z:
            for path in paquet_demo.rglob("*"):
                if path.is_file():
                    z.write(path, top + path.relative_to(paquet_demo).as_posix())
        espace = ouvrir_espace(tmp_path / f"d{len(top)}")
        rapport = importer_paquet(espace.db, espace.store, archive)
        assert rapport.candidatures_creees == 40
        assert rapport.depots_ajoutes > 80
        espace.close()


def test_same_package_twice_changes_nothing(espace: Espace, paquet_demo: Path) -> None:
    importer_paquet(espace.db, espace.store, paquet_demo)
    first = etat(espace)
    store_files = sorted(espace.store.root.rglob("*"))
    again = importer_paquet(espace.db, espace.store, paquet_demo)
    assert not again.modifie and not again.conflits
    assert etat(espace) == first
    assert sorted(espace.store.root.rglob("*")) == store_files


def test_export_then_import_into_empty_database_gives_the_same_state(
    espace: Espace, paquet_demo: Path, tmp_path: Path
) -> None:
    importer_paquet(espace.db, espace.store, paquet_demo)
    with espace.db.write() as s:  # one local decision too, with its author
        target = piece(espace, *_first_deposited(espace))
        enregistrer_decision(
            s,
            target.id,
            Statut.NON_CONFORME,
            "Claire FAYOLLE",
            commentaire="Document non signé; « à refaire »",
        )
    export = tmp_path / "decisions.csv"
    with espace.db.read() as s:
        exporter_decisions(s, 1, export)
    raw = export.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]

    package = tmp_path / "retour"
    package.mkdir()
    shutil.copy(paquet_demo / "campagne.json", package)
    shutil.copy(paquet_demo / "candidatures.csv", package)
    shutil.copy(export, package / "pieces.csv")
    other = ouvrir_espace(tmp_path / "autre-poste")
    importer_paquet(other.db, other.store, package)

    def decisions(e: Espace) -> list[tuple[object, ...]]:
        with e.db.read() as s:
            return etat_pieces(s, Piece.date_validation)

    def derniers_auteurs(e: Espace) -> set[tuple[object, ...]]:
        with e.db.read() as s:
            last = select(
                Decision.piece_id, Decision.gestionnaire, Decision.horodatage, Decision.id
            ).order_by(Decision.id)
            by_piece = {row.piece_id: (row.gestionnaire, row.horodatage) for row in s.execute(last)}
            codes = dict(
                s.execute(select(Piece.id, PieceCatalogue.code).join(PieceCatalogue)).all()
            )
            return {(codes[pid], *who) for pid, who in by_piece.items()}

    assert decisions(other) == decisions(espace)
    assert derniers_auteurs(other) == derniers_auteurs(espace)
    other.close()


def _first_deposited(espace: Espace) -> tuple[str, str]:
    with espace.db.read() as s:
        row = s.execute(
            select(Candidat.n_candidat, PieceCatalogue.code)
            .select_from(Depot)
            .join(Piece)
            .join(Candidature)
            .join(Candidat)
            .join(PieceCatalogue)
            .where(Depot.recevable, Piece.statut.is_(None))
            .order_by(Depot.id)
            .limit(1)
        ).one()
    return row.n_candidat, row.code


def test_a_new_file_starts_a_new_round_and_keeps_the_history(
    espace: Espace, tmp_path: Path
) -> None:
    candidatures = (
        "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
        "01234567890;001;LEROY;Anaïs;01/02/2003\n"
    )
    first = write_package(
        tmp_path / "v1",
        candidatures,
        "n_candidat;n_inscription;code_piece;fichier;statut;commentaire\n"
        "01234567890;001;CINSIG01;f/a.pdf;Non conforme;Document non signé\n",
        {"f/a.pdf": pdf_bytes("sans signature")},
    )
    importer_paquet(espace.db, espace.store, first)
    second = write_package(
        tmp_path / "v2",
        candidatures,
        "n_candidat;n_inscription;code_piece;fichier;statut;commentaire\n"
        "01234567890;001;CINSIG01;f/b.pdf;;\n",
        {"f/b.pdf": pdf_bytes("avec signature")},
    )
    rapport = importer_paquet(espace.db, espace.store, second)
    assert rapport.nouveaux_tours == 1
    old, new = depots(espace, "01234567890", "CINSIG01")
    assert (old.tour, new.tour) == (1, 2)
    p = piece(espace, "01234567890", "CINSIG01")
    assert (p.statut, p.commentaire) == (None, "")
    with espace.db.read() as s:
        history = s.scalars(
            select(Decision).where(Decision.piece_id == p.id).order_by(Decision.id)
        ).all()
    assert [(d.nouveau_statut, d.commentaire) for d in history] == [
        (Statut.NON_CONFORME, "Document non signé"),
        (None, "Nouveau dépôt du candidat"),
    ]
    # The older extraction imported again adds nothing.
    assert not importer_paquet(espace.db, espace.store, first).depots_ajoutes


def test_a_small_package_reads_its_own_dossiers_not_the_whole_campaign(
    espace: Espace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The day's package of a few dossiers, imported into a campaign of 300,000, read every
    candidature and every pièce of the campaign (twice when it created some), all of it
    while it held the base's write lock: it reads only its own now."""
    from desktop_app.services.importer import ecriture

    entete_c = "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
    entete_p = "n_candidat;n_inscription;code_piece;fichier;statut;commentaire\n"
    campagne = write_package(
        tmp_path / "campagne",
        entete_c + "".join(f"{10**10 + i};001;NOM{i};Anaïs;01/02/2003\n" for i in range(200)),
        entete_p + "".join(f"{10**10 + i};001;CINSIG01;;;\n" for i in range(200)),
    )
    importer_paquet(espace.db, espace.store, campagne)
    avant = etat(espace)

    lus: list[int] = []

    class Compteur:
        """The import's session, counting the rows its reads return."""

        def __init__(self, session: Session) -> None:
            self._session = session

        def execute(self, *args: Any, **kwargs: Any) -> Any:
            resultat = self._session.execute(*args, **kwargs)
            if not getattr(resultat, "returns_rows", True):  # an update
                return resultat
            fige = resultat.freeze()
            lus.append(len(fige.data))
            return fige()

        def __getattr__(self, nom: str) -> Any:
            return getattr(self._session, nom)

    init = ecriture.Ecrivain.__init__

    def compter(self: Any, session: Session, *args: Any) -> None:
        init(self, Compteur(session), *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ecriture.Ecrivain, "__init__", compter)
    du_jour = write_package(
        tmp_path / "du-jour",
        entete_c
        + "10000000007;001;NOM7;Anaïs;01/02/2003\n"
        + "20000000000;001;NOUVEAU;Léa;03/04/2005\n",
        entete_p
        + "10000000007;001;CINSIG01;;Non conforme;Pièce illisible\n"
        + "20000000000;001;CINSIG01;;;\n",
    )
    rapport = importer_paquet(espace.db, espace.store, du_jour)
    assert (rapport.candidatures_creees, rapport.pieces_creees, rapport.statuts_appliques) == (
        1, 1, 1
    )  # fmt: skip
    assert sum(lus) <= 12, lus  # the two dossiers' rows, not the campaign's 400
    apres = etat(espace)
    assert (piece(espace, "10000000007", "CINSIG01").statut) is Statut.NON_CONFORME
    assert len(apres["candidatures"]) == len(avant["candidatures"]) + 1
    autres = [p for p in apres["pieces"] if p in avant["pieces"]]
    assert len(autres) == len(avant["pieces"]) - 1  # every other pièce as it was


def test_package_status_never_overwrites_a_local_decision(espace: Espace, tmp_path: Path) -> None:
    candidatures = (
        "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
        "01234567890;001;LEROY;Anaïs;01/02/2003\n"
    )
    pieces = "n_candidat;n_inscription;code_piece;statut\n01234567890;001;PSNATT03;{}\n"
    importer_paquet(
        espace.db, espace.store, write_package(tmp_path / "a", candidatures, pieces.format(""))
    )
    p = piece(espace, "01234567890", "PSNATT03")
    with espace.db.write() as s:
        enregistrer_decision(
            s, p.id, Statut.RECUE, "Marc VERNET", date_reception=dt.date(2023, 11, 20)
        )
    rapport = importer_paquet(
        espace.db,
        espace.store,
        write_package(tmp_path / "b", candidatures, pieces.format("En attente de contrôle")),
    )
    assert piece(espace, "01234567890", "PSNATT03").statut == Statut.RECUE
    [conflit] = rapport.conflits
    assert (conflit.statut_local, conflit.statut_paquet) == (
        Statut.RECUE,
        Statut.EN_ATTENTE_CONTROLE,
    )
    assert "décision locale" in str(conflit)


def test_all_or_nothing_writes_nothing_when_a_row_is_refused(
    espace: Espace, tmp_path: Path
) -> None:
    with pytest.raises(ImportRefuse) as refused:
        importer_paquet(espace.db, espace.store, tableur(tmp_path / "p"), tout_ou_rien=True)
    assert refused.value.rapport.lignes_refusees == 6
    assert etat(espace)["candidats"] == []


def test_cancelled_import_leaves_the_database_as_it_was(espace: Espace, paquet_demo: Path) -> None:
    def cancel(done: int, total: int, etape: str) -> None:
        if etape == "Fichiers déposés":
            raise TacheAnnulee()

    with pytest.raises(TacheAnnulee):
        importer_paquet(espace.db, espace.store, paquet_demo, progression=cancel)
    assert etat(espace)["candidatures"] == []


def test_the_files_are_flushed_while_the_rows_are_written_and_before_their_commit(
    espace: Espace, paquet_demo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The flush of the imported files waits for the disk in a thread while the pièces are
    written; the rows that reference the files are committed only once it has ended, and a
    flush the disk refuses stops the import with nothing kept."""
    import threading

    from sqlalchemy import event

    from desktop_app.documents.store import ContentStore
    from desktop_app.services.importer import ecriture
    from desktop_app.services.progression import ImportInterrompu

    journal: list[str] = []
    flush_d_origine = ContentStore.make_durable
    pieces_d_origine = ecriture.Ecrivain.pieces
    ecrites = threading.Event()

    def flush_lent(store: ContentStore, hashes: Any) -> None:
        journal.append(f"flush commencé ({threading.current_thread().name})")
        ecrites.wait(timeout=10)  # a disk slower than the writing of the rows
        flush_d_origine(store, hashes)
        journal.append("flush fini")

    def pieces(self: Any, *args: Any) -> None:
        journal.append("pièces commencées")
        pieces_d_origine(self, *args)
        journal.append("pièces écrites")
        ecrites.set()

    monkeypatch.setattr(ContentStore, "make_durable", flush_lent)
    monkeypatch.setattr(ecriture.Ecrivain, "pieces", pieces)

    @event.listens_for(espace.db.engine, "commit")
    def commit(connection: Any) -> None:
        journal.append("commit")

    try:
        importer_paquet(espace.db, espace.store, paquet_demo)
    finally:
        event.remove(espace.db.engine, "commit", commit)
    debut = min(i for i, e in enumerate(journal) if e.startswith(("flush", "pièces")))
    assert journal[debut : debut + 5] == [
        "flush commencé (fichiers-durables)",  # not the importing thread
        "pièces commencées",
        "pièces écrites",  # while the flush waits for the disk
        "flush fini",
        "commit",  # the rows only once the files are on disk
    ]

    def flush_refuse(store: ContentStore, hashes: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ContentStore, "make_durable", flush_refuse)
    vide = ouvrir_espace(tmp_path / "autre")
    try:
        with pytest.raises(ImportInterrompu, match="Rien n'a été importé ; libérez de la place"):
            importer_paquet(vide.db, vide.store, paquet_demo)
        assert etat(vide)["candidatures"] == []
        assert list(vide.store.root.iterdir()) == []  # the space is given back
    finally:
        vide.close()


def test_progress_is_reported_up_to_the_total(espace: Espace, paquet_demo: Path) -> None:
    seen: list[tuple[int, int]] = []
    importer_paquet(
        espace.db,
        espace.store,
        paquet_demo,
        progression=lambda done, total, _: seen.append((done, total)),
    )
    assert seen[-1][0] == seen[-1][1] > 40
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "campagne.json introuvable"),
        ({"campagne.json": b"{pas du json"}, "JSON illisible"),
        ({"campagne.json": b'{"examen": "BCP"}'}, "session, academie"),
        (
            {"campagne.json": b'{"examen":"BCP","session":"2024","academie":"X"}'},
            "candidatures.csv introuvable",
        ),
    ],
)
def test_unusable_packages_are_refused_in_french(
    espace: Espace, tmp_path: Path, files: dict[str, bytes], message: str
) -> None:
    root = tmp_path / "p"
    root.mkdir()
    for name, data in files.items():
        (root / name).write_bytes(data)
    with pytest.raises(PaquetInutilisable, match=message):
        importer_paquet(espace.db, espace.store, root)


def test_decision_history_is_append_only(espace: Espace, paquet_demo: Path) -> None:
    importer_paquet(espace.db, espace.store, paquet_demo)
    with pytest.raises(Exception, match="ajout seul"), espace.db.write() as s:
        s.execute(text("UPDATE decision SET gestionnaire = 'autre'"))
    with pytest.raises(Exception, match="ajout seul"), espace.db.write() as s:
        s.execute(text("DELETE FROM decision"))


def test_status_counters_always_equal_the_pieces(
    espace: Espace, paquet_demo: Path, tmp_path: Path
) -> None:
    from desktop_app.services.demo import REDEPOT_GRAINE, Calendrier, ajouter_redepots
    from desktop_app.services.requetes import STATUTS_COMPTES, lister_candidatures
    from tests.conftest import REFERENCE

    def check() -> None:
        with espace.db.read() as s:
            listed = {r.id: (*r.compteurs, r.sans_fichier) for r in lister_candidatures(s, 1)}
            truth = {cid: [0] * (len(STATUTS_COMPTES) + 1) for cid in listed}
            avec_fichier = set(s.scalars(select(Depot.piece_id)))
            for pid, cid, statut in s.execute(select(Piece.id, Piece.candidature_id, Piece.statut)):
                truth[cid][STATUTS_COMPTES.index(statut)] += 1
                truth[cid][-1] += statut is None and pid not in avec_fichier
        assert listed == {cid: tuple(c) for cid, c in truth.items()}
        assert any(c[-1] for c in listed.values())  # the demo has pièces still awaited

    importer_paquet(espace.db, espace.store, paquet_demo)
    check()
    with espace.db.read() as s:
        ids = list(s.scalars(select(Piece.id).order_by(Piece.id).limit(6)))
    with espace.db.write() as s:
        for piece_id, statut in zip(ids, [*Statut, None], strict=True):
            enregistrer_decision(
                s, piece_id, statut, "Claire FAYOLLE", commentaire="motif", fichier_affiche=True
            )
    check()
    import random

    assert ajouter_redepots(
        paquet_demo, random.Random(REDEPOT_GRAINE), Calendrier.autour_de(REFERENCE), part=1.0
    )
    assert importer_paquet(espace.db, espace.store, paquet_demo).nouveaux_tours
    check()


@pytest.mark.skipif(not hasattr(__import__("os"), "symlink"), reason="no symbolic links")
def test_links_leaving_a_folder_package_are_refused(espace: Espace, tmp_path: Path) -> None:
    secret = tmp_path / "ailleurs"
    secret.mkdir()
    (secret / "secret.pdf").write_bytes(pdf_bytes("hors du paquet"))
    root = write_package(
        tmp_path / "p",
        "n_candidat;n_inscription;nom_naissance;prenoms;date_naissance\n"
        "01234567890;001;LEROY;Anaïs;01/02/2003\n",
        "n_candidat;n_inscription;code_piece;fichier\n"
        "01234567890;001;CINSIG01;fichiers/lien.pdf\n"
        "01234567890;001;1NATID01;dossier-lie/secret.pdf\n"
        "01234567890;001;PSNATT03;fichiers/vrai.pdf\n",
        {"fichiers/vrai.pdf": pdf_bytes()},
    )
    try:
        (root / "fichiers" / "lien.pdf").symlink_to(secret / "secret.pdf")
        (root / "dossier-lie").symlink_to(secret)
    except OSError as exc:  # Windows without the privilege to make links (WinError 1314)
        pytest.skip(f"liens symboliques non permis ici : {exc}")
    if not (root / "dossier-lie" / "secret.pdf").is_file():
        pytest.skip("liens symboliques faits mais pas suivis ici (Wine)")
    rapport = importer_paquet(espace.db, espace.store, root)
    assert [str(m) for m in rapport.messages if m.niveau == "erreur"] == []
    for code in ("CINSIG01", "1NATID01"):
        [depot] = depots(espace, "01234567890", code)
        assert (depot.sha256, depot.recevable) == (None, False)
        assert depot.motif.startswith("Chemin qui sort du paquet refusé")
    [vrai] = depots(espace, "01234567890", "PSNATT03")
    assert vrai.recevable
