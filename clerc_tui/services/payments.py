"""Fast payment entry: find the dossier, check a line, preview its imputation, record a batch.

A line is checked in full when it is added to the batch (nothing is written then); the
batch is recorded at the end in one write transaction, all or nothing, so a refused line
never loses the others and a half-recorded bank statement cannot happen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.models import Dossier
from clerc_tui.models.db import database, write_transaction
from clerc_tui.models.ledger import PAYMENT_MODES
from clerc_tui.rules.allocation import Balances, allocate
from clerc_tui.rules.dates import format_date, parse_date
from clerc_tui.rules.money import format_amount, parse_amount
from clerc_tui.rules.text import check_text
from clerc_tui.services.context import Actor, require
from clerc_tui.services.ledger import MAX_TEXT, record_payment


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


def find_dossiers(text: str, limit: int = 6) -> list[DossierHit]:
    """Dossiers whose reference or names start with the words typed (accent-insensitive)."""
    from clerc_tui.services.dossier_list import _filter_sql, _sql

    text = (text or "").strip()
    if " — " in text:  # a completed label: « REF — names » or « Débiteur — REF »
        first, rest = text.split(" — ", 1)
        text = first if Dossier.get_or_none(Dossier.reference == first.strip()) else rest.split(" / ", 1)[0]
        text = text.strip()
    if not text:
        return []
    exact = Dossier.get_or_none(Dossier.reference == text)
    if exact is not None:
        return [DossierHit(exact.id, exact.reference, exact.debtor_name, exact.creditor_name)]
    where, params, _ = _filter_sql(text)
    if not where:
        return []
    rows = database.execute_sql(
        _sql(
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


def preview(line: PendingPayment, pending: list[PendingPayment] = ()) -> str:
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
) -> list:
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
