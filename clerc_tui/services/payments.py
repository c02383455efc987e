"""Money in and out of a dossier: a payment received, a refund of a trop-perçu, the
reversal of an entry (a rejected cheque, a fee booked by mistake); and the fast payment
entry: find the dossier, check a line, preview its imputation, record a batch.

A line is checked in full when it is added to the batch (nothing is written then); the
batch is recorded at the end in one write transaction, all or nothing, so a refused line
never loses the others and a half-recorded bank statement cannot happen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.models import Dossier, LedgerEntry
from clerc_tui.models.db import database, raw_sql, write_transaction
from clerc_tui.rules import ledger as ledger_rules
from clerc_tui.rules.allocation import Balances, allocate
from clerc_tui.rules.french import format_amount, format_date, parse_amount, parse_date
from clerc_tui.rules.ledger import PAYMENT, REFUND, REMITTANCE, REVERSAL
from clerc_tui.rules.money import ZERO, from_cents
from clerc_tui.rules.text import check_text
from clerc_tui.rules.vocabulary import LEDGER_KINDS, PAYMENT_MODES
from clerc_tui.services.balances import creditor_position, totals_from_entries
from clerc_tui.services.billing import claim_amount
from clerc_tui.services.context import Actor, require
from clerc_tui.services.ledger import (
    INVOICE,
    MAX_TEXT,
    RECEIPT,
    Entry,
    create_entry,
    existing_dossier,
    valid_amount,
    valid_day,
    valid_text,
)
from clerc_tui.services.plain import Prepared


def record_payment(
    actor: Actor,
    dossier_id: int,
    *,
    on: date,
    amount: Any,
    mode: str = "",
    payer: str = "",
    bank_reference: str = "",
    label: str = "",
    value_date: date | None = None,
    today: date | None = None,
) -> Entry:
    """Money received for the dossier on `on` (the date it is imputed at; `value_date` is
    the bank's, kept for the accounts). Gets a receipt (reçu) number."""
    require(actor, "payment.record")
    today = today or date.today()
    amount = valid_amount(amount)
    on = valid_day(on, today, "Date du paiement", "entry_date")
    if value_date is not None and not isinstance(value_date, date):
        raise InvalidInput("Date de valeur illisible.", field="value_date")
    if mode not in PAYMENT_MODES:
        raise InvalidInput(
            f"Mode de paiement inconnu : « {mode} » ({', '.join(m for m in PAYMENT_MODES if m)}).", field="mode"
        )
    payer = valid_text(payer, "Payeur", "payer")
    bank_reference = valid_text(bank_reference, "Référence bancaire", "bank_reference")
    label = valid_text(label, "Libellé", "label")
    with write_transaction():
        dossier = existing_dossier(dossier_id)
        how = f" par {PAYMENT_MODES[mode].lower()}" if mode else ""
        return create_entry(
            actor,
            dossier,
            today,
            f"Paiement de {format_amount(amount)} reçu{how}",
            number=RECEIPT,
            kind=PAYMENT,
            entry_date=on,
            value_date=value_date,
            amount=amount,
            label=label,
            mode=mode,
            payer=payer,
            bank_reference=bank_reference,
        )


def reverse_entry(actor: Actor, entry_id: int, reason: str, on: date, *, today: date | None = None) -> Entry:
    """Cancel a fee, disbursement, payment, reversement or refund on `on` (a rejected
    cheque, a fee booked by mistake): what it settled or added is restored from that date.
    Reversing an invoiced fee issues a credit note (avoir) from the invoice sequence.
    Money that came in or went out (payment, refund, reversement) is the accounts' to cancel:
    permission `payment.reverse`; a fee or disbursement, everyday `write`."""
    today = today or date.today()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Indiquez le motif de l'annulation (chèque rejeté, erreur de saisie…).", field="reason")
    reason = valid_text(reason, "Motif", "reason")
    on = valid_day(on, today, "Date de l'annulation", "entry_date")
    with write_transaction():
        target = LedgerEntry.by_id(entry_id)
        if target is None:
            raise InvalidInput("Cette écriture n'existe pas.")
        require(actor, "payment.reverse" if target.kind in (PAYMENT, REFUND, REMITTANCE) else "write")
        if target.kind == REVERSAL:
            raise InvalidInput("Une annulation ne s'annule pas : saisissez de nouveau l'écriture d'origine.")
        already = LedgerEntry.get_or_none(LedgerEntry.reverses == target.id)
        if already is not None:
            raise InvalidInput(
                f"Cette écriture a déjà été annulée le {format_date(already.entry_date)} ({already.reason})."
            )
        if on < target.entry_date:
            raise InvalidInput(
                f"L'annulation ({format_date(on)}) ne peut pas précéder l'écriture annulée "
                f"({format_date(target.entry_date)}).",
                field="entry_date",
            )
        if target.kind == PAYMENT:
            position = creditor_position(target.dossier_id, today)
            if position.held < target.amount:
                raise InvalidInput(
                    f"Ce paiement a déjà été reversé au créancier (fonds détenus "
                    f"{format_amount(position.held)}) : annulez d'abord le reversement."
                )
        what = f"{LEDGER_KINDS[target.kind].lower()} du {format_date(target.entry_date)}"
        number = INVOICE if (target.document_number or "").startswith("F") else None
        return create_entry(
            actor,
            target.dossier,
            today,
            f"Annulation du {what} ({format_amount(target.amount)}) : {reason}",
            number=number,
            kind=REVERSAL,
            entry_date=on,
            amount=target.amount,
            label=f"Annulation du {what}",
            mode=target.mode,
            payer=target.payer,
            bank_reference=target.bank_reference,
            reverses=target.id,
            reason=reason,
            bearer=target.bearer,
        )


def overpayment(dossier_id: int, at: date) -> Decimal:
    """What the debtor paid beyond what he owes (the décompte's credit), not yet refunded."""
    from clerc_tui.services.statement import dossier_statement

    try:
        credit = dossier_statement(dossier_id, at).credit
    except ClercError:
        position = creditor_position(dossier_id, at)
        owed = claim_amount(dossier_id) + position.charged
        credit = max(position.paid - owed, ZERO)
    refunded = from_cents(totals_from_entries(dossier_id, at)["refunded"])
    return ledger_rules.overpayment(credit, refunded)


def record_refund(
    actor: Actor,
    dossier_id: int,
    *,
    on: date,
    amount: Any,
    payer: str = "",
    reason: str = "",
    mode: str = "virement",
    today: date | None = None,
) -> Entry:
    """Pay back a trop-perçu to the payer; refused beyond the overpayment."""
    require(actor, "refund.record")
    today = today or date.today()
    amount = valid_amount(amount)
    on = valid_day(on, today, "Date du remboursement", "entry_date")
    if mode not in PAYMENT_MODES:
        raise InvalidInput(f"Mode de paiement inconnu : « {mode} ».", field="mode")
    reason = valid_text(reason, "Motif", "reason")
    with write_transaction():
        dossier = existing_dossier(dossier_id)
        over = overpayment(dossier_id, today)
        if amount > over:
            raise InvalidInput(
                f"Remboursement de {format_amount(amount)} refusé : le trop-perçu est de {format_amount(over)}.",
                field="amount",
            )
        return create_entry(
            actor,
            dossier,
            today,
            f"Remboursement d'un trop-perçu de {format_amount(amount)}",
            kind=REFUND,
            entry_date=on,
            amount=amount,
            label="Remboursement du trop-perçu",
            mode=mode,
            payer=valid_text(payer, "Bénéficiaire", "payer"),
            reason=reason,
        )


# --- fast payment entry --------------------------------------------------------------------


@dataclass(frozen=True)
class DossierHit:
    id: int
    reference: str
    debtor: str
    creditor: str

    @property
    def label(self) -> str:
        return f"{self.reference} — {self.debtor} / {self.creditor}"


@dataclass(frozen=True)
class PendingPayment:
    dossier_id: int
    reference: str
    debtor: str
    on: date
    amount: Decimal
    mode: str = ""
    bank_reference: str = ""
    payer: str = ""


# The dossier of a reference typed whole (each key typed in the payment entry's field): SQL written once.
_HIT_OF_REFERENCE = Prepared(
    lambda reference: (
        Dossier.select(Dossier.id, Dossier.reference, Dossier.debtor_name, Dossier.creditor_name)
        .where(Dossier.reference == reference)
        .limit(1)
        .tuples()
    )
)


def find_dossiers(text: str, limit: int = 6) -> list[DossierHit]:
    """Dossiers whose reference or names start with the words typed (accent-insensitive)."""
    from clerc_tui.services.dossier_list import _filter_sql

    text = (text or "").strip()
    if " — " in text:  # a completed label: « REF — names » or « Débiteur — REF »
        first, rest = text.split(" — ", 1)
        text = first if _HIT_OF_REFERENCE.rows(first.strip()) else rest.split(" / ", 1)[0]
        text = text.strip()
    if not text:
        return []
    exact = _HIT_OF_REFERENCE.rows(text)
    if exact:
        return [DossierHit(*exact[0])]
    where, params, _ = _filter_sql(text)
    if not where:
        return []
    rows = database.execute_sql(
        raw_sql(
            f"SELECT d.id, d.reference, d.debtor_name, d.creditor_name FROM dossier d "
            f"WHERE {where} ORDER BY d.reference LIMIT ?"
        ),
        [*params, limit],
    ).fetchall()
    return [DossierHit(*row) for row in rows]


def resolve_dossier(text: str) -> DossierHit:
    hits = find_dossiers(text, limit=6)
    if not hits:
        raise InvalidInput(
            f"Aucun dossier ne correspond à « {text.strip()} » (référence ou nom du débiteur).", field="dossier"
        )
    if len(hits) > 1:
        shown = ", ".join(h.reference for h in hits[:5])
        raise InvalidInput(
            f"{len(hits) if len(hits) < 6 else 'Plus de 5'} dossiers correspondent ({shown}…) : précisez la référence.",
            field="dossier",
        )
    return hits[0]


def check_line(
    dossier_text: str,
    amount_text: str,
    date_text: str,
    mode: str,
    bank_reference: str = "",
    payer: str = "",
    *,
    today: date,
) -> PendingPayment:
    """A payment line as typed, checked like `record_payment` would (nothing written)."""
    hit = resolve_dossier(dossier_text)
    try:
        amount = parse_amount(amount_text, allow_zero=False)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="amount") from None
    try:
        on = parse_date(date_text) if (date_text or "").strip() else today
    except ClercError as exc:
        raise InvalidInput(exc.message, field="date") from None
    if on > today:
        raise InvalidInput(f"Le {format_date(on)} est dans le futur (aujourd'hui {format_date(today)}).", field="date")
    if mode not in PAYMENT_MODES:
        raise InvalidInput(f"Mode de paiement inconnu : « {mode} ».", field="mode")
    for value, what, field in ((bank_reference, "Référence", "reference"), (payer, "Payeur", "payer")):
        check_text((value or "").strip(), field=what, max_len=MAX_TEXT, key=field)
    return PendingPayment(
        hit.id, hit.reference, hit.debtor, on, amount, mode, (bank_reference or "").strip(), (payer or "").strip()
    )


