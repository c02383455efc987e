"""Money arithmetic: Decimal in code, integer cents in the database, rounding to the cent.

Never float. Reading and writing amounts the French way is `rules/french.py`.
"""

from decimal import ROUND_HALF_UP, Decimal

from clerc_tui.errors import InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# A Decimal is compared with ZERO, not 0, where a décompte compares by the hundred: the int is
# made a Decimal on every comparison (~10× the comparison itself); the result is the same.


def round_cents(value: Decimal) -> Decimal:
    """Round half-up to the cent (the convention of the décomptes, docs/law/statement.md §1).
    The rounding passed by position: the same call without the keyword's dict (a décompte
    rounds a few hundred amounts; ~1,200 instructions less each)."""
    return value.quantize(CENT, ROUND_HALF_UP)


def to_cents(value: Decimal) -> int:
    """Decimal euros → integer cents for storage; refuses fractions of a cent."""
    cents = value * 100
    if cents != cents.to_integral_value():
        raise InvalidInput(f"Montant {value} : pas plus de deux décimales.")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """Integer cents → Decimal euros with two decimals (the same digits and exponent as
    (cents / 100).quantize(CENT), in one operation: a décompte reads ~160 amounts)."""
    return Decimal(cents).scaleb(-2)


def is_cents(value: object) -> bool:
    """A Decimal already as `check_amount` returns it (finite, exactly two decimals): a décompte
    builds hundreds of values from amounts checked once at its boundary, and checks them cheaply."""
    return type(value) is Decimal and value.same_quantum(CENT)  # False for NaN and infinities


def check_amount(value: object, what: str = "Montant", *, allow_negative: bool = False) -> Decimal:
    """A Decimal (or int) amount from code, with at most two decimals, as a Decimal in cents.

    Text typed by a user goes through `rules.french.parse_amount` first; this refuses floats
    (not exact), non-finite values, fractions of a cent and, unless allowed, negative amounts.
    """
    if is_cents(value) and (allow_negative or value >= ZERO):  # type: ignore[operator]
        return value  # type: ignore[return-value]  # what the checks below would return, unchanged
    if isinstance(value, float) or not isinstance(value, (Decimal, int)) or isinstance(value, bool):
        raise InvalidInput(f"{what} : montant invalide ({value!r}).")
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidInput(f"{what} : montant invalide.")
    if amount < 0 and not allow_negative:
        raise InvalidInput(f"{what} : le montant ne peut pas être négatif ({amount}).")
    if amount != amount.quantize(CENT):
        raise InvalidInput(f"{what} : pas plus de deux décimales ({amount}).")
    return amount.quantize(CENT)
