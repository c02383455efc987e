"""The debtor's solvency file as pure facts: what each kind and source is called, and when a fact
is stale. No database, no clock: `today` is always passed in (docs/law/solvency.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from clerc_tui.errors import InvalidInput

# Kind → label, in the order the file shows them.
KINDS = {
    "employment": "Emploi et employeur",
    "income": "Revenus",
    "bank_account": "Comptes bancaires",
    "vehicle": "Véhicules",
    "real_estate": "Immeubles",
    "movable": "Biens mobiliers",
    "dependant": "Personnes à charge",
    "carence": "PV de carence, recherches infructueuses",
    "other_creditor": "Autres créanciers et saisies",
}
# What the amount of a fact of that kind means (kinds without an amount are absent).
AMOUNT_LABELS = {
    "employment": "salaire net mensuel",
    "income": "montant mensuel",
    "bank_account": "solde connu",
    "vehicle": "valeur estimée",
    "real_estate": "valeur estimée",
    "movable": "valeur estimée",
    "other_creditor": "montant",
}
SOURCES = {
    "ficoba": "FICOBA (L152-2)",
    "siv": "SIV (C. route L330-4)",
    "employeur": "employeur",
    "debiteur": "débiteur",
    "l152_1": "administration (L152-1)",
    "acte": "acte",
    "autre": "autre",
    "fiche_debiteur": "fiche débiteur",
}
# Facts typed from the solvency tab (« fiche débiteur » is only what the dossier form holds).
TYPED_SOURCES = tuple(key for key in SOURCES if key != "fiche_debiteur")
DEFAULT_STALE_MONTHS = 6
STALE = "ancienne"


@dataclass(frozen=True)
class Fact:
    """One fact of the file. `id` is None for a fact read from the debtor card (its `card_ref`
    names it); `known_on` None: the date of the information is unknown."""

    id: int | None
    debtor_id: int
    kind: str
    label: str
    detail: str
    amount: Decimal | None
    known_on: date | None
    source: str
    ended_on: date | None = None
    card_ref: str = ""
    supersedes_id: int | None = None
    recorded_by: str = ""

    @property
    def current(self) -> bool:
        return self.ended_on is None


def stale_before(today: date, months: int = DEFAULT_STALE_MONTHS) -> date:
    """The first date a fact must be known on to be fresh at `today`."""
    before: date = today - relativedelta(months=months)
    return before


def is_stale(fact: Fact, today: date, months: int = DEFAULT_STALE_MONTHS) -> bool:
    """A fact older than `months` (or undated) may no longer be true: shown « ancienne »."""
    return fact.known_on is None or fact.known_on < stale_before(today, months)


def check_stale_months(months: int) -> int:
    if not 1 <= months <= 60:
        raise InvalidInput("L'ancienneté d'un renseignement se compte de 1 à 60 mois.", field="stale_months")
    return months


def current_facts(facts: list[Fact] | tuple[Fact, ...], kind: str | None = None) -> list[Fact]:
    """The facts still true (not ended), of `kind` when given, newest information first."""
    found = [f for f in facts if f.current and (kind is None or f.kind == kind)]
    return sorted(found, key=lambda f: (f.known_on or date.min, f.id or 0), reverse=True)
