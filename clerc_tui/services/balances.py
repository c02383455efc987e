"""What a dossier's ledger adds up to: its balance (the décompte's total due, or without
interest when it cannot be computed), the balance stored on the dossier for the list,
the running totals recomputed from the entries, what the étude holds for the creditor,
and the dossier's accounts as the « Comptes » tab shows them. The arithmetic is
rules/ledger.py; this reads the entries."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from clerc_tui.errors import ClercError
from clerc_tui.models import ClaimItem, Creditor, Dossier, DossierAccount, LedgerEntry
from clerc_tui.models.db import database, write_transaction
from clerc_tui.rules import ledger as ledger_rules
from clerc_tui.rules.french import format_date
from clerc_tui.rules.interest import Convention
from clerc_tui.rules.ledger import REVERSAL, CreditorPosition, account_totals, debit_side
from clerc_tui.rules.money import ZERO, from_cents
from clerc_tui.rules.rates import Rates
from clerc_tui.rules.statement import compute_statement
from clerc_tui.rules.vocabulary import LEDGER_KINDS, PAYMENT_MODES
from clerc_tui.services.ledger import ensure_account, existing_dossier, ledger_entries
from clerc_tui.services.plain import Prepared, tuples


def simple_balance(dossier_id: int, at: date) -> Decimal:
    """Claims + fees and disbursements − payments, reversed entries left out, never below 0:
    the balance without interest, used when the décompte cannot be computed."""
    claims = sum((amount for (amount,) in CLAIM_AMOUNTS.rows(dossier_id)), ZERO)
    return ledger_rules.simple_balance(claims, map(_Movement._make, _MOVEMENTS_UP_TO.rows(dossier_id, at)))


class _Movement(NamedTuple):
    """What the arithmetic reads of a ledger row (rules/ledger.Movement), read as a tuple: the
    balance is refreshed at every entry written, and a model row of 21 columns per entry cost
    more than the query."""

    id: int
    kind: str
    bearer: str
    amount: Decimal
    entry_date: date
    reverses_id: int | None


_MOVEMENT_COLUMNS = (
    LedgerEntry.id,
    LedgerEntry.kind,
    LedgerEntry.bearer,
    LedgerEntry.amount,
    LedgerEntry.entry_date,
    LedgerEntry.reverses,
)
# The queries of simple_balance and totals_from_entries, their SQL written once; the values
# converted by their fields, as the models give them.
CLAIM_AMOUNTS = Prepared(
    lambda dossier_id: ClaimItem.select(ClaimItem.amount).where(ClaimItem.dossier == dossier_id).tuples()
)
_MOVEMENTS = Prepared(
    lambda dossier_id: LedgerEntry.select(*_MOVEMENT_COLUMNS).where(LedgerEntry.dossier == dossier_id).tuples()
)
_MOVEMENTS_UP_TO = Prepared(
    lambda dossier_id, at: (
        LedgerEntry.select(*_MOVEMENT_COLUMNS)
        .where(LedgerEntry.dossier == dossier_id, LedgerEntry.entry_date <= at)
        .tuples()
    ),
    2,
)


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


@dataclass(frozen=True)
class Due:
    """What a dossier owes on a day, as the clerc reads it in the dossier (header, synthèse,
    accounts): the décompte's total due at `on`, interest included; or, when the décompte
    cannot be computed, claims + frais − payments (`with_interest` false). Never the balance
    stored for the list, which is the one of the dossier's last calculation."""

    amount: Decimal
    on: date
    with_interest: bool

    @property
    def wording(self) -> str:
        """« dû au 06/12/2026 », or « hors intérêts au 06/12/2026 » (said, never implied)."""
        return f"{'dû' if self.with_interest else 'hors intérêts'} au {format_date(self.on)}"


