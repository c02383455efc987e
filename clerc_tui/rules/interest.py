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

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.dates import format_date
from clerc_tui.rules.money import NBSP, ZERO, format_amount, round_cents
from clerc_tui.rules.rates import (
    AUTRES,
    CATEGORY_LABELS,
    ETUDE_MARK,
    Rates,
    check_category,
    half_year_start,
    next_half_year,
)

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

KIND_LABELS = {
    LEGAL: "intérêt légal",
    CONTRACTUAL: "intérêt conventionnel",
    COMMERCIAL: "pénalités de retard L441-10",
    NONE: "sans intérêts",
}

MAX_MAJORATION = Decimal(5)
# L441-10 C. com.: ECB rate + 10 points; an agreed rate may not be below 3 × the legal rate.
COMMERCIAL_POINTS = Decimal(10)
COMMERCIAL_FLOOR_FACTOR = Decimal(3)
# The semester rule of L441-10 (ECB rate on 1 January / 1 July) dates from loi n° 2012-387, art. 121.
COMMERCIAL_SINCE = date(2013, 1, 1)
# D441-5 C. com.: flat recovery indemnity per invoice paid late.
COMMERCIAL_INDEMNITY = Decimal("40.00")


def rate_digits(value: Decimal) -> str:
    """`7.21`; a rate with more decimals keeps them (`4.125`): a written rate is never rounded."""
    exponent = value.normalize().as_tuple().exponent
    return f"{value.normalize():f}" if isinstance(exponent, int) and exponent < -2 else f"{value:.2f}"


def rate_text(value: Decimal) -> str:
    """`7,21 %` (`4,125 %` for a contractual rate with three decimals)."""
    return rate_digits(value).replace(".", ",") + NBSP + "%"


