"""Deadlines follow the dossier: recording an act creates the deadlines of its step and closes
those it answers; a deadline is marked done or moved only with a reason; the agenda lists
the open deadlines of every dossier, overdue first, paged in SQL.

One write transaction per call, permission and audit inside; nothing is ever deleted (a
done deadline stays, with who, when and why; a moved one keeps its original date).
The agenda reads raw tuples (docs/architecture.md, « Measured facts »: models cost ~4× more on big reads) and pages by
keyset on (due_date, id), which the `deadline(done, due_date)` index serves in order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from types import EllipsisType
from typing import TYPE_CHECKING, Any

from clerc_tui.errors import ConflictError, InvalidInput
from clerc_tui.models import Creditor, Deadline, Debtor, DebtorAddress, Dossier, DossierDebtor, User
from clerc_tui.models.db import database, raw_sql, read_date, sql_date, write_transaction
from clerc_tui.models.tracking import catalogue_id
from clerc_tui.rules.calendar import distance_of_address, in_winter_truce, winter_truce_period
from clerc_tui.rules.french import format_date
from clerc_tui.rules.text import check_text
from clerc_tui.rules.vocabulary import PROCEDURES
from clerc_tui.services.audit import last_change, record, save_versioned, snapshot, timeline_event
from clerc_tui.services.context import Actor, UserInfo, require_write, user_by_login
from clerc_tui.services.plain import Prepared, plain

if TYPE_CHECKING:
    from clerc_tui.rules import procedures as procedures_rules


def _rules():
    """The procedures catalogue, loaded on first use: the dashboard paints without it."""
    from clerc_tui.rules import procedures

    return procedures


# The dashboard's horizons in days; the last one shows every open deadline (ten years covers
# the longest, the 10-year limit on enforcing a title, L111-4 CPCE).
ALL_HORIZON = 3653
HORIZONS = (7, 14, 30, ALL_HORIZON)
PAGE = 200
REASON_MAX = 500
WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class DeadlineInfo:
    """A deadline as screens and the command line read it; `reference` is its dossier's."""

    id: int
    dossier_id: int
    reference: str
    procedure_id: str
    step_id: str
    rule_id: str
    kind: str
    due_date: date
    label: str
    basis: str
    sanction: str
    note: str
    assigned_to_id: int | None
    done: bool
    done_on: date | None
    done_by_id: int | None
    done_reason: str
    original_due_date: date | None
    moved_reason: str
    unverified: bool
    debtor_id: int | None
    suspended_reason: str
    version: int


def deadline_info(row: Deadline, reference: str | None = None) -> DeadlineInfo:
    """The plain deadline (its dossier's reference read when not given)."""
    return plain(DeadlineInfo, row, reference=row.dossier.reference if reference is None else reference)


@dataclass(frozen=True)
class StepResult:
    """What recording a step did, for the screen and the CLI to say."""

    event_id: int
    created: list[DeadlineInfo] = field(default_factory=list)
    closed: list[DeadlineInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    resumed: list[DeadlineInfo] = field(default_factory=list)  # suspended délais that now run (L412-5)


@dataclass(frozen=True)
class ServedParty:
    """A debtor served by the act, and where he lives for CPC 643-644."""

    debtor_id: int
    name: str
    distance: str | None


@dataclass(frozen=True, slots=True)
class AgendaRow:
    id: int
    dossier_id: int
    reference: str
    debtor_name: str
    procedure_id: str
    step_id: str
    rule_id: str
    kind: str
    label: str
    due_date: date
    basis: str
    clerc_name: str
    clerc_login: str
    unverified: bool
    original_due_date: date | None
    moved_reason: str
    suspended_reason: str = ""
    version: int = 1

    def section(self, today: date) -> str:
        """`overdue`, `possible`, `today` or `later`: the parts of the agenda. A past « pas avant
        le » (earliest_day) is `possible`: the act may now be done, nothing was missed."""
        if self.due_date < today:
            return "possible" if self.kind == "earliest_day" else "overdue"
        return "today" if self.due_date == today else "later"

    def part(self, today: date) -> int:
        """The agenda's order: overdue (0), then possible (1), then today and later (2)."""
        return PARTS.index(self.section(today)) if self.due_date < today else 2


@dataclass(frozen=True)
class AgendaCounts:
    overdue: int
    today: int
    later: int
    # Past waiting periods (« pas avant le »): open, but nothing was missed.
    possible: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.possible + self.today + self.later


# --- small checks ---------------------------------------------------------------------


def _reason(text: str | None, what: str) -> str:
    """The reason as typed, on one line; it must say something: at least one word of two letters
    (« ... », « - » or « 1 » are refused)."""
    check_text(text, field="Motif", max_len=REASON_MAX * 4, multiline=True, key="reason")
    reason = " ".join((text or "").split())
    if not WORD.search(reason):
        raise InvalidInput(
            f"Motif obligatoire pour {what} : dites pourquoi, en mots (il reste dans l'historique).", field="reason"
        )
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"Motif trop long ({len(reason)} caractères, {REASON_MAX} au plus).", field="reason")
    return reason


