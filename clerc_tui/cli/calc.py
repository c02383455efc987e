"""`clerc calc …`: computations outside any dossier.

`calc interest` (a claim's interest, period by period), `calc deadline` (a procedural
deadline and how it was reached), `calc recovery-fee` (A444-31 / A444-32), `calc quotite` (the
seizable part of a salary, R3252-2 C. trav., and its répartition among several seizures)."""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal

from clerc_tui.cli.options import date_or_today
from clerc_tui.errors import InvalidInput
from clerc_tui.report.fees import fees_text
from clerc_tui.rules import procedures as procedures_rules
from clerc_tui.rules.calendar import ZONES, Computation, Period, compute_last_day
from clerc_tui.rules.french import day_label, format_amount, format_date, parse_date
from clerc_tui.rules.tariff import calculate_recovery_fees

KIND_LABELS = {
    "last_day": "dernier jour pour agir",
    "earliest_day": "premier jour possible",
    "expiry": "fin d'un délai (d'un tiers ou du débiteur)",
}
ZONE_LABELS = {"metropole": "métropole", "alsace-moselle": "Alsace-Moselle"}


COMMANDS = ("calc",)


def add_parsers(sub) -> None:
    calc = sub.add_parser("calc", help="calculs hors dossier")
    calc_sub = calc.add_subparsers(dest="calc_command", required=True, parser_class=sub._parser_class)
    _add_interest_parser(calc_sub)
    _add_deadline_parser(calc_sub)
    _add_recovery_fee_parser(calc_sub)
    _add_quotite_parser(calc_sub)


def run(args) -> int:
    if args.calc_command == "interest":
        return _run_interest(args)
    if args.calc_command == "quotite":
        return _run_quotite(args)
    if args.calc_command == "recovery-fee":
        return _run_recovery_fee(args)
    return _run_deadline(args)


def _add_deadline_parser(calc_sub) -> None:
    parser = calc_sub.add_parser(
        "deadline",
        help="calcul d'un délai de procédure (CPC 640-644)",
        description="Dernier jour d'un délai de procédure, et comment il est atteint (fin brute, jours reportés).",
    )
    parser.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help="point de départ (jj/mm/aaaa ou aaaa-mm-jj) ; pour un délai à rebours, la date d'audience",
    )
    parser.add_argument("--days", metavar="N", help="délai en jours")
    parser.add_argument("--weeks", metavar="N", help="délai en semaines (7 jours)")
    parser.add_argument("--months", metavar="N", help="délai en mois")
    parser.add_argument("--rule", metavar="ID", help="règle nommée (voir --list)")
    parser.add_argument("--zone", default="metropole", help="metropole (défaut) ou alsace-moselle")
    parser.add_argument("--abroad", action="store_true", help="partie demeurant à l'étranger (+2 mois, CPC 643)")
    parser.add_argument(
        "--outre-mer", dest="outre_mer", action="store_true", help="partie demeurant outre-mer (+1 mois, CPC 643)"
    )
    parser.add_argument("--json", action="store_true", help="un objet JSON")
    parser.add_argument("--list", action="store_true", help="liste les règles nommées")


def _run_deadline(args) -> int:
    out = sys.stdout
    if args.list:
        _print_list(out, args.json)
        return 0
    counts = {
        name: _count(getattr(args, name), word)
        for name, word in (("days", "jours"), ("weeks", "semaines"), ("months", "mois"))
    }
    given = [name for name, value in counts.items() if value is not None]
    if args.rule and given:
        raise InvalidInput("Indiquez soit --rule, soit un délai (--days, --weeks, --months), pas les deux.")
    if not args.rule and not given:
        raise InvalidInput("Indiquez le délai : --days N, --weeks N, --months N ou --rule ID (liste : --list).")
    if not args.start:
        raise InvalidInput("Indiquez le point de départ : --from jj/mm/aaaa.")
    start = parse_date(args.start)
    if args.zone not in ZONES:
        raise InvalidInput(f"Zone de calendrier inconnue : « {args.zone} » (metropole ou alsace-moselle).")
    if args.abroad and args.outre_mer:
        raise InvalidInput("--abroad et --outre-mer s'excluent : indiquez où demeure la partie.")
    distance = "abroad" if args.abroad else "outre-mer" if args.outre_mer else None
    if args.rule:
        result = procedures_rules.compute_rule(args.rule, start, zone=args.zone, distance=distance)
        payload = _payload(result.computation, rule=result)
    else:
        period = Period(days=counts["days"] or 0, weeks=counts["weeks"] or 0, months=counts["months"] or 0)
        payload = _payload(compute_last_day(start, period, zone=args.zone, distance=distance))
    if args.json:
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(_text(payload))
    return 0


