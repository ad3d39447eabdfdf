"""The readings kept in the base: the demo's identity photos (their MRZ drawn in OCR-B) read
through the worker, stored by sha256, compared with each candidature; read again only by a
newer reader; gone with the last deposit of their file (purge)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from desktop_app.documents.lecture import document
from desktop_app.documents.worker import DemandeLecture, InspectionWorker
from desktop_app.models import Candidat, Candidature, Depot, LectureFichier, Piece, PieceCatalogue
from desktop_app.services.demo import carte_du_candidat
from desktop_app.services.espace import Espace
from desktop_app.services.lecture import (
    MOTIF_EXPIRE,
    MOTIF_NAISSANCE,
    a_lire,
    enregistrer,
    lecture,
    lu_sur_depot,
    reste_a_lire,
)
from desktop_app.services.purge import purger


def _identites(espace: Espace) -> list[tuple[int, str, str, Candidat]]:
    """(deposit, sha256, format, candidate) of each identity photo of the campaign."""
    with espace.db.read() as s:
        lignes = s.execute(
            select(Depot.id, Depot.sha256, Depot.format, Candidat)
            .join(Piece, Piece.id == Depot.piece_id)
            .join(PieceCatalogue, PieceCatalogue.id == Piece.catalogue_id)
            .join(Candidature, Candidature.id == Piece.candidature_id)
            .join(Candidat, Candidat.id == Candidature.candidat_id)
            .where(PieceCatalogue.code == "1NATID01", Depot.recevable, Depot.format == "jpeg")
        ).all()
        for ligne in lignes:
            s.expunge(ligne[3])
        return [tuple(ligne) for ligne in lignes]  # type: ignore[misc]


def test_demo_identity_photos_are_read_stored_and_compared(espace_demo: Espace) -> None:
    espace = espace_demo  # the demo package, imported
    avant = espace.lire(reste_a_lire)
    assert avant > 0 and len(espace.lire(lambda s: a_lire(s, 5))) == 5
    # Twelve photos, those whose card differs from the registration first (the demo draws a
    # few such cards: the panel's avertissement must be there for each).
    toutes = _identites(espace)

    def differe(ligne: tuple[int, str, str, Candidat]) -> bool:
        carte, _genre = carte_du_candidat(ligne[3], 2027)
        return carte.naissance != ligne[3].date_naissance

    identites = sorted(toutes, key=lambda ligne: not differe(ligne))[:12]
    assert len(identites) >= 8 and differe(identites[0])
    lus = {}
    with InspectionWorker() as worker:
        for _depot, sha, fmt, _ in identites:
            chemin = str(espace.store.path(sha))
            demande = DemandeLecture(f"lire:{sha}", chemin, fmt, dt.date(2026, 11, 29))
            lus[sha] = worker.demander(demande)
            espace.ecrire(lambda s, sha=sha: enregistrer(s, sha, lus[sha]))
    assert espace.lire(reste_a_lire) == avant - len({sha for _, sha, _, _ in identites})
    lisibles = vues = 0
    for depot_id, sha, _, candidat in identites:
        assert espace.lire(lambda s, sha=sha: lecture(s, sha)) == lus[sha]
        releve = espace.lire(lambda s, d=depot_id: lu_sur_depot(s, d))
        if releve.lu is None or releve.lu.premiere("naissance") is None:
            continue  # a photo too small to read (the demo has some): nothing said
        lisibles += 1
        assert releve.lu.premiere("naissance").source == document.MRZ  # type: ignore[union-attr]
        carte, _genre = carte_du_candidat(candidat, 2027)
        attendus = set()
        if carte.naissance != candidat.date_naissance:
            attendus.add(MOTIF_NAISSANCE)
            vues += 1
        motifs = {e.motif for e in releve.ecarts}
        assert attendus <= motifs, (candidat.nom_naissance, releve.ecarts)
        assert motifs <= attendus | {MOTIF_EXPIRE}, releve.ecarts  # never the name
    assert lisibles >= len(identites) // 2 and vues >= 1


def test_a_newer_reader_reads_again(espace_demo: Espace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    espace = espace_demo  # the demo package, imported
    [fichier] = espace.lire(lambda s: a_lire(s, 1))
    espace.ecrire(lambda s: enregistrer(s, fichier.sha256, document.Lu(constats=("rien",))))
    assert espace.lire(lambda s: lecture(s, fichier.sha256)) is not None
    assert fichier not in espace.lire(lambda s: a_lire(s, 10_000))
    monkeypatch.setattr(document, "VERSION", document.VERSION + 1)
    import desktop_app.services.lecture as service

    monkeypatch.setattr(service, "VERSION", document.VERSION)
    assert espace.lire(lambda s: lecture(s, fichier.sha256)) is None
    assert fichier in espace.lire(lambda s: a_lire(s, 10_000))


def test_purge_removes_the_readings_of_files_nobody_deposited_any_more(espace_demo: Espace) -> None:
    espace = espace_demo  # the demo package, imported
    for f in espace.lire(lambda s: a_lire(s, 3)):
        espace.ecrire(lambda s, f=f: enregistrer(s, f.sha256, document.Lu(constats=("x",))))
    from desktop_app.models import Campagne

    titre = espace.lire(lambda s: s.get(Campagne, 1).titre)
    bilan = espace.ecrire(lambda s: purger(s, 1, "Mme Roux", titre))
    assert bilan.retraits["lecture(s) de document"] == 3
    assert espace.lire(lambda s: s.scalars(select(LectureFichier)).all()) == []


def test_demo_diplomas_carry_a_verified_2d_doc_naming_their_candidate(
    espace_demo: Espace, paquet_demo: Path
) -> None:
    from desktop_app.documents.lecture.document import DEUXDDOC, lire_document
    from desktop_app.services.lecture import DOSSIER_CERTIFICATS, Identite, comparer

    espace = espace_demo  # the demo package, imported
    with espace.db.read() as s:
        lignes = s.execute(
            select(Depot.sha256, Candidat)
            .join(Piece, Piece.id == Depot.piece_id)
            .join(PieceCatalogue, PieceCatalogue.id == Piece.catalogue_id)
            .join(Candidature, Candidature.id == Piece.candidature_id)
            .join(Candidat, Candidat.id == Candidature.candidat_id)
            .where(PieceCatalogue.code == "RELNOT01", Depot.recevable)
        ).all()
        for _sha, candidat in lignes:
            s.expunge(candidat)
    assert lignes
    certificats = (str(paquet_demo / DOSSIER_CERTIFICATS),)
    for sha, candidat in lignes[:3]:
        lu = lire_document(espace.store.path(sha), "pdf", certificats=certificats)
        assert lu.deuxddoc.startswith("2D-Doc lu, signature vérifiée")
        assert {v.source for v in lu.valeurs} == {DEUXDDOC}
        # Where the code lies, for the viewer's outline: printed at the top right.
        boite = lu.valeurs[0].boite
        assert boite is not None and boite[0] > 0.6 and boite[3] < 0.3
        identite = Identite(candidat.nom_naissance, candidat.nom_usage, candidat.prenoms,
                            candidat.date_naissance)  # fmt: skip
        assert comparer(lu, identite, dt.date(2027, 6, 1)) == []
        sans = lire_document(espace.store.path(sha), "pdf")  # the demo authority unknown here
        assert sans.deuxddoc.startswith("certificat inconnu : non vérifiable hors ligne")


def test_files_to_read_come_in_pages_after_the_last_one(espace_demo: Espace) -> None:
    """The background reader walks the files in sha256 order, a page at a time, each file
    once however many times it was deposited."""
    espace = espace_demo  # the demo package, imported
    vus: list[str] = []
    apres = ""
    while page := espace.lire(lambda s, a=apres: a_lire(s, 7, a)):
        assert len(page) <= 7 and all(f.sha256 > apres for f in page)
        vus += [f.sha256 for f in page]
        apres = page[-1].sha256
    assert vus == sorted(set(vus)) and len(vus) == espace.lire(reste_a_lire)


def test_a_correction_is_kept_in_the_chained_history_and_compared(espace_demo: Espace) -> None:
    """The gestionnaire corrects a name misread: the reading stays, the correction is a note
    in the pièce's chained history (who, what was read, what is right) that decides nothing;
    the dossier shows and compares the corrected value. A decision before it can still be
    undone; a date that is none is refused in French."""
    import pytest

    from desktop_app.documents.lecture.document import OCR, Valeur
    from desktop_app.models import Decision, SourceDecision, Statut
    from desktop_app.services.audit import verifier_historique
    from desktop_app.services.decisions import annuler_decision, enregistrer_decision
    from desktop_app.services.lecture import (
        CORRIGE,
        MOTIF_NOM,
        CorrectionRefusee,
        corriger,
    )
    from desktop_app.services.requetes import historique_de

    espace = espace_demo  # the demo package, imported
    depot_id, sha, _fmt, candidat = _identites(espace)[0]
    lu = document.Lu(valeurs=(Valeur("nom", "DUPOND", OCR, 0.7, 1, (0.1, 0.1, 0.3, 0.15)),))
    espace.ecrire(lambda s: enregistrer(s, sha, lu))
    assert [e.motif for e in espace.lire(lambda s: lu_sur_depot(s, depot_id)).ecarts] == [MOTIF_NOM]
    piece_id = espace.lire(lambda s: s.get(Depot, depot_id).piece_id)  # type: ignore[union-attr]
    faite = espace.ecrire(lambda s: enregistrer_decision(
        s, piece_id, Statut.NON_CONFORME, "M. Vernet", commentaire="Pièce illisible"))  # fmt: skip
    version = espace.lire(lambda s: s.get(Piece, piece_id).version_id)  # type: ignore[union-attr]

    nom = candidat.nom_naissance
    espace.ecrire(lambda s: corriger(s, depot_id, "nom", f"  {nom} ", "Mme Roux"))
    releve = espace.lire(lambda s: lu_sur_depot(s, depot_id))
    corrige = releve.lu.premiere("nom")  # type: ignore[union-attr]
    assert corrige is not None and corrige.valeur == nom and corrige.source == CORRIGE
    assert "Mme Roux" in corrige.detail and "lu : « DUPOND » (OCR)" in corrige.detail
    assert corrige.boite == (0.1, 0.1, 0.3, 0.15)  # still shown where it was read
    assert releve.ecarts == ()
    assert espace.lire(lambda s: lecture(s, sha)) == lu  # the reading itself is unchanged
    with espace.db.read() as s:
        piece = s.get(Piece, piece_id)
        assert piece is not None and piece.statut is Statut.NON_CONFORME
        assert piece.commentaire == "Pièce illisible" and piece.version_id == version
        note = s.scalars(select(Decision).order_by(Decision.id.desc())).first()
        assert note is not None and note.source is SourceDecision.LECTURE
        assert note.gestionnaire == "Mme Roux" and note.fichiers == sha
        assert note.commentaire == f"Lecture corrigée, nom : « DUPOND » (OCR) → « {nom} »"
        verification = verifier_historique(s)
        assert not verification.ruptures and not verification.pieces_incoherentes
        assert historique_de(s, piece_id)[-1].quoi == "lecture"
    # The note decides nothing: the decision before it is still the one undone.
    espace.ecrire(lambda s: annuler_decision(s, faite.decision_id, "M. Vernet"))
    with pytest.raises(CorrectionRefusee, match="jj/mm/aaaa"):
        espace.ecrire(lambda s: corriger(s, depot_id, "naissance", "31/02/2004", "Mme Roux"))
    with pytest.raises(CorrectionRefusee, match="lettres"):
        espace.ecrire(lambda s: corriger(s, depot_id, "nom", "=HYPERLINK(1)", "Mme Roux"))
