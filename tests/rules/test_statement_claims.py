"""Each claim item accrues on its own terms: the loan's principal at the contract's rate, an
article 700 sum at the legal rate from the judgment with the L313-3 majoration (art. 1231-7 C.
civ.; docs/law/interest.md §6). Every expected cent below is worked out by hand in the comments
(base × rate × days / divisor, rounded half-up per line), never by the code under test."""

from datetime import date
from decimal import Decimal as D

from clerc_tui.rules.interest import InterestTerms, majoration_start
from clerc_tui.rules.statement import ClaimItem, Payment, StatementInput, compute_statement

LOAN = InterestTerms(kind="contractual", rate=D("9.90"))  # civil year: 2025 and 2026 have 365 days
JUDGMENT = date(2025, 3, 10)
SIGNIFIED = date(2025, 3, 24)  # enforceable: majoration from 25/05/2025 (24/05 + 1 day)


def _legal(category: str, **kw) -> InterestTerms:
    return InterestTerms(kind="legal", category=category, majoration_from=majoration_start(SIGNIFIED), **kw)


def _input(category: str = "autres", **kw) -> StatementInput:
    fields = dict(
        at=date(2025, 9, 15),
        items=(
            ClaimItem("principal", D("5000")),
            ClaimItem("article_700", D("1500"), bears_interest=True, terms=_legal(category), interest_from=JUDGMENT),
        ),
        interest_from=date(2025, 2, 1),
        terms=LOAN,
    )
    fields.update(kw)
    return StatementInput(**fields)


def test_the_article_700_sum_runs_at_the_legal_rate_from_the_judgment_not_at_the_loan_rate():
    s = compute_statement(_input())
    assert majoration_start(SIGNIFIED) == date(2025, 5, 25)
    principal, article_700 = s.streams
    # Principal: 01/02 → 15/09/2025, 226 days: 5 000 × 9,90 × 226 / 36 500 = 306,4931 → 306,49.
    assert [(line.start, line.days, line.rate, line.amount) for line in principal.lines] == [
        (date(2025, 2, 1), 226, D("9.90"), D("306.49"))
    ]
    # Article 700, legal rate « autres cas » from the judgment, +5 points from 25/05/2025:
    # 10/03 → 25/05: 76 d × 3,71 % = 1 500 × 3,71 × 76 / 36 500 = 11,5874 → 11,59
    # 25/05 → 01/07: 37 d × 8,71 % = 1 500 × 8,71 × 37 / 36 500 = 13,2440 → 13,24
    # 01/07 → 15/09: 76 d × 7,76 % = 1 500 × 7,76 × 76 / 36 500 = 24,2367 → 24,24
    assert [(line.start, line.days, line.rate, line.kind, line.amount) for line in article_700.lines] == [
        (date(2025, 3, 10), 76, D("3.71"), "legal", D("11.59")),
        (date(2025, 5, 25), 37, D("8.71"), "legal_majorated", D("13.24")),
        (date(2025, 7, 1), 76, D("7.76"), "legal_majorated", D("24.24")),
    ]
    assert s.interest_accrued == D("355.56") and s.interest_due == D("355.56")  # 306,49 + 49,07
    assert s.principal_due == D("6500.00") and s.total_due == D("6855.56")
    # The bug: one regime for the dossier ran 9,90 % on 6 500 € from 01/02/2025:
    # 6 500 × 9,90 × 226 / 36 500 = 398,44 (42,88 € too much).
    assert s.total_due != D("6898.44")
    assert not s.one_regime
    assert s.stream_of(s.items[1]) is article_700 and article_700.start == JUDGMENT


def test_a_partial_payment_settles_both_streams_interest_then_the_dearer_principal():
    s = compute_statement(_input(payments=(Payment(date(2025, 6, 30), D("2000"), ref="v1"),)))
    # Interest due on 30/06/2025:
    # principal 01/02 → 30/06, 149 d: 5 000 × 9,90 × 149 / 36 500 = 202,0685 → 202,07
    # article 700: 10/03 → 25/05 11,59 ; 25/05 → 30/06, 36 d: 1 500 × 8,71 × 36 / 36 500 = 12,8860 → 12,89
    # total 226,55; the rest, 1 773,45, goes to principal: the loan at 9,90 % before the
    # 700 at 8,71 % (art. 1342-10 al. 2: the debt the debtor had most interest in paying).
    a = s.payments[0].allocation
    assert (a.frais, a.interets, a.principal, a.credit) == (D("0.00"), D("226.55"), D("1773.45"), D("0.00"))
    principal, article_700 = s.streams
    # The loan's base 5 000 − 1 773,45 = 3 226,55 from 30/06, 77 days to 15/09:
    # 3 226,55 × 9,90 × 77 / 36 500 = 67,3863 → 67,39
    assert [(line.start, line.base, line.amount) for line in principal.lines] == [
        (date(2025, 2, 1), D("5000.00"), D("202.07")),
        (date(2025, 6, 30), D("3226.55"), D("67.39")),
    ]
    # The 700's base did not change: its lines are not cut at the payment (11,59 + 13,24 + 24,24),
    # and what the payment took of its interest (24,48) comes off them.
    assert [line.amount for line in article_700.lines] == [D("11.59"), D("13.24"), D("24.24")]
    assert (principal.principal_due, principal.interest_due) == (D("3226.55"), D("67.39"))
    assert (article_700.principal_due, article_700.interest_due) == (D("1500.00"), D("24.59"))
    assert (s.principal_due, s.interest_due, s.total_due) == (D("4726.55"), D("91.98"), D("4818.53"))


