"""The amicable desk's rules, pure (no database, no clock: `today` and `now` are passed in).

- The scenarios of data/scenarios.toml (checked at load: channels, templates, conditions,
  sources), the one a dossier follows by default (creditor's SIREN, else nature, else default),
  and the next step due for a dossier's state (`next_step`).
- The rules of the profession that a contact must pass (`contact_refusal`): the étude's hours
  (C. conso D223-9's by default, never on Sunday nor a public holiday), the ceiling per debtor
  over a rolling 30 days, a channel the debtor refused; and what a letter may claim
  (`claimable`: no fee without an enforceable title, CPCE L111-8).
- The messages' text from data/amicable/*.txt.j2 (`render_message`), which must never read like
  an act of enforcement (`enforcement_words`).
Law and choices: docs/law/amicable.md.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Any

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules.calendar import holiday_name
from clerc_tui.rules.french import WEEKDAYS_FR, format_amount
from clerc_tui.rules.money import ZERO

CHANNELS = ("letter", "email", "sms", "phone")
CHANNEL_LABELS = {"letter": "Lettre", "email": "Courriel", "sms": "SMS", "phone": "Téléphone"}
# Channels whose contact reaches the debtor at the moment it is made: the hours apply to them.
# A letter is printed and posted; the debtor reads it when he chooses (docs/law/amicable.md).
TIMED_CHANNELS = frozenset({"email", "sms", "phone"})
MISSING_RECIPIENT = {
    "letter": "aucune adresse postale connue du débiteur",
    "email": "aucune adresse électronique connue du débiteur",
    "sms": "aucun numéro de portable connu du débiteur",
    "phone": "aucun numéro de téléphone connu du débiteur",
}
STATUSES = {"active": "en cours", "paused": "bloqué", "out": "sorti", "done": "terminé"}
OUTCOMES = {
    "sent": "envoyé",
    "skipped": "étape passée",
    "refused": "refusé",
    "uncertain": "envoi incertain",
    "promise": "promesse de paiement",
    "refusal": "refus du débiteur",
    "wrong_number": "faux numéro",
    "no_answer": "pas de réponse",
}
CONDITIONS = ("no_payment_since", "balance_above", "plan_in_default")
STEP_KEYS = frozenset({"code", "label", "channel", "from", "days", "template", "subject", "when", "source"})
SCENARIO_KEYS = frozenset({"id", "label", "default", "natures", "creditor_sirens", "source", "step"})
DEFAULT_HOURS = "lun-ven 10:00-13:00 14:00-20:00"
DEFAULT_CEILING = 4
CEILING_DAYS = 30
DAY_ABBREVIATIONS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
# Words that make a letter read like an act of enforcement or a threat (procedures reference
# § 3.9; règles professionnelles art. 27-30; C. pén. 433-13): never in an amicable message.
ENFORCEMENT_WORDS = (
    "commandement",
    "signification",
    "signifié",
    "huissier",
    "saisie",
    "exécution forcée",
    "dernier avis",
    "avis avant poursuites",
    "sommation",
    "procès-verbal",
    "expulsion",
)


@dataclass(frozen=True)
class Condition:
    no_payment_since: int | None = None
    balance_above: Decimal | None = None
    plan_in_default: bool = False


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    channel: str
    start: str  # "due" | "previous"
    days: int
    template: str
    subject: str
    when: Condition
    source: str


@dataclass(frozen=True)
class Scenario:
    id: str
    label: str
    default: bool
    natures: tuple[str, ...]
    creditor_sirens: tuple[str, ...]
    source: str
    steps: tuple[Step, ...]

    def step_index(self, code: str) -> int:
        for index, step in enumerate(self.steps):
            if step.code == code:
                return index
        raise InvalidInput(f"Étape « {code} » inconnue dans le scénario « {self.label} ».")


def _fail(where: str, why: str) -> ClercError:
    return ClercError(f"data/scenarios.toml, {where} : {why}.")


def _condition(where: str, data: object) -> Condition:
    if not isinstance(data, dict):
        raise _fail(where, "when doit être une table")
    unknown = sorted(set(data) - set(CONDITIONS))
    if unknown:
        raise _fail(where, f"condition inconnue {', '.join(unknown)} (connues : {', '.join(CONDITIONS)})")
    since = data.get("no_payment_since")
    if since is not None and (not isinstance(since, int) or since < 0):
        raise _fail(where, "no_payment_since doit être un nombre de jours")
    above = data.get("balance_above")
    try:
        balance = Decimal(str(above)) if above is not None else None
    except InvalidOperation:
        raise _fail(where, f"balance_above « {above} » n'est pas un montant") from None
    return Condition(since, balance, bool(data.get("plan_in_default", False)))


def _step(where: str, data: dict[str, Any], templates: frozenset[str]) -> Step:
    unknown = sorted(set(data) - STEP_KEYS)
    missing = sorted(STEP_KEYS - set(data))
    if unknown or missing:
        raise _fail(where, f"clés inconnues {unknown} ou manquantes {missing}")
    if data["channel"] not in CHANNELS:
        raise _fail(where, f"canal « {data['channel']} » inconnu ({', '.join(CHANNELS)})")
    if data["from"] not in ("due", "previous"):
        raise _fail(where, "from vaut due ou previous")
    if data["template"] not in templates:
        raise _fail(where, f"modèle « {data['template']} » absent de data/amicable/")
    if not str(data["source"]).strip():
        raise _fail(where, "chaque étape nomme sa source")
    if not isinstance(data["days"], int) or data["days"] < 0:
        raise _fail(where, "days doit être un nombre de jours positif ou nul")
    return Step(
        code=str(data["code"]),
        label=str(data["label"]),
        channel=str(data["channel"]),
        start=str(data["from"]),
        days=int(data["days"]),
        template=str(data["template"]),
        subject=str(data["subject"]),
        when=_condition(where, data["when"]),
        source=str(data["source"]),
    )


def load_scenarios(text: str, templates: frozenset[str]) -> tuple[Scenario, ...]:
    """The scenarios of a TOML text, checked; a ClercError naming the place otherwise."""
    rows = tomllib.loads(text).get("scenario", [])
    scenarios: list[Scenario] = []
    for position, row in enumerate(rows, 1):
        where = f"scénario n° {position}"
        unknown = sorted(set(row) - SCENARIO_KEYS)
        if unknown:
            raise _fail(where, f"clés inconnues {unknown}")
        if not str(row.get("source", "")).strip():
            raise _fail(where, "chaque scénario nomme sa source")
        steps = tuple(_step(f"{where}, étape n° {n}", step, templates) for n, step in enumerate(row.get("step", []), 1))
        codes = [s.code for s in steps]
        if not steps or len(set(codes)) != len(codes):
            raise _fail(where, "il faut au moins une étape, chacune d'un code unique")
        scenarios.append(
            Scenario(
                id=str(row["id"]),
                label=str(row["label"]),
                default=bool(row.get("default", False)),
                natures=tuple(row.get("natures", ())),
                creditor_sirens=tuple(str(s) for s in row.get("creditor_sirens", ())),
                source=str(row["source"]),
                steps=steps,
            )
        )
    ids = [s.id for s in scenarios]
    if len(set(ids)) != len(ids):
        raise _fail("scénarios", "deux scénarios ont le même id")
    if sum(s.default for s in scenarios) != 1:
        raise _fail("scénarios", "un et un seul scénario porte default = true")
    return tuple(scenarios)


def template_names() -> frozenset[str]:
    folder = resources.files("clerc_tui.data").joinpath("amicable")
    return frozenset(item.name.removesuffix(".txt.j2") for item in folder.iterdir() if item.name.endswith(".txt.j2"))


@lru_cache(maxsize=1)
def scenarios() -> tuple[Scenario, ...]:
    text = resources.files("clerc_tui.data").joinpath("scenarios.toml").read_text(encoding="utf-8")
    return load_scenarios(text, template_names())


def scenario(scenario_id: str) -> Scenario:
    for found in scenarios():
        if found.id == scenario_id:
            return found
    raise InvalidInput(f"Scénario amiable inconnu : « {scenario_id} ».", field="scenario")


def choose_scenario(creditor_siren: str, nature: str, among: tuple[Scenario, ...] | None = None) -> Scenario:
    """The scenario a dossier follows unless the clerc picks another: the creditor's, else the
    nature's, else the default one."""
    among = among or scenarios()
    siren = creditor_siren.replace(" ", "")
    for candidate in among:
        if siren and siren in candidate.creditor_sirens:
            return candidate
    for candidate in among:
        if nature in candidate.natures:
            return candidate
    return next(s for s in among if s.default)


