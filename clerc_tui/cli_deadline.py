"""`clerc calc deadline`: a procedural deadline outside any dossier, with how it was reached."""

from __future__ import annotations

import json
import sys
from datetime import date

from clerc_tui.errors import InvalidInput
from clerc_tui.rules import procedures as procedures_rules
from clerc_tui.rules.calendar import ZONES, Computation, Period, compute_last_day, day_label
from clerc_tui.rules.dates import format_date, parse_date

KIND_LABELS = {
    "last_day": "dernier jour pour agir",
    "earliest_day": "premier jour possible",
    "expiry": "fin d'un délai (d'un tiers ou du débiteur)",
}
ZONE_LABELS = {"metropole": "métropole", "alsace-moselle": "Alsace-Moselle"}


def add_parser(calc_sub) -> None:
    parser = calc_sub.add_parser(
        "deadline", help="calcul d'un délai de procédure (CPC 640-644)",
        description="Dernier jour d'un délai de procédure, et comment il est atteint (fin brute, jours reportés).")
    parser.add_argument("--from", dest="start", metavar="DATE",
                        help="point de départ (jj/mm/aaaa ou aaaa-mm-jj) ; pour un délai à rebours, la date d'audience")
    parser.add_argument("--days", metavar="N", help="délai en jours")
    parser.add_argument("--weeks", metavar="N", help="délai en semaines (7 jours)")
    parser.add_argument("--months", metavar="N", help="délai en mois")
    parser.add_argument("--rule", metavar="ID", help="règle nommée (voir --list)")
    parser.add_argument("--zone", default="metropole", help="metropole (défaut) ou alsace-moselle")
    parser.add_argument("--abroad", action="store_true", help="partie demeurant à l'étranger (+2 mois, CPC 643)")
    parser.add_argument("--outre-mer", dest="outre_mer", action="store_true",
                        help="partie demeurant outre-mer (+1 mois, CPC 643)")
    parser.add_argument("--json", action="store_true", help="un objet JSON")
    parser.add_argument("--list", action="store_true", help="liste les règles nommées")


def run(args, out=None) -> int:
    out = out or sys.stdout
    if args.list:
        _print_list(out, args.json)
        return 0
    counts = {name: _count(getattr(args, name), word) for name, word in
              (("days", "jours"), ("weeks", "semaines"), ("months", "mois"))}
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
        rows = [{"id": r.id, "label": r.label, "kind": r.kind, "procedure": r.procedure_id,
                 "period": r.period.describe(), "basis": r.basis} for r in items]
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
        "winter_truce": ({"from": comp.winter_truce[0].isoformat(), "to": comp.winter_truce[1].isoformat()}
                         if comp.winter_truce else None),
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
        lines.append(f"Trêve hivernale : du {format_date(date.fromisoformat(p['winter_truce']['from']))} "
                     f"au {format_date(date.fromisoformat(p['winter_truce']['to']))}")
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