def _as_date(value, label: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        from clerc_tui.rules.french import parse_date

        return parse_date(value)
    raise InvalidInput(f"{label} : date attendue au format jj/mm/aaaa.")


def _locked_deadline(deadline_id: int, expected_version: int | None) -> Deadline:
    """The deadline, read inside the write transaction; refused (ConflictError, with who and
    when) if it changed since the clerc read it at `expected_version` — as dossiers are."""
    deadline = Deadline.by_id(deadline_id)
    if deadline is None:
        raise InvalidInput("Cette échéance n'existe pas (ou plus).")
    if expected_version is not None and deadline.version != expected_version:
        raise ConflictError(
            f"L'échéance « {deadline.label} » a été modifiée{last_change('deadline', deadline.id)} "
            "depuis que vous l'avez affichée. Rien n'a été enregistré : la liste est rechargée, "
            "vérifiez l'échéance et refaites l'opération."
        )
    return deadline


def _save_edit(deadline: Deadline) -> None:
    """Write the edited deadline with the next version (optimistic locking, services/audit)."""
    save_versioned(deadline, "deadline", f"L'échéance « {deadline.label} » vient d'être modifiée")


def _open_deadline(deadline_id: int, expected_version: int | None = None) -> Deadline:
    deadline = _locked_deadline(deadline_id, expected_version)
    if deadline.done:
        raise InvalidInput(
            f"Cette échéance est déjà faite (le {format_date(deadline.done_on)}) : elle ne peut plus être modifiée."
        )
    return deadline


# The queries of `served_parties` (every step recorded, every act previewed): SQL written once.
_PARTIES = Prepared(
    lambda dossier_id: (
        Debtor.select(Debtor.id, Debtor.display_name)
        .join(DossierDebtor, on=(DossierDebtor.debtor == Debtor.id))
        .where(DossierDebtor.dossier == dossier_id)
        .order_by(DossierDebtor.position, Debtor.id)
        .tuples()
    )
)
_CURRENT_PLACE = Prepared(
    lambda debtor_id: (
        DebtorAddress.select(DebtorAddress.country, DebtorAddress.postcode)
        .where(DebtorAddress.debtor == debtor_id, DebtorAddress.is_current == True)  # noqa: E712
        .order_by(DebtorAddress.id.desc())
        .limit(1)
        .tuples()
    )
)


def served_parties(dossier_id: int, debtor_ids: list[int] | None = None) -> list[ServedParty]:
    """The dossier's debtors (those in `debtor_ids`, or all), each with the CPC 643 distance of
    his current address (rules.calendar.distance_of_address), in the dossier's order."""
    parties = []
    for debtor_id, name in _PARTIES.rows(dossier_id):
        if debtor_ids is not None and debtor_id not in debtor_ids:
            continue
        place = _CURRENT_PLACE.rows(debtor_id)
        distance = distance_of_address(*place[0]) if place else None
        parties.append(ServedParty(debtor_id, name or "", distance))
    if debtor_ids is not None and len(parties) != len(set(debtor_ids)):
        raise InvalidInput("Un débiteur signifié n'est pas un débiteur de ce dossier.", field="debtor_ids")
    return parties


def dossier_distance(dossier_id: int) -> str | None:
    """The farthest distance among the dossier's debtors (abroad, then outre-mer, else None).

    For a computation that names no party (an act's preview): the latest date is the safe one
    for a délai the étude waits out; per-party deadlines come from `record_step`.
    """
    distances = {p.distance for p in served_parties(dossier_id)}
    for distance in ("abroad", "outre-mer"):
        if distance in distances:
            return distance
    return None


def _note(computed: procedures_rules.ComputedDeadline) -> str:
    lines = []
    if computed.unverified:
        lines.append(f"Point non vérifié : {computed.unverified}")
    if computed.caveat:
        lines.append(f"Attention : {computed.caveat}")
    lines += list(computed.explanation)
    return "\n".join(lines)


def _plain_facts(facts: Mapping[str, object]) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in sorted(facts.items())}


