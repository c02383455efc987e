"""Benchmark: a bank statement of 10,000 credits read and matched against the 100,000-dossier demo
(issue 16 item 2).

Run: .venv/bin/python bench/bench_bank.py [--db bench/out/demo-100000.db] [--credits 10000] [--runs 5]
Works on a private copy of the base (made once into bench/out/, then reused; the original is never
opened). The statement is made by `services.bank.demo_day_credits` (open dossiers of the base: ~70 %
name their reference, 15 % the debtor's name, 10 % part of it with the debtor's IBAN when known, 5 %
nothing usable) and written as a camt.053.001.08 file. Reports CPU (process_time), medians of
`--runs`:
- parse: `rules.bank_formats.parse_bank_file` on the file's bytes;
- match: `services.bank.match_lines` (three queries: references named, open dossiers' names and
  balances, known IBANs; the name index built; every credit matched);
- import (once, on the copy): `import_statement` storing the lines, then `review_lines`.
"""

import argparse
import shutil
import statistics
import time
from collections import Counter
from datetime import date
from pathlib import Path

from clerc_tui.rules import bank_formats
from clerc_tui.rules.matching import Credit
from clerc_tui.services import bank
from clerc_tui.services.context import identify
from clerc_tui.services.database import close_database, open_database

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2026, 11, 26)


def private_copy(source: Path) -> Path:
    copy = source.with_name(source.stem + "-bank.db")
    if not copy.exists():
        shutil.copyfile(source, copy)
    return copy


def cpu(call, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.process_time()
        result = call()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "demo-100000.db"))
    parser.add_argument("--credits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = private_copy(Path(args.db))
    open_database(str(base))
    try:
        received = bank.demo_day_credits(DAY, count=args.credits, seed=7)
        data = bank_formats.write_camt053(bank.DEMO_ACCOUNT, "BENCH", received)
        path = base.with_name(f"bench-camt053-{args.credits}.xml")
        path.write_bytes(data)
        print(f"relevé : {len(received)} crédits, {len(data) / 1e6:.1f} Mo ({path.name})")
        parse_s, parsed = cpu(lambda: bank_formats.parse_bank_file(data), args.runs)
        credits_ = [Credit(c.label, c.amount, c.debtor_name, c.debtor_iban) for c in parsed.credits]
        match_s, matches = cpu(lambda: bank.match_lines(credits_), args.runs)
        counts = Counter(m.status for m in matches)
        print(f"lecture CAMT.053 : {parse_s * 1000:.0f} ms CPU (médiane de {args.runs})")
        print(f"rapprochement : {match_s * 1000:.0f} ms CPU (médiane de {args.runs}) — {dict(counts)}")
        actor = identify()
        wall, start = time.perf_counter(), time.process_time()
        summary = bank.import_statement(actor, path, today=DAY)
        if summary.already_imported:
            print("import : déjà fait sur cette copie (supprimez-la pour le mesurer)")
        else:
            print(
                f"import (stockage + rapprochement) : {(time.process_time() - start) * 1000:.0f} ms CPU, "
                f"{(time.perf_counter() - wall) * 1000:.0f} ms réels"
            )
        start = time.process_time()
        lines = bank.review_lines()
        print(f"écran de revue (review_lines, {len(lines)} lignes) : {(time.process_time() - start) * 1000:.0f} ms CPU")
    finally:
        close_database()


if __name__ == "__main__":
    main()
