"""A realistic, fictitious demo campaign: a bac pro session of the académie de Clermont-Ferrand.

It is written as a dossier package (the exchange format) and imported through the real
importer, so the demo exercises exactly what a bureau's package does. Everything derives from a
seed and a reference date ("today" by default): the same pair gives the same bytes. Then a second
package brings re-deposits for some pièces refused in the first, as the national portal would.

Names, numbers and establishments are invented."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.documents.lecture.mrz import CNI, TD1
from desktop_app.documents.lecture.specimens import (
    Identite,
    Signataire,
    contenu_deuxddoc,
    image_deuxddoc,
    signataire_d_essai,
)
from desktop_app.documents.store import ContentStore
from desktop_app.documents.worker import Atelier
from desktop_app.models import Campagne, Candidat, Candidature, Piece, PieceCatalogue
from desktop_app.models.database import Database
from desktop_app.services.colonnes import CANDIDATURES_ORDRE, PIECES_ORDRE
from desktop_app.services.dates import PARIS, iso
from desktop_app.services.importer import RapportImport, importer_paquet
from desktop_app.services.lecture import DOSSIER_CERTIFICATS
from desktop_app.services.progression import Progression

NOMS = [
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEROY",
    "MOREAU",
    "SIMON",
    "LAURENT",
    "LEFEBVRE",
    "MICHEL",
    "GARCIA",
    "DAVID",
    "BERTRAND",
    "ROUX",
    "VINCENT",
    "FOURNIER",
    "MOREL",
    "GIRARD",
    "ANDRÉ",
    "LEFÈVRE",
    "MERCIER",
    "DUPONT",
    "LAMBERT",
    "BONNET",
    "FRANÇOIS",
    "MARTINEZ",
    "LEGRAND",
    "GARNIER",
    "FAURE",
    "ROUSSEAU",
    "BLANC",
    "GUÉRIN",
    "MULLER",
    "HENRY",
    "ROUSSEL",
    "NICOLAS",
    "PERRIN",
    "MORIN",
    "MATHIEU",
    "CLÉMENT",
    "GAUTHIER",
    "DUMONT",
    "LOPEZ",
    "FONTAINE",
    "CHEVALIER",
    "ROBIN",
    "MASSON",
    "SANCHEZ",
    "BRUN",
    "ROCHE",
    "BOYER",
    "CHASSAGNE",
    "VIALLE",
    "BESSE",
    "FAUCHER",
    "MALLET",
    "TIXIER",
    "COUDERT",
    "PÉLISSIER",
    "AUBIGNAT",
    "DA SILVA",
    "PEREIRA",
    "BENALI",
    "NGUYEN",
    "TRAORÉ",
    "LE GALL",
    "DE OLIVEIRA",
    "BOUCHET",
    "VERDIER",
    "CHABRIER",
    "MONTEIL",
    "ESCOFFIER",
]
PRENOMS_F = [
    "Hélène",
    "Zoé",
    "Léa",
    "Chloé",
    "Manon",
    "Inès",
    "Camille",
    "Gaëlle",
    "Anaïs",
    "Maëlys",
    "Noémie",
    "Élodie",
    "Céline",
    "Sarah",
    "Emma",
    "Jade",
    "Louise",
    "Yasmine",
    "Océane",
    "Clémence",
    "Mélissa",
    "Aurélie",
    "Laëtitia",
    "Sophie",
    "Agathe",
    "Ambre",
]
PRENOMS_M = [
    "Lucas",
    "Hugo",
    "Théo",
    "Noël",
    "Jérôme",
    "François",
    "Maël",
    "Enzo",
    "Nathan",
    "Loïc",
    "Mathis",
    "Kévin",
    "Rémi",
    "Adrien",
    "Yanis",
    "Gaël",
    "Bastien",
    "Léo",
    "Mehdi",
    "Quentin",
    "Anthony",
    "Benoît",
    "Raphaël",
    "Timothée",
    "Jules",
    "Killian",
]
COMMUNES = [
    ("CLERMONT-FERRAND", "063"),
    ("VICHY", "003"),
    ("AURILLAC", "015"),
    ("LE PUY-EN-VELAY", "043"),
    ("MONTLUÇON", "003"),
    ("MOULINS", "003"),
    ("RIOM", "063"),
    ("ISSOIRE", "063"),
    ("THIERS", "063"),
    ("SAINT-FLOUR", "015"),
    ("YSSINGEAUX", "043"),
    ("COURNON-D'AUVERGNE", "063"),
    ("AMBERT", "063"),
    ("BRIOUDE", "043"),
    ("MAURIAC", "015"),
]
ETRANGER = [
    ("LISBONNE", "Portugal", "Portugaise"),
    ("CASABLANCA", "Maroc", "Marocaine"),
    ("DAKAR", "Sénégal", "Sénégalaise"),
    ("PORTO", "Portugal", "Portugaise"),
]
RUES = [
    "rue des Gras",
    "avenue de la République",
    "boulevard Gergovia",
    "rue Blatin",
    "chemin des Vignes",
    "place de Jaude",
    "rue du Pont",
    "allée des Tilleuls",
]

BATIMENT = "bâtiment"
SPECIALITES = [
    ("Aéronautique option Systèmes", "25303", ""),
    ("Métiers du commerce et de la vente option A", "31210", ""),
    ("Assistance à la gestion des organisations et de leurs activités", "32418", ""),
    ("Maintenance des véhicules option A voitures particulières", "25207", ""),
    ("Cuisine", "22106", ""),
    ("Commercialisation et services en restauration", "33411", ""),
    ("Accompagnement, soins et services à la personne option A", "33006", ""),
    ("Métiers de l'électricité et de ses environnements connectés", "25512", ""),
    ("Technicien du bâtiment : organisation et réalisation du gros œuvre", "23210", BATIMENT),
    ("Interventions sur le patrimoine bâti option charpente", "23318", BATIMENT),
    ("Menuiserie aluminium-verre", "23409", BATIMENT),
    ("Logistique", "31105", ""),
]
CATEGORIES = [
    "INDIVIDUEL",
    "INDIVIDUEL",
    "INDIVIDUEL",
    "CNED",
    "FORMATION CONTINUE",
    "ENSEIGNEMENT A DISTANCE",
    "SCOLAIRE BACPRO 1 AN (133)",
]
ETABLISSEMENTS = [
    ("CANDIDATS INDIVIDUELS - CLERMONT-FERRAND", "0639990X"),
    ("CNED - ENSEIGNEMENT A DISTANCE", "0869990C"),
    ("GRETA AUVERGNE - CLERMONT-FERRAND", "0631971E"),
    ("CFA DU BÂTIMENT - CLERMONT-FERRAND", "0631842P"),
    ("LYCÉE PROFESSIONNEL DES MÉTIERS - VICHY", "0030876G"),
    ("LYCÉE PROFESSIONNEL HÔTELIER - AURILLAC", "0150746S"),
]
GESTIONNAIRES = ["Claire FAYOLLE", "Marc VERNET", "Sandrine POUZADOUX"]

CATALOGUE = [
    ("CINSIG01", "Confirmation d'inscription signée", "Confirmation d'inscription", "en_ligne"),
    ("DCANDT01", "Récapitulatif de candidature signé", "Confirmation d'inscription", "en_ligne"),
    ("1NATID01", "Document justifiant l'identité", "Identité", "en_ligne"),
    ("NATIDE01", "Document justifiant la nationalité française", "Nationalité", "en_ligne"),
    (
        "PSNATT03",
        "Certificat de participation ou d'exemption à la JDC",
        "Position régulière au regard du code du service national",
        "postal",
    ),
    ("SCOCND01", "Certificat de scolarité du CNED", "Documents de scolarité", "en_ligne"),
    (
        "RELNOT01",
        "Relevé de notes ou diplôme (acquis déclarés)",
        "Documents de scolarité",
        "en_ligne",
    ),
    ("CMEPSI01", "Certificat médical d'inaptitude à l'EPS", "Conditions", "en_ligne"),
    ("ATR40801", "Attestation de formation R408 (travail en hauteur)", "Conditions", "en_ligne"),
    ("AMENAG01", "Notification de mesures d'aménagement (handicap)", "Conditions", "autre"),
    (
        "ACTPRO01",
        "Attestations d'activité professionnelle (certificats de travail)",
        "Conditions",
        "en_ligne",
    ),
]
# How long the demo's candidats individuels without a previous session worked, in months:
# some fall short of the BCP's three years (services.activite says so).
MOIS_D_ACTIVITE = [14, 26, 31, 36, 38, 44, 52, 60, 75]
METIERS = ["vendeur", "employé de commerce", "agent de maintenance", "commis de cuisine",
           "aide-soignant", "électricien", "magasinier", "serveur"]  # fmt: skip
REDEPOT_GRAINE = 1  # added to the seed for the second extraction
COMMENTAIRES_NC = [
    "Pièce illisible",
    "Document non signé",
    "Document incomplet",
    "Nom différent de celui de l'inscription",
    "Document expiré",
]


@dataclass
class _Candidature:
    n_candidat: str
    n_inscription: str
    civilite: str
    nom: str
    nom_usage: str
    prenoms: str
    naissance: dt.date
    commune: str
    departement: str
    pays: str
    nationalite: str
    adresse: str
    specialite: tuple[str, str, str]
    categorie: str
    etablissement: tuple[str, str]
    handicap: bool
    eps_inapte: bool
    acquis: str
    pieces: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Calendrier:
    ouverture: dt.datetime
    cloture: dt.datetime
    session: str
    maintenant: dt.datetime  # the reference day, early: nothing the demo holds comes later

    @classmethod
    def autour_de(cls, reference: dt.date) -> Calendrier:
        """Registrations opened five weeks before the reference date and close twelve days
        after it: the demo shows a campaign in progress."""
        ouverture = dt.datetime.combine(reference - dt.timedelta(days=35), dt.time(9), PARIS)
        cloture = dt.datetime.combine(reference + dt.timedelta(days=12), dt.time(17), PARIS)
        session = cloture.year + (1 if cloture.month >= 9 else 0)
        maintenant = dt.datetime.combine(reference, dt.time(8), PARIS)
        return cls(ouverture, cloture, str(session), maintenant)


# -- documents ---------------------------------------------------------------------------------
class _Feuille:
    """An A4 page whose text is laid out with TextWriters (one per colour): far faster than
    one insert_text call per line."""

    _fonts: ClassVar[dict[str, object]] = {}

    def __init__(self, doc: object) -> None:
        import pymupdf

        assert isinstance(doc, pymupdf.Document)
        self.pymupdf = pymupdf
        self.page = doc.new_page(width=595, height=842)
        self.writers: dict[tuple[float, float, float], pymupdf.TextWriter] = {}
        self.y = 60.0

    def texte(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 10,
        font: str = "helv",
        color: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        fonts = _Feuille._fonts
        if font not in fonts:
            fonts[font] = self.pymupdf.Font(font)
        writer = self.writers.get(color)
        if writer is None:
            writer = self.writers[color] = self.pymupdf.TextWriter(self.page.rect)
        writer.append((x, y), text, font=fonts[font], fontsize=size)

    def ligne(self, text: str, x: float = 50, size: float = 10, font: str = "helv") -> None:
        self.texte(x, self.y, text, size, font)
        self.y += size * 1.45

    def terminer(self) -> None:
        for color, writer in self.writers.items():
            writer.write_text(self.page, color=color)


def _pdf_bytes(build: Callable[[_Feuille], None], titre: str) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    feuille = _Feuille(doc)
    build(feuille)
    feuille.terminer()
    doc.set_metadata(
        {
            "title": titre,
            "producer": "Cyclades (démonstration)",
            "creator": "Contrôle PJ",
            "creationDate": "D:20240101000000+01'00'",
            "modDate": "D:20240101000000+01'00'",
        }
    )
    data = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return bytes(data)


ENCRE = (0.1, 0.15, 0.55)


def recapitulatif_pdf(c: _Candidature, cal: Calendrier, signe: bool, rng: random.Random) -> bytes:
    """Looks like the portal's « Récapitulatif de votre candidature » (seed 004)."""

    def build(f: _Feuille) -> None:
        version = cal.ouverture + dt.timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 600))
        f.ligne("Récapitulatif de votre candidature", size=15, font="hebo")
        f.ligne("BACCALAURÉAT PROFESSIONNEL", size=12, font="hebo")
        f.ligne(f"Version : 1 du {version:%d/%m/%Y à %H:%M}")
        f.ligne(
            f"N° candidat : {c.n_candidat}     Inscription n° : {c.n_inscription}     "
            f"Session : {cal.session}"
        )
        f.y += 8
        for text in (
            "RECTORAT DE CLERMONT-FERRAND",
            "DIVISION DES EXAMENS ET CONCOURS",
            "Bureau des baccalauréats professionnels",
            "3 avenue Vercingétorix",
            "63033 CLERMONT-FERRAND CEDEX 1",
        ):
            f.ligne(text, x=330, size=9)
        f.y += 6
        f.ligne(f"{c.civilite} {c.nom} {c.prenoms}", size=11, font="hebo")
        f.ligne(c.adresse)
        f.y += 4
        for label, value in (
            ("Nom d'usage", c.nom_usage),
            ("Nationalité", c.nationalite),
            ("Né(e) le", f"{c.naissance:%d/%m/%Y}"),
            ("A", f"{c.commune} - {c.departement}"),
            ("Etablissement", f"{c.etablissement[0]} ({c.etablissement[1]})"),
            ("Catégorie du Candidat", c.categorie),
            ("Aménagement d'épreuve demandé au titre du handicap", "OUI" if c.handicap else "NON"),
        ):
            f.ligne(f"{label} : {value}")
        f.y += 6
        f.ligne(f"Spécialité : {c.specialite[0]} ({c.specialite[1]})", font="hebo")
        f.ligne("Forme de passage : Globale")
        f.y += 6
        f.ligne("EPREUVES OBLIGATOIRES", font="hebo")
        for epreuve in (
            "E1 - Epreuve scientifique et technique",
            "E2 - Analyse et préparation",
            "E3 - Epreuve professionnelle",
            "E4 - Langue vivante",
            "E5 - Français, histoire-géographie et EMC",
            "E6 - Arts appliqués et cultures artistiques",
            "E7 - Education physique et sportive",
        ):
            f.ligne(f"{epreuve}        Inscrit", x=60, size=9)
        f.y += 12
        f.ligne("CERTIFIE EXACT,", font="hebo")
        f.ligne("A ______________________, le ______________")
        f.ligne("Signature du candidat et du représentant légal si le candidat est mineur", size=8)
        if signe:
            f.texte(62, f.y - 24, c.commune.title(), size=12, font="tiit", color=ENCRE)
            f.texte(
                205,
                f.y - 24,
                f"{version + dt.timedelta(days=2):%d/%m/%Y}",
                size=12,
                font="tiit",
                color=ENCRE,
            )
            shape = f.page.new_shape()
            x0, y0 = 120.0, f.y + 30
            points = [f.pymupdf.Point(x0 + i * 14, y0 + rng.uniform(-12, 12)) for i in range(9)]
            for a, b in pairwise(points):
                control_a = f.pymupdf.Point(a.x + 5, a.y - 14)
                control_b = f.pymupdf.Point(b.x - 5, b.y + 14)
                shape.draw_bezier(a, control_a, control_b, b)
            shape.finish(color=ENCRE, width=1.4)
            shape.commit()
        f.y += 70
        f.ligne(
            "Si les renseignements contenus dans ce document sont incorrects ou incomplets, "
            "corrigez-les en ROUGE.",
            size=8,
        )

    return _pdf_bytes(build, "Récapitulatif de votre candidature")


