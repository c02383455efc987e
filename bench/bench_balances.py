"""Benchmark: `clerc balances` throughput (issue 12 item 5), set-based against per-dossier.

Run: .venv/bin/python bench/bench_balances.py [--db bench/out/demo-100000.db] [--sample 3000] [--runs 3]
Works on a private copy of the base (the copy is made once into bench/out/, then reused).
Reports dossiers per second, wall and CPU (process_time), for:
- the previous way, dossier by dossier (`refresh_balance`: a handful of ORM queries each), on
  the first `--sample` dossiers not closed;
- `refresh_balances` (set-based batches), over every dossier not closed.
"""

import argparse
import shutil
import statistics
import time
from datetime import date
from pathlib import Path

from clerc_tui.models import Dossier
from clerc_tui.models.db import write_transaction
from clerc_tui.services.balances import refresh_balance, refresh_balances
from clerc_tui.services.database import close_database, open_database

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 26)


def private_copy(source: Path) -> Path:
    copy = source.with_name(source.stem + "-balances.db")
    if not copy.exists():
        shutil.copyfile(source, copy)
    return copy


def per_dossier(sample: int) -> tuple[int, float, float]:
    ids = [d.id for d in Dossier.select(Dossier.id).where(Dossier.phase != "clos").order_by(Dossier.id).limit(sample)]
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(ids), 200):
        with write_transaction():
            for dossier_id in ids[start : start + 200]:
                refresh_balance(dossier_id, TODAY)
    return len(ids), time.perf_counter() - wall, time.process_time() - cpu


def set_based() -> tuple[int, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    count = refresh_balances(TODAY)
    return count, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "demo-100000.db"))
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-old", action="store_true", help="measure the set-based run only")
    args = parser.parse_args()
    open_database(str(private_copy(Path(args.db))))
    try:
        for name, run in (("dossier par dossier", lambda: per_dossier(args.sample)), ("par lots", set_based)):
            if args.skip_old and name != "par lots":
                continue
            walls, cpus, count = [], [], 0
            for _ in range(args.runs):
                count, wall, cpu = run()
                walls.append(count / wall)
                cpus.append(count / cpu)
            print(
                f"{name}: {count:,} dossiers, median {statistics.median(walls):,.0f} dossiers/s (wall), "
                f"{statistics.median(cpus):,.0f} dossiers/s (CPU) over {args.runs} runs"
            )
    finally:
        close_database()


if __name__ == "__main__":
    main()
