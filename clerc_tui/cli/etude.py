"""`clerc etude`: the étude's settings (interest in the A444-31/32 base, répartiteur of its wage
seizures, solvency facts' staleness)."""

from __future__ import annotations

import sys

from clerc_tui.cli.options import open_base
from clerc_tui.errors import InvalidInput
from clerc_tui.rules.plans import check_grace_days
from clerc_tui.rules.solvency import check_stale_months

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
        metavar="OUI|NON",
        help="les intérêts encaissés entrent-ils dans l'assiette des droits A444-31 / A444-32 ?",
    )
    setting.add_argument(
        "--repartiteur",
        dest="wage_repartiteur",
        metavar="OUI|NON",
        help="l'étude est-elle commissaire répartiteur de ses saisies des rémunérations (répartition "
        "au moins toutes les six semaines) ?",
    )
    setting.add_argument(
        "--solvabilite-ancienne-apres",
        dest="stale_months",
        metavar="MOIS",
        help="un renseignement de solvabilité plus ancien (en mois, 6 par défaut) est marqué « ancienne »",
    )
    setting.add_argument(
        "--iban",
        metavar="IBAN",
        help="compte de l'étude (compte de tiers) débité par les virements SEPA des reversements",
    )
    setting.add_argument("--bic", metavar="BIC", help="BIC de la banque de ce compte (avec --iban)")
    setting.add_argument(
        "--nom", dest="name", metavar="NOM", help="nom de l'étude (donneur d'ordre des virements SEPA)"
    )
    setting.add_argument(
        "--heures-contact",
        dest="contact_hours",
        metavar="'lun-ven 10:00-13:00 14:00-20:00'",
        help="jours et heures où l'étude contacte les débiteurs (jamais le dimanche ni un jour férié)",
    )
    setting.add_argument(
        "--plafond-contacts", dest="contact_ceiling", metavar="N", help="contacts au plus par débiteur sur 30 jours"
    )
    setting.add_argument(
        "--grace-echeancier",
        dest="plan_grace",
        metavar="JOURS",
        help="jours après la date d'une échéance avant qu'elle compte comme impayée (8 par défaut)",
    )


def _yes(value: str, option: str) -> bool:
    value = value.strip().lower()
    if value not in YES + NO:
        raise InvalidInput(f"{option} : « {value} » (oui ou non attendu).")
    return value in YES


def run(args) -> int:
    from clerc_tui.services import etude, plans, solvency

    open_base(args)
    out = sys.stdout
    if args.etude_command == "set":
        from clerc_tui.services.context import identify

        amicable_settings = (args.contact_hours, args.contact_ceiling)
        if (
            args.fee_base_interest is None
            and args.wage_repartiteur is None
            and args.stale_months is None
            and args.iban is None
            and args.name is None
            and amicable_settings == (None, None)
            and args.plan_grace is None
        ):
            raise InvalidInput(
                "Aucun réglage donné : --interets-dans-assiette OUI|NON, --repartiteur OUI|NON, "
                "--solvabilite-ancienne-apres MOIS, --iban IBAN [--bic BIC], --nom NOM, --heures-contact '…', "
                "--plafond-contacts N ou --grace-echeancier JOURS."
            )
        if args.bic is not None and args.iban is None:
            raise InvalidInput("--bic s'accompagne de --iban (le compte de l'étude entier).")
        if args.iban is not None:  # checked with the others, before any is written
            from clerc_tui.rules.identifiers import validate_iban
            from clerc_tui.rules.sepa import validate_bic

            validate_iban(args.iban)
            validate_bic(args.bic or "")
        if args.name is not None:
            from clerc_tui.rules.text import check_text

            name = check_text(args.name, field="Nom de l'étude").strip()
            if not name:
                raise InvalidInput("--nom : le nom de l'étude ne peut être vide.")
        # Every value checked before any is written.
        fee_base = None if args.fee_base_interest is None else _yes(args.fee_base_interest, "--interets-dans-assiette")
        repartiteur = None if args.wage_repartiteur is None else _yes(args.wage_repartiteur, "--repartiteur")
        months = None
        if args.stale_months is not None:
            try:
                months = check_stale_months(int(args.stale_months.strip()))
            except ValueError:
                raise InvalidInput(
                    f"--solvabilite-ancienne-apres : « {args.stale_months} » (un nombre de mois attendu)."
                ) from None
        grace = None
        if args.plan_grace is not None:
            try:
                grace = check_grace_days(int(args.plan_grace.strip()))
            except ValueError:
                raise InvalidInput(
                    f"--grace-echeancier : « {args.plan_grace} » (un nombre de jours attendu)."
                ) from None
        if amicable_settings != (None, None):  # first: it checks its two values before writing either
            from clerc_tui.services.amicable import set_contact_rules

            set_contact_rules(identify(), *amicable_settings)
        if fee_base is not None:
            etude.set_fee_base_interest(identify(), fee_base)
        if repartiteur is not None:
            etude.set_wage_repartiteur(identify(), repartiteur)
        if months is not None:
            solvency.set_stale_months(identify(), months)
        if args.iban is not None:
            etude.set_bank_account(identify(), args.iban, args.bic or "")
        if args.name is not None:
            etude.set_setting(identify(), "name", name)
        if grace is not None:
            plans.set_grace_days(identify(), grace)
    out.write(etude.fee_base_text() + "\n")
    out.write(etude.repartiteur_text() + "\n")
    out.write(f"Renseignements de solvabilité « anciens » après {solvency.stale_months()} mois (réglage de l'étude).\n")
    out.write(f"Échéance d'un échéancier impayée {plans.grace_days()} jours après sa date (réglage de l'étude).\n")
    out.write(etude.bank_account_text() + "\n")
    from clerc_tui.rules.text import inert

    current = etude.the_etude()
    shown = inert(current.name, multiline=False) if current and current.name else "non renseigné"
    out.write(f"Nom de l'étude (donneur d'ordre des virements SEPA) : {shown}.\n")
    from clerc_tui.services.amicable import contact_rules_text

    out.write(contact_rules_text() + "\n")
    return 0
