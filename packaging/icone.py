"""Draws the application's icon: a white sheet with a green check on the Republic's blue.

    python packaging/icone.py

writes desktop_app/resources/icone.png (the windows' icon) and packaging/controle-pj.ico (the
executable's and the installer's, 16 to 256 px). Both are committed; run again to change them."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICI = Path(__file__).resolve().parent
BLEU = (0, 0, 145, 255)  # « bleu France »
VERT = (24, 117, 60, 255)
BLANC = (255, 255, 255, 255)
COTE = 1024  # drawn large, then reduced: smooth edges at every size


def dessiner() -> Image.Image:
    image = Image.new("RGBA", (COTE, COTE), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    d.rounded_rectangle((32, 32, COTE - 32, COTE - 32), radius=180, fill=BLEU)
    # The sheet, its top right corner folded.
    g, h, dr, b, pli = 250, 150, 774, 874, 150
    d.polygon([(g, h), (dr - pli, h), (dr, h + pli), (dr, b), (g, b)], fill=BLANC)
    d.polygon([(dr - pli, h), (dr - pli, h + pli), (dr, h + pli)], fill=(200, 205, 230, 255))
    for y in (380, 460, 540):  # lines of text
        d.rounded_rectangle((g + 70, y, dr - 110, y + 34), radius=17, fill=(190, 195, 225, 255))
    d.line([(400, 690), (490, 790), (700, 560)], fill=VERT, width=84, joint="curve")
    for x, y in ((400, 690), (700, 560)):
        d.ellipse((x - 42, y - 42, x + 42, y + 42), fill=VERT)
    return image


def main() -> None:
    image = dessiner()
    png = ICI.parent / "desktop_app" / "resources" / "icone.png"
    png.parent.mkdir(exist_ok=True)
    image.resize((256, 256), Image.Resampling.LANCZOS).save(png, optimize=True)
    tailles = [(n, n) for n in (16, 20, 24, 32, 40, 48, 64, 128, 256)]
    image.save(ICI / "controle-pj.ico", sizes=tailles)
    print(f"{png}\n{ICI / 'controle-pj.ico'}")


if __name__ == "__main__":
    main()
