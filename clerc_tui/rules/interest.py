"""Simple interest on a claim, line by line, as a décompte shows it.

A period is split only where something changes (docs/law/interest.md): a new legal rate
(1 January; also 1 July from 2015, the rate having been annual before), a new L441-10
half-year, the start of the L313-3 majoration, a change of base (payment reaching the
principal) and a capitalisation. Each line is base × rate × days / divisor: 36 500 for
legal interest and L441-10 penalties (the étude's Convention), the contract's day basis
for contractual interest (civil year by default). The Convention says how days are
counted and how amounts are rounded, and is printed on every décompte.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from clerc_tui.errors import InvalidInput, MissingRate
from clerc_tui.rules.calendar import shift_months
from clerc_tui.rules.french import format_date, format_decimal, format_integer, format_percent
from clerc_tui.rules.frozen import maker
from clerc_tui.rules.money import CENT, ZERO, check_amount, round_cents
from clerc_tui.rules.rates import (
    AUTRES,
    CATEGORY_LABELS,
    ETUDE_MARK,
    RateRow,
    Rates,
    check_category,
    half_year_start,
    next_half_year,
)
from clerc_tui.rules.vocabulary import INTEREST_KINDS, lower_first

END_MINUS_START = "end_minus_start"
INCLUSIVE_BOTH = "inclusive_both"
DAY_COUNTS = (END_MINUS_START, INCLUSIVE_BOTH)
PER_LINE = "per_line"
TOTAL = "total"
ROUNDINGS = (PER_LINE, TOTAL)
# SP (fiches F783, F20688): divide by 36 500 even in leap years.
DEFAULT_DIVISOR = 36500

LEGAL = "legal"
CONTRACTUAL = "contractual"
COMMERCIAL = "commercial"
NONE = "none"
KINDS = (LEGAL, CONTRACTUAL, COMMERCIAL, NONE)
LEGAL_MAJORATED = "legal_majorated"  # line kind only

# Day basis of contractual interest (docs/law/interest.md): the civil year by default
# (365 days, 366 in a leap year: Cass. 1re civ., 19 June 2013, n° 12-16.651), or the
# year the contract writes.
CIVIL_YEAR = "civil"
YEAR_365 = "365"
YEAR_360 = "360"
DAY_BASES = (CIVIL_YEAR, YEAR_365, YEAR_360)
DAY_BASIS_LABELS = {
    CIVIL_YEAR: "année civile (365 jours, 366 en année bissextile)",
    YEAR_365: "année de 365 jours (prévue au contrat)",
    YEAR_360: "année de 360 jours (prévue au contrat)",
}

# The labels of rules/vocabulary.py, as they read inside a sentence of the décompte.
KIND_LABELS = {kind: lower_first(INTEREST_KINDS[kind]) for kind in (LEGAL, CONTRACTUAL, COMMERCIAL, NONE)}

MAX_MAJORATION = Decimal(5)
# L441-10 C. com.: ECB rate + 10 points; an agreed rate may not be below 3 × the legal rate.
COMMERCIAL_POINTS = Decimal(10)
COMMERCIAL_FLOOR_FACTOR = Decimal(3)
# The semester rule of L441-10 (ECB rate on 1 January / 1 July) dates from loi n° 2012-387, art. 121.
COMMERCIAL_SINCE = date(2013, 1, 1)
# D441-5 C. com.: flat recovery indemnity per invoice paid late.
COMMERCIAL_INDEMNITY = Decimal("40.00")


def majoration_start(enforceable_on: date) -> date:
    """First day of the +5 points (art. L313-3 CMF): two months after the decision became
    enforceable, i.e. the day after `enforceable_on` + 2 months (month end when that day does
    not exist, art. 641 CPC logic — docs/law/statement.md §2)."""
    return shift_months(enforceable_on, 2) + timedelta(days=1)


def capitalisation_dates(since: date, after: date, before: date) -> list[date]:
    """Yearly anniversaries of `since` strictly between `after` and `before`."""
    found: list[date] = []
    years = 1
    while True:
        day = shift_months(since, 12 * years)
        if day >= before:
            return found
        if day > after:
            found.append(day)
        years += 1


def capitalisation_anniversaries(capitalisation_from: date, interest_from: date, before: date) -> list[date]:
    """The days interest échus is added to the base, strictly before `before` (art. 1343-2
    C. civ.: only interest due for at least a whole year produces interest). Counted from
    the later of the capitalisation date and the interest start: an order dated before the
    interest starts cannot capitalise less than a year of it."""
    anchor = max(capitalisation_from, interest_from)
    return capitalisation_dates(anchor, interest_from, before)


def year_length(year: int) -> int:
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


@dataclass(frozen=True)
class Convention:
    """How the étude counts days and rounds (a setting of the étude, printed on the décompte)."""

    day_count: str = END_MINUS_START
    rounding: str = PER_LINE
    divisor: int = DEFAULT_DIVISOR

    def __post_init__(self) -> None:
        if self.day_count not in DAY_COUNTS:
            raise InvalidInput(
                f"Mode de décompte des jours inconnu : « {self.day_count} » ({' ou '.join(DAY_COUNTS)}).",
                field="day_count",
            )
        if self.rounding not in ROUNDINGS:
            raise InvalidInput(
                f"Mode d'arrondi inconnu : « {self.rounding} » ({' ou '.join(ROUNDINGS)}).", field="rounding"
            )
        if not isinstance(self.divisor, int) or self.divisor <= 0:
            raise InvalidInput(f"Diviseur invalide : {self.divisor}.", field="divisor")

    @property
    def inclusive(self) -> bool:
        return self.day_count == INCLUSIVE_BOTH

    def counted_end(self, end: date) -> date:
        """The first day NOT counted when the period ends on `end`."""
        return end + timedelta(days=1) if self.inclusive else end

    def shown_end(self, boundary: date) -> date:
        return boundary - timedelta(days=1) if self.inclusive else boundary

    def describe(self, terms: InterestTerms | None = None) -> str:
        """The convention in words; with `terms`, the day basis of that rate type."""
        days = (
            "jours = date de fin − date de début (le jour de départ compté, le dernier non)"
            if not self.inclusive
            else "jours comptés du premier au dernier jour inclus"
        )
        rounding = (
            "chaque ligne arrondie au centime le plus proche (demi-centime au supérieur), total = somme des lignes"
            if self.rounding == PER_LINE
            else "lignes calculées sans arrondi, total arrondi au centime (demi-centime au supérieur)"
        )
        return f"Convention de calcul : {days} ; {day_basis_text(terms, self)} ; {rounding}."


def day_basis_text(terms: InterestTerms | None, convention: Convention) -> str:
    """How the days are turned into a fraction of a year for this rate type (printed on
    every décompte): legal interest and L441-10 penalties over 36 500 even in a leap year
    (fiches service-public F783/F20688), contractual interest on the contract's basis."""
    if terms is not None and terms.kind == CONTRACTUAL:
        basis = terms.day_basis or CIVIL_YEAR
        if basis == CIVIL_YEAR:
            return (
                "intérêts = base × taux × jours / (100 × 365, ou 366 en année bissextile) : année civile "
                "(Cass. 1re civ., 19 juin 2013, n° 12-16.651)"
            )
        return f"intérêts = base × taux × jours / {format_integer(100 * int(basis))} : {DAY_BASIS_LABELS[basis]}"
    leap = " même en année bissextile" if convention.divisor == DEFAULT_DIVISOR else ""
    return f"intérêts = base × taux × jours / {format_integer(convention.divisor)}{leap}"


