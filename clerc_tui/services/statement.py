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
import threading
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from peewee import Case

from clerc_tui.errors import InvalidInput
from clerc_tui.models import ClaimItem as ClaimItemModel
from clerc_tui.models import Creditor, Dossier, LedgerEntry
from clerc_tui.models.db import read_date
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
from clerc_tui.rules.ledger import CREDITOR, DEBTOR, DISBURSEMENT, FEE, PAYMENT, REVERSAL
from clerc_tui.rules.money import from_cents
from clerc_tui.rules.rates import AUTRES, PARTICULIER, Rates
from clerc_tui.rules.statement import (
    DEPENS,
    REGIME_DOSSIER,
    REGIME_LEGAL,
    REGIME_NONE,
    Charge,
    ClaimItem,
    Payment,
    Reversal,
    Statement,
    StatementInput,
    compute_statement,
    made_charge,
    made_payment,
    made_payment_fields,
)
from clerc_tui.services.etude import etude_day_count_and_rounding
from clerc_tui.services.plain import Prepared
from clerc_tui.services.rates import current_rates

# L313-3 CMF raises the legal rate after a "condamnation pécuniaire par décision de justice".
# A notarial deed, a contrainte or a small-claims title is enforceable but is no court
# decision: no majoration for them (the clerc may still set the points to 0 on any title).
TITLES_WITHOUT_MAJORATION = frozenset({"acte_notarie", "contrainte", "titre_pc"})


def etude_convention() -> Convention:
    """How the étude counts days and rounds; the defaults of docs/law/statement.md §1 without an étude row."""
    settings = etude_day_count_and_rounding()
    if settings is None:
        return Convention()
    return Convention(day_count=settings[0], rounding=settings[1])


def _majoration_from(dossier: Dossier | StatementDossier) -> date | None:
    """The first day of the L313-3 CMF majoration of a condemnation of the dossier's title (None:
    no enforceable date, 0 points, or a title that is no court decision)."""
    if (
        dossier.title_enforceable_on
        and dossier.majoration_points
        and dossier.title_kind not in TITLES_WITHOUT_MAJORATION
    ):
        return majoration_start(dossier.title_enforceable_on)
    return None


def interest_terms(dossier: Dossier | StatementDossier) -> InterestTerms:
    kind = dossier.interest_kind or "none"
    category = PARTICULIER if dossier.creditor.is_individual else AUTRES
    majoration_from = _majoration_from(dossier) if kind == LEGAL else None
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


def legal_terms(dossier: Dossier | StatementDossier) -> InterestTerms:
    """The terms of an item at the legal rate (`legal` regime, art. 1231-7 C. civ.): the
    creditor's category, the dossier's majoration rule (L313-3 CMF: the condemnation's), the
    capitalisation the title orders (art. 1343-2 C. civ.)."""
    return InterestTerms(
        kind=LEGAL,
        category=PARTICULIER if dossier.creditor.is_individual else AUTRES,
        majoration_from=_majoration_from(dossier),
        majoration_points=Decimal(dossier.majoration_points),
        capitalisation_from=dossier.capitalisation_from,
    )


def interest_start(dossier: Dossier | StatementDossier) -> date:
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


def is_recovery_fee(kind: str, breakdown: str) -> bool:
    """A proportional recovery fee line (A444-31 / A444-32) recorded by a reversement run."""
    return kind == FEE and bool(breakdown) and bool(json.loads(breakdown).get("recovery_fee"))


class LedgerRow(NamedTuple):
    """The columns of a ledger row the décompte reads (and the simple balance: a Movement)."""

    id: int
    kind: str
    entry_date: date
    amount: Decimal
    label: str
    mode: str
    reverses_id: int | None
    reason: str
    bearer: str
    breakdown: str


# The select of LedgerRow's columns, in its order.
LEDGER_COLUMNS = (
    LedgerEntry.id,
    LedgerEntry.kind,
    LedgerEntry.entry_date,
    LedgerEntry.amount,
    LedgerEntry.label,
    LedgerEntry.mode,
    LedgerEntry.reverses,
    LedgerEntry.reason,
    LedgerEntry.bearer,
    LedgerEntry.breakdown,
)


def ledger_inputs(dossier_id: int, at: date) -> tuple[tuple[Charge, ...], tuple[Payment, ...], tuple[Reversal, ...]]:
    """The dossier's ledger as décompte events (`ledger_events`), read as the driver's tuples
    of the columns used: a dossier of 10 years holds ~160 rows, and building as many Peewee
    models (then converting each column through peewee) was most of the décompte's time in
    the app."""
    return _events(_row_events(_LEDGER.raw(dossier_id)), at)