# --- Where a dossier stands in its scenario -------------------------------------------------


@dataclass(frozen=True)
class DossierState:
    """What the rules need of a dossier to tell its next step (read by services/amicable.py)."""

    enrolled_on: date
    steps_done: int
    last_step_on: date | None
    due_on: date | None  # the claim's due date (the earliest), None when unknown
    last_payment_on: date | None
    balance: Decimal
    status: str = "active"
    paused_until: date | None = None
    plan_in_default: bool = False
    plan_in_force: bool = False  # a payment plan runs and is kept: the debtor is not reminded


@dataclass(frozen=True)
class NextStep:
    index: int
    step: Step
    due_on: date
    waiting: str  # "" when the step may be done; else why it waits (a condition, a pause)

    @property
    def is_due(self) -> bool:
        return not self.waiting


def step_date(step: Step, state: DossierState) -> date:
    base = (state.due_on if step.start == "due" else state.last_step_on) or state.enrolled_on
    return base + timedelta(days=step.days)


def condition_failure(when: Condition, state: DossierState, today: date) -> str:
    """Why the step's conditions do not hold today ("" when they do)."""
    if when.plan_in_default and not state.plan_in_default:
        return "aucun échéancier en défaut"
    if state.plan_in_force and not when.plan_in_default:
        return "échéancier en cours"  # the plan is kept: no reminder until an instalment is missed
    if when.balance_above is not None and state.balance <= when.balance_above:
        return f"solde de {format_amount(state.balance)}, pas au-dessus de {format_amount(when.balance_above)}"
    if when.no_payment_since is not None and state.last_payment_on is not None:
        since = (today - state.last_payment_on).days
        if since < when.no_payment_since:
            return f"versement reçu il y a {since} jour(s) (moins de {when.no_payment_since})"
    return ""


