"""Dates as the clerc types and reads them: `26/11/2026` (ISO `2026-11-26` also accepted)."""

import re
from datetime import date

from clerc_tui.errors import InvalidInput

_FR = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")

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


def parse_date(text: str) -> date:
    """Parse `jj/mm/aaaa` or `aaaa-mm-jj`; raise InvalidInput with a French message otherwise."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("Date vide : saisissez une date au format jj/mm/aaaa.")
    match = _FR.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(raw)
        if not match:
            raise InvalidInput(f"« {raw} » n'est pas une date au format jj/mm/aaaa.")
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"« {raw} » n'existe pas dans le calendrier.") from None


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_date_long(value: date) -> str:
    """`1er mars 2026`, as acts write dates in words."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS_FR[value.month - 1]} {value.year}"


def day_label(value: date) -> str:
    """`samedi 12/04/2025`: the weekday is what the clerc checks first."""
    return f"{WEEKDAYS_FR[value.weekday()]} {format_date(value)}"
