"""The report to one creditor over a period (`clerc report creditor`, the « Rapport
créancier » screen): every dossier with what was collected in the period and to the end of
it, the frais, what was remitted, what is still due, the balance, the phase and the next
step; the totals; the collections per month and the recovery rate by year of opening.

Set-based: one query sums the creditor's ledger per dossier and group of entries at the two
ends of the period, one reads the dossiers, one their next open deadline, and the balances
come from the nightly refresh's own batch décompte (`services/balances.balances_at`, three
queries per thousand dossiers). The arithmetic is the ledger's (`rules/ledger.py`:
`totals_of_sums`, `CreditorPosition`), never a second one. Meanings: docs/reporting.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from clerc_tui.errors import InvalidInput
from clerc_tui.models.db import database, raw_sql, read_date, sql_date
from clerc_tui.models.tracking import catalogue_text
from clerc_tui.rules.french import format_date
from clerc_tui.rules.ledger import CREDITOR, DISBURSEMENT, CreditorPosition, totals_of_sums
from clerc_tui.rules.money import ZERO, from_cents
from clerc_tui.rules.tariff import A444_31
from clerc_tui.rules.vocabulary import PHASES
from clerc_tui.services.balances import balances_at
from clerc_tui.services.creditors import creditor_by_prefix
from clerc_tui.services.recovery_fees import LABELS
from clerc_tui.services.statistics import MonthCollection, collections_by_month

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Money:
    """The money columns of a dossier's line, and of the totals (their sums)."""

    paid_period: Decimal = ZERO  # paid by the debtor in the period (net of reversals and refunds)
    paid_total: Decimal = ZERO  # … from the start to the period's end
    collected_period: Decimal = ZERO  # collected for the creditor in the period (after the étude's frais)
    collected_total: Decimal = ZERO
    act_fees: Decimal = ZERO  # émoluments billed to the debtor (tariffed acts), A444-31 aside
    disbursements: Decimal = ZERO  # débours billed to the debtor
    a444_31: Decimal = ZERO  # proportional fee billed to the debtor
    creditor_charged: Decimal = ZERO  # borne by the creditor: A444-32 retained, other charges
    remitted_period: Decimal = ZERO  # paid back to the creditor in the period
    remitted_total: Decimal = ZERO
    due: Decimal = ZERO  # collected and not yet paid back (what a reversement may pay)
    balance: Decimal = ZERO  # what the debtor still owes at the period's end (décompte)


MONEY_FIELDS = tuple(f.name for f in fields(Money))


@dataclass(frozen=True)
class ReportLine(Money):
    dossier_id: int = 0
    reference: str = ""
    debtor: str = ""
    phase: str = ""  # in French
    with_interest: bool = True  # False: the balance is « hors intérêts » (no décompte possible)
    next_due: date | None = None  # the next open deadline (possibly overdue)
    next_step: str = ""  # what it asks


@dataclass(frozen=True)
class YearRecovery:
    year: int  # of the dossiers' opening
    dossiers: int
    placed: Decimal
    collected: Decimal

    @property
    def rate(self) -> Decimal | None:
        return None if self.placed <= 0 else (self.collected * 100 / self.placed).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class CreditorReport:
    creditor_id: int
    creditor: str
    start: date
    end: date
    today: date
    lines: tuple[ReportLine, ...]
    totals: Money
    months: tuple[MonthCollection, ...]  # collections per month, 24 months to the period's end
    years: tuple[YearRecovery, ...]  # recovery rate by year of opening


def find_creditor(name: str) -> tuple[int, str]:
    """(id, name) of the first creditor whose name starts with `name` (accents and case aside)."""
    creditor = creditor_by_prefix(name) if name.strip() else None
    if creditor is None:
        raise InvalidInput(f"Aucun créancier dont le nom commence par « {name} ».", field="creditor")
    return creditor.id, creditor.display_name


def check_period(start: date, end: date, today: date) -> None:
    if end < start:
        raise InvalidInput("La fin de la période précède son début.", field="end")
    if end > today:
        raise InvalidInput(
            f"La période finit après aujourd'hui ({format_date(today)}) : le rapport s'arrête au plus tard "
            "aujourd'hui (les soldes, intérêts compris, sont ceux de la fin de la période).",
            field="end",
        )


