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


# La Poste's establishments share one SIREN and, all but the head office, do not follow Luhn:
# their SIRET is valid when the sum of its 14 digits is a multiple of 5. The head office's
# SIRET (digit sum 26) is an ordinary Luhn SIRET. See docs/law/identifiers.md.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048"


def validate_siren(text: str, *, field: str = "siren") -> str:
    """`732 829 320` → `732829320`; nine digits and the Luhn key."""
    raw = (text or "").strip()
    value = _strip_spaces(raw)
    if not value:
        raise InvalidInput("SIREN vide : saisissez les 9 chiffres du SIREN.", field=field)
    if not value.isdigit() or len(value) != 9:
        raise InvalidInput(f"« {raw} » n'est pas un SIREN : il faut exactement 9 chiffres.", field=field)
    if value == "0" * 9 or not luhn_is_valid(value):
        raise InvalidInput(
            f"SIREN {format_siren(value)} invalide : la clé de contrôle ne correspond pas "
            "(vérifiez une faute de frappe).",
            field=field,
        )
    return value


def siret_is_valid(value: str) -> bool:
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE_SIRET:
        return sum(int(c) for c in value) % 5 == 0
    return value[:9] != "0" * 9 and luhn_is_valid(value[:9]) and luhn_is_valid(value)


def validate_siret(text: str, *, field: str = "siret") -> str:
    """`732 829 320 00074` → `73282932000074`; fourteen digits, SIREN and SIRET keys."""
    raw = (text or "").strip()
    value = _strip_spaces(raw)
    if not value:
        raise InvalidInput("SIRET vide : saisissez les 14 chiffres du SIRET.", field=field)
    if not value.isdigit() or len(value) != 14:
        raise InvalidInput(f"« {raw} » n'est pas un SIRET : il faut exactement 14 chiffres (SIREN + NIC).", field=field)
    if not siret_is_valid(value):
        raise InvalidInput(
            f"SIRET {format_siret(value)} invalide : la clé de contrôle ne correspond pas "
            "(vérifiez une faute de frappe).",
            field=field,
        )
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

# The national part (BBAN) of the IBAN per country, as the SWIFT IBAN registry writes it:
# `5n` five digits, `4a` four capital letters, `11c` eleven letters or digits. SEPA area and a
# few others a French étude meets; see docs/law/identifiers.md.
IBAN_BBAN_FORMATS = {
    "AD": "4n4n12c",
    "AT": "5n11n",
    "BE": "3n7n2n",
    "BG": "4a4n2n8c",
    "CH": "5n12c",
    "CY": "3n5n16c",
    "CZ": "4n16n",
    "DE": "8n10n",
    "DK": "4n9n1n",
    "EE": "2n14n",
    "ES": "4n4n1n1n10n",
    "FI": "3n11n",
    "FR": "5n5n11c2n",
    "GB": "4a6n8n",
    "GI": "4a15c",
    "GR": "3n4n16c",
    "HR": "7n10n",
    "HU": "3n4n1n15n1n",
    "IE": "4a6n8n",
    "IS": "4n2n6n10n",
    "IT": "1a5n5n12c",
    "LI": "5n12c",
    "LT": "5n11n",
    "LU": "3n13c",
    "LV": "4a13c",
    "MC": "5n5n11c2n",
    "MT": "4a5n18c",
    "NL": "4a10n",
    "NO": "4n6n1n",
    "PL": "8n16n",
    "PT": "4n4n11n2n",
    "RO": "4a16c",
    "SE": "3n16n1n",
    "SI": "5n8n2n",
    "SK": "4n6n10n",
    "SM": "1a5n5n12c",
    "TN": "2n3n13n2n",
    "TR": "5n1n16c",
    "VA": "3n15n",
}
_BBAN_KINDS = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "c": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_BBAN_WORDS = {"n": "un chiffre", "a": "une lettre", "c": "une lettre ou un chiffre"}
# Per country, one allowed-character set per BBAN position.
_BBAN_POSITIONS = {
    country: "".join(kind * int(count) for count, kind in re.findall(r"(\d+)([nac])", layout))
    for country, layout in IBAN_BBAN_FORMATS.items()
}
# IBANs outside the SWIFT registry (national IBANs of North and West Africa): length only.
_IBAN_LENGTH_ONLY = {"MA": 28, "DZ": 26, "SN": 28, "CI": 28}
# Length of the IBAN per country.
IBAN_LENGTHS = {**{c: 4 + len(p) for c, p in _BBAN_POSITIONS.items()}, **_IBAN_LENGTH_ONLY}
# Countries whose IBAN carries a French RIB (5 + 5 + 11 + 2 key): France and Monaco.
_RIB_COUNTRIES = ("FR", "MC")


