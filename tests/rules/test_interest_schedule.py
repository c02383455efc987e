"""The rate segments of a décompte are cut once over its whole span and sliced per request
(issue 12: the décompte as the app calls it ≤ 2 ms): a slice is exactly what `rate_segments`
gives for that period, and a total exactly what the lines would add up to. Not one cent moves."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clerc_tui.rules.interest as interest
from clerc_tui.errors import MissingRate
from clerc_tui.rules.calendar import shift_months
from clerc_tui.rules.interest import (
    Convention,
    InterestTerms,
    RateSchedule,
    interest_lines,
    lines_total,
    majoration_start,
    rate_segments,
)
from clerc_tui.rules.money import is_cents
from clerc_tui.rules.rates import Rates
from clerc_tui.rules.statement import Charge, ClaimItem, Payment, Reversal, StatementInput, compute_statement

RATES = Rates.shipped()
FIRST, LAST = date(2013, 1, 1), date(2025, 12, 31)  # shipped legal and ECB rates cover it
TERMS = [
    InterestTerms(category="particulier", majoration_from=date(2017, 3, 9), capitalisation_from=date(2016, 1, 1)),
    InterestTerms(category="autres", majoration_from=date(2019, 7, 1), majoration_points=D("2.5")),
    InterestTerms(category="autres"),
    InterestTerms(kind="commercial"),
    InterestTerms(kind="commercial", rate=D("4.00")),  # under the floor of 3 × the legal rate some years
    InterestTerms(kind="contractual", rate=D("7.30")),  # civil year: 366 days in leap years
    InterestTerms(kind="contractual", rate=D("7.30"), day_basis="360"),
    InterestTerms(kind="none"),
]
CONVENTIONS = [Convention(d, r) for d in ("end_minus_start", "inclusive_both") for r in ("per_line", "total")]
days = st.integers(min_value=0, max_value=(LAST - FIRST).days)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(TERMS),
    st.sampled_from(CONVENTIONS),
    st.lists(days, min_size=4, max_size=4),
    st.integers(min_value=1, max_value=10_000_000),
)
def test_a_slice_of_the_span_is_what_the_period_alone_gives(terms, convention, offsets, cents):
    span_start, start, end, span_end = (FIRST + timedelta(days=n) for n in sorted(offsets))
    schedule = RateSchedule(span_start, span_end, terms, RATES)
    base = D(cents) / 100
    assert schedule.segments(start, end) == rate_segments(start, end, terms, RATES)
    lines = interest_lines(start, end, base, terms, RATES, convention)
    assert interest_lines(start, end, base, terms, RATES, convention, schedule=schedule) == lines
    total = lines_total(lines, convention)
    # The running total (cached per start and base) answers the same for each end asked in turn.
    for stop in (start + (end - start) / 3, end, start + (end - start) / 2, end):
        assert schedule.total(start, stop, base, convention) == lines_total(
            interest_lines(start, stop, base, terms, RATES, convention), convention
        )
    assert str(schedule.total(start, end, base, convention)) == str(total)  # same digits, same exponent
    # The accrual from `start` on `base` answers as `total` for ends asked in any order.
    accrual = schedule.accrual(start, base, convention)
    for stop in (start + (end - start) / 2, end, start, start + (end - start) / 5, end, span_start):
        assert str(accrual.to(stop)) == str(schedule.total(start, stop, base, convention))


def test_a_span_with_a_missing_rate_raises_where_the_period_alone_would():
    terms = InterestTerms(category="particulier")
    schedule = RateSchedule(date(2025, 1, 1), date(2027, 3, 1), terms, RATES)  # 2026 S2 not shipped
    assert schedule.segments(date(2025, 2, 1), date(2026, 6, 1)) == rate_segments(
        date(2025, 2, 1), date(2026, 6, 1), terms, RATES
    )
    with pytest.raises(MissingRate) as alone:
        rate_segments(date(2026, 5, 1), date(2026, 9, 1), terms, RATES)
    with pytest.raises(MissingRate) as sliced:
        schedule.segments(date(2026, 5, 1), date(2026, 9, 1))
    assert sliced.value.message == alone.value.message


def ten_years() -> StatementInput:
    """The dossier of bench/bench_statement.py: 120 payments, 40 charges, 2 rejected cheques."""
    start = date(2016, 6, 15)
    return StatementInput(
        at=date(2025, 12, 31),
        interest_from=start,
        items=(ClaimItem("principal", D("25000.00")), ClaimItem("depens", D("312.40"))),
        terms=InterestTerms(
            category="particulier",
            majoration_from=majoration_start(date(2016, 7, 1)),
            capitalisation_from=date(2017, 1, 1),
        ),
        charges=tuple(Charge(start + timedelta(days=90 * n), D("48.37"), f"Acte {n}") for n in range(40)),
        payments=tuple(
            Payment(shift_months(date(2016, 7, 5), n), D("180.00") + n % 7, ref=f"P{n}") for n in range(110)
        ),
        reversals=(Reversal(date(2019, 3, 20), "P32", "rejet"), Reversal(date(2023, 5, 22), "P82", "rejet")),
    )


def test_a_decompte_cuts_its_rate_segments_once(monkeypatch):
    calls = []
    real = interest.rate_segments

    def counting(start, end, terms, rates):
        calls.append((start, end))
        return real(start, end, terms, rates)

    monkeypatch.setattr(interest, "rate_segments", counting)
    interest.forget_cut_spans()
    statement = compute_statement(ten_years(), RATES)
    assert len(statement.payments) == 110 and len(statement.interest_lines) > 20
    # The span from the interest start to the arrêté date, then the month of interest to come:
    # not once per payment and per line from scratch (~130 times for this dossier before).
    assert calls == [(date(2016, 6, 15), date(2025, 12, 31)), (date(2025, 12, 31), date(2026, 1, 31))]
    # The same span again (the dossier's next décompte that day) is not cut again.
    calls.clear()
    assert compute_statement(ten_years(), RATES) == statement
    assert calls == [(date(2025, 12, 31), date(2026, 1, 31))]
    # Equal terms written otherwise (a contractual 7.3 and 7.30 %) are cut apart: their lines
    # are printed otherwise (the rate and the exact amounts keep the digits as written).
    data = replace(ten_years(), terms=InterestTerms(kind="contractual", rate=D("7.3")))
    short = compute_statement(data, RATES)
    calls.clear()
    written = compute_statement(replace(data, terms=InterestTerms(kind="contractual", rate=D("7.30"))), RATES)
    assert len(calls) == 2
    assert repr(written.interest_lines) != repr(short.interest_lines)
    assert written.interest_lines[0].rate.as_tuple().exponent == -2


def test_is_cents_is_what_check_amount_leaves_unchanged():
    assert is_cents(D("12.30")) and is_cents(D("-0.00"))
    assert not any(is_cents(v) for v in (D("12.3"), D("12.300"), D("NaN"), D("Infinity"), 12, "12.30", 12.3))