def attestation_pdf(
    titre: str, c: _Candidature, lignes: list[str], deuxddoc: bytes | None = None
) -> bytes:
    """An attestation naming the candidate; ``deuxddoc``: a 2D-Doc's content, printed as a
    DataMatrix at the top right (about 2 cm), as issuers do."""

    def build(f: _Feuille) -> None:
        if deuxddoc is not None:
            png = io.BytesIO()
            image_deuxddoc(deuxddoc, module=4).save(png, "PNG")
            f.page.insert_image((440, 30, 555, 145), stream=png.getvalue(), keep_proportion=True)
        f.y = 80
        f.ligne(titre, size=15, font="hebo")
        f.y = 130
        for text in [
            f"Nom : {c.nom}",
            f"Prénoms : {c.prenoms}",
            f"Né(e) le : {c.naissance:%d/%m/%Y} à {c.commune.title()}",
            "",
            *lignes,
        ]:
            f.ligne(text, size=11)
        f.texte(330, f.y + 40, "Cachet et signature", size=9)
        f.page.draw_circle((400, f.y + 100), 38, color=(0.2, 0.3, 0.7), width=1.5)

    return _pdf_bytes(build, titre)


def _police(taille: int) -> Any:
    """Helvetica as MuPDF bundles it: Pillow's default font has no « É », « Ç »."""
    import pymupdf
    from PIL import ImageFont

    return ImageFont.truetype(io.BytesIO(pymupdf.Font("helv").buffer), taille)


