"""Benchmark: the décompte of a 10-year dossier with 120 payments (issue 3: median ≤ 5 ms).

Run: .venv/bin/python bench/bench_statement.py [--runs 200]
The dossier: a 2016 judgment (principal, article 700, dépens), legal interest (particulier)
majorated two months after signification, yearly capitalisation, 40 charges, 120 monthly
payments and 2 rejected cheques, stated on 30/06/2026: 21 half-year rate periods.
"""

import argparse
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from clerc_tui.rules.calendar import shift_months
from clerc_tui.rules.interest import InterestTerms, majoration_start
from clerc_tui.rules.rates import Rates
from clerc_tui.rules.statement import Charge, ClaimItem, Payment, Reversal, StatementInput, compute_statement


def dossier() -> StatementInput:
    start = date(2016, 6, 15)
    payments = tuple(
        Payment(shift_months(date(2016, 7, 5), n), Decimal("180.00") + n % 7, ref=f"P{n}") for n in range(120)
    )
    charges = tuple(Charge(start + timedelta(days=90 * n), Decimal("48.37"), f"Acte n° {n}") for n in range(40))
    return StatementInput(
        at=date(2026, 6, 30),
        reference="BENCH-10ANS",
        interest_from=start,
        items=(
            ClaimItem("principal", Decimal("25000.00")),
            ClaimItem("article_700", Decimal("1500.00")),
            ClaimItem("depens", Decimal("312.40")),
        ),
        terms=InterestTerms(
            category="particulier",
            majoration_from=majoration_start(date(2016, 7, 1)),
            capitalisation_from=date(2017, 1, 1),
        ),
        charges=charges,
        payments=payments,
        reversals=(Reversal(date(2019, 3, 20), "P32", "chèque rejeté"), Reversal(date(2023, 5, 22), "P82", "rejet")),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    data, rates = dossier(), Rates.shipped()
    statement = compute_statement(data, rates)  # warm-up; also parses the rate tables once
    periods = len({(line.start.year, line.start.month <= 6) for line in statement.interest_lines})
    times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        compute_statement(data, rates)
        times.append(time.perf_counter() - began)
    print(
        f"payments={len(data.payments)} charges={len(data.charges)} rate_periods={periods} "
        f"interest_lines={len(statement.interest_lines)} capitalisations={len(statement.capitalisations)}"
    )
    print(f"total_due={statement.total_due} credit={statement.credit}")
    print(
        f"median {statistics.median(times) * 1000:.2f} ms, p90 {sorted(times)[int(len(times) * 0.9)] * 1000:.2f} ms "
        f"over {args.runs} runs (target ≤ 5 ms)"
    )


if __name__ == "__main__":
    main()
