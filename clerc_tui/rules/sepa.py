"""SEPA credit transfers (pain.001.001.09) for the reversements: what may go into the file.

Pure rules (docs/sepa.md): the SEPA character set and the cleaning of names and remittance
text into it, the lengths, the amount format, the BIC (ISO 9362), who can be paid by a SEPA
credit transfer (a creditor who cannot is held back by the run), and the identifiers of a
message, unique and reproducible. The XML itself is written by `report/sepa.py` from the
`Order` built here.

Sources (docs/sepa.md): EPC132-08, SEPA Credit Transfer Customer-to-PSP Implementation
Guidelines (§1.4 character set; identifiers never start or end with « / » nor contain « // »;
Name 70 characters, unstructured remittance 140); EPC217-08, SEPA Requirements for an Extended
Character Set, best practices and conversion table (letters with diacritics to their base
letter, a character without a meaningful replacement to « . »); EPC125-05, SCT rulebook (AT-C002:
the beneficiary's BIC is mandatory only for a PSP in a non-EEA SEPA country); EPC409-09, the
countries of the SEPA schemes.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.identifiers import validate_iban
from clerc_tui.rules.money import CENT

# EPC132-08 §1.4: the Latin character set every SEPA bank must accept.
SEPA_CHARACTERS = frozenset(string.ascii_letters + string.digits + "/-?:().,'+ ")
NAME_LENGTH = 70  # Cdtr/Nm, Dbtr/Nm, InitgPty/Nm (EPC132-08; ISO allows 140)
REMITTANCE_LENGTH = 140  # RmtInf/Ustrd
ID_LENGTH = 35  # MsgId, PmtInfId, EndToEndId (Max35Text)
MAX_AMOUNT = Decimal("999999999.99")  # EPC132-08, AT-T002
CURRENCY = "EUR"

# Characters outside the set that have a meaningful replacement (EPC217-08's table where it
# has one; quotes and dashes to their plain form, « & » to « + »: a choice, docs/sepa.md).
# Anything else with no decomposition into the set becomes « . ».
_REPLACEMENTS = {
    "&": "+",
    "œ": "oe",
    "Œ": "OE",
    "æ": "ae",
    "Æ": "AE",
    "ß": "ss",
    "ẞ": "SS",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "TH",
    "ı": "i",
    "’": "'",
    "‘": "'",
    "‚": "'",
    "ʼ": "'",
    "`": "'",
    "´": "'",
    '"': "'",
    "«": "'",
    "»": "'",
    "“": "'",
    "”": "'",
    "„": "'",
    "‹": "'",
    "›": "'",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "−": "-",
    "_": "-",
    "…": "...",
    ";": ",",
    "[": "(",
    "]": ")",
    "{": "(",
    "}": ")",
    "€": "EUR",
    "°": "o",  # n° → no
}
_SPACES = re.compile(" +")
_GUILLEMETS = re.compile(r"«[\s\u00a0\u202f]*|[\s\u00a0\u202f]*»")  # « très » → 'tres'


def _clean_char(char: str) -> str:
    if char in SEPA_CHARACTERS:
        return char
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    if char.isspace() or unicodedata.category(char) == "Zs":
        return " "
    if unicodedata.category(char)[0] == "C":  # control, format (bidi marks), unassigned: no text
        return ""
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if base and all(c in SEPA_CHARACTERS for c in base):
        return base  # é → e, Ç → C, ﬁ → fi
    return "."


def sepa_text(text: str, limit: int) -> str:
    """`text` in the SEPA character set, spaces collapsed, cut to `limit` characters:
    « Société Générale & Fils » → « Societe Generale + Fils »; control characters vanish."""
    text = _GUILLEMETS.sub("'", text or "")
    cleaned = _SPACES.sub(" ", "".join(_clean_char(c) for c in text)).strip()
    return cleaned[:limit].rstrip()


def is_sepa_text(text: str) -> bool:
    return all(c in SEPA_CHARACTERS for c in text)


def check_id(value: str) -> str:
    """An identifier of the message (MsgId, PmtInfId, EndToEndId): 1 to 35 characters of the
    set, no space, neither starting nor ending with « / », no « // » (EPC132-08 §1.4)."""
    if (
        not 0 < len(value) <= ID_LENGTH
        or not is_sepa_text(value)
        or " " in value
        or value.startswith("/")
        or value.endswith("/")
        or "//" in value
    ):
        raise ValueError(f"identifiant SEPA invalide : {value!r}")
    return value


def message_id(run_id: int, created_at: datetime) -> str:
    """MsgId: the run and the creation time — unique for the étude's bank (a run's file made
    again by `fichier` is the stored one, same id), reproducible from what the run stores."""
    return check_id(f"CLERC-R{run_id:06d}-{created_at:%Y%m%d%H%M%S}")


def payment_id(run_id: int) -> str:
    return check_id(f"CLERC-R{run_id:06d}")


def end_to_end_id(run_id: int, creditor_id: int) -> str:
    """One transfer per creditor of a run: the run and the creditor name it (the creditor's
    bank statement shows it)."""
    return check_id(f"R{run_id:06d}-C{creditor_id:08d}")


def sepa_amount(value: Decimal) -> str:
    """`Decimal('1234.5')` → `1234.50`: two decimals, a point, no grouping; 0.01 to 999 999 999.99."""
    if value != value.quantize(CENT) or not CENT <= value <= MAX_AMOUNT:
        raise ValueError(f"montant SEPA hors limites : {value}")
    return f"{value:.2f}"