def test_when_the_majorated_legal_rate_is_dearer_the_700_principal_is_paid_first():
    s = compute_statement(_input("particulier", payments=(Payment(date(2025, 6, 30), D("2000"), ref="v1"),)))
    # Article 700 « particulier »: 10/03 → 25/05, 76 d × 7,21 %: 1 500 × 7,21 × 76 / 36 500 = 22,5189 → 22,52;
    # 25/05 → 30/06, 36 d × 12,21 %: 1 500 × 12,21 × 36 / 36 500 = 18,0641 → 18,06. Loan 202,07.
    # Interest 242,65; principal 1 757,35: the 700 at 12,21 % first (1 500), then 257,35 of the loan.
    principal, article_700 = s.streams
    assert s.payments[0].allocation.interets == D("242.65")
    assert article_700.principal_due == D("0.00") and principal.principal_due == D("4742.65")
    assert [line.amount for line in article_700.lines] == [D("22.52"), D("18.06")]
    # Loan 30/06 → 15/09, 77 d: 4 742,65 × 9,90 × 77 / 36 500 = 99,0499 → 99,05
    assert [line.amount for line in principal.lines] == [D("202.07"), D("99.05")]
    assert (s.principal_due, s.interest_due, s.total_due) == (D("4742.65"), D("99.05"), D("4841.70"))


def test_capitalisation_is_per_stream_on_its_own_anniversaries():
    terms = InterestTerms(kind="legal", category="autres", capitalisation_from=JUDGMENT)
    s = compute_statement(
        _input(
            at=date(2026, 6, 10),
            items=(
                ClaimItem("principal", D("5000")),
                ClaimItem("article_700", D("1500"), bears_interest=True, terms=terms, interest_from=JUDGMENT),
            ),
        )
    )
    principal, article_700 = s.streams
    # The loan has no capitalisation: one line 01/02/2025 → 10/06/2026 (both years of 365 days),
    # 494 d: 5 000 × 9,90 × 494 / 36 500 = 669,9452 → 669,95.
    assert [line.amount for line in principal.lines] == [D("669.95")] and principal.capitalisations == ()
    # The 700 capitalises on 10/03/2026 (one year after the judgment):
    # 10/03 → 01/07/2025, 113 d × 3,71 %: 1 500 × 3,71 × 113 / 36 500 = 17,2286 → 17,23
    # 01/07 → 01/01/2026, 184 d × 2,76 %: 1 500 × 2,76 × 184 / 36 500 = 20,8701 → 20,87
    # 01/01 → 10/03/2026, 68 d × 2,62 %: 1 500 × 2,62 × 68 / 36 500 = 7,3216 → 7,32
    # capitalised 45,42, base 1 545,42; then 10/03 → 10/06/2026, 92 d: 1 545,42 × 2,62 × 92 / 36 500
    # = 10,2057 → 10,21.
    assert [(c.on, c.amount, c.base_after) for c in article_700.capitalisations] == [
        (date(2026, 3, 10), D("45.42"), D("1545.42"))
    ]
    assert [line.amount for line in article_700.lines] == [D("17.23"), D("20.87"), D("7.32"), D("10.21")]
    assert s.capitalisations == article_700.capitalisations
    assert (s.principal_due, s.interest_due) == (D("6545.42"), D("680.16"))  # 669,95 + 10,21


def test_items_on_the_dossier_terms_from_its_start_make_one_stream_as_before():
    legal = InterestTerms(kind="legal", category="autres")
    s = compute_statement(
        _input(
            terms=legal,
            interest_from=JUDGMENT,
            items=(
                ClaimItem("principal", D("5000")),
                ClaimItem("article_700", D("1500"), bears_interest=True, terms=legal, interest_from=JUDGMENT),
                ClaimItem("clause_penale", D("400"), bears_interest=False),
            ),
        )
    )
    assert len(s.streams) == 1 and s.one_regime
    assert s.streams[0].principal_due == D("6500.00") and s.principal_due == D("6900.00")
    # 10/03 → 01/07: 113 d: 6 500 × 3,71 × 113 / 36 500 = 74,6573 → 74,66;
    # 01/07 → 15/09: 76 d: 6 500 × 2,76 × 76 / 36 500 = 37,3545 → 37,35.
    assert [line.amount for line in s.interest_lines] == [D("74.66"), D("37.35")]


def test_an_item_starting_after_the_arrete_date_accrues_nothing_yet():
    s = compute_statement(_input(at=date(2025, 3, 1)))
    assert s.streams[1].lines == () and s.streams[1].principal_due == D("1500.00")
    # Principal 01/02 → 01/03/2025, 28 d: 5 000 × 9,90 × 28 / 36 500 = 37,9726 → 37,97
    assert s.interest_due == D("37.97")
