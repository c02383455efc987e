"""Payment plans (échéanciers) of a dossier: propose, create, replace, cancel, read their state,
and detect defaults and completions (`check_plans`, run when the app starts and by
`clerc plans check` from cron). Rules: rules/plans.py; law and choices: docs/law/plans.md.

A plan's terms are never edited: a new plan replaces the old one (kept, « remplacé »). Every
write is one short transaction, permission and audit inside; the lifecycle columns of a plan
change with its version (optimistic locking). States are computed set-based: one query per
table for many dossiers (`plan_states`).

Which payments count: the dossier's payments recorded after the plan was made (the debt it
spreads is the décompte of that moment, which already holds the earlier ones), not reversed,
each allocated at its date (a payment dated before the plan's day counts from that day).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from clerc_tui.errors import ClercError, ConflictError, InvalidInput
from clerc_tui.models import Deadline, Dossier, Etude
from clerc_tui.models.db import database, is_sqlite, raw_sql, read_date, write_transaction
from clerc_tui.models.plans import PaymentPlan, PaymentPlanInstalment
from clerc_tui.rules import plans as plan_rules
from clerc_tui.rules.french import format_amount, format_date
from clerc_tui.rules.ledger import PAYMENT
from clerc_tui.rules.measures import wage_share
from clerc_tui.rules.money import from_cents
from clerc_tui.rules.text import check_text
from clerc_tui.services.audit import last_change, record, save_versioned, snapshot, timeline_event
from clerc_tui.services.context import Actor, require, require_write
from clerc_tui.services.etude import set_setting
from clerc_tui.services.plain import Prepared, plain

ALERT_PROCEDURE = "echeancier"  # rules/vocabulary.PROCEDURES: the dashboard's filter finds the alerts
ALERT_STEP = "defaut"
ALERT_RULE = "echeancier_defaut"
LETTER_ACT = "lettre_echeancier"
CHUNK = 500  # dossiers per query (SQLite's parameter limit is far above)
WRITE_STEP = 25  # plans changed per write transaction (~0.1 s of lock, as a reversement run's steps)
REASON_MAX = 500
ALERT_BASIS = {
    "amiable": "Échéancier amiable (accord du débiteur)",
    "petites_creances": "Échéancier convenu en procédure petites créances (CPCE L125-1)",
    "pv_accord": "PV d'accord, saisie des rémunérations (CPCE L212-3 : la saisie reprend)",
}
ALERT_NEXT = {
    "amiable": "Reprendre la relance amiable (scénario) ou proposer un autre échéancier.",
    "petites_creances": "Le titre exécutoire délivré permet d'engager une mesure d'exécution.",
    "pv_accord": "Défaut du débiteur : la procédure de saisie des rémunérations reprend (L212-3).",
}


@dataclass(frozen=True)
class PlanInfo:
    """A plan as stored (its instalments apart)."""

    id: int
    dossier_id: int
    kind: str
    status: str
    total: Decimal
    starts_on: date
    replaces_id: int | None
    letter_act_id: int | None
    alerted_number: int
    ended_on: date | None
    ended_reason: str
    created_by_id: int
    created_at: datetime
    version: int


@dataclass(frozen=True)
class PlanView:
    """A plan, its instalments and its state on `today`."""

    plan: PlanInfo
    instalments: tuple[plan_rules.Instalment, ...]
    state: plan_rules.PlanState
    grace_days: int


@dataclass(frozen=True)
class PlanProposal:
    """What the screen shows before the plan is made: the debt on `on`, the capacity, the terms."""

    dossier_id: int
    on: date
    proposal: plan_rules.Proposal
    count: int | None
    monthly: Decimal | None


@dataclass(frozen=True)
class CheckResult:
    """What `check_plans` did: the alerts raised (dossier reference, text), the plans completed."""

    checked: int
    defaults: tuple[tuple[str, str], ...]
    completed: tuple[tuple[str, str], ...]


# --- settings -------------------------------------------------------------------------------


def grace_days() -> int:
    """The étude's grace period: days after an instalment's date before it counts as missed."""
    row = Etude.select(Etude.plan_grace_days).order_by(Etude.id).first()
    return int(row.plan_grace_days) if row is not None else plan_rules.DEFAULT_GRACE_DAYS


def set_grace_days(actor: Actor, days: int) -> int:
    require(actor, "etude.settings")  # before the value is judged, as every setting
    days = plan_rules.check_grace_days(int(days))
    set_setting(actor, "plan_grace_days", days)
    return days


# --- reading --------------------------------------------------------------------------------


def _dossier(dossier_id: int) -> Dossier:
    dossier = Dossier.by_id(dossier_id)
    if dossier is None:
        raise InvalidInput("Ce dossier n'existe pas (ou plus).")
    return dossier


def debt_on(dossier_id: int, on: date) -> Decimal:
    """What the plan spreads: the décompte's total due on `on`; without a titre exécutoire, its
    principal and interest only — the costs of recovering without a title stay with the creditor
    (CPCE L111-8 al. 2-3), as in the amicable reminder letter. The stored balance when the
    décompte cannot be made."""
    from clerc_tui.services.statement import dossier_statement

    dossier = _dossier(dossier_id)
    try:
        statement = dossier_statement(dossier_id, on)
    except ClercError:
        return dossier.balance
    if not dossier.title_kind:
        return statement.principal_due + statement.interest_due
    return statement.total_due


def capacity(dossier_id: int, on: date) -> Decimal | None:
    """The seizable fraction of the main debtor's known net pay (rules/seizable.quotite through
    rules/measures.wage_share): the project's measure of what a salary can give each month."""
    from clerc_tui.services.solvency import dossier_solvency

    file = dossier_solvency(dossier_id, on)
    if not file.debtors:
        return None
    wage = wage_share(file.debtors[0].facts, on)
    return wage.share.seizable if wage.share is not None else None


