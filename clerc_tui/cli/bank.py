"""`clerc import bank FILE` (a bank statement, CAMT.053 or CFONB 120, matched to the dossiers) and
`clerc bank camt053` (a day of made-up transfers of the demonstration base, as a CAMT.053 file).

`add_bank_parser(import_sub)` adds `bank` under the `import` group of cli/imports.py; this module's
own group `bank` (COMMANDS) holds `camt053`."""

from __future__ import annotations

import sys
from pathlib import Path

from clerc_tui.cli.options import date_arg, open_base, today_of
from clerc_tui.cli.progress import progress_bar
from clerc_tui.errors import InvalidInput

COMMANDS = ("bank",)


def add_bank_parser(import_sub) -> None:
    """`import bank FILE [--dry-run] [--record-sure]`, for the `import` group's sub-parsers."""
    bank = import_sub.add_parser(
        "bank",
        help="importe un relevé bancaire (CAMT.053 ou CFONB 120) et rapproche ses crédits des dossiers",
        description="Importe un relevé de compte de l'étude (CAMT.053 ISO 20022 ou CFONB 120), rapproche chaque "
        "crédit d'un dossier (référence dans le libellé, montant et nom, IBAN connu) et compte les rapprochements "
        "sûrs, douteux et absents. Un relevé déjà importé ne change rien ; une ligne déjà connue n'est pas reprise. "
        "Les lignes douteuses et non rapprochées se décident à l'écran « Relevés bancaires ».",
    )
    bank.add_argument("file", metavar="FICHIER", help="le relevé (.xml CAMT.053 ou fichier CFONB 120)")
    bank.add_argument("--dry-run", action="store_true", help="lit et rapproche sans rien enregistrer")
    bank.add_argument(
        "--record-sure", action="store_true", help="enregistre aussi les versements des rapprochements sûrs"
    )
    bank.set_defaults(bank_run=run_import_bank)


def add_parsers(sub) -> None:
    bank = sub.add_parser("bank", help="relevés bancaires (import, fichier de démonstration)")
    bank_sub = bank.add_subparsers(dest="bank_command", required=True, parser_class=sub._parser_class)
    demo = bank_sub.add_parser(
        "camt053",
        help="écrit un relevé CAMT.053 de virements reçus un jour, inventés sur les dossiers ouverts (démonstration)",
        description="Écrit un relevé CAMT.053 de virements qu'une journée pourrait apporter, tirés des dossiers "
        "ouverts de la base (la plupart citent leur référence, d'autres seulement le nom du débiteur). Rien n'est "
        "écrit dans la base. Pour la démonstration : clerc bank camt053 --date 26/11/2026 --out jour.xml, puis "
        "clerc import bank jour.xml.",
    )
    demo.add_argument("--date", type=date_arg, metavar="JJ/MM/AAAA", help="jour des virements (défaut : aujourd'hui)")
    demo.add_argument("--count", type=int, default=40, metavar="N", help="nombre de virements (40 par défaut)")
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="graine du tirage (1 par défaut)")
    demo.add_argument("--out", required=True, metavar="FICHIER", help="fichier à écrire (refusé s'il existe)")


def run(args) -> int:
    return _camt053(args)


def run_import_bank(args) -> int:
    from clerc_tui.services import bank
    from clerc_tui.services.context import identify

    open_base(args)
    actor = identify()
    with progress_bar("Enregistrement des versements sûrs") as tick:
        summary = bank.import_statement(
            actor, args.file, dry_run=args.dry_run, record_sure=args.record_sure, today=today_of(args), progress=tick
        )
    for line in bank.summary_text(summary):
        sys.stdout.write(line + "\n")
    return 0


def _camt053(args) -> int:
    from clerc_tui.rules.bank_formats import write_camt053
    from clerc_tui.services import bank

    if args.count < 1 or args.count > 100_000:
        raise InvalidInput("--count : entre 1 et 100 000 virements.")
    out = Path(args.out)
    if out.exists():
        raise InvalidInput(f"{out} existe déjà : clerc n'écrase pas un fichier ; choisissez un autre nom.")
    open_base(args)
    on = args.date or today_of(args)
    received = bank.demo_day_credits(on, count=args.count, seed=args.seed)
    data = write_camt053(bank.DEMO_ACCOUNT, f"DEMO-{on:%Y%m%d}-{args.seed}", received)
    partial = out.with_name(f".{out.name}.tmp")
    partial.write_bytes(data)
    partial.replace(out)  # all or nothing: the file appears whole
    sys.stdout.write(f"{out} : {bank.demo_statement_text(on, received)}\n")
    return 0
