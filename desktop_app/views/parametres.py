"""Paramètres > Paramètres…: every setting in one dialog, one tab a subject. The gestionnaire's
name and the reasons' catalogue apply at once; the campaign's size limit judges the concerned
files again; the data folder and the team's database apply at the next start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.causes import cause
from desktop_app.documents.inspection import taille_en_mo
from desktop_app.paths import DataPaths, choisir_dossier, dossier_par_defaut
from desktop_app.preferences import Preferences
from desktop_app.services.espace import normaliser_url
from desktop_app.services.regles import MOTIFS_NON_CONFORMITE
from desktop_app.services.requetes import CampagneResume
from desktop_app.views.fichiers import dossier_choisi

MO = 1024 * 1024
ONGLETS = ("gestionnaire", "motifs", "campagne", "donnees")


def _aide(texte: str) -> QLabel:
    label = QLabel(texte)
    label.setWordWrap(True)
    return label


def _etiquette(texte: str, champ: QWidget) -> QLabel:
    """A row's label leading to its field (beside a layout, QFormLayout shows the « & »)."""
    etiquette = QLabel(texte)
    etiquette.setBuddy(champ)
    return etiquette


def _dossier(champ: QLineEdit, titre: str, parent: QWidget) -> QHBoxLayout:
    def parcourir() -> None:
        chemin = dossier_choisi(parent, "parametres", titre, champ.text())
        if chemin:
            champ.setText(str(chemin))

    ligne = QHBoxLayout()
    bouton = QPushButton("Parcourir…")
    bouton.setAccessibleName(f"Parcourir : {titre}")
    bouton.clicked.connect(parcourir)
    ligne.addWidget(champ)
    ligne.addWidget(bouton)
    return ligne


def lire_motifs(texte: str) -> list[str]:
    """One reason a line, without blank lines, final full stops or repeats."""
    vus: list[str] = []
    for ligne in texte.splitlines():
        ligne = ligne.strip().rstrip(".")
        if ligne and ligne not in vus:
            vus.append(ligne)
    return vus