def due_on(dossier_id: int, on: date) -> Due:
    """The dossier's `Due` at `on` (one décompte: ~1 ms at the demo's scale). A décompte that
    fails on a bug (not a French refusal) still lets the dossier open: the figure is then said to
    be « hors intérêts », the trace goes to the log, and the Décompte tab shows the error."""
    try:
        amount, with_interest = balance_at(dossier_id, on)
    except Exception:
        logging.getLogger("clerc").exception("décompte du dossier %d impossible au %s", dossier_id, on)
        return Due(simple_balance(dossier_id, on), on, False)
    return Due(amount, on, with_interest)


def refresh_balance(dossier_id: int, today: date) -> Decimal:
    """Store the balance at `today` on the dossier (the list shows and sorts by it)."""
    balance, _ = balance_at(dossier_id, today)
    Dossier.update(balance=balance).where(Dossier.id == dossier_id).execute()
    ensure_account(dossier_id)
    DossierAccount.update(balance_on=today, updated_at=datetime.now()).where(
        DossierAccount.dossier == dossier_id
    ).execute()
    return balance


def refresh_balances(today: date, *, batch: int = 1000, progress: Callable[[int, int], None] | None = None) -> int:
    """Store the balance at `today` of every dossier that is not closed; return how many.

    Interest accrues every day while the stored balance only moves when the dossier does:
    run this each night (cron) so that the list shows and sorts by what is due today.

    Set-based: dossiers go by `batch`, in id order, each batch one short write transaction
    (clercs at work wait at most that long) that reads the batch's dossiers, claim items and
    ledger rows in three queries, computes each balance exactly as `balance_at` does (the
    same rules, the same fallback), and writes them back in two statements."""
    total = Dossier.select().where(Dossier.phase != "clos").count()
    rates, convention = _batch_context()
    done, last = 0, 0
    while True:
        with write_transaction():
            ids = [
                dossier_id
                for (dossier_id,) in tuples(
                    Dossier.select(Dossier.id)
                    .where(Dossier.phase != "clos", Dossier.id > last)
                    .order_by(Dossier.id)
                    .limit(batch)
                )
            ]
            if not ids:
                break
            _store_balances([(i, b) for i, b, _ in _batch_balances(ids, today, rates, convention)], today)
        done, last = done + len(ids), ids[-1]
        if progress is not None:
            progress(done, max(total, done))
        if len(ids) < batch:
            break
    return done


def _batch_context() -> tuple[Rates | None, Convention]:
    """The étude's rates and convention, read once for a batch (None: the rates cannot be
    read, every décompte falls back to the simple balance as `balance_at` would)."""
    from clerc_tui.services.rates import current_rates
    from clerc_tui.services.statement import etude_convention

    try:
        rates: Rates | None = current_rates()
    except ClercError:
        rates = None
    return rates, etude_convention()


def _batch_balances(
    ids: list[int], at: date, rates: Rates | None, convention: Convention, *, sparse: bool = False
) -> list[tuple[int, Decimal, bool]]:
    """(dossier id, balance at `at`, with interest) for the dossiers `ids` (ascending), as
    `balance_at`. `sparse`: the ids are scattered (one creditor's dossiers), so claims and
    entries are read by id rather than by the range from the first to the last."""
    from clerc_tui.services.statement import LEDGER_COLUMNS, LedgerRow, statement_input_of

    low, high = ids[0], ids[-1]
    claim_rows = ClaimItem.dossier.in_(ids) if sparse else ClaimItem.dossier.between(low, high)
    entry_rows = LedgerEntry.dossier.in_(ids) if sparse else LedgerEntry.dossier.between(low, high)
    dossiers = (
        Dossier.select(Dossier, Creditor.is_individual).join(Creditor).where(Dossier.id.in_(ids)).order_by(Dossier.id)
    )
    claims: dict[int, list[ClaimItem]] = defaultdict(list)
    for claim in ClaimItem.select().where(claim_rows).order_by(ClaimItem.dossier, ClaimItem.id):
        claims[claim.dossier_id].append(claim)
    entries: dict[int, list[LedgerRow]] = defaultdict(list)
    for dossier_id, *row in tuples(
        LedgerEntry.select(LedgerEntry.dossier, *LEDGER_COLUMNS)
        .where(entry_rows)
        .order_by(LedgerEntry.dossier, LedgerEntry.entry_date, LedgerEntry.id)
    ):
        entries[dossier_id].append(LedgerRow(*row))
    balances = []
    for dossier in dossiers:
        rows = entries.get(dossier.id, [])
        balance = None
        if rates is not None:
            try:
                data = statement_input_of(dossier, claims.get(dossier.id, []), rows, at, convention=convention)
                balance = compute_statement(data, rates).total_due
            except ClercError:
                pass  # no décompte possible: the balance without interest, as `balance_at`
        with_interest = balance is not None
        if balance is None:
            claimed = sum((c.amount for c in claims.get(dossier.id, [])), ZERO)
            balance = ledger_rules.simple_balance(claimed, (e for e in rows if e.entry_date <= at))
        balances.append((dossier.id, balance, with_interest))
    return balances


