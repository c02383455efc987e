"""`clerc report creditor NOM --from JJ/MM/AAAA --to JJ/MM/AAAA --format csv|pdf [--output F]`."""

from __future__ import annotations

import sys

from clerc_tui.cli.options import date_arg, open_base, refuse_pdf_on_terminal, today_of, write_output
from clerc_tui.rules.french import format_integer

COMMANDS = ("report",)


def add_parsers(sub) -> None:
    report = sub.add_parser("report", help="rapports pour les créanciers")
    report_sub = report.add_subparsers(dest="report_command", required=True, parser_class=sub._parser_class)
    creditor = report_sub.add_parser(
        "creditor",
        help="rapport d'un créancier sur une période : chaque dossier, encaissé, frais, reversé, solde, suite",
        description="Chaque dossier du créancier ouvert avant la fin de la période : versé et encaissé sur la "
        "période et depuis le début, frais d'actes, débours, A444-31, retenues, reversé, à reverser, solde dû "
        "à la fin de la période (intérêts compris), phase et prochaine échéance ; les totaux. CSV : séparateur "
        "« ; », décimales à virgule, UTF-8 avec BOM (Excel). PDF : les mêmes chiffres sous l'en-tête de "
        "l'étude, avec les graphiques (encaissements par mois, taux de recouvrement). Définitions : "
        "docs/reporting.md.",
    )
    creditor.add_argument("creditor", metavar="NOM", help="nom du créancier (début du nom, accents ignorés)")
    creditor.add_argument("--from", dest="start", required=True, type=date_arg, metavar="JJ/MM/AAAA")
    creditor.add_argument("--to", dest="end", required=True, type=date_arg, metavar="JJ/MM/AAAA")
    creditor.add_argument("--format", default="csv", choices=("csv", "pdf"), help="csv (défaut) ou pdf")
    creditor.add_argument(
        "--output",
        metavar="FICHIER",
        help="fichier à écrire, entier ou pas du tout (défaut : sortie standard ; le PDF n'y va que redirigé)",
    )


def run(args) -> int:
    from clerc_tui.cli.progress import progress_bar
    from clerc_tui.report.creditor import creditor_document, report_csv
    from clerc_tui.services.creditor_report import check_period, creditor_report, find_creditor
    from clerc_tui.services.files import check_writable, write_whole

    today = today_of(args)
    refuse_pdf_on_terminal(args, "Le rapport", "rapport.pdf")
    if args.output:
        check_writable(args.output, what="Rapport créancier")
    check_period(args.start, args.end, today)  # before opening the base: a typo costs nothing
    open_base(args)
    creditor_id, _ = find_creditor(args.creditor)
    with progress_bar("Rapport créancier : soldes, par lots de dossiers") as tick:
        report = creditor_report(creditor_id, args.start, args.end, today, progress=tick)
    content: str | bytes
    if args.format == "pdf":
        from clerc_tui.report.pdf import document_pdf
        from clerc_tui.services.etude import letterhead

        content = document_pdf(creditor_document(report, letterhead(contact=True)))
    else:
        content = report_csv(report)
    if args.output:
        path = write_whole(args.output, content, what="Rapport créancier")
        sys.stderr.write(
            f"Rapport de {report.creditor} écrit : {path} ({format_integer(len(report.lines))} dossier(s)).\n"
        )
    else:
        write_output(content)
    return 0