def _prenoms(prenoms: str) -> tuple[str, ...]:
    return tuple(p for p in prenoms.replace(",", " ").split() if p)


def carte_demo(
    n_candidat: str, nom: str, prenoms: str, naissance: dt.date, civilite: str, session: int
) -> tuple[Identite, str]:
    """The identity card a demo candidate photographs, and its MRZ's format: a card of 2021
    (TD1) mostly, one of 1988-2021 (its MRZ has no validity) for a quarter. Drawn from the
    candidate's number, not the demo's stream: for a few, a birth date that differs from the
    registration's, or a card expired by the session — what « Lu dans le document » shows."""
    r = random.Random(f"carte {n_candidat}")
    if r.random() < 0.08:
        naissance = naissance + dt.timedelta(days=r.choice((-1, 1, 31, 365)))
    tirage = r.random()
    adulte_depuis = max(2005, naissance.year + 19)
    if tirage < 0.25 and adulte_depuis <= 2020:  # the CNI of 1988-2021 (the last in 2021)
        emission = dt.date(r.randint(adulte_depuis, 2020), r.randint(1, 12), 1)
        if r.random() < 0.15:  # issued to a minor of 12: 10 years only
            emission = dt.date(naissance.year + 12, r.randint(1, 12), 1)
        # Its printed validity: issue + 10 years (the MRZ holds the month of issue only).
        expiration, genre = emission.replace(year=emission.year + 10), CNI
    else:
        annee = session + r.randint(1, 9) if tirage > 0.31 else session - r.randint(1, 3)
        expiration, genre = dt.date(annee, r.randint(1, 12), r.randint(1, 28)), TD1
    lettres = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    identite = Identite(
        nom=nom, prenoms=_prenoms(prenoms)[:3], naissance=naissance,
        sexe="F" if civilite == "MADAME" else "M",
        numero="".join(r.choice(lettres) for _ in range(9)), expiration=expiration,
    )  # fmt: skip
    return identite, genre


