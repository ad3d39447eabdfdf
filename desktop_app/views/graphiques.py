"""The dashboard a chef de bureau looks at rather than reads, and its two small charts drawn
with QPainter (QtCharts is not in PySide6-Essentials): horizontal bars with their figures, and
one column per day; each keeps its numbers in its accessible description for screen readers."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop_app.services.tableau_de_bord import TableauDeBord

BLEU = QColor("#3b6fb6")
VERT = QColor("#3c8d4a")
ORANGE = QColor("#d98b2b")
ROUGE = QColor("#c0392b")
GRIS = QColor("#9aa0a6")
FOND = QColor("#e9ecef")

COULEURS_ETATS = {
    "Complet": VERT,
    "À contrôler": BLEU,
    "En attente du candidat": ORANGE,
    "Incomplet": ROUGE,
    "Sans pièce": GRIS,
}
COULEURS_STATUTS = {
    "Conforme": VERT,
    "Non conforme": ROUGE,
    "En attente d'une nouvelle PJ": ORANGE,
    "Reçue": BLEU,
    "En attente de contrôle": BLEU,
    "Aucun statut": GRIS,
}


class Barres(QWidget):
    """``(libellé, valeur, part, couleur)`` rows: a bar of ``valeur`` (on the largest), its
    ``part`` (e.g. the complets of a spécialité) darker from the left, the figures at the end."""

    HAUTEUR = 22

    def __init__(self, titre: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.titre = titre
        self.lignes: list[tuple[str, int, int | None, QColor]] = []
        self.legende = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(titre)

    def poser(
        self, lignes: Sequence[tuple[str, int, int | None, QColor]], legende: str = ""
    ) -> None:
        self.lignes = list(lignes)
        self.legende = legende
        self.setAccessibleDescription(
            "; ".join(
                f"{t} : {v}" + (f" dont {p}" if p is not None else "") for t, v, p, _ in lignes
            )
        )
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(
            420, 30 + self.HAUTEUR * max(len(self.lignes), 1) + (18 if self.legende else 0)
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        gras = QFont(self.font())
        gras.setBold(True)
        p.setFont(gras)
        p.drawText(QRectF(0, 0, self.width(), 22), Qt.AlignmentFlag.AlignLeft, self.titre)
        p.setFont(self.font())
        if not self.lignes:
            p.setPen(GRIS)
            p.drawText(QRectF(0, 26, self.width(), 20), Qt.AlignmentFlag.AlignLeft, "Aucune donnée")
            return
        largeur_titres = min(220.0, self.width() * 0.42)
        largeur_chiffres = 110.0
        zone = max(self.width() - largeur_titres - largeur_chiffres - 12, 20)
        maximum = max(v for _, v, _, _ in self.lignes) or 1
        metriques = p.fontMetrics()
        for k, (texte, valeur, part, couleur) in enumerate(self.lignes):
            y = 26 + k * self.HAUTEUR
            p.setPen(self.palette().windowText().color())
            titre = metriques.elidedText(
                texte, Qt.TextElideMode.ElideRight, int(largeur_titres) - 6
            )
            p.drawText(
                QRectF(0, y, largeur_titres - 6, self.HAUTEUR - 4),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                titre,
            )
            x = largeur_titres
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(FOND)
            p.drawRoundedRect(QRectF(x, y + 3, zone, self.HAUTEUR - 8), 3, 3)
            longueur = zone * valeur / maximum
            clair = QColor(couleur)
            clair.setAlpha(110 if part is not None else 255)
            p.setBrush(clair)
            p.drawRoundedRect(QRectF(x, y + 3, longueur, self.HAUTEUR - 8), 3, 3)
            if part is not None and valeur:
                p.setBrush(couleur)
                p.drawRoundedRect(QRectF(x, y + 3, zone * part / maximum, self.HAUTEUR - 8), 3, 3)
            p.setPen(self.palette().windowText().color())
            chiffres = f"{valeur:,}".replace(",", " ")
            if part is not None:
                chiffres = f"{part:,} / {chiffres}".replace(",", " ")
            p.drawText(
                QRectF(x + zone + 8, y, largeur_chiffres, self.HAUTEUR - 4),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                chiffres,
            )
        if self.legende:
            p.setPen(GRIS)
            legende = metriques.elidedText(self.legende, Qt.TextElideMode.ElideRight, self.width())
            p.drawText(QRectF(0, self.height() - 18, self.width(), 16), Qt.AlignmentFlag.AlignRight,
                       legende)  # fmt: skip
        p.end()


class ParJour(QWidget):
    """One column per day (oldest on the left), today's in a stronger colour."""

    def __init__(self, titre: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.titre = titre
        self.jours: list[tuple[str, int]] = []
        self.setMinimumHeight(170)
        self.setAccessibleName(titre)

    def poser(self, jours: Sequence[tuple[str, int]]) -> None:
        self.jours = list(jours)
        self.setAccessibleDescription("; ".join(f"{j} : {n}" for j, n in jours if n))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 170)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        gras = QFont(self.font())
        gras.setBold(True)
        p.setFont(gras)
        total = sum(n for _, n in self.jours)
        p.drawText(QRectF(0, 0, self.width(), 22), Qt.AlignmentFlag.AlignLeft,
                   f"{self.titre} — {total} sur {len(self.jours)} jours")  # fmt: skip
        p.setFont(self.font())
        if not self.jours:
            return
        haut, bas = 30.0, self.height() - 20.0
        pas = self.width() / len(self.jours)
        maximum = max(n for _, n in self.jours) or 1
        p.setPen(Qt.PenStyle.NoPen)
        for k, (_, n) in enumerate(self.jours):
            hauteur = (bas - haut) * n / maximum
            p.setBrush(BLEU if k == len(self.jours) - 1 else QColor("#8fb0dd"))
            p.drawRect(QRectF(k * pas + 1, bas - hauteur, max(pas - 2, 1), hauteur))
        p.setPen(self.palette().windowText().color())
        p.drawText(QRectF(0, bas + 2, 120, 16), Qt.AlignmentFlag.AlignLeft, self.jours[0][0])
        p.drawText(
            QRectF(self.width() - 120, bas + 2, 120, 16),
            Qt.AlignmentFlag.AlignRight,
            f"{self.jours[-1][0]} : {self.jours[-1][1]}",
        )
        p.drawText(QRectF(0, haut - 4, self.width() - 4, 16), Qt.AlignmentFlag.AlignRight,
                   f"max {maximum}/jour")  # fmt: skip
        p.end()


