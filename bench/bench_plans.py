"""Benchmark: payment plans at scale (issue 15 item 4): `plan_states` and `check_plans`.

Run: .venv/bin/python bench/bench_plans.py [--db bench/out/demo-100000.db] [--every 5] [--runs 3]
Works on a private copy of the base (made once into bench/out/, migrated, then reused). The demo has
no plans yet: the copy gets one plan on every `--every`-th dossier that owes something (12 monthly
instalments of its stored balance, made on 26/05/2026, so that the demo's payments since count and
most plans are in default on 26/11/2026), written in SQL once. Reports, CPU (process_time) and wall:
- `plan_states` over every dossier id of the base (the [amicable] scenarios' condition), median of runs;
- `check_plans` the first time (raises the alerts and completes the plans: writes);
- `check_plans` again (nothing to raise: the daily run once the backlog is done), median of runs.
"""

import argparse
import shutil
import statistics
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from clerc_tui.models import Deadline, Dossier, User
from clerc_tui.models.db import database, write_transaction
from clerc_tui.models.plans import PaymentPlan
from clerc_tui.rules.money import to_cents
from clerc_tui.rules.plans import propose
from clerc_tui.services.context import Actor
from clerc_tui.services.database import close_database, open_database
from clerc_tui.services.plans import check_plans, plan_states

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 26)
MADE_ON = date(2026, 5, 26)


def private_copy(source: Path) -> Path:
    copy = source.with_name(source.stem + "-plans.db")
    if not copy.exists():
        shutil.copyfile(source, copy)
    return copy


def seed(every: int) -> int:
    """One plan on every `every`-th dossier owing something; nothing if the copy already has plans."""
    if PaymentPlan.select().exists():
        return PaymentPlan.select().count()
    user = User.select(User.id).order_by(User.id).first()
    rows = Dossier.select(Dossier.id, Dossier.balance).where(Dossier.balance > Decimal("12.00")).order_by(Dossier.id)
    chosen = [(d.id, d.balance) for i, d in enumerate(rows.iterator()) if i % every == 0]
    made_at = datetime(2026, 5, 26, 9, 0)
    connection = database.connection()
    with write_transaction():
        for dossier_id, balance in chosen:
            cursor = connection.execute(
                'INSERT INTO "payment_plan" ("dossier_id", "kind", "status", "total", "starts_on", "alerted_number", '
                '"ended_reason", "created_by_id", "created_at", "version") VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, 1)',
                (dossier_id, "amiable", "actif", to_cents(balance), MADE_ON.isoformat(), "", user.id, str(made_at)),
            )
            plan_id = cursor.lastrowid
            instalments = propose(balance, date(2026, 6, 26), count=12).instalments
            connection.executemany(
                'INSERT INTO "payment_plan_instalment" ("plan_id", "number", "due_on", "amount") VALUES (?, ?, ?, ?)',
                [(plan_id, i.number, i.due_on.isoformat(), to_cents(i.amount)) for i in instalments],
            )
    return len(chosen)


def timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "demo-100000.db"))
    parser.add_argument("--every", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    open_database(str(private_copy(Path(args.db))))
    try:
        plans = seed(args.every)
        user = User.select().where(User.role == "commissaire").order_by(User.id).first() or User.select().first()
        actor = Actor(user.id, user.login, user.name, "commissaire")
        ids = [row[0] for row in Dossier.select(Dossier.id).tuples()]
        print(f"{len(ids)} dossiers, {plans} échéanciers")
        runs = [timed(lambda: plan_states(ids, TODAY)) for _ in range(args.runs)]
        states = runs[0][0]
        defaults = sum(1 for s in states.values() if s.state == "en_defaut")
        print(
            f"plan_states : {len(states)} états ({defaults} en défaut), "
            f"CPU médiane {statistics.median(r[2] for r in runs):.2f} s, "
            f"mur médiane {statistics.median(r[1] for r in runs):.2f} s"
        )
        result, wall, cpu = timed(lambda: check_plans(actor, TODAY))
        print(
            f"check_plans (1re fois) : {result.checked} vérifiés, {len(result.defaults)} alertes, "
            f"{len(result.completed)} respectés, CPU {cpu:.2f} s, mur {wall:.2f} s"
        )
        again = [timed(lambda: check_plans(actor, TODAY)) for _ in range(args.runs)]
        assert all(not r[0].defaults for r in again)
        print(
            f"check_plans (ensuite) : CPU médiane {statistics.median(r[2] for r in again):.2f} s, "
            f"mur médiane {statistics.median(r[1] for r in again):.2f} s, "
            f"{Deadline.select().where(Deadline.procedure_id == 'echeancier').count()} alertes en tout"
        )
    finally:
        close_database()


if __name__ == "__main__":
    main()
