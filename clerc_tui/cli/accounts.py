"""`clerc check`, `clerc export fec`, `clerc reversements …`, `clerc document NUMERO`."""

from __future__ import annotations

import sys
from datetime import date

from clerc_tui.cli.options import date_or_today, open_base, today_of
from clerc_tui.errors import InvalidInput
from clerc_tui.rules.french import format_amount, format_date, format_integer, parse_date
from clerc_tui.rules.money import ZERO

COMMANDS = ("check", "balances", "export", "reversements", "document", "bill")


def add_parsers(sub) -> None:
    check = sub.add_parser(
        "check",
        help="vérifie l'intégrité de la base et que chaque solde égale ses écritures",
        description="Vérifie les droits des fichiers d'une base partagée (chaque anomalie avec la commande "
        "qui la corrige), le fichier (PRAGMA integrity_check), les chaînes d'empreintes du "
        "journal et de l'audit, la suite des numéros de factures et de reçus, les "
        "lignes orphelines ; recalcule, pour chaque dossier, les totaux de son journal "
        "et son solde à la date où il a été enregistré. Nomme chaque anomalie (code "
        "de sortie 1).",
    )
    check.add_argument(
        "--sans-solde", dest="no_balance", action="store_true", help="ne recalcule pas les décomptes (plus rapide)"
    )

    balances = sub.add_parser(
        "balances",
        help="recalcule le solde de chaque dossier ouvert à la date du jour",
        description="Les intérêts courent chaque jour ; le solde affiché dans la liste est celui "
        "du dernier changement du dossier. À lancer chaque nuit (cron).",
    )
    balances.add_argument("--date", dest="on", metavar="DATE", help="date du solde (défaut : aujourd'hui)")

    export = sub.add_parser("export", help="exports pour la comptabilité de l'étude")
    export_sub = export.add_subparsers(dest="export_command", required=True, parser_class=sub._parser_class)
    fec = export_sub.add_parser("fec", help="écritures de la période au format FEC (séparateur |)")
    fec.add_argument("--from", dest="start", required=True, metavar="DATE", help="premier jour")
    fec.add_argument("--to", dest="end", required=True, metavar="DATE", help="dernier jour")
    fec.add_argument("--out", metavar="FICHIER", help="fichier à écrire (défaut : sortie standard)")

    rev = sub.add_parser("reversements", help="reversements aux créanciers")
    rev_sub = rev.add_subparsers(dest="rev_command", required=True, parser_class=sub._parser_class)
    rev_sub.add_parser("du", help="ce qui est dû à chaque créancier")
    run = rev_sub.add_parser(
        "run", help="enregistre un reversement de tout ce qui est dû et écrit le fichier des virements"
    )
    run.add_argument("--date", dest="on", metavar="DATE", help="date du reversement (défaut : aujourd'hui)")
    run.add_argument(
        "--csv",
        metavar="FICHIER",
        help="fichier CSV des virements (défaut : sortie standard) ; s'il ne peut être écrit, rien n'est enregistré",
    )
    run.add_argument(
        "--sepa",
        metavar="FICHIER",
        help="fichier SEPA des virements (pain.001.001.09, pour la banque), vérifié par son schéma ; "
        "s'il ne peut être écrit, rien n'est enregistré",
    )
    again = rev_sub.add_parser(
        "fichier",
        help="écrit de nouveau le fichier des virements d'un reversement passé",
        description="Le fichier est identique, octet pour octet, à celui écrit lors du "
        "reversement (reversements enregistrés depuis la version 12 du schéma).",
    )
    again.add_argument("run_id", metavar="RUN", type=int, help="numéro du reversement")
    again.add_argument("--csv", metavar="FICHIER", help="fichier CSV à écrire (défaut : sortie standard)")
    again.add_argument("--sepa", metavar="FICHIER", help="fichier SEPA (pain.001.001.09) à écrire")
    bank = rev_sub.add_parser(
        "iban",
        help="enregistre l'IBAN (et le BIC) où reverser à un créancier",
        description="Un créancier sans IBAN est retenu par les reversements : rien n'est "
        "enregistré pour lui tant que son IBAN n'est pas connu.",
    )
    bank.add_argument("creditor", metavar="CREANCIER", help="nom du créancier (début du nom)")
    bank.add_argument("iban", metavar="IBAN", help="par exemple FR76 3000 6000 0112 3456 7890 189")
    bank.add_argument("--bic", default="", metavar="BIC")
    stmt = rev_sub.add_parser("releve", help="relevé d'un créancier sur une période")
    stmt.add_argument("creditor", metavar="CREANCIER", help="nom du créancier (début du nom)")
    stmt.add_argument("--from", dest="start", required=True, metavar="DATE")
    stmt.add_argument("--to", dest="end", required=True, metavar="DATE")

    bill = sub.add_parser(
        "bill",
        help="facture un acte au tarif sur un dossier (et imprime la facture)",
        description="Émolument × coefficient A444-46, droit d'engagement des poursuites (premier "
        "acte d'exécution), déplacement, TVA ; numéro de facture de l'année.",
    )
    bill.add_argument("reference", metavar="REF", help="référence du dossier")
    bill.add_argument("--act", required=True, metavar="CODE", help="code de l'acte (clerc bill REF --act liste)")
    bill.add_argument("--date", dest="on", metavar="DATE", help="date de l'acte (défaut : aujourd'hui)")
    bill.add_argument("--emolument", metavar="MONTANT", help="émolument HT vérifié, quand le tarif n'en a pas")
    doc = sub.add_parser("document", help="imprime une facture, un avoir ou un reçu par son numéro")
    doc.add_argument("number", metavar="NUMERO", help="par exemple F2026-000001 ou R2026-000003")
    doc.add_argument("--format", default="text", choices=("text", "html"), help="text (défaut) ou html")


