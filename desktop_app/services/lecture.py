"""What the deposited files say of their holder, kept and compared with the candidature.

The reading itself runs in the worker (documents.lecture.document); its result is stored by
the file's sha256 (LectureFichier) and compared here with the candidate's identity: birth
name or usage name, first prénom, birth date, and the document's validity at the session. A
difference is an avertissement with both values side by side and the catalogue's reason it
matches; it never decides in the gestionnaire's place.

Names are compared without accents, case, spaces or hyphens. Where the source is OCR a token
of 4 letters or more may differ by 2 edits (a misread letter); a verified MRZ or 2D-Doc is
compared exactly, except that an MRZ shortens long names to fit its line: where its zone of
names is full, a name it holds may be the start of the candidate's.

The gestionnaire may correct a value read: the correction is a note in the pièce's history,
in the audit chain (who, when, the value read and its source, the value given), never a
change of the reading itself; the dossier then shows and compares the corrected value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from desktop_app.causes import Refus
from desktop_app.documents.lecture import emploi
from desktop_app.documents.lecture.document import OCR, TRONQUE, VERSION, Lu, Valeur
from desktop_app.models import (
    Campagne,
    Candidat,
    Candidature,
    Decision,
    Depot,
    LectureFichier,
    Piece,
    SourceDecision,
)
from desktop_app.services.dates import PARIS, format_datetime, now_utc
from desktop_app.services.decisions import noter_correction
from desktop_app.services.exigences import fin_de_validite_cni

# In the data folder: the 2D-Doc signing certificates the bureau adds (<AC>_<ID>.der).
DOSSIER_CERTIFICATS = "certificats-2ddoc"

MOTIF_NOM = "Nom différent de celui de l'inscription"
MOTIF_NAISSANCE = "Date de naissance différente de celle de l'inscription"
MOTIF_EXPIRE = "Document expiré"
MOTIF_NON_SIGNE = "Document non signé"
MOTIF_NON_DATE = "Document non daté"
DATES_COMMUNES_MIN = 0.5  # of the dates written on two papers, for them to be one


@dataclass(frozen=True)
class Identite:
    nom_naissance: str
    nom_usage: str
    prenoms: str
    naissance: dt.date | None

    @classmethod
    def de(cls, candidat: Candidat) -> Identite:
        return cls(candidat.nom_naissance, candidat.nom_usage, candidat.prenoms,
                   candidat.date_naissance)  # fmt: skip


@dataclass(frozen=True)
class Ecart:
    """A value read that differs from the candidature: both values, the source, the reason
    of the catalogue it suggests."""

    champ: str
    message: str
    lu: str
    attendu: str
    source: str
    motif: str


def vers_json(lu: Lu) -> dict[str, object]:
    return asdict(lu)


def depuis_json(donnees: dict[str, object]) -> Lu:
    valeurs = tuple(
        Valeur(**{**v, "boite": tuple(v["boite"]) if v.get("boite") else None})  # type: ignore[arg-type]
        for v in donnees.get("valeurs", ())  # type: ignore[union-attr]
    )
    # JSON gives lists back: the reading's sequences are tuples.
    suites = {k: tuple(donnees.get(k, ())) for k in ("constats", "dates")}  # type: ignore[call-overload]
    autres = {k: v for k, v in donnees.items() if k not in ("valeurs", *suites)}
    return Lu(valeurs=valeurs, **suites, **autres)  # type: ignore[arg-type]


def enregistrer(session: Session, sha256: str, lu: Lu) -> None:
    ligne = session.get(LectureFichier, sha256)
    if ligne is None:
        ligne = LectureFichier(sha256=sha256)
        session.add(ligne)
    ligne.version, ligne.resultat, ligne.lu_le = lu.version, vers_json(lu), now_utc()
    naissance = lu.premiere("naissance")
    ligne.naissance_lue = naissance.valeur if naissance is not None else None
    ligne.empreinte = lu.empreinte


def lecture(session: Session, sha256: str) -> Lu | None:
    """The stored reading of this file, None when it was never read by this reader's
    version."""
    ligne = session.get(LectureFichier, sha256)
    if ligne is None or ligne.version != VERSION:
        return None
    return depuis_json(ligne.resultat)


@dataclass(frozen=True)
class AFaire:
    sha256: str
    format: str


def _non_lu() -> tuple[ColumnElement[bool], ...]:
    """A deposit whose file is stored, recevable, a PDF or a JPEG, and that no reading of
    this version covers (a lookup by primary key per deposit: no list of every reading)."""
    lu = (
        select(LectureFichier.sha256)
        .where(LectureFichier.sha256 == Depot.sha256, LectureFichier.version == VERSION)
        .exists()
    )
    return (Depot.sha256.is_not(None), Depot.recevable, Depot.format.in_(("pdf", "jpeg")), ~lu)


def a_lire(session: Session, limite: int = 20, apres: str = "") -> list[AFaire]:
    """Up to ``limite`` stored files not yet read by this version of the reader, in sha256
    order after ``apres`` (the last one of the previous batch): the index on the deposits'
    sha256 is walked from there, so a batch costs the same at 300,000 candidatures as at 300
    (a GROUP BY over every deposit took 0.55 s a batch at 100,000)."""
    requete = (
        select(Depot.sha256, Depot.format)
        .where(Depot.sha256 > apres, *_non_lu())
        .order_by(Depot.sha256)
        .limit(limite * 4)  # a file deposited several times comes once
    )
    fichiers: dict[str, str] = {}
    for sha, fmt in session.execute(requete):
        if sha and fmt and len(fichiers) < limite:
            fichiers.setdefault(sha, fmt)
    return [AFaire(sha, fmt) for sha, fmt in fichiers.items()]


def reste_a_lire(session: Session) -> int:
    compte = select(func.count(func.distinct(Depot.sha256))).where(*_non_lu())
    return session.scalar(compte) or 0


def reference_session(campagne: Campagne) -> dt.date:
    """The day a document must still be valid: the 1st of June of the session's year (the
    written exams), else the closing date of deposits, else today."""
    annee = "".join(c for c in campagne.session if c.isdigit())[:4]
    if len(annee) == 4:
        return dt.date(int(annee), 6, 1)
    if campagne.cloture is not None:
        return campagne.cloture.astimezone(PARIS).date()
    return dt.date.today()


def identite_de(session: Session, depot_id: int) -> tuple[Identite, dt.date] | None:
    """The identity of the candidate a deposit belongs to, and its campaign's session day."""
    ligne = session.execute(
        select(Candidat, Campagne)
        .join(Candidature, Candidature.candidat_id == Candidat.id)
        .join(Campagne, Campagne.id == Candidature.campagne_id)
        .join(Piece, Piece.candidature_id == Candidature.id)
        .join(Depot, Depot.piece_id == Piece.id)
        .where(Depot.id == depot_id)
    ).first()
    if ligne is None:
        return None
    candidat, campagne = ligne
    return Identite.de(candidat), reference_session(campagne)


