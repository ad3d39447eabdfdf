"""Specimen identity documents made here, for the reading tests and bench: ID cards (TD1, and
the French CNI of 1988's two lines of 36) and passports (TD3) with a valid MRZ in OCR-B, drawn
at a given resolution, then scanned or photographed badly on purpose (blur, noise, rotation,
JPEG quality, ink weight). Every specimen knows the truth it was drawn from.

The OCR-B printed here is Debian's fonts-ocr-b (public domain): its regular and « sharp »
cuts, so that the recogniser (whose templates come from the regular cut) is not only judged on
its own glyphs. Nothing here is shipped.
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from desktop_app.documents.lecture.mrz import CNI, TD1, TD3
from desktop_app.documents.lecture.specimens import (
    Identite,
    Signataire,
    contenu_deuxddoc,
    image_deuxddoc,
    lignes_mrz,
    signataire_d_essai,
)

__all__ = ["Identite", "Signataire", "contenu_deuxddoc", "lignes_mrz", "signataire_d_essai"]

# Debian's fonts; under Wine, Linux's root is drive Z:.
_RACINE = Path("Z:/") if os.name == "nt" else Path("/")
POLICES_OCRB = _RACINE / "usr/share/fonts/opentype/ocr-b"
POLICE_TEXTE = _RACINE / "usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

NOMS = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND",
        "LEROY", "MOREAU", "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "DAVID",
        "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL", "GIRARD", "ANDRE", "MERCIER",
        "DUPONT", "LAMBERT", "BONNET", "FRANCOIS", "MARTINEZ", "LEGRAND", "GARNIER", "FAURE",
        "ROUSSEAU", "BLANC", "GUERIN", "MULLER", "HENRY", "ROUSSEL", "NICOLAS", "PERRIN",
        "MORIN", "MATHIEU", "CLEMENT", "GAUTHIER", "DUMONT", "LOPEZ", "FONTAINE", "CHEVALIER",
        "ROBIN", "N'DIAYE", "LE GOFF", "DE LA FONTAINE", "KOWALSKI", "NGUYEN", "BENAÏSSA",
        "OZTÜRK", "DA SILVA", "SAINT-CLAIR", "HOANG", "ZIDANE"]  # fmt: skip
PRENOMS = ["JEAN", "MARIE", "LÉA", "LUCAS", "CHLOÉ", "HUGO", "EMMA", "LOUIS", "INÈS", "JULES",
           "ZOÉ", "GABRIEL", "JADE", "ARTHUR", "LOUISE", "NATHAN", "ALICE", "ADAM", "CAMILLE",
           "RAPHAËL", "ANNE-SOPHIE", "JEAN-BAPTISTE", "YASMINE", "MOHAMED", "KEVIN", "OCÉANE",
           "THÉO", "MANON", "ENZO", "SARAH", "AÏCHA", "MAËLYS", "NOÉ", "ÉLOÏSE", "TOM"]  # fmt: skip


def identite_au_hasard(rng: random.Random) -> Identite:
    naissance = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 48))
    prenoms = tuple(rng.sample(PRENOMS, rng.choice((1, 1, 2, 3))))
    lettres = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return Identite(
        nom=rng.choice(NOMS),
        prenoms=prenoms,
        naissance=naissance,
        sexe=rng.choice("MF"),
        numero="".join(rng.choice(lettres) for _ in range(9)),
        expiration=date(2024, 1, 1) + timedelta(days=rng.randrange(0, 365 * 12)),
    )


# Sizes in millimetres: ID-1 cards and the passport's data page (ICAO 9303 parts 4 and 5).
_FORMATS_MM = {TD1: (85.6, 54.0), CNI: (85.6, 54.0), TD3: (125.0, 88.0)}


def _police(nom: str, taille: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(POLICES_OCRB / nom), taille)


def document(identite: Identite, genre: str, dpi: int, coupe: str = "OCRB.otf") -> Image.Image:
    """The document drawn at ``dpi``: a tinted background with fine lines, a photo, the
    printed identity, and the MRZ in OCR-B at its standard pitch (2.54 mm)."""
    mm = dpi / 25.4
    largeur, hauteur = (round(v * mm) for v in _FORMATS_MM[genre])
    image = Image.new("RGB", (largeur, hauteur), (228, 236, 242))
    dessin = ImageDraw.Draw(image)
    for i in range(0, largeur + hauteur, max(2, round(1.6 * mm))):  # a guilloche of sorts
        dessin.line([(i, 0), (i - hauteur, hauteur)], fill=(205, 218, 230), width=1)
    dessin.rectangle([round(4 * mm), round(8 * mm), round(26 * mm), round(36 * mm)],
                     fill=(150, 140, 130))  # fmt: skip
    carte = genre != TD3
    texte = ImageFont.truetype(str(POLICE_TEXTE), max(8, round((2.1 if carte else 2.6) * mm)))
    titre = ImageFont.truetype(str(POLICE_TEXTE), max(8, round(3.2 * mm)))
    dessin.text((round(4 * mm), round(2 * mm)), "RÉPUBLIQUE FRANÇAISE", fill=(20, 40, 90),
                font=titre)  # fmt: skip
    x, y = round(30 * mm), round((7 if carte else 9) * mm)
    for etiquette, valeur in (
        ("Nom", identite.nom),
        ("Prénoms", ", ".join(p.title() for p in identite.prenoms)),
        ("Sexe", identite.sexe),
        ("Né(e) le", identite.naissance.strftime("%d %m %Y")),
        ("Expire le", identite.expiration.strftime("%d %m %Y")),
    ):
        dessin.text((x, y), etiquette, fill=(90, 90, 110), font=texte)
        dessin.text((x, y + round(2.4 * mm)), valeur, fill=(10, 10, 10), font=texte)
        y += round((5.0 if carte else 6.5) * mm)
    lignes = lignes_mrz(identite, genre)
    pas = (2.2 if genre == CNI else 2.54) * mm  # the CNI of 1988 fits 36 in 80 mm
    police = _police(coupe, round(pas / 0.72297))  # the advance of OCR-B is 0.723 em
    interligne = {TD1: 4.0, CNI: 4.6, TD3: 4.6}[genre] * mm
    bas = hauteur - round(3.5 * mm)
    marge = round((largeur - pas * len(lignes[0])) / 2)
    for n, ligne in enumerate(lignes):
        haut = bas - (len(lignes) - n) * interligne
        for i, caractere in enumerate(ligne):
            dessin.text((marge + i * pas, haut), caractere, fill=(15, 15, 15), font=police)
    return image


def scanner(
    image: Image.Image, rng: random.Random, dpi: int, *, flou: float | None = None
) -> Image.Image:
    """A flatbed scan: the card on an A4-width page, a small rotation, some blur and noise,
    ink a little heavier or lighter, saved as a JPEG of middling quality."""
    page = Image.new("RGB", (round(image.width * 1.5), round(image.height * 1.7)), (250,) * 3)
    page.paste(image, (rng.randrange(10, image.width // 3), rng.randrange(10, image.height // 2)))
    page = page.rotate(rng.uniform(-2.0, 2.0), Image.Resampling.BICUBIC, expand=True,
                       fillcolor=(250, 250, 250))  # fmt: skip
    return _abimer(page, rng, dpi, flou=rng.uniform(0.3, 1.0) if flou is None else flou,
                   bruit=6, qualite=rng.randrange(60, 90))  # fmt: skip


def photographier(image: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """A phone photo: on a darker table, rotated more, uneven light, more blur and noise."""
    fond = Image.new("RGB", (round(image.width * 1.4), round(image.height * 1.6)), (95, 80, 70))
    fond.paste(image, (rng.randrange(10, image.width // 3), rng.randrange(10, image.height // 2)))
    fond = fond.rotate(rng.uniform(-5.0, 5.0), Image.Resampling.BICUBIC, expand=True,
                       fillcolor=(95, 80, 70))  # fmt: skip
    degrade = Image.linear_gradient("L").resize(fond.size).point(lambda v: 200 + v // 5)
    fond = Image.composite(fond, Image.new("RGB", fond.size, (0, 0, 0)), degrade)
    return _abimer(fond, rng, dpi, flou=rng.uniform(0.6, 1.4), bruit=10,
                   qualite=rng.randrange(50, 85))  # fmt: skip


def _abimer(
    image: Image.Image, rng: random.Random, dpi: int, *, flou: float, bruit: int, qualite: int
) -> Image.Image:
    echelle = dpi / 300
    image = image.filter(ImageFilter.GaussianBlur(flou * echelle * 2))
    grain = Image.effect_noise(image.size, bruit).convert("RGB")
    image = Image.blend(image, grain, 0.08)
    tampon = io.BytesIO()
    image.save(tampon, "JPEG", quality=qualite)
    return Image.open(io.BytesIO(tampon.getvalue()))


@dataclass(frozen=True)
class Specimen:
    identite: Identite
    genre: str
    lignes: tuple[str, ...]
    image: Image.Image
    dpi: int


def specimens(
    nombre: int, dpi: int, prise: str = "scan", graine: int = 0, flou: float | None = None
) -> list[Specimen]:
    """``nombre`` specimens of the three formats in turn, ``prise`` = "scan", "photo" or
    "net" (drawn only); ``flou``: the scan's blur (in pixels at 300 dpi), else at random."""
    rng = random.Random(graine)
    resultat = []
    for i in range(nombre):
        genre = (TD1, TD3, CNI)[i % 3]
        identite = identite_au_hasard(rng)
        coupe = rng.choice(("OCRB.otf", "OCRBS.otf"))
        # Drawn at 300 dpi (or the target if finer) then brought to the target: printing is
        # finer than any scan.
        image = document(identite, genre, max(dpi, 300), coupe)
        tirage = rng.random()  # ink spread by the printer, or a pale print
        if tirage < 0.2:
            image = image.filter(ImageFilter.MinFilter(3))
        elif tirage < 0.4:
            image = Image.blend(image, Image.new("RGB", image.size, (228, 236, 242)), 0.35)
        if dpi < 300:
            image = image.resize((round(image.width * dpi / 300), round(image.height * dpi / 300)),
                                 Image.Resampling.LANCZOS)  # fmt: skip
        if prise == "scan":
            image = scanner(image, rng, dpi, flou=flou)
        elif prise == "photo":
            image = photographier(image, rng, dpi)
        resultat.append(Specimen(identite, genre, tuple(lignes_mrz(identite, genre)), image, dpi))
    return resultat


