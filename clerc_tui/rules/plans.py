"""Payment plans (échéanciers), pure: the proposal and the plan's state from the payments.

Law and choices: docs/law/plans.md.

Proposal. The debt is the décompte's total due on the day the plan is made (the caller gives it).
The clerc gives either the number of instalments or the monthly amount; the first instalment may
differ (a larger first payment is common). Amounts are whole cents: every regular instalment is
the same amount, rounded down to the cent, and the last one absorbs the cents so that the
instalments sum to the debt exactly. Dates: the first instalment on its date; the others on
`day` (by default the first one's day number) of each following month, the month's last day when
it has no such day (31 → 28/29 February → 31 March: each date is computed from the plan's
anchor, never from the previous instalment, with `calendar.shift_months`, the project's one
month-shift helper). When the debtor's capacity is known (the seizable fraction of the known net
pay, `rules/seizable.quotite`, the project's measure of what can be taken from a salary), a
monthly amount above it is said, not refused: the debtor may have other income.

State. The payments received since the plan was made are allocated to the instalments in date
order, cumulatively: the n-th instalment is paid once the payments add up to the first n
instalments (a payment larger than an instalment pays the next ones in advance; a smaller one
leaves the instalment partly paid). An instalment not fully paid `grace_days` after its date is
missed; the plan is « en défaut » from the day after the first missed instalment's grace,
« respecté » once everything is paid, « en cours » otherwise. A late payment that catches up
brings the plan back to « en cours » (the alert already raised stays for the clerc).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.calendar import shift_months
from clerc_tui.rules.french import format_amount, format_date
from clerc_tui.rules.money import CENT, ZERO, check_amount

# The plan's kinds: a free amicable agreement, an agreement inside the petites créances procedure
# (the commissaire then issues a titre exécutoire, L125-1, R125-6), or the PV d'accord of a wage
# seizure (L212-6 CPCE: it suspends the procedure, L212-3).
KINDS = {
    "amiable": "Amiable",
    "petites_creances": "Petites créances (CPCE L125-1, R125-1 s.)",
    "pv_accord": "PV d'accord — saisie des rémunérations (CPCE L212-3, L212-6)",
}
# The stored lifecycle of a plan (the ledger gives en cours / en défaut / respecté, `STATES`).
STATUSES = {"actif": "Actif", "remplace": "Remplacé", "annule": "Annulé", "respecte": "Respecté"}
STATES = {"en_cours": "En cours", "en_defaut": "En défaut", "respecte": "Respecté"}
INSTALMENT_STATES = {
    "payee": "Payée",
    "partielle": "Partiellement payée",
    "impayee": "Impayée",
    "en_grace": "Échue, dans le délai de grâce",
    "a_venir": "À venir",
}
DEFAULT_GRACE_DAYS = 8
MAX_GRACE_DAYS = 60
MAX_INSTALMENTS = 120  # ten years of monthly instalments: beyond it, no plan but a procedure
DEFAULT_COUNT = 12
MIN_DEFAULT_MONTHLY = Decimal("30.00")  # the default count never makes instalments below this


@dataclass(frozen=True)
class Instalment:
    number: int  # 1, 2, …
    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class Proposal:
    total: Decimal
    instalments: tuple[Instalment, ...]
    capacity: Decimal | None  # the seizable fraction of the known net pay, per month (None: unknown)
    warnings: tuple[str, ...] = ()

    @property
    def monthly(self) -> Decimal:
        """The regular instalment (the second one; the only one for a plan of one)."""
        return self.instalments[1].amount if len(self.instalments) > 1 else self.instalments[0].amount


@dataclass(frozen=True)
class InstalmentState:
    instalment: Instalment
    paid: Decimal  # what the payments allocated to it
    state: str  # INSTALMENT_STATES
    paid_on: date | None  # the day the payments reached it in full

    @property
    def left(self) -> Decimal:
        return self.instalment.amount - self.paid


@dataclass(frozen=True)
class PlanState:
    state: str  # STATES
    instalments: tuple[InstalmentState, ...]
    paid: Decimal  # payments since the plan was made (beyond the total: overpaid)
    left: Decimal  # still to pay on the plan (never below 0)
    first_missed: InstalmentState | None
    default_on: date | None  # the day after the first missed instalment's grace

    @property
    def label(self) -> str:
        return STATES[self.state]


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"Nature d'échéancier inconnue : « {kind} ».", field="kind")
    return kind


def check_grace_days(days: int) -> int:
    if not 0 <= days <= MAX_GRACE_DAYS:
        raise InvalidInput(
            f"Délai de grâce d'un échéancier : entre 0 et {MAX_GRACE_DAYS} jours (saisi : {days}).", field="grace"
        )
    return days


def due_dates(first: date, count: int, day: int | None = None) -> tuple[date, ...]:
    """The dates of `count` monthly instalments: `first`, then `day` (default first.day) of each
    following month, the month's last day when it has no such day."""
    day = first.day if day is None else day
    if not 1 <= day <= 31:
        raise InvalidInput("Jour du mois des échéances : de 1 à 31.", field="day")
    # January of year 1 has 31 days: the anchor keeps the day number, each date is one shift of it.
    anchor = date(1, 1, day)
    months = (first.year - 1) * 12 + first.month - 1
    return (first, *(shift_months(anchor, months + k) for k in range(1, count)))


def _down(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_DOWN)