@dataclass(frozen=True)
class InterestTerms:
    """What interest a claim bears.

    kind: legal | contractual | commercial | none. `majoration_from` (legal only) is the first
    day of the L313-3 majoration (see `majoration_start`); `majoration_points` 0–5 after a JEX
    decision. `rate`: the written annual rate for contractual interest, or for commercial
    interest the rate agreed in the terms of sale (None = ECB + 10 points). `day_basis`
    (contractual only): civil (default), 365 or 360 as the contract writes.
    """

    kind: str = LEGAL
    category: str = AUTRES
    majoration_from: date | None = None
    majoration_points: Decimal = MAX_MAJORATION
    rate: Decimal | None = None
    capitalisation_from: date | None = None
    day_basis: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidInput(
                f"Type d'intérêts inconnu : « {self.kind} » (legal, contractual, commercial, none).", field="kind"
            )
        object.__setattr__(self, "category", check_category(self.category))
        points = Decimal(self.majoration_points)
        if not points.is_finite() or not ZERO <= points <= MAX_MAJORATION:
            raise InvalidInput(
                "La majoration est comprise entre 0 et 5 points (art. L313-3 CMF).", field="majoration_points"
            )
        object.__setattr__(self, "majoration_points", points)
        if self.majoration_from is not None and self.kind != LEGAL:
            # L313-3 raises the legal rate only; whether it applies to a contractual rate
            # awarded by the judgment is an open point (docs/law/statement.md §2): refuse rather than guess.
            raise InvalidInput(
                "La majoration de cinq points (art. L313-3 CMF) ne s'applique qu'au taux légal.",
                field="majoration_from",
            )
        if self.kind == CONTRACTUAL and self.rate is None:
            raise InvalidInput(
                "Intérêt conventionnel : indiquez le taux annuel prévu par écrit (art. 1343-1 C. civ.).", field="rate"
            )
        if self.rate is not None:
            if self.kind not in (CONTRACTUAL, COMMERCIAL):
                raise InvalidInput(
                    "Un taux ne se saisit que pour un intérêt conventionnel ou commercial.", field="rate"
                )
            rate = Decimal(self.rate)
            if not rate.is_finite() or rate < 0 or rate > 100:
                raise InvalidInput(f"Taux invalide : {self.rate} (entre 0 et 100 %).", field="rate")
            object.__setattr__(self, "rate", rate)
        if self.kind == CONTRACTUAL:
            basis = self.day_basis or CIVIL_YEAR
            if basis not in DAY_BASES:
                raise InvalidInput(f"Base de calcul inconnue : « {basis} » (civil, 365 ou 360).", field="day_basis")
            object.__setattr__(self, "day_basis", basis)
        elif self.day_basis is not None:
            # Legal interest is computed over 36 500 whatever the year (SP F783): no choice to make.
            raise InvalidInput(
                "La base de calcul des jours ne se choisit que pour un intérêt conventionnel.", field="day_basis"
            )

    @property
    def majorated(self) -> bool:
        return self.kind == LEGAL and self.majoration_from is not None and self.majoration_points > ZERO

    def describe(self) -> str:
        text = KIND_LABELS[self.kind]
        if self.kind == LEGAL:
            text += f" ({CATEGORY_LABELS[self.category]})"
            if self.majorated:
                text += f", majoré de {_points(self.majoration_points)} à partir du {format_date(self.majoration_from)}"
        elif self.kind == CONTRACTUAL:
            assert self.rate is not None and self.day_basis is not None  # __post_init__ requires both
            text += f" au taux de {format_percent(self.rate)} l'an, base {DAY_BASIS_LABELS[self.day_basis]}"
        elif self.kind == COMMERCIAL and self.rate is not None:
            text += f", taux convenu {format_percent(self.rate)}"
        if self.capitalisation_from:
            text += f", capitalisation annuelle à compter du {format_date(self.capitalisation_from)}"
        return text