def _lettres(texte: str) -> str:
    sans = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode().upper()
    return "".join(c if c.isalpha() else " " for c in sans)


def _jetons(texte: str) -> list[str]:
    return _lettres(texte).split()


def _distance(a: str, b: str) -> int:
    """Levenshtein's edit distance."""
    precedente = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        courante = [i]
        for j, cb in enumerate(b, 1):
            courante.append(min(precedente[j] + 1, courante[j - 1] + 1,
                                precedente[j - 1] + (ca != cb)))  # fmt: skip
        precedente = courante
    return precedente[-1]


def memes_noms(lu: str, attendu: str, source: str, abrege: bool = False) -> bool:
    """Whether a name read matches the candidature's (see the module's docstring);
    ``abrege``: the source may have shortened it."""
    a, b = "".join(_jetons(lu)), "".join(_jetons(attendu))
    if not a or not b:
        return True  # nothing to compare: never an alarm
    if a == b or (abrege and len(a) >= 2 and b.startswith(a)):
        return True
    if source == OCR:
        jetons_lus, jetons_attendus = _jetons(lu), _jetons(attendu)
        if len(jetons_lus) == len(jetons_attendus):
            return all(x == y or (len(y) >= 4 and _distance(x, y) <= 2)
                       for x, y in zip(jetons_lus, jetons_attendus, strict=True))  # fmt: skip
        return False
    return False


def meme_titulaire(a: Lu, b: Lu) -> bool:
    """Whether two readings name the same holder: the same birth date, the same name and the
    same first prénom where both read one (either may be the one an MRZ shortened or an OCR
    misread, as ``memes_noms`` allows). Without a name and a birth date on both, no."""
    naissances = a.premiere("naissance"), b.premiere("naissance")
    if None in naissances or naissances[0].valeur != naissances[1].valeur:  # type: ignore[union-attr]
        return False
    for champ in ("nom", "prenoms"):
        va, vb = a.premiere(champ), b.premiere(champ)
        if va is None or vb is None:
            if champ == "nom":
                return False
            continue
        lus = [_jetons(v.valeur)[:1] if champ == "prenoms" else _jetons(v.valeur)
               for v in (va, vb)]  # fmt: skip
        if not all(lus):
            return False
        x, y = (" ".join(j) for j in lus)
        source = OCR if OCR in (va.source, vb.source) else va.source
        if not (memes_noms(x, y, source, va.detail.endswith(TRONQUE))
                or memes_noms(y, x, source, vb.detail.endswith(TRONQUE))):  # fmt: skip
            return False
    return True


