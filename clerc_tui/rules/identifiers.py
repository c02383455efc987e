"""Identifiers the clerc types: SIREN, SIRET, IBAN, e-mail, French phone numbers, postcodes.

Every `validate_*` takes what was typed and returns the normalised value to store, or
raises `InvalidInput` with a French message that says what is wrong. Pure functions:
the demo uses the `*_check_digit` / `make_*` helpers to build valid identifiers.
"""

import re

from clerc_tui.errors import InvalidInput

# Spaces a clerc may paste: ordinary, no-break, narrow no-break, and dots/dashes for some fields.
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def _strip_spaces(text: str) -> str:
    return _SPACES.sub("", text or "")


# --- Luhn: SIREN and SIRET ------------------------------------------------------------


def luhn_sum(digits: str) -> int:
    """The Luhn sum of a string of digits (every second digit from the right doubled)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total


def luhn_is_valid(digits: str) -> bool:
    return digits.isdigit() and luhn_sum(digits) % 10 == 0


def luhn_check_digit(digits: str) -> str:
    """The digit to append to `digits` so that the whole passes the Luhn check."""
    return str((10 - luhn_sum(digits + "0") % 10) % 10)


# La Poste's establishments share one SIREN and do not follow Luhn: their SIRET is valid
# when the sum of its digits is a multiple of 5 (INSEE rule).
LA_POSTE_SIREN = "356000000"


def validate_siren(text: str, *, field: str = "siren") -> str:
    """`732 829 320` → `732829320`; nine digits and the Luhn key."""
    raw = (text or "").strip()
    value = _strip_spaces(raw)
    if not value:
        raise InvalidInput("SIREN vide : saisissez les 9 chiffres du SIREN.", field=field)
    if not value.isdigit() or len(value) != 9:
        raise InvalidInput(f"« {raw} » n'est pas un SIREN : il faut exactement 9 chiffres.", field=field)
    if value == "0" * 9 or not luhn_is_valid(value):
        raise InvalidInput(f"SIREN {format_siren(value)} invalide : la clé de contrôle ne correspond pas "
                           "(vérifiez une faute de frappe).", field=field)
    return value


def siret_is_valid(value: str) -> bool:
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN):
        return sum(int(c) for c in value) % 5 == 0
    return value[:9] != "0" * 9 and luhn_is_valid(value[:9]) and luhn_is_valid(value)


def validate_siret(text: str, *, field: str = "siret") -> str:
    """`732 829 320 00074` → `73282932000074`; fourteen digits, SIREN and SIRET keys."""
    raw = (text or "").strip()
    value = _strip_spaces(raw)
    if not value:
        raise InvalidInput("SIRET vide : saisissez les 14 chiffres du SIRET.", field=field)
    if not value.isdigit() or len(value) != 14:
        raise InvalidInput(f"« {raw} » n'est pas un SIRET : il faut exactement 14 chiffres "
                           "(SIREN + NIC).", field=field)
    if not siret_is_valid(value):
        raise InvalidInput(f"SIRET {format_siret(value)} invalide : la clé de contrôle ne correspond pas "
                           "(vérifiez une faute de frappe).", field=field)
    return value


def format_siren(value: str) -> str:
    """`732829320` → `732 829 320`."""
    return f"{value[:3]} {value[3:6]} {value[6:9]}" if len(value) == 9 else value


def format_siret(value: str) -> str:
    """`73282932000074` → `732 829 320 00074`."""
    return f"{format_siren(value[:9])} {value[9:]}" if len(value) == 14 else value


def make_siren(eight_digits: str) -> str:
    """A valid SIREN from its first eight digits (for test and demo data)."""
    return eight_digits + luhn_check_digit(eight_digits)


def make_siret(siren: str, nic_four_digits: str) -> str:
    """A valid SIRET from a SIREN and the first four digits of the NIC."""
    body = siren + nic_four_digits
    return body + luhn_check_digit(body)


# --- IBAN (ISO 13616) -----------------------------------------------------------------

# Length of the IBAN per country (SEPA area and a few others a French étude meets).
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "VA": 22, "MA": 28, "TN": 24, "DZ": 26, "SN": 28, "CI": 28, "TR": 26,
}
# Countries whose IBAN carries a French RIB (5 + 5 + 11 + 2 key): France and Monaco.
_RIB_COUNTRIES = ("FR", "MC")


def _mod97(digits_and_letters: str) -> int:
    numeric = "".join(str(int(c, 36)) for c in digits_and_letters)
    return int(numeric) % 97


def iban_check_digits(country: str, bban: str) -> str:
    """The two check digits of the IBAN for `country` and `bban`."""
    return f"{98 - _mod97(bban + country + '00'):02d}"


# RIB key: letters of the account number map to digits (A,J→1 … I,R→9; S→2 … Z→9).
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


def rib_key(bank: str, branch: str, account: str) -> str:
    """The 2-digit key of a French RIB (code banque, code guichet, numéro de compte)."""
    b, g, c = (int(part.upper().translate(_RIB_LETTERS)) for part in (bank, branch, account))
    return f"{97 - (89 * b + 15 * g + 3 * c) % 97:02d}"


def make_french_iban(bank: str, branch: str, account: str) -> str:
    """A valid French IBAN (no spaces) from a bank code, a branch code and an account number."""
    bban = bank + branch + account + rib_key(bank, branch, account)
    return "FR" + iban_check_digits("FR", bban) + bban


def validate_iban(text: str, *, field: str = "iban") -> str:
    """`fr76 3000 6000 0112 3456 7890 189` → `FR7630006000011234567890189`."""
    raw = (text or "").strip()
    value = _strip_spaces(raw).replace("-", "").upper()
    if value.startswith("IBAN"):
        value = value[4:]
    if not value:
        raise InvalidInput("IBAN vide : saisissez l'IBAN, par exemple FR76 3000 6000 0112 3456 7890 189.",
                           field=field)
    if not value.isalnum() or not value.isascii():
        raise InvalidInput(f"« {raw} » n'est pas un IBAN : seuls des lettres et des chiffres sont admis.",
                           field=field)
    country = value[:2]
    if not country.isalpha() or not value[2:4].isdigit():
        raise InvalidInput(f"« {raw} » n'est pas un IBAN : il commence par le code pays (FR) "
                           "puis deux chiffres de contrôle.", field=field)
    expected = IBAN_LENGTHS.get(country)
    if expected is None:
        raise InvalidInput(f"IBAN : code pays « {country} » inconnu.", field=field)
    if len(value) != expected:
        raise InvalidInput(f"Un IBAN {country} compte {expected} caractères ; celui-ci en a {len(value)}.",
                           field=field)
    if _mod97(value[4:] + value[:4]) != 1:
        raise InvalidInput(f"IBAN {format_iban(value)} invalide : la clé de contrôle ne correspond pas "
                           "(vérifiez une faute de frappe).", field=field)
    if country in _RIB_COUNTRIES:
        bank, branch, account, key = value[4:9], value[9:14], value[14:25], value[25:27]
        if not (bank.isdigit() and branch.isdigit() and key.isdigit()) or rib_key(bank, branch, account) != key:
            raise InvalidInput(f"IBAN {format_iban(value)} invalide : la clé RIB ne correspond pas.", field=field)
    return value


def format_iban(value: str) -> str:
    """`FR7630006000011234567890189` → `FR76 3000 6000 0112 3456 7890 189`."""
    compact = _strip_spaces(value).upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


# --- E-mail ---------------------------------------------------------------------------

# Pragmatic: what mail servers actually accept in practice, not the whole RFC 5322.
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?$")


def validate_email(text: str, *, field: str = "email") -> str:
    """`  Jeanne.Lefevre@Orange.FR ` → `Jeanne.Lefevre@orange.fr` (the domain lowered)."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("Adresse e-mail vide.", field=field)
    example = "exemple : jeanne.lefevre@orange.fr"
    if " " in raw or raw.count("@") != 1:
        raise InvalidInput(f"« {raw} » n'est pas une adresse e-mail ({example}).", field=field)
    local, domain = raw.split("@")
    domain = domain.lower().rstrip(".")
    if not local or len(local) > 64 or not _LOCAL.match(local):
        raise InvalidInput(f"« {raw} » : la partie avant @ n'est pas valable ({example}).", field=field)
    labels = domain.split(".")
    if (len(labels) < 2 or len(domain) > 253 or not all(_LABEL.match(label) for label in labels)
            or labels[-1].isdigit() or len(labels[-1]) < 2):
        raise InvalidInput(f"« {raw} » : le domaine après @ n'est pas valable ({example}).", field=field)
    value = f"{local}@{domain}"
    if len(value) > 254:
        raise InvalidInput("Adresse e-mail trop longue (254 caractères au plus).", field=field)
    return value


