"""Benchmark of the amicable desk (issue 15 item 6).

Run: .venv/bin/python bench/bench_campaign.py [--emails 5000] [--db bench/out/demo-100000.db] [--runs 5]

1. A campaign of `--emails` e-mails to a local SMTP server (aiosmtpd, in a child process on
   127.0.0.1, counting what it receives): messages per second (wall and CPU of the sending
   process) and the sending process's peak RSS. The base is a fresh one (bench/out/campaign.db,
   rebuilt each time) with that many dossiers enrolled, their first letter done 10 days ago.
2. The day's queue on a copy of the 100,000-dossier demo (migrated; every open dossier enrolled
   in a scenario at a step spread over the channels, one debtor in three with an e-mail): CPU and
   wall per call, median of `--runs`.
"""

import argparse
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TODAY = date(2026, 11, 26)  # a Thursday
NOW = datetime(2026, 11, 26, 11, 0)

DOSSIER_COLUMNS = (
    '"creditor_id", "nature", "phase", "opened_on", "title_kind", "title_court", "title_reference", "interest_kind", '
    '"contractual_day_basis", "majoration_points", "allocation_order", "zone", "notes", "debtor_name", '
    '"creditor_name", "balance", "created_at", "updated_at"'
)
CLAIM_COLUMNS = '"kind", "label", "amount", "due_on", "interest_regime", "interest_from"'

