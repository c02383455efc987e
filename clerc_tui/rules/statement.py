"""The décompte of a dossier at an "arrêté au" date, from pure inputs.

Events are processed in date order: costs are added when incurred, interest accrues on
the interest-bearing principal between events, each payment is imputed on its date
(allocation.py), a payment rejected by the arrêté date counts as never received (its
imputation at the time is shown, struck out), and unpaid interest is capitalised on each
anniversary when the title or contract orders it. An interest line ends only where the
base changes (docs/law/interest.md): a cost, or a payment that settles only costs and
interest, leaves the running line open.
The result carries what a saisie-attribution deed must show separately (art. R211-1
CPCE): principal, frais, interest due, and one month of interest to come.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import attrgetter

from clerc_tui.errors import InvalidInput, MissingRate
from clerc_tui.rules.allocation import DEFAULT_ORDER, Allocation, check_order, impute
from clerc_tui.rules.calendar import shift_months
from clerc_tui.rules.french import format_amount, format_date, format_percent
from clerc_tui.rules.frozen import maker
from clerc_tui.rules.interest import (
    KIND_LABELS,
    NONE,
    Accrual,
    Capitalisation,
    Convention,
    InterestLine,
    InterestTerms,
    RateSchedule,
    capitalisation_anniversaries,
    interest_lines,
    lines_total,
    made_capitalisation,
)
from clerc_tui.rules.money import ZERO, check_amount, is_cents, round_cents
from clerc_tui.rules.rates import Rates
from clerc_tui.rules.vocabulary import CLAIM_KINDS as CLAIM_LABELS
from clerc_tui.rules.vocabulary import LEDGER_KINDS, lower_first

PRINCIPAL = "principal"
DEPENS = "depens"
ARTICLE_700 = "article_700"
CLAUSE_PENALE = "clause_penale"
AUTRE = "autre"
CLAIM_KINDS = (PRINCIPAL, DEPENS, ARTICLE_700, CLAUSE_PENALE, AUTRE)
# The interest regime of a claim item (rules/vocabulary.py CLAIM_INTEREST_REGIMES): the
# dossier's terms, the legal rate (from the title's date unless the item says otherwise), none.
REGIME_DOSSIER = "dossier"
REGIME_LEGAL = "legal"
REGIME_NONE = "none"
REGIMES = (REGIME_DOSSIER, REGIME_LEGAL, REGIME_NONE)
# What a new item bears when nobody says otherwise: the contract's sums the dossier's terms;
# an indemnity awarded by a judgment (article 700, a clause pénale's sum) the legal rate from
# the judgment (art. 1231-7 C. civ.); dépens none (they are frais here). An « autre somme » is
# whatever the title says: the dossier's terms until the clerc chooses.
DEFAULT_REGIMES = {
    PRINCIPAL: REGIME_DOSSIER,
    DEPENS: REGIME_NONE,
    ARTICLE_700: REGIME_LEGAL,
    CLAUSE_PENALE: REGIME_LEGAL,
    AUTRE: REGIME_DOSSIER,
}
CHARGE_KINDS = ("fee", "disbursement")
CHARGE_LABELS = {kind: lower_first(LEDGER_KINDS[kind]) for kind in CHARGE_KINDS}


@dataclass(frozen=True)
class ClaimItem:
    """A sum the title awards. Dépens are costs: they are imputed and shown with the frais.
    `bears_interest` defaults to True for the principal only; set it for the other items
    the title makes bear interest (e.g. an article 700 sum, art. 1231-7 C. civ.).

    Each item bearing interest accrues on its own terms from its own day: `terms` (None: the
    décompte's, i.e. the dossier's — the contract's sums) and `interest_from` (None: the
    décompte's start). An indemnity awarded by a judgment (article 700, dommages-intérêts)
    bears the legal rate from the judgment (art. 1231-7 C. civ.), not the contract's rate:
    the services give it those terms (docs/law/interest.md §6)."""

    kind: str
    amount: Decimal
    label: str = ""
    bears_interest: bool | None = None
    terms: InterestTerms | None = None
    interest_from: date | None = None

    def __post_init__(self) -> None:
        if self.kind not in CLAIM_KINDS:
            raise InvalidInput(f"Nature de créance inconnue : « {self.kind} » ({', '.join(CLAIM_KINDS)}).")
        object.__setattr__(self, "amount", check_amount(self.amount, CLAIM_LABELS[self.kind]))
        if self.bears_interest is None:
            object.__setattr__(self, "bears_interest", self.kind == PRINCIPAL)
        if self.kind == DEPENS and self.bears_interest:
            raise InvalidInput("Les dépens sont comptés avec les frais et ne portent pas intérêt dans ce décompte.")
        if not self.label:
            object.__setattr__(self, "label", CLAIM_LABELS[self.kind])

    @property
    def is_cost(self) -> bool:
        return self.kind == DEPENS


@dataclass(frozen=True)
class Charge:
    """Frais of the dossier: an émolument (fee) or a sum paid out (disbursement).
    `after_payments`: owed only after the payments of its own day (a proportional recovery
    fee computed on them cannot be paid by them)."""

    on: date
    amount: Decimal
    label: str
    kind: str = "fee"
    after_payments: bool = False

    def __post_init__(self) -> None:
        if self.kind not in CHARGE_KINDS:
            raise InvalidInput(f"Nature de frais inconnue : « {self.kind} » (fee ou disbursement).")
        if not (is_cents(self.amount) and self.amount >= ZERO):  # the label is written only for a message
            object.__setattr__(self, "amount", check_amount(self.amount, f"Frais « {self.label} »"))


def made_charge(on: date, amount: Decimal, label: str, kind: str = "fee", after_payments: bool = False) -> Charge:
    """`Charge(on, amount, label, kind, after_payments)`, its fields set at once when its checks
    would keep them unchanged (a known kind, an amount in cents not below zero: a ledger row's
    amount read from the base), else through them (`frozen.maker`: a décompte reads ~40 fees)."""
    if kind in CHARGE_KINDS and is_cents(amount) and amount >= ZERO:
        return _make_charge(on, amount, label, kind, after_payments)
    return Charge(on, amount, label, kind, after_payments)


@dataclass(frozen=True)
class Payment:
    on: date
    amount: Decimal
    ref: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        amount = self.amount
        if is_cents(amount) and amount > ZERO:
            return  # already what the checks below would store (a décompte reads ~120 of them)
        if not is_cents(amount):  # the label is written only for a message
            amount = check_amount(amount, f"Paiement du {format_date(self.on)}")
        if amount <= 0:
            raise InvalidInput(f"Paiement du {format_date(self.on)} : le montant doit être supérieur à zéro.")
        object.__setattr__(self, "amount", amount)


def made_payment(on: date, amount: Decimal, ref: str = "", label: str = "") -> Payment:
    """`Payment(on, amount, ref, label)`, its fields set at once when the amount is already what
    its checks keep unchanged (in cents, above zero: a ledger row's amount read from the base),
    else through them (`frozen.maker`: a décompte reads ~120 payments)."""
    if not (is_cents(amount) and amount > ZERO):
        return Payment(on, amount, ref, label)
    return made_payment_fields(on, amount, ref, label)


@dataclass(frozen=True)
class Reversal:
    """A payment cancelled afterwards (cheque rejected, transfer recalled)."""

    on: date
    payment_ref: str
    reason: str = ""


@dataclass(frozen=True)
class StatementInput:
    at: date
    items: tuple[ClaimItem, ...]
    interest_from: date
    terms: InterestTerms = field(default_factory=InterestTerms)
    charges: tuple[Charge, ...] = ()
    payments: tuple[Payment, ...] = ()
    reversals: tuple[Reversal, ...] = ()
    convention: Convention = field(default_factory=Convention)
    allocation_order: tuple[str, ...] = DEFAULT_ORDER
    reference: str = ""
    # Date of the executory title: interest accrued from it on is post-judgment interest,
    # prescribed by five years (art. 2224 C. civ.). None: no warning is computed.
    title_date: date | None = None


@dataclass(frozen=True)
class PaymentLine:
    payment: Payment
    allocation: Allocation
    on_bearing_principal: Decimal  # part of allocation.principal taken from interest-bearing items
    balance_after: Decimal  # total due right after the payment
    reversed_on: date | None = None


# `PaymentLine(payment, allocation, on_bearing_principal, balance_after)`, its fields set at
# once (`frozen.maker`: a décompte builds one per payment).
made_payment_line = maker(PaymentLine)
_make_charge = maker(Charge)
# `Payment(on, amount, ref, label)` with its fields set at once, for an amount its checks keep
# unchanged (in cents, above zero): `made_payment` tests it; a caller that knows it (a ledger
# row's cents above zero, services/statement.py) calls this directly.
made_payment_fields = maker(Payment)


@dataclass(frozen=True)
class ReversalLine:
    reversal: Reversal
    payment: Payment
    reopened: Allocation


@dataclass(frozen=True)
class SeizureSplit:
    """The separate amounts a saisie-attribution deed states (art. R211-1 CPCE)."""

    principal: Decimal
    frais: Decimal
    interets: Decimal
    interest_to_come: Decimal | None  # provision for one month; None when a rate is missing

    @property
    def total(self) -> Decimal:
        return self.principal + self.frais + self.interets + (self.interest_to_come or ZERO)


@dataclass(frozen=True)
class InterestStream:
    """The items bearing interest on the same terms from the same day: one base, its own
    lines and capitalisations (a décompte prints one group of lines per stream)."""

    items: tuple[ClaimItem, ...]
    terms: InterestTerms
    start: date
    lines: tuple[InterestLine, ...]
    capitalisations: tuple[Capitalisation, ...]
    principal_due: Decimal  # what is left of its base (capitalised interest included)
    interest_due: Decimal

    @property
    def label(self) -> str:
        """« Principal », « Article 700 CPC et clause pénale »…"""
        labels = [item.label for item in self.items]
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " et " + lower_first(labels[-1])

    def describe(self) -> str:
        """« Article 700 CPC : intérêt légal (…), à compter du 10/03/2025 »."""
        return f"{self.label} : {self.terms.describe()}, à compter du {format_date(self.start)}"

    def short(self) -> str:
        """What the items of the stream bear, in a table cell: « intérêt légal dès le 10/03/2025 »,
        « intérêt conventionnel 9,90 % dès le 10/08/2022 »."""
        text = KIND_LABELS[self.terms.kind]
        if self.terms.rate is not None:
            text += f" {format_percent(self.terms.rate)}"
        return f"{text} dès le {format_date(self.start)}"


@dataclass(frozen=True)
class Statement:
    reference: str
    at: date
    interest_from: date
    terms: InterestTerms
    convention: Convention
    allocation_order: tuple[str, ...]
    items: tuple[ClaimItem, ...]
    interest_lines: tuple[InterestLine, ...]
    capitalisations: tuple[Capitalisation, ...]
    charges: tuple[Charge, ...]
    payments: tuple[PaymentLine, ...]
    reversals: tuple[ReversalLine, ...]
    interest_accrued: Decimal
    principal_due: Decimal
    interest_due: Decimal
    frais_due: Decimal
    credit: Decimal
    interest_to_come: Decimal | None
    interest_to_come_until: date
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # for the clerc to decide on (art. 2224 C. civ.), printed first
    # One per group of items bearing interest on the same terms from the same day, in the
    # order of their first item; `interest_lines` and `capitalisations` hold all of theirs.
    streams: tuple[InterestStream, ...] = ()

    @property
    def total_due(self) -> Decimal:
        return self.principal_due + self.interest_due + self.frais_due

    @property
    def one_regime(self) -> bool:
        """Every item bearing interest does so on the dossier's terms from its start: the
        décompte prints one group of interest lines, as before items had their own terms."""
        return all(st.terms == self.terms and st.start == self.interest_from for st in self.streams)

    def stream_of(self, item: ClaimItem) -> InterestStream | None:
        """The stream an item accrues in (None: it bears no interest)."""
        return next((st for st in self.streams if any(i is item for i in st.items)), None)

    @property
    def paid(self) -> Decimal:
        return sum((p.payment.amount for p in self.payments if p.reversed_on is None), ZERO)

    @property
    def capitalised(self) -> Decimal:
        return sum((c.amount for c in self.capitalisations), ZERO)

    @property
    def frais_charged(self) -> Decimal:
        return sum((c.amount for c in self.charges), ZERO) + sum((i.amount for i in self.items if i.is_cost), ZERO)

    @property
    def uses_etude_rates(self) -> bool:
        return any(line.from_etude for line in self.interest_lines)

    @property
    def seizure(self) -> SeizureSplit:
        return SeizureSplit(self.principal_due, self.frais_due, self.interest_due, self.interest_to_come)


_ON = attrgetter("on")

# Same-day order: costs are owed before a payment that day settles them; a payment is
# imputed on interest échus before they are capitalised the same day (art. 1343-1 first).
# A proportional fee computed on a day's payments comes after them (_LATE_CHARGE).
_CHARGE, _PAYMENT, _REVERSAL, _CAPITALISATION, _LATE_CHARGE = range(5)


class _Stream:
    """The running state of one interest stream while the events are processed: its base,
    the interest of its closed lines less what payments took of it (below zero while a
    payment took interest of the line still running), where its running line starts."""

    __slots__ = (
        "accrual",
        "accrued",
        "base",
        "caps",
        "cursor",
        "index",
        "interets",
        "items",
        "lines",
        "schedule",
        "start",
        "terms",
    )

    def __init__(self, index: int, terms: InterestTerms, start: date, stop: date, rates: Rates) -> None:
        self.index, self.terms, self.start = index, terms, start
        self.items: list[ClaimItem] = []
        self.base, self.interets, self.accrued, self.cursor = ZERO, ZERO, ZERO, start
        # The rate segments of the whole span, cut once; each request slices them (docs/law/interest.md).
        self.schedule = RateSchedule(start, stop, terms, rates)
        # What the running line (from `cursor` on `base`) totals at each day asked: built once
        # per change of base (`close` and the changes of `base` after it drop it).
        self.accrual: Accrual | None = None
        self.lines: list[InterestLine] = []
        self.caps: list[Capitalisation] = []

    def running(self, day: date, stop: date, conv: Convention) -> Decimal:
        """What the lines from the previous cut to `day` would total, were the base to change
        on `day` (the lines themselves are built only when the base does change: `close`)."""
        end = day if day < stop else stop
        if end <= self.cursor:
            return ZERO
        if self.accrual is None:
            self.accrual = self.schedule.accrual(self.cursor, self.base, conv)
        return self.accrual.to(end)

    def close(self, day: date, stop: date, rates: Rates, conv: Convention) -> Decimal:
        """End the running line on `day` (the base changes): its lines are kept, their total returned."""
        end = min(day, stop)
        amount = ZERO
        if end > self.cursor:
            new = interest_lines(self.cursor, end, self.base, self.terms, rates, conv, schedule=self.schedule)
            self.lines.extend(new)
            amount = lines_total(new, conv)
            self.interets += amount
            self.accrued += amount
        self.cursor = max(self.cursor, end)
        self.accrual = None  # the base changes after a close (or the period is over)
        return amount


def _streams(data: StatementInput, stop: date, rates: Rates) -> list[_Stream]:
    """The interest-bearing items grouped by their terms and start, in the order of their
    first item (the principal first, as entered)."""
    streams: dict[tuple[InterestTerms, date], _Stream] = {}
    for item in data.items:
        if item.is_cost or not item.bears_interest:
            continue
        terms = item.terms if item.terms is not None else data.terms
        start = item.interest_from if item.interest_from is not None else data.interest_from
        key = (terms, start)
        stream = streams.get(key)
        if stream is None:
            stream = streams[key] = _Stream(len(streams), terms, start, stop, rates)
        stream.items.append(item)
        stream.base += item.amount
    return list(streams.values())


def _ranked(streams: list[_Stream], day: date) -> list[_Stream]:
    """Several streams: the order a payment settles their interest, then their principal
    (art. 1342-10 al. 2 C. civ.: the debt the debtor had most interest in paying — the
    highest rate on the day —, then the oldest — the earliest start —, then as entered)."""
    if len(streams) < 2:
        return streams
    return sorted(streams, key=lambda s: (-s.schedule.rate_on(day), s.start, s.index))


def _take(amount: Decimal, owed: list[Decimal]) -> list[Decimal]:
    """`amount` split over the streams in turn, each taking at most what it `owed`."""
    parts = []
    for due in owed:
        part = due if due < amount else amount
        parts.append(part)
        amount -= part
    return parts


def compute_statement(data: StatementInput, rates: Rates | None = None) -> Statement:
    rates = rates or Rates.shipped()
    conv, terms = data.convention, data.terms
    order = check_order(data.allocation_order)
    if not data.items:
        raise InvalidInput("Le décompte suppose au moins une somme due (principal, dépens…).")

    refs: dict[str, Payment] = {}  # by date, as numbered
    for number, payment in enumerate(sorted(data.payments, key=_ON), start=1):
        ref = payment.ref
        if not ref:
            ref = f"P{number}"
            payment = Payment(payment.on, payment.amount, ref, payment.label)
        if ref in refs:
            raise InvalidInput(f"Deux paiements portent la même référence « {ref} ».")
        refs[ref] = payment
    payments = list(refs.values())
    for reversal in data.reversals:
        target = refs.get(reversal.payment_ref)
        if target is None:
            raise InvalidInput(
                f"Annulation du {format_date(reversal.on)} : paiement « {reversal.payment_ref} » inconnu."
            )
        if reversal.on < target.on:
            raise InvalidInput(
                f"Le paiement du {format_date(target.on)} ne peut pas être annulé avant d'avoir été reçu "
                f"(annulation datée du {format_date(reversal.on)})."
            )
    if len({r.payment_ref for r in data.reversals}) != len(data.reversals):
        raise InvalidInput("Un même paiement est annulé deux fois.")

    at = data.at
    stop = conv.counted_end(at)
    streams = _streams(data, stop, rates)
    rejected = {r.payment_ref for r in data.reversals if r.on <= at}
    events: list[tuple[date, int, int, Charge | Payment | Reversal | None]] = []
    events += [
        (c.on, _LATE_CHARGE if c.after_payments else _CHARGE, n, c) for n, c in enumerate(data.charges) if c.on <= at
    ]
    events += [(p.on, _PAYMENT, n, p) for n, p in enumerate(payments) if p.on <= at]
    events += [(r.on, _REVERSAL, n, r) for n, r in enumerate(data.reversals) if r.on <= at]
    for stream in streams:
        capitalisation_from = stream.terms.capitalisation_from
        if capitalisation_from and stream.terms.kind != NONE:
            events += [
                (k, _CAPITALISATION, stream.index, None)
                for k in capitalisation_anniversaries(capitalisation_from, stream.start, stop)
            ]
    events.sort()  # (day, kind code, index) is unique: the event itself is never compared

    frais = sum((i.amount for i in data.items if i.is_cost), ZERO)
    other = sum((i.amount for i in data.items if not i.is_cost and not i.bears_interest), ZERO)
    credit, interest_paid = ZERO, ZERO
    charges, paid, reversed_lines, notes = [], {}, [], []

    one = streams[0] if len(streams) == 1 else None
    for day, _, index, event in events:  # the kind code orders the events of a day; the type says which
        if isinstance(event, Payment):
            if one is not None:  # the usual case, without the lists of several streams
                due = one.interets + one.running(day, stop, conv)
                bearing = one.base
            else:
                ranked = _ranked(streams, day)
                owed = [s.interets + s.running(day, stop, conv) for s in ranked]
                bases = [s.base for s in ranked]
                due, bearing = sum(owed, ZERO), sum(bases, ZERO)
            principal_owed = bearing + other
            allocation = impute(event.amount, frais, due, principal_owed, order)
            on_bearing = bearing if bearing < allocation.principal else allocation.principal  # min(), no call
            # The total due after the payment: what was owed less what the payment settled (its
            # amount less the credit it leaves). The same cents as the sum of what each bucket
            # keeps, in three operations fewer: every term is in cents, the sums are exact.
            after = frais + due + principal_owed - (event.amount - allocation.credit)
            if event.ref in rejected:
                # Rejected by the arrêté date: never received. Its imputation at the time is
                # shown, nothing of it is applied (the interest, capitalisation included, runs
                # as if it had never been paid).
                paid[event.ref] = made_payment_line(event, allocation, on_bearing, after, None)
                continue
            if one is not None:
                if on_bearing > ZERO:
                    one.close(day, stop, rates, conv)
                    one.base -= on_bearing
                one.interets -= allocation.interets
            else:
                on_interest = _take(allocation.interets, owed)
                on_principal = _take(on_bearing, bases)
                for stream, to_interest, to_principal in zip(ranked, on_interest, on_principal, strict=True):
                    if to_principal > ZERO:
                        stream.close(day, stop, rates, conv)
                        stream.base -= to_principal
                    stream.interets -= to_interest
            frais -= allocation.frais
            interest_paid += allocation.interets
            # Two balances a payment seldom moves, left as they are when it does not (less 0.00
            # they would be the same cents): the sums bearing no interest, the credit to refund.
            if on_bearing is not allocation.principal:  # a part of the principal settled went to them
                other -= allocation.principal - on_bearing
            if allocation.credit:
                credit += allocation.credit
            paid[event.ref] = made_payment_line(event, allocation, on_bearing, after, None)
        elif isinstance(event, Charge):  # costs bear no interest: no line ends at a fee's date
            frais += event.amount
            charges.append(event)
        elif isinstance(event, Reversal):
            line = paid.get(event.payment_ref)
            if line is None:  # the payment is after the arrêté date: nothing to re-open
                continue
            paid[event.payment_ref] = PaymentLine(
                line.payment, line.allocation, line.on_bearing_principal, line.balance_after, reversed_on=event.on
            )
            reversed_lines.append(ReversalLine(event, line.payment, line.allocation))
        else:  # a capitalisation anniversary of the stream `index`
            stream = streams[index]
            if stream.interets + stream.running(day, stop, conv) > ZERO:
                stream.close(day, stop, rates, conv)
                stream.base += stream.interets
                stream.caps.append(made_capitalisation(day, stream.interets, stream.base))
                stream.interets = ZERO
    for stream in streams:
        stream.close(stop, stop, rates, conv)
    accrued = sum((s.accrued for s in streams), ZERO)
    lines = [line for stream in streams for line in stream.lines]
    caps = sorted((cap for stream in streams for cap in stream.caps), key=lambda cap: cap.on)
    bearing = sum((s.base for s in streams), ZERO)
    interets = sum((s.interets for s in streams), ZERO)

    until = shift_months(data.at, 1)
    to_come: Decimal | None
    try:
        amounts = [
            lines_total(interest_lines(stop, conv.counted_end(until), s.base, s.terms, rates, conv), conv)
            for s in streams
        ]
        to_come = sum(amounts[1:], amounts[0]) if amounts else lines_total([], conv)
    except MissingRate as exc:
        to_come = None
        notes.append(f"Provision d'un mois d'intérêts à échoir non calculée : {exc.message}")
    if other > 0 and bearing == ZERO and terms.kind != NONE:
        notes.append("Les sommes restant dues en principal ne portent pas intérêt.")
    if caps:
        notes.append(
            "Intérêts échus capitalisés chaque année (art. 1343-2 C. civ.) : ils sont inclus dans le "
            "principal restant dû."
        )

    warnings = prescription_warnings(lines, data.title_date, data.at, conv, interest_paid)

    return Statement(
        reference=data.reference,
        at=data.at,
        interest_from=data.interest_from,
        terms=terms,
        convention=conv,
        allocation_order=order,
        items=tuple(data.items),
        interest_lines=tuple(lines),
        capitalisations=tuple(caps),
        charges=tuple(charges),
        # The payments up to the arrêté date, in their order: `paid` took them in that order (the
        # events of the payments sort as `payments` does; a reversal replaces its line in place).
        payments=tuple(paid.values()),
        reversals=tuple(reversed_lines),
        interest_accrued=accrued,
        principal_due=bearing + other,
        interest_due=interets,
        frais_due=frais,
        credit=credit,
        interest_to_come=to_come,
        interest_to_come_until=until,
        notes=tuple(notes),
        warnings=warnings,
        streams=tuple(
            InterestStream(tuple(s.items), s.terms, s.start, tuple(s.lines), tuple(s.caps), s.base, s.interets)
            for s in streams
        ),
    )


PRESCRIPTION_YEARS = 5


def prescription_warnings(
    lines: Iterable[InterestLine], title_date: date | None, at: date, conv: Convention, interest_paid: Decimal
) -> tuple[str, ...]:
    """Art. 2224 C. civ.: interest accruing after the title is a periodic sum, prescribed by
    five years although the title is enforceable for ten (L111-4 CPCE): warn when the
    décompte still claims post-title interest accrued more than five years before `at`.
    Payments are imputed on the oldest interest first, so what was paid of interest covers
    the oldest days before the post-title ones. Nothing is cut: the clerc decides."""
    if title_date is None:
        return ()
    cutoff = shift_months(at, -12 * PRESCRIPTION_YEARS)
    if cutoff <= title_date:
        return ()
    before_title, old = ZERO, ZERO
    first = None
    past = max(title_date, cutoff)
    for line in lines:  # a line from `past` on has no day before the title nor the cutoff
        start = line.start
        if start >= past:
            continue
        end = line.counted_end
        if title_date <= start and end <= cutoff and line.days > 0:
            # Wholly old: its amount is the line's own (`interest_lines` rounds the same product
            # of the same base, rate, days and divisor), not computed again (~35 lines in 10 years).
            old += line.amount
            first = start if first is None else min(first, start)
            continue
        for lo, hi, bucket in (
            (line.start, min(end, title_date), "before"),
            (max(line.start, title_date), min(end, cutoff), "old"),
        ):
            days = (hi - lo).days
            if days <= 0:
                continue
            amount = round_cents(line.base * line.rate * days / line.divisor)
            if bucket == "before":
                before_title += amount
            else:
                old += amount
                first = lo if first is None else min(first, lo)
    unpaid = min(old, max(ZERO, before_title + old - interest_paid))
    if unpaid <= 0:
        return ()
    last = conv.shown_end(cutoff)
    return (
        f"Prescription quinquennale (art. 2224 C. civ.) : ce décompte réclame {format_amount(unpaid)} "
        f"d'intérêts postérieurs au titre du {format_date(title_date)} courus du {format_date(first)} au "
        f"{format_date(last)}, plus de cinq ans avant la date d'arrêté. Le débiteur peut en opposer la "
        "prescription ; ils restent inclus dans ce décompte : à vous de décider.",
    )
