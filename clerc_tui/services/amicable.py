"""The amicable desk: the scenario a dossier follows, the day's queue, campaigns and the send log.

- Enrolment (`enrol`, `pause`, `resume`, `advance`, `take_out`): one `amicable_enrolment` row per
  dossier, audited, written with its `version` (a stale screen is refused, never overwrites).
- The day's queue (`queue(today, now, clerc_id)`): for each dossier in a scenario, its next step
  (rules/amicable.next_step) when due today, with the recipient and, when a rule of the
  profession forbids the contact now, the French reason (hours, holiday, ceiling, opt-out).
- Campaigns (`run_campaign`): each message's key is claimed in the send log in its own short
  transaction, then the message is sent, then marked sent with its contact, its timeline line and
  the dossier's step moved on, in a second one. A key already sent is skipped (« déjà envoyé le
  … »); a key claimed but never confirmed (a process killed mid-send) is never sent again by
  itself: « envoi incertain, à vérifier » (docs/law/amicable.md, at-most-once).
- Letters are built as data (rules/amicable.Letter) and written as one PDF batch by
  `write_letters`, with the renderer the caller hands in (report/pdf.amicable_letters_pdf: services
  never import report/).
- Every contact is a row of `amicable_contact` (append-only) and a line of the dossier's
  timeline (« 4 Historique »), the one history the dossier shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from clerc_tui.errors import ClercError, ConflictError, InvalidInput
from clerc_tui.models import (
    AmicableEnrolment,
    AmicableOptout,
    Creditor,
    Dossier,
)
from clerc_tui.models.db import database, is_sqlite, read_date, sql_date, write_transaction
from clerc_tui.rules import amicable as rules
from clerc_tui.rules.calendar import ZONES
from clerc_tui.rules.french import format_amount, format_date, format_date_long
from clerc_tui.services import plain as plain_sql
from clerc_tui.services.audit import last_change, record, snapshot, timeline_event
from clerc_tui.services.channels import ChannelError, OutgoingMessage, Sender
from clerc_tui.services.context import Actor, require

LettersRenderer = Callable[[Sequence[rules.Letter]], bytes]  # the letters as one PDF (report/pdf.py)

BATCH = 500  # ids per IN (…) list: far below SQLite's and PostgreSQL's limits


# --- Enrolment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentInfo:
    dossier_id: int
    scenario: str
    scenario_label: str
    round: int
    steps_done: int
    steps: int
    last_step_on: date | None
    enrolled_on: date
    status: str
    paused_reason: str
    paused_until: date | None
    version: int
    next_label: str  # the next step and its date, or why it waits; "" when none is left

    @property
    def summary(self) -> str:
        """One line for the dossier's view: « Relance amiable standard · étape 2/6 · … »."""
        state = rules.STATUSES.get(self.status, self.status)
        if self.status == "paused":
            until = f" jusqu'au {format_date(self.paused_until)}" if self.paused_until else ""
            state = f"bloqué{until} : {self.paused_reason}"
        parts = [self.scenario_label, f"étape {min(self.steps_done + 1, self.steps)}/{self.steps}", state]
        if self.next_label:
            parts.append(self.next_label)
        return " · ".join(parts)


def _state(row: AmicableEnrolment, dossier_id: int, today: date) -> rules.DossierState:
    plan = plan_states([dossier_id], today).get(dossier_id)
    return rules.DossierState(
        enrolled_on=row.enrolled_on,
        steps_done=row.steps_done,
        last_step_on=row.last_step_on,
        due_on=_due_dates([dossier_id]).get(dossier_id),
        last_payment_on=_last_payments([dossier_id]).get(dossier_id),
        balance=_balance(dossier_id),
        status=row.status,
        paused_until=row.paused_until,
        plan_in_default=plan == "en_defaut",
        plan_in_force=plan not in (None, "en_defaut"),
    )


def _balance(dossier_id: int) -> Decimal:
    return Dossier.get_by_id(dossier_id).balance


# A dossier's enrolment (its line on the dossier's screen): SQL written once.
_ENROLMENT = plain_sql.Prepared(  # not this module's Prepared (a message ready to send)
    lambda dossier_id: AmicableEnrolment.select().where(AmicableEnrolment.dossier == dossier_id).limit(1)
)


def enrolment(dossier_id: int, today: date) -> EnrolmentInfo | None:
    """The dossier's place in its scenario (None when it never followed one)."""
    rows = _ENROLMENT.rows(dossier_id)
    if not rows:
        return None
    row = rows[0]
    chosen = rules.scenario(row.scenario)
    nxt = rules.next_step(chosen, _state(row, dossier_id, today), today)
    if nxt is None:
        next_label = ""
    else:
        when = f"le {format_date(nxt.due_on)}" if nxt.due_on > today else "due aujourd'hui"
        next_label = f"prochaine : {nxt.step.label} ({rules.CHANNEL_LABELS[nxt.step.channel].lower()}), {when}"
        if nxt.waiting and nxt.due_on <= today:
            next_label += f" — en attente : {nxt.waiting}"
    return EnrolmentInfo(
        dossier_id=dossier_id,
        scenario=row.scenario,
        scenario_label=chosen.label,
        round=row.round,
        steps_done=row.steps_done,
        steps=len(chosen.steps),
        last_step_on=row.last_step_on,
        enrolled_on=row.enrolled_on,
        status=row.status,
        paused_reason=row.paused_reason,
        paused_until=row.paused_until,
        version=row.version,
        next_label=next_label,
    )


def default_scenario(dossier_id: int) -> rules.Scenario:
    dossier = Dossier.get_by_id(dossier_id)
    creditor = Creditor.get_by_id(dossier.creditor_id)
    return rules.choose_scenario(creditor.siren, dossier.nature)


