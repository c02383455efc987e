"""The ledger's arithmetic: entry effects, running totals, balance without interest,
the creditor's position, the sides of the « Comptes » tab. Expected values are written
out by hand, not computed with the functions under test."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerc_tui.rules.ledger import (
    ACCOUNT_FIELDS,
    CREDITOR,
    DEBTOR,
    DISBURSEMENT,
    FEE,
    PAYMENT,
    REFUND,
    REMITTANCE,
    REVERSAL,
    CreditorPosition,
    account_totals,
    debit_side,
    entry_effect,
    overpayment,
    reversal_effect,
    simple_balance,
)


@dataclass(frozen=True)
class E:
    id: int
    kind: str
    amount: D
    entry_date: date = date(2026, 11, 2)
    bearer: str = DEBTOR
    reverses_id: int | None = None


@pytest.mark.parametrize(
    "kind,bearer,expected",
    [
        (FEE, DEBTOR, {"charged": 1250}),
        (DISBURSEMENT, DEBTOR, {"charged": 1250}),
        (FEE, CREDITOR, {"creditor_charged": 1250}),
        (DISBURSEMENT, CREDITOR, {"creditor_charged": 1250}),
        (PAYMENT, DEBTOR, {"paid": 1250}),
        (REMITTANCE, DEBTOR, {"remitted": 1250}),
        (REFUND, DEBTOR, {"refunded": 1250}),
    ],
)
def test_each_kind_moves_one_total(kind, bearer, expected):
    assert entry_effect(kind, bearer, D("12.50")) == expected
    assert reversal_effect(kind, bearer, D("12.50")) == {k: -v for k, v in expected.items()}


def test_totals_net_of_reversals_and_cut_at_a_date():
    entries = [
        E(1, FEE, D("100.00")),
        E(2, DISBURSEMENT, D("12.50"), bearer=CREDITOR),
        E(3, PAYMENT, D("300.00"), date(2026, 11, 5)),
        E(4, PAYMENT, D("50.00"), date(2026, 11, 6)),
        E(5, REVERSAL, D("50.00"), date(2026, 11, 9), reverses_id=4),
        E(6, REMITTANCE, D("150.00"), date(2026, 11, 10)),
    ]
    assert account_totals(entries) == {
        "charged": 10000,
        "paid": 30000,
        "creditor_charged": 1250,
        "remitted": 15000,
        "refunded": 0,
    }
    # On the 7th the cheque was not rejected yet, nothing was paid back.
    assert account_totals(entries, date(2026, 11, 7)) == {
        "charged": 10000,
        "paid": 35000,
        "creditor_charged": 1250,
        "remitted": 0,
        "refunded": 0,
    }
    assert account_totals([]) == dict.fromkeys(ACCOUNT_FIELDS, 0)


def test_simple_balance_leaves_out_creditor_charges_and_reversed_entries():
    entries = [
        E(1, FEE, D("100.00")),
        E(2, FEE, D("40.00"), bearer=CREDITOR),
        E(3, PAYMENT, D("300.00")),
        E(4, PAYMENT, D("80.00")),
        E(5, REVERSAL, D("80.00"), reverses_id=4),
    ]
    assert simple_balance(D("1000.00"), entries) == D("800.00")  # 1000 + 100 − 300
    assert simple_balance(D("100.00"), entries) == D("0.00")  # never below zero


def test_creditor_position_pays_the_etude_frais_first():
    position = CreditorPosition.from_totals(
        {"paid": 50000, "charged": 1250, "creditor_charged": 2000, "remitted": 10000, "refunded": 0}
    )
    assert position.paid == D("500.00")
    assert position.etude_share == D("12.50")
    assert position.collected == D("487.50")
    assert position.due == D("367.50")  # 487,50 − 20,00 retained − 100,00 already paid back
    assert position.held == D("400.00")
    short = CreditorPosition(D("10.00"), D("12.50"), D("0.00"), D("0.00"), D("0.00"))
    assert (short.etude_share, short.collected, short.due) == (D("10.00"), D("0.00"), D("0.00"))


def test_sides_of_the_accounts_tab():
    assert [debit_side(k) for k in (FEE, DISBURSEMENT, REMITTANCE, REFUND, PAYMENT)] == [True] * 4 + [False]
    assert debit_side(PAYMENT, reversal=True) is True  # a rejected cheque debits again
    assert debit_side(FEE, reversal=True) is False  # a credit note credits


def test_overpayment_less_what_was_refunded():
    assert overpayment(D("30.00"), D("10.00")) == D("20.00")
    assert overpayment(D("30.00"), D("45.00")) == D("0.00")


@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from([FEE, DISBURSEMENT, PAYMENT, REMITTANCE, REFUND]),
            st.sampled_from([DEBTOR, CREDITOR]),
            st.integers(min_value=1, max_value=10**7),
        ),
        max_size=12,
    )
)
def test_reversing_everything_brings_every_total_back_to_zero(ops):
    entries, next_id = [], 1
    for kind, bearer, cents in ops:
        entries.append(E(next_id, kind, D(cents) / 100, bearer=bearer))
        next_id += 1
    for target in list(entries):
        entries.append(E(next_id, REVERSAL, target.amount, reverses_id=target.id))
        next_id += 1
    assert account_totals(entries) == dict.fromkeys(ACCOUNT_FIELDS, 0)


def test_totals_of_sums_equal_the_entries_one_by_one():
    """Sums of entries grouped by what they move give the same totals as the entries
    themselves (the statistics and the creditor report read sums from SQL)."""
    from clerc_tui.rules.ledger import totals_of_sums

    entries = [
        E(1, FEE, D("100.00")),
        E(2, FEE, D("20.00")),
        E(3, DISBURSEMENT, D("12.50"), bearer=CREDITOR),
        E(4, PAYMENT, D("300.00")),
        E(5, PAYMENT, D("50.00")),
        E(6, REVERSAL, D("50.00"), reverses_id=5),
        E(7, REVERSAL, D("20.00"), reverses_id=2),
        E(8, REMITTANCE, D("150.00")),
    ]
    sums = [
        (FEE, DEBTOR, None, None, 12000),  # 100 + 20
        (DISBURSEMENT, CREDITOR, None, None, 1250),
        (PAYMENT, DEBTOR, None, None, 35000),  # 300 + 50
        (REVERSAL, DEBTOR, PAYMENT, DEBTOR, 5000),
        (REVERSAL, DEBTOR, FEE, DEBTOR, 2000),
        (REMITTANCE, DEBTOR, None, None, 15000),
        (REFUND, DEBTOR, None, None, 0),  # an empty group moves nothing
    ]
    expected = {"charged": 10000, "paid": 30000, "creditor_charged": 1250, "remitted": 15000, "refunded": 0}
    assert totals_of_sums(sums) == expected == account_totals(entries)
