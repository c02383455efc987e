"""Procedures as data: the steps of each procedure, the deadlines each step creates and closes.

The data lives in `clerc_tui/data/procedures.toml`; this module loads it, checks it (a broken
file must fail at once, not compute a wrong date months later) and computes the deadlines of a
step served on a given date through `rules.calendar`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, NoReturn

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.calendar import (
    KINDS,
    Computation,
    Period,
    SkippedDay,
    check_distance,
    check_zone,
    compute_backward,
    compute_earliest_day,
    compute_last_day,
)
from clerc_tui.rules.french import day_label
from clerc_tui.rules.vocabulary import PROCEDURES

DISTANCE_MODES = ("yes", "no", "unverified")
DIRECTIONS = ("forward", "backward")
STARTS = ("served_on", "hearing_on")
# Facts about a dossier that decide which deadlines a step creates (see `when` in the data file).
FACTS = {
    "lease_from_2023_07_29": "bail signé à compter du 29/07/2023",
    "judgment_by_default": "jugement par défaut ou réputé contradictoire",
    "short_appeal_delay": "décision dont l'appel se forme en 15 jours (référé, gracieux, JEX)",
    "seized_at_third_party": "saisie pratiquée chez un tiers",
    "small_claim_in_dwelling": "créance de moins de 535 € saisie dans le local d'habitation",
    "bank_account": "saisie sur un compte bancaire",
    "debtor_absent_at_seizure": "débiteur absent lors des opérations de saisie",
    "served_in_person": "ordonnance signifiée à la personne du débiteur",
    "landlord_legal_person": "bailleur personne morale (hors SCI familiale)",
    "etude_repartiteur": "l'étude est le commissaire de justice répartiteur (réglage de l'étude)",
}
DATE_FACTS = {"hearing_on": "date de l'audience"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class ProcedureDataError(ValueError):
    """The procedures data file is inconsistent: a programming error, never user input."""


@dataclass(frozen=True)
class DeadlineRule:
    id: str
    kind: str
    label: str
    what: str
    basis: str
    sanction: str
    period: Period
    holiday_shift: bool = True
    no_shift_reason: str = ""
    distance: str = "no"
    act_days: bool = False
    winter_truce: bool = False
    direction: str = "forward"
    start: str = "served_on"
    when: str | tuple[str, ...] = ""
    if_unknown: bool = True
    # A step of the same procedure until which the délai does not run (CPCE L412-5): the
    # deadline is created suspended, and recording that step restarts it from its date.
    suspended_until: str = ""
    suspended_reason: str = ""
    unverified: str = ""
    caveat: str = ""
    procedure_id: str | None = None
    step_id: str | None = None


@dataclass(frozen=True)
class StepWarning:
    """Recording this step without an earlier `step` (when the fact `when` holds) is at risk."""

    step: str
    when: str
    text: str


@dataclass(frozen=True)
class Step:
    id: str
    act: str
    notes: str
    deadlines: tuple[DeadlineRule, ...]
    closes: frozenset[str]
    warn_without: tuple[StepWarning, ...] = ()


@dataclass(frozen=True)
class Procedure:
    id: str
    label: str
    basis: str
    summary: str
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        known = ", ".join(s.id for s in self.steps)
        raise InvalidInput(f"Étape inconnue pour « {self.label} » : « {step_id} » (étapes : {known}).", field="step")


@dataclass(frozen=True)
class ComputedDeadline:
    deadline_id: str
    procedure_id: str | None
    step_id: str | None
    kind: str
    label: str
    what: str
    due: date
    basis: str
    sanction: str
    explanation: tuple[str, ...]
    unverified: str | None
    caveat: str | None
    computation: Computation

    @property
    def raw_end(self) -> date:
        return self.computation.raw_end

    @property
    def last_day(self) -> date:
        return self.computation.last_day

    @property
    def skipped(self) -> tuple[SkippedDay, ...]:
        return self.computation.skipped

    @property
    def act_by(self) -> date | None:
        return self.computation.act_by


@dataclass(frozen=True)
class Catalogue:
    procedures: tuple[Procedure, ...]
    rules: tuple[DeadlineRule, ...]  # every deadline of every step, then the standalone rules


# --- loading and checking ---------------------------------------------------------------

_DEADLINE_FIELDS = {f.name for f in fields(DeadlineRule)} - {"period", "procedure_id", "step_id"} | {"delai"}
_REQUIRED_TEXT = ("id", "kind", "label", "what", "basis", "sanction")


def _fail(where: str, message: str) -> NoReturn:
    raise ProcedureDataError(f"{where} : {message}")


def _deadline(raw: dict[str, Any], where: str, procedure_id: str | None, step_id: str | None) -> DeadlineRule:
    unknown = set(raw) - _DEADLINE_FIELDS
    if unknown:
        _fail(where, f"champs inconnus {sorted(unknown)}")
    for name in _REQUIRED_TEXT:
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            _fail(where, f"« {name} » manquant")
    where = f"{where} {raw['id']}"
    if not _ID.match(raw["id"]):
        _fail(where, "identifiant invalide")
    if "delai" not in raw or not isinstance(raw["delai"], dict):
        _fail(where, "« delai » manquant")
    try:
        period = Period(**raw["delai"])
    except TypeError:
        _fail(where, f"unités de délai inconnues {sorted(raw['delai'])}")
    except InvalidInput as exc:
        _fail(where, exc.message)
    values = {k: v for k, v in raw.items() if k != "delai"}
    if isinstance(values.get("when"), list):
        values["when"] = tuple(values["when"])
    rule = DeadlineRule(period=period, procedure_id=procedure_id, step_id=step_id, **values)
    _check_rule(rule, where)
    return rule


def _check_rule(rule: DeadlineRule, where: str) -> None:
    for name in ("holiday_shift", "act_days", "winter_truce", "if_unknown"):
        if not isinstance(getattr(rule, name), bool):
            _fail(where, f"« {name} » doit valoir true ou false")
    if rule.kind not in KINDS:
        _fail(where, f"nature « {rule.kind} » inconnue")
    if rule.distance not in DISTANCE_MODES:
        _fail(where, f"distance « {rule.distance} » inconnue")
    if rule.direction not in DIRECTIONS or rule.start not in STARTS:
        _fail(where, "sens ou point de départ inconnu")
    if rule.direction == "backward" and (rule.kind != "last_day" or rule.holiday_shift or rule.period.working_days):
        _fail(where, "un délai à rebours est un dernier jour, sans report, hors jours ouvrables")
    if (rule.act_days or rule.winter_truce) and rule.kind != "earliest_day":
        _fail(where, "act_days et winter_truce ne valent que pour un premier jour possible")
    if rule.holiday_shift == bool(rule.no_shift_reason):
        _fail(where, "no_shift_reason est requis si et seulement si holiday_shift = false")
    for condition in conditions(rule.when):
        if not isinstance(condition, str) or condition.removeprefix("not ") not in FACTS:
            _fail(where, f"condition « {condition} » inconnue")
    if bool(rule.suspended_until) != bool(rule.suspended_reason):
        _fail(where, "suspended_until et suspended_reason vont ensemble")


def conditions(when: str | Iterable[str] | None) -> tuple[str, ...]:
    """The facts a deadline depends on: `when` is one condition or a list (all must hold)."""
    if not when:
        return ()
    return (when,) if isinstance(when, str) else tuple(when)


def _step(raw: dict[str, Any], where: str, procedure_id: str) -> Step:
    unknown = set(raw) - {"id", "act", "notes", "closes", "deadline", "warn_without"}
    if unknown:
        _fail(where, f"champs inconnus {sorted(unknown)}")
    if not _ID.match(str(raw.get("id", ""))) or not str(raw.get("act", "")).strip():
        _fail(where, "« id » ou « act » manquant")
    where = f"{where} {raw['id']}"
    closes = raw.get("closes", [])
    if not isinstance(closes, list) or not all(isinstance(c, str) for c in closes):
        _fail(where, "« closes » doit être une liste d'identifiants")
    deadlines = tuple(_deadline(d, f"{where} délai", procedure_id, raw["id"]) for d in raw.get("deadline", []))
    warnings = []
    for item in raw.get("warn_without", []):
        if set(item) != {"step", "when", "text"} or item["when"].removeprefix("not ") not in FACTS:
            _fail(where, "« warn_without » : step, when (un élément connu) et text attendus")
        warnings.append(StepWarning(item["step"], item["when"], item["text"]))
    return Step(raw["id"], raw["act"], raw.get("notes", ""), deadlines, frozenset(closes), tuple(warnings))


def _procedure(raw: dict[str, Any]) -> Procedure:
    where = f"procédure {raw.get('id')}"
    unknown = set(raw) - {"id", "basis", "summary", "step"}
    if unknown:
        _fail(where, f"champs inconnus {sorted(unknown)}")
    if not _ID.match(str(raw.get("id", ""))) or not raw.get("step"):
        _fail(where, "« id » ou étapes manquants")
    # The name on screen is vocabulary (rules/vocabulary.PROCEDURES), like every other label.
    label = PROCEDURES.get(raw["id"])
    if label is None:
        _fail(where, "procédure absente de rules/vocabulary.PROCEDURES (son nom à l'écran)")
    steps = tuple(_step(s, f"{where}, étape", raw["id"]) for s in raw["step"])
    procedure = Procedure(raw["id"], label, raw.get("basis", ""), raw.get("summary", ""), steps)
    _check_flow(procedure, where)
    return procedure


def _check_flow(procedure: Procedure, where: str) -> None:
    """Each closed deadline was created by an earlier step (or by the step itself, for a
    recurring délai such as the répartition every six weeks: recording the step closes the
    previous one, then opens the next); each created deadline is closed by it or later."""
    created: list[str] = []
    step_ids = [s.id for s in procedure.steps]
    if len(set(step_ids)) != len(step_ids):
        _fail(where, "identifiants d'étape en double")
    for index, step in enumerate(procedure.steps):
        own = {d.id for d in step.deadlines}
        for deadline_id in sorted(step.closes - set(created) - own):
            _fail(f"{where}, étape {step.id}", f"ferme « {deadline_id} », qu'aucune étape antérieure ne crée")
        created += [d.id for d in step.deadlines]
        later_closes = set().union(*(s.closes for s in procedure.steps[index:]))
        for deadline in step.deadlines:
            if deadline.id not in later_closes:
                _fail(f"{where}, étape {step.id}", f"le délai « {deadline.id} » n'est fermé par aucune étape suivante")
            if deadline.suspended_until and deadline.suspended_until not in step_ids[index + 1 :]:
                _fail(f"{where}, étape {step.id}", f"« {deadline.suspended_until} » n'est pas une étape suivante")
        for warning in step.warn_without:
            if warning.step not in step_ids[:index]:
                _fail(f"{where}, étape {step.id}", f"« {warning.step} » n'est pas une étape antérieure")


def load_catalogue(text: str) -> Catalogue:
    """Parse and check the procedures data (TOML text)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProcedureDataError(f"fichier des procédures illisible : {exc}") from None
    if raw.get("schema") != 1:
        raise ProcedureDataError("version du fichier des procédures inconnue (schema = 1 attendu)")
    unknown = set(raw) - {"schema", "procedure", "rule"}
    if unknown:
        raise ProcedureDataError(f"sections inconnues {sorted(unknown)}")
    procedures_ = tuple(_procedure(p) for p in raw.get("procedure", []))
    standalone = tuple(_deadline(r, "règle", None, None) for r in raw.get("rule", []))
    all_rules = tuple(d for p in procedures_ for s in p.steps for d in s.deadlines) + standalone
    for ids, what in (([p.id for p in procedures_], "procédure"), ([r.id for r in all_rules], "délai")):
        doubles = sorted({i for i in ids if ids.count(i) > 1})
        if doubles:
            raise ProcedureDataError(f"identifiants de {what} en double : {doubles}")
    return Catalogue(procedures_, all_rules)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    text = resources.files("clerc_tui.data").joinpath("procedures.toml").read_text(encoding="utf-8")
    return load_catalogue(text)


