"""The décompte engine: events in date order, imputation, reversals, capitalisation, totals."""

from dataclasses import replace
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
    fields = dict(
        at=date(2025, 9, 15),
        items=(ClaimItem("principal", D("3000")),),
        interest_from=date(2025, 3, 10),
        terms=EX3_TERMS,
        charges=(Charge(date(2025, 3, 24), D("150"), "Signification du jugement"),),
        payments=(Payment(date(2025, 6, 30), D("1000"), ref="v1"),),
    )
    fields.update(kw)
    return StatementInput(**fields)


def test_example_3_as_a_statement():
    s = compute_statement(_ex4(charges=(), payments=()))
    assert s.interest_accrued == D("154.94") and s.total_due == D("3154.94")
    assert [line.amount for line in s.interest_lines] == [D("45.04"), D("37.13"), D("72.77")]


def test_example_4_partial_payment_imputed():
    s = compute_statement(_ex4())
    a = s.payments[0].allocation
    assert (a.frais, a.interets, a.principal, a.credit) == (D("150.00"), D("81.17"), D("768.83"), D("0.00"))
    assert [(line.start, line.days, line.base, line.amount) for line in s.interest_lines] == [
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
    s = compute_statement(
        StatementInput(
            at=date(2025, 7, 1),
            items=items,
            interest_from=date(2025, 1, 1),
            terms=InterestTerms(kind="contractual", rate=D("10")),
            payments=(Payment(date(2025, 1, 1), D("400")),),
        )
    )
    assert s.payments[0].on_bearing_principal == D("400.00")
    assert s.interest_lines[0].base == D("600.00")
    assert s.principal_due == D("1100.00")


def test_overpayment_gives_a_credit_and_nothing_negative():
    s = compute_statement(_ex4(payments=(Payment(date(2025, 6, 30), D("5000")),)))
    assert s.total_due == 0 and s.principal_due == 0 and s.interest_due == 0
    assert s.credit == D("5000") - D("150") - D("81.17") - D("3000")
    assert not s.interest_lines[-1].start > date(2025, 6, 30)


def test_a_reversed_payment_is_as_if_never_paid():
    reversed_ = compute_statement(_ex4(reversals=(Reversal(date(2025, 7, 20), "v1", "chèque rejeté"),)))
    never = compute_statement(_ex4(payments=()))
    assert reversed_.payments[0].reversed_on == date(2025, 7, 20)
    assert reversed_.reversals[0].reopened == reversed_.payments[0].allocation
    # What it had settled at the time is still shown (frais 150, intérêts 81.17, principal 768.83)…
    a = reversed_.payments[0].allocation
    assert (a.frais, a.interets, a.principal) == (D("150.00"), D("81.17"), D("768.83"))
    # …but nothing of it is applied: same lines, same totals, to the cent, as if never received.
    assert reversed_.interest_lines == never.interest_lines
    assert (reversed_.principal_due, reversed_.interest_due, reversed_.frais_due) == (
        never.principal_due,
        never.interest_due,
        never.frais_due,
    )
    assert reversed_.total_due == never.total_due == D("3304.94")  # 3 000 + 154.94 (Ex 3) + 150 frais
    assert reversed_.paid == 0


def test_a_rejected_payment_spanning_an_anniversary_restores_the_capitalisation():
    # Issue 9 item 4 (the 45,85 € case). 10 000 €, legal rate (particulier), interest and yearly
    # capitalisation from 1 Mar 2024; 11 000 € paid on 1 Feb 2025 (before the 1 Mar 2025 anniversary),
    # rejected on 1 Apr 2025 (after it); décompte at 1 Jan 2026. Never paid:
    #   01/03/2024 → 01/07/2024 122 d × 8.01 % on 10 000 = 9 772 200 / 36 500 = 267.7315 → 267.73
    #   01/07/2024 → 01/01/2025 184 d × 8.16 % = 15 014 400 / 36 500 = 411.3534 → 411.35
    #   01/01/2025 → 01/03/2025  59 d × 7.21 % =  4 253 900 / 36 500 = 116.5452 → 116.55
    #   capitalised 01/03/2025: 795.63 → base 10 795.63
    #   01/03/2025 → 01/07/2025 122 d × 7.21 % on 10 795.63 = 9 496 052.06 / 36 500 = 260.1658 → 260.17
    #   01/07/2025 → 01/01/2026 184 d × 6.65 % = 13 209 532.87 / 36 500 = 361.9050 → 361.91
    #   total due 10 795.63 + 622.08 = 11 417.71 €.
    # The old engine re-opened the cheque on 1 Apr, after an anniversary that had capitalised nothing (the
    # cheque had "paid" the interest): the 795.63 never joined the base, 45.85 € short (11 371.86 €).
    base = dict(
        at=date(2026, 1, 1),
        items=(ClaimItem("principal", D("10000")),),
        interest_from=date(2024, 3, 1),
        terms=InterestTerms(category="particulier", capitalisation_from=date(2024, 3, 1)),
    )
    never = compute_statement(StatementInput(**base))
    rejected = compute_statement(
        StatementInput(
            **base,
            payments=(Payment(date(2025, 2, 1), D("11000"), "c1"),),
            reversals=(Reversal(date(2025, 4, 1), "c1", "chèque impayé"),),
        )
    )
    assert [line.amount for line in never.interest_lines] == [
        D("267.73"),
        D("411.35"),
        D("116.55"),
        D("260.17"),
        D("361.91"),
    ]
    assert [(c.on, c.amount) for c in never.capitalisations] == [(date(2025, 3, 1), D("795.63"))]
    assert never.total_due == D("11417.71")
    assert rejected.total_due == D("11417.71") and rejected.capitalisations == never.capitalisations
    assert rejected.interest_lines == never.interest_lines and rejected.credit == 0


def test_a_reversal_after_the_arrete_date_leaves_the_payment_standing():
    s = compute_statement(_ex4(at=date(2025, 7, 10), reversals=(Reversal(date(2025, 7, 20), "v1"),)))
    assert s.payments[0].reversed_on is None and s.paid == D("1000.00")


def test_no_line_ends_at_a_fee_or_at_a_payment_that_leaves_the_base_unchanged():
    # Ex 3 (3 000 €, 10/03 → 15/09/2025: 45.04 + 37.13 + 72.77 = 154.94) with a fee on 10/04 and a
    # payment of 200 € on 10/06 that settles the fee (150) and 50 of interest: the base stays 3 000, so
    # the lines are those of Ex 3, cut only at the majoration (25/05) and at 1 July.
    s = compute_statement(
        _ex4(
            charges=(Charge(date(2025, 4, 10), D("150"), "Commandement"),),
            payments=(Payment(date(2025, 6, 10), D("200"), ref="v1"),),
        )
    )
    assert [(line.start, line.days, line.amount) for line in s.interest_lines] == [
        (date(2025, 3, 10), 76, D("45.04")),
        (date(2025, 5, 25), 37, D("37.13")),
        (date(2025, 7, 1), 76, D("72.77")),
    ]
    a = s.payments[0].allocation
    assert (a.frais, a.interets, a.principal) == (D("150.00"), D("50.00"), D("0.00"))
    # Interest due on 10/06: 45.04 + 16 d × 12.21 % on 3 000 (586 080 / 36 500 = 16.0570 → 16.06) = 61.10;
    # 50 paid → 11.10 left, + the rest of the lines: 154.94 − 50 = 104.94 due on 15/09.
    assert s.payments[0].balance_after == D("3011.10")
    assert s.interest_due == D("104.94") and s.total_due == D("3104.94")


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
    s = compute_statement(
        StatementInput(
            at=date(2025, 7, 1),
            items=(ClaimItem("principal", D("10000")),),
            interest_from=date(2024, 1, 1),
            terms=InterestTerms(category="particulier", capitalisation_from=date(2024, 1, 1)),
        )
    )
    assert [(c.on, c.amount) for c in s.capitalisations] == [(date(2025, 1, 1), D("810.75"))]
    assert s.principal_due == D("10810.75") and s.interest_due == D("386.52")
    assert s.total_due == D("11197.27")


def test_example_5_statement_under_both_day_counts():
    base = dict(
        at=date(2016, 4, 10),
        items=(ClaimItem("principal", D("2000")),),
        interest_from=date(2015, 9, 17),
        terms=InterestTerms(category="particulier", majoration_from=date(2015, 11, 18)),
    )
    assert compute_statement(StatementInput(**base)).interest_due == D("89.24")
    inclusive = compute_statement(StatementInput(**base, convention=Convention(day_count="inclusive_both")))
    assert inclusive.interest_due == D("89.77")
    assert inclusive.interest_lines[-1].end == date(2016, 4, 10)


def test_example_6_b2b_with_indemnity_item():
    s = compute_statement(
        StatementInput(
            at=date(2025, 6, 30),
            interest_from=date(2025, 3, 31),
            terms=InterestTerms(kind="commercial"),
            items=(
                ClaimItem("principal", D("10000"), "Facture F-118"),
                ClaimItem("autre", D("40"), "Indemnité forfaitaire de recouvrement (D441-5 C. com.)"),
            ),
        )
    )
    assert s.interest_due == D("327.85") and s.total_due == D("10367.85")


def test_etude_rate_makes_the_statement_say_so():
    row = etude_row(
        table="legal",
        category="particulier",
        valid_from="01/07/2026",
        valid_to="31/12/2026",
        value="6.50",
        source="arrêté de juin 2026",
        entered_by="md",
        entered_on=date(2026, 7, 2),
    )
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
        compute_statement(
            _ex4(payments=(Payment(date(2025, 6, 1), D("1"), "x"), Payment(date(2025, 6, 2), D("1"), "x")))
        )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=200000)), max_size=8)
)
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