def propose(
    dossier_id: int,
    on: date,
    *,
    count: int | None = None,
    monthly: Decimal | None = None,
    first_amount: Decimal | None = None,
    first_on: date | None = None,
    day: int | None = None,
) -> PlanProposal:
    """A plan for the dossier's debt on `on`: the terms given, or the default ones (the debtor's
    capacity as the monthly amount when known, else 12 instalments); first instalment one month
    after `on` unless `first_on` is given."""
    total = debt_on(dossier_id, on)
    cap = capacity(dossier_id, on)
    if count is None and monthly is None:
        count, monthly = plan_rules.default_terms(total, cap)
    first_on = first_on or plan_rules.due_dates(on, 2)[1]
    if first_on < on:
        raise InvalidInput(f"La première échéance ne peut pas précéder le {format_date(on)}.", field="first_on")
    proposal = plan_rules.propose(
        total, first_on, count=count, monthly=monthly, first_amount=first_amount, day=day, capacity=cap
    )
    return PlanProposal(dossier_id, on, proposal, count, monthly)


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _read_ts(value: datetime | str) -> datetime:
    """A timestamp read by raw SQL: text from SQLite, a datetime from PostgreSQL."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _instalments(plan_ids: Sequence[int]) -> dict[int, list[plan_rules.Instalment]]:
    """The plans' instalments, one raw query (read as tuples: 12 rows a plan, 20,000 plans)."""
    found: dict[int, list[plan_rules.Instalment]] = {pid: [] for pid in plan_ids}
    if not plan_ids:
        return found
    sql = (
        'SELECT "plan_id", "number", "due_on", "amount" FROM "payment_plan_instalment" '
        f'WHERE "plan_id" IN ({_marks(plan_ids)}) ORDER BY "plan_id", "number"'
    )
    for plan_id, number, due_on, amount in database.execute_sql(raw_sql(sql), list(plan_ids)).fetchall():
        found[plan_id].append(plan_rules.Instalment(number, read_date(due_on), from_cents(amount)))
    return found


def _payments(plans: Sequence[PlanInfo]) -> dict[int, list[tuple[date, Decimal]]]:
    """Per plan, its payments (date, amount): the dossier's payments recorded after the plan
    was made, not reversed. One query for all the plans' dossiers."""
    found: dict[int, list[tuple[date, Decimal]]] = {p.id: [] for p in plans}
    if not plans:
        return found
    by_dossier: dict[int, list[PlanInfo]] = {}
    for plan in plans:
        by_dossier.setdefault(plan.dossier_id, []).append(plan)
    dossiers = list(by_dossier)
    sql = (
        'SELECT e."dossier_id", e."entry_date", e."amount", e."created_at" FROM "ledger_entry" e '
        f'WHERE e."kind" = ? AND e."dossier_id" IN ({_marks(dossiers)}) AND e."created_at" > ? '
        'AND NOT EXISTS (SELECT 1 FROM "ledger_entry" r WHERE r."reverses_id" = e."id")'
    )
    earliest = min(p.created_at for p in plans)
    params = [PAYMENT, *dossiers, str(earliest) if is_sqlite() else earliest]
    for dossier_id, entry_date, amount, created_at in database.execute_sql(raw_sql(sql), params).fetchall():
        created = _read_ts(created_at)
        for plan in by_dossier[dossier_id]:
            if created > plan.created_at:
                found[plan.id].append((max(read_date(entry_date), plan.starts_on), from_cents(amount)))
    return found