def meme_papier(a: Lu, b: Lu) -> bool:
    """Whether two readings may be of one paper: the same holder, no document number or
    expiry read on both that differ (a holder's renewed card is another paper), and most of
    the dates written on them shared."""
    if not meme_titulaire(a, b):
        return False
    for champ in ("numero", "expiration"):
        va, vb = a.premiere(champ), b.premiere(champ)
        if va is not None and vb is not None and va.valeur != vb.valeur:
            return False
    # The dates written on each (a contract's start, the day it was signed): a date misread
    # on a scan leaves most of them shared; another paper of one template shares few.
    communes, toutes = set(a.dates) & set(b.dates), set(a.dates) | set(b.dates)
    return not (a.dates and b.dates and len(communes) < DATES_COMMUNES_MIN * len(toutes))


def _fin_de_validite(lu: Lu, naissance: dt.date | None) -> tuple[dt.date, str] | None:
    """The last valid day, and how it was found (the rule, in French)."""
    expiration = lu.premiere("expiration")
    if expiration is not None:
        return dt.date.fromisoformat(expiration.valeur), "date d'expiration de la MRZ"
    delivrance = lu.premiere("delivrance")
    if delivrance is None:
        return None
    annee, mois = (int(x) for x in delivrance.valeur.split("-"))
    return fin_de_validite_cni((annee, mois), naissance)


def comparer(lu: Lu, identite: Identite, jour_session: dt.date) -> list[Ecart]:
    """The differences between what the document says and the candidature."""
    ecarts = []
    nom = lu.premiere("nom")
    attendus = [n for n in (identite.nom_naissance, identite.nom_usage) if n.strip()]
    if nom is not None and attendus:
        abrege = nom.detail.endswith(TRONQUE)
        if not any(memes_noms(nom.valeur, a, nom.source, abrege) for a in attendus):
            ecarts.append(Ecart(
                champ="nom", message=f"Nom lu ({nom.source}) différent de l'inscription",
                lu=nom.valeur, attendu=" / ".join(attendus), source=nom.source,
                motif=MOTIF_NOM))  # fmt: skip
    prenoms = lu.premiere("prenoms")
    premier_attendu = _jetons(identite.prenoms.replace(",", " "))[:1]
    if prenoms is not None and premier_attendu:
        premier_lu = _jetons(prenoms.valeur)[:1]
        abrege = prenoms.detail.endswith(TRONQUE) and len(_jetons(prenoms.valeur)) == 1
        if premier_lu and not memes_noms(premier_lu[0], premier_attendu[0], prenoms.source,
                                         abrege):  # fmt: skip
            ecarts.append(Ecart(
                champ="prenoms", message=f"Prénom lu ({prenoms.source}) différent de "
                "l'inscription", lu=prenoms.valeur, attendu=identite.prenoms,
                source=prenoms.source, motif=MOTIF_NOM))  # fmt: skip
    naissance = lu.premiere("naissance")
    if naissance is not None and identite.naissance is not None:
        date_lue = dt.date.fromisoformat(naissance.valeur)
        if date_lue != identite.naissance:
            ecarts.append(Ecart(
                champ="naissance", message=f"Date de naissance lue ({naissance.source}) "
                "différente de l'inscription", lu=f"{date_lue:%d/%m/%Y}",
                attendu=f"{identite.naissance:%d/%m/%Y}", source=naissance.source,
                motif=MOTIF_NAISSANCE))  # fmt: skip
    for champ, quoi, motif in (("signature", "Signature absente", MOTIF_NON_SIGNE),
                               ("date_signature", "Date absente", MOTIF_NON_DATE)):  # fmt: skip
        valeur = lu.premiere(champ)
        if valeur is not None and valeur.valeur == "absente":
            ou = "sous « Signature du candidat »" if champ == "signature" else "après « le »"
            ecarts.append(Ecart(
                champ=champ, message=f"{quoi} ({valeur.source})", lu=f"rien d'écrit {ou}",
                attendu="datée et signée", source=valeur.source, motif=motif,
            ))  # fmt: skip
    fin = _fin_de_validite(lu, identite.naissance)
    if fin is not None and fin[0] < jour_session:
        source = lu.premiere("expiration") or lu.premiere("delivrance")
        ecarts.append(Ecart(
            champ="expiration", message=f"Document expiré à la session ({fin[1]})",
            lu=f"valable jusqu'au {fin[0]:%d/%m/%Y}", attendu=f"session le {jour_session:%d/%m/%Y}",
            source=source.source if source else "", motif=MOTIF_EXPIRE))  # fmt: skip
    return ecarts


