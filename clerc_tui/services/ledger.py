"""Recording fees, disbursements and payments on a dossier, and reversing them.

The ledger is append-only: nothing here updates or deletes a row. A rejected cheque or
a fee booked by mistake is cancelled by a reversal row (with its reason), which restores
exactly what the entry had changed; an entry is reversed at most once, and a reversal
itself is never reversed (record the entry again instead).

Each call is one write transaction: permission, validation, the row, its audit entry,
a timeline line, and the refresh of `Dossier.balance` (see `refresh_balance`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.models import ClaimItem, Dossier, LedgerEntry, TimelineEvent
from clerc_tui.models.db import write_transaction
from clerc_tui.models.ledger import DISBURSEMENT, FEE, LEDGER_KINDS, PAYMENT, PAYMENT_MODES, REVERSAL
from clerc_tui.rules.dates import format_date
from clerc_tui.rules.money import CENT, ZERO, format_amount, parse_amount
from clerc_tui.services.audit import record, snapshot
from clerc_tui.services.context import Actor, require_write

MAX_TEXT = 255


def _amount(value) -> Decimal:
    if isinstance(value, str):
        value = parse_amount(value, allow_zero=False)
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int)):
        raise InvalidInput(f"Montant invalide ({value!r}).", field="amount")
    value = Decimal(value)
    if not value.is_finite() or value <= 0:
        raise InvalidInput("Le montant doit être supérieur à zéro.", field="amount")
    if value != value.quantize(CENT):
        raise InvalidInput(f"Montant {value} : pas plus de deux décimales.", field="amount")
    return value.quantize(CENT)


def _day(value, today: date, what: str, field: str) -> date:
    if not isinstance(value, date):
        raise InvalidInput(f"{what} : date manquante.", field=field)
    if value > today:
        raise InvalidInput(f"{what} : le {format_date(value)} est dans le futur (aujourd'hui {format_date(today)}).",
                           field=field)
    return value


def _text(value: str, what: str, field: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{what} : à renseigner.", field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{what} : {MAX_TEXT} caractères au plus.", field=field)
    return text


def _dossier(dossier_id: int) -> Dossier:
    dossier = Dossier.get_or_none(Dossier.id == dossier_id)
    if dossier is None:
        raise InvalidInput("Ce dossier n'existe pas (ou plus).")
    return dossier


def simple_balance(dossier_id: int, at: date) -> Decimal:
    """Claims + fees and disbursements − payments, reversed entries left out, never below 0:
    the balance without interest, used when the décompte cannot be computed."""
    claims = sum((c.amount for c in ClaimItem.select().where(ClaimItem.dossier == dossier_id)), ZERO)
    entries = list(LedgerEntry.select().where(LedgerEntry.dossier == dossier_id, LedgerEntry.entry_date <= at))
    cancelled = {e.reverses_id for e in entries if e.kind == REVERSAL}
    total = claims
    for e in entries:
        if e.id in cancelled or e.kind == REVERSAL:
            continue
        total += e.amount if e.kind in (FEE, DISBURSEMENT) else -e.amount
    return max(total, ZERO)


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
    return balance


def _create(actor: Actor, dossier: Dossier, today: date, timeline: str, **fields) -> LedgerEntry:
    now = datetime.now()
    entry = LedgerEntry.create(dossier=dossier, created_by=actor.login, created_at=now, **fields)
    record(actor, f"ledger.{entry.kind}", "ledger_entry", entry.id, after=snapshot(entry), dossier_id=dossier.id,
           at=now)
    TimelineEvent.create(dossier=dossier, occurred_on=entry.entry_date, kind=f"ledger_{entry.kind}", text=timeline,
                         user=actor.user_id, created_at=now)
    refresh_balance(dossier.id, today)
    return entry


def record_charge(actor: Actor, dossier_id: int, *, kind: str, on: date, amount, label: str,
                  today: date | None = None) -> LedgerEntry:
    """A fee (émolument) or a disbursement (débours) owed on the dossier from `on`."""
    require_write(actor)
    today = today or date.today()
    if kind not in (FEE, DISBURSEMENT):
        raise InvalidInput(f"Nature de frais inconnue : « {kind} » (fee ou disbursement).", field="kind")
    amount = _amount(amount)
    on = _day(on, today, "Date des frais", "entry_date")
    label = _text(label, "Libellé des frais", "label", required=True)
    with write_transaction():
        dossier = _dossier(dossier_id)
        return _create(actor, dossier, today, f"{LEDGER_KINDS[kind]} « {label} » : {format_amount(amount)}",
                       kind=kind, entry_date=on, amount=amount, label=label)


def record_payment(actor: Actor, dossier_id: int, *, on: date, amount, mode: str = "", payer: str = "",
                   bank_reference: str = "", label: str = "", value_date: date | None = None,
                   today: date | None = None) -> LedgerEntry:
    """Money received for the dossier on `on` (the date it is imputed at; `value_date` is
    the bank's, kept for the accounts)."""
    require_write(actor)
    today = today or date.today()
    amount = _amount(amount)
    on = _day(on, today, "Date du paiement", "entry_date")
    if value_date is not None and not isinstance(value_date, date):
        raise InvalidInput("Date de valeur illisible.", field="value_date")
    if mode not in PAYMENT_MODES:
        raise InvalidInput(f"Mode de paiement inconnu : « {mode} » ({', '.join(m for m in PAYMENT_MODES if m)}).",
                           field="mode")
    payer = _text(payer, "Payeur", "payer")
    bank_reference = _text(bank_reference, "Référence bancaire", "bank_reference")
    label = _text(label, "Libellé", "label")
    with write_transaction():
        dossier = _dossier(dossier_id)
        how = f" par {PAYMENT_MODES[mode].lower()}" if mode else ""
        return _create(actor, dossier, today, f"Paiement de {format_amount(amount)} reçu{how}",
                       kind=PAYMENT, entry_date=on, value_date=value_date, amount=amount, label=label, mode=mode,
                       payer=payer, bank_reference=bank_reference)


def reverse_entry(actor: Actor, entry_id: int, reason: str, on: date, *, today: date | None = None) -> LedgerEntry:
    """Cancel a fee, disbursement or payment on `on` (a rejected cheque, a fee booked by
    mistake): what it settled or added is restored from that date."""
    require_write(actor)
    today = today or date.today()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Indiquez le motif de l'annulation (chèque rejeté, erreur de saisie…).", field="reason")
    on = _day(on, today, "Date de l'annulation", "entry_date")
    with write_transaction():
        target = LedgerEntry.get_or_none(LedgerEntry.id == entry_id)
        if target is None:
            raise InvalidInput("Cette écriture n'existe pas.")
        if target.kind == REVERSAL:
            raise InvalidInput("Une annulation ne s'annule pas : saisissez de nouveau l'écriture d'origine.")
        already = LedgerEntry.get_or_none(LedgerEntry.reverses == target.id)
        if already is not None:
            raise InvalidInput(f"Cette écriture a déjà été annulée le {format_date(already.entry_date)} "
                               f"({already.reason}).")
        if on < target.entry_date:
            raise InvalidInput(f"L'annulation ({format_date(on)}) ne peut pas précéder l'écriture annulée "
                               f"({format_date(target.entry_date)}).", field="entry_date")
        what = f"{LEDGER_KINDS[target.kind].lower()} du {format_date(target.entry_date)}"
        return _create(actor, target.dossier, today,
                       f"Annulation du {what} ({format_amount(target.amount)}) : {reason}",
                       kind=REVERSAL, entry_date=on, amount=target.amount, label=f"Annulation du {what}",
                       mode=target.mode, payer=target.payer, bank_reference=target.bank_reference,
                       reverses=target.id, reason=reason)


def ledger_entries(dossier_id: int) -> list[LedgerEntry]:
    return list(LedgerEntry.select().where(LedgerEntry.dossier == dossier_id)
                .order_by(LedgerEntry.entry_date, LedgerEntry.id))