def carte_du_candidat(candidat: Candidat, session: int) -> tuple[Identite, str]:
    """The card a candidate of the demo, read from the base, photographed."""
    return carte_demo(candidat.n_candidat, candidat.nom_naissance, candidat.prenoms,
                      candidat.date_naissance or dt.date(2000, 1, 1), candidat.civilite,
                      session)  # fmt: skip


def cartes_differentes(session: Session) -> list[tuple[int, int]]:
    """(candidature, pièce d'identité) of the demo cards whose birth date differs from the
    registration's: where the tests and the screenshots find an avertissement."""
    lignes = session.execute(
        select(Piece.candidature_id, Piece.id, Candidat, Campagne.session)
        .join(Candidature, Candidature.id == Piece.candidature_id)
        .join(Campagne, Campagne.id == Candidature.campagne_id)
        .join(Candidat, Candidat.id == Candidature.candidat_id)
        .join(PieceCatalogue, PieceCatalogue.id == Piece.catalogue_id)
        .where(PieceCatalogue.code == "1NATID01")
        .order_by(Piece.id)
    ).all()
    return [
        (candidature_id, piece_id)
        for candidature_id, piece_id, candidat, annee in lignes
        if carte_du_candidat(candidat, int(annee))[0].naissance != candidat.date_naissance
    ]