# --- Corrections by the gestionnaire -------------------------------------------------------

CORRIGE = "corrigé"  # the source of a value the gestionnaire gave
LIBELLES = {"nom": "Nom", "nom_usage": "Nom d'usage", "prenoms": "Prénoms",
            "naissance": "Né(e) le", "expiration": "Expire le", "delivrance": "Délivrée en",
            "numero": "N° du document", "signature": "Signature",
            "date_signature": "Date (après « le »)", "periode": "Période d'activité",
            "activite": "Durée d'activité"}  # fmt: skip
_DATES = ("naissance", "expiration")
_NOTE = re.compile(r"^Lecture corrigée, (?P<champ>[a-z_]+) : .* → « (?P<valeur>[^«»]*) »$", re.S)
_NOM_PERMIS = re.compile(r"^[^\W\d_]+(?:[ '’-]+[^\W\d_]+)*$")


class CorrectionRefusee(Refus, ValueError):
    pass


def valeur_corrigee(champ: str, texte: str) -> str:
    """The value as stored: a date as ISO (typed « 12/03/2004 »), a name with its spaces
    tidied. Refused in French when it cannot be one."""
    texte = " ".join(texte.split())
    if champ not in LIBELLES:
        raise CorrectionRefusee("Cette valeur ne se corrige pas.")
    if champ == "periode":
        raise CorrectionRefusee("Une période ne se corrige pas seule : donnez la « Durée "
                                "d'activité » du fichier.")  # fmt: skip
    if champ == "activite":
        longueur = emploi.lire(texte)
        if longueur is None:
            raise CorrectionRefusee("Durée attendue, par exemple « 3 ans », « 2 ans et 4 mois » "
                                    "ou « 38 mois ».")  # fmt: skip
        return emploi.ecrire(*longueur)
    if champ in ("signature", "date_signature"):
        mot = texte.lower().replace("presente", "présente")
        if mot not in ("présente", "absente"):
            raise CorrectionRefusee("Attendu : « présente » ou « absente ».")
        return mot
    if champ in _DATES:
        try:
            return dt.datetime.strptime(texte.replace("-", "/").replace(".", "/"),
                                        "%d/%m/%Y").date().isoformat()  # fmt: skip
        except ValueError:
            raise CorrectionRefusee("Date attendue au format jj/mm/aaaa, par exemple "
                                    "12/03/2004.") from None  # fmt: skip
    if champ == "delivrance":
        m = re.fullmatch(r"(\d{1,2})/(\d{4})", texte)
        if m is None or not 1 <= int(m.group(1)) <= 12:
            raise CorrectionRefusee("Mois attendu au format mm/aaaa, par exemple 03/2014.")
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    if champ == "numero":
        if not re.fullmatch(r"[A-Za-z0-9]{1,20}", texte):
            raise CorrectionRefusee("Numéro attendu : lettres et chiffres, sans espace.")
        return texte.upper()
    if not _NOM_PERMIS.match(texte) or len(texte) > 200:
        raise CorrectionRefusee("Un nom s'écrit en lettres, espaces, tirets et apostrophes.")
    return texte


def corriger(session: Session, depot_id: int, champ: str, texte: str, gestionnaire: str) -> None:
    """Record the gestionnaire's value for a field read in the deposit's file (in a write
    transaction): a note in the pièce's history, chained. The reading stays as it was."""
    depot = session.get(Depot, depot_id)
    lu = lecture(session, depot.sha256) if depot is not None and depot.sha256 else None
    if depot is None or lu is None:
        raise CorrectionRefusee("Ce fichier n'a pas été lu : rien à corriger.")
    assert depot.sha256 is not None
    valeur = valeur_corrigee(champ, texte)
    original = lu.premiere(champ)
    avant = f"« {original.valeur} » ({original.source})" if original else "non lu"
    if not gestionnaire.strip():
        raise CorrectionRefusee("Indiquez votre nom de gestionnaire pour corriger une lecture.")
    note = f"Lecture corrigée, {champ} : {avant} → « {valeur} »"
    noter_correction(session, depot.piece_id, gestionnaire, note, depot.sha256)


def corrections(session: Session, piece_id: int, sha256: str) -> dict[str, Valeur]:
    """The gestionnaire's values for this file of this pièce, the latest for each field, read
    back from the history (where they are chained)."""
    return _corrections(session, [piece_id], sha256).get(piece_id, {})