def preview(line: PendingPayment, pending: Sequence[PendingPayment] = ()) -> str:
    """How the payment would be imputed, after the batch lines before it on the same dossier."""
    from clerc_tui.rules.statement import Payment, compute_statement
    from clerc_tui.services.rates import current_rates
    from clerc_tui.services.statement import statement_input

    try:
        data = statement_input(line.dossier_id, line.on)
        extra = tuple(
            Payment(p.on, p.amount, ref=f"lot-{n}")
            for n, p in enumerate(pending)
            if p.dossier_id == line.dossier_id and p.on <= line.on
        )
        data = dataclasses.replace(data, payments=data.payments + extra)
        statement = compute_statement(data, current_rates())
        balances = Balances(statement.frais_due, statement.interest_due, statement.principal_due)
        a = allocate(line.amount, balances, statement.allocation_order)
    except ClercError as exc:
        return f"Imputation non calculable ({exc.message}) : les frais d'abord, puis les intérêts et le principal."
    after = statement.total_due - (a.amount - a.credit)
    text = (
        f"Imputation au {format_date(line.on)} : frais {format_amount(a.frais)} · intérêts "
        f"{format_amount(a.interets)} · principal {format_amount(a.principal)}"
    )
    if a.credit:
        text += f" · trop-perçu {format_amount(a.credit)}"
    return text + f" — reste dû {format_amount(after)} (avant : {format_amount(statement.total_due)})"