def falsifier(contenu: bytes, rng: random.Random) -> bytes:
    """The same code with one character of its message changed (a letter for a letter, a
    digit for a digit), its signature kept."""
    debut, fin = 26, contenu.index(b"\x1f")
    while True:
        i = rng.randrange(debut, fin)
        c = chr(contenu[i])
        if c.isalnum():
            jeu = "0123456789" if c.isdigit() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            autre = rng.choice(jeu.replace(c, ""))
            return contenu[:i] + autre.encode() + contenu[i + 1 :]


def page_avec_deuxddoc(contenu: bytes, dpi: int, identite: Identite) -> Image.Image:
    """An A4 attestation at ``dpi`` carrying the code (about 2 cm wide, top right, as
    issuers print it) and the identity in plain text."""
    mm = dpi / 25.4
    page = Image.new("RGB", (round(210 * mm), round(297 * mm)), "white")
    dessin = ImageDraw.Draw(page)
    matrice = image_deuxddoc(contenu, module=1)
    module = 0.42 * mm  # a module of 0.42 mm: the specification's usual size
    taille = (round(matrice.width * module), round(matrice.height * module))
    page.paste(matrice.resize(taille, Image.Resampling.NEAREST).convert("RGB"),
               (round(150 * mm), round(20 * mm)))  # fmt: skip
    police = ImageFont.truetype(str(POLICE_TEXTE), max(8, round(3.5 * mm)))
    y = round(70 * mm)
    for ligne in ("ATTESTATION", f"Nom : {identite.nom}",
                  f"Prénoms : {', '.join(p.title() for p in identite.prenoms)}",
                  f"Né(e) le : {identite.naissance:%d/%m/%Y}"):  # fmt: skip
        dessin.text((round(25 * mm), y), ligne, fill="black", font=police)
        y += round(9 * mm)
    return page


