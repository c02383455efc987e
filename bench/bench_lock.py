"""Benchmark: how long a reversement run holds the write lock, and how long another clerc waits.

Run: .venv/bin/python bench/bench_lock.py [DOSSIERS] [--db DEMO.db] [--keep]
On a copy of a demo base (built with `clerc demo --dossiers N` when --db is not given, 10 000
by default), « reverser tout » runs on this thread while a second connection (plain sqlite3,
as another clerc's process would) takes the write lock (`BEGIN IMMEDIATE … COMMIT`) every
10 ms. Printed: the run's duration, the longest write transaction of the run (every outermost
`write_transaction`, timed), and the longest wait of the other writer.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path


def build(dossiers: int, folder: Path) -> Path:
    path = folder / f"demo-{dossiers}.db"
    clerc = Path(sys.executable).parent / "clerc"
    subprocess.run([str(clerc), "demo", "--dossiers", str(dossiers), "--db", str(path)], check=True)
    return path


def time_transactions(held: list[float]) -> None:
    """Wrap every module's `write_transaction` so that outermost transactions are timed."""
    from clerc_tui.models import db

    original = db.write_transaction

    @contextmanager
    def timed():
        if db.database.transaction_depth() > 0:
            with original() as txn:
                yield txn
            return
        with original() as txn:
            began = time.perf_counter()  # the lock is ours from BEGIN IMMEDIATE
            yield txn
        held.append(time.perf_counter() - began)

    for module in list(sys.modules.values()):
        if getattr(module, "write_transaction", None) is original:
            module.write_transaction = timed


def other_writer(path: Path, stop: threading.Event, waits: list[float]) -> None:
    con = sqlite3.connect(path, timeout=600, isolation_level=None)
    while not stop.is_set():
        began = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        waits.append(time.perf_counter() - began)
        con.execute("COMMIT")
        time.sleep(0.01)
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dossiers", nargs="?", type=int, default=10_000)
    parser.add_argument("--db", help="a demo base (copied: left untouched)")
    parser.add_argument("--keep", action="store_true", help="keep the copy (printed)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-lock-"))
    source = Path(args.db) if args.db else build(args.dossiers, folder)
    base = folder / "run.db"
    shutil.copyfile(source, base)

    import clerc_tui.services.remittances as remittances
    from clerc_tui.models.db import close_database, open_database
    from clerc_tui.services.context import identify, os_login
    from clerc_tui.services.users import add_user

    open_database(str(base))
    with contextlib.suppress(Exception):  # already known
        add_user(os_login(), "Banc d'essai", "comptable")
    actor = identify()
    held: list[float] = []
    waits: list[float] = []
    time_transactions(held)
    stop = threading.Event()
    prober = threading.Thread(target=other_writer, args=(base, stop, waits))
    today = date.today()
    began = time.perf_counter()
    prober.start()
    try:
        result = remittances.execute_run(actor, today, today=today, csv_path=folder / "virements.csv")
    finally:
        stop.set()
        prober.join()
        close_database()
    total = time.perf_counter() - began
    run_id = getattr(result, "run_id", None) or result.run.id
    print(f"base: {source} ({source.stat().st_size // 2**20} Mo)")
    print(f"run n° {run_id}: {len(result.lines)} dossiers paid, {total:.1f} s in all")
    print(f"write transactions: {len(held)}, longest {max(held):.3f} s, sum {sum(held):.1f} s")
    print(f"other writer: {len(waits)} lock takes, longest wait {max(waits):.3f} s")
    if args.keep:
        print(f"kept: {base}")
    else:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