def run(args) -> int:
    open_base(args)
    today = today_of(args)
    out = sys.stdout
    if args.command == "check":
        return _check(args, out)
    if args.command == "balances":
        from clerc_tui.cli.progress import progress_bar
        from clerc_tui.services.balances import refresh_balances

        on = date_or_today(args.on, args)
        with progress_bar("Soldes, par lots de dossiers") as tick:
            count = refresh_balances(on, progress=tick)
        out.write(f"Soldes recalculés au {format_date(on)} : {format_integer(count)} dossier(s) non clos.\n")
        return 0
    if args.command == "export":
        from clerc_tui.cli.progress import progress_bar
        from clerc_tui.services.accounting import fec_lines

        with progress_bar("Export FEC, écriture par écriture") as tick:
            text = "\n".join(fec_lines(parse_date(args.start), parse_date(args.end), progress=tick)) + "\n"
        if args.out:
            from clerc_tui.services.files import write_whole

            write_whole(args.out, text, what="Export FEC")
            out.write(f"Export FEC écrit : {args.out} ({text.count(chr(10)) - 1} lignes).\n")
        else:
            out.write(text)
        return 0
    if args.command == "document":
        from clerc_tui.report.documents import document_html, document_text
        from clerc_tui.services.documents import document_by_number

        document = document_by_number(args.number)
        out.write(document_html(document) if args.format == "html" else document_text(document))
        return 0
    if args.command == "bill":
        return _bill(args, today, out)
    return _reversements(args, today, out)


def _bill(args, today: date, out) -> int:
    from clerc_tui.report.documents import document_text
    from clerc_tui.rules.tariff import act_choices
    from clerc_tui.services.billing import bill_act
    from clerc_tui.services.context import identify
    from clerc_tui.services.documents import document_of
    from clerc_tui.services.dossiers import find_by_reference

    if args.act == "liste":
        out.writelines(f"{code}\t{label}\n" for code, label in act_choices())
        return 0
    dossier_id = find_by_reference(args.reference)
    if dossier_id is None:
        raise InvalidInput(f"Aucun dossier ne porte la référence « {args.reference} ».")
    on = date_or_today(args.on, args)
    entry = bill_act(identify(), dossier_id, args.act, on, base=args.emolument, today=today)
    out.write(document_text(document_of(entry)))
    return 0


def _check(args, out) -> int:
    from clerc_tui.cli.options import database_choice
    from clerc_tui.cli.progress import progress_bar
    from clerc_tui.services.database import sharing_report
    from clerc_tui.services.integrity import TABLE_LABELS, chain_heads, check_accounts, check_integrity

    layout = sharing_report(expected=database_choice(args).source == "system_config")
    if layout:
        out.write(layout + "\n")
    breaks = check_integrity()
    with progress_bar("Comptes et soldes, dossier par dossier") as tick:
        checked, problems = check_accounts(with_balance=not args.no_balance, progress=tick)
    if breaks:
        out.write(
            f"RUPTURES : {len(breaks)} anomalie(s) d'intégrité (ligne modifiée, supprimée, ajoutée hors de "
            "clerc, numéro manquant, ligne orpheline).\n"
        )
        for b in breaks:
            out.write(f"  {b}\n")
    else:
        out.write(
            "Intégrité vérifiée : fichier sain, journal et audit chaînés sans rupture, numéros de pièces "
            "continus, aucune ligne orpheline.\n"
        )
    if not problems:
        out.write(f"Comptes vérifiés : {format_integer(checked)} dossier(s) avec écritures, tous équilibrés.\n")
    else:
        out.write(f"ÉCARTS : {len(problems)} différence(s) sur {format_integer(checked)} dossier(s) vérifiés.\n")
        for p in problems:
            out.write(
                f"  {p.reference} — {p.what} : enregistré {format_amount(p.stored)}, "
                f"selon les écritures {format_amount(p.computed)}\n"
            )
    for table, head in chain_heads().items():
        if head is not None:
            out.write(f"Dernière empreinte du {TABLE_LABELS[table]} (n° {head[0]}) : {head[1]}\n")
    return 1 if breaks or problems or layout else 0


