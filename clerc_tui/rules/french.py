"""French text ↔ values: THE place where amounts, dates, rates and counts are read and written.

Every screen, report, document, export and CLI command parses and prints through these
functions, so that one amount reads the same everywhere (`1 234,56 €`). Arithmetic lives
elsewhere: money (Decimal, cents, rounding) in `rules/money.py`, dates in `rules/calendar.py`.

The variants are options, not copies:
- `format_amount(v, currency=False)`: the figure alone, for table columns and form fields;
- `format_amount(v, currency=False, grouping=False)`: `1234,56`, for files read by programs
  that want a comma decimal and no grouping (FEC, CSV of reversements) and for editable fields;
- `plain_amount` / `plain_rate`: `1234.56`, the dot decimal of JSON outputs (not French: for programs).
"""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.money import CENT

# The one thousands separator (and the space before € and %): U+00A0 NO-BREAK SPACE.
# It is what format_amount has always printed, so stored documents and tests keep their text.
# French typography (Imprimerie nationale) prefers the narrow U+202F, but terminal fonts render
# it unevenly (often as a full-width glyph or a box) and Rich measures it inconsistently; U+00A0
# is drawn by every terminal, never breaks a figure across lines, and copies into a spreadsheet
# as a space. Parsing accepts all three spaces (U+0020, U+00A0, U+202F).
NBSP = "\u00a0"
_SPACES = (" ", "\u00a0", "\u202f")

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

_FR_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _without_spaces(text: str) -> str:
    for space in _SPACES:
        text = text.replace(space, "")
    return text


# --- amounts ---------------------------------------------------------------------------


def parse_amount(text: str, *, allow_negative: bool = False, allow_zero: bool = True) -> Decimal:
    """Parse an amount typed the French way (`1 234,56`, `1234.56`, `1 234 €`, `1.234,56`).

    Raises InvalidInput with a French message for anything else, or for more than two decimals.
    """
    raw = (text or "").strip()
    cleaned = _without_spaces(raw.replace("€", "")).strip()
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
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidInput(f"« {raw} » : pas plus de deux décimales.")
    if value < 0 and not allow_negative:
        raise InvalidInput(f"« {raw} » : le montant ne peut pas être négatif.")
    if value == 0 and not allow_zero:
        raise InvalidInput("Le montant doit être supérieur à zéro.")
    return value.quantize(CENT)


def format_amount(value: Decimal, *, currency: bool = True, grouping: bool = True) -> str:
    """`Decimal("1234.5")` → `1 234,50 €`: U+00A0 groups thousands and precedes € (why: see NBSP).

    `currency=False` drops ` €`; `grouping=False` drops the thousands separator (`1234,50`),
    for files read by programs (FEC) and for the text put back in an editable field.
    The value is rounded half-up to the cent first.
    """
    cents = int(value.quantize(CENT, rounding=ROUND_HALF_UP).scaleb(2))
    return format_cents(cents, currency=currency, grouping=grouping)


def format_cents(cents: int, *, currency: bool = True, grouping: bool = True) -> str:
    """`123450` → `1 234,50 €`: format_amount for integer cents (as stored; the demo's bulk writer)."""
    units, rest = divmod(abs(cents), 100)
    text = ("-" if cents < 0 else "") + (_group(str(units)) if grouping else str(units)) + f",{rest:02d}"
    return text + NBSP + "€" if currency else text


def plain_amount(value: Decimal) -> str:
    """`1234.50`: the machine form (dot decimal, no grouping) of JSON outputs."""
    return f"{value:.2f}"


def format_integer(number: int) -> str:
    """`12 345`: a count (days, dossiers, lines) grouped like amounts."""
    sign = "-" if number < 0 else ""
    return sign + _group(str(abs(number)))


def _group(digits: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return NBSP.join(groups)


def format_size(size: int) -> str:
    """`648,2 Mo`, `12 Ko`, `512 o`: a file's size in bytes, in French units (1 Mo = 1 000 000 octets)."""
    for unit, scale in (("Go", 10**9), ("Mo", 10**6), ("Ko", 10**3)):
        if size >= scale:
            value = (Decimal(size) / scale).quantize(Decimal("0.1"))
            return f"{format_decimal(value)}{NBSP}{unit}"
    return f"{size}{NBSP}o"


def format_fixed(value: Decimal, places: int) -> str:
    """`1 228,3333` (places=4): a figure to `places` decimals, rounded half-up, grouped like
    amounts, without a currency (the bracket lines of the seizable salary)."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{abs(value.quantize(quantum, rounding=ROUND_HALF_UP)):.{places}f}"
    units, _, decimals = text.partition(".")
    sign = "-" if value < 0 and text.strip("0.") else ""
    return sign + _group(units) + ("," + decimals if decimals else "")


def format_decimal(value: Decimal) -> str:
    """`2,5`, `5`: a number with only the decimals it has (majoration points)."""
    return f"{value.normalize():f}".replace(".", ",")


# --- rates (percentages) -----------------------------------------------------------------


def plain_rate(value: Decimal) -> str:
    """`7.21`; a rate with more decimals keeps them (`4.125`): a written rate is never rounded."""
    exponent = value.normalize().as_tuple().exponent
    return f"{value.normalize():f}" if isinstance(exponent, int) and exponent < -2 else f"{value:.2f}"


def format_percent(value: Decimal, *, sign: bool = True) -> str:
    """`7,21 %` (at least two decimals; `4,125 %` keeps a third one: a rate is never rounded)."""
    text = plain_rate(value).replace(".", ",")
    return text + NBSP + "%" if sign else text


def parse_percent(text: str, *, where: str = "") -> Decimal:
    """Parse a rate typed as `7,21`, `7.21` or `7,21 %` (any number of decimals).

    The range is the caller's: a rate, a number of points, a TVA rate each have their own.
    """
    prefix = f"{where} : " if where else ""
    raw = (text or "").strip()
    cleaned = _without_spaces(raw.replace("%", "")).replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InvalidInput(f"{prefix}« {raw} » n'est pas un taux (exemple : 6,67).")
    return value


# --- dates -----------------------------------------------------------------------------


def parse_date(text: str) -> date:
    """Parse `jj/mm/aaaa` (also `jj.mm.aaaa`, `jj-mm-aaaa`) or ISO `aaaa-mm-jj`.

    Raises InvalidInput with a French message otherwise.
    """
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("Date vide : saisissez une date au format jj/mm/aaaa.")
    match = _FR_DATE.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DATE.match(raw)
        if not match:
            raise InvalidInput(f"« {raw} » n'est pas une date au format jj/mm/aaaa.")
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"« {raw} » n'existe pas dans le calendrier.") from None


def format_date(value: date | None) -> str:
    """`26/11/2026`; empty for no date."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def format_date_long(value: date) -> str:
    """`1er mars 2026`, as acts write dates in words."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS_FR[value.month - 1]} {value.year}"


def day_label(value: date) -> str:
    """`samedi 12/04/2025`: the weekday is what the clerc checks first."""
    return f"{WEEKDAYS_FR[value.weekday()]} {format_date(value)}"


# The abbreviations of the Imprimerie nationale (« janv. », « févr. »…): a chart's month axis.
MONTHS_SHORT_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def month_label(value: date) -> str:
    """`janv. 25`: a month on a chart's axis (the day is ignored)."""
    return f"{MONTHS_SHORT_FR[value.month - 1]} {value.year % 100:02d}"