def _points(points: Decimal) -> str:
    text = format_decimal(points)
    return f"{text} point{'s' if points > 1 else ''}"


@dataclass(frozen=True)
class RateSegment:
    """Counted days [start, end) at one rate."""

    start: date
    end: date
    rate: Decimal
    kind: str
    label: str
    basis: str
    from_etude: bool
    year_days: int | None = None  # contractual day basis; None = the Convention's divisor


@dataclass(frozen=True)
class InterestLine:
    start: date
    end: date  # as printed: the boundary (end_minus_start) or the last day counted (inclusive_both)
    days: int
    base: Decimal
    rate: Decimal  # percent per year
    kind: str  # legal | legal_majorated | contractual | commercial
    label: str
    basis: str
    exact: Decimal
    amount: Decimal  # rounded half-up to the cent
    from_etude: bool = False
    note: str = ""
    divisor: int = DEFAULT_DIVISOR  # base × rate × days / divisor

    @property
    def counted_end(self) -> date:
        """The first day not counted in this line."""
        return self.start + timedelta(days=self.days)

    @property
    def year_text(self) -> str:
        """The divisor as printed in the line: `36 500`, `36 600` (a leap civil year)…"""
        return format_integer(self.divisor)


# Segments and lines built with their fields set at once (`frozen.maker`, fields in their order).
_make_segment = maker(RateSegment)
_make_line = maker(InterestLine)


