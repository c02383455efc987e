"""How long an SMS is: its encoding, its characters and the number of SMS it is sent as.

The source is 3GPP TS 23.038 (ETSI TS 123 038), « Alphabets and language-specific
information », § 6.2.1 (the GSM 7-bit default alphabet and its extension table) and § 6.2.3
(UCS-2); the concatenation header (6 octets of user data header) is 3GPP TS 23.040 § 9.2.3.24.1.
What follows from it (docs/law/sms.md):

- An SMS carries 140 octets: 160 characters of the 7-bit default alphabet, or 70 UCS-2
  characters (2 octets each).
- A longer message is sent as several SMS joined by the phone; each carries a 6-octet header,
  leaving 153 seven-bit characters or 67 UCS-2 characters per part.
- The extension table's characters (€ [ ] { } ~ ^ \\ | and the form feed) are written as an
  escape and a second septet: they count two, and an escape pair is never split between parts.
- One character outside both tables turns the whole message into UCS-2. Characters outside the
  Basic Multilingual Plane (emoji) take two UCS-2 units (a surrogate pair), never split.

The French letters the default alphabet holds are é è ù ì ò à and É Ç (capitals only for
these two) plus Ä Ö Ñ Ü ä ö ñ ü; ê â î ô û ç ë ï œ and the typographic quotes, dashes and
non-breaking spaces are not in it. `gsm_transliteration` offers the nearest GSM text for the
clerc to accept or not: nothing is replaced silently.

Pure: no clock, no I/O.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM_7 = "GSM-7"
UCS_2 = "UCS-2"

# The default alphabet, in code order 0x00-0x7F (0x1B, the escape to the extension table, left out).
_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ"
    "ÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_BASIC = frozenset(_GSM_BASIC)
# The extension table (reached through the escape 0x1B): each costs two septets.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_GSM, PART_GSM = 160, 153
SINGLE_UCS2, PART_UCS2 = 70, 67


@dataclass(frozen=True)
class SmsLength:
    """What a message costs: `chars` is in the encoding's units (septets for GSM-7, an
    extension character counting two; UTF-16 units for UCS-2, an emoji counting two);
    `per_segment` is what one SMS holds at this length (160 or 153, 70 or 67);
    `offending_chars`, for UCS-2, the distinct characters that forced it, in order of appearance."""

    encoding: str
    chars: int
    segments: int
    per_segment: int
    offending_chars: tuple[str, ...] = ()

    @property
    def remaining(self) -> int:
        """Units still free in the last SMS (0 for an empty text): what can be added without
        one more SMS."""
        return max(self.segments * self.per_segment - self.chars, 0)


def _units(char: str, encoding: str) -> int:
    if encoding == GSM_7:
        return 2 if char in GSM_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def is_gsm(char: str) -> bool:
    """Whether the character can be sent in the 7-bit alphabet (basic or extension table)."""
    return char in GSM_BASIC or char in GSM_EXTENSION


def _packed_parts(units: list[int], per_part: int) -> int:
    """Parts of `per_part` units, filled in order, never splitting a character's units."""
    parts, used = 1, 0
    for size in units:
        if used + size > per_part:
            parts += 1
            used = 0
        used += size
    return parts


def segments(text: str) -> SmsLength:
    """The encoding of `text`, its length in that encoding's units and the SMS it is sent as."""
    offending = tuple(dict.fromkeys(char for char in text if not is_gsm(char)))
    encoding = UCS_2 if offending else GSM_7
    single, part = (SINGLE_UCS2, PART_UCS2) if offending else (SINGLE_GSM, PART_GSM)
    units = [_units(char, encoding) for char in text]
    total = sum(units)
    if total == 0:
        return SmsLength(encoding, 0, 0, single, offending)
    if total <= single:
        return SmsLength(encoding, total, 1, single, offending)
    return SmsLength(encoding, total, _packed_parts(units, part), part, offending)


# The nearest GSM text for characters a French clerc types: typography first, then the letters
# the default alphabet lacks (lower-case ç has no GSM form: c; Ç does).
_TRANSLITERATION = {
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\t": " ",
    "’": "'",
    "‘": "'",
    "‚": "'",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "‐": "-",
    "−": "-",
    "…": "...",
    "•": "-",
    "œ": "oe",
    "Œ": "OE",
    "ç": "c",
    "°": "o",
    "`": "'",
}


def _nearest_gsm(char: str) -> str:
    if is_gsm(char):
        return char
    if char in _TRANSLITERATION:
        return _TRANSLITERATION[char]
    stripped = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return stripped if stripped and all(is_gsm(c) for c in stripped) else char


def gsm_transliteration(text: str) -> str:
    """`text` with each character outside the GSM alphabet replaced by its nearest GSM form
    (ê → e, œ → oe, « → ", espace insécable → espace); characters already in the alphabet
    (é, è, à, €…) stay, and what has no GSM form (emoji, other scripts) stays too, so the result
    may still be UCS-2. An offer for the clerc: callers never apply it silently."""
    return "".join(_nearest_gsm(char) for char in text)


def _quoted(chars: tuple[str, ...], limit: int = 5) -> str:
    shown = [f"« {_visible(char)} »" for char in chars[:limit]]
    if len(chars) > limit:
        return ", ".join(shown) + f"… ({len(chars)} caractères)"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " et " + shown[-1]


def _visible(char: str) -> str:
    """A character as the clerc can see it in a sentence: spaces and controls named."""
    names = {"\u00a0": "espace insécable", "\u202f": "espace fine insécable", "\t": "tabulation"}
    if char in names:
        return names[char]
    if unicodedata.category(char).startswith(("C", "Z")):
        return f"U+{ord(char):04X}"
    return char


def length_summary(length: SmsLength) -> str:
    """« 1 SMS · 42/160 caractères » ; « 2 SMS de 67 caractères, encodage UCS-2 à cause de « ê » » :
    what the preview says before sending (French)."""
    if length.segments == 0:
        return "Message vide : aucun SMS."
    unit = "caractère" if length.chars == 1 else "caractères"
    if length.segments == 1:
        size = f"1 SMS · {length.chars}/{length.per_segment} {unit}"
    else:
        size = f"{length.segments} SMS de {length.per_segment} caractères · {length.chars} {unit}"
    if length.encoding == GSM_7:
        return size + " (alphabet GSM)"
    return f"{size} · encodage UCS-2 ({SINGLE_UCS2} caractères par SMS au lieu de {SINGLE_GSM}) à cause de " + _quoted(
        length.offending_chars
    )
