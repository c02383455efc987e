"""`clerc report creditor NOM --from JJ/MM/AAAA --to JJ/MM/AAAA --format csv|pdf [--output F]`."""

from __future__ import annotations

import sys

from clerc_tui.cli.options import date_arg, open_base, today_of
from clerc_tui.errors import InvalidInput
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
        "« ; », décimales à virgule, UTF-8 avec BOM (Excel). Définitions : docs/reporting.md.",
    )
    creditor.add_argument("creditor", metavar="NOM", help="nom du créancier (début du nom, accents ignorés)")
    creditor.add_argument("--from", dest="start", required=True, type=date_arg, metavar="JJ/MM/AAAA")
    creditor.add_argument("--to", dest="end", required=True, type=date_arg, metavar="JJ/MM/AAAA")
    creditor.add_argument("--format", default="csv", choices=("csv", "pdf"), help="csv (défaut) ou pdf")
    creditor.add_argument("--output", metavar="FICHIER", help="fichier à écrire (défaut : sortie standard pour csv)")


def run(args) -> int:
    from clerc_tui.cli.progress import progress_bar
    from clerc_tui.report.creditor import PDF_MISSING, creditor_document, pdf_renderer, report_csv
    from clerc_tui.services.creditor_report import check_period, creditor_report, find_creditor
    from clerc_tui.services.files import write_whole

    today = today_of(args)
    render_pdf = None
    if args.format == "pdf":
        render_pdf = pdf_renderer()
        if render_pdf is None:
            raise InvalidInput(PDF_MISSING)
        if not args.output:
            raise InvalidInput("Un rapport PDF s'écrit dans un fichier : ajoutez --output FICHIER.pdf.")
    check_period(args.start, args.end, today)  # before opening the base: a typo costs nothing
    open_base(args)
    creditor_id, _ = find_creditor(args.creditor)
    with progress_bar("Rapport créancier : soldes, par lots de dossiers") as tick:
        report = creditor_report(creditor_id, args.start, args.end, today, progress=tick)
    content: str | bytes = report_csv(report) if render_pdf is None else render_pdf(creditor_document(report))
    if args.output:
        path = write_whole(args.output, content, what="Rapport créancier")
        sys.stderr.write(
            f"Rapport de {report.creditor} écrit : {path} ({format_integer(len(report.lines))} dossier(s)).\n"
        )
    else:
        assert isinstance(content, str)
        sys.stdout.write(content)
    return 0
