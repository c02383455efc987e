"""The seizable part of a salary (quotité saisissable) and the SBI of a bank account (pure).

Law (docs/law/seizable-salary.md): the barème of R3252-2 C. trav. (annual net pay slices, each
seized at its fraction), its thresholds raised per dependant by R3252-3, revised every 1 January
by décret; R3252-5 leaves the employee, in every case, the RSA lump sum for one person; L162-2 and
R162-2 CPCE leave the same amount on a seized bank account (solde bancaire insaisissable, SBI).
The figures are dated rows of `data/seizable.toml`, loaded and checked once.

Monthly computation, exact then rounded once:
1. each annual threshold `T_k` becomes `(T_k + dependants × increment) / 12`, kept exact
   (`Fraction`, no rounding);
2. each slice of the net pay is seized at its fraction; above the last threshold, all of it;
3. the sum is capped at `net − RSA` (R3252-5) and never below 0;
4. the result is rounded half-up to the cent, once. The bracket lines are shown to four
   decimals; they are an explanation, the total is computed from the exact values.

The base is the net pay after compulsory social contributions and the income tax withheld at
source (L3252-3 C. trav.); the caller gives it. The barème is the one of the year of `on` (the
pay month); the RSA is the row in force on `on`.

Several seizures on one salary share the one seizable amount (L212-10 CPCE): see `repartition`.
A pension alimentaire paid directly (paiement direct, L3252-5 C. trav., R212-1-35 CPCE) goes
first: see `quotite(..., alimony=...)`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules.allocation import prorata
from clerc_tui.rules.french import format_amount, format_date
from clerc_tui.rules.money import CENT, ZERO, check_amount

MAX_DEPENDANTS = 30
FOUR_PLACES = Decimal("0.0001")


class MissingScale(ClercError):
    """No barème for the year, or no RSA amount for the date: never a guess."""


@dataclass(frozen=True)
class Scale:
    """The barème of one calendar year: annual thresholds and the per-dependant increment."""

    year: int
    thresholds: tuple[Decimal, ...]
    per_dependant: Decimal
    source: str


@dataclass(frozen=True)
class RsaRow:
    """The RSA lump sum for one person, in force from `valid_from` to `valid_to` (both included)."""

    valid_from: date
    valid_to: date
    amount: Decimal
    source: str

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


@dataclass(frozen=True)
class SeizableTables:
    fractions: tuple[Fraction, ...]
    scales: dict[int, Scale]
    rsa: tuple[RsaRow, ...]
    priority_max: Decimal
    priority_source: str

    def scale(self, year: int) -> Scale:
        found = self.scales.get(year)
        if found is None:
            known = ", ".join(str(y) for y in sorted(self.scales))
            raise MissingScale(
                f"Barème des saisies des rémunérations inconnu pour {year} (années connues : {known}) : "
                "ajoutez le décret de l'année (art. R3252-2 du code du travail) dans les données de clerc."
            )
        return found

    def rsa_on(self, day: date) -> RsaRow:
        for row in self.rsa:
            if row.covers(day):
                return row
        first, last = self.rsa[0], self.rsa[-1]
        if day < first.valid_from:
            raise MissingScale(
                f"Montant forfaitaire du RSA inconnu au {format_date(day)} : les données de clerc "
                f"commencent au {format_date(first.valid_from)}."
            )
        raise MissingScale(
            f"Montant forfaitaire du RSA inconnu au {format_date(day)} : le dernier montant connu "
            f"({format_amount(last.amount)}) s'arrête au {format_date(last.valid_to)} ; ajoutez le décret "
            "de revalorisation du 1er avril dans les données de clerc."
        )


# --- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotiteLine:
    """One slice of the monthly net pay: `low` < pay ≤ `high` (`high` None: above the last
    threshold), seized at `fraction`; `base` is the part of the net pay in the slice, `amount`
    what is seized on it (both to four decimals, for reading; the total uses exact values)."""

    low: Decimal
    high: Decimal | None
    fraction: Fraction
    base: Decimal
    amount: Decimal

    @property
    def fraction_label(self) -> str:
        return "totalité" if self.fraction == 1 else f"{self.fraction.numerator}/{self.fraction.denominator}"


@dataclass(frozen=True)
class Quotite:
    """The seizable part of one month's net pay.

    `seizable`: what the employer pays to the répartiteur (after the cap, and after what a
    pension alimentaire paid directly took from it); `left`: what the employee keeps;
    `floor`: the RSA amount left in every case; `capped`: the cap `net − floor` applied;
    `barème`: the barème total before the cap, rounded."""

    net: Decimal
    dependants: int
    on: date
    year: int
    seizable: Decimal
    left: Decimal
    floor: Decimal
    capped: bool
    lines: tuple[QuotiteLine, ...]
    bareme: Decimal
    scale_source: str
    floor_source: str
    per_dependant: Decimal
    alimony: Decimal = ZERO  # pension alimentaire asked for the month (paiement direct)
    alimony_paid: Decimal = ZERO  # what the employer pays the creditor of the pension
    alimony_on_seizable: Decimal = ZERO  # the part of it taken on the seizable fraction

    @property
    def fraction_seizable(self) -> Decimal:
        """The seizable fraction before any pension alimentaire (barème, capped)."""
        return self.seizable + self.alimony_on_seizable

    @property
    def alimony_unpaid(self) -> Decimal:
        return self.alimony - self.alimony_paid


def _monthly(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def _to_cents(value: Fraction) -> Decimal:
    """Half-up to the cent, from an exact value (no intermediate rounding)."""
    cents, rest = divmod(value * 100, 1)
    if rest >= Fraction(1, 2):
        cents += 1
    return Decimal(int(cents)).scaleb(-2)


def _check_net(net: Decimal) -> Decimal:
    value = check_amount(net, "Salaire net")
    if value > Decimal("10000000"):
        raise InvalidInput(f"Salaire net trop élevé : {format_amount(value)}.", field="net")
    return value


def _check_dependants(dependants: int) -> int:
    if isinstance(dependants, bool) or not isinstance(dependants, int) or dependants < 0:
        raise InvalidInput(
            "Nombre de personnes à charge invalide : un entier positif ou nul est attendu.", field="dependants"
        )
    if dependants > MAX_DEPENDANTS:
        raise InvalidInput(
            f"Nombre de personnes à charge trop grand : {dependants} (au plus {MAX_DEPENDANTS}).", field="dependants"
        )
    return dependants


def quotite(
    net: Decimal,
    dependants: int,
    on: date,
    *,
    alimony: Decimal = ZERO,
    tables: SeizableTables | None = None,
) -> Quotite:
    """The seizable part of the monthly net pay `net` (after social contributions and withholding
    tax) of an employee with `dependants` persons in charge (R3252-3), for the pay month of `on`.

    `alimony`: a pension alimentaire claimed by paiement direct for the month (current term plus
    arrears allowed by L3252-5): it is paid first, on the unseizable part above the RSA floor,
    then on the seizable fraction (R212-1-35 CPCE); the creditors of the seizure share what is
    left of the seizable fraction (`seizable`)."""
    tables = tables or shipped_tables()
    net = _check_net(net)
    dependants = _check_dependants(dependants)
    alimony = check_amount(alimony, "Pension alimentaire")
    scale = tables.scale(on.year)
    rsa = tables.rsa_on(on)
    exact_net = Fraction(net)
    lines = []
    total = Fraction(0)
    low = Fraction(0)
    bounds: list[Fraction | None] = [
        (Fraction(t) + dependants * Fraction(scale.per_dependant)) / 12 for t in scale.thresholds
    ]
    bounds.append(None)
    for fraction, high in zip(tables.fractions, bounds, strict=True):
        if exact_net <= low:
            break
        top = exact_net if high is None else min(exact_net, high)
        base = top - low
        amount = base * fraction
        total += amount
        lines.append(
            QuotiteLine(
                low=_monthly(low),
                high=None if high is None else _monthly(high),
                fraction=fraction,
                base=_monthly(base),
                amount=_monthly(amount),
            )
        )
        if high is None:
            break
        low = high
    bareme = _to_cents(total)
    room = max(net - rsa.amount, ZERO)  # R3252-5: the RSA amount stays with the employee
    fraction_seizable = min(bareme, room)
    capped = bareme > room
    # Paiement direct (L3252-5 C. trav., R212-1-35 CPCE): first on the unseizable part above
    # the floor, then on the seizable fraction; never below the floor.
    alimony_paid = min(alimony, room)
    above_floor_unseizable = max(net - fraction_seizable - rsa.amount, ZERO)
    on_unseizable = min(alimony_paid, above_floor_unseizable)
    alimony_on_seizable = alimony_paid - on_unseizable
    seizable = fraction_seizable - alimony_on_seizable
    return Quotite(
        net=net,
        dependants=dependants,
        on=on,
        year=scale.year,
        seizable=seizable,
        left=net - seizable - alimony_paid,
        floor=rsa.amount,
        capped=capped,
        lines=tuple(lines),
        bareme=bareme,
        scale_source=scale.source,
        floor_source=rsa.source,
        per_dependant=scale.per_dependant,
        alimony=alimony,
        alimony_paid=alimony_paid,
        alimony_on_seizable=alimony_on_seizable,
    )


def sbi(on: date, *, tables: SeizableTables | None = None) -> Decimal:
    """The solde bancaire insaisissable on `on` (L162-2, R162-2 CPCE): the RSA lump sum for one
    person, left at the debtor's disposal within the credit balance of the seized accounts."""
    return (tables or shipped_tables()).rsa_on(on).amount


