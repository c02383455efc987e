"""Imputation of payments (art. 1342-10 and 1343-1 C. civ.).

Within one debt a partial payment goes first to the costs, then to the interest due, then
to the principal: art. 1343-1 puts interest before principal, and Cass. 1re civ. 7 Feb 1995
(n° 92-14.216) puts recovery costs, accessories of the debt, before both. A dossier may set
another order (e.g. a JEX decision under art. 1343-5 sending payments to capital first).

Across several debts of one debtor, art. 1342-10: the debt the debtor names when he pays;
failing that, debts already due first; among them those he had most interest in paying;
if equal, the oldest; all things equal, proportionally. What exceeds every debt is a credit
to refund, never a negative balance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal
from itertools import groupby

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.french import format_amount, format_date
from clerc_tui.rules.frozen import maker
from clerc_tui.rules.money import CENT, ZERO, check_amount, is_cents

FRAIS = "frais"
INTERETS = "interets"
PRINCIPAL = "principal"
BUCKETS = (FRAIS, INTERETS, PRINCIPAL)
DEFAULT_ORDER = (FRAIS, INTERETS, PRINCIPAL)
BUCKET_LABELS = {FRAIS: "frais", INTERETS: "intérêts échus", PRINCIPAL: "principal"}

# An amount as the callers hand it: a Decimal, or what Decimal() reads exactly (never a float).
AmountLike = Decimal | int | str


def check_order(order: Iterable[str]) -> tuple[str, ...]:
    order = tuple(order)
    if sorted(order) != sorted(BUCKETS):
        raise InvalidInput(
            "Ordre d'imputation invalide : il doit citer une fois chacun de « frais », « interets » et « principal ».",
            field="allocation_order",
        )
    return order


@dataclass(frozen=True)
class Balances:
    """What a debt still owes per bucket, and what is owed back to the debtor (credit)."""

    frais: Decimal = ZERO
    interets: Decimal = ZERO
    principal: Decimal = ZERO
    credit: Decimal = ZERO

    def __post_init__(self) -> None:
        frais, interets, principal, credit = self.frais, self.interets, self.principal, self.credit
        if (
            is_cents(frais)
            and is_cents(interets)
            and is_cents(principal)
            and is_cents(credit)
            and frais >= ZERO
            and interets >= ZERO
            and principal >= ZERO
            and credit >= ZERO
        ):
            return  # already what the checks below would store (a décompte builds one per payment)
        for bucket in (*BUCKETS, "credit"):
            value = check_amount(getattr(self, bucket), BUCKET_LABELS.get(bucket, "crédit"), allow_negative=True)
            if value < 0:
                raise InvalidInput(f"Solde négatif refusé ({BUCKET_LABELS.get(bucket, 'crédit')} : {value}).")
            object.__setattr__(self, bucket, value)

    def get(self, bucket: str) -> Decimal:
        value: Decimal = getattr(self, bucket)
        return value

    @property
    def total_due(self) -> Decimal:
        return self.frais + self.interets + self.principal

    def apply(self, allocation: Allocation) -> Balances:
        return Balances(
            self.frais - allocation.frais,
            self.interets - allocation.interets,
            self.principal - allocation.principal,
            self.credit + allocation.credit,
        )

    def reopen(self, allocation: Allocation) -> Balances:
        """Undo `allocation` exactly (a rejected cheque): what it settled is owed again."""
        if allocation.credit > self.credit:
            raise InvalidInput(
                f"Le trop-perçu de ce paiement ({format_amount(allocation.credit)}) a déjà été "
                "remboursé : régularisez le remboursement avant d'annuler le paiement."
            )
        return Balances(
            self.frais + allocation.frais,
            self.interets + allocation.interets,
            self.principal + allocation.principal,
            self.credit - allocation.credit,
        )


@dataclass(frozen=True)
class Allocation:
    """How one payment was split; the parts always add up to `amount`."""

    amount: Decimal
    frais: Decimal = ZERO
    interets: Decimal = ZERO
    principal: Decimal = ZERO
    credit: Decimal = ZERO  # overpayment, to refund

    def get(self, bucket: str) -> Decimal:
        value: Decimal = getattr(self, bucket)
        return value

    def parts(self) -> list[tuple[str, Decimal]]:
        return [(bucket, self.get(bucket)) for bucket in (*BUCKETS, "credit")]

    def __add__(self, other: Allocation) -> Allocation:
        return Allocation(
            self.amount + other.amount,
            self.frais + other.frais,
            self.interets + other.interets,
            self.principal + other.principal,
            self.credit + other.credit,
        )


def allocate(amount: AmountLike, balances: Balances, order: Iterable[str] = DEFAULT_ORDER) -> Allocation:
    """Split a payment of `amount` over `balances` in `order`; the excess becomes a credit."""
    amount = check_amount(amount, "Paiement", allow_negative=True)
    if amount <= 0:
        raise InvalidInput("Le montant d'un paiement doit être supérieur à zéro.")
    remaining = amount
    parts: dict[str, Decimal] = {}
    for bucket in check_order(order):
        taken = min(remaining, getattr(balances, bucket))
        parts[bucket] = taken
        remaining -= taken
    return Allocation(amount, credit=remaining, **parts)


# `Allocation(amount, frais, interets, principal, credit)`, its fields set at once: a frozen
# dataclass's __init__ sets each field through `object.__setattr__`, which cost a décompte more
# than the imputation of its ~120 payments. The same instance (equal, same repr and hash); for
# values already checked (Allocation has no __post_init__).
made_allocation = maker(Allocation)


def impute(
    amount: Decimal, frais: Decimal, interets: Decimal, principal: Decimal, order: tuple[str, ...]
) -> Allocation:
    """`allocate(amount, Balances(frais, interets, principal), order)` for what a décompte
    holds at each payment: an amount in cents above zero (a `Payment`), balances it computed
    in cents, an order already checked (`check_order`). The same `min` and subtractions in
    the same order, without checking again per payment what was checked once; a balance
    below zero goes through `allocate`, which refuses it as before. `min(a, b)` is written
    `b if b < a else a`: the same value (the first of two equal ones, 1.0 and 1.00 being
    equal), without a call per bucket."""
    if frais < ZERO or interets < ZERO or principal < ZERO:
        return allocate(amount, Balances(frais, interets, principal), order)
    if order == DEFAULT_ORDER:
        to_frais = frais if frais < amount else amount
        remaining = amount - to_frais
        to_interets = interets if interets < remaining else remaining
        remaining -= to_interets
        to_principal = principal if principal < remaining else remaining
        return made_allocation(amount, to_frais, to_interets, to_principal, remaining - to_principal)
    owed = {FRAIS: frais, INTERETS: interets, PRINCIPAL: principal}
    parts: dict[str, Decimal] = {}
    remaining = amount
    for bucket in order:
        taken = min(remaining, owed[bucket])
        parts[bucket] = taken
        remaining -= taken
    return Allocation(amount, credit=remaining, **parts)


@dataclass(frozen=True)
class Debt:
    """One of several debts of the same debtor, for art. 1342-10.

    `burden` ranks how much the debtor had interest in paying it (e.g. its interest rate,
    or 1 for a debt secured by a surety or a penalty): higher is paid first. `arose_on`
    dates the debt for "the oldest" (defaults to `due_on`).
    """

    ref: str
    balances: Balances
    due_on: date
    arose_on: date | None = None
    burden: Decimal = ZERO
    order: tuple[str, ...] = DEFAULT_ORDER

    @property
    def born(self) -> date:
        return self.arose_on or self.due_on


@dataclass(frozen=True)
class DebtAllocation:
    ref: str
    allocation: Allocation
    reason: str


@dataclass(frozen=True)
class MultiAllocation:
    amount: Decimal
    parts: tuple[DebtAllocation, ...]
    credit: Decimal
    notes: tuple[str, ...] = ()

    def for_debt(self, ref: str) -> Allocation | None:
        found = [part.allocation for part in self.parts if part.ref == ref]
        if not found:
            return None
        total = found[0]
        for extra in found[1:]:
            total = total + extra
        return total


def prorata(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `amount` in cents proportionally to `weights`; shares add up exactly
    (largest remainders get the leftover cents, earlier ones first on ties)."""
    total = sum(weights, ZERO)
    if total <= 0:
        raise InvalidInput("Répartition au prorata impossible : aucune dette à répartir.")
    raw = [amount * w / total for w in weights]
    shares = [r.quantize(CENT, rounding=ROUND_DOWN) for r in raw]
    leftover = int((amount - sum(shares, ZERO)) / CENT)
    ranking = sorted(range(len(weights)), key=lambda i: (-(raw[i] - shares[i]), i))
    for i in ranking[:leftover]:
        shares[i] += CENT
    return shares