@dataclass(frozen=True)
class Capitalisation:
    on: date
    amount: Decimal
    base_after: Decimal


# A capitalisation made with its fields set at once (`frozen.maker`: a 10-year décompte makes ~10).
made_capitalisation = maker(Capitalisation)


def _segment_rate(day: date, terms: InterestTerms, rates: Rates) -> tuple[Decimal, str, str, str, bool]:
    if terms.kind == CONTRACTUAL:
        assert terms.rate is not None  # InterestTerms.__post_init__ requires it
        return (
            terms.rate,
            CONTRACTUAL,
            "Intérêt conventionnel",
            "Taux conventionnel écrit (art. 1343-1 C. civ.)",
            False,
        )
    if terms.kind == LEGAL:
        return _legal_segment_rate(day, rates.legal_rate(day, terms.category), terms, _majorated_label(terms))
    # COMMERCIAL
    if day < COMMERCIAL_SINCE:
        raise InvalidInput(
            "Pénalités L441-10 : la règle du taux BCE au 1er janvier / 1er juillet ne s'applique "
            "qu'à partir du 1er janvier 2013 ; pour une période antérieure saisissez un taux conventionnel."
        )
    ecb = rates.ecb_rate_for_half_year(day)
    reference = format_date(half_year_start(day))
    if terms.rate is None:
        # The 3 × legal floor binds an agreed rate only ("sauf disposition contraire qui ne
        # peut toutefois fixer un taux inférieur…"): the default rate is ECB + 10 points.
        return (
            ecb.value + COMMERCIAL_POINTS,
            COMMERCIAL,
            "Pénalités de retard L441-10",
            f"Art. L441-10 C. com. : taux BCE au {reference} ({format_percent(ecb.value)}) + 10 points",
            ecb.from_etude,
        )
    legal = rates.legal_rate(day, AUTRES)
    floor = COMMERCIAL_FLOOR_FACTOR * legal.value
    if terms.rate >= floor:
        return (
            terms.rate,
            COMMERCIAL,
            "Pénalités de retard (taux convenu)",
            f"Art. L441-10 C. com. : taux convenu, au moins 3 × le taux légal ({format_percent(floor)})",
            False,
        )
    return (
        floor,
        COMMERCIAL,
        "Pénalités de retard (plancher légal)",
        f"Art. L441-10 C. com. : taux convenu {format_percent(terms.rate)} inférieur au plancher, "
        f"3 × le taux légal autres cas ({format_percent(legal.value)}, {legal.act})",
        legal.from_etude,
    )


_ONE_DAY = timedelta(days=1)


def _majorated_label(terms: InterestTerms) -> str:
    """The label of a line at the majorated legal rate (the same for every segment of the terms)."""
    return f"Intérêt légal majoré (+{_points(terms.majoration_points)})"


def _legal_segment_rate(
    day: date, row: RateRow, terms: InterestTerms, majorated_label: str
) -> tuple[Decimal, str, str, str, bool]:
    """`_segment_rate` of legal terms on `day`, the legal rate's `row` on that day already found."""
    if terms.majorated and terms.majoration_from is not None and day >= terms.majoration_from:
        return (
            row.value + terms.majoration_points,
            LEGAL_MAJORATED,
            majorated_label,
            f"Art. L313-2 ({terms.category}) et L313-3 CMF ; {row.act}",
            row.from_etude,
        )
    return row.value, LEGAL, "Intérêt légal", f"Art. L313-2 CMF ({terms.category}) ; {row.act}", row.from_etude


def _next_cut(day: date, terms: InterestTerms, rates: Rates) -> date | None:
    """The next day the rate of `terms` may change after `day` (None: never)."""
    if terms.kind == LEGAL:
        # The rate row's own period: annual until 2014, half-yearly since (art. L313-2 CMF).
        return rates.legal_rate(day, terms.category).valid_to + _ONE_DAY
    if terms.kind == COMMERCIAL:
        return next_half_year(day)
    if terms.kind == CONTRACTUAL and terms.day_basis == CIVIL_YEAR:
        # The rate is fixed; the divisor changes only between a leap year and another.
        year = day.year
        while year_length(year + 1) == year_length(day.year):
            year += 1
            if year > day.year + 8:
                break
        return date(year + 1, 1, 1)
    return None