# What one ledger row gives the décompte: (id, kind, entry date, the id it reverses, its
# event: a Charge, a Payment, a Reversal, or None).
_RowEvent = tuple[int, str, date, "int | None", "Charge | Payment | Reversal | None"]

# The driver's ledger row as read (all its columns, as the driver gives them) -> its
# _RowEvent. The event is a function of the row's content alone, so the key is the whole
# row: a row never read before (a new payment, a reversal) or a row of another base holding
# other values is converted anew; the ledger is append-only, so the rows of a dossier on
# screen are converted once, not on every décompte (a date, a Decimal and a Payment per row
# was a third of the décompte's time outside the rule). Bounded (~1 KB a row: ~4 MB, 25 dossiers of
# 10 years): emptied before a call would overflow it.
_ROW_EVENTS: dict[tuple[Any, ...], _RowEvent] = {}
_ROW_EVENTS_SIZE = 4096


def _row_events(rows: Sequence[tuple[Any, ...]]) -> list[_RowEvent]:
    """The events of the driver's ledger rows, in their order. The amounts of one ledger repeat
    (monthly payments, the same fee): each distinct amount is made a Decimal once per call (the
    same value, the same digits and exponent; a Decimal is immutable), and so is the label of a
    payment recorded without one, per mode (`_payment_label`: the same text)."""
    events = []
    amounts: dict[int, Decimal] = {}
    mode_labels: dict[str, str] = {}
    if len(_ROW_EVENTS) + len(rows) > _ROW_EVENTS_SIZE:  # bounded: emptied before it would overflow
        _ROW_EVENTS.clear()
    for row in rows:
        found = _ROW_EVENTS.get(row)
        if found is None:
            entry_id, kind, on, cents, label, detail, reverses_id = row  # _RAW_LEDGER_COLUMNS
            amount = amounts.get(cents)
            if amount is None:
                amount = amounts[cents] = from_cents(cents)
            # `read_date(on)` without its call: ISO text from SQLite, a date from PostgreSQL.
            entry_date = date.fromisoformat(on) if type(on) is str else read_date(on)
            if kind == PAYMENT and cents > 0:
                # `_event_of` of a payment (three rows in four), without its call and tests. The
                # Payment is made with its fields set at once (`made_payment` without its checks):
                # `from_cents` gives an amount in cents, and above zero as its cents are.
                if not label:
                    label = mode_labels.get(detail)
                    if label is None:
                        label = mode_labels[detail] = _payment_label(detail)
                payment = made_payment_fields(entry_date, amount, str(entry_id), label)
                found = (entry_id, kind, entry_date, reverses_id, payment)
            else:  # `detail` is the mode, reason or breakdown, whichever this row's kind reads; None
                # for a charge the creditor bears (_RAW_LEDGER_COLUMNS)
                bearer = CREDITOR if detail is None else DEBTOR
                found = _event_of(
                    entry_id, kind, entry_date, amount, label, detail, reverses_id, detail, bearer, detail
                )
            _ROW_EVENTS[row] = found
        events.append(found)
    return events


def _event_of(
    entry_id: int,
    kind: str,
    entry_date: date,
    amount: Decimal,
    label: str,
    mode: str,
    reverses_id: int | None,
    reason: str,
    bearer: str,
    breakdown: str,
) -> _RowEvent:
    """A converted ledger row (LedgerRow's columns in its order) as its décompte event,
    whatever the other rows and the arrêté date (`_events` decides which count)."""
    event: Charge | Payment | Reversal | None = None
    if kind in (FEE, DISBURSEMENT):
        if bearer != CREDITOR:
            recovery_fee = is_recovery_fee(kind, breakdown)
            event = made_charge(entry_date, amount, label or "Frais", kind, recovery_fee)
    elif kind == PAYMENT:
        event = made_payment(entry_date, amount, str(entry_id), label or _payment_label(mode))
    elif kind == REVERSAL and reverses_id is not None:
        event = Reversal(entry_date, str(reverses_id), reason)
    return entry_id, kind, entry_date, reverses_id, event


def _payment_label(mode: str) -> str:
    """The label of a payment recorded without one: « Paiement (virement) »."""
    return "Paiement" + (f" ({mode})" if mode else "")