# --- queries ----------------------------------------------------------------------------


def procedures() -> tuple[Procedure, ...]:
    return catalogue().procedures


def procedure(procedure_id: str) -> Procedure:
    for item in procedures():
        if item.id == procedure_id:
            return item
    known = ", ".join(p.id for p in procedures())
    raise InvalidInput(f"Procédure inconnue : « {procedure_id} » (procédures : {known}).", field="procedure")


def rules() -> tuple[DeadlineRule, ...]:
    """The named rules of `clerc calc deadline --rule ID`: every deadline, plus prescriptions."""
    return catalogue().rules


def rule(rule_id: str) -> DeadlineRule:
    for item in rules():
        if item.id == rule_id:
            return item
    raise InvalidInput(f"Règle de délai inconnue : « {rule_id} » (voir clerc calc deadline --list).", field="rule")


def _check_facts(facts: Mapping[str, object]) -> None:
    for name, value in facts.items():
        if name in DATE_FACTS:
            if value is not None and not isinstance(value, date):
                raise InvalidInput(f"« {DATE_FACTS[name]} » doit être une date.", field=name)
        elif name not in FACTS:
            raise InvalidInput(f"Élément du dossier inconnu : « {name} ».", field=name)


def holds(condition: str, facts: Mapping[str, object]) -> bool | None:
    """Whether a condition (« fact » or « not fact ») holds; None when the fact is unknown."""
    value = facts.get(condition.removeprefix("not "))
    if value is None:
        return None
    return bool(value) != condition.startswith("not ")


