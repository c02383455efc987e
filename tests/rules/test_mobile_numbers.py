"""Mobile numbers for SMS: French numbers as typed, E.164 out, landlines refused with a reason."""

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.identifiers import is_mobile, national_phone, phone_e164, validate_mobile


@pytest.mark.parametrize(
    "typed, e164",
    [
        ("06 12 34 56 78", "+33612345678"),
        ("0612345678", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("07 81 23 45 67", "+33781234567"),
        ("07 30 00 00 00", "+33730000000"),
        # Overseas mobiles keep their own country code (ARCEP plan; ITU-T E.164).
        ("0692 12 34 56", "+262692123456"),  # La Réunion
        ("+262 693 12 34 56", "+262693123456"),
        ("0639 12 34 56", "+262639123456"),  # Mayotte
        ("0690 12 34 56", "+590690123456"),  # Guadeloupe, Saint-Martin, Saint-Barthélemy
        ("0691 12 34 56", "+590691123456"),
        ("0694 12 34 56", "+594694123456"),  # Guyane
        ("00596 696 12 34 56", "+596696123456"),  # Martinique
        ("0697 12 34 56", "+596697123456"),
    ],
)
def test_mobile_numbers_come_out_in_e164(typed, e164):
    assert validate_mobile(typed) == e164


@pytest.mark.parametrize(
    "typed, words",
    [
        ("01 23 45 67 89", "numéro fixe (01 à 05)"),
        ("+33 4 72 00 00 00", "numéro fixe"),
        ("0262 21 22 23", "numéro fixe"),  # La Réunion, landline
        ("0590 12 34 56", "numéro fixe"),
        ("08 00 12 34 56", "numéro spécial (08)"),
        ("09 72 10 20 30", "numéro polyvalent (09"),
        ("07 01 23 45 67", "tranche de numéros mobiles"),
        ("07 20 00 00 00", "tranche de numéros mobiles"),
        ("", "vide"),
        ("+44 7700 900123", "numéro français"),
    ],
)
def test_numbers_an_sms_cannot_reach_are_refused_with_the_reason(typed, words):
    with pytest.raises(InvalidInput) as exc:
        validate_mobile(typed, field="mobile")
    assert words in exc.value.message
    assert exc.value.field == "mobile"
    if "vide" not in words and "français" not in words:
        assert exc.value.message.endswith("il faut un numéro de mobile (06 ou 07).")


def test_landlines_are_e164_too_but_not_mobile():
    assert phone_e164(national_phone("01 23 45 67 89")) == "+33123456789"
    assert phone_e164("0262212223") == "+262262212223"
    assert not is_mobile("0123456789")
    assert is_mobile("0612345678")
    assert not is_mobile("061234567")