def duplicate_key(line: PendingPayment) -> tuple:
    """What makes two lines of a batch « the same payment typed twice »: the dossier, the
    amount, the mode and the bank reference (case and spaces aside)."""
    return (line.dossier_id, line.amount, line.mode, " ".join(line.bank_reference.split()).casefold())


def duplicate_groups(lines: list[PendingPayment]) -> list[tuple[int, ...]]:
    """The numbers (from 1) of the lines that are identical, group by group."""
    groups: dict[tuple, list[int]] = {}
    for n, line in enumerate(lines, start=1):
        groups.setdefault(duplicate_key(line), []).append(n)
    return [tuple(numbers) for numbers in groups.values() if len(numbers) > 1]


def duplicate_text(groups: list[tuple[int, ...]], lines: list[PendingPayment]) -> str:
    """« Lignes 1 et 3 identiques (2026-000001, 50,00 €, Chèque, réf. CHQ 1) » per group."""
    parts = []
    for numbers in groups:
        line = lines[numbers[0] - 1]
        which = ", ".join(str(n) for n in numbers[:-1]) + f" et {numbers[-1]}"
        ref = f", réf. {line.bank_reference}" if line.bank_reference else ", sans référence"
        parts.append(
            f"lignes {which} identiques ({line.reference}, {format_amount(line.amount)}, "
            f"{PAYMENT_MODES.get(line.mode, line.mode)}{ref})"
        )
    return "Doublon possible : " + " ; ".join(parts) + "."