# --- Attestations: names and a birth date in running text, for the OCR --------------------

POLICES_ATTESTATION = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansCondensed.ttf"]
VILLES = ["Lyon (69)", "Marseille (13)", "Lille (59)", "Rennes (35)", "Saint-Denis (974)",
          "Besançon (25)", "Créteil (94)", "Nancy (54)"]  # fmt: skip
_MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
         "octobre", "novembre", "décembre"]  # fmt: skip


def _en_lettres(jour: date) -> str:
    return f"{'1er' if jour.day == 1 else jour.day} {_MOIS[jour.month - 1]} {jour.year}"


def _prenoms(identite: Identite, entre: str = " ") -> str:
    return entre.join(p.title() for p in identite.prenoms)


def texte_attestation(identite: Identite, modele: int, rng: random.Random) -> list[str]:
    """The lines of one of four attestations a candidate uploads, naming the holder as
    issuers do: labelled fields (JDC, recensement) or a sentence (employer, doctor), with a
    signatory named too and other dates (of the attestation, of the employment)."""
    ville = rng.choice(VILLES)
    fait = date(2025, 9, 1) + timedelta(days=rng.randrange(0, 200))
    civilite = "Monsieur" if identite.sexe == "M" else "Madame"
    ne = "né" if identite.sexe == "M" else "née"
    if modele == 0:
        return ["MINISTÈRE DES ARMÉES", "Direction du service national et de la jeunesse", "",
                "CERTIFICAT INDIVIDUEL DE PARTICIPATION", "À LA JOURNÉE DÉFENSE ET CITOYENNETÉ",
                "", f"Nom : {identite.nom}", f"Prénom(s) : {_prenoms(identite, ', ')}",
                f"Né(e) le : {identite.naissance:%d/%m/%Y} à {ville}", "",
                f"a participé à la Journée défense et citoyenneté le {fait:%d/%m/%Y}.", "",
                f"Fait à {ville.split(' (')[0]}, le {fait:%d/%m/%Y}",
                "Le chef du centre"]  # fmt: skip
    if modele == 1:
        debut = date(2019, 9, 1) + timedelta(days=rng.randrange(0, 1500))
        return ["ATTESTATION D'EMPLOI", "",
                "Je soussignée Claire FONTAINE, directrice des ressources humaines de la",
                f"société Boulangerie Dupain, atteste que {civilite} {_prenoms(identite)} "
                f"{identite.nom},", f"{ne} le {identite.naissance:%d/%m/%Y} à {ville}, est "
                "employé(e) dans notre entreprise", f"depuis le {debut:%d/%m/%Y} en qualité "
                "de vendeur(se), à temps complet.", "",
                "Attestation délivrée pour servir et valoir ce que de droit.", "",
                f"Fait à Lyon, le {fait:%d/%m/%Y}", "Claire FONTAINE"]  # fmt: skip
    if modele == 2:
        abrege = "M." if identite.sexe == "M" else "Mme"
        return ["Docteur Paul LEROY", "Médecine générale", "12 rue des Lilas, 69003 Lyon", "",
                "CERTIFICAT MÉDICAL", "",
                "Je soussigné, Docteur Paul LEROY, certifie avoir examiné ce jour",
                f"{abrege} {identite.nom} {_prenoms(identite)}, {ne} le "
                f"{_en_lettres(identite.naissance)},",
                "et n'avoir constaté aucune contre-indication à la pratique des épreuves",
                "d'éducation physique et sportive de l'examen.", "",
                f"Fait le {_en_lettres(fait)}, pour servir et valoir ce que de droit."]  # fmt: skip
    return ["RÉPUBLIQUE FRANÇAISE", f"Mairie de {ville.split(' (')[0]}", "",
            "ATTESTATION DE RECENSEMENT", "",
            f"Nom de naissance : {identite.nom}", "Nom d'usage :",
            f"Prénoms : {_prenoms(identite)}",
            f"Date de naissance : {identite.naissance:%d/%m/%Y}",
            f"Lieu de naissance : {ville}", "",
            "s'est fait recenser conformément au code du service national.", "",
            f"Le {fait:%d/%m/%Y}, le maire"]  # fmt: skip


