"""What an inspection says of a file: refusals, warnings and facts, in French. No parsing here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Niveau = Literal["refus", "avertissement", "info"]


@dataclass(frozen=True)
class Finding:
    level: Niveau
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"level": self.level, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class Inspection:
    size: int
    format: str | None
    findings: tuple[Finding, ...] = field(default=())

    @property
    def recevable(self) -> bool:
        return not any(f.level == "refus" for f in self.findings)

    @property
    def reasons(self) -> list[str]:
        return [f.message for f in self.findings if f.level == "refus"]

    @property
    def motif(self) -> str:
        return " ".join(self.reasons)

    @property
    def refuse_pour_sa_taille_seule(self) -> bool:
        """A PDF or JPEG refused only for its size: it may be displayed on request."""
        return [f.code for f in self.findings if f.level == "refus"] == ["taille"]


def pluriel(n: int, mot: str, pluriel_de: str | None = None) -> str:
    """'1 page', '3 pages', '0 page' (French: the singular below 2)."""
    return f"{n} {mot if n < 2 else (pluriel_de or mot + 's')}"


def enumerer(nombres: list[int]) -> str:
    """'2', '2 et 5', '2, 5 et 7'."""
    textes = [str(n) for n in nombres]
    return textes[0] if len(textes) == 1 else ", ".join(textes[:-1]) + " et " + textes[-1]