def balances_at(
    ids: list[int], at: date, *, batch: int = 1000, progress: Callable[[int, int], None] | None = None
) -> dict[int, tuple[Decimal, bool]]:
    """{dossier id: (balance at `at`, with interest)} for the dossiers `ids`, each exactly as
    `balance_at` computes it (the same décompte, the same fallback), read by batches of
    `batch` dossiers in three queries each, nothing written: the creditor report's « solde »."""
    rates, convention = _batch_context()
    ordered = sorted(set(ids))
    found: dict[int, tuple[Decimal, bool]] = {}
    for start in range(0, len(ordered), batch):
        chunk = ordered[start : start + batch]
        for dossier_id, balance, with_interest in _batch_balances(chunk, at, rates, convention, sparse=True):
            found[dossier_id] = (balance, with_interest)
        if progress is not None:
            progress(start + len(chunk), len(ordered))
    return found


def _store_balances(balances: list[tuple[int, Decimal]], today: date) -> None:
    """Write the balances and their date (the account row created, all zero, when missing),
    inside the caller's transaction: two statements for the whole batch."""
    p = database.param
    on, now = DossierAccount.balance_on.db_value(today), DossierAccount.updated_at.db_value(datetime.now())
    cursor = database.cursor()
    cursor.executemany(
        f'UPDATE "dossier" SET "balance" = {p} WHERE "id" = {p}',
        [(Dossier.balance.db_value(balance), dossier_id) for dossier_id, balance in balances],
    )
    cursor.executemany(
        'INSERT INTO "dossier_account" ("dossier_id", "charged", "paid", "creditor_charged", "remitted", '
        f'"refunded", "balance_on", "updated_at") VALUES ({p}, 0, 0, 0, 0, 0, {p}, {p}) '
        'ON CONFLICT ("dossier_id") DO UPDATE SET "balance_on" = excluded."balance_on", '
        '"updated_at" = excluded."updated_at"',
        [(dossier_id, on, now) for dossier_id, _ in balances],
    )


def totals_from_entries(dossier_id: int, at: date | None = None) -> dict[str, int]:
    """The running totals recomputed from the entries themselves (cents)."""
    return account_totals(map(_Movement._make, _MOVEMENTS.rows(dossier_id)), at)


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
    due: Due  # at the day the accounts are shown, as the dossier's header says it
    due_to_creditor: Decimal


def _unlabelled(e) -> str:
    """What an entry recorded without a label says in the accounts: a payment typed in the
    payment entry screen has none, its mode and payer say what it was (« Virement — Le débiteur »)."""
    if e.kind != "payment":
        return ""
    return " — ".join(part for part in (PAYMENT_MODES.get(e.mode, "") if e.mode else "", e.payer) if part)


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
                e.label or e.reason or _unlabelled(e),
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
        due_on(dossier.id, at),
        CreditorPosition.from_totals(account_totals(entries, at)).due,
    )
