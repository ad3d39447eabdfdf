"""The review state: what the gestionnaire is looking at, held in one place that every panel
reads and observes — the campaign, the candidature, its pièces and deposits, the pièce on
screen, the files displayed during this session, and the decisions that can be undone."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop_app.services.decisions import DecisionEnregistree
from desktop_app.services.regles import a_controler
from desktop_app.services.requetes import CampagneResume, Identite, LigneDepot, LignePiece


def a_voir(piece: LignePiece) -> bool:
    """The pièce awaits the gestionnaire (``regles.a_controler``)."""
    return a_controler(piece.statut, piece.fichiers)


def premiere_a_voir(pieces: list[LignePiece]) -> LignePiece | None:
    """The pièce a dossier opens on: the first awaiting the gestionnaire, else the first."""
    return next((p for p in pieces if a_voir(p)), pieces[0] if pieces else None)


class EtatRevue(QObject):
    """``pieceChangee``: another pièce on screen, or the same one read again (a new dossier
    always ends with one)."""

    pieceChangee = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.campagne: CampagneResume | None = None
        self.candidature_id: int | None = None
        self.identite: Identite | None = None
        self.pieces: list[LignePiece] = []
        self.depots: dict[int, list[LigneDepot]] = {}  # of the dossier's pièces, by pièce id
        self.piece: LignePiece | None = None
        self.vus: set[int] = set()  # deposits displayed on screen during this session
        self.rotations: dict[int, int] = {}  # changed during this session, by deposit id
        self.annulables: list[tuple[DecisionEnregistree, int]] = []  # (decision, candidature)
        # The catalogue's reasons the file on screen suggests (what it says differs from
        # the candidature): checked when the gestionnaire presses N.
        self.motifs_suggeres: list[str] = []

    def poser_dossier(
        self,
        candidature_id: int | None,
        identite: Identite | None = None,
        pieces: list[LignePiece] | None = None,
        depots: dict[int, list[LigneDepot]] | None = None,
    ) -> None:
        self.candidature_id, self.identite = candidature_id, identite
        self.pieces, self.depots = pieces or [], depots or {}
        self.piece = None

    def poser_piece(self, piece: LignePiece | None) -> None:
        self.piece = piece
        self.pieceChangee.emit()

    def depots_de(self, piece: LignePiece | None) -> list[LigneDepot]:
        return self.depots.get(piece.id, []) if piece is not None else []

    def marquer_vu(self, depot_id: int) -> None:
        self.vus.add(depot_id)

    def fichiers_vus(self, piece: LignePiece) -> bool:
        """Every file of the pièce's latest round has been on screen."""
        courants = [d for d in self.depots_de(piece) if d.courant]
        return bool(courants) and all(d.id in self.vus for d in courants)
