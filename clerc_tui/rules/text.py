"""Text typed or imported by the clerc: what is refused at input, and how old data is shown.

A terminal obeys the control characters it is sent: ESC starts a sequence that can clear
the screen or (OSC 52) write to the clerc's clipboard; bidi overrides reorder what is read.
So user text never keeps them (`check_text`, at input) and every output passes what might
still come from old data through `inert` (see docs/trust.md, « Texte inerte »).
"""

import re
import unicodedata

from clerc_tui.errors import InvalidInput

# C0 controls (tab and newline are allowed only where a field is multi-line), DEL, C1
# controls (U+0080–U+009F: CSI U+009B and OSC U+009D act like ESC [ and ESC ]), and the
# bidi embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069.
_FORBIDDEN = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_BAD_LINE = re.compile(f"[\t\n{_FORBIDDEN}]")
_BAD_MULTILINE = re.compile(f"[{_FORBIDDEN}]")

SINGLE_LINE_MAX = 200
MULTILINE_MAX = 10_000

_NAMES = {
    0x00: "caractère nul",
    0x07: "sonnerie",
    0x08: "retour arrière",
    0x09: "tabulation",
    0x0A: "saut de ligne",
    0x0D: "retour chariot",
    0x1B: "échappement",
    0x7F: "suppression",
    0x9B: "introducteur de séquence de contrôle",
    0x9D: "commande du système d'exploitation",
}
_BIDI = {
    0x202A: "début d'enchâssement gauche-à-droite",
    0x202B: "début d'enchâssement droite-à-gauche",
    0x202C: "fin d'enchâssement",
    0x202D: "forçage gauche-à-droite",
    0x202E: "forçage droite-à-gauche",
    0x2066: "isolat gauche-à-droite",
    0x2067: "isolat droite-à-gauche",
    0x2068: "isolat à direction déterminée",
    0x2069: "fin d'isolat",
}


def describe(char: str) -> str:
    """« U+001B (échappement) »: a bad character named by its code point, in French."""
    code = ord(char)
    if code in _BIDI:
        name = f"caractère de direction : {_BIDI[code]}"
    else:
        name = _NAMES.get(code) or f"caractère de contrôle {unicodedata.name(char, '').lower()}".rstrip()
    return f"U+{code:04X} ({name})"


def check_text(
    value: str | None, *, field: str, max_len: int | None = None, multiline: bool = False, key: str | None = None
) -> str:
    """`value` if it can be kept as typed, else InvalidInput naming the field and the first
    bad character by its code point. Multi-line fields (notes) keep tabs and newlines
    (a Windows « \\r\\n » becomes « \\n »); no field keeps another control character, a bidi
    override or NUL, nor more than `max_len` characters. `field` is the French label the
    message starts with; `key` (default: the label) is the InvalidInput's field."""
    value = value or ""
    if multiline:
        value = value.replace("\r\n", "\n")
    limit = max_len or (MULTILINE_MAX if multiline else SINGLE_LINE_MAX)
    bad = (_BAD_MULTILINE if multiline else _BAD_LINE).search(value)
    if bad is not None:
        raise InvalidInput(
            f"{field} : caractère {describe(bad.group())} refusé (position {bad.start() + 1}). "
            "Retapez le texte sans lui.",
            field=key or field,
        )
    if len(value) > limit:
        raise InvalidInput(f"{field} : {len(value)} caractères, {limit} au plus.", field=key or field)
    return value


def _placeholder(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Control Pictures: ESC is shown « ␛ », NUL « ␀ »
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def inert(value: object, *, multiline: bool = True) -> str:
    """`value` as text that a terminal, a spreadsheet or a reader cannot take for orders:
    every control or bidi character becomes a visible placeholder (ESC « ␛ », C1 and bidi
    « � »). Tabs and newlines are kept when `multiline`, shown « ␉ » « ␊ » otherwise."""
    text = "" if value is None else str(value)
    pattern = _BAD_MULTILINE if multiline else _BAD_LINE
    return pattern.sub(_placeholder, text) if pattern.search(text) else text


def is_inert(value: str, *, multiline: bool = True) -> bool:
    return (_BAD_MULTILINE if multiline else _BAD_LINE).search(value) is None


# A cell a spreadsheet would read as a formula (CSV injection): =, +, -, @, and the tab and
# carriage return that some spreadsheets skip before reading the formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """`cell` with a leading quote when it would start a formula: the text « =HYPERLINK(…) »
    typed as a creditor's name is shown as text, never run (docs/trust.md)."""
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
