"""The dossier's ledger as arithmetic: what each entry adds to the running totals, the
balance without interest, and what the étude holds for the creditor.

An entry is a fee (émolument), a disbursement (débours), a payment, a reversement to the
creditor (remittance), a refund of a trop-perçu, or the reversal of one of those. Amounts
are always positive: the kind says which way the money goes, and a reversal takes back
exactly what the entry it cancels had added. The stored codes below are those of the
`ledger_entry` table (models/ledger.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from clerc_tui.rules.money import ZERO, from_cents, to_cents

FEE = "fee"
DISBURSEMENT = "disbursement"
PAYMENT = "payment"
REVERSAL = "reversal"
REMITTANCE = "remittance"  # reversement to the creditor (m0006)
REFUND = "refund"  # trop-perçu paid back to the payer (m0006)
DEBTOR = "debtor"
CREDITOR = "creditor"
# Their labels: rules/vocabulary.py (LEDGER_KINDS, BEARERS).

# The running totals of a dossier (table dossier_account), in cents.
ACCOUNT_FIELDS = ("charged", "paid", "creditor_charged", "remitted", "refunded")


class Movement(Protocol):
    """What the arithmetic reads of an entry (a ledger row or the services' `Entry`)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def bearer(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def entry_date(self) -> date: ...
    @property
    def reverses_id(self) -> int | None: ...


def entry_effect(kind: str, bearer: str, amount: Decimal) -> dict[str, int]:
    """What one (non-reversal) entry adds to the running totals, in cents: a fee or a
    disbursement to `charged` (borne by the debtor) or `creditor_charged`, a payment to
    `paid`, a reversement to `remitted`, a refund to `refunded`."""
    cents = to_cents(amount)
    if kind in (FEE, DISBURSEMENT):
        return {"creditor_charged" if bearer == CREDITOR else "charged": cents}
    return {{PAYMENT: "paid", REMITTANCE: "remitted", REFUND: "refunded"}[kind]: cents}


def reversal_effect(kind: str, bearer: str, amount: Decimal) -> dict[str, int]:
    """What the reversal of an entry adds to the running totals: the opposite of its effect."""
    return {k: -v for k, v in entry_effect(kind, bearer, amount).items()}


def account_totals(entries: Iterable[Movement], at: date | None = None) -> dict[str, int]:
    """The running totals (cents) of a dossier whose entries are `entries` (all of them: a
    reversal's target is looked up among them), counting those dated `at` or before."""
    by_id = {e.id: e for e in entries}
    totals = dict.fromkeys(ACCOUNT_FIELDS, 0)
    for e in by_id.values():
        if at is not None and e.entry_date > at:
            continue
        if e.kind == REVERSAL:
            assert e.reverses_id is not None
            target = by_id[e.reverses_id]
            effect = reversal_effect(target.kind, target.bearer, target.amount)
        else:
            effect = entry_effect(e.kind, e.bearer, e.amount)
        for k, v in effect.items():
            totals[k] += v
    return totals


def totals_of_sums(sums: Iterable[tuple[str, str, str | None, str | None, int]]) -> dict[str, int]:
    """The running totals (cents) from entries summed by group: (kind, bearer, the reversed
    entry's kind and bearer — None unless `kind` is a reversal —, sum of the amounts in
    cents). The effects are linear in the amount, so a group adds what its entries would
    one by one (`account_totals`): statistics and reports read sums from SQL, never rows."""
    totals = dict.fromkeys(ACCOUNT_FIELDS, 0)
    for kind, bearer, reversed_kind, reversed_bearer, cents in sums:
        if not cents:
            continue
        if kind == REVERSAL:
            assert reversed_kind is not None and reversed_bearer is not None
            effect = reversal_effect(reversed_kind, reversed_bearer, from_cents(cents))
        else:
            effect = entry_effect(kind, bearer, from_cents(cents))
        for k, v in effect.items():
            totals[k] += v
    return totals


def simple_balance(claims: Decimal, entries: Iterable[Movement]) -> Decimal:
    """Claims + fees and disbursements borne by the debtor − payments, reversed entries
    left out, never below 0: the balance without interest."""
    entries = list(entries)
    cancelled = {e.reverses_id for e in entries if e.kind == REVERSAL}
    total = claims
    for e in entries:
        if e.id in cancelled or e.kind == REVERSAL:
            continue
        if e.kind in (FEE, DISBURSEMENT) and e.bearer != CREDITOR:
            total += e.amount
        elif e.kind == PAYMENT:
            total -= e.amount
    return max(total, ZERO)


def debit_side(kind: str, *, reversal: bool = False) -> bool:
    """Whether an entry of `kind` goes on the debit side of the dossier's account (what it
    adds: frais, reversement, remboursement) rather than the credit side (a payment); the
    reversal of an entry of `kind` goes the other way."""
    debit = kind != PAYMENT
    return not debit if reversal else debit


@dataclass(frozen=True)
class CreditorPosition:
    """Money of one dossier seen from the creditor, at a date (all net of reversals).

    Payments go first to the étude's frais (émoluments and débours borne by the debtor,
    art. 1343-1 practice: frais → intérêts → principal), so the étude keeps up to the
    charges it billed; the rest is collected for the creditor, who bears the A444-32 fee
    and the other creditor-borne charges. `due` is what a reversement may pay now."""

    paid: Decimal
    charged: Decimal
    creditor_charged: Decimal
    remitted: Decimal
    refunded: Decimal

    @classmethod
    def from_totals(cls, totals: Mapping[str, int]) -> CreditorPosition:
        """The position from running totals in cents (`account_totals`)."""
        return cls(
            from_cents(totals["paid"]),
            from_cents(totals["charged"]),
            from_cents(totals["creditor_charged"]),
            from_cents(totals["remitted"]),
            from_cents(totals["refunded"]),
        )

    @property
    def etude_share(self) -> Decimal:
        return min(self.paid - self.refunded, self.charged)

    @property
    def collected(self) -> Decimal:  # for the creditor, gross (base of A444-32)
        return max(self.paid - self.refunded - self.etude_share, ZERO)

    @property
    def due(self) -> Decimal:
        return max(self.collected - self.creditor_charged - self.remitted, ZERO)

    @property
    def held(self) -> Decimal:  # funds on the étude's account for this dossier
        return self.paid - self.remitted - self.refunded


def overpayment(credit: Decimal, refunded: Decimal) -> Decimal:
    """What the debtor paid beyond what he owes (`credit`), less what was already refunded."""
    return max(credit - refunded, ZERO)