def _count(text: str | None, word: str) -> int | None:
    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        raise InvalidInput(f"Nombre de {word} invalide : « {text} » (un entier positif est attendu).") from None
    if value < 0:
        raise InvalidInput(f"Nombre de {word} négatif : « {text} » (un entier positif est attendu).")
    if value > 100_000:
        raise InvalidInput(f"Nombre de {word} trop grand : « {text} ».")
    return value


def _print_list(out, as_json: bool) -> None:
    items = procedures_rules.rules()
    if as_json:
        rows = [
            {
                "id": r.id,
                "label": r.label,
                "kind": r.kind,
                "procedure": r.procedure_id,
                "period": r.period.describe(),
                "basis": r.basis,
            }
            for r in items
        ]
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    width = max(len(r.id) for r in items)
    for r in items:
        where = f" [{r.procedure_id}]" if r.procedure_id else ""
        out.write(f"{r.id:<{width}}  {r.label} — {r.period.describe()}{where}\n")


def _iso(value):
    return value.isoformat() if value else None


def _payload(comp: Computation, rule=None) -> dict:
    payload = {
        "rule": rule.deadline_id if rule else None,
        "label": rule.label if rule else None,
        "kind": comp.kind,
        "from": comp.start.isoformat(),
        "direction": comp.direction,
        "period": comp.period.describe(),
        "zone": comp.zone,
        "distance": comp.distance,
        "extension_months": comp.extension_months,
        "raw_end": comp.raw_end.isoformat(),
        "last_day": comp.last_day.isoformat(),
        "due": comp.due.isoformat(),
        "earliest_day": comp.due.isoformat() if comp.kind == "earliest_day" else None,
        "act_by": _iso(comp.act_by),
        "skipped": [{"date": s.day.isoformat(), "reason": s.reason} for s in comp.skipped],
        "winter_truce": (
            {"from": comp.winter_truce[0].isoformat(), "to": comp.winter_truce[1].isoformat()}
            if comp.winter_truce
            else None
        ),
        "what": rule.what if rule else None,
        "basis": (rule.basis if rule else "CPC 640, 641, 642"),
        "sanction": rule.sanction if rule else None,
        "unverified": rule.unverified if rule else None,
        "caveat": rule.caveat if rule else None,
        "explanation": list(rule.explanation if rule else comp.explanation),
    }
    return payload


def _date(iso: str | None) -> str:
    return day_label(date.fromisoformat(iso)) if iso else ""


def _text(p: dict) -> str:
    lines = []
    if p["rule"]:
        lines.append(f"{p['rule']} — {p['label']}")
        lines.append(f"Nature : {KIND_LABELS[p['kind']]}")
        lines.append(f"À faire : {p['what']}")
    direction = " à rebours de l'audience du" if p["direction"] == "backward" else " à compter du"
    lines.append(f"Délai : {p['period']}{direction} {_date(p['from'])} (zone : {ZONE_LABELS[p['zone']]})")
    lines.append(f"Fin brute : {_date(p['raw_end'])}")
    if p["skipped"]:
        lines.append("Jours sautés :")
        lines += [f"  {_date(s['date'])} — {s['reason']}" for s in p["skipped"]]
    else:
        lines.append("Jours sautés : aucun")
    if p["winter_truce"]:
        lines.append(
            f"Trêve hivernale : du {format_date(date.fromisoformat(p['winter_truce']['from']))} "
            f"au {format_date(date.fromisoformat(p['winter_truce']['to']))}"
        )
    if p["kind"] == "earliest_day":
        lines.append(f"Fin du délai d'attente : {_date(p['last_day'])}")
        lines.append(f"Premier jour possible : {_date(p['due'])}")
    elif p["kind"] == "expiry" and p["rule"]:
        lines.append(f"Fin du délai : {_date(p['last_day'])}")
    else:
        lines.append(f"Dernier jour : {_date(p['last_day'])}")
    if p["act_by"]:
        lines.append(f"Agir au plus tard le : {_date(p['act_by'])}")
    lines.append(f"Fondement : {p['basis']}")
    if p["sanction"]:
        lines.append(f"Sanction : {p['sanction']}")
    if p["unverified"]:
        lines.append(f"Point non vérifié : {p['unverified']}")
    if p["caveat"]:
        lines.append(f"Attention : {p['caveat']}")
    lines.append("Explication :")
    lines += [f"  {line}" for line in p["explanation"]]
    return "\n".join(lines) + "\n"


