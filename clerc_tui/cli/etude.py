"""`clerc etude`: the étude's calculation settings (interest in the A444-31/32 base)."""

from __future__ import annotations

import sys

from clerc_tui.cli.options import open_base
from clerc_tui.errors import InvalidInput

COMMANDS = ("etude",)
YES, NO = ("oui", "o", "yes", "true", "1"), ("non", "n", "no", "false", "0")


def add_parsers(sub) -> None:
    etude = sub.add_parser("etude", help="réglages de calcul de l'étude")
    etude_sub = etude.add_subparsers(dest="etude_command", required=True, parser_class=sub._parser_class)
    etude_sub.add_parser("show", help="affiche les réglages")
    setting = etude_sub.add_parser("set", help="modifie un réglage (commissaire ou principal clerc)")
    setting.add_argument(
        "--interets-dans-assiette",
        dest="fee_base_interest",
        required=True,
        metavar="OUI|NON",
        help="les intérêts encaissés entrent-ils dans l'assiette des droits A444-31 / A444-32 ?",
    )


def run(args) -> int:
    from clerc_tui.services import etude

    open_base(args)
    out = sys.stdout
    if args.etude_command == "set":
        value = args.fee_base_interest.strip().lower()
        if value not in YES + NO:
            raise InvalidInput(f"--interets-dans-assiette : « {args.fee_base_interest} » (oui ou non attendu).")
        from clerc_tui.services.context import identify

        etude.set_fee_base_interest(identify(), value in YES)
    out.write(etude.fee_base_text() + "\n")
    return 0
