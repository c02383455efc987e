"""The décompte of a dossier, built from what the database knows of it.

Claims come from the dossier's claim items; interest terms from the dossier (legal-rate
category from the creditor: `particulier` when `Creditor.is_individual`, else `autres`;
L313-3 majoration from `title_enforceable_on` with `majoration_points`); fees,
disbursements, payments and reversals from its ledger; the day-count and rounding
convention from the étude (defaults when the étude row is missing); rates from the
shipped tables plus the étude's rows; the title date for the five-year warning of art.
2224 C. civ. A period without a rate raises MissingRate, whose
French message names the semester: a décompte never runs on a guessed rate.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from clerc_tui.errors import InvalidInput
from clerc_tui.models import ClaimItem as ClaimItemModel
from clerc_tui.models import Dossier, LedgerEntry
from clerc_tui.rules.interest import (
    COMMERCIAL,
    CONTRACTUAL,
    LEGAL,
    Convention,
    InterestResult,
    InterestTerms,
    compute_interest,
    majoration_start,
)
from clerc_tui.rules.ledger import CREDITOR, DISBURSEMENT, FEE, PAYMENT, REVERSAL
from clerc_tui.rules.rates import AUTRES, PARTICULIER, Rates
from clerc_tui.rules.statement import (
    Charge,
    ClaimItem,
    Payment,
    Reversal,
    Statement,
    StatementInput,
    compute_statement,
)
from clerc_tui.services.etude import the_etude
from clerc_tui.services.rates import current_rates

# L313-3 CMF raises the legal rate after a "condamnation pécuniaire par décision de justice".
# A notarial deed, a contrainte or a small-claims title is enforceable but is no court
# decision: no majoration for them (the clerc may still set the points to 0 on any title).
TITLES_WITHOUT_MAJORATION = frozenset({"acte_notarie", "contrainte", "titre_pc"})


def etude_convention() -> Convention:
    """How the étude counts days and rounds; the defaults of docs/law/statement.md §1 without an étude row."""
    etude = the_etude()
    if etude is None:
        return Convention()
    return Convention(day_count=etude.day_count, rounding=etude.rounding)


def interest_terms(dossier: Dossier) -> InterestTerms:
    kind = dossier.interest_kind or "none"
    category = PARTICULIER if dossier.creditor.is_individual else AUTRES
    majoration_from = None
    if (
        kind == LEGAL
        and dossier.title_enforceable_on
        and dossier.majoration_points
        and dossier.title_kind not in TITLES_WITHOUT_MAJORATION
    ):
        majoration_from = majoration_start(dossier.title_enforceable_on)
    rate = dossier.contractual_rate if kind in (CONTRACTUAL, COMMERCIAL) else None
    day_basis = (dossier.contractual_day_basis or None) if kind == CONTRACTUAL else None
    return InterestTerms(
        kind=kind,
        category=category,
        majoration_from=majoration_from,
        majoration_points=Decimal(dossier.majoration_points),
        rate=rate,
        capitalisation_from=dossier.capitalisation_from if kind != "none" else None,
        day_basis=day_basis,
    )


def interest_start(dossier: Dossier) -> date:
    """`interest_from`, else the date of the title (art. 1231-7 C. civ.: interest on a
    condemnation runs from the decision unless the judge says otherwise). Without either,
    a dossier bearing interest is refused rather than given a guessed start."""
    start = dossier.interest_from or dossier.title_date
    if start is not None:
        return start
    if (dossier.interest_kind or "none") == "none":
        return dossier.opened_on
    raise InvalidInput(
        f"Dossier {dossier.reference} : point de départ des intérêts non renseigné (ni date de "
        "départ des intérêts, ni date du titre) : complétez le dossier (touche e).",
        field="interest_from",
    )


def is_recovery_fee(entry: LedgerEntry) -> bool:
    """A proportional recovery fee line (A444-31 / A444-32) recorded by a reversement run."""
    return entry.kind == FEE and bool(entry.breakdown) and bool(json.loads(entry.breakdown).get("recovery_fee"))


def ledger_events(
    entries: Sequence[LedgerEntry], at: date
) -> tuple[tuple[Charge, ...], tuple[Payment, ...], tuple[Reversal, ...]]:
    """A dossier's ledger rows (by entry date, then id) as décompte events. A payment's
    reference is its ledger id. A reversed fee or disbursement was never owed: it leaves the
    décompte from its reversal date on (a décompte arrêté before that date still shows it).
    Charges the creditor bears (the A444-32 fee kept on a reversement), reversements and
    refunds are not the debtor's."""
    by_id = {e.id: e for e in entries}
    cancelled = {e.reverses_id for e in entries if e.kind == REVERSAL and e.entry_date <= at}
    charges, payments, reversals = [], [], []
    for e in entries:
        if e.kind in (FEE, DISBURSEMENT) and e.id not in cancelled and e.bearer != CREDITOR:
            charges.append(
                Charge(e.entry_date, e.amount, e.label or "Frais", e.kind, after_payments=is_recovery_fee(e))
            )
        elif e.kind == PAYMENT:
            label = e.label or ("Paiement" + (f" ({e.mode})" if e.mode else ""))
            payments.append(Payment(e.entry_date, e.amount, ref=str(e.id), label=label))
        elif (
            e.kind == REVERSAL
            and e.reverses_id is not None
            and (reversed_entry := by_id.get(e.reverses_id)) is not None
            and reversed_entry.kind == PAYMENT
        ):
            reversals.append(Reversal(e.entry_date, str(e.reverses_id), e.reason))
    return tuple(charges), tuple(payments), tuple(reversals)


