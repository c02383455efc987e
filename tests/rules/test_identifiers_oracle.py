"""clerc's SIREN / SIRET / IBAN checks against python-stdnum, an independent implementation
(a test dependency only: clerc never imports it).

Where the two are meant to differ, the test says so and why:
- SIREN 000 000 000 passes Luhn (sum 0) and stdnum accepts it; INSEE never gives it out and
  clerc refuses it (a clerc typing zeros has not found the number).
- stdnum checks no French RIB key inside an FR / MC IBAN; clerc does. The RIB key is checked
  here against its other definition: the 23 digits (bank, branch, account with letters turned
  into digits, key) are a multiple of 97, with the key between 01 and 97.
- stdnum also refuses a Belgian IBAN whose bank code is not in its bank list; clerc checks
  the account key only (a new bank must not be refused).
- stdnum reads a Norwegian account starting with 0000 as an old 7-digit postgiro number
  (Luhn); clerc applies MOD 11 to all 11 digits. Such accounts are left out of the comparison.
- MA, DZ, SN, CI IBANs are not in the SWIFT registry that stdnum follows: left out.
"""

import string

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from stdnum import iban as std_iban
from stdnum import luhn as std_luhn
from stdnum.be import iban as std_be_iban
from stdnum.es import ccc as std_ccc
from stdnum.fr import siren as std_siren
from stdnum.fr import siret as std_siret
from stdnum.no import kontonr as std_kontonr

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.identifiers import IBAN_BBAN_FORMATS, IBAN_LENGTHS, validate_iban, validate_siren, validate_siret

DIGITS = string.digits
ALNUM = string.digits + string.ascii_uppercase


def _accepts(check, value: str) -> bool:
    try:
        check(value)
    except InvalidInput:
        return False
    return True


# --- SIREN / SIRET -------------------------------------------------------------------------


@settings(max_examples=400)
@given(st.text(DIGITS, min_size=9, max_size=9))
@example("732829320")
@example("356000000")
def test_siren_agrees_with_stdnum(siren):
    assume(siren != "000000000")
    assert _accepts(validate_siren, siren) == std_siren.is_valid(siren)


def test_siren_of_zeros_is_the_one_deliberate_difference():
    assert std_siren.is_valid("000000000") and not _accepts(validate_siren, "000000000")


@st.composite
def sirets(draw):
    """14 digits: any, La Poste's (SIREN 356000000), or a Luhn-valid SIREN with any NIC."""
    kind = draw(st.sampled_from(("any", "poste", "valid_siren")))
    if kind == "poste":
        return "356000000" + draw(st.text(DIGITS, min_size=5, max_size=5))
    if kind == "valid_siren":
        eight = draw(st.text(DIGITS, min_size=8, max_size=8))
        siren = eight + std_luhn.calc_check_digit(eight)
        return siren + draw(st.text(DIGITS, min_size=5, max_size=5))
    return draw(st.text(DIGITS, min_size=14, max_size=14))


@settings(max_examples=600)
@given(sirets())
@example("35600000000048")  # La Poste's head office: Luhn, digit sum 26
@example("35600000000014")  # Luhn-valid but La Poste's rule applies: digit sum 19, refused
@example("35600000049837")  # La Poste, digit sum 45
@example("73282932000074")
def test_siret_agrees_with_stdnum(siret):
    assume(not siret.startswith("000000000"))
    assert _accepts(validate_siret, siret) == std_siret.is_valid(siret)


def test_la_poste_head_office_siret_is_valid():
    # 3+5+6+4+8 = 26, not a multiple of 5; Luhn from the right: 8 + 2×4 + 2×6→3 + 5 + 2×3 = 30.
    assert validate_siret("356 000 000 00048") == "35600000000048"
    assert std_siret.is_valid("35600000000048")


# --- IBAN ----------------------------------------------------------------------------------

COMPARED = sorted(set(IBAN_BBAN_FORMATS) & set(IBAN_LENGTHS))
LETTERS_TO_DIGITS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


