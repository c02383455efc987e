"""Interest: the worked examples of docs/law/statement.md and interest.md, the edge rules, and split invariance."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerc_tui.errors import InvalidInput, MissingRate
from clerc_tui.rules.interest import (
    Convention,
    InterestTerms,
    capitalisation_anniversaries,
    capitalisation_dates,
    compute_interest,
    interest_lines,
    majoration_start,
)
from clerc_tui.rules.rates import Rates, etude_row

INCLUSIVE = Convention(day_count="inclusive_both")


def _lines(result):
    return [(line.start, line.end, line.days, line.rate, line.amount) for line in result.lines]


def test_example_1_one_half_year_private_creditor():
    result = compute_interest(D("5000"), date(2025, 1, 15), date(2025, 4, 15), InterestTerms(category="particulier"))
    assert _lines(result) == [(date(2025, 1, 15), date(2025, 4, 15), 90, D("7.21"), D("88.89"))]
    assert result.total == D("88.89")


def test_example_2_across_a_half_year_other_creditor():
    result = compute_interest(D("12000"), date(2025, 5, 1), date(2025, 9, 30), InterestTerms(category="autres"))
    assert _lines(result) == [
        (date(2025, 5, 1), date(2025, 7, 1), 61, D("3.71"), D("74.40")),
        (date(2025, 7, 1), date(2025, 9, 30), 91, D("2.76"), D("82.57")),
    ]
    assert result.total == D("156.97") and result.days == 152


def test_example_3_judgment_with_majoration():
    start_of_majoration = majoration_start(date(2025, 3, 24))  # signified 24 Mar 2025
    assert start_of_majoration == date(2025, 5, 25)
    terms = InterestTerms(category="particulier", majoration_from=start_of_majoration)
    result = compute_interest(D("3000"), date(2025, 3, 10), date(2025, 9, 15), terms)
    assert _lines(result) == [
        (date(2025, 3, 10), date(2025, 5, 25), 76, D("7.21"), D("45.04")),
        (date(2025, 5, 25), date(2025, 7, 1), 37, D("12.21"), D("37.13")),
        (date(2025, 7, 1), date(2025, 9, 15), 76, D("11.65"), D("72.77")),
    ]
    assert result.total == D("154.94") and result.days == 189
    assert [line.kind for line in result.lines] == ["legal", "legal_majorated", "legal_majorated"]
    assert "L313-3" in result.lines[1].basis


EX5_TERMS = InterestTerms(category="particulier", majoration_from=date(2015, 11, 18))


def test_example_5_end_minus_start():
    result = compute_interest(D("2000"), date(2015, 9, 17), date(2016, 4, 10), EX5_TERMS)
    assert [line.amount for line in result.lines] == [D("14.57"), D("22.40"), D("52.27")]
    assert [line.days for line in result.lines] == [62, 44, 100]
    assert result.total == D("89.24") and result.days == 206


def test_example_5_inclusive_both():
    # Both ends counted: 17/09→17/11 = 62 d, 18/11→31/12 = 44 d, 01/01→10/04 = 101 d.
    # SP's published 89.01 € is neither setting (its lines count 61, 44 and 100 days).
    result = compute_interest(D("2000"), date(2015, 9, 17), date(2016, 4, 10), EX5_TERMS, convention=INCLUSIVE)
    assert _lines(result) == [
        (date(2015, 9, 17), date(2015, 11, 17), 62, D("4.29"), D("14.57")),
        (date(2015, 11, 18), date(2015, 12, 31), 44, D("9.29"), D("22.40")),
        (date(2016, 1, 1), date(2016, 4, 10), 101, D("9.54"), D("52.80")),
    ]
    assert result.total == D("89.77") and result.days == 207


@pytest.mark.parametrize(("convention", "days", "amount"), [(Convention(), 29, D("4.94")), (INCLUSIVE, 30, D("5.11"))])
def test_sp_thirty_day_example_under_both_settings(convention, days, amount):
    result = compute_interest(
        D("2000"), date(2020, 9, 1), date(2020, 9, 30), InterestTerms(category="particulier"), convention=convention
    )
    assert result.days == days and result.total == amount


def test_example_6_b2b_late_payment():
    result = compute_interest(D("10000"), date(2025, 3, 31), date(2025, 6, 30), InterestTerms(kind="commercial"))
    assert _lines(result) == [(date(2025, 3, 31), date(2025, 6, 30), 91, D("13.15"), D("327.85"))]
    assert result.interest == D("327.85") and result.indemnity == D("40.00") and result.total == D("367.85")
    assert "3,15" in result.lines[0].basis


def test_example_7_capitalisation_across_a_leap_year():
    terms = InterestTerms(category="particulier", capitalisation_from=date(2024, 1, 1))
    result = compute_interest(D("10000"), date(2024, 1, 1), date(2025, 7, 1), terms)
    assert _lines(result) == [
        (date(2024, 1, 1), date(2024, 7, 1), 182, D("8.01"), D("399.40")),
        (date(2024, 7, 1), date(2025, 1, 1), 184, D("8.16"), D("411.35")),
        (date(2025, 1, 1), date(2025, 7, 1), 181, D("7.21"), D("386.52")),
    ]
    assert [(c.on, c.amount, c.base_after) for c in result.capitalisations] == [
        (date(2025, 1, 1), D("810.75"), D("10810.75"))
    ]
    plain = compute_interest(D("10000"), date(2025, 1, 1), date(2025, 7, 1), InterestTerms(category="particulier"))
    assert plain.total == D("357.54")
    assert result.lines[2].amount - plain.total == D("28.98")


def test_legal_divisor_is_36500_even_in_a_leap_year():
    # 2024 S1 "autres" 5.07 %: 36 500 × 5.07 × 182 / 36 500 = 922.74 exactly (182/365 of a year, not 182/366).
    result = compute_interest(D("36500"), date(2024, 1, 1), date(2024, 7, 1), InterestTerms(category="autres"))
    assert result.total == D("922.74") and result.lines[0].divisor == 36500


def test_contractual_365_basis_written_in_the_contract():
    # 36 500 × 10 × 182 / 36 500 = 1 820.00: 10 € a day, the year the contract wrote.
    terms = InterestTerms(kind="contractual", rate=D("10"), day_basis="365")
    assert compute_interest(D("36500"), date(2024, 1, 1), date(2024, 7, 1), terms).total == D("1820.00")


def test_contractual_interest_defaults_to_the_civil_year():
    # Issue 9 item 5: 10 000 € at 5 % over 2024 (366 days): 10 000 × 5 × 366 / 36 600 = 500.00,
    # not 10 000 × 5 × 366 / 36 500 = 501.37.
    five = InterestTerms(kind="contractual", rate=D("5"))
    result = compute_interest(D("10000"), date(2024, 1, 1), date(2025, 1, 1), five)
    assert _lines(result) == [(date(2024, 1, 1), date(2025, 1, 1), 366, D("5"), D("500.00"))]
    assert result.lines[0].divisor == 36600 and result.terms.day_basis == "civil"
    # 36 500 × 10 × 182 / 36 600 = 1 815.0273 → 1 815.03
    six_months = compute_interest(
        D("36500"), date(2024, 1, 1), date(2024, 7, 1), InterestTerms(kind="contractual", rate=D("10"))
    )
    assert six_months.total == D("1815.03")


def test_civil_year_cuts_only_where_the_year_length_changes():
    # 1 Jul 2023 → 1 Jul 2026 at 5 % on 10 000: 2023 (365 d) | 2024 (366 d) | 2025-2026 (365 d, one line).
    # 184 × 500 / 365 = 252.0548 → 252.05 ; 366 × 500 / 366 = 500.00 ; 546 × 500 / 365 = 747.9452 → 747.95
    five = InterestTerms(kind="contractual", rate=D("5"))
    result = compute_interest(D("10000"), date(2023, 7, 1), date(2026, 7, 1), five)
    assert [(line.start, line.days, line.divisor, line.amount) for line in result.lines] == [
        (date(2023, 7, 1), 184, 36500, D("252.05")),
        (date(2024, 1, 1), 366, 36600, D("500.00")),
        (date(2025, 1, 1), 546, 36500, D("747.95")),
    ]
    assert result.total == D("1500.00")


def test_contractual_360_basis():
    # 15 000 € at 3 % for 3 days over 360: 15 000 × 3 × 3 / 36 000 = 3.75
    terms = InterestTerms(kind="contractual", rate=D("3"), day_basis="360")
    assert compute_interest(D("15000"), date(2025, 3, 1), date(2025, 3, 4), terms).total == D("3.75")


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(day_basis="360"),
        dict(kind="commercial", day_basis="civil"),
        dict(kind="contractual", rate=D("5"), day_basis="30/360"),
    ],
)
def test_a_day_basis_is_only_for_contractual_interest(kwargs):
    with pytest.raises(InvalidInput):
        InterestTerms(**kwargs)


def test_the_day_basis_is_described_per_rate_type():
    assert "36\u00a0500 même en année bissextile" in Convention().describe(InterestTerms())
    contractual = Convention().describe(InterestTerms(kind="contractual", rate=D("5")))
    assert "année civile" in contractual and "12-16.651" in contractual and "36\u00a0500 même" not in contractual
    assert "année civile" in InterestTerms(kind="contractual", rate=D("5")).describe()


def test_no_1_july_line_before_2015_the_rate_was_annual():
    # 2013 and 2014: one rate a year (0.04 %), one line per year. 10 000 × 0.04 × 365 / 36 500 = 4.00 each.
    result = compute_interest(D("10000"), date(2013, 1, 1), date(2015, 1, 1), InterestTerms(category="autres"))
    assert [(line.start, line.end, line.days, line.amount) for line in result.lines] == [
        (date(2013, 1, 1), date(2014, 1, 1), 365, D("4.00")),
        (date(2014, 1, 1), date(2015, 1, 1), 365, D("4.00")),
    ]
    # From 2015 the rate is half-yearly: 1 July cuts again.
    assert [
        line.start
        for line in compute_interest(
            D("10000"), date(2014, 6, 1), date(2015, 8, 1), InterestTerms(category="autres")
        ).lines
    ] == [date(2014, 6, 1), date(2015, 1, 1), date(2015, 7, 1)]


@pytest.mark.parametrize("first_day", [date(2025, 7, 1), date(2026, 1, 1)])
def test_no_zero_day_line_when_the_majoration_starts_on_a_half_year(first_day):
    terms = InterestTerms(category="particulier", majoration_from=first_day)
    result = compute_interest(D("1000"), date(2025, 3, 1), date(2026, 3, 1), terms)
    assert all(line.days > 0 for line in result.lines)
    assert sum(line.days for line in result.lines) == 365
    assert [line.start for line in result.lines] == sorted({date(2025, 3, 1), date(2025, 7, 1), date(2026, 1, 1)})


def test_a_base_change_to_the_same_amount_cuts_nothing():
    result = compute_interest(
        D("3000"),
        date(2025, 3, 10),
        date(2025, 4, 10),
        InterestTerms(category="particulier"),
        base_changes=[(date(2025, 3, 20), D("3000"))],
    )
    assert len(result.lines) == 1


@pytest.mark.parametrize(
    ("enforceable", "first_day"),
    [
        (date(2025, 3, 24), date(2025, 5, 25)),
        (date(2015, 9, 17), date(2015, 11, 18)),
        (date(2025, 12, 31), date(2026, 3, 1)),  # 31 Feb does not exist: last day of February, then +1
        (date(2023, 12, 30), date(2024, 3, 1)),  # 29 Feb 2024 + 1
        (date(2024, 12, 30), date(2025, 3, 1)),
        (date(2025, 8, 31), date(2025, 11, 1)),
    ],
)
def test_majoration_start(enforceable, first_day):
    assert majoration_start(enforceable) == first_day


def test_majoration_points_reduced_by_the_jex():
    terms = InterestTerms(category="particulier", majoration_from=date(2025, 2, 1), majoration_points=D("2"))
    result = compute_interest(D("1000"), date(2025, 1, 1), date(2025, 3, 1), terms)
    assert [line.rate for line in result.lines] == [D("7.21"), D("9.21")]
    waived = InterestTerms(category="particulier", majoration_from=date(2025, 2, 1), majoration_points=D("0"))
    assert len(compute_interest(D("1000"), date(2025, 1, 1), date(2025, 3, 1), waived).lines) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(majoration_from=date(2025, 1, 1), majoration_points=D("6")),
        dict(majoration_from=date(2025, 1, 1), majoration_points=D("-1")),
        dict(kind="contractual", rate=D("5"), majoration_from=date(2025, 1, 1)),
        dict(kind="contractual"),
        dict(kind="usure"),
        dict(category="entreprise"),
        dict(rate=D("3")),
    ],
)
def test_bad_terms_are_refused(kwargs):
    with pytest.raises(InvalidInput):
        InterestTerms(**kwargs)


def test_contractual_rate_is_not_cut_at_half_years():
    result = compute_interest(
        D("10000"), date(2025, 1, 1), date(2026, 1, 1), InterestTerms(kind="contractual", rate=D("5"))
    )
    assert len(result.lines) == 1 and result.total == D("500.00")


def test_commercial_default_rate_is_ecb_plus_ten_even_below_three_times_legal():
    # 2024 S1: ECB 4.50 % + 10 = 14.50 %, 3 × 5.07 % = 15.21 %. The floor of L441-10 binds an
    # agreed rate ("sauf disposition contraire qui ne peut toutefois…"), not the default one.
    result = compute_interest(D("10000"), date(2024, 1, 1), date(2024, 2, 1), InterestTerms(kind="commercial"))
    assert result.lines[0].rate == D("14.50")


def test_commercial_agreed_rate_is_floored_at_three_times_legal():
    low = compute_interest(
        D("10000"), date(2024, 1, 1), date(2024, 2, 1), InterestTerms(kind="commercial", rate=D("12"))
    )
    assert low.lines[0].rate == D("15.21") and "plancher" in low.lines[0].basis
    high = compute_interest(
        D("10000"), date(2024, 1, 1), date(2024, 2, 1), InterestTerms(kind="commercial", rate=D("16"))
    )
    assert high.lines[0].rate == D("16")


def test_commercial_rate_changes_only_on_1_july():
    # ECB cut to 2.15 % on 11 June 2025: the 2025 S1 rate stays 3.15 + 10 until 30 June.
    result = compute_interest(D("1000"), date(2025, 6, 1), date(2025, 8, 1), InterestTerms(kind="commercial"))
    assert [line.rate for line in result.lines] == [D("13.15"), D("12.15")]


def test_commercial_before_2013_is_refused():
    with pytest.raises(InvalidInput, match="2013"):
        compute_interest(D("1000"), date(2012, 6, 1), date(2012, 8, 1), InterestTerms(kind="commercial"))


def test_no_interest_kind():
    result = compute_interest(D("1000"), date(2025, 1, 1), date(2025, 8, 1), InterestTerms(kind="none"))
    assert result.lines == () and result.total == D("0.00")


def test_end_before_start_is_refused():
    with pytest.raises(InvalidInput, match="précède"):
        compute_interest(D("1000"), date(2025, 2, 1), date(2025, 1, 1), InterestTerms())


@pytest.mark.parametrize("principal", [D("-1"), D("10.001"), 10.5, "abc"])
def test_bad_principal_is_refused(principal):
    with pytest.raises(InvalidInput):
        compute_interest(principal, date(2025, 1, 1), date(2025, 2, 1), InterestTerms())


def test_missing_semester_stops_the_computation():
    with pytest.raises(MissingRate, match="2e semestre 2026"):
        compute_interest(D("1000"), date(2026, 6, 1), date(2026, 7, 15), InterestTerms(category="particulier"))


def test_an_etude_rate_is_marked_on_the_line():
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
    result = compute_interest(
        D("1000"), date(2026, 6, 1), date(2026, 7, 15), InterestTerms(category="particulier"), rates=rates
    )
    assert [line.from_etude for line in result.lines] == [False, True]
    assert "taux saisi par l'étude — à vérifier" in result.lines[1].basis
    assert result.uses_etude_rates


def test_total_rounding_mode_rounds_once():
    per_line = compute_interest(D("1000"), date(2025, 5, 1), date(2025, 9, 30), InterestTerms(category="particulier"))
    total = compute_interest(
        D("1000"),
        date(2025, 5, 1),
        date(2025, 9, 30),
        InterestTerms(category="particulier"),
        convention=Convention(rounding="total"),
    )
    exact = sum(line.exact for line in total.lines)
    assert total.total == exact.quantize(D("0.01"))
    assert per_line.total == sum(line.amount for line in per_line.lines)
    assert abs(total.total - per_line.total) <= D("0.01")


def test_base_change_cuts_the_line():
    result = compute_interest(
        D("3000"),
        date(2025, 3, 10),
        date(2025, 4, 10),
        InterestTerms(category="particulier"),
        base_changes=[(date(2025, 3, 20), D("2000"))],
    )
    assert [(line.days, line.base) for line in result.lines] == [(10, D("3000.00")), (21, D("2000.00"))]


def test_capitalisation_ordered_before_interest_starts_waits_a_whole_year():
    # Art. 1343-2: only interest due for a whole year is capitalised. Ordered from 1 Jan 2024, interest
    # from 1 Jun 2024: the first anniversary is 1 Jun 2025 (not 1 Jan 2025, 7 months of interest).
    terms = InterestTerms(category="particulier", capitalisation_from=date(2024, 1, 1))
    result = compute_interest(D("10000"), date(2024, 6, 1), date(2025, 9, 1), terms)
    assert [c.on for c in result.capitalisations] == [date(2025, 6, 1)]
    # 1 Jun → 1 Jul 2024: 30 d × 8.01 % = 2 403 000 / 36 500 = 65.8356 → 65.84
    # 1 Jul 2024 → 1 Jan 2025: 184 d × 8.16 % → 411.35 ;
    # 1 Jan → 1 Jun 2025: 151 d × 7.21 % = 10 887 100 / 36 500 = 298.2767 → 298.28 ;
    # capitalised 65.84 + 411.35 + 298.28 = 775.47
    assert result.capitalisations[0].amount == D("775.47")
    assert capitalisation_anniversaries(date(2024, 1, 1), date(2024, 6, 1), date(2026, 7, 1)) == [
        date(2025, 6, 1),
        date(2026, 6, 1),
    ]
    # Ordered after the start: anniversaries of the order.
    assert capitalisation_anniversaries(date(2024, 9, 1), date(2024, 6, 1), date(2026, 7, 1)) == [date(2025, 9, 1)]


def test_capitalisation_dates_are_anniversaries():
    assert capitalisation_dates(date(2020, 2, 29), date(2020, 1, 1), date(2023, 3, 1)) == [
        date(2021, 2, 28),
        date(2022, 2, 28),
        date(2023, 2, 28),
    ]


def test_convention_is_validated_and_described():
    with pytest.raises(InvalidInput):
        Convention(day_count="30/360")
    with pytest.raises(InvalidInput):
        Convention(rounding="banker")
    assert "36\u00a0500" in Convention().describe()


# --- property: cutting a period anywhere moves the total by at most one cent per extra line ----


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31)),
    length=st.integers(min_value=1, max_value=900),
    cut=st.floats(min_value=0, max_value=1),
    cents=st.integers(min_value=0, max_value=10**9),
    category=st.sampled_from(["particulier", "autres"]),
    day_count=st.sampled_from(["end_minus_start", "inclusive_both"]),
)
def test_splitting_a_period_never_moves_the_total_by_more_than_one_line_rounding(
    start, length, cut, cents, category, day_count
):
    # interest_lines on [start, split) + [split, end) against [start, end): the only difference is
    # the rounding of the one line cut in two (half a cent each side at most).
    end = min(start + timedelta(days=length), date(2026, 6, 29))
    if end <= start + timedelta(days=1):
        return
    split = start + timedelta(days=max(1, min((end - start).days - 1, int((end - start).days * cut))))
    principal = D(cents) / 100
    terms = InterestTerms(category=category)
    convention = Convention(day_count=day_count)
    rates = Rates.shipped()
    stop = convention.counted_end(end)
    whole = interest_lines(start, stop, principal, terms, rates, convention)
    parts = interest_lines(start, split, principal, terms, rates, convention) + interest_lines(
        split, stop, principal, terms, rates, convention
    )
    extra = len(parts) - len(whole)
    assert extra in (0, 1)
    assert sum(line.days for line in parts) == sum(line.days for line in whole)
    total = lambda lines: sum((line.amount for line in lines), D(0))  # noqa: E731
    assert abs(total(parts) - total(whole)) <= D("0.01") * extra


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2024, 12, 31)),
    length=st.integers(min_value=1, max_value=3000),
    cents=st.integers(min_value=0, max_value=10**9),
    kind=st.sampled_from(["particulier", "autres", "contractual"]),
    since=st.integers(min_value=-400, max_value=400),
)
def test_capitalised_interest_is_never_below_simple_interest(start, length, cents, kind, since):
    end = min(start + timedelta(days=length), date(2026, 6, 30))
    if end <= start:
        return
    extra = dict(kind="contractual", rate=D("7.5")) if kind == "contractual" else dict(category=kind)
    simple = compute_interest(D(cents) / 100, start, end, InterestTerms(**extra))
    capitalised = compute_interest(
        D(cents) / 100, start, end, InterestTerms(**extra, capitalisation_from=start + timedelta(days=since))
    )
    # Exactly (before rounding) capitalised ≥ simple: the same days on the same principal, plus interest
    # on what was capitalised. Rounded per line, the cut a capitalisation makes may cost its half-cents.
    exact = lambda result: sum((line.exact for line in result.lines), D(0))  # noqa: E731
    # Decimal keeps 28 significant digits: a line cut in two may differ in the 28th (seen: 1 cent over
    # 1 039 days, nothing capitalised). Far below a cent, so compare to 1e-20.
    assert exact(capitalised) >= exact(simple) - D("1e-20")
    extra_lines = len(capitalised.lines) - len(simple.lines)
    assert capitalised.total >= simple.total - D("0.01") * extra_lines
    # Every capitalisation comes a whole year (at least) after the interest started.
    assert all(
        c.on >= start.replace(year=start.year + 1)
        if not (start.month == 2 and start.day == 29)
        else c.on >= date(start.year + 1, 2, 28)
        for c in capitalised.capitalisations
    )


def test_a_written_rate_with_three_decimals_is_never_rounded_on_screen():
    from clerc_tui.rules.french import format_percent, plain_rate

    result = compute_interest(
        D("1000"), date(2025, 1, 1), date(2026, 1, 1), InterestTerms(kind="contractual", rate=D("4.125"))
    )
    assert result.total == D("41.25")
    assert plain_rate(D("4.125")) == "4.125" and plain_rate(D("7.2")) == "7.20"
    assert format_percent(D("4.125")) == "4,125\u00a0%" and format_percent(D("12.21")) == "12,21\u00a0%"


def test_lines_and_clipped_segments_made_at_once_are_what_their_init_gives():
    """interest_lines and _clipped set the fields of an InterestLine / RateSegment at once: every
    field, the same values as the dataclass's __init__ (a new field would fail here)."""
    import dataclasses

    from clerc_tui.rules.interest import InterestLine, RateSegment, _clipped, interest_lines, rate_segments

    terms = InterestTerms(kind="legal", category="particulier")
    conv = Convention()
    lines = interest_lines(date(2020, 3, 1), date(2021, 2, 1), D("1000.00"), terms, Rates.shipped(), conv, note="n")
    assert len(lines) > 1
    for line in lines:
        rebuilt = InterestLine(*(getattr(line, f.name) for f in dataclasses.fields(InterestLine)))
        assert list(line.__dict__) == [f.name for f in dataclasses.fields(InterestLine)]
        assert line == rebuilt and repr(line) == repr(rebuilt) and hash(line) == hash(rebuilt)
    seg = rate_segments(date(2020, 1, 1), date(2020, 7, 1), terms, Rates.shipped())[0]
    clipped = _clipped(seg, date(2020, 2, 1), date(2020, 3, 1))
    expected = RateSegment(
        date(2020, 2, 1), date(2020, 3, 1), seg.rate, seg.kind, seg.label, seg.basis, seg.from_etude, seg.year_days
    )
    assert clipped == expected and repr(clipped) == repr(expected) and hash(clipped) == hash(expected)
    assert list(clipped.__dict__) == [f.name for f in dataclasses.fields(RateSegment)]
