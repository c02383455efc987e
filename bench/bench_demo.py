"""Benchmark: `clerc demo` at 100,000 dossiers (issue 12: ≤ 20 s, ≤ 200 MB).

Run: .venv/bin/python bench/bench_demo.py [--dossiers 100000] [--runs 3] [--keep PATH]
Builds the demo étude into a temporary SQLite file (WAL, schema by the migrations) and
prints the wall and CPU time of each run, their medians, the peak RSS, the file size, the
row counts, and the CPU and wall seconds of each phase of each process (of the last run).
CPU is the builder's `process_time` plus its children's (the deadlines are walked in a
second process, demo/worker.py): what the build costs whatever the load of the machine.
On a loaded machine, the phases tell the critical path: the builder's loop (generate,
send, insert, hash chain), then the longer of the two tails, then the copy.
Peak RSS is given for the builder and for its largest child; both run at once, so their sum
bounds the memory the build holds.
"""

import argparse
import os
import resource
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from clerc_tui.demo import build_demo

TODAY = date(2026, 3, 15)
TABLES = (
    "dossier",
    "debtor",
    "creditor",
    "dossier_debtor",
    "claim_item",
    "deadline",
    "timeline_event",
    "debtor_address",
    "debtor_contact",
)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", help="keep the last database at this path")
    args = parser.parse_args()
    times, cpus = [], []
    phases: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.db"
        for run in range(args.runs):
            start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
            phases.clear()
            build_demo(str(path), dossiers=args.dossiers, seed=args.seed, today=TODAY, force=True, phases=phases)
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu + _children_cpu() - children)
            print(f"run {run + 1}: {times[-1]:.1f} s, CPU {cpus[-1]:.1f} s (builder and child)")
        size = sum(os.path.getsize(p) for p in Path(folder).iterdir() if p.name.startswith("demo.db"))
        with sqlite3.connect(path) as con:
            counts = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLES}
        if args.keep:
            Path(args.keep).write_bytes(path.read_bytes())
    print("phases of the last run (CPU s / wall s):")
    for process in ("builder", "worker"):
        mine = {name.split(": ", 1)[1]: spent for name, spent in phases.items() if name.startswith(process)}
        total = sum(cpu for cpu, _wall in mine.values())
        print(f"  {process} (CPU {total:.1f} s): " + ", ".join(f"{n} {c:.1f}/{w:.1f}" for n, (c, w) in mine.items()))
    rows = sum(counts.values())
    print(
        f"{args.dossiers:,} dossiers: median {statistics.median(times):.1f} s over {args.runs} runs "
        f"(min {min(times):.1f} s), CPU median {statistics.median(cpus):.1f} s, "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
        f"+ child {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB, "
        f"file {size / 1e6:.0f} MB, {os.cpu_count()} CPUs"
    )
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()) + f" (≈{rows:,} in these tables)")


if __name__ == "__main__":
    main()