def _a_la_ligne(lignes: list[str], police: ImageFont.FreeTypeFont, largeur: int) -> list[str]:
    resultat = []
    for ligne in lignes:
        courante = ""
        for mot in ligne.split(" "):
            essai = f"{courante} {mot}" if courante else mot
            if courante and police.getlength(essai) > largeur:
                resultat.append(courante)
                courante = mot
            else:
                courante = essai
        resultat.append(courante)
    return resultat


def attestation(identite: Identite, dpi: int, rng: random.Random, modele: int) -> Image.Image:
    """An A4 attestation drawn at ``dpi`` in one of the DejaVu faces, 10 to 12 points, with
    a scribbled signature. A line too long for the page wraps at a word, as a word processor
    would (never a name cut by the page's edge)."""
    mm = dpi / 25.4
    page = Image.new("RGB", (round(210 * mm), round(297 * mm)), "white")
    dessin = ImageDraw.Draw(page)
    points = rng.choice((10, 11, 12))
    police = ImageFont.truetype(str(POLICE_TEXTE.parent / rng.choice(POLICES_ATTESTATION)),
                                round(points * dpi / 72))  # fmt: skip
    x, y = round(rng.uniform(20, 30) * mm), round(rng.uniform(25, 45) * mm)
    largeur = page.width - x - round(15 * mm)
    for ligne in _a_la_ligne(texte_attestation(identite, modele, rng), police, largeur):
        dessin.text((x, y), ligne, fill=(20, 20, 30), font=police)
        y += round(points * 0.5 * mm)
    trait = [(x + round((100 + rng.uniform(0, 40)) * mm), y + round(rng.uniform(5, 20) * mm))
             for _ in range(8)]  # fmt: skip
    dessin.line(trait, fill=(30, 40, 120), width=max(1, round(0.4 * mm)))
    return page


