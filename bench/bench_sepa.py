"""Benchmark: what the SEPA file adds to a reversement run (docs/sepa.md).

Run: .venv/bin/python bench/bench_sepa.py [--db BASE --run N] [--creditors 2000] [--repeat 5]
CPU time (`time.process_time`), medians of `--repeat` rounds:
- loading the pain.001.001.09 schema (once per process: `report.sepa.schema`);
- with `--db` and `--run`: the run's order built from the ledger (`_order_from_ledger`, as the
  run does after its steps) then written and validated (`report.sepa.pain001`), on a copy-free
  read of the base (nothing is written);
- a synthetic order of `--creditors` creditors with hostile names, written and validated.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime
from decimal import Decimal


def cpu(work, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--run", type=int)
    parser.add_argument("--creditors", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    start = time.process_time()
    from clerc_tui.report.sepa import pain001, schema

    schema()
    print(f"schema loaded: {time.process_time() - start:.2f} s CPU (imports included)")
    from clerc_tui.rules import sepa
    from clerc_tui.rules.identifiers import make_french_iban

    if args.db and args.run:
        from clerc_tui.models.db import open_database
        from clerc_tui.services import remittances

        open_database(args.db)
        debtor, why = remittances._etude_party(required=False)
        if debtor is None:
            raise SystemExit(f"no SEPA debtor: {why}")
        created = datetime.now().replace(microsecond=0)
        seconds, order = cpu(
            lambda: remittances._order_from_ledger(args.run, created, date.today(), debtor)[0], args.repeat
        )
        print(f"run {args.run}: order from the ledger {seconds:.3f} s CPU ({len(order.transfers)} creditors)")
        seconds, data = cpu(lambda: pain001(order), args.repeat)
        print(f"run {args.run}: pain001 written and validated {seconds:.3f} s CPU ({len(data):,} bytes)")

    debtor = sepa.party("Étude de Maître Lefèvre & Associés", make_french_iban("40031", "00001", "00001234567"), "")
    payees = [
        sepa.Payee(
            n,
            f"SCI « Les Œillets » & Fils <b>\x1b[2J n°{n} — Résidence de la Vallée de l'Huveaune",
            make_french_iban("30004", f"{n % 99999:05d}", f"{n:011d}"),
            "BNPAFRPPXXX" if n % 2 else "",
            Decimal(n) + Decimal("0.07"),
            tuple(f"2026-{d:06d}" for d in range(n, n + n % 40)),
        )
        for n in range(1, args.creditors + 1)
    ]
    seconds, order = cpu(lambda: sepa.make_order(1, datetime(2026, 11, 26), date(2026, 11, 26), debtor, payees), 3)
    print(f"synthetic: order of {args.creditors} creditors cleaned {seconds:.3f} s CPU")
    seconds, data = cpu(lambda: pain001(order), args.repeat)
    print(f"synthetic: pain001 written and validated {seconds:.3f} s CPU ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