def enrol(actor: Actor, dossier_id: int, today: date, scenario_id: str | None = None) -> EnrolmentInfo:
    """Put the dossier in a scenario (the creditor's, the nature's or the default one unless
    named). A dossier taken out or done starts a new round; one in a scenario is refused."""
    require(actor, "write")
    chosen = rules.scenario(scenario_id) if scenario_id else default_scenario(dossier_id)
    now = datetime.now()
    with write_transaction():
        dossier = Dossier.by_id(dossier_id)
        if dossier is None:
            raise InvalidInput("Ce dossier n'existe pas (ou plus).")
        row = AmicableEnrolment.get_or_none(AmicableEnrolment.dossier == dossier_id)
        if row is not None and row.status in ("active", "paused"):
            raise InvalidInput(
                f"Le dossier suit déjà le scénario « {rules.scenario(row.scenario).label} » : "
                "sortez-le d'abord pour en changer."
            )
        before = snapshot(row) if row is not None else None
        if row is None:
            row = AmicableEnrolment.create(
                dossier=dossier_id,
                scenario=chosen.id,
                round=1,
                enrolled_on=today,
                status="active",
                updated_by=actor.user_id,
                updated_at=now,
            )
        else:
            _new_round(row, chosen, today, actor, now)
        record(actor, "amicable.enrol", "amicable_enrolment", row.id, before=before, after=snapshot(row),
               dossier_id=dossier_id, at=now)  # fmt: skip
        timeline_event(
            actor, dossier_id, today, "amicable_enrol", f"Relance amiable : scénario « {chosen.label} »", now=now
        )
    found = enrolment(dossier_id, today)
    assert found is not None
    return found


def _new_round(row: AmicableEnrolment, chosen: rules.Scenario, today: date, actor: Actor, now: datetime) -> None:
    row.scenario, row.round, row.steps_done, row.last_step_on = chosen.id, row.round + 1, 0, None
    row.enrolled_on, row.status, row.paused_reason, row.paused_until = today, "active", "", None
    row.updated_by_id, row.updated_at = actor.user_id, now
    _save(row)


PLAN_DEFAULT_SCENARIO = "plan_defaillant"  # data/scenarios.toml


def plan_defaulted(actor: Actor, dossier_id: int, today: date) -> None:
    """A payment plan of the dossier is in default (services/plans.check_plans, inside its write
    transaction): the reminders resume, in the « plan_defaillant » scenario (a new round from
    `today`, any pause lifted), unless the dossier already follows it. Audited, in the timeline."""
    chosen = rules.scenario(PLAN_DEFAULT_SCENARIO)
    now = datetime.now()
    row = AmicableEnrolment.get_or_none(AmicableEnrolment.dossier == dossier_id)
    if row is not None and row.scenario == chosen.id and row.status == "active":
        return
    before = snapshot(row) if row is not None else None
    if row is None:
        row = AmicableEnrolment.create(
            dossier=dossier_id, scenario=chosen.id, round=1, enrolled_on=today, status="active",
            updated_by=actor.user_id, updated_at=now,
        )  # fmt: skip
    else:
        _new_round(row, chosen, today, actor, now)
    record(actor, "amicable.enrol", "amicable_enrolment", row.id, before=before, after=snapshot(row),
           dossier_id=dossier_id, at=now)  # fmt: skip
    text = f"Relance amiable reprise : échéancier en défaut, scénario « {chosen.label} »"
    timeline_event(actor, dossier_id, today, "amicable_enrol", text, now=now)


def _save(row: AmicableEnrolment, expected_version: int | None = None) -> None:
    """Write the row with the next version, only if nobody wrote it since (ConflictError)."""
    read = row.version if expected_version is None else expected_version
    row.version = read + 1
    fields = {f: row.__data__[f.name] for f in AmicableEnrolment._meta.sorted_fields if f.name != "id"}
    changed = (
        AmicableEnrolment.update(fields)
        .where(AmicableEnrolment.id == row.id, AmicableEnrolment.version == read)
        .execute()
    )
    if changed != 1:
        raise ConflictError(
            "La relance amiable du dossier vient d'être modifiée"
            f"{last_change('amicable_enrolment', row.id)} : rien n'a été enregistré, refaites l'opération."
        )


def _change(
    actor: Actor,
    dossier_id: int,
    expected_version: int,
    action: str,
    change: Callable[[AmicableEnrolment], str],
    today: date,
) -> EnrolmentInfo:
    require(actor, "write")
    now = datetime.now()
    with write_transaction():
        row = AmicableEnrolment.get_or_none(AmicableEnrolment.dossier == dossier_id)
        if row is None or row.status in ("out",):
            raise InvalidInput("Ce dossier ne suit aucun scénario de relance amiable.")
        before = snapshot(row)
        text = change(row)
        row.updated_by_id, row.updated_at = actor.user_id, now
        _save(row, expected_version)
        record(actor, f"amicable.{action}", "amicable_enrolment", row.id, before=before, after=snapshot(row),
               dossier_id=dossier_id, at=now)  # fmt: skip
        timeline_event(actor, dossier_id, today, f"amicable_{action}", text, now=now)
    found = enrolment(dossier_id, today)
    assert found is not None
    return found


def pause(
    actor: Actor, dossier_id: int, reason: str, until: date | None, expected_version: int, today: date
) -> EnrolmentInfo:
    """« Bloqué »: no step is due until `until` (the day after, the scenario resumes by itself)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Indiquez pourquoi la relance est bloquée.", field="reason")
    if until is not None and until < today:
        raise InvalidInput("La date de fin du blocage est passée.", field="until")

    def change(row: AmicableEnrolment) -> str:
        row.status, row.paused_reason, row.paused_until = "paused", reason, until
        return f"Relance amiable bloquée{f' jusqu’au {format_date(until)}' if until else ''} : {reason}"

    return _change(actor, dossier_id, expected_version, "pause", change, today)


def resume(actor: Actor, dossier_id: int, expected_version: int, today: date) -> EnrolmentInfo:
    def change(row: AmicableEnrolment) -> str:
        row.status, row.paused_reason, row.paused_until = "active", "", None
        return "Relance amiable reprise"

    return _change(actor, dossier_id, expected_version, "resume", change, today)


def advance(actor: Actor, dossier_id: int, reason: str, expected_version: int, today: date) -> EnrolmentInfo:
    """Move to the next step by hand (the current one is passed over, with the reason)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Indiquez pourquoi l'étape est passée.", field="reason")

    def change(row: AmicableEnrolment) -> str:
        chosen = rules.scenario(row.scenario)
        if row.steps_done >= len(chosen.steps):
            raise InvalidInput("Le scénario est terminé : plus d'étape à passer.")
        step = chosen.steps[row.steps_done]
        _step_done(row, len(chosen.steps), today)
        return f"Relance amiable : étape « {step.label} » passée à la main : {reason}"

    return _change(actor, dossier_id, expected_version, "advance", change, today)