# --- writing --------------------------------------------------------------------------


def record_step(
    actor: Actor,
    dossier_id: int,
    procedure_id: str,
    step_id: str,
    served_on: date,
    facts: Mapping[str, object] | None = None,
    *,
    today: date,
    distance: str | EllipsisType | None = ...,  # ... (not given): each party's own distance
    good_friday: bool | None = None,
    debtor_ids: list[int] | None = None,
) -> StepResult:
    """The act of `step_id` was served (or done) on `served_on`: record it on the dossier.

    Closes the open deadlines of this dossier that the step answers (those of the served
    debtors, and those naming no debtor), creates the deadlines the step defines (computed
    with the dossier's calendar zone and each served debtor's distance, CPC 643: when the
    debtors' dates differ, one deadline per debtor, naming him), assigned to the dossier's
    clerc, restarts the délais suspended until this step (CPCE L412-5), and writes a timeline
    event. `debtor_ids`: the debtors served, all of the dossier's by default. `distance`
    forces one distance for every party (None: metropole).
    """
    require_write(actor)
    served_on = _as_date(served_on, "Date de l'acte")
    if served_on > today:
        raise InvalidInput(
            f"L'acte ne peut pas être daté du {format_date(served_on)}, après aujourd'hui "
            f"({format_date(today)}) : on enregistre un acte accompli.",
            field="served_on",
        )
    procedure = _rules().procedure(procedure_id)
    step = procedure.step(step_id)
    facts = dict(facts or {})
    now = datetime.now()
    with write_transaction():
        dossier = Dossier.by_id(dossier_id)
        if dossier is None:
            raise InvalidInput("Ce dossier n'existe pas (ou plus).")
        parties = served_parties(dossier_id, debtor_ids)
        if distance is not ...:
            parties = [ServedParty(p.debtor_id, p.name, distance) for p in parties] or [ServedParty(0, "", distance)]
        elif not parties:
            parties = [ServedParty(0, "", None)]
        _derived_facts(dossier, step, facts)
        per_distance = {}
        for party in parties:
            if party.distance not in per_distance:
                per_distance[party.distance] = _rules().deadlines_for_step(
                    procedure_id,
                    step_id,
                    served_on,
                    zone=dossier.zone,
                    distance=party.distance,
                    facts=facts,
                    good_friday=good_friday,
                )
        event_id = timeline_event(
            actor,
            dossier_id,
            served_on,
            "acte",
            f"{step.act} ({procedure.label}), le {format_date(served_on)}"
            + (f" — {', '.join(p.name for p in parties)}" if debtor_ids is not None else ""),
            now=now,
        )
        record(
            actor,
            "procedure.step",
            "timeline_event",
            event_id,
            dossier_id=dossier_id,
            after={
                "procedure_id": procedure_id,
                "step_id": step_id,
                "served_on": served_on.isoformat(),
                "facts": _plain_facts(facts),
                "parties": [{"debtor_id": p.debtor_id or None, "distance": p.distance} for p in parties],
            },
        )
        result = StepResult(event_id=event_id)  # its lists filled below
        result.warnings.extend(_missing_step_warnings(dossier_id, procedure_id, step, facts))
        reason = f"acte accompli : {step.act} le {format_date(served_on)}"
        if step.closes:
            to_close = (
                Deadline.select()
                .where(
                    Deadline.dossier == dossier_id,
                    Deadline.procedure_id == procedure_id,
                    Deadline.rule_id.in_(sorted(step.closes)),
                    Deadline.done == False,  # noqa: E712 - a Peewee expression, SQL "done = 0"
                )
                .order_by(Deadline.due_date, Deadline.id)
            )
            if debtor_ids is not None:
                to_close = to_close.where(Deadline.debtor.is_null() | Deadline.debtor.in_(debtor_ids))
            for deadline in to_close:
                result.warnings.extend(_timing_warnings(deadline, served_on))
                before = snapshot(deadline)
                deadline.done, deadline.done_on, deadline.done_by_id = True, served_on, actor.user_id
                deadline.done_reason = reason
                _save_edit(deadline)
                record(
                    actor,
                    "deadline.close",
                    "deadline",
                    deadline.id,
                    before=before,
                    after=snapshot(deadline),
                    dossier_id=dossier_id,
                )
                result.closed.append(deadline_info(deadline, dossier.reference))
        result.resumed.extend(
            deadline_info(d, dossier.reference)
            for d in _resume_suspended(actor, dossier, procedure_id, step_id, served_on, good_friday)
        )
        first = per_distance[parties[0].distance]
        for index, item in enumerate(first):
            versions: list[tuple[ServedParty | None, Any]] = [
                (party, per_distance[party.distance][index]) for party in parties
            ]
            if len({_kept_due(v) for _, v in versions}) == 1:
                versions = [(None, item)]  # the same date for every served party: one deadline
            for named, version in versions:  # named: the party the deadline names, None for all
                label = version.label if named is None else f"{version.label} — {named.name}"
                rule = _rules().rule(version.deadline_id)
                deadline = Deadline.create(
                    dossier=dossier_id,
                    procedure_id=procedure_id,
                    step_id=step_id,
                    rule_id=version.deadline_id,
                    kind=version.kind,
                    due_date=_kept_due(version),
                    text=catalogue_id(label, version.basis, version.sanction, _note(version)),
                    assigned_to=dossier.assigned_to_id or actor.user_id,
                    done=False,
                    done_reason="",
                    created_at=now,
                    unverified=bool(version.unverified),
                    debtor=(named.debtor_id or None) if named is not None else None,
                    suspended_reason=rule.suspended_reason,
                )
                record(
                    actor, "deadline.create", "deadline", deadline.id, after=snapshot(deadline), dossier_id=dossier_id
                )
                result.created.append(deadline_info(deadline, dossier.reference))
                if rule.suspended_reason:
                    result.warnings.append(f"{label} : {rule.suspended_reason}")
        Dossier.update(updated_at=now).where(Dossier.id == dossier_id).execute()
    return result