def rate_segments(start: date, end: date, terms: InterestTerms, rates: Rates) -> list[RateSegment]:
    """Counted days [start, end) cut only where the rate (or the day basis) changes."""
    if end <= start or terms.kind == NONE:
        return []
    cuts = {start, end}
    day = start
    # Legal terms: the rate row found for each cut (`_next_cut` reads it) gives that segment's
    # rate too, and the majorated label is written once (a 10-year span has ~20 segments).
    legal_rows: dict[date, RateRow] = {}
    if terms.kind == LEGAL:
        while True:
            row = legal_rows[day] = rates.legal_rate(day, terms.category)
            next_day = row.valid_to + _ONE_DAY  # the cut `_next_cut` gives
            if next_day >= end:
                break
            cuts.add(next_day)
            day = next_day
        majorated_label = _majorated_label(terms)
    else:
        while (boundary := _next_cut(day, terms, rates)) is not None and boundary < end:
            cuts.add(boundary)
            day = boundary
    if terms.majorated and terms.majoration_from is not None and start < terms.majoration_from < end:
        cuts.add(terms.majoration_from)  # a set: no 0-day line when it falls on 1 January / 1 July
    ordered = sorted(cuts)
    segments = []
    for a, b in pairwise(ordered):
        if legal_rows:
            row = legal_rows.get(a) or rates.legal_rate(a, terms.category)
            rate, kind, label, basis, from_etude = _legal_segment_rate(a, row, terms, majorated_label)
        else:
            rate, kind, label, basis, from_etude = _segment_rate(a, terms, rates)
        if from_etude:
            basis = f"{basis} — {ETUDE_MARK}"
        year_days = None
        if kind == CONTRACTUAL:
            basis = terms.day_basis or CIVIL_YEAR  # always set for a contractual rate (__post_init__)
            year_days = year_length(a.year) if basis == CIVIL_YEAR else int(basis)
        segments.append(_make_segment(a, b, rate, kind, label, basis, from_etude, year_days))
    return segments


class RateSchedule:
    """The rate segments of `terms` over a whole span, computed once and sliced per request:
    `segments(a, b)` is `rate_segments(a, b, terms, rates)` for any [a, b) inside the span.
    The cuts of a sub-period are the span's cuts that fall inside it (a rate row's limits,
    a half-year, a change of year length, the majoration's first day: none depends on where
    the period starts), and the rate of a day is that of its span segment. A décompte asks
    for the segments from the last change of base to each event: from scratch, that was most
    of its time. When the span cannot be cut (a rate is missing somewhere in it), every
    request is computed on its own, so the same MissingRate is raised at the same point."""

    def __init__(self, start: date, end: date, terms: InterestTerms, rates: Rates) -> None:
        self.start, self.end, self.terms, self.rates = start, end, terms, rates
        self._span, self._starts, self._ends = _cut_span(start, end, terms, rates)
        # (start, base, convention), the segments from start to the span's end, their ends,
        # and the running sums of their amounts (`total`)
        self._running: tuple[tuple[date, str, Convention], list[RateSegment], list[date], list[Decimal]] | None = None

    def segments(self, start: date, end: date) -> list[RateSegment]:
        span = self._span
        if span is None or start < self.start or end > self.end:
            return rate_segments(start, end, self.terms, self.rates)
        if end <= start:
            return []
        first = max(bisect_right(self._starts, start) - 1, 0)
        found = span[first : bisect_left(self._starts, end)]  # the span's segments meeting [start, end)
        if found and (found[0].start < start or found[0].end > end):
            found[0] = _clipped(found[0], start, end)
        if found and found[-1].end > end:
            found[-1] = _clipped(found[-1], start, end)
        return found

    def rate_on(self, day: date) -> Decimal:
        """The annual rate the span runs at on `day` (its last segment's from the span's end
        on; 0 before the span starts, for an empty span, or one that could not be cut: such
        a décompte raises MissingRate when its lines are made). A décompte with several
        interest streams ranks them by it (rules/statement.py)."""
        span = self._span
        if not span or day < self.start:
            return ZERO
        return span[max(bisect_right(self._starts, day) - 1, 0)].rate

    def total(self, start: date, end: date, base: Decimal, convention: Convention) -> Decimal:
        """`segments_total(self.segments(start, end), base, convention)`, the amounts of the
        whole segments from `start` summed once per (start, base): a décompte asks for what
        is due from the same cut to each of its payments. The sums are made in the same order
        as `segments_total` makes them (same Decimal operations, same result)."""
        if base <= ZERO:
            return ZERO
        if self._span is None or start < self.start or end > self.end or end <= start:
            return segments_total(self.segments(start, end), base, convention)
        per_line = convention.rounding == PER_LINE
        key = (start, str(base), convention)
        if self._running is None or self._running[0] != key:
            segments = self.segments(start, self.end)
            self._running = (key, segments, [seg.end for seg in segments], [ZERO if per_line else Decimal(0)])
        _key, segments, ends, sums = self._running
        whole = bisect_right(ends, end)  # the segments ending on or before `end`
        while len(sums) <= whole:  # summed as far as asked, once
            exact = _exact(segments[len(sums) - 1], base, convention)[2]
            sums.append(sums[-1] + (round_cents(exact) if per_line else exact))
        total = sums[whole]
        if whole < len(segments) and segments[whole].start < end:
            seg = segments[whole]
            cut = RateSegment(seg.start, end, seg.rate, seg.kind, seg.label, seg.basis, seg.from_etude, seg.year_days)
            exact = _exact(cut, base, convention)[2]
            total += round_cents(exact) if per_line else exact
        return total if per_line else round_cents(total)

    def accrual(self, start: date, base: Decimal, convention: Convention) -> Accrual:
        """What the lines from `start` on `base` total up to any end asked in turn (`Accrual.to`):
        a décompte asks it at each payment between two changes of its base."""
        return Accrual(self, start, base, convention)