def without_duplicates(lines: list[PendingPayment]) -> tuple[list[PendingPayment], list[int]]:
    """(the batch keeping the first of each identical group, the numbers taken out)."""
    seen, kept, removed = set(), [], []
    for n, line in enumerate(lines, start=1):
        key = duplicate_key(line)
        if key in seen:
            removed.append(n)
        else:
            seen.add(key)
            kept.append(line)
    return kept, removed


def record_batch(
    actor: Actor,
    lines: list[PendingPayment],
    *,
    today: date,
    allow_duplicates: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Entry]:
    """Record every line in one write transaction: all or nothing. A refusal names its line.
    Identical lines (`duplicate_groups`) are refused unless the clerc confirmed them.
    `progress(done, total)` is told after each line."""
    require(actor, "payment.record")
    if not lines:
        raise InvalidInput("Le lot est vide.")
    groups = duplicate_groups(lines)
    if groups and not allow_duplicates:
        raise InvalidInput(f"{duplicate_text(groups, lines)} Confirmez-les ou retirez-les : rien n'a été enregistré.")
    entries = []
    with write_transaction():
        for n, line in enumerate(lines, start=1):
            try:
                entries.append(
                    record_payment(
                        actor,
                        line.dossier_id,
                        on=line.on,
                        amount=line.amount,
                        mode=line.mode,
                        payer=line.payer,
                        bank_reference=line.bank_reference,
                        today=today,
                    )
                )
            except InvalidInput as exc:
                raise InvalidInput(f"Ligne {n} ({line.reference}) : {exc.message} Rien n'a été enregistré.") from None
            if progress is not None:
                progress(n, len(lines))
    return entries
