"""A small campaign whose deadlines fall on the night clocks go forward (30 to 31 March 2024),
with four candidates whose worklists are computed by hand in test_suivi.py."""

from __future__ import annotations

from pathlib import Path

from desktop_app.services.espace import Espace
from desktop_app.services.importer import importer_paquet
from desktop_app.services.requetes import campagnes
from tests.helpers import jpeg_bytes, pdf_bytes, png_bytes, write_package

# The night of 30 to 31 March 2024: Paris goes from +01:00 to +02:00 at 02:00.
CAMPAGNE_PRINTEMPS = {
    "format": "dossiers-pj/1",
    "examen": "BP",
    "libelle": "Brevet professionnel",
    "session": "2024",
    "academie": "Clermont-Ferrand",
    "cloture": "05/04/2024 17:00",
    "pieces": [
        {"code": "CINSIG01", "libelle": "Confirmation d'inscription signée",
         "regroupement": "Confirmation d'inscription", "modalite": "en_ligne",
         "fin": "30/03/2024 23:59"},
        {"code": "PSNATT03", "libelle": "Certificat de participation ou d'exemption à la JDC",
         "regroupement": "Service national", "modalite": "postal", "fin": "31/03/2024 23:59"},
        {"code": "1NATID01", "libelle": "Document justifiant l'identité",
         "regroupement": "Identité", "modalite": "en_ligne"},
    ],
}  # fmt: skip

CANDIDATURES = (
    "n_candidat;n_inscription;civilite;nom_naissance;prenoms;date_naissance;specialite\n"
    "00000000001;001;MADAME;DUPONT;Hélène;01/02/2003;Couvreur\n"
    "00000000002;001;MONSIEUR;MARTIN;Paul;01/02/2003;Couvreur\n"
    "00000000003;001;MADAME;ÉLOI;Zoé;01/02/2003;Maçon\n"
    "00000000004;001;MONSIEUR;PETIT;Léo;01/02/2003;Maçon\n"
)
PIECES = (
    "n_candidat;n_inscription;code_piece;fichier;statut;commentaire;date_reception\n"
    # DUPONT: nothing for CINSIG01 nor the JDC; identity Conforme
    "00000000001;001;CINSIG01;;;;\n"
    "00000000001;001;PSNATT03;;;;\n"
    "00000000001;001;1NATID01;f/dupont-cni.jpg;Conforme;;\n"
    # MARTIN: confirmation refused, JDC received by post, identity deposited (to check)
    "00000000002;001;CINSIG01;f/martin-conf.pdf;Non conforme;Document non signé;\n"
    "00000000002;001;PSNATT03;;Reçue;;20/03/2024\n"
    "00000000002;001;1NATID01;f/martin-cni.jpg;;;\n"
    # ÉLOI: complete
    "00000000003;001;CINSIG01;f/eloi-conf.pdf;Conforme;;\n"
    "00000000003;001;PSNATT03;;Conforme;;\n"
    "00000000003;001;1NATID01;f/eloi-cni.jpg;Conforme;;\n"
    # PETIT: a PNG renamed (non recevable), no JDC, identity awaiting a new file
    "00000000004;001;CINSIG01;f/petit-conf.jpg;;;\n"
    "00000000004;001;PSNATT03;;;;\n"
    "00000000004;001;1NATID01;f/petit-cni.jpg;En attente d'une nouvelle PJ;Document expiré;\n"
)


FICHIERS = {
    "f/dupont-cni.jpg": jpeg_bytes(),
    "f/martin-conf.pdf": pdf_bytes("MARTIN"),
    "f/martin-cni.jpg": jpeg_bytes(color="gray"),
    "f/eloi-conf.pdf": pdf_bytes("ÉLOI"),
    "f/eloi-cni.jpg": jpeg_bytes(color="blue"),
    "f/petit-conf.jpg": png_bytes(),
    "f/petit-cni.jpg": jpeg_bytes(color="green"),
}


def importer_printemps(espace: Espace, dossier: Path) -> int:
    """Import the campaign; returns its id."""
    paquet = write_package(dossier, CANDIDATURES, PIECES, FICHIERS, campagne=CAMPAGNE_PRINTEMPS)
    rapport = importer_paquet(espace.db, espace.store, paquet, worker=espace.inspection)
    assert not rapport.lignes_refusees, rapport.lignes_refusees
    with espace.db.read() as s:
        return campagnes(s)[0].id