def _kept_due(item) -> date:
    """The date recorded: a last day that is not usable for an act gives way to the day before it."""
    if item.kind == "last_day" and item.act_by is not None and item.act_by < item.due:
        return item.act_by
    return item.due


def _derived_facts(dossier: Dossier, step, facts: dict) -> None:
    """Facts the dossier already knows, when the user left them unknown (in place).

    `landlord_legal_person` (loi 89-462 art. 24 II): the creditor's kind; a personne morale
    is taken as subject to the CCAPEX rule (a family SCI, the exception, answers « non »).
    `etude_repartiteur` (wage seizure): the étude's setting; the six-week répartition
    deadlines exist only when the étude is the répartiteur.
    """
    needed = {c.removeprefix("not ") for d in step.deadlines for c in _rules().conditions(d.when)}
    needed |= {w.when.removeprefix("not ") for w in step.warn_without}
    if "landlord_legal_person" in needed and facts.get("landlord_legal_person") is None:
        kind = Creditor.select(Creditor.kind).where(Creditor.id == dossier.creditor_id).scalar()
        if kind in ("morale", "physique"):
            facts["landlord_legal_person"] = kind == "morale"
    if "etude_repartiteur" in needed and facts.get("etude_repartiteur") is None:
        from clerc_tui.services.etude import wage_repartiteur

        facts["etude_repartiteur"] = wage_repartiteur()


def _missing_step_warnings(dossier_id: int, procedure_id: str, step, facts: Mapping[str, object]) -> list[str]:
    """The step's `warn_without`: an earlier step the law requires, never recorded on the dossier."""
    warnings = []
    for item in step.warn_without:
        if _rules().holds(item.when, facts) is False:
            continue
        done_before = (
            Deadline.select(Deadline.id)
            .where(Deadline.dossier == dossier_id, Deadline.procedure_id == procedure_id, Deadline.step_id == item.step)
            .exists()
        )
        if not done_before:
            warnings.append(item.text)
    return warnings


def _resume_suspended(
    actor: Actor, dossier: Dossier, procedure_id: str, step_id: str, served_on: date, good_friday: bool | None
) -> list[Deadline]:
    """The délais suspended until this step now run from `served_on` (CPCE L412-5)."""
    rules_ = _rules()
    rule_ids = [r.id for r in rules_.rules() if r.procedure_id == procedure_id and r.suspended_until == step_id]
    if not rule_ids:
        return []
    resumed = []
    for deadline in (
        Deadline.select()
        .where(
            Deadline.dossier == dossier.id,
            Deadline.procedure_id == procedure_id,
            Deadline.rule_id.in_(rule_ids),
            Deadline.done == False,  # noqa: E712
            Deadline.suspended_reason != "",
        )
        .order_by(Deadline.id)
    ):
        rule = rules_.rule(deadline.rule_id)
        distance = None
        if deadline.debtor_id is not None:
            parties = served_parties(dossier.id, [deadline.debtor_id])
            distance = parties[0].distance if parties else None
        computed = rules_.compute_deadline(
            rule, served_on, zone=dossier.zone, distance=distance, good_friday=good_friday
        )
        before = snapshot(deadline)
        new_due = max(_kept_due(computed), deadline.due_date)
        step_act = rules_.procedure(procedure_id).step(step_id).act
        deadline.note = (
            f"Délai suspendu jusqu'au {format_date(served_on)} ({step_act}, CPCE L412-5) : "
            f"recalculé depuis cette date.\n{_note(computed)}"
        )
        deadline.due_date, deadline.suspended_reason = new_due, ""
        _save_edit(deadline)
        record(
            actor,
            "deadline.resume",
            "deadline",
            deadline.id,
            before=before,
            after=snapshot(deadline),
            dossier_id=dossier.id,
        )
        resumed.append(deadline)
    return resumed


