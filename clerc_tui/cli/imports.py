"""`clerc import`: files brought into the base. `clerc import dossiers FICHIER --creditor NOM`
(a creditor's CSV or XLSX of debts, docs/imports.md).

Another kind of file is one more sub-command of `import`: its module adds its parser to the
`import` sub-parsers (`import_sub` in `add_parsers`) and its runner to `HANDLERS`.

Exit codes: 0 every row imported (or already there), 1 some rows refused (listed, with their
line and reason; the others are imported unless --dry-run), 2 the command itself refused (file
unreadable, unknown creditor, incomplete or unconfirmed mapping).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from clerc_tui.cli import bank
from clerc_tui.cli.options import open_base, today_of
from clerc_tui.errors import InvalidInput

COMMANDS = ("import",)


def add_parsers(sub) -> None:
    parser = sub.add_parser("import", help="importe un fichier (dossiers d'un créancier)")
    import_sub = parser.add_subparsers(dest="import_command", required=True, parser_class=sub._parser_class)
    bank.add_bank_parser(import_sub)  # `clerc import bank RELEVÉ` (cli/bank.py)
    dossiers = import_sub.add_parser(
        "dossiers",
        help="dossiers d'un créancier, d'un fichier CSV ou XLSX (une ligne par créance)",
        description="Importe les créances d'un fichier CSV (séparateur et encodage reconnus) ou XLSX. "
        "Code de sortie : 0 tout importé ou déjà présent, 1 des lignes refusées (listées), 2 commande refusée.",
    )
    dossiers.add_argument("file", metavar="FICHIER", help="fichier CSV ou XLSX du créancier")
    dossiers.add_argument("--creditor", required=True, metavar="NOM", help="le créancier (mandant), par son nom")
    dossiers.add_argument(
        "--dry-run", action="store_true", help="vérifie toutes les lignes et liste les refus, sans rien enregistrer"
    )
    dossiers.add_argument(
        "--mapping",
        metavar="CHAMP=COLONNE;…",
        default="",
        help="corrige la correspondance des colonnes (ex. « reference=Réf. dossier;principal=Capital ») ; "
        "« champ= » ignore le champ",
    )
    dossiers.add_argument(
        "--accept-mapping",
        action="store_true",
        help="confirme une correspondance nouvelle ou modifiée (elle est alors enregistrée pour ce créancier)",
    )


def run(args: argparse.Namespace) -> int:
    return HANDLERS[args.import_command](args)


def _dossiers(args: argparse.Namespace) -> int:
    from clerc_tui.cli.progress import progress_bar
    from clerc_tui.services import imports
    from clerc_tui.services.context import identify

    open_base(args)
    today = today_of(args)
    out = sys.stdout
    table = imports.open_table(Path(args.file))
    creditor_id, creditor_name = imports.creditor_named(args.creditor)
    corrections = imports.parse_mapping_text(args.mapping) if args.mapping else None
    mapping = imports.resolve_mapping(creditor_id, table.headers, corrections)
    out.write(f"Fichier : {table.path.name} ({table.description})\nCréancier : {creditor_name}\n")
    out.write(f"Correspondance des colonnes ({mapping.origin}) :\n")
    for label, header in mapping.lines():
        out.write(f"  {label:<24} ← {header}\n")
    imports.check_mapping(mapping, table.headers)
    if args.dry_run:
        with progress_bar("Vérification") as tick:
            report = imports.analyse(table, creditor_id, mapping, today, progress=tick)
        _refusals(report)
        out.write(
            f"Essai, rien n'est enregistré : {report.valid} à créer, {report.present} déjà présent(s), "
            f"{len(report.refused)} refusé(s) ({report.rows} lignes lues).\n"
        )
        return 1 if report.refused else 0
    if mapping.columns != mapping.saved and not args.accept_mapping:
        raise InvalidInput(
            "Correspondance des colonnes nouvelle pour ce créancier : vérifiez-la ci-dessus (et les refus avec "
            "--dry-run), puis relancez avec --accept-mapping pour l'enregistrer et importer."
        )
    actor = identify()
    with progress_bar("Import") as tick:
        report = imports.run_import(actor, table, creditor_id, mapping, today, progress=tick)
    _refusals(report)
    out.write(f"Import terminé : {report.summary}.\n")
    return 1 if report.refused else 0


def _refusals(report) -> None:
    out = sys.stdout
    if report.refused:
        out.write(f"Lignes refusées ({len(report.refused)}) :\n")
        for refusal in report.refused:
            reference = f" (réf. {refusal.reference})" if refusal.reference else ""
            out.write(f"  ligne {refusal.line}{reference} : {refusal.reason}\n")


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {"dossiers": _dossiers, "bank": bank.run_import_bank}