def is_active(state: DossierState, today: date) -> bool:
    """Active, or paused until a day now past (a pause ends by itself)."""
    if state.status == "active":
        return True
    return state.status == "paused" and state.paused_until is not None and state.paused_until < today


def next_step(chosen: Scenario, state: DossierState, today: date) -> NextStep | None:
    """The dossier's next step and its date, with why it waits when it is not due today; None when
    the scenario is done or the dossier is out of it."""
    if state.status in ("out", "done") or state.steps_done >= len(chosen.steps):
        return None
    step = chosen.steps[state.steps_done]
    due = step_date(step, state)
    waiting = ""
    if not is_active(state, today):
        until = f" jusqu'au {state.paused_until:%d/%m/%Y}" if state.paused_until else ""
        waiting = f"bloqué{until}"
    elif due > today:
        waiting = f"prévue le {due:%d/%m/%Y}"
    else:
        waiting = condition_failure(step.when, state, today)
    return NextStep(state.steps_done, step, due, waiting)


# --- The rules of the profession -------------------------------------------------------------


@dataclass(frozen=True)
class ContactHours:
    days: frozenset[int]  # 0 = Monday
    ranges: tuple[tuple[time, time], ...]

    def describe(self) -> str:
        days = sorted(self.days)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            day_text = f"du {WEEKDAYS_FR[days[0]]} au {WEEKDAYS_FR[days[-1]]}"
        else:
            day_text = ", ".join(WEEKDAYS_FR[d] for d in days)
        hours = " et ".join(f"de {_hm(a)} à {_hm(b)}" for a, b in self.ranges)
        return f"{day_text}, {hours}, hors jours fériés"


def _hm(value: time) -> str:
    return f"{value.hour} h" + (f" {value.minute:02d}" if value.minute else "")


_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def parse_hours(text: str) -> ContactHours:
    """« lun-ven 10:00-13:00 14:00-20:00 » (days as a range or a list « lun,mar,jeu », then one or
    more ranges of hours). Sunday is refused: no contact on a Sunday, whatever the setting."""
    words = text.split()
    if len(words) < 2:
        raise InvalidInput(f"Heures de contact « {text} » : jours puis plages, ex. « {DEFAULT_HOURS} ».", field="hours")
    days: set[int] = set()
    for part in words[0].lower().split(","):
        ends = part.split("-")
        try:
            indexes = [DAY_ABBREVIATIONS.index(e) for e in ends]
        except ValueError:
            raise InvalidInput(
                f"Jour « {part} » inconnu (lun, mar, mer, jeu, ven, sam ; ex. « lun-ven »).", field="hours"
            ) from None
        if len(indexes) == 2 and indexes[0] <= indexes[1]:
            days.update(range(indexes[0], indexes[1] + 1))
        elif len(indexes) == 1:
            days.add(indexes[0])
        else:
            raise InvalidInput(f"Jours « {part} » : une plage s'écrit « lun-ven ».", field="hours")
    if 6 in days:
        raise InvalidInput("Aucun contact le dimanche : retirez « dim » des heures de contact.", field="hours")
    ranges: list[tuple[time, time]] = []
    for word in words[1:]:
        match = _RANGE.match(word)
        if not match:
            raise InvalidInput(f"Plage « {word} » : écrivez « 10:00-13:00 ».", field="hours")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if not (h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60):
            raise InvalidInput(f"Plage « {word} » : heure impossible.", field="hours")
        start, end = time(h1, m1), (time(23, 59, 59) if h2 == 24 else time(h2, m2))
        if start >= end:
            raise InvalidInput(f"Plage « {word} » : la fin doit suivre le début.", field="hours")
        ranges.append((start, end))
    return ContactHours(frozenset(days), tuple(sorted(ranges)))


