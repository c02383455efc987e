"""`clerc deadlines`: the morning list (overdue, today, the next days), for a terminal, cron or a mail.

Plain text grouped like the dashboard (overdue with a `RETARD` badge, then the past waiting
periods now `POSSIBLE`, then today, then one heading per day), or with `--json` one JSON list
with ISO dates, each row with its `section` (overdue, possible, today, later). The dashboard's line about a
legal rate not yet entered goes to stderr, so that stdout (and the JSON) stays the list.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta

from clerc_tui.cli.options import date_or_today, open_base
from clerc_tui.errors import InvalidInput
from clerc_tui.rules.french import day_label, format_date

SECTION_BADGES = {"overdue": "RETARD", "possible": "POSSIBLE", "today": "AUJOURD'HUI", "later": ""}
# The headings of the parts that are not one day: a past « pas avant le » is not « en retard ».
SECTION_TITLES = {"overdue": "EN RETARD", "possible": "POSSIBLE (délais d'attente écoulés : l'acte peut être fait)"}


COMMANDS = ("deadlines",)


def add_parsers(sub) -> None:
    parser = sub.add_parser(
        "deadlines",
        help="les échéances du matin (en retard, aujourd'hui, jours suivants)",
        description="Échéances ouvertes : celles en retard, puis celles du jour, puis celles des N jours suivants.",
    )
    parser.add_argument("--date", dest="on", metavar="DATE", help="jour de référence (défaut : aujourd'hui)")
    parser.add_argument("--days", default="7", metavar="N", help="horizon en jours (défaut 7)")
    parser.add_argument("--clerc", metavar="LOGIN", help="les échéances d'un seul clerc (identifiant)")
    parser.add_argument("--json", action="store_true", help="une liste JSON, dates ISO")


def _days(text: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise InvalidInput(f"--days : nombre de jours attendu (reçu « {text} »).", field="days") from None
    if value < 0 or value > 366:
        raise InvalidInput(f"--days : entre 0 et 366 jours (reçu {value}).", field="days")
    return value


def run(args) -> int:
    from clerc_tui.services import deadlines as service
    from clerc_tui.services.rates import legal_rate_notice

    out, err = sys.stdout, sys.stderr
    today = date_or_today(args.on, args)
    days = _days(args.days)
    open_base(args)
    clerc = service.clerc_by_login(args.clerc) if args.clerc else None
    rows, after = [], None
    while True:  # every row, page by page (keyset): the CLI prints the whole list
        page = service.agenda(today, days, clerc_id=clerc.id if clerc else None, limit=5000, after=after)
        rows += page
        if len(page) < 5000:
            break
        after = page[-1]
    notice = legal_rate_notice(today)
    if notice:
        err.write(notice + "\n")
    if args.json:
        out.write(json.dumps([_as_dict(row, today) for row in rows], ensure_ascii=False, indent=1) + "\n")
        return 0
    who = f"clerc : {clerc.name} ({clerc.login})" if clerc else "tous les clercs"
    out.write(
        f"Échéances au {day_label(today)} — en retard et jusqu'au {format_date(today + timedelta(days=days))} "
        f"({days} jours) — {who}\n"
    )
    if not rows:
        out.write("Aucune échéance ouverte.\n")
        return 0
    counts = {s: sum(1 for r in rows if r.section(today) == s) for s in SECTION_BADGES}
    # An elapsed waiting period (« pas avant le ») is open but nothing was missed.
    possible = counts["possible"]
    late = f"{counts['overdue']} en retard" + (f" · {possible} possible(s)" if possible else "")
    out.write(f"{late} · {counts['today']} aujourd'hui · {counts['later']} à venir\n")
    heading = None
    for row in rows:
        section = row.section(today)
        title = (
            SECTION_TITLES[section]
            if section in SECTION_TITLES
            else f"AUJOURD'HUI {day_label(today)}"
            if section == "today"
            else day_label(row.due_date)
        )
        if title != heading:
            heading = title
            out.write(f"\n{title}\n")
        out.write(_line(row, section) + "\n")
    if any(r.unverified for r in rows):
        out.write(
            "\nNV : point non vérifié, la date la plus sûre pour l'étude est retenue (détail : onglet 3 du dossier).\n"
        )
    return 0


def _line(row, section: str) -> str:
    from clerc_tui.services.deadlines import procedure_label

    badge = "SUSPENDU" if row.suspended_reason else SECTION_BADGES[section]
    parts = [
        format_date(row.due_date),
        row.reference,
        row.debtor_name,
        procedure_label(row.procedure_id),
        f"{row.label} ({row.basis})",
        row.clerc_name or "—",
    ]
    line = f"  {badge:<11} " + " · ".join(parts)
    if row.original_due_date is not None:
        line += f" · reportée (initialement le {format_date(row.original_due_date)})"
    if row.unverified:
        line += " · NV"
    if row.suspended_reason:
        line += f" · SUSPENDU : {row.suspended_reason}"
    return line


def _as_dict(row, today: date) -> dict:
    from clerc_tui.services.deadlines import deadline_what, procedure_label

    return {
        "id": row.id,
        "section": row.section(today),
        "due_date": row.due_date.isoformat(),
        "dossier": row.reference,
        "dossier_id": row.dossier_id,
        "debtor": row.debtor_name,
        "procedure_id": row.procedure_id,
        "procedure": procedure_label(row.procedure_id),
        "step_id": row.step_id,
        "rule_id": row.rule_id,
        "kind": row.kind,
        "label": row.label,
        "what": deadline_what(row.rule_id),
        "basis": row.basis,
        "clerc": row.clerc_name,
        "clerc_login": row.clerc_login,
        "unverified": row.unverified,
        "original_due_date": row.original_due_date.isoformat() if row.original_due_date else None,
        "moved_reason": row.moved_reason,
        "suspended_reason": row.suspended_reason,
    }