def photo_identite_jpeg(
    c: _Candidature,
    rng: random.Random,
    *,
    basse_resolution: bool = False,
    orientation: int = 1,
    session: int = 2026,
) -> bytes:
    """A phone photo of an identity card lying on a desk, its MRZ in OCR-B."""
    from PIL import Image, ImageDraw, ImageFont

    from desktop_app.documents.lecture.specimens import lignes_mrz

    width, height = (1400, 1050)
    desk = Image.new("RGB", (width, height), (rng.randint(95, 140), rng.randint(80, 110), 70))
    card = Image.new("RGB", (1000, 640), (232, 236, 242))
    draw = ImageDraw.Draw(card)
    font, small = _police(34), _police(26)
    draw.rectangle((0, 0, 1000, 70), fill=(40, 70, 140))
    draw.text(
        (30, 16),
        "RÉPUBLIQUE FRANÇAISE — CARTE NATIONALE D'IDENTITÉ",
        font=small,
        fill=(255, 255, 255),
    )
    draw.rectangle((40, 110, 300, 440), fill=(180, 185, 195))
    draw.ellipse((105, 150, 235, 290), fill=(120, 110, 105))
    draw.rectangle((85, 300, 255, 440), fill=(120, 110, 105))
    identite, genre = carte_demo(c.n_candidat, c.nom, c.prenoms, c.naissance, c.civilite, session)
    for i, (label, value) in enumerate(
        (
            ("Nom", c.nom),
            ("Prénoms", c.prenoms),
            ("Sexe", identite.sexe),
            ("Né(e) le", f"{identite.naissance:%d.%m.%Y}"),
            ("à", c.commune.title()),
        )
    ):
        draw.text((340, 100 + i * 64), label, font=small, fill=(90, 90, 110))
        draw.text((340, 126 + i * 64), value, font=font, fill=(20, 20, 30))
    # The MRZ at its standard pitch (2.54 mm on the card's 85.6 mm: 29.7 px; the CNI of
    # 1988 fits its 36 characters in 2.2 mm), in the OCR-B the application ships.
    octets = resources.files("desktop_app").joinpath("resources", "OCRB.otf").read_bytes()
    lignes = lignes_mrz(identite, genre)
    pas = 1000 / 85.6 * (2.2 if genre == CNI else 2.54)
    ocrb = ImageFont.truetype(io.BytesIO(octets), round(pas / 0.72297))
    interligne = 1000 / 85.6 * (4.6 if genre == CNI else 4.0)
    for n, ligne in enumerate(lignes):
        haut = 640 - 41 - (len(lignes) - n) * interligne
        for i, caractere in enumerate(ligne):
            draw.text(((1000 - pas * len(ligne)) / 2 + i * pas, haut), caractere, font=ocrb,
                      fill=(25, 25, 30))  # fmt: skip
    card = card.rotate(rng.uniform(-6, 6), expand=True, fillcolor=desk.getpixel((0, 0)))
    desk.paste(card, ((width - card.width) // 2, (height - card.height) // 2))
    if basse_resolution:
        desk = desk.resize((320, 240))
    # Orientation 6: stored turned 90° anticlockwise; the viewer must turn it back.
    stored = desk.transpose(Image.Transpose.ROTATE_90) if orientation == 6 else desk
    exif = Image.Exif()
    exif[0x010F] = "Téléphone de démonstration"
    exif[0x0112] = orientation
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=82, exif=exif.tobytes())
    return out.getvalue()


def scan_jpeg(pdf: bytes, graine: str) -> bytes:
    """The first page of a PDF as a flatbed scan would give it: 200 dpi, grey, a little
    askew, a middling JPEG; about one in eight blurred (said « floue » by the inspection)."""
    import pymupdf
    from PIL import Image

    rng = random.Random(graine)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        pix = doc.load_page(0).get_pixmap(dpi=200, colorspace="gray", alpha=False)
    page = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    page = page.rotate(rng.uniform(-1.5, 1.5), Image.Resampling.BICUBIC, fillcolor=245)
    if random.Random(graine + "flou").random() < 0.12:  # the page moved under the lid
        from PIL import ImageFilter

        page = page.filter(ImageFilter.GaussianBlur(2.5))
    out = io.BytesIO()
    page.point(lambda v: min(245, v + 12)).save(out, "JPEG", quality=rng.randrange(65, 85))
    return out.getvalue()


def gros_jpeg(rng: random.Random) -> bytes:
    """A scan at too high a quality: over 5 Mo."""
    from PIL import Image

    noise = Image.frombytes("RGB", (2400, 2200), rng.randbytes(2400 * 2200 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (800, 1100), 255)
    ImageDraw.Draw(image).text((60, 60), "Capture d'écran d'un document", fill=0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def heic_bytes(rng: random.Random) -> bytes:
    """The beginning of an iPhone HEIC file: its ftyp box, then opaque data."""
    ftyp = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    return ftyp + b"\x00\x00\x00\x00meta" + rng.randbytes(60_000)


# -- the package -------------------------------------------------------------------------------
def _candidatures(n: int, rng: random.Random, cal: Calendrier) -> list[_Candidature]:
    numeros: set[str] = set()
    result = []
    for _ in range(n):
        while True:
            numero = f"02{rng.randrange(10**9):09d}"
            if numero not in numeros:
                numeros.add(numero)
                break
        femme = rng.random() < 0.5
        nom = rng.choice(NOMS)
        prenoms = rng.choice(PRENOMS_F if femme else PRENOMS_M)
        if rng.random() < 0.4:
            second = rng.choice(PRENOMS_F if femme else PRENOMS_M)
            if second != prenoms:
                prenoms += " " + second
        age = rng.choice([17, 18, 18, 19, 19, 20, 21, 22, 23, 24, 26, 29, 34, 41])
        naissance = dt.date(int(cal.session) - age, 1, 1) + dt.timedelta(days=rng.randrange(365))
        if rng.random() < 0.08:
            commune, pays, nationalite = rng.choice(ETRANGER)
            departement = "99"
        else:
            commune, departement = rng.choice(COMMUNES)
            pays, nationalite = "France", "Française"
        specialite = rng.choice(SPECIALITES)
        categorie = rng.choice(CATEGORIES)
        etablissement = (
            ETABLISSEMENTS[1]
            if categorie == "CNED"
            else ETABLISSEMENTS[3]
            if specialite[2] == BATIMENT
            else rng.choice(ETABLISSEMENTS[:1] + ETABLISSEMENTS[2:])
        )
        c = _Candidature(
            n_candidat=numero,
            n_inscription=f"{rng.randint(1, 9):03d}",
            civilite="MADAME" if femme else "MONSIEUR",
            nom=nom,
            nom_usage=rng.choice(NOMS) if femme and age > 25 and rng.random() < 0.3 else "",
            prenoms=prenoms,
            naissance=naissance,
            commune=commune,
            departement=departement,
            pays=pays,
            nationalite=nationalite,
            adresse=f"{rng.randint(1, 120)} {rng.choice(RUES)} 63000 {rng.choice(COMMUNES)[0]}",
            specialite=specialite,
            categorie=categorie,
            etablissement=etablissement,
            handicap=rng.random() < 0.06,
            eps_inapte=rng.random() < 0.08,
            acquis="BTS DUT DEUG LICENCE" if rng.random() < 0.12 else "",
        )
        confirmation = (
            "DCANDT01"
            if categorie in ("FORMATION CONTINUE", "ENSEIGNEMENT A DISTANCE")
            else "CINSIG01"
        )
        c.pieces = [confirmation, "1NATID01"]
        # The portal asks a few older candidates for the JDC all the same: the rules say
        # « pièce non exigée » (services.exigences).
        if age < 25 or random.Random(numero + "jdc").random() < 0.08:
            c.pieces.append("PSNATT03")
        if departement == "99":
            c.pieces.append("NATIDE01")
        if categorie == "CNED":
            c.pieces.append("SCOCND01")
        if c.acquis:
            c.pieces.append("RELNOT01")
        if c.eps_inapte:
            c.pieces.append("CMEPSI01")
        if specialite[2] == BATIMENT:
            c.pieces.append("ATR40801")
        if c.handicap:
            c.pieces.append("AMENAG01")
        # A candidat individuel without a previous session shows three years of work; drawn
        # apart from the demo's stream, which the dossiers of earlier demos keep.
        activite = (categorie == "INDIVIDUEL" and age >= 21 and not c.acquis
                    and random.Random(numero + "activite").random() < 0.4)  # fmt: skip
        if len(c.pieces) < 3:
            c.pieces.append("RELNOT01" if "RELNOT01" not in c.pieces else "NATIDE01")
            if c.pieces[-1] == "RELNOT01":
                c.acquis = c.acquis or "Bénéfice de notes (session précédente)"
        c.pieces = c.pieces[:6] + (["ACTPRO01"] if activite else [])
        result.append(c)
    return result


@dataclass
class _Ecriture:
    root: Path
    rng: random.Random
    cal: Calendrier
    partage: bool  # at benchmark scale, files are drawn from a shared pool
    signataire: Signataire | None = None  # signs the diplomas' 2D-Doc
    pool: dict[str, list[str]] = field(default_factory=dict)
    ecrits: int = 0

    def ecrire(self, nom: str, data: bytes) -> str:
        path = self.root / "fichiers" / nom
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.ecrits += 1
        return f"fichiers/{nom}"

    def fichier(self, genre: str, c: _Candidature, fabrique: Callable[[], bytes], ext: str) -> str:
        if self.partage:
            pool = self.pool.setdefault(genre, [])
            if len(pool) < 40:
                pool.append(self.ecrire(f"commun/{genre}_{len(pool):02d}.{ext}", fabrique()))
            return self.rng.choice(pool)
        return self.ecrire(f"{c.n_candidat}/{genre}.{ext}", fabrique())


def generer_paquet(
    dossier: Path,
    n: int = 300,
    *,
    graine: int = 2024,
    reference: dt.date | None = None,
    progression: Progression | None = None,
) -> Path:
    """Write the demo package in ``dossier`` (created) and return it."""
    rng = random.Random(graine)
    cal = Calendrier.autour_de(reference or dt.date.today())
    dossier.mkdir(parents=True, exist_ok=True)
    # The diplomas carry a 2D-Doc signed by an authority of the demo's own, made from the seed
    # (the same package every time); its certificates travel beside the package's files.
    signataire = signataire_d_essai(dossier / DOSSIER_CERTIFICATS, graine=graine)
    ecriture = _Ecriture(dossier, rng, cal, partage=n > 2000, signataire=signataire)
    campagne = {
        "format": "dossiers-pj/1",
        "examen": "BCP",
        "libelle": "Baccalauréat professionnel",
        "session": cal.session,
        "academie": "Clermont-Ferrand",
        "cloture": iso(cal.cloture),
        "taille_max_octets": 5 * 1024 * 1024,
        "formats": ["pdf", "jpeg"],
        "bureau": {
            "nom": "Rectorat de Clermont-Ferrand — Division des examens et concours",
            "adresse": "3 avenue Vercingétorix, 63033 Clermont-Ferrand Cedex 1",
            "courriel": "ce.bacpro@ac-demo.fr",
            "telephone": "04 73 00 00 00",
        },
        "pieces": [
            {
                "code": code,
                "libelle": libelle,
                "regroupement": regroupement,
                "modalite": modalite,
                **({"debut": iso(cal.ouverture)} if modalite == "en_ligne" else {}),
                "fin": iso(cal.cloture.replace(hour=23, minute=59)),
            }
            for code, libelle, regroupement, modalite in CATALOGUE
        ],
    }
    (dossier / "campagne.json").write_text(
        json.dumps(campagne, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    candidatures = _candidatures(n, rng, cal)
    cand_rows = []
    piece_rows = []
    # A few deposits that are not recevable, spread through the campaign whatever its size.
    defauts = {
        n * k // 40: kind for k, kind in ((7, "gros"), (19, "png"), (29, "heic"), (37, "tronque"))
    }
    for index, c in enumerate(candidatures):
        cand_rows.append(
            {
                "n_candidat": c.n_candidat,
                "n_inscription": c.n_inscription,
                "civilite": c.civilite,
                "nom_naissance": c.nom,
                "nom_usage": c.nom_usage,
                "prenoms": c.prenoms,
                "date_naissance": f"{c.naissance:%d/%m/%Y}",
                "commune_naissance": c.commune,
                "departement_naissance": c.departement,
                "pays_naissance": c.pays,
                "nationalite": c.nationalite,
                "adresse": c.adresse,
                "email": f"{c.n_candidat}@mail.demo.fr",
                "telephone": f"06 {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                "ine": f"{rng.randrange(10**9):09d}{rng.choice('ABCDEFGHJK')}"
                f"{rng.choice('ABCDEFGHJK')}",
                "specialite": c.specialite[0],
                "code_specialite": c.specialite[1],
                "categorie": c.categorie,
                "etablissement": c.etablissement[0],
                "uai": c.etablissement[1],
                "forme_passage": "Globale",
                "handicap": "Oui" if c.handicap else "Non",
                "vae": "Non",
                "eps": "inapte" if c.eps_inapte else "apte",
                "acquis": c.acquis,
                "version": "1",
                "etat": "Inscrit",
            }
        )
        a_valide = rng.random() < 0.85
        depot = cal.ouverture + dt.timedelta(minutes=rng.randint(60, 34 * 24 * 60))
        validation = depot + dt.timedelta(minutes=rng.randint(2, 600)) if a_valide else None
        for code in c.pieces:
            modalite = next(m for k, _, _, m in CATALOGUE if k == code)
            row = {
                "n_candidat": c.n_candidat,
                "n_inscription": c.n_inscription,
                "code_piece": code,
                "fichier": "",
                "date_depot": "",
                "date_validation": "",
                "statut": "",
                "date_reception": "",
                "commentaire": "",
                "gestionnaire": "",
                "horodatage": "",
            }
            defaut = defauts.get(index) if code == c.pieces[0] else None
            # The attestations of activity are drawn apart (see above).
            tirage = random.Random(c.n_candidat + "activite pièce") if code == "ACTPRO01" else rng
            if modalite == "en_ligne" and (defaut or tirage.random() < 0.93):
                # One candidate in a hundred sends, as their identity, a new photo of the
                # previous candidate's card (the re-scan check finds it on both dossiers).
                emprunte = index % 100 == 57 and code == "1NATID01"
                titulaire = candidatures[index - 1] if emprunte else c
                row["fichier"] = _fichier_demo(ecriture, code, c, tirage, cal, defaut, titulaire)
                row["date_depot"] = f"{depot:%d/%m/%Y %H:%M}"
                row["date_validation"] = f"{validation:%d/%m/%Y %H:%M}" if validation else ""
            if not defaut:  # a file that is not recevable awaits the gestionnaire: never Conforme
                _decision_demo(row, modalite, tirage, cal, validation)
            piece_rows.append(row)
        if progression and index % 25 == 0:
            progression(index, n, "Création des dossiers de démonstration")
    _write_csv(dossier / "candidatures.csv", CANDIDATURES_ORDRE, cand_rows)
    _write_csv(dossier / "pieces.csv", [*PIECES_ORDRE, "gestionnaire", "horodatage"], piece_rows)
    return dossier


def _fichier_demo(
    e: _Ecriture,
    code: str,
    c: _Candidature,
    rng: random.Random,
    cal: Calendrier,
    defaut: str | None,
    titulaire: _Candidature | None = None,
) -> str:
    """The file of the pièce ``code``; ``titulaire``: whose identity card it shows (another
    candidate's, borrowed), else ``c``'s."""
    if defaut == "gros":
        return e.ecrire(f"{c.n_candidat}/scan_haute_qualite.jpg", gros_jpeg(rng))
    if defaut == "png":
        return e.ecrire(f"{c.n_candidat}/capture.jpg", png_bytes())
    if defaut == "heic":
        return e.ecrire(f"{c.n_candidat}/IMG_2045.jpg", heic_bytes(rng))
    if defaut == "tronque":
        data = recapitulatif_pdf(c, cal, True, rng)
        return e.ecrire(f"{c.n_candidat}/confirmation.pdf", data[: len(data) // 3])
    if code in ("CINSIG01", "DCANDT01"):
        signe = rng.random() < 0.8
        if rng.random() < 0.12:  # a photo of the signed paper instead of a PDF
            session = int(cal.session)
            photo = lambda: photo_identite_jpeg(c, rng, session=session)  # noqa: E731
            return e.fichier("photo_confirmation", c, photo, "jpg")
        return e.fichier(
            "confirmation" if signe else "confirmation_non_signee",
            c,
            lambda: recapitulatif_pdf(c, cal, signe, rng),
            "pdf",
        )
    if code in ("1NATID01", "NATIDE01"):
        orientation = 6 if rng.random() < 0.3 else 1
        basse = rng.random() < 0.08
        return e.fichier(
            f"identite_o{orientation}{'_basse' if basse else ''}"
            + (f"_carte_de_{titulaire.n_candidat}" if titulaire not in (None, c) else ""),
            c,
            lambda: photo_identite_jpeg(
                titulaire or c,
                rng,
                basse_resolution=basse,
                orientation=orientation,
                session=int(cal.session),
            ),
            "jpg",
        )
    libelle = next(lib for k, lib, _, _ in CATALOGUE if k == code)
    details = {
        "SCOCND01": [
            "Le CNED certifie que le candidat est inscrit en formation à distance",
            f"pour l'année scolaire {int(cal.session) - 1}-{cal.session}.",
        ],
        "RELNOT01": ["Relevé de notes — session précédente", "Moyenne générale : 11,4 / 20"],
        "CMEPSI01": [
            "Je soussigné(e), docteur en médecine, certifie que l'état de santé",
            "du candidat contre-indique la pratique de l'EPS.",
            f"Valable jusqu'au 30/06/{cal.session}.",
        ],
        "ATR40801": [
            "A suivi la formation R408 : montage, utilisation et démontage",
            "des échafaudages de pied. Durée : 21 heures.",
        ],
        "AMENAG01": ["Mesures d'aménagement accordées : tiers-temps, salle particulière."],
    }.get(code, [])
    if code == "ACTPRO01":
        return _attestation_d_activite(e, c, cal, libelle)
    if code == "CMEPSI01" and random.Random(c.n_candidat).random() < 0.6:
        # Most doctors' certificates arrive scanned: an image with no text layer (read by OCR).
        fabrique = lambda: scan_jpeg(attestation_pdf(libelle, c, details), c.n_candidat)  # noqa: E731
        return e.fichier("certificat_medical_scan", c, fabrique, "jpg")
    code_2d = None
    if code == "RELNOT01" and e.signataire is not None:  # a diploma (2D-Doc type B0)
        titulaire = Identite(c.nom, _prenoms(c.prenoms), c.naissance,
                             "F" if c.civilite == "MADAME" else "M", "", c.naissance)  # fmt: skip
        code_2d = contenu_deuxddoc(titulaire, e.signataire, type_document="B0",
                                   signe_le=cal.ouverture.date())  # fmt: skip
    return e.fichier(code.lower(), c, lambda: attestation_pdf(libelle, c, details, code_2d), "pdf")


def lignes_d_activite(c: _Candidature, fait_le: dt.date, r: random.Random) -> list[str]:
    """An employer's attestation: one job, or two contracts with a break between them, or a
    job still held (« depuis le … »), ending by ``fait_le``; ``MOIS_D_ACTIVITE`` long."""
    mois = r.choice(MOIS_D_ACTIVITE)
    fin = fait_le - dt.timedelta(days=r.randrange(0, 400))
    debut = _mois_avant(fin, mois)
    qui = "Madame" if c.civilite == "MADAME" else "Monsieur"
    e = "e" if c.civilite == "MADAME" else ""
    metier = r.choice(METIERS)
    metier = f"d'{metier}" if metier[0] in "aeéiou" else f"de {metier}"
    prenom = _prenoms(c.prenoms)[0]
    lignes = ["Je soussigné, gérant de la société Auvergne Services, atteste que",
              f"{qui} {prenom} {c.nom}, né{e} le {c.naissance:%d/%m/%Y},"]  # fmt: skip
    forme = r.random()
    if forme < 0.3:  # two contracts, three months apart: three months fewer in all
        coupure = _mois_avant(fin, mois // 2) - dt.timedelta(days=1)
        reprise = _mois_avant(fin, mois // 2 - 3)
        lignes += [f"a été employé{e} en qualité {metier} du {debut:%d/%m/%Y} au "
                   f"{coupure:%d/%m/%Y},",
                   f"puis du {reprise:%d/%m/%Y} au {fin:%d/%m/%Y}."]  # fmt: skip
    elif forme < 0.5:
        debut = _mois_avant(fait_le, mois)
        lignes += [f"est employé{e} en qualité {metier}",
                   f"depuis le {debut.day} {MOIS_FR[debut.month - 1]} {debut.year}."]  # fmt: skip
    else:
        lignes += [f"a été employé{e} en qualité {metier}",
                   f"du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}, à temps complet."]  # fmt: skip
    return [*lignes, "", f"Fait à Clermont-Ferrand, le {fait_le:%d/%m/%Y}."]


MOIS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")  # fmt: skip


def _mois_avant(jour: dt.date, mois: int) -> dt.date:
    """The day that makes, with ``jour`` the last, a period of ``mois`` whole months."""
    from desktop_app.documents.lecture.emploi import plus_mois

    return plus_mois(jour + dt.timedelta(days=1), -mois)


def _attestation_d_activite(e: _Ecriture, c: _Candidature, cal: Calendrier, libelle: str) -> str:
    """An employer's attestation, typed (a PDF with its text) or, one in three, scanned."""
    r = random.Random(c.n_candidat + "activite")
    fait_le = cal.ouverture.date() - dt.timedelta(days=r.randrange(5, 60))
    lignes = lignes_d_activite(c, fait_le, r)
    if r.random() < 0.33:
        fabrique = lambda: scan_jpeg(attestation_pdf(libelle, c, lignes), c.n_candidat)  # noqa: E731
        return e.fichier("activite_scan", c, fabrique, "jpg")
    return e.fichier("activite", c, lambda: attestation_pdf(libelle, c, lignes), "pdf")


def _decision_demo(
    row: dict[str, str],
    modalite: str,
    rng: random.Random,
    cal: Calendrier,
    validation: dt.datetime | None,
) -> None:
    """About a quarter of the pièces were already looked at; the rest is the day's work."""
    debut = validation or cal.ouverture
    quand = debut + dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 8))
    if quand > cal.maintenant:  # looked at before today, never after
        quand = debut + (cal.maintenant - debut) * rng.uniform(0.2, 0.9)
    if modalite == "postal":
        tirage = rng.random()
        if tirage < 0.3:
            row.update(statut="Reçue", date_reception=f"{quand:%d/%m/%Y}")
        elif tirage < 0.55:
            row.update(statut="En attente de contrôle")
        else:
            return
    elif not row["fichier"] or validation is None or rng.random() > 0.25:
        return
    else:
        tirage = rng.random()
        if tirage < 0.7:
            row.update(statut="Conforme")
        elif tirage < 0.9:
            row.update(statut="Non conforme", commentaire=rng.choice(COMMENTAIRES_NC))
        else:
            row.update(statut="Reçue", date_reception=f"{quand:%d/%m/%Y}")
    row.update(gestionnaire=rng.choice(GESTIONNAIRES), horodatage=iso(quand))


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=";", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def ajouter_redepots(dossier: Path, rng: random.Random, cal: Calendrier, part: float = 0.6) -> int:
    """Turn the package into the portal's next extraction: for some pièces refused as Non
    conforme, the candidate deposited a new file (one that differs from the refused one)."""
    pieces = dossier / "pieces.csv"
    with pieces.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    count = 0
    for row in rows:
        if row["statut"] == "Non conforme" and row["fichier"] and rng.random() < part:
            old = dossier / row["fichier"]
            new = old.with_name(f"{old.stem}_v2{old.suffix}")
            new.write_bytes(
                old.read_bytes() + b"\n% nouveau depot\n"
                if old.suffix == ".pdf"
                else _retouche_jpeg(old.read_bytes())
            )
            refus = dt.datetime.fromisoformat(row["horodatage"])  # after the Non conforme
            depot = refus + (cal.maintenant - refus) * rng.uniform(0.3, 0.95)
            row.update(
                fichier=new.relative_to(dossier).as_posix(),
                statut="",
                commentaire="",
                gestionnaire="",
                horodatage="",
                date_depot=f"{depot:%d/%m/%Y %H:%M}",
                date_validation=f"{depot + dt.timedelta(minutes=5):%d/%m/%Y %H:%M}",
            )
            count += 1
        else:  # statuses were already imported: the next extraction does not repeat them
            row.update(gestionnaire="", horodatage="")
    _write_csv(pieces, columns, rows)
    return count


def _retouche_jpeg(data: bytes) -> bytes:
    from PIL import Image, ImageEnhance

    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        brighter = ImageEnhance.Brightness(image.convert("RGB")).enhance(1.15)
        out = io.BytesIO()
        brighter.save(out, "JPEG", quality=88, exif=exif.tobytes())
    return out.getvalue()


def _affecter(db: Database, campagne: dict[str, Any]) -> None:
    """The demo's spécialités shared among its gestionnaires, as seed 001 shares them; and
    the bureau its package names signs its letters (set as a bureau sets it, in the
    application: the exchange format carries no bureau), so its letters can be saved at once."""
    from desktop_app.services.reglages import Bureau, affecter, enregistrer_bureau

    with db.write() as session:
        campagne_id = session.scalar(
            select(Campagne.id).filter_by(
                examen=campagne["examen"], session=campagne["session"],
                academie=campagne["academie"],
            )
        )  # fmt: skip
        if campagne_id is not None:
            affecter(
                session,
                campagne_id,
                {s[0]: GESTIONNAIRES[k % len(GESTIONNAIRES)] for k, s in enumerate(SPECIALITES)},
            )
            b = campagne["bureau"]
            nom, _, service = b["nom"].partition(" — ")
            adresse = b["adresse"].replace(", ", "\n")
            enregistrer_bureau(session, campagne_id, Bureau(
                nom=nom, service=service or Bureau.service, adresse=adresse,
                contact=f"{b['telephone']} — {b['courriel']}", ville=campagne["academie"],
            ))  # fmt: skip


def installer_demo(
    db: Database,
    store: ContentStore,
    n: int = 300,
    *,
    graine: int = 2024,
    reference: dt.date | None = None,
    progression: Progression | None = None,
    worker: Atelier | None = None,
    certificats: Path | None = None,
) -> list[RapportImport]:
    """Generate the demo packages and import them: the first extraction, then the next one
    with re-deposits. ``certificats``: where the reader finds 2D-Doc certificates (the data
    folder's): the demo authority's go there, so that its diplomas read as verified."""
    reference = reference or dt.date.today()
    tmp = Path(tempfile.mkdtemp(prefix="controle-pj-demo-"))
    try:
        paquet = generer_paquet(
            tmp / "demo-bac-pro", n, graine=graine, reference=reference, progression=progression
        )
        rapports = [importer_paquet(db, store, paquet, progression=progression, worker=worker)]
        if certificats is not None:
            certificats.mkdir(parents=True, exist_ok=True)
            for fichier in (paquet / DOSSIER_CERTIFICATS).iterdir():
                shutil.copy2(fichier, certificats / fichier.name)
        _affecter(db, json.loads((paquet / "campagne.json").read_text(encoding="utf-8")))
        rng = random.Random(graine + REDEPOT_GRAINE)
        if ajouter_redepots(paquet, rng, Calendrier.autour_de(reference)):
            rapports.append(
                importer_paquet(db, store, paquet, progression=progression, worker=worker)
            )
        return rapports
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