def rsa_row(on: date, *, tables: SeizableTables | None = None) -> RsaRow:
    """The RSA row in force on `on`, with its source."""
    return (tables or shipped_tables()).rsa_on(on)


# --- several seizures on one salary: the répartiteur's view -----------------------------------


@dataclass(frozen=True)
class Share:
    """What one inscribed creditor receives from a month's seizable amount."""

    name: str
    claim: Decimal  # residual claim: principal, interest and costs still owed
    amount: Decimal
    priority: bool  # paid first as one of the smallest residual claims (L212-10 al. 2)

    @property
    def still_owed(self) -> Decimal:
        return self.claim - self.amount


@dataclass(frozen=True)
class Repartition:
    amount: Decimal
    shares: tuple[Share, ...]  # in the order the creditors were given
    returned: Decimal  # what exceeds every claim goes back to the debtor (R212-1-22)
    priority_max: Decimal
    source: str


def repartition(
    amount: Decimal, creditors: Sequence[tuple[str, Decimal]], *, tables: SeizableTables | None = None
) -> Repartition:
    """Split `amount` (the seizable sum the répartiteur received) among the inscribed creditors,
    given as (name, residual claim) in the order of their inscription.

    L212-10 CPCE: the creditors come in concours (proportionally to their claims, « au marc
    l'euro »), except that the smallest residual claims, each at most D212-1-24's 500 €, taken
    in increasing order, are paid first. R212-1-23: each is paid up to its claim (principal,
    interest, costs). Rounding: a proportional share is cut to the cent and the cents left are
    given to the largest remainders (earlier inscription first on ties), so that the shares and
    the amount returned add up to `amount` exactly. Legitimate causes of preference (a
    privileged creditor) are not modelled: the répartiteur applies them by hand."""
    tables = tables or shipped_tables()
    amount = check_amount(amount, "Somme à répartir")
    claims = [check_amount(claim, f"Créance de {name}") for name, claim in creditors]
    paid = [ZERO] * len(claims)
    priority = [False] * len(claims)
    left = amount
    small = sorted(
        (i for i, claim in enumerate(claims) if ZERO < claim <= tables.priority_max), key=lambda i: (claims[i], i)
    )
    for i in small:
        if left <= 0:
            break
        priority[i] = True
        paid[i] = min(claims[i], left)
        left -= paid[i]
    rest = [i for i, claim in enumerate(claims) if claim > 0 and not priority[i]]
    if left > 0 and rest:
        owed = sum((claims[i] for i in rest), ZERO)
        if left >= owed:
            for i in rest:
                paid[i] = claims[i]
            left -= owed
        else:
            for i, share in zip(rest, prorata(left, [claims[i] for i in rest]), strict=True):
                paid[i] = share
            left = ZERO
    shares = tuple(
        Share(name=name, claim=claims[i], amount=paid[i], priority=priority[i]) for i, (name, _) in enumerate(creditors)
    )
    return Repartition(amount, shares, left, tables.priority_max, tables.priority_source)