# The spans already cut, per Rates object (the étude's tables are one object per content of
# its rows: services/rates.py): (the rates, {(start, end, terms, its Decimals as written):
# (segments or None, their starts, their ends)}). A décompte cuts the span from the interest
# start to its arrêté date; the dossier's next décompte that day (after a payment, a fee, a
# refresh of the tab) cuts the same span. A pure function's results: nothing depends on when.
_SpanCut = tuple[list[RateSegment] | None, list[date], list[date]]
_SPANS: dict[int, tuple[Rates, dict[tuple[object, ...], _SpanCut]]] = {}
_SPANS_PER_RATES = 512


def _cut_span(start: date, end: date, terms: InterestTerms, rates: Rates) -> _SpanCut:
    """`rate_segments(start, end, terms, rates)` (None when it raises), with the segments'
    starts and ends, cut once per arguments. The key holds the Decimals of `terms` as
    written: 7.3 and 7.30 are equal, but their lines are not printed alike."""
    entry = _SPANS.get(id(rates))
    if entry is None or entry[0] is not rates:
        if len(_SPANS) >= 4:
            _SPANS.clear()
        entry = _SPANS[id(rates)] = (rates, {})
    spans = entry[1]
    key = (start, end, terms, str(terms.majoration_points), str(terms.rate))
    found = spans.get(key)
    if found is None:
        try:
            span: list[RateSegment] | None = rate_segments(start, end, terms, rates)
        except (MissingRate, InvalidInput):
            span = None
        if len(spans) >= _SPANS_PER_RATES:
            spans.clear()
        found = spans[key] = (span, [seg.start for seg in span or ()], [seg.end for seg in span or ()])
    return found


def forget_cut_spans() -> None:
    """Forget the spans already cut (a test counting the cuts starts from none)."""
    _SPANS.clear()