def _timing_warnings(deadline: Deadline, served_on: date) -> list[str]:
    """An act done before its earliest day, or after its last day, or while the délai it waits
    for is suspended: the sanction is at stake."""
    if deadline.kind == "earliest_day" and deadline.suspended_reason:
        return [
            f"Acte du {format_date(served_on)} alors que « {deadline.label} » est suspendu "
            f"({deadline.basis}) : {deadline.sanction} {deadline.suspended_reason}"
        ]
    if deadline.kind == "earliest_day" and served_on < deadline.due_date:
        return [
            f"Acte du {format_date(served_on)} antérieur au premier jour possible "
            f"({format_date(deadline.due_date)}, {deadline.basis}) : {deadline.sanction}"
        ]
    if deadline.kind == "last_day" and served_on > deadline.due_date:
        return [
            f"Acte du {format_date(served_on)} postérieur au dernier jour « {deadline.label} » "
            f"({format_date(deadline.due_date)}, {deadline.basis}) : {deadline.sanction}"
        ]
    return []


def mark_done(
    actor: Actor,
    deadline_id: int,
    reason: str,
    *,
    today: date,
    done_on: date | None = None,
    expected_version: int | None = None,
) -> DeadlineInfo:
    """The deadline is dealt with (done on `done_on`, today by default), for the reason given.
    `expected_version`: the version the clerc saw; another edit since is refused (ConflictError)."""
    require_write(actor)
    reason = _reason(reason, "marquer l'échéance comme faite")
    done_on = done_on or today
    if done_on > today:
        raise InvalidInput("Une échéance ne peut pas être faite à une date future.", field="done_on")
    with write_transaction():
        deadline = _open_deadline(deadline_id, expected_version)
        before = snapshot(deadline)
        deadline.done, deadline.done_on, deadline.done_by_id, deadline.done_reason = (
            True,
            done_on,
            actor.user_id,
            reason,
        )
        _save_edit(deadline)
        record(
            actor,
            "deadline.done",
            "deadline",
            deadline.id,
            before=before,
            after=snapshot(deadline),
            dossier_id=deadline.dossier_id,
        )
        timeline_event(
            actor,
            deadline.dossier_id,
            done_on,
            "echeance",
            f"Échéance faite : {deadline.label} — {reason}",
        )
    return deadline_info(deadline)


def move(
    actor: Actor, deadline_id: int, new_date: date, reason: str, *, today: date, expected_version: int | None = None
) -> DeadlineInfo:
    """Move the deadline to `new_date` (today or later: a date already past would put it straight
    back in « en retard »); the first date is kept in `original_due_date`."""
    require_write(actor)
    reason = _reason(reason, "reporter l'échéance")
    new_date = _as_date(new_date, "Nouvelle date")
    if new_date < today:
        raise InvalidInput(
            f"Report au {format_date(new_date)} refusé : cette date est passée (nous sommes le "
            f"{format_date(today)}). Choisissez aujourd'hui ou une date à venir.",
            field="new_date",
        )
    with write_transaction():
        deadline = _open_deadline(deadline_id, expected_version)
        if new_date == deadline.due_date:
            raise InvalidInput(
                f"L'échéance est déjà au {format_date(new_date)} : choisissez une autre date.", field="new_date"
            )
        before = snapshot(deadline)
        old = deadline.due_date
        if deadline.original_due_date is None:
            deadline.original_due_date = old
        deadline.due_date, deadline.moved_reason = new_date, reason
        _save_edit(deadline)
        record(
            actor,
            "deadline.move",
            "deadline",
            deadline.id,
            before=before,
            after=snapshot(deadline),
            dossier_id=deadline.dossier_id,
        )
        timeline_event(
            actor,
            deadline.dossier_id,
            today,
            "echeance",
            f"Échéance reportée du {format_date(old)} au {format_date(new_date)} : {deadline.label} — {reason}",
        )
    return deadline_info(deadline)