def _corrections(session: Session, pieces: Sequence[int], sha256: str
                 ) -> dict[int, dict[str, Valeur]]:  # fmt: skip
    """``corrections`` of this file for each of these pièces, in one query."""
    resultat: dict[int, dict[str, Valeur]] = {}
    for piece_id, note, qui, quand in session.execute(
        select(Decision.piece_id, Decision.commentaire, Decision.gestionnaire,
               Decision.horodatage)
        .where(Decision.piece_id.in_(pieces), Decision.source == SourceDecision.LECTURE,
               Decision.fichiers == sha256)
        .order_by(Decision.id)
    ):  # fmt: skip
        m = _NOTE.match(note or "")
        if m is not None:
            resultat.setdefault(piece_id, {})[m["champ"]] = Valeur(
                m["champ"], m["valeur"], CORRIGE, 1.0,
                detail=f"par {qui} le {format_datetime(quand)}")  # fmt: skip
    return resultat


def _avec_corrections(lu: Lu, corrigees: dict[str, Valeur]) -> Lu:
    """The reading with the gestionnaire's values in place of those read (each keeps the
    place it was read at, and says what was read)."""
    if not corrigees:
        return lu
    valeurs = []
    for v in lu.valeurs:
        c = corrigees.pop(v.champ, None)
        valeurs.append(v if c is None else replace(
            c, page=v.page, boite=v.boite,
            detail=f"{c.detail} ; lu : « {v.valeur} » ({v.source})"))  # fmt: skip
    return replace(lu, valeurs=(*valeurs, *corrigees.values()))


@dataclass(frozen=True)
class LuSurDepot:
    """A deposit's reading as the dossier shows it: None when not read yet."""

    lu: Lu | None
    ecarts: tuple[Ecart, ...]
    jour_session: dt.date | None
    activite: str = ""  # the dossier's professional activity, for a file of it (activite.py)


def ecarts_des_depots(session: Session, sha256: str, depots: Sequence[int]
                      ) -> dict[int, tuple[Ecart, ...]]:  # fmt: skip
    """What ``lu_sur_depot`` finds for each of these deposits of one file, in three queries
    whatever their number (a blank form deposited by hundreds of candidates)."""
    lu = lecture(session, sha256)
    if lu is None or not depots:
        return {}
    lignes = session.execute(
        select(Depot.id, Depot.piece_id, Candidat, Campagne)
        .join(Piece, Piece.id == Depot.piece_id)
        .join(Candidature, Candidature.id == Piece.candidature_id)
        .join(Candidat, Candidat.id == Candidature.candidat_id)
        .join(Campagne, Campagne.id == Candidature.campagne_id)
        .where(Depot.id.in_(depots))
    ).all()
    corrigees = _corrections(session, sorted({ligne[1] for ligne in lignes}), sha256)
    resultat = {}
    for depot_id, piece_id, candidat, campagne in lignes:
        vu = _avec_corrections(lu, corrigees.get(piece_id, {}))
        resultat[depot_id] = tuple(comparer(vu, Identite.de(candidat), reference_session(campagne)))
    return resultat


def lu_sur_depot(session: Session, depot_id: int, en_memoire: Lu | None = None) -> LuSurDepot:
    """A deposit's reading compared with its candidature; ``en_memoire``: a reading not
    stored (a read-only base), used when the base has none."""
    depot = session.get(Depot, depot_id)
    if depot is None or depot.sha256 is None:
        return LuSurDepot(None, (), None)
    lu = lecture(session, depot.sha256) or en_memoire
    if lu is not None:
        lu = _avec_corrections(lu, corrections(session, depot.piece_id, depot.sha256))
    contexte = identite_de(session, depot_id)
    if lu is None or contexte is None:
        return LuSurDepot(lu, (), contexte[1] if contexte else None)
    identite, jour = contexte
    return LuSurDepot(lu, tuple(comparer(lu, identite, jour)), jour)


__all__ = [
    "CORRIGE",
    "DOSSIER_CERTIFICATS",
    "LIBELLES",
    "MOTIF_EXPIRE",
    "MOTIF_NAISSANCE",
    "MOTIF_NOM",
    "AFaire",
    "CorrectionRefusee",
    "Ecart",
    "Identite",
    "LuSurDepot",
    "a_lire",
    "comparer",
    "corrections",
    "corriger",
    "enregistrer",
    "lecture",
    "lu_sur_depot",
    "memes_noms",
    "reference_session",
    "reste_a_lire",
    "valeur_corrigee",
]  # fmt: skip