def test_capitalisation_ordered_before_the_interest_start_in_a_statement():
    # Ordered from 01/01/2024, interest from 01/06/2024: first anniversary 01/06/2025 (a whole year).
    s = compute_statement(
        StatementInput(
            at=date(2025, 9, 1),
            items=(ClaimItem("principal", D("10000")),),
            interest_from=date(2024, 6, 1),
            terms=InterestTerms(category="particulier", capitalisation_from=date(2024, 1, 1)),
        )
    )
    assert [(c.on, c.amount) for c in s.capitalisations] == [(date(2025, 6, 1), D("775.47"))]


def test_contractual_interest_over_2024_is_500_in_a_statement():
    s = compute_statement(
        StatementInput(
            at=date(2025, 1, 1),
            items=(ClaimItem("principal", D("10000")),),
            interest_from=date(2024, 1, 1),
            terms=InterestTerms(kind="contractual", rate=D("5")),
        )
    )
    assert s.interest_due == D("500.00") and s.interest_lines[0].divisor == 36600


# --- art. 2224 C. civ.: post-judgment interest older than five years ------------------------------

_OLD = dict(
    items=(ClaimItem("principal", D("10000")),),
    interest_from=date(2020, 1, 1),
    terms=InterestTerms(kind="contractual", rate=D("3.65"), day_basis="365"),
    title_date=date(2020, 1, 1),
)


