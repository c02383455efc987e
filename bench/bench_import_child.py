"""Benchmark: the import child's work per row, alone, for instruction counts (issue 16 item 1).

Run: .venv/bin/python bench/bench_import_child.py [--rows 6000] [--batch 500] [--stages | --import]
     PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
         .venv/bin/python bench/bench_import_child.py --rows 6000   (then --rows 2000: the difference / 4000)
     PYTHONHASHSEED=0 valgrind --tool=callgrind --trace-children=yes --callgrind-out-file=cg.%p \
         .venv/bin/python bench/bench_import_child.py --import --rows 6000   (parent and child, each its file)

What services/import_worker.serve does for each batch, without a parent nor a base: the file of
bench_dossier_import.py (the same rows) read, its rows checked by chunks (`_Rows.take`), each batch
of `--batch` dossiers assembled with its digests (`assemble`), bound into its draft (`draft_of`) and
pickled (`send`) into memory. Deterministic, so that callgrind's instruction counts compare two
versions on a shared machine (the difference between two sizes takes the start-up away). With
`--stages`: the CPU (`time.process_time`) of each of those steps, µs a row, medians of `--runs`.
"""

import argparse
import gc
import io
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dossier_import import OUT, TODAY, ensure_creditor, fresh_base, write_csv

from clerc_tui.rules.import_rows import guess_mapping
from clerc_tui.services import import_worker, imports
from clerc_tui.services.context import identify
from clerc_tui.services.database import close_database, open_database

NOW = datetime(2026, 12, 6, 10, 0, 0, 123456)


def child_run(csv_path: Path, rows: int, size: int, clock: dict[str, float] | None = None) -> int:
    """The child's work over the file, by batches of `size`: the number of bytes it would send."""
    table = imports.open_table(csv_path)
    index = {h: i for i, h in enumerate(table.headers)}
    mapping = guess_mapping(table.headers)
    columns = [(key, index[header]) for key, header in mapping.items()]
    context = import_worker.Context(7, "Bailleur", 1, "Jean Clerc", csv_path.name, TODAY, True)
    config = {
        "path": str(csv_path),
        "columns": columns,
        "context": context,
        "present": set(),
        "existing": ({}, {}),
    }
    walker = import_worker._Rows(config)
    bases = dict.fromkeys(import_worker.ID_TABLES, 1) | {"number": 1}
    sent = 0
    number = 0
    tick = time.process_time
    while True:
        number += 1
        start = tick()
        new, refused, read, present, lines, end = walker.take(number, size)
        checked = tick()
        tables, digests, constants = import_worker.assemble(new, bases, context, NOW)
        assembled = tick()
        batch = import_worker.Batch(number, bases, tables, digests, lines, read, present, refused, end, "", constants)
        if digests:
            batch.counts = {name: len(values) for name, values in tables.items()}
            batch.draft, batch.rows = import_worker.draft_of(tables, constants), {}
        drafted = tick()
        out = io.BytesIO()
        import_worker.send(batch, out)
        sent += len(out.getvalue())
        if clock is not None:
            for name, seconds in (
                ("lecture et contrôle (take)", checked - start),
                ("assemblage et empreintes", assembled - checked),
                ("brouillon (draft_of)", drafted - assembled),
                ("envoi (pickle)", tick() - drafted),
            ):
                clock[name] = clock.get(name, 0.0) + seconds
        bases = batch.next_bases()
        if end:
            break
    assert bases["number"] == rows + 1, bases
    return sent


def real_import(csv_path: Path, rows: int, size: int) -> None:
    """The real import (services/imports.run_import: this process writes, its child reads, checks
    and assembles) of the file into a fresh base, by fixed batches of `size`: under callgrind with
    `--trace-children=yes`, each process's instructions in its own output file. The parent's only:
    a child slowed down by callgrind may not stop within the 5 s Worker.close gives it, and is
    killed before writing its counts (the default mode measures the child's work alone)."""
    base = OUT / f"import-child-bench-{rows}.db"
    fresh_base(base, None)
    open_database(str(base))
    creditor_id = ensure_creditor()
    table = imports.open_table(csv_path)
    mapping = imports.resolve_mapping(creditor_id, table.headers)
    report = imports.run_import(identify(), table, creditor_id, mapping, TODAY, batch=size)
    assert report.created == rows, report.summary
    close_database()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=6_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--stages", action="store_true", help="CPU of each step, µs a row")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import", dest="real", action="store_true", help="the real import, parent and child")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = OUT / f"creditor-{args.rows}.csv"
    if not csv_path.exists():
        write_csv(csv_path, args.rows)
    if args.real:
        real_import(csv_path, args.rows, args.batch)
        return
    gc.disable()  # as the child (import_worker.serve)
    if not args.stages:
        print(f"{child_run(csv_path, args.rows, args.batch):,} octets envoyés")
        return
    figures: dict[str, list[float]] = {}
    for _ in range(args.runs):
        clock: dict[str, float] = {}
        start = time.process_time()
        child_run(csv_path, args.rows, args.batch, clock)
        clock["total"] = time.process_time() - start
        for name, seconds in clock.items():
            figures.setdefault(name, []).append(seconds * 1e6 / args.rows)
    for name, values in figures.items():
        print(f"{name:<30} {statistics.median(values):6.1f} µs  ({', '.join(f'{v:.1f}' for v in values)})")


if __name__ == "__main__":
    main()
