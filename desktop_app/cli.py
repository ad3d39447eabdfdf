"""Command line. No sub-command opens the window; the sub-commands are headless and use exactly
the services the window uses. Messages are French; exit codes: 0 success, 1 the work could not
be done (unusable package, unreadable file...), 2 a usage error."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import desktop_app
from desktop_app import APP_NAME
from desktop_app.causes import cause

if TYPE_CHECKING:  # the sub-commands import what they need: `--help` stays instant
    import datetime as dt

    from desktop_app.services.espace import Espace


def _options(defaut: object) -> argparse.ArgumentParser:
    """The options every command takes, before or after its name. A command's copy has no
    default of its own (SUPPRESS): otherwise it would erase the one given before the name
    (``--data-dir X backup`` backed up the default folder's base)."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--data-dir",
        metavar="DOSSIER",
        default=defaut,
        help="dossier des données (base et fichiers) ; sinon CONTROLE_PJ_DATA_DIR "
        "ou le dossier de données de l'utilisateur",
    )
    options.add_argument(
        "--database-url",
        metavar="URL",
        default=defaut,
        help="base partagée (mode équipe), par ex. postgresql+psycopg://…",
    )
    options.add_argument(
        "--dossier-fichiers",
        metavar="DOSSIER",
        default=defaut,
        help="dossier des fichiers des candidats (en mode équipe : le dossier partagé)",
    )
    return options


