"""The tariff as data: the examples of docs/law/tariff.md and recovery-fees.md to the cent, periods, marks."""

from datetime import date
from decimal import Decimal as D

import pytest

from clerc_tui.rules.tariff import A444_31, A444_32, MissingTariff, shipped_tariff

T = shipped_tariff()
MARCH_2025 = date(2025, 3, 1)


def test_example_8_debtor_fee_a444_31():
    fee = T.proportional(A444_31, D(4000), MARCH_2025, claim=D(4000))
    assert fee.amount == D("81.39")
    assert (fee.amount * D("1.2")).quantize(D("0.01")) == D("97.67")
    assert fee.marks == ()


def test_example_8_creditor_fee_a444_32():
    fee = T.proportional(A444_32, D(4000), MARCH_2025, claim=D(4000))
    assert fee.amount == D("257.45")
    assert (fee.amount * D("1.2")).quantize(D("0.01")) == D("308.94")


def test_example_8_alimentary_doubling_rounds_the_total_once():
    fee = T.proportional(A444_31, D(4000), MARCH_2025, claim=D(4000), alimentary=True)
    assert fee.amount == D("162.78")  # per-line rounding (service-public.fr) would give 162.79
    assert any("doublement" in m for m in fee.marks)


def test_example_9_commandement_saisie_vente():
    charge = T.act_charge("commandement_saisie_vente", MARCH_2025, D(3000), with_dep=True)
    assert charge.coefficient == 2
    assert charge.emolument == D("40.84")
    assert charge.dep == D("63.85")
    assert charge.travel == D("9.40")
    assert charge.ht == D("114.09")
    assert charge.tva == D("22.82")
    assert charge.ttc == D("136.91")
    assert any(m.startswith("DEP à confirmer") for m in charge.marks)  # general DEP 2024 unverified


def test_example_9_signification_of_judgment():
    charge = T.act_charge("signification_jugement", MARCH_2025, D(3000), with_dep=True)
    assert charge.dep == 0  # a signification opens no enforcement
    assert charge.ttc == D("73.18")


def test_periods_follow_the_date_of_the_act():
    assert T.emolument("commandement_saisie_vente", date(2024, 2, 29)).amount == D("20.21")
    assert T.emolument("commandement_saisie_vente", date(2024, 3, 1)).amount == D("20.42")
    assert T.travel(date(2024, 5, 31)).amount == D("7.67")
    assert T.travel(date(2024, 6, 1)).amount == D("9.40")
    assert T.flat_tax(date(2020, 12, 31)).amount == D("14.89")
    assert T.flat_tax(date(2021, 1, 1)).amount == 0


def test_2026_figures_carry_the_mark():
    m = T.emolument("commandement_saisie_vente", date(2026, 11, 26))
    assert m.amount == D("20.42")
    assert any("à confirmer" in x for x in m.marks)
    charge = T.act_charge("commandement_saisie_vente", date(2026, 11, 26), D(3000), with_dep=True)
    assert charge.ttc == D("136.91") and charge.marks


def test_unknown_2024_amount_needs_the_clerc():
    with pytest.raises(MissingTariff, match="Légifrance"):
        T.act_charge("saisie_attribution", MARCH_2025, D(3000), with_dep=True)
    charge = T.act_charge("saisie_attribution", MARCH_2025, D(3000), with_dep=True, base=D("44.05"))
    assert charge.emolument == D("88.10") and "émolument HT saisi par le clerc" in charge.marks
    assert T.act_charge("saisie_attribution", date(2023, 1, 5), D(3000), with_dep=False).base == D("43.61")


def test_coefficient_brackets_and_old_flat_tax():
    assert T.coefficient(D(128), MARCH_2025).amount == D("0.5")
    assert T.coefficient(D("128.01"), MARCH_2025).amount == 1
    assert T.coefficient(D("1280.01"), MARCH_2025).amount == 2
    old = T.act_charge("signification_jugement", date(2020, 6, 1), D(100), with_dep=False)
    assert old.flat_tax == D("14.89") and old.ttc == old.ht + old.tva + D("14.89")


def test_small_collections_flat_and_caps():
    assert T.proportional(A444_31, D(40), MARCH_2025, claim=D(40)).amount == D("4.30")
    assert T.proportional(A444_32, D(150), MARCH_2025, claim=D(150)).amount == D("21.50")
    assert T.proportional(A444_31, D(1000000), MARCH_2025, claim=D(1000000)).amount == D(550)
    assert T.dep(D(50), MARCH_2025).amount == D("4.29")
    assert T.dep(D(10000000), MARCH_2025).amount == D("268.13")