def _amounts(total: Decimal, count: int | None, monthly: Decimal | None, first: Decimal | None) -> list[Decimal]:
    if (count is None) == (monthly is None):
        raise InvalidInput("Donnez le nombre d'échéances ou le montant mensuel (l'un des deux).", field="count")
    if first is not None:
        first = check_amount(first, "Première échéance")
        if first <= ZERO or first > total:
            raise InvalidInput(
                f"La première échéance doit être entre 0,01 € et le total dû ({format_amount(total)}).", field="first"
            )
    if count is not None:
        if not 1 <= count <= MAX_INSTALMENTS:
            raise InvalidInput(f"Nombre d'échéances : de 1 à {MAX_INSTALMENTS}.", field="count")
        if count == 1:
            return [total]
        head = [first] if first is not None else []
        rest = total - (first or ZERO)
        n = count - len(head)
        regular = _down(rest / n)
        if regular <= ZERO:
            raise InvalidInput("Trop d'échéances pour ce montant : chacune serait nulle.", field="count")
        return [*head, *([regular] * (n - 1)), rest - regular * (n - 1)]
    assert monthly is not None
    monthly = check_amount(monthly, "Montant mensuel")
    if monthly <= ZERO:
        raise InvalidInput("Le montant mensuel doit être positif.", field="monthly")
    amounts = [first] if first is not None else []
    rest = total - sum(amounts, ZERO)
    if rest > ZERO:
        full, last = divmod(rest, monthly)
        if len(amounts) + int(full) + (1 if last else 0) > MAX_INSTALMENTS:
            raise InvalidInput(
                f"Avec {format_amount(monthly)} par mois il faudrait plus de {MAX_INSTALMENTS} échéances.",
                field="monthly",
            )
        amounts += [monthly] * int(full) + ([last] if last else [])
    return amounts


def propose(
    total: Decimal,
    first_on: date,
    *,
    count: int | None = None,
    monthly: Decimal | None = None,
    first_amount: Decimal | None = None,
    day: int | None = None,
    capacity: Decimal | None = None,
) -> Proposal:
    """The instalments paying `total` exactly: `count` of them or `monthly` each, the first one
    `first_amount` when given, from `first_on`, then on `day` of each month."""
    total = check_amount(total, "Total dû")
    if total <= ZERO:
        raise InvalidInput("Rien n'est dû : pas d'échéancier à proposer.", field="total")
    amounts = _amounts(total, count, monthly, first_amount)
    dates = due_dates(first_on, len(amounts), day)
    instalments = tuple(Instalment(i + 1, d, a) for i, (d, a) in enumerate(zip(dates, amounts, strict=True)))
    warnings = []
    regular = max(i.amount for i in instalments[1:]) if len(instalments) > 1 else instalments[0].amount
    if capacity is not None and regular > capacity:
        warnings.append(
            f"L'échéance de {format_amount(regular)} dépasse ce qui peut être pris sur le salaire connu "
            f"({format_amount(capacity)} par mois, fraction saisissable R3252-2 C. trav.) : le débiteur "
            "pourrait ne pas la tenir."
        )
    return Proposal(total, instalments, capacity, tuple(warnings))


def default_terms(total: Decimal, capacity: Decimal | None) -> tuple[int | None, Decimal | None]:
    """What the first proposal uses when the clerc has typed nothing: the capacity as the monthly
    amount when known, positive, and enough to pay within `MAX_INSTALMENTS` months; else
    `DEFAULT_COUNT` instalments, fewer when they would fall below `MIN_DEFAULT_MONTHLY`."""
    if capacity is not None and capacity > ZERO and total / capacity <= MAX_INSTALMENTS:
        return None, _down(capacity)
    return max(1, min(DEFAULT_COUNT, int(total // MIN_DEFAULT_MONTHLY))), None


def plan_state(
    instalments: Iterable[Instalment], payments: Iterable[tuple[date, Decimal]], grace_days: int, today: date
) -> PlanState:
    """Each instalment paid, partly paid, missed, in its grace or to come, and the plan's state
    on `today`, from the payments (date, amount) received since the plan was made. Payments
    dated after `today` are ignored."""
    items = sorted(instalments, key=lambda i: i.number)
    received = sorted((d, a) for d, a in payments if d <= today)
    grace = timedelta(days=grace_days)
    paid = sum((a for _, a in received), ZERO)
    states = []
    cumulative_due = ZERO
    running, index = ZERO, 0  # walk the payments once to find the day each instalment is reached
    for item in items:
        before = cumulative_due
        cumulative_due += item.amount
        paid_on = None
        while index < len(received) and running < cumulative_due:
            running += received[index][1]
            index += 1
        if running >= cumulative_due:
            paid_on = received[index - 1][0] if index else None
        allocated = min(item.amount, max(ZERO, paid - before))
        if allocated >= item.amount:
            state = "payee"
        elif today > item.due_on + grace:
            state = "impayee"
        elif allocated > ZERO:
            state = "partielle"
        elif today >= item.due_on:
            state = "en_grace"
        else:
            state = "a_venir"
        states.append(InstalmentState(item, allocated, state, paid_on))
    missed = next((s for s in states if s.state == "impayee"), None)
    total = cumulative_due
    if paid >= total:
        plan = "respecte"
    elif missed is not None:
        plan = "en_defaut"
    else:
        plan = "en_cours"
    default_on = missed.instalment.due_on + grace + timedelta(days=1) if missed is not None else None
    return PlanState(plan, tuple(states), paid, max(ZERO, total - paid), missed, default_on)


def instalment_line(state: InstalmentState) -> str:
    """« n° 3 — 05/03/2027 — 120,00 € — Impayée (reste 20,00 €) », for the screen and the CLI."""
    item = state.instalment
    text = f"n° {item.number} — {format_date(item.due_on)} — {format_amount(item.amount)} — "
    text += INSTALMENT_STATES[state.state]
    if state.state in ("partielle", "impayee") and state.paid > ZERO:
        text += f" (payé {format_amount(state.paid)}, reste {format_amount(state.left)})"
    return text