def add_months(day: date, months: int) -> date:
    """Same day `months` later; the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def majoration_start(enforceable_on: date) -> date:
    """First day of the +5 points (art. L313-3 CMF): two months after the decision became
    enforceable, i.e. the day after `enforceable_on` + 2 months (month end when that day does
    not exist, art. 641 CPC logic — docs/law/statement.md §2)."""
    return add_months(enforceable_on, 2) + timedelta(days=1)


def capitalisation_dates(since: date, after: date, before: date) -> list[date]:
    """Yearly anniversaries of `since` strictly between `after` and `before`."""
    found, years = [], 1
    while True:
        day = add_months(since, 12 * years)
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


def check_amount(value, what: str = "Montant") -> Decimal:
    """A non-negative Decimal with at most two decimals."""
    if isinstance(value, float) or not isinstance(value, (Decimal, int)) or isinstance(value, bool):
        raise InvalidInput(f"{what} : montant invalide ({value!r}).")
    value = Decimal(value)
    if not value.is_finite():
        raise InvalidInput(f"{what} : montant invalide.")
    if value < 0:
        raise InvalidInput(f"{what} : le montant ne peut pas être négatif ({value}).")
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        raise InvalidInput(f"{what} : pas plus de deux décimales ({value}).")
    return value.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Convention:
    """How the étude counts days and rounds (a setting of the étude, printed on the décompte)."""

    day_count: str = END_MINUS_START
    rounding: str = PER_LINE
    divisor: int = DEFAULT_DIVISOR

    def __post_init__(self):
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


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", NBSP)


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
        return f"intérêts = base × taux × jours / {_grouped(100 * int(basis))} : {DAY_BASIS_LABELS[basis]}"
    leap = " même en année bissextile" if convention.divisor == DEFAULT_DIVISOR else ""
    return f"intérêts = base × taux × jours / {_grouped(convention.divisor)}{leap}"


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

    def __post_init__(self):
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
        return self.kind == LEGAL and self.majoration_from is not None and self.majoration_points > 0

    def describe(self) -> str:
        text = KIND_LABELS[self.kind]
        if self.kind == LEGAL:
            text += f" ({CATEGORY_LABELS[self.category]})"
            if self.majorated:
                text += f", majoré de {_points(self.majoration_points)} à partir du {format_date(self.majoration_from)}"
        elif self.kind == CONTRACTUAL:
            text += f" au taux de {rate_text(self.rate)} l'an, base {DAY_BASIS_LABELS[self.day_basis]}"
        elif self.kind == COMMERCIAL and self.rate is not None:
            text += f", taux convenu {rate_text(self.rate)}"
        if self.capitalisation_from:
            text += f", capitalisation annuelle à compter du {format_date(self.capitalisation_from)}"
        return text


def _points(points: Decimal) -> str:
    text = f"{points.normalize():f}".replace(".", ",")
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
        return _grouped(self.divisor)


@dataclass(frozen=True)
class Capitalisation:
    on: date
    amount: Decimal
    base_after: Decimal


def _segment_rate(day: date, terms: InterestTerms, rates: Rates) -> tuple[Decimal, str, str, str, bool]:
    if terms.kind == CONTRACTUAL:
        return (
            terms.rate,
            CONTRACTUAL,
            "Intérêt conventionnel",
            "Taux conventionnel écrit (art. 1343-1 C. civ.)",
            False,
        )
    if terms.kind == LEGAL:
        row = rates.legal_rate(day, terms.category)
        if terms.majorated and day >= terms.majoration_from:
            return (
                row.value + terms.majoration_points,
                LEGAL_MAJORATED,
                f"Intérêt légal majoré (+{_points(terms.majoration_points)})",
                f"Art. L313-2 ({terms.category}) et L313-3 CMF ; {row.act}",
                row.from_etude,
            )
        return row.value, LEGAL, "Intérêt légal", f"Art. L313-2 CMF ({terms.category}) ; {row.act}", row.from_etude
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
            f"Art. L441-10 C. com. : taux BCE au {reference} ({rate_text(ecb.value)}) + 10 points",
            ecb.from_etude,
        )
    legal = rates.legal_rate(day, AUTRES)
    floor = COMMERCIAL_FLOOR_FACTOR * legal.value
    if terms.rate >= floor:
        return (
            terms.rate,
            COMMERCIAL,
            "Pénalités de retard (taux convenu)",
            f"Art. L441-10 C. com. : taux convenu, au moins 3 × le taux légal ({rate_text(floor)})",
            False,
        )
    return (
        floor,
        COMMERCIAL,
        "Pénalités de retard (plancher légal)",
        f"Art. L441-10 C. com. : taux convenu {rate_text(terms.rate)} inférieur au plancher, "
        f"3 × le taux légal autres cas ({rate_text(legal.value)}, {legal.act})",
        legal.from_etude,
    )


def _next_cut(day: date, terms: InterestTerms, rates: Rates) -> date | None:
    """The next day the rate of `terms` may change after `day` (None: never)."""
    if terms.kind == LEGAL:
        # The rate row's own period: annual until 2014, half-yearly since (art. L313-2 CMF).
        return rates.legal_rate(day, terms.category).valid_to + timedelta(days=1)
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
    while (boundary := _next_cut(day, terms, rates)) is not None and boundary < end:
        cuts.add(boundary)
        day = boundary
    if terms.majorated and start < terms.majoration_from < end:
        cuts.add(terms.majoration_from)  # a set: no 0-day line when it falls on 1 January / 1 July
    cuts = sorted(cuts)
    segments = []
    for a, b in zip(cuts, cuts[1:]):
        rate, kind, label, basis, from_etude = _segment_rate(a, terms, rates)
        if from_etude:
            basis = f"{basis} — {ETUDE_MARK}"
        year_days = None
        if kind == CONTRACTUAL:
            year_days = year_length(a.year) if terms.day_basis == CIVIL_YEAR else int(terms.day_basis)
        segments.append(RateSegment(a, b, rate, kind, label, basis, from_etude, year_days))
    return segments


def interest_lines(
    start: date, end: date, base: Decimal, terms: InterestTerms, rates: Rates, convention: Convention, *, note: str = ""
) -> list[InterestLine]:
    """Lines for counted days [start, end) on a constant base."""
    if base <= 0:
        return []
    lines = []
    for seg in rate_segments(start, end, terms, rates):
        days = (seg.end - seg.start).days
        divisor = convention.divisor if seg.year_days is None else 100 * seg.year_days
        exact = base * seg.rate * days / divisor
        lines.append(
            InterestLine(
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
        )
    return lines


def lines_total(lines, convention: Convention) -> Decimal:
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
    principal,
    start: date,
    end: date,
    terms: InterestTerms,
    *,
    rates: Rates | None = None,
    convention: Convention | None = None,
    base_changes=(),
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
            capitalisations.append(Capitalisation(boundary, amount, current + capitalised))
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


def describe_line(line: InterestLine) -> str:
    """One line in words, for logs and plain-text exports."""
    return (
        f"{format_date(line.start)} → {format_date(line.end)} : {line.days} j × {rate_text(line.rate)} "
        f"sur {format_amount(line.base)} = {format_amount(line.amount)}"
    )
