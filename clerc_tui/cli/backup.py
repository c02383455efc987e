"""`clerc backup [DEST]` and `clerc restore FICHIER` (services/backup.py, docs/backups.md)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from clerc_tui.cli.options import database_url, open_base

COMMANDS = ("backup", "restore")


def add_parsers(sub) -> None:
    from clerc_tui.services.backup import DEFAULT_KEEP

    backup = sub.add_parser(
        "backup",
        help="copie vérifiée de la base, pendant que les clercs travaillent (cron)",
        description="Copie cohérente de la base (API de sauvegarde de SQLite, pg_dump pour PostgreSQL), "
        "vérifiée comme par clerc check (fichier, chaînes d'empreintes, numéros de pièces), écrite "
        "sous le nom BASE-AAAA-MM-JJTHHMMSS.db ; seules les N dernières copies ainsi nommées sont "
        "gardées. Voir docs/backups.md.",
    )
    backup.add_argument(
        "dest",
        nargs="?",
        metavar="DOSSIER",
        help="dossier des copies (défaut : backups/ à côté de la base)",
    )
    backup.add_argument(
        "--keep",
        type=int,
        default=DEFAULT_KEEP,
        metavar="N",
        help=f"nombre de copies gardées dans le dossier, la nouvelle comprise (défaut : {DEFAULT_KEEP})",
    )
    restore = sub.add_parser(
        "restore",
        help="remet une copie à la place de la base (refusé tant que d'autres clercs sont connectés)",
        description="Vérifie la copie, puis, si aucun autre clerc n'a la base ouverte, la met à la place "
        "de la base en gardant celle-ci à côté (BASE.avant-restauration-….db, jamais effacée). "
        "Tout ou rien. Voir docs/backups.md.",
    )
    restore.add_argument("file", metavar="FICHIER", help="la copie à remettre (écrite par clerc backup)")


def run(args) -> int:
    from clerc_tui.cli.progress import progress_bar
    from clerc_tui.rules.french import format_date, format_decimal, format_size
    from clerc_tui.services import backup as service

    target = database_url(args)
    now = datetime.now()  # the CLI's clock names the files
    if args.command == "backup":
        open_base(args)  # refuses a missing base; brings an old one up to date like every command
        with progress_bar("Copie de la base") as tick:
            done = service.backup(
                target, Path(args.dest) if args.dest else None, keep=args.keep, now=now, progress=tick
            )
        seconds = format_decimal(Decimal(f"{done.seconds:.1f}"))
        print(f"Copie écrite : {done.path} ({format_size(done.size)}, en {seconds} s).")
        print(f"Vérifiée : {done.verified}.")
        print(f"Copies gardées dans {done.path.parent} : {len(done.kept)} (la plus ancienne : {done.kept[0].name}).")
        for path in done.removed:
            print(f"Supprimée (au-delà des {args.keep} dernières) : {path.name}")
        for path in done.leftovers:
            print(f"ATTENTION : {path} reste d'une copie interrompue, incomplète ; à supprimer.")
        return 0
    with progress_bar("Copie et vérification de la sauvegarde") as tick:
        restored = service.restore(target, Path(args.file), now=now, progress=tick)
    print(f"Base restaurée : {restored.base} ← {Path(args.file)} (schéma {restored.schema}).")
    print(f"Vérifiée avant d'être mise en place : {restored.verified}.")
    print(
        f"L'ancienne base est gardée sous {restored.aside} (jamais effacée par clerc ; "
        f"restauration du {format_date(now.date())} à {now:%H:%M})."
    )
    return 0