def _events(
    rows: Sequence[_RowEvent], at: date
) -> tuple[tuple[Charge, ...], tuple[Payment, ...], tuple[Reversal, ...]]:
    """`ledger_events` of the rows' events, in their order: one pass over the rows (a 10-year
    ledger holds ~160), then the few reversals: those of a payment are the décompte's, those
    dated by `at` cancel the fee or disbursement they reverse."""
    charges: list[tuple[int, Charge]] = []
    payments: list[Payment] = []
    payment_ids: set[int] = set()
    reversal_rows: list[_RowEvent] = []
    for row in rows:
        kind, event = row[1], row[4]
        if kind == PAYMENT:
            payments.append(event)  # type: ignore[arg-type]  # a payment row's event is a Payment
            payment_ids.add(row[0])
        elif kind == REVERSAL:
            reversal_rows.append(row)
        elif event is not None:
            charges.append((row[0], event))  # type: ignore[arg-type]  # the other rows' events are Charges
    reversals = tuple(row[4] for row in reversal_rows if row[4] is not None and row[3] in payment_ids)
    cancelled = {row[3] for row in reversal_rows if row[2] <= at}
    kept = tuple(charge for entry_id, charge in charges if entry_id not in cancelled)
    return kept, tuple(payments), reversals  # type: ignore[return-value]


# LEDGER_COLUMNS as the décompte reads them raw: a payment's mode, a reversal's reason, a
# fee's or disbursement's breakdown in one column, since each kind reads only its own
# (`_event_of`), and NULL there for a charge the creditor bears (no event: its bearer is read
# only to skip it; a breakdown is never NULL), so that the bearer is not a column of its own.
# The driver's cost is per column (Python 3.11's sqlite3 releases and takes the GIL around each
# one): each column fewer on the 162 rows of a 10-year ledger is ~1.5 % of a cold décompte
# (leaving those rows out by a WHERE cost the SQLite engine as much as the column).
_RAW_LEDGER_COLUMNS = (
    LedgerEntry.id,
    LedgerEntry.kind,
    LedgerEntry.entry_date,
    LedgerEntry.amount,
    LedgerEntry.label,
    Case(
        None,
        (
            (LedgerEntry.kind == PAYMENT, LedgerEntry.mode),
            (LedgerEntry.kind == REVERSAL, LedgerEntry.reason),
            (LedgerEntry.bearer == CREDITOR, None),
        ),
        LedgerEntry.breakdown,
    ),
    LedgerEntry.reverses,
)

# The décompte's three queries, their SQL written once (services/plain.py `Prepared`).
_LEDGER = Prepared(
    lambda dossier_id: (
        LedgerEntry.select(*_RAW_LEDGER_COLUMNS)
        .where(LedgerEntry.dossier == dossier_id)
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)
        .tuples()
    )
)
# The columns of the dossier the décompte reads (statement_input_of, interest_start,
# interest_terms), and the creditor's category in the same query: a row of 40 columns built
# into a model on every call cost more than the query.
STATEMENT_DOSSIER_COLUMNS = (
    Dossier.id,
    Dossier.reference,
    Dossier.opened_on,
    Dossier.interest_kind,
    Dossier.interest_from,
    Dossier.title_kind,
    Dossier.title_date,
    Dossier.title_enforceable_on,
    Dossier.majoration_points,
    Dossier.contractual_rate,
    Dossier.contractual_day_basis,
    Dossier.capitalisation_from,
    Dossier.allocation_order,
    Dossier.creditor,
    Creditor.is_individual,
)
_DOSSIER = Prepared(
    lambda dossier_id: (
        Dossier.select(*STATEMENT_DOSSIER_COLUMNS).join(Creditor).where(Dossier.id == dossier_id).limit(1)
    )
)
CLAIM_COLUMNS = (
    ClaimItemModel.id,
    ClaimItemModel.kind,
    ClaimItemModel.amount,
    ClaimItemModel.label,
    ClaimItemModel.interest_regime,
    ClaimItemModel.interest_from,
)
_CLAIMS = Prepared(
    lambda dossier_id: (
        ClaimItemModel.select(*CLAIM_COLUMNS).where(ClaimItemModel.dossier == dossier_id).order_by(ClaimItemModel.id)
    )
)