def reopen(
    actor: Actor, deadline_id: int, reason: str, *, today: date, expected_version: int | None = None
) -> DeadlineInfo:
    """A deadline marked done (by hand or by an act) is open again, for the reason given: the
    « fait » was a mistake, the act was void… Who, when and why it had been done stay in the
    audit trail and the timeline."""
    require_write(actor)
    reason = _reason(reason, "rouvrir l'échéance")
    with write_transaction():
        deadline = _locked_deadline(deadline_id, expected_version)
        if not deadline.done:
            raise InvalidInput(f"L'échéance « {deadline.label} » est déjà ouverte.")
        before = snapshot(deadline)
        done_on = deadline.done_on
        deadline.done, deadline.done_on, deadline.done_by, deadline.done_reason = False, None, None, ""
        _save_edit(deadline)
        record(
            actor,
            "deadline.reopen",
            "deadline",
            deadline.id,
            before=before,
            after={**snapshot(deadline), "reason": reason},
            dossier_id=deadline.dossier_id,
        )
        timeline_event(
            actor,
            deadline.dossier_id,
            today,
            "echeance",
            f"Échéance rouverte (faite le {format_date(done_on)}) : {deadline.label} — {reason}",
        )
    return deadline_info(deadline)


def done_deadlines(clerc_id: int | None = None, dossier_id: int | None = None, limit: int = 100) -> list[DeadlineInfo]:
    """The deadlines marked done, the latest first (what « Rouvrir » offers)."""
    query = Deadline.select(Deadline, Dossier).join(Dossier).where(Deadline.done == True)  # noqa: E712
    if clerc_id is not None:
        query = query.where(Deadline.assigned_to == clerc_id)
    if dossier_id is not None:
        query = query.where(Deadline.dossier == dossier_id)
    rows = query.order_by(Deadline.done_on.desc(), Deadline.id.desc()).limit(limit)
    return [deadline_info(row, row.dossier.reference) for row in rows]


# --- reading: the agenda --------------------------------------------------------------


def check_horizon(days: int) -> int:
    if not isinstance(days, int) or days < 0 or days > ALL_HORIZON:
        raise InvalidInput(f"Horizon de l'agenda : entre 0 et {ALL_HORIZON} jours (demandé : {days}).", field="days")
    return days


PARTS = ("overdue", "possible")  # then the rows due today or later, one part


def _where(
    today: date,
    horizon_days: int,
    clerc_id: int | None,
    procedure_id: str | None,
    part: int | None = None,
    horizon_bound: bool = True,
) -> tuple[str, list]:
    """`horizon_bound=False`: leave out `due_date <= horizon`, which the caller's own upper bound
    implies. Given two upper bounds, SQLite bounds the index range by the first and tests the
    other on every entry: the overdue part (`< today`) of a 10-year horizon read every open
    deadline (24 ms at 300,000 dossiers instead of 1)."""
    end = today + timedelta(days=check_horizon(horizon_days))
    conditions = ["dl.done = ?"]
    params: list = [False]
    if horizon_bound and part not in (0, 1):  # the overdue and possible parts end before today
        conditions.append("dl.due_date <= ?")
        params.append(sql_date(end))
    if part is not None:
        if part == 2:
            conditions.append("dl.due_date >= ?")
        else:
            conditions.append("dl.due_date < ? AND dl.kind " + ("<>" if part == 0 else "=") + " 'earliest_day'")
        params.append(sql_date(today))
    owner, owner_params = _owner(clerc_id, procedure_id)
    return " AND ".join(conditions + owner), params + owner_params


def _owner(clerc_id: int | None, procedure_id: str | None) -> tuple[list[str], list]:
    """The conditions of the dashboard's clerc and procedure filters."""
    conditions: list[str] = []
    params: list[int | str] = []
    if clerc_id is not None:
        conditions.append("dl.assigned_to_id = ?")
        params.append(clerc_id)
    if procedure_id:
        conditions.append("dl.procedure_id = ?")
        params.append(procedure_id)
    return conditions, params


AGENDA_COLUMNS = (
    "dl.id, dl.dossier_id, d.reference, d.debtor_name, dl.procedure_id, dl.step_id, dl.rule_id, "
    "dl.kind, COALESCE((SELECT t.label FROM deadline_text t WHERE t.id = dl.text_id), dl.label), dl.due_date, "
    "COALESCE((SELECT t.basis FROM deadline_text t WHERE t.id = dl.text_id), dl.basis), u.name, u.login, "
    "dl.unverified, dl.original_due_date, "
    "dl.moved_reason, dl.suspended_reason, dl.version"
)


