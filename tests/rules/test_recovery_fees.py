"""A444-31 / A444-32: flat fee on the claim, scale on the sums collected, cap, DEP imputed."""

from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from clerc_tui.rules.tariff import A444_31, A444_32, calculate_recovery_fees, shipped_tariff

T = shipped_tariff()
MARCH_2025 = date(2025, 3, 1)  # tariff of the arrêté of 28 Feb 2024


def test_partial_recovery_on_a_claim_above_188_uses_the_scale_not_the_flat_fee():
    # Claim 1 234,56 € > 188 €: A444-32 2° from the first euro. 100 × 11,73 % = 11,73 HT;
    # TVA 20 % = 2,346 → 2,35; TTC 14,08 (the old code kept the flat 21,50 HT = 25,80 TTC).
    debtor, creditor = T.recovery_fees(D("1234.56"), D(100), MARCH_2025)
    assert (creditor.ht, creditor.ttc) == (D("11.73"), D("14.08"))
    # A444-31: 100 × 9,77 % = 9,77 HT; TVA 1,954 → 1,95; TTC 11,72.
    assert (debtor.ht, debtor.ttc) == (D("9.77"), D("11.72"))


def test_example_8_both_fees_ht_and_ttc():
    # 125×9,77 % + 485×6,35 % + 915×3,41 % + 2 475×0,29 % = 81,389 → 81,39 HT; ×1,2 → 97,67.
    # 125×11,73 % + 485×10,75 % + 915×10,26 % + 2 475×3,91 % = 257,4515 → 257,45 HT → 308,94.
    debtor, creditor = T.recovery_fees(D(4000), D(4000), MARCH_2025)
    assert (debtor.article, debtor.ht, debtor.ttc) == (A444_31, D("81.39"), D("97.67"))
    assert (creditor.article, creditor.ht, creditor.ttc) == (A444_32, D("257.45"), D("308.94"))


def test_flat_fee_follows_the_claim_whatever_was_collected():
    # Claim 150 € ≤ 188 €: A444-32 flat 21,50 HT even for 10 € or 150 € collected.
    for collected in (D("0.01"), D(10), D(150)):
        assert T.proportional(A444_32, collected, MARCH_2025, claim=D(150)).amount == D("21.50")
    # Claim 40 € ≤ 44 €: A444-31 flat 4,30 HT (5,16 TTC).
    assert T.recovery_fee(A444_31, D(5), MARCH_2025, claim=D(40)).ttc == D("5.16")
    # Claim 150 € > 44 €: A444-31 on the scale, 10 × 9,77 % = 0,977 → 0,98 HT.
    assert T.proportional(A444_31, D(10), MARCH_2025, claim=D(150)).amount == D("0.98")
    # Nothing collected: no fee at all.
    assert T.proportional(A444_32, D(0), MARCH_2025, claim=D(150)).amount == 0


def test_dep_is_imputed_after_the_cap_and_never_below_zero():
    # A444-15 last paragraph: the DEP of the commandement (63,85 HT, claim 3 000 €, Ex 9) is
    # imputed on A444-31 of the same (debtor-borne) act: 81,39 − 63,85 = 17,54 HT; TVA 3,508
    # → 3,51; TTC 21,05.
    fee = T.recovery_fee(A444_31, D(4000), MARCH_2025, claim=D(4000), dep=D("63.85"))
    assert (fee.gross, fee.dep, fee.ht, fee.ttc) == (D("81.39"), D("63.85"), D("17.54"), D("21.05"))
    # Cap first: 1 000 000 € collected → 550 HT, minus a DEP of 268,13 → 281,87 HT.
    capped = T.recovery_fee(A444_31, D(1000000), MARCH_2025, claim=D(1000000), dep=D("268.13"))
    assert (capped.gross, capped.ht) == (D(550), D("281.87"))
    # DEP above the fee: nothing left to bill, nothing refunded.
    small = T.recovery_fee(A444_31, D(10), MARCH_2025, claim=D(1000), dep=D("30"))
    assert (small.gross, small.dep, small.ht, small.ttc) == (D("0.98"), D("0.98"), D(0), D(0))


def test_calculator_input_alimentary_exempts_the_creditor_and_doubles_the_debtor():
    # 4 000 € alimentary: doubled rates, 162,778 → 162,78 HT (rounded once), 195,34 TTC.
    debtor, creditor = calculate_recovery_fees("4 000", "4000", MARCH_2025, alimentary=True)
    assert (debtor.ht, debtor.ttc) == (D("162.78"), D("195.34"))
    assert creditor.ttc == 0 and "alimentaire" in creditor.exempt


@settings(max_examples=200, deadline=None)
@given(
    claim=st.decimals(min_value=0, max_value=200000, places=2),
    a=st.decimals(min_value=0, max_value=200000, places=2),
    b=st.decimals(min_value=0, max_value=200000, places=2),
    article=st.sampled_from((A444_31, A444_32)),
)
def test_fee_is_monotonic_in_the_sums_collected_and_within_the_cap(claim, a, b, article):
    low, high = sorted((a, b))
    cap = D(550) if article == A444_31 else D(5540)
    f_low = T.proportional(article, low, MARCH_2025, claim=claim).amount
    f_high = T.proportional(article, high, MARCH_2025, claim=claim).amount
    assert D(0) <= f_low <= f_high <= cap
