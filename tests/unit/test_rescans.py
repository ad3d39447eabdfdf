"""The same paper scanned anew and deposited for another candidate, or for another pièce, is
said on both sides: first pages whose fingerprints are a few bits apart, readings that name the
same holder. Papers printed from one template for different people, the same person's other
documents, and the portal's forms are never paired."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import combinations

import pytest
from PIL import Image
from sqlalchemy import select

from desktop_app.documents.lecture.document import MRZ, OCR, TEXTE_PDF, Lu, Valeur, lire_document
from desktop_app.documents.lecture.empreinte import BITS, distance, empreinte
from desktop_app.models import Candidature, Depot, Piece, PieceCatalogue
from desktop_app.services.espace import Espace
from desktop_app.services.lecture import enregistrer, meme_papier
from desktop_app.services.requetes import SEUIL_EMPREINTE, pieces_de
from tests.specimens import capturer, en_jpeg, papiers


def apparies(a: Lu, b: Lu) -> bool:
    """What ``rescans`` decides for two readings."""
    return (
        a.empreinte is not None
        and b.empreinte is not None
        and distance(a.empreinte, b.empreinte) <= SEUIL_EMPREINTE
        and meme_papier(a, b)
    )


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, Lu]]:
    """Eight papers (identity documents and attestations, one in three another paper of the
    holder of the paper two before), each sent twice by independent captures, read end to
    end."""
    rng = random.Random(41)
    dossier = tmp_path_factory.mktemp("rescans")
    resultat = []
    for n, papier in enumerate(papiers(8, graine=41)):
        for k in range(2):
            chemin = dossier / f"p{n}-{k}.jpg"
            chemin.write_bytes(en_jpeg(capturer(papier, rng)))
            resultat.append((n, lire_document(chemin, "jpeg")))
    return resultat


def test_two_captures_of_one_paper_are_paired_and_no_two_papers_are(
    captures: list[tuple[int, Lu]],
) -> None:
    for (n, a), (m, b) in combinations(captures, 2):
        assert apparies(a, b) == (n == m), (n, m)


def test_papers_of_one_template_look_alike_so_the_names_decide(
    captures: list[tuple[int, Lu]],
) -> None:
    """Why the fingerprint alone is not enough: two people's attestations of one model, or
    two ID cards, are within the threshold; their readings tell them apart."""
    proches = [(a, b) for (n, a), (m, b) in combinations(captures, 2)
               if n != m and distance(a.empreinte, b.empreinte) <= SEUIL_EMPREINTE]  # type: ignore[arg-type]  # fmt: skip
    assert proches, "the labelled set must hold look-alikes, or it proves nothing"
    assert not any(meme_papier(a, b) for a, b in proches)


def test_a_blank_page_has_no_fingerprint_and_ink_gives_63_bits() -> None:
    assert empreinte(Image.new("L", (1240, 1754), 250)) is None
    papier = papiers(1, graine=5)[0]
    valeur = empreinte(papier.image)
    assert valeur is not None and 0 <= valeur < 1 << BITS


def _lu(nom: str, prenoms: str, naissance: str, empreinte: int, source: str = MRZ) -> Lu:
    return Lu((Valeur("nom", nom, source, 0.9), Valeur("prenoms", prenoms, source, 0.9),
               Valeur("naissance", naissance, source, 0.9)), empreinte=empreinte)  # fmt: skip


def test_one_paper_is_read_alike_despite_ocr_and_the_mrz_shortening() -> None:
    carte = _lu("DUPONT", "JEAN PIERRE", "2004-03-12", 0)
    assert meme_papier(carte, _lu("Dupont", "Jean", "2004-03-12", 0, TEXTE_PDF))
    assert meme_papier(carte, _lu("DUPOMT", "Jean", "2004-03-12", 0, OCR))  # misread
    assert not meme_papier(carte, _lu("DUPONT", "JEAN", "2004-03-13", 0))
    assert not meme_papier(carte, _lu("DURAND", "JEAN", "2004-03-12", 0))
    assert not meme_papier(carte, _lu("DUPONT", "PAUL", "2004-03-12", 0))
    assert not meme_papier(carte, Lu(empreinte=0)), "nothing read: never paired"
    renouvelee = Lu((*carte.valeurs, Valeur("numero", "X4RTBPFW4", MRZ, 0.99)))
    assert meme_papier(renouvelee, Lu((*carte.valeurs, Valeur("numero", "X4RTBPFW4", MRZ, 1))))
    assert not meme_papier(renouvelee, Lu((*carte.valeurs, Valeur("numero", "A9", MRZ, 1)))), (
        "the holder's other card is another paper"
    )
    # Two attestations of one model for one holder: other dates, another paper; one date
    # misread on a re-scan leaves most shared.
    contrat = replace(carte, dates=("2004-03-12", "2021-09-01", "2025-10-17"))
    assert not meme_papier(contrat, replace(carte, dates=("2004-03-12", "2019-01-07",
                                                          "2025-11-03")))  # fmt: skip
    assert meme_papier(contrat, replace(carte, dates=("2004-03-12", "2021-09-07", "2025-10-17")))
    assert meme_papier(contrat, carte), "no dates read on one side: not judged by them"


def _fichier(espace: Espace, code: str, rang: int) -> tuple[int, int, int, str]:
    """(candidature, pièce, deposit, sha256) of the ``rang``-th demo dossier holding a
    recevable file for the catalogue entry ``code``."""
    with espace.db.read() as s:
        row = s.execute(
            select(Candidature.id, Piece.id, Depot.id, Depot.sha256)
            .join(Piece, Piece.candidature_id == Candidature.id)
            .join(PieceCatalogue, PieceCatalogue.id == Piece.catalogue_id)
            .join(Depot, Depot.piece_id == Piece.id)
            .where(PieceCatalogue.code == code, Depot.recevable)
            .order_by(Candidature.id, Depot.id)
            .offset(rang)
            .limit(1)
        ).one()
    return row[0], row[1], row[2], row[3]


def _vus(espace: Espace, candidature_id: int, piece_id: int) -> set[tuple[int, bool, bool]]:
    lignes = espace.lire(lambda s: pieces_de(s, candidature_id))
    piece = next(p for p in lignes if p.id == piece_id)
    return {(a.piece_id, a.rescan, a.meme_dossier) for a in piece.ailleurs}


BASE = 0b1011_0110_0101 << 40  # a fingerprint


def lire_comme_rescans(espace: Espace) -> tuple[int, int, int, int, int, int]:
    """Two demo candidates' identity files read as one card from two scans three bits apart,
    and two of their confirmations read alike: (candidature, pièce) of each card, then of
    one confirmation."""
    c1, p1, _, sha1 = _fichier(espace, "1NATID01", 0)
    c2, p2, _, sha2 = _fichier(espace, "1NATID01", 5)
    f1, q1, _, form1 = _fichier(espace, "CINSIG01", 0)
    _, _, _, form2 = _fichier(espace, "CINSIG01", 5)
    assert c1 != c2 and sha1 != sha2 and form1 != form2
    with espace.db.write() as s:
        enregistrer(s, sha1, _lu("MARTIN", "LÉA", "2005-02-01", BASE))
        enregistrer(s, sha2, _lu("MARTIN", "Léa Marie", "2005-02-01", BASE ^ 0b10101, OCR))
        enregistrer(s, form1, _lu("MARTIN", "LÉA", "2005-02-01", BASE, TEXTE_PDF))
        enregistrer(s, form2, _lu("MARTIN", "LÉA", "2005-02-01", BASE, TEXTE_PDF))
    return c1, p1, c2, p2, f1, q1


def test_a_rescan_is_said_on_both_dossiers_but_a_form_never(espace_demo: Espace) -> None:
    espace = espace_demo  # the demo package, imported
    c1, p1, c2, p2, f1, q1 = lire_comme_rescans(espace)
    _, _, _, sha2 = _fichier(espace, "1NATID01", 5)
    assert (p2, True, False) in _vus(espace, c1, p1)
    assert (p1, True, False) in _vus(espace, c2, p2)
    assert not any(rescan for _, rescan, _ in _vus(espace, f1, q1))

    # Another holder's card of the same template (the same look): not paired.
    with espace.db.write() as s:
        enregistrer(s, sha2, _lu("MARTIN", "Paul", "2005-02-01", BASE ^ 0b1, OCR))
    assert not any(rescan for _, rescan, _ in _vus(espace, c1, p1))

    # The same paper, far in look (another document of the same holder): not paired.
    with espace.db.write() as s:
        enregistrer(s, sha2, _lu("MARTIN", "Léa", "2005-02-01", BASE ^ ((1 << 20) - 1), OCR))
    assert not any(rescan for _, rescan, _ in _vus(espace, c1, p1))


def test_a_rescan_stays_quiet_when_the_reader_changed(espace_demo: Espace) -> None:
    """A reading of an older reader is redone, not compared: its fingerprint may not be
    computed alike."""
    espace = espace_demo  # the demo package, imported
    c1, p1, _, sha1 = _fichier(espace, "1NATID01", 0)
    _, _, _, sha2 = _fichier(espace, "1NATID01", 5)
    with espace.db.write() as s:
        enregistrer(s, sha1, _lu("MARTIN", "LÉA", "2005-02-01", 7))
        enregistrer(s, sha2, Lu(_lu("MARTIN", "LÉA", "2005-02-01", 7).valeurs, empreinte=7,
                                version=1))  # fmt: skip
    assert not any(rescan for _, rescan, _ in _vus(espace, c1, p1))
