"""The append-only journal: how an entry is written, numbered and carried to the dossier's
running account. The use cases that write entries are elsewhere: fees and acts billed in
services/billing.py, payments, reversals and refunds in services/payments.py, reversements
in services/remittances.py; balances and the « Comptes » tab in services/balances.py, the
check of the running totals in services/integrity.py.

The ledger is append-only: nothing here updates or deletes a row. A rejected cheque or
a fee booked by mistake is cancelled by a reversal row (with its reason), which restores
exactly what the entry had changed; an entry is reversed at most once, and a reversal
itself is never reversed (record the entry again instead).

Each use case is one write transaction: permission, validation, then `create_entry`: the row
(hash-chained to the previous one, models/chain.py), its document number and frozen
document, its audit entry, a timeline line, the running totals and the refresh of
`Dossier.balance` (services/balances.py `refresh_balance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from clerc_tui.errors import InvalidInput
from clerc_tui.models import Dossier, DossierAccount, LedgerEntry, chain
from clerc_tui.rules.french import format_date, parse_amount
from clerc_tui.rules.ledger import REVERSAL, entry_effect, reversal_effect
from clerc_tui.rules.money import CENT
from clerc_tui.rules.text import check_text
from clerc_tui.services import sequences
from clerc_tui.services.audit import record, snapshot, timeline_event
from clerc_tui.services.context import Actor
from clerc_tui.services.plain import Prepared

MAX_TEXT = 255


@dataclass(frozen=True)
class Entry:
    """One ledger entry as the callers see it (a copy of the row, hash chain aside)."""

    id: int
    dossier_id: int
    kind: str
    entry_date: date
    value_date: date | None
    amount: Decimal
    label: str
    mode: str
    payer: str
    bank_reference: str
    reverses_id: int | None
    reason: str
    created_by: str
    created_at: datetime
    bearer: str
    breakdown: str  # JSON of an act billed at the tariff, "" otherwise
    document_number: str | None
    support_reference: str
    run_id: int | None

    @classmethod
    def of(cls, row: LedgerEntry) -> Entry:
        return cls(
            row.id,
            row.dossier_id,
            row.kind,
            row.entry_date,
            row.value_date,
            row.amount,
            row.label,
            row.mode,
            row.payer,
            row.bank_reference,
            row.reverses_id,
            row.reason,
            row.created_by,
            row.created_at,
            row.bearer,
            row.breakdown,
            row.document_number,
            row.support_reference,
            row.run_id,
        )


# --- what every use case checks before it writes ---------------------------------------


def valid_amount(value: Any) -> Decimal:
    """An amount typed or given: > 0, at most two decimals (French « 12,50 » accepted)."""
    if isinstance(value, str):
        value = parse_amount(value, allow_zero=False)
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int)):
        raise InvalidInput(f"Montant invalide ({value!r}).", field="amount")
    amount = Decimal(value)
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput("Le montant doit être supérieur à zéro.", field="amount")
    if amount != amount.quantize(CENT):
        raise InvalidInput(f"Montant {amount} : pas plus de deux décimales.", field="amount")
    return amount.quantize(CENT)


def valid_day(value: Any, today: date, what: str, field: str) -> date:
    """The date of an entry: given, and not in the future."""
    if not isinstance(value, date):
        raise InvalidInput(f"{what} : date manquante.", field=field)
    if value > today:
        raise InvalidInput(
            f"{what} : le {format_date(value)} est dans le futur (aujourd'hui {format_date(today)}).", field=field
        )
    return value


def valid_text(value: str, what: str, field: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{what} : à renseigner.", field=field)
    return check_text(text, field=what, max_len=MAX_TEXT, key=field)


# The dossier and its running totals, read by every entry written: the SQL written once
# (`Prepared`), the rows the same model objects as `get_or_none` gives.
_DOSSIER = Prepared(lambda dossier_id: Dossier.select().where(Dossier.id == dossier_id).limit(1))
_ACCOUNT = Prepared(lambda dossier_id: DossierAccount.select().where(DossierAccount.dossier == dossier_id).limit(1))


def existing_dossier(dossier_id: int) -> Dossier:
    found = _DOSSIER.rows(dossier_id)
    if not found:
        raise InvalidInput("Ce dossier n'existe pas (ou plus).")
    return cast(Dossier, found[0])


# --- running totals and document numbers (m0006) ----------------------------------------


def ensure_account(dossier_id: int) -> DossierAccount:
    """The dossier's running totals row, created (all zero) on its first entry."""
    found = _ACCOUNT.rows(dossier_id)
    if not found:
        return DossierAccount.create(dossier=dossier_id, updated_at=datetime.now())
    return cast(DossierAccount, found[0])


def _effect(entry: LedgerEntry) -> dict[str, int]:
    if entry.kind == REVERSAL:
        target = LedgerEntry.get_by_id(entry.reverses_id)
        return reversal_effect(target.kind, target.bearer, target.amount)
    return entry_effect(entry.kind, entry.bearer, entry.amount)


def _apply_effect(entry: LedgerEntry) -> None:
    ensure_account(entry.dossier_id)
    changes = {getattr(DossierAccount, k): getattr(DossierAccount, k) + v for k, v in _effect(entry).items()}
    changes[DossierAccount.updated_at] = datetime.now()
    DossierAccount.update(changes).where(DossierAccount.dossier == entry.dossier_id).execute()


INVOICE = "facture"  # invoices and credit notes: one continuous sequence per étude per year
RECEIPT = "recu"
_PREFIX = {INVOICE: "F", RECEIPT: "R"}


def next_number(name: str, year: int) -> str:
    """`F2026-000001`: the next document number. Inside the write transaction of its entry."""
    return f"{_PREFIX[name]}{year}-{sequences.allocate(name, year):06d}"


def create_entry(
    actor: Actor, dossier: Dossier, today: date, timeline: str, *, number: str | None = None, **fields: Any
) -> Entry:
    """Write one entry, inside the caller's write transaction (permission and values already
    checked): the chained row, its number (`number`: INVOICE or RECEIPT) and frozen document,
    the running totals, the audit entry, the timeline line, the stored balance."""
    from clerc_tui.services.balances import refresh_balance
    from clerc_tui.services.documents import freeze

    now = datetime.now()
    if number is not None:
        fields["document_number"] = next_number(number, today.year)
    entry = chain.append(LedgerEntry, dossier=dossier, created_by=actor.login, created_at=now, **fields)
    _apply_effect(entry)
    if entry.document_number:  # frozen as issued: a reprint never changes (docs/law/documents.md)
        freeze(entry)
    record(
        actor, f"ledger.{entry.kind}", "ledger_entry", entry.id, after=snapshot(entry), dossier_id=dossier.id, at=now
    )
    timeline_event(
        actor,
        dossier.id,
        entry.entry_date,
        f"ledger_{entry.kind}",
        timeline,
        now=now,
    )
    refresh_balance(dossier.id, today)
    return Entry.of(entry)


def ledger_entries(dossier_id: int) -> list[Entry]:
    """The dossier's entries, oldest first."""
    return [
        Entry.of(row)
        for row in LedgerEntry.select()
        .where(LedgerEntry.dossier == dossier_id)
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)
    ]
