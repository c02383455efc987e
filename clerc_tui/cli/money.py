"""`clerc statement` (a dossier's décompte) and `clerc rates` (the étude's own rate rows)."""

from __future__ import annotations

import sys

from clerc_tui.cli.options import date_or_today, open_base, refuse_pdf_on_terminal, write_output
from clerc_tui.rules.french import format_date

FORMATS = ("text", "html", "json", "pdf")


COMMANDS = ("statement", "rates")


def add_parsers(sub) -> None:
    statement = sub.add_parser(
        "statement",
        help="décompte d'un dossier à une date",
        description="Décompte d'un dossier arrêté à une date : créances, intérêts période par "
        "période, frais, paiements et leur imputation, totaux.",
    )
    statement.add_argument("reference", metavar="REF", help="référence du dossier, par exemple 2026-000124")
    statement.add_argument(
        "--at", metavar="DATE", help="date d'arrêté (jj/mm/aaaa ou aaaa-mm-jj ; défaut : aujourd'hui)"
    )
    statement.add_argument("--format", default="text", choices=FORMATS, help="text (défaut), html, json ou pdf")
    statement.add_argument(
        "--output",
        metavar="FICHIER",
        help="fichier à écrire, entier ou pas du tout (défaut : sortie standard ; le PDF n'y va que redirigé)",
    )

    rates = sub.add_parser("rates", help="taux de l'intérêt légal et de la BCE, et ceux saisis par l'étude")
    rates_sub = rates.add_subparsers(dest="rates_command", required=True, parser_class=sub._parser_class)
    add = rates_sub.add_parser(
        "add",
        help="ajoute un taux que les tables livrées n'ont pas",
        description="Ajoute un taux pour une période absente des tables livrées avec clerc (par exemple un semestre "
        "dont l'arrêté est postérieur à cette version). Il ne peut ni recouvrir un taux livré ni laisser "
        "de trou ; il est signalé sur chaque décompte qui l'utilise.",
    )
    add.add_argument("--table", required=True, choices=("legal", "ecb"), help="legal (intérêt légal) ou ecb (BCE)")
    add.add_argument("--category", help="pour le taux légal : particulier ou autres")
    add.add_argument("--from", dest="valid_from", required=True, metavar="DATE", help="premier jour de la période")
    add.add_argument("--to", dest="valid_to", required=True, metavar="DATE", help="dernier jour de la période")
    add.add_argument("--value", required=True, help="taux annuel en %%, par exemple 6,67")
    add.add_argument("--source", required=True, help="texte publié et où il a été lu (arrêté du …, JO du …)")
    listing = rates_sub.add_parser("list", help="liste les taux en vigueur (livrés et saisis par l'étude)")
    listing.add_argument("--table", choices=("legal", "ecb"), help="une seule table")
    listing.add_argument("--etude", action="store_true", help="seulement les taux saisis par l'étude")


def run(args) -> int:
    open_base(args)
    if args.command == "statement":
        return _statement(args)
    return _rates(args)


def _statement(args) -> int:
    from clerc_tui.report.statement import statement_html, statement_json, statement_pdf, statement_text
    from clerc_tui.services.statement import statement_by_reference

    refuse_pdf_on_terminal(args, "Le décompte", "decompte.pdf")
    if args.output:
        from clerc_tui.services.files import check_writable

        check_writable(args.output, what="Décompte")
    at = date_or_today(args.at, args)
    statement = statement_by_reference(args.reference, at)
    content: str | bytes
    if args.format == "pdf":
        from clerc_tui.services.etude import letterhead

        content = statement_pdf(statement, letterhead(contact=True))
    elif args.format == "json":
        content = statement_json(statement) + "\n"
    elif args.format == "html":
        content = statement_html(statement)
    else:
        content = statement_text(statement)
    if args.output:
        from clerc_tui.rules.french import format_size
        from clerc_tui.services.files import write_whole

        data = content if isinstance(content, bytes) else content.encode("utf-8")
        path = write_whole(args.output, data, what="Décompte")
        sys.stdout.write(f"Décompte écrit : {path} ({format_size(len(data))}).\n")
    else:
        write_output(content)
    return 0


def _rates(args) -> int:
    from clerc_tui.rules.french import format_percent
    from clerc_tui.services import rates
    from clerc_tui.services.context import identify

    out = sys.stdout
    if args.rates_command == "add":
        row = rates.add_etude_rate(
            identify(),
            table=args.table,
            category=args.category,
            valid_from=args.valid_from,
            valid_to=args.valid_to,
            value=args.value,
            source=args.source,
        )
        what = f" ({row.category})" if row.category else ""
        out.write(
            f"Taux saisi par l'étude enregistré : {args.table}{what} du {format_date(row.valid_from)} au "
            f"{format_date(row.valid_to)}, {format_percent(row.value)} — source : {row.source}\n"
        )
        return 0
    for row in rates.list_rates(args.table):
        if args.etude and not row.from_etude:
            continue
        origin = f"étude ({row.entered_by}, {format_date(row.entered_on)})" if row.from_etude else "clerc"
        out.write(
            "\t".join(
                (
                    rates.table_of(row),
                    row.category or "",
                    format_date(row.valid_from),
                    format_date(row.valid_to),
                    format_percent(row.value),
                    origin,
                    row.source,
                )
            )
            + "\n"
        )
    return 0