class Accrual:
    """`schedule.total(start, end, base, convention)` for the ends asked in turn, with what
    does not depend on the end worked out once per segment reached: base × rate, the
    divisor, and the running sums of the whole segments' amounts. The amount of the part of a
    segment up to `end` is (base × rate) × days / divisor: the same Decimal operations, in the
    same order, as `_exact` makes them (same digits, same exponent)."""

    __slots__ = (
        "_base",
        "_convention",
        "_count",
        "_ends",
        "_first",
        "_parts",
        "_per_line",
        "_schedule",
        "_start",
        "_sums",
        "_until",
    )

    def __init__(self, schedule: RateSchedule, start: date, base: Decimal, convention: Convention) -> None:
        self._schedule, self._start, self._base, self._convention = schedule, start, base, convention
        self._per_line = convention.rounding == PER_LINE
        # A span that could not be cut (a rate missing somewhere): each request on its own,
        # so the same MissingRate is raised at the same point (RateSchedule.total).
        fallback = schedule._span is None or start < schedule.start or start >= schedule.end or base <= ZERO
        # The ends `to` works out here: (start, _until]; none for a fallback.
        self._until = start if fallback else schedule.end
        # The span's segment holding `start` (RateSchedule.segments), then (its start,
        # base × rate, divisor) per segment reached, the first clipped to `start`. The divisor
        # is kept as a Decimal: `x / 36500` makes the int the same exact Decimal on every
        # division, once per payment; made once, the quotient is the same.
        self._first = max(bisect_right(schedule._starts, start) - 1, 0)
        self._ends = schedule._ends
        self._count = len(self._ends) - self._first  # the span's segments from the first on
        self._parts: list[tuple[date, Decimal, Decimal]] = []
        self._sums: list[Decimal] = [ZERO if self._per_line else Decimal(0)]

    def _part(self, n: int) -> tuple[date, Decimal, Decimal]:
        parts = self._parts
        while len(parts) <= n:
            span = self._schedule._span
            assert span is not None  # not a fallback
            seg = span[self._first + len(parts)]
            if not parts and seg.start < self._start:
                seg = _clipped(seg, self._start, seg.end)
            divisor = self._convention.divisor if seg.year_days is None else 100 * seg.year_days
            parts.append((seg.start, self._base * seg.rate, Decimal(divisor)))
        return parts[n]

    def to(self, end: date) -> Decimal:
        """`RateSchedule.total(start, end, base, convention)`. Asked at each payment: what does
        not change between two calls is read from the instance, not worked out again."""
        if not self._start < end <= self._until:
            return self._schedule.total(self._start, end, self._base, self._convention)
        first, sums = self._first, self._sums
        whole = bisect_right(self._ends, end, first) - first  # the segments ending on or before `end`
        if len(sums) <= whole:
            self._sum_to(whole)
        total = sums[whole]
        if whole < self._count:  # and the part of the next segment up to `end`
            parts = self._parts
            seg_start, product, divisor = parts[whole] if whole < len(parts) else self._part(whole)
            if seg_start < end:
                exact = product * (end - seg_start).days / divisor
                total += exact.quantize(CENT, ROUND_HALF_UP) if self._per_line else exact
        return total if self._per_line else total.quantize(CENT, ROUND_HALF_UP)

    def _sum_to(self, whole: int) -> None:
        """The running sums of the whole segments' amounts, as far as `whole` (once each)."""
        sums, ends, first, per_line = self._sums, self._ends, self._first, self._per_line
        while len(sums) <= whole:
            n = len(sums) - 1
            seg_start, product, divisor = self._part(n)
            exact = product * (ends[first + n] - seg_start).days / divisor
            sums.append(sums[-1] + (exact.quantize(CENT, ROUND_HALF_UP) if per_line else exact))


def _clipped(seg: RateSegment, start: date, end: date) -> RateSegment:
    """The part of `seg` in [start, end), as `rate_segments` would give it for that period."""
    a, b = max(seg.start, start), min(seg.end, end)
    year_days = seg.year_days
    if seg.kind == CONTRACTUAL and seg.basis == CIVIL_YEAR:
        year_days = year_length(a.year)
    return _make_segment(a, b, seg.rate, seg.kind, seg.label, seg.basis, seg.from_etude, year_days)


def _exact(seg: RateSegment, base: Decimal, convention: Convention) -> tuple[int, int, Decimal]:
    """(days, divisor, base × rate × days / divisor) of one segment: the one formula of a line."""
    days = (seg.end - seg.start).days
    divisor = convention.divisor if seg.year_days is None else 100 * seg.year_days
    return days, divisor, base * seg.rate * days / divisor


def segments_total(segments: Iterable[RateSegment], base: Decimal, convention: Convention) -> Decimal:
    """`lines_total` of the lines these segments give on `base`, without building the lines
    (a décompte asks what is due at each payment; lines are kept only where the base changes)."""
    if base <= ZERO:
        return ZERO
    if convention.rounding == PER_LINE:
        return sum((round_cents(_exact(seg, base, convention)[2]) for seg in segments), ZERO)
    return round_cents(sum((_exact(seg, base, convention)[2] for seg in segments), Decimal(0)))