def _bban_problem(country: str, bban: str) -> str | None:
    """What is wrong with the shape of `bban` for `country`, in French; None when it fits."""
    positions = _BBAN_POSITIONS.get(country)
    if positions is None:
        return None
    for index, (char, kind) in enumerate(zip(bban, positions, strict=False), start=5):
        if char not in _BBAN_KINDS[kind]:
            return f"le {index}e caractère (« {char} ») doit être {_BBAN_WORDS[kind]}"
    return None


# Letters as the numbers ISO 13616 gives them (A = 10 … Z = 35), either case; digits stay.
_LETTER_NUMBERS = str.maketrans(
    {letter: str(int(letter, 36)) for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
)


def _mod97(digits_and_letters: str) -> int:
    # One `translate` rather than a Python call per character (the demo makes ~100,000 IBANs).
    numeric = digits_and_letters.translate(_LETTER_NUMBERS)
    if not numeric.isdecimal():  # as int(c, 36) refused it: a space, a sign, an underscore…
        raise ValueError(f"not an IBAN's characters: {digits_and_letters!r}")
    return int(numeric) % 97


def iban_check_digits(country: str, bban: str) -> str:
    """The two check digits of the IBAN for `country` and `bban`."""
    return f"{98 - _mod97(bban + country + '00'):02d}"


# RIB key: letters of the account number map to digits (A,J→1 … I,R→9; S→2 … Z→9).
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


def rib_key(bank: str, branch: str, account: str) -> str:
    """The 2-digit key of a French RIB (code banque, code guichet, numéro de compte)."""
    letters = _RIB_LETTERS  # three calls rather than a generator: the demo makes ~50,000 IBANs
    b, g, c = (
        int(bank.upper().translate(letters)),
        int(branch.upper().translate(letters)),
        int(account.upper().translate(letters)),
    )
    return f"{97 - (89 * b + 15 * g + 3 * c) % 97:02d}"


def make_french_iban(bank: str, branch: str, account: str) -> str:
    """A valid French IBAN (no spaces) from a bank code, a branch code and an account number."""
    bban = bank + branch + account + rib_key(bank, branch, account)
    return "FR" + iban_check_digits("FR", bban) + bban


# --- National check digits inside the BBAN (docs/law/identifiers.md) -------------------


def belgian_bban_key(first_ten: str) -> str:
    """Belgium: the last two digits are the first ten modulo 97 (97 when that is 0)."""
    return f"{int(first_ten) % 97 or 97:02d}"


def _spanish_digit(digits: str) -> str:
    # Weights 1, 2, 4, 8, 5, 10, 9, 7, 3, 6 (2^i mod 11); 10 and 11 are written 1 and 0.
    check = 11 - sum(int(d) * pow(2, i, 11) for i, d in enumerate(digits)) % 11
    return str({10: 1, 11: 0}.get(check, check))


def spanish_ccc_key(bank: str, branch: str, account: str) -> str:
    """Spain (CCC): one digit over « 00 » + bank + branch, one over the ten-digit account."""
    return _spanish_digit("00" + bank + branch) + _spanish_digit(account)


def norwegian_account_digit(first_ten: str) -> str | None:
    """Norway (MOD 11, weights 5 4 3 2 7 6 5 4 3 2); None when no digit fits (remainder 1)."""
    check = 11 - sum(w * int(d) for w, d in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), first_ten, strict=False)) % 11
    return None if check == 10 else str(check % 11)


def _national_key_problem(country: str, bban: str) -> str | None:
    """The national check digits of the BBAN, for the countries that have them; the shape is
    already checked. Returns the French name of the key that fails, or None."""
    if country in _RIB_COUNTRIES:
        return None if rib_key(bban[:5], bban[5:10], bban[10:21]) == bban[21:] else "la clé RIB"
    if country == "BE":
        return None if belgian_bban_key(bban[:10]) == bban[10:] else "la clé du compte belge"
    if country == "ES":
        return (
            None
            if spanish_ccc_key(bban[:4], bban[4:8], bban[10:]) == bban[8:10]
            else "les chiffres de contrôle du compte espagnol (CCC)"
        )
    if country == "NO":
        return None if norwegian_account_digit(bban[:10]) == bban[10] else "la clé du compte norvégien"
    return None


