"""The next measure on a dossier, explained: the rules of data/measures.toml evaluated on the
debtor's solvency facts and the dossier (title, amount due, procedures run). Pure: no database,
no clock; the date and every figure are passed in (docs/law/solvency.md).

Each measure comes back with its reasons, what it would bring (the wage seizure: the monthly
seizable fraction from rules/seizable.quotite and the months to pay off; an account:
« solde inconnu » unless a balance is known, minus the SBI), its cost under the tariff (the acts
it needs, priced by rules/tariff) and what is missing to do it. Measures that can be done come
first, in the file's rank (a stale fact is named among what is missing, to check, without
blocking, and moves its measure `STALE_PENALTY` ranks down); then those missing something."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from clerc_tui.errors import ClercError, MissingRate
from clerc_tui.rules.french import format_amount, format_date
from clerc_tui.rules.money import ZERO
from clerc_tui.rules.procedures import procedure
from clerc_tui.rules.seizable import Quotite, quotite, sbi
from clerc_tui.rules.solvency import (
    DEFAULT_STALE_MONTHS,
    SOURCES,
    Fact,
    current_facts,
    is_stale,
)
from clerc_tui.rules.tariff import MissingTariff, Tariff, shipped_tariff

YIELDS = ("account", "wage", "goods", "nothing")
CONDITIONS = (
    "open",
    "title",
    "amount_due",
    "person",
    "bank_account",
    "employer",
    "net_pay",
    "vehicle",
    "real_estate",
    "movable",
    "nothing_found",
)
# A measure whose facts must be checked first (stale) comes after fresher ones this many ranks
# down (a FICOBA answer of two years ago after an employer known last month).
STALE_PENALTY = 15
ASSET_KINDS = ("bank_account", "employment", "vehicle", "real_estate", "movable")


class MeasureDataError(ValueError):
    """data/measures.toml is inconsistent: a programming error, never user input."""


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    rank: int
    procedure: str
    step: str
    acts: tuple[str, ...]
    needs: tuple[str, ...]
    fresh: tuple[str, ...]
    yields: str
    reason: str
    basis: str
    source: str


@dataclass(frozen=True)
class Catalogue:
    measures: tuple[Measure, ...]
    missing: dict[str, str]


@dataclass(frozen=True)
class Situation:
    """What the rules know of a dossier on `on`. `facts`: the debtor's current solvency file;
    `running`: procedures with open deadlines; `run_before`: procedures with steps recorded and
    none open; `dep_charged`: the DEP was already billed on the dossier (A444-15)."""

    on: date
    has_title: bool
    due: Decimal
    debtor_is_person: bool = True
    facts: tuple[Fact, ...] = ()
    stale_months: int = DEFAULT_STALE_MONTHS
    running: frozenset[str] = frozenset()
    run_before: frozenset[str] = frozenset()
    dep_charged: bool = False
    phase: str = ""  # rules/vocabulary.PHASES; « clos » bars every measure


@dataclass(frozen=True)
class Recommendation:
    measure: Measure
    possible: bool  # nothing blocking is missing
    reasons: tuple[str, ...]
    missing: tuple[str, ...]  # blocking, then what must be checked first (stale facts)
    brings: str  # what it would bring, in French
    expected: Decimal | None = None  # the amount expected (per month for the wage seizure)
    months: int | None = None  # months to pay off (wage seizure)
    cost: Decimal | None = None  # the acts' total TTC under the tariff; None: not priced
    cost_lines: tuple[str, ...] = field(default=())
    to_check: int = 0  # how many of `missing` are stale facts (not blocking)

    @property
    def starts(self) -> bool:
        """Choosing it starts a procedure of the catalogue."""
        return bool(self.measure.procedure)


def _measure(raw: dict[str, Any], missing: dict[str, str], tariff: Tariff) -> Measure:
    where = f"measures.toml [{raw.get('id', '?')}]"
    try:
        measure = Measure(
            id=raw["id"],
            label=raw["label"],
            rank=int(raw["rank"]),
            procedure=raw["procedure"],
            step=raw["step"],
            acts=tuple(raw["acts"]),
            needs=tuple(raw["needs"]),
            fresh=tuple(raw["fresh"]),
            yields=raw["yields"],
            reason=raw["reason"],
            basis=raw["basis"],
            source=raw["source"],
        )
    except KeyError as error:
        raise MeasureDataError(f"{where}: champ manquant {error}") from None
    unknown = [n for n in measure.needs if n not in CONDITIONS or n not in missing]
    if unknown or measure.yields not in YIELDS or not measure.basis or not measure.source:
        raise MeasureDataError(f"{where}: condition, rendement ou source invalide ({unknown or measure.yields})")
    if measure.procedure:
        steps = [s.id for s in procedure(measure.procedure).steps]
        if measure.step not in steps:
            raise MeasureDataError(f"{where}: étape {measure.step} absente de {measure.procedure}")
    for code in measure.acts:
        tariff.act(code)
    return measure


def load_catalogue(text: str, tariff: Tariff | None = None) -> Catalogue:
    raw = tomllib.loads(text)
    missing = dict(raw.get("missing", {}))
    tariff = tariff or shipped_tariff()
    measures = tuple(_measure(m, missing, tariff) for m in raw.get("measure", []))
    if len({m.id for m in measures}) != len(measures):
        raise MeasureDataError("measures.toml : identifiant en double")
    return Catalogue(tuple(sorted(measures, key=lambda m: m.rank)), missing)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    text = resources.files("clerc_tui.data").joinpath("measures.toml").read_text(encoding="utf-8")
    return load_catalogue(text)


def _holds(condition: str, s: Situation, current: list[Fact]) -> bool:
    kinds = {f.kind for f in current}
    if condition == "open":
        return s.phase != "clos"
    if condition == "title":
        return s.has_title
    if condition == "amount_due":
        return s.due > 0
    if condition == "person":
        return s.debtor_is_person
    if condition == "employer":
        return "employment" in kinds
    if condition == "net_pay":
        return any(f.amount is not None and f.amount > 0 for f in current if f.kind == "employment")
    if condition == "nothing_found":
        return not kinds.intersection(ASSET_KINDS)
    return condition in kinds


def _stale_notes(measure: Measure, s: Situation, current: list[Fact]) -> list[str]:
    notes = []
    for fact in current:
        if fact.kind in measure.fresh and is_stale(fact, s.on, s.stale_months):
            source = SOURCES.get(fact.source, fact.source)
            when = f"du {format_date(fact.known_on)}" if fact.known_on else "non daté"
            notes.append(
                f"renseignement {source} {when}, de plus de {s.stale_months} mois : à vérifier"
                if fact.known_on
                else f"renseignement {source} {when} : à vérifier"
            )
    return notes


@dataclass(frozen=True)
class WageShare:
    """The seizable fraction of the newest known net pay (rules/seizable.quotite)."""

    job: Fact | None
    dependants: int
    share: Quotite | None
    error: str = ""

    @property
    def text(self) -> str:
        if self.job is None:
            return "Salaire net inconnu : fraction saisissable non calculée."
        head = (
            f"Employeur : {self.job.label} ; salaire net {format_amount(self.job.amount or ZERO)} par mois, "
            f"{self.dependants} personne(s) à charge (R3252-2, R3252-3)"
        )
        if self.share is None:
            return f"{head} ; fraction saisissable non calculée : {self.error}"
        return (
            f"{head} : fraction saisissable {format_amount(self.share.seizable)} par mois "
            f"(barème {self.share.year}), le débiteur garde {format_amount(self.share.left)}."
        )


def wage_share(facts: list[Fact] | tuple[Fact, ...], on: date) -> WageShare:
    """From the current facts: the newest employment with a net pay, the dependants, the quotité."""
    current = current_facts(facts)
    jobs = [f for f in current if f.kind == "employment" and f.amount]
    dependants = len([f for f in current if f.kind == "dependant"])
    if not jobs:
        return WageShare(None, dependants, None)
    try:
        return WageShare(jobs[0], dependants, quotite(jobs[0].amount or ZERO, dependants, on))
    except ClercError as error:
        return WageShare(jobs[0], dependants, None, error.message)


def _months(due: Decimal, monthly: Decimal) -> int:
    return int((due / monthly).to_integral_value(rounding=ROUND_CEILING))


def _brings(measure: Measure, s: Situation, current: list[Fact]) -> tuple[str, Decimal | None, int | None, list[str]]:
    """What the measure would bring: text, amount, months, and the reasons it adds."""
    if measure.yields == "wage":
        wage = wage_share(current, s.on)
        if wage.job is None:
            return "salaire inconnu", None, None, []
        reasons = [wage.text]
        if wage.share is None:
            return f"fraction saisissable non calculée : {wage.error}", None, None, reasons
        share = wage.share
        if share.seizable <= 0:
            return "rien : ce salaire est entièrement insaisissable", ZERO, None, reasons
        months = _months(s.due, share.seizable)
        text = f"{format_amount(share.seizable)} par mois, dette soldée en {months} mois environ"
        return text, share.seizable, months, reasons
    if measure.yields == "account":
        accounts = [f for f in current if f.kind == "bank_account"]
        known = [f.amount for f in accounts if f.amount is not None]
        reasons = (
            []
            if not accounts
            else [
                "Compte(s) : "
                + " ; ".join(
                    f"{f.label or 'banque non nommée'}"
                    + (
                        f" (réponse {SOURCES.get(f.source, f.source)} du {format_date(f.known_on)})"
                        if f.known_on
                        else ""
                    )
                    for f in accounts
                )
                + "."
            ]
        )
        if not known:
            return "solde inconnu (FICOBA ne donne jamais le solde)", None, None, reasons
        total = sum(known, ZERO)
        try:
            left = sbi(s.on) if s.debtor_is_person else ZERO
        except ClercError as error:
            return f"solde connu {format_amount(total)}, SBI inconnu : {error}", None, None, reasons
        expected = min(max(total - left, ZERO), s.due)
        text = f"{format_amount(expected)} au plus (solde connu {format_amount(total)}"
        text += f", moins le SBI {format_amount(left)})" if left else ")"
        return text, expected, None, reasons
    if measure.yields == "goods":
        goods = [f for f in current if f.kind in measure.fresh]
        values = [f.amount for f in goods if f.amount is not None]
        reasons = ["Connu : " + " ; ".join(f.label or f.detail or "—" for f in goods) + "."] if goods else []
        if values:
            value = sum(values, ZERO)
            return f"valeur estimée {format_amount(value)}, avant frais de vente", value, None, reasons
        return "valeur inconnue", None, None, reasons
    return "—", None, None, []


def _cost(measure: Measure, s: Situation, tariff: Tariff) -> tuple[Decimal | None, tuple[str, ...]]:
    """The acts' total TTC; None when none is priced. An act the shipped tariff does not price
    on that date is named (the clerc types its émolument when billing it, screens/dossier_accounts)."""
    if not measure.acts:
        return None, ("actes non chiffrés au tarif livré (data/tariff.toml)",)
    total, lines, dep, priced = ZERO, [], not s.dep_charged, 0
    for code in measure.acts:
        act = tariff.act(code)
        try:
            charge = tariff.act_charge(code, s.on, s.due, with_dep=dep)
        except (MissingTariff, MissingRate):
            lines.append(f"{act.label} : émolument non chiffré au tarif livré à cette date")
            continue
        dep, priced = False, priced + 1
        total += charge.ttc
        lines.append(f"{charge.label} : {format_amount(charge.ttc)} TTC ({charge.article})")
    return (total if priced else None), tuple(lines)


def recommend(s: Situation, catalogue_: Catalogue | None = None, tariff: Tariff | None = None) -> list[Recommendation]:
    """The measures ranked: those that can be done first, then the others, each in the file's
    rank (moved down when its facts are stale)."""
    cat = catalogue_ or catalogue()
    tariff = tariff or shipped_tariff()
    current = current_facts(s.facts)
    found = []
    for measure in cat.measures:
        blocking = [cat.missing[n] for n in measure.needs if not _holds(n, s, current)]
        if measure.procedure and measure.procedure in s.running:
            blocking.append("procédure déjà en cours sur ce dossier (échéances ouvertes)")
        stale = _stale_notes(measure, s, current)
        brings, expected, months, reasons = _brings(measure, s, current)
        if measure.yields == "wage" and expected == ZERO:
            blocking.append("salaire sous la fraction insaisissable")
        reasons = [measure.reason, *reasons]
        if measure.procedure and measure.procedure in s.run_before:
            reasons.append("Déjà menée sur ce dossier : vérifier son issue avant de recommencer.")
        carence = [f for f in current if f.kind == "carence"]
        if measure.id == "carence" and carence:
            reasons.append(
                f"Déjà constaté : {carence[0].label or 'recherches infructueuses'}"
                + (f" le {format_date(carence[0].known_on)}." if carence[0].known_on else ".")
            )
        cost, cost_lines = _cost(measure, s, tariff)
        found.append(
            Recommendation(
                measure=measure,
                possible=not blocking,
                reasons=tuple(reasons),
                missing=tuple(blocking + stale),
                brings=brings,
                expected=expected,
                months=months,
                cost=cost,
                cost_lines=cost_lines,
                to_check=len(stale),
            )
        )
    return sorted(found, key=lambda r: (not r.possible, r.measure.rank + (STALE_PENALTY if r.to_check else 0)))