class ParametresDialog(QDialog):
    def __init__(
        self,
        settings: Preferences,
        paths: DataPaths,
        campagne: CampagneResume | None,
        parent: QWidget | None = None,
        onglet: str = "gestionnaire",
    ) -> None:
        super().__init__(parent)
        self.preferences = settings
        self.paths = paths
        self.campagne = campagne
        self.setObjectName("parametresDialog")
        self.setWindowTitle("Paramètres")
        self.setMinimumWidth(640)
        self.onglets = QTabWidget()
        self.onglets.setAccessibleName("Rubriques des paramètres")

        page = QWidget()
        form = QFormLayout(page)
        self.nom = QLineEdit(settings.gestionnaire)
        self.nom.setObjectName("nomGestionnaire")
        self.nom.setAccessibleName("Nom du gestionnaire")
        form.addRow(_aide("Votre nom est inscrit dans chacune de vos décisions (historique, "
                          "export), jamais dans le journal de l'application."))  # fmt: skip
        form.addRow("&Nom :", self.nom)
        self.onglets.addTab(page, "&Gestionnaire")

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(_aide("Un motif par ligne ; ils se cochent dans le panneau de décision "
                               "et composent le commentaire lu par le candidat."))  # fmt: skip
        self.motifs = QPlainTextEdit("\n".join(settings.motifs or MOTIFS_NON_CONFORMITE))
        self.motifs.setObjectName("motifsTexte")
        self.motifs.setAccessibleName("Motifs de non-conformité, un par ligne")
        layout.addWidget(self.motifs)
        self.onglets.addTab(page, "&Motifs de non-conformité")

        page = QWidget()
        form = QFormLayout(page)
        self.taille = QDoubleSpinBox()
        self.taille.setObjectName("tailleMax")
        self.taille.setAccessibleName("Taille maximale d'un fichier, en mégaoctets")
        self.taille.setDecimals(1)
        self.taille.setRange(0.5, 100.0)
        self.taille.setSingleStep(0.5)
        self.taille.setSuffix(" Mo")
        if campagne is None:
            form.addRow(_aide("Aucune campagne n'est ouverte : importez d'abord un paquet."))
            self.taille.setEnabled(False)
        else:
            self.taille.setValue(campagne.taille_max_octets / MO)
            form.addRow(_aide(
                f"Règles de la campagne « {campagne.titre} », reçues avec son paquet. Si vous "
                "changez la taille maximale, les fichiers déjà importés qu'elle concerne sont "
                "jugés à nouveau ; les statuts déjà décidés restent. Un prochain paquet peut "
                "fixer une autre limite : ses fichiers et les précédents sont alors jugés "
                "selon celle-ci."
            ))  # fmt: skip
            form.addRow("&Taille maximale d'un fichier :", self.taille)
            formats = ", ".join(f.upper() for f in campagne.formats)
            form.addRow("Formats acceptés :", QLabel(formats))
        self.onglets.addTab(page, "&Campagne")

        page = QWidget()
        form = QFormLayout(page)
        form.addRow(_aide(
            "Seul, laissez vides la base et le dossier des fichiers : tout est rangé dans le "
            "dossier des données de votre poste. En équipe, indiquez la base PostgreSQL commune "
            "(par exemple <tt>postgresql://gestion@serveur/examens</tt>) et le dossier partagé "
            "des fichiers des candidats ; une base SQLite ne se met pas sur un partage réseau. "
            "Ces réglages s'appliquent au prochain démarrage."
        ))  # fmt: skip
        self.dossier_donnees = QLineEdit(str(paths.root))
        self.dossier_donnees.setObjectName("dossierDonnees")
        self.dossier_donnees.setAccessibleName("Dossier des données")
        form.addRow(_etiquette("Dossier des &données :", self.dossier_donnees),
                    _dossier(self.dossier_donnees, "Dossier des données", self))  # fmt: skip
        self.url = QLineEdit(settings.database_url)
        self.url.setObjectName("adresseBase")
        self.url.setAccessibleName("Base PostgreSQL de l'équipe")
        self.url.setPlaceholderText("vide : base locale")
        form.addRow("&Base PostgreSQL :", self.url)
        self.dossier_fichiers = QLineEdit(settings.dossier_fichiers)
        self.dossier_fichiers.setObjectName("dossierFichiers")
        self.dossier_fichiers.setAccessibleName("Dossier des fichiers des candidats")
        self.dossier_fichiers.setPlaceholderText("vide : le dossier des données")
        form.addRow(_etiquette("Dossier des &fichiers :", self.dossier_fichiers), _dossier(
            self.dossier_fichiers, "Dossier des fichiers des candidats", self))  # fmt: skip
        self.onglets.addTab(page, "&Données")

        self.onglets.setCurrentIndex(ONGLETS.index(onglet))
        boutons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        boutons.accepted.connect(self._enregistrer)
        boutons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.onglets)
        layout.addWidget(boutons)

    def taille_demandee(self) -> int | None:
        """The new size limit in bytes, if the gestionnaire changed it."""
        if self.campagne is None:
            return None
        octets = round(self.taille.value() * MO)
        return None if taille_en_mo(octets) == taille_en_mo(self.campagne.taille_max_octets) \
            else octets  # fmt: skip

    def _refuser(self, onglet: str, titre: str, message: str, champ: QWidget) -> None:
        self.onglets.setCurrentIndex(ONGLETS.index(onglet))
        champ.setFocus()
        QMessageBox.warning(self, titre, message)

    def _enregistrer(self) -> None:
        url = self.url.text().strip()
        if url and not normaliser_url(url).startswith("postgresql+psycopg://"):
            self._refuser("donnees", "Adresse non prise en charge",
                          "Indiquez une base PostgreSQL (postgresql://utilisateur@serveur/base) "
                          "ou laissez vide pour la base locale.", self.url)  # fmt: skip
            return
        if url and not self.dossier_fichiers.text().strip():
            self._refuser("donnees", "Dossier des fichiers",
                          "En mode équipe, indiquez le dossier partagé des fichiers des "
                          "candidats.", self.dossier_fichiers)  # fmt: skip
            return
        texte = self.dossier_donnees.text().strip()
        donnees = Path(texte).expanduser() if texte else dossier_par_defaut()
        if not donnees.is_absolute():
            self._refuser("donnees", "Dossier des données",
                          "Indiquez le chemin complet du dossier des données.",
                          self.dossier_donnees)  # fmt: skip
            return
        settings = self.preferences
        settings.gestionnaire = self.nom.text().strip()
        settings.motifs = lire_motifs(self.motifs.toPlainText())
        settings.database_url = url
        settings.dossier_fichiers = self.dossier_fichiers.text().strip()
        try:
            settings.save(self.paths.preferences)
            if donnees.resolve() != self.paths.root.resolve():
                choisir_dossier(None if donnees == dossier_par_defaut() else donnees)
                autres = donnees / self.paths.preferences.name
                if not autres.exists():  # the new folder starts with the same settings
                    settings.save(autres)
        except OSError as exc:
            message = f"Impossible d'écrire les paramètres : {cause(exc)}"
            QMessageBox.warning(self, "Paramètres non enregistrés", message)
            return
        self.accept()