def _reversements(args, today: date, out) -> int:
    from clerc_tui.services import remittances

    if args.rev_command == "du":
        from clerc_tui.cli.progress import progress_bar

        pending = remittances.pending_run()
        if pending is not None:
            sys.stderr.write(f"ATTENTION : {remittances.pending_text(pending)}\n")
        with progress_bar("Sommes dues, dossier par dossier") as tick:
            rows = remittances.due_by_creditor(today, progress=tick)
        if not rows:
            out.write("Rien à reverser.\n")
        for name, count, fee, given_back, net in rows:
            back = f"\trégularisation A444-32 rendue {format_amount(given_back)}" if given_back else ""
            out.write(
                f"{name}\t{count} dossier(s)\tretenue A444-32 {format_amount(fee)}{back}\tà reverser "
                f"{format_amount(net)}\n"
            )
        return 0
    if args.rev_command == "run":
        from clerc_tui.cli.progress import progress_bar
        from clerc_tui.services.context import identify

        on = date_or_today(args.on, args)
        pending = remittances.pending_run()
        if pending is not None:
            sys.stderr.write(f"{remittances.pending_text(pending)}\n")
        from clerc_tui.report.sepa import pain001

        with progress_bar("Reversement : calcul, dossier par dossier") as tick:
            result = remittances.execute_run(
                identify(),
                on,
                today=today,
                csv_path=args.csv,
                sepa_path=args.sepa,
                render_sepa=pain001,
                progress=tick,
                writing=tick and (lambda done, total: tick(done, total, "Reversement : écriture, par créancier")),
            )
        if not args.csv:
            out.write(result.transfers)
        regularised = sum((x.regularisation for x in result.lines), ZERO)
        back = f", dont {format_amount(regularised)} de retenue A444-32 rendue (régularisation)" if regularised else ""
        where = f" Virements : {result.path}." if result.path else ""
        if result.sepa_path:
            where += f" Virements SEPA : {result.sepa_path}."
        if result.resumed:
            sys.stderr.write(f"{remittances.resumed_text(result)}\n")
        sys.stderr.write(
            f"Reversement n° {result.run_id} du {format_date(result.run_on)} : "
            f"{format_integer(result.entries)} dossier(s), "
            f"{format_amount(result.total)} reversés{back}.{where}\n"
        )
        if args.sepa and result.sepa_note:
            sys.stderr.write(f"{result.sepa_note}\n")
        if result.held:
            sys.stderr.write(f"ATTENTION : {remittances.held_back_text(result.held)}\n")
            for x in result.held:
                sys.stderr.write(f"  {x.reference}\t{x.creditor_name}\t{format_amount(x.net)}\n")
        return 0
    if args.rev_command == "fichier":
        text, missing = remittances.transfer_file(args.run_id)
        if args.sepa:
            path = remittances.write_run_sepa(args.run_id, args.sepa)
            sys.stderr.write(f"Fichier SEPA des virements du reversement n° {args.run_id} écrit : {path}.\n")
        if args.csv:
            path = remittances.write_run_csv(args.run_id, args.csv)
            sys.stderr.write(f"Fichier des virements du reversement n° {args.run_id} écrit : {path}.\n")
        elif not args.sepa:
            out.write(text)
        if missing:
            sys.stderr.write(
                f"ATTENTION : {len(missing)} reversement(s) sans IBAN du créancier, absents du fichier "
                f"(à payer autrement) : {', '.join(missing)}\n"
            )
        return 0
    creditor = _creditor(args.creditor)
    if args.rev_command == "iban":
        from clerc_tui.rules.identifiers import format_iban
        from clerc_tui.services.context import identify
        from clerc_tui.services.creditors import set_creditor_bank

        creditor = set_creditor_bank(identify(), creditor.id, args.iban, args.bic)
        out.write(
            f"{creditor.display_name} : IBAN {format_iban(creditor.iban)}"
            + (f", BIC {creditor.bic}" if creditor.bic else "")
            + " enregistré.\n"
        )
        return 0
    out.write(remittances.creditor_statement(creditor.id, parse_date(args.start), parse_date(args.end)))
    return 0


def _creditor(name: str):
    """The first creditor whose name starts with `name` (accents and case aside)."""
    from clerc_tui.services.creditors import creditor_by_prefix

    creditor = creditor_by_prefix(name)
    if creditor is None:
        raise InvalidInput(f"Aucun créancier dont le nom commence par « {name} ».")
    return creditor