def take_out(actor: Actor, dossier_id: int, reason: str, expected_version: int, today: date) -> EnrolmentInfo:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Indiquez pourquoi le dossier sort de la relance amiable.", field="reason")

    def change(row: AmicableEnrolment) -> str:
        row.status, row.paused_reason, row.paused_until = "out", reason, None
        return f"Sorti de la relance amiable : {reason}"

    return _change(actor, dossier_id, expected_version, "out", change, today)


def _step_done(row: AmicableEnrolment, steps: int, on: date) -> None:
    row.steps_done += 1
    row.last_step_on = on
    if row.steps_done >= steps:
        row.status = "done"


# --- Opt-outs ----------------------------------------------------------------------------------


def set_optout(actor: Actor, debtor_id: int, channel: str, opted_out: bool, reason: str) -> None:
    """Record that the debtor refuses (or accepts again) a channel; audited, append-only."""
    require(actor, "write")
    if channel not in rules.CHANNELS:
        raise InvalidInput(f"Canal inconnu : « {channel} ».", field="channel")
    now = datetime.now()
    with write_transaction():
        row = AmicableOptout.create(
            debtor=debtor_id,
            channel=channel,
            opted_out=opted_out,
            reason=reason.strip(),
            recorded_by=actor.user_id,
            recorded_at=now,
        )
        record(actor, "amicable.optout", "amicable_optout", row.id, after=snapshot(row), at=now)


def _optouts(debtor_ids: Sequence[int]) -> set[tuple[int, str]]:
    """(debtor, channel) pairs refused now: the latest row of each pair says."""
    found: set[tuple[int, str]] = set()
    for chunk in _chunks(debtor_ids):
        latest: dict[tuple[int, str], bool] = {}
        for debtor, channel, out in database.execute_sql(
            'SELECT "debtor_id", "channel", "opted_out" FROM "amicable_optout" '
            f'WHERE "debtor_id" IN ({_placeholders(len(chunk))}) ORDER BY "id"',
            chunk,
        ).fetchall():
            latest[(debtor, channel)] = bool(out)
        found.update(pair for pair, out in latest.items() if out)
    return found


# --- The day's queue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    dossier_id: int
    reference: str
    debtor_id: int | None
    debtor_name: str
    creditor_name: str
    clerc_id: int | None
    scenario: str
    round: int
    step_index: int
    step_code: str
    step_label: str
    channel: str
    due_on: date
    recipient: str  # e-mail address, phone number or the postal address on one line
    key: str
    refusal: str  # "" when the contact may be made now; else the French reason (shown, printed)


@dataclass(frozen=True)
class Queue:
    today: date
    now: datetime
    by_channel: dict[str, tuple[QueueItem, ...]]

    def items(self, channel: str) -> tuple[QueueItem, ...]:
        return self.by_channel.get(channel, ())

    @property
    def total(self) -> int:
        return sum(len(items) for items in self.by_channel.values())


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _placeholders(n: int) -> str:
    return ", ".join([database.param] * n)


def _due_dates(ids: Sequence[int]) -> dict[int, date]:
    found: dict[int, date] = {}
    for chunk in _chunks(ids):
        cursor = database.execute_sql(
            'SELECT "dossier_id", MIN("due_on") FROM "claim_item" WHERE "due_on" IS NOT NULL '
            f'AND "dossier_id" IN ({_placeholders(len(chunk))}) GROUP BY "dossier_id"',
            chunk,
        )
        found.update((dossier_id, read_date(due)) for dossier_id, due in cursor.fetchall())
    return found


def _last_payments(ids: Sequence[int]) -> dict[int, date]:
    found: dict[int, date] = {}
    for chunk in _chunks(ids):
        cursor = database.execute_sql(
            'SELECT "dossier_id", MAX("entry_date") FROM "ledger_entry" WHERE "kind" = '
            f'\'payment\' AND "dossier_id" IN ({_placeholders(len(chunk))}) GROUP BY "dossier_id"',
            chunk,
        )
        found.update((dossier_id, read_date(day)) for dossier_id, day in cursor.fetchall())
    return found


def plan_states(ids: Sequence[int], today: date) -> dict[int, str]:
    """The state on `today` (« en_cours », « en_defaut », « respecte ») of the payment plan in force
    of each dossier among `ids` that has one (services/plans.plan_states, a few queries in all)."""
    from clerc_tui.services import plans  # plans resumes the scenario on a default: imported late

    return {dossier_id: state.state for dossier_id, state in plans.plan_states(ids, today).items()}


def _first_debtors(ids: Sequence[int]) -> dict[int, int]:
    """Each dossier's first debtor (the one the messages are addressed to)."""
    found: dict[int, int] = {}
    for chunk in _chunks(ids):
        for dossier_id, debtor_id in database.execute_sql(
            'SELECT "dossier_id", "debtor_id" FROM "dossier_debtor" '
            f'WHERE "dossier_id" IN ({_placeholders(len(chunk))}) ORDER BY "dossier_id", "position"',
            chunk,
        ).fetchall():
            found.setdefault(dossier_id, debtor_id)
    return found


def _addresses(debtor_ids: Sequence[int], channel: str) -> dict[int, str]:
    """Where each debtor is reached by `channel`: his first e-mail; his first mobile number (SMS);
    his first number (phone); his current address on one line (letter)."""
    found: dict[int, str] = {}
    for chunk in _chunks(sorted(set(debtor_ids))):
        marks = _placeholders(len(chunk))
        if channel == "letter":
            for debtor_id, street, postcode, city in database.execute_sql(
                'SELECT "debtor_id", "street", "postcode", "city" FROM "debtor_address" '
                f'WHERE "debtor_id" IN ({marks}) ORDER BY "is_current" DESC, "id" DESC',
                chunk,
            ).fetchall():
                found.setdefault(debtor_id, f"{street}, {postcode} {city}".strip(", "))
            continue
        kind = "email" if channel == "email" else "phone"
        for debtor_id, value in database.execute_sql(
            f'SELECT "debtor_id", "value" FROM "debtor_contact" WHERE "kind" = \'{kind}\' '
            f'AND "debtor_id" IN ({marks}) ORDER BY "id"',
            chunk,
        ).fetchall():
            if channel != "sms" or _is_mobile(value):
                found.setdefault(debtor_id, value)
    return found


