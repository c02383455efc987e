"""Imputation of payments: art. 1343-1 within a debt, art. 1342-10 across debts."""

import re
from datetime import date
from decimal import Decimal as D
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.allocation import (
    BUCKETS,
    Allocation,
    Balances,
    Debt,
    allocate,
    allocate_debts,
    apply_to_debts,
    impute,
    prorata,
    reopen_debts,
)


def test_example_4_imputation():
    allocation = allocate(D("1000.00"), Balances(D("150.00"), D("81.17"), D("3000.00")))
    assert allocation == Allocation(D("1000.00"), D("150.00"), D("81.17"), D("768.83"), D("0.00"))
    after = Balances(D("150.00"), D("81.17"), D("3000.00")).apply(allocation)
    assert after.principal == D("2231.17") and after.frais == 0 and after.interets == 0


def test_overpayment_becomes_a_credit_never_a_negative_balance():
    balances = Balances(D("10"), D("5"), D("100"))
    allocation = allocate(D("200"), balances)
    assert allocation.credit == D("85.00")
    after = balances.apply(allocation)
    assert after.total_due == 0 and after.credit == D("85.00")


def test_order_can_be_set_per_dossier():
    allocation = allocate(D("50"), Balances(D("100"), D("10"), D("1000")), order=("principal", "interets", "frais"))
    assert (allocation.principal, allocation.interets, allocation.frais) == (D("50"), 0, 0)


@pytest.mark.parametrize("order", [("frais", "principal"), ("frais", "frais", "principal"), ("a", "b", "c")])
def test_bad_order_is_refused(order):
    with pytest.raises(InvalidInput, match="Ordre d'imputation"):
        allocate(D("1"), Balances(), order=order)


@pytest.mark.parametrize("amount", [D("0"), D("-5"), D("1.001")])
def test_bad_payment_is_refused(amount):
    with pytest.raises(InvalidInput):
        allocate(amount, Balances(D("1"), D("1"), D("1")))


def test_negative_balance_is_refused():
    with pytest.raises(InvalidInput, match="négatif"):
        Balances(principal=D("-1"))


def test_reversal_reopens_exactly_what_was_settled():
    balances = Balances(D("150.00"), D("81.17"), D("3000.00"), D("5.00"))
    allocation = allocate(D("4000.00"), balances)
    assert balances.apply(allocation).reopen(allocation) == balances


def test_reversal_after_the_credit_was_refunded_is_refused():
    allocation = allocate(D("20"), Balances(principal=D("10")))
    with pytest.raises(InvalidInput, match="remboursé"):
        Balances().reopen(allocation)


# --- properties -------------------------------------------------------------------------------

money = st.integers(min_value=0, max_value=10**8).map(lambda c: D(c) / 100)
payments = st.integers(min_value=1, max_value=10**8).map(lambda c: D(c) / 100)


@settings(max_examples=400, deadline=None)
@given(payment=payments, frais=money, interets=money, principal=money, order=st.permutations(list(BUCKETS)))
def test_allocation_invariants(payment, frais, interets, principal, order):
    balances = Balances(frais, interets, principal)
    a = allocate(payment, balances, order)
    parts = [a.frais, a.interets, a.principal, a.credit]
    assert sum(parts) == payment
    assert all(p >= 0 for p in parts)
    after = balances.apply(a)
    assert all(after.get(b) >= 0 for b in BUCKETS)
    assert a.credit == max(D(0), payment - balances.total_due)
    # Each bucket is settled in full before the next one gets anything.
    for earlier, later in pairwise(order):
        if a.get(later) > 0:
            assert after.get(earlier) == 0
    assert after.reopen(a) == balances


@settings(max_examples=200, deadline=None)
@given(payment=payments, frais=money, interets=money, principal=money)
def test_default_order_is_frais_then_interest_then_principal(payment, frais, interets, principal):
    a = allocate(payment, Balances(frais, interets, principal))
    assert a.frais == min(payment, frais)
    if a.interets > 0:
        assert a.frais == frais
    if a.principal > 0:
        assert a.frais == frais and a.interets == interets


@settings(max_examples=200, deadline=None)
@given(amount=payments, weights=st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=6))
def test_prorata_shares_add_up_to_the_cent(amount, weights):
    shares = prorata(amount, [D(w) for w in weights])
    assert sum(shares) == amount and all(s >= 0 for s in shares)


debt_strategy = st.builds(
    lambda i, f, n, p, due, burden: Debt(f"d{i}", Balances(f, n, p), date(2025, 1, 1 + due), burden=D(burden)),
    st.integers(),
    money,
    money,
    money,
    st.integers(min_value=0, max_value=27),
    st.integers(min_value=0, max_value=2),
)


@settings(max_examples=200, deadline=None)
@given(amount=payments, debts=st.lists(debt_strategy, min_size=1, max_size=5, unique_by=lambda d: d.ref))
def test_multi_debt_invariants(amount, debts):
    result = allocate_debts(amount, debts, date(2025, 1, 15))
    assert sum(part.allocation.amount for part in result.parts) + result.credit == amount
    after = apply_to_debts(debts, result)
    assert all(d.balances.get(b) >= 0 for d in after for b in BUCKETS)
    assert result.credit == max(D(0), amount - sum(d.balances.total_due for d in debts))
    assert reopen_debts(after, result) == debts


# --- art. 1342-10 -----------------------------------------------------------------------------

ON = date(2025, 6, 1)


def _debt(ref, principal, due, arose=None, burden="0", frais="0"):
    return Debt(ref, Balances(D(frais), D("0"), D(principal)), due, arose_on=arose, burden=D(burden))