# --- calc interest ---------------------------------------------------------------------


def _add_interest_parser(calc_sub) -> None:
    p = calc_sub.add_parser(
        "interest",
        help="intérêts d'une créance, période par période",
        description="Intérêts sur un principal du --from au --to (dates jj/mm/aaaa ou aaaa-mm-jj), "
        "découpés à chaque 1er janvier et 1er juillet, au début de la majoration et à chaque "
        "capitalisation.",
    )
    p.add_argument("--principal", required=True, help="montant dû, par exemple 3000 ou 1 234,56")
    p.add_argument("--from", dest="start", required=True, metavar="DATE", help="point de départ des intérêts")
    p.add_argument("--to", dest="end", required=True, metavar="DATE", help="date de fin (paiement, arrêté)")
    p.add_argument("--kind", default="legal", help="legal (défaut), contractual, commercial (L441-10) ou none")
    p.add_argument("--category", help="créancier : particulier ou autres (obligatoire pour le taux légal)")
    p.add_argument(
        "--majoration-from",
        metavar="DATE",
        help="premier jour du taux majoré (L313-3 : lendemain des deux mois suivant la signification)",
    )
    p.add_argument("--majoration-points", default="5", help="points de majoration, 0 à 5 (défaut 5)")
    p.add_argument("--capitalize-from", metavar="DATE", help="capitalisation annuelle à compter de cette date")
    p.add_argument("--rate", help="taux annuel en %% : conventionnel, ou convenu pour commercial")
    p.add_argument(
        "--day-basis",
        choices=("civil", "365", "360"),
        help="intérêt conventionnel : année civile (civil, défaut : 365 ou 366 jours), 365 ou 360 selon le contrat",
    )
    p.add_argument("--day-count", default="end_minus_start", help="end_minus_start (défaut) ou inclusive_both")
    p.add_argument("--rounding", default="per_line", help="per_line (défaut) ou total")
    p.add_argument("--json", action="store_true", help="un objet JSON au lieu du tableau")


def _run_interest(args) -> int:
    from clerc_tui.report.statement import interest_renderable, interest_to_dict, render_text
    from clerc_tui.rules.french import parse_amount
    from clerc_tui.rules.interest import LEGAL, Convention, InterestTerms, compute_interest
    from clerc_tui.rules.rates import parse_rate_value

    def optional_date(text):
        return parse_date(text) if text else None

    principal = parse_amount(args.principal)
    start, end = parse_date(args.start), parse_date(args.end)
    if args.kind == LEGAL and not args.category:
        raise InvalidInput(
            "Taux légal : précisez --category particulier (créancier personne physique hors besoins "
            "professionnels) ou --category autres."
        )
    terms = InterestTerms(
        kind=args.kind,
        category=args.category or "autres",
        majoration_from=optional_date(args.majoration_from),
        majoration_points=parse_rate_value(args.majoration_points, where="--majoration-points"),
        rate=parse_rate_value(args.rate, where="--rate") if args.rate else None,
        capitalisation_from=optional_date(args.capitalize_from),
        day_basis=args.day_basis,
    )
    result = compute_interest(
        principal, start, end, terms, convention=Convention(day_count=args.day_count, rounding=args.rounding)
    )
    if args.json:
        print(json.dumps(interest_to_dict(result), ensure_ascii=False))
    else:
        print(render_text(interest_renderable(result), width=120), end="")
    return 0


# --- calc recovery-fee ------------------------------------------------------------------


