"""JPEG: what an inspection says of one, and the photo as pixels, turned upright.

Pillow reads it with ``formats=["JPEG"]`` only, under an explicit pixel limit (the bomb warning
is an error). This parses untrusted bytes: it runs only in the worker process."""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, ImageStat

from desktop_app.documents import lisibilite
from desktop_app.documents.constats import Finding
from desktop_app.documents.pixels import (
    A_REDUIRE_PAR_L_ECRAN_MAX,
    PageInfo,
    Pixels,
    taille_rendue,
)

PIXELS_MAX = 120_000_000  # above it Pillow's bomb warning becomes a refusal
PIXELS_FAIBLES = 480_000  # under 800 × 600 a document photo is hard to read
APERCU_AU_DELA = 4_000_000  # photos larger than this get a quick draft before the sharp render
PASSES_MAX = 500  # scans: a progressive JPEG has about ten (libjpeg-turbo's advice: 500 at most)
MANQUE_REFUSE = 0.25  # a quarter of the image missing: refused; less: said, for the eye to judge
_ORIENTATION = 0x0112
_TOURNEES = {5, 6, 7, 8}  # EXIF orientations that swap width and height


ENDOMMAGEE = "Image JPEG illisible ou endommagée."


class JpegIllisible(Exception):
    """The bytes are not a JPEG Pillow can decode; the message is French."""

    def __init__(self, message: str, code: str = "illisible") -> None:
        super().__init__(message)
        self.code = code


def ouvrir(data: bytes) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = PIXELS_MAX
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=["JPEG"])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise JpegIllisible(
            "Image JPEG aux dimensions démesurées : refusée.", "dimensions"
        ) from exc
    except Exception as exc:
        raise JpegIllisible(ENDOMMAGEE) from exc


def orientation(image: Image.Image) -> int:
    try:
        valeur = int(image.getexif().get(_ORIENTATION, 1))
    except Exception:
        return 1
    return valeur if 1 <= valeur <= 8 else 1


def page(image: Image.Image) -> PageInfo:
    """The photo as displayed: upright, so width and height swap for a quarter turn."""
    w, h = image.size
    return PageInfo(h, w) if orientation(image) in _TOURNEES else PageInfo(w, h)