def interest_lines(
    start: date,
    end: date,
    base: Decimal,
    terms: InterestTerms,
    rates: Rates,
    convention: Convention,
    *,
    note: str = "",
    schedule: RateSchedule | None = None,
) -> list[InterestLine]:
    """Lines for counted days [start, end) on a constant base (`schedule`: the terms' segments,
    already cut over a span holding [start, end)).

    Lines and clipped segments are made by `frozen.maker` (a décompte makes ~70 of them)."""
    if base <= ZERO:
        return []
    lines = []
    segments = schedule.segments(start, end) if schedule is not None else rate_segments(start, end, terms, rates)
    for seg in segments:
        days, divisor, exact = _exact(seg, base, convention)
        line = _make_line(
            seg.start,
            convention.shown_end(seg.end),
            days,
            base,
            seg.rate,
            seg.kind,
            seg.label,
            seg.basis,
            exact,
            round_cents(exact),
            seg.from_etude,
            note,
            divisor,
        )
        lines.append(line)
    return lines


def lines_total(lines: Iterable[InterestLine], convention: Convention) -> Decimal:
    if convention.rounding == PER_LINE:
        return sum((line.amount for line in lines), ZERO)
    return round_cents(sum((line.exact for line in lines), Decimal(0)))


@dataclass(frozen=True)
class InterestResult:
    principal: Decimal
    start: date
    end: date
    terms: InterestTerms
    convention: Convention
    lines: tuple[InterestLine, ...]
    capitalisations: tuple[Capitalisation, ...]
    interest: Decimal
    indemnity: Decimal  # D441-5 C. com. for commercial interest, else 0

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity

    @property
    def days(self) -> int:
        return sum(line.days for line in self.lines)

    @property
    def uses_etude_rates(self) -> bool:
        return any(line.from_etude for line in self.lines)


def compute_interest(
    principal: Decimal | int,
    start: date,
    end: date,
    terms: InterestTerms,
    *,
    rates: Rates | None = None,
    convention: Convention | None = None,
    base_changes: Iterable[tuple[date, Decimal | int]] = (),
) -> InterestResult:
    """Interest on `principal` from `start` to `end`.

    `base_changes`: (date, new principal) pairs, e.g. after a payment (a "change" to the
    same amount cuts nothing). Capitalised interest (art. 1343-2 C. civ., yearly from the
    later of `terms.capitalisation_from` and `start`) is added to the base on each
    anniversary and stays there.
    """
    rates = rates or Rates.shipped()
    convention = convention or Convention()
    principal = check_amount(principal, "Principal")
    if end < start:
        raise InvalidInput(f"La date de fin ({format_date(end)}) précède la date de début ({format_date(start)}).")
    stop = convention.counted_end(end)
    changes = {}
    for day, amount in base_changes:
        if not start < day <= end:
            raise InvalidInput(
                f"Changement de base au {format_date(day)} hors de la période "
                f"du {format_date(start)} au {format_date(end)}."
            )
        changes[day] = check_amount(amount, f"Base au {format_date(day)}")
    caps = set()
    if terms.capitalisation_from and terms.kind != NONE:
        caps = set(capitalisation_anniversaries(terms.capitalisation_from, start, stop))
    lines, capitalisations = [], []
    current, capitalised, since_cap = principal, ZERO, []
    cursor = start
    for boundary in sorted(set(changes) | caps | {stop}):
        if boundary > stop:
            break
        if boundary in changes and boundary not in caps and boundary != stop and changes[boundary] == current:
            continue  # the base does not change: no line ends here
        new = interest_lines(cursor, boundary, current + capitalised, terms, rates, convention)
        lines.extend(new)
        since_cap.extend(new)
        cursor = boundary
        if boundary in changes:
            current = changes[boundary]
        if boundary in caps:
            amount = lines_total(since_cap, convention)
            capitalised += amount
            since_cap = []
            capitalisations.append(made_capitalisation(boundary, amount, current + capitalised))
    indemnity = COMMERCIAL_INDEMNITY if terms.kind == COMMERCIAL and end > start else ZERO
    return InterestResult(
        principal,
        start,
        end,
        terms,
        convention,
        tuple(lines),
        tuple(capitalisations),
        lines_total(lines, convention),
        indemnity,
    )