class _Version(argparse.Action):
    """--version, read from the package's metadata only when asked for (not at each start)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **_: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="affiche la version et quitte")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        parser.exit(message=f"{APP_NAME} {desktop_app.__version__}\n")


def _parser(commandes: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; without its ``commandes`` for a launch without arguments
    (a double click: the window), whose 15 sub-parsers cost the first paint 4 ms."""
    parser = argparse.ArgumentParser(
        prog="controle-pj",
        parents=[_options(None)],
        description=f"{APP_NAME} : contrôle des pièces justificatives. Sans commande : ouvre la "
        "fenêtre.",
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="crée la campagne de démonstration si la base est vide, puis ouvre",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="vérifie l'installation dans un dossier temporaire (base, import, affichage d'un "
        "PDF et d'un JPEG), sans toucher aux données",
    )
    if not commandes:
        parser.set_defaults(commande=None)
        return parser
    common = _options(argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="commande", metavar="COMMANDE")

    p = sub.add_parser("import", parents=[common], help="importe un paquet de dossiers")
    p.add_argument("paquet", type=Path, help="dossier ou archive .zip du paquet")
    p.add_argument(
        "--tout-ou-rien", action="store_true", help="n'importe rien si une ligne est refusée"
    )
    p.add_argument("--json", action="store_true", help="rapport en JSON sur la sortie standard")

    p = sub.add_parser("export", parents=[common], help="exporte les décisions")
    p.add_argument(
        "--decisions",
        type=Path,
        required=True,
        metavar="FICHIER",
        help="fichier decisions.csv à écrire",
    )
    p.add_argument(
        "--campagne",
        type=int,
        metavar="ID",
        help="identifiant de la campagne (voir « campagnes ») s'il y en a plusieurs",
    )

    p = sub.add_parser("demo", parents=[common], help="crée la campagne de démonstration")
    p.add_argument("--candidatures", type=int, default=300, metavar="N")
    p.add_argument("--graine", type=int, default=2024, help="graine du tirage (défaut 2024)")
    p.add_argument(
        "--date-reference",
        metavar="JJ/MM/AAAA",
        help="« aujourd'hui » pour la démonstration (défaut : la date du jour)",
    )

    p = sub.add_parser("check", parents=[common], help="vérifie des fichiers (format, taille…)")
    p.add_argument(
        "fichiers", nargs="+", type=Path, metavar="FICHIER", help="fichiers ou dossiers (parcourus)"
    )
    p.add_argument("--json", action="store_true", help="tableau JSON sur la sortie standard")
    p.add_argument(
        "--taille-max",
        type=int,
        default=5 * 1024 * 1024,
        metavar="OCTETS",
        help="taille maximale admise (défaut 5 Mo = 5242880 octets)",
    )

    sub.add_parser("campagnes", parents=[common], help="liste les campagnes de la base")

    suivi = argparse.ArgumentParser(add_help=False, parents=[common])
    suivi.add_argument(
        "--campagne",
        type=int,
        metavar="ID",
        help="identifiant de la campagne (voir « campagnes ») s'il y en a plusieurs",
    )
    suivi.add_argument(
        "--date",
        metavar="JJ/MM/AAAA[ HH:MM]",
        help="« maintenant » pour les échéances, heure de Paris (défaut : maintenant)",
    )
    for nom, aide in (
        ("relances", "lettres de relance des dossiers à relancer (PDF)"),
        ("fiches", "fiches de contrôle des candidatures (PDF)"),
    ):
        p = sub.add_parser(nom, parents=[suivi], help=aide)
        p.add_argument(
            "--sortie", type=Path, required=True, metavar="DOSSIER", help="dossier des PDF"
        )
        p.add_argument(
            "--candidat",
            nargs="+",
            metavar="N",
            help="seulement ces N° candidat (défaut : tous ceux concernés)",
        )
        p.add_argument(
            "--sans-fichier-combine",
            action="store_true",
            help="ne pas écrire le fichier unique à imprimer",
        )
    p = sub.add_parser("annulations", parents=[suivi], help="liste des dossiers à annuler (PDF)")
    p.add_argument("--sortie", type=Path, required=True, metavar="FICHIER", help="fichier PDF")
    p = sub.add_parser(
        "matrix", parents=[suivi], help="matrice candidats × pièces des statuts (XLSX ou CSV)"
    )
    p.add_argument(
        "--sortie", type=Path, required=True, metavar="FICHIER", help="fichier .xlsx ou .csv"
    )
    p = sub.add_parser(
        "reception",
        parents=[suivi],
        help="marque « Reçue » les pièces postales d'une liste (N° candidat et code)",
    )
    p.add_argument("liste", type=Path, help="liste scannée (une ligne « N° code ») ou CSV")
    p.add_argument("--le", metavar="JJ/MM/AAAA", help="date de réception (défaut : aujourd'hui)")
    p.add_argument("--gestionnaire", metavar="NOM", help="défaut : le nom des paramètres")
    p.add_argument(
        "--appliquer", action="store_true", help="enregistre (sans : montre seulement le plan)"
    )
    p = sub.add_parser("pieces", parents=[suivi], help="copie les fichiers déposés, par candidat")
    p.add_argument("--sortie", type=Path, required=True, metavar="DOSSIER")
    p.add_argument("--candidat", nargs="+", metavar="N", help="seulement ces N° candidat")

    p = sub.add_parser("backup", parents=[common], help="sauvegarde la base locale (vérifiée)")
    p.add_argument("--liste", action="store_true", help="liste les sauvegardes sans en faire")
    p = sub.add_parser(
        "restore",
        parents=[common],
        help="remplace la base par une sauvegarde (la base actuelle est gardée)",
    )
    p.add_argument(
        "sauvegarde",
        nargs="?",
        type=Path,
        metavar="FICHIER",
        help="fichier de sauvegarde (défaut : la plus récente en bon état)",
    )
    p = sub.add_parser(
        "verify-audit",
        parents=[common],
        help="vérifie l'historique des décisions (chaînage, cohérence des pièces, ancres des "
        "sauvegardes et des fiches)",
    )
    p.add_argument(
        "--ancre",
        action="append",
        default=[],
        metavar="TEXTE",
        help="la ligne « Historique des décisions à cette date : … » d'une fiche imprimée",
    )
    p = sub.add_parser(
        "purge",
        parents=[common],
        help="efface une campagne : candidatures, fichiers, décisions, et les sauvegardes qui "
        "les contiennent (une nouvelle sauvegarde est prise)",
    )
    p.add_argument("--campagne", type=int, required=True, metavar="ID")
    p.add_argument(
        "--confirmer", required=True, metavar="TITRE",
        help="le titre exact de la campagne (voir « campagnes »), pour confirmer",
    )  # fmt: skip
    p.add_argument("--gestionnaire", metavar="NOM", help="défaut : le nom des paramètres")
    p = sub.add_parser(
        "historique", parents=[common], help="exporte l'historique des décisions d'un candidat"
    )
    p.add_argument("candidat", metavar="N_CANDIDAT", help="N° candidat (11 chiffres)")
    p.add_argument("--sortie", type=Path, required=True, metavar="FICHIER", help="fichier .csv")
    return parser


