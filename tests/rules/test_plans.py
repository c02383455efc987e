"""Payment plans (rules/plans.py): the proposal sums to the debt exactly, month-end dates, the
state from the payments (partial, late within grace, missed, respected)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.plans import default_terms, due_dates, instalment_line, plan_state, propose

D = Decimal
cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: D(c) / 100)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31))


@given(total=cents, count=st.integers(1, 120), first_on=days, day=st.integers(1, 31))
def test_count_proposal_sums_exactly_and_only_the_last_absorbs_the_cents(total, count, first_on, day):
    try:
        proposal = propose(total, first_on, count=count, day=day)
    except InvalidInput:  # more instalments than cents
        assert total * 100 < count
        return
    amounts = [i.amount for i in proposal.instalments]
    assert sum(amounts) == total
    assert len(amounts) == count
    assert all(a > 0 and a == a.quantize(D("0.01")) for a in amounts)
    assert len(set(amounts[:-1])) <= 1
    assert 0 <= amounts[-1] - amounts[0] < D("0.01") * count


@given(total=cents, monthly=cents, first=st.none() | cents, first_on=days)
def test_monthly_proposal_sums_exactly(total, monthly, first, first_on):
    if first is not None and first > total:
        with pytest.raises(InvalidInput):
            propose(total, first_on, monthly=monthly, first_amount=first)
        return
    try:
        proposal = propose(total, first_on, monthly=monthly, first_amount=first)
    except InvalidInput:  # beyond 120 instalments
        assert total / monthly > 100
        return
    amounts = [i.amount for i in proposal.instalments]
    assert sum(amounts) == total
    regular = amounts[1:] if first is not None else amounts
    assert all(a == monthly for a in regular[:-1])
    if regular:
        assert 0 < regular[-1] <= monthly
    dates = [i.due_on for i in proposal.instalments]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


def test_first_instalment_differs_and_capacity_above_is_said():
    proposal = propose(D("1000.00"), date(2027, 1, 15), count=4, first_amount=D("400"), capacity=D("150.00"))
    assert [i.amount for i in proposal.instalments] == [D("400"), D("200.00"), D("200.00"), D("200.00")]
    assert "dépasse" in proposal.warnings[0] and "150,00" in proposal.warnings[0]
    assert not propose(D("1000.00"), date(2027, 1, 15), count=4, capacity=D("250.00")).warnings


def test_month_end_dates_never_drift():
    assert due_dates(date(2027, 1, 31), 5) == (
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    )
    assert due_dates(date(2027, 12, 31), 3) == (date(2027, 12, 31), date(2028, 1, 31), date(2028, 2, 29))
    # the first on the 10th, the others on the 30th: February's last day
    assert due_dates(date(2027, 1, 10), 3, day=30) == (date(2027, 1, 10), date(2027, 2, 28), date(2027, 3, 30))
    with pytest.raises(InvalidInput):
        due_dates(date(2027, 1, 10), 3, day=32)


def test_refusals():
    with pytest.raises(InvalidInput):
        propose(D("0"), date(2027, 1, 1), count=3)
    with pytest.raises(InvalidInput):
        propose(D("100"), date(2027, 1, 1))
    with pytest.raises(InvalidInput):
        propose(D("100"), date(2027, 1, 1), count=3, monthly=D("10"))
    with pytest.raises(InvalidInput):
        propose(D("100"), date(2027, 1, 1), count=121)


def test_default_terms():
    assert default_terms(D("1200"), D("200.004")) == (None, D("200.00"))
    assert default_terms(D("1200"), None) == (12, None)
    assert default_terms(D("90"), None) == (3, None)
    assert default_terms(D("10"), D("0")) == (1, None)
    assert default_terms(D("100000"), D("10")) == (12, None)  # 10 000 months: the capacity is not the plan


PLAN = propose(D("400.00"), date(2027, 1, 5), count=4).instalments  # 100 € on the 5th, January to April


def states(payments, today, grace=8):
    return plan_state(PLAN, [(d, D(a)) for d, a in payments], grace, today)


def test_state_on_time_partial_and_in_grace():
    s = states([(date(2027, 1, 5), "100"), (date(2027, 2, 3), "60")], date(2027, 2, 10))
    assert s.state == "en_cours"
    assert [x.state for x in s.instalments] == ["payee", "partielle", "a_venir", "a_venir"]
    assert s.instalments[1].paid == D("60") and s.left == D("240.00")
    assert "payé 60,00" in instalment_line(s.instalments[1])
    s = states([(date(2027, 1, 5), "100")], date(2027, 2, 13))  # 5 February + 8 days: still in grace
    assert s.state == "en_cours" and s.instalments[1].state == "en_grace"


def test_missed_after_grace_then_caught_up_late():
    s = states([(date(2027, 1, 5), "100")], date(2027, 2, 14))
    assert s.state == "en_defaut"
    assert s.first_missed is not None and s.first_missed.instalment.number == 2
    assert s.default_on == date(2027, 2, 14)
    s = states([(date(2027, 1, 5), "100"), (date(2027, 2, 10), "50")], date(2027, 2, 20))
    assert s.state == "en_defaut" and s.instalments[1].state == "impayee" and s.instalments[1].paid == D("50")
    # a late payment that catches up: the plan runs again
    s = states([(date(2027, 1, 5), "100"), (date(2027, 2, 20), "100")], date(2027, 2, 21))
    assert s.state == "en_cours" and s.instalments[1].paid_on == date(2027, 2, 20)


def test_payments_go_in_date_order_and_pay_ahead():
    s = states([(date(2027, 1, 20), "150"), (date(2027, 1, 3), "100")], date(2027, 1, 25))
    assert [x.state for x in s.instalments] == ["payee", "payee", "partielle", "a_venir"]
    assert s.instalments[0].paid_on == date(2027, 1, 3) and s.instalments[1].paid_on == date(2027, 1, 20)


def test_respected_and_future_payments_ignored():
    s = states([(date(2027, 1, 5), "450")], date(2027, 1, 6))
    assert s.state == "respecte" and s.left == 0 and s.paid == D("450")
    s = states([(date(2027, 3, 1), "400")], date(2027, 1, 6))
    assert s.state == "en_cours" and s.paid == 0
