"""Issue 4 benchmark: the deadline dashboard on the 100,000-dossier demo (≈1,100,000 deadlines).

Reports, as medians over the same run:
- the agenda query (first page of 200 rows; a clerc's; one procedure; a page deep in the list;
  the counts line) through the service (peewee connection, rows built as AgendaRow) against
  the same SQL text and parameters through the raw `sqlite3` module (target ≤ 2×);
- the dashboard's refill (query + 200 rows into the DataTable), measured in-process;
- cold start of `clerc` to the painted dashboard in a pseudo-terminal, against a bare Textual app.

Run by hand:  .venv/bin/python bench/bench_deadlines.py [--dossiers 100000] [--runs 15] [--rebuild]
"""

import argparse
import asyncio
import os
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_foundation import OUT, compile_bytecode, time_to_paint  # noqa: E402

TODAY = date(2026, 11, 26)


def build(dossiers: int, rebuild: bool) -> Path:
    from clerc_tui.demo import build_demo

    path = OUT / f"demo-{dossiers}.db"
    if path.exists() and not rebuild:
        with sqlite3.connect(path) as con:
            columns = {row[1] for row in con.execute("PRAGMA table_info(deadline)")}
            count = con.execute("SELECT MAX(id) FROM deadline").fetchone()[0] or 0
        rebuild = "unverified" not in columns or count < 8 * dossiers  # an older demo: rebuild it
    if rebuild or not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        print(build_demo(str(path), dossiers=dossiers, seed=1, today=TODAY, force=True))
        print(f"demo built in {time.perf_counter() - started:.1f} s")
    return path


def _median_ms(fn, runs: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def queries(path: Path, runs: int) -> list[tuple[str, float, float, int]]:
    from clerc_tui.models.db import database, open_database
    from clerc_tui.services import deadlines as service

    open_database(str(path))
    raw = sqlite3.connect(path)
    clerc_id = database.execute_sql(
        "SELECT assigned_to_id FROM deadline WHERE done = 0 GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    # A page deep in the list: the anchor 5,000 rows into the 30-day agenda of everyone.
    deep = service.agenda(TODAY, 30, limit=5000)[-1]
    cases = [
        ("tous, 7 jours, 1re page", dict(horizon_days=7)),
        ("un clerc, 7 jours, 1re page", dict(horizon_days=7, clerc_id=clerc_id)),
        ("saisie-vente, 30 jours", dict(horizon_days=30, procedure_id="saisie_vente")),
        ("tous, 30 jours, page après 5 000 lignes", dict(horizon_days=30, after=deep)),
        ("tous, 30 jours, depuis aujourd'hui (t)", dict(horizon_days=30, start=TODAY)),
    ]
    results = []
    for label, kwargs in cases:
        sql, params = service.agenda_sql(TODAY, limit=200, **kwargs)
        rows = service.agenda(TODAY, limit=200, **kwargs)
        ours = _median_ms(lambda kwargs=kwargs: service.agenda(TODAY, limit=200, **kwargs), runs)
        bare = _median_ms(lambda sql=sql, params=params: raw.execute(sql, params).fetchall(), runs)
        results.append((label, ours, bare, len(rows)))
    # The counts line (overdue / today / later), read after the first paint.
    where_kwargs = dict(horizon_days=7)
    ours = _median_ms(lambda: service.agenda_counts(TODAY, **where_kwargs), runs)
    sql_counts, params = service.agenda_counts_sql(TODAY, **where_kwargs)
    bare = _median_ms(lambda: raw.execute(sql_counts, params).fetchall(), runs)
    results.append(("compteurs (retard, possibles, aujourd'hui, à venir), 7 jours", ours, bare, 1))
    raw.close()
    return results


async def refill(path: Path, runs: int) -> tuple[float, float]:
    """The dashboard's refill (query + table) in-process: wall and CPU medians, ms."""
    from clerc_tui.app import ClercApp
    from clerc_tui.models.db import open_database
    from clerc_tui.services.context import identify

    open_database(str(path))
    app = ClercApp(identify(), today=TODAY)
    wall, cpu = [], []
    async with app.run_test(size=(160, 50)) as pilot:
        screen = app.screen
        screen.clerc_id = None  # everyone's: the fullest first page
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            screen.reload()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            await pilot.pause()
        shown = len([e for e in screen.entries if e is not None])
    print(f"  (dashboard rows on the first page: {shown})")
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    path = build(args.dossiers, args.rebuild)
    with sqlite3.connect(path) as con:
        total, open_ = con.execute("SELECT COUNT(*), SUM(done = 0) FROM deadline").fetchone()
    print(f"dossiers: {args.dossiers}, deadlines: {total} ({open_} open)")

    print("agenda query, median ms (service vs raw sqlite3, same SQL and parameters; target ratio ≤ 2):")
    for label, ours, bare, rows in queries(path, args.runs):
        print(f"  {label:<50} service {ours:7.2f}  sqlite3 {bare:7.2f}  ratio {ours / bare:4.2f}  ({rows} rows)")

    wall, cpu = asyncio.run(refill(path, args.runs))
    print(f"dashboard refill (query + 200 rows into the table): {wall:.0f} ms wall, {cpu:.0f} ms CPU (median)")

    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "50"}
    clerc = [str(Path(sys.executable).parent / "clerc"), "--db", str(path), "--today", "26/11/2026"]
    bare = [sys.executable, str(ROOT / "bench" / "bare_app.py")]
    compile_bytecode()
    time_to_paint(clerc, b"RETARD", env)  # warm the page cache: we measure a cold *process*
    runs = max(3, args.runs // 3)
    clerc_starts = [time_to_paint(clerc, b"RETARD", env) for _ in range(runs)]
    bare_starts = [time_to_paint(bare, b"pret", env) for _ in range(runs)]
    start, floor = statistics.median(clerc_starts), statistics.median(bare_starts)
    print(
        f"start to the painted dashboard: clerc {start * 1000:.0f} ms, bare Textual {floor * 1000:.0f} ms "
        f"(ratio {start / floor:.2f})"
    )


if __name__ == "__main__":
    main()
