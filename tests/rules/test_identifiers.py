import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.identifiers import (
    format_iban,
    format_siren,
    format_siret,
    iban_check_digits,
    luhn_check_digit,
    luhn_is_valid,
    make_french_iban,
    make_siren,
    make_siret,
    rib_key,
    validate_email,
    validate_iban,
    validate_phone,
    validate_postcode,
    validate_siren,
    validate_siret,
)

# --- SIREN / SIRET --------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("732829320", "732829320"),
        ("732 829 320", "732829320"),
        (" 552\u00a0100\u00a0554 ", "552100554"),
        ("356000000", "356000000"),  # La Poste's SIREN itself passes Luhn
    ],
)
def test_valid_siren_is_normalised(typed, stored):
    assert validate_siren(typed) == stored


@pytest.mark.parametrize(
    "typed, words",
    [
        ("", "vide"),
        ("73282932", "9 chiffres"),
        ("7328293201", "9 chiffres"),
        ("73282932A", "9 chiffres"),
        ("732829321", "clé de contrôle"),
        ("000000000", "clé de contrôle"),
    ],
)
def test_invalid_siren_is_refused_in_french(typed, words):
    with pytest.raises(InvalidInput) as exc:
        validate_siren(typed)
    assert words in exc.value.message
    assert exc.value.field == "siren"


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("73282932000074", "73282932000074"),
        ("732 829 320 00074", "73282932000074"),
        ("55210055400013", "55210055400013"),
        # La Poste: no Luhn, the digit sum is a multiple of 5.
        ("35600000049837", "35600000049837"),
    ],
)
def test_valid_siret(typed, stored):
    assert validate_siret(typed) == stored


@pytest.mark.parametrize(
    "typed, words",
    [
        ("", "vide"),
        ("7328293200007", "14 chiffres"),
        ("73282932000075", "clé de contrôle"),
        ("35600000049838", "clé de contrôle"),  # La Poste, digit sum 46
        ("00000000000000", "clé de contrôle"),
    ],
)
def test_invalid_siret(typed, words):
    with pytest.raises(InvalidInput) as exc:
        validate_siret(typed, field="creditor_siret")
    assert words in exc.value.message
    assert exc.value.field == "creditor_siret"


def test_siret_whose_siren_is_wrong_is_refused_even_if_the_14_digits_pass_luhn():
    body = "7328293210001"  # SIREN 732829321 has a wrong key
    siret = body + luhn_check_digit(body)
    assert luhn_is_valid(siret)
    with pytest.raises(InvalidInput):
        validate_siret(siret)


def test_make_siren_and_siret_give_valid_numbers():
    siren = make_siren("73282932")
    assert siren == "732829320"
    assert validate_siret(make_siret(siren, "0007")) == "73282932000074"
    for eight in ("12345678", "40483304", "99999999"):
        s = make_siren(eight)
        assert validate_siren(s) == s
        assert validate_siret(make_siret(s, "0001")).startswith(s)


def test_formats():
    assert format_siren("732829320") == "732 829 320"
    assert format_siret("73282932000074") == "732 829 320 00074"


# --- IBAN -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
        ("fr7630006000011234567890189", "FR7630006000011234567890189"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"),
        ("BE68 5390 0754 7034", "BE68539007547034"),
    ],
)
def test_valid_iban_is_normalised(typed, stored):
    assert validate_iban(typed) == stored


@pytest.mark.parametrize(
    "typed, words",
    [
        ("", "vide"),
        ("FR76 3000 6000 0112 3456 7890 18", "27 caractères"),
        ("FR76 3000 6000 0112 3456 7890 188", "clé de contrôle"),
        ("FR77 3000 6000 0112 3456 7890 189", "clé de contrôle"),
        ("XX76 3000 6000 0112 3456 7890 189", "code pays"),
        ("7630006000011234567890189", "code pays"),
        ("FR76 3000 6000 0112 3456 7890 18!", "lettres et des chiffres"),
    ],
)
def test_invalid_iban(typed, words):
    with pytest.raises(InvalidInput) as exc:
        validate_iban(typed)
    assert words in exc.value.message


def test_french_iban_with_a_wrong_rib_key_is_refused_even_when_mod97_passes():
    from clerc_tui.rules.identifiers import iban_check_digits

    bban = "30006000011234567890110"  # the RIB key is 89, not 10
    iban = "FR" + iban_check_digits("FR", bban) + bban
    with pytest.raises(InvalidInput, match="clé RIB"):
        validate_iban(iban)


def test_make_french_iban_and_format():
    assert rib_key("30006", "00001", "12345678901") == "89"
    iban = make_french_iban("30006", "00001", "12345678901")
    assert iban == "FR7630006000011234567890189"
    assert format_iban(iban) == "FR76 3000 6000 0112 3456 7890 189"
    assert validate_iban(make_french_iban("20041", "01005", "0500013M026"))[:2] == "FR"


