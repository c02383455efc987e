"""`clerc plans`: payment plans (échéanciers). `check` is the daily detection (cron, and the app
at start of day): a missed instalment past the étude's grace raises one alert in the deadline
review, a plan paid to the end is « respecté » (services/plans.check_plans). `show REF`: the
dossier's plans and each instalment's state."""

from __future__ import annotations

import json
import sys

from clerc_tui.cli.options import open_base, today_of
from clerc_tui.errors import InvalidInput

COMMANDS = ("plans",)


def add_parsers(sub) -> None:
    plans = sub.add_parser("plans", help="échéanciers : défauts et échéanciers respectés (cron), état d'un dossier")
    plans_sub = plans.add_subparsers(dest="plans_command", required=True, parser_class=sub._parser_class)
    check = plans_sub.add_parser(
        "check",
        help="signale chaque échéance impayée après le délai de grâce (une alerte par défaut) et clôt les "
        "échéanciers respectés",
    )
    check.add_argument("--json", action="store_true", help="le résultat en JSON")
    show = plans_sub.add_parser("show", help="les échéanciers d'un dossier et l'état de chaque échéance")
    show.add_argument("reference", metavar="DOSSIER", help="référence du dossier (2026-000124)")


def run(args) -> int:
    from clerc_tui.rules.french import format_amount, format_date
    from clerc_tui.rules.plans import KINDS, STATUSES, instalment_line
    from clerc_tui.services import plans
    from clerc_tui.services.context import identify

    open_base(args)
    today = today_of(args)
    out = sys.stdout
    if args.plans_command == "check":
        result = plans.check_plans(identify(), today)
        if args.json:
            data = {
                "date": today.isoformat(),
                "checked": result.checked,
                "defaults": [{"dossier": r, "text": t} for r, t in result.defaults],
                "completed": [{"dossier": r, "text": t} for r, t in result.completed],
            }
            out.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
            return 0
        out.write(f"Échéanciers au {format_date(today)} : {result.checked} en cours vérifié(s).\n")
        for _, text in result.defaults + result.completed:
            out.write(f"  {text}\n")
        if not result.defaults and not result.completed:
            out.write("  Aucun nouveau défaut, aucun échéancier terminé.\n")
        return 0
    from clerc_tui.services.dossiers import find_by_reference

    dossier_id = find_by_reference(args.reference)
    if dossier_id is None:
        raise InvalidInput(f"Dossier inconnu : « {args.reference} ».")
    views = plans.dossier_plans(dossier_id, today)
    if not views:
        out.write(f"Dossier {args.reference.strip()} : aucun échéancier.\n")
        return 0
    for view in views:
        plan = view.plan
        state = f" — {view.state.label.lower()}" if plan.status == "actif" else ""
        out.write(
            f"Échéancier n° {plan.id} du {format_date(plan.starts_on)} ({KINDS[plan.kind]}) : "
            f"{STATUSES[plan.status].lower()}{state}, total {format_amount(plan.total)}, "
            f"payé {format_amount(view.state.paid)}, reste {format_amount(view.state.left)}\n"
        )
        for item in view.state.instalments:
            out.write(f"  {instalment_line(item)}\n")
    return 0
