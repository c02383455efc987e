"""Money: Decimal in code, integer cents in the database, French on screen.

Never float. Amounts typed by a clerc look like `1 234,56` (or `1234.56`).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from clerc_tui.errors import InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# French typography: a no-break space groups thousands and precedes € and %.
NBSP = "\u00a0"


def round_cents(value: Decimal) -> Decimal:
    """Round half-up to the cent (the convention of the décomptes, docs/law/statement.md §1)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal) -> int:
    """Decimal euros → integer cents for storage; refuses fractions of a cent."""
    cents = value * 100
    if cents != cents.to_integral_value():
        raise InvalidInput(f"Montant {value} : pas plus de deux décimales.")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def parse_amount(text: str, *, allow_negative: bool = False, allow_zero: bool = True) -> Decimal:
    """Parse an amount typed the French way (`1 234,56`, `1234.56`, `1 234 €`).

    Raises InvalidInput with a French message for anything else.
    """
    raw = (text or "").strip()
    cleaned = raw.replace("€", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").strip()
    if not cleaned:
        raise InvalidInput("Montant vide : saisissez un montant, par exemple 1 234,56.")
    if "," in cleaned and "." in cleaned:
        # 1.234,56: the dot groups thousands.
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"« {raw} » n'est pas un montant (exemple : 1 234,56).") from None
    if not value.is_finite():
        raise InvalidInput(f"« {raw} » n'est pas un montant (exemple : 1 234,56).")
    if value.as_tuple().exponent < -2:
        raise InvalidInput(f"« {raw} » : pas plus de deux décimales.")
    if value < 0 and not allow_negative:
        raise InvalidInput(f"« {raw} » : le montant ne peut pas être négatif.")
    if value == 0 and not allow_zero:
        raise InvalidInput("Le montant doit être supérieur à zéro.")
    return value.quantize(CENT)


def format_amount(value: Decimal, *, currency: bool = True) -> str:
    """`Decimal('1234.5')` → `1 234,50 €` (no-break spaces, as French typography wants)."""
    value = round_cents(value)
    sign = "-" if value < 0 else ""
    units, _, cents = f"{abs(value):.2f}".partition(".")
    groups = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    text = sign + NBSP.join(groups) + "," + cents
    return text + NBSP + "€" if currency else text


def format_rate(value: Decimal) -> str:
    """`Decimal('7.21')` → `7,21 %`."""
    return f"{value:.2f}".replace(".", ",") + NBSP + "%"