@dataclass(frozen=True)
class SpecimenAttestation:
    identite: Identite
    modele: int
    image: Image.Image
    dpi: int


def attestations(nombre: int, dpi: int, prise: str = "scan", graine: int = 0
                 ) -> list[SpecimenAttestation]:  # fmt: skip
    """``nombre`` attestations of the four models in turn, drawn at 300 dpi, brought to
    ``dpi``, then scanned or photographed (``prise``: "scan", "photo" or "net")."""
    rng = random.Random(graine)
    resultat = []
    for i in range(nombre):
        identite, modele = identite_au_hasard(rng), i % 4
        image = attestation(identite, 300, rng, modele)
        if dpi != 300:
            image = image.resize((round(image.width * dpi / 300), round(image.height * dpi / 300)),
                                 Image.Resampling.LANCZOS)  # fmt: skip
        if prise == "scan":
            image = scanner(image, rng, dpi)
        elif prise == "photo":
            image = photographier(image, rng, dpi)
        resultat.append(SpecimenAttestation(identite, modele, image, dpi))
    return resultat


def en_jpeg(image: Image.Image, qualite: int = 85) -> bytes:
    tampon = io.BytesIO()
    image.convert("RGB").save(tampon, "JPEG", quality=qualite)
    return tampon.getvalue()


def flouter(image: Image.Image, sigma_200: float, dpi: int, rng: random.Random) -> Image.Image:
    """The page blurred by a Gaussian of ``sigma_200`` pixels at 200 dpi (scaled to ``dpi``),
    saved again as a scanner would."""
    flou = image.filter(ImageFilter.GaussianBlur(sigma_200 * dpi / 200))
    return Image.open(io.BytesIO(en_jpeg(flou, rng.randrange(70, 90))))