# --- loading the data ---------------------------------------------------------------------------


def _amount(raw: object, where: str) -> Decimal:
    if not isinstance(raw, str):
        raise InvalidInput(f'{where} : le montant doit être écrit comme un texte ("646.52"), pas {raw!r}.')
    try:
        value = Decimal(raw)
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise InvalidInput(f"{where} : montant illisible « {raw} ».")
    return value


def _fraction(raw: object) -> Fraction:
    try:
        value = Fraction(str(raw))
    except (ValueError, ZeroDivisionError):
        raise InvalidInput(f"Barème des saisies : fraction illisible « {raw} ».") from None
    if not 0 < value <= 1:
        raise InvalidInput(f"Barème des saisies : la fraction « {raw} » doit être comprise entre 0 et 1.")
    return value


def _scale(raw: dict[str, Any], slices: int) -> Scale:
    where = f"Barème des saisies {raw.get('year', '?')}"
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise InvalidInput(f"{where} : année manquante.")
    thresholds = tuple(_amount(t, where) for t in raw.get("thresholds", ()))
    if len(thresholds) != slices - 1:
        raise InvalidInput(f"{where} : {slices - 1} seuils attendus, {len(thresholds)} donnés.")
    if any(b <= a for a, b in pairwise(thresholds)) or thresholds[0] <= 0:
        raise InvalidInput(f"{where} : les seuils doivent être positifs et croissants.")
    source = str(raw.get("source", "")).strip()
    if not source:
        raise InvalidInput(f"{where} : aucune source (décret et lieu de lecture).")
    return Scale(year, thresholds, _amount(raw.get("per_dependant"), where), source)


