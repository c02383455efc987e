"""Benchmark: `clerc backup` of a big base while a clerc records payments (issue 13 item 5).

Run: .venv/bin/python bench/bench_backup.py [--db DEMO.db] [--seconds 10]
On the given demo base (default bench/out/demo-100000.db; it gets payments labelled
`bench-backup-…`, use a copy), a writer process records one payment after another through
the services (`record_payment`, as the app does), first alone for `--seconds`, then during a
backup (`services.backup.backup`, in this process). Printed: the backup's time (the copy and
the check apart, wall and CPU), and the writer's latency per payment (p50 / p99 / max) alone
and during the backup: a backup must not hold the clercs up.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

WRITER = """
import json, sys, time
from datetime import date
from decimal import Decimal
from pathlib import Path
from clerc_tui.services.context import identify
from clerc_tui.services.database import open_database
from clerc_tui.services.payments import record_payment

open_database(sys.argv[1])
actor, stop, latencies, n = identify(), Path(sys.argv[2]), [], 0
print("ready", flush=True)
while not stop.exists():
    began = time.perf_counter()
    record_payment(actor, 1 + n % 50, on=date.today(), amount=Decimal("1.00"), label=f"bench-backup-{n}")
    latencies.append((time.time(), (time.perf_counter() - began) * 1000))
    n += 1
    time.sleep(0.01)
print(json.dumps(latencies), flush=True)
"""


def stats(values: list[float]) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    pick = lambda p: ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]  # noqa: E731
    return f"p50 {pick(50):.1f} ms, p99 {pick(99):.1f} ms, max {ordered[-1]:.1f} ms ({len(values)} paiements)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="bench/out/demo-100000.db")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    from clerc_tui.services import backup
    from clerc_tui.services.database import open_database

    base = str(Path(args.db).resolve())
    open_database(base)
    with tempfile.TemporaryDirectory(prefix="clerc-bench-backup-") as name:
        folder = Path(name)
        stop = folder / "stop"
        writer = subprocess.Popen([sys.executable, "-c", WRITER, base, str(stop)], stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(args.seconds)
        phases: dict[str, list[float]] = {}

        def tick(done: int, total: int, label: str | None = None) -> None:
            if label is not None:
                phases["check"] = [time.perf_counter(), time.process_time()]

        began, cpu, wall_began = time.perf_counter(), time.process_time(), time.time()
        done = backup.backup(base, folder / "copies", keep=1, now=datetime.now(), progress=tick)
        ended, cpu_ended, wall_ended = time.perf_counter(), time.process_time(), time.time()
        stop.touch()
        out, _ = writer.communicate(timeout=120)
        latencies = json.loads(out.strip().splitlines()[-1])
    check_wall, check_cpu = phases["check"]
    alone = [ms for at, ms in latencies if at < wall_began]
    during = [ms for at, ms in latencies if wall_began <= at <= wall_ended]
    print(f"base : {base} ; copie {done.size / 1e6:.0f} Mo")
    print(f"copie : {check_wall - began:.1f} s réel, {check_cpu - cpu:.1f} s CPU")
    print(f"vérification : {ended - check_wall:.1f} s réel, {cpu_ended - check_cpu:.1f} s CPU")
    print(f"un clerc qui enregistre des paiements, seul : {stats(alone)}")
    print(f"le même pendant la sauvegarde : {stats(during)}")


if __name__ == "__main__":
    main()