def agenda_sql(
    today: date,
    horizon_days: int,
    clerc_id: int | None = None,
    procedure_id: str | None = None,
    limit: int = PAGE,
    after: AgendaRow | None = None,
    before: AgendaRow | None = None,
    start: date | None = None,
    part: int | None = None,
) -> tuple[str, list]:
    """The agenda query and its parameters (the benchmark runs the same text through sqlite3).
    `part`: only the overdue (0), possible (1) or current (2) rows; each part is ordered by
    (due_date, id), which the index serves."""
    where, params = _where(today, horizon_days, clerc_id, procedure_id, part, horizon_bound=before is None)
    order = "ASC"
    if after is not None:
        where += " AND (dl.due_date, dl.id) > (?, ?)"
        params += [sql_date(after.due_date), after.id]
    elif before is not None:
        # One upper bound (see _where): the row before which to read, or the part's own end when
        # it comes first (before today for the past parts, the horizon's last day otherwise).
        end = today - timedelta(days=1) if part in (0, 1) else today + timedelta(days=horizon_days)
        if before.due_date <= end:
            where += " AND (dl.due_date, dl.id) < (?, ?)"
            params += [sql_date(before.due_date), before.id]
        elif part not in (0, 1):
            where += " AND dl.due_date <= ?"
            params.append(sql_date(end))
        order = "DESC"
    elif start is not None:
        where += " AND dl.due_date >= ?"
        params.append(sql_date(start))
    sql = (
        f"SELECT {AGENDA_COLUMNS} FROM deadline dl JOIN dossier d ON d.id = dl.dossier_id "
        f'LEFT JOIN "user" u ON u.id = dl.assigned_to_id WHERE {where} '
        f"ORDER BY dl.due_date {order}, dl.id {order} LIMIT ?"
    )
    return raw_sql(sql), [*params, limit]


def agenda(
    today: date,
    horizon_days: int = 7,
    clerc_id: int | None = None,
    procedure_id: str | None = None,
    limit: int = PAGE,
    after: AgendaRow | None = None,
    before: AgendaRow | None = None,
    start: date | None = None,
    last: bool = False,
) -> list[AgendaRow]:
    """Open deadlines due up to today + horizon: overdue first (oldest first), then the past
    waiting periods now possible, then today, then later.

    `clerc_id`: one clerc's deadlines, None for everyone's. Paging by keyset on (part, due_date,
    id): `after` (the page following that row), `before` (the page preceding it, still in display
    order), `start` (the first page of the rows due on or after that day) or `last` (the last
    page). With none of them, the first page. Each part is one indexed query, read only as far as the page needs.
    """

    def fetch(part: int, **keys) -> list[AgendaRow]:
        sql, params = agenda_sql(today, horizon_days, clerc_id, procedure_id, limit - len(rows), part=part, **keys)
        return [_agenda_row(r, today) for r in database.execute_sql(sql, params).fetchall()]

    rows: list[AgendaRow] = []
    if before is not None or last:
        part = 2 if before is None else before.part(today)
        rows += fetch(part, before=before or _LAST)
        for earlier in range(part - 1, -1, -1):
            if len(rows) >= limit:
                break
            rows += fetch(earlier, before=_LAST)
        rows.reverse()
        return rows
    first = after.part(today) if after is not None else 0
    for part in range(first, 3):
        if len(rows) >= limit:
            break
        if part == first and after is not None:
            rows += fetch(part, after=after)
        else:
            rows += fetch(part, start=start)
    return rows


class _Last:
    """A keyset bound after every row of a part (`before=_LAST`: the part read from its end)."""

    due_date = date.max
    id = 2**62


_LAST = _Last()


def _agenda_row(r, today: date) -> AgendaRow:
    row = AgendaRow(
        r[0],
        r[1],
        r[2],
        r[3] or "",
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        read_date(r[9]),
        r[10],
        r[11] or "",
        r[12] or "",
        bool(r[13]),
        read_date(r[14]),
        r[15] or "",
        r[16] or "",
        r[17] or 1,
    )
    truce = winter_truce_suspension(row.procedure_id, row.rule_id, row.kind, row.due_date, today)
    if truce and not row.suspended_reason:
        row = replace(row, suspended_reason=truce)
    return row


