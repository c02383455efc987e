"""The décompte engine: events in date order, imputation, reversals, capitalisation, totals."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.interest import Convention, InterestTerms
from clerc_tui.rules.rates import Rates, etude_row
from clerc_tui.rules.statement import Charge, ClaimItem, Payment, Reversal, StatementInput, compute_statement

EX3_TERMS = InterestTerms(category="particulier", majoration_from=date(2025, 5, 25))


def _ex4(**kw):
    fields = dict(at=date(2025, 9, 15), items=(ClaimItem("principal", D("3000")),), interest_from=date(2025, 3, 10),
                  terms=EX3_TERMS, charges=(Charge(date(2025, 3, 24), D("150"), "Signification du jugement"),),
                  payments=(Payment(date(2025, 6, 30), D("1000"), ref="v1"),))
    fields.update(kw)
    return StatementInput(**fields)


def test_example_3_as_a_statement():
    s = compute_statement(_ex4(charges=(), payments=()))
    assert s.interest_accrued == D("154.94") and s.total_due == D("3154.94")
    assert [l.amount for l in s.interest_lines] == [D("45.04"), D("37.13"), D("72.77")]


def test_example_4_partial_payment_imputed():
    s = compute_statement(_ex4())
    a = s.payments[0].allocation
    assert (a.frais, a.interets, a.principal, a.credit) == (D("150.00"), D("81.17"), D("768.83"), D("0.00"))
    assert [(l.start, l.days, l.base, l.amount) for l in s.interest_lines] == [
        (date(2025, 3, 10), 76, D("3000.00"), D("45.04")),
        (date(2025, 5, 25), 36, D("3000.00"), D("36.13")),
        (date(2025, 6, 30), 1, D("2231.17"), D("0.75")),
        (date(2025, 7, 1), 76, D("2231.17"), D("54.12")),
    ]
    assert (s.principal_due, s.interest_due, s.frais_due) == (D("2231.17"), D("54.87"), D("0.00"))
    assert s.total_due == D("2286.04") and s.credit == 0
    assert s.payments[0].balance_after == D("2231.17")


def test_saisie_attribution_split_and_one_month_to_come():
    s = compute_statement(_ex4())
    split = s.seizure
    assert (split.principal, split.frais, split.interets) == (D("2231.17"), D("0.00"), D("54.87"))
    # 15/09 → 15/10: 30 days × 11.65 % on 2 231.17 = 21.3631 → 21.36
    assert split.interest_to_come == D("21.36") and s.interest_to_come_until == date(2025, 10, 15)
    assert split.total == D("2307.40")


def test_interest_to_come_unknown_is_none_with_a_note_not_zero():
    s = compute_statement(_ex4(at=date(2026, 6, 15)))
    assert s.interest_to_come is None
    assert any("2e semestre 2026" in note for note in s.notes)


def test_depens_are_frais_and_paid_first():
    s = compute_statement(_ex4(items=(ClaimItem("principal", D("3000")), ClaimItem("depens", D("50")))))
    assert s.payments[0].allocation.frais == D("200.00")
    assert s.frais_charged == D("200.00")


def test_only_interest_bearing_items_accrue_and_are_paid_down_first():
    items = (ClaimItem("principal", D("1000")), ClaimItem("article_700", D("500")))
    s = compute_statement(StatementInput(at=date(2025, 7, 1), items=items, interest_from=date(2025, 1, 1),
                                         terms=InterestTerms(kind="contractual", rate=D("10")),
                                         payments=(Payment(date(2025, 1, 1), D("400")),)))
    assert s.payments[0].on_bearing_principal == D("400.00")
    assert s.interest_lines[0].base == D("600.00")
    assert s.principal_due == D("1100.00")


def test_overpayment_gives_a_credit_and_nothing_negative():
    s = compute_statement(_ex4(payments=(Payment(date(2025, 6, 30), D("5000")),)))
    assert s.total_due == 0 and s.principal_due == 0 and s.interest_due == 0
    assert s.credit == D("5000") - D("150") - D("81.17") - D("3000")
    assert not s.interest_lines[-1].start > date(2025, 6, 30)


def test_a_reversed_payment_is_as_if_never_paid_to_the_rounding():
    reversed_ = compute_statement(_ex4(reversals=(Reversal(date(2025, 7, 20), "v1", "chèque rejeté"),)))
    never = compute_statement(_ex4(payments=()))
    assert reversed_.payments[0].reversed_on == date(2025, 7, 20)
    assert reversed_.reversals[0].reopened == reversed_.payments[0].allocation
    assert reversed_.principal_due == never.principal_due == D("3000.00")
    assert reversed_.frais_due == never.frais_due
    assert abs(reversed_.total_due - never.total_due) <= D("0.03")
    assert any(l.note for l in reversed_.interest_lines)


def test_reversal_errors():
    with pytest.raises(InvalidInput, match="inconnu"):
        compute_statement(_ex4(reversals=(Reversal(date(2025, 7, 1), "zz"),)))
    with pytest.raises(InvalidInput, match="avant"):
        compute_statement(_ex4(reversals=(Reversal(date(2025, 6, 1), "v1"),)))
    with pytest.raises(InvalidInput, match="deux fois"):
        compute_statement(_ex4(reversals=(Reversal(date(2025, 7, 1), "v1"), Reversal(date(2025, 7, 2), "v1"))))


def test_events_after_the_arrete_date_are_left_out():
    s = compute_statement(_ex4(at=date(2025, 6, 29)))
    assert s.payments == () and s.interest_lines[-1].end == date(2025, 6, 29)
    late_charge = compute_statement(_ex4(charges=(Charge(date(2025, 10, 1), D("99"), "Acte"),)))
    assert late_charge.charges == ()


def test_example_7_capitalisation_in_a_statement():
    s = compute_statement(StatementInput(
        at=date(2025, 7, 1), items=(ClaimItem("principal", D("10000")),), interest_from=date(2024, 1, 1),
        terms=InterestTerms(category="particulier", capitalisation_from=date(2024, 1, 1))))
    assert [(c.on, c.amount) for c in s.capitalisations] == [(date(2025, 1, 1), D("810.75"))]
    assert s.principal_due == D("10810.75") and s.interest_due == D("386.52")
    assert s.total_due == D("11197.27")


def test_example_5_statement_under_both_day_counts():
    base = dict(at=date(2016, 4, 10), items=(ClaimItem("principal", D("2000")),), interest_from=date(2015, 9, 17),
                terms=InterestTerms(category="particulier", majoration_from=date(2015, 11, 18)))
    assert compute_statement(StatementInput(**base)).interest_due == D("89.24")
    inclusive = compute_statement(StatementInput(**base, convention=Convention(day_count="inclusive_both")))
    assert inclusive.interest_due == D("89.77")
    assert inclusive.interest_lines[-1].end == date(2016, 4, 10)


def test_example_6_b2b_with_indemnity_item():
    s = compute_statement(StatementInput(
        at=date(2025, 6, 30), interest_from=date(2025, 3, 31), terms=InterestTerms(kind="commercial"),
        items=(ClaimItem("principal", D("10000"), "Facture F-118"),
               ClaimItem("autre", D("40"), "Indemnité forfaitaire de recouvrement (D441-5 C. com.)"))))
    assert s.interest_due == D("327.85") and s.total_due == D("10367.85")


def test_etude_rate_makes_the_statement_say_so():
    row = etude_row(table="legal", category="particulier", valid_from="01/07/2026", valid_to="31/12/2026",
                    value="6.50", source="arrêté de juin 2026", entered_by="md", entered_on=date(2026, 7, 2))
    rates = Rates.shipped().with_etude_rows(legal=[row])
    s = compute_statement(_ex4(at=date(2026, 11, 26)), rates=rates)
    assert s.uses_etude_rates
    assert not compute_statement(_ex4()).uses_etude_rates


def test_bad_inputs():
    with pytest.raises(InvalidInput):
        ClaimItem("honoraires", D("10"))
    with pytest.raises(InvalidInput):
        ClaimItem("principal", D("-10"))
    with pytest.raises(InvalidInput):
        Payment(date(2025, 1, 1), D("0"))
    with pytest.raises(InvalidInput):
        Charge(date(2025, 1, 1), D("1.234"), "x")
    with pytest.raises(InvalidInput):
        compute_statement(_ex4(items=()))
    with pytest.raises(InvalidInput, match="même référence"):
        compute_statement(_ex4(payments=(Payment(date(2025, 6, 1), D("1"), "x"), Payment(date(2025, 6, 2), D("1"), "x"))))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=200000)),
                max_size=8))
def test_statement_never_goes_negative_and_every_payment_is_fully_imputed(raw):
    payments = tuple(Payment(date(2024, 1, 1) + timedelta(days=d), D(c) / 100) for d, c in raw)
    s = compute_statement(_ex4(at=date(2025, 9, 15), interest_from=date(2024, 1, 1), payments=payments))
    for line in s.payments:
        a = line.allocation
        assert a.frais + a.interets + a.principal + a.credit == a.amount
        assert min(a.frais, a.interets, a.principal, a.credit) >= 0
    assert min(s.principal_due, s.interest_due, s.frais_due, s.credit) >= 0
    assert s.paid == sum((p.amount for p in payments), D(0))
    # What was owed plus interest equals what is still owed plus what was paid, less the credit.
    owed = D("3000") + D("150") + s.interest_accrued
    assert owed == s.total_due + s.paid - s.credit