# --- BIC (ISO 9362) --------------------------------------------------------------------

# Business party prefix (4 letters or digits), country (2 letters), location (2), branch (3,
# optional): the pattern of the pain.001.001.09 schema (BICFIDec2014Identifier).
_BIC = re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


def validate_bic(text: str, *, field: str = "bic") -> str:
    """`bnpa fr pp xxx` → `BNPAFRPPXXX`; 8 or 11 letters and digits, the 5th and 6th the
    country (ISO 9362). Empty stays empty (the BIC is optional in SEPA within the EEA)."""
    value = "".join((text or "").split()).upper()
    if value and not _BIC.fullmatch(value):
        raise InvalidInput(
            f"BIC « {value} » invalide : 8 ou 11 lettres et chiffres, le pays en 5e et 6e position (ex. BNPAFRPPXXX).",
            field=field,
        )
    return value


# --- Who can be paid by a SEPA credit transfer -------------------------------------------

# EPC409-09: the EEA (27 EU member states, Iceland, Liechtenstein, Norway) and the non-EEA SEPA
# countries and territories whose IBAN clerc checks (rules/identifiers.py). French overseas
# departments and collectivities use FR IBANs.
EU: tuple[str, ...] = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU")
EU += ("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
EEA = frozenset((*EU, "IS", "LI", "NO"))
NON_EEA_SEPA = frozenset(("AD", "CH", "GB", "GI", "MC", "SM", "VA"))


def payee_problem(name: str, iban: str, bic: str) -> str | None:
    """Why a creditor cannot be paid by a SEPA credit transfer, in French; None when they can."""
    if not (iban or "").strip():
        return "sans IBAN"
    try:
        value = validate_iban(iban)
    except InvalidInput as error:
        return f"IBAN invalide ({error.message})"
    country = value[:2]
    if country not in EEA and country not in NON_EEA_SEPA:
        return f"compte hors de la zone SEPA ({country})"
    try:
        bic = validate_bic(bic)
    except InvalidInput as error:
        return error.message
    if not bic and country in NON_EEA_SEPA:
        return f"BIC manquant : obligatoire pour un compte hors de l'Espace économique européen ({country})"
    if not sepa_text(name, NAME_LENGTH):
        return "nom sans aucun caractère admis par SEPA"
    return None


# --- The order the file describes -------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """A name and an account, already in the SEPA set (`party`)."""

    name: str
    iban: str
    bic: str  # empty: not given (CdtrAgt left out, DbtrAgt « NOTPROVIDED »)


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    creditor: Party
    amount: Decimal
    text: str  # RmtInf/Ustrd


@dataclass(frozen=True)
class Order:
    """One pain.001 message: one payment (the étude's account debited once a day) and one
    transfer per creditor."""

    message_id: str
    created_at: datetime
    execution_date: date
    debtor: Party
    payment_id: str
    transfers: tuple[Transfer, ...]

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.transfers), Decimal("0.00"))


@dataclass(frozen=True)
class Payee:
    """What the run paid one creditor: the creditor's account and the dossiers."""

    creditor_id: int
    name: str
    iban: str
    bic: str
    amount: Decimal
    references: tuple[str, ...]


def party(name: str, iban: str, bic: str) -> Party:
    """A name and an account as the file writes them; raises ValueError when they cannot go in
    (`payee_problem` says why, in French, before anything is recorded)."""
    problem = payee_problem(name, iban, bic)
    if problem is not None:
        raise ValueError(problem)
    return Party(sepa_text(name, NAME_LENGTH), validate_iban(iban), validate_bic(bic))


def remittance_text(run_id: int, references: tuple[str, ...]) -> str:
    """RmtInf/Ustrd: « Reversement 12 - 3 dossier(s) : 2026-000001, 2026-000002, 2026-000007 »,
    as many references as fit in 140 characters, then « et 37 autre(s) » (the creditor's
    statement, `clerc reversements releve`, lists them all)."""
    refs = [sepa_text(r, REMITTANCE_LENGTH) for r in references]
    head = f"Reversement {run_id} - {len(refs)} dossier(s) : "
    shown: list[str] = []
    for count, ref in enumerate(refs, 1):
        rest = len(refs) - count
        tail = f" et {rest} autre(s)" if rest else ""
        if len(head + ", ".join([*shown, ref]) + tail) > REMITTANCE_LENGTH:
            break
        shown.append(ref)
    left = len(refs) - len(shown)
    text = head + ", ".join(shown) + (f" et {left} autre(s)" if left else "")
    return sepa_text(text, REMITTANCE_LENGTH)


def make_order(
    run_id: int,
    created_at: datetime,
    execution_date: date,
    debtor: Party,
    payees: list[Payee],
) -> Order:
    """The message of a run: one transfer per creditor, in the order given."""
    transfers = tuple(
        Transfer(
            end_to_end_id(run_id, p.creditor_id),
            party(p.name, p.iban, p.bic),
            p.amount,
            remittance_text(run_id, p.references),
        )
        for p in payees
    )
    for t in transfers:
        sepa_amount(t.amount)
    return Order(message_id(run_id, created_at), created_at, execution_date, debtor, payment_id(run_id), transfers)