def page_encree(part: float, dpi: int, rng: random.Random) -> Image.Image:
    """An A4 page with about ``part`` of its surface inked (strokes and blots), scanned: what
    must never be called blank when ``part`` is 1 % or more."""
    mm = dpi / 25.4
    page = Image.new("L", (round(210 * mm), round(297 * mm)), 250)
    dessin = ImageDraw.Draw(page)
    cible = part * page.width * page.height
    encre = 0
    while encre < cible:
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        w, h = rng.randrange(2, max(3, round(4 * mm))), rng.randrange(2, max(3, round(3 * mm)))
        dessin.rectangle((x, y, x + w, y + h), fill=rng.randrange(10, 90))
        encre += w * h
    return numeriser(page.convert("RGB"), rng, dpi)


def numeriser(page: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """An A4 page through a flatbed scanner at its own size: its usual blur (σ 0.4 to 1.3
    pixels at 200 dpi), noise, and a JPEG of middling quality."""
    return _abimer(page, rng, dpi, flou=rng.uniform(0.3, 1.0), bruit=6,
                   qualite=rng.randrange(60, 90))  # fmt: skip


def confirmation(
    identite: Identite, dpi: int, rng: random.Random, *, signee: bool = True,
    datee: bool = True, en_ligne: bool = False, corrections: tuple[int, int, int] | None = None,
) -> Image.Image:  # fmt: skip
    """The end of the portal's « Récapitulatif de votre candidature » (seed 004) on an A4
    page, as printed: the candidate's lines, « CERTIFIE EXACT, A ____, le ____ », « Signature
    du candidat… »; ``signee`` / ``datee``: a scribbled signature under it, a place and date
    written in blue after « A » and « le ». ``en_ligne``: the récapitulatif of a candidature
    validated online, which says so instead of asking for a signature. ``corrections``: the
    colour of a pen that struck a value of the candidate's lines and wrote another above it
    (the seeds ask for red)."""
    mm = dpi / 25.4
    page = Image.new("RGB", (round(210 * mm), round(297 * mm)), "white")
    dessin = ImageDraw.Draw(page)
    police = ImageFont.truetype(str(POLICE_TEXTE.parent / "DejaVuSans.ttf"), round(10 * dpi / 72))
    petite = ImageFont.truetype(str(POLICE_TEXTE.parent / "DejaVuSans.ttf"), round(8 * dpi / 72))
    gras = ImageFont.truetype(
        str(POLICE_TEXTE.parent / "DejaVuSans-Bold.ttf"), round(10 * dpi / 72)
    )
    main = ImageFont.truetype(str(POLICE_TEXTE.parent / rng.choice(
        ("DejaVuSerif-Italic.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSerifCondensed-Italic.ttf"))),
        round(rng.choice((12, 13, 14)) * dpi / 72))  # fmt: skip
    x, y = round(20 * mm), round(rng.uniform(25, 40) * mm)
    pas = round(5.2 * mm)
    lignes = [
        ("Récapitulatif de votre candidature", gras),
        ("BACCALAURÉAT PROFESSIONNEL", gras),
        (f"{identite.nom} {_prenoms(identite)}", gras),
        (f"Né(e) le : {identite.naissance:%d/%m/%Y}", police),
        ("Catégorie du Candidat : INDIVIDUEL", police),
        ("Aménagement d'épreuve demandé au titre du handicap : NON", police),
        ("", police),
        ("Spécialité : Logistique (31105)", gras),
        ("Forme de passage : Globale", police),
        ("", police),
    ]
    lignes += [(f"E{k} - Epreuve {k}        Inscrit", police) for k in range(1, rng.randint(5, 9))]
    corrigees = set(rng.sample(range(2, 9), 2)) if corrections else set()
    for k, (texte, fonte) in enumerate(lignes):
        dessin.text((x, y), texte, fill=(20, 20, 30), font=fonte)
        if k in corrigees and texte and corrections is not None:
            fin = x + dessin.textlength(texte, font=fonte)
            debut = x + rng.uniform(0.3, 0.6) * (fin - x)
            milieu = y + pas * 0.35
            dessin.line([(debut, milieu), (fin, milieu + rng.uniform(-1, 1) * mm)],
                        fill=corrections, width=max(1, round(0.35 * mm)))  # fmt: skip
            dessin.text((debut, y - pas * 0.55), rng.choice(("Logistique", "OUI", "2005",
                        "Clermont", "BERNARD")), fill=corrections, font=main)  # fmt: skip
        y += pas
    y += pas
    encre = (25, 40, 140)
    if en_ligne:
        dessin.text((x, y), f"Candidature validée en ligne le 12/10/{identite.naissance.year + 20} "
                    "à 17:38 : elle vaut signature.", fill=(20, 20, 30), font=police)  # fmt: skip
        y += 3 * pas
    else:
        dessin.text((x, y), "CERTIFIE EXACT,", fill=(20, 20, 30), font=gras)
        y += pas
        ligne_date = "A ______________________, le ______________"
        dessin.text((x, y), ligne_date, fill=(20, 20, 30), font=police)
        if datee:
            apres_a = x + dessin.textlength("A ", font=police)
            dessin.text((apres_a + 4 * mm, y - 3 * mm), "Clermont-Fd", fill=encre, font=main)
            apres_le = x + dessin.textlength("A ______________________, le ", font=police)
            jour = f"{rng.randint(1, 28):02d}/{rng.randint(9, 11):02d}/2023"
            dessin.text((apres_le + 2 * mm, y - 3 * mm), jour, fill=encre, font=main)
        y += pas
        dessin.text((x, y), "Signature du candidat et du représentant légal si le candidat est "
                    "mineur", fill=(20, 20, 30), font=petite)  # fmt: skip
        y += pas
        if signee:
            x0, y0 = x + rng.uniform(10, 80) * mm, y + rng.uniform(6, 14) * mm
            trait = [(x0 + i * rng.uniform(3, 6) * mm, y0 + rng.uniform(-5, 5) * mm)
                     for i in range(rng.randint(6, 11))]  # fmt: skip
            dessin.line(trait, fill=encre, width=max(1, round(0.35 * mm)), joint="curve")
        y += round(25 * mm)
    dessin.text((x, y), "Si les renseignements contenus dans ce document sont incorrects ou "
                "incomplets, corrigez-les en ROUGE.", fill=(20, 20, 30), font=petite)  # fmt: skip
    return page


@dataclass(frozen=True)
class Papier:
    """One paper a candidate holds: an identity document (``genre`` TD1, TD3 or CNI) or an
    attestation (``genre`` « attestation N »), as printed."""

    identite: Identite
    genre: str
    image: Image.Image


def papier(rang: int, graine: int = 0) -> Papier:
    """The ``rang``-th of a series of distinct papers, for the re-scan check: ID cards,
    passports, CNI of 1988 and attestations of four models in turn (many printed from one
    template for different people); one in three is held by the holder of the paper two
    before, of the same kind (the same person's other card or attestation, maybe of the same
    template: the same names, another paper). Each drawn from its own
    seed: a paper is the same whichever process draws it, in whatever order."""
    titulaire = rang - 2 if rang % 3 == 2 else rang
    identite = identite_au_hasard(random.Random(f"{graine}/{titulaire}"))
    rng = random.Random(f"{graine}:{rang}")
    if titulaire != rang:  # another card of the holder: its own number and expiry
        autre = identite_au_hasard(rng)
        identite = replace(identite, numero=autre.numero, expiration=autre.expiration)
    if rang % 2:
        modele = rng.randrange(4)
        return Papier(identite, f"attestation {modele}", attestation(identite, 200, rng, modele))
    genre = rng.choice((TD1, TD3, CNI))
    return Papier(identite, genre, document(identite, genre, 300))


def papiers(nombre: int, graine: int = 0) -> list[Papier]:
    return [papier(rang, graine) for rang in range(nombre)]


def capturer(papier: Papier, rng: random.Random) -> Image.Image:
    """The paper as a candidate sends it: scanned (two times in three) or photographed, at
    200 dpi."""
    if rng.random() < 1 / 3:
        return photographier(papier.image, rng, 200)
    return scanner(papier.image, rng, 200)