def applies(deadline: DeadlineRule, facts: Mapping[str, object]) -> bool:
    """Whether the step creates this deadline, given what is known of the dossier.

    Every condition must hold; one known to be false excludes the deadline; otherwise an
    unknown fact follows `if_unknown`.
    """
    results = [holds(c, facts) for c in conditions(deadline.when)]
    if False in results:
        return False
    if None in results:
        return deadline.if_unknown
    return True


def deadlines_for_step(
    procedure_id: str,
    step_id: str,
    served_on: date,
    zone: str = "metropole",
    distance: str | None = None,
    facts: Mapping[str, object] | None = None,
    good_friday: bool | None = None,
) -> list[ComputedDeadline]:
    """The deadlines created by serving (or doing) this step on `served_on`.

    `distance`: None, "outre-mer" or "abroad" (where the party lives, CPC 643-644).
    `good_friday`: Alsace-Moselle only; None when the commune's status is not known.
    `facts`: see FACTS and DATE_FACTS; unknown facts follow each deadline's `if_unknown`.
    """
    facts = dict(facts or {})
    _check_facts(facts)
    step = procedure(procedure_id).step(step_id)
    result = []
    for deadline in step.deadlines:
        if not applies(deadline, facts):
            continue
        start = served_on
        if deadline.start == "hearing_on":
            hearing = facts.get("hearing_on")
            if not isinstance(hearing, date):  # else None: _check_facts lets only a date or None through
                raise InvalidInput(
                    f"La date de l'audience est nécessaire pour calculer : {deadline.label}.", field="hearing_on"
                )
            start = hearing
        result.append(compute_deadline(deadline, start, zone=zone, distance=distance, good_friday=good_friday))
    return result