def _rib_ok(bban: str) -> bool:
    """The RIB key by its other definition: bank + branch + account + key ≡ 0 (mod 97), the key
    running from 01 to 97 (00, 98 or 99 may also make a multiple of 97, but the key
    97 − (… mod 97) is never one of them: hypothesis found « 99 » standing for « 02 »)."""
    return "01" <= bban[21:] <= "97" and int(bban[:21].translate(LETTERS_TO_DIGITS) + bban[21:]) % 97 == 0


def _with_iban_digits(country: str, bban: str) -> str:
    return country + std_iban.calc_check_digits(country + "00" + bban) + bban


def _fix_national_key(country: str, bban: str) -> str:
    """Put the right national check digits in `bban`, computed by stdnum (or by the RIB's
    mod-97 definition for FR / MC); the rest of the BBAN is kept."""
    if country in ("FR", "MC") and bban[:21].isalnum():
        body = bban[:21]
        return body + f"{97 - int(body.translate(LETTERS_TO_DIGITS) + '00') % 97:02d}"
    if country == "BE" and bban.isdigit():
        return bban[:10] + std_be_iban._calc_check_digits(bban[:10])
    if country == "ES" and bban.isdigit():
        return bban[:8] + std_ccc.calc_check_digits(bban) + bban[10:]
    if country == "NO" and bban.isdigit():
        return bban[:10] + std_kontonr._calc_check_digit(bban)[-1]
    return bban


def _shape(country: str) -> str:
    return IBAN_BBAN_FORMATS[country]


@st.composite
def ibans(draw):
    """An IBAN with correct ISO check digits (so that the BBAN checks are what is compared):
    a BBAN of the country's shape or of random letters and digits, national key fixed or not."""
    import re

    country = draw(st.sampled_from(COMPARED))
    length = IBAN_LENGTHS[country] - 4
    if draw(st.booleans()):
        parts = []
        for count, kind in re.findall(r"(\d+)([nac])", _shape(country)):
            alphabet = {"n": DIGITS, "a": string.ascii_uppercase, "c": ALNUM}[kind]
            parts.append(draw(st.text(alphabet, min_size=int(count), max_size=int(count))))
        bban = "".join(parts)
    else:
        bban = draw(st.text(ALNUM, min_size=length, max_size=length))
    if draw(st.booleans()):
        bban = _fix_national_key(country, bban)
    return _with_iban_digits(country, bban)


def _stdnum_says(value: str) -> bool:
    country = value[:2]
    if country == "BE":  # without stdnum's bank list (see the module docstring)
        return std_iban.is_valid(value, check_country=False) and value[-2:] == std_be_iban._calc_check_digits(
            value[4:-2]
        )
    valid = std_iban.is_valid(value)
    if country in ("FR", "MC"):  # stdnum checks no RIB key
        valid = valid and _rib_ok(value[4:])
    return valid


@settings(max_examples=1500)
@given(ibans())
@example("FR7630006000011234567890189")
@example("FR069251565305WW7PFW7E11999")
@example("MC5811222000010123456789030")
@example("ES9121000418450200051332")
@example("NO9386011117947")
@example("BE68539007547034")
@example("DE89370400440532013000")
@example("GB29NWBK60161331926819")
def test_iban_agrees_with_stdnum(value):
    assume(not (value.startswith("NO") and value[4:8] == "0000"))
    assert _accepts(validate_iban, value) == _stdnum_says(value)


def test_every_country_clerc_knows_has_stdnums_length():
    for country in COMPARED:
        bban = "0" * (IBAN_LENGTHS[country] - 4)
        # stdnum reads the registry's length from its own copy: a wrong length would fail here.
        assert std_iban._ibandb.info(country + "00" + bban)[0][1]["bban"] is not None
        layout = std_iban._ibandb.info(country + "00" + bban)[0][1]["bban"].replace("!", "")
        assert layout == _shape(country), country