SERVER = """
import sys, time
from aiosmtpd.controller import Controller
class Count:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        return "250 OK"
c = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
for line in sys.stdin:
    print(Count.n, flush=True)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def enrol_all(scenario_steps: dict[int, tuple[str, int, int]], on: date, user_id: int) -> None:
    """Enrol dossiers by SQL (bench setup only): dossier → (scenario, steps done, days since the
    last step)."""
    from clerc_tui.models.db import database, write_transaction

    rows = [
        (d, scenario, steps, (on - timedelta(days=ago)).isoformat(), (on - timedelta(days=40)).isoformat(), user_id)
        for d, (scenario, steps, ago) in scenario_steps.items()
    ]
    with write_transaction():
        database.execute_sql('DELETE FROM "amicable_enrolment"')
        database.connection().executemany(
            'INSERT INTO "amicable_enrolment" ("dossier_id", "scenario", "round", "steps_done", "last_step_on", '
            '"enrolled_on", "status", "paused_reason", "paused_until", "version", "updated_by_id", "updated_at") '
            "VALUES (?, ?, 1, ?, ?, ?, 'active', '', NULL, 1, ?, '2026-11-26 08:00:00')",
            rows,
        )


def campaign(count: int) -> None:
    from decimal import Decimal

    from clerc_tui.config import SmtpSettings
    from clerc_tui.models.db import close_database, database, init_database, write_transaction
    from clerc_tui.services import amicable
    from clerc_tui.services.channels.email import SmtpSender
    from clerc_tui.services.context import identify, os_login
    from clerc_tui.services.dossier_input import CreditorInput, DebtorInput, DossierInput
    from clerc_tui.services.dossiers import create_dossier
    from clerc_tui.services.users import add_user, os_display_name

    path = OUT / "campaign.db"
    for suffix in ("", "-wal", "-shm", ".sessions"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    init_database(str(path))
    add_user(os_login(), os_display_name(), "commissaire")
    actor = identify()
    creditor = CreditorInput(kind="morale", is_individual=False, activity="bailleur", name="SCI Bench")
    first = create_dossier(
        actor,
        DossierInput(
            debtor=DebtorInput(
                kind="physique",
                last_name="Modèle",
                first_name="Anne",
                street="1 rue",
                postcode="69002",
                city="Lyon",
                email="d0@example.org",
            ),
            new_creditor=creditor,
            nature="facture",
            phase="amiable",
            claims={"principal": Decimal("1234.56")},
        ),
        TODAY - timedelta(days=40),
    )
    # The other dossiers: copies of the first one's rows by SQL (create_dossier ~5 ms each).
    with write_transaction():
        sql = database.execute_sql
        for n in range(1, count):
            sql(
                'INSERT INTO "debtor" ("kind","civility","first_name","last_name","company_name","birth_place","siren",'
                '"employer_name","employer_address","notes","display_name","search_name") SELECT "kind","civility",'
                '"first_name","last_name","company_name","birth_place","siren","employer_name","employer_address",'
                f'"notes","display_name" || \' {n}\',"search_name" FROM "debtor" WHERE "id" = 1'
            )
            debtor = sql("SELECT last_insert_rowid()").fetchone()[0]
            sql(
                f'INSERT INTO "dossier" ({DOSSIER_COLUMNS}, "reference", "version") '
                f'SELECT {DOSSIER_COLUMNS}, "reference" || \'-{n}\', 1 FROM "dossier" WHERE "id" = 1'
            )
            dossier = sql("SELECT last_insert_rowid()").fetchone()[0]
            sql(
                'INSERT INTO "dossier_debtor" ("dossier_id","debtor_id","position") VALUES (?, ?, 0)', (dossier, debtor)
            )
            sql(
                f'INSERT INTO "claim_item" ("dossier_id", {CLAIM_COLUMNS}) '
                f'SELECT ?, {CLAIM_COLUMNS} FROM "claim_item" WHERE "dossier_id" = 1',
                (dossier,),
            )
            sql('INSERT INTO "debtor_contact" ("debtor_id","kind","value","label") VALUES (?, \'email\', ?, \'\')',
                (debtor, f"d{n}@example.org"))  # fmt: skip
    enrol_all({d: ("standard", 1, 10) for d in range(first.id, first.id + count)}, TODAY, actor.user_id)
    items = amicable.queue(TODAY, NOW).items("email")
    assert len(items) == count, len(items)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None and server.stdin is not None
    server.stdout.readline()
    settings = SmtpSettings("127.0.0.1", port, False, False, "", "etude@example.org", "", "", 30.0, path)
    sender = SmtpSender(settings)
    before = rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    report = amicable.run_campaign(actor, items, TODAY, sender=sender, clock=lambda: NOW)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sender.close()
    server.stdin.write("count\n")
    server.stdin.flush()
    received = int(server.stdout.readline())
    server.stdin.close()
    server.terminate()
    close_database()
    print(
        f"campagne : {report.count('sent'):,} courriels envoyés, {received:,} reçus par le serveur ; "
        f"{report.count('sent') / wall:,.0f} messages/s (mur), {report.count('sent') / cpu:,.0f} messages/s (CPU) ; "
        f"RSS de pointe {rss_mb():,.0f} Mo (avant la campagne {before:,.0f} Mo)"
    )


def day_queue(db: Path, runs: int, due_every: int) -> None:
    """`due_every` 1: every open dossier has a step due today (the worst case); 20: one in twenty
    (the others did their last step today: their next one is to come)."""
    from clerc_tui.models.db import close_database, database, open_database
    from clerc_tui.rules import amicable as rules
    from clerc_tui.services import amicable

    copy = OUT / "demo-100000-amicable.db"
    if not copy.exists():
        shutil.copyfile(db, copy)
    open_database(str(copy))  # migrates an older base
    ids = [row[0] for row in database.execute_sql('SELECT "id" FROM "dossier" WHERE "closed_on" IS NULL').fetchall()]
    user = database.execute_sql('SELECT "id" FROM "user" ORDER BY "id" LIMIT 1').fetchone()[0]
    standard = rules.scenario("standard")
    steps = len(standard.steps)
    enrol_all(
        {
            d: ("standard", (n // due_every) % steps, 20)
            if n % due_every == 0
            else ("standard", 1 + n % (steps - 1), 0)
            for n, d in enumerate(ids)
        },
        TODAY,
        user,
    )
    from clerc_tui.models.db import write_transaction

    with write_transaction():  # one debtor in three gets an e-mail address
        database.execute_sql(
            'INSERT INTO "debtor_contact" ("debtor_id", "kind", "value", "label") '
            "SELECT \"id\", 'email', 'd' || \"id\" || '@example.org', '' FROM \"debtor\" WHERE \"id\" % 3 = 0 "
            'AND "id" NOT IN (SELECT "debtor_id" FROM "debtor_contact" WHERE "kind" = \'email\')'
        )
    database.execute_sql("ANALYZE")
    walls, cpus = [], []
    total = 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        queue = amicable.queue(TODAY, NOW)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        total = queue.total
    per_channel = ", ".join(f"{c} {len(queue.items(c)):,}" for c in rules.CHANNELS)
    print(
        f"file du jour (une relance due pour {due_every} dossiers) : {len(ids):,} dossiers suivis, "
        f"{total:,} relances dues ({per_channel}) ; "
        f"médiane {statistics.median(cpus) * 1000:,.0f} ms CPU, {statistics.median(walls) * 1000:,.0f} ms mur "
        f"sur {runs} appels (min {min(cpus) * 1000:,.0f}, max {max(cpus) * 1000:,.0f} ms CPU)"
    )
    close_database()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=5000)
    parser.add_argument("--db", default=str(OUT / "demo-100000.db"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-campaign", action="store_true")
    parser.add_argument("--skip-queue", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.skip_campaign:
        campaign(args.emails)
    if not args.skip_queue:
        for due_every in (20, 1):
            day_queue(Path(args.db), args.runs, due_every)


if __name__ == "__main__":
    main()