def _ledger_sums(creditor_id: int, start: date, end: date) -> dict[int, dict[str, list[tuple]]]:
    """{dossier: {part: groups}} where a group is (kind, bearer, reversed kind, reversed
    bearer, cents) summed before `start` (« before ») and to `end` (« end »), and over
    the A444-31 fee and the débours alone (« a444_31 », « disb », to `end`)."""
    sql = raw_sql(
        'SELECT e."dossier_id", e."kind", e."bearer", t."kind", t."bearer", '
        'CASE WHEN COALESCE(t."label", e."label") = ? THEN 1 ELSE 0 END, '
        'SUM(CASE WHEN e."entry_date" < ? THEN e."amount" ELSE 0 END), SUM(e."amount") '
        'FROM "ledger_entry" e JOIN "dossier" d ON d."id" = e."dossier_id" '
        'LEFT JOIN "ledger_entry" t ON t."id" = e."reverses_id" '
        'WHERE d."creditor_id" = ? AND e."entry_date" <= ? '
        'GROUP BY e."dossier_id", e."kind", e."bearer", t."kind", t."bearer", 6'
    )
    params = [LABELS[A444_31], sql_date(start), creditor_id, sql_date(end)]
    parts: dict[int, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for dossier_id, kind, bearer, r_kind, r_bearer, is_a444_31, before, to_end in database.execute_sql(sql, params):
        group = (kind, bearer, r_kind, r_bearer)
        mine = parts[dossier_id]
        mine["before"].append((*group, int(before or 0)))
        mine["end"].append((*group, int(to_end or 0)))
        if is_a444_31:
            mine["a444_31"].append((*group, int(to_end or 0)))
        elif (r_kind or kind) == DISBURSEMENT and (r_bearer or bearer) != CREDITOR:
            mine["disb"].append((*group, int(to_end or 0)))
    return parts


def _next_steps(creditor_id: int, end: date) -> dict[int, tuple[date, str]]:
    """{dossier: (day, what)} of each dossier's first open deadline (by day, then id)."""
    sql = raw_sql(
        'SELECT dl."dossier_id", dl."due_date", dl."label", dl."text_id" FROM "deadline" dl WHERE dl."id" IN ('
        'SELECT (SELECT x."id" FROM "deadline" x WHERE x."dossier_id" = d."id" AND x."done" = ? '
        'ORDER BY x."due_date", x."id" LIMIT 1) FROM "dossier" d WHERE d."creditor_id" = ? AND d."opened_on" <= ?)'
    )
    found = {}
    for dossier_id, due, label, text_id in database.execute_sql(sql, [False, creditor_id, sql_date(end)]):
        found[dossier_id] = (read_date(due), catalogue_text(text_id)[0] if text_id is not None else label)
    return found


def creditor_report(
    creditor_id: int, start: date, end: date, today: date, progress: Progress | None = None
) -> CreditorReport:
    """The report of `creditor_id` for the period from `start` to `end` (both included):
    the dossiers opened by `end`, by reference. `progress(done, total)` follows the balances
    (the long part: a décompte per dossier, by batches)."""
    check_period(start, end, today)
    name_row = database.execute_sql(
        raw_sql('SELECT "display_name" FROM "creditor" WHERE "id" = ?'), [creditor_id]
    ).fetchone()
    if name_row is None:
        raise InvalidInput("Créancier inconnu.", field="creditor")
    dossiers = list(
        database.execute_sql(
            raw_sql(
                'SELECT "id", "reference", "debtor_name", "phase", "opened_on" FROM "dossier" '
                'WHERE "creditor_id" = ? AND "opened_on" <= ? ORDER BY "reference"'
            ),
            [creditor_id, sql_date(end)],
        )
    )
    sums = _ledger_sums(creditor_id, start, end)
    steps = _next_steps(creditor_id, end)
    claims = dict(
        database.execute_sql(
            raw_sql(
                'SELECT c."dossier_id", SUM(c."amount") FROM "claim_item" c '
                'JOIN "dossier" d ON d."id" = c."dossier_id" WHERE d."creditor_id" = ? GROUP BY c."dossier_id"'
            ),
            [creditor_id],
        )
    )
    balances = balances_at([row[0] for row in dossiers], end, progress=progress)
    lines = []
    years: dict[int, list] = defaultdict(lambda: [0, ZERO, ZERO])
    for dossier_id, reference, debtor, phase, opened_on in dossiers:
        part = sums.get(dossier_id, {})
        before = CreditorPosition.from_totals(totals_of_sums(part.get("before", ())))
        at_end = CreditorPosition.from_totals(totals_of_sums(part.get("end", ())))
        a444_31 = from_cents(totals_of_sums(part.get("a444_31", ()))["charged"])
        disbursements = from_cents(totals_of_sums(part.get("disb", ()))["charged"])
        balance, with_interest = balances.get(dossier_id, (ZERO, False))
        next_due, next_step = steps.get(dossier_id, (None, ""))
        line = ReportLine(
            paid_period=(at_end.paid - at_end.refunded) - (before.paid - before.refunded),
            paid_total=at_end.paid - at_end.refunded,
            collected_period=at_end.collected - before.collected,
            collected_total=at_end.collected,
            act_fees=at_end.charged - a444_31 - disbursements,
            disbursements=disbursements,
            a444_31=a444_31,
            creditor_charged=at_end.creditor_charged,
            remitted_period=at_end.remitted - before.remitted,
            remitted_total=at_end.remitted,
            due=at_end.due,
            balance=balance,
            dossier_id=dossier_id,
            reference=reference,
            debtor=debtor,
            phase=PHASES.get(phase, phase),
            with_interest=with_interest,
            next_due=next_due,
            next_step=next_step,
        )
        lines.append(line)
        year = years[read_date(opened_on).year]
        year[0] += 1
        year[1] += from_cents(int(claims.get(dossier_id) or 0))
        year[2] += at_end.collected
    totals = Money(**{name: sum((getattr(x, name) for x in lines), ZERO) for name in MONEY_FIELDS})
    return CreditorReport(
        creditor_id,
        name_row[0],
        start,
        end,
        today,
        tuple(lines),
        totals,
        tuple(collections_by_month(end, creditor_id=creditor_id)),
        tuple(YearRecovery(y, n, placed, got) for y, (n, placed, got) in sorted(years.items())),
    )


def default_period(today: date) -> tuple[date, date]:
    """The last whole month before `today`'s: what a monthly report covers."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end