def ledger_events(
    entries: Sequence[LedgerRow] | Sequence[tuple[Any, ...]], at: date
) -> tuple[tuple[Charge, ...], tuple[Payment, ...], tuple[Reversal, ...]]:
    """A dossier's ledger rows (by entry date, then id; LedgerRow's columns in its order) as
    décompte events. A payment's reference is its ledger id. A reversed fee or disbursement
    was never owed: it leaves the décompte from its reversal date on (a décompte arrêté
    before that date still shows it).
    Charges the creditor bears (the A444-32 fee kept on a reversement), reversements and
    refunds are not the debtor's."""
    return _events([_event_of(*entry) for entry in entries], at)


class StatementCreditor(NamedTuple):
    is_individual: bool


class StatementDossier(NamedTuple):
    """The dossier's columns the décompte reads (STATEMENT_DOSSIER_COLUMNS), by their model's
    names: what `interest_terms`, `interest_start` and `statement_input_of` read of a Dossier."""

    id: int
    reference: str
    opened_on: date
    interest_kind: str | None
    interest_from: date | None
    title_kind: str | None
    title_date: date | None
    title_enforceable_on: date | None
    majoration_points: int
    contractual_rate: Decimal | None
    contractual_day_basis: str | None
    capitalisation_from: date | None
    allocation_order: str | None
    creditor_id: int
    creditor: StatementCreditor


class StatementClaim(NamedTuple):
    id: int
    kind: str
    amount: Decimal
    label: str
    interest_regime: str
    interest_from: date | None


# Each column's conversion, as peewee's own cursor applies it to a model's row (the rows are
# read raw: building a Dossier, its Creditor and three ClaimItem models through peewee's
# cursor cost five times the queries themselves).
_DOSSIER_CONVERTERS: tuple[Callable[[Any], Any], ...] = tuple(
    column.python_value for column in STATEMENT_DOSSIER_COLUMNS
)
_CLAIM_CONVERTERS: tuple[Callable[[Any], Any], ...] = tuple(column.python_value for column in CLAIM_COLUMNS)


def _dossier_and_claims(dossier_id: int) -> tuple[StatementDossier, list[StatementClaim]]:
    found = _DOSSIER.raw(dossier_id)
    if not found:
        raise InvalidInput("Ce dossier n'existe pas (ou plus).")
    *values, is_individual = (convert(value) for convert, value in zip(_DOSSIER_CONVERTERS, found[0], strict=True))
    dossier = StatementDossier._make([*values, StatementCreditor(is_individual)])
    claims = [
        StatementClaim._make(convert(value) for convert, value in zip(_CLAIM_CONVERTERS, row, strict=True))
        for row in _CLAIMS.raw(dossier_id)
    ]
    if not claims:  # refused before the ledger is read
        raise InvalidInput(f"Dossier {dossier.reference} : aucune somme due n'est saisie, pas de décompte possible.")
    return dossier, claims


def statement_input(dossier_id: int, at: date, *, convention: Convention | None = None) -> StatementInput:
    dossier, claims = _dossier_and_claims(dossier_id)
    return statement_input_of(dossier, claims, None, at, convention=convention)


def statement_input_of(
    dossier: Dossier | StatementDossier,
    claims: Sequence[ClaimItemModel] | Sequence[StatementClaim],
    entries: Sequence[LedgerRow] | Sequence[tuple[Any, ...]] | None,
    at: date,
    *,
    convention: Convention | None = None,
) -> StatementInput:
    """The décompte's input from rows already read: the dossier (its creditor joined), its
    claim items by id, its ledger rows by entry date then id (None: read here). A batch reads
    them for many dossiers at once (services/balances.py)."""
    items = _claim_items(dossier, claims)
    if not items:
        raise InvalidInput(f"Dossier {dossier.reference} : aucune somme due n'est saisie, pas de décompte possible.")
    events = ledger_inputs(dossier.id, at) if entries is None else ledger_events(entries, at)
    return _input_of(dossier, items, events, at, convention)


