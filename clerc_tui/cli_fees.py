"""`clerc calc recovery-fee` (A444-31 / A444-32 outside any dossier) and `clerc etude`."""

from __future__ import annotations

import json
import sys
from datetime import date

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.dates import format_date, parse_date
from clerc_tui.report.fees import fees_text
from clerc_tui.rules.money import format_amount
from clerc_tui.rules.tariff import calculate_recovery_fees

YES, NO = ("oui", "o", "yes", "true", "1"), ("non", "n", "no", "false", "0")


def add_calc_parser(calc_sub) -> None:
    p = calc_sub.add_parser(
        "recovery-fee", help="droits proportionnels de recouvrement A444-31 et A444-32",
        description="Droit proportionnel à la charge du débiteur (A444-31) et du créancier (A444-32) : forfait quand "
                    "la créance ne dépasse pas le seuil, sinon barème sur les sommes encaissées au titre du principal "
                    "(hors dépens), dans la limite du plafond ; TVA en sus.")
    p.add_argument("--claim", required=True, metavar="MONTANT", help="montant de la créance, par exemple 1 234,56")
    p.add_argument("--collected", required=True, metavar="MONTANT",
                   help="sommes encaissées au titre du principal, cumulées, hors dépens")
    p.add_argument("--alimentary", action="store_true", help="titre constatant une créance alimentaire")
    p.add_argument("--date", dest="on", metavar="DATE", help="date de l'encaissement (défaut : aujourd'hui)")
    p.add_argument("--json", action="store_true", help="un objet JSON")


def run_calc(args, today: date, out=None) -> int:
    out = out or sys.stdout
    on = parse_date(args.on) if args.on else today
    debtor, creditor = calculate_recovery_fees(args.claim, args.collected, on, args.alimentary)
    if args.json:
        out.write(json.dumps({"date": on.isoformat(), "debtor": debtor.as_dict(), "creditor": creditor.as_dict()},
                             ensure_ascii=False) + "\n")
        return 0
    out.write(f"Droits proportionnels au {format_date(on)} — créance {format_amount(debtor.claim)}, encaissé "
              f"{format_amount(debtor.base)}\n")
    out.write(fees_text(debtor, creditor))
    return 0


def add_etude_parser(sub) -> None:
    etude = sub.add_parser("etude", help="réglages de calcul de l'étude")
    etude_sub = etude.add_subparsers(dest="etude_command", required=True, parser_class=sub._parser_class)
    etude_sub.add_parser("show", help="affiche les réglages")
    setting = etude_sub.add_parser("set", help="modifie un réglage (commissaire ou principal clerc)")
    setting.add_argument("--interets-dans-assiette", dest="fee_base_interest", required=True, metavar="OUI|NON",
                         help="les intérêts encaissés entrent-ils dans l'assiette des droits A444-31 / A444-32 ?")


def run_etude(args, out=None) -> int:
    from clerc_tui.services import etude

    out = out or sys.stdout
    if args.etude_command == "set":
        value = args.fee_base_interest.strip().lower()
        if value not in YES + NO:
            raise InvalidInput(f"--interets-dans-assiette : « {args.fee_base_interest} » (oui ou non attendu).")
        from clerc_tui.services.context import identify

        etude.set_fee_base_interest(identify(), value in YES)
    out.write(etude.fee_base_text() + "\n")
    return 0