def _ouvrir(args: argparse.Namespace) -> Espace:
    from desktop_app.services.espace import ouvrir_espace

    return ouvrir_espace(args.data_dir, args.database_url, args.dossier_fichiers)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _progress_stderr(done: int, total: int, etape: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{etape} : {done}/{total}", end="", file=sys.stderr, flush=True)


def cmd_import(args: argparse.Namespace) -> int:
    from desktop_app.services.importer import ImportRefuse, PaquetInutilisable, importer_paquet

    espace = _ouvrir(args)
    try:
        rapport = importer_paquet(
            espace.db,
            espace.store,
            args.paquet,
            worker=espace.inspection,
            tout_ou_rien=args.tout_ou_rien,
            progression=_progress_stderr,
        )
    except PaquetInutilisable as exc:
        _err(f"Paquet refusé : {exc}")
        return 1
    except ImportRefuse as exc:
        for message in exc.rapport.messages:
            _err(str(message))
        _err(f"Import annulé : {exc}")
        return 1
    finally:
        espace.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(rapport.as_json(), ensure_ascii=False, indent=2))
        return 0
    print(rapport.resume())
    for message in rapport.messages:
        print(f"{'Refusé' if message.niveau == 'erreur' else 'Attention'} — {message}")
    for conflit in rapport.conflits:
        print(f"Conflit — {conflit}")
    return 0