def _add_recovery_fee_parser(calc_sub) -> None:
    p = calc_sub.add_parser(
        "recovery-fee",
        help="droits proportionnels de recouvrement A444-31 et A444-32",
        description="Droit proportionnel à la charge du débiteur (A444-31) et du créancier (A444-32) : forfait quand "
        "la créance ne dépasse pas le seuil, sinon barème sur les sommes encaissées au titre du principal "
        "(hors dépens), dans la limite du plafond ; TVA en sus.",
    )
    p.add_argument("--claim", required=True, metavar="MONTANT", help="montant de la créance, par exemple 1 234,56")
    p.add_argument(
        "--collected",
        required=True,
        metavar="MONTANT",
        help="sommes encaissées au titre du principal, cumulées, hors dépens",
    )
    p.add_argument("--alimentary", action="store_true", help="titre constatant une créance alimentaire")
    p.add_argument("--date", dest="on", metavar="DATE", help="date de l'encaissement (défaut : aujourd'hui)")
    p.add_argument("--json", action="store_true", help="un objet JSON")


def _run_recovery_fee(args) -> int:
    out = sys.stdout
    on = date_or_today(args.on, args)
    debtor, creditor = calculate_recovery_fees(args.claim, args.collected, on, args.alimentary)
    if args.json:
        out.write(
            json.dumps(
                {"date": on.isoformat(), "debtor": debtor.as_dict(), "creditor": creditor.as_dict()}, ensure_ascii=False
            )
            + "\n"
        )
        return 0
    out.write(
        f"Droits proportionnels au {format_date(on)} — créance {format_amount(debtor.claim)}, encaissé "
        f"{format_amount(debtor.base)}\n"
    )
    out.write(fees_text(debtor, creditor))
    return 0


# --- calc quotite ---------------------------------------------------------------------------


def _add_quotite_parser(calc_sub) -> None:
    p = calc_sub.add_parser(
        "quotite",
        help="quotité saisissable d'un salaire (R3252-2 C. trav.) et sa répartition",
        description="Part saisissable d'un salaire net mensuel (après cotisations sociales et prélèvement à la "
        "source) au barème de l'année de --date, tranche par tranche ; le salarié garde toujours le RSA d'une "
        "personne seule en vigueur à cette date. Avec --creditor, la répartition de cette somme entre les "
        "créanciers inscrits (L212-10 CPCE).",
    )
    p.add_argument("--net", required=True, metavar="MONTANT", help="salaire net mensuel, par exemple 2 000 ou 1 850,40")
    p.add_argument("--dependants", default="0", metavar="N", help="personnes à charge (R3252-3), 0 par défaut")
    p.add_argument("--date", dest="on", metavar="DATE", help="mois de paie (défaut : aujourd'hui)")
    p.add_argument(
        "--alimony",
        metavar="MONTANT",
        help="pension alimentaire en paiement direct pour le mois (prélevée d'abord, L3252-5)",
    )
    p.add_argument(
        "--creditor",
        action="append",
        default=[],
        metavar="NOM=CRÉANCE",
        help="un créancier inscrit et sa créance restant due (répétable), pour la répartition",
    )
    p.add_argument("--json", action="store_true", help="un objet JSON (montants en texte)")


def _run_quotite(args) -> int:
    from clerc_tui.report.seizable import quotite_text, quotite_to_dict, repartition_text, repartition_to_dict
    from clerc_tui.rules.french import parse_amount
    from clerc_tui.rules.seizable import parse_creditor, quotite, repartition

    net = parse_amount(args.net)
    dependants = _count(args.dependants, "personnes à charge")
    on = date_or_today(args.on, args)
    alimony = parse_amount(args.alimony) if args.alimony else Decimal("0.00")
    creditors = [parse_creditor(text) for text in args.creditor]
    result = quotite(net, dependants or 0, on, alimony=alimony)
    split = repartition(result.seizable, creditors) if creditors else None
    if args.json:
        payload = quotite_to_dict(result)
        payload["repartition"] = repartition_to_dict(split) if split else None
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return 0
    sys.stdout.write(quotite_text(result))
    if split:
        sys.stdout.write(repartition_text(split))
    return 0