def _views(plans: Sequence[PlanInfo], today: date, grace: int) -> list[PlanView]:
    instalments = _instalments([p.id for p in plans])
    payments = _payments(plans)
    return [
        PlanView(
            p, tuple(instalments[p.id]), plan_rules.plan_state(instalments[p.id], payments[p.id], grace, today), grace
        )
        for p in plans
    ]


PLAN_COLUMNS = (
    "id", "dossier_id", "kind", "status", "total", "starts_on", "replaces_id", "letter_act_id", "alerted_number",
    "ended_on", "ended_reason", "created_by_id", "created_at", "version",
)  # fmt: skip


def _plan_info(row: Sequence) -> PlanInfo:
    v = dict(zip(PLAN_COLUMNS, row, strict=True))
    return PlanInfo(
        **{
            **v,
            "total": from_cents(v["total"]),
            "starts_on": read_date(v["starts_on"]),
            "ended_on": read_date(v["ended_on"]),
            "created_at": _read_ts(v["created_at"]),
        }
    )


def _active(dossier_ids: Iterable[int]) -> list[PlanInfo]:
    ids = list(dossier_ids)
    plans: list[PlanInfo] = []
    columns = ", ".join(f'"{c}"' for c in PLAN_COLUMNS)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        sql = f'SELECT {columns} FROM "payment_plan" WHERE "status" = ? AND "dossier_id" IN ({_marks(chunk)})'
        plans.extend(_plan_info(row) for row in database.execute_sql(raw_sql(sql), ["actif", *chunk]).fetchall())
    return plans


def plan_states(dossier_ids: Iterable[int], today: date) -> dict[int, plan_rules.PlanState]:
    """The state on `today` of each dossier's current plan (dossiers without one are absent):
    a few queries for any number of dossiers (the amicable scenarios' « plan en défaut »)."""
    grace = grace_days()
    ids = list(dossier_ids)
    if len(ids) > CHUNK:  # the day's queue asks for ~80,000 dossiers, few of which have a plan: those first
        sql = 'SELECT DISTINCT "dossier_id" FROM "payment_plan" WHERE "status" = ?'
        with_plan = {row[0] for row in database.execute_sql(raw_sql(sql), ["actif"]).fetchall()}
        ids = [i for i in ids if i in with_plan]
    result: dict[int, plan_rules.PlanState] = {}
    for start in range(0, len(ids), CHUNK):
        for view in _views(_active(ids[start : start + CHUNK]), today, grace):
            result[view.plan.dossier_id] = view.state
    return result


def current_plan(dossier_id: int, today: date) -> PlanView | None:
    """The dossier's plan in force, with its state; None when there is none."""
    plans = _active([dossier_id])
    return _views(plans, today, grace_days())[0] if plans else None


def dossier_plans(dossier_id: int, today: date) -> list[PlanView]:
    """Every plan of the dossier, newest first (replaced and cancelled ones included)."""
    return _views([plain(PlanInfo, r) for r in _PLANS_OF.rows(dossier_id)], today, grace_days())


def plan_view(plan_id: int, today: date) -> PlanView:
    row = PaymentPlan.by_id(plan_id)
    if row is None:
        raise InvalidInput("Cet échéancier n'existe pas.")
    return _views([plain(PlanInfo, row)], today, grace_days())[0]


def schedule_text(instalments: Iterable[plan_rules.Instalment]) -> str:
    """The instalments as the debtor's letter lists them, one per line."""
    return "\n".join(
        f"  Échéance n° {i.number} du {format_date(i.due_on)} : {format_amount(i.amount)}" for i in instalments
    )