class TableauDeBordVue(QWidget):
    """The campaign's dashboard: its deadline, then dossiers, pièces, spécialités,
    gestionnaires and decisions per day."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("tableauDeBord")
        self.echeance = QLabel()
        self.echeance.setObjectName("echeanceCampagne")
        self.echeance.setStyleSheet("font-size: 13pt; font-weight: bold")
        self.etats = Barres("Dossiers par état")
        self.statuts = Barres("Pièces par statut")
        self.specialites = Barres("Dossiers complets par spécialité")
        self.gestionnaires = Barres("À contrôler par gestionnaire (spécialités affectées)")
        self.jours = ParJour("Décisions par jour")
        self.regles = Barres("Écarts avec les règles des pièces exigées (dossiers)")
        self.avertissements = Barres("Avertissements automatiques (fichiers)")
        haut = Qt.AlignmentFlag.AlignTop
        grille = QGridLayout()
        grille.addWidget(self.etats, 0, 0, haut)
        grille.addWidget(self.statuts, 0, 1, haut)
        grille.addWidget(self.specialites, 1, 0, 2, 1, haut)
        grille.addWidget(self.gestionnaires, 1, 1, haut)
        grille.addWidget(self.jours, 2, 1, haut)
        grille.addWidget(self.regles, 3, 0, 1, 2, haut)
        grille.addWidget(self.avertissements, 4, 0, 1, 2, haut)
        disposition = QVBoxLayout(self)
        disposition.addWidget(self.echeance)
        disposition.addLayout(grille)
        disposition.addStretch(1)

    def poser(self, t: TableauDeBord) -> None:
        self.echeance.setText(f"{t.titre} — {t.dossiers} dossiers. {t.echeance}")
        self.etats.poser([(e, n, None, COULEURS_ETATS.get(e, BLEU)) for e, n in t.par_etat])
        self.statuts.poser([(s, n, None, COULEURS_STATUTS.get(s, BLEU)) for s, n in t.par_statut])
        self.specialites.poser(
            [(s.specialite, s.dossiers, s.complets, VERT) for s in t.par_specialite],
            "foncé : complets ; clair : tous les dossiers",
        )
        self.gestionnaires.poser(
            [(g.gestionnaire, g.dossiers, g.a_controler, ORANGE) for g in t.par_gestionnaire
             if g.specialites],
            "foncé : à contrôler ; clair : tous les dossiers de ses spécialités",
        )  # fmt: skip
        self.jours.poser([(j.strftime("%d/%m"), n) for j, n in t.par_jour])
        self.regles.poser([(r, n, None, ORANGE) for r, n in t.par_regle],
                          "avant la clôture, les relances les suivent")  # fmt: skip
        self.regles.setVisible(bool(t.par_regle))
        self.avertissements.poser(
            [(a.genre, a.total, a.non_vus, ORANGE) for a in t.avertissements],
            "foncé : pas encore vus (aucune décision depuis) ; clair : tous",
        )
        self.avertissements.setVisible(bool(t.avertissements))