def validate_iban(text: str, *, field: str = "iban") -> str:
    """`fr76 3000 6000 0112 3456 7890 189` → `FR7630006000011234567890189`."""
    raw = (text or "").strip()
    value = _strip_spaces(raw).replace("-", "").upper()
    if value.startswith("IBAN"):
        value = value[4:]
    if not value:
        raise InvalidInput("IBAN vide : saisissez l'IBAN, par exemple FR76 3000 6000 0112 3456 7890 189.", field=field)
    if not value.isalnum() or not value.isascii():
        raise InvalidInput(f"« {raw} » n'est pas un IBAN : seuls des lettres et des chiffres sont admis.", field=field)
    country = value[:2]
    if not country.isalpha() or not value[2:4].isdigit():
        raise InvalidInput(
            f"« {raw} » n'est pas un IBAN : il commence par le code pays (FR) puis deux chiffres de contrôle.",
            field=field,
        )
    expected = IBAN_LENGTHS.get(country)
    if expected is None:
        raise InvalidInput(f"IBAN : code pays « {country} » inconnu.", field=field)
    if len(value) != expected:
        raise InvalidInput(f"Un IBAN {country} compte {expected} caractères ; celui-ci en a {len(value)}.", field=field)
    shape = _bban_problem(country, value[4:])
    if shape:
        raise InvalidInput(f"IBAN {format_iban(value)} invalide : {shape} (forme d'un IBAN {country}).", field=field)
    if _mod97(value[4:] + value[:4]) != 1:
        raise InvalidInput(
            f"IBAN {format_iban(value)} invalide : la clé de contrôle ne correspond pas "
            "(vérifiez une faute de frappe).",
            field=field,
        )
    national = _national_key_problem(country, value[4:])
    if national:
        raise InvalidInput(f"IBAN {format_iban(value)} invalide : {national} ne correspond pas.", field=field)
    return value


def format_iban(value: str) -> str:
    """`FR7630006000011234567890189` → `FR76 3000 6000 0112 3456 7890 189`."""
    compact = _strip_spaces(value).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


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
    if (
        len(labels) < 2
        or len(domain) > 253
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
        or len(labels[-1]) < 2
    ):
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
            rest = compact[2 + len(code) :]
            if rest.startswith("0"):
                rest = rest[1:]
            if len(rest) == 9 and rest[:3] in prefixes:
                return "0" + rest
            return None
    if compact.startswith("00"):
        return None
    return compact


def national_phone(text: str, *, field: str = "phone") -> str:
    """`+33 (0)6.12.34.56.78` → `0612345678`: the 10-digit national form of a French number
    (metropolitan or overseas), as typed in any of the usual ways."""
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
        raise InvalidInput(
            f"« {raw} » : un numéro français compte 10 chiffres et commence par 0 "
            "(exemple : 01 23 45 67 89 ou +33 1 23 45 67 89).",
            field=field,
        )
    return national


def validate_phone(text: str, *, field: str = "phone") -> str:
    """`+33 (0)6.12.34.56.78` → `06 12 34 56 78`; metropolitan and overseas numbers."""
    return format_phone(national_phone(text, field=field))


# The country code of each overseas prefix of the national plan (0262… → +262 262…).
_DOM_PREFIX_CODES = {"0" + prefix: code for code, prefixes in DOM_COUNTRY_CODES.items() for prefix in prefixes}


def phone_e164(national: str) -> str:
    """`0612345678` → `+33612345678`; `0692123456` → `+262692123456` (E.164, ITU-T: the
    country code, then the national number without its leading 0; the overseas departments
    keep their own country code and their prefix)."""
    code = _DOM_PREFIX_CODES.get(national[:4])
    if code is not None:
        return f"+{code}{national[1:]}"
    return f"+33{national[1:]}"


# Mobile numbers of the national plan (ARCEP, décision n° 2018-0881 modifiée, annexe 1 § 2.3.4;
# docs/law/sms.md): 06 and 073 to 079 (070-072 are not mobile ranges: 0700 is M2M, 14 digits);
# the overseas mobiles are inside 06 (0639, 0690-0697).
MOBILE_PREFIXES = ("06", "073", "074", "075", "076", "077", "078", "079")


def is_mobile(national: str) -> bool:
    """Whether a 10-digit national number is a mobile number (one an SMS reaches)."""
    return len(national) == 10 and national.startswith(MOBILE_PREFIXES)


def _not_mobile_reason(national: str) -> str:
    shown = format_phone(national)
    if national[1] in "12345":
        return f"{shown} est un numéro fixe (01 à 05) : un SMS n'y arrive pas"
    if national[1] == "8":
        return f"{shown} est un numéro spécial (08), qui ne reçoit pas de SMS"
    if national[1] == "9":
        return (
            f"{shown} est un numéro polyvalent (09, le plus souvent la ligne d'une box internet) : "
            "un SMS n'y arrive pas"
        )
    return f"{shown} n'est pas dans une tranche de numéros mobiles (06, 073 à 079)"


def validate_mobile(text: str, *, field: str = "phone") -> str:
    """`06 12 34 56 78` → `+33612345678`: a mobile number for an SMS, in E.164. A landline, a
    special or a polyvalent (09) number is refused with the reason, in French."""
    national = national_phone(text, field=field)
    if not is_mobile(national):
        raise InvalidInput(
            _not_mobile_reason(national) + " ; il faut un numéro de mobile (06 ou 07).",
            field=field,
        )
    return phone_e164(national)


def format_phone(national: str) -> str:
    """`0123456789` → `01 23 45 67 89`."""
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


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
        raise InvalidInput(f"« {raw} » n'est pas un code postal : il faut 5 chiffres (exemple : 69002).", field=field)
    if not _POSTCODE.match(value):
        raise InvalidInput(f"« {raw} » ne correspond à aucun département français.", field=field)
    return value