def allocate_debts(
    amount: AmountLike, debts: Iterable[Debt], on: date, *, chosen: str | None = None
) -> MultiAllocation:
    """Impute a payment received on `on` across several debts of one debtor (art. 1342-10)."""
    amount = check_amount(amount, "Paiement", allow_negative=True)
    if amount <= 0:
        raise InvalidInput("Le montant d'un paiement doit être supérieur à zéro.")
    debts = list(debts)
    refs = [d.ref for d in debts]
    if len(set(refs)) != len(refs):
        raise InvalidInput("Deux dettes portent la même référence.")
    remaining, parts, notes = amount, [], []
    if chosen is not None:
        debt = next((d for d in debts if d.ref == chosen), None)
        if debt is None:
            raise InvalidInput(f"La dette « {chosen} » désignée par le débiteur n'existe pas.")
        due = debt.balances.total_due
        if due > 0:
            taken = min(remaining, due)
            parts.append(
                DebtAllocation(
                    debt.ref,
                    allocate(taken, debt.balances, debt.order),
                    "dette désignée par le débiteur (art. 1342-10 al. 1er C. civ.)",
                )
            )
            remaining -= taken
            if taken < due:
                notes.append(
                    f"Paiement partiel de la dette désignée « {debt.ref} » : il suppose l'accord du "
                    "créancier (Cass. 1re civ., 27 nov. 2019, n° 18-21.570)."
                )
        debts = [d for d in debts if d.ref != chosen]

    def rank(debt: Debt) -> tuple[bool, Decimal, date]:
        return (debt.due_on > on, -debt.burden, debt.born)

    candidates = sorted((d for d in debts if d.balances.total_due > 0), key=rank)
    for key, group in groupby(candidates, key=rank):
        if remaining <= 0:
            break
        members = list(group)
        not_yet_due, _, born = key
        reason = (
            "art. 1342-10 al. 2 C. civ. : "
            + ("dette non encore échue" if not_yet_due else "dette échue")
            + f", rang par intérêt du débiteur puis ancienneté ({format_date(born)})"
        )
        totals = [d.balances.total_due for d in members]
        if remaining >= sum(totals, ZERO):
            shares = totals
        else:
            shares = prorata(remaining, totals) if len(members) > 1 else [remaining]
            if len(members) > 1:
                reason += ", toutes choses égales : au prorata"
        for debt, share in zip(members, shares, strict=True):
            if share > 0:
                parts.append(DebtAllocation(debt.ref, allocate(share, debt.balances, debt.order), reason))
                remaining -= share
    return MultiAllocation(amount, tuple(parts), remaining, tuple(notes))


def apply_to_debts(debts: Iterable[Debt], allocation: MultiAllocation) -> list[Debt]:
    """The debts after the payment (the credit is not owed by any debt: it is returned)."""
    return [replace(d, balances=d.balances.apply(a)) if (a := allocation.for_debt(d.ref)) else d for d in debts]


def reopen_debts(debts: Iterable[Debt], allocation: MultiAllocation) -> list[Debt]:
    """The debts after the payment is cancelled: exactly what it settled is owed again."""
    result = []
    for debt in debts:
        part = allocation.for_debt(debt.ref)
        if part is None:
            result.append(debt)
            continue
        result.append(
            replace(
                debt,
                balances=Balances(
                    debt.balances.frais + part.frais,
                    debt.balances.interets + part.interets,
                    debt.balances.principal + part.principal,
                    debt.balances.credit,
                ),
            )
        )
    return result
