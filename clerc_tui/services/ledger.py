"""Recording fees, disbursements and payments on a dossier, and reversing them.

The ledger is append-only: nothing here updates or deletes a row. A rejected cheque or
a fee booked by mistake is cancelled by a reversal row (with its reason), which restores
exactly what the entry had changed; an entry is reversed at most once, and a reversal
itself is never reversed (record the entry again instead).

Each call is one write transaction: permission, validation, the row (hash-chained to the
previous one, models/chain.py), its audit entry,
a timeline line, and the refresh of `Dossier.balance` (see `refresh_balance`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.models import ClaimItem, Dossier, DossierAccount, LedgerEntry, Sequence, TimelineEvent, chain
from clerc_tui.models.db import write_transaction
from clerc_tui.models.ledger import (
    BEARERS,
    CREDITOR,
    DEBTOR,
    DISBURSEMENT,
    FEE,
    LEDGER_KINDS,
    PAYMENT,
    PAYMENT_MODES,
    REFUND,
    REMITTANCE,
    REVERSAL,
)
from clerc_tui.rules.dates import format_date
from clerc_tui.rules.money import CENT, ZERO, format_amount, from_cents, parse_amount, to_cents
from clerc_tui.rules.text import check_text
from clerc_tui.services.audit import record, snapshot
from clerc_tui.services.context import Actor, require, require_write

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
        raise InvalidInput(
            f"{what} : le {format_date(value)} est dans le futur (aujourd'hui {format_date(today)}).", field=field
        )
    return value


def _text(value: str, what: str, field: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{what} : à renseigner.", field=field)
    return check_text(text, field=what, max_len=MAX_TEXT, key=field)


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
        if e.kind in (FEE, DISBURSEMENT) and e.bearer != CREDITOR:
            total += e.amount
        elif e.kind == PAYMENT:
            total -= e.amount
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
    _account(dossier_id)
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
        for (dossier_id,) in Dossier.select(Dossier.id).where(Dossier.phase != "clos").order_by(Dossier.id).tuples()
    ]
    for start in range(0, len(ids), batch):
        with write_transaction():
            for dossier_id in ids[start : start + batch]:
                refresh_balance(dossier_id, today)
        if progress is not None:
            progress(min(start + batch, len(ids)), len(ids))
    return len(ids)


# --- running totals and document numbers (m0006) ----------------------------------------

ACCOUNT_FIELDS = ("charged", "paid", "creditor_charged", "remitted", "refunded")


def _account(dossier_id: int) -> DossierAccount:
    account = DossierAccount.get_or_none(DossierAccount.dossier == dossier_id)
    if account is None:
        account = DossierAccount.create(dossier=dossier_id, updated_at=datetime.now())
    return account


def entry_effect(kind: str, bearer: str, amount: Decimal) -> dict[str, int]:
    """What one (non-reversal) entry adds to the running totals, in cents."""
    cents = to_cents(amount)
    if kind in (FEE, DISBURSEMENT):
        return {"creditor_charged" if bearer == CREDITOR else "charged": cents}
    return {{PAYMENT: "paid", REMITTANCE: "remitted", REFUND: "refunded"}[kind]: cents}


def _effect(entry: LedgerEntry) -> dict[str, int]:
    if entry.kind == REVERSAL:
        target = LedgerEntry.get_by_id(entry.reverses_id)
        return {k: -v for k, v in entry_effect(target.kind, target.bearer, target.amount).items()}
    return entry_effect(entry.kind, entry.bearer, entry.amount)


def _apply_effect(entry: LedgerEntry) -> None:
    _account(entry.dossier_id)
    changes = {getattr(DossierAccount, k): getattr(DossierAccount, k) + v for k, v in _effect(entry).items()}
    changes[DossierAccount.updated_at] = datetime.now()
    DossierAccount.update(changes).where(DossierAccount.dossier == entry.dossier_id).execute()


INVOICE = "facture"  # invoices and credit notes: one continuous sequence per étude per year
RECEIPT = "recu"
_PREFIX = {INVOICE: "F", RECEIPT: "R"}


def next_number(name: str, year: int) -> str:
    """The next number of a per-year sequence. Must run inside the write transaction of the
    entry that carries it: the increment and the entry commit or roll back together (no
    gap), and BEGIN IMMEDIATE serialises the writers (no reuse)."""
    Sequence.insert(name=name, year=year, last=0).on_conflict_ignore().execute()
    Sequence.update(last=Sequence.last + 1).where(Sequence.name == name, Sequence.year == year).execute()
    number = Sequence.get(Sequence.name == name, Sequence.year == year).last
    return f"{_PREFIX[name]}{year}-{number:06d}"


def _create(
    actor: Actor, dossier: Dossier, today: date, timeline: str, *, number: str | None = None, **fields
) -> LedgerEntry:
    now = datetime.now()
    if number is not None:
        fields["document_number"] = next_number(number, today.year)
    entry = chain.append(LedgerEntry, dossier=dossier, created_by=actor.login, created_at=now, **fields)
    _apply_effect(entry)
    if entry.document_number:  # frozen as issued: a reprint never changes (docs/law/documents.md)
        from clerc_tui.services.documents import freeze

        freeze(entry)
    record(
        actor, f"ledger.{entry.kind}", "ledger_entry", entry.id, after=snapshot(entry), dossier_id=dossier.id, at=now
    )
    TimelineEvent.create(
        dossier=dossier,
        occurred_on=entry.entry_date,
        kind=f"ledger_{entry.kind}",
        text=timeline,
        user=actor.user_id,
        created_at=now,
    )
    refresh_balance(dossier.id, today)
    return entry


def record_charge(
    actor: Actor,
    dossier_id: int,
    *,
    kind: str,
    on: date,
    amount,
    label: str,
    today: date | None = None,
    bearer: str = DEBTOR,
    support_reference: str = "",
    invoice: bool | None = None,
    breakdown: dict | None = None,
) -> LedgerEntry:
    """A fee (émolument) or a disbursement (débours) owed on the dossier from `on`, borne by
    the debtor (in the décompte) or by the creditor (kept on the reversements). A fee gets
    an invoice number unless `invoice=False`; a débours keeps its voucher reference."""
    require_write(actor)
    today = today or date.today()
    if kind not in (FEE, DISBURSEMENT):
        raise InvalidInput(f"Nature de frais inconnue : « {kind} » (fee ou disbursement).", field="kind")
    if bearer not in BEARERS:
        raise InvalidInput(f"Frais à la charge de qui ? « {bearer} » (debtor ou creditor).", field="bearer")
    amount = _amount(amount)
    on = _day(on, today, "Date des frais", "entry_date")
    label = _text(label, "Libellé des frais", "label", required=True)
    support_reference = _text(support_reference, "Justificatif", "support_reference")
    invoice = kind == FEE if invoice is None else invoice
    with write_transaction():
        dossier = _dossier(dossier_id)
        who = " (à la charge du créancier)" if bearer == CREDITOR else ""
        return _create(
            actor,
            dossier,
            today,
            f"{LEDGER_KINDS[kind]} « {label} » : {format_amount(amount)}{who}",
            number=INVOICE if invoice else None,
            kind=kind,
            entry_date=on,
            amount=amount,
            label=label,
            bearer=bearer,
            support_reference=support_reference,
            breakdown=json.dumps(breakdown, ensure_ascii=False) if breakdown else "",
        )


def claim_amount(dossier_id: int) -> Decimal:
    """The claim an act relates to, for the A444-46 coefficient and the DEP: the sums the
    title awards (all claim items)."""
    return sum((c.amount for c in ClaimItem.select().where(ClaimItem.dossier == dossier_id)), ZERO)


def dep_already_charged(dossier_id: int) -> bool:
    """True when an act of the dossier, not reversed, already carried the DEP (once per claim)."""
    reversed_ids = {
        e.reverses_id
        for e in LedgerEntry.select(LedgerEntry.reverses).where(
            LedgerEntry.dossier == dossier_id, LedgerEntry.kind == REVERSAL
        )
    }
    for e in LedgerEntry.select().where(
        LedgerEntry.dossier == dossier_id, LedgerEntry.kind == FEE, LedgerEntry.breakdown != ""
    ):
        if e.id not in reversed_ids and Decimal(json.loads(e.breakdown).get("dep", "0")) > 0:
            return True
    return False


def price_act(
    dossier_id: int,
    act_code: str,
    on: date,
    *,
    claim=None,
    with_dep: bool | None = None,
    with_travel: bool = True,
    base=None,
):
    """The tariff's `ActCharge` for an act of the dossier (nothing written): the preview."""
    from clerc_tui.rules.tariff import shipped_tariff

    _dossier(dossier_id)
    claim = claim_amount(dossier_id) if claim is None else _amount_or_zero(claim)
    if with_dep is None:
        with_dep = not dep_already_charged(dossier_id)
    if base is not None:
        base = _amount(base)
    return shipped_tariff().act_charge(act_code, on, claim, with_dep=with_dep, with_travel=with_travel, base=base)


