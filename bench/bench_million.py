"""Benchmark: the million-dossier étude beside the 100,000 one (issue 12 item 6).

Run: .venv/bin/python bench/bench_million.py [--sizes 100000 1000000] [--runs 5]
Each demo base is built once into bench/out/demo-N.db (same seed and day as
bench_foundation.py) and reused when present. For each size, as medians:
- start-up: launch to the dashboard's first paint through a pseudo-terminal (bench_foundation);
- filter: the dossier list's per-keystroke reload, p95 (bench_foundation's typed words);
- dashboard: the first page of the agenda (« toutes », 200 rows), and the next page by keyset;
- counts: the dashboard's counts at 7 days and over every open deadline;
- balances: `clerc balances` throughput on three batches of 1,000 dossiers (start, middle and
  end of the ids; the whole run at a million takes a quarter of an hour), CPU and wall.
Then the ratio of each figure between the largest and the smallest size: flat (≈ 1) or growing
no faster than the data. Times are CPU-noisy on a shared machine: read them as orders.
"""

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_foundation import compile_bytecode, filter_latencies, time_to_paint

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TODAY = date(2026, 11, 26)


def build(dossiers: int) -> Path:
    from clerc_tui.demo import build_demo

    path = OUT / f"demo-{dossiers}.db"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        print(build_demo(str(path), dossiers=dossiers, seed=1, today=TODAY, force=True), flush=True)
        print(f"demo of {dossiers:,} built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def timed(call, runs: int) -> float:
    """Median wall milliseconds of `call()` over `runs` (after one warm-up call)."""
    call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def balances_rate(runs: int) -> tuple[float, float]:
    """Dossiers per second (CPU, wall) of the set-based balances, three batches across the ids."""
    from clerc_tui.models import Dossier
    from clerc_tui.models.db import write_transaction
    from clerc_tui.services.balances import _batch_balances, _batch_context, _store_balances

    top = Dossier.select(Dossier.id).order_by(Dossier.id.desc()).first().id
    rates, convention = _batch_context()
    cpu_rates, wall_rates = [], []
    for _ in range(runs):
        for start in (1, top // 2, max(1, top - 1500)):
            ids = [
                d.id
                for d in Dossier.select(Dossier.id)
                .where(Dossier.phase != "clos", Dossier.id >= start)
                .order_by(Dossier.id)
                .limit(1000)
            ]
            wall, cpu = time.perf_counter(), time.process_time()
            with write_transaction():
                _store_balances(_batch_balances(ids, TODAY, rates, convention), TODAY)
            cpu_rates.append(len(ids) / (time.process_time() - cpu))
            wall_rates.append(len(ids) / (time.perf_counter() - wall))
    return statistics.median(cpu_rates), statistics.median(wall_rates)


def measure(dossiers: int, runs: int, env: dict) -> dict[str, float]:
    from clerc_tui.models.db import close_database, open_database
    from clerc_tui.services import deadlines as S

    path = build(dossiers)
    clerc = [str(Path(sys.executable).parent / "clerc"), "--db", str(path), "--today", "26/11/2026"]
    time_to_paint(clerc, b"horizon :", env)  # migrates an older base, warms the page cache
    figures = {"start-up (ms)": statistics.median(time_to_paint(clerc, b"horizon :", env) for _ in range(runs)) * 1000}
    samples = asyncio.run(filter_latencies(path))
    figures["filter p95 (ms)"] = statistics.quantiles(samples, n=20)[-1]
    open_database(str(path))
    try:
        first = S.agenda(TODAY, S.ALL_HORIZON)
        figures["dashboard first page (ms)"] = timed(lambda: S.agenda(TODAY, S.ALL_HORIZON), runs)
        figures["dashboard next page (ms)"] = timed(lambda: S.agenda(TODAY, S.ALL_HORIZON, after=first[-1]), runs)
        figures["counts 7 days (ms)"] = timed(lambda: S.agenda_counts(TODAY, 7), runs)
        figures["counts all (ms)"] = timed(lambda: S.agenda_counts(TODAY, S.ALL_HORIZON), runs)
        cpu, wall = balances_rate(max(1, runs // 2))
        figures["balances CPU (dossiers/s)"], figures["balances wall (dossiers/s)"] = cpu, wall
    finally:
        close_database()
    figures["file (MB)"] = os.path.getsize(path) / 1e6
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    compile_bytecode()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    results = {n: measure(n, args.runs, env) for n in args.sizes}
    small, large = min(args.sizes), max(args.sizes)
    print(f"{'':32}" + "".join(f"{n:>14,}" for n in args.sizes) + f"{'ratio':>10}")
    for name in results[small]:
        ratio = results[large][name] / results[small][name] if results[small][name] else float("nan")
        print(f"{name:32}" + "".join(f"{results[n][name]:>14,.1f}" for n in args.sizes) + f"{ratio:>10.2f}")
    print(f"data ratio {large / small:.0f}×; {os.cpu_count()} CPUs shared, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
