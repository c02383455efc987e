"""Fingerprint of many décomptes: one SHA-256 over the `repr` of each (every line, allocation,
amount with its exponent) or of the error it raises, to check that a change of how the décompte
is computed moves not one cent (issue 12: the décompte as the app calls it ≤ 2 ms).

Run on two commits and compare the printed digests:
    .venv/bin/python bench/statement_fingerprint.py [--base bench/out/demo-100000.db] [--every 1]
    PYTHONPATH=/tmp/old .venv/bin/python bench/statement_fingerprint.py   # the code of /tmp/old

What it hashes, in order:
- demo: every dossier of the demo base (a copy in bench/out, never the original) through
  `dossier_statement` as the app calls it, arrêté au 26/11/2026 and 31/12/2027 (a semester
  without a rate: MissingRate and the notes of the provision to come);
- conventions: one dossier in six, at 26/11/2026, under each of the four conventions
  (day count × rounding);
- random: 4,000 seeded random inputs through `compute_statement` with the shipped rates
  (every interest kind, majoration, capitalisation, charges after the payments, payments,
  rejected cheques, allocation orders, conventions, title dates, an article 700 on its own
  legal terms beside the dossier's).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import clerc_tui
from clerc_tui.errors import ClercError
from clerc_tui.rules.interest import Convention, InterestTerms, majoration_start
from clerc_tui.rules.rates import Rates
from clerc_tui.rules.statement import Charge, ClaimItem, Payment, Reversal, StatementInput, compute_statement

ROOT = Path(__file__).resolve().parent.parent
CONVENTIONS = [Convention(d, r) for d in ("end_minus_start", "inclusive_both") for r in ("per_line", "total")]
ORDERS = [("frais", "interets", "principal"), ("principal", "interets", "frais"), ("interets", "frais", "principal")]


def outcome(compute) -> str:
    try:
        return repr(compute())
    except ClercError as exc:  # MissingRate, InvalidInput: their French message is part of the result
        return f"{type(exc).__name__}: {exc}"


def random_input(rng: random.Random) -> StatementInput:
    start = date(2013, 1, 1) + timedelta(days=rng.randrange(0, 4400))
    at = start + timedelta(days=rng.randrange(0, 4000))
    kind = rng.choice(["legal", "legal", "legal", "contractual", "commercial", "none"])
    majoration = None
    if kind == "legal" and rng.random() < 0.7:
        majoration = majoration_start(start + timedelta(days=rng.randrange(0, 200)))
    rate = None
    if kind == "contractual" or (kind == "commercial" and rng.random() < 0.5):
        rate = Decimal(rng.randrange(0, 2000)) / 100
    terms = InterestTerms(
        kind=kind,
        category=rng.choice(["particulier", "autres"]),
        majoration_from=majoration,
        majoration_points=Decimal(rng.choice([5, 5, 5, 2, 0])) if majoration else Decimal(5),
        rate=rate,
        capitalisation_from=start + timedelta(days=rng.randrange(-100, 800)) if rng.random() < 0.4 else None,
        day_basis=rng.choice(["civil", "365", "360"]) if kind == "contractual" else None,
    )
    items = [ClaimItem("principal", Decimal(rng.randrange(1, 5_000_000)) / 100)]
    if rng.random() < 0.5:
        items.append(ClaimItem("depens", Decimal(rng.randrange(0, 50_000)) / 100))
    title_date = start - timedelta(days=rng.randrange(0, 400)) if rng.random() < 0.7 else None
    if rng.random() < 0.4:
        amount = Decimal(rng.randrange(0, 300_000)) / 100
        bears = rng.random() < 0.5
        if bears and rng.random() < 0.6:  # on its own terms: the legal rate from the judgment (art. 1231-7 C. civ.)
            own = InterestTerms(
                kind="legal",
                category=terms.category,
                majoration_from=majoration,
                majoration_points=terms.majoration_points,
                capitalisation_from=terms.capitalisation_from,
            )
            since = title_date or start + timedelta(days=rng.randrange(-200, 600))
            items.append(ClaimItem("article_700", amount, bears_interest=True, terms=own, interest_from=since))
        else:
            items.append(ClaimItem("article_700", amount, bears_interest=bears))
    if rng.random() < 0.2:
        items.append(ClaimItem("clause_penale", Decimal(rng.randrange(0, 100_000)) / 100))
    span = max((at - start).days, 1) + 60
    charges = tuple(
        Charge(
            start + timedelta(days=rng.randrange(0, span)),
            Decimal(rng.randrange(0, 30_000)) / 100,
            f"Acte {n}",
            rng.choice(["fee", "disbursement"]),
            after_payments=rng.random() < 0.15,
        )
        for n in range(rng.randrange(0, 12))
    )
    payments = tuple(
        Payment(
            start + timedelta(days=rng.randrange(0, span)),
            Decimal(rng.randrange(1, rng.choice([5_000, 50_000, 500_000, 3_000_000]))) / 100,
            ref=f"P{n}" if rng.random() < 0.9 else "",
        )
        for n in range(rng.randrange(0, 40))
    )
    refs = [p for p in payments if p.ref]
    reversals = tuple(
        Reversal(p.on + timedelta(days=rng.randrange(0, 60)), p.ref, "rejet")
        for p in rng.sample(refs, min(len(refs), rng.randrange(0, 3)))
    )
    return StatementInput(
        at=at,
        items=tuple(items),
        interest_from=start,
        terms=terms,
        charges=charges,
        payments=payments,
        reversals=reversals,
        convention=rng.choice(CONVENTIONS),
        allocation_order=rng.choice(ORDERS),
        reference=f"R{rng.randrange(1000)}",
        title_date=title_date,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default=str(ROOT / "bench" / "out" / "demo-100000.db"))
    parser.add_argument("--every", type=int, default=1, help="one demo dossier in N (1: all)")
    parser.add_argument("--random", type=int, default=4000)
    args = parser.parse_args()
    print(f"code: {Path(clerc_tui.__file__).parent}", file=sys.stderr)
    import clerc_tui.services.statement as statement_service
    from clerc_tui.models.db import open_database
    from clerc_tui.services.statement import dossier_statement

    parts: dict[str, tuple[int, hashlib._Hash]] = {}
    began = time.process_time()

    def add(part: str, text: str) -> None:
        count, digest = parts.setdefault(part, (0, hashlib.sha256()))
        digest.update(text.encode())
        digest.update(b"\n")
        parts[part] = (count + 1, digest)

    con = sqlite3.connect(f"file:{args.base}?mode=ro", uri=True)
    ids = [row[0] for row in con.execute("SELECT id FROM dossier ORDER BY id")][:: args.every]
    con.close()
    open_database(args.base)
    # The décompte computed each time, never the previous one returned (the code before it had none).
    forget = getattr(statement_service, "forget_previous_statements", lambda: None)
    for n, dossier_id in enumerate(ids):
        for at in (date(2026, 11, 26), date(2027, 12, 31)):
            forget()
            add("demo", outcome(lambda: dossier_statement(dossier_id, at)))  # noqa: B023 (called at once)
        if n % 6 == 0:
            for convention in CONVENTIONS:
                forget()
                at = date(2026, 11, 26)
                add("conventions", outcome(lambda: dossier_statement(dossier_id, at, convention=convention)))  # noqa: B023
    rng, rates = random.Random(20261206), Rates.shipped()
    for _ in range(args.random):
        try:
            data = random_input(rng)
        except ClercError as exc:
            add("random", f"{type(exc).__name__}: {exc}")
            continue
        add("random", outcome(lambda: compute_statement(data, rates)))  # noqa: B023
    total = hashlib.sha256()
    for part, (count, digest) in parts.items():
        print(f"{part:12s} {count:>7} {digest.hexdigest()}")
        total.update(digest.digest())
    print(f"{'all':12s} {sum(c for c, _ in parts.values()):>7} {total.hexdigest()}")
    print(f"CPU {time.process_time() - began:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
