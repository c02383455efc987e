"""What a dossier's ledger adds up to: its balance (the décompte's total due, or without
interest when it cannot be computed), the balance stored on the dossier for the list,
the running totals recomputed from the entries, what the étude holds for the creditor,
and the dossier's accounts as the « Comptes » tab shows them. The arithmetic is
rules/ledger.py; this reads the entries."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from clerc_tui.errors import ClercError
from clerc_tui.models import ClaimItem, Dossier, DossierAccount, LedgerEntry
from clerc_tui.models.db import write_transaction
from clerc_tui.rules import ledger as ledger_rules
from clerc_tui.rules.french import format_date
from clerc_tui.rules.ledger import REVERSAL, CreditorPosition, account_totals, debit_side
from clerc_tui.rules.money import ZERO, from_cents
from clerc_tui.rules.vocabulary import LEDGER_KINDS
from clerc_tui.services.ledger import Entry, ensure_account, existing_dossier, ledger_entries
from clerc_tui.services.plain import tuples


def simple_balance(dossier_id: int, at: date) -> Decimal:
    """Claims + fees and disbursements − payments, reversed entries left out, never below 0:
    the balance without interest, used when the décompte cannot be computed."""
    claims = sum((c.amount for c in ClaimItem.select().where(ClaimItem.dossier == dossier_id)), ZERO)
    rows = LedgerEntry.select().where(LedgerEntry.dossier == dossier_id, LedgerEntry.entry_date <= at)
    return ledger_rules.simple_balance(claims, map(Entry.of, rows))


def balance_at(dossier_id: int, at: date) -> tuple[Decimal, bool]:
    """(balance, with_interest). The balance is the décompte's total due at `at`
    (principal + interest due + frais). When the décompte cannot be computed — a missing
    rate (e.g. 2026 S2 without an étude row), no start date for interest, no claim — it
    falls back to `simple_balance`: claims + frais − payments, without interest."""
    from clerc_tui.services.statement import dossier_statement

    try:
        return dossier_statement(dossier_id, at).total_due, True
    except ClercError:
        return simple_balance(dossier_id, at), False


def refresh_balance(dossier_id: int, today: date) -> Decimal:
    """Store the balance at `today` on the dossier (the list shows and sorts by it)."""
    balance, _ = balance_at(dossier_id, today)
    Dossier.update(balance=balance).where(Dossier.id == dossier_id).execute()
    ensure_account(dossier_id)
    DossierAccount.update(balance_on=today, updated_at=datetime.now()).where(
        DossierAccount.dossier == dossier_id
    ).execute()
    return balance


def refresh_balances(today: date, *, batch: int = 200, progress: Callable[[int, int], None] | None = None) -> int:
    """Store the balance at `today` of every dossier that is not closed; return how many.

    Interest accrues every day while the stored balance only moves when the dossier does:
    run this each night (cron) so that the list shows and sorts by what is due today.
    Short write transactions of `batch` dossiers, so that clercs at work are never held."""
    ids = [
        dossier_id
        for (dossier_id,) in tuples(Dossier.select(Dossier.id).where(Dossier.phase != "clos").order_by(Dossier.id))
    ]
    for start in range(0, len(ids), batch):
        with write_transaction():
            for dossier_id in ids[start : start + batch]:
                refresh_balance(dossier_id, today)
        if progress is not None:
            progress(min(start + batch, len(ids)), len(ids))
    return len(ids)


def totals_from_entries(dossier_id: int, at: date | None = None) -> dict[str, int]:
    """The running totals recomputed from the entries themselves (cents)."""
    return account_totals(map(Entry.of, LedgerEntry.select().where(LedgerEntry.dossier == dossier_id)), at)


def creditor_position(dossier_id: int, at: date) -> CreditorPosition:
    """What the étude holds for the creditor on the dossier at `at` (rules/ledger.py)."""
    return CreditorPosition.from_totals(totals_from_entries(dossier_id, at))


# --- the dossier's accounts as the « Comptes » tab shows them -----------------------------


@dataclass(frozen=True)
class AccountLine:
    entry_id: int
    on: date
    kind: str  # in French
    label: str
    document_number: str
    debit: Decimal | None  # what the entry adds to the account (frais, reversement, remboursement)
    credit: Decimal | None  # what it settles (paiement)
    unconfirmed: bool  # « à confirmer » marks in the tariff breakdown
    reversed_on: date | None  # the entry was cancelled on that day
    reverses: str  # for a reversal: what it cancels


@dataclass(frozen=True)
class AccountView:
    lines: list[AccountLine]
    charged: Decimal  # frais à la charge du débiteur (net of reversals)
    creditor_charged: Decimal
    paid: Decimal
    remitted: Decimal
    refunded: Decimal
    balance: Decimal  # the dossier's stored balance (décompte at the last write)
    due_to_creditor: Decimal


def account_view(dossier_id: int, at: date) -> AccountView:
    """The dossier's entries, oldest first, with their sides and markers, and the running
    totals recomputed from them. Read only."""
    dossier = existing_dossier(dossier_id)
    entries = ledger_entries(dossier_id)
    by_id = {e.id: e for e in entries}
    reversed_on = {e.reverses_id: e.entry_date for e in entries if e.kind == REVERSAL}
    lines = []
    for e in entries:
        side_kind = e.kind
        reverses = ""
        if e.kind == REVERSAL:
            target = by_id.get(e.reverses_id) if e.reverses_id is not None else None
            side_kind = target.kind if target is not None else e.kind
            if target is not None:
                reverses = (
                    target.document_number or f"{LEDGER_KINDS[target.kind].lower()} du {format_date(target.entry_date)}"
                )
            debit = debit_side(side_kind, reversal=True)  # a reversal goes the other way
        else:
            debit = debit_side(side_kind)
        marks = json.loads(e.breakdown).get("marks", []) if e.breakdown else []
        lines.append(
            AccountLine(
                e.id,
                e.entry_date,
                LEDGER_KINDS.get(e.kind, e.kind),
                e.label or e.reason,
                e.document_number or "",
                e.amount if debit else None,
                None if debit else e.amount,
                bool(marks),
                reversed_on.get(e.id),
                reverses,
            )
        )
    t = {k: from_cents(v) for k, v in account_totals(entries).items()}
    return AccountView(
        lines,
        t["charged"],
        t["creditor_charged"],
        t["paid"],
        t["remitted"],
        t["refunded"],
        dossier.balance,
        CreditorPosition.from_totals(account_totals(entries, at)).due,
    )
