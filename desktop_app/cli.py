"""Command line. No sub-command opens the window; the sub-commands are headless and use exactly
the services the window uses. Messages are French; exit codes: 0 success, 1 the work could not
be done (unusable package, unreadable file...), 2 a usage error."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app import APP_NAME, __version__

if TYPE_CHECKING:  # the sub-commands import what they need: `--help` stays instant
    from desktop_app.services.espace import Espace


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DOSSIER",
        help="dossier des données (base et fichiers) ; sinon CONTROLE_PJ_DATA_DIR "
        "ou le dossier de données de l'utilisateur",
    )
    common.add_argument(
        "--database-url",
        metavar="URL",
        help="base partagée (mode équipe), par ex. postgresql+psycopg://…",
    )
    parser = argparse.ArgumentParser(
        prog="controle-pj",
        parents=[common],
        description=f"{APP_NAME} : contrôle des pièces justificatives. Sans commande : ouvre la "
        "fenêtre.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="crée la campagne de démonstration si la base est vide, puis ouvre",
    )
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
    return parser


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _progress_stderr(done: int, total: int, etape: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{etape} : {done}/{total}", end="", file=sys.stderr, flush=True)


def cmd_import(args: argparse.Namespace) -> int:
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.services.importer import ImportRefuse, PaquetInutilisable, importer_paquet

    espace = ouvrir_espace(args.data_dir, args.database_url)
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
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.services.exporter import exporter_decisions

    espace = ouvrir_espace(args.data_dir, args.database_url)
    try:
        campagne_id = _campagne(espace, args.campagne)
        if campagne_id is None:
            return 1
        with espace.db.read() as session:
            try:
                n = exporter_decisions(session, campagne_id, args.decisions)
            except OSError as exc:
                _err(f"Impossible d'écrire {args.decisions} : {exc.strerror or exc}")
                return 1
    finally:
        espace.close()
    print(f"{n} ligne(s) écrite(s) dans {args.decisions}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop_app.services.dates import DateInvalide, parse_date
    from desktop_app.services.demo import installer_demo
    from desktop_app.services.espace import ouvrir_espace

    try:
        reference = parse_date(args.date_reference) if args.date_reference else None
    except DateInvalide as exc:
        _err(str(exc))
        return 2
    if args.candidatures < 1:
        _err("Le nombre de candidatures doit être positif.")
        return 2
    espace = ouvrir_espace(args.data_dir, args.database_url)
    try:
        rapports = installer_demo(
            espace.db,
            espace.store,
            args.candidatures,
            graine=args.graine,
            reference=reference,
            progression=_progress_stderr,
            worker=espace.inspection,
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
    from desktop_app.services.espace import ouvrir_espace
    from desktop_app.services.requetes import campagnes

    espace = ouvrir_espace(args.data_dir, args.database_url)
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from desktop_app.documents.worker import InspectionIndisponible
    from desktop_app.models.database import DatabaseError

    commands = {
        "import": cmd_import,
        "export": cmd_export,
        "demo": cmd_demo,
        "check": cmd_check,
        "campagnes": cmd_campagnes,
    }
    try:
        if args.commande is None:
            from desktop_app.app import run_gui

            return run_gui(args)
        return commands[args.commande](args)
    except (DatabaseError, InspectionIndisponible) as exc:
        _err(str(exc))
        return 1
    except KeyboardInterrupt:
        _err("Interrompu.")
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error of ours
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter quiet at exit
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["main"]
