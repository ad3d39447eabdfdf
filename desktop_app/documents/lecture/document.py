"""Reading a deposited file for the gestionnaire: what it says of its holder (names, birth
date, validity), each value with where it came from and how sure it is. Runs in the worker
process, like the inspection (untrusted bytes); the answer is plain data, stored by the
file's sha256.

Sources, most trusted first: a 2D-Doc whose signature was verified, an MRZ whose check digits
hold (fields no digit vouches for and read without a clear lead are left out), the text layer
of a PDF (an MRZ typed in it, names and a birth date written in it), and, on a page with no
text layer and nothing read by the others, OCR (Tesseract). A value is a suggestion: the
gestionnaire decides.

The first page's perceptual fingerprint (``empreinte``) comes with the reading: the same paper
deposited twice, scanned anew, is looked for with it (``services.requetes.rescans``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .texte import Mot, lignes_du_pdf

if TYPE_CHECKING:
    from collections.abc import Callable

    from PIL import Image

    from .ocrb import Redresse

VERSION = 5  # raise when a reading would change: stored readings of an older one are redone
DPI_LECTURE = 300  # a PDF page is rendered at this resolution for the MRZ and the 2D-Doc
DPI_COULEUR = 100  # a page that may hold handwritten corrections, in colour
PAGES_MAX = 3  # only the first pages are read: identity documents and attestations are short

MRZ, DEUXDDOC, TEXTE_PDF, OCR = "MRZ", "2D-Doc", "texte du PDF", "OCR"
TRONQUE = ", noms peut-être abrégés par la MRZ"  # said in a value's detail
TEMPS_PARTIEL = (
    "Information : un emploi à temps partiel est mentionné ; la durée d'activité est comptée "
    "sur le calendrier, à vérifier."
)
ANNOTATIONS_COULEUR = (
    "Information : des annotations manuscrites d'une autre couleur que le rouge figurent "
    "au-dessus de la signature ; les corrections doivent être portées en rouge."
)


@dataclass(frozen=True)
class Valeur:
    """One value read: ``champ`` is nom, nom_usage, prenoms, naissance, expiration,
    delivrance, numero or type; dates as ISO text. ``page`` counts from 1; ``boite`` is
    (x0, y0, x1, y1) as fractions of the page, for highlighting it in the viewer."""

    champ: str
    valeur: str
    source: str
    confiance: float
    page: int = 1
    boite: tuple[float, float, float, float] | None = None
    detail: str = ""  # e.g. the MRZ's format, the 2D-Doc's certificate


@dataclass(frozen=True)
class Lu:
    valeurs: tuple[Valeur, ...] = ()
    constats: tuple[str, ...] = ()  # what the gestionnaire should know, in French
    deuxddoc: str = ""  # the 2D-Doc's verification, in French ("" without a 2D-Doc)
    deuxddoc_invalide: bool = False  # a 2D-Doc whose signature does not hold
    mrz_illisible: bool = False  # an MRZ was found but failed its checks
    echec: str = ""  # why the file could not be read at all (a time limit, a crash): "" when read
    empreinte: int | None = None  # the first page's fingerprint (empreinte.py), None if blank
    # The dates written on the first page (ISO), where its words were read.
    dates: tuple[str, ...] = ()
    version: int = VERSION

    def premiere(self, champ: str) -> Valeur | None:
        return next((v for v in self.valeurs if v.champ == champ), None)


@dataclass
class _Page:
    image: Image.Image  # the page in grey
    numero: int
    largeur: int = 0
    hauteur: int = 0
    texte: str = ""
    lignes: list[list[Mot]] = field(default_factory=list)  # the text layer's words
    # The page in colour, where a form may be: made when first asked (a photo's colours are
    # decoded only for a confirmation's corrections), None where there is none.
    faire_couleur: Callable[[], Image.Image | None] = lambda: None
    _couleur: Image.Image | None = None
    _redresse: Redresse | None = None

    def couleur(self) -> Image.Image | None:
        if self._couleur is None:
            self._couleur = self.faire_couleur()
        return self._couleur

    @property
    def redresse(self) -> Redresse:
        """The page turned upright, once: the MRZ and the OCR read the same."""
        if self._redresse is None:
            from .ocrb import redresser

            self._redresse = redresser(self.image)
        return self._redresse

    _ocr: list[list[Mot]] | None = None

    @property
    def ocr(self) -> list[list[Mot]]:
        """The words Tesseract reads on the page, once (raises OcrIndisponible)."""
        if self._ocr is None:
            from .texte import lignes_ocr

            self._ocr = lignes_ocr(self.redresse)
        return self._ocr


@dataclass
class _Releve:
    valeurs: list[Valeur] = field(default_factory=list)
    constats: list[str] = field(default_factory=list)
    deuxddoc: str = ""
    deuxddoc_invalide: bool = False
    mrz_illisible: bool = False
    constat_mrz: str = ""  # what was said of an MRZ that failed its checks


def _pages(chemin: Path, fmt: str) -> list[_Page]:
    """The first pages as images (a photo turned upright as its EXIF says), with their text."""
    from PIL import Image, ImageOps

    from desktop_app.documents import jpeg, pdf

    data = chemin.read_bytes()
    if fmt == "jpeg":
        gris = jpeg.ouvrir(data)
        gris.draft("L", gris.size)  # the luminance alone is decoded: a fifth of the time
        if gris.mode != "L":  # a CMYK photo
            gris = gris.convert("L")
        ImageOps.exif_transpose(gris, in_place=True)

        def en_couleur() -> Image.Image:
            return ImageOps.exif_transpose(jpeg.ouvrir(data).convert("RGB"))

        return [_Page(gris, 1, gris.width, gris.height, faire_couleur=en_couleur)]

    doc = pdf.ouvrir(data)
    try:
        if doc.needs_pass:
            return []
        pdf.neutraliser_images_demesurees(doc)
        resultat = []
        for index in range(min(doc.page_count, PAGES_MAX)):
            page = doc.load_page(index)
            pix = page.get_pixmap(dpi=DPI_LECTURE, colorspace="gray", alpha=False)
            image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
            texte = page.get_text()
            couleur = None
            if len(texte.split()) < MOTS_COUCHE_TEXTE or "signature du candidat" in texte.lower():
                # A scan, or the portal's form: its corrections' colour is looked at.
                rgb = page.get_pixmap(dpi=DPI_COULEUR, alpha=False)
                couleur = Image.frombytes("RGB", (rgb.width, rgb.height), rgb.samples)
            resultat.append(_Page(image, index + 1, pix.width, pix.height, texte,
                                  lignes_du_pdf(page), _couleur=couleur))  # fmt: skip
        return resultat
    finally:
        doc.close()


def lire_document(
    chemin: str | Path, fmt: str, reference: date | None = None,
    certificats: tuple[str, ...] = (),
) -> Lu:  # fmt: skip
    """What the file says of its holder. ``certificats``: folders of 2D-Doc certificates
    added to those shipped (the bureau's)."""
    releve = _Releve()
    pages = _pages(Path(chemin), fmt)
    for page in pages:
        _deuxddoc(page, releve, certificats)
        if not any(v.source == MRZ for v in releve.valeurs):
            _mrz_texte(page, releve, reference) or _mrz_image(page, releve, reference)
        if releve.constat_mrz:
            _confirmer_mrz(page, releve)
        if not {"nom", "naissance"} <= {v.champ for v in releve.valeurs}:
            _identite_texte(page, releve)
        if not any(v.champ == "signature" for v in releve.valeurs):
            _signature(page, releve)
        _emploi(page, releve)
    _activite(releve)
    return Lu(tuple(releve.valeurs), tuple(releve.constats), releve.deuxddoc,
              releve.deuxddoc_invalide, releve.mrz_illisible,
              empreinte=_empreinte(pages[0]) if pages else None,
              dates=_dates(pages[0]) if pages else ())  # fmt: skip


def _dates(page: _Page) -> tuple[str, ...]:
    """The dates the page's words hold: its text layer, or the OCR already done (never an OCR
    of its own)."""
    from .texte import dates_dans

    mots = _mots(page)
    return dates_dans(mots[1]) if mots is not None else ()


def _mots(page: _Page) -> tuple[str, list[list[Mot]]] | None:
    """The page's words already there: its text layer, or the OCR another reading needed
    (never an OCR of its own)."""
    if sum(len(ligne) for ligne in page.lignes) >= MOTS_COUCHE_TEXTE:
        return TEXTE_PDF, page.lignes
    if page._ocr is not None:
        return OCR, page._ocr
    return None


def _emploi(page: _Page, releve: _Releve) -> None:
    """The periods of employment an attestation states: one value each (« 2019-09-01/
    2022-08-31 »); one still running (« depuis le … ») ends on the attestation's date."""
    from .emploi import emploi_dans

    mots = _mots(page)
    emploi = emploi_dans(mots[1]) if mots is not None else None
    if mots is None or emploi is None:
        return
    source = mots[0]
    for p in emploi.periodes:
        confiance = 0.9 if source == TEXTE_PDF else round(0.9 * p.confiance, 2)
        if source == OCR and p.confiance < CONFIANCE_OCR_MIN:
            continue
        fin, detail = p.fin, ""
        if fin is None and emploi.fait_le is not None and emploi.fait_le >= p.debut:
            fin, detail = emploi.fait_le, "en poste à la date de l'attestation"
        elif fin is None:
            releve.constats.append(
                f"Période « depuis le {p.debut:%d/%m/%Y} » sans date d'attestation lisible : "
                "elle n'est pas comptée dans la durée d'activité.")  # fmt: skip
        releve.valeurs.append(Valeur("periode", f"{p.debut.isoformat()}/"
                                     f"{fin.isoformat() if fin else ''}", source, confiance,
                                     page.numero, p.boite, detail))  # fmt: skip
    if emploi.temps_partiel and TEMPS_PARTIEL not in releve.constats:
        releve.constats.append(TEMPS_PARTIEL)


def _activite(releve: _Releve) -> None:
    """The length of the periods read, overlaps once: the value the gestionnaire corrects
    when the reading is wrong or incomplete."""
    from .emploi import duree, ecrire

    periodes = [v for v in releve.valeurs if v.champ == "periode"]
    bornees = [(date.fromisoformat(d), date.fromisoformat(f))
               for d, f in (v.valeur.split("/") for v in periodes) if f]  # fmt: skip
    if not bornees:
        return
    page = periodes[0].page
    boites = [v.boite for v in periodes if v.page == page and v.boite is not None]
    releve.valeurs.append(Valeur(
        "activite", ecrire(*duree(bornees)), periodes[0].source,
        min(v.confiance for v in periodes), page,
        (min(b[0] for b in boites), min(b[1] for b in boites), max(b[2] for b in boites),
         max(b[3] for b in boites)) if boites else None,
        f"{len(bornees)} période{'s' if len(bornees) > 1 else ''}"))  # fmt: skip


def _empreinte(page: _Page) -> int | None:
    """The first page's fingerprint, turned upright by the skew already measured when the
    MRZ or the OCR needed it."""
    from .empreinte import empreinte

    angle = page._redresse.angle if page._redresse is not None else None
    return empreinte(page.image, angle)


def _deuxddoc(page: _Page, releve: _Releve, certificats: tuple[str, ...]) -> None:
    from . import deuxddoc

    for contenu, (x0, y0, x1, y1) in deuxddoc.lire_codes(page.image):
        boite = (x0 / page.largeur, y0 / page.hauteur, x1 / page.largeur, y1 / page.hauteur)
        try:
            doc = deuxddoc.decoder(contenu)
        except deuxddoc.Illisible as exc:
            releve.constats.append(f"2D-Doc illisible : {exc}.")
            continue
        verification = deuxddoc.verifier(doc, deuxddoc.Magasin([Path(c) for c in certificats]))
        releve.deuxddoc = f"{verification.message} — {doc.libelle_type}"
        if verification.statut is deuxddoc.Statut.INVALIDE:
            releve.deuxddoc_invalide = True
            releve.constats.append(f"2D-Doc : {verification.message}. Ses données ne sont pas "
                                   "reprises.")  # fmt: skip
            continue
        confiance = 1.0 if verification.statut is deuxddoc.Statut.VERIFIEE else 0.8
        detail = f"{doc.libelle_type}, {verification.statut.value}"
        for champ, valeur in (
            ("nom", doc.nom),
            ("nom_usage", doc.nom_usage),
            ("prenoms", " ".join(doc.prenoms)),
            ("naissance", doc.naissance.isoformat() if doc.naissance else None),
            ("type", doc.libelle_type),
        ):
            if valeur:
                releve.valeurs.append(Valeur(champ, valeur, DEUXDDOC, confiance, page.numero,
                                             boite, detail))  # fmt: skip


# An OCR word read with less confidence than this makes no value (Tesseract's own measure).
CONFIANCE_OCR_MIN = 0.5  # (before the 90 % below)
MOTS_COUCHE_TEXTE = 5  # a page with fewer words in its text layer is read by OCR


def _confirmer_mrz(page: _Page, releve: _Releve) -> None:
    """An MRZ that failed its checks is said only if the page's text, or the OCR, sees one:
    an attestation's lines of text are sometimes taken for one, and saying « MRZ
    illisible » on it would be noise."""
    from . import texte

    try:
        vue = texte.ressemble_mrz(page.lignes) or texte.ressemble_mrz(page.ocr)
    except texte.OcrIndisponible:
        return  # unconfirmed: said as found
    if not vue:
        releve.mrz_illisible = False
        releve.constats.remove(releve.constat_mrz)
    releve.constat_mrz = ""


def _identite_texte(page: _Page, releve: _Releve) -> None:
    """Names and birth date written on the page, from its text layer, else by OCR; a value
    already read from a better source is kept."""
    from . import texte

    deja = {v.champ for v in releve.valeurs}
    if sum(len(ligne) for ligne in page.lignes) >= MOTS_COUCHE_TEXTE:
        source, lignes = TEXTE_PDF, page.lignes
    else:
        try:
            source, lignes = OCR, page.ocr
        except texte.OcrIndisponible as exc:
            constat = f"Reconnaissance du texte indisponible : {exc}."
            if constat not in releve.constats:  # once per document, not once per page
                releve.constats.append(constat)
            return
    for trouve in texte.identite_dans(lignes):
        if trouve.champ in deja or (source == OCR and trouve.confiance < CONFIANCE_OCR_MIN):
            continue
        # OCR is never as sure as its own measure says: 90 % of it.
        confiance = 0.9 if source == TEXTE_PDF else round(0.9 * trouve.confiance, 2)
        releve.valeurs.append(Valeur(trouve.champ, trouve.valeur, source, confiance,
                                     page.numero, trouve.boite))  # fmt: skip


def _signature(page: _Page, releve: _Releve) -> None:
    """Signed and dated, on the page that asks for it (« Signature du candidat »): from the
    words already there (the text layer, or the OCR the identity needed), never an OCR of its
    own on a page no one read (an identity card, a photo already read by its MRZ)."""
    from . import signature

    mots = _mots(page)
    if mots is None:
        return
    source, lignes = mots
    if signature.valide_en_ligne(lignes):
        releve.valeurs.append(Valeur("signature", "validée en ligne", source, 0.9, page.numero))
        return
    import numpy as np

    constat = signature.chercher(lignes, np.asarray(page.image), page.couleur)
    if constat is None:
        return
    if constat.annotations is not None:
        releve.constats.append(ANNOTATIONS_COULEUR)
    releve.valeurs.append(Valeur("signature", "présente" if constat.signature else "absente",
                                 source, 0.8, page.numero, constat.boite_signature,
                                 "encre sous « Signature du candidat »"))  # fmt: skip
    if constat.date is not None:
        releve.valeurs.append(Valeur("date_signature", "présente" if constat.date else "absente",
                                     source, 0.8, page.numero, constat.boite_date,
                                     "après « le »"))  # fmt: skip


_LIGNE_MRZ = re.compile(r"^[A-Z0-9<]{30,44}$")


def _mrz_texte(page: _Page, releve: _Releve, reference: date | None) -> bool:
    """An MRZ typed in the PDF's text layer (a scan with an OCR layer, a generated copy)."""
    from . import mrz

    lignes = [ligne.strip().replace(" ", "") for ligne in page.texte.splitlines()]
    candidates = [ligne for ligne in lignes if _LIGNE_MRZ.match(ligne)]
    for nombre in (3, 2):
        for i in range(len(candidates) - nombre + 1):
            lu = mrz.lire(candidates[i : i + nombre], reference)
            if lu is not None and lu.valide:
                _valeurs_mrz(lu, releve, page, TEXTE_PDF, 0.95, frozenset(), None)
                return True
    return False


def _mrz_image(page: _Page, releve: _Releve, reference: date | None) -> bool:
    from . import ocrb

    lecture = ocrb.lire_image(page.redresse, reference)
    if lecture is None:
        return False
    if not lecture.utilisable:
        releve.mrz_illisible = True
        releve.constat_mrz = ("MRZ trouvée mais illisible (ses chiffres de contrôle ne "
                              "concordent pas) : rien n'en est repris.")  # fmt: skip
        releve.constats.append(releve.constat_mrz)
        return False
    x0, y0, x1, y1 = lecture.boite
    boite = (x0 / page.largeur, y0 / page.hauteur, x1 / page.largeur, y1 / page.hauteur)
    _valeurs_mrz(lecture.mrz, releve, page, MRZ, min(0.99, 0.9 + lecture.confiance),
                 lecture.incertains, boite)  # fmt: skip
    if lecture.incertains:
        douteux = ", ".join(sorted(_LIBELLES.get(c, c) for c in lecture.incertains))
        releve.constats.append(f"MRZ : lecture incertaine de {douteux} (non repris).")
    return True


_LIBELLES = {"nom": "nom", "prenoms": "prénoms", "numero": "numéro", "sexe": "sexe",
             "nationalite": "nationalité", "emetteur": "pays émetteur", "code": "type"}  # fmt: skip


def _valeurs_mrz(
    lu: object, releve: _Releve, page: _Page, source: str, confiance: float,
    incertains: frozenset[str], boite: tuple[float, float, float, float] | None,
) -> None:  # fmt: skip
    from .mrz import CNI, Mrz

    assert isinstance(lu, Mrz)
    detail = {"TD1": "carte (TD1)", "TD3": "passeport (TD3)", CNI: "CNI de 1988 à 2021"}.get(
        lu.format, lu.format
    )
    # A zone of names filled to its last character may have been shortened to fit (ICAO
    # 9303 truncates the given names first, then the surname).
    zone = {"TD1": lu.lignes[-1], "TD3": lu.lignes[0]}.get(lu.format, lu.lignes[0][:30])
    noms_pleins = not zone.endswith("<")
    champs: list[tuple[str, str | None]] = [
        ("nom", lu.nom), ("prenoms", " ".join(lu.prenoms)),
        ("naissance", lu.naissance.isoformat() if lu.naissance else None),
        ("expiration", lu.expiration.isoformat() if lu.expiration else None),
        ("delivrance", f"{lu.delivrance[0]:04d}-{lu.delivrance[1]:02d}" if lu.delivrance else None),
        ("numero", lu.numero), ("type", detail),
    ]  # fmt: skip
    for champ, valeur in champs:
        douteux = champ in incertains or (champ == "delivrance" and "numero" in incertains)
        if valeur and not douteux:
            plus = TRONQUE if noms_pleins and champ in ("nom", "prenoms") else ""
            releve.valeurs.append(Valeur(champ, valeur, source, confiance, page.numero, boite,
                                         detail + plus))  # fmt: skip
