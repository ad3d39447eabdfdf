"""The dossier panel's pieces: the candidate's identity and the pièces tree."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QTreeWidgetItem

from desktop_app.models import Statut, libelle_statut
from desktop_app.services.dates import format_date, format_datetime
from desktop_app.services.echeances import echeance_piece
from desktop_app.services.requetes import Identite, LigneDepot, LignePiece
from desktop_app.views.item_models import COULEURS

ROLE_PIECE = Qt.ItemDataRole.UserRole
ROLE_DEPOT = Qt.ItemDataRole.UserRole + 1


def _pastille(couleur: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    peintre = QPainter(pixmap)
    peintre.setRenderHint(QPainter.RenderHint.Antialiasing)
    peintre.setBrush(QColor(couleur))
    peintre.setPen(Qt.PenStyle.NoPen)
    peintre.drawEllipse(1, 1, 10, 10)
    peintre.end()
    return QIcon(pixmap)


_PASTILLES: dict[Statut | None, QIcon] = {}


def pastille(statut: Statut | None) -> QIcon:
    if statut not in _PASTILLES:
        # type: ignore below: a pièce without status has no colour: get() answers None.
        couleur = COULEURS.get(statut)  # type: ignore[arg-type]
        _PASTILLES[statut] = _pastille(couleur.name() if couleur else "#c8c6c4")
    return _PASTILLES[statut]


def item_piece(
    p: LignePiece, depots: list[LigneDepot], cloture: dt.datetime | None
) -> QTreeWidgetItem:
    """A pièce of the dossier, its files under it; its deadline is the candidate's (the
    campaign's closing date once a new file is awaited)."""
    echeance = format_datetime(echeance_piece(p.statut, p.fin, cloture))
    item = QTreeWidgetItem([p.libelle, libelle_statut(p.statut), p.modalite.libelle, echeance])
    item.setIcon(0, pastille(p.statut))
    item.setData(0, ROLE_PIECE, p)
    if p.statut in COULEURS:
        # type: ignore below: checked just above: the status has a colour.
        item.setForeground(1, COULEURS[p.statut])  # type: ignore[index]
    infobulle = [f"{p.code} — {p.libelle}"]
    if p.commentaire:
        infobulle.append(f"Commentaire : {p.commentaire}")
    item.setToolTip(0, "\n".join(infobulle))
    for d in depots:
        etat = "recevable" if d.recevable else f"non recevable : {d.motif}"
        taille = format_taille(d.taille) if d.taille is not None else "taille inconnue"
        texte = (f"{d.nom} — déposé le {format_datetime(d.date_depot) or '?'}, {taille}, {etat}"
                 + ("" if d.courant else " (dépôt précédent)"))  # fmt: skip
        enfant = QTreeWidgetItem([texte])
        enfant.setData(0, ROLE_DEPOT, d)
        enfant.setToolTip(0, texte + (f"\nValidé le {format_datetime(p.date_validation)}"
                                      if p.date_validation else ""))  # fmt: skip
        if not d.recevable:
            enfant.setForeground(0, COULEURS[Statut.NON_CONFORME])
        item.addChild(enfant)
    return item


def format_taille(octets: int) -> str:
    if octets >= 1024 * 1024:
        return f"{octets / (1024 * 1024):.1f} Mo".replace(".", ",")
    return f"{max(1, round(octets / 1024))} Ko"


def texte_identite(i: Identite) -> str:
    """The candidate's identity, as compared with the document."""
    e = html.escape

    def ligne(libelle: str, valeur: str) -> str:
        return (f"<tr><td style='color:#605e5c; padding-right:8px'>{libelle}</td>"
                f"<td><b>{e(valeur)}</b></td></tr>") if valeur else ""  # fmt: skip

    handicap = {True: "Oui", False: "Non", None: ""}[i.handicap]
    naissance = format_date(i.date_naissance)
    if i.lieu_naissance:
        naissance += f" à {i.lieu_naissance}"
    specialite = i.specialite + (f" ({i.code_specialite})" if i.code_specialite else "")
    return (
        "<table cellspacing='0'>"
        + ligne("Civilité", i.civilite.capitalize())
        + ligne("Nom de naissance", i.nom_naissance)
        + ligne("Nom d'usage", i.nom_usage)
        + ligne("Prénoms", i.prenoms)
        + ligne("Né(e) le", naissance)
        + ligne("N° candidat", f"{i.n_candidat} — inscription n° {i.n_inscription}")
        + ligne("Spécialité", specialite)
        + ligne("Catégorie", i.categorie)
        + ligne("Établissement", f"{i.etablissement}" + (f" ({i.uai})" if i.uai else ""))
        + ligne("Aménagement (handicap)", handicap)
        + "</table>"
    )  # fmt: skip
