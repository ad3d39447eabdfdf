"""What an import tells: its counts, one French message per refused row or warning
(``fichier:ligne: raison``), and the conflicts where a local decision was kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from desktop_app.models import (
    Statut,
)

FORMAT_PAQUET = "dossiers-pj/1"


class ImportRefuse(Exception):
    """All-or-nothing was asked and some rows were refused: nothing was written."""

    def __init__(self, rapport: RapportImport) -> None:
        super().__init__(f"{rapport.lignes_refusees} ligne(s) refusée(s) : rien n'a été importé")
        self.rapport = rapport


# -- report ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Message:
    fichier: str
    ligne: int | None
    texte: str
    niveau: Literal["erreur", "avertissement"] = "erreur"

    def __str__(self) -> str:
        where = f"{self.fichier}:{self.ligne}" if self.ligne else self.fichier
        return f"{where}: {self.texte}"


@dataclass(frozen=True)
class Conflit:
    n_candidat: str
    n_inscription: str
    code_piece: str
    statut_local: Statut | None
    statut_paquet: Statut | None
    raison: str

    def __str__(self) -> str:
        def lib(s: Statut | None) -> str:
            return s.value if s else "aucun statut"

        return (
            f"{self.n_candidat}/{self.n_inscription} {self.code_piece} : {self.raison} "
            f"(local : {lib(self.statut_local)} ; paquet : {lib(self.statut_paquet)})"
        )


@dataclass
class RapportImport:
    paquet: str
    campagne: str = ""
    candidatures_creees: int = 0
    candidatures_modifiees: int = 0
    pieces_creees: int = 0
    depots_ajoutes: int = 0
    depots_non_recevables: int = 0
    nouveaux_tours: int = 0
    statuts_appliques: int = 0
    lignes_refusees: int = 0
    AUCUN_REFUS: ClassVar[str] = "Aucune ligne refusée, aucun conflit."
    messages: list[Message] = field(default_factory=list)
    conflits: list[Conflit] = field(default_factory=list)

    @property
    def modifie(self) -> bool:
        return any(
            (
                self.candidatures_creees,
                self.candidatures_modifiees,
                self.pieces_creees,
                self.depots_ajoutes,
                self.statuts_appliques,
            )
        )

    def erreur(self, fichier: str, ligne: int | None, texte: str) -> None:
        self.messages.append(Message(fichier, ligne, texte, "erreur"))

    def avertissement(self, fichier: str, ligne: int | None, texte: str) -> None:
        self.messages.append(Message(fichier, ligne, texte, "avertissement"))

    def resume(self) -> str:
        parts = [
            f"{self.candidatures_creees} candidature(s) créée(s)",
            f"{self.candidatures_modifiees} mise(s) à jour",
            f"{self.pieces_creees} pièce(s) ajoutée(s)",
            f"{self.depots_ajoutes} fichier(s) déposé(s) dont {self.depots_non_recevables} "
            "non recevable(s)",
            f"{self.nouveaux_tours} nouveau(x) dépôt(s) après un premier envoi",
            f"{self.statuts_appliques} statut(s) repris du paquet",
        ]
        if self.lignes_refusees:
            parts.append(f"{self.lignes_refusees} ligne(s) refusée(s)")
        if self.conflits:
            parts.append(f"{len(self.conflits)} conflit(s) à régler")
        return f"{self.paquet} ({self.campagne}) : " + ", ".join(parts) + "."

    def comptes(self) -> list[tuple[str, int]]:
        """What the import did, figure by figure, in words."""
        return [
            ("Candidatures créées", self.candidatures_creees),
            ("Candidatures mises à jour", self.candidatures_modifiees),
            ("Pièces ajoutées", self.pieces_creees),
            ("Fichiers déposés", self.depots_ajoutes),
            ("dont non recevables", self.depots_non_recevables),
            ("Nouveaux dépôts après un premier envoi", self.nouveaux_tours),
            ("Statuts repris du paquet", self.statuts_appliques),
            ("Lignes refusées", self.lignes_refusees),
            ("Conflits à régler (décision locale gardée)", len(self.conflits)),
        ]

    def details(self) -> list[str]:
        """Every refused row, warning and conflict, one line each."""
        lignes = [
            f"{'Refusé' if m.niveau == 'erreur' else 'Attention'} — {m}" for m in self.messages
        ]
        return lignes + [f"Conflit — {c}" for c in self.conflits]

    def texte(self) -> str:
        """The whole report as a text file keeps it."""
        lignes = [f"Rapport d'import — {self.paquet} ({self.campagne})", ""]
        lignes += [f"{libelle} : {n}" for libelle, n in self.comptes()]
        lignes += ["", *(self.details() or [self.AUCUN_REFUS])]
        return "\n".join(lignes) + "\n"

    def as_json(self) -> dict[str, Any]:
        return {
            "resume": self.resume(),
            "messages": [str(m) for m in self.messages],
            "conflits": [str(c) for c in self.conflits],
        }
