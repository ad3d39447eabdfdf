"""Import of a dossier package (EXCHANGE_FORMAT.md): generous in what it accepts, strict and
clear about what it refuses, idempotent, and never losing a local decision.

Two phases. Reading understands every row and collects one French message per refused row
(``fichier:ligne: raison``); nothing is written. Writing runs in one transaction: a cancelled or
failed import leaves the database as it was (files already put in the content store are harmless:
they are only referenced once the transaction commits)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from desktop_app.documents.inspection import FORMATS_DEFAUT, TAILLE_MAX_DEFAUT, taille_limite
from desktop_app.documents.paquet import (
    CheminRefuse,
    Paquet,
    PaquetInutilisable,
    normaliser_chemin,
    ouvrir_paquet,
)
from desktop_app.documents.store import ContentStore
from desktop_app.documents.worker import Acquis, Acquisition, Atelier
from desktop_app.models import (
    Campagne,
    Candidat,
    Candidature,
    Decision,
    Depot,
    ImportPaquet,
    Modalite,
    Piece,
    PieceCatalogue,
    SourceDecision,
    Statut,
)
from desktop_app.models.database import Database
from desktop_app.services import colonnes
from desktop_app.services.audit import chainer
from desktop_app.services.dates import DateInvalide, now_utc, parse_date, parse_datetime
from desktop_app.services.progression import Progression, TacheAnnulee
from desktop_app.services.reglages import juger_a_nouveau
from desktop_app.services.tabular import Ligne, TableauIllisible, cle, read_table

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

    def as_json(self) -> dict[str, Any]:
        return {
            "resume": self.resume(),
            "messages": [str(m) for m in self.messages],
            "conflits": [str(c) for c in self.conflits],
        }


# -- reading -----------------------------------------------------------------------------------
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


_CANDIDAT_TEXTES = [
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
_CANDIDATURE_TEXTES = [
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
            version = int(v["version"]) if v.get("version") else None
        except (ValueError, DateInvalide) as exc:
            rapport.erreur(nom, ligne.numero, f"{exc} : ligne ignorée")
            rapport.lignes_refusees += 1
            continue
        candidat: dict[str, Any] = {c: v[c] for c in _CANDIDAT_TEXTES if c in colonnes_lues}
        candidat["date_naissance"] = naissance
        if "civilite" in candidat:
            candidat["civilite"] = _CIVILITES.get(cle(candidat["civilite"]), candidat["civilite"])
        candidature: dict[str, Any] = {c: v[c] for c in _CANDIDATURE_TEXTES if c in colonnes_lues}
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


# -- writing -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class FichierInspecte:
    cle: str  # sha256, or 'absent:<path>' when there were no bytes to hash
    sha256: str | None
    taille: int | None
    format: str | None
    recevable: bool
    motif: str


class _Ecrivain:
    """The write phase of one import, inside one transaction."""

    def __init__(
        self,
        session: Session,
        store: ContentStore,
        paquet: Paquet,
        lu: PaquetLu,
        rapport: RapportImport,
        progression: Progression | None,
        atelier: Atelier,
        source: Path,
    ) -> None:
        self.s = session
        self.atelier = atelier
        self.source = source
        self.store = store
        self.paquet = paquet
        self.lu = lu
        self.rapport = rapport
        self.progression = progression
        self.now = now_utc()
        self.fichiers: dict[str, FichierInspecte] = {}
        self.chemins = list(dict.fromkeys(f.chemin for p in lu.pieces.values() for f in p.fichiers))
        self.total = len(lu.candidatures) + len(self.chemins) + len(lu.pieces)
        self.fait = 0

    def avancer(self, n: int, etape: str) -> None:
        self.fait += n
        if self.progression:
            self.progression(self.fait, self.total, etape)

    # campaign and catalogue
    def campagne(self) -> tuple[int, dict[str, int]]:
        c = self.lu.campagne
        campagne = self.s.scalars(
            select(Campagne).filter_by(examen=c.examen, session=c.session, academie=c.academie)
        ).one_or_none()
        values = {
            "libelle": c.libelle,
            "cloture": c.cloture,
            "taille_max_octets": c.taille_max_octets,
            "formats": list(c.formats),
            "extra": c.extra,
        }
        if campagne is None:
            campagne = Campagne(examen=c.examen, session=c.session, academie=c.academie, **values)
            self.s.add(campagne)
        else:
            for key, value in values.items():
                if getattr(campagne, key) != value:
                    setattr(campagne, key, value)
        existing = {p.code: p for p in campagne.catalogue}
        for item in c.catalogue:
            fields = {
                "libelle": item.libelle,
                "regroupement": item.regroupement,
                "modalite": item.modalite,
                "debut": item.debut,
                "fin": item.fin,
            }
            entry = existing.get(item.code)
            if entry is None:
                entry = existing[item.code] = PieceCatalogue(code=item.code, **fields)
                campagne.catalogue.append(entry)
            else:
                for key, value in fields.items():
                    if getattr(entry, key) != value:
                        setattr(entry, key, value)
        self.s.flush()
        return campagne.id, {code: entry.id for code, entry in existing.items()}

    # candidats and candidatures
    def candidatures(self, campagne_id: int) -> dict[Cle, int]:
        lu = self.lu.candidatures
        numeros = {key[0] for key in lu}
        cols = [
            Candidat.id,
            Candidat.n_candidat,
            *(getattr(Candidat, c) for c in [*_CANDIDAT_TEXTES, "date_naissance"]),
        ]
        candidats: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(numeros)):
            for row in self.s.execute(select(*cols).where(Candidat.n_candidat.in_(chunk))):
                candidats[row.n_candidat] = row._asdict()
        nouveaux: dict[str, dict[str, Any]] = {}
        modifies: set[str] = set()
        for (n_candidat, _), item in lu.items():
            current = candidats.get(n_candidat)
            if current is None:
                nouveaux.setdefault(n_candidat, {"n_candidat": n_candidat, **item.candidat})
                continue
            diff = {k: v for k, v in item.candidat.items() if current[k] != v}
            if diff:  # rare: one statement each keeps the changed columns exact
                self.s.execute(update(Candidat).where(Candidat.id == current["id"]).values(diff))
                current.update(diff)
                modifies.add(n_candidat)
        if nouveaux:
            self._inserer(Candidat, list(nouveaux.values()))
            for chunk in _chunks(sorted(nouveaux)):
                for row in self.s.execute(
                    select(Candidat.id, Candidat.n_candidat).where(Candidat.n_candidat.in_(chunk))
                ):
                    candidats[row.n_candidat] = {"id": row.id}

        cand_cols = [
            Candidature.id,
            Candidature.candidat_id,
            Candidature.n_inscription,
            *(
                getattr(Candidature, c)
                for c in [*_CANDIDATURE_TEXTES, "handicap", "vae", "version"]
            ),
        ]
        existantes = {
            (row.candidat_id, row.n_inscription): row._asdict()
            for row in self.s.execute(
                select(*cand_cols).where(Candidature.campagne_id == campagne_id)
            )
        }
        ids: dict[Cle, int] = {}
        a_creer: list[tuple[Cle, dict[str, Any]]] = []
        for key, item in lu.items():
            candidat_id = candidats[key[0]]["id"]
            current = existantes.get((candidat_id, key[1]))
            if current is None:
                a_creer.append(
                    (
                        key,
                        {
                            "campagne_id": campagne_id,
                            "candidat_id": candidat_id,
                            "n_inscription": key[1],
                            **item.candidature,
                        },
                    )
                )
                continue
            ids[key] = current["id"]
            diff = {k: v for k, v in item.candidature.items() if current[k] != v}
            if diff:
                self.s.execute(
                    update(Candidature).where(Candidature.id == current["id"]).values(diff)
                )
            if diff or key[0] in modifies:
                self.rapport.candidatures_modifiees += 1
        if a_creer:
            self._inserer(Candidature, [values for _, values in a_creer])
            created = {
                (row.candidat_id, row.n_inscription): row.id
                for row in self.s.execute(
                    select(
                        Candidature.id, Candidature.candidat_id, Candidature.n_inscription
                    ).where(Candidature.campagne_id == campagne_id)
                )
            }
            for key, values in a_creer:
                ids[key] = created[(values["candidat_id"], key[1])]
            self.rapport.candidatures_creees += len(a_creer)
        self.avancer(len(lu), "Candidatures")
        return ids

    # files
    @property
    def plafond(self) -> int:
        """Files larger than this are not even kept (a refused deposit all the same)."""
        return max(4 * self.lu.campagne.taille_max_octets, 32 * 1024 * 1024)

    def soumettre_fichiers(self) -> None:
        """Hand every file of the package to the workers: each reads, hashes, stores and
        inspects its share, on its own core, while this process writes the database."""
        c = self.lu.campagne
        for chemin in self.chemins:
            self.atelier.soumettre_requete(
                Acquisition(
                    chemin,
                    str(self.source),
                    chemin,
                    self.plafond,
                    str(self.store.root),
                    c.taille_max_octets,
                    c.formats,
                )
            )

    def recevoir_fichiers(self) -> None:
        for chemin, acquis in self.atelier.resultats():
            self.fichiers[chemin] = _fichier_inspecte(chemin, acquis)
            self.avancer(1, "Fichiers déposés")

    # pièces, deposits, statuses
    def pieces(
        self, campagne_id: int, catalogue: dict[str, int], candidatures: dict[Cle, int]
    ) -> None:
        lu = self.lu.pieces
        existing = self._pieces_existantes(campagne_id)
        a_creer = [
            (
                key,
                {
                    "candidature_id": candidatures[key[0]],
                    "catalogue_id": catalogue[key[1]],
                    "date_validation": p.date_validation,
                },
            )
            for key, p in lu.items()
            if (candidatures[key[0]], catalogue[key[1]]) not in existing
        ]
        if a_creer:
            self._inserer(Piece, [values for _, values in a_creer])
            created = self._pieces_existantes(campagne_id)
            for _, values in a_creer:
                key = (values["candidature_id"], values["catalogue_id"])
                existing[key] = created[key]
            self.rapport.pieces_creees += len(a_creer)
        piece_ids = [existing[(candidatures[k[0]], catalogue[k[1]])]["id"] for k in lu]
        depots = self._depots_existants(piece_ids)
        derniere_source = self._dernieres_sources(piece_ids)

        nouveaux_depots: list[dict[str, Any]] = []
        decisions: list[dict[str, Any]] = []
        mises_a_jour: list[dict[str, Any]] = []
        for n, (key, p) in enumerate(lu.items(), start=1):
            piece = existing[(candidatures[key[0]], catalogue[key[1]])]
            nouveau_tour = self._depots(
                piece["id"], p, depots.get(piece["id"], []), nouveaux_depots
            )
            cible = self._statut(piece, p, nouveau_tour, derniere_source.get(piece["id"]))
            update_values: dict[str, Any] = {}
            if cible is not None:
                statut, commentaire, date_reception, motif = cible
                decisions.append(
                    {
                        "piece_id": piece["id"],
                        "gestionnaire": p.gestionnaire or f"Import {self.paquet.nom}",
                        "horodatage": p.horodatage or self.now,
                        "ancien_statut": piece["statut"],
                        "nouveau_statut": statut,
                        "commentaire": commentaire or motif,
                        "date_reception": date_reception,
                        "source": SourceDecision.IMPORT,
                    }
                )
                update_values.update(
                    statut=statut, commentaire=commentaire, date_reception=date_reception
                )
                self.rapport.statuts_appliques += 1
            if p.date_validation and p.date_validation != piece["date_validation"]:
                update_values["date_validation"] = p.date_validation
            if update_values:  # every column bound: unchanged ones keep their current value
                current = {k: piece[k] for k in _COLONNES_MAJ}
                mises_a_jour.append(
                    {
                        f"b_{k}": v
                        for k, v in {**current, **update_values, "id": piece["id"]}.items()
                    }
                )
            if n % 200 == 0:
                self.avancer(200, "Pièces")
        self.avancer(len(lu) % 200, "Pièces")
        if nouveaux_depots:
            self._inserer(Depot, nouveaux_depots)
        if mises_a_jour:
            t = Piece.__table__
            self.s.connection().execute(
                update(t)
                .where(t.c.id == bindparam("b_id"))
                .values(
                    statut=bindparam("b_statut"),
                    commentaire=bindparam("b_commentaire"),
                    date_reception=bindparam("b_date_reception"),
                    date_validation=bindparam("b_date_validation"),
                    version_id=t.c.version_id + 1,
                ),
                mises_a_jour,
            )
        if decisions:
            entrees = [{**d, "import_id": self.import_id} for d in decisions]
            chainer(self.s, entrees)
            self._inserer(Decision, entrees)

    def _pieces_existantes(self, campagne_id: int) -> dict[tuple[int, int], dict[str, Any]]:
        return {
            (row.candidature_id, row.catalogue_id): row._asdict()
            for row in self.s.execute(
                select(
                    Piece.id,
                    Piece.candidature_id,
                    Piece.catalogue_id,
                    Piece.statut,
                    Piece.commentaire,
                    Piece.date_reception,
                    Piece.date_validation,
                )
                .join(Candidature)
                .where(Candidature.campagne_id == campagne_id)
            )
        }

    def _inserer(self, model: type[Any], rows: list[dict[str, Any]]) -> None:
        """Plain executemany: ids are read back by natural key (RETURNING on bulk inserts
        grows super-linearly with the row count)."""
        for chunk in _chunks(rows, 5000):
            self.s.connection().execute(model.__table__.insert(), chunk)

    def _depots_existants(self, piece_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        result: dict[int, list[tuple[int, str]]] = {}
        for chunk in _chunks(piece_ids):
            for row in self.s.execute(
                select(Depot.piece_id, Depot.tour, Depot.sha256, Depot.chemin_paquet)
                .where(Depot.piece_id.in_(chunk))
                .order_by(Depot.id)
            ):
                result.setdefault(row.piece_id, []).append(
                    (row.tour, row.sha256 or f"absent:{row.chemin_paquet}")
                )
        return result

    def _dernieres_sources(self, piece_ids: list[int]) -> dict[int, SourceDecision]:
        result: dict[int, SourceDecision] = {}
        for chunk in _chunks(piece_ids):
            last = (
                select(func.max(Decision.id))
                .where(Decision.piece_id.in_(chunk))
                .group_by(Decision.piece_id)
            )
            for row in self.s.execute(
                select(Decision.piece_id, Decision.source).where(Decision.id.in_(last))
            ):
                result[row.piece_id] = row.source
        return result

    def _depots(
        self,
        piece_id: int,
        p: PieceLue,
        anciens: list[tuple[int, str]],
        nouveaux: list[dict[str, Any]],
    ) -> bool:
        """Add the package's files as a new round when they differ from the current one.
        Returns True when a new round starts (a re-deposit), False otherwise."""
        if not p.fichiers:
            return False
        inspectes = [(f, self.fichiers[f.chemin]) for f in p.fichiers]
        cles = {i.cle for _, i in inspectes}
        tour = max((t for t, _ in anciens), default=0)
        if cles == {c for t, c in anciens if t == tour}:
            return False
        if anciens and cles <= {c for _, c in anciens}:
            self.rapport.avertissement(
                "pieces.csv",
                p.ligne,
                f"{p.code} : fichiers d'un dépôt antérieur déjà importé (ignorés)",
            )
            return False
        for fichier, inspecte in inspectes:
            nouveaux.append(
                {
                    "piece_id": piece_id,
                    "tour": tour + 1,
                    "nom_original": PurePosixPath(fichier.chemin).name,
                    "chemin_paquet": fichier.chemin,
                    "sha256": inspecte.sha256,
                    "taille": inspecte.taille,
                    "format": inspecte.format,
                    "date_depot": fichier.date_depot,
                    "recevable": inspecte.recevable,
                    "motif": inspecte.motif,
                    "importe_le": self.now,
                }
            )
            self.rapport.depots_ajoutes += 1
            self.rapport.depots_non_recevables += not inspecte.recevable
        if tour:
            self.rapport.nouveaux_tours += 1
        return tour > 0

    def _statut(
        self, piece: dict[str, Any], p: PieceLue, nouveau_tour: bool, source: SourceDecision | None
    ) -> tuple[Statut | None, str, dt.date | None, str] | None:
        """The (statut, commentaire, date de réception, motif) to apply, or None."""
        current = (piece["statut"], piece["commentaire"], piece["date_reception"])
        target = (p.statut, p.commentaire, p.date_reception)
        locale = source == SourceDecision.LOCALE
        if nouveau_tour:
            if piece["statut"] == Statut.CONFORME and locale:
                self._conflit(
                    p, piece["statut"], "nouveau fichier déposé sur une pièce déjà conforme"
                )
                return None
            if target != current:
                return (*target, "Nouveau dépôt du candidat")
            return None
        if not p.porte_une_decision or target == current:
            return None
        if locale:
            self._conflit(p, piece["statut"], "décision locale prise depuis le dernier import")
            return None
        return (*target, "")

    def _conflit(self, p: PieceLue, local: Statut | None, raison: str) -> None:
        self.rapport.conflits.append(Conflit(p.cle[0], p.cle[1], p.code, local, p.statut, raison))

    def run(self) -> None:
        campagne_id, catalogue = self.campagne()
        journal = ImportPaquet(
            campagne_id=campagne_id, horodatage=self.now, paquet=self.paquet.nom, rapport={}
        )
        self.s.add(journal)
        self.s.flush()
        self.import_id = journal.id
        self.soumettre_fichiers()
        candidatures = self.candidatures(campagne_id)
        self.recevoir_fichiers()
        self.pieces(campagne_id, catalogue, candidatures)
        # The files must be on disk before the rows that reference them are committed.
        self.store.make_durable(f.sha256 for f in self.fichiers.values() if f.sha256)
        if self.rapport.modifie:
            journal.rapport = self.rapport.as_json()
        else:  # the same package again: leave no trace
            self.s.execute(delete(ImportPaquet).where(ImportPaquet.id == journal.id))
            self.s.expunge(journal)


def _fichier_inspecte(chemin: str, acquis: Acquis) -> FichierInspecte:
    if acquis.inspection is None:  # not there, or not readable at all
        motif = acquis.erreur[:1].upper() + acquis.erreur[1:] + "."
        return FichierInspecte(f"absent:{chemin}", None, None, None, False, motif)
    i = acquis.inspection
    if acquis.sha256 is None:  # too large to keep, or the worker failed on it
        return FichierInspecte(f"absent:{chemin}", None, i.size, i.format, False, i.motif)
    return FichierInspecte(acquis.sha256, acquis.sha256, i.size, i.format, i.recevable, i.motif)


_COLONNES_MAJ = ("statut", "commentaire", "date_reception", "date_validation")


def _chunks(items: list[Any], size: int = 900) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def importer_paquet(
    db: Database,
    store: ContentStore,
    chemin: Path,
    *,
    tout_ou_rien: bool = False,
    progression: Progression | None = None,
    worker: Atelier | None = None,
) -> RapportImport:
    """Import a package. Raises PaquetInutilisable when the package as a whole cannot be used,
    ImportRefuse when ``tout_ou_rien`` and a row was refused, TacheAnnulee when cancelled.
    ``worker`` is a warm pool of workers to reuse (one is started for this import if not)."""
    rapport = RapportImport(paquet=chemin.name)
    with contextlib.ExitStack() as stack:
        atelier = worker if worker is not None else stack.enter_context(Atelier())
        atelier.demarrer()  # their start overlaps the reading of the CSV files
        paquet = stack.enter_context(ouvrir_paquet(chemin))
        lu = lire_paquet(paquet, rapport)
        if tout_ou_rien and rapport.lignes_refusees:
            raise ImportRefuse(rapport)
        c = lu.campagne
        with db.read() as session:
            avant = session.execute(
                select(Campagne.id, Campagne.taille_max_octets).filter_by(
                    examen=c.examen, session=c.session, academie=c.academie
                )
            ).one_or_none()
        try:
            with db.write() as session:
                _Ecrivain(session, store, paquet, lu, rapport, progression, atelier, chemin).run()
        except BaseException:
            atelier.abandonner()  # a cancelled import leaves no request behind
            raise
        finally:
            atelier.liberer()  # the workers let go of the package (Windows locks open files)
        if avant is not None and avant.taille_max_octets != c.taille_max_octets:
            # The files imported before are judged under the limit the package brings.
            r = juger_a_nouveau(db, store, avant.id, avant.taille_max_octets, atelier, progression)
            rapport.avertissement("campagne.json", None, (
                f"taille maximale : {taille_limite(avant.taille_max_octets)} → "
                f"{taille_limite(c.taille_max_octets)} ; {r.resume()}"
            ))  # fmt: skip
    return rapport


__all__ = [
    "CheminRefuse",
    "Conflit",
    "ImportRefuse",
    "Message",
    "PaquetInutilisable",
    "RapportImport",
    "TacheAnnulee",
    "importer_paquet",
    "parse_statut",
]