def _amount_or_zero(value) -> Decimal:
    if isinstance(value, Decimal) and value == 0:
        return ZERO
    return _amount(value)


def bill_act(
    actor: Actor,
    dossier_id: int,
    act_code: str,
    on: date,
    *,
    claim=None,
    with_dep: bool | None = None,
    with_travel: bool = True,
    base=None,
    act_id: int | None = None,
    label: str = "",
    today: date | None = None,
) -> LedgerEntry:
    """Bill an act served on `on` at the regulated tariff: one fee entry (TTC) borne by the
    debtor, with its breakdown (émolument × coefficient, DEP, SCT, TVA, taxe forfaitaire,
    « à confirmer » marks) and an invoice number. `act_code`: a code of `data/tariff.toml`
    (`rules.tariff.act_choices()`); `claim`: defaults to the dossier's claim items;
    `with_dep`: defaults to « the dossier has no act carrying the DEP yet »; `base`: the
    émolument HT typed by the clerc when the tariff has no figure for the period;
    `act_id`: the acts module's id, kept in the breakdown. Débours go in with
    `record_charge(kind="disbursement")`. Raises InvalidInput / MissingTariff (French)."""
    if base is not None:  # a figure the regulated tariff lacks, typed by hand
        require(actor, "tariff.figure")
    today = today or date.today()
    on = _day(on, today, "Date de l'acte", "entry_date")
    charge = price_act(dossier_id, act_code, on, claim=claim, with_dep=with_dep, with_travel=with_travel, base=base)
    breakdown = charge.as_dict()
    if act_id is not None:
        breakdown["act_id"] = act_id
    label = label or charge.label
    if charge.marks:  # the décompte, the list and the invoice show that the tariff is unconfirmed
        label += " (tarif à confirmer)"
    return record_charge(
        actor,
        dossier_id,
        kind=FEE,
        on=on,
        amount=charge.ttc,
        label=label,
        today=today,
        breakdown=breakdown,
        invoice=True,
    )


