"""rules/sepa.py: the SEPA character set, lengths, amounts, BIC, who SEPA can pay, the ids
(issue 16, item 3; docs/sepa.md)."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerc_tui.errors import InvalidInput
from clerc_tui.rules import sepa

IBAN = "FR7630004000310001234567865"
SWISS = "CH9300762011623852957"  # the SWIFT IBAN registry's example
TUNISIAN = "TN5910006035183598478831"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Société Générale", "Societe Generale"),
        ("SCI Les Œillets & Fils", "SCI Les OEillets + Fils"),
        ("Müller-Lüdenscheidt GmbH", "Muller-Ludenscheidt GmbH"),
        ("Ça coûte 12 € — « très » cher", "Ca coute 12 EUR - 'tres' cher"),
        ('Dupont "Le Grand" <script>', "Dupont 'Le Grand' .script."),
        ("L’Étang d’Hyères n°3", "L'Etang d'Hyeres no3"),
        ("a\x1b[31mb\x00c\u202ed\te\nf", "a(31mbcd e f"),  # control and bidi characters vanish
        ("  trop   d'espaces\u00a0\u202fici  ", "trop d'espaces ici"),
        ("Straße Łódź Ørsted", "Strasse Lodz Orsted"),
        ("张伟 & 李娜", ".. + .."),  # no meaningful replacement: « . » (EPC217-08)
        ("", ""),
    ],
)
def test_text_is_cleaned_to_the_sepa_character_set(raw, cleaned):
    assert sepa.sepa_text(raw, 140) == cleaned


def test_names_are_cut_to_70_and_remittance_text_to_140():
    long = "Société Civile Immobilière des Résidences du Grand Parc de la Vallée de l'Huveaune Est"
    assert len(long) > 70
    name = sepa.sepa_text(long, sepa.NAME_LENGTH)
    assert len(name) <= 70 and name.startswith("Societe Civile Immobiliere") and not name.endswith(" ")


@given(st.text(), st.integers(min_value=1, max_value=140))
def test_any_text_comes_out_in_the_set_and_within_its_length(text, limit):
    cleaned = sepa.sepa_text(text, limit)
    assert sepa.is_sepa_text(cleaned) and len(cleaned) <= limit
    assert cleaned == cleaned.strip() and "  " not in cleaned


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("1234.5"), "1234.50"), (D("0.01"), "0.01"), (D("999999999.99"), "999999999.99"), (D("85.92"), "85.92")],
)
def test_amounts_have_two_decimals_and_a_point(value, text):
    assert sepa.sepa_amount(value) == text


@pytest.mark.parametrize("value", [D("0"), D("-1"), D("0.001"), D("1000000000.00"), D("12.345")])
def test_amounts_outside_sepa_are_refused(value):
    with pytest.raises(ValueError, match="montant SEPA"):
        sepa.sepa_amount(value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("bnpa fr pp xxx", "BNPAFRPPXXX"), ("CDCGFRPP", "CDCGFRPP"), ("UBSWCHZH80A", "UBSWCHZH80A"), ("", "")],
)
def test_bic_of_8_or_11(raw, value):
    assert sepa.validate_bic(raw) == value


@pytest.mark.parametrize("raw", ["BNPAFRP", "BNPAFRPPXX", "BNPA12PP", "BNPAFRPP-XX", "BNPÀFRPP", "BNPAFRPPXXXX"])
def test_bad_bic_is_refused_in_french(raw):
    with pytest.raises(InvalidInput, match=r"BIC .* invalide : 8 ou 11"):
        sepa.validate_bic(raw)


@pytest.mark.parametrize(
    ("name", "iban", "bic", "problem"),
    [
        ("SCI A", IBAN, "", None),
        ("SCI A", IBAN, "CDCGFRPPXXX", None),
        ("SCI A", "", "", "sans IBAN"),
        ("SCI A", "FR7630004000310001234567864", "", "IBAN invalide (IBAN FR76"),
        ("SCI A", TUNISIAN, "", "compte hors de la zone SEPA (TN)"),
        ("SCI A", SWISS, "", "BIC manquant : obligatoire pour un compte hors de l'Espace économique européen (CH)"),
        ("SCI A", SWISS, "UBSWCHZH80A", None),
        ("SCI A", IBAN, "XX", "BIC « XX » invalide"),
        ("\x1b\x00", IBAN, "", "nom sans aucun caractère admis par SEPA"),
    ],
)
def test_who_sepa_can_pay(name, iban, bic, problem):
    found = sepa.payee_problem(name, iban, bic)
    assert (found is None) if problem is None else (found is not None and found.startswith(problem)), found


def test_ids_are_reproducible_unique_per_creditor_and_follow_the_epc_rules():
    created = datetime(2026, 11, 26, 10, 42, 7)
    assert sepa.message_id(12, created) == "CLERC-R000012-20261126104207" == sepa.message_id(12, created)
    ids = {sepa.end_to_end_id(12, creditor) for creditor in range(1, 5001)}
    assert len(ids) == 5000 and all(len(i) <= 35 for i in ids)
    assert sepa.end_to_end_id(99_999_999, 99_999_999) == "R99999999-C99999999"
    for bad in ("", "/x", "x/", "a//b", "a b", "é", "x" * 36):
        with pytest.raises(ValueError, match="identifiant SEPA"):
            sepa.check_id(bad)


def test_remittance_text_names_the_run_and_as_many_dossiers_as_fit():
    assert sepa.remittance_text(7, ("2026-000001", "2026-000002")) == (
        "Reversement 7 - 2 dossier(s) : 2026-000001, 2026-000002"
    )
    many = tuple(f"2026-{n:06d}" for n in range(1, 41))
    text = sepa.remittance_text(7, many)
    assert len(text) <= 140 and text.startswith("Reversement 7 - 40 dossier(s) : 2026-000001, 2026-000002")
    shown = text.count("2026-")
    assert shown >= 7 and text.endswith(f" et {40 - shown} autre(s)")


def test_an_order_cleans_every_party_and_refuses_one_sepa_cannot_pay():
    debtor = sepa.party("Étude de Maître Lefèvre", IBAN, "CDCGFRPPXXX")
    assert debtor == sepa.Party("Etude de Maitre Lefevre", IBAN, "CDCGFRPPXXX")
    payee = sepa.Payee(3, "SCI « Les Pins » & Cie", "fr76 3000 4000 3100 0123 4567 865", "", D("85.92"), ("2026-1",))
    order = sepa.make_order(5, datetime(2026, 11, 26, 10, 0), date(2026, 11, 26), debtor, [payee])
    (transfer,) = order.transfers
    assert transfer.creditor == sepa.Party("SCI 'Les Pins' + Cie", IBAN, "")
    assert transfer.end_to_end_id == "R000005-C00000003" and order.total == D("85.92")
    with pytest.raises(ValueError, match="sans IBAN"):
        sepa.make_order(
            5, datetime(2026, 11, 26), date(2026, 11, 26), debtor, [payee.__class__(4, "X", "", "", D(1), ())]
        )