def test_a_warning_when_post_judgment_interest_is_older_than_five_years():
    # 3.65 % on 10 000 over 365: exactly 1.00 € a day. Arrêté 01/03/2026 → five years back: 01/03/2021.
    # Post-judgment days before it: 01/01/2020 → 01/03/2021 = 425 days = 425.00 €.
    s = compute_statement(StatementInput(at=date(2026, 3, 1), **_OLD))
    assert s.interest_due == D("2251.00")  # 2 251 days
    assert len(s.warnings) == 1
    warning = s.warnings[0]
    assert "art. 2224 C. civ." in warning and "425,00" in warning
    assert "01/01/2020" in warning and "01/03/2021" in warning
    assert s.total_due == D("12251.00")  # nothing cut: the clerc decides


def test_interest_paid_covers_the_oldest_days_first():
    # 300 € of interest paid on 01/06/2022 (no principal: the base stays): 425 − 300 = 125.00 € still old.
    s = compute_statement(StatementInput(at=date(2026, 3, 1), payments=(Payment(date(2022, 6, 1), D("300")),), **_OLD))
    assert "125,00" in s.warnings[0]
    # 500 € paid: all of the old interest is paid, no warning.
    paid = compute_statement(
        StatementInput(at=date(2026, 3, 1), payments=(Payment(date(2022, 6, 1), D("500")),), **_OLD)
    )
    assert paid.warnings == ()


