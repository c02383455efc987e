"""The seizable part of a salary (R3252-2 to R3252-5 C. trav.), the SBI and the répartition.

Expected figures are worked out by hand here (the January 2026 example of
docs/law/seizable-salary.md, and one case per year written as the slices' arithmetic), never with
the function under test."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules.seizable import (
    MissingScale,
    load_tables_text,
    quotite,
    repartition,
    rsa_row,
    sbi,
    shipped_tables,
)

JAN_2026 = date(2026, 1, 15)


def cents(value: F) -> D:
    """Half-up to the cent, by hand (the test's own rounding)."""
    return (D(value.numerator) / D(value.denominator)).quantize(D("0.01"), rounding="ROUND_HALF_UP")


# --- the example of docs/law/seizable-salary.md ---------------------------------------------------------------


def test_example_10_one_dependant():
    q = quotite(D("2000.00"), 1, JAN_2026)
    assert q.seizable == D("382.29")
    assert q.left == D("1617.71")
    assert q.floor == D("646.52")
    assert not q.capped
    assert q.year == 2026
    # The monthly thresholds (T + 1 740) / 12 and the slices of the example, to four decimals.
    assert [(line.low, line.high) for line in q.lines] == [
        (D("0.0000"), D("518.3333")),
        (D("518.3333"), D("872.5000")),
        (D("872.5000"), D("1228.3333")),
        (D("1228.3333"), D("1580.8333")),
        (D("1580.8333"), D("1934.1667")),
        (D("1934.1667"), D("2295.8333")),
    ]
    assert [line.amount for line in q.lines] == [
        D("25.9167"),
        D("35.4167"),
        D("71.1667"),
        D("88.1250"),
        D("117.7778"),
        D("43.8889"),
    ]
    assert [line.fraction_label for line in q.lines] == ["1/20", "1/10", "1/5", "1/4", "1/3", "2/3"]
    assert "2025-1299" in q.scale_source and "2025-293" in q.floor_source


def test_example_10_no_dependant():
    assert quotite(D("2000"), 0, JAN_2026).seizable == D("471.71")


def test_example_10_low_pay_is_capped_to_leave_the_rsa():
    q = quotite(D("680.00"), 0, JAN_2026)
    # 373.3333 / 20 + (680 − 373.3333) / 10 = 49.33 by the barème, but 680 − 49.33 < 646.52.
    assert q.bareme == D("49.33")
    assert q.capped
    assert q.seizable == D("33.48")
    assert q.left == D("646.52")


# --- one case per year, by hand -------------------------------------------------------------------


def test_2023_barème_and_the_rsa_of_april_2023():
    # D. 2022-1648: thresholds / 12, no dependant; net 1 500.
    hand = (
        F(4170, 12) / 20
        + (F(8140, 12) - F(4170, 12)) / 10
        + (F(12130, 12) - F(8140, 12)) / 5
        + (F(16080, 12) - F(12130, 12)) / 4
        + (F(1500) - F(16080, 12)) / 3
    )
    q = quotite(D("1500"), 0, date(2023, 6, 15))
    assert q.seizable == cents(hand) == D("252.58")
    assert q.floor == D("607.75") and q.year == 2023


def test_2024_barème_with_two_dependants():
    step = 2 * 1690
    t = [F(x + step, 12) for x in (4370, 8520, 12690, 16820)]
    hand = t[0] / 20 + (t[1] - t[0]) / 10 + (t[2] - t[1]) / 5 + (t[3] - t[2]) / 4 + (F(1800) - t[3]) / 3
    q = quotite(D("1800"), 2, date(2024, 2, 10))
    assert q.seizable == cents(hand) == D("261.31")
    assert q.floor == D("607.75")  # the RSA of April 2023 is still in force in February 2024


def test_2025_barème_with_three_dependants():
    step = 3 * 1720
    t = [F(x + step, 12) for x in (4440, 8660)]  # 800 and 1 151.6667: 1 200 is in the 1/5 slice
    hand = t[0] / 20 + (t[1] - t[0]) / 10 + (F(1200) - t[1]) / 5
    q = quotite(D("1200"), 3, date(2025, 5, 1))
    assert q.seizable == cents(hand) == D("84.83")
    assert q.floor == D("646.52")


def test_2026_all_above_the_last_threshold_is_seized():
    t = [F(x, 12) for x in (4480, 8730, 13000, 17230, 21470, 25810)]
    hand = (
        t[0] / 20
        + (t[1] - t[0]) / 10
        + (t[2] - t[1]) / 5
        + (t[3] - t[2]) / 4
        + (t[4] - t[3]) / 3
        + (t[5] - t[4]) * 2 / 3
        + (F(2500) - t[5])
    )
    q = quotite(D("2500"), 0, date(2026, 6, 30))
    assert q.seizable == cents(hand) == D("921.43")
    assert q.lines[-1].high is None and q.lines[-1].fraction_label == "totalité"
    assert q.floor == D("651.69")


def test_huge_net_pay():
    t = [F(x, 12) for x in (4480, 8730, 13000, 17230, 21470, 25810)]
    below_last = t[0] / 20 + (t[1] - t[0]) / 10 + (t[2] - t[1]) / 5 + (t[3] - t[2]) / 4 + (t[4] - t[3]) / 3
    below_last += (t[5] - t[4]) * 2 / 3
    q = quotite(D("100000"), 0, JAN_2026)
    assert q.seizable == cents(below_last + F(100000) - t[5]) == D("98421.43")
    assert len(q.lines) == 7


# --- boundaries -----------------------------------------------------------------------------------


def test_net_exactly_on_a_threshold_stays_in_the_lower_slice():
    # 8 730 / 12 = 727.50 exactly: the slice « ≤ 727,50 » ends there.
    on = quotite(D("727.50"), 0, JAN_2026)
    assert len(on.lines) == 2 and on.lines[-1].high == D("727.5000")
    assert on.seizable == cents(F(4480, 12) / 20 + (F(727.5) - F(4480, 12)) / 10) == D("54.08")
    above = quotite(D("727.51"), 0, JAN_2026)
    assert len(above.lines) == 3 and above.lines[-1].fraction_label == "1/5"
    assert above.lines[-1].base == D("0.0100")
    assert above.seizable == D("54.09")  # 54.0833 + 0.01 / 5


def test_threshold_with_a_dependant():
    # (8 730 + 1 740) / 12 = 872.50 exactly.
    q = quotite(D("872.50"), 1, JAN_2026)
    assert q.lines[-1].high == D("872.5000") and len(q.lines) == 2


def test_net_below_the_rsa_leaves_everything():
    q = quotite(D("600.00"), 0, JAN_2026)
    assert q.seizable == D("0.00") and q.capped and q.left == D("600.00")
    assert quotite(D("0"), 0, JAN_2026).seizable == 0


def test_net_equal_to_the_rsa():
    q = quotite(D("646.52"), 0, JAN_2026)
    assert q.seizable == 0 and q.left == D("646.52")


@pytest.mark.parametrize(
    ("dependants", "expected"),
    [(0, "471.71"), (1, "382.29"), (2, "319.26"), (3, "278.18"), (4, "238.42"), (5, "209.42")],
)
def test_dependants_zero_to_five(dependants, expected):
    # Worked out with the thresholds (T + n × 1 740) / 12: 11321/24, 9175/24, 22987/72, 20029/72,
    # 2861/12, 2513/12.
    assert quotite(D("2000"), dependants, JAN_2026).seizable == D(expected)


# --- the dates ------------------------------------------------------------------------------------


def test_the_date_selects_the_rsa_row():
    march = quotite(D("680"), 0, date(2026, 3, 31))
    april = quotite(D("680"), 0, date(2026, 4, 1))
    assert march.floor == D("646.52") and march.seizable == D("33.48")
    assert april.floor == D("651.69") and april.seizable == D("28.31")


def test_the_date_selects_the_barème_year():
    december = quotite(D("2000"), 0, date(2025, 12, 31))
    january = quotite(D("2000"), 0, date(2026, 1, 1))
    assert december.year == 2025 and january.year == 2026
    assert december.seizable != january.seizable


def test_sbi_is_the_rsa_at_the_date():
    assert sbi(date(2022, 7, 1)) == D("598.54")
    assert sbi(date(2023, 3, 31)) == D("598.54")
    assert sbi(date(2023, 4, 1)) == D("607.75")
    assert sbi(date(2024, 4, 1)) == D("635.71")
    assert sbi(date(2025, 4, 1)) == D("646.52")
    assert sbi(date(2026, 4, 1)) == D("651.69")
    assert "2026-220" in rsa_row(date(2026, 12, 1)).source


def test_a_year_without_a_barème_is_refused():
    with pytest.raises(MissingScale, match="2027"):
        quotite(D("2000"), 0, date(2027, 1, 15))
    with pytest.raises(MissingScale, match="2022"):
        quotite(D("2000"), 0, date(2022, 12, 1))


def test_a_date_outside_the_rsa_rows_is_refused():
    with pytest.raises(MissingScale, match="commencent au 01/07/2022"):
        sbi(date(2022, 6, 30))
    with pytest.raises(MissingScale, match="s'arrête au 31/03/2027"):
        sbi(date(2027, 4, 1))


def test_bad_input_is_a_french_error():
    with pytest.raises(InvalidInput):
        quotite(D("-1"), 0, JAN_2026)
    with pytest.raises(InvalidInput, match="personnes à charge"):
        quotite(D("2000"), -1, JAN_2026)
    with pytest.raises(InvalidInput, match="personnes à charge"):
        quotite(D("2000"), 31, JAN_2026)
    with pytest.raises(InvalidInput):
        quotite(D("2000.001"), 0, JAN_2026)


# --- pension alimentaire paid directly (L3252-5, R212-1-35) ---------------------------------------


def test_alimony_first_on_the_unseizable_part():
    q = quotite(D("2000"), 1, JAN_2026, alimony=D("400"))
    # 2 000 − 382.29 − 646.52 = 971.19 above the floor in the unseizable part: it all goes there.
    assert q.alimony_paid == D("400.00") and q.alimony_on_seizable == 0
    assert q.seizable == D("382.29") and q.left == D("1217.71")


def test_alimony_then_on_the_seizable_fraction_never_below_the_rsa():
    q = quotite(D("2000"), 1, JAN_2026, alimony=D("1200"))
    # 971.19 from the unseizable part, 228.81 from the seizable fraction.
    assert q.alimony_on_seizable == D("228.81")
    assert q.seizable == D("153.48")
    assert q.left == D("646.52")
    big = quotite(D("2000"), 1, JAN_2026, alimony=D("5000"))
    assert big.alimony_paid == D("1353.48") and big.seizable == 0 and big.left == D("646.52")
    assert big.alimony_unpaid == D("3646.52")
    assert big.fraction_seizable == D("382.29")


# --- répartition among several seizures ------------------------------------------------------------


def test_smallest_residual_claims_first_then_pro_rata():
    r = repartition(D("382.29"), [("Banque", D("1000")), ("Bailleur", D("300")), ("Opérateur", D("5000"))])
    banque, bailleur, operateur = r.shares
    assert bailleur.priority and bailleur.amount == D("300.00")
    # 82.29 left for 1 000 and 5 000: 13.715 and 68.575, cut to 13.71 and 68.57, one cent left to
    # the larger remainder (tie: the earlier inscription).
    assert (banque.amount, operateur.amount) == (D("13.72"), D("68.57"))
    assert sum(s.amount for s in r.shares) + r.returned == D("382.29")


def test_priority_claims_in_increasing_order_until_the_money_runs_out():
    r = repartition(D("250"), [("A", D("400")), ("B", D("100")), ("C", D("200")), ("D", D("900"))])
    amounts = {s.name: s.amount for s in r.shares}
    assert amounts == {"A": D("0.00"), "B": D("100.00"), "C": D("150.00"), "D": D("0.00")}
    assert [s.priority for s in r.shares] == [False, True, True, False]


def test_claim_of_exactly_500_is_a_priority_one():
    r = repartition(D("600"), [("A", D("500.00")), ("B", D("500.01"))])
    assert [(s.priority, s.amount) for s in r.shares] == [(True, D("500.00")), (False, D("100.00"))]


def test_what_exceeds_every_claim_goes_back_to_the_debtor():
    r = repartition(D("1000"), [("A", D("200")), ("B", D("700"))])
    assert [s.amount for s in r.shares] == [D("200.00"), D("700.00")]
    assert r.returned == D("100.00")
    assert all(s.still_owed == 0 for s in r.shares)


@pytest.mark.parametrize("amount", ["0.01", "1.00", "33.33", "382.29", "999.99"])
def test_repartition_always_sums_to_the_amount(amount):
    claims = [("A", D("1234.56")), ("B", D("789.01")), ("C", D("3333.33")), ("D", D("0")), ("E", D("42.00"))]
    r = repartition(D(amount), claims)
    assert sum(s.amount for s in r.shares) + r.returned == D(amount)
    assert all(0 <= s.amount <= s.claim for s in r.shares)


# --- the data file ----------------------------------------------------------------------------------


def test_shipped_tables_have_the_four_years_and_five_rsa_rows():
    tables = shipped_tables()
    assert sorted(tables.scales) == [2023, 2024, 2025, 2026]
    assert [row.amount for row in tables.rsa] == [D(x) for x in ("598.54", "607.75", "635.71", "646.52", "651.69")]
    assert all("Décret" in row.source or "Loi" in row.source for row in tables.rsa)


GOOD = """
fractions = ["1/20", "1"]
[repartition]
priority_max = "500.00"
source = "x"
[[scale]]
year = 2026
thresholds = ["4480"]
per_dependant = "1740"
source = "D."
[[rsa]]
valid_from = 2026-04-01
valid_to = 2027-03-31
amount = "651.69"
source = "D."
"""


def test_a_good_file_loads():
    assert load_tables_text(GOOD).scales[2026].thresholds == (D("4480"),)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD.replace('amount = "651.69"', "amount = 651.69"), "comme un texte"),
        (GOOD.replace('thresholds = ["4480"]', 'thresholds = ["4480", "9000"]'), "1 seuils attendus"),
        (GOOD.replace('fractions = ["1/20", "1"]', 'fractions = ["1/20", "1/2"]'), "totalité"),
        (GOOD.replace('source = "D."\n[[rsa]]', 'source = ""\n[[rsa]]'), "aucune source"),
        (
            GOOD
            + GOOD[GOOD.index("[[rsa]]") :].replace("2026-04-01", "2027-05-01").replace("2027-03-31", "2028-03-31"),
            "trou",
        ),
        (GOOD + GOOD[GOOD.index("[[scale]]") : GOOD.index("[[rsa]]")], "deux fois"),
        ("fractions = [", "illisible"),
    ],
)
def test_a_broken_file_is_refused_in_french(broken, message):
    with pytest.raises(ClercError, match=message):
        load_tables_text(broken)
