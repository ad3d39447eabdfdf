"""The read phase of an import: every CSV row of the package understood, or refused with its
reason in the report. Nothing is written."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from desktop_app.documents.inspection import FORMATS_DEFAUT, TAILLE_MAX_DEFAUT
from desktop_app.documents.paquet import (
    Paquet,
    PaquetInutilisable,
    normaliser_chemin,
)
from desktop_app.models import (
    Modalite,
    Statut,
)
from desktop_app.services import colonnes
from desktop_app.services.dates import DateInvalide, parse_date, parse_datetime
from desktop_app.services.importer.rapport import FORMAT_PAQUET, RapportImport
from desktop_app.services.tabular import Ligne, TableauIllisible, cle, read_table

# What names files and folders (an examen, a session, a pièce's code): never a separator or ".."
IDENTIFIANT = re.compile(r"(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


@dataclass(frozen=True)
class CatalogueLu:
    code: str
    libelle: str
    regroupement: str
    modalite: Modalite
    debut: dt.datetime | None
    fin: dt.datetime | None


@dataclass(frozen=True)
class CampagneLue:
    examen: str
    libelle: str
    session: str
    academie: str
    cloture: dt.datetime | None
    taille_max_octets: int
    formats: tuple[str, ...]
    extra: dict[str, Any]
    catalogue: tuple[CatalogueLu, ...]

    @property
    def titre(self) -> str:
        return f"{self.libelle or self.examen} {self.session} — académie de {self.academie}"


Cle = tuple[str, str]  # (n_candidat, n_inscription)


@dataclass(frozen=True)
class CandidatureLue:
    ligne: int
    candidat: dict[str, Any]
    candidature: dict[str, Any]


@dataclass(frozen=True)
class FichierLu:
    chemin: str
    date_depot: dt.datetime | None


@dataclass
class PieceLue:
    ligne: int
    cle: Cle
    code: str
    statut: Statut | None = None
    date_reception: dt.date | None = None
    commentaire: str = ""
    date_validation: dt.datetime | None = None
    gestionnaire: str = ""
    horodatage: dt.datetime | None = None
    fichiers: list[FichierLu] = field(default_factory=list)

    @property
    def porte_une_decision(self) -> bool:
        return self.statut is not None or bool(self.commentaire) or self.date_reception is not None


_STATUTS = {
    "recue": Statut.RECUE,
    "recu": Statut.RECUE,
    "nonconforme": Statut.NON_CONFORME,
    "conforme": Statut.CONFORME,
    "enattentedunenouvellepj": Statut.EN_ATTENTE_NOUVELLE_PJ,
    "enattentenouvellepj": Statut.EN_ATTENTE_NOUVELLE_PJ,
    "enattentedunenouvellepiece": Statut.EN_ATTENTE_NOUVELLE_PJ,
    "enattentedunenouvellepiecejustificative": Statut.EN_ATTENTE_NOUVELLE_PJ,
    "enattentedecontrole": Statut.EN_ATTENTE_CONTROLE,
    "enattentecontrole": Statut.EN_ATTENTE_CONTROLE,
    **{cle(s.name): s for s in Statut},
}
_AUCUN = {"", "aucun", "aucunstatut", "sansstatut", "none"}


def parse_statut(text: str) -> Statut | None:
    key = cle(text)
    if key in _AUCUN:
        return None
    try:
        return _STATUTS[key]
    except KeyError:
        raise ValueError(f"statut « {text} » inconnu") from None


_MODALITES = {
    "enligne": Modalite.EN_LIGNE,
    "deposerenligne": Modalite.EN_LIGNE,
    "online": Modalite.EN_LIGNE,
    "postal": Modalite.POSTAL,
    "postale": Modalite.POSTAL,
    "voiepostale": Modalite.POSTAL,
    "courrier": Modalite.POSTAL,
    "autre": Modalite.AUTRE,
}

_OUI = {"oui", "o", "1", "true", "vrai", "yes", "y"}
_NON = {"non", "n", "0", "false", "faux", "no"}


def _booleen(text: str) -> bool | None:
    key = cle(text)
    if key in _OUI:
        return True
    if key in _NON:
        return False
    return None


def _numero(text: str, chiffres: int, libelle: str) -> tuple[str, str | None]:
    """The number with its leading zeros restored, and a warning if they were lost."""
    value = re.sub(r"\s", "", text)
    if re.fullmatch(r"\d+\.0+", value):  # a spreadsheet wrote it as a decimal number
        value = value.split(".")[0]
    if not value:
        raise ValueError(f"{libelle} manquant")
    if not value.isdigit() or len(value) > chiffres:
        raise ValueError(f"{libelle} « {text} » invalide ({chiffres} chiffres attendus)")
    if len(value) < chiffres:
        padded = value.zfill(chiffres)
        return padded, f"{libelle} « {text} » complété en {padded} (zéros initiaux perdus)"
    return value, None


def _texte(data: bytes, nom: str) -> dict[str, Any]:
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PaquetInutilisable(f"{nom} : JSON illisible ({exc})") from None
    except RecursionError:  # thousands of nested brackets: built to hurt, not to describe
        raise PaquetInutilisable(f"{nom} : JSON imbriqué à l'excès, refusé") from None
    if not isinstance(raw, dict):
        raise PaquetInutilisable(f"{nom} : un objet JSON est attendu")
    return raw


def lire_campagne(data: bytes, rapport: RapportImport) -> CampagneLue:
    nom = "campagne.json"
    raw = _texte(data, nom)
    fmt = str(raw.get("format", FORMAT_PAQUET))
    if not fmt.startswith("dossiers-pj/"):
        raise PaquetInutilisable(f"{nom} : format « {fmt} » inconnu ({FORMAT_PAQUET} attendu)")
    if fmt != FORMAT_PAQUET:
        rapport.avertissement(nom, None, f"format « {fmt} » : lu comme {FORMAT_PAQUET}")
    manquants = [k for k in ("examen", "session", "academie") if not str(raw.get(k, "")).strip()]
    if manquants:
        raise PaquetInutilisable(
            f"{nom} : champ(s) obligatoire(s) absent(s) : {', '.join(manquants)}"
        )
    for champ in ("examen", "session"):  # they name files and folders the application writes
        if not IDENTIFIANT.fullmatch(str(raw[champ]).strip()):
            raise PaquetInutilisable(
                f"{nom} : « {champ} » ne peut contenir que des lettres, des chiffres, « - », « _ » "
                f"ou « . » (lu : « {str(raw[champ]).strip()[:60]} »)"
            )

    def date(key: str, where: str, value: Any) -> dt.datetime | None:
        if value in (None, ""):
            return None
        try:
            return parse_datetime(str(value))
        except DateInvalide as exc:
            rapport.avertissement(nom, None, f"{where} « {key} » : {exc} (ignorée)")
            return None

    try:
        taille = int(raw.get("taille_max_octets") or TAILLE_MAX_DEFAUT)
    except (TypeError, ValueError):
        raise PaquetInutilisable(
            f"{nom} : taille_max_octets doit être un nombre d'octets"
        ) from None
    formats_raw = raw.get("formats") or list(FORMATS_DEFAUT)
    formats = tuple("jpeg" if cle(str(f)) in ("jpg", "jpeg") else cle(str(f)) for f in formats_raw)
    catalogue: list[CatalogueLu] = []
    vus: set[str] = set()
    for i, item in enumerate(raw.get("pieces") or [], start=1):
        where = f"pièce n° {i} du catalogue"
        if not isinstance(item, dict) or not str(item.get("code", "")).strip():
            rapport.erreur(nom, None, f"{where} : code absent (pièce ignorée)")
            continue
        code = str(item["code"]).strip()
        if not IDENTIFIANT.fullmatch(code):
            rapport.erreur(nom, None, f"{where} : code « {code[:60]} » refusé : lettres, chiffres, "
                           "« - », « _ » ou « . » seulement (pièce ignorée)")  # fmt: skip
            continue
        if code in vus:
            rapport.avertissement(nom, None, f"{where} : code {code} en double (ignoré)")
            continue
        vus.add(code)
        modalite_txt = str(item.get("modalite", "en_ligne"))
        modalite = _MODALITES.get(cle(modalite_txt))
        if modalite is None:
            rapport.avertissement(
                nom, None, f"{code} : modalité « {modalite_txt} » lue comme « autre »"
            )
            modalite = Modalite.AUTRE
        catalogue.append(
            CatalogueLu(
                code=code,
                libelle=str(item.get("libelle", "")).strip() or code,
                regroupement=str(item.get("regroupement", "")).strip(),
                modalite=modalite,
                debut=date("debut", code, item.get("debut")),
                fin=date("fin", code, item.get("fin")),
            )
        )
    known = {
        "format",
        "examen",
        "libelle",
        "session",
        "academie",
        "cloture",
        "taille_max_octets",
        "formats",
        "pieces",
    }
    return CampagneLue(
        examen=str(raw["examen"]).strip(),
        libelle=str(raw.get("libelle", "")).strip(),
        session=str(raw["session"]).strip(),
        academie=str(raw["academie"]).strip(),
        cloture=date("cloture", "campagne", raw.get("cloture")),
        taille_max_octets=taille,
        formats=formats,
        extra={k: v for k, v in raw.items() if k not in known},
        catalogue=tuple(catalogue),
    )


CANDIDAT_TEXTES = [
    "civilite",
    "nom_naissance",
    "nom_usage",
    "prenoms",
    "commune_naissance",
    "departement_naissance",
    "pays_naissance",
    "nationalite",
    "adresse",
    "email",
    "telephone",
    "ine",
]
CANDIDATURE_TEXTES = [
    "specialite",
    "code_specialite",
    "categorie",
    "etablissement",
    "uai",
    "forme_passage",
    "eps",
    "acquis",
    "etat",
]
_CIVILITES = {
    "f": "MADAME",
    "mme": "MADAME",
    "madame": "MADAME",
    "m": "MONSIEUR",
    "mr": "MONSIEUR",
    "monsieur": "MONSIEUR",
    "h": "MONSIEUR",
}


def _cle_ligne(ligne: Ligne, nom: str, rapport: RapportImport) -> Cle:
    n_candidat, warn1 = _numero(ligne.valeurs.get("n_candidat", ""), 11, "N° candidat")
    n_inscription, warn2 = _numero(ligne.valeurs.get("n_inscription", ""), 3, "N° inscription")
    for warn in (warn1, warn2):
        if warn:
            rapport.avertissement(nom, ligne.numero, warn)
    return n_candidat, n_inscription


def lire_candidatures(
    lignes: tuple[Ligne, ...], colonnes_lues: tuple[str, ...], rapport: RapportImport
) -> dict[Cle, CandidatureLue]:
    nom = "candidatures.csv"
    lues: dict[Cle, CandidatureLue] = {}
    identites: dict[str, tuple[int, tuple[str, ...]]] = {}  # N° candidat -> (ligne, identité)
    for ligne in lignes:
        v = ligne.valeurs
        try:
            key = _cle_ligne(ligne, nom, rapport)
            for champ, libelle in (("nom_naissance", "nom de naissance"), ("prenoms", "prénoms")):
                if not v.get(champ):
                    raise ValueError(f"{libelle} manquant")
            naissance = parse_date(v.get("date_naissance", ""))
            if naissance is None:
                raise ValueError("date de naissance manquante")
            if key in lues:
                raise ValueError(
                    f"candidature {key[0]}/{key[1]} déjà présente ligne {lues[key].ligne}"
                )
            identite = (cle(v["nom_naissance"]), cle(v["prenoms"]), naissance.isoformat())
            connue = identites.setdefault(key[0], (ligne.numero, identite))
            if connue[1] != identite:  # one candidate, one identity: never one dropped
                raise ValueError(
                    f"N° candidat {key[0]} déjà lu ligne {connue[0]} avec une autre identité "
                    f"(nom, prénoms ou date de naissance différents)"
                )
            version = int(v["version"]) if v.get("version") else None
        except (ValueError, DateInvalide) as exc:
            rapport.erreur(nom, ligne.numero, f"{exc} : ligne ignorée")
            rapport.lignes_refusees += 1
            continue
        candidat: dict[str, Any] = {c: v[c] for c in CANDIDAT_TEXTES if c in colonnes_lues}
        candidat["date_naissance"] = naissance
        if "civilite" in candidat:
            candidat["civilite"] = _CIVILITES.get(cle(candidat["civilite"]), candidat["civilite"])
        candidature: dict[str, Any] = {c: v[c] for c in CANDIDATURE_TEXTES if c in colonnes_lues}
        for champ in ("handicap", "vae"):
            if champ in colonnes_lues:
                candidature[champ] = _booleen(v[champ])
                if v[champ] and candidature[champ] is None:
                    rapport.avertissement(
                        nom, ligne.numero, f"{champ} « {v[champ]} » : ni Oui ni Non"
                    )
        if "version" in colonnes_lues:
            candidature["version"] = version
        lues[key] = CandidatureLue(ligne.numero, candidat, candidature)
    return lues


def lire_pieces(
    lignes: tuple[Ligne, ...],
    codes: set[str],
    connues: set[Cle],
    rapport: RapportImport,
) -> dict[tuple[Cle, str], PieceLue]:
    """Rows grouped by pièce (several rows for one pièce: one per file)."""
    nom = "pieces.csv"
    pieces: dict[tuple[Cle, str], PieceLue] = {}
    for ligne in lignes:
        v = ligne.valeurs
        try:
            key = _cle_ligne(ligne, nom, rapport)
            code = v.get("code_piece", "").strip()
            if code not in codes:
                raise ValueError(f"code de pièce « {code} » absent du catalogue de campagne.json")
            if key not in connues:
                raise ValueError(f"candidature {key[0]}/{key[1]} inconnue")
            statut = parse_statut(v.get("statut", ""))
            date_reception = parse_date(v.get("date_reception", ""))
            date_depot = parse_datetime(v.get("date_depot", ""))
            date_validation = parse_datetime(v.get("date_validation", ""))
            horodatage = parse_datetime(v.get("horodatage", ""))
            chemin = normaliser_chemin(v["fichier"]) if v.get("fichier") else None
        except (ValueError, DateInvalide) as exc:
            rapport.erreur(nom, ligne.numero, f"{exc} : ligne ignorée")
            rapport.lignes_refusees += 1
            continue
        piece = pieces.get((key, code))
        if piece is None:
            piece = pieces[(key, code)] = PieceLue(
                ligne.numero,
                key,
                code,
                statut,
                date_reception,
                v.get("commentaire", ""),
                date_validation,
                v.get("gestionnaire", ""),
                horodatage,
            )
        elif (statut, v.get("commentaire", "")) != (piece.statut, piece.commentaire):
            rapport.avertissement(
                nom,
                ligne.numero,
                f"statut ou commentaire différent de la ligne {piece.ligne} pour la même pièce : "
                "celui de la première ligne est gardé",
            )
        if date_validation and (
            piece.date_validation is None or date_validation > piece.date_validation
        ):
            piece.date_validation = date_validation
        if chemin:
            piece.fichiers.append(FichierLu(chemin, date_depot))
    return pieces


@dataclass(frozen=True)
class PaquetLu:
    campagne: CampagneLue
    candidatures: dict[Cle, CandidatureLue]
    pieces: dict[tuple[Cle, str], PieceLue]


def lire_paquet(paquet: Paquet, rapport: RapportImport) -> PaquetLu:
    data = paquet.lire_texte("campagne.json")
    if data is None:
        raise PaquetInutilisable(f"{paquet.nom} : campagne.json introuvable")
    campagne = lire_campagne(data, rapport)
    rapport.campagne = campagne.titre
    tables = {}
    for nom, alias, requises in (
        ("candidatures.csv", colonnes.CANDIDATURES, colonnes.CANDIDATURES_REQUISES),
        ("pieces.csv", colonnes.PIECES, colonnes.PIECES_REQUISES),
    ):
        raw = paquet.lire_texte(nom)
        if raw is None:
            raise PaquetInutilisable(f"{paquet.nom} : {nom} introuvable")
        try:
            tables[nom] = read_table(raw, nom, alias, requises)
        except TableauIllisible as exc:
            message = str(exc) if str(exc).startswith(nom) else f"{nom} : {exc}"
            raise PaquetInutilisable(message) from None
        for inconnue in tables[nom].inconnues:
            rapport.avertissement(nom, 1, f"colonne « {inconnue} » non reconnue (ignorée)")
    cand_table = tables["candidatures.csv"]
    candidatures = lire_candidatures(cand_table.lignes, cand_table.colonnes, rapport)
    pieces = lire_pieces(
        tables["pieces.csv"].lignes,
        {c.code for c in campagne.catalogue},
        set(candidatures),
        rapport,
    )
    return PaquetLu(campagne, candidatures, pieces)