# --- French phone numbers -------------------------------------------------------------

# Overseas departments have their own country codes; the national number keeps its
# prefix: +262 692 12 34 56 is 0692 12 34 56 (Réunion mobile), +590 590 … Guadeloupe.
DOM_COUNTRY_CODES = {
    "262": ("262", "263", "269", "639", "692", "693"),  # La Réunion, Mayotte
    "590": ("590", "690", "691"),  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "594": ("594", "694"),  # Guyane
    "596": ("596", "696", "697"),  # Martinique
}
_NATIONAL = re.compile(r"^0[1-9]\d{8}$")


def _national_number(compact: str) -> str | None:
    """The 10-digit national form of a compact number, or None when it is not French."""
    if compact.startswith("+"):
        compact = "00" + compact[1:]
    if compact.startswith("0033"):
        rest = compact[4:]
        if rest.startswith("0"):  # +33 (0)1 23 45 67 89
            rest = rest[1:]
        return "0" + rest
    for code, prefixes in DOM_COUNTRY_CODES.items():
        if compact.startswith("00" + code):
            rest = compact[2 + len(code):]
            if rest.startswith("0"):
                rest = rest[1:]
            if len(rest) == 9 and rest[:3] in prefixes:
                return "0" + rest
            return None
    if compact.startswith("00"):
        return None
    return compact