def _premier_sos(data: bytes) -> int | None:
    """Offset of the main image's first Start Of Scan, walking the top-level markers by their
    lengths (so an EXIF thumbnail, inside APP1, is stepped over). Bytes between two segments
    are skipped as libjpeg skips them (it warns and decodes): stray bytes are not an end."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            i = data.find(b"\xff", i)
            if i < 0:
                return None
            continue
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:
            return i
        if 0xD0 <= marker <= 0xD8 or marker in (0x00, 0x01):  # no length: nothing to step over
            i += 2
            continue
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return None


def tronque(data: bytes) -> Finding | None:
    """Inside a scan, 0xFF is always followed by 0x00 or a restart marker: an FF D9 after the
    first scan can only be the End Of Image. Without it, the upload was cut short. Too many
    scans refuse the file too: each is a pass over the whole image, and a crafted progressive
    JPEG of thousands of them holds a parser for minutes (libjpeg-turbo advises a limit)."""
    sos = _premier_sos(data)
    if sos is None or data.rfind(b"\xff\xd9", sos) < 0:  # found at once at a file's end
        return Finding("refus", "tronque", "Image JPEG incomplète (fichier tronqué).")
    passes = data.count(b"\xff\xda", sos)  # FF DA cannot occur inside a scan's data
    if passes > PASSES_MAX:
        return Finding(
            "refus",
            "passes",
            f"Image JPEG construite de façon anormale ({passes:,} passes de décodage au lieu "
            "d'une dizaine au plus) : refusée.".replace(",", "\u00a0"),
        )
    return None


@dataclass(frozen=True)
class Examen:
    """What a JPEG says once decoded at reduced size: its header's facts, its pixels small,
    and the share of it lost to a premature end of its data."""

    largeur: int
    hauteur: int
    mode: str
    sens: int  # EXIF orientation
    affiche: PageInfo  # as displayed, upright
    petite: Image.Image
    manque: float

    def refus(self) -> Finding | None:
        if self.manque >= MANQUE_REFUSE:
            return Finding(
                "refus",
                "incomplete",
                f"Image JPEG incomplète : le bas de l'image manque ({_pourcent(self.manque)} "
                "de l'image est remplacé par du gris).",
            )
        return None


def _pourcent(part: float) -> str:
    return f"{max(1, round(part * 100))} %"


def examiner(data: bytes) -> Examen:
    """Open, check the structure and decode the whole image at 1/8 scale (the DCT does it
    cheaply): corrupt data fails here. Raises JpegIllisible with the French reason; the
    inspection and the viewer both start here, so they agree on every file."""
    try:
        return _examiner(data)
    except JpegIllisible:
        raise
    except Exception as exc:  # a parser's unexpected error: the same refusal everywhere
        raise JpegIllisible(ENDOMMAGEE) from exc


def _examiner(data: bytes) -> Examen:
    image = ouvrir(data)
    coupe = tronque(data)
    if coupe:
        raise JpegIllisible(coupe.message, coupe.code)
    largeur, hauteur = image.size
    faits = (largeur, hauteur, image.mode, orientation(image), page(image))
    try:
        petite = _decoder_reduit(image)
        manque = _manque(petite)
    except Exception:
        # A lossless JPEG (SOF3) or a side under 8 pixels has no 1/8 scale: at full size.
        try:
            petite, manque = _en_rgb(ouvrir(data)), 0.0
        except Exception as exc:
            raise JpegIllisible(ENDOMMAGEE) from exc
    return Examen(*faits, petite, manque)


def _decoder_reduit(image: Image.Image) -> Image.Image:
    width, height = image.size
    if min(width, height) < 8:
        raise ValueError("pas de réduction DCT")
    # Luma alone for a colour photo: what libjpeg fills a missing part with is exact there.
    image.draft("L" if image.mode in ("L", "RGB") else None, (width // 8, height // 8))
    return _en_rgb(image)


def _manque(petite: Image.Image) -> float:
    """The share of the image lost to a premature end of its data. When the scan data stops
    before the last row (and the file still ends with FF D9), libjpeg warns, which Pillow does
    not pass on, and fills the rest with zero coefficients: at 1/8 scale, luma of exactly 128
    from there to the end. At least one whole row of blocks, and not the whole image (a
    uniform grey picture is said to be uniform)."""
    if petite.mode != "L":
        return 0.0
    octets = petite.tobytes()
    gris = len(octets) - len(octets.rstrip(b"\x80"))
    if gris < petite.width or gris == len(octets):
        return 0.0
    return gris / len(octets)


def constats(data: bytes, juger_lisibilite: bool = True) -> list[Finding]:
    """Refusal, warnings and facts of a JPEG file (``juger_lisibilite``: its blur and resolution
    too)."""
    try:
        examen = examiner(data)
    except JpegIllisible as exc:
        return [Finding("refus", exc.code, str(exc))]
    refus = examen.refus()
    if refus:
        return [refus]
    width, height, mode, sens = examen.largeur, examen.hauteur, examen.mode, examen.sens
    affiche, petite = examen.affiche, examen.petite
    findings = []
    if examen.manque:
        findings.append(
            Finding(
                "avertissement",
                "incomplete",
                f"Image incomplète : le bas de l'image manque ({_pourcent(examen.manque)} de "
                "l'image est remplacé par du gris).",
            )
        )
    if sens != 1:
        findings.append(
            Finding(
                "avertissement",
                "rotation_exif",
                "Photo enregistrée de travers par l'appareil (orientation EXIF) : "
                "elle est affichée redressée.",
            )
        )
    if width * height < PIXELS_FAIBLES:
        findings.append(
            Finding(
                "avertissement",
                "basse_resolution",
                f"Très faible résolution ({width} × {height} pixels) : "
                "le contenu risque d'être illisible.",
            )
        )
    if max(ImageStat.Stat(petite.convert("L")).stddev) < 3:
        findings.append(
            Finding("avertissement", "page_blanche", "L'image est uniforme : rien n'y est visible.")
        )
    elif juger_lisibilite and not examen.manque:  # a part missing is said above, not as blur
        with contextlib.suppress(Exception):  # a decoder's failure here: no verdict, not a crash
            findings.extend(lisibilite.constats(_lisibilite(data)))
    findings.append(
        Finding("info", "dimensions", f"{int(affiche.largeur)} × {int(affiche.hauteur)} pixels.")
    )
    if mode == "CMYK":
        findings.append(
            Finding(
                "info", "cmjn", "Image en couleurs d'imprimerie (CMJN), convertie pour l'écran."
            )
        )
    return findings


def _lisibilite(data: bytes) -> lisibilite.Mesure:
    """Blur and resolution of the image."""
    image = ouvrir(data)
    largeur, hauteur = image.size
    return lisibilite.Mesure(lisibilite.nettete_image(image),
                             lisibilite.dpi_de_page(largeur, hauteur))  # fmt: skip


_SRGB = None


def _en_rgb(image: Image.Image) -> Image.Image:
    """RGB or grey, whatever the JPEG holds; a CMYK photo through its ICC profile if it has one."""
    global _SRGB
    if image.mode in ("RGB", "L"):
        image.load()
        return image
    if image.mode == "CMYK" and image.info.get("icc_profile"):
        try:
            if _SRGB is None:
                _SRGB = ImageCms.createProfile("sRGB")
            source = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
            converti = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
            if converti is not None:  # None only when asked to convert in place
                return converti
        except Exception:
            pass  # a broken profile: the plain conversion below
    return image.convert("RGB")


def rendre(data: bytes, echelle: float, apercu: bool = False) -> Pixels:
    """The photo upright, ``echelle`` device pixels per image pixel. ``apercu``: for a large
    photo, the quickest look (DCT-scaled decoding at 1/8), to be replaced by the sharp render."""
    image = ouvrir(data)
    apercu = apercu and image.width * image.height > APERCU_AU_DELA
    affiche = page(image)
    largeur, hauteur, _ = taille_rendue(affiche, echelle)
    cible = (largeur, hauteur) if orientation(image) not in _TOURNEES else (hauteur, largeur)
    if apercu:
        cible = (max(1, image.size[0] // 8), max(1, image.size[1] // 8))
    try:
        # draft() decodes at the smallest scale (1/2, 1/4, 1/8) still at least the target size.
        image.draft("RGB" if image.mode != "L" else "L", cible)
        image = ImageOps.exif_transpose(_en_rgb(image))
    except Exception:  # no DCT scaling (a lossless JPEG): decoded at full size
        image = ImageOps.exif_transpose(_en_rgb(ouvrir(data)))
    if largeur > image.width:  # enlarging a small photo is the screen's job
        largeur, hauteur = image.size
    # A colour pixel crosses in the four bytes Pillow holds it in (a copy, not a repacking),
    # which Qt scales as they are and turns into the screen's format in place.
    gris = image.mode == "L"
    octets = 1 if gris else 4
    reduire_a = None
    if not apercu and image.size != (largeur, hauteur):
        # draft() left a factor between 1/2 and 1, which an area average takes away: in the
        # GUI process when the photo is screen-sized (see A_REDUIRE_PAR_L_ECRAN_MAX), else here.
        if image.width * image.height * octets <= A_REDUIRE_PAR_L_ECRAN_MAX:
            reduire_a = (largeur, hauteur)
        else:
            image = image.resize((largeur, hauteur), Image.Resampling.BOX)
    return Pixels(
        image.width,
        image.height,
        image.width * octets,
        "gris" if gris else "rgbx",
        image.tobytes("raw", "L" if gris else "RGBX"),
        echelle,
        apercu,
        reduire_a=reduire_a,
    )