MOBILE_PREFIXES = ("06", "07", "+336", "+337", "00336", "00337")


def _is_mobile(number: str) -> bool:
    return number.replace(" ", "").replace(".", "").replace("-", "").startswith(MOBILE_PREFIXES)


COUNTED = ("sent", "uncertain", "promise", "refusal", "no_answer")  # outcomes the ceiling counts


def _window_counts(debtor_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """Contacts made to each debtor over the rolling window that ends at `now`."""
    found: dict[int, int] = {}
    outcomes = ", ".join(f"'{o}'" for o in COUNTED)
    for chunk in _chunks(debtor_ids):
        p = database.param
        rows = database.execute_sql(
            'SELECT "debtor_id", COUNT(*) FROM "amicable_contact" '
            f'WHERE "debtor_id" IN ({_placeholders(len(chunk))}) AND "at" > {p} AND "at" <= {p} '
            f'AND "outcome" IN ({outcomes}) GROUP BY "debtor_id"',
            [*chunk, _ts(rules.window_start(now)), _ts(now)],
        ).fetchall()
        found.update((debtor_id, count) for debtor_id, count in rows)
    return found


@dataclass(frozen=True)
class ContactRules:
    hours: rules.ContactHours
    ceiling: int
    zone: str


def contact_rules() -> ContactRules:
    """The étude's hours and ceiling (settings), and its calendar zone (Alsace-Moselle when its
    postcode is in 57, 67 or 68)."""
    from clerc_tui.services.etude import the_etude

    etude = the_etude()
    hours = (etude.contact_hours if etude else "") or rules.DEFAULT_HOURS
    ceiling = etude.contact_ceiling if etude else rules.DEFAULT_CEILING
    postcode = (etude.postcode if etude else "").strip()
    zone = "alsace-moselle" if postcode[:2] in ("57", "67", "68") else "metropole"
    return ContactRules(rules.parse_hours(hours), int(ceiling), zone)


def set_contact_rules(actor: Actor, hours: str | None, ceiling: str | int | None) -> None:
    """The étude's contact hours and ceiling (each checked before either is written; audited)."""
    from clerc_tui.services.etude import set_setting

    if hours is not None:
        hours = " ".join(hours.split())
        rules.parse_hours(hours)  # refuses a wrong text, and Sunday
    if ceiling is not None:
        try:
            ceiling = int(str(ceiling).strip())
        except ValueError:
            raise InvalidInput(f"Plafond de contacts « {ceiling} » : un nombre attendu.", field="ceiling") from None
        if not 1 <= ceiling <= 30:
            raise InvalidInput("Plafond de contacts : entre 1 et 30 sur 30 jours.", field="ceiling")
    if hours is not None:
        set_setting(actor, "contact_hours", hours)
    if ceiling is not None:
        set_setting(actor, "contact_ceiling", ceiling)


def contact_rules_text() -> str:
    setting = contact_rules()
    return (
        f"Relances amiables : contacts {setting.hours.describe()} ; au plus {setting.ceiling} par débiteur sur "
        f"{rules.CEILING_DAYS} jours (réglages de l'étude)."
    )


def _dossiers(ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """The open dossiers among `ids`: (reference, debtor name, creditor name, balance in cents,
    clerc, zone)."""
    found: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunks(ids):
        for row in database.execute_sql(
            'SELECT "id", "reference", "debtor_name", "creditor_name", "balance", "assigned_to_id", "zone" '
            f'FROM "dossier" WHERE "id" IN ({_placeholders(len(chunk))}) AND "closed_on" IS NULL',
            chunk,
        ).fetchall():
            found[row[0]] = row[1:]
    return found


def _steps_dated(catalogue: Iterable[rules.Scenario], today: date, channel: str | None) -> tuple[str, list[object]]:
    """The SQL condition of the enrolments whose next step may be dated today: for each step of
    each scenario, its position and, for a step counted from the previous one, the last step's
    day at the latest `today` − its offset (a step counted from the due date is checked after,
    with the claims). SQLite tests it on each row without building any object: 82,108 enrolments
    read in Python for 4,083 due cost ~300 ms of CPU (bench/bench_campaign.py)."""
    p = database.param
    parts: list[str] = []
    params: list[object] = []
    for scenario in catalogue:
        for index, step in enumerate(scenario.steps):
            if channel is not None and step.channel != channel:
                continue
            part = f'(e."scenario" = {p} AND e."steps_done" = {p}'
            params += [scenario.id, index]
            if step.start == "previous":
                part += f' AND COALESCE(e."last_step_on", e."enrolled_on") <= {p}'
                params.append(sql_date(today - timedelta(days=step.days)))
            parts.append(part + ")")
    return (" OR ".join(parts) or "1 = 0"), params


def queue(today: date, now: datetime, clerc_id: int | None = None, channel: str | None = None) -> Queue:
    """What the scenarios say is due today (`clerc_id`: that clerc's dossiers; None: all), grouped
    by channel in the order of the dossiers' references, each item with the reason a rule forbids
    the contact at `now` (or "")."""
    sql = (
        'SELECT e."dossier_id", e."scenario", e."round", e."steps_done", e."last_step_on", e."enrolled_on", '
        'e."status", e."paused_until" FROM "amicable_enrolment" e'
    )
    params: list[object] = []
    if clerc_id is not None:
        sql += f' JOIN "dossier" d ON d."id" = e."dossier_id" AND d."assigned_to_id" = {database.param}'
        params.append(clerc_id)
    catalogue = {s.id: s for s in rules.scenarios()}
    steps_sql, steps_params = _steps_dated(catalogue.values(), today, channel)
    sql += f" WHERE e.\"status\" IN ('active', 'paused') AND ({steps_sql})"
    rows = database.execute_sql(sql, [*params, *steps_params]).fetchall()
    # A cheap first pass on what the enrolment row holds (no object per row): a step not yet
    # dated today, a pause not over, a scenario done cannot be due. Only a necessary condition:
    # rules.next_step decides for those left, with their dossier and payments read for them alone.
    candidates = []
    for row in rows:
        chosen = catalogue.get(row[1])
        if chosen is None or row[3] >= len(chosen.steps):
            continue
        step = chosen.steps[row[3]]
        if channel is not None and step.channel != channel:
            continue
        if row[6] == "paused" and (row[7] is None or read_date(row[7]) >= today):
            continue
        candidates.append((row, chosen, step))
    due_dates = _due_dates([row[0] for row, _, step in candidates if step.start == "due"])
    dated = []
    for row, chosen, step in candidates:
        base = (due_dates.get(row[0]) if step.start == "due" else read_date(row[4])) or read_date(row[5])
        if base + timedelta(days=step.days) <= today:
            dated.append((row, chosen))
    dossiers = _dossiers([row[0] for row, _ in dated])
    dated = [(row, chosen) for row, chosen in dated if row[0] in dossiers]  # a closed dossier: nothing
    ids = [row[0] for row, _ in dated]
    payments = _last_payments(ids)
    plans = plan_states(ids, today)
    due_items = []
    for row, chosen in dated:
        facts = dossiers[row[0]]
        state = rules.DossierState(
            enrolled_on=read_date(row[5]),
            steps_done=row[3],
            last_step_on=read_date(row[4]),
            due_on=due_dates.get(row[0]),
            last_payment_on=payments.get(row[0]),
            balance=Decimal(facts[3]) / 100,
            status=row[6],
            paused_until=read_date(row[7]),
            plan_in_default=plans.get(row[0]) == "en_defaut",
            plan_in_force=plans.get(row[0]) not in (None, "en_defaut"),
        )
        nxt = rules.next_step(chosen, state, today)
        if nxt is not None and nxt.is_due:
            due_items.append((row, facts, chosen, nxt))
    due_items.sort(key=lambda item: item[1][0])  # by reference
    debtors = _first_debtors([row[0] for row, _, _, _ in due_items])
    addresses = {
        c: _addresses([debtors[row[0]] for row, _, _, n in due_items if n.step.channel == c and row[0] in debtors], c)
        for c in rules.CHANNELS
    }
    debtor_ids = sorted(set(debtors.values()))
    refused = _optouts(debtor_ids)
    counts = _window_counts(debtor_ids, now)
    setting = contact_rules()
    zones_of = {zone: tuple(dict.fromkeys((setting.zone, zone))) for zone in ZONES}
    grouped: dict[str, list[QueueItem]] = {c: [] for c in rules.CHANNELS}
    for row, facts, chosen, nxt in due_items:
        dossier_id, step = row[0], nxt.step
        debtor_id = debtors.get(dossier_id)
        to = addresses[step.channel].get(debtor_id, "") if debtor_id is not None else ""
        refusal = rules.contact_refusal(
            step.channel,
            now,
            hours=setting.hours,
            zones=zones_of.get(facts[5], zones_of["metropole"]),
            contacts_in_window=counts.get(debtor_id, 0) if debtor_id is not None else 0,
            ceiling=setting.ceiling,
            opted_out=(debtor_id, step.channel) in refused,
            recipient=to,
        )
        grouped[step.channel].append(
            QueueItem(
                dossier_id=dossier_id,
                reference=facts[0],
                debtor_id=debtor_id,
                debtor_name=facts[1],
                creditor_name=facts[2],
                clerc_id=facts[4],
                scenario=chosen.id,
                round=row[2],
                step_index=nxt.index,
                step_code=step.code,
                step_label=step.label,
                channel=step.channel,
                due_on=nxt.due_on,
                recipient=to,
                key=rules.message_key(dossier_id, chosen.id, row[2], step.code, step.channel),
                refusal=refusal or "",
            )
        )
    return Queue(today, now, {c: tuple(items) for c, items in grouped.items() if items})


# --- Messages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """One message ready to send: what the channel gets, and the letter as data for letters."""

    item: QueueItem
    message: OutgoingMessage
    letter: rules.Letter | None


@dataclass(frozen=True)
class _Facts:
    """What a message reads of its dossier, read for many dossiers at once (`_facts`)."""

    reference: str
    creditor_name: str
    has_title: bool
    balance: Decimal
    zone: str
    first_letter: tuple[str, str]  # (reference, date) of the first letter sent, or ("", "")


def _read_at(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _facts(ids: Sequence[int]) -> dict[int, _Facts]:
    """The dossiers' reference, creditor, title, balance, zone and first letter: three queries for
    up to BATCH dossiers (a campaign reads them a chunk at a time, not per message)."""
    found: dict[int, _Facts] = {}
    for chunk in _chunks(ids):
        marks = _placeholders(len(chunk))
        letters: dict[int, tuple[str, str]] = {}
        for dossier_id, at, step, reference in database.execute_sql(
            'SELECT c."dossier_id", c."at", c."step", d."reference" FROM "amicable_contact" c '
            'JOIN "dossier" d ON d."id" = c."dossier_id" WHERE c."id" IN (SELECT MIN("id") FROM "amicable_contact" '
            f"WHERE \"channel\" = 'letter' AND \"outcome\" IN ('sent', 'uncertain') AND \"dossier_id\" IN ({marks}) "
            'GROUP BY "dossier_id")',
            chunk,
        ).fetchall():
            letters[dossier_id] = (f"{reference}/{step}", format_date(_read_at(at).date()))
        for dossier_id, reference, creditor, title_kind, balance, zone in database.execute_sql(
            'SELECT d."id", d."reference", c."display_name", d."title_kind", d."balance", d."zone" FROM "dossier" d '
            f'JOIN "creditor" c ON c."id" = d."creditor_id" WHERE d."id" IN ({marks})',
            chunk,
        ).fetchall():
            found[dossier_id] = _Facts(
                reference,
                creditor,
                bool(title_kind),  # services/recovery_fees.has_enforceable_title: the same test
                Decimal(balance) / 100,
                zone if zone in ZONES else "metropole",
                letters.get(dossier_id, ("", "")),
            )
    return found


def message_context(item: QueueItem, today: date, facts: _Facts | None = None) -> dict[str, object]:
    """What a step's template reads: the étude, the parties, the amounts it may claim (no fee
    without a title, CPCE L111-8), this message's reference and the first letter's."""
    from clerc_tui.services.etude import the_etude
    from clerc_tui.services.statement import dossier_statement

    facts = facts or _facts([item.dossier_id])[item.dossier_id]
    etude = the_etude()
    try:
        statement = dossier_statement(item.dossier_id, today)
        amounts = statement.principal_due, statement.interest_due, statement.frais_due
    except ClercError:
        # No décompte (interest start or a rate missing): the balance held, no interest claimed.
        amounts = facts.balance, Decimal("0.00"), Decimal("0.00")
    claimed = rules.claimable(*amounts, facts.has_title)
    first_reference, first_date = facts.first_letter
    address = ", ".join(p for p in (etude.address, f"{etude.postcode} {etude.city}".strip()) if p) if etude else ""
    return {
        "etude_name": etude.name if etude else "",
        "commissaire_name": etude.commissaire_name if etude else "",
        "etude_address": address,
        "etude_phone": etude.phone if etude else "",
        "etude_email": etude.email if etude else "",
        "debtor_name": item.debtor_name,
        "creditor_name": facts.creditor_name,
        "reference": facts.reference,
        "letter_reference": f"{facts.reference}/{item.step_code}",
        "date": format_date_long(today),
        "principal": format_amount(claimed.principal),
        "interest": format_amount(claimed.interest),
        "fees": format_amount(claimed.fees),
        "fees_claimed": claimed.fees_claimed,
        "total": format_amount(claimed.total),
        "first_reference": first_reference,
        "first_date": first_date,
    }


def prepare(item: QueueItem, today: date, facts: _Facts | None = None) -> Prepared:
    """The message of one queue item (preview, then send)."""
    step = rules.scenario(item.scenario).steps[item.step_index]
    context = message_context(item, today, facts)
    subject, body = rules.render_message(step, context)
    words = rules.enforcement_words(subject + body)
    if words:  # a template edited by the étude: never sent as it is (procedures reference § 3.9)
        raise InvalidInput(
            f"Le modèle « {step.template} » emploie « {', '.join(words)} » : une relance amiable ne doit pas "
            "ressembler à un acte d'exécution. Corrigez data/amicable/ ; rien n'a été envoyé."
        )
    message = OutgoingMessage(item.key, item.dossier_id, item.channel, item.recipient, subject, body)
    letter = None
    if item.channel == "letter":
        sender = [str(context["etude_name"]), f"{context['commissaire_name']}, commissaire de justice"]
        sender.append(str(context["etude_address"]))
        address = item.recipient.split(", ", 1)
        letter = rules.Letter(
            dossier_id=item.dossier_id,
            key=item.key,
            sender_lines=tuple(line for line in sender if line.strip(", ")),
            recipient_lines=(str(context["debtor_name"]), *address),
            reference=str(context["letter_reference"]),
            place_date=f"Le {context['date']}",
            subject=subject,
            paragraphs=tuple(body.rstrip("\n").split("\n")),
            signature=(str(context["commissaire_name"]), "Commissaire de justice"),
        )
    return Prepared(item, message, letter)


# --- Campaigns: the send log -----------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    item: QueueItem
    outcome: str  # sent | already | uncertain | refused | failed | dry
    detail: str


@dataclass(frozen=True)
class CampaignReport:
    channel: str
    results: tuple[SendResult, ...]
    batch_file: Path | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)


def _ts(moment: datetime) -> datetime | str:
    """A date-time as a raw-SQL parameter, stored as peewee stores a DateTimeField."""
    return str(moment) if is_sqlite() else moment


def _held(key: str) -> tuple[str, datetime | None, datetime] | None:
    row = database.execute_sql(
        f'SELECT "state", "sent_at", "claimed_at" FROM "amicable_send" WHERE "key" = {database.param}', (key,)
    ).fetchone()
    if row is None:
        return None
    return row[0], _read_at(row[1]) if row[1] is not None else None, _read_at(row[2])


def _claim(key: str, dossier_id: int, channel: str, actor: Actor, now: datetime) -> str | None:
    """Claim `key` in its own transaction: None when claimed now (the message may be sent), else
    what the send log says of it (« déjà envoyé le … », « envoi incertain, à vérifier … »). The
    key is unique: of two processes claiming it at once, one inserts, the other finds it."""
    p = database.param
    with write_transaction():
        inserted = database.execute_sql(
            'INSERT INTO "amicable_send" ("key", "dossier_id", "channel", "state", "claimed_at", "claimed_by", '
            f"\"provider_id\", \"detail\") VALUES ({p}, {p}, {p}, 'claimed', {p}, {p}, '', '') "
            'ON CONFLICT ("key") DO NOTHING',
            (key, dossier_id, channel, _ts(now), actor.login),
        ).rowcount
        if inserted == 1:
            return None
        retried = database.execute_sql(  # not taken by the provider last time: may be tried again
            f'UPDATE "amicable_send" SET "state" = \'claimed\', "claimed_at" = {p}, "claimed_by" = {p}, '
            f'"detail" = \'\' WHERE "key" = {p} AND "state" = \'failed\'',
            (_ts(now), actor.login, key),
        ).rowcount
        if retried == 1:
            return None
        held = _held(key)
    assert held is not None
    return _already(*held)


def _already(state: str, sent_at: datetime | None, claimed_at: datetime) -> str:
    if state == "sent" and sent_at is not None:
        return f"déjà envoyé le {format_date(sent_at.date())} à {sent_at:%H:%M}"
    return f"envoi incertain, à vérifier (commencé le {format_date(claimed_at.date())} à {claimed_at:%H:%M})"


def _contact(
    item: QueueItem, actor: Actor | None, now: datetime, outcome: str, detail: str, prepared: Prepared | None
) -> None:
    """One contact: its row (append-only) and its line in the dossier's timeline."""
    p = database.param
    user = actor.user_id if actor else None
    database.execute_sql(
        'INSERT INTO "amicable_contact" ("dossier_id", "debtor_id", "at", "channel", "scenario", "step", "send_key", '
        '"recipient", "subject", "content", "outcome", "detail", "user_id") '
        f"VALUES ({', '.join([p] * 13)})",
        (
            item.dossier_id, item.debtor_id, _ts(now), item.channel, item.scenario, item.step_code, item.key,
            item.recipient, prepared.message.subject if prepared else "", prepared.message.body if prepared else "",
            outcome, detail, user,
        ),
    )  # fmt: skip
    text = f"{rules.CHANNEL_LABELS[item.channel]} — {item.step_label} : {rules.OUTCOMES.get(outcome, outcome)}"
    if item.recipient and item.channel != "letter":
        text += f" ({item.recipient})"
    if detail:
        text += f" — {detail}"
    database.execute_sql(
        'INSERT INTO "timeline_event" ("dossier_id", "occurred_on", "kind", "text", "user_id", "created_at") '
        f"VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
        (item.dossier_id, sql_date(now.date()), f"amicable_{item.channel}", text, user, _ts(now)),
    )


def _confirm(prepared: Prepared, provider_id: str, actor: Actor, now: datetime) -> None:
    """Mark the key sent, record the contact and its timeline line, move the dossier on."""
    item, p = prepared.item, database.param
    with write_transaction():
        database.execute_sql(
            f'UPDATE "amicable_send" SET "state" = \'sent\', "sent_at" = {p}, "provider_id" = {p} WHERE "key" = {p}',
            (_ts(now), provider_id, item.key),
        )
        _contact(item, actor, now, "sent", provider_id if item.channel != "letter" else "", prepared)
        _move_on(item, now.date())


def _move_on(item: QueueItem, on: date) -> None:
    """The dossier's next step, if it still stands where the queue found it (a clerc may have
    moved it by hand meanwhile: then it is left as he put it)."""
    steps, p = len(rules.scenario(item.scenario).steps), database.param
    database.execute_sql(
        f'UPDATE "amicable_enrolment" SET "steps_done" = "steps_done" + 1, "last_step_on" = {p}, '
        f'"status" = CASE WHEN "steps_done" + 1 >= {p} THEN \'done\' ELSE "status" END, '
        f'"version" = "version" + 1 WHERE "dossier_id" = {p} AND "steps_done" = {p} AND "round" = {p}',
        (sql_date(on), steps, item.dossier_id, item.step_index, item.round),
    )


def skip(actor: Actor, item: QueueItem, reason: str, now: datetime) -> None:
    """Pass over the item's step, with the reason (in the timeline); the scenario moves on."""
    require(actor, "write")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Indiquez pourquoi ce message n'est pas envoyé.", field="reason")
    with write_transaction():
        _contact(item, actor, now, "skipped", reason, None)
        _move_on(item, now.date())


CALL_OUTCOMES = ("promise", "refusal", "wrong_number", "no_answer")


def record_call(
    actor: Actor,
    item: QueueItem,
    outcome: str,
    now: datetime,
    *,
    promise_on: date | None = None,
    amount: Decimal | None = None,
    note: str = "",
) -> None:
    """The outcome of a call of the queue: a promise to pay (its date and amount become a
    follow-up deadline of the dossier, in the deadline review), a refusal, a wrong number (the
    scenario moves on), or no answer (the step stays due: the call is tried again another day;
    the attempt counts in the ceiling, as D223-9 counts them)."""
    from clerc_tui.models import Deadline

    require(actor, "write")
    if outcome not in CALL_OUTCOMES:
        raise InvalidInput(f"Issue d'appel inconnue : « {outcome} ».", field="outcome")
    detail = note.strip()
    if outcome == "promise":
        if promise_on is None or promise_on < now.date():
            raise InvalidInput("Date promise : aujourd'hui ou plus tard (jj/mm/aaaa).", field="promise_on")
        if amount is None or amount <= 0:
            raise InvalidInput("Montant promis : un montant positif.", field="amount")
        detail = f"{format_amount(amount)} le {format_date(promise_on)}" + (f" — {detail}" if detail else "")
    with write_transaction():
        _contact(item, actor, now, outcome, detail, None)
        if outcome == "promise":
            assert promise_on is not None
            dossier = Dossier.get_by_id(item.dossier_id)
            deadline = Deadline.create(
                dossier=item.dossier_id,
                procedure_id="amiable",
                step_id=item.step_code,
                kind="last_day",
                due_date=promise_on,
                label=f"Paiement promis de {detail} (appel du {format_date(now.date())}) : vérifier l'encaissement",
                basis="Relance amiable : promesse du débiteur",
                assigned_to=dossier.assigned_to_id or actor.user_id,
                done=False,
                done_reason="",
                created_at=now,
            )
            record(actor, "deadline.create", "deadline", deadline.id, after=snapshot(deadline),
                   dossier_id=item.dossier_id, at=now)  # fmt: skip
        if outcome != "no_answer":
            _move_on(item, now.date())


def last_contacts(dossier_id: int, limit: int = 5) -> list[str]:
    """The dossier's last contacts, newest first, one line each (the call list shows them)."""
    rows = database.execute_sql(
        'SELECT "at", "channel", "step", "outcome", "detail" FROM "amicable_contact" '
        f'WHERE "dossier_id" = {database.param} ORDER BY "id" DESC LIMIT {int(limit)}',
        (dossier_id,),
    ).fetchall()
    return [
        f"{_read_at(at):%d/%m/%Y %H:%M} — {rules.CHANNEL_LABELS.get(channel, channel)} ({step}) : "
        f"{rules.OUTCOMES.get(outcome, outcome)}" + (f" — {detail}" if detail else "")
        for at, channel, step, outcome, detail in rows
    ]


class _Checks:
    """The rules of the profession at send time, for a campaign: opt-outs and the contacts of the
    window read for a chunk of items at once, and counted on as the campaign sends (two dossiers
    of one debtor in one campaign count twice against his ceiling)."""

    def __init__(self, setting: ContactRules):
        self.setting = setting
        self.refused: set[tuple[int, str]] = set()
        self.counts: dict[int, int] = {}
        self.facts: dict[int, _Facts] = {}

    def read(self, items: Sequence[QueueItem], now: datetime) -> None:
        debtors = sorted({i.debtor_id for i in items if i.debtor_id is not None})
        self.refused = _optouts(debtors)
        self.counts = _window_counts(debtors, now)
        self.facts = _facts([i.dossier_id for i in items])

    def refusal(self, item: QueueItem, now: datetime) -> str:
        facts = self.facts.get(item.dossier_id)
        zones = tuple(dict.fromkeys((self.setting.zone, facts.zone if facts else "metropole")))
        return (
            rules.contact_refusal(
                item.channel,
                now,
                hours=self.setting.hours,
                zones=zones,
                contacts_in_window=self.counts.get(item.debtor_id or 0, 0),
                ceiling=self.setting.ceiling,
                opted_out=(item.debtor_id or 0, item.channel) in self.refused,
                recipient=item.recipient,
            )
            or ""
        )

    def contacted(self, item: QueueItem) -> None:
        if item.debtor_id is not None:
            self.counts[item.debtor_id] = self.counts.get(item.debtor_id, 0) + 1


CHUNK = 100  # items whose rules are read at once; read again for the next ones (another clerc's opt-out)


def run_campaign(
    actor: Actor,
    items: Sequence[QueueItem],
    today: date,
    *,
    sender: Sender | None,
    clock: Callable[[], datetime],
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    letters_to: Path | None = None,
    render_letters: LettersRenderer | None = None,
) -> CampaignReport:
    """Send each item at most once (see the module's docstring). The rules are checked again at
    `clock()` before each message (a campaign that runs past the hours stops sending). Letters
    are written as one PDF batch (`letters_to`, a file; `render_letters`, the caller's
    report.pdf.amicable_letters_pdf) instead of a sender."""
    require(actor, "write")
    channel = items[0].channel if items else ""
    if channel != "letter" and sender is None and not dry_run and items:
        raise InvalidInput("Aucun canal d'envoi.")
    if channel == "letter" and render_letters is None and not dry_run and items:
        raise ValueError("letters without render_letters")  # a caller's mistake, checked before any claim
    checks = _Checks(contact_rules())
    results: list[SendResult] = []
    batch: list[Prepared] = []
    total = len(items)
    for done, item in enumerate(items):
        if progress:
            progress(done, total)
        now = clock()
        if done % CHUNK == 0:
            checks.read(items[done : done + CHUNK], now)
        refusal = checks.refusal(item, now)
        if refusal:
            results.append(SendResult(item, "refused", refusal))
            continue
        if dry_run:
            held = _held(item.key)
            if held is not None and held[0] != "failed":
                results.append(SendResult(item, "already", _already(*held)))
            else:
                results.append(SendResult(item, "dry", f"à envoyer à {item.recipient}"))
            checks.contacted(item)
            continue
        prepared = prepare(item, today, checks.facts.get(item.dossier_id))
        said = _claim(item.key, item.dossier_id, item.channel, actor, now)
        if said is not None:
            results.append(SendResult(item, "already" if said.startswith("déjà") else "uncertain", said))
            continue
        checks.contacted(item)
        if channel == "letter":
            batch.append(prepared)  # written all at once below, then confirmed
            continue
        assert sender is not None
        try:
            provider_id = sender.send(prepared.message)
        except ChannelError as error:
            results.append(_failed(prepared, error, actor, now))
            continue
        _confirm(prepared, provider_id, actor, clock())
        results.append(SendResult(item, "sent", f"envoyé à {item.recipient}"))
    written = _write_batch(batch, actor, clock, letters_to, results, render_letters) if batch else None
    if progress:
        progress(total, total)
    return CampaignReport(channel, tuple(results), written)


def _failed(prepared: Prepared, error: ChannelError, actor: Actor, now: datetime) -> SendResult:
    """A message the channel did not take: the key freed for a later try; or, when the provider
    may have taken it, left claimed and the contact recorded as uncertain."""
    item, p = prepared.item, database.param
    with write_transaction():
        if error.uncertain:
            database.execute_sql(
                f'UPDATE "amicable_send" SET "detail" = {p} WHERE "key" = {p}', (error.message, item.key)
            )
            _contact(item, actor, now, "uncertain", error.message, prepared)
        else:
            database.execute_sql(
                f'UPDATE "amicable_send" SET "state" = \'failed\', "detail" = {p} WHERE "key" = {p}',
                (error.message, item.key),
            )
    return SendResult(item, "uncertain" if error.uncertain else "failed", error.message)


def _write_batch(
    batch: list[Prepared],
    actor: Actor,
    clock: Callable[[], datetime],
    letters_to: Path | None,
    results: list[SendResult],
    render: LettersRenderer | None,
) -> Path:
    """Letters: their keys are claimed; the batch is written (one file, whole or nothing), then
    each is marked sent. Killed between the two, they are « envoi incertain » (the batch may have
    been written): the clerc checks the printer's tray, they are never printed twice by clerc."""
    path = letters_to or _letters_path(clock())
    assert render is not None
    written = write_letters([p.letter for p in batch if p.letter is not None], path, render)
    for prepared in batch:
        _confirm(prepared, written.name, actor, clock())
        results.append(SendResult(prepared.item, "sent", f"dans le lot {written.name}"))
    return written


def _letters_path(now: datetime) -> Path:
    from clerc_tui.paths import exports_dir

    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"lettres-amiables-{now:%Y-%m-%d-%H%M%S}.pdf"


def write_letters(letters: Sequence[rules.Letter], path: Path, render: LettersRenderer) -> Path:
    """The one place a batch of letters is written: one PDF to print (`render`, the caller's
    report.pdf.amicable_letters_pdf: each letter on its own page, the address in the envelope's
    window), written whole or not at all (services/files.write_whole: a temporary file renamed)."""
    from clerc_tui.services.files import write_whole

    return write_whole(path, render(letters), what="Lot de lettres")