def letter_values(plan_ref: str | None) -> dict[str, object]:
    """The data of the debtor's confirmation letter (data/acts/lettre_echeancier.txt.j2),
    read by services/acts.build_draft from the act's `plan_id` field."""
    keys = ("plan_schedule", "plan_total", "plan_count", "plan_kind_text", "plan_grace")
    values: dict[str, object] = dict.fromkeys(keys)
    if not plan_ref or not str(plan_ref).isdigit():
        return values
    row = PaymentPlan.by_id(int(plan_ref))
    if row is None:
        return values
    instalments = _instalments([row.id])[row.id]
    values["plan_schedule"] = schedule_text(instalments)
    values["plan_total"] = row.total
    values["plan_count"] = str(len(instalments))
    values["plan_kind_text"] = {
        "amiable": "Cet échéancier est un accord amiable.",
        "petites_creances": (
            "Cet échéancier est convenu dans la procédure simplifiée de recouvrement des petites créances "
            "(CPCE L125-1) : votre accord sur le montant et les modalités de paiement est constaté dans un "
            "titre exécutoire."
        ),
        "pv_accord": (
            "Cet échéancier reprend le procès-verbal d'accord conclu dans la procédure de saisie des "
            "rémunérations (CPCE L212-6) : tant qu'il est respecté, la procédure est suspendue (L212-3)."
        ),
    }[row.kind]
    values["plan_grace"] = str(grace_days())
    return values


# --- writing --------------------------------------------------------------------------------


def _reason(text: str | None) -> str:
    check_text(text, field="Motif", max_len=REASON_MAX, multiline=True, key="reason")
    reason = " ".join((text or "").split())
    if len(reason) < 3:
        raise InvalidInput("Indiquez le motif.", field="reason")
    return reason


def _locked_plan(plan_id: int, expected_version: int | None) -> PaymentPlan:
    row = PaymentPlan.by_id(plan_id)
    if row is None:
        raise InvalidInput("Cet échéancier n'existe pas.")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(
            f"L'échéancier a été modifié{last_change('payment_plan', row.id)} depuis que vous l'avez affiché. "
            "Rien n'a été enregistré : il est rechargé, vérifiez-le et refaites l'opération."
        )
    if row.status != "actif":
        raise InvalidInput(f"Cet échéancier n'est plus en cours ({plan_rules.STATUSES[row.status].lower()}).")
    return row


def _end(actor: Actor, row: PaymentPlan, status: str, on: date, reason: str, action: str) -> None:
    before = snapshot(row)
    row.status, row.ended_on, row.ended_reason = status, on, reason
    save_versioned(row, "payment_plan", "L'échéancier vient d'être modifié")
    record(actor, action, "payment_plan", row.id, before=before, after=snapshot(row), dossier_id=row.dossier_id)