def statement_input(dossier_id: int, at: date, *, convention: Convention | None = None) -> StatementInput:
    dossier = Dossier.get_or_none(Dossier.id == dossier_id)
    if dossier is None:
        raise InvalidInput("Ce dossier n'existe pas (ou plus).")
    claims = ClaimItemModel.select().where(ClaimItemModel.dossier == dossier_id).order_by(ClaimItemModel.id)
    entries = (
        LedgerEntry.select().where(LedgerEntry.dossier == dossier_id).order_by(LedgerEntry.entry_date, LedgerEntry.id)
    )
    return statement_input_of(dossier, list(claims), list(entries), at, convention=convention)


def statement_input_of(
    dossier: Dossier,
    claims: Sequence[ClaimItemModel],
    entries: Sequence[LedgerEntry],
    at: date,
    *,
    convention: Convention | None = None,
) -> StatementInput:
    """The décompte's input from rows already read: the dossier (its creditor joined), its
    claim items by id and its ledger rows by entry date then id (a batch reads them for many
    dossiers at once, services/balances.py)."""
    items = tuple(
        ClaimItem(kind=c.kind, amount=c.amount, label=c.label, bears_interest=bool(c.bears_interest)) for c in claims
    )
    if not items:
        raise InvalidInput(f"Dossier {dossier.reference} : aucune somme due n'est saisie, pas de décompte possible.")
    charges, payments, reversals = ledger_events(entries, at)
    order = tuple(part.strip() for part in (dossier.allocation_order or "").split(",") if part.strip())
    return StatementInput(
        at=at,
        items=items,
        interest_from=interest_start(dossier),
        terms=interest_terms(dossier),
        charges=charges,
        payments=payments,
        reversals=reversals,
        convention=convention if convention is not None else etude_convention(),
        allocation_order=order or ("frais", "interets", "principal"),
        reference=dossier.reference,
        title_date=dossier.title_date if dossier.title_kind else None,
    )


def dossier_statement(
    dossier_id: int, at: date, *, rates: Rates | None = None, convention: Convention | None = None
) -> Statement:
    """The décompte of the dossier arrêté au `at` (MissingRate when a rate is unknown).
    A batch over many dossiers passes the étude's `rates` and `convention`, read once."""
    return compute_statement(
        statement_input(dossier_id, at, convention=convention), rates if rates is not None else current_rates()
    )


def statement_by_reference(reference: str, at: date) -> Statement:
    dossier = Dossier.get_or_none(Dossier.reference == (reference or "").strip())
    if dossier is None:
        raise InvalidInput(f"Aucun dossier ne porte la référence « {reference} ».")
    return dossier_statement(dossier.id, at)


def calculate_interest(principal, start: date, end: date, terms: InterestTerms) -> InterestResult:
    """An ad-hoc computation (calculator) with the étude's rates and convention."""
    return compute_interest(principal, start, end, terms, rates=current_rates(), convention=etude_convention())