def winter_truce_suspension(procedure_id: str, rule_id: str, kind: str, due_date: date, today: date) -> str:
    """The « SUSPENDU » text of an expulsion not before `due_date` when the first day it could
    be carried out (the later of `due_date` and today) falls in the trêve hivernale, else "".

    CPCE L412-6: every expulsion not carried out on 1 November is deferred until 31 March
    (docs/law/expulsion.md, « Trêve hivernale », with the exceptions the clerc must weigh). Only the rules
    marked `winter_truce` (the expulsion itself, not the assignation's waiting period)."""
    if kind != "earliest_day" or procedure_id != "expulsion":
        return ""
    day = max(due_date, today)
    if not in_winter_truce(day):
        return ""
    try:
        if not _rules().rule(rule_id).winter_truce:
            return ""
    except InvalidInput:
        return ""
    end = winter_truce_period(day)[1]
    return (
        f"trêve hivernale jusqu'au {format_date(end)} (CPCE L412-6) : expulsion possible à partir du "
        f"{format_date(end + timedelta(days=1))}. Exceptions (L412-6) : relogement des intéressés assuré "
        "dans des conditions suffisantes respectant l'unité et les besoins de la famille ; expulsion prononcée "
        "pour introduction sans droit ni titre dans le domicile d'autrui par manœuvres, menaces, voies de "
        "fait ou contrainte (squat de domicile) ; entrée par ces procédés dans un autre lieu que le domicile, "
        "si le juge a supprimé ou réduit le sursis."
    )


def agenda_counts(
    today: date, horizon_days: int = 7, clerc_id: int | None = None, procedure_id: str | None = None
) -> AgendaCounts:
    """The counts line of the dashboard (see `agenda_counts_sql`)."""
    sql, params = agenda_counts_sql(today, horizon_days, clerc_id, procedure_id)
    past, possible, due_today, total = (int(v or 0) for v in database.execute_sql(sql, params).fetchone())
    return AgendaCounts(past - possible, due_today, total - past - due_today, possible)


def agenda_counts_sql(
    today: date, horizon_days: int, clerc_id: int | None = None, procedure_id: str | None = None
) -> tuple[str, list]:
    """The counts query and its parameters (the benchmark runs the same text through sqlite3).

    Four plain counts of index ranges, each answered from a covering index of the open
    deadlines (m0016) without reading the table: the past ones, the past waiting periods
    (`possible`; the rest of the past is `overdue`), today's, and all those up to the horizon.
    (One pass summing a CASE per row cost ~0.45 µs per open deadline; a range count, ~0.05 µs.)
    Each range has one upper bound: given both `<= horizon` and `< today`, SQLite bounds the
    range by the first and tests the second on every entry (13 ms instead of 0.5 at 300,000
    dossiers)."""
    owner, owner_params = _owner(clerc_id, procedure_id)
    day, end = sql_date(today), sql_date(today + timedelta(days=check_horizon(horizon_days)))
    ranges = (
        ("dl.due_date < ?", day),
        ("dl.due_date < ? AND dl.kind = 'earliest_day'", day),
        ("dl.due_date = ?", day),
        ("dl.due_date <= ?", end),
    )
    counts = (f"(SELECT COUNT(*) FROM deadline dl WHERE {' AND '.join(['dl.done = ?', *owner, r])})" for r, _ in ranges)
    return raw_sql("SELECT " + ", ".join(counts)), [p for _, value in ranges for p in (False, *owner_params, value)]


def clerc_by_login(login: str) -> UserInfo:
    """The user of that login (the agenda's filter), InvalidInput naming the known ones."""
    user = user_by_login(login)
    if user is None:
        known = ", ".join(u.login for u in User.select(User.login).order_by(User.login))
        raise InvalidInput(f"Clerc inconnu : « {login} » (utilisateurs : {known or 'aucun'}).", field="clerc")
    return user


def clercs() -> list[tuple[int, str]]:
    """(id, name) of the active users who may have deadlines, for the agenda's filter."""
    active = User.active == True  # noqa: E712 - a Peewee expression, SQL "active = 1"
    return [
        (u.id, u.name)
        for u in User.select(User.id, User.name).where(active, User.role != "lecture").order_by(User.name)
    ]


def deadline_what(rule_id: str) -> str:
    """The catalogue's « what must be done » of a rule, or "" if the rule is not (or no longer) known."""
    try:
        return _rules().rule(rule_id).what
    except InvalidInput:
        return ""


def procedure_label(procedure_id: str) -> str:
    return PROCEDURES.get(procedure_id) or procedure_id.replace("_", " ")
