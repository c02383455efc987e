"""Benchmark: several clercs writing at once on one base (issue 13 item 6).

Run: .venv/bin/python bench/bench_concurrency.py [--procs 3 6] [--writes 500] [--dossiers 2000]
                                                  [--db DEMO.db] [--url postgresql://…]
For each process count, on a fresh copy of a demo base (built with `clerc demo` unless --db
is given; with --url, the PostgreSQL base given, filled by `clerc demo` when empty), that
many OS processes start together and each does `--writes` mixed writes through the services,
as the app does them, on the same 20 « hot » dossiers (so that they collide):

- payment (35 %): `record_payment` — a receipt number each;
- billing an act (20 %): `bill_act` at the tariff — an invoice number each;
- dossier edit (25 %): `get_dossier` → `form_values` → the notes field gets a token →
  `parse_dossier_form` → `update_dossier` with the version read (a conflict is shown to the
  clerc, who reads the dossier again and saves again: counted, then retried);
- deadline move (20 %): an open deadline of the dossier, as `get_dossier` shows it, moved
  with its version (conflict: read again, retry).

Then, checked in the base: every write a service reported done is there (payment and bill
labels, each edit's token in the final notes — a lost update would drop one —, each move's
reason in the audit trail); no « database is locked » (or any other error) reached a clerc;
invoice and receipt numbers without gap or duplicate; `clerc check` clean. Printed: p50/p99
latency per kind of write (wall time of the service call, waits for the write lock included)
and its CPU p50 (`process_time`: what the machine's load does not inflate), conflicts, throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

CLERC = Path(sys.executable).parent / "clerc"
KINDS = {"payment": 35, "bill": 20, "edit": 25, "move": 20}
HOT = 20
MAX_RETRIES = 50
TOKEN = re.compile(r"bench-\w+-w\d+-n\d+")


# --- one clerc ------------------------------------------------------------------------------


def worker(target: str, index: int, writes: int, plan: dict, go: Path, out: Path) -> None:
    from decimal import Decimal

    from clerc_tui.errors import ClercError, ConflictError
    from clerc_tui.services.billing import bill_act
    from clerc_tui.services.context import identify
    from clerc_tui.services.database import explain_database_error, open_database
    from clerc_tui.services.deadlines import move
    from clerc_tui.services.dossier_form import form_values, parse_dossier_form
    from clerc_tui.services.dossiers import get_dossier, update_dossier
    from clerc_tui.services.payments import record_payment

    open_database(target)
    actor = identify()
    today = date.fromisoformat(plan["today"])
    dossiers = plan["dossiers"]
    draw = random.Random(1000 + index)
    kinds = [k for k, w in KINDS.items() for _ in range(w)]
    results: list[tuple[str, float, str, str, float]] = []  # kind, ms, outcome, token or message, CPU ms

    def payment(token: str, dossier_id: int) -> None:
        record_payment(actor, dossier_id, on=today, amount=Decimal("1.00"), label=token, today=today)

    def bill(token: str, dossier_id: int) -> None:
        bill_act(actor, dossier_id, "commandement_saisie_vente", today, label=token, today=today)

    def edit(token: str, dossier_id: int) -> None:
        view = get_dossier(dossier_id)
        values = form_values(view)
        values["notes"] = (values["notes"] + " " + token).strip()
        update_dossier(actor, dossier_id, view.dossier.version, parse_dossier_form(values, today), today)

    def moved(token: str, dossier_id: int) -> None:
        view = get_dossier(dossier_id)
        open_ones = [d for d in view.deadlines if not d.done]
        deadline = draw.choice(open_ones)
        new_date = today + timedelta(days=draw.randint(1, 90))
        if new_date == deadline.due_date:
            new_date += timedelta(days=1)
        move(actor, deadline.id, new_date, token, today=today, expected_version=deadline.version)

    calls = {"payment": payment, "bill": bill, "edit": edit, "move": moved}
    while not go.exists():
        time.sleep(0.005)
    for n in range(writes):
        kind = draw.choice(kinds)
        token = f"bench-{kind}-w{index}-n{n}"
        dossier_id = draw.choice(dossiers["move" if kind == "move" else "any"])
        for _attempt in range(MAX_RETRIES):
            began, cpu = time.perf_counter(), time.process_time()
            try:
                calls[kind](token, dossier_id)
                outcome, detail = "ok", token
            except ConflictError as error:
                outcome, detail = "conflict", error.message
            except ClercError as error:
                outcome, detail = "refused", error.message
            except Exception as error:
                explained = explain_database_error(error)
                outcome, detail = ("locked", explained.message) if explained else ("error", repr(error))
            wall, cpu = (time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000
            results.append((kind, wall, outcome, detail, cpu))
            if outcome != "conflict":
                break
    out.write_text(json.dumps(results))


# --- the run --------------------------------------------------------------------------------


def prepare(args, folder: Path) -> str:
    if args.url:
        seed_server_base(args.url)
        return args.url
    source = Path(args.db) if args.db else folder / "demo.db"
    if not args.db:
        subprocess.run(
            [str(CLERC), "demo", "--dossiers", str(args.dossiers), "--db", str(source)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return str(source)


def seed_server_base(url: str) -> None:
    """A server base (created by `clerc init URL`) with no dossier gets the HOT dossiers, each
    with a payment order served (deadlines to move), through the services."""
    from decimal import Decimal

    from clerc_tui.models.db import database
    from clerc_tui.services.context import identify
    from clerc_tui.services.database import close_database, open_database
    from clerc_tui.services.deadlines import record_step
    from clerc_tui.services.dossier_input import CreditorInput, DebtorInput, DossierInput
    from clerc_tui.services.dossiers import create_dossier

    open_database(url)
    if database.execute_sql('SELECT count(*) FROM "dossier"').fetchone()[0] == 0:
        actor, today = identify(), date.today()
        for n in range(HOT):
            data = DossierInput(
                debtor=DebtorInput(
                    kind="physique", civility="Madame", last_name=f"Banc{n}", first_name="Hélène",
                    street="12 rue de la République", postcode="69002", city="Lyon",
                ),
                new_creditor=CreditorInput(
                    kind="morale", is_individual=False, activity="bailleur", name=f"SCI Banc {n}",
                    iban="FR7630004000310001234567865",
                ),
                nature="loyers", phase="amiable", claims={"principal": Decimal("1234.56")},
            )  # fmt: skip
            dossier = create_dossier(actor, data, today)
            record_step(actor, dossier.id, "signification_jugement", "signification", today, today=today)
    close_database()


def fresh(template: str, folder: Path, procs: int) -> str:
    if "://" in template:
        return template
    path = folder / f"run-{procs}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    connection = __import__("sqlite3").connect(template)
    target = __import__("sqlite3").connect(path)
    connection.backup(target)
    target.close()
    connection.close()
    return str(path)


def plan_of(target: str) -> dict:
    from clerc_tui.models.db import database, raw_sql
    from clerc_tui.services.database import close_database, open_database

    open_database(target)
    today = date.today()
    rows = database.execute_sql(
        raw_sql(
            'SELECT d."id" FROM "dossier" d WHERE d."closed_on" IS NULL AND EXISTS '
            '(SELECT 1 FROM "deadline" x WHERE x."dossier_id" = d."id" AND x."done" = ?) '
            'ORDER BY d."id" LIMIT ?'
        ),
        (False, HOT),
    ).fetchall()
    close_database()
    ids = [r[0] for r in rows]
    return {"today": today.isoformat(), "dossiers": {"any": ids, "move": ids}}


def verify(target: str, results: list) -> dict:
    from clerc_tui.models.db import database, raw_sql
    from clerc_tui.services.database import close_database, open_database
    from clerc_tui.services.integrity import check_integrity

    open_database(target)
    ok = {kind: {r[3] for r in results if r[0] == kind and r[2] == "ok"} for kind in KINDS}
    labels = [
        TOKEN.match(r[0]).group(0)  # a bill's label may get « (tarif à confirmer) »
        for r in database.execute_sql(
            raw_sql('SELECT "label" FROM "ledger_entry" WHERE "label" LIKE ?'), ("bench-%",)
        ).fetchall()
    ]
    notes = " ".join(
        r[0] or ""
        for r in database.execute_sql(raw_sql('SELECT "notes" FROM "dossier" WHERE "notes" LIKE ?'), ("%bench-%",))
    )
    moves = " ".join(
        r[0] or ""
        for r in database.execute_sql(
            raw_sql('SELECT "after" FROM "audit_entry" WHERE "action" = ?'), ("deadline.move",)
        ).fetchall()
    )
    lost = {
        "payment": len(ok["payment"] - set(labels)),
        "bill": len(ok["bill"] - set(labels)),
        "edit": sum(1 for t in ok["edit"] if t + " " not in notes + " "),
        "move": sum(1 for t in ok["move"] if f'"{t}"' not in moves),
    }
    doubled = len(labels) - len(set(labels))
    duplicates = database.execute_sql(
        'SELECT "document_number", count(*) FROM "ledger_entry" WHERE "document_number" IS NOT NULL '
        'GROUP BY "document_number" HAVING count(*) > 1'
    ).fetchall()
    breaks = check_integrity()
    close_database()
    check = subprocess.run([str(CLERC), "check", "--db", target], capture_output=True, text=True)
    return {
        "lost": lost,
        "labels_written_twice": doubled,
        "duplicate_numbers": len(duplicates),
        "integrity_breaks": [str(b) for b in breaks][:10],
        "clerc_check_exit": check.returncode,
        "clerc_check_tail": check.stdout.strip().splitlines()[:3],
    }


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(target: str, procs: int, writes: int, folder: Path) -> None:
    plan = plan_of(target)
    plan_file, go = folder / "plan.json", folder / f"go-{procs}"
    plan_file.write_text(json.dumps(plan))
    go.unlink(missing_ok=True)
    outs = [folder / f"out-{procs}-{i}.json" for i in range(procs)]
    command = [sys.executable, __file__, "--target", target, "--writes", str(writes), "--plan", str(plan_file)]
    workers = [
        subprocess.Popen([*command, "--go", str(go), "--worker", str(i), "--out", str(outs[i])]) for i in range(procs)
    ]
    time.sleep(3)  # every process imported and opened the base
    load = os.getloadavg()[0]
    began = time.perf_counter()
    go.touch()
    codes = [w.wait() for w in workers]
    elapsed = time.perf_counter() - began
    assert codes == [0] * procs, codes
    results = [r for out in outs for r in json.loads(out.read_text())]
    checks = verify(target, results)
    print(f"\n== {procs} processus × {writes} écritures, {elapsed:.1f} s, charge {load:.1f} ({target})")
    print(
        f"{'opération':<10} {'faites':>7} {'conflits':>9} {'refus':>6} {'verrou':>7} {'erreurs':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'CPU p50':>8}"
    )
    for kind in KINDS:
        mine = [r for r in results if r[0] == kind]
        latencies = [r[1] for r in mine if r[2] == "ok"]
        cpu = [r[4] for r in mine if r[2] == "ok"]
        count = {o: sum(1 for r in mine if r[2] == o) for o in ("ok", "conflict", "refused", "locked", "error")}
        print(
            f"{kind:<10} {count['ok']:>7} {count['conflict']:>9} {count['refused']:>6} {count['locked']:>7} "
            f"{count['error']:>8} {percentile(latencies, 50):>8.1f} {percentile(latencies, 99):>8.1f} "
            f"{percentile(cpu, 50):>8.1f}"
        )
    done = sum(1 for r in results if r[2] == "ok")
    print(
        f"écritures faites : {done} ({done / elapsed:.0f}/s) ; perdues : {checks['lost']} ; "
        f"numéros en double : {checks['duplicate_numbers']} ; ruptures : {len(checks['integrity_breaks'])} ; "
        f"clerc check : code {checks['clerc_check_exit']}"
    )
    for kind in ("refused", "locked", "error"):
        for r in [r for r in results if r[2] == kind][:3]:
            print(f"  {kind} ({r[0]}) : {r[3][:200]}")
    for line in checks["integrity_breaks"]:
        print(f"  rupture : {line}")
    if checks["clerc_check_exit"]:
        print("  " + "\n  ".join(checks["clerc_check_tail"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--procs", type=int, nargs="+", default=[3, 6])
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--db", help="a demo base to copy (SQLite)")
    parser.add_argument("--url", help="a PostgreSQL base (filled by clerc demo when empty)")
    parser.add_argument("--worker", type=int)
    parser.add_argument("--target")
    parser.add_argument("--plan")
    parser.add_argument("--go")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.worker is not None:
        plan = json.loads(Path(args.plan).read_text())
        worker(args.target, args.worker, args.writes, plan, Path(args.go), Path(args.out))
        return
    with tempfile.TemporaryDirectory(prefix="clerc-bench-") as name:
        folder = Path(name)
        template = prepare(args, folder)
        for procs in args.procs:
            run(fresh(template, folder, procs), procs, args.writes, folder)


if __name__ == "__main__":
    main()
