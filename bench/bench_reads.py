"""Benchmark: the CPU of the services' reads, per call, on a demo base (issue 11, « Tests that are
quick and honest »: the read path with its SQL written once, services/plain.Prepared and
models/base.BaseModel.by_id).

Run: .venv/bin/python bench/bench_reads.py [--rounds 7] [--calls 40]

Each read is called `--calls` times over the dossiers of a 30-dossier demo base (seed 3), for
`--rounds` rounds; the median of the rounds' CPU per call (`time.process_time`) is printed, in
µs. « a new base » is what every test does: a fresh copy of the base opened (a new database
object), then its first décompte and dossier read — where the SQL written once per database
object was written again for each test. To compare two versions of the code, run this file
with each tree first on PYTHONPATH, alternately: it only calls what both have.
"""

import argparse
import os
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 26)


def _rounds(label: str, call, items: list, rounds: int, calls: int) -> None:
    per_call = []
    for _ in range(rounds):
        chosen = [items[n % len(items)] for n in range(calls)]
        start = time.process_time()
        for item in chosen:
            call(item)
        per_call.append((time.process_time() - start) / calls * 1e6)
    print(f"{label:<34} {statistics.median(per_call):9.0f} µs  (min {min(per_call):.0f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()

    from clerc_tui.demo import build_demo
    from clerc_tui.models import Dossier
    from clerc_tui.models.db import close_database, open_database
    from clerc_tui.services import acts, deadlines, dossiers, payments, solvency
    from clerc_tui.services.context import identify
    from clerc_tui.services.statement import dossier_statement

    folder = Path(tempfile.mkdtemp(prefix="bench-reads-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    template = folder / "demo.db"
    build_demo(str(template), dossiers=30, seed=3, today=TODAY)
    close_database()
    base = folder / "work.db"
    shutil.copyfile(template, base)
    open_database(str(base))
    ids = [d.id for d in Dossier.select(Dossier.id).order_by(Dossier.id)]
    references = [d.reference for d in Dossier.select(Dossier.reference).order_by(Dossier.id)]
    actor = identify()
    act_ids = [acts.draft_act(actor, dossier_id, "commandement_saisie_vente", today=TODAY).id for dossier_id in ids]
    r, c = args.rounds, args.calls
    for call in (dossiers.get_dossier, deadlines.served_parties, acts.act_view):  # warm: first calls aside
        call(ids[0] if call is not acts.act_view else act_ids[0])
    _rounds("get_dossier", dossiers.get_dossier, ids, r, c)
    _rounds("act_view (a draft)", acts.act_view, act_ids, r, c)
    _rounds("served_parties", deadlines.served_parties, ids, r, c)
    _rounds("dossier_solvency", lambda i: solvency.dossier_solvency(i, TODAY), ids, r, c)
    _rounds("identify", lambda _: identify(), ids, r, c)
    _rounds("find_dossiers (a reference)", payments.find_dossiers, references, r, c)

    def new_base(n: int) -> None:
        path = folder / f"copy-{n}.db"
        shutil.copyfile(base, path)
        open_database(str(path))
        dossier_statement(ids[n % len(ids)], TODAY)
        dossiers.get_dossier(ids[n % len(ids)])
        close_database()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    _rounds("a new base: décompte + dossier", new_base, list(range(c)), r, max(c // 4, 5))
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