def _rsa(raw: dict[str, Any]) -> RsaRow:
    where = f"RSA du {raw.get('valid_from', '?')}"
    start, end = raw.get("valid_from"), raw.get("valid_to")
    if not isinstance(start, date) or not isinstance(end, date) or end < start:
        raise InvalidInput(f"{where} : période illisible.")
    source = str(raw.get("source", "")).strip()
    if not source:
        raise InvalidInput(f"{where} : aucune source (décret et lieu de lecture).")
    return RsaRow(start, end, _amount(raw.get("amount"), where), source)


def load_tables_text(text: str) -> SeizableTables:
    """Parse and check `seizable.toml`; raises InvalidInput (French) on a malformed file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"Fichier du barème des saisies illisible : {exc}.") from None
    fractions = tuple(_fraction(f) for f in data.get("fractions", ()))
    if len(fractions) < 2 or fractions[-1] != 1:
        raise InvalidInput("Barème des saisies : la dernière fraction doit être la totalité (1).")
    scales: dict[int, Scale] = {}
    for raw in data.get("scale", ()):
        scale = _scale(raw, len(fractions))
        if scale.year in scales:
            raise InvalidInput(f"Barème des saisies : l'année {scale.year} figure deux fois.")
        scales[scale.year] = scale
    rsa = tuple(sorted((_rsa(raw) for raw in data.get("rsa", ())), key=lambda r: r.valid_from))
    if not scales or not rsa:
        raise InvalidInput("Barème des saisies : il faut au moins un barème annuel et un montant du RSA.")
    for previous, current in pairwise(rsa):
        if (current.valid_from - previous.valid_to).days != 1:
            raise InvalidInput(
                f"RSA : les périodes du {format_date(previous.valid_from)} et du {format_date(current.valid_from)} "
                "se chevauchent ou laissent un trou."
            )
    rule = data.get("repartition", {})
    return SeizableTables(
        fractions=fractions,
        scales=scales,
        rsa=rsa,
        priority_max=_amount(rule.get("priority_max"), "Répartition"),
        priority_source=str(rule.get("source", "")).strip(),
    )


@cache
def shipped_tables() -> SeizableTables:
    """The barème and RSA rows shipped with clerc, parsed and checked once per process."""
    text = resources.files("clerc_tui.data").joinpath("seizable.toml").read_text(encoding="utf-8")
    return load_tables_text(text)