def compute_rule(
    rule_id: str, start: date, zone: str = "metropole", distance: str | None = None, good_friday: bool | None = None
) -> ComputedDeadline:
    """A named rule from `start` (the hearing date for a rule counted backwards)."""
    return compute_deadline(rule(rule_id), start, zone=zone, distance=distance, good_friday=good_friday)


def compute_deadline(
    deadline: DeadlineRule,
    start: date,
    zone: str = "metropole",
    distance: str | None = None,
    good_friday: bool | None = None,
) -> ComputedDeadline:
    check_zone(zone)
    check_distance(distance)
    later_is_safer = deadline.kind != "last_day"
    notes: list[str] = []
    if distance and deadline.direction == "backward":
        notes.append("Pas d'extension pour distance sur un délai compté à rebours.")
        distance_used = None
    elif distance and deadline.distance == "unverified" and not later_is_safer:
        notes.append(
            "Extension pour distance non appliquée à ce dernier jour (point non vérifié : date la plus "
            "précoce retenue)."
        )
        distance_used = None
    else:
        distance_used = distance
    extend = deadline.distance == "yes" or (deadline.distance == "unverified" and later_is_safer)
    if zone == "alsace-moselle" and good_friday is None:
        with_gf = _compute(deadline, start, zone, distance_used, extend, True)
        without_gf = _compute(deadline, start, zone, distance_used, extend, False)
        if with_gf.due == without_gf.due:
            computation = with_gf
        else:
            computation = with_gf if later_is_safer else without_gf
            other = without_gf if later_is_safer else with_gf
            notes.append(
                f"Vendredi saint férié seulement dans les communes ayant un temple protestant ou une église "
                f"mixte ; statut de la commune inconnu : date la plus {'tardive' if later_is_safer else 'précoce'} "
                f"retenue (sinon {day_label(other.due)})."
            )
    else:
        computation = _compute(deadline, start, zone, distance_used, extend, good_friday is not False)
    return ComputedDeadline(
        deadline_id=deadline.id,
        procedure_id=deadline.procedure_id,
        step_id=deadline.step_id,
        kind=deadline.kind,
        label=deadline.label,
        what=deadline.what,
        due=computation.due,
        basis=deadline.basis,
        sanction=deadline.sanction,
        explanation=_with_notes(computation.explanation, notes),
        unverified=deadline.unverified or None,
        caveat=deadline.caveat or None,
        computation=computation,
    )


def _with_notes(lines: tuple[str, ...], notes: list[str]) -> tuple[str, ...]:
    """Notes go before the closing « Fondement » line."""
    if lines and lines[-1].startswith("Fondement"):
        return lines[:-1] + tuple(notes) + lines[-1:]
    return lines + tuple(notes)


def _compute(
    deadline: DeadlineRule, start: date, zone: str, distance: str | None, extend: bool, good_friday: bool
) -> Computation:
    if deadline.direction == "backward":
        return compute_backward(start, deadline.period, zone=zone, basis=deadline.basis, good_friday=good_friday)
    if deadline.kind == "earliest_day":
        return compute_earliest_day(
            start,
            deadline.period,
            zone=zone,
            distance=distance,
            extend=extend,
            prorogation=deadline.holiday_shift,
            act_days=deadline.act_days,
            winter_truce=deadline.winter_truce,
            basis=deadline.basis,
            good_friday=good_friday,
        )
    return compute_last_day(
        start,
        deadline.period,
        zone=zone,
        distance=distance,
        extend=extend,
        prorogation=deadline.holiday_shift,
        no_prorogation_reason=deadline.no_shift_reason,
        kind=deadline.kind,
        basis=deadline.basis,
        good_friday=good_friday,
    )