# --- E-mail ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("jeanne.lefevre@orange.fr", "jeanne.lefevre@orange.fr"),
        ("  Jeanne.Lefevre@Orange.FR ", "Jeanne.Lefevre@orange.fr"),
        ("contact+relances@etude-dubois.fr", "contact+relances@etude-dubois.fr"),
        ("g.muller@mairie.strasbourg.eu", "g.muller@mairie.strasbourg.eu"),
        ("helene@exemple.fr", "helene@exemple.fr"),
    ],
)
def test_valid_email(typed, stored):
    assert validate_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "jeanne.lefevre",
        "jeanne@@orange.fr",
        "jeanne lefevre@orange.fr",
        "@orange.fr",
        "jeanne.@orange.fr",
        "jea..nne@orange.fr",
        "jeanne@orange",
        "jeanne@-orange.fr",
        "jeanne@orange.f",
        "jeanne@orange..fr",
        "jeanne@192.168.1.1",
    ],
)
def test_invalid_email(typed):
    with pytest.raises(InvalidInput):
        validate_email(typed)


# --- Phone ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("0123456789", "01 23 45 67 89"),
        ("01 23 45 67 89", "01 23 45 67 89"),
        ("01.23.45.67.89", "01 23 45 67 89"),
        ("06-12-34-56-78", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+33 (0)6 12 34 56 78", "06 12 34 56 78"),
        ("0033 1 23 45 67 89", "01 23 45 67 89"),
        ("09 72 10 20 30", "09 72 10 20 30"),
        # Overseas departments, national and international forms.
        ("0262 21 22 23", "02 62 21 22 23"),
        ("+262 692 12 34 56", "06 92 12 34 56"),
        ("+262 639 12 34 56", "06 39 12 34 56"),  # Mayotte mobile
        ("+590 590 12 34 56", "05 90 12 34 56"),
        ("00596 696 12 34 56", "06 96 12 34 56"),
        ("+594 594 30 20 10", "05 94 30 20 10"),
    ],
)
def test_valid_phone_is_shown_in_pairs(typed, stored):
    assert validate_phone(typed) == stored


@pytest.mark.parametrize(
    "typed, words",
    [
        ("", "vide"),
        ("01 23 45 67", "10 chiffres"),
        ("1234567890", "10 chiffres"),
        ("00 12 34 56 78", "numéro français"),
        ("+33 6 12 34 56 78 9", "10 chiffres"),
        ("+44 20 7946 0958", "numéro français"),
        ("+262 612 34 56 78", "numéro français"),
        ("06 12 AB 56 78", "n'est pas un numéro"),
    ],
)
def test_invalid_phone(typed, words):
    with pytest.raises(InvalidInput) as exc:
        validate_phone(typed)
    assert words in exc.value.message


# --- Postcode -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["69002", "01000", "20000", "75001", "97400", "97600", "98000", " 13001 "])
def test_valid_postcode(typed):
    assert validate_postcode(typed) == typed.strip()


@pytest.mark.parametrize("typed", ["", "6900", "690021", "6900A", "00100", "96000", "99000"])
def test_invalid_postcode(typed):
    with pytest.raises(InvalidInput):
        validate_postcode(typed)


# --- La Poste, BBAN shape, national keys (docs/law/identifiers.md) -------------------------


@pytest.mark.parametrize(
    "typed, valid",
    [
        # The head office of La Poste: an ordinary Luhn SIRET (digit sum 26, not a multiple of 5).
        ("356 000 000 00048", True),
        # Luhn-valid, but every other La Poste SIRET follows the digit-sum rule: 3+5+6+1+4 = 19.
        ("35600000000014", False),
        ("35600000000049", False),  # neither rule: Luhn sum 31, digit sum 27
    ],
)
def test_la_poste_sirets(typed, valid):
    if valid:
        assert validate_siret(typed) == typed.replace(" ", "")
    else:
        with pytest.raises(InvalidInput, match="clé de contrôle"):
            validate_siret(typed)


def test_an_iban_whose_bban_has_the_wrong_shape_is_refused_even_when_mod97_passes():
    # DE: 8 digits + 10 digits; the ISO check digits 47 were computed for this very text.
    with pytest.raises(InvalidInput) as exc:
        validate_iban("DE47 3704 0044 0532 013A 00")
    assert "20e caractère (« A ») doit être un chiffre" in exc.value.message


@pytest.mark.parametrize(
    "good, bad, words",
    [
        # BE: 5390075470 mod 97 = 34 → key 34; the bad one ends in 35.
        ("BE68 5390 0754 7034", "BE41 5390 0754 7035", "compte belge"),
        # ES: weights 1 2 4 8 5 10 9 7 3 6 mod 11; 0021000418 → 95 ≡ 7 → 11−7 = 4;
        # 0200051332 → 105 ≡ 6 → 5: CCC key 45; the bad one has 55.
        ("ES91 2100 0418 4502 0005 1332", "ES53 2100 0418 5502 0005 1332", "CCC"),
        # NO: weights 5 4 3 2 7 6 5 4 3 2 over 8601111794 → 147 ≡ 4 → 11−4 = 7; the bad one ends in 8.
        ("NO93 8601 1117 947", "NO66 8601 1117 948", "compte norvégien"),
    ],
)
def test_national_check_digits_inside_the_iban(good, bad, words):
    assert validate_iban(good) == good.replace(" ", "")
    with pytest.raises(InvalidInput) as exc:
        validate_iban(bad)  # the ISO (mod-97) check digits of `bad` are right
    assert words in exc.value.message


def test_monaco_iban_carries_a_french_rib_key():
    assert validate_iban("MC58 1122 2000 0101 2345 6789 030") == "MC5811222000010123456789030"
    with pytest.raises(InvalidInput, match="clé RIB"):
        validate_iban("MC" + iban_check_digits("MC", "11222000010123456789031") + "11222000010123456789031")
