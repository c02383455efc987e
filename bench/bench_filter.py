"""Issue 12 benchmark: the dossier list's filter under every sort order, and the dashboard's counts.

What one keystroke in the filter costs in SQL (the list's count + its first page, as
`DossierListScreen.reload` asks them), for typical filters typed one character at a time:
reference prefixes, debtor and creditor names (with and without accents), one- and
two-letter broad filters, several words, and a filter that matches nothing; under each sort
order the list offers (six columns, ascending and descending). Then the deadline dashboard's
counts line (overdue / possible / today / later) for each horizon, everyone's, one clerc's and
one procedure's. Each sample is the median of `--runs` runs (CPU time of this process, which
is where SQLite works: the machine is shared, wall time is noisier); the report gives p50 and
p95 over the samples. `--plans` prints the EXPLAIN QUERY PLAN of every distinct query shape.

Run by hand:  .venv/bin/python bench/bench_filter.py [--db bench/out/demo-300000.db] [--runs 3] [--plans]
(a copy of a demo base: opening it applies the migrations that are due).
"""

import argparse
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 26)
# Typed one character at a time: each prefix is one keystroke.
TYPED = (
    "2026-0001",  # a reference from its start
    "2019",  # an old year: a reference range
    "lefevre",  # a debtor name, typed without its accent
    "lefèvre",  # the same, with it
    "müller",
    "martin",
    "dupont",
    "gerard",
    "urssaf",  # a creditor
    "sci",
    "bernard petit",  # two words
    "de",  # two letters: a broad filter
    "zzqxw",  # matches nothing
)
SORTS = ("reference", "debtor", "creditor", "nature", "phase", "balance")


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1] if len(samples) > 1 else samples[0]


def _median_cpu_ms(fn, runs: int) -> tuple[float, float]:
    """(CPU ms, wall ms), medians over `runs` after one warm run."""
    fn()
    cpu, wall = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(cpu), statistics.median(wall)


class QueryLog:
    """Records the SQL the services send (text and parameters), to explain each shape once."""

    def __init__(self, database):
        self.database = database
        self.seen: dict[str, tuple[str, list]] = {}
        self._original = database.execute_sql

    def __enter__(self):
        def execute_sql(sql, params=None, *args, **kwargs):
            shape = re.sub(r"\s+", " ", sql)
            self.seen.setdefault(shape, (sql, list(params or [])))
            return self._original(sql, params, *args, **kwargs)

        self.database.execute_sql = execute_sql
        return self

    def __exit__(self, *exc):
        del self.database.execute_sql

    def explain(self, title: str) -> None:
        print(f"\nEXPLAIN QUERY PLAN — {title}")
        for shape, (sql, params) in self.seen.items():
            print(f"  {shape[:160]}{'…' if len(shape) > 160 else ''}")
            for row in self._original(f"EXPLAIN QUERY PLAN {sql}", params).fetchall():
                print(f"      {row[-1]}")
        self.seen.clear()


def filters(runs: int, log: QueryLog | None) -> None:
    from clerc_tui.services import dossier_list
    from clerc_tui.services.dossier_list import ListQuery

    texts = [t[:end] for t in TYPED for end in range(1, len(t) + 1)]
    print(f"filter per keystroke (count + first page of 60), {len(texts)} keystrokes per sort order:")
    everything = []
    for sort in SORTS:
        for descending in (False, True):
            samples, worst = [], ("", 0.0)
            for text in texts:
                query = ListQuery(text, sort, descending)

                def keystroke(query=query):
                    dossier_list.count(query)
                    dossier_list.fetch_page(query, limit=60)

                cpu, _wall = _median_cpu_ms(keystroke, runs)
                samples.append(cpu)
                worst = max(worst, (text, cpu), key=lambda w: w[1])
            everything += samples
            label = f"{sort} {'desc' if descending else 'asc'}"
            print(
                f"  {label:<16} p50 {statistics.median(samples):6.2f} ms  p95 {_p95(samples):6.2f} ms  "
                f"max {worst[1]:6.2f} ms ({worst[0]!r})"
            )
            if log is not None and not descending:
                log.explain(f"filter sorted by {sort}")
    print(f"  all sort orders  p50 {statistics.median(everything):6.2f} ms  p95 {_p95(everything):6.2f} ms")


def counts(runs: int, log: QueryLog | None) -> None:
    from clerc_tui.models.db import database
    from clerc_tui.services import deadlines

    clerc_id = database.execute_sql(
        "SELECT assigned_to_id FROM deadline WHERE done = 0 GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    cases = [("tous", {}), ("un clerc", {"clerc_id": clerc_id}), ("saisie-vente", {"procedure_id": "saisie_vente"})]
    print("dashboard counts line (overdue, possible, today, later):")
    everything = []
    for label, kwargs in cases:
        samples = []
        for horizon in deadlines.HORIZONS:
            cpu, _wall = _median_cpu_ms(lambda h=horizon, k=kwargs: deadlines.agenda_counts(TODAY, h, **k), runs)
            samples.append(cpu)
        everything += samples
        names = [str(h) if h < deadlines.ALL_HORIZON else "toutes" for h in deadlines.HORIZONS]
        shown = ", ".join(f"{name}: {s:.2f}" for name, s in zip(names, samples, strict=True))
        print(f"  {label:<14} ms per horizon — {shown}")
        if log is not None:
            log.explain(f"counts, {label}")
    p50, p95 = statistics.median(everything), _p95(everything)
    print(f"  all counts     p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  max {max(everything):6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "demo-300000.db"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plans", action="store_true", help="print the EXPLAIN QUERY PLAN of each query shape")
    parser.add_argument("--only", choices=("filter", "counts"))
    args = parser.parse_args()

    from clerc_tui.models.db import database, open_database
    from clerc_tui.models.migrations import stored_version

    started = time.perf_counter()
    open_database(args.db)
    opened = time.perf_counter() - started
    dossiers = database.execute_sql("SELECT COUNT(*) FROM dossier").fetchone()[0]
    total, open_ = database.execute_sql("SELECT COUNT(*), SUM(done = 0) FROM deadline").fetchone()
    print(
        f"{args.db}: schema {stored_version(database.obj)} (opened in {opened:.1f} s), {dossiers} dossiers, "
        f"{total} deadlines ({open_} open); medians of {args.runs} runs, CPU time"
    )
    log = QueryLog(database.obj) if args.plans else None
    if log is not None:
        log.__enter__()
    if args.only in (None, "counts"):
        counts(args.runs, log)
    if args.only in (None, "filter"):
        filters(args.runs, log)


if __name__ == "__main__":
    main()