def record_payment(
    actor: Actor,
    dossier_id: int,
    *,
    on: date,
    amount,
    mode: str = "",
    payer: str = "",
    bank_reference: str = "",
    label: str = "",
    value_date: date | None = None,
    today: date | None = None,
) -> LedgerEntry:
    """Money received for the dossier on `on` (the date it is imputed at; `value_date` is
    the bank's, kept for the accounts). Gets a receipt (reçu) number."""
    require(actor, "payment.record")
    today = today or date.today()
    amount = _amount(amount)
    on = _day(on, today, "Date du paiement", "entry_date")
    if value_date is not None and not isinstance(value_date, date):
        raise InvalidInput("Date de valeur illisible.", field="value_date")
    if mode not in PAYMENT_MODES:
        raise InvalidInput(
            f"Mode de paiement inconnu : « {mode} » ({', '.join(m for m in PAYMENT_MODES if m)}).", field="mode"
        )
    payer = _text(payer, "Payeur", "payer")
    bank_reference = _text(bank_reference, "Référence bancaire", "bank_reference")
    label = _text(label, "Libellé", "label")
    with write_transaction():
        dossier = _dossier(dossier_id)
        how = f" par {PAYMENT_MODES[mode].lower()}" if mode else ""
        return _create(
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


def reverse_entry(actor: Actor, entry_id: int, reason: str, on: date, *, today: date | None = None) -> LedgerEntry:
    """Cancel a fee, disbursement, payment, reversement or refund on `on` (a rejected
    cheque, a fee booked by mistake): what it settled or added is restored from that date.
    Reversing an invoiced fee issues a credit note (avoir) from the invoice sequence.
    Money that came in or went out (payment, refund, reversement) is the accounts' to cancel:
    permission `payment.reverse`; a fee or disbursement, everyday `write`."""
    today = today or date.today()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Indiquez le motif de l'annulation (chèque rejeté, erreur de saisie…).", field="reason")
    reason = _text(reason, "Motif", "reason")
    on = _day(on, today, "Date de l'annulation", "entry_date")
    with write_transaction():
        target = LedgerEntry.get_or_none(LedgerEntry.id == entry_id)
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
        return _create(
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


# --- what the étude holds for the creditor ----------------------------------------------


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


def totals_from_entries(dossier_id: int, at: date | None = None) -> dict[str, int]:
    """The running totals recomputed from the entries themselves (cents)."""
    entries = {e.id: e for e in LedgerEntry.select().where(LedgerEntry.dossier == dossier_id)}
    totals = dict.fromkeys(ACCOUNT_FIELDS, 0)
    for e in entries.values():
        if at is not None and e.entry_date > at:
            continue
        if e.kind == REVERSAL:
            t = entries[e.reverses_id]
            for k, v in entry_effect(t.kind, t.bearer, t.amount).items():
                totals[k] -= v
        else:
            for k, v in entry_effect(e.kind, e.bearer, e.amount).items():
                totals[k] += v
    return totals


def creditor_position(dossier_id: int, at: date) -> CreditorPosition:
    t = totals_from_entries(dossier_id, at)
    return CreditorPosition(
        *(from_cents(t[k]) for k in ("paid", "charged", "creditor_charged", "remitted", "refunded"))
    )


def record_remittance(
    actor: Actor,
    dossier_id: int,
    *,
    on: date,
    amount,
    label: str = "",
    run_id: int | None = None,
    today: date | None = None,
) -> LedgerEntry:
    """A reversement of `amount` to the creditor; refused beyond what is due to him."""
    require(actor, "remittance.run")
    today = today or date.today()
    amount = _amount(amount)
    on = _day(on, today, "Date du reversement", "entry_date")
    with write_transaction():
        dossier = _dossier(dossier_id)
        due = creditor_position(dossier_id, today).due
        if amount > due:
            raise InvalidInput(
                f"Reversement de {format_amount(amount)} refusé : seulement {format_amount(due)} "
                "encaissé(s) pour le créancier et non encore reversé(s).",
                field="amount",
            )
        return _create(
            actor,
            dossier,
            today,
            f"Reversement de {format_amount(amount)} au créancier",
            kind=REMITTANCE,
            entry_date=on,
            amount=amount,
            label=label or f"Reversement à {dossier.creditor_name or 'créancier'}",
            run_id=run_id,
            payer=dossier.creditor_name,
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
    return max(credit - refunded, ZERO)


def record_refund(
    actor: Actor,
    dossier_id: int,
    *,
    on: date,
    amount,
    payer: str = "",
    reason: str = "",
    mode: str = "virement",
    today: date | None = None,
) -> LedgerEntry:
    """Pay back a trop-perçu to the payer; refused beyond the overpayment."""
    require(actor, "refund.record")
    today = today or date.today()
    amount = _amount(amount)
    on = _day(on, today, "Date du remboursement", "entry_date")
    if mode not in PAYMENT_MODES:
        raise InvalidInput(f"Mode de paiement inconnu : « {mode} ».", field="mode")
    reason = _text(reason, "Motif", "reason")
    with write_transaction():
        dossier = _dossier(dossier_id)
        over = overpayment(dossier_id, today)
        if amount > over:
            raise InvalidInput(
                f"Remboursement de {format_amount(amount)} refusé : le trop-perçu est de {format_amount(over)}.",
                field="amount",
            )
        return _create(
            actor,
            dossier,
            today,
            f"Remboursement d'un trop-perçu de {format_amount(amount)}",
            kind=REFUND,
            entry_date=on,
            amount=amount,
            label="Remboursement du trop-perçu",
            mode=mode,
            payer=_text(payer, "Bénéficiaire", "payer"),
            reason=reason,
        )


# --- clerc check ----------------------------------------------------------------------


BACKFILL_SQL = """
INSERT INTO "dossier_account" ("dossier_id", "charged", "paid", "creditor_charged", "remitted", "refunded",
                               "updated_at")
SELECT e.dossier_id,
       SUM(CASE WHEN e.k IN ('fee', 'disbursement') AND e.b <> 'creditor' THEN e.s * e.amount ELSE 0 END),
       SUM(CASE WHEN e.k = 'payment' THEN e.s * e.amount ELSE 0 END),
       SUM(CASE WHEN e.k IN ('fee', 'disbursement') AND e.b = 'creditor' THEN e.s * e.amount ELSE 0 END),
       SUM(CASE WHEN e.k = 'remittance' THEN e.s * e.amount ELSE 0 END),
       SUM(CASE WHEN e.k = 'refund' THEN e.s * e.amount ELSE 0 END),
       CURRENT_TIMESTAMP
FROM (SELECT le.dossier_id, COALESCE(t.kind, le.kind) AS k, COALESCE(t.bearer, le.bearer) AS b,
             CASE WHEN le.kind = 'reversal' THEN -1 ELSE 1 END AS s, le.amount
      FROM "ledger_entry" le LEFT JOIN "ledger_entry" t ON t.id = le.reverses_id) e
WHERE e.dossier_id NOT IN (SELECT "dossier_id" FROM "dossier_account")
GROUP BY e.dossier_id
"""


def backfill_accounts(db) -> None:
    """Running totals for dossiers whose entries were bulk-loaded (the demo), in SQL."""
    db.execute_sql(BACKFILL_SQL)


@dataclass(frozen=True)
class Discrepancy:
    reference: str
    what: str
    stored: Decimal
    computed: Decimal


def check_accounts(
    *, with_balance: bool = True, progress: Callable[[int, int], None] | None = None
) -> tuple[int, list[Discrepancy]]:
    """(dossiers checked, differences): each dossier's running totals against the sum of
    its entries, and its stored balance against the décompte recomputed at the date the
    balance was stored. Read only."""
    labels = {
        "charged": "frais à la charge du débiteur",
        "paid": "paiements reçus",
        "creditor_charged": "frais à la charge du créancier",
        "remitted": "reversements",
        "refunded": "remboursements",
    }
    with_entries = {d for (d,) in LedgerEntry.select(LedgerEntry.dossier).distinct().tuples()}
    accounts = {a.dossier_id: a for a in DossierAccount.select()}
    problems: list[Discrepancy] = []
    ids = sorted(with_entries | set(accounts))
    refs = dict(Dossier.select(Dossier.id, Dossier.reference).where(Dossier.id.in_(ids)).tuples()) if ids else {}
    for done, dossier_id in enumerate(ids, 1):
        if progress is not None and done % 100 == 0:
            progress(done, len(ids))
        computed = totals_from_entries(dossier_id)
        account = accounts.get(dossier_id)
        for key in ACCOUNT_FIELDS:
            stored = getattr(account, key) if account else 0
            if stored != computed[key]:
                problems.append(
                    Discrepancy(
                        refs.get(dossier_id, str(dossier_id)),
                        labels[key],
                        from_cents(stored),
                        from_cents(computed[key]),
                    )
                )
        if with_balance and account is not None and account.balance_on is not None:
            stored_balance = Dossier.get_by_id(dossier_id).balance
            balance, _ = balance_at(dossier_id, account.balance_on)
            if balance != stored_balance:
                problems.append(
                    Discrepancy(
                        refs.get(dossier_id, str(dossier_id)),
                        f"solde au {format_date(account.balance_on)}",
                        stored_balance,
                        balance,
                    )
                )
    return len(ids), problems


def ledger_entries(dossier_id: int) -> list[LedgerEntry]:
    return list(
        LedgerEntry.select().where(LedgerEntry.dossier == dossier_id).order_by(LedgerEntry.entry_date, LedgerEntry.id)
    )


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


def _debit_side(kind: str) -> bool:
    return kind != PAYMENT


def account_view(dossier_id: int, at: date) -> AccountView:
    """The dossier's entries, oldest first, with their sides and markers, and the running
    totals recomputed from them. Read only."""
    dossier = _dossier(dossier_id)
    entries = ledger_entries(dossier_id)
    by_id = {e.id: e for e in entries}
    reversed_on = {e.reverses_id: e.entry_date for e in entries if e.kind == REVERSAL}
    lines = []
    for e in entries:
        side_kind = e.kind
        reverses = ""
        if e.kind == REVERSAL:
            target = by_id.get(e.reverses_id)
            side_kind = target.kind if target is not None else e.kind
            if target is not None:
                reverses = (
                    target.document_number or f"{LEDGER_KINDS[target.kind].lower()} du {format_date(target.entry_date)}"
                )
            debit_side = not _debit_side(side_kind)  # a reversal goes the other way
        else:
            debit_side = _debit_side(side_kind)
        marks = json.loads(e.breakdown).get("marks", []) if e.breakdown else []
        lines.append(
            AccountLine(
                e.id,
                e.entry_date,
                LEDGER_KINDS.get(e.kind, e.kind),
                e.label or e.reason,
                e.document_number or "",
                e.amount if debit_side else None,
                None if debit_side else e.amount,
                bool(marks),
                reversed_on.get(e.id),
                reverses,
            )
        )
    t = {k: from_cents(v) for k, v in totals_from_entries(dossier_id).items()}
    return AccountView(
        lines,
        t["charged"],
        t["creditor_charged"],
        t["paid"],
        t["remitted"],
        t["refunded"],
        dossier.balance,
        creditor_position(dossier_id, at).due,
    )