def validate_phone(text: str, *, field: str = "phone") -> str:
    """`+33 (0)6.12.34.56.78` → `06 12 34 56 78`; metropolitan and overseas numbers."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("Numéro de téléphone vide.", field=field)
    compact = re.sub(r"[\s\u00a0\u202f.\-/()]", "", raw)
    if not re.fullmatch(r"\+?\d+", compact):
        raise InvalidInput(f"« {raw} » n'est pas un numéro de téléphone (exemple : 01 23 45 67 89).", field=field)
    national = _national_number(compact)
    if national is None:
        raise InvalidInput(f"« {raw} » n'est pas un numéro français (métropole ou outre-mer).", field=field)
    if not _NATIONAL.match(national):
        raise InvalidInput(f"« {raw} » : un numéro français compte 10 chiffres et commence par 0 "
                           "(exemple : 01 23 45 67 89 ou +33 1 23 45 67 89).", field=field)
    return format_phone(national)


def format_phone(national: str) -> str:
    """`0123456789` → `01 23 45 67 89`."""
    return " ".join(national[i:i + 2] for i in range(0, 10, 2))


# --- Postcode -------------------------------------------------------------------------

# 01–95 (Corsica keeps 20), 97 overseas departments, 98 Monaco and overseas collectivities.
_POSTCODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-578])\d{3}$")


def validate_postcode(text: str, *, field: str = "postcode") -> str:
    """`69002` → `69002`; five digits of a French département."""
    raw = (text or "").strip()
    value = _strip_spaces(raw)
    if not value:
        raise InvalidInput("Code postal vide.", field=field)
    if not value.isdigit() or len(value) != 5:
        raise InvalidInput(f"« {raw} » n'est pas un code postal : il faut 5 chiffres (exemple : 69002).",
                           field=field)
    if not _POSTCODE.match(value):
        raise InvalidInput(f"« {raw} » ne correspond à aucun département français.", field=field)
    return value