def _campagne(espace: Espace, demandee: int | None) -> int | None:
    from desktop_app.services.requetes import campagnes

    with espace.db.read() as session:
        toutes = campagnes(session)
    if demandee is not None:
        if any(c.id == demandee for c in toutes):
            return demandee
        _err(f"Aucune campagne n° {demandee} dans la base.")
        return None
    if not toutes:
        _err("La base ne contient aucune campagne : importez d'abord un paquet.")
        return None
    if len(toutes) > 1:
        _err("Plusieurs campagnes dans la base : précisez --campagne parmi :")
        for c in toutes:
            _err(f"  {c.id} : {c.titre}")
        return None
    return toutes[0].id


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_app.services.exports import exporter_decisions

    espace = _ouvrir(args)
    try:
        campagne_id = _campagne(espace, args.campagne)
        if campagne_id is None:
            return 1
        with espace.db.read() as session:
            try:
                n = exporter_decisions(session, campagne_id, args.decisions)
            except OSError as exc:
                _err(f"Impossible d'écrire {args.decisions} : {cause(exc, args.decisions.parent)}")
                return 1
    finally:
        espace.close()
    print(f"{n} ligne(s) écrite(s) dans {args.decisions}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop_app.services.dates import DateInvalide, parse_date
    from desktop_app.services.demo import installer_demo
    from desktop_app.services.lecture import DOSSIER_CERTIFICATS

    try:
        reference = parse_date(args.date_reference) if args.date_reference else None
    except DateInvalide as exc:
        _err(str(exc))
        return 2
    if args.candidatures < 1:
        _err("Le nombre de candidatures doit être positif.")
        return 2
    espace = _ouvrir(args)
    try:
        rapports = installer_demo(
            espace.db,
            espace.store,
            args.candidatures,
            graine=args.graine,
            reference=reference,
            progression=_progress_stderr,
            worker=espace.inspection,
            certificats=espace.paths.root / DOSSIER_CERTIFICATS,
        )
    finally:
        espace.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for rapport in rapports:
        print(rapport.resume())
    print(f"Données : {espace.paths.root}")
    return 0


def _walk(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def cmd_check(args: argparse.Namespace) -> int:
    """Inspect files in the worker process: a hostile file costs its own verdict, not the run."""
    from desktop_app.documents.inspection import FORMATS_DEFAUT, Finding, Inspection
    from desktop_app.documents.worker import Atelier, Demande

    introuvable = Inspection(0, None, (Finding("refus", "introuvable", "Fichier introuvable."),))
    verdicts: dict[str, Inspection] = {}
    with Atelier() as atelier:
        for path in _walk(args.fichiers):
            verdicts[str(path)] = introuvable  # keeps its place; the worker's verdict replaces it
            if path.is_file():
                atelier.soumettre_requete(
                    Demande(str(path), str(path), args.taille_max, FORMATS_DEFAUT)
                )
        verdicts.update(atelier.resultats())
    if args.json:
        rows = [
            {
                "path": path,
                "size": None if v is introuvable else v.size,
                "format": v.format,
                "recevable": v.recevable,
                "reasons": v.reasons,
                "findings": [f.as_json() for f in v.findings],
            }
            for path, v in verdicts.items()
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for path, v in verdicts.items():
            verdict = "recevable" if v.recevable else "NON RECEVABLE"
            print(f"{path} : {verdict} ({v.format or 'format inconnu'}, {v.size} octets)")
            for reason in v.reasons:
                print(f"    {reason}")
    return 1 if any(v is introuvable for v in verdicts.values()) else 0


def cmd_campagnes(args: argparse.Namespace) -> int:
    from desktop_app.services.dates import format_datetime
    from desktop_app.services.requetes import campagnes

    espace = _ouvrir(args)
    try:
        with espace.db.read() as session:
            for c in campagnes(session):
                print(
                    f"{c.id} : {c.titre} — {c.candidatures} candidature(s), clôture "
                    f"{format_datetime(c.cloture) or 'non fixée'}"
                )
    finally:
        espace.close()
    return 0


def _suivi(args: argparse.Namespace, travail: Callable[[Espace, int, dt.datetime], int]) -> int:
    """Open the workspace and the campaign, read « maintenant », run ``travail``; a file that
    cannot be written is said in French."""
    from desktop_app.services.dates import DateInvalide, now_utc, parse_datetime

    try:
        maintenant = parse_datetime(args.date) if args.date else now_utc()
    except DateInvalide as exc:
        _err(str(exc))
        return 2
    assert maintenant is not None
    espace = _ouvrir(args)
    try:
        campagne_id = _campagne(espace, args.campagne)
        if campagne_id is None:
            return 1
        return travail(espace, campagne_id, maintenant)
    except OSError as exc:
        _err(f"Impossible d'écrire {args.sortie} : {cause(exc, args.sortie.parent)}")
        return 1
    finally:
        espace.close()


def _candidatures(espace: Espace, campagne_id: int, numeros: list[str] | None) -> list[int] | None:
    """The candidatures of these N° candidat (None: all); an unknown number is an error."""
    from desktop_app.services.requetes import lister_candidatures

    with espace.db.read() as session:
        lignes = lister_candidatures(session, campagne_id)
    if numeros is None:
        return [ligne.id for ligne in lignes]
    voulus = {n.strip().zfill(11) for n in numeros}
    inconnus = voulus - {ligne.n_candidat for ligne in lignes}
    if inconnus:
        _err(f"N° candidat inconnu(s) dans cette campagne : {', '.join(sorted(inconnus))}")
        return None
    return [ligne.id for ligne in lignes if ligne.n_candidat in voulus]


def cmd_courriers(args: argparse.Namespace) -> int:
    from desktop_app.services.courriers import Genre, contexte, ecrire_courriers, fiches
    from desktop_app.services.echeances import suivi

    def travail(espace: Espace, campagne_id: int, maintenant: dt.datetime) -> int:
        ids = _candidatures(espace, campagne_id, args.candidat)
        if ids is None:
            return 1
        with espace.db.read() as session:
            ctx = contexte(session, campagne_id, maintenant)
            if args.commande == "relances":
                genre = Genre.RELANCE
                elements: list[Any] = suivi(session, campagne_id, maintenant, ids).a_relancer
            else:
                genre = Genre.FICHE
                elements = fiches(session, campagne_id, ids)
        if not ctx.bureau.complet:
            _err(
                "Attention : l'adresse ou le contact du bureau n'est pas renseigné "
                "(Suivi > Bureau expéditeur, dans la fenêtre)."
            )
        ecrits = ecrire_courriers(
            ctx,
            genre,
            elements,
            args.sortie,
            combine=not args.sans_fichier_combine,
            progression=_progress_stderr,
        )
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(f"{len(ecrits.fichiers)} courrier(s) écrit(s) dans {ecrits.dossier}")
        if ecrits.combine:
            print(f"Fichier à imprimer : {ecrits.combine}")
        return 0

    return _suivi(args, travail)


def cmd_annulations(args: argparse.Namespace) -> int:
    from desktop_app.services.courriers import contexte, liste_annulations
    from desktop_app.services.echeances import suivi
    from desktop_app.services.fichiers import ecrire_atomique

    def travail(espace: Espace, campagne_id: int, maintenant: dt.datetime) -> int:
        with espace.db.read() as session:
            r = suivi(session, campagne_id, maintenant)
            ctx = contexte(session, campagne_id, maintenant)
        if not r.cloture_passee:
            _err("La clôture de la campagne n'est pas passée : aucun dossier à annuler.")
        ecrire_atomique(args.sortie, liste_annulations(ctx, r.a_annuler))
        print(f"{len(r.a_annuler)} dossier(s) à annuler, liste écrite dans {args.sortie}")
        return 0

    return _suivi(args, travail)


def cmd_matrix(args: argparse.Namespace) -> int:
    from desktop_app.services.exports import ecrire_matrice_csv, ecrire_matrice_xlsx, matrice

    extension = args.sortie.suffix.lower()
    if extension not in (".xlsx", ".csv"):
        _err("Le fichier de sortie doit finir par .xlsx ou .csv.")
        return 2

    def travail(espace: Espace, campagne_id: int, maintenant: dt.datetime) -> int:
        with espace.db.read() as session:
            m = matrice(session, campagne_id, maintenant, _progress_stderr)
        if extension == ".csv":
            n = ecrire_matrice_csv(m, args.sortie)
        else:
            n = ecrire_matrice_xlsx(m, args.sortie, _progress_stderr)
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(f"{n} candidature(s) × {len(m.codes)} pièce(s) écrites dans {args.sortie}")
        return 0

    return _suivi(args, travail)


def cmd_pieces(args: argparse.Namespace) -> int:
    from desktop_app.services.exports import copier_pieces

    def travail(espace: Espace, campagne_id: int, maintenant: dt.datetime) -> int:
        ids = _candidatures(espace, campagne_id, args.candidat)
        if ids is None:
            return 1
        with espace.db.read() as session:
            copie = copier_pieces(session, espace.store, ids, args.sortie, _progress_stderr)
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(f"{copie.copies} fichier(s) copié(s) dans {copie.dossier}")
        for absent in copie.absents:
            print(f"Absent de la base de fichiers — {absent}")
        return 0

    return _suivi(args, travail)


def cmd_reception(args: argparse.Namespace) -> int:
    from desktop_app.services.dates import DateInvalide, parse_date, today_paris
    from desktop_app.services.decisions import DecisionRefusee
    from desktop_app.services.reception import appliquer_reception, lire_liste, preparer_reception

    try:
        le = parse_date(args.le) if args.le else today_paris()
        donnees = args.liste.read_bytes()
    except DateInvalide as exc:
        _err(str(exc))
        return 2
    except OSError as exc:
        _err(f"Impossible de lire {args.liste} : {cause(exc)}")
        return 1
    assert le is not None

    def travail(espace: Espace, campagne_id: int, maintenant: dt.datetime) -> int:
        gestionnaire = (args.gestionnaire or espace.preferences.gestionnaire).strip()
        with espace.db.read() as session:
            plan = preparer_reception(
                session, campagne_id, lire_liste(donnees, args.liste.name), args.liste.name
            )
        for refus in plan.refus:
            print(f"Ignorée — {refus}")
        if not args.appliquer:
            print(f"{len(plan.a_marquer)} pièce(s) seraient marquées Reçue le {le:%d/%m/%Y} "
                  "(ajoutez --appliquer pour enregistrer).")  # fmt: skip
            return 0
        if not gestionnaire:
            _err("Précisez --gestionnaire : chaque décision porte le nom de son auteur.")
            return 2
        try:
            with espace.db.write() as session:
                n = appliquer_reception(session, plan, le, gestionnaire)
        except DecisionRefusee as exc:
            _err(f"Rien n'a été enregistré : {exc}")
            return 1
        print(f"{n} pièce(s) marquée(s) Reçue le {le:%d/%m/%Y} par {gestionnaire}.")
        return 0

    return _suivi(args, travail)


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop_app.services.dates import format_datetime
    from desktop_app.services.espace import donnees_locales
    from desktop_app.services.sauvegardes import Motif, lister, sauvegarder

    paths = donnees_locales(args.data_dir, args.database_url)
    if args.liste:
        sauvegardes = lister(paths.sauvegardes)
        if not sauvegardes:
            print(f"Aucune sauvegarde dans {paths.sauvegardes}")
        for s in sauvegardes:
            print(f"{format_datetime(s.horodatage)}  {_octets(s.taille):>9}  "
                  f"{s.libelle_motif:<32}  {s.chemin}")  # fmt: skip
        return 0
    if not paths.database.exists():
        _err(f"Aucune base à sauvegarder dans {paths.root}.")
        return 1
    s = sauvegarder(paths.database, paths.sauvegardes, Motif.MANUELLE)
    print(f"Sauvegarde vérifiée : {s.chemin} ({_octets(s.taille)})")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from desktop_app.models.database import REVISIONS
    from desktop_app.services.dates import format_datetime
    from desktop_app.services.espace import donnees_locales
    from desktop_app.services.sauvegardes import externe, meilleure, restaurer

    paths = donnees_locales(args.data_dir, args.database_url)
    if args.sauvegarde is not None:
        if not args.sauvegarde.is_file():
            _err(f"Sauvegarde introuvable : {args.sauvegarde}")
            return 1
        choisie = externe(args.sauvegarde)
    else:
        choisie = meilleure(paths.sauvegardes)
        if choisie is None:
            _err(f"Aucune sauvegarde en bon état dans {paths.sauvegardes}.")
            return 1
    fait = restaurer(choisie, paths.database, paths.sauvegardes, REVISIONS)
    print(f"Base restaurée depuis {choisie.chemin.name} ({format_datetime(choisie.horodatage)}).")
    if fait.securite is not None:
        print(f"La base remplacée est sauvegardée dans {fait.securite.chemin}")
    if fait.mise_de_cote is not None:
        print(f"La base endommagée est conservée telle quelle : {fait.mise_de_cote}")
    return 0


def cmd_verify_audit(args: argparse.Namespace) -> int:
    from desktop_app.services.audit import Ancre, ancres_des_sauvegardes, verifier_historique

    try:
        donnees = [Ancre.lue(texte, "ancre donnée") for texte in args.ancre]
    except ValueError as exc:
        _err(str(exc))
        return 2
    espace = _ouvrir(args)
    try:
        ancres = [*ancres_des_sauvegardes(espace.paths.sauvegardes), *donnees]
        with espace.db.read() as session:
            verification = verifier_historique(session, ancres)
    finally:
        espace.close()
    print(verification.rapport())
    return 0 if verification.intacte else 1


def cmd_purge(args: argparse.Namespace) -> int:
    from desktop_app.services.purge import PurgeRefusee, purger_campagne

    espace = _ouvrir(args)
    try:
        gestionnaire = (args.gestionnaire or espace.preferences.gestionnaire).strip()
        bilan = purger_campagne(espace, args.campagne, gestionnaire, args.confirmer)
    except PurgeRefusee as exc:
        _err(str(exc))
        return 2
    finally:
        espace.close()
    print(bilan)
    return 0


def cmd_historique(args: argparse.Namespace) -> int:
    from desktop_app.services.audit import CandidatInconnu, exporter_historique

    espace = _ouvrir(args)
    try:
        with espace.db.read() as session:
            n = exporter_historique(session, args.candidat, args.sortie)
    except CandidatInconnu as exc:
        _err(str(exc))
        return 1
    except OSError as exc:
        _err(f"Impossible d'écrire {args.sortie} : {cause(exc, args.sortie.parent)}")
        return 1
    finally:
        espace.close()
    print(f"{n} décision(s) de l'historique écrite(s) dans {args.sortie}")
    return 0


def _octets(n: int) -> str:
    return f"{n / 1_048_576:.1f} Mo".replace(".", ",")


def _dossier(args: argparse.Namespace) -> Path | None:
    """The data folder the command works in, to tell a full disk from another failure."""
    from desktop_app.paths import resolve_data_dir

    try:
        return resolve_data_dir(getattr(args, "data_dir", None)).root
    except Exception:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = _parser(commandes=bool(arguments)).parse_args(arguments)
    from desktop_app import journal
    from desktop_app.causes import Refus
    from desktop_app.paths import dossier_journal, proteger_creations

    commands = {
        "import": cmd_import,
        "export": cmd_export,
        "demo": cmd_demo,
        "check": cmd_check,
        "campagnes": cmd_campagnes,
        "relances": cmd_courriers,
        "fiches": cmd_courriers,
        "annulations": cmd_annulations,
        "matrix": cmd_matrix,
        "pieces": cmd_pieces,
        "reception": cmd_reception,
        "backup": cmd_backup,
        "restore": cmd_restore,
        "verify-audit": cmd_verify_audit,
        "historique": cmd_historique,
        "purge": cmd_purge,
    }
    proteger_creations()  # base, store, backups, log: candidates' data, the user's only
    journal.configurer(dossier_journal(), fenetre=args.commande is None and not args.smoke_test)
    try:
        if args.smoke_test:
            from desktop_app.smoke_test import executer

            return executer()
        if args.commande is None:
            from desktop_app.app import run_gui

            return run_gui(args)
        return commands[args.commande](args)
    except Refus as exc:  # said in French by whoever refused: a base, a disk, a package…
        _err(str(exc))
        return 1
    except KeyboardInterrupt:
        _err("Interrompu.")
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error of ours
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter quiet at exit
        return 0
    except OSError as exc:  # a full disk, a read-only folder: said, never a traceback
        fichier = f" ({exc.filename})" if exc.filename else ""
        dossier = Path(exc.filename).parent if exc.filename else None
        _err(f"Écriture ou lecture impossible{fichier} : {cause(exc, dossier)}. Rien n'a été "
             "perdu.")  # fmt: skip
        return 1
    except Exception as exc:
        # (SQLAlchemy is not imported to catch its errors: the window is painted before it.)
        sqlalchemy = sys.modules.get("sqlalchemy.exc")
        if sqlalchemy is None or not isinstance(exc, sqlalchemy.SQLAlchemyError):
            raise
        _err(f"La base de données n'a pas répondu : {cause(exc, _dossier(args))}. Rien n'a "
             "été enregistré "
             "par cette commande ; réessayez.")  # fmt: skip
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["main"]