def create_plan(
    actor: Actor,
    dossier_id: int,
    kind: str,
    *,
    today: date,
    expected_total: Decimal,
    count: int | None = None,
    monthly: Decimal | None = None,
    first_amount: Decimal | None = None,
    first_on: date | None = None,
    day: int | None = None,
    replaces: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> PlanView:
    """Make the plan (and draft the debtor's confirmation letter, an act of type
    `lettre_echeancier`): the terms are computed again here from the debt on `today`, which
    must still be `expected_total` (what the clerc saw). A dossier has one plan in force: to
    change it, give `replaces` (its id, version and a reason): the old one stays, « remplacé »."""
    require_write(actor)
    plan_rules.check_kind(kind)
    if replaces is not None:
        reason = _reason(reason)
    with write_transaction():
        dossier = _dossier(dossier_id)
        proposal = propose(
            dossier_id, today, count=count, monthly=monthly, first_amount=first_amount, first_on=first_on, day=day
        ).proposal
        if proposal.total != expected_total:
            raise ConflictError(
                f"Le total dû a changé depuis la proposition ({format_amount(expected_total)} → "
                f"{format_amount(proposal.total)}) : un versement ou un frais a été enregistré. "
                "Rien n'a été enregistré : vérifiez la nouvelle proposition."
            )
        current = PaymentPlan.get_or_none(PaymentPlan.dossier == dossier_id, PaymentPlan.status == "actif")
        if current is not None and current.id != replaces:
            raise InvalidInput(
                f"Un échéancier est déjà en cours sur ce dossier (fait le {format_date(current.starts_on)}) : "
                "remplacez-le plutôt que d'en ajouter un second."
            )
        if replaces is not None:
            old = _locked_plan(replaces, expected_version)
            if old.dossier_id != dossier_id:
                raise InvalidInput("Cet échéancier n'est pas celui de ce dossier.")
            _end(actor, old, "remplace", today, reason, "plan.replace")
        now = datetime.now()
        row = PaymentPlan.create(
            dossier=dossier_id,
            kind=kind,
            status="actif",
            total=proposal.total,
            starts_on=today,
            replaces=replaces,
            ended_reason="",
            created_by=actor.user_id,
            created_at=now,
        )
        PaymentPlanInstalment.insert_many(
            [{"plan": row.id, "number": i.number, "due_on": i.due_on, "amount": i.amount} for i in proposal.instalments]
        ).execute()
        record(
            actor,
            "plan.create",
            "payment_plan",
            row.id,
            after={
                **snapshot(row),
                "instalments": [[i.number, i.due_on.isoformat(), str(i.amount)] for i in proposal.instalments],
            },
            dossier_id=dossier_id,
        )
        first, last = proposal.instalments[0], proposal.instalments[-1]
        timeline_event(
            actor,
            dossier_id,
            today,
            "echeancier",
            f"Échéancier ({plan_rules.KINDS[kind]}) : {len(proposal.instalments)} échéance(s) de "
            f"{format_amount(proposal.monthly)}, du {format_date(first.due_on)} au {format_date(last.due_on)}, "
            f"total {format_amount(proposal.total)}" + (" ; remplace le précédent" if replaces else ""),
        )
        from clerc_tui.services.acts import draft_act

        letter = draft_act(actor, dossier_id, LETTER_ACT, today=today, fields={"plan_id": str(row.id)})
        PaymentPlan.update({PaymentPlan.letter_act: letter.id}).where(PaymentPlan.id == row.id).execute()
        Dossier.update(updated_at=now).where(Dossier.id == dossier.id).execute()
    return plan_view(row.id, today)


def cancel_plan(actor: Actor, plan_id: int, reason: str, *, today: date, expected_version: int | None = None) -> None:
    """End the plan without a successor (the debtor withdrew, the dossier moves on)."""
    require_write(actor)
    reason = _reason(reason)
    with write_transaction():
        row = _locked_plan(plan_id, expected_version)
        _end(actor, row, "annule", today, reason, "plan.cancel")
        timeline_event(actor, row.dossier_id, today, "echeancier", f"Échéancier annulé : {reason}")


# --- the daily check ------------------------------------------------------------------------


def _raise_default(actor: Actor, row: PaymentPlan, state: plan_rules.PlanState, reference: str) -> str:
    missed = state.first_missed
    assert missed is not None and state.default_on is not None
    item = missed.instalment
    label = (
        f"Échéancier en défaut : échéance n° {item.number} du {format_date(item.due_on)} "
        f"({format_amount(item.amount)}) impayée" + (f", {format_amount(missed.paid)} reçus" if missed.paid else "")
    )
    dossier = Dossier.get_by_id(row.dossier_id)
    deadline = Deadline.create(
        dossier=row.dossier_id,
        procedure_id=ALERT_PROCEDURE,
        step_id=ALERT_STEP,
        rule_id=ALERT_RULE,
        kind="last_day",
        due_date=state.default_on,
        label=label,
        basis=ALERT_BASIS[row.kind],
        sanction="",
        note=f"Délai de grâce de l'étude : {grace_days()} jours. {ALERT_NEXT[row.kind]}",
        assigned_to=dossier.assigned_to_id or row.created_by_id,
        done=False,
        done_reason="",
        created_at=datetime.now(),
    )
    record(actor, "deadline.create", "deadline", deadline.id, after=snapshot(deadline), dossier_id=row.dossier_id)
    before = snapshot(row)
    row.alerted_number = item.number
    save_versioned(row, "payment_plan", "L'échéancier vient d'être modifié")
    record(actor, "plan.default", "payment_plan", row.id, before=before, after=snapshot(row), dossier_id=row.dossier_id)
    timeline_event(None, row.dossier_id, state.default_on, "echeancier", label)
    return f"{reference} : {label}"


def _complete(actor: Actor, row: PaymentPlan, state: plan_rules.PlanState, today: date, reference: str) -> str:
    paid_on = max((s.paid_on for s in state.instalments if s.paid_on), default=today)
    _end(actor, row, "respecte", paid_on, "toutes les échéances sont payées", "plan.complete")
    text = f"Échéancier respecté : {format_amount(row.total)} payés, dernière échéance réglée le {format_date(paid_on)}"
    dossier = Dossier.get_by_id(row.dossier_id)
    if dossier.phase == "amiable":  # the amicable phase ends: the dossier is settled
        before = snapshot(dossier)
        dossier.phase, dossier.closed_on, dossier.updated_at = "clos", paid_on, datetime.now()
        save_versioned(dossier, "dossier", "Le dossier vient d'être modifié")
        record(
            actor, "dossier.close", "dossier", dossier.id, before=before, after=snapshot(dossier), dossier_id=dossier.id
        )
        text += " ; phase amiable close"
    timeline_event(None, row.dossier_id, paid_on, "echeancier", text)
    return f"{reference} : {text}"


def check_plans(actor: Actor, today: date, dossier_ids: Iterable[int] | None = None) -> CheckResult:
    """Every plan in force (or those of `dossier_ids`): a missed instalment past the grace raises
    one alert in the deadline review (detecting it again raises nothing: `alerted_number`) and, for
    an amicable plan, resumes the reminders (amicable.plan_defaulted: « plan_defaillant »); a plan
    fully paid is « respecté » and, on a dossier in the amicable phase, closes it. Read in chunks,
    written in short transactions of at most 25 plans, for the plans that change only."""
    require_write(actor)
    grace = grace_days()
    query = PaymentPlan.select(PaymentPlan.dossier).where(PaymentPlan.status == "actif")
    if dossier_ids is not None:
        query = query.where(PaymentPlan.dossier.in_(list(dossier_ids)))
    ids = sorted({plan.dossier_id for plan in query})
    defaults: list[tuple[str, str]] = []
    completed: list[tuple[str, str]] = []
    checked = 0
    for start in range(0, len(ids), CHUNK):
        views = _views(_active(ids[start : start + CHUNK]), today, grace)
        checked += len(views)
        due = [
            v
            for v in views
            if v.state.state == "respecte"
            or (v.state.first_missed is not None and v.state.first_missed.instalment.number > v.plan.alerted_number)
        ]
        for step in range(0, len(due), WRITE_STEP):
            with write_transaction():  # a few plans per transaction: the lock is left to the clercs between
                for view in due[step : step + WRITE_STEP]:
                    row = PaymentPlan.by_id(view.plan.id)
                    if row is None or row.version != view.plan.version or row.status != "actif":
                        continue  # changed since it was read: the next check sees it again
                    reference = Dossier.get_by_id(row.dossier_id).reference
                    if view.state.state == "respecte":
                        completed.append((reference, _complete(actor, row, view.state, today, reference)))
                    else:
                        defaults.append((reference, _raise_default(actor, row, view.state, reference)))
                        if row.kind == "amiable":  # the others are the judge's or the seizure's business
                            from clerc_tui.services.amicable import plan_defaulted

                            plan_defaulted(actor, row.dossier_id, today)
    return CheckResult(checked, tuple(defaults), tuple(completed))


def check_at_start(today: date) -> CheckResult | None:
    """The app's start-of-day check, done by the clerc who opens clerc (as `clerc plans check`
    from cron): nothing when he may not write or when no plan is in force (one indexed read)."""
    from clerc_tui.services.context import identify, refusal

    actor = identify()
    if refusal(actor, "write") is not None:
        return None
    if not any_in_force():
        return None
    return check_plans(actor, today)


def any_in_force() -> bool:
    """Whether a payment plan is in force (one indexed read): without one, the start-of-day
    check has nothing to do (what the app asks first, on its own connection)."""
    return bool(_ONE_IN_FORCE.rows())


# What every start of the app and every dossier's plans tab read: SQL written once.
_ONE_IN_FORCE = Prepared(lambda: PaymentPlan.select(PaymentPlan.id).where(PaymentPlan.status == "actif").limit(1), 0)
_PLANS_OF = Prepared(
    lambda dossier_id: PaymentPlan.select().where(PaymentPlan.dossier == dossier_id).order_by(PaymentPlan.id.desc())
)