def test_no_warning_within_five_years_or_without_a_title():
    assert compute_statement(StatementInput(at=date(2024, 12, 31), **_OLD)).warnings == ()
    # Exactly five years: 01/01/2025 → cutoff 01/01/2020 = title date: nothing older.
    assert compute_statement(StatementInput(at=date(2025, 1, 1), **_OLD)).warnings == ()
    assert compute_statement(StatementInput(at=date(2025, 1, 2), **_OLD)).warnings != ()
    no_title = dict(_OLD, title_date=None)
    assert compute_statement(StatementInput(at=date(2026, 3, 1), **no_title)).warnings == ()


def test_pre_judgment_interest_is_not_post_judgment():
    # Interest from 01/01/2019, judgment 01/01/2020. Pre-judgment days (365 €) are awarded by the title;
    # only 01/01/2020 → 01/03/2021 (425 €) is flagged.
    data = dict(_OLD, interest_from=date(2019, 1, 1))
    assert "425,00" in compute_statement(StatementInput(at=date(2026, 3, 1), **data)).warnings[0]


def test_a_payment_made_at_once_is_the_payment_its_checks_give():
    """made_payment sets the fields at once only for an amount the checks keep unchanged."""
    import dataclasses
    import re

    from clerc_tui.rules.statement import made_payment

    on = date(2026, 1, 5)
    made, built = (
        made_payment(on, D("180.00"), "41", "Paiement (cheque)"),
        Payment(on, D("180.00"), "41", "Paiement (cheque)"),
    )
    assert made == built and repr(made) == repr(built) and hash(made) == hash(built)
    assert list(made.__dict__) == [f.name for f in dataclasses.fields(Payment)]
    assert made_payment(on, D("12.5"), "1") == Payment(on, D("12.50"), "1")  # checked, then to the cent
    for amount in (D("0.00"), D("-5.00"), D("1.234")):
        with pytest.raises(InvalidInput) as expected:
            Payment(on, amount, "1")
        with pytest.raises(InvalidInput, match=re.escape(str(expected.value))):
            made_payment(on, amount, "1")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=560), min_size=1, max_size=8, unique=True),
    st.lists(st.integers(min_value=1, max_value=250000), min_size=8, max_size=8),
    st.booleans(),
)
def test_the_balance_after_each_payment_is_the_total_due_that_day(days, cents, capitalised):
    """`compute_statement` writes the balance after a payment as what was owed less what the
    payment settled, and leaves the sums bearing no interest and the credit as they are when a
    payment does not move them: the plain path is the décompte arrêté on the payment's day,
    whose total is the sum of what each bucket keeps (same cents, same exponent). The payments
    come back in date order, whatever order they were given in."""
    start = date(2024, 1, 1)
    terms = InterestTerms(
        category="particulier",
        majoration_from=date(2024, 5, 25),
        capitalisation_from=start if capitalised else None,
    )
    payments = tuple(
        Payment(start + timedelta(days=d), D(c) / 100, ref=f"v{n}")
        for n, (d, c) in enumerate(zip(days, cents[: len(days)], strict=True))
    )
    data = _ex4(
        at=date(2025, 9, 15),
        interest_from=start,
        terms=terms,
        items=(ClaimItem("principal", D("3000")), ClaimItem("article_700", D("800"), bears_interest=False)),
        payments=payments[::-1],  # given out of order
    )
    s = compute_statement(data)
    assert [line.payment.ref for line in s.payments] == [p.ref for p in sorted(payments, key=lambda p: p.on)]
    for line in s.payments:
        that_day = compute_statement(replace(data, at=line.payment.on))
        assert str(line.balance_after) == str(that_day.total_due)