def _claim_items(
    dossier: Dossier | StatementDossier, claims: Sequence[ClaimItemModel] | Sequence[StatementClaim]
) -> tuple[ClaimItem, ...]:
    """The claim items with their own interest terms (docs/law/interest.md §6): `dossier`, the
    dossier's (from the item's start, else the dossier's); `legal`, the legal rate from the
    item's start, else the title's date (art. 1231-7 C. civ.: from the judgment); `none`."""
    items = []
    legal = None
    for c in claims:
        regime = c.interest_regime if c.kind != DEPENS else REGIME_NONE
        if regime == REGIME_LEGAL:
            legal = legal or legal_terms(dossier)
            start = c.interest_from or dossier.title_date or dossier.interest_from
            if start is None:
                raise InvalidInput(
                    f"Dossier {dossier.reference} : « {c.label} » porte intérêt au taux légal, mais ni sa date "
                    "de départ, ni la date du titre, ni celle des intérêts du dossier ne sont renseignées : "
                    "complétez le dossier (touche e).",
                    field="title_date",
                )
            items.append(ClaimItem(c.kind, c.amount, c.label, True, legal, start))
        elif regime == REGIME_DOSSIER:
            items.append(ClaimItem(c.kind, c.amount, c.label, True, None, c.interest_from))
        elif regime == REGIME_NONE:
            items.append(ClaimItem(c.kind, c.amount, c.label, False))
        else:
            raise InvalidInput(f"Dossier {dossier.reference} : régime d'intérêts inconnu « {regime} » ({c.label}).")
    return tuple(items)


def _input_of(
    dossier: Dossier | StatementDossier,
    items: tuple[ClaimItem, ...],
    events: tuple[tuple[Charge, ...], tuple[Payment, ...], tuple[Reversal, ...]],
    at: date,
    convention: Convention | None,
) -> StatementInput:
    charges, payments, reversals = events
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
    A batch over many dossiers passes the étude's `rates` and `convention`, read once.

    Everything is read on every call; the décompte is computed again only when something
    read differs from the previous call for this dossier (the tab redraws, the app asks again
    for the same dossier): the previous result is returned for the same inputs, compared
    value by value (the ledger rows as read, the dossier's and claims' columns as written,
    the convention, the same validated rate tables), never by time or by a flag."""
    dossier, claims = _dossier_and_claims(dossier_id)
    raw = _LEDGER.raw(dossier_id)
    convention = convention if convention is not None else etude_convention()
    rates = rates if rates is not None else current_rates()
    key = (at, convention, _dossier_key(dossier), repr([_claim_key(c) for c in claims]), raw)
    previous = _PREVIOUS.get(dossier_id)
    if previous is not None and previous[1] is rates and previous[0] == key:
        return previous[2]
    items = _claim_items(dossier, claims)
    data = _input_of(dossier, items, _events(_row_events(raw), at), at, convention)
    statement = compute_statement(data, rates)
    with _PREVIOUS_LOCK:  # screens compute in worker threads (screens/work.py)
        if len(_PREVIOUS) >= _PREVIOUS_SIZE and dossier_id not in _PREVIOUS:
            del _PREVIOUS[next(iter(_PREVIOUS))]  # the oldest dossier asked
        _PREVIOUS[dossier_id] = (key, rates, statement)
    return statement


# dossier id -> (what its last décompte was computed from, the rate tables (the same object:
# services/rates.py keeps one per content), the décompte); a few dossiers (the one on screen,
# the ones just left), a Statement being immutable.
_PREVIOUS: dict[int, tuple[tuple[Any, ...], Rates, Statement]] = {}
_PREVIOUS_SIZE = 16
_PREVIOUS_LOCK = threading.Lock()


def forget_previous_statements(*, ledger_rows: bool = False) -> None:
    """Forget the décomptes kept (a benchmark measures the computation again), and with
    `ledger_rows` the ledger rows' events too (from scratch, as on the app's first décompte)."""
    _PREVIOUS.clear()
    if ledger_rows:
        _ROW_EVENTS.clear()


def _dossier_key(dossier: Dossier | StatementDossier) -> str:
    """The dossier's columns the décompte reads, as written (5 and 5.0 points are equal, not printed alike)."""
    values = [getattr(dossier, column.name) for column in STATEMENT_DOSSIER_COLUMNS[:-2]]
    return repr((values, dossier.creditor_id, dossier.creditor.is_individual))


def _claim_key(claim: ClaimItemModel | StatementClaim) -> tuple[Any, ...]:
    return (claim.id, claim.kind, claim.amount, claim.label, claim.interest_regime, claim.interest_from)


def statement_by_reference(reference: str, at: date) -> Statement:
    dossier = Dossier.get_or_none(Dossier.reference == (reference or "").strip())
    if dossier is None:
        raise InvalidInput(f"Aucun dossier ne porte la référence « {reference} ».")
    return dossier_statement(dossier.id, at)


def calculate_interest(principal, start: date, end: date, terms: InterestTerms) -> InterestResult:
    """An ad-hoc computation (calculator) with the étude's rates and convention."""
    return compute_interest(principal, start, end, terms, rates=current_rates(), convention=etude_convention())