@lru_cache(maxsize=64)  # a queue asks it for every item at the same moment
def hours_refusal(now: datetime, hours: ContactHours, zones: tuple[str, ...] = ("metropole",)) -> str | None:
    """Why no debtor may be contacted at `now` (a French sentence), or None."""
    day = now.date()
    for zone in zones:
        name = holiday_name(day, zone)
        if name:
            return f"jour férié ({name}) : aucun contact"
    if day.weekday() == 6:
        return "dimanche : aucun contact"
    if day.weekday() not in hours.days:
        return f"{WEEKDAYS_FR[day.weekday()]} : hors des heures de contact de l'étude ({hours.describe()})"
    moment = now.time()
    if not any(start <= moment < end for start, end in hours.ranges):
        return f"{now:%H:%M} : hors des heures de contact de l'étude ({hours.describe()})"
    return None


def ceiling_refusal(contacts_in_window: int, ceiling: int) -> str | None:
    if ceiling > 0 and contacts_in_window >= ceiling:
        return (
            f"plafond atteint : {contacts_in_window} contact(s) sur {CEILING_DAYS} jours glissants (au plus {ceiling})"
        )
    return None


def contact_refusal(
    channel: str,
    now: datetime,
    *,
    hours: ContactHours,
    zones: tuple[str, ...],
    contacts_in_window: int,
    ceiling: int,
    opted_out: bool,
    recipient: str,
) -> str | None:
    """The first rule a contact by `channel` at `now` would break, in French; None when it may
    be made. Checked again by the service right before each message is sent."""
    if opted_out:
        return f"le débiteur a refusé le canal {CHANNEL_LABELS[channel].lower()}"
    if not recipient:
        return MISSING_RECIPIENT[channel]
    if channel in TIMED_CHANNELS:
        refusal = hours_refusal(now, hours, zones)
        if refusal:
            return refusal
    return ceiling_refusal(contacts_in_window, ceiling)


def window_start(now: datetime) -> datetime:
    """The start of the rolling window the ceiling counts in."""
    return now - timedelta(days=CEILING_DAYS)


# --- What a message may claim, and its text ----------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    principal: Decimal
    interest: Decimal
    fees: Decimal  # ZERO without a title: never claimed (L111-8)
    fees_claimed: bool
    total: Decimal


def claimable(principal: Decimal, interest: Decimal, fees: Decimal, has_title: bool) -> Claimed:
    """What an amicable message may ask of the debtor: principal and interest; the fees only on an
    enforceable title (CPCE L111-8 al. 2: without one, recovery costs stay with the creditor)."""
    principal, interest = max(principal, ZERO), max(interest, ZERO)
    kept = max(fees, ZERO) if has_title else ZERO
    return Claimed(principal, interest, kept, has_title and kept > ZERO, principal + interest + kept)


def message_key(dossier_id: int, scenario_id: str, round_: int, step: str, channel: str) -> str:
    """The idempotence key of one message: the same step of the same round is never sent twice."""
    suffix = f"r{round_}" if round_ > 1 else ""
    return f"d{dossier_id}:s{scenario_id}{suffix}:{step}:{channel}"


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("clerc_tui", "data/amicable"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )


@lru_cache(maxsize=64)
def _subject_template(text: str) -> Any:
    return _environment().from_string(text)


def render_message(step: Step, context: Mapping[str, object]) -> tuple[str, str]:
    """(subject, body) of the step's message. User data is plain text (no markup); a control or
    bidi character is shown as a placeholder (rules/text.inert)."""
    from clerc_tui.rules.text import inert

    body = _environment().get_template(f"{step.template}.txt.j2").render(**context).strip()
    subject = _subject_template(step.subject).render(**context).strip() if step.subject else ""
    return inert(subject, multiline=False), inert(body) + "\n"


def enforcement_words(text: str) -> list[str]:
    """The words of `text` that would make an amicable message read like an act of enforcement."""
    lowered = text.lower()
    return [word for word in ENFORCEMENT_WORDS if word in lowered]


# --- Letters, as data (the batch: services/amicable.write_letters, report/pdf.amicable_letters_pdf)


@dataclass(frozen=True)
class Letter:
    dossier_id: int
    key: str
    sender_lines: tuple[str, ...]
    recipient_lines: tuple[str, ...]
    reference: str
    place_date: str
    subject: str
    paragraphs: tuple[str, ...]
    signature: tuple[str, ...]