def test_the_debtor_choice_comes_first():
    debts = [_debt("A", "100", date(2025, 1, 1)), _debt("B", "100", date(2025, 2, 1))]
    result = allocate_debts(D("150"), debts, ON, chosen="B")
    assert result.for_debt("B").principal == D("100") and result.for_debt("A").principal == D("50")
    assert "désignée" in result.parts[0].reason and not result.notes


def test_a_partial_payment_of_the_chosen_debt_is_noted():
    result = allocate_debts(D("40"), [_debt("A", "100", date(2025, 1, 1))], ON, chosen="A")
    assert "accord du créancier" in result.notes[0]


def test_an_unknown_chosen_debt_is_refused():
    with pytest.raises(InvalidInput):
        allocate_debts(D("40"), [_debt("A", "100", date(2025, 1, 1))], ON, chosen="Z")


def test_due_debts_before_debts_not_yet_due():
    debts = [_debt("later", "100", date(2025, 12, 1), arose=date(2020, 1, 1)), _debt("due", "100", date(2025, 5, 1))]
    result = allocate_debts(D("120"), debts, ON)
    assert result.for_debt("due").amount == D("100") and result.for_debt("later").amount == D("20")


def test_the_debt_the_debtor_had_most_interest_in_paying():
    debts = [_debt("old", "100", date(2024, 1, 1)), _debt("costly", "100", date(2025, 1, 1), burden="12")]
    result = allocate_debts(D("100"), debts, ON)
    assert result.for_debt("costly").amount == D("100") and result.for_debt("old") is None


def test_at_equal_interest_the_oldest():
    debts = [_debt("new", "100", date(2025, 3, 1)), _debt("old", "100", date(2025, 1, 1))]
    result = allocate_debts(D("100"), debts, ON)
    assert result.for_debt("old").amount == D("100")


def test_all_things_equal_proportionally():
    debts = [_debt("a", "100", date(2025, 1, 1)), _debt("b", "200", date(2025, 1, 1))]
    result = allocate_debts(D("100"), debts, ON)
    assert result.for_debt("a").amount == D("33.33") and result.for_debt("b").amount == D("66.67")
    assert "prorata" in result.parts[0].reason


def test_each_debt_share_is_imputed_costs_first():
    result = allocate_debts(D("30"), [_debt("a", "100", date(2025, 1, 1), frais="25")], ON)
    a = result.for_debt("a")
    assert (a.frais, a.principal) == (D("25"), D("5"))


def test_overpayment_across_debts_is_a_credit():
    result = allocate_debts(D("500"), [_debt("a", "100", date(2025, 1, 1))], ON)
    assert result.credit == D("400")


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=10_000_000),
    st.integers(min_value=0, max_value=10_000_000),
    st.integers(min_value=-5, max_value=10_000_000),
    st.integers(min_value=0, max_value=10_000_000),
    st.permutations(BUCKETS),
)
def test_impute_is_allocate_on_the_balances_of_a_decompte(payment, frais, interets, principal, order):
    """impute (the décompte's per-payment imputation) gives allocate's split, digit for digit,
    and refuses a balance below zero the same way."""
    amount, owed = D(payment).scaleb(-2), [D(cents).scaleb(-2) for cents in (frais, interets, principal)]
    try:
        expected = allocate(amount, Balances(*owed), tuple(order))
    except InvalidInput as refused:
        with pytest.raises(InvalidInput, match=re.escape(refused.message)):
            impute(amount, *owed, tuple(order))
        return
    assert repr(impute(amount, *owed, tuple(order))) == repr(expected)


def test_an_allocation_made_at_once_is_the_allocation_of_its_fields():
    """made_allocation (and statement.made_payment_line) skip the dataclass __init__: they must
    set every field, and give the instance __init__ gives (a new field would fail here)."""
    import dataclasses
    from datetime import date

    from clerc_tui.rules.allocation import made_allocation
    from clerc_tui.rules.statement import Payment, PaymentLine, made_payment_line

    values = (D("100.00"), D("10.00"), D("20.00"), D("70.00"), D("0.00"))
    made, built = made_allocation(*values), Allocation(*values)
    assert made == built and repr(made) == repr(built) and hash(made) == hash(built)
    assert made.__dict__ == built.__dict__ and list(made.__dict__) == [f.name for f in dataclasses.fields(Allocation)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.amount = D("1.00")  # type: ignore[misc]
    payment = Payment(date(2026, 1, 5), D("100.00"), "P1")
    line, expected = (
        made_payment_line(payment, made, D("70.00"), D("5.00")),
        PaymentLine(payment, built, D("70.00"), D("5.00")),
    )
    assert line == expected and repr(line) == repr(expected) and hash(line) == hash(expected)
    assert list(line.__dict__) == [f.name for f in dataclasses.fields(PaymentLine)]


def test_a_charge_made_at_once_is_the_charge_its_checks_give():
    """made_charge skips Charge's __init__ only where its checks keep the values unchanged;
    otherwise the checks run (a bad kind is refused, an amount is put in cents)."""
    import dataclasses
    from datetime import date

    from clerc_tui.errors import InvalidInput
    from clerc_tui.rules.statement import Charge, made_charge

    on = date(2026, 3, 2)
    for args in ((D("48.37"), "Acte", "fee", False), (D("0.00"), "Débours", "disbursement", True)):
        made, expected = made_charge(on, *args), Charge(on, *args)
        assert made == expected and repr(made) == repr(expected) and hash(made) == hash(expected)
        assert list(made.__dict__) == [f.name for f in dataclasses.fields(Charge)]
    assert repr(made_charge(on, D("4.5"), "Acte")) == repr(Charge(on, D("4.50"), "Acte"))
    with pytest.raises(InvalidInput):
        made_charge(on, D("4.50"), "Acte", "amende")
    with pytest.raises(InvalidInput):
        made_charge(on, D("-1.00"), "Acte")
